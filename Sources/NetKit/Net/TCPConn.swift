/// A TCP connection.
///
/// Created by `dial("tcp", …)`, `dialTCP`, or a `TCPListener`'s `accept`. Like Go, NetKit sets `TCP_NODELAY`
/// on every TCP connection and enables keep-alive (15 s idle, 15 s interval, 9 probes) unless the dialer or
/// listener says otherwise. Dropping the last reference closes the socket; call `close()` to do it promptly.
///
/// The corresponding Go type is `net.TCPConn`.
public final class TCPConn: Conn, NetFDBacked {
    let netFD: NetFD

    init(fd: NetFD) {
        self.netFD = fd
    }

    // MARK: Conn

    /// Reads at most `buffer.count` bytes; throws `IOError.eof` at the end of the stream.
    /// The corresponding Go method is `TCPConn.Read`.
    nonisolated(nonsending) public func read(into buffer: UnsafeMutableRawBufferPointer) async throws -> Int {
        try await netFD.read(into: buffer)
    }

    /// Reads at most `buffer.count` bytes into the start of `buffer` (no copy).
    /// The corresponding Go method is `TCPConn.Read`.
    nonisolated(nonsending) public func read(into buffer: inout [UInt8]) async throws -> Int {
        try await netFD.read(into: &buffer)
    }

    /// Waits for data, reads at most `maxCount` bytes (at most 64 KiB) into a buffer lent by the
    /// connection's event loop, and returns what `body` returns when called with them.
    ///
    /// The waiting connection holds no buffer: the loop lends one only while bytes are in hand, until
    /// `body` returns (`body` may suspend, to write the bytes back, say). `IOError.eof` at the end of the
    /// stream; deadlines and cancellation as for `read(into:)`. Serving idle-heavy traffic this way costs
    /// no read buffer per connection:
    ///
    /// ```swift
    /// while true {
    ///     try await conn.read(upTo: 65536) { bytes in try await conn.write(bytes) }
    /// }
    /// ```
    ///
    /// A Swift-only addition to Go's `TCPConn.Read`.
    @discardableResult
    nonisolated(nonsending) public func read<R>(
        upTo maxCount: Int = 65536, _ body: nonisolated(nonsending) (UnsafeRawBufferPointer) async throws -> R
    ) async throws -> R {
        try await netFD.read(upTo: maxCount, body)
    }

    /// Writes all of `buffer` or throws. The corresponding Go method is `TCPConn.Write`.
    @discardableResult
    nonisolated(nonsending) public func write(_ buffer: UnsafeRawBufferPointer) async throws -> Int {
        try await netFD.writeAll(buffer)
    }

    /// Closes the connection. The corresponding Go method is `TCPConn.Close`.
    public func close() throws { try netFD.close() }

    /// The local address. The corresponding Go method is `TCPConn.LocalAddr`.
    public var localAddr: any Addr { netFD.laddr ?? TCPAddr() }
    /// The remote address. The corresponding Go method is `TCPConn.RemoteAddr`.
    public var remoteAddr: any Addr { netFD.raddr ?? TCPAddr() }

    /// The local address as a `TCPAddr`.
    public var localTCPAddr: TCPAddr { netFD.storedLaddr.tcp ?? TCPAddr() }
    /// The remote address as a `TCPAddr`.
    public var remoteTCPAddr: TCPAddr { netFD.storedRaddr.tcp ?? TCPAddr() }

    /// Sets both deadlines. The corresponding Go method is `TCPConn.SetDeadline`.
    public func setDeadline(_ deadline: ContinuousClock.Instant?) throws {
        try netFD.setDeadline(deadline, read: true, write: true)
    }
    /// Sets the read deadline. The corresponding Go method is `TCPConn.SetReadDeadline`.
    public func setReadDeadline(_ deadline: ContinuousClock.Instant?) throws {
        try netFD.setDeadline(deadline, read: true, write: false)
    }
    /// Sets the write deadline. The corresponding Go method is `TCPConn.SetWriteDeadline`.
    public func setWriteDeadline(_ deadline: ContinuousClock.Instant?) throws {
        try netFD.setDeadline(deadline, read: false, write: true)
    }

    // MARK: TCP

    /// Shuts down the reading side; later reads fail. The corresponding Go method is `TCPConn.CloseRead`.
    public func closeRead() throws { try netFD.shutdown(.read) }

    /// Shuts down the writing side (sends FIN); the peer reads EOF, and this side can still read.
    /// The corresponding Go method is `TCPConn.CloseWrite`.
    public func closeWrite() throws { try netFD.shutdown(.write) }

    /// Enables or disables Nagle's algorithm off (`TCP_NODELAY`; NetKit's default is no delay).
    /// The corresponding Go method is `TCPConn.SetNoDelay`.
    public func setNoDelay(_ noDelay: Bool) throws {
        try netFD.setOption { s throws(Errno) in try s.setNoDelay(noDelay) }
    }

    /// Enables or disables keep-alive probes. The corresponding Go method is `TCPConn.SetKeepAlive`.
    public func setKeepAlive(_ keepAlive: Bool) throws {
        try netFD.setOption { s throws(Errno) in try s.setKeepAlive(keepAlive) }
    }

    /// Sets the idle time before keep-alive probes start (rounded up to seconds; zero → 15 s).
    /// The corresponding Go method is `TCPConn.SetKeepAlivePeriod`.
    public func setKeepAlivePeriod(_ period: Duration) throws {
        guard let seconds = KeepAliveConfig.seconds(period, default: KeepAliveConfig.defaultIdle) else { return }
        try netFD.setOption { s throws(Errno) in try s.setKeepAliveIdle(seconds) }
    }

    /// Applies a keep-alive configuration. The corresponding Go method is `TCPConn.SetKeepAliveConfig`.
    public func setKeepAliveConfig(_ config: KeepAliveConfig) throws {
        try netFD.setOption { s throws(Errno) in try s.apply(config) }
    }

    /// Sets what `close` does with unsent data: nil (or negative) sends it in the background (the default),
    /// 0 discards it and resets the connection, a positive count of seconds makes the kernel wait that long.
    /// The corresponding Go method is `TCPConn.SetLinger`.
    public func setLinger(_ seconds: Int?) throws {
        let value = seconds.flatMap { $0 < 0 ? nil : $0 }
        try netFD.setOption { s throws(Errno) in try s.setLinger(value) }
    }

    /// Sets the socket's receive buffer size (`SO_RCVBUF`). The corresponding Go method is `TCPConn.SetReadBuffer`.
    public func setReadBuffer(_ bytes: Int) throws {
        try netFD.setOption { s throws(Errno) in try s.setReceiveBufferSize(bytes) }
    }

    /// Sets the socket's send buffer size (`SO_SNDBUF`). The corresponding Go method is `TCPConn.SetWriteBuffer`.
    public func setWriteBuffer(_ bytes: Int) throws {
        try netFD.setOption { s throws(Errno) in try s.setSendBufferSize(bytes) }
    }

    /// Raw access to the descriptor. The corresponding Go method is `TCPConn.SyscallConn`.
    public func syscallConn() -> RawConn { RawConn(pd: netFD.pd) }

    /// Runs `body` with the socket, which stays open meanwhile; it must not be closed or kept.
    /// Go's `SyscallConn().Control`.
    public func withUnsafeSocket<R>(_ body: (Socket) throws -> R) throws -> R {
        try syscallConn().control(body)
    }
}
