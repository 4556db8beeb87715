import Glibc
import Testing
@testable import NetKit

/// `TCPAddr`, `UDPAddr`, `IPAddr`: text forms, `AddrPort` conversions and `sockaddr_in`/`sockaddr_in6`
/// conversions (Go: net/tcpsock.go, net/udpsock.go, net/iprawsock.go, net/ipsock_posix.go).
@Suite struct AddrTests {
    private static func ip(_ text: String) -> IP {
        guard let ip = IP(text) else { fatalError("bad test IP \(text)") }
        return ip
    }

    // The literal rows of src/net/tcpsock_test.go resolveTCPAddrTests (and udpsock_test.go resolveUDPAddrTests):
    // the address each one resolves to, and its String(). Go builds them with net.ParseIP (IPv4 as 16 bytes, which
    // print as dotted quads either way).
    static let textForms: [(ip: String?, zone: String, port: Int, text: String)] = [
        ("127.0.0.1", "", 0, "127.0.0.1:0"),
        ("127.0.0.1", "", 65535, "127.0.0.1:65535"),
        ("::1", "", 0, "[::1]:0"),
        ("::1", "", 65535, "[::1]:65535"),
        ("::1", "en0", 1, "[::1%en0]:1"),
        ("::1", "911", 2, "[::1%911]:2"),
        (nil, "", 12345, ":12345"),  // &TCPAddr{Port: 12345}: no IP
        ("127.0.0.1", "", 80, "127.0.0.1:80"),
        ("::ffff:127.0.0.1", "", 80, "127.0.0.1:80"),  // IPv4-mapped prints as net.IP does
        ("2001:db8::1", "", 80, "[2001:db8::1]:80"),
        // Not in Go's table.
        ("0.0.0.0", "", 80, "0.0.0.0:80"),
        ("::", "", 80, "[::]:80"),
        ("fe80::1", "eth0", 8080, "[fe80::1%eth0]:8080"),
        (nil, "", 0, ":0"),
    ]

    @Test(arguments: textForms)
    func tcpAndUDPText(_ ipText: String?, _ zone: String, _ port: Int, _ text: String) throws {
        let ip = ipText.map { Self.ip($0).withZone(zone) } ?? IP()
        let tcp = TCPAddr(ip: ip, port: port)
        let udp = UDPAddr(ip: ip, port: port)
        #expect(tcp.description == text)
        #expect(udp.description == text)
        #expect(tcp.network == "tcp" && udp.network == "udp")
        #expect(tcp.zone == zone && udp.zone == zone)
        // The text splits back into the same host and port (Go's TestResolveTCPAddr round trip, without DNS).
        let (host, portText) = try splitHostPort(text)
        #expect(portText == String(port))
        #expect(host == (ipText == nil ? "" : hostDescription(ip)))
    }

    @Test func ipAddrText() {
        #expect(IPAddr().description == "")
        #expect(IPAddr(ip: IP(127, 0, 0, 1)).description == "127.0.0.1")
        #expect(IPAddr(ip: Self.ip("::ffff:10.0.0.1")).description == "10.0.0.1")
        #expect(IPAddr(ip: Self.ip("fe80::1%eth0")).description == "fe80::1%eth0")
        #expect(IPAddr(ip: Self.ip("fe80::1%eth0")).zone == "eth0")
        #expect(IPAddr().network == "ip")
    }

    @Test func zoneIsCarriedByTheIP() {
        var addr = TCPAddr(ip: Self.ip("fe80::1"), port: 1)
        addr.zone = "lo"
        #expect(addr.ip == Self.ip("fe80::1%lo"))
        #expect(addr != TCPAddr(ip: Self.ip("fe80::1"), port: 1))  // zoned and unzoned differ (reliability §60)
        addr.zone = ""
        #expect(addr == TCPAddr(ip: Self.ip("fe80::1"), port: 1))
        var v4 = UDPAddr(ip: IP(10, 0, 0, 1), port: 1)
        v4.zone = "eth0"  // an IPv4 address has no zone
        #expect(v4.zone == "" && v4.description == "10.0.0.1:1")
    }

    @Test func addrProtocolNetworks() {
        let addrs: [any Addr] = [
            TCPAddr(), UDPAddr(), IPAddr(), UnixAddr(name: "/s"), UnixAddr(name: "@a", net: "unixpacket"),
        ]
        #expect(addrs.map(\.network) == ["tcp", "udp", "ip", "unix", "unixpacket"])
        #expect(addrs.map(\.description) == [":0", ":0", "", "/s", "@a"])
    }

    // MARK: AddrPort (Go 1.18: TCPAddrFromAddrPort, (*TCPAddr).AddrPort)

    @Test func addrPortRoundTrip() throws {
        let ap = try parseAddrPort("[fe80::1%eth0]:443")
        let tcp = TCPAddr(ap)
        #expect(tcp.ip == Self.ip("fe80::1%eth0") && tcp.port == 443 && tcp.zone == "eth0")
        #expect(tcp.addrPort == ap)
        #expect(UDPAddr(ap).addrPort == ap)
        // An invalid AddrPort is "no IP", the family-agnostic wildcard.
        #expect(TCPAddr(AddrPort()).description == ":0")
        #expect(!TCPAddr(AddrPort()).ip.isValid)
        // A port beyond 16 bits is silently truncated, as in Go.
        #expect(TCPAddr(ip: IP(1, 2, 3, 4), port: 65536 + 80).addrPort.port == 80)
    }

    // MARK: sockaddr conversion

    @Test func ipv4ToSockaddrIn() throws {
        let sa = try TCPAddr(ip: IP(127, 0, 0, 1), port: 8080).socketAddress()
        let raw = try #require(sa.ipv4)
        #expect(sa.family == sa_family_t(AF_INET))
        #expect(UInt16(bigEndian: raw.sin_port) == 8080)
        #expect(UInt32(bigEndian: raw.sin_addr.s_addr) == 0x7f00_0001)
        #expect(TCPAddr(sa) == TCPAddr(ip: IP(127, 0, 0, 1), port: 8080))
        #expect(UDPAddr(sa) == UDPAddr(ip: IP(127, 0, 0, 1), port: 8080))
        #expect(IPAddr(sa) == IPAddr(ip: IP(127, 0, 0, 1)))
    }

    @Test func ipv6ToSockaddrIn6() throws {
        let addr = UDPAddr(ip: Self.ip("2001:db8::1"), port: 53)
        let sa = try addr.socketAddress()
        let raw = try #require(sa.ipv6)
        #expect(sa.family == sa_family_t(AF_INET6))
        #expect(UInt16(bigEndian: raw.sin6_port) == 53)
        #expect(raw.sin6_scope_id == 0)
        let bytes = withUnsafeBytes(of: raw.sin6_addr) { Array($0) }
        #expect(bytes == [0x20, 0x01, 0x0d, 0xb8] + Array(repeating: 0, count: 11) + [1])
        #expect(UDPAddr(sa) == addr)
    }

    /// Go's ipToSockaddr(AF_INET6, ...) for an IPv4 address: the IPv4-mapped form, for dual-stack sockets.
    @Test func ipv4OnInet6SocketIsMapped() throws {
        let sa = try TCPAddr(ip: IP(192, 0, 2, 1), port: 80).socketAddress(family: .inet6)
        let raw = try #require(sa.ipv6)
        let bytes = withUnsafeBytes(of: raw.sin6_addr) { Array($0) }
        #expect(bytes == Array(repeating: 0, count: 10) + [0xff, 0xff, 192, 0, 2, 1])
        let back = try #require(TCPAddr(sa))
        #expect(back.ip.is4In6)  // stays IPv6, as Go's 16-byte IP does...
        #expect(back.description == "192.0.2.1:80")  // ...and prints as the IPv4 address
        #expect(back.ip.unmap() == IP(192, 0, 2, 1))
        // The other way: a mapped address on an AF_INET socket (and by default) is plain IPv4.
        let mapped = TCPAddr(ip: Self.ip("::ffff:192.0.2.1"), port: 80)
        #expect(mapped.family == .inet)
        #expect(try mapped.socketAddress().ipv4?.sin_addr.s_addr == UInt32(0xc000_0201).bigEndian)
    }

    @Test(arguments: [
        (nil as String?, Socket.Family.inet, "0.0.0.0"),
        (nil, .inet6, "::"),
        ("0.0.0.0", .inet6, "::"),  // the IPv4 wildcard becomes the dual-stack wildcard
        ("::ffff:0.0.0.0", .inet6, "::"),
        ("0.0.0.0", .inet, "0.0.0.0"),
        ("::", .inet6, "::"),
    ])
    func wildcards(_ ipText: String?, _ family: Socket.Family, _ expected: String) throws {
        let addr = TCPAddr(ip: ipText.map(Self.ip) ?? IP(), port: 7)
        let back = try #require(TCPAddr(addr.socketAddress(family: family)))
        #expect(back.ip == Self.ip(expected) && back.port == 7)
        #expect(addr.isWildcard)
    }

    @Test func defaultFamilies() {
        #expect(TCPAddr().family == .inet)  // Go: a nil IP is AF_INET
        #expect(TCPAddr(ip: IP(1, 2, 3, 4)).family == .inet)
        #expect(TCPAddr(ip: Self.ip("::1")).family == .inet6)
        #expect(IPAddr(ip: Self.ip("::")).family == .inet6)
        #expect(!TCPAddr(ip: IP(127, 0, 0, 1)).isWildcard)
    }

    @Test func toLocal() {
        let addr = TCPAddr(ip: IP(), port: 80)
        #expect(addr.toLocal(network: "tcp").description == "127.0.0.1:80")
        #expect(addr.toLocal(network: "tcp4").description == "127.0.0.1:80")
        #expect(addr.toLocal(network: "tcp6").description == "[::1]:80")
        #expect(IPAddr().toLocal(network: "ip6").description == "::1")
    }

    @Test func conversionErrors() {
        #expect(throws: AddrError(err: "non-IPv4 address", addr: "::1")) {
            _ = try TCPAddr(ip: Self.ip("::1"), port: 1).socketAddress(family: .inet)
        }
        #expect(throws: AddrError(err: "invalid port", addr: "127.0.0.1:65536")) {
            _ = try TCPAddr(ip: IP(127, 0, 0, 1), port: 65536).socketAddress()
        }
        #expect(throws: AddrError(err: "invalid port", addr: "[::1]:-1")) {
            _ = try UDPAddr(ip: Self.ip("::1"), port: -1).socketAddress()
        }
        #expect(throws: AddrError(err: "invalid address family", addr: "127.0.0.1")) {
            _ = try TCPAddr(ip: IP(127, 0, 0, 1), port: 1).socketAddress(family: .unix)
        }
        #expect(TCPAddr(SocketAddress()) == nil)
        #expect(IPAddr(try! UnixAddr(name: "/s").socketAddress()) == nil)
    }

    // MARK: zones (reliability.md §60)

    @Test func zoneByInterfaceNameRoundTrips() throws {
        let loIndex = if_nametoindex("lo")
        try #require(loIndex != 0, "this machine has no interface lo")
        let addr = UDPAddr(ip: Self.ip("fe80::1%lo"), port: 5353)
        let sa = try addr.socketAddress()
        #expect(sa.ipv6?.sin6_scope_id == loIndex)
        #expect(UDPAddr(sa) == addr)
        #expect(UDPAddr(sa)?.description == "[fe80::1%lo]:5353")
    }

    @Test func numericZoneMapsToItsInterfaceName() throws {
        let loIndex = if_nametoindex("lo")
        try #require(loIndex != 0, "this machine has no interface lo")
        let sa = try TCPAddr(ip: Self.ip("fe80::1%\(loIndex)"), port: 22).socketAddress()
        #expect(sa.ipv6?.sin6_scope_id == loIndex)
        // Back from the kernel form, the index is named as Go's zoneCache.name does.
        #expect(TCPAddr(sa)?.zone == "lo")
    }

    @Test func numericZoneWithoutInterfaceStaysNumeric() throws {
        // Find an index no interface has (indexes are small; bounded search).
        let unused = try #require((900...1_000).first { index in
            var name = [CChar](repeating: 0, count: Int(IF_NAMESIZE) + 1)
            return if_indextoname(UInt32(index), &name) == nil
        })
        let addr = TCPAddr(ip: Self.ip("fe80::1%\(unused)"), port: 2)
        let sa = try addr.socketAddress()
        #expect(sa.ipv6?.sin6_scope_id == UInt32(unused))
        #expect(TCPAddr(sa) == addr)
        #expect(TCPAddr(sa)?.description == "[fe80::1%\(unused)]:2")
    }

    @Test(arguments: ["no-such-if0", "1x", "-1", "99999999999"])
    func unknownZoneIsATypedError(_ zone: String) {
        #expect(throws: AddrError(err: "no such network interface", addr: zone)) {
            _ = try TCPAddr(ip: Self.ip("fe80::1%" + zone), port: 1).socketAddress()
        }
        #expect(AddrError(err: "no such network interface", addr: zone).description
            == "address \(zone): no such network interface")
    }

    // MARK: the kernel agrees

    @Test func kernelRoundTripIPv4() throws {
        let socket = try Socket(.inet, .datagram)
        defer { try? socket.close() }
        try socket.bind(UDPAddr(ip: IP(127, 0, 0, 1), port: 0).socketAddress())
        let local = try #require(UDPAddr(socket.localAddress))
        #expect(local.ip == IP(127, 0, 0, 1))
        #expect(local.port > 0)
        #expect(local.description == "127.0.0.1:\(local.port)")
    }

    @Test func kernelRoundTripIPv6AndMapped() throws {
        let v6 = try Socket(.inet6, .stream)
        defer { try? v6.close() }
        try v6.bind(TCPAddr(ip: .ipv6Loopback, port: 0).socketAddress())
        let local6 = try #require(TCPAddr(v6.localAddress))
        #expect(local6.ip == .ipv6Loopback && local6.port > 0)
        #expect(local6.description == "[::1]:\(local6.port)")

        // An IPv4 address on an AF_INET6 socket: the kernel takes and returns the IPv4-mapped form.
        let dual = try Socket(.inet6, .stream)
        defer { try? dual.close() }
        try dual.bind(TCPAddr(ip: IP(127, 0, 0, 1), port: 0).socketAddress(family: .inet6))
        let localMapped = try #require(TCPAddr(dual.localAddress))
        #expect(localMapped.ip == Self.ip("::ffff:127.0.0.1"))
        #expect(localMapped.description == "127.0.0.1:\(localMapped.port)")
    }
}
