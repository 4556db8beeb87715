// swift-tools-version:6.0
// NetKit — Go's `net` package for Swift on POSIX file descriptors.
// No package dependencies: only the toolchain (Glibc, Synchronization, Swift Testing).
import PackageDescription

let package = Package(
    name: "NetKit",
    products: [
        .library(name: "NetKit", targets: ["NetKit"]),
        // Example programs (Examples/<name>/): RFC 867 daytime, RFC 868 time, RFC 862 echo, a small netcat.
        .executable(name: "daytime-client", targets: ["daytime-client"]),
        .executable(name: "daytime-server", targets: ["daytime-server"]),
        .executable(name: "time-client", targets: ["time-client"]),
        .executable(name: "time-server", targets: ["time-server"]),
        .executable(name: "echo-server", targets: ["echo-server"]),
        .executable(name: "nkcat", targets: ["nkcat"]),
        .executable(name: "nklookup", targets: ["nklookup"]),
    ],
    targets: [
        // What Glibc does not export to Swift: epoll, eventfd, accept4, packed epoll_event, CMSG macros.
        .target(name: "CNetKit", path: "Sources/CNetKit"),
        .target(
            name: "NetKit",
            dependencies: ["CNetKit"],
            path: "Sources/NetKit"
        ),
        // What several examples share: duration parsing, the open-connection set, SIGINT/SIGTERM handling.
        .target(name: "ExampleSupport", dependencies: ["NetKit"], path: "Examples/ExampleSupport"),
        .executableTarget(name: "daytime-client", dependencies: ["NetKit", "ExampleSupport"], path: "Examples/daytime-client"),
        .executableTarget(name: "daytime-server", dependencies: ["NetKit", "ExampleSupport"], path: "Examples/daytime-server"),
        .executableTarget(name: "time-client", dependencies: ["NetKit", "ExampleSupport"], path: "Examples/time-client"),
        .executableTarget(name: "time-server", dependencies: ["NetKit", "ExampleSupport"], path: "Examples/time-server"),
        .executableTarget(name: "echo-server", dependencies: ["NetKit", "ExampleSupport"], path: "Examples/echo-server"),
        .executableTarget(name: "nkcat", dependencies: ["NetKit", "ExampleSupport"], path: "Examples/nkcat"),
        .executableTarget(name: "nklookup", dependencies: ["NetKit", "ExampleSupport"], path: "Examples/nklookup"),
        // Runs NetKit with its loops as Swift's default executor, a process-wide switch the test runner cannot
        // make for itself; LoopExecutorTests runs it as a child process.
        .executableTarget(name: "loop-executor-check", dependencies: ["NetKit"], path: "Tests/LoopExecutorCheck"),
        .testTarget(
            name: "NetKitTests",
            dependencies: ["NetKit", "CNetKit", "loop-executor-check"],
            path: "Tests/NetKitTests"
        ),
    ],
    swiftLanguageModes: [.v6]
)
