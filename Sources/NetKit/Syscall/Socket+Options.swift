import CNetKit
import Glibc

// Socket options: a generic getsockopt/setsockopt pair, then one typed getter property and one
// `set…(_:)` method per option. Getters are throwing properties (`try socket.noDelay`), setters
// are methods (`try socket.setNoDelay(true)`), because a Swift setter cannot throw.

extension Socket {
    // MARK: Generic

    /// Sets an integer socket option.
    ///
    /// - Parameters:
    ///   - level: The protocol level, for example `SOL_SOCKET` or `IPPROTO_TCP`.
    ///   - name: The option, for example `SO_REUSEADDR`.
    ///   - value: The value (0 or 1 for boolean options).
    /// - Throws: ``Errno``: for example ``Errno/protocolNotAvailable`` (unknown option),
    ///   ``Errno/invalidArgument``.
    ///
    /// The corresponding C function is `setsockopt(2)`; the Go one is `syscall.SetsockoptInt`.
    public func setOption(level: Int32, name: Int32, value: Int32) throws(Errno) {
        try setOption(level: level, name: name, value: value, as: Int32.self)
    }

    /// Reads an integer socket option.
    ///
    /// - Parameters:
    ///   - level: The protocol level, for example `SOL_SOCKET`.
    ///   - name: The option, for example `SO_RCVBUF`.
    /// - Returns: The option's value.
    /// - Throws: ``Errno``: for example ``Errno/protocolNotAvailable``.
    ///
    /// The corresponding C function is `getsockopt(2)`; the Go one is `syscall.GetsockoptInt`.
    public func getOption(level: Int32, name: Int32) throws(Errno) -> Int32 {
        try getOption(level: level, name: name, as: Int32.self)
    }

    /// Sets a socket option whose value is a C struct (for example `linger` or `timeval`).
    ///
    /// - Parameters:
    ///   - level: The protocol level.
    ///   - name: The option.
    ///   - value: The value, passed by address with its size.
    ///   - type: The C type of the value.
    /// - Throws: ``Errno``.
    ///
    /// The corresponding C function is `setsockopt(2)`.
    public func setOption<T: BitwiseCopyable>(level: Int32, name: Int32, value: T, as type: T.Type) throws(Errno) {
        var value = value
        _ = try retryingOnInterrupt {
            setsockopt(rawValue, level, name, &value, socklen_t(MemoryLayout<T>.size))
        }
    }

    /// Reads a socket option whose value is a C struct (for example `linger` or `timeval`).
    ///
    /// - Parameters:
    ///   - level: The protocol level.
    ///   - name: The option.
    ///   - type: The C type of the value; bytes the kernel does not fill stay zero.
    /// - Returns: The value.
    /// - Throws: ``Errno``.
    ///
    /// The corresponding C function is `getsockopt(2)`.
    public func getOption<T: BitwiseCopyable>(level: Int32, name: Int32, as type: T.Type) throws(Errno) -> T {
        try withUnsafeTemporaryAllocation(of: T.self, capacity: 1) { buffer throws(Errno) -> T in
            let raw = UnsafeMutableRawBufferPointer(buffer)
            raw.initializeMemory(as: UInt8.self, repeating: 0)
            var length = socklen_t(MemoryLayout<T>.size)
            _ = try retryingOnInterrupt { getsockopt(rawValue, level, name, raw.baseAddress, &length) }
            return raw.loadUnaligned(as: T.self)
        }
    }

    private func flag(_ level: Int32, _ name: Int32) throws(Errno) -> Bool {
        try getOption(level: level, name: name) != 0
    }

    private func setFlag(_ level: Int32, _ name: Int32, _ on: Bool) throws(Errno) {
        try setOption(level: level, name: name, value: on ? 1 : 0)
    }

    private static var tcpLevel: Int32 { Int32(IPPROTO_TCP) }
    private static var ipv6Level: Int32 { Int32(IPPROTO_IPV6) }

    // MARK: SOL_SOCKET

    /// Whether a listener may bind an address still in `TIME_WAIT` (`SO_REUSEADDR`).
    /// Go's listeners always set it.
    ///
    /// The corresponding C option is `SO_REUSEADDR`.
    public var reuseAddress: Bool { get throws(Errno) { try flag(SOL_SOCKET, SO_REUSEADDR) } }

    /// Sets `SO_REUSEADDR`; do it before ``bind(_:)``.
    ///
    /// - Parameter on: Whether to allow the reuse.
    /// - Throws: ``Errno``.
    ///
    /// The corresponding C function is `setsockopt(2)` with `SO_REUSEADDR`.
    public func setReuseAddress(_ on: Bool) throws(Errno) { try setFlag(SOL_SOCKET, SO_REUSEADDR, on) }

    /// Whether several sockets may bind the same address and port, the kernel balancing
    /// between them (`SO_REUSEPORT`).
    ///
    /// The corresponding C option is `SO_REUSEPORT`.
    public var reusePort: Bool { get throws(Errno) { try flag(SOL_SOCKET, SO_REUSEPORT) } }

    /// Sets `SO_REUSEPORT`; do it before ``bind(_:)`` on every socket that shares the port.
    ///
    /// - Parameter on: Whether to allow the sharing.
    /// - Throws: ``Errno``.
    ///
    /// The corresponding C function is `setsockopt(2)` with `SO_REUSEPORT`.
    public func setReusePort(_ on: Bool) throws(Errno) { try setFlag(SOL_SOCKET, SO_REUSEPORT, on) }

    /// Whether TCP keep-alive probes are sent on an idle connection (`SO_KEEPALIVE`).
    ///
    /// The corresponding C option is `SO_KEEPALIVE`.
    public var keepAlive: Bool { get throws(Errno) { try flag(SOL_SOCKET, SO_KEEPALIVE) } }

    /// Sets `SO_KEEPALIVE`.
    ///
    /// - Parameter on: Whether to send keep-alive probes.
    /// - Throws: ``Errno``.
    ///
    /// The corresponding Go method is `TCPConn.SetKeepAlive`; the C option is `SO_KEEPALIVE`.
    public func setKeepAlive(_ on: Bool) throws(Errno) { try setFlag(SOL_SOCKET, SO_KEEPALIVE, on) }

    /// Whether datagrams may be sent to a broadcast address (`SO_BROADCAST`).
    ///
    /// The corresponding C option is `SO_BROADCAST`.
    public var broadcast: Bool { get throws(Errno) { try flag(SOL_SOCKET, SO_BROADCAST) } }

    /// Sets `SO_BROADCAST` (Go sets it on every UDP socket).
    ///
    /// - Parameter on: Whether to allow broadcast.
    /// - Throws: ``Errno``.
    ///
    /// The corresponding C function is `setsockopt(2)` with `SO_BROADCAST`.
    public func setBroadcast(_ on: Bool) throws(Errno) { try setFlag(SOL_SOCKET, SO_BROADCAST, on) }

    /// The size in bytes of the kernel's receive buffer (`SO_RCVBUF`).
    ///
    /// - Note: Linux doubles the value given to ``setReceiveBufferSize(_:)`` (to make room for
    ///   its bookkeeping) and enforces a minimum, so the value read back is about twice the one set.
    ///
    /// The corresponding C option is `SO_RCVBUF`.
    public var receiveBufferSize: Int { get throws(Errno) { Int(try getOption(level: SOL_SOCKET, name: SO_RCVBUF)) } }

    /// Sets `SO_RCVBUF` (capped by `net.core.rmem_max`; the kernel doubles it).
    ///
    /// - Parameter bytes: The requested size.
    /// - Throws: ``Errno``.
    ///
    /// The corresponding Go method is `TCPConn.SetReadBuffer`; the C option is `SO_RCVBUF`.
    public func setReceiveBufferSize(_ bytes: Int) throws(Errno) {
        try setOption(level: SOL_SOCKET, name: SO_RCVBUF, value: Int32(clamping: bytes))
    }

    /// The size in bytes of the kernel's send buffer (`SO_SNDBUF`).
    ///
    /// - Note: Like `SO_RCVBUF`, Linux doubles the value set.
    ///
    /// The corresponding C option is `SO_SNDBUF`.
    public var sendBufferSize: Int { get throws(Errno) { Int(try getOption(level: SOL_SOCKET, name: SO_SNDBUF)) } }

    /// Sets `SO_SNDBUF` (capped by `net.core.wmem_max`; the kernel doubles it).
    ///
    /// - Parameter bytes: The requested size.
    /// - Throws: ``Errno``.
    ///
    /// The corresponding Go method is `TCPConn.SetWriteBuffer`; the C option is `SO_SNDBUF`.
    public func setSendBufferSize(_ bytes: Int) throws(Errno) {
        try setOption(level: SOL_SOCKET, name: SO_SNDBUF, value: Int32(clamping: bytes))
    }

    /// How `close(2)` treats unsent data (`SO_LINGER`): `nil` = the default (close returns at
    /// once, the kernel keeps sending); `0` = discard and reset the connection; `n` seconds =
    /// close waits up to `n` seconds for the data to be sent.
    ///
    /// The corresponding C option is `SO_LINGER`.
    public var linger: Int? {
        get throws(Errno) {
            let value = try getOption(level: SOL_SOCKET, name: SO_LINGER, as: Glibc.linger.self)
            return value.l_onoff == 0 ? nil : Int(value.l_linger)
        }
    }

    /// Sets `SO_LINGER`.
    ///
    /// - Parameter seconds: `nil` to turn lingering off, or the time `close` may wait (0 resets).
    /// - Throws: ``Errno``.
    ///
    /// The corresponding Go method is `TCPConn.SetLinger` (negative there = `nil` here).
    public func setLinger(_ seconds: Int?) throws(Errno) {
        let value = Glibc.linger(l_onoff: seconds == nil ? 0 : 1, l_linger: Int32(clamping: seconds ?? 0))
        try setOption(level: SOL_SOCKET, name: SO_LINGER, value: value, as: Glibc.linger.self)
    }

    /// How long a blocking receive waits before throwing ``Errno/wouldBlock``; `nil` = forever
    /// (`SO_RCVTIMEO`). Useful as a watchdog on blocking sockets.
    ///
    /// The corresponding C option is `SO_RCVTIMEO`.
    public var receiveTimeout: Duration? {
        get throws(Errno) { Self.duration(try getOption(level: SOL_SOCKET, name: SO_RCVTIMEO, as: Glibc.timeval.self)) }
    }

    /// Sets `SO_RCVTIMEO` (rounded up to microseconds).
    ///
    /// - Parameter timeout: The longest wait, or `nil` for none.
    /// - Throws: ``Errno``.
    ///
    /// The corresponding C function is `setsockopt(2)` with `SO_RCVTIMEO`.
    public func setReceiveTimeout(_ timeout: Duration?) throws(Errno) {
        try setOption(level: SOL_SOCKET, name: SO_RCVTIMEO, value: Self.makeTimeval(timeout), as: Glibc.timeval.self)
    }

    /// How long a blocking send (and a blocking connect) waits before failing; `nil` = forever
    /// (`SO_SNDTIMEO`).
    ///
    /// The corresponding C option is `SO_SNDTIMEO`.
    public var sendTimeout: Duration? {
        get throws(Errno) { Self.duration(try getOption(level: SOL_SOCKET, name: SO_SNDTIMEO, as: Glibc.timeval.self)) }
    }

    /// Sets `SO_SNDTIMEO` (rounded up to microseconds).
    ///
    /// - Parameter timeout: The longest wait, or `nil` for none.
    /// - Throws: ``Errno``.
    ///
    /// The corresponding C function is `setsockopt(2)` with `SO_SNDTIMEO`.
    public func setSendTimeout(_ timeout: Duration?) throws(Errno) {
        try setOption(level: SOL_SOCKET, name: SO_SNDTIMEO, value: Self.makeTimeval(timeout), as: Glibc.timeval.self)
    }

    private static func duration(_ value: Glibc.timeval) -> Duration? {
        if value.tv_sec == 0 && value.tv_usec == 0 { return nil }
        return .seconds(value.tv_sec) + .microseconds(value.tv_usec)
    }

    private static func makeTimeval(_ duration: Duration?) -> Glibc.timeval {
        guard let duration, duration > .zero else { return Glibc.timeval() }
        let (seconds, attoseconds) = duration.components
        var microseconds = (attoseconds + 999_999_999_999) / 1_000_000_000_000
        var wholeSeconds = seconds
        if microseconds >= 1_000_000 { wholeSeconds += 1; microseconds -= 1_000_000 }
        return Glibc.timeval(tv_sec: Int(wholeSeconds), tv_usec: Int(microseconds))
    }

    /// The socket's pending error, which reading clears (`SO_ERROR`); `nil` if there is none.
    ///
    /// After a non-blocking ``connect(to:)`` threw ``Errno/inProgress`` and the socket became
    /// writable, this is the outcome of the connection attempt (`nil` = connected).
    ///
    /// The corresponding C option is `SO_ERROR`.
    public var pendingError: Errno? {
        get throws(Errno) {
            let value = try getOption(level: SOL_SOCKET, name: SO_ERROR)
            return value == 0 ? nil : Errno(rawValue: value)
        }
    }

    /// The socket's type, read back from the kernel (`SO_TYPE`).
    ///
    /// The corresponding C option is `SO_TYPE`.
    public var kind: Kind { get throws(Errno) { Kind(rawValue: try getOption(level: SOL_SOCKET, name: SO_TYPE)) } }

    /// The socket's address family, read back from the kernel (`SO_DOMAIN`).
    ///
    /// The corresponding C option is `SO_DOMAIN`.
    public var family: Family { get throws(Errno) { Family(rawValue: try getOption(level: SOL_SOCKET, name: SO_DOMAIN)) } }

    /// Whether the socket is listening (`SO_ACCEPTCONN`).
    ///
    /// The corresponding C option is `SO_ACCEPTCONN`.
    public var isListening: Bool { get throws(Errno) { try flag(SOL_SOCKET, SO_ACCEPTCONN) } }

    /// The credentials of the process at the other end of a Unix-domain socket, as they
    /// were when it called `connect(2)` or `socketpair(2)` (`SO_PEERCRED`).
    ///
    /// - Throws: ``Errno``: for example ``Errno/protocolNotAvailable`` on an IP socket.
    ///
    /// The corresponding Go function is `syscall.GetsockoptUcred`.
    public var peerCredentials: Credentials {
        get throws(Errno) {
            var credentials = nk_ucred()
            _ = try retryingOnInterrupt { nk_get_peercred(rawValue, &credentials) }
            return Credentials(processID: credentials.pid, userID: credentials.uid, groupID: credentials.gid)
        }
    }

    /// A process's identity as reported by `SO_PEERCRED`.
    ///
    /// The corresponding C type is `struct ucred`; the Go one is `syscall.Ucred`.
    @frozen
    public struct Credentials: Hashable, Sendable {
        /// The process ID (`pid`).
        public var processID: Int32
        /// The user ID (`uid`).
        public var userID: UInt32
        /// The group ID (`gid`).
        public var groupID: UInt32

        /// Creates credentials.
        ///
        /// - Parameters:
        ///   - processID: The process ID.
        ///   - userID: The user ID.
        ///   - groupID: The group ID.
        @inlinable
        public init(processID: Int32, userID: UInt32, groupID: UInt32) {
            self.processID = processID
            self.userID = userID
            self.groupID = groupID
        }
    }

    // MARK: IPPROTO_TCP

    /// Whether Nagle's algorithm is off, so small writes go out at once (`TCP_NODELAY`).
    /// Go turns it on for every TCP connection.
    ///
    /// The corresponding C option is `TCP_NODELAY`.
    public var noDelay: Bool { get throws(Errno) { try flag(Self.tcpLevel, TCP_NODELAY) } }

    /// Sets `TCP_NODELAY`.
    ///
    /// - Parameter on: `true` to send small segments without delay.
    /// - Throws: ``Errno``.
    ///
    /// The corresponding Go method is `TCPConn.SetNoDelay`.
    public func setNoDelay(_ on: Bool) throws(Errno) { try setFlag(Self.tcpLevel, TCP_NODELAY, on) }

    /// Seconds a connection stays idle before the first keep-alive probe (`TCP_KEEPIDLE`).
    ///
    /// The corresponding C option is `TCP_KEEPIDLE`.
    public var keepAliveIdle: Int { get throws(Errno) { Int(try getOption(level: Self.tcpLevel, name: TCP_KEEPIDLE)) } }

    /// Sets `TCP_KEEPIDLE` (1…32767 seconds).
    ///
    /// - Parameter seconds: The idle time.
    /// - Throws: ``Errno``: ``Errno/invalidArgument`` when out of range.
    ///
    /// The corresponding Go field is `KeepAliveConfig.Idle`.
    public func setKeepAliveIdle(_ seconds: Int) throws(Errno) {
        try setOption(level: Self.tcpLevel, name: TCP_KEEPIDLE, value: Int32(clamping: seconds))
    }

    /// Seconds between keep-alive probes (`TCP_KEEPINTVL`).
    ///
    /// The corresponding C option is `TCP_KEEPINTVL`.
    public var keepAliveInterval: Int {
        get throws(Errno) { Int(try getOption(level: Self.tcpLevel, name: TCP_KEEPINTVL)) }
    }

    /// Sets `TCP_KEEPINTVL` (1…32767 seconds).
    ///
    /// - Parameter seconds: The interval.
    /// - Throws: ``Errno``: ``Errno/invalidArgument`` when out of range.
    ///
    /// The corresponding Go field is `KeepAliveConfig.Interval`.
    public func setKeepAliveInterval(_ seconds: Int) throws(Errno) {
        try setOption(level: Self.tcpLevel, name: TCP_KEEPINTVL, value: Int32(clamping: seconds))
    }

    /// Unanswered probes before the connection is dropped (`TCP_KEEPCNT`).
    ///
    /// The corresponding C option is `TCP_KEEPCNT`.
    public var keepAliveCount: Int { get throws(Errno) { Int(try getOption(level: Self.tcpLevel, name: TCP_KEEPCNT)) } }

    /// Sets `TCP_KEEPCNT` (1…127).
    ///
    /// - Parameter count: The number of probes.
    /// - Throws: ``Errno``: ``Errno/invalidArgument`` when out of range.
    ///
    /// The corresponding Go field is `KeepAliveConfig.Count`.
    public func setKeepAliveCount(_ count: Int) throws(Errno) {
        try setOption(level: Self.tcpLevel, name: TCP_KEEPCNT, value: Int32(clamping: count))
    }

    // MARK: IPPROTO_IPV6

    /// Whether an IPv6 socket is restricted to IPv6, refusing IPv4-mapped traffic (`IPV6_V6ONLY`).
    ///
    /// The corresponding C option is `IPV6_V6ONLY`.
    public var ipv6Only: Bool { get throws(Errno) { try flag(Self.ipv6Level, IPV6_V6ONLY) } }

    /// Sets `IPV6_V6ONLY`; do it before ``bind(_:)``. Go sets it for "tcp6"/"udp6" and clears
    /// it for dual-stack "tcp"/"udp" wildcard listeners.
    ///
    /// - Parameter on: `true` for IPv6 only.
    /// - Throws: ``Errno``.
    ///
    /// The corresponding C function is `setsockopt(2)` with `IPV6_V6ONLY`.
    public func setIPv6Only(_ on: Bool) throws(Errno) { try setFlag(Self.ipv6Level, IPV6_V6ONLY, on) }

    // MARK: File status

    /// Whether the descriptor is in non-blocking mode (`O_NONBLOCK`).
    ///
    /// The corresponding C function is `fcntl(2)` with `F_GETFL`.
    public var isNonBlocking: Bool {
        get throws(Errno) {
            let flags = try retryingOnInterrupt { fcntl(rawValue, F_GETFL) }
            return flags & O_NONBLOCK != 0
        }
    }

    /// Turns non-blocking mode on or off (`O_NONBLOCK`).
    ///
    /// - Parameter on: `true` for non-blocking.
    /// - Throws: ``Errno``: for example ``Errno/badFileDescriptor``.
    ///
    /// The corresponding C function is `fcntl(2)` with `F_SETFL`; the Go one is `syscall.SetNonblock`.
    public func setNonBlocking(_ on: Bool) throws(Errno) {
        let flags = try retryingOnInterrupt { fcntl(rawValue, F_GETFL) }
        let wanted = on ? flags | O_NONBLOCK : flags & ~O_NONBLOCK
        if wanted != flags { _ = try retryingOnInterrupt { fcntl(rawValue, F_SETFL, wanted) } }
    }

    /// Whether the descriptor is closed in a child process after `exec` (`FD_CLOEXEC`).
    /// Always `true` for sockets NetKit creates or accepts.
    ///
    /// The corresponding C function is `fcntl(2)` with `F_GETFD`.
    public var isCloseOnExec: Bool {
        get throws(Errno) {
            let flags = try retryingOnInterrupt { fcntl(rawValue, F_GETFD) }
            return flags & FD_CLOEXEC != 0
        }
    }
}
