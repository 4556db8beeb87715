// Parsing IP addresses: netip.ParseAddr (`IP.parse`, `IP(_:)`) and net.ParseIP (`parseIP`).
//
// One byte scanner, run over the string's UTF-8 storage in place (no intermediate arrays or
// substrings), reproduces Go's parser step by step so that the accepted language and the error
// reported for a rejected input (message and "at" position) are Go's. Strings for the error and the
// zone are made only when needed.

import Glibc

extension IP {
    /// Why the scanner stopped: a trivial (retain-free) mirror of ParseAddr's `ParseError.Reason`s.
    enum ScanFailure: UInt8 {
        case unableToParseIP, missingIPv6Address, ipv4LeadingZero, ipv4FieldTooLarge, ipv4EmptyField
        case ipv4TooLong, ipv4TooShort, unexpectedCharacter, emptyZone, ipv6GroupTooLong, ipv6FieldTooLarge
        case ipv6EmptyField, embeddedIPv4NotLast, embeddedIPv4NoRoom, wantColon, trailingColon
        case multipleEllipses, trailingGarbage, ipv6TooShort, emptyEllipsis

        var reason: ParseError.Reason {
            switch self {
            case .unableToParseIP: .unableToParseIP
            case .missingIPv6Address: .missingIPv6Address
            case .ipv4LeadingZero: .ipv4LeadingZero
            case .ipv4FieldTooLarge: .ipv4FieldTooLarge
            case .ipv4EmptyField: .ipv4EmptyField
            case .ipv4TooLong: .ipv4TooLong
            case .ipv4TooShort: .ipv4TooShort
            case .unexpectedCharacter: .unexpectedCharacter
            case .emptyZone: .emptyZone
            case .ipv6GroupTooLong: .ipv6GroupTooLong
            case .ipv6FieldTooLarge: .ipv6FieldTooLarge
            case .ipv6EmptyField: .ipv6EmptyField
            case .embeddedIPv4NotLast: .embeddedIPv4NotLast
            case .embeddedIPv4NoRoom: .embeddedIPv4NoRoom
            case .wantColon: .wantColon
            case .trailingColon: .trailingColon
            case .multipleEllipses: .multipleEllipses
            case .trailingGarbage: .trailingGarbage
            case .ipv6TooShort: .ipv6TooShort
            case .emptyEllipsis: .emptyEllipsis
            }
        }
    }

    /// What the scanner found: an address (zone as a byte range) or a failure.
    struct Scan {
        var hi: UInt64 = 0
        var lo: UInt64 = 0
        var kind: Kind = .invalid
        /// Start of the zone after '%' (`-1`: no zone).
        var zoneStart = -1
        var failure: ScanFailure?
        /// Start of Go's `at` (the unparsed rest), `-1` for none; it ends at `atEnd`.
        var at = -1
        var atEnd = 0

        init(failure: ScanFailure, at: Int = -1, atEnd: Int = 0) {
            self.failure = failure
            self.at = at
            self.atEnd = atEnd
        }

        init(hi: UInt64, lo: UInt64, kind: Kind, zoneStart: Int = -1) {
            self.hi = hi
            self.lo = lo
            self.kind = kind
            self.zoneStart = zoneStart
        }
    }

    /// Runs `body` over the UTF-8 bytes of `s` without copying them when they are contiguous.
    @inline(__always)
    static func withUTF8Bytes<R>(_ s: String, _ body: (UnsafeBufferPointer<UInt8>) -> R) -> R {
        if let result = s.utf8.withContiguousStorageIfAvailable(body) { return result }
        var copy = s
        copy.makeContiguousUTF8()
        return copy.utf8.withContiguousStorageIfAvailable(body)!
    }

    /// netip.ParseAddr's dispatch: the first '.', ':' or '%' decides the family.
    static func scanAddr(_ p: UnsafeBufferPointer<UInt8>) -> Scan {
        for i in 0..<p.count {
            switch p[i] {
            case UInt8(ascii: "."):
                let v4 = scanIPv4(p, 0, p.count)
                if let failure = v4.failure {
                    return Scan(failure: failure, at: v4.at, atEnd: p.count)
                }
                return Scan(hi: 0, lo: 0xffff_0000_0000 | UInt64(v4.value), kind: .v4)
            case UInt8(ascii: ":"):
                return scanIPv6(p)
            case UInt8(ascii: "%"):
                return Scan(failure: .missingIPv6Address)
            default:
                continue
            }
        }
        return Scan(failure: .unableToParseIP)
    }

    /// Go's parseIPv4Fields over p[start..<end]: dotted decimal, exactly 4 fields of 0-255,
    /// no leading zeros.
    @inline(__always)
    static func scanIPv4(
        _ p: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int
    ) -> (value: UInt32, failure: ScanFailure?, at: Int) {
        var value: UInt32 = 0
        var fieldValue: UInt32 = 0
        var fields = 0
        var digits = 0
        var i = start
        while i < end {
            let c = p[i]
            let d = c &- UInt8(ascii: "0")
            if d < 10 {
                if digits == 1 && fieldValue == 0 { return (0, .ipv4LeadingZero, -1) }
                fieldValue = fieldValue * 10 + UInt32(d)
                digits += 1
                if fieldValue > 255 { return (0, .ipv4FieldTooLarge, -1) }
            } else if c == UInt8(ascii: ".") {
                // ".1.2.3", "1.2.3.", "1..2.3"
                if i == start || i == end - 1 || p[i - 1] == UInt8(ascii: ".") {
                    return (0, .ipv4EmptyField, i)
                }
                if fields == 3 { return (0, .ipv4TooLong, -1) }
                value = value << 8 | fieldValue
                fields += 1
                fieldValue = 0
                digits = 0
            } else {
                return (0, .unexpectedCharacter, i)
            }
            i += 1
        }
        if fields < 3 { return (0, .ipv4TooShort, -1) }
        return (value << 8 | fieldValue, nil, -1)
    }

    /// Go's parseIPv6: hex groups, at most one "::", an optional trailing dotted IPv4, an
    /// optional non-empty zone after the first '%'.
    static func scanIPv6(_ p: UnsafeBufferPointer<UInt8>) -> Scan {
        let n = p.count
        var end = n
        var zoneStart = -1
        if let base = p.baseAddress, let percent = memchr(base, Int32(UInt8(ascii: "%")), n) {
            end = base.distance(to: percent.assumingMemoryBound(to: UInt8.self))
            zoneStart = end + 1
            if zoneStart == n { return Scan(failure: .emptyZone) }
        }
        let colon = UInt8(ascii: ":")
        var s = 0
        var ip: UInt128 = 0
        var filled = 0  // bytes of the address parsed so far
        var ellipsis = -1  // byte position of "::"

        if end - s >= 2 && p[s] == colon && p[s + 1] == colon {
            ellipsis = 0
            s += 2
            if s == end {
                return Scan(hi: 0, lo: 0, kind: .v6, zoneStart: zoneStart)
            }
        }

        while filled < 16 {
            var off = 0
            var acc: UInt32 = 0
            while s + off < end {
                let c = p[s + off]
                var digit = c &- UInt8(ascii: "0")
                if digit >= 10 {
                    // 'a'...'f' or 'A'...'F' (setting bit 5 lowercases ASCII letters).
                    digit = (c | 0x20) &- UInt8(ascii: "a")
                    if digit >= 6 { break }
                    digit &+= 10
                }
                acc = acc << 4 + UInt32(digit)
                if off > 3 { return Scan(failure: .ipv6GroupTooLong, at: s, atEnd: end) }
                if acc > 0xffff { return Scan(failure: .ipv6FieldTooLarge, at: s, atEnd: end) }
                off += 1
            }
            if off == 0 { return Scan(failure: .ipv6EmptyField, at: s, atEnd: end) }

            // Followed by a dot: the trailing embedded IPv4.
            if s + off < end && p[s + off] == UInt8(ascii: ".") {
                if ellipsis < 0 && filled != 12 {
                    return Scan(failure: .embeddedIPv4NotLast, at: s, atEnd: end)
                }
                if filled + 4 > 16 {
                    return Scan(failure: .embeddedIPv4NoRoom, at: s, atEnd: end)
                }
                let v4 = scanIPv4(p, s, end)
                if let failure = v4.failure { return Scan(failure: failure, at: v4.at, atEnd: end) }
                ip = ip << 32 | UInt128(v4.value)
                filled += 4
                s = end
                break
            }

            ip = ip << 16 | UInt128(acc)
            filled += 2

            s += off
            if s == end { break }

            if p[s] != colon {
                return Scan(failure: .wantColon, at: s, atEnd: end)
            } else if end - s == 1 {
                return Scan(failure: .trailingColon, at: s, atEnd: end)
            }
            s += 1

            if p[s] == colon {
                if ellipsis >= 0 { return Scan(failure: .multipleEllipses, at: s, atEnd: end) }
                ellipsis = filled
                s += 1
                if s == end { break }
            }
        }

        if s != end { return Scan(failure: .trailingGarbage, at: s, atEnd: end) }

        if filled < 16 {
            if ellipsis < 0 { return Scan(failure: .ipv6TooShort) }
            // Move the groups after "::" to the end; the "::" becomes zeros.
            let tailBits = (filled - ellipsis) * 8
            let tail = ip & ((UInt128(1) << tailBits) &- 1)
            let head = ip >> tailBits
            ip = head << ((16 - ellipsis) * 8) | tail
        } else if ellipsis >= 0 {
            return Scan(failure: .emptyEllipsis)
        }
        return Scan(
            hi: UInt64(truncatingIfNeeded: ip >> 64), lo: UInt64(truncatingIfNeeded: ip),
            kind: .v6, zoneStart: zoneStart)
    }

    /// The IP for a successful scan of `p`, or the ParseAddr error for `input`.
    static func finish(_ scan: Scan, _ p: UnsafeBufferPointer<UInt8>, input: String) -> Result<IP, ParseError> {
        if let failure = scan.failure {
            var at = ""
            if scan.at >= 0 && scan.at < scan.atEnd {
                at = String(decoding: UnsafeBufferPointer(rebasing: p[scan.at..<scan.atEnd]), as: UTF8.self)
            }
            return .failure(ParseError(.parseAddr, input: input, reason: failure.reason, at: at))
        }
        var zone = ""
        if scan.zoneStart >= 0 {
            zone = String(decoding: UnsafeBufferPointer(rebasing: p[scan.zoneStart...]), as: UTF8.self)
        }
        return .success(IP(hi: scan.hi, lo: scan.lo, kind: scan.kind, zone: zone))
    }

    /// Parses `s` as an IP address: dotted decimal ("192.0.2.1"), IPv6 ("2001:db8::68") or IPv6
    /// with a zone ("fe80::1cc0:3e8c:119f:c2e1%ens18"). IPv4 fields must not have leading zeros,
    /// IPv6 groups have at most 4 hex digits, zones are IPv6-only and must not be empty.
    /// "::ffff:1.2.3.4" parses as the IPv4-mapped IPv6 address.
    ///
    /// Throws a `ParseError` whose description is Go's, e.g.
    /// `ParseAddr("1.2.3"): IPv4 address too short`.
    ///
    /// The corresponding Go function is `netip.ParseAddr`.
    public static func parse(_ s: String) throws(ParseError) -> IP {
        let scan = withUTF8Bytes(s) { scanAddr($0) }
        if scan.failure == nil && scan.zoneStart < 0 {
            return IP(hi: scan.hi, lo: scan.lo, kind: scan.kind)
        }
        // A zone or an error: make their strings.
        return try withUTF8Bytes(s) { p in finish(scan, p, input: s) }.get()
    }

    /// Parses `description` as `IP.parse` does; nil when it is not an address.
    ///
    /// The corresponding Go function is `netip.ParseAddr`.
    public init?(_ description: String) {
        let scan = IP.withUTF8Bytes(description) { IP.scanAddr($0) }
        if scan.failure != nil { return nil }
        var zone = ""
        if scan.zoneStart >= 0 {
            zone = IP.withUTF8Bytes(description) { p in
                String(decoding: UnsafeBufferPointer(rebasing: p[scan.zoneStart...]), as: UTF8.self)
            }
        }
        self.init(hi: scan.hi, lo: scan.lo, kind: scan.kind, zone: zone)
    }
}

/// Parses `s` as an IP address in dotted decimal ("192.0.2.1") or IPv6 ("2001:db8::68") form; nil
/// when it is not one. Zones are rejected. An IPv4 address, written either as a dotted quad or
/// IPv4-mapped ("::ffff:192.0.2.1"), gives the IPv4 `IP`: `net.ParseIP` returns the same 16 bytes
/// for both (use `IP.parse` to keep the IPv4-mapped IPv6 form).
///
/// The corresponding Go function is `net.ParseIP`.
public func parseIP(_ s: String) -> IP? {
    let scan = IP.withUTF8Bytes(s) { IP.scanAddr($0) }
    if scan.failure != nil || scan.zoneStart >= 0 { return nil }
    return IP(hi: scan.hi, lo: scan.lo, kind: scan.kind).unmap()
}
