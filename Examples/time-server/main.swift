// time-server — an RFC 868 time server on TCP and UDP, built on NetKit (rdate(8) can set a clock from it).
//
//   time-server [--addr HOST:PORT]
//
// Stops cleanly on SIGINT or SIGTERM: the listeners close, open connections get two seconds to finish, exit 0.
import ExampleSupport
import NetKit

let usage = """
    usage: time-server [--addr HOST:PORT]

    Serves the time (RFC 868) on TCP and UDP at HOST:PORT: the seconds since 1900-01-01
    00:00 UTC as a 32-bit big-endian number. TCP sends the 4 bytes and closes; UDP answers
    every datagram. SIGINT or SIGTERM stops the server (exit status 0).

    options:
      --addr HOST:PORT  where to listen (default 127.0.0.1:3737; ":37" is the real port,
                        on all addresses; port 0 picks a free port)
      -h, --help        show this help
    """

AnswerServer.main(name: "time-server", usage: usage, defaultAddress: "127.0.0.1:3737", answer: { rfc868Time() })
