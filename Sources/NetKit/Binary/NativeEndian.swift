/// The native byte order: the host's own order (little-endian on x86-64 and ARM64 Linux).
///
/// Use the type for Go's spelling — `NativeEndian.uint32(bytes)`, `NativeEndian.putUint16(x, into: &bytes)`,
/// `NativeEndian.appendUint64(x, to: &bytes)` — or a value, `NativeEndian()`, where a `ByteOrder` is
/// expected. `description` is `"NativeEndian"`. Too few bytes is a precondition failure (Go panics).
///
/// The corresponding Go variable is `binary.NativeEndian`.
public struct NativeEndian: ByteOrder, AppendByteOrder {
    /// The byte order as a value, for APIs taking `some ByteOrder`.
    ///
    /// The corresponding Go variable is `binary.NativeEndian`.
    @inlinable public init() {}

    /// `"NativeEndian"`. The corresponding Go method is `NativeEndian.String`.
    public var description: String { "NativeEndian" }

    /// Reads a `UInt16` from the first 2 bytes. The corresponding Go method is `NativeEndian.Uint16`.
    @inlinable public static func uint16(_ bytes: UnsafeRawBufferPointer) -> UInt16 {
        precondition(bytes.count >= 2, "binary: index out of range: need 2 bytes")
        return bytes.loadUnaligned(as: UInt16.self)
    }

    /// Reads a `UInt32` from the first 4 bytes. The corresponding Go method is `NativeEndian.Uint32`.
    @inlinable public static func uint32(_ bytes: UnsafeRawBufferPointer) -> UInt32 {
        precondition(bytes.count >= 4, "binary: index out of range: need 4 bytes")
        return bytes.loadUnaligned(as: UInt32.self)
    }

    /// Reads a `UInt64` from the first 8 bytes. The corresponding Go method is `NativeEndian.Uint64`.
    @inlinable public static func uint64(_ bytes: UnsafeRawBufferPointer) -> UInt64 {
        precondition(bytes.count >= 8, "binary: index out of range: need 8 bytes")
        return bytes.loadUnaligned(as: UInt64.self)
    }

    /// Writes `value` into the first 2 bytes. The corresponding Go method is `NativeEndian.PutUint16`.
    @inlinable public static func putUint16(_ value: UInt16, into bytes: UnsafeMutableRawBufferPointer) {
        precondition(bytes.count >= 2, "binary: index out of range: need 2 bytes")
        bytes.storeBytes(of: value, as: UInt16.self)
    }

    /// Writes `value` into the first 4 bytes. The corresponding Go method is `NativeEndian.PutUint32`.
    @inlinable public static func putUint32(_ value: UInt32, into bytes: UnsafeMutableRawBufferPointer) {
        precondition(bytes.count >= 4, "binary: index out of range: need 4 bytes")
        bytes.storeBytes(of: value, as: UInt32.self)
    }

    /// Writes `value` into the first 8 bytes. The corresponding Go method is `NativeEndian.PutUint64`.
    @inlinable public static func putUint64(_ value: UInt64, into bytes: UnsafeMutableRawBufferPointer) {
        precondition(bytes.count >= 8, "binary: index out of range: need 8 bytes")
        bytes.storeBytes(of: value, as: UInt64.self)
    }

    /// Appends the 2 bytes of `value`. The corresponding Go method is `NativeEndian.AppendUint16`.
    @inlinable public static func appendUint16(_ value: UInt16, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: value) { bytes.append(contentsOf: $0) }
    }

    /// Appends the 4 bytes of `value`. The corresponding Go method is `NativeEndian.AppendUint32`.
    @inlinable public static func appendUint32(_ value: UInt32, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: value) { bytes.append(contentsOf: $0) }
    }

    /// Appends the 8 bytes of `value`. The corresponding Go method is `NativeEndian.AppendUint64`.
    @inlinable public static func appendUint64(_ value: UInt64, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: value) { bytes.append(contentsOf: $0) }
    }
}
