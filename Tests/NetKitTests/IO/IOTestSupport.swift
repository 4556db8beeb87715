// Test readers and writers for the IO layer (in the spirit of Go's testing/iotest), and the
// watchdog every waiting test uses.
import Glibc
import Testing
@testable import NetKit

/// A distinct error for tests, compared by name.
struct IOTestError: Error, Equatable, CustomStringConvertible {
    let name: String
    init(_ name: String = "test error") { self.name = name }
    var description: String { name }
}

/// Thrown by `ioTimeout` when the watchdog fires.
struct IOWatchdogTimeout: Error, CustomStringConvertible {
    let seconds: Double
    var description: String { "watchdog: operation did not finish within \(seconds) s" }
}

/// Runs `operation`, racing it against a watchdog: if it has not finished after `seconds`, the
/// test fails, the operation's task is cancelled and `IOWatchdogTimeout` is thrown.
func ioTimeout<T: Sendable>(
    _ seconds: Double = 10,
    sourceLocation: SourceLocation = #_sourceLocation,
    _ operation: @escaping @Sendable () async throws -> T
) async throws -> T {
    try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await operation() }
        group.addTask {
            try await Task.sleep(for: .milliseconds(Int(seconds * 1000)))
            return nil
        }
        defer { group.cancelAll() }
        guard let first = try await group.next(), let value = first else {
            Issue.record("watchdog fired after \(seconds) s", sourceLocation: sourceLocation)
            throw IOWatchdogTimeout(seconds: seconds)
        }
        return value
    }
}

/// How much bigger stress tests run: the integer in the environment variable NETKIT_STRESS
/// (default 1).
let ioStressFactor: Int = {
    guard let raw = getenv("NETKIT_STRESS"), let value = Int(String(cString: raw)), value > 0 else { return 1 }
    return value
}()

/// Sleeps briefly so that other tasks get to run (used to let a peer reach a suspension point).
func ioSettle(_ milliseconds: Int = 20) async {
    try? await Task.sleep(for: .milliseconds(milliseconds))
}

/// Returns its data in reads of at most `stride` bytes; throws `error` (default: EOF) once the
/// data is exhausted, on the call *after* the last byte (the NetKit mapping of Go's
/// "data and EOF").
final class IOChunkReader: Reader {
    private var data: [UInt8]
    private let stride: Int
    private let error: any Error
    private(set) var calls = 0

    init(_ data: [UInt8], stride: Int = .max, then error: any Error = IOError.eof) {
        self.data = data
        self.stride = stride
        self.error = error
    }

    convenience init(_ string: String, stride: Int = .max, then error: any Error = IOError.eof) {
        self.init(Array(string.utf8), stride: stride, then: error)
    }

    func read(into buffer: UnsafeMutableRawBufferPointer) throws -> Int {
        if buffer.isEmpty { return 0 }
        calls += 1
        if data.isEmpty { throw error }
        let n = min(buffer.count, stride, data.count)
        data.withUnsafeBytes { buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: $0[0..<n])) }
        data.removeFirst(n)
        return n
    }
}

/// Go's iotest.IOOneByteReader: every read returns at most one byte of the wrapped reader.
final class IOOneByteReader: Reader {
    let reader: any Reader
    init(_ reader: any Reader) { self.reader = reader }
    func read(into buffer: UnsafeMutableRawBufferPointer) async throws -> Int {
        if buffer.isEmpty { return 0 }
        return try await reader.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[0..<1]))
    }
}

/// Go's iotest.IOHalfReader: every read returns half of what was asked (rounded up).
final class IOHalfReader: Reader {
    let reader: any Reader
    init(_ reader: any Reader) { self.reader = reader }
    func read(into buffer: UnsafeMutableRawBufferPointer) async throws -> Int {
        if buffer.isEmpty { return 0 }
        let half = (buffer.count + 1) / 2
        return try await reader.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[0..<half]))
    }
}

/// Returns 0 ("nothing happened") for the first `empties` reads (nil: for ever), then reads
/// from `reader`.
final class IOZeroReader: Reader {
    private var empties: Int?
    let reader: any Reader
    private(set) var calls = 0
    init(empties: Int?, then reader: any Reader = IOChunkReader([])) {
        self.empties = empties
        self.reader = reader
    }
    func read(into buffer: UnsafeMutableRawBufferPointer) async throws -> Int {
        calls += 1
        if let left = empties {
            if left > 0 {
                empties = left - 1
                return 0
            }
            return try await reader.read(into: buffer)
        }
        return 0
    }
}

/// A writer that collects everything it is given.
final class IORecordingWriter: Writer {
    private(set) var bytes: [UInt8] = []
    private(set) var writes: [[UInt8]] = []
    func write(_ buffer: UnsafeRawBufferPointer) -> Int {
        bytes.append(contentsOf: buffer)
        writes.append(Array(buffer))
        return buffer.count
    }
    var string: String { String(decoding: bytes, as: UTF8.self) }
}

/// A broken writer: accepts at most `limit` bytes per call and does not throw.
final class IOShortWriter: Writer {
    let limit: Int
    private(set) var bytes: [UInt8] = []
    init(limit: Int) { self.limit = limit }
    func write(_ buffer: UnsafeRawBufferPointer) -> Int {
        let n = min(limit, buffer.count)
        bytes.append(contentsOf: buffer[0..<n])
        return n
    }
}

/// Accepts `capacity` bytes in total, then throws `error`.
final class IOFailingWriter: Writer {
    private(set) var bytes: [UInt8] = []
    private var capacity: Int
    let error: any Error
    private(set) var calls = 0
    init(capacity: Int = 0, error: any Error = IOTestError("write failed")) {
        self.capacity = capacity
        self.error = error
    }
    func write(_ buffer: UnsafeRawBufferPointer) throws -> Int {
        calls += 1
        if buffer.count > capacity { throw error }
        capacity -= buffer.count
        bytes.append(contentsOf: buffer)
        return buffer.count
    }
}

/// Expects `body` to throw an error equal to `expected` (any Equatable error type).
func ioExpectThrows<E: Error & Equatable>(
    _ expected: E,
    sourceLocation: SourceLocation = #_sourceLocation,
    _ body: () async throws -> Void
) async {
    do {
        try await body()
        Issue.record("expected \(expected) to be thrown, nothing was", sourceLocation: sourceLocation)
    } catch let error as E {
        #expect(error == expected, sourceLocation: sourceLocation)
    } catch {
        Issue.record("expected \(expected), got \(error)", sourceLocation: sourceLocation)
    }
}

/// The UTF-8 bytes of a string.
func ioBytes(_ string: String) -> [UInt8] { Array(string.utf8) }

/// `[UInt8]` as a string, for readable expectations.
func ioText(_ bytes: [UInt8]) -> String { String(decoding: bytes, as: UTF8.self) }
