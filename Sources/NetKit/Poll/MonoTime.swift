import Glibc

/// An instant of `ContinuousClock` as a count of nanoseconds of `CLOCK_BOOTTIME`, the clock behind
/// `ContinuousClock` on Linux.
///
/// The poller keeps deadlines in this form rather than as `ContinuousClock.Instant`: the standard library's
/// `Instant` is a resilient type, so every struct holding one (the per-direction state, timer heap entries)
/// would be copied and compared through value witnesses on the hot path. An `Int64` is plain data.
struct MonoTime: Comparable, Hashable, Sendable {
    var nanoseconds: Int64

    /// The origin: the first instant NetKit looked at, and the same moment as a `MonoTime`. The clock is read
    /// after the instant, so an instant converted through the origin is never earlier than the truth (a
    /// deadline may fire a few nanoseconds late, never early).
    private static let origin: (instant: ContinuousClock.Instant, nanoseconds: Int64) = {
        let instant = ContinuousClock.now
        return (instant, MonoTime.now.nanoseconds)
    }()

    @inline(__always)
    init(nanoseconds: Int64) { self.nanoseconds = nanoseconds }

    /// Converts an instant; instants centuries away saturate instead of trapping.
    init(_ instant: ContinuousClock.Instant) {
        let origin = MonoTime.origin
        // Compare as a Duration first: `components` itself traps when the seconds do not fit an Int64
        // (an instant Int64.max seconds from now).
        let d = origin.instant.duration(to: instant)
        if d >= MonoTime.limit {
            nanoseconds = Int64.max
        } else if d <= .zero - MonoTime.limit {
            nanoseconds = Int64.min
        } else {
            let (seconds, attoseconds) = d.components
            let (sum, overflow) = origin.nanoseconds.addingReportingOverflow(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
            nanoseconds = overflow ? (seconds < 0 ? Int64.min : Int64.max) : sum
        }
    }

    /// The largest offset from the origin kept exactly (about 292 years); farther instants saturate.
    private static let limit = Duration.seconds(Int64.max / 1_000_000_000 - 1)

    /// The current instant: one `clock_gettime(CLOCK_BOOTTIME)`. Not inlined: in an async caller the
    /// `timespec` would become a task allocation that lives as long as the caller's frame.
    @inline(never)
    static var now: MonoTime {
        var ts = timespec()
        clock_gettime(CLOCK_BOOTTIME, &ts)
        return MonoTime(nanoseconds: Int64(ts.tv_sec) &* 1_000_000_000 &+ Int64(ts.tv_nsec))
    }

    /// Back to the clock's instant.
    var instant: ContinuousClock.Instant {
        let origin = MonoTime.origin
        let (offset, overflow) = nanoseconds.subtractingReportingOverflow(origin.nanoseconds)
        return origin.instant + .nanoseconds(overflow ? Int64.min : offset)
    }

    @inline(__always)
    static func < (a: MonoTime, b: MonoTime) -> Bool { a.nanoseconds < b.nanoseconds }
}
