import Glibc
import Testing
@testable import NetKit

// THE LECTURE TEST.
//
// The university lecture teaches the Berkeley sockets API with an RFC 867 daytime client and
// server in C (in the style of Stevens' UNIX Network Programming, daytimetcpcli.c and
// daytimetcpsrv.c). Below, each line of that C is translated line by line into layer 1's
// `Socket` API, with the C kept beside it. Lines marked "(test)" are not in the lecture: a
// port-0 bind instead of the privileged port 13, a way to tell the client that port, the
// watchdogs (SO_RCVTIMEO) that turn a hang into a failure, and leak bookkeeping.
//
// Blocking calls (accept, connect, recv) run on real pthreads, never on Swift's cooperative pool.

private let MAXLINE = 4096      // #define MAXLINE 4096
private let LISTENQ: Int32 = 1024  // #define LISTENQ 1024

/// What the server thread reports: the line it sent and the sockets it opened.
private struct ServerReport: Sendable {
    var sent: String
    var identities: [String]
}

/// What the client thread reports: the bytes it read, how many recv() calls returned data,
/// and the sockets it opened.
private struct ClientReport: Sendable {
    var received: [UInt8]
    var recvCalls: Int
    var identities: [String]
}

/// `ctime(3)` without its static buffer: "Thu Nov 25 18:27:23 2026\n".
private func ctimeText(_ ticks: time_t) -> String {
    var ticks = ticks
    var buffer = [CChar](repeating: 0, count: 64)
    _ = buffer.withUnsafeMutableBufferPointer { ctime_r(&ticks, $0.baseAddress!) }
    return String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
}

/// daytimetcpsrv.c, serving one connection. `chunkSize` 0 sends the line in one `send()`
/// as the lecture does; otherwise the line goes out in pieces, so the client's `recv()` loop
/// must put it back together (test variation).
private func daytimeServer(chunkSize: Int, portReady: AsyncStream<UInt16>.Continuation) -> Result<ServerReport, Errno> {
    defer { portReady.finish() }                                          // (test) never leave the client waiting
    var identities: [String] = []                                         // (test)
    do throws(Errno) {
        // int main(int argc, char **argv) {
        //     int listenfd, connfd;
        //     struct sockaddr_in servaddr;
        //     char buff[MAXLINE];
        //     time_t ticks;
        let listenfd = try Socket(.inet, .stream)                         //     listenfd = socket(AF_INET, SOCK_STREAM, 0);
        defer { try? listenfd.close() }                                   //     (the lecture's server never stops; we do)
        identities.append(descriptorIdentity(listenfd.rawValue) ?? "")   // (test)
        var servaddr = sockaddr_in()                                      //     bzero(&servaddr, sizeof(servaddr));
        servaddr.sin_family = sa_family_t(AF_INET)                        //     servaddr.sin_family = AF_INET;
        servaddr.sin_addr.s_addr = UInt32(0x7f00_0001).bigEndian         //     servaddr.sin_addr.s_addr = htonl(INADDR_ANY);   (test: INADDR_LOOPBACK)
        servaddr.sin_port = UInt16(0).bigEndian                           //     servaddr.sin_port = htons(13);                  (test: htons(0), any free port)
        try listenfd.bind(SocketAddress(servaddr))                        //     bind(listenfd, (SA *) &servaddr, sizeof(servaddr));
        try listenfd.listen(backlog: LISTENQ)                             //     listen(listenfd, LISTENQ);
        try listenfd.setReceiveTimeout(.seconds(10))                      // (test) watchdog: accept() gives up after 10 s
        let port = UInt16(bigEndian: try listenfd.localAddress.ipv4?.sin_port ?? 0) // (test) getsockname(): which port?
        portReady.yield(port)                                             // (test) tell the client
        //     for ( ; ; ) {                                              //     (one connection here)
        let (connfd, _) = try listenfd.accept()                           //         connfd = accept(listenfd, (SA *) NULL, NULL);
        defer { try? connfd.close() }                                     //         (closed below; this covers the error paths)
        identities.append(descriptorIdentity(connfd.rawValue) ?? "")     // (test)
        let ticks = time(nil)                                             //         ticks = time(NULL);
        let buff = String(ctimeText(ticks).prefix(24)) + "\r\n"           //         snprintf(buff, sizeof(buff), "%.24s\r\n", ctime(&ticks));
        if chunkSize == 0 {
            _ = try connfd.send(buff)                                     //         send(connfd, buff, strlen(buff), 0);
        } else {
            let bytes = Array(buff.utf8)                                  // (test) the same bytes, a few at a time
            for start in stride(from: 0, to: bytes.count, by: chunkSize) {
                let piece = Array(bytes[start..<min(start + chunkSize, bytes.count)])
                _ = try connfd.send(piece)                                // (a short send would show in the client's text)
                usleep(1_000)                                             // (test) let each piece travel alone
            }
        }
        try connfd.close()                                                //         close(connfd);
        //     }
        // }
        return .success(ServerReport(sent: buff, identities: identities))
    } catch {
        return .failure(error)
    }
}

/// daytimetcpcli.c.
private func daytimeClient(port: UInt16) -> Result<ClientReport, Errno> {
    var identities: [String] = []                                         // (test)
    do throws(Errno) {
        // int main(int argc, char **argv) {
        //     int sockfd, n;
        //     char recvline[MAXLINE + 1];
        //     struct sockaddr_in servaddr;
        let sockfd = try Socket(.inet, .stream)                           //     if ((sockfd = socket(AF_INET, SOCK_STREAM, 0)) < 0) err_sys("socket error");
        defer { try? sockfd.close() }                                     //     (closed below; this covers the error paths)
        identities.append(descriptorIdentity(sockfd.rawValue) ?? "")     // (test)
        try sockfd.setReceiveTimeout(.seconds(5))                         // (test) watchdog: a silent server fails recv() with .wouldBlock
        var servaddr = sockaddr_in()                                      //     bzero(&servaddr, sizeof(servaddr));
        servaddr.sin_family = sa_family_t(AF_INET)                        //     servaddr.sin_family = AF_INET;
        servaddr.sin_port = port.bigEndian                                //     servaddr.sin_port = htons(13);
        guard inet_pton(AF_INET, "127.0.0.1", &servaddr.sin_addr) > 0 else { //     if (inet_pton(AF_INET, argv[1], &servaddr.sin_addr) <= 0)
            throw .invalidArgument                                        //         err_quit("inet_pton error for %s", argv[1]);
        }
        try sockfd.connect(to: SocketAddress(servaddr))                   //     if (connect(sockfd, (SA *) &servaddr, sizeof(servaddr)) < 0) err_sys("connect error");
        var recvline = [UInt8](repeating: 0, count: MAXLINE + 1)
        var stdout: [UInt8] = []                                          // (test) what fputs would print
        var recvCalls = 0                                                 // (test)
        var n = 0
        repeat {                                                          //     while ( (n = recv(sockfd, recvline, MAXLINE, 0)) > 0) {
            n = try recvline.withUnsafeMutableBytes { buffer in           //         (recv into the first MAXLINE bytes)
                Result { () throws(Errno) in try sockfd.receive(into: UnsafeMutableRawBufferPointer(rebasing: buffer[..<MAXLINE])) }
            }.get()
            guard n > 0 else { break }
            recvline[n] = 0                                               //         recvline[n] = 0;  /* null terminate */
            stdout += recvline[..<n]                                      //         if (fputs(recvline, stdout) == EOF) err_sys("fputs error");
            recvCalls += 1                                                // (test)
        } while recvCalls < 1_000                                         //     }  (test: bounded)
        //                                                                //     if (n < 0) err_sys("read error");  — a throw here
        try sockfd.close()                                                //     exit(0);  (which closes sockfd)
        return .success(ClientReport(received: stdout, recvCalls: recvCalls, identities: identities))
    } catch {
        return .failure(error)
    }
}

@Suite("Lecture")
struct LectureDaytimeTests {
    @Test("the C daytime client and server, line by line, over 127.0.0.1",
          arguments: [0, 1, 5])
    func daytime(chunkSize: Int) async throws {
        let before = time(nil)
        let (ports, portReady) = AsyncStream.makeStream(of: UInt16.self)
        let server = Task { await onPthread { daytimeServer(chunkSize: chunkSize, portReady: portReady) } }

        var iterator = ports.makeAsyncIterator()
        guard let port = await iterator.next() else {
            Issue.record("server failed before listening: \(await server.value)")
            return
        }
        let client = await onPthread { daytimeClient(port: port) }
        let serverReport = try await server.value.get()
        let clientReport = try client.get()
        let after = time(nil)

        let text = String(decoding: clientReport.received, as: UTF8.self)
        #expect(text == serverReport.sent, "the client prints exactly what the server sent")
        #expect(text.hasSuffix("\r\n") && clientReport.received.count == 26)
        #expect(try #/[A-Z][a-z]{2} [A-Z][a-z]{2} [ 0-9][0-9] [0-9]{2}:[0-9]{2}:[0-9]{2} [0-9]{4}\r\n/#.wholeMatch(in: text) != nil,
                "\(text.debugDescription) is not ctime's format")
        let plausible = (before...after).map { String(ctimeText($0).prefix(24)) + "\r\n" }
        #expect(plausible.contains(text), "\(text.debugDescription) is not the time of the test")
        #expect(clientReport.recvCalls >= 1)
        if chunkSize == 0 {
            #expect(clientReport.recvCalls <= 26)
        }

        let stillOpen = openDescriptorIdentities()
        let leaked = (serverReport.identities + clientReport.identities).filter(stillOpen.contains)
        #expect(serverReport.identities.count == 2 && clientReport.identities.count == 1)
        #expect(leaked.isEmpty, "descriptors left open: \(leaked)")
    }
}
