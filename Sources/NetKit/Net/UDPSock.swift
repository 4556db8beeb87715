// Creating UDP sockets: dial (connected) and listen (unconnected), Go's net/udpsock.go + udpsock_posix.go and
// the datagram half of sock_posix.go (`netFD.dial`, `netFD.listenDatagram`).

/// Connects a UDP socket to `raddr` without name resolution, binding `laddr` first if given.
///
/// "Connecting" only fixes the peer: no packet is sent, so this never waits. `network` is "udp", "udp4" or
/// "udp6"; a wildcard or missing IP in `raddr` means the local system. Errors are `OpError`s with op "dial":
/// `dial udp 127.0.0.1:1: connect: network is unreachable`, Go's "missing address" for a nil `raddr`.
///
/// The corresponding Go function is `net.DialUDP`.
public func dialUDP(_ network: String, laddr: UDPAddr? = nil, raddr: UDPAddr?) throws -> UDPConn {
    switch network {
    case "udp", "udp4", "udp6": break
    default:
        throw OpError(op: "dial", net: network, source: laddr, addr: raddr, err: UnknownNetworkError(network))
    }
    guard let raddr else {
        throw OpError(op: "dial", net: network, source: laddr, addr: nil, err: errMissingAddress)
    }
    return try Dialer(localAddr: laddr).dialUDPConn(network: network, laddr: laddr, raddr: raddr, deadline: nil)
}

/// Opens an unconnected UDP socket on `laddr` for `readFrom`/`writeTo`.
///
/// A nil `laddr` or one without an IP listens on all addresses (dual-stack for "udp": IPv4 senders then appear
/// IPv4-mapped), port 0 picks a free port (read it back from `localAddr`). A multicast `laddr` binds the
/// wildcard address on its port with `SO_REUSEADDR` (see `listenMulticastUDP` to join the group).
///
/// The corresponding Go function is `net.ListenUDP`.
public func listenUDP(_ network: String, laddr: UDPAddr? = nil) throws -> UDPConn {
    switch network {
    case "udp", "udp4", "udp6": break
    default:
        throw OpError(op: "listen", net: network, source: nil, addr: laddr, err: UnknownNetworkError(network))
    }
    return try ListenConfig().listenUDPConn(network: network, laddr: laddr ?? UDPAddr())
}

extension Dialer {
    /// Connects a UDP socket from `laddr` (the zero `AddrPort()`: any) to `raddr` without name resolution,
    /// using this dialer's `control` hook and deadline.
    ///
    /// The corresponding Go method is `Dialer.DialUDP` (Go 1.26).
    public func dialUDP(_ network: String, laddr: AddrPort = AddrPort(), raddr: AddrPort) throws -> UDPConn {
        let la = laddr.isValid ? UDPAddr(laddr) : nil
        let ra = raddr.isValid ? UDPAddr(raddr) : nil
        switch network {
        case "udp", "udp4", "udp6": break
        default:
            throw OpError(op: "dial", net: network, source: la, addr: ra, err: UnknownNetworkError(network))
        }
        guard let ra else {
            throw OpError(op: "dial", net: network, source: la, addr: nil, err: errMissingAddress)
        }
        return try dialUDPConn(network: network, laddr: la, raddr: ra, deadline: effectiveDeadline(now: .now))
    }

    /// Go's `sysDialer.dialUDP`, the entry point `dialSingle` uses for UDP addresses.
    nonisolated(nonsending) func dialUDPSingle(
        network: String, laddr: UDPAddr?, raddr: UDPAddr, deadline: ContinuousClock.Instant?
    ) async throws -> any Conn {
        try dialUDPConn(network: network, laddr: laddr, raddr: raddr, deadline: deadline)
    }

    /// A socket of the family `favoriteAddrFamily` picks, the control hook, bind (if `laddr`), and a connect,
    /// which for UDP completes at once. Go's `internetSocket(…, "dial")` for `SOCK_DGRAM`.
    func dialUDPConn(
        network: String, laddr: UDPAddr?, raddr: UDPAddr, deadline: ContinuousClock.Instant?
    ) throws -> UDPConn {
        func fail(_ err: any Error) -> any Error {
            if err is CancellationError { return err }
            return OpError(op: "dial", net: network, source: laddr, addr: raddr, err: err)
        }
        try Task.checkCancellation()
        if let deadline, deadline <= .now { throw fail(DeadlineExceededError()) }
        let (family, ipv6Only) = favoriteAddrFamily(network: network, laddr: laddr?.ip, raddr: raddr.ip, listening: false)
        let pd: PollDesc
        do { pd = try newPollDesc(family: family, kind: .datagram, ipv6Only: ipv6Only) } catch { throw fail(error) }
        do {
            if let control {
                try control(family == .inet ? "udp4" : "udp6", raddr.description, RawConn(pd: pd))
            }
            if let laddr {
                let lsa = try laddr.socketAddress(family: family)
                try pd.syscall("bind") { s throws(Errno) in try s.bind(lsa) }
            }
            let rsa = try raddr.socketAddress(family: family)
            try pd.syscall("connect") { s throws(Errno) in try s.connect(to: rsa) }
            let lsa = try? pd.withDescriptor { s throws(Errno) in try s.localAddress }
            let peer = try? pd.withDescriptor { s throws(Errno) in try s.remoteAddress }
            let fd = NetFD(
                pd: pd, net: network, family: family, kind: .datagram,
                laddr: lsa.flatMap(UDPAddr.init) ?? UDPAddr(),
                raddr: peer.flatMap(UDPAddr.init) ?? raddr)
            return UDPConn(fd: fd)
        } catch {
            try? pd.close()
            throw fail(error)
        }
    }
}

extension ListenConfig {
    /// Go's `sysListener.listenUDP`, the entry point `listenPacket` uses for UDP addresses.
    func listenUDP(network: String, laddr: UDPAddr) throws -> any PacketConn {
        try listenUDPConn(network: network, laddr: laddr)
    }

    /// A socket of the family `favoriteAddrFamily` picks (dual-stack for "udp" on a wildcard), the control
    /// hook, and bind. A multicast `laddr` binds the wildcard address of its family on its port, with
    /// `SO_REUSEADDR` so that several sockets can share a group's port (Go's `netFD.listenDatagram` and
    /// `setDefaultMulticastSockopts`). `reusePort` sets `SO_REUSEPORT`.
    func listenUDPConn(network: String, laddr: UDPAddr) throws -> UDPConn {
        func fail(_ err: any Error) -> OpError {
            OpError(op: "listen", net: network, source: nil, addr: laddr, err: err)
        }
        let (family, ipv6Only) = favoriteAddrFamily(network: network, laddr: laddr.ip, raddr: nil, listening: true)
        let multicast = laddr.ip.isValid && laddr.ip.isMulticast
        let pd: PollDesc
        do {
            pd = try newPollDesc(family: family, kind: .datagram, ipv6Only: ipv6Only) { s throws(Errno) in
                if multicast { try s.setReuseAddress(true) }
                if reusePort { try s.setReusePort(true) }
            }
        } catch {
            throw fail(error)
        }
        do {
            if let control {
                try control(family == .inet ? "udp4" : "udp6", laddr.description, RawConn(pd: pd))
            }
            var bindAddr = laddr
            if multicast { bindAddr.ip = IP() }
            let lsa = try bindAddr.socketAddress(family: family)
            try pd.syscall("bind") { s throws(Errno) in try s.bind(lsa) }
            let bound = try pd.syscall("getsockname") { s throws(Errno) in try s.localAddress }
            let fd = NetFD(pd: pd, net: network, family: family, kind: .datagram,
                           laddr: UDPAddr(bound) ?? bindAddr, raddr: nil)
            return UDPConn(fd: fd)
        } catch {
            try? pd.close()
            throw fail(error)
        }
    }
}
