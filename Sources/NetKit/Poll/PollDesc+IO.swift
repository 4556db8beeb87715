import Glibc

/// The I/O operations of the poller: each tries the non-blocking system call first and parks only on
/// `EAGAIN` (Go's `internal/poll` `FD.Read`, `FD.Write`, `FD.Accept`, `FD.ReadFrom`, …).
extension PollDesc {
    /// Runs a non-blocking system call in `mode` until it stops reporting `EAGAIN`: the one loop in NetKit
    /// where `EAGAIN` turns into a wait.
    @inline(__always)
    nonisolated(nonsending) func perform<R>(_ mode: PollMode, _ body: (Socket) throws(Errno) -> R) async throws(PollError) -> R {
        try await begin(mode)
        while true {
            do {
                let result = try body(socket)
                end(mode)
                return result
            } catch .wouldBlock {
                try await waitReady(mode)
            } catch {
                end(mode)
                throw .errno(error)
            }
        }
    }

    /// One `recv(2)` of at most `buffer.count` bytes (0 means orderly EOF on a stream socket).
    /// `stream` enables the drained hint, which is only valid for byte streams (a short datagram says nothing
    /// about the queue behind it). Go's `FD.Read`.
    @inline(__always)
    nonisolated(nonsending) func read(
        into buffer: UnsafeMutableRawBufferPointer, stream: Bool = true
    ) async throws(PollError) -> Int {
        try await readStream(count: buffer.count, stream: stream) { s throws(Errno) in try s.receive(into: buffer) }
    }

    /// A stream read (`body` reads at most `count` bytes): like `perform(.read)`, but a read that comes back
    /// short marks the socket drained, so the next read parks without first paying for an `EAGAIN`.
    @inline(__always)
    nonisolated(nonsending) func readStream(
        count: Int, stream: Bool = true, _ body: (Socket) throws(Errno) -> Int
    ) async throws(PollError) -> Int {
        var mustWait = try await begin(.read, useDrainedHint: stream)
        while true {
            if mustWait { try await waitReady(.read) }
            do {
                let n = try body(socket)
                end(.read, drained: stream && n > 0 && n < count)
                return n
            } catch .wouldBlock {
                mustWait = true
            } catch {
                end(.read)
                throw .errno(error)
            }
        }
    }

    /// One `recv(2)` of at most `min(maxCount, ReadBufferPool.bufferSize)` bytes into a buffer lent by the
    /// loop: the wait for data holds no buffer, and the buffer is taken only for the system call that
    /// returns bytes (or EOF). The caller owns the returned buffer and gives it back with
    /// `loop.readBuffers.put(_:)`. Otherwise like `read(into:stream:)`. Not inlined: its frame is gone
    /// while the caller runs its body with the bytes (the task keeps its frames' high-water mark).
    @inline(never)
    nonisolated(nonsending) func readLent(
        maxCount: Int, stream: Bool = true
    ) async throws(PollError) -> (buffer: UnsafeMutableRawBufferPointer, count: Int) {
        let count = min(maxCount, ReadBufferPool.bufferSize)
        var mustWait = try await begin(.read, useDrainedHint: stream)
        while true {
            if mustWait { try await waitReady(.read) }
            let buffer = loop.readBuffers.take()
            do {
                let n = try socket.receive(into: UnsafeMutableRawBufferPointer(rebasing: buffer[..<count]))
                end(.read, drained: stream && n > 0 && n < count)
                return (buffer, n)
            } catch .wouldBlock {
                loop.readBuffers.put(buffer)
                mustWait = true
            } catch {
                loop.readBuffers.put(buffer)
                end(.read)
                throw .errno(error)
            }
        }
    }

    /// Writes all of `buffer`, looping over partial writes and waits, or fails; `written` tells how much
    /// went out before a failure. At least one system call is made, so an empty buffer sends an empty
    /// datagram on a datagram socket. Go's `FD.Write`. Inlined (with `writeAll`) so that a write adds one
    /// async frame, not three, to the task: a connection task's frames must fit the task allocator's
    /// first 1 KiB slab, whose high-water mark it keeps for life.
    @inline(__always)
    nonisolated(nonsending) func write(_ buffer: UnsafeRawBufferPointer, written: inout Int) async throws(PollError) {
        try await writeAll(count: buffer.count, written: &written) { s, offset throws(Errno) in
            try s.send(UnsafeRawBufferPointer(rebasing: buffer[offset...]))
        }
    }

    /// The loop behind `write`: `send(socket, offset)` writes the bytes from `offset` on and returns how many
    /// it wrote; it is called synchronously on each attempt, so it may borrow a buffer (`withUnsafeBytes`)
    /// that does not outlive a suspension.
    @inline(__always)
    nonisolated(nonsending) func writeAll(
        count: Int, written: inout Int, _ send: (Socket, Int) throws(Errno) -> Int
    ) async throws(PollError) {
        written = 0
        try await begin(.write)
        repeat {
            let n: Int
            do {
                n = try send(socket, written)
            } catch {
                if error == .wouldBlock {
                    try await waitReady(.write)
                    continue
                }
                end(.write)
                throw .errno(error)
            }
            written += n
            if n == 0 && written < count {
                // A stream that accepts nothing without an error: Go's io.ErrUnexpectedEOF case.
                end(.write)
                throw .errno(.noBufferSpace)
            }
        } while written < count
        end(.write)
    }

    /// Accepts one connection, created non-blocking and close-on-exec. Connections aborted before they were
    /// accepted and the errors accept(2) says to treat like EAGAIN are retried. Go's `FD.Accept`.
    nonisolated(nonsending) func accept() async throws(PollError) -> (Socket, SocketAddress) {
        try await perform(.read) { s throws(Errno) in
            var attempts = 0
            while true {
                do throws(Errno) {
                    return try s.accept(nonBlocking: true)
                } catch {
                    switch error {
                    case .connectionAborted, .protocolError, .protocolNotAvailable, .hostDown,
                         .hostUnreachable, .notSupported, .networkUnreachable:
                        attempts += 1
                        if attempts > 64 { throw Errno.wouldBlock }
                        continue
                    default:
                        throw error
                    }
                }
            }
        }
    }

    /// Completes a non-blocking `connect(2)`: starts it, then waits for writability and reads `SO_ERROR`
    /// until the kernel reports a result. The write deadline bounds the wait. Go's `netFD.connect`.
    nonisolated(nonsending) func connect(to address: SocketAddress) async throws(PollError) {
        do {
            try withDescriptor { s throws(Errno) in try s.connect(to: address) }
            return
        } catch .errno(.inProgress), .errno(.alreadyInProgress), .errno(.interrupted) {
            // Completes asynchronously.
        } catch .errno(.isConnected) {
            return
        }
        try await begin(.write)
        while true {
            try await waitReadyForConnect()
            let outcome: Errno?
            do {
                outcome = try socket.pendingError
            } catch {
                end(.write)
                throw .errno(error)
            }
            switch outcome {
            case nil, .isConnected?:
                // A spurious wake-up can report no error before the connection exists: confirm with getpeername.
                do {
                    _ = try socket.remoteAddress
                    end(.write)
                    return
                } catch .notConnected {
                    continue
                } catch {
                    end(.write)
                    throw .errno(error)
                }
            case .inProgress?, .alreadyInProgress?, .interrupted?:
                continue
            case let error?:
                end(.write)
                throw .errno(error)
            }
        }
    }

    /// A connect has no `EAGAIN` to start from: the first wait always parks unless an edge is pending.
    nonisolated(nonsending) private func waitReadyForConnect() async throws(PollError) {
        try await waitReady(.write)
    }

    /// One `recvfrom(2)`: a datagram (or stream bytes) and the sender's address. Go's `FD.ReadFrom`.
    nonisolated(nonsending) func readFrom(into buffer: UnsafeMutableRawBufferPointer) async throws(PollError) -> (Int, SocketAddress) {
        try await perform(.read) { s throws(Errno) in
            let r = try s.receiveFrom(into: buffer)
            return (r.count, r.from)
        }
    }

    /// One `sendto(2)` of the whole buffer as a datagram. Go's `FD.WriteTo`.
    nonisolated(nonsending) func writeTo(_ buffer: UnsafeRawBufferPointer, _ address: SocketAddress) async throws(PollError) -> Int {
        try await perform(.write) { s throws(Errno) in try s.send(buffer, to: address) }
    }
}
