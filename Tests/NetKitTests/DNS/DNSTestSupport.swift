import Glibc
import Synchronization
import Testing

@testable import NetKit

// Support for the resolver's tests: a real DNS server (dnsmasq) started per suite on a free loopback port,
// a scriptable fake name server, watchdogs, and a dial hook that checks every conn is closed.

// MARK: - Watchdogs

/// The limit of a watchdog: nothing here should wait anywhere near this long.
let dnsWatchdogLimit: Duration = .seconds(20) * timingSlack

struct DNSWatchdogExpired: Error, CustomStringConvertible {
    var description: String { "watchdog: the operation did not finish in time" }
}

/// Runs `body`, failing with `DNSWatchdogExpired` (and cancelling it) if it takes longer than `limit`.
func withDNSWatchdog<T: Sendable>(
    _ limit: Duration = dnsWatchdogLimit, _ body: @escaping @Sendable () async throws -> T
) async throws -> T {
    try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await body() }
        group.addTask {
            try await Task.sleep(for: limit)
            return nil
        }
        defer { group.cancelAll() }
        guard let first = try await group.next(), let value = first else { throw DNSWatchdogExpired() }
        return value
    }
}

/// Expects `body` to throw a `DNSError` and returns it (nil, with an issue recorded, otherwise).
func expectDNSError(
    _ body: @escaping @Sendable () async throws -> Void, sourceLocation: SourceLocation = #_sourceLocation
) async -> DNSError? {
    do {
        try await withDNSWatchdog { try await body() }
        Issue.record("expected a DNSError, got success", sourceLocation: sourceLocation)
    } catch let error as DNSError {
        return error
    } catch {
        Issue.record("expected a DNSError, got \(error)", sourceLocation: sourceLocation)
    }
    return nil
}

// MARK: - Conn accounting

/// A dial hook that dials like the resolver would and remembers every conn, so a test can check which
/// networks were used and that every conn was closed.
final class DialRecorder: Sendable {
    private let dialed = Mutex<[(network: String, address: String, conn: any Conn)]>([])

    /// The hook to put in `Resolver.dial`.
    var hook: @Sendable (String, String) async throws -> any Conn {
        { [self] network, address in
            let conn = try await Dialer().dial(network, address)
            dialed.withLock { $0.append((network, address, conn)) }
            return conn
        }
    }

    /// The networks dialed, in order.
    var networks: [String] { dialed.withLock { $0.map(\.network) } }
    /// The addresses dialed, in order.
    var addresses: [String] { dialed.withLock { $0.map(\.address) } }

    /// Whether every conn dialed has been closed (a second `close` throws `ClosedError`).
    var allClosed: Bool {
        dialed.withLock { entries in
            entries.allSatisfy { entry in
                do {
                    try entry.conn.close()
                    return false
                } catch {
                    return errorIs(error, ClosedError.self)
                }
            }
        }
    }
}

// MARK: - dnsmasq

/// A dnsmasq process serving the test zone `nk.test` on 127.0.0.1 (UDP and TCP), started on a free port and
/// stopped by PID. It runs under `timeout(1)` so that it cannot outlive a crashed test run by long.
final class DNSMasq: Sendable {
    /// The running server of the current suite (set by `DNSMasqSuite`).
    @TaskLocal static var current: DNSMasq?

    let pid: pid_t
    let port: Int
    let directory: String

    /// "127.0.0.1:port".
    var server: String { "127.0.0.1:\(port)" }

    /// dnsmasq's path, or nil if it is not installed.
    static let binary: String? = {
        for path in ["/usr/sbin/dnsmasq", "/usr/bin/dnsmasq", "/sbin/dnsmasq", "/usr/local/sbin/dnsmasq"]
        where access(path, X_OK) == 0 {
            return path
        }
        return nil
    }()

    static var isAvailable: Bool { binary != nil }

    /// Names in the zone, for the tests.
    static let longText = String(repeating: "0123456789", count: 30)  // 300 bytes: split into 255 + 45
    static let bigCount = 120  // A records of big.nk.test: too many for 1232 bytes of UDP

    /// The zone: A/AAAA, a CNAME chain, MX, SRV, TXT (short, multi-string, long), NS, PTR, many A records,
    /// and `local=` so that other names in nk.test are NXDOMAIN.
    static var configuration: String {
        var lines = [
            "local=/nk.test/",
            "local=/2.0.192.in-addr.arpa/",
            "host-record=host.nk.test,192.0.2.1,2001:db8::1",
            "host-record=v4only.nk.test,192.0.2.2",
            "host-record=v6only.nk.test,2001:db8::2",
            "host-record=local.nk.test,127.0.0.1",
            "host-record=Mixed.Case.nk.test,192.0.2.3",
            "cname=alias.nk.test,host.nk.test",
            "cname=alias2.nk.test,alias.nk.test",
            "mx-host=nk.test,mail.nk.test,10",
            "mx-host=nk.test,mail2.nk.test,20",
            "mx-host=nk.test,mail3.nk.test,20",
            "srv-host=_sip._udp.nk.test,sip1.nk.test,5060,10,60",
            "srv-host=_sip._udp.nk.test,sip2.nk.test,5061,10,40",
            "srv-host=_sip._udp.nk.test,sip3.nk.test,5062,20,0",
            "srv-host=plain-srv.nk.test,direct.nk.test,80,1,1",
            "txt-record=txt.nk.test,\"v=spf1 -all\"",
            "txt-record=multi.nk.test,\"first\",\"second\"",
            "txt-record=long.nk.test,\"\(longText)\"",
            "ptr-record=1.2.0.192.in-addr.arpa,host.nk.test",
            "ptr-record=1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa,host.nk.test",
            // NS records as raw RR data (dnsmasq has no ns-record outside auth mode): ns1.nk.test, ns2.nk.test.
            "dns-rr=nk.test,2,036e7331026e6b047465737400",
            "dns-rr=nk.test,2,036e7332026e6b047465737400",
        ]
        for i in 1...bigCount {
            lines.append("host-record=big.nk.test,10.0.\(i / 250).\(i % 250)")
        }
        return lines.joined(separator: "\n") + "\n"
    }

    private init(pid: pid_t, port: Int, directory: String) {
        self.pid = pid
        self.port = port
        self.directory = directory
    }

    /// A resolver that asks only this server, quickly.
    func resolver(
        timeout: Duration = .seconds(2), attempts: Int = 2, search: [String] = [], useTCP: Bool = false,
        dial: (@Sendable (String, String) async throws -> any Conn)? = nil
    ) -> Resolver {
        Resolver(
            dial: dial,
            config: DNSConfig(servers: [server], search: search, timeout: timeout * timingSlack, attempts: attempts, useTCP: useTCP),
            hostsPath: "")
    }

    /// Starts dnsmasq on a free port and waits (bounded) until it answers.
    static func start() async throws -> DNSMasq {
        guard let binary else { throw DNSMasqError(message: "dnsmasq is not installed") }
        var template = Array("/tmp/netkit-dnsmasq-XXXXXX".utf8CString)
        guard let made = mkdtemp(&template) else { throw DNSMasqError(message: "mkdtemp failed") }
        let directory = String(cString: made)
        let configPath = directory + "/dnsmasq.conf"
        try writeFile(configPath, configuration)
        var lastLog = ""
        for _ in 0..<8 {
            let port = try freeLoopbackPort()
            let logPath = directory + "/dnsmasq.log"
            let arguments = [
                "/usr/bin/timeout", "--signal=TERM", "900", binary, "--no-daemon", "--port=\(port)",
                "--listen-address=127.0.0.1", "--bind-interfaces", "--no-resolv", "--no-hosts",
                "--conf-file=\(configPath)", "--pid-file=\(directory)/dnsmasq.pid", "--user=root", "--log-facility=-",
            ]
            let pid = try spawn(arguments, log: logPath)
            let server = DNSMasq(pid: pid, port: port, directory: directory)
            if try await server.waitUntilAnswering() {
                return server
            }
            server.stop(removingDirectory: false)
            lastLog = String(decoding: readConfigFile(logPath, limit: 1 << 16) ?? [], as: UTF8.self)
        }
        throw DNSMasqError(message: "dnsmasq did not start: \(lastLog)")
    }

    /// Queries the server until it answers (true) or exits or the time is up (false).
    private func waitUntilAnswering() async throws -> Bool {
        let resolver = self.resolver(timeout: .milliseconds(200), attempts: 1)
        let end = ContinuousClock.now + .seconds(10) * timingSlack
        while ContinuousClock.now < end {
            var status: Int32 = 0
            if waitpid(pid, &status, WNOHANG) == pid { return false }
            if (try? await resolver.lookupHost("host.nk.test")) != nil { return true }
            try await Task.sleep(for: .milliseconds(50))
        }
        return false
    }

    /// dnsmasq's own PID (the child of `timeout`), from its pid file.
    private var serverPID: pid_t? {
        guard let bytes = readConfigFile(directory + "/dnsmasq.pid", limit: 64) else { return nil }
        return pid_t(String(decoding: bytes.prefix { $0 >= 48 && $0 <= 57 }, as: UTF8.self))
    }

    /// Stops the server: SIGTERM, a bounded wait, then SIGKILL (to dnsmasq too, which `timeout` cannot pass
    /// a SIGKILL on to).
    func stop(removingDirectory: Bool = true) {
        let serverPID = self.serverPID
        kill(pid, SIGTERM)
        var status: Int32 = 0
        var reaped = false
        for _ in 0..<500 {
            if waitpid(pid, &status, WNOHANG) == pid {
                reaped = true
                break
            }
            usleep(10_000)
        }
        if !reaped {
            if let serverPID, serverPID > 1 { kill(serverPID, SIGKILL) }
            kill(pid, SIGKILL)
            waitpid(pid, &status, 0)
        }
        if removingDirectory {
            unlink(directory + "/dnsmasq.pid")
            unlink(directory + "/dnsmasq.conf")
            unlink(directory + "/dnsmasq.log")
            rmdir(directory)
        }
    }
}

struct DNSMasqError: Error, CustomStringConvertible {
    var message: String
    var description: String { message }
}

/// Runs the suite it is attached to with a dnsmasq server in `DNSMasq.current`, stopped afterwards.
struct DNSMasqSuite: SuiteTrait, TestScoping {
    var isRecursive: Bool { false }

    func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        let server = try await DNSMasq.start()
        defer { server.stop() }
        try await DNSMasq.$current.withValue(server) {
            try await function()
        }
    }
}

extension Trait where Self == DNSMasqSuite {
    /// Starts dnsmasq for the suite.
    static var dnsmasq: DNSMasqSuite { DNSMasqSuite() }
}

/// The suite's server (fails the test if there is none).
func dnsmasq() throws -> DNSMasq {
    try #require(DNSMasq.current, "no dnsmasq server for this suite")
}

/// A port free for both UDP and TCP on 127.0.0.1 right now.
func freeLoopbackPort() throws -> Int {
    for _ in 0..<20 {
        let udp = try Socket(.inet, .datagram)
        defer { try? udp.close() }
        try udp.bind(.ipv4(127, 0, 0, 1, port: 0))
        guard let port = try udp.localAddress.ipv4.map({ Int(UInt16(bigEndian: $0.sin_port)) }) else { continue }
        let tcp = try Socket(.inet, .stream)
        defer { try? tcp.close() }
        if (try? tcp.bind(.ipv4(127, 0, 0, 1, port: UInt16(port)))) != nil {
            return port
        }
    }
    throw DNSMasqError(message: "no free port")
}

/// Starts `arguments[0]` with `arguments`, stdout and stderr to `log`.
func spawn(_ arguments: [String], log: String) throws -> pid_t {
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    posix_spawn_file_actions_adddup2(&actions, 1, 2)
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    // The child must not inherit the test runner's blocked or ignored signals, or SIGTERM would not stop it.
    var attributes = posix_spawnattr_t()
    posix_spawnattr_init(&attributes)
    defer { posix_spawnattr_destroy(&attributes) }
    var empty = sigset_t()
    sigemptyset(&empty)
    posix_spawnattr_setsigmask(&attributes, &empty)
    var defaults = sigset_t()
    sigemptyset(&defaults)
    for signal in [SIGTERM, SIGINT, SIGHUP, SIGPIPE, SIGCHLD, SIGUSR1, SIGUSR2] {
        sigaddset(&defaults, signal)
    }
    posix_spawnattr_setsigdefault(&attributes, &defaults)
    posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))
    let argv = arguments.map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    var pid: pid_t = 0
    let result = posix_spawn(&pid, arguments[0], &actions, &attributes, argv, environ)
    guard result == 0 else { throw DNSMasqError(message: "posix_spawn \(arguments[0]): \(result)") }
    return pid
}

/// Writes `text` to a new file at `path`.
func writeFile(_ path: String, _ text: String) throws {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard fd >= 0 else { throw DNSMasqError(message: "cannot create \(path)") }
    defer { close(fd) }
    let bytes = Array(text.utf8)
    var written = 0
    while written < bytes.count {
        let n = bytes[written...].withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        guard n > 0 else { throw DNSMasqError(message: "cannot write \(path)") }
        written += n
    }
}

/// A new empty temporary directory.
func makeTemporaryDirectory() throws -> String {
    var template = Array("/tmp/netkit-dns-XXXXXX".utf8CString)
    guard let made = mkdtemp(&template) else { throw DNSMasqError(message: "mkdtemp failed") }
    return String(cString: made)
}
