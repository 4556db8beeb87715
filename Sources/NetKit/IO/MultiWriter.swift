/// A writer that duplicates its writes to all the given writers, like the Unix `tee(1)` command.
///
/// Each write is written to each listed writer, one at a time. If a listed writer throws, the
/// overall write stops and throws that error; it does not continue down the list. A writer that
/// accepts fewer bytes without throwing stops the write with `IOError.shortWrite`. Nested
/// `MultiWriter`s are flattened.
///
/// The corresponding Go function is `io.MultiWriter`.
public final class MultiWriter: Writer, StringWriter {
    private let writers: [any Writer]

    /// Creates a writer that duplicates its writes to `writers`.
    ///
    /// The corresponding Go function is `io.MultiWriter`.
    public convenience init(_ writers: any Writer...) {
        self.init(writers)
    }

    /// Creates a writer that duplicates its writes to `writers`.
    ///
    /// The corresponding Go function is `io.MultiWriter`.
    public init(_ writers: [any Writer]) {
        var all: [any Writer] = []
        all.reserveCapacity(writers.count)
        for writer in writers {
            if let nested = writer as? MultiWriter {
                all.append(contentsOf: nested.writers)
            } else {
                all.append(writer)
            }
        }
        self.writers = all
    }

    /// Writes `buffer` to each writer in turn and returns `buffer.count`.
    ///
    /// The corresponding Go method is `Write` of the writer returned by `io.MultiWriter`.
    public nonisolated(nonsending) func write(_ buffer: UnsafeRawBufferPointer) async throws -> Int {
        for writer in writers {
            let n = try await writer.write(buffer)
            if n != buffer.count { throw IOError.shortWrite }
        }
        return buffer.count
    }

    /// Writes `string` to each writer in turn (with `writeString(_:)` where a writer has it)
    /// and returns its UTF-8 count.
    ///
    /// The corresponding Go method is `WriteString` of the writer returned by `io.MultiWriter`.
    public nonisolated(nonsending) func writeString(_ string: String) async throws -> Int {
        let count = string.utf8.count
        var bytes: UnsafeMutableRawBufferPointer?  // made lazily, if a writer needs it
        defer { bytes?.deallocate() }
        for writer in writers {
            let n: Int
            if let stringWriter = writer as? any StringWriter {
                n = try await stringWriter.writeString(string)
            } else {
                if bytes == nil {
                    let made = UnsafeMutableRawBufferPointer.allocate(byteCount: count, alignment: 1)
                    _ = made.initializeMemory(as: UInt8.self, from: string.utf8)
                    bytes = made
                }
                n = try await writer.write(UnsafeRawBufferPointer(bytes!))
            }
            if n != count { throw IOError.shortWrite }
        }
        return count
    }
}
