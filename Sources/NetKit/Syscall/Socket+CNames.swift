import Glibc

// The C spellings, kept as unavailable members so that code typed from a C lecture gets a
// fix-it to the Swift name (swift-system keeps `lseek` → `seek` the same way).

extension Socket {
    /// Use ``receive(into:flags:)``.
    @available(*, unavailable, renamed: "receive(into:flags:)")
    public func recv(_ buffer: UnsafeMutableRawBufferPointer, _ flags: Int32) throws(Errno) -> Int {
        try receive(into: buffer, flags: flags)
    }

    /// Use ``send(_:to:flags:)``.
    @available(*, unavailable, renamed: "send(_:to:flags:)")
    public func sendto(_ buffer: UnsafeRawBufferPointer, _ flags: Int32, _ address: SocketAddress) throws(Errno) -> Int {
        try send(buffer, to: address, flags: flags)
    }

    /// Use ``receiveFrom(into:flags:)``.
    @available(*, unavailable, renamed: "receiveFrom(into:flags:)")
    public func recvfrom(
        _ buffer: UnsafeMutableRawBufferPointer, _ flags: Int32
    ) throws(Errno) -> (count: Int, from: SocketAddress) {
        try receiveFrom(into: buffer, flags: flags)
    }

    /// Use ``sendMessage(_:to:control:flags:)``.
    @available(*, unavailable, renamed: "sendMessage(_:to:control:flags:)")
    public func sendmsg(_ iovecs: UnsafeBufferPointer<iovec>) throws(Errno) -> Int {
        try sendMessage(iovecs)
    }

    /// Use ``receiveMessage(into:control:flags:)``.
    @available(*, unavailable, renamed: "receiveMessage(into:control:flags:)")
    public func recvmsg(_ iovecs: UnsafeBufferPointer<iovec>) throws(Errno) -> ReceivedMessage {
        try receiveMessage(into: iovecs)
    }

    /// Use ``localAddress``.
    @available(*, unavailable, renamed: "localAddress")
    public func getsockname() throws(Errno) -> SocketAddress { try localAddress }

    /// Use ``remoteAddress``.
    @available(*, unavailable, renamed: "remoteAddress")
    public func getpeername() throws(Errno) -> SocketAddress { try remoteAddress }

    /// Use ``pair(_:_:nonBlocking:)``.
    @available(*, unavailable, renamed: "pair(_:_:nonBlocking:)")
    public static func socketpair(_ family: Family, _ kind: Kind) throws(Errno) -> (Socket, Socket) {
        try pair(family, kind)
    }
}
