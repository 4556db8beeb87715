// EDNS(0): the OPT pseudo-record of RFC 6891. (Go: dnsmessage `ResourceHeader.SetEDNS0`, `ExtendedRCode`.)

/// The OPT record's fields, packed into the class and TTL of a resource record (RFC 6891 §6.1.2–6.1.3).
enum DNSEDNS0 {
    /// The UDP payload size NetKit advertises and reads: 1232 bytes, the DNS Flag Day 2020 value, which fits
    /// the IPv6 minimum MTU without fragmentation. The corresponding Go constant is `net.maxDNSPacketSize`.
    static let udpPayloadSize = 1232

    /// The TTL field of an OPT record: extended RCODE (upper 8 of 12 bits), version 0, the DO bit.
    ///
    /// The corresponding Go method is `(*dnsmessage.ResourceHeader).SetEDNS0`.
    static func ttl(extendedRCode: DNSRCode = .success, dnssecOK: Bool = false) -> UInt32 {
        var ttl = UInt32(extendedRCode.rawValue >> 4 & 0xFF) << 24
        if dnssecOK { ttl |= 1 << 15 }
        return ttl
    }

    /// The twelve-bit response code of a message whose header carries `headerRCode` and whose OPT record
    /// has the TTL `ttl`.
    ///
    /// The corresponding Go method is `dnsmessage.ResourceHeader.ExtendedRCode`.
    static func extendedRCode(ttl: UInt32, headerRCode: DNSRCode) -> DNSRCode {
        DNSRCode(rawValue: UInt16(ttl >> 24) << 4 | headerRCode.rawValue & 0xF)
    }

    /// The EDNS version of an OPT record's TTL (0 is the only one defined).
    static func version(ttl: UInt32) -> UInt8 { UInt8(ttl >> 16 & 0xFF) }

    /// Whether an OPT record's TTL has the DNSSEC OK bit.
    static func dnssecOK(ttl: UInt32) -> Bool { ttl & 1 << 15 != 0 }
}
