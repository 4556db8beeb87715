/// A network endpoint address: what `Conn.localAddr`, `Conn.remoteAddr`, `Listener.addr` and
/// `PacketConn.readFrom` return.
///
/// `network` is the network name (`"tcp"`, `"udp"`, `"ip"`, `"unix"`, `"unixgram"`, `"unixpacket"`), and
/// `description` is the address in the form that network's dial takes (`"127.0.0.1:80"`, `"[::1]:53"`,
/// `"/tmp/s"`). `TCPAddr`, `UDPAddr`, `IPAddr` and `UnixAddr` conform.
///
/// The corresponding Go type is the interface `net.Addr` (`Network()` and `String()`).
public protocol Addr: Sendable, CustomStringConvertible {
    /// The name of the network, e.g. `"tcp"`. The corresponding Go method is `net.Addr.Network`.
    var network: String { get }
}

/// An endpoint address that converts to a raw socket address: what the socket layer needs to bind, connect and
/// pick a family. `TCPAddr`, `UDPAddr`, `IPAddr` and `UnixAddr` conform.
///
/// The corresponding Go type is the unexported interface `net.sockaddr` (`family`, `isWildcard`, `sockaddr`,
/// `toLocal`).
protocol SocketAddressConvertible: Addr {
    /// The family when no socket imposes one (`.unix` for Unix addresses).
    var family: Socket.Family { get }
    /// No address, or an unspecified one: "listen on everything" / "dial the local system".
    var isWildcard: Bool { get }
    /// The raw address for a socket of `family` (nil: the address's own family). Unix addresses ignore it.
    func socketAddress(family: Socket.Family?) throws(AddrError) -> SocketAddress
    /// The same endpoint on the loopback address of `network` (Unix addresses are returned unchanged).
    func toLocal(network: String) -> Self
}

extension TCPAddr: SocketAddressConvertible {}
extension UDPAddr: SocketAddressConvertible {}
extension IPAddr: SocketAddressConvertible {}
