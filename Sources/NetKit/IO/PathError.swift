/// An error and the operation and file path that caused it, e.g. `open /nonexistent: no such file or directory`.
///
/// The corresponding Go type is `fs.PathError` (`os.PathError`).
public struct PathError: WrappingError, Sendable, CustomStringConvertible {
    /// The operation: "open", "read", "write", "seek", "stat", "close".
    public var op: String
    /// The file's path.
    public var path: String
    /// The cause: an `Errno`, `FileClosedError`, or a network error of a zero-copy transfer.
    public var err: any Error & Sendable

    /// Creates a path error. The corresponding Go expression is `&fs.PathError{Op: op, Path: path, Err: err}`.
    public init(op: String, path: String, err: any Error & Sendable) {
        self.op = op
        self.path = path
        self.err = err
    }

    /// Go's `PathError.Error`: `op + " " + path + ": " + err`.
    public var description: String { op + " " + path + ": " + String(describing: err) }

    /// The cause (Go's `PathError.Unwrap`).
    public var underlying: any Error { err }

    /// Whether the cause is a timeout (Go's `PathError.Timeout`).
    public var isTimeout: Bool {
        if let e = err as? Errno { return e.isTimeout }
        if let e = err as? any NetError { return e.isTimeout }
        return false
    }
}

/// Use of a closed file: "file already closed".
///
/// The corresponding Go variable is `os.ErrClosed` (`fs.ErrClosed`).
public struct FileClosedError: Error, Hashable, Sendable, CustomStringConvertible {
    /// Creates the error.
    public init() {}
    /// "file already closed".
    public var description: String { "file already closed" }
}
