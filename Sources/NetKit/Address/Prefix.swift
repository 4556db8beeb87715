// Prefix: an IP address and a prefix length (CIDR), Go's netip.Prefix.

/// An IP network written in CIDR notation: an address whose first `bits` bits are fixed.
///
/// The address keeps its host bits (use `masked` to clear them) and never has a zone. The zero
/// value `Prefix()` is invalid; a `Prefix` whose length does not fit its address is invalid too.
///
/// The corresponding Go type is `netip.Prefix`.
public struct Prefix: Sendable, Hashable {
    @usableFromInline var ip: IP
    /// The prefix length plus one; 0 means invalid.
    @usableFromInline var bitsPlusOne: UInt8

    /// The zero (invalid) prefix.
    ///
    /// The corresponding Go value is `netip.Prefix{}`.
    @inlinable
    public init() {
        ip = IP()
        bitsPlusOne = 0
    }

    /// The prefix `ip`/`bits`, without masking the host bits; the zone is dropped. When `ip` is
    /// `IP()` or `bits` is not in 0...ip.bitLen, the prefix is invalid (`bits` is -1).
    ///
    /// The corresponding Go function is `netip.PrefixFrom`.
    @inlinable
    public init(_ ip: IP, bits: Int) {
        var plusOne: UInt8 = 0
        if ip.isValid && bits >= 0 && bits <= ip.bitLen {
            plusOne = UInt8(bits) + 1
        }
        self.ip = ip.withZone("")
        self.bitsPlusOne = plusOne
    }

    /// The prefix's address (host bits as given, no zone).
    ///
    /// The corresponding Go method is `netip.Prefix.Addr`.
    @inlinable public var addr: IP { ip }

    /// The prefix length, or -1 for an invalid prefix.
    ///
    /// The corresponding Go method is `netip.Prefix.Bits`.
    @inlinable public var bits: Int { Int(bitsPlusOne) - 1 }

    /// Whether the length fits the address (false for the zero `Prefix()`).
    ///
    /// The corresponding Go method is `netip.Prefix.IsValid`.
    @inlinable public var isValid: Bool { bitsPlusOne > 0 }

    /// Whether the prefix contains exactly one address (/32 for IPv4, /128 for IPv6).
    ///
    /// The corresponding Go method is `netip.Prefix.IsSingleIP`.
    @inlinable public var isSingleIP: Bool { isValid && bits == ip.bitLen }

    /// The canonical form: all but the first `bits` bits of the address cleared. An invalid
    /// prefix gives the zero `Prefix()`.
    ///
    /// The corresponding Go method is `netip.Prefix.Masked`.
    public var masked: Prefix {
        guard isValid else { return Prefix() }
        return (try? ip.prefix(bits: bits)) ?? Prefix()
    }

    /// Whether the network contains `address`. An IPv4 address never matches an IPv6 prefix (and an
    /// IPv4-mapped address never matches an IPv4 prefix); `IP()` and zoned addresses match nothing.
    ///
    /// The corresponding Go method is `netip.Prefix.Contains`.
    @inlinable
    public func contains(_ address: IP) -> Bool {
        guard isValid, address.zoneStorage.isEmpty, address.kind == ip.kind else { return false }
        let m = IP.mask6(address.kind == .v4 ? bits + 96 : bits)
        return (address.hi ^ ip.hi) & m.hi == 0 && (address.lo ^ ip.lo) & m.lo == 0
    }

    /// Whether the two networks have any address in common. Prefixes of different families, or
    /// invalid ones, never overlap.
    ///
    /// The corresponding Go method is `netip.Prefix.Overlaps`.
    public func overlaps(_ other: Prefix) -> Bool {
        guard isValid, other.isValid else { return false }
        if self == other { return true }
        if ip.is4 != other.ip.is4 { return false }
        let minBits = Swift.min(bits, other.bits)
        if minBits == 0 { return true }
        guard let a = try? ip.prefix(bits: minBits), let b = try? other.ip.prefix(bits: minBits) else {
            return false
        }
        return a.ip == b.ip
    }

    /// Compares two prefixes: -1, 0 or +1. Prefixes sort by validity (invalid first), family
    /// (IPv4 first), masked address, length, then unmasked address.
    ///
    /// The corresponding Go method is `netip.Prefix.Compare`.
    public func compare(_ other: Prefix) -> Int {
        let c = masked.ip.compare(other.masked.ip)
        if c != 0 { return c }
        if bits != other.bits { return bits < other.bits ? -1 : 1 }
        return ip.compare(other.ip)
    }

    /// Parses `s` as a prefix in CIDR notation ("192.168.1.0/24", "2001:db8::/32"). The address
    /// is not masked; zones are rejected; the length must be plain decimal without sign or leading
    /// zeros. Throws Go's error, e.g. `netip.ParsePrefix("1.2.3.4"): no '/'`.
    ///
    /// The corresponding Go function is `netip.ParsePrefix`.
    public static func parse(_ s: String) throws(ParseError) -> Prefix {
        try parsePrefix(s)
    }
}

/// Parses `s` as a prefix in CIDR notation ("192.168.1.0/24", "2001:db8::/32"). The address is not
/// masked (see `Prefix.masked`); zones are rejected; the length must be plain decimal without sign
/// or leading zeros. Throws Go's error, e.g. `netip.ParsePrefix("1.2.3.4"): no '/'`.
///
/// The corresponding Go function is `netip.ParsePrefix`.
public func parsePrefix(_ s: String) throws(ParseError) -> Prefix {
    let result: Result<Prefix, ParseError> = IP.withUTF8Bytes(s) { p in
        var slash = -1
        var i = p.count - 1
        while i >= 0 {
            if p[i] == UInt8(ascii: "/") {
                slash = i
                break
            }
            i -= 1
        }
        if slash < 0 { return .failure(ParseError(.parsePrefix, input: s, reason: .noSlash)) }

        let addrBytes = UnsafeBufferPointer(rebasing: p[..<slash])
        let scan = IP.scanAddr(addrBytes)
        if scan.failure != nil {
            let addrText = String(decoding: addrBytes, as: UTF8.self)
            if case .failure(let error) = IP.finish(scan, addrBytes, input: addrText) {
                return .failure(ParseError(.parsePrefix, input: s, reason: .address(error)))
            }
        }
        if scan.zoneStart >= 0 {
            return .failure(ParseError(.parsePrefix, input: s, reason: .zoneInPrefix))
        }

        // Plain decimal: strconv.Atoi would accept a sign and leading zeros; Go refuses them.
        let first = slash + 1
        let count = p.count - first
        var badBits = count == 0 || (count > 1 && !(p[first] >= UInt8(ascii: "1") && p[first] <= UInt8(ascii: "9")))
        var bits = 0
        if !badBits {
            for k in first..<p.count {
                let d = p[k] &- UInt8(ascii: "0")
                if d >= 10 {
                    badBits = true
                    break
                }
                let (times10, o1) = bits.multipliedReportingOverflow(by: 10)
                let (sum, o2) = times10.addingReportingOverflow(Int(d))
                if o1 || o2 {
                    badBits = true
                    break
                }
                bits = sum
            }
        }
        if badBits {
            let text = String(decoding: UnsafeBufferPointer(rebasing: p[first...]), as: UTF8.self)
            return .failure(ParseError(.parsePrefix, input: s, reason: .badBits(text)))
        }
        let maxBits = scan.kind == .v6 ? 128 : 32
        if bits > maxBits {
            return .failure(ParseError(.parsePrefix, input: s, reason: .prefixLengthOutOfRange))
        }
        return .success(Prefix(IP(hi: scan.hi, lo: scan.lo, kind: scan.kind), bits: bits))
    }
    return try result.get()
}

extension Prefix: Comparable {
    /// Whether `lhs` sorts before `rhs` in `compare(_:)`'s order.
    ///
    /// Corresponds to Go's `netip.Prefix.Compare(...) < 0`.
    public static func < (lhs: Prefix, rhs: Prefix) -> Bool {
        lhs.compare(rhs) < 0
    }
}

extension Prefix: LosslessStringConvertible {
    /// Parses `description` as `parsePrefix` does; nil when it is not a prefix.
    ///
    /// The corresponding Go function is `netip.ParsePrefix`.
    public init?(_ description: String) {
        guard let prefix = try? parsePrefix(description) else { return nil }
        self = prefix
    }

    /// The CIDR notation "address/bits" (IPv4-mapped addresses as "::ffff:a.b.c.d/n"), or
    /// "invalid Prefix".
    ///
    /// The corresponding Go method is `netip.Prefix.String`.
    public var description: String {
        guard isValid else { return "invalid Prefix" }
        return ip.description + "/" + String(bits)
    }
}

extension Prefix: Codable {
    /// Encodes the prefix as its text: "" for the zero `Prefix()`, "invalid Prefix" for another
    /// invalid prefix.
    ///
    /// The corresponding Go method is `netip.Prefix.MarshalText`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(self == Prefix() ? "" : description)
    }

    /// Decodes a prefix as `parsePrefix` reads it; "" decodes as `Prefix()`.
    ///
    /// The corresponding Go method is `netip.Prefix.UnmarshalText`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        if text.isEmpty {
            self.init()
            return
        }
        do {
            self = try parsePrefix(text)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.description)
        }
    }
}
