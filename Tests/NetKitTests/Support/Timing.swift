import Glibc

/// How much slower than a quiet machine a run may be, for the upper bounds of timing assertions.
///
/// The suite starts hundreds of tests at once on two cooperative threads, and CPU-heavy table tests can keep a
/// timing test from being scheduled for over 2 s at the start of a run; under ThreadSanitizer (`NETKIT_TSAN`,
/// set by `.ci/run`) instrumented code is also 5–15× slower. So upper bounds are scaled by 10 (40 under TSan):
/// they catch hangs and gross lateness, while lower bounds (never scaled) catch early firing.
/// `NETKIT_TIMING_SLACK=1 swift test` checks the bounds as written, on a quiet machine.
let timingSlack: Int = {
    if let text = getenv("NETKIT_TIMING_SLACK"), let value = Int(String(cString: text)), value > 0 { return value }
    return getenv("NETKIT_TSAN") != nil ? 40 : 10
}()

/// An upper bound for a timing assertion, scaled by `timingSlack`.
func upperBound(_ d: Duration) -> Duration { d * timingSlack }
