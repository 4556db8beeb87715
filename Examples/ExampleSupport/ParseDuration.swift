/// Parses a duration written as Go writes them: a sequence of decimal numbers, each with an optional fraction and
/// a unit, such as "10s", "1.5s", "300ms", "2m30s" or "1h". Units: "ns", "us" (or "µs"), "ms", "s", "m", "h".
/// "0" needs no unit. Returns nil for anything else (negative durations included).
///
/// The corresponding Go function is `time.ParseDuration`.
public func parseDuration(_ text: String) -> Duration? {
    if text == "0" { return .zero }
    let units: [(name: String, nanoseconds: Int64)] = [
        ("ns", 1), ("us", 1_000), ("µs", 1_000), ("ms", 1_000_000),
        ("s", 1_000_000_000), ("m", 60_000_000_000), ("h", 3_600_000_000_000),
    ]
    var rest = Substring(text)
    var total: Int64 = 0
    if rest.isEmpty { return nil }
    while !rest.isEmpty {
        let whole = rest.prefix { $0.isASCII && $0.isNumber }
        rest = rest.dropFirst(whole.count)
        var fraction = Substring()
        if rest.first == "." {
            rest = rest.dropFirst()
            fraction = rest.prefix { $0.isASCII && $0.isNumber }
            rest = rest.dropFirst(fraction.count)
        }
        if whole.isEmpty && fraction.isEmpty { return nil }
        let unitName = rest.prefix { !($0.isASCII && ($0.isNumber || $0 == ".")) }
        rest = rest.dropFirst(unitName.count)
        guard let unit = units.first(where: { $0.name == unitName })?.nanoseconds else { return nil }
        guard let w = whole.isEmpty ? 0 : Int64(whole) else { return nil }
        var (value, overflow) = w.multipliedReportingOverflow(by: unit)
        if overflow { return nil }
        if !fraction.isEmpty {
            // The fraction's digits scaled to the unit (digits beyond nanosecond precision are dropped).
            var scale = unit
            for digit in fraction.prefix(18) {
                scale /= 10
                if scale == 0 { break }
                value += Int64(digit.wholeNumberValue!) * scale
            }
        }
        (total, overflow) = total.addingReportingOverflow(value)
        if overflow { return nil }
    }
    return .nanoseconds(total)
}
