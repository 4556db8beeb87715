// Varint encoding of 64-bit integers (Go's encoding/binary varint.go):
// - unsigned integers are serialized 7 bits at a time, least significant bits first;
// - the most significant bit of each byte says whether another byte follows (msb = 1);
// - signed integers are first mapped to unsigned ones with zig-zag encoding: x >= 0 becomes
//   2*x, x < 0 becomes 2*(~x) + 1, so small magnitudes stay short.
// At most 10 bytes are needed for a 64-bit value.

/// The maximum length of a varint-encoded 16-bit integer.
///
/// The corresponding Go constant is `binary.MaxVarintLen16`.
public let maxVarintLen16 = 3

/// The maximum length of a varint-encoded 32-bit integer.
///
/// The corresponding Go constant is `binary.MaxVarintLen32`.
public let maxVarintLen32 = 5

/// The maximum length of a varint-encoded 64-bit integer.
///
/// The corresponding Go constant is `binary.MaxVarintLen64`.
public let maxVarintLen64 = 10

/// The number of bytes the varint encoding of `value` takes (1...10).
@inlinable
func uvarintLength(_ value: UInt64) -> Int {
    // ceil(significant bits / 7), and 1 for zero.
    (64 - (value | 1).leadingZeroBitCount + 6) / 7
}

/// The zig-zag mapping of a signed integer to an unsigned one.
@inlinable
func zigZag(_ value: Int64) -> UInt64 {
    let shifted = UInt64(bitPattern: value) &<< 1
    return value < 0 ? ~shifted : shifted
}

/// The inverse of `zigZag`.
@inlinable
func unZigZag(_ value: UInt64) -> Int64 {
    let half = Int64(bitPattern: value &>> 1)
    return value & 1 != 0 ? ~half : half
}

// MARK: - Encoding

/// Encodes `value` into the start of `buffer` and returns the number of bytes written.
///
/// A buffer too small for the encoding is a precondition failure (Go panics); nothing is written
/// then. `maxVarintLen64` bytes are always enough.
///
/// The corresponding Go function is `binary.PutUvarint`.
@inlinable @discardableResult
public func putUvarint(_ value: UInt64, into buffer: UnsafeMutableRawBufferPointer) -> Int {
    let length = uvarintLength(value)
    precondition(buffer.count >= length, "binary: buffer too small for PutUvarint")
    let base = buffer.baseAddress!
    var x = value
    var i = 0
    while x >= 0x80 {
        base.storeBytes(of: UInt8(truncatingIfNeeded: x) | 0x80, toByteOffset: i, as: UInt8.self)
        x &>>= 7
        i &+= 1
    }
    base.storeBytes(of: UInt8(truncatingIfNeeded: x), toByteOffset: i, as: UInt8.self)
    return i &+ 1
}

/// Encodes `value` into the start of `bytes` and returns the number of bytes written; too few
/// bytes is a precondition failure (Go panics).
///
/// The corresponding Go function is `binary.PutUvarint`.
@inlinable @discardableResult
public func putUvarint(_ value: UInt64, into bytes: inout [UInt8]) -> Int {
    bytes.withUnsafeMutableBytes { putUvarint(value, into: $0) }
}

/// Encodes `value` into the start of a mutable collection (e.g. `&bytes[4...]`) and returns the
/// number of bytes written; too few bytes is a precondition failure (Go panics).
///
/// The corresponding Go function is `binary.PutUvarint`.
@inlinable @discardableResult
public func putUvarint(_ value: UInt64, into bytes: inout some MutableCollection<UInt8>) -> Int {
    if let n = bytes.withContiguousMutableStorageIfAvailable({ putUvarint(value, into: UnsafeMutableRawBufferPointer($0)) }) {
        return n
    }
    var encoded: [UInt8] = []
    appendUvarint(value, to: &encoded)
    precondition(bytes.count >= encoded.count, "binary: buffer too small for PutUvarint")
    var index = bytes.startIndex
    for byte in encoded {
        bytes[index] = byte
        bytes.formIndex(after: &index)
    }
    return encoded.count
}

/// Appends the varint encoding of `value` to `bytes`.
///
/// The corresponding Go function is `binary.AppendUvarint`.
@inlinable
public func appendUvarint(_ value: UInt64, to bytes: inout [UInt8]) {
    if value < 0x80 {
        bytes.append(UInt8(truncatingIfNeeded: value))
        return
    }
    // Encode on the stack, then append once (one capacity check instead of one per byte).
    var scratch: (UInt64, UInt64) = (0, 0)
    let count = withUnsafeMutableBytes(of: &scratch) { putUvarint(value, into: $0) }
    withUnsafeBytes(of: &scratch) { bytes.append(contentsOf: UnsafeRawBufferPointer(rebasing: $0[0..<count])) }
}

/// Encodes `value` (zig-zag) into the start of `buffer` and returns the number of bytes written;
/// too small a buffer is a precondition failure (Go panics).
///
/// The corresponding Go function is `binary.PutVarint`.
@inlinable @discardableResult
public func putVarint(_ value: Int64, into buffer: UnsafeMutableRawBufferPointer) -> Int {
    putUvarint(zigZag(value), into: buffer)
}

/// Encodes `value` (zig-zag) into the start of `bytes` and returns the number of bytes written;
/// too few bytes is a precondition failure (Go panics).
///
/// The corresponding Go function is `binary.PutVarint`.
@inlinable @discardableResult
public func putVarint(_ value: Int64, into bytes: inout [UInt8]) -> Int {
    putUvarint(zigZag(value), into: &bytes)
}

/// Encodes `value` (zig-zag) into the start of a mutable collection and returns the number of
/// bytes written; too few bytes is a precondition failure (Go panics).
///
/// The corresponding Go function is `binary.PutVarint`.
@inlinable @discardableResult
public func putVarint(_ value: Int64, into bytes: inout some MutableCollection<UInt8>) -> Int {
    putUvarint(zigZag(value), into: &bytes)
}

/// Appends the varint (zig-zag) encoding of `value` to `bytes`.
///
/// The corresponding Go function is `binary.AppendVarint`.
@inlinable
public func appendVarint(_ value: Int64, to bytes: inout [UInt8]) {
    appendUvarint(zigZag(value), to: &bytes)
}

// MARK: - Decoding

/// Decodes an unsigned varint from the start of `buffer`.
///
/// Returns the value and the number of bytes read (`count > 0`). On error the value is 0 and
/// `count <= 0`: `count == 0` means the buffer is too small (it ends inside the varint);
/// `count < 0` means the value is larger than 64 bits (overflow) and `-count` is the number of
/// bytes read. Non-minimal encodings (such as `80 00`) are accepted.
///
/// The corresponding Go function is `binary.Uvarint`.
@inlinable
public func uvarint(_ buffer: UnsafeRawBufferPointer) -> (value: UInt64, count: Int) {
    guard let base = buffer.baseAddress, buffer.count > 0 else { return (0, 0) }
    let first = base.load(as: UInt8.self)
    if first < 0x80 { return (UInt64(first), 1) }  // the one-byte fast path
    var x: UInt64 = 0
    var shift: UInt64 = 0
    var i = 0
    while i < buffer.count {
        if i == 10 {  // maxVarintLen64 (a literal: this body is inlined into clients)
            return (0, -(i + 1))  // more than 10 bytes: overflow (Go issue 41185)
        }
        let byte = base.load(fromByteOffset: i, as: UInt8.self)
        if byte < 0x80 {
            if i == 9 && byte > 1 {
                return (0, -(i + 1))  // overflow in the 10th byte
            }
            return (x | UInt64(byte) &<< shift, i + 1)
        }
        x |= UInt64(byte & 0x7F) &<< shift
        shift &+= 7
        i &+= 1
    }
    return (0, 0)
}

/// Decodes an unsigned varint from the start of `bytes`; see the raw-buffer form for the
/// meaning of `count`.
///
/// The corresponding Go function is `binary.Uvarint`.
@inlinable
public func uvarint(_ bytes: [UInt8]) -> (value: UInt64, count: Int) {
    bytes.withUnsafeBytes { uvarint($0) }
}

/// Decodes an unsigned varint from the start of a collection (e.g. `bytes[4...]`); see the
/// raw-buffer form for the meaning of `count`.
///
/// The corresponding Go function is `binary.Uvarint`.
@inlinable
public func uvarint(_ bytes: some Collection<UInt8>) -> (value: UInt64, count: Int) {
    if let result = bytes.withContiguousStorageIfAvailable({ uvarint(UnsafeRawBufferPointer($0)) }) {
        return result
    }
    return Array(bytes.prefix(11)).withUnsafeBytes { uvarint($0) }
}

/// Decodes a signed (zig-zag) varint from the start of `buffer`.
///
/// Returns the value and the number of bytes read (`count > 0`); on error the value is 0 and
/// `count == 0` (buffer too small) or `count < 0` (overflow, `-count` bytes read).
///
/// The corresponding Go function is `binary.Varint`.
@inlinable
public func varint(_ buffer: UnsafeRawBufferPointer) -> (value: Int64, count: Int) {
    let (unsigned, count) = uvarint(buffer)
    return (unZigZag(unsigned), count)
}

/// Decodes a signed (zig-zag) varint from the start of `bytes`; see the raw-buffer form.
///
/// The corresponding Go function is `binary.Varint`.
@inlinable
public func varint(_ bytes: [UInt8]) -> (value: Int64, count: Int) {
    bytes.withUnsafeBytes { varint($0) }
}

/// Decodes a signed (zig-zag) varint from the start of a collection; see the raw-buffer form.
///
/// The corresponding Go function is `binary.Varint`.
@inlinable
public func varint(_ bytes: some Collection<UInt8>) -> (value: Int64, count: Int) {
    let (unsigned, count) = uvarint(bytes)
    return (unZigZag(unsigned), count)
}

// MARK: - Reading from a stream

/// Reads an unsigned varint from `reader`, one byte at a time (never more than 10 bytes).
///
/// Throws `IOError.eof` only if no byte was read; if the input ends inside the varint, throws
/// `IOError.unexpectedEOF`; if the value does not fit in 64 bits, throws
/// `BinaryError.varintOverflow` ("binary: varint overflows a 64-bit integer"). Other errors of
/// `reader` are thrown as they are.
///
/// The corresponding Go function is `binary.ReadUvarint`.
public nonisolated(nonsending) func readUvarint(_ reader: some ByteReader) async throws -> UInt64 {
    var x: UInt64 = 0
    var shift: UInt64 = 0
    for i in 0..<maxVarintLen64 {
        let byte: UInt8
        do {
            byte = try await reader.readByte()
        } catch let error as IOError where error == .eof && i > 0 {
            throw IOError.unexpectedEOF
        }
        if byte < 0x80 {
            if i == maxVarintLen64 - 1 && byte > 1 { throw BinaryError.varintOverflow }
            return x | UInt64(byte) &<< shift
        }
        x |= UInt64(byte & 0x7F) &<< shift
        shift += 7
    }
    throw BinaryError.varintOverflow
}

/// Reads a signed (zig-zag) varint from `reader`; errors as `readUvarint(_:)`.
///
/// The corresponding Go function is `binary.ReadVarint`.
public nonisolated(nonsending) func readVarint(_ reader: some ByteReader) async throws -> Int64 {
    unZigZag(try await readUvarint(reader))
}
