import Foundation
import Testing

@testable import FlatlineCore

/// `flatline tail` follows the Linux audit log as `analyze` reads it. It was refused ("not followed"): on a RHEL
/// host whose journal is volatile, its `SYSTEM_BOOT` and `SYSTEM_SHUTDOWN` events are a witness of their own.
@Suite struct AuditFollowTests {
  /// `cutBeforeBoot`: the log ends after auditd's last start, before its `SYSTEM_BOOT`: the events held for it are
  /// handed on once it can no longer come.
  @Test(arguments: [false, true]) func followedAuditLogGivesTheBootsAnalyzeGives(cutBeforeBoot: Bool) throws {
    let dir = SyslogTestFiles.tempDir()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let sample = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent("SampleLogs/rhel-audit-docker-postgres/var/log/audit/audit.log")
    var whole = try [UInt8](Data(contentsOf: sample))
    if cutBeforeBoot {
      let text = String(decoding: whole, as: UTF8.self)
      let last = try #require(text.range(of: "type=SYSTEM_BOOT", options: .backwards))
      whole = Array(text[..<last.lowerBound].utf8)
    }
    let path = dir + "/audit.log"
    try Data(whole).write(to: URL(fileURLWithPath: path))
    let options = IngestOptions(year: 2025, timeZone: "UTC")
    let batch = Analyzer.run(AnalysisOptions(paths: [path], ingest: options, host: "db-prod-2"))
    let analyzed = FollowerTesting.boots(batch)
    #expect(analyzed.count >= (cutBeforeBoot ? 2 : 3))
    // Written in three pieces, the first ending inside a line.
    let cuts = [whole.count / 3 + 11, whole.count * 2 / 3]
    try Data(whole[..<cuts[0]]).write(to: URL(fileURLWithPath: path))
    let registry = InputRegistry()
    let box = SinkBox(AnalysisSink(registry: registry, rules: []))
    let follower = FileFollower(path: path, registry: registry, options: options, host: "db-prod-2")
    #expect(follower.start(into: box, now: 0).isEmpty)
    #expect(follower.format == .audit)
    try FollowerTesting.append(whole, from: cuts, to: path, polling: follower, into: box)
    // Ten minutes on, events still held for a `SYSTEM_BOOT` are handed on, as at the end of a batch read.
    #expect(follower.poll(into: box, now: .max / 2).isEmpty)
    #expect(FollowerTesting.boots(of: box, registry) == analyzed)
    #expect(registry.inputs.allSatisfy { $0.kind == .audit && $0.warnings.isEmpty })
    #expect(registry.inputs.reduce(0) { $0 + $1.records } == batch.inputs.reduce(0) { $0 + $1.records })
  }
}
