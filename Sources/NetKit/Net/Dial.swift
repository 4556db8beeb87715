import Synchronization
import Glibc

/// Options for connecting to an address. The zero value (`Dialer()`) behaves like `dial`.
///
/// The corresponding Go type is `net.Dialer`.
public struct Dialer: Sendable {
    /// The longest a dial may take, name resolution included; `.zero` means no limit (the system's own
    /// connect timeout still applies). Split across the resolved addresses as Go does. Go's `Timeout`.
    public var timeout: Duration
    /// An absolute instant by which the dial must be done (nil: none); the earlier of this and `timeout`
    /// wins. Go's `Deadline`.
    public var deadline: ContinuousClock.Instant?
    /// The local address to bind before connecting (nil: any). Must match the network's address type.
    /// Go's `LocalAddr`.
    public var localAddr: (any Addr)?
    /// Keep-alive for TCP: `.zero` enables it with Go's defaults (15 s idle), a negative value disables it, a
    /// positive one sets the idle time. Ignored when `keepAliveConfig.enable` is true. Go's `KeepAlive`.
    public var keepAlive: Duration
    /// Full keep-alive settings, used when `enable` is true. Go's `KeepAliveConfig`.
    public var keepAliveConfig: KeepAliveConfig
    /// How long to wait before racing the other address family for network "tcp" (RFC 6555 Happy
    /// Eyeballs): `.zero` means 300 ms, negative disables the race. Go's `FallbackDelay`.
    public var fallbackDelay: Duration
    /// Called after the socket is created and before it is bound or connected, with the resolved network
    /// ("tcp4", "tcp6", …), the address and raw access to the socket; throwing aborts the dial. Go's `Control`.
    public var control: (@Sendable (_ network: String, _ address: String, _ conn: RawConn) throws -> Void)?

    /// The resolver for host names in addresses; nil uses `Resolver.default`. Its lookup counts against the
    /// dial's `timeout` and `deadline`. Go's `Resolver`.
    public var resolver: Resolver?

    /// Resolves host names instead of the resolver (tests; Go's `testHookLookupIP`).
    var lookup: LookupIPs?

    /// Creates a dialer.
    public init(
        timeout: Duration = .zero,
        deadline: ContinuousClock.Instant? = nil,
        localAddr: (any Addr)? = nil,
        keepAlive: Duration = .zero,
        keepAliveConfig: KeepAliveConfig = KeepAliveConfig(),
        fallbackDelay: Duration = .zero,
        control: (@Sendable (_ network: String, _ address: String, _ conn: RawConn) throws -> Void)? = nil,
        resolver: Resolver? = nil
    ) {
        self.timeout = timeout
        self.deadline = deadline
        self.localAddr = localAddr
        self.keepAlive = keepAlive
        self.keepAliveConfig = keepAliveConfig
        self.fallbackDelay = fallbackDelay
        self.control = control
        self.resolver = resolver
    }

    /// The effective deadline: the earliest of now + timeout and `deadline`. Go's `Dialer.deadline`.
    func effectiveDeadline(now: ContinuousClock.Instant) -> ContinuousClock.Instant? {
        var result = deadline
        if timeout != .zero {
            let byTimeout = Dialer.adding(timeout, to: now)
            if result == nil || byTimeout < result! { result = byTimeout }
        }
        return result
    }

    /// now + d without trapping on overflow (Duration.max and friends clamp to a far future).
    static func adding(_ d: Duration, to now: ContinuousClock.Instant) -> ContinuousClock.Instant {
        let cap = Duration.seconds(Int64(100 * 365 * 24 * 3600))
        if d > cap { return now + cap }
        if d < .zero - cap { return now - cap }
        return now + d
    }

    /// Connects to `address` on `network` ("tcp", "tcp4", "tcp6"; "udp…" and "unix…" come with those conns).
    ///
    /// Each resolved address is tried in order, each with a fair share of the remaining time, and the first
    /// error is reported: `dial tcp 127.0.0.1:1: connect: connection refused`. A dial that runs out of time
    /// throws an `OpError` whose `isTimeout` is true; a cancelled task throws `CancellationError` and leaves no
    /// descriptor behind. The corresponding Go method is `Dialer.DialContext`.
    public func dial(_ network: String, _ address: String) async throws -> any Conn {
        let deadline = effectiveDeadline(now: .now)
        let addrs: [any Addr]
        do {
            // A deadline that has already passed is reported by dialSerial against the first address, as Go's
            // `dialSerial` does (`dial tcp 127.0.0.1:80: i/o timeout`); literal addresses need no lookup, and
            // the resolver honours the deadline itself.
            addrs = try await resolveAddrList(
                op: "dial", network: network, address: address, hint: localAddr, deadline: deadline, lookup: lookup,
                resolver: resolver)
        } catch let error as CancellationError {
            throw error
        } catch {
            // A lookup error stays the cause, as in Go: `dial tcp: lookup example.com: i/o timeout`.
            throw OpError(op: "dial", net: network, source: nil, addr: nil, err: error)
        }
        let net = try ParsedNetwork.parse(network)
        if net.isTCP && network == "tcp" && fallbackDelay >= .zero {
            return try await dialParallel(network: network, addrs: addrs, deadline: deadline)
        }
        return try await dialSerial(network: network, addrs: addrs, deadline: deadline)
    }

    /// Go's `dialSerial`: one address after the other, each with `partialDeadline`.
    func dialSerial(network: String, addrs: [any Addr], deadline: ContinuousClock.Instant?) async throws -> any Conn {
        var firstError: (any Error)?
        for (i, ra) in addrs.enumerated() {
            try Task.checkCancellation()
            var attemptDeadline = deadline
            if let deadline {
                let now = ContinuousClock.now
                guard let partial = Dialer.partialDeadline(now: now, deadline: deadline, remaining: addrs.count - i) else {
                    if firstError == nil {
                        firstError = OpError(op: "dial", net: network, source: localAddr, addr: ra,
                                             err: DeadlineExceededError())
                    }
                    break
                }
                attemptDeadline = partial
            }
            do {
                return try await dialSingle(network: network, raddr: ra, deadline: attemptDeadline)
            } catch let error as CancellationError {
                throw error
            } catch {
                if firstError == nil { firstError = error }
            }
        }
        throw firstError ?? OpError(op: "dial", net: network, err: errMissingAddress)
    }

    /// Go's `partialDeadline`: an equal share of the remaining time per remaining address, but at least
    /// 2 s (or all that is left). Nil when no time is left.
    static func partialDeadline(
        now: ContinuousClock.Instant, deadline: ContinuousClock.Instant, remaining: Int
    ) -> ContinuousClock.Instant? {
        let timeRemaining = now.duration(to: deadline)
        if timeRemaining <= .zero { return nil }
        var timeout = timeRemaining / max(1, remaining)
        let saneMinimum = Duration.seconds(2)
        if timeout < saneMinimum {
            timeout = timeRemaining < saneMinimum ? timeRemaining : saneMinimum
        }
        return now + timeout
    }

    /// Go's `dialParallel` (RFC 6555): the addresses of the first one's family race those of the other family,
    /// which start after `fallbackDelay` or as soon as the primaries fail. The first connection wins; the
    /// loser is cancelled and closed. If both fail, the primaries' error is reported.
    func dialParallel(network: String, addrs: [any Addr], deadline: ContinuousClock.Instant?) async throws -> any Conn {
        func isV4(_ a: any Addr) -> Bool { isIPv4Like((a as? TCPAddr)?.ip ?? IP()) }
        guard let first = addrs.first else {
            throw OpError(op: "dial", net: network, err: errMissingAddress)
        }
        let primaries = addrs.filter { isV4($0) == isV4(first) }
        let fallbacks = addrs.filter { isV4($0) != isV4(first) }
        if fallbacks.isEmpty {
            return try await dialSerial(network: network, addrs: primaries, deadline: deadline)
        }
        let delay = fallbackDelay == .zero ? Duration.milliseconds(300) : fallbackDelay
        let primaryFailed = Signal()
        let dialer = self
        enum Outcome: Sendable {
            case conn(TCPConnBox, primary: Bool)
            case failure(ErrorBox, primary: Bool)
        }
        return try await withThrowingTaskGroup(of: Outcome.self) { group in
            group.addTask {
                do {
                    let c = try await dialer.dialSerial(network: network, addrs: primaries, deadline: deadline)
                    return .conn(TCPConnBox(conn: c), primary: true)
                } catch {
                    primaryFailed.fire()
                    return .failure(ErrorBox(error: error), primary: true)
                }
            }
            group.addTask {
                await primaryFailed.wait(timeout: delay)
                try Task.checkCancellation()
                do {
                    let c = try await dialer.dialSerial(network: network, addrs: fallbacks, deadline: deadline)
                    return .conn(TCPConnBox(conn: c), primary: false)
                } catch {
                    return .failure(ErrorBox(error: error), primary: false)
                }
            }
            var primaryError: (any Error)?
            var fallbackError: (any Error)?
            while let outcome = try await group.next() {
                switch outcome {
                case .conn(let box, _):
                    group.cancelAll()
                    // A second winner that completed in the same instant is closed.
                    while let other = try? await group.next() {
                        if case .conn(let loser, _) = other { try? loser.conn.close() }
                    }
                    return box.conn
                case .failure(let box, let primary):
                    if primary { primaryError = box.error } else { fallbackError = box.error }
                }
            }
            try Task.checkCancellation()
            throw primaryError ?? fallbackError ?? OpError(op: "dial", net: network, err: errMissingAddress)
        }
    }

    /// Go's `dialSingle` for TCP: a socket, the control hook, bind, connect; retried when the kernel made a
    /// self-connection (Go's `selfConnect`) or spuriously reported `EADDRNOTAVAIL`.
    func dialSingle(network: String, raddr: any Addr, deadline: ContinuousClock.Instant?) async throws -> any Conn {
        switch raddr {
        case let ra as TCPAddr:
            return try await dialTCPSingle(network: network, raddr: ra, deadline: deadline)
        case let ra as UDPAddr:
            return try await dialUDPSingle(network: network, laddr: localAddr as? UDPAddr, raddr: ra, deadline: deadline)
        case let ra as UnixAddr:
            return try await dialUnixSingle(network: network, laddr: localAddr as? UnixAddr, raddr: ra, deadline: deadline)
        default:
            throw OpError(op: "dial", net: network, source: localAddr, addr: raddr,
                          err: AddrError(err: "unexpected address type", addr: raddr.description))
        }
    }

    /// Go's `sysDialer.dialTCP`.
    func dialTCPSingle(network: String, raddr: TCPAddr, deadline: ContinuousClock.Instant?) async throws -> TCPConn {
        var ra = raddr
        let la = localAddr as? TCPAddr
        if ra.isWildcard { ra = ra.toLocal(network: network) }
        var attempt = 0
        while true {
            do {
                let conn = try await dialTCPOnce(network: network, laddr: la, raddr: ra, deadline: deadline)
                let l = conn.localTCPAddr
                let r = conn.remoteTCPAddr
                if attempt < 2 && (la == nil || la!.port == 0) && l.port == r.port && l.ip == r.ip {
                    // Simultaneous open with ourselves: not a real connection (Go's selfConnect).
                    try? conn.close()
                    attempt += 1
                    continue
                }
                return conn
            } catch let error as OpError {
                if attempt < 2 && (la == nil || la!.port == 0),
                   let se = error.err as? SyscallError, se.errno == .addressNotAvailable {
                    attempt += 1
                    continue
                }
                throw error
            }
        }
    }

    private func dialTCPOnce(
        network: String, laddr: TCPAddr?, raddr: TCPAddr, deadline: ContinuousClock.Instant?
    ) async throws -> TCPConn {
        func fail(_ err: any Error) -> any Error {
            if err is CancellationError { return err }
            return OpError(op: "dial", net: network, source: laddr, addr: raddr, err: err)
        }
        if let deadline, deadline <= .now { throw fail(DeadlineExceededError()) }
        let (family, ipv6Only) = favoriteAddrFamily(network: network, laddr: laddr?.ip, raddr: raddr.ip, listening: false)
        let pd: PollDesc
        do { pd = try newPollDesc(family: family, kind: .stream, ipv6Only: ipv6Only) } catch { throw fail(error) }
        do {
            if let control {
                let resolved = family == .inet ? "tcp4" : "tcp6"
                try control(resolved, raddr.description, RawConn(pd: pd))
            }
            if let laddr {
                let lsa = try laddr.socketAddress(family: family)
                try pd.syscall("bind") { s throws(Errno) in try s.bind(lsa) }
            }
            let rsa = try raddr.socketAddress(family: family)
            try? pd.setDeadline(deadline, .write)
            do {
                try await pd.connect(to: rsa)
            } catch {
                throw error.goError(syscall: "connect")
            }
            try? pd.setDeadline(nil, .write)
            // A connection that completed while the task was being cancelled still counts as cancelled.
            try Task.checkCancellation()
            let lsa = try? pd.withDescriptor { s throws(Errno) in try s.localAddress }
            let rsaPeer = try? pd.withDescriptor { s throws(Errno) in try s.remoteAddress }
            let fd = NetFD(
                pd: pd, net: network, family: family, kind: .stream,
                laddr: lsa.flatMap(TCPAddr.init) ?? TCPAddr(),
                raddr: rsaPeer.flatMap(TCPAddr.init) ?? raddr)
            let conn = TCPConn(fd: fd)
            configureNewTCPConn(pd, keepAlive: keepAlive, keepAliveConfig: keepAliveConfig)
            return conn
        } catch {
            try? pd.close()
            throw fail(error)
        }
    }
}

/// Go's `newTCPConn`: TCP_NODELAY on, keep-alive per the dialer/listener (errors ignored, as Go does).
func configureNewTCPConn(_ pd: PollDesc, keepAlive: Duration, keepAliveConfig: KeepAliveConfig) {
    _ = try? pd.withDescriptor { s throws(Errno) in
        try s.setNoDelay(true)
        if let config = KeepAliveConfig.from(keepAlive: keepAlive, config: keepAliveConfig) {
            try s.apply(config)
        }
    }
}

/// Carries a connection out of a task group.
struct TCPConnBox: @unchecked Sendable { let conn: any Conn }
/// Carries an error out of a task group.
struct ErrorBox: @unchecked Sendable { let error: any Error }

/// A one-shot event that tasks can wait for with a timeout (used to start the Happy Eyeballs fallback early).
final class Signal: Sendable {
    private let state = Mutex<(fired: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    func fire() {
        let waiters = state.withLock { s -> [CheckedContinuation<Void, Never>] in
            s.fired = true
            defer { s.waiters.removeAll() }
            return s.waiters
        }
        for w in waiters { w.resume() }
    }

    /// Returns when fired, when `timeout` passed, or when the task is cancelled.
    func wait(timeout: Duration) async {
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                await withCheckedContinuation { (c: CheckedContinuation<Void, Never>) in
                    let now = self.state.withLock { s -> Bool in
                        if s.fired { return true }
                        s.waiters.append(c)
                        return false
                    }
                    if now { c.resume() }
                }
            }
            group.addTask { try? await Task.sleep(for: timeout) }
            await group.next()
            group.cancelAll()
            self.fire()
        }
    }
}

/// Connects to `address` on `network` with a default `Dialer`.
///
/// `let conn = try await dial("tcp", "127.0.0.1:13")`. Networks: "tcp", "tcp4", "tcp6" (and "udp…",
/// "unix…" for those connections). The corresponding Go function is `net.Dial`.
public func dial(_ network: String, _ address: String) async throws -> any Conn {
    try await Dialer().dial(network, address)
}

/// Connects with a time limit that covers name resolution and every address tried.
///
/// The corresponding Go function is `net.DialTimeout`.
public func dialTimeout(_ network: String, _ address: String, timeout: Duration) async throws -> any Conn {
    try await Dialer(timeout: timeout).dial(network, address)
}

/// Connects to `raddr` over TCP without name resolution, binding `laddr` first if given.
///
/// The corresponding Go function is `net.DialTCP`.
public func dialTCP(_ network: String, laddr: TCPAddr? = nil, raddr: TCPAddr) async throws -> TCPConn {
    switch network {
    case "tcp", "tcp4", "tcp6": break
    default:
        throw OpError(op: "dial", net: network, source: laddr, addr: raddr, err: UnknownNetworkError(network))
    }
    return try await Dialer(localAddr: laddr).dialTCPSingle(network: network, raddr: raddr, deadline: nil)
}
