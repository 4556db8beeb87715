// IP endpoint addresses for raw IP sockets (Go: net/iprawsock.go, net/iprawsock_posix.go).

/// The address of an IP endpoint (raw IP sockets, `"ip:proto"` networks): an IP address carrying its IPv6 zone.
///
/// `description` is the IP in `net.IP` form plus `"%zone"`: `"127.0.0.1"`, `"fe80::1%eth0"`; "no IP" (`IP()`)
/// prints as `""`.
///
/// The corresponding Go type is `net.IPAddr` (fields `IP`, `Zone`).
public struct IPAddr: Addr, Hashable {
    /// The IP address with its zone; `IP()` for "no IP". The corresponding Go fields are `IPAddr.IP` and
    /// `IPAddr.Zone`.
    public var ip: IP

    /// Creates an address. The corresponding Go expression is `&net.IPAddr{IP: ip, Zone: ip.zone}`.
    public init(ip: IP = IP()) {
        self.ip = ip
    }

    /// The IPv6 scoped addressing zone, or `""`; setting it changes `ip`. The corresponding Go field is
    /// `IPAddr.Zone`.
    public var zone: String {
        get { ip.zone }
        set { ip = ip.withZone(newValue) }
    }

    /// `"ip"`. The corresponding Go method is `(*net.IPAddr).Network`.
    public var network: String { "ip" }

    /// The IP and its `%zone`, `""` for no IP. The corresponding Go method is `(*net.IPAddr).String`.
    public var description: String { hostDescription(ip) }
}

// MARK: - sockaddr_in / sockaddr_in6

extension IPAddr {
    /// The IP of a raw `AF_INET` or `AF_INET6` socket address (its port ignored), or `nil` for other families.
    ///
    /// The corresponding Go function is the unexported `net.sockaddrToIP`.
    public init?(_ socketAddress: SocketAddress) {
        guard let (ip, _) = ipAndPort(of: socketAddress) else { return nil }
        self.init(ip: ip)
    }

    /// The address as a raw socket address (port 0) for a socket of `family`, or of the address's own family
    /// when `family` is nil; see `TCPAddr.socketAddress(family:)` for the rules.
    ///
    /// - Throws: `AddrError` `"non-IPv4 address"`, `"no such network interface"`, `"invalid address family"`.
    ///
    /// The corresponding Go method is the unexported `(*net.IPAddr).sockaddr(family)`.
    public func socketAddress(family: Socket.Family? = nil) throws(AddrError) -> SocketAddress {
        try ipSocketAddress(family: family ?? self.family, ip: ip, port: 0, address: description)
    }

    /// The family of the address when no socket imposes one. The corresponding Go method is the unexported
    /// `(*net.IPAddr).family`.
    var family: Socket.Family { defaultFamily(of: ip) }

    /// No IP, or an unspecified one. The corresponding Go method is the unexported `(*net.IPAddr).isWildcard`.
    var isWildcard: Bool { !ip.isValid || ip.unmap().isUnspecified }

    /// The loopback address of `network`, keeping the zone. The corresponding Go method is the unexported
    /// `(*net.IPAddr).toLocal`.
    func toLocal(network: String) -> IPAddr {
        IPAddr(ip: loopbackIP(network: network).withZone(zone))
    }
}
