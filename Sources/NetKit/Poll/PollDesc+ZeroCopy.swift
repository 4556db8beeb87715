import Glibc
import Synchronization

/// The zero-copy operations of the poller: `sendfile(2)`, `splice(2)` through a pipe, and gathered writes.
/// Like every other operation they try the non-blocking system call first, park on `EAGAIN`, honour the
/// deadline of their direction, wake with `.closed` on close and with `.cancelled` on task cancellation.
/// Go's `internal/poll` `SendFile`, `Splice` (spliceDrain/splicePump) and `FD.Writev`.
extension PollDesc {
    /// The largest amount one `sendfile(2)` or `splice(2)` call is asked to move (Go: 4 MiB for splice; for
    /// sendfile Go asks for up to 2 GiB, which Linux caps at 0x7ffff000 anyway).
    static let maxSendFileChunk = 1 << 30
    static let maxSpliceChunk = 4 << 20

    /// Sends the file `file` from its current offset (which the kernel advances) to this socket until its end,
    /// or `limit` bytes if given, looping over partial sends and waiting for writability. `written` counts what
    /// went out, also when an error is thrown. Holds the write lock for the whole transfer. Go's `poll.SendFile`.
    nonisolated(nonsending) func sendFile(from file: Int32, limit: Int64?, written: inout Int64) async throws(PollError) {
        written = 0
        if let limit, limit <= 0 { return }
        try await begin(.write)
        let probe = ZeroCopyProbe.current
        while true {
            var chunk = PollDesc.maxSendFileChunk
            if let limit { chunk = Int(min(limit - written, Int64(chunk))) }
            let n: Int
            do {
                n = try NetKit.sendFile(to: socket, from: file, count: chunk)
            } catch .wouldBlock {
                try await waitReady(.write)
                continue
            } catch {
                end(.write)
                throw .errno(error)
            }
            probe?.record(\.sendFile, n)
            written += Int64(n)
            if n == 0 || (limit.map { written >= $0 } ?? false) { break }
        }
        end(.write)
    }

    /// Moves at most `max` bytes from this socket into the (empty) pipe `pipeWrite`, waiting for readability;
    /// returns the bytes moved, 0 at the socket's end of stream. Since the pipe is empty, `EAGAIN` means the
    /// socket has nothing to read. Holds the read lock for the call. Go's `spliceDrain`.
    nonisolated(nonsending) func spliceDrain(into pipeWrite: Int32, max: Int) async throws(PollError) -> Int {
        try await perform(.read) { s throws(Errno) in
            try NetKit.splice(from: s.rawValue, to: pipeWrite, count: max, intoSocket: false)
        }
    }

    /// Moves the `count` bytes buffered in the pipe `pipeRead` into this socket, looping over partial moves and
    /// waiting for writability; `written` counts what went out, also when an error is thrown. Holds the write
    /// lock for the call. Go's `splicePump`.
    nonisolated(nonsending) func splicePump(from pipeRead: Int32, count: Int, written: inout Int) async throws(PollError) {
        let probe = ZeroCopyProbe.current
        try await writeAll(count: count, written: &written) { s, offset throws(Errno) in
            let n = try NetKit.splice(from: pipeRead, to: s.rawValue, count: count - offset, intoSocket: true)
            probe?.record(\.splice, n)
            return n
        }
    }

    /// Gathered writes of a sequence of buffers (Go's `FD.Writev`): `next(socket)` makes one attempt — builds
    /// at most `IOV_MAX` iovecs from what is left, writes them, consumes what was written and returns that
    /// count, or nil when nothing is left. Loops until nothing is left, waiting for writability on `EAGAIN`;
    /// `written` counts what went out, also when an error is thrown. A write of 0 bytes with data left ends it
    /// with `.noBufferSpace` (Go's `io.ErrUnexpectedEOF` case of `Writev`).
    nonisolated(nonsending) func writeGathered(
        written: inout Int64, _ next: (Socket) throws(Errno) -> Int?
    ) async throws(PollError) {
        written = 0
        try await begin(.write)
        let probe = ZeroCopyProbe.current
        while true {
            let n: Int?
            do {
                n = try next(socket)
            } catch .wouldBlock {
                try await waitReady(.write)
                continue
            } catch {
                end(.write)
                throw .errno(error)
            }
            guard let n else { break }
            probe?.record(\.writev, n)
            written += Int64(n)
            if n == 0 {
                end(.write)
                throw .errno(.noBufferSpace)
            }
        }
        end(.write)
    }
}

/// Counts what the zero-copy system calls moved, for tests that must prove the fast path was taken: install
/// one with `ZeroCopyProbe.$current.withValue(probe) { … }`; the calls made by that task record into it.
/// Without a probe nothing is recorded (one task-local lookup per operation).
final class ZeroCopyProbe: Sendable {
    @TaskLocal static var current: ZeroCopyProbe?

    /// Calls and bytes of one kind of system call.
    struct Tally: Sendable, Equatable {
        var calls = 0
        var bytes: Int64 = 0
    }

    struct Tallies: Sendable, Equatable {
        var sendFile = Tally()
        var splice = Tally()
        var writev = Tally()
    }

    private let state = Mutex(Tallies())

    func record(_ kind: WritableKeyPath<Tallies, Tally>, _ bytes: Int) {
        state.withLock { t in
            t[keyPath: kind].calls += 1
            t[keyPath: kind].bytes += Int64(bytes)
        }
    }

    var tallies: Tallies { state.withLock { $0 } }
}
