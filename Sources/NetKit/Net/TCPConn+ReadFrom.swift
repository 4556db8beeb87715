extension TCPConn: ReaderFrom {
    /// Reads from `reader` until its end and writes everything to the connection; returns the byte count.
    /// `copy(conn, reader)` comes here (by way of `reader.writeTo` when `reader` is a `TCPConn`, whose
    /// `OpError` "writeto" then wraps this one, as in Go 1.22). The kernel moves the bytes without copying
    /// them through user space when it can: with `splice(2)` when `reader` is a `TCPConn` or a stream
    /// `UnixConn`, with `sendfile(2)` when it is a `File` — also when wrapped in a `LimitedReader`, whose
    /// `remaining` is decremented. Other readers are copied through a buffer.
    ///
    /// Errors are `OpError`s with op "readfrom" naming this connection (e.g. `readfrom tcp
    /// 127.0.0.1:5000->127.0.0.1:6000: i/o timeout`); task cancellation is a bare `CancellationError`.
    ///
    /// The corresponding Go method is `TCPConn.ReadFrom`.
    public nonisolated(nonsending) func readFrom(_ reader: any Reader) async throws -> Int64 {
        if let n = try await spliceFrom(netFD, reader) { return n }
        if let n = try await sendFileFrom(netFD, reader) { return n }
        do {
            return try await copy(WriterOnly(writer: self), reader)
        } catch let error as CancellationError {
            throw error
        } catch {
            throw OpError(op: "readfrom", net: netFD.net, source: netFD.laddr, addr: netFD.raddr, err: error)
        }
    }
}

/// A writer that hides every other method of the one it wraps (notably `readFrom`), so that a fallback
/// `copy` does not come back. Go's `writerOnly`.
struct WriterOnly: Writer {
    let writer: any Writer

    @discardableResult
    nonisolated(nonsending) func write(_ buffer: UnsafeRawBufferPointer) async throws -> Int {
        try await writer.write(buffer)
    }
}

/// A `TCPConn` without its `writeTo`, for the fallback copy of `TCPConn.writeTo` (Go's
/// `tcpConnWithoutWriteTo`); `splice` still recognises the connection inside.
struct TCPConnWithoutWriterTo: Reader {
    let conn: TCPConn

    nonisolated(nonsending) func read(into buffer: UnsafeMutableRawBufferPointer) async throws -> Int {
        try await conn.read(into: buffer)
    }
}
