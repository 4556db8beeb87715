// time-client — an RFC 868 time client, built on NetKit (what `rdate -p` does).
//
//   time-client [--udp] [--timeout DURATION] [--raw] HOST:PORT
//
// Prints the server's time in UTC ("2026-11-25T18:27:23Z"). Errors are one line in Go's words, exit 1.
import Glibc
import ExampleSupport
import NetKit

let usage = """
    usage: time-client [--udp] [--timeout DURATION] [--raw] HOST:PORT

    Asks the time server (RFC 868) at HOST:PORT for the time and prints it in UTC, as
    2026-11-25T18:27:23Z.

    options:
      --udp               ask over UDP (one datagram each way) instead of TCP
      --timeout DURATION  give up after DURATION, e.g. 500ms, 3s, 1m (default 10s)
      --raw               print the number the server sent (seconds since 1900) instead
      -h, --help          show this help
    """

struct Options {
    var udp = false
    var raw = false
    var timeout = Duration.seconds(10)
    var address = ""
}

/// The command line.
func parseArguments(_ arguments: [String]) -> Options {
    var options = Options()
    var addresses: [String] = []
    var rest = arguments.dropFirst()
    func duration(_ text: String?) -> Duration {
        guard let text, let d = parseDuration(text), d > .zero else {
            usageError("--timeout needs a duration such as 500ms or 3s")
        }
        return d
    }
    while let arg = rest.popFirst() {
        switch arg {
        case "-h", "--help":
            print(usage)
            exit(0)
        case "--udp":
            options.udp = true
        case "--raw":
            options.raw = true
        case "--timeout":
            options.timeout = duration(rest.popFirst())
        case _ where arg.hasPrefix("--timeout="):
            options.timeout = duration(String(arg.dropFirst("--timeout=".count)))
        case _ where arg.hasPrefix("-"):
            usageError("unknown option \(arg)")
        default:
            addresses.append(arg)
        }
    }
    guard addresses.count == 1 else { usageError("expected one HOST:PORT") }
    options.address = addresses[0]
    return options
}

/// The server's UDP answer did not have exactly 4 bytes.
struct BadAnswerError: Error, CustomStringConvertible {
    var count: Int
    var description: String { "expected a 4-byte RFC 868 answer, got \(count) bytes" }
}

/// Asks the server for its 4 bytes; the whole exchange, connecting included, must be done within `options.timeout`.
func queryTime(_ options: Options) async throws -> [UInt8] {
    let deadline = ContinuousClock.now + options.timeout
    let conn = try await Dialer(deadline: deadline).dial(options.udp ? "udp" : "tcp", options.address)
    defer { try? conn.close() }
    try conn.setDeadline(deadline)

    if options.udp {
        // Any datagram asks for the time; send an empty one, as RFC 868 says.
        try await conn.write([UInt8]())
        return try await conn.read(maxCount: 64)
    }
    // TCP: the 4 bytes, then the server closes; they may arrive in pieces. (Go: `io.ReadFull`.)
    return try await readFull(conn, count: 4)
}

func usageError(_ message: String) -> Never {
    log("\(message)\n\(usage)")
    exit(2)
}

/// Writes "time-client: message" to standard error, in one write(2).
func log(_ message: String) {
    var line = "time-client: \(message)\n"
    line.withUTF8 { bytes in _ = write(STDERR_FILENO, bytes.baseAddress, bytes.count) }
}

let options = parseArguments(CommandLine.arguments)
do {
    let answer = try await queryTime(options)
    guard let seconds = unixTime(fromRFC868: answer) else { throw BadAnswerError(count: answer.count) }
    print(options.raw ? String(UInt32(truncatingIfNeeded: seconds + secondsFrom1900To1970)) : iso8601(seconds))
} catch {
    log("\(error)")
    exit(1)
}
