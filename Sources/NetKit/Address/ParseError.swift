// ParseError: the failures of the address parsers, with Go's texts word for word.
//
// Go reports address-parsing failures with several types: `net.ParseError` ("invalid IP address:
// x"), and in net/netip the unexported `parseAddrError` (`ParseAddr("1.2.3"): IPv4 address too
// short`), `parsePrefixError` (`netip.ParsePrefix("1.2.3.4"): no '/'`) and plain errors from
// `ParseAddrPort` and `Addr.Prefix`. One typed Swift error covers them: `function` says which Go
// API failed, `reason` why, and `description` is Go's `Error()` text.

/// An address that could not be parsed, or a prefix length that does not fit its address.
///
/// `description` is the text of the corresponding Go error, word for word: `net.ParseError`'s
/// `"invalid " + Type + ": " + Text`, or net/netip's `ParseAddr(...)`, `netip.ParsePrefix(...)`,
/// `ParseAddrPort` and `Addr.Prefix` error texts.
///
/// The corresponding Go type is `net.ParseError` (and net/netip's parse errors).
public struct ParseError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Which Go API reported the error; it decides the shape of the text.
    ///
    /// The corresponding Go types are `net.ParseError`, `netip.parseAddrError`,
    /// `netip.parsePrefixError` and the `errors.New` errors of `ParseAddrPort` and `Addr.Prefix`.
    public enum Function: Hashable, Sendable {
        /// `net.ParseError` with this `Type` ("IP address", "CIDR address"):
        /// "invalid " + type + ": " + input.
        case net(type: String)
        /// netip.ParseAddr: `ParseAddr("in"): message (at "rest")`.
        case parseAddr
        /// netip.ParsePrefix: `netip.ParsePrefix("in"): message`.
        case parsePrefix
        /// netip.ParseAddrPort's own errors (the text is the message alone).
        case parseAddrPort
        /// netip.Addr.Prefix's errors (the text is the message alone).
        case addrPrefix
    }

    /// Why parsing failed. Each case's text is Go's message.
    ///
    /// The corresponding Go values are the `msg` strings of net/netip's parse errors.
    public indirect enum Reason: Hashable, Sendable {
        /// net.ParseError carries no reason.
        case invalid
        // netip.ParseAddr
        /// "unable to parse IP" (no '.', ':' or '%').
        case unableToParseIP
        /// "missing IPv6 address" (a '%' before any '.' or ':').
        case missingIPv6Address
        /// "IPv4 field has octet with leading zero".
        case ipv4LeadingZero
        /// "IPv4 field has value >255".
        case ipv4FieldTooLarge
        /// "IPv4 field must have at least one digit".
        case ipv4EmptyField
        /// "IPv4 address too long".
        case ipv4TooLong
        /// "IPv4 address too short".
        case ipv4TooShort
        /// "unexpected character".
        case unexpectedCharacter
        /// "zone must be a non-empty string".
        case emptyZone
        /// "each group must have 4 or less digits".
        case ipv6GroupTooLong
        /// "IPv6 field has value >=2^16".
        case ipv6FieldTooLarge
        /// "each colon-separated field must have at least one digit".
        case ipv6EmptyField
        /// "embedded IPv4 address must replace the final 2 fields of the address".
        case embeddedIPv4NotLast
        /// "too many hex fields to fit an embedded IPv4 at the end of the address".
        case embeddedIPv4NoRoom
        /// "unexpected character, want colon".
        case wantColon
        /// "colon must be followed by more characters".
        case trailingColon
        /// "multiple :: in address".
        case multipleEllipses
        /// "trailing garbage after address".
        case trailingGarbage
        /// "address string too short".
        case ipv6TooShort
        /// "the :: must expand to at least one field of zeros".
        case emptyEllipsis
        // netip.ParsePrefix
        /// "no '/'".
        case noSlash
        /// The address part failed: the wrapped ParseAddr error's text.
        case address(ParseError)
        /// "IPv6 zones cannot be present in a prefix".
        case zoneInPrefix
        /// "bad bits after slash: " + quoted bits.
        case badBits(String)
        /// "prefix length out of range".
        case prefixLengthOutOfRange
        // netip.ParseAddrPort
        /// "not an ip:port".
        case notAnIPPort
        /// "no IP".
        case noIP
        /// "no port".
        case noPort
        /// "missing ]".
        case missingBracket
        /// "invalid port " + quoted port + " parsing " + quoted input.
        case invalidPort(String)
        /// "invalid ip:port " + quoted input + ", square brackets can only be used with IPv6 addresses".
        case bracketedIPv4
        /// "invalid ip:port " + quoted input + ", IPv6 addresses must be surrounded by square brackets".
        case unbracketedIPv6
        // netip.Addr.Prefix
        /// "negative Prefix bits".
        case negativePrefixBits
        /// "prefix length N too large for IPv4" / "... for IPv6".
        case prefixLengthTooLarge(Int, ipv6: Bool)
    }

    /// The Go API that failed.
    public let function: Function
    /// The text that failed to parse (Go's `Text` / `in`); "" for `Addr.Prefix` errors.
    public let input: String
    /// Why it failed.
    ///
    /// The corresponding Go field is the `msg` of netip's `parseAddrError`/`parsePrefixError`.
    public let reason: Reason
    /// For `ParseAddr` errors, the unparsed rest of the input where the error was found ("" if none).
    ///
    /// The corresponding Go field is `netip.parseAddrError.at`.
    public let at: String

    /// An error reported by `function` for `input`.
    ///
    /// Builds the value of a Go error such as `netip.parseAddrError{in, msg, at}`.
    public init(_ function: Function, input: String, reason: Reason, at: String = "") {
        self.function = function
        self.input = input
        self.reason = reason
        self.at = at
    }

    /// A `net.ParseError` with the given `Type` and `Text`: "invalid " + type + ": " + text.
    ///
    /// The corresponding Go type is `net.ParseError{Type, Text}`.
    public init(type: String, text: String) {
        self.init(.net(type: type), input: text, reason: .invalid)
    }

    /// For a `net.ParseError`, its `Type` ("IP address", "CIDR address"); otherwise nil.
    ///
    /// The corresponding Go field is `net.ParseError.Type`.
    public var type: String? {
        if case .net(let type) = function { return type }
        return nil
    }

    /// Go's error text.
    ///
    /// The corresponding Go method is `net.ParseError.Error` (and the netip errors' `Error`).
    public var description: String {
        switch function {
        case .net(let type):
            return "invalid " + type + ": " + input
        case .parseAddr:
            let head = "ParseAddr(" + ParseError.quote(input) + "): " + message
            return at.isEmpty ? head : head + " (at " + ParseError.quote(at) + ")"
        case .parsePrefix:
            return "netip.ParsePrefix(" + ParseError.quote(input) + "): " + message
        case .parseAddrPort, .addrPrefix:
            return message
        }
    }

    /// The message part of the text.
    ///
    /// The corresponding Go field is the `msg` of netip's parse errors (the whole text for
    /// `ParseAddrPort`'s and `Addr.Prefix`'s `errors.New` errors).
    public var message: String {
        switch reason {
        case .invalid: return ""
        case .unableToParseIP: return "unable to parse IP"
        case .missingIPv6Address: return "missing IPv6 address"
        case .ipv4LeadingZero: return "IPv4 field has octet with leading zero"
        case .ipv4FieldTooLarge: return "IPv4 field has value >255"
        case .ipv4EmptyField: return "IPv4 field must have at least one digit"
        case .ipv4TooLong: return "IPv4 address too long"
        case .ipv4TooShort: return "IPv4 address too short"
        case .unexpectedCharacter: return "unexpected character"
        case .emptyZone: return "zone must be a non-empty string"
        case .ipv6GroupTooLong: return "each group must have 4 or less digits"
        case .ipv6FieldTooLarge: return "IPv6 field has value >=2^16"
        case .ipv6EmptyField: return "each colon-separated field must have at least one digit"
        case .embeddedIPv4NotLast: return "embedded IPv4 address must replace the final 2 fields of the address"
        case .embeddedIPv4NoRoom: return "too many hex fields to fit an embedded IPv4 at the end of the address"
        case .wantColon: return "unexpected character, want colon"
        case .trailingColon: return "colon must be followed by more characters"
        case .multipleEllipses: return "multiple :: in address"
        case .trailingGarbage: return "trailing garbage after address"
        case .ipv6TooShort: return "address string too short"
        case .emptyEllipsis: return "the :: must expand to at least one field of zeros"
        case .noSlash: return "no '/'"
        case .address(let error): return error.description
        case .zoneInPrefix: return "IPv6 zones cannot be present in a prefix"
        case .badBits(let bits): return "bad bits after slash: " + ParseError.quote(bits)
        case .prefixLengthOutOfRange: return "prefix length out of range"
        case .notAnIPPort: return "not an ip:port"
        case .noIP: return "no IP"
        case .noPort: return "no port"
        case .missingBracket: return "missing ]"
        case .invalidPort(let port):
            return "invalid port " + ParseError.quote(port) + " parsing " + ParseError.quote(input)
        case .bracketedIPv4:
            return "invalid ip:port " + ParseError.quote(input)
                + ", square brackets can only be used with IPv6 addresses"
        case .unbracketedIPv6:
            return "invalid ip:port " + ParseError.quote(input)
                + ", IPv6 addresses must be surrounded by square brackets"
        case .negativePrefixBits: return "negative Prefix bits"
        case .prefixLengthTooLarge(let bits, let ipv6):
            return "prefix length " + String(bits) + " too large for " + (ipv6 ? "IPv6" : "IPv4")
        }
    }

    /// Go's `strconv.Quote`: a double-quoted string literal with Go escapes for `"`, `\`,
    /// control characters and non-printable runes; printable runes (Unicode L, M, N, P, S and the
    /// ASCII space) are kept as they are.
    static func quote(_ s: String) -> String {
        var out = "\""
        out.reserveCapacity(s.utf8.count + 2)
        let hex: [Character] = ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9", "a", "b", "c", "d", "e", "f"]
        for scalar in s.unicodeScalars {
            let v = scalar.value
            if v == 0x22 || v == 0x5c {
                out.append("\\")
                out.unicodeScalars.append(scalar)
                continue
            }
            if isGoPrintable(scalar) {
                out.unicodeScalars.append(scalar)
                continue
            }
            switch v {
            case 0x07: out += "\\a"
            case 0x08: out += "\\b"
            case 0x0c: out += "\\f"
            case 0x0a: out += "\\n"
            case 0x0d: out += "\\r"
            case 0x09: out += "\\t"
            case 0x0b: out += "\\v"
            case ..<0x20, 0x7f:
                out += "\\x"
                out.append(hex[Int(v >> 4)])
                out.append(hex[Int(v & 0xf)])
            case ..<0x10000:
                out += "\\u"
                for shift in stride(from: 12, through: 0, by: -4) { out.append(hex[Int((v >> UInt32(shift)) & 0xf)]) }
            default:
                out += "\\U"
                for shift in stride(from: 28, through: 0, by: -4) { out.append(hex[Int((v >> UInt32(shift)) & 0xf)]) }
            }
        }
        out.append("\"")
        return out
    }

    /// Go's `strconv.IsPrint`: letters, marks, numbers, punctuation, symbols and U+0020.
    static func isGoPrintable(_ scalar: Unicode.Scalar) -> Bool {
        let v = scalar.value
        if v < 0x80 { return v >= 0x20 && v < 0x7f }
        switch scalar.properties.generalCategory {
        case .uppercaseLetter, .lowercaseLetter, .titlecaseLetter, .modifierLetter, .otherLetter,
             .nonspacingMark, .spacingMark, .enclosingMark,
             .decimalNumber, .letterNumber, .otherNumber,
             .connectorPunctuation, .dashPunctuation, .openPunctuation, .closePunctuation,
             .initialPunctuation, .finalPunctuation, .otherPunctuation,
             .mathSymbol, .currencySymbol, .modifierSymbol, .otherSymbol:
            return true
        default:
            return false
        }
    }
}
