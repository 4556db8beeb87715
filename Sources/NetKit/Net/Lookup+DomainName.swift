// Domain name checks for resolver answers (Go: net/dnsclient.go `isDomainName`, `absDomainName`).

/// Whether `s` is a valid presentation-format domain name (RFC 1035, RFC 3696): labels of letters, digits,
/// `_` and inner `-`, at most 63 bytes each, at most 253 bytes in all (254 with a final dot), not all numeric.
/// "." (the root) is valid.
///
/// The corresponding Go function is the unexported `net.isDomainName`.
func isDomainName(_ s: String) -> Bool {
    // The root domain name is valid. See golang.org/issue/45715.
    if s == "." {
        return true
    }
    let bytes = s.utf8
    let length = bytes.count
    // 253 bytes of presentation format fill the 255 of wire format; 254 only with a final dot.
    if length == 0 || length > 254 || (length == 254 && bytes.last != UInt8(ascii: ".")) {
        return false
    }
    var last = UInt8(ascii: ".")
    var nonNumeric = false  // true once we've seen a letter or hyphen
    var labelLength = 0
    for c in bytes {
        switch c {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "_"):
            nonNumeric = true
            labelLength += 1
        case UInt8(ascii: "0")...UInt8(ascii: "9"):
            labelLength += 1
        case UInt8(ascii: "-"):
            // Byte before dash cannot be dot.
            if last == UInt8(ascii: ".") {
                return false
            }
            labelLength += 1
            nonNumeric = true
        case UInt8(ascii: "."):
            // Byte before dot cannot be dot, dash.
            if last == UInt8(ascii: ".") || last == UInt8(ascii: "-") {
                return false
            }
            if labelLength > 63 || labelLength == 0 {
                return false
            }
            labelLength = 0
        default:
            return false
        }
        last = c
    }
    if last == UInt8(ascii: "-") || labelLength > 63 {
        return false
    }
    return nonNumeric
}

/// `s` with a trailing dot if it contains a dot and does not end with one: "example.com" becomes
/// "example.com.", while a single-label name from `/etc/hosts` ("localhost", "myhost") stays as it is.
///
/// The corresponding Go function is the unexported `net.absDomainName` (golang.org/issue/12189).
func absoluteDomainName(_ s: String) -> String {
    if s.utf8.contains(UInt8(ascii: ".")) && s.utf8.last != UInt8(ascii: ".") {
        return s + "."
    }
    return s
}
