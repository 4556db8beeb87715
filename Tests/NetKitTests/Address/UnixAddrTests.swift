import Glibc
import Testing
@testable import NetKit

/// `UnixAddr`, `resolveUnixAddr` and the `sockaddr_un` conversion (Go: net/unixsock.go,
/// syscall.SockaddrUnix on Linux).
@Suite struct UnixAddrTests {
    @Test(arguments: ["unix", "unixgram", "unixpacket"])
    func resolveKnownNetworks(_ network: String) throws {
        let addr = try resolveUnixAddr(network: network, address: "/tmp/netkit.sock")
        #expect(addr == UnixAddr(name: "/tmp/netkit.sock", net: network))
        #expect(addr.network == network)
        #expect(addr.description == "/tmp/netkit.sock")
    }

    @Test(arguments: ["tcp", "udp", "unix4", "", "UNIX"])
    func resolveUnknownNetwork(_ network: String) {
        #expect(throws: UnknownNetworkError(network)) {
            _ = try resolveUnixAddr(network: network, address: "/tmp/s")
        }
        #expect(UnknownNetworkError(network).description == "unknown network " + network)
    }

    /// The length of each kind of `sockaddr_un` (family = 2 bytes) and the way back.
    @Test(arguments: [
        ("/tmp/s", 2 + 6 + 1),  // a path and its NUL
        ("@abstract", 2 + 1 + 8),  // leading NUL + name, no trailing NUL
        ("", 2),  // unnamed (autobind)
        ("relative/path", 2 + 13 + 1),
        ("@", 2 + 1),  // the abstract name that is one NUL byte: not the unnamed address
    ])
    func roundTrip(_ name: String, _ length: Int) throws {
        let sa = try UnixAddr(name: name).socketAddress()
        #expect(sa.family == sa_family_t(AF_UNIX))
        #expect(Int(sa.length) == length)
        #expect(UnixAddr(sa, net: "unixgram") == UnixAddr(name: name, net: "unixgram"))
    }

    @Test func abstractNameIsLeadingNUL() throws {
        let sa = try UnixAddr(name: "@nk").socketAddress()
        let raw = try #require(sa.unix)
        let path = withUnsafeBytes(of: raw.sun_path) { Array($0.prefix(4)) }
        #expect(path == [0, UInt8(ascii: "n"), UInt8(ascii: "k"), 0])
    }

    @Test func longestNamesFit() throws {
        let path = "/" + String(repeating: "p", count: 106)  // 107 bytes + NUL = all of sun_path
        #expect(path.utf8.count == UnixAddr.maxNameLength)
        let pathAddress = try UnixAddr(name: path).socketAddress()
        #expect(pathAddress.length == 2 + 108)
        #expect(UnixAddr(pathAddress)?.name == path)

        let abstract = "@" + String(repeating: "a", count: 107)  // NUL + 107 bytes = all of sun_path
        let abstractAddress = try UnixAddr(name: abstract).socketAddress()
        #expect(abstractAddress.length == 2 + 108)
        #expect(UnixAddr(abstractAddress)?.name == abstract)
    }

    @Test(arguments: [
        "/" + String(repeating: "p", count: 107),  // 108 bytes: no room for the NUL
        "/" + String(repeating: "p", count: 300),
        "@" + String(repeating: "a", count: 108),  // 109 bytes
        String(repeating: "é", count: 54),  // 108 bytes of UTF-8
    ])
    func tooLongIsAnErrorNotATruncation(_ name: String) {
        #expect(throws: AddrError(err: "unix socket path too long (at most 107 bytes)", addr: name)) {
            _ = try UnixAddr(name: name).socketAddress()
        }
        do {
            _ = try UnixAddr(name: name).socketAddress()
        } catch {
            #expect(error.description == "address \(name): unix socket path too long (at most 107 bytes)")
        }
    }

    @Test func nulInPathIsAnError() throws {
        #expect(throws: AddrError(err: "unix socket path contains a NUL byte", addr: "/tmp/a\0b")) {
            _ = try UnixAddr(name: "/tmp/a\0b").socketAddress()
        }
        // An abstract name is a byte string: NULs are part of it, and the length keeps them.
        let sa = try UnixAddr(name: "@a\0b").socketAddress()
        #expect(sa.length == 2 + 4)
        #expect(UnixAddr(sa)?.name == "@a\0b")
    }

    @Test func otherFamiliesAreNotUnixAddresses() {
        #expect(UnixAddr(SocketAddress.ipv4(127, 0, 0, 1, port: 80)) == nil)
        #expect(UnixAddr(SocketAddress()) == nil)
    }

    /// The kernel agrees: bind an abstract name and an autobound one, and read them back with getsockname.
    @Test func kernelRoundTripAbstractAndAutobind() throws {
        let name = "@netkit-addr-test-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let named = try Socket(.unix, .datagram)
        defer { try? named.close() }
        try named.bind(UnixAddr(name: name, net: "unixgram").socketAddress())
        #expect(try UnixAddr(named.localAddress, net: "unixgram") == UnixAddr(name: name, net: "unixgram"))

        let autobound = try Socket(.unix, .datagram)
        defer { try? autobound.close() }
        try autobound.bind(UnixAddr(name: "", net: "unixgram").socketAddress())
        let local = try #require(UnixAddr(try autobound.localAddress, net: "unixgram"))
        // Linux autobinds "\0" + five hex digits.
        #expect(local.name.utf8.count == 6 && local.name.hasPrefix("@"), "autobound name \(local.name)")

        // An unnamed socket (never bound) reads back as "".
        let unnamed = try Socket(.unix, .stream)
        defer { try? unnamed.close() }
        #expect(try UnixAddr(unnamed.localAddress)?.name == "")
    }

    /// A path binds a file of exactly that name (no truncation, no trailing garbage).
    @Test func kernelRoundTripPath() throws {
        var template = Array("/tmp/netkit-addr-XXXXXX".utf8CString)
        let directory = try #require(template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) })
        let dir = String(cString: directory)
        let path = dir + "/" + String(repeating: "s", count: UnixAddr.maxNameLength - dir.utf8.count - 1)
        #expect(path.utf8.count == UnixAddr.maxNameLength)
        defer {
            unlink(path)
            rmdir(dir)
        }
        let socket = try Socket(.unix, .stream)
        defer { try? socket.close() }
        try socket.bind(UnixAddr(name: path).socketAddress())
        #expect(try UnixAddr(socket.localAddress)?.name == path)
        #expect(access(path, F_OK) == 0)
    }
}

extension UnixAddrTests {
    @Test func socketAddressConvertible() throws {
        let addr = UnixAddr(name: "@x", net: "unixgram")
        #expect(addr.family == .unix && !addr.isWildcard)
        #expect(try addr.socketAddress(family: .inet6) == addr.socketAddress())
        #expect(addr.toLocal(network: "unixgram") == addr)
        let endpoints: [any SocketAddressConvertible] = [addr, TCPAddr(), UDPAddr(ip: .ipv6Loopback), IPAddr()]
        #expect(endpoints.map(\.family) == [.unix, .inet, .inet6, .inet])
        #expect(endpoints.map(\.isWildcard) == [false, true, false, true])
    }
}
