import Foundation
import Testing

@testable import FlatlineCore

/// Text that `journalctl` printed (`journalctl > journal.txt`, often what an incident ticket carries): its own
/// lines between entries (`JournalctlLine`) are neither records nor damaged lines; its header gives the year; and a
/// boot ID that comes back after other boots' lines — boots interleaved by wall clock — makes the host's endings
/// unknown instead of confidently wrong.
@Suite struct JournalctlTextTests {
  static let idA = "5ea5fc4f82a14186b5332a788ef9435e"
  static let idB = "bea6864f21ad4c9594c04a99d89948b0"
  static let idC = "35e8501129134edd9df5267c49f744a4"

  static func analyze(_ text: String, jobs: Int = 1, chunk: Int = 0) -> (AnalysisResult, String) {
    let dir = SplitIngestTests.tempDir("journalctl-\(jobs)-\(chunk)-\(text.utf8.count)")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try! text.write(toFile: dir + "/journal.txt", atomically: true, encoding: .utf8)
    var ingest = IngestOptions(timeZone: "UTC")
    if chunk > 0 {
      ingest.splitThreshold = 0
      ingest.splitChunkBytes = chunk
    }
    var o = AnalysisOptions(paths: [dir], ingest: ingest)
    o.jobs = jobs
    let result = Analyzer.run(o)
    // The temporary folder's name differs per call: compare reports without it.
    return (result, JSONReporter.render(result, generatedAt: 0).replacingOccurrences(of: dir, with: "DIR"))
  }

  @Test func annotationLines() {
    func parse(_ s: String) -> JournalctlLine? { Array(s.utf8).withBytes { JournalctlLine.parse($0) } }
    #expect(parse("-- Boot \(Self.idA) --") == .boot(id: Self.idA))
    #expect(parse("-- Boot \(Self.idA.uppercased()) --\r") == .boot(id: Self.idA))
    #expect(parse("-- Reboot --") == .boot(id: nil))
    typealias Day = JournalctlSpan.Day
    #expect(parse("-- Logs begin at Thu 2021-04-29 17:44:42 BST, end at Thu 2021-05-06 09:05:01 BST. --")
      == .header(span: JournalctlSpan(begin: Day(year: 2021, month: 4, day: 29), end: Day(year: 2021, month: 5, day: 6))))
    #expect(parse("-- Journal begins at Mon 2022-01-03 10:00:00 UTC, ends at Tue 2023-02-04 11:00:00 UTC. --")
      == .header(span: JournalctlSpan(begin: Day(year: 2022, month: 1, day: 3), end: Day(year: 2023, month: 2, day: 4))))
    #expect(parse("-- No entries --") == .header(span: nil))
    // A header whose dates cannot be read gives no year.
    #expect(parse("-- Logs begin at jeu. 2021-04-29 17:44:42 CEST, end at ven. 2021-05-07. --") == .header(span: nil))
    // `journalctl -x` explanation text, and look-alikes of the separators, are explanation lines.
    for s in [
      "-- Subject: A start job for unit nginx.service has finished successfully", "-- Defined-By: systemd", "-- ",
      "--", "░░ Subject: A stop job for unit nginx.service has finished", "░░ ",
      "-- Boot 5ea5fc4f82a14186b5332a788ef9435 --", "-- Boot \(Self.idA)x --", "-- Reboot",
      "-- The unit nginx.service has entered the 'failed' state --",
    ] {
      #expect(parse(s) == .explanation, "\(s)")
    }
    // Log lines and other text are none of journalctl's.
    for s in ["--Reboot--", "---", "-x", "Oct 24 00:00:01 pi kernel: -- Reboot --", "░ Subject", "\u{2592}\u{2592} x"] {
      #expect(parse(s) == nil, "\(s)")
    }
  }

  /// `journalctl -xe` output of an older and of a newer systemd: the explanations are skipped, counted in one
  /// warning of their own, and change nothing else.
  @Test func explanationTextIsCountedApart() throws {
    let entries = [
      "Mar 05 10:00:00 db kernel: Linux version 6.1.0-18-amd64 (debian-kernel@lists.debian.org) #1 SMP",
      "Mar 05 10:00:02 db systemd[1]: Started postgresql@15-main.service - PostgreSQL Cluster 15-main.",
      "Mar 05 12:00:00 db systemd-logind[500]: System is powering down.",
      "Mar 05 12:00:01 db systemd-journald[300]: Journal stopped",
    ]
    let older = ["-- Subject: A start job for unit postgresql@15-main.service has finished successfully",
      "-- Defined-By: systemd", "-- ", "-- The job identifier is 212."]
    let newer = older.map { "░░" + $0.dropFirst(2) }
    for explanation in [older, newer] {
      let text = ([entries[0], entries[1]] + explanation + [entries[2], entries[3]]).joined(separator: "\n")
      let (result, _) = Self.analyze(text)
      #expect(try #require(result.hosts.first).boots.map(\.ending) == [.shutdown])
      let input = try #require(result.inputs.first)
      #expect(input.records == 4 && input.skipped == 4)
      #expect(input.warnings == [
        "4 lines of journalctl's explanation text (`journalctl -x`: `-- Subject: …`, `░░ …`) skipped (first at line 3)"
      ])
    }
  }

  /// Boots one after the other (a machine with a clock), with the separators of newer and of older systemd and the
  /// header of older: the verdicts of the same text without them, no skipped lines, the year from the header.
  @Test func dumpOfBootsInOrder() throws {
    let boot1 = """
      Dec 31 22:00:00 web kernel: Linux version 5.15.0-102-generic (buildd@lcy02-amd64-106) (gcc 11.4.0) #112-Ubuntu SMP
      Dec 31 22:00:01 web systemd[1]: Started Journal Service.
      Dec 31 22:00:05 web systemd[1]: Reached target Multi-User System.
      Dec 31 23:59:00 web systemd-logind[581]: System is rebooting.
      Dec 31 23:59:00 web systemd[1]: Stopping Session 4 of User ops...
      Dec 31 23:59:01 web systemd-journald[352]: Journal stopped
      """
    let boot2 = """
      Jan 01 00:00:30 web kernel: Linux version 5.15.0-102-generic (buildd@lcy02-amd64-106) (gcc 11.4.0) #112-Ubuntu SMP
      Jan 01 00:00:31 web systemd[1]: Started Journal Service.
      Jan 01 01:00:00 web postgres[900]: LOG:  checkpoint complete
      """
    let boot3 = """
      Jan 01 02:00:00 web kernel: Linux version 5.15.0-102-generic (buildd@lcy02-amd64-106) (gcc 11.4.0) #112-Ubuntu SMP
      Jan 01 02:00:01 web systemd[1]: Started Journal Service.
      Jan 01 02:00:07 web kernel: EXT4-fs (nvme0n1p1): recovery complete
      """
    let header = "-- Logs begin at Fri 2021-12-31 22:00:00 UTC, end at Sat 2022-01-01 03:00:00 UTC. --"
    let newer = [header, boot1, "-- Boot \(Self.idB) --", boot2, "-- Boot \(Self.idC) --", boot3].joined(separator: "\n")
    let older = [boot1, "-- Reboot --", boot2, "-- Reboot --", boot3].joined(separator: "\n")
    let plain = [boot1, boot2, boot3].joined(separator: "\n")
    for text in [newer, older] {
      let (result, _) = Self.analyze(text)
      let boots = try #require(result.hosts.first?.boots)
      #expect(boots.map(\.ending) == [.reboot, .powerLoss, .running])
      #expect(result.inputs.allSatisfy { $0.skipped == 0 && $0.warnings.isEmpty }, "\(result.inputs)")
    }
    #expect(try #require(Self.analyze(plain).0.hosts.first).boots.map(\.ending) == [.reboot, .powerLoss, .running])
    // The header's year, not the file's (written today): the first boot is New Year's Eve 2021.
    let first = try #require(Self.analyze(newer).0.hosts.first?.boots.first)
    #expect(first.start == CivilTime.micros(year: 2021, month: 12, day: 31, hour: 22, minute: 0, second: 0))
    // `journalctl --since …` of a journal that began years before: the text starts after the header's begin date,
    // so it is placed as late as the end date allows.
    let since = "-- Logs begin at Thu 2019-04-25 09:12:44 UTC, end at Mon 2022-01-01 03:00:00 UTC. --\n" + plain
    let late = try #require(Self.analyze(since).0.hosts.first?.boots.first)
    #expect(late.start == CivilTime.micros(year: 2021, month: 12, day: 31, hour: 22, minute: 0, second: 0))
  }

  /// The year of a dump's first line from the header's span.
  @Test func yearOfTheFirstLine() {
    typealias Day = JournalctlSpan.Day
    let span = JournalctlSpan(begin: Day(year: 2021, month: 4, day: 29), end: Day(year: 2024, month: 3, day: 5))
    #expect(span.yearOfFirstLine(month: 4, day: 29) == 2021)  // the whole journal
    #expect(span.yearOfFirstLine(month: 3, day: 1) == 2024)  // --since, near the end
    #expect(span.yearOfFirstLine(month: 12, day: 30) == 2023)
    let short = JournalctlSpan(begin: Day(year: 2023, month: 12, day: 30), end: Day(year: 2024, month: 1, day: 1))
    #expect(short.yearOfFirstLine(month: 12, day: 31) == 2023)
    #expect(short.yearOfFirstLine(month: 1, day: 1) == 2024)
    // A line before the begin date can only be of a later year; never before the earliest that fits.
    let year = JournalctlSpan(begin: Day(year: 2022, month: 6, day: 1), end: Day(year: 2022, month: 6, day: 30))
    #expect(year.yearOfFirstLine(month: 12, day: 1) == 2022)
  }

  /// A machine without a real-time clock: every boot starts at the same restored time, so journalctl's wall-clock
  /// order mixes the boots' lines, with a `-- Boot` line at each change. The host's endings are unknown, with the
  /// line where the text went back to a boot as evidence — not a power loss read from the mix.
  static var interleaved: String {
    var lines: [String] = []
    var current = idA
    func switchTo(_ boot: String) {
      if boot != current { lines.append("-- Boot \(boot) --") }
      current = boot
    }
    for boot in [idA, idB] {
      switchTo(boot)
      lines.append("Oct 24 00:00:00 pi kernel: Booting Linux on physical CPU 0x0000000000 [0x410fd083]")
      lines.append("Oct 24 00:00:00 pi kernel: Linux version 6.0.7-301.fc37.aarch64 (mockbuild@fedoraproject.org) #1 SMP")
      // The first boot's earliest lines come first on their own (so that, read in small chunks, the text goes back
      // to a boot only in a later chunk).
      if boot == idA {
        for k in 0..<100 { lines.append("Oct 24 00:00:00 pi kernel: early step \(k)") }
      }
    }
    // Both kernels' early lines, alternating (as the real no-RTC journal of corpus/fedora-rpi4-journal shows), two
    // at a time a second apart (so that the text can be cut into chunks there).
    var second = 1
    for k in 0..<450 {
      for boot in [idA, idB] {
        switchTo(boot)
        for half in 0..<2 {
          let stamp = "00:\(second / 600)\(second / 60 % 10):\(second % 60 / 10)\(second % 10)"
          lines.append("Oct 24 \(stamp) pi kernel: init step \(k).\(half) of boot \(boot.prefix(4))")
          second += 1
        }
      }
    }
    switchTo(idA)
    lines.append("Oct 24 04:04:26 pi systemd-logind[600]: System is rebooting.")
    lines.append("Oct 24 04:04:26 pi systemd-journald[300]: Journal stopped")
    switchTo(idB)
    lines.append("Oct 24 04:05:40 pi kernel: EXT4-fs (mmcblk0p2): recovery complete")
    lines.append("Oct 24 04:05:47 pi systemd[1]: Started Session 1 of User pi.")
    return lines.joined(separator: "\n") + "\n"
  }

  @Test func interleavedBootsAreNotJudged() throws {
    let text = Self.interleaved
    let (result, report) = Self.analyze(text)
    let host = try #require(result.hosts.first)
    #expect(!host.boots.isEmpty)
    #expect(host.boots.allSatisfy { $0.ending == .unknown }, "\(host.boots.map(\.ending))")
    // The first boot line that names a boot for the second time: `-- Boot B` (line 103), `-- Boot A` (line 106),
    // then `-- Boot B` again at line 109.
    let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
    #expect(lines[102] == "-- Boot \(Self.idB) --" && lines[108] == lines[102])
    for boot in host.boots {
      let gap = try #require(boot.evidence.first { $0.kind == .dataGap })
      #expect(gap.location.line == 109)
      #expect(gap.message.contains("interleave"))
    }
    let input = try #require(result.inputs.first)
    #expect(input.skipped == 0)
    #expect(input.warnings == [
      "line 109: journalctl output goes back to boot \(Self.idB) here, after other boots' lines: pi's boots interleave "
        + "in this text (as on a machine without a real-time clock), so where each ended cannot be read from it; "
        + "read the binary journal instead"
    ])
    #expect(result.incidents.isEmpty)
    // Read in chunks on two threads (the chunks after a boot line are read again in order): the same report.
    for chunk in [700, 4096] {
      let (_, split) = Self.analyze(text, jobs: 2, chunk: chunk)
      #expect(split == report, "chunk \(chunk): \(SplitIngestTests.firstDifference(report, split))")
    }
  }

  /// The same mix as older systemd prints it, `-- Reboot --` at every change and no boot IDs: the changes far
  /// outnumber the boots the kernel banners open, so the endings are unknown too. A dump filtered to one unit has such
  /// lines but no banners: its boots are the ones the lines show, and nothing is concluded of how they ended.
  @Test func olderSystemdInterleavedBootsAreNotJudged() throws {
    let text = Self.interleaved.split(separator: "\n", omittingEmptySubsequences: false)
      .map { $0.hasPrefix("-- Boot ") ? "-- Reboot --" : String($0) }.joined(separator: "\n")
    let (result, report) = Self.analyze(text)
    let host = try #require(result.hosts.first)
    #expect(!host.boots.isEmpty)
    #expect(host.boots.allSatisfy { $0.ending == .unknown }, "\(host.boots.map(\.ending))")
    let input = try #require(result.inputs.first)
    #expect(input.skipped == 0)
    #expect(input.warnings.count == 1 && input.warnings[0].hasPrefix(
      "line 103: journalctl output changes boot 903 times (`-- Reboot --`) against 4 kernel banner line(s) of pi:"))
    for chunk in [700, 4096] {
      let (_, split) = Self.analyze(text, jobs: 2, chunk: chunk)
      #expect(split == report, "chunk \(chunk): \(SplitIngestTests.firstDifference(report, split))")
    }
    // `journalctl -u nginx` over six boots: a separator before each but the first, no kernel lines.
    var lines: [String] = []
    for boot in 0..<6 {
      if boot > 0 { lines.append("-- Reboot --") }
      lines.append("Mar 0\(boot + 1) 08:00:05 web systemd[1]: Starting A high performance web server...")
      lines.append("Mar 0\(boot + 1) 08:00:06 web systemd[1]: Started A high performance web server.")
    }
    let (filtered, _) = Self.analyze(lines.joined(separator: "\n") + "\n")
    #expect(try #require(filtered.hosts.first).boots.map(\.ending) == Array(repeating: .unknown, count: 5) + [.running])
    #expect(filtered.inputs.allSatisfy { $0.warnings.isEmpty && $0.skipped == 0 })
  }

  /// `journalctl -r` writes newest first: read in file order each boot would start after its end and end without
  /// a shutdown sequence (a false power loss, "down 0s", on the bench journal's dump). The endings are unknown, with
  /// a warning; the same text in time order is judged.
  @Test func textNewestFirstIsNotJudged() throws {
    var lines: [String] = []
    for (b, day) in ["03", "04", "05"].enumerated() {
      if b > 0 { lines.append("-- Boot \([Self.idA, Self.idB, Self.idC][b]) --") }
      lines.append("Mar \(day) 06:00:00 web kernel: Linux version 6.1.0-18-amd64 (debian-kernel@lists.debian.org) #1 SMP")
      lines.append("Mar \(day) 06:00:02 web systemd[1]: Started Journal Service.")
      for k in 0..<12 { lines.append("Mar \(day) 07:\(10 + k):00 web nginx[700]: worker \(k) reloaded") }
      if b == 0 {
        lines.append("Mar \(day) 09:00:00 web systemd-logind[500]: System is rebooting.")
        lines.append("Mar \(day) 09:00:01 web systemd-journald[300]: Journal stopped")
      }
    }
    let forward = lines.joined(separator: "\n") + "\n"
    #expect(try #require(Self.analyze(forward).0.hosts.first).boots.map(\.ending) == [.reboot, .powerLoss, .running])
    let (result, _) = Self.analyze(lines.reversed().joined(separator: "\n") + "\n")
    let host = try #require(result.hosts.first)
    #expect(!host.boots.isEmpty && host.boots.allSatisfy { $0.ending == .unknown }, "\(host.boots.map(\.ending))")
    #expect(result.incidents.isEmpty)
    let warnings = try #require(result.inputs.first).warnings
    #expect(warnings.count == 1 && warnings[0].hasPrefix("line 2: the records of web run backwards in time"), "\(warnings)")
  }

  /// `journalctl -m` over two machines: the boot IDs alternate, but each host's own boots do not come back.
  @Test func twoMachinesMergedAreNotInterleaved() throws {
    var lines: [String] = []
    for k in 0..<6 {
      let (host, id) = k % 2 == 0 ? ("alpha", Self.idA) : ("beta", Self.idB)
      if k > 0 { lines.append("-- Boot \(id) --") }
      if k < 2 { lines.append("Oct 24 10:00:0\(k) \(host) kernel: Linux version 6.1.0-18-amd64 (debian-kernel) #1 SMP") }
      lines.append("Oct 24 10:0\(k):30 \(host) systemd[1]: Started Session \(k) of User ops.")
    }
    let (result, _) = Self.analyze(lines.joined(separator: "\n") + "\n")
    #expect(result.hosts.map(\.name).sorted() == ["alpha", "beta"])
    #expect(result.hosts.allSatisfy { $0.boots.map(\.ending) == [.running] })
    #expect(result.inputs.allSatisfy { $0.warnings.isEmpty && $0.skipped == 0 }, "\(result.inputs)")
  }

  /// `journalctl -u postgresql` output: PID 1's and PostgreSQL's lines, no kernel line, no shutdown sequence.
  static var unitDump: String {
    """
    -- Journal begins at Mon 2024-03-04 08:00:00 UTC, ends at Wed 2024-03-06 12:00:00 UTC. --
    Mar 04 08:00:05 db1 systemd[1]: Starting PostgreSQL 15 database server...
    Mar 04 08:00:06 db1 postgres[612]: 2024-03-04 08:00:06.100 UTC [612] LOG:  database system is ready to accept connections
    Mar 04 08:00:06 db1 systemd[1]: Started PostgreSQL 15 database server.
    Mar 04 20:00:00 db1 postgres[700]: 2024-03-04 20:00:00.000 UTC [700] LOG:  checkpoint complete
    -- Boot \(idB) --
    Mar 05 09:10:05 db1 systemd[1]: Starting PostgreSQL 15 database server...
    Mar 05 09:10:06 db1 postgres[611]: 2024-03-05 09:10:06.200 UTC [611] LOG:  database system was not properly shut down; automatic recovery in progress
    Mar 05 09:10:07 db1 systemd[1]: Started PostgreSQL 15 database server.
    Mar 05 18:00:00 db1 systemd[1]: Stopping PostgreSQL 15 database server...
    Mar 05 18:00:02 db1 postgres[611]: 2024-03-05 18:00:02.000 UTC [611] LOG:  database system is shut down
    Mar 05 18:00:02 db1 systemd[1]: Stopped PostgreSQL 15 database server.
    -- Boot \(idC) --
    Mar 05 18:02:05 db1 systemd[1]: Starting PostgreSQL 15 database server...
    Mar 05 18:02:06 db1 postgres[610]: 2024-03-05 18:02:06.100 UTC [610] LOG:  database system is ready to accept connections
    Mar 06 12:00:00 db1 postgres[700]: 2024-03-06 12:00:00.000 UTC [700] LOG:  checkpoint complete

    """
  }

  /// A dump filtered by unit shows the journal's boots only by its `-- Boot <id> --` lines. It was one boot,
  /// `running` across three; now three, named by their IDs (the first, begun before the data, has none), whose
  /// endings it cannot show: not power losses, though no shutdown sequence is there. The same with the file read in
  /// chunks.
  @Test func aDumpFilteredByUnitIsSplitAtItsBootLines() {
    for (jobs, chunk) in [(1, 0), (2, 400)] {
      let (r, _) = Self.analyze(Self.unitDump, jobs: jobs, chunk: chunk)
      let boots = r.hosts.first?.boots ?? []
      #expect(boots.map(\.ending) == [.unknown, .unknown, .running], "jobs \(jobs) chunk \(chunk)")
      #expect(boots.map(\.id) == ["db1-1", Self.idB, Self.idC])
      #expect(boots.first?.evidence.contains { $0.kind == .dataGap && $0.message.contains("no kernel lines") } == true)
      #expect(boots.dropFirst().first?.start == CivilTime.micros(year: 2024, month: 3, day: 5, hour: 9, minute: 10, second: 5))
    }
    // Older systemd (RHEL 8's 239) writes `-- Reboot --`, which names no boot: the same boots, named by the host.
    let older = Self.unitDump.replacingOccurrences(of: "-- Boot \(Self.idB) --", with: "-- Reboot --")
      .replacingOccurrences(of: "-- Boot \(Self.idC) --", with: "-- Reboot --")
    let boots = Self.analyze(older).0.hosts.first?.boots ?? []
    #expect(boots.map(\.ending) == [.unknown, .unknown, .running])
    #expect(boots.map(\.id) == ["db1-1", "db1-2", "db1-3"])
  }

  /// Beside a syslog that shows the host's boots (its kernel banners), the filtered dump's parts are placed by the
  /// syslog's boots, as boots begun before their data: they are not boots of their own (the dump's first line of a
  /// boot, PostgreSQL starting, is no boot start), and the syslog decides the endings.
  @Test func aFilteredDumpBesideTheHostsSyslogIsPlacedByIt() throws {
    let dir = SplitIngestTests.tempDir("journalctl-unit-beside-syslog")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try Self.unitDump.write(toFile: dir + "/pg.txt", atomically: true, encoding: .utf8)
    let banner = "kernel: [    0.000000] Linux version 6.1.0-18-amd64 (debian-kernel@lists.debian.org)"
    let syslog = [
      "2024-03-04T08:00:00+00:00 db1 \(banner)", "2024-03-04T20:00:01+00:00 db1 CRON[9]: (root) CMD (true)",
      "2024-03-05T09:10:00+00:00 db1 \(banner)", "2024-03-05T17:59:58+00:00 db1 systemd-logind[600]: System is rebooting.",
      "2024-03-05T18:00:05+00:00 db1 rsyslogd: \(rsyslogExit)",
      "2024-03-05T18:02:00+00:00 db1 \(banner)", "2024-03-06T12:00:01+00:00 db1 CRON[9]: (root) CMD (true)",
    ]
    try (syslog.joined(separator: "\n") + "\n").write(toFile: dir + "/syslog", atomically: true, encoding: .utf8)
    let r = Analyzer.run(AnalysisOptions(paths: [dir], ingest: IngestOptions(timeZone: "UTC")))
    #expect(r.hosts.map(\.name) == ["db1"])
    #expect(r.hosts.first?.boots.map(\.ending) == [.powerLoss, .reboot, .running])
    #expect(r.hosts.first?.boots.map(\.id) == ["db1-1", Self.idB, Self.idC])
  }

  /// Beside a wtmp, which shows the boots but little of them, each part of the dump goes to the boot its records
  /// fall in: the first boot was alive until PostgreSQL's checkpoint at 20:00, not only until the login at 10:00 that
  /// wtmp shows, and the boots carry the dump's IDs. (Whole, the dump went to the last boot only.)
  @Test func aFilteredDumpBesideWtmpGivesEachBootItsPart() throws {
    let dir = SplitIngestTests.tempDir("journalctl-unit-beside-wtmp")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try Self.unitDump.write(toFile: dir + "/pg.txt", atomically: true, encoding: .utf8)
    func t(_ d: Int, _ h: Int, _ m: Int, _ s: Int) -> Int64 {
      CivilTime.micros(year: 2024, month: 3, day: d, hour: h, minute: m, second: s) / 1_000_000
    }
    let wtmp: [WtmpFixture.Rec] = [
      WtmpFixture.boot(t(4, 7, 59, 50)), WtmpFixture.login(t(4, 10, 0, 0)), WtmpFixture.boot(t(5, 9, 9, 50)),
      WtmpFixture.shutdown(t(5, 18, 0, 30)), WtmpFixture.boot(t(5, 18, 1, 50)),
    ]
    SyslogTestFiles.write(dir + "/wtmp", WtmpFixture.bytes(wtmp))
    let r = Analyzer.run(AnalysisOptions(paths: [dir], ingest: IngestOptions(timeZone: "UTC")))
    let boots = r.hosts.first?.boots ?? []
    #expect(boots.map(\.ending) == [.powerLoss, .reboot, .running])
    #expect(boots.map(\.id) == ["db1-1", Self.idB, Self.idC])
    #expect(boots.first?.lastSignOfLife == t(4, 20, 0, 0) * 1_000_000)
  }
}
