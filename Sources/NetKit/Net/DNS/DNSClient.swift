// The stub resolver's exchanges with name servers: one query over UDP (then TCP if truncated), the servers
// and attempts of the configuration, the search list. (Go: net/dnsclient_unix.go `newRequest`,
// `dnsPacketRoundTrip`, `dnsStreamRoundTrip`, `exchange`, `checkHeader`, `skipToAnswer`, `tryOneName`,
// `lookup`.)

/// One query: the question in wire form and its type, and the request bytes for UDP and TCP.
///
/// The corresponding Go function is the unexported `net.newRequest`.
struct DNSQuery: Sendable {
    /// A random ID (fresh for each query; with the kernel's random source port, 32 bits a spoofer must guess).
    let id: UInt16
    /// The name in wire form, absolute.
    let wireName: [UInt8]
    let type: DNSType
    /// The message, without the TCP length prefix.
    let message: [UInt8]

    /// Builds a recursive query for `wireName`/`type`, with the EDNS(0) OPT record if `edns0`.
    init(wireName: [UInt8], type: DNSType, authenticData: Bool, edns0: Bool) throws(DNSMessageError) {
        id = UInt16.random(in: 0...UInt16.max)
        self.wireName = wireName
        self.type = type
        var builder = DNSBuilder(
            header: DNSHeader(id: id, recursionDesired: true, authenticData: authenticData), capacity: 64)
        try builder.question(wire: wireName, type)
        if edns0 {
            try builder.opt()
        }
        message = try builder.finish()
    }

    /// Whether `parser`'s message answers this query: a response, our ID, our question first (name compared
    /// without regard to ASCII case). Go ignores anything else arriving over UDP, as a likely forgery.
    ///
    /// The corresponding Go function is the unexported `net.checkResponse`.
    func isAnswered(by parser: inout DNSParser) -> Bool {
        guard parser.header.response, parser.header.id == id,
            let question = try? parser.question(), question.type == type, question.class == .inet,
            (try? DNSName.equals(parser.message, at: question.nameOffset, wire: wireName)) == true
        else { return false }
        return true
    }
}

extension Resolver {
    /// The largest answer read over UDP: what the OPT record advertises.
    static let maxUDPAnswer = DNSEDNS0.udpPayloadSize

    /// Connects to `server` ("IP:port") over "udp" or "tcp" with the `dial` hook or a `Dialer`, by
    /// `deadline`.
    ///
    /// The corresponding Go method is the unexported `(*net.Resolver).dial`.
    func dialServer(network: String, server: String, deadline: ContinuousClock.Instant) async throws -> any Conn {
        guard let dial else {
            return try await Dialer(deadline: deadline).dial(network, server)
        }
        // The hook gets no deadline: race it against one, and close a conn that arrives too late.
        return try await withThrowingTaskGroup(of: (any Conn)?.self) { group in
            group.addTask { try await dial(network, server) }
            group.addTask {
                try await Task.sleep(until: deadline, clock: .continuous)
                return nil
            }
            defer { group.cancelAll() }
            if let first = try await group.next(), let conn = first {
                return conn
            }
            group.cancelAll()
            while let late = try? await group.next() {
                if let conn = late { try? conn.close() }
            }
            throw OpError(op: "dial", net: network, err: DeadlineExceededError())
        }
    }

    /// Sends `query` to `server` and returns the answer, over UDP and then over TCP if the UDP answer was
    /// truncated (RFC 7766), or over TCP only; each transport gets `timeout`, cut short by `deadline`.
    ///
    /// - Throws: the conn's error (`OpError`: refused, timeout, …); `DNSClientError.cannotUnmarshal` or
    ///   `.invalidResponse` for a TCP answer that does not parse or does not match; `.invalidResponse` for an
    ///   answer with more than one question; `CancellationError`.
    ///
    /// The corresponding Go method is the unexported `(*net.Resolver).exchange`.
    func exchange(
        server: String, query: DNSQuery, timeout: Duration, deadline: ContinuousClock.Instant?, useTCP: Bool
    ) async throws -> DNSParser {
        for network in useTCP ? ["tcp"] : ["udp", "tcp"] {
            var attemptDeadline = ContinuousClock.now + timeout
            if let deadline, deadline < attemptDeadline {
                attemptDeadline = deadline
            }
            let conn = try await dialServer(network: network, server: server, deadline: attemptDeadline)
            defer { try? conn.close() }
            try conn.setDeadline(attemptDeadline)
            var parser: DNSParser
            if conn is any PacketConn {
                parser = try await Resolver.packetRoundTrip(conn, query)
            } else {
                parser = try await Resolver.streamRoundTrip(conn, query)
            }
            // Exactly one question.
            guard (try? parser.question()) == nil else {
                throw DNSClientError.invalidResponse
            }
            // A truncated UDP answer is retried over TCP; a truncated TCP answer is used as it is (glibc does
            // the same; Go issue 64896).
            if parser.header.truncated && network == "udp" {
                continue
            }
            return parser
        }
        throw DNSClientError.noAnswer
    }

    /// One query over a datagram conn: answers that do not parse, do not match the query or come from
    /// another address are dropped, and the wait goes on until a matching one arrives or the conn's deadline.
    ///
    /// The corresponding Go function is the unexported `net.dnsPacketRoundTrip`.
    static func packetRoundTrip(_ conn: any Conn, _ query: DNSQuery) async throws -> DNSParser {
        try await conn.write(query.message)
        var buffer = [UInt8](repeating: 0, count: maxUDPAnswer)
        // Bounded by the conn's deadline, which `exchange` always sets.
        while true {
            let count: Int
            if let udp = conn as? UDPConn {
                let (n, from) = try await udp.readFromUDP(into: &buffer)
                // A connected socket only receives from its peer; check anyway.
                if let peer = udp.remoteUDPAddr, from.port != peer.port || from.ip.unmap() != peer.ip.unmap() {
                    continue
                }
                count = n
            } else {
                count = try await conn.read(into: &buffer)
            }
            guard var parser = try? DNSParser(Array(buffer[..<count])) else { continue }
            if query.isAnswered(by: &parser) {
                return parser
            }
        }
    }

    /// One query over a stream conn: a two-byte length before each message (RFC 1035 §4.2.2).
    ///
    /// The corresponding Go function is the unexported `net.dnsStreamRoundTrip`.
    static func streamRoundTrip(_ conn: any Conn, _ query: DNSQuery) async throws -> DNSParser {
        let length = query.message.count
        try await conn.write([UInt8(length >> 8), UInt8(length & 0xFF)] + query.message)
        let prefix = try await readExactly(conn, count: 2)
        let answer = try await readExactly(conn, count: Int(prefix[0]) << 8 | Int(prefix[1]))
        guard var parser = try? DNSParser(answer) else { throw DNSClientError.cannotUnmarshal }
        var probe = parser
        guard (try? probe.question()) != nil else { throw DNSClientError.cannotUnmarshal }
        guard query.isAnswered(by: &parser) else { throw DNSClientError.invalidResponse }
        return parser
    }

    /// Reads exactly `count` bytes from `conn` (bounded by the conn's deadline): `IOError.eof` if the stream
    /// ends first, `IOError.unexpectedEOF` if it ends part way.
    ///
    /// The corresponding Go function is `io.ReadFull`.
    static func readExactly(_ conn: any Conn, count: Int) async throws -> [UInt8] {
        var result = [UInt8](repeating: 0, count: count)
        var filled = 0
        var chunk = [UInt8](repeating: 0, count: min(max(count, 1), 16384))
        while filled < count {
            let n: Int
            do {
                n = try await conn.read(into: &chunk)
            } catch IOError.eof where filled > 0 {
                throw IOError.unexpectedEOF  // as io.ReadFull says it
            }
            let used = min(n, count - filled)
            result.replaceSubrange(filled..<(filled + used), with: chunk[..<used])
            filled += used
        }
        return result
    }

    /// Go's sanity checks of an answer's header: NXDOMAIN is "no such host" (final); an answer that cannot
    /// be read, a lame referral (no answer, no recursion, not authoritative, no additional records) and
    /// other response codes make the client try the next server.
    ///
    /// The corresponding Go function is the unexported `net.checkHeader`.
    static func checkHeader(_ parser: DNSParser) -> DNSClientError? {
        let (rcode, hasAdditional) = parser.extendedRCode()
        if rcode == .nameError {
            return .noSuchHost
        }
        var probe = parser
        let first: DNSResourceHeader?
        do {
            first = try probe.resource(in: .answers)
        } catch {
            return .cannotUnmarshal
        }
        if rcode == .success && !parser.header.authoritative && !parser.header.recursionAvailable && first == nil
            && !hasAdditional
        {
            return .lameReferral
        }
        if rcode != .success {
            return rcode == .serverFailure ? .serverTemporarilyMisbehaving : .serverMisbehaving
        }
        return nil
    }

    /// The parser positioned just before the first answer of `type` (earlier records, such as the CNAME
    /// chain before an address, are skipped); `.noSuchHost` when there is none (NODATA).
    ///
    /// The corresponding Go function is the unexported `net.skipToAnswer`.
    static func skipToAnswer(_ parser: DNSParser, type: DNSType) -> Result<DNSParser, DNSClientError> {
        var probe = parser
        while true {
            let before = probe
            let record: DNSResourceHeader?
            do {
                record = try probe.resource(in: .answers)
            } catch {
                return .failure(.cannotUnmarshal)
            }
            guard let record else { return .failure(.noSuchHost) }
            if record.type == type {
                return .success(before)
            }
        }
    }

    /// Asks the configured servers about one absolute name, `attempts` rounds through the list, until one
    /// answers with records of `type` or says the name does not exist.
    ///
    /// - Throws: `DNSError` named `name` (with the server that failed last); the lookup's timeout when
    ///   `deadline` passes; `CancellationError`.
    ///
    /// The corresponding Go method is the unexported `(*net.Resolver).tryOneName`.
    func tryOneName(
        _ config: DNSConfig, name: String, type: DNSType, deadline: ContinuousClock.Instant?,
        timeoutIsTemporary: Bool
    ) async throws -> (parser: DNSParser, server: String) {
        let query: DNSQuery
        do {
            query = try DNSQuery(
                wireName: DNSName.encode(name), type: type, authenticData: config.trustAD, edns0: config.edns0)
        } catch {
            throw DNSError(err: DNSClientError.cannotMarshal.description, name: name)
        }
        let servers = config.servers
        guard !servers.isEmpty else { throw DNSError(query: DNSClientError.noAnswer, name: name, server: "") }
        let offset = config.serverOffset(shared.rotation)
        var lastError: DNSError?
        for _ in 0..<max(config.attempts, 1) {
            for j in 0..<servers.count {
                let server = servers[(offset + j) % servers.count]
                try Task.checkCancellation()
                if let deadline, deadline <= .now {
                    throw DNSError.deadlineExceeded(name: name, temporary: timeoutIsTemporary)
                }
                let parser: DNSParser
                do {
                    parser = try await exchange(
                        server: server, query: query, timeout: config.timeout, deadline: deadline,
                        useTCP: config.useTCP)
                } catch is CancellationError {
                    throw CancellationError()
                } catch {
                    if let deadline, deadline <= .now {
                        throw DNSError.deadlineExceeded(name: name, temporary: timeoutIsTemporary)
                    }
                    lastError = DNSError(query: error, name: name, server: server)
                    continue
                }
                if let failure = Resolver.checkHeader(parser) {
                    if failure == .noSuchHost {
                        // The name does not exist: another server will not say otherwise.
                        throw DNSError.notFound(name, server: server)
                    }
                    lastError = DNSError(query: failure, name: name, server: server)
                    continue
                }
                switch Resolver.skipToAnswer(parser, type: type) {
                case .success(let positioned):
                    return (positioned, server)
                case .failure(.noSuchHost):
                    throw DNSError.notFound(name, server: server)
                case .failure(let failure):
                    lastError = DNSError(query: failure, name: name, server: server)
                }
            }
        }
        throw lastError ?? DNSError(query: DNSClientError.noAnswer, name: name, server: "")
    }

    /// Looks up records of `type` for `name` through the search list: the first name that has them wins;
    /// the error, if all fail, is the last one, named `name` (not the suffixed name tried).
    ///
    /// The corresponding Go method is the unexported `(*net.Resolver).lookup`.
    func lookupRecords(
        _ name: String, type: DNSType, deadline: ContinuousClock.Instant?
    ) async throws -> (parser: DNSParser, server: String) {
        guard isDomainName(name) else {
            // As libc resolvers do: "no such host" rather than "invalid domain name".
            throw DNSError.notFound(name)
        }
        let config = effectiveConfig
        var lastError: DNSError?
        for fqdn in config.nameList(name) {
            do {
                return try await tryOneName(
                    config, name: fqdn, type: type, deadline: deadline, timeoutIsTemporary: false)
            } catch var error as DNSError {
                error.name = name
                if error.isTimeout && error.server.isEmpty {
                    throw error  // the lookup's own deadline
                }
                lastError = error
                if (error.isTimeout || error.isTemporary) && strictErrors {
                    break
                }
            }
        }
        throw lastError ?? DNSError.notFound(name)
    }
}
