import Glibc
import NetKit

/// Seconds from 1900-01-01 00:00 UTC (RFC 868's epoch) to 1970-01-01 00:00 UTC (the Unix epoch): 70 years,
/// 17 of them leap years.
let secondsFrom1900To1970: Int64 = (70 * 365 + 17) * 86_400

/// Decodes RFC 868's 4 bytes (seconds since 1900, 32 bits, big-endian) into seconds since 1970.
///
/// The 32-bit count wraps on 2036-02-07; a value below 2^31 (a date before 1968) is taken to be after the wrap.
func unixTime(fromRFC868 bytes: [UInt8]) -> Int64? {
    guard bytes.count == 4 else { return nil }
    let value = bytes.withUnsafeBytes { BigEndian.uint32($0) }  // Go: binary.BigEndian.Uint32(b)
    var seconds = Int64(value) - secondsFrom1900To1970
    if value < 0x8000_0000 { seconds += 1 << 32 }
    return seconds
}

/// Seconds since 1970 as an ISO 8601 UTC time: "2026-11-25T18:27:23Z".
func iso8601(_ seconds: Int64) -> String {
    var t = time_t(seconds)
    var utc = tm()
    gmtime_r(&t, &utc)
    func pad(_ n: Int32, _ width: Int) -> String {
        let digits = String(n)
        return String(repeating: "0", count: max(0, width - digits.count)) + digits
    }
    return "\(pad(utc.tm_year + 1900, 4))-\(pad(utc.tm_mon + 1, 2))-\(pad(utc.tm_mday, 2))"
        + "T\(pad(utc.tm_hour, 2)):\(pad(utc.tm_min, 2)):\(pad(utc.tm_sec, 2))Z"
}
