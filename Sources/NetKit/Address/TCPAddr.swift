// TCP endpoint addresses (Go: net/tcpsock.go, net/tcpsock_posix.go).

/// The address of a TCP endpoint: an IP address (which carries the IPv6 zone, if any) and a port.
///
/// "No IP" (`IP()`, Go's nil IP) means the unspecified address of either family: as a local address it listens on
/// all addresses, and it prints with an empty host (`":80"`). `description` is `host:port` with the IP in `net.IP`
/// form (IPv4-mapped addresses as dotted quads) and IPv6 hosts bracketed: `"127.0.0.1:80"`, `"[::1]:53"`,
/// `"[fe80::1%eth0]:8080"`.
///
/// The corresponding Go type is `net.TCPAddr` (fields `IP`, `Port`, `Zone`).
public struct TCPAddr: Addr, Hashable {
    /// The IP address with its zone; `IP()` for "no IP". The corresponding Go fields are `TCPAddr.IP` and
    /// `TCPAddr.Zone`.
    public var ip: IP
    /// The port. The corresponding Go field is `TCPAddr.Port`.
    public var port: Int

    /// Creates an address. The corresponding Go expression is `&net.TCPAddr{IP: ip, Port: port, Zone: ip.zone}`.
    public init(ip: IP = IP(), port: Int = 0) {
        self.ip = ip
        self.port = port
    }

    /// The address of `addrPort`; an invalid `AddrPort` gives "no IP" (the family-agnostic wildcard).
    ///
    /// The corresponding Go function is `net.TCPAddrFromAddrPort`.
    public init(_ addrPort: AddrPort) {
        self.init(ip: addrPort.addr, port: Int(addrPort.port))
    }

    /// The IPv6 scoped addressing zone, or `""`; setting it changes `ip` (IPv4 addresses have no zone).
    ///
    /// The corresponding Go field is `TCPAddr.Zone`.
    public var zone: String {
        get { ip.zone }
        set { ip = ip.withZone(newValue) }
    }

    /// The address as an `AddrPort`; a port outside 0...65535 is silently truncated to 16 bits (as in Go).
    ///
    /// The corresponding Go method is `(*net.TCPAddr).AddrPort`.
    public var addrPort: AddrPort {
        AddrPort(ip, port: UInt16(truncatingIfNeeded: port))
    }

    /// `"tcp"`. The corresponding Go method is `(*net.TCPAddr).Network`.
    public var network: String { "tcp" }

    /// `host:port`, e.g. `"[::1%lo]:80"`, `":80"` for no IP. The corresponding Go method is `(*net.TCPAddr).String`.
    public var description: String { endpointDescription(ip: ip, port: port) }
}

// MARK: - sockaddr_in / sockaddr_in6

extension TCPAddr {
    /// The address in a raw `AF_INET` or `AF_INET6` socket address, or `nil` for other families. The zone comes
    /// from `sin6_scope_id` (an interface name, or the decimal index when no interface has it); an IPv4-mapped
    /// IPv6 address stays IPv6.
    ///
    /// The corresponding Go function is the unexported `net.sockaddrToTCP`.
    public init?(_ socketAddress: SocketAddress) {
        guard let (ip, port) = ipAndPort(of: socketAddress) else { return nil }
        self.init(ip: ip, port: port)
    }

    /// The address as a raw socket address for a socket of `family` (`.inet` or `.inet6`), or of the address's
    /// own family when `family` is nil (`.inet` for no IP, IPv4 and IPv4-mapped addresses, else `.inet6`).
    ///
    /// For an `.inet6` socket an IPv4 address becomes IPv4-mapped (`::ffff:a.b.c.d`), no IP and 0.0.0.0 become
    /// `::`, and the zone becomes `sin6_scope_id` (interface name via `if_nametoindex(3)`, or a decimal index).
    /// For an `.inet` socket no IP is 0.0.0.0.
    ///
    /// - Throws: `AddrError`: `"non-IPv4 address"` (an IPv6 address for an `.inet` socket), `"invalid port"`,
    ///   `"no such network interface"` (a zone that is neither an interface name nor a number),
    ///   `"invalid address family"`.
    ///
    /// The corresponding Go method is the unexported `(*net.TCPAddr).sockaddr(family)` (`net.ipToSockaddr`).
    public func socketAddress(family: Socket.Family? = nil) throws(AddrError) -> SocketAddress {
        try ipSocketAddress(family: family ?? self.family, ip: ip, port: port, address: description)
    }

    /// The family of the address when no socket imposes one. The corresponding Go method is the unexported
    /// `(*net.TCPAddr).family`.
    var family: Socket.Family { defaultFamily(of: ip) }

    /// No IP, or an unspecified one (0.0.0.0, ::, and ::ffff:0.0.0.0 as `net.IP.IsUnspecified` sees it).
    /// The corresponding Go method is the unexported `(*net.TCPAddr).isWildcard`.
    var isWildcard: Bool { !ip.isValid || ip.unmap().isUnspecified }

    /// The same port on the loopback address of `network` (`::1` for `tcp6`, else 127.0.0.1), keeping
    /// the zone. The corresponding Go method is the unexported `(*net.TCPAddr).toLocal`.
    func toLocal(network: String) -> TCPAddr {
        TCPAddr(ip: loopbackIP(network: network).withZone(zone), port: port)
    }
}
