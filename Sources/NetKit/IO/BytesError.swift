/// Errors of the in-memory readers `BytesReader` and `BytesBuffer`, with Go's texts.
///
/// The corresponding Go errors are the ones `bytes.Reader.UnreadByte` and
/// `bytes.Buffer.UnreadByte` return.
public enum BytesError: Error, Equatable, Hashable, Sendable, CustomStringConvertible {
    /// `BytesReader.unreadByte()` at the beginning of the bytes.
    ///
    /// Go: `"bytes.Reader.UnreadByte: at beginning of slice"`.
    case unreadByteAtBeginning
    /// `BytesBuffer.unreadByte()` not directly after a successful read.
    ///
    /// Go: `"bytes.Buffer: UnreadByte: previous operation was not a successful read"`.
    case invalidUnreadByte

    /// Go's text for the error.
    ///
    /// The corresponding Go method is `error.Error`.
    public var description: String {
        switch self {
        case .unreadByteAtBeginning: "bytes.Reader.UnreadByte: at beginning of slice"
        case .invalidUnreadByte: "bytes.Buffer: UnreadByte: previous operation was not a successful read"
        }
    }
}
