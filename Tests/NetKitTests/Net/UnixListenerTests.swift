import Glibc
import Testing
@testable import NetKit

/// Names, socket files and listeners: reliability.md G49 (path length), G50 (abstract, autobind),
/// G51 (unlink on close, stale files, regular files); Go's unixsock_test.go TestUnixUnlink,
/// unixsock_linux_test.go TestUnixAutobind*, TestUnixgramLinuxAbstractLongName.
@Suite("Unix listeners and names")
struct UnixListenerTests {
    // MARK: G49 path length

    @Test("a 108-byte path is refused with a clear error, nothing is created")
    func pathTooLong() async throws {
        try await withUnixTempDir { dir in
            let path = dir.file(unixPaddedName("s", count: 108 - dir.path.utf8.count - 1))
            #expect(path.utf8.count == 108)
            let error = await caught { _ = try listenUnix("unix", laddr: UnixAddr(name: path)) }
            let op = try #require(error as? OpError)
            #expect(op.description == "listen unix \(path): address \(path): unix socket path too long (at most 107 bytes)")
            #expect(errorIs(op, AddrError.self))
            #expect(unixFileType(path) == nil)
            // Nothing is ever truncated: no file at the 107-byte prefix either.
            #expect(unixFileType(String(path.utf8.prefix(107))!) == nil)

            let dialError = await caught { _ = try await dial("unix", path) }
            #expect((dialError as? OpError)?.description
                == "dial unix \(path): address \(path): unix socket path too long (at most 107 bytes)")
            let gramError = await caught { _ = try listenUnixgram("unixgram", laddr: UnixAddr(name: path, net: "unixgram")) }
            #expect(errorIs(try #require(gramError), AddrError.self))
        }
    }

    @Test("a 107-byte path works end to end")
    func path107Works() async throws {
        try await withUnixTempDir { dir in
            let path = dir.file(unixPaddedName("s", count: 107 - dir.path.utf8.count - 1))
            #expect(path.utf8.count == 107)
            let ln = try await listen("unix", path)
            defer { try? ln.close() }
            #expect(ln.addr.description == path)
            #expect(unixIsSocketFile(path))
            try await withWatchdog {
                async let server = ln.accept()
                let c = try await dial("unix", path)
                let s = try await server
                try await c.write("ping")
                #expect(try await readFull(s, 4) == Array("ping".utf8))
                #expect(s.localAddr.description == path)
                #expect(c.remoteAddr.description == path)
                try c.close()
                try s.close()
            }
        }
    }

    @Test("abstract names may use all 108 bytes; 109 is too long")
    func abstractLongName() async throws {
        let name = unixPaddedName("@" + uniqueSocketName("long"), count: 108)
        let ln = try listenUnix("unix", laddr: UnixAddr(name: name))
        defer { try? ln.close() }
        #expect(ln.unixAddr.name == name)
        try await withWatchdog {
            async let server = ln.acceptUnix()
            let c = try await dialUnix("unix", raddr: UnixAddr(name: name))
            let s = try await server
            #expect(c.remoteUnixAddr.name == name)
            try c.close()
            try s.close()
        }
        // Go's TestUnixgramLinuxAbstractLongName: a datagram from an unnamed socket to a 108-byte name.
        let gname = unixPaddedName("@" + uniqueSocketName("glong"), count: 108)
        let pc = try listenUnixgram("unixgram", laddr: UnixAddr(name: gname, net: "unixgram"))
        defer { try? pc.close() }
        let sender = try Socket(.unix, .datagram)
        defer { try? sender.close() }
        _ = try ([1, 2, 3, 4, 5] as [UInt8]).withUnsafeBytes { try sender.send($0, to: try SocketAddress.unix(path: gname)) }
        try await withWatchdog {
            var buffer = [UInt8](repeating: 0, count: 64)
            let (n, from) = try await pc.readFromUnix(into: &buffer)
            #expect(Array(buffer[..<n]) == [1, 2, 3, 4, 5])
            #expect(from == nil)
        }

        let tooLong = unixPaddedName("@" + uniqueSocketName("toolong"), count: 109)
        let error = await caught { _ = try listenUnix("unix", laddr: UnixAddr(name: tooLong)) }
        #expect(errorIs(try #require(error), AddrError.self))
    }

    // MARK: G50 abstract namespace and autobind

    @Test("an abstract name binds without a file, round-trips, and is free again after close")
    func abstractNamespace() async throws {
        let name = "@" + uniqueSocketName("abs")
        let ln = try await listen("unix", name)
        #expect(ln.addr.description == name)
        #expect(ln.addr.network == "unix")
        #expect(unixFileType(name) == nil)
        try await withWatchdog {
            async let server = ln.accept()
            let c = try await dial("unix", name)
            let s = try await server
            #expect(c.remoteAddr.description == name)
            #expect(s.localAddr.description == name)
            try await s.write("abstract")
            #expect(try await readFull(c, 8) == Array("abstract".utf8))
            try c.close()
            try s.close()
        }
        try ln.close()
        // Nothing left behind: the name can be bound again at once.
        let again = try listenUnix("unix", laddr: UnixAddr(name: name))
        try again.close()
    }

    @Test("an empty name autobinds an abstract address that can be dialed (stream)")
    func autobindStream() async throws {
        let ln = try listenUnix("unix", laddr: UnixAddr(name: ""))
        defer { try? ln.close() }
        let auto = ln.unixAddr
        #expect(auto.name.hasPrefix("@"))
        #expect(auto.name.utf8.count > 1)
        try await withWatchdog {
            async let server = ln.acceptUnix()
            let c = try await dialUnix("unix", raddr: auto)
            let s = try await server
            #expect(c.remoteUnixAddr == auto)
            try await c.write("auto")
            #expect(try await readFull(s, 4) == Array("auto".utf8))
            try c.close()
            try s.close()
        }
    }

    @Test("Go's TestUnixgramAutobind: dial the autobound datagram address")
    func autobindDatagram() async throws {
        let c1 = try listenUnixgram("unixgram", laddr: UnixAddr(name: "", net: "unixgram"))
        defer { try? c1.close() }
        let auto = c1.localUnixAddr
        #expect(auto.name.hasPrefix("@") && auto.name.utf8.count > 1)
        #expect(auto.net == "unixgram")
        let c2 = try await dialUnix("unixgram", raddr: auto)
        defer { try? c2.close() }
        #expect(c2.remoteUnixAddr == auto)
        try await withWatchdog {
            try await c2.write("dgram")
            var buffer = [UInt8](repeating: 0, count: 16)
            let (n, _) = try await c1.readFromUnix(into: &buffer)
            #expect(Array(buffer[..<n]) == Array("dgram".utf8))
        }
    }

    @Test("Go's TestUnixAutobindClose")
    func autobindClose() throws {
        let ln = try listenUnix("unix", laddr: UnixAddr(name: ""))
        try ln.close()
    }

    // MARK: G51 unlink on close, stale files, regular files

    @Test("the listener removes its socket file on close, once")
    func unlinkOnClose() async throws {
        try await withUnixTempDir { dir in
            let path = dir.file("s")
            let ln = try await listen("unix", path)
            #expect(unixIsSocketFile(path))
            try ln.close()
            #expect(unixFileType(path) == nil)
            // Go's "SecondClose": a file created at the path afterwards survives a second close.
            try unixWriteRegularFile(path, "hello world")
            #expect(throws: OpError.self) { try ln.close() }
            #expect(unixReadFile(path) == "hello world")
        }
    }

    @Test("setUnlinkOnClose(false) keeps the file; the stale file then makes listen fail with EADDRINUSE")
    func unlinkOnCloseFalseAndStaleFile() async throws {
        try await withUnixTempDir { dir in
            let path = dir.file("stale")
            let ln = try listenUnix("unix", laddr: UnixAddr(name: path))
            #expect(ln.unlinkOnClose)
            ln.setUnlinkOnClose(false)
            #expect(!ln.unlinkOnClose)
            try ln.close()
            #expect(unixIsSocketFile(path))

            let error = await caught { _ = try await listen("unix", path) }
            #expect((error as? OpError)?.description == "listen unix \(path): bind: address already in use")
            #expect(unixErrno(error) == .addressInUse)
            #expect(unixIsSocketFile(path), "a failed listen must not delete the stale file")

            let dialError = await caught { _ = try await dial("unix", path) }
            #expect((dialError as? OpError)?.description == "dial unix \(path): connect: connection refused")
        }
    }

    @Test("unlinkOnClose toggled back to true removes the file")
    func unlinkOnCloseTrue() async throws {
        try await withUnixTempDir { dir in
            let path = dir.file("t")
            let ln = try listenUnix("unix", laddr: UnixAddr(name: path))
            ln.unlinkOnClose = false
            ln.setUnlinkOnClose(true)
            try ln.close()
            #expect(unixFileType(path) == nil)
        }
    }

    @Test("a regular file at the path is never deleted: not by a failed listen, not by close")
    func regularFileNeverDeleted() async throws {
        try await withUnixTempDir { dir in
            let path = dir.file("regular")
            try unixWriteRegularFile(path, "keep me")
            let error = await caught { _ = try listenUnix("unix", laddr: UnixAddr(name: path)) }
            #expect(unixErrno(error) == .addressInUse)
            #expect(unixReadFile(path) == "keep me")

            // The socket file replaced by a regular file while the listener is open: close leaves it.
            let other = dir.file("replaced")
            let ln = try listenUnix("unix", laddr: UnixAddr(name: other))
            unlink(other)
            try unixWriteRegularFile(other, "not a socket")
            try ln.close()
            #expect(unixReadFile(other) == "not a socket")

            // ...and replaced by another socket (another listener's): close leaves that one too.
            let third = dir.file("third")
            let first = try listenUnix("unix", laddr: UnixAddr(name: third))
            unlink(third)
            let second = try listenUnix("unix", laddr: UnixAddr(name: third))
            try first.close()
            #expect(unixIsSocketFile(third), "closing the first listener removed the second one's socket")
            try second.close()
            #expect(unixFileType(third) == nil)
        }
    }

    @Test("a listener dropped without close removes its file")
    func droppedListenerRemovesFile() async throws {
        try await withUnixTempDir { dir in
            let path = dir.file("dropped")
            func make() throws {
                let ln = try listenUnix("unix", laddr: UnixAddr(name: path))
                #expect(unixIsSocketFile(path))
                _ = ln.addr
            }
            try make()
            #expect(unixFileType(path) == nil)
        }
    }

    @Test("abstract listeners touch no file; unixgram sockets keep theirs (as in Go)")
    func noUnlinkForAbstractAndUnixgram() async throws {
        try await withUnixTempDir { dir in
            let abstract = "@" + uniqueSocketName("nofile")
            let ln = try listenUnix("unix", laddr: UnixAddr(name: abstract))
            try ln.close()
            #expect(unixFileType(abstract) == nil)

            let path = dir.file("gram")
            let pc = try await listenPacket("unixgram", path)
            #expect(unixIsSocketFile(path))
            try pc.close()
            #expect(unixIsSocketFile(path))
        }
    }

    // MARK: errors

    @Test("dial errors read as in Go")
    func dialErrors() async throws {
        try await withUnixTempDir { dir in
            let path = dir.file("missing")
            let error = await caught { _ = try await dial("unix", path) }
            #expect((error as? OpError)?.description == "dial unix \(path): connect: no such file or directory")
            #expect(unixErrno(error) == .noSuchFileOrDirectory)

            // A failed dial from a bound address leaves no socket file behind.
            let local = dir.file("local")
            let bound = await caught { _ = try await dialUnix("unix", laddr: UnixAddr(name: local), raddr: UnixAddr(name: path)) }
            #expect((bound as? OpError)?.description == "dial unix \(local)->\(path): connect: no such file or directory")
            #expect(unixFileType(local) == nil)

            let missing = await caught { _ = try await dialUnix("unix", raddr: nil) }
            #expect((missing as? OpError)?.description == "dial unix: missing address")
            let unknown = await caught { _ = try await dialUnix("unixfoo", raddr: UnixAddr(name: path)) }
            #expect((unknown as? OpError)?.description == "dial unixfoo \(path): unknown network unixfoo")
            let listenUnknown = await caught { _ = try listenUnix("unixgram", laddr: UnixAddr(name: path)) }
            #expect((listenUnknown as? OpError)?.description == "listen unixgram \(path): unknown network unixgram")
            let gramUnknown = await caught { _ = try listenUnixgram("unix", laddr: UnixAddr(name: path)) }
            #expect((gramUnknown as? OpError)?.description == "listen unix \(path): unknown network unix")
        }
    }

    @Test("failed listens and dials leak no descriptor", .timeLimit(.minutes(1)))
    func failedListensDoNotLeak() async throws {
        try await withUnixTempDir { dir in
            let path = dir.file("busy")
            let ln = try listenUnix("unix", laddr: UnixAddr(name: path))
            defer { try? ln.close() }
            let rounds = 300
            let before = openDescriptorCount()
            let tooLong = dir.file(unixPaddedName("s", count: 108 - dir.path.utf8.count - 1))
            for _ in 0..<rounds {
                #expect(throws: OpError.self) { _ = try listenUnix("unix", laddr: UnixAddr(name: path)) }
                #expect(throws: OpError.self) { _ = try listenUnix("unix", laddr: UnixAddr(name: tooLong)) }
                _ = await caught { _ = try await dial("unix", dir.file("nothing")) }
            }
            // Tests run in parallel, so allow noise, but not one descriptor per round.
            #expect(openDescriptorCount() < before + rounds / 2)
        }
    }

    @Test("a closed listener wakes a parked accept and refuses later ones")
    func closeUnblocksAccept() async throws {
        let ln = try listenUnix("unix", laddr: UnixAddr(name: "@" + uniqueSocketName("acc")))
        let acceptor = Task { await caught { _ = try await ln.acceptUnix() } }
        try await Task.sleep(for: .milliseconds(50))
        try ln.close()
        let error = try await withWatchdog { await acceptor.value }
        #expect(unixIsClosed(error))
        #expect((error as? OpError)?.op == "accept")
        #expect(unixIsClosed(await caught { _ = try await ln.accept() }))
        let second = await caught { try ln.close() }
        #expect((second as? OpError)?.description == "close unix \(ln.unixAddr.name): use of closed network connection")
        #expect(unixIsClosed(await caught { try ln.setDeadline(nil) }))
        // The address getter still works after close.
        #expect(ln.addr.network == "unix")
    }

    @Test("accept deadlines: a past one fails at once, a short one fires, a cleared one does not")
    func acceptDeadline() async throws {
        let ln = try listenUnix("unix", laddr: UnixAddr(name: "@" + uniqueSocketName("adl")))
        defer { try? ln.close() }
        try ln.setDeadline(.now - .seconds(5))
        for _ in 0..<2 {
            let start = ContinuousClock.now
            let error = await caught { _ = try await ln.accept() }
            #expect(unixIsTimeout(error))
            #expect((error as? OpError)?.description == "accept unix \(ln.unixAddr.name): i/o timeout")
            #expect(start.duration(to: .now) < upperBound(.milliseconds(125)))
        }
        try ln.setDeadline(.now + .milliseconds(20))
        let error = try await withWatchdog { await caught { _ = try await ln.accept() } }
        #expect(unixIsTimeout(error))

        // A past deadline, then cleared: accept blocks until a client comes.
        try ln.setDeadline(.now - .seconds(1))
        try ln.setDeadline(nil)
        let acceptor = Task { try await ln.acceptUnix() }
        try await Task.sleep(for: .milliseconds(50))
        let c = try await dialUnix("unix", raddr: ln.unixAddr)
        let s = try await withWatchdog { try await acceptor.value }
        try c.close()
        try s.close()
    }

    @Test("Listener iteration ends when the listener closes")
    func listenerSequence() async throws {
        let ln = try listenUnix("unix", laddr: UnixAddr(name: "@" + uniqueSocketName("seq")))
        let server = Task { () -> Int in
            var count = 0
            for try await conn in ln {
                count += 1
                try? conn.close()
            }
            return count
        }
        for _ in 0..<3 {
            let c = try await dialUnix("unix", raddr: ln.unixAddr)
            try c.close()
        }
        try await Task.sleep(for: .milliseconds(50))
        try ln.close()
        let count = try await withWatchdog { try await server.value }
        #expect(count == 3)
    }
}
