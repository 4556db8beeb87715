/// A `ReadCloser` whose `close()` does nothing, wrapping a reader.
///
/// The corresponding Go function is `io.NopCloser`.
public final class NopCloser: Reader, Closer, WriterTo {
    /// The wrapped reader (the argument of Go's `io.NopCloser`).
    public let reader: any Reader

    /// Wraps `reader` with a no-op `close()`.
    ///
    /// The corresponding Go function is `io.NopCloser`.
    public init(_ reader: any Reader) {
        self.reader = reader
    }

    /// Reads from the wrapped reader.
    ///
    /// The corresponding Go method is `Read` of the value returned by `io.NopCloser`.
    public nonisolated(nonsending) func read(into buffer: UnsafeMutableRawBufferPointer) async throws -> Int {
        if buffer.isEmpty { return 0 }
        return try await reader.read(into: buffer)
    }

    /// Copies the wrapped reader to `writer` (through its own `writeTo(_:)` when it has one).
    ///
    /// The corresponding Go method is `WriteTo` of the value returned by `io.NopCloser`.
    public nonisolated(nonsending) func writeTo(_ writer: any Writer) async throws -> Int64 {
        try await copyStaged(writer, reader, buffer: nil)
    }

    /// Does nothing.
    ///
    /// The corresponding Go method is `Close` of the value returned by `io.NopCloser`.
    public func close() {}
}
