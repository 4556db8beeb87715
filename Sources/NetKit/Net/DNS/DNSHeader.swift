// The fixed part of a DNS message: the 12-byte header and the codes it carries (RFC 1035 §4.1.1, RFC 6895).
// (Go: golang.org/x/net/dns/dnsmessage `Header`, `Type`, `Class`, `RCode`.)

/// A resource record type (RFC 1035 §3.2.2, RFC 3596, RFC 2782, RFC 6891).
///
/// The corresponding Go type is `dnsmessage.Type`.
struct DNSType: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    var rawValue: UInt16

    static let a = DNSType(rawValue: 1)
    static let ns = DNSType(rawValue: 2)
    static let cname = DNSType(rawValue: 5)
    static let soa = DNSType(rawValue: 6)
    static let ptr = DNSType(rawValue: 12)
    static let mx = DNSType(rawValue: 15)
    static let txt = DNSType(rawValue: 16)
    static let aaaa = DNSType(rawValue: 28)
    static let srv = DNSType(rawValue: 33)
    static let opt = DNSType(rawValue: 41)

    /// The mnemonic ("A", "MX", …), or "TYPE<n>" (RFC 3597) for others.
    var description: String {
        switch self {
        case .a: "A"
        case .ns: "NS"
        case .cname: "CNAME"
        case .soa: "SOA"
        case .ptr: "PTR"
        case .mx: "MX"
        case .txt: "TXT"
        case .aaaa: "AAAA"
        case .srv: "SRV"
        case .opt: "OPT"
        default: "TYPE\(rawValue)"
        }
    }
}

/// A resource record class; only `IN` is used. The corresponding Go type is `dnsmessage.Class`.
struct DNSClass: RawRepresentable, Hashable, Sendable {
    var rawValue: UInt16
    static let inet = DNSClass(rawValue: 1)
}

/// A response code: the header's four bits, extended to twelve by the OPT record (RFC 6891 §6.1.3).
///
/// The corresponding Go type is `dnsmessage.RCode`.
struct DNSRCode: RawRepresentable, Hashable, Sendable {
    var rawValue: UInt16

    static let success = DNSRCode(rawValue: 0)
    static let formatError = DNSRCode(rawValue: 1)
    static let serverFailure = DNSRCode(rawValue: 2)
    static let nameError = DNSRCode(rawValue: 3)
    static let notImplemented = DNSRCode(rawValue: 4)
    static let refused = DNSRCode(rawValue: 5)
}

/// The header of a DNS message (RFC 1035 §4.1.1), without the section counts, which the parser and builder
/// keep themselves.
///
/// The corresponding Go type is `dnsmessage.Header`.
struct DNSHeader: Hashable, Sendable {
    var id: UInt16 = 0
    var response = false
    var opcode: UInt8 = 0
    var authoritative = false
    var truncated = false
    var recursionDesired = false
    var recursionAvailable = false
    var authenticData = false
    var checkingDisabled = false
    /// The low four bits of the response code.
    var rcode: DNSRCode = .success

    /// The 16 bits after the ID.
    var flags: UInt16 {
        var bits = UInt16(rcode.rawValue & 0xF) | UInt16(opcode & 0xF) << 11
        if response { bits |= 1 << 15 }
        if authoritative { bits |= 1 << 10 }
        if truncated { bits |= 1 << 9 }
        if recursionDesired { bits |= 1 << 8 }
        if recursionAvailable { bits |= 1 << 7 }
        if authenticData { bits |= 1 << 5 }
        if checkingDisabled { bits |= 1 << 4 }
        return bits
    }

    init(
        id: UInt16 = 0, response: Bool = false, opcode: UInt8 = 0, authoritative: Bool = false,
        truncated: Bool = false, recursionDesired: Bool = false, recursionAvailable: Bool = false,
        authenticData: Bool = false, checkingDisabled: Bool = false, rcode: DNSRCode = .success
    ) {
        self.id = id
        self.response = response
        self.opcode = opcode
        self.authoritative = authoritative
        self.truncated = truncated
        self.recursionDesired = recursionDesired
        self.recursionAvailable = recursionAvailable
        self.authenticData = authenticData
        self.checkingDisabled = checkingDisabled
        self.rcode = rcode
    }

    init(id: UInt16, flags: UInt16) {
        self.id = id
        response = flags & (1 << 15) != 0
        opcode = UInt8((flags >> 11) & 0xF)
        authoritative = flags & (1 << 10) != 0
        truncated = flags & (1 << 9) != 0
        recursionDesired = flags & (1 << 8) != 0
        recursionAvailable = flags & (1 << 7) != 0
        authenticData = flags & (1 << 5) != 0
        checkingDisabled = flags & (1 << 4) != 0
        rcode = DNSRCode(rawValue: flags & 0xF)
    }
}

/// The sections of a message, in wire order.
enum DNSSection: Int, Sendable, Comparable {
    case questions, answers, authorities, additionals

    static func < (a: DNSSection, b: DNSSection) -> Bool { a.rawValue < b.rawValue }
}

/// Why a message could not be parsed or built. The resolver reports all of them as Go's
/// "cannot unmarshal DNS message" (parsing) or "cannot marshal DNS message" (building).
///
/// The corresponding Go values are dnsmessage's unexported errors (`errBaseLen`, `errTooManyPtr`, …).
enum DNSMessageError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The message ends inside a header, name or record (also: a count promises more than there is).
    case short
    /// A compression pointer points forwards, at itself, or outside the message.
    case invalidPointer
    /// More compression pointers in one name than it could possibly need.
    case tooManyPointers
    /// A label type other than a length or a pointer (the obsolete 0x40/0x80 kinds).
    case reservedLabel
    /// A name longer than 255 bytes in wire form.
    case nameTooLong
    /// A label longer than 63 bytes, or an empty label inside a name.
    case invalidLabel
    /// A record's data does not have the size or layout its type requires.
    case invalidRecordData
    /// A section was added after a later one, or a count would pass 65535.
    case sectionOrder
    /// A message longer than 65535 bytes (or than a TCP length prefix can say).
    case messageTooLong

    var description: String {
        switch self {
        case .short: "insufficient data for base length type"
        case .invalidPointer: "invalid pointer"
        case .tooManyPointers: "too many pointers"
        case .reservedLabel: "segment prefix is reserved"
        case .nameTooLong: "name too long"
        case .invalidLabel: "invalid label"
        case .invalidRecordData: "invalid resource data"
        case .sectionOrder: "section out of order"
        case .messageTooLong: "message too long"
        }
    }
}
