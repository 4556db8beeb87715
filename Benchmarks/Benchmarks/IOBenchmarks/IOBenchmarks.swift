// The IO layer over in-memory readers: readFull and BufferedReader's line reading.
//
// Each measured iteration runs the operation 1000 times (`scalingFactor: .kilo`); the tables show one call.
// The readers are rewound before they run dry, so the loops never throw (a thrown `any Error` allocates
// its box, which would hide the cost of the read itself).
import Benchmark
import NetKit

/// 64 KiB of bytes for `readFull`.
let block = [UInt8]((0..<65_536).map { UInt8(truncatingIfNeeded: $0 &* 31) })

/// 1024 HTTP-like header lines of 24–60 bytes ending in "\r\n".
let lines: [UInt8] = {
    var text = ""
    for i in 0..<1024 {
        text += "X-Header-\(i): " + String(repeating: "v", count: 8 + (i &* 7) % 33) + "\r\n"
    }
    return Array(text.utf8)
}()
let lineCount = 1024

/// The readers of one benchmark, created in its setup.
final class LineReaders: @unchecked Sendable {
    let bytes = BytesReader(lines)
    let buffered: BufferedReader
    var readSoFar = 0
    init() { buffered = BufferedReader(bytes, size: 4096) }

    /// Rewinds both readers once every line has been read.
    @inline(__always) func rewindIfDone() {
        if readSoFar == lineCount {
            bytes.reset(lines)
            buffered.reset(bytes)
            readSoFar = 0
        }
        readSoFar += 1
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

    Benchmark("readFull 64 B from BytesReader (raw buffer)") { benchmark in
        let reader = BytesReader(block)
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64, alignment: 16)
        defer { buffer.deallocate() }
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            if reader.len < 64 { reader.reset(block) }
            try await readFull(reader, into: buffer)
        }
        benchmark.stopMeasurement()
        blackHole(buffer[0])
    }

    Benchmark("readFull 64 B from BytesReader ([UInt8])") { benchmark in
        let reader = BytesReader(block)
        var buffer = [UInt8](repeating: 0, count: 64)
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            if reader.len < 64 { reader.reset(block) }
            try await readFull(reader, into: &buffer)
        }
        benchmark.stopMeasurement()
        blackHole(buffer)
    }

    Benchmark("BufferedReader.readLine (24–60 B lines)") { benchmark in
        let readers = LineReaders()
        var total = 0
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            readers.rewindIfDone()
            total &+= try await readers.buffered.readLine().line.count
        }
        benchmark.stopMeasurement()
        blackHole(total)
    }

    Benchmark("BufferedReader.withReadSlice (24–60 B lines, no copy)") { benchmark in
        let readers = LineReaders()
        var total = 0
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            readers.rewindIfDone()
            total &+= try await readers.buffered.withReadSlice(UInt8(ascii: "\n")) { $0.count }
        }
        benchmark.stopMeasurement()
        blackHole(total)
    }

    Benchmark("BufferedReader.readString(until: \"\\n\")") { benchmark in
        let readers = LineReaders()
        var total = 0
        benchmark.startMeasurement()
        for _ in benchmark.scaledIterations {
            readers.rewindIfDone()
            total &+= try await readers.buffered.readString(until: UInt8(ascii: "\n")).utf8.count
        }
        benchmark.stopMeasurement()
        blackHole(total)
    }
}
