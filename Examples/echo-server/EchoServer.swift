import ExampleSupport
import Glibc
import NetKit
import Synchronization

/// An RFC 862 echo server: TCP and UDP at one address, and a Unix stream socket if asked.
///
/// Written the way a fast NetKit server is written: NetKit's event loops are Swift's default executor (`main`
/// calls `useEventLoopsAsDefaultExecutor()`), so each connection's task, a plain `Task { … }`, runs on the
/// thread that saw its socket become ready; each read borrows one of the loop's 64 KiB buffers only while the
/// bytes are in hand (`read(upTo:)`), so an idle connection holds no buffer; no allocation per request.
final class EchoServer: Sendable {
    /// The size of each connection's buffer (and of the largest datagram echoed whole).
    static let bufferSize = 64 * 1024

    private struct State {
        var listeners: [any Listener] = []
        var packetConns: [any PacketConn] = []
        var stopping = false
    }

    private let state = Mutex(State())
    private let connections = Connections()
    /// Create each connection's task with an executor preference for its loop (when Swift's default executor
    /// is not NetKit's loops).
    private let preferLoops: Bool

    init(preferLoops: Bool = false) {
        self.preferLoops = preferLoops
    }

    /// Listens on TCP and UDP `address` (UDP on the port TCP got, for port 0) and on the Unix socket `unixPath`
    /// if given, then serves until `stop()`.
    func run(address: String, unixPath: String?) async throws {
        let (listeners, packetConns) = try await open(address: address, unixPath: unixPath)
        let stoppedEarly = state.withLock { s in
            if !s.stopping {
                s.listeners = listeners
                s.packetConns = packetConns
            }
            return s.stopping
        }
        if stoppedEarly {
            for l in listeners { try? l.close() }
            for pc in packetConns { try? pc.close() }
            return
        }
        let names = listeners.map { "\($0.addr.network) \($0.addr)" } + packetConns.map { "\($0.localAddr.network) \($0.localAddr)" }
        log("listening on " + names.joined(separator: ", "))

        try await withThrowingTaskGroup(of: Void.self) { group in
            for listener in listeners {
                // On the listener's event loop: each accepted connection's task is handed to its loop from
                // there, without first waking a thread of the global pool.
                group.addTask(executorPreference: listener.preferredExecutor) { try await self.accept(listener) }
            }
            for pc in packetConns {
                // A UDPConn is also a Conn: its task can run on its event loop too.
                group.addTask(executorPreference: (pc as? any Conn)?.preferredExecutor) {
                    try await self.echoPackets(pc)
                }
            }
            try await group.waitForAll()
        }
    }

    /// Opens the listeners and packet connections `run` serves; closes those already open if one fails.
    private func open(address: String, unixPath: String?) async throws -> ([any Listener], [any PacketConn]) {
        var listeners: [any Listener] = []
        var packetConns: [any PacketConn] = []
        do {
            let tcp = try await listen("tcp", address)
            listeners.append(tcp)
            packetConns.append(try await listenPacket("udp", try sameHostAndPort(address, as: tcp.addr)))
            if let unixPath {
                removeStaleSocket(unixPath)
                listeners.append(try await listen("unix", unixPath))
            }
            return (listeners, packetConns)
        } catch {
            for l in listeners { try? l.close() }
            for pc in packetConns { try? pc.close() }
            throw error
        }
    }

    /// Stops listening and closes every connection (an echo conversation has no natural end), then returns
    /// when all connection tasks are done (at most a few seconds).
    func stop() async {
        let (listeners, packetConns) = state.withLock { s in
            s.stopping = true
            return (s.listeners, s.packetConns)
        }
        for l in listeners { try? l.close() }
        for pc in packetConns { try? pc.close() }
        connections.closeAll()
        _ = await connections.waitUntilEmpty(timeout: .seconds(3))
    }

    // MARK: - Streams (TCP, Unix)

    /// Accepts until the listener is closed; one task per connection, on the connection's event loop.
    private func accept(_ listener: any Listener) async throws {
        for try await conn in listener {
            guard connections.insert(conn) else {
                try? conn.close()
                continue
            }
            // With the loops as the default executor, a plain task started here (on the listener's loop) moves
            // to the connection's loop at its first wake-up. Otherwise it names that loop as its preferred
            // executor, which costs an executor-preference lookup at every resume (an explicit nil preference
            // costs the same, so the two cases are two calls).
            if preferLoops {
                Task(executorPreference: conn.preferredExecutor) { await self.serve(conn) }
            } else {
                Task { await self.serve(conn) }
            }
        }
    }

    /// The hot loop specialised for the concrete type: its reads and writes are then direct calls, which need
    /// no executor check after they return (calls through `any Conn` do).
    @inline(__always)
    private func serve(_ conn: any Conn) async {
        switch conn {
        case let tcp as TCPConn: await echo(tcp)
        case let unix as UnixConn: await echo(unix)
        default: await echo(conn)
        }
    }

    /// Sends back everything `conn` receives, until end of stream or an error.
    // Keep this plain `async`: a connection task's async frames, this function's included, must fit the
    // task allocator's first 1 KiB slab, or every idle connection costs 1 KiB more (it is what keeps
    // 10,000 idle connections under 2 KiB each; `nonisolated(nonsending)` here measured 2.8 KiB).
    private func echo<C: Conn>(_ conn: C) async {
        defer {
            try? conn.close()
            connections.remove(conn)
        }
        while true {
            do {
                // The bytes are in a buffer lent by the connection's event loop until the write returns: a
                // connection that waits for its next request holds no buffer at all.
                try await conn.read(upTo: Self.bufferSize) { bytes in try await conn.write(bytes) }
            } catch {
                return  // end of stream, a reset, or the server stopping: the conversation is over
            }
        }
    }

    // MARK: - Datagrams (UDP)

    /// Sends every datagram back to its sender until the packet connection is closed.
    private func echoPackets(_ pc: any PacketConn) async throws {
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: Self.bufferSize, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let n: Int
            let peer: any Addr
            do {
                (n, peer) = try await pc.readFrom(into: buffer)
            } catch where errorIs(error, ClosedError.self) {
                return
            }
            do {
                try await pc.writeTo(UnsafeRawBufferPointer(rebasing: buffer[..<n]), peer)
            } catch where errorIs(error, ClosedError.self) {
                return
            } catch {
                log("\(error)")  // one lost answer; the service goes on
            }
        }
    }
}

/// Removes the socket file a previous run left at `path` (a Unix listener cannot bind over it); leaves any
/// other kind of file alone, so that the listen fails with "address already in use".
func removeStaleSocket(_ path: String) {
    var info = stat()
    if lstat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFSOCK {
        unlink(path)
    }
}

/// Writes "echo-server: message" to standard error, in one write(2).
func log(_ message: String) {
    var line = "echo-server: \(message)\n"
    line.withUTF8 { bytes in _ = write(STDERR_FILENO, bytes.baseAddress, bytes.count) }
}
