import Glibc

/// The current time as an RFC 867 daytime line in the RFC's suggested syntax, `Weekday, Month Day, Year Time-Zone`:
/// `Tuesday, February 22, 1982 17:37:43-UTC` (always UTC, always English, whatever the locale).
///
/// Built from `clock_gettime(2)` and `gmtime_r(3)`; no Foundation.
func daytimeLine() -> String {
    var now = timespec()
    clock_gettime(CLOCK_REALTIME, &now)
    return daytimeLine(secondsSince1970: now.tv_sec)
}

/// The daytime line for a given time (seconds since 1970-01-01 00:00:00 UTC).
func daytimeLine(secondsSince1970 seconds: time_t) -> String {
    var t = seconds
    var utc = tm()
    gmtime_r(&t, &utc)
    let weekday = weekdays[Int(utc.tm_wday)]
    let month = months[Int(utc.tm_mon)]
    let year = Int(utc.tm_year) + 1900
    return "\(weekday), \(month) \(utc.tm_mday), \(year) "
        + "\(twoDigits(utc.tm_hour)):\(twoDigits(utc.tm_min)):\(twoDigits(utc.tm_sec))-UTC"
}

private let weekdays = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"]
private let months = [
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
]

private func twoDigits(_ n: Int32) -> String {
    n < 10 ? "0\(n)" : "\(n)"
}
