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
