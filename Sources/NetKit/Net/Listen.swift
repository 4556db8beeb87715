import Glibc

/// Options for creating listeners.
///
/// The corresponding Go type is `net.ListenConfig`.
public struct ListenConfig: Sendable {
    /// Called after the socket is created and before it is bound, with the resolved network ("tcp4",
    /// "tcp6", …), the address and raw access to the socket. Go's `Control`.
    public var control: (@Sendable (_ network: String, _ address: String, _ conn: RawConn) throws -> Void)?
    /// Keep-alive for accepted TCP connections: `.zero` enables it with Go's defaults, negative disables it,
    /// positive sets the idle time. Go's `KeepAlive`.
    public var keepAlive: Duration
    /// Full keep-alive settings for accepted connections, used when `enable` is true. Go's `KeepAliveConfig`.
    public var keepAliveConfig: KeepAliveConfig
    /// Sets `SO_REUSEPORT` so several listeners can share the address (a Swift-side convenience for what Go
    /// users do in `Control`).
    public var reusePort: Bool
    /// The listen backlog; nil uses `/proc/sys/net/core/somaxconn`, as Go does.
    public var backlog: Int32?

    /// Creates a configuration.
    public init(
        control: (@Sendable (_ network: String, _ address: String, _ conn: RawConn) throws -> Void)? = nil,
        keepAlive: Duration = .zero,
        keepAliveConfig: KeepAliveConfig = KeepAliveConfig(),
        reusePort: Bool = false,
        backlog: Int32? = nil
    ) {
        self.control = control
        self.keepAlive = keepAlive
        self.keepAliveConfig = keepAliveConfig
        self.reusePort = reusePort
        self.backlog = backlog
    }

    /// Announces on the local network address: "tcp", "tcp4", "tcp6" (and "unix", "unixpacket" with Unix
    /// sockets). An empty or unspecified host listens on all addresses — dual-stack for "tcp" —, port 0 picks
    /// a free port (read it back from `addr`). A host name binds only one of its addresses (IPv4 first).
    ///
    /// The corresponding Go method is `ListenConfig.Listen`.
    public func listen(_ network: String, _ address: String) async throws -> any Listener {
        let addrs: [any Addr]
        do {
            addrs = try await resolveAddrList(op: "listen", network: network, address: address, hint: nil, deadline: nil)
        } catch let error as CancellationError {
            throw error
        } catch {
            throw OpError(op: "listen", net: network, source: nil, addr: nil, err: error)
        }
        let la = addrs.first { a in ((a as? TCPAddr).map { isIPv4Like($0.ip) }) ?? false } ?? addrs[0]
        switch la {
        case let tcp as TCPAddr:
            return try listenTCP(network: network, laddr: tcp)
        case let unix as UnixAddr where network == "unix" || network == "unixpacket":
            return try listenUnix(network: network, laddr: unix)
        default:
            throw OpError(op: "listen", net: network, source: nil, addr: la,
                          err: AddrError(err: "unexpected address type", addr: address))
        }
    }

    /// Announces on the local network address for packets: "udp", "udp4", "udp6", "unixgram".
    ///
    /// The corresponding Go method is `ListenConfig.ListenPacket`.
    public func listenPacket(_ network: String, _ address: String) async throws -> any PacketConn {
        let addrs: [any Addr]
        do {
            addrs = try await resolveAddrList(op: "listen", network: network, address: address, hint: nil, deadline: nil)
        } catch let error as CancellationError {
            throw error
        } catch {
            throw OpError(op: "listen", net: network, source: nil, addr: nil, err: error)
        }
        let la = addrs.first { a in ((a as? UDPAddr).map { isIPv4Like($0.ip) }) ?? false } ?? addrs[0]
        switch la {
        case let udp as UDPAddr:
            return try listenUDP(network: network, laddr: udp)
        case let unix as UnixAddr where network == "unixgram":
            return try listenUnixgram(network: network, laddr: unix)
        default:
            throw OpError(op: "listen", net: network, source: nil, addr: la,
                          err: AddrError(err: "unexpected address type", addr: address))
        }
    }

    /// Go's `sysListener.listenTCP`: a socket with `SO_REUSEADDR`, the control hook, bind, listen.
    func listenTCP(network: String, laddr: TCPAddr) throws -> TCPListener {
        func fail(_ err: any Error) -> OpError {
            OpError(op: "listen", net: network, source: nil, addr: laddr, err: err)
        }
        let (family, ipv6Only) = favoriteAddrFamily(network: network, laddr: laddr.ip, raddr: nil, listening: true)
        let pd: PollDesc
        do {
            pd = try newPollDesc(family: family, kind: .stream, ipv6Only: ipv6Only) { s throws(Errno) in
                try s.setReuseAddress(true)
                if reusePort { try s.setReusePort(true) }
            }
        } catch {
            throw fail(error)
        }
        do {
            if let control {
                try control(family == .inet ? "tcp4" : "tcp6", laddr.description, RawConn(pd: pd))
            }
            let lsa = try laddr.socketAddress(family: family)
            let backlog = self.backlog ?? listenerBacklog
            try pd.syscall("bind") { s throws(Errno) in try s.bind(lsa) }
            try pd.syscall("listen") { s throws(Errno) in try s.listen(backlog: backlog) }
            let bound = try pd.syscall("getsockname") { s throws(Errno) in try s.localAddress }
            let fd = NetFD(pd: pd, net: network, family: family, kind: .stream,
                           laddr: TCPAddr(bound) ?? laddr, raddr: nil)
            return TCPListener(fd: fd, config: self)
        } catch {
            try? pd.close()
            throw fail(error)
        }
    }
}

/// Announces on the local network address with a default `ListenConfig`.
///
/// `let ln = try await listen("tcp", "127.0.0.1:0")`. The corresponding Go function is `net.Listen`.
public func listen(_ network: String, _ address: String) async throws -> any Listener {
    try await ListenConfig().listen(network, address)
}

/// Announces on the local network address for packets with a default `ListenConfig`.
///
/// `let pc = try await listenPacket("udp", "127.0.0.1:0")`. The corresponding Go function is `net.ListenPacket`.
public func listenPacket(_ network: String, _ address: String) async throws -> any PacketConn {
    try await ListenConfig().listenPacket(network, address)
}

/// Listens on a TCP address without name resolution (nil or an invalid IP: all addresses; port 0: any).
///
/// The corresponding Go function is `net.ListenTCP`.
public func listenTCP(_ network: String, laddr: TCPAddr? = nil) throws -> TCPListener {
    switch network {
    case "tcp", "tcp4", "tcp6": break
    default:
        throw OpError(op: "listen", net: network, source: nil, addr: laddr, err: UnknownNetworkError(network))
    }
    return try ListenConfig().listenTCP(network: network, laddr: laddr ?? TCPAddr())
}

/// A TCP listener.
///
/// Iterate it to serve: `for try await conn in listener { Task(executorPreference: conn.preferredExecutor) { … } }`.
/// The corresponding Go type is `net.TCPListener`.
public final class TCPListener: Listener, NetFDBacked {
    let netFD: NetFD
    let config: ListenConfig

    init(fd: NetFD, config: ListenConfig) {
        self.netFD = fd
        self.config = config
    }

    /// Waits for the next connection. The corresponding Go method is `TCPListener.Accept`.
    public func accept() async throws -> any Conn {
        try await acceptTCP()
    }

    /// Waits for the next connection and returns it as a `TCPConn`.
    ///
    /// Errors are `OpError`s with op "accept": `ClosedError` once the listener is closed, a timeout after the
    /// deadline, `SyscallError("accept4", EMFILE)` (temporary) when out of descriptors.
    /// The corresponding Go method is `TCPListener.AcceptTCP`.
    public func acceptTCP() async throws -> TCPConn {
        let socket: Socket
        let peer: SocketAddress
        do {
            (socket, peer) = try await netFD.pd.accept()
        } catch {
            throw netFD.opError("accept", error, syscall: "accept4")
        }
        let pd: PollDesc
        do {
            pd = try PollDesc(socket: socket)
        } catch {
            try? socket.close()
            throw OpError(op: "accept", net: netFD.net, source: nil, addr: netFD.laddr,
                          err: SyscallError(syscall: "epoll_ctl", errno: error))
        }
        let fd = NetFD(pd: pd, net: netFD.net, family: netFD.family, kind: .stream,
                       storedLaddr: acceptedLocalAddress(socket), storedRaddr: StoredAddr(tcp: TCPAddr(peer)) ?? .none)
        configureNewTCPConn(pd, keepAlive: config.keepAlive, keepAliveConfig: config.keepAliveConfig)
        return TCPConn(fd: fd)
    }

    /// The local address of an accepted connection. A listener bound to one specific address accepts only
    /// there, so that address is the answer and `getsockname(2)` (which Go calls on every accept) is saved;
    /// a wildcard listener asks the kernel which of the host's addresses the peer reached.
    private func acceptedLocalAddress(_ socket: Socket) -> StoredAddr {
        if let own = netFD.storedLaddr.tcp, !own.isWildcard, own.port != 0 { return .tcp(own) }
        return StoredAddr(tcp: (try? socket.localAddress).flatMap(TCPAddr.init)) ?? netFD.storedLaddr
    }

    /// Stops listening; parked accepts fail with `ClosedError`; accepted connections stay open.
    /// The corresponding Go method is `TCPListener.Close`.
    public func close() throws { try netFD.closeListener() }

    /// The listener's address. The corresponding Go method is `TCPListener.Addr`.
    public var addr: any Addr { netFD.laddr ?? TCPAddr() }

    /// The listener's address as a `TCPAddr`.
    public var tcpAddr: TCPAddr { netFD.storedLaddr.tcp ?? TCPAddr() }

    /// Sets the deadline for `accept` (nil: none). The corresponding Go method is `TCPListener.SetDeadline`.
    public func setDeadline(_ deadline: ContinuousClock.Instant?) throws {
        try netFD.setDeadline(deadline, read: true, write: false)
    }

    /// Raw access to the descriptor. The corresponding Go method is `TCPListener.SyscallConn`.
    public func syscallConn() -> RawConn { RawConn(pd: netFD.pd) }
}
