import CNetKit
import Glibc
import Synchronization

/// One netpoller thread: an edge-triggered epoll instance, an eventfd to wake it, a timer heap for
/// deadlines, and a job queue — the loop is also a `TaskExecutor`, so a task that prefers it runs on
/// the very thread where its socket's readiness event arrived, without a thread hop.
///
/// This is NetKit's counterpart of Go's runtime netpoller (runtime/netpoll_epoll.go) fused with a
/// scheduler `P`: `epoll_wait` is only called when no job is runnable, exactly like Go's `findrunnable`.
///
/// Threading: `localJobs`, `events` and `retiring` are touched only on the loop thread. Everything
/// other threads may touch sits behind `remote` (a `Mutex`) or `timers` (a `Mutex`).
final class EventLoop: TaskExecutor, @unchecked Sendable {
    /// The loops of this process, created lazily: one per CPU this process may run on
    /// (`sched_getaffinity`), so a server pinned to one core gets one loop.
    static let all: [EventLoop] = {
        let count = max(1, min(EventLoop.usableCPUCount(), 64))
        return (0..<count).map { EventLoop(index: $0) }
    }()

    private static let nextLoop = Atomic<Int>(0)

    /// The loop a new descriptor is registered with (round robin).
    static func next() -> EventLoop {
        let loops = all
        if loops.count == 1 { return loops[0] }
        let n = nextLoop.add(1, ordering: .relaxed).oldValue
        return loops[n % loops.count]
    }

    /// The loop whose thread is running the caller, if any: one thread-local read (the loop thread stores
    /// itself there before it runs anything).
    @inline(__always)
    static var current: EventLoop? {
        guard let p = nk_current_loop() else { return nil }
        return Unmanaged<EventLoop>.fromOpaque(p).takeUnretainedValue()
    }

    let index: Int
    let epfd: Int32
    private let wakeFD: Int32

    /// State shared with other threads.
    private struct Remote {
        var jobs: [LoopJob] = []
        var retired: [Unmanaged<PollDesc>] = []
        /// The loop is (about to be) blocked in `epoll_wait`; a producer must write the eventfd.
        var sleeping = false
        /// When the sleeping loop will wake by itself (nil: never).
        var sleepUntil: MonoTime? = nil
    }
    private let remote = Mutex(Remote())

    /// Deadline timers of the descriptors registered with this loop.
    let timers = Mutex(TimerHeap())
    /// Read buffers lent to this loop's connections for the length of one lent read (`PollDesc.readLent`).
    let readBuffers = ReadBufferPool()

    // Loop-thread-only state.
    // Only the loop thread touches these, so the runtime's exclusivity checks (a `swift_beginAccess` /
    // `swift_endAccess` pair per job) buy nothing here.
    @exclusivity(unchecked) private var localJobs: [LoopJob] = []
    @exclusivity(unchecked) private var runningJobs: [LoopJob] = []
    @exclusivity(unchecked) private var retiring: [Unmanaged<PollDesc>] = []
    private let events: UnsafeMutablePointer<nk_epoll_event>
    private let maxEvents: Int32 = 256
    private var expired: [TimerHeap.Entry] = []

    private init(index: Int) {
        self.index = index
        let ep = nk_epoll_create()
        precondition(ep >= 0, "NetKit: epoll_create1 failed: \(Errno.current)")
        epfd = ep
        let wfd = nk_eventfd(0, NK_EFD_CLOEXEC | NK_EFD_NONBLOCK)
        precondition(wfd >= 0, "NetKit: eventfd failed: \(Errno.current)")
        wakeFD = wfd
        events = .allocate(capacity: Int(maxEvents))
        localJobs.reserveCapacity(64)
        runningJobs.reserveCapacity(64)
        // The eventfd is registered level-triggered with token 0; descriptors use their PollDesc's address.
        precondition(nk_epoll_ctl(ep, NK_EPOLL_CTL_ADD, wfd, NK_EPOLLIN, 0) == 0)
        startThread()
    }

    private static func usableCPUCount() -> Int {
        let n = Int(nk_cpu_count())
        return n > 0 ? n : max(1, Int(sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    }

    private func startThread() {
        var attr = pthread_attr_t()
        pthread_attr_init(&attr)
        defer { pthread_attr_destroy(&attr) }
        pthread_attr_setdetachstate(&attr, Int32(PTHREAD_CREATE_DETACHED))
        var tid = pthread_t()
        let box = Unmanaged.passRetained(self).toOpaque()
        let rc = pthread_create(&tid, &attr, { arg in
            let loop = Unmanaged<EventLoop>.fromOpaque(arg!).takeRetainedValue()
            loop.run()
            return nil
        }, box)
        precondition(rc == 0, "NetKit: pthread_create failed: \(Errno(rawValue: rc))")
    }

    /// Whether the caller runs on this loop's thread.
    @inline(__always)
    var isOnLoop: Bool { nk_current_loop() == Unmanaged.passUnretained(self).toOpaque() }

    // MARK: - TaskExecutor

    func enqueue(_ job: consuming ExecutorJob) {
        enqueue(LoopJob(job: UnownedJob(job), global: false))
    }

    /// Enqueues a job; only on the loop's own thread.
    @inline(__always)
    func enqueueLocal(_ job: LoopJob) {
        localJobs.append(job)
    }

    /// Enqueues a job from any thread: a task's job for this loop as its `TaskExecutor`, or a global job when
    /// the loops are Swift's default executor.
    func enqueue(_ unowned: LoopJob) {
        if isOnLoop {
            localJobs.append(unowned)
            return
        }
        let wake = remote.withLock { r -> Bool in
            r.jobs.append(unowned)
            if r.sleeping { r.sleeping = false; return true }
            return false
        }
        if wake { signal() }
    }

    /// Writes the eventfd so that a sleeping `epoll_wait` returns.
    private func signal() {
        var one: UInt64 = 1
        _ = withUnsafeBytes(of: &one) { write(wakeFD, $0.baseAddress, 8) }
    }

    // MARK: - Registration

    /// Registers `fd` for edge-triggered read and write readiness, once for the descriptor's life (Go's
    /// `netpollopen`). The epoll registration holds a +1 reference to `desc` until it is retired.
    func register(_ fd: Int32, _ desc: PollDesc) throws(Errno) {
        let token = UInt64(UInt(bitPattern: Unmanaged.passRetained(desc).toOpaque()))
        // PRI too: urgent data makes a stream read stop short at the urgent mark with bytes behind it, which the
        // poller must know about (see PollDesc.deliver); epoll reports PRI only when asked.
        let mask = NK_EPOLLIN | NK_EPOLLOUT | NK_EPOLLRDHUP | NK_EPOLLPRI | NK_EPOLLET
        let rc = nk_epoll_ctl(epfd, NK_EPOLL_CTL_ADD, fd, mask, token)
        if rc != 0 {
            let err = Errno.current
            Unmanaged.passUnretained(desc).release()
            throw err
        }
    }

    /// Removes `fd` from the epoll set (before its `close(2)`) and hands `desc` to the loop, which drops the
    /// registration's reference only after it has finished the event batch that may still name it.
    func deregister(_ fd: Int32, _ desc: PollDesc) {
        _ = nk_epoll_ctl(epfd, NK_EPOLL_CTL_DEL, fd, 0, 0)
        let retained = Unmanaged.passUnretained(desc)
        if isOnLoop {
            retiring.append(retained)
            return
        }
        let wake = remote.withLock { r -> Bool in
            r.retired.append(retained)
            // Retiring is never urgent: no wake-up needed, the next loop turn frees it.
            return false
        }
        if wake { signal() }
    }

    // MARK: - Timers

    /// Called after a timer was armed from any thread with a deadline of `instant`: wakes the loop if it sleeps
    /// past that instant.
    func timerArmed(at instant: MonoTime) {
        if isOnLoop { return }
        let wake = remote.withLock { r -> Bool in
            guard r.sleeping else { return false }
            if let until = r.sleepUntil, until <= instant { return false }
            r.sleeping = false
            return true
        }
        if wake { signal() }
    }

    // MARK: - The loop

    private func run() {
        // Threads inherit their creator's name; give the loop its own (visible in perf and top -H).
        // First, before anything runs here: `isOnLoop`, `current` and the default executor read it.
        nk_set_current_loop(Unmanaged.passUnretained(self).toOpaque())
        _ = nk_set_thread_name("NetKit-loop-\(index)")
        let executor = asUnownedTaskExecutor()
        let globalExecutor = EventLoopDefaultExecutor.shared.asUnownedTaskExecutor()
        while true {
            // 1. Run what is runnable. Jobs enqueued while running go to the next round, after a poll.
            if !localJobs.isEmpty {
                swap(&localJobs, &runningJobs)
                for job in runningJobs {
                    job.job.runSynchronously(on: job.global ? globalExecutor : executor)
                }
                runningJobs.removeAll(keepingCapacity: true)
            }
            // 2. Take what other threads handed over; decide how long we may sleep.
            let nextTimer = timers.withLock { $0.earliest }
            let now = nextTimer == nil ? MonoTime(nanoseconds: 0) : MonoTime.now
                        var timeout: Int32 = 0
            remote.withLock { r in
                if !r.jobs.isEmpty {
                    localJobs.append(contentsOf: r.jobs)
                    r.jobs.removeAll(keepingCapacity: true)
                }
                if !r.retired.isEmpty {
                    retiring.append(contentsOf: r.retired)
                    r.retired.removeAll(keepingCapacity: true)
                }
                if localJobs.isEmpty {
                    timeout = EventLoop.milliseconds(until: nextTimer, from: now)
                    if timeout != 0 {
                        r.sleeping = true
                        r.sleepUntil = nextTimer
                    }
                }
            }
            // 3. Poll.
            let n = nk_epoll_wait(epfd, events, maxEvents, timeout)
            if timeout != 0 {
                remote.withLock { r in r.sleeping = false; r.sleepUntil = nil }
            }
            if n > 0 {
                for i in 0..<Int(n) {
                    let token = nk_epoll_event_data(events, Int32(i))
                    let mask = nk_epoll_event_events(events, Int32(i))
                    if token == 0 {
                        var value: UInt64 = 0
                        _ = withUnsafeMutableBytes(of: &value) { read(wakeFD, $0.baseAddress, 8) }
                        continue
                    }
                    // The registration's +1 keeps the descriptor alive until it is retired after this batch,
                    // so no retain/release pair is needed around the call.
                    Unmanaged<PollDesc>.fromOpaque(UnsafeRawPointer(bitPattern: UInt(token))!)
                        ._withUnsafeGuaranteedRef { $0.deliver(events: mask) }
                }
            } else if n < 0 {
                let err = Errno.current
                precondition(err == .interrupted, "NetKit: epoll_wait failed: \(err)")
            }
            // 4. Fire expired deadline timers.
            if nextTimer != nil {
                fireTimers()
            }
            // 5. Drop the registrations retired before this batch was taken.
            if !retiring.isEmpty {
                for desc in retiring { desc.release() }
                retiring.removeAll(keepingCapacity: true)
            }
        }
    }

    private func fireTimers() {
        let now = MonoTime.now
        timers.withLock { heap in
            while let entry = heap.popExpired(now: now) {
                expired.append(entry)
            }
        }
        guard !expired.isEmpty else { return }
        for entry in expired {
            entry.desc.takeUnretainedValue().timerFired(entry.mode, now: now)
            entry.desc.release()
        }
        expired.removeAll(keepingCapacity: true)
    }

    /// epoll_wait's timeout for a deadline: rounded up to whole milliseconds so the loop never wakes early
    /// and spins; -1 when there is no timer.
    static func milliseconds(until deadline: MonoTime?, from now: MonoTime) -> Int32 {
        guard let deadline else { return -1 }
        if deadline <= now { return 0 }
        let nanos = deadline.nanoseconds &- now.nanoseconds
        if nanos <= 0 || nanos >= Int64(Int32.max) * 1_000_000 { return Int32.max }
        return Int32((nanos + 999_999) / 1_000_000)
    }
}

/// A job in a loop's queue: a task's job for the loop as its preferred `TaskExecutor`, or (`global`) a job of
/// Swift's global executor when the loops are the default executor.
struct LoopJob {
    var job: UnownedJob
    var global: Bool
}
