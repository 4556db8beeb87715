import Glibc
import Testing
@testable import NetKit

// Multicast listeners on the loopback interface only. Linux lets a socket join a group on `lo` and, with
// IP_MULTICAST_IF = lo on the sender, delivers IPv4 group traffic over loopback; IPv6 group traffic has no route
// on `lo` (ENETUNREACH), so for IPv6 only the join itself is tested.

@Suite("UDP multicast")
struct UDPMulticastTests {
    static let group4 = IP(224, 0, 0, 251)

    /// A sender bound to 127.0.0.1 whose multicast goes out on `lo`.
    func loopbackSender() throws -> UDPConn {
        let sender = try UDPLoopback.lo4.listen()
        try sender.withUnsafeSocket { s in
            var request = ip_mreqn()
            request.imr_ifindex = Int32(if_nametoindex("lo"))
            try s.setOption(level: Int32(IPPROTO_IP), name: IP_MULTICAST_IF, value: request, as: ip_mreqn.self)
        }
        return sender
    }

    /// Joins `group4` on `lo`, or cancels the test if this kernel refuses.
    func join(port: Int, interface: String = "lo") throws -> UDPConn {
        do {
            return try listenMulticastUDP("udp4", interface: interface, group: UDPAddr(ip: Self.group4, port: port))
        } catch let error as OpError where errorIs(error, Errno.self) {
            try Test.cancel("the kernel refuses IPv4 multicast on lo: \(error)")
        }
    }

    @Test("joins 224.0.0.251 on lo and receives the group's datagrams; listeners share the port")
    func ipv4GroupOnLoopback() async throws {
        let first = try join(port: 0)
        defer { try? first.close() }
        let port = first.localUDPAddr.port
        #expect(first.localUDPAddr.ip == .ipv4Unspecified)          // bound to the wildcard, as Go does
        #expect(try first.withUnsafeSocket { try $0.reuseAddress })
        let loop = try first.withUnsafeSocket { try $0.getOption(level: Int32(IPPROTO_IP), name: IP_MULTICAST_LOOP) }
        #expect(loop == 0)
        let second = try join(port: port, interface: String(if_nametoindex("lo")))
        defer { try? second.close() }

        let sender = try loopbackSender()
        defer { try? sender.close() }
        try await sender.writeToUDP(Array("to the group".utf8), UDPAddr(ip: Self.group4, port: port))
        for listener in [first, second] {
            let (bytes, from) = try await udpReceive(listener, seconds: 5)
            #expect(bytes == Array("to the group".utf8))
            #expect(from == sender.localUDPAddr)
        }
    }

    @Test("the interface-index form joins too")
    func interfaceIndexForm() async throws {
        let conn: UDPConn
        do {
            conn = try listenMulticastUDP(
                "udp", interfaceIndex: Int(if_nametoindex("lo")), group: UDPAddr(ip: Self.group4, port: 0))
        } catch let error as OpError where errorIs(error, Errno.self) {
            try Test.cancel("the kernel refuses IPv4 multicast on lo: \(error)")
        }
        defer { try? conn.close() }
        #expect(conn.netFD.family == .inet)
        let sender = try loopbackSender()
        defer { try? sender.close() }
        try await sender.writeToUDP(Array("idx".utf8), UDPAddr(ip: Self.group4, port: conn.localUDPAddr.port))
        #expect(try await udpReceive(conn).bytes == Array("idx".utf8))
    }

    @Test("joins ff02::fb on lo (IPv6 group traffic cannot be routed on lo, so only the join is checked)")
    func ipv6GroupJoin() async throws {
        if !ipv6LoopbackAvailable { try Test.cancel("IPv6 unavailable") }
        let conn: UDPConn
        do {
            conn = try listenMulticastUDP("udp6", interface: "lo", group: UDPAddr(ip: IP("ff02::fb")!, port: 0))
        } catch let error as OpError where errorIs(error, Errno.self) {
            try Test.cancel("the kernel refuses IPv6 multicast on lo: \(error)")
        }
        defer { try? conn.close() }
        #expect(conn.localUDPAddr.ip == .ipv6Unspecified)
        let (loop, interface) = try conn.withUnsafeSocket { s in
            (try s.getOption(level: Int32(IPPROTO_IPV6), name: IPV6_MULTICAST_LOOP),
             try s.getOption(level: Int32(IPPROTO_IPV6), name: IPV6_MULTICAST_IF))
        }
        #expect(loop == 0)
        #expect(interface == Int32(if_nametoindex("lo")))
    }

    @Test("argument errors use Go's texts and leave nothing open")
    func argumentErrors() async throws {
        let group = UDPAddr(ip: Self.group4, port: 5353)
        await udpExpectOpError("listen udp4: missing address") {
            _ = try listenMulticastUDP("udp4", interface: "lo", group: nil)
        }
        await udpExpectOpError("listen udp4 :5353: missing address") {
            _ = try listenMulticastUDP("udp4", interface: "lo", group: UDPAddr(port: 5353))
        }
        await udpExpectOpError("listen tcp 224.0.0.251:5353: unknown network tcp") {
            _ = try listenMulticastUDP("tcp", group: group)
        }
        await udpExpectOpError("listen udp4 224.0.0.251:5353: address nosuch0: no such network interface") {
            _ = try listenMulticastUDP("udp4", interface: "nosuch0", group: group)
        }
        await udpExpectOpError("listen udp4 224.0.0.251:5353: address 999999: no such network interface") {
            _ = try listenMulticastUDP("udp4", interfaceIndex: 999_999, group: group)
        }
        await udpExpectOpError("listen udp4 224.0.0.251:5353: address -1: invalid network interface index") {
            _ = try listenMulticastUDP("udp4", interfaceIndex: -1, group: group)
        }
        // Joining a unicast address fails in the kernel; the socket is closed again.
        let recorder = UDPIdentityRecorder()
        let config = ListenConfig(control: { _, _, raw in try recorder.record(raw) })
        let e = await udpExpectOpError("listen udp4 127.0.0.1:0: setsockopt: invalid argument") {
            _ = try listenMulticast("udp4", interfaceIndex: if_nametoindex("lo"), group: UDPAddr(ip: udpLo4, port: 0),
                                    config: config)
        }
        #expect(e.map { errorIs($0, Errno.self) { $0 == .invalidArgument } } == true)
        #expect(recorder.recorded.count == 1)
        for _ in 0..<200 where !udpStillOpen(recorder.recorded).isEmpty {
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(udpStillOpen(recorder.recorded).isEmpty)
    }
}
