// Reading a DNS message (RFC 1035 §4.1) one record at a time, without materialising what is not asked for.
// (Go: golang.org/x/net/dns/dnsmessage `Parser`.)

/// A question of a parsed message: where its name is, and its type and class.
///
/// The corresponding Go type is `dnsmessage.Question` (whose name is unpacked at once).
struct DNSQuestionHeader: Sendable {
    /// The offset of the (possibly compressed) name in the message.
    var nameOffset: Int
    var type: DNSType
    var `class`: DNSClass
}

/// A resource record of a parsed message: where its owner name and data are, and its fixed fields.
///
/// The corresponding Go type is `dnsmessage.ResourceHeader`.
struct DNSResourceHeader: Sendable {
    /// The section the record came from.
    var section: DNSSection
    /// The offset of the (possibly compressed) owner name in the message.
    var nameOffset: Int
    var type: DNSType
    /// The class; for OPT the sender's UDP payload size (RFC 6891 §6.1.2).
    var `class`: DNSClass
    /// The time to live; for OPT the extended RCODE, version and flags.
    var ttl: UInt32
    /// The offset of the record data.
    var dataOffset: Int
    /// The length of the record data.
    var dataLength: Int
}

/// A forward-only reader of one DNS message: the header at once, then questions and records in wire order.
///
/// Nothing is copied or allocated until a record's data is decoded: names stay offsets in the message until
/// `name(at:)` reads one, so skipping records costs only bounds checks. Every read is checked against the
/// message's end, so a count larger than the records present (`.short`), a bad compression pointer or record
/// data of the wrong size throws instead of reading past the end. A parser is a value: copy it to look ahead
/// (as the OPT lookup in `extendedRCode` does).
///
/// The corresponding Go type is `dnsmessage.Parser`.
struct DNSParser: Sendable {
    /// The whole message.
    let message: [UInt8]
    /// The header.
    let header: DNSHeader
    /// The record counts of the four sections, from the header.
    let counts: (questions: Int, answers: Int, authorities: Int, additionals: Int)

    /// The offset of the next question or record.
    private(set) var offset = 12
    /// The section of the next question or record.
    private(set) var section = DNSSection.questions
    /// How many questions or records of `section` are still to be read.
    private var remaining: Int

    /// Reads the header of `message`.
    ///
    /// - Throws: `DNSMessageError.short` if the message is shorter than a header.
    ///
    /// The corresponding Go method is `(*dnsmessage.Parser).Start`.
    init(_ message: [UInt8]) throws(DNSMessageError) {
        guard message.count >= 12 else { throw .short }
        self.message = message
        func u16(_ i: Int) -> UInt16 { UInt16(message[i]) << 8 | UInt16(message[i + 1]) }
        header = DNSHeader(id: u16(0), flags: u16(2))
        counts = (Int(u16(4)), Int(u16(6)), Int(u16(8)), Int(u16(10)))
        remaining = counts.questions
    }

    /// Moves to the next section when the current one is used up; false when the message has been read.
    private mutating func advanceSection() -> Bool {
        while remaining == 0 {
            switch section {
            case .questions:
                section = .answers
                remaining = counts.answers
            case .answers:
                section = .authorities
                remaining = counts.authorities
            case .authorities:
                section = .additionals
                remaining = counts.additionals
            case .additionals:
                return false
            }
        }
        return true
    }

    /// The next question, or nil when the question section is done.
    ///
    /// The corresponding Go method is `(*dnsmessage.Parser).Question`.
    mutating func question() throws(DNSMessageError) -> DNSQuestionHeader? {
        guard section == .questions, remaining > 0 else { return nil }
        let nameOffset = offset
        let end = try DNSName.skip(message, at: offset)
        guard end + 4 <= message.count else { throw .short }
        let type = DNSType(rawValue: u16(at: end))
        let `class` = DNSClass(rawValue: u16(at: end + 2))
        offset = end + 4
        remaining -= 1
        return DNSQuestionHeader(nameOffset: nameOffset, type: type, class: `class`)
    }

    /// Skips the rest of the question section.
    ///
    /// The corresponding Go method is `(*dnsmessage.Parser).SkipAllQuestions`.
    mutating func skipQuestions() throws(DNSMessageError) {
        while try question() != nil {}
    }

    /// The next record of `section` (records of earlier sections are skipped), or nil when that section is
    /// done. The record's data is bounds-checked and skipped; decode it with the typed readers.
    ///
    /// The corresponding Go methods are `(*dnsmessage.Parser).AnswerHeader` / `AuthorityHeader` /
    /// `AdditionalHeader` followed by `SkipAnswer` etc.
    mutating func resource(in wanted: DNSSection) throws(DNSMessageError) -> DNSResourceHeader? {
        while true {
            guard advanceSection(), section <= wanted else { return nil }
            if section == .questions {
                try skipQuestions()
                continue
            }
            let current = section
            let record = try nextRecord()
            if current == wanted {
                return record
            }
        }
    }

    /// Reads the record at `offset` of the current (non-question) section.
    private mutating func nextRecord() throws(DNSMessageError) -> DNSResourceHeader {
        let nameOffset = offset
        let end = try DNSName.skip(message, at: offset)
        guard end + 10 <= message.count else { throw .short }
        let type = DNSType(rawValue: u16(at: end))
        let `class` = DNSClass(rawValue: u16(at: end + 2))
        let ttl = UInt32(u16(at: end + 4)) << 16 | UInt32(u16(at: end + 6))
        let length = Int(u16(at: end + 8))
        let dataOffset = end + 10
        guard dataOffset + length <= message.count else { throw .short }
        offset = dataOffset + length
        remaining -= 1
        return DNSResourceHeader(
            section: section, nameOffset: nameOffset, type: type, class: `class`, ttl: ttl,
            dataOffset: dataOffset, dataLength: length)
    }

    // MARK: Decoding

    /// The big-endian 16-bit value at `i` (the caller has checked the bounds).
    func u16(at i: Int) -> UInt16 { UInt16(message[i]) << 8 | UInt16(message[i + 1]) }

    /// The name at `offset` in presentation form ("example.com.").
    func name(at offset: Int) throws(DNSMessageError) -> String {
        try DNSName.read(message, at: offset).name
    }

    /// Reads a name that must lie inside `record`'s data, starting at `offset`; returns it and the offset
    /// after it.
    private func name(in record: DNSResourceHeader, at offset: Int) throws(DNSMessageError) -> (String, Int) {
        let (name, end) = try DNSName.read(message, at: offset)
        guard end <= record.dataOffset + record.dataLength else { throw .invalidRecordData }
        return (name, end)
    }

    /// The address of an A record. The corresponding Go method is `(*dnsmessage.Parser).AResource`.
    func a(_ record: DNSResourceHeader) throws(DNSMessageError) -> IP {
        guard record.dataLength == 4 else { throw .invalidRecordData }
        let d = record.dataOffset
        return IP(message[d], message[d + 1], message[d + 2], message[d + 3])
    }

    /// The address of an AAAA record. The corresponding Go method is `(*dnsmessage.Parser).AAAAResource`.
    func aaaa(_ record: DNSResourceHeader) throws(DNSMessageError) -> IP {
        guard record.dataLength == 16,
            let ip = IP(bytes: message[record.dataOffset..<(record.dataOffset + 16)])
        else { throw .invalidRecordData }
        return ip
    }

    /// The target of a CNAME, NS or PTR record (one name filling the data).
    ///
    /// The corresponding Go methods are `(*dnsmessage.Parser).CNAMEResource`, `NSResource`, `PTRResource`.
    func singleName(_ record: DNSResourceHeader) throws(DNSMessageError) -> String {
        let (name, end) = try name(in: record, at: record.dataOffset)
        guard end == record.dataOffset + record.dataLength else { throw .invalidRecordData }
        return name
    }

    /// The preference and exchange of an MX record. The corresponding Go method is
    /// `(*dnsmessage.Parser).MXResource`.
    func mx(_ record: DNSResourceHeader) throws(DNSMessageError) -> MX {
        guard record.dataLength >= 3 else { throw .invalidRecordData }
        let pref = u16(at: record.dataOffset)
        let (host, end) = try name(in: record, at: record.dataOffset + 2)
        guard end == record.dataOffset + record.dataLength else { throw .invalidRecordData }
        return MX(host: host, pref: pref)
    }

    /// The fields of an SRV record (RFC 2782). The corresponding Go method is `(*dnsmessage.Parser).SRVResource`.
    func srv(_ record: DNSResourceHeader) throws(DNSMessageError) -> SRV {
        guard record.dataLength >= 7 else { throw .invalidRecordData }
        let d = record.dataOffset
        let (target, end) = try name(in: record, at: d + 6)
        guard end == d + record.dataLength else { throw .invalidRecordData }
        return SRV(target: target, port: u16(at: d + 4), priority: u16(at: d), weight: u16(at: d + 2))
    }

    /// The character-strings of a TXT record joined into one string (Go joins them without a separator).
    ///
    /// The corresponding Go code is `(*dnsmessage.Parser).TXTResource` and the join in `goLookupTXT`.
    func txt(_ record: DNSResourceHeader) throws(DNSMessageError) -> String {
        var bytes: [UInt8] = []
        try txtStrings(record) { start, count in bytes.append(contentsOf: message[start..<(start + count)]) }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// The character-strings of a TXT record, each as its own string.
    func txtStrings(_ record: DNSResourceHeader) throws(DNSMessageError) -> [String] {
        var strings: [String] = []
        try txtStrings(record) { start, count in
            strings.append(String(decoding: message[start..<(start + count)], as: UTF8.self))
        }
        return strings
    }

    /// Calls `body(start, count)` for each character-string of a TXT record; the strings must fill the data
    /// exactly, and there must be at least one (RFC 1035 §3.3.14).
    private func txtStrings(_ record: DNSResourceHeader, _ body: (Int, Int) -> Void) throws(DNSMessageError) {
        var position = record.dataOffset
        let end = record.dataOffset + record.dataLength
        guard position < end else { throw .invalidRecordData }
        while position < end {
            let count = Int(message[position])
            guard position + 1 + count <= end else { throw .invalidRecordData }
            body(position + 1, count)
            position += 1 + count
        }
    }

    /// The fields of an SOA record (RFC 1035 §3.3.13). The corresponding Go method is
    /// `(*dnsmessage.Parser).SOAResource`.
    func soa(_ record: DNSResourceHeader) throws(DNSMessageError) -> DNSSOA {
        let (ns, afterNS) = try name(in: record, at: record.dataOffset)
        let (mbox, afterMBox) = try name(in: record, at: afterNS)
        guard afterMBox + 20 == record.dataOffset + record.dataLength else { throw .invalidRecordData }
        func u32(_ i: Int) -> UInt32 { UInt32(u16(at: i)) << 16 | UInt32(u16(at: i + 2)) }
        return DNSSOA(
            ns: ns, mbox: mbox, serial: u32(afterMBox), refresh: u32(afterMBox + 4), retry: u32(afterMBox + 8),
            expire: u32(afterMBox + 12), minTTL: u32(afterMBox + 16))
    }

    /// The response code extended by the OPT record's upper eight bits (RFC 6891 §6.1.3), and whether the
    /// message has any additional record. Reads ahead on a copy; `self` does not move.
    ///
    /// The corresponding Go function is the unexported `net.extractExtendedRCode`.
    func extendedRCode() -> (rcode: DNSRCode, hasAdditional: Bool) {
        var ahead = self
        var hasAdditional = false
        while true {
            guard let record = try? ahead.resource(in: .additionals) else {
                return (header.rcode, hasAdditional)
            }
            hasAdditional = true
            if record.type == .opt {
                return (DNSEDNS0.extendedRCode(ttl: record.ttl, headerRCode: header.rcode), true)
            }
        }
    }
}

/// The fields of an SOA record, found in the authority section of negative answers (RFC 2308).
///
/// The corresponding Go type is `dnsmessage.SOAResource`.
struct DNSSOA: Hashable, Sendable {
    var ns: String
    var mbox: String
    var serial: UInt32
    var refresh: UInt32
    var retry: UInt32
    var expire: UInt32
    var minTTL: UInt32
}
