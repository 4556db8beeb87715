import Glibc
import Testing
@testable import NetKit

/// Unix datagram sockets ("unixgram"): reliability.md F43 (truncation), F44 (zero-length datagrams and
/// buffers), F45 (unnamed sender), F46 (connected vs unconnected), A4 (close unblocks readFrom); Go's
/// unixsock_test.go TestReadUnixgramWithUnnamedSocket, TestUnixgramZeroBytePayload,
/// TestUnixgramZeroByteBuffer, TestUnixgramWrite, TestUnixgramConnLocalAndRemoteNames.
@Suite("Unix datagram sockets")
struct UnixgramTests {
    @Test("an unnamed sender gives no address (Go: nil)")
    func unnamedSender() async throws {
        try await withUnixTempDir { dir in
            let path = dir.file("g")
            let pc = try listenUnixgram("unixgram", laddr: UnixAddr(name: path, net: "unixgram"))
            defer { try? pc.close() }
            let sender = try Socket(.unix, .datagram)
            defer { try? sender.close() }
            _ = try ([1, 2, 3, 4, 5] as [UInt8]).withUnsafeBytes { try sender.send($0, to: try SocketAddress.unix(path: path)) }
            try pc.setReadDeadline(.now + .seconds(5))
            var buffer = [UInt8](repeating: 0, count: 64)
            let (n, from) = try await pc.readFromUnix(into: &buffer)
            #expect(Array(buffer[..<n]) == [1, 2, 3, 4, 5])
            #expect(from == nil)

            // Through the PacketConn protocol the address is the empty one.
            _ = try ([9] as [UInt8]).withUnsafeBytes { try sender.send($0, to: try SocketAddress.unix(path: path)) }
            let packet: any PacketConn = pc
            let raw = UnsafeMutableRawBufferPointer.allocate(byteCount: 8, alignment: 1)
            defer { raw.deallocate() }
            let r = try await packet.readFrom(into: raw)
            #expect(r.count == 1)
            #expect(r.addr.description == "" && r.addr.network == "unixgram")
        }
    }

    @Test("a named sender's address round-trips into writeTo")
    func namedSender() async throws {
        try await withUnixTempDir { dir in
            let a = try listenUnixgram("unixgram", laddr: UnixAddr(name: dir.file("a"), net: "unixgram"))
            let b = try listenUnixgram("unixgram", laddr: UnixAddr(name: dir.file("b"), net: "unixgram"))
            defer { try? a.close(); try? b.close() }
            try await withWatchdog {
                try await a.writeToUnix(Array("ping".utf8), b.localUnixAddr)
                var buffer = [UInt8](repeating: 0, count: 16)
                let (n, from) = try await b.readFromUnix(into: &buffer)
                #expect(Array(buffer[..<n]) == Array("ping".utf8))
                let sender = try #require(from)
                #expect(sender == a.localUnixAddr)
                try await b.writeToUnix(Array("pong".utf8), sender)
                let (m, back) = try await a.readFromUnix(into: &buffer)
                #expect(Array(buffer[..<m]) == Array("pong".utf8))
                #expect(back == b.localUnixAddr)
            }
        }
    }

    @Test("a long datagram is truncated to the buffer; the rest never leaks into the next read (F43)")
    func truncation() async throws {
        let name = "@" + uniqueSocketName("trunc")
        let pc = try listenUnixgram("unixgram", laddr: UnixAddr(name: name, net: "unixgram"))
        defer { try? pc.close() }
        let c = try await dialUnix("unixgram", raddr: pc.localUnixAddr)
        defer { try? c.close() }
        try await withWatchdog {
            try await c.write(Array(repeating: 1, count: 100))
            try await c.write(Array(repeating: 2, count: 3))
            var small = [UInt8](repeating: 0, count: 10)
            let (n, _) = try await pc.readFromUnix(into: &small)
            #expect(n == 10 && small == Array(repeating: 1, count: 10))
            var next = [UInt8](repeating: 0, count: 10)
            let (m, _) = try await pc.readFromUnix(into: &next)
            #expect(m == 3 && Array(next[..<3]) == [2, 2, 2])

            // readMsgUnix reports it.
            try await c.write(Array(repeating: 3, count: 50))
            var data = [UInt8](repeating: 0, count: 8)
            var oob: [UInt8] = []
            let message = try await pc.readMsgUnix(into: &data, oob: &oob)
            #expect(message.count == 8)
            #expect(message.isTruncated)
            #expect(!message.isControlTruncated)
        }
    }

    @Test("zero-length datagrams: write([]) sends one, reads return 0 and no EOF (F44)")
    func zeroLengthDatagrams() async throws {
        try await withUnixTempDir { dir in
            let c1 = try await listenPacket("unixgram", dir.file("z1"))
            defer { try? c1.close() }
            let c2 = try #require(try await dial("unixgram", c1.localAddr.description) as? UnixConn)
            defer { try? c2.close() }
            let u1 = try #require(c1 as? UnixConn)
            try await withWatchdog {
                try await c2.write([UInt8]())
                var one = [UInt8](repeating: 0, count: 1)
                let (n, peer) = try await u1.readFromUnix(into: &one)
                #expect(n == 0)
                #expect(peer == nil)   // the dialer is unnamed

                try await c2.write([UInt8]())
                #expect(try await u1.read(into: &one) == 0)   // a datagram read: 0, not EOF
            }
        }
    }

    @Test("an empty buffer consumes one datagram and reports its sender (Go's TestUnixgramZeroByteBuffer)")
    func zeroLengthBuffer() async throws {
        try await withUnixTempDir { dir in
            let a = try listenUnixgram("unixgram", laddr: UnixAddr(name: dir.file("za"), net: "unixgram"))
            let b = try listenUnixgram("unixgram", laddr: UnixAddr(name: dir.file("zb"), net: "unixgram"))
            defer { try? a.close(); try? b.close() }
            try await withWatchdog {
                try await a.writeToUnix(Array("first".utf8), b.localUnixAddr)
                try await a.writeToUnix(Array("second".utf8), b.localUnixAddr)
                var empty: [UInt8] = []
                let (n, from) = try await b.readFromUnix(into: &empty)
                #expect(n == 0)
                #expect(from == a.localUnixAddr)
                #expect(try await b.read(maxCount: 16) == Array("second".utf8))
            }
        }
    }

    @Test("connected sockets refuse writeTo; unconnected ones refuse write (F46, Go's TestUnixgramWrite)")
    func connectedVersusUnconnected() async throws {
        try await withUnixTempDir { dir in
            let path = dir.file("w")
            let raddr = UnixAddr(name: path, net: "unixgram")
            let server = try listenUnixgram("unixgram", laddr: raddr)
            defer { try? server.close() }

            let connected = try await dialUnix("unixgram", raddr: raddr)
            defer { try? connected.close() }
            for attempt in 0..<3 {
                let error = await caught {
                    switch attempt {
                    case 0: try await connected.writeToUnix(Array("x".utf8), raddr)
                    case 1: try await connected.writeTo(UnsafeRawBufferPointer(start: nil, count: 0), raddr)
                    default: try await connected.writeMsgUnix(Array("x".utf8), oob: [], to: raddr)
                    }
                }
                let op = try #require(error as? OpError)
                #expect(op.err is WriteToConnectedError)
                #expect(op.description == "write unixgram \(path): use of WriteTo with pre-connected connection")
            }
            try await connected.write("connected")

            let unconnected = try listenUnixgram("unixgram", laddr: UnixAddr(name: dir.file("u"), net: "unixgram"))
            defer { try? unconnected.close() }
            try await unconnected.writeToUnix(Array("a".utf8), raddr)
            try await unconnected.writeTo(UnsafeRawBufferPointer(start: nil, count: 0), raddr)
            try await unconnected.writeMsgUnix(Array("c".utf8), oob: [], to: raddr)
            let writeError = await caught { try await unconnected.write("no peer") }
            #expect(writeError is OpError)
            #expect(unixErrno(writeError) != nil)

            // The wrong network or address type.
            let wrongNet = await caught { try await unconnected.writeToUnix(Array("x".utf8), UnixAddr(name: path, net: "unix")) }
            #expect(unixErrno(wrongNet) == .addressFamilyNotSupported)
            #expect((wrongNet as? OpError)?.description
                == "write unixgram \(dir.file("u"))->\(path): address family not supported by protocol")
            let wrongType = await caught {
                try await unconnected.writeTo(UnsafeRawBufferPointer(start: nil, count: 0), PipeAddr())
            }
            #expect(unixErrno(wrongType) == .invalidArgument)

            try await withWatchdog {
                var seen: [String] = []
                for _ in 0..<4 {
                    seen.append(String(decoding: try await server.read(maxCount: 32), as: UTF8.self))
                }
                #expect(seen == ["connected", "a", "", "c"])
            }
        }
    }

    @Test("datagram names: Go's TestUnixgramConnLocalAndRemoteNames")
    func connNames() async throws {
        try await withUnixTempDir { dir in
            let server = try listenUnixgram("unixgram", laddr: UnixAddr(name: dir.file("s"), net: "unixgram"))
            defer { try? server.close() }
            let local = UnixAddr(name: dir.file("c"), net: "unixgram")
            let c = try await dialUnix("unixgram", laddr: local, raddr: server.localUnixAddr)
            defer { try? c.close() }
            #expect(c.localUnixAddr == local)
            #expect(c.remoteUnixAddr == server.localUnixAddr)
            #expect(server.remoteUnixAddr == UnixAddr(name: "", net: "unixgram"))
            // dialUnix with only a local address: an unconnected bound socket.
            let bound = try await dialUnix("unixgram", laddr: UnixAddr(name: dir.file("b"), net: "unixgram"), raddr: nil)
            defer { try? bound.close() }
            #expect(bound.localUnixAddr.name == dir.file("b"))
            try await bound.writeToUnix(Array("hi".utf8), server.localUnixAddr)
            try await withWatchdog {
                var buffer = [UInt8](repeating: 0, count: 8)
                let (n, from) = try await server.readFromUnix(into: &buffer)
                #expect(n == 2 && from == bound.localUnixAddr)
            }
        }
    }

    @Test("close unblocks a parked readFrom, with an empty buffer too (A4)", arguments: [0, 64])
    func closeUnblocksReadFrom(size: Int) async throws {
        let pc = try listenUnixgram("unixgram", laddr: UnixAddr(name: "@" + uniqueSocketName("cur"), net: "unixgram"))
        let reader = Task {
            await caught {
                var buffer = [UInt8](repeating: 0, count: size)
                _ = try await pc.readFromUnix(into: &buffer)
            }
        }
        try await Task.sleep(for: .milliseconds(100))
        try pc.close()
        let error = try await withWatchdog(1) { await reader.value }
        #expect(unixIsClosed(error))
        #expect((error as? OpError)?.description == "read unixgram \(pc.localUnixAddr.name): use of closed network connection")
        let again = await caught { try pc.close() }
        #expect(unixIsClosed(again))
        #expect(unixIsClosed(await caught { try await pc.writeToUnix(Array("x".utf8), pc.localUnixAddr) }))
    }

    @Test("readFrom deadlines: past fails at once, future fires on time, no address on timeout")
    func readFromDeadlines() async throws {
        let pc = try listenUnixgram("unixgram", laddr: UnixAddr(name: "@" + uniqueSocketName("rfd"), net: "unixgram"))
        defer { try? pc.close() }
        try pc.setReadDeadline(.now - .seconds(5))
        var buffer = [UInt8](repeating: 0, count: 8)
        let past = await caught { _ = try await pc.readFromUnix(into: &buffer) }
        #expect(unixIsTimeout(past))
        try pc.setReadDeadline(.now + .milliseconds(100))
        let start = ContinuousClock.now
        let future = try await withWatchdog {
            await caught {
                let raw = UnsafeMutableRawBufferPointer.allocate(byteCount: 8, alignment: 1)
                defer { raw.deallocate() }
                _ = try await pc.readFrom(into: raw)
            }
        }
        let elapsed = start.duration(to: .now)
        #expect(unixIsTimeout(future))
        #expect(elapsed >= .milliseconds(50) && elapsed < upperBound(.milliseconds(250)))
    }
}
