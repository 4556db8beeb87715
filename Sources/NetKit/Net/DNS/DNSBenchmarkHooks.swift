/// Entry points for the micro-benchmarks of the DNS message layer (Benchmarks/, `@_spi(Benchmarks) import NetKit`).
///
/// The message builder and parser are internal (like Go's, which are unexported in package net); these hooks run
/// exactly what the resolver runs: building a query, and parsing an answer for addresses (header checks, the
/// question, skipping the CNAME chain, reading the A records). Not API.
@_spi(Benchmarks)
public enum DNSBenchmarkHooks {
    /// Builds the query the resolver sends for `name`/A: a random ID, recursion desired, the EDNS(0) OPT record.
    public static func buildQuery(_ name: String) throws -> [UInt8] {
        try DNSQuery(wireName: DNSName.encode(name), type: .a, authenticData: false, edns0: true).message
    }

    /// A typical answer to an A query for `name`: a CNAME to "edge.example.net." and four A records, compressed.
    public static func typicalResponse(_ name: String) throws -> [UInt8] {
        var b = DNSBuilder(header: DNSHeader(id: 0x1234, flags: 0x8180), compress: true)
        try b.question(name, .a)
        try b.nameRecord(name: name, type: .cname, target: "edge.example.net.")
        for last in 1...4 { try b.address(name: "edge.example.net.", ip: IP(192, 0, 2, UInt8(last))) }
        return try b.finish()
    }

    /// Parses `message` as the resolver parses an answer to an A query and returns the addresses.
    public static func parseAddresses(_ message: [UInt8]) throws -> [IP] {
        var parser = try DNSParser(message)
        try parser.skipQuestions()
        guard case .success(var answers) = Resolver.skipToAnswer(parser, type: .a) else { return [] }
        var ips: [IP] = []
        while let record = try answers.resource(in: .answers) {
            if record.type == .a { ips.append(try answers.a(record)) }
        }
        return ips
    }
}
