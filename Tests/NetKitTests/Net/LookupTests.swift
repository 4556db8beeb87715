import Glibc
import Synchronization
import Testing

@testable import NetKit

// Name resolution and the blocking pool under it. Hermetic: names are answered by /etc/hosts (tests that need
// a mapping are disabled when the machine's file lacks it), IP literals never reach the resolver, and the one
// test that may reach DNS (a name under the reserved ".invalid" TLD) has a short deadline and accepts any of
// Go's failure kinds.

// MARK: - Support

/// The limit of a watchdog: no test here should wait anywhere near this long.
private let watchdogLimit: Duration = .seconds(10) * timingSlack

private struct WatchdogExpired: Error, CustomStringConvertible {
    var description: String { "watchdog: the operation did not finish in time" }
}

private enum WatchdogOutcome<T: Sendable>: Sendable {
    case value(T)
    case expired
}

/// Runs `body`, failing with `WatchdogExpired` (and cancelling it) if it takes longer than `limit`.
private func withWatchdog<T: Sendable>(
    _ limit: Duration = watchdogLimit, _ body: @escaping @Sendable () async throws -> T
) async throws -> T {
    try await withThrowingTaskGroup(of: WatchdogOutcome<T>.self) { group in
        group.addTask { .value(try await body()) }
        group.addTask {
            try await Task.sleep(for: limit)
            return .expired
        }
        defer { group.cancelAll() }
        guard case .value(let value)? = try await group.next() else { throw WatchdogExpired() }
        return value
    }
}

/// Waits (bounded by the watchdog limit) until `condition` holds.
private func waitUntil(_ condition: () -> Bool) async throws {
    let end = ContinuousClock.now + watchdogLimit
    while !condition() {
        guard ContinuousClock.now < end else { throw WatchdogExpired() }
        try await Task.sleep(for: .milliseconds(1))
    }
}

/// A flag and a counter jobs can share with the test.
private final class Probe: Sendable {
    let started = Atomic<Bool>(false)
    let count = Atomic<Int>(0)

    var hasStarted: Bool { started.load(ordering: .sequentiallyConsistent) }
    func start() { started.store(true, ordering: .sequentiallyConsistent) }
}

/// What a pool job saw of its thread.
private struct ThreadReport: Sendable {
    var thread: pthread_t
    var isPoolThread: Bool
    var name: String?
}

/// The calling thread's name, from /proc (nil if unreadable).
private func currentThreadName() -> String? {
    guard let bytes = readFile("/proc/thread-self/comm", limit: 64) else { return nil }
    return String(decoding: bytes.prefix { $0 != UInt8(ascii: "\n") }, as: UTF8.self)
}

/// The contents of a small file, nil if it cannot be read. Reads at most `limit` bytes.
private func readFile(_ path: String, limit: Int) -> [UInt8]? {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var contents: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 4096)
    while contents.count < limit {
        let n = read(fd, &chunk, chunk.count)
        if n < 0 && errno == EINTR { continue }
        guard n > 0 else { break }
        contents += chunk[..<n]
    }
    return contents
}

/// The machine's /etc/hosts, as (address, names) lines in file order.
private enum HostsFile {
    static let lines: [(address: String, names: [String])] = {
        guard let bytes = readFile("/etc/hosts", limit: 1 << 20) else { return [] }
        var result: [(String, [String])] = []
        for line in bytes.split(separator: UInt8(ascii: "\n")) {
            let text = line.prefix { $0 != UInt8(ascii: "#") }
            let fields = text.split { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }.map {
                String(decoding: $0, as: UTF8.self)
            }
            if fields.count >= 2 {
                result.append((fields[0], Array(fields[1...])))
            }
        }
        return result
    }()

    /// The addresses /etc/hosts gives "localhost".
    static var localhostAddresses: Set<IP> {
        Set(lines.filter { $0.names.contains("localhost") }.compactMap { IP($0.address) })
    }

    /// The names /etc/hosts gives 127.0.0.1.
    static var namesOf127: [String] {
        lines.filter { IP($0.address) == IP(127, 0, 0, 1) }.flatMap(\.names)
    }

    static var mapsLocalhost: Bool { !localhostAddresses.isEmpty }
    static var maps127: Bool { !namesOf127.isEmpty }
}

// MARK: - Blocking pool

@Suite struct BlockingPoolTests {
    @Test func runsTheJobOnAPoolThreadNotTheCallers() async throws {
        let caller = pthread_self()
        let report = try await withWatchdog {
            try await runBlocking(deadline: nil) {
                ThreadReport(
                    thread: pthread_self(), isPoolThread: BlockingPool.shared.isPoolThread,
                    name: currentThreadName())
            }
        }
        #expect(pthread_equal(report.thread, caller) == 0)
        #expect(report.isPoolThread, "the job must run on a thread the pool created, not a cooperative one")
        if let name = report.name {
            #expect(name == "netkit-blocking")
        }
        #expect(!BlockingPool.shared.isPoolThread, "the test itself runs on a cooperative thread")
    }

    @Test func concurrentJobsRunInParallel() async throws {
        // Every job waits (bounded) until all have started: run one after another, they would time out.
        let jobs = 6
        let probe = Probe()
        let met = try await withWatchdog {
            try await withThrowingTaskGroup(of: Bool.self) { group in
                for _ in 0..<jobs {
                    group.addTask {
                        try await runBlocking(deadline: nil) {
                            probe.count.add(1, ordering: .sequentiallyConsistent)
                            for _ in 0..<2000 {  // at most 2 s
                                if probe.count.load(ordering: .sequentiallyConsistent) >= jobs { return true }
                                usleep(1000)
                            }
                            return false
                        }
                    }
                }
                return try await group.reduce(true) { $0 && $1 }
            }
        }
        #expect(met, "\(jobs) jobs did not all run at once")
    }

    @Test func cancellingAWaitingTaskResumesItAtOnce() async throws {
        let probe = Probe()
        let task = Task {
            try await runBlocking(deadline: nil) {
                probe.start()
                usleep(2_000_000)  // a resolver call that hangs
                return 42
            }
        }
        try await waitUntil { probe.hasStarted }
        let cancelledAt = ContinuousClock.now
        task.cancel()
        let result = try await withWatchdog { await task.result }
        let elapsed = ContinuousClock.now - cancelledAt
        #expect(throws: CancellationError.self) { try result.get() }
        #expect(elapsed < upperBound(.milliseconds(500)), "cancellation took \(elapsed)")
    }

    @Test func alreadyCancelledTaskDoesNotRunTheJob() async throws {
        let probe = Probe()
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await runBlocking(deadline: nil) {
                probe.start()
                return 1
            }
        }
        let result = try await withWatchdog { await task.result }
        #expect(throws: CancellationError.self) { try result.get() }
        try await Task.sleep(for: .milliseconds(20))
        #expect(!probe.hasStarted)
    }

    @Test func deadlineResumesTheCallerWhileTheJobRuns() async throws {
        let start = ContinuousClock.now
        await #expect(throws: BlockingTimeout.self) {
            try await withWatchdog {
                try await runBlocking(deadline: start + .milliseconds(100)) {
                    usleep(2_000_000)
                    return 1
                }
            }
        }
        let elapsed = ContinuousClock.now - start
        #expect(elapsed >= .milliseconds(100))
        #expect(elapsed < upperBound(.milliseconds(1000)), "the deadline fired after \(elapsed)")
    }

    @Test func pastDeadlineFailsAtOnceWithoutRunningTheJob() async throws {
        let probe = Probe()
        let start = ContinuousClock.now
        await #expect(throws: BlockingTimeout.self) {
            try await withWatchdog {
                try await runBlocking(deadline: start - .seconds(1)) {
                    probe.start()
                    return 1
                }
            }
        }
        #expect(ContinuousClock.now - start < upperBound(.seconds(5)))
        try await Task.sleep(for: .milliseconds(20))
        #expect(!probe.hasStarted)
    }

    @Test func jobFinishingFirstWinsOverTheDeadline() async throws {
        let value = try await withWatchdog {
            try await runBlocking(deadline: .now + .seconds(5)) { 7 }
        }
        #expect(value == 7)
    }

    @Test func aFullPoolQueuesJobsAndIdleThreadsEnd() async throws {
        let pool = BlockingPool(maxThreads: 1, idleTimeout: .milliseconds(100))
        let probe = Probe()
        let results = try await withWatchdog {
            try await withThrowingTaskGroup(of: Int.self) { group in
                for i in 0..<4 {
                    group.addTask {
                        try await pool.runBlocking(deadline: nil) {
                            probe.count.add(1, ordering: .sequentiallyConsistent)
                            usleep(5000)
                            return i
                        }
                    }
                }
                return try await group.reduce(into: Set<Int>()) { $0.insert($1) }
            }
        }
        #expect(results == [0, 1, 2, 3])
        #expect(probe.count.load(ordering: .sequentiallyConsistent) == 4)
        #expect(pool.threadCount <= 1)
        try await waitUntil { pool.threadCount == 0 }
        // A retired pool starts a thread again on demand.
        let again = try await withWatchdog { try await pool.runBlocking(deadline: nil) { 5 } }
        #expect(again == 5)
    }

    /// Races the job's end against the deadline and cancellation: every call resumes exactly once (a second
    /// resume of a checked continuation traps). NETKIT_STRESS=1 runs 50 times more.
    @Test func outcomesRaceSafely() async throws {
        let rounds = getenv("NETKIT_STRESS") != nil ? 10_000 : 200
        let outcomes = try await withWatchdog(.seconds(60)) {
            try await withThrowingTaskGroup(of: Int.self) { group in
                for i in 0..<rounds {
                    group.addTask {
                        let task = Task {
                            try await runBlocking(deadline: .now + .microseconds(Int64(i % 7) * 300)) {
                                usleep(UInt32(i % 5) * 300)
                                return 1
                            }
                        }
                        if i % 3 == 0 { task.cancel() }
                        switch await task.result {
                        case .success: return 0
                        case .failure(is BlockingTimeout): return 1
                        case .failure(is CancellationError): return 2
                        case .failure(let error): throw error
                        }
                    }
                }
                return try await group.reduce(into: [0, 0, 0]) { $0[$1] += 1 }
            }
        }
        #expect(outcomes.reduce(0, +) == rounds)
    }
}

// MARK: - Resolver

@Suite struct LookupTests {
    // MARK: IP literals and empty names

    @Test(arguments: ["127.0.0.1", "::1", "fe80::1%eth0", "fe80::1%12345", "::ffff:10.1.2.3", "2001:db8::1"])
    func literalsBypassTheResolver(literal: String) async throws {
        // A deadline already past would fail any call that reached the resolver.
        let past = ContinuousClock.now - .seconds(1)
        #expect(try await lookupHost(literal, deadline: past) == [literal])
        let ips = try await lookupIP(literal, deadline: past)
        #expect(ips == [IP(literal)!])
        #expect(ips.first?.zone == IP(literal)!.zone)
        #expect(try await lookupNetIP(network: "ip", host: literal, deadline: past) == [IP(literal)!])
        #expect(try await lookupIPAddresses(host: literal, family: AF_UNSPEC, deadline: past) == [IP(literal)!])
    }

    @Test func literalsAreFilteredByFamily() async throws {
        #expect(try await lookupNetIP(network: "ip4", host: "10.0.0.1") == [IP(10, 0, 0, 1)])
        #expect(try await lookupNetIP(network: "ip6", host: "fe80::1%eth0") == [IP("fe80::1%eth0")!])
        // Go counts an IPv4-mapped address as IPv4 (net.IP.To4), and keeps it as it is.
        #expect(try await lookupNetIP(network: "ip4", host: "::ffff:10.0.0.1") == [IP("::ffff:10.0.0.1")!])
        let cases: [(network: String, host: String)] = [
            ("ip4", "::1"), ("ip6", "127.0.0.1"), ("ip6", "::ffff:10.0.0.1"), ("ip4:icmp", "::1"),
        ]
        for (network, host) in cases {
            let error = await #expect(throws: AddrError.self) {
                try await lookupNetIP(network: network, host: host)
            }
            #expect(error?.description == "address \(host): no suitable address found")
        }
        await #expect(throws: AddrError.self) {
            try await lookupIPAddresses(host: "::1", family: AF_INET, deadline: nil)
        }
    }

    @Test func emptyHostIsNotFound() async throws {
        let calls: [(String, @Sendable () async throws -> Void)] = [
            ("lookupHost", { _ = try await lookupHost("") }),
            ("lookupIP", { _ = try await lookupIP("") }),
            ("lookupNetIP", { _ = try await lookupNetIP(network: "ip4", host: "") }),
            ("lookupCNAME", { _ = try await lookupCNAME("") }),
            ("lookupIPAddresses", { _ = try await lookupIPAddresses(host: "", family: AF_UNSPEC, deadline: nil) }),
        ]
        for (name, call) in calls {
            let error = await #expect(throws: DNSError.self, "\(name)") { try await call() }
            #expect(error?.description == "lookup : no such host", "\(name)")
            #expect(error?.isNotFound == true, "\(name)")
            #expect(error?.isTimeout == false, "\(name)")
        }
    }

    @Test func nulInAHostNameIsRejected() async throws {
        // The built-in resolver: not a domain name, so no such host (Go's pure resolver).
        let error = await #expect(throws: DNSError.self) {
            try await withWatchdog { try await lookupHost("local\0host") }
        }
        #expect(error?.err == "no such host")
        #expect(error?.name == "local\0host")
        // The C library's: getaddrinfo is never called with it.
        let system = await #expect(throws: DNSError.self) {
            try await withWatchdog { try await Resolver(preferGo: false).lookupHost("local\0host") }
        }
        #expect(system?.err == "invalid argument")
    }

    @Test func networksOtherThanIPAreRejected() async throws {
        for network in ["tcp", "udp4", "unix", "", "ip5", "ipv4", "tcp:6"] {
            let error = await #expect(throws: UnknownNetworkError.self) {
                try await lookupNetIP(network: network, host: "127.0.0.1")
            }
            #expect(error?.description == "unknown network \(network)")
        }
        // A protocol suffix is accepted (and ignored) when Go knows the protocol.
        for network in ["ip:1", "ip4:icmp", "ip:IPv6-ICMP", "ip4:17"] {
            #expect(try await lookupNetIP(network: network, host: "127.0.0.1") == [IP(127, 0, 0, 1)])
        }
        let error = await #expect(throws: AddrError.self) {
            try await lookupNetIP(network: "ip4:nope", host: "127.0.0.1")
        }
        #expect(error?.description == "address nope: unknown IP protocol specified")
    }

    // MARK: /etc/hosts

    @Test(.enabled(if: HostsFile.mapsLocalhost, "/etc/hosts does not map localhost"))
    func localhostResolvesFromHostsFile() async throws {
        let expected = HostsFile.localhostAddresses
        let ips = try await withWatchdog { try await lookupIP("localhost", deadline: .now + .seconds(5)) }
        #expect(expected.isSubset(of: Set(ips)), "hosts says \(expected), the resolver \(ips)")
        #expect(ips.allSatisfy { $0.isLoopback }, "\(ips)")
        #expect(Set(ips).count == ips.count, "duplicates in \(ips)")

        let hosts = try await withWatchdog { try await lookupHost("localhost") }
        #expect(hosts == ips.map(\.netDescription))

        let v4 = expected.filter(\.is4)
        if !v4.isEmpty {
            let ip4 = try await withWatchdog { try await lookupNetIP(network: "ip4", host: "localhost") }
            #expect(v4.isSubset(of: Set(ip4)))
            #expect(ip4.allSatisfy { $0.is4 })
            let core = try await withWatchdog {
                try await lookupIPAddresses(host: "localhost", family: AF_INET, deadline: .now + .seconds(5))
            }
            #expect(core == ip4)
        }
        if expected.contains(IP.ipv6Loopback) {
            let ip6 = try await withWatchdog { try await lookupNetIP(network: "ip6", host: "localhost") }
            #expect(ip6.contains(.ipv6Loopback))
            #expect(ip6.allSatisfy { $0.is6 && !$0.is4In6 })
        } else {
            // getaddrinfo maps the IPv4 entries (AI_V4MAPPED) and Go's ip6 filter drops them again.
            let error = await #expect(throws: (any Error).self) {
                try await withWatchdog { try await lookupNetIP(network: "ip6", host: "localhost") }
            }
            let noSuitableAddress = (error as? AddrError)?.description == "address localhost: no suitable address found"
            let notFound = (error as? DNSError)?.isNotFound == true
            #expect(noSuitableAddress || notFound, "\(String(describing: error))")
        }
    }

    @Test(.enabled(if: HostsFile.mapsLocalhost, "/etc/hosts does not map localhost"))
    func canonicalNameOfLocalhostEndsWithADot() async throws {
        let candidates = HostsFile.lines.filter { $0.names.contains("localhost") }.flatMap(\.names)
        // The C library's resolver appends the dot.
        let cname = try await withWatchdog { try await Resolver(preferGo: false).lookupCNAME("localhost") }
        #expect(candidates.map { $0.hasSuffix(".") ? $0 : $0 + "." }.contains(cname), "\(cname)")
        // The built-in one answers from /etc/hosts as Go does: the first name of the line, a single label as
        // it is.
        let builtIn = try await withWatchdog { try await lookupCNAME("localhost") }
        #expect(candidates.map(absoluteDomainName).contains(builtIn), "\(builtIn)")
    }

    @Test func canonicalNameOfALiteralIsNotADomainName() async throws {
        // The built-in resolver: an IP literal is not a domain name to look up.
        let error = await #expect(throws: DNSError.self) { try await lookupCNAME("127.0.0.1") }
        #expect(error?.description == "lookup 127.0.0.1: no such host")
        // The C library's resolver answers with the literal, which is not a valid canonical name.
        let system = await #expect(throws: DNSError.self) {
            try await Resolver(preferGo: false).lookupCNAME("127.0.0.1")
        }
        #expect(system?.description == "lookup 127.0.0.1: DNS response contained records which contain invalid names")
    }

    @Test(.enabled(if: HostsFile.maps127, "/etc/hosts has no name for 127.0.0.1"))
    func reverseLookupOfLoopbackFromHostsFile() async throws {
        let system = Resolver(preferGo: false)
        let names = try await withWatchdog { try await system.lookupAddr("127.0.0.1", deadline: .now + .seconds(5)) }
        let expected = HostsFile.namesOf127.map(absoluteDomainName)
        #expect(names.count == 1)
        #expect(names.allSatisfy { expected.contains($0) }, "hosts has \(expected), the resolver said \(names)")
        if HostsFile.namesOf127.first == "localhost" {
            #expect(names == ["localhost"])
        }
        // Go's cgoSockaddr sends an IPv4-mapped address as IPv4.
        #expect(try await withWatchdog { try await system.lookupAddr("::ffff:127.0.0.1") } == names)
        // The built-in resolver returns every name the hosts file gives the address, as Go's does.
        let all = try await withWatchdog { try await lookupAddr("127.0.0.1", deadline: .now + .seconds(5)) }
        #expect(all == expected)
        #expect(try await withWatchdog { try await lookupAddr("::ffff:127.0.0.1") } == expected)
    }

    @Test(arguments: ["", "localhost", "127.0.0.256", "1.2.3.4%eth0", "[::1]"])
    func reverseLookupOfANonAddress(addr: String) async throws {
        // The built-in resolver: Go's reverseaddr text.
        let error = await #expect(throws: DNSError.self) { try await lookupAddr(addr) }
        #expect(error?.description == "lookup \(addr): unrecognized address")
        #expect(error?.isNotFound == false)
        // The C library's: Go's cgoLookupPTR text.
        let system = await #expect(throws: DNSError.self) { try await Resolver(preferGo: false).lookupAddr(addr) }
        #expect(system?.description == "lookup \(addr): invalid address")
    }

    @Test func reverseLookupWithAPastDeadlineTimesOut() async throws {
        let error = await #expect(throws: DNSError.self) {
            try await lookupAddr("127.0.0.1", deadline: .now - .seconds(1))
        }
        #expect(error?.description == "lookup 127.0.0.1: i/o timeout")
        #expect(error?.isTimeout == true)
        #expect(error?.isTemporary == false)  // Go's doBlockingWithCtx sets IsTimeout only
    }

    @Test func pastDeadlineFailsAtOnce() async throws {
        let start = ContinuousClock.now
        let error = await #expect(throws: DNSError.self) {
            try await withWatchdog { try await lookupHost("localhost", deadline: start - .milliseconds(1)) }
        }
        #expect(ContinuousClock.now - start < upperBound(.seconds(5)))
        #expect(error?.description == "lookup localhost: i/o timeout")
        #expect(error?.isTimeout == true)
        #expect(error?.isTemporary == true)  // Go's errTimeout is temporary too
        #expect(error?.isNotFound == false)
    }

    @Test func cancelledLookupThrowsCancellationError() async throws {
        let task = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return try await lookupHost("localhost")
        }
        let result = try await withWatchdog { await task.result }
        #expect(throws: CancellationError.self) { try result.get() }
    }

    @Test func resolverTimeoutBecomesADNSError() async throws {
        let start = ContinuousClock.now
        let error = await #expect(throws: DNSError.self) {
            try await withWatchdog {
                try await resolveOnPool(name: "slow.example", deadline: start + .milliseconds(100), timeoutIsTemporary: true) {
                    usleep(2_000_000)
                    return Result<Int, DNSError>.success(1)
                }
            }
        }
        #expect(error == DNSError(err: "i/o timeout", name: "slow.example", isTimeout: true, isTemporary: true))
        #expect(ContinuousClock.now - start < upperBound(.milliseconds(1000)))
    }

    /// The one lookup that may leave the machine: ".invalid" never exists (RFC 6761), so the answer is "no such
    /// host" from a working DNS server, a temporary failure without one, or the deadline.
    @Test func invalidTopLevelDomainFailsQuickly() async throws {
        let deadline = ContinuousClock.now + .milliseconds(1500)
        let error = await #expect(throws: DNSError.self) {
            try await withWatchdog { try await lookupHost("netkit-lookup-test.invalid", deadline: deadline) }
        }
        #expect(ContinuousClock.now < deadline + upperBound(.milliseconds(500)), "the deadline was not honoured")
        guard let error else { return }
        #expect(error.name == "netkit-lookup-test.invalid")
        #expect(error.isNotFound || error.isTimeout || error.isTemporary, "\(error)")
        if error.isNotFound {
            #expect(error.err == "no such host")  // " on <server>" from the built-in resolver
        }
        if error.isTimeout {
            #expect(error.description == "lookup netkit-lookup-test.invalid: i/o timeout")
        }
    }

    // MARK: Ports

    @Test(arguments: [
        ("tcp", "http", 80), ("tcp", "HTTP", 80), ("udp", "domain", 53), ("tcp", "80", 80), ("tcp", "+80", 80),
        ("", "http", 80), ("ip", "domain", 53), ("udp6", "", 0), ("tcp", "65535", 65535),
    ])
    func lookupPortFindsServices(network: String, service: String, port: Int) async throws {
        #expect(try await lookupPort(network: network, service: service) == port)
    }

    @Test func lookupPortErrorsReadAsGos() async throws {
        let unknown = await #expect(throws: DNSError.self) {
            try await lookupPort(network: "tcp", service: "netkit-no-such-service")
        }
        #expect(unknown?.description == "lookup tcp/netkit-no-such-service: unknown port")
        #expect(unknown?.isNotFound == true)

        let range = await #expect(throws: AddrError.self) { try await lookupPort(network: "tcp", service: "65536") }
        #expect(range?.description == "address 65536: invalid port")

        let network = await #expect(throws: AddrError.self) { try await lookupPort(network: "sctp", service: "http") }
        #expect(network?.description == "address sctp: unknown network")
    }

    // MARK: Pieces

    @Test func resolverFailuresMapAsGoMapsThem() {
        let noName = SystemResolver.error(EAI_NONAME, errno: 0, name: "h")
        #expect(noName == DNSError(err: "no such host", name: "h", isNotFound: true))
        #expect(SystemResolver.error(SystemResolver.eaiNoData, errno: 0, name: "h") == noName)

        let again = SystemResolver.error(EAI_AGAIN, errno: 0, name: "h")
        #expect(again.description == "lookup h: Temporary failure in name resolution")
        #expect(again.isTemporary && !again.isTimeout && !again.isNotFound)

        let fail = SystemResolver.error(EAI_FAIL, errno: 0, name: "h")
        #expect(fail.description == "lookup h: Non-recoverable failure in name resolution")
        #expect(!fail.isTemporary)

        // EAI_SYSTEM without errno is reported as EMFILE (golang.org/issue/6232).
        let system = SystemResolver.error(EAI_SYSTEM, errno: 0, name: "h")
        #expect(system.description == "lookup h: too many open files")
        #expect(system.isTemporary)
        let timedOut = SystemResolver.error(EAI_SYSTEM, errno: ETIMEDOUT, name: "h")
        #expect(timedOut.isTimeout && timedOut.isTemporary)
    }

    @Test func zonesConvertBothWays() {
        #expect(SystemResolver.zoneName(index: 0) == "")
        #expect(SystemResolver.zoneName(index: 987_654) == "987654")
        #expect(SystemResolver.zoneIndex(name: "") == 0)
        #expect(SystemResolver.zoneIndex(name: "987654") == 987_654)
        #expect(SystemResolver.zoneIndex(name: "netkit-no-such-if") == 0)
        let lo = if_nametoindex("lo")
        if lo != 0 {
            #expect(SystemResolver.zoneName(index: lo) == "lo")
            #expect(SystemResolver.zoneIndex(name: "lo") == lo)
        }
    }

    @Test func socketAddressesForReverseLookups() {
        #expect(SystemResolver.socketAddress(of: IP(127, 0, 0, 1)) == .ipv4(127, 0, 0, 1, port: 0))
        #expect(SystemResolver.socketAddress(of: IP("::ffff:127.0.0.1")!) == .ipv4(127, 0, 0, 1, port: 0))
        let scoped = SystemResolver.socketAddress(of: IP("fe80::1%42")!)
        #expect(scoped.ipv6?.sin6_scope_id == 42)
        #expect(scoped == .ipv6(bytes: IP("fe80::1")!.bytes, port: 0, scopeID: 42))
    }

    // src/net/dnsname_test.go dnsNameTests and emitDNSNameTest.
    static let domainNameTests: [(String, Bool)] = {
        let char63 = String(repeating: "a", count: 63)
        let longDomain = String(repeating: char63 + ".", count: 5) + "example"
        return [
            // RFC 2181, section 11.
            ("_xmpp-server._tcp.google.com", true),
            ("foo.com", true),
            ("1foo.com", true),
            ("26.0.0.73.com", true),
            ("10-0-0-1", true),
            ("fo-o.com", true),
            ("fo1o.com", true),
            ("foo1.com", true),
            ("a.b..com", false),
            ("a.b-.com", false),
            ("a.b.com-", false),
            ("a.b..", false),
            ("b.com.", true),
            (char63 + ".com", true),
            (char63 + "a.com", false),
            // 253 is fine; a terminal dot doesn't contribute to length; 254 is bad.
            (String(longDomain.suffix(253)), true),
            (String(longDomain.suffix(253)) + ".", true),
            (String(longDomain.suffix(254)), false),
            // More: the root, numeric names, empty, non-ASCII.
            (".", true),
            ("", false),
            ("127.0.0.1.", false),
            ("localhost.", true),
            ("-a.com", false),  // a dash may not follow a dot or start the name
            ("a.-b.com", false),
            ("ex ample.com", false),
            ("exämple.com", false),
        ]
    }()

    @Test(arguments: domainNameTests)
    func domainNames(name: String, valid: Bool) {
        #expect(isDomainName(name) == valid)
    }

    @Test(arguments: [
        ("localhost", "localhost"), ("example.com", "example.com."), ("example.com.", "example.com."), ("", ""),
    ])
    func absoluteDomainNames(name: String, absolute: String) {
        #expect(absoluteDomainName(name) == absolute)
    }
}
