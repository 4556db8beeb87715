import Testing
@testable import NetKit

/// Port parsing and local service lookup.
@Suite struct PortTests {
    // src/net/port_test.go parsePortTests.
    static let parsePortTests: [(service: String, port: Int, needsLookup: Bool)] = [
        ("", 0, false),

        // Decimal number literals
        ("-1073741825", -1 << 30, false),
        ("-1073741824", -1 << 30, false),
        ("-1073741823", -(1 << 30 - 1), false),
        ("-123456789", -123456789, false),
        ("-1", -1, false),
        ("-0", 0, false),
        ("0", 0, false),
        ("+0", 0, false),
        ("+1", 1, false),
        ("65535", 65535, false),
        ("65536", 65536, false),
        ("123456789", 123456789, false),
        ("1073741822", 1 << 30 - 2, false),
        ("1073741823", 1 << 30 - 1, false),
        ("1073741824", 1 << 30 - 1, false),
        ("1073741825", 1 << 30 - 1, false),

        // Others
        ("abc", 0, true),
        ("9pfs", 0, true),
        ("123badport", 0, true),
        ("bad123port", 0, true),
        ("badport123", 0, true),
        ("123456789badport", 0, true),
        ("-2147483649badport", 0, true),
        ("2147483649badport", 0, true),

        // Not in Go's table: sign-only and very long inputs.
        ("+", 0, false),
        ("-", 0, false),
        ("99999999999999999999999999999", 1 << 30 - 1, false),
        ("-99999999999999999999999999999", -(1 << 30), false),
        ("٣", 0, true),  // a non-ASCII digit is not a digit
        ("1073741824badport", 0, true),
        ("10737418240badport", 1 << 30 - 1, false),  // scanning stops once out of range (as in Go)
        // Deliberate difference: Go's uint32 accumulator wraps, so Go gives 4 and 0 for these two.
        ("4294967300", 1 << 30 - 1, false),
        ("4294967296", 1 << 30 - 1, false),
        ("-4294967300", -(1 << 30), false),
    ]

    @Test(arguments: parsePortTests)
    func parsePortParses(_ service: String, _ port: Int, _ needsLookup: Bool) {
        let result = parsePort(service)
        #expect(result.port == port && result.needsLookup == needsLookup, "parsePort(\(service))")
    }

    // src/net/lookup_test.go TestLookupPort (all of it needs no network here: the pure-Go path is local).
    static let lookupPortTests: [(network: String, name: String, port: Int, ok: Bool)] = [
        ("tcp", "0", 0, true),
        ("udp", "0", 0, true),
        ("udp", "domain", 53, true),

        ("--badnet--", "zzz", 0, false),
        ("tcp", "--badport--", 0, false),
        ("tcp", "-1", 0, false),
        ("tcp", "65536", 0, false),
        ("udp", "-1", 0, false),
        ("udp", "65536", 0, false),
        ("tcp", "123456789", 0, false),

        // Issue 13610: LookupPort("tcp", "")
        ("tcp", "", 0, true),
        ("tcp4", "", 0, true),
        ("tcp6", "", 0, true),
        ("udp", "", 0, true),
        ("udp4", "", 0, true),
        ("udp6", "", 0, true),

        ("tcp", "http", 80, true),

        // Not in Go's table: the uint32 wrap-around that Go has (it answers 4) is an invalid port here.
        ("tcp", "4294967300", 0, false),
    ]

    // src/net/lookup_test.go TestLookupPort_Minimal: answers baked into Go's built-in table.
    static let lookupPortMinimal: [(network: String, name: String, port: Int, ok: Bool)] = [
        ("tcp", "http", 80, true),
        ("tcp", "HTTP", 80, true),  // case shouldn't matter
        ("tcp", "https", 443, true),
        ("tcp", "ssh", 22, true),
        ("tcp", "gopher", 70, true),
        ("tcp4", "http", 80, true),
        ("tcp6", "http", 80, true),
    ]

    @Test(arguments: lookupPortTests + lookupPortMinimal)
    func lookupPortLocallyLooksUp(_ network: String, _ name: String, _ port: Int, _ ok: Bool) {
        do {
            let got = try lookupPortLocally(network: network, service: name)
            #expect(ok && got == port, "lookupPortLocally(\(network), \(name)) = \(got)")
        } catch {
            #expect(!ok, "lookupPortLocally(\(network), \(name)) failed: \(error)")
            // Go's parseLookupPortError: only *AddrError or *DNSError.
            #expect(error is AddrError || error is DNSError)
        }
    }

    /// The minimal answers hold with the built-in table alone (a system without /etc/services).
    @Test(arguments: lookupPortMinimal)
    func builtInTableAnswers(_ network: String, _ name: String, _ port: Int, _ ok: Bool) throws {
        #expect(try lookupPort(network: network, service: name, in: .builtIn) == port)
    }

    @Test func lookupPortErrorTexts() throws {
        // lookup_test.go TestLookupPortNotFound / TestLookupPortDifferentNetwork: DNSError with IsNotFound.
        #expect(throws: DNSError(err: "unknown port", name: "udp/_-unknown-service-", isNotFound: true)) {
            _ = try lookupPortLocally(network: "udp", service: "_-unknown-service-")
        }
        #expect(throws: DNSError(err: "unknown port", name: "udp/submissions", isNotFound: true)) {
            _ = try lookup(network: "udp", service: "submissions", in: .builtIn)
        }
        #expect(DNSError(err: "unknown port", name: "tcp/nope", isNotFound: true).description
            == "lookup tcp/nope: unknown port")
        #expect(throws: AddrError(err: "unknown network", addr: "--badnet--")) {
            _ = try lookupPortLocally(network: "--badnet--", service: "zzz")
        }
        #expect(throws: AddrError(err: "invalid port", addr: "65536")) {
            _ = try lookupPortLocally(network: "tcp", service: "65536")
        }
        #expect(throws: AddrError(err: "invalid port", addr: "-1")) {
            _ = try lookupPortLocally(network: "tcp", service: "-1")
        }
        // An unknown network with a numeric port needs no lookup, so it is not an error (Go does the same).
        #expect(try lookupPortLocally(network: "--badnet--", service: "80") == 80)
    }

    // lookup_test.go TestLookupPortEmptyNetworkString / TestLookupPortIPNetworkString: "" and "ip" try tcp, then udp.
    @Test(arguments: ["", "ip"])
    func lookupPortWithoutTransport(_ network: String) throws {
        #expect(try lookupPort(network: network, service: "submissions", in: .builtIn) == 465)
        #expect(try lookupPort(network: network, service: "domain", in: .builtIn) == 53)
        #expect(throws: DNSError(err: "unknown port", name: "ip/nope", isNotFound: true)) {
            _ = try lookup(network: network, service: "nope", in: .builtIn)
        }
    }

    @Test func servicesFileParsing() throws {
        var table = ServiceTable(ports: [:])
        let text = """
            # comment line
            http\t\t80/tcp\t\twww www-http\t# World Wide Web HTTP
            domain 53/udp
            Weird  7/tcp   ECHO
            zero 0/tcp
            neg -5/tcp
            noslash 99
            huge 16777215/tcp
            big 70000/tcp
            \r
            dos 17/udp\r
            onlyname
            """
        table.add(servicesFile: Array(text.utf8))
        #expect(table.ports["tcp"] == ["http": 80, "www": 80, "www-http": 80, "Weird": 7, "ECHO": 7, "big": 70000])
        #expect(table.ports["udp"] == ["domain": 53, "dos": 17])
        // Names are stored as written and the query is lowered, so an upper-case entry never matches (as in Go).
        #expect(throws: DNSError.self) { _ = try table.port(network: "tcp", service: "weird") }
        #expect(try table.port(network: "tcp", service: "WWW") == 80)
        // A port outside 0...65535 from the file is rejected by the range check, not by the parser.
        #expect(throws: AddrError(err: "invalid port", addr: "big")) {
            _ = try lookupPort(network: "tcp", service: "big", in: table)
        }
        #expect(throws: DNSError(err: "unknown network", name: "sctp/http")) {
            _ = try table.port(network: "sctp", service: "http")
        }
    }

    @Test func longServiceNamesAreNotFound() throws {
        let long = String(repeating: "a", count: ServiceTable.maxServiceLength + 1)
        let table = ServiceTable(ports: ["tcp": [long: 1, String(long.dropLast()): 2]])
        #expect(try table.port(network: "tcp", service: String(long.dropLast())) == 2)
        #expect(throws: DNSError(err: "unknown port", name: "tcp/" + long, isNotFound: true)) {
            _ = try table.port(network: "tcp", service: long)
        }
    }

    @Test func systemTableIncludesEtcServicesAndBuiltIn() throws {
        // Every built-in entry is present (the file may override a port, but never removes a name).
        for (network, names) in ServiceTable.builtIn.ports {
            for name in names.keys {
                #expect(ServiceTable.system.ports[network]?[name] != nil, "\(network)/\(name)")
            }
        }
    }

    @Test func systemTableIsSafeToReadConcurrently() async {
        await withTaskGroup(of: Int.self) { group in
            for _ in 0..<8 {
                group.addTask { (try? lookupPortLocally(network: "tcp", service: "https")) ?? -1 }
            }
            for await port in group {
                #expect(port == 443)
            }
        }
    }
}

/// `lookupPort(network:service:in:)` with its error as a value, for `#expect(throws:)` over `DNSError`.
private func lookup(network: String, service: String, in table: ServiceTable) throws -> Int {
    try lookupPort(network: network, service: service, in: table)
}
