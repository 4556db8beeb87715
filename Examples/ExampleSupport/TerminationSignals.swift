import Glibc

/// SIGINT and SIGTERM, taken off their default "die at once" action so that the server can stop cleanly.
///
/// `init()` blocks both signals in the calling thread; every thread created later inherits that mask (NetKit's
/// event loops, the cooperative pool's workers), so the signals stay pending until a thread takes them with
/// `wait()` (sigwait(3)). Create it first thing in main.swift, before anything starts a thread.
public struct TerminationSignals {
    private let set: sigset_t

    public init() {
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        sigaddset(&set, SIGTERM)
        pthread_sigmask(SIG_BLOCK, &set, nil)
        self.set = set
    }

    /// Sleeps until SIGINT or SIGTERM arrives and returns its name.
    public func wait() -> String {
        var set = self.set
        var signal: Int32 = 0
        while sigwait(&set, &signal) != 0 {}
        return signal == SIGINT ? "SIGINT" : "SIGTERM"
    }
}
