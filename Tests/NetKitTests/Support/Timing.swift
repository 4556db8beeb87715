import Glibc

/// How much slower than a quiet machine a run may be: 1 normally, 10 under ThreadSanitizer (`NETKIT_TSAN`,
/// set by `.ci/run`), where every test starts at once on two cores and instrumented code runs 5–15× slower.
/// Lower bounds of timing assertions never scale; upper bounds and watchdogs do.
let timingSlack: Int = getenv("NETKIT_TSAN") != nil ? 10 : 1

/// An upper bound for a timing assertion, scaled by `timingSlack`.
func upperBound(_ d: Duration) -> Duration { d * timingSlack }
