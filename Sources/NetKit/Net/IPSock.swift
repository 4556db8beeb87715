import Glibc

/// What a network name means: its address family part ("tcp", "udp", "ip", "unix", …) as Go's
/// `parseNetwork` splits it.
struct ParsedNetwork {
    /// The network as given ("tcp4", "unixgram", …).
    var name: String
    /// The base: "tcp", "udp", "ip", "unix", "unixgram", "unixpacket".
    var base: String
    /// 4, 6 or nil for a family-agnostic network.
    var version: Int?

    var isTCP: Bool { base == "tcp" }
    var isUDP: Bool { base == "udp" }
    var isUnix: Bool { base == "unix" || base == "unixgram" || base == "unixpacket" }

    /// Go's `parseNetwork` for the networks NetKit supports; others are `UnknownNetworkError`.
    static func parse(_ network: String) throws(UnknownNetworkError) -> ParsedNetwork {
        switch network {
        case "tcp", "udp", "ip": return ParsedNetwork(name: network, base: network, version: nil)
        case "tcp4", "udp4", "ip4": return ParsedNetwork(name: network, base: String(network.dropLast()), version: 4)
        case "tcp6", "udp6", "ip6": return ParsedNetwork(name: network, base: String(network.dropLast()), version: 6)
        case "unix", "unixgram", "unixpacket": return ParsedNetwork(name: network, base: network, version: nil)
        default: throw UnknownNetworkError(network)
        }
    }
}

/// A replacement for the system resolver (tests use it as Go's tests use `testHookLookupIP`).
typealias LookupIPs = @Sendable (_ host: String) async throws -> [IP]

/// Go's `errMissingAddress`.
let errMissingAddress = AddrError(err: "missing address")
/// Go's `errNoSuitableAddress` text.
let noSuitableAddress = "no suitable address found"

/// Go's `resolveAddrList` + `internetAddrList`: the addresses `address` stands for on `network`, literal
/// IPs and empty hosts without any lookup, names through the resolver; for a dial with a local address
/// (`hint`), only those of the hint's family.
func resolveAddrList(
    op: String, network: String, address: String, hint: (any Addr)?, deadline: ContinuousClock.Instant?,
    lookup: LookupIPs? = nil, resolver: Resolver? = nil
) async throws -> [any Addr] {
    let net = try ParsedNetwork.parse(network)
    if op == "dial" && address.isEmpty { throw errMissingAddress }
    if net.isUnix {
        let addr = try resolveUnixAddr(network: network, address: address)
        if op == "dial", let hint, !(hint is UnixAddr) {
            throw AddrError(err: "mismatched local address type", addr: hint.description)
        }
        return [addr]
    }
    guard net.base == "tcp" || net.base == "udp" else { throw UnknownNetworkError(network) }
    var host = ""
    var port = 0
    if !address.isEmpty {
        let split = try splitHostPort(address)
        host = split.host
        port = try await lookupPort(network: network, service: split.port)
    }
    func make(_ ip: IP) -> any Addr {
        net.isTCP ? TCPAddr(ip: ip, port: port) as any Addr : UDPAddr(ip: ip, port: port) as any Addr
    }
    var ips: [IP]
    if host.isEmpty {
        ips = [IP()]
    } else if let literal = IP(host) {
        ips = [literal]
    } else {
        if let lookup {
            ips = try await lookup(host)
        } else {
            ips = try await (resolver ?? .default).lookupIPAddresses(host: host, family: AF_UNSPEC, deadline: deadline)
        }
    }
    if host.isEmpty == false, ips.count == 1, ips[0] == IP.ipv6Unspecified {
        // Go's issue 18806: a half-configured IPv6 that can bind "::" but not connect to it falls back to 0.0.0.0.
        ips.append(.ipv4Unspecified)
    }
    let filtered: [IP]
    switch net.version {
    case 4?: filtered = ips.filter { !$0.isValid || $0.is4 || $0.is4In6 }
    case 6?: filtered = ips.filter { !$0.isValid || ($0.is6 && !$0.is4In6) }
    default: filtered = ips
    }
    if filtered.isEmpty { throw AddrError(err: noSuitableAddress, addr: host) }
    let addrs = filtered.map(make)
    guard op == "dial", let hint else { return addrs }
    // Keep only the addresses of the local address's family.
    let hintIP: IP
    switch hint {
    case let h as TCPAddr where net.isTCP: hintIP = h.ip
    case let h as UDPAddr where net.isUDP: hintIP = h.ip
    default: throw AddrError(err: "mismatched local address type", addr: hint.description)
    }
    let hintWildcard = !hintIP.isValid || hintIP.isUnspecified
    let kept = addrs.filter { addr in
        let ip = (addr as? TCPAddr)?.ip ?? (addr as? UDPAddr)?.ip ?? IP()
        if hintWildcard || !ip.isValid || ip.isUnspecified { return true }
        return isIPv4Like(ip) == isIPv4Like(hintIP)
    }
    if kept.isEmpty { throw AddrError(err: noSuitableAddress, addr: hint.description) }
    return kept
}

/// Go's `ip.To4() != nil`: IPv4 or IPv4-mapped IPv6.
func isIPv4Like(_ ip: IP) -> Bool { ip.is4 || ip.is4In6 }

/// Go's `favoriteAddrFamily`: the socket family for `network` and the endpoints, and whether to set
/// `IPV6_V6ONLY`.
func favoriteAddrFamily(
    network: String, laddr: IP?, raddr: IP?, listening: Bool
) -> (family: Socket.Family, ipv6Only: Bool) {
    if network.hasSuffix("4") { return (.inet, false) }
    if network.hasSuffix("6") { return (.inet6, true) }
    func wildcard(_ ip: IP?) -> Bool { ip == nil || !ip!.isValid || ip!.isUnspecified }
    if listening && wildcard(laddr) {
        // Linux supports IPv4-mapped addresses: listen dual-stack.
        return (.inet6, false)
    }
    func v4(_ ip: IP?) -> Bool { ip == nil || !ip!.isValid || isIPv4Like(ip!) }
    if v4(laddr) && v4(raddr) { return (.inet, false) }
    return (.inet6, false)
}

/// The listen backlog: `/proc/sys/net/core/somaxconn`, as Go's `maxListenerBacklog`.
let listenerBacklog: Int32 = {
    let fd = open("/proc/sys/net/core/somaxconn", O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return SOMAXCONN }
    defer { Glibc.close(fd) }
    var buffer = [UInt8](repeating: 0, count: 32)
    let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, 31) }
    guard n > 0 else { return SOMAXCONN }
    var value: Int32 = 0
    for byte in buffer[..<n] {
        guard byte >= 48 && byte <= 57 else { break }
        value = value &* 10 &+ Int32(byte - 48)
    }
    if value <= 0 { return SOMAXCONN }
    return min(value, 65535)
}()

/// Creates a non-blocking, close-on-exec socket with Go's default options (`setDefaultSockopts`:
/// `IPV6_V6ONLY` as chosen for AF_INET6, `SO_BROADCAST` on datagram sockets), applies `configure`, and
/// registers it with the poller. On failure nothing is left open.
func newPollDesc(
    family: Socket.Family, kind: Socket.Kind, ipv6Only: Bool,
    configure: (Socket) throws(Errno) -> Void = { _ throws(Errno) in }
) throws(SyscallError) -> PollDesc {
    let s: Socket
    do {
        s = try Socket(family, kind, .default, nonBlocking: true)
    } catch {
        throw SyscallError(syscall: "socket", errno: error)
    }
    do {
        if family == .inet6 && kind != .raw {
            try s.setIPv6Only(ipv6Only)
        }
        if kind == .datagram && family != .unix {
            try s.setBroadcast(true)
        }
        try configure(s)
    } catch {
        try? s.close()
        throw SyscallError(syscall: "setsockopt", errno: error)
    }
    do {
        return try PollDesc(socket: s)
    } catch {
        try? s.close()
        throw SyscallError(syscall: "epoll_ctl", errno: error)
    }
}

extension PollDesc {
    /// Runs a system call on the descriptor; a failure becomes Go's error for it (`SyscallError(name)`,
    /// `ClosedError`, …).
    @discardableResult
    func syscall<R>(_ name: String, _ body: (Socket) throws(Errno) -> R) throws -> R {
        do {
            return try withDescriptor(body)
        } catch {
            throw error.goError(syscall: name)
        }
    }
}
