/// An error of the network layer that can say whether it was a timeout.
///
/// Every error NetKit's network calls throw conforms, except `CancellationError` (task cancellation is
/// reported the Swift way, bare) and `IOError.eof` (returned bare by `read`, as Go returns `io.EOF`).
///
/// The corresponding Go type is `net.Error`.
public protocol NetError: Error, CustomStringConvertible {
    /// Whether the error is a timeout (a deadline passed). Go's `Timeout()`.
    var isTimeout: Bool { get }
    /// Whether the error may go away if retried. Go's `Temporary()` (deprecated in Go as ill-defined, kept
    /// because accept loops use it: `EMFILE`, `ENFILE`, `ECONNRESET` and `ECONNABORTED` on accept are temporary).
    var isTemporary: Bool { get }
}

/// An error that wraps another one, so that the chain can be searched (Go's `Unwrap`).
public protocol WrappingError: Error {
    /// The wrapped error.
    var underlying: any Error { get }
}

/// Searches `error` and the errors it wraps for one of type `T` and returns the first found.
///
/// The corresponding Go function is `errors.As`.
public func errorAs<T: Error>(_ error: any Error, _ type: T.Type = T.self) -> T? {
    var current: any Error = error
    for _ in 0..<32 {
        if let match = current as? T { return match }
        guard let wrapping = current as? any WrappingError else { return nil }
        current = wrapping.underlying
    }
    return nil
}

/// Whether `error` or an error it wraps is of type `T` and satisfies `predicate`.
///
/// The corresponding Go function is `errors.Is`: `errorIs(error, ClosedError.self)` is
/// `errors.Is(err, net.ErrClosed)`, `errorIs(error, Errno.self) { $0 == .connectionRefused }` is
/// `errors.Is(err, syscall.ECONNREFUSED)`.
public func errorIs<T: Error>(
    _ error: any Error, _ type: T.Type, where predicate: (T) -> Bool = { _ in true }
) -> Bool {
    var current: any Error = error
    for _ in 0..<32 {
        if let match = current as? T, predicate(match) { return true }
        guard let wrapping = current as? any WrappingError else { return false }
        current = wrapping.underlying
    }
    return false
}

/// The error of an operation on a closed connection, listener or packet connection:
/// "use of closed network connection".
///
/// Thrown wrapped in an `OpError`; test with `errorIs(error, ClosedError.self)` or `error.isClosed`.
/// The corresponding Go value is `net.ErrClosed`.
public struct ClosedError: NetError, Hashable, Sendable {
    /// Creates the error.
    public init() {}
    /// "use of closed network connection", Go's text.
    public var description: String { "use of closed network connection" }
    /// Always false.
    public var isTimeout: Bool { false }
    /// Always false.
    public var isTemporary: Bool { false }
}

/// A deadline passed: "i/o timeout". The connection stays usable; move the deadline and go on.
///
/// Thrown wrapped in an `OpError` whose `isTimeout` is true. The corresponding Go values are
/// `os.ErrDeadlineExceeded` (reads, writes, accepts) and net's `errTimeout` (dials).
public struct DeadlineExceededError: NetError, Hashable, Sendable {
    /// Creates the error.
    public init() {}
    /// "i/o timeout", Go's text.
    public var description: String { "i/o timeout" }
    /// Always true.
    public var isTimeout: Bool { true }
    /// Always true (as in Go).
    public var isTemporary: Bool { true }
}

/// `writeTo` on a connected packet connection: "use of WriteTo with pre-connected connection".
///
/// The corresponding Go value is `net.ErrWriteToConnected`.
public struct WriteToConnectedError: NetError, Hashable, Sendable {
    /// Creates the error.
    public init() {}
    /// Go's text.
    public var description: String { "use of WriteTo with pre-connected connection" }
    /// Always false.
    public var isTimeout: Bool { false }
    /// Always false.
    public var isTemporary: Bool { false }
}

/// A failed system call: its name and the `Errno` it returned, printed as "connect: connection refused".
///
/// The corresponding Go type is `os.SyscallError`.
public struct SyscallError: NetError, WrappingError, Hashable, Sendable {
    /// The system call's name, e.g. "connect", "read", "accept4".
    public var syscall: String
    /// The error number.
    public var errno: Errno

    /// Creates the error.
    public init(syscall: String, errno: Errno) {
        self.syscall = syscall
        self.errno = errno
    }

    /// "syscall: text", as Go prints it.
    public var description: String { syscall + ": " + errno.description }
    /// The `Errno`.
    public var underlying: any Error { errno }
    /// Go's `Errno.Timeout`.
    public var isTimeout: Bool { errno.isTimeout }
    /// Go's `Errno.Temporary`.
    public var isTemporary: Bool { errno.isTemporary }
}

/// The error of a network operation: which operation, on which network, between which addresses, and why.
/// Printed exactly as Go prints it: `dial tcp 127.0.0.1:1: connect: connection refused`,
/// `read tcp 127.0.0.1:5000->127.0.0.1:41234: i/o timeout`.
///
/// The corresponding Go type is `net.OpError`.
public struct OpError: NetError, WrappingError, Sendable {
    /// The operation: "dial", "listen", "accept", "read", "write", "close", "set", …
    public var op: String
    /// The network: "tcp", "tcp4", "udp", "unix", …
    public var net: String
    /// The local address, if known (for dials and reads/writes).
    public var source: (any Addr)?
    /// The remote address (dial, read, write) or the local one (listen, accept).
    public var addr: (any Addr)?
    /// The cause: a `SyscallError`, `ClosedError`, `DeadlineExceededError`, `AddrError`, …
    public var err: any Error

    /// Creates the error.
    public init(op: String, net: String, source: (any Addr)? = nil, addr: (any Addr)? = nil, err: any Error) {
        self.op = op
        self.net = net
        self.source = source
        self.addr = addr
        self.err = err
    }

    /// Go's `OpError.Error`: "op net source->addr: err".
    public var description: String {
        var s = op
        if !net.isEmpty { s += " " + net }
        if let source { s += " " + source.description }
        if let addr {
            s += source != nil ? "->" : " "
            s += addr.description
        }
        s += ": " + String(describing: err)
        return s
    }

    /// `err`.
    public var underlying: any Error { err }

    /// Whether the cause is a timeout, looked up through the chain (Go's `OpError.Timeout`).
    public var isTimeout: Bool { (err as? any NetError)?.isTimeout ?? false }

    /// Go's `OpError.Temporary`: connection reset/aborted on accept count as temporary, else the cause decides.
    public var isTemporary: Bool {
        if op == "accept", let se = err as? SyscallError,
           se.errno == .connectionReset || se.errno == .connectionAborted {
            return true
        }
        return (err as? any NetError)?.isTemporary ?? false
    }

    /// Whether the cause is `ClosedError` (Go: `errors.Is(err, net.ErrClosed)`).
    public var isClosed: Bool { errorIs(self, ClosedError.self) }
}

extension AddrError: NetError {}
extension UnknownNetworkError: NetError {}

extension Errno: NetError {}

extension PollError {
    /// Go's error for this poller failure: `ErrClosed`, `ErrDeadlineExceeded`, `CancellationError` (bare),
    /// or the `SyscallError` of `syscall`.
    func goError(syscall: String) -> any Error {
        switch self {
        case .closed: return ClosedError()
        case .timeout: return DeadlineExceededError()
        case .cancelled: return CancellationError()
        case .errno(let e): return SyscallError(syscall: syscall, errno: e)
        }
    }
}

extension DNSError: NetError {}
