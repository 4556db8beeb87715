// IPNet: an IP network as an address and a mask, Go's net.IPNet, and net.ParseCIDR.

/// An IP network: a network number and a mask, compared byte by byte (non-contiguous masks
/// included), with Go's mixing of 4- and 16-byte forms: an IPv4 (or IPv4-mapped) network number
/// uses a 4-byte mask, or the last 4 bytes of a 16-byte mask.
///
/// The corresponding Go type is `net.IPNet`.
public struct IPNet: Hashable, Sendable {
    /// The network number.
    ///
    /// The corresponding Go field is `net.IPNet.IP`.
    public var ip: IP
    /// The network mask.
    ///
    /// The corresponding Go field is `net.IPNet.Mask`.
    public var mask: IPMask

    /// The network `ip`/`mask` (the host bits of `ip` are not cleared).
    ///
    /// The corresponding Go expression is `net.IPNet{IP: ip, Mask: mask}`.
    @inlinable
    public init(ip: IP, mask: IPMask) {
        self.ip = ip
        self.mask = mask
    }

    /// The network name, "ip+net".
    ///
    /// The corresponding Go method is `net.IPNet.Network`.
    @inlinable public var network: String { "ip+net" }

    /// Go's networkNumberAndMask: the network number as IPv4 (32 bits) or IPv6 (128 bits) and
    /// the mask of the same length, or nil when they do not fit together.
    @usableFromInline
    enum Normalized: Equatable, Sendable {
        case v4(UInt32, mask: UInt32)
        case v6(hi: UInt64, lo: UInt64, maskHi: UInt64, maskLo: UInt64)
    }

    @inlinable
    var normalized: Normalized? {
        if let v4 = ip.unmappedV4 {
            switch mask.length {
            case 4, 16: return .v4(v4, mask: mask.lastFourBytes)
            default: return nil
            }
        }
        guard ip.kind == .v6, mask.length == 16 else { return nil }
        return .v6(hi: ip.hi, lo: ip.lo, maskHi: mask.hi, maskLo: mask.lo)
    }

    /// Whether the network includes `address`: an IPv4 (or IPv4-mapped) address against an IPv4
    /// network, an IPv6 address against an IPv6 network, masked byte by byte. Zones are ignored.
    ///
    /// The corresponding Go method is `net.IPNet.Contains`.
    @inlinable
    public func contains(_ address: IP) -> Bool {
        switch normalized {
        case .v4(let network, let m)?:
            guard let v4 = address.unmappedV4 else { return false }
            return (network ^ v4) & m == 0
        case .v6(let nHi, let nLo, let mHi, let mLo)?:
            guard address.kind == .v6, !address.is4In6 else { return false }
            return (nHi ^ address.hi) & mHi == 0 && (nLo ^ address.lo) & mLo == 0
        case nil:
            return false
        }
    }
}

extension IPNet: CustomStringConvertible {
    /// The CIDR notation "192.0.2.0/24" or "2001:db8::/48"; for a non-canonical mask the mask in
    /// hexadecimal instead of the length ("198.51.100.0/c000ff00"); "<nil>" when the address and
    /// mask do not fit together.
    ///
    /// The corresponding Go method is `net.IPNet.String`.
    public var description: String {
        switch normalized {
        case .v4(let network, let m)?:
            let maskValue = IPMask(hi: UInt64(m) << 32, lo: 0, length: 4)
            let ones = maskValue.simpleLength
            let suffix = ones < 0 ? maskValue.description : String(ones)
            return IP(v4: network).description + "/" + suffix
        case .v6(let nHi, let nLo, let mHi, let mLo)?:
            let maskValue = IPMask(hi: mHi, lo: mLo, length: 16)
            let ones = maskValue.simpleLength
            let suffix = ones < 0 ? maskValue.description : String(ones)
            return IP(v6High: nHi, low: nLo).netDescription + "/" + suffix
        case nil:
            return "<nil>"
        }
    }
}

/// Parses `s` as a CIDR address and prefix length, "192.0.2.0/24" or "2001:db8::/32", returning
/// the address as written and the network it is in (host bits cleared; a 4-byte mask for IPv4, a
/// 16-byte mask for IPv6). Zones are rejected. IPv4 addresses, including IPv4-mapped ones, are
/// returned as IPv4 `IP`s, as `parseIP` does. Throws `ParseError(type: "CIDR address", text: s)`,
/// "invalid CIDR address: " + s.
///
/// The corresponding Go function is `net.ParseCIDR`.
public func parseCIDR(_ s: String) throws(ParseError) -> (ip: IP, network: IPNet) {
    let parsed: (IP, IPNet)? = IP.withUTF8Bytes(s) { p -> (IP, IPNet)? in
        var slash = -1
        for i in 0..<p.count where p[i] == UInt8(ascii: "/") {
            slash = i
            break
        }
        guard slash >= 0 else { return nil }
        let scan = IP.scanAddr(UnsafeBufferPointer(rebasing: p[..<slash]))
        guard scan.failure == nil, scan.zoneStart < 0 else { return nil }
        let address = IP(hi: scan.hi, lo: scan.lo, kind: scan.kind)

        // Go's dtoi: decimal digits, leading zeros allowed, at least one digit, capped at 0xFFFFFF.
        var ones = 0
        var k = slash + 1
        while k < p.count {
            let d = p[k] &- UInt8(ascii: "0")
            if d >= 10 { return nil }
            ones = ones * 10 + Int(d)
            if ones >= 0xFFFFFF { return nil }
            k += 1
        }
        guard k > slash + 1, ones <= address.bitLen,
              let m = cidrMask(ones: ones, bits: address.bitLen)
        else { return nil }
        let ip = address.unmap()
        guard let network = ip.mask(m) else { return nil }
        return (ip, IPNet(ip: network, mask: m))
    }
    guard let parsed else { throw ParseError(type: "CIDR address", text: s) }
    return parsed
}
/// An `IPNet` is a network address ("ip+net"), as Go's `*net.IPNet` is a `net.Addr` (what `InterfaceAddrs` returns).
extension IPNet: Addr {}
