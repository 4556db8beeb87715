// The record values the resolver's lookups return (Go: net/dnsclient.go `MX`, `SRV`, `NS`).

/// A mail exchanger: one MX record (RFC 1035 §3.3.9).
///
/// `lookupMX` returns them sorted by `pref`, lowest first, in random order among equal preferences
/// (RFC 5321 §5.1). The corresponding Go type is `net.MX`.
public struct MX: Hashable, Sendable, CustomStringConvertible {
    /// The mail server's name, absolute ("mail.example.com."). The corresponding Go field is `MX.Host`.
    public var host: String
    /// The preference: lower is preferred. The corresponding Go field is `MX.Pref`.
    public var pref: UInt16

    /// Creates a record value. The corresponding Go expression is `&net.MX{Host: host, Pref: pref}`.
    public init(host: String, pref: UInt16) {
        self.host = host
        self.pref = pref
    }

    /// "pref host", as in a zone file: "10 mail.example.com.". (Go's `MX` has no `String` method.)
    public var description: String { "\(pref) \(host)" }
}

/// A service location: one SRV record (RFC 2782).
///
/// `lookupSRV` returns them sorted by `priority`, lowest first, and within one priority in a random order
/// weighted by `weight` (RFC 2782's selection algorithm). The corresponding Go type is `net.SRV`.
public struct SRV: Hashable, Sendable, CustomStringConvertible {
    /// The host providing the service, absolute ("sip1.example.com."). The corresponding Go field is
    /// `SRV.Target`.
    public var target: String
    /// The port of the service on `target`. The corresponding Go field is `SRV.Port`.
    public var port: UInt16
    /// The priority: lower is tried first. The corresponding Go field is `SRV.Priority`.
    public var priority: UInt16
    /// The relative weight among records of the same priority. The corresponding Go field is `SRV.Weight`.
    public var weight: UInt16

    /// Creates a record value. The corresponding Go expression is `&net.SRV{Target: …, Port: …, …}`.
    public init(target: String, port: UInt16, priority: UInt16, weight: UInt16) {
        self.target = target
        self.port = port
        self.priority = priority
        self.weight = weight
    }

    /// "priority weight port target", as in a zone file: "10 60 5060 sip1.example.com.". (Go's `SRV` has no
    /// `String` method.)
    public var description: String { "\(priority) \(weight) \(port) \(target)" }
}

/// A name server: one NS record (RFC 1035 §3.3.11). The corresponding Go type is `net.NS`.
public struct NS: Hashable, Sendable, CustomStringConvertible {
    /// The name server's name, absolute ("ns1.example.com."). The corresponding Go field is `NS.Host`.
    public var host: String

    /// Creates a record value. The corresponding Go expression is `&net.NS{Host: host}`.
    public init(host: String) {
        self.host = host
    }

    /// The host. (Go's `NS` has no `String` method.)
    public var description: String { host }
}
