/// The errors of the varint readers, with Go's texts.
///
/// The corresponding Go value is the error `binary.ReadUvarint` returns on overflow.
public enum BinaryError: Error, Equatable, Hashable, Sendable, CustomStringConvertible {
    /// The varint does not fit in 64 bits: a 10th byte above 1, or more than 10 bytes.
    ///
    /// Go: `"binary: varint overflows a 64-bit integer"`.
    case varintOverflow

    /// Go's text for the error.
    ///
    /// The corresponding Go method is `error.Error`.
    public var description: String {
        switch self {
        case .varintOverflow: "binary: varint overflows a 64-bit integer"
        }
    }
}
