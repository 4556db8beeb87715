// daytime-server — an RFC 867 daytime server on TCP and UDP, built on NetKit.
//
//   daytime-server [--addr HOST:PORT]
//
// Stops cleanly on SIGINT or SIGTERM: the listeners close, open connections get two seconds to finish, exit 0.
import Glibc
import ExampleSupport
import NetKit

let usage = """
    usage: daytime-server [--addr HOST:PORT]

    Serves the time of day (RFC 867) on TCP and UDP at HOST:PORT, as one line such as
    "Tuesday, February 22, 1982 17:37:43-UTC". TCP sends the line and closes; UDP answers
    every datagram. SIGINT or SIGTERM stops the server (exit status 0).

    options:
      --addr HOST:PORT  where to listen (default 127.0.0.1:1313; ":13" is the real port,
                        on all addresses; port 0 picks a free port)
      -h, --help        show this help
    """

/// The command line: the listening address.
func parseArguments(_ arguments: [String]) -> String {
    var address = "127.0.0.1:1313"
    var rest = arguments.dropFirst()
    while let arg = rest.popFirst() {
        switch arg {
        case "-h", "--help":
            print(usage)
            exit(0)
        case "--addr":
            guard let value = rest.popFirst() else { usageError("--addr needs HOST:PORT") }
            address = value
        case _ where arg.hasPrefix("--addr="):
            address = String(arg.dropFirst("--addr=".count))
        default:
            usageError("unexpected argument \(arg)")
        }
    }
    return address
}

func usageError(_ message: String) -> Never {
    log("daytime-server", "\(message)\n\(usage)")
    exit(2)
}

/// Starts serving in a task. (Top-level code runs on the main actor; a task created here, in a plain
/// function, does not, so its child tasks can run on NetKit's event loops.)
func start(_ server: AnswerServer, address: String) {
    Task {
        do {
            try await server.run(address: address)
        } catch {
            log("daytime-server", "\(error)")
            exit(1)
        }
    }
}

/// Stops the server in a task and exits with status 0 once it is done.
func stop(_ server: AnswerServer) {
    Task {
        await server.stop()
        exit(0)
    }
}

let address = parseArguments(CommandLine.arguments)
let signals = TerminationSignals()  // first, before any thread exists: every thread inherits the blocked signals
let server = AnswerServer(name: "daytime-server") { Array((daytimeLine() + "\r\n").utf8) }
start(server, address: address)
log("daytime-server", "\(signals.wait()): stopping")  // the main thread sleeps here until SIGINT or SIGTERM
stop(server)
log("daytime-server", "\(signals.wait()) again: exiting now")
exit(1)
