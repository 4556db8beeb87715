import Glibc
import Synchronization
import Testing
@testable import NetKit

/// reliability.md group C (Swift task cancellation) on real loopback TCP sockets. Cancellation surfaces as a
/// bare `CancellationError`, consumes nothing, and leaves the conn usable (like a per-call deadline in the past).
@Suite("TCP cancellation", .timingSensitive)
struct TCPCancellationTests {
    /// Runs `body` in a task that is cancelled before `body` starts.
    func inCancelledTask<T: Sendable>(_ body: @escaping @Sendable () async throws -> T) async -> Result<T, any Error> {
        await Task {
            withUnsafeCurrentTask { $0?.cancel() }
            do { return .success(try await body()) } catch { return .failure(error) }
        }.value
    }

    // MARK: C22 — cancel a pending dial

    @Test func cancelPendingDial() async throws {
        let full = try await FullBacklogListener()
        defer { full.close() }
        let tracker = SocketTracker()
        let dialer = Dialer(control: tracker.control)
        let task = Task { try await dialer.dial("tcp4", full.address) }
        try await Task.sleep(for: .milliseconds(50))
        let start = ContinuousClock.now
        task.cancel()
        let error = try await withWatchdog(2, "cancelled dial") { await caught { _ = try await task.value } }
        let elapsed = ContinuousClock.now - start
        expectCancellation(error)
        #expect(elapsed < Scale.bound(.milliseconds(500)), "\(elapsed)")
        #expect(tracker.count == 1)
        await tracker.expectAllClosed()
    }

    // MARK: C23 — cancel racing with dial completion

    /// Either a working conn or a cancellation with the socket closed; never both, never a leak.
    @Test func cancelRacingDialCompletion() async throws {
        let iterations = Scale.count(100, tsan: 30, stress: 2000)
        let ln = try tcpListener()
        defer { try? ln.close() }
        let tracker = SocketTracker()
        let dialer = Dialer(control: tracker.control)
        var won = 0
        var cancelled = 0
        for i in 0..<iterations {
            let task = Task { try await dialer.dial("tcp4", ln.addr.description) }
            for _ in 0..<(i % 5) { await Task.yield() }
            task.cancel()
            let result = try await withWatchdog { () -> Result<any Conn, any Error> in
                do { return .success(try await task.value) } catch { return .failure(error) }
            }
            switch result {
            case .success(let c):
                won += 1
                // The accepted side of this very conn (cancelled dials may have left others queued).
                let s = try await withWatchdog {
                    while true {
                        let s = try await ln.accept()
                        if s.remoteAddr.description == c.localAddr.description { return s }
                        try s.close()
                    }
                }
                try await roundTrip(c, s)
                closeAll(c, s)
            case .failure(let error):
                cancelled += 1
                expectCancellation(error)
            }
        }
        #expect(won + cancelled == iterations)
        // A dial cancelled before it started creates no socket at all.
        #expect(tracker.count >= won && tracker.count <= iterations)
        print("cancel/dial race: \(won) conns, \(cancelled) cancelled, \(tracker.count) sockets")
        await tracker.expectAllClosed()
    }

    // MARK: C24 — cancel a parked read, write or accept

    @Test(arguments: Loopback.available)
    func cancelParkedRead(_ lo: Loopback) async throws {
        let (c, s) = try await tcpPair(lo)
        defer { closeAll(c, s) }
        let reader = readTask(c)
        try await Task.sleep(for: .milliseconds(50))
        let start = ContinuousClock.now
        reader.cancel()
        let result = try await withWatchdog(1, "cancelled read") { await reader.value }
        #expect(ContinuousClock.now - start < Scale.bound(.milliseconds(500)))
        guard case .failure(let error) = result else { Issue.record("read returned \(result)"); return }
        expectCancellation(error)
        // The conn still works, and bytes sent after the cancellation are read by the next call.
        try await s.write("after")
        #expect(try await withWatchdog { try await readFull(c, 5) } == bytes("after"))
        try await roundTrip(c, s)
    }

    @Test(arguments: Loopback.available)
    func cancelParkedWrite(_ lo: Loopback) async throws {
        let (c, s) = try await tcpPair(lo, config: TCPCloseTests.tinyReceiveBuffer)
        defer { closeAll(c, s) }
        try c.setWriteBuffer(4096)
        let writer = Task { () -> (any Error)? in
            let chunk = [UInt8](repeating: 0x11, count: 4 << 20)
            return await caught { try await c.write(chunk) }
        }
        try await Task.sleep(for: .milliseconds(200))
        let start = ContinuousClock.now
        writer.cancel()
        let error = try await withWatchdog(1, "cancelled write") { await writer.value }
        #expect(ContinuousClock.now - start < Scale.bound(.milliseconds(500)))
        expectCancellation(error)
        // The conn still works: a marker after the partial write arrives after an unbroken run of 0x11.
        let drain = Task { try await readAll(s, limit: 8 << 20) }
        try await withWatchdog { try await c.write([0x22]) }
        try c.closeWrite()
        let received = try await withWatchdog { try await drain.value }
        #expect(received.last == 0x22)
        #expect(received.dropLast().allSatisfy { $0 == 0x11 })
        #expect(received.count - 1 < 4 << 20)
        try await s.write("still")
        #expect(try await withWatchdog { try await readFull(c, 5) } == bytes("still"))
    }

    @Test(arguments: Loopback.available)
    func cancelParkedAccept(_ lo: Loopback) async throws {
        let ln = try tcpListener(lo)
        defer { try? ln.close() }
        let acceptor = Task { try await ln.accept() }
        try await Task.sleep(for: .milliseconds(50))
        let start = ContinuousClock.now
        acceptor.cancel()
        let error = try await withWatchdog(1, "cancelled accept") { await caught { _ = try await acceptor.value } }
        #expect(ContinuousClock.now - start < Scale.bound(.milliseconds(500)))
        expectCancellation(error)
        // The listener still works.
        let c = try await withWatchdog { try await dialTCP(lo.network, raddr: ln.tcpAddr) }
        let s = try await withWatchdog { try await ln.accept() }
        try await roundTrip(c, s)
        closeAll(c, s)
    }

    // MARK: C24 — an operation in an already-cancelled task makes no system call

    @Test func readInCancelledTaskConsumesNothing() async throws {
        let (c, s) = try await tcpPair()
        defer { closeAll(c, s) }
        try await s.write("kept")
        try await Task.sleep(for: .milliseconds(20))
        let result = await inCancelledTask { try await c.read(maxCount: 16) }
        guard case .failure(let error) = result else { Issue.record("read returned \(result)"); return }
        expectCancellation(error)
        #expect(try await withWatchdog { try await readFull(c, 4) } == bytes("kept"))
    }

    @Test func writeInCancelledTaskSendsNothing() async throws {
        let (c, s) = try await tcpPair()
        defer { closeAll(c, s) }
        let result = await inCancelledTask { try await c.write("never") }
        guard case .failure(let error) = result else { Issue.record("write succeeded"); return }
        expectCancellation(error)
        try s.setReadDeadline(fromNow(.milliseconds(100)))
        expectTimeout(await caught { _ = try await s.read(maxCount: 16) }, op: "read", conn: s)
        try s.setReadDeadline(nil)
        try await roundTrip(c, s)
    }

    @Test func acceptInCancelledTaskLeavesTheConnectionQueued() async throws {
        let ln = try tcpListener()
        defer { try? ln.close() }
        let c = try await withWatchdog { try await dialTCP("tcp4", raddr: ln.tcpAddr) }
        defer { closeAll(c) }
        let result = await inCancelledTask { try await ln.accept() }
        guard case .failure(let error) = result else { Issue.record("accept succeeded"); return }
        expectCancellation(error)
        let s = try await withWatchdog { try await ln.accept() }
        #expect(s.remoteAddr.description == c.localAddr.description)
        closeAll(s)
    }

    @Test func dialInCancelledTaskCreatesNoSocket() async throws {
        let ln = try tcpListener()
        defer { try? ln.close() }
        let tracker = SocketTracker()
        let dialer = Dialer(control: tracker.control)
        let address = ln.addr.description
        for network in ["tcp", "tcp4"] {
            let result = await inCancelledTask { try await dialer.dial(network, address) }
            guard case .failure(let error) = result else { Issue.record("dial succeeded"); continue }
            expectCancellation(error)
        }
        #expect(tracker.count == 0)
    }

    // MARK: C25 — cancellation racing with data arrival never loses a byte

    @Test(arguments: Loopback.available)
    func cancelRacingDataArrival(_ lo: Loopback) async throws {
        let iterations = Scale.count(500, tsan: 100, stress: 10_000)
        let (c, s) = try await tcpPair(lo)
        defer { closeAll(c, s) }
        let (delivered, cancelled) = try await withWatchdog(Scale.seconds(60), "cancel/data race") { () -> (Int, Int) in
            var delivered = 0
            var cancelled = 0
            for i in 0..<iterations {
                let expected = UInt8(truncatingIfNeeded: i)
                let reader = readTask(c, count: 1)
                switch i % 3 {
                case 0:
                    try await s.write([expected])
                    reader.cancel()
                case 1:
                    reader.cancel()
                    try await s.write([expected])
                default:
                    await Task.yield()
                    async let w: Void = s.write([expected])
                    reader.cancel()
                    try await w
                }
                switch await reader.value {
                case .success(let got):
                    delivered += 1
                    #expect(got == [expected], "iteration \(i)")
                case .failure(let error):
                    cancelled += 1
                    expectCancellation(error)
                    // The byte must still be there for the next read.
                    let got = try await c.read(maxCount: 1)
                    #expect(got == [expected], "iteration \(i): a cancelled read lost the byte")
                }
            }
            return (delivered, cancelled)
        }
        #expect(delivered + cancelled == iterations)
        print("cancel/data race: \(delivered) delivered, \(cancelled) cancelled")
    }
}
