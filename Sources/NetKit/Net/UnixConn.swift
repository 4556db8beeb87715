// PLACEHOLDER: replaced by the Unix socket implementation (issue 4).
extension Dialer {
    func dialUnixSingle(network: String, laddr: UnixAddr?, raddr: UnixAddr, deadline: ContinuousClock.Instant?) async throws -> any Conn {
        throw OpError(op: "dial", net: network, source: laddr, addr: raddr, err: UnknownNetworkError(network))
    }
}

extension ListenConfig {
    func listenUnix(network: String, laddr: UnixAddr) throws -> any Listener {
        throw OpError(op: "listen", net: network, source: nil, addr: laddr, err: UnknownNetworkError(network))
    }

    func listenUnixgram(network: String, laddr: UnixAddr) throws -> any PacketConn {
        throw OpError(op: "listen", net: network, source: nil, addr: laddr, err: UnknownNetworkError(network))
    }
}
