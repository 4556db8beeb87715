/// A reader and a writer in one value, each buffered.
///
/// The corresponding Go type is `bufio.ReadWriter`.
public final class BufferedReadWriter: Reader, Writer, ByteReader, ByteWriter, StringWriter {
    /// The buffered reading side (Go's embedded `*bufio.Reader`).
    public let reader: BufferedReader
    /// The buffered writing side (Go's embedded `*bufio.Writer`).
    public let writer: BufferedWriter

    /// Groups `reader` and `writer`.
    ///
    /// The corresponding Go function is `bufio.NewReadWriter`.
    public init(_ reader: BufferedReader, _ writer: BufferedWriter) {
        self.reader = reader
        self.writer = writer
    }

    /// Reads through `reader`. The corresponding Go method is `bufio.Reader.Read`.
    public nonisolated(nonsending) func read(into buffer: UnsafeMutableRawBufferPointer) async throws -> Int {
        try await reader.read(into: buffer)
    }

    /// Reads a byte through `reader`. The corresponding Go method is `bufio.Reader.ReadByte`.
    public nonisolated(nonsending) func readByte() async throws -> UInt8 {
        try await reader.readByte()
    }

    /// Writes through `writer`. The corresponding Go method is `bufio.Writer.Write`.
    public nonisolated(nonsending) func write(_ buffer: UnsafeRawBufferPointer) async throws -> Int {
        try await writer.write(buffer)
    }

    /// Writes a byte through `writer`. The corresponding Go method is `bufio.Writer.WriteByte`.
    public nonisolated(nonsending) func writeByte(_ byte: UInt8) async throws {
        try await writer.writeByte(byte)
    }

    /// Writes a string through `writer`. The corresponding Go method is
    /// `bufio.Writer.WriteString`.
    public nonisolated(nonsending) func writeString(_ string: String) async throws -> Int {
        try await writer.writeString(string)
    }

    /// Flushes `writer`. The corresponding Go method is `bufio.Writer.Flush`.
    public nonisolated(nonsending) func flush() async throws {
        try await writer.flush()
    }
}
