import Glibc
import Testing

@testable import NetKit

// resolv.conf and hosts parsing (Go's testdata as tables), the search list, re-reading changed files, the
// record sort orders (MX, SRV, RFC 6724) and reverse names.

@Suite("DNS configuration, hosts file, ordering", .timingSensitive)
struct DNSConfigTests {
    // MARK: resolv.conf (Go: net/dnsconfig_unix_test.go)

    @Test func goResolvConf() {
        let config = DNSConfig.parse(
            """
            # /etc/resolv.conf

            domain localdomain
            nameserver 8.8.8.8
            nameserver 2001:4860:4860::8888
            nameserver fe80::1%lo0
            options ndots:5 timeout:10 attempts:3 rotate
            options attempts 3
            """, defaultSearch: ["domain.local."])
        #expect(config.servers == ["8.8.8.8:53", "[2001:4860:4860::8888]:53", "[fe80::1%lo0]:53"])
        #expect(config.search == ["localdomain."])
        #expect(config.ndots == 5)
        #expect(config.timeout == .seconds(10))
        #expect(config.attempts == 3)
        #expect(config.rotate)
        #expect(config.unknownOption)  // "options attempts 3"
    }

    @Test(arguments: [
        ("search test invalid\ndomain localdomain\nnameserver 8.8.8.8", ["localdomain."]),
        ("domain localdomain\nsearch test invalid\nnameserver 8.8.8.8", ["test.", "invalid."]),
        ("search . example.com", ["example.com."]),
        ("", ["domain.local."]),
        ("search", ["domain.local."]),
    ])
    func searchAndDomainLastOneWins(text: String, search: [String]) {
        #expect(DNSConfig.parse(text, defaultSearch: ["domain.local."]).search == search)
    }

    @Test(arguments: [("options ndots:invalid", 0), ("options ndots:16", 15), ("options ndots:-1", 0), ("options ndots:3", 3), ("", 1)])
    func ndotsIsClamped(text: String, ndots: Int) {
        #expect(DNSConfig.parse(text, defaultSearch: []).ndots == ndots)
    }

    @Test func optionsAndDefaults() {
        let empty = DNSConfig.parse("", defaultSearch: [])
        #expect(empty.servers == ["127.0.0.1:53", "[::1]:53"])
        #expect(empty.timeout == .seconds(5) && empty.attempts == 2 && empty.ndots == 1)
        #expect(!empty.rotate && !empty.useTCP && !empty.singleRequest && !empty.trustAD && empty.edns0)
        #expect(!empty.unknownOption)
        for option in ["use-vc", "usevc", "tcp"] {
            #expect(DNSConfig.parse("options \(option)", defaultSearch: []).useTCP)
        }
        #expect(DNSConfig.parse("options single-request", defaultSearch: []).singleRequest)
        #expect(DNSConfig.parse("options single-request-reopen", defaultSearch: []).singleRequest)
        #expect(DNSConfig.parse("options trust-ad edns0 no-reload", defaultSearch: []).trustAD)
        #expect(DNSConfig.parse("options no-reload", defaultSearch: []).noReload)
        #expect(DNSConfig.parse("options timeout:0 attempts:0", defaultSearch: []).timeout == .seconds(1))
        #expect(DNSConfig.parse("options timeout:0 attempts:0", defaultSearch: []).attempts == 1)
        // Comments, a host name as server (ignored), at most three servers.
        let servers = DNSConfig.parse(
            "; comment\n#nameserver 1.1.1.1\nnameserver dns.example\nnameserver 1.0.0.1\nnameserver 1.0.0.2\n"
                + "nameserver 1.0.0.3\nnameserver 1.0.0.4\n", defaultSearch: [])
        #expect(servers.servers == ["1.0.0.1:53", "1.0.0.2:53", "1.0.0.3:53"])
        #expect(DNSConfig.parse("lookup file bind\nsortlist 1.2.3.4", defaultSearch: []).unknownOption)
    }

    @Test func missingFileGivesTheDefaults() {
        let config = DNSConfig.read(path: "/nonexistent/netkit/resolv.conf")
        #expect(config.servers == DNSConfig.defaultServers)
    }

    // MARK: The search list (Go: TestNameList / dnsNameTests)

    @Test(arguments: [
        ("host.long.domain.local", 1, ["host.long.domain.local.", "host.long.domain.local.domain.local."]),
        ("host", 1, ["host.domain.local.", "host."]),
        ("host.local", 1, ["host.local.", "host.local.domain.local."]),
        ("host.local", 2, ["host.local.domain.local.", "host.local."]),
        ("host", 0, ["host.", "host.domain.local."]),
        ("foo.", 1, ["foo."]),
        ("foo.onion", 1, ["foo.onion.domain.local."]),  // only the .onion name itself is never sent
        ("foo.onion.", 1, []),
        ("bar.ONION", 3, ["bar.ONION.domain.local."]),
    ])
    func nameList(name: String, ndots: Int, expected: [String]) {
        let config = DNSConfig(servers: [], search: ["domain.local."], ndots: ndots)
        #expect(config.nameList(name) == expected)
    }

    @Test func tooLongNamesAreNotSuffixed() {
        let long = String(repeating: "a.", count: 126) + "b"  // 253 bytes
        let config = DNSConfig(servers: [], search: ["domain.local."], ndots: 1)
        #expect(config.nameList(long) == [long + "."])
        #expect(config.nameList(long + "bc") == [])
    }

    // MARK: Hosts (Go: net/hosts_test.go)

    static let goHosts = """
        255.255.255.255\tbroadcasthost
        127.0.0.2\todin
        127.0.0.3\todin  # inline comment
        ::2             odin
        127.1.1.1\tthor
        # aliases
        127.1.1.2\tullr ullrhost
        fe80::1%lo0\tlocalhost
        # Bogus entries that must be ignored.
        123.123.123\tloki
        321.321.321.321
        10.0.0.1 example.com Example.Net
        ::ffff:10.0.0.2 mapped.example
        """

    @Test func hostsByName() throws {
        let table = HostsTable(parsing: Array(DNSConfigTests.goHosts.utf8))
        #expect(table.lookup(host: "odin")?.addresses == ["127.0.0.2", "127.0.0.3", "::2"])
        #expect(table.lookup(host: "ODIN")?.addresses == ["127.0.0.2", "127.0.0.3", "::2"])
        #expect(table.lookup(host: "thor")?.addresses == ["127.1.1.1"])
        #expect(table.lookup(host: "ullrhost")?.addresses == ["127.1.1.2"])
        #expect(table.lookup(host: "ullrhost")?.canonicalName == "ullr")
        #expect(table.lookup(host: "localhost")?.addresses == ["fe80::1%lo0"])
        #expect(table.lookup(host: "localhost.")?.addresses == ["fe80::1%lo0"])
        #expect(table.lookup(host: "loki") == nil)
        #expect(table.lookup(host: "example.net.")?.addresses == ["10.0.0.1"])
        #expect(table.lookup(host: "example.net")?.canonicalName == "example.com.")
        #expect(table.lookup(host: "mapped.example")?.addresses == ["10.0.0.2"])
    }

    @Test func hostsByAddress() {
        let table = HostsTable(parsing: Array(DNSConfigTests.goHosts.utf8))
        #expect(table.lookup(address: "255.255.255.255") == ["broadcasthost"])
        #expect(table.lookup(address: "127.1.1.2") == ["ullr", "ullrhost"])
        #expect(table.lookup(address: "::ffff:127.1.1.2") == ["ullr", "ullrhost"])
        #expect(table.lookup(address: "fe80::1%lo0") == ["localhost"])
        #expect(table.lookup(address: "fe80::1") == [])
        #expect(table.lookup(address: "10.0.0.1") == ["example.com.", "Example.Net."])
        #expect(table.lookup(address: "not an address") == [])
    }

    @Test func hostsFileIsReReadWhenItChanges() async throws {
        let directory = try makeTemporaryDirectory()
        let path = directory + "/hosts"
        defer {
            unlink(path)
            rmdir(directory)
        }
        try writeFile(path, "192.0.2.1 first.test\n")
        let cache = HostsFileCache(maxAge: .milliseconds(50))
        #expect(cache.table(path: path).lookup(host: "first.test")?.addresses == ["192.0.2.1"])
        try writeFile(path, "192.0.2.22 first.test second.test\n")
        // Within maxAge the old table stays.
        #expect(cache.table(path: path).lookup(host: "second.test") == nil)
        try await Task.sleep(for: .milliseconds(80))
        #expect(cache.table(path: path).lookup(host: "second.test")?.addresses == ["192.0.2.22"])
        #expect(cache.table(path: path).lookup(host: "first.test")?.addresses == ["192.0.2.22"])
        // A file that disappears leaves an empty table.
        unlink(path)
        try await Task.sleep(for: .milliseconds(80))
        #expect(cache.table(path: path).lookup(host: "first.test") == nil)
    }

    @Test func resolvConfIsReReadWhenItChanges() async throws {
        let directory = try makeTemporaryDirectory()
        let path = directory + "/resolv.conf"
        defer {
            unlink(path)
            rmdir(directory)
        }
        try writeFile(path, "nameserver 192.0.2.53\n")
        let system = SystemDNSConfig(path: path, recheckInterval: .milliseconds(50))
        #expect(system.current.servers == ["192.0.2.53:53"])
        try writeFile(path, "nameserver 192.0.2.54\noptions timeout:2\n")
        #expect(system.current.servers == ["192.0.2.53:53"])
        try await Task.sleep(for: .milliseconds(80))
        #expect(system.current.servers == ["192.0.2.54:53"])
        #expect(system.current.timeout == .seconds(2))
    }

    @Test func hostsPathEmptyMeansNoHostsFile() async throws {
        let resolver = Resolver(config: DNSConfig(servers: ["127.0.0.1:1"], timeout: .milliseconds(100), attempts: 1), hostsPath: "")
        // localhost is not in any hosts file now: the (closed) server is asked and fails.
        let error = await expectDNSError { _ = try await resolver.lookupHost("localhost") }
        #expect(error?.server == "127.0.0.1:1")
    }

    // MARK: Ordering

    @Test func mxSortIsByPreferenceAndShufflesTies() {
        let records = [MX(host: "c.", pref: 20), MX(host: "a.", pref: 10), MX(host: "b.", pref: 20), MX(host: "d.", pref: 5)]
        var orders = Set<[String]>()
        for _ in 0..<100 {
            let sorted = Resolver.sortMX(records)
            #expect(sorted.map(\.pref) == [5, 10, 20, 20])
            orders.insert(sorted.map(\.host))
        }
        #expect(orders == [["d.", "a.", "c.", "b."], ["d.", "a.", "b.", "c."]])
    }

    @Test func srvSortFollowsRFC2782() async {
        let records = [
            SRV(target: "heavy.", port: 1, priority: 10, weight: 90), SRV(target: "light.", port: 1, priority: 10, weight: 10),
            SRV(target: "zero.", port: 1, priority: 10, weight: 0), SRV(target: "backup.", port: 1, priority: 20, weight: 5),
            SRV(target: "first.", port: 1, priority: 1, weight: 0),
        ]
        var heavyFirst = 0
        let rounds = 2000
        for round in 0..<rounds {
            if round % 100 == 0 { await Task.yield() }
            let sorted = Resolver.sortSRV(records)
            #expect(sorted.map(\.priority) == [1, 10, 10, 10, 20])
            #expect(sorted.first?.target == "first." && sorted.last?.target == "backup.")
            #expect(sorted[3].target == "zero.")  // weight 0 comes last when others have weight
            if sorted[1].target == "heavy." { heavyFirst += 1 }
        }
        // heavy. is picked first with probability 0.9: far from 0.5 and from 1 in 2000 rounds.
        #expect(heavyFirst > rounds * 8 / 10 && heavyFirst < rounds * 97 / 100, "\(heavyFirst)")
        // All weights 0: any order, all kept.
        let zeros = (0..<5).map { SRV(target: "t\($0).", port: 1, priority: 1, weight: 0) }
        #expect(Set(Resolver.sortSRV(zeros)) == Set(zeros))
    }

    /// Go's TestSortByRFC6724 table (net/addrselect_test.go).
    @Test(arguments: [
        // Rule 1: unreachable destinations last.
        ([("2001:db8:1::1", "2001:db8:1::2"), ("198.51.100.121", nil)], ["2001:db8:1::1", "198.51.100.121"]),
        // Rule 2: prefer matching scope.
        ([("2001:db8:1::1", "fe80::1"), ("198.51.100.121", "198.51.100.117")], ["198.51.100.121", "2001:db8:1::1"]),
        // Rule 5: matching label (10.1.2.3 as IPv4 source for an IPv4 destination).
        ([("2002:c633:6401::1", "2001:db8:1::1"), ("2001:db8:1::1", "2001:db8:1::2")], ["2001:db8:1::1", "2002:c633:6401::1"]),
        // Rule 6: higher precedence (::1 over IPv4, IPv6 over IPv4).
        ([("198.51.100.121", "198.51.100.117"), ("2001:db8:1::1", "2001:db8:1::2")], ["2001:db8:1::1", "198.51.100.121"]),
        ([("10.0.0.1", "10.0.0.2"), ("::1", "::1")], ["::1", "10.0.0.1"]),
        // Rule 8: smaller scope.
        ([("2001:db8:1::1", "2001:db8:1::2"), ("fe80::1", "fe80::2")], ["fe80::1", "2001:db8:1::1"]),
        // Rule 9: longest matching prefix (IPv6).
        ([("2001:db8:2::1", "2001:db8:1::2"), ("2001:db8:1::1", "2001:db8:1::2")], ["2001:db8:1::1", "2001:db8:2::1"]),
        // Rule 10: otherwise the order stays.
        ([("192.0.2.2", "192.0.2.100"), ("192.0.2.1", "192.0.2.100")], ["192.0.2.2", "192.0.2.1"]),
    ] as [([(String, String?)], [String])])
    func rfc6724Sort(pairs: [(String, String?)], expected: [String]) {
        let destinations = pairs.map { IP($0.0)! }
        let sources = pairs.map { $0.1.flatMap { IP($0) } }
        #expect(sortByRFC6724(destinations, sources: sources) == expected.map { IP($0)! })
    }

    @Test func loopbackSourceIsFound() {
        #expect(sourceAddress(toward: IP(127, 0, 0, 1)) == IP(127, 0, 0, 1))
        // IPv4 loopback is reachable; the sort keeps it first against an unroutable address.
        let sorted = sortByRFC6724([IP("2001:db8::1")!, IP(127, 0, 0, 1)])
        #expect(sorted.count == 2)
    }

    // MARK: Reverse names (Go: net/dnsname_test.go revAddrTests)

    @Test(arguments: [
        ("1.2.3.4", "4.3.2.1.in-addr.arpa."),
        ("::ffff:1.2.3.4", "4.3.2.1.in-addr.arpa."),
        ("1::", "0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.1.0.0.0.ip6.arpa."),
        ("1:23::", "0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.3.2.0.0.1.0.0.0.ip6.arpa."),
        ("2001:db8::567:89ab", "b.a.9.8.7.6.5.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa."),
    ])
    func reverseNames(addr: String, name: String) {
        #expect(reverseAddress(addr) == name)
    }

    @Test(arguments: ["1.2.3", "1.2.3.4.5", "1:2:3:4:5:6:7:8:9", "fe80::1%eth0", "", "x"])
    func reverseNamesOfNonAddresses(addr: String) {
        #expect(reverseAddress(addr) == nil)
    }
}
