import CNetKit
import Glibc

/// A socket descriptor: the handle of the Berkeley sockets API.
///
/// `Socket` is a plain copyable value around the C descriptor, like swift-system's
/// `FileDescriptor`: it owns nothing, and ``close()`` is explicit. Every method is one
/// system call with typed throws (``Errno``), `EINTR` retried inside (except `close(2)`
/// and `connect(2)`), and `EAGAIN` thrown as ``Errno/wouldBlock``. The raw-buffer methods
/// (``send(_:flags:)-(UnsafeRawBufferPointer,_)``, ``receive(into:flags:)``, ``read(into:)``, ``write(_:)``,
/// ``accept(nonBlocking:)``) never allocate.
///
/// A socket is blocking by default, exactly like C's; pass `nonBlocking: true` for one that
/// the netpoller drives. It is always close-on-exec, and sends never raise `SIGPIPE`.
///
/// ```swift
/// let server = try Socket(.inet, .stream)                    // socket(AF_INET, SOCK_STREAM, 0)
/// try server.bind(.ipv4(127, 0, 0, 1, port: 0))              // bind(...)
/// try server.listen(backlog: 16)                             // listen(fd, 16)
/// let (client, peer) = try server.accept()                   // accept(...)
/// ```
///
/// The corresponding Go functions are `syscall.Socket` and friends; the corresponding C
/// function is `socket(2)`.
@frozen
public struct Socket: Hashable, Sendable, RawRepresentable {
    /// The C descriptor number.
    public let rawValue: Int32

    /// Wraps an existing descriptor (for example one received with `SCM_RIGHTS`).
    ///
    /// - Parameter rawValue: The descriptor number; it is not checked.
    @inlinable
    public init(rawValue: Int32) { self.rawValue = rawValue }
}

// MARK: - Family, kind, protocol, shutdown

extension Socket {
    /// A protocol family (address family): the first argument of `socket(2)`.
    ///
    /// The corresponding C constants are `AF_INET`, `AF_INET6`, `AF_UNIX` and `AF_UNSPEC`.
    @frozen
    public struct Family: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        /// The C constant (`AF_*`).
        public let rawValue: Int32

        /// Wraps a C `AF_*` constant.
        ///
        /// - Parameter rawValue: The family number.
        @inlinable
        public init(rawValue: Int32) { self.rawValue = rawValue }

        /// IPv4 (`AF_INET`).
        public static var inet: Family { Family(rawValue: AF_INET) }
        /// IPv6 (`AF_INET6`).
        public static var inet6: Family { Family(rawValue: AF_INET6) }
        /// Unix-domain sockets, local to the machine (`AF_UNIX`).
        public static var unix: Family { Family(rawValue: AF_UNIX) }
        /// No particular family (`AF_UNSPEC`).
        public static var unspecified: Family { Family(rawValue: AF_UNSPEC) }

        /// `"inet"`, `"inet6"`, `"unix"`, `"unspec"` or the number.
        public var description: String {
            switch rawValue {
            case AF_INET: "inet"
            case AF_INET6: "inet6"
            case AF_UNIX: "unix"
            case AF_UNSPEC: "unspec"
            default: "family \(rawValue)"
            }
        }
    }

    /// A socket type: the second argument of `socket(2)`.
    ///
    /// The corresponding C constants are `SOCK_STREAM`, `SOCK_DGRAM`, `SOCK_SEQPACKET` and `SOCK_RAW`.
    @frozen
    public struct Kind: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        /// The C constant (`SOCK_*`).
        public let rawValue: Int32

        /// Wraps a C `SOCK_*` constant.
        ///
        /// - Parameter rawValue: The type number.
        @inlinable
        public init(rawValue: Int32) { self.rawValue = rawValue }

        /// A reliable byte stream, such as TCP (`SOCK_STREAM`).
        public static var stream: Kind { Kind(rawValue: NK_SOCK_STREAM) }
        /// Datagrams, such as UDP (`SOCK_DGRAM`).
        public static var datagram: Kind { Kind(rawValue: NK_SOCK_DGRAM) }
        /// Reliable, ordered records (`SOCK_SEQPACKET`).
        public static var seqPacket: Kind { Kind(rawValue: NK_SOCK_SEQPACKET) }
        /// Raw network protocol access (`SOCK_RAW`).
        public static var raw: Kind { Kind(rawValue: NK_SOCK_RAW) }

        /// `"stream"`, `"datagram"`, `"seqpacket"`, `"raw"` or the number.
        public var description: String {
            switch rawValue {
            case NK_SOCK_STREAM: "stream"
            case NK_SOCK_DGRAM: "datagram"
            case NK_SOCK_SEQPACKET: "seqpacket"
            case NK_SOCK_RAW: "raw"
            default: "kind \(rawValue)"
            }
        }
    }

    /// A protocol number: the third argument of `socket(2)`.
    ///
    /// Usually written as a member (`.tcp`); when naming the type, use backticks,
    /// as in Socket.\`Protocol\`, because Socket.Protocol alone means a metatype in Swift.
    ///
    /// The corresponding C constants are `0`, `IPPROTO_TCP` and `IPPROTO_UDP`.
    @frozen
    public struct `Protocol`: RawRepresentable, Hashable, Sendable {
        /// The C protocol number (`IPPROTO_*`).
        public let rawValue: Int32

        /// Wraps a C `IPPROTO_*` number.
        ///
        /// - Parameter rawValue: The protocol number.
        @inlinable
        public init(rawValue: Int32) { self.rawValue = rawValue }

        /// The default protocol of the family and kind (`0`).
        public static var `default`: `Protocol` { `Protocol`(rawValue: 0) }
        /// TCP (`IPPROTO_TCP`).
        public static var tcp: `Protocol` { `Protocol`(rawValue: Int32(IPPROTO_TCP)) }
        /// UDP (`IPPROTO_UDP`).
        public static var udp: `Protocol` { `Protocol`(rawValue: Int32(IPPROTO_UDP)) }
    }

    /// Which direction(s) of a connection ``Socket/shutdown(_:)`` closes.
    ///
    /// The corresponding C constants are `SHUT_RD`, `SHUT_WR` and `SHUT_RDWR`.
    @frozen
    public enum ShutdownHow: Int32, Hashable, Sendable {
        /// No more receptions (`SHUT_RD`).
        case read = 0
        /// No more transmissions; the peer reads end of file (`SHUT_WR`). Go's `CloseWrite`.
        case write = 1
        /// Both (`SHUT_RDWR`).
        case readWrite = 2
    }
}

// MARK: - Creating and closing

extension Socket {
    /// Creates a socket, close-on-exec, blocking unless `nonBlocking` is `true`.
    ///
    /// `SOCK_CLOEXEC` is always set, atomically, so the descriptor never leaks into a child
    /// process; `SOCK_NONBLOCK` is set in the same call when asked for.
    ///
    /// - Parameters:
    ///   - family: The address family, for example ``Family/inet``.
    ///   - kind: The socket type, for example ``Kind/stream``.
    ///   - protocol: The protocol; ``Protocol/default`` picks the family's usual one.
    ///   - nonBlocking: Whether operations that would block throw ``Errno/wouldBlock`` instead.
    /// - Throws: ``Errno``: for example ``Errno/addressFamilyNotSupported``,
    ///   ``Errno/protocolNotSupported``, ``Errno/tooManyOpenFiles``.
    ///
    /// The corresponding C function is `socket(2)`.
    public init(
        _ family: Family, _ kind: Kind, _ protocol: `Protocol` = .default, nonBlocking: Bool = false
    ) throws(Errno) {
        let flags = NK_SOCK_CLOEXEC | (nonBlocking ? NK_SOCK_NONBLOCK : 0)
        let fd = try retryingOnInterrupt { Glibc.socket(family.rawValue, kind.rawValue | flags, `protocol`.rawValue) }
        self.init(rawValue: fd)
    }

    /// Creates a pair of connected sockets, both close-on-exec.
    ///
    /// - Parameters:
    ///   - family: The family; Linux supports only ``Family/unix``.
    ///   - kind: ``Kind/stream``, ``Kind/datagram`` or ``Kind/seqPacket``.
    ///   - nonBlocking: Whether both sockets are non-blocking.
    /// - Returns: The two ends; what one sends the other receives.
    /// - Throws: ``Errno``: for example ``Errno/tooManyOpenFiles``.
    ///
    /// The corresponding C function is `socketpair(2)`; the Go one is `syscall.Socketpair`.
    public static func pair(
        _ family: Family, _ kind: Kind, nonBlocking: Bool = false
    ) throws(Errno) -> (Socket, Socket) {
        let flags = NK_SOCK_CLOEXEC | (nonBlocking ? NK_SOCK_NONBLOCK : 0)
        var fds: (Int32, Int32) = (-1, -1)
        _ = try withUnsafeMutableBytes(of: &fds) { raw throws(Errno) in
            let pointer = raw.baseAddress!.assumingMemoryBound(to: Int32.self)
            return try retryingOnInterrupt { Glibc.socketpair(family.rawValue, kind.rawValue | flags, 0, pointer) }
        }
        return (Socket(rawValue: fds.0), Socket(rawValue: fds.1))
    }

    /// Closes the socket.
    ///
    /// The descriptor is released even when an error is thrown; never close it again (the
    /// number may already belong to another descriptor). `EINTR` is deliberately not retried.
    ///
    /// - Throws: ``Errno/badFileDescriptor`` if the socket is not open; other errors
    ///   (``Errno/interrupted``, ``Errno/ioError``) report a failure after the descriptor was released.
    ///
    /// The corresponding C function is `close(2)`.
    public func close() throws(Errno) {
        // Not retryingOnInterrupt: after EINTR Linux has already closed the descriptor, and a
        // second close could close a descriptor another thread has just been given.
        _ = try valueOrErrno { Glibc.close(rawValue) }
    }
}
