/// The big-endian byte order: the most significant byte first, as on the network ("network byte order").
///
/// Use the type for Go's spelling — `BigEndian.uint32(bytes)`, `BigEndian.putUint16(x, into: &bytes)`,
/// `BigEndian.appendUint64(x, to: &bytes)` — or a value, `BigEndian()`, where a `ByteOrder` is
/// expected. `description` is `"BigEndian"`. Too few bytes is a precondition failure (Go panics).
///
/// The corresponding Go variable is `binary.BigEndian`.
public struct BigEndian: ByteOrder, AppendByteOrder {
    /// The byte order as a value, for APIs taking `some ByteOrder`.
    ///
    /// The corresponding Go variable is `binary.BigEndian`.
    @inlinable public init() {}

    /// `"BigEndian"`. The corresponding Go method is `BigEndian.String`.
    public var description: String { "BigEndian" }

    /// Reads a `UInt16` from the first 2 bytes. The corresponding Go method is `BigEndian.Uint16`.
    @inlinable public static func uint16(_ bytes: UnsafeRawBufferPointer) -> UInt16 {
        precondition(bytes.count >= 2, "binary: index out of range: need 2 bytes")
        return UInt16(bigEndian: bytes.loadUnaligned(as: UInt16.self))
    }

    /// Reads a `UInt32` from the first 4 bytes. The corresponding Go method is `BigEndian.Uint32`.
    @inlinable public static func uint32(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        precondition(bytes.count >= 4, "binary: index out of range: need 4 bytes")
        return UInt32(bigEndian: bytes.loadUnaligned(as: UInt32.self))
    }

    /// Reads a `UInt64` from the first 8 bytes. The corresponding Go method is `BigEndian.Uint64`.
    @inlinable public static func uint64(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        precondition(bytes.count >= 8, "binary: index out of range: need 8 bytes")
        return UInt64(bigEndian: bytes.loadUnaligned(as: UInt64.self))
    }

    /// Writes `value` into the first 2 bytes. The corresponding Go method is `BigEndian.PutUint16`.
    @inlinable public static func putUint16(_ value: UInt16, into bytes: UnsafeMutableRawBufferPointer) {
        precondition(bytes.count >= 2, "binary: index out of range: need 2 bytes")
        bytes.storeBytes(of: value.bigEndian, as: UInt16.self)
    }

    /// Writes `value` into the first 4 bytes. The corresponding Go method is `BigEndian.PutUint32`.
    @inlinable public static func putUint32(_ value: UInt32, into bytes: UnsafeMutableRawBufferPointer) {
        precondition(bytes.count >= 4, "binary: index out of range: need 4 bytes")
        bytes.storeBytes(of: value.bigEndian, as: UInt32.self)
    }

    /// Writes `value` into the first 8 bytes. The corresponding Go method is `BigEndian.PutUint64`.
    @inlinable public static func putUint64(_ value: UInt64, into bytes: UnsafeMutableRawBufferPointer) {
        precondition(bytes.count >= 8, "binary: index out of range: need 8 bytes")
        bytes.storeBytes(of: value.bigEndian, as: UInt64.self)
    }

    /// Appends the 2 bytes of `value`. The corresponding Go method is `BigEndian.AppendUint16`.
    @inlinable public static func appendUint16(_ value: UInt16, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: value.bigEndian) { bytes.append(contentsOf: $0) }
    }

    /// Appends the 4 bytes of `value`. The corresponding Go method is `BigEndian.AppendUint32`.
    @inlinable public static func appendUint32(_ value: UInt32, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: value.bigEndian) { bytes.append(contentsOf: $0) }
    }

    /// Appends the 8 bytes of `value`. The corresponding Go method is `BigEndian.AppendUint64`.
    @inlinable public static func appendUint64(_ value: UInt64, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: value.bigEndian) { bytes.append(contentsOf: $0) }
    }
}
