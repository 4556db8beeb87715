import CNetKit

/// What `UDPConn.readMsgUDP` received: the datagram's length, the control (ancillary) data's length, the
/// `recvmsg(2)` flags and the sender.
///
/// The corresponding Go results are those of `UDPConn.ReadMsgUDP` and `UDPConn.ReadMsgUDPAddrPort`:
/// `n, oobn, flags, addr`.
public struct UDPMessage: Sendable, Hashable {
    /// The number of data bytes stored into the buffer (at most its size). Go's `n`.
    public var count: Int
    /// The number of control bytes stored into the `oob` buffer; parse them with `ControlMessage.parse`.
    /// Go's `oobn`.
    public var oobCount: Int
    /// The `msg_flags` the kernel returned (`MSG_TRUNC`, `MSG_CTRUNC`, …). Go's `flags`.
    public var flags: Int32
    /// The sender (IPv4-mapped for an IPv4 sender on a dual-stack socket); invalid if the kernel gave none.
    /// Go's `addr` of `ReadMsgUDPAddrPort`.
    public var addrPort: AddrPort

    /// Creates a result from Go's four results of `UDPConn.ReadMsgUDPAddrPort` (n, oobn, flags, addr).
    public init(count: Int, oobCount: Int, flags: Int32, addrPort: AddrPort) {
        self.count = count
        self.oobCount = oobCount
        self.flags = flags
        self.addrPort = addrPort
    }

    /// The sender as a `UDPAddr`, or nil if the kernel gave none. Go's `addr` of `ReadMsgUDP`.
    public var addr: UDPAddr? { addrPort.isValid ? UDPAddr(addrPort) : nil }

    /// Whether the datagram was longer than the buffer and its rest was discarded (`MSG_TRUNC`).
    /// Go: `flags&syscall.MSG_TRUNC != 0`.
    public var isTruncated: Bool { flags & NK_MSG_TRUNC != 0 }

    /// Whether control data did not fit into the `oob` buffer (`MSG_CTRUNC`).
    /// Go: `flags&syscall.MSG_CTRUNC != 0`.
    public var isControlTruncated: Bool { flags & NK_MSG_CTRUNC != 0 }
}

extension UDPConn {
    // MARK: Reading with control data

    /// Reads one datagram into `buffer` and its control data (`IP_PKTINFO`, `IP_TOS`, … once enabled with a
    /// socket option) into `oob`, and returns the lengths, flags and sender without allocating.
    ///
    /// A datagram longer than `buffer` fills it and sets `isTruncated`; its rest is discarded and never shows
    /// up in a later read. The corresponding Go method is `UDPConn.ReadMsgUDP`.
    nonisolated(nonsending) public func readMsgUDP(
        into buffer: UnsafeMutableRawBufferPointer,
        oob: UnsafeMutableRawBufferPointer = UnsafeMutableRawBufferPointer(start: nil, count: 0)
    ) async throws -> UDPMessage {
        let m = try await receiveMessage { s throws(Errno) in
            try PollDesc.receiveMessage(s, into: buffer, control: oob)
        }
        return UDPMessage(count: m.count, oobCount: m.controlCount, flags: m.flags, addrPort: addrPort(of: m.from))
    }

    /// Reads one datagram into the start of `buffer` and its control data into the start of `oob` (no copies).
    ///
    /// The corresponding Go method is `UDPConn.ReadMsgUDP`.
    nonisolated(nonsending)
    public func readMsgUDP(into buffer: inout [UInt8], oob: inout [UInt8]) async throws -> UDPMessage {
        let m = try await receiveMessage { s throws(Errno) in
            try buffer.withUnsafeMutableBytesThrowingErrno { p throws(Errno) in
                try oob.withUnsafeMutableBytesThrowingErrno { c throws(Errno) in
                    try PollDesc.receiveMessage(s, into: p, control: c)
                }
            }
        }
        return UDPMessage(count: m.count, oobCount: m.controlCount, flags: m.flags, addrPort: addrPort(of: m.from))
    }

    /// Reads one datagram into the start of `buffer` (no copy), without control data, reporting truncation.
    ///
    /// The corresponding Go method is `UDPConn.ReadMsgUDP` with a nil `oob`.
    nonisolated(nonsending) public func readMsgUDP(into buffer: inout [UInt8]) async throws -> UDPMessage {
        let m = try await receiveMessage { s throws(Errno) in
            try buffer.withUnsafeMutableBytesThrowingErrno { p throws(Errno) in
                try PollDesc.receiveMessage(s, into: p, control: UnsafeMutableRawBufferPointer(start: nil, count: 0))
            }
        }
        return UDPMessage(count: m.count, oobCount: m.controlCount, flags: m.flags, addrPort: addrPort(of: m.from))
    }

    /// `readMsgUDP`, named after Go's `AddrPort` variant: `UDPMessage` carries the sender as `addrPort`.
    ///
    /// The corresponding Go method is `UDPConn.ReadMsgUDPAddrPort`.
    nonisolated(nonsending) public func readMsgUDPAddrPort(
        into buffer: UnsafeMutableRawBufferPointer,
        oob: UnsafeMutableRawBufferPointer = UnsafeMutableRawBufferPointer(start: nil, count: 0)
    ) async throws -> UDPMessage {
        try await readMsgUDP(into: buffer, oob: oob)
    }

    // MARK: Writing with control data

    /// Sends `buffer` as one datagram with the control data `oob` (for example an `IP_PKTINFO` message choosing
    /// the source address) to `addr`, which must be nil on a connected socket and given on an unconnected one.
    /// Returns the data and control byte counts.
    ///
    /// Throws `WriteToConnectedError` for an address on a connected socket and Go's "missing address" for none
    /// on an unconnected one. The corresponding Go method is `UDPConn.WriteMsgUDP`.
    @discardableResult
    nonisolated(nonsending) public func writeMsgUDP(
        _ buffer: UnsafeRawBufferPointer,
        oob: UnsafeRawBufferPointer = UnsafeRawBufferPointer(start: nil, count: 0),
        addr: UDPAddr?
    ) async throws -> (count: Int, oobCount: Int) {
        let destination = try messageDestination(addr)
        let n = try await sendMessage(addr) { s throws(Errno) in
            try PollDesc.sendMessage(s, buffer, control: oob, to: destination)
        }
        return (n, oob.count)
    }

    /// Sends `bytes` as one datagram with the control data `oob` to `addr` (nil when connected).
    ///
    /// The corresponding Go method is `UDPConn.WriteMsgUDP`.
    @discardableResult
    nonisolated(nonsending)
    public func writeMsgUDP(_ bytes: [UInt8], oob: [UInt8] = [], addr: UDPAddr?) async throws -> (count: Int, oobCount: Int) {
        let destination = try messageDestination(addr)
        let n = try await sendMessage(addr) { s throws(Errno) in
            try bytes.withUnsafeBytesThrowingErrno { p throws(Errno) in
                try oob.withUnsafeBytesThrowingErrno { c throws(Errno) in
                    try PollDesc.sendMessage(s, p, control: c, to: destination)
                }
            }
        }
        return (n, oob.count)
    }

    /// Sends `buffer` as one datagram with the control data `oob` to `addr` (the invalid `AddrPort()` when
    /// connected). The corresponding Go method is `UDPConn.WriteMsgUDPAddrPort`.
    @discardableResult
    nonisolated(nonsending) public func writeMsgUDPAddrPort(
        _ buffer: UnsafeRawBufferPointer,
        oob: UnsafeRawBufferPointer = UnsafeRawBufferPointer(start: nil, count: 0),
        addr: AddrPort
    ) async throws -> (count: Int, oobCount: Int) {
        let opAddr = UDPAddrPortAddr(addrPort: addr)
        let destination: SocketAddress?
        if isConnected {
            if addr.isValid { throw writeError(WriteToConnectedError(), opAddr) }
            destination = nil
        } else {
            destination = try self.destination(addr)
        }
        let n = try await sendMessage(opAddr) { s throws(Errno) in
            try PollDesc.sendMessage(s, buffer, control: oob, to: destination)
        }
        return (n, oob.count)
    }

    // MARK: Internals

    /// Go's `UDPConn.writeMsg` checks: an address exactly when unconnected.
    func messageDestination(_ addr: UDPAddr?) throws -> SocketAddress? {
        if isConnected {
            if addr != nil { throw writeError(WriteToConnectedError(), addr) }
            return nil
        }
        return try destination(addr)
    }

    /// One `recvmsg(2)` through the poller; failures become `OpError{op: "read"}` (syscall "recvmsg").
    @inline(__always)
    nonisolated(nonsending)
    func receiveMessage(_ body: (Socket) throws(Errno) -> Socket.ReceivedMessage) async throws -> Socket.ReceivedMessage {
        do {
            return try await netFD.pd.perform(.read, body)
        } catch {
            throw netFD.opError("read", error, syscall: "recvmsg")
        }
    }

    /// One `sendmsg(2)` through the poller; failures become `OpError{op: "write"}` (syscall "sendmsg").
    @inline(__always)
    nonisolated(nonsending)
    func sendMessage<A: Addr>(_ addr: A?, _ body: (Socket) throws(Errno) -> Int) async throws -> Int {
        do {
            return try await netFD.pd.perform(.write, body)
        } catch {
            throw writeError(error.goError(syscall: "sendmsg"), addr)
        }
    }
}
