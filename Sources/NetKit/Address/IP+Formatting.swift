// Printing IP addresses: netip's String (RFC 5952, 4-in-6 kept as ::ffff:a.b.c.d), StringExpanded,
// net.IP's String (IPv4-mapped printed as a dotted quad, "<nil>" for no address), and the text
// encoding used by Codable (netip's MarshalText: "" for the zero value).
//
// Each string is written straight into the new String's storage: no intermediate arrays.

extension IP {
    /// "0123456789abcdef" as bytes.
    @usableFromInline
    static let hexDigits: StaticString = "0123456789abcdef"

    @inline(__always)
    static func hexDigit(_ v: UInt64) -> UInt8 {
        hexDigits.withUTF8Buffer { $0[Int(v & 0xf)] }
    }

    /// Writes the dotted decimal form of `v`; returns the new end.
    @inline(__always)
    static func writeV4(_ v: UInt32, _ out: UnsafeMutableBufferPointer<UInt8>, _ start: Int) -> Int {
        var i = start
        var shift: UInt32 = 24
        while true {
            let byte = UInt8(truncatingIfNeeded: v >> shift)
            if byte >= 100 {
                out[i] = UInt8(ascii: "0") + byte / 100
                i += 1
            }
            if byte >= 10 {
                out[i] = UInt8(ascii: "0") + byte / 10 % 10
                i += 1
            }
            out[i] = UInt8(ascii: "0") + byte % 10
            i += 1
            if shift == 0 { return i }
            out[i] = UInt8(ascii: ".")
            i += 1
            shift -= 8
        }
    }

    /// The i'th 16-bit group of the 128-bit address.
    @inline(__always)
    func group(_ i: Int) -> UInt64 {
        let half = i < 4 ? hi : lo
        return (half >> UInt64((3 - (i & 3)) * 16)) & 0xffff
    }

    /// Writes the RFC 5952 form (lowercase hex, no leading zeros, "::" for the first longest run
    /// of two or more zero groups); returns the new end.
    @inline(__always)
    func writeV6(_ out: UnsafeMutableBufferPointer<UInt8>, _ start: Int) -> Int {
        var zeroStart = -1
        var zeroLength = 1
        var i = 0
        while i < 8 {
            var j = i
            while j < 8 && group(j) == 0 { j += 1 }
            if j - i > zeroLength {
                zeroStart = i
                zeroLength = j - i
            }
            i = j == i ? i + 1 : j
        }
        var k = start
        i = 0
        while i < 8 {
            if i == zeroStart {
                out[k] = UInt8(ascii: ":")
                out[k + 1] = UInt8(ascii: ":")
                k += 2
                i += zeroLength
                if i >= 8 { break }
            } else if i > 0 {
                out[k] = UInt8(ascii: ":")
                k += 1
            }
            let g = group(i)
            if g >= 0x1000 { out[k] = IP.hexDigit(g >> 12); k += 1 }
            if g >= 0x100 { out[k] = IP.hexDigit(g >> 8); k += 1 }
            if g >= 0x10 { out[k] = IP.hexDigit(g >> 4); k += 1 }
            out[k] = IP.hexDigit(g)
            k += 1
            i += 1
        }
        return k
    }

    /// Appends "%zone" when there is a zone; returns the new end.
    @inline(__always)
    func writeZone(_ out: UnsafeMutableBufferPointer<UInt8>, _ start: Int) -> Int {
        if zoneStorage.isEmpty { return start }
        out[start] = UInt8(ascii: "%")
        var k = start + 1
        for byte in zoneStorage.utf8 {
            out[k] = byte
            k += 1
        }
        return k
    }

    /// The longest possible text without the zone: "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff".
    static let maxTextLength = 39

    /// Writes netip's text form (no brackets); the buffer must hold `maxTextLength + 1 + zone`.
    func writeText(_ out: UnsafeMutableBufferPointer<UInt8>, _ start: Int) -> Int {
        switch kind {
        case .invalid:
            return start
        case .v4:
            return IP.writeV4(UInt32(truncatingIfNeeded: lo), out, start)
        case .v6:
            var k = start
            if is4In6 {
                for byte in "::ffff:".utf8 {
                    out[k] = byte
                    k += 1
                }
                k = IP.writeV4(UInt32(truncatingIfNeeded: lo), out, k)
            } else {
                k = writeV6(out, k)
            }
            return writeZone(out, k)
        }
    }

    /// netip's text form; "invalid IP" for `IP()`.
    ///
    /// Forms: "192.0.2.1", "2001:db8::1" (RFC 5952), "::ffff:1.2.3.4" (IPv4-mapped, unlike
    /// `netDescription`), "fe80::1%eth0".
    ///
    /// The corresponding Go method is `netip.Addr.String`.
    public var description: String {
        if kind == .invalid { return "invalid IP" }
        return String(unsafeUninitializedCapacity: IP.maxTextLength + 1 + zoneStorage.utf8.count) { out in
            writeText(out, 0)
        }
    }

    /// Like `description`, but IPv6 addresses are written in full: 8 groups of 4 hex digits and
    /// no "::" ("2001:db8::1" gives "2001:0db8:0000:0000:0000:0000:0000:0001").
    ///
    /// The corresponding Go method is `netip.Addr.StringExpanded`.
    public var stringExpanded: String {
        guard kind == .v6 else { return description }
        return String(unsafeUninitializedCapacity: IP.maxTextLength + 1 + zoneStorage.utf8.count) { out in
            var k = 0
            for i in 0..<8 {
                if i > 0 {
                    out[k] = UInt8(ascii: ":")
                    k += 1
                }
                let g = group(i)
                out[k] = IP.hexDigit(g >> 12)
                out[k + 1] = IP.hexDigit(g >> 8)
                out[k + 2] = IP.hexDigit(g >> 4)
                out[k + 3] = IP.hexDigit(g)
                k += 4
            }
            return writeZone(out, k)
        }
    }

    /// `net.IP`'s text form: "<nil>" for `IP()`, a dotted quad for IPv4 *and* IPv4-mapped IPv6
    /// addresses, RFC 5952 for other IPv6 addresses. The zone is not included (a `net.IP` has none;
    /// `IPAddr`/`TCPAddr` add "%zone").
    ///
    /// The corresponding Go method is `net.IP.String`.
    public var netDescription: String {
        switch kind {
        case .invalid:
            return "<nil>"
        case .v4:
            return description
        case .v6:
            return String(unsafeUninitializedCapacity: IP.maxTextLength) { out in
                is4In6 ? IP.writeV4(UInt32(truncatingIfNeeded: lo), out, 0) : writeV6(out, 0)
            }
        }
    }
}

extension IP: LosslessStringConvertible {}

extension IP: Codable {
    /// Encodes the address as its text (`description`); `IP()` encodes as "".
    ///
    /// The corresponding Go method is `netip.Addr.MarshalText`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(kind == .invalid ? "" : description)
    }

    /// Decodes an address from its text as `IP.parse` reads it; "" decodes as `IP()`.
    ///
    /// The corresponding Go method is `netip.Addr.UnmarshalText`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        if text.isEmpty {
            self.init()
            return
        }
        do {
            self = try IP.parse(text)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.description)
        }
    }
}
