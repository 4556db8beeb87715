/// Buffering for a `Writer`: small writes are collected and written in larger chunks.
///
/// After all data has been written, call `flush()` to guarantee it reached the underlying
/// writer. If an error occurs writing to the underlying writer, no more data is accepted: every
/// later write and `flush()` throws the same error (sticky errors) until `reset(_:)`.
///
/// The default buffer size is 4096 bytes. The buffer is allocated once and lent directly to
/// the underlying writer. A `BufferedWriter` is a class used from one task at a time.
///
/// The corresponding Go type is `bufio.Writer`.
public final class BufferedWriter: Writer, ByteWriter, StringWriter, ReaderFrom {
    private var storage: UnsafeMutableRawBufferPointer
    private var sink: any Writer
    /// The number of buffered bytes: `storage[0..<n]`.
    private var n = 0
    /// The sticky error.
    private var error: (any Error)?

    /// Creates a buffered writer of `writer` with a buffer of `size` bytes (4096 if `size <= 0`).
    ///
    /// Unlike Go, it never returns `writer` itself when that is already a large enough
    /// `BufferedWriter`. The corresponding Go functions are `bufio.NewWriterSize` and
    /// `bufio.NewWriter` (default size 4096).
    public init(_ writer: any Writer, size: Int = 4096) {
        let capacity = size <= 0 ? 4096 : size
        storage = UnsafeMutableRawBufferPointer.allocate(byteCount: capacity, alignment: 16)
        sink = writer
    }

    deinit {
        storage.deallocate()
    }

    /// The size of the buffer in bytes.
    ///
    /// The corresponding Go method is `bufio.Writer.Size`.
    public var size: Int { storage.count }

    /// How many bytes are unused in the buffer.
    ///
    /// The corresponding Go method is `bufio.Writer.Available`.
    public var available: Int { storage.count - n }

    /// The number of bytes written into the buffer and not yet flushed.
    ///
    /// The corresponding Go method is `bufio.Writer.Buffered`.
    public var buffered: Int { n }

    /// Discards any unflushed data, clears any error, and switches to writing to `writer`.
    ///
    /// The corresponding Go method is `bufio.Writer.Reset`.
    public func reset(_ writer: any Writer) {
        error = nil
        n = 0
        sink = writer
    }

    /// Writes the buffered data to the underlying writer.
    ///
    /// If the writer throws, or accepts fewer bytes without throwing (`IOError.shortWrite`),
    /// the error becomes sticky and the unwritten bytes stay buffered.
    /// The corresponding Go method is `bufio.Writer.Flush`.
    public nonisolated(nonsending) func flush() async throws {
        if let error { throw error }
        if n == 0 { return }
        var written = 0
        var failure: (any Error)?
        do {
            written = try await sink.write(UnsafeRawBufferPointer(rebasing: storage[0..<n]))
            precondition(written >= 0 && written <= n, "bufio: writer returned invalid count from Write")
            if written < n { failure = IOError.shortWrite }
        } catch {
            failure = error
        }
        if let failure {
            if written > 0 && written < n {
                storage.baseAddress!.copyMemory(from: storage.baseAddress! + written, byteCount: n - written)
            }
            n -= written
            error = failure
            throw failure
        }
        n = 0
    }

    /// Writes `buffer` into the buffer (flushing as it fills) and returns `buffer.count`.
    ///
    /// A write larger than the free space with an empty buffer goes directly to the underlying
    /// writer. Throws the sticky error if there is one or one occurs.
    /// The corresponding Go method is `bufio.Writer.Write`.
    public nonisolated(nonsending) func write(_ buffer: UnsafeRawBufferPointer) async throws -> Int {
        var rest = buffer
        while rest.count > available && error == nil {
            var m: Int
            if n == 0 {
                // Large write, empty buffer: write directly from `rest` to avoid a copy.
                do {
                    m = try await sink.write(rest)
                    precondition(m >= 0 && m <= rest.count, "bufio: writer returned invalid count from Write")
                    if m == 0 { error = IOError.shortWrite }
                } catch {
                    m = 0
                    self.error = error
                }
            } else {
                m = available
                (storage.baseAddress! + n).copyMemory(from: rest.baseAddress!, byteCount: m)
                n += m
                try? await flush()  // a failure is sticky and ends the loop
            }
            rest = UnsafeRawBufferPointer(rebasing: rest[m...])
        }
        if let error { throw error }
        if !rest.isEmpty {
            (storage.baseAddress! + n).copyMemory(from: rest.baseAddress!, byteCount: rest.count)
            n += rest.count
        }
        return buffer.count
    }

    /// Writes a single byte.
    ///
    /// The corresponding Go method is `bufio.Writer.WriteByte`.
    public nonisolated(nonsending) func writeByte(_ byte: UInt8) async throws {
        if let error { throw error }
        if available <= 0 { try await flush() }
        storage[n] = byte
        n += 1
    }

    /// Writes the UTF-8 encoding of `rune` and returns its size in bytes.
    ///
    /// The corresponding Go method is `bufio.Writer.WriteRune`.
    @discardableResult
    public nonisolated(nonsending) func writeRune(_ rune: Unicode.Scalar) async throws -> Int {
        if rune.isASCII {
            try await writeByte(UInt8(rune.value))
            return 1
        }
        if let error { throw error }
        let encoded = encodeRune(rune)
        if available < encoded.count { try await flush() }
        if available < encoded.count {
            // Only with a silly small buffer.
            try await write(encoded)
            return encoded.count
        }
        for byte in encoded {
            storage[n] = byte
            n += 1
        }
        return encoded.count
    }

    /// Writes the UTF-8 bytes of `string` and returns their count.
    ///
    /// A string longer than the free space, with an empty buffer, goes directly to the
    /// underlying writer's `writeString(_:)` when it has one.
    /// The corresponding Go method is `bufio.Writer.WriteString`.
    @discardableResult
    public nonisolated(nonsending) func writeString(_ string: String) async throws -> Int {
        let utf8 = string.utf8
        let total = utf8.count
        var offset = 0
        var stringWriter: (any StringWriter)?
        var triedStringWriter = false
        while total - offset > available && error == nil {
            var m: Int
            if n == 0 && !triedStringWriter {
                stringWriter = sink as? any StringWriter
                triedStringWriter = true
            }
            if n == 0, let stringWriter, let rest = Self.suffix(of: string, from: offset) {
                // Large write, empty buffer, and the writer takes strings: forward the rest.
                do {
                    m = try await stringWriter.writeString(rest)
                    precondition(m >= 0 && m <= total - offset, "bufio: writer returned invalid count from WriteString")
                    if m == 0 { error = IOError.shortWrite }
                } catch {
                    m = 0
                    self.error = error
                }
            } else {
                m = available
                Self.copyUTF8(of: string, from: offset, count: m, to: storage.baseAddress! + n)
                n += m
                try? await flush()  // a failure is sticky and ends the loop
            }
            offset += m
        }
        if let error { throw error }
        let rest = total - offset
        if rest > 0 {
            Self.copyUTF8(of: string, from: offset, count: rest, to: storage.baseAddress! + n)
            n += rest
        }
        return total
    }

    /// The part of `string` from UTF-8 offset `offset`, if that offset starts a scalar (a Go
    /// string may be cut anywhere; a Swift `String` only between scalars).
    private static func suffix(of string: String, from offset: Int) -> String? {
        if offset == 0 { return string }
        let utf8 = string.utf8
        let index = utf8.index(utf8.startIndex, offsetBy: offset)
        if utf8[index] & 0xC0 == 0x80 { return nil }  // a continuation byte
        return String(utf8[index...])
    }

    /// Copies `count` UTF-8 bytes of `string`, from byte `offset`, to `target`.
    private static func copyUTF8(of string: String, from offset: Int, count: Int, to target: UnsafeMutableRawPointer) {
        let utf8 = string.utf8
        let copied = utf8.withContiguousStorageIfAvailable { source in
            target.copyMemory(from: source.baseAddress! + offset, byteCount: count)
            return true
        }
        if copied == nil {
            var index = utf8.index(utf8.startIndex, offsetBy: offset)
            for i in 0..<count {
                target.storeBytes(of: utf8[index], toByteOffset: i, as: UInt8.self)
                index = utf8.index(after: index)
            }
        }
    }

    /// Reads `reader` until its end into the buffer, flushing as it fills, and returns the
    /// number of bytes read.
    ///
    /// If the buffer is empty and the underlying writer is a `ReaderFrom`, that does the work
    /// (its error becomes sticky). The end of `reader` is not an error; if it left the buffer
    /// exactly full, the buffer is flushed. 100 consecutive empty reads throw
    /// `IOError.noProgress`.
    ///
    /// The corresponding Go method is `bufio.Writer.ReadFrom`.
    public nonisolated(nonsending) func readFrom(_ reader: any Reader) async throws -> Int64 {
        if let error { throw error }
        let readerFrom = sink as? any ReaderFrom
        var total: Int64 = 0
        while true {
            if available == 0 { try await flush() }
            if let readerFrom, n == 0 {
                do {
                    let copied = try await readerFrom.readFrom(reader)
                    return total + copied
                } catch {
                    self.error = error
                    throw error
                }
            }
            var m = 0
            var empties = 0
            var readError: (any Error)?
            while empties < maxConsecutiveEmptyReads {
                do {
                    m = try await reader.read(into: UnsafeMutableRawBufferPointer(rebasing: storage[n...]))
                    precondition(m >= 0 && m <= storage.count - n, "bufio: reader returned invalid count from Read")
                } catch {
                    readError = error
                    m = 0
                }
                if m != 0 || readError != nil { break }
                empties += 1
            }
            if empties == maxConsecutiveEmptyReads { throw IOError.noProgress }
            n += m
            total += Int64(m)
            if let readError {
                if !readError.isEOF { throw readError }
                // If the buffer was filled exactly, flush preemptively.
                if available == 0 { try await flush() }
                return total
            }
        }
    }
}
