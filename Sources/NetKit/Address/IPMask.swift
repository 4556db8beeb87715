// IPMask: a network mask, Go's net.IPMask (a 4- or 16-byte bit mask).

/// A bit mask for an IP address: usually 4 bytes (IPv4) or 16 bytes (IPv6), canonical when it is
/// ones followed by zeros. Any length from 0 to 16 bytes can be held, as Go's byte slice can (the
/// operations treat other lengths than 4 and 16 as Go does). The empty mask prints as "<nil>".
///
/// The corresponding Go type is `net.IPMask`.
public struct IPMask: Hashable, Sendable {
    /// Bytes 0-7, left-aligned big-endian (byte 0 in the top bits); unused bytes are 0.
    @usableFromInline var hi: UInt64
    /// Bytes 8-15, likewise.
    @usableFromInline var lo: UInt64
    /// Number of bytes, 0...16.
    @usableFromInline var length: UInt8

    @inlinable
    init(hi: UInt64, lo: UInt64, length: UInt8) {
        self.hi = hi
        self.lo = lo
        self.length = length
    }

    /// The empty mask (Go's nil `IPMask`).
    ///
    /// The corresponding Go value is a nil `net.IPMask`.
    @inlinable
    public init() {
        self.init(hi: 0, lo: 0, length: 0)
    }

    /// The mask with the given bytes; nil when there are more than 16.
    ///
    /// The corresponding Go conversion is `net.IPMask(bytes)`.
    @inlinable
    public init?(bytes: some Sequence<UInt8>) {
        var hi: UInt64 = 0
        var lo: UInt64 = 0
        var n = 0
        for byte in bytes {
            if n == 16 { return nil }
            if n < 8 {
                hi |= UInt64(byte) << UInt64(56 - 8 * n)
            } else {
                lo |= UInt64(byte) << UInt64(56 - 8 * (n - 8))
            }
            n += 1
        }
        self.init(hi: hi, lo: lo, length: UInt8(n))
    }

    /// The mask spelled by an address's 16-byte form — Go's conversion `IPMask(ip)` of the 16-byte
    /// `net.IP` that `net.ParseIP` returns, so `IPMask(parseIP("255.255.255.0")!)` is
    /// ::ffff:255.255.255.0 as 16 bytes. `IP()` gives the empty mask.
    ///
    /// The corresponding Go conversion is `net.IPMask(net.ParseIP(s))`.
    @inlinable
    public init(_ ip: IP) {
        if ip.isValid {
            self.init(hi: ip.hi, lo: ip.lo, length: 16)
        } else {
            self.init()
        }
    }

    /// The number of bytes (4 for IPv4 masks, 16 for IPv6 masks).
    ///
    /// The corresponding Go expression is `len(mask)`.
    @inlinable public var count: Int { Int(length) }

    /// The byte at `index` (0..<count).
    ///
    /// The corresponding Go expression is `mask[index]`.
    @inlinable
    public subscript(index: Int) -> UInt8 {
        precondition(index >= 0 && index < Int(length), "IPMask index out of range")
        return index < 8
            ? UInt8(truncatingIfNeeded: hi >> UInt64(56 - 8 * index))
            : UInt8(truncatingIfNeeded: lo >> UInt64(56 - 8 * (index - 8)))
    }

    /// The mask bytes.
    ///
    /// A Go `net.IPMask` is its byte slice.
    public var bytes: [UInt8] {
        (0..<count).map { self[$0] }
    }

    /// The number of leading one bits when the mask is ones followed by zeros, else -1.
    @inlinable
    var simpleLength: Int {
        let ones = hi == .max ? 64 + (~lo).leadingZeroBitCount : (~hi).leadingZeroBitCount
        let canonical = IP.mask6(ones)
        return canonical.hi == hi && canonical.lo == lo ? ones : -1
    }

    /// The number of leading ones and the total number of bits; (0, 0) when the mask is not
    /// ones followed by zeros.
    ///
    /// The corresponding Go method is `net.IPMask.Size`.
    @inlinable
    public var size: (ones: Int, bits: Int) {
        let ones = simpleLength
        return ones < 0 ? (0, 0) : (ones, count * 8)
    }

    /// The last 4 bytes of a 16-byte mask, or the bytes of a 4-byte mask, as a 4-byte mask.
    @inlinable
    var lastFourBytes: UInt32 {
        length == 16 ? UInt32(truncatingIfNeeded: lo) : UInt32(truncatingIfNeeded: hi >> 32)
    }
}

extension IPMask: CustomStringConvertible {
    /// The mask in hexadecimal without punctuation ("ffffff00"), or "<nil>" for the empty mask.
    ///
    /// The corresponding Go method is `net.IPMask.String`.
    public var description: String {
        if length == 0 { return "<nil>" }
        return String(unsafeUninitializedCapacity: count * 2) { out in
            for i in 0..<count {
                let byte = UInt64(self[i])
                out[2 * i] = IP.hexDigit(byte >> 4)
                out[2 * i + 1] = IP.hexDigit(byte)
            }
            return count * 2
        }
    }
}

/// The mask of `ones` one bits followed by zeros up to `bits` bits; nil unless bits is 32 or 128
/// and 0 ≤ ones ≤ bits.
///
/// The corresponding Go function is `net.CIDRMask`.
public func cidrMask(ones: Int, bits: Int) -> IPMask? {
    guard bits == 32 || bits == 128, ones >= 0, ones <= bits else { return nil }
    let m = IP.mask6(ones)
    return IPMask(hi: m.hi, lo: m.lo, length: UInt8(bits / 8))
}

/// The 4-byte IPv4 mask a.b.c.d.
///
/// The corresponding Go function is `net.IPv4Mask`.
public func ipv4Mask(_ a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8) -> IPMask {
    IPMask(hi: UInt64(a) << 56 | UInt64(b) << 48 | UInt64(c) << 40 | UInt64(d) << 32, lo: 0, length: 4)
}
