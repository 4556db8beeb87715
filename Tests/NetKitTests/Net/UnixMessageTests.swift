import Glibc
import Testing
@testable import NetKit

/// Control messages over Unix sockets: descriptor passing (`SCM_RIGHTS`) without leaks, close-on-exec
/// (reliability.md A8; Go's TestUnixConnReadMsgUnixSCMRightsCloseOnExec), truncated control data, the
/// one-byte carrier of Go's `WriteMsgUnix`.
@Suite("Unix control messages")
struct UnixMessageTests {
    /// A pipe holding `contents` (its write end closed), as (read end, identity).
    static func filledPipe(_ contents: String) throws -> (Int32, String) {
        var fds: [Int32] = [-1, -1]
        guard Glibc.pipe(&fds) == 0 else { throw Errno.current }
        let bytes = Array(contents.utf8)
        _ = bytes.withUnsafeBytes { Glibc.write(fds[1], $0.baseAddress, $0.count) }
        close(fds[1])
        return (fds[0], descriptorIdentity(fds[0]) ?? "?")
    }

    static func readAll(_ fd: Int32) -> String {
        var buffer = [UInt8](repeating: 0, count: 256)
        let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
        return n < 0 ? "" : String(decoding: buffer[..<n], as: UTF8.self)
    }

    static func descriptors(_ oob: [UInt8], _ count: Int) throws -> [Int32] {
        try oob.withUnsafeBytes { raw in
            try ControlMessage.parse(UnsafeRawBufferPointer(rebasing: raw[..<count]))
        }.compactMap(\.unixRights).flatMap { $0 }
    }

    @Test("three descriptors with no data: one carrier byte, close-on-exec, same files, no leak",
          arguments: ["unix", "unixpacket"])
    func passThreeDescriptors(network: String) async throws {
        let (ln, c, s) = try await unixConnectedPair(network, "@" + uniqueSocketName("scm"))
        defer { try? ln.close(); try? c.close(); try? s.close() }
        let contents = ["one", "two", "three"]
        let pipes = try contents.map(Self.filledPipe)
        let originals = pipes.map(\.0)
        try await withWatchdog {
            let oob = ControlMessage.unixRights(originals).encoded()
            let sent = try await c.writeMsgUnix([], oob: oob)
            #expect(sent.count == 0 && sent.oobCount == oob.count)

            var data: [UInt8] = []
            var roob = [UInt8](repeating: 0, count: ControlMessage.space(3 * 4))
            let message = try await s.readMsgUnix(into: &data, oob: &roob)
            #expect(message.count == 0)
            #expect(!message.isControlTruncated && !message.isTruncated)
            #expect(message.addr == nil)
            let received = try Self.descriptors(roob, message.oobCount)
            #expect(received.count == 3)
            for (i, fd) in received.enumerated() {
                #expect(fcntl(fd, F_GETFD) & FD_CLOEXEC != 0, "received descriptor \(fd) is not close-on-exec")
                #expect(descriptorIdentity(fd) == pipes[i].1)
                #expect(Self.readAll(fd) == contents[i])
                close(fd)
            }
            // The carrier byte was consumed: the next data arrives clean.
            try await c.write("x")
            #expect(try await s.read(maxCount: 8) == Array("x".utf8))
        }
        for fd in originals { close(fd) }
        #expect(await waitUntilClosed(pipes.map(\.1)).isEmpty)
    }

    @Test("descriptors with data, through the raw-buffer API")
    func passWithData() async throws {
        let (ln, c, s) = try await unixConnectedPair("unix", "@" + uniqueSocketName("scmd"))
        defer { try? ln.close(); try? c.close(); try? s.close() }
        let (fd, identity) = try Self.filledPipe("payload")
        try await withWatchdog {
            let oob = ControlMessage.unixRights([fd]).encoded()
            let data = Array("hello".utf8)
            let d = UnsafeMutableRawBufferPointer.allocate(byteCount: data.count, alignment: 1)
            let o = UnsafeMutableRawBufferPointer.allocate(byteCount: oob.count, alignment: 8)
            defer { d.deallocate(); o.deallocate() }
            d.copyBytes(from: data)
            o.copyBytes(from: oob)
            let sent = try await c.writeMsgUnix(UnsafeRawBufferPointer(d), oob: UnsafeRawBufferPointer(o))
            #expect(sent.count == 5 && sent.oobCount == oob.count)
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 16, alignment: 1)
            let control = UnsafeMutableRawBufferPointer.allocate(byteCount: ControlMessage.space(4), alignment: 8)
            defer { buffer.deallocate(); control.deallocate() }
            let message = try await s.readMsgUnix(into: buffer, oob: control)
            #expect(message.count == 5)
            #expect(Array(buffer[..<5]) == data)
            let received = try ControlMessage.parse(UnsafeRawBufferPointer(rebasing: control[..<message.oobCount]))
                .compactMap(\.unixRights).flatMap { $0 }
            #expect(received.count == 1)
            if let r = received.first {
                #expect(Self.readAll(r) == "payload")
                close(r)
            }
        }
        close(fd)
        #expect(await waitUntilClosed([identity]).isEmpty)
    }

    @Test("a too-small control buffer: truncation reported, the descriptors that arrived are closed, none leak")
    func truncatedControlDoesNotLeak() async throws {
        let (ln, c, s) = try await unixConnectedPair("unix", "@" + uniqueSocketName("ctr"))
        defer { try? ln.close(); try? c.close(); try? s.close() }
        let pipes = try ["a", "b", "c"].map(Self.filledPipe)
        try await withWatchdog {
            // Room for one descriptor of three.
            try await c.writeMsgUnix(Array("1".utf8), oob: ControlMessage.unixRights(pipes.map(\.0)).encoded())
            var data = [UInt8](repeating: 0, count: 8)
            var oob = [UInt8](repeating: 0, count: ControlMessage.space(4))
            let message = try await s.readMsgUnix(into: &data, oob: &oob)
            #expect(message.isControlTruncated)
            #expect(message.count == 1 && data[0] == UInt8(ascii: "1"))
            let received = try Self.descriptors(oob, message.oobCount)
            #expect(received.allSatisfy { $0 == -1 }, "truncated descriptors must be closed and blanked: \(received)")

            // No control buffer at all: the kernel drops them, the flag says so.
            try await c.writeMsgUnix(Array("2".utf8), oob: ControlMessage.unixRights(pipes.map(\.0)).encoded())
            var none: [UInt8] = []
            let second = try await s.readMsgUnix(into: &data, oob: &none)
            #expect(second.isControlTruncated && second.oobCount == 0)

            // A plain read discards them too.
            try await c.writeMsgUnix(Array("3".utf8), oob: ControlMessage.unixRights(pipes.map(\.0)).encoded())
            #expect(try await s.read(maxCount: 8) == Array("3".utf8))
        }
        for (fd, _) in pipes { close(fd) }
        let leaked = await waitUntilClosed(pipes.map(\.1))
        #expect(leaked.isEmpty, "received descriptors leaked: \(leaked)")
    }

    @Test("unixgram: descriptors to an address, the sender's address comes back; an empty datagram carries them")
    func datagramPassing() async throws {
        try await withUnixTempDir { dir in
            let a = try listenUnixgram("unixgram", laddr: UnixAddr(name: dir.file("a"), net: "unixgram"))
            let b = try listenUnixgram("unixgram", laddr: UnixAddr(name: dir.file("b"), net: "unixgram"))
            defer { try? a.close(); try? b.close() }
            let (fd, identity) = try Self.filledPipe("gram")
            try await withWatchdog {
                let oob = ControlMessage.unixRights([fd]).encoded()
                let sent = try await a.writeMsgUnix([], oob: oob, to: b.localUnixAddr)
                #expect(sent.count == 0)
                var data = [UInt8](repeating: 0, count: 8)
                var roob = [UInt8](repeating: 0, count: ControlMessage.space(4))
                let message = try await b.readMsgUnix(into: &data, oob: &roob)
                #expect(message.count == 0)   // a datagram needs no carrier byte
                #expect(message.addr == a.localUnixAddr)
                let received = try Self.descriptors(roob, message.oobCount)
                #expect(received.count == 1)
                for r in received {
                    #expect(Self.readAll(r) == "gram")
                    close(r)
                }
                // Go's checks: the wrong network for the destination.
                let wrong = await caught { try await a.writeMsgUnix([1], oob: [], to: UnixAddr(name: dir.file("b"), net: "unix")) }
                #expect(unixErrno(wrong) == .addressFamilyNotSupported)
            }
            close(fd)
            #expect(await waitUntilClosed([identity]).isEmpty)
        }
    }

    @Test("a closed descriptor in SCM_RIGHTS fails with EBADF, in Go's words")
    func badDescriptor() async throws {
        let (ln, c, s) = try await unixConnectedPair("unix", "@" + uniqueSocketName("ebadf"))
        defer { try? ln.close(); try? c.close(); try? s.close() }
        // A number no descriptor has (a just-closed one could be reused by a test running in parallel).
        let fd: Int32 = 999_999
        let error = await caught { try await c.writeMsgUnix(Array("x".utf8), oob: ControlMessage.unixRights([fd]).encoded()) }
        #expect(unixErrno(error) == .badFileDescriptor)
        #expect((error as? OpError)?.description == "write unix \(ln.addr.description): sendmsg: bad file descriptor")
    }

    @Test("writeMsgUnix to a closed peer fails with EPIPE and raises no SIGPIPE (E37; swift test keeps SIG_DFL)")
    func writeMsgBrokenPipe() async throws {
        let (ln, c, s) = try await unixConnectedPair("unix", "@" + uniqueSocketName("epipe"))
        defer { try? ln.close(); try? c.close(); try? s.close() }
        try s.close()
        try await withWatchdog {
            var last: (any Error)?
            for _ in 0..<3 {
                last = await caught { try await c.writeMsgUnix(Array("x".utf8), oob: []) }
                if last != nil { break }
            }
            let errno = unixErrno(last)
            #expect(errno == .brokenPipe || errno == .connectionReset, "got \(String(describing: last))")
        }
    }

    @Test("readMsgUnix on a closed peer is EOF wrapped in an OpError, as Go's ReadMsgUnix")
    func readMsgEOF() async throws {
        let (ln, c, s) = try await unixConnectedPair("unix", "@" + uniqueSocketName("meof"))
        defer { try? ln.close(); try? c.close(); try? s.close() }
        try c.close()
        try await withWatchdog {
            var data = [UInt8](repeating: 0, count: 8)
            var oob = [UInt8](repeating: 0, count: ControlMessage.space(4))
            let error = await caught { _ = try await s.readMsgUnix(into: &data, oob: &oob) }
            let op = try #require(error as? OpError)
            #expect((op.err as? IOError) == .eof)
            #expect(op.op == "read")
        }
    }
}
