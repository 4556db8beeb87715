// swift-tools-version:6.1
// NetKit's micro-benchmarks, in a package of their own so that the library keeps zero dependencies.
//
//     cd Benchmarks && swift package --disable-sandbox benchmark
//
// One executable target per layer under Benchmarks/<Name>/<Name>.swift (the layout package-benchmark's
// plugin looks for). Metrics: wall clock, CPU time, malloc count and throughput.
import PackageDescription

let package = Package(
    name: "NetKitBenchmarks",
    dependencies: [
        .package(name: "NetKit", path: ".."),
        // package-benchmark (renamed "benchmark"; the old URL still works but warns). The malloc counters come
        // from its interposer, which Swift 6.3 on Linux needs as a trait.
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: ["AddressBenchmarks", "BinaryBenchmarks", "DNSBenchmarks", "IOBenchmarks", "NetBenchmarks"].map { name in
        .executableTarget(
            name: name,
            dependencies: [
                .product(name: "NetKit", package: "NetKit"),
                .product(name: "Benchmark", package: "benchmark"),
            ],
            path: "Benchmarks/\(name)",
            plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
        )
    },
    swiftLanguageModes: [.v6]
)
