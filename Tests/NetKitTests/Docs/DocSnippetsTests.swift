import Glibc
import NetKit
import Testing

// Every Swift snippet of the documentation (Docs/*.md and Sources/NetKit/NetKit.docc/*.md), compiled here, or
// in Examples/, so that the docs cannot rot; the test `everySnippetIsCompiled` fails when a ```swift block of
// the docs is found in neither place (compared line by line, ignoring indentation, blank lines, `import` lines
// and a leading `private`). The tests below also run the snippets.
//
// Top-level code of a snippet (a `main.swift`) sits in the body of a function here. Snippets are `private`
// here so their names cannot clash with other test files.

// MARK: - GettingStarted.md (and NetKit.docc/NetKit.md)

/// The time of day in UTC as asctime(3) writes it: "Wed Nov 25 18:27:23 2026".
private func daytimeLine() -> String {
    var now = time(nil)
    var utc = tm()
    gmtime_r(&now, &utc)
    var text = [CChar](repeating: 0, count: 32)
    asctime_r(&utc, &text)
    return String(decoding: text.prefix(24).map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

/// Serves RFC 867 on `listener`: each connection gets the line, then is closed.
private func serveDaytime(_ listener: any Listener) async throws {
    for try await conn in listener {
        Task(executorPreference: conn.preferredExecutor) {
            defer { try? conn.close() }
            try? conn.setWriteDeadline(.now + .seconds(5))
            try? await conn.write(daytimeLine() + "\r\n")
        }
    }
}

/// GettingStarted.md, the server's main.swift (compiled, not run: it serves forever on a fixed port).
private func gettingStartedServerMain() async throws {
    let listener = try await listen("tcp", "127.0.0.1:1313")
    print("listening on \(listener.addr)")
    try await serveDaytime(listener)
}

/// Asks the daytime server at `address` ("host:port") for the time; gives up after `timeout`.
private func queryDaytime(_ address: String, timeout: Duration = .seconds(5)) async throws -> String {
    let deadline = ContinuousClock.now + timeout
    let conn = try await Dialer(deadline: deadline).dial("tcp", address)
    defer { try? conn.close() }
    try conn.setReadDeadline(deadline)
    return String(decoding: try await readAll(conn), as: UTF8.self)
}

/// GettingStarted.md, the client's main.swift (compiled, not run: it reads the command line and exits).
private func gettingStartedClientMain() async {
    do {
        print(try await queryDaytime(CommandLine.arguments[1]), terminator: "")
    } catch {
        print(error)
        exit(1)
    }
}

/// A short explanation of a daytime query's failure.
private func explain(_ error: any Error) -> String {
    if let op = error as? OpError, op.isTimeout {
        return "no answer in time (\(op.op))"
    }
    if errorIs(error, Errno.self, where: { $0 == .connectionRefused }) {
        return "no daytime server at that address"
    }
    return "\(error)"
}

/// Answers every datagram that arrives on `pc` with the daytime line.
private func serveDaytimeUDP(_ pc: any PacketConn) async throws {
    let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 512, alignment: 1)
    defer { buffer.deallocate() }
    while true {
        let (_, peer) = try await pc.readFrom(into: buffer)
        let line = Array((daytimeLine() + "\r\n").utf8)
        buffer.copyBytes(from: line)
        try await pc.writeTo(UnsafeRawBufferPointer(rebasing: buffer[..<line.count]), peer)
    }
}

// MARK: - FromC.md

/// socket(), bind() with htons(), listen(): a listening IPv4 socket on 127.0.0.1:`port` (0: any free port).
private func makeDaytimeListener(port: UInt16) throws(Errno) -> Socket {
    let listenfd = try Socket(.inet, .stream)                    // socket(AF_INET, SOCK_STREAM, 0)
    do {
        var servaddr = sockaddr_in()                             // bzero(&servaddr, sizeof(servaddr))
        servaddr.sin_family = sa_family_t(AF_INET)               // servaddr.sin_family = AF_INET
        servaddr.sin_addr.s_addr = htonl(0x7f00_0001)            // htonl(INADDR_LOOPBACK)
        servaddr.sin_port = htons(port)                          // htons(13)
        try listenfd.setReuseAddress(true)                       // setsockopt(SO_REUSEADDR)
        try listenfd.bind(SocketAddress(servaddr))               // bind(listenfd, &servaddr, sizeof(servaddr))
        try listenfd.listen(backlog: 1024)                       // listen(listenfd, LISTENQ)
        return listenfd
    } catch {
        try? listenfd.close()
        throw error
    }
}

/// daytimetcpsrv.c's loop with NetKit's `Socket`: serves `connections` clients one at a time.
/// It blocks: run it on a thread of its own.
private func blockingDaytimeServer(_ listenfd: Socket, connections: Int) throws(Errno) {
    for _ in 0..<connections {
        let (connfd, _) = try listenfd.accept()                  // connfd = accept(listenfd, NULL, NULL)
        defer { try? connfd.close() }                            // close(connfd)
        let line = daytimeLine() + "\r\n"                        // snprintf(buff, …, ctime(&ticks))
        try sendAll(connfd, Array(line.utf8))                    // write(connfd, buff, strlen(buff))
    }
}

/// daytimetcpcli.c with NetKit's `Socket`: connects to 127.0.0.1:`port` and reads until end of file.
/// It blocks: run it on a thread of its own.
private func blockingDaytimeClient(port: UInt16) throws(Errno) -> String {
    let sockfd = try Socket(.inet, .stream)                      // socket(AF_INET, SOCK_STREAM, 0)
    defer { try? sockfd.close() }
    try sockfd.setReceiveTimeout(.seconds(5))                    // (a watchdog the lecture does not have)
    try sockfd.connect(to: .ipv4(127, 0, 0, 1, port: port))     // connect(sockfd, &servaddr, …)
    var text: [UInt8] = []
    while true {                                                 // while ((n = read(sockfd, …)) > 0)
        let chunk = try sockfd.receive(maxCount: 4096)
        if chunk.isEmpty { break }                               // 0: the server closed
        text += chunk                                            // fputs(recvline, stdout)
    }
    return String(decoding: text, as: UTF8.self)
}

/// Sends all of `bytes`, however many calls it takes (send(2) may take fewer bytes than offered).
private func sendAll(_ socket: Socket, _ bytes: [UInt8]) throws(Errno) {
    var offset = 0
    while offset < bytes.count {
        offset += try socket.send(Array(bytes[offset...]))
    }
}

/// Receives exactly `count` bytes, or fewer if the peer closes first.
private func receiveExactly(_ socket: Socket, count: Int) throws(Errno) -> [UInt8] {
    var received: [UInt8] = []
    while received.count < count {
        let chunk = try socket.receive(maxCount: count - received.count)
        if chunk.isEmpty { break }
        received += chunk
    }
    return received
}

/// How many bytes `socket` can send before a send would block, while its peer reads nothing.
private func queueCapacity(_ socket: Socket) throws(Errno) -> Int {
    try socket.setNonBlocking(true)
    let chunk = [UInt8](repeating: 0, count: 4096)
    var queued = 0
    while true {
        do {
            queued += try socket.send(chunk)
        } catch .wouldBlock {
            return queued
        }
    }
}

/// Sends `request` to an echo server and reads the echo at the same time, so that the queues never fill up.
private func echoRoundTrip(_ conn: any Conn, _ request: [UInt8]) async throws -> [UInt8] {
    async let sent: Void = conn.write(request)
    var reply: [UInt8] = []
    while reply.count < request.count {
        reply += try await conn.read(maxCount: 64 * 1024)
    }
    try await sent
    return reply
}

// MARK: - FromGo.md

/// Go's `for { conn, _ := ln.Accept(); go func() { io.Copy(conn, conn) }() }`.
private func serveEcho(_ listener: any Listener) async throws {
    for try await conn in listener {
        Task(executorPreference: conn.preferredExecutor) {
            defer { try? conn.close() }
            _ = try? await copy(conn, conn)
        }
    }
}

/// Go's `errors.As(err, &opErr)`, `errors.Is(err, net.ErrClosed)` and `errors.Is(err, syscall.ECONNREFUSED)`.
private func classify(_ error: any Error) -> String {
    if let opError = errorAs(error, OpError.self), opError.isTimeout { return "timeout" }
    if errorIs(error, ClosedError.self) { return "closed" }
    if errorIs(error, Errno.self, where: { $0 == .connectionRefused }) { return "refused" }
    if error is CancellationError { return "cancelled" }
    return "other"
}

// MARK: - Architecture.md

/// The size of a connection's kernel receive buffer (SO_RCVBUF), read through `syscallConn()`.
private func receiveBufferSize(_ conn: TCPConn) throws -> Int {
    try conn.syscallConn().control { socket in try socket.receiveBufferSize }
}

// MARK: - Helpers of the tests

/// A port on 127.0.0.1 where nothing listens (taken from a listener that is then closed).
private func closedPort() async throws -> Int {
    let listener = try await listen("tcp", "127.0.0.1:0")
    let port = (listener.addr as? TCPAddr)?.port ?? 0
    try listener.close()
    return port
}

/// A NetKit echo server for one connection on 127.0.0.1 (what `echoRoundTrip` talks to).
private func startEchoServer() async throws -> (any Listener, Task<Void, Never>) {
    let listener = try await listen("tcp", "127.0.0.1:0")
    let server = Task {
        guard let conn = try? await listener.accept() else { return }
        defer { try? conn.close() }
        try? conn.setDeadline(.now + .seconds(30))
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64 * 1024, alignment: 16)
        defer { buffer.deallocate() }
        for _ in 0..<100_000 {
            guard let n = try? await conn.read(into: buffer) else { return }
            guard (try? await conn.write(UnsafeRawBufferPointer(rebasing: buffer[..<n]))) != nil else { return }
        }
    }
    return (listener, server)
}

/// The bytes of a file, or nil if it cannot be read.
private func readFile(_ path: String) -> [UInt8]? {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var contents: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 64 * 1024)
    for _ in 0..<10_000 {
        let n = chunk.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
        if n < 0 && errno == EINTR { continue }
        if n <= 0 { return n == 0 ? contents : nil }
        contents += chunk[..<n]
    }
    return nil
}

/// The names in a directory (without "." and "..").
private func directoryEntries(_ path: String) -> [String] {
    guard let dir = opendir(path) else { return [] }
    defer { closedir(dir) }
    var names: [String] = []
    while let entry = readdir(dir) {
        let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
            String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
        }
        if name != "." && name != ".." { names.append(name) }
    }
    return names.sorted()
}

/// The repository's root: this file is Tests/NetKitTests/Docs/DocSnippetsTests.swift.
private let repositoryRoot: String = {
    var parts = "\(#filePath)".split(separator: "/", omittingEmptySubsequences: false)
    parts.removeLast(4)
    return parts.joined(separator: "/")
}()

/// A line as the snippet comparison sees it: no indentation, no trailing spaces, no leading `private `.
private func normalized(_ line: Substring) -> String {
    var text = line.drop { $0 == " " || $0 == "\t" }
    while let last = text.last, last == " " || last == "\t" || last == "\r" { text = text.dropLast() }
    if text.hasPrefix("private ") { text = text.dropFirst("private ".count) }
    return String(text)
}

/// The ```swift blocks of a Markdown text, each as its normalized lines (without blank and `import` lines).
private func swiftBlocks(_ markdown: String) -> [[String]] {
    var blocks: [[String]] = []
    var current: [String]?
    for line in markdown.split(separator: "\n", omittingEmptySubsequences: false) {
        let trimmed = normalized(line)
        if current == nil {
            if trimmed == "```swift" { current = [] }
        } else if trimmed.hasPrefix("```") {
            blocks.append(current!)
            current = nil
        } else if !trimmed.isEmpty && !trimmed.hasPrefix("import ") {
            current!.append(trimmed)
        }
    }
    return blocks
}

/// The normalized, non-blank lines of the Swift sources that mirror the snippets.
private func mirrorLines() -> [String] {
    var files = [repositoryRoot + "/Tests/NetKitTests/Docs/DocSnippetsTests.swift"]
    let examples = repositoryRoot + "/Examples"
    for example in directoryEntries(examples) {
        for file in directoryEntries(examples + "/" + example) where file.hasSuffix(".swift") {
            files.append(examples + "/" + example + "/" + file)
        }
    }
    return files.flatMap { path in
        String(decoding: readFile(path) ?? [], as: UTF8.self)
            .split(separator: "\n", omittingEmptySubsequences: false)
            .map(normalized)
            .filter { !$0.isEmpty }
    }
}

/// Whether `block` occurs as consecutive lines of `lines`.
private func contains(_ lines: [String], _ block: [String]) -> Bool {
    guard !block.isEmpty else { return true }
    guard lines.count >= block.count else { return false }
    return (0...(lines.count - block.count)).contains { start in
        lines[start..<(start + block.count)].elementsEqual(block)
    }
}

// MARK: - Performance.md

private func serve(_ listener: any Listener) async throws {
    for try await conn in listener {
        // With the loops as the default executor, a plain task runs where its socket's events arrive.
        Task {
            defer { try? conn.close() }
            while true {
                // A buffer is lent only while bytes are in hand: idle connections hold none.
                do { try await conn.read(upTo: 65536) { bytes in try await conn.write(bytes) } } catch { return }
            }
        }
    }
}

// MARK: - Tests

@Suite("Documentation snippets", .timeLimit(.minutes(1)))
struct DocSnippetsTests {
    @Test("every ```swift block of the docs is compiled here or in Examples/")
    func everySnippetIsCompiled() throws {
        let documents = ["README.md"]
            + directoryEntries(repositoryRoot + "/Docs").filter { $0.hasSuffix(".md") }.map { "Docs/" + $0 }
            + directoryEntries(repositoryRoot + "/Sources/NetKit/NetKit.docc").filter { $0.hasSuffix(".md") }
            .map { "Sources/NetKit/NetKit.docc/" + $0 }
        try #require(documents.contains("Docs/GettingStarted.md"), "the docs are found from \(repositoryRoot)")
        let mirrors = mirrorLines()
        var snippets = 0
        for document in documents {
            let text = String(decoding: try #require(readFile(repositoryRoot + "/" + document)), as: UTF8.self)
            for block in swiftBlocks(text) {
                snippets += 1
                let compiled = contains(mirrors, block)
                #expect(compiled, "\(document): not compiled anywhere:\n\(block.joined(separator: "\n"))")
            }
        }
        #expect(snippets >= 15, "found only \(snippets) Swift snippets in \(documents)")
    }

    @Test("README: the ten-line example runs")
    func readmeTenLines() async throws {
        let ln = try await listen("tcp", "127.0.0.1:0")            // port 0: the kernel picks a free port
        Task {
            for try await conn in ln {                             // accepts until ln is closed
                Task(executorPreference: conn.preferredExecutor) { // a task per connection
                    try await conn.write("hello from NetKit\n")
                    try conn.close()
                }
            }
        }
        let conn = try await dial("tcp", ln.addr.description)
        let reply = String(decoding: try await readAll(conn), as: UTF8.self)
        print(reply, terminator: "")                               // hello from NetKit
        #expect(reply == "hello from NetKit\n")
        try conn.close()
        try ln.close()
    }

    @Test("GettingStarted: the daytime server answers the client over loopback")
    func daytimeOverLoopback() async throws {
        let listener = try await listen("tcp", "127.0.0.1:0")
        let server = Task { try await serveDaytime(listener) }
        defer { try? listener.close() }
        let answer = try await queryDaytime(listener.addr.description)
        #expect(answer.hasSuffix("\r\n"))
        #expect(answer.utf8.count == 26, "asctime's 24 characters and CRLF: \(answer.debugDescription)")
        var now = time(nil)
        var utc = tm()
        gmtime_r(&now, &utc)
        #expect(answer.contains(String(utc.tm_year + 1900)))
        try listener.close()
        try await server.value  // the accept loop ends once the listener is closed
    }

    @Test("GettingStarted: explain() names a refused connection and a timeout")
    func explainErrors() async throws {
        let port = try await closedPort()
        do {
            _ = try await queryDaytime("127.0.0.1:\(port)")
            Issue.record("a dial to a closed port succeeded")
        } catch {
            #expect(explain(error) == "no daytime server at that address")
            #expect("\(error)" == "dial tcp 127.0.0.1:\(port): connect: connection refused")
        }
        // A listener that never accepts: the connection is made (the kernel's backlog) but nothing arrives.
        let silent = try await listen("tcp", "127.0.0.1:0")
        defer { try? silent.close() }
        do {
            // The one deadline covers the dial too; scaled so that a loaded machine cannot stall the
            // loopback connect past it (the connect itself completes in the kernel's backlog).
            _ = try await queryDaytime(silent.addr.description, timeout: upperBound(.milliseconds(200)))
            Issue.record("a read from a silent server returned")
        } catch {
            #expect(explain(error) == "no answer in time (read)")
        }
    }

    @Test("Performance: the fast echo server echoes, also a message larger than its lent buffer")
    func performanceEchoServer() async throws {
        let listener = try await listen("tcp", "127.0.0.1:0")
        let server = Task { try await serve(listener) }
        defer { try? listener.close() }
        let conn = try await dial("tcp", listener.addr.description)
        defer { try? conn.close() }
        try conn.setDeadline(.now + .seconds(10))
        let message = (0..<(200 * 1024)).map { UInt8(truncatingIfNeeded: $0 &* 31) }
        let writer = Task { try await conn.write(message) }
        var echoed: [UInt8] = []
        while echoed.count < message.count {
            echoed += try await conn.read(maxCount: 65536)
        }
        try await writer.value
        #expect(echoed == message)
        try listener.close()
        _ = await server.result  // the accept loop ends once the listener is closed
    }

    @Test("GettingStarted: the daytime line over UDP")
    func daytimeOverUDP() async throws {
        let pc = try await listenPacket("udp", "127.0.0.1:0")
        defer { try? pc.close() }
        let server = Task { try await serveDaytimeUDP(pc) }
        let conn = try await dial("udp", pc.localAddr.description)
        defer { try? conn.close() }
        try conn.setDeadline(.now + .seconds(5))
        try await conn.write([UInt8]())
        let answer = String(decoding: try await conn.read(maxCount: 512), as: UTF8.self)
        #expect(answer.utf8.count == 26 && answer.hasSuffix("\r\n"), "\(answer.debugDescription)")
        try pc.close()
        _ = await server.result
    }

    @Test("FromC: the blocking Socket daytime server and client, on pthreads")
    func blockingDaytime() async throws {
        let listenfd = try makeDaytimeListener(port: 0)
        defer { try? listenfd.close() }
        try listenfd.setReceiveTimeout(.seconds(5))  // watchdog: accept gives up after 5 s
        let port = try #require(try listenfd.localAddress.port)
        let server = Task { await onPthread { Result { () throws(Errno) in try blockingDaytimeServer(listenfd, connections: 2) } } }
        for _ in 0..<2 {
            let text = try await onPthread { Result { () throws(Errno) in try blockingDaytimeClient(port: port) } }.get()
            #expect(text.utf8.count == 26 && text.hasSuffix("\r\n"), "\(text.debugDescription)")
        }
        try await server.value.get()
    }

    @Test("FromC: sendAll and receiveExactly move 1 MiB through a socket pair")
    func partialSendsAndReceives() async throws {
        let (a, b) = try Socket.pair(.unix, .stream)
        defer {
            try? a.close()
            try? b.close()
        }
        try b.setReceiveTimeout(.seconds(5))
        try a.setSendTimeout(.seconds(5))
        let payload = (0..<(1 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ $0 >> 11) }
        let sender = Task { await onPthread { Result { () throws(Errno) in try sendAll(a, payload) } } }
        let received = try await onPthread { Result { () throws(Errno) in try receiveExactly(b, count: payload.count) } }.get()
        try await sender.value.get()
        #expect(received == payload)
        try a.shutdown(.write)
        #expect(try receiveExactly(b, count: 10).isEmpty, "end of file after the payload")
    }

    @Test("FromC: a send queue fills up when the peer does not read")
    func sendQueueFills() async throws {
        let listener = try makeDaytimeListener(port: 0)
        defer { try? listener.close() }
        let client = try Socket(.inet, .stream)
        defer { try? client.close() }
        try client.connect(to: .ipv4(127, 0, 0, 1, port: try #require(try listener.localAddress.port)))
        let (server, _) = try listener.accept()
        defer { try? server.close() }
        let capacity = try queueCapacity(client)
        #expect(capacity > 4096 && capacity < 256 << 20, "\(capacity) bytes")
        #expect(throws: Errno.wouldBlock) { _ = try client.send([1]) }
    }

    @Test("FromC: echoRoundTrip sends 8 MiB through an echo server without deadlock")
    func echoRoundTripNoDeadlock() async throws {
        let (listener, server) = try await startEchoServer()
        defer { try? listener.close() }
        let conn = try await dial("tcp", listener.addr.description)
        defer { try? conn.close() }
        try conn.setDeadline(.now + .seconds(30))
        let request = (0..<(8 << 20)).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ $0 >> 13) }
        let reply = try await echoRoundTrip(conn, request)
        #expect(reply.count == request.count)
        #expect(reply == request)
        try conn.close()
        await server.value
    }

    @Test("FromGo: serveEcho echoes until the client closes")
    func echoLikeGo() async throws {
        let listener = try await listen("tcp", "127.0.0.1:0")
        let server = Task { try await serveEcho(listener) }
        defer { try? listener.close() }
        let conn = try await dial("tcp", listener.addr.description)
        defer { try? conn.close() }
        try conn.setDeadline(.now + .seconds(5))
        try await conn.write("hello, echo")
        var reply: [UInt8] = []
        for _ in 0..<100 where reply.count < 11 {
            reply += try await conn.read(maxCount: 64)
        }
        #expect(String(decoding: reply, as: UTF8.self) == "hello, echo")
        try listener.close()
        try await server.value
    }

    @Test("FromGo: classify() tells a timeout, a closed connection, a refusal and a cancellation apart")
    func classifyErrors() async throws {
        let port = try await closedPort()
        await #expect(throws: (any Error).self) { _ = try await dial("tcp", "127.0.0.1:\(port)") }
        do {
            _ = try await dial("tcp", "127.0.0.1:\(port)")
        } catch {
            #expect(classify(error) == "refused")
        }

        let listener = try await listen("tcp", "127.0.0.1:0")
        defer { try? listener.close() }
        let conn = try await dial("tcp", listener.addr.description)
        defer { try? conn.close() }
        var buffer = [UInt8](repeating: 0, count: 16)
        try conn.setReadDeadline(.now + .milliseconds(50))
        do {
            _ = try await conn.read(into: &buffer)
            Issue.record("a read without data returned")
        } catch {
            #expect(classify(error) == "timeout")
        }
        try conn.setReadDeadline(nil)
        let reader = Task { try await conn.read(maxCount: 16) }
        reader.cancel()
        do {
            _ = try await reader.value
            Issue.record("a cancelled read returned")
        } catch {
            #expect(classify(error) == "cancelled")
        }
        try conn.close()
        do {
            _ = try await conn.read(into: &buffer)
            Issue.record("a read on a closed connection returned")
        } catch {
            #expect(classify(error) == "closed")
        }
    }

    @Test("FromGo: the address snippet")
    func addresses() throws {
        let (host, port) = try splitHostPort("[::1]:8080")   // "::1", "8080"
        let ip = parseIP(host)                                 // ::1, and ip?.isLoopback == true
        let addrPort = try parseAddrPort("192.0.2.1:53")      // 192.0.2.1, port 53
        let (_, network) = try parseCIDR("192.0.2.0/24")       // network.contains(IP(192, 0, 2, 7)) == true
        #expect(host == "::1" && port == "8080")
        #expect(ip?.isLoopback == true)
        #expect(addrPort.addr == IP(192, 0, 2, 1) && addrPort.port == 53)
        #expect(network.contains(IP(192, 0, 2, 7)))
    }

    @Test("Architecture: receiveBufferSize reads SO_RCVBUF through syscallConn()")
    func rawConnControl() async throws {
        let listener = try listenTCP("tcp", laddr: TCPAddr(ip: IP(127, 0, 0, 1)))
        defer { try? listener.close() }
        let conn = try await dialTCP("tcp", raddr: listener.tcpAddr)
        defer { try? conn.close() }
        try conn.setReadBuffer(64 * 1024)
        #expect(try receiveBufferSize(conn) == 128 * 1024, "Linux doubles the SO_RCVBUF it is given")
    }
}
