/// A variable-sized in-memory buffer of bytes with `read` and `write` methods.
///
/// Written bytes are appended at the end; reads consume from the front. Its methods are
/// synchronous (they still satisfy the asynchronous `Reader`, `Writer`, `ByteReader`,
/// `ByteWriter` and `StringWriter` requirements); only `readFrom(_:)` and `writeTo(_:)`, which
/// talk to other readers and writers, suspend. Reading an empty buffer throws `IOError.eof`.
///
/// The corresponding Go type is `bytes.Buffer`.
public final class BytesBuffer: Reader, Writer, ByteScanner, ByteWriter, StringWriter,
    ReaderFrom, WriterTo, CustomStringConvertible
{
    /// The contents are `storage[offset...]`.
    private var storage: [UInt8]
    private var offset = 0
    /// Whether the last operation was a successful read (so `unreadByte()` may step back).
    private var lastOperationWasRead = false

    /// Creates an empty buffer.
    ///
    /// The corresponding Go expression is `new(bytes.Buffer)`.
    public init() {
        storage = []
    }

    /// Creates a buffer whose contents are `bytes`, ready to be read (or appended to).
    ///
    /// The corresponding Go function is `bytes.NewBuffer`.
    public init(_ bytes: [UInt8]) {
        storage = bytes
    }

    /// Creates a buffer whose contents are the UTF-8 bytes of `string`.
    ///
    /// The corresponding Go function is `bytes.NewBufferString`.
    public convenience init(_ string: String) {
        self.init(Array(string.utf8))
    }

    /// A copy of the unread portion of the buffer.
    ///
    /// The corresponding Go method is `bytes.Buffer.Bytes` (which returns an alias instead).
    public var bytes: [UInt8] {
        offset == 0 ? storage : Array(storage[offset...])
    }

    /// The unread portion of the buffer decoded as UTF-8 (invalid sequences become U+FFFD).
    ///
    /// The corresponding Go method is `bytes.Buffer.String`.
    public var description: String {
        String(decoding: storage[offset...], as: UTF8.self)
    }

    /// The number of bytes of the unread portion.
    ///
    /// The corresponding Go method is `bytes.Buffer.Len`.
    public var len: Int { storage.count - offset }

    /// Discards all but the first `n` unread bytes, continuing to use the same storage.
    ///
    /// `n` outside `0...len` is a precondition failure (Go panics).
    /// The corresponding Go method is `bytes.Buffer.Truncate`.
    public func truncate(_ n: Int) {
        if n == 0 {
            reset()
            return
        }
        lastOperationWasRead = false
        precondition(n > 0 && n <= len, "bytes.Buffer: truncation out of range")
        storage.removeSubrange((offset + n)...)
    }

    /// Empties the buffer, keeping its storage for future writes. Same as `truncate(0)`.
    ///
    /// The corresponding Go method is `bytes.Buffer.Reset`.
    public func reset() {
        storage.removeAll(keepingCapacity: true)
        offset = 0
        lastOperationWasRead = false
    }

    /// Grows the capacity, if necessary, so that another `n` bytes can be written without
    /// another allocation. A negative `n` is a precondition failure (Go panics).
    ///
    /// The corresponding Go method is `bytes.Buffer.Grow`.
    public func grow(_ n: Int) {
        precondition(n >= 0, "bytes.Buffer.Grow: negative count")
        compact()
        storage.reserveCapacity(storage.count + n)
    }

    /// Appends `buffer` and returns `buffer.count`; never fails.
    ///
    /// The corresponding Go method is `bytes.Buffer.Write`.
    public func write(_ buffer: UnsafeRawBufferPointer) -> Int {
        lastOperationWasRead = false
        compact()
        storage.append(contentsOf: buffer)
        return buffer.count
    }

    /// Appends the UTF-8 bytes of `string` and returns their count; never fails.
    ///
    /// The corresponding Go method is `bytes.Buffer.WriteString`.
    @discardableResult
    public func writeString(_ string: String) -> Int {
        lastOperationWasRead = false
        compact()
        storage.append(contentsOf: string.utf8)
        return string.utf8.count
    }

    /// Appends one byte; never fails.
    ///
    /// The corresponding Go method is `bytes.Buffer.WriteByte`.
    public func writeByte(_ byte: UInt8) {
        lastOperationWasRead = false
        compact()
        storage.append(byte)
    }

    /// Reads the next `min(buffer.count, len)` bytes; throws `IOError.eof` if the buffer is
    /// empty (and `buffer` is not).
    ///
    /// The corresponding Go method is `bytes.Buffer.Read`.
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        lastOperationWasRead = false
        if len == 0 {
            reset()
            if buffer.isEmpty { return 0 }
            throw IOError.eof
        }
        if buffer.isEmpty { return 0 }
        let n = min(buffer.count, len)
        storage.withUnsafeBytes { source in
            buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: source[offset..<offset + n]))
        }
        offset += n
        lastOperationWasRead = true
        return n
    }

    /// Returns the next `n` bytes (or all of them if fewer), advancing as if they were read.
    ///
    /// The corresponding Go method is `bytes.Buffer.Next` (which returns an alias instead).
    public func next(_ n: Int) -> [UInt8] {
        lastOperationWasRead = false
        let count = min(max(n, 0), len)
        let result = Array(storage[offset..<offset + count])
        offset += count
        if count > 0 { lastOperationWasRead = true }
        return result
    }

    /// Reads and returns the next byte; throws `IOError.eof` if the buffer is empty.
    ///
    /// The corresponding Go method is `bytes.Buffer.ReadByte`.
    public func readByte() throws -> UInt8 {
        if len == 0 {
            reset()
            throw IOError.eof
        }
        let byte = storage[offset]
        offset += 1
        lastOperationWasRead = true
        return byte
    }

    /// Unreads the last byte returned by the most recent successful read operation.
    ///
    /// Throws `BytesError.invalidUnreadByte` if a write or a failed read happened since.
    /// The corresponding Go method is `bytes.Buffer.UnreadByte`.
    public func unreadByte() throws {
        if !lastOperationWasRead { throw BytesError.invalidUnreadByte }
        lastOperationWasRead = false
        if offset > 0 { offset -= 1 }
    }

    /// Reads until the first `delimiter` and returns the bytes up to and including it.
    ///
    /// If the buffer ends before a delimiter, returns what is left (which does not end in
    /// `delimiter`) and the next call throws `IOError.eof`; if nothing is left, throws
    /// `IOError.eof` now. So the result ends in `delimiter` exactly when no error follows —
    /// Go's "err != nil if and only if the returned data does not end in delim".
    ///
    /// The corresponding Go method is `bytes.Buffer.ReadBytes`.
    public func readBytes(until delimiter: UInt8) throws -> [UInt8] {
        let unread = storage[offset...]
        let end = unread.firstIndex(of: delimiter).map { $0 + 1 } ?? storage.count
        if end == offset { throw IOError.eof }
        let line = Array(storage[offset..<end])
        offset = end
        lastOperationWasRead = true
        return line
    }

    /// Reads until the first `delimiter` (an ASCII scalar such as `"\n"`); see
    /// `readBytes(until:)`.
    ///
    /// The corresponding Go method is `bytes.Buffer.ReadBytes`.
    public func readBytes(until delimiter: Unicode.Scalar) throws -> [UInt8] {
        try readBytes(until: asciiByte(delimiter))
    }

    /// Reads until the first `delimiter` and returns the text up to and including it; the
    /// end of the buffer is handled as in `readBytes(until:)`. Invalid UTF-8 becomes U+FFFD.
    ///
    /// The corresponding Go method is `bytes.Buffer.ReadString`.
    public func readString(until delimiter: UInt8) throws -> String {
        String(decoding: try readBytes(until: delimiter), as: UTF8.self)
    }

    /// Reads until the first `delimiter` (an ASCII scalar such as `"\n"`); see
    /// `readString(until:)` with a byte.
    ///
    /// The corresponding Go method is `bytes.Buffer.ReadString`.
    public func readString(until delimiter: Unicode.Scalar) throws -> String {
        try readString(until: asciiByte(delimiter))
    }

    /// Reads `reader` until its end, appending to the buffer, and returns the number of bytes
    /// read. The end of `reader` is not an error; other errors are thrown (the bytes read before
    /// stay in the buffer); 100 consecutive empty reads throw `IOError.noProgress`.
    ///
    /// The corresponding Go method is `bytes.Buffer.ReadFrom`.
    public nonisolated(nonsending) func readFrom(_ reader: any Reader) async throws -> Int64 {
        lastOperationWasRead = false
        let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 32 * 1024, alignment: 1)
        defer { scratch.deallocate() }
        var total: Int64 = 0
        var empties = 0
        while true {
            let n: Int
            do {
                n = try await reader.read(into: scratch)
            } catch let error as IOError where error == .eof {
                return total
            }
            checkReadCount(n, scratch.count)
            if n == 0 {
                empties += 1
                if empties >= maxConsecutiveEmptyReads { throw IOError.noProgress }
                continue
            }
            empties = 0
            compact()
            storage.append(contentsOf: UnsafeRawBufferPointer(rebasing: scratch[0..<n]))
            total += Int64(n)
        }
    }

    /// Writes the unread bytes to `writer` and returns how many it accepted; the buffer is
    /// emptied on success. A writer that accepts fewer bytes without throwing gives
    /// `IOError.shortWrite` (the accepted bytes are consumed).
    ///
    /// The corresponding Go method is `bytes.Buffer.WriteTo`.
    public nonisolated(nonsending) func writeTo(_ writer: any Writer) async throws -> Int64 {
        lastOperationWasRead = false
        let count = len
        var written = 0
        if count > 0 {
            // The array cannot be pinned across a suspension: stage the bytes.
            let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: count, alignment: 1)
            defer { scratch.deallocate() }
            storage.withUnsafeBytes { scratch.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[offset...])) }
            written = try await writer.write(UnsafeRawBufferPointer(scratch))
            precondition(written >= 0 && written <= count, "bytes.Buffer.WriteTo: invalid Write count")
            offset += written
            if written != count { throw IOError.shortWrite }
        }
        reset()
        return Int64(written)
    }

    /// Drops consumed bytes when that is cheap relative to what is left.
    private func compact() {
        if offset == 0 { return }
        if offset == storage.count {
            storage.removeAll(keepingCapacity: true)
            offset = 0
        } else if offset >= 4096 && offset >= storage.count / 2 {
            storage.removeSubrange(0..<offset)
            offset = 0
        }
    }
}

/// The byte of an ASCII delimiter given as a scalar literal (`"\n"`); non-ASCII is a
/// precondition failure.
func asciiByte(_ scalar: Unicode.Scalar) -> UInt8 {
    precondition(scalar.isASCII, "delimiter must be an ASCII character")
    return UInt8(scalar.value)
}
