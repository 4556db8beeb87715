// The network layer over loopback, client and server in this process: TCP and UDP ping-pong of 64 bytes,
// a TCP write + read that never waits, and the dial/accept/close cycle.
//
// The round-trip benchmarks run 1000 round trips per measured iteration (`scalingFactor: .kilo`), so the
// tables show one round trip; `mallocCountTotal` counts the whole process (client, server and event loops),
// so "Malloc (total)" is the number of allocations per round trip, both ends together. Servers run as
// `Task(executorPreference: conn.preferredExecutor)`, NetKit's fastest way to serve a connection.
import Benchmark
import NetKit

let messageSize = 64
let loopback = IP(127, 0, 0, 1)

/// Echoes every `messageSize`-byte message on `conn` until the peer closes, on the connection's event loop.
func serveEcho(_ conn: any Conn) {
    Task(executorPreference: conn.preferredExecutor) {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: messageSize, alignment: 16)
        defer {
            buffer.deallocate()
            try? conn.close()
        }
        do {
            while true {
                try await readFull(conn, into: buffer)
                _ = try await conn.write(UnsafeRawBufferPointer(buffer))
            }
        } catch {
            // End of stream or closed: the benchmark is over.
        }
    }
}

/// A TCP connection to an echo server in this process.
final class TCPEcho: @unchecked Sendable {
    let listener: TCPListener
    let client: TCPConn
    /// The server's end, once accepted.
    let server: any Conn
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: messageSize, alignment: 16)

    /// Listens on 127.0.0.1:0, dials it, and serves the accepted end with `serveEcho` if `echo`.
    init(echo: Bool) async throws {
        let listener = try listenTCP("tcp4", laddr: TCPAddr(ip: loopback, port: 0))
        async let accepted = listener.accept()
        self.listener = listener
        client = try await dialTCP("tcp4", raddr: listener.tcpAddr)
        server = try await accepted
        if echo { serveEcho(server) }
        buffer.initializeMemory(as: UInt8.self, repeating: 0x5A)
    }

    /// One 64-byte round trip from the client.
    @inline(__always)
    func roundTrip() async throws {
        _ = try await client.write(UnsafeRawBufferPointer(buffer))
        try await readFull(client, into: buffer)
    }

    func close() {
        try? client.close()
        try? listener.close()
    }
}

/// A connected UDP client and an echo server reading with `readFromUDPAddrPort` (no allocation) or with
/// Go's `PacketConn` methods `readFrom`/`writeTo` (`any Addr`).
final class UDPEcho: @unchecked Sendable {
    let server: UDPConn
    let client: UDPConn
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: messageSize, alignment: 16)

    init(packetConnAPI: Bool) throws {
        server = try listenUDP("udp4", laddr: UDPAddr(ip: loopback, port: 0))
        client = try dialUDP("udp4", raddr: server.localUDPAddr)
        buffer.initializeMemory(as: UInt8.self, repeating: 0x5A)
        let server = self.server
        Task(executorPreference: server.preferredExecutor) {
            let packet = UnsafeMutableRawBufferPointer.allocate(byteCount: 1500, alignment: 16)
            defer { packet.deallocate() }
            do {
                while true {
                    if packetConnAPI {
                        let (count, from) = try await server.readFrom(into: packet)
                        _ = try await server.writeTo(UnsafeRawBufferPointer(rebasing: packet[..<count]), from)
                    } else {
                        let (count, from) = try await server.readFromUDPAddrPort(into: packet)
                        _ = try await server.writeToUDPAddrPort(UnsafeRawBufferPointer(rebasing: packet[..<count]), from)
                    }
                }
            } catch {
                // Closed: the benchmark is over.
            }
        }
    }

    /// One 64-byte datagram there and back.
    @inline(__always)
    func roundTrip() async throws {
        _ = try await client.write(UnsafeRawBufferPointer(buffer))
        let count = try await client.read(into: buffer)
        precondition(count == messageSize, "short UDP echo")
    }

    func close() {
        try? client.close()
        try? server.close()
    }
}

/// A listener whose server accepts each connection, writes one byte and closes it.
final class AcceptCloseServer: @unchecked Sendable {
    let listener: TCPListener
    let byte = UnsafeMutableRawBufferPointer.allocate(byteCount: 1, alignment: 1)

    init() throws {
        listener = try listenTCP("tcp4", laddr: TCPAddr(ip: loopback, port: 0))
        byte.storeBytes(of: 1, as: UInt8.self)
        let listener = self.listener
        Task {
            let one = UnsafeMutableRawBufferPointer.allocate(byteCount: 1, alignment: 1)
            one.storeBytes(of: 1, as: UInt8.self)
            defer { one.deallocate() }
            do {
                while true {
                    let conn = try await listener.accept()
                    _ = try? await conn.write(UnsafeRawBufferPointer(one))
                    try? conn.close()
                }
            } catch {
                // Listener closed: the benchmark is over.
            }
        }
    }

    /// Dials, reads the server's byte, and closes: one connection's whole life.
    @inline(__always)
    func cycle() async throws {
        let conn = try await dialTCP("tcp4", raddr: listener.tcpAddr)
        try await readFull(conn, into: byte)
        try conn.close()
    }
}

/// Holds a benchmark's fixture between its setup and teardown hooks.
final class Slot<Fixture>: @unchecked Sendable {
    var fixture: Fixture?
    var value: Fixture { fixture! }
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .mallocCountTotal, .throughput],
        warmupIterations: 2,
        scalingFactor: .kilo,
        maxDuration: .seconds(2),
        maxIterations: 1_000
    )

    let tcp = Slot<TCPEcho>()
    Benchmark("TCP round trip 64 B (client on global executor)") { benchmark in
        let echo = tcp.value
        for _ in benchmark.scaledIterations { try await echo.roundTrip() }
    } setup: {
        tcp.fixture = try await TCPEcho(echo: true)
    } teardown: {
        tcp.fixture?.close()
        tcp.fixture = nil
    }

    let tcpOnLoop = Slot<TCPEcho>()
    Benchmark("TCP round trip 64 B (client on its event loop)") { benchmark in
        let echo = tcpOnLoop.value
        try await withTaskExecutorPreference(echo.client.preferredExecutor) {
            for _ in benchmark.scaledIterations { try await echo.roundTrip() }
        }
    } setup: {
        tcpOnLoop.fixture = try await TCPEcho(echo: true)
    } teardown: {
        tcpOnLoop.fixture?.close()
        tcpOnLoop.fixture = nil
    }

    // Both ends in one task: the write has put the bytes in the peer's queue before the read, so neither call
    // parks. The difference to the round trip is the cost of waiting (parking and resuming tasks).
    let noWait = Slot<TCPEcho>()
    Benchmark("TCP write 64 B + read 64 B, never waiting") { benchmark in
        let pair = noWait.value
        let data = UnsafeRawBufferPointer(pair.buffer)
        for _ in benchmark.scaledIterations {
            _ = try await pair.client.write(data)
            let count = try await pair.server.read(into: pair.buffer)
            precondition(count == messageSize, "short read")
        }
    } setup: {
        noWait.fixture = try await TCPEcho(echo: false)
    } teardown: {
        noWait.fixture?.close()
        try? noWait.fixture?.server.close()
        noWait.fixture = nil
    }

    let udp = Slot<UDPEcho>()
    Benchmark("UDP round trip 64 B (server readFromUDPAddrPort)") { benchmark in
        let echo = udp.value
        for _ in benchmark.scaledIterations { try await echo.roundTrip() }
    } setup: {
        udp.fixture = try UDPEcho(packetConnAPI: false)
    } teardown: {
        udp.fixture?.close()
        udp.fixture = nil
    }

    let udpPacketConn = Slot<UDPEcho>()
    Benchmark("UDP round trip 64 B (server readFrom/writeTo any Addr)") { benchmark in
        let echo = udpPacketConn.value
        for _ in benchmark.scaledIterations { try await echo.roundTrip() }
    } setup: {
        udpPacketConn.fixture = try UDPEcho(packetConnAPI: true)
    } teardown: {
        udpPacketConn.fixture?.close()
        udpPacketConn.fixture = nil
    }

    // Every cycle leaves a connection in TIME_WAIT on the server side, so this one is capped well below the
    // ephemeral port range (28k ports): at most 8 × 1000 connections.
    let acceptClose = Slot<AcceptCloseServer>()
    Benchmark(
        "TCP dial + accept + close cycle",
        configuration: .init(warmupIterations: 1, maxDuration: .seconds(2), maxIterations: 8)
    ) { benchmark in
        let server = acceptClose.value
        for _ in benchmark.scaledIterations { try await server.cycle() }
    } setup: {
        acceptClose.fixture = try AcceptCloseServer()
    } teardown: {
        try? acceptClose.fixture?.listener.close()
        acceptClose.fixture = nil
    }
}
