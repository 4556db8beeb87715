import Glibc

// Multicast listeners: Go's net/udpsock.go `ListenMulticastUDP`, udpsock_posix.go `listenIPv4MulticastUDP` /
// `listenIPv6MulticastUDP`, and sockoptip_linux.go / sockoptip_posix.go (`joinIPv4Group`, `joinIPv6Group`).

/// Listens for datagrams sent to the multicast group `group` (its IP and port) on the network interface
/// `interface` — a name such as "eth0" or "lo", or a decimal interface index; nil (or "") lets the kernel
/// pick the interface from its routing table.
///
/// The socket binds the wildcard address on the group's port with `SO_REUSEADDR` (so several listeners can
/// share it), then joins the group (`IP_ADD_MEMBERSHIP` with an `ip_mreqn` carrying the interface index for an
/// IPv4 group, `IPV6_JOIN_GROUP` for an IPv6 one), sets the interface as the socket's multicast interface and
/// turns multicast loopback off for what this socket sends, exactly as Go does. It is meant for receiving;
/// send to the group from another socket.
///
/// Errors are `OpError`s with op "listen": Go's "missing address" for no group IP, an `AddrError` "no such
/// network interface" for an unknown interface, `setsockopt: …` when the kernel refuses to join.
///
/// The corresponding Go function is `net.ListenMulticastUDP` (which takes a `*net.Interface`).
public func listenMulticastUDP(_ network: String, interface: String? = nil, group: UDPAddr?) throws -> UDPConn {
    let group = try checkMulticastArguments(network, group)
    let index: UInt32
    do {
        index = try interface.map { name throws(AddrError) in try interfaceIndex(zone: name) } ?? 0
    } catch {
        throw OpError(op: "listen", net: network, source: nil, addr: group, err: error)
    }
    return try listenMulticast(network, interfaceIndex: index, group: group)
}

/// Listens for datagrams sent to the multicast group `group` on the interface with index `interfaceIndex`
/// (0: the kernel picks). See `listenMulticastUDP(_:interface:group:)`.
///
/// The corresponding Go function is `net.ListenMulticastUDP` with an `Interface` whose `Index` is given.
public func listenMulticastUDP(_ network: String, interfaceIndex: Int, group: UDPAddr?) throws -> UDPConn {
    let group = try checkMulticastArguments(network, group)
    guard let index = UInt32(exactly: interfaceIndex) else {
        throw OpError(op: "listen", net: network, source: nil, addr: group,
                      err: AddrError(err: "invalid network interface index", addr: String(interfaceIndex)))
    }
    return try listenMulticast(network, interfaceIndex: index, group: group)
}

/// Go's argument checks: a UDP network and a group with an IP.
private func checkMulticastArguments(_ network: String, _ group: UDPAddr?) throws -> UDPAddr {
    switch network {
    case "udp", "udp4", "udp6": break
    default:
        throw OpError(op: "listen", net: network, source: nil, addr: group, err: UnknownNetworkError(network))
    }
    guard let group, group.ip.isValid else {
        throw OpError(op: "listen", net: network, source: nil, addr: group, err: errMissingAddress)
    }
    return group
}

/// Go's `sysListener.listenMulticastUDP`: listen on the group's port (with `config`), then join on the interface.
func listenMulticast(
    _ network: String, interfaceIndex index: UInt32, group: UDPAddr, config: ListenConfig = ListenConfig()
) throws -> UDPConn {
    if index != 0 {
        let known = withUnsafeTemporaryAllocation(of: CChar.self, capacity: Int(IF_NAMESIZE) + 1) { name in
            if_indextoname(index, name.baseAddress!) != nil
        }
        if !known {
            throw OpError(op: "listen", net: network, source: nil, addr: group,
                          err: AddrError(err: AddrError.noSuchInterface, addr: String(index)))
        }
    }
    let conn = try config.listenUDPConn(network: network, laddr: group)
    do {
        try conn.netFD.pd.syscall("setsockopt") { s throws(Errno) in
            if let v4 = group.ip.v4Value {
                try joinIPv4Group(s, group: v4, interfaceIndex: index)
            } else {
                try joinIPv6Group(s, group: group.ip, interfaceIndex: index)
            }
        }
    } catch {
        try? conn.close()
        throw OpError(op: "listen", net: network, source: nil, addr: group, err: error)
    }
    return conn
}

/// Go's `listenIPv4MulticastUDP` on Linux: `IP_MULTICAST_IF` (if an interface is given), `IP_MULTICAST_LOOP`
/// off, `IP_ADD_MEMBERSHIP`; the `ip_mreqn` form names the interface by index.
private func joinIPv4Group(_ s: Socket, group: UInt32, interfaceIndex: UInt32) throws(Errno) {
    let level = Int32(IPPROTO_IP)
    var request = ip_mreqn()
    request.imr_ifindex = Int32(bitPattern: interfaceIndex)
    if interfaceIndex != 0 {
        try s.setOption(level: level, name: IP_MULTICAST_IF, value: request, as: ip_mreqn.self)
    }
    try s.setOption(level: level, name: IP_MULTICAST_LOOP, value: 0)
    request.imr_multiaddr.s_addr = group.bigEndian
    try s.setOption(level: level, name: IP_ADD_MEMBERSHIP, value: request, as: ip_mreqn.self)
}

/// Go's `listenIPv6MulticastUDP`: `IPV6_MULTICAST_IF` (if an interface is given), `IPV6_MULTICAST_LOOP` off,
/// `IPV6_JOIN_GROUP`.
private func joinIPv6Group(_ s: Socket, group: IP, interfaceIndex: UInt32) throws(Errno) {
    let level = Int32(IPPROTO_IPV6)
    if interfaceIndex != 0 {
        try s.setOption(level: level, name: IPV6_MULTICAST_IF, value: Int32(bitPattern: interfaceIndex))
    }
    try s.setOption(level: level, name: IPV6_MULTICAST_LOOP, value: 0)
    let request = IPv6MulticastRequest(
        addressHigh: group.high.bigEndian, addressLow: group.low.bigEndian, interfaceIndex: interfaceIndex)
    try s.setOption(level: level, name: IPV6_ADD_MEMBERSHIP, value: request, as: IPv6MulticastRequest.self)
}

/// The layout of C's `struct ipv6_mreq` (an `in6_addr` in network byte order, then the interface index; 20
/// bytes), declared here because Swift imports `in6_addr`'s union as not bitwise-copyable.
struct IPv6MulticastRequest: BitwiseCopyable {
    var addressHigh: UInt64
    var addressLow: UInt64
    var interfaceIndex: UInt32
}
