import NetKit
import Synchronization

/// The connections a server has open, so that it can wait for them or close them when it stops.
public final class Connections: Sendable {
    /// An empty set.
    public init() {}

    private struct State {
        var open: [ObjectIdentifier: any Conn] = [:]
        var closing = false
    }

    private let state = Mutex(State())

    /// Adds `conn`; false once the server is stopping, and then the caller closes `conn` itself.
    public func insert(_ conn: any Conn) -> Bool {
        state.withLock { s in
            if s.closing { return false }
            s.open[ObjectIdentifier(conn)] = conn
            return true
        }
    }

    /// Removes `conn` (its task is done with it).
    public func remove(_ conn: any Conn) {
        _ = state.withLock { s in s.open.removeValue(forKey: ObjectIdentifier(conn)) }
    }

    /// How many connections are open.
    public var count: Int { state.withLock { s in s.open.count } }

    /// Refuses new connections from now on and closes the open ones: their parked reads and writes fail at
    /// once with "use of closed network connection", so their tasks end.
    public func closeAll() {
        let open = state.withLock { s in
            s.closing = true
            return Array(s.open.values)
        }
        for conn in open { try? conn.close() }
    }

    /// Waits until every connection has been removed, or `timeout` has passed (then returns false).
    ///
    /// It polls, with naps that start at 1 ms and double up to 100 ms, as Go's `http.Server.Shutdown` does.
    public func waitUntilEmpty(timeout: Duration) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        var nap = Duration.milliseconds(1)
        while count > 0 {
            if ContinuousClock.now >= deadline { return false }
            try? await Task.sleep(for: nap)
            nap = min(nap * 2, .milliseconds(100))
        }
        return true
    }
}
