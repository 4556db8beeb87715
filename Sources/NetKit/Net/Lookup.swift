// Go's package-level Lookup* functions (Go: net/lookup.go), answered by `Resolver.default` — NetKit's own DNS
// client by default, the C library's resolver (net/cgo_unix.go) with `preferGo = false`.
//
// Every lookup takes an optional deadline (Go's context deadline) and stops waiting when its task is cancelled
// (Go's context cancellation), throwing `CancellationError`. The C library's calls run on `BlockingPool`
// threads so that a slow DNS server never blocks Swift's cooperative pool; on cancellation or timeout such a
// call finishes in the background and its answer is dropped.

import Glibc

/// Looks up `host` with `Resolver.default` and returns its addresses as text ("192.0.2.1", "::1",
/// "fe80::1%eth0"): `/etc/hosts` first, then DNS.
///
/// An IP literal (an IPv6 one may carry a zone) is returned unchanged, without a lookup.
///
/// - Parameters:
///   - host: A host name or an IP literal.
///   - deadline: When to give up; nil waits as long as the name servers take (each query is bounded by
///     resolv.conf's `timeout` and `attempts`).
/// - Throws: `DNSError`: `lookup <host>: no such host` (`isNotFound`, also for ""), `lookup <host>: i/o timeout`
///   (`isTimeout`) when the deadline passes, the name server's failure otherwise (`lookup <host> on
///   127.0.0.53:53: server misbehaving`); `CancellationError` if the task is cancelled.
///
/// The corresponding Go function is `net.LookupHost` (with a context: `(*net.Resolver).LookupHost`).
public func lookupHost(_ host: String, deadline: ContinuousClock.Instant? = nil) async throws -> [String] {
    try await Resolver.default.lookupHost(host, deadline: deadline)
}

/// Looks up `host` with `Resolver.default` and returns its IPv4 and IPv6 addresses, sorted by RFC 6724.
///
/// An IP literal is returned as it is, without a lookup. IPv6 addresses keep their zone (Go's `net.IP` cannot
/// hold one and drops it; `IPAddr.Zone` has it).
///
/// - Throws: As `lookupHost`.
///
/// The corresponding Go function is `net.LookupIP` (with a context: `(*net.Resolver).LookupIPAddr`).
public func lookupIP(_ host: String, deadline: ContinuousClock.Instant? = nil) async throws -> [IP] {
    try await Resolver.default.lookupIPAddr(host, deadline: deadline).map(\.ip)
}

/// Looks up `host` with `Resolver.default` and returns its addresses of the kind `network` names: "ip" (all),
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
    try await Resolver.default.lookupNetIP(network: network, host: host, deadline: deadline)
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

/// Looks up the names of the address `addr` ("192.0.2.1", "::1") with `Resolver.default`: `/etc/hosts` first
/// (all its names for the address), then the PTR records of its in-addr.arpa / ip6.arpa name.
///
/// Names with a dot inside are absolute ("example.com."); a single-label name from `/etc/hosts`
/// ("localhost") is returned as it is.
///
/// - Throws: `DNSError`: `lookup <addr>: unrecognized address` if `addr` is not an IP literal,
///   `lookup <addr>: no such host` (`isNotFound`) if it has no name, `lookup <addr>: i/o timeout` (`isTimeout`)
///   when the deadline passes, "DNS response contained records which contain invalid names" for a name that
///   is not a valid domain name; `CancellationError` if the task is cancelled.
///
/// The corresponding Go function is `net.LookupAddr` (with a context: `(*net.Resolver).LookupAddr`).
public func lookupAddr(_ addr: String, deadline: ContinuousClock.Instant? = nil) async throws -> [String] {
    try await Resolver.default.lookupAddr(addr, deadline: deadline)
}

/// Looks up the canonical name of `host` with `Resolver.default`: the end of its CNAME chain, absolute
/// ("www.example.com."), or the name itself if it has addresses and no CNAME; for a name from `/etc/hosts`,
/// the first name on its line.
///
/// - Throws: `DNSError`: `lookup <host>: no such host` (`isNotFound`) if `host` does not resolve (an IP literal
///   is not a domain name and does not either), "DNS response contained records which contain invalid
///   names" if the answer is not a valid domain name, `lookup <host>: i/o timeout` (`isTimeout`) when the
///   deadline passes; `CancellationError` if the task is cancelled.
///
/// The corresponding Go function is `net.LookupCNAME` (with a context: `(*net.Resolver).LookupCNAME`).
public func lookupCNAME(_ host: String, deadline: ContinuousClock.Instant? = nil) async throws -> String {
    try await Resolver.default.lookupCNAME(host, deadline: deadline)
}

/// Looks up the SRV records of `_service._proto.name` with `Resolver.default` (of `name` itself when `service`
/// and `proto` are empty): the records' owner name and the records, sorted by priority and shuffled by
/// weight (RFC 2782).
///
/// - Throws: As `Resolver.lookupSRV(service:proto:name:deadline:)`.
///
/// The corresponding Go function is `net.LookupSRV` (with a context: `(*net.Resolver).LookupSRV`).
public func lookupSRV(
    service: String, proto: String, name: String, deadline: ContinuousClock.Instant? = nil
) async throws -> (cname: String, addrs: [SRV]) {
    try await Resolver.default.lookupSRV(service: service, proto: proto, name: name, deadline: deadline)
}

/// Looks up the MX records of `name` with `Resolver.default`, sorted by preference.
///
/// - Throws: As `Resolver.lookupMX(_:deadline:)`.
///
/// The corresponding Go function is `net.LookupMX` (with a context: `(*net.Resolver).LookupMX`).
public func lookupMX(_ name: String, deadline: ContinuousClock.Instant? = nil) async throws -> [MX] {
    try await Resolver.default.lookupMX(name, deadline: deadline)
}

/// Looks up the NS records of `name` with `Resolver.default`.
///
/// - Throws: As `Resolver.lookupNS(_:deadline:)`.
///
/// The corresponding Go function is `net.LookupNS` (with a context: `(*net.Resolver).LookupNS`).
public func lookupNS(_ name: String, deadline: ContinuousClock.Instant? = nil) async throws -> [NS] {
    try await Resolver.default.lookupNS(name, deadline: deadline)
}

/// Looks up the TXT records of `name` with `Resolver.default`, each record's strings joined.
///
/// - Throws: As `Resolver.lookupTXT(_:deadline:)`.
///
/// The corresponding Go function is `net.LookupTXT` (with a context: `(*net.Resolver).LookupTXT`).
public func lookupTXT(_ name: String, deadline: ContinuousClock.Instant? = nil) async throws -> [String] {
    try await Resolver.default.lookupTXT(name, deadline: deadline)
}

/// The addresses of `host` for a dial or listen of `family` (`AF_UNSPEC`, `AF_INET`, `AF_INET6`) from
/// `Resolver.default`, filtered as Go filters them for a network ending in "4" or "6".
///
/// The corresponding Go method is the unexported `(*net.Resolver).internetAddrList` for "ip", "ip4", "ip6".
func lookupIPAddresses(host: String, family: Int32, deadline: ContinuousClock.Instant?) async throws -> [IP] {
    try await Resolver.default.lookupIPAddresses(host: host, family: family, deadline: deadline)
}

/// Looks up the name of `addr` with the C library (`getnameinfo(3)`, `/etc/hosts` then reverse DNS): at most
/// one name, absolute if it has a dot inside.
///
/// - Throws: `DNSError` `invalid address` if `addr` is not an IP literal, `no such host`, the deadline's
///   `i/o timeout`, "DNS response contained records which contain invalid names"; `CancellationError`.
///
/// The corresponding Go function is the unexported `net.cgoLookupPTR`.
func systemLookupAddr(_ addr: String, deadline: ContinuousClock.Instant?) async throws -> [String] {
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

/// Looks up the canonical name of `host` with the C library (`getaddrinfo(3)` with `AI_CANONNAME`), with a
/// trailing dot; an IP literal is its own canonical name (which the caller then rejects as not a domain name).
///
/// The corresponding Go function is the unexported `net.cgoLookupCNAME`.
func systemLookupCNAME(_ host: String, deadline: ContinuousClock.Instant?) async throws -> String {
    if host.isEmpty {
        throw DNSError.notFound(host)
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
