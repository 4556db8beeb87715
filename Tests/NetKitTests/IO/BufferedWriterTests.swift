// Tests for BufferedWriter, ported from Go's src/bufio/bufio_test.go (TestWriter,
// TestWriteErrors, TestWriteString*, TestWriterReadFrom*, TestWriterReset, ...).
import Testing
@testable import NetKit

/// Records how the sink was called: write vs writeString (Go's teststringwriter).
private final class StringRecordingWriter: Writer, StringWriter {
    var writtenBytes: [UInt8] = []
    var writtenAsString = ""
    var log: [UInt8] = []  // everything, in order
    var written: String { String(decoding: writtenBytes, as: UTF8.self) }
    func write(_ buffer: UnsafeRawBufferPointer) -> Int {
        writtenBytes += buffer
        log += buffer
        return buffer.count
    }
    func writeString(_ string: String) -> Int {
        writtenAsString += string
        log += string.utf8
        return string.utf8.count
    }
}

/// Counts the writes it receives (Go's writeCountingDiscard).
private final class WriteCounter: Writer {
    var writes = 0
    func write(_ buffer: UnsafeRawBufferPointer) -> Int {
        writes += 1
        return buffer.count
    }
}

/// Records bytes written through write and through readFrom (Go's readFromWriter).
private final class ReadFromRecorder: Writer, ReaderFrom {
    var bytes: [UInt8] = []
    var writeBytes = 0
    var readFromBytes = 0
    func write(_ buffer: UnsafeRawBufferPointer) -> Int {
        bytes += buffer
        writeBytes += buffer.count
        return buffer.count
    }
    func readFrom(_ reader: any Reader) async throws -> Int64 {
        let all = try await readAll(reader)
        bytes += all
        readFromBytes += all.count
        return Int64(all.count)
    }
}

@Suite("IO BufferedWriter")
struct BufferedWriterTests {
    static let sizes = [0, 16, 23, 32, 46, 64, 93, 128, 1024, 4096]

    @Test(arguments: sizes)
    func writeAnyAmountWithAnyBuffer(bufferSize: Int) async throws {
        // Go's TestWriter.
        let data = (0..<8192).map { UInt8(32 + $0 % (126 - 32)) }
        for count in Self.sizes {
            let sink = BytesBuffer()
            let b = BufferedWriter(sink, size: bufferSize)
            try await b.write(Array(data[0..<count]))
            try await b.flush()
            #expect(sink.bytes == Array(data[0..<count]), "nwrite=\(count) bufsize=\(bufferSize)")
        }
    }

    @Test func writeErrorsAreSticky() async throws {
        // Go's errorWriterTests: (fraction accepted, error) -> expected error on flush, twice.
        final class PartWriter: Writer {
            let numerator: Int, denominator: Int, error: (any Error)?
            init(_ numerator: Int, _ denominator: Int, _ error: (any Error)?) {
                self.numerator = numerator; self.denominator = denominator; self.error = error
            }
            func write(_ buffer: UnsafeRawBufferPointer) throws -> Int {
                if let error { throw error }
                return buffer.count * numerator / denominator
            }
        }
        let cases: [(PartWriter, IOError?)] = [
            (PartWriter(0, 1, nil), .shortWrite),
            (PartWriter(1, 2, nil), .shortWrite),
            (PartWriter(1, 1, nil), nil),
            (PartWriter(0, 1, IOError.closedPipe), .closedPipe),
            (PartWriter(1, 2, IOError.closedPipe), .closedPipe),
            (PartWriter(1, 1, IOError.closedPipe), .closedPipe),
        ]
        for (sink, expected) in cases {
            let b = BufferedWriter(sink)
            try await b.write(ioBytes("hello world"))
            for _ in 0..<2 {
                do {
                    try await b.flush()
                    #expect(expected == nil)
                } catch {
                    #expect(error as? IOError == expected)
                }
            }
            if let expected {
                await ioExpectThrows(expected) { try await b.write(ioBytes("more")) }
                await ioExpectThrows(expected) { try await b.writeByte(1) }
                await ioExpectThrows(expected) { _ = try await b.writeString("more") }
                await ioExpectThrows(expected) { _ = try await b.readFrom(BytesReader("x")) }
            }
        }
    }

    @Test func shortFlushKeepsTheRestBuffered() async throws {
        let sink = IOShortWriter(limit: 4)
        let b = BufferedWriter(sink, size: 16)
        try await b.write(ioBytes("0123456789"))
        await ioExpectThrows(IOError.shortWrite) { try await b.flush() }
        #expect(sink.bytes == ioBytes("0123"))
        #expect(b.buffered == 6)
        b.reset(sink)
        #expect(b.buffered == 0)
        try await b.write(ioBytes("ab"))
        try await b.flush()
        #expect(sink.bytes == ioBytes("0123ab"))
    }

    @Test func writeString() async throws {
        // Go's TestWriteString.
        let sink = BytesBuffer()
        let b = BufferedWriter(sink, size: 8)
        try await b.writeString("0")
        try await b.writeString("123456")
        try await b.writeString("7890")
        try await b.writeString("abcdefghijklmnopqrstuvwxy")
        try await b.writeString("z")
        try await b.flush()
        #expect(sink.description == "01234567890abcdefghijklmnopqrstuvwxyz")
    }

    @Test func writeStringUsesTheSinksStringWriter() async throws {
        // Go's TestWriteStringStringWriter.
        var sink = StringRecordingWriter()
        var b = BufferedWriter(sink, size: 8)
        try await b.writeString("1234")
        #expect(sink.written == "" && sink.writtenAsString == "")
        try await b.writeString("56789012")
        #expect(sink.written == "12345678" && sink.writtenAsString == "")
        try await b.flush()
        #expect(sink.written == "123456789012" && sink.writtenAsString == "")

        sink = StringRecordingWriter()
        b = BufferedWriter(sink, size: 8)
        try await b.writeString("123456789")
        #expect(sink.written == "" && sink.writtenAsString == "123456789")

        sink = StringRecordingWriter()
        b = BufferedWriter(sink, size: 8)
        try await b.writeString("abc")
        try await b.writeString("123456789012345")
        #expect(sink.written == "abc12345" && sink.writtenAsString == "6789012345")

        sink = StringRecordingWriter()
        b = BufferedWriter(sink, size: 8)
        try await b.write(ioBytes("abc"))
        try await b.writeString("123456789012345")
        #expect(sink.written == "abc12345" && sink.writtenAsString == "6789012345")
    }

    @Test func writeStringNeverSplitsAScalarIntoStrings() async throws {
        // The buffer boundary falls inside "é": the rest is copied as bytes, not forwarded as a
        // (corrupted) String.
        let sink = StringRecordingWriter()
        let b = BufferedWriter(sink, size: 4)
        try await b.writeString("ab")
        try await b.writeString("cé0123456789")
        try await b.flush()
        #expect(sink.log == ioBytes("abcé0123456789"))
        #expect(sink.writtenAsString == "3456789")  // forwarded once a scalar starts again
    }

    @Test func writeByteAndRune() async throws {
        let sink = BytesBuffer()
        let b = BufferedWriter(sink, size: 16)
        for byte in ioBytes("hello, ") { try await b.writeByte(byte) }
        #expect(try await b.writeRune("世") == 3)
        #expect(try await b.writeRune("界") == 3)
        #expect(try await b.writeRune("!") == 1)
        #expect(try await b.writeRune("🙂") == 4)
        try await b.flush()
        #expect(sink.description == "hello, 世界!🙂")
        // A buffer smaller than a rune still writes it.
        let tiny = BytesBuffer()
        let t = BufferedWriter(tiny, size: 2)
        try await t.writeRune("🙂")
        try await t.flush()
        #expect(tiny.description == "🙂")
    }

    @Test func availableBufferedSizeReset() async throws {
        let first = BytesBuffer(), second = BytesBuffer()
        let b = BufferedWriter(first, size: 10)
        #expect(b.size == 10 && b.available == 10 && b.buffered == 0)
        try await b.write(ioBytes("foo"))
        #expect(b.available == 7 && b.buffered == 3)
        b.reset(second)  // Go's TestWriterReset: unflushed data is discarded
        try await b.write(ioBytes("bar"))
        try await b.flush()
        #expect(first.description == "")
        #expect(second.description == "bar")
        #expect(BufferedWriter(first).size == 4096)
        #expect(BufferedWriter(first, size: 1234).size == 1234)
        #expect(BufferedWriter(first, size: -1).size == 4096)
    }

    @Test func largeWriteWithEmptyBufferGoesDirectly() async throws {
        let sink = IORecordingWriter()
        let b = BufferedWriter(sink, size: 16)
        try await b.write([UInt8](repeating: 7, count: 100))
        #expect(sink.writes.count == 1 && sink.writes[0].count == 100)
        try await b.write(ioBytes("ab"))
        #expect(sink.writes.count == 1)
        try await b.flush()
        #expect(sink.writes.count == 2)
    }

    @Test(arguments: [false, true], [false, true])
    func readFrom(dataThenError: Bool, sinkIsReaderFrom: Bool) async throws {
        // Go's TestWriterReadFrom.
        let input = (0..<8192).map { UInt8(truncatingIfNeeded: $0 * 7) }
        let recorder = ReadFromRecorder()
        let plain = IORecordingWriter()
        let b = BufferedWriter(sinkIsReaderFrom ? recorder as any Writer : plain)
        let source: any Reader = dataThenError ? IOChunkReader(input, stride: 3000) : BytesReader(input)
        #expect(try await b.readFrom(source) == 8192)
        try await b.flush()
        #expect((sinkIsReaderFrom ? recorder.bytes : plain.bytes) == input)
    }

    @Test func readFromErrors() async throws {
        // Go's errorReaderFromTests.
        final class ReadWrite: Reader, Writer {
            let fillReads: Bool, readError: (any Error)?, writeError: (any Error)?
            var readOnce = false
            init(_ fillReads: Bool, _ readError: (any Error)?, _ writeError: (any Error)?) {
                self.fillReads = fillReads; self.readError = readError; self.writeError = writeError
            }
            func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
                // "len(p) and an error" becomes len(p) now, the error next time.
                if fillReads && (readError == nil || !readOnce) {
                    readOnce = true
                    return buffer.count
                }
                throw readError!
            }
            func write(_ buffer: UnsafeRawBufferPointer) throws -> Int {
                if let writeError { throw writeError }
                return buffer.count
            }
        }
        let cases: [(ReadWrite, IOError?)] = [
            (ReadWrite(false, IOError.eof, nil), nil),
            (ReadWrite(true, IOError.eof, nil), nil),
            (ReadWrite(false, IOError.closedPipe, nil), .closedPipe),
            (ReadWrite(false, IOError.closedPipe, IOError.shortWrite), .closedPipe),
            (ReadWrite(true, nil, IOError.shortWrite), .shortWrite),
        ]
        for (rw, expected) in cases {
            let b = BufferedWriter(rw)
            do {
                _ = try await b.readFrom(rw)
                #expect(expected == nil)
            } catch {
                #expect(error as? IOError == expected)
            }
        }
    }

    @Test func readFromCountsWrites() async throws {
        // Go's TestWriterReadFromCounts: copying into a BufferedWriter does not flush early.
        let w0 = WriteCounter()
        let b0 = BufferedWriter(w0, size: 1234)
        try await b0.writeString(String(repeating: "x", count: 1000))
        try await b0.writeString(String(repeating: "x", count: 200))
        #expect(w0.writes == 0)
        try await copy(b0, IOChunkReader(String(repeating: "x", count: 30)))
        #expect(w0.writes == 0)
        try await copy(b0, IOChunkReader(String(repeating: "x", count: 9)))
        #expect(w0.writes == 1)

        let w1 = WriteCounter()
        let b1 = BufferedWriter(w1, size: 1234)
        try await b1.writeString(String(repeating: "x", count: 1200))
        try await b1.flush()
        #expect(w1.writes == 1)
        try await b1.writeString(String(repeating: "x", count: 89))
        #expect(w1.writes == 1)
        try await copy(b1, IOChunkReader(String(repeating: "x", count: 700)))
        #expect(w1.writes == 1)
        try await copy(b1, IOChunkReader(String(repeating: "x", count: 600)))
        #expect(w1.writes == 2)
        try await b1.flush()
        #expect(w1.writes == 3)
    }

    @Test func readFromWhileFullAndUntilEOF() async throws {
        // Go's TestWriterReadFromWhileFull / TestWriterReadFromUntilEOF / ErrNoProgress.
        let sink = BytesBuffer()
        let w = BufferedWriter(sink, size: 10)
        try await w.write(ioBytes("0123456789"))
        #expect(try await w.readFrom(BytesReader("abcdef")) == 6)

        let sink2 = BytesBuffer()
        let w2 = BufferedWriter(sink2, size: 5)
        try await w2.write(ioBytes("0123"))
        #expect(try await w2.readFrom(IOZeroReader(empties: 3, then: BytesReader("abcd"))) == 4)
        try await w2.flush()
        #expect(sink2.description == "0123abcd")

        let w3 = BufferedWriter(BytesBuffer(), size: 5)
        try await w3.write(ioBytes("0123"))
        await ioExpectThrows(IOError.noProgress) {
            _ = try await w3.readFrom(IOZeroReader(empties: 100, then: BytesReader("abcd")))
        }
    }

    @Test func readFromFillsTheBufferBeforeHandingOver() async throws {
        // Go's TestWriterReadFromWithBufferedData.
        let input = (0..<64).map { UInt8($0) }
        let recorder = ReadFromRecorder()
        let w = BufferedWriter(recorder, size: 16)
        try await w.write(Array(input[0..<8]))
        #expect(try await w.readFrom(BytesReader(Array(input[8...]))) == 56)
        try await w.flush()
        #expect(recorder.writeBytes == 16)
        #expect(recorder.readFromBytes == 48)
        #expect(recorder.bytes == input)
    }

    @Test func readFromErrorOfSinkIsSticky() async throws {
        // Go's TestWriterReadFromMustSetUnderlyingError / MustReturnUnderlyingError.
        final class FailingReaderFrom: Writer, ReaderFrom {
            func write(_ buffer: UnsafeRawBufferPointer) -> Int { buffer.count }
            func readFrom(_ reader: any Reader) throws -> Int64 { throw IOTestError("readFrom failed") }
        }
        let w = BufferedWriter(FailingReaderFrom())
        await ioExpectThrows(IOTestError("readFrom failed")) { _ = try await w.readFrom(BytesReader("test2")) }
        await ioExpectThrows(IOTestError("readFrom failed")) { try await w.write(ioBytes("123")) }

        let w2 = BufferedWriter(IOFailingWriter())
        try await w2.writeString("test1")
        #expect(w2.buffered == 5)
        await ioExpectThrows(IOTestError("write failed")) { try await w2.flush() }
        await ioExpectThrows(IOTestError("write failed")) { _ = try await w2.readFrom(BytesReader("test2")) }
        #expect(w2.buffered == 5)
    }

    @Test func readWriter() async throws {
        let input = BytesReader("request\n")
        let output = BytesBuffer()
        let rw = BufferedReadWriter(BufferedReader(input), BufferedWriter(output))
        #expect(try await rw.reader.readString(until: "\n") == "request\n")
        try await rw.write("response\n")
        try await rw.writeByte(UInt8(ascii: "!"))
        #expect(output.len == 0)
        try await rw.flush()
        #expect(output.description == "response\n!")
    }
}
