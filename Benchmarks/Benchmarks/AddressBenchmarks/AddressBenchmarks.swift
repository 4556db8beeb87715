// The address layer: IP parsing and formatting next to glibc's inet_pton/inet_ntop, and host:port splitting.
//
// Each measured iteration runs the operation 1000 times (`scalingFactor: .kilo`), so the tables show the
// cost of one call. The C baselines work on stack buffers; the "→ String" rows add the `String` a Swift
// caller needs, which is what `IP.description` returns.
import Benchmark
import Glibc
import NetKit

let ipv4Text = "192.168.100.200"
let ipv6Text = "2001:db8:85a3::8a2e:370:7334"
/// A link-local address with an interface zone (`%eth0`): netip keeps the zone as text.
let zonedText = "fe80::1ff:fe23:4567:890a%eth0"

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .mallocCountTotal, .throughput],
        warmupIterations: 3,
        scalingFactor: .kilo,
        maxDuration: .seconds(1),
        maxIterations: 10_000
    )

    // MARK: Parse

    Benchmark("IP parse IPv4: IP(_:)") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(IP(ipv4Text)) }
    }
    Benchmark("IP parse IPv4: inet_pton (C)") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(cParse(ipv4Text, family: AF_INET)) }
    }
    Benchmark("IP parse IPv6: IP(_:)") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(IP(ipv6Text)) }
    }
    Benchmark("IP parse IPv6: inet_pton (C)") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(cParse(ipv6Text, family: AF_INET6)) }
    }
    Benchmark("IP parse IPv6 zoned: IP(_:)") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(IP(zonedText)) }
    }
    Benchmark("IP parse IPv6 zoned: inet_pton + zone split (C)") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(cParseZoned(zonedText)) }
    }

    // MARK: Format

    let ipv4 = IP(ipv4Text)!
    let ipv6 = IP(ipv6Text)!
    let zoned = IP(zonedText)!
    precondition(ipv4.description == ipv4Text && ipv6.description == ipv6Text && zoned.description == zonedText)
    precondition(cFormat(ipv4, makeString: true) == ipv4Text && cFormat(ipv6, makeString: true) == ipv6Text)
    precondition(cFormat(zoned, makeString: true) == zonedText && cParseZoned(zonedText)?.zoneOffset == 25)
    precondition(cParse(ipv4Text, family: AF_INET) != nil && cParse(ipv6Text, family: AF_INET6) != nil)

    Benchmark("IP format IPv4: description") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(ipv4.description) }
    }
    Benchmark("IP format IPv4: inet_ntop (C)") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(cFormat(ipv4, makeString: false)) }
    }
    Benchmark("IP format IPv4: inet_ntop → String (C)") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(cFormat(ipv4, makeString: true)) }
    }
    Benchmark("IP format IPv6: description") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(ipv6.description) }
    }
    Benchmark("IP format IPv6: inet_ntop (C)") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(cFormat(ipv6, makeString: false)) }
    }
    Benchmark("IP format IPv6: inet_ntop → String (C)") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(cFormat(ipv6, makeString: true)) }
    }
    Benchmark("IP format IPv6 zoned: description") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(zoned.description) }
    }
    Benchmark("IP format IPv6 zoned: inet_ntop + zone → String (C)") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(cFormat(zoned, makeString: true)) }
    }

    // MARK: host:port

    Benchmark("splitHostPort \"[2001:db8::1]:8080\"") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try splitHostPort("[2001:db8::1]:8080")) }
    }
    Benchmark("splitHostPort \"example.com:443\"") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try splitHostPort("example.com:443")) }
    }
    Benchmark("joinHostPort \"2001:db8::1\" \"8080\"") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(joinHostPort("2001:db8::1", "8080")) }
    }
    Benchmark("joinHostPort \"example.com\" \"443\"") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(joinHostPort("example.com", "443")) }
    }
}

// MARK: - C baselines

/// 16 address bytes: enough for `in_addr` and `in6_addr`.
typealias AddressBytes = (UInt64, UInt64)

/// `inet_pton(3)` straight from the string's UTF-8 (a native Swift string is already NUL-terminated).
@inline(__always)
func cParse(_ text: String, family: Int32) -> AddressBytes? {
    var bytes: AddressBytes = (0, 0)
    let ok = text.withCString { inet_pton(family, $0, &bytes) }
    return ok == 1 ? bytes : nil
}

/// What C code does for a netip-style zoned address: find '%', `inet_pton` the part before it (copied to a
/// stack buffer to terminate it), and keep the zone as a pointer and length.
@inline(__always)
func cParseZoned(_ text: String) -> (AddressBytes, zoneOffset: Int)? {
    text.utf8.withContiguousStorageIfAvailable { utf8 -> (AddressBytes, zoneOffset: Int)? in
        guard let percent = utf8.firstIndex(of: UInt8(ascii: "%")), percent < 46 else { return nil }
        return withUnsafeTemporaryAllocation(of: CChar.self, capacity: 48) { buffer in
            let base = buffer.baseAddress!
            UnsafeMutableRawPointer(base).copyMemory(from: utf8.baseAddress!, byteCount: percent)
            base[percent] = 0
            var bytes: AddressBytes = (0, 0)
            guard inet_pton(AF_INET6, base, &bytes) == 1 else { return nil }
            return (bytes, percent + 1)
        }
    } ?? nil
}

/// `inet_ntop(3)` into a stack buffer; with `makeString`, also the `String` (plus "%zone") a Swift caller wants.
@inline(__always)
func cFormat(_ ip: IP, makeString: Bool) -> String? {
    withUnsafeTemporaryAllocation(of: CChar.self, capacity: 64) { buffer -> String? in
        let out = buffer.baseAddress!
        var ok: UnsafePointer<CChar>?
        if ip.is4 {
            var address = in_addr(s_addr: UInt32(truncatingIfNeeded: ip.low).bigEndian)
            ok = inet_ntop(AF_INET, &address, out, 64)
        } else {
            var bytes: AddressBytes = (ip.high.bigEndian, ip.low.bigEndian)
            ok = inet_ntop(AF_INET6, &bytes, out, 64)
        }
        guard ok != nil else { return nil }
        if !makeString { return out[0] == 0 ? nil : "" }
        var zone = ip.zone
        if !zone.isEmpty {
            // Append "%zone" in the same buffer, so that one String is made, as for the other rows.
            var end = strlen(out)
            out[end] = CChar(UInt8(ascii: "%"))
            end += 1
            zone.withUTF8 { utf8 in
                let count = min(utf8.count, 63 - end)
                UnsafeMutableRawPointer(out + end).copyMemory(from: utf8.baseAddress!, byteCount: count)
                end += count
            }
            out[end] = 0
        }
        return String(cString: out)
    }
}
