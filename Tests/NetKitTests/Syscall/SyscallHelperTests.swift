import Glibc
import Testing
@testable import NetKit

@Suite("Syscall helpers")
struct SyscallHelperTests {
    /// A fake system call: fails with `failures` in order (setting errno), then returns `result`.
    final class FakeCall {
        var failures: [Int32]
        let result: Int32
        var calls = 0
        init(failing failures: [Int32], thenReturning result: Int32) {
            self.failures = failures
            self.result = result
        }
        func callAsFunction() -> Int32 {
            calls += 1
            guard !failures.isEmpty else { return result }
            errno = failures.removeFirst()
            return -1
        }
    }

    @Test func retryingOnInterruptRetriesOnlyEINTR() throws {
        let interrupted = FakeCall(failing: [EINTR, EINTR, EINTR], thenReturning: 42)
        #expect(try retryingOnInterrupt { interrupted() } == 42)
        #expect(interrupted.calls == 4)

        let refused = FakeCall(failing: [EINTR, ECONNREFUSED], thenReturning: 0)
        #expect(throws: Errno.connectionRefused) { try retryingOnInterrupt { refused() } }
        #expect(refused.calls == 2, "a real error is thrown at once")

        let again = FakeCall(failing: [EAGAIN], thenReturning: 0)
        #expect(throws: Errno.wouldBlock) { try retryingOnInterrupt { again() } }
        #expect(again.calls == 1, "EAGAIN is not retried here; the poller waits")
    }

    @Test("valueOrErrno (used for close) never retries, not even EINTR")
    func valueOrErrnoDoesNotRetry() throws {
        let interrupted = FakeCall(failing: [EINTR], thenReturning: 0)
        #expect(throws: Errno.interrupted) { try valueOrErrno { interrupted() } }
        #expect(interrupted.calls == 1)
        #expect(try valueOrErrno { Int(7) } == 7)
    }
}
