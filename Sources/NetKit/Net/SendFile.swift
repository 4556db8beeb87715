/// What a zero-copy transfer did: the bytes it moved, the error that ended it, and whether it ran at all
/// (`handled` false: nothing was done, the caller falls back to a plain copy).
struct ZeroCopyOutcome {
    var written: Int64 = 0
    var error: PollError? = nil
    var handled = true

    static let unhandled = ZeroCopyOutcome(handled: false)
}

extension NetFD {
    /// Sends `file` from its current offset to this stream socket with `sendfile(2)`: until the end of the
    /// file, or `limit` bytes. The file stays referenced (it cannot be closed underneath) for the whole
    /// transfer. Unhandled if this is not a stream socket, the file is closed, or the kernel cannot sendfile
    /// from it (`EINVAL`, `EOPNOTSUPP`, `ENOSYS`) before anything was sent. Go's `poll.SendFile` under
    /// `sc.Read` of the file.
    nonisolated(nonsending) func sendFile(from file: File, limit: Int64?) async -> ZeroCopyOutcome {
        guard kind == .stream, let fd = try? file.acquire("read") else { return .unhandled }
        defer { file.release() }
        var written: Int64 = 0
        do {
            try await pd.sendFile(from: fd, limit: limit, written: &written)
            return ZeroCopyOutcome(written: written)
        } catch {
            if case .errno(let e) = error, written == 0,
               e == .invalidArgument || e == .notSupported || e == .noFunction {
                return .unhandled
            }
            return ZeroCopyOutcome(written: written, error: error)
        }
    }
}

/// `sendfile(2)` for `TCPConn.readFrom`: `reader` must be a `File`, or a `LimitedReader` around one (whose
/// `remaining` is decremented by what was sent). Returns nil when not handled. Errors are `OpError`s with op
/// "readfrom" naming this connection. Go's `net.sendFile`.
nonisolated(nonsending) func sendFileFrom(_ fd: NetFD, _ reader: any Reader) async throws -> Int64? {
    var source = reader
    var limit: Int64? = nil
    let limited = reader as? LimitedReader
    if let limited {
        if limited.remaining <= 0 { return 0 }
        limit = limited.remaining
        source = limited.reader
    }
    guard let file = source as? File else { return nil }
    let outcome = await fd.sendFile(from: file, limit: limit)
    guard outcome.handled else { return nil }
    limited?.remaining -= outcome.written
    if let error = outcome.error { throw fd.opError("readfrom", error, syscall: "sendfile") }
    return outcome.written
}

extension File: WriterTo {
    /// Writes the rest of the file (from the current offset) to `writer` and returns the byte count. When
    /// `writer` is a `TCPConn` or a stream `UnixConn`, the kernel sends the file with `sendfile(2)` (no copy
    /// through user space); otherwise the bytes are copied as by `copy`. `copy(conn, file)` comes here.
    /// Errors of the transfer are `PathError`s with op "write" (e.g. `write /path: i/o timeout` when the
    /// connection's write deadline passes); task cancellation is a bare `CancellationError`.
    ///
    /// The corresponding Go method is `os.File.WriteTo` (Go 1.22).
    public nonisolated(nonsending) func writeTo(_ writer: any Writer) async throws -> Int64 {
        _ = try acquire("write")
        release()
        if let fd = streamNetFD(writer) {
            let outcome = await fd.sendFile(from: self, limit: nil)
            if outcome.handled {
                if let error = outcome.error {
                    let err: any Error & Sendable
                    switch error {
                    case .closed: err = ClosedError()
                    case .timeout: err = DeadlineExceededError()
                    case .cancelled: throw CancellationError()
                    case .errno(let e): err = SyscallError(syscall: "sendfile", errno: e)
                    }
                    throw PathError(op: "write", path: name, err: err)
                }
                return outcome.written
            }
        }
        return try await copy(writer, FileWithoutWriterTo(file: self))
    }

    /// The descriptor of a TCP or stream Unix connection (Go's `getPollFDAndNetwork` + `isUnixOrTCP`).
    private func streamNetFD(_ writer: any Writer) -> NetFD? {
        if let c = writer as? TCPConn { return c.netFD }
        if let c = writer as? UnixConn, c.netFD.kind == .stream { return c.netFD }
        return nil
    }
}

/// A `File` without its `writeTo`, so that the fallback copy does not come back to it (Go's
/// `fileWithoutWriteTo`); `sendfile` is not tried again for it.
struct FileWithoutWriterTo: Reader {
    let file: File

    nonisolated(nonsending) func read(into buffer: UnsafeMutableRawBufferPointer) async throws -> Int {
        try await file.read(into: buffer)
    }
}
