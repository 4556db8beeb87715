// The service name → port table (Go: net/lookup.go `services`, net/port_unix.go `readServices`).

import Glibc

/// Service names and their ports, per transport network (`"tcp"`, `"udp"`, ... as written in `/etc/services`).
///
/// The corresponding Go variable is the unexported `net.services`, augmented by `net.readServices`.
struct ServiceTable: Sendable, Equatable {
    /// network → (service name or alias → port). Names are kept as written; lookups lower-case the query only.
    var ports: [String: [String: Int]]

    /// The longest service name looked up: Go's `maxPortBufSize`, `len("mobility-header") + 10`.
    static let maxServiceLength = 25

    /// Go's built-in table, for systems without a usable `/etc/services`.
    static let builtIn = ServiceTable(ports: [
        "udp": [
            "domain": 53
        ],
        "tcp": [
            "ftp": 21,
            "ftps": 990,
            "gopher": 70,
            "http": 80,
            "https": 443,
            "imap2": 143,
            "imap3": 220,
            "imaps": 993,
            "pop3": 110,
            "pop3s": 995,
            "smtp": 25,
            "submissions": 465,
            "ssh": 22,
            "telnet": 23,
        ],
    ])

    /// The built-in table augmented by `/etc/services`, read once on first use (Swift initialises a static `let`
    /// exactly once, thread-safely). A missing or unreadable file leaves the built-in table.
    static let system: ServiceTable = {
        var table = builtIn
        if let contents = readSmallFile("/etc/services", limit: 4 << 20) {
            table.add(servicesFile: contents)
        }
        return table
    }()

    /// Adds the entries of an `/etc/services`-format text: `name port/network [aliases...] [# comment]`.
    /// Lines that do not parse, and ports ≤ 0, are skipped; later lines win.
    ///
    /// The corresponding Go function is the unexported `net.readServices`.
    mutating func add(servicesFile contents: [UInt8]) {
        for line in contents.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true) {
            // "http 80/tcp www www-http # World Wide Web HTTP"
            let uncommented = line.prefix { $0 != UInt8(ascii: "#") }
            let fields = uncommented.split { $0 == 0x20 || $0 == 0x09 || $0 == 0x0D || $0 == 0x0A }
            guard fields.count >= 2 else { continue }
            let portAndNetwork = fields[1]  // "80/tcp"
            guard let (port, slash) = leadingDecimal(portAndNetwork), port > 0,
                slash < portAndNetwork.endIndex, portAndNetwork[slash] == UInt8(ascii: "/")
            else { continue }
            let network = String(decoding: portAndNetwork[(slash + 1)...], as: UTF8.self)  // "tcp"
            for (i, name) in fields.enumerated() where i != 1 {
                ports[network, default: [:]][String(decoding: name, as: UTF8.self)] = port
            }
        }
    }

    /// The port of `service` for `network` (`tcp*`, `udp*`, or `ip` = tcp, then udp), matching names
    /// case-insensitively (ASCII).
    ///
    /// - Throws: `DNSError` `"unknown port"` (`isNotFound`) or `"unknown network"`, named `network/service`.
    ///
    /// The corresponding Go function is the unexported `net.lookupPortMap`.
    func port(network: String, service: String) throws(DNSError) -> Int {
        switch network {
        case "ip":  // no hint: either transport
            if let port = try? port(transport: "tcp", errorNetwork: "ip", service: service) {
                return port
            }
            return try port(transport: "udp", errorNetwork: "ip", service: service)
        case "tcp", "tcp4", "tcp6":
            return try port(transport: "tcp", errorNetwork: "tcp", service: service)
        case "udp", "udp4", "udp6":
            return try port(transport: "udp", errorNetwork: "udp", service: service)
        default:
            throw DNSError(err: DNSError.unknownNetwork, name: network + "/" + service)
        }
    }

    private func port(transport: String, errorNetwork: String, service: String) throws(DNSError) -> Int {
        guard let names = ports[transport] else {
            throw DNSError(err: DNSError.unknownNetwork, name: errorNetwork + "/" + service)
        }
        if service.utf8.count <= Self.maxServiceLength, let port = names[asciiLowercased(service)] {
            return port
        }
        throw DNSError(err: DNSError.unknownPort, name: errorNetwork + "/" + service, isNotFound: true)
    }
}

/// Parses the decimal digits at the start of `bytes`: the value and the index after the last digit; nil if there
/// is no digit or the value reaches 0xFFFFFF. The corresponding Go function is the unexported `net.dtoi`.
private func leadingDecimal(_ bytes: ArraySlice<UInt8>) -> (value: Int, end: Int)? {
    let big = 0xFFFFFF
    var value = 0
    var index = bytes.startIndex
    while index < bytes.endIndex, bytes[index] >= UInt8(ascii: "0"), bytes[index] <= UInt8(ascii: "9") {
        value = value * 10 + Int(bytes[index] - UInt8(ascii: "0"))
        if value >= big {
            return nil
        }
        index += 1
    }
    return index == bytes.startIndex ? nil : (value, index)
}

/// `s` with ASCII `A`–`Z` lowered; other bytes unchanged. The corresponding Go function is `net.lowerASCIIBytes`.
func asciiLowercased(_ s: String) -> String {
    guard s.utf8.contains(where: { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") }) else { return s }
    let lowered = s.utf8.map { ($0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z")) ? $0 + 32 : $0 }
    return String(decoding: lowered, as: UTF8.self)
}

/// The contents of a small regular file (at most `limit` bytes; nil if missing, unreadable or larger).
///
/// The corresponding Go function is the unexported `net.open` with `(*file).readLine` (net/parse.go).
private func readSmallFile(_ path: String, limit: Int) -> [UInt8]? {
    guard let fd = try? retryingOnInterrupt({ open(path, O_RDONLY | O_CLOEXEC) }) else { return nil }
    defer { _ = try? valueOrErrno { close(fd) } }
    var contents: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 16 << 10)
    while contents.count <= limit {
        let count = chunk.withUnsafeMutableBytes { buffer in
            try? retryingOnInterrupt { read(fd, buffer.baseAddress, buffer.count) }
        }
        guard let count else { return nil }
        if count == 0 {
            return contents
        }
        contents += chunk[..<count]
    }
    return nil
}
