import Glibc

/// A sequence of byte buffers to be written in order, in one gathered system call where possible.
///
/// `writeTo` sends them to a `TCPConn` or `UnixConn` with `writev`-style gathered writes (`sendmsg(2)` with
/// up to `IOV_MAX` = 1024 buffers per call, so no `SIGPIPE`), without first joining them into one buffer;
/// any other writer gets them one `write` at a time. Both `writeTo` and `read(into:)` consume what they
/// handled, so after an error the value holds exactly what was not written.
///
/// ```text
/// var message = Buffers([header, body, trailer])
/// try await message.writeTo(conn)     // one gathered sendmsg(2) when the socket has room
/// ```
///
/// The corresponding Go type is `net.Buffers`.
public struct Buffers: Sendable, ExpressibleByArrayLiteral {
    /// The buffers; those before `start` are consumed.
    private var storage: [ArraySlice<UInt8>]
    private var start = 0

    /// Creates buffers to write in the given order. The corresponding Go expression is `net.Buffers{…}`.
    public init(_ buffers: [[UInt8]] = []) {
        storage = buffers.map { $0[...] }
    }

    /// Creates buffers from slices, which are written without copying.
    /// The corresponding Go expression is `net.Buffers{…}`.
    public init(_ slices: [ArraySlice<UInt8>]) {
        storage = slices
    }

    /// Creates buffers from a literal list of byte arrays.
    public init(arrayLiteral elements: [UInt8]...) {
        self.init(elements)
    }

    /// The buffers not consumed yet (the first one may be partly consumed).
    /// The corresponding Go expression is the slice `v` itself.
    public var buffers: [ArraySlice<UInt8>] { Array(storage[start...]) }

    /// The number of buffers left. The corresponding Go expression is `len(v)`.
    public var count: Int { storage.count - start }

    /// Whether no buffer is left (empty buffers count: Go's `len(v) == 0`).
    public var isEmpty: Bool { start == storage.count }

    /// The number of bytes left in all buffers.
    public var byteCount: Int { storage[start...].reduce(0) { $0 + $1.count } }

    /// Adds a buffer at the end. The corresponding Go expression is `v = append(v, b)`.
    public mutating func append(_ buffer: [UInt8]) {
        storage.append(buffer[...])
    }

    /// Adds a slice at the end (written without copying). The corresponding Go expression is `v = append(v, b)`.
    public mutating func append(_ slice: ArraySlice<UInt8>) {
        storage.append(slice)
    }

    /// Writes the contents of the buffers to `writer` and returns the byte count; the buffers are consumed
    /// as they are written, also when an error is thrown (what is left was not written).
    ///
    /// A `TCPConn` or `UnixConn` receives them with gathered writes: at most 1024 buffers per system call,
    /// looping over partial writes and waiting (deadline, close and cancellation as for `write`); errors
    /// are `OpError`s with op "writev". Other writers get one `write` per buffer.
    ///
    /// The corresponding Go method is `Buffers.WriteTo`.
    @discardableResult
    public mutating func writeTo(_ writer: some Writer) async throws -> Int64 {
        if let conn = writer as? any BuffersWriter {
            return try await conn.writeBuffers(&self)
        }
        var written: Int64 = 0
        let largest = storage[start...].reduce(0) { max($0, $1.count) }
        let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: max(largest, 1), alignment: 1)
        defer { scratch.deallocate() }
        for buffer in storage[start...] {
            buffer.withUnsafeBytes { scratch.copyMemory(from: $0) }
            let n: Int
            do {
                n = try await writer.write(UnsafeRawBufferPointer(rebasing: scratch[..<buffer.count]))
            } catch {
                consume(written)
                throw error
            }
            written += Int64(n)
            if n != buffer.count {
                consume(written)
                throw IOError.shortWrite
            }
        }
        consume(written)
        return written
    }

    /// Copies bytes from the buffers into `buffer`, consuming them, and returns the count. Throws
    /// `IOError.eof` when no buffer is left (after the call that emptied them returned its bytes).
    ///
    /// The corresponding Go method is `Buffers.Read`.
    public mutating func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        if isEmpty { throw IOError.eof }
        var n = 0
        while n < buffer.count && !isEmpty {
            let first = storage[start]
            let chunk = min(first.count, buffer.count - n)
            first.withUnsafeBytes { source in
                UnsafeMutableRawBufferPointer(rebasing: buffer[n..<(n + chunk)])
                    .copyMemory(from: UnsafeRawBufferPointer(rebasing: source[..<chunk]))
            }
            consume(Int64(chunk))
            n += chunk
        }
        return n
    }

    /// Drops the first `count` bytes: whole buffers, then the front of the next one; buffers left empty at
    /// the front are dropped too (Go's `Buffers.consume`).
    mutating func consume(_ count: Int64) {
        var n = count
        while start < storage.count {
            let length = Int64(storage[start].count)
            if length > n {
                storage[start] = storage[start].dropFirst(Int(n))
                return
            }
            n -= length
            storage[start] = []
            start += 1
        }
        storage = []
        start = 0
    }

    /// One gathered write: `body` gets iovecs for up to `IOV_MAX` non-empty buffers from the front (a buffer
    /// over 1 GiB is cut there, as in Go), pointing into the buffers' storage, which each buffer lends for
    /// the duration of the call (nested borrows, one per buffer). Returns nil when no byte is left, else
    /// what `body` returned, which is then consumed.
    mutating func writeOnce(
        _ iovecs: UnsafeMutableBufferPointer<iovec>, _ body: (UnsafeBufferPointer<iovec>) throws(Errno) -> Int
    ) throws(Errno) -> Int? {
        let n = try Buffers.gather(storage, from: start, into: iovecs, filled: 0, body)
        if let n { consume(Int64(n)) }
        return n
    }

    /// The largest piece of one buffer a single gathered write takes from a stream (Go: 1 << 30).
    static let maxChunk = 1 << 30

    private static func gather(
        _ storage: [ArraySlice<UInt8>], from index: Int, into iovecs: UnsafeMutableBufferPointer<iovec>,
        filled: Int, _ body: (UnsafeBufferPointer<iovec>) throws(Errno) -> Int
    ) throws(Errno) -> Int? {
        var i = index
        while i < storage.count && storage[i].isEmpty { i += 1 }
        if i == storage.count || filled == iovecs.count {
            if filled == 0 { return nil }
            return try body(UnsafeBufferPointer(rebasing: iovecs[..<filled]))
        }
        return try storage[i].withUnsafeBytes { bytes in
            Result { () throws(Errno) -> Int? in
                let length = min(bytes.count, maxChunk)
                iovecs[filled] = iovec(iov_base: UnsafeMutableRawPointer(mutating: bytes.baseAddress), iov_len: length)
                if length < bytes.count {
                    return try body(UnsafeBufferPointer(rebasing: iovecs[...filled]))
                }
                return try gather(storage, from: i + 1, into: iovecs, filled: filled + 1, body)
            }
        }.get()
    }
}

/// A connection that writes `Buffers` with gathered writes. Go's `buffersWriter`.
protocol BuffersWriter {
    nonisolated(nonsending) func writeBuffers(_ buffers: inout Buffers) async throws -> Int64
}

/// The most iovecs one gathered write takes (Linux's `IOV_MAX`).
let maxIovecs = 1024

extension NetFD {
    /// Writes `buffers` with gathered writes, consuming what was written; errors are `OpError`s with op
    /// "writev". Go's `conn.writeBuffers` + `netFD.writeBuffers` + `poll.FD.Writev`.
    nonisolated(nonsending) func writeBuffers(_ buffers: inout Buffers) async throws -> Int64 {
        let iovecs = UnsafeMutableBufferPointer<iovec>.allocate(capacity: maxIovecs)
        defer { iovecs.deallocate() }
        var written: Int64 = 0
        do {
            try await pd.writeGathered(written: &written) { s throws(Errno) in
                try buffers.writeOnce(iovecs) { v throws(Errno) in try s.sendMessage(v) }
            }
        } catch {
            throw opError("writev", error, syscall: "writev")
        }
        return written
    }
}

extension TCPConn: BuffersWriter {
    nonisolated(nonsending) func writeBuffers(_ buffers: inout Buffers) async throws -> Int64 {
        try await netFD.writeBuffers(&buffers)
    }
}

extension UnixConn: BuffersWriter {
    nonisolated(nonsending) func writeBuffers(_ buffers: inout Buffers) async throws -> Int64 {
        try await netFD.writeBuffers(&buffers)
    }
}
