// Go's unicode/utf8 decoding rules, for readRune and scanRunes: an invalid or truncated
// sequence decodes as U+FFFD consuming exactly one byte.

/// The accepted range of the second byte for a leading byte, and the sequence length
/// (0 for an invalid leading byte).
@inline(__always)
private func utf8Lead(_ b0: UInt8) -> (length: Int, low: UInt8, high: UInt8) {
    switch b0 {
    case 0x00...0x7F: (1, 0, 0)
    case 0xC2...0xDF: (2, 0x80, 0xBF)
    case 0xE0: (3, 0xA0, 0xBF)
    case 0xE1...0xEC, 0xEE...0xEF: (3, 0x80, 0xBF)
    case 0xED: (3, 0x80, 0x9F)
    case 0xF0: (4, 0x90, 0xBF)
    case 0xF1...0xF3: (4, 0x80, 0xBF)
    case 0xF4: (4, 0x80, 0x8F)
    default: (0, 0, 0)
    }
}

/// Decodes the first scalar of `bytes` (Go's `utf8.DecodeRune`): `(U+FFFD, 1)` for an invalid
/// or incomplete sequence, `(U+FFFD, 0)` for empty input.
func decodeRune(_ bytes: UnsafeRawBufferPointer) -> (scalar: Unicode.Scalar, width: Int) {
    let replacement = Unicode.Scalar(0xFFFD)!
    guard let b0 = bytes.first else { return (replacement, 0) }
    let lead = utf8Lead(b0)
    switch lead.length {
    case 1:
        return (Unicode.Scalar(b0), 1)
    case 0:
        return (replacement, 1)
    default:
        if bytes.count < lead.length { return (replacement, 1) }
        let b1 = bytes[1]
        if b1 < lead.low || b1 > lead.high { return (replacement, 1) }
        var value = UInt32(b1 & 0x3F)
        if lead.length == 2 {
            value |= UInt32(b0 & 0x1F) << 6
            return (Unicode.Scalar(value)!, 2)
        }
        let b2 = bytes[2]
        if b2 < 0x80 || b2 > 0xBF { return (replacement, 1) }
        if lead.length == 3 {
            value = UInt32(b0 & 0x0F) << 12 | value << 6 | UInt32(b2 & 0x3F)
            return (Unicode.Scalar(value)!, 3)
        }
        let b3 = bytes[3]
        if b3 < 0x80 || b3 > 0xBF { return (replacement, 1) }
        value = UInt32(b0 & 0x07) << 18 | value << 12 | UInt32(b2 & 0x3F) << 6 | UInt32(b3 & 0x3F)
        return (Unicode.Scalar(value)!, 4)
    }
}

/// Whether `bytes` begins with a full UTF-8 encoding of a scalar (Go's `utf8.FullRune`); an
/// invalid encoding counts as full, since it decodes as a one-byte error.
func isFullRune(_ bytes: UnsafeRawBufferPointer) -> Bool {
    guard let b0 = bytes.first else { return false }
    let lead = utf8Lead(b0)
    if lead.length <= 1 || bytes.count >= lead.length { return true }
    if bytes.count > 1 && (bytes[1] < lead.low || bytes[1] > lead.high) { return true }
    if bytes.count > 2 && (bytes[2] < 0x80 || bytes[2] > 0xBF) { return true }
    return false
}

/// The UTF-8 encoding of `scalar` (Go's `utf8.EncodeRune`), as up to four bytes.
func encodeRune(_ scalar: Unicode.Scalar) -> [UInt8] {
    Array(scalar.utf8)
}

/// Whether `scalar` is white space by Unicode's definition (Go's `unicode.IsSpace`, as inlined
/// by bufio's `isSpace`).
func isSpace(_ scalar: Unicode.Scalar) -> Bool {
    let r = scalar.value
    if r <= 0xFF {
        switch r {
        case 0x20, 0x09, 0x0A, 0x0B, 0x0C, 0x0D, 0x85, 0xA0: return true
        default: return false
        }
    }
    if 0x2000 <= r && r <= 0x200A { return true }
    switch r {
    case 0x1680, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000: return true
    default: return false
    }
}
