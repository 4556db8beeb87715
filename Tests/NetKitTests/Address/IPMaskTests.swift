// Tables ported from Go (newest) src/net/ip_test.go:
//   ipMaskTests (TestIPMask), ipMaskStringTests (TestIPMaskString), cidrMaskTests (TestCIDRMask),
//   networkNumberAndMaskTests (TestNetworkNumberAndMask)
// Go's `IPv4(a, b, c, d)` is the IPv4 IP; `IPMask(ParseIP(s))` is the 16-byte mask `maskOf(s)`.
// The 3-byte `badaddr` cannot be an IP: it is IP() here (the result, no network, is the same).
// IPMask.Size and DefaultMask checks are ours (ip_test.go has no table for them).

import Testing
@testable import NetKit

@Suite("IPMask (net.IPMask, CIDRMask, IP.Mask)")
struct IPMaskTests {
    // ip_test.go ipMaskTests.
    static let ipMaskTests: [(IP, IPMask, IP)] = [
        (IP(192, 168, 1, 127), ipv4Mask(255, 255, 255, 128), IP(192, 168, 1, 0)),
        (IP(192, 168, 1, 127), maskOf("255.255.255.192"), IP(192, 168, 1, 64)),
        (IP(192, 168, 1, 127), maskOf("ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffe0"), IP(192, 168, 1, 96)),
        (IP(192, 168, 1, 127), ipv4Mask(255, 0, 255, 0), IP(192, 0, 1, 0)),
        (mustParseIP("2001:db8::1"), maskOf("ffff:ff80::"), mustParseIP("2001:d80::")),
        (mustParseIP("2001:db8::1"), maskOf("f0f0:0f0f::"), mustParseIP("2000:d08::")),
    ]

    @Test("IP.Mask (ipMaskTests)", arguments: ipMaskTests)
    func ipMask(_ ip: IP, _ mask: IPMask, _ want: IP) {
        let out = ip.mask(mask)
        #expect(out != nil)
        #expect(out?.equal(want) == true)
    }

    @Test("IP.Mask length rules")
    func ipMaskLengths() {
        // A 4-byte mask on an IPv4-mapped address gives the IPv4 address.
        #expect(mustIP("::ffff:10.1.2.3").mask(ipv4Mask(255, 0, 0, 0)) == IP(10, 0, 0, 0))
        // A 4-byte mask does not apply to an IPv6 address; odd lengths apply to nothing.
        #expect(mustIP("2001:db8::1").mask(ipv4Mask(255, 0, 0, 0)) == nil)
        #expect(IP(10, 1, 2, 3).mask(maskBytes([255, 255, 0])) == nil)
        #expect(IP().mask(ipv4Mask(255, 0, 0, 0)) == nil)
        #expect(IP().mask(IPMask()) == nil)
        // A 16-byte mask clearing the ::ffff: prefix leaves an IPv6 address.
        #expect(IP(10, 1, 2, 3).mask(cidrMask(ones: 64, bits: 128)!) == mustIP("::"))
        // The zone is not part of the result.
        #expect(mustIP("fe80::1%eth0").mask(cidrMask(ones: 64, bits: 128)!) == mustIP("fe80::"))
    }

    // ip_test.go ipMaskStringTests.
    static let ipMaskStringTests: [(IPMask, String)] = [
        (ipv4Mask(255, 255, 255, 240), "fffffff0"),
        (ipv4Mask(255, 0, 128, 0), "ff008000"),
        (maskOf("ffff:ff80::"), "ffffff80000000000000000000000000"),
        (maskOf("ef00:ff80::cafe:0"), "ef00ff800000000000000000cafe0000"),
        (IPMask(), "<nil>"),
    ]

    @Test("IPMask.String (ipMaskStringTests)", arguments: ipMaskStringTests)
    func ipMaskString(_ mask: IPMask, _ want: String) {
        #expect(mask.description == want)
    }

    // ip_test.go cidrMaskTests.
    static let cidrMaskTests: [(Int, Int, IPMask?)] = [
        (0, 32, ipv4Mask(0, 0, 0, 0)),
        (12, 32, ipv4Mask(255, 240, 0, 0)),
        (24, 32, ipv4Mask(255, 255, 255, 0)),
        (32, 32, ipv4Mask(255, 255, 255, 255)),
        (0, 128, maskBytes([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])),
        (4, 128, maskBytes([0xf0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])),
        (48, 128, maskBytes([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])),
        (128, 128, maskBytes(Array(repeating: 0xff, count: 16))),
        (33, 32, nil),
        (32, 33, nil),
        (-1, 128, nil),
        (128, -1, nil),
    ]

    @Test("CIDRMask (cidrMaskTests)", arguments: cidrMaskTests)
    func cidrMaskTable(_ ones: Int, _ bits: Int, _ want: IPMask?) {
        let got = cidrMask(ones: ones, bits: bits)
        #expect(got == want)
        #expect(got?.bytes == want?.bytes)
        if let got {
            // For a mask of this form, CIDRMask is the inverse of IPMask.Size.
            #expect(got.size == (ones, bits))
        }
    }

    static let sizeTests: [(IPMask, Int, Int)] = [
        (ipv4Mask(255, 255, 255, 0), 24, 32),
        (ipv4Mask(255, 0, 255, 0), 0, 0),
        (ipv4Mask(0, 0, 0, 0), 0, 32),
        (maskOf("ffff:ffff:ffff:ffff::"), 64, 128),
        (maskOf("255.255.255.0"), 0, 0),  // 16 bytes, not ones followed by zeros
        (maskBytes([255, 255, 0]), 16, 24),
        (IPMask(), 0, 0),
    ]

    @Test("IPMask.Size", arguments: sizeTests)
    func size(_ mask: IPMask, _ ones: Int, _ bits: Int) {
        #expect(mask.size == (ones, bits))
    }

    static let defaultMaskTests: [(IP, IPMask?)] = [
        (IP(10, 1, 2, 3), ipv4Mask(255, 0, 0, 0)),
        (IP(127, 255, 255, 255), ipv4Mask(255, 0, 0, 0)),
        (IP(128, 0, 0, 1), ipv4Mask(255, 255, 0, 0)),
        (IP(191, 255, 0, 1), ipv4Mask(255, 255, 0, 0)),
        (IP(192, 168, 0, 1), ipv4Mask(255, 255, 255, 0)),
        (IP(240, 0, 0, 1), ipv4Mask(255, 255, 255, 0)),
        (mustIP("::ffff:10.0.0.1"), ipv4Mask(255, 0, 0, 0)),
        (mustIP("2001:db8::1"), nil),
        (IP(), nil),
    ]

    @Test("IP.DefaultMask", arguments: defaultMaskTests)
    func defaultMask(_ ip: IP, _ want: IPMask?) {
        #expect(ip.defaultMask == want)
    }

    // ip_test.go networkNumberAndMaskTests, as IPNet's normalized network number and mask.
    static let v4addr = ipBytes([192, 168, 0, 1])
    static let v4mappedv6addr = ipBytes([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff, 192, 168, 0, 1])
    static let v6addr = ipBytes([0x20, 0x1, 0xd, 0xb8, 0, 0, 0, 0, 0, 0, 0x1, 0x23, 0, 0x12, 0, 0x1])
    static let v4mask = maskBytes([255, 255, 255, 0])
    static let v4mappedv6mask = maskBytes([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
                                           255, 255, 255, 0])
    static let v6mask = maskBytes([0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 0, 0])
    static let badaddr = IP()  // Go: IP{192, 168, 0}
    static let badmask = maskBytes([255, 255, 0])

    static let networkNumberAndMaskTests: [(IPNet, IPNet.Normalized?)] = [
        (IPNet(ip: v4addr, mask: v4mask), .v4(0xc0a8_0001, mask: 0xffff_ff00)),
        (IPNet(ip: v4addr, mask: v4mappedv6mask), .v4(0xc0a8_0001, mask: 0xffff_ff00)),
        (IPNet(ip: v4mappedv6addr, mask: v4mappedv6mask), .v4(0xc0a8_0001, mask: 0xffff_ff00)),
        (IPNet(ip: v4mappedv6addr, mask: v6mask), .v4(0xc0a8_0001, mask: 0)),
        (IPNet(ip: v4addr, mask: v6mask), .v4(0xc0a8_0001, mask: 0)),
        (IPNet(ip: v6addr, mask: v6mask),
         .v6(hi: v6addr.high, lo: v6addr.low, maskHi: 0xffff_ffff_ffff_ffff, maskLo: 0)),
        (IPNet(ip: v6addr, mask: v4mappedv6mask),
         .v6(hi: v6addr.high, lo: v6addr.low, maskHi: 0xffff_ffff_ffff_ffff, maskLo: 0xffff_ffff_ffff_ff00)),
        (IPNet(ip: v6addr, mask: v4mask), nil),
        (IPNet(ip: v4addr, mask: badmask), nil),
        (IPNet(ip: v4mappedv6addr, mask: badmask), nil),
        (IPNet(ip: v6addr, mask: badmask), nil),
        (IPNet(ip: badaddr, mask: v4mask), nil),
        (IPNet(ip: badaddr, mask: v4mappedv6mask), nil),
        (IPNet(ip: badaddr, mask: v6mask), nil),
        (IPNet(ip: badaddr, mask: badmask), nil),
    ]

    @Test("networkNumberAndMask (networkNumberAndMaskTests)", arguments: networkNumberAndMaskTests)
    func networkNumberAndMask(_ network: IPNet, _ want: IPNet.Normalized?) {
        #expect(network.normalized == want)
        if want == nil { #expect(network.description == "<nil>") }
    }
}
