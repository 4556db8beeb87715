import CNetKit
import Glibc

/// One control (ancillary) message of `sendmsg(2)`/`recvmsg(2)`: a `cmsghdr` and its data.
///
/// ```swift
/// let control = ControlMessage.unixRights([fileDescriptor]).encoded()   // SCM_RIGHTS
/// // … sendMessage(iovecs, control: control) …
/// let received = try ControlMessage.parse(controlBytes)                 // after receiveMessage
/// let descriptors = received.compactMap(\.unixRights).joined()
/// ```
///
/// The corresponding Go type is `syscall.SocketControlMessage`.
public struct ControlMessage: Hashable, Sendable {
    /// The originating protocol (`cmsg_level`), for example `SOL_SOCKET`.
    public var level: Int32
    /// The protocol-specific type (`cmsg_type`), for example `SCM_RIGHTS`.
    public var type: Int32
    /// The message's data, without header or padding.
    public var data: [UInt8]

    /// Creates a control message.
    ///
    /// - Parameters:
    ///   - level: The `cmsg_level`.
    ///   - type: The `cmsg_type`.
    ///   - data: The payload.
    public init(level: Int32, type: Int32, data: [UInt8]) {
        self.level = level
        self.type = type
        self.data = data
    }

    /// The space a control message with `dataCount` data bytes takes, padding included.
    ///
    /// Size receive buffers with it: `space(MemoryLayout<Int32>.size * n)` holds `n` descriptors.
    ///
    /// - Parameter dataCount: The payload size in bytes.
    /// - Returns: The padded record size.
    ///
    /// The corresponding C macro is `CMSG_SPACE`; the Go function is `syscall.CmsgSpace`.
    public static func space(_ dataCount: Int) -> Int { nk_cmsg_space(dataCount) }

    /// A message passing descriptors over a Unix-domain socket (`SOL_SOCKET`, `SCM_RIGHTS`).
    ///
    /// The receiver gets new descriptors referring to the same open files; the sender still
    /// owns (and must close) its own.
    ///
    /// - Parameter descriptors: The descriptors to pass.
    /// - Returns: The control message.
    ///
    /// The corresponding Go function is `syscall.UnixRights`.
    public static func unixRights(_ descriptors: [Int32]) -> ControlMessage {
        var data = [UInt8]()
        data.reserveCapacity(descriptors.count * MemoryLayout<Int32>.size)
        for descriptor in descriptors {
            withUnsafeBytes(of: descriptor) { data.append(contentsOf: $0) }
        }
        return ControlMessage(level: SOL_SOCKET, type: NK_SCM_RIGHTS, data: data)
    }

    /// The descriptors of an `SCM_RIGHTS` message, or `nil` for any other message.
    ///
    /// The corresponding Go function is `syscall.ParseUnixRights`.
    public var unixRights: [Int32]? {
        guard level == SOL_SOCKET, type == NK_SCM_RIGHTS else { return nil }
        let size = MemoryLayout<Int32>.size
        return data.withUnsafeBytes { raw in
            (0..<(raw.count / size)).map { raw.loadUnaligned(fromByteOffset: $0 * size, as: Int32.self) }
        }
    }

    /// The message as control bytes: a `cmsghdr`, the data, and padding to `CMSG_SPACE`.
    ///
    /// - Returns: Bytes ready for the `control` argument of ``Socket/sendMessage(_:to:control:flags:)``.
    ///
    /// The corresponding C macros are `CMSG_LEN`, `CMSG_SPACE` and `CMSG_DATA`.
    public func encoded() -> [UInt8] {
        Self.encode([self])
    }

    /// Encodes several messages into one control buffer.
    ///
    /// - Parameter messages: The messages, in order.
    /// - Returns: The concatenated, padded records.
    public static func encode(_ messages: [ControlMessage]) -> [UInt8] {
        let total = messages.reduce(0) { $0 + space($1.data.count) }
        var bytes = [UInt8](repeating: 0, count: total)
        bytes.withUnsafeMutableBytes { raw in
            var offset = 0
            for message in messages {
                var header = cmsghdr()
                header.cmsg_len = nk_cmsg_len(message.data.count)
                header.cmsg_level = message.level
                header.cmsg_type = message.type
                withUnsafeBytes(of: &header) { headerBytes in
                    raw.baseAddress!.advanced(by: offset).copyMemory(from: headerBytes.baseAddress!, byteCount: headerBytes.count)
                }
                let dataOffset = nk_cmsg_len(0)
                message.data.withUnsafeBytes { data in
                    if let base = data.baseAddress {
                        raw.baseAddress!.advanced(by: offset + dataOffset).copyMemory(from: base, byteCount: data.count)
                    }
                }
                offset += space(message.data.count)
            }
        }
        return bytes
    }

    /// Splits received control bytes into messages.
    ///
    /// - Parameter control: The first ``Socket/ReceivedMessage/controlCount`` bytes of the
    ///   control buffer passed to ``Socket/receiveMessage(into:control:flags:)``.
    /// - Returns: The messages, in order.
    /// - Throws: ``Errno/invalidArgument`` if a header's length is inconsistent, as Go's
    ///   `ParseSocketControlMessage` does.
    ///
    /// The corresponding Go function is `syscall.ParseSocketControlMessage`.
    public static func parse(_ control: UnsafeRawBufferPointer) throws(Errno) -> [ControlMessage] {
        var messages = [ControlMessage]()
        let headerSize = nk_cmsg_len(0)
        var offset = 0
        while offset + headerSize <= control.count {
            let header = control.loadUnaligned(fromByteOffset: offset, as: cmsghdr.self)
            let length = Int(header.cmsg_len)
            guard length >= headerSize, offset + length <= control.count else { throw .invalidArgument }
            let data = Array(control[(offset + headerSize)..<(offset + length)])
            messages.append(ControlMessage(level: header.cmsg_level, type: header.cmsg_type, data: data))
            offset += space(length - headerSize)
        }
        return messages
    }
}
