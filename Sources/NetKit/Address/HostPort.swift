// Splitting and joining "host:port" strings (Go: net/ipsock.go).

/// Splits a network address of the form `host:port`, `[host]:port` or `[ipv6-host%zone]:port` into host (or
/// `ipv6-host%zone`) and port.
///
/// A literal IPv6 address in `hostport` must be enclosed in square brackets, as in `[::1]:80`, `[::1%lo0]:80`.
/// The port starts after the last colon; the host and port are returned as written (no lookup, no validation):
/// `":80"` gives host `""`, `"golang.org:"` gives port `""`.
///
/// - Throws: `AddrError` with `addr` = `hostport` and `err` one of Go's texts: `"missing port in address"`,
///   `"too many colons in address"`, `"missing ']' in address"`, `"unexpected '[' in address"`,
///   `"unexpected ']' in address"`.
///
/// The corresponding Go function is `net.SplitHostPort`.
public func splitHostPort(_ hostport: String) throws(AddrError) -> (host: String, port: String) {
    let bytes = hostport.utf8
    func fail(_ why: String) -> AddrError { AddrError(err: why, addr: hostport) }

    // The port starts after the last colon.
    guard let lastColon = bytes.lastIndex(of: UInt8(ascii: ":")) else {
        throw fail(AddrError.missingPort)
    }

    let host: Substring
    // There can be no '[' before `noOpenBefore` and no ']' before `noCloseBefore`.
    var noOpenBefore = bytes.startIndex
    var noCloseBefore = bytes.startIndex
    if bytes.first == UInt8(ascii: "[") {
        // Expect the first ']' just before the last ':'.
        guard let close = bytes.firstIndex(of: UInt8(ascii: "]")) else {
            throw fail(AddrError.missingCloseBracket)
        }
        let afterClose = bytes.index(after: close)
        if afterClose == bytes.endIndex {
            // There can't be a ':' behind the ']' now.
            throw fail(AddrError.missingPort)
        } else if afterClose != lastColon {
            // Either ']' isn't followed by a colon, or it is followed by a colon that is not the last one.
            throw fail(bytes[afterClose] == UInt8(ascii: ":") ? AddrError.tooManyColons : AddrError.missingPort)
        }
        host = hostport[bytes.index(after: bytes.startIndex)..<close]
        noOpenBefore = bytes.index(after: bytes.startIndex)
        noCloseBefore = afterClose
    } else {
        host = hostport[..<lastColon]
        if host.utf8.contains(UInt8(ascii: ":")) {
            throw fail(AddrError.tooManyColons)
        }
    }
    if bytes[noOpenBefore...].contains(UInt8(ascii: "[")) {
        throw fail(AddrError.unexpectedOpenBracket)
    }
    if bytes[noCloseBefore...].contains(UInt8(ascii: "]")) {
        throw fail(AddrError.unexpectedCloseBracket)
    }
    return (String(host), String(hostport[bytes.index(after: lastColon)...]))
}

/// Combines host and port into a network address of the form `host:port`, or `[host]:port` if `host` contains a
/// colon (as a literal IPv6 address does): `joinHostPort("::1", "80")` is `"[::1]:80"`.
///
/// The corresponding Go function is `net.JoinHostPort`.
public func joinHostPort(_ host: String, _ port: String) -> String {
    // We assume that host is a literal IPv6 address if host has colons.
    if host.utf8.contains(UInt8(ascii: ":")) {
        return "[" + host + "]:" + port
    }
    return host + ":" + port
}

/// Splits `host%zone` at the last `%` (which must not be the first byte) into host and IPv6 zone.
///
/// The corresponding Go function is the unexported `net.splitHostZone`.
func splitHostZone(_ s: String) -> (host: String, zone: String) {
    let bytes = s.utf8
    if let percent = bytes.lastIndex(of: UInt8(ascii: "%")), percent != bytes.startIndex {
        return (String(s[..<percent]), String(s[bytes.index(after: percent)...]))
    }
    return (s, "")
}
