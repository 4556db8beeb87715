import Glibc
import Synchronization
import Testing
@testable import NetKit

// UDP data path: datagram boundaries, truncation, empty datagrams, sender addresses, control data, the
// packets sequence and concurrent use (reliability.md F 43–45, D 30, H). Loopback only.

// MARK: - Support (prefixed `udp`/`UDP` to stay clear of other suites' helpers)

/// The loopback a UDP test runs on.
enum UDPLoopback: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case lo4, lo6

    var network: String { self == .lo4 ? "udp4" : "udp6" }
    var ip: IP { self == .lo4 ? IP(127, 0, 0, 1) : .ipv6Loopback }
    var testDescription: String { rawValue }

    /// An unconnected socket on this loopback with a kernel-chosen port; cancels the test if ::1 is missing.
    func listen() throws -> UDPConn {
        if self == .lo6 && !ipv6LoopbackAvailable { try Test.cancel("IPv6 loopback unavailable") }
        return try listenUDP(network, laddr: UDPAddr(ip: ip, port: 0))
    }
}

let udpLo4 = IP(127, 0, 0, 1)

/// Runs `body`, which must throw an `OpError`; checks its text if given and returns it.
@discardableResult
func udpExpectOpError(
    _ text: String? = nil, sourceLocation: SourceLocation = #_sourceLocation, _ body: () async throws -> Void
) async -> OpError? {
    do {
        try await body()
        Issue.record("expected an OpError, nothing was thrown", sourceLocation: sourceLocation)
        return nil
    } catch let error as OpError {
        if let text { #expect(error.description == text, sourceLocation: sourceLocation) }
        return error
    } catch {
        Issue.record("expected an OpError, got \(type(of: error)): \(error)", sourceLocation: sourceLocation)
        return nil
    }
}

/// Receives one datagram (at most `max` bytes) with its sender, under a watchdog.
func udpReceive(_ conn: UDPConn, max: Int = 2048, seconds: Double = 5) async throws -> (bytes: [UInt8], from: UDPAddr) {
    try await withWatchdog(seconds, "readFromUDP") {
        var buffer = [UInt8](repeating: 0, count: max)
        let (n, from) = try await conn.readFromUDP(into: &buffer)
        return (Array(buffer[..<n]), from)
    }
}

/// Runs `body` with a zeroed heap buffer of `count` bytes (the raw-buffer API's async calls cannot borrow an
/// array's storage across a suspension).
func udpWithRawBuffer<R>(_ count: Int, _ body: (UnsafeMutableRawBufferPointer) async throws -> R) async rethrows -> R {
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: count, alignment: 16)
    defer { buffer.deallocate() }
    buffer.initializeMemory(as: UInt8.self, repeating: 0)
    return try await body(buffer)
}

/// Runs `body` with a heap copy of `bytes`.
func udpWithRawBytes<R>(_ bytes: [UInt8], _ body: (UnsafeRawBufferPointer) async throws -> R) async rethrows -> R {
    try await udpWithRawBuffer(bytes.count) { buffer in
        buffer.copyBytes(from: bytes)
        return try await body(UnsafeRawBufferPointer(buffer))
    }
}

/// A value shared between tasks of a test.
final class UDPShared<Value: Sendable>: Sendable {
    private let value: Mutex<Value>
    init(_ value: Value) { self.value = Mutex(value) }
    func withLock<R>(_ body: (inout Value) -> R) -> R { value.withLock { body(&$0) } }
}

extension UDPConn {
    /// The descriptor's number, for leak accounting.
    var udpTestDescriptor: Int32 { netFD.socket.rawValue }
}

// MARK: - Tests

@Suite("UDP conn")
struct UDPConnTests {
    @Test("listenPacket + dial round trip, datagram boundaries kept", arguments: UDPLoopback.allCases)
    func listenPacketDialRoundTrip(_ lo: UDPLoopback) async throws {
        if lo == .lo6 && !ipv6LoopbackAvailable { try Test.cancel("IPv6 loopback unavailable") }
        let host = lo == .lo4 ? "127.0.0.1" : "[::1]"
        let pc = try await listenPacket("udp", host + ":0")
        defer { try? pc.close() }
        let server = try #require(pc as? UDPConn)
        let conn = try await dial("udp", pc.localAddr.description)
        defer { try? conn.close() }
        let client = try #require(conn as? UDPConn)
        #expect(client.remoteAddr.description == pc.localAddr.description)
        #expect(client.localAddr.network == "udp")
        #expect(server.remoteUDPAddr == nil)

        for message in ["one", "two!", "three"] { try await client.write(message) }
        for message in ["one", "two!", "three"] {
            let (bytes, from) = try await udpReceive(server)
            #expect(bytes == Array(message.utf8))
            #expect(from == client.localUDPAddr)
            try await server.writeTo(Array(message.uppercased().utf8), from)
        }
        for message in ["ONE", "TWO!", "THREE"] {
            let got = try await withWatchdog { try await conn.read(maxCount: 64) }
            #expect(got == Array(message.utf8))
        }
    }

    @Test("a datagram longer than the buffer is truncated, reported, and its tail never leaks", arguments: UDPLoopback.allCases)
    func truncation(_ lo: UDPLoopback) async throws {
        let a = try lo.listen()
        let b = try lo.listen()
        defer { try? a.close(); try? b.close() }
        let big = (0..<100).map { UInt8($0) }
        try await a.writeToUDP(big, b.localUDPAddr)
        try await a.writeToUDP([200, 201, 202], b.localUDPAddr)
        try await a.writeToUDP(big, b.localUDPAddr)
        try await withWatchdog {
            var small = [UInt8](repeating: 0, count: 10)
            let m = try await b.readMsgUDP(into: &small)
            #expect(m.count == 10)
            #expect(m.isTruncated)
            #expect(!m.isControlTruncated)
            #expect(m.flags & 0x20 != 0)   // MSG_TRUNC on Linux
            #expect(small == Array(big[..<10]))
            #expect(m.addr == a.localUDPAddr)
            #expect(m.addrPort == a.localUDPAddr.addrPort)

            var next = [UInt8](repeating: 0, count: 64)
            let m2 = try await b.readMsgUDP(into: &next)
            #expect(m2.count == 3 && !m2.isTruncated)
            #expect(Array(next[..<3]) == [200, 201, 202])

            // readFrom truncates silently, as Go's ReadFrom: n = len(buffer), no error.
            var ten = [UInt8](repeating: 0, count: 10)
            let (n, from) = try await b.readFromUDP(into: &ten)
            #expect(n == 10 && ten == Array(big[..<10]) && from == a.localUDPAddr)
        }
    }

    @Test("a connected read truncates too, and readMsgUDP on it reports the peer")
    func connectedTruncation() async throws {
        let server = try UDPLoopback.lo4.listen()
        defer { try? server.close() }
        let client = try dialUDP("udp4", raddr: server.localUDPAddr)
        defer { try? client.close() }
        try await server.writeToUDP([UInt8](repeating: 9, count: 100), client.localUDPAddr)
        try await server.writeToUDP([1, 2], client.localUDPAddr)
        try await withWatchdog {
            let m = try await udpWithRawBuffer(10) { p in try await client.readMsgUDP(into: p) }
            #expect(m.count == 10 && m.isTruncated && m.addr == server.localUDPAddr)
            var rest = [UInt8](repeating: 0, count: 10)
            let n = try await client.read(into: &rest)
            #expect(n == 2 && Array(rest[..<2]) == [1, 2])
        }
    }

    @Test("empty datagrams: write([]) sends one, a read returns 0 (not EOF), an empty buffer consumes one datagram")
    func zeroLength() async throws {
        let a = try UDPLoopback.lo4.listen()
        let b = try UDPLoopback.lo4.listen()
        defer { try? a.close(); try? b.close() }
        try await a.writeToUDP([], b.localUDPAddr)
        let (bytes, from) = try await udpReceive(b)
        #expect(bytes.isEmpty && from == a.localUDPAddr)

        // Zero-length buffer: consumes the next datagram and reports its sender.
        try await a.writeToUDP([1, 2, 3], b.localUDPAddr)
        try await a.writeToUDP([4], b.localUDPAddr)
        try await withWatchdog {
            var empty = [UInt8]()
            let (n, sender) = try await b.readFromUDP(into: &empty)
            #expect(n == 0 && sender == a.localUDPAddr)
            let (n2, _) = try await b.readFromUDPAddrPort(into: UnsafeMutableRawBufferPointer(start: nil, count: 0))
            #expect(n2 == 0)
        }
        // Both datagrams were consumed: a read deadline now fires.
        try b.setReadDeadline(.now + .milliseconds(50))
        let timeout = await udpExpectOpError { _ = try await udpReceive(b) }
        #expect(timeout?.isTimeout == true)

        // Connected: an empty datagram reads as 0, not EOF; an empty buffer returns 0 at once, consuming nothing.
        let c = try dialUDP("udp4", raddr: a.localUDPAddr)
        defer { try? c.close() }
        try await c.write([UInt8]())
        let (empty, _) = try await udpReceive(a)
        #expect(empty.isEmpty)
        try await a.writeToUDP([], c.localUDPAddr)
        try await a.writeToUDP([7], c.localUDPAddr)
        try await withWatchdog {
            var none = [UInt8]()
            let zero = try await c.read(into: &none)           // no syscall, nothing consumed
            var buffer = [UInt8](repeating: 0, count: 8)
            let empty = try await c.read(into: &buffer)        // the empty datagram
            let one = try await c.read(into: &buffer)
            #expect(zero == 0 && empty == 0)
            #expect(one == 1 && buffer[0] == 7)
        }
    }

    @Test("readFrom reports the sender's localAddr", arguments: UDPLoopback.allCases)
    func senderAddress(_ lo: UDPLoopback) async throws {
        let a = try lo.listen()
        let b = try lo.listen()
        defer { try? a.close(); try? b.close() }
        try await a.writeToUDPAddrPort(Array("x".utf8), b.localUDPAddr.addrPort)
        let (n, any) = try await withWatchdog {
            var buffer = [UInt8](repeating: 0, count: 8)
            return try await b.readFrom(into: &buffer)
        }
        #expect(n == 1)
        let from = try #require(any as? UDPAddr)
        #expect(from == a.localUDPAddr)
        #expect(from.description == a.localAddr.description)
        #expect(lo == .lo4 ? from.ip.is4 : (from.ip.is6 && !from.ip.is4In6))

        try await a.writeToUDP(Array("y".utf8), b.localUDPAddr)
        let (_, ap) = try await withWatchdog {
            var buffer = [UInt8](repeating: 0, count: 8)
            return try await b.readFromUDPAddrPort(into: &buffer)
        }
        #expect(ap == a.localUDPAddr.addrPort)
    }

    @Test("a dual-stack [::] socket sees ::ffff:127.0.0.1 and can write back to it")
    func dualStackMappedSender() async throws {
        if !ipv6LoopbackAvailable { try Test.cancel("IPv6 unavailable") }
        let server = try listenUDP("udp")
        defer { try? server.close() }
        #expect(server.localUDPAddr.ip == .ipv6Unspecified)
        #expect(server.localAddr.description == "[::]:\(server.localUDPAddr.port)")
        let sender = try UDPLoopback.lo4.listen()
        defer { try? sender.close() }
        let target = UDPAddr(ip: udpLo4, port: server.localUDPAddr.port)

        try await sender.writeToUDP(Array("ping".utf8), target)
        let (n, mapped) = try await withWatchdog {
            var buffer = [UInt8](repeating: 0, count: 16)
            return try await server.readFromUDPAddrPort(into: &buffer)
        }
        #expect(n == 4)
        #expect(mapped.addr == IP("::ffff:127.0.0.1"))
        #expect(mapped.addr.is4In6)
        #expect(mapped.addr.unmap() == udpLo4)
        #expect(mapped.port == UInt16(sender.localUDPAddr.port))
        // The mapped form goes straight back into writeTo.
        try await server.writeToUDPAddrPort(Array("pong".utf8), mapped)
        let (reply, replyFrom) = try await udpReceive(sender)
        #expect(reply == Array("pong".utf8))
        #expect(replyFrom == target)

        try await sender.writeToUDP(Array("again".utf8), target)
        let (_, udpFrom) = try await udpReceive(server)
        #expect(udpFrom.ip.is4In6)
        #expect(udpFrom.description == sender.localAddr.description)   // printed as a dotted quad, as net.IP does
        #expect(udpFrom.ip.equal(sender.localUDPAddr.ip))
        try await server.writeToUDP(Array("ok".utf8), udpFrom)
        #expect(try await udpReceive(sender).bytes == Array("ok".utf8))
        // An IPv4 UDPAddr is mapped on the way out too.
        try await server.writeTo(Array("v4".utf8), sender.localUDPAddr)
        #expect(try await udpReceive(sender).bytes == Array("v4".utf8))
    }

    @Test("udp4 and udp6 pick their family; udp4 reports IPv4 senders")
    func networkFamilies() async throws {
        let v4 = try listenUDP("udp4")
        defer { try? v4.close() }
        #expect(v4.netFD.family == .inet)
        #expect(v4.localAddr.description == "0.0.0.0:\(v4.localUDPAddr.port)")
        let pc = try await listenPacket("udp4", ":0")
        defer { try? pc.close() }
        #expect((pc as? UDPConn)?.netFD.family == .inet)
        if ipv6LoopbackAvailable {
            let v6 = try listenUDP("udp6")
            defer { try? v6.close() }
            #expect(v6.netFD.family == .inet6)
            #expect(try v6.withUnsafeSocket { try $0.ipv6Only })
            let dual = try listenUDP("udp")
            defer { try? dual.close() }
            #expect(try dual.withUnsafeSocket { try $0.ipv6Only } == false)
        }
    }

    @Test("readMsgUDP delivers control data (IP_PKTINFO); writeMsgUDP sends control data")
    func controlData() async throws {
        let receiver = try UDPLoopback.lo4.listen()
        let sender = try UDPLoopback.lo4.listen()
        defer { try? receiver.close(); try? sender.close() }
        try receiver.withUnsafeSocket { try $0.setOption(level: Int32(IPPROTO_IP), name: IP_PKTINFO, value: 1) }

        // Control data out: IP_PKTINFO choosing 127.0.0.1 as the source (struct in_pktinfo: ifindex, spec_dst, addr).
        var info = [UInt8](repeating: 0, count: 12)
        withUnsafeBytes(of: UInt32(0x7f00_0001).bigEndian) { info.replaceSubrange(4..<8, with: $0) }
        let oobOut = ControlMessage(level: Int32(IPPROTO_IP), type: IP_PKTINFO, data: info).encoded()
        let (n, oobn) = try await sender.writeMsgUDP(Array("hello".utf8), oob: oobOut, addr: receiver.localUDPAddr)
        #expect(n == 5 && oobn == oobOut.count)

        try await withWatchdog {
            var buffer = [UInt8](repeating: 0, count: 64)
            var oob = [UInt8](repeating: 0, count: ControlMessage.space(12) + 16)
            let m = try await receiver.readMsgUDP(into: &buffer, oob: &oob)
            #expect(m.count == 5 && Array(buffer[..<5]) == Array("hello".utf8))
            #expect(m.addr == sender.localUDPAddr)
            #expect(!m.isTruncated && !m.isControlTruncated)
            let messages = try oob.withUnsafeBytes { raw in
                try ControlMessage.parse(UnsafeRawBufferPointer(rebasing: raw[..<m.oobCount]))
            }
            let pktinfo = try #require(messages.first { $0.level == Int32(IPPROTO_IP) && $0.type == IP_PKTINFO })
            #expect(pktinfo.data.count == 12)
            let ifindex = pktinfo.data.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 0, as: Int32.self) }
            let destination = pktinfo.data.withUnsafeBytes {
                UInt32(bigEndian: $0.loadUnaligned(fromByteOffset: 8, as: UInt32.self))
            }
            #expect(ifindex == Int32(if_nametoindex("lo")))
            #expect(destination == 0x7f00_0001)
        }

        // Too small a control buffer: MSG_CTRUNC.
        try await sender.writeToUDP(Array("x".utf8), receiver.localUDPAddr)
        try await withWatchdog {
            var buffer = [UInt8](repeating: 0, count: 8)
            var oob = [UInt8](repeating: 0, count: 4)
            let m = try await receiver.readMsgUDP(into: &buffer, oob: &oob)
            #expect(m.count == 1 && m.isControlTruncated)
        }

        // Connected: writeMsgUDP without an address; readMsgUDPAddrPort on the other side.
        let conn = try dialUDP("udp4", raddr: receiver.localUDPAddr)
        defer { try? conn.close() }
        let sent = try await udpWithRawBytes(Array("abc".utf8)) { p in try await conn.writeMsgUDP(p, addr: nil) }
        #expect(sent.count == 3 && sent.oobCount == 0)
        try await withWatchdog {
            let m = try await udpWithRawBuffer(8) { p in try await receiver.readMsgUDPAddrPort(into: p) }
            #expect(m.count == 3 && m.addrPort == conn.localUDPAddr.addrPort)
        }
    }

    @Test("packets(maxSize:) serves an echo loop for concurrent clients and ends on close")
    func packetsSequence() async throws {
        let server = try UDPLoopback.lo4.listen()
        let serverAddr = server.localUDPAddr
        let loop = Task { () throws -> Int in
            var served = 0
            for try await (bytes, from) in server.packets(maxSize: 64) {
                try await server.writeToUDP(bytes, from)
                served += 1
            }
            return served
        }
        let clients = 4
        let rounds = 25 * ioStressFactor   // NETKIT_STRESS=n runs n times more
        try await withWatchdog(20, "echo clients") {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for c in 0..<clients {
                    group.addTask {
                        let conn = try dialUDP("udp4", raddr: serverAddr)
                        defer { try? conn.close() }
                        var buffer = [UInt8](repeating: 0, count: 64)
                        for r in 0..<rounds {
                            let message = Array("client \(c) round \(r)".utf8)
                            try await conn.write(message)
                            let n = try await conn.read(into: &buffer)
                            #expect(Array(buffer[..<n]) == message)
                        }
                    }
                }
                try await group.waitForAll()
            }
        }
        try server.close()
        let served = try await withWatchdog { try await loop.value }
        #expect(served == clients * rounds)
    }

    @Test("maxSize truncates elements of packets()")
    func packetsTruncate() async throws {
        let server = try UDPLoopback.lo4.listen()
        let client = try UDPLoopback.lo4.listen()
        defer { try? client.close() }
        try await client.writeToUDP([UInt8](repeating: 1, count: 20), server.localUDPAddr)
        try await client.writeToUDP([2], server.localUDPAddr)
        let got = try await withWatchdog { () -> [[UInt8]] in
            var result: [[UInt8]] = []
            var iterator = server.packets(maxSize: 4).makeAsyncIterator()
            while result.count < 2, let (bytes, from) = try await iterator.next() {
                #expect(from == client.localUDPAddr)
                result.append(bytes)
            }
            try server.close()
            #expect(try await iterator.next() == nil)
            return result
        }
        #expect(got == [[1, 1, 1, 1], [2]])
    }

    @Test("many tasks read and write one socket at once; datagrams stay whole")
    func concurrentReadersAndWriters() async throws {
        let receiver = try UDPLoopback.lo4.listen()
        let sender = try UDPLoopback.lo4.listen()
        defer { try? receiver.close(); try? sender.close() }
        try receiver.setReadBuffer(1 << 20)
        let target = receiver.localUDPAddr
        let writers = 4
        let perWriter = 50
        let received = UDPShared<[String]>([])
        try await withWatchdog(20, "concurrent UDP") {
            try await withThrowingTaskGroup(of: Void.self) { group in
                for _ in 0..<4 {
                    group.addTask {
                        var buffer = [UInt8](repeating: 0, count: 64)
                        while true {
                            let n: Int
                            do {
                                (n, _) = try await receiver.readFromUDP(into: &buffer)
                            } catch let error as OpError where error.isClosed {
                                return
                            }
                            let text = String(decoding: buffer[..<n], as: UTF8.self)
                            let done = received.withLock { r in r.append(text); return r.count == writers * perWriter }
                            if done { try? receiver.close() }
                        }
                    }
                }
                for w in 0..<writers {
                    group.addTask {
                        for i in 0..<perWriter {
                            try await sender.writeToUDP(Array("w\(w)-\(i)".utf8), target)
                            if i % 10 == 9 { try await Task.sleep(for: .milliseconds(1)) }
                        }
                    }
                }
                try await group.waitForAll()
            }
        }
        let all = received.withLock { $0 }
        #expect(all.count == writers * perWriter)
        #expect(Set(all).count == writers * perWriter)
        #expect(Set(all) == Set((0..<writers).flatMap { w in (0..<perWriter).map { "w\(w)-\($0)" } }))
    }

    @Test("sockets are non-blocking, close-on-exec, broadcast-enabled; buffer sizes apply")
    func socketDefaults() async throws {
        let conn = try UDPLoopback.lo4.listen()
        defer { try? conn.close() }
        let flags = try conn.withUnsafeSocket { s in
            (try s.isNonBlocking, try s.isCloseOnExec, try s.broadcast, try s.kind)
        }
        #expect(flags.0 && flags.1 && flags.2)
        #expect(flags.3 == .datagram)
        try conn.setReadBuffer(65536)
        try conn.setWriteBuffer(65536)
        let sizes = try conn.withUnsafeSocket { s in (try s.receiveBufferSize, try s.sendBufferSize) }
        #expect(sizes.0 >= 65536 && sizes.1 >= 65536)
        let raw = conn.syscallConn()
        let fd = try raw.control { $0.rawValue }
        #expect(fd == conn.udpTestDescriptor)
        #expect(conn.preferredExecutor != nil)
    }

    @Test("Dialer.dialUDP (AddrPort) binds and connects; the control hook sees udp4")
    func dialerAddrPort() async throws {
        let server = try UDPLoopback.lo4.listen()
        defer { try? server.close() }
        let seen = UDPShared("")
        let dialer = Dialer(control: { network, address, _ in seen.withLock { $0 = network + " " + address } })
        let conn = try dialer.dialUDP("udp", laddr: AddrPort(udpLo4, port: 0), raddr: server.localUDPAddr.addrPort)
        defer { try? conn.close() }
        #expect(seen.withLock { $0 } == "udp4 " + server.localAddr.description)
        #expect(conn.remoteUDPAddr == server.localUDPAddr)
        #expect(conn.localUDPAddr.ip == udpLo4)
        try await conn.write(Array("hi".utf8))
        #expect(try await udpReceive(server).from == conn.localUDPAddr)
    }

    @Test("IPv6 multicast request layout matches struct ipv6_mreq")
    func multicastRequestLayout() {
        #expect(MemoryLayout<IPv6MulticastRequest>.size == MemoryLayout<ipv6_mreq>.size)
    }
}
