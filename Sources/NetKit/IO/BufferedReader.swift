/// Buffering for a `Reader`: fewer, larger reads of the underlying reader, plus byte, line and
/// delimiter oriented reading.
///
/// The default buffer size is 4096 bytes and the smallest is 16. The buffer is allocated once
/// and stays valid across suspensions, so reads of the underlying reader go straight into it.
///
/// **Views.** Go's `Peek` and `ReadSlice` return a slice aliasing the buffer, valid until the
/// next read. Here `peek(_:)` and `readSlice(_:)` return a copy (`[UInt8]`), and the zero-copy
/// forms `withPeek(_:_:)` and `withReadSlice(_:_:)` lend the bytes to a closure as an
/// `UnsafeRawBufferPointer` that must not escape it.
///
/// **Errors.** Following the `Reader` mapping, when the underlying reader fails after some bytes
/// were buffered, the bytes are returned first and the error is thrown by the next call. In
/// particular `readBytes(until:)`, `readString(until:)` and `readSlice(_:)` return the bytes
/// read before an error (which do not end in the delimiter) and throw on the next call: the
/// result ends in the delimiter exactly when no error follows (Go: "err != nil if and only if
/// the returned data does not end in delim"). Errors are reported once, as in Go (a later call
/// asks the underlying reader again).
///
/// A `BufferedReader` is a class used from one task at a time (Go: one goroutine).
///
/// The corresponding Go type is `bufio.Reader`.
public final class BufferedReader: Reader, ByteScanner, WriterTo {
    private var storage: UnsafeMutableRawBufferPointer
    private var source: any Reader
    /// Read and write positions in `storage`: the buffered bytes are `storage[r..<w]`.
    private var r = 0
    private var w = 0
    /// The error met by the last fill, reported by the next operation that needs more data.
    private var pendingError: (any Error)?
    /// The last byte read, for `unreadByte()`; -1 means invalid.
    private var lastByte = -1
    /// The size of the last rune read, for `unreadRune()`; -1 means invalid.
    private var lastRuneSize = -1

    /// The smallest buffer size (Go's `minReadBufferSize`).
    static let minimumSize = 16

    /// Creates a buffered reader of `reader` with a buffer of `size` bytes (at least 16).
    ///
    /// Unlike Go, it never returns `reader` itself when that is already a large enough
    /// `BufferedReader`. The corresponding Go functions are `bufio.NewReaderSize` and
    /// `bufio.NewReader` (default size 4096).
    public init(_ reader: any Reader, size: Int = 4096) {
        let capacity = max(size, Self.minimumSize)
        storage = UnsafeMutableRawBufferPointer.allocate(byteCount: capacity, alignment: 16)
        source = reader
    }

    deinit {
        storage.deallocate()
    }

    /// The size of the buffer in bytes.
    ///
    /// The corresponding Go method is `bufio.Reader.Size`.
    public var size: Int { storage.count }

    /// The number of bytes that can be read from the buffer without reading the source.
    ///
    /// The corresponding Go method is `bufio.Reader.Buffered`.
    public var buffered: Int { w - r }

    /// Discards any buffered data and state, and switches to reading from `reader`.
    ///
    /// The corresponding Go method is `bufio.Reader.Reset`.
    public func reset(_ reader: any Reader) {
        source = reader
        r = 0
        w = 0
        pendingError = nil
        lastByte = -1
        lastRuneSize = -1
    }

    // MARK: filling

    /// Reads a new chunk into the buffer (Go's `fill`): at most 100 empty reads, then
    /// `IOError.noProgress`.
    private nonisolated(nonsending) func fill() async {
        if r > 0 {
            // Slide the existing data to the beginning.
            if w > r { storage.baseAddress!.copyMemory(from: storage.baseAddress! + r, byteCount: w - r) }
            w -= r
            r = 0
        }
        precondition(w < storage.count, "bufio: tried to fill full buffer")
        for _ in 0..<maxConsecutiveEmptyReads {
            let n: Int
            do {
                n = try await source.read(into: UnsafeMutableRawBufferPointer(rebasing: storage[w...]))
            } catch {
                pendingError = error
                return
            }
            precondition(n >= 0 && n <= storage.count - w, "bufio: reader returned invalid count from Read")
            w += n
            if n > 0 { return }
        }
        pendingError = IOError.noProgress
    }

    /// Takes the pending error (Go's `readErr`).
    private func takeError() -> (any Error)? {
        let error = pendingError
        pendingError = nil
        return error
    }

    private var bufferedBytes: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(rebasing: storage[r..<w])
    }

    // MARK: reading

    /// Reads up to `buffer.count` bytes, calling the underlying reader at most once.
    ///
    /// Buffered bytes are returned first. With an empty buffer and `buffer.count >= size`, the
    /// read goes directly into `buffer`. Throws `IOError.eof` at the end of the input.
    ///
    /// The corresponding Go method is `bufio.Reader.Read`.
    public nonisolated(nonsending) func read(into buffer: UnsafeMutableRawBufferPointer) async throws -> Int {
        if buffer.isEmpty { return 0 }
        if r == w {
            if let error = takeError() { throw error }
            if buffer.count >= storage.count {
                // Large read, empty buffer: read directly into `buffer` to avoid a copy.
                let n = try await source.read(into: buffer)
                precondition(n >= 0 && n <= buffer.count, "bufio: reader returned invalid count from Read")
                if n > 0 {
                    lastByte = Int(buffer[n - 1])
                    lastRuneSize = -1
                }
                return n
            }
            // One read; not fill(), which loops.
            r = 0
            w = 0
            let n = try await source.read(into: storage)
            precondition(n >= 0 && n <= storage.count, "bufio: reader returned invalid count from Read")
            if n == 0 { return 0 }
            w = n
        }
        let n = min(buffer.count, w - r)
        buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: storage[r..<r + n]))
        r += n
        lastByte = Int(storage[r - 1])
        lastRuneSize = -1
        return n
    }

    /// Reads and returns a single byte; throws if no byte is available.
    ///
    /// The corresponding Go method is `bufio.Reader.ReadByte`.
    public nonisolated(nonsending) func readByte() async throws -> UInt8 {
        lastRuneSize = -1
        while r == w {
            if let error = takeError() { throw error }
            await fill()
        }
        let byte = storage[r]
        r += 1
        lastByte = Int(byte)
        return byte
    }

    /// Unreads the last byte. Only the most recently read byte can be unread.
    ///
    /// Throws `BufioError.invalidUnreadByte` if the most recent method called was not a read
    /// operation; notably `peek`, `discard` and `writeTo` are not read operations.
    /// The corresponding Go method is `bufio.Reader.UnreadByte`.
    public func unreadByte() throws {
        if lastByte < 0 || (r == 0 && w > 0) { throw BufioError.invalidUnreadByte }
        if r > 0 {
            r -= 1
        } else {
            w = 1  // r == 0 && w == 0
        }
        storage[r] = UInt8(lastByte)
        lastByte = -1
        lastRuneSize = -1
    }

    /// Reads a single UTF-8 encoded scalar and returns it with its size in bytes.
    ///
    /// An invalid encoding consumes one byte and returns U+FFFD with size 1.
    /// The corresponding Go method is `bufio.Reader.ReadRune`.
    public nonisolated(nonsending) func readRune() async throws -> (rune: Unicode.Scalar, size: Int) {
        while r + 4 > w && !isFullRune(bufferedBytes) && pendingError == nil && w - r < storage.count {
            await fill()
        }
        lastRuneSize = -1
        if r == w { throw takeError() ?? IOError.noProgress }
        let (scalar, size) = decodeRune(bufferedBytes)
        r += size
        lastByte = Int(storage[r - 1])
        lastRuneSize = size
        return (scalar, size)
    }

    /// Unreads the last rune; throws `BufioError.invalidUnreadRune` unless the most recent
    /// method called was `readRune()`.
    ///
    /// The corresponding Go method is `bufio.Reader.UnreadRune`.
    public func unreadRune() throws {
        if lastRuneSize < 0 || r < lastRuneSize { throw BufioError.invalidUnreadRune }
        r -= lastRuneSize
        lastByte = -1
        lastRuneSize = -1
    }

    // MARK: peek and discard

    /// Fills the buffer until `n` bytes are available and returns their range (Go's `Peek`).
    private nonisolated(nonsending) func peekRange(_ n: Int) async throws -> Range<Int> {
        if n < 0 { throw BufioError.negativeCount }
        lastByte = -1
        lastRuneSize = -1
        while w - r < n && w - r < storage.count && pendingError == nil {
            await fill()
        }
        if n > storage.count { throw BufioError.bufferFull }
        if w - r < n { throw takeError() ?? BufioError.bufferFull }
        return r..<r + n
    }

    /// Returns a copy of the next `n` bytes without advancing the reader.
    ///
    /// If fewer than `n` bytes can be made available it throws the reason: the underlying
    /// reader's error (e.g. `IOError.eof`), or `BufioError.bufferFull` if `n > size`; the bytes
    /// stay buffered either way. A negative `n` throws `BufioError.negativeCount`. After `peek`,
    /// `unreadByte()`/`unreadRune()` fail until the next read.
    ///
    /// The corresponding Go method is `bufio.Reader.Peek` (which returns a view instead).
    public nonisolated(nonsending) func peek(_ n: Int) async throws -> [UInt8] {
        let range = try await peekRange(n)
        return Array(UnsafeRawBufferPointer(rebasing: storage[range]))
    }

    /// Lends the next `n` bytes to `body`, without copying and without advancing the reader.
    ///
    /// `body`'s pointer is valid only during the call. Errors as `peek(_:)`.
    /// The corresponding Go method is `bufio.Reader.Peek`.
    public nonisolated(nonsending) func withPeek<Result>(
        _ n: Int, _ body: (UnsafeRawBufferPointer) throws -> Result
    ) async throws -> Result {
        let range = try await peekRange(n)
        return try body(UnsafeRawBufferPointer(rebasing: storage[range]))
    }

    /// Skips the next `n` bytes and returns `n`.
    ///
    /// If it skips fewer than `n` bytes it throws the reason (the skipped bytes are gone).
    /// If `0 <= n <= buffered`, it is guaranteed to succeed without reading the source.
    /// A negative `n` throws `BufioError.negativeCount`.
    ///
    /// The corresponding Go method is `bufio.Reader.Discard`.
    @discardableResult
    public nonisolated(nonsending) func discard(_ n: Int) async throws -> Int {
        if n < 0 { throw BufioError.negativeCount }
        if n == 0 { return 0 }
        lastByte = -1
        lastRuneSize = -1
        var remain = n
        while true {
            var skip = buffered
            if skip == 0 {
                await fill()
                skip = buffered
            }
            skip = min(skip, remain)
            r += skip
            remain -= skip
            if remain == 0 { return n }
            if pendingError != nil { throw takeError()! }
        }
    }

    // MARK: delimited reads

    /// Go's `ReadSlice`: finds the next `delimiter` and consumes up to and including it.
    ///
    /// Returns the consumed range and an error: `nil` when the range ends in the delimiter or
    /// when it holds the bytes before a pending error (which stays pending for the next call);
    /// the taken error when nothing is left; `BufioError.bufferFull` (with the whole buffer
    /// consumed) when the buffer fills without a delimiter.
    private nonisolated(nonsending) func sliceRange(until delimiter: UInt8) async -> (Range<Int>, (any Error)?) {
        var line: Range<Int>
        var error: (any Error)?
        var searched = 0  // do not rescan what was scanned before
        while true {
            if let i = UnsafeRawBufferPointer(rebasing: storage[(r + searched)..<w]).firstIndex(of: delimiter) {
                line = r..<(r + searched + i + 1)
                r = line.upperBound
                break
            }
            if pendingError != nil {
                line = r..<w
                r = w
                if line.isEmpty { error = takeError() }
                break
            }
            if buffered >= storage.count {
                line = r..<w
                r = w
                error = BufioError.bufferFull
                break
            }
            searched = w - r
            await fill()
        }
        if let last = line.last {
            lastByte = Int(storage[last])
            lastRuneSize = -1
        }
        return (line, error)
    }

    /// The range `readSlice` returns: like `sliceRange`, but a full buffer is not consumed.
    private nonisolated(nonsending) func sliceRangeKeepingFullBuffer(until delimiter: UInt8) async throws -> Range<Int> {
        let (line, error) = await sliceRange(until: delimiter)
        if let error {
            if error as? BufioError == .bufferFull {
                r = line.lowerBound
                lastByte = -1
            }
            throw error
        }
        return line
    }

    /// Reads until the first `delimiter` and returns a copy of the bytes up to and including it.
    ///
    /// If an error comes before a delimiter, returns the bytes buffered before it (not ending in
    /// `delimiter`) and the next call throws the error; if nothing is left, throws now. If the
    /// buffer fills without a delimiter, throws `BufioError.bufferFull` and, unlike Go, consumes
    /// nothing: the bytes stay readable with `read`, `peek` or `discard`. Most callers should use
    /// `readBytes(until:)` or `readString(until:)`.
    ///
    /// The corresponding Go method is `bufio.Reader.ReadSlice` (which returns a view instead).
    public nonisolated(nonsending) func readSlice(_ delimiter: UInt8) async throws -> [UInt8] {
        let line = try await sliceRangeKeepingFullBuffer(until: delimiter)
        return Array(UnsafeRawBufferPointer(rebasing: storage[line]))
    }

    /// Reads until the first `delimiter` and lends the bytes up to and including it to `body`,
    /// without copying. `body`'s pointer is valid only during the call. Errors as
    /// `readSlice(_:)`.
    ///
    /// The corresponding Go method is `bufio.Reader.ReadSlice`.
    public nonisolated(nonsending) func withReadSlice<Result>(
        _ delimiter: UInt8, _ body: (UnsafeRawBufferPointer) throws -> Result
    ) async throws -> Result {
        let line = try await sliceRangeKeepingFullBuffer(until: delimiter)
        return try body(UnsafeRawBufferPointer(rebasing: storage[line]))
    }

    /// Reads until the first `delimiter`, an ASCII scalar such as `"\n"`; see `readSlice(_:)`.
    ///
    /// The corresponding Go method is `bufio.Reader.ReadSlice`.
    public nonisolated(nonsending) func readSlice(_ delimiter: Unicode.Scalar) async throws -> [UInt8] {
        try await readSlice(asciiByte(delimiter))
    }

    /// Reads one line, without its end-of-line bytes (`"\n"` or `"\r\n"`); a low-level
    /// primitive — most callers should use `readString(until:)` or a `Scanner`.
    ///
    /// If the line is too long for the buffer, `isPrefix` is true and the beginning of the line is
    /// returned; the rest comes from later calls, the last fragment with `isPrefix` false. The
    /// result either is a line or the call throws, never both: at the end of the input it
    /// throws `IOError.eof`. No indication is given if the input ends without a final line end.
    /// `unreadByte()` after `readLine()` always unreads the last byte read (possibly one of the
    /// line end), even if that byte is not part of the line returned.
    ///
    /// The corresponding Go method is `bufio.Reader.ReadLine`.
    public nonisolated(nonsending) func readLine() async throws -> (line: [UInt8], isPrefix: Bool) {
        var (line, error) = await sliceRange(until: UInt8(ascii: "\n"))
        if let error, error as? BufioError == .bufferFull {
            // Handle a "\r\n" that straddles the buffer: put the '\r' back for the next call.
            if let last = line.last, storage[last] == UInt8(ascii: "\r") {
                precondition(r > 0, "bufio: tried to rewind past start of buffer")
                r -= 1
                line = line.lowerBound..<last
            }
            return (Array(UnsafeRawBufferPointer(rebasing: storage[line])), true)
        }
        if line.isEmpty {
            if let error { throw error }
            return ([], false)
        }
        if storage[line.upperBound - 1] == UInt8(ascii: "\n") {
            var drop = 1
            if line.count > 1 && storage[line.upperBound - 2] == UInt8(ascii: "\r") { drop = 2 }
            line = line.lowerBound..<(line.upperBound - drop)
        }
        return (Array(UnsafeRawBufferPointer(rebasing: storage[line])), false)
    }

    /// Reads until the first `delimiter` and returns the bytes up to and including it.
    ///
    /// If an error comes before a delimiter, returns the bytes read before it (not ending in
    /// `delimiter`) and the next call throws the error (often `IOError.eof`); if nothing was
    /// read, throws now. So the result ends in `delimiter` exactly when no error follows.
    /// Lines longer than the buffer are fine. For simple uses a `Scanner` may be more convenient.
    ///
    /// The corresponding Go method is `bufio.Reader.ReadBytes`.
    public nonisolated(nonsending) func readBytes(until delimiter: UInt8) async throws -> [UInt8] {
        var result: [UInt8] = []
        while true {
            let (fragment, error) = await sliceRange(until: delimiter)
            result.append(contentsOf: UnsafeRawBufferPointer(rebasing: storage[fragment]))
            guard let error else { return result }
            if error as? BufioError == .bufferFull { continue }
            if result.isEmpty { throw error }
            pendingError = error  // report it on the next call
            return result
        }
    }

    /// Reads until the first `delimiter`, an ASCII scalar such as `"\n"`; see
    /// `readBytes(until:)` with a byte.
    ///
    /// The corresponding Go method is `bufio.Reader.ReadBytes`.
    public nonisolated(nonsending) func readBytes(until delimiter: Unicode.Scalar) async throws -> [UInt8] {
        try await readBytes(until: asciiByte(delimiter))
    }

    /// Reads until the first `delimiter` and returns the text up to and including it; errors
    /// as `readBytes(until:)`. Invalid UTF-8 becomes U+FFFD.
    ///
    /// The corresponding Go method is `bufio.Reader.ReadString`.
    public nonisolated(nonsending) func readString(until delimiter: UInt8) async throws -> String {
        String(decoding: try await readBytes(until: delimiter), as: UTF8.self)
    }

    /// Reads until the first `delimiter`, an ASCII scalar such as `"\n"`; see
    /// `readString(until:)` with a byte.
    ///
    /// The corresponding Go method is `bufio.Reader.ReadString`.
    public nonisolated(nonsending) func readString(until delimiter: Unicode.Scalar) async throws -> String {
        try await readString(until: asciiByte(delimiter))
    }

    // MARK: WriterTo

    /// Writes the buffered bytes and then the rest of the source to `writer`, and returns the
    /// number of bytes written.
    ///
    /// If the source is a `WriterTo`, or `writer` a `ReaderFrom`, that does the rest of the
    /// work without buffering; otherwise the source is read through the buffer (possibly many
    /// reads). The end of the source is not an error. A writer that accepts fewer bytes without
    /// throwing gives `IOError.shortWrite`.
    ///
    /// The corresponding Go method is `bufio.Reader.WriteTo`.
    public nonisolated(nonsending) func writeTo(_ writer: any Writer) async throws -> Int64 {
        lastByte = -1
        lastRuneSize = -1
        var n = try await writeBuffered(to: writer)
        if let writerTo = source as? any WriterTo {
            return n + (try await writerTo.writeTo(writer))
        }
        if let readerFrom = writer as? any ReaderFrom {
            return n + (try await readerFrom.readFrom(source))
        }
        if w - r < storage.count { await fill() }
        while r < w {
            n += try await writeBuffered(to: writer)
            await fill()
        }
        if let error = takeError(), !error.isEOF { throw error }
        return n
    }

    /// Writes the buffered bytes to `writer` (Go's `writeBuf`).
    private nonisolated(nonsending) func writeBuffered(to writer: any Writer) async throws -> Int64 {
        let count = w - r
        let m = try await writer.write(UnsafeRawBufferPointer(rebasing: storage[r..<w]))
        precondition(m >= 0 && m <= count, "bufio: writer returned invalid count from Write")
        r += m
        if m != count { throw IOError.shortWrite }
        return Int64(m)
    }
}
