import Glibc
import Testing
@testable import NetKit

@Suite("File")
struct FileTests {
    @Test func openMissingFileIsAPathError() throws {
        let error = caughtSync { _ = try File.open("/nonexistent-netkit/x") }
        let e = try #require(error as? PathError)
        #expect(e.op == "open" && e.path == "/nonexistent-netkit/x")
        #expect(e.description == "open /nonexistent-netkit/x: no such file or directory")
        #expect(errorIs(e, Errno.self) { $0 == .noSuchFileOrDirectory })
    }

    @Test func writeSeekReadStat() async throws {
        try await withUnixTempDir { dir in
            let path = dir.file("f")
            let f = try File.create(path)
            defer { try? f.close() }
            #expect(f.name == path && f.fd >= 0)
            try await f.write("hello, world")
            #expect(try f.offset == 12)
            #expect(try f.stat().size == 12)
            #expect(try f.stat().isRegular)
            #expect(try f.seek(7) == 7)
            #expect(try await f.read(maxCount: 100) == bytes("world"))
            await #expect(throws: IOError.eof) { _ = try await f.read(maxCount: 100) }
            #expect(try f.seek(-5, from: .end) == 7)
            #expect(try f.seek(-2, from: .current) == 5)
            #expect(try await f.read(maxCount: 2) == bytes(", "))
        }
    }

    @Test func useAfterCloseAndSecondClose() async throws {
        try await withUnixTempDir { dir in
            let path = dir.file("f")
            let f = try File.create(path)
            let fd = f.fd
            try f.close()
            #expect(descriptorIdentity(fd) == nil || descriptorIdentity(fd)?.hasSuffix("/f") == false)
            let read = await caught { _ = try await f.read(maxCount: 1) }
            #expect((read as? PathError)?.description == "read \(path): file already closed")
            #expect(errorIs(read!, FileClosedError.self))
            #expect((caughtSync { try f.close() } as? PathError)?.description == "close \(path): file already closed")
            #expect((caughtSync { _ = try f.stat() } as? PathError)?.op == "stat")
        }
    }

    @Test func copyFromAFileToAnOrdinaryWriter() async throws {
        try await withUnixTempDir { dir in
            let contents = zeroCopyPattern(100_000)
            let f = try File.open(try await zeroCopyFile(dir, "f", contents))
            defer { try? f.close() }
            try f.seek(10)
            let sink = BytesBuffer()
            let (n, tally) = try await withProbe { try await copy(sink, f) }
            #expect(n == 99_990)
            #expect(sink.bytes == Array(contents[10...]))
            #expect(tally == ZeroCopyProbe.Tallies())
        }
    }

    @Test func openFileWithFlags() async throws {
        try await withUnixTempDir { dir in
            let path = dir.file("f")
            let f = try File.openFile(path, flags: O_WRONLY | O_CREAT | O_EXCL, mode: 0o600)
            try await f.write("x")
            try f.close()
            let again = caughtSync { _ = try File.openFile(path, flags: O_WRONLY | O_CREAT | O_EXCL) }
            #expect((again as? PathError)?.description == "open \(path): file exists")
            let a = try File.openFile(path, flags: O_WRONLY | O_APPEND)
            try await a.write("y")
            try a.close()
            let r = try File.open(path)
            defer { try? r.close() }
            #expect(try await r.read(maxCount: 10) == bytes("xy"))
        }
    }
}
