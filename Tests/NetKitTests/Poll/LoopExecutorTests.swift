import Glibc
import Testing

// `useEventLoopsAsDefaultExecutor()` switches the whole process, so it is checked in a child process: the
// loop-executor-check program (Tests/LoopExecutorCheck) makes the switch, runs its checks over loopback and
// reports one line per check.

@Suite("NetKit's loops as Swift's default executor", .heavy)
struct LoopExecutorTests {
    /// The checks the program makes; each must report "ok".
    static let expectedChecks = [
        "the first call installs the loops",
        "a second call is a no-op",
        "tasks run on the loops",
        "a new task runs on a loop",
        "back from an actor on a loop",
        "Task.sleep sleeps",
        "Task.sleep resumes on a loop",
        "SuspendingClock sleep sleeps",
        "a cancelled sleep throws CancellationError",
        "a cancelled sleep ends at once",
        "a task group of 1000 children runs on the loops",
        "resumed from another thread, the task runs on a loop",
        "200 connections echo every byte",
        "server tasks always resume on a loop",
        "a read deadline fires",
        "a cancelled parked read throws CancellationError",
    ]

    @Test func everyCheckPasses() async throws {
        let path = try #require(builtExecutablePath("loop-executor-check"), "loop-executor-check was not built")
        let (status, output, errors) = try await runProgram(path, [], limit: upperBound(.seconds(30)))
        let lines = output.split(separator: "\n").map(String.init)
        for name in Self.expectedChecks {
            #expect(lines.contains("ok \(name)"), "\(name): \(lines.first { $0.contains(name) } ?? "no report")")
        }
        #expect(!lines.contains { $0.hasPrefix("FAIL") }, "\(lines.filter { $0.hasPrefix("FAIL") })")
        #expect(lines.last == "passed \(Self.expectedChecks.count)", "\(output)\(errors)")
        #expect(status == 0, "exit status \(status): \(errors)")
    }
}
