import Foundation
import Testing

@Suite struct NoticeCLITests {
  static let fixtures = "Tests/FlatlineCoreTests/Fixtures/notices"

  @Test func noticesOptionReadsFilesAndFolders() throws {
    let r = try CLI.run([
      "analyze", "-o", "json", "SampleLogs/clean-reboot", "--notices", "\(Self.fixtures)/operator.yaml",
    ])
    #expect(r.status == 0)
    let report = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any]
    let inputs = report?["inputs"] as? [[String: Any]] ?? []
    #expect(inputs.contains { ($0["path"] as? String)?.hasSuffix("operator.yaml") == true })
  }

  @Test func badHostMapOrMissingNoticesIsAUsageError() throws {
    let missing = try CLI.run(["analyze", "SampleLogs/clean-reboot", "--host-map", "/nonexistent/map.yaml"])
    #expect(missing.status == 2)
    #expect(missing.stderr.contains("--host-map: /nonexistent/map.yaml: no such file"))
    let dir = try CLI.tempDir()
    defer { try? FileManager.default.removeItem(at: dir) }
    let bad = dir.appendingPathComponent("map.txt")
    try "i-0aaa db-1 extra\n".write(to: bad, atomically: true, encoding: .utf8)
    let r = try CLI.run(["analyze", "SampleLogs/clean-reboot", "--host-map", bad.path])
    #expect(r.status == 2)
    #expect(r.stderr.contains("\(bad.path):1: expected 'instance host' (two words), found 3"))
    #expect(try CLI.run(["analyze", "SampleLogs/clean-reboot", "--notices", "/nonexistent/n.json"]).status == 2)
  }
}
