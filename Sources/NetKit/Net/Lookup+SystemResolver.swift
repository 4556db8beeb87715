// The C library's resolver: getaddrinfo(3) and getnameinfo(3), run on `BlockingPool` threads.
// (Go: net/cgo_unix.go, net/cgo_linux.go, net/cgo_resnew.go, net/ipsock.go `internetAddrList`.)

import CNetKit
import Glibc

extension DNSError {
    // Go's exact texts (net/net.go errNoSuchHost, errTimeout; net/lookup.go errMalformedDNSRecordsDetail).
    static let noSuchHost = "no such host"
    static let timeout = "i/o timeout"
    static let invalidAddress = "invalid address"
    static let malformedRecords = "DNS response contained records which contain invalid names"
}

extension AddrError {
    /// Go's `errNoSuitableAddress` text (net/net.go).
    static let noSuitableAddress = "no suitable address found"
}

/// The addresses of `host` as the C library's resolver returns them for `family`, unfiltered: an IP literal
/// as it is, a name through `getaddrinfo(3)` on a `BlockingPool` thread, so it sees `/etc/hosts`, DNS and
/// whatever `nsswitch.conf` lists (`AF_INET` keeps IPv4 and IPv4-mapped addresses, as glibc maps them).
///
/// - Throws: `DNSError` (`"no such host"` with `isNotFound`; `"i/o timeout"` with `isTimeout` when the deadline
///   passes; the resolver's text for other failures, `isTemporary` for `EAI_AGAIN`); `CancellationError`.
///
/// The corresponding Go function is the unexported `net.cgoLookupIP` (reached through `lookupIPAddr`).
func systemLookupIPAddr(host: String, family: Int32, deadline: ContinuousClock.Instant?) async throws -> [IP] {
    // Make sure that no matter what we do later, host == "" is rejected.
    if host.isEmpty {
        throw DNSError(err: DNSError.noSuchHost, name: host, isNotFound: true)
    }
    if let literal = IP(host) {
        return [literal]
    }
    return try await resolveOnPool(name: host, deadline: deadline, timeoutIsTemporary: true) {
        SystemResolver.addresses(host: host, family: family).map(\.ips)
    }
}

/// Runs a blocking resolver call on `BlockingPool.shared` and turns a passed deadline into Go's DNS timeout
/// error for `name`.
///
/// `timeoutIsTemporary` follows Go: address lookups report their timeout through `newDNSError(errTimeout)`
/// (timeout and temporary), the others through `doBlockingWithCtx` (timeout only).
func resolveOnPool<T: Sendable>(
    name: String, deadline: ContinuousClock.Instant?, timeoutIsTemporary: Bool,
    _ body: @escaping @Sendable () -> Result<T, DNSError>
) async throws -> T {
    let result: Result<T, DNSError>
    do {
        result = try await runBlocking(deadline: deadline, body)
    } catch is BlockingTimeout {
        throw DNSError(err: DNSError.timeout, name: name, isTimeout: true, isTemporary: timeoutIsTemporary)
    }
    return try result.get()
}

/// The blocking calls into the C library's resolver. Each runs to completion on the calling thread: call them
/// only from a `BlockingPool` job.
enum SystemResolver {
    /// A successful `getaddrinfo(3)`: the addresses and the canonical name.
    struct Answer: Sendable {
        var ips: [IP]
        /// `ai_canonname` of the first entry, "" if none.
        var canonicalName: String
    }

    /// Go's `cgoAddrInfoFlags` on Linux. `AI_ADDRCONFIG` is left out on purpose: it makes glibc return the
    /// wrong canonical name and hides `::1` on hosts without a global IPv6 address.
    static let addrInfoFlags = AI_CANONNAME | AI_V4MAPPED | AI_ALL

    /// glibc's `EAI_NODATA` ("No address associated with hostname"), a GNU extension Swift does not import.
    static let eaiNoData: Int32 = -5

    /// `getaddrinfo(host, nil, {flags, family, SOCK_STREAM})`: one entry per address, in the order the
    /// resolver sorted them (RFC 6724), duplicates removed.
    ///
    /// The corresponding Go function is the unexported `net.cgoLookupHostIP`.
    static func addresses(host: String, family: Int32) -> Result<Answer, DNSError> {
        if host.utf8.contains(0) {
            return .failure(DNSError(err: Errno.invalidArgument.description, name: host))
        }
        var hints = addrinfo()
        hints.ai_flags = addrInfoFlags
        hints.ai_family = family
        hints.ai_socktype = NK_SOCK_STREAM  // else one entry per socket type
        var list: UnsafeMutablePointer<addrinfo>?
        let code = getaddrinfo(host, nil, &hints, &list)
        let savedErrno = errno
        if code != 0 {
            return .failure(error(code, errno: savedErrno, name: host))
        }
        defer { freeaddrinfo(list) }

        var answer = Answer(ips: [], canonicalName: "")
        if let first = list, let canonicalName = first.pointee.ai_canonname {
            answer.canonicalName = String(cString: canonicalName)
        }
        var next = list
        while let entry = next {
            next = entry.pointee.ai_next
            // We only asked for SOCK_STREAM, but check anyhow.
            guard entry.pointee.ai_socktype == NK_SOCK_STREAM, let address = entry.pointee.ai_addr,
                let ip = ip(of: address, length: entry.pointee.ai_addrlen)
            else { continue }
            if !answer.ips.contains(ip) {  // /etc/hosts may repeat an address
                answer.ips.append(ip)
            }
        }
        return .success(answer)
    }

    /// `getnameinfo(address, NI_NAMEREQD)`: the name of `ip`, with a trailing dot if it has a dot inside.
    ///
    /// The corresponding Go function is the unexported `net.cgoLookupAddrPTR`.
    static func name(of ip: IP, lookingUp addr: String) -> Result<String, DNSError> {
        let address = socketAddress(of: ip)
        var code: Int32 = 0
        var savedErrno: Int32 = 0
        var name = ""
        var capacity = 64  // Go's nameinfoLen; doubled up to maxNameinfoLen on EAI_OVERFLOW
        while capacity <= 4096 {
            var buffer = [CChar](repeating: 0, count: capacity)
            code = address.withUnsafeSockaddr { sockaddr, length in
                getnameinfo(sockaddr, length, &buffer, socklen_t(capacity), nil, 0, NI_NAMEREQD)
            }
            savedErrno = errno
            if code == 0 {
                name = string(fromNulTerminated: buffer)
            }
            if code != EAI_OVERFLOW { break }
            capacity *= 2
        }
        if code != 0 {
            return .failure(error(code, errno: savedErrno, name: addr))
        }
        return .success(absoluteDomainName(name))
    }

    /// Go's mapping of a `getaddrinfo`/`getnameinfo` failure to a `DNSError` named `name`.
    static func error(_ code: Int32, errno: Int32, name: String) -> DNSError {
        switch code {
        case EAI_SYSTEM:
            // errno should be set, but sometimes is not on Linux; Go then reports EMFILE (golang.org/issue/6232).
            let errno = errno == 0 ? Errno.tooManyOpenFiles : Errno(rawValue: errno)
            return DNSError(
                err: errno.description, name: name, isTimeout: errno.isTimeout, isTemporary: errno.isTemporary)
        case EAI_NONAME, eaiNoData:
            return DNSError(err: DNSError.noSuchHost, name: name, isNotFound: true)
        default:
            // Go's addrinfoErrno: the C library's text; temporary only for EAI_AGAIN.
            let text = gai_strerror(code).map { String(cString: $0) } ?? "getaddrinfo error \(code)"
            return DNSError(err: text, name: name, isTemporary: code == EAI_AGAIN)
        }
    }

    /// The IP of an `AF_INET`/`AF_INET6` socket address, with the zone of a scoped IPv6 address.
    static func ip(of address: UnsafePointer<sockaddr>, length: socklen_t) -> IP? {
        switch Int32(address.pointee.sa_family) {
        case AF_INET where Int(length) >= MemoryLayout<sockaddr_in>.size:
            return address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) {
                IP(v4: UInt32(bigEndian: $0.pointee.sin_addr.s_addr))
            }
        case AF_INET6 where Int(length) >= MemoryLayout<sockaddr_in6>.size:
            return address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { v6 in
                let ip = withUnsafeBytes(of: v6.pointee.sin6_addr) { IP(bytes: $0) }
                return ip?.withZone(zoneName(index: v6.pointee.sin6_scope_id))
            }
        default:
            return nil
        }
    }

    /// The socket address of `ip` (port 0) as Go's `cgoSockaddr` builds it: IPv4 and IPv4-mapped addresses as
    /// `sockaddr_in`, others as `sockaddr_in6` with the zone's interface index.
    static func socketAddress(of ip: IP) -> SocketAddress {
        let unmapped = ip.unmap()
        if unmapped.is4, let v4 = unmapped.v4Value {
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = v4.bigEndian
            return SocketAddress(address)
        }
        return .ipv6(bytes: ip.bytes, port: 0, scopeID: zoneIndex(name: ip.zone))
    }

    /// The zone of an IPv6 scope id: the interface's name, or the number if no interface has it; "" for 0.
    ///
    /// The corresponding Go method is the unexported `(*net.ipv6ZoneCache).name`.
    static func zoneName(index: UInt32) -> String {
        if index == 0 { return "" }
        var buffer = [CChar](repeating: 0, count: Int(IF_NAMESIZE) + 1)
        guard if_indextoname(index, &buffer) != nil else { return String(index) }
        return string(fromNulTerminated: buffer)
    }

    /// The interface index of an IPv6 zone: the interface of that name, else the zone as a decimal number,
    /// else 0.
    ///
    /// The corresponding Go method is the unexported `(*net.ipv6ZoneCache).index`.
    static func zoneIndex(name: String) -> UInt32 {
        if name.isEmpty || name.utf8.contains(0) { return 0 }
        let index = if_nametoindex(name)
        if index != 0 { return index }
        return UInt32(name) ?? 0
    }

    /// The text before the first NUL of `buffer`.
    private static func string(fromNulTerminated buffer: [CChar]) -> String {
        let bytes = buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }
        return String(decoding: bytes, as: UTF8.self)
    }
}
