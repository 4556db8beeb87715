// Domain names on the wire (RFC 1035 §3.1, §4.1.4): labels, compression pointers and their checks.
// (Go: golang.org/x/net/dns/dnsmessage `Name`, `(*Name).pack`, `(*Name).unpack`, `skipName`.)

/// The most bytes a name takes in wire form, length bytes and the final zero included (RFC 1035 §2.3.4).
let dnsMaxNameLength = 255
/// The most bytes in one label.
let dnsMaxLabelLength = 63

/// Reading names out of a message.
///
/// A compression pointer must point strictly before every place the name has been read from so far, so each
/// hop moves backwards: a loop (a pointer to itself, two pointers to each other) or a forward reference is
/// rejected as `invalidPointer`, and a name can never be read for longer than the message is. An offset
/// outside the message is `invalidPointer` too, and a name longer than 255 bytes `nameTooLong`.
enum DNSName {
    /// The presentation form of the name at `offset` ("mail.example.com.", "." for the root) and the offset
    /// just after the name where it starts (after its first pointer, if any).
    ///
    /// Label bytes other than letters, digits, `-` and `_` and printable ASCII are escaped as `\DDD`, a dot or
    /// backslash inside a label as `\.` / `\\`, so a label can never pass for two and `isDomainName` rejects
    /// anything unusual. The corresponding Go method is `(*dnsmessage.Name).unpack` followed by `Name.String`.
    static func read(_ msg: [UInt8], at offset: Int) throws(DNSMessageError) -> (name: String, end: Int) {
        var text: [UInt8] = []
        let end = try walk(msg, at: offset) { start, count in
            for i in start..<(start + count) {
                appendEscaped(msg[i], to: &text)
            }
            text.append(UInt8(ascii: "."))
        }
        if text.isEmpty { return (".", end) }
        return (String(decoding: text, as: UTF8.self), end)
    }

    /// Whether the name at `offset` equals the wire-form name `wire` (uncompressed, as `encode` makes it),
    /// ignoring ASCII case.
    ///
    /// The corresponding Go function is the unexported `net.equalASCIIName`.
    static func equals(_ msg: [UInt8], at offset: Int, wire: [UInt8]) throws(DNSMessageError) -> Bool {
        var position = 0
        var equal = true
        _ = try walk(msg, at: offset) { start, count in
            guard equal, position + 1 + count < wire.count, Int(wire[position]) == count else {
                equal = false
                return
            }
            for i in 0..<count where lowerASCII(msg[start + i]) != lowerASCII(wire[position + 1 + i]) {
                equal = false
                return
            }
            position += 1 + count
        }
        return equal && position == wire.count - 1 && wire[position] == 0
    }

    /// The offset just after the name at `offset`, without following its pointer (a pointer ends a name).
    ///
    /// The corresponding Go function is the unexported `dnsmessage.skipName`.
    static func skip(_ msg: [UInt8], at offset: Int) throws(DNSMessageError) -> Int {
        var position = offset
        var length = 0
        while true {
            guard position < msg.count else { throw .short }
            let c = msg[position]
            switch c & 0xC0 {
            case 0x00:
                if c == 0 { return position + 1 }
                length += 1 + Int(c)
                guard length < dnsMaxNameLength else { throw .nameTooLong }
                position += 1 + Int(c)
            case 0xC0:
                guard position + 1 < msg.count else { throw .short }
                return position + 2
            default:
                throw .reservedLabel
            }
        }
    }

    /// Calls `label(start, count)` for each label of the name at `offset`, in order, following compression
    /// pointers, and returns the offset just after the name where it starts.
    static func walk(
        _ msg: [UInt8], at offset: Int, _ label: (_ start: Int, _ count: Int) -> Void
    ) throws(DNSMessageError) -> Int {
        var position = offset
        var end = -1
        var lowest = offset  // every pointer must point below this
        var length = 0
        var hops = 0
        while true {
            guard position < msg.count else { throw .short }
            let c = msg[position]
            switch c & 0xC0 {
            case 0x00:
                if c == 0 {
                    return end < 0 ? position + 1 : end
                }
                let count = Int(c)
                length += 1 + count
                guard length < dnsMaxNameLength else { throw .nameTooLong }
                guard position + 1 + count <= msg.count else { throw .short }
                label(position + 1, count)
                position += 1 + count
            case 0xC0:
                guard position + 1 < msg.count else { throw .short }
                let target = Int(c & 0x3F) << 8 | Int(msg[position + 1])
                if end < 0 { end = position + 2 }
                hops += 1
                // Each hop goes strictly backwards, so this bound is never the one that stops a valid name.
                guard hops <= dnsMaxNameLength / 2 else { throw .tooManyPointers }
                guard target < lowest else { throw .invalidPointer }
                lowest = target
                position = target
            default:
                throw .reservedLabel
            }
        }
    }

    /// The wire form of the presentation-format name `name` ("example.com" or "example.com."; "." or "" is
    /// the root), uncompressed. `\.`, `\\` and `\DDD` escapes are understood.
    ///
    /// The corresponding Go functions are `dnsmessage.NewName` and `(*dnsmessage.Name).pack`.
    static func encode(_ name: String) throws(DNSMessageError) -> [UInt8] {
        var wire: [UInt8] = []
        wire.reserveCapacity(name.utf8.count + 2)
        try forEachLabel(of: name) { label throws(DNSMessageError) in
            wire.append(UInt8(label.count))
            wire.append(contentsOf: label)
        }
        wire.append(0)
        return wire
    }

    /// Calls `body` with the unescaped bytes of each label of the presentation-format `name`, checking
    /// label and name lengths.
    static func forEachLabel(
        of name: String, _ body: ([UInt8]) throws(DNSMessageError) -> Void
    ) throws(DNSMessageError) {
        let bytes = Array(name.utf8)
        if bytes.isEmpty || bytes == [UInt8(ascii: ".")] { return }
        var label: [UInt8] = []
        var total = 1  // the root's zero byte
        var i = 0
        func finishLabel() throws(DNSMessageError) {
            guard !label.isEmpty, label.count <= dnsMaxLabelLength else { throw .invalidLabel }
            total += 1 + label.count
            guard total <= dnsMaxNameLength else { throw .nameTooLong }
            try body(label)
            label.removeAll(keepingCapacity: true)
        }
        while i < bytes.count {
            let c = bytes[i]
            if c == UInt8(ascii: ".") {
                try finishLabel()
                i += 1
                continue
            }
            if c == UInt8(ascii: "\\") {
                guard i + 1 < bytes.count else { throw .invalidLabel }
                let next = bytes[i + 1]
                if isDigit(next) {
                    guard i + 3 < bytes.count, isDigit(bytes[i + 2]), isDigit(bytes[i + 3]) else { throw .invalidLabel }
                    let value = Int(next - 48) * 100 + Int(bytes[i + 2] - 48) * 10 + Int(bytes[i + 3] - 48)
                    guard value <= 255 else { throw .invalidLabel }
                    label.append(UInt8(value))
                    i += 4
                } else {
                    label.append(next)
                    i += 2
                }
                continue
            }
            label.append(c)
            i += 1
        }
        if !label.isEmpty {
            try finishLabel()
        }
    }

    /// Appends `byte` of a label in presentation form.
    static func appendEscaped(_ byte: UInt8, to text: inout [UInt8]) {
        switch byte {
        case UInt8(ascii: "."), UInt8(ascii: "\\"):
            text.append(UInt8(ascii: "\\"))
            text.append(byte)
        case 0x21...0x7E:
            text.append(byte)
        default:
            text.append(UInt8(ascii: "\\"))
            text.append(48 + byte / 100)
            text.append(48 + byte / 10 % 10)
            text.append(48 + byte % 10)
        }
    }

    static func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }

    static func lowerASCII(_ c: UInt8) -> UInt8 {
        c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z") ? c | 0x20 : c
    }
}
