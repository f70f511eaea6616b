import Foundation
import Testing
@testable import FlatlineCore

/// The built-in catalog: its examples are tests, its traps must not fire.
@Suite struct BuiltinRulesTests {
  static let all = BuiltinRules.all
  /// A fresh matcher (a matcher keeps scratch buffers and is not shared between concurrently running tests).
  static var matcher: RuleMatcher { RuleMatcher(rules: BuiltinRules.all) }

  @Test func idsAreUniqueDottedAndRegexesCompile() {
    var seen = Set<String>()
    for r in Self.all {
      #expect(seen.insert(r.id).inserted, "duplicate id \(r.id)")
      #expect(RuleLoader.isValidID(r.id), "bad id \(r.id)")
      #expect(r.id.hasPrefix(r.component + "."), "\(r.id) is not under its component \(r.component)")
      #expect(!r.anchors.isEmpty, "\(r.id) has no anchors (every line would run its regex)")
      #expect(!r.matchExamples.isEmpty, "\(r.id) has no triggering example")
      #expect(r.origin == nil)
    }
    #expect(RuleMatcher(rules: Self.all).invalidRegexRuleIDs.isEmpty)
  }

  @Test func everyComponentOfTheIssueIsCovered() {
    let components = Set(Self.all.map(\.component))
    for c in [
      "postgresql", "mysql", "mariadb", "mongodb", "redis", "elasticsearch", "etcd", "kafka", "cassandra", "clickhouse",
      "zookeeper", "sqlite", "rocksdb", "prometheus", "influxdb", "ext3", "ext4", "xfs", "btrfs", "block", "nvme", "md",
      "journald",
    ] {
      #expect(components.contains(c), "no rule for \(c)")
    }
    // MongoDB: both the 4.4+ JSON form (by message id) and the legacy text form.
    #expect(Self.all.contains { $0.component == "mongodb" && $0.anchors.contains(#""id":22271,"#) })
    #expect(Self.all.contains { $0.component == "mongodb" && $0.anchors.contains("Detected unclean shutdown - ") })
  }

  /// Each example alone against its rule, and against the whole catalog (other rules may also fire on it).
  @Test(arguments: BuiltinRules.all.map(\.id))
  func examplesBehave(_ id: String) throws {
    let rule = try #require(Self.all.first { $0.id == id })
    let alone = RuleMatcher(rules: [rule])
    let all = Self.matcher
    for ex in rule.matchExamples {
      #expect(alone.match(example: ex, filter: rule.filter).count == 1, "does not fire: \(ex.line)")
      #expect(all.match(example: ex, filter: rule.filter).contains { $0.rule.id == id }, "\(ex.line)")
    }
    for ex in rule.noMatchExamples {
      #expect(alone.match(example: ex, filter: rule.filter).isEmpty, "fires: \(ex.line)")
      #expect(!all.match(example: ex, filter: rule.filter).contains { $0.rule.id == id }, "\(ex.line)")
    }
  }

  static let alarming: Set<RuleCategory> = [.uncleanStart, .crashRecovery, .corruption, .repair, .refusedStart]

  /// Lines from normal starts that look like recovery: no rule of the catalog may call them unclean, recovery,
  /// corruption, repair or refusal.
  @Test(arguments: [
    // WiredTiger replays its log on every normal start (MongoDB 4.2, corpus mongod_4.2.18_x509.log).
    ("mongodb", "2022-02-24T20:10:28.665+0000 I  STORAGE  [initandlisten] WiredTiger message [1645733428:665086][3590:0x7f07301d30c0], txn-recover: Recovering log 1 through 2"),
    ("mongodb", "2022-02-24T20:10:28.814+0000 I  STORAGE  [initandlisten] WiredTiger message [1645733428:814884][3590:0x7f07301d30c0], txn-recover: Main recovery loop: starting at 1/48768 to 2/256"),
    ("mongodb", "2022-02-24T20:10:28.910+0000 I  STORAGE  [initandlisten] WiredTiger message [1645733428:910214][3590:0x7f07301d30c0], txn-recover: Set global recovery timestamp: (1645733424, 4)"),
    ("mongodb", "2022-02-24T20:10:28.936+0000 I  REPL     [initandlisten] Starting recovery oplog application at the stable timestamp: Timestamp(1645733424, 4)"),
    ("mongodb", "2014-04-09T23:16:20.439-0400 [initandlisten] recover : no journal files present, no recovery needed"),
    // MySQL 8 writes "DDL log recovery" on every start.
    ("mysql", "2020-08-06T14:25:02.835618Z 0 [Note] [MY-012487] [InnoDB] DDL log recovery : begin"),
    // A MySQL assertion's advice text is not a corruption report.
    ("mysql", "InnoDB: corruption in the InnoDB tablespace. Please refer to"),
    ("mysql", "InnoDB: about forcing recovery."),
    // PostgreSQL clean start and stop.
    ("postgresql", "2022-04-12 00:16:05.554 UTC [7756] LOG:  database system was shut down at 2022-04-12 00:16:03 UTC"),
    ("postgresql", "2022-04-12 00:24:02.330 UTC [7755] LOG:  database system is shut down"),
    ("postgresql", "2022-04-12 00:16:05.562 UTC [7755] LOG:  database system is ready to accept connections"),
    // Kafka after a clean shutdown.
    ("kafka", "[2024-01-01 12:00:00,123] INFO Skipping recovery of 42 logs from /var/lib/kafka/data since clean shutdown file was found (kafka.log.LogManager)"),
    // Cassandra with nothing to replay.
    ("cassandra", "INFO  [main] 2021-11-11 00:55:40,724 CommitLog.java:169 - No commitlog files found; skipping replay"),
  ])
  func trapsDoNotFire(_ log: String, _ line: String) {
    let hits = Self.matcher.match(line: line, logKind: log).filter { Self.alarming.contains($0.rule.category) }
    #expect(hits.isEmpty, "\(hits.map(\.rule.id)) fired on \(line)")
  }

  /// Clean kernel mount lines are not recovery.
  @Test(arguments: [
    "EXT4-fs (sda1): mounted filesystem with ordered data mode. Opts: (null). Quota mode: none.",
    "XFS (dm-0): Ending clean mount",
    "XFS (dm-0): Mounting V5 Filesystem 9c3d7e0b-1f2a-4b5c-8d6e-7f8091a2b3c4",
    "EXT4-fs (mmcblk0p2): orphan cleanup on readonly fs",
  ])
  func cleanMountsDoNotFire(_ line: String) {
    let hits = Self.matcher.match(line: line, isKernel: true).filter { Self.alarming.contains($0.rule.category) }
    #expect(hits.isEmpty, "\(hits.map(\.rule.id)) fired on \(line)")
  }

  /// PostgreSQL backend crash without any reboot (ansible/awx#8893): the crash lines have their own rules, and
  /// the start after `reinitializing` is classified as unclean-start + crash-recovery like any other, with its
  /// `lastKnownUp` (correlation decides datastore crash vs power loss from the boot timeline).
  @Test func postgresBackendCrashSequence() {
    let lines = [
      "2020-12-14 19:57:38.663 UTC [1] LOG:  autovacuum launcher process (PID 29) exited with exit code 1",
      "2020-12-14 19:57:38.663 UTC [1] LOG:  terminating any other active server processes",
      "2020-12-14 19:57:38.701 UTC [1] LOG:  all server processes terminated; reinitializing",
      "2020-12-14 19:57:38.760 UTC [32] LOG:  database system was interrupted; last known up at 2020-12-14 19:57:38 UTC",
      "2020-12-14 19:57:38.790 UTC [32] LOG:  database system was not properly shut down; automatic recovery in progress",
    ]
    let m = Self.matcher
    let got = lines.map { m.match(line: $0, logKind: "postgresql").map(\.rule.id) }
    #expect(got == [
      [], ["postgresql.terminating-server-processes"], ["postgresql.reinitializing"], ["postgresql.interrupted"],
      ["postgresql.automatic-recovery"],
    ])
    #expect(m.match(line: lines[3], logKind: "postgresql").first?.captures["lastKnownUp"] == "2020-12-14 19:57:38 UTC")
    #expect(Self.all.first { $0.id == "postgresql.reinitializing" }?.category == .crashRecovery)
  }

  /// The kernel's hung-task reports before a silence (a volume that stopped answering, then the host gone): they
  /// are the storage events of the incident, with the task and how long it had hung. Before, the incident said
  /// nothing of them.
  @Test func hungTasksBeforeTheEndAreTheIncidentsStorageEvents() {
    let lines = kernelBoot("03-01 08:00:00", host: "db-4") + [
      work("03-01 09:00:00", host: "db-4"),
      L(time: "03-01 10:02:11", host: "db-4", tag: "kernel", msg: "INFO: task jbd2/nvme1n1-8:812 blocked for more than 120 seconds.", uptime: 7331.1),
      L(time: "03-01 10:04:12", host: "db-4", tag: "kernel", msg: "INFO: task postgres:1287 blocked for more than 241 seconds.", uptime: 7452.2),
    ] + kernelBoot("03-01 10:31:40", host: "db-4")
    let registry = InputRegistry()
    var sink = AnalysisSink(registry: registry, rules: BuiltinRules.all)
    let input = registry.register(path: "/var/log/syslog", kind: .syslog)
    for (i, l) in lines.enumerated() {
      let b = [l.host, l.tag, l.msg].map { Array($0.utf8) }
      b[0].withBytes { h in
        b[1].withBytes { t in
          b[2].withBytes { m in
            sink.consume(Record(
              time: l.micros, input: input, line: i + 1, host: h, identifier: t, pid: l.pid, message: m, messageID: .empty,
              unit: .empty, bootID: .empty, machineID: .empty, kernelUptime: l.uptime.map { Int64($0 * 1e6) } ?? -1,
              isKernel: l.tag == "kernel", nulBytesBefore: 0))
          }
        }
      }
    }
    var engine = sink.engine
    engine.finish()
    let r = Analyzer.result(
      engine: engine, registry: registry, options: AnalysisOptions(paths: []), hits: sink.rules.hits)
    let incident = r.incidents.first
    #expect(incident?.cause == .powerLoss)
    // The first report is a storage event; the second, the boot's last line, its last sign of life.
    let hung = incident?.timeline.filter { $0.ref == "kernel.hung-task" } ?? []
    #expect(hung.map(\.kind) == ["storage"])
    #expect(hung.map(\.line) == [6], "\(incident?.timeline.map { "\($0.kind) \($0.ref ?? "") \($0.line ?? 0)" } ?? [])")
    let rule = Self.all.first { $0.id == "kernel.hung-task" }
    #expect(rule?.category == .storageError)
    let captures = Self.matcher.match(line: "INFO: task postgres:1287 blocked for more than 241 seconds.", isKernel: true)
      .first { $0.rule.id == "kernel.hung-task" }?.captures
    #expect(captures?["task"] == "postgres" && captures?["pid"] == "1287" && captures?["seconds"] == "241")
  }

  /// Datastore lines that arrive through syslog or the journal match by program name.
  @Test func datastoreLinesThroughSyslogMatchByIdentifier() {
    let matcher = Self.matcher
    let pg = "[4-1] db=,user=,app=,client= LOG:  database system was not properly shut down; automatic recovery in progress"
    #expect(matcher.match(line: pg, identifier: "postgres").map(\.rule.id) == ["postgresql.automatic-recovery"])
    #expect(matcher.match(line: pg, identifier: "cron").isEmpty)
    let maria = "2021-10-31 17:29:41 0 [Note] InnoDB: Starting crash recovery from checkpoint LSN=46283"
    #expect(matcher.match(line: maria, identifier: "mariadbd").map(\.rule.id) == ["mariadb.crash-recovery-from-checkpoint"])
    let journald = "File /var/log/journal/4432fa611bbc770eea6004f7bc4d21a4/system.journal corrupted or uncleanly shut down, renaming and replacing."
    #expect(matcher.match(line: journald, identifier: "systemd-journald").first?.captures["file"]
      == "/var/log/journal/4432fa611bbc770eea6004f7bc4d21a4/system.journal")
  }
}
