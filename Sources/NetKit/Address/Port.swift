// Port numbers and service names (Go: net/port.go, net/lookup.go `LookupPort`).

/// Parses `service` as a decimal port number, with an optional `+` or `-` sign.
///
/// Returns `needsLookup == true` (and port 0) when `service` is not a decimal number: the caller must then look
/// it up as a service name. The empty string is port 0 (Go issue 13610). Out-of-range numbers are not rejected
/// here but clamped so that the caller's range check fails: anything ≥ 2^30 becomes 2^30 - 1, anything ≤ -2^30
/// becomes -2^30.
///
/// The corresponding Go function is the unexported `net.parsePort`.
func parsePort(_ service: String) -> (port: Int, needsLookup: Bool) {
    if service.isEmpty {
        // Lock in the legacy behaviour that an empty string means port 0 (golang.org/issue/13610).
        return (0, false)
    }
    let cutoff: UInt64 = 1 << 30
    var digits = Substring(service).utf8
    var negative = false
    if digits.first == UInt8(ascii: "+") {
        digits = digits.dropFirst()
    } else if digits.first == UInt8(ascii: "-") {
        negative = true
        digits = digits.dropFirst()
    }
    // Go accumulates in a wrapping uint32, so that "4294967300" wraps to port 4 (Go 1.19 through today's tip).
    // Here the value saturates instead: every number of 2^30 or more is out of range, however long.
    var n: UInt64 = 0
    for byte in digits {
        guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else {
            return (0, true)
        }
        if n >= cutoff {
            break  // out of range for good; Go stops scanning here too, so later non-digits go unnoticed
        }
        n = n * 10 + UInt64(byte - UInt8(ascii: "0"))  // n < 2^30, so this stays below 2^34
    }
    var port: Int
    if !negative && n >= cutoff {
        port = Int(cutoff - 1)
    } else if negative && n > cutoff {
        port = Int(cutoff)
    } else {
        port = Int(n)
    }
    if negative {
        port = -port
    }
    return (port, false)
}

/// Looks up the port for `network` and `service` without any I/O beyond reading `/etc/services` once.
///
/// `service` is a decimal port number (`"80"`, `"+80"`, `""` = 0) or a service name (`"http"`, `"HTTP"`: names
/// are case-insensitive) found in `/etc/services` or in Go's built-in table (tcp: ftp, ftps, gopher, http, https,
/// imap2, imap3, imaps, pop3, pop3s, smtp, submissions, ssh, telnet; udp: domain). `network` is one of `tcp`,
/// `tcp4`, `tcp6`, `udp`, `udp4`, `udp6`, `ip` (either transport) or `""` (same as `ip`); it only matters for
/// names.
///
/// - Throws: `AddrError` `"unknown network"` (addr = network) for another network name when a lookup is needed;
///   `DNSError` `"unknown port"` with `isNotFound` (name = `network/service`, e.g. `lookup tcp/nope: unknown port`)
///   for a name not in the tables; `AddrError` `"invalid port"` (addr = service) for a result outside 0...65535.
///
/// The corresponding Go function is `net.LookupPort` as its pure-Go path runs it on Linux
/// (`Resolver.LookupPort` → `goLookupPort` → `lookupPortMap`).
public func lookupPortLocally(network: String, service: String) throws -> Int {
    try lookupPort(network: network, service: service, in: ServiceTable.system)
}

/// `lookupPortLocally` against an explicit service table (tests use a table of their own).
func lookupPort(network: String, service: String, in table: ServiceTable) throws -> Int {
    var (port, needsLookup) = parsePort(service)
    if needsLookup {
        var network = network
        switch network {
        case "tcp", "tcp4", "tcp6", "udp", "udp4", "udp6", "ip":
            break
        case "":  // a hint wildcard for Go 1.0 undocumented behaviour
            network = "ip"
        default:
            throw AddrError(err: AddrError.unknownNetwork, addr: network)
        }
        port = try table.port(network: network, service: service)
    }
    guard (0...0xFFFF).contains(port) else {
        throw AddrError(err: AddrError.invalidPort, addr: service)
    }
    return port
}
