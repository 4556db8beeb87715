import CNetKit
import Glibc

/// A raw socket address: a `sockaddr_storage` and the number of its bytes in use.
///
/// This is layer 1's address, the exact bytes that `bind(2)`, `connect(2)`, `accept(2)`,
/// `sendto(2)` and `recvfrom(2)` exchange with the kernel. It can hold any family
/// (`AF_INET`, `AF_INET6`, `AF_UNIX`, …). Equality and hashing compare the first
/// ``length`` bytes. The typed addresses of the address layer (`TCPAddr`, `UDPAddr`,
/// `UnixAddr`) convert to and from it.
///
/// ```swift
/// let address = SocketAddress.ipv4(127, 0, 0, 1, port: 13)   // 127.0.0.1:13
/// try socket.connect(to: address)
/// ```
///
/// The value is 128 bytes plus the length and never allocates.
///
/// The corresponding Go type is `syscall.Sockaddr` (with `syscall.RawSockaddrAny`).
@frozen
public struct SocketAddress: Sendable {
    @usableFromInline
    internal var storage: sockaddr_storage

    @usableFromInline
    internal var _length: socklen_t

    /// The number of bytes of the storage in use (the C `socklen_t`).
    ///
    /// Zero for an address the kernel did not fill in (for example the peer of a
    /// connected datagram socket in `recvmsg(2)`).
    @inlinable
    public var length: socklen_t { _length }

    /// The size of `sockaddr_storage`: the largest address any family can have.
    public static var capacity: socklen_t { socklen_t(MemoryLayout<sockaddr_storage>.size) }

    /// Creates an empty address whose ``length`` is the full ``capacity``, ready to be
    /// filled by the kernel as an out-parameter (`accept(2)`, `recvfrom(2)`, `getsockname(2)`).
    @inlinable
    public init() {
        storage = sockaddr_storage()
        _length = socklen_t(MemoryLayout<sockaddr_storage>.size)
    }

    /// Creates an address by copying `length` bytes of a C socket address.
    ///
    /// - Parameters:
    ///   - unsafeBytes: The start of a `sockaddr` of any family.
    ///   - length: Its size in bytes; clamped to ``capacity``.
    public init(unsafeBytes: UnsafeRawPointer, length: socklen_t) {
        self.init()
        let count = Int(min(length, Self.capacity))
        withUnsafeMutableBytes(of: &storage) { raw in
            raw.baseAddress!.copyMemory(from: unsafeBytes, byteCount: count)
        }
        _length = socklen_t(count)
    }

    /// Creates an IPv4 address from a `sockaddr_in` (port and address in network byte order).
    ///
    /// - Parameter address: The C IPv4 socket address; its `sin_family` is set to `AF_INET`.
    public init(_ address: sockaddr_in) {
        var address = address
        address.sin_family = sa_family_t(AF_INET)
        self.init(unsafeBytes: &address, length: socklen_t(MemoryLayout<sockaddr_in>.size))
    }

    /// Creates an IPv6 address from a `sockaddr_in6` (port in network byte order).
    ///
    /// - Parameter address: The C IPv6 socket address; its `sin6_family` is set to `AF_INET6`.
    public init(_ address: sockaddr_in6) {
        var address = address
        address.sin6_family = sa_family_t(AF_INET6)
        self.init(unsafeBytes: &address, length: socklen_t(MemoryLayout<sockaddr_in6>.size))
    }

    /// Creates a Unix-domain address from a `sockaddr_un` and its length.
    ///
    /// The length matters for Unix addresses: it is `2 + path bytes + 1` for a path,
    /// `2 + name bytes` for an abstract name (leading NUL), and `2` for an unnamed socket.
    ///
    /// - Parameters:
    ///   - address: The C Unix socket address; its `sun_family` is set to `AF_UNIX`.
    ///   - length: The number of bytes in use.
    public init(_ address: sockaddr_un, length: socklen_t) {
        var address = address
        address.sun_family = sa_family_t(AF_UNIX)
        self.init(unsafeBytes: &address, length: length)
    }

    /// The address family (`AF_INET`, `AF_INET6`, `AF_UNIX`, …), or `AF_UNSPEC` for an
    /// address shorter than its family field.
    @inlinable
    public var family: sa_family_t {
        _length < socklen_t(MemoryLayout<sa_family_t>.size) ? sa_family_t(AF_UNSPEC) : storage.ss_family
    }

    /// The address as a `sockaddr_in`, or `nil` if it is not an IPv4 address.
    public var ipv4: sockaddr_in? {
        guard family == sa_family_t(AF_INET), Int(_length) >= MemoryLayout<sockaddr_in>.size else { return nil }
        return withUnsafeBytes(of: storage) { $0.loadUnaligned(as: sockaddr_in.self) }
    }

    /// The address as a `sockaddr_in6`, or `nil` if it is not an IPv6 address.
    public var ipv6: sockaddr_in6? {
        guard family == sa_family_t(AF_INET6), Int(_length) >= MemoryLayout<sockaddr_in6>.size else { return nil }
        return withUnsafeBytes(of: storage) { $0.loadUnaligned(as: sockaddr_in6.self) }
    }

    /// The address as a `sockaddr_un`, or `nil` if it is not a Unix-domain address.
    ///
    /// Bytes of `sun_path` beyond ``length`` are zero.
    public var unix: sockaddr_un? {
        guard family == sa_family_t(AF_UNIX) else { return nil }
        return withUnsafeBytes(of: storage) { $0.loadUnaligned(as: sockaddr_un.self) }
    }

    /// The path of a Unix-domain address: a file path, an abstract name written with a
    /// leading `"@"` in place of its NUL, or `""` for an unnamed socket; `nil` for other families.
    ///
    /// The corresponding Go field is `syscall.SockaddrUnix.Name`.
    public var unixPath: String? {
        guard family == sa_family_t(AF_UNIX) else { return nil }
        let pathOffset = MemoryLayout<sa_family_t>.size
        let count = max(0, Int(_length) - pathOffset)
        return withUnsafeBytes(of: storage) { raw -> String in
            var bytes = Array(raw[pathOffset..<(pathOffset + count)])
            if bytes.first == 0, bytes.count > 1 {
                bytes[0] = UInt8(ascii: "@")         // abstract: the whole length is the name
            } else if let end = bytes.firstIndex(of: 0) {
                bytes.removeSubrange(end...)         // a path ends at its NUL
            }
            return String(decoding: bytes, as: UTF8.self)
        }
    }

    /// The port of an IPv4 or IPv6 address in host byte order, or `nil` for other families.
    public var port: UInt16? {
        if let v4 = ipv4 { return UInt16(bigEndian: v4.sin_port) }
        if let v6 = ipv6 { return UInt16(bigEndian: v6.sin6_port) }
        return nil
    }

    /// Calls `body` with a pointer to the C `sockaddr` and its length.
    ///
    /// - Parameter body: Receives the address for the duration of the call only.
    /// - Returns: What `body` returns.
    @inlinable
    public func withUnsafeSockaddr<R, E: Error>(
        _ body: (UnsafePointer<sockaddr>, socklen_t) throws(E) -> R
    ) throws(E) -> R {
        var copy = storage
        let length = _length
        return try withUnsafeMutablePointer(to: &copy) { pointer throws(E) -> R in
            try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address throws(E) -> R in
                try body(address, length)
            }
        }
    }

    /// Calls `body` with a pointer to the mutable `sockaddr` storage and to its length, for
    /// system calls that return an address (`accept(2)`, `recvfrom(2)`, `getsockname(2)`).
    ///
    /// On entry the length is the storage size (``capacity``) when the address was created
    /// with ``init()``. After `body` returns, ``length`` is what the kernel stored, clamped to
    /// the capacity (the kernel reports the full size of a truncated address).
    ///
    /// - Parameter body: Receives the pointers for the duration of the call only.
    /// - Returns: What `body` returns.
    @inlinable
    public mutating func withUnsafeMutableSockaddr<R, E: Error>(
        _ body: (UnsafeMutablePointer<sockaddr>, UnsafeMutablePointer<socklen_t>) throws(E) -> R
    ) throws(E) -> R {
        var length = _length
        defer { _length = min(length, socklen_t(MemoryLayout<sockaddr_storage>.size)) }
        return try withUnsafeMutablePointer(to: &storage) { pointer throws(E) -> R in
            try pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address throws(E) -> R in
                try body(address, &length)
            }
        }
    }
}

// MARK: - Convenience constructors

extension SocketAddress {
    /// Creates the IPv4 address `a.b.c.d:port`.
    ///
    /// - Parameters:
    ///   - a: The first byte of the address (for example `127`).
    ///   - b: The second byte.
    ///   - c: The third byte.
    ///   - d: The fourth byte.
    ///   - port: The port in host byte order (converted to network order here).
    /// - Returns: An `AF_INET` address.
    ///
    /// The corresponding Go type is `syscall.SockaddrInet4`.
    public static func ipv4(_ a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8, port: UInt16) -> SocketAddress {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        withUnsafeMutableBytes(of: &address.sin_addr) { raw in
            raw[0] = a; raw[1] = b; raw[2] = c; raw[3] = d
        }
        return SocketAddress(address)
    }

    /// Creates the IPv6 address `[bytes%scopeID]:port`.
    ///
    /// - Parameters:
    ///   - bytes: The 16 address bytes in network order (missing bytes are zero, extra ignored).
    ///   - port: The port in host byte order.
    ///   - scopeID: The interface index of a link-local address, or 0.
    /// - Returns: An `AF_INET6` address.
    ///
    /// The corresponding Go type is `syscall.SockaddrInet6`.
    public static func ipv6(bytes: [UInt8], port: UInt16, scopeID: UInt32 = 0) -> SocketAddress {
        var address = sockaddr_in6()
        address.sin6_family = sa_family_t(AF_INET6)
        address.sin6_port = port.bigEndian
        address.sin6_scope_id = scopeID
        withUnsafeMutableBytes(of: &address.sin6_addr) { raw in
            for (index, byte) in bytes.prefix(16).enumerated() { raw[index] = byte }
        }
        return SocketAddress(address)
    }

    /// Creates a Unix-domain address for a file path or, with a leading `"@"`, an abstract name.
    ///
    /// An abstract name (Linux only) lives in no file system: `"@netkit"` becomes
    /// `sun_path = "\0netkit"` and the length counts exactly the name's bytes. The empty
    /// path makes an unnamed address (length 2), which `bind(2)` turns into an autobound name.
    ///
    /// - Parameter path: The path (at most 107 bytes) or `"@"` + name (at most 107 bytes after the `@`).
    /// - Returns: An `AF_UNIX` address.
    /// - Throws: ``Errno/invalidArgument`` if the path does not fit in `sun_path`, as Go's
    ///   `syscall` does (so a failed dial reads "connect: invalid argument").
    ///
    /// The corresponding Go type is `syscall.SockaddrUnix`.
    public static func unix(path: String) throws(Errno) -> SocketAddress {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)   // 108
        let isAbstract = bytes.first == UInt8(ascii: "@")
        // A path needs room for its terminating NUL; an abstract name does not.
        guard bytes.count < capacity || (isAbstract && bytes.count == capacity) else {
            throw .invalidArgument
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in bytes.enumerated() { raw[index] = byte }
            if isAbstract { raw[0] = 0 }
        }
        let pathOffset = MemoryLayout<sa_family_t>.size
        var length = pathOffset
        if !bytes.isEmpty { length += isAbstract ? bytes.count : bytes.count + 1 }
        return SocketAddress(address, length: socklen_t(length))
    }
}

// MARK: - Equality, hashing, description

extension SocketAddress: Hashable {
    /// Two addresses are equal when they have the same length and the same bytes.
    public static func == (lhs: SocketAddress, rhs: SocketAddress) -> Bool {
        guard lhs._length == rhs._length else { return false }
        let count = Int(lhs._length)
        return withUnsafeBytes(of: lhs.storage) { left in
            withUnsafeBytes(of: rhs.storage) { right in
                memcmp(left.baseAddress!, right.baseAddress!, count) == 0
            }
        }
    }

    /// Hashes the length and the bytes in use.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(_length)
        withUnsafeBytes(of: storage) { raw in
            hasher.combine(bytes: UnsafeRawBufferPointer(rebasing: raw[..<Int(_length)]))
        }
    }
}

extension SocketAddress: CustomStringConvertible {
    /// A diagnostic text: `"127.0.0.1:80"`, `"[::1]:80"`, `"[fe80::1%2]:80"`, a Unix path,
    /// `"@name"` for an abstract name, or `"<family N>"` for other families.
    ///
    /// It is not a stable format; the address layer's types print Go's exact texts.
    public var description: String {
        if let v4 = ipv4 {
            let host = withUnsafeBytes(of: v4.sin_addr) { Self.presentation(AF_INET, $0) }
            return "\(host):\(UInt16(bigEndian: v4.sin_port))"
        }
        if let v6 = ipv6 {
            let zone = v6.sin6_scope_id == 0 ? "" : "%\(v6.sin6_scope_id)"
            let host = withUnsafeBytes(of: v6.sin6_addr) { Self.presentation(AF_INET6, $0) }
            return "[\(host)\(zone)]:\(UInt16(bigEndian: v6.sin6_port))"
        }
        if let path = unixPath { return path }
        return "<family \(family)>"
    }

    /// `inet_ntop(3)` of an `in_addr`/`in6_addr`.
    private static func presentation(_ family: Int32, _ address: UnsafeRawBufferPointer) -> String {
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        let ok = text.withUnsafeMutableBufferPointer { buffer in
            inet_ntop(family, address.baseAddress, buffer.baseAddress, socklen_t(buffer.count)) != nil
        }
        guard ok else { return "?" }
        return String(decoding: text.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
