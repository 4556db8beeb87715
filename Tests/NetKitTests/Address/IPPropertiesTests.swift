// Tables ported from Go (newest):
//   src/net/netip/netip_test.go      TestIPProperties, TestIs4AndIs6, TestIs4In6, TestAddrLessCompare
//   src/net/netip/netip_pkg_test.go  nextPrevTests (TestIPNextPrev), TestIPBitLen
//   src/net/ip_test.go               ipAddrFamilyTests (TestIPAddrFamily), ipAddrScopeTests (TestIPAddrScope)
// The net.IP.Equal table (equalTests) is ours: ip_test.go has no table for Equal.

import Testing
@testable import NetKit

@Suite("IP properties (predicates, families, ordering, Next/Prev)")
struct IPPropertiesTests {
    struct Properties: Sendable, CustomTestStringConvertible {
        var name: String
        var ip: IP
        var globalUnicast = false
        var interfaceLocalMulticast = false
        var linkLocalMulticast = false
        var linkLocalUnicast = false
        var loopback = false
        var multicast = false
        var `private` = false
        var unspecified = false
        var testDescription: String { name }
    }

    // netip_test.go TestIPProperties.
    static let properties: [Properties] = {
        let unicast4 = mustIP("192.0.2.1")
        let unicast6 = mustIP("2001:db8::1")
        let unicastZone6 = mustIP("2001:db8::1%eth0")
        let unicast6Unassigned = mustIP("4000::1")  // not in 2000::/3.
        let multicast4 = mustIP("224.0.0.1")
        let multicast6 = mustIP("ff02::1")
        let multicastZone6 = mustIP("ff02::1%eth0")
        let llu4 = mustIP("169.254.0.1")
        let llu6 = mustIP("fe80::1")
        let llu6Last = mustIP("febf:ffff:ffff:ffff:ffff:ffff:ffff:ffff")
        let lluZone6 = mustIP("fe80::1%eth0")
        let loopback4 = mustIP("127.0.0.1")
        let ilm6 = mustIP("ff01::1")
        let ilmZone6 = mustIP("ff01::1%eth0")
        let private4a = mustIP("10.0.0.1")
        let private4b = mustIP("172.16.0.1")
        let private4c = mustIP("192.168.1.1")
        let private6 = mustIP("fd00::1")
        let private6mapped4a = mustIP("::ffff:10.0.0.1")
        let private6mapped4b = mustIP("::ffff:172.16.0.1")
        let private6mapped4c = mustIP("::ffff:192.168.1.1")
        func from16(_ ip: IP) -> IP { IP(v6: ip.as16) }
        return [
            Properties(name: "nil", ip: IP()),
            Properties(name: "unicast v4Addr", ip: unicast4, globalUnicast: true),
            Properties(name: "unicast v6 mapped v4Addr", ip: from16(unicast4), globalUnicast: true),
            Properties(name: "unicast v6Addr", ip: unicast6, globalUnicast: true),
            Properties(name: "unicast v6AddrZone", ip: unicastZone6, globalUnicast: true),
            Properties(name: "unicast v6Addr unassigned", ip: unicast6Unassigned, globalUnicast: true),
            Properties(name: "multicast v4Addr", ip: multicast4, linkLocalMulticast: true, multicast: true),
            Properties(name: "multicast v6 mapped v4Addr", ip: from16(multicast4), linkLocalMulticast: true,
                       multicast: true),
            Properties(name: "multicast v6Addr", ip: multicast6, linkLocalMulticast: true, multicast: true),
            Properties(name: "multicast v6AddrZone", ip: multicastZone6, linkLocalMulticast: true, multicast: true),
            Properties(name: "link-local unicast v4Addr", ip: llu4, linkLocalUnicast: true),
            Properties(name: "link-local unicast v6 mapped v4Addr", ip: from16(llu4), linkLocalUnicast: true),
            Properties(name: "link-local unicast v6Addr", ip: llu6, linkLocalUnicast: true),
            Properties(name: "link-local unicast v6Addr upper bound", ip: llu6Last, linkLocalUnicast: true),
            Properties(name: "link-local unicast v6AddrZone", ip: lluZone6, linkLocalUnicast: true),
            Properties(name: "loopback v4Addr", ip: loopback4, loopback: true),
            Properties(name: "loopback v6Addr", ip: IP.ipv6Loopback, loopback: true),
            Properties(name: "loopback v6 mapped v4Addr", ip: from16(IP.ipv6Loopback), loopback: true),
            Properties(name: "interface-local multicast v6Addr", ip: ilm6, interfaceLocalMulticast: true,
                       multicast: true),
            Properties(name: "interface-local multicast v6AddrZone", ip: ilmZone6, interfaceLocalMulticast: true,
                       multicast: true),
            Properties(name: "private v4Addr 10/8", ip: private4a, globalUnicast: true, private: true),
            Properties(name: "private v4Addr 172.16/12", ip: private4b, globalUnicast: true, private: true),
            Properties(name: "private v4Addr 192.168/16", ip: private4c, globalUnicast: true, private: true),
            Properties(name: "private v6Addr", ip: private6, globalUnicast: true, private: true),
            Properties(name: "private v6 mapped v4Addr 10/8", ip: private6mapped4a, globalUnicast: true,
                       private: true),
            Properties(name: "private v6 mapped v4Addr 172.16/12", ip: private6mapped4b, globalUnicast: true,
                       private: true),
            Properties(name: "private v6 mapped v4Addr 192.168/16", ip: private6mapped4c, globalUnicast: true,
                       private: true),
            Properties(name: "unspecified v4Addr", ip: IP.ipv4Unspecified, unspecified: true),
            Properties(name: "unspecified v6Addr", ip: IP.ipv6Unspecified, unspecified: true),
        ]
    }()

    @Test("Predicates (TestIPProperties)", arguments: properties)
    func ipProperties(_ tt: Properties) {
        #expect(tt.ip.isGlobalUnicast == tt.globalUnicast)
        #expect(tt.ip.isInterfaceLocalMulticast == tt.interfaceLocalMulticast)
        #expect(tt.ip.isLinkLocalUnicast == tt.linkLocalUnicast)
        #expect(tt.ip.isLinkLocalMulticast == tt.linkLocalMulticast)
        #expect(tt.ip.isLoopback == tt.loopback)
        #expect(tt.ip.isMulticast == tt.multicast)
        #expect(tt.ip.isPrivate == tt.private)
        #expect(tt.ip.isUnspecified == tt.unspecified)
    }

    enum Scope: String, Sendable, CaseIterable {
        case unspecified, loopback, multicast, interfaceLocalMulticast, linkLocalMulticast
        case linkLocalUnicast, globalUnicast, `private`

        func callAsFunction(_ ip: IP) -> Bool {
            switch self {
            case .unspecified: ip.isUnspecified
            case .loopback: ip.isLoopback
            case .multicast: ip.isMulticast
            case .interfaceLocalMulticast: ip.isInterfaceLocalMulticast
            case .linkLocalMulticast: ip.isLinkLocalMulticast
            case .linkLocalUnicast: ip.isLinkLocalUnicast
            case .globalUnicast: ip.isGlobalUnicast
            case .private: ip.isPrivate
            }
        }
    }

    static func b16(_ bytes: UInt8...) -> IP {
        var all = bytes
        all += Array(repeating: 0, count: 16 - bytes.count)
        return ipBytes(all)
    }

    // ip_test.go ipAddrScopeTests. IPv4(a, b, c, d) is the IPv4 IP; nil is IP().
    static let scopeTests: [(Scope, IP, Bool)] = [
        (.unspecified, IP.ipv4Zero, true),
        (.unspecified, IP(127, 0, 0, 1), false),
        (.unspecified, IP.ipv6Unspecified, true),
        (.unspecified, IP.ipv6InterfaceLocalAllNodes, false),
        (.unspecified, IP(), false),
        (.loopback, IP(127, 0, 0, 1), true),
        (.loopback, IP(127, 255, 255, 254), true),
        (.loopback, IP(128, 1, 2, 3), false),
        (.loopback, IP.ipv6Loopback, true),
        (.loopback, IP.ipv6LinkLocalAllRouters, false),
        (.loopback, IP(), false),
        (.multicast, IP(224, 0, 0, 0), true),
        (.multicast, IP(239, 0, 0, 0), true),
        (.multicast, IP(240, 0, 0, 0), false),
        (.multicast, IP.ipv6LinkLocalAllNodes, true),
        (.multicast, b16(0xff, 0x05), true),
        (.multicast, b16(0xfe, 0x80), false),
        (.multicast, IP(), false),
        (.interfaceLocalMulticast, IP(224, 0, 0, 0), false),
        (.interfaceLocalMulticast, IP(0xff, 0x01, 0, 0), false),
        (.interfaceLocalMulticast, IP.ipv6InterfaceLocalAllNodes, true),
        (.interfaceLocalMulticast, IP(), false),
        (.linkLocalMulticast, IP(224, 0, 0, 0), true),
        (.linkLocalMulticast, IP(239, 0, 0, 0), false),
        (.linkLocalMulticast, IP(0xff, 0x02, 0, 0), false),
        (.linkLocalMulticast, IP.ipv6LinkLocalAllRouters, true),
        (.linkLocalMulticast, b16(0xff, 0x05), false),
        (.linkLocalMulticast, IP(), false),
        (.linkLocalUnicast, IP(169, 254, 0, 0), true),
        (.linkLocalUnicast, IP(169, 255, 0, 0), false),
        (.linkLocalUnicast, IP(0xfe, 0x80, 0, 0), false),
        (.linkLocalUnicast, b16(0xfe, 0x80), true),
        (.linkLocalUnicast, b16(0xfe, 0xc0), false),
        (.linkLocalUnicast, IP(), false),
        (.globalUnicast, IP(240, 0, 0, 0), true),
        (.globalUnicast, IP(232, 0, 0, 0), false),
        (.globalUnicast, IP(169, 254, 0, 0), false),
        (.globalUnicast, IP.ipv4Broadcast, false),
        (.globalUnicast, b16(0x20, 0x1, 0xd, 0xb8, 0, 0, 0, 0, 0, 0, 0x1, 0x23, 0, 0x12, 0, 0x1), true),
        (.globalUnicast, b16(0xfe, 0x80), false),
        (.globalUnicast, b16(0xff, 0x05), false),
        (.globalUnicast, IP(), false),
        (.private, IP(), false),
        (.private, IP(1, 1, 1, 1), false),
        (.private, IP(9, 255, 255, 255), false),
        (.private, IP(10, 0, 0, 0), true),
        (.private, IP(10, 255, 255, 255), true),
        (.private, IP(11, 0, 0, 0), false),
        (.private, IP(172, 15, 255, 255), false),
        (.private, IP(172, 16, 0, 0), true),
        (.private, IP(172, 16, 255, 255), true),
        (.private, IP(172, 23, 18, 255), true),
        (.private, IP(172, 31, 255, 255), true),
        (.private, IP(172, 31, 0, 0), true),
        (.private, IP(172, 32, 0, 0), false),
        (.private, IP(192, 167, 255, 255), false),
        (.private, IP(192, 168, 0, 0), true),
        (.private, IP(192, 168, 255, 255), true),
        (.private, IP(192, 169, 0, 0), false),
        (.private, ipBytes(Array(repeating: 0xff, count: 16).enumerated().map { $0.offset == 0 ? 0xfb : $0.element }),
         false),
        (.private, b16(0xfc), true),
        (.private, b16(0xfc, 0xff, 0x12, 0, 0, 0, 0, 0x44), true),
        (.private, ipBytes([0xfd] + Array(repeating: 0xff, count: 15)), true),
        (.private, b16(0xfe), false),
    ]

    @Test("net.IP scope predicates (ipAddrScopeTests)", arguments: scopeTests)
    func ipAddrScope(_ scope: Scope, _ ip: IP, _ ok: Bool) {
        #expect(scope(ip) == ok)
        // Go also checks the To4 form. (The IPv4-mapped form is classified as IPv4 too, except that
        // netip's IsUnspecified, which IP follows, is false for ::ffff:0.0.0.0.)
        if let ip4 = ip.to4 {
            #expect(scope(ip4) == ok)
            if let ip16 = ip.to16, scope != .unspecified { #expect(scope(ip16) == ok) }
        }
    }

    // ip_test.go ipAddrFamilyTests: af4 = To4() != nil; af6 = 16 bytes and To4() == nil.
    static let familyTests: [(IP, Bool, Bool)] = [
        (IP.ipv4Broadcast, true, false),
        (IP.ipv4AllSystems, true, false),
        (IP.ipv4AllRouters, true, false),
        (IP.ipv4Zero, true, false),
        (IP(224, 0, 0, 1), true, false),
        (IP(127, 0, 0, 1), true, false),
        (IP(240, 0, 0, 1), true, false),
        (IP.ipv6Unspecified, false, true),
        (IP.ipv6Loopback, false, true),
        (IP.ipv6InterfaceLocalAllNodes, false, true),
        (IP.ipv6LinkLocalAllNodes, false, true),
        (IP.ipv6LinkLocalAllRouters, false, true),
        (mustParseIP("ff05::a:b:c:d"), false, true),
        (mustParseIP("fe80::1:2:3:4"), false, true),
        (mustParseIP("2001:db8::123:12:1"), false, true),
    ]

    @Test("Address families (ipAddrFamilyTests)", arguments: familyTests)
    func ipAddrFamily(_ ip: IP, _ af4: Bool, _ af6: Bool) {
        #expect((ip.to4 != nil) == af4)
        #expect((ip.to16 != nil && ip.to4 == nil) == af6)
        #expect(ip.to16?.equal(ip) == true)
    }

    // netip_test.go TestIs4AndIs6.
    static let is4AndIs6Tests: [(IP, Bool, Bool)] = [
        (IP(), false, false),
        (mustIP("1.2.3.4"), true, false),
        (mustIP("127.0.0.2"), true, false),
        (mustIP("::1"), false, true),
        (mustIP("::ffff:192.0.2.128"), false, true),
        (mustIP("::fffe:c000:0280"), false, true),
        (mustIP("::1%eth0"), false, true),
    ]

    @Test("Is4 and Is6 (TestIs4AndIs6)", arguments: is4AndIs6Tests)
    func is4AndIs6(_ ip: IP, _ is4: Bool, _ is6: Bool) {
        #expect(ip.is4 == is4)
        #expect(ip.is6 == is6)
    }

    // netip_test.go TestIs4In6.
    static let is4In6Tests: [(IP, Bool, IP)] = [
        (IP(), false, IP()),
        (mustIP("::ffff:c000:0280"), true, mustIP("192.0.2.128")),
        (mustIP("::ffff:192.0.2.128"), true, mustIP("192.0.2.128")),
        (mustIP("::ffff:192.0.2.128%eth0"), true, mustIP("192.0.2.128")),
        (mustIP("::fffe:c000:0280"), false, mustIP("::fffe:c000:0280")),
        (mustIP("::ffff:127.1.2.3"), true, mustIP("127.1.2.3")),
        (mustIP("::ffff:7f01:0203"), true, mustIP("127.1.2.3")),
        (mustIP("0:0:0:0:0000:ffff:127.1.2.3"), true, mustIP("127.1.2.3")),
        (mustIP("0:0:0:0::ffff:127.1.2.3"), true, mustIP("127.1.2.3")),
        (mustIP("::1"), false, mustIP("::1")),
        (mustIP("1.2.3.4"), false, mustIP("1.2.3.4")),
    ]

    @Test("Is4In6 and Unmap (TestIs4In6)", arguments: is4In6Tests)
    func is4In6(_ ip: IP, _ want: Bool, _ wantUnmap: IP) {
        #expect(ip.is4In6 == want)
        #expect(ip.unmap() == wantUnmap)
    }

    // netip_pkg_test.go TestIPBitLen.
    static let bitLenTests: [(IP, Int)] = [
        (IP(), 0),
        (mustIP("0.0.0.0"), 32),
        (mustIP("10.0.0.1"), 32),
        (mustIP("::"), 128),
        (mustIP("fed0::1"), 128),
        (mustIP("::ffff:10.0.0.1"), 128),
    ]

    @Test("BitLen (TestIPBitLen)", arguments: bitLenTests)
    func bitLen(_ ip: IP, _ want: Int) {
        #expect(ip.bitLen == want)
    }

    // netip_pkg_test.go nextPrevTests.
    static let nextPrevTests: [(IP, IP, IP)] = [
        (mustIP("10.0.0.1"), mustIP("10.0.0.2"), mustIP("10.0.0.0")),
        (mustIP("10.0.0.255"), mustIP("10.0.1.0"), mustIP("10.0.0.254")),
        (mustIP("127.0.0.1"), mustIP("127.0.0.2"), mustIP("127.0.0.0")),
        (mustIP("254.255.255.255"), mustIP("255.0.0.0"), mustIP("254.255.255.254")),
        (mustIP("255.255.255.255"), IP(), mustIP("255.255.255.254")),
        (mustIP("0.0.0.0"), mustIP("0.0.0.1"), IP()),
        (mustIP("::"), mustIP("::1"), IP()),
        (mustIP("::%x"), mustIP("::1%x"), IP()),
        (mustIP("::1"), mustIP("::2"), mustIP("::")),
        (mustIP("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff"), IP(), mustIP("ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe")),
    ]

    @Test("Next and Prev (TestIPNextPrev)", arguments: nextPrevTests)
    func nextPrev(_ ip: IP, _ next: IP, _ prev: IP) {
        #expect(ip.next() == next)
        #expect(ip.prev() == prev)
        if ip.next().isValid { #expect(ip.next().prev() == ip) }
        if ip.prev().isValid { #expect(ip.prev().next() == ip) }
    }

    @Test("Next and Prev carry across the 64-bit halves and stop at the ends")
    func nextPrevEdges() {
        #expect(mustIP("0.0.0.0").prev() == IP())
        #expect(mustIP("::").prev() == IP())
        #expect(mustIP("255.255.255.255").next() == IP())
        #expect(IP(v6High: .max, low: .max).next() == IP())
        #expect(mustIP("::ffff:ffff:ffff:ffff").next() == mustIP("0:0:0:1::"))
        #expect(mustIP("0:0:0:1::").prev() == mustIP("::ffff:ffff:ffff:ffff"))
    }

    // netip_test.go TestAddrLessCompare.
    static let lessTests: [(IP, IP, Bool)] = [
        (IP(), IP(), false),
        (IP(), mustIP("1.2.3.4"), true),
        (mustIP("1.2.3.4"), IP(), false),

        (mustIP("1.2.3.4"), mustIP("0102:0304::0"), true),
        (mustIP("0102:0304::0"), mustIP("1.2.3.4"), false),
        (mustIP("1.2.3.4"), mustIP("1.2.3.4"), false),

        (mustIP("::1"), mustIP("::2"), true),
        (mustIP("::1"), mustIP("::1%foo"), true),
        (mustIP("::1%foo"), mustIP("::2"), true),
        (mustIP("::2"), mustIP("::3"), true),

        (mustIP("::"), mustIP("0.0.0.0"), false),
        (mustIP("0.0.0.0"), mustIP("::"), true),

        (mustIP("::1%a"), mustIP("::1%b"), true),
        (mustIP("::1%a"), mustIP("::1%a"), false),
        (mustIP("::1%b"), mustIP("::1%a"), false),
    ]

    @Test("Less and Compare (TestAddrLessCompare)", arguments: lessTests)
    func lessCompare(_ a: IP, _ b: IP, _ want: Bool) {
        #expect((a < b) == want)
        let cmp = a.compare(b)
        if want { #expect(cmp == -1) }
        #expect(cmp >= -1 && cmp <= 1)
        if cmp == 0 { #expect(a == b) }
        if cmp == 1 { #expect(b < a) }
        if want { #expect(!(b < a)) }
    }

    @Test("Sorting (TestAddrLessCompare)")
    func sortAddrs() {
        let values = [mustIP("::1"), mustIP("::2"), IP(), mustIP("1.2.3.4"), mustIP("8.8.8.8"), mustIP("::1%foo")]
        let got = values.sorted().map(\.description)
        #expect(got == ["invalid IP", "1.2.3.4", "8.8.8.8", "::1", "::1%foo", "::2"])
    }

    // net.IP.Equal: an IPv4 address equals its 16-byte form; zones are not part of a net.IP.
    static let equalTests: [(IP, IP, Bool)] = [
        (IP(192, 0, 2, 1), ipBytes([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 0, 2, 1]), true),
        (IP(192, 0, 2, 1), IP(192, 0, 2, 1), true),
        (IP(192, 0, 2, 1), IP(192, 0, 2, 2), false),
        (mustIP("2001:db8::1"), mustIP("2001:db8::1%eth0"), true),
        (mustIP("2001:db8::1"), mustIP("2001:db8::2"), false),
        (IP(0, 0, 0, 0), mustIP("::"), false),
        (IP(), IP(), true),
        (IP(), mustIP("::"), false),
    ]

    @Test("net.IP.Equal", arguments: equalTests)
    func equal(_ a: IP, _ b: IP, _ want: Bool) {
        #expect(a.equal(b) == want)
        #expect(b.equal(a) == want)
    }

    @Test("Hashable agrees with ==")
    func hashing() {
        let set: Set<IP> = [mustIP("1.2.3.4"), mustIP("::ffff:1.2.3.4"), mustIP("fe80::1"), mustIP("fe80::1%eth0"),
                            mustIP("1.2.3.4"), IP()]
        #expect(set.count == 5)
        #expect(set.contains(IP(1, 2, 3, 4)))
        #expect(mustIP("fe80::1%eth0").withZone("") == mustIP("fe80::1"))
        #expect(mustIP("1.2.3.4").withZone("eth0") == mustIP("1.2.3.4"))
        #expect(IP().withZone("eth0") == IP())
    }
}
