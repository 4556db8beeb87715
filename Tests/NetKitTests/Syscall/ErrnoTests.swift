import Glibc
import Testing
@testable import NetKit

@Suite("Errno")
struct ErrnoTests {
    /// Each English name is its C macro (swift-system's ErrnoTest.testConstants).
    static let constants: [(Errno, Int32, String)] = [
        (.notPermitted, EPERM, "EPERM"), (.noSuchFileOrDirectory, ENOENT, "ENOENT"),
        (.interrupted, EINTR, "EINTR"), (.badFileDescriptor, EBADF, "EBADF"),
        (.wouldBlock, EAGAIN, "EAGAIN"), (.wouldBlock, EWOULDBLOCK, "EWOULDBLOCK"),
        (.resourceTemporarilyUnavailable, EAGAIN, "EAGAIN"), (.outOfMemory, ENOMEM, "ENOMEM"),
        (.permissionDenied, EACCES, "EACCES"), (.fileExists, EEXIST, "EEXIST"),
        (.invalidArgument, EINVAL, "EINVAL"), (.tooManyOpenFilesInSystem, ENFILE, "ENFILE"),
        (.tooManyOpenFiles, EMFILE, "EMFILE"), (.brokenPipe, EPIPE, "EPIPE"),
        (.inProgress, EINPROGRESS, "EINPROGRESS"), (.alreadyInProgress, EALREADY, "EALREADY"),
        (.notSocket, ENOTSOCK, "ENOTSOCK"), (.destinationAddressRequired, EDESTADDRREQ, "EDESTADDRREQ"),
        (.messageTooLong, EMSGSIZE, "EMSGSIZE"), (.protocolNotAvailable, ENOPROTOOPT, "ENOPROTOOPT"),
        (.protocolNotSupported, EPROTONOSUPPORT, "EPROTONOSUPPORT"), (.notSupported, EOPNOTSUPP, "EOPNOTSUPP"),
        (.notSupported, ENOTSUP, "ENOTSUP"), (.addressFamilyNotSupported, EAFNOSUPPORT, "EAFNOSUPPORT"),
        (.addressInUse, EADDRINUSE, "EADDRINUSE"), (.addressNotAvailable, EADDRNOTAVAIL, "EADDRNOTAVAIL"),
        (.networkDown, ENETDOWN, "ENETDOWN"), (.networkUnreachable, ENETUNREACH, "ENETUNREACH"),
        (.connectionAborted, ECONNABORTED, "ECONNABORTED"), (.connectionReset, ECONNRESET, "ECONNRESET"),
        (.noBufferSpace, ENOBUFS, "ENOBUFS"), (.isConnected, EISCONN, "EISCONN"),
        (.notConnected, ENOTCONN, "ENOTCONN"), (.isShutdown, ESHUTDOWN, "ESHUTDOWN"),
        (.timedOut, ETIMEDOUT, "ETIMEDOUT"), (.connectionRefused, ECONNREFUSED, "ECONNREFUSED"),
        (.nameTooLong, ENAMETOOLONG, "ENAMETOOLONG"), (.hostUnreachable, EHOSTUNREACH, "EHOSTUNREACH"),
        (.hostDown, EHOSTDOWN, "EHOSTDOWN"), (.canceled, ECANCELED, "ECANCELED"),
    ]

    @Test("English names equal the C macros", arguments: constants)
    func constant(_ error: Errno, _ value: Int32, _ name: String) {
        #expect(error.rawValue == value, "Errno for \(name) = \(error.rawValue), want \(value)")
    }

    /// Go's `syscall.Errno.Error()` texts on Linux (zerrors_linux_amd64.go).
    static let goTexts: [(Errno, String)] = [
        (.connectionRefused, "connection refused"),
        (.brokenPipe, "broken pipe"),
        (.wouldBlock, "resource temporarily unavailable"),
        (.tooManyOpenFiles, "too many open files"),
        (.tooManyOpenFilesInSystem, "too many open files in system"),
        (.connectionReset, "connection reset by peer"),
        (.connectionAborted, "software caused connection abort"),
        (.timedOut, "connection timed out"),
        (.interrupted, "interrupted system call"),
        (.inProgress, "operation now in progress"),
        (.alreadyInProgress, "operation already in progress"),
        (.isConnected, "transport endpoint is already connected"),
        (.notConnected, "transport endpoint is not connected"),
        (.addressInUse, "address already in use"),
        (.addressNotAvailable, "cannot assign requested address"),
        (.badFileDescriptor, "bad file descriptor"),
        (.invalidArgument, "invalid argument"),
        (.messageTooLong, "message too long"),
        (.permissionDenied, "permission denied"),
        (.notPermitted, "operation not permitted"),
        (.noSuchFileOrDirectory, "no such file or directory"),
        (.destinationAddressRequired, "destination address required"),
        (.hostUnreachable, "no route to host"),
        (.networkUnreachable, "network is unreachable"),
        (.protocolNotSupported, "protocol not supported"),
        (.addressFamilyNotSupported, "address family not supported by protocol"),
        (.notSocket, "socket operation on non-socket"),
        (.fileExists, "file exists"),
        (.nameTooLong, "file name too long"),
        (.noBufferSpace, "no buffer space available"),
        (.outOfMemory, "cannot allocate memory"),
        (.notSupported, "operation not supported"),
        (.protocolNotAvailable, "protocol not available"),
        (.canceled, "operation canceled"),
        (Errno(rawValue: 132), "operation not possible due to RF-kill"),
        (Errno(rawValue: 41), "errno 41"),      // a hole in Go's table
        (Errno(rawValue: 0), "errno 0"),
        (Errno(rawValue: 200), "errno 200"),
        (Errno(rawValue: -1), "errno -1"),
    ]

    @Test("description is Go's text", arguments: goTexts)
    func goText(_ error: Errno, _ text: String) {
        #expect(error.description == text, "Errno(\(error.rawValue)).description = \"\(error)\", want \"\(text)\"")
        #expect("\(error)" == text)
    }

    @Test("description agrees with strerror, first letter lowered, for every named error",
          arguments: constants.map(\.0))
    func matchesStrerror(_ error: Errno) {
        let system = String(cString: strerror(error.rawValue))
        let lowered = system.prefix(1).lowercased() + system.dropFirst()
        #expect(error.description == lowered)
    }

    @Test("isTimeout and isTemporary follow Go's Errno.Timeout and Errno.Temporary")
    func classification() {
        let timeouts: Set<Errno> = [.wouldBlock, .timedOut]
        let temporaries: Set<Errno> = timeouts.union([.interrupted, .tooManyOpenFiles, .tooManyOpenFilesInSystem])
        for (error, _, name) in Self.constants {
            #expect(error.isTimeout == timeouts.contains(error), "\(name).isTimeout")
            #expect(error.isTemporary == temporaries.contains(error), "\(name).isTemporary")
        }
    }

    @Test("current reads errno, and ~= matches through any Error")
    func currentAndPattern() {
        errno = ECONNREFUSED
        #expect(Errno.current == .connectionRefused)
        let error: any Error = Errno.brokenPipe
        #expect(Errno.brokenPipe ~= error)
        #expect(!(Errno.connectionReset ~= error))
        switch error {
        case Errno.connectionReset: Issue.record("matched the wrong errno")
        case Errno.brokenPipe: break
        default: Issue.record("Errno pattern did not match")
        }
    }
}
