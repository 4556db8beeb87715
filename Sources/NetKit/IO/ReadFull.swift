/// Reads from `reader` into `buffer` until at least `minimum` bytes have been read, and returns
/// the number of bytes read (`minimum ... buffer.count`).
///
/// - Throws `IOError.shortBuffer` (reading nothing) if `minimum > buffer.count`.
/// - Throws `IOError.eof` only if no byte was read; if the end of the input comes after fewer
///   than `minimum` bytes, throws `IOError.unexpectedEOF`.
/// - Any other error from `reader` is thrown as is; after 100 consecutive empty reads it throws
///   `IOError.noProgress` (Go would loop for ever).
///
/// On return, the count is `>= minimum` — Go's "n >= min if and only if err == nil". The bytes
/// read before an error stay in `buffer`; their count is not reported.
///
/// The corresponding Go function is `io.ReadAtLeast`.
@discardableResult
public nonisolated(nonsending) func readAtLeast(
    _ reader: some Reader, into buffer: UnsafeMutableRawBufferPointer, minimum: Int
) async throws -> Int {
    if buffer.count < minimum { throw IOError.shortBuffer }
    var n = 0
    var empties = 0
    while n < minimum {
        let nn: Int
        do {
            nn = try await reader.read(into: UnsafeMutableRawBufferPointer(rebasing: buffer[n...]))
        } catch let error as IOError where error == .eof && n > 0 {
            throw IOError.unexpectedEOF
        }
        checkReadCount(nn, buffer.count - n)
        if nn == 0 {
            empties += 1
            if empties >= maxConsecutiveEmptyReads { throw IOError.noProgress }
            continue
        }
        empties = 0
        n += nn
    }
    return n
}

/// Reads exactly `buffer.count` bytes from `reader` into `buffer`.
///
/// Throws `IOError.eof` only if no byte was read; if the end of the input comes after some but
/// not all of the bytes, throws `IOError.unexpectedEOF`. Returning normally means the buffer is
/// full — Go's "n == len(buf) if and only if err == nil".
///
/// The corresponding Go function is `io.ReadFull`.
public nonisolated(nonsending) func readFull(_ reader: some Reader, into buffer: UnsafeMutableRawBufferPointer) async throws {
    try await readAtLeast(reader, into: buffer, minimum: buffer.count)
}

/// Fills all of `bytes` from `reader` (its current count is the number of bytes to read).
///
/// Errors as `readFull(_:into:)` with a raw buffer; on error `bytes` is left unchanged.
///
/// The corresponding Go function is `io.ReadFull`.
public nonisolated(nonsending) func readFull(_ reader: some Reader, into bytes: inout [UInt8]) async throws {
    let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: bytes.count, alignment: 1)
    defer { scratch.deallocate() }
    try await readFull(reader, into: scratch)
    bytes.withUnsafeMutableBytes { $0.copyMemory(from: UnsafeRawBufferPointer(scratch)) }
}

/// Reads exactly `count` bytes from `reader` and returns them.
///
/// Errors as `readFull(_:into:)`: `IOError.eof` if no byte was read, `IOError.unexpectedEOF`
/// for a partial read.
///
/// The corresponding Go function is `io.ReadFull` with `make([]byte, count)`.
public nonisolated(nonsending) func readFull(_ reader: some Reader, count: Int) async throws -> [UInt8] {
    precondition(count >= 0, "readFull: negative count")
    let scratch = UnsafeMutableRawBufferPointer.allocate(byteCount: count, alignment: 1)
    defer { scratch.deallocate() }
    try await readFull(reader, into: scratch)
    return Array(UnsafeRawBufferPointer(scratch))
}
