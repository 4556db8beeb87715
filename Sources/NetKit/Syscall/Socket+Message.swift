import CNetKit
import Glibc

extension Socket {
    /// What ``Socket/receiveMessage(into:control:flags:)`` received.
    ///
    /// The corresponding Go results are those of `UnixConn.ReadMsgUnix`: `n, oobn, flags, addr`.
    @frozen
    public struct ReceivedMessage: Sendable {
        /// The number of data bytes stored into the buffers (the datagram's full length if
        /// `MSG_TRUNC` was passed in the flags).
        public var count: Int
        /// The number of control (ancillary) bytes stored into the control buffer.
        public var controlCount: Int
        /// The `msg_flags` the kernel returned, for example `MSG_TRUNC` or `MSG_CTRUNC`.
        public var flags: Int32
        /// The sender's address; ``SocketAddress/length`` is 0 when there is none (connected sockets).
        public var from: SocketAddress

        /// Whether the datagram was longer than the buffers and its rest was dropped (`MSG_TRUNC`).
        public var isTruncated: Bool { flags & NK_MSG_TRUNC != 0 }
        /// Whether control data did not fit in the control buffer (`MSG_CTRUNC`); descriptors
        /// that did not fit were closed by the kernel.
        public var isControlTruncated: Bool { flags & NK_MSG_CTRUNC != 0 }

        /// Creates a result.
        ///
        /// - Parameters:
        ///   - count: The data byte count.
        ///   - controlCount: The control byte count.
        ///   - flags: The returned `msg_flags`.
        ///   - from: The sender's address.
        @inlinable
        public init(count: Int, controlCount: Int, flags: Int32, from: SocketAddress) {
            self.count = count
            self.controlCount = controlCount
            self.flags = flags
            self.from = from
        }
    }

    /// Sends data gathered from several buffers, with optional control (ancillary) data and
    /// destination; `MSG_NOSIGNAL` is always added.
    ///
    /// Control data is a sequence of `cmsghdr` records; build it with ``ControlMessage``,
    /// for example ``ControlMessage/unixRights(_:)`` to pass descriptors over a Unix socket.
    ///
    /// - Parameters:
    ///   - iovecs: The data buffers, sent in order (`msg_iov`).
    ///   - address: The destination for an unconnected datagram socket, or `nil` (`msg_name`).
    ///   - control: The control bytes (`msg_control`); empty by default.
    ///   - flags: `MSG_*` flags; 0 by default.
    /// - Returns: The number of data bytes sent.
    /// - Throws: ``Errno``: for example ``Errno/wouldBlock``, ``Errno/brokenPipe``,
    ///   ``Errno/invalidArgument`` (malformed control data), ``Errno/badFileDescriptor``
    ///   (a descriptor in `SCM_RIGHTS` is not open).
    ///
    /// The corresponding C function is `sendmsg(2)`; the Go one is `syscall.SendmsgN`.
    public func sendMessage(
        _ iovecs: UnsafeBufferPointer<iovec>,
        to address: SocketAddress? = nil,
        control: UnsafeRawBufferPointer = UnsafeRawBufferPointer(start: nil, count: 0),
        flags: Int32 = 0
    ) throws(Errno) -> Int {
        var message = msghdr()
        message.msg_iov = UnsafeMutablePointer(mutating: iovecs.baseAddress)
        message.msg_iovlen = iovecs.count
        message.msg_control = control.count == 0 ? nil : UnsafeMutableRawPointer(mutating: control.baseAddress)
        message.msg_controllen = control.count
        guard let address else {
            return try retryingOnInterrupt { Glibc.sendmsg(rawValue, &message, flags | NK_MSG_NOSIGNAL) }
        }
        return try address.withUnsafeSockaddr { pointer, length throws(Errno) in
            message.msg_name = UnsafeMutableRawPointer(mutating: pointer)
            message.msg_namelen = length
            return try retryingOnInterrupt { Glibc.sendmsg(rawValue, &message, flags | NK_MSG_NOSIGNAL) }
        }
    }

    /// Receives data scattered into several buffers, with control (ancillary) data and the
    /// sender's address.
    ///
    /// `MSG_CMSG_CLOEXEC` is always added, so descriptors received with `SCM_RIGHTS` are
    /// close-on-exec (as Go's `ReadMsgUnix` does). Parse the control bytes with
    /// ``ControlMessage/parse(_:)``; received descriptors belong to the caller, who must close them.
    ///
    /// - Parameters:
    ///   - iovecs: The data buffers, filled in order (`msg_iov`).
    ///   - control: Room for control data (`msg_control`); size it with
    ///     ``ControlMessage/space(_:)``. Empty by default.
    ///   - flags: `MSG_*` flags, for example `MSG_PEEK`; 0 by default.
    /// - Returns: The data and control byte counts, the returned `msg_flags`, and the sender.
    /// - Throws: ``Errno``: for example ``Errno/wouldBlock``, ``Errno/connectionReset``.
    ///
    /// The corresponding C function is `recvmsg(2)`; the Go one is `syscall.Recvmsg`.
    public func receiveMessage(
        into iovecs: UnsafeBufferPointer<iovec>,
        control: UnsafeMutableRawBufferPointer = UnsafeMutableRawBufferPointer(start: nil, count: 0),
        flags: Int32 = 0
    ) throws(Errno) -> ReceivedMessage {
        var from = SocketAddress()
        var message = msghdr()
        message.msg_iov = UnsafeMutablePointer(mutating: iovecs.baseAddress)
        message.msg_iovlen = iovecs.count
        message.msg_control = control.count == 0 ? nil : control.baseAddress
        message.msg_controllen = control.count
        let count = try from.withUnsafeMutableSockaddr { pointer, length throws(Errno) in
            message.msg_name = UnsafeMutableRawPointer(pointer)
            message.msg_namelen = length.pointee
            defer { length.pointee = message.msg_namelen }
            return try retryingOnInterrupt { Glibc.recvmsg(rawValue, &message, flags | NK_MSG_CMSG_CLOEXEC) }
        }
        return ReceivedMessage(count: count, controlCount: message.msg_controllen, flags: message.msg_flags, from: from)
    }
}
