/// A network name that NetKit does not know, e.g. `"tcp5"`: `description` is `"unknown network tcp5"`.
/// Never a timeout, never temporary.
///
/// The corresponding Go type is `net.UnknownNetworkError`.
public struct UnknownNetworkError: Error, Hashable, Sendable, CustomStringConvertible {
    /// The rejected network name. The corresponding Go value is the `string(UnknownNetworkError)`.
    public var network: String

    /// Creates the error for `network`. The corresponding Go expression is `net.UnknownNetworkError(network)`.
    public init(_ network: String) {
        self.network = network
    }

    /// `"unknown network " + network`. The corresponding Go method is `net.UnknownNetworkError.Error`.
    public var description: String { "unknown network " + network }

    /// Always `false`. The corresponding Go method is `net.UnknownNetworkError.Timeout`.
    public var isTimeout: Bool { false }

    /// Always `false`. The corresponding Go method is `net.UnknownNetworkError.Temporary`.
    public var isTemporary: Bool { false }
}
