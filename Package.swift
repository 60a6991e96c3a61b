// swift-tools-version:6.0
import PackageDescription

let package = Package(
  name: "billable",
  platforms: [.macOS(.v13)],
  products: [
    .executable(name: "billable", targets: ["billable"])
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/LebJe/TOMLKit", from: "0.6.0"),
    .package(url: "https://github.com/modelcontextprotocol/swift-sdk", from: "0.12.1"),
  ],
  targets: [
    // System libraries. Each is found through pkg-config and installed by the Makefile.
    .systemLibrary(
      name: "CLibXML2", pkgConfig: "libxml-2.0", providers: [.apt(["libxml2-dev"])]),
    // SHA-256 through OpenSSL's libcrypto: as fast as swift-crypto here (1.1 GB/s), and it
    // costs no package build, where swift-crypto adds 70-90 s to every clean CI build.
    .systemLibrary(name: "CLibCrypto", pkgConfig: "libcrypto", providers: [.apt(["libssl-dev"])]),
    .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
    .systemLibrary(name: "CSQLite", pkgConfig: "sqlite3", providers: [.apt(["libsqlite3-dev"])]),
    .systemLibrary(name: "CCurl", pkgConfig: "libcurl", providers: [.apt(["libcurl4-openssl-dev"])]),

    .target(name: "BillableModel"),
    .target(name: "BillableMIME", dependencies: ["BillableModel", "CLibXML2"]),
    .target(name: "BillableMailbox", dependencies: ["BillableModel", "CLibCrypto", "CZlib"]),
    .target(name: "BillableConfig", dependencies: ["BillableModel", .product(name: "TOMLKit", package: "TOMLKit")]),
    .target(name: "BillableAnalysis", dependencies: ["BillableModel", "BillableMIME", "BillableConfig", "CCurl"]),
    .target(name: "BillableStore", dependencies: ["BillableModel", "CSQLite"]),
    .target(
      name: "BillablePipeline",
      dependencies: ["BillableModel", "BillableMIME", "BillableMailbox", "BillableAnalysis", "BillableConfig"]),
    .target(name: "BillableReports", dependencies: ["BillableModel"]),
    .executableTarget(
      name: "billable",
      dependencies: [
        "BillableModel", "BillableMIME", "BillableMailbox", "BillableConfig", "BillableAnalysis",
        "BillableStore", "BillablePipeline", "BillableReports",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
        .product(name: "MCP", package: "swift-sdk"),
      ]),
    .target(name: "BillableTestSupport", dependencies: ["BillableModel"]),

    .testTarget(
      name: "BillableMIMETests", dependencies: ["BillableMIME", "BillableMailbox", "BillableModel", "BillableTestSupport"]),
    .testTarget(
      name: "BillableMailboxTests",
      dependencies: ["BillableMailbox", "BillableMIME", "BillableModel", "BillableTestSupport"]),
    .testTarget(
      name: "BillableConfigTests", dependencies: ["BillableConfig", "BillableModel", "BillableTestSupport"]),
    .testTarget(
      name: "BillableAnalysisTests",
      dependencies: ["BillableAnalysis", "BillableConfig", "BillableMIME", "BillableModel", "BillableTestSupport"]),
    .testTarget(name: "BillableStoreTests", dependencies: ["BillableStore", "BillableModel"]),
    .testTarget(name: "BillableReportsTests", dependencies: ["BillableReports", "BillableModel"]),
    .testTarget(
      name: "BillablePipelineTests",
      dependencies: [
        "BillablePipeline", "BillableStore", "BillableAnalysis", "BillableConfig", "BillableModel", "BillableTestSupport",
      ]),
    .testTarget(name: "BillableCLITests", dependencies: ["BillableTestSupport"]),

    // libFuzzer entry point. A plain build makes a harmless no-op binary; `make fuzz` builds the
    // real fuzzer with --sanitize=fuzzer into .build-fuzz.
    .executableTarget(
      name: "FuzzMIME", dependencies: ["BillableMIME", "BillableMailbox"], path: "Tests/Fuzz/FuzzMIME"),
  ]
)

for target in package.targets where target.type != .system {
  var settings = target.swiftSettings ?? []
  settings.append(.enableUpcomingFeature("ExistentialAny"))
  settings.append(.enableUpcomingFeature("MemberImportVisibility"))
  target.swiftSettings = settings
}
