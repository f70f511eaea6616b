import Foundation
import Testing

@testable import FlatlineCore

/// How the boots of a host's streams are matched to each other (`HostMerger`).
@Suite struct StreamMergeTests {
  static let rs = #"[origin software="rsyslogd" swVersion="8.2302.0" x-pid="402" x-info="https://www.rsyslog.com"]"#
  static let host = "app-10"
  static let machine = "501c8f41da3d3424204bb66b56a16981"

  /// Seconds since the epoch of 2024-03-04 00:00:00 UTC.
  static let day0: Int64 = 1_709_510_400

  static func stamp(_ s: Int64) -> String {
    let d = Date(timeIntervalSince1970: TimeInterval(day0 + s))
    let f = DateFormatter()
    f.locale = Locale(identifier: "en_US_POSIX")
    f.timeZone = TimeZone(identifier: "UTC")
    f.dateFormat = "yyyy-MM-dd'T'HH:mm:ss'.000000+00:00'"
    return f.string(from: d)
  }

  static func line(_ s: Int64, _ tag: String, _ msg: String) -> String { "\(stamp(s)) \(host) \(tag): \(msg)" }

  static func banner(_ s: Int64) -> [String] {
    [
      line(s, "rsyslogd", rs + " start"),
      line(s, "kernel", "[    0.000000] Linux version 6.1.0-18-amd64 (debian-kernel@lists.debian.org) (gcc-12) #1 SMP"),
      line(s, "kernel", "[    0.000001] Command line: BOOT_IMAGE=/boot/vmlinuz-6.1.0-18-amd64 root=UUID=1 ro quiet"),
      line(s, "systemd[1]", "Started rsyslog.service - System Logging Service."),
    ]
  }

  static func entry(_ s: Int64, boot: String, start: Int64, _ ident: String, _ msg: String) -> String {
    var e = [
      "__REALTIME_TIMESTAMP=\((day0 + s) * 1_000_000)", "__MONOTONIC_TIMESTAMP=\((s - start) * 1_000_000)",
      "_BOOT_ID=\(boot)", "_MACHINE_ID=\(machine)", "_HOSTNAME=\(host)", "SYSLOG_IDENTIFIER=\(ident)",
    ]
    e.append(ident == "kernel" ? "_TRANSPORT=kernel" : "_TRANSPORT=syslog")
    e.append("MESSAGE=\(msg)")
    return e.joined(separator: "\n") + "\n"
  }

  /// The syslog begins with a boot's clean shutdown and, 77 s later, the next boot's banner; the journal begins
  /// eleven hours into that next boot, which ends in a power loss. Both streams' first boots began before their
  /// data, but they are not the same boot: the syslog shows a boot begin after its first boot's records and
  /// before the journal's first entry. The boot that began then was once taken for the one before it (the
  /// syslog's first boot, its clean ending turned into a power loss with a clock jump) and counted twice.
  @Test func aBootStartBetweenTwoPartialFirstBootsKeepsThemApart() throws {
    guard JournalFixture.isAvailable else { return }
    let b: Int64 = 2_528  // 00:42:08, the second boot's banner
    let c: Int64 = 2 * 86_400 + 45_424  // 03-06 12:37:04, after the power loss
    var syslog = [
      Self.line(2_450, "systemd[1]", "Stopping rsyslog.service - System Logging Service..."),
      Self.line(2_451, "rsyslogd", Self.rs + " exiting on signal 15."),
    ]
    syslog += Self.banner(b)
    let dead = c - 2_677  // the last line before the power loss
    syslog += stride(from: b + 3_600, to: dead, by: 3_600).map { Self.line($0, "CRON[5915]", "(root) CMD (run-parts)") }
    syslog.append(Self.line(dead, "CRON[5915]", "(root) CMD (run-parts)"))
    syslog += Self.banner(c)
    syslog.append(Self.line(c + 13, "kernel", "[    1.412560] EXT4-fs (vda1): recovery complete"))
    syslog += stride(from: c + 3_600, to: c + 36_000, by: 3_600).map { Self.line($0, "CRON[7000]", "(root) CMD (run-parts)") }

    let bootB = "c394e20ae3f835ea32ddaebeeda46420"
    let bootC = "67ef0220372c14c70dc35fd61b0d9cda"
    var export: [String] = []
    export += stride(from: b + 40_000, through: dead, by: 3_600).map {
      Self.entry($0, boot: bootB, start: b, "CRON", "(root) CMD (run-parts)")
    }
    export.append(Self.entry(dead, boot: bootB, start: b, "CRON", "(root) CMD (run-parts)"))
    export.append(Self.entry(c - 20, boot: bootC, start: c - 20, "kernel", "Linux version 6.1.0-18-amd64 (gcc-12) #1 SMP"))
    export += stride(from: c + 3_600, to: c + 36_000, by: 3_600).map {
      Self.entry($0, boot: bootC, start: c - 20, "CRON", "(root) CMD (run-parts)")
    }

    let dir = try JournalFixture.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    SyslogTestFiles.write(dir.path + "/syslog", syslog.joined(separator: "\n") + "\n")
    _ = try JournalFixture.build(
      export: export.joined(separator: "\n"), in: dir.appendingPathComponent("journal/\(Self.machine)"),
      name: "system.journal")
    let r = Analyzer.run(AnalysisOptions(paths: [dir.path], ingest: IngestOptions(timeZone: "UTC")))
    #expect(r.hosts.count == 1)
    let boots = r.hosts.first?.boots ?? []
    #expect(boots.map(\.ending) == [.reboot, .powerLoss, .running])
    #expect(boots.map(\.id) == ["\(Self.host)-1", bootB, bootC])
  }
}
