// The stub resolver's configuration: resolv.conf(5) parsed as Go parses it, and the system's copy of it,
// re-read when the file changes. (Go: net/dnsconfig.go, net/dnsconfig_unix.go, `resolverConfig` in
// net/dnsclient_unix.go.)

import Glibc
import Synchronization

/// What the built-in DNS client needs to know: which name servers to ask, how long and how often, and which
/// search domains to try — the contents of `/etc/resolv.conf`.
///
/// `Resolver.default` reads `/etc/resolv.conf` (and re-reads it when it changes, at most every 5 seconds);
/// set `Resolver.config` to use another configuration, e.g. `DNSConfig(servers: ["127.0.0.1:5353"])` or
/// `DNSConfig.parse("nameserver 10.0.0.1\noptions timeout:1")`.
///
/// The corresponding Go type is the unexported `net.dnsConfig` (Go has no public way to set it; NetKit does,
/// so a program can use its own name servers without editing `/etc/resolv.conf`).
public struct DNSConfig: Hashable, Sendable {
    /// The name servers as "IP:port" ("127.0.0.1:53", "[::1]:53"), asked in this order (rotated with
    /// `rotate`). resolv.conf: `nameserver` (at most three; the port is always 53).
    /// The corresponding Go field is `dnsConfig.servers`.
    public var servers: [String]
    /// The domains appended to a name with fewer than `ndots` dots, absolute ("example.com.").
    /// resolv.conf: `search`, `domain`; by default the domain of the host name.
    /// The corresponding Go field is `dnsConfig.search`.
    public var search: [String]
    /// How many dots make a name be tried as it is before the search domains (0...15). resolv.conf:
    /// `options ndots:n`.
    /// The corresponding Go field is `dnsConfig.ndots`.
    public var ndots: Int
    /// How long to wait for one name server's answer. resolv.conf: `options timeout:n` (seconds, at least 1).
    /// The corresponding Go field is `dnsConfig.timeout`.
    public var timeout: Duration
    /// How many rounds through the server list before giving up. resolv.conf: `options attempts:n`.
    /// The corresponding Go field is `dnsConfig.attempts`.
    public var attempts: Int
    /// Spread queries over the servers: each query starts with the next one. resolv.conf: `options rotate`.
    /// The corresponding Go field is `dnsConfig.rotate`.
    public var rotate: Bool
    /// Send the A and AAAA queries one after the other instead of in parallel. resolv.conf:
    /// `options single-request` / `single-request-reopen`.
    /// The corresponding Go field is `dnsConfig.singleRequest`.
    public var singleRequest: Bool
    /// Ask over TCP only. resolv.conf: `options use-vc` (also `usevc`, `tcp`).
    /// The corresponding Go field is `dnsConfig.useTCP`.
    public var useTCP: Bool
    /// Set the AD bit in queries (RFC 6840). resolv.conf: `options trust-ad`.
    /// The corresponding Go field is `dnsConfig.trustAD`.
    public var trustAD: Bool
    /// Send an EDNS(0) OPT record advertising 1232-byte UDP answers (RFC 6891). On by default, as in Go;
    /// resolv.conf's `options edns0` is accepted and changes nothing. (Go's switch is `GODEBUG=netedns0=0`.)
    public var edns0: Bool
    /// Do not check `/etc/resolv.conf` for changes. resolv.conf: `options no-reload`.
    /// The corresponding Go field is `dnsConfig.noReload`.
    public var noReload: Bool
    /// The file had a line or option this parser does not know (kept for diagnostics, as Go keeps it).
    /// The corresponding Go field is `dnsConfig.unknownOpt`.
    public var unknownOption: Bool

    /// The servers used when none is configured. The corresponding Go variable is `net.defaultNS`.
    public static let defaultServers = ["127.0.0.1:53", "[::1]:53"]

    /// Creates a configuration; the defaults are resolv.conf's (and Go's): local servers, ndots 1, 5 s
    /// timeout, 2 attempts. The corresponding Go expression is `&dnsConfig{ndots: 1, timeout: 5 * time.Second,
    /// attempts: 2}`.
    public init(
        servers: [String] = DNSConfig.defaultServers, search: [String] = [], ndots: Int = 1,
        timeout: Duration = .seconds(5), attempts: Int = 2, rotate: Bool = false, singleRequest: Bool = false,
        useTCP: Bool = false, trustAD: Bool = false, edns0: Bool = true, noReload: Bool = false
    ) {
        self.servers = servers
        self.search = search
        self.ndots = ndots
        self.timeout = timeout
        self.attempts = attempts
        self.rotate = rotate
        self.singleRequest = singleRequest
        self.useTCP = useTCP
        self.trustAD = trustAD
        self.edns0 = edns0
        self.noReload = noReload
        self.unknownOption = false
    }

    /// Parses the text of a resolv.conf(5) file the way Go does: `nameserver` (IP literals only, at most
    /// three), `domain`, `search`, `options` (`ndots:`, `timeout:`, `attempts:`, `rotate`, `single-request`,
    /// `single-request-reopen`, `use-vc`/`usevc`/`tcp`, `trust-ad`, `edns0`, `no-reload`); `#` and `;` start
    /// comment lines. Without a `nameserver` line the servers are `defaultServers`; without `search` or
    /// `domain`, the search list is `defaultSearch` (the domain of the host name, if it has one).
    ///
    /// The corresponding Go function is the unexported `net.dnsReadConfig` (`parseResolvConf`).
    public static func parse(_ text: String, defaultSearch: [String] = DNSConfig.hostDomainSearch()) -> DNSConfig {
        var config = DNSConfig(servers: [])
        var sawSearch = false
        for rawLine in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let line = rawLine.utf8
            if let first = line.first, first == UInt8(ascii: ";") || first == UInt8(ascii: "#") {
                continue
            }
            let fields = rawLine.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" }).map(String.init)
            guard let keyword = fields.first else { continue }
            switch keyword {
            case "nameserver":
                if fields.count > 1 && config.servers.count < 3, IP(fields[1]) != nil {
                    config.servers.append(joinHostPort(fields[1], "53"))
                }
            case "domain":
                if fields.count > 1 {
                    config.search = [ensureRooted(fields[1])]
                    sawSearch = true
                }
            case "search":
                config.search = fields.dropFirst().map(ensureRooted).filter { $0 != "." }
                sawSearch = true
            case "options":
                for option in fields.dropFirst() {
                    config.apply(option: option)
                }
            case "lookup":
                break  // OpenBSD's database order; not used on Linux
            default:
                config.unknownOption = true
            }
        }
        if config.servers.isEmpty {
            config.servers = defaultServers
        }
        if !sawSearch || config.search.isEmpty {
            config.search = defaultSearch
        }
        return config
    }

    /// Applies one word of an `options` line.
    private mutating func apply(option: String) {
        func number(after prefix: String) -> Int { leadingDecimal(option.utf8.dropFirst(prefix.utf8.count)) }
        if option.hasPrefix("ndots:") {
            ndots = min(max(number(after: "ndots:"), 0), 15)
        } else if option.hasPrefix("timeout:") {
            timeout = .seconds(max(number(after: "timeout:"), 1))
        } else if option.hasPrefix("attempts:") {
            attempts = max(number(after: "attempts:"), 1)
        } else {
            switch option {
            case "rotate": rotate = true
            case "single-request", "single-request-reopen": singleRequest = true
            case "use-vc", "usevc", "tcp": useTCP = true
            case "trust-ad": trustAD = true
            case "edns0": edns0 = true
            case "no-reload": noReload = true
            default: unknownOption = true
            }
        }
    }

    /// Reads and parses a resolv.conf file; a file that cannot be read gives the defaults (local servers),
    /// as in Go.
    ///
    /// The corresponding Go function is the unexported `net.dnsReadConfig`.
    public static func read(path: String = "/etc/resolv.conf") -> DNSConfig {
        guard let bytes = readConfigFile(path, limit: 1 << 20) else {
            var config = DNSConfig()
            config.search = hostDomainSearch()
            return config
        }
        return parse(String(decoding: bytes, as: UTF8.self))
    }

    /// The search list Go uses when resolv.conf has none: the part of the host name after its first dot
    /// ("example.com." for "build1.example.com"), or nothing.
    ///
    /// The corresponding Go function is the unexported `net.dnsDefaultSearch`.
    public static func hostDomainSearch() -> [String] {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, 255) == 0 else { return [] }
        let name = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        guard let dot = name.firstIndex(of: "."), name.index(after: dot) != name.endIndex else { return [] }
        return [ensureRooted(String(name[name.index(after: dot)...]))]
    }

    /// The names to query for `name`, in order: the name itself first if it has at least `ndots` dots, then
    /// with each search domain, then the name itself if not tried yet; a name ending in a dot only as it is.
    /// ".onion" names are never sent (RFC 7686); names too long are dropped.
    ///
    /// The corresponding Go method is the unexported `(*net.dnsConfig).nameList`.
    func nameList(_ name: String) -> [String] {
        let bytes = name.utf8
        let rooted = bytes.last == UInt8(ascii: ".")
        if bytes.count > 254 || bytes.count == 254 && !rooted {
            return []
        }
        if rooted {
            return DNSConfig.avoidDNS(name) ? [] : [name]
        }
        let hasNdots = bytes.reduce(0) { $1 == UInt8(ascii: ".") ? $0 + 1 : $0 } >= ndots
        let absolute = name + "."
        var names: [String] = []
        if hasNdots && !DNSConfig.avoidDNS(absolute) {
            names.append(absolute)
        }
        for suffix in search {
            let fqdn = absolute + suffix
            if !DNSConfig.avoidDNS(fqdn) && fqdn.utf8.count <= 254 {
                names.append(fqdn)
            }
        }
        if !hasNdots && !DNSConfig.avoidDNS(absolute) {
            names.append(absolute)
        }
        return names
    }

    /// Whether `name` must not be sent to DNS: "" and ".onion" names (RFC 7686).
    ///
    /// The corresponding Go function is the unexported `net.avoidDNS`.
    static func avoidDNS(_ name: String) -> Bool {
        if name.isEmpty { return true }
        var bytes = Array(name.utf8)
        if bytes.last == UInt8(ascii: ".") { bytes.removeLast() }
        let suffix = Array(".onion".utf8)
        guard bytes.count >= suffix.count else { return false }
        return zip(bytes.suffix(suffix.count), suffix).allSatisfy { DNSName.lowerASCII($0) == $1 }
    }

    /// The index of the first server for a query: 0, or the next in turn with `rotate`.
    ///
    /// The corresponding Go method is the unexported `(*net.dnsConfig).serverOffset`.
    func serverOffset(_ counter: borrowing Atomic<UInt32>) -> Int {
        guard rotate else { return 0 }
        return Int(counter.wrappingAdd(1, ordering: .relaxed).oldValue)
    }
}

/// `s` with a final dot. The corresponding Go function is the unexported `net.ensureRooted`.
func ensureRooted(_ s: String) -> String {
    s.hasSuffix(".") ? s : s + "."
}

/// The value of the decimal digits `digits` starts with (0 if none), capped far above any useful option.
///
/// The corresponding Go function is the unexported `net.dtoi`.
func leadingDecimal(_ digits: Substring.UTF8View) -> Int {
    var value = 0
    for c in digits {
        guard c >= 48 && c <= 57 else { break }
        value = min(value * 10 + Int(c - 48), 0xFF_FFFF)
    }
    return value
}

/// The contents of a regular file of at most `limit` bytes, or nil if it cannot be read.
func readConfigFile(_ path: String, limit: Int) -> [UInt8]? {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var contents: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 16384)
    while contents.count < limit {
        let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if n < 0 {
            if errno == EINTR { continue }
            return nil
        }
        if n == 0 { break }
        contents.append(contentsOf: chunk[..<n])
    }
    return contents
}

/// A file's modification time and size, or nil if it cannot be stat'ed.
func fileStamp(_ path: String) -> FileStamp? {
    var info = stat()
    guard stat(path, &info) == 0 else { return nil }
    return FileStamp(seconds: Int(info.st_mtim.tv_sec), nanoseconds: Int(info.st_mtim.tv_nsec), size: Int(info.st_size))
}

/// What identifies one version of a file cheaply: its mtime and size.
struct FileStamp: Hashable, Sendable {
    var seconds: Int
    var nanoseconds: Int
    var size: Int
}

/// The system's resolver configuration: `/etc/resolv.conf`, parsed once and then re-checked at most every
/// 5 seconds, re-read only when its modification time or size changed.
///
/// The corresponding Go type is the unexported `net.resolverConfig` (`getSystemDNSConfig`, `tryUpdate`).
final class SystemDNSConfig: Sendable {
    /// The one for `/etc/resolv.conf`.
    static let shared = SystemDNSConfig(path: "/etc/resolv.conf")

    let path: String
    /// How long a check stays fresh: 5 s, as in Go.
    let recheckInterval: Duration

    private struct State {
        var config: DNSConfig?
        var stamp: FileStamp?
        var lastChecked: ContinuousClock.Instant?
    }
    private let state = Mutex(State())

    init(path: String, recheckInterval: Duration = .seconds(5)) {
        self.path = path
        self.recheckInterval = recheckInterval
    }

    /// The current configuration, re-read if the file changed and the last check is older than 5 s.
    var current: DNSConfig {
        let now = ContinuousClock.now
        let cached = state.withLock { state -> DNSConfig? in
            guard let config = state.config else { return nil }
            if config.noReload { return config }
            if let last = state.lastChecked, now - last < recheckInterval { return config }
            state.lastChecked = now  // one caller re-checks; the others keep the old config meanwhile
            if fileStamp(path) == state.stamp { return config }
            return nil
        }
        if let cached { return cached }
        let stamp = fileStamp(path)
        let config = DNSConfig.read(path: path)
        state.withLock { state in
            state.config = config
            state.stamp = stamp
            state.lastChecked = now
        }
        return config
    }
}
