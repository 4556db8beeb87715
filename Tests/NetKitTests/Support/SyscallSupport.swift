import Glibc
import NetKit
import Testing

// Test support for layer 1 (Syscall): descriptor-leak accounting, loopback fixtures, and
// running blocking code on a real pthread (never on Swift's cooperative pool).

// MARK: - Descriptor accounting

/// The number of open descriptors of this process (entries of /proc/self/fd, minus the one
/// used to list them).
///
/// Tests run in parallel in one process, so compare counts only where nothing else can open
/// descriptors; prefer ``SocketLedger``, which follows a test's own descriptors.
func openDescriptorCount() -> Int {
    guard let directory = opendir("/proc/self/fd") else { return -1 }
    defer { closedir(directory) }
    var count = 0
    while let entry = readdir(directory) {
        let isDot = withUnsafeBytes(of: entry.pointee.d_name) { $0.first == UInt8(ascii: ".") }
        if !isDot { count += 1 }
    }
    return count - 1
}

/// What /proc/self/fd/`descriptor` points to, for example `"socket:[123456]"`, or `nil` if
/// the descriptor is not open.
func descriptorIdentity(_ descriptor: Int32) -> String? {
    var buffer = [CChar](repeating: 0, count: 256)
    let count = buffer.withUnsafeMutableBufferPointer { readlink("/proc/self/fd/\(descriptor)", $0.baseAddress!, $0.count) }
    guard count > 0 else { return nil }
    return String(decoding: buffer.prefix(count).map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

/// The identities (`socket:[inode]`, `pipe:[inode]`) of all open descriptors.
func openDescriptorIdentities() -> Set<String> {
    guard let directory = opendir("/proc/self/fd") else { return [] }
    var numbers = [Int32]()
    while let entry = readdir(directory) {
        let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
        if let number = Int32(name) { numbers.append(number) }
    }
    closedir(directory)
    return Set(numbers.compactMap(descriptorIdentity))
}

/// Records the kernel objects (socket and pipe inodes) a test opens, and reports which of
/// them are still open at the end.
///
/// Identities, unlike descriptor numbers or counts, are not disturbed by tests running in
/// parallel: another test may reuse a closed number, but never a live socket's inode.
final class SocketLedger {
    private(set) var identities: [String] = []

    /// Records `socket` and returns it.
    @discardableResult
    func track(_ socket: Socket) -> Socket {
        track(descriptor: socket.rawValue)
        return socket
    }

    /// Records both sockets of a pair and returns them.
    func track(_ pair: (Socket, Socket)) -> (Socket, Socket) {
        (track(pair.0), track(pair.1))
    }

    /// Records a raw descriptor.
    func track(descriptor: Int32) {
        if let identity = descriptorIdentity(descriptor) { identities.append(identity) }
    }

    /// The recorded objects that some descriptor of the process still refers to.
    func stillOpen() -> [String] {
        let open = openDescriptorIdentities()
        return identities.filter(open.contains)
    }
}

// MARK: - Fixtures

/// A TCP listener on 127.0.0.1 (or ::1) with a kernel-chosen port, and that port.
func makeLoopbackListener(_ ledger: SocketLedger, family: Socket.Family = .inet) throws -> (Socket, UInt16) {
    let listener = ledger.track(try Socket(family, .stream))
    try listener.bind(loopback(family, port: 0))
    try listener.listen(backlog: 8)
    let port = try listener.localAddress.port ?? 0
    return (listener, port)
}

/// 127.0.0.1:`port` or [::1]:`port`.
func loopback(_ family: Socket.Family, port: UInt16) -> SocketAddress {
    family == .inet6
        ? .ipv6(bytes: [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1], port: port)
        : .ipv4(127, 0, 0, 1, port: port)
}

/// A connected TCP pair over loopback: (client, accepted server side), plus the listener.
func makeLoopbackConnection(
    _ ledger: SocketLedger, family: Socket.Family = .inet
) throws -> (listener: Socket, client: Socket, server: Socket) {
    let (listener, port) = try makeLoopbackListener(ledger, family: family)
    let client = ledger.track(try Socket(family, .stream))
    try client.connect(to: loopback(family, port: port))   // loopback handshake completes in connect
    let (server, _) = try listener.accept()
    ledger.track(server)
    return (listener, client, server)
}

/// Whether ::1 can be bound (IPv6 may be disabled in a container).
let ipv6LoopbackAvailable: Bool = {
    guard let probe = try? Socket(.inet6, .stream) else { return false }
    defer { try? probe.close() }
    return (try? probe.bind(loopback(.inet6, port: 0))) != nil
}()

/// Closes every socket, ignoring errors (cleanup after a test).
func closeAll(_ sockets: Socket...) {
    for socket in sockets { try? socket.close() }
}

/// A unique name for Unix-socket tests (abstract names and temporary paths).
func uniqueSocketName(_ tag: String) -> String {
    "netkit-\(tag)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
}

// MARK: - Real threads

private final class ThreadBody {
    let body: @Sendable () -> Void
    init(_ body: @escaping @Sendable () -> Void) { self.body = body }
}

/// Starts `body` on a new detached pthread.
func spawnPthread(_ body: @escaping @Sendable () -> Void) {
    let context = Unmanaged.passRetained(ThreadBody(body)).toOpaque()
    var attributes = pthread_attr_t()
    pthread_attr_init(&attributes)
    defer { pthread_attr_destroy(&attributes) }
    pthread_attr_setdetachstate(&attributes, Int32(PTHREAD_CREATE_DETACHED))
    var thread = pthread_t()
    let result = pthread_create(&thread, &attributes, { raw in
        Unmanaged<ThreadBody>.fromOpaque(raw!).takeRetainedValue().body()
        return nil
    }, context)
    precondition(result == 0, "pthread_create failed: \(result)")
}

/// Runs blocking `body` on its own pthread and suspends (without blocking a cooperative
/// thread) until it returns.
func onPthread<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
        spawnPthread { continuation.resume(returning: body()) }
    }
}

// MARK: - Leak checks and waits

/// Runs `body` with a fresh ``SocketLedger`` and records an issue for every descriptor it
/// tracked that is still open afterwards.
func expectNoLeaks(
    sourceLocation: SourceLocation = #_sourceLocation, _ body: (SocketLedger) throws -> Void
) rethrows {
    let ledger = SocketLedger()
    defer {
        let leaked = ledger.stillOpen()
        #expect(leaked.isEmpty, "descriptors left open: \(leaked)", sourceLocation: sourceLocation)
    }
    try body(ledger)
}

/// Waits (bounded by `milliseconds`) until `socket` is writable or has an error; the
/// watchdog for non-blocking connects. Returns whether it became ready.
func waitUntilWritable(_ socket: Socket, milliseconds: Int32 = 5_000) -> Bool {
    var descriptor = pollfd(fd: socket.rawValue, events: Int16(POLLOUT), revents: 0)
    return poll(&descriptor, 1, milliseconds) == 1
}

/// The bytes of `text`.
func bytes(_ text: String) -> [UInt8] { Array(text.utf8) }
