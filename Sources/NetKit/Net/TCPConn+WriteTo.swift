extension TCPConn: WriterTo {
    /// Reads from the connection until its end and writes everything to `writer`; returns the byte count.
    /// `copy(writer, conn)` comes here. When `writer` is a stream `UnixConn` (network "unix"), the kernel moves
    /// the bytes with `splice(2)` through a pipe, without copying them through user space; waits honour this
    /// connection's read deadline and the Unix connection's write deadline. Other writers get the bytes as by
    /// `copy` — a `TCPConn` destination's `readFrom` still splices them.
    ///
    /// Errors are `OpError`s with op "writeto" naming this connection (e.g. `writeto tcp
    /// 127.0.0.1:5000->127.0.0.1:6000: i/o timeout`), wrapping the error of the fallback copy if that failed;
    /// task cancellation is a bare `CancellationError`.
    ///
    /// The corresponding Go method is `TCPConn.WriteTo` (Go 1.22).
    public nonisolated(nonsending) func writeTo(_ writer: any Writer) async throws -> Int64 {
        if let n = try await spliceTo(writer, netFD) { return n }
        do {
            return try await copy(writer, TCPConnWithoutWriterTo(conn: self))
        } catch let error as CancellationError {
            throw error
        } catch {
            throw OpError(op: "writeto", net: netFD.net, source: netFD.laddr, addr: netFD.raddr, err: error)
        }
    }
}
