import Glibc
import Synchronization
import Testing
@testable import NetKit

/// The number of descriptors registered with NetKit's epoll instances (`tfd:` lines of /proc/self/fdinfo).
func epollRegistrations() -> Int {
    var total = 0
    for loop in EventLoop.all {
        let fd = open("/proc/self/fdinfo/\(loop.epfd)", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { continue }
        var text: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n <= 0 { break }
            text += buffer[..<n]
        }
        Glibc.close(fd)
        total += String(decoding: text, as: UTF8.self).split(separator: "\n").filter { $0.hasPrefix("tfd:") }.count
    }
    return total
}

/// The number of open socket descriptors of this process (other descriptors, such as the timer descriptors the
/// runtime creates lazily, do not count).
func openSocketCount() -> Int {
    fdSnapshot().values.filter { $0.hasPrefix("socket:") }.count
}

/// Waits (bounded) until the process has at most `count` open sockets; returns the last count seen.
func waitForSocketCount(atMost count: Int, within: Duration = .seconds(5)) async -> Int {
    let end = ContinuousClock.now + within
    var now = openSocketCount()
    while now > count && ContinuousClock.now < end {
        try? await Task.sleep(for: .milliseconds(20))
        now = openSocketCount()
    }
    return now
}

/// reliability.md group I (load). Each test runs in a child process, so that descriptor counts, epoll
/// registrations and memory are NetKit's alone (the other suites run in parallel in the test process).
@Suite("TCP load", .serialized, .heavy)
struct TCPLoadTests {
    // MARK: I56 — thousands of concurrent connections with bounded memory

    /// 5,000 echo connections (9,000 under NETKIT_STRESS=1) open at once, a parked reader on every server
    /// side, a ping-pong on each; NetKit's memory per connection stays within budget, and closing them all brings
    /// descriptors and epoll registrations back to where they were.
    @Test func thousandsOfConcurrentConnections() async {
        let r = await #expect(processExitsWith: .success, observing: [\.standardOutputContent]) {
            let n = Scale.count(5000, tsan: 1000, stress: 9000)
            let limit = raiseOpenFileLimit()
            try #require(limit >= 2 * n + 200, "RLIMIT_NOFILE hard limit \(limit) is too low for \(n) connections")
            let ln = try ListenConfig(backlog: 4096).listenTCP(network: "tcp4", laddr: Loopback.v4.any)
            let servers = Mutex<[TCPConn]>([])
            let echoes = Counter()
            // Every accepted conn gets an echo task parked in read.
            let acceptLoop = Task {
                for try await conn in ln {
                    let c = conn as! TCPConn
                    servers.withLock { $0.append(c) }
                    Task {
                        let buf = UnsafeMutableRawBufferPointer.allocate(byteCount: 16, alignment: 1)
                        defer { buf.deallocate() }
                        while true {
                            guard let n = try? await c.read(into: buf) else { break }
                            _ = try? await c.write(UnsafeRawBufferPointer(rebasing: buf[..<n]))
                        }
                        try? c.close()
                        echoes.increment()
                    }
                }
            }
            // Warm up (loops, runtime, allocator), then take the baseline.
            let warm = try await dialTCP("tcp4", raddr: ln.tcpAddr)
            try await warm.write([1])
            _ = try await readFull(warm, 1)
            try warm.close()
            _ = try await withWatchdog { while echoes.value < 1 { try await Task.sleep(for: .milliseconds(5)) } }
            let fds0 = await waitForSocketCount(atMost: openSocketCount())
            let epoll0 = epollRegistrations()
            let rss0 = residentBytes()

            let clients = try await withWatchdog(Scale.seconds(120), "open \(n) conns") { () -> [TCPConn] in
                try await withThrowingTaskGroup(of: [TCPConn].self) { group in
                    let batches = 16
                    for b in 0..<batches {
                        group.addTask {
                            var mine: [TCPConn] = []
                            for _ in stride(from: b, to: n, by: batches) {
                                mine.append(try await dialTCP("tcp4", raddr: ln.tcpAddr))
                            }
                            return mine
                        }
                    }
                    var all: [TCPConn] = []
                    for try await mine in group { all += mine }
                    return all
                }
            }
            try await withWatchdog(Scale.seconds(60), "accept \(n) conns") {
                while servers.withLock({ $0.count }) < n + 1 { try await Task.sleep(for: .milliseconds(10)) }
            }
            #expect(openSocketCount() >= fds0 + 2 * n)
            #expect(epollRegistrations() == epoll0 + 2 * n)
            // A ping-pong on every conn.
            try await withWatchdog(Scale.seconds(120), "ping-pong on \(n) conns") {
                try await withThrowingTaskGroup(of: Void.self) { group in
                    let lanes = 32
                    for lane in 0..<lanes {
                        group.addTask {
                            for i in stride(from: lane, to: n, by: lanes) {
                                let byte = UInt8(truncatingIfNeeded: i)
                                try await clients[i].write([byte])
                                let back = try await readFull(clients[i], 1)
                                if back != [byte] { Issue.record("conn \(i): got \(back)") }
                            }
                        }
                    }
                    try await group.waitForAll()
                }
            }
            let rss1 = residentBytes()
            let perConn = (rss1 - rss0) / n
            print("\(n) conns: \(perConn) bytes of RSS per connection (both ends, echo task included)")
            // Budget: 16 KiB per connection for NetKit's objects on both ends plus the echo task (ThreadSanitizer's
            // shadow memory multiplies that).
            #expect(perConn < (Scale.isTSan ? 64 : 16) * 1024, "\(perConn) bytes per connection")
            // Close all; the echo tasks see EOF and close the server ends.
            for c in clients { try c.close() }
            try await withWatchdog(Scale.seconds(60), "server ends closing") {
                while echoes.value < n + 1 { try await Task.sleep(for: .milliseconds(10)) }
            }
            let fds = await waitForSocketCount(atMost: fds0)
            #expect(fds <= fds0, "sockets: \(fds) open, \(fds0) before")
            #expect(epollRegistrations() == epoll0)
            try ln.close()
            _ = try? await acceptLoop.value
        }
        print(String(decoding: r?.standardOutputContent ?? [], as: UTF8.self))
    }

    // MARK: I57 — accept backlog storm and an insta-close server

    enum ServerKind: String, CaseIterable, Sendable { case slowAcceptor, instaClose }

    /// 2,000 dials at once (200 ms timeout each) against a backlog-128 listener whose acceptor is slow, or one that
    /// closes every accepted conn at once: every dial resolves (conn, refused/reset, or timeout), a conn that is
    /// already dead does not hang its reader, accepted ≥ successful dials, and nothing leaks.
    @Test(arguments: ServerKind.allCases)
    func acceptBacklogStorm(_ kind: ServerKind) async {
        let insta = kind == .instaClose
        let r = await #expect(processExitsWith: .success, observing: [\.standardOutputContent]) { [insta = insta as Bool] in
            let n = Scale.count(2000, tsan: 300, stress: 5000)
            raiseOpenFileLimit()
            // Warm up the runtime's timers and NetKit's loops before the baseline.
            try await Task.sleep(for: .milliseconds(1))
            _ = try await tcpPair()
            let fds0 = await waitForSocketCount(atMost: openSocketCount())
            let ln = try ListenConfig(backlog: 128).listenTCP(network: "tcp4", laddr: Loopback.v4.any)
            let accepted = Counter()
            let acceptor = Task {
                while true {
                    guard let conn = try? await ln.accept() else { return }
                    accepted.increment()
                    try? conn.close()
                    if !insta { try? await Task.sleep(for: .milliseconds(1)) }
                }
            }
            let tracker = SocketTracker()
            let dialer = Dialer(timeout: .milliseconds(200), control: tracker.control)
            let address = ln.addr.description
            enum Outcome: Sendable { case conn, timeout, refusedOrReset, other(String) }
            let outcomes = try await withWatchdog(Scale.seconds(120), "\(n) dials") { () -> [Outcome] in
                await withTaskGroup(of: Outcome.self) { group in
                    for _ in 0..<n {
                        group.addTask {
                            do {
                                let c = try await dialer.dial("tcp4", address)
                                defer { try? c.close() }
                                // The server closes every conn it accepts: the read ends (EOF or reset), never hangs.
                                try c.setReadDeadline(fromNow(.seconds(30)))
                                let end = await caught { _ = try await c.read(maxCount: 1) }
                                if let end, end.isEOF || errorIs(end, Errno.self, where: { $0 == .connectionReset }) {
                                    return .conn
                                }
                                return .other("read after dial: \(String(describing: end))")
                            } catch let e as OpError where e.isTimeout {
                                return .timeout
                            } catch let e where errorIs(e, Errno.self, where: { [.connectionRefused, .connectionReset].contains($0) }) {
                                return .refusedOrReset
                            } catch {
                                return .other("\(error)")
                            }
                        }
                    }
                    var all: [Outcome] = []
                    for await o in group { all.append(o) }
                    return all
                }
            }
            var conns = 0
            var timeouts = 0
            var refused = 0
            for o in outcomes {
                switch o {
                case .conn: conns += 1
                case .timeout: timeouts += 1
                case .refusedOrReset: refused += 1
                case .other(let why): Issue.record("unexpected dial outcome: \(why)")
                }
            }
            print("\(insta ? "insta-close" : "slow acceptor"): \(conns) conns, \(timeouts) timeouts, \(refused) refused/reset")
            #expect(conns + timeouts + refused == n)
            #expect(conns > 0)
            #expect(accepted.value >= conns)
            try ln.close()
            _ = try await withWatchdog { await acceptor.value }
            await tracker.expectAllClosed()
            let fds = await waitForSocketCount(atMost: fds0)
            #expect(fds <= fds0, "sockets: \(fds) open, \(fds0) before")
        }
        print(String(decoding: r?.standardOutputContent ?? [], as: UTF8.self))
    }
}
