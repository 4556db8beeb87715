/// How to read and write 16-, 32- and 64-bit unsigned integers as byte sequences.
///
/// The requirements are static, so the Go spelling works directly on the type —
/// `BigEndian.uint16(bytes)`, `LittleEndian.putUint32(x, into: &bytes)` — and a value
/// (`BigEndian()`) can be passed where a byte order is chosen at run time (`some ByteOrder` or
/// `any ByteOrder`); the protocol extension gives every static method an instance twin.
///
/// Reading from or writing to fewer bytes than the width is a precondition failure (Go
/// panics with an index out of range). The core works on raw buffers; `[UInt8]`, slices and
/// other collections are accepted through the extension.
///
/// The corresponding Go interface is `binary.ByteOrder`.
public protocol ByteOrder: Sendable, CustomStringConvertible {
    /// Reads a `UInt16` from the first 2 bytes. The corresponding Go method is `ByteOrder.Uint16`.
    static func uint16(_ bytes: UnsafeRawBufferPointer) -> UInt16
    /// Reads a `UInt32` from the first 4 bytes. The corresponding Go method is `ByteOrder.Uint32`.
    static func uint32(_ bytes: UnsafeRawBufferPointer) -> UInt32
    /// Reads a `UInt64` from the first 8 bytes. The corresponding Go method is `ByteOrder.Uint64`.
    static func uint64(_ bytes: UnsafeRawBufferPointer) -> UInt64
    /// Writes `value` into the first 2 bytes. The corresponding Go method is `ByteOrder.PutUint16`.
    static func putUint16(_ value: UInt16, into bytes: UnsafeMutableRawBufferPointer)
    /// Writes `value` into the first 4 bytes. The corresponding Go method is `ByteOrder.PutUint32`.
    static func putUint32(_ value: UInt32, into bytes: UnsafeMutableRawBufferPointer)
    /// Writes `value` into the first 8 bytes. The corresponding Go method is `ByteOrder.PutUint64`.
    static func putUint64(_ value: UInt64, into bytes: UnsafeMutableRawBufferPointer)
}

/// How to append 16-, 32- and 64-bit unsigned integers to a byte array.
///
/// As with `ByteOrder`, the requirements are static (`BigEndian.appendUint16(x, to: &bytes)`)
/// and every one has an instance twin.
///
/// The corresponding Go interface is `binary.AppendByteOrder`.
public protocol AppendByteOrder: Sendable, CustomStringConvertible {
    /// Appends the 2 bytes of `value`. The corresponding Go method is
    /// `AppendByteOrder.AppendUint16`.
    static func appendUint16(_ value: UInt16, to bytes: inout [UInt8])
    /// Appends the 4 bytes of `value`. The corresponding Go method is
    /// `AppendByteOrder.AppendUint32`.
    static func appendUint32(_ value: UInt32, to bytes: inout [UInt8])
    /// Appends the 8 bytes of `value`. The corresponding Go method is
    /// `AppendByteOrder.AppendUint64`.
    static func appendUint64(_ value: UInt64, to bytes: inout [UInt8])
}

/// Reads a fixed-width integer through a raw view of `bytes` (contiguous collections are not
/// copied).
@inlinable
func withRawView<C: Collection<UInt8>, Result>(
    of bytes: C, _ body: (UnsafeRawBufferPointer) -> Result
) -> Result {
    if let result = bytes.withContiguousStorageIfAvailable({ body(UnsafeRawBufferPointer($0)) }) {
        return result
    }
    return Array(bytes).withUnsafeBytes(body)
}

/// Writes through a raw view of `bytes` (contiguous collections are written in place).
@inlinable
func withMutableRawView<C: MutableCollection<UInt8>>(
    of bytes: inout C, width: Int, _ body: (UnsafeMutableRawBufferPointer) -> Void
) {
    if bytes.withContiguousMutableStorageIfAvailable({ body(UnsafeMutableRawBufferPointer($0)) }) != nil {
        return
    }
    precondition(bytes.count >= width, "binary: buffer too small")
    var scratch: UInt64 = 0
    withUnsafeMutableBytes(of: &scratch) { raw in
        let view = UnsafeMutableRawBufferPointer(rebasing: raw[0..<width])
        body(view)
        var index = bytes.startIndex
        for byte in view {
            bytes[index] = byte
            bytes.formIndex(after: &index)
        }
    }
}

extension ByteOrder {
    // MARK: reading, static

    /// Reads a `UInt16` from the first 2 bytes of an array.
    /// The corresponding Go method is `ByteOrder.Uint16`.
    @inlinable public static func uint16(_ bytes: [UInt8]) -> UInt16 {
        bytes.withUnsafeBytes { uint16($0) }
    }
    /// Reads a `UInt32` from the first 4 bytes of an array.
    /// The corresponding Go method is `ByteOrder.Uint32`.
    @inlinable public static func uint32(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBytes { uint32($0) }
    }
    /// Reads a `UInt64` from the first 8 bytes of an array.
    /// The corresponding Go method is `ByteOrder.Uint64`.
    @inlinable public static func uint64(_ bytes: [UInt8]) -> UInt64 {
        bytes.withUnsafeBytes { uint64($0) }
    }
    /// Reads a `UInt16` from the first 2 bytes of a collection (e.g. `bytes[4...]`).
    /// The corresponding Go method is `ByteOrder.Uint16`.
    @inlinable public static func uint16(_ bytes: some Collection<UInt8>) -> UInt16 {
        withRawView(of: bytes) { uint16($0) }
    }
    /// Reads a `UInt32` from the first 4 bytes of a collection.
    /// The corresponding Go method is `ByteOrder.Uint32`.
    @inlinable public static func uint32(_ bytes: some Collection<UInt8>) -> UInt32 {
        withRawView(of: bytes) { uint32($0) }
    }
    /// Reads a `UInt64` from the first 8 bytes of a collection.
    /// The corresponding Go method is `ByteOrder.Uint64`.
    @inlinable public static func uint64(_ bytes: some Collection<UInt8>) -> UInt64 {
        withRawView(of: bytes) { uint64($0) }
    }

    // MARK: writing, static

    /// Writes `value` into the first 2 bytes of an array.
    /// The corresponding Go method is `ByteOrder.PutUint16`.
    @inlinable public static func putUint16(_ value: UInt16, into bytes: inout [UInt8]) {
        bytes.withUnsafeMutableBytes { putUint16(value, into: $0) }
    }
    /// Writes `value` into the first 4 bytes of an array.
    /// The corresponding Go method is `ByteOrder.PutUint32`.
    @inlinable public static func putUint32(_ value: UInt32, into bytes: inout [UInt8]) {
        bytes.withUnsafeMutableBytes { putUint32(value, into: $0) }
    }
    /// Writes `value` into the first 8 bytes of an array.
    /// The corresponding Go method is `ByteOrder.PutUint64`.
    @inlinable public static func putUint64(_ value: UInt64, into bytes: inout [UInt8]) {
        bytes.withUnsafeMutableBytes { putUint64(value, into: $0) }
    }
    /// Writes `value` into the first 2 bytes of a mutable collection (e.g. `&bytes[4...]`).
    /// The corresponding Go method is `ByteOrder.PutUint16`.
    @inlinable public static func putUint16(_ value: UInt16, into bytes: inout some MutableCollection<UInt8>) {
        withMutableRawView(of: &bytes, width: 2) { putUint16(value, into: $0) }
    }
    /// Writes `value` into the first 4 bytes of a mutable collection.
    /// The corresponding Go method is `ByteOrder.PutUint32`.
    @inlinable public static func putUint32(_ value: UInt32, into bytes: inout some MutableCollection<UInt8>) {
        withMutableRawView(of: &bytes, width: 4) { putUint32(value, into: $0) }
    }
    /// Writes `value` into the first 8 bytes of a mutable collection.
    /// The corresponding Go method is `ByteOrder.PutUint64`.
    @inlinable public static func putUint64(_ value: UInt64, into bytes: inout some MutableCollection<UInt8>) {
        withMutableRawView(of: &bytes, width: 8) { putUint64(value, into: $0) }
    }

    // MARK: instance twins

    /// Reads a `UInt16` from the first 2 bytes. The corresponding Go method is `ByteOrder.Uint16`.
    @inlinable public func uint16(_ bytes: UnsafeRawBufferPointer) -> UInt16 { Self.uint16(bytes) }
    /// Reads a `UInt32` from the first 4 bytes. The corresponding Go method is `ByteOrder.Uint32`.
    @inlinable public func uint32(_ bytes: UnsafeRawBufferPointer) -> UInt32 { Self.uint32(bytes) }
    /// Reads a `UInt64` from the first 8 bytes. The corresponding Go method is `ByteOrder.Uint64`.
    @inlinable public func uint64(_ bytes: UnsafeRawBufferPointer) -> UInt64 { Self.uint64(bytes) }
    /// Reads a `UInt16` from the first 2 bytes. The corresponding Go method is `ByteOrder.Uint16`.
    @inlinable public func uint16(_ bytes: [UInt8]) -> UInt16 { Self.uint16(bytes) }
    /// Reads a `UInt32` from the first 4 bytes. The corresponding Go method is `ByteOrder.Uint32`.
    @inlinable public func uint32(_ bytes: [UInt8]) -> UInt32 { Self.uint32(bytes) }
    /// Reads a `UInt64` from the first 8 bytes. The corresponding Go method is `ByteOrder.Uint64`.
    @inlinable public func uint64(_ bytes: [UInt8]) -> UInt64 { Self.uint64(bytes) }
    /// Reads a `UInt16` from the first 2 bytes. The corresponding Go method is `ByteOrder.Uint16`.
    @inlinable public func uint16(_ bytes: some Collection<UInt8>) -> UInt16 { Self.uint16(bytes) }
    /// Reads a `UInt32` from the first 4 bytes. The corresponding Go method is `ByteOrder.Uint32`.
    @inlinable public func uint32(_ bytes: some Collection<UInt8>) -> UInt32 { Self.uint32(bytes) }
    /// Reads a `UInt64` from the first 8 bytes. The corresponding Go method is `ByteOrder.Uint64`.
    @inlinable public func uint64(_ bytes: some Collection<UInt8>) -> UInt64 { Self.uint64(bytes) }

    /// Writes `value` into the first 2 bytes. The corresponding Go method is `ByteOrder.PutUint16`.
    @inlinable public func putUint16(_ value: UInt16, into bytes: UnsafeMutableRawBufferPointer) {
        Self.putUint16(value, into: bytes)
    }
    /// Writes `value` into the first 4 bytes. The corresponding Go method is `ByteOrder.PutUint32`.
    @inlinable public func putUint32(_ value: UInt32, into bytes: UnsafeMutableRawBufferPointer) {
        Self.putUint32(value, into: bytes)
    }
    /// Writes `value` into the first 8 bytes. The corresponding Go method is `ByteOrder.PutUint64`.
    @inlinable public func putUint64(_ value: UInt64, into bytes: UnsafeMutableRawBufferPointer) {
        Self.putUint64(value, into: bytes)
    }
    /// Writes `value` into the first 2 bytes. The corresponding Go method is `ByteOrder.PutUint16`.
    @inlinable public func putUint16(_ value: UInt16, into bytes: inout [UInt8]) {
        Self.putUint16(value, into: &bytes)
    }
    /// Writes `value` into the first 4 bytes. The corresponding Go method is `ByteOrder.PutUint32`.
    @inlinable public func putUint32(_ value: UInt32, into bytes: inout [UInt8]) {
        Self.putUint32(value, into: &bytes)
    }
    /// Writes `value` into the first 8 bytes. The corresponding Go method is `ByteOrder.PutUint64`.
    @inlinable public func putUint64(_ value: UInt64, into bytes: inout [UInt8]) {
        Self.putUint64(value, into: &bytes)
    }
    /// Writes `value` into the first 2 bytes. The corresponding Go method is `ByteOrder.PutUint16`.
    @inlinable public func putUint16(_ value: UInt16, into bytes: inout some MutableCollection<UInt8>) {
        Self.putUint16(value, into: &bytes)
    }
    /// Writes `value` into the first 4 bytes. The corresponding Go method is `ByteOrder.PutUint32`.
    @inlinable public func putUint32(_ value: UInt32, into bytes: inout some MutableCollection<UInt8>) {
        Self.putUint32(value, into: &bytes)
    }
    /// Writes `value` into the first 8 bytes. The corresponding Go method is `ByteOrder.PutUint64`.
    @inlinable public func putUint64(_ value: UInt64, into bytes: inout some MutableCollection<UInt8>) {
        Self.putUint64(value, into: &bytes)
    }
}

extension AppendByteOrder {
    /// Appends the 2 bytes of `value`. The corresponding Go method is
    /// `AppendByteOrder.AppendUint16`.
    @inlinable public func appendUint16(_ value: UInt16, to bytes: inout [UInt8]) {
        Self.appendUint16(value, to: &bytes)
    }
    /// Appends the 4 bytes of `value`. The corresponding Go method is
    /// `AppendByteOrder.AppendUint32`.
    @inlinable public func appendUint32(_ value: UInt32, to bytes: inout [UInt8]) {
        Self.appendUint32(value, to: &bytes)
    }
    /// Appends the 8 bytes of `value`. The corresponding Go method is
    /// `AppendByteOrder.AppendUint64`.
    @inlinable public func appendUint64(_ value: UInt64, to bytes: inout [UInt8]) {
        Self.appendUint64(value, to: &bytes)
    }
}
