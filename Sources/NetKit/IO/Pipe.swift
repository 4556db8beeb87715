import Synchronization

/// Creates a synchronous in-memory pipe: bytes written to the `PipeWriter` are read from the
/// `PipeReader`. It connects code expecting a `Reader` with code expecting a `Writer`.
///
/// Reads and writes on the pipe are matched one to one except when several reads are needed to
/// consume a single write: each `write(_:)` suspends until it has satisfied one or more reads
/// that fully consume the written data. The data is copied directly from the write to the
/// corresponding read (or reads); there is no internal buffering, and a read never returns bytes
/// of two different writes.
///
/// It is safe to call `read` and `write` in parallel with each other or with `close`. Parallel
/// calls to `read` and parallel calls to `write` are also safe: the individual calls are gated
/// sequentially, in arrival order.
///
/// Cancellation: a `read` or `write` that would suspend (or is suspended) in a cancelled task
/// throws `CancellationError`. A cancelled read transfers nothing; a cancelled write may already
/// have handed part of its bytes to readers (they stay delivered) and hands over no more. The
/// pipe stays usable either way.
///
/// Two deliberate differences from Go: an empty read returns 0 immediately (the `Reader`
/// rule) and an empty write returns 0 immediately instead of waiting for a read to match it
/// (both still throw if the pipe is closed).
///
/// Named `ioPipe` because `pipe()` is Go's `net.Pipe` (two connected in-memory `Conn`s); one Swift module holds
/// both of Go's packages. The corresponding Go function is `io.Pipe`.
public func ioPipe() -> (PipeReader, PipeWriter) {
    let core = PipeCore()
    return (PipeReader(core), PipeWriter(core))
}

/// The read half of a pipe made by `ioPipe()`.
///
/// The corresponding Go type is `io.PipeReader`.
public final class PipeReader: Reader, Closer, Sendable {
    let core: PipeCore

    init(_ core: PipeCore) {
        self.core = core
    }

    /// Reads data from the pipe, suspending until a writer arrives or the write end is closed.
    ///
    /// If the write end was closed with an error, that error is thrown; otherwise (a plain
    /// `close()`) `IOError.eof` is thrown. After this reader's own close, throws
    /// `IOError.closedPipe`.
    ///
    /// The corresponding Go method is `io.PipeReader.Read`.
    public nonisolated(nonsending) func read(into buffer: UnsafeMutableRawBufferPointer) async throws -> Int {
        try await core.read(into: buffer)
    }

    /// Closes the reader; subsequent writes to the write half throw `IOError.closedPipe`.
    ///
    /// Never fails; may be called any number of times.
    /// The corresponding Go method is `io.PipeReader.Close`.
    public func close() {
        core.closeRead(nil)
    }

    /// Closes the reader; subsequent writes to the write half throw `error`.
    ///
    /// Never overwrites the previous error if one exists (the first close wins), and never
    /// fails. The corresponding Go method is `io.PipeReader.CloseWithError`.
    public func closeWithError(_ error: any Error) {
        core.closeRead(error)
    }
}

/// The write half of a pipe made by `ioPipe()`.
///
/// The corresponding Go type is `io.PipeWriter`.
public final class PipeWriter: Writer, Closer, Sendable {
    let core: PipeCore

    init(_ core: PipeCore) {
        self.core = core
    }

    /// Writes data to the pipe, suspending until one or more readers have consumed all of it or
    /// the read end is closed, and returns `buffer.count`.
    ///
    /// If the read end was closed with an error, that error is thrown; otherwise (a plain
    /// `close()`) `IOError.closedPipe` is thrown. After this writer's own close, throws
    /// `IOError.closedPipe`.
    ///
    /// The corresponding Go method is `io.PipeWriter.Write`.
    public nonisolated(nonsending) func write(_ buffer: UnsafeRawBufferPointer) async throws -> Int {
        try await core.write(buffer)
    }

    /// Closes the writer; subsequent reads from the read half return no bytes and throw
    /// `IOError.eof`.
    ///
    /// Never fails; may be called any number of times.
    /// The corresponding Go method is `io.PipeWriter.Close`.
    public func close() {
        core.closeWrite(nil)
    }

    /// Closes the writer; subsequent reads from the read half return no bytes and throw `error`.
    ///
    /// Never overwrites the previous error if one exists (the first close wins), and never
    /// fails. The corresponding Go method is `io.PipeWriter.CloseWithError`.
    public func closeWithError(_ error: any Error) {
        core.closeWrite(error)
    }
}

/// The shared state of a pipe: the queues of suspended readers and writers, guarded by a mutex.
///
/// Invariant after every locked section: `readers.isEmpty || writers.isEmpty` (a waiting reader
/// and a waiting writer are always matched at once). `writers[0]` is the write being consumed;
/// the others wait their turn (Go's `wrMu`).
final class PipeCore: Sendable {
    /// A raw buffer of a suspended call, published to the other side of the pipe.
    ///
    /// Safety: it is dereferenced only under `state`'s lock, while its owner is suspended in
    /// `read`/`write`, and removed from the state before its owner is resumed, so no pointer
    /// outlives the call that lent it.
    struct LentBuffer: @unchecked Sendable {
        let base: UnsafeMutableRawPointer?
        let count: Int
    }

    struct Waiter {
        let id: UInt64
        let buffer: LentBuffer
        var done = 0
        let continuation: CheckedContinuation<Int, any Error>
    }

    struct State {
        var readers: [Waiter] = []
        var writers: [Waiter] = []
        var closed = false
        var readerError: (any Error)?  // Go's rerr
        var writerError: (any Error)?  // Go's werr

        /// The error a read sees once the pipe is closed (Go's `readCloseError`).
        var readCloseError: any Error {
            if readerError == nil, let writerError { return writerError }
            return IOError.closedPipe
        }

        /// The error a write sees once the pipe is closed (Go's `writeCloseError`).
        var writeCloseError: any Error {
            if writerError == nil, let readerError { return readerError }
            return IOError.closedPipe
        }
    }

    /// A continuation to resume after the lock is released.
    enum Resumption {
        case success(CheckedContinuation<Int, any Error>, Int)
        case failure(CheckedContinuation<Int, any Error>, any Error)

        func resume() {
            switch self {
            case .success(let continuation, let n): continuation.resume(returning: n)
            case .failure(let continuation, let error): continuation.resume(throwing: error)
            }
        }
    }

    private let state = Mutex(State())
    private let ids = Atomic<UInt64>(0)

    private func makeID() -> UInt64 {
        ids.wrappingAdd(1, ordering: .relaxed).newValue
    }

    // MARK: read

    nonisolated(nonsending) func read(into buffer: UnsafeMutableRawBufferPointer) async throws -> Int {
        if buffer.isEmpty { return 0 }
        let lent = LentBuffer(base: buffer.baseAddress, count: buffer.count)

        // Fast path: a write is waiting and no earlier read is queued.
        enum Fast { case value(Int, Resumption?), failure(any Error), wait }
        let fast: Fast = state.withLock { state in
            if state.closed { return .failure(state.readCloseError) }
            guard state.readers.isEmpty, !state.writers.isEmpty else { return .wait }
            let n = Self.transfer(from: &state.writers[0], to: lent)
            return .value(n, Self.completeHeadWriterIfDone(&state))
        }
        switch fast {
        case .value(let n, let resumption):
            resumption?.resume()
            return n
        case .failure(let error):
            throw error
        case .wait:
            break
        }

        let id = makeID()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Int, any Error>) in
                let resumptions: [Resumption] = state.withLock { state in
                    if state.closed { return [.failure(continuation, state.readCloseError)] }
                    state.readers.append(Waiter(id: id, buffer: lent, continuation: continuation))
                    var resumptions: [Resumption] = []
                    Self.match(&state, &resumptions)
                    if Task.isCancelled, let cancelled = Self.removeReader(id, from: &state) {
                        resumptions.append(cancelled)
                    }
                    return resumptions
                }
                for resumption in resumptions { resumption.resume() }
            }
        } onCancel: {
            let cancelled = state.withLock { Self.removeReader(id, from: &$0) }
            cancelled?.resume()
        }
    }

    private static func removeReader(_ id: UInt64, from state: inout State) -> Resumption? {
        guard let index = state.readers.firstIndex(where: { $0.id == id }) else { return nil }
        let waiter = state.readers.remove(at: index)
        return .failure(waiter.continuation, CancellationError())
    }

    // MARK: write

    nonisolated(nonsending) func write(_ buffer: UnsafeRawBufferPointer) async throws -> Int {
        if buffer.isEmpty {
            if let error = state.withLock({ $0.closed ? $0.writeCloseError : nil }) { throw error }
            return 0
        }
        let lent = LentBuffer(base: UnsafeMutableRawPointer(mutating: buffer.baseAddress), count: buffer.count)
        let id = makeID()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Int, any Error>) in
                let resumptions: [Resumption] = state.withLock { state in
                    if state.closed { return [.failure(continuation, state.writeCloseError)] }
                    state.writers.append(Waiter(id: id, buffer: lent, continuation: continuation))
                    var resumptions: [Resumption] = []
                    Self.match(&state, &resumptions)
                    if Task.isCancelled, let cancelled = Self.removeWriter(id, from: &state) {
                        resumptions.append(cancelled)
                    }
                    return resumptions
                }
                for resumption in resumptions { resumption.resume() }
            }
        } onCancel: {
            let cancelled = state.withLock { Self.removeWriter(id, from: &$0) }
            cancelled?.resume()
        }
    }

    private static func removeWriter(_ id: UInt64, from state: inout State) -> Resumption? {
        guard let index = state.writers.firstIndex(where: { $0.id == id }) else { return nil }
        let waiter = state.writers.remove(at: index)
        // Readers only wait when no write is queued, so removing one cannot enable a match.
        return .failure(waiter.continuation, CancellationError())
    }

    // MARK: close

    func closeRead(_ error: (any Error)?) {
        let resumptions: [Resumption] = state.withLock { state in
            if state.readerError == nil { state.readerError = error ?? IOError.closedPipe }
            return Self.close(&state)
        }
        for resumption in resumptions { resumption.resume() }
    }

    func closeWrite(_ error: (any Error)?) {
        let resumptions: [Resumption] = state.withLock { state in
            if state.writerError == nil { state.writerError = error ?? IOError.eof }
            return Self.close(&state)
        }
        for resumption in resumptions { resumption.resume() }
    }

    /// Marks the pipe closed and fails every suspended call with its side's close error.
    private static func close(_ state: inout State) -> [Resumption] {
        state.closed = true
        var resumptions: [Resumption] = []
        let readError = state.readCloseError
        let writeError = state.writeCloseError
        for reader in state.readers { resumptions.append(.failure(reader.continuation, readError)) }
        for writer in state.writers { resumptions.append(.failure(writer.continuation, writeError)) }
        state.readers.removeAll()
        state.writers.removeAll()
        return resumptions
    }

    // MARK: matching

    /// Hands the head write's bytes to waiting readers, in order, until one side runs out.
    private static func match(_ state: inout State, _ resumptions: inout [Resumption]) {
        while !state.readers.isEmpty && !state.writers.isEmpty {
            let reader = state.readers.removeFirst()
            let n = transfer(from: &state.writers[0], to: reader.buffer)
            resumptions.append(.success(reader.continuation, n))
            if let done = completeHeadWriterIfDone(&state) { resumptions.append(done) }
        }
    }

    /// Copies as much of `writer`'s remaining bytes as fit into `target`; returns the count.
    private static func transfer(from writer: inout Waiter, to target: LentBuffer) -> Int {
        let n = min(writer.buffer.count - writer.done, target.count)
        target.base!.copyMemory(from: writer.buffer.base! + writer.done, byteCount: n)
        writer.done += n
        return n
    }

    /// Removes the head write once all its bytes are consumed, returning its resumption.
    private static func completeHeadWriterIfDone(_ state: inout State) -> Resumption? {
        guard let head = state.writers.first, head.done == head.buffer.count else { return nil }
        state.writers.removeFirst()
        return .success(head.continuation, head.buffer.count)
    }
}
