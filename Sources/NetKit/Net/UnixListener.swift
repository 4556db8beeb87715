import Synchronization

/// A Unix-domain socket listener ("unix" or "unixpacket").
///
/// Created by `listen("unix", path)` or `listenUnix`. Iterate it to serve:
/// `for try await conn in listener { … }`. Closing it removes the socket file it created (see
/// `unlinkOnClose`); abstract ("@name") and autobound addresses have no file.
///
/// The corresponding Go type is `net.UnixListener`.
public final class UnixListener: Listener, NetFDBacked {
    let netFD: NetFD
    /// The socket file `listen` created, if the address is a path.
    private let file: UnixSocketFile?
    /// Go's `unlink` flag and `unlinkOnce`.
    private let unlinkState: Mutex<(unlink: Bool, done: Bool)>

    init(fd: NetFD, file: UnixSocketFile?) {
        self.netFD = fd
        self.file = file
        self.unlinkState = Mutex((unlink: true, done: false))
    }

    deinit {
        // Dropped without close(): the descriptor is closed by the NetFD; clean the file up as close() would.
        removeSocketFileOnce()
    }

    /// Waits for the next connection. The corresponding Go method is `UnixListener.Accept`.
    public func accept() async throws -> any Conn {
        try await acceptUnix()
    }

    /// Waits for the next connection and returns it as a `UnixConn`.
    ///
    /// Errors are `OpError`s with op "accept": `ClosedError` once the listener is closed, a timeout after the
    /// deadline, `SyscallError("accept4", EMFILE)` (temporary) when out of descriptors.
    /// The corresponding Go method is `UnixListener.AcceptUnix`.
    public func acceptUnix() async throws -> UnixConn {
        let socket: Socket
        let peer: SocketAddress
        do {
            (socket, peer) = try await netFD.pd.accept()
        } catch {
            throw netFD.opError("accept", error, syscall: "accept4")
        }
        let pd: PollDesc
        do {
            pd = try PollDesc(socket: socket)
        } catch {
            try? socket.close()
            throw OpError(op: "accept", net: netFD.net, source: nil, addr: netFD.laddr,
                          err: SyscallError(syscall: "epoll_ctl", errno: error))
        }
        let local = try? socket.localAddress
        let fd = NetFD(pd: pd, net: netFD.net, family: .unix, kind: netFD.kind,
                       laddr: kernelUnixAddr(local, network: netFD.net) ?? netFD.laddr,
                       raddr: kernelUnixAddr(peer, network: netFD.net))
        // Go's netFD.accept does not mark accepted sockets connected.
        return UnixConn(fd: fd, isConnected: false)
    }

    /// Stops listening and removes the socket file if `listen` created it and `unlinkOnClose` is true; parked
    /// accepts fail with `ClosedError`; accepted connections stay open. A second close throws `ClosedError`
    /// (and removes nothing).
    ///
    /// The file is removed only if it is still the socket this listener created: never a regular file, never
    /// another process's socket that replaced it, never an abstract name.
    /// The corresponding Go method is `UnixListener.Close`.
    public func close() throws {
        // Go's order: unlink first, then close.
        removeSocketFileOnce()
        do {
            try netFD.pd.close()
        } catch {
            throw OpError(op: "close", net: netFD.net, source: nil, addr: netFD.laddr,
                          err: error.goError(syscall: "close"))
        }
    }

    private func removeSocketFileOnce() {
        let remove = unlinkState.withLock { s -> Bool in
            if s.done { return false }
            s.done = true
            return s.unlink
        }
        if remove { file?.removeIfSocket() }
    }

    /// Whether `close` removes the socket file (default true: the listener created it).
    ///
    /// The corresponding Go method is `UnixListener.SetUnlinkOnClose` (Go has no getter).
    public var unlinkOnClose: Bool {
        get { unlinkState.withLock { $0.unlink } }
        set { unlinkState.withLock { $0.unlink = newValue } }
    }

    /// Sets whether `close` removes the socket file.
    ///
    /// The corresponding Go method is `UnixListener.SetUnlinkOnClose`.
    public func setUnlinkOnClose(_ unlink: Bool) {
        unlinkOnClose = unlink
    }

    /// The listener's address (the autobound "@…" name for an empty one).
    /// The corresponding Go method is `UnixListener.Addr`.
    public var addr: any Addr { unixAddr }

    /// The listener's address as a `UnixAddr`: Go's `l.Addr().(*net.UnixAddr)`.
    public var unixAddr: UnixAddr { netFD.storedLaddr.unix ?? UnixAddr(name: "", net: netFD.net) }

    /// Sets the deadline for `accept` (nil: none). The corresponding Go method is `UnixListener.SetDeadline`.
    public func setDeadline(_ deadline: ContinuousClock.Instant?) throws {
        try netFD.setDeadline(deadline, read: true, write: false)
    }

    /// Raw access to the descriptor. The corresponding Go method is `UnixListener.SyscallConn`.
    public func syscallConn() -> RawConn { RawConn(pd: netFD.pd) }
}
