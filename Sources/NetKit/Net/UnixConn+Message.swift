import CNetKit
import Glibc

// Messages with control data (ancillary data, "out-of-band" in Go's words): Go's `UnixConn.ReadMsgUnix` and
// `UnixConn.WriteMsgUnix`, the way to pass descriptors between processes (`SCM_RIGHTS`).

extension UnixConn {
    /// What `readMsgUnix` received.
    ///
    /// The corresponding Go results are `n, oobn, flags, addr` of `UnixConn.ReadMsgUnix`.
    public struct Message: Hashable, Sendable {
        /// The number of bytes stored into the data buffer. Go's `n`.
        public var count: Int
        /// The number of control bytes stored into the `oob` buffer; parse them with `ControlMessage.parse`.
        /// Go's `oobn`.
        public var oobCount: Int
        /// The `msg_flags` of `recvmsg(2)`, e.g. `MSG_TRUNC`, `MSG_CTRUNC`. Go's `flags`.
        public var flags: Int32
        /// The sender, nil for an unnamed socket or a connected one. Go's `addr`.
        public var addr: UnixAddr?

        /// Creates a result from Go's `n, oobn, flags, addr`.
        public init(count: Int, oobCount: Int, flags: Int32, addr: UnixAddr?) {
            self.count = count
            self.oobCount = oobCount
            self.flags = flags
            self.addr = addr
        }

        /// The datagram was longer than the buffer; its rest is lost (`MSG_TRUNC`). Go:
        /// `flags&syscall.MSG_TRUNC != 0`.
        public var isTruncated: Bool { flags & NK_MSG_TRUNC != 0 }

        /// Control data did not fit in the `oob` buffer (`MSG_CTRUNC`; Go: `flags&syscall.MSG_CTRUNC != 0`).
        ///
        /// Descriptors the kernel could not deliver were closed by the kernel, and those that did arrive were
        /// closed by `readMsgUnix` and replaced by -1 in the `oob` buffer: none leaks, none can be used (Go hands
        /// the partial list to the caller). The descriptors are gone, so size `oob` for the most a peer may send:
        /// `ControlMessage.space(4 * n)` holds `n`.
        public var isControlTruncated: Bool { flags & NK_MSG_CTRUNC != 0 }
    }

    /// Reads one message: data into `buffer` and control data into `oob`.
    ///
    /// Received descriptors (`SCM_RIGHTS`) are close-on-exec (`MSG_CMSG_CLOEXEC`) and belong to the caller:
    /// `ControlMessage.parse` the first `oobCount` bytes of `oob` and close each descriptor when done. If `oob`
    /// is too small for all of them (`isControlTruncated`), none is handed out: the ones that arrived are
    /// closed here and appear as -1.
    ///
    /// As in Go, with an empty `buffer` and a non-empty `oob` a stream or sequenced-packet socket reads (and
    /// discards) one byte, so that the control data of a one-byte carrier message can be received; `count`
    /// then stays 0 (Go reports the 1). On a stream, the end of the stream is an `OpError` wrapping
    /// `IOError.eof`.
    ///
    /// The corresponding Go method is `UnixConn.ReadMsgUnix`.
    nonisolated(nonsending) public func readMsgUnix(
        into buffer: UnsafeMutableRawBufferPointer, oob: UnsafeMutableRawBufferPointer
    ) async throws -> Message {
        let useDummy = buffer.isEmpty && !oob.isEmpty && netFD.kind != .datagram
        if buffer.isEmpty && !useDummy && netFD.kind != .datagram {
            // Nothing to receive into: answer at once, as `read` does (a stream has no empty message).
            return Message(count: 0, oobCount: 0, flags: 0, addr: nil)
        }
        let dummy = useDummy ? UnsafeMutableRawBufferPointer.allocate(byteCount: 1, alignment: 1) : nil
        defer { dummy?.deallocate() }
        let received: Socket.ReceivedMessage
        do {
            received = try await netFD.pd.readMsg(into: dummy ?? buffer, control: oob)
        } catch {
            throw netFD.opError("read", error, syscall: "recvmsg")
        }
        return try finishRead(received, oob: oob, dummy: useDummy)
    }

    /// Reads one message into the start of `buffer` and `oob` (no copy). The `[UInt8]` form of
    /// `readMsgUnix(into:oob:)`.
    ///
    /// The corresponding Go method is `UnixConn.ReadMsgUnix`.
    nonisolated(nonsending) public func readMsgUnix(into buffer: inout [UInt8], oob: inout [UInt8]) async throws -> Message {
        // Through raw buffers and a copy: borrowing the arrays across the wait (as `read(into:)` does) crashes
        // Swift 6.3.1's optimizer (coroutine splitting) in release builds for this function.
        let data = UnsafeMutableRawBufferPointer.allocate(byteCount: buffer.count, alignment: 16)
        defer { data.deallocate() }
        let control = UnsafeMutableRawBufferPointer.allocate(byteCount: oob.count, alignment: 16)
        defer { control.deallocate() }
        let message = try await readMsgUnix(into: data, oob: control)
        buffer.withUnsafeMutableBytes { b in
            b.copyMemory(from: UnsafeRawBufferPointer(rebasing: data[..<min(message.count, data.count)]))
        }
        oob.withUnsafeMutableBytes { o in
            o.copyMemory(from: UnsafeRawBufferPointer(rebasing: control[..<min(message.oobCount, control.count)]))
        }
        return message
    }

    /// Go's `FD.eofError` and `UnixConn.readMsg`'s address conversion, plus NetKit's no-leak rule for
    /// truncated descriptor lists. Runs synchronously right after `recvmsg(2)`, so no descriptor can escape.
    private func finishRead(
        _ received: Socket.ReceivedMessage, oob: UnsafeMutableRawBufferPointer, dummy: Bool
    ) throws -> Message {
        let oobCount = min(received.controlCount, oob.count)
        let control = UnsafeMutableRawBufferPointer(rebasing: oob[..<oobCount])
        if received.isControlTruncated {
            UnixConn.closeReceivedDescriptors(in: control)
        }
        if received.count == 0 && netFD.zeroReadIsEOF {
            // The end of the stream (Go's eofError); never leave a descriptor behind with it.
            UnixConn.closeReceivedDescriptors(in: control)
            throw OpError(op: "read", net: netFD.net, source: netFD.laddr, addr: netFD.raddr, err: IOError.eof)
        }
        return Message(count: dummy ? 0 : received.count, oobCount: oobCount, flags: received.flags,
                       addr: namedUnixAddr(received.from))
    }

    /// Closes every descriptor of the `SCM_RIGHTS` messages in `control` and overwrites it with -1.
    static func closeReceivedDescriptors(in control: UnsafeMutableRawBufferPointer) {
        let headerSize = nk_cmsg_len(0)
        var offset = 0
        while offset + headerSize <= control.count {
            let header = control.loadUnaligned(fromByteOffset: offset, as: cmsghdr.self)
            let length = Int(header.cmsg_len)
            guard length >= headerSize, offset + length <= control.count else { return }
            if header.cmsg_level == SOL_SOCKET && header.cmsg_type == NK_SCM_RIGHTS {
                let size = MemoryLayout<Int32>.size
                var at = offset + headerSize
                while at + size <= offset + length {
                    let descriptor = control.loadUnaligned(fromByteOffset: at, as: Int32.self)
                    if descriptor >= 0 { try? Socket(rawValue: descriptor).close() }
                    control.storeBytes(of: -1, toByteOffset: at, as: Int32.self)
                    at += size
                }
            }
            offset += ControlMessage.space(length - headerSize)
        }
    }

    // MARK: Writing

    /// Sends one message: `buffer` with the control data `oob` (e.g. `ControlMessage.unixRights(fds).encoded()`),
    /// to `addr` on an unconnected "unixgram" socket or to the peer (`addr` nil). Returns the data and control
    /// byte counts sent; on a stream a single `sendmsg(2)` may send less than all of `buffer`.
    ///
    /// As in Go, an empty `buffer` with a non-empty `oob` on a stream or sequenced-packet socket sends one
    /// zero byte to carry the control data (the kernel needs one); `count` is then 0. Descriptors passed stay
    /// open on this side: close them when no longer needed.
    ///
    /// Errors: `OpError` with op "write" wrapping `WriteToConnectedError` (an `addr` on a connected
    /// datagram socket), `EAFNOSUPPORT` (`addr.net` is not this socket's network), or
    /// `SyscallError("sendmsg", …)`, e.g. `EBADF` for a closed descriptor in `SCM_RIGHTS`.
    ///
    /// The corresponding Go method is `UnixConn.WriteMsgUnix` (which also refuses a nil `addr` on a connected
    /// datagram socket; NetKit sends to the peer, as `WriteMsgUDP` does).
    @discardableResult
    nonisolated(nonsending) public func writeMsgUnix(
        _ buffer: UnsafeRawBufferPointer, oob: UnsafeRawBufferPointer, to addr: UnixAddr? = nil
    ) async throws -> (count: Int, oobCount: Int) {
        let sa = try messageDestination(addr)
        let useDummy = buffer.isEmpty && !oob.isEmpty && netFD.kind != .datagram
        let n: Int
        do {
            if useDummy {
                let dummy = UnsafeMutableRawBufferPointer.allocate(byteCount: 1, alignment: 1)
                defer { dummy.deallocate() }
                dummy.storeBytes(of: 0, as: UInt8.self)
                _ = try await netFD.pd.writeMsg(UnsafeRawBufferPointer(dummy), control: oob, to: sa)
                n = 0
            } else {
                n = try await netFD.pd.writeMsg(buffer, control: oob, to: sa)
            }
        } catch {
            throw writeError(addr ?? netFD.storedRaddr.unix, error.goError(syscall: "sendmsg"))
        }
        return (n, oob.count)
    }

    /// Sends one message with `bytes` and the control data `oob`. The `[UInt8]` form of
    /// `writeMsgUnix(_:oob:to:)`.
    ///
    /// The corresponding Go method is `UnixConn.WriteMsgUnix`.
    @discardableResult
    nonisolated(nonsending) public func writeMsgUnix(_ bytes: [UInt8], oob: [UInt8], to addr: UnixAddr? = nil) async throws -> (count: Int, oobCount: Int) {
        let sa = try messageDestination(addr)
        let useDummy = bytes.isEmpty && !oob.isEmpty && netFD.kind != .datagram
        let data = useDummy ? [0] : bytes
        let n: Int
        do {
            n = try await netFD.pd.perform(.write) { s throws(Errno) in
                try data.withUnsafeBytes { d in
                    oob.withUnsafeBytes { o in
                        Result { () throws(Errno) in try PollDesc.sendMessage(s, d, control: o, to: sa) }
                    }
                }.get()
            }
        } catch {
            throw writeError(addr ?? netFD.storedRaddr.unix, error.goError(syscall: "sendmsg"))
        }
        return (useDummy ? 0 : n, oob.count)
    }

    /// Go's checks in `UnixConn.writeMsg`.
    private func messageDestination(_ addr: UnixAddr?) throws -> SocketAddress? {
        guard let addr else { return nil }
        if netFD.kind == .datagram && isConnected { throw writeError(addr, WriteToConnectedError()) }
        if addr.net != addrNetwork { throw writeError(addr, Errno.addressFamilyNotSupported) }
        do {
            return try addr.socketAddress()
        } catch {
            throw writeError(addr, error)
        }
    }
}
