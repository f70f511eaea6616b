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

/// `flatline tail` without a path follows the local journal and what `analyze` reads in /var/log. It followed only
/// `syslog` and `messages` there: a datastore's own log (PostgreSQL's crash recovery), wtmp and the audit log were
/// left out, so PostgreSQL's crash recovery was neither a finding nor an incident's event.
@Suite struct TailDefaultPathsTests {
  @Test func withoutPathsTheLogFolderIsFollowedAsAFolderIs() throws {
    let dir = SyslogTestFiles.tempDir()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let log = dir + "/log"
    try FileManager.default.createDirectory(atPath: log + "/postgresql", withIntermediateDirectories: true)
    SyslogTestFiles.write(log + "/syslog", """
      Mar  3 10:00:00 web1 kernel: [    0.000000] Linux version 6.8.0-31-generic (buildd@lcy02-amd64-080) #31-Ubuntu SMP
      Mar  3 11:00:00 web1 CRON[900]: (root) CMD (run-parts /etc/cron.hourly)
      Mar  3 12:00:20 web1 kernel: [    0.000000] Linux version 6.8.0-31-generic (buildd@lcy02-amd64-080) #31-Ubuntu SMP

      """)
    SyslogTestFiles.write(log + "/postgresql/postgresql-15-main.log", """
      2024-03-03 12:00:31.100 UTC [810] LOG:  database system was interrupted; last known up at 2024-03-03 11:58:00 UTC
      2024-03-03 12:00:31.200 UTC [810] LOG:  database system was not properly shut down; automatic recovery in progress

      """)
    var options = TailOptions(
      stateDirectory: dir + "/state", outputPath: dir + "/events.ndjson", ingest: IngestOptions(year: 2024, timeZone: "UTC"))
    options.logDirectory = log
    let service = TailService(options: options)
    #expect(service.store.prepare() == nil)
    #expect(service.output.open() == nil)
    service.rebuild()
    #expect(Set(service.files.map(\.path)) == [
      log + "/syslog", log + "/postgresql/postgresql-15-main.log", log + "/messages",
    ])
    let events = try String(contentsOfFile: dir + "/events.ndjson", encoding: .utf8)
    let finding = events.split(separator: "\n").first { $0.contains("postgresql.automatic-recovery") }
    #expect(finding?.contains("\"type\":\"finding\"") == true, "\(events)")
  }
}
