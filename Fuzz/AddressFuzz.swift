// libFuzzer target for NetKit's address parsers (built by Fuzz/run.sh, not by `swift build`).
//
// Compiled together with the Address sources into one module, so it calls the parsers directly.
// For every input it checks:
//   1. no trap in IP.parse / IP(_:) / parseIP / parsePrefix / parseCIDR / parseAddrPort (and
//      splitHostPort / joinHostPort when Fuzz/run.sh finds them; see the TODO hook below);
//   2. round trips: parse(description) == value for every accepted input (IP: description,
//      stringExpanded, netDescription; Prefix; AddrPort; CIDR networks print the same after
//      reparsing);
//   3. agreement with glibc's inet_pton where both define the same language:
//        - AF_INET  vs IP.parse giving IPv4: dotted quads, 4 fields 0-255, no leading zeros;
//        - AF_INET6 vs IP.parse giving IPv6, for inputs without '%' (inet_pton has no zones).
//      Inputs with a NUL byte are not compared (a C string would end there). Known exception:
//      none in these languages; Go's other differences from inet_pton (zones, the 4-in-6 String
//      form) lie outside them.
//   4. the failable initializers agree with the throwing parsers.

#if canImport(Glibc)
import Glibc
#endif

@inline(never)
func fuzzCheck(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition {
        fputs("FUZZ CHECK FAILED: \(message())\n", stderr)
        abort()
    }
}

func checkIP(_ s: String) {
    let parsed = try? IP.parse(s)
    fuzzCheck(IP(s) == parsed, "IP(_:) disagrees with IP.parse for \(s.debugDescription)")
    if let ip = parsed {
        fuzzCheck((try? IP.parse(ip.description)) == ip, "round trip \(s.debugDescription) -> \(ip)")
        fuzzCheck((try? IP.parse(ip.stringExpanded)) == ip, "expanded round trip \(s.debugDescription)")
        fuzzCheck(ip.isValid, "parsed an invalid IP from \(s.debugDescription)")
        let net = parseIP(s)
        fuzzCheck((net != nil) == ip.zone.isEmpty, "parseIP acceptance differs for \(s.debugDescription)")
        if let net {
            fuzzCheck(net.equal(ip), "parseIP value differs for \(s.debugDescription)")
            fuzzCheck(parseIP(net.netDescription)?.equal(net) == true, "net round trip \(s.debugDescription)")
        }
    } else {
        fuzzCheck(parseIP(s) == nil, "parseIP accepts what ParseAddr rejects: \(s.debugDescription)")
        do {
            _ = try IP.parse(s)
        } catch {
            // Compare bytes: a combining mark after the quote would join it in one Character.
            fuzzCheck(error.description.utf8.starts(with: "ParseAddr(\"".utf8), "bad error text \(error)")
        }
    }

    // inet_pton agreement.
    let bytes = Array(s.utf8)
    guard !bytes.contains(0), !bytes.contains(UInt8(ascii: "%")) else { return }
    var a4 = in_addr()
    var a6 = in6_addr()
    let ok4 = inet_pton(AF_INET, s, &a4) == 1
    let ok6 = inet_pton(AF_INET6, s, &a6) == 1
    let ours4 = parsed?.is4 == true
    let ours6 = parsed?.is6 == true
    fuzzCheck(ok4 == ours4, "inet_pton(AF_INET) = \(ok4), IP.parse IPv4 = \(ours4) for \(s.debugDescription)")
    fuzzCheck(ok6 == ours6, "inet_pton(AF_INET6) = \(ok6), IP.parse IPv6 = \(ours6) for \(s.debugDescription)")
    if ok4, let ip = parsed {
        fuzzCheck(ip.v4Value == UInt32(bigEndian: a4.s_addr), "IPv4 value differs for \(s.debugDescription)")
    }
    if ok6, let ip = parsed {
        let theirs = withUnsafeBytes(of: a6) { Array($0) }
        fuzzCheck(ip.bytes == theirs, "IPv6 value differs for \(s.debugDescription)")
    }
}

func checkPrefix(_ s: String) {
    let parsed = try? parsePrefix(s)
    fuzzCheck(Prefix(s) == parsed, "Prefix(_:) disagrees with parsePrefix for \(s.debugDescription)")
    if let p = parsed {
        fuzzCheck(p.isValid, "parsed an invalid Prefix from \(s.debugDescription)")
        fuzzCheck((try? parsePrefix(p.description)) == p, "prefix round trip \(s.debugDescription) -> \(p)")
        fuzzCheck(p.contains(p.addr) && p.masked.contains(p.addr), "prefix does not contain its address \(p)")
    }
}

func checkCIDR(_ s: String) {
    guard let (ip, network) = try? parseCIDR(s) else {
        do {
            _ = try parseCIDR(s)
        } catch {
            fuzzCheck(error.description == "invalid CIDR address: " + s, "bad CIDR error text \(error)")
        }
        return
    }
    // As in Go, an IPv4-mapped address whose mask clears the ::ffff: prefix gives an IPv6 network
    // that does not contain the (IPv4) address: "::ffff:1.2.3.4/5" is 1.2.3.4 and ::/5.
    fuzzCheck(network.contains(ip) || (ip.is4 && network.ip.is6),
              "CIDR network \(network) does not contain \(ip) for \(s.debugDescription)")
    guard let (_, again) = try? parseCIDR(network.description) else {
        fuzzCheck(false, "CIDR network \(network) does not reparse (from \(s.debugDescription))")
        return
    }
    fuzzCheck(again.description == network.description, "CIDR round trip \(network) -> \(again)")
}

func checkAddrPort(_ s: String) {
    let parsed = try? parseAddrPort(s)
    fuzzCheck(AddrPort(s) == parsed, "AddrPort(_:) disagrees with parseAddrPort for \(s.debugDescription)")
    if let ap = parsed {
        fuzzCheck((try? parseAddrPort(ap.description)) == ap, "addrport round trip \(s.debugDescription) -> \(ap)")
    }
}

#if NETKIT_FUZZ_SPLITHOSTPORT
// splitHostPort/joinHostPort (helper "addr", Address/HostPort*.swift): compiled in by run.sh when
// those files exist. joinHostPort(splitHostPort(s)) splits back to the same host and port.
func checkHostPort(_ s: String) {
    guard let (host, port) = try? splitHostPort(s) else { return }
    let joined = joinHostPort(host, port)
    guard let (host2, port2) = try? splitHostPort(joined) else {
        fuzzCheck(false, "joinHostPort(\(host.debugDescription), \(port.debugDescription)) does not split")
        return
    }
    fuzzCheck(host2 == host && port2 == port, "host:port round trip \(s.debugDescription) -> \(joined)")
}
#else
// TODO: splitHostPort is not in this tree yet; run.sh defines NETKIT_FUZZ_SPLITHOSTPORT once
// Sources/NetKit/Address/HostPort*.swift exists.
func checkHostPort(_ s: String) {}
#endif

@_cdecl("LLVMFuzzerTestOneInput")
public func addressFuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let s = String(decoding: UnsafeBufferPointer(start: data, count: size), as: UTF8.self)
    checkIP(s)
    checkPrefix(s)
    checkCIDR(s)
    checkAddrPort(s)
    checkHostPort(s)
    return 0
}
