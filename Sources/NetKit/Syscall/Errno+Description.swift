import Glibc

extension Errno {
    /// Go's text for the error: Linux's `strerror` message with a lowercase first
    /// letter, for example `"connection refused"` or `"resource temporarily unavailable"`.
    ///
    /// A number with no message reads `"errno 200"`, as in Go.
    ///
    /// The corresponding Go method is `syscall.Errno.Error`.
    public var description: String {
        if rawValue >= 0, Int(rawValue) < goErrnoTexts.count {
            let text = goErrnoTexts[Int(rawValue)]
            if !text.isEmpty { return text }
        }
        return "errno \(rawValue)"
    }

    /// Whether the error is a timeout: ``wouldBlock`` (`EAGAIN`/`EWOULDBLOCK`) or ``timedOut``.
    ///
    /// The corresponding Go method is `syscall.Errno.Timeout`.
    @inlinable
    public var isTimeout: Bool {
        self == .wouldBlock || self == .timedOut
    }

    /// Whether retrying the operation later may succeed: ``interrupted``,
    /// ``tooManyOpenFiles``, ``tooManyOpenFilesInSystem``, or a timeout (``isTimeout``).
    ///
    /// This is the set of current Go; Go before 1.16 also counted `ECONNRESET` and
    /// `ECONNABORTED`, which it no longer does.
    ///
    /// The corresponding Go method is `syscall.Errno.Temporary`.
    @inlinable
    public var isTemporary: Bool {
        self == .interrupted || self == .tooManyOpenFiles || self == .tooManyOpenFilesInSystem || isTimeout
    }

    /// Matches an `Errno` pattern against any error, so that `catch Errno.interrupted`
    /// and `case .connectionRefused` work on an untyped `Error`.
    ///
    /// - Parameters:
    ///   - lhs: The error number to look for.
    ///   - rhs: The error that was thrown.
    /// - Returns: `true` if `rhs` is an `Errno` equal to `lhs`.
    @inlinable
    public static func ~= (lhs: Errno, rhs: any Error) -> Bool {
        guard let errno = rhs as? Errno else { return false }
        return lhs == errno
    }
}

/// Go's `syscall` error table for Linux (`zerrors_linux_amd64.go`), indexed by errno.
private let goErrnoTexts: [String] = [
    "", // 0
    "operation not permitted",
    "no such file or directory",
    "no such process",
    "interrupted system call",
    "input/output error",
    "no such device or address",
    "argument list too long",
    "exec format error",
    "bad file descriptor",
    "no child processes", // 10
    "resource temporarily unavailable",
    "cannot allocate memory",
    "permission denied",
    "bad address",
    "block device required",
    "device or resource busy",
    "file exists",
    "invalid cross-device link",
    "no such device",
    "not a directory", // 20
    "is a directory",
    "invalid argument",
    "too many open files in system",
    "too many open files",
    "inappropriate ioctl for device",
    "text file busy",
    "file too large",
    "no space left on device",
    "illegal seek",
    "read-only file system", // 30
    "too many links",
    "broken pipe",
    "numerical argument out of domain",
    "numerical result out of range",
    "resource deadlock avoided",
    "file name too long",
    "no locks available",
    "function not implemented",
    "directory not empty",
    "too many levels of symbolic links", // 40
    "",
    "no message of desired type",
    "identifier removed",
    "channel number out of range",
    "level 2 not synchronized",
    "level 3 halted",
    "level 3 reset",
    "link number out of range",
    "protocol driver not attached",
    "no CSI structure available", // 50
    "level 2 halted",
    "invalid exchange",
    "invalid request descriptor",
    "exchange full",
    "no anode",
    "invalid request code",
    "invalid slot",
    "",
    "bad font file format",
    "device not a stream", // 60
    "no data available",
    "timer expired",
    "out of streams resources",
    "machine is not on the network",
    "package not installed",
    "object is remote",
    "link has been severed",
    "advertise error",
    "srmount error",
    "communication error on send", // 70
    "protocol error",
    "multihop attempted",
    "RFS specific error",
    "bad message",
    "value too large for defined data type",
    "name not unique on network",
    "file descriptor in bad state",
    "remote address changed",
    "can not access a needed shared library",
    "accessing a corrupted shared library", // 80
    ".lib section in a.out corrupted",
    "attempting to link in too many shared libraries",
    "cannot exec a shared library directly",
    "invalid or incomplete multibyte or wide character",
    "interrupted system call should be restarted",
    "streams pipe error",
    "too many users",
    "socket operation on non-socket",
    "destination address required",
    "message too long", // 90
    "protocol wrong type for socket",
    "protocol not available",
    "protocol not supported",
    "socket type not supported",
    "operation not supported",
    "protocol family not supported",
    "address family not supported by protocol",
    "address already in use",
    "cannot assign requested address",
    "network is down", // 100
    "network is unreachable",
    "network dropped connection on reset",
    "software caused connection abort",
    "connection reset by peer",
    "no buffer space available",
    "transport endpoint is already connected",
    "transport endpoint is not connected",
    "cannot send after transport endpoint shutdown",
    "too many references: cannot splice",
    "connection timed out", // 110
    "connection refused",
    "host is down",
    "no route to host",
    "operation already in progress",
    "operation now in progress",
    "stale NFS file handle",
    "structure needs cleaning",
    "not a XENIX named type file",
    "no XENIX semaphores available",
    "is a named type file", // 120
    "remote I/O error",
    "disk quota exceeded",
    "no medium found",
    "wrong medium type",
    "operation canceled",
    "required key not available",
    "key has expired",
    "key has been revoked",
    "key was rejected by service",
    "owner died", // 130
    "state not recoverable",
    "operation not possible due to RF-kill",
]
