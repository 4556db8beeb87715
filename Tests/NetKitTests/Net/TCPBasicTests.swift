import Testing
@testable import NetKit

@Suite("TCP basics")
struct TCPBasicTests {
    @Test func echoRoundTrip() async throws {
        let ln = try await listen("tcp", "127.0.0.1:0")
        defer { try? ln.close() }
        let server = Task {
            let c = try await ln.accept()
            defer { try? c.close() }
            var buf = [UInt8](repeating: 0, count: 64)
            while true {
                let n: Int
                do { n = try await c.read(into: &buf) } catch IOError.eof { return }
                try await c.write(Array(buf[..<n]))
            }
        }
        try await withWatchdog {
            let c = try await dial("tcp", ln.addr.description)
            defer { try? c.close() }
            try await c.write("hello")
            let got = try await c.read(maxCount: 64)
            #expect(got == Array("hello".utf8))
            #expect(c.remoteAddr.description == ln.addr.description)
        }
        try await withWatchdog { _ = try await server.value }
    }

    /// An accepted conn's local address is where the peer connected: the listener's own address when it is
    /// bound to one (NetKit then skips getsockname), the address the kernel chose for a wildcard listener.
    @Test(arguments: ["127.0.0.1:0", "0.0.0.0:0", "[::1]:0", "[::]:0"])
    func acceptedConnsKnowTheirLocalAddress(_ address: String) async throws {
        let ln = try await listen("tcp", address)
        defer { try? ln.close() }
        let port = (ln.addr as! TCPAddr).port
        let target = address.hasPrefix("[") ? "[::1]:\(port)" : "127.0.0.1:\(port)"
        let (client, server) = try await withWatchdog { () -> (any Conn, any Conn) in
            async let accepted = ln.accept()
            let client = try await dial("tcp", target)
            return (client, try await accepted)
        }
        defer { try? client.close(); try? server.close() }
        #expect(server.localAddr.description == target)
        #expect(server.localAddr.description == client.remoteAddr.description)
        #expect(server.remoteAddr.description == client.localAddr.description)
        #expect(server.localAddr is TCPAddr)
    }

    @Test func refusedHasGoText() async throws {
        let ln = try listenTCP("tcp4", laddr: TCPAddr(ip: IP(127, 0, 0, 1), port: 0))
        let port = ln.tcpAddr.port
        try ln.close()
        do {
            _ = try await dial("tcp", "127.0.0.1:\(port)")
            Issue.record("dial succeeded")
        } catch let e as OpError {
            #expect(e.description == "dial tcp 127.0.0.1:\(port): connect: connection refused")
        }
    }

    /// Regression: data and FIN can arrive in one epoll event; a short read must not make the next read wait
    /// for an edge that will never come (the drained hint is off once the peer has hung up).
    @Test func dataThenFINInOneWakeUpIsReadToEOF() async throws {
        let ln = try listenTCP("tcp4", laddr: TCPAddr(ip: IP(127, 0, 0, 1), port: 0))
        defer { try? ln.close() }
        let rounds = 300
        let server = Task {
            for _ in 0..<rounds {
                let c = try await ln.accept()
                try await c.write("hello\r\n")
                try c.close()
            }
        }
        for round in 0..<rounds {
            let c = try await dial("tcp", ln.addr.description)
            defer { try? c.close() }
            try c.setReadDeadline(.now + upperBound(.seconds(2)))
            let all = try await readAll(c)
            #expect(all == Array("hello\r\n".utf8), "round \(round)")
        }
        try await withWatchdog { try await server.value }
    }
}
