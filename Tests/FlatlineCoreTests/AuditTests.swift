import Foundation
import Testing

@testable import FlatlineCore

/// Audit log lines as auditd writes them (`format=enriched`: the translated fields after a 0x1D).
enum AuditFixture {
  /// Epoch seconds of a 2024 UTC time `MM-DD hh:mm:ss`.
  static func t(_ s: String) -> Int64 { WtmpFixture.t(s) }

  static func line(_ time: String, _ type: String, _ rest: String, serial: Int, node: String? = nil) -> String {
    (node.map { "node=\($0) " } ?? "") + "type=\(type) msg=audit(\(t(time)).\(String(format: "%03d", serial % 1000)):\(serial)): \(rest)"
  }

  static let utmp = #"comm="systemd-update-utmp" exe="/usr/lib/systemd/systemd-update-utmp" hostname=? addr=? terminal=? res=success'"#
  static func daemonStart(_ time: String, _ serial: Int, node: String? = nil) -> String {
    line(time, "DAEMON_START", "op=start ver=3.0.7 format=enriched kernel=5.14.0-362.el9.x86_64 auid=4294967295 pid=812 uid=0 ses=4294967295 res=success\u{1D}AUID=\"unset\" UID=\"root\"", serial: serial, node: node)
  }
  static func kernelEvent(_ time: String, _ serial: Int, node: String? = nil) -> String {
    line(time, "CONFIG_CHANGE", "op=set audit_backlog_limit=8192 old=64 auid=4294967295 ses=4294967295 res=1", serial: serial, node: node)
  }
  static func systemBoot(_ time: String, _ serial: Int, node: String? = nil) -> String {
    line(time, "SYSTEM_BOOT", "pid=830 uid=0 auid=4294967295 ses=4294967295 msg=' \(utmp)\u{1D}UID=\"root\" AUID=\"unset\"", serial: serial, node: node)
  }
  static func runlevel(_ time: String, _ level: Int, _ serial: Int, node: String? = nil) -> String {
    line(time, "SYSTEM_RUNLEVEL", "pid=900 uid=0 auid=4294967295 ses=4294967295 msg='old-level=3 new-level=\(level) \(utmp)", serial: serial, node: node)
  }
  static func systemShutdown(_ time: String, _ serial: Int, node: String? = nil) -> String {
    line(time, "SYSTEM_SHUTDOWN", "pid=2002 uid=0 auid=4294967295 ses=4294967295 msg=' \(utmp)", serial: serial, node: node)
  }
  static func daemonEnd(_ time: String, _ serial: Int, node: String? = nil) -> String {
    line(time, "DAEMON_END", "op=terminate auid=0 uid=0 ses=4294967295 pid=1 res=success", serial: serial, node: node)
  }
  static func login(_ time: String, _ serial: Int, node: String? = nil) -> String {
    line(time, "USER_LOGIN", "pid=1520 uid=0 auid=1000 ses=3 msg='op=login id=1000 exe=\"/usr/sbin/sshd\" hostname=10.0.0.5 addr=10.0.0.5 terminal=/dev/pts/0 res=success'", serial: serial, node: node)
  }

  /// A clean reboot, a boot cut off (no SYSTEM_SHUTDOWN), a running boot in which auditd was restarted.
  static func threeBoots(node: String? = nil) -> [String] {
    [
      daemonStart("03-01 10:00:00", 1, node: node), kernelEvent("03-01 10:00:00", 2, node: node),
      systemBoot("03-01 10:00:08", 3, node: node), runlevel("03-01 10:00:08", 3, 4, node: node),
      login("03-01 10:30:00", 5, node: node), runlevel("03-01 10:59:55", 6, 6, node: node),
      systemShutdown("03-01 10:59:56", 7, node: node), daemonEnd("03-01 10:59:57", 8, node: node),
      daemonStart("03-01 11:01:00", 1, node: node), systemBoot("03-01 11:01:09", 2, node: node),
      login("03-01 12:10:00", 3, node: node),
      // Power lost. The next boot's auditd starts, the kernel's buffered events follow, SYSTEM_BOOT 10 s later.
      daemonStart("03-01 13:00:00", 1, node: node), kernelEvent("03-01 13:00:01", 2, node: node),
      systemBoot("03-01 13:00:10", 3, node: node), login("03-01 13:30:00", 4, node: node),
      // auditd restarted on a configuration reload: no boot, no shutdown.
      daemonEnd("03-01 13:40:00", 5, node: node), daemonStart("03-01 13:40:01", 6, node: node),
      login("03-01 13:45:00", 7, node: node), login("03-01 14:05:00", 8, node: node),
    ]
  }
}

@Suite struct AuditTests {
  static func analyze(_ paths: [String], host: String? = nil) -> AnalysisResult {
    Analyzer.run(AnalysisOptions(paths: paths, ingest: IngestOptions(year: 2024, timeZone: "UTC"), host: host))
  }

  /// The audit log alone is judged like wtmp: SYSTEM_BOOT opens a boot, SYSTEM_SHUTDOWN (or runlevel 0/6) closes
  /// it cleanly, a boot without one before the next SYSTEM_BOOT ended unclean. auditd's own restart is neither,
  /// and the events between the next boot's auditd start and its SYSTEM_BOOT do not keep the cut-off boot alive.
  @Test func auditAloneGivesLastXVerdicts() throws {
    let dir = SyslogTestFiles.tempDir()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    SyslogTestFiles.write(dir + "/audit.log", AuditFixture.threeBoots().joined(separator: "\n") + "\n")
    #expect(Discovery.discover(paths: [dir], registry: InputRegistry()) == [.auditSet(files: [dir + "/audit.log"])])
    let r = Self.analyze([dir])
    #expect(r.hosts.count == 1 && r.hosts[0].name.hasPrefix("unknown (/"))
    let boots = r.hosts[0].boots
    #expect(boots.map(\.ending) == [.reboot, .powerLoss, .running])
    // At each SYSTEM_BOOT (the milliseconds are the serial's, in these lines).
    #expect(boots.map(\.start) == [
      AuditFixture.t("03-01 10:00:08") * 1_000_000 + 3_000, AuditFixture.t("03-01 11:01:09") * 1_000_000 + 2_000,
      AuditFixture.t("03-01 13:00:10") * 1_000_000 + 3_000,
    ])
    #expect(boots[1].lastSignOfLife == AuditFixture.t("03-01 12:10:00") * 1_000_000 + 3_000)
    #expect(boots[1].evidence.first { $0.kind == .lastSignOfLife }?.location.line == 11)
    #expect(boots[0].evidence.contains { $0.kind == .shutdownMarker && $0.message.hasPrefix("type=SYSTEM_SHUTDOWN") })
    #expect(boots[2].lastSignOfLife == AuditFixture.t("03-01 14:05:00") * 1_000_000 + 8_000)
    // The enriched format's separator is shown as a space; every line is read.
    let bootLine = boots[0].evidence.first { $0.kind == .nextBoot }?.message ?? ""
    #expect(bootLine.hasPrefix("type=SYSTEM_BOOT msg=audit(") && bootLine.contains("res=success' UID=\"root\""))
    #expect(r.inputs[0].kind == .audit && r.inputs[0].records == 19 && r.inputs[0].warnings == [])
  }

  /// `audit.log.1` and `audit.log` are one stream, oldest first; `node=` names the host; the folder's host is
  /// taken from `/var/log` above `/var/log/audit`; lines that are not audit events are counted and warned about.
  @Test func rotationNodeAndFolderHost() throws {
    let dir = SyslogTestFiles.tempDir()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try FileManager.default.createDirectory(atPath: dir + "/audit", withIntermediateDirectories: true)
    let lines = AuditFixture.threeBoots()
    SyslogTestFiles.write(dir + "/audit/audit.log.1", lines[0..<10].joined(separator: "\n") + "\n")
    SyslogTestFiles.write(dir + "/audit/audit.log", lines[10...].joined(separator: "\n") + "\nnot an audit event\n")
    SyslogTestFiles.write(dir + "/messages", """
      Mar  1 10:00:00 db1 kernel: Linux version 5.14.0-362.el9.x86_64 (mockbuild@x86-vm-07) #1 SMP
      Mar  1 10:30:00 db1 sshd[1520]: Accepted publickey for ops from 10.0.0.5 port 50122 ssh2

      """)
    let found = Discovery.discover(paths: [dir], registry: InputRegistry())
    #expect(found.contains(.auditSet(files: [dir + "/audit/audit.log.1", dir + "/audit/audit.log"])))
    let r = Self.analyze([dir])
    #expect(r.hosts.map(\.name) == ["db1"])
    #expect(r.hosts.first?.boots.map(\.ending) == [.reboot, .powerLoss, .running])
    let newest = r.inputs.first { $0.path.hasSuffix("/audit.log") }
    #expect(newest?.skipped == 1)
    #expect(newest?.warnings == ["1 line is not audit events and were skipped (first at line 10)"])

    // node= names the host, whatever the folder says.
    let nodes = dir + "/nodes"
    try FileManager.default.createDirectory(atPath: nodes, withIntermediateDirectories: true)
    SyslogTestFiles.write(nodes + "/audit.log", AuditFixture.threeBoots(node: "db2").joined(separator: "\n") + "\n")
    // Another node's event while db2's boot is held back is not db2's and is kept.
    var mixed = AuditFixture.threeBoots(node: "db2")
    mixed.insert(AuditFixture.login("03-01 13:00:05", 9, node: "db3"), at: 13)
    SyslogTestFiles.write(nodes + "/audit.log", mixed.joined(separator: "\n") + "\n")
    let n = Self.analyze([nodes])
    #expect(n.hosts.map(\.name) == ["db2", "db3"])
    #expect(n.hosts.first?.boots.map(\.ending) == [.reboot, .powerLoss, .running])
    #expect(n.hosts.last?.boots.last?.lastSignOfLife == AuditFixture.t("03-01 13:00:05") * 1_000_000 + 9_000)
  }

  /// A power loss that tore the audit log's last write leaves NUL bytes before the next boot's events: the torn
  /// line is counted as skipped, the NUL run is evidence of the next boot's unclean start (also when it came before
  /// the held-back events of auditd's start).
  @Test func nulRunBeforeTheNextBootIsEvidence() throws {
    let dir = SyslogTestFiles.tempDir()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let lines = AuditFixture.threeBoots()
    // Line 11 (the login at 12:10) is the last whole one; line 12 (auditd's next start) follows a torn write.
    let torn = lines[..<11].joined(separator: "\n") + "\n" + "type=USER_LOGIN msg=audit(17092" + String(repeating: "\0", count: 512)
      + lines[11...].joined(separator: "\n") + "\n"
    SyslogTestFiles.write(dir + "/audit.log", torn)
    let r = Self.analyze([dir])
    let boots = r.hosts[0].boots
    #expect(boots.map(\.ending) == [.reboot, .powerLoss, .running])
    let nul = boots[1].evidence.first { $0.kind == .nulRun }
    #expect(nul?.message == "512 NUL bytes before this boot's first record (writes lost at power loss)")
    #expect(r.inputs[0].skipped == 1)
  }

  /// Copied dateless syslog files take their year from the audit log below them (its epoch stamps carry the
  /// year), as from a journal: file times of a copy made later say nothing.
  @Test func auditLogAnchorsTheYearOfCopiedSyslog() throws {
    let dir = SyslogTestFiles.tempDir()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try FileManager.default.createDirectory(atPath: dir + "/audit", withIntermediateDirectories: true)
    SyslogTestFiles.write(dir + "/audit/audit.log", AuditFixture.threeBoots().joined(separator: "\n") + "\n")
    SyslogTestFiles.write(dir + "/messages", """
      Mar  1 10:00:00 db1 kernel: Linux version 5.14.0-362.el9.x86_64 (mockbuild@x86-vm-07) #1 SMP
      Mar  1 14:05:00 db1 sshd[1520]: Accepted publickey for ops from 10.0.0.5 port 50122 ssh2

      """)
    let copied = Date(timeIntervalSince1970: TimeInterval(AuditFixture.t("03-01 14:05:00") + 2 * 365 * 86400))
    try FileManager.default.setAttributes([.modificationDate: copied], ofItemAtPath: dir + "/messages")
    let r = Analyzer.run(AnalysisOptions(paths: [dir], ingest: IngestOptions(timeZone: "UTC")))
    let messages = r.inputs.first { $0.path.hasSuffix("/messages") }
    #expect(messages?.warnings == [
      "year 2024 inferred from the last entry of the audit log in the same folder; file modification times say 2026 "
        + "(files copied?)"
    ])
    #expect(r.hosts.first?.boots.first?.start == AuditFixture.t("03-01 10:00:00") * 1_000_000)
  }
}
