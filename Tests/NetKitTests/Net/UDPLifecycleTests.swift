import Glibc
import Synchronization
import Testing
@testable import NetKit

// UDP lifecycle: close unblocks readers (reliability.md A 4), double close (5), use after close (6), no
// descriptor leaks (8, 10), deadlines (B 11, 12, 16), cancellation (C 24).

/// Descriptor identities recorded from a `control` hook (which must be `@Sendable`).
final class UDPIdentityRecorder: Sendable {
    private let identities = Mutex<[String]>([])

    func record(_ raw: RawConn) throws {
        try raw.control { s in
            if let identity = descriptorIdentity(s.rawValue) { identities.withLock { $0.append(identity) } }
        }
    }

    var recorded: [String] { identities.withLock { $0 } }
}

/// The identities (`socket:[inode]`) among `identities` that some descriptor of the process still refers to.
func udpStillOpen(_ identities: [String]) -> [String] {
    let open = openDescriptorIdentities()
    return identities.filter(open.contains)
}

@Suite("UDP lifecycle")
struct UDPLifecycleTests {
    @Test("close unblocks a parked readFrom, also with a zero-length buffer", arguments: [0, 64])
    func closeUnblocksReadFrom(bufferSize: Int) async throws {
        let conn = try UDPLoopback.lo4.listen()
        let local = conn.localAddr.description
        let reader = Task { () -> (any Error)? in
            var buffer = [UInt8](repeating: 0, count: bufferSize)
            do {
                _ = try await conn.readFromUDP(into: &buffer)
                return nil
            } catch {
                return error
            }
        }
        try await Task.sleep(for: .milliseconds(100))
        let start = ContinuousClock.now
        try conn.close()
        let error = try await withWatchdog(10, "reader after close") { await reader.value }
        #expect(ContinuousClock.now - start < upperBound(.seconds(1)))
        let op = try #require(error as? OpError)
        #expect(op.description == "read udp4 \(local): use of closed network connection")
        #expect(op.isClosed && !op.isTimeout && !op.isTemporary)
    }

    @Test("close unblocks parked reads on a connected socket and a packets() loop")
    func closeUnblocksConnected() async throws {
        let server = try UDPLoopback.lo4.listen()
        defer { try? server.close() }
        let conn = try dialUDP("udp4", raddr: server.localUDPAddr)
        let reader = Task { () -> (any Error)? in
            do { _ = try await conn.read(maxCount: 8); return nil } catch { return error }
        }
        let loop = Task { () throws -> Int in
            var n = 0
            for try await _ in server.packets() { n += 1 }
            return n
        }
        try await Task.sleep(for: .milliseconds(50))
        try conn.close()
        try server.close()
        let error = try await withWatchdog { await reader.value }
        #expect((error as? OpError)?.isClosed == true)
        #expect(try await withWatchdog { try await loop.value } == 0)
    }

    @Test("a second and third close fail with ErrClosed, never EBADF")
    func doubleClose() async throws {
        let pc = try UDPLoopback.lo4.listen()
        let local = pc.localAddr.description
        try pc.close()
        for _ in 0..<2 {
            let e = await udpExpectOpError("close udp4 \(local): use of closed network connection") { try pc.close() }
            #expect(e?.isClosed == true)
            #expect(e.map { errorIs($0, Errno.self) } == false)
        }
        let server = try UDPLoopback.lo4.listen()
        defer { try? server.close() }
        let conn = try dialUDP("udp4", raddr: server.localUDPAddr)
        try conn.close()
        await udpExpectOpError("close udp4 \(conn.localAddr)->\(server.localAddr): use of closed network connection") {
            try conn.close()
        }
    }

    @Test("every call after close fails with ErrClosed; addresses stay readable")
    func useAfterClose() async throws {
        let server = try UDPLoopback.lo4.listen()
        defer { try? server.close() }
        let conn = try dialUDP("udp4", raddr: server.localUDPAddr)
        let pc = try UDPLoopback.lo4.listen()
        let (connLocal, pcLocal) = (conn.localUDPAddr, pc.localUDPAddr)
        try conn.close()
        try pc.close()
        let dest = server.localUDPAddr
        func closed(_ body: () async throws -> Void) async {
            let e = await udpExpectOpError { try await body() }
            #expect(e?.isClosed == true, "\(String(describing: e))")
        }
        await closed { _ = try await conn.read(maxCount: 8) }
        await closed { try await conn.write("x") }
        await closed { _ = try await conn.readMsgUDP(into: UnsafeMutableRawBufferPointer(start: nil, count: 0)) }
        await closed { try await conn.writeMsgUDP(Array("x".utf8), addr: nil) }
        await closed { _ = try await pc.readFromUDP(into: UnsafeMutableRawBufferPointer(start: nil, count: 0)) }
        await closed { _ = try await pc.readFromUDPAddrPort(into: UnsafeMutableRawBufferPointer(start: nil, count: 0)) }
        await closed { try await pc.writeToUDP(Array("x".utf8), dest) }
        await closed { try await pc.writeToUDPAddrPort(Array("x".utf8), dest.addrPort) }
        await closed { try await pc.writeMsgUDP(Array("x".utf8), addr: dest) }
        await closed { try pc.setDeadline(.now + .seconds(1)) }
        await closed { try pc.setReadDeadline(nil) }
        await closed { try pc.setWriteDeadline(nil) }
        await closed { try pc.setReadBuffer(4096) }
        await closed { try pc.setWriteBuffer(4096) }
        // RawConn.control reports a bare ClosedError (Go wraps it in OpError{Op: "raw-control"}).
        #expect(throws: ClosedError.self) { _ = try pc.withUnsafeSocket { $0.rawValue } }
        await udpExpectOpError("read udp4 \(pcLocal): use of closed network connection") {
            _ = try await pc.readFromUDP(into: UnsafeMutableRawBufferPointer(start: nil, count: 0))
        }
        await udpExpectOpError("write udp4 \(pcLocal)->\(dest): use of closed network connection") {
            try await pc.writeToUDP(Array("x".utf8), dest)
        }
        await udpExpectOpError("set udp4 \(pcLocal): use of closed network connection") { try pc.setReadBuffer(1) }
        #expect(conn.localUDPAddr == connLocal)
        #expect(conn.remoteUDPAddr == dest)
        #expect(pc.localUDPAddr == pcLocal)
        // The iterator of a closed connection ends at once.
        var iterator = pc.packets(maxSize: 8).makeAsyncIterator()
        #expect(try await iterator.next() == nil)
    }

    @Test("no descriptor leaks: open/close, dial/close, drop without close, failed binds, failing control hook")
    func noDescriptorLeaks() async throws {
        var identities: [String] = []
        let server = try UDPLoopback.lo4.listen()
        let conn = try dialUDP("udp4", raddr: server.localUDPAddr)
        identities += [server.udpTestDescriptor, conn.udpTestDescriptor].compactMap(descriptorIdentity)
        #expect(udpStillOpen(identities).count == 2)
        try conn.close()
        // Dropped without close: deinit closes it (exactly once).
        func dropped() throws -> String? {
            let c = try UDPLoopback.lo4.listen()
            return descriptorIdentity(c.udpTestDescriptor)
        }
        identities += try [dropped()].compactMap { $0 }
        // Failed binds close the socket they created (seen through the control hook).
        let recorder = UDPIdentityRecorder()
        let inUse = server.localAddr.description
        await udpExpectOpError("listen udp4 \(inUse): bind: address already in use") {
            _ = try await ListenConfig(control: { _, _, raw in try recorder.record(raw) }).listenPacket("udp4", inUse)
        }
        await udpExpectOpError("dial udp4 \(inUse)->\(inUse): bind: address already in use") {
            _ = try await Dialer(localAddr: server.localUDPAddr, control: { _, _, raw in try recorder.record(raw) })
                .dial("udp4", inUse)
        }
        // A control hook that throws aborts the dial and closes the socket.
        struct Refused: Error {}
        await udpExpectOpError {
            _ = try await Dialer(control: { _, _, raw in try recorder.record(raw); throw Refused() }).dial("udp4", inUse)
        }
        #expect(recorder.recorded.count == 3)
        identities += recorder.recorded
        try server.close()
        #expect(identities.count == 6)
        for _ in 0..<200 where !udpStillOpen(identities).isEmpty {
            try await Task.sleep(for: .milliseconds(10))
        }
        #expect(udpStillOpen(identities).isEmpty, "descriptors left open: \(udpStillOpen(identities))")
    }

    @Test("a past deadline fails at once, even with a datagram queued, and consumes nothing")
    func pastDeadline() async throws {
        let a = try UDPLoopback.lo4.listen()
        let b = try UDPLoopback.lo4.listen()
        defer { try? a.close(); try? b.close() }
        try await a.writeToUDP(Array("queued".utf8), b.localUDPAddr)
        try await Task.sleep(for: .milliseconds(20))
        try b.setReadDeadline(.now - .seconds(5))
        for _ in 0..<2 {
            let start = ContinuousClock.now
            let e = await udpExpectOpError("read udp4 \(b.localAddr): i/o timeout") {
                var buffer = [UInt8](repeating: 0, count: 16)
                _ = try await b.readFromUDP(into: &buffer)
            }
            #expect(ContinuousClock.now - start < upperBound(.milliseconds(100)))
            #expect(e?.isTimeout == true)
            #expect(e.map { errorIs($0, DeadlineExceededError.self) } == true)
        }
        await udpExpectOpError("read udp4 \(b.localAddr): i/o timeout") {
            var buffer = [UInt8](repeating: 0, count: 16)
            _ = try await b.readMsgUDP(into: &buffer)
        }
        try a.setWriteDeadline(.now - .seconds(5))
        await udpExpectOpError("write udp4 \(a.localAddr)->\(b.localAddr): i/o timeout") {
            try await a.writeToUDP(Array("late".utf8), b.localUDPAddr)
        }
        // Not fatal: clear the deadlines and the queued datagram is still there.
        try b.setReadDeadline(nil)
        try a.setDeadline(nil)
        #expect(try await udpReceive(b).bytes == Array("queued".utf8))
        try await a.writeToUDP(Array("after".utf8), b.localUDPAddr)
        #expect(try await udpReceive(b).bytes == Array("after".utf8))
    }

    @Test("a 100 ms read deadline fires within [50 ms, 1 s] and is not fatal", arguments: UDPLoopback.allCases)
    func futureDeadline(_ lo: UDPLoopback) async throws {
        let pc = try lo.listen()
        let peer = try lo.listen()
        defer { try? pc.close(); try? peer.close() }
        let conn = try dialUDP(lo.network, raddr: peer.localUDPAddr)
        defer { try? conn.close() }
        for (name, target) in [("unconnected", pc), ("connected", conn)] {
            try target.setReadDeadline(.now + .milliseconds(100))
            let start = ContinuousClock.now
            let e = await udpExpectOpError {
                _ = try await withWatchdog(5, "\(name) read with deadline") {
                    var buffer = [UInt8](repeating: 0, count: 16)
                    return try await target.readFromUDP(into: &buffer)
                }
            }
            let elapsed = ContinuousClock.now - start
            #expect(elapsed >= .milliseconds(50) && elapsed <= upperBound(.seconds(1)), "\(name): \(elapsed)")
            #expect(e?.isTimeout == true)
            let expected = name == "connected"
                ? "read \(lo.network) \(conn.localAddr)->\(peer.localAddr): i/o timeout"
                : "read \(lo.network) \(pc.localAddr): i/o timeout"
            #expect(e?.description == expected)
            try target.setReadDeadline(nil)
        }
        try await peer.writeToUDP(Array("pc".utf8), pc.localUDPAddr)
        #expect(try await udpReceive(pc).bytes == Array("pc".utf8))
        try await peer.writeToUDP(Array("conn".utf8), conn.localUDPAddr)
        #expect(try await withWatchdog { try await conn.read(maxCount: 8) } == Array("conn".utf8))
    }

    @Test("moving the read deadline into the past wakes a parked readFrom")
    func deadlineMovedWhileParked() async throws {
        let pc = try UDPLoopback.lo4.listen()
        defer { try? pc.close() }
        let reader = Task { () -> (any Error)? in
            do { _ = try await udpReceive(pc, seconds: 10); return nil } catch { return error }
        }
        try await Task.sleep(for: .milliseconds(50))
        try pc.setReadDeadline(.now - .seconds(1))
        let error = try await withWatchdog { await reader.value }
        #expect((error as? OpError)?.isTimeout == true)
    }

    @Test("cancelling a parked readFrom throws CancellationError and leaves the socket usable")
    func cancelParkedRead() async throws {
        let pc = try UDPLoopback.lo4.listen()
        let sender = try UDPLoopback.lo4.listen()
        defer { try? pc.close(); try? sender.close() }
        let reader = Task { () -> String in
            var buffer = [UInt8](repeating: 0, count: 16)
            do {
                _ = try await pc.readFromUDP(into: &buffer)
                return "read"
            } catch is CancellationError {
                return "cancelled"
            } catch {
                return "\(error)"
            }
        }
        try await Task.sleep(for: .milliseconds(100))
        let start = ContinuousClock.now
        reader.cancel()
        #expect(try await withWatchdog { await reader.value } == "cancelled")
        #expect(ContinuousClock.now - start < upperBound(.seconds(1)))
        try await sender.writeToUDP(Array("still here".utf8), pc.localUDPAddr)
        #expect(try await udpReceive(pc).bytes == Array("still here".utf8))
    }

    @Test("a read in an already-cancelled task fails without consuming the datagram")
    func alreadyCancelled() async throws {
        let pc = try UDPLoopback.lo4.listen()
        let sender = try UDPLoopback.lo4.listen()
        defer { try? pc.close(); try? sender.close() }
        try await sender.writeToUDP(Array("keep".utf8), pc.localUDPAddr)
        try await Task.sleep(for: .milliseconds(20))
        let outcome = await Task { () -> String in
            withUnsafeCurrentTask { $0?.cancel() }
            var buffer = [UInt8](repeating: 0, count: 16)
            do {
                _ = try await pc.readFromUDP(into: &buffer)
                return "read"
            } catch is CancellationError {
                return "cancelled"
            } catch {
                return "\(error)"
            }
        }.value
        #expect(outcome == "cancelled")
        #expect(try await udpReceive(pc).bytes == Array("keep".utf8))
    }

    @Test("cancel racing with arrival: a cancelled read never swallows a datagram")
    func cancelRacingWithArrival() async throws {
        let pc = try UDPLoopback.lo4.listen()
        let sender = try UDPLoopback.lo4.listen()
        defer { try? pc.close(); try? sender.close() }
        for i in 0..<(200 * ioStressFactor) {   // NETKIT_STRESS=n runs n times more
            let tag = UInt8(i % 256)
            let reader = Task { () -> UInt8? in
                var buffer = [UInt8](repeating: 0, count: 8)
                do {
                    _ = try await pc.readFromUDP(into: &buffer)
                    return buffer[0]
                } catch is CancellationError {
                    return nil
                } catch {
                    Issue.record("unexpected error: \(error)")
                    return nil
                }
            }
            if i % 2 == 0 { await Task.yield() }
            try await sender.writeToUDP([tag], pc.localUDPAddr)
            reader.cancel()
            let outcome = try await withWatchdog { await reader.value }
            if let got = outcome {
                #expect(got == tag)
            } else {
                // Reported as cancelled: the datagram must still be there.
                #expect(try await udpReceive(pc).bytes == [tag])
            }
        }
        try pc.setReadDeadline(.now + .milliseconds(20))
        let leftover = await udpExpectOpError { _ = try await udpReceive(pc) }
        #expect(leftover?.isTimeout == true, "a datagram was left over or duplicated")
    }

    @Test("read and write deadlines are independent")
    func deadlinesIndependent() async throws {
        let a = try UDPLoopback.lo4.listen()
        let b = try UDPLoopback.lo4.listen()
        defer { try? a.close(); try? b.close() }
        try b.setDeadline(.now - .seconds(1))
        try b.setReadDeadline(nil)                     // only writes are expired now
        await udpExpectOpError("write udp4 \(b.localAddr)->\(a.localAddr): i/o timeout") {
            try await b.writeToUDP([1], a.localUDPAddr)
        }
        let reader = Task { try await udpReceive(b) }
        try await Task.sleep(for: .milliseconds(30))
        try await a.writeToUDP([2], b.localUDPAddr)
        #expect(try await reader.value.bytes == [2])   // the read blocked until data came
        try b.setReadDeadline(.now - .seconds(1))
        try b.setWriteDeadline(nil)
        try await b.writeToUDP([3], a.localUDPAddr)     // writes work again, reads are expired
        #expect(try await udpReceive(a).bytes == [3])
        await udpExpectOpError("read udp4 \(b.localAddr): i/o timeout") { _ = try await udpReceive(b) }
    }

    @Test("reads, writes and deadline changes racing with close end cleanly")
    func concurrentMethodsAndClose() async throws {
        for round in 0..<(5 * ioStressFactor) {   // NETKIT_STRESS=n runs n times more
            let pc = try UDPLoopback.lo4.listen()
            let peer = try UDPLoopback.lo4.listen()
            defer { try? peer.close() }
            let target = pc.localUDPAddr
            let outcomes = UDPShared<[String]>([])
            try await withWatchdog(10, "round \(round)") {
                await withTaskGroup(of: Void.self) { group in
                    for _ in 0..<3 {
                        group.addTask {
                            var buffer = [UInt8](repeating: 0, count: 32)
                            while true {
                                do {
                                    _ = try await pc.readFromUDP(into: &buffer)
                                } catch let error as OpError where error.isClosed {
                                    outcomes.withLock { $0.append("closed") }
                                    return
                                } catch let error as OpError where error.isTimeout {
                                    try? pc.setReadDeadline(nil)
                                } catch {
                                    outcomes.withLock { $0.append("unexpected \(error)") }
                                    return
                                }
                            }
                        }
                    }
                    group.addTask {
                        for i in 0..<200 {
                            if i % 20 == 19 { await Task.yield() }
                            do {
                                try await pc.writeToUDP([UInt8(i % 256)], peer.localUDPAddr)
                                try await peer.writeToUDP([UInt8(i % 256)], target)
                            } catch let error as OpError where error.isClosed {
                                return
                            } catch {
                                outcomes.withLock { $0.append("unexpected \(error)") }
                                return
                            }
                        }
                    }
                    group.addTask {
                        for i in 0..<100 {
                            do {
                                try pc.setReadDeadline(i % 3 == 0 ? .now - .seconds(1) : .now + .milliseconds(10))
                                try pc.setWriteDeadline(.now + .seconds(5))
                                _ = pc.localAddr
                                _ = pc.remoteAddr
                            } catch let error as OpError where error.isClosed {
                                return
                            } catch {
                                outcomes.withLock { $0.append("unexpected \(error)") }
                                return
                            }
                            await Task.yield()
                        }
                    }
                    group.addTask {
                        try? await Task.sleep(for: .milliseconds(Int.random(in: 1...20)))
                        try? pc.close()
                    }
                }
            }
            let all = outcomes.withLock { $0 }
            #expect(all.filter { $0 != "closed" }.isEmpty, "\(all)")
            #expect(all.count == 3)
        }
    }
}
