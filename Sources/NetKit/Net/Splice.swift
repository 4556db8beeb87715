import Synchronization

/// A pipe that carries spliced bytes from one socket to another, and how many bytes it holds.
struct SplicePipe {
    let read: Int32
    let write: Int32
    /// Bytes drained into the pipe and not yet pumped out of it.
    var data = 0
}

/// The pipes `splice` uses, kept for reuse (creating one costs two descriptors and a system call). A pipe goes
/// back only when it is empty; one with bytes left (an error or a cancellation between drain and pump) is
/// closed. At most `capacity` idle pipes are kept. Go's `splicePipePool`.
final class SplicePipePool: Sendable {
    static let shared = SplicePipePool()

    static let capacity = 8

    private struct State {
        var idle: [SplicePipe] = []
        /// Pipes open now: in use or idle (for tests that check for leaks).
        var open = 0
        /// The inode numbers of the pipes this pool created, newest last, at most 64 (for tests that look for
        /// this pool's pipes among the process's descriptors, which other code may open and close meanwhile).
        var createdInodes: [UInt64] = []
    }

    private let state = Mutex(State())

    /// An idle pipe, or a new non-blocking, close-on-exec one. Go's `getPipe`.
    func get() throws(Errno) -> SplicePipe {
        if let pipe = state.withLock({ $0.idle.popLast() }) { return pipe }
        let (r, w) = try makeNonBlockingPipe()
        let inode = (try? FileSyscall.stat(r)).map { UInt64($0.st_ino) }
        state.withLock { s in
            s.open += 1
            if let inode {
                if s.createdInodes.count == 64 { s.createdInodes.removeFirst() }
                s.createdInodes.append(inode)
            }
        }
        return SplicePipe(read: r, write: w)
    }

    /// Returns `pipe` for reuse, or closes it if it holds bytes or the pool is full. Go's `putPipe`.
    func put(_ pipe: SplicePipe) {
        let keep = pipe.data == 0 && state.withLock { s in
            guard s.idle.count < SplicePipePool.capacity else { return false }
            s.idle.append(pipe)
            return true
        }
        if !keep { destroy(pipe) }
    }

    /// Closes every idle pipe.
    func drain() {
        let idle = state.withLock { s in
            defer { s.idle.removeAll() }
            return s.idle
        }
        for pipe in idle { destroy(pipe) }
    }

    /// The number of pipes open now (in use or idle).
    var openCount: Int { state.withLock { $0.open } }

    /// The inode numbers of the pipes this pool created (the latest 64).
    var createdInodes: Set<UInt64> { state.withLock { Set($0.createdInodes) } }

    private func destroy(_ pipe: SplicePipe) {
        closeDescriptor(pipe.read)
        closeDescriptor(pipe.write)
        state.withLock { $0.open -= 1 }
    }
}

/// `splice(2)` for `TCPConn.readFrom`: moves the bytes of `reader` — a `TCPConn` or a stream `UnixConn`, or
/// a `LimitedReader` around one (whose `remaining` is decremented by what was moved) — to `dst` through a
/// pipe, without copying them through user space, until the source's end of stream or the limit. Waits use
/// the source's read deadline and the destination's write deadline. Returns nil when not handled. Errors are
/// `OpError`s with op "readfrom" naming `dst`. Go's `net.spliceFrom` + `poll.Splice`.
nonisolated(nonsending) func spliceFrom(_ dst: NetFD, _ reader: any Reader) async throws -> Int64? {
    var remain: Int64 = 1 << 62
    var source = reader
    let limited = reader as? LimitedReader
    if let limited {
        if limited.remaining <= 0 { return 0 }
        remain = limited.remaining
        source = limited.reader
    }
    let src: NetFD
    switch source {
    case let c as TCPConn: src = c.netFD
    case let c as TCPConnWithoutWriterTo: src = c.conn.netFD
    case let c as UnixConn where c.netFD.kind == .stream: src = c.netFD
    default: return nil
    }
    guard dst.kind == .stream, let outcome = await spliceStreams(from: src, to: dst, max: remain) else { return nil }
    limited?.remaining -= outcome.written
    if let failure = outcome.failure { throw dst.opError("readfrom", failure, syscall: "splice") }
    return outcome.written
}

/// `splice(2)` for `TCPConn.writeTo`: moves the bytes of `src` (a TCP connection) to `writer` through a pipe,
/// without copying them through user space, until the source's end of stream — when `writer` is a `UnixConn`
/// of network "unix" (a stream). Waits use the source's read deadline and the destination's write deadline.
/// Returns nil when not handled. Errors are `OpError`s with op "writeto" naming `src`. Go's `net.spliceTo` +
/// `poll.Splice` + the wrapping of `TCPConn.WriteTo`.
nonisolated(nonsending) func spliceTo(_ writer: any Writer, _ src: NetFD) async throws -> Int64? {
    guard let uc = writer as? UnixConn, uc.netFD.net == "unix", uc.netFD.kind == .stream,
          let outcome = await spliceStreams(from: src, to: uc.netFD, max: Int64.max)
    else { return nil }
    if let failure = outcome.failure { throw src.opError("writeto", failure, syscall: "splice") }
    return outcome.written
}

/// Moves at most `max` bytes from the stream socket `src` to the stream socket `dst` through a pooled pipe,
/// until the source's end of stream, an error or the limit. Returns nil (nothing done) when no pipe could be
/// had; otherwise the bytes written to `dst` and the failure that ended the transfer, if any. The pipe goes
/// back to the pool (or is closed if bytes are left in it). Go's `poll.Splice`.
nonisolated(nonsending) func spliceStreams(
    from src: NetFD, to dst: NetFD, max: Int64
) async -> (written: Int64, failure: PollError?)? {
    guard var pipe = try? SplicePipePool.shared.get() else { return nil }
    var remain = max
    var written: Int64 = 0
    var failure: PollError? = nil
    while remain > 0 {
        let inPipe: Int
        do {
            inPipe = try await src.pd.spliceDrain(into: pipe.write, max: Int(min(remain, Int64(PollDesc.maxSpliceChunk))))
        } catch {
            failure = error
            break
        }
        if inPipe == 0 { break }  // the source's end of stream
        pipe.data += inPipe
        var pumped = 0
        do {
            try await dst.pd.splicePump(from: pipe.read, count: inPipe, written: &pumped)
        } catch {
            failure = error
        }
        pipe.data -= pumped
        written += Int64(pumped)
        remain -= Int64(pumped)
        if failure != nil { break }
    }
    SplicePipePool.shared.put(pipe)
    return (written, failure)
}
