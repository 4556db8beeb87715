// PLACEHOLDER: replaced by the UDP implementation (issue 4).
extension Dialer {
    func dialUDPSingle(network: String, laddr: UDPAddr?, raddr: UDPAddr, deadline: ContinuousClock.Instant?) async throws -> any Conn {
        throw OpError(op: "dial", net: network, source: laddr, addr: raddr, err: UnknownNetworkError(network))
    }
}

extension ListenConfig {
    func listenUDP(network: String, laddr: UDPAddr) throws -> any PacketConn {
        throw OpError(op: "listen", net: network, source: nil, addr: laddr, err: UnknownNetworkError(network))
    }
}
