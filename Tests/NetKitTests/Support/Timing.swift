import Glibc

/// How much slower than a quiet machine a run may be: 4 normally (the suite starts hundreds of tests at once on
/// two cores, and the first second of a run sees stalls near 1 s), 40 under ThreadSanitizer (`NETKIT_TSAN`, set
/// by `.ci/run`), where instrumented code also runs 5–15× slower and a test may wait 10 s for a thread: there, upper
/// bounds only catch hangs.
/// Lower bounds of timing assertions never scale; upper bounds and watchdogs do.
let timingSlack: Int = getenv("NETKIT_TSAN") != nil ? 40 : 4

/// An upper bound for a timing assertion, scaled by `timingSlack`.
func upperBound(_ d: Duration) -> Duration { d * timingSlack }
