/// A failed name or service lookup.
///
/// `description` is Go's text: `"lookup " + name + " on " + server + ": " + err`, where the `on <server>` part is
/// left out when `server` is empty, e.g. `lookup tcp/nope: unknown port`. Check `isNotFound` to tell "no such
/// name" from a failure to ask.
///
/// So far only the local service lookup (`lookupPortLocally`) produces it; the resolver extends its use.
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
    /// The name (host or service) does not exist. The corresponding Go field is `DNSError.IsNotFound`.
    public var isNotFound: Bool

    /// Creates a lookup error. The corresponding Go expression is `&net.DNSError{Err: err, Name: name, ...}`.
    public init(
        err: String, name: String, server: String = "",
        isTimeout: Bool = false, isTemporary: Bool = false, isNotFound: Bool = false
    ) {
        self.err = err
        self.name = name
        self.server = server
        self.isTimeout = isTimeout
        self.isTemporary = isTemporary
        self.isNotFound = isNotFound
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
