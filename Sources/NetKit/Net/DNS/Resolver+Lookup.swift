// The resolver's lookups. (Go: net/lookup.go `(*Resolver).Lookup…`, net/lookup_unix.go, and the pure-Go
// implementations in net/dnsclient_unix.go and net/lookup.go: `goLookupHostOrder`, `goLookupPTR`,
// `goLookupSRV`, `goLookupMX`, `goLookupNS`, `goLookupTXT`.)

import Glibc

extension Resolver {
    /// Fails at once if the task is cancelled or the lookup's deadline has passed.
    func checkStart(_ name: String, deadline: ContinuousClock.Instant?, temporary: Bool) throws {
        try Task.checkCancellation()
        if let deadline, deadline <= .now {
            throw DNSError.deadlineExceeded(name: name, temporary: temporary)
        }
    }

    /// Looks up `host` and returns its addresses as text ("192.0.2.1", "2001:db8::1", "fe80::1%eth0"): from
    /// the hosts file if it lists the name, else from DNS (A and AAAA in parallel, sorted by RFC 6724).
    ///
    /// An IP literal (an IPv6 one may carry a zone) is returned unchanged, without a lookup.
    ///
    /// - Throws: `DNSError`: `lookup <host>: no such host` (`isNotFound`; also for "" and for names that are
    ///   not valid domain names), `lookup <host> on <server>: server misbehaving` and the like, `lookup <host>:
    ///   i/o timeout` (`isTimeout`) when `deadline` passes; `CancellationError` if the task is cancelled.
    ///
    /// The corresponding Go method is `(*net.Resolver).LookupHost`.
    public func lookupHost(_ host: String, deadline: ContinuousClock.Instant? = nil) async throws -> [String] {
        if host.isEmpty {
            throw DNSError.notFound(host)
        }
        if IP(host) != nil {
            return [host]
        }
        let ips = try await lookupIPAddresses(host: host, query: .ip, deadline: deadline)
        return ips.map { $0.zone.isEmpty ? $0.netDescription : $0.netDescription + "%" + $0.zone }
    }

    /// Looks up `host` and returns its IPv4 and IPv6 addresses (zones kept); an IP literal is returned as it
    /// is.
    ///
    /// - Throws: As `lookupHost`.
    ///
    /// The corresponding Go method is `(*net.Resolver).LookupIPAddr`.
    public func lookupIPAddr(_ host: String, deadline: ContinuousClock.Instant? = nil) async throws -> [IPAddr] {
        try await lookupIPAddresses(host: host, query: .ip, deadline: deadline).map { IPAddr(ip: $0) }
    }

    /// Looks up `host` and returns its addresses of the kind `network` names: "ip" (all), "ip4" (IPv4;
    /// IPv4-mapped IPv6 addresses count as IPv4) or "ip6" (IPv6 but not IPv4-mapped). Only the records of
    /// that kind are asked for (A for "ip4", AAAA for "ip6").
    ///
    /// - Throws: `UnknownNetworkError` for another network; `AddrError` `address <host>: no suitable address
    ///   found` if `host` has no address of that kind; otherwise as `lookupHost`.
    ///
    /// The corresponding Go method is `(*net.Resolver).LookupIP`.
    public func lookupIP(
        network: String, host: String, deadline: ContinuousClock.Instant? = nil
    ) async throws -> [IP] {
        let family = try addressFamily(ofIPNetwork: network)
        return try await lookupIPAddresses(host: host, family: family, deadline: deadline)
    }

    /// The same as `lookupIP(network:host:deadline:)` (NetKit's `IP` is already `netip.Addr`-like).
    ///
    /// The corresponding Go method is `(*net.Resolver).LookupNetIP`.
    public func lookupNetIP(
        network: String, host: String, deadline: ContinuousClock.Instant? = nil
    ) async throws -> [IP] {
        try await lookupIP(network: network, host: host, deadline: deadline)
    }

    /// Looks up the port of `service` for `network` ("tcp", "udp" and their 4/6 forms, "ip" or ""): a
    /// number, or a name from `/etc/services` or Go's built-in table. Local only; `deadline` is not consulted.
    ///
    /// - Throws: `AddrError` `address <network>: unknown network`; `DNSError` `lookup <network>/<service>:
    ///   unknown port` (`isNotFound`); `AddrError` `address <service>: invalid port`.
    ///
    /// The corresponding Go method is `(*net.Resolver).LookupPort`.
    public func lookupPort(
        network: String, service: String, deadline: ContinuousClock.Instant? = nil
    ) async throws -> Int {
        try lookupPortLocally(network: network, service: service)
    }

    /// Looks up the canonical name of `host`: the name at the end of its CNAME chain, absolute
    /// ("www.example.com." for an alias of it), or `host` itself (absolute) if it has address records and no
    /// CNAME. A name in the hosts file gets the first name of its line.
    ///
    /// - Throws: `DNSError`: `no such host` (`isNotFound`) if the name has neither; "DNS response contained
    ///   records which contain invalid names" for an answer that is not a valid domain name; the lookup's
    ///   timeout; `CancellationError`.
    ///
    /// The corresponding Go method is `(*net.Resolver).LookupCNAME`.
    public func lookupCNAME(_ host: String, deadline: ContinuousClock.Instant? = nil) async throws -> String {
        let cname: String
        if preferGo {
            try checkStart(host, deadline: deadline, temporary: false)
            cname = try await lookupIPCNAME(.cname, name: host, deadline: deadline).cname
        } else {
            cname = try await systemLookupCNAME(host, deadline: deadline)
        }
        guard isDomainName(cname) else {
            throw DNSError(err: DNSError.malformedRecords, name: host)
        }
        return cname
    }

    /// Looks up the SRV records of `_service._proto.name` (RFC 2782), or of `name` itself when `service` and
    /// `proto` are both empty. Returns the owner name of the records (absolute; it may differ from the name
    /// asked for when a CNAME led there) and the records, sorted by priority and shuffled by weight within a
    /// priority.
    ///
    /// - Throws: `DNSError` as `lookupHost` (the name in it is the full SRV name; a parse failure names
    ///   `name`); "SRV header name is invalid" for an invalid owner name; "DNS response contained records
    ///   which contain invalid names" if any target is not a valid domain name (Go also returns the valid
    ///   records with that error; NetKit throws).
    ///
    /// The corresponding Go method is `(*net.Resolver).LookupSRV`.
    public func lookupSRV(
        service: String, proto: String, name: String, deadline: ContinuousClock.Instant? = nil
    ) async throws -> (cname: String, addrs: [SRV]) {
        let target = service.isEmpty && proto.isEmpty ? name : "_" + service + "._" + proto + "." + name
        try checkStart(target, deadline: deadline, temporary: false)
        let (parser, server) = try await lookupRecords(target, type: .srv, deadline: deadline)
        var cname = ""
        var records: [SRV] = []
        try Resolver.forEachAnswer(parser, type: .srv, name: name, server: server) {
            parser, record throws(DNSMessageError) in
            if cname.isEmpty {
                cname = try parser.name(at: record.nameOffset)
            }
            records.append(try parser.srv(record))
        }
        records = Resolver.sortSRV(records)
        if !cname.isEmpty && !isDomainName(cname) {
            throw DNSError(err: DNSError.invalidSRVHeaderName, name: name)
        }
        guard records.allSatisfy({ isDomainName($0.target) }) else {
            throw DNSError(err: DNSError.malformedRecords, name: name)
        }
        return (cname, records)
    }

    /// Looks up the MX records of `name`, sorted by preference (lowest first) and in random order within
    /// one preference (RFC 5321 §5.1).
    ///
    /// - Throws: `DNSError` as `lookupHost` (`no such host` also when the name has no MX record); "DNS
    ///   response contained records which contain invalid names" if a host is not a valid domain name (Go also
    ///   returns the valid records with that error; NetKit throws).
    ///
    /// The corresponding Go method is `(*net.Resolver).LookupMX`.
    public func lookupMX(_ name: String, deadline: ContinuousClock.Instant? = nil) async throws -> [MX] {
        try checkStart(name, deadline: deadline, temporary: false)
        let (parser, server) = try await lookupRecords(name, type: .mx, deadline: deadline)
        var records: [MX] = []
        try Resolver.forEachAnswer(parser, type: .mx, name: name, server: server) {
            parser, record throws(DNSMessageError) in
            records.append(try parser.mx(record))
        }
        records = Resolver.sortMX(records)
        guard records.allSatisfy({ isDomainName($0.host) }) else {
            throw DNSError(err: DNSError.malformedRecords, name: name)
        }
        return records
    }

    /// Looks up the NS records of `name`.
    ///
    /// - Throws: As `lookupMX`.
    ///
    /// The corresponding Go method is `(*net.Resolver).LookupNS`.
    public func lookupNS(_ name: String, deadline: ContinuousClock.Instant? = nil) async throws -> [NS] {
        try checkStart(name, deadline: deadline, temporary: false)
        let (parser, server) = try await lookupRecords(name, type: .ns, deadline: deadline)
        var records: [NS] = []
        try Resolver.forEachAnswer(parser, type: .ns, name: name, server: server) {
            parser, record throws(DNSMessageError) in
            records.append(NS(host: try parser.singleName(record)))
        }
        guard records.allSatisfy({ isDomainName($0.host) }) else {
            throw DNSError(err: DNSError.malformedRecords, name: name)
        }
        return records
    }

    /// Looks up the TXT records of `name`: one string per record, its character-strings joined without a
    /// separator (a record of "v=spf1 " and "-all" reads "v=spf1 -all").
    ///
    /// - Throws: `DNSError` as `lookupHost`.
    ///
    /// The corresponding Go method is `(*net.Resolver).LookupTXT`.
    public func lookupTXT(_ name: String, deadline: ContinuousClock.Instant? = nil) async throws -> [String] {
        try checkStart(name, deadline: deadline, temporary: false)
        let (parser, server) = try await lookupRecords(name, type: .txt, deadline: deadline)
        var records: [String] = []
        try Resolver.forEachAnswer(parser, type: .txt, name: name, server: server) {
            parser, record throws(DNSMessageError) in
            records.append(try parser.txt(record))
        }
        return records
    }

    /// Looks up the names of the address `addr` ("192.0.2.1", "2001:db8::1"): the hosts file's names for it
    /// if it has any, else the PTR records of its in-addr.arpa / ip6.arpa name, absolute ("host.example.").
    ///
    /// - Throws: `DNSError`: `unrecognized address` if `addr` is not an IP literal (a zone is allowed only
    ///   for a hosts-file match), `no such host` (`isNotFound`), "DNS response contained records which contain
    ///   invalid names" (Go also returns the valid names with that error; NetKit throws), the lookup's timeout;
    ///   `CancellationError`.
    ///
    /// The corresponding Go method is `(*net.Resolver).LookupAddr`.
    public func lookupAddr(_ addr: String, deadline: ContinuousClock.Instant? = nil) async throws -> [String] {
        guard preferGo else {
            return try await systemLookupAddr(addr, deadline: deadline)
        }
        try checkStart(addr, deadline: deadline, temporary: false)
        var names = hosts.lookup(address: addr)
        if names.isEmpty {
            guard let arpa = reverseAddress(addr) else {
                throw DNSError(err: DNSError.unrecognizedAddress, name: addr)
            }
            let (parser, server) = try await lookupRecords(arpa, type: .ptr, deadline: deadline)
            try Resolver.forEachAnswer(parser, type: .ptr, name: addr, server: server) {
                parser, record throws(DNSMessageError) in
                names.append(try parser.singleName(record))
            }
        }
        guard names.allSatisfy(isDomainName) else {
            throw DNSError(err: DNSError.malformedRecords, name: addr)
        }
        return names
    }

    // MARK: Shared by the lookups

    /// The addresses of `host` for `query`, as dial and `lookupIP` need them: an IP literal as it is (zone
    /// kept), a name through the hosts file and DNS, or through the C library without `preferGo`.
    ///
    /// The corresponding Go method is the unexported `(*net.Resolver).lookupIPAddr`.
    func lookupIPAddresses(host: String, query: AddressQuery, deadline: ContinuousClock.Instant?) async throws -> [IP] {
        if host.isEmpty {
            throw DNSError.notFound(host)
        }
        if let literal = IP(host) {
            return [literal]
        }
        guard preferGo else {
            let family = query == .ip4 ? AF_INET : query == .ip6 ? AF_INET6 : AF_UNSPEC
            return try await systemLookupIPAddr(host: host, family: family, deadline: deadline)
        }
        try checkStart(host, deadline: deadline, temporary: true)
        // Concurrent lookups of the same name share one (Go's lookupGroup); the shared one has no deadline of
        // its own (the queries' timeouts bound it), each caller waits with its own.
        let key = query.rawValue + "\u{0}" + host
        let resolver = self
        return try await shared.lookups.run(
            key: key, deadline: deadline, timeout: { DNSError.deadlineExceeded(name: host, temporary: true) }
        ) {
            try await resolver.lookupIPCNAME(query, name: host, deadline: nil).addresses
        }
    }

    /// The addresses of `host` for a network of `family` (`AF_UNSPEC`, `AF_INET`, `AF_INET6`), filtered as
    /// Go filters them: IPv4 (IPv4-mapped included) for `AF_INET`, IPv6 but not IPv4-mapped for `AF_INET6`.
    ///
    /// - Throws: As `lookupHost`; `AddrError` `address <host>: no suitable address found` when no address of
    ///   the family is left.
    ///
    /// The corresponding Go method is the unexported `(*net.Resolver).internetAddrList` for "ip", "ip4",
    /// "ip6".
    func lookupIPAddresses(host: String, family: Int32, deadline: ContinuousClock.Instant?) async throws -> [IP] {
        let query: AddressQuery = family == AF_INET ? .ip4 : family == AF_INET6 ? .ip6 : .ip
        let ips = try await lookupIPAddresses(host: host, query: query, deadline: deadline)
        let suitable: [IP]
        switch query {
        case .ip4: suitable = ips.filter { $0.unmap().is4 }
        case .ip6: suitable = ips.filter { $0.is6 && !$0.is4In6 }
        default: suitable = ips
        }
        guard !suitable.isEmpty else {
            throw AddrError(err: AddrError.noSuitableAddress, addr: host)
        }
        return suitable
    }

    /// Calls `body` for each answer of `type` in `parser`; a record that cannot be decoded fails the lookup
    /// with "cannot unmarshal DNS message" named `name`.
    static func forEachAnswer(
        _ parser: DNSParser, type: DNSType, name: String, server: String,
        _ body: (DNSParser, DNSResourceHeader) throws(DNSMessageError) -> Void
    ) throws(DNSError) {
        var reader = parser
        do {
            while let record = try reader.resource(in: .answers) {
                if record.type == type {
                    try body(reader, record)
                }
            }
        } catch {
            throw DNSError(query: DNSClientError.cannotUnmarshal, name: name, server: server)
        }
    }

    /// MX records by preference, shuffled within one (RFC 5321 §5.1).
    ///
    /// The corresponding Go method is the unexported `net.byPref.sort`.
    static func sortMX(_ records: [MX]) -> [MX] {
        records.shuffled().enumerated().sorted { a, b in
            a.element.pref != b.element.pref ? a.element.pref < b.element.pref : a.offset < b.offset
        }.map(\.element)
    }

    /// SRV records by priority, and within a priority in RFC 2782's weighted random order: repeatedly pick
    /// a record with probability proportional to its weight among those left (weight-0 records come last
    /// unless all are 0).
    ///
    /// The corresponding Go method is the unexported `net.byPriorityWeight.sort`.
    static func sortSRV(_ records: [SRV]) -> [SRV] {
        var sorted = records.sorted { ($0.priority, $0.weight) < ($1.priority, $1.weight) }
        var start = 0
        while start < sorted.count {
            var end = start
            while end < sorted.count && sorted[end].priority == sorted[start].priority { end += 1 }
            shuffleByWeight(&sorted[start..<end])
            start = end
        }
        return sorted
    }

    /// RFC 2782's weighted selection over `group`, in place.
    ///
    /// The corresponding Go method is the unexported `net.byPriorityWeight.shuffleByWeight`.
    static func shuffleByWeight(_ group: inout ArraySlice<SRV>) {
        var sum = group.reduce(0) { $0 + Int($1.weight) }
        var first = group.startIndex
        while sum > 0 && group.endIndex - first > 1 {
            let pick = Int.random(in: 0..<sum)
            var running = 0
            for i in first..<group.endIndex {
                running += Int(group[i].weight)
                if running > pick {
                    group.swapAt(first, i)
                    break
                }
            }
            sum -= Int(group[first].weight)
            first += 1
        }
    }
}

/// The reverse-lookup name of `addr`: "4.3.2.1.in-addr.arpa." for IPv4 (and IPv4-mapped IPv6), the 32
/// nibbles of an IPv6 address reversed under "ip6.arpa."; nil if `addr` is not an IP literal (zones are not
/// accepted).
///
/// The corresponding Go function is the unexported `net.reverseaddr`.
func reverseAddress(_ addr: String) -> String? {
    guard let ip = parseIP(addr) else { return nil }
    let unmapped = ip.unmap()
    if unmapped.is4 {
        let b = unmapped.bytes
        return "\(b[3]).\(b[2]).\(b[1]).\(b[0]).in-addr.arpa."
    }
    let hex = Array("0123456789abcdef".utf8)
    var text: [UInt8] = []
    text.reserveCapacity(72)
    for byte in ip.bytes.reversed() {
        text.append(hex[Int(byte & 0xF)])
        text.append(UInt8(ascii: "."))
        text.append(hex[Int(byte >> 4)])
        text.append(UInt8(ascii: "."))
    }
    return String(decoding: text, as: UTF8.self) + "ip6.arpa."
}
