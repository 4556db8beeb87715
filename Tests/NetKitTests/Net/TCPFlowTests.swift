import Glibc
import Synchronization
import Testing
@testable import NetKit

/// Fills `buffer` with pseudo-random bytes (xorshift64*), reproducible from `seed`, eight at a time.
func fillRandom(_ buffer: UnsafeMutableRawBufferPointer, seed: UInt64 = 0x9E37_79B9_7F4A_7C15) {
    var x = seed | 1
    var i = 0
    while i < buffer.count {
        x ^= x >> 12; x ^= x << 25; x ^= x >> 27
        var v = x &* 0x2545_F491_4F6C_DD1D
        if i + 8 <= buffer.count {
            buffer.storeBytes(of: v, toByteOffset: i, as: UInt64.self)
            i += 8
        } else {
            while i < buffer.count {
                buffer[i] = UInt8(truncatingIfNeeded: v)
                v >>= 8
                i += 1
            }
        }
    }
}

/// Pseudo-random bytes, reproducible from `seed`.
func randomBytes(_ count: Int, seed: UInt64 = 0x9E37_79B9_7F4A_7C15) -> [UInt8] {
    var out = [UInt8](repeating: 0, count: count)
    out.withUnsafeMutableBytes { fillRandom($0, seed: seed) }
    return out
}

/// A buffer that outlives the tasks it is handed to (the test deallocates it at the end).
struct UnsafeSendableBuffer: @unchecked Sendable {
    let raw: UnsafeRawBufferPointer
}

/// reliability.md group D (partial I/O and flow control) on real loopback TCP sockets.
@Suite("TCP partial I/O and flow control")
struct TCPFlowTests {
    /// Accepted sockets get the kernel's minimum receive buffer (2304 bytes here).
    static let minimalReceiveBuffer = ListenConfig(control: { _, _, raw in
        try raw.control { s in try s.setReceiveBufferSize(1) }
    })

    // MARK: D26 — one huge write into a tiny receive buffer with a slow reader

    @Test(.heavy, arguments: Loopback.available)
    func hugeWriteIntoTinyReceiveBuffer(_ lo: Loopback) async throws {
        let size = Scale.count(32 << 20, tsan: 4 << 20, stress: 256 << 20)
        let (c, s) = try await tcpPair(lo, config: Self.minimalReceiveBuffer)
        defer { closeAll(c, s) }
        let storage = UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 8)
        defer { storage.deallocate() }
        fillRandom(storage)
        let payload = UnsafeSendableBuffer(raw: UnsafeRawBufferPointer(storage))
        // The reader compares every chunk with the bytes at its offset (memcmp: stronger than a checksum).
        let reader = Task { () -> (count: Int, firstMismatch: Int?) in
            var total = 0
            var mismatch: Int?
            var sinceNap = 0
            let buf = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 1)
            defer { buf.deallocate() }
            while true {
                let n: Int
                do { n = try await s.read(into: buf) } catch IOError.eof { break }
                if mismatch == nil {
                    if total + n > size || memcmp(buf.baseAddress!, payload.raw.baseAddress! + total, n) != 0 {
                        mismatch = total
                    }
                }
                total += n
                sinceNap += n
                if sinceNap >= 1 << 20 {  // a slow reader: a nap per MiB
                    sinceNap = 0
                    try await Task.sleep(for: .milliseconds(2))
                }
            }
            return (total, mismatch)
        }
        let written = try await withWatchdog(Scale.seconds(120), "32 MiB write") {
            try await c.write(payload.raw)
        }
        #expect(written == size)
        try c.closeWrite()
        let (count, mismatch) = try await withWatchdog(Scale.seconds(60), "reader") { try await reader.value }
        #expect(count == size)
        #expect(mismatch == nil, "the received stream differs from the sent one at byte \(mismatch ?? -1)")
    }

    // MARK: D27 — both sides write, nobody reads: writers park without spinning

    /// Runs in a child process, so that the CPU time measured is NetKit's alone (tests run in parallel here).
    @Test(.heavy) func writersParkWithoutSpinningWhenNobodyReads() async {
        await #expect(processExitsWith: .success) {
            let (c, s) = try await tcpPair(config: TCPCloseTests.tinyReceiveBuffer)
            try c.setWriteBuffer(4096)
            try s.setWriteBuffer(4096)
            let chunk = [UInt8](repeating: 0x33, count: 8 << 20)
            let w1 = Task { await caught { try await c.write(chunk) } }
            let w2 = Task { await caught { try await s.write(chunk) } }
            try await Task.sleep(for: .milliseconds(300))
            let cpu0 = processCPUTime()
            let t0 = ContinuousClock.now
            try await Task.sleep(for: .milliseconds(500))
            let cpu = processCPUTime() - cpu0
            let wall = ContinuousClock.now - t0
            #expect(cpu < wall * 0.05, "parked writers used \(cpu) of CPU in \(wall)")
            // The deadline ends one stall, close the other.
            try c.setWriteDeadline(fromNow(.seconds(-1)))
            let e1 = try await withWatchdog(1, "writer after deadline") { await w1.value }
            expectTimeout(e1, op: "write", conn: c)
            try s.close()
            let e2 = try await withWatchdog(1, "writer after close") { await w2.value }
            expectClosed(e2, op: "write", conn: s)
            try c.close()
        }
    }

    // MARK: D29 — half-close

    @Test(.timingSensitive, arguments: Loopback.available)
    func halfClose(_ lo: Loopback) async throws {
        let (c, s) = try await tcpPair(lo)
        defer { closeAll(c, s) }
        try await c.write("request")
        try c.closeWrite()
        // The server reads the request, then EOF, and can still reply.
        let request = try await withWatchdog { try await readAll(s) }
        #expect(request == bytes("request"))
        expectEOF(await caught { _ = try await s.read(maxCount: 8) })
        try await s.write("reply")
        try s.close()
        let reply = try await withWatchdog { try await readAll(c) }
        #expect(reply == bytes("reply"))
        // A write after CloseWrite fails with EPIPE (and raises no SIGPIPE: this process is still alive).
        let error = await caught { try await c.write("late") }
        expectSyscall(error, op: "write", net: lo.network, source: c.localAddr, addr: c.remoteAddr,
                      syscall: "write", errno: .brokenPipe)
        #expect((error as? OpError)?.isTemporary == false)
    }

    @Test(.timingSensitive) func readAfterCloseReadIsEOF() async throws {
        let (c, s) = try await tcpPair()
        defer { closeAll(c, s) }
        try c.closeRead()
        let error = try await withWatchdog { await caught { _ = try await c.read(maxCount: 8) } }
        expectEOF(error)
        // Writing still works.
        try await c.write("out")
        #expect(try await withWatchdog { try await readFull(s, 3) } == bytes("out"))
    }

    // MARK: D30 — zero-byte reads and writes

    @Test(.timingSensitive) func zeroByteReadAndWrite() async throws {
        let (c, s) = try await tcpPair()
        defer { closeAll(c, s) }
        // Nothing is readable: a zero-length read still returns at once, and is not EOF.
        let n1 = try await withWatchdog(1, "zero-byte read") {
            try await c.read(into: UnsafeMutableRawBufferPointer(start: nil, count: 0))
        }
        #expect(n1 == 0)
        let n2 = try await withWatchdog(1, "zero-byte read") { () -> Int in
            var empty = [UInt8]()
            return try await c.read(into: &empty)
        }
        #expect(n2 == 0)
        // Zero-length writes succeed and send nothing.
        let w = try await withWatchdog(1, "zero-byte write") {
            try await c.write(UnsafeRawBufferPointer(start: nil, count: 0))
        }
        #expect(w == 0)
        try await withWatchdog(1, "zero-byte write") { try await c.write([UInt8]()) }
        try s.setReadDeadline(fromNow(.milliseconds(50)))
        expectTimeout(await caught { _ = try await s.read(maxCount: 1) }, op: "read", conn: s)
        // With data queued, a zero-length read consumes nothing.
        try await s.write("z")
        try await Task.sleep(for: .milliseconds(20))
        let n3 = try await withWatchdog(1, "zero-byte read") { () -> Int in
            var empty = [UInt8]()
            return try await c.read(into: &empty)
        }
        #expect(n3 == 0)
        #expect(try await withWatchdog { try await readFull(c, 1) } == bytes("z"))
    }

    // MARK: D31 — received data comes before EOF or reset

    @Test(.timingSensitive, arguments: Loopback.available)
    func dataBeforeReset(_ lo: Loopback) async throws {
        let (c, s) = try await tcpPair(lo)
        defer { closeAll(c) }
        try await s.write("hello")
        try s.setLinger(0)
        try s.close()
        try await Task.sleep(for: .milliseconds(50))  // the RST has arrived behind "hello"
        let first = try await withWatchdog { try await c.read(maxCount: 16) }
        #expect(first == bytes("hello"))
        let error = try await withWatchdog { await caught { _ = try await c.read(maxCount: 16) } }
        let e = expectSyscall(error, op: "read", net: lo.network, source: c.localAddr, addr: c.remoteAddr,
                              syscall: "read", errno: .connectionReset)
        // ECONNRESET is not temporary (Go's TestNotTemporaryRead) and not a timeout.
        #expect(e?.isTemporary == false)
        #expect(e?.isTimeout == false)
        // The next write fails too.
        let w = await caught { try await c.write("x") }
        #expect(w.map { errorIs($0, Errno.self) { [.brokenPipe, .connectionReset].contains($0) } } == true,
                "\(String(describing: w))")
    }

    @Test(.timingSensitive) func dataBeforeEOF() async throws {
        let (c, s) = try await tcpPair()
        defer { closeAll(c) }
        try await s.write("hello")
        try s.close()
        try await Task.sleep(for: .milliseconds(50))
        #expect(try await withWatchdog { try await c.read(maxCount: 16) } == bytes("hello"))
        expectEOF(try await withWatchdog { await caught { _ = try await c.read(maxCount: 16) } })
    }

    /// Data and the FIN behind it arriving in one readiness event: the read that wakes gets the data (a short
    /// read), and the next read must still see EOF — no further edge will ever come for it.
    @Test(.timingSensitive, arguments: Loopback.available)
    func eofRightBehindDataWakesTheNextRead(_ lo: Loopback) async throws {
        let iterations = Scale.count(50, tsan: 20, stress: 1000)
        for i in 0..<iterations {
            let ln = try tcpListener(lo)
            defer { try? ln.close() }
            let c = try await withWatchdog { try await dialTCP(lo.network, raddr: ln.tcpAddr) }
            defer { closeAll(c) }
            let s = try await withWatchdog { try await ln.acceptTCP() }
            let peer = try s.withUnsafeSocket { $0.rawValue }
            let reader = readTask(c, count: 4096)  // parks: nothing to read yet
            try await Task.sleep(for: .milliseconds(2))
            // "hello" and the FIN back to back, so that one edge carries both.
            _ = "hello".withCString { Glibc.send(peer, $0, 5, Int32(MSG_NOSIGNAL)) }
            Glibc.shutdown(peer, Int32(SHUT_WR))
            let first = try await withWatchdog(5, "first read, iteration \(i)") { await reader.value }
            #expect((try? first.get()) == bytes("hello"))
            let second = try await withWatchdog(5, "EOF read, iteration \(i)") {
                await caught { _ = try await c.read(maxCount: 4096) }
            }
            expectEOF(second)
            closeAll(s)
        }
    }

    /// Urgent data in the same readiness event as ordinary bytes: recv stops short at the urgent mark (the
    /// out-of-band byte is not in the stream), so the read that wakes is short although bytes follow, and no
    /// further edge will announce them.
    @Test(.timingSensitive)
    func bytesBehindTheUrgentMarkAreNotMissed() async throws {
        let iterations = Scale.count(50, tsan: 20, stress: 1000)
        for i in 0..<iterations {
            let (c, s) = try await tcpPair()
            defer { closeAll(c, s) }
            let peer = try s.withUnsafeSocket { $0.rawValue }
            let reader = readTask(c, count: 4096)  // parks: nothing to read yet
            try await Task.sleep(for: .milliseconds(2))
            _ = "ab".withCString { Glibc.send(peer, $0, 2, Int32(MSG_NOSIGNAL)) }
            _ = "!".withCString { Glibc.send(peer, $0, 1, Int32(MSG_NOSIGNAL | MSG_OOB)) }
            _ = "cd".withCString { Glibc.send(peer, $0, 2, Int32(MSG_NOSIGNAL)) }
            var got = (try? await withWatchdog(5, "first read, iteration \(i)") { await reader.value }.get()) ?? []
            while got.count < 4 {
                let more = try await withWatchdog(5, "read behind the urgent mark, iteration \(i)") {
                    try await c.read(maxCount: 4096)
                }
                got += more
            }
            #expect(got == bytes("abcd"), "iteration \(i)")
        }
    }

    /// A failed write must not throw away inbound data that already arrived.
    @Test(.timingSensitive) func failedWriteKeepsReceivedData() async throws {
        let (c, s) = try await tcpPair()
        defer { closeAll(c) }
        try await s.write("hello")
        try s.setLinger(0)
        try s.close()
        try await Task.sleep(for: .milliseconds(50))
        var writeError: (any Error)?
        for _ in 0..<10 where writeError == nil {
            writeError = await caught { try await c.write("x") }
        }
        #expect(writeError.map { errorIs($0, Errno.self) { [.brokenPipe, .connectionReset].contains($0) } } == true,
                "\(String(describing: writeError))")
        let got = try await withWatchdog { try await c.read(maxCount: 16) }
        #expect(got == bytes("hello"))
    }

    // MARK: D32 — read-full loops under arbitrary segmentation

    enum Segmentation: String, CaseIterable, Sendable { case oneByte, random, big }

    @Test(.timingSensitive, arguments: Segmentation.allCases)
    func readFullUnderSegmentation(_ segmentation: Segmentation) async throws {
        let (c, s) = try await tcpPair()
        defer { closeAll(c, s) }
        let message = randomBytes(segmentation == .oneByte ? 2000 : 300_000, seed: 7)
        let writer = Task {
            var offset = 0
            var rng = SystemRandomNumberGenerator()
            while offset < message.count {
                let size: Int
                switch segmentation {
                case .oneByte: size = 1
                case .random: size = Int.random(in: 1...4000, using: &rng)
                case .big: size = 64 * 1024
                }
                let end = min(message.count, offset + size)
                try await s.write(Array(message[offset..<end]))
                offset = end
                if segmentation != .big && offset % 97 == 0 { await Task.yield() }
            }
            // Then half a message more, and close mid-message.
            try await s.write(Array(message[..<10]))
            try s.close()
        }
        let first = try await withWatchdog(Scale.seconds(30), "readFull") { try await readFull(c, message.count) }
        #expect(first == message)
        let short = try await withWatchdog { await caught { _ = try await readFull(c, 20) } }
        #expect((short as? IOError) == .unexpectedEOF, "\(String(describing: short))")
        try await withWatchdog { try await writer.value }
    }

    @Test(.timingSensitive) func readFullAtABoundaryIsEOF() async throws {
        let (c, s) = try await tcpPair()
        defer { closeAll(c, s) }
        try await s.write("abcd")
        try s.close()
        #expect(try await withWatchdog { try await readFull(c, 4) } == bytes("abcd"))
        let error = try await withWatchdog { await caught { _ = try await readFull(c, 4) } }
        expectEOF(error)
    }
}
