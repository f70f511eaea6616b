import Foundation
import Testing

/// Every SampleLogs scenario is analysed by the built binary and compared with its expected report.
/// Goldens change only on purpose: `RECORD_SNAPSHOTS=1 swift test` rewrites them and fails the run.
@Suite struct ScenarioTests {
  static let scenarios: [String] = {
    let dir = CLI.packageRoot.appendingPathComponent("SampleLogs")
    let names = (try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []
    return names.filter { name in
      var isDir: ObjCBool = false
      return FileManager.default.fileExists(atPath: dir.appendingPathComponent(name).path, isDirectory: &isDir)
        && isDir.boolValue
    }.sorted()
  }()

  /// Scenarios whose syslog files are dateless (RFC 3164) with no gzip member to anchor the year: a fresh clone
  /// gives them the clone's modification time, so the year is stated, as a user would with copied logs. (With a
  /// journal beside them the year comes from it — `yearFromTheJournalBeside` — but the warning would name the clone's
  /// year and make the golden depend on the date.)
  static let extraArgs: [String: [String]] = [
    "incident-ec2-power-loss": ["--year", "2024"],
    "clean-reboot": ["--year", "2024"],
    "clean-poweroff": ["--year", "2024"],
    "rotation-and-restart-traps": ["--year", "2024"],
    "debian-var-log": ["--year", "2024"],
    "rhel-audit-docker-postgres": ["--year", "2025"],
    "rhel-kdump-panic": ["--year", "2025"],
    "centos7-imjournal-reboots": ["--year", "2024"],
    "rhel9-imjournal-reread": ["--year", "2024"],
    "debian-kern-none": ["--year", "2024"],
    "central-log-no-kernel": ["--year", "2025"],
  ]

  /// Modification times the files had on the machine (git does not keep them). Without them the year still comes
  /// from the gzip headers, but the report adds a warning that the file times disagree.
  static let fileTimes: [String: [String: Int]] = [
    "rotated-year-boundary": ["syslog": 1_704_292_692, "syslog.1": 1_704_263_101],
    // Unpacked without its file times (Sep 15, 2025): the year comes from the lines.
    "sosreport-vmware-ha-restart": [
      "var/log/messages": 1_757_928_600, "var/log/secure": 1_757_928_600, "var/log/cron": 1_757_928_600,
      "sos_commands/logs/journalctl_--no-pager_--catalog_--boot": 1_757_928_600,
      "sos_commands/logs/journalctl_--no-pager_--catalog_--boot_-1": 1_757_928_600,
    ],
  ]

  static func args(_ name: String) -> [String] {
    for (file, t) in fileTimes[name] ?? [:] {
      let path = CLI.packageRoot.appendingPathComponent("SampleLogs/\(name)/\(file)").path
      try? FileManager.default.setAttributes(
        [.modificationDate: Date(timeIntervalSince1970: TimeInterval(t))], ofItemAtPath: path)
    }
    return extraArgs[name] ?? []
  }

  static func normalized(_ json: String) -> String {
    json.split(separator: "\n", omittingEmptySubsequences: false)
      .map { $0.contains("\"generatedAt\":") ? "  \"generatedAt\": \"<generated>\"," : String($0) }
      .joined(separator: "\n")
  }

  @Test(arguments: scenarios)
  func scenarioMatchesExpectedReport(_ name: String) throws {
    let r = try CLI.run(["analyze", "SampleLogs/\(name)", "--format", "json", "--timezone", "UTC"] + Self.args(name))
    #expect(r.status == 0, "stderr: \(r.stderr)")
    let actual = Self.normalized(r.stdout)
    let golden = CLI.packageRoot.appendingPathComponent("SampleLogs/\(name)/expected.json")
    let record = ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] == "1"
    guard !record, let expected = try? String(contentsOf: golden, encoding: .utf8) else {
      try actual.write(to: golden, atomically: true, encoding: .utf8)
      Issue.record("recorded \(golden.path); review it and run the tests again")
      return
    }
    #expect(actual == expected, "report for \(name) differs from expected.json")
  }

  @Test(.enabled(if: CLI.hasJSONSchemaValidator, "python3 with jsonschema is needed"), arguments: scenarios)
  func reportValidatesAgainstSchema(_ name: String) throws {
    let r = try CLI.run(["analyze", "SampleLogs/\(name)", "-o", "json", "--timezone", "UTC"] + Self.args(name))
    #expect(try CLI.schemaErrors(r.stdout) == nil)
  }

  @Test func incidentIsOnePowerLossWithEvidence() throws {
    let r = try CLI.run(["analyze", "SampleLogs/incident-ec2-power-loss", "-o", "json", "--timezone", "UTC", "--year", "2024"])
    let boots = CLI.boots(try CLI.json(r.stdout))
    #expect(boots.map { $0["ending"] as? String } == ["power-loss", "running"])
    let kinds = Set((boots.first?["evidence"] as? [[String: Any]] ?? []).compactMap { $0["kind"] as? String })
    #expect(kinds.isSuperset(of: ["last-sign-of-life", "next-boot", "journald-unclean-file", "filesystem-recovery"]))
    #expect((boots.first?["evidence"] as? [[String: Any]] ?? []).allSatisfy { $0["source"] is String })
  }

  @Test func failOnUncleanSetsExitStatus() throws {
    #expect(try CLI.run(["analyze", "SampleLogs/incident-ec2-power-loss", "--fail-on", "unclean"]).status == 1)
    #expect(try CLI.run(["analyze", "SampleLogs/clean-reboot", "--fail-on", "unclean"]).status == 0)
  }

  @Test func textReportLeadsWithIncidents() throws {
    let r = try CLI.run(["analyze", "SampleLogs/incident-ec2-power-loss", "--year", "2024"])
    #expect(r.status == 0)
    let incidents = r.stdout.range(of: "Incidents")
    let host = r.stdout.range(of: "Host ")
    #expect(incidents != nil && host != nil && incidents!.lowerBound < host!.lowerBound)
    // The incident reads as a timeline: last sign of life, then the next boot, each with file:line.
    let life = r.stdout.range(of: "last-sign-of-life")
    let boot = r.stdout.range(of: "  boot  ")
    #expect(life != nil && boot != nil && life!.lowerBound < boot!.lowerBound)
    #expect(r.stdout.contains("syslog:146"))
    #expect(!r.stdout.contains("\u{1B}["), "NO_COLOR must turn colour off")
  }

  /// Without --year, the dateless syslog of a scenario with a journal beside it takes its year from the journal's
  /// last entry (a fresh clone's file times are today's), with a warning saying so.
  @Test func yearFromTheJournalBeside() throws {
    let r = try CLI.run(["analyze", "SampleLogs/incident-ec2-power-loss", "-o", "json", "--timezone", "UTC"])
    #expect(r.status == 0)
    let boots = CLI.boots(try CLI.json(r.stdout))
    #expect(boots.count == 2)
    #expect(boots.compactMap { $0["start"] as? String }.allSatisfy { $0.hasPrefix("2024-03-12") })
    #expect(boots.first?["ending"] as? String == "power-loss")
    #expect(r.stderr.contains("inferred from the last entry of the journal in the same folder")
      || !r.stderr.contains("year"), "stderr: \(r.stderr)")
  }

  @Test func bootsListsOneRowPerBoot() throws {
    let r = try CLI.run(["boots", "SampleLogs/clean-reboot", "--year", "2024"])
    #expect(r.status == 0)
    let rows = r.stdout.split(separator: "\n").dropFirst()
    #expect(rows.count == 2)
    #expect(rows.first?.contains("reboot") == true)
  }
}
