import Glibc
import Synchronization

/// A thread of its own for blocking system calls — reading standard input, writing standard output — so that
/// neither Swift's cooperative pool nor NetKit's event loops ever wait for a terminal, a pipe or a file.
///
/// NetKit's poller takes only sockets it created, and switching standard input to non-blocking mode would switch
/// it for every process sharing it (the shell, too). So the calls run here, one at a time, and the calling task is
/// suspended, not blocked, until its call is done: `await thread.run { read(0, …) }`.
final class BlockingThread: @unchecked Sendable {  // `jobs` is behind a Mutex; a semaphore is thread-safe
    private let jobs = Mutex<[@Sendable () -> Void]>([])
    private let semaphore = UnsafeMutablePointer<sem_t>.allocate(capacity: 1)

    init() {
        sem_init(semaphore, 0, 0)
        var attributes = pthread_attr_t()
        pthread_attr_init(&attributes)
        pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED))
        var thread = pthread_t()
        let me = Unmanaged.passRetained(self).toOpaque()  // the thread keeps the object alive
        let rc = pthread_create(&thread, &attributes, { context in
            Unmanaged<BlockingThread>.fromOpaque(context!).takeUnretainedValue().runJobs()
        }, me)
        precondition(rc == 0, "pthread_create failed: \(rc)")
        pthread_attr_destroy(&attributes)
    }

    /// Runs `body` on the thread and returns its result.
    func run<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
        await withUnsafeContinuation { continuation in
            jobs.withLock { $0.append { continuation.resume(returning: body()) } }
            sem_post(semaphore)
        }
    }

    private func runJobs() -> Never {
        while true {
            while sem_wait(semaphore) != 0 {}  // retried on EINTR
            let job = jobs.withLock { $0.removeFirst() }
            job()
        }
    }
}
