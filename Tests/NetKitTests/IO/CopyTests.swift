// Contract tests for copy, copyBuffer and copyN (Go: src/io/io_test.go TestCopy*, TestCopyN*).
import Testing
@testable import NetKit

@Suite("IO copy / copyBuffer / copyN")
struct CopyTests {
    /// A reader that is neither a WriterTo nor hides anything: forces the staging loop.
    final class PlainReader: Reader {
        let inner: any Reader
        init(_ inner: any Reader) { self.inner = inner }
        func read(into buffer: UnsafeMutableRawBufferPointer) async throws -> Int {
            try await inner.read(into: buffer)
        }
    }

    /// Records whether writeTo was used (Go's writeToChecker).
    final class WriteToChecker: Reader, WriterTo {
        let buffer: BytesBuffer
        var writeToCalled = false
        init(_ string: String) { buffer = BytesBuffer(string) }
        func read(into target: UnsafeMutableRawBufferPointer) throws -> Int { try buffer.read(into: target) }
        func writeTo(_ writer: any Writer) async throws -> Int64 {
            writeToCalled = true
            return try await buffer.writeTo(writer)
        }
    }

    /// Records whether readFrom was used.
    final class ReadFromChecker: Writer, ReaderFrom {
        let buffer = BytesBuffer()
        var readFromCalled = false
        func write(_ source: UnsafeRawBufferPointer) -> Int { buffer.write(source) }
        func readFrom(_ reader: any Reader) async throws -> Int64 {
            readFromCalled = true
            return try await buffer.readFrom(reader)
        }
    }

    @Test func copyStagesThroughABuffer() async throws {
        let dst = IORecordingWriter()
        let n = try await copy(dst, PlainReader(IOChunkReader("hello, world.", stride: 4)))
        #expect(n == 13)
        #expect(dst.string == "hello, world.")
        #expect(dst.writes.map(\.count) == [4, 4, 4, 1])  // every read is written as it comes
    }

    @Test func copyUsesReaderFrom() async throws {
        let dst = ReadFromChecker()
        #expect(try await copy(dst, PlainReader(IOChunkReader("hello, world."))) == 13)
        #expect(dst.readFromCalled)
        #expect(dst.buffer.description == "hello, world.")
    }

    @Test func copyUsesWriterTo() async throws {
        let src = WriteToChecker("hello, world.")
        let dst = IORecordingWriter()
        #expect(try await copy(dst, src) == 13)
        #expect(src.writeToCalled)
        #expect(dst.string == "hello, world.")
    }

    @Test func copyPrefersWriterToOverReaderFrom() async throws {
        let src = WriteToChecker("hello, world.")
        let dst = ReadFromChecker()
        try await copy(dst, src)
        #expect(src.writeToCalled)
        #expect(!dst.readFromCalled)
        #expect(dst.buffer.description == "hello, world.")
    }

    @Test func copyBetweenBytesBuffers() async throws {
        let src = BytesBuffer("hello, world.")
        let dst = BytesBuffer()
        #expect(try await copy(dst, src) == 13)
        #expect(dst.description == "hello, world.")
        #expect(src.len == 0)
    }

    @Test func copyBufferWithTinyBuffer() async throws {
        let buf = UnsafeMutableRawBufferPointer.allocate(byteCount: 1, alignment: 1)
        defer { buf.deallocate() }
        let dst = IORecordingWriter()
        #expect(try await copyBuffer(dst, PlainReader(IOChunkReader("hello, world.")), buffer: buf) == 13)
        #expect(dst.string == "hello, world.")
        #expect(dst.writes.count == 13)
    }

    @Test func copyReadErrorThenWriteErrorReportsWriteError() async throws {
        // Go's TestCopyReadErrWriteErr: the write error is the one that stopped progress.
        let src = IOChunkReader([0], then: IOTestError("readError"))
        let dst = IOFailingWriter(error: IOTestError("writeError"))
        await ioExpectThrows(IOTestError("writeError")) { try await copy(dst, PlainReader(src)) }
    }

    @Test func copyThrowsReadErrorAfterWritingTheData() async throws {
        let dst = IORecordingWriter()
        await ioExpectThrows(IOTestError("reset")) {
            try await copy(dst, PlainReader(IOChunkReader("abc", stride: 2, then: IOTestError("reset"))))
        }
        #expect(dst.string == "abc")
    }

    @Test func copyReportsShortWrite() async throws {
        let dst = IOShortWriter(limit: 2)
        await ioExpectThrows(IOError.shortWrite) { try await copy(dst, PlainReader(IOChunkReader("abcdef"))) }
        #expect(dst.bytes == ioBytes("ab"))
    }

    @Test func copyGivesUpOnNoProgress() async throws {
        await ioExpectThrows(IOError.noProgress) {
            try await copy(IORecordingWriter(), IOZeroReader(empties: nil))
        }
    }

    @Test func copyOfEmptySourceIsZero() async throws {
        #expect(try await copy(IORecordingWriter(), PlainReader(IOChunkReader(""))) == 0)
    }

    @Test func copyN() async throws {
        let dst = IORecordingWriter()
        #expect(try await NetKit.copyN(dst, PlainReader(IOChunkReader("hello, world.")), count: 5) == 5)
        #expect(dst.string == "hello")
        // ReaderFrom and WriterTo paths.
        let buffered = BytesBuffer()
        #expect(try await NetKit.copyN(buffered, PlainReader(IOChunkReader("hello")), count: 5) == 5)
        #expect(buffered.description == "hello")
        let dst2 = IORecordingWriter()
        #expect(try await NetKit.copyN(dst2, BytesBuffer("hello, world."), count: 5) == 5)
        #expect(dst2.string == "hello")
    }

    @Test func copyNNegativeCopiesNothing() async throws {
        let src = BytesBuffer("hello")
        let dst = BytesBuffer()
        #expect(try await copy(dst, LimitedReader(src, -1)) == 0)
        #expect(try await NetKit.copyN(dst, src, count: -1) == 0)
        #expect(dst.len == 0)
    }

    @Test func copyNEOF() async throws {
        // Go's TestCopyNEOF: the same end-of-source behaviour with and without ReaderFrom.
        let plain = IORecordingWriter()
        #expect(try await NetKit.copyN(plain, BytesReader("foo"), count: 3) == 3)
        await ioExpectThrows(IOError.eof) { try await NetKit.copyN(plain, BytesReader("foo"), count: 4) }
        #expect(plain.string == "foofoo")

        let buffer = BytesBuffer()
        #expect(try await NetKit.copyN(buffer, BytesReader("foo"), count: 3) == 3)
        await ioExpectThrows(IOError.eof) { try await NetKit.copyN(buffer, BytesReader("foo"), count: 4) }
        #expect(buffer.description == "foofoo")

        // A reader that fills every buffer and fails on the next call (Go's wantedAndErrReader).
        final class WantedThenError: Reader {
            var failNext = false
            func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
                if failNext { throw IOTestError("wantedAndErrReader error") }
                failNext = true
                return buffer.count
            }
        }
        #expect(try await NetKit.copyN(BytesBuffer(), WantedThenError(), count: 5) == 5)
        #expect(try await NetKit.copyN(IORecordingWriter(), WantedThenError(), count: 5) == 5)
    }
}
