// The resolver's message layer: building the query it sends, and parsing a typical answer (a CNAME and four A
// records, compressed) the way it parses one — header, question, skipping the CNAME chain, reading the
// addresses. Issue 7 asks for this cost; the network round trip is NetBenchmarks' job.
import Benchmark
@_spi(Benchmarks) import NetKit

let name = "www.example.com."

let benchmarks: @Sendable () -> Void = {
    Benchmark.defaultConfiguration = .init(
        metrics: [.wallClock, .cpuTotal, .mallocCountTotal, .throughput],
        warmupIterations: 3,
        scalingFactor: .kilo,
        maxDuration: .seconds(1),
        maxIterations: 10_000
    )

    Benchmark("DNS build query (A, EDNS0)") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try DNSBenchmarkHooks.buildQuery(name)) }
    }

    let response = try! DNSBenchmarkHooks.typicalResponse(name)
    Benchmark("DNS parse answer (CNAME + 4 A)") { benchmark in
        for _ in benchmark.scaledIterations { blackHole(try DNSBenchmarkHooks.parseAddresses(response)) }
    }
}
