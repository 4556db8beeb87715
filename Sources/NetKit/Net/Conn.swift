/// A generic stream-oriented network connection.
///
/// Every blocking call of Go's `net.Conn` is an `async` call here: it suspends the calling task (never a
/// thread of the cooperative pool) until the socket is ready, the deadline passes, the connection is closed,
/// or the task is cancelled. All methods are safe to call concurrently: reads are serialised with reads and
/// writes with writes, while a read and a write proceed in parallel.
///
/// Errors are `OpError`s (`read tcp 127.0.0.1:5000->127.0.0.1:41234: i/o timeout`), except end of stream,
/// which `read` reports as a bare `IOError.eof`, and task cancellation, reported as a bare `CancellationError`
/// (the connection stays usable after both a timeout and a cancellation).
///
/// The corresponding Go type is `net.Conn`.
public protocol Conn: Reader, Writer, Closer, AnyObject, Sendable {
    // `read(into:)` (at most `buffer.count` bytes, at least 1; `IOError.eof` at the end of the stream; an empty
    // buffer returns 0 at once — Go's `Conn.Read`), `write(_:)` (all of the buffer or an error — Go's
    // `Conn.Write`) and `close()` (parked calls in other tasks fail at once with `ClosedError`; a second close
    // throws `ClosedError` — Go's `Conn.Close`) come from `Reader`, `Writer` and `Closer`.

    /// Reads at most `buffer.count` bytes into the start of `buffer` without copying, and returns the count.
    ///
    /// The `[UInt8]` form of `read(into:)`.
    nonisolated(nonsending) func read(into buffer: inout [UInt8]) async throws -> Int

    /// Waits for data, reads at most `maxCount` bytes into a buffer the connection lends, and returns what
    /// `body` returns when called with those bytes (at least one; `IOError.eof` at the end of the stream;
    /// a `maxCount` of 0 or less calls `body` with no bytes at once).
    ///
    /// NetKit's sockets lend a buffer of their event loop (at most 64 KiB are read) and take it only once
    /// bytes are there: a connection that waits for data holds no buffer, so a server whose connections
    /// are mostly idle needs no read buffer per connection. The bytes are valid only inside `body`, which
    /// may suspend (to write them, say); the buffer is returned when `body` returns. Deadlines and
    /// cancellation apply to the read, as for `read(into:)`.
    ///
    /// A Swift-only addition; Go's `Conn.Read` always reads into the caller's buffer.
    @discardableResult
    nonisolated(nonsending) func read<R>(
        upTo maxCount: Int, _ body: nonisolated(nonsending) (UnsafeRawBufferPointer) async throws -> R
    ) async throws -> R

    /// The local network address. The corresponding Go method is `Conn.LocalAddr`.
    var localAddr: any Addr { get }

    /// The remote network address. The corresponding Go method is `Conn.RemoteAddr`.
    var remoteAddr: any Addr { get }

    /// Sets the read and write deadlines (nil: none). The corresponding Go method is `Conn.SetDeadline`.
    ///
    /// A deadline is an absolute instant: it applies to calls already parked and to future ones, a deadline
    /// that has passed makes calls fail at once with a timeout (even when data is ready), and a timeout is not
    /// fatal: set a later deadline and the connection works on.
    func setDeadline(_ deadline: ContinuousClock.Instant?) throws

    /// Sets the read deadline (nil: none). The corresponding Go method is `Conn.SetReadDeadline`.
    func setReadDeadline(_ deadline: ContinuousClock.Instant?) throws

    /// Sets the write deadline (nil: none). A write that times out may have written part of its buffer.
    /// The corresponding Go method is `Conn.SetWriteDeadline`.
    func setWriteDeadline(_ deadline: ContinuousClock.Instant?) throws
}

extension Conn {
    /// The generic form of `read(upTo:_:)` for connections that cannot lend a buffer: reads into a
    /// temporary buffer of `min(maxCount, 65536)` bytes. (Disfavoured so that a call on a concrete
    /// connection type picks that type's own lending implementation.)
    @_disfavoredOverload
    @discardableResult
    nonisolated(nonsending) public func read<R>(
        upTo maxCount: Int, _ body: nonisolated(nonsending) (UnsafeRawBufferPointer) async throws -> R
    ) async throws -> R {
        let count = max(0, min(maxCount, 64 * 1024))
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: count, alignment: 16)
        defer { buffer.deallocate() }
        let n = try await read(into: buffer)
        return try await body(UnsafeRawBufferPointer(rebasing: buffer[..<n]))
    }

    /// Reads what is available, at most `maxCount` bytes, into a new array (at least one byte).
    ///
    /// A convenience over `read(into:)`; throws `IOError.eof` at the end of the stream.
    public nonisolated(nonsending) func read(maxCount: Int) async throws -> [UInt8] {
        var buffer = [UInt8](repeating: 0, count: maxCount)
        let n = try await read(into: &buffer)
        buffer.removeSubrange(n...)
        return buffer
    }

    /// Writes all of `bytes` or throws. The `[UInt8]` form of `write(_:)`.
    public nonisolated(nonsending) func write(_ bytes: [UInt8]) async throws {
        try await writeAll(of: bytes)
    }

    /// Writes the UTF-8 bytes of `string` or throws.
    public nonisolated(nonsending) func write(_ string: String) async throws {
        try await writeAll(of: Array(string.utf8))
    }

    /// Writes the bytes of `bytes` or throws.
    public nonisolated(nonsending) func write(contentsOf bytes: some Sequence<UInt8>) async throws {
        try await writeAll(of: Array(bytes))
    }

    /// Copies `bytes` into a heap buffer that outlives the suspension and writes it.
    private nonisolated(nonsending) func writeAll(of bytes: [UInt8]) async throws {
        if let conn = self as? any NetFDBacked {
            try await conn.netFD.writeAll(bytes)
            return
        }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: bytes.count, alignment: 1)
        defer { buffer.deallocate() }
        buffer.copyBytes(from: bytes)
        try await write(UnsafeRawBufferPointer(buffer))
    }
}

/// A generic network listener for stream-oriented protocols, and the `AsyncSequence` of its connections:
/// `for try await conn in listener { … }` accepts until the listener is closed (the loop then ends) and backs
/// off on temporary errors such as `EMFILE` instead of spinning.
///
/// The corresponding Go type is `net.Listener`.
public protocol Listener: AsyncSequence, Sendable where Element == any Conn, AsyncIterator == AcceptIterator {
    /// Waits for and returns the next connection. The corresponding Go method is `Listener.Accept`.
    func accept() async throws -> any Conn

    /// Closes the listener; a parked `accept` fails with `ClosedError`. Accepted connections stay open.
    /// The corresponding Go method is `Listener.Close`.
    func close() throws

    /// The listener's network address (with the port the kernel picked for port 0).
    /// The corresponding Go method is `Listener.Addr`.
    var addr: any Addr { get }
}

extension Listener {
    /// Makes the iterator that accepts connections.
    public func makeAsyncIterator() -> AcceptIterator {
        AcceptIterator(accept: { try await self.accept() })
    }
}

/// Accepts connections one by one for `for try await conn in listener`.
///
/// Ends (returns nil) once the listener is closed. On a temporary error (`EMFILE`, `ENFILE`, `ENOBUFS`, …) it
/// waits 5 ms, doubling up to 1 s, and tries again, as Go's `net/http` server loop does; other errors are thrown.
public struct AcceptIterator: AsyncIteratorProtocol {
    private let acceptOne: @Sendable () async throws -> any Conn
    private var backoff: Duration = .zero

    init(accept: @escaping @Sendable () async throws -> any Conn) {
        self.acceptOne = accept
    }

    /// The next accepted connection, or nil once the listener is closed.
    public mutating func next() async throws -> (any Conn)? {
        while true {
            do {
                let conn = try await acceptOne()
                backoff = .zero
                return conn
            } catch let error as OpError {
                if error.isClosed { return nil }
                guard error.isTemporary else { throw error }
                backoff = backoff == .zero ? .milliseconds(5) : min(backoff * 2, .seconds(1))
                // The poller's own timer: `Task.sleep` needs a descriptor from libdispatch, and there are none.
                if !(await LoopSleep.sleep(until: .now + backoff)) { throw CancellationError() }
            }
        }
    }
}

/// A generic packet-oriented network connection (UDP, unixgram).
///
/// The corresponding Go type is `net.PacketConn`.
public protocol PacketConn: AnyObject, Sendable {
    /// Reads one packet into `buffer` (the excess of a longer packet is discarded) and returns the count and
    /// the sender's address. The corresponding Go method is `PacketConn.ReadFrom`.
    func readFrom(into buffer: UnsafeMutableRawBufferPointer) async throws -> (count: Int, addr: any Addr)

    /// Sends `buffer` as one packet to `addr`. The corresponding Go method is `PacketConn.WriteTo`.
    @discardableResult
    func writeTo(_ buffer: UnsafeRawBufferPointer, _ addr: any Addr) async throws -> Int

    /// Closes the connection; parked calls fail with `ClosedError`. The corresponding Go method is
    /// `PacketConn.Close`.
    func close() throws

    /// The local network address. The corresponding Go method is `PacketConn.LocalAddr`.
    var localAddr: any Addr { get }

    /// Sets both deadlines. The corresponding Go method is `PacketConn.SetDeadline`.
    func setDeadline(_ deadline: ContinuousClock.Instant?) throws
    /// Sets the read deadline. The corresponding Go method is `PacketConn.SetReadDeadline`.
    func setReadDeadline(_ deadline: ContinuousClock.Instant?) throws
    /// Sets the write deadline. The corresponding Go method is `PacketConn.SetWriteDeadline`.
    func setWriteDeadline(_ deadline: ContinuousClock.Instant?) throws
}
