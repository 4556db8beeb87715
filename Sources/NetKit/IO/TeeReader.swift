/// A reader that writes to `writer` what it reads from `reader`.
///
/// All reads from `reader` performed through it are matched with corresponding writes to
/// `writer`. There is no internal buffering: the write must complete before the read completes.
/// Any error met while writing is thrown as a read error (a writer that accepts fewer bytes
/// without throwing gives `IOError.shortWrite`).
///
/// The corresponding Go function is `io.TeeReader`.
public final class TeeReader: Reader {
    private let reader: any Reader
    private let writer: any Writer

    /// Creates a reader that copies everything it reads from `reader` to `writer`.
    ///
    /// The corresponding Go function is `io.TeeReader`.
    public init(_ reader: any Reader, _ writer: any Writer) {
        self.reader = reader
        self.writer = writer
    }

    /// Reads from the underlying reader, writes the bytes to the writer, then returns the count.
    ///
    /// The corresponding Go method is `Read` of the reader returned by `io.TeeReader`.
    public nonisolated(nonsending) func read(into buffer: UnsafeMutableRawBufferPointer) async throws -> Int {
        if buffer.isEmpty { return 0 }
        let n = try await reader.read(into: buffer)
        checkReadCount(n, buffer.count)
        if n > 0 {
            let written = try await writer.write(UnsafeRawBufferPointer(rebasing: buffer[0..<n]))
            if written != n { throw IOError.shortWrite }
        }
        return n
    }
}
