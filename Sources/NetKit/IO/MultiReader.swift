/// The logical concatenation of several readers, read one after the other.
///
/// Once every input has thrown `IOError.eof`, `read(into:)` throws `IOError.eof`. If an input
/// throws any other error, that error is thrown (and the same input is read again by the next
/// call). A read never spans two inputs. Nested `MultiReader`s are flattened.
///
/// The corresponding Go function is `io.MultiReader`.
public final class MultiReader: Reader, WriterTo {
    private var readers: [any Reader]
    private var index = 0

    /// Creates the concatenation of `readers`.
    ///
    /// The corresponding Go function is `io.MultiReader`.
    public convenience init(_ readers: any Reader...) {
        self.init(readers)
    }

    /// Creates the concatenation of `readers`.
    ///
    /// The corresponding Go function is `io.MultiReader`.
    public init(_ readers: [any Reader]) {
        self.readers = readers
    }

    /// Reads from the current input; moves to the next input at the end of each one.
    ///
    /// The corresponding Go method is `Read` of the reader returned by `io.MultiReader`.
    public nonisolated(nonsending) func read(into buffer: UnsafeMutableRawBufferPointer) async throws -> Int {
        if buffer.isEmpty { return 0 }
        while index < readers.count {
            // Flatten a nested MultiReader in last position (Go issue 13558).
            if index == readers.count - 1, let nested = readers[index] as? MultiReader {
                readers = Array(nested.readers[nested.index...])
                index = 0
                continue
            }
            do {
                return try await readers[index].read(into: buffer)
            } catch let error as IOError where error == .eof {
                readers[index] = EOFReader()  // let the finished reader go
                index += 1
            }
        }
        throw IOError.eof
    }

    /// Copies every remaining input to `writer`, in order, through one 32 KiB buffer.
    ///
    /// After an error the failed input stays current, so a later call resumes there.
    /// The corresponding Go method is `WriteTo` of the reader returned by `io.MultiReader`.
    public nonisolated(nonsending) func writeTo(_ writer: any Writer) async throws -> Int64 {
        let staging = UnsafeMutableRawBufferPointer.allocate(byteCount: 32 * 1024, alignment: 1)
        defer { staging.deallocate() }
        return try await writeTo(writer, staging: staging)
    }

    private nonisolated(nonsending) func writeTo(_ writer: any Writer, staging: UnsafeMutableRawBufferPointer) async throws -> Int64 {
        var sum: Int64 = 0
        while index < readers.count {
            let reader = readers[index]
            if let nested = reader as? MultiReader {
                sum += try await nested.writeTo(writer, staging: staging)
            } else {
                sum += try await copyStaged(writer, reader, buffer: staging)
            }
            readers[index] = EOFReader()
            index += 1
        }
        return sum
    }
}

/// A reader that is always at its end.
struct EOFReader: Reader {
    nonisolated(nonsending) func read(into buffer: UnsafeMutableRawBufferPointer) async throws -> Int {
        if buffer.isEmpty { return 0 }
        throw IOError.eof
    }
}
