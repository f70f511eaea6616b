import Foundation
import Testing
@testable import FlatlineCore

/// Bad input gets a clear warning on stderr and in the JSON, and the rest of the analysis goes on.
@Suite struct BadInputTests {
  static let goodLines = """
    Mar  1 10:00:00 web1 kernel: [    0.000000] Linux version 6.1.0-18-amd64 (debian-kernel@lists.debian.org)
    Mar  1 10:00:05 web1 systemd[1]: Started Daily apt download activities.
    Mar  1 11:00:00 web1 CRON[1201]: (root) CMD (run-parts /etc/cron.hourly)

    """

  func analyze(_ dir: URL) throws -> (CLI.Result, [String: Any]) {
    let r = try CLI.run(["analyze", dir.path, "-o", "json", "--year", "2024", "--timezone", "UTC"])
    return (r, try CLI.json(r.stdout))
  }

  func inputs(_ report: [String: Any]) -> [[String: Any]] { report["inputs"] as? [[String: Any]] ?? [] }

  func warnings(_ report: [String: Any], _ suffix: String) -> [String] {
    inputs(report).filter { ($0["path"] as? String)?.hasSuffix(suffix) == true }
      .flatMap { $0["warnings"] as? [String] ?? [] }
  }

  @Test func emptyDirectoryIsNoReadableInput() throws {
    let dir = try CLI.tempDir()
    defer { try? FileManager.default.removeItem(at: dir) }
    let r = try CLI.run(["analyze", dir.path])
    #expect(r.status == 2)
    #expect(r.stderr.contains("no readable input"))
  }

  @Test func versionIsPrintedLikeOtherTools() throws {
    for args in [["--version"], ["analyze", "--version"], ["boots", "--version"]] {
      let r = try CLI.run(args)
      #expect(r.status == 0, "\(args): \(r.stderr)")
      #expect(r.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == FlatlineVersion.string, "\(args)")
    }
  }

  @Test func usageErrorExitsWithTwo() throws {
    #expect(try CLI.run(["analyze", "--format", "xml", "SampleLogs"]).status == 2)
    #expect(try CLI.run(["analyze", "--since", "yesterday-ish", "SampleLogs"]).status == 2)
  }

  @Test func truncatedGzipGarbageHugeLineAndInvalidUTF8() throws {
    let dir = try CLI.tempDir()
    defer { try? FileManager.default.removeItem(at: dir) }
    try Self.goodLines.write(to: dir.appendingPathComponent("syslog"), atomically: true, encoding: .utf8)
    // A truncated gzip member of the same rotation set.
    let older = dir.appendingPathComponent("syslog.1")
    var many = ""
    for i in 0..<4000 { many += "Feb 28 0\(i % 10):00:00 web1 app[7]: line \(i) with some padding text to compress\n" }
    try many.write(to: older, atomically: true, encoding: .utf8)
    let gz = Process()
    gz.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    gz.arguments = ["gzip", "-f", older.path]
    try gz.run()
    gz.waitUntilExit()
    let gzURL = dir.appendingPathComponent("syslog.1.gz")
    let full = try Data(contentsOf: gzURL)
    try full.prefix(full.count / 2).write(to: gzURL)
    // Binary garbage.
    var garbage = Data()
    var x: UInt32 = 2_463_534_242
    for _ in 0..<65536 {
      x ^= x << 13
      x ^= x >> 17
      x ^= x << 5
      garbage.append(UInt8(truncatingIfNeeded: x))
    }
    try garbage.write(to: dir.appendingPathComponent("garbage.bin"))
    // A syslog file with a 10 MB line and invalid UTF-8.
    var weird = Data("Mar  1 10:00:01 web1 app[9]: start\n".utf8)
    weird.append(Data("Mar  1 10:00:02 web1 app[9]: ".utf8))
    weird.append(Data(repeating: UInt8(ascii: "x"), count: 10 * 1024 * 1024))
    weird.append(Data("\nMar  1 10:00:03 web1 app[9]: bad bytes \u{FF} ".utf8))
    weird.append(contentsOf: [0xC3, 0x28, 0xFF, 0xFE, 0x0A])
    weird.append(Data("Mar  1 10:00:04 web1 app[9]: after\n".utf8))
    try weird.write(to: dir.appendingPathComponent("daemon.log"))

    let (r, report) = try analyze(dir)
    #expect(r.status == 0, "stderr: \(r.stderr)")
    #expect(!warnings(report, "syslog.1.gz").isEmpty, "truncated gzip must warn")
    #expect(r.stderr.contains("syslog.1.gz"))
    #expect(!warnings(report, "garbage.bin").isEmpty, "binary garbage must be listed with a reason")
    #expect(!warnings(report, "daemon.log").isEmpty, "a 10 MB line must warn")
    let daemon = inputs(report).first { ($0["path"] as? String)?.hasSuffix("daemon.log") == true }
    #expect((daemon?["records"] as? Int ?? 0) >= 3)
    // The rest of the analysis went on: the good syslog boot is there.
    #expect(CLI.boots(report).count >= 1)
  }

  @Test func unreadableFileIsListedAndTheRestGoesOn() throws {
    let dir = try CLI.tempDir()
    defer { try? FileManager.default.removeItem(at: dir) }
    try Self.goodLines.write(to: dir.appendingPathComponent("syslog"), atomically: true, encoding: .utf8)
    let locked = dir.appendingPathComponent("messages")
    try Self.goodLines.write(to: locked, atomically: true, encoding: .utf8)
    if geteuid() == 0 {
      // root reads any file: a dangling link stands in for a file that cannot be opened.
      try FileManager.default.removeItem(at: locked)
      try FileManager.default.createSymbolicLink(atPath: locked.path, withDestinationPath: "/nonexistent/messages")
    } else {
      chmod(locked.path, 0)
    }
    let (r, report) = try analyze(dir)
    #expect(r.status == 0)
    #expect(!warnings(report, "messages").isEmpty)
    #expect(r.stderr.contains("messages"))
    #expect(CLI.boots(report).count == 1)
  }
}
