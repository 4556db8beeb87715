import NetKit
import Synchronization

/// A connection whose sending side can be shut down on its own (a TCP or Unix stream): Go's
/// `interface{ CloseWrite() error }`, which Go code finds with a type assertion.
protocol CloseWriter {
    func closeWrite() throws
}

extension TCPConn: CloseWriter {}
extension UnixConn: CloseWriter {}

/// Standard input to `conn` and `conn` to standard output, for a stream (TCP, Unix).
///
/// When standard input ends, the sending side of `conn` is shut down (the peer reads end of stream); when the peer
/// shuts down its side, standard output has everything. The relay is over when both have happened, as with
/// netcat: a peer that has stopped sending may still be reading.
func relayStream(_ conn: any Conn, _ io: StandardIO) async throws {
    let sendFailure = FirstError()
    let sender = Task {
        do {
            while true {
                let chunk = try await io.read()
                if chunk.isEmpty { break }
                try await conn.write(chunk)
            }
            try (conn as? any CloseWriter)?.closeWrite()
        } catch {
            sendFailure.record(error)
            throw error
        }
    }
    var buffer = [UInt8](repeating: 0, count: 64 * 1024)
    while true {
        let n: Int
        do {
            n = try await conn.read(into: &buffer)
        } catch IOError.eof {
            break
        } catch {
            // A reset is usually the consequence of a failed send: report that one.
            throw sendFailure.error ?? error
        }
        try await io.write(Array(buffer[..<n]))
    }
    try await sender.value
}

/// The first error a task recorded, for another task to read.
final class FirstError: Sendable {
    private let slot = Mutex<(any Error)?>(nil)

    func record(_ error: any Error) {
        slot.withLock { if $0 == nil { $0 = error } }
    }

    var error: (any Error)? { slot.withLock { $0 } }
}

/// Standard input to `conn` and `conn` to standard output, for a connected datagram socket (UDP): each chunk of
/// standard input is sent as one datagram, each datagram received is written out.
///
/// When standard input ends, the relay waits `linger` for more datagrams, then is over.
func relayDatagrams(_ conn: any Conn, linger: Duration, _ io: StandardIO) async throws {
    let sender = Task {
        while true {
            let chunk = try await io.read()
            if chunk.isEmpty { break }
            try await conn.write(chunk)
        }
        try conn.setReadDeadline(.now + linger)
    }
    defer { sender.cancel() }
    var buffer = [UInt8](repeating: 0, count: 64 * 1024)
    while true {
        let n: Int
        do {
            n = try await conn.read(into: &buffer)
        } catch let error as any NetError where error.isTimeout {
            return  // the only deadline is the one set when standard input ended
        }
        try await io.write(Array(buffer[..<n]))
    }
}

/// The listening side of `relayDatagrams`: the sender of the first datagram becomes the peer; standard input goes
/// to it, and its datagrams (only its own) to standard output.
func relayDatagrams(_ pc: any PacketConn, linger: Duration, _ io: StandardIO) async throws {
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 16)
    defer { buffer.deallocate() }
    let (first, peer) = try await pc.readFrom(into: buffer)
    try await io.write(Array(buffer[..<first]))

    let sender = Task {
        let out = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 16)
        defer { out.deallocate() }
        while true {
            let chunk = try await io.read()
            if chunk.isEmpty { break }
            out.copyBytes(from: chunk)
            try await pc.writeTo(UnsafeRawBufferPointer(rebasing: out[..<chunk.count]), peer)
        }
        try pc.setReadDeadline(.now + linger)
    }
    defer { sender.cancel() }
    while true {
        let n: Int
        let from: any Addr
        do {
            (n, from) = try await pc.readFrom(into: buffer)
        } catch let error as any NetError where error.isTimeout {
            return  // the only deadline is the one set when standard input ended
        }
        if from.description == peer.description {
            try await io.write(Array(buffer[..<n]))
        }
    }
}
