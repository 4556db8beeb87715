import Glibc

/// A Unix-domain socket connection: a stream ("unix"), a datagram socket ("unixgram") or a sequenced-packet
/// connection ("unixpacket").
///
/// Created by `dial("unix", path)`, `dialUnix`, a `UnixListener`'s `accept`, or `listenUnixgram` /
/// `listenPacket("unixgram", path)`. It is both a `Conn` (read, write) and a `PacketConn` (readFrom, writeTo);
/// `readMsgUnix` and `writeMsgUnix` also carry control messages, such as descriptors (`SCM_RIGHTS`).
/// Dropping the last reference closes the socket; call `close()` to do it promptly.
///
/// The corresponding Go type is `net.UnixConn`.
public final class UnixConn: Conn, PacketConn, NetFDBacked {
    let netFD: NetFD
    /// Whether the socket was connected by a dial (Go's `netFD.isConnected`): `writeTo` is then refused.
    let isConnected: Bool

    init(fd: NetFD, isConnected: Bool) {
        self.netFD = fd
        self.isConnected = isConnected
    }

    /// "unix", "unixgram" or "unixpacket", from the socket type (Go's `sotypeToNet`).
    var addrNetwork: String { unixNetwork(netFD.kind) }

    // MARK: Conn

    /// Reads at most `buffer.count` bytes (one datagram or record on "unixgram" and "unixpacket"); throws
    /// `IOError.eof` at the end of a stream. The corresponding Go method is `UnixConn.Read`.
    nonisolated(nonsending) public func read(into buffer: UnsafeMutableRawBufferPointer) async throws -> Int {
        try await netFD.read(into: buffer)
    }

    /// Reads at most `buffer.count` bytes into the start of `buffer` (no copy).
    /// The corresponding Go method is `UnixConn.Read`.
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
    /// A Swift-only addition to Go's `UnixConn.Read`.
    @discardableResult
    nonisolated(nonsending) public func read<R>(
        upTo maxCount: Int = 65536, _ body: nonisolated(nonsending) (UnsafeRawBufferPointer) async throws -> R
    ) async throws -> R {
        try await netFD.read(upTo: maxCount, body)
    }

    /// Writes all of `buffer` (one datagram or record on "unixgram" and "unixpacket") or throws.
    /// The corresponding Go method is `UnixConn.Write`.
    @discardableResult
    nonisolated(nonsending) public func write(_ buffer: UnsafeRawBufferPointer) async throws -> Int {
        try await netFD.writeAll(buffer)
    }

    /// Closes the connection; parked calls fail with `ClosedError`, and so does a second close.
    /// The corresponding Go method is `UnixConn.Close`.
    public func close() throws { try netFD.close() }

    /// The local address ("" for an unnamed socket). The corresponding Go method is `UnixConn.LocalAddr`.
    public var localAddr: any Addr { localUnixAddr }

    /// The remote address ("" for an unnamed peer or an unconnected datagram socket).
    /// The corresponding Go method is `UnixConn.RemoteAddr`.
    public var remoteAddr: any Addr { remoteUnixAddr }

    /// The local address as a `UnixAddr`: Go's `c.LocalAddr().(*net.UnixAddr)`.
    public var localUnixAddr: UnixAddr { netFD.storedLaddr.unix ?? UnixAddr(name: "", net: addrNetwork) }

    /// The remote address as a `UnixAddr`: Go's `c.RemoteAddr().(*net.UnixAddr)`.
    public var remoteUnixAddr: UnixAddr { netFD.storedRaddr.unix ?? UnixAddr(name: "", net: addrNetwork) }

    /// Sets both deadlines. The corresponding Go method is `UnixConn.SetDeadline`.
    public func setDeadline(_ deadline: ContinuousClock.Instant?) throws {
        try netFD.setDeadline(deadline, read: true, write: true)
    }

    /// Sets the read deadline. The corresponding Go method is `UnixConn.SetReadDeadline`.
    public func setReadDeadline(_ deadline: ContinuousClock.Instant?) throws {
        try netFD.setDeadline(deadline, read: true, write: false)
    }

    /// Sets the write deadline. The corresponding Go method is `UnixConn.SetWriteDeadline`.
    public func setWriteDeadline(_ deadline: ContinuousClock.Instant?) throws {
        try netFD.setDeadline(deadline, read: false, write: true)
    }

    // MARK: Unix

    /// Shuts down the reading side; later reads see end of stream. The corresponding Go method is
    /// `UnixConn.CloseRead`.
    public func closeRead() throws { try netFD.shutdown(.read) }

    /// Shuts down the writing side: the peer reads EOF, and this side can still read; writes fail with
    /// `EPIPE`. The corresponding Go method is `UnixConn.CloseWrite`.
    public func closeWrite() throws { try netFD.shutdown(.write) }

    /// The credentials (process, user and group ID) of the peer process as of its `connect` or `socketpair`
    /// (`SO_PEERCRED`). A Swift addition: in Go this is `syscall.GetsockoptUcred` inside
    /// `UnixConn.SyscallConn().Control`.
    ///
    /// Errors are `OpError`s with op "get": `SyscallError("getsockopt", …)`, or `ClosedError`.
    public var peerCredentials: Socket.Credentials {
        get throws {
            do {
                return try netFD.pd.withDescriptor { s throws(Errno) in try s.peerCredentials }
            } catch {
                throw netFD.opError("get", error, syscall: "getsockopt")
            }
        }
    }

    /// Sets the socket's receive buffer size (`SO_RCVBUF`). The corresponding Go method is
    /// `UnixConn.SetReadBuffer`.
    public func setReadBuffer(_ bytes: Int) throws {
        try netFD.setOption { s throws(Errno) in try s.setReceiveBufferSize(bytes) }
    }

    /// Sets the socket's send buffer size (`SO_SNDBUF`). The corresponding Go method is
    /// `UnixConn.SetWriteBuffer`.
    public func setWriteBuffer(_ bytes: Int) throws {
        try netFD.setOption { s throws(Errno) in try s.setSendBufferSize(bytes) }
    }

    /// Raw access to the descriptor. The corresponding Go method is `UnixConn.SyscallConn`.
    public func syscallConn() -> RawConn { RawConn(pd: netFD.pd) }

    /// Runs `body` with the socket, which stays open meanwhile; it must not be closed or kept.
    /// Go's `SyscallConn().Control`.
    public func withUnsafeSocket<R>(_ body: (Socket) throws -> R) throws -> R {
        try syscallConn().control(body)
    }
}

// MARK: - Packets

extension UnixConn {
    /// Reads one packet and returns its size and sender; the sender is the empty address for an unnamed
    /// socket (Go returns a nil address). The corresponding Go method is `UnixConn.ReadFrom`.
    nonisolated(nonsending) public func readFrom(into buffer: UnsafeMutableRawBufferPointer) async throws -> (count: Int, addr: any Addr) {
        let (n, from) = try await readFromUnix(into: buffer)
        return (n, from ?? UnixAddr(name: "", net: addrNetwork))
    }

    /// Reads one packet into `buffer` (the excess of a longer datagram is discarded) and returns its size and
    /// sender, nil for an unnamed socket. An empty buffer consumes one datagram. Unlike `read`, the end of a
    /// stream is an `OpError` wrapping `IOError.eof`, as in Go.
    ///
    /// The corresponding Go method is `UnixConn.ReadFromUnix`.
    nonisolated(nonsending) public func readFromUnix(into buffer: UnsafeMutableRawBufferPointer) async throws -> (count: Int, addr: UnixAddr?) {
        try await receiveFrom(bufferCount: buffer.count) { s throws(Errno) in
            let r = try s.receiveFrom(into: buffer)
            return (r.count, r.from)
        }
    }

    /// Reads one packet into the start of `buffer` (no copy) and returns its size and sender.
    /// The corresponding Go method is `UnixConn.ReadFromUnix`.
    nonisolated(nonsending) public func readFromUnix(into buffer: inout [UInt8]) async throws -> (count: Int, addr: UnixAddr?) {
        try await receiveFrom(bufferCount: buffer.count) { s throws(Errno) in
            try buffer.withUnsafeMutableBytes { p in
                Result { () throws(Errno) in
                    let r = try s.receiveFrom(into: p)
                    return (r.count, r.from)
                }
            }.get()
        }
    }

    /// Go's `UnixConn.readFrom` + `FD.ReadFrom`: one `recvfrom(2)`, EOF for an empty read of a stream.
    nonisolated(nonsending) private func receiveFrom(
        bufferCount: Int, _ body: (Socket) throws(Errno) -> (Int, SocketAddress)
    ) async throws -> (count: Int, addr: UnixAddr?) {
        // A zero-length recvfrom on a stream returns 0 without meaning EOF: answer at once, as `read` does.
        if bufferCount == 0 && netFD.kind != .datagram { return (0, nil) }
        let n: Int
        let from: SocketAddress
        do {
            (n, from) = try await netFD.pd.perform(.read, body)
        } catch {
            throw netFD.opError("read", error, syscall: "recvfrom")
        }
        if n == 0 && netFD.zeroReadIsEOF {
            throw OpError(op: "read", net: netFD.net, source: netFD.laddr, addr: netFD.raddr, err: IOError.eof)
        }
        return (n, namedUnixAddr(from))
    }

    /// Sends `buffer` as one packet to `addr`, which must be a `UnixAddr`.
    /// The corresponding Go method is `UnixConn.WriteTo`.
    @discardableResult
    nonisolated(nonsending) public func writeTo(_ buffer: UnsafeRawBufferPointer, _ addr: any Addr) async throws -> Int {
        guard let a = addr as? UnixAddr else {
            throw OpError(op: "write", net: netFD.net, source: netFD.laddr, addr: addr, err: Errno.invalidArgument)
        }
        return try await writeToUnix(buffer, a)
    }

    /// Sends `buffer` as one packet to `addr` (a datagram on "unixgram").
    ///
    /// Throws `OpError` wrapping `WriteToConnectedError` on a connected socket and `EAFNOSUPPORT` if `addr.net`
    /// is not this socket's network. The corresponding Go method is `UnixConn.WriteToUnix`.
    @discardableResult
    nonisolated(nonsending) public func writeToUnix(_ buffer: UnsafeRawBufferPointer, _ addr: UnixAddr) async throws -> Int {
        let sa = try destination(addr)
        do {
            return try await netFD.pd.writeTo(buffer, sa)
        } catch {
            throw writeError(addr, error.goError(syscall: "sendto"))
        }
    }

    /// Sends `bytes` as one packet to `addr`. The `[UInt8]` form of `writeToUnix(_:_:)`.
    /// The corresponding Go method is `UnixConn.WriteToUnix`.
    @discardableResult
    nonisolated(nonsending) public func writeToUnix(_ bytes: [UInt8], _ addr: UnixAddr) async throws -> Int {
        let sa = try destination(addr)
        do {
            return try await netFD.pd.perform(.write) { s throws(Errno) in
                try bytes.withUnsafeBytes { p in Result { () throws(Errno) in try s.send(p, to: sa) } }.get()
            }
        } catch {
            throw writeError(addr, error.goError(syscall: "sendto"))
        }
    }

    /// Go's checks in `UnixConn.writeTo`, then the raw address.
    private func destination(_ addr: UnixAddr) throws -> SocketAddress {
        if isConnected { throw writeError(addr, WriteToConnectedError()) }
        if addr.net != addrNetwork { throw writeError(addr, Errno.addressFamilyNotSupported) }
        do {
            return try addr.socketAddress()
        } catch {
            throw writeError(addr, error)
        }
    }

    /// Go's `OpError{Op: "write", Net, Source: laddr, Addr: addr}`; cancellation stays bare.
    func writeError(_ addr: UnixAddr?, _ err: any Error) -> any Error {
        if err is CancellationError { return err }
        return OpError(op: "write", net: netFD.net, source: netFD.laddr, addr: addr, err: err)
    }

    /// A sender's address, nil for an unnamed socket or none at all (Go: a nil `*UnixAddr`).
    func namedUnixAddr(_ sa: SocketAddress) -> UnixAddr? {
        kernelUnixAddr(sa, network: addrNetwork)
    }
}
