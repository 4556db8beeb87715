import Glibc

// Array and String overloads of the raw-buffer methods, for teaching and tests.
// They allocate (the result arrays); the networking layers use the raw-buffer forms.
// (Array's withUnsafeBytes is untyped `rethrows`, hence the `Result` carrying an `Errno` out.)

extension Socket {
    /// Sends bytes from an array; `MSG_NOSIGNAL` is always added.
    ///
    /// - Parameters:
    ///   - bytes: The bytes to send.
    ///   - flags: `MSG_*` flags; 0 by default.
    /// - Returns: The number of bytes sent, which on a stream may be less than `bytes.count`.
    /// - Throws: ``Errno``, as the raw-buffer `send(_:flags:)`.
    ///
    /// The corresponding C function is `send(2)`.
    public func send(_ bytes: [UInt8], flags: Int32 = 0) throws(Errno) -> Int {
        try bytes.withUnsafeBytes { raw in Result { () throws(Errno) in try send(raw, flags: flags) } }.get()
    }

    /// Sends a string's UTF-8 bytes; `MSG_NOSIGNAL` is always added.
    ///
    /// - Parameters:
    ///   - string: The text to send (no terminating NUL is sent).
    ///   - flags: `MSG_*` flags; 0 by default.
    /// - Returns: The number of bytes sent, which on a stream may be less than `string.utf8.count`.
    /// - Throws: ``Errno``.
    ///
    /// The corresponding C function is `send(2)`.
    public func send(_ string: String, flags: Int32 = 0) throws(Errno) -> Int {
        try send(Array(string.utf8), flags: flags)
    }

    /// Sends bytes from an array to an address; `MSG_NOSIGNAL` is always added.
    ///
    /// - Parameters:
    ///   - bytes: The datagram.
    ///   - address: The destination.
    ///   - flags: `MSG_*` flags; 0 by default.
    /// - Returns: The number of bytes sent.
    /// - Throws: ``Errno``.
    ///
    /// The corresponding C function is `sendto(2)`.
    public func send(_ bytes: [UInt8], to address: SocketAddress, flags: Int32 = 0) throws(Errno) -> Int {
        try bytes.withUnsafeBytes { raw in Result { () throws(Errno) in try send(raw, to: address, flags: flags) } }.get()
    }

    /// Receives at most `maxCount` bytes into a new array.
    ///
    /// - Parameters:
    ///   - maxCount: The largest number of bytes to take.
    ///   - flags: `MSG_*` flags; 0 by default.
    /// - Returns: The bytes received; empty on a stream means end of file.
    /// - Throws: ``Errno``, as ``receive(into:flags:)``.
    ///
    /// The corresponding C function is `recv(2)`.
    public func receive(maxCount: Int, flags: Int32 = 0) throws(Errno) -> [UInt8] {
        var bytes = [UInt8](repeating: 0, count: maxCount)
        let count = try bytes.withUnsafeMutableBytes { raw in
            Result { () throws(Errno) in try receive(into: raw, flags: flags) }
        }.get()
        bytes.removeSubrange(count...)
        return bytes
    }

    /// Receives one datagram of at most `maxCount` bytes into a new array, with its sender.
    ///
    /// - Parameters:
    ///   - maxCount: The largest number of bytes to take; a longer datagram is truncated.
    ///   - flags: `MSG_*` flags; 0 by default.
    /// - Returns: The bytes and the sender's address.
    /// - Throws: ``Errno``, as ``receiveFrom(into:flags:)``.
    ///
    /// The corresponding C function is `recvfrom(2)`.
    public func receiveFrom(maxCount: Int, flags: Int32 = 0) throws(Errno) -> (bytes: [UInt8], from: SocketAddress) {
        var bytes = [UInt8](repeating: 0, count: maxCount)
        let (count, from) = try bytes.withUnsafeMutableBytes { raw in
            Result { () throws(Errno) in try receiveFrom(into: raw, flags: flags) }
        }.get()
        bytes.removeSubrange(count...)
        return (bytes, from)
    }
}
