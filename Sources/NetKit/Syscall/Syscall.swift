import Glibc

// The two ways layer 1 turns a C return value into Swift: retry on EINTR, or not.
// Every wrapper in Syscall/ goes through one of them; nothing else loops on EINTR.

/// Runs `body` (one system call) until it does not fail with `EINTR`.
///
/// A result of `-1` that is not `EINTR` throws ``Errno/current``; any other result is returned.
/// This is THE one EINTR loop of NetKit (Go: `ignoringEINTR`; swift-system: `valueOrErrno`).
/// Never use it for `close(2)` (see ``valueOrErrno(_:)``) nor for `connect(2)`, whose
/// interrupted call goes on asynchronously and must not be restarted.
@inlinable @inline(__always)
func retryingOnInterrupt<T: FixedWidthInteger>(_ body: () -> T) throws(Errno) -> T {
    while true {
        let result = body()
        if result != T(truncatingIfNeeded: -1) { return result }
        let error = Errno.current
        if error != .interrupted { throw error }
    }
}

/// Runs `body` (one system call) once: a result of `-1` throws ``Errno/current``.
///
/// For calls that must not be retried on `EINTR`: `close(2)` (POSIX leaves the descriptor's
/// state unspecified after an interrupted close, and on Linux it is always closed, so a retry
/// could close a descriptor another thread just opened) and `connect(2)`.
@inlinable @inline(__always)
func valueOrErrno<T: FixedWidthInteger>(_ body: () -> T) throws(Errno) -> T {
    let result = body()
    if result == T(truncatingIfNeeded: -1) { throw Errno.current }
    return result
}
