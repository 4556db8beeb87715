import Glibc
import Testing
@testable import NetKit

@Suite("SocketAddress")
struct SocketAddressTests {
    @Test func ipv4() throws {
        let address = SocketAddress.ipv4(127, 0, 0, 1, port: 8080)
        #expect(address.family == sa_family_t(AF_INET))
        #expect(Int(address.length) == MemoryLayout<sockaddr_in>.size)
        #expect(address.description == "127.0.0.1:8080")
        #expect(address.port == 8080)
        let raw = try #require(address.ipv4)
        #expect(raw.sin_port == UInt16(8080).bigEndian)
        #expect(raw.sin_addr.s_addr == UInt32(0x7f00_0001).bigEndian)
        #expect(address.ipv6 == nil)
        #expect(address.unix == nil)
        #expect(address.unixPath == nil)
    }

    @Test func ipv6() throws {
        var bytes = [UInt8](repeating: 0, count: 16)
        bytes[15] = 1
        let loopback = SocketAddress.ipv6(bytes: bytes, port: 443)
        #expect(loopback.family == sa_family_t(AF_INET6))
        #expect(Int(loopback.length) == MemoryLayout<sockaddr_in6>.size)
        #expect(loopback.description == "[::1]:443")
        #expect(loopback.ipv4 == nil)
        #expect(try #require(loopback.ipv6).sin6_port == UInt16(443).bigEndian)
        let linkLocal = SocketAddress.ipv6(bytes: [0xfe, 0x80] + [UInt8](repeating: 0, count: 13) + [1], port: 80, scopeID: 2)
        #expect(linkLocal.description == "[fe80::1%2]:80")
        #expect(try #require(linkLocal.ipv6).sin6_scope_id == 2)
    }

    @Test func equalityAndHashingCompareTheBytesInUse() {
        let a = SocketAddress.ipv4(10, 0, 0, 1, port: 1)
        #expect(a == .ipv4(10, 0, 0, 1, port: 1))
        #expect(a != .ipv4(10, 0, 0, 1, port: 2))
        #expect(a != .ipv4(10, 0, 0, 2, port: 1))
        #expect(Set([a, .ipv4(10, 0, 0, 1, port: 1), .ipv4(10, 0, 0, 2, port: 1)]).count == 2)
        // Bytes beyond the length do not count.
        var filled = SocketAddress.ipv4(10, 0, 0, 1, port: 1).ipv4!
        withUnsafeMutableBytes(of: &filled.sin_zero) { $0[0] = 0 }
        #expect(SocketAddress(filled) == a)
        #expect(SocketAddress().length == SocketAddress.capacity)
    }

    @Test func copiesRawBytes() throws {
        var raw = sockaddr_in()
        raw.sin_family = sa_family_t(AF_INET)
        raw.sin_port = UInt16(53).bigEndian
        raw.sin_addr.s_addr = UInt32(0x0808_0808).bigEndian
        let address = SocketAddress(unsafeBytes: &raw, length: socklen_t(MemoryLayout<sockaddr_in>.size))
        #expect(address.description == "8.8.8.8:53")
        #expect(address == SocketAddress(raw))
        address.withUnsafeSockaddr { pointer, length in
            #expect(pointer.pointee.sa_family == sa_family_t(AF_INET))
            #expect(Int(length) == MemoryLayout<sockaddr_in>.size)
        }
    }

    @Test func unixPath() throws {
        let address = try SocketAddress.unix(path: "/tmp/netkit.sock")
        #expect(address.family == sa_family_t(AF_UNIX))
        #expect(Int(address.length) == 2 + 16 + 1)            // family + path + NUL
        #expect(address.unixPath == "/tmp/netkit.sock")
        #expect(address.description == "/tmp/netkit.sock")
        #expect(try #require(address.unix).sun_family == sa_family_t(AF_UNIX))
    }

    @Test func unixAbstract() throws {
        let address = try SocketAddress.unix(path: "@netkit")
        #expect(Int(address.length) == 2 + 7)                 // family + NUL + "netkit", no trailing NUL
        #expect(address.unixPath == "@netkit")
        let raw = try #require(address.unix)
        withUnsafeBytes(of: raw.sun_path) { #expect(Array($0.prefix(7)) == [0] + Array("netkit".utf8)) }
    }

    @Test func unixUnnamed() throws {
        let address = try SocketAddress.unix(path: "")
        #expect(address.length == 2)
        #expect(address.unixPath == "")
    }

    @Test("sun_path limits: 107 bytes for a path, 108 for an abstract name (as Go's syscall)")
    func unixLimits() throws {
        _ = try SocketAddress.unix(path: String(repeating: "a", count: 107))
        #expect(throws: Errno.invalidArgument) { try SocketAddress.unix(path: String(repeating: "a", count: 108)) }
        let longest = try SocketAddress.unix(path: "@" + String(repeating: "a", count: 107))
        #expect(Int(longest.length) == MemoryLayout<sockaddr_un>.size)
        #expect(throws: Errno.invalidArgument) { try SocketAddress.unix(path: "@" + String(repeating: "a", count: 108)) }
    }
}
