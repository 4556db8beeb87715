// /etc/hosts: static names and addresses, read by the resolver before DNS and re-read when the file changes.
// (Go: net/hosts.go.)

import Synchronization

/// The parsed contents of a hosts file (hosts(5)): for each name its addresses, for each address its names.
///
/// Lines are "address name [aliases…]", `#` starts a comment; a line whose address is not an IP literal
/// (zones allowed) is skipped. Names are matched without regard to ASCII case and with or without a final
/// dot; names containing a dot are returned absolute ("host.example." for "host.example").
///
/// The corresponding Go code is net/hosts.go's `hosts` cache (`readHosts`).
struct HostsTable: Sendable {
    /// One name's entry: its addresses in file order, and the canonical name (the first name on the first
    /// line that lists it).
    struct Entry: Sendable {
        var addresses: [String]
        var canonicalName: String
    }

    /// Lower-cased absolute names (single-label names stay without a dot) to their entry.
    var byName: [String: Entry] = [:]
    /// Canonical address text ("127.0.0.1", "fe80::1%eth0") to names.
    var byAddress: [String: [String]] = [:]

    /// Parses the text of a hosts file.
    ///
    /// The corresponding Go function is the unexported `net.readHosts`.
    init(parsing bytes: [UInt8]) {
        for rawLine in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true) {
            let line = rawLine.prefix { $0 != UInt8(ascii: "#") }
            let fields = line.split(whereSeparator: HostsTable.isSpace)
            guard fields.count >= 2 else { continue }
            guard let address = HostsTable.literal(String(decoding: fields[0], as: UTF8.self)) else { continue }
            let canonical = absoluteDomainName(String(decoding: fields[1], as: UTF8.self))
            for field in fields.dropFirst() {
                let name = absoluteDomainName(String(decoding: field, as: UTF8.self))
                let key = HostsTable.key(field)
                byName[key, default: Entry(addresses: [], canonicalName: canonical)].addresses.append(address)
                byAddress[address, default: []].append(name)
            }
        }
    }

    /// Whether `c` separates fields: space, tab (or the CR of a CRLF line end).
    static func isSpace(_ c: UInt8) -> Bool {
        c == UInt8(ascii: " ") || c == UInt8(ascii: "\t") || c == UInt8(ascii: "\r")
    }

    /// The canonical text of an IP literal from the file, or nil: Go's `parseLiteralIP` (IPv4-mapped IPv6
    /// addresses print as dotted quads, zones follow a "%").
    static func literal(_ text: String) -> String? {
        guard let ip = IP(text) else { return nil }
        return ip.zone.isEmpty ? ip.netDescription : ip.netDescription + "%" + ip.zone
    }

    /// The lookup key of a name: lower-cased, absolute if it has a dot inside.
    static func key(_ name: some Collection<UInt8>) -> String {
        absoluteDomainName(String(decoding: name.map(DNSName.lowerASCII), as: UTF8.self))
    }

    /// The addresses and canonical name of `host`, or nil.
    ///
    /// The corresponding Go function is the unexported `net.lookupStaticHost`.
    func lookup(host: String) -> Entry? {
        let key = HostsTable.key(host.utf8)
        if let entry = byName[key] { return entry }
        // "localhost." finds "localhost": a single-label name is stored without its dot.
        if key.hasSuffix("."), !key.dropLast().contains("."), let entry = byName[String(key.dropLast())] {
            return entry
        }
        return nil
    }

    /// The names of the address `addr` (any IP literal form), or [].
    ///
    /// The corresponding Go function is the unexported `net.lookupStaticAddr`.
    func lookup(address addr: String) -> [String] {
        guard let address = HostsTable.literal(addr) else { return [] }
        return byAddress[address] ?? []
    }
}

/// The hosts files the resolvers use, each parsed once and re-checked at most every 5 seconds: re-read only
/// when its modification time or size changed (Go's `cacheMaxAge`).
///
/// The corresponding Go code is net/hosts.go's `hosts` variable with its `expire`, `mtime` and `size`.
final class HostsFileCache: Sendable {
    static let shared = HostsFileCache()

    /// How long a check stays fresh: 5 s, Go's `net.cacheMaxAge`.
    let maxAge: Duration

    init(maxAge: Duration = .seconds(5)) {
        self.maxAge = maxAge
    }

    private struct Cached {
        var table: HostsTable
        var stamp: FileStamp?
        var expires: ContinuousClock.Instant
    }
    private let files = Mutex<[String: Cached]>([:])

    /// The table of the hosts file at `path` (empty if it cannot be read).
    func table(path: String) -> HostsTable {
        let now = ContinuousClock.now
        let fresh = files.withLock { files -> HostsTable? in
            guard var cached = files[path] else { return nil }
            if now < cached.expires { return cached.table }
            // Stale: unchanged files are kept for another period without reading them.
            if fileStamp(path) == cached.stamp {
                cached.expires = now + maxAge
                files[path] = cached
                return cached.table
            }
            return nil
        }
        if let fresh { return fresh }
        let stamp = fileStamp(path)
        let table = HostsTable(parsing: readConfigFile(path, limit: 64 << 20) ?? [])
        files.withLock { files in
            files[path] = Cached(table: table, stamp: stamp, expires: now + maxAge)
        }
        return table
    }
}
