import Glibc

// Thin wrappers for the file calls behind `File` (Go's `os.File` on `syscall`): open, read, write, lseek,
// fstat, close. EINTR is retried (never for close); errors are thrown as `Errno`.

enum FileSyscall {
    /// `open(2)`, always with `O_CLOEXEC`.
    static func open(_ path: String, _ flags: Int32, _ mode: mode_t) throws(Errno) -> Int32 {
        try retryingOnInterrupt { Glibc.open(path, flags | O_CLOEXEC, mode) }
    }

    /// `read(2)`.
    static func read(_ fd: Int32, _ buffer: UnsafeMutableRawBufferPointer) throws(Errno) -> Int {
        try retryingOnInterrupt { Glibc.read(fd, buffer.baseAddress, buffer.count) }
    }

    /// `write(2)`.
    static func write(_ fd: Int32, _ buffer: UnsafeRawBufferPointer) throws(Errno) -> Int {
        try retryingOnInterrupt { Glibc.write(fd, buffer.baseAddress, buffer.count) }
    }

    /// `lseek(2)`.
    static func seek(_ fd: Int32, _ offset: Int64, _ whence: Int32) throws(Errno) -> Int64 {
        try retryingOnInterrupt { Int64(Glibc.lseek(fd, off_t(offset), whence)) }
    }

    /// `fstat(2)`.
    static func stat(_ fd: Int32) throws(Errno) -> stat {
        var st = Glibc.stat()
        _ = try retryingOnInterrupt { Glibc.fstat(fd, &st) }
        return st
    }

    /// `close(2)`, not retried.
    static func close(_ fd: Int32) throws(Errno) {
        _ = try valueOrErrno { Glibc.close(fd) }
    }
}
