import Glibc
import NetKit
import Synchronization

/// A server that answers every client with one message, on TCP and UDP at the same address: the shape of the
/// RFC 867 daytime and RFC 868 time services.
///
/// - TCP: each connection gets its own task (on the connection's event loop), which sends the answer and closes;
///   what the client sends is read and thrown away. A write deadline bounds every connection, so a client that
///   never reads cannot hold a task.
/// - UDP: each datagram is answered with one datagram holding the answer.
public final class AnswerServer: Sendable {
    /// How long a client may take to accept the answer.
    static let writeTimeout = Duration.seconds(5)
    /// How long the server keeps reading (and discarding) after the answer, waiting for the client to close.
    static let lingerTimeout = Duration.seconds(1)

    /// The program's name, for its messages on standard error.
    public let name: String
    /// Makes the answer for one client (called once per connection or datagram).
    private let answer: @Sendable () -> [UInt8]

    /// A server named `name` (for its log lines) that sends `answer()` to each client.
    public init(name: String, answer: @escaping @Sendable () -> [UInt8]) {
        self.name = name
        self.answer = answer
    }

    private struct State {
        var tcp: (any Listener)?
        var udp: (any PacketConn)?
        var stopping = false
    }

    private let state = Mutex(State())
    private let connections = Connections()

    /// Listens on `address` ("host:port"; port 0 picks one) and serves until `stop()`.
    public func run(address: String) async throws {
        let (tcp, udp) = try await open(address: address)
        let stoppedEarly = state.withLock { s in
            s.tcp = tcp
            s.udp = udp
            return s.stopping
        }
        if stoppedEarly {
            try? tcp.close()
            try? udp.close()
            return
        }
        log(name, "listening on tcp \(tcp.addr), udp \(udp.localAddr)")

        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await self.serveTCP(tcp) }
            group.addTask { try await self.serveUDP(udp) }
            try await group.waitForAll()
        }
    }

    /// Opens the TCP listener, then the UDP packet connection on the same host and port (the port TCP got, if
    /// `address` asked for port 0); closes the listener if UDP fails.
    private func open(address: String) async throws -> (any Listener, any PacketConn) {
        let tcp = try await listen("tcp", address)
        do {
            return (tcp, try await listenPacket("udp", try sameHostAndPort(address, as: tcp.addr)))
        } catch {
            try? tcp.close()
            throw error
        }
    }

    /// Stops listening, gives the open connections two seconds to finish, closes the rest, and returns when
    /// every connection's task is done.
    public func stop() async {
        let (tcp, udp) = state.withLock { s in
            s.stopping = true
            return (s.tcp, s.udp)
        }
        try? tcp?.close()
        try? udp?.close()
        if await !connections.waitUntilEmpty(timeout: .seconds(2)) {
            connections.closeAll()
            _ = await connections.waitUntilEmpty(timeout: .seconds(1))
        }
    }

    // MARK: - TCP

    /// Accepts until the listener is closed; one task per connection, on the connection's event loop.
    private func serveTCP(_ listener: any Listener) async throws {
        for try await conn in listener {
            guard connections.insert(conn) else {
                try? conn.close()
                continue
            }
            Task(executorPreference: conn.preferredExecutor) {
                await self.serve(conn)
            }
        }
    }

    private func serve(_ conn: any Conn) async {
        defer {
            try? conn.close()
            connections.remove(conn)
        }
        do {
            try conn.setWriteDeadline(.now + Self.writeTimeout)
            try await conn.write(answer())
            // Half-close, then read and discard until the client closes too (or the linger time is over):
            // closing a socket that has unread input makes the kernel answer with a reset instead of a FIN.
            try (conn as? TCPConn)?.closeWrite()
            try conn.setReadDeadline(.now + Self.lingerTimeout)
            var discard = [UInt8](repeating: 0, count: 512)
            for _ in 0..<1_000 {
                _ = try await conn.read(into: &discard)
            }
        } catch {
            // End of stream, a deadline, a reset or the server stopping: this conversation is over either way.
        }
    }

    // MARK: - UDP

    /// Answers every datagram until the packet connection is closed.
    private func serveUDP(_ pc: any PacketConn) async throws {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 2048, alignment: 1)
        defer { buffer.deallocate() }
        while true {
            let peer: any Addr
            do {
                (_, peer) = try await pc.readFrom(into: buffer)
            } catch where errorIs(error, ClosedError.self) {
                return
            }
            let line = answer()
            buffer.copyBytes(from: line.prefix(buffer.count))
            do {
                try pc.setWriteDeadline(.now + Self.writeTimeout)
                try await pc.writeTo(UnsafeRawBufferPointer(rebasing: buffer[..<min(line.count, buffer.count)]), peer)
            } catch where errorIs(error, ClosedError.self) {
                return
            } catch {
                log(name, "\(error)")  // one lost answer; the service goes on
            }
        }
    }
}

/// The address `address` asked for with the port `bound` got: where the UDP service goes after TCP chose a port.
public func sameHostAndPort(_ address: String, as bound: any Addr) throws -> String {
    let (host, _) = try splitHostPort(address)
    guard let port = (bound as? TCPAddr)?.port else { return address }
    return joinHostPort(host, String(port))
}

/// Writes "program: message" to standard error, in one write(2).
public func log(_ program: String, _ message: String) {
    var line = "\(program): \(message)\n"
    line.withUTF8 { bytes in _ = write(STDERR_FILENO, bytes.baseAddress, bytes.count) }
}

extension AnswerServer {
    /// The whole program of an answer server (the daytime and time servers differ only in their answer): parses
    /// `[--addr HOST:PORT]` (default `defaultAddress`; `-h`/`--help` prints `usage`), serves until SIGINT or
    /// SIGTERM, then stops cleanly (exit 0); a second signal exits at once (exit 1). Bad arguments exit 2, a
    /// failure to listen exits 1.
    public static func main(
        name: String, usage: String, defaultAddress: String, answer: @escaping @Sendable () -> [UInt8]
    ) -> Never {
        let address = parseAddress(CommandLine.arguments, name: name, usage: usage, default: defaultAddress)
        let signals = TerminationSignals()  // first, before any thread exists: every thread inherits the blocked signals
        let server = AnswerServer(name: name, answer: answer)
        // A task created here, in a nonisolated function, does not run on the main actor, so the server's
        // tasks can run on NetKit's event loops.
        Task {
            do {
                try await server.run(address: address)
            } catch {
                log(name, "\(error)")
                exit(1)
            }
        }
        log(name, "\(signals.wait()): stopping")  // the main thread sleeps here until SIGINT or SIGTERM
        Task {
            await server.stop()
            exit(0)
        }
        log(name, "\(signals.wait()) again: exiting now")
        exit(1)
    }

    /// The listening address from the command line.
    static func parseAddress(_ arguments: [String], name: String, usage: String, default address: String) -> String {
        func usageError(_ message: String) -> Never {
            log(name, "\(message)\n\(usage)")
            exit(2)
        }
        var address = address
        var rest = arguments.dropFirst()
        while let arg = rest.popFirst() {
            switch arg {
            case "-h", "--help":
                print(usage)
                exit(0)
            case "--addr":
                guard let value = rest.popFirst() else { usageError("--addr needs HOST:PORT") }
                address = value
            case _ where arg.hasPrefix("--addr="):
                address = String(arg.dropFirst("--addr=".count))
            default:
                usageError("unexpected argument \(arg)")
            }
        }
        return address
    }
}
