// Merging concurrent address lookups of the same name (Go: net/lookup.go `lookupGroup`, a singleflight.Group,
// and the cancellation rules of `(*Resolver).lookupIPAddr`).

import Synchronization

/// Runs one lookup per key at a time and hands its result to every caller that asked meanwhile.
///
/// The shared lookup runs in a task of its own, with no deadline and not cancelled by any one caller; each
/// caller waits with its own deadline and its own cancellation. A caller that gives up (cancelled, or its
/// deadline passed) stops waiting at once; if it was the last one waiting, the shared lookup is cancelled and
/// forgotten, so that the next caller starts afresh (Go issues 8602, 20703, 22724), and the caller returns once
/// it has ended.
///
/// The corresponding Go code is the `lookupGroup` field of `net.Resolver` (`DoChan`, `ForgetUnshared`).
final class LookupGroup: Sendable {
    private struct Flight {
        /// Identifies this flight among those that have had the same key.
        var token: Int
        var waiters: [Int: BlockingCall<[IP]>]
        var task: Task<Void, Never>?
    }

    private struct State {
        var flights: [String: Flight] = [:]
        var nextID = 0
    }

    private let state = Mutex(State())

    /// The number of lookups in flight (for tests).
    var flightCount: Int { state.withLock { $0.flights.count } }

    /// Joins the lookup of `key` in flight, or starts `body` as it; waits until it is done, the calling task is
    /// cancelled (`CancellationError`) or `deadline` passes (`timeout()`).
    func run(
        key: String, deadline: ContinuousClock.Instant?, timeout: @escaping @Sendable () -> any Error,
        _ body: @escaping @Sendable () async throws -> [IP]
    ) async throws -> [IP] {
        try Task.checkCancellation()
        let call = BlockingCall<[IP]>()
        let (id, token, starts) = state.withLock { s -> (Int, Int, Bool) in
            let id = s.nextID
            s.nextID += 1
            if s.flights[key] != nil {
                s.flights[key]!.waiters[id] = call
                return (id, s.flights[key]!.token, false)
            }
            s.flights[key] = Flight(token: id, waiters: [id: call], task: nil)
            return (id, id, true)
        }
        if starts {
            let task = Task { [self] in
                let result: Result<[IP], any Error>
                do {
                    result = .success(try await body())
                } catch {
                    result = .failure(error)
                }
                let waiters = state.withLock { s -> [BlockingCall<[IP]>] in
                    guard let flight = s.flights[key], flight.token == token else { return [] }
                    s.flights[key] = nil
                    return Array(flight.waiters.values)
                }
                for waiter in waiters {
                    waiter.finish(result)
                }
            }
            state.withLock { s in
                if s.flights[key]?.token == token {
                    s.flights[key]!.task = task
                }
            }
        }
        let timer = deadline.map { deadline in
            Task {
                do {
                    try await Task.sleep(until: deadline, clock: .continuous)
                } catch {
                    return  // the wait ended first and cancelled the timer
                }
                call.finish(.failure(timeout()))
            }
        }
        defer { timer?.cancel() }
        do {
            return try await withTaskCancellationHandler {
                try await withCheckedThrowingContinuation { continuation in
                    _ = call.install(continuation)
                }
            } onCancel: {
                call.finish(.failure(CancellationError()))
            }
        } catch {
            await leave(key: key, id: id, token: token)
            throw error
        }
    }

    /// Takes a caller that stopped waiting off the flight; cancels and forgets the flight if nobody is left,
    /// and then waits for it to end (it ends promptly: every wait in it honours cancellation), so that a lookup
    /// that returns has closed its sockets.
    ///
    /// The corresponding Go method is `singleflight.Group.ForgetUnshared`.
    private func leave(key: String, id: Int, token: Int) async {
        let orphaned = state.withLock { s -> Task<Void, Never>? in
            guard var flight = s.flights[key], flight.token == token else { return nil }
            flight.waiters[id] = nil
            if flight.waiters.isEmpty {
                s.flights[key] = nil
                return flight.task
            }
            s.flights[key] = flight
            return nil
        }
        if let orphaned {
            orphaned.cancel()
            await orphaned.value
        }
    }
}
