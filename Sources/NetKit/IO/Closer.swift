/// The interface that wraps the basic `close()` method.
///
/// The behaviour of `close()` after the first call is undefined unless a type documents its own.
/// Closing is synchronous (as it is in Go: it wakes waiters, it does not wait for them), so it can be called
/// from a `defer`. A non-throwing `close()` satisfies this requirement too.
///
/// The corresponding Go interface is `io.Closer`.
public protocol Closer {
    /// Closes the resource.
    ///
    /// The corresponding Go method is `io.Closer.Close`.
    func close() throws
}

/// The interface that groups the basic `read(into:)` and `write(_:)` methods.
///
/// The corresponding Go interface is `io.ReadWriter`.
public typealias ReadWriter = Reader & Writer

/// The interface that groups the basic `read(into:)` and `close()` methods.
///
/// The corresponding Go interface is `io.ReadCloser`.
public typealias ReadCloser = Reader & Closer

/// The interface that groups the basic `write(_:)` and `close()` methods.
///
/// The corresponding Go interface is `io.WriteCloser`.
public typealias WriteCloser = Writer & Closer

/// The interface that groups the basic `read(into:)`, `write(_:)` and `close()` methods.
///
/// The corresponding Go interface is `io.ReadWriteCloser`.
public typealias ReadWriteCloser = Reader & Writer & Closer
