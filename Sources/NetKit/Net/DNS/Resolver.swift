// The resolver: Go's net.Resolver, with NetKit's own DNS client as the default. (Go: net/lookup.go.)

import Synchronization

/// Looks up names and numbers: host names to addresses (`/etc/hosts`, then DNS), addresses to names, and
/// MX, SRV, TXT, NS and CNAME records.
///
/// With `preferGo` (the default) every lookup is answered by NetKit's own stub resolver, like Go's pure-Go
/// resolver: it reads `/etc/hosts` and `/etc/resolv.conf` itself (re-checking both for changes at most every
/// 5 seconds), sends the A and AAAA queries in parallel over UDP with a random ID from a fresh socket (so a
/// random source port), accepts only answers from the server asked that match the ID and question, retries
/// over TCP when an answer is truncated, and honours the lookup's deadline and task cancellation at every
/// step. With `preferGo = false`, host, address, canonical-name and reverse lookups go to the C library
/// (`getaddrinfo(3)`/`getnameinfo(3)`, which also consult nsswitch.conf's other sources) on a small thread
/// pool; MX, SRV, TXT and NS lookups always use the built-in client, as in Go.
///
/// Every lookup takes an optional `deadline` (Go's context deadline); cancelling the task (Go's context
/// cancellation) throws `CancellationError`. Failures are `DNSError`s with Go's texts: `lookup nope.example
/// on 127.0.0.1:53: no such host`.
///
/// `dial` and `Dialer` resolve names with `Resolver.default` unless the dialer has its own `resolver`.
///
/// ```swift
/// let resolver = Resolver(config: DNSConfig(servers: ["127.0.0.1:5353"], timeout: .seconds(1)))
/// let mx = try await resolver.lookupMX("example.com")
/// ```
///
/// The corresponding Go type is `net.Resolver`.
public struct Resolver: Sendable {
    /// Use NetKit's built-in DNS client (true, the default) rather than the C library's resolver for host,
    /// address, canonical-name and reverse lookups. The corresponding Go field is `Resolver.PreferGo`
    /// (false in Go's zero value, but Go on Linux picks its built-in resolver anyway unless told otherwise).
    public var preferGo: Bool { didSet { shared = ResolverShared() } }
    /// Make a temporary error (a timeout, a socket error, SERVFAIL) of one sub-query fail the whole lookup
    /// instead of going on with the other search domains or returning the other address family's answer.
    /// The corresponding Go field is `Resolver.StrictErrors`.
    public var strictErrors: Bool { didSet { shared = ResolverShared() } }
    /// How the built-in client reaches a name server: called with "udp" or "tcp" and the server as "IP:port";
    /// nil dials with a `Dialer`. A conn that is also a `PacketConn` exchanges one datagram per message
    /// (RFC 1035 §4.2.1), any other conn is a stream with two-byte length prefixes (RFC 7766). The resolver
    /// sets the conn's deadline and closes it. The corresponding Go field is `Resolver.Dial` (whose context
    /// is the lookup's; here the task's cancellation reaches the hook, and when the query's deadline passes
    /// first the hook's task is cancelled and a conn it still returns is closed).
    public var dial: (@Sendable (_ network: String, _ address: String) async throws -> any Conn)? {
        didSet { shared = ResolverShared() }
    }
    /// The name servers, search list and options; nil reads `/etc/resolv.conf` (re-checked every 5 s).
    /// A NetKit addition: Go always reads `/etc/resolv.conf`.
    public var config: DNSConfig? { didSet { shared = ResolverShared() } }
    /// The hosts file consulted before DNS; "" consults none. A NetKit addition: Go always reads `/etc/hosts`.
    public var hostsPath: String { didSet { shared = ResolverShared() } }

    /// State shared by copies of one resolver (a copy whose settings change gets its own): the `rotate`
    /// counter and the merging of concurrent address lookups.
    private(set) var shared = ResolverShared()

    /// Creates a resolver. `Resolver()` behaves like `Resolver.default`.
    ///
    /// The corresponding Go expression is `&net.Resolver{PreferGo: …, StrictErrors: …, Dial: …}`.
    public init(
        preferGo: Bool = true,
        strictErrors: Bool = false,
        dial: (@Sendable (_ network: String, _ address: String) async throws -> any Conn)? = nil,
        config: DNSConfig? = nil,
        hostsPath: String = "/etc/hosts"
    ) {
        self.preferGo = preferGo
        self.strictErrors = strictErrors
        self.dial = dial
        self.config = config
        self.hostsPath = hostsPath
    }

    /// The resolver used by the package-level `lookup…` functions and by `dial` and `Dialer`s without a
    /// `resolver` of their own.
    ///
    /// The corresponding Go variable is `net.DefaultResolver`.
    public static let `default` = Resolver()

    /// The configuration in force: `config`, or the system's.
    var effectiveConfig: DNSConfig {
        config ?? SystemDNSConfig.shared.current
    }

    /// The hosts table in force (empty when `hostsPath` is "").
    var hosts: HostsTable {
        hostsPath.isEmpty ? HostsTable(parsing: []) : HostsFileCache.shared.table(path: hostsPath)
    }
}

/// What copies of a `Resolver` with the same settings share.
final class ResolverShared: Sendable {
    /// Counts queries for `DNSConfig.rotate`.
    let rotation = Atomic<UInt32>(0)
    /// Concurrent address lookups of the same name, merged. The corresponding Go field is
    /// `Resolver.lookupGroup`.
    let lookups = LookupGroup()
}
