import Glibc
import Testing
@testable import NetKit

/// Unix stream ("unix") and sequenced-packet ("unixpacket") connections: round trips and addresses, peer
/// credentials, half-close (reliability.md D29), zero-byte reads (D30), close (A1, A3, A5, A6), deadlines
/// (B11, B12, B15, B16), cancellation (C24, C25), message boundaries.
@Suite("Unix stream connections")
struct UnixSocketTests {
    static let networks = ["unix", "unixpacket"]

    @Test("echo round trip, addresses and Go's network names", arguments: networks)
    func roundTrip(network: String) async throws {
        try await withUnixTempDir { dir in
            let path = dir.file("echo")
            let ln = try await listen(network, path)
            defer { try? ln.close() }
            #expect(ln is UnixListener)
            try await withWatchdog {
                async let accepted = ln.accept()
                let c = try #require(try await dial(network, path) as? UnixConn)
                let s = try #require(try await accepted as? UnixConn)
                defer { try? c.close(); try? s.close() }
                try await c.write("hello")
                #expect(try await readFull(s, 5) == Array("hello".utf8))
                try await s.write("world")
                #expect(try await readFull(c, 5) == Array("world".utf8))

                #expect(c.remoteUnixAddr == UnixAddr(name: path, net: network))
                #expect(c.localUnixAddr == UnixAddr(name: "", net: network))   // unnamed (Go shows "@")
                #expect(s.localUnixAddr == UnixAddr(name: path, net: network))
                #expect(s.remoteUnixAddr == UnixAddr(name: "", net: network))
                #expect(c.remoteAddr.network == network)
                #expect(ln.addr.network == network)
            }
        }
    }

    @Test("a client bound to a path shows it on both ends (Go's TestUnixConnLocalAndRemoteNames)")
    func boundClientNames() async throws {
        try await withUnixTempDir { dir in
            let ln = try listenUnix("unix", laddr: UnixAddr(name: dir.file("srv")))
            defer { try? ln.close() }
            let local = UnixAddr(name: dir.file("cli"))
            try await withWatchdog {
                async let accepted = ln.acceptUnix()
                let c = try await dialUnix("unix", laddr: local, raddr: ln.unixAddr)
                let s = try await accepted
                defer { try? c.close(); try? s.close() }
                #expect(c.localUnixAddr == local)
                #expect(s.remoteUnixAddr == local)
                #expect(c.remoteUnixAddr == ln.unixAddr)
            }
        }
    }

    @Test("SO_PEERCRED reports this process on both ends")
    func peerCredentials() async throws {
        let (ln, c, s) = try await unixConnectedPair("unix", "@" + uniqueSocketName("cred"))
        defer { try? ln.close(); try? c.close(); try? s.close() }
        for conn in [c, s] {
            let cred = try conn.peerCredentials
            #expect(cred.processID == getpid())
            #expect(cred.userID == getuid())
            #expect(cred.groupID == getgid())
        }
        try s.close()
        #expect(unixIsClosed(await caught { _ = try s.peerCredentials }))
    }

    @Test("half-close: closeWrite sends EOF, the reply still arrives; write after closeWrite is EPIPE")
    func halfClose() async throws {
        let (ln, c, s) = try await unixConnectedPair("unix", "@" + uniqueSocketName("half"))
        defer { try? ln.close(); try? c.close(); try? s.close() }
        try await withWatchdog {
            try await c.write("request")
            try c.closeWrite()
            #expect(try await readAll(s) == Array("request".utf8))
            try await s.write("reply")
            try s.close()
            #expect(try await readAll(c) == Array("reply".utf8))

            let error = await caught { try await c.write("more") }
            #expect(unixErrno(error) == .brokenPipe)
            #expect((error as? OpError)?.op == "write")
            // Idempotent shutdowns (A5): a second closeWrite and closeRead neither trap nor fail oddly.
            try c.closeWrite()
            try c.closeRead()
            try c.closeRead()
            try c.close()
            #expect(unixIsClosed(await caught { try c.closeWrite() }))
        }
    }

    @Test("closeRead: later reads see the end of the stream")
    func closeRead() async throws {
        let (ln, c, s) = try await unixConnectedPair("unix", "@" + uniqueSocketName("cr"))
        defer { try? ln.close(); try? c.close(); try? s.close() }
        try await withWatchdog {
            try s.closeRead()
            await #expect(throws: IOError.eof) { _ = try await s.read(maxCount: 8) }
            // The writing side still works.
            try await s.write("still")
            #expect(try await readFull(c, 5) == Array("still".utf8))
        }
    }

    @Test("zero-byte reads return 0 at once, never EOF (D30)", arguments: networks)
    func zeroByteRead(network: String) async throws {
        let (ln, c, s) = try await unixConnectedPair(network, "@" + uniqueSocketName("zero"))
        defer { try? ln.close(); try? c.close(); try? s.close() }
        try await withWatchdog {
            var empty: [UInt8] = []
            #expect(try await s.read(into: &empty) == 0)
            #expect(try await s.read(into: UnsafeMutableRawBufferPointer(start: nil, count: 0)) == 0)
            let r = try await s.readFromUnix(into: &empty)
            #expect(r.count == 0 && r.addr == nil)
        }
    }

    @Test("unixpacket keeps message boundaries; a short buffer truncates one record only")
    func packetBoundaries() async throws {
        let (ln, c, s) = try await unixConnectedPair("unixpacket", "@" + uniqueSocketName("pkt"))
        defer { try? ln.close(); try? c.close(); try? s.close() }
        try await withWatchdog {
            for record in ["a", "bb", "ccc"] { try await c.write(record) }
            for record in ["a", "bb", "ccc"] {
                #expect(try await s.read(maxCount: 64) == Array(record.utf8))
            }
            try await c.write(Array(repeating: 7, count: 100))
            try await c.write("next")
            #expect(try await s.read(maxCount: 10) == Array(repeating: 7, count: 10))
            #expect(try await s.read(maxCount: 64) == Array("next".utf8))
            try c.close()
            await #expect(throws: IOError.eof) { _ = try await s.read(maxCount: 64) }
        }
    }

    @Test("unixpacket: two records behind one wake-up are both read (a short record says nothing of the queue)")
    func packetRecordsBehindOneEdge() async throws {
        let (ln, c, s) = try await unixConnectedPair("unixpacket", "@" + uniqueSocketName("edge"))
        defer { try? ln.close(); try? c.close(); try? s.close() }
        let raw = try c.withUnsafeSocket { $0 }
        for round in 0..<50 {
            let reader = Task { try await s.read(maxCount: 64) }
            try await Task.sleep(for: .milliseconds(2))
            // Two records in one go, so that the parked reader is woken once for both.
            _ = try ([1] as [UInt8]).withUnsafeBytes { try raw.send($0) }
            _ = try ([2] as [UInt8]).withUnsafeBytes { try raw.send($0) }
            let first = try await withWatchdog(2, "first record, round \(round)") { try await reader.value }
            let second = try await withWatchdog(2, "second record, round \(round)") { try await s.read(maxCount: 64) }
            #expect(first == [1] && second == [2])
        }
    }

    @Test("the last bytes and EOF behind one wake-up: the EOF is seen (a short read is not the end of events)")
    func dataAndEOFBehindOneEdge() async throws {
        for round in 0..<50 {
            let (ln, c, s) = try await unixConnectedPair("unix", "@" + uniqueSocketName("fin"))
            defer { try? ln.close(); try? c.close(); try? s.close() }
            let raw = try c.withUnsafeSocket { $0 }
            let reader = Task { try await s.read(maxCount: 64) }
            try await Task.sleep(for: .milliseconds(2))
            // The last bytes and the FIN in one go, so that the parked reader is woken once for both.
            _ = try ([7] as [UInt8]).withUnsafeBytes { try raw.send($0) }
            try raw.shutdown(.write)
            let data = try await withWatchdog(2, "data, round \(round)") { try await reader.value }
            #expect(data == [7])
            let end = try await withWatchdog(2, "EOF, round \(round)") { await caught { _ = try await s.read(maxCount: 64) } }
            #expect((end as? IOError) == .eof)
        }
    }

    // MARK: close (A1, A5, A6)

    @Test("close unblocks a parked read with ClosedError; the peer's close gives EOF", arguments: networks)
    func closeUnblocksRead(network: String) async throws {
        let (ln, c, s) = try await unixConnectedPair(network, "@" + uniqueSocketName("cur"))
        defer { try? ln.close(); try? c.close(); try? s.close() }
        let reader = Task { await caught { _ = try await s.read(maxCount: 16) } }
        try await Task.sleep(for: .milliseconds(100))
        try s.close()
        let error = try await withWatchdog(1) { await reader.value }
        #expect(unixIsClosed(error))
        #expect((error as? OpError)?.description
            == "read \(network) \(ln.addr.description): use of closed network connection")

        let peerReader = Task { await caught { _ = try await c.read(maxCount: 16) } }
        let peerError = try await withWatchdog(1) { await peerReader.value }
        #expect((peerError as? IOError) == .eof)
    }

    @Test("close unblocks a parked write (A2)")
    func closeUnblocksWrite() async throws {
        let (ln, c, s) = try await unixConnectedPair("unix", "@" + uniqueSocketName("cuw"))
        defer { try? ln.close(); try? c.close(); try? s.close() }
        try c.setWriteBuffer(4096)
        let writer = Task {
            await caught {
                let chunk = [UInt8](repeating: 1, count: 65536)
                for _ in 0..<10_000 { try await c.write(chunk) }
            }
        }
        try await Task.sleep(for: .milliseconds(100))
        try c.close()
        let error = try await withWatchdog(1) { await writer.value }
        #expect(unixIsClosed(error))
    }

    @Test("use after close and double close (A5, A6)")
    func useAfterClose() async throws {
        let (ln, c, s) = try await unixConnectedPair("unix", "@" + uniqueSocketName("uac"))
        defer { try? ln.close(); try? s.close() }
        try c.close()
        let second = await caught { try c.close() }
        #expect((second as? OpError)?.description == "close unix \(ln.addr.description): use of closed network connection")
        #expect(unixIsClosed(await caught { _ = try await c.read(maxCount: 1) }))
        #expect(unixIsClosed(await caught { try await c.write("x") }))
        var one = [UInt8](repeating: 0, count: 1)
        #expect(unixIsClosed(await caught { _ = try await c.readFromUnix(into: &one) }))
        #expect(unixIsClosed(await caught { try c.setDeadline(nil) }))
        #expect(unixIsClosed(await caught { try c.setReadBuffer(4096) }))
        #expect(c.remoteAddr.description == ln.addr.description)
        #expect(c.localAddr.description == "")
    }

    // MARK: deadlines (B11, B12, B15, B16)

    @Test("a past deadline fails at once even with data ready; a timeout is not fatal")
    func pastDeadline() async throws {
        let (ln, c, s) = try await unixConnectedPair("unix", "@" + uniqueSocketName("pdl"))
        defer { try? ln.close(); try? c.close(); try? s.close() }
        try await c.write("ready")
        try s.setReadDeadline(.now - .seconds(5))
        for _ in 0..<2 {
            let start = ContinuousClock.now
            let error = await caught { _ = try await s.read(maxCount: 16) }
            #expect(unixIsTimeout(error))
            #expect((error as? OpError)?.description == "read unix \(ln.addr.description): i/o timeout")
            #expect(start.duration(to: .now) < upperBound(.milliseconds(125)))
        }
        try s.setWriteDeadline(.now - .seconds(5))
        #expect(unixIsTimeout(await caught { try await s.write("x") }))
        // Nothing was consumed by the failed reads.
        try s.setDeadline(nil)
        try await withWatchdog {
            #expect(try await readFull(s, 5) == Array("ready".utf8))
            try await s.write("back")
            #expect(try await readFull(c, 4) == Array("back".utf8))
        }
    }

    @Test("a 100 ms read deadline fires between 50 ms and 1 s", arguments: networks)
    func futureReadDeadline(network: String) async throws {
        let (ln, c, s) = try await unixConnectedPair(network, "@" + uniqueSocketName("fdl"))
        defer { try? ln.close(); try? c.close(); try? s.close() }
        try s.setReadDeadline(.now + .milliseconds(100))
        let start = ContinuousClock.now
        let error = try await withWatchdog { await caught { _ = try await s.read(maxCount: 16) } }
        let elapsed = start.duration(to: .now)
        #expect(unixIsTimeout(error))
        #expect(elapsed >= .milliseconds(50) && elapsed < upperBound(.milliseconds(250)))
    }

    @Test("a 100 ms write deadline fires while the peer does not read")
    func futureWriteDeadline() async throws {
        let (ln, c, s) = try await unixConnectedPair("unix", "@" + uniqueSocketName("fwd"))
        defer { try? ln.close(); try? c.close(); try? s.close() }
        try c.setWriteBuffer(4096)
        try c.setWriteDeadline(.now + .milliseconds(100))
        let start = ContinuousClock.now
        let error = try await withWatchdog {
            await caught {
                let chunk = [UInt8](repeating: 2, count: 65536)
                for _ in 0..<10_000 { try await c.write(chunk) }
            }
        }
        #expect(unixIsTimeout(error))
        #expect(start.duration(to: .now) < upperBound(.milliseconds(250)))
    }

    @Test("moving the deadline into the past wakes a parked read (B15)")
    func movedDeadlineWakesRead() async throws {
        let (ln, c, s) = try await unixConnectedPair("unix", "@" + uniqueSocketName("mdl"))
        defer { try? ln.close(); try? c.close(); try? s.close() }
        let reader = Task { await caught { _ = try await s.read(maxCount: 16) } }
        try await Task.sleep(for: .milliseconds(50))
        try s.setReadDeadline(.now - .seconds(1))
        #expect(unixIsTimeout(try await withWatchdog { await reader.value }))
    }

    // MARK: cancellation (C24, C25)

    @Test("cancelling a parked read resumes it with CancellationError; the conn stays usable")
    func cancelParkedRead() async throws {
        let (ln, c, s) = try await unixConnectedPair("unix", "@" + uniqueSocketName("can"))
        defer { try? ln.close(); try? c.close(); try? s.close() }
        let reader = Task { await caught { _ = try await s.read(maxCount: 16) } }
        try await Task.sleep(for: .milliseconds(50))
        reader.cancel()
        let error = try await withWatchdog(1) { await reader.value }
        #expect(error is CancellationError)

        // Already cancelled: fails without touching the socket.
        let early = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return await caught { _ = try await s.read(maxCount: 16) }
        }
        #expect(await early.value is CancellationError)

        try await withWatchdog {
            try await c.write("after")
            #expect(try await readFull(s, 5) == Array("after".utf8))
        }
    }

    @Test("cancel racing with data: every byte is read exactly once", .timeLimit(.minutes(1)))
    func cancelRacingData() async throws {
        let (ln, c, s) = try await unixConnectedPair("unix", "@" + uniqueSocketName("race"))
        defer { try? ln.close(); try? c.close(); try? s.close() }
        let rounds = 200
        let received = try await withWatchdog(30) {
            var got: [UInt8] = []
            for i in 0..<rounds {
                let reader = Task { try await s.read(maxCount: 1) }
                async let send: Void = c.write([UInt8(i % 256)])
                reader.cancel()
                try await send
                if let bytes = try? await reader.value {
                    got += bytes
                } else {
                    // Cancelled: the byte must still be there for the next read.
                    got += try await s.read(maxCount: 1)
                }
            }
            return got
        }
        #expect(received == (0..<rounds).map { UInt8($0 % 256) })
    }

    // MARK: descriptors

    @Test("connections and listeners dropped without close release their descriptors (A10)")
    func droppedWithoutClose() async throws {
        func make() async throws -> [String] {
            let (ln, c, s) = try await unixConnectedPair("unix", "@" + uniqueSocketName("drop"))
            let listener = try ln.withUnsafeListenerSocket { descriptorIdentity($0.rawValue) }
            return [try unixIdentity(c), try unixIdentity(s), listener].compactMap { $0 }
        }
        var identities: [String] = []
        for _ in 0..<20 { identities += try await make() }
        #expect(identities.count == 60)
        let still = await waitUntilClosed(identities)
        #expect(still.isEmpty, "descriptors of dropped objects still open: \(still)")
    }

    @Test("every descriptor is close-on-exec and closed by close (A8)")
    func descriptorsClosed() async throws {
        let (ln, c, s) = try await unixConnectedPair("unix", "@" + uniqueSocketName("fd"))
        let identities = [try unixIdentity(c), try unixIdentity(s)].compactMap { $0 }
        #expect(identities.count == 2)
        for conn in [c, s] {
            #expect(try conn.withUnsafeSocket { try $0.isCloseOnExec })
            #expect(try conn.withUnsafeSocket { try $0.isNonBlocking })
        }
        try c.close()
        try s.close()
        try ln.close()
        #expect(await waitUntilClosed(identities).isEmpty)
    }
}
