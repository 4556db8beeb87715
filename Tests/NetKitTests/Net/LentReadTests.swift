import Glibc
import Synchronization
import Testing
@testable import NetKit

/// `read(upTo:_:)`: a read into a buffer lent by the connection's event loop, taken only once bytes are there.
/// The same contract as `read(into:)` (at least one byte, EOF, deadlines, close, cancellation), plus the
/// lending: the buffer goes back to the loop's pool when the body returns, and a waiting read holds none.
@Suite("Lent reads (read(upTo:))")
struct LentReadTests {
    @Test func bytesArriveInOrderAndTheBodysResultIsReturned() async throws {
        let (client, server) = try await tcpPair()
        defer { closeAll(client, server) }
        try await client.write(Array("hello, lent world".utf8))
        let received = try await withWatchdog {
            var received: [UInt8] = []
            while received.count < 17 {
                let chunk = try await server.read(upTo: 65536) { bytes in Array(bytes) }
                #expect(!chunk.isEmpty)
                received += chunk
            }
            return received
        }
        #expect(String(decoding: received, as: UTF8.self) == "hello, lent world")
    }

    @Test func atMostMaxCountBytesAreReadAndTheRestStaysQueued() async throws {
        let (client, server) = try await tcpPair()
        defer { closeAll(client, server) }
        let payload = (0..<100).map { UInt8($0) }
        try await client.write(payload)
        // Wait until all 100 bytes are queued, so a short read is the limit's doing.
        try await withWatchdog {
            while queuedBytes(server) < 100 {
                try await Task.sleep(for: .milliseconds(1))
            }
        }
        let first = try await withWatchdog { try await server.read(upTo: 10) { Array($0) } }
        #expect(first == Array(payload[0..<10]))
        let rest = try await readFull(server, 90)
        #expect(rest == Array(payload[10...]))
    }

    @Test func maxCountAboveTheLoopsBufferReadsAtMost64KiB() async throws {
        let (client, server) = try await tcpPair()
        defer { closeAll(client, server) }
        let payload = (0..<(200 * 1024)).map { UInt8(truncatingIfNeeded: $0 &* 7) }
        let writer = Task { try await client.write(payload) }
        let received = try await withWatchdog {
            var received: [UInt8] = []
            while received.count < payload.count {
                let chunk = try await server.read(upTo: 1 << 20) { bytes in Array(bytes) }
                #expect(chunk.count <= ReadBufferPool.bufferSize)
                received += chunk
            }
            return received
        }
        try await writer.value
        #expect(received == payload)
    }

    @Test func endOfStreamIsEOFAndTheBodyIsNotCalled() async throws {
        let (client, server) = try await tcpPair()
        defer { closeAll(server) }
        try client.close()
        let calls = Atomic<Int>(0)
        let error = await caught {
            try await withWatchdog { _ = try await server.read(upTo: 64) { _ in calls.add(1, ordering: .relaxed) } }
        }
        expectEOF(error)
        #expect(calls.load(ordering: .relaxed) == 0)
    }

    @Test func aZeroMaxCountCallsTheBodyWithNoBytesAtOnceButFailsOnAClosedConn() async throws {
        let (client, server) = try await tcpPair()
        defer { closeAll(client) }
        let count = try await withWatchdog { try await server.read(upTo: 0) { $0.count } }
        #expect(count == 0)
        try server.close()
        let error = await caught { _ = try await server.read(upTo: 0) { $0.count } }
        expectClosed(error, op: "read", conn: server)
    }

    @Test func aPastDeadlineTimesOutAndTheConnWorksOn() async throws {
        let (client, server) = try await tcpPair()
        defer { closeAll(client, server) }
        try server.setReadDeadline(.now + .milliseconds(50))
        let error = await caught { _ = try await withWatchdog { try await server.read(upTo: 64) { $0.count } } }
        expectTimeout(error, op: "read", conn: server)
        try server.setReadDeadline(nil)
        try await client.write([42])
        let byte = try await withWatchdog { try await server.read(upTo: 64) { Array($0) } }
        #expect(byte == [42])
    }

    @Test func closeWakesAParkedLentRead() async throws {
        let (client, server) = try await tcpPair()
        defer { closeAll(client) }
        let reader = Task { await caught { _ = try await server.read(upTo: 64) { $0.count } } }
        try await Task.sleep(for: .milliseconds(30))
        try server.close()
        let error = try await withWatchdog { await reader.value }
        expectClosed(error, op: "read", conn: server)
    }

    @Test(.timingSensitive) func cancellationInterruptsAParkedLentReadAndLosesNothing() async throws {
        let (client, server) = try await tcpPair()
        defer { closeAll(client, server) }
        let reader = Task { await caught { _ = try await server.read(upTo: 64) { $0.count } } }
        try await Task.sleep(for: .milliseconds(30))
        reader.cancel()
        let error = try await withWatchdog { await reader.value }
        expectCancellation(error)
        try await client.write([1, 2, 3])
        let bytes = try await withWatchdog { try await server.read(upTo: 64) { Array($0) } }
        #expect(bytes == [1, 2, 3])
    }

    /// The buffer is the loop's, lent for the body only: back in the pool afterwards, also when the body
    /// throws, and never held by a read that waits.
    @Test func theBufferIsLentForTheBodyOnly() async throws {
        let (client, server) = try await tcpPair()
        defer { closeAll(client, server) }
        @Sendable func lentEverywhere() -> Int { EventLoop.all.reduce(0) { $0 + $1.readBuffers.lentCount } }
        // Inside the body the buffer is out of the pool.
        try await client.write([7])
        let inside = try await withWatchdog { try await server.read(upTo: 64) { _ in lentEverywhere() } }
        #expect(inside >= 1)
        // A body that throws still returns the buffer; the error is the body's, unwrapped.
        struct BodyError: Error {}
        try await client.write([8])
        let error = await caught {
            _ = try await withWatchdog {
                try await server.read(upTo: 64) { (_: UnsafeRawBufferPointer) -> Int in throw BodyError() }
            }
        }
        #expect(error is BodyError)
        // Parked readers hold no buffer: 40 of them leave the lent count where the other tests of this suite
        // (a handful of short lends at most) put it. Were a buffer held while waiting, it would be 40 or more.
        var pairs: [(TCPConn, TCPConn)] = []
        defer { for (c, s) in pairs { closeAll(c, s) } }
        for _ in 0..<40 { pairs.append(try await tcpPair()) }
        let readers = pairs.map { pair in Task { await caught { _ = try await pair.1.read(upTo: 64) { $0.count } } } }
        try await Task.sleep(for: .milliseconds(50))
        #expect(lentEverywhere() < 20)
        for (c, _) in pairs { try c.close() }
        for r in readers { expectEOF(try await withWatchdog { await r.value }) }
    }

    @Test func thePoolKeepsAtMostMaxFreeBuffers() {
        let pool = ReadBufferPool()
        let taken = (0..<(ReadBufferPool.maxFree + 5)).map { _ in pool.take() }
        #expect(pool.lentCount == ReadBufferPool.maxFree + 5)
        #expect(Set(taken.map { UInt(bitPattern: $0.baseAddress) }).count == taken.count)
        #expect(taken.allSatisfy { $0.count == ReadBufferPool.bufferSize })
        for b in taken { pool.put(b) }
        #expect(pool.freeCount == ReadBufferPool.maxFree)
        #expect(pool.lentCount == 0)
        let again = pool.take()
        #expect(pool.freeCount == ReadBufferPool.maxFree - 1)
        pool.put(again)
    }

    @Test func theBodyMayWriteTheBytesBack() async throws {
        let (client, server) = try await tcpPair()
        defer { closeAll(client, server) }
        let echo = Task {
            do {
                while true { try await server.read(upTo: 65536) { bytes in try await server.write(bytes) } }
            } catch {}
        }
        let payload = (0..<(300 * 1024)).map { UInt8(truncatingIfNeeded: $0 &* 13) }
        let writer = Task { try await client.write(payload) }
        let back = try await withWatchdog { try await readFull(client, payload.count) }
        try await writer.value
        #expect(back == payload)
        try client.closeWrite()
        try await withWatchdog { await echo.value }
    }

    @Test func unixStreamAndConnectedUDPLendToo() async throws {
        let path = "/tmp/nk-lent-\(getpid())-\(UInt32.random(in: 0...UInt32.max)).sock"
        let (ln, uc, us) = try await unixConnectedPair("unix", path)
        defer { closeAll(uc, us); try? ln.close() }
        try await uc.write(Array("unix".utf8))
        let viaUnix = try await withWatchdog { try await us.read(upTo: 64) { String(decoding: $0, as: UTF8.self) } }
        #expect(viaUnix == "unix")

        let a = try listenUDP("udp4", laddr: UDPAddr(ip: .v4(127, 0, 0, 1), port: 0))
        defer { try? a.close() }
        let b = try dialUDP("udp4", raddr: a.localUDPAddr)
        defer { try? b.close() }
        _ = try await b.write(Array("one datagram".utf8))
        _ = try await a.writeToUDP(Array("reply".utf8), b.localUDPAddr)
        // A lent read of a datagram truncates it like read(into:): one datagram, at most maxCount bytes.
        let reply = try await withWatchdog { try await b.read(upTo: 3) { String(decoding: $0, as: UTF8.self) } }
        #expect(reply == "rep")
    }

    /// Conns that cannot lend (net.Pipe) use the generic path: a temporary buffer of at most 64 KiB.
    @Test func pipesUseTheGenericPath() async throws {
        let (a, b) = pipe()
        defer { closeAll(a, b) }
        let writer = Task { try await a.write(Array("piped".utf8)) }
        let got = try await withWatchdog { try await b.read(upTo: 64) { String(decoding: $0, as: UTF8.self) } }
        #expect(got == "piped")
        try await writer.value
    }
}

/// The bytes waiting in `conn`'s receive queue (FIONREAD).
private func queuedBytes(_ conn: TCPConn) -> Int {
    var n: Int32 = 0
    _ = try? conn.netFD.pd.withDescriptor { s throws(Errno) in ioctl(s.rawValue, UInt(FIONREAD), &n) }
    return Int(n)
}
