import Foundation
import Testing
@testable import FlatlineCore

@Suite struct SyslogYearInferenceTests {
  @Test func trackerRollsOver() {
    var t = YearTracker(baseYear: 2015)
    #expect(t.year(forMonth: 11) == 2015)
    #expect(t.year(forMonth: 12) == 2015)
    #expect(t.year(forMonth: 11) == 2015)  // small step back: no rollover
    #expect(t.year(forMonth: 1) == 2016)
    #expect(t.year(forMonth: 12) == 2015)  // a late December line
    #expect(t.year(forMonth: 1) == 2016)
    #expect(t.year(forMonth: 3) == 2016)
  }

  @Test func converterUsesZoneOffsets() {
    let c = LocalTimeConverter(identifier: "Europe/Berlin")!
    #expect(c.utc(year: 2024, month: 1, day: 15, hour: 12, minute: 0, second: 0, micro: 0)
      == CivilTime.micros(year: 2024, month: 1, day: 15, hour: 11, minute: 0, second: 0))
    #expect(c.utc(year: 2024, month: 7, day: 15, hour: 12, minute: 0, second: 0, micro: 5)
      == CivilTime.micros(year: 2024, month: 7, day: 15, hour: 10, minute: 0, second: 0, micro: 5))
    #expect(LocalTimeConverter(identifier: "No/Such_Zone") == nil)
  }

  /// syslog.2.gz (Nov 30 → Dec 31, header mtime 2015-12-31), syslog.1 (Jan), syslog (Jan–Feb).
  @Test func decemberToJanuaryAcrossRotationSet() {
    let dir = SyslogTestFiles.tempDir()
    let dec31 = UInt32(CivilTime.micros(year: 2015, month: 12, day: 31, hour: 23, minute: 59, second: 0) / 1_000_000)
    let z = SyslogTestFiles.gzip(Array("Nov 30 10:00:00 h a: one\nDec 31 23:58:00 h a: two\n".utf8), mtime: dec31)
    SyslogTestFiles.write(dir + "/syslog.2.gz", z)
    SyslogTestFiles.write(dir + "/syslog.1", "Jan  1 00:01:00 h a: three\n")
    SyslogTestFiles.write(dir + "/syslog", "Jan  2 00:01:00 h a: four\nFeb  1 00:00:00 h a: five\n")
    let files = ["syslog.2.gz", "syslog.1", "syslog"].map { dir + "/" + $0 }
    let (sink, reg) = SyslogTestFiles.stream(files)
    let years = sink.records.map { CivilTime.civilFromDays(Int($0.time / 86_400_000_000)).year }
    #expect(years == [2015, 2015, 2016, 2016, 2016])
    // The files were just written (mtime now), the gzip header says 2015: warned.
    #expect(reg.inputs[0].warnings.contains { $0.hasPrefix("year 2015 inferred from gzip header time of syslog.2.gz") })
    #expect(sink.notes.isEmpty)
  }

  @Test func explicitYearAndFeb29() {
    let dir = SyslogTestFiles.tempDir()
    SyslogTestFiles.write(dir + "/syslog", "Dec 31 10:00:00 h a: x\nFeb 29 01:15:43 h a: leap\n")
    let (sink, reg) = SyslogTestFiles.stream([dir + "/syslog"], options: IngestOptions(year: 2011, timeZone: "UTC"))
    #expect(sink.records.count == 2)
    #expect(sink.records[0].time == CivilTime.micros(year: 2011, month: 12, day: 31, hour: 10, minute: 0, second: 0))
    // 2012 is a leap year: a real Feb 29.
    #expect(sink.records[1].time == CivilTime.micros(year: 2012, month: 2, day: 29, hour: 1, minute: 15, second: 43))
    #expect(reg.inputs[0].warnings.isEmpty)
    let (s2, r2) = SyslogTestFiles.stream([dir + "/syslog"], options: IngestOptions(year: 2012, timeZone: "UTC"))
    #expect(s2.records[1].time == CivilTime.micros(year: 2013, month: 3, day: 1, hour: 1, minute: 15, second: 43))
    #expect(r2.inputs[0].warnings.contains { $0.contains("Feb 29") })
  }

  @Test func baseYearFromStartsWithoutFullRead() {
    let c = LocalTimeConverter(zone: .gmt)
    let anchor = CivilTime.micros(year: 2020, month: 2, day: 10, hour: 0, minute: 0, second: 0) / 1_000_000
    // Files start in Oct (2019), Dec (2019), Jan (2020, anchor file, mtime Feb 2020).
    let starts = [
      YearInference.FileStart(firstMonth: 10, gzipMTime: 0, fileMTime: nil),
      YearInference.FileStart(firstMonth: 12, gzipMTime: 0, fileMTime: nil),
      YearInference.FileStart(firstMonth: 1, gzipMTime: UInt32(anchor), fileMTime: anchor),
    ]
    let r = YearInference.baseYear(starts: starts, names: ["a", "b", "c"], converter: c)
    #expect(r.year == 2019 && r.warning == nil)
    // Anchor file starting after the anchor month: it began the year before.
    let s2 = [YearInference.FileStart(firstMonth: 11, gzipMTime: 0, fileMTime: anchor)]
    #expect(YearInference.baseYear(starts: s2, names: ["x"], converter: c).year == 2019)
  }

  /// A journal's last entry in the same folder anchors the year when the files' mtimes are far from it (copies);
  /// mtimes close to it are kept; a gzip header still wins over both.
  /// A date in the file name (logrotate `dateext`, one file a day) gives the year of files copied elsewhere, whose
  /// file times are the copy's: RHEL's `messages-20240107` began on Dec 31 of the year before.
  @Test func dateInTheNameGivesTheYear() {
    let dir = SyslogTestFiles.tempDir()
    SyslogTestFiles.write(dir + "/messages-20240107", "Dec 31 23:00:00 h a: one\nJan  7 03:00:00 h a: two\n")
    SyslogTestFiles.write(dir + "/messages", "Jan  8 00:01:00 h a: three\n")
    let (sink, reg) = SyslogTestFiles.stream([dir + "/messages-20240107", dir + "/messages"])
    let years = sink.records.map { CivilTime.civilFromDays(Int($0.time / 86_400_000_000)).year }
    #expect(years == [2023, 2024, 2024])
    #expect(reg.inputs.allSatisfy { $0.warnings.isEmpty })
    #expect(YearInference.FileStart.nameTime("/x/2021-06-30.log")
      == CivilTime.micros(year: 2021, month: 6, day: 30, hour: 12, minute: 0, second: 0) / 1_000_000)
    #expect(YearInference.FileStart.nameTime("/x/syslog.1") == nil)
  }

  @Test func journalEndAnchorsCopiedFiles() {
    let c = LocalTimeConverter(zone: .gmt)
    func t(_ y: Int, _ m: Int, _ d: Int) -> Int64 { CivilTime.micros(year: y, month: m, day: d, hour: 0, minute: 0, second: 0) / 1_000_000 }
    let copied = [YearInference.FileStart(firstMonth: 12, gzipMTime: 0, fileMTime: t(2026, 11, 28))]
    // Journal ends 3 Jan 2025; the file starts in December: its first line is December 2024.
    let r = YearInference.baseYear(starts: copied, names: ["syslog"], converter: c, journalAnchor: t(2025, 1, 3))
    #expect(r.year == 2024)
    #expect(r.warning?.contains("journal in the same folder") == true)
    let fresh = [YearInference.FileStart(firstMonth: 12, gzipMTime: 0, fileMTime: t(2025, 1, 20))]
    #expect(YearInference.baseYear(starts: fresh, names: ["syslog"], converter: c, journalAnchor: t(2025, 1, 3)) == (2024, nil))
    let gz = [YearInference.FileStart(firstMonth: 12, gzipMTime: UInt32(t(2023, 12, 30)), fileMTime: t(2026, 11, 28))]
    #expect(YearInference.baseYear(starts: gz, names: ["syslog.2.gz"], converter: c, journalAnchor: t(2025, 1, 3)).year == 2023)
  }

  /// A copied set (file times of the copy) whose lines state their own times (PostgreSQL's `%m` through syslog):
  /// the lines' year, with a warning. Written at UTC−5, across New Year: `Dec 31 19:…` lines stating `… 00:… UTC`
  /// of 1 January are December's.
  @Test func timesTheLinesStateGiveTheYearOfACopiedSet() throws {
    let dir = SyslogTestFiles.tempDir()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    var text = "Dec 30 08:00:00 db1 CRON[12]: (root) CMD (true)\n"
    for (k, stamp) in ["Dec 31 19:58:01", "Dec 31 19:59:01", "Dec 31 20:00:01"].enumerated() {
      let utc = ["2025-01-01 00:58:01.101 UTC", "2025-01-01 00:59:01.202 UTC", "2025-01-01 01:00:01.303 UTC"][k]
      text += "\(stamp) db1 postgres[744]: [\(k + 1)-1] \(utc) [744] LOG:  checkpoint starting: time\n"
    }
    let path = dir + "/syslog"
    SyslogTestFiles.write(path, text)
    // The copy's time: two years on.
    try FileManager.default.setAttributes(
      [.modificationDate: Date(timeIntervalSince1970: Double(CivilTime.micros(year: 2026, month: 6, day: 1, hour: 0, minute: 0, second: 0) / 1_000_000))],
      ofItemAtPath: path)
    let stated = YearInference.statedYear(files: [path])
    #expect(stated?.year == 2024 && stated?.month == 12 && stated?.lines == 3)
    let (sink, reg) = SyslogTestFiles.stream([path], options: IngestOptions(timeZone: "America/New_York"))
    let years = sink.records.map { CivilTime.civilFromDays(Int($0.time / 86_400_000_000)).year }
    #expect(years == [2024, 2025, 2025, 2025])  // UTC: the last three are past midnight of 1 January
    #expect(reg.inputs[0].warnings.contains { $0.hasPrefix("year 2024 inferred from times stated in the text of 3 of its lines; file modification times say 2025") })
    // A set beside it with no such lines (secure beside messages, copied together) takes the same correction.
    SyslogTestFiles.write(dir + "/secure", "Dec 31 19:58:30 db1 sshd[900]: Accepted publickey for admin from 10.0.0.5 port 51000 ssh2\n")
    try FileManager.default.setAttributes(
      [.modificationDate: Date(timeIntervalSince1970: Double(CivilTime.micros(year: 2026, month: 6, day: 1, hour: 0, minute: 0, second: 0) / 1_000_000))],
      ofItemAtPath: dir + "/secure")
    let both = Analyzer.run(AnalysisOptions(paths: [dir], ingest: IngestOptions(timeZone: "America/New_York")))
    let secure = both.inputs.first { $0.path.hasSuffix("/secure") }
    #expect(secure?.warnings.contains { $0.hasPrefix("year 2024 inferred from file times corrected by -1 years, as another log set") } == true)
    #expect(both.hosts.first?.boots.first?.lastSignOfLife == CivilTime.parse("2025-01-01T01:00:01Z"))
    // One such line is not enough.
    SyslogTestFiles.write(path, "Dec 30 08:00:00 db1 CRON[12]: (root) CMD (true)\n"
      + "Dec 31 19:58:01 db1 postgres[744]: [1-1] 2025-01-01 00:58:01.101 UTC [744] LOG:  checkpoint starting: time\n")
    #expect(YearInference.statedYear(files: [path]) == nil)
  }
}
