// Tables ported from Go (newest):
//   src/net/ip_test.go               ipStringTests (TestIPString)
//   src/net/netip/netip_test.go      TestIPStringExpanded, TestAddrWellKnown, TestAsSlice, TestAs4,
//                                    TestAddrFromSlice, TestAddrFrom16
// plus round-trip property tests (parse(description) == value) over pseudo-random addresses.

import Testing
@testable import NetKit

@Suite("IP printing (netip String/StringExpanded, net.IP.String)")
struct IPStringTests {
    // ip_test.go ipStringTests: net.IP.String and MarshalText. `in` is the Go byte slice; the
    // 8-byte "opaque byte sequence" case ("?0123456789abcdef") cannot be an IP (IP(bytes:) is nil).
    static let ipStringTests: [([UInt8], String)] = [
        // IPv4 address
        ([192, 0, 2, 1], "192.0.2.1"),
        ([0, 0, 0, 0], "0.0.0.0"),
        // IPv4-mapped IPv6 address
        ([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 0, 2, 1], "192.0.2.1"),
        ([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 0, 0, 0, 0], "0.0.0.0"),
        // IPv6 address
        ([0x20, 0x1, 0xd, 0xb8, 0, 0, 0, 0, 0, 0, 0x1, 0x23, 0, 0x12, 0, 0x1], "2001:db8::123:12:1"),
        ([0x20, 0x1, 0xd, 0xb8, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x1], "2001:db8::1"),
        ([0x20, 0x1, 0xd, 0xb8, 0, 0, 0, 0x1, 0, 0, 0, 0x1, 0, 0, 0, 0x1], "2001:db8:0:1:0:1:0:1"),
        ([0x20, 0x1, 0xd, 0xb8, 0, 0x1, 0, 0, 0, 0x1, 0, 0, 0, 0x1, 0, 0], "2001:db8:1:0:1:0:1:0"),
        ([0x20, 0x1, 0, 0, 0, 0, 0, 0, 0, 0x1, 0, 0, 0, 0, 0, 0x1], "2001::1:0:0:1"),
        ([0x20, 0x1, 0xd, 0xb8, 0, 0, 0, 0, 0, 0x1, 0, 0, 0, 0, 0, 0], "2001:db8:0:0:1::"),
        ([0x20, 0x1, 0xd, 0xb8, 0, 0, 0, 0, 0, 0x1, 0, 0, 0, 0, 0, 0x1], "2001:db8::1:0:0:1"),
        ([0x20, 0x1, 0xd, 0xb8, 0, 0, 0, 0, 0, 0xa, 0, 0xb, 0, 0xc, 0, 0xd], "2001:db8::a:b:c:d"),
        ([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], "::"),
        // IP wildcard equivalent address in Dial/Listen API
        ([], "<nil>"),
    ]

    @Test("net.IP.String (ipStringTests)", arguments: ipStringTests)
    func netString(_ bytes: [UInt8], _ str: String) {
        let ip = bytes.isEmpty ? IP() : ipBytes(bytes)
        #expect(ip.netDescription == str)
        // MarshalText: the same text, "" for no address; it parses back to an equal address.
        if bytes.isEmpty {
            #expect((try? encodeText(ip)) == "")
        } else {
            #expect(parseIP(str)?.equal(ip) == true)
        }
    }

    @Test("An opaque 8-byte sequence is not an IP (ipStringTests' \"?0123456789abcdef\")")
    func opaqueBytes() {
        #expect(IP(bytes: [0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef]) == nil)
    }

    @Test("netip String keeps the 4-in-6 form that net.IP.String drops")
    func fourInSixForms() {
        let mapped = ipBytes([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 0, 2, 1])
        #expect(mapped.description == "::ffff:192.0.2.1")
        #expect(mapped.netDescription == "192.0.2.1")
        #expect(IP().description == "invalid IP")
        #expect(IP().netDescription == "<nil>")
        #expect(mustIP("fe80::1%eth0").netDescription == "fe80::1")
        #expect(mustIP("fe80::1%eth0").description == "fe80::1%eth0")
    }

    // netip_test.go TestIPStringExpanded.
    static let stringExpandedTests: [(IP, String)] = [
        (IP(), "invalid IP"),
        (mustIP("192.0.2.1"), "192.0.2.1"),
        (mustIP("::ffff:192.0.2.1"), "0000:0000:0000:0000:0000:ffff:c000:0201"),
        (mustIP("2001:db8::1"), "2001:0db8:0000:0000:0000:0000:0000:0001"),
        (mustIP("2001:db8::1%eth0"), "2001:0db8:0000:0000:0000:0000:0000:0001%eth0"),
    ]

    @Test("StringExpanded (TestIPStringExpanded)", arguments: stringExpandedTests)
    func stringExpanded(_ ip: IP, _ want: String) {
        #expect(ip.stringExpanded == want)
    }

    // netip_test.go TestAddrWellKnown: the netip constants print as net's constants.
    static let wellKnown: [(String, IP, String)] = [
        ("IPv4 unspecified", IP.ipv4Unspecified, "0.0.0.0"),
        ("IPv6 link-local all nodes", IP.ipv6LinkLocalAllNodes, "ff02::1"),
        ("IPv6 link-local all routers", IP.ipv6LinkLocalAllRouters, "ff02::2"),
        ("IPv6 loopback", IP.ipv6Loopback, "::1"),
        ("IPv6 unspecified", IP.ipv6Unspecified, "::"),
    ]

    @Test("Well-known addresses (TestAddrWellKnown)", arguments: wellKnown)
    func wellKnownAddresses(_ name: String, _ ip: IP, _ want: String) {
        #expect(ip.description == want, "\(name)")
        #expect(ip.netDescription == want, "\(name)")
    }

    @Test("net's other well-known addresses")
    func netWellKnown() {
        #expect(IP.ipv4Broadcast.description == "255.255.255.255")
        #expect(IP.ipv4AllSystems.description == "224.0.0.1")
        #expect(IP.ipv4AllRouters.description == "224.0.0.2")
        #expect(IP.ipv4Zero == IP.ipv4Unspecified)
        #expect(IP.ipv6Zero == IP.ipv6Unspecified)
        #expect(IP.ipv6InterfaceLocalAllNodes.description == "ff01::1")
    }

    // netip_test.go TestAsSlice.
    static let asSliceTests: [(IP, [UInt8])] = [
        (IP(), []),
        (mustIP("1.2.3.4"), [1, 2, 3, 4]),
        (mustIP("ffff::1"), [0xff, 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]),
    ]

    @Test("AsSlice (TestAsSlice)", arguments: asSliceTests)
    func asSlice(_ ip: IP, _ want: [UInt8]) {
        #expect(ip.bytes == want)
    }

    // netip_test.go TestAs4: nil where Go panics.
    static let as4Tests: [(IP, [UInt8]?)] = [
        (mustIP("1.2.3.4"), [1, 2, 3, 4]),
        (IP(bytes: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 1, 2, 3, 4])!, [1, 2, 3, 4]),  // IPv4-in-IPv6
        (mustIP("0.0.0.0"), [0, 0, 0, 0]),
        (IP(), nil),
        (mustIP("::1"), nil),
    ]

    @Test("As4 (TestAs4)", arguments: as4Tests)
    func as4(_ ip: IP, _ want: [UInt8]?) {
        let got = ip.as4.map { [$0.0, $0.1, $0.2, $0.3] }
        #expect(got == want)
    }

    // netip_test.go TestAddrFromSlice.
    static let fromSliceTests: [([UInt8], IP?)] = [
        ([10, 0, 0, 1], mustIP("10.0.0.1")),
        ([0xfe, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01], mustIP("fe80::01")),
        ([0, 1, 2], nil),
        ([], nil),
    ]

    @Test("AddrFromSlice (TestAddrFromSlice)", arguments: fromSliceTests)
    func fromSlice(_ bytes: [UInt8], _ want: IP?) {
        #expect(IP(bytes: bytes) == want)
    }

    // netip_test.go TestAddrFrom16.
    @Test("AddrFrom16 keeps IPv4-mapped addresses IPv6 (TestAddrFrom16)")
    func from16() {
        let raw6 = IP(v6: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1))
        #expect(raw6 == IP(v6High: 0, low: 1))
        let raw4 = IP(v6: (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 1, 2, 3, 4))
        #expect(raw4 == IP(v6High: 0, low: 0xffff_0102_0304))
        #expect(raw4.is6 && raw4.is4In6)
        let bytes = mustIP("1.2.3.4").as16
        #expect(IP(v6: bytes) == raw4)
    }

    // Round trips: parse(description) == value for every kind of address.
    static func randomIPs(count: Int, seed: UInt64) -> [IP] {
        var rng = SplitMix64(seed: seed)
        var ips: [IP] = []
        let zones = ["", "eth0", "1", "en0", "a%b", "zone with spaces", "é"]
        for i in 0..<count {
            let a = rng.next()
            let b = rng.next()
            switch i % 6 {
            case 0: ips.append(IP(v4: UInt32(truncatingIfNeeded: a)))
            case 1: ips.append(IP(v6High: a, low: b))
            case 2: ips.append(IP(v6High: 0, low: 0xffff_0000_0000 | (b & 0xffff_ffff)))  // 4-in-6
            case 3:
                // Runs of zero groups.
                let mask = rng.next()
                var hi: UInt64 = 0
                var lo: UInt64 = 0
                for g in 0..<4 where mask >> UInt64(g) & 1 == 1 { hi |= (a & 0xffff) << UInt64(16 * g) }
                for g in 0..<4 where mask >> UInt64(g + 4) & 1 == 1 { lo |= (b & 0xffff) << UInt64(16 * g) }
                ips.append(IP(v6High: hi, low: lo))
            case 4: ips.append(IP(v6High: a, low: b).withZone(zones[Int(b % UInt64(zones.count))]))
            default: ips.append(IP(v6High: 0, low: b & 0xffff_ffff))  // ::a.b.c.d (IPv4-compatible)
            }
        }
        return ips
    }

    @Test("parse(description) == value, parse(stringExpanded) == value")
    func roundTrip() throws {
        for ip in IPStringTests.randomIPs(count: 3000, seed: 0x5eed) {
            #expect(try IP.parse(ip.description) == ip, "\(ip)")
            #expect(try IP.parse(ip.stringExpanded) == ip, "\(ip.stringExpanded)")
            #expect(try decodeText(IP.self, try encodeText(ip)) == ip)
            if ip.zone.isEmpty {
                #expect(parseIP(ip.netDescription)?.equal(ip) == true, "\(ip.netDescription)")
            }
        }
    }
}
