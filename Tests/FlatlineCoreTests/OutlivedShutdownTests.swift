import Foundation
import Testing

@testable import FlatlineCore

/// A shutdown sequence the boot went on from (`systemctl soft-reboot`) is not how the boot ended.
@Suite struct OutlivedShutdownTests {
  static let rs = #"[origin software="rsyslogd" swVersion="8.2312.0" x-pid="700" x-info="https://www.rsyslog.com"]"#
  static let banner = "Linux version 6.8.0-31-generic (buildd@lcy02-amd64-080) #31-Ubuntu SMP"

  static func line(_ minute: Int, _ second: Int = 0, _ tag: String, _ msg: String) -> String {
    String(format: "2025-03-01T%02d:%02d:%02d.000000+00:00 app1 ", 8 + minute / 60, minute % 60, second) + "\(tag): \(msg)"
  }

  static func analyze(_ lines: [String]) -> [BootEnding] {
    let dir = SyslogTestFiles.tempDir()
    SyslogTestFiles.write(dir + "/syslog", lines.joined(separator: "\n") + "\n")
    let r = Analyzer.run(AnalysisOptions(paths: [dir], ingest: IngestOptions(timeZone: "UTC")))
    return r.hosts.first?.boots.map(\.ending) ?? []
  }

  static func boot(_ minute: Int) -> [String] {
    [line(minute, 0, "kernel", banner), line(minute, 1, "rsyslogd", rs + " start")]
  }

  static func cron(_ from: Int, _ count: Int, every: Int = 5) -> [String] {
    (1...count).map { line(from + $0 * every, 0, "CRON[1]", "(root) CMD (run-parts)") }
  }

  /// Userspace restarted after `Shutting down.` and ran 2.5 h; then the power went: a power loss, not a reboot.
  @Test func softRebootThenPowerLoss() {
    var lines = Self.boot(0) + Self.cron(0, 10)
    lines += [
      Self.line(50, 0, "systemd[1]", "Reached target soft-reboot.target - Reboot System Userspace."),
      Self.line(50, 0, "systemd[1]", "Shutting down."),
      Self.line(50, 1, "rsyslogd", Self.rs + " exiting on signal 15."),
      Self.line(50, 20, "rsyslogd", Self.rs + " start"),
    ]
    lines += Self.cron(50, 30) + Self.boot(205) + Self.cron(205, 3)
    #expect(Self.analyze(lines) == [.powerLoss, .running])
  }

  /// A long shutdown (stop jobs for 15 minutes after `Reached target Shutdown`, no start) stays clean, and so does a
  /// reboot whose next syslog start line came before the next kernel banner.
  @Test func slowShutdownAndEarlyStartLineStayClean() {
    var lines = Self.boot(0) + Self.cron(0, 10)
    lines.append(Self.line(50, 0, "systemd[1]", "Reached target shutdown.target - System Shutdown."))
    lines += (1...25).map { Self.line(50 + $0 / 2, $0 % 60, "systemd[1]", "A stop job is running for PostgreSQL (\($0)min / 30min)") }
    lines += Self.boot(70) + Self.cron(70, 3)
    #expect(Self.analyze(lines) == [.reboot, .running])

    var early = Self.boot(0) + Self.cron(0, 10)
    early += [
      Self.line(50, 0, "systemd[1]", "Shutting down."),
      Self.line(55, 12, "rsyslogd", Self.rs + " start"),
      Self.line(55, 0, "kernel", Self.banner),
    ]
    early += Self.cron(55, 30)
    #expect(Self.analyze(early) == [.reboot, .running])
  }
}
