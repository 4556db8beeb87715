import Glibc
import NetKit

/// Seconds from 1900-01-01 00:00 UTC (RFC 868's epoch) to 1970-01-01 00:00 UTC (the Unix epoch): 70 years,
/// 17 of them leap years.
let secondsFrom1900To1970: Int64 = (70 * 365 + 17) * 86_400

/// The current time as RFC 868 sends it: the seconds since 1900-01-01 00:00 UTC as a 32-bit number in network
/// byte order (big-endian). The count wraps in 2036, and the protocol carries only the low 32 bits.
func rfc868Time() -> [UInt8] {
    var now = timespec()
    clock_gettime(CLOCK_REALTIME, &now)
    let seconds = UInt32(truncatingIfNeeded: Int64(now.tv_sec) + secondsFrom1900To1970)
    var answer: [UInt8] = []
    BigEndian.appendUint32(seconds, to: &answer)  // Go: binary.BigEndian.AppendUint32(nil, seconds)
    return answer
}
