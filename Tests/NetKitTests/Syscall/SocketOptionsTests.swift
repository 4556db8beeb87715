import Glibc
import Testing
@testable import NetKit

@Suite("Socket options")
struct SocketOptionsTests {
    @Test func booleanOptionsRoundTrip() throws {
        try expectNoLeaks { ledger in
            let tcp = ledger.track(try Socket(.inet, .stream))
            let udp = ledger.track(try Socket(.inet, .datagram))
            defer { closeAll(tcp, udp) }
            let options: [(String, (Bool) throws(Errno) -> Void, () throws(Errno) -> Bool)] = [
                ("SO_REUSEADDR", tcp.setReuseAddress, { () throws(Errno) in try tcp.reuseAddress }),
                ("SO_REUSEPORT", tcp.setReusePort, { () throws(Errno) in try tcp.reusePort }),
                ("SO_KEEPALIVE", tcp.setKeepAlive, { () throws(Errno) in try tcp.keepAlive }),
                ("TCP_NODELAY", tcp.setNoDelay, { () throws(Errno) in try tcp.noDelay }),
                ("SO_BROADCAST", udp.setBroadcast, { () throws(Errno) in try udp.broadcast }),
            ]
            for (name, set, get) in options {
                #expect(try get() == false, "\(name) is off by default")
                try set(true)
                #expect(try get() == true, "\(name) after set(true)")
                try set(false)
                #expect(try get() == false, "\(name) after set(false)")
            }
        }
    }

    @Test func keepAliveTimingRoundTrip() throws {
        try expectNoLeaks { ledger in
            let tcp = ledger.track(try Socket(.inet, .stream, .tcp))
            defer { closeAll(tcp) }
            try tcp.setKeepAliveIdle(30)
            try tcp.setKeepAliveInterval(5)
            try tcp.setKeepAliveCount(4)
            #expect(try tcp.keepAliveIdle == 30)
            #expect(try tcp.keepAliveInterval == 5)
            #expect(try tcp.keepAliveCount == 4)
            #expect(throws: Errno.invalidArgument) { try tcp.setKeepAliveIdle(0) }
        }
    }

    @Test func lingerRoundTrip() throws {
        try expectNoLeaks { ledger in
            let tcp = ledger.track(try Socket(.inet, .stream))
            defer { closeAll(tcp) }
            #expect(try tcp.linger == nil)
            try tcp.setLinger(7)
            #expect(try tcp.linger == 7)
            try tcp.setLinger(0)
            #expect(try tcp.linger == 0)
            try tcp.setLinger(nil)
            #expect(try tcp.linger == nil)
        }
    }

    @Test("buffer sizes read back doubled: Linux adds room for its bookkeeping")
    func bufferSizes() throws {
        try expectNoLeaks { ledger in
            let tcp = ledger.track(try Socket(.inet, .stream))
            defer { closeAll(tcp) }
            // 32 KiB is under the default net.core.rmem_max/wmem_max (208 KiB), so it is not capped.
            try tcp.setReceiveBufferSize(32_768)
            #expect(try tcp.receiveBufferSize == 2 * 32_768)
            try tcp.setSendBufferSize(32_768)
            #expect(try tcp.sendBufferSize == 2 * 32_768)
        }
    }

    /// Whether `value` is `wanted` rounded up to the kernel's clock tick (it stores the
    /// timeouts in jiffies: 1–10 ms).
    func isTick(_ value: Duration?, roundingUp wanted: Duration) -> Bool {
        guard let value else { return false }
        return value >= wanted && value <= wanted + .milliseconds(10)
    }

    @Test("timeouts round-trip, rounded up to the kernel's tick")
    func timeoutsRoundTrip() throws {
        try expectNoLeaks { ledger in
            let tcp = ledger.track(try Socket(.inet, .stream))
            defer { closeAll(tcp) }
            #expect(try tcp.receiveTimeout == nil)
            #expect(try tcp.sendTimeout == nil)
            try tcp.setReceiveTimeout(.milliseconds(1_250))
            try tcp.setSendTimeout(.seconds(3))
            #expect(isTick(try tcp.receiveTimeout, roundingUp: .milliseconds(1_250)))
            #expect(isTick(try tcp.sendTimeout, roundingUp: .seconds(3)))
            try tcp.setReceiveTimeout(.nanoseconds(1))      // rounded up (to 1 µs, then a tick), not 0 = forever
            #expect(isTick(try tcp.receiveTimeout, roundingUp: .microseconds(1)))
            try tcp.setReceiveTimeout(nil)
            #expect(try tcp.receiveTimeout == nil)
        }
    }

    @Test(.enabled(if: ipv6LoopbackAvailable)) func ipv6OnlyRoundTrip() throws {
        try expectNoLeaks { ledger in
            let tcp6 = ledger.track(try Socket(.inet6, .stream))
            defer { closeAll(tcp6) }
            try tcp6.setIPv6Only(true)
            #expect(try tcp6.ipv6Only)
            try tcp6.setIPv6Only(false)
            #expect(try !tcp6.ipv6Only)
        }
    }

    @Test func typeAndFamilyReadBack() throws {
        try expectNoLeaks { ledger in
            let tcp = ledger.track(try Socket(.inet, .stream))
            let udp = ledger.track(try Socket(.inet, .datagram))
            let (a, b) = ledger.track(try Socket.pair(.unix, .seqPacket))
            defer { closeAll(tcp, udp, a, b) }
            #expect(try tcp.kind == .stream && tcp.family == .inet)
            #expect(try udp.kind == .datagram && udp.family == .inet)
            #expect(try a.kind == .seqPacket && a.family == .unix)
            #expect(try !tcp.isListening)
        }
    }

    @Test func peerCredentialsOfASocketPair() throws {
        try expectNoLeaks { ledger in
            let (a, b) = ledger.track(try Socket.pair(.unix, .stream))
            defer { closeAll(a, b) }
            let credentials = try a.peerCredentials
            #expect(credentials == Socket.Credentials(processID: getpid(), userID: getuid(), groupID: getgid()))
        }
    }

    @Test func genericOptions() throws {
        try expectNoLeaks { ledger in
            let tcp = ledger.track(try Socket(.inet, .stream))
            defer { closeAll(tcp) }
            try tcp.setOption(level: SOL_SOCKET, name: SO_KEEPALIVE, value: 1)
            #expect(try tcp.getOption(level: SOL_SOCKET, name: SO_KEEPALIVE) == 1)
            #expect(try tcp.keepAlive)
            #expect(throws: Errno.protocolNotAvailable) { try tcp.getOption(level: SOL_SOCKET, name: 9_999) }
            #expect(throws: Errno.badFileDescriptor) { try Socket(rawValue: -1).getOption(level: SOL_SOCKET, name: SO_TYPE) }
        }
    }
}
