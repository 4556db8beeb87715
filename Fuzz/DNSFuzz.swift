// libFuzzer target for NetKit's DNS message parser (built by Fuzz/run-dns.sh, not by `swift build`).
//
// Compiled together with the DNS message sources (Sources/NetKit/Net/DNS/DNS{Header,Name,Parser,Builder,
// EDNS0,Records}.swift) and the IP value type into one module. For every input it checks:
//   1. reading the whole message as the resolver would (header, questions, every record of every section,
//      every name, every record's data, the extended RCODE) never traps, whatever the bytes;
//   2. a message that reads completely round-trips: rebuilt from what was read (with and without name
//      compression) it reads back the same (names compared without regard to ASCII case when compressed,
//      since compression keeps the first spelling of a suffix);
//   3. the question's name equals (DNSName.equals) the wire form of its own presentation form.

#if canImport(Glibc)
import Glibc
#endif

/// The address layer's `Addr` (Address/Addr.swift drags in the socket types); `IPNet` conforms to it.
public protocol Addr: Sendable, CustomStringConvertible {
    var network: String { get }
}

@inline(never)
func fuzzCheck(_ condition: Bool, _ message: @autoclosure () -> String) {
    if !condition {
        fputs("FUZZ CHECK FAILED: \(message())\n", stderr)
        abort()
    }
}

/// What a record read as.
enum FuzzData: Equatable {
    case a(IP), aaaa(IP), name(String), mx(MX), srv(SRV), txt([String]), soa(DNSSOA), raw([UInt8])
}

struct FuzzRecord: Equatable {
    var section: DNSSection
    var name: String
    var type: DNSType
    var classValue: UInt16
    var ttl: UInt32
    var data: FuzzData
}

struct FuzzMessage: Equatable {
    var header: DNSHeader
    var questions: [(name: String, type: DNSType, classValue: UInt16)]
    var records: [FuzzRecord]

    static func == (a: FuzzMessage, b: FuzzMessage) -> Bool {
        a.header == b.header && a.records == b.records && a.questions.count == b.questions.count
            && zip(a.questions, b.questions).allSatisfy { $0.name == $1.name && $0.type == $1.type && $0.classValue == $1.classValue }
    }

    /// With every name lower-cased (for comparing a compressed rebuild).
    var caseFolded: FuzzMessage {
        func fold(_ s: String) -> String { String(decoding: s.utf8.map(DNSName.lowerASCII), as: UTF8.self) }
        var copy = self
        copy.questions = questions.map { (fold($0.name), $0.type, $0.classValue) }
        copy.records = records.map { r in
            var r = r
            r.name = fold(r.name)
            switch r.data {
            case .name(let n): r.data = .name(fold(n))
            case .mx(let mx): r.data = .mx(MX(host: fold(mx.host), pref: mx.pref))
            case .srv(let s): r.data = .srv(SRV(target: fold(s.target), port: s.port, priority: s.priority, weight: s.weight))
            case .soa(var s):
                s.ns = fold(s.ns)
                s.mbox = fold(s.mbox)
                r.data = .soa(s)
            default: break
            }
            return r
        }
        return copy
    }
}

/// Reads everything; nil if the message is not well formed.
func readMessage(_ bytes: [UInt8]) -> FuzzMessage? {
    guard var p = try? DNSParser(bytes) else { return nil }
    _ = p.extendedRCode()
    var message = FuzzMessage(header: p.header, questions: [], records: [])
    do {
        while let q = try p.question() {
            let name = try p.name(at: q.nameOffset)
            let wire = try DNSName.encode(name)
            fuzzCheck(try DNSName.equals(bytes, at: q.nameOffset, wire: wire), "equals(read) failed for \(name)")
            message.questions.append((name, q.type, q.class.rawValue))
        }
        for section in [DNSSection.answers, .authorities, .additionals] {
            while let r = try p.resource(in: section) {
                let name = try p.name(at: r.nameOffset)
                let data: FuzzData
                switch r.type {
                case .a: data = .a(try p.a(r))
                case .aaaa: data = .aaaa(try p.aaaa(r))
                case .cname, .ns, .ptr: data = .name(try p.singleName(r))
                case .mx: data = .mx(try p.mx(r))
                case .srv: data = .srv(try p.srv(r))
                case .soa: data = .soa(try p.soa(r))
                case .txt:
                    // Read both ways; keep the strings only if each is valid UTF-8 (else compare raw bytes: a
                    // sequence split across two strings decodes differently joined and apart).
                    let joined = try p.txt(r)
                    let strings = try p.txtStrings(r)
                    let raw = Array(bytes[r.dataOffset..<(r.dataOffset + r.dataLength)])
                    var valid = true
                    var position = 0
                    while position < raw.count {
                        let count = Int(raw[position])
                        if String(validating: raw[(position + 1)..<(position + 1 + count)], as: UTF8.self) == nil { valid = false }
                        position += 1 + count
                    }
                    if valid {
                        fuzzCheck(strings.joined() == joined, "TXT join differs")
                    }
                    data = valid ? .txt(strings) : .raw(raw)
                default: data = .raw(Array(bytes[r.dataOffset..<(r.dataOffset + r.dataLength)]))
                }
                message.records.append(FuzzRecord(section: section, name: name, type: r.type, classValue: r.class.rawValue, ttl: r.ttl, data: data))
            }
        }
    } catch {
        return nil
    }
    return message
}

/// Builds `message` again.
func rebuild(_ message: FuzzMessage, compress: Bool) throws(DNSMessageError) -> [UInt8] {
    var b = DNSBuilder(header: message.header, compress: compress)
    for q in message.questions {
        try b.question(q.name, q.type, DNSClass(rawValue: q.classValue))
    }
    for r in message.records {
        try b.record(r.section, name: r.name, type: r.type, class: DNSClass(rawValue: r.classValue), ttl: r.ttl) { b throws(DNSMessageError) in
            switch r.data {
            case .a(let ip), .aaaa(let ip): b.appendData(r.type == .a ? ip.unmap().bytes : ip.bytes)
            case .name(let n): try b.appendName(n)
            case .mx(let mx):
                b.appendData([UInt8(mx.pref >> 8), UInt8(mx.pref & 0xFF)])
                try b.appendName(mx.host)
            case .srv(let s):
                for v in [s.priority, s.weight, s.port] { b.appendData([UInt8(v >> 8), UInt8(v & 0xFF)]) }
                try b.appendName(s.target)
            case .soa(let s):
                try b.appendName(s.ns)
                try b.appendName(s.mbox)
                for v in [s.serial, s.refresh, s.retry, s.expire, s.minTTL] {
                    b.appendData([UInt8(v >> 24), UInt8(v >> 16 & 0xFF), UInt8(v >> 8 & 0xFF), UInt8(v & 0xFF)])
                }
            case .txt(let strings):
                for s in strings {
                    b.appendData([UInt8(s.utf8.count)])
                    b.appendData(s.utf8)
                }
            case .raw(let raw): b.appendData(raw)
            }
        }
    }
    return try b.finish()
}

@_cdecl("LLVMFuzzerTestOneInput")
public func dnsFuzzOneInput(_ data: UnsafePointer<UInt8>, _ size: Int) -> CInt {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    guard let message = readMessage(bytes) else { return 0 }
    for compress in [false, true] {
        // A message read from 64 KiB of input always fits 64 KiB again uncompressed? Not necessarily (a
        // compressed input expands); a rebuild may fail only with messageTooLong.
        let rebuilt: [UInt8]
        do {
            rebuilt = try rebuild(message, compress: compress)
        } catch {
            fuzzCheck(error == .messageTooLong, "rebuild failed: \(error)")
            continue
        }
        guard let again = readMessage(rebuilt) else {
            fuzzCheck(false, "a rebuilt message does not read back (compress: \(compress))")
            return 0
        }
        if compress {
            fuzzCheck(again.caseFolded == message.caseFolded, "compressed round trip differs")
        } else {
            fuzzCheck(again == message, "round trip differs")
        }
    }
    return 0
}
