import Synchronization

/// A task sleeping on an event loop's timer heap.
///
/// NetKit's own sleep, for the places that must not depend on the global executor's timers: the accept loop's
/// back-off runs exactly when descriptors are exhausted, and then libdispatch cannot create the timer behind
/// `Task.sleep`. The loop's timers need no descriptor.
final class LoopSleep: TimerTarget, @unchecked Sendable {
    private let loop: EventLoop
    private let state = Mutex<(continuation: UnsafeContinuation<Bool, Never>?, done: Bool)>((nil, false))

    private init(loop: EventLoop) {
        self.loop = loop
    }

    /// Suspends the task until `deadline` (true) or until it is cancelled (false, at once).
    static func sleep(until deadline: ContinuousClock.Instant, on loop: EventLoop = EventLoop.next()) async -> Bool {
        let sleeper = LoopSleep(loop: loop)
        let when = MonoTime(deadline)
        return await withTaskCancellationHandler {
            await withUnsafeContinuation { (c: UnsafeContinuation<Bool, Never>) in
                let now: Bool? = sleeper.state.withLock { s in
                    if Task.isCancelled { s.done = true; return false }
                    if when <= MonoTime.now { s.done = true; return true }
                    s.continuation = c
                    loop.timers.withLock { $0.schedule(sleeper, .read, at: when) }
                    return nil
                }
                if let now { c.resume(returning: now) } else { loop.timerArmed(at: when) }
            }
        } onCancel: {
            sleeper.finish(false)
        }
    }

    override func timerFired(_ mode: PollMode, now: MonoTime) {
        finish(true)
    }

    private func finish(_ completed: Bool) {
        let c: UnsafeContinuation<Bool, Never>? = state.withLock { s in
            guard !s.done else { return nil }
            s.done = true
            let c = s.continuation
            s.continuation = nil
            if !completed { loop.timers.withLock { $0.cancel(self, .read) } }
            return c
        }
        c?.resume(returning: completed)
    }
}
