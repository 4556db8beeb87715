// The DNS client's own failures and Go's texts for them (Go: net/dnsclient_unix.go's error variables,
// net/net.go `errNoSuchHost`, `newDNSError`).

/// A failure of an exchange with a name server, or of its answer, before it becomes a `DNSError` for the name
/// looked up.
///
/// The corresponding Go values are net's unexported `errLameReferral`, `errCannotUnmarshalDNSMessage`,
/// `errCannotMarshalDNSMessage`, `errServerMisbehaving`, `errServerTemporarilyMisbehaving`,
/// `errInvalidDNSResponse`, `errNoAnswerFromDNSServer` and `errNoSuchHost`.
enum DNSClientError: Error, Hashable, Sendable, CustomStringConvertible {
    case lameReferral
    case cannotUnmarshal
    case cannotMarshal
    case serverMisbehaving
    /// SERVFAIL: like `serverMisbehaving`, but temporary.
    case serverTemporarilyMisbehaving
    case invalidResponse
    case noAnswer
    /// NXDOMAIN, or no record of the type asked for.
    case noSuchHost

    /// Go's text.
    var description: String {
        switch self {
        case .lameReferral: "lame referral"
        case .cannotUnmarshal: DNSError.cannotUnmarshal
        case .cannotMarshal: "cannot marshal DNS message"
        case .serverMisbehaving, .serverTemporarilyMisbehaving: DNSError.serverMisbehaving
        case .invalidResponse: "invalid DNS response"
        case .noAnswer: "no answer from DNS server"
        case .noSuchHost: DNSError.noSuchHost
        }
    }
}

extension DNSError {
    /// Go's `errCannotUnmarshalDNSMessage` text.
    static let cannotUnmarshal = "cannot unmarshal DNS message"
    /// Go's `errServerMisbehaving` text.
    static let serverMisbehaving = "server misbehaving"
    /// Go's text for a bad SRV owner name (`LookupSRV`).
    static let invalidSRVHeaderName = "SRV header name is invalid"
    /// Go's `reverseaddr` text.
    static let unrecognizedAddress = "unrecognized address"

    /// The error for a failed query of `name` at `server`: Go's `newDNSError`, with `isTemporary` also set
    /// for socket-level failures (an `OpError`), as Go's `tryOneName` does, and the cause kept in `unwrapped`
    /// for those.
    init(query error: any Error, name: String, server: String) {
        switch error {
        case let client as DNSClientError:
            self.init(
                err: client.description, name: name, server: server,
                isTemporary: client == .serverTemporarilyMisbehaving, isNotFound: client == .noSuchHost)
        case let op as OpError:
            self.init(
                err: op.description, name: name, server: server, isTimeout: op.isTimeout, isTemporary: true,
                unwrapped: op)
        case let net as any NetError:
            self.init(
                err: net.description, name: name, server: server, isTimeout: net.isTimeout,
                isTemporary: net.isTemporary, unwrapped: net)
        default:
            self.init(err: String(describing: error), name: name, server: server, unwrapped: error)
        }
    }

    /// "lookup <name>: i/o timeout": the lookup's deadline passed. Address lookups report it temporary too
    /// (Go's `errTimeout`); the others do not (Go's `doBlockingWithCtx`).
    static func deadlineExceeded(name: String, temporary: Bool) -> DNSError {
        DNSError(
            err: DNSError.timeout, name: name, isTimeout: true, isTemporary: temporary,
            unwrapped: DeadlineExceededError())
    }

    /// "lookup <name>: no such host" (`isNotFound`).
    static func notFound(_ name: String, server: String = "") -> DNSError {
        DNSError(err: DNSError.noSuchHost, name: name, server: server, isNotFound: true)
    }
}
