import Testing
@_spi(Benchmarks) @testable import NetKit

/// The hooks the DNS micro-benchmarks run must do the real work (a benchmark of a no-op measures nothing).
@Suite("DNS benchmark hooks")
struct DNSBenchmarkHookTests {
    @Test func typicalResponseParsesToItsFourAddresses() throws {
        let response = try DNSBenchmarkHooks.typicalResponse("www.example.com.")
        let ips = try DNSBenchmarkHooks.parseAddresses(response)
        #expect(ips == (1...4).map { IP(192, 0, 2, UInt8($0)) })
    }

    @Test func queryIsAWellFormedRequestWithEDNS0() throws {
        let query = try DNSBenchmarkHooks.buildQuery("www.example.com.")
        var parser = try DNSParser(query)
        #expect(!parser.header.response)
        #expect(parser.header.recursionDesired)
        let question = try #require(try parser.question())
        #expect(question.type == .a)
        #expect(try parser.name(at: question.nameOffset) == "www.example.com.")
        try parser.skipQuestions()
        #expect(try parser.resource(in: .additionals)?.type == .opt)
    }
}
