import Glibc
import Testing
@testable import NetKit

// The zero-copy paths (Go's sendfile_linux.go, splice_linux.go, writev): each test installs a `ZeroCopyProbe`
// and checks that the bytes went through sendfile(2), splice(2) or gathered writes — a plain copy records
// nothing there, so these tests fail if the fallback ran. Serialized: the splice leak checks count pipes.

/// Deterministic test bytes.
func zeroCopyPattern(_ count: Int, seed: Int = 0) -> [UInt8] {
    (0..<count).map { i in UInt8(truncatingIfNeeded: i &* 31 &+ (i >> 9) &+ seed) }
}

/// A file in `dir` holding `contents`.
func zeroCopyFile(_ dir: UnixTempDir, _ name: String, _ contents: [UInt8]) async throws -> String {
    let path = dir.file(name)
    let f = try File.create(path)
    try await f.write(contents)
    try f.close()
    return path
}

/// Reads `count` bytes from `conn` slowly: first waits `startDelay` (so the writer fills the socket buffers
/// and meets EAGAIN), then reads in 16 KiB pieces.
func zeroCopySlowRead(_ conn: any Conn, _ count: Int, startDelay: Duration = .milliseconds(50)) async throws -> [UInt8] {
    try await Task.sleep(for: startDelay)
    return try await readFull(conn, count, chunk: 16 * 1024)
}

/// Runs `body` with a fresh probe installed for this task; returns what it recorded.
func withProbe<T>(_ body: () async throws -> T) async throws -> (T, ZeroCopyProbe.Tallies) {
    let probe = ZeroCopyProbe()
    let value = try await ZeroCopyProbe.$current.withValue(probe) { try await body() }
    return (value, probe.tallies)
}

/// The identities of the open pipes of this process.
func openPipes() -> Set<String> { openDescriptorIdentities().filter { $0.hasPrefix("pipe:") } }

/// Drains the splice pipe pool and expects none of the pipes it created since the process started to be open
/// beyond `pipesBefore` (`openPipes()` taken before the splices). Only the pool's own pipes count: tests in
/// other suites open and close pipes (child processes) meanwhile.
func expectNoPooledPipeLeft(since pipesBefore: Set<String>, sourceLocation: SourceLocation = #_sourceLocation) {
    SplicePipePool.shared.drain()
    #expect(SplicePipePool.shared.openCount == 0, sourceLocation: sourceLocation)
    let ours = SplicePipePool.shared.createdInodes
    #expect(!ours.isEmpty, "the splices above created pipes", sourceLocation: sourceLocation)
    let leaked = openPipes().subtracting(pipesBefore).filter { identity in
        UInt64(identity.dropFirst("pipe:[".count).dropLast()).map(ours.contains) ?? false
    }
    #expect(leaked.isEmpty, "pipes left open: \(leaked)", sourceLocation: sourceLocation)
}

@Suite("Zero copy", .serialized)
struct ZeroCopyTests {
    static let bigSize = Scale.count(4 << 20, tsan: 1 << 20, stress: 32 << 20)

    enum SendPath: String, CaseIterable, Sendable { case copy, readFrom }

    // MARK: - sendfile

    @Test(arguments: Loopback.available, SendPath.allCases)
    func fileToTCPWithSlowReaderUsesSendfile(_ lo: Loopback, _ path: SendPath) async throws {
        try await withUnixTempDir { dir in
            let contents = zeroCopyPattern(Self.bigSize)
            let file = try File.open(try await zeroCopyFile(dir, "big", contents))
            defer { try? file.close() }
            let (c, s) = try await tcpPair(lo)
            defer { closeAll(c, s) }
            try c.setWriteBuffer(16 * 1024)
            try s.setReadBuffer(16 * 1024)
            let reader = Task { try await zeroCopySlowRead(s, contents.count) }
            let (n, tally) = try await withWatchdog(30, "sendfile") {
                try await withProbe {
                    switch path {
                    case .copy: try await copy(c, file)
                    case .readFrom: try await c.readFrom(file)
                    }
                }
            }
            #expect(n == Int64(contents.count))
            #expect(tally.sendFile.bytes == Int64(contents.count))
            #expect(tally.sendFile.calls > 1, "a slow reader makes sendfile stop short and wait")
            #expect(try file.offset == Int64(contents.count))
            let got = try await withWatchdog(30, "reader") { try await reader.value }
            #expect(got == contents)
        }
    }

    @Test func fileToUnixStreamUsesSendfile() async throws {
        try await withUnixTempDir { dir in
            let contents = zeroCopyPattern(1 << 20, seed: 7)
            let file = try File.open(try await zeroCopyFile(dir, "f", contents))
            defer { try? file.close() }
            let (ln, c, s) = try await unixConnectedPair("unix", dir.file("sock"))
            defer { try? ln.close(); closeAll(c, s) }
            let reader = Task { try await zeroCopySlowRead(s, contents.count) }
            let (n, tally) = try await withWatchdog(30, "sendfile") { try await withProbe { try await copy(c, file) } }
            #expect(n == Int64(contents.count))
            #expect(tally.sendFile.bytes == Int64(contents.count))
            #expect(try await withWatchdog(30, "reader") { try await reader.value } == contents)
        }
    }

    @Test(arguments: [false, true])
    func limitedReaderAroundFileCopiesExactlyN(_ viaCopyN: Bool) async throws {
        try await withUnixTempDir { dir in
            let contents = zeroCopyPattern(1 << 20, seed: 3)
            let file = try File.open(try await zeroCopyFile(dir, "f", contents))
            defer { try? file.close() }
            try file.seek(1000)
            let count = 300_001
            let (c, s) = try await tcpPair()
            defer { closeAll(c, s) }
            let ((n, remaining), tally) = try await withWatchdog(30, "sendfile") {
                try await withProbe {
                    if viaCopyN { return (try await copyN(c, file, count: Int64(count)), Int64(0)) }
                    let limited = LimitedReader(file, Int64(count))
                    return (try await copy(c, limited), limited.remaining)
                }
            }
            #expect(n == Int64(count))
            #expect(tally.sendFile.bytes == Int64(count))
            #expect(remaining == 0)
            #expect(try file.offset == Int64(1000 + count))
            try c.closeWrite()
            let got = try await withWatchdog(30, "reader") { try await readAll(s) }
            #expect(got == Array(contents[1000..<(1000 + count)]))
        }
    }

    @Test func limitedReaderPastTheEndStopsAtTheEnd() async throws {
        try await withUnixTempDir { dir in
            let contents = zeroCopyPattern(5000)
            let file = try File.open(try await zeroCopyFile(dir, "f", contents))
            defer { try? file.close() }
            let (c, s) = try await tcpPair()
            defer { closeAll(c, s) }
            let ((n, remaining), tally) = try await withWatchdog(10, "sendfile") {
                try await withProbe {
                    let limited = LimitedReader(file, 1 << 20)
                    return (try await c.readFrom(limited), limited.remaining)
                }
            }
            #expect(n == 5000)
            #expect(remaining == (1 << 20) - 5000)
            #expect(tally.sendFile.bytes == 5000)
            try c.closeWrite()
            #expect(try await withWatchdog(10, "reader") { try await readAll(s) } == contents)
        }
    }

    @Test func emptyFileSendsNothing() async throws {
        try await withUnixTempDir { dir in
            let file = try File.open(try await zeroCopyFile(dir, "empty", []))
            defer { try? file.close() }
            let (c, s) = try await tcpPair()
            defer { closeAll(c, s) }
            let (n, tally) = try await withWatchdog(10, "sendfile") { try await withProbe { try await copy(c, file) } }
            #expect(n == 0)
            #expect(tally.sendFile == ZeroCopyProbe.Tally(calls: 1, bytes: 0), "one sendfile that reports the end")
            try c.closeWrite()
            #expect(try await withWatchdog(10, "reader") { try await readAll(s) } == [])
        }
    }

    @Test(.timingSensitive)
    func writeDeadlineDuringStalledSendfileTimesOutAndTheConnStillWorks() async throws {
        try await withUnixTempDir { dir in
            let contents = zeroCopyPattern(4 << 20, seed: 5)
            let path = try await zeroCopyFile(dir, "f", contents)
            let file = try File.open(path)
            defer { try? file.close() }
            let (c, s) = try await tcpPair()
            defer { closeAll(c, s) }
            try c.setWriteBuffer(8 * 1024)  // s does not read: its receive buffer (128 KiB until it reads) fills
            try c.setWriteDeadline(fromNow(.milliseconds(200)))
            let (result, elapsed) = try await measure {
                try await withWatchdog(10, "stalled sendfile") { await caught { _ = try await c.readFrom(file) } }
            }
            expectTimeout(result, op: "readfrom", conn: c)
            #expect(elapsed >= .milliseconds(150))
            #expect(elapsed < Scale.bound(.seconds(1)))
            let sent = try file.offset
            #expect(sent > 0 && sent < Int64(contents.count), "the file offset is advanced by what was sent")
            // Extend the deadline: the rest of the file follows, and the peer sees the whole file exactly.
            try c.setWriteDeadline(nil)
            try c.setWriteBuffer(1 << 20)
            let reader = Task { try await zeroCopySlowRead(s, contents.count, startDelay: .zero) }
            let (n, tally) = try await withWatchdog(30, "rest") { try await withProbe { try await copy(c, file) } }
            #expect(n == Int64(contents.count) - sent)
            #expect(tally.sendFile.bytes == n)
            #expect(try await withWatchdog(30, "reader") { try await reader.value } == contents)
            try await roundTrip(c, s)
        }
    }

    @Test func fileWriteToReportsAPathErrorOnTimeout() async throws {
        try await withUnixTempDir { dir in
            let path = try await zeroCopyFile(dir, "f", zeroCopyPattern(8 << 20))
            let file = try File.open(path)
            defer { try? file.close() }
            let (c, s) = try await tcpPair()
            defer { closeAll(c, s) }
            try c.setWriteBuffer(8 * 1024)
            try s.setReadBuffer(8 * 1024)
            try c.setWriteDeadline(fromNow(.milliseconds(100)))
            let error = try await withWatchdog(10, "stalled sendfile") { await caught { _ = try await copy(c, file) } }
            let pathError = try #require(error as? PathError)
            #expect(pathError.description == "write \(path): i/o timeout")
            #expect(pathError.isTimeout)
            #expect(errorIs(pathError, DeadlineExceededError.self))
        }
    }

    @Test func closeDuringParkedSendfileWakesItWithTheClosedError() async throws {
        try await withUnixTempDir { dir in
            let file = try File.open(try await zeroCopyFile(dir, "f", zeroCopyPattern(8 << 20)))
            defer { try? file.close() }
            let (c, s) = try await tcpPair()
            defer { closeAll(s) }
            try c.setWriteBuffer(8 * 1024)
            try s.setReadBuffer(8 * 1024)
            let (laddr, raddr) = (c.localAddr, c.remoteAddr)
            let probe = ZeroCopyProbe()
            let sender = Task { await ZeroCopyProbe.$current.withValue(probe) { await caught { _ = try await c.readFrom(file) } } }
            try await Task.sleep(for: .milliseconds(100))
            #expect(probe.tallies.sendFile.bytes > 0, "sendfile has started and is parked")
            try c.close()
            let error = try await withWatchdog(5, "woken sendfile") { await sender.value }
            expectClosed(error, op: "readfrom", net: "tcp4", source: laddr, addr: raddr)
            // The file is still usable: close did not touch it.
            #expect(try file.offset == probe.tallies.sendFile.bytes)
        }
    }

    @Test func cancellingAParkedSendfileThrowsCancellationError() async throws {
        try await withUnixTempDir { dir in
            let contents = zeroCopyPattern(8 << 20)
            let file = try File.open(try await zeroCopyFile(dir, "f", contents))
            defer { try? file.close() }
            let (c, s) = try await tcpPair()
            defer { closeAll(c, s) }
            try c.setWriteBuffer(8 * 1024)
            try s.setReadBuffer(8 * 1024)
            let sender = Task { await caught { _ = try await c.readFrom(file) } }
            try await Task.sleep(for: .milliseconds(100))
            sender.cancel()
            expectCancellation(try await withWatchdog(5, "cancelled sendfile") { await sender.value })
            // Exactly what the file offset says was sent arrives; then the conn works both ways.
            let sent = Int(try file.offset)
            #expect(sent > 0 && sent < contents.count)
            #expect(try await withWatchdog(10, "sent bytes") { try await readFull(s, sent) } == Array(contents[..<sent]))
            try await roundTrip(s, c)
        }
    }

    // MARK: - splice

    enum SpliceSource: String, CaseIterable, Sendable { case tcp, unix }

    /// Runs `body` with a connected source pair (writer, reader) of the given kind.
    func withSource<T>(
        _ kind: SpliceSource, _ dir: UnixTempDir, _ body: (any Conn, any Conn) async throws -> T
    ) async throws -> T {
        switch kind {
        case .tcp:
            let (w, r) = try await tcpPair()
            defer { closeAll(w, r) }
            return try await body(w, r)
        case .unix:
            let (ln, w, r) = try await unixConnectedPair("unix", dir.file("src"))
            defer { try? ln.close(); closeAll(w, r) }
            return try await body(w, r)
        }
    }

    @Test(arguments: SpliceSource.allCases)
    func spliceToTCPIsByteExactAndEndsAtEOF(_ kind: SpliceSource) async throws {
        try await withUnixTempDir { dir in
            try await withSource(kind, dir) { w, r in
                let contents = zeroCopyPattern(Self.bigSize, seed: 11)
                let (d, sink) = try await tcpPair()
                defer { closeAll(d, sink) }
                let writer = Task {
                    try await w.write(contents)
                    if let t = w as? TCPConn { try t.closeWrite() } else if let u = w as? UnixConn { try u.closeWrite() }
                }
                let reader = Task { try await zeroCopySlowRead(sink, contents.count) }
                let pipesBefore = SplicePipePool.shared.openCount
                let (n, tally) = try await withWatchdog(30, "splice") { try await withProbe { try await copy(d, r) } }
                try await withWatchdog(10, "writer") { try await writer.value }
                #expect(n == Int64(contents.count))
                #expect(tally.splice.bytes == Int64(contents.count))
                #expect(tally.sendFile.calls == 0 && tally.writev.calls == 0)
                #expect(try await withWatchdog(30, "reader") { try await reader.value } == contents)
                #expect(SplicePipePool.shared.openCount <= max(pipesBefore, 1))
            }
        }
    }

    @Test(arguments: SpliceSource.allCases)
    func spliceThroughLimitedReaderCopiesExactlyN(_ kind: SpliceSource) async throws {
        try await withUnixTempDir { dir in
            try await withSource(kind, dir) { w, r in
                let contents = zeroCopyPattern(1 << 20, seed: 13)
                let count = 700_001
                let (d, sink) = try await tcpPair()
                defer { closeAll(d, sink) }
                let writer = Task { try await w.write(contents) }
                let sinkReader = Task { try await readFull(sink, count) }
                let ((n, remaining), tally) = try await withWatchdog(30, "splice") {
                    try await withProbe {
                        let limited = LimitedReader(r, Int64(count))
                        return (try await copy(d, limited), limited.remaining)
                    }
                }
                #expect(n == Int64(count))
                #expect(remaining == 0)
                #expect(tally.splice.bytes == Int64(count))
                #expect(try await withWatchdog(30, "sink") { try await sinkReader.value } == Array(contents[..<count]))
                // The rest is still in the source, unharmed.
                let rest = try await withWatchdog(30, "rest") { try await readFull(r, contents.count - count) }
                #expect(rest == Array(contents[count...]))
                try await withWatchdog(10, "writer") { try await writer.value }
            }
        }
    }

    @Test func spliceLeavesNoPipeOpenAfterSuccessErrorsAndCancellation() async throws {
        SplicePipePool.shared.drain()
        let pipesBefore = openPipes()
        #expect(SplicePipePool.shared.openCount == 0)

        // Success, several times (pipes are reused).
        for _ in 0..<3 {
            let (w, r) = try await tcpPair()
            let (d, sink) = try await tcpPair()
            defer { closeAll(w, r, d, sink) }
            try await w.write(zeroCopyPattern(100_000))
            try w.closeWrite()
            let (n, tally) = try await withWatchdog(10, "splice") { try await withProbe { try await copy(d, r) } }
            #expect(n == 100_000 && tally.splice.bytes == 100_000)
            #expect(SplicePipePool.shared.openCount == 1, "the pipe is reused")
        }

        // The destination's peer is gone: the pump fails with bytes in the pipe (which is then closed).
        do {
            let (w, r) = try await tcpPair()
            let (d, sink) = try await tcpPair()
            defer { closeAll(w, r, d) }
            try sink.setLinger(0)
            try sink.close()
            try await Task.sleep(for: .milliseconds(20))
            let writer = Task { await caught { for _ in 0..<64 { try await w.write(zeroCopyPattern(64 * 1024)) } } }
            // readFrom itself: `copy(d, r)` now goes through r.writeTo, whose OpError wraps this one (Go 1.22).
            let error = try await withWatchdog(10, "failing splice") { await caught { _ = try await d.readFrom(r) } }
            let e = try #require(error as? OpError)
            #expect(e.op == "readfrom")
            let errno = errorAs(e, SyscallError.self)?.errno
            #expect(errno == .brokenPipe || errno == .connectionReset, "\(e)")
            closeAll(r)
            _ = try await withWatchdog(10, "writer") { await writer.value }
        }

        // Closing the source while the drain is parked, and cancelling a parked splice.
        do {
            let (w, r) = try await tcpPair()
            let (d, sink) = try await tcpPair()
            defer { closeAll(w, d, sink) }
            let splicer = Task { await caught { _ = try await d.readFrom(r) } }
            try await Task.sleep(for: .milliseconds(50))
            try r.close()
            expectClosed(try await withWatchdog(5, "closed splice") { await splicer.value },
                         op: "readfrom", conn: d)
        }
        do {
            let (w, r) = try await tcpPair()
            let (d, sink) = try await tcpPair()
            defer { closeAll(w, r, d, sink) }
            let splicer = Task { await caught { _ = try await copy(d, r) } }
            try await Task.sleep(for: .milliseconds(50))
            splicer.cancel()
            expectCancellation(try await withWatchdog(5, "cancelled splice") { await splicer.value })
        }

        expectNoPooledPipeLeft(since: pipesBefore)
    }

    @Test func readFromAnOrdinaryReaderFallsBackToACopy() async throws {
        let (c, s) = try await tcpPair()
        defer { closeAll(c, s) }
        let contents = zeroCopyPattern(200_000)
        let (n, tally) = try await withWatchdog(10, "copy") { try await withProbe { try await copy(c, BytesReader(contents)) } }
        #expect(n == 200_000)
        #expect(tally == ZeroCopyProbe.Tallies())
        try c.closeWrite()
        #expect(try await withWatchdog(10, "reader") { try await readAll(s) } == contents)
    }

    // MARK: - Buffers (writev)

    @Test func buffersWithMoreThanIOVMaxElements() async throws {
        var arrays: [[UInt8]] = []
        for i in 0..<3000 { arrays.append(i % 7 == 0 ? [] : zeroCopyPattern(i % 50 + 1, seed: i)) }
        let total = arrays.reduce(0) { $0 + $1.count }
        let nonEmpty = arrays.filter { !$0.isEmpty }.count
        let buffers = Buffers(arrays)
        #expect(buffers.count == 3000)
        #expect(buffers.byteCount == total)
        let (c, s) = try await tcpPair()
        defer { closeAll(c, s) }
        let reader = Task { try await readFull(s, total) }
        let probe = ZeroCopyProbe()
        let n = try await withWatchdog(10, "writev") {
            var b = buffers
            let n = try await ZeroCopyProbe.$current.withValue(probe) { try await b.writeTo(c) }
            #expect(b.isEmpty && b.count == 0 && b.byteCount == 0)
            return n
        }
        #expect(n == Int64(total))
        let tally = probe.tallies.writev
        #expect(tally.bytes == Int64(total))
        #expect(tally.calls >= (nonEmpty + maxIovecs - 1) / maxIovecs, "at most 1024 buffers per call")
        #expect(try await withWatchdog(10, "reader") { try await reader.value } == arrays.flatMap { $0 })
    }

    @Test func buffersPartialWritesWithASmallSendBuffer() async throws {
        let arrays = (0..<64).map { zeroCopyPattern(64 * 1024 + $0, seed: $0) }
        let all = arrays.flatMap { $0 }
        let (c, s) = try await tcpPair()
        defer { closeAll(c, s) }
        try c.setWriteBuffer(16 * 1024)
        try s.setReadBuffer(16 * 1024)
        let reader = Task { try await zeroCopySlowRead(s, all.count) }
        let probe = ZeroCopyProbe()
        let n = try await withWatchdog(30, "writev") {
            var b = Buffers(arrays)
            return try await ZeroCopyProbe.$current.withValue(probe) { try await b.writeTo(c) }
        }
        #expect(n == Int64(all.count))
        #expect(probe.tallies.writev.bytes == Int64(all.count))
        #expect(probe.tallies.writev.calls > 1, "the writes stopped short and waited")
        #expect(try await withWatchdog(30, "reader") { try await reader.value } == all)
    }

    @Test func buffersKeepWhatWasNotWrittenAfterATimeout() async throws {
        let arrays = (0..<128).map { zeroCopyPattern(64 * 1024, seed: $0) }
        let all = arrays.flatMap { $0 }
        let (c, s) = try await tcpPair()
        defer { closeAll(c, s) }
        try c.setWriteBuffer(16 * 1024)
        try s.setReadBuffer(16 * 1024)
        try c.setWriteDeadline(fromNow(.milliseconds(100)))
        var buffers = Buffers(arrays)
        let probe = ZeroCopyProbe()
        let error = await ZeroCopyProbe.$current.withValue(probe) { await caught { _ = try await buffers.writeTo(c) } }
        expectTimeout(error, op: "writev", conn: c)
        let sent = probe.tallies.writev.bytes
        #expect(sent > 0 && sent < Int64(all.count))
        #expect(buffers.byteCount == all.count - Int(sent), "the buffers hold exactly what was not written")
        try c.setWriteDeadline(nil)
        let reader = Task { try await readFull(s, all.count) }
        let remaining = buffers
        let n = try await withWatchdog(30, "rest") { var b = remaining; return try await b.writeTo(c) }
        #expect(n == Int64(all.count) - sent)
        #expect(try await withWatchdog(30, "reader") { try await reader.value } == all)
    }

    @Test func emptyBuffersWriteNothing() async throws {
        let (c, s) = try await tcpPair()
        defer { closeAll(c, s) }
        for arrays in [[], [[]], [[], [], []]] as [[[UInt8]]] {
            var b = Buffers(arrays)
            let (n, tally) = try await withProbe { try await b.writeTo(c) }
            #expect(n == 0)
            #expect(tally.writev.calls == 0)
            #expect(b.byteCount == 0, "Go's Writev leaves empty buffers in place when no iovec was built")
        }
        try c.close()
        var b: Buffers = [[1, 2, 3]]
        expectClosed(await caught { _ = try await b.writeTo(c) }, op: "writev", conn: c)
        #expect(b.byteCount == 3)
    }

    @Test func buffersToAnOrdinaryWriterWriteEachBuffer() async throws {
        let arrays: [[UInt8]] = [bytes("hello"), [], bytes(", "), bytes("world")]
        var b = Buffers(arrays)
        let sink = BytesBuffer()
        let (n, tally) = try await withProbe { try await b.writeTo(sink) }
        #expect(n == 12)
        #expect(sink.bytes == bytes("hello, world"))
        #expect(tally == ZeroCopyProbe.Tallies())
        #expect(b.isEmpty)
    }

    @Test func buffersReadConsumes() throws {
        var b = Buffers([bytes("abc"), [], bytes("defgh")])
        let out = UnsafeMutableRawBufferPointer.allocate(byteCount: 4, alignment: 1)
        defer { out.deallocate() }
        #expect(try b.read(into: out) == 4)
        #expect(Array(out) == bytes("abcd"))
        #expect(b.count == 1 && b.byteCount == 4)
        #expect(b.buffers == [bytes("efgh")[...]])
        #expect(try b.read(into: out) == 4)
        #expect(Array(out) == bytes("efgh"))
        #expect(b.isEmpty)
        #expect(throws: IOError.eof) { try b.read(into: out) }
    }
}
