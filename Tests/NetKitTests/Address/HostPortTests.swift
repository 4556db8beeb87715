import Testing
@testable import NetKit

/// Go's TestSplitHostPort and TestJoinHostPort tables (src/net/ip_test.go).
@Suite struct HostPortTests {
    struct SplitCase: Sendable, CustomTestStringConvertible {
        let hostPort: String
        let host: String
        let port: String
        var testDescription: String { "\"\(hostPort)\"" }
    }

    // src/net/ip_test.go TestSplitHostPort, success table.
    static let splitSuccesses: [SplitCase] = [
        // Host name
        .init(hostPort: "localhost:http", host: "localhost", port: "http"),
        .init(hostPort: "localhost:80", host: "localhost", port: "80"),
        // Go-specific host name with zone identifier
        .init(hostPort: "localhost%lo0:http", host: "localhost%lo0", port: "http"),
        .init(hostPort: "localhost%lo0:80", host: "localhost%lo0", port: "80"),
        .init(hostPort: "[localhost%lo0]:http", host: "localhost%lo0", port: "http"),  // Go 1 behavior
        .init(hostPort: "[localhost%lo0]:80", host: "localhost%lo0", port: "80"),  // Go 1 behavior
        // IP literal
        .init(hostPort: "127.0.0.1:http", host: "127.0.0.1", port: "http"),
        .init(hostPort: "127.0.0.1:80", host: "127.0.0.1", port: "80"),
        .init(hostPort: "[::1]:http", host: "::1", port: "http"),
        .init(hostPort: "[::1]:80", host: "::1", port: "80"),
        // IP literal with zone identifier
        .init(hostPort: "[::1%lo0]:http", host: "::1%lo0", port: "http"),
        .init(hostPort: "[::1%lo0]:80", host: "::1%lo0", port: "80"),
        // Go-specific wildcard for host name
        .init(hostPort: ":http", host: "", port: "http"),  // Go 1 behavior
        .init(hostPort: ":80", host: "", port: "80"),  // Go 1 behavior
        // Go-specific wildcard for service name or transport port number
        .init(hostPort: "golang.org:", host: "golang.org", port: ""),  // Go 1 behavior
        .init(hostPort: "127.0.0.1:", host: "127.0.0.1", port: ""),  // Go 1 behavior
        .init(hostPort: "[::1]:", host: "::1", port: ""),  // Go 1 behavior
        // Opaque service name
        .init(hostPort: "golang.org:https%foo", host: "golang.org", port: "https%foo"),  // Go 1 behavior
    ]

    @Test(arguments: splitSuccesses)
    func splitHostPortSucceeds(_ tt: SplitCase) throws {
        let (host, port) = try splitHostPort(tt.hostPort)
        #expect(host == tt.host, "splitHostPort(\(tt.hostPort)) host")
        #expect(port == tt.port, "splitHostPort(\(tt.hostPort)) port")
    }

    // src/net/ip_test.go TestSplitHostPort, failure table: the exact AddrError.Err.
    static let splitFailures: [(hostPort: String, err: String)] = [
        ("golang.org", "missing port in address"),
        ("127.0.0.1", "missing port in address"),
        ("[::1]", "missing port in address"),
        ("[fe80::1%lo0]", "missing port in address"),
        ("[localhost%lo0]", "missing port in address"),
        ("localhost%lo0", "missing port in address"),

        ("::1", "too many colons in address"),
        ("fe80::1%lo0", "too many colons in address"),
        ("fe80::1%lo0:80", "too many colons in address"),

        // Test cases that didn't fail in Go 1
        ("[foo:bar]", "missing port in address"),
        ("[foo:bar]baz", "missing port in address"),
        ("[foo]bar:baz", "missing port in address"),

        ("[foo]:[bar]:baz", "too many colons in address"),

        ("[foo]:[bar]baz", "unexpected '[' in address"),
        ("foo[bar]:baz", "unexpected '[' in address"),

        ("foo]bar:baz", "unexpected ']' in address"),

        // Not in Go's table: the remaining error path.
        ("[::1:80", "missing ']' in address"),
        ("", "missing port in address"),
    ]

    @Test(arguments: splitFailures)
    func splitHostPortFails(_ hostPort: String, _ err: String) {
        #expect(throws: AddrError(err: err, addr: hostPort)) {
            _ = try splitHostPort(hostPort)
        }
    }

    @Test func splitHostPortErrorText() {
        do {
            _ = try splitHostPort("::1")
            Issue.record("splitHostPort(\"::1\") should have failed")
        } catch {
            #expect(error.description == "address ::1: too many colons in address")
            #expect(!error.isTimeout && !error.isTemporary)
        }
    }

    // src/net/ip_test.go TestJoinHostPort.
    static let joins: [(host: String, port: String, hostPort: String)] = [
        // Host name
        ("localhost", "http", "localhost:http"),
        ("localhost", "80", "localhost:80"),
        // Go-specific host name with zone identifier
        ("localhost%lo0", "http", "localhost%lo0:http"),
        ("localhost%lo0", "80", "localhost%lo0:80"),
        // IP literal
        ("127.0.0.1", "http", "127.0.0.1:http"),
        ("127.0.0.1", "80", "127.0.0.1:80"),
        ("::1", "http", "[::1]:http"),
        ("::1", "80", "[::1]:80"),
        // IP literal with zone identifier
        ("::1%lo0", "http", "[::1%lo0]:http"),
        ("::1%lo0", "80", "[::1%lo0]:80"),
        // Go-specific wildcard for host name
        ("", "http", ":http"),  // Go 1 behavior
        ("", "80", ":80"),  // Go 1 behavior
        // Go-specific wildcard for service name or transport port number
        ("golang.org", "", "golang.org:"),  // Go 1 behavior
        ("127.0.0.1", "", "127.0.0.1:"),  // Go 1 behavior
        ("::1", "", "[::1]:"),  // Go 1 behavior
        // Opaque service name
        ("golang.org", "https%foo", "golang.org:https%foo"),  // Go 1 behavior
    ]

    @Test(arguments: joins)
    func joinHostPortJoins(_ host: String, _ port: String, _ hostPort: String) throws {
        #expect(joinHostPort(host, port) == hostPort)
        // Everything joinHostPort makes, splitHostPort takes apart again.
        let split = try splitHostPort(hostPort)
        #expect(split.host == host && split.port == port)
    }

    @Test(arguments: [
        ("fe80::1%eth0", "fe80::1", "eth0"),
        ("fe80::1%", "fe80::1", ""),
        ("%eth0", "%eth0", ""),  // a leading '%' is not a zone separator
        ("localhost", "localhost", ""),
        ("a%b%c", "a%b", "c"),  // the zone starts after the last '%'
    ])
    func splitHostZoneSplits(_ input: String, _ host: String, _ zone: String) {
        let split = splitHostZone(input)
        #expect(split.host == host && split.zone == zone)
    }

    @Test func addrErrorDescription() {
        #expect(AddrError(err: "invalid port", addr: "65536").description == "address 65536: invalid port")
        #expect(AddrError(err: "no suitable address found").description == "no suitable address found")
    }

    /// reliability.md §59: no trap for any input; whatever splits, joins back to an equivalent split.
    @Test func splitHostPortNeverTrapsOnRandomInput() {
        let alphabet: [Character] = ["[", "]", ":", "%", "a", "1", ":", "[", "]", "é", " "]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<2_000 {
            let length = Int.random(in: 0...10, using: &generator)
            let input = String((0..<length).map { _ in alphabet.randomElement(using: &generator)! })
            guard let (host, port) = try? splitHostPort(input) else { continue }
            let rejoined = joinHostPort(host, port)
            if let (host2, port2) = try? splitHostPort(rejoined) {
                #expect(host2 == host && port2 == port, "round trip of \(input) via \(rejoined)")
            } else if !host.contains("[") && !host.contains("]") && !port.contains("[") && !port.contains("]") {
                Issue.record("\(rejoined) (from \(input)) does not split again")
            }
        }
    }
}
