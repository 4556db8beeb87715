@_spi(ExperimentalCustomExecutors) @_spi(ExperimentalScheduling) import _Concurrency
import CNetKit
import Synchronization

/// Makes NetKit's event loops Swift's default executor: every task that does not say otherwise runs on the
/// poller threads, the way every goroutine runs on one of Go's Ps, which poll the network themselves.
///
/// Call it first thing in `main`, before creating any task. From then on a job of the global executor
/// enqueued on a loop's thread (a task resumed because its socket became ready, a task it creates, a hop back
/// from an actor) runs on that loop; one enqueued from any other thread goes to the next loop in turn. A
/// connection's task therefore runs where its socket's events arrive, as with
/// `Task(executorPreference: conn.preferredExecutor)`, but without a preference to look up: Swift's runtime
/// reads a task's executor preference under the task's status lock at every resume and after every awaited
/// call, and a task without one skips that (about 15 % fewer instructions per request in `echo-server`,
/// `Docs/Performance.md`). `Task.sleep` and the clocks' `sleep` run on the loops' timers.
///
/// The loops are then the program's cooperative pool, one thread per usable CPU: as with Swift's own pool,
/// code that blocks a thread (a long computation without suspension points, a lock held across a wait,
/// `DispatchSemaphore.wait`) stalls every connection on that loop, and a job stays on the loop that enqueued
/// it (no work stealing). Task priorities are not ordered. The main actor keeps the platform's main executor.
///
/// Built on Swift 6.3's experimental executor factory (`@_spi(ExperimentalCustomExecutors)` in the standard
/// library); nothing else in NetKit depends on it. A Swift-only addition: Go's scheduler does this implicitly.
///
/// - Returns: `true` if this call made the loops the default executor, `false` if an earlier call had.
@discardableResult
public func useEventLoopsAsDefaultExecutor() -> Bool {
    guard EventLoopDefaultExecutor.installed.compareExchange(expected: false, desired: true, ordering: .acquiringAndReleasing).exchanged else {
        return false
    }
    _createExecutors(factory: EventLoopExecutorFactory.self)
    return true
}

/// The executors `useEventLoopsAsDefaultExecutor()` installs: NetKit's loops as the default executor, the
/// platform's main executor unchanged.
struct EventLoopExecutorFactory: ExecutorFactory {
    static var mainExecutor: any MainExecutor { PlatformExecutorFactory.mainExecutor }
    static var defaultExecutor: any TaskExecutor { EventLoopDefaultExecutor.shared }
}

/// Swift's default (global) executor as NetKit's event loops. One instance: the runtime compares executor
/// identities, and every loop runs the global jobs it is handed as jobs of this executor.
final class EventLoopDefaultExecutor: TaskExecutor, SchedulingExecutor, @unchecked Sendable {
    static let shared = EventLoopDefaultExecutor()
    static let installed = Atomic<Bool>(false)

    /// The runtime's entry point: one thread-local read, then an array append when called on a loop.
    func enqueue(_ job: UnownedJob) {
        if let current = nk_current_loop() {
            Unmanaged<EventLoop>.fromOpaque(current)._withUnsafeGuaranteedRef {
                $0.enqueueLocal(LoopJob(job: job, global: true))
            }
        } else {
            EventLoop.next().enqueue(LoopJob(job: job, global: true))
        }
    }

    func enqueue(_ job: consuming ExecutorJob) {
        enqueue(UnownedJob(job))
    }

    func enqueue<C: Clock>(_ job: consuming ExecutorJob, at instant: C.Instant, tolerance: C.Duration?, clock: C) {
        let unowned = UnownedJob(job)
        let deadline: MonoTime
        if let instant = instant as? ContinuousClock.Instant {
            deadline = MonoTime(instant)
        } else if let delay = clock.now.duration(to: instant) as? Duration {
            // SuspendingClock and other clocks measured in Duration: the same delay on the loop's clock.
            deadline = MonoTime(ContinuousClock.now.advanced(by: max(delay, .zero)))
        } else {
            // A clock whose durations NetKit cannot read: leave it to the platform's executor.
            if let platform = PlatformExecutorFactory.defaultExecutor as? any SchedulingExecutor {
                platform.enqueue(ExecutorJob(unowned), at: instant, tolerance: tolerance, clock: clock)
            } else {
                enqueue(unowned)
            }
            return
        }
        DelayedJob.schedule(unowned, at: deadline)
    }

    func enqueue<C: Clock>(_ job: consuming ExecutorJob, after delay: C.Duration, tolerance: C.Duration?, clock: C) {
        enqueue(job, at: clock.now.advanced(by: delay), tolerance: tolerance, clock: clock)
    }
}

/// A global job waiting on a loop's timer heap (`Task.sleep` when the loops are the default executor).
final class DelayedJob: TimerTarget, @unchecked Sendable {
    private let job: UnownedJob
    private let loop: EventLoop

    private init(job: UnownedJob, loop: EventLoop) {
        self.job = job
        self.loop = loop
    }

    static func schedule(_ job: UnownedJob, at deadline: MonoTime) {
        let loop = EventLoop.current ?? EventLoop.next()
        let target = DelayedJob(job: job, loop: loop)
        loop.timers.withLock { $0.schedule(target, .read, at: deadline) }
        loop.timerArmed(at: deadline)
    }

    override func timerFired(_ mode: PollMode, now: MonoTime) {
        loop.enqueue(LoopJob(job: job, global: true))
    }
}
