// The binary layer: big-endian get/put on arrays and raw buffers, and varints.
//
// Each measured iteration runs the operation 1000 times (`scalingFactor: .kilo`); the tables show one call.
// The operations take about a nanosecond, so every loop reads or writes a different place (64 small arrays,
// or a rotating offset in a raw buffer) and folds its results into a value passed to `blackHole`, which
// keeps the optimizer from hoisting the work out of the loop.
import Benchmark
import NetKit

/// A deterministic stream of well-mixed 64-bit values (SplitMix64).
struct SplitMix64 {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z &>> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z &>> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z &>> 31)
    }
}

/// Buffers shared by the benchmarks of this target (set up once, never freed: the process is short-lived).
final class Fixture: @unchecked Sendable {
    /// 64 arrays of 8 bytes each.
    var arrays: [[UInt8]]
    /// 4 KiB of random bytes; a width-8 read or write at `(i & 511) * 8` stays inside.
    let raw: UnsafeMutableRawPointer
    /// 1024 values whose varint lengths spread over 1 to 10 bytes (more short ones, as in real data).
    let values: [UInt64]
    /// The varints of `values`, back to back.
    let encoded: UnsafeRawBufferPointer
    /// The varints of `values`, one array each.
    let encodedArrays: [[UInt8]]

    init() {
        var random = SplitMix64(state: 42)
        arrays = (0..<64).map { _ in (0..<8).map { _ in UInt8(truncatingIfNeeded: random.next()) } }
        raw = UnsafeMutableRawPointer.allocate(byteCount: 4096, alignment: 16)
        for offset in stride(from: 0, to: 4096, by: 8) {
            raw.storeBytes(of: random.next(), toByteOffset: offset, as: UInt64.self)
        }
        values = (0..<1024).map { _ in random.next() &>> (random.next() % 64) }
        var stream: [UInt8] = []
        var perValue: [[UInt8]] = []
        for value in values {
            var one: [UInt8] = []
            appendUvarint(value, to: &one)
            perValue.append(one)
            stream += one
        }
        encodedArrays = perValue
        let storage = UnsafeMutableRawBufferPointer.allocate(byteCount: stream.count, alignment: 16)
        storage.copyBytes(from: stream)
        encoded = UnsafeRawBufferPointer(storage)
    }

    @inline(__always) func slot(_ i: Int) -> UnsafeMutableRawBufferPointer {
        UnsafeMutableRawBufferPointer(start: raw + (i & 511) &* 8, count: 8)
    }
}

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .mallocCountTotal, .throughput],
        warmupIterations: 3,
        scalingFactor: .kilo,
        maxDuration: .seconds(1),
        maxIterations: 10_000
    )
    let f = Fixture()

    // Calibration: what the harness itself costs per iteration (its mallocs, its clock reads).
    Benchmark("Harness: empty iteration") { benchmark in
        for i in benchmark.scaledIterations { blackHole(i) }
    }

    // MARK: Get

    Benchmark("BigEndian.uint16 [UInt8]") { benchmark in
        var sum: UInt16 = 0
        for i in benchmark.scaledIterations { sum &+= BigEndian.uint16(f.arrays[i & 63]) }
        blackHole(sum)
    }
    Benchmark("BigEndian.uint32 [UInt8]") { benchmark in
        var sum: UInt32 = 0
        for i in benchmark.scaledIterations { sum &+= BigEndian.uint32(f.arrays[i & 63]) }
        blackHole(sum)
    }
    Benchmark("BigEndian.uint64 [UInt8]") { benchmark in
        var sum: UInt64 = 0
        for i in benchmark.scaledIterations { sum &+= BigEndian.uint64(f.arrays[i & 63]) }
        blackHole(sum)
    }
    Benchmark("BigEndian.uint16 raw buffer") { benchmark in
        var sum: UInt16 = 0
        for i in benchmark.scaledIterations { sum &+= BigEndian.uint16(UnsafeRawBufferPointer(f.slot(i))) }
        blackHole(sum)
    }
    Benchmark("BigEndian.uint32 raw buffer") { benchmark in
        var sum: UInt32 = 0
        for i in benchmark.scaledIterations { sum &+= BigEndian.uint32(UnsafeRawBufferPointer(f.slot(i))) }
        blackHole(sum)
    }
    Benchmark("BigEndian.uint64 raw buffer") { benchmark in
        var sum: UInt64 = 0
        for i in benchmark.scaledIterations { sum &+= BigEndian.uint64(UnsafeRawBufferPointer(f.slot(i))) }
        blackHole(sum)
    }

    // MARK: Put

    Benchmark("BigEndian.putUint16 [UInt8]") { benchmark in
        for i in benchmark.scaledIterations { BigEndian.putUint16(UInt16(truncatingIfNeeded: i), into: &f.arrays[i & 63]) }
        blackHole(f.arrays[0][0])
    }
    Benchmark("BigEndian.putUint32 [UInt8]") { benchmark in
        for i in benchmark.scaledIterations { BigEndian.putUint32(UInt32(truncatingIfNeeded: i), into: &f.arrays[i & 63]) }
        blackHole(f.arrays[0][0])
    }
    Benchmark("BigEndian.putUint64 [UInt8]") { benchmark in
        for i in benchmark.scaledIterations { BigEndian.putUint64(UInt64(truncatingIfNeeded: i), into: &f.arrays[i & 63]) }
        blackHole(f.arrays[0][0])
    }
    Benchmark("BigEndian.putUint16 raw buffer") { benchmark in
        for i in benchmark.scaledIterations { BigEndian.putUint16(UInt16(truncatingIfNeeded: i), into: f.slot(i)) }
        blackHole(f.raw.load(as: UInt8.self))
    }
    Benchmark("BigEndian.putUint32 raw buffer") { benchmark in
        for i in benchmark.scaledIterations { BigEndian.putUint32(UInt32(truncatingIfNeeded: i), into: f.slot(i)) }
        blackHole(f.raw.load(as: UInt8.self))
    }
    Benchmark("BigEndian.putUint64 raw buffer") { benchmark in
        for i in benchmark.scaledIterations { BigEndian.putUint64(UInt64(truncatingIfNeeded: i), into: f.slot(i)) }
        blackHole(f.raw.load(as: UInt8.self))
    }

    // MARK: Varints (lengths 1–10, mixed)

    Benchmark("putUvarint raw buffer") { benchmark in
        var total = 0
        let out = UnsafeMutableRawBufferPointer(start: f.raw, count: 4096)
        for i in benchmark.scaledIterations {
            total &+= putUvarint(f.values[i & 1023], into: UnsafeMutableRawBufferPointer(rebasing: out[((i & 255) &* 16)...]))
        }
        blackHole(total)
    }
    Benchmark("putUvarint [UInt8]") { benchmark in
        var out = [UInt8](repeating: 0, count: maxVarintLen64)
        var total = 0
        for i in benchmark.scaledIterations { total &+= putUvarint(f.values[i & 1023], into: &out) }
        blackHole(total)
        blackHole(out)
    }
    Benchmark("uvarint raw buffer (stream)") { benchmark in
        var sum: UInt64 = 0
        var offset = 0
        let end = f.encoded.count
        for _ in benchmark.scaledIterations {
            let (value, count) = uvarint(UnsafeRawBufferPointer(rebasing: f.encoded[offset..<end]))
            sum &+= value
            offset &+= count
            if offset >= end { offset = 0 }
        }
        blackHole(sum)
    }
    Benchmark("uvarint [UInt8]") { benchmark in
        var sum: UInt64 = 0
        for i in benchmark.scaledIterations { sum &+= uvarint(f.encodedArrays[i & 1023]).value }
        blackHole(sum)
    }
    Benchmark("putVarint + varint raw buffer") { benchmark in
        var sum: Int64 = 0
        let out = UnsafeMutableRawBufferPointer(start: f.raw, count: 16)
        for i in benchmark.scaledIterations {
            let count = putVarint(Int64(bitPattern: f.values[i & 1023]), into: out)
            sum &+= varint(UnsafeRawBufferPointer(rebasing: out[..<count])).value
        }
        blackHole(sum)
    }
}
