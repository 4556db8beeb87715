import Synchronization

/// The address of both ends of a `pipe()`: network "pipe", printed "pipe".
///
/// The corresponding Go type is net's unexported `pipeAddr`.
public struct PipeAddr: Addr, Hashable {
    /// Creates the address: Go's `pipeAddr{}`.
    public init() {}
    /// "pipe". The corresponding Go method is `pipeAddr.Network`.
    public var network: String { "pipe" }
    /// "pipe". The corresponding Go method is `pipeAddr.String`.
    public var description: String { "pipe" }
}

/// Creates a synchronous, in-memory, full-duplex connection; both ends are `Conn`s. Reads on one end are
/// matched with writes on the other, copying the bytes directly from the writer's buffer into the reader's:
/// there is no internal buffering, and a `write` suspends until readers have consumed all of it (one or more
/// reads; a read never returns bytes of two writes). Concurrent writes on one end never interleave.
///
/// Semantics, as Go's `net.Pipe`:
/// - reading after this end was closed throws `IOError.closedPipe`; after the other end was closed,
///   `IOError.eof`; writing after either end was closed throws `IOError.closedPipe` — all bare, and a call
///   parked at that moment is woken with the same error;
/// - deadlines work per end and per direction as on a socket: a passed deadline fails calls at once, a parked
///   call observes a moved deadline, and the error is `OpError` "read pipe: i/o timeout" wrapping
///   `DeadlineExceededError` (`isTimeout`); a timeout is not fatal;
/// - `setDeadline` on a pipe one of whose ends is closed throws `IOError.closedPipe`; `close` never throws
///   (a second close is a no-op);
/// - both addresses are `PipeAddr` ("pipe").
///
/// Swift additions: a parked `read` or `write` in a cancelled task throws `CancellationError` (a read then
/// consumed nothing; a write may have handed part of its bytes to readers, which stay delivered, and hands
/// over no more); the pipe stays usable. Two deliberate differences from Go, shared with `ioPipe()`
/// and the `Conn` contract: an empty read and an empty write return 0 at once (after the closed and deadline
/// checks) instead of waiting for a matching call on the other end.
///
/// (Go's `io.Pipe` is `ioPipe()` in NetKit's single module.)
/// The corresponding Go function is `net.Pipe`.
public func pipe() -> (any Conn, any Conn) {
    let core = NetPipeCore()
    return (NetPipeEnd(core: core, side: 0), NetPipeEnd(core: core, side: 1))
}

/// One end of a `pipe()`. Go's unexported `pipe`.
final class NetPipeEnd: Conn {
    let core: NetPipeCore
    let side: Int

    init(core: NetPipeCore, side: Int) {
        self.core = core
        self.side = side
    }

    deinit {
        // Like a socket: dropping the last reference closes this end, so the other end sees EOF.
        core.close(side)
    }

    nonisolated(nonsending) func read(into buffer: UnsafeMutableRawBufferPointer) async throws -> Int {
        try await core.read(side, count: buffer.count) { source in
            buffer.baseAddress!.copyMemory(from: source.baseAddress!, byteCount: source.count)
        }
    }

    nonisolated(nonsending) func read(into buffer: inout [UInt8]) async throws -> Int {
        try await core.read(side, count: buffer.count) { source in
            buffer.withUnsafeMutableBytes { $0.baseAddress!.copyMemory(from: source.baseAddress!, byteCount: source.count) }
        }
    }

    @discardableResult
    nonisolated(nonsending) func write(_ buffer: UnsafeRawBufferPointer) async throws -> Int {
        try await core.write(side, buffer)
    }

    func close() throws { core.close(side) }

    var localAddr: any Addr { PipeAddr() }
    var remoteAddr: any Addr { PipeAddr() }

    func setDeadline(_ deadline: ContinuousClock.Instant?) throws {
        try core.setDeadline(side, deadline, read: true, write: true)
    }

    func setReadDeadline(_ deadline: ContinuousClock.Instant?) throws {
        try core.setDeadline(side, deadline, read: true, write: false)
    }

    func setWriteDeadline(_ deadline: ContinuousClock.Instant?) throws {
        try core.setDeadline(side, deadline, read: false, write: true)
    }
}

/// The shared state of both ends of a `pipe()`: everything is under one lock, so a close, a deadline
/// change, a write's offer and a read's copy are each atomic with respect to the other end.
///
/// A writer posts an offer (its buffer, which stays valid while it is parked) and parks until readers of the
/// other end have copied all of it out, under the lock. Every parked call is a waiter with an id; a change
/// that may concern it (an offer, a consumed offer, a released write lock, a close, a deadline change, its
/// timer) resumes it with `.retry`, and it re-evaluates from scratch. `epoch` counts changes, so that a call
/// never parks on a state it has not seen (no lost wake-up). Every continuation is resumed exactly once: only
/// the one who removes a waiter from its list resumes it.
final class NetPipeCore: Sendable {
    enum Wake: Sendable {
        case retry
        case cancelled
    }

    enum Direction {
        case read
        case write
    }

    struct Waiter {
        var id: UInt64
        var continuation: UnsafeContinuation<Wake, Never>
        var timer: Task<Void, Never>?
    }

    /// A writer's bytes not yet read. The writer's buffer stays valid while the writer is parked, and it is
    /// only read under the lock, while the offer is posted: the pointer may cross tasks.
    struct Offer: @unchecked Sendable {
        var base: UnsafeRawPointer
        var count: Int
        var consumed: Int
    }

    struct Side {
        var closed = false
        var readDeadline: ContinuousClock.Instant?
        var writeDeadline: ContinuousClock.Instant?
        /// Reads of this end waiting for an offer of the other end.
        var readWaiters: [Waiter] = []
        /// Writes of this end: the one whose offer is out, and those waiting for the write lock.
        var writeWaiters: [Waiter] = []
        /// A write of this end holds the write lock (Go's `wrMu`).
        var writing = false
        /// What this end's writer offers to the other end's readers.
        var offer: Offer?
    }

    struct State {
        var sides = [Side(), Side()]
        var epoch: UInt64 = 0
        var nextID: UInt64 = 0
    }

    let state = Mutex(State())

    // MARK: Read

    /// Go's `pipe.read`: closed checks, deadline, then one copy from the other end's offer.
    nonisolated(nonsending) func read(_ me: Int, count: Int, copy: (UnsafeRawBufferPointer) -> Void) async throws -> Int {
        let other = 1 - me
        while true {
            enum Step { case done(Int, [Waiter]), fail(any Error), park(UInt64) }
            let step: Step = state.withLock { s in
                if s.sides[me].closed { return .fail(IOError.closedPipe) }
                if s.sides[other].closed { return .fail(IOError.eof) }
                if Self.passed(s.sides[me].readDeadline) { return .fail(Self.timeout("read")) }
                if count == 0 { return .done(0, []) }
                guard var offer = s.sides[other].offer else { return .park(s.epoch) }
                let n = min(count, offer.count - offer.consumed)
                copy(UnsafeRawBufferPointer(start: offer.base + offer.consumed, count: n))
                offer.consumed += n
                if offer.consumed < offer.count {
                    s.sides[other].offer = offer
                    return .done(n, [])
                }
                // The whole write was read: wake its writer (and those queued behind it).
                s.sides[other].offer = nil
                s.epoch &+= 1
                let woken = s.sides[other].writeWaiters
                s.sides[other].writeWaiters.removeAll()
                return .done(n, woken)
            }
            switch step {
            case .done(let n, let woken):
                Self.resume(woken)
                return n
            case .fail(let error):
                throw error
            case .park(let epoch):
                if await park(me, .read, seen: epoch) == .cancelled { throw CancellationError() }
            }
        }
    }

    // MARK: Write

    /// Go's `pipe.write`: closed checks, deadline, the write lock, then an offer that readers consume.
    nonisolated(nonsending) func write(_ me: Int, _ buffer: UnsafeRawBufferPointer) async throws -> Int {
        let other = 1 - me
        let offer = buffer.isEmpty ? nil : Offer(base: buffer.baseAddress!, count: buffer.count, consumed: 0)
        // Take the write lock and post the offer.
        while true {
            enum Step { case posted([Waiter]), done, fail(any Error), park(UInt64) }
            let step: Step = state.withLock { s in
                if s.sides[me].closed || s.sides[other].closed { return .fail(IOError.closedPipe) }
                if Self.passed(s.sides[me].writeDeadline) { return .fail(Self.timeout("write")) }
                if buffer.isEmpty { return .done }
                if s.sides[me].writing { return .park(s.epoch) }
                s.sides[me].writing = true
                s.sides[me].offer = offer
                s.epoch &+= 1
                let woken = s.sides[other].readWaiters
                s.sides[other].readWaiters.removeAll()
                return .posted(woken)
            }
            switch step {
            case .posted(let woken):
                Self.resume(woken)
            case .done:
                return 0
            case .fail(let error):
                throw error
            case .park(let epoch):
                if await park(me, .write, seen: epoch) == .cancelled { throw CancellationError() }
                continue
            }
            break
        }
        // Wait until the offer is consumed, or the pipe closes, the deadline passes, the task is cancelled.
        while true {
            enum Step { case done([Waiter]), fail(any Error, [Waiter]), park(UInt64) }
            let step: Step = state.withLock { s in
                func release(_ error: (any Error)?) -> Step {
                    s.sides[me].offer = nil
                    s.sides[me].writing = false
                    s.epoch &+= 1
                    let woken = s.sides[me].writeWaiters
                    s.sides[me].writeWaiters.removeAll()
                    if let error { return .fail(error, woken) }
                    return .done(woken)
                }
                if s.sides[me].offer == nil { return release(nil) }
                if s.sides[me].closed || s.sides[other].closed { return release(IOError.closedPipe) }
                if Self.passed(s.sides[me].writeDeadline) { return release(Self.timeout("write")) }
                return .park(s.epoch)
            }
            switch step {
            case .done(let woken):
                Self.resume(woken)
                return buffer.count
            case .fail(let error, let woken):
                Self.resume(woken)
                throw error
            case .park(let epoch):
                if await park(me, .write, seen: epoch) == .cancelled {
                    // Withdraw the rest of the offer (unless it was consumed meanwhile: then it succeeded).
                    let woken: [Waiter]? = state.withLock { s in
                        guard s.sides[me].offer != nil else { return nil }
                        s.sides[me].offer = nil
                        s.sides[me].writing = false
                        s.epoch &+= 1
                        let woken = s.sides[me].writeWaiters
                        s.sides[me].writeWaiters.removeAll()
                        return woken
                    }
                    guard let woken else { continue }
                    Self.resume(woken)
                    throw CancellationError()
                }
            }
        }
    }

    // MARK: Close and deadlines

    /// Go's `pipe.Close`: idempotent, never fails; wakes every parked call of both ends.
    func close(_ me: Int) {
        let woken: [Waiter] = state.withLock { s in
            if s.sides[me].closed { return [] }
            s.sides[me].closed = true
            return Self.takeAll(&s)
        }
        Self.resume(woken)
    }

    /// Go's `pipe.SetDeadline` and friends: `IOError.closedPipe` once either end is closed; parked calls of the
    /// direction re-evaluate against the new deadline.
    func setDeadline(_ me: Int, _ deadline: ContinuousClock.Instant?, read: Bool, write: Bool) throws {
        let woken: [Waiter] = try state.withLock { s throws(IOError) in
            if s.sides[0].closed || s.sides[1].closed { throw .closedPipe }
            var woken: [Waiter] = []
            if read {
                s.sides[me].readDeadline = deadline
                woken += s.sides[me].readWaiters
                s.sides[me].readWaiters.removeAll()
            }
            if write {
                s.sides[me].writeDeadline = deadline
                woken += s.sides[me].writeWaiters
                s.sides[me].writeWaiters.removeAll()
            }
            s.epoch &+= 1
            return woken
        }
        Self.resume(woken)
    }

    // MARK: Parking

    /// Parks the calling task as a waiter of `direction` on end `me` unless the state changed since `seen`.
    /// Returns `.retry` when woken by a change or the waiter's deadline timer, `.cancelled` when the task is
    /// cancelled.
    private nonisolated(nonsending) func park(_ me: Int, _ direction: Direction, seen: UInt64) async -> Wake {
        let id: UInt64 = state.withLock { s in
            defer { s.nextID &+= 1 }
            return s.nextID
        }
        return await withTaskCancellationHandler {
            await withUnsafeContinuation { (c: UnsafeContinuation<Wake, Never>) in
                let parked: (Bool, ContinuousClock.Instant?) = state.withLock { s in
                    if s.epoch != seen { return (false, nil) }
                    if Task.isCancelled { return (false, nil) }
                    let waiter = Waiter(id: id, continuation: c, timer: nil)
                    switch direction {
                    case .read:
                        s.sides[me].readWaiters.append(waiter)
                        return (true, s.sides[me].readDeadline)
                    case .write:
                        s.sides[me].writeWaiters.append(waiter)
                        return (true, s.sides[me].writeDeadline)
                    }
                }
                guard parked.0 else {
                    c.resume(returning: Task.isCancelled ? .cancelled : .retry)
                    return
                }
                if let deadline = parked.1 {
                    startTimer(id: id, me, direction, deadline)
                }
            }
        } onCancel: {
            let waiter = takeWaiter(id)
            waiter?.timer?.cancel()
            waiter?.continuation.resume(returning: .cancelled)
        }
    }

    /// Starts the timer that wakes waiter `id` at `deadline`, and records it with the waiter (or cancels it at
    /// once if the waiter is already gone).
    private func startTimer(id: UInt64, _ me: Int, _ direction: Direction, _ deadline: ContinuousClock.Instant) {
        let timer = Task { [self] in
            try? await Task.sleep(until: deadline, clock: .continuous)
            if Task.isCancelled { return }
            let waiter = takeWaiter(id)
            waiter?.continuation.resume(returning: .retry)
        }
        let stored: Bool = state.withLock { s in
            switch direction {
            case .read:
                guard let i = s.sides[me].readWaiters.firstIndex(where: { $0.id == id }) else { return false }
                s.sides[me].readWaiters[i].timer = timer
            case .write:
                guard let i = s.sides[me].writeWaiters.firstIndex(where: { $0.id == id }) else { return false }
                s.sides[me].writeWaiters[i].timer = timer
            }
            return true
        }
        if !stored { timer.cancel() }
    }

    /// Removes waiter `id` from whichever list holds it.
    private func takeWaiter(_ id: UInt64) -> Waiter? {
        state.withLock { s in
            for side in 0..<2 {
                if let i = s.sides[side].readWaiters.firstIndex(where: { $0.id == id }) {
                    return s.sides[side].readWaiters.remove(at: i)
                }
                if let i = s.sides[side].writeWaiters.firstIndex(where: { $0.id == id }) {
                    return s.sides[side].writeWaiters.remove(at: i)
                }
            }
            return nil
        }
    }

    private static func takeAll(_ s: inout State) -> [Waiter] {
        s.epoch &+= 1
        var woken: [Waiter] = []
        for side in 0..<2 {
            woken += s.sides[side].readWaiters
            woken += s.sides[side].writeWaiters
            s.sides[side].readWaiters.removeAll()
            s.sides[side].writeWaiters.removeAll()
        }
        return woken
    }

    private static func resume(_ waiters: [Waiter]) {
        for w in waiters {
            w.timer?.cancel()
            w.continuation.resume(returning: .retry)
        }
    }

    private static func passed(_ deadline: ContinuousClock.Instant?) -> Bool {
        guard let deadline else { return false }
        return deadline <= ContinuousClock.now
    }

    /// Go's `&OpError{Op: op, Net: "pipe", Err: os.ErrDeadlineExceeded}`: "read pipe: i/o timeout".
    private static func timeout(_ op: String) -> OpError {
        OpError(op: op, net: "pipe", source: nil, addr: nil, err: DeadlineExceededError())
    }
}
