import Glibc

/// A network descriptor: the poller's descriptor plus what the network layer knows about it (network name,
/// family, socket type, addresses). It turns poller failures into Go's `OpError`s and closes the descriptor
/// when the last reference to it goes away without `close()` (Go attaches a finalizer to `netFD` for that).
///
/// The corresponding Go type is `net.netFD`.
final class NetFD: Sendable {
    let pd: PollDesc
    let net: String
    let family: Socket.Family
    let kind: Socket.Kind
    /// The local and remote addresses as stored (typed accessors avoid boxing them into `any Addr`).
    let storedLaddr: StoredAddr
    let storedRaddr: StoredAddr

    init(pd: PollDesc, net: String, family: Socket.Family, kind: Socket.Kind, laddr: (any Addr)?, raddr: (any Addr)?) {
        self.pd = pd
        self.net = net
        self.family = family
        self.kind = kind
        self.storedLaddr = StoredAddr(laddr)
        self.storedRaddr = StoredAddr(raddr)
    }

    /// The same from addresses already in stored form (an accepted TCP conn's, without boxing them).
    init(pd: PollDesc, net: String, family: Socket.Family, kind: Socket.Kind, storedLaddr: StoredAddr, storedRaddr: StoredAddr) {
        self.pd = pd
        self.net = net
        self.family = family
        self.kind = kind
        self.storedLaddr = storedLaddr
        self.storedRaddr = storedRaddr
    }

    /// The local address (Go's `netFD.laddr`).
    var laddr: (any Addr)? { storedLaddr.addr }
    /// The remote address (Go's `netFD.raddr`).
    var raddr: (any Addr)? { storedRaddr.addr }

    deinit {
        // Dropped without close(): close exactly once (a no-op after an explicit close).
        try? pd.close()
    }

    var socket: Socket { pd.socket }

    /// Zero-byte reads are EOF on stream sockets only (Go's `fd.eofError` / `ZeroReadIsEOF`).
    var zeroReadIsEOF: Bool { kind != .datagram && kind != .raw }

    /// Whether a short read means the receive queue is empty (the poller's drained hint): true for byte
    /// streams only. A short record of a SOCK_SEQPACKET socket, like a datagram, says nothing about the
    /// records queued behind it.
    var isByteStream: Bool { kind == .stream }

    // MARK: - Errors

    func opError(_ op: String, _ error: PollError, syscall: String) -> any Error {
        let err = error.goError(syscall: syscall)
        if err is CancellationError { return err }
        switch op {
        case "accept", "set":
            return OpError(op: op, net: net, source: nil, addr: laddr, err: err)
        default:
            return OpError(op: op, net: net, source: laddr, addr: raddr, err: err)
        }
    }

    // MARK: - Reads

    /// One read; `IOError.eof` for an orderly end of a stream. Go's `netFD.Read` + `conn.Read`.
    @inline(__always)
    nonisolated(nonsending) func read(into buffer: UnsafeMutableRawBufferPointer) async throws -> Int {
        if buffer.isEmpty { return try emptyRead() }
        let n: Int
        do {
            n = try await pd.read(into: buffer, stream: isByteStream)
        } catch {
            throw opError("read", error, syscall: "read")
        }
        if n == 0 && zeroReadIsEOF { throw IOError.eof }
        return n
    }

    /// One read into the start of `buffer`, borrowing its storage for each attempt only.
    @inline(__always)
    nonisolated(nonsending) func read(into buffer: inout [UInt8]) async throws -> Int {
        if buffer.isEmpty { return try emptyRead() }
        let n: Int
        do {
            let count = buffer.count
            n = try await pd.readStream(count: count, stream: isByteStream) { s throws(Errno) in
                try buffer.withUnsafeMutableBytes { p in Result { () throws(Errno) in try s.receive(into: p) } }.get()
            }
        } catch {
            throw opError("read", error, syscall: "read")
        }
        if n == 0 && zeroReadIsEOF { throw IOError.eof }
        return n
    }

    /// One read into a buffer lent by the descriptor's loop, handed to `body` (see `TCPConn.read(upTo:_:)`).
    @inline(__always)
    nonisolated(nonsending) func read<R>(
        upTo maxCount: Int, _ body: nonisolated(nonsending) (UnsafeRawBufferPointer) async throws -> R
    ) async throws -> R {
        if maxCount <= 0 {
            _ = try emptyRead()
            return try await body(UnsafeRawBufferPointer(start: nil, count: 0))
        }
        let lent: (buffer: UnsafeMutableRawBufferPointer, count: Int)
        do {
            lent = try await pd.readLent(maxCount: maxCount, stream: isByteStream)
        } catch {
            throw opError("read", error, syscall: "read")
        }
        defer { pd.loop.readBuffers.put(lent.buffer) }
        if lent.count == 0 && zeroReadIsEOF { throw IOError.eof }
        return try await body(UnsafeRawBufferPointer(rebasing: lent.buffer[..<lent.count]))
    }

    /// A zero-length read returns 0 without a system call, but still fails on a closed descriptor: Go's
    /// `FD.Read` takes the read lock before it looks at the length.
    private func emptyRead() throws -> Int {
        if pd.isClosed { throw opError("read", .closed, syscall: "read") }
        return 0
    }

    // MARK: - Writes

    /// Writes everything or throws. Go's `netFD.Write` + `conn.Write`.
    @inline(__always)
    nonisolated(nonsending) func writeAll(_ buffer: UnsafeRawBufferPointer) async throws -> Int {
        var written = 0
        do {
            try await pd.write(buffer, written: &written)
        } catch {
            throw opError("write", error, syscall: "write")
        }
        return written
    }

    /// Writes all of `bytes` or throws, borrowing the array's storage for each attempt only.
    nonisolated(nonsending) func writeAll(_ bytes: [UInt8]) async throws {
        var written = 0
        do {
            try await pd.writeAll(count: bytes.count, written: &written) { s, offset throws(Errno) in
                try bytes.withUnsafeBytes { p in
                    Result { () throws(Errno) in try s.send(UnsafeRawBufferPointer(rebasing: p[offset...])) }
                }.get()
            }
        } catch {
            throw opError("write", error, syscall: "write")
        }
    }

    // MARK: - Close, shutdown, deadlines, options

    func close() throws {
        do {
            try pd.close()
        } catch {
            throw opError("close", error, syscall: "close")
        }
    }

    /// `close` for a listener: Go's `TCPListener.Close`/`UnixListener.Close` name only the listener's address
    /// (`OpError{Op: "close", Source: nil, Addr: laddr}`).
    func closeListener() throws {
        do {
            try pd.close()
        } catch {
            throw OpError(op: "close", net: net, source: nil, addr: laddr, err: error.goError(syscall: "close"))
        }
    }

    /// shutdown(2); Go's `netFD.closeRead`/`closeWrite` (errors use op "close").
    func shutdown(_ how: Socket.ShutdownHow) throws {
        do {
            try pd.withDescriptor { s throws(Errno) in try s.shutdown(how) }
            if how != .write { pd.noteReadShutdown() }
        } catch {
            throw opError("close", error, syscall: "shutdown")
        }
    }

    func setDeadline(_ deadline: ContinuousClock.Instant?, read: Bool, write: Bool) throws {
        do {
            if read { try pd.setDeadline(deadline, .read) }
            if write { try pd.setDeadline(deadline, .write) }
        } catch {
            throw opError("set", error, syscall: "setsockopt")
        }
    }

    /// Runs a socket-option call with the descriptor referenced; errors become `OpError{op: "set"}` naming both
    /// addresses, as Go's `TCPConn.SetNoDelay`, `SetLinger`, `SetReadBuffer`, … do (only the deadline setters
    /// name just the local address).
    func setOption(_ body: (Socket) throws(Errno) -> Void) throws {
        do {
            try pd.withDescriptor(body)
        } catch {
            throw OpError(op: "set", net: net, source: laddr, addr: raddr, err: error.goError(syscall: "setsockopt"))
        }
    }
}

/// A connection type backed by a `NetFD` (every NetKit socket type): gives the generic helpers the
/// copy-free paths and the loop a connection's tasks should prefer.
protocol NetFDBacked: Sendable {
    var netFD: NetFD { get }
}

extension Conn {
    /// The executor of the event loop that polls this connection, if it is one of NetKit's sockets.
    ///
    /// A task created with `Task(executorPreference: conn.preferredExecutor) { … }` runs on the loop's thread,
    /// so when the socket becomes ready the task is resumed right there, without a thread hop — the fastest
    /// way to serve a connection. (A task on the global executor works just as well, with one hop per wake-up.)
    /// A Swift-only addition; Go's scheduler does this implicitly.
    public var preferredExecutor: (any TaskExecutor)? {
        (self as? any NetFDBacked)?.netFD.pd.loop
    }
}

extension Listener {
    /// The executor of the event loop that polls this listener, if it is one of NetKit's listeners.
    ///
    /// An accept loop that runs there (`group.addTask(executorPreference: listener.preferredExecutor)`) is
    /// resumed where the listener's events arrive, and hands new connections to their loops without first
    /// waking a thread of the global pool. A Swift-only addition, like `Conn.preferredExecutor`.
    public var preferredExecutor: (any TaskExecutor)? {
        (self as? any NetFDBacked)?.netFD.pd.loop
    }
}

/// A connection's address kept inline in its `NetFD`. As `any Addr`, a `TCPAddr` or `UDPAddr` (48 bytes)
/// does not fit an existential's inline buffer and costs a heap box per address: 160 bytes of every
/// connection, which matter to a server that holds ten thousand idle ones.
enum StoredAddr: Sendable {
    case none
    case tcp(TCPAddr)
    case udp(UDPAddr)
    case unix(UnixAddr)
    case other(any Addr)

    init(_ addr: (any Addr)?) {
        switch addr {
        case nil: self = .none
        case let a as TCPAddr: self = .tcp(a)
        case let a as UDPAddr: self = .udp(a)
        case let a as UnixAddr: self = .unix(a)
        case let a?: self = .other(a)
        }
    }

    /// The address if it is a `TCPAddr`, without boxing it into an existential.
    var tcp: TCPAddr? { if case .tcp(let a) = self { a } else { nil } }
    /// The address if it is a `UDPAddr`, without boxing it into an existential.
    var udp: UDPAddr? { if case .udp(let a) = self { a } else { nil } }
    /// The address if it is a `UnixAddr`, without boxing it into an existential.
    var unix: UnixAddr? { if case .unix(let a) = self { a } else { nil } }

    /// `.tcp(addr)`, or nil for no address.
    init?(tcp addr: TCPAddr?) {
        guard let addr else { return nil }
        self = .tcp(addr)
    }

    var addr: (any Addr)? {
        switch self {
        case .none: nil
        case .tcp(let a): a
        case .udp(let a): a
        case .unix(let a): a
        case .other(let a): a
        }
    }
}
