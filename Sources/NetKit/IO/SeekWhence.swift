import Glibc

/// Where a seek offset counts from.
///
/// The corresponding Go constants are `io.SeekStart`, `io.SeekCurrent` and `io.SeekEnd`.
public enum SeekWhence: Int32, Sendable {
    /// From the start of the file (`io.SeekStart`, `SEEK_SET`).
    case start = 0
    /// From the current offset (`io.SeekCurrent`, `SEEK_CUR`).
    case current = 1
    /// From the end of the file (`io.SeekEnd`, `SEEK_END`).
    case end = 2
}
