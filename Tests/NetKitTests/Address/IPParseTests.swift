// Tables ported from Go (newest; see go-api.md §7 for where Go 1.19 differs):
//   src/net/netip/netip_test.go      TestParseAddr (validIPs, invalidIPs), TestIPv4Constructors
//   src/net/netip/netip_pkg_test.go  TestParseIPError
//   src/net/ip_test.go               parseIPTests (TestParseIP), TestMarshalEmptyIP
// Exact error texts (parseAddrErrorTexts) are not a Go table: they follow newest Go's parser
// (netip.go parseIPv4Fields/parseIPv6) and agree with Go 1.19's output except where §7 says 1.19
// differs (5+ digit groups, embedded IPv4 errors).

import Testing
@testable import NetKit

@Suite("IP parsing (netip.ParseAddr, net.ParseIP)")
struct IPParseTests {
    struct Valid: Sendable, CustomTestStringConvertible {
        var input: String
        var hi: UInt64
        var lo: UInt64
        var v4: Bool
        var zone: String
        /// Expected String(); nil means the input itself.
        var str: String?
        var testDescription: String { input }
    }

    static func v4(_ input: String, _ lo: UInt64) -> Valid {
        Valid(input: input, hi: 0, lo: lo, v4: true, zone: "", str: nil)
    }

    static func v6(_ input: String, _ hi: UInt64, _ lo: UInt64, zone: String = "", str: String? = nil) -> Valid {
        Valid(input: input, hi: hi, lo: lo, v4: false, zone: zone, str: str)
    }

    // netip_test.go TestParseAddr validIPs (entries with wantErr are in invalidWithText below).
    static let validIPs: [Valid] = [
        v4("0.0.0.0", 0xffff_0000_0000),
        v4("192.168.140.255", 0xffff_c0a8_8cff),
        v6("::", 0, 0),
        v6("::1", 0, 1),
        v6("fd7a:115c:a1e0:ab12:4843:cd96:626b:430b", 0xfd7a_115c_a1e0_ab12, 0x4843_cd96_626b_430b),
        v6("fd7a:115c::626b:430b", 0xfd7a_115c_0000_0000, 0x0000_0000_626b_430b),
        v6("fd7a:115c:a1e0:ab12:4843:cd96::", 0xfd7a_115c_a1e0_ab12, 0x4843_cd96_0000_0000),
        v6("fd7a:115c:a1e0:ab12:4843:cd96:626b::", 0xfd7a_115c_a1e0_ab12, 0x4843_cd96_626b_0000,
           str: "fd7a:115c:a1e0:ab12:4843:cd96:626b:0"),
        v6("fd7a:115c:a1e0::4843:cd96:626b:430b", 0xfd7a_115c_a1e0_0000, 0x4843_cd96_626b_430b,
           str: "fd7a:115c:a1e0:0:4843:cd96:626b:430b"),
        v6("::ffff:192.168.140.255", 0, 0x0000_ffff_c0a8_8cff, str: "::ffff:192.168.140.255"),
        v6("fd7a:115c:a1e0:ab12:4843:cd96:626b:430b%eth0", 0xfd7a_115c_a1e0_ab12, 0x4843_cd96_626b_430b,
           zone: "eth0"),
        v6("1:2::ffff:192.168.140.255%eth1", 0x0001_0002_0000_0000, 0x0000_ffff_c0a8_8cff, zone: "eth1",
           str: "1:2::ffff:c0a8:8cff%eth1"),
        v6("::ffff:192.168.140.255%eth1", 0, 0x0000_ffff_c0a8_8cff, zone: "eth1",
           str: "::ffff:192.168.140.255%eth1"),
        v6("FD9E:1A04:F01D::1", 0xfd9e_1a04_f01d_0000, 0x1, str: "fd9e:1a04:f01d::1"),
    ]

    @Test("ParseAddr accepts Go's valid inputs", arguments: validIPs)
    func parseValid(_ tt: Valid) throws {
        let got = try IP.parse(tt.input)
        let want = tt.v4
            ? IP(v4: UInt32(truncatingIfNeeded: tt.lo))
            : IP(v6High: tt.hi, low: tt.lo).withZone(tt.zone)
        #expect(got == want)
        #expect(got.high == tt.hi && got.low == tt.lo)
        #expect(got.is4 == tt.v4)
        #expect(got.zone == tt.zone)
        // A pure function.
        #expect(try IP.parse(tt.input) == got)
        // ParseAddr(ip.String()) is the identity.
        #expect(try IP.parse(got.description) == got)
        // String form.
        #expect(got.description == (tt.str ?? tt.input))
        // The failable initializer agrees.
        #expect(IP(tt.input) == got)
        // Text (JSON string) encoding: Unmarshal(in) == got, Marshal gives the String form.
        #expect(try decodeText(IP.self, tt.input) == got)
        #expect(try encodeText(got) == (tt.str ?? tt.input))
    }

    // netip_test.go TestParseAddr invalidIPs: rejected by ParseAddr, net.ParseIP and UnmarshalText.
    static let invalidIPs: [String] = [
        // Empty string
        "",
        // Garbage non-IP
        "bad",
        // Single number. Some parsers accept this as an IPv4 address in big-endian uint32 form.
        "1234",
        // IPv4 with a zone specifier
        "1.2.3.4%eth0",
        // IPv4 field must have at least one digit
        ".1.2.3",
        "1.2.3.",
        "1..2.3",
        // IPv4 address too long
        "1.2.3.4.5",
        // IPv4 in dotted octal form
        "0300.0250.0214.0377",
        // IPv4 in dotted hex form
        "0xc0.0xa8.0x8c.0xff",
        // IPv4 in class B form
        "192.168.12345",
        // IPv4 in class B form, with a small enough number to be parseable as a regular field.
        "127.0.1",
        // IPv4 in class A form
        "192.1234567",
        // IPv4 in class A form, with a small enough number to be parseable as a regular field.
        "127.1",
        // IPv4 field has value >255
        "192.168.300.1",
        // IPv4 with too many fields
        "192.168.0.1.5.6",
        // IPv6 with not enough fields
        "1:2:3:4:5:6:7",
        // IPv6 with too many fields
        "1:2:3:4:5:6:7:8:9",
        // IPv6 with 8 fields and a :: expander
        "1:2:3:4::5:6:7:8",
        // IPv6 with a field bigger than 2b
        "fe801::1",
        // IPv6 with non-hex values in field
        "fe80:tail:scal:e::",
        // IPv6 with a zone delimiter but no zone.
        "fe80::1%",
        // IPv6 (without ellipsis) with too many fields for trailing embedded IPv4.
        "ffff:ffff:ffff:ffff:ffff:ffff:ffff:192.168.140.255",
        // IPv6 (with ellipsis) with too many fields for trailing embedded IPv4.
        "ffff::ffff:ffff:ffff:ffff:ffff:ffff:192.168.140.255",
        // IPv6 with invalid embedded IPv4.
        "::ffff:192.168.140.bad",
        // IPv6 with multiple ellipsis ::.
        "fe80::1::1",
        // IPv6 with invalid non hex/colon character.
        "fe80:1?:1",
        // IPv6 with truncated bytes after single colon.
        "fe80:",
        // IPv6 with 5 zeros in last group
        "0:0:0:0:0:ffff:0:00000",
        // IPv6 with 5 zeros in one group and embedded IPv4
        "0:0:0:0:00000:ffff:127.1.2.3",
    ]

    @Test("ParseAddr, net.ParseIP and UnmarshalText reject Go's invalid inputs", arguments: invalidIPs)
    func parseInvalid(_ s: String) {
        #expect(throws: ParseError.self) { try IP.parse(s) }
        #expect(IP(s) == nil)
        #expect(parseIP(s) == nil)
        if !s.isEmpty {
            #expect(throws: (any Error).self) { try decodeText(IP.self, s) }
        }
    }

    // Exact texts of ParseAddr errors (Go's parseAddrError.Error), one per failure path.
    static let parseAddrErrorTexts: [(String, String)] = [
        // netip_test.go TestParseAddr validIPs entries with wantErr:
        ("010.000.015.001", #"ParseAddr("010.000.015.001"): IPv4 field has octet with leading zero"#),
        ("000001.00000002.00000003.000000004",
         #"ParseAddr("000001.00000002.00000003.000000004"): IPv4 field has octet with leading zero"#),
        ("::ffff:1.2.03.4", #"ParseAddr("::ffff:1.2.03.4"): IPv4 field has octet with leading zero"#),
        ("::ffff:1.2.3.z", #"ParseAddr("::ffff:1.2.3.z"): unexpected character (at "z")"#),
        // One per path of the parser:
        ("", #"ParseAddr(""): unable to parse IP"#),
        ("bad", #"ParseAddr("bad"): unable to parse IP"#),
        ("%eth0", #"ParseAddr("%eth0"): missing IPv6 address"#),
        ("1.2.3.4%eth0", #"ParseAddr("1.2.3.4%eth0"): unexpected character (at "%eth0")"#),
        (".1.2.3", #"ParseAddr(".1.2.3"): IPv4 field must have at least one digit (at ".1.2.3")"#),
        ("1.2.3.", #"ParseAddr("1.2.3."): IPv4 field must have at least one digit (at ".")"#),
        ("1..2.3", #"ParseAddr("1..2.3"): IPv4 field must have at least one digit (at ".2.3")"#),
        ("1.2.3.4.5", #"ParseAddr("1.2.3.4.5"): IPv4 address too long"#),
        ("1.2.3", #"ParseAddr("1.2.3"): IPv4 address too short"#),
        ("192.168.300.1", #"ParseAddr("192.168.300.1"): IPv4 field has value >255"#),
        ("0xc0.0xa8.0x8c.0xff", #"ParseAddr("0xc0.0xa8.0x8c.0xff"): unexpected character (at "xc0.0xa8.0x8c.0xff")"#),
        ("1:2:3:4:5:6:7", #"ParseAddr("1:2:3:4:5:6:7"): address string too short"#),
        ("1:2:3:4:5:6:7:8:9", #"ParseAddr("1:2:3:4:5:6:7:8:9"): trailing garbage after address (at "9")"#),
        ("1:2:3:4::5:6:7:8", #"ParseAddr("1:2:3:4::5:6:7:8"): the :: must expand to at least one field of zeros"#),
        ("fe801::1", #"ParseAddr("fe801::1"): each group must have 4 or less digits (at "fe801::1")"#),
        ("0:0:0:0:0:ffff:0:00000",
         #"ParseAddr("0:0:0:0:0:ffff:0:00000"): each group must have 4 or less digits (at "00000")"#),
        ("fe80:tail:scal:e::",
         #"ParseAddr("fe80:tail:scal:e::"): each colon-separated field must have at least one digit (at "tail:scal:e::")"#),
        ("fe80::1%", #"ParseAddr("fe80::1%"): zone must be a non-empty string"#),
        ("ffff:ffff:ffff:ffff:ffff:ffff:ffff:192.168.140.255",
         #"ParseAddr("ffff:ffff:ffff:ffff:ffff:ffff:ffff:192.168.140.255"): embedded IPv4 address must replace the final 2 fields of the address (at "192.168.140.255")"#),
        ("ffff::ffff:ffff:ffff:ffff:ffff:ffff:192.168.140.255",
         #"ParseAddr("ffff::ffff:ffff:ffff:ffff:ffff:ffff:192.168.140.255"): too many hex fields to fit an embedded IPv4 at the end of the address (at "192.168.140.255")"#),
        ("::ffff:192.168.140.bad", #"ParseAddr("::ffff:192.168.140.bad"): unexpected character (at "bad")"#),
        ("fe80::1::1", #"ParseAddr("fe80::1::1"): multiple :: in address (at ":1")"#),
        ("fe80:1?:1", #"ParseAddr("fe80:1?:1"): unexpected character, want colon (at "?:1")"#),
        ("fe80:", #"ParseAddr("fe80:"): colon must be followed by more characters (at ":")"#),
        ("::gggg%eth0", #"ParseAddr("::gggg%eth0"): each colon-separated field must have at least one digit (at "gggg")"#),
        ("1.2.3.4::", #"ParseAddr("1.2.3.4::"): unexpected character (at "::")"#),
        ("::ffff:1.2.3.999", #"ParseAddr("::ffff:1.2.3.999"): IPv4 field has value >255"#),
        // Go's strconv.Quote escapes in the text.
        ("a\u{0}b:c", #"ParseAddr("a\x00b:c"): unexpected character, want colon (at "\x00b:c")"#),
        ("1\t.2.3.4", #"ParseAddr("1\t.2.3.4"): unexpected character (at "\t.2.3.4")"#),
        ("\"::\"\\", #"ParseAddr("\"::\"\\"): each colon-separated field must have at least one digit (at "\"::\"\\")"#),
        ("é:1", #"ParseAddr("é:1"): each colon-separated field must have at least one digit (at "é:1")"#),
        ("\u{a0}:1", #"ParseAddr("\u00a0:1"): each colon-separated field must have at least one digit (at "\u00a0:1")"#),
    ]

    @Test("ParseAddr error texts are Go's, word for word", arguments: parseAddrErrorTexts)
    func parseAddrErrorText(_ input: String, _ text: String) {
        #expect(throws: ParseError.self) { try IP.parse(input) }
        do {
            _ = try IP.parse(input)
        } catch {
            #expect(error.description == text)
            #expect(error.function == .parseAddr)
            #expect(error.input == input)
        }
    }

    // netip_pkg_test.go TestParseIPError: error substrings ("" means "unable to parse IP").
    static let parseIPErrors: [(String, String)] = [
        ("localhost", ""),
        ("500.0.0.1", "field has value >255"),
        ("::gggg%eth0", "must have at least one digit"),
        ("fe80::1cc0:3e8c:119f:c2e1%", "zone must be a non-empty string"),
        ("%eth0", "missing IPv6 address"),
    ]

    @Test("ParseAddr errors name the failure (TestParseIPError)", arguments: parseIPErrors)
    func parseIPError(_ input: String, _ errstr: String) {
        let want = errstr.isEmpty ? "unable to parse IP" : errstr
        do {
            let ip = try IP.parse(input)
            Issue.record("ParseAddr(\(input)) = \(ip), want error")
        } catch {
            #expect(error.description.contains(want))
        }
    }

    // ip_test.go parseIPTests: net.ParseIP. An expected IPv4(a, b, c, d) is the IPv4 IP.
    static let parseIPTests: [(String, IP?)] = [
        ("127.0.1.2", IP(127, 0, 1, 2)),
        ("127.0.0.1", IP(127, 0, 0, 1)),
        ("::ffff:127.1.2.3", IP(127, 1, 2, 3)),
        ("::ffff:7f01:0203", IP(127, 1, 2, 3)),
        ("0:0:0:0:0000:ffff:127.1.2.3", IP(127, 1, 2, 3)),
        ("0:0:0:0::ffff:127.1.2.3", IP(127, 1, 2, 3)),

        ("2001:4860:0:2001::68", ipBytes([0x20, 0x01, 0x48, 0x60, 0, 0, 0x20, 0x01, 0, 0, 0, 0, 0, 0, 0x00, 0x68])),
        ("2001:4860:0000:2001:0000:0000:0000:0068",
         ipBytes([0x20, 0x01, 0x48, 0x60, 0, 0, 0x20, 0x01, 0, 0, 0, 0, 0, 0, 0x00, 0x68])),

        ("-0.0.0.0", nil),
        ("0.-1.0.0", nil),
        ("0.0.-2.0", nil),
        ("0.0.0.-3", nil),
        ("127.0.0.256", nil),
        ("abc", nil),
        ("123:", nil),
        ("fe80::1%lo0", nil),
        ("fe80::1%911", nil),
        ("", nil),
        // 6 zeroes in one group
        ("0:0:0:0:000000:ffff:127.1.2.3", nil),
        // 5 zeroes in one group edge case
        ("0:0:0:0:00000:ffff:127.1.2.3", nil),
        ("a1:a2:a3:a4::b1:b2:b3:b4", nil),  // Issue 6628
        ("127.001.002.003", nil),
        ("::ffff:127.001.002.003", nil),
        ("123.000.000.000", nil),
        ("1.2..4", nil),
        ("0123.0.0.1", nil),
    ]

    @Test("net.ParseIP (parseIPTests)", arguments: parseIPTests)
    func parseIPTable(_ input: String, _ want: IP?) {
        let got = parseIP(input)
        #expect(got == want)
        if let got, let want {
            #expect(got.equal(want))
            #expect(got.to16 == want.to16)
        }
    }

    @Test("net.ParseIP gives IPv4 for dotted quads and rejects zones that netip accepts")
    func parseIPFamilies() throws {
        #expect(parseIP("192.0.2.1")?.is4 == true)
        #expect(parseIP("::ffff:192.0.2.1") == IP(192, 0, 2, 1))
        #expect(try IP.parse("::ffff:192.0.2.1").is4In6)
        #expect(try IP.parse("fe80::1%lo0").zone == "lo0")
        #expect(parseIP("fe80::1%lo0") == nil)
        #expect(parseIP("2001:db8::1")?.is6 == true)
    }

    // netip_test.go TestIPv4Constructors; ip_test.go TestMarshalEmptyIP / netip TestAddrMarshalUnmarshal.
    @Test("Constructors and the empty text encoding")
    func constructorsAndEmptyText() throws {
        #expect(IP(v4: (1, 2, 3, 4)) == mustIP("1.2.3.4"))
        #expect(IP.v4(1, 2, 3, 4) == mustIP("1.2.3.4"))
        #expect(IP(v4: 0x0102_0304) == mustIP("1.2.3.4"))
        #expect(try decodeText(IP.self, "") == IP())
        #expect(try encodeText(IP()) == "")
    }
}
