import Glibc
import Testing
@testable import NetKit

// Support for the Unix-socket and pipe tests: short temporary directories for socket files, file checks,
// descriptor accounting by identity, and small conn helpers.

/// A fresh directory under /tmp (kept short: `sun_path` holds 107 bytes), removed with its entries by
/// `remove()`.
final class UnixTempDir: Sendable {
    let path: String

    init() throws {
        var template = Array("/tmp/nku.XXXXXX".utf8CString)
        let made = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }
        guard made != nil else { throw Errno.current }
        path = String(cString: template.withUnsafeBufferPointer { $0.baseAddress! })
    }

    /// `path` + "/" + `name`.
    func file(_ name: String) -> String { path + "/" + name }

    /// Removes every entry, then the directory (non-recursive: tests create plain entries only).
    func remove() {
        if let dir = opendir(path) {
            while let entry = readdir(dir) {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                    String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
                }
                if name != "." && name != ".." { unlink(file(name)) }
            }
            closedir(dir)
        }
        rmdir(path)
    }
}

/// Runs `body` with a fresh temporary directory, removed afterwards.
func withUnixTempDir<T>(_ body: (UnixTempDir) async throws -> T) async throws -> T {
    let dir = try UnixTempDir()
    defer { dir.remove() }
    return try await body(dir)
}

/// What is at `path`: nil if nothing, else the `S_IF*` type bits.
func unixFileType(_ path: String) -> mode_t? {
    var st = stat()
    guard lstat(path, &st) == 0 else { return nil }
    return st.st_mode & S_IFMT
}

/// Whether `path` is a socket file.
func unixIsSocketFile(_ path: String) -> Bool { unixFileType(path) == S_IFSOCK }

/// Creates a regular file with `contents`.
func unixWriteRegularFile(_ path: String, _ contents: String) throws {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
    guard fd >= 0 else { throw Errno.current }
    defer { close(fd) }
    let bytes = Array(contents.utf8)
    _ = bytes.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
}

/// The contents of a regular file, or nil.
func unixReadFile(_ path: String) -> String? {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var buffer = [UInt8](repeating: 0, count: 4096)
    let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
    return n < 0 ? nil : String(decoding: buffer[..<n], as: UTF8.self)
}

/// A name of exactly `count` bytes that starts with `prefix`, padded with "x".
func unixPaddedName(_ prefix: String, count: Int) -> String {
    precondition(prefix.utf8.count <= count)
    return prefix + String(repeating: "x", count: count - prefix.utf8.count)
}

/// The identity (`socket:[inode]`) of a NetKit connection's descriptor.
func unixIdentity(_ conn: UnixConn) throws -> String? {
    try conn.withUnsafeSocket { descriptorIdentity($0.rawValue) }
}

/// Whether `error` is an `OpError` whose cause is a timeout (`DeadlineExceededError`).
func unixIsTimeout(_ error: (any Error)?) -> Bool {
    guard let error, let op = error as? OpError else { return false }
    return op.isTimeout && errorIs(op, DeadlineExceededError.self)
}

/// Whether `error` is an `OpError` wrapping `ClosedError`, neither a timeout nor temporary.
func unixIsClosed(_ error: (any Error)?) -> Bool {
    guard let op = error as? OpError else { return false }
    return op.isClosed && !op.isTimeout && !op.isTemporary
}

/// The `Errno` inside `error`'s chain, if any.
func unixErrno(_ error: (any Error)?) -> Errno? {
    guard let error else { return nil }
    return errorAs(error, SyscallError.self)?.errno ?? errorAs(error, Errno.self)
}

/// A connected stream pair through a listener on `path` ("unix" or "unixpacket"): (client, server).
func unixConnectedPair(_ network: String, _ name: String) async throws -> (UnixListener, UnixConn, UnixConn) {
    let ln = try listenUnix(network, laddr: UnixAddr(name: name, net: network))
    async let accepted = ln.acceptUnix()
    let client = try await dialUnix(network, raddr: UnixAddr(name: ln.unixAddr.name, net: network))
    let server = try await accepted
    return (ln, client, server)
}

extension UnixListener {
    /// Runs `body` with the listening socket (test helper over `syscallConn`).
    func withUnsafeListenerSocket<R>(_ body: (Socket) throws -> R) throws -> R {
        try syscallConn().control(body)
    }
}
