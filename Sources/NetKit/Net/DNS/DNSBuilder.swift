// Writing a DNS message (RFC 1035 §4.1), with name compression (§4.1.4) and EDNS(0) (RFC 6891).
// (Go: golang.org/x/net/dns/dnsmessage `Builder`.)

/// Builds one DNS message section by section: questions, then answers, authorities and additionals, in that
/// order. The counts in the header are filled in by `finish()`.
///
/// With `compress`, every name (owner names and the names inside NS, CNAME, PTR, MX, SOA records; SRV targets
/// too, as most servers do) is written as its longest already-written suffix's pointer when there is one.
/// The resolver builds its queries without compression (one name, nothing to point to); tests build answers
/// with it.
///
/// The corresponding Go type is `dnsmessage.Builder`.
struct DNSBuilder {
    /// The message so far.
    private(set) var bytes: [UInt8]
    /// The section being written.
    private var section = DNSSection.questions
    /// The counts of the four sections (a tuple: no allocation).
    private var counts: (Int, Int, Int, Int) = (0, 0, 0, 0)

    /// The count of `section`.
    private func count(of section: DNSSection) -> Int {
        switch section {
        case .questions: counts.0
        case .answers: counts.1
        case .authorities: counts.2
        case .additionals: counts.3
        }
    }
    /// Lower-cased presentation-form suffixes already written, and where.
    private var compression: [String: Int]?

    /// Starts a message with `header`.
    ///
    /// The corresponding Go function is `dnsmessage.NewBuilder`.
    init(header: DNSHeader, compress: Bool = false, capacity: Int = 512) {
        bytes = []
        bytes.reserveCapacity(capacity)
        appendU16(header.id)
        appendU16(header.flags)
        bytes.append(contentsOf: [0, 0, 0, 0, 0, 0, 0, 0])
        compression = compress ? [:] : nil
    }

    private mutating func appendU16(_ value: UInt16) {
        bytes.append(UInt8(value >> 8))
        bytes.append(UInt8(value & 0xFF))
    }

    private mutating func appendU32(_ value: UInt32) {
        appendU16(UInt16(value >> 16))
        appendU16(UInt16(value & 0xFFFF))
    }

    /// Switches to `next` (which must not come before the current section) and counts one more entry there.
    private mutating func enter(_ next: DNSSection) throws(DNSMessageError) {
        guard next >= section, count(of: next) < 0xFFFF else { throw .sectionOrder }
        section = next
        switch next {
        case .questions: counts.0 += 1
        case .answers: counts.1 += 1
        case .authorities: counts.2 += 1
        case .additionals: counts.3 += 1
        }
    }

    /// Writes `name` in wire form, compressed if enabled.
    mutating func appendName(_ name: String) throws(DNSMessageError) {
        var labels: [[UInt8]] = []
        try DNSName.forEachLabel(of: name) { label throws(DNSMessageError) in labels.append(label) }
        guard compression != nil else {
            for label in labels {
                bytes.append(UInt8(label.count))
                bytes.append(contentsOf: label)
            }
            bytes.append(0)
            return
        }
        for index in labels.indices {
            let key = Self.key(labels[index...])
            if let target = compression?[key] {
                appendU16(0xC000 | UInt16(target))
                return
            }
            if bytes.count <= 0x3FFF {
                compression?[key] = bytes.count
            }
            bytes.append(UInt8(labels[index].count))
            bytes.append(contentsOf: labels[index])
        }
        bytes.append(0)
    }

    /// The compression key of a suffix: its labels, lower-cased, in presentation form.
    private static func key(_ labels: ArraySlice<[UInt8]>) -> String {
        var text: [UInt8] = []
        for label in labels {
            for byte in label { DNSName.appendEscaped(DNSName.lowerASCII(byte), to: &text) }
            text.append(UInt8(ascii: "."))
        }
        return String(decoding: text, as: UTF8.self)
    }

    /// Adds a question. The corresponding Go method is `(*dnsmessage.Builder).Question`.
    mutating func question(_ name: String, _ type: DNSType, _ class: DNSClass = .inet) throws(DNSMessageError) {
        try enter(.questions)
        try appendName(name)
        appendU16(type.rawValue)
        appendU16(`class`.rawValue)
    }

    /// Adds a question whose name is already in wire form (the resolver's queries).
    mutating func question(wire: [UInt8], _ type: DNSType, _ class: DNSClass = .inet) throws(DNSMessageError) {
        try enter(.questions)
        bytes.append(contentsOf: wire)
        appendU16(type.rawValue)
        appendU16(`class`.rawValue)
    }

    /// Adds a record to `section` whose data `data` writes; the data length is filled in afterwards.
    ///
    /// The corresponding Go methods are `(*dnsmessage.Builder).AResource`, `MXResource`, …
    mutating func record(
        _ section: DNSSection, name: String, type: DNSType, class: DNSClass = .inet, ttl: UInt32 = 300,
        data: (inout DNSBuilder) throws(DNSMessageError) -> Void
    ) throws(DNSMessageError) {
        guard section != .questions else { throw .sectionOrder }
        try enter(section)
        try appendName(name)
        appendU16(type.rawValue)
        appendU16(`class`.rawValue)
        appendU32(ttl)
        let lengthOffset = bytes.count
        appendU16(0)
        try data(&self)
        let length = bytes.count - lengthOffset - 2
        guard length <= 0xFFFF else { throw .messageTooLong }
        bytes[lengthOffset] = UInt8(length >> 8)
        bytes[lengthOffset + 1] = UInt8(length & 0xFF)
    }

    /// Adds raw record data bytes (inside `record`'s closure).
    mutating func appendData(_ data: some Sequence<UInt8>) { bytes.append(contentsOf: data) }

    /// Adds an A (IPv4) or AAAA (IPv6) record for `ip`.
    mutating func address(
        _ section: DNSSection = .answers, name: String, ip: IP, ttl: UInt32 = 300
    ) throws(DNSMessageError) {
        let unmapped = ip.unmap()
        let type: DNSType = unmapped.is4 ? .a : .aaaa
        let data = unmapped.is4 ? unmapped.bytes : ip.bytes
        try record(section, name: name, type: type, ttl: ttl) { b throws(DNSMessageError) in b.appendData(data) }
    }

    /// Adds a record whose data is one name: CNAME, NS or PTR.
    mutating func nameRecord(
        _ section: DNSSection = .answers, name: String, type: DNSType, target: String, ttl: UInt32 = 300
    ) throws(DNSMessageError) {
        try record(section, name: name, type: type, ttl: ttl) { b throws(DNSMessageError) in try b.appendName(target) }
    }

    /// Adds an MX record.
    mutating func mx(
        _ section: DNSSection = .answers, name: String, _ mx: MX, ttl: UInt32 = 300
    ) throws(DNSMessageError) {
        try record(section, name: name, type: .mx, ttl: ttl) { b throws(DNSMessageError) in
            b.appendU16(mx.pref)
            try b.appendName(mx.host)
        }
    }

    /// Adds an SRV record.
    mutating func srv(
        _ section: DNSSection = .answers, name: String, _ srv: SRV, ttl: UInt32 = 300
    ) throws(DNSMessageError) {
        try record(section, name: name, type: .srv, ttl: ttl) { b throws(DNSMessageError) in
            b.appendU16(srv.priority)
            b.appendU16(srv.weight)
            b.appendU16(srv.port)
            try b.appendName(srv.target)
        }
    }

    /// Adds a TXT record of the character-strings `strings` (each at most 255 bytes).
    mutating func txt(
        _ section: DNSSection = .answers, name: String, _ strings: [String], ttl: UInt32 = 300
    ) throws(DNSMessageError) {
        try record(section, name: name, type: .txt, ttl: ttl) { b throws(DNSMessageError) in
            for string in strings {
                guard string.utf8.count <= 255 else { throw .invalidRecordData }
                b.bytes.append(UInt8(string.utf8.count))
                b.appendData(string.utf8)
            }
        }
    }

    /// Adds an SOA record.
    mutating func soa(
        _ section: DNSSection = .authorities, name: String, _ soa: DNSSOA, ttl: UInt32 = 300
    ) throws(DNSMessageError) {
        try record(section, name: name, type: .soa, ttl: ttl) { b throws(DNSMessageError) in
            try b.appendName(soa.ns)
            try b.appendName(soa.mbox)
            for value in [soa.serial, soa.refresh, soa.retry, soa.expire, soa.minTTL] { b.appendU32(value) }
        }
    }

    /// Adds the EDNS(0) OPT record (RFC 6891): root owner name, the UDP payload size in the class, no options.
    ///
    /// The corresponding Go code is `ResourceHeader.SetEDNS0` with `(*dnsmessage.Builder).OPTResource`.
    mutating func opt(
        udpPayloadSize: Int = DNSEDNS0.udpPayloadSize, extendedRCode: DNSRCode = .success, dnssecOK: Bool = false
    ) throws(DNSMessageError) {
        try record(
            .additionals, name: ".", type: .opt, class: DNSClass(rawValue: UInt16(clamping: udpPayloadSize)),
            ttl: DNSEDNS0.ttl(extendedRCode: extendedRCode, dnssecOK: dnssecOK)
        ) { _ throws(DNSMessageError) in }
    }

    /// The finished message, counts filled in. The builder keeps its bytes, so this is cheap when the builder
    /// is not used again (no copy).
    ///
    /// - Throws: `messageTooLong` past 65535 bytes.
    ///
    /// The corresponding Go method is `(*dnsmessage.Builder).Finish`.
    mutating func finish() throws(DNSMessageError) -> [UInt8] {
        guard bytes.count <= 0xFFFF else { throw .messageTooLong }
        for (i, section) in [DNSSection.questions, .answers, .authorities, .additionals].enumerated() {
            let count = count(of: section)
            bytes[4 + 2 * i] = UInt8(count >> 8)
            bytes[5 + 2 * i] = UInt8(count & 0xFF)
        }
        return bytes
    }
}
