// swift-tools-version:6.0
import PackageDescription

let package = Package(
  name: "Flatline",
  platforms: [.macOS(.v13)],
  products: [
    .executable(name: "flatline", targets: ["flatline"]),
    .library(name: "FlatlineCore", targets: ["FlatlineCore"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
    .package(url: "https://github.com/jpsim/Yams", from: "5.0.1"),
  ],
  targets: [
    // MARK: - C libraries (the only C boundary; imported by FlatlineCore/Ingest alone)
    .systemLibrary(
      name: "CSystemd",
      pkgConfig: "libsystemd",
      providers: [.apt(["libsystemd-dev"])]
    ),
    // Linux event APIs for the tail daemon (epoll, inotify, signalfd); headers only, no library.
    .systemLibrary(name: "CLinux"),
    .systemLibrary(
      name: "CZlib",
      pkgConfig: "zlib",
      providers: [.apt(["zlib1g-dev"])]
    ),
    // xz and bzip2 members of rotation sets (SUSE's logrotate compresses with xz).
    .systemLibrary(
      name: "CLzma",
      pkgConfig: "liblzma",
      providers: [.apt(["liblzma-dev"])]
    ),
    .systemLibrary(
      name: "CBzip2",
      providers: [.apt(["libbz2-dev"])]
    ),
    // wtmpdb's login database (`/var/lib/wtmpdb/wtmp.db`), read-only.
    .systemLibrary(
      name: "CSQLite",
      pkgConfig: "sqlite3",
      providers: [.apt(["libsqlite3-dev"])]
    ),

    // MARK: - Core: model → ingest → detection → correlation → report → tail
    .target(
      name: "FlatlineCore",
      dependencies: ["CSystemd", "CZlib", "CLzma", "CBzip2", "CSQLite", "CLinux", .product(name: "Yams", package: "Yams")],
      // The hot path (per line) touches class properties; dynamic exclusivity checks cost ~12% of a syslog run.
      // Static checks stay on.
      swiftSettings: [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]
    ),

    // MARK: - Command line (no logic of its own)
    .executableTarget(
      name: "flatline",
      dependencies: [
        "FlatlineCore",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ]
    ),

    // MARK: - Benchmark (`swift run -c release flatline-bench`; not a test)
    .target(name: "FlatlineBenchKit", dependencies: ["FlatlineCore"]),
    .executableTarget(name: "flatline-bench", dependencies: ["FlatlineCore", "FlatlineBenchKit"]),

    // MARK: - Tests
    .testTarget(
      name: "FlatlineCoreTests",
      dependencies: ["FlatlineCore", "FlatlineBenchKit"],
      exclude: ["Fixtures"]  // read in place through #filePath
    ),
    .testTarget(
      name: "FlatlineCLITests",
      dependencies: ["FlatlineCore"]
    ),
  ]
)
