// Contract tests for readAtLeast, readFull and readAll (Go: src/io/io_test.go TestReadAtLeast*,
// adapted to the NetKit mapping of "n > 0 and an error": data now, the error on the next call).
import Testing
@testable import NetKit

@Suite("IO readAtLeast / readFull / readAll")
struct ReadFullTests {
    /// Go's testReadAtLeast, against a reader kind; `trailingError` is what the reader throws
    /// when it runs dry (EOF for a bytes.Buffer, or a fake error).
    private func checkReadAtLeast(trailingError: (any Error)?) async throws {
        // A buffer that throws `trailingError` once right after handing out its last byte.
        final class DataAndErrorBuffer: Reader {
            let buffer = BytesBuffer()
            let trailingError: (any Error)?
            var pending: (any Error)?
            init(_ trailingError: (any Error)?) { self.trailingError = trailingError }
            func read(into target: UnsafeMutableRawBufferPointer) throws -> Int {
                if target.isEmpty { return 0 }
                if let error = pending {
                    pending = nil
                    throw error
                }
                let n = try buffer.read(into: target)
                if buffer.len == 0 { pending = trailingError }
                return n
            }
        }
        let rb = DataAndErrorBuffer(trailingError)
        rb.buffer.writeString("0123")
        let buf = UnsafeMutableRawBufferPointer.allocate(byteCount: 2, alignment: 1)
        defer { buf.deallocate() }

        #expect(try await readAtLeast(rb, into: buf, minimum: 2) == 2)
        await ioExpectThrows(IOError.shortBuffer) { try await readAtLeast(rb, into: buf, minimum: 4) }
        #expect(try await readAtLeast(rb, into: buf, minimum: 1) == 2)
        #expect(Array(buf) == ioBytes("23"))
        // Drained: the deferred error (if any) comes first, then the buffer's own EOF.
        if let trailing = trailingError, !trailing.isEOF {
            await ioExpectThrows(trailing as! IOTestError) { try await readAtLeast(rb, into: buf, minimum: 2) }
        }
        await ioExpectThrows(IOError.eof) { try await readAtLeast(rb, into: buf, minimum: 2) }
        rb.buffer.writeString("4")
        if let trailing = trailingError as? IOTestError {
            await ioExpectThrows(trailing) { try await readAtLeast(rb, into: buf, minimum: 2) }
        } else {
            await ioExpectThrows(IOError.unexpectedEOF) { try await readAtLeast(rb, into: buf, minimum: 2) }
        }
    }

    @Test func readAtLeastBytesBuffer() async throws {
        try await checkReadAtLeast(trailingError: nil)
    }

    @Test func readAtLeastWithDataAndEOF() async throws {
        try await checkReadAtLeast(trailingError: IOError.eof)
    }

    @Test func readAtLeastWithDataAndError() async throws {
        try await checkReadAtLeast(trailingError: IOTestError("fake error"))
    }

    @Test func readAtLeastMinimumZeroDoesNotRead() async throws {
        let reader = IOChunkReader("abc")
        let buf = UnsafeMutableRawBufferPointer.allocate(byteCount: 4, alignment: 1)
        defer { buf.deallocate() }
        #expect(try await readAtLeast(reader, into: buf, minimum: 0) == 0)
        #expect(reader.calls == 0)
    }

    @Test func readAtLeastMayReadMoreThanMinimum() async throws {
        let buf = UnsafeMutableRawBufferPointer.allocate(byteCount: 8, alignment: 1)
        defer { buf.deallocate() }
        #expect(try await readAtLeast(IOChunkReader("abcdef"), into: buf, minimum: 2) == 6)
        // One byte at a time it keeps going until the minimum, no further.
        #expect(try await readAtLeast(IOOneByteReader(IOChunkReader("abcdef")), into: buf, minimum: 3) == 3)
    }

    @Test(arguments: [1, 2, 3, 7, 100])
    func readFullWithAnyStride(stride: Int) async throws {
        let data = Array(0..<100).map { UInt8($0) }
        var bytes = [UInt8](repeating: 0, count: 100)
        try await readFull(IOChunkReader(data, stride: stride), into: &bytes)
        #expect(bytes == data)
    }

    @Test func readFullOneByteAndHalfReaders() async throws {
        #expect(try await readFull(IOOneByteReader(IOChunkReader("hello, world")), count: 12) == ioBytes("hello, world"))
        #expect(try await readFull(IOHalfReader(IOChunkReader("hello, world")), count: 12) == ioBytes("hello, world"))
    }

    @Test func readFullEOFOnlyIfNothingRead() async throws {
        await ioExpectThrows(IOError.eof) { _ = try await readFull(IOChunkReader(""), count: 4) }
        await ioExpectThrows(IOError.unexpectedEOF) { _ = try await readFull(IOChunkReader("ab"), count: 4) }
        await ioExpectThrows(IOError.unexpectedEOF) {
            _ = try await readFull(IOOneByteReader(IOChunkReader("abc")), count: 4)
        }
    }

    @Test func readFullPassesOtherErrorsAfterData() async throws {
        let failure = IOTestError("connection reset")
        await ioExpectThrows(failure) { _ = try await readFull(IOChunkReader("ab", then: failure), count: 4) }
        await ioExpectThrows(failure) { _ = try await readFull(IOChunkReader("", then: failure), count: 4) }
    }

    @Test func readFullExactLengthDoesNotTouchTheNextError() async throws {
        let reader = IOChunkReader("abcd", then: IOTestError("later"))
        #expect(try await readFull(reader, count: 4) == ioBytes("abcd"))
        #expect(reader.calls == 1)
    }

    @Test func readFullEmptyBufferReadsNothing() async throws {
        let reader = IOChunkReader("")
        #expect(try await readFull(reader, count: 0) == [])
        var empty: [UInt8] = []
        try await readFull(reader, into: &empty)
        #expect(reader.calls == 0)
    }

    @Test func readFullInoutLeavesBytesOnError() async throws {
        var bytes = ioBytes("xxxx")
        await ioExpectThrows(IOError.unexpectedEOF) { try await readFull(IOChunkReader("ab"), into: &bytes) }
        #expect(bytes == ioBytes("xxxx"))
    }

    @Test func readFullToleratesSomeEmptyReads() async throws {
        let reader = IOZeroReader(empties: 99, then: IOChunkReader("abc"))
        #expect(try await readFull(reader, count: 3) == ioBytes("abc"))
    }

    @Test func readFullGivesUpAfterHundredEmptyReads() async throws {
        let reader = IOZeroReader(empties: nil)
        await ioExpectThrows(IOError.noProgress) { _ = try await readFull(reader, count: 3) }
        #expect(reader.calls == 100)
    }

    @Test func readAllReadsToTheEnd() async throws {
        let big = (0..<200_000).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        #expect(try await readAll(IOChunkReader(big, stride: 4099)) == big)
        #expect(try await readAll(IOOneByteReader(IOChunkReader("abc"))) == ioBytes("abc"))
        #expect(try await readAll(IOChunkReader("")) == [])
    }

    @Test func readAllThrowsOtherErrors() async throws {
        await ioExpectThrows(IOTestError()) { _ = try await readAll(IOChunkReader("abc", then: IOTestError())) }
        await ioExpectThrows(IOError.noProgress) { _ = try await readAll(IOZeroReader(empties: nil)) }
    }

    @Test func readMaxCountConvenience() async throws {
        let reader = IOChunkReader("hello", stride: 3)
        #expect(try await reader.read(maxCount: 10) == ioBytes("hel"))
        #expect(try await reader.read(maxCount: 1) == ioBytes("l"))
        #expect(try await reader.read(maxCount: 10) == ioBytes("o"))
        #expect(try await reader.read(maxCount: 0) == [])
        await ioExpectThrows(IOError.eof) { _ = try await reader.read(maxCount: 10) }
    }

    @Test func errorTextsAreGos() {
        #expect(IOError.eof.description == "EOF")
        #expect(IOError.unexpectedEOF.description == "unexpected EOF")
        #expect(IOError.shortWrite.description == "short write")
        #expect(IOError.shortBuffer.description == "short buffer")
        #expect(IOError.noProgress.description == "multiple Read calls return no data or error")
        #expect(IOError.closedPipe.description == "io: read/write on closed pipe")
        #expect("\(IOError.eof)" == "EOF")
    }
}
