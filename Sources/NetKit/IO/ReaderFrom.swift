/// The interface that wraps the `readFrom(_:)` method.
///
/// `readFrom(_:)` reads data from `reader` until the end of its input or an error, and returns
/// the number of bytes read. `IOError.eof` from `reader` is not an error: it ends the call
/// normally; any other error is thrown. `copy` uses `readFrom(_:)` when the destination has it.
///
/// The corresponding Go interface is `io.ReaderFrom`.
public protocol ReaderFrom {
    /// Reads from `reader` until its end and returns the number of bytes read.
    ///
    /// The corresponding Go method is `io.ReaderFrom.ReadFrom`.
    nonisolated(nonsending) func readFrom(_ reader: any Reader) async throws -> Int64
}

/// The interface that wraps the `writeTo(_:)` method.
///
/// `writeTo(_:)` writes data to `writer` until there is no more data to write or an error
/// occurs, and returns the number of bytes written; an error is thrown. `copy` uses
/// `writeTo(_:)` when the source has it (before trying the destination's `readFrom(_:)`).
///
/// The corresponding Go interface is `io.WriterTo`.
public protocol WriterTo {
    /// Writes all remaining data to `writer` and returns the number of bytes written.
    ///
    /// The corresponding Go method is `io.WriterTo.WriteTo`.
    nonisolated(nonsending) func writeTo(_ writer: any Writer) async throws -> Int64
}
