// Tests for BytesReader (Go: bytes.Reader) and BytesBuffer (Go: bytes.Buffer).
import Testing
@testable import NetKit

@Suite("IO BytesReader and BytesBuffer")
struct BytesTests {
    @Test func bytesReaderReads() throws {
        let r = BytesReader("0123456789")
        #expect(r.len == 10)
        #expect(r.size == 10)
        let buf = UnsafeMutableRawBufferPointer.allocate(byteCount: 4, alignment: 1)
        defer { buf.deallocate() }
        #expect(try r.read(into: buf) == 4)
        #expect(Array(buf) == ioBytes("0123"))
        #expect(r.len == 6)
        #expect(r.size == 10)
        #expect(try r.readByte() == UInt8(ascii: "4"))
        try r.unreadByte()
        try r.unreadByte()  // any read moves the position; stepping back twice is allowed
        #expect(try r.readByte() == UInt8(ascii: "3"))
        #expect(try r.read(into: buf) == 4)
        #expect(try r.read(into: buf) == 2)
        #expect(try r.read(into: UnsafeMutableRawBufferPointer(rebasing: buf[0..<0])) == 0)
        #expect(throws: IOError.eof) { try r.read(into: buf) }
        #expect(throws: IOError.eof) { try r.readByte() }
        #expect(r.len == 0)
    }

    @Test func bytesReaderUnreadAtBeginning() throws {
        let r = BytesReader([1, 2])
        #expect(throws: BytesError.unreadByteAtBeginning) { try r.unreadByte() }
        #expect(BytesError.unreadByteAtBeginning.description == "bytes.Reader.UnreadByte: at beginning of slice")
        _ = try r.readByte()
        try r.unreadByte()
        #expect(throws: BytesError.unreadByteAtBeginning) { try r.unreadByte() }
    }

    @Test func bytesReaderResetAndWriteTo() async throws {
        let r = BytesReader("abc")
        _ = try r.readByte()
        let sink = IORecordingWriter()
        #expect(try await r.writeTo(sink) == 2)
        #expect(sink.string == "bc")
        #expect(try await r.writeTo(sink) == 0)
        r.reset(ioBytes("xyz"))
        #expect(r.len == 3)
        #expect(try await readAll(r) == ioBytes("xyz"))
        r.reset(ioBytes("short"))
        await ioExpectThrows(IOError.shortWrite) { _ = try await r.writeTo(IOShortWriter(limit: 2)) }
        #expect(r.len == 3)  // the accepted bytes count as read
    }

    @Test func bytesBufferWriteAndRead() throws {
        let b = BytesBuffer()
        #expect(b.len == 0)
        #expect(b.write(UnsafeRawBufferPointer(start: nil, count: 0)) == 0)
        b.writeString("hello")
        b.writeByte(UInt8(ascii: ","))
        #expect(b.writeString(" world") == 6)
        #expect(b.description == "hello, world")
        #expect(b.bytes == ioBytes("hello, world"))
        #expect(b.next(5) == ioBytes("hello"))
        #expect(try b.readByte() == UInt8(ascii: ","))
        try b.unreadByte()
        #expect(throws: BytesError.invalidUnreadByte) { try b.unreadByte() }
        #expect(b.len == 7)
        let buf = UnsafeMutableRawBufferPointer.allocate(byteCount: 100, alignment: 1)
        defer { buf.deallocate() }
        #expect(try b.read(into: buf) == 7)
        #expect(Array(buf[0..<7]) == ioBytes(", world"))
        try b.unreadByte()
        #expect(try b.readByte() == UInt8(ascii: "d"))
        #expect(throws: IOError.eof) { try b.read(into: buf) }
        #expect(throws: IOError.eof) { try b.readByte() }
        #expect(throws: BytesError.invalidUnreadByte) { try b.unreadByte() }
        #expect(b.next(3) == [])
    }

    @Test func bytesBufferUnreadAfterWriteFails() throws {
        let b = BytesBuffer("ab")
        _ = try b.readByte()
        b.writeByte(UInt8(ascii: "c"))
        #expect(throws: BytesError.invalidUnreadByte) { try b.unreadByte() }
        #expect(BytesError.invalidUnreadByte.description
            == "bytes.Buffer: UnreadByte: previous operation was not a successful read")
    }

    @Test func bytesBufferReadBytesUntil() throws {
        let b = BytesBuffer("line 1\nline 2\nrest")
        #expect(try b.readString(until: "\n") == "line 1\n")
        #expect(try b.readBytes(until: UInt8(ascii: "\n")) == ioBytes("line 2\n"))
        // No delimiter: the rest now (not ending in the delimiter), EOF on the next call.
        #expect(try b.readString(until: "\n") == "rest")
        #expect(throws: IOError.eof) { try b.readString(until: "\n") }
        #expect(throws: IOError.eof) { try b.readBytes(until: 0) }
    }

    @Test func bytesBufferTruncateResetGrow() throws {
        let b = BytesBuffer("hello, world")
        _ = b.next(2)
        b.truncate(3)
        #expect(b.description == "llo")
        b.truncate(0)
        #expect(b.len == 0)
        b.grow(1000)
        b.writeString("x")
        b.reset()
        #expect(b.len == 0)
        #expect(b.description == "")
    }

    @Test func bytesBufferLargeInterleaving() throws {
        // Writes and reads interleaved over many compactions keep the byte order.
        let b = BytesBuffer()
        var expected: [UInt8] = []
        var got: [UInt8] = []
        let buf = UnsafeMutableRawBufferPointer.allocate(byteCount: 3000, alignment: 1)
        defer { buf.deallocate() }
        for round in 0..<200 {
            let chunk = (0..<(round * 37 % 5000)).map { UInt8(truncatingIfNeeded: $0 &+ round) }
            expected += chunk
            chunk.withUnsafeBytes { _ = b.write($0) }
            if b.len > 0 {
                let n = try b.read(into: buf)
                got += buf[0..<n]
            }
        }
        got += b.bytes
        #expect(got == expected)
    }

    @Test func bytesBufferReadFromAndWriteTo() async throws {
        let b = BytesBuffer("head:")
        #expect(try await b.readFrom(IOChunkReader("body", stride: 1)) == 4)
        #expect(b.description == "head:body")
        let sink = IORecordingWriter()
        #expect(try await b.writeTo(sink) == 9)
        #expect(sink.string == "head:body")
        #expect(b.len == 0)
        #expect(try await b.writeTo(sink) == 0)

        await ioExpectThrows(IOTestError()) { _ = try await b.readFrom(IOChunkReader("ab", then: IOTestError())) }
        #expect(b.description == "ab")
        await ioExpectThrows(IOError.noProgress) { _ = try await b.readFrom(IOZeroReader(empties: nil)) }
        await ioExpectThrows(IOError.shortWrite) { _ = try await b.writeTo(IOShortWriter(limit: 1)) }
        #expect(b.description == "b")
        await ioExpectThrows(IOTestError("write failed")) { _ = try await b.writeTo(IOFailingWriter()) }
    }

    @Test func protocolConveniencesOnBytesBuffer() async throws {
        let b = BytesBuffer()
        try await b.write(ioBytes("ab"))
        try await b.write("cd")
        try await b.write(ioBytes("ef")[1...])
        #expect(b.description == "abcdf")
        let w: any Writer = b
        try await w.write("!")
        #expect(try await b.read(maxCount: 3) == ioBytes("abc"))
    }
}
