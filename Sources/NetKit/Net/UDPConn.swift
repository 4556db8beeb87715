import Glibc

/// A UDP endpoint: a `Conn` when connected, a `PacketConn` either way.
///
/// - Connected (`dial("udp", …)`, `dialUDP`): `read`/`write` exchange datagrams with the one peer; the kernel
///   drops datagrams from anyone else, and ICMP errors (a closed port) surface on the next call as
///   `ECONNREFUSED` without harming the socket. `writeTo` fails with `WriteToConnectedError`.
/// - Unconnected (`listenPacket("udp", …)`, `listenUDP`, `listenMulticastUDP`): `readFrom`/`writeTo` carry the
///   peer's address with each datagram; `write` fails with `EDESTADDRREQ` (`write udp 127.0.0.1:5000: write:
///   destination address required`), as in Go.
///
/// One call is one datagram. A datagram longer than the buffer is truncated and its rest is discarded (only
/// `readMsgUDP` tells, with `isTruncated`); an empty datagram reads as 0 bytes (never `IOError.eof`), and an
/// empty buffer sends an empty datagram. `SO_BROADCAST` is on, as Go sets it on every UDP socket.
///
/// The typed calls (`readFromUDP`, `readFromUDPAddrPort`, `writeToUDP`, `writeToUDPAddrPort`, `readMsgUDP`,
/// `writeMsgUDP`, `read`, `write`) make one system call and do not allocate; `readFrom` returns its address as
/// `any Addr`, which boxes it. Errors are `OpError`s with Go's texts (`read udp 127.0.0.1:5000: i/o timeout`);
/// task cancellation throws a bare `CancellationError` and leaves the socket usable. Every method is safe to
/// call concurrently. Dropping the last reference closes the socket; call `close()` to do it promptly.
///
/// The corresponding Go type is `net.UDPConn`.
public final class UDPConn: Conn, PacketConn, NetFDBacked {
    let netFD: NetFD

    init(fd: NetFD) {
        self.netFD = fd
    }

    /// Whether the socket was connected by a dial (Go's `netFD.isConnected`).
    var isConnected: Bool { netFD.raddr != nil }

    // MARK: Conn

    /// Reads one datagram from the connected peer into `buffer` and returns its length (0 for an empty
    /// datagram; the excess of a longer one is discarded). An empty buffer returns 0 at once, consuming nothing.
    ///
    /// The corresponding Go method is `UDPConn.Read`.
    nonisolated(nonsending) public func read(into buffer: UnsafeMutableRawBufferPointer) async throws -> Int {
        try await netFD.read(into: buffer)
    }

    /// Reads one datagram into the start of `buffer` (no copy) and returns its length.
    ///
    /// The corresponding Go method is `UDPConn.Read`.
    nonisolated(nonsending) public func read(into buffer: inout [UInt8]) async throws -> Int {
        try await netFD.read(into: &buffer)
    }

    /// Waits for data, reads at most `maxCount` bytes (at most 64 KiB) into a buffer lent by the
    /// connection's event loop, and returns what `body` returns when called with them. For a connected UDP socket, one datagram (truncated to what fits, as `read(into:)`).
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
    /// A Swift-only addition to Go's `UDPConn.Read`.
    @discardableResult
    nonisolated(nonsending) public func read<R>(
        upTo maxCount: Int = 65536, _ body: nonisolated(nonsending) (UnsafeRawBufferPointer) async throws -> R
    ) async throws -> R {
        try await netFD.read(upTo: maxCount, body)
    }

    /// Sends `buffer` as one datagram to the connected peer (an empty buffer sends an empty datagram).
    ///
    /// On an unconnected socket this fails with `EDESTADDRREQ`; a datagram too large for UDP fails with
    /// `EMSGSIZE` ("message too long") and nothing is sent. The corresponding Go method is `UDPConn.Write`.
    @discardableResult
    nonisolated(nonsending) public func write(_ buffer: UnsafeRawBufferPointer) async throws -> Int {
        try await netFD.writeAll(buffer)
    }

    /// Closes the socket; parked reads and writes fail at once with `ClosedError`, and a second `close` throws
    /// `ClosedError`. The corresponding Go method is `UDPConn.Close`.
    public func close() throws { try netFD.close() }

    /// The local address (with the port the kernel picked). The corresponding Go method is `UDPConn.LocalAddr`.
    public var localAddr: any Addr { netFD.laddr ?? UDPAddr() }

    /// The connected peer's address; an unconnected socket has none and returns `UDPAddr()` (Go returns nil;
    /// see `remoteUDPAddr`). The corresponding Go method is `UDPConn.RemoteAddr`.
    public var remoteAddr: any Addr { netFD.raddr ?? UDPAddr() }

    /// The local address as a `UDPAddr`. The corresponding Go expression is `c.LocalAddr().(*net.UDPAddr)`.
    public var localUDPAddr: UDPAddr { netFD.storedLaddr.udp ?? UDPAddr() }

    /// The connected peer's address, or nil for an unconnected socket.
    /// The corresponding Go expression is `c.RemoteAddr().(*net.UDPAddr)`.
    public var remoteUDPAddr: UDPAddr? { netFD.storedRaddr.udp }

    /// Sets both deadlines (nil: none). The corresponding Go method is `UDPConn.SetDeadline`.
    public func setDeadline(_ deadline: ContinuousClock.Instant?) throws {
        try netFD.setDeadline(deadline, read: true, write: true)
    }

    /// Sets the read deadline (nil: none). The corresponding Go method is `UDPConn.SetReadDeadline`.
    public func setReadDeadline(_ deadline: ContinuousClock.Instant?) throws {
        try netFD.setDeadline(deadline, read: true, write: false)
    }

    /// Sets the write deadline (nil: none); UDP writes rarely wait. The corresponding Go method is
    /// `UDPConn.SetWriteDeadline`.
    public func setWriteDeadline(_ deadline: ContinuousClock.Instant?) throws {
        try netFD.setDeadline(deadline, read: false, write: true)
    }

    // MARK: Reading datagrams with their sender

    /// Reads one datagram into `buffer` and returns its length and sender (`any Addr` boxes the address; prefer
    /// `readFromUDP` in hot loops). An empty buffer still consumes one datagram and reports its sender.
    ///
    /// The corresponding Go method is `UDPConn.ReadFrom`.
    nonisolated(nonsending)
    public func readFrom(into buffer: UnsafeMutableRawBufferPointer) async throws -> (count: Int, addr: any Addr) {
        let (count, addr) = try await readFromUDP(into: buffer)
        return (count, addr)
    }

    /// Reads one datagram into the start of `buffer` (no copy) and returns its length and sender.
    ///
    /// The corresponding Go method is `UDPConn.ReadFrom`.
    nonisolated(nonsending)
    public func readFrom(into buffer: inout [UInt8]) async throws -> (count: Int, addr: any Addr) {
        let (count, addr) = try await readFromUDP(into: &buffer)
        return (count, addr)
    }

    /// Reads one datagram into `buffer` and returns its length and sender, without allocating.
    ///
    /// On a dual-stack socket (`listenUDP("udp", …)` on a wildcard address) an IPv4 sender appears as an
    /// IPv4-mapped IPv6 address, which `description` still prints as `127.0.0.1:port` and which `writeToUDP`
    /// accepts back. The corresponding Go method is `UDPConn.ReadFromUDP`.
    nonisolated(nonsending)
    public func readFromUDP(into buffer: UnsafeMutableRawBufferPointer) async throws -> (count: Int, addr: UDPAddr) {
        let (count, from) = try await receiveFrom { s throws(Errno) in try s.receiveFrom(into: buffer) }
        return (count, UDPAddr(from) ?? UDPAddr())
    }

    /// Reads one datagram into the start of `buffer` (no copy) and returns its length and sender.
    ///
    /// The corresponding Go method is `UDPConn.ReadFromUDP`.
    nonisolated(nonsending)
    public func readFromUDP(into buffer: inout [UInt8]) async throws -> (count: Int, addr: UDPAddr) {
        let (count, from) = try await receiveFrom { s throws(Errno) in
            try buffer.withUnsafeMutableBytesThrowingErrno { p throws(Errno) in try s.receiveFrom(into: p) }
        }
        return (count, UDPAddr(from) ?? UDPAddr())
    }

    /// Reads one datagram into `buffer` and returns its length and sender as an `AddrPort`, without allocating.
    ///
    /// On a dual-stack socket an IPv4 sender is IPv4-mapped (`[::ffff:127.0.0.1]:port`); call `addr.unmap()`
    /// to compare it with IPv4 addresses. The mapped form can be passed to `writeToUDPAddrPort` as it is.
    /// The corresponding Go method is `UDPConn.ReadFromUDPAddrPort`.
    nonisolated(nonsending)
    public func readFromUDPAddrPort(into buffer: UnsafeMutableRawBufferPointer) async throws -> (count: Int, addr: AddrPort) {
        let (count, from) = try await receiveFrom { s throws(Errno) in try s.receiveFrom(into: buffer) }
        return (count, addrPort(of: from))
    }

    /// Reads one datagram into the start of `buffer` (no copy) and returns its length and sender.
    ///
    /// The corresponding Go method is `UDPConn.ReadFromUDPAddrPort`.
    nonisolated(nonsending)
    public func readFromUDPAddrPort(into buffer: inout [UInt8]) async throws -> (count: Int, addr: AddrPort) {
        let (count, from) = try await receiveFrom { s throws(Errno) in
            try buffer.withUnsafeMutableBytesThrowingErrno { p throws(Errno) in try s.receiveFrom(into: p) }
        }
        return (count, addrPort(of: from))
    }

    // MARK: Writing datagrams to an address

    /// Sends `buffer` as one datagram to `addr`, which must be a `UDPAddr` (else `EINVAL`).
    ///
    /// Throws `WriteToConnectedError` on a connected socket. The corresponding Go method is `UDPConn.WriteTo`.
    @discardableResult
    nonisolated(nonsending)
    public func writeTo(_ buffer: UnsafeRawBufferPointer, _ addr: any Addr) async throws -> Int {
        try await writeTo(buffer, Optional(addr))
    }

    /// Sends `buffer` as one datagram to `addr`; nil throws Go's "missing address" (like a nil `*UDPAddr` in
    /// Go; an untyped nil `Addr` gives `EINVAL` there), another address type throws `EINVAL`.
    ///
    /// The corresponding Go method is `UDPConn.WriteTo`.
    @discardableResult
    nonisolated(nonsending)
    public func writeTo(_ buffer: UnsafeRawBufferPointer, _ addr: (any Addr)?) async throws -> Int {
        guard let addr else { return try await writeToUDP(buffer, nil) }
        guard let udp = addr as? UDPAddr else {
            throw OpError(op: "write", net: netFD.net, source: netFD.laddr, addr: addr, err: Errno.invalidArgument)
        }
        return try await writeToUDP(buffer, udp)
    }

    /// Sends `bytes` as one datagram to `addr` (see `writeTo(_:_:)`). The corresponding Go method is
    /// `UDPConn.WriteTo`.
    @discardableResult
    nonisolated(nonsending) public func writeTo(_ bytes: [UInt8], _ addr: (any Addr)?) async throws -> Int {
        guard let addr else { return try await writeToUDP(bytes, nil) }
        guard let udp = addr as? UDPAddr else {
            throw OpError(op: "write", net: netFD.net, source: netFD.laddr, addr: addr, err: Errno.invalidArgument)
        }
        return try await writeToUDP(bytes, udp)
    }

    /// Sends `buffer` as one datagram to `addr`, without allocating.
    ///
    /// Throws (as `OpError`s with op "write") `WriteToConnectedError` on a connected socket, Go's "missing
    /// address" for nil, an `AddrError` when `addr` does not fit the socket's family (an IPv6 address on a
    /// "udp4" socket), `EMSGSIZE` for a datagram too large. The corresponding Go method is `UDPConn.WriteToUDP`.
    @discardableResult
    nonisolated(nonsending)
    public func writeToUDP(_ buffer: UnsafeRawBufferPointer, _ addr: UDPAddr?) async throws -> Int {
        let destination = try destination(addr)
        return try await sendTo(addr) { s throws(Errno) in try s.send(buffer, to: destination) }
    }

    /// Sends `bytes` as one datagram to `addr`. The corresponding Go method is `UDPConn.WriteToUDP`.
    @discardableResult
    nonisolated(nonsending) public func writeToUDP(_ bytes: [UInt8], _ addr: UDPAddr?) async throws -> Int {
        let destination = try destination(addr)
        return try await sendTo(addr) { s throws(Errno) in
            try bytes.withUnsafeBytesThrowingErrno { p throws(Errno) in try s.send(p, to: destination) }
        }
    }

    /// Sends `buffer` as one datagram to `addr`, without allocating; an invalid `AddrPort` throws "missing
    /// address". On a "udp4" socket `addr` must be IPv4 (an IPv4-mapped address is refused, as in Go); on an
    /// IPv6 socket IPv4 addresses are sent IPv4-mapped. The corresponding Go method is
    /// `UDPConn.WriteToUDPAddrPort`.
    @discardableResult
    nonisolated(nonsending)
    public func writeToUDPAddrPort(_ buffer: UnsafeRawBufferPointer, _ addr: AddrPort) async throws -> Int {
        let destination = try destination(addr)
        return try await sendTo(UDPAddrPortAddr(addrPort: addr)) { s throws(Errno) in try s.send(buffer, to: destination) }
    }

    /// Sends `bytes` as one datagram to `addr`. The corresponding Go method is `UDPConn.WriteToUDPAddrPort`.
    @discardableResult
    nonisolated(nonsending) public func writeToUDPAddrPort(_ bytes: [UInt8], _ addr: AddrPort) async throws -> Int {
        let destination = try destination(addr)
        return try await sendTo(UDPAddrPortAddr(addrPort: addr)) { s throws(Errno) in
            try bytes.withUnsafeBytesThrowingErrno { p throws(Errno) in try s.send(p, to: destination) }
        }
    }

    // MARK: Options

    /// Sets the socket's receive buffer size (`SO_RCVBUF`; the kernel doubles it and applies its limits).
    /// The corresponding Go method is `UDPConn.SetReadBuffer`.
    public func setReadBuffer(_ bytes: Int) throws {
        try netFD.setOption { s throws(Errno) in try s.setReceiveBufferSize(bytes) }
    }

    /// Sets the socket's send buffer size (`SO_SNDBUF`). The corresponding Go method is `UDPConn.SetWriteBuffer`.
    public func setWriteBuffer(_ bytes: Int) throws {
        try netFD.setOption { s throws(Errno) in try s.setSendBufferSize(bytes) }
    }

    /// Raw access to the descriptor, for options NetKit does not wrap (`IP_PKTINFO`, `IP_MULTICAST_IF`, …).
    /// The corresponding Go method is `UDPConn.SyscallConn`.
    public func syscallConn() -> RawConn { RawConn(pd: netFD.pd) }

    /// Runs `body` with the socket, which stays open meanwhile; it must not be closed or kept.
    /// Go's `SyscallConn().Control`.
    public func withUnsafeSocket<R>(_ body: (Socket) throws -> R) throws -> R {
        try syscallConn().control(body)
    }

    // MARK: Internals

    /// One `recvfrom(2)` through the poller; failures become `OpError{op: "read"}` (syscall "recvfrom").
    @inline(__always)
    nonisolated(nonsending) func receiveFrom(
        _ body: (Socket) throws(Errno) -> (count: Int, from: SocketAddress)
    ) async throws -> (count: Int, from: SocketAddress) {
        do {
            return try await netFD.pd.perform(.read, body)
        } catch {
            throw netFD.opError("read", error, syscall: "recvfrom")
        }
    }

    /// One `sendto(2)` through the poller; failures become `OpError{op: "write"}` (syscall "sendto") naming
    /// `addr`, which is boxed only then.
    @inline(__always)
    nonisolated(nonsending)
    func sendTo<A: Addr>(_ addr: A?, _ body: (Socket) throws(Errno) -> Int) async throws -> Int {
        do {
            return try await netFD.pd.perform(.write, body)
        } catch {
            throw writeError(error.goError(syscall: "sendto"), addr)
        }
    }

    /// The raw destination for `writeToUDP`/`writeMsgUDP` on an unconnected socket (Go's `UDPConn.writeTo`
    /// checks, in Go's order: connected, missing, family).
    func destination(_ addr: UDPAddr?) throws -> SocketAddress {
        if isConnected { throw writeError(WriteToConnectedError(), addr) }
        guard let addr else { throw writeError(errMissingAddress, addr) }
        do {
            return try addr.socketAddress(family: netFD.family)
        } catch {
            throw writeError(error, addr)
        }
    }

    /// The raw destination for `writeToUDPAddrPort` (Go's `UDPConn.writeToAddrPort`).
    func destination(_ addr: AddrPort) throws -> SocketAddress {
        let opAddr = UDPAddrPortAddr(addrPort: addr)
        if isConnected { throw writeError(WriteToConnectedError(), opAddr) }
        if !addr.isValid { throw writeError(errMissingAddress, opAddr) }
        do {
            return try udpSocketAddress(addr, family: netFD.family)
        } catch {
            throw writeError(error, opAddr)
        }
    }

    /// Go's `OpError{Op: "write", Net, Source: laddr, Addr: addr, Err}`; cancellation stays bare.
    func writeError<A: Addr>(_ err: any Error, _ addr: A?) -> any Error {
        if err is CancellationError { return err }
        return OpError(op: "write", net: netFD.net, source: netFD.laddr, addr: addr.map { $0 as any Addr }, err: err)
    }

    /// The sender of a received datagram as an `AddrPort` (invalid if the kernel gave none).
    func addrPort(of from: SocketAddress) -> AddrPort {
        guard let (ip, port) = ipAndPort(of: from) else { return AddrPort() }
        return AddrPort(ip, port: UInt16(truncatingIfNeeded: port))
    }
}

/// An `AddrPort` as an `Addr` for error messages: network "udp", printed as netip prints it ("invalid AddrPort"
/// for the zero value). The corresponding Go type is the unexported `net.addrPortUDPAddr`.
struct UDPAddrPortAddr: Addr {
    var addrPort: AddrPort
    var network: String { "udp" }
    var description: String { addrPort.description }
}

/// The raw socket address of `addrPort` for a UDP socket of `family`, built without arrays: on `.inet` only an
/// IPv4 address is accepted (Go refuses IPv4-mapped ones there too); on `.inet6` IPv4 addresses become
/// IPv4-mapped and the zone becomes the scope id.
///
/// The corresponding Go functions are the unexported `net.addrPortToSockaddrInet4` and
/// `net.addrPortToSockaddrInet6`.
func udpSocketAddress(_ addrPort: AddrPort, family: Socket.Family) throws(AddrError) -> SocketAddress {
    let ip = addrPort.addr
    switch family {
    case .inet:
        guard ip.is4, let value = ip.v4Value else {
            throw AddrError(err: AddrError.nonIPv4Address, addr: ip.description)
        }
        var sa = sockaddr_in()
        sa.sin_family = sa_family_t(AF_INET)
        sa.sin_port = addrPort.port.bigEndian
        sa.sin_addr.s_addr = value.bigEndian
        return SocketAddress(sa)
    case .inet6:
        guard ip.isValid else { throw AddrError(err: "non-IPv6 address", addr: ip.description) }
        var sa = sockaddr_in6()
        sa.sin6_family = sa_family_t(AF_INET6)
        sa.sin6_port = addrPort.port.bigEndian
        withUnsafeMutableBytes(of: &sa.sin6_addr) { raw in
            raw.storeBytes(of: ip.high.bigEndian, toByteOffset: 0, as: UInt64.self)
            raw.storeBytes(of: ip.low.bigEndian, toByteOffset: 8, as: UInt64.self)
        }
        sa.sin6_scope_id = try interfaceIndex(zone: ip.zone)
        return SocketAddress(sa)
    default:
        throw AddrError(err: AddrError.invalidAddressFamily, addr: ip.description)
    }
}

extension Array where Element == UInt8 {
    /// `withUnsafeMutableBytes` for bodies that throw `Errno` (whose `rethrows` loses the typed error).
    @inline(__always)
    mutating func withUnsafeMutableBytesThrowingErrno<R>(
        _ body: (UnsafeMutableRawBufferPointer) throws(Errno) -> R
    ) throws(Errno) -> R {
        try withUnsafeMutableBytes { p in Result { () throws(Errno) in try body(p) } }.get()
    }

    /// `withUnsafeBytes` for bodies that throw `Errno`.
    @inline(__always)
    func withUnsafeBytesThrowingErrno<R>(_ body: (UnsafeRawBufferPointer) throws(Errno) -> R) throws(Errno) -> R {
        try withUnsafeBytes { p in Result { () throws(Errno) in try body(p) } }.get()
    }
}
