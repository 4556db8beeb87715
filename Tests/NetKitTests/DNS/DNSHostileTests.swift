import Glibc
import Synchronization
import Testing

@testable import NetKit

// Hostile and broken name servers (a fake server in this process): forged answers are ignored, broken ones
// rejected with Go's errors, slow ones cut off by the deadline; nothing hangs (every lookup runs under a
// watchdog) and every socket the resolver opened is closed afterwards.

@Suite("Resolver against hostile name servers", .timingSensitive)
struct DNSHostileTests {
    /// A correct answer: one MX record.
    static func goodMX(_ query: FakeQuery) -> [UInt8] {
        fakeAnswer(query) { b throws(DNSMessageError) in
            try b.mx(name: query.name, MX(host: "mx.good.test.", pref: 5))
        }
    }

    /// Runs `lookupMX("q.test")` against a fake server following `script` and returns the outcome, after
    /// checking that every conn was closed.
    func mxLookup(
        useTCP: Bool = false, timeout: Duration = .seconds(2) * timingSlack, deadline: ContinuousClock.Instant? = nil,
        _ script: @escaping @Sendable (FakeQuery) -> [FakeAction]
    ) async throws -> (result: Result<[MX], DNSError>, server: FakeNameServer) {
        let server = try await FakeNameServer(script)
        defer { server.stop() }
        let recorder = DialRecorder()
        let resolver = fakeResolver(server, timeout: timeout, useTCP: useTCP, recorder: recorder)
        let result: Result<[MX], DNSError>
        do {
            result = .success(try await withDNSWatchdog { try await resolver.lookupMX("q.test", deadline: deadline) })
        } catch let error as DNSError {
            result = .failure(error)
        }
        #expect(recorder.allClosed, "a conn of the resolver was left open")
        return (result, server)
    }

    // MARK: Forgeries are ignored

    @Test(arguments: ["wrong ID", "wrong name", "wrong type", "not a response", "other port", "cut short", "garbage", "question loop"])
    func forgedAnswersAreIgnoredAndTheGenuineOneAccepted(forgery: String) async throws {
        let (result, _) = try await mxLookup(timeout: .seconds(2) * timingSlack) { query in
            let forged: FakeAction
            switch forgery {
            case "wrong ID": forged = .reply(fakeAnswer(query, id: query.id &+ 1))
            case "wrong name": forged = .reply(DNSHostileTests.goodMX(FakeQuery(message: [], id: query.id, name: "x.test.", type: .mx, transport: "udp", index: 0)))
            case "wrong type": forged = .reply(fakeAnswer(query, type: .a))
            case "not a response": forged = .reply(fakeAnswer(query, response: false))
            case "other port": forged = .replyFromOtherPort(fakeAnswer(query) { b throws(DNSMessageError) in
                try b.mx(name: query.name, MX(host: "evil.test.", pref: 1))
            })
            case "cut short": forged = .reply(Array(DNSHostileTests.goodMX(query).prefix(20)))
            case "garbage": forged = .reply([1, 2, 3])
            default:  // a question whose name points at itself
                var message = fakeAnswer(query, compress: false)
                message[12] = 0xC0
                message[13] = 12
                forged = .reply(message)
            }
            return [forged, .sleep(.milliseconds(20)), .reply(DNSHostileTests.goodMX(query))]
        }
        #expect(try result.get() == [MX(host: "mx.good.test.", pref: 5)])
    }

    @Test(arguments: ["wrong ID", "other port", "wrong name"])
    func onlyForgeriesMeanATimeout(forgery: String) async throws {
        let start = ContinuousClock.now
        let (result, server) = try await mxLookup(timeout: .milliseconds(300) * timingSlack) { query in
            switch forgery {
            case "wrong ID": [.reply(fakeAnswer(query, id: query.id &+ 1))]
            case "other port": [.replyFromOtherPort(DNSHostileTests.goodMX(query))]
            default: [.reply(fakeAnswer(query, name: "other.test."))]
            }
        }
        guard case .failure(let error) = result else {
            Issue.record("a forgery was accepted: \(result)")
            return
        }
        #expect(error.isTimeout)
        #expect(error.isTemporary)
        #expect(error.server == server.server)
        #expect(error.description.hasPrefix("lookup q.test on \(server.server): read udp 127.0.0.1:"), "\(error)")
        #expect(error.description.hasSuffix("->\(server.server): i/o timeout"), "\(error)")
        #expect(error.unwrapped is OpError)
        #expect(ContinuousClock.now - start >= .milliseconds(300) * timingSlack)
        #expect(ContinuousClock.now - start < upperBound(.seconds(2)))
    }

    @Test func eachQueryHasAFreshIDAndSourcePortAndAdvertisesEDNS0() async throws {
        let server = try await FakeNameServer { query in [.reply(DNSHostileTests.goodMX(query))] }
        defer { server.stop() }
        let resolver = fakeResolver(server)
        for _ in 0..<12 {
            _ = try await withDNSWatchdog { try await resolver.lookupMX("q.test") }
        }
        let queries = server.queries
        #expect(queries.count == 12)
        // 16 random bits of ID and a random ephemeral port each: a repeat among 12 is rare (p < 0.2 %), two
        // repeats rarer still.
        #expect(Set(queries.map(\.id)).count >= 11)
        #expect(Set(queries.map(\.fromPort)).count >= 11)
        for query in queries {
            var parser = try DNSParser(query.message)
            #expect(parser.header.recursionDesired && !parser.header.response)
            let opt = try #require(try parser.resource(in: .additionals))
            #expect(opt.type == .opt && opt.class.rawValue == 1232)
        }
    }

    // MARK: Broken answers are rejected

    @Test func compressionLoopInAnswerIsCannotUnmarshal() async throws {
        let (result, server) = try await mxLookup { query in
            var message = fakeAnswer(query, compress: false) { b throws(DNSMessageError) in
                try b.record(.answers, name: query.name, type: .mx) { b throws(DNSMessageError) in
                    b.appendData([0, 10])
                    b.appendData([0xC0, 0])  // patched below to point at itself
                }
            }
            let pointer = message.count - 2
            message[pointer + 1] = UInt8(pointer & 0xFF)
            message[pointer] = 0xC0 | UInt8(pointer >> 8)
            return [.reply(message)]
        }
        #expect(result.failure?.description == "lookup q.test on \(server.server): cannot unmarshal DNS message")
    }

    @Test func pointerOutsideTheMessageIsCannotUnmarshal() async throws {
        let (result, server) = try await mxLookup { query in
            [.reply(fakeAnswer(query, compress: false) { b throws(DNSMessageError) in
                try b.record(.answers, name: query.name, type: .mx) { b throws(DNSMessageError) in
                    b.appendData([0, 10, 0xC3, 0xFF])
                }
            })]
        }
        #expect(result.failure?.description == "lookup q.test on \(server.server): cannot unmarshal DNS message")
    }

    @Test func oversizedCountsAreCannotUnmarshal() async throws {
        let (result, server) = try await mxLookup { query in
            var message = DNSHostileTests.goodMX(query)
            message[6] = 0xFF  // 65535 answers promised, one present
            message[7] = 0xFF
            return [.reply(message)]
        }
        #expect(result.failure?.description == "lookup q.test on \(server.server): cannot unmarshal DNS message")
    }

    @Test func recordDataOfTheWrongSizeIsCannotUnmarshal() async throws {
        let server = try await FakeNameServer { query in
            [.reply(fakeAnswer(query) { b throws(DNSMessageError) in
                try b.record(.answers, name: query.name, type: .a) { b throws(DNSMessageError) in b.appendData([1, 2, 3, 4, 5]) }
            })]
        }
        defer { server.stop() }
        let resolver = fakeResolver(server)
        let error = await expectDNSError { _ = try await resolver.lookupIP(network: "ip4", host: "q.test") }
        #expect(error?.description == "lookup q.test on \(server.server): cannot unmarshal DNS message")
    }

    @Test func cutTCPAnswerIsCannotUnmarshal() async throws {
        let (result, server) = try await mxLookup(useTCP: true) { query in
            let cut = Array(DNSHostileTests.goodMX(query).prefix(20))
            return [.replyWithPrefix(UInt16(cut.count), cut)]
        }
        #expect(result.failure?.description == "lookup q.test on \(server.server): cannot unmarshal DNS message")
    }

    @Test func tcpAnswerEndingEarlyIsAnError() async throws {
        let (result, server) = try await mxLookup(useTCP: true) { query in
            let good = DNSHostileTests.goodMX(query)
            return [.replyWithPrefix(UInt16(good.count + 10), good)]  // then the server closes
        }
        let error = try #require(result.failure)
        #expect(error.server == server.server)
        #expect(error.isNotFound == false)
        // io.ReadFull's word for a stream that ends part way.
        #expect(error.description == "lookup q.test on \(server.server): unexpected EOF")
    }

    @Test func mismatchedTCPAnswerIsInvalidResponse() async throws {
        let (result, server) = try await mxLookup(useTCP: true) { query in
            [.reply(fakeAnswer(query, id: query.id &+ 1))]
        }
        #expect(result.failure?.description == "lookup q.test on \(server.server): invalid DNS response")
    }

    @Test func twoQuestionsAreInvalidResponse() async throws {
        let (result, server) = try await mxLookup { query in
            var b = DNSBuilder(header: DNSHeader(id: query.id, response: true, recursionDesired: true, recursionAvailable: true))
            try? b.question(query.name, .mx)
            try? b.question(query.name, .mx)
            return [.reply((try? b.finish()) ?? [])]
        }
        #expect(result.failure?.description == "lookup q.test on \(server.server): invalid DNS response")
    }

    @Test(arguments: [
        (DNSRCode.serverFailure, true), (DNSRCode.refused, false), (DNSRCode.notImplemented, false),
        (DNSRCode.formatError, false),
    ])
    func errorCodesAreServerMisbehaving(rcode: DNSRCode, temporary: Bool) async throws {
        let (result, server) = try await mxLookup { query in [.reply(fakeAnswer(query, rcode: rcode))] }
        let error = try #require(result.failure)
        #expect(error.description == "lookup q.test on \(server.server): server misbehaving")
        #expect(error.isTemporary == temporary)
        #expect(!error.isNotFound)
    }

    @Test func extendedRCodeFromTheOPTRecord() async throws {
        // BADVERS (16): header RCODE 0, OPT's upper bits 1.
        let (result, server) = try await mxLookup { query in
            [.reply(fakeAnswer(query) { b throws(DNSMessageError) in
                try b.opt(extendedRCode: DNSRCode(rawValue: 16))
            })]
        }
        #expect(result.failure?.description == "lookup q.test on \(server.server): server misbehaving")
    }

    @Test func nxdomainWithSOAIsNotFound() async throws {
        let (result, server) = try await mxLookup { query in
            [.reply(fakeAnswer(query, rcode: .nameError, authoritative: true) { b throws(DNSMessageError) in
                try b.soa(name: "test.", DNSSOA(ns: "ns.test.", mbox: "hostmaster.test.", serial: 1, refresh: 2, retry: 3, expire: 4, minTTL: 5))
            })]
        }
        let error = try #require(result.failure)
        #expect(error.description == "lookup q.test on \(server.server): no such host")
        #expect(error.isNotFound)
        #expect(server.queryCount == 1)  // no other attempt: the name does not exist
    }

    @Test func lameReferral() async throws {
        let (result, server) = try await mxLookup { query in
            [.reply(fakeAnswer(query, authoritative: false, recursionAvailable: false))]
        }
        #expect(result.failure?.description == "lookup q.test on \(server.server): lame referral")
    }

    @Test func truncatedTCPAnswerIsUsedAsItIs() async throws {
        let (result, _) = try await mxLookup { query in
            [.reply(fakeAnswer(query, truncated: true) { b throws(DNSMessageError) in
                try b.mx(name: query.name, MX(host: "mx.good.test.", pref: 5))
            })]
        }
        #expect(try result.get() == [MX(host: "mx.good.test.", pref: 5)])
    }

    @Test func invalidNamesInAnswersAreRejected() async throws {
        let (result, _) = try await mxLookup { query in
            [.reply(fakeAnswer(query) { b throws(DNSMessageError) in
                try b.mx(name: query.name, MX(host: "good.test.", pref: 1))
                try b.mx(name: query.name, MX(host: "bad\\.dot.test.", pref: 2))  // a dot inside a label
            })]
        }
        #expect(result.failure?.description == "lookup q.test: DNS response contained records which contain invalid names")
    }

    // MARK: Deadlines and cancellation

    @Test func slowAnswerPastTheDeadlineIsATimeout() async throws {
        let start = ContinuousClock.now
        let (result, _) = try await mxLookup(timeout: .seconds(10), deadline: start + .milliseconds(300)) { query in
            [.sleep(.seconds(3)), .reply(DNSHostileTests.goodMX(query))]
        }
        let error = try #require(result.failure)
        #expect(error.description == "lookup q.test: i/o timeout")
        #expect(error.isTimeout)
        #expect(error.unwrapped is DeadlineExceededError)
        #expect(ContinuousClock.now - start >= .milliseconds(300))
        #expect(ContinuousClock.now - start < upperBound(.seconds(1)))
    }

    @Test func slowAddressLookupPastTheDeadline() async throws {
        let server = try await FakeNameServer { query in [.sleep(.seconds(3)), .reply(fakeAnswer(query))] }
        defer { server.stop() }
        let recorder = DialRecorder()
        let resolver = fakeResolver(server, timeout: .seconds(10), recorder: recorder)
        let start = ContinuousClock.now
        let error = await expectDNSError {
            _ = try await resolver.lookupHost("slow.test", deadline: start + .milliseconds(300))
        }
        #expect(error == DNSError(err: "i/o timeout", name: "slow.test", isTimeout: true, isTemporary: true))
        #expect(ContinuousClock.now - start < upperBound(.seconds(1)))
        #expect(recorder.allClosed)
        // A and AAAA in parallel, over UDP (on a loaded machine the deadline may pass before both are sent).
        #expect(recorder.networks.count <= 2 && recorder.networks.allSatisfy { $0 == "udp" })
    }

    @Test func dialDeadlineCoversNameResolution() async throws {
        let server = try await FakeNameServer { _ in [] }  // never answers
        defer { server.stop() }
        let dialer = Dialer(timeout: .milliseconds(300), resolver: fakeResolver(server, timeout: .seconds(10)))
        let start = ContinuousClock.now
        let error = await #expect(throws: OpError.self) {
            try await withDNSWatchdog { try await dialer.dial("tcp", "silent.test:80") }
        }
        #expect(error?.description == "dial tcp: lookup silent.test: i/o timeout")
        #expect(error?.isTimeout == true)
        #expect(ContinuousClock.now - start < upperBound(.seconds(1)))
    }

    @Test func cancellationStopsALookupAtOnce() async throws {
        let server = try await FakeNameServer { _ in [] }
        defer { server.stop() }
        let recorder = DialRecorder()
        let resolver = fakeResolver(server, timeout: .seconds(30), recorder: recorder)
        let task = Task { try await resolver.lookupHost("never.test") }
        // Wait (bounded) until both queries are out, then cancel.
        let end = ContinuousClock.now + dnsWatchdogLimit
        while server.queryCount < 2 && ContinuousClock.now < end {
            try await Task.sleep(for: .milliseconds(5))
        }
        let start = ContinuousClock.now
        task.cancel()
        let result = try await withDNSWatchdog { await task.result }
        #expect(throws: CancellationError.self) { try result.get() }
        #expect(ContinuousClock.now - start < upperBound(.milliseconds(500)))
        #expect(recorder.allClosed)
    }

    @Test func dialHookThatHangsIsAbandonedAtTheQueryTimeout() async throws {
        let resolver = Resolver(
            dial: { _, _ in
                try await Task.sleep(for: .seconds(30))
                throw CancellationError()
            },
            config: DNSConfig(servers: ["127.0.0.1:53"], timeout: .milliseconds(200), attempts: 1), hostsPath: "")
        let start = ContinuousClock.now
        let error = await expectDNSError { _ = try await resolver.lookupTXT("hook.test") }
        #expect(error?.description == "lookup hook.test on 127.0.0.1:53: dial udp: i/o timeout")
        #expect(ContinuousClock.now - start < upperBound(.seconds(1)))
    }

    // MARK: Merged lookups

    /// A server that answers A queries after `delay` with 192.0.2.9 (AAAA: no records).
    static func slowAddressServer(delay: Duration) async throws -> FakeNameServer {
        try await FakeNameServer { query in
            [.sleep(delay), .reply(fakeAnswer(query) { b throws(DNSMessageError) in
                if query.type == .a { try b.address(name: query.name, ip: IP(192, 0, 2, 9)) }
            })]
        }
    }

    @Test func concurrentLookupsOfOneNameAreMerged() async throws {
        let server = try await DNSHostileTests.slowAddressServer(delay: .milliseconds(200))
        defer { server.stop() }
        let resolver = fakeResolver(server)
        let results = try await withDNSWatchdog {
            try await withThrowingTaskGroup(of: [String].self) { group in
                for _ in 0..<20 {
                    group.addTask { try await resolver.lookupHost("same.test") }
                }
                var all: [[String]] = []
                for try await result in group { all.append(result) }
                return all
            }
        }
        #expect(results.count == 20 && results.allSatisfy { $0 == ["192.0.2.9"] })
        #expect(server.queryCount == 2)  // one A and one AAAA query for all twenty
        #expect(resolver.shared.lookups.flightCount == 0)
        // Once done, the next lookup asks again.
        _ = try await resolver.lookupHost("same.test")
        #expect(server.queryCount == 4)
    }

    @Test func aCallerGivingUpLeavesTheSharedLookupToTheOthers() async throws {
        let server = try await DNSHostileTests.slowAddressServer(delay: .milliseconds(300))
        defer { server.stop() }
        let recorder = DialRecorder()
        let resolver = fakeResolver(server, recorder: recorder)
        let patient = Task { try await resolver.lookupHost("shared.test") }
        let impatient = Task { try await resolver.lookupHost("shared.test") }
        let end = ContinuousClock.now + dnsWatchdogLimit
        while server.queryCount < 2 && ContinuousClock.now < end {
            try await Task.sleep(for: .milliseconds(5))
        }
        impatient.cancel()
        let cancelled = try await withDNSWatchdog { await impatient.result }
        #expect(throws: CancellationError.self) { try cancelled.get() }
        #expect(try await withDNSWatchdog { try await patient.value } == ["192.0.2.9"])
        // A caller's own deadline: it times out, the others still get the answer.
        let late = Task { try await resolver.lookupHost("shared2.test") }
        let error = await expectDNSError {
            _ = try await resolver.lookupHost("shared2.test", deadline: .now + .milliseconds(50))
        }
        #expect(error?.description == "lookup shared2.test: i/o timeout")
        #expect(try await withDNSWatchdog { try await late.value } == ["192.0.2.9"])
        #expect(server.queryCount == 4)
        #expect(recorder.allClosed)
    }

    @Test func theLastCallerGivingUpCancelsTheSharedLookup() async throws {
        let server = try await FakeNameServer { _ in [] }  // never answers
        defer { server.stop() }
        let recorder = DialRecorder()
        let resolver = fakeResolver(server, timeout: .seconds(30), recorder: recorder)
        let error = await expectDNSError {
            _ = try await resolver.lookupHost("gone.test", deadline: .now + .milliseconds(100))
        }
        #expect(error?.isTimeout == true)
        // The flight was cancelled and forgotten, and its sockets closed, before the lookup returned.
        #expect(resolver.shared.lookups.flightCount == 0)
        #expect(recorder.allClosed)
    }

    @Test func changedCopiesDoNotShare() {
        let resolver = Resolver(config: DNSConfig(servers: ["127.0.0.1:1"]), hostsPath: "")
        let copy = resolver
        var changed = resolver
        changed.hostsPath = "/etc/hosts"
        #expect(copy.shared === resolver.shared)
        #expect(changed.shared !== resolver.shared)
    }

    // MARK: Partial failures

    @Test func aServerFailureForOneFamilyKeepsTheOther() async throws {
        let script: @Sendable (FakeQuery) -> [FakeAction] = { query in
            if query.type == .aaaa {
                return [.reply(fakeAnswer(query, rcode: .serverFailure))]
            }
            return [.reply(fakeAnswer(query) { b throws(DNSMessageError) in
                try b.address(name: query.name, ip: IP(192, 0, 2, 7))
            })]
        }
        let server = try await FakeNameServer(script)
        defer { server.stop() }
        #expect(try await fakeResolver(server).lookupHost("dual.test") == ["192.0.2.7"])
        // StrictErrors: the temporary failure fails the lookup.
        let strict = fakeResolver(server, strictErrors: true)
        let error = await expectDNSError { _ = try await strict.lookupHost("dual.test") }
        #expect(error?.description == "lookup dual.test on \(server.server): server misbehaving")
        #expect(error?.isTemporary == true)
    }

    @Test func answersAfterACNAMEChainUseTheCanonicalName() async throws {
        let server = try await FakeNameServer { query in
            [.reply(fakeAnswer(query) { b throws(DNSMessageError) in
                try b.nameRecord(name: query.name, type: .cname, target: "mid.test.")
                try b.nameRecord(name: "mid.test.", type: .cname, target: "end.test.")
                if query.type == .a {
                    try b.address(name: "end.test.", ip: IP(192, 0, 2, 8))
                }
            })]
        }
        defer { server.stop() }
        let resolver = fakeResolver(server)
        #expect(try await resolver.lookupCNAME("start.test") == "end.test.")
        #expect(try await resolver.lookupHost("start.test") == ["192.0.2.8"])
    }
}

extension Result {
    /// The error, if this is a failure.
    var failure: Failure? {
        if case .failure(let error) = self { return error }
        return nil
    }
}
