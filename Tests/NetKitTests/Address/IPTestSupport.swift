// Test support for the IP/Prefix/AddrPort tests: Go-style constructors and a minimal single-value
// text coder to exercise Codable without Foundation (Go's MarshalText/UnmarshalText).

@testable import NetKit

/// Go's MustParseAddr.
func mustIP(_ s: String) -> IP {
    do {
        return try IP.parse(s)
    } catch {
        fatalError("mustIP(\(s)): \(error)")
    }
}

/// Go's MustParsePrefix.
func mustPrefix(_ s: String) -> Prefix {
    do {
        return try parsePrefix(s)
    } catch {
        fatalError("mustPrefix(\(s)): \(error)")
    }
}

/// Go's MustParseAddrPort.
func mustIPPort(_ s: String) -> AddrPort {
    do {
        return try parseAddrPort(s)
    } catch {
        fatalError("mustIPPort(\(s)): \(error)")
    }
}

/// Go's net.ParseIP(s) that must succeed.
func mustParseIP(_ s: String) -> IP {
    guard let ip = parseIP(s) else { fatalError("parseIP(\(s)) failed") }
    return ip
}

/// Go's `IPMask(ParseIP(s))`: the 16-byte form of a parsed address as a mask.
func maskOf(_ s: String) -> IPMask {
    IPMask(mustParseIP(s))
}

/// `IP(bytes:)` that must succeed (Go's `IP{...}` literal of 4 or 16 bytes).
func ipBytes(_ bytes: [UInt8]) -> IP {
    guard let ip = IP(bytes: bytes) else { fatalError("IP(bytes: \(bytes)) failed") }
    return ip
}

/// `IPMask(bytes:)` that must succeed (Go's `IPMask{...}` literal).
func maskBytes(_ bytes: [UInt8]) -> IPMask {
    guard let mask = IPMask(bytes: bytes) else { fatalError("IPMask(bytes: \(bytes)) failed") }
    return mask
}

/// A deterministic pseudo-random generator (SplitMix64) for property tests.
struct SplitMix64: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}

// MARK: - A single-value text coder (what Go's encoding/json does with TextMarshaler values)

struct TextCodingError: Error, CustomStringConvertible {
    var description: String
}

/// Encodes a value whose Codable form is one String, returning that string.
func encodeText<T: Encodable>(_ value: T) throws -> String {
    let encoder = TextEncoder()
    try value.encode(to: encoder)
    guard let text = encoder.box.text else { throw TextCodingError(description: "nothing encoded") }
    return text
}

/// Decodes a value whose Codable form is one String.
func decodeText<T: Decodable>(_ type: T.Type, _ text: String) throws -> T {
    try T(from: TextDecoder(text: text))
}

final class TextBox {
    var text: String?
}

struct TextEncoder: Encoder {
    let box = TextBox()
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }
    func container<Key: CodingKey>(keyedBy type: Key.Type) -> KeyedEncodingContainer<Key> {
        fatalError("TextEncoder: keyed containers are not supported")
    }
    func unkeyedContainer() -> any UnkeyedEncodingContainer {
        fatalError("TextEncoder: unkeyed containers are not supported")
    }
    func singleValueContainer() -> any SingleValueEncodingContainer {
        TextSingleValueEncoder(box: box)
    }
}

struct TextSingleValueEncoder: SingleValueEncodingContainer {
    let box: TextBox
    var codingPath: [any CodingKey] { [] }
    mutating func encodeNil() throws { throw TextCodingError(description: "nil") }
    mutating func encode(_ value: String) throws { box.text = value }
    mutating func encode<T: Encodable>(_ value: T) throws {
        throw TextCodingError(description: "only String is supported, got \(T.self)")
    }
}

struct TextDecoder: Decoder {
    let text: String
    var codingPath: [any CodingKey] { [] }
    var userInfo: [CodingUserInfoKey: Any] { [:] }
    func container<Key: CodingKey>(keyedBy type: Key.Type) throws -> KeyedDecodingContainer<Key> {
        throw TextCodingError(description: "keyed containers are not supported")
    }
    func unkeyedContainer() throws -> any UnkeyedDecodingContainer {
        throw TextCodingError(description: "unkeyed containers are not supported")
    }
    func singleValueContainer() throws -> any SingleValueDecodingContainer {
        TextSingleValueDecoder(text: text)
    }
}

struct TextSingleValueDecoder: SingleValueDecodingContainer {
    let text: String
    var codingPath: [any CodingKey] { [] }
    func decodeNil() -> Bool { false }
    func decode(_ type: String.Type) throws -> String { text }
    func decode<T: Decodable>(_ type: T.Type) throws -> T {
        throw TextCodingError(description: "only String is supported, got \(T.self)")
    }
}
