import CNetKit
import Glibc

// The raw-buffer core: one system call each, no allocation, no copies.
// EINTR is retried; EAGAIN is thrown as `.wouldBlock` (the netpoller turns it into a wait).

extension Socket {
    /// Sends bytes on a connected socket.
    ///
    /// `MSG_NOSIGNAL` is always added to `flags`, so writing to a connection the peer closed
    /// throws ``Errno/brokenPipe`` instead of killing the process with `SIGPIPE`.
    /// A stream socket may send fewer bytes than given; send the rest in another call.
    ///
    /// - Parameters:
    ///   - buffer: The bytes to send.
    ///   - flags: `MSG_*` flags, for example `MSG_DONTWAIT`; 0 by default.
    /// - Returns: The number of bytes sent, at most `buffer.count`.
    /// - Throws: ``Errno``: ``Errno/wouldBlock`` (non-blocking and the send buffer is full,
    ///   or `SO_SNDTIMEO` expired), ``Errno/brokenPipe``, ``Errno/connectionReset``,
    ///   ``Errno/notConnected``, ``Errno/messageTooLong`` (datagram too large).
    ///
    /// The corresponding C function is `send(2)`.
    @inlinable
    public func send(_ buffer: UnsafeRawBufferPointer, flags: Int32 = 0) throws(Errno) -> Int {
        try retryingOnInterrupt { Glibc.send(rawValue, buffer.baseAddress, buffer.count, flags | NK_MSG_NOSIGNAL) }
    }

    /// Receives bytes from a connected socket.
    ///
    /// A blocking socket waits until at least one byte (or one datagram) is available.
    ///
    /// - Parameters:
    ///   - buffer: Where to store the bytes.
    ///   - flags: `MSG_*` flags, for example `MSG_PEEK` or `MSG_WAITALL`; 0 by default.
    /// - Returns: The number of bytes received. On a stream socket 0 means the peer shut down
    ///   writing (orderly end of file) — if `buffer` was not empty. A datagram longer than
    ///   `buffer` is truncated.
    /// - Throws: ``Errno``: ``Errno/wouldBlock`` (non-blocking and nothing to read, or
    ///   `SO_RCVTIMEO` expired), ``Errno/connectionReset``, ``Errno/notConnected``.
    ///
    /// The corresponding C function is `recv(2)`.
    @inlinable
    public func receive(into buffer: UnsafeMutableRawBufferPointer, flags: Int32 = 0) throws(Errno) -> Int {
        try retryingOnInterrupt { Glibc.recv(rawValue, buffer.baseAddress, buffer.count, flags) }
    }

    /// Sends a datagram (or bytes) to an address; `MSG_NOSIGNAL` is always added.
    ///
    /// - Parameters:
    ///   - buffer: The bytes to send.
    ///   - address: The destination.
    ///   - flags: `MSG_*` flags; 0 by default.
    /// - Returns: The number of bytes sent.
    /// - Throws: ``Errno``: for example ``Errno/wouldBlock``, ``Errno/messageTooLong``,
    ///   ``Errno/networkUnreachable``, ``Errno/isConnected``, ``Errno/connectionRefused``
    ///   (an earlier datagram got an ICMP port unreachable).
    ///
    /// The corresponding C function is `sendto(2)`.
    @inlinable
    public func send(_ buffer: UnsafeRawBufferPointer, to address: SocketAddress, flags: Int32 = 0) throws(Errno) -> Int {
        try address.withUnsafeSockaddr { pointer, length throws(Errno) in
            try retryingOnInterrupt {
                Glibc.sendto(rawValue, buffer.baseAddress, buffer.count, flags | NK_MSG_NOSIGNAL, pointer, length)
            }
        }
    }

    /// Receives a datagram (or bytes) and the address it came from.
    ///
    /// - Parameters:
    ///   - buffer: Where to store the bytes; a longer datagram is truncated (its rest is lost).
    ///   - flags: `MSG_*` flags; 0 by default.
    /// - Returns: The number of bytes received and the sender's address (``SocketAddress/length``
    ///   0 when the kernel gives none, for example on a connected stream).
    /// - Throws: ``Errno``: for example ``Errno/wouldBlock``, ``Errno/connectionRefused``.
    ///
    /// The corresponding C function is `recvfrom(2)`.
    @inlinable
    public func receiveFrom(
        into buffer: UnsafeMutableRawBufferPointer, flags: Int32 = 0
    ) throws(Errno) -> (count: Int, from: SocketAddress) {
        var from = SocketAddress()
        let count = try from.withUnsafeMutableSockaddr { pointer, length throws(Errno) in
            try retryingOnInterrupt { Glibc.recvfrom(rawValue, buffer.baseAddress, buffer.count, flags, pointer, length) }
        }
        return (count, from)
    }

    /// Reads bytes with `read(2)`, which works on any descriptor (sockets, pipes, files).
    ///
    /// - Parameter buffer: Where to store the bytes.
    /// - Returns: The number of bytes read; 0 means end of file (if `buffer` was not empty).
    /// - Throws: ``Errno``: for example ``Errno/wouldBlock``, ``Errno/badFileDescriptor``.
    ///
    /// The corresponding C function is `read(2)`.
    @inlinable
    public func read(into buffer: UnsafeMutableRawBufferPointer) throws(Errno) -> Int {
        try retryingOnInterrupt { Glibc.read(rawValue, buffer.baseAddress, buffer.count) }
    }

    /// Writes bytes with `write(2)`, which works on any descriptor (sockets, pipes, files).
    ///
    /// - Note: Unlike ``send(_:flags:)-(UnsafeRawBufferPointer,_)`` this cannot add `MSG_NOSIGNAL`: writing to a closed
    ///   pipe or socket raises `SIGPIPE` unless the process ignores it. Prefer `send` on sockets.
    ///
    /// - Parameter buffer: The bytes to write.
    /// - Returns: The number of bytes written, at most `buffer.count`.
    /// - Throws: ``Errno``: for example ``Errno/wouldBlock``, ``Errno/brokenPipe``.
    ///
    /// The corresponding C function is `write(2)`.
    @inlinable
    public func write(_ buffer: UnsafeRawBufferPointer) throws(Errno) -> Int {
        try retryingOnInterrupt { Glibc.write(rawValue, buffer.baseAddress, buffer.count) }
    }

    /// Writes several buffers in one call (gather output), in order.
    ///
    /// - Note: Like ``write(_:)`` this can raise `SIGPIPE`; ``sendMessage(_:to:control:flags:)``
    ///   gathers with `MSG_NOSIGNAL`.
    ///
    /// - Parameter iovecs: The buffers (`iov_base`, `iov_len`); at most `IOV_MAX` (1024).
    /// - Returns: The total number of bytes written, which may stop inside any buffer.
    /// - Throws: ``Errno``: for example ``Errno/wouldBlock``, ``Errno/invalidArgument``
    ///   (too many buffers).
    ///
    /// The corresponding C function is `writev(2)`.
    @inlinable
    public func writev(_ iovecs: UnsafeBufferPointer<iovec>) throws(Errno) -> Int {
        try retryingOnInterrupt { Glibc.writev(rawValue, iovecs.baseAddress, Int32(clamping: iovecs.count)) }
    }
}
