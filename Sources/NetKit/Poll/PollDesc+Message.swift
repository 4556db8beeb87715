import Glibc

/// `recvmsg(2)` and `sendmsg(2)` on the poller: one data buffer plus control (ancillary) data and an
/// optional address, waiting on `EAGAIN` like every other operation (Go's `FD.ReadMsg` and `FD.WriteMsg`).
extension PollDesc {
    /// One `recvmsg(2)` into `buffer` and `control`; `MSG_CMSG_CLOEXEC` is always added, so descriptors
    /// received with `SCM_RIGHTS` are close-on-exec. Returns the data and control byte counts, the kernel's
    /// `msg_flags` and the sender's address (length 0 on a connected socket). Go's `FD.ReadMsg`.
    ///
    /// Received descriptors belong to the caller from the moment this returns.
    nonisolated(nonsending) func readMsg(
        into buffer: UnsafeMutableRawBufferPointer, control: UnsafeMutableRawBufferPointer, flags: Int32 = 0
    ) async throws(PollError) -> Socket.ReceivedMessage {
        try await perform(.read) { s throws(Errno) in
            try PollDesc.receiveMessage(s, into: buffer, control: control, flags: flags)
        }
    }

    /// One `sendmsg(2)` of `buffer` with `control` to `address` (nil: the connected peer); returns the data
    /// bytes sent (a stream socket may send fewer). `MSG_NOSIGNAL` is always added. Go's `FD.WriteMsg`.
    nonisolated(nonsending) func writeMsg(
        _ buffer: UnsafeRawBufferPointer, control: UnsafeRawBufferPointer, to address: SocketAddress?
    ) async throws(PollError) -> Int {
        try await perform(.write) { s throws(Errno) in
            try PollDesc.sendMessage(s, buffer, control: control, to: address)
        }
    }

    /// `recvmsg(2)` with a single data buffer: the body of `readMsg`, for callers that borrow their buffers
    /// per attempt inside `perform` (`withUnsafeMutableBytes` must not span a suspension).
    static func receiveMessage(
        _ socket: Socket, into buffer: UnsafeMutableRawBufferPointer, control: UnsafeMutableRawBufferPointer,
        flags: Int32
    ) throws(Errno) -> Socket.ReceivedMessage {
        var iov = iovec(iov_base: buffer.baseAddress, iov_len: buffer.count)
        return try withUnsafeMutablePointer(to: &iov) { p throws(Errno) in
            try socket.receiveMessage(into: UnsafeBufferPointer(start: p, count: 1), control: control, flags: flags)
        }
    }

    /// `sendmsg(2)` with a single data buffer: the body of `writeMsg`.
    static func sendMessage(
        _ socket: Socket, _ buffer: UnsafeRawBufferPointer, control: UnsafeRawBufferPointer, to address: SocketAddress?
    ) throws(Errno) -> Int {
        var iov = iovec(iov_base: UnsafeMutableRawPointer(mutating: buffer.baseAddress), iov_len: buffer.count)
        return try withUnsafeMutablePointer(to: &iov) { p throws(Errno) in
            try socket.sendMessage(UnsafeBufferPointer(start: p, count: 1), to: address, control: control)
        }
    }
}
