// Tables ported from Go (newest):
//   src/net/netip/netip_pkg_test.go  TestParseAddrPort, TestAddrPortMarshalUnmarshal
//   src/net/netip/netip_test.go      TestAddrPortMarshalTextString, TestAddrPortCompare, TestInvalidAddrPortString
// parseAddrPortErrorTexts (exact texts) is ours, from newest Go's ParseAddrPort (agrees with Go 1.19).

import Testing
@testable import NetKit

@Suite("AddrPort (netip.AddrPort, ParseAddrPort)")
struct AddrPortTests {
    // netip_pkg_test.go TestParseAddrPort: nil means an error is wanted.
    static let parseTests: [(String, AddrPort?)] = [
        ("1.2.3.4:1234", AddrPort(mustIP("1.2.3.4"), port: 1234)),
        ("1.1.1.1:123456", nil),
        ("1.1.1.1:-123", nil),
        ("[::1]:1234", AddrPort(mustIP("::1"), port: 1234)),
        ("[1.2.3.4]:1234", nil),
        ("fe80::1:1234", nil),
        (":0", nil),  // if we need to parse this form, there should be a separate function that explicitly allows it
    ]

    @Test("ParseAddrPort, String and text round trip (TestParseAddrPort)", arguments: parseTests)
    func parse(_ input: String, _ want: AddrPort?) throws {
        do {
            let got = try parseAddrPort(input)
            #expect(got == want)
            #expect(got.description == input)
            #expect(try decodeText(AddrPort.self, input) == got)
            #expect(try encodeText(got) == input)
            #expect(AddrPort(input) == got)
            #expect(try AddrPort.parse(input) == got)
        } catch {
            #expect(want == nil, "\(error)")
            #expect(AddrPort(input) == nil)
            #expect(throws: (any Error).self) { try decodeText(AddrPort.self, input) }
        }
    }

    // Exact texts (ours, from newest Go's ParseAddrPort).
    static let parseAddrPortErrorTexts: [(String, String)] = [
        ("1.1.1.1:123456", #"invalid port "123456" parsing "1.1.1.1:123456""#),
        ("1.1.1.1:-123", #"invalid port "-123" parsing "1.1.1.1:-123""#),
        ("[1.2.3.4]:1234", #"invalid ip:port "[1.2.3.4]:1234", square brackets can only be used with IPv6 addresses"#),
        ("fe80::1:1234", #"invalid ip:port "fe80::1:1234", IPv6 addresses must be surrounded by square brackets"#),
        (":0", "no IP"),
        ("1.2.3.4", "not an ip:port"),
        ("[::1:80", "missing ]"),
        ("1.2.3.4:", "no port"),
        ("[]:80", #"ParseAddr(""): unable to parse IP"#),
        ("1.2.3:80", #"ParseAddr("1.2.3"): IPv4 address too short"#),
        ("[fe80::1%]:80", #"ParseAddr("fe80::1%"): zone must be a non-empty string"#),
        ("1.2.3.4:+80", #"invalid port "+80" parsing "1.2.3.4:+80""#),
    ]

    @Test("ParseAddrPort error texts are Go's, word for word", arguments: parseAddrPortErrorTexts)
    func errorText(_ input: String, _ text: String) {
        #expect(throws: ParseError.self) { try parseAddrPort(input) }
        do {
            _ = try parseAddrPort(input)
        } catch {
            #expect(error.description == text)
        }
    }

    @Test("Ports: leading zeros and the full range")
    func ports() throws {
        #expect(try parseAddrPort("[::1%eth0]:0080") == AddrPort(mustIP("::1%eth0"), port: 80))
        #expect(try parseAddrPort("1.2.3.4:65535").port == 65535)
        #expect(try parseAddrPort("1.2.3.4:0").port == 0)
        #expect(throws: ParseError.self) { try parseAddrPort("1.2.3.4:65536") }
        #expect(throws: ParseError.self) { try parseAddrPort("1.2.3.4:99999999999999999999999") }
    }

    // netip_pkg_test.go TestAddrPortMarshalUnmarshal.
    @Test("\"\" is the zero AddrPort (TestAddrPortMarshalUnmarshal)")
    func marshalEmpty() throws {
        #expect(try decodeText(AddrPort.self, "") == AddrPort())
        #expect(try encodeText(AddrPort()) == "")
    }

    // netip_test.go TestAddrPortMarshalTextString.
    static let marshalTextTests: [(AddrPort, String)] = [
        (mustIPPort("1.2.3.4:80"), "1.2.3.4:80"),
        (mustIPPort("[::]:80"), "[::]:80"),
        (mustIPPort("[1::CAFE]:80"), "[1::cafe]:80"),
        (mustIPPort("[1::CAFE%en0]:80"), "[1::cafe%en0]:80"),
        (mustIPPort("[::FFFF:192.168.140.255]:80"), "[::ffff:192.168.140.255]:80"),
        (mustIPPort("[::FFFF:192.168.140.255%en0]:80"), "[::ffff:192.168.140.255%en0]:80"),
    ]

    @Test("String and MarshalText (TestAddrPortMarshalTextString)", arguments: marshalTextTests)
    func marshalText(_ ap: AddrPort, _ want: String) throws {
        #expect(ap.description == want)
        #expect(try encodeText(ap) == want)
    }

    // netip_test.go TestAddrPortCompare.
    static let compareTests: [(AddrPort, AddrPort, Int)] = [
        (AddrPort(), AddrPort(), 0),
        (AddrPort(), mustIPPort("1.2.3.4:80"), -1),

        (mustIPPort("1.2.3.4:80"), mustIPPort("1.2.3.4:80"), 0),
        (mustIPPort("[::1]:80"), mustIPPort("[::1]:80"), 0),

        (mustIPPort("1.2.3.4:80"), mustIPPort("2.3.4.5:22"), -1),
        (mustIPPort("[::1]:80"), mustIPPort("[::2]:22"), -1),

        (mustIPPort("1.2.3.4:80"), mustIPPort("1.2.3.4:443"), -1),
        (mustIPPort("[::1]:80"), mustIPPort("[::1]:443"), -1),

        (mustIPPort("1.2.3.4:80"), mustIPPort("[0102:0304::0]:80"), -1),
    ]

    @Test("Compare, both ways (TestAddrPortCompare)", arguments: compareTests)
    func compare(_ a: AddrPort, _ b: AddrPort, _ want: Int) {
        #expect(a.compare(b) == want)
        #expect(b.compare(a) == -want)
        #expect((a < b) == (want < 0))
    }

    @Test("Sorting (TestAddrPortCompare)")
    func sortAddrPorts() {
        let values = [mustIPPort("[::1]:80"), mustIPPort("[::2]:80"), AddrPort(), mustIPPort("1.2.3.4:443"),
                      mustIPPort("8.8.8.8:8080"), mustIPPort("[::1%foo]:1024")]
        #expect(values.sorted().map(\.description)
            == ["invalid AddrPort", "1.2.3.4:443", "8.8.8.8:8080", "[::1]:80", "[::1%foo]:1024", "[::2]:80"])
    }

    // netip_test.go TestInvalidAddrPortString.
    @Test("String of invalid values (TestInvalidAddrPortString)",
          arguments: [AddrPort(), AddrPort(IP(), port: 80)])
    func invalidString(_ ap: AddrPort) {
        #expect(ap.description == "invalid AddrPort")
        #expect(!ap.isValid)
    }

    @Test("parseAddrPort(description) == value")
    func roundTrip() throws {
        for (i, ip) in IPStringTests.randomIPs(count: 1200, seed: 0xadd7).enumerated() {
            let ap = AddrPort(ip, port: UInt16(truncatingIfNeeded: i &* 2654435761))
            #expect(try parseAddrPort(ap.description) == ap, "\(ap)")
        }
    }
}
