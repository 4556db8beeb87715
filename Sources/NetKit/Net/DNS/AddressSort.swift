// Destination address selection (RFC 6724 §6): the order in which a host's addresses are returned and
// dialed. (Go: net/addrselect.go.)

/// `addresses` sorted by RFC 6724's destination selection rules 1, 2, 5, 6, 8, 9 and 10 (Go's subset): first
/// the reachable ones (those the kernel has a route and source address for), then matching scope, matching
/// label, higher precedence, smaller scope, longer common prefix with the source (IPv6 only); ties keep the
/// order they came in.
///
/// The source of each destination is found the way Go finds it: by connecting a UDP socket (no packet is
/// sent) and asking for its local address.
///
/// The corresponding Go function is the unexported `net.sortByRFC6724`.
func sortByRFC6724(_ addresses: [IP]) -> [IP] {
    guard addresses.count > 1 else { return addresses }
    let sources = addresses.map(sourceAddress(toward:))
    return sortByRFC6724(addresses, sources: sources)
}

/// The sort with the sources given (nil: unreachable). The corresponding Go function is the unexported
/// `net.sortByRFC6724withSrcs`.
func sortByRFC6724(_ addresses: [IP], sources: [IP?]) -> [IP] {
    let entries = addresses.indices.map { i in
        AddressSortEntry(
            index: i, destination: addresses[i], source: sources[i],
            destinationPolicy: RFC6724Policy.of(addresses[i]), sourcePolicy: sources[i].map(RFC6724Policy.of))
    }
    // Swift's sort is not stable: the index breaks ties (rule 10).
    return entries.sorted { a, b in
        if let less = AddressSortEntry.rfc6724Less(a, b) { return less }
        return a.index < b.index
    }.map(\.destination)
}

/// One destination with its source and their policies.
struct AddressSortEntry {
    var index: Int
    var destination: IP
    var source: IP?
    var destinationPolicy: RFC6724Policy
    var sourcePolicy: RFC6724Policy?

    /// True if `a` goes first, false if `b` does, nil if the rules cannot tell.
    ///
    /// The corresponding Go method is the unexported `(*net.byRFC6724).Less`.
    static func rfc6724Less(_ a: AddressSortEntry, _ b: AddressSortEntry) -> Bool? {
        // Rule 1: avoid unusable destinations.
        guard let sourceA = a.sourcePolicy, let sourceB = b.sourcePolicy else {
            if a.sourcePolicy == nil && b.sourcePolicy == nil { return nil }
            return a.sourcePolicy != nil
        }
        let (da, db) = (a.destinationPolicy, b.destinationPolicy)
        // Rule 2: prefer matching scope.
        if (da.scope == sourceA.scope) != (db.scope == sourceB.scope) {
            return da.scope == sourceA.scope
        }
        // Rule 5: prefer matching label.
        if (sourceA.label == da.label) != (sourceB.label == db.label) {
            return sourceA.label == da.label
        }
        // Rule 6: prefer higher precedence.
        if da.precedence != db.precedence {
            return da.precedence > db.precedence
        }
        // Rule 8: prefer smaller scope.
        if da.scope != db.scope {
            return da.scope < db.scope
        }
        // Rule 9: longest matching prefix, for IPv6 destinations only (golang.org/issue/13283).
        if let sa = a.source, let sb = b.source, !isIPv4Like(a.destination), !isIPv4Like(b.destination) {
            let ca = commonPrefixLength(sa, a.destination)
            let cb = commonPrefixLength(sb, b.destination)
            if ca != cb { return ca > cb }
        }
        // Rule 10: leave the order unchanged.
        return nil
    }
}

/// The precedence, label (RFC 6724 §2.1 default policy table) and scope (§3.1) of an address.
struct RFC6724Policy: Equatable {
    var precedence: UInt8
    var label: UInt8
    var scope: UInt8

    /// The default policy table, longest prefixes first: (prefix bytes, bits, precedence, label).
    /// The corresponding Go variable is the unexported `net.rfc6724policyTable`.
    private static let table: [([UInt8], Int, UInt8, UInt8)] = [
        ([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1], 128, 50, 0),  // ::1
        ([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xFF, 0xFF], 96, 35, 4),  // ::ffff:0:0/96, IPv4
        ([0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0], 96, 1, 3),  // ::/96, IPv4-compatible
        ([0x20, 0x01, 0, 0], 32, 5, 5),  // Teredo
        ([0x20, 0x02], 16, 30, 2),  // 6to4
        ([0x3F, 0xFE], 16, 1, 12),  // 6bone
        ([0xFE, 0xC0], 10, 1, 11),  // site-local
        ([0xFC], 7, 3, 13),  // unique local
        ([], 0, 40, 1),  // everything else
    ]

    /// The policy of `ip` (IPv4 as IPv4-mapped IPv6).
    static func of(_ ip: IP) -> RFC6724Policy {
        let bytes = ip.to16?.bytes ?? [UInt8](repeating: 0, count: 16)
        for (prefix, bits, precedence, label) in table where matches(bytes, prefix, bits) {
            return RFC6724Policy(precedence: precedence, label: label, scope: scope(of: ip))
        }
        return RFC6724Policy(precedence: 40, label: 1, scope: scope(of: ip))
    }

    private static func matches(_ bytes: [UInt8], _ prefix: [UInt8], _ bits: Int) -> Bool {
        var remaining = bits
        for (i, p) in prefix.enumerated() where remaining > 0 {
            let mask: UInt8 = remaining >= 8 ? 0xFF : ~(0xFF >> UInt8(remaining))
            if bytes[i] & mask != p & mask { return false }
            remaining -= 8
        }
        return true
    }

    /// The address's scope: link-local (2) for loopback and link-local, an IPv6 multicast address's own
    /// scope, site-local (5), else global (14). The corresponding Go function is the unexported
    /// `net.classifyScope`.
    static func scope(of ip: IP) -> UInt8 {
        if ip.isLoopback || ip.isLinkLocalUnicast { return 0x2 }
        let bytes = ip.to16?.bytes ?? [UInt8](repeating: 0, count: 16)
        let ipv6 = ip.is6 && !ip.is4In6
        if ipv6 && ip.isMulticast { return bytes[1] & 0xF }
        if ipv6 && bytes[0] == 0xFE && bytes[1] & 0xC0 == 0xC0 { return 0x5 }
        return 0xE
    }
}

/// The number of leading bits `source` and `destination` share, over the first 64 bits for IPv6.
///
/// The corresponding Go function is the unexported `net.commonPrefixLen`.
func commonPrefixLength(_ source: IP, _ destination: IP) -> Int {
    var a = source.unmap().bytes
    var b = destination.unmap().bytes
    guard a.count == b.count else { return 0 }
    if a.count > 8 {
        a = Array(a[..<8])
        b = Array(b[..<8])
    }
    var length = 0
    for (x, y) in zip(a, b) {
        let diff = x ^ y
        if diff == 0 {
            length += 8
            continue
        }
        length += diff.leadingZeroBitCount
        break
    }
    return length
}

/// The local address the kernel would send from to reach `destination`, or nil if it has no route: a UDP
/// socket is connected (which sends nothing) and asked for its name.
///
/// The corresponding Go function is the unexported `net.srcAddrs`.
func sourceAddress(toward destination: IP) -> IP? {
    let family: Socket.Family = isIPv4Like(destination) ? .inet : .inet6
    guard let target = try? UDPAddr(ip: destination, port: 9).socketAddress(family: family),
        let socket = try? Socket(family, .datagram, .default, nonBlocking: true)
    else { return nil }
    defer { try? socket.close() }
    guard (try? socket.connect(to: target)) != nil, let local = try? socket.localAddress,
        let address = UDPAddr(local)
    else { return nil }
    return address.ip
}
