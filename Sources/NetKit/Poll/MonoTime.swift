/// An instant of `ContinuousClock` as a count of nanoseconds from a process-wide origin.
///
/// The poller keeps deadlines in this form rather than as `ContinuousClock.Instant`: the standard library's
/// `Instant` is a resilient type, so every struct holding one (the per-direction state, timer heap entries)
/// would be copied and compared through value witnesses on the hot path. An `Int64` is plain data.
struct MonoTime: Comparable, Hashable, Sendable {
    var nanoseconds: Int64

    /// The origin: the first instant NetKit looked at.
    private static let origin = ContinuousClock.now

    @inline(__always)
    init(nanoseconds: Int64) { self.nanoseconds = nanoseconds }

    /// Converts an instant; instants centuries away saturate instead of trapping.
    init(_ instant: ContinuousClock.Instant) {
        // Compare as a Duration first: `components` itself traps when the seconds do not fit an Int64
        // (an instant Int64.max seconds from now).
        let d = MonoTime.origin.duration(to: instant)
        if d >= MonoTime.limit {
            nanoseconds = Int64.max
        } else if d <= .zero - MonoTime.limit {
            nanoseconds = Int64.min
        } else {
            let (seconds, attoseconds) = d.components
            nanoseconds = seconds * 1_000_000_000 + attoseconds / 1_000_000_000
        }
    }

    /// The largest offset from the origin kept exactly (about 292 years); farther instants saturate.
    private static let limit = Duration.seconds(Int64.max / 1_000_000_000 - 1)

    /// The current instant.
    @inline(__always)
    static var now: MonoTime { MonoTime(ContinuousClock.now) }

    /// Back to the clock's instant.
    var instant: ContinuousClock.Instant { MonoTime.origin + .nanoseconds(nanoseconds) }

    @inline(__always)
    static func < (a: MonoTime, b: MonoTime) -> Bool { a.nanoseconds < b.nanoseconds }
}
