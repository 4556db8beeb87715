import Glibc
import Synchronization
import Testing

@testable import NetKit

// The resolver against a real DNS server: dnsmasq on a free loopback port, started for this suite and stopped
// by PID afterwards (`.dnsmasq`). The resolver reaches it through its configuration, never /etc/resolv.conf.

@Suite(
    "Resolver against dnsmasq", .dnsmasq, .timingSensitive,
    .enabled(if: DNSMasq.isAvailable, "dnsmasq is not installed (apt-get install dnsmasq-base)"))
struct DNSRealServerTests {
    @Test func hostHasItsIPv4AndIPv6Addresses() async throws {
        let server = try dnsmasq()
        let resolver = server.resolver()
        let hosts = try await withDNSWatchdog { try await resolver.lookupHost("host.nk.test") }
        #expect(Set(hosts) == ["192.0.2.1", "2001:db8::1"])
        let addrs = try await withDNSWatchdog { try await resolver.lookupIPAddr("host.nk.test") }
        #expect(Set(addrs.map(\.ip)) == [IP(192, 0, 2, 1), IP("2001:db8::1")!])
        // A trailing dot, ASCII case: the same name.
        #expect(Set(try await resolver.lookupHost("HOST.nk.test.")) == Set(hosts))
        #expect(try await resolver.lookupHost("mixed.case.NK.test") == ["192.0.2.3"])
    }

    @Test func ipNetworksAskOnlyForTheirFamily() async throws {
        let server = try dnsmasq()
        let resolver = server.resolver()
        #expect(try await resolver.lookupIP(network: "ip4", host: "host.nk.test") == [IP(192, 0, 2, 1)])
        #expect(try await resolver.lookupIP(network: "ip6", host: "host.nk.test") == [IP("2001:db8::1")!])
        #expect(try await resolver.lookupNetIP(network: "ip", host: "v4only.nk.test") == [IP(192, 0, 2, 2)])
        #expect(try await resolver.lookupNetIP(network: "ip", host: "v6only.nk.test") == [IP("2001:db8::2")!])
        // Only AAAA is asked: NODATA is "no such host", from the server.
        let error = await expectDNSError { _ = try await resolver.lookupIP(network: "ip6", host: "v4only.nk.test") }
        #expect(error?.description == "lookup v4only.nk.test on \(server.server): no such host")
        #expect(error?.isNotFound == true)
        await #expect(throws: UnknownNetworkError.self) {
            try await resolver.lookupIP(network: "tcp", host: "host.nk.test")
        }
    }

    @Test func cnameChainsAreFollowed() async throws {
        let resolver = try dnsmasq().resolver()
        #expect(try await resolver.lookupCNAME("alias2.nk.test") == "host.nk.test.")
        #expect(try await resolver.lookupCNAME("alias.nk.test") == "host.nk.test.")
        #expect(try await resolver.lookupCNAME("host.nk.test") == "host.nk.test.")
        #expect(Set(try await resolver.lookupHost("alias2.nk.test")) == ["192.0.2.1", "2001:db8::1"])
    }

    @Test func mxRecordsAreSortedByPreference() async throws {
        let resolver = try dnsmasq().resolver()
        var seenOrders = Set<[String]>()
        for _ in 0..<40 {
            let mx = try await withDNSWatchdog { try await resolver.lookupMX("nk.test") }
            #expect(mx.count == 3)
            #expect(mx.first == MX(host: "mail.nk.test.", pref: 10))
            #expect(mx.map(\.pref) == [10, 20, 20])
            #expect(Set(mx.dropFirst().map(\.host)) == ["mail2.nk.test.", "mail3.nk.test."])
            seenOrders.insert(mx.map(\.host))
        }
        // Equal preferences come in random order: both orders appear in 40 tries (fails with p = 2^-39).
        #expect(seenOrders.count == 2)
        #expect(try await resolver.lookupMX("nk.test").first?.description == "10 mail.nk.test.")
    }

    @Test func srvRecordsAreSortedByPriorityAndWeight() async throws {
        let resolver = try dnsmasq().resolver()
        let (cname, srvs) = try await withDNSWatchdog {
            try await resolver.lookupSRV(service: "sip", proto: "udp", name: "nk.test")
        }
        #expect(cname == "_sip._udp.nk.test.")
        #expect(srvs.count == 3)
        #expect(srvs.map(\.priority) == [10, 10, 20])
        #expect(Set(srvs.prefix(2).map(\.target)) == ["sip1.nk.test.", "sip2.nk.test."])
        #expect(srvs.last == SRV(target: "sip3.nk.test.", port: 5062, priority: 20, weight: 0))
        #expect(srvs.last?.description == "20 0 5062 sip3.nk.test.")
        // Empty service and proto: the name as it is.
        let (plainName, plain) = try await resolver.lookupSRV(service: "", proto: "", name: "plain-srv.nk.test")
        #expect(plainName == "plain-srv.nk.test.")
        #expect(plain == [SRV(target: "direct.nk.test.", port: 80, priority: 1, weight: 1)])
    }

    @Test func txtRecordsJoinTheirStrings() async throws {
        let resolver = try dnsmasq().resolver()
        #expect(try await resolver.lookupTXT("txt.nk.test") == ["v=spf1 -all"])
        #expect(try await resolver.lookupTXT("multi.nk.test") == ["firstsecond"])
        let long = try await resolver.lookupTXT("long.nk.test")
        #expect(long == [DNSMasq.longText])  // dnsmasq splits it into 255 + 45 bytes
    }

    @Test func nsAndPTRRecords() async throws {
        let resolver = try dnsmasq().resolver()
        #expect(Set(try await resolver.lookupNS("nk.test")) == [NS(host: "ns1.nk.test."), NS(host: "ns2.nk.test.")])
        #expect(try await resolver.lookupAddr("192.0.2.1") == ["host.nk.test."])
        #expect(try await resolver.lookupAddr("::ffff:192.0.2.1") == ["host.nk.test."])
        #expect(try await resolver.lookupAddr("2001:db8::1") == ["host.nk.test."])
        let error = await expectDNSError { _ = try await resolver.lookupAddr("192.0.2.77") }
        #expect(error?.isNotFound == true)
        #expect(error?.name == "77.2.0.192.in-addr.arpa.")  // Go names the PTR query's name
    }

    @Test func missingNamesAreNotFound() async throws {
        let server = try dnsmasq()
        let resolver = server.resolver()
        let host = await expectDNSError { _ = try await resolver.lookupHost("nope.nk.test") }
        #expect(host?.description == "lookup nope.nk.test on \(server.server): no such host")
        #expect(host?.isNotFound == true)
        #expect(host?.isTemporary == false)
        #expect(host?.isTimeout == false)
        let mx = await expectDNSError { _ = try await resolver.lookupMX("nope.nk.test") }
        #expect(mx?.description == "lookup nope.nk.test on \(server.server): no such host")
        // No MX at an existing name: NODATA, also "no such host".
        let nodata = await expectDNSError { _ = try await resolver.lookupMX("host.nk.test") }
        #expect(nodata?.isNotFound == true)
        // Not a domain name: rejected without a query.
        let bad = await expectDNSError { _ = try await resolver.lookupHost("bad..name") }
        #expect(bad?.description == "lookup bad..name: no such host")
    }

    @Test func refusedIsServerMisbehaving() async throws {
        let server = try dnsmasq()
        let resolver = server.resolver(attempts: 1)
        // dnsmasq has no upstream: outside nk.test it answers REFUSED.
        let error = await expectDNSError { _ = try await resolver.lookupTXT("elsewhere.example") }
        #expect(error?.description == "lookup elsewhere.example on \(server.server): server misbehaving")
        #expect(error?.isNotFound == false)
        #expect(error?.isTemporary == false)
    }

    @Test func truncatedAnswersAreRetriedOverTCP() async throws {
        let recorder = DialRecorder()
        let resolver = try dnsmasq().resolver(dial: recorder.hook)
        let ips = try await withDNSWatchdog { try await resolver.lookupIP(network: "ip4", host: "big.nk.test") }
        #expect(ips.count == DNSMasq.bigCount)
        #expect(Set(ips).count == DNSMasq.bigCount)
        #expect(recorder.networks == ["udp", "tcp"])
        #expect(recorder.allClosed)
    }

    @Test func useVCAsksOverTCPOnly() async throws {
        let recorder = DialRecorder()
        let resolver = try dnsmasq().resolver(useTCP: true, dial: recorder.hook)
        #expect(try await resolver.lookupMX("nk.test").count == 3)
        #expect(recorder.networks == ["tcp"])
        #expect(recorder.allClosed)
    }

    @Test func parallelAddressQueriesUseFreshSockets() async throws {
        let recorder = DialRecorder()
        let resolver = try dnsmasq().resolver(dial: recorder.hook)
        _ = try await resolver.lookupHost("host.nk.test")
        #expect(recorder.networks == ["udp", "udp"])  // A and AAAA, one socket each
        #expect(recorder.allClosed)
    }

    @Test func searchDomainsComplete_shortNames() async throws {
        let server = try dnsmasq()
        var resolver = server.resolver(search: ["nk.test."])
        #expect(try await resolver.lookupHost("v4only") == ["192.0.2.2"])
        #expect(try await resolver.lookupCNAME("alias") == "host.nk.test.")
        // The error names the name asked for, not the last suffixed one.
        let searching = resolver
        let error = await expectDNSError { _ = try await searching.lookupHost("nope") }
        #expect(error?.name == "nope")
        // With ndots 0 a bare name is tried as it is first (a TLD "v4only." does not exist) and then with the
        // search domain.
        resolver.config?.ndots = 0
        #expect(try await resolver.lookupHost("v4only") == ["192.0.2.2"])
    }

    @Test func serversAreTriedInOrder() async throws {
        let server = try dnsmasq()
        let closed = try freeLoopbackPort()  // nothing listens: ECONNREFUSED at once
        let recorder = DialRecorder()
        let resolver = Resolver(
            dial: recorder.hook,
            config: DNSConfig(servers: ["127.0.0.1:\(closed)", server.server], timeout: .seconds(2) * timingSlack),
            hostsPath: "")
        #expect(try await resolver.lookupTXT("txt.nk.test") == ["v=spf1 -all"])
        #expect(recorder.addresses == ["127.0.0.1:\(closed)", server.server])
        #expect(recorder.allClosed)

        // The last error names the server that failed.
        let dead = Resolver(
            config: DNSConfig(servers: ["127.0.0.1:\(closed)"], timeout: .seconds(2) * timingSlack, attempts: 2),
            hostsPath: "")
        let error = await expectDNSError { _ = try await dead.lookupTXT("txt.nk.test") }
        #expect(error?.server == "127.0.0.1:\(closed)")
        #expect(error?.isTemporary == true)
        #expect(error?.err.hasSuffix("connection refused") == true, "\(String(describing: error))")
        #expect(error?.unwrapped is OpError)
    }

    @Test func rotateSpreadsQueriesOverTheServers() async throws {
        let server = try dnsmasq()
        let recorder = DialRecorder()
        // Two names for the one server, to tell which was asked.
        let other = "[::ffff:127.0.0.1]:\(server.port)"
        var config = DNSConfig(servers: [server.server, other], timeout: .seconds(2) * timingSlack)
        config.rotate = true
        let resolver = Resolver(dial: recorder.hook, config: config, hostsPath: "")
        for _ in 0..<4 {
            _ = try await resolver.lookupTXT("txt.nk.test")
        }
        #expect(recorder.addresses.count == 4)
        #expect(recorder.allClosed)
        // Each query starts with the next server.
        #expect(recorder.addresses == [server.server, other, server.server, other])
    }

    @Test func hostsFileComesFirst() async throws {
        let server = try dnsmasq()
        let directory = try makeTemporaryDirectory()
        let path = directory + "/hosts"
        try writeFile(path, "# test hosts\n192.0.2.99 host.nk.test Alias-Host # comment\n2001:db8::99 host.nk.test\n")
        defer {
            unlink(path)
            rmdir(directory)
        }
        var resolver = server.resolver()
        resolver.hostsPath = path
        #expect(try await resolver.lookupHost("host.nk.test") == ["192.0.2.99", "2001:db8::99"])
        #expect(try await resolver.lookupHost("alias-host") == ["192.0.2.99"])
        #expect(try await resolver.lookupCNAME("alias-host") == "host.nk.test.")
        #expect(try await resolver.lookupAddr("192.0.2.99") == ["host.nk.test.", "Alias-Host"])
        // Other names still go to DNS.
        #expect(try await resolver.lookupHost("v4only.nk.test") == ["192.0.2.2"])
    }

    @Test func dialResolvesThroughTheDialersResolver() async throws {
        let server = try dnsmasq()
        let listener = try await listen("tcp", "127.0.0.1:0")
        defer { try? listener.close() }
        let port = (listener.addr as? TCPAddr)?.port ?? 0
        let acceptTask = Task { try await listener.accept() }
        let dialer = Dialer(timeout: .seconds(5) * timingSlack, resolver: server.resolver())
        let conn = try await withDNSWatchdog { try await dialer.dial("tcp", "local.nk.test:\(port)") }
        let accepted = try await acceptTask.value
        #expect((conn.remoteAddr as? TCPAddr)?.ip == IP(127, 0, 0, 1))
        try conn.close()
        try accepted.close()

        let error = await #expect(throws: OpError.self) {
            try await withDNSWatchdog { try await dialer.dial("tcp", "nope.nk.test:80") }
        }
        #expect(error?.description == "dial tcp: lookup nope.nk.test on \(server.server): no such host")
    }

    @Test func manyConcurrentLookups() async throws {
        let resolver = try dnsmasq().resolver()
        let results = try await withDNSWatchdog {
            try await withThrowingTaskGroup(of: [String].self) { group in
                for _ in 0..<50 {
                    group.addTask { try await resolver.lookupHost("host.nk.test") }
                }
                var all: [[String]] = []
                for try await result in group { all.append(result) }
                return all
            }
        }
        #expect(results.count == 50)
        #expect(results.allSatisfy { Set($0) == ["192.0.2.1", "2001:db8::1"] })
    }
}
