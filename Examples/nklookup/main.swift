// nklookup — a small `host`, built on NetKit's resolver.
//
//   nklookup [--type A|AAAA|MX|SRV|TXT|NS|CNAME|PTR] [--server HOST:PORT] [--timeout DURATION] NAME
//
// One answer per line, "TYPE data" in zone-file order ("MX 10 mail.example.com."); errors are one line in Go's
// words on standard error, with an exit code that tells not found, timeout and bad input apart.
import ExampleSupport
import Glibc
import NetKit

let usage = """
    usage: nklookup [--type TYPE] [--server HOST:PORT] [--timeout DURATION] NAME

    Looks up NAME with NetKit's DNS resolver and prints one answer per line:

      A 192.0.2.1                 AAAA 2001:db8::1
      MX 10 mail.example.com.     SRV 10 60 5060 sip.example.com.
      TXT "v=spf1 -all"           NS ns1.example.com.
      CNAME www.example.com.      PTR host.example.com.

    Without --type, NAME's addresses (A and AAAA; /etc/hosts first). For PTR, NAME is an IP
    address; for SRV, the full name (_sip._udp.example.com).

    options:
      --type TYPE          A, AAAA, MX, SRV, TXT, NS, CNAME or PTR (case-insensitive)
      --server HOST:PORT   ask this name server (port 53 if left out) instead of those in
                           /etc/resolv.conf; /etc/hosts is then not consulted
      --timeout DURATION   give up after DURATION (default 10s), e.g. 500ms, 3s
      -h, --help           show this help

    exit status: 0 answered, 1 no such name (or no record of that type), 2 timed out,
                 3 other lookup failure (server failure, refused, unreachable),
                 64 bad arguments, 65 bad name or address
    """

enum Exit: Int32 {
    case ok = 0, notFound = 1, timeout = 2, failure = 3, usage = 64, badName = 65
}

/// Writes `text` to standard error.
func printError(_ text: String) {
    let bytes = Array(text.utf8)
    var written = 0
    while written < bytes.count {
        let n = bytes[written...].withUnsafeBytes { write(2, $0.baseAddress, $0.count) }
        if n <= 0 { return }
        written += n
    }
}

func fail(_ message: String, _ code: Exit) -> Never {
    printError("nklookup: \(message)\n")
    exit(code.rawValue)
}

func usageError(_ message: String) -> Never {
    printError("nklookup: \(message)\n\(usage)\n")
    exit(Exit.usage.rawValue)
}

struct Options {
    var type: String?
    var server: String?
    var timeout: Duration = .seconds(10)
    var name = ""
}

func parseArguments(_ arguments: [String]) -> Options {
    var options = Options()
    var operands: [String] = []
    var rest = arguments.dropFirst()
    while let arg = rest.popFirst() {
        switch arg {
        case "-h", "--help":
            print(usage)
            exit(Exit.ok.rawValue)
        case "--type", "-t":
            guard let value = rest.popFirst() else { usageError("\(arg) needs a TYPE") }
            let upper = value.uppercased()
            guard ["A", "AAAA", "MX", "SRV", "TXT", "NS", "CNAME", "PTR"].contains(upper) else {
                usageError("unknown type \(value)")
            }
            options.type = upper
        case "--server", "-s":
            guard let value = rest.popFirst() else { usageError("\(arg) needs HOST:PORT") }
            options.server = value
        case "--timeout":
            guard let value = rest.popFirst(), let duration = parseDuration(value), duration > .zero else {
                usageError("--timeout needs a duration such as 500ms or 3s")
            }
            options.timeout = duration
        default:
            if arg.hasPrefix("-") && arg.count > 1 { usageError("unknown option \(arg)") }
            operands.append(arg)
        }
    }
    guard operands.count == 1 else { usageError("expected one NAME") }
    options.name = operands[0]
    return options
}

/// Whether `name` looks like a host name a resolver can be asked about: labels of letters, digits, '-' and
/// '_', 1...63 bytes each, at most 253 bytes (a final dot allowed).
func isPlausibleName(_ name: String) -> Bool {
    var labels = name.split(separator: ".", omittingEmptySubsequences: false)
    if labels.count > 1 && labels.last == "" { labels.removeLast() }
    guard !labels.isEmpty, name.utf8.count <= 254 else { return false }
    return labels.allSatisfy { label in
        (1...63).contains(label.utf8.count)
            && label.utf8.allSatisfy { c in
                (c >= 0x30 && c <= 0x39) || (c | 0x20 >= 0x61 && c | 0x20 <= 0x7A) || c == 0x2D || c == 0x5F
            }
    }
}

/// The resolver to use: the system's, or one asking `server` only.
func makeResolver(_ options: Options, deadline: ContinuousClock.Instant) async -> Resolver {
    guard let server = options.server else { return Resolver.default }
    var host = server
    var port = "53"
    if let split = try? splitHostPort(server) {
        (host, port) = split
    } else if server.contains(":") && IP(server) == nil {
        usageError("bad --server \(server): expected HOST:PORT")
    }
    guard let portNumber = Int(port), (1...65535).contains(portNumber) else {
        usageError("bad --server port \(port)")
    }
    if IP(host) == nil {
        // A server given by name: find its address first.
        do {
            guard let ip = try await lookupIP(host, deadline: deadline).first else {
                fail("no address for server \(host)", .failure)
            }
            host = ip.description
        } catch {
            report(error)
        }
    }
    let timeout = min(options.timeout, .seconds(5))
    return Resolver(config: DNSConfig(servers: [joinHostPort(host, String(portNumber))], timeout: timeout), hostsPath: "")
}

/// Prints `error` and exits with its code.
func report(_ error: any Error) -> Never {
    let dns = (error as? DNSError) ?? (error as? OpError).flatMap { $0.err as? DNSError }
    guard let dns else {
        if error is AddrError { fail("\(error)", .notFound) }
        fail("\(error)", .failure)
    }
    if dns.isNotFound { fail(dns.description, .notFound) }
    if dns.isTimeout { fail(dns.description, .timeout) }
    if dns.err == "unrecognized address" { fail(dns.description, .badName) }
    fail(dns.description, .failure)
}

/// A TXT string as a quoted zone-file string.
func quoted(_ text: String) -> String {
    var out = "\""
    for scalar in text.unicodeScalars {
        switch scalar {
        case "\"": out += "\\\""
        case "\\": out += "\\\\"
        case _ where scalar.value < 0x20 || scalar.value == 0x7F:
            let value = Int(scalar.value)
            out += "\\" + String(value / 100) + String(value / 10 % 10) + String(value % 10)
        default: out.unicodeScalars.append(scalar)
        }
    }
    return out + "\""
}

func run() async -> Never {
    let options = parseArguments(CommandLine.arguments)
    let deadline = ContinuousClock.now + options.timeout
    if options.type == "PTR" {
        guard IP(options.name) != nil else { fail("\(options.name) is not an IP address", .badName) }
    } else if IP(options.name) == nil && !isPlausibleName(options.name) {
        fail("invalid name \"\(options.name)\"", .badName)
    }
    let resolver = await makeResolver(options, deadline: deadline)
    let name = options.name
    var lines: [String] = []
    do {
        switch options.type {
        case nil:
            for ip in try await resolver.lookupIP(network: "ip", host: name, deadline: deadline) {
                lines.append((ip.unmap().is4 ? "A " : "AAAA ") + ip.description)
            }
        case "A":
            lines = try await resolver.lookupIP(network: "ip4", host: name, deadline: deadline).map { "A \($0.unmap())" }
        case "AAAA":
            lines = try await resolver.lookupIP(network: "ip6", host: name, deadline: deadline).map { "AAAA \($0)" }
        case "MX":
            lines = try await resolver.lookupMX(name, deadline: deadline).map { "MX \($0.pref) \($0.host)" }
        case "SRV":
            let (_, records) = try await resolver.lookupSRV(service: "", proto: "", name: name, deadline: deadline)
            lines = records.map { "SRV \($0.priority) \($0.weight) \($0.port) \($0.target)" }
        case "TXT":
            lines = try await resolver.lookupTXT(name, deadline: deadline).map { "TXT " + quoted($0) }
        case "NS":
            lines = try await resolver.lookupNS(name, deadline: deadline).map { "NS \($0.host)" }
        case "CNAME":
            lines = ["CNAME " + (try await resolver.lookupCNAME(name, deadline: deadline))]
        case "PTR":
            lines = try await resolver.lookupAddr(name, deadline: deadline).map { "PTR \($0)" }
        default:
            usageError("unknown type")
        }
    } catch {
        report(error)
    }
    for line in lines {
        print(line)
    }
    exit(Exit.ok.rawValue)
}

await run()
