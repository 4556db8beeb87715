import Glibc
import Synchronization
import Testing
@testable import NetKit

/// reliability.md group A (close and lifecycle) on real loopback TCP sockets.
@Suite("TCP close and lifecycle", .timingSensitive)
struct TCPCloseTests {
    /// A listener config whose accepted sockets get a tiny receive buffer, so a writer blocks fast.
    static let tinyReceiveBuffer = ListenConfig(control: { _, _, raw in
        try raw.control { s in try s.setReceiveBufferSize(4096) }
    })

    // MARK: A1 — close unblocks a parked read

    @Test(arguments: Loopback.available)
    func closeUnblocksParkedRead(_ lo: Loopback) async throws {
        let (c, s) = try await tcpPair(lo)
        defer { closeAll(s) }
        let reader = readTask(c)
        try await Task.sleep(for: .milliseconds(100))
        let start = ContinuousClock.now
        try c.close()
        let result = try await withWatchdog(1, "read after close") { await reader.value }
        #expect(ContinuousClock.now - start < Scale.bound(.seconds(1)))
        guard case .failure(let error) = result else {
            Issue.record("a read on a closed conn returned data: \(result)")
            return
        }
        expectClosed(error, op: "read", net: lo.network, source: c.localAddr, addr: c.remoteAddr)
    }

    @Test(arguments: Loopback.available)
    func peerCloseGivesParkedReadEOF(_ lo: Loopback) async throws {
        let (c, s) = try await tcpPair(lo)
        defer { closeAll(c) }
        let reader = readTask(c)
        try await Task.sleep(for: .milliseconds(100))
        try s.close()
        let result = try await withWatchdog(1, "read after peer close") { await reader.value }
        guard case .failure(let error) = result else {
            Issue.record("expected EOF, got \(result)")
            return
        }
        expectEOF(error)
    }

    // MARK: A2 — close unblocks a parked write

    @Test(arguments: Loopback.available)
    func closeUnblocksParkedWrite(_ lo: Loopback) async throws {
        let (c, s) = try await tcpPair(lo, config: Self.tinyReceiveBuffer)
        defer { closeAll(s) }
        try c.setWriteBuffer(4096)
        let finished = Atomic<Bool>(false)
        let writer = Task { () -> (any Error)? in
            defer { finished.store(true, ordering: .releasing) }
            let chunk = [UInt8](repeating: 7, count: 1 << 20)
            for _ in 0..<64 {
                do { try await c.write(chunk) } catch { return error }
            }
            return nil
        }
        try await Task.sleep(for: .milliseconds(200))
        let parked = !finished.load(ordering: .acquiring)
        #expect(parked, "the writer should be parked (peer never reads)")
        let start = ContinuousClock.now
        try c.close()
        let error = try await withWatchdog(1, "write after close") { await writer.value }
        #expect(ContinuousClock.now - start < Scale.bound(.seconds(1)))
        expectClosed(error, op: "write", net: lo.network, source: c.localAddr, addr: c.remoteAddr)
    }

    // MARK: A3 — close unblocks a parked accept

    @Test(arguments: Loopback.available)
    func closeUnblocksParkedAccept(_ lo: Loopback) async throws {
        let ln = try tcpListener(lo)
        let acceptor = Task { () -> (any Error)? in
            do {
                let c = try await ln.accept()
                try? c.close()
                return nil
            } catch { return error }
        }
        try await Task.sleep(for: .milliseconds(100))
        try ln.close()
        let error = try await withWatchdog(1, "accept after close") { await acceptor.value }
        expectClosed(error, op: "accept", net: lo.network, source: nil, addr: ln.addr)
        // Later accepts fail at once.
        let (again, elapsed) = await measure { await caught { _ = try await ln.accept() } }
        expectClosed(again, op: "accept", net: lo.network, source: nil, addr: ln.addr)
        #expect(elapsed < Scale.bound(.milliseconds(500)))
    }

    @Test func closeEndsAcceptLoop() async throws {
        let ln = try tcpListener()
        let loop = Task { () -> Result<Int, any Error> in
            var count = 0
            do {
                for try await conn in ln {
                    count += 1
                    try? conn.close()
                }
                return .success(count)
            } catch { return .failure(error) }
        }
        let c = try await withWatchdog { try await dialTCP("tcp4", raddr: ln.tcpAddr) }
        defer { closeAll(c) }
        try await Task.sleep(for: .milliseconds(100))
        try ln.close()
        let result = try await withWatchdog(1, "accept loop after close") { await loop.value }
        guard case .success(let count) = result else {
            Issue.record("the accept loop threw instead of ending: \(result)")
            return
        }
        #expect(count == 1)
    }

    // MARK: A5 — double close, shutdown idempotence

    @Test(arguments: Loopback.available)
    func doubleCloseIsClosedError(_ lo: Loopback) async throws {
        let (c, s) = try await tcpPair(lo)
        defer { closeAll(s) }
        for _ in 0..<3 {
            checkShutdownResult(caughtSync { try c.closeRead() }, c, lo)
        }
        for _ in 0..<3 {
            checkShutdownResult(caughtSync { try c.closeWrite() }, c, lo)
        }
        #expect(caughtSync { try c.close() } == nil)
        for _ in 0..<3 {
            expectClosed(caughtSync { try c.close() }, op: "close", net: lo.network,
                         source: c.localAddr, addr: c.remoteAddr)
        }
        // Go: a listener's close error names only its address (Source nil, Addr laddr).
        let ln = try tcpListener(lo)
        #expect(caughtSync { try ln.close() } == nil)
        for _ in 0..<3 {
            expectClosed(caughtSync { try ln.close() }, op: "close", net: lo.network, source: nil, addr: ln.addr)
        }
    }

    /// Shutting down a direction twice may succeed or report ENOTCONN, but only as an `OpError{op: "close"}`
    /// from shutdown (Go's parseCloseError with isShutdown), never EBADF.
    private func checkShutdownResult(
        _ error: (any Error)?, _ c: TCPConn, _ lo: Loopback, sourceLocation: SourceLocation = #_sourceLocation
    ) {
        guard let error else { return }
        expectSyscall(error, op: "close", net: lo.network, source: c.localAddr, addr: c.remoteAddr,
                      syscall: "shutdown", errno: .notConnected, sourceLocation: sourceLocation)
    }

    /// The second close must not call close(2) again: park another socket on the freed descriptor number and
    /// check it survives the second close and the conn's deinit.
    @Test func secondCloseDoesNotCloseAReusedNumber() async throws {
        var checked = 0
        for _ in 0..<20 where checked < 3 {
            let (c, s) = try await tcpPair()
            defer { closeAll(s) }
            let number = try c.withUnsafeSocket { $0.rawValue }
            try c.close()
            // Occupy the freed number with a socket of our own (only if it is really free).
            let probe = try Socket(.inet, .stream)
            let dupe = fcntl(probe.rawValue, F_DUPFD_CLOEXEC, number)
            try probe.close()
            guard dupe >= 0 else { continue }
            defer { Glibc.close(dupe) }
            guard dupe == number else { continue }
            let identity = descriptorIdentity(dupe)
            expectClosed(caughtSync { try c.close() }, op: "close", net: "tcp4", source: c.localAddr, addr: c.remoteAddr)
            #expect(descriptorIdentity(number) == identity, "the second close closed descriptor \(number)")
            checked += 1
        }
        // The conns are gone now (deinit after explicit close); the probes above were checked before it ran.
        #expect(checked > 0, "never managed to occupy a freed descriptor number")
    }

    @Test func deinitAfterCloseDoesNotCloseAReusedNumber() async throws {
        var checked = 0
        for _ in 0..<20 where checked < 3 {
            var (c, s): (TCPConn?, TCPConn?) = try await tcpPair()
            let number = try c!.withUnsafeSocket { $0.rawValue }
            try c!.close()
            let probe = try Socket(.inet, .stream)
            let dupe = fcntl(probe.rawValue, F_DUPFD_CLOEXEC, number)
            try probe.close()
            guard dupe >= 0 else { continue }
            defer { Glibc.close(dupe) }
            try s?.close()
            guard dupe == number else { continue }
            let identity = descriptorIdentity(dupe)
            c = nil
            s = nil
            #expect(descriptorIdentity(number) == identity, "deinit closed descriptor \(number) again")
            checked += 1
        }
        #expect(checked > 0, "never managed to occupy a freed descriptor number")
    }

    // MARK: A6 — use after close

    @Test(arguments: Loopback.available)
    func useAfterCloseIsClosedError(_ lo: Loopback) async throws {
        let (c, s) = try await tcpPair(lo)
        defer { closeAll(s) }
        let local = c.localAddr.description
        let remote = c.remoteAddr.description
        try c.close()
        let net = lo.network
        let la = c.localAddr
        let ra = c.remoteAddr
        // Addresses are cached and still readable.
        #expect(la.description == local)
        #expect(ra.description == remote)
        #expect(c.localTCPAddr.description == local)
        #expect(c.remoteTCPAddr.description == remote)
        // I/O: Go's conn.Read/Write wrap ErrClosed with both addresses; a zero-length buffer too (the read lock
        // is taken before the length check in Go's poll.FD.Read).
        expectClosed(await caught { _ = try await c.read(maxCount: 16) }, op: "read", net: net, source: la, addr: ra)
        expectClosed(await caught { try await c.write("x") }, op: "write", net: net, source: la, addr: ra)
        expectClosed(await caught { try await c.write([UInt8]()) }, op: "write", net: net, source: la, addr: ra)
        var empty = [UInt8]()
        expectClosed(await caught { _ = try await c.read(into: &empty) }, op: "read", net: net, source: la, addr: ra)
        // Deadlines: Go's conn.SetDeadline uses Source nil, Addr laddr.
        for set in [{ try c.setDeadline(fromNow(.seconds(1))) },
                    { try c.setReadDeadline(fromNow(.seconds(1))) },
                    { try c.setWriteDeadline(nil) }] {
            expectClosed(caughtSync(set), op: "set", net: net, source: nil, addr: la)
        }
        // Socket options: Go's TCPConn.SetNoDelay & co. use Source laddr, Addr raddr.
        let options: [() throws -> Void] = [
            { try c.setNoDelay(false) },
            { try c.setKeepAlive(true) },
            { try c.setKeepAlivePeriod(.seconds(30)) },
            { try c.setKeepAliveConfig(KeepAliveConfig(enable: true)) },
            { try c.setLinger(0) },
            { try c.setReadBuffer(8192) },
            { try c.setWriteBuffer(8192) },
        ]
        for option in options {
            expectClosed(caughtSync(option), op: "set", net: net, source: la, addr: ra)
        }
        // Shutdown: Go's CloseRead/CloseWrite use op "close".
        expectClosed(caughtSync { try c.closeRead() }, op: "close", net: net, source: la, addr: ra)
        expectClosed(caughtSync { try c.closeWrite() }, op: "close", net: net, source: la, addr: ra)
        // Raw access fails with ErrClosed too (Go wraps it as OpError "raw-control"; see the report).
        let raw = caughtSync { _ = try c.withUnsafeSocket { $0.rawValue } }
        #expect(raw.map { errorIs($0, ClosedError.self) } == true, "\(String(describing: raw))")
    }

    @Test(arguments: Loopback.available)
    func listenerUseAfterClose(_ lo: Loopback) async throws {
        let ln = try tcpListener(lo)
        let addr = ln.addr.description
        try ln.close()
        #expect(ln.addr.description == addr)
        #expect(ln.tcpAddr.port != 0)
        expectClosed(await caught { _ = try await ln.accept() }, op: "accept", net: lo.network, source: nil, addr: ln.addr)
        expectClosed(caughtSync { try ln.setDeadline(fromNow(.seconds(1))) }, op: "set", net: lo.network,
                     source: nil, addr: ln.addr)
    }

    // MARK: A7 — descriptor-number reuse (ABA)

    /// A reader parked on X; X is closed and new conns (likely on X's number) receive bytes at once. The parked
    /// reader must see ErrClosed, never their bytes, and the new conns must each read their own bytes.
    @Test func closedReaderNeverSeesBytesOfAConnOnItsNumber() async throws {
        let iterations = Scale.count(200, tsan: 40, stress: 10_000)
        let ln = try tcpListener()
        defer { try? ln.close() }
        let reused = try await withWatchdog(Scale.seconds(60), "ABA iterations") { () -> Int in
            var reused = 0
            for i in 0..<iterations {
                let x = try await dialTCP("tcp4", raddr: ln.tcpAddr)
                let xPeer = try await ln.acceptTCP()
                let number = try x.withUnsafeSocket { $0.rawValue }
                let reader = readTask(x)
                if i % 4 == 0 { try await Task.sleep(for: .milliseconds(1)) } else { await Task.yield() }
                try x.close()
                // New conns right away: the lowest free number is likely X's.
                var fresh: [(TCPConn, TCPConn)] = []
                for _ in 0..<2 {
                    let c = try await dialTCP("tcp4", raddr: ln.tcpAddr)
                    let p = try await ln.acceptTCP()
                    try await p.write([UInt8(truncatingIfNeeded: i), 0xAB])
                    fresh.append((c, p))
                }
                let result = await reader.value
                switch result {
                case .success(let bytes):
                    Issue.record("iteration \(i): the closed reader got \(bytes)")
                case .failure(let error):
                    if !errorIs(error, ClosedError.self) {
                        Issue.record("iteration \(i): expected ErrClosed, got \(error)")
                    }
                }
                for (c, p) in fresh {
                    if try c.withUnsafeSocket({ $0.rawValue }) == number { reused += 1 }
                    let got = try await readFull(c, 2)
                    #expect(got == [UInt8(truncatingIfNeeded: i), 0xAB])
                    closeAll(c, p)
                }
                closeAll(xPeer)
            }
            return reused
        }
        // Not asserted (parallel tests take numbers too), but the race is only exercised when numbers are reused.
        print("ABA: \(reused) of \(iterations) iterations reused the closed descriptor's number")
    }

    // MARK: A8 — no descriptor leak on any path, CLOEXEC everywhere

    @Test(arguments: Loopback.available)
    func noLeakOnSuccessfulDialAndAccept(_ lo: Loopback) async throws {
        let tracker = SocketTracker()
        let ln = try tcpListener(lo, config: ListenConfig(control: tracker.control))
        let c = try await withWatchdog { try await Dialer(control: tracker.control).dial(lo.network, ln.addr.description) }
        let s = try await withWatchdog { try await ln.accept() }
        tracker.track(s)
        tracker.track(ln)
        #expect(tracker.count == 4)
        try await roundTrip(c, s)
        try c.close()
        try s.close()
        try ln.close()
        await tracker.expectAllClosed()
    }

    @Test(arguments: Loopback.available)
    func noLeakOnRefusedDial(_ lo: Loopback) async throws {
        let (port, holder) = try refusingPort(lo)
        defer { try? holder.close() }
        let tracker = SocketTracker()
        let error = await caught {
            _ = try await withWatchdog { try await Dialer(control: tracker.control).dial(lo.network, joinHostPort(lo.host, "\(port)")) }
        }
        expectSyscall(error, op: "dial", net: lo.network, source: nil, addr: TCPAddr(ip: lo.ip, port: port),
                      syscall: "connect", errno: .connectionRefused)
        #expect(tracker.count == 1)
        await tracker.expectAllClosed()
    }

    @Test func noLeakOnTimedOutAndCancelledDial() async throws {
        let full = try await FullBacklogListener()
        defer { full.close() }
        let tracker = SocketTracker()
        let timedOut = await caught {
            _ = try await withWatchdog {
                try await Dialer(timeout: .milliseconds(100), control: tracker.control).dial("tcp4", full.address)
            }
        }
        expectTimeout(timedOut, op: "dial", net: "tcp4", source: nil, addr: full.tcpAddr)
        let dialer = Dialer(control: tracker.control)
        let task = Task { try await dialer.dial("tcp4", full.address) }
        try await Task.sleep(for: .milliseconds(50))
        task.cancel()
        let cancelled = try await withWatchdog(1, "cancelled dial") { await caught { _ = try await task.value } }
        expectCancellation(cancelled)
        #expect(tracker.count == 2)
        await tracker.expectAllClosed()
    }

    @Test(arguments: Loopback.available)
    func noLeakOnAddressInUse(_ lo: Loopback) async throws {
        let tracker = SocketTracker()
        let first = try tcpListener(lo)
        defer { try? first.close() }
        let error = await caught {
            _ = try ListenConfig(control: tracker.control).listenTCP(network: lo.network, laddr: first.tcpAddr)
        }
        expectSyscall(error, op: "listen", net: lo.network, source: nil, addr: first.tcpAddr,
                      syscall: "bind", errno: .addressInUse)
        #expect(tracker.count == 1)
        await tracker.expectAllClosed()
    }

    /// A control hook that fails after socket() (Go's failed option setup): the dial and the listen fail with
    /// that error and close the socket.
    @Test func noLeakWhenControlHookFails() async throws {
        struct HookError: Error, CustomStringConvertible { var description: String { "hook failed" } }
        let tracker = SocketTracker()
        let failing: @Sendable (String, String, RawConn) throws -> Void = { network, address, raw in
            try tracker.control(network, address, raw)
            throw HookError()
        }
        let ln = try tcpListener()
        defer { try? ln.close() }
        let dialError = await caught { _ = try await Dialer(control: failing).dial("tcp4", ln.addr.description) }
        expectOpError(dialError, op: "dial", net: "tcp4", source: nil, addr: ln.addr,
                      text: "dial tcp4 \(ln.addr): hook failed")
        let listenError = await caught { _ = try await ListenConfig(control: failing).listen("tcp4", "127.0.0.1:0") }
        expectOpError(listenError, op: "listen", net: "tcp4", source: nil, addr: TCPAddr(ip: IP(127, 0, 0, 1), port: 0),
                      text: "listen tcp4 127.0.0.1:0: hook failed")
        #expect(tracker.count == 2)
        await tracker.expectAllClosed()
    }

    /// The poller's own descriptors (epoll, eventfd) are close-on-exec too.
    @Test func pollerDescriptorsAreCloseOnExec() async throws {
        _ = try await tcpPair()  // make sure the loops exist
        for loop in EventLoop.all {
            #expect(isCloseOnExec(loop.epfd), "epoll fd \(loop.epfd)")
        }
        let eventfds = fdSnapshot().filter { $0.value == "anon_inode:[eventfd]" }
        #expect(eventfds.count >= EventLoop.all.count)
        for (fd, _) in eventfds {
            #expect(isCloseOnExec(fd), "eventfd \(fd)")
        }
    }

    // MARK: A9 — closing a listener frees its port at once

    @Test(arguments: Loopback.available)
    func closedListenerPortCanBeReused(_ lo: Loopback) async throws {
        let ln = try tcpListener(lo)
        let address = ln.tcpAddr
        // A connection served and closed by the server first leaves a server-side TIME_WAIT on the port.
        let c = try await withWatchdog { try await dialTCP(lo.network, raddr: address) }
        let s = try await withWatchdog { try await ln.acceptTCP() }
        try s.close()
        _ = await caught { _ = try await withWatchdog { try await readAll(c) } }
        try c.close()
        // An accept in flight while the listener closes.
        let acceptor = Task { await caught { _ = try await ln.accept() } }
        try await Task.sleep(for: .milliseconds(1))
        try ln.close()
        let second = try ListenConfig().listenTCP(network: lo.network, laddr: address)
        #expect(second.tcpAddr == address)
        try second.close()
        let error = try await withWatchdog { await acceptor.value }
        #expect(error.map { errorIs($0, ClosedError.self) } == true)
    }

    // MARK: A10 — dropping conns without close

    @Test func droppedConnsCloseTheirDescriptors() async throws {
        let count = Scale.count(200, tsan: 50, stress: 10_000)
        let ln = try tcpListener()
        defer { try? ln.close() }
        let tracker = SocketTracker()
        try await withWatchdog(Scale.seconds(30), "dial and drop") {
            for _ in 0..<count {
                let c = try await Dialer(control: tracker.control).dial("tcp4", ln.addr.description)
                let s = try await ln.accept()
                tracker.track(s)
                _ = (c, s)  // dropped here, never closed
            }
        }
        #expect(tracker.count == 2 * count)
        await tracker.expectAllClosed()
    }
}

/// A port on `lo` that refuses connections: bound by a socket of ours that never listens, so no other test can
/// take it meanwhile (a port merely freed may be picked by a parallel test's listener). Close `holder` afterwards.
func refusingPort(_ lo: Loopback) throws -> (port: Int, holder: Socket) {
    let holder = try Socket(lo == .v4 ? .inet : .inet6, .stream)
    do {
        try holder.bind(loopback(lo == .v4 ? .inet : .inet6, port: 0))
        return (Int(try holder.localAddress.port ?? 0), holder)
    } catch {
        try? holder.close()
        throw error
    }
}

/// Binds (without listening) `port` on `lo`, so that connections to it are refused; nil if the port is taken.
func refusing(_ lo: Loopback, port: Int) -> Socket? {
    guard let holder = try? Socket(lo == .v4 ? .inet : .inet6, .stream) else { return nil }
    if (try? holder.bind(loopback(lo == .v4 ? .inet : .inet6, port: UInt16(port)))) == nil {
        try? holder.close()
        return nil
    }
    return holder
}

/// A listener with backlog 0 and one unaccepted connection (more probes until a dial times out), so that the
/// kernel drops further SYNs: dials to it hang until their deadline (reliability.md §K).
final class FullBacklogListener: Sendable {
    let listener: TCPListener
    let fillers: Mutex<[any Conn]>

    init() async throws {
        listener = try await ListenConfig(backlog: 0).listen("tcp4", "127.0.0.1:0") as! TCPListener
        fillers = Mutex([])
        for _ in 0..<8 {
            do {
                let c = try await Dialer(timeout: .milliseconds(100)).dial("tcp4", listener.addr.description)
                fillers.withLock { $0.append(c) }
            } catch let e as OpError where e.isTimeout {
                return
            }
        }
        throw WatchdogError(what: "filling the accept queue")
    }

    var address: String { listener.addr.description }
    var tcpAddr: TCPAddr { listener.tcpAddr }

    func close() {
        try? listener.close()
        fillers.withLock { for c in $0 { try? c.close() } }
    }
}
