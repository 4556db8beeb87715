// swift-tools-version:6.0
// NetKit — Go's `net` package for Swift on POSIX file descriptors.
// No package dependencies: only the toolchain (Glibc, Synchronization, Swift Testing).
import PackageDescription

let package = Package(
    name: "NetKit",
    products: [
        .library(name: "NetKit", targets: ["NetKit"]),
    ],
    targets: [
        // What Glibc does not export to Swift: epoll, eventfd, accept4, packed epoll_event, CMSG macros.
        .target(name: "CNetKit", path: "Sources/CNetKit"),
        .target(
            name: "NetKit",
            dependencies: ["CNetKit"],
            path: "Sources/NetKit"
        ),
        .executableTarget(name: "nklookup", dependencies: ["NetKit"], path: "Examples/nklookup"),
        .testTarget(
            name: "NetKitTests",
            dependencies: ["NetKit", "CNetKit"],
            path: "Tests/NetKitTests"
        ),
    ],
    swiftLanguageModes: [.v6]
)
