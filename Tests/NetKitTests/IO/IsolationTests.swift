// The IO types are non-Sendable classes (Go pointer semantics). Their async methods are
// `nonisolated(nonsending)`: they run on the caller's actor, so an actor or the main actor can
// own and use them. These tests are mostly compile-time checks.
import Testing
@testable import NetKit

/// An actor that owns non-Sendable readers and writers and uses them.
private actor Session {
    let input: BufferedReader
    let output = BytesBuffer()
    let writer: BufferedWriter
    var lines: [String] = []

    init(_ text: String) {
        input = BufferedReader(BytesReader(text))
        writer = BufferedWriter(output, size: 16)
    }

    func run() async throws -> String {
        lines.append(try await input.readString(until: "\n"))
        let scanner = Scanner(input)
        for try await line in scanner.texts { lines.append(line) }
        try await writer.write("got \(lines.count) lines")
        try await writer.flush()
        _ = try await copy(discard, BytesReader("x"))
        return output.description
    }
}

@Suite("IO isolation")
struct IsolationTests {
    @Test func actorOwnedReadersAndWriters() async throws {
        let session = Session("first\nsecond\nthird\n")
        #expect(try await session.run() == "got 3 lines")
        #expect(await session.lines == ["first\n", "second", "third"])
    }

    @MainActor
    @Test func mainActorUse() async throws {
        let buffer = BytesBuffer()
        try await buffer.write("main actor")
        let reader = BufferedReader(buffer)
        #expect(try await readAll(reader) == ioBytes("main actor"))
        #expect(try await readVarint(BufferedReader(BytesReader([0x03]))) == -2)
    }
}
