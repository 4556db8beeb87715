import Glibc
import Synchronization
import Testing
@testable import NetKit

// Test support for layer 4 (Net): watchdogs, loopback fixtures, descriptor tracking for NetKit's own sockets,
// error-taxonomy checks (reliability.md §42), CPU and memory probes, and the stress knob.

// MARK: - Watchdog

/// Runs `body` and fails (throws `WatchdogError`) if it does not finish within `seconds` (times `timingSlack`, so
/// longer under ThreadSanitizer) — the watchdog for every wait.
///
/// The body runs in its own task, and the watchdog does not wait for it once the time is up (it is cancelled and
/// left behind), so a body that ignores cancellation cannot hang the test run.
func withWatchdog<T: Sendable>(
    _ seconds: Double = 5, _ what: String = "operation",
    _ body: @escaping @Sendable () async throws -> T
) async throws -> T {
    let outcome = OnceBox<Result<T, any Error>>()
    let work = Task {
        do { outcome.put(.success(try await body())) } catch { outcome.put(.failure(error)) }
    }
    let timer = Task {
        try? await Task.sleep(for: .milliseconds(Int(seconds * 1000) * timingSlack))
        outcome.put(.failure(WatchdogError(what: what)))
    }
    let result = await withTaskCancellationHandler {
        await outcome.value()
    } onCancel: {
        work.cancel()
    }
    timer.cancel()
    if case .failure(let error) = result, error is WatchdogError { work.cancel() }
    return try result.get()
}

/// The watchdog fired.
struct WatchdogError: Error, CustomStringConvertible {
    var what: String
    var description: String { "watchdog: \(what) did not finish in time" }
}

/// A value set once (later puts are ignored) that tasks can wait for.
final class OnceBox<Value: Sendable>: Sendable {
    private let state = Mutex<(value: Value?, waiters: [CheckedContinuation<Value, Never>])>((nil, []))

    func put(_ value: Value) {
        let waiters: [CheckedContinuation<Value, Never>] = state.withLock { s in
            guard s.value == nil else { return [] }
            s.value = value
            defer { s.waiters.removeAll() }
            return s.waiters
        }
        for w in waiters { w.resume(returning: value) }
    }

    func value() async -> Value {
        await withCheckedContinuation { (c: CheckedContinuation<Value, Never>) in
            let now: Value? = state.withLock { s in
                if let v = s.value { return v }
                s.waiters.append(c)
                return nil
            }
            if let now { c.resume(returning: now) }
        }
    }

    var peek: Value? { state.withLock { $0.value } }
}

/// A counter tasks can share.
final class Counter: Sendable {
    private let atomic = Atomic<Int>(0)
    func increment() { atomic.add(1, ordering: .relaxed) }
    var value: Int { atomic.load(ordering: .relaxed) }
}

// MARK: - Stress knob

/// Iteration counts: small by default, large under `NETKIT_STRESS=1`, smaller under ThreadSanitizer (CI sets
/// `NETKIT_TSAN`).
enum Scale {
    static let isTSan = getenv("NETKIT_TSAN") != nil
    static let isStress = getenv("NETKIT_STRESS").map { String(cString: $0) } == "1"

    /// `normal` by default, `tsan` under ThreadSanitizer, `stress` under `NETKIT_STRESS=1`.
    static func count(_ normal: Int, tsan: Int, stress: Int) -> Int {
        if isStress { return stress }
        return isTSan ? tsan : normal
    }

    /// A generous time limit in seconds (a watchdog's; `withWatchdog` applies `timingSlack` itself).
    static func seconds(_ normal: Double) -> Double { normal }

    /// An upper bound on how long something may take: `upperBound`, i.e. scaled by `timingSlack` under
    /// ThreadSanitizer.
    static func bound(_ normal: Duration) -> Duration { upperBound(normal) }
}

// MARK: - Loopback fixtures

/// The two loopback families every TCP test runs on.
enum Loopback: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case v4
    case v6

    var ip: IP { self == .v4 ? IP(127, 0, 0, 1) : .ipv6Loopback }
    /// "tcp4" or "tcp6".
    var network: String { self == .v4 ? "tcp4" : "tcp6" }
    /// "127.0.0.1" or "::1".
    var host: String { self == .v4 ? "127.0.0.1" : "::1" }
    /// The address with port 0.
    var any: TCPAddr { TCPAddr(ip: ip, port: 0) }
    var testDescription: String { self == .v4 ? "127.0.0.1" : "::1" }

    /// The families available here (IPv6 may be disabled in a container).
    static var available: [Loopback] { ipv6LoopbackAvailable ? [.v4, .v6] : [.v4] }
}

/// A TCP listener on the loopback address of `lo` with a kernel-chosen port.
func tcpListener(_ lo: Loopback = .v4, config: ListenConfig = ListenConfig()) throws -> TCPListener {
    try config.listenTCP(network: lo.network, laddr: lo.any)
}

/// A connected TCP pair over loopback: the dialed conn and the accepted one. The listener is closed.
func tcpPair(_ lo: Loopback = .v4, config: ListenConfig = ListenConfig()) async throws -> (client: TCPConn, server: TCPConn) {
    let ln = try tcpListener(lo, config: config)
    defer { try? ln.close() }
    return try await withWatchdog(5, "tcpPair") {
        let client = try await dialTCP(lo.network, raddr: ln.tcpAddr)
        let server = try await ln.acceptTCP()
        return (client, server)
    }
}

/// Closes every conn, ignoring errors.
func closeAll(_ conns: (any Conn)?...) {
    for c in conns { try? c?.close() }
}

// MARK: - Reading helpers

/// Reads exactly `count` bytes (Go's `io.ReadFull`): `IOError.unexpectedEOF` if the stream ends early, `IOError.eof`
/// if it ends before the first byte.
func readFull(_ conn: any Conn, _ count: Int, chunk: Int = 64 * 1024) async throws -> [UInt8] {
    var out: [UInt8] = []
    out.reserveCapacity(count)
    let buf = UnsafeMutableRawBufferPointer.allocate(byteCount: min(max(count, 1), chunk), alignment: 1)
    defer { buf.deallocate() }
    var emptyReads = 0
    while out.count < count {
        let want = min(buf.count, count - out.count)
        let n: Int
        do {
            n = try await conn.read(into: UnsafeMutableRawBufferPointer(rebasing: buf[..<want]))
        } catch IOError.eof {
            throw out.isEmpty ? IOError.eof : IOError.unexpectedEOF
        }
        if n == 0 {
            emptyReads += 1
            if emptyReads > 100 { throw IOError.noProgress }
            continue
        }
        out.append(contentsOf: buf[..<n])
    }
    return out
}

/// Reads until EOF (bounded by `limit` bytes).
func readAll(_ conn: any Conn, limit: Int = 64 << 20) async throws -> [UInt8] {
    var out: [UInt8] = []
    var buf = [UInt8](repeating: 0, count: 64 * 1024)
    while out.count <= limit {
        do {
            let n = try await conn.read(into: &buf)
            out.append(contentsOf: buf[..<n])
        } catch IOError.eof {
            return out
        }
    }
    throw IOError.shortBuffer
}

/// Writes "ping" on `a`, reads it on `b`, writes "pong" back: a round trip that proves the pair still works.
func roundTrip(_ a: any Conn, _ b: any Conn, sourceLocation: SourceLocation = #_sourceLocation) async throws {
    try await withWatchdog(5, "round trip") {
        try await a.write("ping")
        let got = try await readFull(b, 4)
        #expect(got == bytes("ping"), sourceLocation: sourceLocation)
        try await b.write("pong")
        let back = try await readFull(a, 4)
        #expect(back == bytes("pong"), sourceLocation: sourceLocation)
    }
}

/// The error `body` throws, or nil.
func caught(_ body: () async throws -> Void) async -> (any Error)? {
    do {
        try await body()
        return nil
    } catch {
        return error
    }
}

/// The error `body` throws, or nil (synchronous form).
func caughtSync(_ body: () throws -> Void) -> (any Error)? {
    do {
        try body()
        return nil
    } catch {
        return error
    }
}

/// A task that reads once from `conn` and reports the outcome.
func readTask(_ conn: any Conn, count: Int = 64) -> Task<Result<[UInt8], any Error>, Never> {
    Task {
        do { return .success(try await conn.read(maxCount: count)) } catch { return .failure(error) }
    }
}

// MARK: - Error taxonomy (reliability.md §42)

/// Go's `OpError.Error()` text for the given parts, built independently of `OpError.description`.
func goOpText(_ op: String, _ net: String, source: (any Addr)?, addr: (any Addr)?, _ err: String) -> String {
    var s = op + " " + net
    if let source { s += " " + source.description }
    if let addr { s += (source == nil ? " " : "->") + addr.description }
    return s + ": " + err
}

/// Checks that `error` is an `OpError` with these fields and Go's text; returns it.
@discardableResult
func expectOpError(
    _ error: (any Error)?, op: String, net: String, source: (any Addr)?, addr: (any Addr)?, text: String? = nil,
    sourceLocation: SourceLocation = #_sourceLocation
) -> OpError? {
    guard let error else {
        Issue.record("expected an OpError for \(op), got success", sourceLocation: sourceLocation)
        return nil
    }
    guard let e = error as? OpError else {
        Issue.record("expected an OpError for \(op), got \(type(of: error)): \(error)", sourceLocation: sourceLocation)
        return nil
    }
    #expect(e.op == op, sourceLocation: sourceLocation)
    #expect(e.net == net, sourceLocation: sourceLocation)
    #expect(e.source?.description == source?.description, "source", sourceLocation: sourceLocation)
    #expect(e.addr?.description == addr?.description, "addr", sourceLocation: sourceLocation)
    if let text { #expect(e.description == text, sourceLocation: sourceLocation) }
    return e
}

/// `ErrClosed` wrapped in an `OpError` (never a timeout, never temporary) with Go's text.
@discardableResult
func expectClosed(
    _ error: (any Error)?, op: String, net: String, source: (any Addr)?, addr: (any Addr)?,
    sourceLocation: SourceLocation = #_sourceLocation
) -> OpError? {
    let text = goOpText(op, net, source: source, addr: addr, "use of closed network connection")
    guard let e = expectOpError(error, op: op, net: net, source: source, addr: addr, text: text,
                                sourceLocation: sourceLocation) else { return nil }
    #expect(errorIs(e, ClosedError.self), sourceLocation: sourceLocation)
    #expect(e.isClosed, sourceLocation: sourceLocation)
    #expect(!e.isTimeout, sourceLocation: sourceLocation)
    #expect(!e.isTemporary, sourceLocation: sourceLocation)
    return e
}

/// `ErrClosed` on a conn: the form Go uses for read, write and close (source = local, addr = remote).
@discardableResult
func expectClosed(
    _ error: (any Error)?, op: String, conn: any Conn, sourceLocation: SourceLocation = #_sourceLocation
) -> OpError? {
    expectClosed(error, op: op, net: networkOf(conn), source: conn.localAddr, addr: conn.remoteAddr,
                 sourceLocation: sourceLocation)
}

/// The network name a conn's errors carry ("tcp4", "tcp", …).
func networkOf(_ conn: any Conn) -> String {
    (conn as? TCPConn)?.netFD.net ?? "?"
}

/// A deadline error wrapped in an `OpError`: `isTimeout`, `DeadlineExceededError` in the chain, Go's text.
@discardableResult
func expectTimeout(
    _ error: (any Error)?, op: String, net: String, source: (any Addr)?, addr: (any Addr)?,
    sourceLocation: SourceLocation = #_sourceLocation
) -> OpError? {
    let text = goOpText(op, net, source: source, addr: addr, "i/o timeout")
    guard let e = expectOpError(error, op: op, net: net, source: source, addr: addr, text: text,
                                sourceLocation: sourceLocation) else { return nil }
    #expect(e.isTimeout, sourceLocation: sourceLocation)
    #expect(errorIs(e, DeadlineExceededError.self), sourceLocation: sourceLocation)
    #expect(!e.isClosed, sourceLocation: sourceLocation)
    return e
}

/// A deadline error of a conn's read or write.
@discardableResult
func expectTimeout(
    _ error: (any Error)?, op: String, conn: any Conn, sourceLocation: SourceLocation = #_sourceLocation
) -> OpError? {
    expectTimeout(error, op: op, net: networkOf(conn), source: conn.localAddr, addr: conn.remoteAddr,
                  sourceLocation: sourceLocation)
}

/// A failed system call wrapped in an `OpError`: `OpError{op} → SyscallError{syscall} → errno`, Go's text.
@discardableResult
func expectSyscall(
    _ error: (any Error)?, op: String, net: String, source: (any Addr)?, addr: (any Addr)?,
    syscall: String, errno: Errno, sourceLocation: SourceLocation = #_sourceLocation
) -> OpError? {
    let text = goOpText(op, net, source: source, addr: addr, syscall + ": " + errno.description)
    guard let e = expectOpError(error, op: op, net: net, source: source, addr: addr, text: text,
                                sourceLocation: sourceLocation) else { return nil }
    let se = errorAs(e, SyscallError.self)
    #expect(se?.syscall == syscall, sourceLocation: sourceLocation)
    #expect(errorIs(e, Errno.self) { $0 == errno }, sourceLocation: sourceLocation)
    #expect(e.isTimeout == errno.isTimeout, sourceLocation: sourceLocation)
    return e
}

/// Task cancellation, reported bare (not wrapped in an `OpError`).
func expectCancellation(_ error: (any Error)?, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect(error is CancellationError, "expected a bare CancellationError, got \(String(describing: error))",
            sourceLocation: sourceLocation)
}

/// End of stream, reported bare.
func expectEOF(_ error: (any Error)?, sourceLocation: SourceLocation = #_sourceLocation) {
    #expect((error as? IOError) == .eof, "expected a bare IOError.eof, got \(String(describing: error))",
            sourceLocation: sourceLocation)
}

// MARK: - Descriptor tracking

/// The open descriptors of this process: number → identity (`socket:[inode]`, `pipe:[…]`, `/dev/null`).
func fdSnapshot() -> [Int32: String] {
    guard let directory = opendir("/proc/self/fd") else { return [:] }
    var numbers = [Int32]()
    while let entry = readdir(directory) {
        let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
        if let number = Int32(name) { numbers.append(number) }
    }
    let own = dirfd(directory)
    closedir(directory)
    var result: [Int32: String] = [:]
    for n in numbers where n != own {
        if let id = descriptorIdentity(n) { result[n] = id }
    }
    return result
}

/// Waits (up to `within`, polling) until none of `identities` is open; returns those still open. Close can be
/// deferred until an in-flight system call leaves the descriptor (Go's fdMutex), hence the retry.
func waitUntilClosed(_ identities: [String], within: Duration = .seconds(2)) async -> [String] {
    let end = ContinuousClock.now + within
    while true {
        let open = openDescriptorIdentities()
        let still = identities.filter(open.contains)
        if still.isEmpty || ContinuousClock.now >= end { return still }
        try? await Task.sleep(for: .milliseconds(10))
    }
}

/// Whether `fd` has FD_CLOEXEC set.
func isCloseOnExec(_ fd: Int32) -> Bool {
    let flags = fcntl(fd, F_GETFD)
    return flags >= 0 && flags & FD_CLOEXEC != 0
}

/// Whether `fd` is in non-blocking mode.
func isNonBlocking(_ fd: Int32) -> Bool {
    let flags = fcntl(fd, F_GETFL)
    return flags >= 0 && flags & O_NONBLOCK != 0
}

/// Records the sockets NetKit creates for a test (through the `control` hooks of `Dialer`/`ListenConfig`, and
/// through `withUnsafeSocket` for accepted conns) by kernel identity, checks that each is close-on-exec and
/// non-blocking, and later that each was closed. Identities, unlike numbers or counts, are not disturbed by
/// tests running in parallel in the same process.
final class SocketTracker: Sendable {
    private let state = Mutex<(ids: [String], problems: [String])>(([], []))

    /// Records `socket`'s identity and checks its flags.
    func record(_ socket: Socket) {
        let fd = socket.rawValue
        let id = descriptorIdentity(fd) ?? "fd \(fd) (gone)"
        var problems: [String] = []
        if !isCloseOnExec(fd) { problems.append("\(id) lacks FD_CLOEXEC") }
        if !isNonBlocking(fd) { problems.append("\(id) is blocking") }
        state.withLock { s in
            s.ids.append(id)
            s.problems += problems
        }
    }

    /// A `control` hook for `Dialer` and `ListenConfig` that records every socket they create.
    var control: @Sendable (String, String, RawConn) throws -> Void {
        { [self] _, _, raw in try raw.control { s in self.record(s) } }
    }

    /// Records a conn's socket.
    func track(_ conn: any Conn) {
        guard let c = conn as? TCPConn else { Issue.record("not a TCPConn"); return }
        try? c.withUnsafeSocket { s in record(s) }
    }

    /// Records a listener's socket.
    func track(_ ln: TCPListener) {
        try? ln.syscallConn().control { s in record(s) }
    }

    var count: Int { state.withLock { $0.ids.count } }
    var identities: [String] { state.withLock { $0.ids } }

    /// Expects every recorded socket to be closed within 2 s and every one to have had the right flags.
    func expectAllClosed(sourceLocation: SourceLocation = #_sourceLocation) async {
        let (ids, problems) = state.withLock { ($0.ids, $0.problems) }
        #expect(problems.isEmpty, "\(problems)", sourceLocation: sourceLocation)
        let still = await waitUntilClosed(ids)
        #expect(still.isEmpty, "sockets left open: \(still)", sourceLocation: sourceLocation)
    }
}

// MARK: - Process probes

/// CPU time (user + system) this process has used.
func processCPUTime() -> Duration {
    var usage = rusage()
    getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
    func d(_ t: timeval) -> Duration { .seconds(Int64(t.tv_sec)) + .microseconds(Int64(t.tv_usec)) }
    return d(usage.ru_utime) + d(usage.ru_stime)
}

/// Resident set size of this process in bytes (/proc/self/statm).
func residentBytes() -> Int {
    let fd = open("/proc/self/statm", O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return 0 }
    defer { Glibc.close(fd) }
    var buffer = [UInt8](repeating: 0, count: 128)
    let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, 127) }
    guard n > 0 else { return 0 }
    let fields = String(decoding: buffer[..<n], as: UTF8.self).split(separator: " ")
    guard fields.count > 1, let pages = Int(fields[1]) else { return 0 }
    return pages * Int(sysconf(Int32(_SC_PAGESIZE)))
}

/// Raises the soft RLIMIT_NOFILE to the hard limit; returns the new soft limit.
@discardableResult
func raiseOpenFileLimit() -> Int {
    var limit = rlimit()
    getrlimit(RLIMIT_NOFILE_, &limit)
    if limit.rlim_cur < limit.rlim_max {
        limit.rlim_cur = limit.rlim_max
        setrlimit(RLIMIT_NOFILE_, &limit)
        getrlimit(RLIMIT_NOFILE_, &limit)
    }
    return Int(clamping: limit.rlim_cur)
}

/// Glibc's RLIMIT_NOFILE as the `__rlimit_resource_t` that `getrlimit`/`setrlimit` take.
let RLIMIT_NOFILE_ = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)

/// Time `body` takes.
func measure<T>(_ body: () async throws -> T) async rethrows -> (T, Duration) {
    let start = ContinuousClock.now
    let value = try await body()
    return (value, ContinuousClock.now - start)
}

/// A libc function that the Glibc module does not export (it needs `_GNU_SOURCE`), looked up at run time.
func libcFunction<F>(_ name: String, as type: F.Type) -> F? {
    guard let handle = dlopen(nil, RTLD_NOW), let symbol = dlsym(handle, name) else { return nil }
    return unsafeBitCast(symbol, to: type)
}

/// `unshare(2)`; the flag for a new network namespace is `CLONE_NEWNET` (0x40000000).
func unshareNamespace(_ flags: Int32) -> Int32 {
    guard let f = libcFunction("unshare", as: (@convention(c) (Int32) -> Int32).self) else { return -1 }
    return f(flags)
}

let CLONE_NEWNET_: Int32 = 0x4000_0000

/// Pins the calling thread to CPU 0 (`sched_setaffinity(2)`); threads it creates inherit that.
func pinCurrentThreadToOneCPU() -> Bool {
    guard let f = libcFunction("sched_setaffinity", as: (@convention(c) (pid_t, Int, UnsafeRawPointer) -> Int32).self)
    else { return false }
    var mask = [UInt64](repeating: 0, count: 16)  // a 1024-bit cpu_set_t
    mask[0] = 1
    return mask.withUnsafeBytes { f(0, $0.count, $0.baseAddress!) } == 0
}

/// A `ContinuousClock` instant `d` from now (shorthand).
func fromNow(_ d: Duration) -> ContinuousClock.Instant { .now + d }

// MARK: - Keeping heavy tests away from timing-sensitive ones

/// A readers-writer gate across the whole test process: tests with time limits share it, CPU-heavy tests (thousands
/// of connections, tens of MiB) and exit tests (child processes) take it alone, so that on a 2-core machine they
/// never starve a test that measures how long something took (while exit tests ran, timing tests here saw their
/// tasks stall for over a second). FIFO, so a heavy test is not starved either.
actor TestGate {
    static let shared = TestGate()

    private var readers = 0
    private var writer = false
    private var waiting: [(exclusive: Bool, continuation: CheckedContinuation<Void, Never>)] = []

    /// At most this many timing-sensitive tests at once: all of them starting together on two cores starved the
    /// other suites' tasks for seconds.
    static let maxShared = 6

    private func canTake(_ exclusive: Bool) -> Bool {
        exclusive ? (readers == 0 && !writer) : (!writer && readers < TestGate.maxShared)
    }

    /// When the first gated test asked for the gate.
    private var firstUse: ContinuousClock.Instant?

    /// Heavy tests (and their child processes) wait this long after the run's start: the test runs of every
    /// suite, and their own child processes, start together, and on two cores a heavy test among them stalled
    /// other suites' short timing checks for over 2 s.
    static let heavyStartDelay: Duration = .seconds(5)

    func acquire(exclusive: Bool) async {
        let first = firstUse ?? ContinuousClock.now
        firstUse = first
        if exclusive, ContinuousClock.now < first + TestGate.heavyStartDelay {
            try? await Task.sleep(until: first + TestGate.heavyStartDelay, clock: .continuous)
        }
        if waiting.isEmpty && canTake(exclusive) {
            take(exclusive)
            return
        }
        await withCheckedContinuation { waiting.append((exclusive, $0)) }
    }

    func release(exclusive: Bool) {
        if exclusive { writer = false } else { readers -= 1 }
        while let next = waiting.first {
            if canTake(next.exclusive) {
                waiting.removeFirst()
                take(next.exclusive)
                next.continuation.resume()
            } else {
                break
            }
        }
    }

    private func take(_ exclusive: Bool) {
        if exclusive { writer = true } else { readers += 1 }
    }
}

/// Runs each test case inside `TestGate`: shared for timing-sensitive tests, exclusive for heavy ones. Put it on a
/// suite or on single tests, never both on one test (a test holding the gate shared cannot also take it alone).
struct GateTrait: SuiteTrait, TestTrait, TestScoping {
    let exclusive: Bool

    var isRecursive: Bool { true }

    func provideScope(
        for test: Test, testCase: Test.Case?, performing function: @Sendable () async throws -> Void
    ) async throws {
        guard testCase != nil else {
            try await function()
            return
        }
        await TestGate.shared.acquire(exclusive: exclusive)
        do {
            try await function()
        } catch {
            await TestGate.shared.release(exclusive: exclusive)
            throw error
        }
        await TestGate.shared.release(exclusive: exclusive)
    }
}

extension Trait where Self == GateTrait {
    /// The test measures time: it may run alongside other timing-sensitive tests, never alongside a heavy one.
    static var timingSensitive: Self { GateTrait(exclusive: false) }
    /// The test is CPU-heavy: it runs alone among the gated tests.
    static var heavy: Self { GateTrait(exclusive: true) }
}
