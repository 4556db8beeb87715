/// An address that could not be used: a malformed `host:port`, a bad port, an unknown network, a Unix socket
/// path that does not fit in `sockaddr_un`.
///
/// `description` is Go's text: `"address " + addr + ": " + err`, or just `err` when `addr` is empty, e.g.
/// `address ::1: too many colons in address`. An address error is never a timeout and never temporary.
///
/// The corresponding Go type is `net.AddrError`.
public struct AddrError: Error, Hashable, Sendable, CustomStringConvertible {
    /// What is wrong, e.g. `"missing port in address"`. The corresponding Go field is `AddrError.Err`.
    public var err: String
    /// The address that was rejected (may be empty). The corresponding Go field is `AddrError.Addr`.
    public var addr: String

    /// Creates an address error. The corresponding Go expression is `&net.AddrError{Err: err, Addr: addr}`.
    public init(err: String, addr: String = "") {
        self.err = err
        self.addr = addr
    }

    /// `"address <addr>: <err>"`, or `err` alone when `addr` is empty.
    /// The corresponding Go method is `(*net.AddrError).Error`.
    public var description: String {
        addr.isEmpty ? err : "address " + addr + ": " + err
    }

    /// Always `false`. The corresponding Go method is `(*net.AddrError).Timeout`.
    public var isTimeout: Bool { false }

    /// Always `false`. The corresponding Go method is `(*net.AddrError).Temporary`.
    public var isTemporary: Bool { false }
}

extension AddrError {
    // Go's exact texts, in one place so that producers and tests cannot drift apart.
    static let missingPort = "missing port in address"
    static let tooManyColons = "too many colons in address"
    static let missingCloseBracket = "missing ']' in address"
    static let unexpectedOpenBracket = "unexpected '[' in address"
    static let unexpectedCloseBracket = "unexpected ']' in address"
    static let invalidPort = "invalid port"
    static let unknownNetwork = "unknown network"
}
