import Glibc
import Testing
@testable import NetKit

// UDP failures and Go's exact texts: connected vs unconnected sends (reliability.md F 46), ICMP errors on a
// connected socket (47), oversized datagrams (48), invalid networks and addresses (E 40), address in use (38).

@Suite("UDP errors")
struct UDPErrorTests {
    @Test("connected socket: writeTo fails with ErrWriteToConnected, write works")
    func writeToOnConnected() async throws {
        let server = try UDPLoopback.lo4.listen()
        let other = try UDPLoopback.lo4.listen()
        defer { try? server.close(); try? other.close() }
        let conn = try dialUDP("udp4", raddr: server.localUDPAddr)
        defer { try? conn.close() }
        let local = conn.localAddr.description
        let dest = other.localUDPAddr
        let prefix = "write udp4 \(local)->\(dest): "
        let e1 = await udpExpectOpError(prefix + "use of WriteTo with pre-connected connection") {
            try await conn.writeToUDP(Array("x".utf8), dest)
        }
        #expect(e1.map { errorIs($0, WriteToConnectedError.self) } == true)
        #expect(e1?.isTimeout == false)
        await udpExpectOpError(prefix + "use of WriteTo with pre-connected connection") {
            try await conn.writeTo(Array("x".utf8), dest)
        }
        await udpExpectOpError(prefix + "use of WriteTo with pre-connected connection") {
            try await conn.writeToUDPAddrPort(Array("x".utf8), dest.addrPort)
        }
        await udpExpectOpError(prefix + "use of WriteTo with pre-connected connection") {
            try await conn.writeMsgUDP(Array("x".utf8), addr: dest)
        }
        // Go checks "connected" first, even for a missing address.
        await udpExpectOpError("write udp4 \(local): use of WriteTo with pre-connected connection") {
            try await conn.writeToUDP(Array("x".utf8), nil)
        }
        // The PacketConn protocol path.
        let pc: any PacketConn = conn
        await udpExpectOpError(prefix + "use of WriteTo with pre-connected connection") {
            _ = try await udpWithRawBytes(Array("x".utf8)) { p in try await pc.writeTo(p, dest) }
        }
        try await conn.write("fine")
        #expect(try await udpReceive(server).bytes == Array("fine".utf8))
    }

    @Test("unconnected socket: write fails with EDESTADDRREQ, writeTo(nil) with missing address")
    func writeOnUnconnected() async throws {
        let pc = try UDPLoopback.lo4.listen()
        defer { try? pc.close() }
        let local = pc.localAddr.description
        let e = await udpExpectOpError("write udp4 \(local): write: destination address required") {
            try await pc.write("x")
        }
        #expect(e.map { errorIs($0, Errno.self) { $0 == .destinationAddressRequired } } == true)
        await udpExpectOpError("write udp4 \(local): missing address") {
            try await pc.writeToUDP(Array("x".utf8), nil)
        }
        await udpExpectOpError("write udp4 \(local): missing address") {
            try await pc.writeTo(Array("x".utf8), nil)
        }
        await udpExpectOpError("write udp4 \(local): missing address") {
            try await pc.writeMsgUDP(Array("x".utf8), addr: nil)
        }
        await udpExpectOpError("write udp4 \(local)->invalid AddrPort: missing address") {
            try await pc.writeToUDPAddrPort(Array("x".utf8), AddrPort())
        }
        await udpExpectOpError("write udp4 \(local)->invalid AddrPort: missing address") {
            _ = try await udpWithRawBytes([]) { p in try await pc.writeMsgUDPAddrPort(p, addr: AddrPort()) }
        }
        // Another address type: EINVAL, as Go's type assertion fails.
        await udpExpectOpError("write udp4 \(local)->/tmp/x: invalid argument") {
            try await pc.writeTo(Array("x".utf8), UnixAddr(name: "/tmp/x", net: "unixgram"))
        }
    }

    @Test("destinations of the wrong family are refused with Go's AddrError")
    func wrongFamilyDestination() async throws {
        let v4 = try UDPLoopback.lo4.listen()
        defer { try? v4.close() }
        let local = v4.localAddr.description
        await udpExpectOpError("write udp4 \(local)->[::1]:53: address ::1: non-IPv4 address") {
            try await v4.writeToUDP(Array("x".utf8), UDPAddr(ip: .ipv6Loopback, port: 53))
        }
        await udpExpectOpError("write udp4 \(local)->[::1]:53: address ::1: non-IPv4 address") {
            try await v4.writeToUDPAddrPort(Array("x".utf8), AddrPort(.ipv6Loopback, port: 53))
        }
        // netip semantics: a mapped AddrPort is not IPv4 (Go's addrPortToSockaddrInet4)...
        await udpExpectOpError("write udp4 \(local)->[::ffff:127.0.0.1]:53: address ::ffff:127.0.0.1: non-IPv4 address") {
            try await v4.writeToUDPAddrPort(Array("x".utf8), AddrPort(IP("::ffff:127.0.0.1")!, port: 53))
        }
        // ...while a mapped UDPAddr is (net.IP.To4 semantics).
        let sink = try UDPLoopback.lo4.listen()
        defer { try? sink.close() }
        try await v4.writeToUDP(Array("m".utf8), UDPAddr(ip: IP("::ffff:127.0.0.1")!, port: sink.localUDPAddr.port))
        #expect(try await udpReceive(sink).bytes == Array("m".utf8))
    }

    @Test("ICMP port unreachable: a connected read gets ECONNREFUSED and the socket keeps working")
    func icmpRefusedThenRecovers() async throws {
        let probe = try UDPLoopback.lo4.listen()
        let port = probe.localUDPAddr.port
        try probe.close()
        let conn = try dialUDP("udp4", raddr: UDPAddr(ip: udpLo4, port: port))
        defer { try? conn.close() }
        try await conn.write("anyone?")
        let e = await udpExpectOpError("read udp4 \(conn.localAddr)->127.0.0.1:\(port): read: connection refused") {
            _ = try await withWatchdog { try await conn.read(maxCount: 16) }
        }
        #expect(e.map { errorIs($0, Errno.self) { $0 == .connectionRefused } } == true)
        #expect(e?.isTimeout == false)

        // The socket survives: a server on that port now gets the next datagram, and the reply comes back.
        let server: UDPConn
        do {
            server = try listenUDP("udp4", laddr: UDPAddr(ip: udpLo4, port: port))
        } catch {
            try Test.cancel("port \(port) was taken by someone else meanwhile: \(error)")
        }
        defer { try? server.close() }
        try await conn.write("again")
        let (bytes, from) = try await udpReceive(server)
        #expect(bytes == Array("again".utf8))
        #expect(from == conn.localUDPAddr)
        try await server.writeToUDP(Array("back".utf8), from)
        #expect(try await withWatchdog { try await conn.read(maxCount: 16) } == Array("back".utf8))
    }

    @Test("an unconnected socket reports no ICMP error: the read just times out")
    func icmpIgnoredWhenUnconnected() async throws {
        let probe = try UDPLoopback.lo4.listen()
        let closed = probe.localUDPAddr
        try probe.close()
        let pc = try UDPLoopback.lo4.listen()
        defer { try? pc.close() }
        try await pc.writeToUDP(Array("x".utf8), closed)
        try pc.setReadDeadline(.now + .milliseconds(100))
        let e = await udpExpectOpError("read udp4 \(pc.localAddr): i/o timeout") { _ = try await udpReceive(pc) }
        #expect(e?.isTimeout == true)
    }

    @Test("a 65508-byte IPv4 datagram fails with EMSGSIZE; 65507 bytes and later sends work")
    func oversizedDatagram() async throws {
        let sender = try UDPLoopback.lo4.listen()
        let receiver = try UDPLoopback.lo4.listen()
        defer { try? sender.close(); try? receiver.close() }
        let dest = receiver.localUDPAddr
        let e = await udpExpectOpError("write udp4 \(sender.localAddr)->\(dest): sendto: message too long") {
            try await sender.writeToUDP([UInt8](repeating: 1, count: 65508), dest)
        }
        #expect(e.map { errorIs($0, Errno.self) { $0 == .messageTooLong } } == true)
        #expect(e.flatMap { errorAs($0, SyscallError.self) }?.errno == .messageTooLong)
        await udpExpectOpError("write udp4 \(sender.localAddr)->\(dest): sendmsg: message too long") {
            try await sender.writeMsgUDP([UInt8](repeating: 1, count: 65508), addr: dest)
        }
        let conn = try dialUDP("udp4", raddr: dest)
        defer { try? conn.close() }
        await udpExpectOpError("write udp4 \(conn.localAddr)->\(dest): write: message too long") {
            try await conn.write([UInt8](repeating: 1, count: 65508))
        }

        #expect(try await sender.writeToUDP([UInt8](repeating: 2, count: 65507), dest) == 65507)
        let (big, _) = try await udpReceive(receiver, max: 70000)
        #expect(big.count == 65507 && big.allSatisfy { $0 == 2 })
        try await sender.writeToUDP(Array("small".utf8), dest)
        try await conn.write("small too")
        #expect(try await udpReceive(receiver).bytes == Array("small".utf8))
        #expect(try await udpReceive(receiver).bytes == Array("small too".utf8))
    }

    @Test("listen(\"udp\", …) is refused with Go's text")
    func listenStreamOnUDP() async throws {
        await udpExpectOpError("listen udp 127.0.0.1:0: address 127.0.0.1:0: unexpected address type") {
            _ = try await listen("udp", "127.0.0.1:0")
        }
        await udpExpectOpError("listen udp4 :0: address :0: unexpected address type") {
            _ = try await listen("udp4", ":0")
        }
    }

    @Test("udp4/udp6 filter addresses; unknown networks and missing addresses use Go's texts")
    func networkFiltering() async throws {
        await udpExpectOpError("listen udp6: address 127.0.0.1: no suitable address found") {
            _ = try await listenPacket("udp6", "127.0.0.1:0")
        }
        await udpExpectOpError("listen udp4: address ::1: no suitable address found") {
            _ = try await listenPacket("udp4", "[::1]:0")
        }
        await udpExpectOpError("dial udp4: address ::1: no suitable address found") {
            _ = try await dial("udp4", "[::1]:53")
        }
        await udpExpectOpError("dial udp6: address 127.0.0.1: no suitable address found") {
            _ = try await dial("udp6", "127.0.0.1:53")
        }
        await udpExpectOpError("listen udp5: unknown network udp5") {
            _ = try await listenPacket("udp5", "127.0.0.1:0")
        }
        await udpExpectOpError("dial udp: missing address") {
            _ = try await dial("udp", "")
        }
        await udpExpectOpError("dial tcp 127.0.0.1:1: unknown network tcp") {
            _ = try dialUDP("tcp", raddr: UDPAddr(ip: udpLo4, port: 1))
        }
        await udpExpectOpError("dial udp: missing address") {
            _ = try dialUDP("udp", raddr: nil)
        }
        await udpExpectOpError("listen tcp: unknown network tcp") {
            _ = try listenUDP("tcp")
        }
        await udpExpectOpError("listen udp4 127.0.0.1:70000: address 127.0.0.1:70000: invalid port") {
            _ = try listenUDP("udp4", laddr: UDPAddr(ip: udpLo4, port: 70000))
        }
        await udpExpectOpError("dial udp4 [::1]:53: address ::1: non-IPv4 address") {
            _ = try dialUDP("udp4", raddr: UDPAddr(ip: .ipv6Loopback, port: 53))
        }
        // A dial with a local address of another type.
        await udpExpectOpError("dial udp: address /tmp/x: mismatched local address type") {
            _ = try await Dialer(localAddr: UnixAddr(name: "/tmp/x")).dial("udp", "127.0.0.1:53")
        }
    }

    @Test("a past dialer deadline fails the dial at once")
    func dialPastDeadline() async throws {
        let server = try UDPLoopback.lo4.listen()
        defer { try? server.close() }
        let start = ContinuousClock.now
        let e = await udpExpectOpError {
            _ = try await Dialer(deadline: .now - .seconds(5)).dial("udp", server.localAddr.description)
        }
        #expect(e?.isTimeout == true)
        #expect(ContinuousClock.now - start < upperBound(.milliseconds(500)))
    }

    @Test("binding a UDP port twice fails with EADDRINUSE", arguments: UDPLoopback.allCases)
    func addressInUse(_ lo: UDPLoopback) async throws {
        let first = try lo.listen()
        defer { try? first.close() }
        let addr = first.localUDPAddr
        let e = await udpExpectOpError("listen \(lo.network) \(addr): bind: address already in use") {
            _ = try listenUDP(lo.network, laddr: addr)
        }
        #expect(e.map { errorIs($0, Errno.self) { $0 == .addressInUse } } == true)
        await udpExpectOpError("dial \(lo.network) \(addr)->\(addr): bind: address already in use") {
            _ = try dialUDP(lo.network, laddr: addr, raddr: addr)
        }
    }
}
