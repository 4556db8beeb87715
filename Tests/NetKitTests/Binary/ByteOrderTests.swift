// Tests for the byte orders and htons/htonl/ntohs/ntohl (Go: src/encoding/binary/binary_test.go
// TestByteOrder, TestEarlyBoundsChecks).
import Glibc
import Testing
@testable import NetKit

@Suite("Binary byte orders")
struct ByteOrderTests {
    static let values: [UInt64] = [
        0x0000000000000000,
        0x0123456789abcdef,
        0xfedcba9876543210,
        0xffffffffffffffff,
        0xaaaaaaaaaaaaaaaa,
        Double.pi.bitPattern,
        M_E.bitPattern,
    ]

    /// Go's TestByteOrder for one order: put/get and append/get round trips at an offset.
    private func roundTrips<O: ByteOrder & AppendByteOrder>(_ order: O) {
        var buf = [UInt8](repeating: 0, count: 8)
        let offset = 3
        for value in Self.values {
            let want16 = UInt16(truncatingIfNeeded: value)
            order.putUint16(want16, into: &buf)
            #expect(order.uint16(buf) == want16)
            buf = Array(buf[0..<offset])
            order.appendUint16(want16, to: &buf)
            #expect(order.uint16(buf[offset...]) == want16)
            #expect(buf.count == offset + 2)

            buf += [UInt8](repeating: 0, count: 8)
            let want32 = UInt32(truncatingIfNeeded: value)
            order.putUint32(want32, into: &buf)
            #expect(order.uint32(buf) == want32)
            buf = Array(buf[0..<offset])
            order.appendUint32(want32, to: &buf)
            #expect(order.uint32(buf[offset...]) == want32)
            #expect(buf.count == offset + 4)

            buf += [UInt8](repeating: 0, count: 8)
            order.putUint64(value, into: &buf)
            #expect(order.uint64(buf) == value)
            buf = Array(buf[0..<offset])
            order.appendUint64(value, to: &buf)
            #expect(order.uint64(buf[offset...]) == value)
            #expect(buf.count == offset + 8)
        }
    }

    @Test func goByteOrderRoundTrips() {
        roundTrips(LittleEndian())
        roundTrips(BigEndian())
        roundTrips(NativeEndian())
    }

    @Test func knownLayouts() {
        let bytes: [UInt8] = [1, 2, 3, 4, 5, 6, 7, 8]
        #expect(BigEndian.uint16(bytes) == 0x0102)
        #expect(BigEndian.uint32(bytes) == 0x01020304)
        #expect(BigEndian.uint64(bytes) == 0x0102030405060708)
        #expect(LittleEndian.uint16(bytes) == 0x0201)
        #expect(LittleEndian.uint32(bytes) == 0x04030201)
        #expect(LittleEndian.uint64(bytes) == 0x0807060504030201)
        #expect(NativeEndian.uint32(bytes) == LittleEndian.uint32(bytes))  // x86-64 and ARM64

        var out: [UInt8] = []
        BigEndian.appendUint32(0x0A0B0C0D, to: &out)
        LittleEndian.appendUint16(0x0102, to: &out)
        BigEndian.appendUint64(0x1122334455667788, to: &out)
        #expect(out == [0x0A, 0x0B, 0x0C, 0x0D, 0x02, 0x01, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88])

        var buf = [UInt8](repeating: 0, count: 10)
        BigEndian.putUint16(0xBEEF, into: &buf[3...])  // in place, at an offset
        LittleEndian.putUint32(0x01020304, into: &buf[5...])
        #expect(buf == [0, 0, 0, 0xBE, 0xEF, 4, 3, 2, 1, 0])
        #expect(BigEndian.uint16(buf[3...]) == 0xBEEF)
        #expect(LittleEndian.uint32(buf[5..<9]) == 0x01020304)
    }

    @Test func rawBuffersAndOtherCollections() {
        let raw = UnsafeMutableRawBufferPointer.allocate(byteCount: 9, alignment: 8)
        defer { raw.deallocate() }
        let unaligned = UnsafeMutableRawBufferPointer(rebasing: raw[1...])
        BigEndian.putUint64(0x0102030405060708, into: unaligned)
        #expect(Array(unaligned) == [1, 2, 3, 4, 5, 6, 7, 8])
        #expect(BigEndian.uint64(UnsafeRawBufferPointer(unaligned)) == 0x0102030405060708)
        #expect(LittleEndian.uint16(UnsafeRawBufferPointer(unaligned)) == 0x0201)
        // A collection that is not contiguous.
        #expect(BigEndian.uint16((1...2).map { UInt8($0) }.lazy.map { $0 }) == 0x0102)
        #expect(BigEndian.uint32(repeatElement(UInt8(0xFF), count: 4)) == 0xFFFF_FFFF)
    }

    @Test func descriptions() {
        #expect(BigEndian().description == "BigEndian")
        #expect(LittleEndian().description == "LittleEndian")
        #expect(NativeEndian().description == "NativeEndian")
        let orders: [any ByteOrder] = [BigEndian(), LittleEndian()]
        #expect(orders.map { "\($0)" } == ["BigEndian", "LittleEndian"])
        #expect(orders.map { $0.uint16([0, 1]) } == [1, 256])
    }

    @Test func networkByteOrderFunctions() {
        #expect(NetKit.htons(0x1234) == UInt16(0x1234).bigEndian)
        #expect(NetKit.htonl(0x12345678) == UInt32(0x12345678).bigEndian)
        #expect(NetKit.ntohs(NetKit.htons(0xABCD)) == 0xABCD)
        #expect(NetKit.ntohl(NetKit.htonl(0xDEADBEEF)) == 0xDEADBEEF)
        // Same results as the C library's; with Glibc imported too, the plain names compile.
        #expect(NetKit.htons(8080) == Glibc.htons(8080))
        #expect(NetKit.ntohl(0x0100007F) == Glibc.ntohl(0x0100007F))
        #expect(htons(8080) == NetKit.htons(8080))
        #expect(ntohs(0x5000) == 80)
        // NetKit's ioPipe() and Glibc's pipe(_:) coexist.
        let (pipeReader, pipeWriter) = ioPipe()
        pipeReader.close()
        pipeWriter.close()
        // Network order in memory is big-endian: port 80 is 00 50.
        withUnsafeBytes(of: NetKit.htons(80)) { #expect(Array($0) == [0x00, 0x50]) }
    }

    @Test func tooFewBytesIsAPreconditionFailure() async {
        // Go's TestEarlyBoundsChecks: Go panics for short slices.
        await #expect(processExitsWith: .failure) {
            _ = LittleEndian.uint64([1, 2, 3, 4])
        }
        await #expect(processExitsWith: .failure) {
            var bytes: [UInt8] = [0, 0, 0, 0]
            LittleEndian.putUint64(0x0102030405060708, into: &bytes)
        }
    }
}
