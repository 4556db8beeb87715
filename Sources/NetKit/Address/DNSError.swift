/// A failed name or service lookup.
///
/// `description` is Go's text: `"lookup " + name + " on " + server + ": " + err`, where the `on <server>` part is
/// left out when `server` is empty, e.g. `lookup tcp/nope: unknown port`. Check `isNotFound` to tell "no such
/// name" from a failure to ask.
///
/// Every lookup throws it: the resolver (`Resolver`, the `lookup…` functions) for names and records, the local
/// service lookup (`lookupPortLocally`) for ports. `==` and `hash(into:)` compare the visible fields and
/// ignore `unwrapped`.
///
/// The corresponding Go type is `net.DNSError`.
public struct DNSError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What went wrong, e.g. `"unknown port"` or `"no such host"`. The corresponding Go field is `DNSError.Err`.
    public var err: String
    /// The name that was looked up (for ports: `network + "/" + service`).
    /// The corresponding Go field is `DNSError.Name`.
    public var name: String
    /// The server that was asked, empty if none. The corresponding Go field is `DNSError.Server`.
    public var server: String
    /// The lookup timed out. The corresponding Go field is `DNSError.IsTimeout`.
    public var isTimeout: Bool
    /// The failure is temporary; asking again may succeed. The corresponding Go field is `DNSError.IsTemporary`
    /// (Go's `Temporary()` method reports `IsTimeout || IsTemporary`).
    public var isTemporary: Bool
    /// The name (host or service) does not exist, or has no records of the type asked for.
    /// The corresponding Go field is `DNSError.IsNotFound`.
    public var isNotFound: Bool
    /// The error behind this one, when there is one worth inspecting: the `OpError` of a failed exchange with a
    /// name server ("read udp …: i/o timeout"), `DeadlineExceededError` when the lookup's deadline passed.
    /// Nil for answers the server gave (not found, server misbehaving, …).
    /// The corresponding Go field is `DNSError.UnwrapErr` (Go's `Unwrap` method returns it).
    public var unwrapped: (any Error)?

    /// Creates a lookup error. The corresponding Go expression is `&net.DNSError{Err: err, Name: name, ...}`.
    public init(
        err: String, name: String, server: String = "",
        isTimeout: Bool = false, isTemporary: Bool = false, isNotFound: Bool = false, unwrapped: (any Error)? = nil
    ) {
        self.err = err
        self.name = name
        self.server = server
        self.isTimeout = isTimeout
        self.isTemporary = isTemporary
        self.isNotFound = isNotFound
        self.unwrapped = unwrapped
    }

    /// Whether the visible fields are equal (`unwrapped` is not compared).
    public static func == (a: DNSError, b: DNSError) -> Bool {
        a.err == b.err && a.name == b.name && a.server == b.server && a.isTimeout == b.isTimeout
            && a.isTemporary == b.isTemporary && a.isNotFound == b.isNotFound
    }

    /// Hashes the visible fields (not `unwrapped`).
    public func hash(into hasher: inout Hasher) {
        hasher.combine(err)
        hasher.combine(name)
        hasher.combine(server)
        hasher.combine(isTimeout)
        hasher.combine(isTemporary)
        hasher.combine(isNotFound)
    }

    /// `"lookup <name>[ on <server>]: <err>"`. The corresponding Go method is `(*net.DNSError).Error`.
    public var description: String {
        var text = "lookup " + name
        if !server.isEmpty {
            text += " on " + server
        }
        return text + ": " + err
    }
}

extension DNSError {
    static let unknownPort = "unknown port"
    static let unknownNetwork = "unknown network"
}
