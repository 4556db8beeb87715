/// Raw access to a connection's descriptor, for options and system calls NetKit does not wrap.
///
/// The descriptor stays open while a body runs (a concurrent `close` waits for it), and the bodies must not
/// close it or keep it. The corresponding Go type is `syscall.RawConn`.
public struct RawConn: Sendable {
    let pd: PollDesc

    /// Runs `body` with the descriptor. The corresponding Go method is `RawConn.Control`.
    public func control<R>(_ body: (Socket) throws -> R) throws -> R {
        var result: Result<R, any Error>?
        do {
            try pd.withDescriptor { s throws(Errno) in
                result = Result { try body(s) }
            }
        } catch {
            throw error.goError(syscall: "control")
        }
        return try result!.get()
    }

    /// Calls `body` until it returns true, waiting for readability whenever it returns false (it should
    /// return false after a non-blocking call reported `EAGAIN`). The corresponding Go method is `RawConn.Read`.
    public func read(_ body: (Socket) -> Bool) async throws {
        try await wait(.read, body)
    }

    /// Calls `body` until it returns true, waiting for writability whenever it returns false.
    /// The corresponding Go method is `RawConn.Write`.
    public func write(_ body: (Socket) -> Bool) async throws {
        try await wait(.write, body)
    }

    private func wait(_ mode: PollMode, _ body: (Socket) -> Bool) async throws {
        do {
            _ = try await pd.perform(mode) { s throws(Errno) in
                if !body(s) { throw Errno.wouldBlock }
            }
        } catch {
            throw error.goError(syscall: mode == .read ? "read" : "write")
        }
    }
}
