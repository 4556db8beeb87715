/// TCP keep-alive settings: whether probes are sent, after how much idle time, how often, and how many
/// unanswered probes end the connection.
///
/// A zero duration or count means Go's default (15 s, 15 s, 9); a negative one leaves the system's value
/// unchanged. The corresponding Go type is `net.KeepAliveConfig`.
public struct KeepAliveConfig: Hashable, Sendable {
    /// Whether keep-alive probes are enabled. Go's `Enable`.
    public var enable: Bool
    /// Idle time before the first probe (rounded up to whole seconds). Go's `Idle`.
    public var idle: Duration
    /// Time between probes (rounded up to whole seconds). Go's `Interval`.
    public var interval: Duration
    /// Unanswered probes before the connection is dropped. Go's `Count`.
    public var count: Int

    /// Creates a configuration; the defaults leave everything to Go's defaults with keep-alive off.
    public init(enable: Bool = false, idle: Duration = .zero, interval: Duration = .zero, count: Int = 0) {
        self.enable = enable
        self.idle = idle
        self.interval = interval
        self.count = count
    }

    /// Go's `defaultTCPKeepAliveIdle`: 15 s.
    public static let defaultIdle: Duration = .seconds(15)
    /// Go's `defaultTCPKeepAliveInterval`: 15 s.
    public static let defaultInterval: Duration = .seconds(15)
    /// Go's `defaultTCPKeepAliveCount`: 9.
    public static let defaultCount = 9
}

extension Socket {
    /// Applies `config` (Go's `setKeepAlive` + `setKeepAliveIdle`/`Interval`/`Count`): zero → default,
    /// negative → untouched, durations rounded up to whole seconds.
    func apply(_ config: KeepAliveConfig) throws(Errno) {
        try setKeepAlive(config.enable)
        guard config.enable else { return }
        if let s = KeepAliveConfig.seconds(config.idle, default: KeepAliveConfig.defaultIdle) {
            try setKeepAliveIdle(s)
        }
        if let s = KeepAliveConfig.seconds(config.interval, default: KeepAliveConfig.defaultInterval) {
            try setKeepAliveInterval(s)
        }
        if config.count >= 0 {
            try setKeepAliveCount(config.count == 0 ? KeepAliveConfig.defaultCount : config.count)
        }
    }
}

extension KeepAliveConfig {
    /// Whole seconds for a keep-alive duration (rounded up), nil to leave the system's value.
    static func seconds(_ d: Duration, default def: Duration) -> Int? {
        if d < .zero { return nil }
        let v = d == .zero ? def : d
        let (s, atto) = v.components
        let rounded = atto > 0 ? s + 1 : s
        return Int(clamping: max(1, min(rounded, Int64(Int32.max))))
    }

    /// The configuration of a `keepAlive` duration field of `Dialer`/`ListenConfig` when `keepAliveConfig`
    /// is not enabled: 0 → on with defaults, negative → off, positive → on with that idle time.
    static func from(keepAlive: Duration, config: KeepAliveConfig) -> KeepAliveConfig? {
        if config.enable { return config }
        if keepAlive < .zero { return nil }
        return KeepAliveConfig(enable: true, idle: keepAlive, interval: .zero, count: 0)
    }
}
