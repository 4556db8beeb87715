// Tables ported from Go (newest):
//   src/net/netip/netip_test.go      TestPrefixMasking, TestPrefixMarshalTextString, TestPrefixMarshalUnmarshal,
//                                    TestPrefixUnmarshalTextNonZero, TestPrefixMasked, TestPrefix,
//                                    TestPrefixFromInvalidBits, TestParsePrefixError, TestPrefixIsSingleIP,
//                                    TestPrefixOverlaps, TestPrefixString, TestPrefixCompare
//   src/net/netip/netip_pkg_test.go  TestPrefixValid, TestPrefixContains
// parsePrefixErrorTexts (exact texts) is ours, from newest Go's ParsePrefix; Go 1.19 differs on
// "/+32", "/032", "/-1" (§7 of go-api.md).

import Testing
@testable import NetKit

@Suite("Prefix (netip.Prefix, ParsePrefix)")
struct PrefixTests {
    struct Masking: Sendable, CustomTestStringConvertible {
        var family: String
        var ip: IP
        var bits: Int
        var p: Prefix
        var ok: Bool
        var testDescription: String { "\(family) \(ip)/\(bits)" }
    }

    static func ipv6Masking(_ zone: String) -> [Masking] {
        let z = zone.isEmpty ? "" : "%" + zone
        let family = zone.isEmpty ? "IPv6" : "IPv6 zone"
        return [
            Masking(family: family, ip: mustIP("2001:db8::1" + z), bits: 255, p: Prefix(), ok: false),
            Masking(family: family, ip: mustIP("2001:db8::1" + z), bits: 32, p: mustPrefix("2001:db8::/32"), ok: true),
            Masking(family: family, ip: mustIP("fe80::dead:beef:dead:beef" + z), bits: 96,
                    p: mustPrefix("fe80::dead:beef:0:0/96"), ok: true),
            Masking(family: family, ip: mustIP("aaaa::" + z), bits: 4, p: mustPrefix("a000::/4"), ok: true),
            Masking(family: family, ip: mustIP("::" + z), bits: 63, p: mustPrefix("::/63"), ok: true),
        ]
    }

    // netip_test.go TestPrefixMasking.
    static let maskingTests: [Masking] = [
        Masking(family: "nil", ip: IP(), bits: 255, p: Prefix(), ok: true),
        Masking(family: "nil", ip: IP(), bits: 16, p: Prefix(), ok: true),
        Masking(family: "IPv4", ip: mustIP("192.0.2.0"), bits: 255, p: Prefix(), ok: false),
        Masking(family: "IPv4", ip: mustIP("192.0.2.0"), bits: 16, p: mustPrefix("192.0.0.0/16"), ok: true),
        Masking(family: "IPv4", ip: mustIP("255.255.255.255"), bits: 20, p: mustPrefix("255.255.240.0/20"), ok: true),
        // Partially masking one byte that contains both 1s and 0s on either side of the mask limit.
        Masking(family: "IPv4", ip: mustIP("100.98.156.66"), bits: 10, p: mustPrefix("100.64.0.0/10"), ok: true),
    ] + ipv6Masking("") + ipv6Masking("eth0")

    @Test("Addr.Prefix (TestPrefixMasking)", arguments: maskingTests)
    func prefixMasking(_ st: Masking) {
        let orig = st.ip.description
        do {
            let p = try st.ip.prefix(bits: st.bits)
            #expect(st.ok, "expected an error")
            #expect(p == st.p)
        } catch {
            #expect(!st.ok, "failed to produce prefix: \(error)")
        }
        #expect(st.ip.description == orig)
    }

    @Test("Addr.Prefix error texts")
    func prefixErrors() {
        #expect(throws: ParseError(.addrPrefix, input: "", reason: .prefixLengthTooLarge(33, ipv6: false))) {
            try mustIP("1.2.3.4").prefix(bits: 33)
        }
        #expect(ParseError(.addrPrefix, input: "", reason: .prefixLengthTooLarge(33, ipv6: false)).description
            == "prefix length 33 too large for IPv4")
        do {
            _ = try mustIP("::1").prefix(bits: 129)
        } catch {
            #expect(error.description == "prefix length 129 too large for IPv6")
        }
        do {
            _ = try mustIP("1.2.3.4").prefix(bits: -1)
        } catch {
            #expect(error.description == "negative Prefix bits")
        }
    }

    // netip_test.go TestPrefixMarshalTextString.
    static let marshalTextTests: [(Prefix, String)] = [
        (mustPrefix("1.2.3.4/24"), "1.2.3.4/24"),
        (mustPrefix("fd7a:115c:a1e0:ab12:4843:cd96:626b:430b/118"), "fd7a:115c:a1e0:ab12:4843:cd96:626b:430b/118"),
        (mustPrefix("::ffff:c000:0280/96"), "::ffff:192.0.2.128/96"),
        (mustPrefix("::ffff:192.168.140.255/8"), "::ffff:192.168.140.255/8"),
        (Prefix(mustIP("::ffff:c000:0280").withZone("eth0"), bits: 37), "::ffff:192.0.2.128/37"),  // Zone stripped
    ]

    @Test("String and MarshalText (TestPrefixMarshalTextString)", arguments: marshalTextTests)
    func marshalText(_ p: Prefix, _ want: String) throws {
        #expect(p.description == want)
        #expect(try encodeText(p) == want)
    }

    // netip_test.go TestPrefixMarshalUnmarshal: text round trip.
    @Test("Text round trip (TestPrefixMarshalUnmarshal)",
          arguments: ["", "1.2.3.4/32", "0.0.0.0/0", "::/0", "::1/128", "2001:db8::/32"])
    func marshalUnmarshal(_ s: String) throws {
        let p = try decodeText(Prefix.self, s)
        #expect(try encodeText(p) == s)
    }

    // netip_test.go TestPrefixUnmarshalTextNonZero.
    @Test("UnmarshalText rejects garbage (TestPrefixUnmarshalTextNonZero)")
    func unmarshalGarbage() {
        #expect(throws: (any Error).self) { try decodeText(Prefix.self, "xxx") }
    }

    // netip_test.go TestPrefixMasked.
    static let maskedTests: [(Prefix, Prefix)] = [
        (mustPrefix("192.168.0.255/24"), mustPrefix("192.168.0.0/24")),
        (mustPrefix("2100::/3"), mustPrefix("2000::/3")),
        (Prefix(mustIP("2000::"), bits: 129), Prefix()),
        (Prefix(mustIP("1.2.3.4"), bits: 33), Prefix()),
    ]

    @Test("Masked (TestPrefixMasked)", arguments: maskedTests)
    func masked(_ prefix: Prefix, _ want: Prefix) {
        #expect(prefix.masked == want)
    }

    struct PrefixCase: Sendable, CustomTestStringConvertible {
        var prefix: String
        var ip: IP
        var bits: Int
        var contains: [IP]
        var notContains: [IP]
        var testDescription: String { prefix }
    }

    // netip_test.go TestPrefix.
    static let prefixTests: [PrefixCase] = [
        PrefixCase(prefix: "192.168.0.0/24", ip: mustIP("192.168.0.0"), bits: 24,
                   contains: [mustIP("192.168.0.1"), mustIP("192.168.0.55")],
                   notContains: [mustIP("192.168.1.1"), mustIP("1.1.1.1")]),
        PrefixCase(prefix: "192.168.1.1/32", ip: mustIP("192.168.1.1"), bits: 32,
                   contains: [mustIP("192.168.1.1")], notContains: [mustIP("192.168.1.2")]),
        PrefixCase(prefix: "100.64.0.0/10", ip: mustIP("100.64.0.0"), bits: 10,  // CGNAT range; not a multiple of 8
                   contains: ["100.64.0.0", "100.64.0.1", "100.81.251.94", "100.100.100.100", "100.127.255.254",
                              "100.127.255.255"].map(mustIP),
                   notContains: [mustIP("100.63.255.255"), mustIP("100.128.0.0")]),
        PrefixCase(prefix: "2001:db8::/96", ip: mustIP("2001:db8::"), bits: 96,
                   contains: [mustIP("2001:db8::aaaa:bbbb"), mustIP("2001:db8::1")],
                   notContains: [mustIP("2001:db8::1:aaaa:bbbb"), mustIP("2001:db9::")]),
        PrefixCase(prefix: "0.0.0.0/0", ip: mustIP("0.0.0.0"), bits: 0,
                   contains: [mustIP("192.168.0.1"), mustIP("1.1.1.1")],
                   notContains: [mustIP("2001:db8::1"), IP()]),
        PrefixCase(prefix: "::/0", ip: mustIP("::"), bits: 0,
                   contains: [mustIP("::1"), mustIP("2001:db8::1")], notContains: [mustIP("192.0.2.1")]),
        PrefixCase(prefix: "2000::/3", ip: mustIP("2000::"), bits: 3,
                   contains: [mustIP("2001:db8::1")], notContains: [mustIP("fe80::1")]),
    ]

    @Test("ParsePrefix, Contains and String (TestPrefix)", arguments: prefixTests)
    func prefix(_ test: PrefixCase) throws {
        let prefix = try parsePrefix(test.prefix)
        #expect(prefix.addr == test.ip)
        #expect(prefix.bits == test.bits)
        for ip in test.contains { #expect(prefix.contains(ip), "does not contain \(ip)") }
        for ip in test.notContains { #expect(!prefix.contains(ip), "contains \(ip)") }
        #expect(prefix.description == test.prefix)
        #expect(try encodeText(prefix) == test.prefix)
        #expect(Prefix(test.prefix) == prefix)
        #expect(try Prefix.parse(test.prefix) == prefix)
    }

    // netip_test.go TestPrefixFromInvalidBits.
    static let fromInvalidBitsTests: [(IP, Int, Int)] = {
        let v4 = mustIP("1.2.3.4")
        let v6 = mustIP("66::66")
        return [
            (v4, 0, 0), (v6, 0, 0), (v4, 1, 1), (v4, 33, -1), (v6, 33, 33), (v6, 127, 127), (v6, 128, 128),
            (v4, 254, -1), (v4, 255, -1), (v4, -1, -1), (v6, -1, -1), (v4, -5, -1), (v6, -5, -1),
        ]
    }()

    @Test("PrefixFrom with invalid bits (TestPrefixFromInvalidBits)", arguments: fromInvalidBitsTests)
    func fromInvalidBits(_ ip: IP, _ bits: Int, _ want: Int) {
        #expect(Prefix(ip, bits: bits).bits == want)
    }

    // netip_test.go TestParsePrefixError: error substrings.
    static let parsePrefixErrors: [(String, String)] = [
        ("192.168.0.0", "no '/'"),
        ("1.257.1.1/24", "value >255"),
        ("1.1.1.0/q", "bad bits"),
        ("1.1.1.0/-1", "bad bits"),
        ("1.1.1.0/33", "out of range"),
        ("2001::/129", "out of range"),
        // Zones are not allowed: https://go.dev/issue/51899
        ("1.1.1.0%a/24", "unexpected character"),
        ("2001:db8::%a/32", "zones cannot be present"),
        ("1.1.1.0/+32", "bad bits"),
        ("1.1.1.0/-32", "bad bits"),
        ("1.1.1.0/032", "bad bits"),
        ("1.1.1.0/0032", "bad bits"),
    ]

    @Test("ParsePrefix errors (TestParsePrefixError)", arguments: parsePrefixErrors)
    func parsePrefixError(_ input: String, _ errstr: String) {
        do {
            let p = try parsePrefix(input)
            Issue.record("ParsePrefix(\(input)) = \(p), want error")
        } catch {
            #expect(error.description.contains(errstr), "\(error)")
            #expect(error.function == .parsePrefix)
        }
        #expect(Prefix(input) == nil)
    }

    // Exact texts (ours, from newest Go's ParsePrefix).
    static let parsePrefixErrorTexts: [(String, String)] = [
        ("192.168.0.0", #"netip.ParsePrefix("192.168.0.0"): no '/'"#),
        ("1.257.1.1/24", #"netip.ParsePrefix("1.257.1.1/24"): ParseAddr("1.257.1.1"): IPv4 field has value >255"#),
        ("1.1.1.0/q", #"netip.ParsePrefix("1.1.1.0/q"): bad bits after slash: "q""#),
        ("1.1.1.0/-1", #"netip.ParsePrefix("1.1.1.0/-1"): bad bits after slash: "-1""#),
        ("1.1.1.0/33", #"netip.ParsePrefix("1.1.1.0/33"): prefix length out of range"#),
        ("2001::/129", #"netip.ParsePrefix("2001::/129"): prefix length out of range"#),
        ("1.1.1.0%a/24", #"netip.ParsePrefix("1.1.1.0%a/24"): ParseAddr("1.1.1.0%a"): unexpected character (at "%a")"#),
        ("2001:db8::%a/32", #"netip.ParsePrefix("2001:db8::%a/32"): IPv6 zones cannot be present in a prefix"#),
        ("1.1.1.0/+32", #"netip.ParsePrefix("1.1.1.0/+32"): bad bits after slash: "+32""#),
        ("1.1.1.0/032", #"netip.ParsePrefix("1.1.1.0/032"): bad bits after slash: "032""#),
        ("1.2.3.4/", #"netip.ParsePrefix("1.2.3.4/"): bad bits after slash: """#),
        ("/24", #"netip.ParsePrefix("/24"): ParseAddr(""): unable to parse IP"#),
        ("1.2.3.4/ 24", #"netip.ParsePrefix("1.2.3.4/ 24"): bad bits after slash: " 24""#),
        ("1.2.3.4/99999999999999999999999",
         #"netip.ParsePrefix("1.2.3.4/99999999999999999999999"): bad bits after slash: "99999999999999999999999""#),
        ("1.2.3.4/9999999999", #"netip.ParsePrefix("1.2.3.4/9999999999"): prefix length out of range"#),
        ("12345::/33",
         #"netip.ParsePrefix("12345::/33"): ParseAddr("12345::"): each group must have 4 or less digits (at "12345::")"#),
        ("1.2.3.4/24/8", #"netip.ParsePrefix("1.2.3.4/24/8"): ParseAddr("1.2.3.4/24"): unexpected character (at "/24")"#),
    ]

    @Test("ParsePrefix error texts are Go's, word for word", arguments: parsePrefixErrorTexts)
    func parsePrefixErrorText(_ input: String, _ text: String) {
        #expect(throws: ParseError.self) { try parsePrefix(input) }
        do {
            _ = try parsePrefix(input)
        } catch {
            #expect(error.description == text)
        }
    }

    // netip_test.go TestPrefixIsSingleIP.
    static let singleIPTests: [(Prefix, Bool)] = [
        (mustPrefix("127.0.0.1/32"), true),
        (mustPrefix("127.0.0.1/31"), false),
        (mustPrefix("127.0.0.1/0"), false),
        (mustPrefix("::1/128"), true),
        (mustPrefix("::1/127"), false),
        (mustPrefix("::1/0"), false),
        (Prefix(), false),
    ]

    @Test("IsSingleIP (TestPrefixIsSingleIP)", arguments: singleIPTests)
    func isSingleIP(_ p: Prefix, _ want: Bool) {
        #expect(p.isSingleIP == want)
    }

    // netip_test.go TestPrefixOverlaps.
    static let overlapsTests: [(Prefix, Prefix, Bool)] = [
        (Prefix(), mustPrefix("1.2.0.0/16"), false),  // first zero
        (mustPrefix("1.2.0.0/16"), Prefix(), false),  // second zero
        (mustPrefix("::0/3"), mustPrefix("0.0.0.0/3"), false),  // different families

        (mustPrefix("1.2.0.0/16"), mustPrefix("1.2.0.0/16"), true),  // equal

        (mustPrefix("1.2.0.0/16"), mustPrefix("1.2.3.0/24"), true),
        (mustPrefix("1.2.3.0/24"), mustPrefix("1.2.0.0/16"), true),

        (mustPrefix("1.2.0.0/16"), mustPrefix("1.2.3.0/32"), true),
        (mustPrefix("1.2.3.0/32"), mustPrefix("1.2.0.0/16"), true),

        // Match /0 either order
        (mustPrefix("1.2.3.0/32"), mustPrefix("0.0.0.0/0"), true),
        (mustPrefix("0.0.0.0/0"), mustPrefix("1.2.3.0/32"), true),

        (mustPrefix("1.2.3.0/32"), mustPrefix("5.5.5.5/0"), true),  // normalization not required; /0 means true

        // IPv6 overlapping
        (mustPrefix("5::1/128"), mustPrefix("5::0/8"), true),
        (mustPrefix("5::0/8"), mustPrefix("5::1/128"), true),

        // IPv6 not overlapping
        (mustPrefix("1::1/128"), mustPrefix("2::2/128"), false),
        (mustPrefix("0100::0/8"), mustPrefix("::1/128"), false),

        // IPv4-mapped IPv6 addresses should not overlap with IPv4.
        (Prefix(IP(v6: mustIP("1.2.0.0").as16), bits: 16), mustPrefix("1.2.3.0/24"), false),

        // Invalid prefixes
        (Prefix(mustIP("1.2.3.4"), bits: 33), mustPrefix("1.2.3.0/24"), false),
        (Prefix(mustIP("2000::"), bits: 129), mustPrefix("2000::/64"), false),
    ]

    @Test("Overlaps, both ways (TestPrefixOverlaps)", arguments: overlapsTests)
    func overlaps(_ a: Prefix, _ b: Prefix, _ want: Bool) {
        #expect(a.overlaps(b) == want)
        #expect(b.overlaps(a) == want)
    }

    // netip_test.go TestPrefixString.
    static let stringTests: [(Prefix, String)] = [
        (Prefix(), "invalid Prefix"),
        (Prefix(IP(), bits: 8), "invalid Prefix"),
        (Prefix(mustIP("1.2.3.4"), bits: 88), "invalid Prefix"),
    ]

    @Test("String of invalid prefixes (TestPrefixString)", arguments: stringTests)
    func string(_ p: Prefix, _ want: String) {
        #expect(p.description == want)
    }

    @Test("MarshalText of invalid prefixes: \"\" for the zero Prefix, else \"invalid Prefix\"")
    func marshalInvalid() throws {
        #expect(try encodeText(Prefix()) == "")
        #expect(try encodeText(Prefix(mustIP("1.2.3.4"), bits: 88)) == "invalid Prefix")
    }

    // netip_pkg_test.go TestPrefixValid.
    static let validTests: [(Prefix, Bool)] = {
        let v4 = mustIP("1.2.3.4")
        let v6 = mustIP("::1")
        return [
            (Prefix(v4, bits: -2), false), (Prefix(v4, bits: -1), false), (Prefix(v4, bits: 0), true),
            (Prefix(v4, bits: 32), true), (Prefix(v4, bits: 33), false),
            (Prefix(v6, bits: -2), false), (Prefix(v6, bits: -1), false), (Prefix(v6, bits: 0), true),
            (Prefix(v6, bits: 32), true), (Prefix(v6, bits: 128), true), (Prefix(v6, bits: 129), false),
            (Prefix(IP(), bits: -2), false), (Prefix(IP(), bits: -1), false), (Prefix(IP(), bits: 0), false),
            (Prefix(IP(), bits: 32), false), (Prefix(IP(), bits: 128), false),
        ]
    }()

    @Test("IsValid, one invalid representation per address (TestPrefixValid)", arguments: validTests)
    func valid(_ p: Prefix, _ want: Bool) {
        #expect(p.isValid == want)
        if !want { #expect(p == Prefix(p.addr, bits: -1)) }
    }

    /// `Prefix{ip, bits}` built directly (Go's pkg test bypasses PrefixFrom to keep a zone).
    static func rawPrefix(_ ip: IP, _ bits: Int) -> Prefix {
        var p = Prefix()
        p.ip = ip
        p.bitsPlusOne = UInt8(bits + 1)
        return p
    }

    // netip_pkg_test.go TestPrefixContains.
    static let containsTests: [(Prefix, IP, Bool)] = [
        (mustPrefix("9.8.7.6/0"), mustIP("9.8.7.6"), true),
        (mustPrefix("9.8.7.6/16"), mustIP("9.8.7.6"), true),
        (mustPrefix("9.8.7.6/16"), mustIP("9.8.6.4"), true),
        (mustPrefix("9.8.7.6/16"), mustIP("9.9.7.6"), false),
        (mustPrefix("9.8.7.6/32"), mustIP("9.8.7.6"), true),
        (mustPrefix("9.8.7.6/32"), mustIP("9.8.7.7"), false),
        (mustPrefix("9.8.7.6/32"), mustIP("9.8.7.7"), false),
        (mustPrefix("::1/0"), mustIP("::1"), true),
        (mustPrefix("::1/0"), mustIP("::2"), true),
        (mustPrefix("::1/127"), mustIP("::1"), true),
        (mustPrefix("::1/127"), mustIP("::2"), false),
        (mustPrefix("::1/128"), mustIP("::1"), true),
        (mustPrefix("::1/127"), mustIP("::2"), false),
        // Zones ignored: https://go.dev/issue/51899
        (rawPrefix(mustIP("1.2.3.4").withZone("a"), 32), mustIP("1.2.3.4"), true),
        (rawPrefix(mustIP("::1").withZone("a"), 128), mustIP("::1"), true),
        // invalid IP
        (mustPrefix("::1/0"), IP(), false),
        (mustPrefix("1.2.3.4/0"), IP(), false),
        // invalid Prefix
        (Prefix(mustIP("::1"), bits: 129), mustIP("::1"), false),
        (Prefix(mustIP("1.2.3.4"), bits: 33), mustIP("1.2.3.4"), false),
        (Prefix(IP(), bits: 0), mustIP("1.2.3.4"), false),
        (Prefix(IP(), bits: 32), mustIP("1.2.3.4"), false),
        (Prefix(IP(), bits: 128), mustIP("::1"), false),
        // wrong IP family
        (mustPrefix("::1/0"), mustIP("1.2.3.4"), false),
        (mustPrefix("1.2.3.4/0"), mustIP("::1"), false),
    ]

    @Test("Contains (TestPrefixContains)", arguments: containsTests)
    func contains(_ p: Prefix, _ ip: IP, _ want: Bool) {
        #expect(p.contains(ip) == want)
    }

    @Test("Contains is false for a zoned address")
    func containsZoned() {
        #expect(!mustPrefix("fe80::/10").contains(mustIP("fe80::1%eth0")))
        #expect(mustPrefix("fe80::/10").contains(mustIP("fe80::1")))
    }

    // netip_test.go TestPrefixCompare.
    static let compareTests: [(Prefix, Prefix, Int)] = [
        (Prefix(), Prefix(), 0),
        (Prefix(), mustPrefix("1.2.3.0/24"), -1),

        (mustPrefix("1.2.3.0/24"), mustPrefix("1.2.3.0/24"), 0),
        (mustPrefix("fe80::/64"), mustPrefix("fe80::/64"), 0),

        (mustPrefix("1.2.3.0/24"), mustPrefix("1.2.4.0/24"), -1),
        (mustPrefix("fe80::/64"), mustPrefix("fe90::/64"), -1),

        (mustPrefix("1.2.0.0/16"), mustPrefix("1.2.0.0/24"), -1),
        (mustPrefix("fe80::/48"), mustPrefix("fe80::/64"), -1),

        (mustPrefix("1.2.3.0/24"), mustPrefix("fe80::/8"), -1),
    ]

    @Test("Compare, both ways (TestPrefixCompare)", arguments: compareTests)
    func compare(_ a: Prefix, _ b: Prefix, _ want: Int) {
        #expect(a.compare(b) == want)
        #expect(b.compare(a) == -want)
    }

    @Test("Sorting (TestPrefixCompare)")
    func sortPrefixes() {
        let values = [mustPrefix("1.2.3.0/24"), mustPrefix("fe90::/64"), mustPrefix("fe80::/64"),
                      mustPrefix("1.2.0.0/16"), Prefix(), mustPrefix("fe80::/48"), mustPrefix("1.2.0.0/24")]
        #expect(values.sorted().map(\.description)
            == ["invalid Prefix", "1.2.0.0/16", "1.2.0.0/24", "1.2.3.0/24", "fe80::/48", "fe80::/64", "fe90::/64"])
    }

    @Test("parsePrefix(description) == value for valid prefixes")
    func roundTrip() throws {
        for (i, ip) in IPStringTests.randomIPs(count: 1200, seed: 0xcafe).enumerated() {
            let bits = i % (ip.bitLen + 1)
            let p = Prefix(ip, bits: bits)
            #expect(try parsePrefix(p.description) == p, "\(p)")
            #expect(try decodeText(Prefix.self, try encodeText(p)) == p)
            #expect(p.masked.contains(ip.withZone("")))
            #expect(p.contains(ip.withZone("")))
        }
    }
}
