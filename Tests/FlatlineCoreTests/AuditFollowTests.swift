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
    func describe(_ r: AnalysisResult) -> [String] {
      r.hosts.flatMap { h in
        h.boots.map { b in
          "\(h.name) \(b.ending.rawValue) " + b.evidence.map { "\($0.kind.rawValue)@\($0.location.line)" }.joined(separator: ",")
        }
      }
    }
    let analyzed = Analyzer.run(AnalysisOptions(paths: [path], ingest: options, host: "db-prod-2"))
    #expect(describe(analyzed).count >= (cutBeforeBoot ? 2 : 3))
    // Written in three pieces, the first ending inside a line.
    let cuts = [whole.count / 3 + 11, whole.count * 2 / 3]
    try Data(whole[..<cuts[0]]).write(to: URL(fileURLWithPath: path))
    let registry = InputRegistry()
    let box = SinkBox(AnalysisSink(registry: registry, rules: []))
    let follower = FileFollower(path: path, registry: registry, options: options, host: "db-prod-2")
    #expect(follower.start(into: box, now: 0).isEmpty)
    #expect(follower.format == .audit)
    for (i, c) in cuts.enumerated() {
      let handle = try #require(FileHandle(forWritingAtPath: path))
      handle.seekToEndOfFile()
      handle.write(Data(whole[c..<(i + 1 < cuts.count ? cuts[i + 1] : whole.count)]))
      try handle.close()
      #expect(follower.poll(into: box, now: 0).isEmpty)
    }
    // Ten minutes on, events still held for a `SYSTEM_BOOT` are handed on, as at the end of a batch read.
    #expect(follower.poll(into: box, now: .max / 2).isEmpty)
    box.sink.engine.finish()
    let followed = Analyzer.result(engine: box.sink.engine, registry: registry, options: AnalysisOptions(paths: []))
    #expect(describe(followed) == describe(analyzed))
    #expect(registry.inputs.allSatisfy { $0.kind == .audit && $0.warnings.isEmpty })
    #expect(registry.inputs.reduce(0) { $0 + $1.records } == analyzed.inputs.reduce(0) { $0 + $1.records })
  }
}
