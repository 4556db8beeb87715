import Synchronization

/// The read buffers an event loop lends to `PollDesc.readLent`: a connection waits for data without a
/// buffer and borrows one only while bytes are in hand, so ten thousand idle connections hold no read
/// buffers at all. Kept per loop, so the tasks of one loop share a handful of buffers; at most
/// `maxFree` idle buffers are kept, the rest are freed when returned.
///
/// NetKit's counterpart of the buffer pools that NIO (`ByteBufferAllocator`) and Go's `bufio` users keep
/// by hand; Go itself has none (a goroutine that reads owns its buffer).
final class ReadBufferPool: Sendable {
    /// The size of every lent buffer (the most one lent read returns).
    static let bufferSize = 64 * 1024
    /// Free buffers kept for reuse.
    static let maxFree = 16

    private struct State {
        /// Addresses of free buffers (`UnsafeMutableRawPointer` is not `Sendable`).
        var free: [UInt] = []
        /// Buffers lent and not yet returned.
        var lent = 0
    }

    private let state: Mutex<State>

    init() {
        var initial = State()
        initial.free.reserveCapacity(Self.maxFree)
        state = Mutex(initial)
    }

    deinit {
        state.withLock { s in
            for address in s.free { UnsafeMutableRawPointer(bitPattern: address)?.deallocate() }
        }
    }

    /// A buffer of `bufferSize` bytes, from the free list or newly allocated.
    func take() -> UnsafeMutableRawBufferPointer {
        let address = state.withLock { s in
            s.lent += 1
            return s.free.popLast()
        }
        let base = address.flatMap(UnsafeMutableRawPointer.init(bitPattern:))
            ?? UnsafeMutableRawPointer.allocate(byteCount: Self.bufferSize, alignment: 16)
        return UnsafeMutableRawBufferPointer(start: base, count: Self.bufferSize)
    }

    /// Returns a buffer that `take()` lent.
    func put(_ buffer: UnsafeMutableRawBufferPointer) {
        guard let base = buffer.baseAddress else { return }
        let kept = state.withLock { s in
            s.lent -= 1
            guard s.free.count < Self.maxFree else { return false }
            s.free.append(UInt(bitPattern: base))
            return true
        }
        if !kept { base.deallocate() }
    }

    /// Free buffers currently kept (for tests).
    var freeCount: Int { state.withLock { $0.free.count } }

    /// Buffers lent and not yet returned (for tests).
    var lentCount: Int { state.withLock { $0.lent } }
}
