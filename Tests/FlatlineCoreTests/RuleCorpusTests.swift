import Foundation
import Testing
@testable import FlatlineCore

/// The built-in rules against the real corpus in ../shared/corpus (skipped when absent). Lines are fed to the
/// matcher directly, each whole line as the message with the right native log kind (native-log parsing is
/// tested with the datastore sources).
@Suite(.enabled(if: RuleCorpus.root != nil, "../shared/corpus is absent"))
struct RuleCorpusTests {
  static let alarming: Set<RuleCategory> = [.uncleanStart, .crashRecovery, .corruption, .repair, .refusedStart, .crash]

  struct Expect: Sendable, CustomStringConvertible {
    var text: String
    var component: String
    var category: RuleCategory
    var description: String { "\(text) → \(component)/\(category.rawValue)" }
  }

  /// Per excerpt file: how its lines reach the matcher (native log kind; nil = syslog lines, else kernel), and
  /// every line that shows recovery or corruption with the component and category a rule must give it.
  static let excerpts: [(file: String, log: String?, expect: [Expect])] = [
    ("cloud_azure-walinuxagent-3471_hv_shutdown.txt", nil, []),
    (
      "journald_systemd-16173_forced_poweroff_dmesg.txt", nil,
      [
        Expect(text: "system.journal corrupted or uncleanly shut down", component: "journald", category: .uncleanStart),
        Expect(text: "Dirty bit is set. Fs was not properly unmounted", component: "fat", category: .uncleanStart),
      ]
    ),
    (
      "mariadb_iiab-145_power_loss.txt", "mysql",
      [
        Expect(text: "in ibdata files do not match the log sequence number", component: "mysql", category: .uncleanStart),
        Expect(text: "Database was not shutdown normally!", component: "mysql", category: .uncleanStart),
        Expect(text: "InnoDB: Starting crash recovery.", component: "mysql", category: .crashRecovery),
        Expect(text: "Restoring possible half-written data pages", component: "mysql", category: .crashRecovery),
      ]
    ),
    (
      "mongodb_dokku-mongo-79_unclean_shutdown.txt", "mongodb",
      [Expect(text: "Detected unclean shutdown - /data/db/mongod.lock is not empty.", component: "mongodb", category: .uncleanStart)]
    ),
    (
      "mysql8_shannonbase-475_crash_recovery.txt", "mysql",
      [
        Expect(text: "[MY-012547]", component: "mysql", category: .crashRecovery),
        Expect(text: "[MY-012551]", component: "mysql", category: .uncleanStart),
        Expect(text: "[MY-012552]", component: "mysql", category: .crashRecovery),
        Expect(text: "[MY-012550]", component: "mysql", category: .crashRecovery),
        Expect(text: "[MY-012532]", component: "mysql", category: .crashRecovery),
        Expect(text: "[MY-013557]", component: "mysql", category: .corruption),
        Expect(text: "[MY-013550]", component: "mysql", category: .repair),
        Expect(text: "mysqld got signal 11", component: "mysql", category: .crash),
      ]
    ),
    (
      "postgresql_ansible-awx-8893.txt", "postgresql",
      [
        Expect(text: "19:57:35.373 UTC [25] LOG:  database system was interrupted", component: "postgresql", category: .uncleanStart),
        Expect(text: "not properly shut down; automatic recovery in progress", component: "postgresql", category: .crashRecovery),
        Expect(text: "redo is not required", component: "postgresql", category: .recoveryDone),
        Expect(text: "terminating any other active server processes", component: "postgresql", category: .crashRecovery),
        Expect(text: "all server processes terminated; reinitializing", component: "postgresql", category: .crashRecovery),
        Expect(text: "19:57:38.760 UTC [32] LOG:  database system was interrupted", component: "postgresql", category: .uncleanStart),
      ]
    ),
    (
      "postgresql_bitnami-docker-postgresql-318.txt", "postgresql",
      [
        Expect(text: "terminating any other active server processes", component: "postgresql", category: .crashRecovery),
        Expect(text: "all server processes terminated; reinitializing", component: "postgresql", category: .crashRecovery),
        Expect(text: "database system was interrupted; last known up at", component: "postgresql", category: .uncleanStart),
        Expect(text: "the database system is in recovery mode", component: "postgresql", category: .crashRecovery),
      ]
    ),
    (
      "postgresql_cmc-csci143-351.txt", "postgresql",
      [
        Expect(text: "database system was interrupted; last known up at", component: "postgresql", category: .uncleanStart),
        Expect(text: "not properly shut down; automatic recovery in progress", component: "postgresql", category: .crashRecovery),
        Expect(text: "redo starts at", component: "postgresql", category: .crashRecovery),
        Expect(text: "redo done at", component: "postgresql", category: .recoveryDone),
      ]
    ),
    (
      "redis_redis-5177_aof_power_loss.txt", "redis",
      [
        Expect(text: "Bad file format reading the append only file", component: "redis", category: .corruption),
        Expect(text: "Expected prefix '*', got:", component: "redis", category: .corruption),
        Expect(text: "AOF analyzed: size=18480421, ok_up_to=18479826, diff=595", component: "redis", category: .corruption),
        Expect(text: "AOF is not valid.", component: "redis", category: .corruption),
      ]
    ),
    ("wtmp_util-linux-2456_last_crash.txt", nil, []),
  ]

  @Test func everyExcerptFileIsListed() throws {
    let dir = try #require(RuleCorpus.root).appendingPathComponent("issue-excerpts").path
    let files = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasSuffix(".txt") }.sorted()
    #expect(files == Self.excerpts.map(\.file).sorted())
  }

  /// Every recovery/corruption line is matched by a rule of the right component and category, every expected
  /// line exists, and no other line raises an alarm.
  @Test(arguments: RuleCorpusTests.excerpts.indices)
  func issueExcerpt(_ i: Int) throws {
    let matcher = RuleMatcher(rules: BuiltinRules.all)
    let (file, log, expect) = Self.excerpts[i]
    let path = try #require(RuleCorpus.root).appendingPathComponent("issue-excerpts/\(file)").path
    let lines = try RuleCorpus.lines(path).filter { !$0.hasPrefix("#") }
    var found = Set<Int>()
    for line in lines {
      let hits = RuleCorpus.match(line, log: log, matcher)
      let wanted = expect.indices.filter { line.contains(expect[$0].text) }
      for w in wanted {
        found.insert(w)
        #expect(
          hits.contains { $0.rule.component == expect[w].component && $0.rule.category == expect[w].category },
          "\(file): \(expect[w]) not matched on: \(line); got \(hits.map(\.rule.id))")
      }
      if wanted.isEmpty {
        let alarms = hits.filter { Self.alarming.contains($0.rule.category) }
        #expect(alarms.isEmpty, "\(file): unexpected \(alarms.map(\.rule.id)) on: \(line)")
      }
    }
    for w in expect.indices where !found.contains(w) { Issue.record("\(file): no line contains \(expect[w].text)") }
  }

  /// The MongoDB and PostgreSQL folders are clean logs: no unclean start, recovery, corruption, repair or
  /// refusal (the WiredTiger `txn-recover` lines of every normal 4.2 start included).
  @Test(arguments: ["mongodb", "postgresql"])
  func cleanDatastoreFolders(_ folder: String) throws {
    let matcher = RuleMatcher(rules: BuiltinRules.all)
    let dir = try #require(RuleCorpus.root).appendingPathComponent("datastores/\(folder)").path
    var checked = 0
    for name in try FileManager.default.contentsOfDirectory(atPath: dir).sorted() {
      guard let lines = try RuleCorpus.decompressedLines(dir + "/" + name) else { continue }
      checked += lines.count
      for (n, line) in lines.enumerated() {
        let alarms = RuleCorpus.match(line, log: folder, matcher).filter { Self.alarming.contains($0.rule.category) }
        #expect(alarms.isEmpty, "\(folder)/\(name):\(n + 1): \(alarms.map(\.rule.id)) on: \(line)")
      }
    }
    #expect(checked > 300)
  }

  /// errlog001: the `080821 19:14:12` start is a crash recovery (InnoDB not shut down normally, redo recovery,
  /// binlog crash recovery until `Crash recovery finished.`); nothing else in the file raises an alarm.
  @Test func mysqlErrlog001CrashRecovery() throws {
    let matcher = RuleMatcher(rules: BuiltinRules.all)
    let path = try #require(RuleCorpus.root).appendingPathComponent("datastores/mysql/errlog001.txt").path
    let lines = try RuleCorpus.lines(path)
    var alarmLines: [Int: [String]] = [:]
    for (i, line) in lines.enumerated() {
      let hits = RuleCorpus.match(line, log: "mysql", matcher).filter { Self.alarming.contains($0.rule.category) }
      if !hits.isEmpty { alarmLines[i + 1] = hits.map(\.rule.id) }
    }
    let start = try #require(lines.firstIndex { $0.hasPrefix("080821 19:14:12  mysqld started") }) + 1
    #expect(lines[start].hasPrefix("080821 19:14:12  InnoDB: Database was not shut down normally!"))
    #expect(alarmLines[start + 1] == ["mysql.not-shutdown-normally"])
    #expect(alarmLines[start + 2] == ["mysql.crash-recovery-start"])
    let finished = try #require(lines.firstIndex { $0.contains("Crash recovery finished.") }) + 1
    #expect(RuleCorpus.match(lines[finished - 1], log: "mysql", matcher).map(\.rule.category) == [.recoveryDone])
    // Besides that start, only mysqld_safe's `mysqld restarted` (081117: mysqld had died) is an alarm.
    for n in alarmLines.keys where !((start + 1)...finished ~= n) {
      #expect(alarmLines[n] == ["mysql.restarted"] && lines[n - 1].hasSuffix("mysqld restarted"), "line \(n)")
    }
    #expect(alarmLines.count >= 5)
  }

  /// errlog004 and errlog008 are mysqld crashes (InnoDB assertion, fatal signal, restart), and errlog007 ends in the
  /// same assertion (a hung server crashed on purpose): crash rules fire there and nothing else does. The other MySQL logs (clean starts, the MySQL 8 DDL log recovery) raise no alarm.
  @Test func otherMySQLLogs() throws {
    let matcher = RuleMatcher(rules: BuiltinRules.all)
    let dir = try #require(RuleCorpus.root).appendingPathComponent("datastores/mysql").path
    let crashes: Set<String> = ["errlog004.txt", "errlog007.txt", "errlog008.txt"]
    for name in try FileManager.default.contentsOfDirectory(atPath: dir).sorted() where name != "errlog001.txt" {
      var fired: Set<String> = []
      for (n, line) in try RuleCorpus.lines(dir + "/" + name).enumerated() {
        let alarms = RuleCorpus.match(line, log: "mysql", matcher).filter { Self.alarming.contains($0.rule.category) }
        fired.formUnion(alarms.map(\.rule.id))
        if !crashes.contains(name) { #expect(alarms.isEmpty, "mysql/\(name):\(n + 1): \(alarms.map(\.rule.id))") }
      }
      if crashes.contains(name) {
        #expect(fired.isSubset(of: ["mysql.fatal-signal", "mysql.innodb-assertion", "mysql.restarted"]), "\(name): \(fired)")
        #expect(fired.contains("mysql.innodb-assertion"), "\(name): \(fired)")
        if name != "errlog007.txt" { #expect(fired.contains("mysql.fatal-signal"), "\(name): \(fired)") }
      }
    }
  }
}

enum RuleCorpus {
  static var root: URL? {
    let pkg = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent()
    let dir = pkg.deletingLastPathComponent().appendingPathComponent("shared/corpus")
    return FileManager.default.fileExists(atPath: dir.path) ? dir : nil
  }

  static func lines(_ path: String) throws -> [String] {
    let data = try Data(contentsOf: URL(fileURLWithPath: path))
    return lines(data)
  }

  static func lines(_ data: Data) -> [String] {
    var out = String(decoding: data, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
      .map(String.init)
    if out.last == "" { out.removeLast() }
    return out
  }

  /// Plain files as they are; `.gz` / `.bz2` through gzip / bzip2 when installed (nil: skip the file).
  static func decompressedLines(_ path: String) throws -> [String]? {
    let tool: String
    if path.hasSuffix(".gz") {
      tool = "/usr/bin/gzip"
    } else if path.hasSuffix(".bz2") {
      tool = "/usr/bin/bzip2"
    } else {
      return try lines(path)
    }
    guard FileManager.default.isExecutableFile(atPath: tool) else { return nil }
    let p = Process()
    p.executableURL = URL(fileURLWithPath: tool)
    p.arguments = ["-dc", path]
    let out = Pipe()
    p.standardOutput = out
    try p.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return lines(data)
  }

  /// A corpus line through the built-in rules: as a native log line of kind `log`, or (no kind) as a syslog
  /// line when it has a header, else as a kernel record (dmesg / `kernel:` lines).
  static func match(_ line: String, log: String?, _ m: RuleMatcher) -> [RuleMatch] {
    if let log { return m.match(line: line, logKind: log) }
    let bytes = Array(line.utf8)
    return bytes.withBytes { b in
      var h = SyslogHeader()
      if SyslogParser.parse(b, into: &h), !h.identifier.isEmpty, !h.isKernel {
        return m.match(Record(identifier: h.identifier, message: h.message), logKind: nil)
      }
      return m.match(Record(message: b, isKernel: true), logKind: nil)
    }
  }
}
