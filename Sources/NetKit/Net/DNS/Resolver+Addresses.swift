// Host names to addresses with the built-in client: /etc/hosts, then A and AAAA queries in parallel through
// the search list. (Go: net/dnsclient_unix.go `goLookupIPFiles`, `goLookupIPCNAME`, `goLookupIPCNAMEOrder`.)

extension Resolver {
    /// The kinds of address lookup: all addresses, IPv4 only, IPv6 only, or addresses and the canonical
    /// name (which also asks for the CNAME record).
    enum AddressQuery: String, Sendable {
        case ip, ip4, ip6, cname

        /// The record types asked for.
        var types: [DNSType] {
            switch self {
            case .ip: [.a, .aaaa]
            case .ip4: [.a]
            case .ip6: [.aaaa]
            case .cname: [.a, .aaaa, .cname]
            }
        }
    }

    /// The addresses and canonical name of `name`: from the hosts file if it lists the name, else from DNS
    /// (sorted by RFC 6724). The canonical name is the owner of the first address record, or the target of
    /// the CNAME record, absolute; "" if neither.
    ///
    /// - Throws: `DNSError` named `name`; the lookup's timeout when `deadline` passes (`isTimeout`,
    ///   `isTemporary`); `CancellationError`.
    ///
    /// The corresponding Go method is the unexported `(*net.Resolver).goLookupIPCNAMEOrder` with the
    /// "files,dns" order.
    func lookupIPCNAME(
        _ query: AddressQuery, name: String, deadline: ContinuousClock.Instant?
    ) async throws -> (addresses: [IP], cname: String) {
        if let entry = hosts.lookup(host: name) {
            let ips = entry.addresses.compactMap { IP($0) }
            if !ips.isEmpty {
                return (ips, entry.canonicalName)
            }
        }
        guard isDomainName(name) else {
            throw DNSError.notFound(name)
        }
        let config = effectiveConfig
        let types = query.types
        var addresses: [IP] = []
        var cname = ""
        var lastError: DNSError?
        for fqdn in config.nameList(name) {
            let results = try await queryAll(config, fqdn: fqdn, types: types, deadline: deadline)
            var hitStrictError = false
            for result in results {
                let parser: DNSParser
                let server: String
                switch result {
                case .failure(let error):
                    if error.isTimeout && error.server.isEmpty {
                        throw DNSError.deadlineExceeded(name: name, temporary: true)
                    }
                    if (error.isTimeout || error.isTemporary) && strictErrors {
                        hitStrictError = true
                        lastError = error
                    } else if lastError == nil || fqdn == name + "." {
                        lastError = error  // prefer the error for the name as given
                    }
                    continue
                case .success(let answer):
                    (parser, server) = answer
                }
                var reader = parser
                do {
                    while let record = try reader.resource(in: .answers) {
                        switch record.type {
                        case .a, .aaaa:
                            addresses.append(record.type == .a ? try reader.a(record) : try reader.aaaa(record))
                            if cname.isEmpty {
                                cname = try reader.name(at: record.nameOffset)
                            }
                        case .cname:
                            let target = try reader.singleName(record)
                            if cname.isEmpty {
                                cname = target
                            }
                        default:
                            continue
                        }
                    }
                } catch {
                    lastError = DNSError(query: DNSClientError.cannotUnmarshal, name: name, server: server)
                }
            }
            if hitStrictError {
                // Network trouble must not turn a dual-stack name into a single-stack one.
                addresses = []
                break
            }
            if !addresses.isEmpty || query == .cname && !cname.isEmpty {
                break
            }
        }
        if addresses.isEmpty && !(query == .cname && !cname.isEmpty) {
            var error = lastError ?? DNSError.notFound(name)
            error.name = name
            throw error
        }
        return (sortByRFC6724(addresses), cname)
    }

    /// Runs one `tryOneName` per type for `fqdn`, in parallel unless `singleRequest`, and returns their
    /// outcomes in the order of `types`. Cancellation is thrown, not returned.
    private func queryAll(
        _ config: DNSConfig, fqdn: String, types: [DNSType], deadline: ContinuousClock.Instant?
    ) async throws -> [Result<(DNSParser, String), DNSError>] {
        func one(_ type: DNSType) async throws -> Result<(DNSParser, String), DNSError> {
            do {
                let answer = try await tryOneName(
                    config, name: fqdn, type: type, deadline: deadline, timeoutIsTemporary: true)
                return .success((answer.parser, answer.server))
            } catch let error as DNSError {
                return .failure(error)
            }
        }
        if config.singleRequest || types.count == 1 {
            var results: [Result<(DNSParser, String), DNSError>] = []
            for type in types {
                results.append(try await one(type))
            }
            return results
        }
        return try await withThrowingTaskGroup(of: (Int, Result<(DNSParser, String), DNSError>).self) { group in
            for (index, type) in types.enumerated() {
                group.addTask { (index, try await one(type)) }
            }
            var results = [Result<(DNSParser, String), DNSError>?](repeating: nil, count: types.count)
            while let (index, result) = try await group.next() {
                results[index] = result
            }
            return results.map { $0! }
        }
    }
}
