#if NETKIT_TSAN
import Glibc

/// A drop-in for `Synchronization.Mutex` used only in ThreadSanitizer builds (`-DNETKIT_TSAN`).
///
/// ThreadSanitizer cannot see `Synchronization.Mutex` on this toolchain (it locks with raw futexes, without
/// sanitizer annotations), so every access it protects is reported as a race. This twin locks a
/// `pthread_mutex_t`, which ThreadSanitizer intercepts, so the TSan run checks NetKit's real synchronisation.
/// Release builds never compile it.
struct TSanMutex<Value: ~Copyable>: ~Copyable, @unchecked Sendable {
    private final class Box {
        let lock: UnsafeMutablePointer<pthread_mutex_t>
        var value: Value
        init(_ value: consuming Value) {
            lock = .allocate(capacity: 1)
            pthread_mutex_init(lock, nil)
            self.value = value
        }
        deinit {
            pthread_mutex_destroy(lock)
            lock.deallocate()
        }
    }

    private let box: Box

    init(_ initialValue: consuming sending Value) {
        box = Box(initialValue)
    }

    borrowing func withLock<Result: ~Copyable, E: Error>(
        _ body: (inout sending Value) throws(E) -> sending Result
    ) throws(E) -> sending Result {
        pthread_mutex_lock(box.lock)
        defer { pthread_mutex_unlock(box.lock) }
        return try body(&box.value)
    }

    borrowing func withLockIfAvailable<Result: ~Copyable, E: Error>(
        _ body: (inout sending Value) throws(E) -> sending Result
    ) throws(E) -> sending Result? {
        guard pthread_mutex_trylock(box.lock) == 0 else { return nil }
        defer { pthread_mutex_unlock(box.lock) }
        return try body(&box.value)
    }
}

/// In TSan builds `Mutex` means `TSanMutex` inside NetKit (a module's own declarations shadow imported ones).
typealias Mutex<Value: ~Copyable> = TSanMutex<Value>
#endif
