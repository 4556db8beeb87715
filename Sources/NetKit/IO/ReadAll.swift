/// Reads from `reader` until the end of its input and returns the bytes read.
///
/// A successful call returns normally, not with `IOError.eof`: reaching the end is the point.
/// Any other error is thrown (the bytes read so far are dropped); 100 consecutive empty reads
/// throw `IOError.noProgress`.
///
/// The corresponding Go function is `io.ReadAll`.
public nonisolated(nonsending) func readAll(_ reader: some Reader) async throws -> [UInt8] {
    var result: [UInt8] = []
    var chunk = UnsafeMutableRawBufferPointer.allocate(byteCount: 512, alignment: 1)
    defer { chunk.deallocate() }
    var empties = 0
    while true {
        let n: Int
        do {
            n = try await reader.read(into: chunk)
        } catch let error as IOError where error == .eof {
            return result
        }
        checkReadCount(n, chunk.count)
        if n == 0 {
            empties += 1
            if empties >= maxConsecutiveEmptyReads { throw IOError.noProgress }
            continue
        }
        empties = 0
        result.append(contentsOf: UnsafeRawBufferPointer(rebasing: chunk[0..<n]))
        if n == chunk.count, chunk.count < 64 * 1024 {
            // The reader fills whole chunks: read bigger ones.
            let bigger = UnsafeMutableRawBufferPointer.allocate(byteCount: chunk.count * 2, alignment: 1)
            chunk.deallocate()
            chunk = bigger
        }
    }
}
