// Blocking C calls (getaddrinfo, getnameinfo) off Swift's cooperative thread pool.
// (Go: net/cgo_unix.go `doBlockingWithCtx`, net/net.go `acquireThread`.)

import Glibc
import Synchronization

/// A small pool of POSIX threads for C calls that block and cannot be interrupted, such as `getaddrinfo(3)`.
///
/// Swift's cooperative pool has one thread per core: a resolver call parked there for seconds would stall every
/// task scheduled on that thread. Jobs run here instead, on threads created lazily (at most `maxThreads`; extra
/// jobs wait in a FIFO queue). An idle thread waits on its own semaphore for the next job and ends after
/// `idleTimeout` without one. Threads are named `netkit-blocking`.
///
/// Go runs such calls on goroutines locked to OS threads, at most 500 at a time (`acquireThread`).
final class BlockingPool: Sendable {
    typealias Job = @Sendable () -> Void

    /// The pool NetKit's resolver uses.
    static let shared = BlockingPool(maxThreads: 32, idleTimeout: .seconds(30))

    /// The most threads this pool runs at once.
    let maxThreads: Int
    /// How long a thread waits for work before it ends.
    let idleTimeout: Duration

    private let state = Mutex(State())

    private struct State {
        /// Jobs that found every thread busy and `maxThreads` reached, oldest first.
        var queue: [Job] = []
        /// Threads waiting for a job, the most recently idle last (so it is reused first, while warm).
        var idle: [Worker] = []
        /// Threads started and not yet ended.
        var threadCount = 0
        /// The `pthread_self()` of every running thread of the pool.
        var threads: Set<pthread_t> = []
    }

    /// One pool thread's wake-up semaphore and its hand-off slot.
    ///
    /// `handoff` is read and written only under the pool's lock, hence `@unchecked Sendable`.
    private final class Worker: @unchecked Sendable {
        let semaphore: UnsafeMutablePointer<sem_t>
        var handoff: Job?

        init() {
            semaphore = .allocate(capacity: 1)
            sem_init(semaphore, 0, 0)
        }

        deinit {
            sem_destroy(semaphore)
            semaphore.deallocate()
        }

        /// Waits for a post; returns false if `deadline` (CLOCK_REALTIME, as `sem_timedwait(3)` wants) passes.
        func wait(until deadline: timespec?) -> Bool {
            // A bound for the EINTR retries, which only signals cause.
            for _ in 0..<1_000_000 {
                var result: Int32
                if var deadline {
                    result = sem_timedwait(semaphore, &deadline)
                } else {
                    result = sem_wait(semaphore)
                }
                if result == 0 { return true }
                let error = errno
                if error == ETIMEDOUT { return false }
                precondition(error == EINTR, "sem_wait failed: errno \(error)")
            }
            preconditionFailure("sem_wait interrupted too often")
        }
    }

    /// What a thread is given when it starts: its pool and its first job.
    private final class Start: Sendable {
        let pool: BlockingPool
        let job: Job
        init(pool: BlockingPool, job: @escaping Job) {
            self.pool = pool
            self.job = job
        }
    }

    /// Creates an empty pool; threads start on demand.
    init(maxThreads: Int, idleTimeout: Duration) {
        precondition(maxThreads > 0, "a pool needs at least one thread")
        self.maxThreads = maxThreads
        self.idleTimeout = idleTimeout
    }

    /// Runs `job` on a pool thread: an idle one, a new one, or the first to become free. Never on the caller's
    /// thread, except as a last resort when no thread runs and none can be created.
    func submit(_ job: @escaping Job) {
        enum Action {
            case handedOff(Worker)
            case startThread
            case queued
        }
        let action = state.withLock { state -> Action in
            if let worker = state.idle.popLast() {
                worker.handoff = job
                return .handedOff(worker)
            }
            if state.threadCount < maxThreads {
                state.threadCount += 1
                return .startThread
            }
            state.queue.append(job)
            return .queued
        }
        switch action {
        case .handedOff(let worker):
            sem_post(worker.semaphore)
        case .startThread:
            startThread(firstJob: job)
        case .queued:
            break
        }
    }

    /// Whether the calling thread is one of this pool's threads.
    var isPoolThread: Bool {
        let me = pthread_self()
        return state.withLock { $0.threads.contains(me) }
    }

    /// The number of threads running (busy or idle).
    var threadCount: Int {
        state.withLock { $0.threadCount }
    }

    private func startThread(firstJob: @escaping Job) {
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        defer { pthread_attr_destroy(&attributes) }
        pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED))
        let start = Unmanaged.passRetained(Start(pool: self, job: firstJob)).toOpaque()
        var thread = pthread_t()
        let result = pthread_create(&thread, &attributes, { argument in
            let start = Unmanaged<Start>.fromOpaque(argument!).takeRetainedValue()
            start.pool.threadMain(firstJob: start.job)
            return nil
        }, start)
        guard result != 0 else { return }

        // No thread (EAGAIN: a process or memory limit). Leave the job to a running thread if there is one.
        Unmanaged<Start>.fromOpaque(start).release()
        let othersRun = state.withLock { state -> Bool in
            state.threadCount -= 1
            guard state.threadCount > 0 else { return false }
            state.queue.append(firstJob)
            return true
        }
        if !othersRun {
            // Blocking the caller's thread beats never running the job.
            firstJob()
        }
    }

    private func threadMain(firstJob: @escaping Job) {
        nameThread()
        let me = pthread_self()
        state.withLock { _ = $0.threads.insert(me) }
        let worker = Worker()
        var job: Job? = firstJob
        while true {
            if let current = job {
                current()
                job = nil
            }
            job = state.withLock { state -> Job? in
                if !state.queue.isEmpty {
                    return state.queue.removeFirst()
                }
                state.idle.append(worker)
                return nil
            }
            if job != nil { continue }

            if worker.wait(until: realtimeDeadline(after: idleTimeout)) {
                job = state.withLock { _ in worker.handoff.take() }
                continue
            }
            // Timed out. Unless a job was handed over meanwhile (its post is on the way), leave the pool.
            let retire = state.withLock { state -> Bool in
                guard let index = state.idle.firstIndex(where: { $0 === worker }) else { return false }
                state.idle.remove(at: index)
                state.threadCount -= 1
                state.threads.remove(me)
                return true
            }
            if retire { return }
            _ = worker.wait(until: nil)
            job = state.withLock { _ in worker.handoff.take() }
        }
    }

    /// Names the calling thread `netkit-blocking` (what `ps -L`, `top -H` and debuggers show), if Linux lets it.
    private func nameThread() {
        // pthread_setname_np needs _GNU_SOURCE; its Linux implementation writes this file.
        let fd = open("/proc/thread-self/comm", O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else { return }
        let name: StaticString = "netkit-blocking"  // at most 15 bytes
        _ = write(fd, name.utf8Start, name.utf8CodeUnitCount)
        close(fd)
    }

    /// `CLOCK_REALTIME` now plus `duration`, as `sem_timedwait(3)` wants it.
    private func realtimeDeadline(after duration: Duration) -> timespec {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME, &now)
        let (seconds, attoseconds) = duration.components
        var nanoseconds = Int(now.tv_nsec) + Int(attoseconds / 1_000_000_000)
        var wholeSeconds = Int(now.tv_sec) + Int(seconds)
        if nanoseconds >= 1_000_000_000 {
            nanoseconds -= 1_000_000_000
            wholeSeconds += 1
        }
        return timespec(tv_sec: wholeSeconds, tv_nsec: nanoseconds)
    }
}

/// `runBlocking` gave up because its deadline passed; the job may still be running.
struct BlockingTimeout: Error, Hashable, Sendable {}

extension BlockingPool {
    /// Runs `body` on a pool thread and suspends the calling task until it returns, the task is cancelled, or
    /// `deadline` passes, whichever comes first.
    ///
    /// On cancellation or timeout the caller resumes at once; `body` goes on running in the background and its
    /// result is dropped. A task already cancelled, or a deadline already past, fails before `body` is queued.
    ///
    /// - Throws: `CancellationError` if the task is cancelled, `BlockingTimeout` if the deadline passes.
    ///
    /// The corresponding Go function is the unexported `net.doBlockingWithCtx`.
    func runBlocking<T: Sendable>(
        deadline: ContinuousClock.Instant?, _ body: @escaping @Sendable () -> T
    ) async throws -> T {
        try Task.checkCancellation()
        if let deadline, deadline <= .now {
            throw BlockingTimeout()
        }
        let call = BlockingCall<T>()
        let timer = deadline.map { deadline in
            Task {
                do {
                    try await Task.sleep(until: deadline, clock: .continuous)
                } catch {
                    return  // the call finished first and cancelled the timer
                }
                call.finish(.failure(BlockingTimeout()))
            }
        }
        defer { timer?.cancel() }
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                if call.install(continuation) {
                    submit { call.finish(.success(body())) }
                }
            }
        } onCancel: {
            call.finish(.failure(CancellationError()))
        }
    }
}

/// `BlockingPool.shared.runBlocking(deadline:_:)`: runs `body` on a resolver thread, honouring `deadline` and
/// task cancellation.
///
/// The corresponding Go function is the unexported `net.doBlockingWithCtx`.
func runBlocking<T: Sendable>(
    deadline: ContinuousClock.Instant?, _ body: @escaping @Sendable () -> T
) async throws -> T {
    try await BlockingPool.shared.runBlocking(deadline: deadline, body)
}

/// The one-shot meeting point of a waiting task and the three ways its wait can end (the job's result, a
/// cancellation, the deadline): the first `finish` resumes the task, later ones are ignored.
final class BlockingCall<T: Sendable>: Sendable {
    private enum State {
        /// Nothing has happened yet.
        case pending
        /// The task waits on this continuation.
        case waiting(CheckedContinuation<T, any Error>)
        /// The outcome arrived before the task started waiting.
        case finished(Result<T, any Error>)
        /// The task has been resumed.
        case resumed
    }

    private let state = Mutex(State.pending)

    /// Parks `continuation` until the outcome arrives; returns false (and resumes it) if it already has.
    func install(_ continuation: CheckedContinuation<T, any Error>) -> Bool {
        let early = state.withLock { state -> Result<T, any Error>? in
            switch state {
            case .pending:
                state = .waiting(continuation)
                return nil
            case .finished(let result):
                state = .resumed
                return result
            case .waiting, .resumed:
                preconditionFailure("BlockingCall continuation installed twice")
            }
        }
        guard let early else { return true }
        continuation.resume(with: early)
        return false
    }

    /// Delivers an outcome; only the first one counts.
    func finish(_ result: Result<T, any Error>) {
        let continuation = state.withLock { state -> CheckedContinuation<T, any Error>? in
            switch state {
            case .pending:
                state = .finished(result)
                return nil
            case .waiting(let continuation):
                state = .resumed
                return continuation
            case .finished, .resumed:
                return nil
            }
        }
        continuation?.resume(with: result)
    }
}
