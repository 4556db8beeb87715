// Creating Unix-domain sockets: Go's net/unixsock.go and net/unixsock_posix.go (`unixSocket`, `dialUnix`,
// `listenUnix`, `listenUnixgram`) with the parts of net/sock_posix.go they use.

import Glibc

/// The socket type of a Unix network name: "unix" (stream), "unixgram" (datagram), "unixpacket" (sequenced
/// packets), or nil for any other name. Go's switch at the top of `unixSocket`.
func unixSocketKind(_ network: String) -> Socket.Kind? {
    switch network {
    case "unix": return .stream
    case "unixgram": return .datagram
    case "unixpacket": return .seqPacket
    default: return nil
    }
}

/// The network name of a Unix socket type. Go's `sotypeToNet`.
func unixNetwork(_ kind: Socket.Kind) -> String {
    switch kind {
    case .datagram: return "unixgram"
    case .seqPacket: return "unixpacket"
    default: return "unix"
    }
}

/// A Unix address the kernel reported (getsockname, getpeername, accept, recvfrom) as a `UnixAddr` of
/// `network`, or nil for an unnamed socket (or none).
///
/// A connection keeps nil for an unnamed end, so that its errors read `read unix /tmp/s.sock: …` rather
/// than Go's `read unix /tmp/s.sock->@: …`; its `localAddr`/`remoteAddr` show the empty name.
func kernelUnixAddr(_ sa: SocketAddress?, network: String) -> UnixAddr? {
    guard let sa, let addr = UnixAddr(sa, net: network), !addr.name.isEmpty else { return nil }
    return addr
}

// MARK: - Dial

/// Connects to `raddr` on a Unix network without name resolution, binding `laddr` first if it is given
/// and not empty. For "unixgram", `raddr` may be nil when `laddr` is set: the result is then an unconnected
/// socket bound to `laddr`, as from `listenUnixgram`. A socket file created for `laddr` stays when the
/// connection closes, as in Go (a failed dial removes it).
///
/// Errors are `OpError`s with op "dial": `dial unix /tmp/x.sock: connect: no such file or directory`,
/// `connect: connection refused` (a stale socket file), `missing address`, `unknown network unixfoo`.
///
/// The corresponding Go function is `net.DialUnix`.
public func dialUnix(_ network: String, laddr: UnixAddr? = nil, raddr: UnixAddr?) async throws -> UnixConn {
    try await Dialer().dialUnix(network, laddr: laddr, raddr: raddr)
}

extension Dialer {
    /// Connects to `raddr` on a Unix network with this dialer's deadline, timeout and control hook; `laddr`
    /// overrides `localAddr`. See the free function `dialUnix(_:laddr:raddr:)`.
    ///
    /// The corresponding Go method is `Dialer.DialUnix`.
    public func dialUnix(_ network: String, laddr: UnixAddr? = nil, raddr: UnixAddr?) async throws -> UnixConn {
        try await dialUnixSocket(
            network: network, laddr: laddr ?? (localAddr as? UnixAddr), raddr: raddr,
            deadline: effectiveDeadline(now: .now))
    }

    /// The entry point of `dial` for Unix addresses. Go's `sysDialer.dialUnix`.
    func dialUnixSingle(
        network: String, laddr: UnixAddr?, raddr: UnixAddr, deadline: ContinuousClock.Instant?
    ) async throws -> UnixConn {
        try await dialUnixSocket(network: network, laddr: laddr, raddr: raddr, deadline: deadline)
    }

    /// Go's `unixSocket(ctx, net, laddr, raddr, "dial", ctrl)` and `netFD.dial`: a socket, the control hook,
    /// bind (if `laddr` names something), connect (if `raddr` does).
    func dialUnixSocket(
        network: String, laddr: UnixAddr?, raddr: UnixAddr?, deadline: ContinuousClock.Instant?
    ) async throws -> UnixConn {
        func fail(_ err: any Error) -> any Error {
            if err is CancellationError { return err }
            return OpError(op: "dial", net: network, source: laddr, addr: raddr, err: err)
        }
        guard let kind = unixSocketKind(network) else { throw fail(UnknownNetworkError(network)) }
        // Go's isWildcard: an empty name means "none" when dialing.
        let la = laddr.flatMap { $0.name.isEmpty ? nil : $0 }
        let ra = raddr.flatMap { $0.name.isEmpty ? nil : $0 }
        if ra == nil && (kind != .datagram || la == nil) { throw fail(errMissingAddress) }
        try Task.checkCancellation()
        if let deadline, deadline <= .now { throw fail(DeadlineExceededError()) }

        let lsa: SocketAddress?
        let rsa: SocketAddress?
        do {
            lsa = try la?.socketAddress()
            rsa = try ra?.socketAddress()
        } catch {
            throw fail(error)
        }
        let pd: PollDesc
        do { pd = try newPollDesc(family: .unix, kind: kind, ipv6Only: false) } catch { throw fail(error) }
        var boundFile: UnixSocketFile?
        do {
            if let control {
                try control(network, (ra ?? la)?.name ?? "", RawConn(pd: pd))
            }
            if let lsa {
                try pd.syscall("bind") { s throws(Errno) in try s.bind(lsa) }
                boundFile = la.flatMap { UnixSocketFile(path: $0.name) }
            }
            if let rsa {
                try? pd.setDeadline(deadline, .write)
                do {
                    try await pd.connect(to: rsa)
                } catch {
                    throw error.goError(syscall: "connect")
                }
                try? pd.setDeadline(nil, .write)
                // A connection that completed while the task was being cancelled still counts as cancelled.
                try Task.checkCancellation()
            }
            let local = try? pd.withDescriptor { s throws(Errno) in try s.localAddress }
            let peer = rsa == nil ? nil : try? pd.withDescriptor { s throws(Errno) in try s.remoteAddress }
            let fd = NetFD(
                pd: pd, net: network, family: .unix, kind: kind,
                laddr: kernelUnixAddr(local, network: network),
                raddr: ra.map { r in kernelUnixAddr(peer, network: network) ?? r })
            return UnixConn(fd: fd, isConnected: ra != nil)
        } catch {
            try? pd.close()
            // The socket file bind created is ours: do not leave it behind.
            boundFile?.removeIfSocket()
            throw fail(error)
        }
    }
}

// MARK: - Listen

/// Listens on a Unix stream ("unix") or sequenced-packet ("unixpacket") address without name resolution.
///
/// A path creates a socket file, which `close()` removes again; a name starting with "@" is a Linux abstract
/// address (no file); the empty name autobinds a unique abstract address (read it back from `addr`). A path
/// longer than 107 bytes is rejected, never truncated. An existing file at the path — a stale socket file too
/// — makes the listen fail with `listen unix /path: bind: address already in use`; nothing is deleted.
///
/// The corresponding Go function is `net.ListenUnix`.
public func listenUnix(_ network: String, laddr: UnixAddr) throws -> UnixListener {
    switch network {
    case "unix", "unixpacket": break
    default:
        throw OpError(op: "listen", net: network, source: nil, addr: laddr, err: UnknownNetworkError(network))
    }
    return try ListenConfig().listenUnix(network: network, laddr: laddr)
}

/// Opens an unconnected Unix datagram socket ("unixgram") bound to `laddr`, for `readFrom` and `writeTo`.
///
/// Names work as for `listenUnix`; unlike a listener, closing the connection does not remove its socket file
/// (as in Go).
///
/// The corresponding Go function is `net.ListenUnixgram`.
public func listenUnixgram(_ network: String, laddr: UnixAddr) throws -> UnixConn {
    guard network == "unixgram" else {
        throw OpError(op: "listen", net: network, source: nil, addr: laddr, err: UnknownNetworkError(network))
    }
    return try ListenConfig().listenUnixgram(network: network, laddr: laddr)
}

extension ListenConfig {
    /// The entry point of `listen` for Unix addresses. Go's `sysListener.listenUnix` with
    /// `netFD.listenStream`: a socket with `SO_REUSEADDR`, the control hook, bind, listen.
    func listenUnix(network: String, laddr: UnixAddr) throws -> UnixListener {
        func fail(_ err: any Error) -> OpError {
            OpError(op: "listen", net: network, source: nil, addr: laddr, err: err)
        }
        guard let kind = unixSocketKind(network), kind != .datagram else { throw fail(UnknownNetworkError(network)) }
        let lsa: SocketAddress
        do { lsa = try laddr.socketAddress() } catch { throw fail(error) }
        let pd: PollDesc
        do {
            pd = try newPollDesc(family: .unix, kind: kind, ipv6Only: false) { s throws(Errno) in
                try s.setReuseAddress(true)
            }
        } catch {
            throw fail(error)
        }
        var file: UnixSocketFile?
        do {
            if let control { try control(network, laddr.name, RawConn(pd: pd)) }
            try pd.syscall("bind") { s throws(Errno) in try s.bind(lsa) }
            file = UnixSocketFile(path: laddr.name)
            let backlog = self.backlog ?? listenerBacklog
            try pd.syscall("listen") { s throws(Errno) in try s.listen(backlog: backlog) }
            let bound = try? pd.withDescriptor { s throws(Errno) in try s.localAddress }
            let fd = NetFD(pd: pd, net: network, family: .unix, kind: kind,
                           laddr: kernelUnixAddr(bound, network: network) ?? laddr, raddr: nil)
            return UnixListener(fd: fd, file: file)
        } catch {
            try? pd.close()
            // The socket file is ours (bind created it): do not leave it behind.
            file?.removeIfSocket()
            throw fail(error)
        }
    }

    /// The entry point of `listenPacket` for "unixgram". Go's `sysListener.listenUnixgram` with
    /// `netFD.listenDatagram`: a socket, the control hook, bind.
    func listenUnixgram(network: String, laddr: UnixAddr) throws -> UnixConn {
        func fail(_ err: any Error) -> OpError {
            OpError(op: "listen", net: network, source: nil, addr: laddr, err: err)
        }
        guard network == "unixgram" else { throw fail(UnknownNetworkError(network)) }
        let lsa: SocketAddress
        do { lsa = try laddr.socketAddress() } catch { throw fail(error) }
        let pd: PollDesc
        do { pd = try newPollDesc(family: .unix, kind: .datagram, ipv6Only: false) } catch { throw fail(error) }
        do {
            if let control { try control(network, laddr.name, RawConn(pd: pd)) }
            try pd.syscall("bind") { s throws(Errno) in try s.bind(lsa) }
            let bound = try? pd.withDescriptor { s throws(Errno) in try s.localAddress }
            let fd = NetFD(pd: pd, net: network, family: .unix, kind: .datagram,
                           laddr: kernelUnixAddr(bound, network: network) ?? laddr, raddr: nil)
            return UnixConn(fd: fd, isConnected: false)
        } catch {
            try? pd.close()
            throw fail(error)
        }
    }
}

// MARK: - Socket files

/// The file a Unix socket bound to a path created, identified by device and inode, so that it can be removed
/// later without ever touching anything else: not a regular file, not an abstract name, and not a socket file
/// another process created at the same path after ours was removed.
struct UnixSocketFile: Sendable {
    let path: String
    let device: UInt64
    let inode: UInt64

    /// The socket file now at `path`, or nil for abstract and empty names and when `path` is not a socket.
    init?(path: String) {
        guard let first = path.utf8.first, first != UInt8(ascii: "@") else { return nil }
        guard let (device, inode) = UnixSocketFile.socketIdentity(path) else { return nil }
        self.path = path
        self.device = device
        self.inode = inode
    }

    /// Removes the file if it is still the socket this value identifies.
    func removeIfSocket() {
        guard let (device, inode) = UnixSocketFile.socketIdentity(path),
              device == self.device, inode == self.inode else { return }
        _ = Glibc.unlink(path)
    }

    /// lstat(2): device and inode of the socket at `path`, nil if it is anything else or missing.
    private static func socketIdentity(_ path: String) -> (UInt64, UInt64)? {
        var st = stat()
        guard lstat(path, &st) == 0, st.st_mode & S_IFMT == S_IFSOCK else { return nil }
        return (UInt64(st.st_dev), UInt64(st.st_ino))
    }
}
