import Foundation
import Testing

/// `flatline rules list|check|test` and `--rules` on analyze.
@Suite struct RulesCommandTests {
  static let goodRule = """
    - id: myapp.unclean-start
      title: myapp found a stale lock
      component: myapp
      category: unclean-start
      identifiers: [myapp]
      anchors: [stale lock]
      regex: 'pid (?<oldPid>\\d+)'
      examples:
        match: ["stale lock of pid 12"]

    """

  static let badRule = """
    - id: myapp.bad
      title: bad
      component: myapp
      category: meltdown
      anchors: [x]
      shade: blue

    """

  func write(_ text: String, _ name: String, in dir: URL) throws -> String {
    let path = dir.appendingPathComponent(name).path
    try text.write(toFile: path, atomically: true, encoding: .utf8)
    return path
  }

  @Test func listShowsBuiltinAndUserRules() throws {
    let dir = try CLI.tempDir()
    defer { try? FileManager.default.removeItem(at: dir) }
    let rules = try write(Self.goodRule, "good.yml", in: dir)
    let text = try CLI.run(["rules", "list", "--rules", rules])
    #expect(text.status == 0)
    #expect(text.stdout.contains("postgresql.interrupted"))
    #expect(text.stdout.contains("myapp.unclean-start"))
    let json = try CLI.run(["rules", "list", "-o", "json"])
    #expect(json.status == 0)
    let list = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
    #expect(list.count > 100)
    #expect(list.contains { $0["id"] as? String == "mongodb.unclean-shutdown" && $0["category"] as? String == "unclean-start" })
  }

  /// The built-in rules are compiled in: a copy of the binary alone, run from an empty directory, has them all.
  @Test func binaryCopiedAloneHasTheBuiltinRules() throws {
    let dir = try CLI.tempDir()
    defer { try? FileManager.default.removeItem(at: dir) }
    let copy = dir.appendingPathComponent("flatline")
    try FileManager.default.copyItem(at: CLI.binary, to: copy)
    let p = Process()
    p.executableURL = copy
    p.arguments = ["rules", "list", "-o", "json"]
    p.currentDirectoryURL = dir
    let out = Pipe()
    p.standardOutput = out
    try p.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    #expect(p.terminationStatus == 0)
    let list = try #require(try JSONSerialization.jsonObject(with: data) as? [[String: Any]])
    let inBuild = try CLI.run(["rules", "list", "-o", "json"])
    #expect(list.count == (try JSONSerialization.jsonObject(with: Data(inBuild.stdout.utf8)) as? [Any])?.count)
    #expect(list.count > 100)
  }

  @Test func checkReportsFileLineAndExitCode() throws {
    let dir = try CLI.tempDir()
    defer { try? FileManager.default.removeItem(at: dir) }
    let good = try write(Self.goodRule, "good.yml", in: dir)
    let bad = try write(Self.badRule, "bad.yml", in: dir)
    let ok = try CLI.run(["rules", "check", good])
    #expect(ok.status == 0)
    #expect(ok.stdout.contains("1 rule OK, 0 errors"))
    let r = try CLI.run(["rules", "check", good, bad])
    #expect(r.status == 1)
    #expect(r.stdout.contains("\(bad):4: unknown category 'meltdown'"))
    #expect(r.stdout.contains("\(bad):6: unknown key 'shade'"))
  }

  @Test func testPrintsFiringLines() throws {
    let dir = try CLI.tempDir()
    defer { try? FileManager.default.removeItem(at: dir) }
    let rules = try write(Self.goodRule, "good.yml", in: dir)
    let log = try write(
      """
      Mar  1 10:00:00 web1 myapp[311]: starting
      Mar  1 10:00:01 web1 myapp[311]: stale lock of pid 4242 removed
      Mar  1 10:00:02 web1 other[9]: stale lock of pid 1

      """, "syslog", in: dir)
    let r = try CLI.run(["rules", "test", rules, log])
    #expect(r.status == 0)
    #expect(r.stdout == "\(log):2: myapp.unclean-start (myapp/unclean-start): stale lock of pid 4242 removed  [oldPid=4242]\n")
    let native = try write("2020-12-14 19:57:38.701 UTC [1] LOG:  all server processes terminated; reinitializing\n", "pg.log", in: dir)
    let b = try CLI.run(["rules", "test", "builtin", native, "--log", "postgresql"])
    #expect(b.stdout.contains("\(native):1: postgresql.reinitializing (postgresql/crash-recovery): "))
  }

  @Test func analyzeRejectsBadRuleFiles() throws {
    let dir = try CLI.tempDir()
    defer { try? FileManager.default.removeItem(at: dir) }
    let bad = try write(Self.badRule, "bad.yml", in: dir)
    let r = try CLI.run(["analyze", "--rules", bad, "SampleLogs"])
    #expect(r.status == 2)
    #expect(r.stderr.contains("\(bad):4: unknown category 'meltdown'"))
    let good = try write(Self.goodRule, "good.yml", in: dir)
    #expect(try CLI.run(["boots", "--rules", good, "SampleLogs", "--year", "2024"]).status == 0)
  }
}
