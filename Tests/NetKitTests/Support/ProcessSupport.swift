import Glibc

// Running the package's own executables (examples, check programs) as child processes.

/// The executable `name` built beside the test bundle (`.build/<config>/name`), if the build made it.
func builtExecutablePath(_ name: String) -> String? {
    var buffer = [CChar](repeating: 0, count: 4096)
    let count = readlink("/proc/self/exe", &buffer, buffer.count - 1)
    guard count > 0 else { return nil }
    var directory = String(decoding: buffer[..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    // …/debug/NetKitPackageTests.xctest (a file on Linux)
    while let slash = directory.lastIndex(of: "/") {
        directory = String(directory[..<slash])
        let candidate = directory + "/" + name
        if access(candidate, X_OK) == 0 { return candidate }
        if directory.hasSuffix("/.build") || directory.isEmpty { break }
    }
    return nil
}

/// Why a child process could not be run to its end.
struct ProgramError: Error, CustomStringConvertible {
    let description: String
}

/// Runs `path` with `arguments`, its standard output and error going to files; returns its exit status (128 + N
/// if signal N ended it) and both outputs. A child still running after `limit` is killed and reported.
func runProgram(
    _ path: String, _ arguments: [String], limit: Duration
) async throws -> (status: Int32, output: String, errors: String) {
    var template = Array("/tmp/netkit-run-XXXXXX".utf8CString)
    guard let made = mkdtemp(&template) else { throw ProgramError(description: "mkdtemp failed") }
    let directory = String(cString: made)
    defer {
        unlink(directory + "/out")
        unlink(directory + "/err")
        rmdir(directory)
    }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, directory + "/out", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    posix_spawn_file_actions_addopen(&actions, 2, directory + "/err", O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    let argv = ([path] + arguments).map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    var pid: pid_t = 0
    guard posix_spawn(&pid, path, &actions, nil, argv, environ) == 0 else {
        throw ProgramError(description: "cannot run \(path)")
    }
    var status: Int32 = 0
    let end = ContinuousClock.now + limit
    while waitpid(pid, &status, WNOHANG) != pid {
        if ContinuousClock.now > end {
            kill(pid, SIGKILL)
            waitpid(pid, &status, 0)
            throw ProgramError(description: "\(path) still ran after \(limit): killed")
        }
        try await Task.sleep(for: .milliseconds(5))
    }
    func contents(_ file: String) -> String {
        let fd = open(file, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return "" }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while bytes.count < 1 << 22 {
            let n = read(fd, &chunk, chunk.count)
            if n <= 0 { break }
            bytes += chunk[..<n]
        }
        return String(decoding: bytes, as: UTF8.self)
    }
    let signal = status & 0x7F
    let exitStatus = signal == 0 ? (status >> 8) & 0xFF : 128 + signal
    return (exitStatus, contents(directory + "/out"), contents(directory + "/err"))
}
