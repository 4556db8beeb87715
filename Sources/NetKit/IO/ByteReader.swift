/// The interface that wraps the `readByte()` method: reads and returns the next byte.
///
/// Throws `IOError.eof` when no byte is available at the end of the input.
///
/// The corresponding Go interface is `io.ByteReader`.
public protocol ByteReader {
    /// Reads and returns the next byte.
    ///
    /// The corresponding Go method is `io.ByteReader.ReadByte`.
    nonisolated(nonsending) func readByte() async throws -> UInt8
}

/// The interface that adds the `unreadByte()` method to `ByteReader`.
///
/// `unreadByte()` causes the next call to `readByte()` to return the last byte read. It may be
/// an error to call `unreadByte()` twice without an intervening `readByte()`.
///
/// The corresponding Go interface is `io.ByteScanner`.
public protocol ByteScanner: ByteReader {
    /// Steps back one byte, so that the next `readByte()` returns the same byte again.
    ///
    /// The corresponding Go method is `io.ByteScanner.UnreadByte`.
    func unreadByte() throws
}

/// The interface that wraps the `writeByte(_:)` method.
///
/// The corresponding Go interface is `io.ByteWriter`.
public protocol ByteWriter {
    /// Writes a single byte.
    ///
    /// The corresponding Go method is `io.ByteWriter.WriteByte`.
    nonisolated(nonsending) func writeByte(_ byte: UInt8) async throws
}

/// The interface that wraps the `writeString(_:)` method; `Writer.write(_ string:)` uses it.
///
/// The corresponding Go interface is `io.StringWriter`.
public protocol StringWriter {
    /// Writes the UTF-8 bytes of `string` and returns how many were written, or throws.
    ///
    /// The corresponding Go method is `io.StringWriter.WriteString`.
    nonisolated(nonsending) func writeString(_ string: String) async throws -> Int
}
