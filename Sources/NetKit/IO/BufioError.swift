/// The errors of the buffered reader, writer and scanner, with Go's `bufio` texts.
///
/// The corresponding Go variables are `bufio.ErrInvalidUnreadByte`, `bufio.ErrInvalidUnreadRune`,
/// `bufio.ErrBufferFull`, `bufio.ErrNegativeCount`, `bufio.ErrTooLong`,
/// `bufio.ErrNegativeAdvance`, `bufio.ErrAdvanceTooFar` and `bufio.ErrBadReadCount`.
/// (`bufio.ErrFinalToken` is `FinalToken`, which carries the token.)
public enum BufioError: Error, Equatable, Hashable, Sendable, CustomStringConvertible {
    /// `unreadByte()` not directly after a read. Go: `bufio.ErrInvalidUnreadByte`.
    case invalidUnreadByte
    /// `unreadRune()` not directly after `readRune()`. Go: `bufio.ErrInvalidUnreadRune`.
    case invalidUnreadRune
    /// The buffer filled up before the request could be met. Go: `bufio.ErrBufferFull`.
    case bufferFull
    /// A negative count was passed. Go: `bufio.ErrNegativeCount`.
    case negativeCount
    /// A scanner token is longer than the maximum token size. Go: `bufio.ErrTooLong`.
    case tooLong
    /// A split function returned a negative advance. Go: `bufio.ErrNegativeAdvance`.
    case negativeAdvance
    /// A split function advanced beyond its input. Go: `bufio.ErrAdvanceTooFar`.
    case advanceTooFar
    /// The scanner's reader returned an impossible count. Go: `bufio.ErrBadReadCount`.
    case badReadCount

    /// Go's text for the error, e.g. `"bufio: buffer full"`.
    ///
    /// The corresponding Go method is `error.Error`.
    public var description: String {
        switch self {
        case .invalidUnreadByte: "bufio: invalid use of UnreadByte"
        case .invalidUnreadRune: "bufio: invalid use of UnreadRune"
        case .bufferFull: "bufio: buffer full"
        case .negativeCount: "bufio: negative count"
        case .tooLong: "bufio.Scanner: token too long"
        case .negativeAdvance: "bufio.Scanner: SplitFunc returns negative advance count"
        case .advanceTooFar: "bufio.Scanner: SplitFunc returns advance count beyond input"
        case .badReadCount: "bufio.Scanner: Read returned impossible count"
        }
    }
}
