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
}
