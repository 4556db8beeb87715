import Glibc

/// The datagram operations of the poller, built on `perform`: `recvmsg(2)`/`sendmsg(2)` with control data
/// (Go's `internal/poll` `FD.ReadMsg`, `FD.WriteMsg`). `readFrom`/`writeTo` (`recvfrom(2)`/`sendto(2)`) live
/// beside the stream operations in PollDesc+IO.swift.
///
/// Every body runs synchronously inside one attempt, and the single `iovec` lives on the stack, so a
/// datagram costs one system call and no allocation.
extension PollDesc {
    /// One `recvmsg(2)`: a datagram into `buffer`, its control data into `control`, the sender's address and
    /// the returned `msg_flags` (`MSG_TRUNC` when the datagram was longer than `buffer` and its rest was
    /// dropped, `MSG_CTRUNC` when control data did not fit). A zero-length buffer still consumes one datagram.
    /// Go's `FD.ReadMsg`.
    nonisolated(nonsending) func readMsg(
        into buffer: UnsafeMutableRawBufferPointer, control: UnsafeMutableRawBufferPointer, flags: Int32 = 0
    ) async throws(PollError) -> Socket.ReceivedMessage {
        try await perform(.read) { s throws(Errno) in
            try Self.receiveMessage(s, into: buffer, control: control, flags: flags)
        }
    }

    /// One `sendmsg(2)` of `buffer` as a single datagram with the control data `control`, to `address` (nil on
    /// a connected socket). An empty buffer sends an empty datagram. Returns the number of data bytes sent.
    /// Go's `FD.WriteMsg`.
    nonisolated(nonsending) func writeMsg(
        _ buffer: UnsafeRawBufferPointer, control: UnsafeRawBufferPointer, to address: SocketAddress?
    ) async throws(PollError) -> Int {
        try await perform(.write) { s throws(Errno) in
            try Self.sendMessage(s, buffer, control: control, to: address)
        }
    }

    /// `recvmsg(2)` with one `iovec` on the stack; for bodies of `perform` that borrow their buffers.
    @inline(__always)
    static func receiveMessage(
        _ socket: Socket, into buffer: UnsafeMutableRawBufferPointer, control: UnsafeMutableRawBufferPointer,
        flags: Int32 = 0
    ) throws(Errno) -> Socket.ReceivedMessage {
        var vector = iovec(iov_base: buffer.baseAddress, iov_len: buffer.count)
        return try withUnsafePointer(to: &vector) { pointer throws(Errno) in
            try socket.receiveMessage(into: UnsafeBufferPointer(start: pointer, count: 1), control: control, flags: flags)
        }
    }

    /// `sendmsg(2)` with one `iovec` on the stack; for bodies of `perform` that borrow their buffers.
    @inline(__always)
    static func sendMessage(
        _ socket: Socket, _ buffer: UnsafeRawBufferPointer, control: UnsafeRawBufferPointer, to address: SocketAddress?
    ) throws(Errno) -> Int {
        var vector = iovec(iov_base: UnsafeMutableRawPointer(mutating: buffer.baseAddress), iov_len: buffer.count)
        return try withUnsafePointer(to: &vector) { pointer throws(Errno) in
            try socket.sendMessage(UnsafeBufferPointer(start: pointer, count: 1), to: address, control: control)
        }
    }
}
