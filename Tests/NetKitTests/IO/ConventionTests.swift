// The conventions every NetKit reader and writer follows: empty reads return 0 without touching
// the source, the "data and an error" mapping, short writes become IOError.shortWrite, and
// Closer accepts synchronous close methods.
import Testing
@testable import NetKit

/// Counts the reads it forwards.
private final class CountingReader: Reader {
    let reader: any Reader
    var calls = 0
    init(_ reader: any Reader) { self.reader = reader }
    func read(into buffer: UnsafeMutableRawBufferPointer) async throws -> Int {
        calls += 1
        return try await reader.read(into: buffer)
    }
}

/// A string writer that accepts one byte less than asked, without throwing (broken).
private final class ShortStringWriter: Writer, StringWriter {
    var strings: [String] = []
    func write(_ buffer: UnsafeRawBufferPointer) -> Int { buffer.count }
    func writeString(_ string: String) -> Int {
        strings.append(string)
        return string.utf8.count - 1
    }
}

@Suite("IO conventions")
struct ConventionTests {
    @Test func emptyReadsReturnZeroWithoutReadingTheSource() async throws {
        let source = CountingReader(IOChunkReader("", then: IOTestError("must not be seen")))
        let (pipeReader, pipeWriter) = ioPipe()
        let readers: [any Reader] = [
            LimitedReader(source, 10),
            LimitedReader(source, 0),
            MultiReader(source),
            TeeReader(source, IORecordingWriter()),
            BufferedReader(source),
            NopCloser(source),
            BytesReader(""),
            BytesBuffer(),
            pipeReader,
        ]
        for reader in readers {
            #expect(try await reader.read(into: UnsafeMutableRawBufferPointer(start: nil, count: 0)) == 0)
        }
        #expect(source.calls == 0)
        pipeWriter.close()
    }

    @Test func bufferedReadCallsTheSourceAtMostOnce() async throws {
        let source = CountingReader(IOChunkReader("abcdef", stride: 1))
        let b = BufferedReader(source, size: 16)
        #expect(try await b.read(maxCount: 4) == ioBytes("a"))
        #expect(source.calls == 1)
        #expect(try await b.read(maxCount: 4) == ioBytes("b"))
        #expect(source.calls == 2)
    }

    @Test func dataThenErrorOnTheNextCall() async throws {
        // The mapping of Go's (n > 0, err): every adapter hands the data over first.
        let failure = IOTestError("late")
        let readers: [any Reader] = [
            IOChunkReader("abc", then: failure),
            LimitedReader(IOChunkReader("abc", then: failure), 100),
            MultiReader(IOChunkReader("abc", then: failure)),
            TeeReader(IOChunkReader("abc", then: failure), IORecordingWriter()),
            BufferedReader(IOChunkReader("abc", then: failure)),
        ]
        for reader in readers {
            #expect(try await reader.read(maxCount: 10) == ioBytes("abc"))
            await ioExpectThrows(failure) { _ = try await reader.read(maxCount: 10) }
        }
    }

    @Test func convenienceWritesReportShortWrites() async throws {
        await ioExpectThrows(IOError.shortWrite) { try await IOShortWriter(limit: 2).write(ioBytes("abc")) }
        await ioExpectThrows(IOError.shortWrite) { try await IOShortWriter(limit: 2).write("abc") }
        await ioExpectThrows(IOError.shortWrite) { try await IOShortWriter(limit: 2).write(ioBytes("abc")[...]) }
        let sink = IOShortWriter(limit: 10)
        try await sink.write("héllo")
        #expect(sink.bytes == ioBytes("héllo"))
    }

    @Test func writeStringGoesThroughStringWriter() async throws {
        // Go's io.WriteString: a StringWriter's WriteString is used when there is one.
        let sink = ShortStringWriter()
        await ioExpectThrows(IOError.shortWrite) { try await sink.write("abc") }
        #expect(sink.strings == ["abc"])
        let w: any Writer = BytesBuffer()
        try await w.write("via protocol")
        #expect((w as! BytesBuffer).description == "via protocol")
    }

    @Test func synchronousCloseSatisfiesCloser() async throws {
        let (r, w) = ioPipe()
        let closers: [any Closer] = [r, w, NopCloser(BytesReader(""))]
        for closer in closers { try closer.close() }
        await ioExpectThrows(IOError.closedPipe) { _ = try await r.read(maxCount: 1) }
    }

    @Test func emptyCopyBufferIsAPreconditionFailure() async {
        // Go: "if buf has zero length, CopyBuffer panics".
        await #expect(processExitsWith: .failure) {
            let empty = UnsafeMutableRawBufferPointer(start: nil, count: 0)
            _ = try? await copyBuffer(BytesBuffer(), IOChunkReader("abc"), buffer: empty)
        }
    }

    @Test func truncateOutOfRangeIsAPreconditionFailure() async {
        // Go: "bytes.Buffer: truncation out of range" panics.
        await #expect(processExitsWith: .failure) {
            BytesBuffer("abc").truncate(4)
        }
    }
}
