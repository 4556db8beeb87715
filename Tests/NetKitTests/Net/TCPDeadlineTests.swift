import Glibc
import Synchronization
import Testing
@testable import NetKit

/// reliability.md group B (deadlines) on real loopback TCP sockets. Every timeout is an `OpError` whose
/// `isTimeout` is true, with `DeadlineExceededError` ("i/o timeout") in its chain.
@Suite("TCP deadlines", .timingSensitive)
struct TCPDeadlineTests {
    static let past: Duration = .seconds(-5)

    // MARK: B11 — a past deadline fails at once, even when the operation could proceed

    @Test(arguments: Loopback.available)
    func pastReadDeadlineFailsWithDataReady(_ lo: Loopback) async throws {
        let (c, s) = try await tcpPair(lo)
        defer { closeAll(c, s) }
        try await s.write("hello")
        try await Task.sleep(for: .milliseconds(50))  // the bytes are in c's receive queue
        try c.setReadDeadline(fromNow(Self.past))
        for _ in 0..<2 {
            let (error, elapsed) = await measure { await caught { _ = try await c.read(maxCount: 16) } }
            expectTimeout(error, op: "read", net: lo.network, source: c.localAddr, addr: c.remoteAddr)
            #expect(elapsed < Scale.bound(.milliseconds(500)))
        }
        // Nothing was consumed.
        try c.setReadDeadline(nil)
        let got = try await withWatchdog { try await readFull(c, 5) }
        #expect(got == bytes("hello"))
    }

    @Test(arguments: Loopback.available)
    func pastWriteDeadlineFailsWithRoomToWrite(_ lo: Loopback) async throws {
        let (c, s) = try await tcpPair(lo)
        defer { closeAll(c, s) }
        try c.setWriteDeadline(fromNow(Self.past))
        for _ in 0..<2 {
            let (error, elapsed) = await measure { await caught { try await c.write("lost") } }
            expectTimeout(error, op: "write", net: lo.network, source: c.localAddr, addr: c.remoteAddr)
            #expect(elapsed < Scale.bound(.milliseconds(500)))
        }
        // Nothing was sent.
        try c.setWriteDeadline(nil)
        try await c.write("!")
        let got = try await withWatchdog { try await readFull(s, 1) }
        #expect(got == bytes("!"))
    }

    @Test(arguments: Loopback.available)
    func pastAcceptDeadlineFailsWithConnectionPending(_ lo: Loopback) async throws {
        let ln = try tcpListener(lo)
        defer { try? ln.close() }
        let c = try await withWatchdog { try await dialTCP(lo.network, raddr: ln.tcpAddr) }
        defer { closeAll(c) }
        try ln.setDeadline(fromNow(Self.past))
        for _ in 0..<2 {
            let (error, elapsed) = await measure { await caught { _ = try await ln.accept() } }
            expectTimeout(error, op: "accept", net: lo.network, source: nil, addr: ln.addr)
            #expect(elapsed < Scale.bound(.milliseconds(500)))
        }
        try ln.setDeadline(nil)
        let s = try await withWatchdog { try await ln.acceptTCP() }
        #expect(s.remoteAddr.description == c.localAddr.description)
        closeAll(s)
    }

    /// Go's TestDialTimeout rows with negative timeouts and deadlines: a timeout within 100 ms (here 500 ms).
    @Test(arguments: [Dialer(timeout: .seconds(-5)),
                      Dialer(timeout: .nanoseconds(Int64.min)),
                      Dialer(deadline: .now - .seconds(5))])
    func pastDialDeadlineFailsAtOnce(_ dialer: Dialer) async throws {
        let ln = try tcpListener()
        defer { try? ln.close() }
        let (error, elapsed) = await measure { await caught { _ = try await dialer.dial("tcp4", ln.addr.description) } }
        expectTimeout(error, op: "dial", net: "tcp4", source: nil, addr: ln.addr)
        #expect(elapsed < Scale.bound(.milliseconds(500)))
    }

    // MARK: B12 — a future deadline fires on time

    @Test(arguments: Loopback.available)
    func readDeadlineFiresOnTime(_ lo: Loopback) async throws {
        let (c, s) = try await tcpPair(lo)
        defer { closeAll(c, s) }
        let start = ContinuousClock.now
        try c.setReadDeadline(start + .milliseconds(100))
        let error = try await withWatchdog { await caught { _ = try await c.read(maxCount: 16) } }
        let elapsed = ContinuousClock.now - start
        expectTimeout(error, op: "read", net: lo.network, source: c.localAddr, addr: c.remoteAddr)
        #expect(elapsed >= .milliseconds(50) && elapsed < Scale.bound(.seconds(1)), "\(elapsed)")
    }

    @Test(arguments: Loopback.available)
    func writeDeadlineFiresOnTime(_ lo: Loopback) async throws {
        let (c, s) = try await tcpPair(lo, config: TCPCloseTests.tinyReceiveBuffer)
        defer { closeAll(c, s) }
        try c.setWriteBuffer(4096)
        let chunk = [UInt8](repeating: 1, count: 64 * 1024)
        let start = ContinuousClock.now
        try c.setWriteDeadline(start + .milliseconds(100))
        let error = try await withWatchdog { await caught { for _ in 0..<1024 { try await c.write(chunk) } } }
        let elapsed = ContinuousClock.now - start
        expectTimeout(error, op: "write", net: lo.network, source: c.localAddr, addr: c.remoteAddr)
        #expect(elapsed >= .milliseconds(50) && elapsed < Scale.bound(.seconds(1)), "\(elapsed)")
    }

    // MARK: B13 — accept deadline

    @Test func acceptDeadlineFires() async throws {
        let ln = try tcpListener()
        defer { try? ln.close() }
        try ln.setDeadline(fromNow(.milliseconds(10)))
        let (error, elapsed) = try await withWatchdog { await measure { await caught { _ = try await ln.accept() } } }
        expectTimeout(error, op: "accept", net: "tcp4", source: nil, addr: ln.addr)
        #expect(elapsed < Scale.bound(.seconds(1)))
    }

    @Test func clearedPastAcceptDeadlineDoesNotFire() async throws {
        let ln = try tcpListener()
        defer { try? ln.close() }
        try ln.setDeadline(fromNow(Self.past))
        try ln.setDeadline(nil)
        let done = Atomic<Bool>(false)
        let acceptor = Task { () -> Result<any Conn, any Error> in
            defer { done.store(true, ordering: .releasing) }
            do { return .success(try await ln.accept()) } catch { return .failure(error) }
        }
        try await Task.sleep(for: .milliseconds(150))
        let finishedEarly = done.load(ordering: .acquiring)
        #expect(!finishedEarly, "accept returned without a connection")
        let c = try await withWatchdog { try await dialTCP("tcp4", raddr: ln.tcpAddr) }
        let result = try await withWatchdog { await acceptor.value }
        #expect(throws: Never.self) { try result.get().close() }
        closeAll(c)
    }

    // MARK: B14 — directions are independent; clearing restores blocking

    @Test func expiredWriteDeadlineLeavesReadsBlocking() async throws {
        let (c, s) = try await tcpPair()
        defer { closeAll(c, s) }
        try c.setDeadline(fromNow(Self.past))
        try c.setWriteDeadline(fromNow(Self.past))
        try c.setReadDeadline(nil)
        expectTimeout(await caught { try await c.write("x") }, op: "write", conn: c)
        let reader = readTask(c)
        try await Task.sleep(for: .milliseconds(100))
        try await s.write("data")
        let result = try await withWatchdog { await reader.value }
        #expect((try? result.get()) == bytes("data"), "the read should have blocked until data came: \(result)")
    }

    @Test func expiredReadDeadlineLeavesWritesWorking() async throws {
        let (c, s) = try await tcpPair()
        defer { closeAll(c, s) }
        try c.setDeadline(fromNow(Self.past))
        try c.setReadDeadline(fromNow(Self.past))
        try c.setWriteDeadline(nil)
        expectTimeout(await caught { _ = try await c.read(maxCount: 1) }, op: "read", conn: c)
        try await withWatchdog { try await c.write("data") }
        let got = try await withWatchdog { try await readFull(s, 4) }
        #expect(got == bytes("data"))
    }

    // MARK: B15 — moving a deadline while a call is parked

    @Test(arguments: Loopback.available)
    func movingReadDeadlineToThePastWakesParkedRead(_ lo: Loopback) async throws {
        let (c, s) = try await tcpPair(lo)
        defer { closeAll(c, s) }
        let reader = readTask(c)
        try await Task.sleep(for: .milliseconds(100))
        let start = ContinuousClock.now
        try c.setReadDeadline(fromNow(Self.past))
        let result = try await withWatchdog(1, "parked read after deadline moved") { await reader.value }
        #expect(ContinuousClock.now - start < Scale.bound(.seconds(1)))
        guard case .failure(let error) = result else { Issue.record("read returned \(result)"); return }
        expectTimeout(error, op: "read", net: lo.network, source: c.localAddr, addr: c.remoteAddr)
    }

    @Test func movingWriteDeadlineToThePastWakesParkedWrite() async throws {
        let (c, s) = try await tcpPair(config: TCPCloseTests.tinyReceiveBuffer)
        defer { closeAll(c, s) }
        try c.setWriteBuffer(4096)
        let writer = Task { () -> (any Error)? in
            let chunk = [UInt8](repeating: 2, count: 1 << 20)
            return await caught { for _ in 0..<64 { try await c.write(chunk) } }
        }
        try await Task.sleep(for: .milliseconds(200))
        try c.setWriteDeadline(fromNow(Self.past))
        let error = try await withWatchdog(1, "parked write after deadline moved") { await writer.value }
        expectTimeout(error, op: "write", conn: c)
    }

    @Test func extendingDeadlineOfParkedReadDoesNotFireEarly() async throws {
        let (c, s) = try await tcpPair()
        defer { closeAll(c, s) }
        let start = ContinuousClock.now
        try c.setReadDeadline(start + .milliseconds(400))
        let reader = readTask(c)
        try await Task.sleep(for: .milliseconds(30))
        let moved = ContinuousClock.now
        try c.setReadDeadline(start + .milliseconds(1200))
        let result = try await withWatchdog { await reader.value }
        let elapsed = ContinuousClock.now - start
        guard case .failure(let error) = result else { Issue.record("read returned \(result)"); return }
        expectTimeout(error, op: "read", conn: c)
        // Only meaningful if the deadline was moved before the first one passed (a stalled machine may not).
        if moved - start < .milliseconds(300) {
            #expect(elapsed >= .milliseconds(800) && elapsed < Scale.bound(.seconds(3)),
                    "fired after \(elapsed); the deadline had moved from 400 ms to 1200 ms")
        }
    }

    @Test func shorteningDeadlineOfParkedReadFiresAtTheNewTime() async throws {
        let (c, s) = try await tcpPair()
        defer { closeAll(c, s) }
        try c.setReadDeadline(fromNow(.seconds(30)))
        let reader = readTask(c)
        try await Task.sleep(for: .milliseconds(30))
        let start = ContinuousClock.now
        try c.setReadDeadline(start + .milliseconds(100))
        let result = try await withWatchdog { await reader.value }
        let elapsed = ContinuousClock.now - start
        guard case .failure(let error) = result else { Issue.record("read returned \(result)"); return }
        expectTimeout(error, op: "read", conn: c)
        #expect(elapsed >= .milliseconds(50) && elapsed < Scale.bound(.seconds(1)), "\(elapsed)")
    }

    // MARK: B16 — a timeout is not fatal

    @Test(arguments: Loopback.available)
    func readTimeoutIsNotFatal(_ lo: Loopback) async throws {
        let (c, s) = try await tcpPair(lo)
        defer { closeAll(c, s) }
        try c.setReadDeadline(fromNow(.milliseconds(20)))
        expectTimeout(try await withWatchdog { await caught { _ = try await c.read(maxCount: 8) } }, op: "read", conn: c)
        try c.setReadDeadline(nil)
        try await roundTrip(s, c)
        try await roundTrip(c, s)
    }

    /// A write that times out leaves the stream consistent: the peer receives an unbroken prefix of what was
    /// written (no byte lost in the middle or duplicated), and the conn round-trips after the deadline is cleared.
    @Test(arguments: Loopback.available)
    func writeTimeoutIsNotFatal(_ lo: Loopback) async throws {
        let (c, s) = try await tcpPair(lo, config: TCPCloseTests.tinyReceiveBuffer)
        defer { closeAll(c, s) }
        try c.setWriteBuffer(4096)
        let pattern = (0..<(1 << 20)).map { UInt8(truncatingIfNeeded: $0 % 251) }
        try c.setWriteDeadline(fromNow(.milliseconds(50)))
        let error = try await withWatchdog { await caught { try await c.write(pattern) } }
        expectTimeout(error, op: "write", conn: c)
        try c.setWriteDeadline(nil)
        // Mark the end, then drain: everything before the marker must be a prefix of the pattern.
        let drain = Task { try await readAll(s, limit: 2 << 20) }
        try await c.write([0xFF, 0xFF, 0xFF, 0xFF])
        try c.closeWrite()
        let received = try await withWatchdog { try await drain.value }
        #expect(received.count >= 4 && received.suffix(4).allSatisfy { $0 == 0xFF })
        let prefix = received.dropLast(4)
        #expect(prefix.count < pattern.count, "a timed-out write cannot have sent everything")
        #expect(prefix.elementsEqual(pattern.prefix(prefix.count)), "the stream lost or repeated bytes")
        // The other direction is untouched.
        try await s.write("reply")
        #expect(try await withWatchdog { try await readFull(c, 5) } == bytes("reply"))
    }

    // MARK: B17 — extreme durations never trap

    @Test(arguments: [Duration.seconds(Int64.max), .nanoseconds(Int64.max), .seconds(100 * 365 * 86400)])
    func hugeDialTimeoutsWork(_ timeout: Duration) async throws {
        let ln = try tcpListener()
        defer { try? ln.close() }
        let (conn, elapsed) = try await withWatchdog {
            try await measure { try await Dialer(timeout: timeout).dial("tcp4", ln.addr.description) }
        }
        #expect(elapsed < Scale.bound(.seconds(1)), "\(elapsed)")
        closeAll(conn)
    }

    @Test func farFutureDeadlinesWork() async throws {
        let ln = try tcpListener()
        defer { try? ln.close() }
        let farAway = ContinuousClock.now + .seconds(Int64.max / 2)
        let c = try await withWatchdog { try await Dialer(deadline: farAway).dial("tcp4", ln.addr.description) }
        let s = try await withWatchdog { try await ln.acceptTCP() }
        defer { closeAll(c, s) }
        // More than Int64.max seconds away from any origin: a Duration whose `components` cannot represent it.
        let farthest = ContinuousClock.now + .seconds(Int64.max) + .seconds(Int64.max)
        let viaDialer = try await withWatchdog { try await Dialer(deadline: farthest).dial("tcp4", ln.addr.description) }
        closeAll(viaDialer, try await withWatchdog { try await ln.accept() })
        for deadline in [farAway, farthest, .now + .seconds(100 * 365 * 86400), .now + .nanoseconds(Int64.max)] {
            try c.setDeadline(deadline)
            try ln.setDeadline(deadline)
            let reader = readTask(c)
            try await Task.sleep(for: .milliseconds(20))  // parked with a far timer armed
            try await s.write("x")
            let result = try await withWatchdog { await reader.value }
            #expect((try? result.get()) == bytes("x"))
        }
        // Very negative and zero offsets are plain past deadlines.
        for deadline in [ContinuousClock.now - .seconds(Int64.max) - .seconds(Int64.max), .now - .seconds(Int64.max / 2), .now] {
            try c.setReadDeadline(deadline)
            expectTimeout(await caught { _ = try await c.read(maxCount: 1) }, op: "read", conn: c)
        }
    }

    // MARK: B18 — tiny deadlines always time out, never hang

    static let tinyDeadlines: [Duration] = [
        .nanoseconds(1), .nanoseconds(2), .nanoseconds(5), .nanoseconds(50), .nanoseconds(100), .nanoseconds(500),
        .microseconds(1), .microseconds(5), .microseconds(50), .microseconds(100), .microseconds(500),
        .milliseconds(1), .milliseconds(5), .milliseconds(50), .milliseconds(100), .milliseconds(250),
        .milliseconds(500), .seconds(1),
    ]

    /// Go's TestVariousDeadlines: a server that never writes; the client copies until its deadline.
    @Test(arguments: tinyDeadlines)
    func variousDeadlinesTimeOut(_ timeout: Duration) async throws {
        let (c, s) = try await tcpPair()
        defer { closeAll(c, s) }
        for _ in 0..<3 {
            let start = ContinuousClock.now
            try c.setDeadline(start + timeout)
            let error = try await withWatchdog(5, "read with a \(timeout) deadline") {
                await caught { for _ in 0..<1000 { _ = try await c.read(maxCount: 1024) } }
            }
            let elapsed = ContinuousClock.now - start
            expectTimeout(error, op: "read", conn: c)
            // A deadline never fires early; it may fire late on a loaded machine.
            #expect(elapsed >= timeout && elapsed < Scale.bound(timeout + .seconds(1)), "\(elapsed)")
        }
    }

    // MARK: B19 — timer churn

    /// Go's TestConcurrentSetDeadline: tasks keep moving deadlines of many conns while reads are parked on them.
    @Test func concurrentDeadlineChurn() async throws {
        let tasks = 8
        let conns = Scale.count(10, tsan: 3, stress: 10)
        let tries = Scale.count(100, tsan: 30, stress: 1000)
        let ln = try tcpListener()
        defer { try? ln.close() }
        var pairs: [(TCPConn, TCPConn)] = []
        for _ in 0..<(tasks * conns) {
            let c = try await withWatchdog { try await dialTCP("tcp4", raddr: ln.tcpAddr) }
            let s = try await withWatchdog { try await ln.acceptTCP() }
            pairs.append((c, s))
        }
        let all = pairs
        defer { for (c, s) in all { closeAll(c, s) } }
        // A parked reader on each client, so each set re-arms a live timer.
        let readers = all.map { readTask($0.0, count: 1) }
        try await withWatchdog(Scale.seconds(60), "deadline churn") {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for t in 0..<tasks {
                    group.addTask {
                        for k in 0..<tries {
                            for (c, _) in all[(t * conns)..<((t + 1) * conns)] {
                                let d = ContinuousClock.now + .seconds(7200) - .milliseconds(k)
                                try c.setReadDeadline(d)
                                try c.setWriteDeadline(d)
                            }
                        }
                    }
                }
                try await group.waitForAll()
            }
        }
        // Wake every reader with data; no timer should be left behind afterwards.
        for (c, s) in all {
            try c.setDeadline(nil)
            try await s.write([1])
        }
        for r in readers {
            let result = try await withWatchdog { await r.value }
            #expect((try? result.get()) == [1])
        }
        for (c, _) in all {
            let pd = c.netFD.pd
            let armed = pd.loop.timers.withLock { _ in (pd.timerIndex.read, pd.timerIndex.write) }
            #expect(armed == (-1, -1), "a timer is still armed for an idle conn")
        }
    }

    /// Go's TestReadWriteDeadlineRace: one task sets both deadlines in a tight loop while two others read and
    /// write; only timeouts may surface, and the conn round-trips afterwards.
    @Test func deadlineRaceWithReadsAndWrites() async throws {
        let n = Scale.count(1000, tsan: 200, stress: 10_000)
        let (c, s) = try await tcpPair()
        defer { closeAll(c, s) }
        let echo = Task { await caught { while true { let b = try await s.read(maxCount: 4096); try await s.write(b) } } }
        try await withWatchdog(Scale.seconds(60), "deadline race") {
            await withTaskGroup(of: Void.self) { group in
                group.addTask {
                    for _ in 0..<n {
                        try? c.setReadDeadline(fromNow(.microseconds(2)))
                        try? c.setWriteDeadline(fromNow(.microseconds(2)))
                        await Task.yield()
                    }
                }
                group.addTask {
                    for _ in 0..<n {
                        if let e = await caught({ _ = try await c.read(maxCount: 1024) }), !errorIs(e, DeadlineExceededError.self) {
                            Issue.record("read: \(e)")
                            return
                        }
                    }
                }
                group.addTask {
                    for _ in 0..<n {
                        if let e = await caught({ try await c.write([0x01]) }), !errorIs(e, DeadlineExceededError.self) {
                            Issue.record("write: \(e)")
                            return
                        }
                    }
                }
                await group.waitForAll()
            }
        }
        try c.setDeadline(nil)
        // Resync (Go's conntest resyncConn): write a marker and read until it comes back.
        try await c.write([0xFF])
        try await withWatchdog {
            while true {
                let b = try await c.read(maxCount: 4096)
                if b.last == 0xFF { break }
            }
        }
        closeAll(s)
        _ = await echo.value
    }

    // MARK: B21 — a dial over several addresses

    // "localhost" resolves to 127.0.0.1 only on some machines (this one), so the resolved address lists are
    // injected: the dialer's own dialParallel/dialSerial get them directly (Go injects `testHookLookupIP`).

    /// Happy Eyeballs (Go's TestDialParallel): the IPv4 primary hangs (its SYNs are dropped), the IPv6 fallback
    /// starts after the fallback delay and wins; the losing racer's socket is closed.
    @Test func happyEyeballsFallbackWinsAndTheLoserIsClosed() async throws {
        guard ipv6LoopbackAvailable else { return }
        let full = try await FullBacklogListener()
        defer { full.close() }
        let port = full.tcpAddr.port
        guard let v6 = try? listenTCP("tcp6", laddr: TCPAddr(ip: .ipv6Loopback, port: port)) else {
            print("skipped: port \(port) is taken on ::1")
            return
        }
        defer { try? v6.close() }
        let tracker = SocketTracker()
        let dialer = Dialer(timeout: .seconds(5), fallbackDelay: .milliseconds(200), control: tracker.control)
        let addrs: [any Addr] = [TCPAddr(ip: IP(127, 0, 0, 1), port: port), TCPAddr(ip: .ipv6Loopback, port: port)]
        let (conn, elapsed) = try await withWatchdog {
            try await measure {
                try await dialer.dialParallel(network: "tcp", addrs: addrs, deadline: dialer.effectiveDeadline(now: .now))
            }
        }
        #expect((conn as? TCPConn)?.remoteTCPAddr == TCPAddr(ip: .ipv6Loopback, port: port))
        #expect(elapsed >= .milliseconds(100) && elapsed < Scale.bound(.seconds(2)), "\(elapsed)")
        #expect(tracker.count == 2)
        try conn.close()
        await tracker.expectAllClosed()
    }

    /// A refused first address is followed at once by the next, serially (Go's dialSerial) and in the race alike
    /// (the fallback starts as soon as the primary fails), well within the deadline; when all fail, the first
    /// address's error is reported.
    @Test(arguments: [[Loopback.v4, .v6], [.v6, .v4]], [Duration.milliseconds(-1), .zero])
    func refusedFirstAddressFallsThroughToTheNext(_ order: [Loopback], _ fallbackDelay: Duration) async throws {
        guard ipv6LoopbackAvailable else { return }
        let (first, second) = (order[0], order[1])
        // A listener on the second family only, on a port that refuses on the first.
        // Held bound (never listening) on the first family for the whole test, so that no other test takes it.
        var listener: (TCPListener, Socket)?
        for _ in 0..<10 where listener == nil {
            let ln = try tcpListener(second)
            if let holder = refusing(first, port: ln.tcpAddr.port) {
                listener = (ln, holder)
            } else {
                try ln.close()
            }
        }
        let (ln, holder) = try #require(listener)
        defer { try? ln.close(); try? holder.close() }
        let port = ln.tcpAddr.port
        let addrs: [any Addr] = [TCPAddr(ip: first.ip, port: port), TCPAddr(ip: second.ip, port: port)]
        let tracker = SocketTracker()
        let dialer = Dialer(timeout: .seconds(5), fallbackDelay: fallbackDelay, control: tracker.control)
        @Sendable func dialBoth() async throws -> any Conn {
            let deadline = dialer.effectiveDeadline(now: .now)
            return fallbackDelay < .zero
                ? try await dialer.dialSerial(network: "tcp", addrs: addrs, deadline: deadline)
                : try await dialer.dialParallel(network: "tcp", addrs: addrs, deadline: deadline)
        }
        let (conn, elapsed) = try await withWatchdog { try await measure { try await dialBoth() } }
        #expect((conn as? TCPConn)?.remoteTCPAddr == TCPAddr(ip: second.ip, port: port))
        #expect(elapsed < Scale.bound(.seconds(1)), "\(elapsed)")
        try conn.close()
        // Both refused: the first address's error (the second port is held too, unless it was taken at once).
        try ln.close()
        guard let holder2 = refusing(second, port: port) else {
            await tracker.expectAllClosed()
            return
        }
        defer { try? holder2.close() }
        let error = try await withWatchdog { await caught { _ = try await dialBoth() } }
        expectSyscall(error, op: "dial", net: "tcp", source: nil, addr: TCPAddr(ip: first.ip, port: port),
                      syscall: "connect", errno: .connectionRefused)
        await tracker.expectAllClosed()
    }

    // MARK: B20 — dial timeout against a peer that drops SYNs

    @Test func dialTimesOutAgainstFullBacklog() async throws {
        let full = try await FullBacklogListener()
        defer { full.close() }
        let tracker = SocketTracker()
        let dialer = Dialer(timeout: .milliseconds(200), control: tracker.control)
        let (error, elapsed) = try await withWatchdog {
            await measure { await caught { _ = try await dialer.dial("tcp4", full.address) } }
        }
        let e = expectTimeout(error, op: "dial", net: "tcp4", source: nil, addr: full.tcpAddr)
        #expect(e.map { !errorIs($0, Errno.self) { $0 == .connectionRefused } } == true)
        #expect(elapsed >= .milliseconds(150) && elapsed < Scale.bound(.seconds(1)), "\(elapsed)")
        #expect(tracker.count == 1)
        await tracker.expectAllClosed()
    }
}

/// B18 with one event loop, in a child process (exit tests run alone: see `GateTrait`).
@Suite("TCP deadlines, one event loop", .heavy)
struct TCPDeadlineOneLoopTests {
    /// Go's TestVariousDeadlines1Proc: the same with a single event loop — a child process pinned to one CPU
    /// before NetKit starts (NetKit runs one loop per usable CPU).
    @Test func variousDeadlinesWithOneEventLoop() async {
        await #expect(processExitsWith: .success) {
            try #require(pinCurrentThreadToOneCPU())
            // First use of the loops, on this pinned thread: one loop, whose thread inherits the pinning.
            #expect(EventLoop.all.count == 1)
            let (c, s) = try await tcpPair()
            for timeout in TCPDeadlineTests.tinyDeadlines where timeout < .milliseconds(250) {  // the long ones: variousDeadlinesTimeOut
                let start = ContinuousClock.now
                try c.setDeadline(start + timeout)
                let error = try await withWatchdog(5, "read with a \(timeout) deadline") {
                    await caught { for _ in 0..<1000 { _ = try await c.read(maxCount: 1024) } }
                }
                expectTimeout(error, op: "read", conn: c)
                #expect(ContinuousClock.now - start >= timeout)
            }
            closeAll(c, s)
        }
    }
}
