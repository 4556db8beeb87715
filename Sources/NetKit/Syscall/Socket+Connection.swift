import CNetKit
import Glibc

extension Socket {
    /// Assigns a local address to the socket.
    ///
    /// Bind port 0 to let the kernel pick a free port, then read it back with ``localAddress``.
    ///
    /// - Parameter address: The local address, for example `.ipv4(127, 0, 0, 1, port: 0)`.
    /// - Throws: ``Errno``: for example ``Errno/addressInUse``, ``Errno/addressNotAvailable``,
    ///   ``Errno/permissionDenied`` (privileged port), ``Errno/invalidArgument`` (already bound).
    ///
    /// The corresponding C function is `bind(2)`.
    public func bind(_ address: SocketAddress) throws(Errno) {
        _ = try address.withUnsafeSockaddr { pointer, length throws(Errno) in
            try retryingOnInterrupt { Glibc.bind(rawValue, pointer, length) }
        }
    }

    /// Marks a stream socket as accepting connections.
    ///
    /// - Parameter backlog: The length of the queue of completed connections not yet accepted
    ///   (Linux caps it at `net.core.somaxconn`).
    /// - Throws: ``Errno``: for example ``Errno/notSupported`` for a datagram socket,
    ///   ``Errno/addressInUse``.
    ///
    /// The corresponding C function is `listen(2)`.
    public func listen(backlog: Int32) throws(Errno) {
        _ = try retryingOnInterrupt { Glibc.listen(rawValue, backlog) }
    }

    /// Takes the next connection from a listening socket.
    ///
    /// The new socket is close-on-exec (set atomically with `accept4(2)`). A blocking listener
    /// waits for a connection; a non-blocking one throws ``Errno/wouldBlock`` when none is
    /// queued. `EINTR` is retried. Does not allocate.
    ///
    /// - Parameter nonBlocking: Whether the accepted socket is non-blocking.
    /// - Returns: The connected socket and the peer's address.
    /// - Throws: ``Errno``: ``Errno/wouldBlock``, ``Errno/connectionAborted`` (a connection
    ///   died in the queue; Go's poller simply accepts again), ``Errno/tooManyOpenFiles``,
    ///   ``Errno/invalidArgument`` (not listening).
    ///
    /// The corresponding C function is `accept4(2)`; the Go one is `syscall.Accept4`.
    public func accept(nonBlocking: Bool = false) throws(Errno) -> (Socket, SocketAddress) {
        let flags = NK_SOCK_CLOEXEC | (nonBlocking ? NK_SOCK_NONBLOCK : 0)
        var peer = SocketAddress()
        let fd = try peer.withUnsafeMutableSockaddr { pointer, length throws(Errno) in
            try retryingOnInterrupt { nk_accept4(rawValue, pointer, length, flags) }
        }
        return (Socket(rawValue: fd), peer)
    }

    /// Connects the socket to a remote address.
    ///
    /// - A blocking socket returns once the connection is established (TCP's handshake done).
    ///   If a signal interrupts the call, the connection attempt goes on in the kernel; as
    ///   POSIX prescribes, this method then waits with `poll(2)` until the socket is writable
    ///   and reports the result from `SO_ERROR`, instead of calling `connect(2)` again.
    /// - A non-blocking socket throws ``Errno/inProgress`` while the attempt continues
    ///   (also after an interrupted call); wait until it is writable, then read
    ///   ``pendingError`` for the outcome. This is how Go's `netFD.connect` proceeds.
    /// - On a datagram socket it only sets the default destination and source filter.
    ///
    /// - Parameter address: The remote address.
    /// - Throws: ``Errno``: for example ``Errno/connectionRefused``, ``Errno/timedOut``,
    ///   ``Errno/networkUnreachable``, ``Errno/inProgress``, ``Errno/alreadyInProgress``,
    ///   ``Errno/isConnected``, ``Errno/noSuchFileOrDirectory`` (Unix path).
    ///
    /// The corresponding C function is `connect(2)`.
    public func connect(to address: SocketAddress) throws(Errno) {
        // Not retryingOnInterrupt: restarting an interrupted connect(2) fails with EALREADY.
        let result = address.withUnsafeSockaddr { pointer, length in Glibc.connect(rawValue, pointer, length) }
        guard result == -1 else { return }
        let error = Errno.current
        guard error == .interrupted else { throw error }
        guard try !isNonBlocking else { throw .inProgress }
        try waitForInterruptedConnect()
    }

    /// Finishes a blocking `connect(2)` that a signal interrupted: wait for writability
    /// (bounded by `SO_SNDTIMEO`, as the blocking call would be), then read `SO_ERROR`.
    private func waitForInterruptedConnect() throws(Errno) {
        let timeout = try sendTimeout
        let milliseconds: Int32 = timeout.map { duration in
            let (seconds, attoseconds) = duration.components
            let total = seconds * 1000 + (attoseconds + 999_999_999_999_999) / 1_000_000_000_000_000
            return Int32(clamping: max(total, 1))
        } ?? -1
        var descriptor = pollfd(fd: rawValue, events: Int16(POLLOUT), revents: 0)
        let ready = try retryingOnInterrupt { poll(&descriptor, 1, milliseconds) }
        if ready == 0 { throw .inProgress }          // what connect(2) reports when SO_SNDTIMEO expires
        if let error = try pendingError { throw error }
    }

    /// Shuts down part or all of a full-duplex connection, without closing the descriptor.
    ///
    /// After `.write` the peer reads end of file once it has read what was sent.
    ///
    /// - Parameter how: ``ShutdownHow/read``, ``ShutdownHow/write`` or ``ShutdownHow/readWrite``.
    /// - Throws: ``Errno``: for example ``Errno/notConnected``.
    ///
    /// The corresponding C function is `shutdown(2)`; Go's `TCPConn.CloseWrite` uses `.write`.
    public func shutdown(_ how: ShutdownHow) throws(Errno) {
        _ = try retryingOnInterrupt { Glibc.shutdown(rawValue, how.rawValue) }
    }

    /// The address the socket is bound to (after ``bind(_:)``, or the one the kernel chose
    /// on ``connect(to:)`` or for port 0).
    ///
    /// - Throws: ``Errno``: for example ``Errno/badFileDescriptor``.
    ///
    /// The corresponding C function is `getsockname(2)`.
    public var localAddress: SocketAddress {
        get throws(Errno) {
            var address = SocketAddress()
            _ = try address.withUnsafeMutableSockaddr { pointer, length throws(Errno) in
                try retryingOnInterrupt { Glibc.getsockname(rawValue, pointer, length) }
            }
            return address
        }
    }

    /// The address of the connected peer.
    ///
    /// - Throws: ``Errno``: ``Errno/notConnected`` if the socket is not connected.
    ///
    /// The corresponding C function is `getpeername(2)`.
    public var remoteAddress: SocketAddress {
        get throws(Errno) {
            var address = SocketAddress()
            _ = try address.withUnsafeMutableSockaddr { pointer, length throws(Errno) in
                try retryingOnInterrupt { Glibc.getpeername(rawValue, pointer, length) }
            }
            return address
        }
    }
}
