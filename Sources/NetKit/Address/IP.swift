// IP: an IPv4 or IPv6 address (with an optional IPv6 zone) as a small value.
//
// The value follows Go's `net/netip.Addr`: the zero value is invalid, IPv4 and IPv6 are distinct
// (an IPv4-mapped IPv6 address such as ::ffff:1.2.3.4 is an IPv6 address), and an IPv6 address may
// carry a zone ("fe80::1%eth0"). The operations of Go's `net.IP` (To4, To16, Mask, Equal, String)
// are available beside it (see IP+Net.swift).
//
// Storage: the 128-bit address as two UInt64 (big-endian halves, like netip's uint128), a one-byte
// kind tag and the zone string (empty, hence allocation-free, for unzoned addresses).

/// An IP address: IPv4, IPv6, or IPv6 with a scoped addressing zone.
///
/// The value semantics are those of Go's `netip.Addr`; the zero value `IP()` is not a valid address
/// (it is distinct from both 0.0.0.0 and ::). `net.IP`'s operations (`to4`, `to16`, `mask(_:)`,
/// `equal(_:)`, `netDescription`) are provided as well.
///
/// The corresponding Go types are `netip.Addr` and `net.IP`.
public struct IP: Sendable {
    /// The address family of a value, or `.invalid` for the zero value.
    @usableFromInline
    enum Kind: UInt8, Sendable {
        case invalid = 0
        case v4 = 1
        case v6 = 2
    }

    /// The high 64 bits of the 128-bit address (bytes 0...7, big-endian). For an IPv4 address this
    /// is 0 (the IPv4 address is kept in its IPv4-mapped form, as netip does).
    @usableFromInline var hi: UInt64
    /// The low 64 bits of the 128-bit address (bytes 8...15, big-endian).
    @usableFromInline var lo: UInt64
    @usableFromInline var kind: Kind
    /// The IPv6 zone, or "" (always "" unless kind == .v6).
    @usableFromInline var zoneStorage: String

    @inlinable
    init(hi: UInt64, lo: UInt64, kind: Kind, zone: String = "") {
        self.hi = hi
        self.lo = lo
        self.kind = kind
        self.zoneStorage = zone
    }

    /// The zero value: not a valid IP address.
    ///
    /// The corresponding Go value is `netip.Addr{}` (and a nil `net.IP`).
    @inlinable
    public init() {
        self.init(hi: 0, lo: 0, kind: .invalid)
    }

    /// The IPv4 address a.b.c.d.
    ///
    /// The corresponding Go functions are `netip.AddrFrom4` and `net.IPv4`.
    @inlinable
    public init(_ a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8) {
        self.init(v4: UInt32(a) << 24 | UInt32(b) << 16 | UInt32(c) << 8 | UInt32(d))
    }

    /// The IPv4 address a.b.c.d.
    ///
    /// The corresponding Go function is `net.IPv4`.
    @inlinable
    public static func v4(_ a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8) -> IP {
        IP(a, b, c, d)
    }

    /// The IPv4 address whose 4 bytes, in network order, are `bytes`.
    ///
    /// The corresponding Go function is `netip.AddrFrom4`.
    @inlinable
    public init(v4 bytes: (UInt8, UInt8, UInt8, UInt8)) {
        self.init(bytes.0, bytes.1, bytes.2, bytes.3)
    }

    /// The IPv4 address whose big-endian numeric value is `value` (0x7f000001 is 127.0.0.1).
    ///
    /// The corresponding Go function is `netip.AddrFrom4`.
    @inlinable
    public init(v4 value: UInt32) {
        self.init(hi: 0, lo: 0xffff_0000_0000 | UInt64(value), kind: .v4)
    }

    /// The IPv6 address whose 128 bits are `high` (bytes 0-7) and `low` (bytes 8-15).
    /// An IPv4-mapped address stays an IPv6 address (use `unmap()`).
    ///
    /// The corresponding Go function is `netip.AddrFrom16`.
    @inlinable
    public init(v6High high: UInt64, low: UInt64) {
        self.init(hi: high, lo: low, kind: .v6)
    }

    /// The IPv6 address given by its 16 bytes in network order.
    /// An IPv4-mapped address stays an IPv6 address (use `unmap()`).
    ///
    /// The corresponding Go function is `netip.AddrFrom16`.
    @inlinable
    public init(
        v6 b: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
               UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8)
    ) {
        let high = UInt64(b.0) << 56 | UInt64(b.1) << 48 | UInt64(b.2) << 40 | UInt64(b.3) << 32
            | UInt64(b.4) << 24 | UInt64(b.5) << 16 | UInt64(b.6) << 8 | UInt64(b.7)
        let low = UInt64(b.8) << 56 | UInt64(b.9) << 48 | UInt64(b.10) << 40 | UInt64(b.11) << 32
            | UInt64(b.12) << 24 | UInt64(b.13) << 16 | UInt64(b.14) << 8 | UInt64(b.15)
        self.init(v6High: high, low: low)
    }

    /// The address held in a 4-byte (IPv4) or 16-byte (IPv6) collection; nil for any other length.
    /// 16 bytes always give an IPv6 address, even when they are IPv4-mapped.
    ///
    /// The corresponding Go function is `netip.AddrFromSlice`.
    @inlinable
    public init?(bytes: some Collection<UInt8>) {
        var acc: UInt64 = 0
        var high: UInt64 = 0
        var n = 0
        for byte in bytes {
            if n == 16 { return nil }
            acc = acc << 8 | UInt64(byte)
            n += 1
            if n == 8 {
                high = acc
                acc = 0
            }
        }
        switch n {
        case 4: self.init(v4: UInt32(truncatingIfNeeded: acc))
        case 16: self.init(v6High: high, low: acc)
        default: return nil
        }
    }

    // MARK: Well-known addresses

    /// The IPv4 unspecified address 0.0.0.0.
    ///
    /// The corresponding Go values are `netip.IPv4Unspecified()` and `net.IPv4zero`.
    public static let ipv4Unspecified = IP(0, 0, 0, 0)
    /// The IPv4 address 0.0.0.0 (same as `ipv4Unspecified`).
    ///
    /// The corresponding Go value is `net.IPv4zero`.
    public static let ipv4Zero = IP(0, 0, 0, 0)
    /// The IPv4 limited broadcast address 255.255.255.255.
    ///
    /// The corresponding Go value is `net.IPv4bcast`.
    public static let ipv4Broadcast = IP(255, 255, 255, 255)
    /// The IPv4 all-systems multicast address 224.0.0.1.
    ///
    /// The corresponding Go value is `net.IPv4allsys`.
    public static let ipv4AllSystems = IP(224, 0, 0, 1)
    /// The IPv4 all-routers multicast address 224.0.0.2.
    ///
    /// The corresponding Go value is `net.IPv4allrouter`.
    public static let ipv4AllRouters = IP(224, 0, 0, 2)
    /// The IPv6 unspecified address ::.
    ///
    /// The corresponding Go values are `netip.IPv6Unspecified()` and `net.IPv6unspecified`.
    public static let ipv6Unspecified = IP(v6High: 0, low: 0)
    /// The IPv6 address :: (same as `ipv6Unspecified`).
    ///
    /// The corresponding Go value is `net.IPv6zero`.
    public static let ipv6Zero = IP(v6High: 0, low: 0)
    /// The IPv6 loopback address ::1.
    ///
    /// The corresponding Go values are `netip.IPv6Loopback()` and `net.IPv6loopback`.
    public static let ipv6Loopback = IP(v6High: 0, low: 1)
    /// The IPv6 interface-local all-nodes multicast address ff01::1.
    ///
    /// The corresponding Go value is `net.IPv6interfacelocalallnodes`.
    public static let ipv6InterfaceLocalAllNodes = IP(v6High: 0xff01 << 48, low: 1)
    /// The IPv6 link-local all-nodes multicast address ff02::1.
    ///
    /// The corresponding Go values are `netip.IPv6LinkLocalAllNodes()` and `net.IPv6linklocalallnodes`.
    public static let ipv6LinkLocalAllNodes = IP(v6High: 0xff02 << 48, low: 1)
    /// The IPv6 link-local all-routers multicast address ff02::2.
    ///
    /// The corresponding Go values are `netip.IPv6LinkLocalAllRouters()` and `net.IPv6linklocalallrouters`.
    public static let ipv6LinkLocalAllRouters = IP(v6High: 0xff02 << 48, low: 2)

    // MARK: Family and zone

    /// Whether the value is an address (not the zero `IP()`). 0.0.0.0 and :: are valid.
    ///
    /// The corresponding Go method is `netip.Addr.IsValid`.
    @inlinable public var isValid: Bool { kind != .invalid }

    /// Whether the address is IPv4 (false for IPv4-mapped IPv6 addresses; see `unmap()`).
    ///
    /// The corresponding Go method is `netip.Addr.Is4`.
    @inlinable public var is4: Bool { kind == .v4 }

    /// Whether the address is IPv6, including IPv4-mapped IPv6 addresses.
    ///
    /// The corresponding Go method is `netip.Addr.Is6`.
    @inlinable public var is6: Bool { kind == .v6 }

    /// Whether the address is an IPv4-mapped IPv6 address (in ::ffff:0:0/96).
    ///
    /// The corresponding Go method is `netip.Addr.Is4In6`.
    @inlinable public var is4In6: Bool { kind == .v6 && hi == 0 && lo >> 32 == 0xffff }

    /// The number of bits in the address: 32 for IPv4, 128 for IPv6 (IPv4-mapped too), 0 for `IP()`.
    ///
    /// The corresponding Go method is `netip.Addr.BitLen`.
    @inlinable
    public var bitLen: Int {
        switch kind {
        case .invalid: 0
        case .v4: 32
        case .v6: 128
        }
    }

    /// The IPv6 scoped addressing zone, or "".
    ///
    /// The corresponding Go method is `netip.Addr.Zone` (and the `Zone` field of `net.IPAddr`).
    @inlinable public var zone: String { zoneStorage }

    /// The same address with the zone `zone`; "" removes the zone. IPv4 addresses (and `IP()`)
    /// are returned unchanged.
    ///
    /// The corresponding Go method is `netip.Addr.WithZone`.
    @inlinable
    public func withZone(_ zone: String) -> IP {
        guard kind == .v6 else { return self }
        var copy = self
        copy.zoneStorage = zone
        return copy
    }

    /// The address with any IPv4-mapped IPv6 prefix removed: ::ffff:1.2.3.4 becomes 1.2.3.4 (its
    /// zone dropped). Any other value is returned unchanged.
    ///
    /// The corresponding Go method is `netip.Addr.Unmap`.
    @inlinable
    public func unmap() -> IP {
        is4In6 ? IP(hi: 0, lo: lo, kind: .v4) : self
    }

    /// The 128-bit address's high 64 bits (bytes 0-7, big-endian; 0 for IPv4, which is held in its
    /// IPv4-mapped form).
    ///
    /// Corresponds to the high half of Go's `netip.Addr.As16`.
    @inlinable public var high: UInt64 { hi }

    /// The 128-bit address's low 64 bits (bytes 8-15, big-endian; 0xffff_xxxx_xxxx for IPv4).
    ///
    /// Corresponds to the low half of Go's `netip.Addr.As16`.
    @inlinable public var low: UInt64 { lo }

    /// The 16-byte form: IPv4 addresses as IPv4-mapped IPv6, zeros for `IP()`, no zone.
    ///
    /// The corresponding Go method is `netip.Addr.As16`.
    @inlinable
    public var as16: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
                      UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) {
        let h = hi, l = lo
        return (UInt8(truncatingIfNeeded: h >> 56), UInt8(truncatingIfNeeded: h >> 48),
                UInt8(truncatingIfNeeded: h >> 40), UInt8(truncatingIfNeeded: h >> 32),
                UInt8(truncatingIfNeeded: h >> 24), UInt8(truncatingIfNeeded: h >> 16),
                UInt8(truncatingIfNeeded: h >> 8), UInt8(truncatingIfNeeded: h),
                UInt8(truncatingIfNeeded: l >> 56), UInt8(truncatingIfNeeded: l >> 48),
                UInt8(truncatingIfNeeded: l >> 40), UInt8(truncatingIfNeeded: l >> 32),
                UInt8(truncatingIfNeeded: l >> 24), UInt8(truncatingIfNeeded: l >> 16),
                UInt8(truncatingIfNeeded: l >> 8), UInt8(truncatingIfNeeded: l))
    }

    /// The 4-byte form of an IPv4 or IPv4-mapped IPv6 address; nil for other IPv6 addresses and
    /// for `IP()` (where Go panics).
    ///
    /// The corresponding Go method is `netip.Addr.As4`.
    @inlinable
    public var as4: (UInt8, UInt8, UInt8, UInt8)? {
        guard kind == .v4 || is4In6 else { return nil }
        return (UInt8(truncatingIfNeeded: lo >> 24), UInt8(truncatingIfNeeded: lo >> 16),
                UInt8(truncatingIfNeeded: lo >> 8), UInt8(truncatingIfNeeded: lo))
    }

    /// The IPv4 address as a big-endian number (127.0.0.1 is 0x7f000001), for IPv4 and
    /// IPv4-mapped addresses; nil otherwise.
    ///
    /// Corresponds to Go's `netip.Addr.As4` read as a big-endian uint32.
    @inlinable
    public var v4Value: UInt32? {
        guard kind == .v4 || is4In6 else { return nil }
        return UInt32(truncatingIfNeeded: lo)
    }

    /// The address bytes: 4 for IPv4, 16 for IPv6 (zone not included), none for `IP()`.
    ///
    /// The corresponding Go method is `netip.Addr.AsSlice` (a `net.IP` is such a byte slice).
    public var bytes: [UInt8] {
        switch kind {
        case .invalid:
            return []
        case .v4:
            return withUnsafeBytes(of: UInt32(truncatingIfNeeded: lo).bigEndian) { Array($0) }
        case .v6:
            return withUnsafeBytes(of: (hi.bigEndian, lo.bigEndian)) { Array($0) }
        }
    }

    // MARK: Classification (netip semantics: IPv4-mapped addresses are classified as IPv4)

    /// The IPv4 address value when `self` is IPv4 or IPv4-mapped (nil otherwise).
    @inlinable
    var unmappedV4: UInt32? {
        kind == .v4 || is4In6 ? UInt32(truncatingIfNeeded: lo) : nil
    }

    /// Whether the address is a loopback address (127.0.0.0/8 or ::1).
    ///
    /// The corresponding Go methods are `netip.Addr.IsLoopback` and `net.IP.IsLoopback`.
    @inlinable
    public var isLoopback: Bool {
        if let v4 = unmappedV4 { return v4 >> 24 == 127 }
        return kind == .v6 && hi == 0 && lo == 1
    }

    /// Whether the address is a multicast address (224.0.0.0/4 or ff00::/8).
    ///
    /// The corresponding Go methods are `netip.Addr.IsMulticast` and `net.IP.IsMulticast`.
    @inlinable
    public var isMulticast: Bool {
        if let v4 = unmappedV4 { return v4 >> 28 == 0xe }
        return kind == .v6 && hi >> 56 == 0xff
    }

    /// Whether the address is an IPv6 interface-local multicast address (ffx1::/16).
    ///
    /// The corresponding Go methods are `netip.Addr.IsInterfaceLocalMulticast` and
    /// `net.IP.IsInterfaceLocalMulticast`.
    @inlinable
    public var isInterfaceLocalMulticast: Bool {
        kind == .v6 && !is4In6 && (hi >> 48) & 0xff0f == 0xff01
    }

    /// Whether the address is a link-local multicast address (224.0.0.0/24 or ffx2::/16).
    ///
    /// The corresponding Go methods are `netip.Addr.IsLinkLocalMulticast` and
    /// `net.IP.IsLinkLocalMulticast`.
    @inlinable
    public var isLinkLocalMulticast: Bool {
        if let v4 = unmappedV4 { return v4 >> 8 == 0xe00000 }
        return kind == .v6 && (hi >> 48) & 0xff0f == 0xff02
    }

    /// Whether the address is a link-local unicast address (169.254.0.0/16 or fe80::/10).
    ///
    /// The corresponding Go methods are `netip.Addr.IsLinkLocalUnicast` and
    /// `net.IP.IsLinkLocalUnicast`.
    @inlinable
    public var isLinkLocalUnicast: Bool {
        if let v4 = unmappedV4 { return v4 >> 16 == 0xa9fe }
        return kind == .v6 && (hi >> 48) & 0xffc0 == 0xfe80
    }

    /// Whether the address is a global unicast address: valid and not unspecified, limited
    /// broadcast, loopback, multicast or link-local unicast. Private and unique-local addresses
    /// count as global unicast, as do IPv6 addresses outside 2000::/3.
    ///
    /// The corresponding Go methods are `netip.Addr.IsGlobalUnicast` and `net.IP.IsGlobalUnicast`.
    @inlinable
    public var isGlobalUnicast: Bool {
        guard kind != .invalid else { return false }
        let ip = unmap()
        if ip.kind == .v4, ip.lo == 0xffff_0000_0000 || ip.lo == 0xffff_ffff_ffff { return false }
        if ip == .ipv6Unspecified { return false }
        return !ip.isLoopback && !ip.isMulticast && !ip.isLinkLocalUnicast
    }

    /// Whether the address is private: 10.0.0.0/8, 172.16.0.0/12, 192.168.0.0/16 (RFC 1918) or
    /// fc00::/7 (RFC 4193).
    ///
    /// The corresponding Go methods are `netip.Addr.IsPrivate` and `net.IP.IsPrivate`.
    @inlinable
    public var isPrivate: Bool {
        if let v4 = unmappedV4 {
            return v4 >> 24 == 10 || v4 >> 20 == 0xac1 || v4 >> 16 == 0xc0a8
        }
        return kind == .v6 && hi >> 57 == 0x7e
    }

    /// Whether the address is 0.0.0.0 or :: (a zoned :: is not; `IP()` is not).
    ///
    /// The corresponding Go methods are `netip.Addr.IsUnspecified` and `net.IP.IsUnspecified`.
    @inlinable
    public var isUnspecified: Bool {
        self == .ipv4Unspecified || self == .ipv6Unspecified
    }

    // MARK: Arithmetic

    /// The address following this one (zone kept), or `IP()` past the last address of the family.
    ///
    /// The corresponding Go method is `netip.Addr.Next`.
    @inlinable
    public func next() -> IP {
        var copy = self
        let (newLo, carry) = lo.addingReportingOverflow(1)
        copy.lo = newLo
        if carry { copy.hi = hi &+ 1 }
        if kind == .v4 {
            if UInt32(truncatingIfNeeded: copy.lo) == 0 { return IP() }
        } else if copy.hi == 0 && copy.lo == 0 {
            return IP()
        }
        return copy
    }

    /// The address before this one (zone kept), or `IP()` before the first address of the family.
    ///
    /// The corresponding Go method is `netip.Addr.Prev`.
    @inlinable
    public func prev() -> IP {
        if kind == .v4 {
            if UInt32(truncatingIfNeeded: lo) == 0 { return IP() }
        } else if hi == 0 && lo == 0 {
            return IP()
        }
        var copy = self
        let (newLo, borrow) = lo.subtractingReportingOverflow(1)
        copy.lo = newLo
        if borrow { copy.hi = hi &- 1 }
        return copy
    }

    /// The 128-bit mask with the top `bits` bits set (0...128).
    @inlinable
    static func mask6(_ bits: Int) -> (hi: UInt64, lo: UInt64) {
        if bits <= 0 { return (0, 0) }
        if bits >= 128 { return (.max, .max) }
        if bits <= 64 { return (UInt64.max << (64 - bits), 0) }
        return (.max, UInt64.max << (128 - bits))
    }

    /// The prefix of length `bits` that contains this address: host bits cleared, zone dropped.
    /// `IP()` gives the zero `Prefix()`. Throws when bits is negative or longer than the address.
    ///
    /// The corresponding Go method is `netip.Addr.Prefix`.
    public func prefix(bits: Int) throws(ParseError) -> Prefix {
        if bits < 0 { throw ParseError(.addrPrefix, input: "", reason: .negativePrefixBits) }
        var effective = bits
        switch kind {
        case .invalid:
            return Prefix()
        case .v4:
            if bits > 32 {
                throw ParseError(.addrPrefix, input: "", reason: .prefixLengthTooLarge(bits, ipv6: false))
            }
            effective += 96
        case .v6:
            if bits > 128 {
                throw ParseError(.addrPrefix, input: "", reason: .prefixLengthTooLarge(bits, ipv6: true))
            }
        }
        let m = IP.mask6(effective)
        let masked = IP(hi: hi & m.hi, lo: lo & m.lo, kind: kind)
        return Prefix(masked, bits: bits)
    }

    // MARK: Ordering

    /// Compares two addresses: -1, 0 or +1. Addresses sort by bit length (`IP()` first, then IPv4,
    /// then IPv6), then by address, and a zoned IPv6 address sorts just after the same address
    /// without a zone (zones compared as strings).
    ///
    /// The corresponding Go method is `netip.Addr.Compare`.
    @inlinable
    public func compare(_ other: IP) -> Int {
        if kind != other.kind { return kind.rawValue < other.kind.rawValue ? -1 : 1 }
        if hi != other.hi { return hi < other.hi ? -1 : 1 }
        if lo != other.lo { return lo < other.lo ? -1 : 1 }
        if kind == .v6, zoneStorage != other.zoneStorage {
            return IP.zoneLess(zoneStorage, other.zoneStorage) ? -1 : 1
        }
        return 0
    }

    /// Go's string order: bytewise comparison of the UTF-8 encodings.
    @usableFromInline
    static func zoneLess(_ a: String, _ b: String) -> Bool {
        a.utf8.lexicographicallyPrecedes(b.utf8)
    }
}

extension IP: Hashable {
    /// Equal when family, address and zone are all equal (4-in-6 and IPv4 differ).
    ///
    /// The corresponding Go operation is `==` on `netip.Addr`.
    @inlinable
    public static func == (lhs: IP, rhs: IP) -> Bool {
        lhs.hi == rhs.hi && lhs.lo == rhs.lo && lhs.kind == rhs.kind && lhs.zoneStorage == rhs.zoneStorage
    }

    /// Hashes family, address and zone.
    ///
    /// Go's `netip.Addr` is comparable and usable as a map key.
    @inlinable
    public func hash(into hasher: inout Hasher) {
        hasher.combine(hi)
        hasher.combine(lo)
        hasher.combine(kind.rawValue)
        if !zoneStorage.isEmpty { hasher.combine(zoneStorage) }
    }
}

extension IP: Comparable {
    /// Whether `lhs` sorts before `rhs` in `compare(_:)`'s order.
    ///
    /// The corresponding Go method is `netip.Addr.Less`.
    @inlinable
    public static func < (lhs: IP, rhs: IP) -> Bool {
        lhs.compare(rhs) < 0
    }
}
