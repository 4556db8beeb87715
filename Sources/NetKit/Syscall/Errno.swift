import Glibc

/// An error number, as set in `errno` by a failed system call.
///
/// NetKit's layer 1 throws `Errno` from every wrapper (typed throws, so no allocation).
/// The static members use English names; the C names are kept as unavailable
/// spellings so that `Errno.ECONNREFUSED` offers a fix-it to ``connectionRefused``.
///
/// ```swift
/// do {
///     try socket.connect(to: .ipv4(127, 0, 0, 1, port: 1))
/// } catch .connectionRefused {
///     print("nobody listens")          // description: "connection refused"
/// }
/// ```
///
/// ``description`` is Go's text for the error (Linux's `strerror` with a lowercase
/// first letter), so `"\(error)"` reads exactly like Go's `syscall.Errno.Error()`.
///
/// The corresponding Go type is `syscall.Errno`.
@frozen
public struct Errno: Error, Hashable, Sendable, RawRepresentable, CustomStringConvertible {
    /// The raw C error number.
    public var rawValue: Int32

    /// Creates an error from a raw C error number.
    ///
    /// - Parameter rawValue: The C error number, for example `ECONNREFUSED`.
    @inlinable
    public init(rawValue: Int32) { self.rawValue = rawValue }

    /// The calling thread's current `errno`.
    ///
    /// Read it immediately after the failed call: any later library call may change it.
    ///
    /// The corresponding C variable is `errno`.
    @inlinable
    public static var current: Errno {
        get { Errno(rawValue: Glibc.errno) }
    }
}

// MARK: - Names

extension Errno {
    /// Operation not permitted.
    ///
    /// An attempt was made to perform an operation limited to processes with appropriate privileges.
    ///
    /// The corresponding C error is `EPERM`.
    @inlinable public static var notPermitted: Errno { Errno(rawValue: Glibc.EPERM) }

    /// No such file or directory.
    ///
    /// A component of a path (for example a Unix socket path) does not exist.
    ///
    /// The corresponding C error is `ENOENT`.
    @inlinable public static var noSuchFileOrDirectory: Errno { Errno(rawValue: Glibc.ENOENT) }

    /// No such process.
    ///
    /// The corresponding C error is `ESRCH`.
    @inlinable public static var noSuchProcess: Errno { Errno(rawValue: Glibc.ESRCH) }

    /// Interrupted system call.
    ///
    /// A signal arrived before the call completed. NetKit retries such calls, except `close(2)`.
    ///
    /// The corresponding C error is `EINTR`.
    @inlinable public static var interrupted: Errno { Errno(rawValue: Glibc.EINTR) }

    /// Input/output error.
    ///
    /// The corresponding C error is `EIO`.
    @inlinable public static var ioError: Errno { Errno(rawValue: Glibc.EIO) }

    /// No such device or address.
    ///
    /// The corresponding C error is `ENXIO`.
    @inlinable public static var noSuchAddressOrDevice: Errno { Errno(rawValue: Glibc.ENXIO) }

    /// Bad file descriptor.
    ///
    /// The descriptor is not open, or was opened without the access the call needs.
    ///
    /// The corresponding C error is `EBADF`.
    @inlinable public static var badFileDescriptor: Errno { Errno(rawValue: Glibc.EBADF) }

    /// Cannot allocate memory.
    ///
    /// The corresponding C error is `ENOMEM`.
    @inlinable public static var outOfMemory: Errno { Errno(rawValue: Glibc.ENOMEM) }

    /// Permission denied.
    ///
    /// For example binding a privileged port, or a Unix socket path in a directory you may not write.
    ///
    /// The corresponding C error is `EACCES`.
    @inlinable public static var permissionDenied: Errno { Errno(rawValue: Glibc.EACCES) }

    /// Bad address.
    ///
    /// A pointer argument points outside the process's address space.
    ///
    /// The corresponding C error is `EFAULT`.
    @inlinable public static var badAddress: Errno { Errno(rawValue: Glibc.EFAULT) }

    /// Device or resource busy.
    ///
    /// The corresponding C error is `EBUSY`.
    @inlinable public static var resourceBusy: Errno { Errno(rawValue: Glibc.EBUSY) }

    /// File exists.
    ///
    /// For example binding a Unix socket to a path that already exists.
    ///
    /// The corresponding C error is `EEXIST`.
    @inlinable public static var fileExists: Errno { Errno(rawValue: Glibc.EEXIST) }

    /// Not a directory.
    ///
    /// The corresponding C error is `ENOTDIR`.
    @inlinable public static var notDirectory: Errno { Errno(rawValue: Glibc.ENOTDIR) }

    /// Is a directory.
    ///
    /// The corresponding C error is `EISDIR`.
    @inlinable public static var isDirectory: Errno { Errno(rawValue: Glibc.EISDIR) }

    /// Invalid argument.
    ///
    /// For example listening on an unbound datagram socket, or a Unix socket path that is too long.
    ///
    /// The corresponding C error is `EINVAL`.
    @inlinable public static var invalidArgument: Errno { Errno(rawValue: Glibc.EINVAL) }

    /// Too many open files in system.
    ///
    /// The system-wide limit on open files has been reached.
    ///
    /// The corresponding C error is `ENFILE`.
    @inlinable public static var tooManyOpenFilesInSystem: Errno { Errno(rawValue: Glibc.ENFILE) }

    /// Too many open files.
    ///
    /// The per-process limit on open descriptors (`RLIMIT_NOFILE`) has been reached.
    ///
    /// The corresponding C error is `EMFILE`.
    @inlinable public static var tooManyOpenFiles: Errno { Errno(rawValue: Glibc.EMFILE) }

    /// No space left on device.
    ///
    /// The corresponding C error is `ENOSPC`.
    @inlinable public static var noSpace: Errno { Errno(rawValue: Glibc.ENOSPC) }

    /// Broken pipe.
    ///
    /// The peer closed the connection (or this side shut down writing) and the data cannot be sent. NetKit sends with `MSG_NOSIGNAL`, so no `SIGPIPE` is raised.
    ///
    /// The corresponding C error is `EPIPE`.
    @inlinable public static var brokenPipe: Errno { Errno(rawValue: Glibc.EPIPE) }

    /// Numerical result out of range.
    ///
    /// The corresponding C error is `ERANGE`.
    @inlinable public static var resultOutOfRange: Errno { Errno(rawValue: Glibc.ERANGE) }

    /// Resource temporarily unavailable.
    ///
    /// A non-blocking operation could not complete now (no data, no connection, full buffer), or a blocking one reached its `SO_RCVTIMEO`/`SO_SNDTIMEO` timeout. On Linux `EWOULDBLOCK` is the same error.
    ///
    /// The corresponding C error is `EAGAIN`.
    @inlinable public static var wouldBlock: Errno { Errno(rawValue: Glibc.EAGAIN) }

    /// Operation now in progress.
    ///
    /// A non-blocking `connect(2)` has started; wait until the socket is writable, then read ``Socket/pendingError``.
    ///
    /// The corresponding C error is `EINPROGRESS`.
    @inlinable public static var inProgress: Errno { Errno(rawValue: Glibc.EINPROGRESS) }

    /// Operation already in progress.
    ///
    /// A previous non-blocking `connect(2)` on this socket has not completed yet.
    ///
    /// The corresponding C error is `EALREADY`.
    @inlinable public static var alreadyInProgress: Errno { Errno(rawValue: Glibc.EALREADY) }

    /// Socket operation on non-socket.
    ///
    /// The corresponding C error is `ENOTSOCK`.
    @inlinable public static var notSocket: Errno { Errno(rawValue: Glibc.ENOTSOCK) }

    /// Destination address required.
    ///
    /// A send on an unconnected datagram socket named no destination.
    ///
    /// The corresponding C error is `EDESTADDRREQ`.
    @inlinable public static var destinationAddressRequired: Errno { Errno(rawValue: Glibc.EDESTADDRREQ) }

    /// Message too long.
    ///
    /// A datagram is larger than the socket can send atomically.
    ///
    /// The corresponding C error is `EMSGSIZE`.
    @inlinable public static var messageTooLong: Errno { Errno(rawValue: Glibc.EMSGSIZE) }

    /// Protocol wrong type for socket.
    ///
    /// The corresponding C error is `EPROTOTYPE`.
    @inlinable public static var protocolWrongType: Errno { Errno(rawValue: Glibc.EPROTOTYPE) }

    /// Protocol not available.
    ///
    /// An unknown socket option or level was given.
    ///
    /// The corresponding C error is `ENOPROTOOPT`.
    @inlinable public static var protocolNotAvailable: Errno { Errno(rawValue: Glibc.ENOPROTOOPT) }

    /// Protocol not supported.
    ///
    /// The corresponding C error is `EPROTONOSUPPORT`.
    @inlinable public static var protocolNotSupported: Errno { Errno(rawValue: Glibc.EPROTONOSUPPORT) }

    /// Socket type not supported.
    ///
    /// The corresponding C error is `ESOCKTNOSUPPORT`.
    @inlinable public static var socketTypeNotSupported: Errno { Errno(rawValue: Glibc.ESOCKTNOSUPPORT) }

    /// Operation not supported.
    ///
    /// For example `listen(2)` on a datagram socket. On Linux `ENOTSUP` is the same error.
    ///
    /// The corresponding C error is `EOPNOTSUPP`.
    @inlinable public static var notSupported: Errno { Errno(rawValue: Glibc.EOPNOTSUPP) }

    /// Protocol family not supported.
    ///
    /// The corresponding C error is `EPFNOSUPPORT`.
    @inlinable public static var protocolFamilyNotSupported: Errno { Errno(rawValue: Glibc.EPFNOSUPPORT) }

    /// Address family not supported by protocol.
    ///
    /// The corresponding C error is `EAFNOSUPPORT`.
    @inlinable public static var addressFamilyNotSupported: Errno { Errno(rawValue: Glibc.EAFNOSUPPORT) }

    /// Address already in use.
    ///
    /// Another socket is bound to the address (see ``Socket/setReuseAddress(_:)``).
    ///
    /// The corresponding C error is `EADDRINUSE`.
    @inlinable public static var addressInUse: Errno { Errno(rawValue: Glibc.EADDRINUSE) }

    /// Cannot assign requested address.
    ///
    /// The address is not local to this machine, or no ephemeral port is left.
    ///
    /// The corresponding C error is `EADDRNOTAVAIL`.
    @inlinable public static var addressNotAvailable: Errno { Errno(rawValue: Glibc.EADDRNOTAVAIL) }

    /// Network is down.
    ///
    /// The corresponding C error is `ENETDOWN`.
    @inlinable public static var networkDown: Errno { Errno(rawValue: Glibc.ENETDOWN) }

    /// Network is unreachable.
    ///
    /// The corresponding C error is `ENETUNREACH`.
    @inlinable public static var networkUnreachable: Errno { Errno(rawValue: Glibc.ENETUNREACH) }

    /// Network dropped connection on reset.
    ///
    /// The corresponding C error is `ENETRESET`.
    @inlinable public static var networkReset: Errno { Errno(rawValue: Glibc.ENETRESET) }

    /// Software caused connection abort.
    ///
    /// A connection was aborted before `accept(2)` could return it.
    ///
    /// The corresponding C error is `ECONNABORTED`.
    @inlinable public static var connectionAborted: Errno { Errno(rawValue: Glibc.ECONNABORTED) }

    /// Connection reset by peer.
    ///
    /// The peer reset the connection (it sent a TCP RST, for example by closing with unread data).
    ///
    /// The corresponding C error is `ECONNRESET`.
    @inlinable public static var connectionReset: Errno { Errno(rawValue: Glibc.ECONNRESET) }

    /// No buffer space available.
    ///
    /// The corresponding C error is `ENOBUFS`.
    @inlinable public static var noBufferSpace: Errno { Errno(rawValue: Glibc.ENOBUFS) }

    /// Transport endpoint is already connected.
    ///
    /// The corresponding C error is `EISCONN`.
    @inlinable public static var isConnected: Errno { Errno(rawValue: Glibc.EISCONN) }

    /// Transport endpoint is not connected.
    ///
    /// For example `getpeername(2)` or `shutdown(2)` on a socket that is not connected.
    ///
    /// The corresponding C error is `ENOTCONN`.
    @inlinable public static var notConnected: Errno { Errno(rawValue: Glibc.ENOTCONN) }

    /// Cannot send after transport endpoint shutdown.
    ///
    /// The corresponding C error is `ESHUTDOWN`.
    @inlinable public static var isShutdown: Errno { Errno(rawValue: Glibc.ESHUTDOWN) }

    /// Too many references: cannot splice.
    ///
    /// The corresponding C error is `ETOOMANYREFS`.
    @inlinable public static var tooManyReferences: Errno { Errno(rawValue: Glibc.ETOOMANYREFS) }

    /// Connection timed out.
    ///
    /// The peer did not answer in time (for example a TCP connect or keep-alive probes).
    ///
    /// The corresponding C error is `ETIMEDOUT`.
    @inlinable public static var timedOut: Errno { Errno(rawValue: Glibc.ETIMEDOUT) }

    /// Connection refused.
    ///
    /// Nothing listens at the address `connect(2)` tried.
    ///
    /// The corresponding C error is `ECONNREFUSED`.
    @inlinable public static var connectionRefused: Errno { Errno(rawValue: Glibc.ECONNREFUSED) }

    /// Too many levels of symbolic links.
    ///
    /// The corresponding C error is `ELOOP`.
    @inlinable public static var tooManySymbolicLinkLevels: Errno { Errno(rawValue: Glibc.ELOOP) }

    /// File name too long.
    ///
    /// The corresponding C error is `ENAMETOOLONG`.
    @inlinable public static var nameTooLong: Errno { Errno(rawValue: Glibc.ENAMETOOLONG) }

    /// Host is down.
    ///
    /// The corresponding C error is `EHOSTDOWN`.
    @inlinable public static var hostDown: Errno { Errno(rawValue: Glibc.EHOSTDOWN) }

    /// No route to host.
    ///
    /// The corresponding C error is `EHOSTUNREACH`.
    @inlinable public static var hostUnreachable: Errno { Errno(rawValue: Glibc.EHOSTUNREACH) }

    /// Directory not empty.
    ///
    /// The corresponding C error is `ENOTEMPTY`.
    @inlinable public static var directoryNotEmpty: Errno { Errno(rawValue: Glibc.ENOTEMPTY) }

    /// Function not implemented.
    ///
    /// The corresponding C error is `ENOSYS`.
    @inlinable public static var noFunction: Errno { Errno(rawValue: Glibc.ENOSYS) }

    /// Value too large for defined data type.
    ///
    /// The corresponding C error is `EOVERFLOW`.
    @inlinable public static var valueOverflow: Errno { Errno(rawValue: Glibc.EOVERFLOW) }

    /// Operation canceled.
    ///
    /// The corresponding C error is `ECANCELED`.
    @inlinable public static var canceled: Errno { Errno(rawValue: Glibc.ECANCELED) }

    /// Protocol error.
    ///
    /// The corresponding C error is `EPROTO`.
    @inlinable public static var protocolError: Errno { Errno(rawValue: Glibc.EPROTO) }

    /// Resource temporarily unavailable; the same error as ``wouldBlock``.
    ///
    /// The corresponding C error is `EAGAIN`.
    @inlinable public static var resourceTemporarilyUnavailable: Errno { .wouldBlock }
}

// MARK: - C spellings

extension Errno {
    @available(*, unavailable, renamed: "notPermitted")
    public static var EPERM: Errno { .notPermitted }
    @available(*, unavailable, renamed: "noSuchFileOrDirectory")
    public static var ENOENT: Errno { .noSuchFileOrDirectory }
    @available(*, unavailable, renamed: "noSuchProcess")
    public static var ESRCH: Errno { .noSuchProcess }
    @available(*, unavailable, renamed: "interrupted")
    public static var EINTR: Errno { .interrupted }
    @available(*, unavailable, renamed: "ioError")
    public static var EIO: Errno { .ioError }
    @available(*, unavailable, renamed: "noSuchAddressOrDevice")
    public static var ENXIO: Errno { .noSuchAddressOrDevice }
    @available(*, unavailable, renamed: "badFileDescriptor")
    public static var EBADF: Errno { .badFileDescriptor }
    @available(*, unavailable, renamed: "outOfMemory")
    public static var ENOMEM: Errno { .outOfMemory }
    @available(*, unavailable, renamed: "permissionDenied")
    public static var EACCES: Errno { .permissionDenied }
    @available(*, unavailable, renamed: "badAddress")
    public static var EFAULT: Errno { .badAddress }
    @available(*, unavailable, renamed: "resourceBusy")
    public static var EBUSY: Errno { .resourceBusy }
    @available(*, unavailable, renamed: "fileExists")
    public static var EEXIST: Errno { .fileExists }
    @available(*, unavailable, renamed: "notDirectory")
    public static var ENOTDIR: Errno { .notDirectory }
    @available(*, unavailable, renamed: "isDirectory")
    public static var EISDIR: Errno { .isDirectory }
    @available(*, unavailable, renamed: "invalidArgument")
    public static var EINVAL: Errno { .invalidArgument }
    @available(*, unavailable, renamed: "tooManyOpenFilesInSystem")
    public static var ENFILE: Errno { .tooManyOpenFilesInSystem }
    @available(*, unavailable, renamed: "tooManyOpenFiles")
    public static var EMFILE: Errno { .tooManyOpenFiles }
    @available(*, unavailable, renamed: "noSpace")
    public static var ENOSPC: Errno { .noSpace }
    @available(*, unavailable, renamed: "brokenPipe")
    public static var EPIPE: Errno { .brokenPipe }
    @available(*, unavailable, renamed: "resultOutOfRange")
    public static var ERANGE: Errno { .resultOutOfRange }
    @available(*, unavailable, renamed: "wouldBlock")
    public static var EAGAIN: Errno { .wouldBlock }
    @available(*, unavailable, renamed: "inProgress")
    public static var EINPROGRESS: Errno { .inProgress }
    @available(*, unavailable, renamed: "alreadyInProgress")
    public static var EALREADY: Errno { .alreadyInProgress }
    @available(*, unavailable, renamed: "notSocket")
    public static var ENOTSOCK: Errno { .notSocket }
    @available(*, unavailable, renamed: "destinationAddressRequired")
    public static var EDESTADDRREQ: Errno { .destinationAddressRequired }
    @available(*, unavailable, renamed: "messageTooLong")
    public static var EMSGSIZE: Errno { .messageTooLong }
    @available(*, unavailable, renamed: "protocolWrongType")
    public static var EPROTOTYPE: Errno { .protocolWrongType }
    @available(*, unavailable, renamed: "protocolNotAvailable")
    public static var ENOPROTOOPT: Errno { .protocolNotAvailable }
    @available(*, unavailable, renamed: "protocolNotSupported")
    public static var EPROTONOSUPPORT: Errno { .protocolNotSupported }
    @available(*, unavailable, renamed: "socketTypeNotSupported")
    public static var ESOCKTNOSUPPORT: Errno { .socketTypeNotSupported }
    @available(*, unavailable, renamed: "notSupported")
    public static var EOPNOTSUPP: Errno { .notSupported }
    @available(*, unavailable, renamed: "protocolFamilyNotSupported")
    public static var EPFNOSUPPORT: Errno { .protocolFamilyNotSupported }
    @available(*, unavailable, renamed: "addressFamilyNotSupported")
    public static var EAFNOSUPPORT: Errno { .addressFamilyNotSupported }
    @available(*, unavailable, renamed: "addressInUse")
    public static var EADDRINUSE: Errno { .addressInUse }
    @available(*, unavailable, renamed: "addressNotAvailable")
    public static var EADDRNOTAVAIL: Errno { .addressNotAvailable }
    @available(*, unavailable, renamed: "networkDown")
    public static var ENETDOWN: Errno { .networkDown }
    @available(*, unavailable, renamed: "networkUnreachable")
    public static var ENETUNREACH: Errno { .networkUnreachable }
    @available(*, unavailable, renamed: "networkReset")
    public static var ENETRESET: Errno { .networkReset }
    @available(*, unavailable, renamed: "connectionAborted")
    public static var ECONNABORTED: Errno { .connectionAborted }
    @available(*, unavailable, renamed: "connectionReset")
    public static var ECONNRESET: Errno { .connectionReset }
    @available(*, unavailable, renamed: "noBufferSpace")
    public static var ENOBUFS: Errno { .noBufferSpace }
    @available(*, unavailable, renamed: "isConnected")
    public static var EISCONN: Errno { .isConnected }
    @available(*, unavailable, renamed: "notConnected")
    public static var ENOTCONN: Errno { .notConnected }
    @available(*, unavailable, renamed: "isShutdown")
    public static var ESHUTDOWN: Errno { .isShutdown }
    @available(*, unavailable, renamed: "tooManyReferences")
    public static var ETOOMANYREFS: Errno { .tooManyReferences }
    @available(*, unavailable, renamed: "timedOut")
    public static var ETIMEDOUT: Errno { .timedOut }
    @available(*, unavailable, renamed: "connectionRefused")
    public static var ECONNREFUSED: Errno { .connectionRefused }
    @available(*, unavailable, renamed: "tooManySymbolicLinkLevels")
    public static var ELOOP: Errno { .tooManySymbolicLinkLevels }
    @available(*, unavailable, renamed: "nameTooLong")
    public static var ENAMETOOLONG: Errno { .nameTooLong }
    @available(*, unavailable, renamed: "hostDown")
    public static var EHOSTDOWN: Errno { .hostDown }
    @available(*, unavailable, renamed: "hostUnreachable")
    public static var EHOSTUNREACH: Errno { .hostUnreachable }
    @available(*, unavailable, renamed: "directoryNotEmpty")
    public static var ENOTEMPTY: Errno { .directoryNotEmpty }
    @available(*, unavailable, renamed: "noFunction")
    public static var ENOSYS: Errno { .noFunction }
    @available(*, unavailable, renamed: "valueOverflow")
    public static var EOVERFLOW: Errno { .valueOverflow }
    @available(*, unavailable, renamed: "canceled")
    public static var ECANCELED: Errno { .canceled }
    @available(*, unavailable, renamed: "protocolError")
    public static var EPROTO: Errno { .protocolError }
    @available(*, unavailable, renamed: "wouldBlock")
    public static var EWOULDBLOCK: Errno { .wouldBlock }
    @available(*, unavailable, renamed: "notSupported")
    public static var ENOTSUP: Errno { .notSupported }
}
