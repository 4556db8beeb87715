import Glibc
import NetKit

/// Standard input and output, each served by its own `BlockingThread` (a read waiting for the terminal must not
/// hold up output).
struct StandardIO: Sendable {
    private let input = BlockingThread()
    private let output = BlockingThread()

    /// The next chunk of standard input (at most 64 KiB, whatever one read(2) returns); empty at end of input.
    func read() async throws -> [UInt8] {
        let result: Result<[UInt8], StandardIOError> = await input.run {
            var buffer = [UInt8](repeating: 0, count: 64 * 1024)
            while true {
                let n = buffer.withUnsafeMutableBytes { Glibc.read(STDIN_FILENO, $0.baseAddress, $0.count) }
                if n >= 0 {
                    buffer.removeSubrange(n...)
                    return .success(buffer)
                }
                if errno != EINTR { return .failure(StandardIOError(op: "read", file: "stdin", errno: .current)) }
            }
        }
        return try result.get()
    }

    /// Writes all of `bytes` to standard output.
    func write(_ bytes: [UInt8]) async throws {
        let result: Result<Void, StandardIOError> = await output.run {
            var offset = 0
            while offset < bytes.count {
                let n = bytes.withUnsafeBytes { Glibc.write(STDOUT_FILENO, $0.baseAddress! + offset, $0.count - offset) }
                if n >= 0 {
                    offset += n
                } else if errno != EINTR {
                    return .failure(StandardIOError(op: "write", file: "stdout", errno: .current))
                }
            }
            return .success(())
        }
        try result.get()
    }
}

/// A failed read(2) of standard input or write(2) of standard output, printed as Go's `os.PathError` is:
/// "read /dev/stdin: bad file descriptor".
struct StandardIOError: Error, CustomStringConvertible {
    var op: String
    var file: String
    var errno: Errno
    var description: String { "\(op) /dev/\(file): \(errno)" }
}
