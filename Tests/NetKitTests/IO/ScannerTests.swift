// Tests for Scanner and its split functions, ported from Go's src/bufio/scan_test.go
// (scanTests, wordScanTests, TestScanLongLines, TestScanLineTooLong, TestSplitError, ...).
import Testing
@testable import NetKit

/// Returns at most `max` bytes per read (Go's slowReader).
private final class SlowReader: Reader {
    let max: Int
    let reader: any Reader
    init(_ max: Int, _ reader: any Reader) { self.max = max; self.reader = reader }
    func read(into buffer: UnsafeMutableRawBufferPointer) async throws -> Int {
        if buffer.isEmpty { return 0 }
        let count = Swift.min(buffer.count, max)
        return try await reader.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[0..<count]))
    }
}

/// Go's genLine: a predictable line of length n (including "\n"), with "\r" every 5th line.
private func genLine(_ lineNum: Int, _ n: Int, newline: Bool) -> [UInt8] {
    var line: [UInt8] = []
    let doCR = lineNum % 5 == 0
    let n = doCR ? n - 1 : n
    var i = 0
    while i < n - 1 {
        var c = UInt8(truncatingIfNeeded: Int(UInt8(ascii: "a")) + lineNum + i)
        if c == UInt8(ascii: "\n") || c == UInt8(ascii: "\r") { c = UInt8(ascii: "N") }
        line.append(c)
        i += 1
    }
    if newline {
        if doCR { line.append(UInt8(ascii: "\r")) }
        line.append(UInt8(ascii: "\n"))
    }
    return line
}

/// Go's scanTests (as byte strings; "\u{81}" and "\u{82}" there are the raw bytes 0x81, 0x82).
private let scanTests: [[UInt8]] = [
    [],
    ioBytes("a"),
    ioBytes("¼"),
    ioBytes("☹"),
    [0x81],
    ioBytes("\u{FFFD}"),
    ioBytes("abcdefgh"),
    ioBytes("abc def\n\t\tgh    "),
    ioBytes("abc¼☹") + [0x81] + ioBytes("\u{FFFD}日本語") + [0x82] + ioBytes("abc"),
]

/// Go's wordScanTests.
private let wordScanTests = [
    "", " ", "\n", "a", " a ", "abc def", " abc def ", " abc\tdef\nghi\rjkl\u{0C}mno\u{0B}pqr\u{85}stu\u{A0}\n",
]

@Suite("IO Scanner")
struct ScannerTests {
    @Test func isSpaceMatchesUnicodeWhiteSpace() {
        // Go's TestSpace.
        for value in UInt32(0)...0x10FFFF {
            guard let scalar = Unicode.Scalar(value) else { continue }
            if isSpace(scalar) != scalar.properties.isWhitespace {
                Issue.record("white space property disagrees for U+\(String(value, radix: 16))")
                return
            }
        }
    }

    @Test(arguments: scanTests)
    func scanBytes(test: [UInt8]) async throws {
        let s = Scanner(BytesReader(test))
        s.split(NetKit.scanBytes)
        var got: [UInt8] = []
        while await s.scan() {
            #expect(s.bytes.count == 1)
            got += s.bytes
        }
        #expect(got == test)
        #expect(s.err == nil)
    }

    @Test(arguments: scanTests)
    func scanRunes(test: [UInt8]) async throws {
        // The runes of a Go range loop: every invalid byte is one U+FFFD (the same as Swift's
        // repair for these inputs).
        let expected = Array(String(decoding: test, as: UTF8.self).unicodeScalars)
        let s = Scanner(BytesReader(test))
        s.split(NetKit.scanRunes)
        var got: [Unicode.Scalar] = []
        while await s.scan() {
            got.append(contentsOf: s.text.unicodeScalars)
        }
        #expect(got == expected)
        #expect(s.err == nil)
    }

    @Test func scanRunesWaitsForIncompleteSequences() async throws {
        let s = Scanner(SlowReader(1, BytesReader(ioBytes("日本") + [0xE6])))
        s.split(NetKit.scanRunes)
        var got: [String] = []
        while await s.scan() { got.append(s.text) }
        #expect(got == ["日", "本", "\u{FFFD}"])
    }

    @Test(arguments: wordScanTests)
    func scanWords(test: String) async throws {
        // The words of Go's strings.Fields.
        let words = test.unicodeScalars.split(whereSeparator: { $0.properties.isWhitespace }).map { String($0) }
        let s = Scanner(BytesReader(test))
        s.split(NetKit.scanWords)
        var got: [String] = []
        while await s.scan() { got.append(s.text) }
        #expect(got == words)
        #expect(s.err == nil)
    }

    @Test func scanLongLines() async throws {
        // Go's TestScanLongLines: line lengths up to (not over) the maximum token size.
        let small = 256
        var input: [UInt8] = []
        var j = 0
        for lineNum in 0..<(2 * small) {
            input += genLine(lineNum, j, newline: true)
            if j < small { j += 1 } else { j -= 1 }
        }
        let s = Scanner(SlowReader(1, BytesReader(input)))
        s.buffer(0, max: small)
        j = 0
        var lineNum = 0
        while await s.scan() {
            #expect(s.bytes == genLine(lineNum, j, newline: false), "line \(lineNum)")
            if j < small { j += 1 } else { j -= 1 }
            lineNum += 1
        }
        #expect(s.err == nil)
        #expect(lineNum == 2 * small)
    }

    @Test func scanLineTooLong() async throws {
        // Go's TestScanLineTooLong.
        let small = 256
        var input: [UInt8] = []
        for lineNum in 0..<(2 * small) { input += genLine(lineNum, lineNum, newline: true) }
        let s = Scanner(SlowReader(3, BytesReader(input)))
        s.buffer(0, max: small)
        var lineNum = 0
        while await s.scan() {
            #expect(s.bytes == genLine(lineNum, lineNum, newline: false))
            lineNum += 1
        }
        #expect(s.err as? BufioError == .tooLong)
    }

    @Test(arguments: [
        ("abcdefghijklmn\nopqrstuvwxyz", ["abcdefghijklmn", "opqrstuvwxyz"]),
        ("abcdefghijklmn\nopqrstuvwxyz\r", ["abcdefghijklmn", "opqrstuvwxyz"]),
        ("abcdefghijklmn\nopqrstuvwxyz\n\n", ["abcdefghijklmn", "opqrstuvwxyz", ""]),
        ("abcdefghijklmn\nopqrstuvwxyz\n\r", ["abcdefghijklmn", "opqrstuvwxyz", ""]),
    ])
    func scanLinesWithoutFinalNewline(text: String, lines: [String]) async throws {
        // Go's TestScanLineNoNewline, ...ReturnButNoNewline, ...EmptyFinalLine(WithCR).
        let s = Scanner(SlowReader(7, BytesReader(text)))
        var got: [String] = []
        while await s.scan() { got.append(s.text) }
        #expect(got == lines)
        #expect(s.err == nil)
    }

    @Test func splitError() async throws {
        // Go's TestSplitError.
        var numSplits = 0
        let s = Scanner(SlowReader(1, BytesReader("abcdefghijklmnopqrstuvwxyz")))
        s.split { data, atEOF in
            precondition(!atEOF, "didn't get enough data")
            if numSplits >= 7 { throw IOTestError("testError") }
            numSplits += 1
            return (1, [data[0]])
        }
        var got = ""
        while await s.scan() { got += s.text }
        #expect(got == "abcdefg")
        #expect(s.err as? IOTestError == IOTestError("testError"))
    }

    @Test func errorAtEOFReplacesEOF() async throws {
        // Go's TestErrAtEOF.
        let s = Scanner(BytesReader("1 2 33"))
        s.split { data, atEOF in
            let (advance, token) = NetKit.scanWords(data, atEOF)
            if let token, token.count > 1 {
                #expect(atEOF)
                throw IOTestError("testError")
            }
            return (advance, token)
        }
        while await s.scan() {}
        #expect(s.err as? IOTestError == IOTestError("testError"))
    }

    @Test func nonEOFErrorWithEmptyRead() async throws {
        // Go's TestNonEOFWithEmptyRead.
        let s = Scanner(IOChunkReader("", then: IOError.unexpectedEOF))
        #expect(await s.scan() == false)
        #expect(s.err as? IOError == .unexpectedEOF)
    }

    @Test func endlessEmptyReadsGiveNoProgress() async throws {
        // Go's TestBadReader.
        try await ioTimeout {
            let s = Scanner(IOZeroReader(empties: nil))
            #expect(await s.scan() == false)
            #expect(s.err as? IOError == .noProgress)
        }
    }

    @Test func excessiveWhiteSpace() async throws {
        // Go's TestScanWordsExcessiveWhiteSpace.
        let s = Scanner(BytesReader(String(repeating: " ", count: 4 * 256) + "ipsum"))
        s.buffer(0, max: 256)
        s.split(NetKit.scanWords)
        #expect(await s.scan())
        #expect(s.text == "ipsum")
    }

    /// Go's commaSplit: the last field is delivered with FinalToken.
    private static func commaSplit(_ data: UnsafeRawBufferPointer, _ atEOF: Bool) throws -> (advance: Int, token: [UInt8]?) {
        if let i = data.firstIndex(of: UInt8(ascii: ",")) { return (i + 1, Array(data[0..<i])) }
        throw FinalToken(Array(data))
    }

    @Test(arguments: [("1,2,3,", ["1", "2", "3", ""]), ("1,2,3", ["1", "2", "3"])])
    func emptyTokens(text: String, values: [String]) async throws {
        // Go's TestEmptyTokens / TestWithNoEmptyTokens.
        let s = Scanner(BytesReader(text))
        s.split(Self.commaSplit)
        var got: [String] = []
        while await s.scan() { got.append(s.text) }
        #expect(got == values)
        #expect(s.err == nil)
    }

    @Test func finalTokenWithoutTokenStopsCleanly() async throws {
        // Go 1.22+: ErrFinalToken with a nil token ends the scan without one more token.
        let s = Scanner(BytesReader("a,b,STOP,c"))
        s.split { data, atEOF in
            guard let i = data.firstIndex(of: UInt8(ascii: ",")) else {
                return atEOF && !data.isEmpty ? (data.count, Array(data)) : (0, nil)
            }
            let token = Array(data[0..<i])
            if token == ioBytes("STOP") { throw FinalToken(nil) }
            return (i + 1, token)
        }
        var got: [String] = []
        while await s.scan() { got.append(s.text) }
        #expect(got == ["a", "b"])
        #expect(s.err == nil)
        #expect(await s.scan() == false)
    }

    @Test func tooManyEmptyTokensIsAPreconditionFailure() async {
        // Go's TestDontLoopForever (Go panics).
        await #expect(processExitsWith: .failure) {
            let s = Scanner(BytesReader("abc"))
            s.split { data, _ in data.isEmpty ? (0, []) : (1, [data[0]]) }
            var count = 0
            while await s.scan() {
                count += 1
                if count > 1000 { return }  // looping without the guard: exits normally, test fails
            }
        }
    }

    @Test func blankLines() async throws {
        // Go's TestBlankLines.
        let s = Scanner(BytesReader(String(repeating: "\n", count: 1000)))
        var count = 0
        while await s.scan() {
            count += 1
            if count > 2000 { break }
        }
        #expect(count == 1000)
        #expect(s.err == nil)
    }

    @Test func emptyLinesOK() async throws {
        // Go's TestEmptyLinesOK: the empty-token guard does not trigger for mere empty tokens.
        var countdown = 10000
        let s = Scanner(BytesReader(String(repeating: "\n", count: 10000)))
        s.split { data, _ in
            if countdown > 0 {
                countdown -= 1
                return (1, [data[0]])
            }
            return (0, nil)
        }
        while await s.scan() {}
        #expect(s.err == nil)
        #expect(countdown == 0)
    }

    @Test func hugeBuffer() async throws {
        // Go's TestHugeBuffer.
        let text = String(repeating: "x", count: 2 * maxScanTokenSize)
        let s = Scanner(BytesReader(text + "\n"))
        s.buffer(100, max: 3 * maxScanTokenSize)
        var tokens = 0
        while await s.scan() {
            tokens += 1
            #expect(s.text == text)
        }
        #expect(tokens == 1)
        #expect(s.err == nil)
    }

    @Test func defaultMaximumTokenSize() async throws {
        let s = Scanner(BytesReader(String(repeating: "x", count: maxScanTokenSize + 10) + "\n"))
        #expect(await s.scan() == false)
        #expect(s.err as? BufioError == .tooLong)
        #expect(maxScanTokenSize == 65536)
    }

    @Test func impossibleReadCounts() async throws {
        // Go's TestNegativeEOFReader / TestLargeReader.
        final class NegativeAtEnd: Reader {
            var left = 10
            func read(into buffer: UnsafeMutableRawBufferPointer) -> Int {
                if left > 0 {
                    let c = min(left, buffer.count)
                    for i in 0..<c { buffer[i] = UInt8(ascii: "a") }
                    buffer[c - 1] = UInt8(ascii: "\n")
                    left -= c
                    return c
                }
                return -1
            }
        }
        let s = Scanner(NegativeAtEnd())
        var lines = 0
        while await s.scan() {
            lines += 1
            if lines > 1 { break }
        }
        #expect(lines == 1)
        #expect(s.err as? BufioError == .badReadCount)

        final class TooLarge: Reader {
            func read(into buffer: UnsafeMutableRawBufferPointer) -> Int { buffer.count + 1 }
        }
        let t = Scanner(TooLarge())
        while await t.scan() {}
        #expect(t.err as? BufioError == .badReadCount)
    }

    @Test func splitReturningBadAdvances() async throws {
        let negative = Scanner(BytesReader("abc"))
        negative.split { _, _ in (-1, nil) }
        #expect(await negative.scan() == false)
        #expect(negative.err as? BufioError == .negativeAdvance)
        let tooFar = Scanner(BytesReader("abc"))
        tooFar.split { data, _ in (data.count + 1, nil) }
        #expect(await tooFar.scan() == false)
        #expect(tooFar.err as? BufioError == .advanceTooFar)
    }

    @Test func asyncSequences() async throws {
        var lines: [String] = []
        for try await line in Scanner(IOChunkReader("one\ntwo\r\n\nthree", stride: 2)).texts {
            lines.append(line)
        }
        #expect(lines == ["one", "two", "", "three"])

        let words = Scanner(BytesReader(" alpha  beta\tgamma "))
        words.split(NetKit.scanWords)
        var tokens: [[UInt8]] = []
        for try await token in words.tokens { tokens.append(token) }
        #expect(tokens == [ioBytes("alpha"), ioBytes("beta"), ioBytes("gamma")])

        let failing = Scanner(IOChunkReader("ok\npartial", then: IOTestError("reset")))
        var seen: [String] = []
        do {
            for try await line in failing.texts { seen.append(line) }
            Issue.record("the reader's error was not thrown")
        } catch let error as IOTestError {
            #expect(error == IOTestError("reset"))
        }
        #expect(seen == ["ok", "partial"])
    }

    @Test func bufferAfterScanIsAPreconditionFailure() async {
        await #expect(processExitsWith: .failure) {
            let s = Scanner(BytesReader("a\nb\n"))
            _ = await s.scan()
            s.buffer(10, max: 10)
        }
    }
}
