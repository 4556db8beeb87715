import Glibc
import Testing
@testable import NetKit

extension PollDesc {
    /// Reads at most `max` bytes (test helper over `perform`, which calls its body synchronously per attempt).
    func readBytes(_ max: Int) async throws(PollError) -> [UInt8] {
        var buf = [UInt8](repeating: 0, count: max)
        let n = try await perform(.read) { s throws(Errno) in
            try buf.withUnsafeMutableBytes { p in Result { () throws(Errno) in try s.receive(into: p) } }.get()
        }
        return Array(buf[..<n])
    }

    func writeBytes(_ bytes: [UInt8]) async throws(PollError) {
        _ = try await perform(.write) { s throws(Errno) in
            try bytes.withUnsafeBytes { p in Result { () throws(Errno) in try s.send(p) } }.get()
        }
    }
}

@Suite("PollDesc")
struct PollDescTests {
    func pair() throws -> (PollDesc, PollDesc) {
        let (a, b) = try Socket.pair(.unix, .stream, nonBlocking: true)
        return (try PollDesc(socket: a), try PollDesc(socket: b))
    }

    @Test func readWakesOnData() async throws {
        let (a, b) = try pair()
        defer { try? a.close(); try? b.close() }
        let reader = Task {
            try await a.readBytes(16)
        }
        try await Task.sleep(for: .milliseconds(50))
        try await b.writeBytes([1, 2, 3])
        let got = try await withWatchdog { try await reader.value }
        #expect(got == [1, 2, 3])
    }

    @Test func closeWakesParkedRead() async throws {
        let (a, b) = try pair()
        defer { try? b.close() }
        let reader = Task { () -> PollError? in
            do throws(PollError) {
                _ = try await a.readBytes(16)
                return nil
            } catch { return error }
        }
        try await Task.sleep(for: .milliseconds(50))
        try a.close()
        let e = try await withWatchdog { await reader.value }
        #expect(e == .closed)
        #expect(throws: PollError.closed) { try a.close() }
    }

    @Test func deadlineTimesOutAndIsNotFatal() async throws {
        let (a, b) = try pair()
        defer { try? a.close(); try? b.close() }
        try a.setDeadline(.now + .milliseconds(100), .read)
        let start = ContinuousClock.now
        let e = try await withWatchdog { () -> PollError? in
            do throws(PollError) { _ = try await a.readBytes(16); return nil } catch { return error }
        }
        let elapsed = ContinuousClock.now - start
        #expect(e == .timeout)
        #expect(elapsed >= .milliseconds(50) && elapsed < upperBound(.seconds(1)))
        try a.setDeadline(nil, .read)
        try await b.writeBytes([9])
        let n = try await withWatchdog { try await a.readBytes(16).count }
        #expect(n == 1)
    }

    @Test func cancellationWakesParkedRead() async throws {
        let (a, b) = try pair()
        defer { try? a.close(); try? b.close() }
        let reader = Task { () -> PollError? in
            do throws(PollError) { _ = try await a.readBytes(16); return nil } catch { return error }
        }
        try await Task.sleep(for: .milliseconds(50))
        reader.cancel()
        let e = try await withWatchdog { await reader.value }
        #expect(e == .cancelled)
    }

    @Test func loopSleepWakesAfterItsDeadline() async throws {
        let start = ContinuousClock.now
        let completed = try await withWatchdog { await LoopSleep.sleep(until: start + .milliseconds(50)) }
        let elapsed = ContinuousClock.now - start
        #expect(completed)
        #expect(elapsed >= .milliseconds(50) && elapsed < upperBound(.seconds(1)), "slept \(elapsed)")
    }

    @Test func loopSleepEndsAtOnceWhenCancelled() async throws {
        let sleeper = Task { await LoopSleep.sleep(until: .now + .seconds(60)) }
        try await Task.sleep(for: .milliseconds(20))
        let start = ContinuousClock.now
        sleeper.cancel()
        let completed = try await withWatchdog { await sleeper.value }
        #expect(!completed)
        #expect(ContinuousClock.now - start < upperBound(.milliseconds(250)))
    }
}
