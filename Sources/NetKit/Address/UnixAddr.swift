// Unix-domain socket addresses (Go: net/unixsock.go, net/unixsock_posix.go, syscall.SockaddrUnix on Linux).

import Glibc

/// The address of a Unix-domain socket: a file-system path, a Linux abstract name written `"@name"`, or `""`
/// (an unnamed socket; binding one autobinds an abstract name).
///
/// `net` is `"unix"` (stream), `"unixgram"` (datagram) or `"unixpacket"` (sequenced packets); `description` is
/// the name alone.
///
/// The corresponding Go type is `net.UnixAddr`.
public struct UnixAddr: Addr, Hashable {
    /// The path, `"@"` + abstract name, or `""`. The corresponding Go field is `UnixAddr.Name`.
    public var name: String
    /// `"unix"`, `"unixgram"` or `"unixpacket"`. The corresponding Go field is `UnixAddr.Net`.
    public var net: String

    /// The longest name that fits in `sockaddr_un`: 107 bytes of path (plus its NUL), or `"@"` + 107 bytes.
    ///
    /// The corresponding C expression is `sizeof(((struct sockaddr_un *)0)->sun_path) - 1`; Go checks
    /// `len(syscall.RawSockaddrUnix.Path)` in `(*syscall.SockaddrUnix).sockaddr`.
    public static let maxNameLength = MemoryLayout.size(ofValue: sockaddr_un().sun_path) - 1

    /// Creates an address. The corresponding Go expression is `&net.UnixAddr{Name: name, Net: net}`.
    public init(name: String, net: String = "unix") {
        self.name = name
        self.net = net
    }

    /// `net`. The corresponding Go method is `(*net.UnixAddr).Network`.
    public var network: String { net }

    /// `name`. The corresponding Go method is `(*net.UnixAddr).String`.
    public var description: String { name }
}

// MARK: - sockaddr_un

extension UnixAddr {
    /// The address in a raw `AF_UNIX` socket address, or `nil` if `socketAddress` is of another family.
    ///
    /// An abstract name comes back as `"@name"` (its leading NUL shown as `@`, the length taken from the
    /// address), a path up to its NUL, and an unnamed socket (length 2) as `""`. The kernel knows no network
    /// name, so the caller says which one the socket is (`net`, default `"unix"`).
    ///
    /// The corresponding Go functions are the unexported `net.sockaddrToUnix`, `sockaddrToUnixgram` and
    /// `sockaddrToUnixpacket`.
    public init?(_ socketAddress: SocketAddress, net: String = "unix") {
        guard socketAddress.family == sa_family_t(AF_UNIX), let raw = socketAddress.unix else { return nil }
        let pathOffset = MemoryLayout<sa_family_t>.size
        let count = min(max(0, Int(socketAddress.length) - pathOffset), MemoryLayout.size(ofValue: raw.sun_path))
        var bytes = withUnsafeBytes(of: raw.sun_path) { Array($0.prefix(count)) }
        if bytes.first == 0 {
            bytes[0] = UInt8(ascii: "@")  // abstract: the length, not a NUL, ends the name
        } else if let end = bytes.firstIndex(of: 0) {
            bytes.removeSubrange(end...)  // a path ends at its NUL
        }
        self.init(name: String(decoding: bytes, as: UTF8.self), net: net)
    }

    /// The address as a raw `AF_UNIX` socket address for `bind(2)`, `connect(2)` or `sendto(2)`.
    ///
    /// A leading `"@"` names a Linux abstract socket: it becomes the leading NUL of `sun_path`, and the length
    /// counts exactly the name (so `"@"` + 107 bytes uses all 108). A path gets its terminating NUL. The empty
    /// name makes an unnamed address (length 2), which `bind(2)` autobinds. Nothing is ever truncated.
    ///
    /// - Throws: `AddrError` (addr = `name`) `"unix socket path too long (at most 107 bytes)"` if the name does
    ///   not fit, or `"unix socket path contains a NUL byte"` for a path (not an abstract name) that the kernel
    ///   would silently cut short.
    ///
    /// The corresponding Go method is the unexported `(*net.UnixAddr).sockaddr` with
    /// `(*syscall.SockaddrUnix).sockaddr`, which fails with `EINVAL` instead.
    public func socketAddress() throws(AddrError) -> SocketAddress {
        let bytes = name.utf8
        let isAbstract = bytes.first == UInt8(ascii: "@")
        // An abstract name's "@" stands for the NUL; a path needs one more byte for its terminating NUL.
        guard bytes.count <= Self.maxNameLength + (isAbstract ? 1 : 0) else {
            throw AddrError(err: AddrError.unixPathTooLong, addr: name)
        }
        if !isAbstract, bytes.contains(0) {
            throw AddrError(err: AddrError.unixPathContainsNUL, addr: name)
        }
        do {
            return try SocketAddress.unix(path: name)
        } catch {
            // Unreachable after the checks above; keep the one error type all the same.
            throw AddrError(err: AddrError.unixPathTooLong, addr: name)
        }
    }
}

extension UnixAddr: SocketAddressConvertible {
    /// Always `.unix`. The corresponding Go method is the unexported `(*net.UnixAddr).family`.
    var family: Socket.Family { .unix }

    /// Always `false`. The corresponding Go method is the unexported `(*net.UnixAddr).isWildcard`.
    var isWildcard: Bool { false }

    /// `socketAddress()`; a Unix address has one family only. The corresponding Go method is the unexported
    /// `(*net.UnixAddr).sockaddr`.
    func socketAddress(family _: Socket.Family?) throws(AddrError) -> SocketAddress {
        try socketAddress()
    }

    /// The address itself. The corresponding Go method is the unexported `(*net.UnixAddr).toLocal`.
    func toLocal(network _: String) -> UnixAddr { self }
}

extension AddrError {
    static let unixPathTooLong = "unix socket path too long (at most 107 bytes)"
    static let unixPathContainsNUL = "unix socket path contains a NUL byte"
}

/// Returns the address of a Unix-domain socket for `network` (`"unix"`, `"unixgram"` or `"unixpacket"`): the
/// address string is the name as it stands. No I/O, no validation of the path.
///
/// - Throws: `UnknownNetworkError` for another network name.
///
/// The corresponding Go function is `net.ResolveUnixAddr`.
public func resolveUnixAddr(network: String, address: String) throws(UnknownNetworkError) -> UnixAddr {
    switch network {
    case "unix", "unixgram", "unixpacket":
        return UnixAddr(name: address, net: network)
    default:
        throw UnknownNetworkError(network)
    }
}
