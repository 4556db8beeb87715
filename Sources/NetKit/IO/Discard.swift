/// A writer on which all writes succeed without doing anything.
///
/// Use the shared value `discard`. The corresponding Go variable is `io.Discard`.
public struct Discard: Writer, StringWriter, ReaderFrom, Sendable {
    /// Creates the discarding writer; `discard` is the shared instance.
    ///
    /// The corresponding Go variable is `io.Discard`.
    public init() {}

    /// Accepts and drops `buffer`; returns `buffer.count`.
    ///
    /// The corresponding Go method is `io.Discard.Write`.
    public func write(_ buffer: UnsafeRawBufferPointer) -> Int { buffer.count }

    /// Accepts and drops `string`; returns its UTF-8 count.
    ///
    /// The corresponding Go method is `io.Discard.WriteString`.
    public func writeString(_ string: String) -> Int { string.utf8.count }

    /// Reads `reader` to its end, dropping the bytes, and returns how many there were.
    ///
    /// Lets `copy(discard, r)` skip the staging copy. Errors other than the end of the input are
    /// thrown; 100 consecutive empty reads throw `IOError.noProgress`.
    /// The corresponding Go method is `io.Discard.ReadFrom`.
    public nonisolated(nonsending) func readFrom(_ reader: any Reader) async throws -> Int64 {
        let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: 8 * 1024, alignment: 1)
        defer { scratch.deallocate() }
        var total: Int64 = 0
        var empties = 0
        while true {
            let n: Int
            do {
                n = try await reader.read(into: scratch)
            } catch let error as IOError where error == .eof {
                return total
            }
            checkReadCount(n, scratch.count)
            if n == 0 {
                empties += 1
                if empties >= maxConsecutiveEmptyReads { throw IOError.noProgress }
                continue
            }
            empties = 0
            total += Int64(n)
        }
    }
}

/// A writer on which all writes succeed without doing anything.
///
/// The corresponding Go variable is `io.Discard`.
public let discard = Discard()
