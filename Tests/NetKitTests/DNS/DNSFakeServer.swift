import Glibc
import Synchronization
import Testing

@testable import NetKit

// A scriptable name server for hostile-answer tests: a NetKit UDP socket and TCP listener on the same
// loopback port, answering each query with whatever the test's script says — forged IDs, wrong questions,
// answers from another port, cut messages, compression loops, silence.

/// A query as the fake server saw it.
struct FakeQuery: Sendable {
    var message: [UInt8]
    var id: UInt16
    var name: String
    var type: DNSType
    /// "udp" or "tcp".
    var transport: String
    /// How many queries the server had received before this one.
    var index: Int
    /// The sender's port (UDP; 0 over TCP).
    var fromPort: Int = 0
}

/// What the fake server does for a query, in order.
enum FakeAction: Sendable {
    /// Sends the bytes as the answer (over TCP with a length prefix of their count).
    case reply([UInt8])
    /// Over TCP: sends this length prefix and then the bytes (to lie about the length).
    case replyWithPrefix(UInt16, [UInt8])
    /// Over UDP: sends the bytes from another socket (another source port).
    case replyFromOtherPort([UInt8])
    /// Waits (bounded by the server's lifetime).
    case sleep(Duration)
}

final class FakeNameServer: Sendable {
    let udp: UDPConn
    let tcp: any Listener
    let port: Int
    private let tasks = Mutex<[Task<Void, Never>]>([])
    private let received = Atomic<Int>(0)
    private let log = Mutex<[FakeQuery]>([])

    /// The queries received so far (those that parsed).
    var queries: [FakeQuery] { log.withLock { $0 } }

    /// "127.0.0.1:port".
    var server: String { "127.0.0.1:\(port)" }
    /// How many queries arrived.
    var queryCount: Int { received.load(ordering: .relaxed) }

    init(_ script: @escaping @Sendable (FakeQuery) -> [FakeAction]) async throws {
        var lastError: (any Error)?
        for _ in 0..<20 {
            let udp = try listenUDP("udp4", laddr: UDPAddr(ip: IP(127, 0, 0, 1), port: 0))
            let port = udp.localUDPAddr.port
            do {
                let tcp = try await listen("tcp4", "127.0.0.1:\(port)")
                self.udp = udp
                self.tcp = tcp
                self.port = port
                start(script)
                return
            } catch {
                lastError = error
                try? udp.close()
            }
        }
        throw lastError ?? DNSMasqError(message: "no port for the fake server")
    }

    private func start(_ script: @escaping @Sendable (FakeQuery) -> [FakeAction]) {
        let udpTask = Task { [udp, self] in
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                guard let (count, from) = try? await udp.readFromUDP(into: &buffer) else { return }
                let index = self.received.wrappingAdd(1, ordering: .relaxed).oldValue
                guard var query = FakeNameServer.parse(Array(buffer[..<count]), transport: "udp", index: index) else {
                    continue
                }
                query.fromPort = from.port
                self.log.withLock { $0.append(query) }
                for action in script(query) {
                    switch action {
                    case .reply(let bytes), .replyWithPrefix(_, let bytes):
                        _ = try? await udp.writeToUDP(bytes, from)
                    case .replyFromOtherPort(let bytes):
                        if let other = try? listenUDP("udp4", laddr: UDPAddr(ip: IP(127, 0, 0, 1), port: 0)) {
                            _ = try? await other.writeToUDP(bytes, from)
                            try? other.close()
                        }
                    case .sleep(let duration):
                        try? await Task.sleep(for: duration)
                    }
                }
            }
        }
        let tcpTask = Task { [tcp, self] in
            while let conn = try? await tcp.accept() {
                let index = self.received.wrappingAdd(1, ordering: .relaxed).oldValue
                Task {
                    defer { try? conn.close() }
                    guard let prefix = try? await readExactly(conn, 2),
                        let message = try? await readExactly(conn, Int(prefix[0]) << 8 | Int(prefix[1])),
                        let query = FakeNameServer.parse(message, transport: "tcp", index: index)
                    else { return }
                    for action in script(query) {
                        switch action {
                        case .reply(let bytes), .replyFromOtherPort(let bytes):
                            try? await conn.write([UInt8(bytes.count >> 8), UInt8(bytes.count & 0xFF)] + bytes)
                        case .replyWithPrefix(let length, let bytes):
                            try? await conn.write([UInt8(length >> 8), UInt8(length & 0xFF)] + bytes)
                        case .sleep(let duration):
                            try? await Task.sleep(for: duration)
                        }
                    }
                }
            }
        }
        tasks.withLock { $0 = [udpTask, tcpTask] }
    }

    /// Closes both sockets and stops answering.
    func stop() {
        try? udp.close()
        try? tcp.close()
        tasks.withLock { tasks in tasks.forEach { $0.cancel() } }
    }

    static func parse(_ message: [UInt8], transport: String, index: Int) -> FakeQuery? {
        guard var parser = try? DNSParser(message), let question = try? parser.question(),
            let name = try? parser.name(at: question.nameOffset)
        else { return nil }
        return FakeQuery(
            message: message, id: parser.header.id, name: name, type: question.type, transport: transport,
            index: index)
    }
}

/// Reads exactly `count` bytes (throws at end of stream).
func readExactly(_ conn: any Conn, _ count: Int) async throws -> [UInt8] {
    try await Resolver.readExactly(conn, count: count)
}

/// An answer to `query`: its ID and question unless overridden, the records `records` writes.
func fakeAnswer(
    _ query: FakeQuery, id: UInt16? = nil, name: String? = nil, type: DNSType? = nil, rcode: DNSRCode = .success,
    truncated: Bool = false, response: Bool = true, authoritative: Bool = false, recursionAvailable: Bool = true,
    compress: Bool = true, records: (inout DNSBuilder) throws(DNSMessageError) -> Void = { _ throws(DNSMessageError) in }
) -> [UInt8] {
    var builder = DNSBuilder(
        header: DNSHeader(
            id: id ?? query.id, response: response, authoritative: authoritative, truncated: truncated,
            recursionDesired: true, recursionAvailable: recursionAvailable, rcode: rcode),
        compress: compress)
    do {
        try builder.question(name ?? query.name, type ?? query.type)
        try records(&builder)
        return try builder.finish()
    } catch {
        Issue.record("fake answer: \(error)")
        return []
    }
}

/// A resolver that asks only `server`, once, with a short per-query timeout.
func fakeResolver(
    _ server: FakeNameServer, timeout: Duration = .seconds(2) * timingSlack, attempts: Int = 1, useTCP: Bool = false,
    strictErrors: Bool = false, recorder: DialRecorder? = nil
) -> Resolver {
    Resolver(
        strictErrors: strictErrors, dial: recorder?.hook,
        config: DNSConfig(servers: [server.server], timeout: timeout, attempts: attempts, useTCP: useTCP),
        hostsPath: "")
}
