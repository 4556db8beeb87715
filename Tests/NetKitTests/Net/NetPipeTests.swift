import Glibc
import Synchronization
import Testing
@testable import NetKit

// A port of x/net nettest/conntest.go (the generic net.Conn conformance suite Go runs on net.Pipe, tcp, unix
// and unixpacket), run here on pipe(), "unix" and "unixpacket"; then the parts of Go's net.Pipe contract
// conntest does not cover (pipe_test.go TestPipeCloseError and more).

/// Two connected `Conn`s and a function that tears everything down.
struct ConnPair: Sendable {
    let c1: any Conn
    let c2: any Conn
    let stop: @Sendable () -> Void
}

/// Go's `MakePipe` for each network under test.
func makeConnPair(_ kind: String) async throws -> ConnPair {
    switch kind {
    case "pipe":
        let (c1, c2) = pipe()
        return ConnPair(c1: c1, c2: c2, stop: { try? c1.close(); try? c2.close() })
    default:
        let (ln, c1, c2) = try await unixConnectedPair(kind, "@" + uniqueSocketName("conntest"))
        return ConnPair(c1: c1, c2: c2, stop: { try? c1.close(); try? c2.close(); try? ln.close() })
    }
}

/// A flag shared by tasks.
final class ConnTestFlag: Sendable {
    private let value = Mutex(false)
    func set() { value.withLock { $0 = true } }
    var isSet: Bool { value.withLock { $0 } }
}

/// Deterministic pseudo-random bytes (xorshift64*).
func connTestRandomBytes(_ count: Int, seed: UInt64 = 0x9E37_79B9_7F4A_7C15) -> [UInt8] {
    var state = seed
    var result = [UInt8]()
    result.reserveCapacity(count + 8)
    while result.count < count {
        state ^= state >> 12
        state ^= state << 25
        state ^= state >> 27
        withUnsafeBytes(of: state &* 0x2545_F491_4F6C_DD1D) { result.append(contentsOf: $0) }
    }
    return Array(result.prefix(count))
}

/// Go's `chunkedCopy(w, r)`: copies in 1024-byte chunks until EOF (nil) or an error (returned).
@discardableResult
func connTestChunkedCopy(from r: any Conn, to w: any Conn) async -> (any Error)? {
    var buffer = [UInt8](repeating: 0, count: 1024)
    while true {
        let n: Int
        do { n = try await r.read(into: &buffer) } catch IOError.eof { return nil } catch { return error }
        do { try await w.write(Array(buffer[..<n])) } catch { return error }
    }
}

/// Writes pseudo-random 1024-byte chunks until an error.
func connTestWriteForever(_ w: any Conn) async {
    let chunk = connTestRandomBytes(1024, seed: 7)
    while true {
        do { try await w.write(chunk) } catch { return }
    }
}

/// Reads and drops until an error or EOF.
func connTestDiscard(_ r: any Conn) async {
    var buffer = [UInt8](repeating: 0, count: 1024)
    while true {
        do { _ = try await r.read(into: &buffer) } catch { return }
    }
}

/// Go's `checkForTimeoutError`.
func connTestCheckTimeout(_ error: (any Error)?, sourceLocation: SourceLocation = #_sourceLocation) {
    let netError = error as? any NetError
    #expect(netError != nil, "got \(String(describing: error)), want a NetError", sourceLocation: sourceLocation)
    #expect(netError?.isTimeout == true, "\(String(describing: error)): isTimeout = false", sourceLocation: sourceLocation)
}

/// Go's `testRoundtrip`: c echoes everything back to itself.
func connTestRoundtrip(_ c: any Conn, sourceLocation: SourceLocation = #_sourceLocation) async throws {
    try c.setDeadline(nil)
    let s = "Hello, world!"
    try await c.write(s)
    let got = try await readFull(c, s.utf8.count)
    #expect(got == Array(s.utf8), sourceLocation: sourceLocation)
}

/// Go's `resyncConn`: write 0xff and read until a chunk ends with the first 0xff.
func connTestResync(_ c: any Conn) async throws {
    try c.setDeadline(nil)
    async let wrote: Void = c.write([0xff])
    var buffer = [UInt8](repeating: 0, count: 1024)
    while true {
        let n = try await c.read(into: &buffer)
        if n > 0, buffer[..<n].firstIndex(of: 0xff) == n - 1 { break }
    }
    try await wrote
}

@Suite("Conn conformance (x/net nettest conntest)")
struct UnixAndPipeConformanceTests {
    static let kinds = ["pipe", "unix", "unixpacket"]

    /// Go's `timeoutWrapper`: a pair, a watchdog, and the teardown.
    func run(_ kind: String, _ body: @escaping @Sendable (any Conn, any Conn) async throws -> Void) async throws {
        let pair = try await makeConnPair(kind)
        defer { pair.stop() }
        try await withWatchdog(60, "conntest \(kind)") { try await body(pair.c1, pair.c2) }
    }

    @Test("basic IO: 1 MiB in chunks arrives intact", arguments: kinds)
    func basicIO(kind: String) async throws {
        try await run(kind) { c1, c2 in
            let want = connTestRandomBytes(1 << 20)
            let writer = Task {
                for start in stride(from: 0, to: want.count, by: 1024) {
                    try await c1.write(Array(want[start..<min(start + 1024, want.count)]))
                }
                try c1.close()
            }
            let got = try await readAll(c2)
            try c2.close()
            try await writer.value
            #expect(got == want, "transmitted data differs")
        }
    }

    @Test("ping-pong of counters up to 1000", arguments: kinds)
    func pingPong(kind: String) async throws {
        try await run(kind) { c1, c2 in
            @Sendable func pingPonger(_ c: any Conn) async throws {
                var prev: UInt64 = 0
                while true {
                    let buf: [UInt8]
                    do { buf = try await readFull(c, 8) } catch IOError.eof { break }
                    let v = buf.withUnsafeBytes { $0.loadUnaligned(as: UInt64.self).littleEndian }
                    if prev != 0 && prev + 2 != v { Issue.record("mismatching value: got \(v), want \(prev + 2)") }
                    prev = v
                    if v == 1000 { break }
                    try await c.write(withUnsafeBytes(of: (v + 1).littleEndian) { Array($0) })
                }
                try c.close()
            }
            async let p1: Void = pingPonger(c1)
            async let p2: Void = pingPonger(c2)
            try await c1.write([UInt8](repeating: 0, count: 8))
            try await p1
            try await p2
        }
    }

    @Test("racy read: buffers may be reused at once after a timeout", arguments: kinds)
    func racyRead(kind: String) async throws {
        try await run(kind) { c1, c2 in
            let writer = Task { await connTestWriteForever(c2) }
            try c1.setReadDeadline(.now + .milliseconds(1))
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<10 {
                    group.addTask {
                        var b1 = [UInt8](repeating: 0, count: 1024)
                        let b2 = [UInt8](repeating: 1, count: 1024)
                        for _ in 0..<100 {
                            let error = await caught { _ = try await c1.read(into: &b1) }
                            b1 = b2   // mutate the buffer right away
                            if let error {
                                connTestCheckTimeout(error)
                                try c1.setReadDeadline(.now + .milliseconds(1))
                            }
                        }
                    }
                }
                try await group.waitForAll()
            }
            try c1.close()
            try c2.close()
            await writer.value
        }
    }

    @Test("racy write: buffers may be reused at once after a timeout", arguments: kinds)
    func racyWrite(kind: String) async throws {
        try await run(kind) { c1, c2 in
            let reader = Task { await connTestDiscard(c2) }
            try c1.setWriteDeadline(.now + .milliseconds(1))
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<10 {
                    group.addTask {
                        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 1024, alignment: 1)
                        defer { buffer.deallocate() }
                        buffer.initializeMemory(as: UInt8.self, repeating: 0)
                        for _ in 0..<100 {
                            let error = await caught { try await c1.write(UnsafeRawBufferPointer(buffer)) }
                            buffer.initializeMemory(as: UInt8.self, repeating: 1)   // mutate right away
                            if let error {
                                connTestCheckTimeout(error)
                                try c1.setWriteDeadline(.now + .milliseconds(1))
                            }
                        }
                    }
                }
                try await group.waitForAll()
            }
            try c1.close()
            try c2.close()
            await reader.value
        }
    }

    @Test("a read timeout does not affect writes", arguments: kinds)
    func readTimeout(kind: String) async throws {
        try await run(kind) { c1, c2 in
            let reader = Task { await connTestDiscard(c2) }
            try c1.setReadDeadline(.now - .seconds(1_000_000))
            connTestCheckTimeout(await caught { _ = try await c1.read(maxCount: 1024) })
            try await c1.write([UInt8](repeating: 0, count: 1024))
            try c2.close()
            await reader.value
        }
    }

    @Test("a write timeout does not affect reads", arguments: kinds)
    func writeTimeout(kind: String) async throws {
        try await run(kind) { c1, c2 in
            let writer = Task { await connTestWriteForever(c2) }
            try c1.setWriteDeadline(.now - .seconds(1_000_000))
            connTestCheckTimeout(await caught { try await c1.write([UInt8](repeating: 0, count: 1024)) })
            _ = try await c1.read(maxCount: 1024)
            try c1.close()
            await writer.value
        }
    }

    @Test("a past deadline fails reads and writes at once; the conn works after clearing it", arguments: kinds)
    func pastTimeout(kind: String) async throws {
        try await run(kind) { c1, c2 in
            let echo = Task { await connTestChunkedCopy(from: c2, to: c2) }
            try await connTestRoundtrip(c1)
            try c1.setDeadline(.now - .seconds(1_000_000))
            connTestCheckTimeout(await caught { try await c1.write([UInt8](repeating: 0, count: 1024)) })
            connTestCheckTimeout(await caught { _ = try await c1.read(maxCount: 1024) })
            try await connTestRoundtrip(c1)
            try c1.close()
            _ = await echo.value
        }
    }

    @Test("a past deadline set while calls are parked times them out at once", arguments: kinds)
    func presentTimeout(kind: String) async throws {
        try await run(kind) { c1, _ in
            let deadlineSet = ConnTestFlag()
            async let setter: Void = {
                try await Task.sleep(for: .milliseconds(100))
                deadlineSet.set()
                try c1.setReadDeadline(.now - .seconds(1_000_000))
                try c1.setWriteDeadline(.now - .seconds(1_000_000))
            }()
            async let reader: Void = {
                let error = await caught { _ = try await c1.read(maxCount: 1024) }
                connTestCheckTimeout(error)
                #expect(deadlineSet.isSet, "Read timed out before deadline is set")
            }()
            async let writer: Void = {
                let error = await caught {
                    while true { try await c1.write([UInt8](repeating: 0, count: 1024)) }
                }
                connTestCheckTimeout(error)
                #expect(deadlineSet.isSet, "Write timed out before deadline is set")
            }()
            try await setter
            await reader
            await writer
        }
    }

    @Test("a future deadline times out reads and writes; the conn resyncs and works", arguments: kinds)
    func futureTimeout(kind: String) async throws {
        try await run(kind) { c1, c2 in
            try c1.setDeadline(.now + .milliseconds(100))
            async let reader: Void = connTestCheckTimeout(await caught { _ = try await c1.read(maxCount: 1024) })
            async let writer: Void = connTestCheckTimeout(await caught {
                while true { try await c1.write([UInt8](repeating: 0, count: 1024)) }
            })
            await reader
            await writer
            let echo = Task { await connTestChunkedCopy(from: c2, to: c2) }
            try await connTestResync(c1)
            try await connTestRoundtrip(c1)
            try c1.close()
            _ = await echo.value
        }
    }

    @Test("close wakes parked reads and writes", arguments: kinds)
    func closeTimeout(kind: String) async throws {
        try await run(kind) { c1, c2 in
            let echo = Task { await connTestChunkedCopy(from: c2, to: c2) }
            try c1.setDeadline(nil)
            async let closer: Void = {
                try await Task.sleep(for: .milliseconds(100))
                try? c1.close()
            }()
            async let reader: (any Error)? = caught {
                var buffer = [UInt8](repeating: 0, count: 1024)
                while true { _ = try await c1.read(into: &buffer) }
            }
            async let writer: (any Error)? = caught {
                while true { try await c1.write([UInt8](repeating: 0, count: 1024)) }
            }
            try await closer
            #expect(await reader != nil)
            #expect(await writer != nil)
            try? c2.close()
            _ = await echo.value
        }
    }

    @Test("all methods may be called concurrently", arguments: kinds)
    func concurrentMethods(kind: String) async throws {
        try await run(kind) { c1, c2 in
            let echo = Task { await connTestChunkedCopy(from: c2, to: c2) }
            await withTaskGroup(of: Void.self) { group in
                for _ in 0..<100 {
                    group.addTask { _ = try? await c1.read(maxCount: 1024) }
                    group.addTask { try? await c1.write([UInt8](repeating: 0, count: 1024)) }
                    group.addTask { try? c1.setDeadline(.now + .milliseconds(10)) }
                    group.addTask { try? c1.setReadDeadline(.now - .seconds(1_000_000)) }
                    group.addTask { try? c1.setWriteDeadline(.now - .seconds(1_000_000)) }
                    group.addTask { _ = c1.localAddr }
                    group.addTask { _ = c1.remoteAddr }
                }
            }
            try await connTestResync(c1)
            try await connTestRoundtrip(c1)
            try c1.close()
            _ = await echo.value
        }
    }
}

/// What conntest does not check: the rest of Go's `net.Pipe` contract.
@Suite("net.Pipe: pipe()")
struct NetPipeTests {
    @Test("Go's TestPipeCloseError: closed-pipe errors, bare")
    func closeError() async throws {
        let (c1, c2) = pipe()
        try c1.close()
        var empty: [UInt8] = []
        await #expect(throws: IOError.closedPipe) { _ = try await c1.read(into: &empty) }
        await #expect(throws: IOError.closedPipe) { try await c1.write([UInt8]()) }
        #expect(throws: IOError.closedPipe) { try c1.setDeadline(nil) }
        await #expect(throws: IOError.eof) { _ = try await c2.read(into: &empty) }
        await #expect(throws: IOError.closedPipe) { try await c2.write([UInt8]()) }
        #expect(throws: IOError.closedPipe) { try c2.setDeadline(nil) }
        #expect(throws: IOError.closedPipe) { try c2.setReadDeadline(nil) }
        #expect(throws: IOError.closedPipe) { try c2.setWriteDeadline(nil) }
        // Close never fails, not even twice.
        try c1.close()
        try c2.close()
        try c2.close()
        #expect(IOError.closedPipe.description == "io: read/write on closed pipe")
    }

    @Test("both addresses are \"pipe\"")
    func addresses() {
        let (c1, c2) = pipe()
        for conn in [c1, c2] {
            #expect(conn.localAddr.network == "pipe" && conn.localAddr.description == "pipe")
            #expect(conn.remoteAddr.network == "pipe" && conn.remoteAddr.description == "pipe")
            #expect(conn.localAddr as? PipeAddr == PipeAddr())
        }
    }

    @Test("no buffering: a write returns only when readers consumed all of it, in several reads")
    func writeWaitsForReaders() async throws {
        let (c1, c2) = pipe()
        defer { try? c1.close(); try? c2.close() }
        let done = ConnTestFlag()
        try await withWatchdog {
            let writer = Task {
                try await c1.write(Array("0123456789".utf8))
                done.set()
            }
            try await Task.sleep(for: .milliseconds(50))
            #expect(!done.isSet, "write returned before anything was read")
            #expect(try await c2.read(maxCount: 3) == Array("012".utf8))
            #expect(try await c2.read(maxCount: 3) == Array("345".utf8))
            try await Task.sleep(for: .milliseconds(20))
            #expect(!done.isSet, "write returned before all was read")
            #expect(try await c2.read(maxCount: 100) == Array("6789".utf8))
            try await writer.value
            #expect(done.isSet)
        }
    }

    @Test("a read never returns bytes of two writes; concurrent writes never interleave")
    func writesStayWhole() async throws {
        let (c1, c2) = pipe()
        defer { try? c1.close(); try? c2.close() }
        try await withWatchdog {
            let writers = (0..<8).map { i in
                Task { try await c1.write([UInt8](repeating: UInt8(i), count: 300)) }
            }
            var got: [UInt8] = []
            while got.count < 8 * 300 {
                let chunk = try await c2.read(maxCount: 128)
                #expect(Set(chunk).count == 1, "a read mixed two writes")
                got += chunk
            }
            for w in writers { try await w.value }
            // Each write's 300 bytes are contiguous.
            for start in stride(from: 0, to: got.count, by: 300) {
                #expect(Set(got[start..<start + 300]).count == 1, "writes interleaved")
            }
        }
    }

    @Test("empty reads and writes return 0 at once (a documented difference from Go)")
    func emptyCalls() async throws {
        let (c1, c2) = pipe()
        defer { try? c1.close(); try? c2.close() }
        try await withWatchdog(1) {
            var empty: [UInt8] = []
            let read = try await c1.read(into: &empty)
            let written = try await c1.write(UnsafeRawBufferPointer(start: nil, count: 0))
            #expect(read == 0 && written == 0)
        }
    }

    @Test("closing wakes parked calls: local reads closedPipe, remote reads EOF, writes closedPipe")
    func closeWakesParked() async throws {
        let (c1, c2) = pipe()
        defer { try? c2.close() }
        let localRead = Task { await caught { _ = try await c1.read(maxCount: 8) } }
        let remoteRead = Task { await caught { _ = try await c2.read(maxCount: 8) } }
        try await Task.sleep(for: .milliseconds(50))
        try c1.close()
        try await withWatchdog(1) {
            #expect((await localRead.value as? IOError) == .closedPipe)
            #expect((await remoteRead.value as? IOError) == .eof)
        }
        let remoteWrite = await caught { try await c2.write("x") }
        #expect((remoteWrite as? IOError) == .closedPipe)

        // A writer parked with nobody reading.
        let (d1, d2) = pipe()
        defer { try? d2.close() }
        let localWrite = Task { await caught { try await d1.write("to nobody") } }
        try await Task.sleep(for: .milliseconds(50))
        try d1.close()
        #expect((try await withWatchdog(1) { await localWrite.value } as? IOError) == .closedPipe)
    }

    @Test("a remote writer parked with its data is woken with closedPipe when the reader's end closes")
    func writerWokenByRemoteClose() async throws {
        let (c1, c2) = pipe()
        defer { try? c1.close() }
        let writer = Task { await caught { try await c1.write("pending") } }
        try await Task.sleep(for: .milliseconds(50))
        try c2.close()
        #expect((try await withWatchdog(1) { await writer.value } as? IOError) == .closedPipe)
    }

    @Test("timeouts are OpErrors \"read pipe: i/o timeout\" wrapping DeadlineExceededError, and not fatal")
    func timeoutErrors() async throws {
        let (c1, c2) = pipe()
        defer { try? c1.close(); try? c2.close() }
        try c1.setReadDeadline(.now + .milliseconds(50))
        let start = ContinuousClock.now
        let error = try await withWatchdog { await caught { _ = try await c1.read(maxCount: 8) } }
        let elapsed = start.duration(to: .now)
        #expect(unixIsTimeout(error))
        #expect((error as? OpError)?.description == "read pipe: i/o timeout")
        #expect(elapsed >= .milliseconds(25) && elapsed < upperBound(.milliseconds(250)))
        try c1.setWriteDeadline(.now - .seconds(1))
        let writeError = await caught { try await c1.write("x") }
        #expect((writeError as? OpError)?.description == "write pipe: i/o timeout")
        // Extending a parked call's deadline does not fire early; clearing restores blocking.
        try c1.setDeadline(nil)
        let reader = Task { try await c1.read(maxCount: 8) }
        try c1.setReadDeadline(.now + .seconds(30))
        try await Task.sleep(for: .milliseconds(50))
        try await c2.write("ok")
        #expect(try await withWatchdog { try await reader.value } == Array("ok".utf8))
    }

    @Test("cancelling parked calls: CancellationError, nothing lost, the pipe stays usable")
    func cancellation() async throws {
        let (c1, c2) = pipe()
        defer { try? c1.close(); try? c2.close() }
        let reader = Task { await caught { _ = try await c1.read(maxCount: 8) } }
        try await Task.sleep(for: .milliseconds(50))
        reader.cancel()
        #expect(try await withWatchdog(1) { await reader.value } is CancellationError)

        // A writer cancelled after part of its data was read: that part stays delivered, the rest is withdrawn.
        let writer = Task { await caught { try await c2.write("abcdef") } }
        #expect(try await withWatchdog { try await c1.read(maxCount: 2) } == Array("ab".utf8))
        writer.cancel()
        #expect(try await withWatchdog(1) { await writer.value } is CancellationError)

        // Already cancelled and would suspend: fails without waiting.
        let early = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return await caught { _ = try await c1.read(maxCount: 8) }
        }
        #expect(try await withWatchdog(1) { await early.value } is CancellationError)

        try await withWatchdog {
            async let w: Void = c2.write("next")
            #expect(try await c1.read(maxCount: 8) == Array("next".utf8))
            try await w
        }
    }

    @Test("dropping one end closes it: the other end reads EOF")
    func droppedEndCloses() async throws {
        func make() -> any Conn {
            let (dropped, kept) = pipe()
            _ = dropped.localAddr
            return kept
        }
        let survivor = make()
        let error = try await withWatchdog(1) { await caught { _ = try await survivor.read(maxCount: 8) } }
        #expect((error as? IOError) == .eof)
    }

    @Test("stress: many small writes and reads under concurrency", .timeLimit(.minutes(1)))
    func stress() async throws {
        let (c1, c2) = pipe()
        defer { try? c1.close(); try? c2.close() }
        let rounds = getenv("NETKIT_STRESS") != nil ? 20_000 : 2_000
        try await withWatchdog(50) {
            async let writes: Void = {
                for i in 0..<rounds { try await c1.write([UInt8(i % 251)]) }
                try c1.close()
            }()
            let got = try await readAll(c2)
            try await writes
            #expect(got == (0..<rounds).map { UInt8($0 % 251) })
        }
    }
}
