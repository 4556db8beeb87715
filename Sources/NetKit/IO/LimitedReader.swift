/// A reader that reads from `reader` but limits the amount of data returned to `remaining`
/// bytes; each read updates `remaining`. Once `remaining <= 0` it throws `IOError.eof`.
///
/// The corresponding Go type is `io.LimitedReader` (fields `R` and `N`).
public final class LimitedReader: Reader {
    /// The underlying reader (Go's field `R`).
    public var reader: any Reader
    /// The maximum number of bytes still to return (Go's field `N`).
    public var remaining: Int64

    /// Creates a reader that returns at most `remaining` bytes of `reader`, then `IOError.eof`.
    ///
    /// The corresponding Go expression is `&io.LimitedReader{R: r, N: n}`.
    public init(_ reader: any Reader, _ remaining: Int64) {
        self.reader = reader
        self.remaining = remaining
    }

    /// Reads up to `min(buffer.count, remaining)` bytes; throws `IOError.eof` once the limit is
    /// reached.
    ///
    /// The corresponding Go method is `io.LimitedReader.Read`.
    public nonisolated(nonsending) func read(into buffer: UnsafeMutableRawBufferPointer) async throws -> Int {
        if buffer.isEmpty { return 0 }
        if remaining <= 0 { throw IOError.eof }
        var target = buffer
        if Int64(buffer.count) > remaining {
            target = UnsafeMutableRawBufferPointer(rebasing: buffer[0..<Int(remaining)])
        }
        let n = try await reader.read(into: target)
        checkReadCount(n, target.count)
        remaining -= Int64(n)
        return n
    }
}

/// Returns a reader that reads from `reader` but stops with `IOError.eof` after `count` bytes.
///
/// The corresponding Go function is `io.LimitReader`.
public func limitReader(_ reader: any Reader, _ count: Int64) -> LimitedReader {
    LimitedReader(reader, count)
}
