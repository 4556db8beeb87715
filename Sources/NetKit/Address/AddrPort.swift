// AddrPort: an IP address and a port number, Go's netip.AddrPort.

/// An IP address (possibly with an IPv6 zone) and a port number.
///
/// The zero value `AddrPort()` is invalid (its address is `IP()`); every port, 0 included, is valid.
///
/// The corresponding Go type is `netip.AddrPort`.
public struct AddrPort: Sendable, Hashable {
    /// The address.
    ///
    /// The corresponding Go method is `netip.AddrPort.Addr`.
    public var addr: IP
    /// The port.
    ///
    /// The corresponding Go method is `netip.AddrPort.Port`.
    public var port: UInt16

    /// The zero (invalid) value.
    ///
    /// The corresponding Go value is `netip.AddrPort{}`.
    @inlinable
    public init() {
        addr = IP()
        port = 0
    }

    /// The pair of `addr` and `port`.
    ///
    /// The corresponding Go function is `netip.AddrPortFrom`.
    @inlinable
    public init(_ addr: IP, port: UInt16) {
        self.addr = addr
        self.port = port
    }

    /// Whether the address is valid (any port is).
    ///
    /// The corresponding Go method is `netip.AddrPort.IsValid`.
    @inlinable public var isValid: Bool { addr.isValid }

    /// Compares two values: -1, 0 or +1, by address (`IP.compare`) and then port.
    ///
    /// The corresponding Go method is `netip.AddrPort.Compare`.
    @inlinable
    public func compare(_ other: AddrPort) -> Int {
        let c = addr.compare(other.addr)
        if c != 0 { return c }
        if port != other.port { return port < other.port ? -1 : 1 }
        return 0
    }

    /// Parses `s` as "ip:port" with a numeric address and port: "1.2.3.4:80", "[::1]:80",
    /// "[fe80::1%eth0]:80". IPv6 addresses must be in brackets and IPv4 addresses must not; the
    /// port is decimal 0-65535. Throws Go's error, e.g. `invalid port "x" parsing "1.2.3.4:x"`.
    ///
    /// The corresponding Go function is `netip.ParseAddrPort`.
    public static func parse(_ s: String) throws(ParseError) -> AddrPort {
        try parseAddrPort(s)
    }
}

/// Parses `s` as "ip:port" with a numeric address and port: "1.2.3.4:80", "[::1]:80",
/// "[fe80::1%eth0]:80". IPv6 addresses must be in brackets and IPv4 addresses must not; the port is
/// decimal 0-65535. Throws Go's error, e.g. `invalid port "x" parsing "1.2.3.4:x"`.
///
/// The corresponding Go function is `netip.ParseAddrPort`.
public func parseAddrPort(_ s: String) throws(ParseError) -> AddrPort {
    let result: Result<AddrPort, ParseError> = IP.withUTF8Bytes(s) { p in
        func fail(_ reason: ParseError.Reason) -> Result<AddrPort, ParseError> {
            .failure(ParseError(.parseAddrPort, input: s, reason: reason))
        }
        // splitAddrPort: split at the last ':'.
        var colon = -1
        var i = p.count - 1
        while i >= 0 {
            if p[i] == UInt8(ascii: ":") {
                colon = i
                break
            }
            i -= 1
        }
        if colon < 0 { return fail(.notAnIPPort) }
        var ipStart = 0
        var ipEnd = colon
        if ipEnd == 0 { return fail(.noIP) }
        if colon + 1 == p.count { return fail(.noPort) }
        var bracketed = false
        if p[0] == UInt8(ascii: "[") {
            if ipEnd < 2 || p[ipEnd - 1] != UInt8(ascii: "]") { return fail(.missingBracket) }
            ipStart = 1
            ipEnd -= 1
            bracketed = true
        }

        // strconv.ParseUint(port, 10, 16): decimal digits only, at most 65535.
        var port: UInt32 = 0
        var portOK = true
        for k in (colon + 1)..<p.count {
            let d = p[k] &- UInt8(ascii: "0")
            if d >= 10 {
                portOK = false
                break
            }
            port = port * 10 + UInt32(d)
            if port > 0xffff {
                portOK = false
                break
            }
        }
        if !portOK {
            let text = String(decoding: UnsafeBufferPointer(rebasing: p[(colon + 1)...]), as: UTF8.self)
            return fail(.invalidPort(text))
        }

        let ipBytes = UnsafeBufferPointer(rebasing: p[ipStart..<ipEnd])
        let scan = IP.scanAddr(ipBytes)
        let ip: IP
        switch IP.finish(scan, ipBytes, input: scan.failure == nil ? "" : String(decoding: ipBytes, as: UTF8.self)) {
        case .success(let parsed): ip = parsed
        case .failure(let error): return .failure(error)
        }
        if bracketed && ip.is4 { return fail(.bracketedIPv4) }
        if !bracketed && ip.is6 { return fail(.unbracketedIPv6) }
        return .success(AddrPort(ip, port: UInt16(port)))
    }
    return try result.get()
}

extension AddrPort: Comparable {
    /// Whether `lhs` sorts before `rhs` in `compare(_:)`'s order.
    ///
    /// Corresponds to Go's `netip.AddrPort.Compare(...) < 0`.
    @inlinable
    public static func < (lhs: AddrPort, rhs: AddrPort) -> Bool {
        lhs.compare(rhs) < 0
    }
}

extension AddrPort: LosslessStringConvertible {
    /// Parses `description` as `parseAddrPort` does; nil when it is not an "ip:port".
    ///
    /// The corresponding Go function is `netip.ParseAddrPort`.
    public init?(_ description: String) {
        guard let parsed = try? parseAddrPort(description) else { return nil }
        self = parsed
    }

    /// "1.2.3.4:80", "[::1]:80", "[::ffff:1.2.3.4%eth0]:80", or "invalid AddrPort".
    ///
    /// The corresponding Go method is `netip.AddrPort.String`.
    public var description: String {
        switch addr.kind {
        case .invalid:
            return "invalid AddrPort"
        case .v4, .v6:
            let capacity = IP.maxTextLength + addr.zoneStorage.utf8.count + 9
            return String(unsafeUninitializedCapacity: capacity) { out in
                var k = 0
                if addr.kind == .v6 {
                    out[k] = UInt8(ascii: "[")
                    k += 1
                }
                k = addr.writeText(out, k)
                if addr.kind == .v6 {
                    out[k] = UInt8(ascii: "]")
                    k += 1
                }
                out[k] = UInt8(ascii: ":")
                k += 1
                var digits: (UInt8, UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0, 0)
                var n = 0
                var value = port
                withUnsafeMutableBytes(of: &digits) { d in
                    repeat {
                        d[n] = UInt8(ascii: "0") + UInt8(value % 10)
                        value /= 10
                        n += 1
                    } while value > 0
                    while n > 0 {
                        n -= 1
                        out[k] = d[n]
                        k += 1
                    }
                }
                return k
            }
        }
    }
}

extension AddrPort: Codable {
    /// Encodes the value as its text; an invalid `AddrPort` encodes as "".
    ///
    /// The corresponding Go method is `netip.AddrPort.MarshalText`.
    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(isValid ? description : "")
    }

    /// Decodes a value as `parseAddrPort` reads it; "" decodes as `AddrPort()`.
    ///
    /// The corresponding Go method is `netip.AddrPort.UnmarshalText`.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        let text = try container.decode(String.self)
        if text.isEmpty {
            self.init()
            return
        }
        do {
            self = try parseAddrPort(text)
        } catch {
            throw DecodingError.dataCorruptedError(in: container, debugDescription: error.description)
        }
    }
}
