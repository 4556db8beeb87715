// Contract tests for LimitedReader, MultiReader, MultiWriter, TeeReader, discard, NopCloser
// (Go: src/io/io_test.go, src/io/multi_test.go).
import Testing
@testable import NetKit

@Suite("IO readers and writers that wrap others")
struct AdapterTests {
    @Test func limitedReaderStopsAfterN() async throws {
        let limited = limitReader(IOChunkReader("hello, world"), 5)
        #expect(try await limited.read(maxCount: 3) == ioBytes("hel"))
        #expect(limited.remaining == 2)
        #expect(try await limited.read(maxCount: 100) == ioBytes("lo"))
        #expect(limited.remaining == 0)
        await ioExpectThrows(IOError.eof) { _ = try await limited.read(maxCount: 100) }
        #expect(try await limited.read(maxCount: 0) == [])
    }

    @Test func limitedReaderWithNonPositiveLimitIsAtEOF() async throws {
        let source = IOChunkReader("abc")
        await ioExpectThrows(IOError.eof) { _ = try await LimitedReader(source, 0).read(maxCount: 1) }
        await ioExpectThrows(IOError.eof) { _ = try await LimitedReader(source, -3).read(maxCount: 1) }
        #expect(source.calls == 0)
    }

    @Test func limitedReaderEndsEarlyWithTheSource() async throws {
        let limited = LimitedReader(IOChunkReader("ab"), 10)
        #expect(try await readAll(limited) == ioBytes("ab"))
        #expect(limited.remaining == 8)
    }

    @Test func multiReaderSequence() async throws {
        // Go's TestMultiReader, three read patterns.
        func fooBar() -> MultiReader { MultiReader(BytesReader("foo "), BytesReader(""), BytesReader("bar")) }
        var mr = fooBar()
        #expect(try await mr.read(maxCount: 2) == ioBytes("fo"))
        #expect(try await mr.read(maxCount: 5) == ioBytes("o "))
        #expect(try await mr.read(maxCount: 5) == ioBytes("bar"))
        await ioExpectThrows(IOError.eof) { _ = try await mr.read(maxCount: 5) }

        mr = fooBar()
        #expect(try await mr.read(maxCount: 4) == ioBytes("foo "))
        #expect(try await mr.read(maxCount: 1) == ioBytes("b"))
        #expect(try await mr.read(maxCount: 3) == ioBytes("ar"))
        await ioExpectThrows(IOError.eof) { _ = try await mr.read(maxCount: 1) }

        mr = fooBar()
        #expect(try await mr.read(maxCount: 5) == ioBytes("foo "))  // a read never spans two inputs
    }

    @Test func multiReaderReturnsFirstNonEOFErrorAndRetries() async throws {
        final class FailOnce: Reader {
            var failed = false
            func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
                if !failed {
                    failed = true
                    throw IOTestError("transient")
                }
                buffer[0] = UInt8(ascii: "x")
                return 1
            }
        }
        let mr = MultiReader(BytesReader("a"), FailOnce())
        #expect(try await mr.read(maxCount: 4) == ioBytes("a"))
        await ioExpectThrows(IOTestError("transient")) { _ = try await mr.read(maxCount: 4) }
        #expect(try await mr.read(maxCount: 4) == ioBytes("x"))
    }

    @Test func multiReaderAsWriterTo() async throws {
        let mr = MultiReader(BytesReader("foo "), MultiReader(BytesReader(""), BytesReader("bar")))
        let sink = IORecordingWriter()
        #expect(try await mr.writeTo(sink) == 7)
        #expect(sink.string == "foo bar")
        await ioExpectThrows(IOError.eof) { _ = try await mr.read(maxCount: 1) }
    }

    @Test func multiReaderCopiesItsInput() async throws {
        var readers: [any Reader] = [BytesReader("hello world")]
        let mr = MultiReader(readers)
        readers[0] = BytesReader("changed")
        #expect(try await readAll(mr) == ioBytes("hello world"))
    }

    @Test func multiReaderFlattensNestedReaders() async throws {
        var reader: any Reader = BytesReader("deep")
        for _ in 0..<100 { reader = MultiReader(reader) }
        #expect(try await readAll(reader) == ioBytes("deep"))
    }

    @Test func multiReaderSingleByteReaders() async throws {
        // Go's TestMultiReaderSingleByteWithEOF / TestMultiReaderFinalEOF.
        let got = try await readAll(LimitedReader(MultiReader(IOChunkReader("a"), IOChunkReader("b")), 10))
        #expect(got == ioBytes("ab"))
        let mr = MultiReader(BytesReader(""), IOChunkReader("a"))
        #expect(try await mr.read(maxCount: 2) == ioBytes("a"))
        await ioExpectThrows(IOError.eof) { _ = try await mr.read(maxCount: 2) }
        await ioExpectThrows(IOError.eof) { _ = try await mr.read(maxCount: 2) }
    }

    @Test func multiWriterDuplicates() async throws {
        let a = IORecordingWriter(), b = BytesBuffer()
        let w = MultiWriter(a, b)
        try await w.write(ioBytes("Hello, "))
        try await w.write("world")  // through writeString: b is a StringWriter, a is not
        #expect(a.string == "Hello, world")
        #expect(b.description == "Hello, world")
    }

    @Test func multiWriterStopsAtFirstError() async throws {
        let first = IOFailingWriter(capacity: 0, error: IOTestError("first"))
        let second = IORecordingWriter()
        let w = MultiWriter(first, second)
        await ioExpectThrows(IOTestError("first")) { try await w.write(ioBytes("data")) }
        await ioExpectThrows(IOTestError("first")) { _ = try await w.writeString("data") }
        #expect(second.bytes.isEmpty)
    }

    @Test func multiWriterReportsShortWrite() async throws {
        let second = IORecordingWriter()
        let w = MultiWriter(IOShortWriter(limit: 50), second)
        await ioExpectThrows(IOError.shortWrite) { try await w.write([UInt8](repeating: 0, count: 100)) }
        #expect(second.bytes.isEmpty)
    }

    @Test func multiWriterFlattensAndCopiesItsInput() async throws {
        let sink = IORecordingWriter()
        var writers: [any Writer] = [sink]
        let inner = MultiWriter(writers)
        writers[0] = IOFailingWriter()
        let outer = MultiWriter(inner, MultiWriter(sink))
        try await outer.write(ioBytes("ab"))
        #expect(sink.string == "abab")
    }

    @Test func teeReader() async throws {
        // Go's TestTeeReader.
        let src = ioBytes("hello, world")
        let written = BytesBuffer()
        let tee = TeeReader(BytesBuffer(src), written)
        #expect(try await readFull(tee, count: src.count) == src)
        #expect(written.bytes == src)
        await ioExpectThrows(IOError.eof) { _ = try await tee.read(maxCount: 12) }

        let (pr, pw) = ioPipe()
        pr.close()
        let closedTee = TeeReader(BytesBuffer(src), pw)
        await ioExpectThrows(IOError.closedPipe) { _ = try await readFull(closedTee, count: src.count) }
    }

    @Test func teeReaderWriteMatchesEachRead() async throws {
        let sink = IORecordingWriter()
        let tee = TeeReader(IOChunkReader("abcdef", stride: 4), sink)
        _ = try await readAll(tee)
        #expect(sink.writes == [ioBytes("abcd"), ioBytes("ef")])
        let short = TeeReader(IOChunkReader("abcdef"), IOShortWriter(limit: 1))
        await ioExpectThrows(IOError.shortWrite) { _ = try await short.read(maxCount: 6) }
    }

    @Test func discardAcceptsEverything() async throws {
        #expect(try await copy(discard, IOChunkReader([UInt8](repeating: 7, count: 100_000), stride: 777)) == 100_000)
        #expect(try await copy(discard, IOOneByteReader(IOChunkReader("abc"))) == 3)
        try await discard.write("text")
        #expect(discard.writeString("héllo") == 6)
        await ioExpectThrows(IOError.noProgress) { try await copy(discard, IOZeroReader(empties: nil)) }
    }

    @Test func nopCloser() async throws {
        let rc: any ReadCloser = NopCloser(BytesReader("abc"))
        try rc.close()
        #expect(try await readAll(rc) == ioBytes("abc"))
        let sink = IORecordingWriter()
        #expect(try await copy(sink, NopCloser(IOChunkReader("xyz"))) == 3)
        #expect(sink.string == "xyz")
    }
}
