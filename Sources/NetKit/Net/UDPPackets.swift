/// The datagrams arriving on a `UDPConn`, as an `AsyncSequence` for server loops:
///
/// ```swift
/// let conn = try listenUDP("udp", laddr: UDPAddr(ip: IP(127, 0, 0, 1), port: 5353))
/// for try await (bytes, from) in conn.packets(maxSize: 1500) {
///     try await conn.writeToUDP(bytes, from)   // echo
/// }
/// ```
///
/// Each element is one datagram (at most `maxSize` bytes; the rest of a longer one is discarded, as with
/// `readFrom`) and its sender. The sequence ends when the connection is closed (from any task); a deadline
/// or another error is thrown, and task cancellation throws `CancellationError`. Each iterator receives into
/// one buffer of `maxSize` bytes that it reuses, and copies each datagram into a new array of its length.
///
/// A Swift-only addition; Go servers loop over `UDPConn.ReadFromUDP`.
public struct UDPPackets: AsyncSequence, Sendable {
    /// One datagram and its sender: Go's `b[:n]` and `addr` of `UDPConn.ReadFromUDP`.
    public typealias Element = (bytes: [UInt8], addr: UDPAddr)

    let conn: UDPConn
    let maxSize: Int

    /// Makes an iterator with its own receive buffer (Swift's `AsyncSequence`; no Go counterpart).
    public func makeAsyncIterator() -> Iterator {
        Iterator(conn: conn, maxSize: maxSize)
    }

    /// Receives the datagrams one by one, each with one `UDPConn.readFromUDP` (Go's `ReadFromUDP`).
    public struct Iterator: AsyncIteratorProtocol {
        let conn: UDPConn
        let scratch: ScratchBuffer

        init(conn: UDPConn, maxSize: Int) {
            self.conn = conn
            self.scratch = ScratchBuffer(byteCount: Swift.max(0, maxSize))
        }

        /// The next datagram and its sender, or nil once the connection is closed (where Go's `ReadFromUDP`
        /// would return `net.ErrClosed`).
        public mutating func next() async throws -> Element? {
            try await next(isolation: nil)
        }

        /// The next datagram and its sender, or nil once the connection is closed; runs on the caller's actor.
        /// Go's `UDPConn.ReadFromUDP` in a server loop.
        public mutating func next(isolation actor: isolated (any Actor)?) async throws -> Element? {
            do {
                let (count, addr) = try await conn.readFromUDP(into: scratch.buffer)
                return (Array(UnsafeRawBufferPointer(rebasing: scratch.buffer[..<count])), addr)
            } catch let error as OpError where error.isClosed {
                return nil
            }
        }
    }

    /// A heap buffer that lives as long as its iterator.
    final class ScratchBuffer {
        let buffer: UnsafeMutableRawBufferPointer

        init(byteCount: Int) {
            buffer = .allocate(byteCount: byteCount, alignment: 16)
        }

        deinit {
            buffer.deallocate()
        }
    }
}

extension UDPConn {
    /// The datagrams arriving on this connection, each with its sender, until it is closed: `for try await
    /// (bytes, from) in conn.packets(maxSize: 1500) { … }`. `maxSize` bounds each datagram (longer ones are
    /// truncated); the default holds any UDP datagram.
    ///
    /// A Swift-only addition; Go servers loop over `UDPConn.ReadFromUDP`.
    public func packets(maxSize: Int = 65536) -> UDPPackets {
        UDPPackets(conn: self, maxSize: maxSize)
    }
}
