import Foundation
import Testing

@testable import FlatlineCore

/// Datastores run in containers: their lines inside Docker's json-file and Kubernetes' CRI envelopes.
@Suite struct ContainerEnvelopeTests {
  static func unwrap(_ e: ContainerEnvelope, _ line: String) -> (String, Bool)? {
    var out: [UInt8] = []
    var partial = false
    let ok = Array(line.utf8).withBytes { e.unwrap($0, into: &out, partial: &partial) }
    return ok ? (String(decoding: out, as: UTF8.self), partial) : nil
  }

  @Test func dockerJSONStringsAreDecoded() {
    let u = Self.unwrap(
      .docker, #"{"log":"a \"quoted\" \\ tab\tcaf\u00e9 \ud83d\ude00 end\r\n","stream":"stderr","time":"2024-03-01T10:00:00Z"}"#)
    #expect(u?.0 == "a \"quoted\" \\ tab\tcafé 😀 end")
    #expect(u?.1 == false)
    // No trailing newline: a piece of a longer line.
    #expect(Self.unwrap(.docker, #"{"log":"first half ","stream":"stdout","time":"2024-03-01T10:00:00Z"}"#)! == ("first half ", true))
    #expect(Self.unwrap(.docker, #"{"stream":"stdout","time":"2024-03-01T10:00:00Z"}"#) == nil)
    #expect(Self.unwrap(.docker, #"{"log":"cut off"#) == nil)
  }

  @Test func criLinesAndPieces() {
    #expect(Self.unwrap(.cri, "2024-03-10T00:17:06.123456789Z stderr F 2024-03-10 00:17:06.1 UTC [1] LOG:  x")! == ("2024-03-10 00:17:06.1 UTC [1] LOG:  x", false))
    #expect(Self.unwrap(.cri, "2024-03-10T00:17:06.123456789Z stdout P part")! == ("part", true))
    #expect(Self.unwrap(.cri, "2024-03-10T00:17:06.123456789Z stdout F")! == ("", false))
    #expect(Self.unwrap(.cri, "Mar 10 00:17:06 host app: text") == nil)
  }

  /// `docker compose logs` output: the service name, padding, `| `, the line.
  @Test func composeLinesAndSniff() throws {
    #expect(Self.unwrap(.compose, "pg_denormalized_1      | 2023-05-03 19:05:07.419 UTC [27] LOG:  x")! == ("2023-05-03 19:05:07.419 UTC [27] LOG:  x", false))
    #expect(Self.unwrap(.compose, "db-1  | ")! == ("", false))
    #expect(Self.unwrap(.compose, "Mar  1 10:00:00 h1 app[1]: x") == nil)
    let dir = SyslogTestFiles.tempDir()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    SyslogTestFiles.write(dir + "/compose.log", """
      pg_1  |\u{20}
      pg_1  | PostgreSQL Database directory appears to contain a database; Skipping initialization
      pg_1  | 2023-05-03 19:05:07.419 UTC [27] LOG:  database system was interrupted; last known up at 2023-05-03 10:40:17 UTC
      pg_1  | 2023-05-03 19:05:07.468 UTC [27] LOG:  database system was not properly shut down; automatic recovery in progress

      """)
    #expect(Discovery.sniff(path: dir + "/compose.log", size: 400) == .datastore("postgresql", .compose))
    let r = Analyzer.run(AnalysisOptions(paths: [dir], ingest: IngestOptions(timeZone: "UTC")))
    #expect(r.inputs.first?.records == 3)
    #expect(r.findings.contains { $0.hit.ruleID == "postgresql.automatic-recovery" && $0.hit.location.line == 4 })
  }

  /// PostgreSQL in Docker on a VM that lost power: its crash recovery, read inside the json-file envelope (a line
  /// split in two pieces put back together), joins the power-loss incident of the host whose logs are in
  /// `/var/log` of the same tree; evidence points at the container log's own lines.
  /// `flatline tail` follows a container's log as `analyze` reads it: the follower read every file as syslog, so a
  /// PostgreSQL log in Docker's envelope gave no records. Now its rule hits match `analyze`'s, line for line, with a
  /// line that Docker split in two pieces written across two reads.
  @Test func followedDockerLogGivesTheHitsAnalyzeGives() throws {
    let dir = SyslogTestFiles.tempDir()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    func docker(_ time: String, _ text: String, end: String = "\\n") -> String {
      #"{"log":"2024-03-01 \#(time) UTC [29] \#(text)\#(end)","stream":"stderr","time":"2024-03-01T\#(time)Z"}"#
    }
    let first = [
      docker("10:00:02.000", "LOG:  database system is ready to accept connections"),
      docker("11:02:10.200", "LOG:  database system was interrupted; last known up at 2024-03-01 10:55:00 UTC"),
      docker("11:02:10.300", "LOG:  database system was not properly shut down; automatic recovery in progress", end: ""),
    ]
    let rest = [
      #"{"log":" (continued)\n","stream":"stderr","time":"2024-03-01T11:02:10.300Z"}"#,
      docker("11:02:10.400", "LOG:  redo starts at 0/1A2B3C8"),
      docker("11:02:11.000", "LOG:  database system is ready to accept connections"),
    ]
    let path = dir + "/9c1e-json.log"
    let options = IngestOptions(year: 2024, timeZone: "UTC")
    SyslogTestFiles.write(path, (first + rest).joined(separator: "\n") + "\n")
    let batchRegistry = InputRegistry()
    var batch = AnalysisSink(registry: batchRegistry, rules: BuiltinRules.all)
    DatastoreLogSource(
      path: path, component: "postgresql", registry: batchRegistry, options: options, envelope: .docker
    ).run(into: &batch)
    SyslogTestFiles.write(path, first.joined(separator: "\n") + "\n")
    let registry = InputRegistry()
    let box = SinkBox(AnalysisSink(registry: registry, rules: BuiltinRules.all))
    let follower = FileFollower(path: path, registry: registry, options: options)
    #expect(follower.start(into: box, now: 0).isEmpty)
    #expect(follower.format == .datastore(.postgresql, .docker))
    let handle = try #require(FileHandle(forWritingAtPath: path))
    handle.seekToEndOfFile()
    handle.write(Data((rest.joined(separator: "\n") + "\n").utf8))
    try handle.close()
    #expect(follower.poll(into: box, now: 0).isEmpty)
    func hits(_ s: AnalysisSink) -> [String] { s.rules.hits.map { "\($0.ruleID) \($0.location.line) \($0.time)" } }
    #expect(hits(box.sink).count >= 3)
    #expect(hits(box.sink) == hits(batch))
    #expect(registry.inputs.last?.kind == .datastoreLog && registry.inputs.last?.component == "postgresql")
    #expect(registry.inputs.last?.warnings == [])
  }

  @Test func postgresInDockerJoinsThePowerLossIncident() throws {
    let dir = SyslogTestFiles.tempDir()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let containers = dir + "/var/lib/docker/containers/9c1e"
    try FileManager.default.createDirectory(atPath: containers, withIntermediateDirectories: true)
    try FileManager.default.createDirectory(atPath: dir + "/var/log", withIntermediateDirectories: true)
    func docker(_ time: String, _ text: String, end: String = "\\n") -> String {
      #"{"log":"2024-03-01 \#(time) UTC [29] \#(text)\#(end)","stream":"stderr","time":"2024-03-01T\#(time)Z"}"#
    }
    let long = String(repeating: "x", count: 40)
    SyslogTestFiles.write(containers + "/9c1e-json.log", [
      docker("10:00:02.000", "LOG:  database system is ready to accept connections"),
      docker("11:02:10.200", "LOG:  database system was interrupted; last known up at 2024-03-01 10:55:00 UTC"),
      docker("11:02:10.300", "LOG:  database system was not properly shut down; automatic recovery in progress", end: ""),
      #"{"log":" \#(long)\n","stream":"stderr","time":"2024-03-01T11:02:10.300Z"}"#,
      docker("11:02:10.400", "LOG:  redo starts at 0/1A2B3C8"),
      "garbage",
      docker("11:02:11.000", "LOG:  database system is ready to accept connections"),
    ].joined(separator: "\n") + "\n")
    let banner = "kernel: [    0.000000] Linux version 6.1.0-26-amd64 (debian-kernel@lists.debian.org) #1 SMP"
    SyslogTestFiles.write(dir + "/var/log/syslog", """
      Feb 29 09:00:00 db9 \(banner)
      Feb 29 09:00:05 db9 systemd[1]: Startup finished in 2.9s (kernel) + 6.1s (userspace) = 9.0s.
      Mar  1 09:59:50 db9 systemd-logind[412]: System is rebooting.
      Mar  1 10:00:00 db9 \(banner)
      Mar  1 10:00:05 db9 systemd[1]: Startup finished in 2.9s (kernel) + 6.1s (userspace) = 9.0s.
      Mar  1 10:55:00 db9 CRON[311]: (root) CMD (true)
      Mar  1 11:02:00 db9 \(banner)
      Mar  1 11:02:05 db9 systemd[1]: Startup finished in 2.9s (kernel) + 6.1s (userspace) = 9.0s.

      """)
    let r = Analyzer.run(AnalysisOptions(paths: [dir], ingest: IngestOptions(year: 2024, timeZone: "UTC")))
    #expect(r.hosts.map(\.name) == ["db9"])
    #expect(r.hosts.first?.boots.map(\.ending) == [.reboot, .powerLoss, .running])
    let log = r.inputs.first { $0.path.hasSuffix("-json.log") }
    #expect(log?.kind == .datastoreLog && log?.component == "postgresql")
    // Five records: the split line is one.
    #expect(log?.records == 5 && log?.skipped == 1)
    #expect(log?.warnings == ["1 line is not in the docker container log format and were skipped (first at line 6)"])
    #expect(r.incidents.count == 1)
    let lines = r.incidents.first?.timeline.filter { $0.source?.hasSuffix("-json.log") == true }.compactMap(\.line) ?? []
    // The interrupted start, the recovery (its second piece's line), the redo: the file's own line numbers.
    #expect(Set(lines).sorted() == [2, 4, 5])
    let recovery = r.incidents.first?.timeline.first { $0.line == 4 }?.text ?? ""
    #expect(recovery.hasSuffix("automatic recovery in progress " + long))
  }
}
