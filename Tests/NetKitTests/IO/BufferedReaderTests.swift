// Tests for BufferedReader, ported from Go's src/bufio/bufio_test.go (TestReader's table,
// readLineTests / readLineNewlinesTests, TestPeek, TestReaderDiscard, TestUnreadByte*, ...),
// adapted to the NetKit error mapping (data now, the error on the next call).
import Testing
@testable import NetKit

/// A reader built from steps: each call runs the next one (Go's scriptedReader).
final class IOScriptedReader: Reader {
    private var steps: [(UnsafeMutableRawBufferPointer) throws -> Int]
    init(_ steps: [(UnsafeMutableRawBufferPointer) throws -> Int]) { self.steps = steps }
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        precondition(!steps.isEmpty, "too many read calls on scripted reader")
        return try steps.removeFirst()(buffer)
    }
}

/// Go's iotest.TimeoutReader: the second read fails with a timeout, the others pass through.
private final class TimeoutOnSecondRead: Reader {
    let reader: any Reader
    var count = 0
    init(_ reader: any Reader) { self.reader = reader }
    func read(into buffer: UnsafeMutableRawBufferPointer) async throws -> Int {
        count += 1
        if count == 2 { throw IOTestError("timeout") }
        return try await reader.read(into: buffer)
    }
}

private func isTimeout(_ error: any Error) -> Bool { (error as? IOTestError)?.name == "timeout" }

/// Go's readBytes helper: ReadByte until EOF, skipping timeouts.
private func readAllBytes(_ b: BufferedReader) async throws -> String {
    var bytes: [UInt8] = []
    while true {
        do {
            bytes.append(try await b.readByte())
        } catch IOError.eof {
            break
        } catch where isTimeout(error) {
            continue
        }
    }
    return ioText(bytes)
}

/// Go's readLines helper: ReadString('\n') until EOF, skipping timeouts.
private func readAllLines(_ b: BufferedReader) async throws -> String {
    var text = ""
    while true {
        do {
            text += try await b.readString(until: "\n")
        } catch IOError.eof {
            break
        } catch where isTimeout(error) {
            continue
        }
    }
    return text
}

/// Go's reads helper: Read with m-byte buffers until EOF, skipping other errors.
private func readAllChunks(_ b: BufferedReader, _ m: Int) async throws -> String {
    var bytes: [UInt8] = []
    for _ in 0..<100_000 {
        do {
            bytes += try await b.read(maxCount: m)
        } catch IOError.eof {
            return ioText(bytes)
        } catch {
            continue
        }
    }
    Issue.record("reads did not end")
    return ioText(bytes)
}

@Suite("IO BufferedReader")
struct BufferedReaderTests {
    static let readMakers = ["full", "byte", "half", "data+err", "timeout"]
    static let bufReaders = ["1", "2", "3", "4", "5", "7", "bytes", "lines"]
    static let bufSizes = [0, 16, 23, 32, 46, 64, 93, 128, 1024, 4096]

    private static func makeReader(_ kind: String, _ text: String) -> any Reader {
        let base = IOChunkReader(text)
        switch kind {
        case "byte": return IOOneByteReader(base)
        case "half": return IOHalfReader(base)
        case "timeout": return TimeoutOnSecondRead(base)
        default: return base  // "full"; "data+err" is the NetKit mapping of every reader
        }
    }

    @Test(arguments: readMakers, bufReaders)
    func readerTable(readMaker: String, bufReader: String) async throws {
        // Go's TestReader: texts of growing length, every buffer size.
        var texts: [String] = []
        var line = "", all = ""
        for i in 0..<30 {
            texts.append(line + "\n")
            all += line + "\n"
            line.append(Character(Unicode.Scalar(UInt8(i % 26) + UInt8(ascii: "a"))))
        }
        texts.append(all)
        for text in texts {
            for size in Self.bufSizes {
                let b = BufferedReader(Self.makeReader(readMaker, text), size: size)
                let got: String
                switch bufReader {
                case "bytes": got = try await readAllBytes(b)
                case "lines": got = try await readAllLines(b)
                default: got = try await readAllChunks(b, Int(bufReader)!)
                }
                #expect(got == text, "reader=\(readMaker) fn=\(bufReader) bufsize=\(size)")
            }
        }
    }

    @Test func readerSimple() async throws {
        #expect(try await readAllBytes(BufferedReader(BytesReader("hello world"))) == "hello world")
    }

    @Test func sizes() {
        #expect(BufferedReader(BytesReader("")).size == 4096)
        #expect(BufferedReader(BytesReader(""), size: 1234).size == 1234)
        #expect(BufferedReader(BytesReader(""), size: 3).size == 16)
    }

    @Test func zeroReaderGivesNoProgress() async throws {
        try await ioTimeout {
            let b = BufferedReader(IOZeroReader(empties: nil))
            await ioExpectThrows(IOError.noProgress) { _ = try await b.readByte() }
        }
    }

    @Test func readRuneSegments() async throws {
        let segmentList: [[[UInt8]]] = [
            [],
            [[]],
            [ioBytes("日"), ioBytes("本語")],
            [ioBytes("\u{65e5}"), ioBytes("\u{672c}"), ioBytes("\u{8a9e}")],
            [[0xE6], [0x97, 0xA5, 0xE6], [0x9C, 0xAC, 0xE8, 0xAA, 0x9E]],
            [ioBytes("Hello"), ioBytes(", "), ioBytes("World"), ioBytes("!")],
            [ioBytes("Hello"), ioBytes(", "), [], ioBytes("World"), ioBytes("!")],
        ]
        for segments in segmentList {
            let b = BufferedReader(IOSegmentReader(segments))
            var got = ""
            while true {
                do {
                    got.unicodeScalars.append(try await b.readRune().rune)
                } catch IOError.eof {
                    break
                }
            }
            #expect(got == ioText(segments.flatMap { $0 }))
        }
    }

    @Test func readRuneInvalidAndUnread() async throws {
        let b = BufferedReader(BytesReader([0x61, 0xFF, 0xE6, 0x97, 0xA5, 0xE6]))
        #expect(try await b.readRune() == ("a", 1))
        #expect(try await b.readRune() == ("\u{FFFD}", 1))
        #expect(try await b.readRune() == ("日", 3))
        try b.unreadRune()
        #expect(throws: BufioError.invalidUnreadRune) { try b.unreadRune() }
        #expect(try await b.readRune() == ("日", 3))
        #expect(try await b.readRune() == ("\u{FFFD}", 1))  // truncated at the end
        await ioExpectThrows(IOError.eof) { _ = try await b.readRune() }
        _ = try await b.peek(0)
        #expect(throws: BufioError.invalidUnreadRune) { try b.unreadRune() }
    }

    @Test func unreadRuneOnlyAfterReadRune() async throws {
        // Go's TestUnreadRune.
        let b = BufferedReader(IOSegmentReader([ioBytes("Hello, world:"), ioBytes("日本語")]))
        var got = ""
        while true {
            let first: Unicode.Scalar
            do { first = try await b.readRune().rune } catch IOError.eof { break }
            got.unicodeScalars.append(first)
            try b.unreadRune()
            #expect(try await b.readRune().rune == first)
        }
        #expect(got == "Hello, world:日本語")
        let c = BufferedReader(BytesReader("日本語"))
        _ = try await c.readByte()
        #expect(throws: BufioError.invalidUnreadRune) { try c.unreadRune() }
    }

    @Test func noUnreadAfterPeekDiscardWriteTo() async throws {
        var b = BufferedReader(BytesReader("example"))
        _ = try await b.readByte()
        _ = try await b.peek(1)
        #expect(throws: BufioError.invalidUnreadByte) { try b.unreadByte() }

        b = BufferedReader(BytesReader("example"))
        _ = try await b.readRune()
        _ = try await b.peek(1)
        #expect(throws: BufioError.invalidUnreadRune) { try b.unreadRune() }

        b = BufferedReader(BytesReader("example"))
        _ = try await b.readByte()
        try await b.discard(1)
        #expect(throws: BufioError.invalidUnreadByte) { try b.unreadByte() }

        b = BufferedReader(BytesReader("example"))
        _ = try await b.readRune()
        try await b.discard(1)
        #expect(throws: BufioError.invalidUnreadRune) { try b.unreadRune() }

        b = BufferedReader(BytesReader("example"))
        _ = try await b.writeTo(discard)
        #expect(throws: BufioError.invalidUnreadByte) { try b.unreadByte() }
        #expect(throws: BufioError.invalidUnreadRune) { try b.unreadRune() }
    }

    @Test func unreadByte() async throws {
        // Go's TestUnreadByte.
        let b = BufferedReader(IOSegmentReader([ioBytes("Hello, "), ioBytes("world")]))
        var got: [UInt8] = []
        while true {
            let first: UInt8
            do { first = try await b.readByte() } catch IOError.eof { break }
            got.append(first)
            try b.unreadByte()
            #expect(try await b.readByte() == first)
        }
        #expect(ioText(got) == "Hello, world")
    }

    @Test func unreadByteMultiple() async throws {
        // Go's TestUnreadByteMultiple.
        let data = ioBytes("Hello, world")
        for n in 0...data.count {
            let b = BufferedReader(IOSegmentReader([ioBytes("Hello, "), ioBytes("world")]))
            for i in 0..<n { #expect(try await b.readByte() == data[i]) }
            if n > 0 { try b.unreadByte() }
            #expect(throws: BufioError.invalidUnreadByte) { try b.unreadByte() }
        }
    }

    @Test(arguments: ["readBytes", "readSlice", "readString"])
    func unreadByteOthers(method: String) async throws {
        // Go's TestUnreadByteOthers.
        let input = String(repeating: "abcdefg", count: 10)
        let b = BufferedReader(BytesBuffer(input), size: 16)
        func readTo(_ delimiter: UInt8, _ want: String) async throws {
            let data: [UInt8]
            switch method {
            case "readBytes": data = try await b.readBytes(until: delimiter)
            case "readSlice": data = try await b.readSlice(delimiter)
            default: data = ioBytes(try await b.readString(until: delimiter))
            }
            #expect(ioText(data) == want)
        }
        for _ in 0..<10 {
            try await readTo(UInt8(ascii: "d"), "abcd")
            for _ in 0..<3 {
                try b.unreadByte()
                try await readTo(UInt8(ascii: "d"), "d")
            }
            try await readTo(UInt8(ascii: "g"), "efg")
        }
        await ioExpectThrows(IOError.eof) { _ = try await b.readByte() }
    }

    @Test func bufferFull() async throws {
        // Go's TestBufferFull; here the full buffer is thrown, not consumed.
        let long = "And now, hello, world! It is the time for all good men to come to the aid of their party"
        let b = BufferedReader(BytesReader(long), size: 16)
        await ioExpectThrows(BufioError.bufferFull) { _ = try await b.readSlice("!") }
        #expect(b.buffered == 16)
        #expect(ioText(try await b.read(maxCount: 16)) == "And now, hello, ")
        #expect(ioText(try await b.readSlice("!")) == "world!")
        #expect(ioText(try await b.withReadSlice(UInt8(ascii: " ")) { Array($0) }) == " ")
    }

    @Test func peek() async throws {
        // Go's TestPeek.
        let b = BufferedReader(BytesReader("abcdefghijklmnop"), size: 16)
        #expect(ioText(try await b.peek(1)) == "a")
        #expect(ioText(try await b.peek(4)) == "abcd")
        await ioExpectThrows(BufioError.negativeCount) { _ = try await b.peek(-1) }
        await ioExpectThrows(BufioError.bufferFull) { _ = try await b.peek(32) }
        #expect(b.buffered == 16)
        #expect(ioText(try await b.read(maxCount: 3)) == "abc")
        #expect(ioText(try await b.peek(1)) == "d")
        #expect(ioText(try await b.peek(2)) == "de")
        #expect(ioText(try await b.read(maxCount: 3)) == "def")
        #expect(ioText(try await b.peek(4)) == "ghij")
        #expect(ioText(try await b.read(maxCount: 10)) == "ghijklmnop")
        #expect(try await b.peek(0) == [])
        await ioExpectThrows(IOError.eof) { _ = try await b.peek(1) }

        // Go issue 3022: a successful peek does not expose the reader's pending error.
        let c = BufferedReader(IOChunkReader("abcd"), size: 32)
        #expect(ioText(try await c.peek(2)) == "ab")
        #expect(ioText(try await c.peek(4)) == "abcd")
        #expect(ioText(try await c.read(maxCount: 5)) == "abcd")
        await ioExpectThrows(IOError.eof) { _ = try await c.read(maxCount: 1) }

        let d = BufferedReader(IOChunkReader("xyz"), size: 16)
        #expect(try await d.withPeek(2) { Array($0) } == ioBytes("xy"))
        await ioExpectThrows(IOError.eof) { _ = try await d.peek(4) }  // short peek: the reason
        #expect(d.buffered == 3)
        #expect(ioText(try await d.read(maxCount: 8)) == "xyz")
    }

    /// Go's testInput / testInputrn read with ReadLine at several strides.
    @Test(arguments: [1, 2, 3, 5, 16, 100])
    func readLine(stride: Int) async throws {
        let output = "0123456789abcdefghijklmnopqrstuvwxy"
        let inputs = [
            "012\n345\n678\n9ab\ncde\nfgh\nijk\nlmn\nopq\nrst\nuvw\nxy",
            "012\r\n345\r\n678\r\n9ab\r\ncde\r\nfgh\r\nijk\r\nlmn\r\nopq\r\nrst\r\nuvw\r\nxy\r\n\n\r\n",
        ]
        for input in inputs {
            let b = BufferedReader(IOChunkReader(input, stride: stride), size: input.utf8.count + 1)
            var done = ""
            while true {
                let line: [UInt8], isPrefix: Bool
                do { (line, isPrefix) = try await b.readLine() } catch IOError.eof { break }
                #expect(!isPrefix)
                done += ioText(line)
            }
            #expect(done == output)
        }
    }

    @Test func lineTooLong() async throws {
        // Go's TestLineTooLong.
        let data = (0..<(16 * 5 / 2)).map { UInt8(ascii: "0") + UInt8($0 % 10) }
        let b = BufferedReader(BytesReader(data), size: 16)
        var (line, isPrefix) = try await b.readLine()
        #expect(isPrefix && line == Array(data[0..<16]))
        (line, isPrefix) = try await b.readLine()
        #expect(isPrefix && line == Array(data[16..<32]))
        (line, isPrefix) = try await b.readLine()
        #expect(!isPrefix && line == Array(data[32..<40]))
        await ioExpectThrows(IOError.eof) { _ = try await b.readLine() }
    }

    @Test func readAfterLines() async throws {
        // Go's TestReadAfterLines.
        let line1 = "this is line1"
        let rest = "this is line2\nthis is line 3\n"
        let b = BufferedReader(BytesReader(line1 + "\n" + rest), size: line1.utf8.count + rest.utf8.count / 2)
        let (line, isPrefix) = try await b.readLine()
        #expect(!isPrefix && ioText(line) == line1)
        let out = BytesBuffer()
        #expect(try await copy(out, b) == Int64(rest.utf8.count))
        #expect(out.description == rest)
    }

    @Test func readLineOnEmptyAndAfterReadAll() async throws {
        // Go's TestReadEmptyBuffer / TestLinesAfterRead / TestReadLineNonNilLineOrError.
        await ioExpectThrows(IOError.eof) { _ = try await BufferedReader(BytesBuffer(), size: 16).readLine() }
        let b = BufferedReader(BytesReader("foo"), size: 16)
        #expect(try await readAll(b) == ioBytes("foo"))
        await ioExpectThrows(IOError.eof) { _ = try await b.readLine() }
        let c = BufferedReader(BytesReader("line 1\n"))
        #expect(try await c.readLine() == (ioBytes("line 1"), false))
        await ioExpectThrows(IOError.eof) { _ = try await c.readLine() }
    }

    @Test func readLineNewlines() async throws {
        // Go's readLineNewlinesTests (nil lines compare equal to empty ones).
        let cases: [(String, [(String, Bool)?])] = [
            ("012345678901234\r\n012345678901234\r\n", [
                ("012345678901234", true), ("", false), ("012345678901234", true), ("", false), nil,
            ]),
            ("0123456789012345\r012345678901234\r", [
                ("0123456789012345", true), ("\r012345678901234", true), ("\r", false), nil,
            ]),
        ]
        for (input, expected) in cases {
            let b = BufferedReader(BytesReader(input), size: 16)
            for want in expected {
                if let (line, isPrefix) = want {
                    let got = try await b.readLine()
                    #expect(ioText(got.line) == line && got.isPrefix == isPrefix, "\(input)")
                } else {
                    await ioExpectThrows(IOError.eof) { _ = try await b.readLine() }
                }
            }
        }
    }

    @Test func readLineKeepsAReaderErrorForTheNextCall() async throws {
        let b = BufferedReader(IOChunkReader("partial", then: IOTestError("reset")))
        #expect(try await b.readLine() == (ioBytes("partial"), false))
        await ioExpectThrows(IOTestError("reset")) { _ = try await b.readLine() }
    }

    @Test func readBytesAndStringAcrossBuffers() async throws {
        let long = String(repeating: "x", count: 100) + "\n" + String(repeating: "y", count: 40)
        let b = BufferedReader(IOChunkReader(long, stride: 7), size: 16)
        #expect(try await b.readString(until: "\n") == String(repeating: "x", count: 100) + "\n")
        #expect(try await b.readString(until: "\n") == String(repeating: "y", count: 40))
        await ioExpectThrows(IOError.eof) { _ = try await b.readString(until: "\n") }

        // An error after some bytes: the bytes now (no delimiter), the error next.
        let c = BufferedReader(IOChunkReader(String(repeating: "z", count: 40), then: IOTestError("cut")), size: 16)
        #expect(try await c.readBytes(until: UInt8(ascii: "\n")) == [UInt8](repeating: UInt8(ascii: "z"), count: 40))
        await ioExpectThrows(IOTestError("cut")) { _ = try await c.readBytes(until: UInt8(ascii: "\n")) }
        let d = BufferedReader(IOChunkReader("ab", then: IOTestError("cut")))
        #expect(try await d.readSlice("\n") == ioBytes("ab"))
        await ioExpectThrows(IOTestError("cut")) { _ = try await d.readSlice("\n") }
    }

    @Test func readZero() async throws {
        // Go's TestReadZero: an empty read of the source passes through as 0.
        for size in [100, 16] {
            let source = MultiReader(BytesReader("abc"), IOZeroReader(empties: 1, then: BytesReader("def")))
            let b = BufferedReader(source, size: size)
            #expect(try await b.read(maxCount: 50) == ioBytes("abc"))
            #expect(try await b.read(maxCount: 50) == [])
            #expect(try await b.read(maxCount: 50) == ioBytes("def"))
            await ioExpectThrows(IOError.eof) { _ = try await b.read(maxCount: 50) }
        }
    }

    @Test func readerClearError() async throws {
        // Go's TestReaderClearError: an error is reported once.
        final class ErrorThenGood: Reader {
            var didFail = false
            var reads = 0
            func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
                reads += 1
                if !didFail {
                    didFail = true
                    throw IOTestError("fake error")
                }
                return buffer.count
            }
        }
        let source = ErrorThenGood()
        let b = BufferedReader(source)
        #expect(try await b.read(maxCount: 0) == [])
        await ioExpectThrows(IOTestError("fake error")) { _ = try await b.read(maxCount: 1) }
        #expect(try await b.read(maxCount: 0) == [])
        #expect(try await b.read(maxCount: 1).count == 1)
        #expect(source.reads == 2)
    }

    @Test func largeReadGoesDirectly() async throws {
        let source = IOChunkReader([UInt8](repeating: 1, count: 10_000))
        let b = BufferedReader(source, size: 16)
        #expect(try await b.read(maxCount: 1000).count == 1000)
        #expect(b.buffered == 0)
        #expect(try await b.read(maxCount: 3).count == 3)
        #expect(b.buffered == 13)
    }

    @Test func partialReadEOF() async throws {
        // Go's TestPartialReadEOF.
        let b = BufferedReader(IOChunkReader([UInt8](repeating: 0, count: 10)))
        #expect(try await b.read(maxCount: 5).count == 5)
        #expect(b.buffered == 5)
        #expect(try await b.read(maxCount: 0) == [])
    }

    @Test func discardTable() async throws {
        // Go's TestReaderDiscard.
        let alphabet = "abcdefghijklmnopqrstuvwxyz"
        func fiveThenError() -> any Reader {
            IOScriptedReader([
                { buffer in
                    precondition(buffer.count >= 5)
                    for i in 0..<5 { buffer[i] = UInt8(ascii: "a") }
                    return 5
                },
                { _ in throw IOTestError("5-then-error") },
            ])
        }
        struct Case {
            let name: String
            let reader: () -> any Reader
            var peek = 0
            let n: Int
            let want: Int
            var error: (any Error & Equatable)?
            let buffered: Int
        }
        let cases: [Case] = [
            Case(name: "normal case", reader: { BytesReader(alphabet) }, peek: 16, n: 6, want: 6, buffered: 10),
            Case(name: "discard causing read", reader: { BytesReader(alphabet) }, n: 6, want: 6, buffered: 10),
            Case(name: "discard all without peek", reader: { BytesReader(alphabet) }, n: 26, want: 26, buffered: 0),
            Case(name: "discard more than end", reader: { BytesReader(alphabet) }, n: 27, want: 26, error: IOError.eof, buffered: 0),
            Case(name: "fill error, discard less", reader: fiveThenError, n: 4, want: 4, buffered: 1),
            Case(name: "fill error, discard equal", reader: fiveThenError, n: 5, want: 5, buffered: 0),
            Case(name: "fill error, discard more", reader: fiveThenError, n: 6, want: 5, error: IOTestError("5-then-error"), buffered: 0),
            Case(name: "discard zero", reader: { IOScriptedReader([]) }, n: 0, want: 0, buffered: 0),
            Case(name: "discard negative", reader: { IOScriptedReader([]) }, n: -1, want: 0, error: BufioError.negativeCount, buffered: 0),
        ]
        for c in cases {
            let b = BufferedReader(c.reader(), size: 16)
            if c.peek > 0 { #expect(try await b.peek(c.peek).count == c.peek, "\(c.name)") }
            do {
                let discarded = try await b.discard(c.n)
                #expect(c.error == nil && discarded == c.want, "\(c.name)")
            } catch {
                #expect(c.error.map { "\($0)" } == "\(error)", "\(c.name)")
            }
            #expect(b.buffered == c.buffered, "\(c.name)")
        }
    }

    @Test func writeTo() async throws {
        // Go's TestReaderWriteTo, with a source that is only a Reader.
        let input = (0..<8192).map { i -> UInt8 in
            var v = UInt8(i % 251)
            if i % 101 == 0 { v ^= UInt8(truncatingIfNeeded: i / 101) }
            return v
        }
        let b = BufferedReader(IOChunkReader(input, stride: 1000))
        let sink = IORecordingWriter()
        #expect(try await b.writeTo(sink) == 8192)
        #expect(sink.bytes == input)
        // Buffered bytes first, then the WriterTo of the source.
        let c = BufferedReader(BytesReader("hello, world"), size: 16)
        #expect(try await c.peek(1) == ioBytes("h"))
        let sink2 = IORecordingWriter()
        #expect(try await c.writeTo(sink2) == 12)
        #expect(sink2.string == "hello, world")
    }

    @Test func writeToErrors() async throws {
        // Go's errorWriterToTests: (read returns, write returns) -> expected.
        final class ReadWrite: Reader, Writer {
            let readFull: Bool, readError: (any Error)?, writeFull: Bool, writeError: (any Error)?
            init(_ readFull: Bool, _ readError: (any Error)?, _ writeFull: Bool, _ writeError: (any Error)?) {
                self.readFull = readFull; self.readError = readError
                self.writeFull = writeFull; self.writeError = writeError
            }
            func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
                if let readError { throw readError }
                return readFull ? buffer.count : 0
            }
            func write(_ buffer: UnsafeRawBufferPointer) throws -> Int {
                if let writeError { throw writeError }
                return writeFull ? buffer.count : 0
            }
        }
        let cases: [(ReadWrite, IOError?)] = [
            (ReadWrite(true, nil, false, IOError.closedPipe), .closedPipe),
            (ReadWrite(false, IOError.closedPipe, true, nil), .closedPipe),
            (ReadWrite(false, IOError.unexpectedEOF, false, IOError.closedPipe), .closedPipe),
            (ReadWrite(false, IOError.eof, true, nil), nil),
        ]
        for (rw, expected) in cases {
            let b = BufferedReader(rw)
            do {
                _ = try await b.writeTo(rw)
                #expect(expected == nil)
            } catch {
                #expect(error as? IOError == expected)
            }
        }
    }

    @Test func reset() async throws {
        let b = BufferedReader(BytesReader("foo foo"))
        #expect(try await b.read(maxCount: 3) == ioBytes("foo"))
        b.reset(BytesReader("bar bar"))
        #expect(try await readAll(b) == ioBytes("bar bar"))
    }

    @Test func errorTexts() {
        #expect(BufioError.invalidUnreadByte.description == "bufio: invalid use of UnreadByte")
        #expect(BufioError.invalidUnreadRune.description == "bufio: invalid use of UnreadRune")
        #expect(BufioError.bufferFull.description == "bufio: buffer full")
        #expect(BufioError.negativeCount.description == "bufio: negative count")
        #expect(BufioError.tooLong.description == "bufio.Scanner: token too long")
        #expect(BufioError.negativeAdvance.description == "bufio.Scanner: SplitFunc returns negative advance count")
        #expect(BufioError.advanceTooFar.description == "bufio.Scanner: SplitFunc returns advance count beyond input")
        #expect(BufioError.badReadCount.description == "bufio.Scanner: Read returned impossible count")
        #expect(FinalToken(nil).description == "final token")
    }
}

/// Delivers its data one segment per read (Go's StringReader in bufio_test.go).
final class IOSegmentReader: Reader {
    private var segments: [[UInt8]]
    init(_ segments: [[UInt8]]) { self.segments = segments }
    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        if buffer.isEmpty { return 0 }
        if segments.isEmpty { throw IOError.eof }
        let segment = segments.removeFirst()
        let n = min(segment.count, buffer.count)
        segment.withUnsafeBytes { buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
        return n
    }
}
