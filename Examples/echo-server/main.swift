// echo-server — an RFC 862 echo server on TCP, UDP and (optionally) a Unix socket, built on NetKit.
//
//   echo-server [--addr HOST:PORT | --port N] [--unix PATH] [--global-executor]
//
// The server the benchmarks measure. Stops cleanly on SIGINT or SIGTERM: listeners and connections close, exit 0.
import Glibc
import ExampleSupport
import NetKit

let usage = """
    usage: echo-server [--addr HOST:PORT | --port N] [--unix PATH] [--global-executor]

    Sends back everything it receives (RFC 862): on TCP and UDP at HOST:PORT, and on the
    Unix stream socket PATH if given. SIGINT or SIGTERM stops the server (exit status 0).

    options:
      --addr HOST:PORT  where to listen (default 127.0.0.1:7007; ":7" is the real port,
                        on all addresses; port 0 picks a free port)
      --port N          the same as --addr 127.0.0.1:N
      --unix PATH       also listen on a Unix stream socket at PATH (a stale socket file
                        left there by an earlier run is removed first)
      --global-executor keep Swift's own default executor; each connection's task prefers
                        its event loop instead (Task(executorPreference:)). Without it,
                        NetKit's event loops are the default executor (the faster way)
      -h, --help        show this help
    """

struct Options {
    var address = "127.0.0.1:7007"
    var unixPath: String?
    var loopsAsDefaultExecutor = true
}

/// The command line.
func parseArguments(_ arguments: [String]) -> Options {
    var options = Options()
    var rest = arguments.dropFirst()
    func value(of flag: String) -> String {
        guard let value = rest.popFirst() else { usageError("\(flag) needs a value") }
        return value
    }
    while let arg = rest.popFirst() {
        switch arg {
        case "-h", "--help":
            print(usage)
            exit(0)
        case "--addr":
            options.address = value(of: arg)
        case "--port":
            let port = value(of: arg)
            guard let n = Int(port), (0...65535).contains(n) else { usageError("--port needs a number from 0 to 65535") }
            options.address = "127.0.0.1:\(n)"
        case "--unix":
            options.unixPath = value(of: arg)
        case "--global-executor":
            options.loopsAsDefaultExecutor = false
        default:
            usageError("unexpected argument \(arg)")
        }
    }
    return options
}

func usageError(_ message: String) -> Never {
    log("\(message)\n\(usage)")
    exit(2)
}

/// Starts serving in a task. (Top-level code runs on the main actor; a task created here, in a plain
/// function, does not, so the connection tasks it creates can run on NetKit's event loops.)
func start(_ server: EchoServer, _ options: Options) {
    Task {
        do {
            try await server.run(address: options.address, unixPath: options.unixPath)
        } catch {
            log("\(error)")
            exit(1)
        }
    }
}

/// Stops the server in a task and exits with status 0 once it is done.
func stop(_ server: EchoServer) {
    Task {
        await server.stop()
        exit(0)
    }
}

let options = parseArguments(CommandLine.arguments)
let signals = TerminationSignals()  // first, before any thread exists: every thread inherits the blocked signals
if options.loopsAsDefaultExecutor {
    // Before any task exists: from here on every task runs on NetKit's event loops.
    useEventLoopsAsDefaultExecutor()
}
let server = EchoServer(preferLoops: !options.loopsAsDefaultExecutor)
start(server, options)
log("\(signals.wait()): stopping")  // the main thread sleeps here until SIGINT or SIGTERM
stop(server)
log("\(signals.wait()) again: exiting now")
exit(1)
