import Foundation
import Testing

@testable import FlatlineCore

/// rsyslog's imjournal that lost its state file writes the whole persistent journal again after its start line,
/// each entry stamped when it first happened (RHEL 8/9 after a power loss tore `imjournal.state`).
@Suite struct JournalRereadTests {
  static let start = #"[origin software="rsyslogd" swVersion="8.2102.0-117.el9" x-pid="%d" x-info="https://www.rsyslog.com"] start"#
  static let exit = #"[origin software="rsyslogd" swVersion="8.2102.0-117.el9" x-pid="%d" x-info="https://www.rsyslog.com"] exiting on signal 15."#

  /// A RHEL 9 boot as the journal holds it, from `hh:mm` on: kernel banner, PostgreSQL, cron every 10 minutes
  /// for `minutes`, then (when `clean`) a reboot's last lines.
  static func boot(_ hhmm: String, minutes: Int, clean: Bool, recovery: Bool = false, pid: Int) -> [String] {
    let h = Int(hhmm.prefix(2))!
    let m = Int(hhmm.suffix(2))!
    func at(_ dm: Int, _ s: Int) -> String {
      let t = h * 60 + m + dm
      return String(format: "2024-03-01T%02d:%02d:%02d.000000+00:00 db1", t / 60, t % 60, s)
    }
    var out = [
      "\(at(0, 0)) kernel: Linux version 5.14.0-362.el9.x86_64 (mockbuild@x86-vm-07) (gcc) #1 SMP PREEMPT_DYNAMIC",
      "\(at(0, 0)) kernel: Command line: BOOT_IMAGE=(hd0,gpt2)/vmlinuz root=/dev/mapper/rhel-root ro",
      "\(at(0, 3)) systemd[1]: systemd 252-18.el9 running in system mode",
      "\(at(0, 4)) systemd-journald[512]: Journal started",
      "\(at(0, 6)) " + "rsyslogd[\(pid)]: " + String(format: start, pid),
    ]
    if recovery {
      out.append("\(at(0, 9)) postgres[900]: LOG:  database system was interrupted; last known up at 2024-03-01 09:41:00 UTC")
    }
    for k in stride(from: 10, through: minutes, by: 10) { out.append("\(at(k, 0)) crond[1200]: (root) CMD (run-parts /etc/cron.hourly)") }
    if clean {
      out += [
        "\(at(minutes, 30)) systemd-logind[800]: The system will reboot now!",
        "\(at(minutes, 31)) " + "rsyslogd[\(pid)]: " + String(format: exit, pid),
        "\(at(minutes, 32)) systemd[1]: Reached target System Reboot.",
        "\(at(minutes, 33)) systemd-shutdown[1]: Syncing filesystems and block devices.",
      ]
    }
    return out
  }

  /// The text: boot A (clean reboot), boot B (power loss; the journal holds 10 minutes the text never got), then
  /// boot C, whose rsyslog finds the state file torn (`notice`) and writes the journal again from A's first entry.
  /// `timeOrder`: rsyslog's own lines go through the journal too (rsyslog 8.2102 on RHEL 8 and 9), so its start
  /// line and the notice come after the reread, in time order.
  static func messages(notice: String, timeOrder: Bool = false) -> String {
    let a = boot("08:00", minutes: 60, clean: true, pid: 700)
    let bJournal = boot("09:02", minutes: 44, clean: false, recovery: true, pid: 701)
    let bText = Array(bJournal.dropLast(1))  // the cron line at 09:42 was in the journal only
    var c = boot("10:05", minutes: 20, clean: false, pid: 702)
    let noticeLine = "2024-03-01T10:05:06.000000+00:00 db1 rsyslogd[702]: \(notice)"
    if timeOrder {
      c.insert(noticeLine, at: 5)
      return (a + bText + a + bJournal + c).joined(separator: "\n") + "\n"
    }
    let cStart = c.remove(at: 4)  // rsyslog's own start line comes first, with the notice
    return (a + bText + [cStart, noticeLine] + a + bJournal + c).joined(separator: "\n") + "\n"
  }

  static func tempDir(_ name: String) -> String {
    let d = NSTemporaryDirectory() + "flatline-reread-test-\(getpid())-\(name)"
    try? FileManager.default.removeItem(atPath: d)
    try? FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
    return d
  }

  static let notices = [
    "imjournal: ignoring invalid state file /var/lib/rsyslog/imjournal.state [v8.2102.0-117.el9]",
    "imjournal: No statefile exists, /var/lib/rsyslog/imjournal.state will be created (ignore if this is first run): "
      + "No such file or directory [v8.2102.0-117.el9 try https://www.rsyslog.com/e/2040 ]",
  ]

  /// The journal read again is left out: after a notice that comes first, up to the host's latest line before
  /// the restart; before one that comes in time order, the first reading of each boot read twice. Either way:
  /// three boots, one power loss (alive until the entry only the journal had), one incident, the recovery line's
  /// rule hit once; what is left out is counted as skipped and warned about at the notice.
  @Test(arguments: notices, [false, true])
  func journalReadAgainIsLeftOut(notice: String, timeOrder: Bool) throws {
    let dir = Self.tempDir("one-\(Self.notices.firstIndex(of: notice) ?? 0)-\(timeOrder)")
    let text = Self.messages(notice: notice, timeOrder: timeOrder)
    try text.write(toFile: dir + "/messages", atomically: true, encoding: .utf8)
    let noticeLine = try #require(text.split(separator: "\n").firstIndex { $0.contains("imjournal:") }) + 1
    let r = Analyzer.run(AnalysisOptions(paths: [dir], ingest: IngestOptions(timeZone: "UTC")))
    let boots = try #require(r.hosts.first).boots
    #expect(boots.map(\.ending) == [.reboot, .powerLoss, .running])
    #expect(boots[1].lastSignOfLife == CivilTime.micros(year: 2024, month: 3, day: 1, hour: 9, minute: 42, second: 0))
    #expect(r.incidents.count == 1)
    let hits = r.incidents.flatMap(\.datastoreEvents).map(\.hit) + r.findings.map(\.hit)
    let recoveries = hits.filter { $0.ruleID.hasPrefix("postgresql.") }
    #expect(recoveries.count == 1, "\(recoveries.map(\.ruleID))")
    let input = try #require(r.inputs.first)
    // A (5 + 6 cron + 4 shutdown lines) and B as the text had it (5 + 1 + 3 cron): after the notice, the lines
    // again up to B's last text line at 09:32; before it (in time order), the first reading of both boots.
    #expect(input.skipped == 15 + 9)
    #expect(input.warnings.contains { $0.hasPrefix("line \(noticeLine): rsyslog's imjournal") && $0.contains("24 lines") })
  }

  /// The log begins inside boot A (its first lines rotated away) and the notice comes in time order: the journal's
  /// second reading of A spans the log's first, partial one, which is left out with B's first reading.
  @Test func journalReadAgainAfterALogThatBeginsInsideABoot() throws {
    let dir = Self.tempDir("inside")
    let text = Self.messages(notice: Self.notices[0], timeOrder: true).split(separator: "\n").dropFirst(6)
    try (text.joined(separator: "\n") + "\n").write(toFile: dir + "/messages", atomically: true, encoding: .utf8)
    let r = Analyzer.run(AnalysisOptions(paths: [dir], ingest: IngestOptions(timeZone: "UTC")))
    let boots = try #require(r.hosts.first).boots
    #expect(boots.map(\.ending) == [.reboot, .powerLoss, .running])
    #expect(boots[0].start == CivilTime.micros(year: 2024, month: 3, day: 1, hour: 8, minute: 0, second: 0))
    #expect(r.incidents.count == 1)
    #expect(try #require(r.inputs.first).skipped == 15 - 6 + 9)
  }

  /// Each notice looks at all the host's boots and rule hits so far: past 16 notices a host's notices are not acted
  /// on, and a warning says so (a log full of them took minutes: 30,000 notices, 4 min 31 s).
  @Test func manyNoticesAreCapped() throws {
    let dir = Self.tempDir("many")
    var lines: [String] = []
    for i in 0..<40 {
      let t = String(format: "2024-03-01T10:%02d:00.000000+00:00 db1", i)
      lines.append("\(t) rsyslogd[700]: \(Self.notices[0])")
      lines.append("\(t) myapp[9]: sqlite: database disk image is malformed (\(i))")
    }
    try (lines.joined(separator: "\n") + "\n").write(toFile: dir + "/messages", atomically: true, encoding: .utf8)
    let r = Analyzer.run(AnalysisOptions(paths: [dir], ingest: IngestOptions(timeZone: "UTC")))
    let input = try #require(r.inputs.first)
    #expect(input.warnings.contains { $0.contains("40 notices of rsyslog's imjournal") && $0.contains("first 16") })
    #expect(r.findings.count == 40)
  }

  /// Read in chunks on two threads, the report is the one-thread report.
  @Test(arguments: [false, true])
  func journalReadAgainReadInChunks(timeOrder: Bool) throws {
    let dir = Self.tempDir("chunks-\(timeOrder)")
    try Self.messages(notice: Self.notices[0], timeOrder: timeOrder).write(
      toFile: dir + "/messages", atomically: true, encoding: .utf8)
    let one = SplitIngestTests.report([dir], jobs: 1)
    for chunk in [300, 1000, 4096] {
      let split = SplitIngestTests.report([dir], jobs: 2, chunk: chunk)
      #expect(split == one, "chunk \(chunk): \(SplitIngestTests.firstDifference(one, split))")
    }
  }
}
