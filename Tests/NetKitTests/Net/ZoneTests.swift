import Glibc
import Testing
@testable import NetKit

/// IPv6 link-local addresses with zones, end to end (reliability.md §60; Go's TestIPv6LinkLocalUnicastTCP/UDP,
/// which require a zone on both ends). Loopback has no fe80 address, so each test runs in a child process whose
/// event-loop thread enters a private network namespace with a veth pair v0 ⇄ v1 (fe80::1 on v0, fe80::2 on v1,
/// added without duplicate address detection). Nothing leaves the namespace. Skipped without root or iproute2.
@Suite("IPv6 zones")
struct ZoneTests {
    /// Runs `body` on the loop thread after moving it into a new network namespace with the veth pair.
    static func inVethNamespace(_ body: @escaping @Sendable () async throws -> Void) async throws {
        guard geteuid() == 0, access("/usr/sbin/ip", X_OK) == 0 || access("/sbin/ip", X_OK) == 0 else {
            print("skipped: needs root and iproute2 for a network namespace")
            return
        }
        let loop = EventLoop.all[0]
        try await Task(executorPreference: loop) {
            try #require(unshareNamespace(CLONE_NEWNET_) == 0, "unshare: \(Errno.current)")
            for args in [["link", "set", "lo", "up"],
                         ["link", "add", "v0", "type", "veth", "peer", "name", "v1"],
                         ["link", "set", "v0", "up"],
                         ["link", "set", "v1", "up"],
                         ["-6", "addr", "add", "fe80::1/64", "dev", "v0", "nodad"],
                         ["-6", "addr", "add", "fe80::2/64", "dev", "v1", "nodad"]] {
                try #require(runCommand(["ip"] + args) == 0, "ip \(args.joined(separator: " "))")
            }
            try await body()
        }.value
    }

    @Test(.heavy) func tcpKeepsZonesOnBothEnds() async {
        await #expect(processExitsWith: .success) {
            try await ZoneTests.inVethNamespace {
                let ln = try listenTCP("tcp6", laddr: TCPAddr(ip: IP("fe80::1%v0")!, port: 0))
                defer { try? ln.close() }
                let port = ln.tcpAddr.port
                #expect(ln.addr.description == "[fe80::1%v0]:\(port)")
                // Through v1, fe80::1 is the peer's address; the zone picks the interface.
                let conn = try await dialTCP("tcp6", raddr: TCPAddr(ip: IP("fe80::1%v1")!, port: port))
                defer { try? conn.close() }
                let accepted = try await ln.acceptTCP()
                defer { try? accepted.close() }
                #expect(conn.remoteAddr.description == "[fe80::1%v1]:\(port)")
                #expect(conn.localTCPAddr.ip.zone == "v1")
                #expect(conn.localTCPAddr.ip.withZone("") == IP("fe80::2")!)
                #expect(accepted.remoteAddr.description == "[fe80::2%v0]:\(conn.localTCPAddr.port)")
                try await accepted.write("hi")
                try accepted.close()
                #expect(try await readAll(conn) == Array("hi".utf8))
                // The string forms dial too.
                let again = try await dial("tcp6", "[fe80::1%v1]:\(port)")
                try again.close()
            }
        }
    }

    @Test(.heavy) func udpReadFromReportsTheZone() async {
        await #expect(processExitsWith: .success) {
            try await ZoneTests.inVethNamespace {
                let server = try listenUDP("udp6", laddr: UDPAddr(ip: IP("fe80::1%v0")!, port: 0))
                defer { try? server.close() }
                let port = server.localUDPAddr.port
                let client = try await dial("udp6", "[fe80::1%v1]:\(port)")
                defer { try? client.close() }
                try await client.write("ping")
                var buffer = [UInt8](repeating: 0, count: 16)
                let (n, from) = try await server.readFromUDP(into: &buffer)
                #expect(Array(buffer[..<n]) == Array("ping".utf8))
                #expect(from.ip == IP("fe80::2%v0")!)
                // The reply goes back through the zone the datagram came from.
                try await server.writeToUDP(Array("pong".utf8), from)
                #expect(try await client.read(maxCount: 16) == Array("pong".utf8))
            }
        }
    }

    @Test(.heavy) func unzonedLinkLocalDialIsInvalidAndAnUnknownZoneIsTyped() async {
        await #expect(processExitsWith: .success) {
            try await ZoneTests.inVethNamespace {
                let ln = try await listen("tcp6", "[fe80::1%v0]:0")
                defer { try? ln.close() }
                let port = (ln.addr as! TCPAddr).port
                // Without a zone the kernel cannot pick an interface: EINVAL, as reliability.md §60 verified.
                let unzoned = await caught { _ = try await dial("tcp6", "[fe80::1]:\(port)") }
                #expect(unzoned.map { String(describing: $0) } == "dial tcp6 [fe80::1]:\(port): connect: invalid argument")
                // An interface that does not exist is a typed address error, before any socket.
                let unknown = await caught { _ = try await dial("tcp6", "[fe80::1%nosuchif0]:\(port)") }
                let op = unknown as? OpError
                #expect(op?.op == "dial")
                #expect(op?.err is AddrError)
            }
        }
    }
}
