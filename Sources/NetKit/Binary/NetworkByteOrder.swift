// The C names for byte order conversion between host and network (big-endian) order.
//
// Glibc declares the same four functions. They are marked as disfavoured overloads so that a
// file importing both Glibc and NetKit is not ambiguous (the C versions compute the same
// results); `NetKit.htons` names these explicitly.

/// Converts a 16-bit value from host to network byte order (big-endian).
///
/// The corresponding C function is `htons(3)`; in Go, `binary.BigEndian.PutUint16`.
@inlinable @_disfavoredOverload
public func htons(_ value: UInt16) -> UInt16 { value.bigEndian }

/// Converts a 32-bit value from host to network byte order (big-endian).
///
/// The corresponding C function is `htonl(3)`; in Go, `binary.BigEndian.PutUint32`.
@inlinable @_disfavoredOverload
public func htonl(_ value: UInt32) -> UInt32 { value.bigEndian }

/// Converts a 16-bit value from network byte order (big-endian) to host order.
///
/// The corresponding C function is `ntohs(3)`; in Go, `binary.BigEndian.Uint16`.
@inlinable @_disfavoredOverload
public func ntohs(_ value: UInt16) -> UInt16 { UInt16(bigEndian: value) }

/// Converts a 32-bit value from network byte order (big-endian) to host order.
///
/// The corresponding C function is `ntohl(3)`; in Go, `binary.BigEndian.Uint32`.
@inlinable @_disfavoredOverload
public func ntohl(_ value: UInt32) -> UInt32 { UInt32(bigEndian: value) }
