/// Copies from `src` to `dst` until the end of `src` or an error, and returns the number of
/// bytes copied.
///
/// A successful copy returns normally, not with `IOError.eof`: because `copy` is defined to
/// read until the end, the end of `src` is not an error to report. The first error met while
/// copying is thrown (the count copied so far is not reported). A write that accepts fewer bytes
/// without throwing ends the copy with `IOError.shortWrite`; 100 consecutive empty reads end it
/// with `IOError.noProgress`.
///
/// If `src` conforms to `WriterTo`, the copy is `src.writeTo(dst)`. Otherwise, if `dst` conforms
/// to `ReaderFrom`, the copy is `dst.readFrom(src)`. Otherwise bytes are staged through a
/// 32 KiB buffer.
///
/// The corresponding Go function is `io.Copy`.
@discardableResult
public nonisolated(nonsending) func copy(_ dst: some Writer, _ src: some Reader) async throws -> Int64 {
    try await copyStaged(dst, src, buffer: nil)
}

/// Copies from `src` to `dst` like `copy(_:_:)`, staging through `buffer` (if a buffer is
/// needed) instead of allocating one.
///
/// `buffer` must not be empty (Go panics; here it is a precondition failure). If `src` is a
/// `WriterTo` or `dst` a `ReaderFrom`, `buffer` is not used.
///
/// The corresponding Go function is `io.CopyBuffer`.
@discardableResult
public nonisolated(nonsending) func copyBuffer(
    _ dst: some Writer, _ src: some Reader, buffer: UnsafeMutableRawBufferPointer
) async throws -> Int64 {
    precondition(buffer.count > 0, "empty buffer in io.CopyBuffer")
    return try await copyStaged(dst, src, buffer: buffer)
}

/// Copies `count` bytes (or until an error) from `src` to `dst` and returns `count`.
///
/// Returning normally means exactly `count` bytes were copied — Go's "written == n if and only
/// if err == nil". If `src` ends early, throws `IOError.eof`; other errors are thrown as they
/// come. A `count <= 0` copies nothing and returns 0. If `dst` is a `ReaderFrom`, the copy uses
/// it (through a `LimitedReader`).
///
/// The corresponding Go function is `io.CopyN`.
@discardableResult
public nonisolated(nonsending) func copyN(_ dst: some Writer, _ src: some Reader, count: Int64) async throws -> Int64 {
    let written = try await copy(dst, LimitedReader(src, count))
    if written == count { return count }
    if written < count && count > 0 {
        // The source stopped early: that must have been its end.
        throw IOError.eof
    }
    return written
}

/// The implementation of `copy` and `copyBuffer`; allocates a 32 KiB buffer if `buffer` is nil.
nonisolated(nonsending) func copyStaged(
    _ dst: some Writer, _ src: some Reader, buffer: UnsafeMutableRawBufferPointer?
) async throws -> Int64 {
    // A WriterTo avoids an allocation and a copy: prefer it, then a ReaderFrom.
    if let writerTo = src as? any WriterTo {
        return try await writerTo.writeTo(dst)
    }
    if let readerFrom = dst as? any ReaderFrom {
        return try await readerFrom.readFrom(src)
    }
    let staging = buffer ?? UnsafeMutableRawBufferPointer.allocate(byteCount: 32 * 1024, alignment: 1)
    defer { if buffer == nil { staging.deallocate() } }
    return try await pump(dst, src, staging)
}

/// The read-write loop of `copy`, without the `WriterTo`/`ReaderFrom` shortcuts.
nonisolated(nonsending) func pump(
    _ dst: some Writer, _ src: some Reader, _ staging: UnsafeMutableRawBufferPointer
) async throws -> Int64 {
    var written: Int64 = 0
    var empties = 0
    while true {
        let nr: Int
        do {
            nr = try await src.read(into: staging)
        } catch let error as IOError where error == .eof {
            return written
        }
        checkReadCount(nr, staging.count)
        if nr == 0 {
            empties += 1
            if empties >= maxConsecutiveEmptyReads { throw IOError.noProgress }
            continue
        }
        empties = 0
        let nw = try await dst.write(UnsafeRawBufferPointer(rebasing: staging[0..<nr]))
        precondition(nw >= 0 && nw <= nr, "io: Writer returned an invalid count")
        written += Int64(nw)
        if nw != nr { throw IOError.shortWrite }
    }
}
