// nkcat — a small netcat, built on NetKit.
//
//   nkcat [-u] [-w DURATION] HOST:PORT      connect
//   nkcat -l [-u] [-w DURATION] HOST:PORT   listen, serve one peer
//   nkcat [-l] -U PATH                       the same over a Unix stream socket
//
// Standard input goes to the peer, the peer's data to standard output. Errors are one line in Go's words, exit 1.
import Glibc
import ExampleSupport
import NetKit

let usage = """
    usage: nkcat [-u] [-w DURATION] HOST:PORT
           nkcat -l [-u] [-w DURATION] HOST:PORT
           nkcat [-l] [-w DURATION] -U PATH

    Connects to HOST:PORT (or, with -l, waits for one peer there) and copies standard input
    to the peer and the peer's data to standard output. On a stream, the end of standard
    input shuts down the sending side (the peer reads end of stream) and nkcat ends when the
    peer closes; with -u, nkcat ends DURATION after standard input ended.

    options:
      -l           listen on HOST:PORT (":PORT" for all addresses) and serve the first peer
      -u           UDP: each chunk of standard input is one datagram
      -U PATH      a Unix stream socket at PATH instead of HOST:PORT
      -w DURATION  the connect timeout, and with -u how long to wait for datagrams after
                   standard input ended (default 1s), e.g. 500ms, 3s
      -h, --help   show this help
    """

struct Options {
    var listen = false
    var udp = false
    var unixPath: String?
    var wait: Duration?
    var address = ""

    /// The network name for `dial`/`listen`.
    var network: String { unixPath != nil ? "unix" : (udp ? "udp" : "tcp") }
}

/// The command line. Flags may be combined ("-lu").
func parseArguments(_ arguments: [String]) -> Options {
    var options = Options()
    var operands: [String] = []
    var rest = arguments.dropFirst()
    while let arg = rest.popFirst() {
        if arg == "-h" || arg == "--help" {
            print(usage)
            exit(0)
        }
        guard arg.hasPrefix("-"), arg.count > 1 else {
            operands.append(arg)
            continue
        }
        for flag in arg.dropFirst() {
            switch flag {
            case "l": options.listen = true
            case "u": options.udp = true
            case "U":
                guard let path = rest.popFirst() else { usageError("-U needs a PATH") }
                options.unixPath = path
            case "w":
                guard let text = rest.popFirst(), let d = parseDuration(text), d > .zero else {
                    usageError("-w needs a duration such as 500ms or 3s")
                }
                options.wait = d
            default:
                usageError("unknown option -\(flag)")
            }
        }
    }
    if options.udp && options.unixPath != nil { usageError("-u and -U cannot be combined") }
    if let path = options.unixPath {
        guard operands.isEmpty else { usageError("-U takes the place of HOST:PORT") }
        options.address = path
    } else {
        guard operands.count == 1 else { usageError("expected one HOST:PORT") }
        options.address = operands[0]
    }
    return options
}

/// Connects or listens as `options` say, then relays until the conversation is over.
func run(_ options: Options) async throws {
    let io = StandardIO()
    let linger = options.wait ?? .seconds(1)
    switch (options.listen, options.udp) {
    case (false, _):
        let conn = try await Dialer(timeout: options.wait ?? .zero).dial(options.network, options.address)
        defer { try? conn.close() }
        if options.udp {
            try await relayDatagrams(conn, linger: linger, io)
        } else {
            try await relayStream(conn, io)
        }
    case (true, false):
        let listener = try await listen(options.network, options.address)
        let conn: any Conn
        do {
            conn = try await listener.accept()
            try listener.close()
        } catch {
            try? listener.close()
            throw error
        }
        defer { try? conn.close() }
        try await relayStream(conn, io)
    case (true, true):
        let pc = try await listenPacket(options.network, options.address)
        defer { try? pc.close() }
        try await relayDatagrams(pc, linger: linger, io)
    }
}

func usageError(_ message: String) -> Never {
    log("\(message)\n\(usage)")
    exit(2)
}

/// Writes "nkcat: message" to standard error, in one write(2).
func log(_ message: String) {
    var line = "nkcat: \(message)\n"
    line.withUTF8 { bytes in _ = write(STDERR_FILENO, bytes.baseAddress, bytes.count) }
}

let options = parseArguments(CommandLine.arguments)
do {
    try await run(options)
} catch {
    log("\(error)")
    exit(1)
}
exit(0)
