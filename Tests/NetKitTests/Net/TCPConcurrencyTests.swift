import Glibc
import Synchronization
import Testing
@testable import NetKit

/// A stream whose every byte says where it is: 4-byte words, the first byte of each with the high bit set, the
/// word's index in the low 7 bits of each byte. Any chunk that contains a whole word can be placed.
struct SelfLocatingStream {
    let count: Int

    func byte(at p: Int) -> UInt8 {
        let k = p / 4
        switch p % 4 {
        case 0: return 0x80 | UInt8((k >> 21) & 0x7F)
        case 1: return UInt8((k >> 14) & 0x7F)
        case 2: return UInt8((k >> 7) & 0x7F)
        default: return UInt8(k & 0x7F)
        }
    }

    var bytes: [UInt8] { (0..<count).map(byte(at:)) }

    /// The offset of `chunk` in the stream if a whole word in it pins it down and every byte matches; nil if it
    /// holds no whole word; -1 if it matches nowhere.
    func locate(_ chunk: [UInt8]) -> Int? {
        guard let i = chunk.firstIndex(where: { $0 & 0x80 != 0 }), i + 4 <= chunk.count else { return nil }
        let k = (Int(chunk[i] & 0x7F) << 21) | (Int(chunk[i + 1]) << 14) | (Int(chunk[i + 2]) << 7) | Int(chunk[i + 3])
        let offset = 4 * k - i
        guard offset >= 0, offset + chunk.count <= count else { return -1 }
        for (j, b) in chunk.enumerated() where byte(at: offset + j) != b { return -1 }
        return offset
    }

    /// Whether `chunks` (read in any order by any tasks) cover the stream exactly once.
    func isExactCover(_ chunks: [[UInt8]]) -> (ok: Bool, why: String) {
        var covered = [UInt8](repeating: 0, count: count)
        var loose: [[UInt8]] = []
        for chunk in chunks {
            switch locate(chunk) {
            case nil:
                loose.append(chunk)
            case .some(-1):
                return (false, "a chunk of \(chunk.count) bytes matches no place in the stream")
            case let offset?:
                for p in offset..<(offset + chunk.count) {
                    covered[p] += 1
                    if covered[p] > 1 { return (false, "byte \(p) was delivered twice") }
                }
            }
        }
        // Short chunks without a whole word fill the gaps left.
        var p = 0
        while p < count {
            if covered[p] != 0 { p += 1; continue }
            guard let j = loose.firstIndex(where: { c in
                p + c.count <= count && c.enumerated().allSatisfy { byte(at: p + $0.offset) == $0.element && covered[p + $0.offset] == 0 }
            }) else {
                return (false, "byte \(p) was never delivered")
            }
            p += loose.remove(at: j).count
        }
        return loose.isEmpty ? (true, "") : (false, "\(loose.count) short chunks left over")
    }
}

/// reliability.md group H (concurrency) on real loopback TCP sockets; meant to run under TSan too.
@Suite("TCP concurrency", .timingSensitive)
struct TCPConcurrencyTests {
    // MARK: H52 — many tasks reading one conn

    @Test func manyReadersGetEveryByteExactlyOnce() async throws {
        let size = Scale.count(1 << 20, tsan: 256 << 10, stress: 16 << 20)
        let stream = SelfLocatingStream(count: size)
        let (c, s) = try await tcpPair()
        defer { closeAll(c, s) }
        let writer = Task {
            let all = stream.bytes
            var offset = 0
            while offset < all.count {
                let end = min(all.count, offset + Int.random(in: 1...20_000))
                try await s.write(Array(all[offset..<end]))
                offset = end
            }
            try s.closeWrite()
        }
        let chunks = try await withWatchdog(Scale.seconds(60), "8 readers") {
            try await withThrowingTaskGroup(of: [[UInt8]].self) { group in
                for _ in 0..<8 {
                    group.addTask {
                        var mine: [[UInt8]] = []
                        while true {
                            do {
                                mine.append(try await c.read(maxCount: Int.random(in: 1...4096)))
                            } catch IOError.eof {
                                return mine
                            }
                        }
                    }
                }
                var all: [[UInt8]] = []
                for try await mine in group { all += mine }
                return all
            }
        }
        try await withWatchdog { try await writer.value }
        #expect(chunks.reduce(0) { $0 + $1.count } == size)
        let verdict = stream.isExactCover(chunks)
        #expect(verdict.ok, "\(verdict.why)")
    }

    // MARK: H53 — read, write, deadlines and close at the same time

    /// Go's conntest testConcurrentMethods: rounds of concurrent Read, Write, SetDeadline, SetReadDeadline(past),
    /// SetWriteDeadline(past), LocalAddr, RemoteAddr against an echoing peer; only timeouts may surface, and the
    /// conn round-trips afterwards.
    @Test func concurrentMethodsThenRoundTrip() async throws {
        let rounds = Scale.count(100, tsan: 20, stress: 1000)
        let (c, s) = try await tcpPair()
        defer { closeAll(c, s) }
        let echo = Task { await caught { while true { try await s.write(try await s.read(maxCount: 4096)) } } }
        let local = c.localAddr.description
        let remote = c.remoteAddr.description
        try await withWatchdog(Scale.seconds(60), "concurrent methods") {
            for _ in 0..<rounds {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        if let e = await caught({ _ = try await c.read(maxCount: 1024) }), !errorIs(e, DeadlineExceededError.self) {
                            throw e
                        }
                    }
                    group.addTask {
                        if let e = await caught({ try await c.write([UInt8](repeating: 0x41, count: 1024)) }),
                           !errorIs(e, DeadlineExceededError.self) {
                            throw e
                        }
                    }
                    group.addTask { try c.setDeadline(fromNow(.milliseconds(10))) }
                    group.addTask { try c.setReadDeadline(fromNow(.seconds(-1))) }
                    group.addTask { try c.setWriteDeadline(fromNow(.seconds(-1))) }
                    group.addTask { #expect(c.localAddr.description == local) }
                    group.addTask { #expect(c.remoteAddr.description == remote) }
                    try await group.waitForAll()
                }
            }
        }
        // Go's resyncConn: clear deadlines, send a marker, read until it comes back, then a clean round trip.
        try c.setDeadline(nil)
        try await c.write([0xFF])
        try await withWatchdog {
            while true {
                let b = try await c.read(maxCount: 4096)
                if let i = b.firstIndex(of: 0xFF) {
                    #expect(i == b.count - 1)
                    break
                }
            }
        }
        try await c.write("ping")
        #expect(try await withWatchdog { try await readFull(c, 4) } == bytes("ping"))
        try s.close()
        _ = await echo.value
    }

    /// A close in the middle of concurrent writes and reads: everything after it fails with ErrClosed, the calls
    /// in flight end promptly, nothing traps.
    @Test func closeInTheMiddleOfConcurrentCalls() async throws {
        let rounds = Scale.count(50, tsan: 10, stress: 500)
        for _ in 0..<rounds {
            let (c, s) = try await tcpPair()
            defer { closeAll(s) }
            let drain = Task { _ = await caught { _ = try await readAll(s) } }
            let outcomes = try await withWatchdog(5, "close during calls") {
                await withTaskGroup(of: (any Error)?.self) { group in
                    for _ in 0..<4 {
                        group.addTask { await caught { for _ in 0..<50 { try await c.write([UInt8](repeating: 1, count: 512)) } } }
                    }
                    group.addTask { await caught { while true { _ = try await c.read(maxCount: 64) } } }
                    group.addTask {
                        await Task.yield()
                        return caughtSync { try c.close() }
                    }
                    var outcomes: [(any Error)?] = []
                    for await o in group { outcomes.append(o) }
                    return outcomes
                }
            }
            for case let e? in outcomes {
                #expect(errorIs(e, ClosedError.self), "\(e)")
            }
            expectClosed(await caught { try await c.write("x") }, op: "write", conn: c)
            expectClosed(await caught { _ = try await c.read(maxCount: 1) }, op: "read", conn: c)
            expectClosed(caughtSync { try c.setDeadline(nil) }, op: "set", net: "tcp4", source: nil, addr: c.localAddr)
            expectClosed(caughtSync { try c.close() }, op: "close", conn: c)
            try s.close()
            _ = try await withWatchdog { await drain.value }
        }
    }

    /// Concurrent writes are serialised: each one's bytes arrive contiguously, even when partial writes and
    /// waits split every write into many system calls.
    @Test func concurrentWritesNeverInterleave() async throws {
        let writers = 4
        let records = Scale.count(16, tsan: 4, stress: 64)
        let recordSize = Scale.count(64 << 10, tsan: 16 << 10, stress: 256 << 10)
        let (c, s) = try await tcpPair(config: TCPCloseTests.tinyReceiveBuffer)
        defer { closeAll(c, s) }
        try c.setWriteBuffer(4096)
        let reader = Task { try await readAll(s, limit: writers * records * recordSize + 1) }
        try await withWatchdog(Scale.seconds(60), "concurrent writers") {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for w in 0..<writers {
                    group.addTask {
                        for r in 0..<records {
                            try await c.write([UInt8](repeating: UInt8(w * 16 + r % 16), count: recordSize))
                        }
                    }
                }
                try await group.waitForAll()
            }
        }
        try c.closeWrite()
        let received = try await withWatchdog { try await reader.value }
        #expect(received.count == writers * records * recordSize)
        var perWriter = [Int](repeating: 0, count: writers)
        var p = 0
        var intact = true
        while p + recordSize <= received.count {
            let value = received[p]
            if !received[p..<(p + recordSize)].allSatisfy({ $0 == value }) {
                intact = false
                break
            }
            perWriter[Int(value) / 16] += 1
            p += recordSize
        }
        #expect(intact, "bytes of concurrent writes interleaved at offset \(p)")
        #expect(perWriter == [Int](repeating: records, count: writers))
    }

    // MARK: H54 — concurrent accept

    /// Go's TestTCPConcurrentAccept: 10 acceptors share a listener; dials succeed; closing wakes them all.
    @Test func concurrentAcceptorsAndCloseWakesAll() async throws {
        let dials = Scale.count(100, tsan: 30, stress: 1000)
        let ln = try tcpListener()
        let accepted = Counter()
        let acceptors = (0..<10).map { _ in
            Task { () -> (any Error)? in
                while true {
                    do {
                        let conn = try await ln.accept()
                        accepted.increment()
                        try? conn.close()
                    } catch {
                        return error
                    }
                }
            }
        }
        var failures = 0
        for _ in 0..<dials {
            do {
                let c = try await Dialer(timeout: .milliseconds(200)).dial("tcp4", ln.addr.description)
                try c.close()
            } catch {
                failures += 1
            }
        }
        #expect(failures <= dials / 9, "\(failures) of \(dials) dials failed")
        // Every successful dial is accepted (the acceptors may lag behind on a busy machine).
        for _ in 0..<500 where accepted.value < dials - failures {
            try await Task.sleep(for: .milliseconds(10))
        }
        let start = ContinuousClock.now
        try ln.close()
        for a in acceptors {
            let error = try await withWatchdog(1, "acceptor after close") { await a.value }
            expectClosed(error, op: "accept", net: "tcp4", source: nil, addr: ln.addr)
        }
        #expect(ContinuousClock.now - start < Scale.bound(.seconds(1)))
        // A dial that timed out may still have completed its handshake in the kernel and been accepted.
        #expect(accepted.value >= dials - failures && accepted.value <= dials)
    }

    // MARK: H55 — TCP self-connect

    /// Go's TestTCPSelfConnect: dialing a port that was just free, from the same address, must never return a
    /// conn connected to itself (TCP simultaneous open).
    @Test func neverReturnsASelfConnectedConn() async throws {
        let n = Scale.count(1000, tsan: 200, stress: 10_000)
        // Learn a just-freed ephemeral port: the local port of a dialed conn.
        let ln = try tcpListener()
        let c = try await withWatchdog { try await dialTCP("tcp4", raddr: ln.tcpAddr) }
        let target = c.localTCPAddr
        try c.close()
        try ln.close()
        let dialer = Dialer(timeout: .milliseconds(1))
        let successes = try await withWatchdog(Scale.seconds(120), "self-connect loop") {
            var successes = 0
            for _ in 0..<n {
                guard let conn = try? await dialer.dial("tcp4", target.description) else { continue }
                let local = (conn as! TCPConn).localTCPAddr
                let remote = (conn as! TCPConn).remoteTCPAddr
                #expect(local != remote, "dial returned a self-connected conn \(local)")
                successes += 1  // possible when another test's listener took the port meanwhile
                try? conn.close()
            }
            return successes
        }
        print("self-connect: \(successes) of \(n) dials reached some listener")
    }
}
