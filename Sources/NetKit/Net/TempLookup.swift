// TEMPORARY until the lookup branch lands.
import Glibc
func lookupPort(network: String, service: String) async throws -> Int {
    try lookupPortLocally(network: network, service: service)
}
func lookupIPAddresses(host: String, family: Int32, deadline: ContinuousClock.Instant?) async throws -> [IP] {
    if host == "localhost" { return [IP(127, 0, 0, 1), .ipv6Loopback] }
    throw DNSError(err: "no such host", name: host, isNotFound: true)
}
