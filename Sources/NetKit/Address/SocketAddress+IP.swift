// IP addresses in sockaddr_in / sockaddr_in6, and IPv6 zones as interface indexes
// (Go: net/ipsock_posix.go `ipToSockaddr`, net/interface.go `zoneCache`, net/tcpsock_posix.go `sockaddrToTCP`).

import Glibc

/// The family Go picks for an internet address without a socket to match: `AF_INET` for "no IP" (`IP()`), for
/// IPv4 and for IPv4-mapped IPv6 addresses; `AF_INET6` for every other IPv6 address.
///
/// The corresponding Go methods are the unexported `(*net.TCPAddr).family`, `(*net.UDPAddr).family` and
/// `(*net.IPAddr).family`.
func defaultFamily(of ip: IP) -> Socket.Family {
    !ip.isValid || ip.v4Value != nil ? .inet : .inet6
}

/// Builds the raw socket address of `ip` and `port` for a socket of `family`:
/// - `.inet`: `sockaddr_in`; "no IP" (`IP()`) is 0.0.0.0; an IPv4-mapped address is unmapped; any other IPv6
///   address is an error (`"non-IPv4 address"`). A zone is ignored.
/// - `.inet6`: `sockaddr_in6`; "no IP" and 0.0.0.0 are `::` (the wildcard of both families on a dual-stack
///   socket); an IPv4 address becomes IPv4-mapped (`::ffff:a.b.c.d`); the zone becomes `sin6_scope_id`
///   (an interface name through `if_nametoindex(3)`, or a decimal index).
///
/// - Throws: `AddrError` `"non-IPv4 address"` (addr = the IP), `"invalid port"` (addr = `address`) for a
///   port outside 0...65535, `"no such network interface"` (addr = the zone) for a zone that names no
///   interface and is not a number, `"invalid address family"` for a family other than `.inet`/`.inet6`.
///
/// The corresponding Go function is the unexported `net.ipToSockaddr(family, ip, port, zone)`, except that Go
/// turns an unknown zone into scope id 0 (which the kernel then rejects or misroutes) and leaves the port range
/// to `syscall` (`EINVAL`).
func ipSocketAddress(
    family: Socket.Family, ip: IP, port: Int, address: @autoclosure () -> String
) throws(AddrError) -> SocketAddress {
    guard let port16 = UInt16(exactly: port) else {
        throw AddrError(err: AddrError.invalidPort, addr: address())
    }
    switch family {
    case .inet:
        let value: UInt32
        if !ip.isValid {
            value = 0
        } else if let v4 = ip.v4Value {
            value = v4
        } else {
            throw AddrError(err: AddrError.nonIPv4Address, addr: ip.netDescription)
        }
        var sa = sockaddr_in()
        sa.sin_family = sa_family_t(AF_INET)
        sa.sin_port = port16.bigEndian
        sa.sin_addr.s_addr = value.bigEndian
        return SocketAddress(sa)
    case .inet6:
        var sa = sockaddr_in6()
        sa.sin6_family = sa_family_t(AF_INET6)
        sa.sin6_port = port16.bigEndian
        // IP() and 0.0.0.0 (also as ::ffff:0.0.0.0) mean "any address" of both families; the rest are taken as
        // 16 bytes, IPv4 addresses in their IPv4-mapped form.
        if ip.isValid && ip.v4Value != 0 {
            withUnsafeMutableBytes(of: &sa.sin6_addr) { raw in
                raw.storeBytes(of: ip.high.bigEndian, toByteOffset: 0, as: UInt64.self)
                raw.storeBytes(of: ip.low.bigEndian, toByteOffset: 8, as: UInt64.self)
            }
            sa.sin6_scope_id = try interfaceIndex(zone: ip.zone)
        }
        return SocketAddress(sa)
    default:
        throw AddrError(err: AddrError.invalidAddressFamily, addr: ip.netDescription)
    }
}

/// The IP and port of an `AF_INET` or `AF_INET6` socket address (the zone from `sin6_scope_id`, see
/// `zoneName(index:)`); nil for other families. An IPv4-mapped IPv6 address stays IPv6 (`::ffff:1.2.3.4`, which
/// `netDescription` prints as `1.2.3.4`), as in Go.
///
/// The corresponding Go functions are the unexported `net.sockaddrToTCP`, `sockaddrToUDP` and `sockaddrToIP`.
func ipAndPort(of socketAddress: SocketAddress) -> (ip: IP, port: Int)? {
    if let sa = socketAddress.ipv4 {
        return (IP(v4: UInt32(bigEndian: sa.sin_addr.s_addr)), Int(UInt16(bigEndian: sa.sin_port)))
    }
    if let sa = socketAddress.ipv6 {
        let (high, low) = withUnsafeBytes(of: sa.sin6_addr) { raw in
            (UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 0, as: UInt64.self)),
             UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self)))
        }
        let ip = IP(v6High: high, low: low).withZone(zoneName(index: sa.sin6_scope_id))
        return (ip, Int(UInt16(bigEndian: sa.sin6_port)))
    }
    return nil
}

/// The interface index for an IPv6 zone: 0 for `""`, the index of the interface of that name, else the zone
/// read as a decimal index (`"%2"`).
///
/// - Throws: `AddrError` `"no such network interface"` (addr = `zone`) if it is neither.
///
/// The corresponding Go method is the unexported `(*net.ipv6ZoneCache).index` (which answers 0 instead of
/// failing).
func interfaceIndex(zone: String) throws(AddrError) -> UInt32 {
    if zone.isEmpty {
        return 0
    }
    let index = if_nametoindex(zone)
    if index != 0 {
        return index
    }
    if zone.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }), let number = UInt32(zone) {
        return number
    }
    throw AddrError(err: AddrError.noSuchInterface, addr: zone)
}

/// The IPv6 zone for an interface index: `""` for 0, the interface's name, or the decimal index if no interface
/// has it (any more).
///
/// The corresponding Go method is the unexported `(*net.ipv6ZoneCache).name`.
func zoneName(index: UInt32) -> String {
    if index == 0 {
        return ""
    }
    var name = [CChar](repeating: 0, count: Int(IF_NAMESIZE) + 1)
    if if_indextoname(index, &name) != nil {
        return String(decoding: name.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
    return String(index)
}

/// The text of an internet endpoint, `host:port` with `host` = the IP (`netDescription`) and its `%zone`,
/// bracketed when it has a colon; "no IP" (`IP()`) gives an empty host (`":80"`).
///
/// The corresponding Go methods are `(*net.TCPAddr).String` and `(*net.UDPAddr).String`.
func endpointDescription(ip: IP, port: Int) -> String {
    joinHostPort(hostDescription(ip), String(port))
}

/// `IP()` as `""`, else `netDescription` plus `"%" + zone` when there is a zone.
///
/// The corresponding Go code is `ipEmptyString(a.IP)` + `"%" + a.Zone` in `(*net.IPAddr).String`.
func hostDescription(_ ip: IP) -> String {
    guard ip.isValid else { return "" }
    let zone = ip.zone
    return zone.isEmpty ? ip.netDescription : ip.netDescription + "%" + zone
}

/// The loopback address of a network: `::1` for names ending in `6`, else 127.0.0.1.
///
/// The corresponding Go function is the unexported `net.loopbackIP`.
func loopbackIP(network: String) -> IP {
    network.utf8.last == UInt8(ascii: "6") ? .ipv6Loopback : IP(127, 0, 0, 1)
}

extension AddrError {
    static let nonIPv4Address = "non-IPv4 address"
    static let invalidAddressFamily = "invalid address family"
    static let noSuchInterface = "no such network interface"
}
