import CNetKit
import Glibc
import Synchronization

/// A direction of I/O on a descriptor: reads (and accepts) or writes (and connects).
enum PollMode: Int, Sendable {
    case read = 0
    case write = 1
}

/// Why a parked call was resumed.
enum PollWake: Sendable {
    case ready
    case closed
    case timeout
    case cancelled
}

/// How a poller operation failed. The network layer turns these into Go's errors
/// (`ErrClosed`, `os.ErrDeadlineExceeded`, `CancellationError`, `SyscallError`).
enum PollError: Error, Equatable {
    /// The descriptor was closed (before or during the call): Go's `ErrNetClosing`.
    case closed
    /// The deadline of this direction passed: Go's `ErrDeadlineExceeded`.
    case timeout
    /// The calling task was cancelled while the call was parked (or before it began).
    case cancelled
    /// The system call failed.
    case errno(Errno)
}

/// Two `Int`s indexed by `PollMode`.
struct PerMode<Value> {
    var read: Value
    var write: Value
    init(_ both: Value) { read = both; write = both }
    // Plain get/set on a trivial `Direction` compile to a few loads and stores. (Yield-once `_read`/`_modify`
    // coroutines looked cheaper but allocate their frame on the heap here: ~8 mallocs per read + write.)
    @inline(__always)
    subscript(_ raw: Int) -> Value {
        get { raw == 0 ? read : write }
        set { if raw == 0 { read = newValue } else { write = newValue } }
    }
    @inline(__always)
    subscript(_ mode: PollMode) -> Value {
        get { mode == .read ? read : write }
        set { if mode == .read { read = newValue } else { write = newValue } }
    }
}

/// The poller's per-descriptor state and the only place where `EAGAIN` turns into a wait — NetKit's
/// counterpart of Go's `internal/poll.FD` together with the runtime's `pollDesc`.
///
/// - One owner per descriptor with a count of operations that are inside a system call on it (Go's
///   `fdMutex`): `close()` marks the descriptor closed and wakes every parked reader, writer and acceptor;
///   the real `close(2)` happens when the last in-flight system call leaves, so a reused descriptor number
///   can never receive a stale wake-up or another connection's bytes. A parked call holds no reference:
///   it touches the descriptor again only after re-checking `closing` under the lock.
/// - Operations of one direction are serialised (Go's read and write locks), so at most one reader and
///   one writer park at a time, and concurrent writes never interleave their bytes.
/// - Deadlines are absolute instants per direction. A past deadline fails at once; a parked call gets a
///   timer on its loop's heap; moving a deadline re-arms that timer or wakes the call.
/// - Task cancellation resumes a parked call with `.cancelled`; nothing is consumed, so no data is lost.
///
/// Everything mutable sits in `state` (a `Mutex`), except `timerIndex`, which belongs to the loop's
/// timer heap and is only touched with that heap locked.
final class PollDesc: TimerTarget, @unchecked Sendable {
    let socket: Socket
    let loop: EventLoop


    private struct Direction {
        /// An edge arrived that no parked call consumed.
        var ready = false
        /// The last stream read returned less than it asked for, so the socket is probably empty: the next read
        /// may park at once (unless `ready`) instead of spending a system call on `EAGAIN`. Safe because with
        /// edge-triggered epoll every byte that arrives after that read produces an event that sets `ready` or
        /// wakes the parked reader.
        var drained = false
        var waiter: UnsafeContinuation<PollWake, Never>? = nil
        var deadline: MonoTime? = nil
        var timerArmed = false
        /// An operation of this direction is in progress (Go's fdMutex read/write lock).
        var locked = false
    }

    private struct State {
        var closing = false
        /// The peer hung up or the socket has an error or was shut down for reading (RDHUP/HUP/ERR): a state,
        /// not an arrival, so no further edge will announce it. Reads never skip their system call after it.
        /// Urgent data (PRI) sets it too: a read stops short at the urgent mark, before bytes the same edge
        /// announced.
        var hangup = false
        var closed = false
        /// Operations currently inside a system call on the descriptor.
        var refs = 0
        var nextWaiterID: UInt64 = 0
        var dirs = PerMode(Direction())
        /// Operations waiting for their direction's `locked` (rare: concurrent reads or concurrent writes on one
        /// descriptor), in arrival order. Kept out of `Direction` so that it stays plain data.
        var lockWaiters: [(id: UInt64, mode: PollMode, continuation: UnsafeContinuation<PollWake, Never>)] = []
    }

    private let state = Mutex(State())

    /// Takes ownership of `socket` (which must be non-blocking) and registers it with a loop.
    init(socket: Socket, loop: EventLoop = EventLoop.next()) throws(Errno) {
        self.socket = socket
        self.loop = loop
        super.init()
        try loop.register(socket.rawValue, self)
    }

    // MARK: - Readiness, timers (called on the loop thread)

    /// An epoll event for this descriptor.
    func deliver(events: UInt32) {
        let readable = events & (NK_EPOLLIN | NK_EPOLLRDHUP | NK_EPOLLHUP | NK_EPOLLERR | NK_EPOLLPRI) != 0
        let writable = events & (NK_EPOLLOUT | NK_EPOLLHUP | NK_EPOLLERR) != 0
        var wakeRead: UnsafeContinuation<PollWake, Never>? = nil
        var wakeWrite: UnsafeContinuation<PollWake, Never>? = nil
        state.withLock { s in
            // Urgent data (PRI) too: recv stops short at the urgent mark with bytes behind it that the same edge
            // announced, so a short read does not mean drained from then on either.
            if events & (NK_EPOLLRDHUP | NK_EPOLLHUP | NK_EPOLLERR | NK_EPOLLPRI) != 0 { s.hangup = true }
            if readable { wakeRead = takeReady(&s, .read) }
            if writable { wakeWrite = takeReady(&s, .write) }
        }
        wakeRead?.resume(returning: .ready)
        wakeWrite?.resume(returning: .ready)
    }

    private func takeReady(_ s: inout State, _ mode: PollMode) -> UnsafeContinuation<PollWake, Never>? {
        if let waiter = s.dirs[mode].waiter {
            s.dirs[mode].waiter = nil
            disarmTimer(&s, mode)
            return waiter
        }
        s.dirs[mode].ready = true
        return nil
    }

    /// The loop's timer for `mode` expired: time out the parked call if its deadline has really passed (it may
    /// have been moved, or the call may have been resumed and a new one parked, since the timer was popped).
    override func timerFired(_ mode: PollMode, now: MonoTime) {
        let waiter: UnsafeContinuation<PollWake, Never>? = state.withLock { s in
            s.dirs[mode].timerArmed = false
            guard let w = s.dirs[mode].waiter, let deadline = s.dirs[mode].deadline, deadline <= now else {
                // Still parked with a later deadline: re-arm.
                if s.dirs[mode].waiter != nil, let deadline = s.dirs[mode].deadline {
                    armTimer(&s, mode, deadline)
                }
                return nil
            }
            s.dirs[mode].waiter = nil
            return w
        }
        waiter?.resume(returning: .timeout)
    }

    private func armTimer(_ s: inout State, _ mode: PollMode, _ deadline: MonoTime) {
        s.dirs[mode].timerArmed = true
        loop.timers.withLock { $0.schedule(self, mode, at: deadline) }
        loop.timerArmed(at: deadline)
    }

    private func disarmTimer(_ s: inout State, _ mode: PollMode) {
        guard s.dirs[mode].timerArmed else { return }
        s.dirs[mode].timerArmed = false
        loop.timers.withLock { $0.cancel(self, mode) }
    }

    // MARK: - Operations

    /// Begins an operation in `mode`: takes the direction's lock (waiting for it if another operation of
    /// the same direction is in progress), checks closing, the deadline and cancellation, and takes a
    /// reference for the system call that follows. Go's `fd.readLock()` + `fd.pd.prepareRead()`.
    @inline(__always)
    nonisolated(nonsending) func begin(_ mode: PollMode) async throws(PollError) {
        _ = try await begin(mode, useDrainedHint: false)
    }

    /// `begin`, and whether the caller should wait for readiness before its first system call (the socket was
    /// left drained by the previous read and no edge has arrived since).
    @inline(__always)
    nonisolated(nonsending) func begin(_ mode: PollMode, useDrainedHint: Bool) async throws(PollError) -> Bool {
        if Task.isCancelled { throw .cancelled }
        var waitFirst = false
        let fast: PollError?? = state.withLock { s -> PollError?? in
            if s.closing { return .some(.closed) }
            if s.dirs[mode].locked { return .none }
            if let deadline = s.dirs[mode].deadline, deadline <= MonoTime.now { return .some(.timeout) }
            s.dirs[mode].locked = true
            s.refs += 1
            waitFirst = useDrainedHint && s.dirs[mode].drained && !s.dirs[mode].ready && !s.hangup
            s.dirs[mode].drained = false
            return .some(nil)
        }
        switch fast {
        case .none: try await beginSlow(mode); return false
        case .some(.none): return waitFirst
        case .some(.some(let error)): throw error
        }
    }

    /// Slow path of `begin`: the direction is locked by another operation; queue for it.
    nonisolated(nonsending) private func beginSlow(_ mode: PollMode) async throws(PollError) {
        while true {
            // Fast re-check; the lock may have been released meanwhile.
            var newID: UInt64 = 0
            let immediate: PollError?? = state.withLock { s in
                if s.closing { return .some(.closed) }
                if !s.dirs[mode].locked {
                    if let deadline = s.dirs[mode].deadline, deadline <= MonoTime.now { return .some(.timeout) }
                    s.dirs[mode].locked = true
                    s.refs += 1
                    return .some(nil)
                }
                newID = s.nextWaiterID
                s.nextWaiterID &+= 1
                return .none
            }
            if let immediate {
                if let error = immediate { throw error }
                return
            }
            let id = newID
            let wake = await withTaskCancellationHandler {
                await withUnsafeContinuation { (c: UnsafeContinuation<PollWake, Never>) in
                    let now: PollWake? = state.withLock { s in
                        if s.closing { return .closed }
                        if Task.isCancelled { return .cancelled }
                        if !s.dirs[mode].locked {
                            // Free again: take it now, as a hand-over would.
                            s.dirs[mode].locked = true
                            return .ready
                        }
                        s.lockWaiters.append((id, mode, c))
                        return nil
                    }
                    if let now { c.resume(returning: now) }
                }
            } onCancel: {
                let c: UnsafeContinuation<PollWake, Never>? = state.withLock { s in
                    guard let i = s.lockWaiters.firstIndex(where: { $0.id == id }) else { return nil }
                    return s.lockWaiters.remove(at: i).continuation
                }
                c?.resume(returning: .cancelled)
            }
            switch wake {
            case .ready:
                // We own the direction's lock now (handed over, or taken when found free).
                let handed: PollError?? = state.withLock { s in
                    if s.closing {
                        return .some(.closed)
                    }
                    if let deadline = s.dirs[mode].deadline, deadline <= MonoTime.now {
                        return .some(.timeout)
                    }
                    s.refs += 1
                    return .some(nil)
                }
                if case .some(let error?) = handed {
                    release(mode, heldRef: false)
                    throw error
                }
                return
            case .closed: throw .closed
            case .timeout: throw .timeout
            case .cancelled: throw .cancelled
            }
        }
    }

    /// Ends an operation: drops the reference (closing the descriptor if it was the last one of a closed
    /// descriptor) and releases the direction's lock, handing it to the next queued operation.
    @inline(__always)
    func end(_ mode: PollMode, drained: Bool = false) {
        release(mode, heldRef: true, drained: drained)
    }

    private func release(_ mode: PollMode, heldRef: Bool, drained: Bool = false) {
        var next: UnsafeContinuation<PollWake, Never>? = nil
        let closeNow: Bool = state.withLock { s in
            if heldRef { s.refs -= 1 }
            s.dirs[mode].drained = drained
            if !s.lockWaiters.isEmpty, let i = s.lockWaiters.firstIndex(where: { $0.mode == mode }) {
                // Hand the lock over directly (it stays locked) so that no newcomer overtakes the queue.
                next = s.lockWaiters.remove(at: i).continuation
            } else {
                s.dirs[mode].locked = false
            }
            return takeCloseDuty(&s)
        }
        next?.resume(returning: .ready)
        if closeNow { closeDescriptor() }
    }

    /// Waits until the descriptor may be ready in `mode` after a system call returned `EAGAIN`. The caller
    /// holds the direction's lock and a reference; the reference is dropped while parked and taken back before
    /// returning. On error the direction's lock is released too (the operation is over).
    ///
    /// Inlined, with `park`, so that waiting adds no frame to a parked task: every idle connection pays for the
    /// async frames of its parked read (they must fit the task allocator's first 1 KiB slab), and every
    /// frame is a task allocation and a free per request.
    @inline(__always)
    nonisolated(nonsending) func waitReady(_ mode: PollMode) async throws(PollError) {
        switch await park(mode, onCancel: { self.cancelWaiter(mode) }) {
        case .ready: return
        case .closed: release(mode, heldRef: false); throw .closed
        case .timeout: release(mode, heldRef: false); throw .timeout
        case .cancelled: release(mode, heldRef: false); throw .cancelled
        }
    }

    /// The slow path of `waitReady`: parks until an edge, the deadline, close or cancellation, with `onCancel`
    /// registered as the task's cancellation handler, and takes the operation's reference back if it goes on
    /// (`.ready`). Two lock round trips when it parks: one to drop the reference and park (or return at once:
    /// an edge arrived since the system call, the descriptor is closing, the deadline passed, the task is
    /// cancelled), one to take the reference back.
    ///
    /// Where NetKit has the runtime trampolines (`Sources/CNetKit/cancel.c`: x86-64 and arm64), this is
    /// `withTaskCancellationHandler` without its operation closure, whose frames (about 200 bytes) would push
    /// every parked connection task past the task allocator's first 1 KiB slab. `onCancel` is a parameter, so
    /// it outlives the suspension, exactly as in `withTaskCancellationHandler`; the runtime runs it at once if
    /// the task is already cancelled. Inlined into the operation that waits: one frame fewer per park (4 % of
    /// an echoed request's instructions), and a parked lent read still fits the first slab (idle connections
    /// measured unchanged at 1.82 KiB).
    @inline(__always)
    nonisolated(nonsending) private func park(_ mode: PollMode, onCancel: @Sendable () -> Void) async -> PollWake {
        #if arch(x86_64) || arch(arm64)
        let record = taskAddCancellationHandler(handler: onCancel)
        // The executor-inheriting form: a parked call resumes on the executor it parked on without the
        // extra `swift_task_switch` (an executor-preference lookup under the task's status lock) that
        // `withUnsafeContinuation(isolation:)` adds after every resume: 4 % of a request's instructions.
        let wake = await _unsafeInheritExecutor_withUnsafeContinuation { (c: UnsafeContinuation<PollWake, Never>) in
            parkOrResume(c, mode)
        }
        taskRemoveCancellationHandler(record: record)
        #else
        let wake = await withTaskCancellationHandler {
            await withUnsafeContinuation { (c: UnsafeContinuation<PollWake, Never>) in
                parkOrResume(c, mode)
            }
        } onCancel: {
            onCancel()
        }
        #endif
        return retakeReference(after: wake, mode)
    }

    /// Drops the operation's reference and parks `c` as the waiter of `mode`, or resumes it at once (closed, an
    /// edge arrived meanwhile, the deadline passed, the task is cancelled).
    private func parkOrResume(_ c: UnsafeContinuation<PollWake, Never>, _ mode: PollMode) {
        let (now, closeNow): (PollWake?, Bool) = state.withLock { s in
            s.refs -= 1
            let closeNow = takeCloseDuty(&s)
            if s.closing { return (.closed, closeNow) }
            if s.dirs[mode].ready {
                s.dirs[mode].ready = false
                return (.ready, closeNow)
            }
            if let deadline = s.dirs[mode].deadline {
                if deadline <= MonoTime.now { return (.timeout, closeNow) }
                armTimer(&s, mode, deadline)
            }
            if Task.isCancelled {
                disarmTimer(&s, mode)
                return (.cancelled, closeNow)
            }
            s.dirs[mode].waiter = c
            return (nil, closeNow)
        }
        if closeNow { closeDescriptor() }
        if let now { c.resume(returning: now) }
    }

    /// The cancellation handler of a parked call: resumes it with `.cancelled` if it is still parked.
    private func cancelWaiter(_ mode: PollMode) {
        let c: UnsafeContinuation<PollWake, Never>? = state.withLock { s in
            guard let w = s.dirs[mode].waiter else { return nil }
            s.dirs[mode].waiter = nil
            disarmTimer(&s, mode)
            return w
        }
        c?.resume(returning: .cancelled)
    }

    /// After a wake-up: takes the operation's reference back unless the call is over.
    private func retakeReference(after wake: PollWake, _ mode: PollMode) -> PollWake {
        state.withLock { s in
            if s.closing { return .closed }
            if wake == .ready || wake == .timeout {
                // A timeout is final only if the deadline (which may have moved) really passed.
                if let deadline = s.dirs[mode].deadline, deadline <= MonoTime.now { return .timeout }
                s.refs += 1
                return .ready
            }
            return wake
        }
    }

    // MARK: - Deadlines

    /// Sets the deadline of `mode` (nil: none). Applies to the parked call (which is woken or re-timed) and to
    /// future calls. Go's `fd.pd.setDeadline` / runtime `poll_runtime_pollSetDeadline`.
    func setDeadline(_ instant: ContinuousClock.Instant?, _ mode: PollMode) throws(PollError) {
        let deadline = instant.map(MonoTime.init)
        let waiter: UnsafeContinuation<PollWake, Never>? = try state.withLock { s throws(PollError) in
            if s.closing { throw .closed }
            s.dirs[mode].deadline = deadline
            guard s.dirs[mode].waiter != nil else { return nil }
            if let deadline {
                if deadline <= MonoTime.now {
                    let w = s.dirs[mode].waiter
                    s.dirs[mode].waiter = nil
                    disarmTimer(&s, mode)
                    return w
                }
                armTimer(&s, mode, deadline)
            } else {
                disarmTimer(&s, mode)
            }
            return nil
        }
        waiter?.resume(returning: .timeout)
    }

    /// The deadline of `mode`.
    func deadline(_ mode: PollMode) -> ContinuousClock.Instant? {
        state.withLock { $0.dirs[mode].deadline }?.instant
    }

    // MARK: - Non-I/O use of the descriptor

    /// Runs `body` with the descriptor referenced, so it cannot be closed underneath (Go's `fd.incref`).
    func withDescriptor<R>(_ body: (Socket) throws(Errno) -> R) throws(PollError) -> R {
        try state.withLock { s throws(PollError) in
            if s.closing { throw .closed }
            s.refs += 1
        }
        defer {
            let closeNow = state.withLock { s in
                s.refs -= 1
                return takeCloseDuty(&s)
            }
            if closeNow { closeDescriptor() }
        }
        do {
            return try body(socket)
        } catch {
            throw .errno(error)
        }
    }

    var isClosed: Bool { state.withLock { $0.closing } }

    /// The reading side was shut down by us: reads must go to the kernel (which returns EOF) from now on.
    func noteReadShutdown() {
        state.withLock { $0.hangup = true }
    }

    // MARK: - Close

    /// Marks the descriptor closed and wakes every parked call with `.closed`; the descriptor itself is closed
    /// now if no system call is using it, else by the last one to leave. A second close throws `.closed`.
    /// Go's `FD.Close` (which additionally waits for that last call; here the window is one system call).
    func close() throws(PollError) {
        var woken: [UnsafeContinuation<PollWake, Never>] = []
        let closeNow: Bool = try state.withLock { s throws(PollError) in
            if s.closing { throw .closed }
            s.closing = true
            for mode in [PollMode.read, .write] {
                if let w = s.dirs[mode].waiter {
                    woken.append(w)
                    s.dirs[mode].waiter = nil
                }
                disarmTimer(&s, mode)
            }
            for entry in s.lockWaiters { woken.append(entry.continuation) }
            s.lockWaiters.removeAll()
            return takeCloseDuty(&s)
        }
        for w in woken { w.resume(returning: .closed) }
        if closeNow { closeDescriptor() }
    }

    /// True exactly once: when the descriptor is closing and no system call uses it any more.
    private func takeCloseDuty(_ s: inout State) -> Bool {
        guard s.closing, s.refs == 0, !s.closed else { return false }
        s.closed = true
        return true
    }

    private func closeDescriptor() {
        loop.deregister(socket.rawValue, self)
        // close(2) is never retried: on Linux the descriptor is released even when it reports EINTR.
        try? socket.close()
    }
}

#if arch(x86_64) || arch(arm64)
/// The Swift runtime's `swift_task_addCancellationHandler`, the entry point behind
/// `withTaskCancellationHandler` (the standard library declares it the same way), reached through a
/// trampoline in CNetKit because Swift reserves the runtime's names.
@_silgen_name("nk_task_add_cancellation_handler")
private func taskAddCancellationHandler(handler: @Sendable () -> Void) -> UnsafeRawPointer

/// The Swift runtime's `swift_task_removeCancellationHandler`, through CNetKit's trampoline.
@_silgen_name("nk_task_remove_cancellation_handler")
private func taskRemoveCancellationHandler(record: UnsafeRawPointer)
#endif
