import Glibc
import Synchronization
import Testing
@testable import NetKit

/// RFC 6555 Happy Eyeballs for network "tcp" (Go's `dialParallel`, net/dial_test.go TestDialParallel,
/// TestDialerFallbackDelay, TestDialerDualStackFDLeak). Names are resolved by a hook, as Go's tests use
/// `testHookLookupIP`, to ::1 first and 127.0.0.1 second.
@Suite("Happy Eyeballs")
struct HappyEyeballsTests {
    /// Records the identity of every socket a dial creates (through the control hook).
    final class Attempts: Sendable {
        let sockets = Mutex<[(network: String, identity: String)]>([])
        func control(_ network: String, _ address: String, _ conn: RawConn) throws {
            let identity = try conn.control { s in descriptorIdentity(s.rawValue) ?? "?" }
            sockets.withLock { $0.append((network, identity)) }
        }
    }

    func dualStackDialer(fallbackDelay: Duration = .zero, timeout: Duration = .zero, attempts: Attempts) -> Dialer {
        var d = Dialer(timeout: timeout, fallbackDelay: fallbackDelay, control: { try attempts.control($0, $1, $2) })
        d.lookup = { _ in [.ipv6Loopback, IP(127, 0, 0, 1)] }
        return d
    }

    /// A port with an IPv4 listener and an IPv6 listener whose accept queue is full, so SYNs to [::1]:port are
    /// dropped and a dial there hangs (reliability.md §K "silent SYN drop without root").
    func silentV6(port: Int) async throws -> (blackhole: TCPListener, filler: any Conn) {
        let v6 = try ListenConfig(backlog: 0).listenTCP(network: "tcp6", laddr: TCPAddr(ip: .ipv6Loopback, port: port))
        let filler = try await dial("tcp6", "[::1]:\(port)")
        return (v6, filler)
    }

    @Test func refusedPrimaryFallsBackAtOnce() async throws {
        let ln = try listenTCP("tcp4", laddr: TCPAddr(ip: IP(127, 0, 0, 1), port: 0))
        defer { try? ln.close() }
        let attempts = Attempts()
        let start = ContinuousClock.now
        let conn = try await withWatchdog {
            try await dualStackDialer(fallbackDelay: .seconds(30), attempts: attempts).dial("tcp", "dual.test:\(ln.tcpAddr.port)")
        }
        defer { try? conn.close() }
        // ::1 is refused at once, which starts the fallback without waiting for the (30 s) fallback delay.
        #expect(ContinuousClock.now - start < upperBound(.seconds(2)))
        #expect(conn.remoteAddr.description == "127.0.0.1:\(ln.tcpAddr.port)")
        #expect(attempts.sockets.withLock { $0.map(\.network) } == ["tcp6", "tcp4"])
    }

    @Test func silentPrimaryLosesAfterFallbackDelayAndIsClosed() async throws {
        let ln = try listenTCP("tcp4", laddr: TCPAddr(ip: IP(127, 0, 0, 1), port: 0))
        defer { try? ln.close() }
        let port = ln.tcpAddr.port
        let (blackhole, filler) = try await silentV6(port: port)
        defer { try? filler.close(); try? blackhole.close() }
        let attempts = Attempts()
        let start = ContinuousClock.now
        let conn = try await withWatchdog {
            try await dualStackDialer(fallbackDelay: .milliseconds(200), attempts: attempts).dial("tcp", "dual.test:\(port)")
        }
        defer { try? conn.close() }
        let elapsed = ContinuousClock.now - start
        #expect(elapsed >= .milliseconds(150) && elapsed < upperBound(.seconds(2)), "took \(elapsed)")
        #expect(conn.remoteAddr.description == "127.0.0.1:\(port)")
        // The losing IPv6 attempt was cancelled and its socket closed (Go's TestDialerDualStackFDLeak).
        let loser = try #require(attempts.sockets.withLock { $0.first { $0.network == "tcp6" } })
        var stillOpen = true
        for _ in 0..<(200 * timingSlack) where stillOpen {
            stillOpen = openDescriptorIdentities().contains(loser.identity)
            if stillOpen { try await Task.sleep(for: .milliseconds(10)) }
        }
        #expect(!stillOpen, "the losing IPv6 socket \(loser.identity) is still open")
    }

    @Test func negativeFallbackDelayDialsSerially() async throws {
        let ln = try listenTCP("tcp4", laddr: TCPAddr(ip: IP(127, 0, 0, 1), port: 0))
        defer { try? ln.close() }
        let port = ln.tcpAddr.port
        let (blackhole, filler) = try await silentV6(port: port)
        defer { try? filler.close(); try? blackhole.close() }
        let attempts = Attempts()
        // No race: the hanging ::1 attempt uses up the whole 400 ms (less than Go's 2 s minimum share),
        // and nothing is left for 127.0.0.1.
        let error = await #expect(throws: OpError.self) {
            _ = try await withWatchdog {
                try await dualStackDialer(fallbackDelay: .milliseconds(-1), timeout: .milliseconds(400), attempts: attempts)
                    .dial("tcp", "dual.test:\(port)")
            }
        }
        #expect(error?.isTimeout == true)
        #expect(error?.description == "dial tcp [::1]:\(port): i/o timeout")
        #expect(attempts.sockets.withLock { $0.map(\.network) } == ["tcp6"])
    }

    @Test func bothFamiliesFailReportsThePrimaryError() async throws {
        // Learn a free port, then dial it with nothing listening on either family.
        let ln = try listenTCP("tcp4", laddr: TCPAddr(ip: IP(127, 0, 0, 1), port: 0))
        let port = ln.tcpAddr.port
        try ln.close()
        let error = await #expect(throws: OpError.self) {
            _ = try await withWatchdog { try await dualStackDialer(attempts: Attempts()).dial("tcp", "dual.test:\(port)") }
        }
        #expect(error?.description == "dial tcp [::1]:\(port): connect: connection refused")
    }

    @Test func cancellationStopsBothRacers() async throws {
        let ln = try listenTCP("tcp4", laddr: TCPAddr(ip: IP(127, 0, 0, 1), port: 0))
        let port = ln.tcpAddr.port
        try ln.close()  // nothing on v4 either: after the fallback starts, v4 is refused and v6 hangs
        let v6 = try ListenConfig(backlog: 0).listenTCP(network: "tcp6", laddr: TCPAddr(ip: .ipv6Loopback, port: port))
        let filler = try await dial("tcp6", "[::1]:\(port)")
        defer { try? filler.close(); try? v6.close() }
        let attempts = Attempts()
        let dialer = dualStackDialer(fallbackDelay: .seconds(10), attempts: attempts)
        let task = Task { try await dialer.dial("tcp", "dual.test:\(port)") }
        try await Task.sleep(for: .milliseconds(100))
        let start = ContinuousClock.now
        task.cancel()
        let result = try await withWatchdog { await task.result }
        #expect(ContinuousClock.now - start < upperBound(.milliseconds(300)))
        #expect(throws: CancellationError.self) { try result.get() }
    }
}
