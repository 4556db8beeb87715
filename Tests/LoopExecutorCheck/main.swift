// loop-executor-check — runs NetKit with its event loops as Swift's default executor
// (`useEventLoopsAsDefaultExecutor()`), which changes the whole process and so cannot run inside the test
// runner. LoopExecutorTests runs this program and reads its report: one line per check ("ok NAME" or
// "FAIL NAME: why"), then "passed N" or "failed N"; exit status 0 only if every check passed. Loopback only;
// an alarm ends the process if anything hangs.
import Glibc
import NetKit
import Synchronization

// MARK: - Reporting

let failures = Atomic<Int>(0)
let passes = Atomic<Int>(0)

func check(_ name: String, _ condition: Bool, _ why: @autoclosure () -> String = "") {
    if condition {
        passes.add(1, ordering: .relaxed)
        print("ok \(name)")
    } else {
        failures.add(1, ordering: .relaxed)
        print("FAIL \(name): \(why())")
    }
}

/// The calling thread's name ("NetKit-loop-N" on NetKit's loops).
func threadName() -> String {
    let fd = open("/proc/thread-self/comm", O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return "?" }
    defer { close(fd) }
    var buffer = [UInt8](repeating: 0, count: 32)
    let n = read(fd, &buffer, buffer.count)
    return n > 0 ? String(decoding: buffer[..<n], as: UTF8.self).trimmingSuffix("\n") : "?"
}

extension String {
    func trimmingSuffix(_ suffix: String) -> String { hasSuffix(suffix) ? String(dropLast(suffix.count)) : self }
}

func onLoop() -> Bool { threadName().hasPrefix("NetKit-loop-") }

/// Counts the checks a group of tasks made off the loops.
final class OffLoop: Sendable {
    let count = Atomic<Int>(0)
    func note() { if !onLoop() { count.add(1, ordering: .relaxed) } }
}

actor Counter {
    var value = 0
    func add(_ n: Int) -> Int { value += n; return value }
}

// MARK: - Checks

func checks() async {
    check("tasks run on the loops", onLoop(), "main task on \(threadName())")

    // A child task, and after an actor hop.
    let child = await Task { onLoop() }.value
    check("a new task runs on a loop", child)
    let counter = Counter()
    _ = await counter.add(1)
    check("back from an actor on a loop", onLoop(), "on \(threadName())")

    // Task.sleep runs on the loops' timers: no shorter than asked, not absurdly longer.
    let clock = ContinuousClock()
    let start = clock.now
    try? await Task.sleep(for: .milliseconds(50))
    let slept = clock.now - start
    check("Task.sleep sleeps", slept >= .milliseconds(50) && slept < .seconds(5), "slept \(slept)")
    check("Task.sleep resumes on a loop", onLoop(), "on \(threadName())")
    let start2 = clock.now
    try? await Task.sleep(until: SuspendingClock.now + .milliseconds(30), clock: .suspending)
    let slept2 = clock.now - start2
    check("SuspendingClock sleep sleeps", slept2 >= .milliseconds(29) && slept2 < .seconds(5), "slept \(slept2)")

    // Cancelling a long sleep ends it at once.
    let sleeper = Task { () -> Bool in
        do { try await Task.sleep(for: .seconds(60)); return false } catch { return error is CancellationError }
    }
    try? await Task.sleep(for: .milliseconds(20))
    let cancelStart = clock.now
    sleeper.cancel()
    let cancelled = await sleeper.value
    check("a cancelled sleep throws CancellationError", cancelled)
    check("a cancelled sleep ends at once", clock.now - cancelStart < .seconds(5), "took \(clock.now - cancelStart)")

    // Structured concurrency: a thousand children.
    let sum = await withTaskGroup(of: Int.self) { group in
        for i in 1...1000 { group.addTask { onLoop() ? i : -1_000_000 } }
        return await group.reduce(0, +)
    }
    check("a task group of 1000 children runs on the loops", sum == 500_500, "sum \(sum)")

    // A continuation resumed from a thread that is not a loop.
    await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
        let box = Unmanaged.passRetained(ContinuationBox(c)).toOpaque()
        var thread = pthread_t()
        pthread_create(&thread, nil, { arg in
            Unmanaged<ContinuationBox>.fromOpaque(arg!).takeRetainedValue().continuation.resume()
            return nil
        }, box)
        pthread_detach(thread)
    }
    check("resumed from another thread, the task runs on a loop", onLoop(), "on \(threadName())")

    await echoChecks()
    await deadlineChecks()
}

final class ContinuationBox: @unchecked Sendable {
    let continuation: CheckedContinuation<Void, Never>
    init(_ c: CheckedContinuation<Void, Never>) { continuation = c }
}

/// 200 connections echoed by plain tasks: every byte comes back, and every server task runs on a loop after
/// every wake-up.
func echoChecks() async {
    let offLoop = OffLoop()
    do {
        let listener = try await listen("tcp", "127.0.0.1:0")
        let server = Task {
            var served: [Task<Void, Never>] = []
            while let conn = try? await listener.accept() {
                served.append(Task {
                    defer { try? conn.close() }
                    var buffer = [UInt8](repeating: 0, count: 4096)
                    while let n = try? await conn.read(into: &buffer), n > 0 {
                        offLoop.note()
                        guard (try? await conn.write(buffer[..<n])) != nil else { return }
                        offLoop.note()
                    }
                })
            }
            for task in served { await task.value }
        }
        let address = "\(listener.addr)"
        let ok = await withTaskGroup(of: Bool.self) { group in
            for i in 0..<200 {
                group.addTask {
                    guard let conn = try? await dial("tcp", address) else { return false }
                    defer { try? conn.close() }
                    let message = Array("connection \(i) ".utf8) + [UInt8](repeating: UInt8(i % 251), count: 3000)
                    guard (try? await conn.write(message)) != nil else { return false }
                    var reply = [UInt8](repeating: 0, count: message.count)
                    guard (try? await readFull(conn, into: &reply)) != nil else { return false }
                    return reply == message
                }
            }
            return await group.reduce(true) { $0 && $1 }
        }
        check("200 connections echo every byte", ok)
        try listener.close()
        await server.value
        check("server tasks always resume on a loop", offLoop.count.load(ordering: .relaxed) == 0,
              "\(offLoop.count.load(ordering: .relaxed)) resumptions elsewhere")
    } catch {
        check("echo over loopback", false, "\(error)")
    }
}

/// A read deadline and a cancelled read behave as they do on Swift's own executor.
func deadlineChecks() async {
    do {
        let listener = try await listen("tcp", "127.0.0.1:0")
        defer { try? listener.close() }
        let conn = try await dial("tcp", "\(listener.addr)")
        defer { try? conn.close() }
        let peer = try await listener.accept()
        defer { try? peer.close() }
        try conn.setReadDeadline(.now + .milliseconds(50))
        var buffer = [UInt8](repeating: 0, count: 16)
        do {
            _ = try await conn.read(into: &buffer)
            check("a read deadline fires", false, "the read returned")
        } catch {
            check("a read deadline fires", (error as? any NetError)?.isTimeout == true, "\(error)")
        }
        try conn.setReadDeadline(nil)
        let reader = Task { () -> Bool in
            var buffer = [UInt8](repeating: 0, count: 16)
            do { _ = try await conn.read(into: &buffer); return false } catch { return error is CancellationError }
        }
        try? await Task.sleep(for: .milliseconds(20))
        reader.cancel()
        check("a cancelled parked read throws CancellationError", await reader.value)
    } catch {
        check("deadlines", false, "\(error)")
    }
}

// MARK: - Main

alarm(120)  // a hang ends the process (SIGALRM's default action) instead of the test run
let installed = useEventLoopsAsDefaultExecutor()
let again = useEventLoopsAsDefaultExecutor()

/// Starts the checks in a task. (Top-level code is on the main actor, whose executor never runs here: the main
/// thread sleeps below. A task created in a plain function is not.)
func start() {
    Task {
        check("the first call installs the loops", installed)
        check("a second call is a no-op", !again)
        await checks()
        let failed = failures.load(ordering: .relaxed)
        print(failed == 0 ? "passed \(passes.load(ordering: .relaxed))" : "failed \(failed)")
        exit(failed == 0 ? 0 : 1)  // flushes standard output
    }
}

start()
while true { sleep(1) }
