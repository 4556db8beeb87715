// net.IP's operations on IP: To4, To16, Equal, Mask, DefaultMask.
//
// A Go `net.IP` is a 4- or 16-byte slice, and net treats an IPv4-mapped 16-byte slice as IPv4.
// `IP` keeps IPv4 addresses in their IPv4-mapped 128-bit form, so these operations see every IPv4
// address as net's canonical 16-byte form (what `net.IPv4` and `net.ParseIP` return) and convert
// to the 4-byte form exactly where net does (To4, a 4-byte mask).

extension IP {
    /// The IPv4 address of an IPv4 or IPv4-mapped IPv6 address (zone dropped); nil otherwise.
    ///
    /// The corresponding Go method is `net.IP.To4`.
    @inlinable
    public var to4: IP? {
        guard let v4 = unmappedV4 else { return nil }
        return IP(v4: v4)
    }

    /// The 16-byte (IPv6) form: an IPv4 address becomes IPv4-mapped IPv6; IPv6 addresses are
    /// returned unchanged; nil for `IP()`.
    ///
    /// The corresponding Go method is `net.IP.To16`.
    @inlinable
    public var to16: IP? {
        switch kind {
        case .invalid: nil
        case .v4: IP(hi: hi, lo: lo, kind: .v6)
        case .v6: self
        }
    }

    /// Whether the two are the same address, an IPv4 address being equal to its IPv4-mapped IPv6
    /// form; zones are ignored (a `net.IP` has none). Two `IP()` are equal.
    ///
    /// The corresponding Go method is `net.IP.Equal`.
    @inlinable
    public func equal(_ other: IP) -> Bool {
        if kind == .invalid || other.kind == .invalid { return kind == other.kind }
        return hi == other.hi && lo == other.lo
    }

    /// The address ANDed with `mask`, byte by byte, or nil when the lengths do not match.
    ///
    /// As in Go: a 4-byte mask applies to IPv4 and IPv4-mapped addresses and gives an IPv4 address;
    /// a 16-byte mask applies to the 16-byte form of any address (an IPv4 address stays IPv4 when
    /// the result is still IPv4-mapped). The zone is dropped.
    ///
    /// The corresponding Go method is `net.IP.Mask`.
    @inlinable
    public func mask(_ mask: IPMask) -> IP? {
        switch mask.length {
        case 4:
            guard let v4 = unmappedV4 else { return nil }
            return IP(v4: v4 & mask.lastFourBytes)
        case 16:
            guard kind != .invalid else { return nil }
            let newHi = hi & mask.hi
            let newLo = lo & mask.lo
            if kind == .v4 && newHi == 0 && newLo >> 32 == 0xffff {
                return IP(hi: 0, lo: newLo, kind: .v4)
            }
            return IP(hi: newHi, lo: newLo, kind: .v6)
        default:
            return nil
        }
    }

    /// The classful default mask of an IPv4 address (/8 below 128, /16 below 192, /24 otherwise);
    /// nil when the address is not IPv4 (or IPv4-mapped).
    ///
    /// The corresponding Go method is `net.IP.DefaultMask`.
    @inlinable
    public var defaultMask: IPMask? {
        guard let v4 = unmappedV4 else { return nil }
        switch v4 >> 24 {
        case ..<0x80: return ipv4Mask(0xff, 0, 0, 0)
        case ..<0xc0: return ipv4Mask(0xff, 0xff, 0, 0)
        default: return ipv4Mask(0xff, 0xff, 0xff, 0)
        }
    }
}
