import Glibc

/// A value protected by a `pthread_mutex_t`, with the API of the standard library's `Synchronization.Mutex`
/// (`Lock(value)`, `withLock { value in … }`).
///
/// NetKit uses it instead of `Mutex` so that ThreadSanitizer can check the code it protects: on Linux,
/// `Synchronization.Mutex` locks and unlocks through futex calls inside the Swift runtime, which TSan does not
/// observe, so it reports every access made under such a mutex from two threads as a data race (a 15-line
/// program with four threads incrementing a `Mutex<Int>` is enough to see it). TSan intercepts
/// `pthread_mutex_lock`/`unlock`, so with this lock its reports mean real races. Uncontended, both cost the same
/// (one atomic operation each way).
///
/// The mutex and the value live in one heap allocation, so the lock never moves while in use.
struct Lock<Value: ~Copyable>: ~Copyable, @unchecked Sendable {
    private let storage: UnsafeMutablePointer<Storage>

    private struct Storage: ~Copyable {
        var mutex = pthread_mutex_t()
        var value: Value
    }

    /// Creates a lock protecting `initialValue`.
    init(_ initialValue: consuming Value) {
        storage = .allocate(capacity: 1)
        storage.initialize(to: Storage(value: initialValue))
        pthread_mutex_init(&storage.pointee.mutex, nil)
    }

    deinit {
        pthread_mutex_destroy(&storage.pointee.mutex)
        storage.deinitialize(count: 1)
        storage.deallocate()
    }

    /// Runs `body` with exclusive access to the value and returns what it returns.
    @inline(__always)
    borrowing func withLock<Result: ~Copyable, E: Error>(
        _ body: (inout Value) throws(E) -> Result
    ) throws(E) -> Result {
        pthread_mutex_lock(&storage.pointee.mutex)
        defer { pthread_mutex_unlock(&storage.pointee.mutex) }
        return try body(&storage.pointee.value)
    }
}
