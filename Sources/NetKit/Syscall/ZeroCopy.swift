import CNetKit
import Glibc

// The system calls behind NetKit's zero-copy paths (Go's `internal/poll` sendfile_linux.go and
// splice_linux.go call them through package syscall). One wrapper each; EINTR is retried, EAGAIN is thrown
// as `.wouldBlock` for the netpoller. Calls that write into a socket block SIGPIPE for their duration
// (sendfile and splice have no `MSG_NOSIGNAL`), so a vanished peer is `.brokenPipe`, as with `send`.

/// `sendfile(2)` of at most `count` bytes from the current offset of `file`, which the kernel advances, to
/// `socket`. Returns the bytes sent; 0 means the end of `file`. Go's `syscall.Sendfile(dst, src, nil, n)`.
@inline(__always)
func sendFile(to socket: Socket, from file: Int32, count: Int) throws(Errno) -> Int {
    try retryingOnInterrupt { nk_sendfile(socket.rawValue, file, count) }
}

/// `splice(2)` of at most `count` bytes from `source` to `destination` (one of them a pipe), non-blocking.
/// `intoSocket` blocks SIGPIPE for the call. Returns the bytes moved; 0 from a socket means its end of stream.
/// Go's `syscall.Splice(in, nil, out, nil, max, SPLICE_F_NONBLOCK)`.
@inline(__always)
func splice(from source: Int32, to destination: Int32, count: Int, intoSocket: Bool) throws(Errno) -> Int {
    try retryingOnInterrupt {
        nk_splice(source, destination, count, NK_SPLICE_F_MOVE | NK_SPLICE_F_NONBLOCK, intoSocket ? 1 : 0)
    }
}

/// A non-blocking, close-on-exec pipe: `pipe2(2)` with `O_NONBLOCK|O_CLOEXEC`. Returns (read end, write end).
func makeNonBlockingPipe() throws(Errno) -> (read: Int32, write: Int32) {
    var fds: (Int32, Int32) = (-1, -1)
    _ = try withUnsafeMutableBytes(of: &fds) { raw throws(Errno) in
        try valueOrErrno { nk_pipe2(raw.baseAddress!.assumingMemoryBound(to: Int32.self), O_NONBLOCK | O_CLOEXEC) }
    }
    return (fds.0, fds.1)
}

/// `close(2)` of a descriptor NetKit owns outright (never retried, see `valueOrErrno`).
func closeDescriptor(_ fd: Int32) {
    _ = try? valueOrErrno { Glibc.close(fd) }
}
