/// The deadline timers of one event loop: a binary min-heap of (instant, descriptor, direction) whose
/// entries know their position, so a timer is re-armed or disarmed in O(log n) without leaving stale
/// entries behind (a server that moves a read deadline before every request keeps one entry per parked
/// call, not one per request). Go keeps the same invariant with `modtimer`/`deltimer` on pollDesc timers.
///
/// Only a parked call has an armed timer: setting a deadline on an idle descriptor only stores it, and the
/// next operation compares it with the clock.
///
/// Guarded by `EventLoop.timers`; an entry's index is stored in its target (`TimerTarget.timerIndex`),
/// and those fields are only touched with this heap locked.
/// What a timer belongs to: a descriptor's direction (`PollDesc`) or a sleeping task (`LoopSleep`).
/// `timerIndex` is owned by the heap and only touched with it locked.
class TimerTarget: @unchecked Sendable {
    /// Positions of this target's armed timers in its loop's heap, per mode (-1: not armed).
    final var timerIndex = PerMode(-1)

    /// The timer for `mode` expired; called on the loop thread with the heap unlocked.
    func timerFired(_ mode: PollMode, now: MonoTime) {}
}

struct TimerHeap: ~Copyable {
    struct Entry {
        var instant: MonoTime
        /// +1 reference owned by the heap.
        var desc: Unmanaged<TimerTarget>
        var mode: PollMode
    }

    private var entries: [Entry] = []

    init() {}

    var count: Int { entries.count }

    var earliest: MonoTime? { entries.first?.instant }

    /// Arms or moves the timer of `desc` for `mode` to `instant`.
    mutating func schedule(_ desc: TimerTarget, _ mode: PollMode, at instant: MonoTime) {
        let i = desc.timerIndex[mode.rawValue]
        if i >= 0 {
            let old = entries[i].instant
            entries[i].instant = instant
            if instant < old { siftUp(i) } else { siftDown(i) }
            return
        }
        entries.append(Entry(instant: instant, desc: .passRetained(desc), mode: mode))
        desc.timerIndex[mode.rawValue] = entries.count - 1
        siftUp(entries.count - 1)
    }

    /// Disarms the timer of `desc` for `mode`, if armed.
    mutating func cancel(_ desc: TimerTarget, _ mode: PollMode) {
        let i = desc.timerIndex[mode.rawValue]
        guard i >= 0 else { return }
        let removed = remove(at: i)
        removed.desc.release()
    }

    /// Removes and returns the earliest entry if it is due; the caller owns the entry's reference.
    mutating func popExpired(now: MonoTime) -> Entry? {
        guard let first = entries.first, first.instant <= now else { return nil }
        return remove(at: 0)
    }

    private mutating func remove(at i: Int) -> Entry {
        let removed = entries[i]
        removed.desc.takeUnretainedValue().timerIndex[removed.mode.rawValue] = -1
        let last = entries.count - 1
        if i != last {
            entries[i] = entries[last]
            setIndex(i)
            entries.removeLast()
            siftDown(i)
            siftUp(i)
        } else {
            entries.removeLast()
        }
        return removed
    }

    @inline(__always)
    private func setIndex(_ i: Int) {
        entries[i].desc.takeUnretainedValue().timerIndex[entries[i].mode.rawValue] = i
    }

    private mutating func siftUp(_ start: Int) {
        var i = start
        while i > 0 {
            let parent = (i - 1) / 2
            guard entries[i].instant < entries[parent].instant else { break }
            entries.swapAt(i, parent)
            setIndex(i)
            setIndex(parent)
            i = parent
        }
    }

    private mutating func siftDown(_ start: Int) {
        var i = start
        let n = entries.count
        while true {
            let l = 2 * i + 1
            if l >= n { break }
            var m = l
            let r = l + 1
            if r < n && entries[r].instant < entries[l].instant { m = r }
            guard entries[m].instant < entries[i].instant else { break }
            entries.swapAt(i, m)
            setIndex(i)
            setIndex(m)
            i = m
        }
    }
}
