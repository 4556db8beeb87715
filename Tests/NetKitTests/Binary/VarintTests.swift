// Varint tests ported from Go's src/encoding/binary/varint_test.go (the `tests` table,
// TestConstants, TestVarint, TestUvarint, TestBufferTooSmall, TestBufferTooBigWithOverflow,
// TestOverflow, TestNonCanonicalZero), with the newest Go's ReadUvarint: a truncated varint is
// io.ErrUnexpectedEOF. Go's ReadUvarint also returns a partial value with its errors; here the
// error is thrown and there is no value.
import Testing
@testable import NetKit

/// Go's `tests` table.
private let goTests: [Int64] = [
    Int64.min,
    Int64.min + 1,
    -1,
    0,
    1,
    2,
    10,
    20,
    63,
    64,
    65,
    127,
    128,
    129,
    255,
    256,
    257,
    Int64.max,
]

/// Go's loop `for x := 0x7; x != 0; x <<= 1`.
private let shiftedSevens: [UInt64] = {
    var values: [UInt64] = []
    var x: UInt64 = 0x7
    while x != 0 {
        values.append(x)
        x <<= 1
    }
    return values
}()

@Suite("Binary varints")
struct VarintTests {
    @Test func constants() {
        // Go's TestConstants.
        var buf = [UInt8](repeating: 0, count: maxVarintLen64)
        #expect(putUvarint(1 << 16 - 1, into: &buf) == maxVarintLen16)
        #expect(putUvarint(1 << 32 - 1, into: &buf) == maxVarintLen32)
        #expect(putUvarint(UInt64.max, into: &buf) == maxVarintLen64)
        #expect((maxVarintLen16, maxVarintLen32, maxVarintLen64) == (3, 5, 10))
    }

    /// Go's testVarint.
    private func checkVarint(_ x: Int64) async throws {
        var buf = [UInt8](repeating: 0, count: maxVarintLen64)
        let n = putVarint(x, into: &buf)
        let (y, m) = varint(Array(buf[0..<n]))
        #expect(x == y, "Varint(\(x))")
        #expect(n == m, "Varint(\(x)) n")
        var appended = ioBytes("prefix")
        appendVarint(x, to: &appended)
        #expect(appended == ioBytes("prefix") + buf[0..<n], "AppendVarint(\(x))")
        #expect(try await readVarint(BytesReader(buf)) == x, "ReadVarint(\(x))")
    }

    /// Go's testUvarint.
    private func checkUvarint(_ x: UInt64) async throws {
        var buf = [UInt8](repeating: 0, count: maxVarintLen64)
        let n = putUvarint(x, into: &buf)
        let (y, m) = uvarint(Array(buf[0..<n]))
        #expect(x == y, "Uvarint(\(x))")
        #expect(n == m, "Uvarint(\(x)) n")
        var appended = ioBytes("prefix")
        appendUvarint(x, to: &appended)
        #expect(appended == ioBytes("prefix") + buf[0..<n], "AppendUvarint(\(x))")
        #expect(try await readUvarint(BytesReader(buf)) == x, "ReadUvarint(\(x))")
    }

    @Test func varints() async throws {
        // Go's TestVarint.
        for x in goTests {
            try await checkVarint(x)
            try await checkVarint(0 &- x)  // Go's -x wraps for MinInt64
        }
        for x in shiftedSevens {
            try await checkVarint(Int64(bitPattern: x))
            try await checkVarint(0 &- Int64(bitPattern: x))
        }
    }

    @Test func uvarints() async throws {
        // Go's TestUvarint.
        for x in goTests { try await checkUvarint(UInt64(bitPattern: x)) }
        for x in shiftedSevens { try await checkUvarint(x) }
    }

    @Test func bufferTooSmall() async throws {
        // Go's TestBufferTooSmall.
        let buf: [UInt8] = [0x80, 0x80, 0x80, 0x80]
        for i in 0...buf.count {
            let prefix = Array(buf[0..<i])
            let (x, n) = uvarint(prefix)
            #expect(x == 0 && n == 0, "Uvarint(\(prefix))")
            await ioExpectThrows(i > 0 ? IOError.unexpectedEOF : IOError.eof) {
                _ = try await readUvarint(BytesReader(prefix))
            }
        }
    }

    @Test func bufferTooBigWithOverflow() {
        // Go's TestBufferTooBigWithOverflow.
        var thousand = [UInt8](repeating: 0xFF, count: 1000)
        thousand[999] = 0
        let cases: [(String, [UInt8], Int, UInt64)] = [
            ("invalid: 1000 bytes", thousand, -11, 0),
            ("valid: math.MaxUint64-40", [0xd7, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01], 10, UInt64.max - 40),
            ("invalid: with more than MaxVarintLen64 bytes", [0xd7, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01], -11, 0),
            ("invalid: 10th byte", [0xd7, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x7f], -10, 0),
        ]
        for (name, input, wantN, wantValue) in cases {
            let (value, n) = uvarint(input)
            #expect(n == wantN, "\(name)")
            #expect(value == wantValue, "\(name)")
        }
    }

    @Test(arguments: [
        ([0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x2] as [UInt8], -10),
        ([0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x1, 0, 0], -11),
        ([0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF], -11),  // 11 bytes
    ])
    func overflow(input: [UInt8], wantN: Int) async throws {
        // Go's TestOverflow.
        let (x, n) = uvarint(input)
        #expect(x == 0 && n == wantN)
        let reader = BytesReader(input)
        await ioExpectThrows(BinaryError.varintOverflow) { _ = try await readUvarint(reader) }
        #expect(input.count - reader.len <= maxVarintLen64)  // never reads more than 10 bytes
        #expect(BinaryError.varintOverflow.description == "binary: varint overflows a 64-bit integer")
    }

    @Test func nonCanonicalZero() {
        // Go's TestNonCanonicalZero.
        let (x, n) = uvarint([0x80, 0x80, 0x80, 0])
        #expect(x == 0 && n == 4)
    }

    @Test func rawBuffersSlicesAndErrors() async throws {
        var buf = [UInt8](repeating: 0xEE, count: 16)
        #expect(putUvarint(300, into: &buf[2...]) == 2)
        #expect(Array(buf[0..<5]) == [0xEE, 0xEE, 0xAC, 0x02, 0xEE])
        #expect(uvarint(buf[2...]) == (300, 2))
        #expect(putVarint(-3, into: &buf[4...]) == 1)
        #expect(varint(buf[4...]) == (-3, 1))
        let raw = UnsafeMutableRawBufferPointer.allocate(byteCount: maxVarintLen64, alignment: 1)
        defer { raw.deallocate() }
        #expect(putUvarint(UInt64.max, into: raw) == 10)
        #expect(uvarint(UnsafeRawBufferPointer(raw)) == (UInt64.max, 10))
        #expect(putVarint(Int64.min, into: raw) == 10)
        #expect(varint(UnsafeRawBufferPointer(raw)) == (Int64.min, 10))
        #expect(uvarint([UInt8]()) == (0, 0))
        #expect(varint([0x80]) == (0, 0))
        // Zig-zag: 0, -1, 1, -2, 2 ... encode as 0, 1, 2, 3, 4 ...
        var zigzag: [UInt8] = []
        for x: Int64 in [0, -1, 1, -2, 2, 63, -64] { appendVarint(x, to: &zigzag) }
        #expect(zigzag == [0, 1, 2, 3, 4, 126, 127])
        // A reader error other than EOF passes through.
        await ioExpectThrows(IOTestError()) {
            _ = try await readUvarint(BufferedReader(IOChunkReader([0x80], then: IOTestError())))
        }
        await ioExpectThrows(IOError.unexpectedEOF) { _ = try await readVarint(BytesReader([0x81])) }
    }

    @Test func networkByteOrderWithoutGlibc() {
        // This file does not import Glibc: the plain names are NetKit's.
        #expect(htons(0x0102) == 0x0201)
        #expect(htonl(0x01020304) == 0x04030201)
        #expect(ntohs(0x0201) == 0x0102)
        #expect(ntohl(0x04030201) == 0x01020304)
    }

    @Test func tooSmallBufferIsAPreconditionFailure() async {
        // Go: PutUvarint panics if the buffer is too small.
        await #expect(processExitsWith: .failure) {
            var buf: [UInt8] = [0]
            putUvarint(300, into: &buf)
        }
    }
}
