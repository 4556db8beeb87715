/// A source of bytes: the interface that wraps the basic `read(into:)` method.
///
/// `read(into:)` reads up to `buffer.count` bytes into `buffer` and returns the number of bytes
/// read (`0 < n <= buffer.count`). Even if it returns fewer bytes than requested, it may use all of
/// `buffer` as scratch space during the call. If some data is available but not `buffer.count`
/// bytes, `read(into:)` conventionally returns what is available instead of waiting for more.
///
/// **Errors.** Go's `Read` may return `n > 0` *together with* an error. A Swift function either
/// returns or throws, so NetKit maps that case as follows, and every NetKit reader obeys it:
/// a reader that meets an error or the end of the input after reading `n > 0` bytes returns `n`
/// now and throws the error from the *next* call. The graceful end of the input is thrown as
/// `IOError.eof` (never wrapped) and only when no byte is returned. Callers therefore process
/// every returned byte, and treat a thrown error as "no bytes this time".
///
/// **Empty reads.** An empty `buffer` returns `0` immediately. Returning `0` for a non-empty
/// buffer is allowed but discouraged: as in Go it means "nothing happened", not the end of the
/// input. Looping helpers (`readFull`, `copy`, `readAll`, `BufferedReader`, `Scanner`) give up with
/// `IOError.noProgress` after 100 consecutive empty reads.
///
/// Implementations must not retain `buffer`.
///
/// **Isolation.** The requirement is `nonisolated(nonsending)`: a call runs on the caller's
/// actor (from nonisolated code, on the global executor), so an actor can own and use
/// non-Sendable readers such as `BufferedReader` or `Scanner`. A conformer may implement it as a
/// plain `async` method (a `Sendable` connection, which then runs concurrently) or as a
/// synchronous one (the in-memory readers). All of NetKit's IO functions and methods are
/// `nonisolated(nonsending)` for the same reason.
///
/// The corresponding Go interface is `io.Reader`.
public protocol Reader {
    /// Reads up to `buffer.count` bytes into `buffer` and returns how many were read.
    ///
    /// Throws `IOError.eof` at the graceful end of the input, or another error; see `Reader`
    /// for the mapping of Go's "data and an error" results.
    ///
    /// The corresponding Go method is `io.Reader.Read`.
    nonisolated(nonsending) func read(into buffer: UnsafeMutableRawBufferPointer) async throws -> Int
}

extension Reader {
    /// Reads up to `maxCount` bytes and returns them as a new array.
    ///
    /// One call to `read(into:)`: the result may be shorter than `maxCount`, and is empty only
    /// when `maxCount` is 0 or the reader returned 0 ("nothing happened"). Throws what
    /// `read(into:)` throws, e.g. `IOError.eof` at the end of the input.
    ///
    /// The corresponding Go method is `io.Reader.Read` with a fresh `make([]byte, maxCount)`.
    public nonisolated(nonsending) func read(maxCount: Int) async throws -> [UInt8] {
        precondition(maxCount >= 0, "read(maxCount:): negative count")
        if maxCount == 0 { return [] }
        let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: maxCount, alignment: 1)
        defer { scratch.deallocate() }
        let n = try await read(into: scratch)
        precondition(n >= 0 && n <= maxCount, "io: Reader returned an invalid count")
        return Array(UnsafeRawBufferPointer(rebasing: scratch[0..<n]))
    }
}

/// Checks a count returned by `Reader.read(into:)` (Go panics on impossible counts).
@inline(__always)
func checkReadCount(_ n: Int, _ capacity: Int) {
    precondition(n >= 0 && n <= capacity, "io: Reader returned an invalid count")
}
