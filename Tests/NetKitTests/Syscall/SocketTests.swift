import Glibc
import Testing
@testable import NetKit

@Suite("Socket")
struct SocketTests {
    // MARK: TCP

    func exerciseTCP(_ family: Socket.Family) throws {
        try expectNoLeaks { ledger in
            let (listener, port) = try makeLoopbackListener(ledger, family: family)
            defer { closeAll(listener) }
            #expect(port != 0, "bind to port 0 must pick a port")
            #expect(try listener.localAddress == loopback(family, port: port))
            #expect(try listener.isListening)

            let client = ledger.track(try Socket(family, .stream))
            defer { closeAll(client) }
            try client.connect(to: loopback(family, port: port))
            let (server, peer) = try listener.accept()
            ledger.track(server)
            defer { closeAll(server) }

            #expect(try peer == client.localAddress)
            #expect(try client.remoteAddress == server.localAddress)
            #expect(try server.remoteAddress == client.localAddress)
            #expect(try server.localAddress == loopback(family, port: port))

            #expect(try client.send("hello") == 5)
            #expect(try server.receive(maxCount: 64) == bytes("hello"))

            let reply = bytes("world!")
            let sent = try reply.withUnsafeBytes { try server.send($0) }
            #expect(sent == reply.count)
            var buffer = [UInt8](repeating: 0, count: 64)
            let count = try buffer.withUnsafeMutableBytes { try client.receive(into: $0) }
            #expect(Array(buffer[..<count]) == reply)

            try client.shutdown(.write)
            #expect(try server.receive(maxCount: 64) == [], "shutdown(.write) gives the peer end of file")
            #expect(try server.send("still open") == 10, "the other direction stays open")
            #expect(try client.receive(maxCount: 64) == bytes("still open"))
        }
    }

    @Test func tcpOverIPv4Loopback() throws { try exerciseTCP(.inet) }

    @Test(.enabled(if: ipv6LoopbackAvailable)) func tcpOverIPv6Loopback() throws { try exerciseTCP(.inet6) }

    @Test func connectToClosedPortIsRefused() throws {
        try expectNoLeaks { ledger in
            // A port bound but not listening: nobody else can take it while we hold it.
            let holder = ledger.track(try Socket(.inet, .stream))
            defer { closeAll(holder) }
            try holder.bind(.ipv4(127, 0, 0, 1, port: 0))
            let client = ledger.track(try Socket(.inet, .stream))
            defer { closeAll(client) }
            do throws(Errno) {
                try client.connect(to: holder.localAddress)
                Issue.record("connect to a closed port succeeded")
            } catch {
                #expect(error == .connectionRefused)
                #expect(error.description == "connection refused")
            }
        }
    }

    @Test func nonBlockingConnectCompletesThroughPendingError() throws {
        try expectNoLeaks { ledger in
            let (listener, port) = try makeLoopbackListener(ledger)
            defer { closeAll(listener) }
            let client = ledger.track(try Socket(.inet, .stream, nonBlocking: true))
            defer { closeAll(client) }
            do throws(Errno) {
                try client.connect(to: .ipv4(127, 0, 0, 1, port: port))
            } catch .inProgress {
                #expect(waitUntilWritable(client), "watchdog: connect did not finish in 5 s")
            }
            #expect(try client.pendingError == nil)
            #expect(try client.remoteAddress == .ipv4(127, 0, 0, 1, port: port))
            let (server, _) = try listener.accept()
            ledger.track(server)
            closeAll(server)
        }
    }

    @Test("SO_ERROR reports a refused non-blocking connect once, then reads as clear")
    func pendingErrorIsReadAndClear() throws {
        try expectNoLeaks { ledger in
            let holder = ledger.track(try Socket(.inet, .stream))
            defer { closeAll(holder) }
            try holder.bind(.ipv4(127, 0, 0, 1, port: 0))
            let client = ledger.track(try Socket(.inet, .stream, nonBlocking: true))
            defer { closeAll(client) }
            do throws(Errno) {
                try client.connect(to: holder.localAddress)
                Issue.record("connect to a closed port succeeded")
            } catch .inProgress {
                #expect(waitUntilWritable(client), "watchdog: connect did not finish in 5 s")
                #expect(try client.pendingError == .connectionRefused)
                #expect(try client.pendingError == nil, "reading SO_ERROR clears it")
            } catch {
                #expect(error == .connectionRefused)   // loopback may refuse synchronously
            }
        }
    }

    @Test func acceptOnNonBlockingListenerWouldBlock() throws {
        try expectNoLeaks { ledger in
            let (listener, _) = try makeLoopbackListener(ledger)
            defer { closeAll(listener) }
            try listener.setNonBlocking(true)
            #expect(throws: Errno.wouldBlock) { try listener.accept() }
        }
    }

    @Test("send after the peer closed throws, and SIGPIPE does not kill the process")
    func sendAfterPeerClosed() throws {
        try expectNoLeaks { ledger in
            let (listener, client, server) = try makeLoopbackConnection(ledger)
            defer { closeAll(listener, client) }
            try server.close()
            // `swift test` leaves SIGPIPE at SIG_DFL, so without MSG_NOSIGNAL this would kill the run.
            // The first send may still succeed (the peer answers it with a reset); bounded retries.
            var failure: Errno?
            for _ in 0..<100 {
                do throws(Errno) {
                    _ = try client.send("are you there?")
                } catch {
                    failure = error
                    break
                }
                usleep(5_000)
            }
            let error = try #require(failure, "send to a closed peer never failed")
            #expect(error == .brokenPipe || error == .connectionReset, "got \(error)")
        }
    }

    @Test func sendOnUnixPairAfterPeerClosedIsBrokenPipe() throws {
        try expectNoLeaks { ledger in
            let (a, b) = ledger.track(try Socket.pair(.unix, .stream))
            defer { closeAll(a) }
            try b.close()
            #expect(throws: Errno.brokenPipe) { try a.send("x") }
        }
    }

    @Test func receiveTimeoutThrowsWouldBlock() throws {
        try expectNoLeaks { ledger in
            let (a, b) = ledger.track(try Socket.pair(.unix, .stream))
            defer { closeAll(a, b) }
            try a.setReceiveTimeout(.milliseconds(50))
            let clock = ContinuousClock()
            let start = clock.now
            do throws(Errno) {
                _ = try a.receive(maxCount: 1)
                Issue.record("receive returned without data")
            } catch {
                #expect(error == .wouldBlock)
                #expect(error.isTimeout)
            }
            let elapsed = clock.now - start
            #expect(elapsed >= .milliseconds(40) && elapsed < .seconds(5), "waited \(elapsed)")
        }
    }

    // MARK: Non-blocking mode and close-on-exec

    @Test func nonBlockingReceiveWouldBlock() throws {
        try expectNoLeaks { ledger in
            let (a, b) = ledger.track(try Socket.pair(.unix, .stream, nonBlocking: true))
            defer { closeAll(a, b) }
            #expect(try a.isNonBlocking)
            do throws(Errno) {
                _ = try a.receive(maxCount: 16)
                Issue.record("receive on an empty non-blocking socket returned")
            } catch {
                #expect(error == .wouldBlock)
                #expect(error.description == "resource temporarily unavailable")
            }
            try a.setNonBlocking(false)
            #expect(try !a.isNonBlocking)
            try a.setNonBlocking(true)
            #expect(try a.isNonBlocking)
            let blocking = ledger.track(try Socket(.inet, .stream))
            defer { closeAll(blocking) }
            #expect(try !blocking.isNonBlocking, "sockets are blocking by default, as in C")
        }
    }

    @Test func everySocketIsCloseOnExec() throws {
        func hasCloseOnExec(_ socket: Socket) -> Bool {
            fcntl(socket.rawValue, F_GETFD) & FD_CLOEXEC != 0
        }
        try expectNoLeaks { ledger in
            let blocking = ledger.track(try Socket(.inet, .stream))
            let nonBlocking = ledger.track(try Socket(.inet6, .datagram, nonBlocking: true))
            let (a, b) = ledger.track(try Socket.pair(.unix, .datagram))
            let (listener, client, server) = try makeLoopbackConnection(ledger)
            defer { closeAll(blocking, nonBlocking, a, b, listener, client, server) }
            for socket in [blocking, nonBlocking, a, b, listener, client, server] {
                #expect(hasCloseOnExec(socket), "descriptor \(socket.rawValue) lacks FD_CLOEXEC")
                #expect(try socket.isCloseOnExec)
            }
            let (accepted, _) = try { () throws(Errno) in
                let extra = ledger.track(try Socket(.inet, .stream))
                defer { closeAll(extra) }
                try extra.connect(to: listener.localAddress)
                return try listener.accept(nonBlocking: true)
            }()
            ledger.track(accepted)
            defer { closeAll(accepted) }
            #expect(hasCloseOnExec(accepted))
            #expect(try accepted.isNonBlocking)
        }
    }

    @Test func closeOfBadDescriptor() {
        #expect(throws: Errno.badFileDescriptor) { try Socket(rawValue: -1).close() }
        #expect(throws: Errno.badFileDescriptor) { try Socket(rawValue: Int32.max).close() }
        do throws(Errno) {
            try Socket(rawValue: -1).close()
        } catch {
            #expect(error.description == "bad file descriptor")
        }
    }

    // MARK: UDP

    func exerciseUDP(_ family: Socket.Family) throws {
        try expectNoLeaks { ledger in
            let a = ledger.track(try Socket(family, .datagram, .udp))
            let b = ledger.track(try Socket(family, .datagram, .udp))
            defer { closeAll(a, b) }
            try a.bind(loopback(family, port: 0))
            try b.bind(loopback(family, port: 0))
            let addressA = try a.localAddress
            let addressB = try b.localAddress

            #expect(try a.send(bytes("ping"), to: addressB) == 4)
            let (received, from) = try b.receiveFrom(maxCount: 64)
            #expect(received == bytes("ping"))
            #expect(from == addressA)

            let reply = bytes("pong")
            let sent = try reply.withUnsafeBytes { try b.send($0, to: from) }
            #expect(sent == 4)
            var buffer = [UInt8](repeating: 0, count: 64)
            let (count, sender) = try buffer.withUnsafeMutableBytes { try a.receiveFrom(into: $0) }
            #expect(Array(buffer[..<count]) == reply)
            #expect(sender == addressB)

            // A connected datagram socket uses plain send/receive.
            try a.connect(to: addressB)
            #expect(try a.send("x") == 1)
            #expect(try b.receive(maxCount: 8) == bytes("x"))
        }
    }

    @Test func udpOverIPv4Loopback() throws { try exerciseUDP(.inet) }

    @Test(.enabled(if: ipv6LoopbackAvailable)) func udpOverIPv6Loopback() throws { try exerciseUDP(.inet6) }

    @Test func unconnectedDatagramSendNeedsAnAddress() throws {
        try expectNoLeaks { ledger in
            let socket = ledger.track(try Socket(.inet, .datagram))
            defer { closeAll(socket) }
            #expect(throws: Errno.destinationAddressRequired) { try socket.send("x") }
            #expect(throws: Errno.notSupported) { try socket.listen(backlog: 1) }
            #expect(throws: Errno.notConnected) { try socket.remoteAddress }
        }
    }

    @Test func bindingABusyPortIsAddressInUse() throws {
        try expectNoLeaks { ledger in
            let (listener, port) = try makeLoopbackListener(ledger)
            let second = ledger.track(try Socket(.inet, .stream))
            defer { closeAll(listener, second) }
            do throws(Errno) {
                try second.bind(.ipv4(127, 0, 0, 1, port: port))
                Issue.record("second bind succeeded")
            } catch {
                #expect(error == .addressInUse)
                #expect(error.description == "address already in use")
            }
        }
    }

    // MARK: Socket pairs, read/write, writev

    @Test func streamPairReadWriteAndWritev() throws {
        try expectNoLeaks { ledger in
            let (a, b) = ledger.track(try Socket.pair(.unix, .stream))
            defer { closeAll(a, b) }
            #expect(try a.family == .unix)
            #expect(try a.kind == .stream)

            let message = bytes("through write(2)")
            #expect(try message.withUnsafeBytes { try a.write($0) } == message.count)
            var buffer = [UInt8](repeating: 0, count: 64)
            let count = try buffer.withUnsafeMutableBytes { try b.read(into: $0) }
            #expect(Array(buffer[..<count]) == message)

            let parts = [bytes("gather "), bytes("three "), bytes("buffers")]
            let total = try parts[0].withUnsafeBytes { p0 in
                try parts[1].withUnsafeBytes { p1 in
                    try parts[2].withUnsafeBytes { p2 in
                        let iovecs = [p0, p1, p2].map { iovec(iov_base: UnsafeMutableRawPointer(mutating: $0.baseAddress), iov_len: $0.count) }
                        return try iovecs.withUnsafeBufferPointer { try a.writev($0) }
                    }
                }
            }
            #expect(total == 20)
            #expect(try b.receive(maxCount: 64) == bytes("gather three buffers"))
        }
    }

    @Test func datagramPairKeepsMessageBoundaries() throws {
        try expectNoLeaks { ledger in
            let (a, b) = ledger.track(try Socket.pair(.unix, .datagram))
            defer { closeAll(a, b) }
            #expect(try a.kind == .datagram)
            _ = try a.send("one")
            _ = try a.send("two")
            #expect(try b.receive(maxCount: 64) == bytes("one"))
            #expect(try b.receive(maxCount: 64) == bytes("two"))
        }
    }

    // MARK: Unix-domain sockets

    func exerciseUnix(path: String, ledger: SocketLedger) throws {
        let address = try SocketAddress.unix(path: path)
        let listener = ledger.track(try Socket(.unix, .stream))
        defer { closeAll(listener) }
        try listener.bind(address)
        try listener.listen(backlog: 4)
        #expect(try listener.localAddress == address)
        #expect(try listener.localAddress.unixPath == path)

        let client = ledger.track(try Socket(.unix, .stream))
        defer { closeAll(client) }
        try client.connect(to: address)
        let (server, peer) = try listener.accept()
        ledger.track(server)
        defer { closeAll(server) }
        #expect(peer.length == 2, "an unbound client is unnamed")
        #expect(peer.unixPath == "")
        #expect(try client.remoteAddress.unixPath == path)

        _ = try client.send("over unix")
        #expect(try server.receive(maxCount: 64) == bytes("over unix"))
    }

    @Test func unixPathSocket() throws {
        var template = Array("/tmp/netkit-syscall-XXXXXX".utf8CString)
        let directory = try #require(template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }.map { String(cString: $0) })
        let path = directory + "/server.sock"
        defer {
            unlink(path)
            rmdir(directory)
        }
        try expectNoLeaks { ledger in try exerciseUnix(path: path, ledger: ledger) }
        // A second bind to the existing path fails until the file is removed.
        try expectNoLeaks { ledger in
            let again = ledger.track(try Socket(.unix, .stream))
            defer { closeAll(again) }
            #expect(throws: Errno.addressInUse) { try again.bind(.unix(path: path)) }
        }
    }

    @Test func unixAbstractSocket() throws {
        try expectNoLeaks { ledger in try exerciseUnix(path: "@" + uniqueSocketName("abstract"), ledger: ledger) }
    }

    @Test func connectToMissingUnixPath() throws {
        try expectNoLeaks { ledger in
            let client = ledger.track(try Socket(.unix, .stream))
            defer { closeAll(client) }
            #expect(throws: Errno.noSuchFileOrDirectory) {
                try client.connect(to: .unix(path: "/nonexistent-netkit-dir/\(uniqueSocketName("missing"))"))
            }
        }
    }

    // MARK: Messages

    @Test("sendMessage/receiveMessage pass a descriptor with SCM_RIGHTS")
    func passDescriptor() throws {
        try expectNoLeaks { ledger in
            let (channelA, channelB) = ledger.track(try Socket.pair(.unix, .stream))
            let (payload, payloadPeer) = ledger.track(try Socket.pair(.unix, .stream))
            defer { closeAll(channelA, channelB, payload, payloadPeer) }

            let control = ControlMessage.unixRights([payload.rawValue]).encoded()
            let data = bytes("fd")
            let sent = try data.withUnsafeBytes { dataBytes in
                try control.withUnsafeBytes { controlBytes in
                    var vector = iovec(iov_base: UnsafeMutableRawPointer(mutating: dataBytes.baseAddress), iov_len: dataBytes.count)
                    return try withUnsafePointer(to: &vector) { vectorPointer in
                        try channelA.sendMessage(UnsafeBufferPointer(start: vectorPointer, count: 1), control: controlBytes)
                    }
                }
            }
            #expect(sent == 2)

            var received = [UInt8](repeating: 0, count: 16)
            var controlBuffer = [UInt8](repeating: 0, count: ControlMessage.space(MemoryLayout<Int32>.size * 4))
            let (result, messages) = try received.withUnsafeMutableBytes { dataBytes in
                try controlBuffer.withUnsafeMutableBytes { controlBytes in
                    var vector = iovec(iov_base: dataBytes.baseAddress, iov_len: dataBytes.count)
                    let result = try withUnsafePointer(to: &vector) { vectorPointer in
                        try channelB.receiveMessage(into: UnsafeBufferPointer(start: vectorPointer, count: 1), control: controlBytes)
                    }
                    let messages = try ControlMessage.parse(UnsafeRawBufferPointer(rebasing: controlBytes[..<result.controlCount]))
                    return (result, messages)
                }
            }
            #expect(result.count == 2)
            #expect(Array(received[..<2]) == data)
            #expect(!result.isTruncated && !result.isControlTruncated)
            #expect(messages.count == 1)
            let descriptors = try #require(messages.first?.unixRights)
            #expect(descriptors.count == 1)
            let passed = Socket(rawValue: descriptors[0])
            ledger.track(passed)
            defer { closeAll(passed) }

            #expect(passed != payload, "the receiver gets a new descriptor")
            #expect(descriptorIdentity(passed.rawValue) == descriptorIdentity(payload.rawValue), "for the same socket")
            #expect(try passed.isCloseOnExec, "MSG_CMSG_CLOEXEC is always set")
            _ = try passed.send("via passed fd")
            #expect(try payloadPeer.receive(maxCount: 64) == bytes("via passed fd"))
        }
    }

    @Test func receiveMessageReportsTruncationAndSender() throws {
        try expectNoLeaks { ledger in
            let a = ledger.track(try Socket(.inet, .datagram))
            let b = ledger.track(try Socket(.inet, .datagram))
            defer { closeAll(a, b) }
            try a.bind(.ipv4(127, 0, 0, 1, port: 0))
            try b.bind(.ipv4(127, 0, 0, 1, port: 0))
            let data = bytes("0123456789")
            let sent = try data.withUnsafeBytes { raw in
                var vector = iovec(iov_base: UnsafeMutableRawPointer(mutating: raw.baseAddress), iov_len: raw.count)
                return try withUnsafePointer(to: &vector) { try a.sendMessage(UnsafeBufferPointer(start: $0, count: 1), to: b.localAddress) }
            }
            #expect(sent == 10)
            var small = [UInt8](repeating: 0, count: 4)
            let result = try small.withUnsafeMutableBytes { raw in
                var vector = iovec(iov_base: raw.baseAddress, iov_len: raw.count)
                return try withUnsafePointer(to: &vector) { try b.receiveMessage(into: UnsafeBufferPointer(start: $0, count: 1)) }
            }
            #expect(result.count == 4)
            #expect(result.isTruncated)
            #expect(small == bytes("0123"))
            #expect(try result.from == a.localAddress)
        }
    }

    @Test func controlMessageRoundTrip() throws {
        let messages = [ControlMessage.unixRights([3, 4, 5]), ControlMessage(level: 1, type: 99, data: [1, 2, 3])]
        let encoded = ControlMessage.encode(messages)
        #expect(encoded.count == ControlMessage.space(12) + ControlMessage.space(3))
        let decoded = try encoded.withUnsafeBytes { try ControlMessage.parse($0) }
        #expect(decoded == messages)
        #expect(decoded[0].unixRights == [3, 4, 5])
        #expect(decoded[1].unixRights == nil)
        var corrupt = encoded
        corrupt[0] = 0xff                     // cmsg_len far beyond the buffer
        #expect(throws: Errno.invalidArgument) { try corrupt.withUnsafeBytes { try ControlMessage.parse($0) } }
    }
}
