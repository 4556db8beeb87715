import Glibc
import Testing

@testable import NetKit

// The message layer on its own: building, parsing, name compression and its attacks, EDNS(0), record data,
// and a seeded random test (mutated and random messages never trap and valid ones round-trip).

@Suite("DNS messages")
struct DNSMessageTests {
    /// A response with one record of every kind the resolver reads, compressed.
    static func sampleMessage(compress: Bool = true) throws -> [UInt8] {
        var b = DNSBuilder(
            header: DNSHeader(id: 0xBEEF, response: true, authoritative: true, recursionDesired: true, recursionAvailable: true),
            compress: compress)
        try b.question("www.example.test.", .a)
        try b.nameRecord(name: "www.example.test.", type: .cname, target: "host.example.test.")
        try b.address(name: "host.example.test.", ip: IP(192, 0, 2, 1))
        try b.address(name: "host.example.test.", ip: IP("2001:db8::1")!)
        try b.mx(name: "example.test.", MX(host: "mail.example.test.", pref: 10))
        try b.srv(name: "_sip._udp.example.test.", SRV(target: "sip.example.test.", port: 5060, priority: 1, weight: 2))
        try b.txt(name: "example.test.", ["v=spf1", " -all"])
        try b.nameRecord(name: "1.2.0.192.in-addr.arpa.", type: .ptr, target: "host.example.test.")
        try b.nameRecord(.authorities, name: "example.test.", type: .ns, target: "ns1.example.test.")
        try b.soa(name: "example.test.", DNSSOA(ns: "ns1.example.test.", mbox: "hostmaster.example.test.", serial: 7, refresh: 3600, retry: 600, expire: 86400, minTTL: 60))
        try b.opt(udpPayloadSize: 1232, extendedRCode: .success, dnssecOK: true)
        return try b.finish()
    }

    @Test(arguments: [true, false])
    func buildAndParseEveryRecordType(compress: Bool) throws {
        let message = try DNSMessageTests.sampleMessage(compress: compress)
        var p = try DNSParser(message)
        #expect(p.header.id == 0xBEEF)
        #expect(p.header.response && p.header.authoritative && p.header.recursionDesired && p.header.recursionAvailable)
        #expect(!p.header.truncated)
        #expect(p.counts.questions == 1 && p.counts.answers == 7 && p.counts.authorities == 2 && p.counts.additionals == 1)
        let q = try #require(try p.question())
        #expect(try p.name(at: q.nameOffset) == "www.example.test.")
        #expect(p.extendedRCode() == (DNSRCode.success, true))
        #expect(q.type == .a && q.class == .inet)
        #expect(try DNSName.equals(message, at: q.nameOffset, wire: DNSName.encode("WWW.example.TEST")))
        #expect(try !DNSName.equals(message, at: q.nameOffset, wire: DNSName.encode("www.example.tes")))

        var answers: [String] = []
        while let r = try p.resource(in: .answers) {
            let owner = try p.name(at: r.nameOffset)
            switch r.type {
            case .cname, .ptr: answers.append("\(owner) \(r.type) \(try p.singleName(r))")
            case .a: answers.append("\(owner) A \(try p.a(r))")
            case .aaaa: answers.append("\(owner) AAAA \(try p.aaaa(r))")
            case .mx: answers.append("\(owner) MX \(try p.mx(r))")
            case .srv: answers.append("\(owner) SRV \(try p.srv(r))")
            case .txt: answers.append("\(owner) TXT \(try p.txt(r)) \(try p.txtStrings(r))")
            default: Issue.record("unexpected \(r.type)")
            }
            #expect(r.ttl == 300)
        }
        #expect(answers == [
            "www.example.test. CNAME host.example.test.",
            "host.example.test. A 192.0.2.1",
            "host.example.test. AAAA 2001:db8::1",
            "example.test. MX 10 mail.example.test.",
            "_sip._udp.example.test. SRV 1 2 5060 sip.example.test.",
            "example.test. TXT v=spf1 -all [\"v=spf1\", \" -all\"]",
            "1.2.0.192.in-addr.arpa. PTR host.example.test.",
        ])
        let ns = try #require(try p.resource(in: .authorities))
        #expect(try p.singleName(ns) == "ns1.example.test.")
        let soa = try #require(try p.resource(in: .authorities))
        #expect(try p.soa(soa) == DNSSOA(ns: "ns1.example.test.", mbox: "hostmaster.example.test.", serial: 7, refresh: 3600, retry: 600, expire: 86400, minTTL: 60))
        let opt = try #require(try p.resource(in: .additionals))
        #expect(opt.type == .opt && opt.class.rawValue == 1232)
        #expect(DNSEDNS0.dnssecOK(ttl: opt.ttl) && DNSEDNS0.version(ttl: opt.ttl) == 0)
        #expect(try p.name(at: opt.nameOffset) == ".")
        #expect(try p.resource(in: .additionals) == nil)
        if compress {
            #expect(message.count < (try DNSMessageTests.sampleMessage(compress: false)).count)
        }
    }

    @Test func skippingToALaterSectionSkipsEarlierRecords() throws {
        var p = try DNSParser(try DNSMessageTests.sampleMessage())
        let opt = try #require(try p.resource(in: .additionals))
        #expect(opt.type == .opt)
        #expect(try p.resource(in: .answers) == nil)  // the answer section is behind us
    }

    @Test func queryIsWhatGoSends() throws {
        let query = try DNSQuery(wireName: DNSName.encode("example.com."), type: .aaaa, authenticData: false, edns0: true)
        var p = try DNSParser(query.message)
        #expect(p.header.id == query.id && !p.header.response && p.header.recursionDesired && !p.header.authenticData)
        #expect(p.counts.questions == 1 && p.counts.answers == 0 && p.counts.additionals == 1)
        let q = try #require(try p.question())
        #expect(q.type == .aaaa)
        let opt = try #require(try p.resource(in: .additionals))
        #expect(opt.type == .opt && opt.class.rawValue == 1232 && opt.ttl == 0 && opt.dataLength == 0)
        // 12 header + 13 name + 4 + 11 OPT
        #expect(query.message.count == 40)
        let plain = try DNSQuery(wireName: DNSName.encode("example.com."), type: .a, authenticData: true, edns0: false)
        #expect(plain.message.count == 29)
        #expect(try DNSParser(plain.message).header.authenticData)
        // IDs are random.
        var ids = Set<UInt16>()
        for _ in 0..<64 { ids.insert(try DNSQuery(wireName: [0], type: .a, authenticData: false, edns0: false).id) }
        #expect(ids.count > 50)
    }

    @Test func extendedRCode() throws {
        var b = DNSBuilder(header: DNSHeader(id: 1, response: true, rcode: DNSRCode(rawValue: 0x3)))
        try b.question("x.test.", .a)
        try b.opt(extendedRCode: DNSRCode(rawValue: 0x1F3))
        let p = try DNSParser(try b.finish())
        #expect(p.extendedRCode().rcode == DNSRCode(rawValue: 0x1F3))
        #expect(DNSEDNS0.extendedRCode(ttl: 0x0100_0000, headerRCode: .success) == DNSRCode(rawValue: 16))
    }

    // MARK: Names

    @Test(arguments: [
        ("example.com", "example.com."), ("example.com.", "example.com."), (".", "."), ("", "."),
        ("a\\.b.test", "a\\.b.test."), ("sp\\032ace.test", "sp\\032ace.test."), ("back\\\\slash", "back\\\\slash."),
        ("UPPER.Case", "UPPER.Case."), ("_srv._tcp.x", "_srv._tcp.x."),
    ])
    func namesRoundTrip(name: String, presentation: String) throws {
        let wire = try DNSName.encode(name)
        let (read, end) = try DNSName.read(wire, at: 0)
        #expect(read == presentation)
        #expect(end == wire.count)
        #expect(try DNSName.skip(wire, at: 0) == wire.count)
    }

    @Test(arguments: [
        "a..b", ".a", String(repeating: "x", count: 64) + ".test", "bad\\", "bad\\25", "bad\\256x",
        Array(repeating: String(repeating: "y", count: 63), count: 4).joined(separator: "."),
    ])
    func invalidNamesAreNotEncoded(name: String) {
        #expect(throws: DNSMessageError.self) { try DNSName.encode(name) }
    }

    @Test func longestNameFits() throws {
        // 3 × 63 + 61 bytes of labels: 4 + 3 × 63 + 61 + 1 = 255 bytes of wire.
        let name = Array(repeating: String(repeating: "a", count: 63), count: 3).joined(separator: ".") + "." + String(repeating: "b", count: 61)
        let wire = try DNSName.encode(name)
        #expect(wire.count == 255)
        #expect(try DNSName.read(wire, at: 0).name == name + ".")
        #expect(throws: DNSMessageError.nameTooLong) { try DNSName.encode(name + "b") }
    }

    /// Twelve zero bytes of header, then `bytes`.
    static func message(_ bytes: [UInt8]) -> [UInt8] { [UInt8](repeating: 0, count: 12) + bytes }

    @Test func compressionIgnoresCaseAndKeepsTheFirstSpelling() throws {
        var b = DNSBuilder(header: DNSHeader(), compress: true)
        try b.question("Example.TEST.", .a)
        try b.address(name: "www.example.test.", ip: IP(1, 2, 3, 4))
        var p = try DNSParser(try b.finish())
        let r = try #require(try p.resource(in: .answers))
        #expect(try p.name(at: r.nameOffset) == "www.Example.TEST.")
        #expect(r.dataOffset - r.nameOffset == 4 + 2 + 10)  // "www" then a pointer
    }

    @Test func compressionAttacksAreRejected() {
        // A pointer to itself.
        #expect(throws: DNSMessageError.invalidPointer) { try DNSName.read(Self.message([0xC0, 12]), at: 12) }
        // Two pointers to each other: the second points forwards of the first's target.
        #expect(throws: DNSMessageError.invalidPointer) {
            try DNSName.read(Self.message([0xC0, 14, 0xC0, 12]), at: 14)
        }
        // A forward pointer.
        #expect(throws: DNSMessageError.invalidPointer) { try DNSName.read(Self.message([0xC0, 14, 0]), at: 12) }
        // Out of bounds.
        #expect(throws: DNSMessageError.invalidPointer) { try DNSName.read(Self.message([0xFF, 0xFF]), at: 12) }
        // A label running past the end; a pointer cut in half; a missing terminator.
        #expect(throws: DNSMessageError.short) { try DNSName.read(Self.message([5, 0x61, 0x62]), at: 12) }
        #expect(throws: DNSMessageError.short) { try DNSName.read(Self.message([0xC0]), at: 12) }
        #expect(throws: DNSMessageError.short) { try DNSName.read(Self.message([1, 0x61]), at: 12) }
        // Reserved label types.
        #expect(throws: DNSMessageError.reservedLabel) { try DNSName.read(Self.message([0x40, 0]), at: 12) }
        #expect(throws: DNSMessageError.reservedLabel) { try DNSName.skip(Self.message([0x80, 0]), at: 12) }
        // A loop through a label: "a" then a pointer back to the label.
        #expect(throws: DNSMessageError.invalidPointer) {
            try DNSName.read(Self.message([1, 0x61, 0xC0, 12]), at: 12)
        }
        // A name that grows past 255 bytes through valid backward pointers: 4 × 64 bytes of labels.
        var chain: [UInt8] = [63] + [UInt8](repeating: 0x61, count: 63) + [0]  // at 12
        var previous = 12
        for letter: UInt8 in [0x62, 0x63, 0x64] {
            let here = 12 + chain.count
            chain += [63] + [UInt8](repeating: letter, count: 63) + [0xC0 | UInt8(previous >> 8), UInt8(previous & 0xFF)]
            previous = here
        }
        let long = Self.message(chain)
        #expect(throws: DNSMessageError.nameTooLong) { try DNSName.read(long, at: previous) }
        #expect((try? DNSName.read(long, at: 77))?.name.utf8.count == 128)  // two labels: fine
    }

    @Test func validPointerChainsAreFollowed() throws {
        // "test." at 12, "example" → test at 18, "www" → example at 28.
        let message = Self.message([4, 0x74, 0x65, 0x73, 0x74, 0, 7, 0x65, 0x78, 0x61, 0x6D, 0x70, 0x6C, 0x65, 0xC0, 12, 3, 0x77, 0x77, 0x77, 0xC0, 18])
        let (name, end) = try DNSName.read(message, at: 28)
        #expect(name == "www.example.test.")
        #expect(end == 34)
        #expect(try DNSName.skip(message, at: 28) == 34)
    }

    // MARK: Records

    @Test func recordDataIsChecked() throws {
        func parse(_ type: DNSType, _ data: [UInt8], _ read: (DNSParser, DNSResourceHeader) throws -> Void) throws {
            var b = DNSBuilder(header: DNSHeader(id: 1, response: true))
            try b.question("x.test.", type)
            try b.record(.answers, name: "x.test.", type: type) { b throws(DNSMessageError) in b.appendData(data) }
            var p = try DNSParser(try b.finish())
            let r = try #require(try p.resource(in: .answers))
            try read(p, r)
        }
        try parse(.a, [1, 2, 3]) { p, r in #expect(throws: DNSMessageError.invalidRecordData) { try p.a(r) } }
        try parse(.aaaa, [UInt8](repeating: 1, count: 4)) { p, r in #expect(throws: DNSMessageError.invalidRecordData) { try p.aaaa(r) } }
        try parse(.mx, [0, 1]) { p, r in #expect(throws: DNSMessageError.invalidRecordData) { try p.mx(r) } }
        try parse(.mx, [0, 1, 0, 0]) { p, r in #expect(throws: DNSMessageError.invalidRecordData) { try p.mx(r) } }  // junk after the name
        try parse(.srv, [0, 1, 0, 2, 0, 3]) { p, r in #expect(throws: DNSMessageError.invalidRecordData) { try p.srv(r) } }
        try parse(.txt, []) { p, r in #expect(throws: DNSMessageError.invalidRecordData) { try p.txt(r) } }
        try parse(.txt, [5, 0x61]) { p, r in #expect(throws: DNSMessageError.invalidRecordData) { try p.txt(r) } }
        try parse(.txt, [0]) { p, r in #expect((try? p.txt(r)) == "") }
        try parse(.cname, [3, 0x61, 0x62]) { p, r in #expect(throws: DNSMessageError.self) { try p.singleName(r) } }
        try parse(.soa, [0, 0, 1, 2, 3]) { p, r in #expect(throws: DNSMessageError.invalidRecordData) { try p.soa(r) } }
    }

    @Test func truncatedMessagesThrowShort() throws {
        let message = try DNSMessageTests.sampleMessage()
        #expect(throws: DNSMessageError.short) { try DNSParser(Array(message.prefix(11))) }
        // Every cut inside the records fails somewhere while reading them all, never traps.
        for cut in 12..<message.count {
            var p = try DNSParser(Array(message.prefix(cut)))
            #expect(throws: DNSMessageError.self) {
                try p.skipQuestions()
                while try p.resource(in: .additionals) != nil {}
            }
        }
    }

    @Test func builderEnforcesSectionOrder() throws {
        var b = DNSBuilder(header: DNSHeader())
        try b.address(name: "x.", ip: IP(1, 2, 3, 4))
        #expect(throws: DNSMessageError.sectionOrder) { try b.question("x.", .a) }
        try b.opt()
        #expect(throws: DNSMessageError.sectionOrder) { try b.address(name: "x.", ip: IP(1, 2, 3, 4)) }
        #expect(throws: DNSMessageError.invalidRecordData) { try b.txt(.additionals, name: "x.", [String(repeating: "a", count: 256)]) }
    }

    // MARK: Seeded random

    /// A small deterministic generator (SplitMix64), so a failure can be replayed from its seed.
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// Reads everything a message has, as the resolver would; returns a description or nil on any error.
    static func readAll(_ message: [UInt8]) -> [String]? {
        do {
            var p = try DNSParser(message)
            var out: [String] = []
            while let q = try p.question() { out.append("Q \(try p.name(at: q.nameOffset)) \(q.type)") }
            for section in [DNSSection.answers, .authorities, .additionals] {
                while let r = try p.resource(in: section) {
                    let owner = try p.name(at: r.nameOffset)
                    switch r.type {
                    case .a: out.append("\(owner) \(try p.a(r))")
                    case .aaaa: out.append("\(owner) \(try p.aaaa(r))")
                    case .cname, .ns, .ptr: out.append("\(owner) \(try p.singleName(r))")
                    case .mx: out.append("\(owner) \(try p.mx(r))")
                    case .srv: out.append("\(owner) \(try p.srv(r))")
                    case .txt: out.append("\(owner) \(try p.txtStrings(r))")
                    case .soa: out.append("\(owner) \(try p.soa(r))")
                    default: out.append("\(owner) \(r.type) \(r.dataLength)")
                    }
                }
            }
            _ = p.extendedRCode()
            return out
        } catch {
            return nil
        }
    }

    /// A random valid message (random names, records, compression).
    static func randomMessage(_ rng: inout SplitMix) throws -> [UInt8] {
        func label() -> String {
            let alphabet = Array("abcXYZ019-_".utf8)
            let count = Int.random(in: 1...12, using: &rng)
            return String(decoding: (0..<count).map { _ in alphabet.randomElement(using: &rng)! }, as: UTF8.self)
        }
        let suffixes = ["test.", "example.test.", "a.b.example.test."]
        func name() -> String {
            (0..<Int.random(in: 0...3, using: &rng)).map { _ in label() + "." }.joined() + suffixes.randomElement(using: &rng)!
        }
        var b = DNSBuilder(header: DNSHeader(id: UInt16.random(in: 0...UInt16.max, using: &rng), response: true), compress: Bool.random(using: &rng))
        try b.question(name(), .a)
        let count = Int.random(in: 0...12, using: &rng)
        let authoritiesFrom = Int.random(in: 0...count, using: &rng)
        for i in 0..<count {
            let section: DNSSection = i < authoritiesFrom ? .answers : .authorities
            switch Int.random(in: 0...6, using: &rng) {
            case 0: try b.address(section, name: name(), ip: IP(UInt8.random(in: 0...255, using: &rng), 2, 3, 4))
            case 1: try b.address(section, name: name(), ip: IP("2001:db8::\(Int.random(in: 1...9999, using: &rng))")!)
            case 2: try b.mx(section, name: name(), MX(host: name(), pref: UInt16.random(in: 0...100, using: &rng)))
            case 3: try b.srv(section, name: name(), SRV(target: name(), port: 1, priority: 2, weight: 3))
            case 4: try b.txt(section, name: name(), (0..<Int.random(in: 1...3, using: &rng)).map { _ in label() })
            case 5: try b.nameRecord(section, name: name(), type: .cname, target: name())
            default: try b.soa(section, name: name(), DNSSOA(ns: name(), mbox: name(), serial: 1, refresh: 2, retry: 3, expire: 4, minTTL: 5))
            }
        }
        if Bool.random(using: &rng) { try b.opt() }
        return try b.finish()
    }

    /// CPU-bound: yields every few rounds so that it does not hold one of the (two) cooperative threads for
    /// long and upset the timing of tests running beside it.
    @Test(.heavy) func seededRandomMessagesRoundTripAndMutationsNeverTrap() async throws {
        let rounds = getenv("NETKIT_STRESS") != nil ? 200_000 : 3_000
        var rng = SplitMix(state: 0x4E45_544B_4954_444E)  // "NETKITDN"
        var mutatedParsed = 0
        for round in 0..<rounds {
            if round % 32 == 0 { await Task.yield() }
            let message = try DNSMessageTests.randomMessage(&rng)
            let decoded = try #require(DNSMessageTests.readAll(message), "round \(round): a valid message failed to parse")
            // Compression never changes what is read.
            #expect(decoded.count >= 1)
            // Mutations: flip bytes, cut, extend, set pointer bits; reading must end (no trap, no hang).
            var mutated = message
            switch round % 4 {
            case 0:
                for _ in 0..<Int.random(in: 1...4, using: &rng) {
                    let i = Int.random(in: 0..<mutated.count, using: &rng)
                    mutated[i] = UInt8.random(in: 0...255, using: &rng)
                }
            case 1:
                mutated = Array(mutated.prefix(Int.random(in: 0..<mutated.count, using: &rng)))
            case 2:
                let i = Int.random(in: 12..<mutated.count, using: &rng)
                mutated[i] |= 0xC0
            default:
                mutated += (0..<Int.random(in: 1...8, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            }
            if DNSMessageTests.readAll(mutated) != nil { mutatedParsed += 1 }
        }
        // Some mutations leave a message readable, most break it; both paths ran.
        #expect(mutatedParsed > 0 && mutatedParsed < rounds)
        // Random bytes.
        for round in 0..<rounds {
            if round % 64 == 0 { await Task.yield() }
            let bytes = (0..<Int.random(in: 0...300, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }
            _ = DNSMessageTests.readAll(bytes)
        }
    }
}
