/// The sentinel errors of Go's `io` package.
///
/// Compare with `==` or match with `catch IOError.eof`, as Go code compares with `err == io.EOF`.
/// `description` is Go's text word for word.
///
/// The corresponding Go variables are `io.EOF`, `io.ErrUnexpectedEOF`, `io.ErrShortWrite`,
/// `io.ErrShortBuffer`, `io.ErrNoProgress` and `io.ErrClosedPipe`.
public enum IOError: Error, Equatable, Hashable, Sendable, CustomStringConvertible {
    /// No more input is available: the graceful end of a stream, thrown by `Reader.read(into:)`.
    ///
    /// Functions throw `eof` only to signal a graceful end of input. If the end occurs
    /// unexpectedly in a structured data stream, the error is `unexpectedEOF` or a more
    /// specific one. The corresponding Go variable is `io.EOF`.
    case eof
    /// The end of the input was met in the middle of reading a fixed-size block or data structure.
    ///
    /// The corresponding Go variable is `io.ErrUnexpectedEOF`.
    case unexpectedEOF
    /// A write accepted fewer bytes than requested but failed to throw an explicit error.
    ///
    /// The corresponding Go variable is `io.ErrShortWrite`.
    case shortWrite
    /// A read required a longer buffer than was provided.
    ///
    /// The corresponding Go variable is `io.ErrShortBuffer`.
    case shortBuffer
    /// Many calls to `read(into:)` returned neither data nor an error — usually the sign of a
    /// broken `Reader` implementation.
    ///
    /// The corresponding Go variable is `io.ErrNoProgress`.
    case noProgress
    /// A read or write on a closed pipe.
    ///
    /// The corresponding Go variable is `io.ErrClosedPipe`.
    case closedPipe

    /// Go's text for the error, e.g. `"EOF"` or `"unexpected EOF"`.
    ///
    /// The corresponding Go method is `error.Error`.
    public var description: String {
        switch self {
        case .eof: "EOF"
        case .unexpectedEOF: "unexpected EOF"
        case .shortWrite: "short write"
        case .shortBuffer: "short buffer"
        case .noProgress: "multiple Read calls return no data or error"
        case .closedPipe: "io: read/write on closed pipe"
        }
    }
}

extension Error {
    /// Whether this error is `IOError.eof` (Go: `err == io.EOF`).
    var isEOF: Bool { (self as? IOError) == .eof }
}

/// How many consecutive empty reads (`0` returned for a non-empty buffer) a looping helper
/// accepts before it gives up with `IOError.noProgress`. Go's `bufio` uses the same bound.
let maxConsecutiveEmptyReads = 100
