import Glibc
import Testing

@testable import NetKit

// The nklookup example, run as a program against the suite's dnsmasq: output format, exit codes, --help. The
// child processes make these tests `.heavy`: they run one at a time, away from timing-sensitive tests.

/// The nklookup executable built beside the test bundle, if the build made it.
let nklookupPath: String? = builtExecutablePath("nklookup")

/// Runs nklookup with `arguments`; returns its exit status and output (bounded wait).
func runNKLookup(_ arguments: [String]) async throws -> (status: Int32, output: String, errors: String) {
    try await runProgram(try #require(nklookupPath), arguments, limit: dnsWatchdogLimit)
}

@Suite(
    "nklookup against dnsmasq", .dnsmasq, .heavy,
    .enabled(if: DNSMasq.isAvailable, "dnsmasq is not installed (apt-get install dnsmasq-base)"),
    .enabled(if: nklookupPath != nil, "the nklookup example was not built (swift build)"))
struct NKLookupTests {
    @Test(arguments: [
        (["--type", "MX", "nk.test"], "MX 10 mail.nk.test.\n"),
        (["--type", "a", "host.nk.test"], "A 192.0.2.1\n"),
        (["--type", "AAAA", "host.nk.test"], "AAAA 2001:db8::1\n"),
        (["--type", "TXT", "txt.nk.test"], "TXT \"v=spf1 -all\"\n"),
        (["--type", "TXT", "multi.nk.test"], "TXT \"firstsecond\"\n"),
        (["--type", "CNAME", "alias2.nk.test"], "CNAME host.nk.test.\n"),
        (["--type", "PTR", "192.0.2.1"], "PTR host.nk.test.\n"),
        (["--type", "SRV", "plain-srv.nk.test"], "SRV 1 1 80 direct.nk.test.\n"),
        (["v4only.nk.test"], "A 192.0.2.2\n"),
    ])
    func answersOneLineEach(arguments: [String], expectedStart: String) async throws {
        let server = try dnsmasq()
        let (status, output, errors) = try await runNKLookup(["--server", server.server] + arguments)
        #expect(status == 0, "\(errors)")
        #expect(output.hasPrefix(expectedStart), "\(output)")
        #expect(errors.isEmpty)
    }

    @Test func nsLinesAndAddressLines() async throws {
        let server = try dnsmasq()
        let ns = try await runNKLookup(["--server", server.server, "--type", "NS", "nk.test"])
        #expect(Set(ns.output.split(separator: "\n")) == ["NS ns1.nk.test.", "NS ns2.nk.test."])
        let both = try await runNKLookup(["-s", server.server, "host.nk.test"])
        #expect(Set(both.output.split(separator: "\n")) == ["A 192.0.2.1", "AAAA 2001:db8::1"])
    }

    @Test func exitCodesTellFailuresApart() async throws {
        let server = try dnsmasq()
        let missing = try await runNKLookup(["--server", server.server, "nope.nk.test"])
        #expect(missing.status == 1)
        #expect(missing.errors == "nklookup: lookup nope.nk.test on \(server.server): no such host\n")
        #expect(missing.output.isEmpty)

        let refused = try await runNKLookup(["--server", server.server, "--type", "TXT", "elsewhere.example"])
        #expect(refused.status == 3)
        #expect(refused.errors.contains("server misbehaving"))

        let badName = try await runNKLookup(["--server", server.server, "bad name!"])
        #expect(badName.status == 65)
        #expect(badName.errors == "nklookup: invalid name \"bad name!\"\n")

        let badPTR = try await runNKLookup(["--server", server.server, "--type", "PTR", "host.nk.test"])
        #expect(badPTR.status == 65)

        let usage = try await runNKLookup(["--type", "HINFO", "x"])
        #expect(usage.status == 64)
        #expect(usage.errors.hasPrefix("nklookup: unknown type HINFO\nusage: nklookup"))

        let help = try await runNKLookup(["--help"])
        #expect(help.status == 0)
        #expect(help.output.hasPrefix("usage: nklookup [--type TYPE] [--server HOST:PORT]"))
    }

    @Test func silentServerTimesOut() async throws {
        let fake = try await FakeNameServer { _ in [] }
        defer { fake.stop() }
        let start = ContinuousClock.now
        let result = try await runNKLookup(["--server", fake.server, "--timeout", "300ms", "--type", "MX", "slow.test"])
        #expect(result.status == 2)
        #expect(result.errors == "nklookup: lookup slow.test: i/o timeout\n")
        #expect(ContinuousClock.now - start < upperBound(.seconds(3)))
    }
}
