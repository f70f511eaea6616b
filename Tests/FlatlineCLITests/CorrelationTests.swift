import Foundation
import Testing

/// Correlation through the built binary on small logs written by the test.
@Suite struct CorrelationTests {
  static let backendCrash = """
    2024-05-02T11:42:10.512000+00:00 db-7 postgres[9121]: [3-1] 2024-05-02 11:42:10.512 UTC [9121] LOG:  server process (PID 22817) was terminated by signal 9: Killed
    2024-05-02T11:42:10.512100+00:00 db-7 postgres[9121]: [4-1] 2024-05-02 11:42:10.512 UTC [9121] LOG:  terminating any other active server processes
    2024-05-02T11:42:10.530000+00:00 db-7 postgres[9121]: [5-1] 2024-05-02 11:42:10.530 UTC [9121] LOG:  all server processes terminated; reinitializing
    2024-05-02T11:42:10.561000+00:00 db-7 postgres[22830]: [1-1] 2024-05-02 11:42:10.561 UTC [22830] LOG:  database system was interrupted; last known up at 2024-05-02 11:37:02 UTC
    2024-05-02T11:42:10.702000+00:00 db-7 postgres[22830]: [2-1] 2024-05-02 11:42:10.702 UTC [22830] LOG:  database system was not properly shut down; automatic recovery in progress
    2024-05-02T11:42:10.940000+00:00 db-7 postgres[9121]: [6-1] 2024-05-02 11:42:10.940 UTC [9121] LOG:  database system is ready to accept connections

    """

  static func boot(_ t: String) -> String {
    """
    2024-05-02T\(t).000001+00:00 db-7 kernel: Linux version 6.1.0-21-amd64 (debian-kernel@lists.debian.org) #1 SMP PREEMPT_DYNAMIC Debian 6.1.90-1
    2024-05-02T\(t).100000+00:00 db-7 rsyslogd: [origin software="rsyslogd" swVersion="8.2302.0" x-pid="402" x-info="https://www.rsyslog.com"] start
    2024-05-02T\(t).200000+00:00 db-7 systemd[1]: Started postgresql@15-main.service - PostgreSQL Cluster 15-main.

    """
  }

  static func analyze(_ syslog: String) throws -> [String: Any] {
    let dir = try CLI.tempDir()
    defer { try? FileManager.default.removeItem(at: dir) }
    try syslog.write(to: dir.appendingPathComponent("syslog"), atomically: true, encoding: .utf8)
    let r = try CLI.run(["analyze", dir.path, "-o", "json"])
    #expect(r.status == 0, "stderr: \(r.stderr)")
    return try CLI.json(r.stdout)
  }

  /// A PostgreSQL backend killed by the OOM killer while the host stays up: crash recovery without a reboot is a
  /// datastore crash finding, never an incident or a power loss.
  @Test func backendCrashWithoutRebootIsAFinding() throws {
    let report = try Self.analyze(Self.boot("08:00:00") + Self.backendCrash
      + "2024-05-02T12:10:00.000000+00:00 db-7 CRON[23001]: (root) CMD (true)\n")
    #expect((report["incidents"] as? [Any])?.isEmpty == true)
    let findings = report["findings"] as? [[String: Any]] ?? []
    #expect(findings.count >= 4)
    #expect(findings.allSatisfy { $0["type"] as? String == "datastore-crash" && $0["host"] as? String == "db-7" })
    #expect(findings.contains { $0["rule"] as? String == "postgresql.backend-killed" && $0["category"] as? String == "crash" })
    #expect(CLI.boots(report).map { $0["ending"] as? String } == ["running"])
  }

  /// The same backend crash hours before a power loss stays a finding; the recovery on the first start after the
  /// power loss belongs to the incident.
  @Test func onlyTheOutageWindowBelongsToTheIncident() throws {
    let afterPowerLoss = """
      2024-05-02T15:01:12.100000+00:00 db-7 postgres[801]: [1-1] 2024-05-02 15:01:12.100 UTC [801] LOG:  database system was interrupted; last known up at 2024-05-02 14:55:40 UTC
      2024-05-02T15:01:12.300000+00:00 db-7 postgres[801]: [2-1] 2024-05-02 15:01:12.300 UTC [801] LOG:  database system was not properly shut down; automatic recovery in progress

      """
    let report = try Self.analyze(
      Self.boot("08:00:00") + Self.backendCrash
        + "2024-05-02T14:58:00.000000+00:00 db-7 CRON[23001]: (root) CMD (true)\n"
        + Self.boot("15:01:05") + afterPowerLoss)
    let incidents = report["incidents"] as? [[String: Any]] ?? []
    try #require(incidents.count == 1)
    let events = incidents[0]["datastoreEvents"] as? [[String: Any]] ?? []
    #expect(events.compactMap { $0["line"] as? Int }.allSatisfy { $0 > 13 }, "\(events)")
    #expect(events.contains { $0["lastKnownUp"] as? String == "2024-05-02T14:55:40Z" })
    #expect(incidents[0]["cause"] as? String == "power-loss")
    let findings = report["findings"] as? [[String: Any]] ?? []
    #expect(findings.count >= 4 && findings.allSatisfy { ($0["line"] as? Int ?? 0) <= 9 })
  }

  /// An RTC-less board: each boot restarts at an older time. The recovery lines of each boot go to the incident of
  /// the boot before it, by their place in the file, not by a time window that the clock jumps would confuse.
  @Test func recoveryGoesToItsOwnOutageAcrossClockJumps() throws {
    func recovery(_ t: String) -> String {
      "2016-05-27T\(t).500000+00:00 pi kernel: [    4.1] EXT4-fs (mmcblk0p2): recovery complete\n"
    }
    func bootAt(_ t: String) -> String {
      """
      2016-05-27T\(t).000001+00:00 pi kernel: [    0.000000] Booting Linux on physical CPU 0x0
      2016-05-27T\(t).100000+00:00 pi rsyslogd: [origin software="rsyslogd" swVersion="8.4.2" x-pid="402" x-info="http://www.rsyslog.com"] start

      """
    }
    let log = bootAt("12:00:00") + "2016-05-27T12:10:00.000000+00:00 pi cron[1]: (root) CMD (true)\n"
      + bootAt("11:50:21") + recovery("11:50:22") + "2016-05-27T12:20:00.000000+00:00 pi cron[1]: (root) CMD (true)\n"
      + bootAt("12:01:18") + recovery("12:01:19") + "2016-05-27T12:30:00.000000+00:00 pi cron[1]: (root) CMD (true)\n"
    let report = try Self.analyze(log)
    let incidents = report["incidents"] as? [[String: Any]] ?? []
    try #require(incidents.count == 2)
    func lines(_ i: [String: Any]) -> [Int] {
      (i["datastoreEvents"] as? [[String: Any]] ?? []).compactMap { $0["line"] as? Int }
    }
    #expect(lines(incidents[0]) == [6])
    #expect(lines(incidents[1]) == [10])
  }
}
