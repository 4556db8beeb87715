// daytime-client — an RFC 867 daytime client, built on NetKit: the Swift twin of the lecture's `timequery.go`.
//
//   daytime-client [--udp] [--timeout DURATION] HOST:PORT
//
// Connects, reads until the server closes (TCP) or one datagram arrives (UDP), and prints the line. Errors are
// one line in Go's words, e.g. "daytime-client: dial tcp 127.0.0.1:1: connect: connection refused", exit 1.
import Glibc
import ExampleSupport
import NetKit

let usage = """
    usage: daytime-client [--udp] [--timeout DURATION] HOST:PORT

    Asks the daytime server (RFC 867) at HOST:PORT for the time of day and prints its answer.

    options:
      --udp               ask over UDP (one datagram each way) instead of TCP
      --timeout DURATION  give up after DURATION, e.g. 500ms, 3s, 1m (default 10s)
      -h, --help          show this help
    """

struct Options {
    var udp = false
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

/// Asks the server; the whole exchange, connecting included, must be done within `options.timeout`.
func queryDaytime(_ options: Options) async throws -> String {
    let deadline = ContinuousClock.now + options.timeout
    let network = options.udp ? "udp" : "tcp"
    let conn = try await Dialer(deadline: deadline).dial(network, options.address)
    defer { try? conn.close() }
    try conn.setDeadline(deadline)

    if options.udp {
        // Any datagram asks for the time; its content is ignored, so send an empty one.
        try await conn.write([UInt8]())
        return String(decoding: try await conn.read(maxCount: 2048), as: UTF8.self)
    }
    // TCP: everything until the server closes, as `timequery.go` does with `ioutil.ReadAll`
    // (at most 64 KiB: a daytime line is short, whatever a server may send).
    return String(decoding: try await readAll(limitReader(conn, 64 * 1024)), as: UTF8.self)
}

func usageError(_ message: String) -> Never {
    log("\(message)\n\(usage)")
    exit(2)
}

/// Writes "daytime-client: message" to standard error, in one write(2).
func log(_ message: String) {
    var line = "daytime-client: \(message)\n"
    line.withUTF8 { bytes in _ = write(STDERR_FILENO, bytes.baseAddress, bytes.count) }
}

/// The answer without its line ending(s).
func trimmingLineEnd(_ text: String) -> Substring {
    var text = Substring(text)
    while let last = text.last, last == "\n" || last == "\r" || last == "\r\n" {
        text = text.dropLast()
    }
    return text
}

let options = parseArguments(CommandLine.arguments)
do {
    print(trimmingLineEnd(try await queryDaytime(options)))
} catch {
    log("\(error)")
    exit(1)
}
