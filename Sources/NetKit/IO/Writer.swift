/// A sink of bytes: the interface that wraps the basic `write(_:)` method.
///
/// `write(_:)` writes `buffer.count` bytes from `buffer` to the underlying data stream and
/// returns the number of bytes written. It must throw if it wrote fewer than `buffer.count`
/// bytes (Go: "Write must return a non-nil error if it returns n < len(p)"); `copy`,
/// `MultiWriter`, `BufferedWriter` and the convenience overloads report
/// `IOError.shortWrite` when a writer breaks that rule. Bytes written before an error are not
/// reported separately: the error is what the caller sees.
///
/// `write(_:)` must not modify the bytes, even temporarily. Implementations must not retain
/// `buffer`.
///
/// Like `Reader.read(into:)`, the requirement is `nonisolated(nonsending)` (it runs on the
/// caller's actor); plain `async` and synchronous implementations satisfy it.
///
/// The corresponding Go interface is `io.Writer`.
public protocol Writer {
    /// Writes all of `buffer` and returns `buffer.count`, or throws.
    ///
    /// The corresponding Go method is `io.Writer.Write`.
    @discardableResult
    nonisolated(nonsending) func write(_ buffer: UnsafeRawBufferPointer) async throws -> Int
}

extension Writer {
    /// Writes every byte of `bytes`; throws `IOError.shortWrite` if the writer accepted fewer
    /// bytes without throwing.
    ///
    /// The bytes are copied once into a temporary buffer (the core `write(_:)` takes a raw
    /// buffer that must stay valid across suspension). The corresponding Go method is
    /// `io.Writer.Write`.
    public nonisolated(nonsending) func write(_ bytes: [UInt8]) async throws {
        let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: bytes.count, alignment: 1)
        defer { scratch.deallocate() }
        bytes.withUnsafeBytes { scratch.copyMemory(from: $0) }
        try await writeAll(UnsafeRawBufferPointer(scratch))
    }

    /// Writes every byte of `bytes`; throws `IOError.shortWrite` if the writer accepted fewer
    /// bytes without throwing.
    ///
    /// The corresponding Go method is `io.Writer.Write`.
    public nonisolated(nonsending) func write(_ bytes: some Sequence<UInt8>) async throws {
        try await write(Array(bytes))
    }

    /// Writes the UTF-8 bytes of `string`, through `StringWriter.writeString(_:)` when the
    /// writer has it; throws `IOError.shortWrite` if the writer accepted fewer bytes without
    /// throwing.
    ///
    /// The corresponding Go function is `io.WriteString`.
    public nonisolated(nonsending) func write(_ string: String) async throws {
        if let stringWriter = self as? any StringWriter {
            let n = try await stringWriter.writeString(string)
            if n != string.utf8.count { throw IOError.shortWrite }
            return
        }
        try await write(Array(string.utf8))
    }

    /// Calls `write(_:)` once and turns a short count into `IOError.shortWrite`.
    nonisolated(nonsending) func writeAll(_ buffer: UnsafeRawBufferPointer) async throws {
        let n = try await write(buffer)
        if n != buffer.count { throw IOError.shortWrite }
    }
}
