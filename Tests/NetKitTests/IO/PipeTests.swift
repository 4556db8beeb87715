// Contract tests for ioPipe() (Go: src/io/pipe_test.go and the io.Pipe documentation).
// Every wait is bounded by ioTimeout.
import Synchronization
import Testing
@testable import NetKit

/// A flag shared between tasks.
private final class Flag: Sendable {
    private let value = Atomic<Bool>(false)
    func set() { value.store(true, ordering: .sequentiallyConsistent) }
    var isSet: Bool { value.load(ordering: .sequentiallyConsistent) }
}

@Suite("IO pipe")
struct PipeTests {
    @Test func singleWriteSingleRead() async throws {
        // Go's TestPipe1.
        try await ioTimeout {
            let (r, w) = ioPipe()
            let writer = Task { try await w.write(ioBytes("hello, world")) }
            #expect(try await r.read(maxCount: 64) == ioBytes("hello, world"))
            try await writer.value
            r.close()
        }
    }

    @Test func writeSuspendsUntilFullyConsumed() async throws {
        try await ioTimeout {
            let (r, w) = ioPipe()
            let finished = Flag()
            let writer = Task {
                try await w.write(ioBytes("0123456789"))
                finished.set()
            }
            #expect(try await r.read(maxCount: 4) == ioBytes("0123"))
            await ioSettle()
            #expect(!finished.isSet)
            #expect(try await r.read(maxCount: 4) == ioBytes("4567"))
            await ioSettle()
            #expect(!finished.isSet)
            #expect(try await r.read(maxCount: 4) == ioBytes("89"))
            try await writer.value
            #expect(finished.isSet)
        }
    }

    @Test func aReadNeverSpansTwoWrites() async throws {
        try await ioTimeout {
            let (r, w) = ioPipe()
            let writer = Task {
                try await w.write(ioBytes("abc"))
                try await w.write(ioBytes("def"))
                w.close()
            }
            #expect(try await r.read(maxCount: 10) == ioBytes("abc"))
            #expect(try await r.read(maxCount: 10) == ioBytes("def"))
            await ioExpectThrows(IOError.eof) { _ = try await r.read(maxCount: 10) }
            try await writer.value
        }
    }

    @Test(arguments: [1, 2, 3, 5, 64, 128])
    func readsOfAnySize(readSize: Int) async throws {
        // Go's TestPipe2/TestPipe3: a writer of 128 bytes, reads of readSize.
        try await ioTimeout {
            let (r, w) = ioPipe()
            let data = (0..<128).map { UInt8($0) }
            let writer = Task {
                try await w.write(data)
                w.close()
            }
            var got: [UInt8] = []
            while true {
                do {
                    let chunk = try await r.read(maxCount: readSize)
                    #expect(chunk.count == min(readSize, 128 - got.count))
                    got += chunk
                } catch IOError.eof {
                    break
                }
            }
            #expect(got == data)
            try await writer.value
        }
    }

    /// Go's pipeTests table: close the writer (sync or async), plainly or with an error.
    @Test(arguments: [(false, false), (true, false), (false, true), (true, true)])
    func readAfterWriterClose(async: Bool, withError: Bool) async throws {
        try await ioTimeout {
            let (r, w) = ioPipe()
            let close: @Sendable () -> Void = {
                if withError { w.closeWithError(IOTestError("pipe error")) } else { w.close() }
            }
            let closer: Task<Void, Never>?
            if async {
                closer = Task {
                    await ioSettle()
                    close()
                }
            } else {
                close()
                closer = nil
            }
            do {
                _ = try await r.read(maxCount: 64)
                Issue.record("read on a closed pipe returned data")
            } catch {
                if withError {
                    #expect(error as? IOTestError == IOTestError("pipe error"))
                } else {
                    #expect(error as? IOError == .eof)
                }
            }
            await closer?.value
            r.close()
        }
    }

    @Test(arguments: [(false, false), (true, false), (false, true), (true, true)])
    func writeAfterReaderClose(async: Bool, withError: Bool) async throws {
        try await ioTimeout {
            let (r, w) = ioPipe()
            let close: @Sendable () -> Void = {
                if withError { r.closeWithError(IOTestError("pipe error")) } else { r.close() }
            }
            let closer: Task<Void, Never>?
            if async {
                closer = Task {
                    await ioSettle()
                    close()
                }
            } else {
                close()
                closer = nil
            }
            do {
                try await w.write(ioBytes("hello, world"))
                Issue.record("write on a closed pipe succeeded")
            } catch {
                if withError {
                    #expect(error as? IOTestError == IOTestError("pipe error"))
                } else {
                    #expect(error as? IOError == .closedPipe)
                }
            }
            await closer?.value
            w.close()
        }
    }

    @Test func ownSideClosedGivesClosedPipe() async throws {
        let (r, w) = ioPipe()
        r.close()
        await ioExpectThrows(IOError.closedPipe) { _ = try await r.read(maxCount: 1) }
        w.close()
        await ioExpectThrows(IOError.closedPipe) { try await w.write(ioBytes("x")) }

        // Go's TestWriteAfterWriterClose.
        try await ioTimeout {
            let (r, w) = ioPipe()
            let writer = Task { () -> (any Error)? in
                try await w.write(ioBytes("hello"))
                w.close()
                do {
                    try await w.write(ioBytes("world"))
                    return nil
                } catch {
                    return error
                }
            }
            var buffer = [UInt8](repeating: 0, count: 100)
            await ioExpectThrows(IOError.unexpectedEOF) { try await readFull(r, into: &buffer) }
            let writeError = try await writer.value
            #expect(writeError as? IOError == .closedPipe)
        }
    }

    @Test func partialReadThenCloseGivesUnexpectedEOF() async throws {
        try await ioTimeout {
            let (r, w) = ioPipe()
            let writer = Task {
                try await w.write(ioBytes("hello"))
                w.close()
            }
            let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 100, alignment: 1)
            defer { buffer.deallocate() }
            await ioExpectThrows(IOError.unexpectedEOF) { try await readFull(r, into: buffer) }
            #expect(Array(buffer[0..<5]) == ioBytes("hello"))
            try await writer.value
        }
    }

    @Test func emptyWriteDoesNotWait() async throws {
        // Go's TestWriteEmpty / TestWriteNil (empty writes return at once here).
        try await ioTimeout {
            let (r, w) = ioPipe()
            #expect(try await w.write(UnsafeRawBufferPointer(start: nil, count: 0)) == 0)
            try await w.write([UInt8]())
            w.close()
            await ioExpectThrows(IOError.eof) { _ = try await r.read(maxCount: 2) }
            #expect(try await r.read(maxCount: 0) == [])
            await ioExpectThrows(IOError.closedPipe) {
                _ = try await w.write(UnsafeRawBufferPointer(start: nil, count: 0))
            }
        }
    }

    @Test func firstCloseErrorWins() async throws {
        // Go's TestPipeCloseError.
        let (r, w) = ioPipe()
        r.closeWithError(IOTestError("one"))
        await ioExpectThrows(IOTestError("one")) { try await w.write([UInt8]()) }
        r.closeWithError(IOTestError("two"))
        await ioExpectThrows(IOTestError("one")) { try await w.write(ioBytes("x")) }

        let (r2, w2) = ioPipe()
        w2.closeWithError(IOTestError("one"))
        await ioExpectThrows(IOTestError("one")) { _ = try await r2.read(maxCount: 1) }
        w2.closeWithError(IOTestError("two"))
        await ioExpectThrows(IOTestError("one")) { _ = try await r2.read(maxCount: 1) }
        w2.close()
        await ioExpectThrows(IOTestError("one")) { _ = try await r2.read(maxCount: 1) }
    }

    @Test func closeWakesEveryWaiter() async throws {
        try await ioTimeout {
            let (r, w) = ioPipe()
            let readers = (0..<5).map { _ in Task { try await r.read(maxCount: 8) } }
            await ioSettle()
            w.closeWithError(IOTestError("gone"))
            for reader in readers {
                await ioExpectThrows(IOTestError("gone")) { _ = try await reader.value }
            }
            let (r2, w2) = ioPipe()
            let writers = (0..<5).map { _ in Task { try await w2.write(ioBytes("data")) } }
            await ioSettle()
            r2.close()
            for writer in writers {
                await ioExpectThrows(IOError.closedPipe) { try await writer.value }
            }
        }
    }

    @Test func concurrentWritesAreGated() async throws {
        // Go's TestPipeConcurrent/Write: each write's bytes come out together.
        try await ioTimeout {
            let input = ioBytes("0123456789abcdef")
            let count = 8, readSize = 2
            let (r, w) = ioPipe()
            let writers = (0..<count).map { _ in Task { try await w.write(input) } }
            var got: [UInt8] = []
            while got.count < count * input.count {
                let chunk = try await r.read(maxCount: readSize)
                #expect(chunk.count == readSize)
                got += chunk
            }
            for writer in writers { try await writer.value }
            #expect(got == Array([[UInt8]](repeating: input, count: count).joined()))
        }
    }

    @Test func concurrentReadsAreGated() async throws {
        // Go's TestPipeConcurrent/Read: the output is a permutation of readSize groups.
        try await ioTimeout {
            let input = ioBytes("0123456789abcdef")
            let count = 8, readSize = 2
            let (r, w) = ioPipe()
            let readers = (0..<(count * input.count / readSize)).map { _ in
                Task { try await r.read(maxCount: readSize) }
            }
            for _ in 0..<count { try await w.write(input) }
            var groups: [[UInt8]] = []
            for reader in readers {
                let group = try await reader.value
                #expect(group.count == readSize)
                groups.append(group)
            }
            let want = (0..<count).flatMap { _ in stride(from: 0, to: input.count, by: readSize).map { Array(input[$0..<$0 + readSize]) } }
            #expect(groups.sorted { $0.lexicographicallyPrecedes($1) } == want.sorted { $0.lexicographicallyPrecedes($1) })
        }
    }

    @Test func cancelledBlockedReadLeavesPipeUsable() async throws {
        try await ioTimeout {
            let (r, w) = ioPipe()
            let reader = Task { try await r.read(maxCount: 8) }
            await ioSettle()
            reader.cancel()
            await ioExpectThrows(CancellationErrorBox()) {
                do { _ = try await reader.value } catch is CancellationError { throw CancellationErrorBox() }
            }
            let writer = Task { try await w.write(ioBytes("after")) }
            #expect(try await r.read(maxCount: 8) == ioBytes("after"))
            try await writer.value
        }
    }

    @Test func cancelledBlockedWriteLeavesPipeUsable() async throws {
        try await ioTimeout {
            let (r, w) = ioPipe()
            let writer = Task { try await w.write(ioBytes("0123456789")) }
            #expect(try await r.read(maxCount: 2) == ioBytes("01"))  // partly consumed
            writer.cancel()
            await ioExpectThrows(CancellationErrorBox()) {
                do { try await writer.value } catch is CancellationError { throw CancellationErrorBox() }
            }
            // The rest of the cancelled write is gone; the next write is read whole.
            let next = Task { try await w.write(ioBytes("next")) }
            #expect(try await r.read(maxCount: 8) == ioBytes("next"))
            try await next.value
        }
    }

    @Test func cancelledQueuedWriteNeverAppears() async throws {
        try await ioTimeout {
            let (r, w) = ioPipe()
            let first = Task { try await w.write(ioBytes("first")) }
            await ioSettle()
            let second = Task { try await w.write(ioBytes("second")) }
            await ioSettle()
            second.cancel()
            await ioExpectThrows(CancellationErrorBox()) {
                do { try await second.value } catch is CancellationError { throw CancellationErrorBox() }
            }
            #expect(try await r.read(maxCount: 16) == ioBytes("first"))
            try await first.value
            w.close()
            await ioExpectThrows(IOError.eof) { _ = try await r.read(maxCount: 16) }
        }
    }

    @Test func operationsInACancelledTaskThatWouldWaitThrow() async throws {
        try await ioTimeout {
            let (r, w) = ioPipe()
            let outcome = Task { () -> [String] in
                withUnsafeCurrentTask { $0?.cancel() }
                var results: [String] = []
                do { _ = try await r.read(maxCount: 4) } catch { results.append("\(type(of: error))") }
                do { try await w.write(ioBytes("x")) } catch { results.append("\(type(of: error))") }
                return results
            }
            #expect(await outcome.value == ["CancellationError", "CancellationError"])
            // A pending write lets a cancelled task still read without waiting.
            let writer = Task { try await w.write(ioBytes("ready")) }
            var got: [UInt8]?
            for _ in 0..<100 where got == nil {  // until the writer is waiting (a failed try transfers nothing)
                await ioSettle()
                let cancelledRead = Task { () -> [UInt8]? in
                    withUnsafeCurrentTask { $0?.cancel() }
                    return try? await r.read(maxCount: 8)
                }
                got = await cancelledRead.value
            }
            #expect(got == ioBytes("ready"))
            try await writer.value
        }
    }

    @Test func stressManyWritersAndReaders() async throws {
        let rounds = 200 * ioStressFactor
        try await ioTimeout(30 * Double(ioStressFactor)) {
            let (r, w) = ioPipe()
            let writers = (0..<4).map { id in
                Task {
                    for i in 0..<rounds {
                        let size = 1 + (i * 7 + id) % 50
                        try await w.write([UInt8](repeating: UInt8(id), count: size))
                    }
                }
            }
            let closer = Task {
                for writer in writers { try await writer.value }
                w.close()
            }
            var counts = [Int](repeating: 0, count: 4)
            while true {
                do {
                    let chunk = try await r.read(maxCount: 13)
                    #expect(Set(chunk).count == 1)  // a read holds bytes of one write only
                    counts[Int(chunk[0])] += chunk.count
                } catch IOError.eof {
                    break
                }
            }
            try await closer.value
            for id in 0..<4 {
                #expect(counts[id] == (0..<rounds).reduce(0) { $0 + 1 + ($1 * 7 + id) % 50 })
            }
        }
    }
}

/// CancellationError is not Equatable: tests map it to this.
private struct CancellationErrorBox: Error, Equatable {}
