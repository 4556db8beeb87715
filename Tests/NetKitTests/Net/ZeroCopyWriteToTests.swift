import Glibc
import Testing
@testable import NetKit

// Go 1.22's `TCPConn.WriteTo` (tcpsock_posix.go `writeTo`, splice_linux.go `spliceTo`): from a TCP conn into
// a stream Unix conn the bytes go through splice(2); to any other writer the fallback copy runs (and a TCP
// destination's `readFrom` still splices). The probe proves which path was taken. Serialized: the leak check
// counts pipes, so these tests join the serialized "Zero copy" suite (whose splice tests share the pipe pool).

extension ZeroCopyTests {
    enum WriteToPath: String, CaseIterable, Sendable { case copy, writeTo }

    /// A TCP source (writer end, reader end) and a stream Unix destination (conn, peer) for `body`.
    func withTCPToUnix<T>(
        _ body: (TCPConn, TCPConn, UnixConn, UnixConn) async throws -> T
    ) async throws -> T {
        try await withUnixTempDir { dir in
            let (w, r) = try await tcpPair()
            let (ln, d, sink) = try await unixConnectedPair("unix", dir.file("dst"))
            defer { try? ln.close(); closeAll(w, r, d, sink) }
            return try await body(w, r, d, sink)
        }
    }

    /// Moves everything `r` delivers to `dst` by `path`.
    func move(_ path: WriteToPath, _ dst: any Writer, _ r: TCPConn) async throws -> Int64 {
        switch path {
        case .copy: try await copy(dst, r)
        case .writeTo: try await r.writeTo(dst)
        }
    }

    @Test(arguments: WriteToPath.allCases)
    func tcpToUnixSplicesByteExactAndEndsAtEOF(_ path: WriteToPath) async throws {
        try await withTCPToUnix { w, r, d, sink in
            let contents = zeroCopyPattern(Self.bigSize, seed: 21)
            let writer = Task {
                try await w.write(contents)
                try w.closeWrite()
            }
            let reader = Task { try await zeroCopySlowRead(sink, contents.count) }
            let (n, tally) = try await withWatchdog(30, "splice") { try await withProbe { try await move(path, d, r) } }
            try await withWatchdog(10, "writer") { try await writer.value }
            #expect(n == Int64(contents.count))
            #expect(tally.splice.bytes == Int64(contents.count), "every byte went through splice")
            #expect(tally.splice.calls > 1, "a slow reader makes the pump stop short and wait")
            #expect(tally.sendFile.calls == 0 && tally.writev.calls == 0)
            #expect(try await withWatchdog(30, "reader") { try await reader.value } == contents)
            // Both conns still work afterwards.
            try await roundTrip(d, sink)
        }
    }

    @Test func emptySourceEndsAtOnceWithZero() async throws {
        try await withTCPToUnix { w, r, d, sink in
            try w.closeWrite()
            let (n, tally) = try await withWatchdog(10, "splice") { try await withProbe { try await copy(d, r) } }
            #expect(n == 0)
            #expect(tally.splice.calls == 0, "nothing reached the pump")
            try d.closeWrite()
            #expect(try await withWatchdog(10, "reader") { try await readAll(sink) } == [])
        }
    }

    @Test(arguments: WriteToPath.allCases)
    func tcpToTCPStillSplicesThroughTheDestinationsReadFrom(_ path: WriteToPath) async throws {
        let (w, r) = try await tcpPair()
        let (d, sink) = try await tcpPair()
        defer { closeAll(w, r, d, sink) }
        let contents = zeroCopyPattern(Self.bigSize, seed: 23)
        let writer = Task {
            try await w.write(contents)
            try w.closeWrite()
        }
        let reader = Task { try await zeroCopySlowRead(sink, contents.count) }
        let (n, tally) = try await withWatchdog(30, "splice") { try await withProbe { try await move(path, d, r) } }
        try await withWatchdog(10, "writer") { try await writer.value }
        #expect(n == Int64(contents.count))
        #expect(tally.splice.bytes == Int64(contents.count))
        #expect(try await withWatchdog(30, "reader") { try await reader.value } == contents)
    }

    @Test(arguments: WriteToPath.allCases)
    func toAnOrdinaryWriterFallsBackToACopy(_ path: WriteToPath) async throws {
        let (w, r) = try await tcpPair()
        defer { closeAll(w, r) }
        let contents = zeroCopyPattern(300_000, seed: 25)
        let writer = Task {
            try await w.write(contents)
            try w.closeWrite()
        }
        let ((n, got), tally) = try await withWatchdog(10, "copy") {
            try await withProbe {
                let sink = BytesBuffer()
                return (try await move(path, sink, r), sink.bytes)
            }
        }
        try await withWatchdog(10, "writer") { try await writer.value }
        #expect(n == Int64(contents.count))
        #expect(tally == ZeroCopyProbe.Tallies(), "no zero-copy system call ran")
        #expect(got == contents)
    }

    @Test(arguments: WriteToPath.allCases)
    func toADatagramUnixConnFallsBackToACopy(_ path: WriteToPath) async throws {
        // Go splices only into network "unix": a "unixpacket" conn gets the bytes through the copy.
        try await withUnixTempDir { dir in
            let (w, r) = try await tcpPair()
            let (ln, d, sink) = try await unixConnectedPair("unixpacket", dir.file("pkt"))
            defer { try? ln.close(); closeAll(w, r, d, sink) }
            let contents = zeroCopyPattern(1000, seed: 27)
            try await w.write(contents)
            try w.closeWrite()
            let (n, tally) = try await withWatchdog(10, "copy") { try await withProbe { try await move(path, d, r) } }
            #expect(n == Int64(contents.count))
            #expect(tally.splice.calls == 0)
            #expect(try await withWatchdog(10, "reader") { try await readFull(sink, contents.count) } == contents)
        }
    }

    @Test(.timingSensitive, arguments: WriteToPath.allCases)
    func sourceReadDeadlineTimesOutNamingTheTCPConn(_ path: WriteToPath) async throws {
        try await withTCPToUnix { w, r, d, sink in
            try await w.write(zeroCopyPattern(10_000))
            try r.setReadDeadline(fromNow(.milliseconds(150)))
            let probe = ZeroCopyProbe()
            let (error, elapsed) = try await measure {
                try await withWatchdog(10, "stalled splice") {
                    await ZeroCopyProbe.$current.withValue(probe) { await caught { _ = try await move(path, d, r) } }
                }
            }
            let e = expectTimeout(error, op: "writeto", conn: r)
            #expect(e?.description == "writeto tcp4 \(r.localAddr)->\(r.remoteAddr): i/o timeout")
            #expect(elapsed >= .milliseconds(100))
            #expect(elapsed < Scale.bound(.seconds(2)))
            #expect(probe.tallies.splice.bytes == 10_000, "what arrived before the deadline was spliced")
            #expect(try await withWatchdog(10, "reader") { try await readFull(sink, 10_000) } == zeroCopyPattern(10_000))
            // A timeout is not fatal: move the deadline and go on.
            try r.setReadDeadline(nil)
            try await roundTrip(w, r)
        }
    }

    @Test func destinationWriteDeadlineTimesOutNamingTheTCPConn() async throws {
        // Go's WriteTo wraps whatever poll.Splice reports in an OpError naming the source conn.
        try await withTCPToUnix { w, r, d, sink in
            try d.setWriteBuffer(16 * 1024)
            try d.setWriteDeadline(fromNow(.milliseconds(150)))
            let writer = Task { await caught { for _ in 0..<64 { try await w.write(zeroCopyPattern(64 * 1024)) } } }
            let error = try await withWatchdog(10, "stalled pump") { await caught { _ = try await copy(d, r) } }
            expectTimeout(error, op: "writeto", conn: r)
            closeAll(r, w)
            _ = try await withWatchdog(10, "writer") { await writer.value }
        }
    }

    @Test func fallbackErrorsWrapTheInnerError() async throws {
        let (w, r) = try await tcpPair()
        defer { closeAll(w, r) }
        try r.setReadDeadline(fromNow(.milliseconds(50)))
        let error = try await withWatchdog(10, "stalled copy") { await caught { _ = try await copy(BytesBuffer(), r) } }
        let e = try #require(error as? OpError)
        let conn = "tcp4 \(r.localAddr)->\(r.remoteAddr)"
        #expect(e.description == "writeto \(conn): read \(conn): i/o timeout")
        #expect(e.isTimeout)
        #expect(errorIs(e, DeadlineExceededError.self))
    }

    @Test func cancellingAParkedSpliceThrowsCancellationError() async throws {
        try await withTCPToUnix { w, r, d, sink in
            let splicer = Task { await caught { _ = try await copy(d, r) } }
            try await Task.sleep(for: .milliseconds(50))
            splicer.cancel()
            expectCancellation(try await withWatchdog(5, "cancelled splice") { await splicer.value })
            try await roundTrip(w, r)
        }
    }

    @Test func writeToLeavesNoPipeOpenAfterSuccessErrorsAndCancellation() async throws {
        SplicePipePool.shared.drain()
        let pipesBefore = openPipes()
        #expect(SplicePipePool.shared.openCount == 0)

        // Success, several times (the pipe is reused).
        for _ in 0..<3 {
            try await withTCPToUnix { w, r, d, sink in
                try await w.write(zeroCopyPattern(100_000))
                try w.closeWrite()
                let reader = Task { try await readFull(sink, 100_000) }
                let (n, tally) = try await withWatchdog(10, "splice") { try await withProbe { try await copy(d, r) } }
                #expect(n == 100_000 && tally.splice.bytes == 100_000)
                #expect(SplicePipePool.shared.openCount == 1, "the pipe is reused")
                #expect(try await withWatchdog(10, "reader") { try await reader.value } == zeroCopyPattern(100_000))
            }
        }

        // The Unix peer is gone: the pump fails with bytes in the pipe (which is then closed).
        try await withTCPToUnix { w, r, d, sink in
            try sink.close()
            let writer = Task { await caught { for _ in 0..<64 { try await w.write(zeroCopyPattern(64 * 1024)) } } }
            let error = try await withWatchdog(10, "failing splice") { await caught { _ = try await copy(d, r) } }
            let e = try #require(error as? OpError)
            #expect(e.op == "writeto")
            #expect(e.source?.description == r.localAddr.description)
            let errno = errorAs(e, SyscallError.self)?.errno
            #expect(errno == .brokenPipe || errno == .connectionReset, "\(e)")
            closeAll(r)
            _ = try await withWatchdog(10, "writer") { await writer.value }
        }

        // Closing the source while the drain is parked.
        try await withTCPToUnix { w, r, d, sink in
            let splicer = Task { await caught { _ = try await copy(d, r) } }
            try await Task.sleep(for: .milliseconds(50))
            let (laddr, raddr) = (r.localAddr, r.remoteAddr)
            try r.close()
            expectClosed(try await withWatchdog(5, "closed splice") { await splicer.value },
                         op: "writeto", net: "tcp4", source: laddr, addr: raddr)
        }

        expectNoPooledPipeLeft(since: pipesBefore)
    }
}

extension ZeroCopyTests {
    @Test func copyBetweenTCPConnsWrapsTheReadFromErrorInAWriteToError() async throws {
        // Go 1.22: io.Copy(d, r) calls r.WriteTo(d), whose fallback copy calls d.ReadFrom(r) (which splices):
        // an error of the splice reads "writeto <r>: readfrom <d>: …".
        let (w, r) = try await tcpPair()
        let (d, sink) = try await tcpPair()
        defer { closeAll(w, d, sink) }
        let (rl, rr) = (r.localAddr, r.remoteAddr)
        let splicer = Task { await caught { _ = try await copy(d, r) } }
        try await Task.sleep(for: .milliseconds(50))
        try r.close()
        let error = try await withWatchdog(5, "closed splice") { await splicer.value }
        let e = try #require(error as? OpError)
        #expect(e.description == "writeto tcp4 \(rl)->\(rr): readfrom tcp4 \(d.localAddr)->\(d.remoteAddr): use of closed network connection")
        #expect(e.isClosed)
        #expect(errorIs(e, ClosedError.self))
    }
}
