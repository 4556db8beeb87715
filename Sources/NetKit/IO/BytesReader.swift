/// A reader over an in-memory byte array (or string), with `readByte`/`unreadByte`.
///
/// Unlike `BytesBuffer` it is read-only. Its methods are synchronous; they still satisfy the
/// asynchronous `Reader`, `ByteReader` and `WriterTo` requirements. At the end of the bytes,
/// reads throw `IOError.eof`; an empty buffer returns 0 as for every `Reader`.
///
/// The corresponding Go type is `bytes.Reader` (and `strings.Reader`).
public final class BytesReader: Reader, ByteScanner, WriterTo {
    private var bytes: [UInt8]
    private var offset = 0

    /// Creates a reader over `bytes`.
    ///
    /// The corresponding Go function is `bytes.NewReader`.
    public init(_ bytes: [UInt8]) {
        self.bytes = bytes
    }

    /// Creates a reader over the UTF-8 bytes of `string`.
    ///
    /// The corresponding Go function is `strings.NewReader`.
    public convenience init(_ string: String) {
        self.init(Array(string.utf8))
    }

    /// The number of bytes of the unread portion.
    ///
    /// The corresponding Go method is `bytes.Reader.Len`.
    public var len: Int { max(bytes.count - offset, 0) }

    /// The length of the underlying bytes: the total number of bytes available for reading,
    /// unaffected by reads.
    ///
    /// The corresponding Go method is `bytes.Reader.Size`.
    public var size: Int64 { Int64(bytes.count) }

    /// Copies up to `buffer.count` unread bytes into `buffer`; throws `IOError.eof` at the end.
    ///
    /// The corresponding Go method is `bytes.Reader.Read`.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        if buffer.isEmpty { return 0 }
        if offset >= bytes.count { throw IOError.eof }
        let n = min(buffer.count, bytes.count - offset)
        bytes.withUnsafeBytes { source in
            buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[offset..<offset + n]))
        }
        offset += n
        return n
    }

    /// Reads and returns the next byte; throws `IOError.eof` at the end.
    ///
    /// The corresponding Go method is `bytes.Reader.ReadByte`.
    public func readByte() throws -> UInt8 {
        if offset >= bytes.count { throw IOError.eof }
        let byte = bytes[offset]
        offset += 1
        return byte
    }

    /// Steps back one byte; throws `BytesError.unreadByteAtBeginning` at the beginning.
    ///
    /// Any read moves the position, so unlike `BufferedReader` this may be called repeatedly.
    /// The corresponding Go method is `bytes.Reader.UnreadByte`.
    public func unreadByte() throws {
        if offset <= 0 { throw BytesError.unreadByteAtBeginning }
        offset -= 1
    }

    /// Writes the unread bytes to `writer` and returns how many it accepted.
    ///
    /// At the end of the bytes it returns 0 without writing. A writer that accepts fewer bytes
    /// without throwing gives `IOError.shortWrite` (the accepted bytes count as read).
    /// The corresponding Go method is `bytes.Reader.WriteTo`.
    public nonisolated(nonsending) func writeTo(_ writer: any Writer) async throws -> Int64 {
        if offset >= bytes.count { return 0 }
        let remaining = bytes.count - offset
        let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: remaining, alignment: 1)
        defer { scratch.deallocate() }
        bytes.withUnsafeBytes { scratch.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[offset...])) }
        let m = try await writer.write(UnsafeRawBufferPointer(scratch))
        precondition(m >= 0 && m <= remaining, "bytes.Reader.WriteTo: invalid Write count")
        offset += m
        if m != remaining { throw IOError.shortWrite }
        return Int64(m)
    }

    /// Resets the reader to read from `bytes`.
    ///
    /// The corresponding Go method is `bytes.Reader.Reset`.
    public func reset(_ bytes: [UInt8]) {
        self.bytes = bytes
        offset = 0
    }
}
