import Glibc
import Synchronization

/// An open file: a `Reader`, `Writer` and `Closer` over a descriptor, enough to serve files over the network.
///
/// `copy(conn, file)` and `conn.readFrom(file)` (also through a `LimitedReader`) send the file with
/// `sendfile(2)`, without copying it through user space, when `conn` is a `TCPConn` or a stream `UnixConn`.
///
/// Reads and writes are ordinary blocking system calls made on the calling thread, as Go makes them on the
/// goroutine's thread for regular files (which are never "not ready"): fine for regular files, wrong for
/// FIFOs or terminals that may block indefinitely. Like Go's `*os.File`, a `File` is a reference: its offset
/// is shared by everyone holding it, and `close()` is safe while another task uses it (the descriptor is
/// released when the last call on it returns). Dropping the last reference closes it.
///
/// The corresponding Go type is `os.File`.
public final class File: Reader, Writer, Closer, Sendable, CustomStringConvertible {
    /// The path the file was opened with. The corresponding Go method is `File.Name`.
    public let name: String
    private let descriptor: Int32

    private struct State {
        var closing = false
        var refs = 0
        var closed = false
    }

    private let state = Mutex(State())

    private init(name: String, descriptor: Int32) {
        self.name = name
        self.descriptor = descriptor
    }

    deinit {
        state.withLock { s in
            if !s.closed { try? FileSyscall.close(descriptor) }
        }
    }

    /// Opens `name` for reading. Errors are `PathError`s with op "open".
    ///
    /// The corresponding Go function is `os.Open`.
    public static func open(_ name: String) throws -> File {
        try openFile(name, flags: O_RDONLY, mode: 0)
    }

    /// Creates or truncates `name` (mode 0666 before the umask) and opens it for reading and writing.
    ///
    /// The corresponding Go function is `os.Create`.
    public static func create(_ name: String) throws -> File {
        try openFile(name, flags: O_RDWR | O_CREAT | O_TRUNC, mode: 0o666)
    }

    /// Opens `name` with `open(2)` flags (`O_RDONLY`, `O_WRONLY`, `O_RDWR`, `O_CREAT`, `O_APPEND`, `O_TRUNC`,
    /// …; `O_CLOEXEC` is always added) and, when creating, permission bits `mode`.
    ///
    /// The corresponding Go function is `os.OpenFile`.
    public static func openFile(_ name: String, flags: Int32, mode: mode_t = 0o666) throws -> File {
        do {
            return File(name: name, descriptor: try FileSyscall.open(name, flags, mode))
        } catch {
            throw PathError(op: "open", path: name, err: error)
        }
    }

    /// The descriptor number, valid until `close()`. The corresponding Go method is `File.Fd`.
    public var fd: Int32 { descriptor }

    /// The file's path. The corresponding Go method is `File.Name`.
    public var description: String { name }

    // MARK: - The descriptor's users

    /// Takes a reference to the descriptor for an operation named `op` (Go's `fdmu.incref`); `PathError` with
    /// `FileClosedError` once the file is closed. Pair with `release()`.
    func acquire(_ op: String) throws -> Int32 {
        let ok = state.withLock { s in
            if s.closing { return false }
            s.refs += 1
            return true
        }
        guard ok else { throw PathError(op: op, path: name, err: FileClosedError()) }
        return descriptor
    }

    /// Drops a reference taken by `acquire`, closing the descriptor if the file was closed meanwhile.
    func release() {
        let closeNow = state.withLock { s in
            s.refs -= 1
            return takeCloseDuty(&s)
        }
        if closeNow { try? FileSyscall.close(descriptor) }
    }

    private func takeCloseDuty(_ s: inout State) -> Bool {
        guard s.closing, s.refs == 0, !s.closed else { return false }
        s.closed = true
        return true
    }

    private func withDescriptor<R>(_ op: String, _ body: (Int32) throws(Errno) -> R) throws -> R {
        let fd = try acquire(op)
        defer { release() }
        do {
            return try body(fd)
        } catch {
            throw PathError(op: op, path: name, err: error)
        }
    }

    // MARK: - I/O

    /// Reads up to `buffer.count` bytes from the current offset; throws `IOError.eof` at the end of the file.
    /// The system call runs on the calling thread (see `File`).
    ///
    /// The corresponding Go method is `File.Read`.
    public nonisolated(nonsending) func read(into buffer: UnsafeMutableRawBufferPointer) async throws -> Int {
        let n = try withDescriptor("read") { fd throws(Errno) in
            buffer.isEmpty ? 0 : try FileSyscall.read(fd, buffer)
        }
        if n == 0 && !buffer.isEmpty { throw IOError.eof }
        return n
    }

    /// Writes all of `buffer` at the current offset (looping over partial writes) or throws a `PathError`.
    /// The system calls run on the calling thread (see `File`).
    ///
    /// The corresponding Go method is `File.Write`.
    @discardableResult
    public nonisolated(nonsending) func write(_ buffer: UnsafeRawBufferPointer) async throws -> Int {
        try withDescriptor("write") { fd throws(Errno) in
            var done = 0
            while done < buffer.count {
                let n = try FileSyscall.write(fd, UnsafeRawBufferPointer(rebasing: buffer[done...]))
                if n == 0 { throw Errno.noBufferSpace }
                done += n
            }
            return done
        }
    }

    /// Sets the offset for the next read or write and returns the new offset.
    ///
    /// The corresponding Go method is `File.Seek`.
    @discardableResult
    public func seek(_ offset: Int64, from whence: SeekWhence = .start) throws -> Int64 {
        try withDescriptor("seek") { fd throws(Errno) in try FileSyscall.seek(fd, offset, whence.rawValue) }
    }

    /// The current offset (a seek of 0 from the current offset).
    ///
    /// The corresponding Go expression is `f.Seek(0, io.SeekCurrent)`.
    public var offset: Int64 {
        get throws { try seek(0, from: .current) }
    }

    /// The file's size and mode.
    ///
    /// The corresponding Go method is `File.Stat`.
    public func stat() throws -> FileInfo {
        let st = try withDescriptor("stat") { fd throws(Errno) in try FileSyscall.stat(fd) }
        return FileInfo(name: name, size: Int64(st.st_size), mode: UInt32(st.st_mode))
    }

    /// Closes the file; a call in progress finishes first and later calls fail with `FileClosedError`. A
    /// second close throws `PathError` with op "close" and `FileClosedError`.
    ///
    /// The corresponding Go method is `File.Close`.
    public func close() throws {
        let outcome: Bool? = state.withLock { s in
            if s.closing { return nil }
            s.closing = true
            return takeCloseDuty(&s)
        }
        guard let closeNow = outcome else { throw PathError(op: "close", path: name, err: FileClosedError()) }
        if closeNow {
            do {
                try FileSyscall.close(descriptor)
            } catch {
                throw PathError(op: "close", path: name, err: error)
            }
        }
    }
}
