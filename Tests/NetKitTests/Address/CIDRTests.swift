// Tables ported from Go (newest) src/net/ip_test.go:
//   parseCIDRTests (TestParseCIDR), ipNetContainsTests (TestIPNetContains), ipNetStringTests (TestIPNetString)
// Go's `IPv4(a, b, c, d)` is the IPv4 IP; `IPMask(ParseIP(s))` is the 16-byte mask `maskOf(s)`; a nil
// *IPNet is `IPNet(ip: IP(), mask: IPMask())`. The extra parseCIDR cases (cidrExtraTests) are ours,
// checked against Go's ParseCIDR behaviour (dtoi allows leading zeros; 4-in-6 networks).

import Testing
@testable import NetKit

@Suite("CIDR (net.ParseCIDR, net.IPNet)")
struct CIDRTests {
    struct CIDRCase: Sendable, CustomTestStringConvertible {
        var input: String
        var ip: IP?
        var network: IPNet?
        var testDescription: String { input }
    }

    static func ok(_ input: String, _ ip: IP, _ netIP: IP, _ mask: IPMask) -> CIDRCase {
        CIDRCase(input: input, ip: ip, network: IPNet(ip: netIP, mask: mask))
    }

    static func bad(_ input: String) -> CIDRCase {
        CIDRCase(input: input, ip: nil, network: nil)
    }

    // ip_test.go parseCIDRTests.
    static let parseCIDRTests: [CIDRCase] = [
        ok("135.104.0.0/32", IP(135, 104, 0, 0), IP(135, 104, 0, 0), ipv4Mask(255, 255, 255, 255)),
        ok("0.0.0.0/24", IP(0, 0, 0, 0), IP(0, 0, 0, 0), ipv4Mask(255, 255, 255, 0)),
        ok("135.104.0.0/24", IP(135, 104, 0, 0), IP(135, 104, 0, 0), ipv4Mask(255, 255, 255, 0)),
        ok("135.104.0.1/32", IP(135, 104, 0, 1), IP(135, 104, 0, 1), ipv4Mask(255, 255, 255, 255)),
        ok("135.104.0.1/24", IP(135, 104, 0, 1), IP(135, 104, 0, 0), ipv4Mask(255, 255, 255, 0)),
        ok("::1/128", mustParseIP("::1"), mustParseIP("::1"), maskOf("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")),
        ok("abcd:2345::/127", mustParseIP("abcd:2345::"), mustParseIP("abcd:2345::"),
           maskOf("ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe")),
        ok("abcd:2345::/65", mustParseIP("abcd:2345::"), mustParseIP("abcd:2345::"), maskOf("ffff:ffff:ffff:ffff:8000::")),
        ok("abcd:2345::/64", mustParseIP("abcd:2345::"), mustParseIP("abcd:2345::"), maskOf("ffff:ffff:ffff:ffff::")),
        ok("abcd:2345::/63", mustParseIP("abcd:2345::"), mustParseIP("abcd:2345::"), maskOf("ffff:ffff:ffff:fffe::")),
        ok("abcd:2345::/33", mustParseIP("abcd:2345::"), mustParseIP("abcd:2345::"), maskOf("ffff:ffff:8000::")),
        ok("abcd:2345::/32", mustParseIP("abcd:2345::"), mustParseIP("abcd:2345::"), maskOf("ffff:ffff::")),
        ok("abcd:2344::/31", mustParseIP("abcd:2344::"), mustParseIP("abcd:2344::"), maskOf("ffff:fffe::")),
        ok("abcd:2300::/24", mustParseIP("abcd:2300::"), mustParseIP("abcd:2300::"), maskOf("ffff:ff00::")),
        ok("abcd:2345::/24", mustParseIP("abcd:2345::"), mustParseIP("abcd:2300::"), maskOf("ffff:ff00::")),
        ok("2001:DB8::/48", mustParseIP("2001:DB8::"), mustParseIP("2001:DB8::"), maskOf("ffff:ffff:ffff::")),
        ok("2001:DB8::1/48", mustParseIP("2001:DB8::1"), mustParseIP("2001:DB8::"), maskOf("ffff:ffff:ffff::")),
        bad("192.168.1.1/255.255.255.0"),
        bad("192.168.1.1/35"),
        bad("2001:db8::1/-1"),
        bad("2001:db8::1/-0"),
        bad("-0.0.0.0/32"),
        bad("0.-1.0.0/32"),
        bad("0.0.-2.0/32"),
        bad("0.0.0.-3/32"),
        bad("0.0.0.0/-0"),
        bad("127.000.000.001/32"),
        bad(""),
    ]

    // Ours: Go's ParseCIDR on inputs its table does not cover.
    static let cidrExtraTests: [CIDRCase] = [
        ok("1.2.3.4/024", IP(1, 2, 3, 4), IP(1, 2, 3, 0), ipv4Mask(255, 255, 255, 0)),
        ok("::ffff:1.2.3.4/120", IP(1, 2, 3, 4), IP(1, 2, 3, 0), maskOf("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ff00")),
        ok("::ffff:1.2.3.4/80", IP(1, 2, 3, 4), mustIP("::"), maskOf("ffff:ffff:ffff:ffff:ffff::")),
        ok("0.0.0.0/0", IP(0, 0, 0, 0), IP(0, 0, 0, 0), ipv4Mask(0, 0, 0, 0)),
        bad("1.2.3.4/33"),
        bad("fe80::1%eth0/64"),
        bad("1.2.3.4/24/8"),
        bad("1.2.3.4/0x18"),
        bad("1.2.3.4/"),
        bad("1.2.3.4"),
        bad("/24"),
        bad("1.2.3.4/16777215"),
    ]

    @Test("ParseCIDR (parseCIDRTests and extra cases)", arguments: parseCIDRTests + cidrExtraTests)
    func parseCIDRTable(_ tt: CIDRCase) {
        do {
            let (ip, network) = try parseCIDR(tt.input)
            guard let wantIP = tt.ip, let wantNet = tt.network else {
                Issue.record("ParseCIDR(\(tt.input)) = \(ip), \(network); want error")
                return
            }
            #expect(ip.equal(wantIP))
            #expect(network.ip.equal(wantNet.ip))
            #expect(network.mask == wantNet.mask)
            #expect(network.mask.bytes == wantNet.mask.bytes)
        } catch {
            #expect(tt.ip == nil, "ParseCIDR(\(tt.input)) failed: \(error)")
            #expect(error == ParseError(type: "CIDR address", text: tt.input))
            #expect(error.description == "invalid CIDR address: " + tt.input)
            #expect(error.type == "CIDR address")
        }
    }

    @Test("net.ParseError text")
    func parseErrorText() {
        #expect(ParseError(type: "IP address", text: "1.2.3").description == "invalid IP address: 1.2.3")
    }

    // ip_test.go ipNetContainsTests.
    static let ipNetContainsTests: [(IP, IPNet, Bool)] = [
        (IP(172, 16, 1, 1), IPNet(ip: IP(172, 16, 0, 0), mask: cidrMask(ones: 12, bits: 32)!), true),
        (IP(172, 24, 0, 1), IPNet(ip: IP(172, 16, 0, 0), mask: cidrMask(ones: 13, bits: 32)!), false),
        (IP(192, 168, 0, 3), IPNet(ip: IP(192, 168, 0, 0), mask: ipv4Mask(0, 0, 255, 252)), true),
        (IP(192, 168, 0, 4), IPNet(ip: IP(192, 168, 0, 0), mask: ipv4Mask(0, 255, 0, 252)), false),
        (mustParseIP("2001:db8:1:2::1"), IPNet(ip: mustParseIP("2001:db8:1::"), mask: cidrMask(ones: 47, bits: 128)!),
         true),
        (mustParseIP("2001:db8:1:2::1"), IPNet(ip: mustParseIP("2001:db8:2::"), mask: cidrMask(ones: 47, bits: 128)!),
         false),
        (mustParseIP("2001:db8:1:2::1"), IPNet(ip: mustParseIP("2001:db8:1::"), mask: maskOf("ffff:0:ffff::")), true),
        (mustParseIP("2001:db8:1:2::1"), IPNet(ip: mustParseIP("2001:db8:1::"), mask: maskOf("0:0:0:ffff::")), false),
    ]

    @Test("IPNet.Contains (ipNetContainsTests)", arguments: ipNetContainsTests)
    func ipNetContains(_ ip: IP, _ network: IPNet, _ want: Bool) {
        #expect(network.contains(ip) == want)
    }

    @Test("IPNet.Contains mixes 4- and 16-byte forms as Go does")
    func ipNetContainsMixing() throws {
        let (_, v4net) = try parseCIDR("10.0.0.0/8")
        #expect(v4net.contains(mustIP("::ffff:10.1.2.3")))
        #expect(v4net.contains(IP(10, 1, 2, 3)))
        #expect(!v4net.contains(mustIP("::a01:203")))
        #expect(!v4net.contains(IP()))
        let (_, v6net) = try parseCIDR("::/0")
        #expect(!v6net.contains(IP(10, 1, 2, 3)))
        #expect(!v6net.contains(mustIP("::ffff:10.1.2.3")))
        #expect(v6net.contains(mustIP("fe80::1%eth0")))
        // An IPv4 network with a 16-byte mask uses its last 4 bytes.
        #expect(IPNet(ip: IP(10, 0, 0, 0), mask: cidrMask(ones: 104, bits: 128)!).contains(IP(10, 9, 9, 9)))
        #expect(v4net.network == "ip+net")
    }

    // ip_test.go ipNetStringTests.
    static let ipNetStringTests: [(IPNet, String)] = [
        (IPNet(ip: IP(192, 168, 1, 0), mask: cidrMask(ones: 26, bits: 32)!), "192.168.1.0/26"),
        (IPNet(ip: IP(192, 168, 1, 0), mask: ipv4Mask(255, 0, 255, 0)), "192.168.1.0/ff00ff00"),
        (IPNet(ip: mustParseIP("2001:db8::"), mask: cidrMask(ones: 55, bits: 128)!), "2001:db8::/55"),
        (IPNet(ip: mustParseIP("2001:db8::"), mask: maskOf("8000:f123:0:cafe::")),
         "2001:db8::/8000f1230000cafe0000000000000000"),
        (IPNet(ip: IP(), mask: IPMask()), "<nil>"),
    ]

    @Test("IPNet.String (ipNetStringTests)", arguments: ipNetStringTests)
    func ipNetString(_ network: IPNet, _ want: String) {
        #expect(network.description == want)
    }

    @Test("ParseCIDR networks print as Go prints them")
    func parseCIDRStrings() throws {
        #expect(try parseCIDR("::ffff:1.2.3.4/120").network.description == "1.2.3.0/24")
        #expect(try parseCIDR("::ffff:1.2.3.4/80").network.description == "::/80")
        #expect(try parseCIDR("135.104.0.1/24").network.description == "135.104.0.0/24")
        #expect(try parseCIDR("2001:DB8::1/48").network.description == "2001:db8::/48")
    }
}
