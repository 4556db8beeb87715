// daytime-server — an RFC 867 daytime server on TCP and UDP, built on NetKit.
//
//   daytime-server [--addr HOST:PORT]
//
// Stops cleanly on SIGINT or SIGTERM: the listeners close, open connections get two seconds to finish, exit 0.
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

AnswerServer.main(name: "daytime-server", usage: usage, defaultAddress: "127.0.0.1:1313", answer: { Array((daytimeLine() + "\r\n").utf8) })
