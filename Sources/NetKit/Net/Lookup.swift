// Go's package-level Lookup* functions over the system resolver (Go: net/lookup.go, net/cgo_unix.go).
//
// Names are resolved by the C library (getaddrinfo/getnameinfo: /etc/hosts, DNS, whatever nsswitch.conf
// lists), like Go's cgo resolver, on `BlockingPool` threads so that a slow DNS server never blocks Swift's
// cooperative pool. Every lookup takes an optional deadline (Go's context deadline) and stops waiting when its
// task is cancelled (Go's context cancellation), throwing `CancellationError`; the C call then finishes in the
// background and its answer is dropped.

import Glibc

/// Looks up `host` with the system resolver and returns its addresses as text ("127.0.0.1", "::1",
/// "fe80::1%eth0").
///
/// An IP literal (an IPv6 one may carry a zone) is returned unchanged, without a lookup.
///
/// - Parameters:
///   - host: A host name or an IP literal.
///   - deadline: When to stop waiting for the resolver; nil waits as long as it takes.
/// - Throws: `DNSError`: `lookup <host>: no such host` (`isNotFound`, also for ""), `lookup <host>: i/o timeout`
///   (`isTimeout`) when the deadline passes, the resolver's text otherwise (`isTemporary` for a temporary
///   failure such as an unreachable DNS server); `CancellationError` if the task is cancelled.
///
/// The corresponding Go function is `net.LookupHost` (with a context: `(*net.Resolver).LookupHost`).
public func lookupHost(_ host: String, deadline: ContinuousClock.Instant? = nil) async throws -> [String] {
    // Make sure that no matter what we do later, host == "" is rejected.
    if host.isEmpty {
        throw DNSError(err: DNSError.noSuchHost, name: host, isNotFound: true)
    }
    if IP(host) != nil {
        return [host]
    }
    let ips = try await lookupIPAddr(host: host, family: AF_UNSPEC, deadline: deadline)
    // Go's IPAddr.String: IPv4-mapped addresses print as dotted quads, zones follow a "%".
    return ips.map { $0.zone.isEmpty ? $0.netDescription : $0.netDescription + "%" + $0.zone }
}

/// Looks up `host` with the system resolver and returns its IPv4 and IPv6 addresses, in the resolver's order.
///
/// An IP literal is returned as it is, without a lookup. IPv6 addresses keep their zone (Go's `net.IP` cannot
/// hold one and drops it; `IPAddr.Zone` has it).
///
/// - Throws: As `lookupHost`.
///
/// The corresponding Go function is `net.LookupIP` (with a context: `(*net.Resolver).LookupIPAddr`).
public func lookupIP(_ host: String, deadline: ContinuousClock.Instant? = nil) async throws -> [IP] {
    try await lookupIPAddr(host: host, family: AF_UNSPEC, deadline: deadline)
}

/// Looks up `host` with the system resolver and returns its addresses of the kind `network` names: "ip" (all),
/// "ip4" (IPv4; IPv4-mapped IPv6 addresses count as IPv4) or "ip6" (IPv6 but not IPv4-mapped). A protocol
/// suffix ("ip4:icmp", "ip6:58") is accepted and ignored.
///
/// - Throws: `UnknownNetworkError` for another network; `AddrError` `address <host>: no suitable address found`
///   if `host` has no address of that kind; otherwise as `lookupHost`.
///
/// The corresponding Go method is `(*net.Resolver).LookupNetIP` (also `(*net.Resolver).LookupIP`).
public func lookupNetIP(
    network: String, host: String, deadline: ContinuousClock.Instant? = nil
) async throws -> [IP] {
    let family = try addressFamily(ofIPNetwork: network)
    if host.isEmpty {
        throw DNSError(err: DNSError.noSuchHost, name: host, isNotFound: true)
    }
    return try await lookupIPAddresses(host: host, family: family, deadline: deadline)
}

/// Looks up the port of `service` for `network`: a decimal number ("80", "+80"; "" is 0) or a service name
/// ("http", case-insensitive) from `/etc/services` or Go's built-in table.
///
/// `network` is "tcp", "tcp4", "tcp6", "udp", "udp4", "udp6", "ip" (either transport) or "" (same as "ip").
/// The lookup reads only a local table, so it never waits and `deadline` is not consulted (as in Go, whose
/// pure-Go port lookup ignores the context).
///
/// - Throws: `AddrError` `address <network>: unknown network` for another network when a name must be looked
///   up; `DNSError` `lookup <network>/<service>: unknown port` (`isNotFound`) for an unknown name; `AddrError`
///   `address <service>: invalid port` for a number outside 0...65535.
///
/// The corresponding Go function is `net.LookupPort` (with a context: `(*net.Resolver).LookupPort`).
public func lookupPort(
    network: String, service: String, deadline: ContinuousClock.Instant? = nil
) async throws -> Int {
    try lookupPortLocally(network: network, service: service)
}

/// Looks up the name of the address `addr` ("127.0.0.1", "::1", "fe80::1%eth0") with the system resolver
/// (`getnameinfo(3)`, `/etc/hosts` then reverse DNS).
///
/// The system resolver returns at most one name. A name with a dot inside gets a trailing dot ("example.com.");
/// a single-label name from `/etc/hosts` ("localhost") is returned as it is.
///
/// - Throws: `DNSError`: `lookup <addr>: invalid address` if `addr` is not an IP literal,
///   `lookup <addr>: no such host` (`isNotFound`) if it has no name, `lookup <addr>: i/o timeout` (`isTimeout`)
///   when the deadline passes, "DNS response contained records which contain invalid names" for a name that is
///   not a valid domain name, the resolver's text otherwise; `CancellationError` if the task is cancelled.
///
/// The corresponding Go function is `net.LookupAddr` (with a context: `(*net.Resolver).LookupAddr`).
public func lookupAddr(_ addr: String, deadline: ContinuousClock.Instant? = nil) async throws -> [String] {
    guard let ip = IP(addr) else {
        throw DNSError(err: DNSError.invalidAddress, name: addr)
    }
    let name = try await resolveOnPool(name: addr, deadline: deadline, timeoutIsTemporary: false) {
        SystemResolver.name(of: ip, lookingUp: addr)
    }
    guard isDomainName(name) else {
        throw DNSError(err: DNSError.malformedRecords, name: addr)
    }
    return [name]
}

/// Looks up the canonical name of `host` (the name after following CNAME records, or `host` itself if it has
/// none) with the system resolver (`getaddrinfo(3)` with `AI_CANONNAME`), with a trailing dot: "localhost.".
///
/// - Throws: `DNSError`: `lookup <host>: no such host` (`isNotFound`) if `host` does not resolve,
///   "DNS response contained records which contain invalid names" if the answer is not a valid domain name
///   (an IP literal, for one), `lookup <host>: i/o timeout` (`isTimeout`) when the deadline passes, the
///   resolver's text otherwise; `CancellationError` if the task is cancelled.
///
/// The corresponding Go function is `net.LookupCNAME` (with a context: `(*net.Resolver).LookupCNAME`) as its
/// cgo resolver answered it through `getaddrinfo` (Go 1.19's `cgoLookupCNAME`).
public func lookupCNAME(_ host: String, deadline: ContinuousClock.Instant? = nil) async throws -> String {
    if host.isEmpty {
        throw DNSError(err: DNSError.noSuchHost, name: host, isNotFound: true)
    }
    var canonicalName: String
    if IP(host) != nil {
        canonicalName = host  // what getaddrinfo would answer, without asking it
    } else {
        canonicalName = try await resolveOnPool(name: host, deadline: deadline, timeoutIsTemporary: false) {
            SystemResolver.addresses(host: host, family: AF_UNSPEC).map(\.canonicalName)
        }
        if canonicalName.isEmpty {
            canonicalName = host
        }
    }
    if canonicalName.utf8.last != UInt8(ascii: ".") {
        canonicalName += "."
    }
    guard isDomainName(canonicalName) else {
        throw DNSError(err: DNSError.malformedRecords, name: host)
    }
    return canonicalName
}

/// The address family for an IP network name ("ip", "ip4", "ip6", optionally with ":protocol").
///
/// - Throws: `UnknownNetworkError(network)` for any other network; `AddrError`
///   `address <protocol>: unknown IP protocol specified` for an unknown protocol name.
///
/// The corresponding Go code is the unexported `net.parseNetwork(ctx, network, false)` followed by
/// `(*net.Resolver).LookupIP`'s check for "ip", "ip4", "ip6".
func addressFamily(ofIPNetwork network: String) throws -> Int32 {
    var base = Substring(network)
    if let colon = network.lastIndex(of: ":") {
        base = network[..<colon]
        let proto = network[network.index(after: colon)...]
        if ["ip", "ip4", "ip6"].contains(base) {
            _ = try ipProtocolNumber(proto)
        }
    }
    switch base {
    case "ip": return AF_UNSPEC
    case "ip4": return AF_INET
    case "ip6": return AF_INET6
    default: throw UnknownNetworkError(network)
    }
}

/// The number of an IP protocol given as a decimal number or as a name known to Go's built-in table
/// (`icmp`, `igmp`, `tcp`, `udp`, `ipv6-icmp`; case-insensitive).
///
/// Go also reads `/etc/protocols`; NetKit does not (yet).
///
/// The corresponding Go code is `net.dtoi` and the unexported `net.lookupProtocol`.
func ipProtocolNumber(_ proto: Substring) throws -> Int {
    let digits = proto.utf8.prefix { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    if !digits.isEmpty && digits.count == proto.utf8.count {
        var number = 0
        for digit in digits {
            number = number * 10 + Int(digit - UInt8(ascii: "0"))
            if number >= 0xFF_FFFF { break }  // Go's dtoi gives up at `big`; the name lookup then fails
        }
        if number < 0xFF_FFFF { return number }
    }
    let protocols = ["icmp": 1, "igmp": 2, "tcp": 6, "udp": 17, "ipv6-icmp": 58]
    let lowered = String(decoding: proto.utf8.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }, as: UTF8.self)
    guard let number = protocols[lowered] else {
        throw AddrError(err: "unknown IP protocol specified", addr: String(proto))
    }
    return number
}
