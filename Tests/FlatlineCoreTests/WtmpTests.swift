import Foundation
import Testing

@testable import FlatlineCore

/// Builds glibc utmp/wtmp records byte by byte (layout: /work/shared/reference/boot-and-shutdown-markers.md §1.1).
enum WtmpFixture {
  struct Rec {
    var type: Int
    var pid: Int32 = 0
    var line = ""
    var user = ""
    var host = ""
    var sec: Int64
    var usec: Int64 = 0
  }

  static func bytes(_ recs: [Rec], size: Int = 384, bigEndian: Bool = false) -> [UInt8] {
    var out: [UInt8] = []
    for r in recs {
      var b = [UInt8](repeating: 0, count: size)
      func put(_ v: Int64, _ at: Int, _ width: Int) {
        for k in 0..<width {
          let shift = bigEndian ? 8 * (width - 1 - k) : 8 * k
          b[at + k] = UInt8(truncatingIfNeeded: v >> Int64(shift))
        }
      }
      func str(_ s: String, _ at: Int, _ max: Int) {
        for (k, c) in s.utf8.prefix(max).enumerated() { b[at + k] = c }
      }
      put(Int64(r.type), 0, 2)
      put(Int64(r.pid), 4, 4)
      str(r.line, 8, 32)
      str(r.user, 44, 32)
      str(r.host, 76, 256)
      if size == 384 {
        put(r.sec, 340, 4)
        put(r.usec, 344, 4)
      } else {
        put(r.sec, 344, 8)
        put(r.usec, 352, 8)
      }
      out += b
    }
    return out
  }

  /// Seconds of a 2024 UTC time "MM-DD hh:mm:ss".
  static func t(_ s: String) -> Int64 { L(time: s, tag: "", msg: "").micros / 1_000_000 }

  static func boot(_ sec: Int64, kernel: String = "6.1.0-18-amd64") -> Rec {
    Rec(type: 2, line: "~", user: "reboot", host: kernel, sec: sec)
  }
  static func runlevel(_ sec: Int64, _ level: Character = "5") -> Rec {
    Rec(type: 1, pid: Int32(level.asciiValue!), line: "~", user: "runlevel", host: "6.1.0-18-amd64", sec: sec)
  }
  static func shutdown(_ sec: Int64) -> Rec { Rec(type: 1, line: "~", user: "shutdown", host: "6.1.0-18-amd64", sec: sec) }
  static func login(_ sec: Int64, user: String = "alice", tty: String = "pts/0", from: String = "10.0.0.5") -> Rec {
    Rec(type: 7, pid: 4242, line: tty, user: user, host: from, sec: sec, usec: 123_456)
  }
  static func logout(_ sec: Int64, tty: String = "pts/0") -> Rec { Rec(type: 8, pid: 4242, line: tty, sec: sec) }

  /// clean reboot, then a boot that ends without a shutdown record, then the running boot.
  static var threeBoots: [Rec] {
    [
      boot(t("03-01 10:00:05")), runlevel(t("03-01 10:00:20")), login(t("03-01 10:10:00")),
      logout(t("03-01 10:50:00")), shutdown(t("03-01 11:00:01")),
      boot(t("03-01 11:01:05")), runlevel(t("03-01 11:01:20")), login(t("03-01 11:30:00")),
      boot(t("03-01 12:30:05")), runlevel(t("03-01 12:30:15")),
    ]
  }
}

/// Collects what `WtmpSource` emits, with the signal the engine would give each record.
struct WtmpTestSink: RecordSink {
  var records: [(time: Int64, line: Int, host: String, identifier: String, pid: Int32, message: String, signal: Signal)] = []
  mutating func consume(_ r: Record) {
    records.append(
      (r.time, r.line, r.host.string, r.identifier.string, r.pid, r.message.string, SignalClassifier.classifyLoginRecord(r)))
  }
  mutating func note(_ note: SourceNote) {}
}

@Suite struct WtmpTests {
  static func read(_ bytes: [UInt8], name: String = "wtmp") -> (WtmpTestSink, InputRegistry) {
    let dir = SyslogTestFiles.tempDir()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    SyslogTestFiles.write(dir + "/" + name, bytes)
    let registry = InputRegistry()
    var sink = WtmpTestSink()
    WtmpSource(path: dir + "/" + name, registry: registry, host: "web1").run(into: &sink)
    return (sink, registry)
  }

  /// `utmpdump` text is wtmp passed around as text: each line is read as the record it was dumped from, so boots,
  /// shutdowns and runlevels mean what they mean in binary wtmp; a line that is not a record is counted and warned.
  @Test func utmpdumpTextReadsLikeBinaryWtmp() {
    let text = """
      [2] [00000] [~~  ] [reboot  ] [~           ] [6.1.0-18-amd64      ] [0.0.0.0        ] [2024-03-01T10:00:05,000000+00:00]
      [1] [00053] [~~  ] [runlevel] [~           ] [6.1.0-18-amd64      ] [0.0.0.0        ] [2024-03-01T10:00:20,000000+00:00]
      [7] [01234] [ts/0] [alice   ] [pts/0       ] [10.0.0.5            ] [10.0.0.5       ] [2024-03-01T10:10:00,123456+00:00]
      [8] [01234] [ts/0] [        ] [pts/0       ] [                    ] [0.0.0.0        ] [2024-03-01T10:50:00,000000+00:00]
      [1] [00000] [~~  ] [shutdown] [~           ] [6.1.0-18-amd64      ] [0.0.0.0        ] [2024-03-01T11:00:01,000000+00:00]
      not a record
      [2] [00000] [~~  ] [reboot  ] [~           ] [6.1.0-18-amd64      ] [0.0.0.0        ] [2024-03-01T12:01:05,000000+01:00]

      """
    let dir = SyslogTestFiles.tempDir()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    SyslogTestFiles.write(dir + "/wtmp.txt", text)
    #expect(Discovery.discover(paths: [dir], registry: InputRegistry()) == [.wtmpSet(files: [dir + "/wtmp.txt"])])
    let (sink, reg) = Self.read(Array(text.utf8), name: "wtmp.txt")
    #expect(sink.records.map(\.message) == [
      "reboot system boot 6.1.0-18-amd64", "runlevel (to lvl 5) 6.1.0-18-amd64", "alice pts/0 10.0.0.5", "logout pts/0",
      "shutdown system down 6.1.0-18-amd64", "reboot system boot 6.1.0-18-amd64",
    ])
    #expect(sink.records.map(\.signal) == [.bootBanner, .none, .none, .none, .shutdown(.unspecified), .bootBanner])
    #expect(sink.records.map(\.line) == [1, 2, 3, 4, 5, 7])
    #expect(sink.records[2].time == WtmpFixture.t("03-01 10:10:00") * 1_000_000 + 123_456 && sink.records[2].pid == 1234)
    #expect(sink.records[5].time == WtmpFixture.t("03-01 11:01:05") * 1_000_000)
    #expect(reg.inputs[0].kind == .wtmp && reg.inputs[0].records == 6 && reg.inputs[0].skipped == 1)
    #expect(reg.inputs[0].warnings == ["1 line is not utmpdump records and were skipped (first at line 6)"])
  }

  /// `last -x` output, as pasted into tickets: newest first, minutes only, the year from the `wtmp begins` trailer.
  /// Read oldest first like wtmp; `last`'s own `crash` is not needed to find the unclean end. With `-F` the lines
  /// carry seconds and years.
  @Test func lastOutputReadsLikeWtmp() {
    let text = """
      reboot   system boot  6.1.0-10-amd64   Wed Aug 23 15:17   still running
      shutdown system down  6.1.0-10-amd64   Wed Aug 23 15:16 - 15:17  (00:00)
      axet     tty7         :0               Wed Aug 23 13:19 - 15:16  (01:57)
      runlevel (to lvl 5)   6.1.0-10-amd64   Wed Aug 23 13:18 - 15:16  (01:58)
      reboot   system boot  6.1.0-10-amd64   Wed Aug 23 13:18 - 15:16  (01:58)
      axet     tty7         :0               Wed Aug 23 09:26 - crash  (03:52)
      reboot   system boot  6.1.0-10-amd64   Wed Aug 23 09:25 - 13:18  (03:52)
      shutdown system down  6.1.0-10-amd64   Tue Aug 22 22:01 - 09:25  (11:23)
      reboot   system boot  6.1.0-10-amd64   Tue Aug 22 08:00 - 22:01  (14:01)

      wtmp begins Tue Aug 22 08:00:13 2023

      """
    let dir = SyslogTestFiles.tempDir()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    SyslogTestFiles.write(dir + "/last-x.txt", text)
    #expect(Discovery.discover(paths: [dir], registry: InputRegistry()) == [.wtmpSet(files: [dir + "/last-x.txt"])])
    let r = Analyzer.run(AnalysisOptions(paths: [dir], ingest: IngestOptions(timeZone: "UTC")))
    let boots = r.hosts.first?.boots ?? []
    #expect(boots.map(\.ending) == [.shutdown, .powerLoss, .reboot, .running])
    func t(_ s: String) -> Int64 { CivilTime.parse("2023-08-" + s + ":00Z")! }
    #expect(boots.map(\.start) == [t("22T08:00"), t("23T09:25"), t("23T13:18"), t("23T15:17")])
    #expect(boots[1].lastSignOfLife == t("23T09:26"))
    #expect(boots[1].evidence.first { $0.kind == .lastSignOfLife }?.location.line == 6)
    #expect(r.inputs[0].records == 9 && r.inputs[0].warnings.isEmpty)

    // -F: full times with seconds and years, across a new year.
    let full = """
      reboot   system boot  6.1.0-10-amd64   Mon Jan  1 00:11:40 2024   still running
      reboot   system boot  6.1.0-10-amd64   Sun Dec 31 23:50:12 2023 - Mon Jan  1 00:11:40 2024  (00:21)

      """
    SyslogTestFiles.write(dir + "/last-x.txt", full)
    let f = Analyzer.run(AnalysisOptions(paths: [dir], ingest: IngestOptions(timeZone: "UTC")))
    #expect(f.hosts.first?.boots.map(\.start) == [CivilTime.parse("2023-12-31T23:50:12Z"), CivilTime.parse("2024-01-01T00:11:40Z")])
    #expect(f.hosts.first?.boots.map(\.ending) == [.powerLoss, .running])
    // A date inside another log's line is not a `last` start time.
    let syslogLine = "Sep 26 01:41:23 raspberrypi rsyslogd-2007: action 'action 17' suspended, next retry is Mon Sep 26 01:41:53 2016"
    #expect(Array(syslogLine.utf8).withBytes { LastText.parse($0) } == nil)
    let retry = "rsyslogd-2007: action 'action 17' suspended, next retry is Mon Sep 26 01:41:53 2016 [try http://www.rsyslog.com/e/2007 ]"
    #expect(Array(retry.utf8).withBytes { LastText.parse($0) } == nil)
  }

  /// util-linux's own test pair: `txt-b` is `utmpdump` of `wtmp-b.LE`; both give the same records.
  /// `last` without `-F` gives minutes: merged with a syslog that shows the boot to the second, the boot starts at
  /// the syslog's second, not at the start of `last`'s minute (which made the downtime 57 s longer).
  @Test func aBootStartInWholeMinutesYieldsToAPreciseOne() {
    let dir = SyslogTestFiles.tempDir()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    SyslogTestFiles.write(dir + "/last", """
      reboot   system boot  6.1.0-10-amd64   Wed Aug 23 15:17   still running
      reboot   system boot  6.1.0-10-amd64   Wed Aug 23 09:25 - 15:17  (05:52)

      wtmp begins Wed Aug 23 09:25:13 2023

      """)
    let rs = "rsyslogd: [origin software=\"rsyslogd\" swVersion=\"8.2302.0\" x-pid=\"4\" x-info=\"https://www.rsyslog.com\"]"
    SyslogTestFiles.write(dir + "/syslog", """
      Aug 23 09:25:41 web1 kernel: [    0.000000] Linux version 6.1.0-10-amd64 (debian-kernel@lists.debian.org)
      Aug 23 09:25:43 web1 \(rs) start
      Aug 23 12:00:00 web1 CRON[99]: (root) CMD (true)
      Aug 23 15:17:57 web1 kernel: [    0.000000] Linux version 6.1.0-10-amd64 (debian-kernel@lists.debian.org)
      Aug 23 15:17:59 web1 \(rs) start

      """)
    let r = Analyzer.run(AnalysisOptions(paths: [dir], ingest: IngestOptions(year: 2023, timeZone: "UTC")))
    #expect(r.hosts.count == 1)
    let boots = r.hosts.first?.boots ?? []
    #expect(boots.map(\.start) == [CivilTime.parse("2023-08-23T09:25:41Z"), CivilTime.parse("2023-08-23T15:17:57Z")])
    #expect(boots.map(\.ending) == [.powerLoss, .running])
    #expect(r.inputs.first { $0.path.hasSuffix("/last") }?.timesInMinutes == true)
  }

  @Test(.enabled(if: DS.hasCorpus)) func utmpdumpOfTheCorpusMatchesItsBinary() throws {
    let dir = DS.corpus! + "/utmp-formats"
    for (txt, bin) in [("txt-a", "wtmp-a.LE"), ("txt-b", "wtmp-b.LE")] {
      var fromText = WtmpTestSink()
      var fromBinary = WtmpTestSink()
      WtmpSource(path: dir + "/" + txt, registry: InputRegistry(), host: "h").run(into: &fromText)
      WtmpSource(path: dir + "/" + bin, registry: InputRegistry(), host: "h").run(into: &fromBinary)
      #expect(!fromText.records.isEmpty)
      #expect(fromText.records.map { "\($0.time) \($0.pid) \($0.message)" }
        == fromBinary.records.map { "\($0.time) \($0.pid) \($0.message)" }, "\(txt)")
    }
  }

  @Test func littleEndian384RecordsReadLikeLastX() {
    let bytes = WtmpFixture.bytes(WtmpFixture.threeBoots)
    #expect(bytes.withBytes { WtmpLayout.detect($0, totalSize: bytes.count) } == WtmpLayout(recordSize: 384, bigEndian: false))
    let (sink, reg) = Self.read(bytes)
    #expect(sink.records.count == 10)
    #expect(reg.inputs.count == 1 && reg.inputs[0].kind == .wtmp && reg.inputs[0].records == 10)
    #expect(reg.inputs[0].host == "web1" && reg.inputs[0].warnings.isEmpty)
    let m = sink.records.map(\.message)
    #expect(m[0] == "reboot system boot 6.1.0-18-amd64")
    #expect(m[1] == "runlevel (to lvl 5) 6.1.0-18-amd64")
    #expect(m[2] == "alice pts/0 10.0.0.5")
    #expect(m[3] == "logout pts/0")
    #expect(m[4] == "shutdown system down 6.1.0-18-amd64")
    // Line N is record N-1; time from ut_tv; identifier wtmp; the host given.
    #expect(sink.records.map(\.line) == Array(1...10))
    #expect(sink.records[2].time == WtmpFixture.t("03-01 10:10:00") * 1_000_000 + 123_456)
    #expect(sink.records[2].pid == 4242 && sink.records[0].pid == 0)
    #expect(sink.records.allSatisfy { $0.identifier == "wtmp" && $0.host == "web1" })
    #expect(sink.records.map(\.signal) == [
      .bootBanner, .none, .none, .none, .shutdown(.unspecified), .bootBanner, .none, .none, .bootBanner, .none,
    ])
  }

  @Test func bigEndianAnd400ByteLayoutsGiveTheSameRecords() {
    let le = Self.read(WtmpFixture.bytes(WtmpFixture.threeBoots)).0.records
    for (size, be) in [(384, true), (400, false), (400, true)] {
      let bytes = WtmpFixture.bytes(WtmpFixture.threeBoots, size: size, bigEndian: be)
      #expect(bytes.withBytes { WtmpLayout.detect($0, totalSize: bytes.count) } == WtmpLayout(recordSize: size, bigEndian: be))
      let other = Self.read(bytes).0.records
      #expect(other.map(\.message) == le.map(\.message), "\(size) \(be)")
      #expect(other.map(\.time) == le.map(\.time), "\(size) \(be)")
      #expect(other.map(\.line) == le.map(\.line))
    }
  }

  @Test func trailingPartialRecordIsWarnedAndIgnored() {
    let bytes = WtmpFixture.bytes(WtmpFixture.threeBoots) + [UInt8](repeating: 7, count: 100)
    let (sink, reg) = Self.read(bytes)
    #expect(sink.records.count == 10)
    #expect(reg.inputs[0].warnings == [
      "trailing partial record of 100 bytes at byte offset 3840 ignored (the file size is not a multiple of 384)"
    ])
  }

  @Test func corruptAndEmptyRecords() {
    var recs = WtmpFixture.threeBoots
    recs.insert(WtmpFixture.Rec(type: 99, sec: 0), at: 3)
    recs.insert(WtmpFixture.Rec(type: 0, sec: 0), at: 5)
    let (sink, reg) = Self.read(WtmpFixture.bytes(recs))
    #expect(sink.records.count == 10)
    #expect(reg.inputs[0].skipped == 1 && reg.inputs[0].records == 10)
    #expect(reg.inputs[0].warnings.first?.hasPrefix("1 corrupt record skipped") == true)
    #expect(reg.inputs[0].warnings.first?.hasSuffix("the first is record 3 counting from 0") == true)
    // Line numbers stay record positions: the shutdown record is record 6 now.
    #expect(sink.records.first { $0.signal == .shutdown(.unspecified) }?.line == 7)
  }

  @Test func garbageAndTinyFilesNeverCrash() {
    let (s1, r1) = Self.read([UInt8](repeating: 0xff, count: 1000))
    #expect(s1.records.isEmpty && r1.inputs[0].warnings.first?.contains("no utmp/wtmp record layout") == true)
    let (s2, r2) = Self.read([2, 0, 0])
    #expect(s2.records.isEmpty && !r2.inputs[0].warnings.isEmpty)
  }

  @Test func runlevelAndSysvShutdownRecords() {
    let recs = [
      WtmpFixture.boot(WtmpFixture.t("03-01 10:00:00")),
      WtmpFixture.runlevel(WtmpFixture.t("03-01 10:05:00"), "6"),
      WtmpFixture.runlevel(WtmpFixture.t("03-01 10:06:00"), "0"),
      // sysvinit's shutdown record: RUN_LVL, user shutdown, line "~~".
      WtmpFixture.Rec(type: 1, line: "~~", user: "shutdown", sec: WtmpFixture.t("03-01 10:07:00")),
    ]
    let sink = Self.read(WtmpFixture.bytes(recs)).0
    #expect(sink.records.map(\.signal) == [.bootBanner, .shutdown(.reboot), .shutdown(.poweroff), .shutdown(.unspecified)])
  }

  @Test func aSyslogLineTaggedWtmpIsNoBoot() {
    let r = analyze(
      kernelBoot("03-01 10:00:00") + [
        work("03-01 10:05:00"),
        L(time: "03-01 10:06:00", tag: "wtmp", msg: "reboot system boot 6.1.0-18-amd64"),
        L(time: "03-01 10:07:00", tag: "wtmp", msg: "shutdown system down 6.1.0-18-amd64"),
        work("03-01 10:08:00"),
      ])
    #expect(r.hosts[0].boots.map(\.ending) == [.running])
  }

  /// A folder with a syslog of host web1 and a wtmp: analysed through discovery as the CLI does.
  static func analyzeFolder(syslog: String?, wtmp: [UInt8], host: String? = nil) -> AnalysisResult {
    let dir = SyslogTestFiles.tempDir()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    if let syslog { SyslogTestFiles.write(dir + "/syslog", syslog) }
    SyslogTestFiles.write(dir + "/wtmp", wtmp)
    return Analyzer.run(AnalysisOptions(paths: [dir], ingest: IngestOptions(timeZone: "UTC"), host: host))
  }

  /// Copied dateless syslog files take their year from a wtmp copied with them (its epoch stamps carry the year),
  /// as from an audit log or a journal: the copy's file times said 2026, the text's boots sat two years from the
  /// wtmp's and every boot was there twice. A wtmp whose own file time is its last record's was not copied: on a
  /// server nobody logged in to for months it is that old, and it does not outrank the logs' file times.
  @Test func aCopiedWtmpAnchorsTheYearOfCopiedSyslog() throws {
    let dir = SyslogTestFiles.tempDir()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    SyslogTestFiles.write(dir + "/wtmp", WtmpFixture.bytes(WtmpFixture.threeBoots))
    SyslogTestFiles.write(dir + "/syslog", """
      Mar  1 10:00:00 web1 kernel: [    0.000000] Linux version 6.1.0-18-amd64 (debian-kernel@lists.debian.org)
      Mar  1 10:00:03 web1 rsyslogd: \(rsyslogStart)
      Mar  1 10:59:58 web1 systemd-logind[600]: System is rebooting.
      Mar  1 10:59:59 web1 rsyslogd: \(rsyslogExit)
      Mar  1 11:01:00 web1 kernel: [    0.000000] Linux version 6.1.0-18-amd64 (debian-kernel@lists.debian.org)
      Mar  1 11:01:03 web1 rsyslogd: \(rsyslogStart)
      Mar  1 11:40:00 web1 CRON[1200]: (root) CMD (run-parts /etc/cron.hourly)
      Mar  1 12:30:00 web1 kernel: [    0.000000] Linux version 6.1.0-18-amd64 (debian-kernel@lists.debian.org)
      Mar  1 12:30:03 web1 rsyslogd: \(rsyslogStart)
      Mar  1 12:40:00 web1 CRON[1300]: (root) CMD (run-parts /etc/cron.hourly)

      """)
    let copy = Date(timeIntervalSince1970: TimeInterval(WtmpFixture.t("03-01 12:40:00") + 2 * 365 * 86400))
    for name in ["syslog", "wtmp"] {
      try FileManager.default.setAttributes([.modificationDate: copy], ofItemAtPath: dir + "/" + name)
    }
    func run() -> AnalysisResult { Analyzer.run(AnalysisOptions(paths: [dir], ingest: IngestOptions(timeZone: "UTC"))) }
    let r = run()
    #expect(r.inputs.first { $0.path.hasSuffix("/syslog") }?.warnings == [
      "year 2024 inferred from the last entry of the wtmp in the same folder; file modification times say 2026 "
        + "(files copied?)"
    ])
    #expect(r.hosts.first?.boots.map(\.ending) == [.reboot, .powerLoss, .running])
    #expect(r.hosts.first?.boots.first?.start == WtmpFixture.t("03-01 10:00:00") * 1_000_000)

    // The wtmp's own time is its last record's: not a copy, no anchor; the syslog's file time gives its year.
    let written = Date(timeIntervalSince1970: TimeInterval(WtmpFixture.t("03-01 12:30:15")))
    try FileManager.default.setAttributes([.modificationDate: written], ofItemAtPath: dir + "/wtmp")
    let kept = run()
    #expect(kept.inputs.first { $0.path.hasSuffix("/syslog") }?.warnings.isEmpty == true)
    let in2026 = WtmpFixture.t("03-01 10:00:00") * 1_000_000 + 2 * 365 * 86_400_000_000
    #expect(kept.hosts.first?.boots.contains { $0.start == in2026 } == true)
  }

  @Test func wtmpAloneGivesLastXVerdicts() {
    let r = Self.analyzeFolder(syslog: nil, wtmp: WtmpFixture.bytes(WtmpFixture.threeBoots))
    // No host name anywhere: the host is named after the folder, so that unrelated folders stay apart.
    #expect(r.hosts.count == 1 && r.hosts[0].name.hasPrefix("unknown (/"))
    let boots = r.hosts[0].boots
    #expect(boots.map(\.ending) == [.reboot, .powerLoss, .running])
    #expect(boots.map(\.start) == [
      WtmpFixture.t("03-01 10:00:05") * 1_000_000, WtmpFixture.t("03-01 11:01:05") * 1_000_000,
      WtmpFixture.t("03-01 12:30:05") * 1_000_000,
    ])
    // Less sure than a text source would be.
    #expect(boots[1].confidence < 0.7 && boots[1].confidence > 0)
    #expect(boots[1].lastSignOfLife == WtmpFixture.t("03-01 11:30:00") * 1_000_000 + 123_456)
    #expect(boots[0].evidence.contains { $0.kind == .shutdownMarker && $0.location.line == 5 })
  }

  static let syslog = """
    2024-03-01T10:00:00+00:00 web1 kernel: [    0.000000] Linux version 6.1.0-18-amd64 (debian-kernel@lists.debian.org)
    2024-03-01T10:00:03+00:00 web1 rsyslogd: \(rsyslogStart)
    2024-03-01T10:05:00+00:00 web1 systemd[1]: Started Daily apt download activities.
    2024-03-01T11:00:00+00:00 web1 rsyslogd: \(rsyslogExit)
    2024-03-01T11:01:00+00:00 web1 kernel: [    0.000000] Linux version 6.1.0-18-amd64 (debian-kernel@lists.debian.org)
    2024-03-01T11:01:03+00:00 web1 rsyslogd: \(rsyslogStart)
    2024-03-01T11:30:00+00:00 web1 systemd[1]: Started Daily apt download activities.
    2024-03-01T12:30:00+00:00 web1 kernel: [    0.000000] Linux version 6.1.0-18-amd64 (debian-kernel@lists.debian.org)
    2024-03-01T12:30:03+00:00 web1 rsyslogd: \(rsyslogStart)
    2024-03-01T12:40:00+00:00 web1 systemd[1]: Started Daily apt download activities.

    """

  @Test func wtmpTakesTheFolderHostAndMergesWithSyslog() {
    let r = Self.analyzeFolder(syslog: Self.syslog, wtmp: WtmpFixture.bytes(WtmpFixture.threeBoots))
    #expect(r.hosts.map(\.name) == ["web1"])
    #expect(r.inputs.first { $0.kind == .wtmp }?.host == "web1")
    let boots = r.hosts[0].boots
    #expect(boots.map(\.ending) == [.reboot, .powerLoss, .running])
    #expect(boots.map(\.start) == ["03-01 10:00:00", "03-01 11:01:00", "03-01 12:30:00"].map { L(time: $0, tag: "", msg: "").micros })
    let wtmp = Int32(r.inputs.firstIndex { $0.kind == .wtmp }!)
    #expect(boots[0].evidence.contains { $0.kind == .shutdownMarker && $0.location == SourceLocation(input: wtmp, line: 5) })
    #expect(boots[1].evidence.contains { $0.kind == .nextBoot && $0.location == SourceLocation(input: wtmp, line: 9) })
  }

  /// A syslog that begins inside a boot wtmp shows begin (its rotation came later than wtmp's), with no boot start
  /// of another text stream between wtmp's earlier boot and the syslog's first line: wtmp's boot record still shows
  /// a boot began there. The syslog's first boot was once taken as wtmp's earlier boot — the one that began before
  /// wtmp's data, or the one before the syslog's — and its power loss put on that boot, whose clean shutdown wtmp has.
  @Test func wtmpBootRecordsBoundWhichBootASyslogBeginsIn() {
    typealias W = WtmpFixture
    let syslog = """
      2024-03-01T14:00:00+00:00 web1 systemd[1]: Started Daily apt download activities.
      2024-03-02T11:30:00+00:00 web1 systemd[1]: Started Daily apt download activities.
      2024-03-02T12:00:00+00:00 web1 kernel: [    0.000000] Linux version 6.1.0-18-amd64 (debian-kernel@lists.debian.org)
      2024-03-02T12:00:03+00:00 web1 rsyslogd: \(rsyslogStart)
      2024-03-02T12:10:00+00:00 web1 systemd[1]: Started Daily apt download activities.

      """
    // wtmp begins with the shutdown record of a boot before its data; or with that boot's start.
    for head in [[W.shutdown(W.t("03-01 10:00:00"))], [W.boot(W.t("03-01 08:00:05")), W.shutdown(W.t("03-01 10:00:00"))]] {
      let wtmp = head + [W.boot(W.t("03-01 10:01:05")), W.boot(W.t("03-02 12:00:05"))]
      let r = Self.analyzeFolder(syslog: syslog, wtmp: W.bytes(wtmp))
      let boots = r.hosts[0].boots
      #expect(boots.map(\.ending) == [.reboot, .powerLoss, .running], "wtmp begins with \(head.count) record(s)")
      #expect(boots.count == 3 && boots[1].lastSignOfLife == L(time: "03-02 11:30:00", tag: "", msg: "").micros)
    }
  }

  /// A wtmp rotated at the start of the month with one boot since: one record has too few control bytes to look
  /// binary, and it was skipped as text that is not a log.
  @Test func aWtmpOfOneRecordIsRead() {
    for recs in [[WtmpFixture.boot(WtmpFixture.t("03-02 07:28:51"))], [WtmpFixture.shutdown(WtmpFixture.t("03-02 07:20:00"))]] {
      let r = Self.analyzeFolder(syslog: nil, wtmp: WtmpFixture.bytes(recs))
      #expect(r.inputs.map(\.kind) == [.wtmp])
      #expect(r.inputs.first?.records == 1)
      #expect(r.hosts.first?.boots.count == 1)
    }
  }

  /// wtmp and the audit log both record each boot, within a second. A syslog that begins inside wtmp's boot
  /// (rotated later) was placed by "records after a boot's last one are its own until the next boot": the audit
  /// log's record of that same boot counted as the next boot, so the syslog's first boot matched none and became a
  /// boot of its own, with a power loss beside the real one.
  @Test func wtmpAndAuditRecordsOfOneBootAreNotTwoBoots() throws {
    let dir = try JournalFixture.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    typealias W = WtmpFixture
    let wtmp = [W.shutdown(W.t("03-03 12:33:02")), W.boot(W.t("03-03 13:06:25")), W.boot(W.t("03-04 13:56:39"))]
    try Data(W.bytes(wtmp)).write(to: dir.appendingPathComponent("wtmp"))
    try FileManager.default.createDirectory(at: dir.appendingPathComponent("audit"), withIntermediateDirectories: true)
    let audit = [
      AuditFixture.systemBoot("03-03 13:06:26", 1), AuditFixture.login("03-04 12:16:11", 2),
      AuditFixture.systemBoot("03-04 13:56:39", 3),
    ]
    try (audit.joined(separator: "\n") + "\n").write(
      to: dir.appendingPathComponent("audit/audit.log"), atomically: true, encoding: .utf8)
    let syslog = """
      2024-03-04T12:00:00+00:00 web1 systemd[1]: Started Daily apt download activities.
      2024-03-04T12:59:56+00:00 web1 CRON[901]: (root) CMD (run-parts /etc/cron.hourly)
      2024-03-04T13:56:33+00:00 web1 rsyslogd: \(rsyslogStart)
      2024-03-04T13:56:33+00:00 web1 kernel: [    0.000000] Linux version 6.1.0-18-amd64 (debian-kernel@lists.debian.org)
      2024-03-04T14:10:00+00:00 web1 systemd[1]: Started Daily apt download activities.

      """
    try syslog.write(to: dir.appendingPathComponent("syslog"), atomically: true, encoding: .utf8)
    let r = AuditTests.analyze([dir.path])
    let boots = r.hosts.first?.boots ?? []
    #expect(boots.map(\.ending) == [.shutdown, .powerLoss, .running])
    #expect(boots.count == 3 && boots[1].lastSignOfLife == L(time: "03-04 12:59:56", tag: "", msg: "").micros)
  }

  /// A syslog without kernel lines beside wtmp alone: wtmp's boot records, written when userspace starts, confirm
  /// the daemon's start lines up to 10 minutes before them. The syslog's pieces then give each boot's last sign of
  /// life, which wtmp (a boot record, a shutdown record) does not have.
  @Test func wtmpBootRecordsConfirmTheStartLinesOfASyslogWithoutKernelLines() throws {
    typealias W = WtmpFixture
    let wtmp = [
      W.boot(W.t("03-01 10:00:35")), W.shutdown(W.t("03-01 10:59:59")), W.boot(W.t("03-01 11:01:40")),
      W.boot(W.t("03-01 12:30:33")),
    ]
    let syslog = """
      2024-03-01T10:00:30+00:00 web1 rsyslogd: \(rsyslogStart)
      2024-03-01T10:30:00+00:00 web1 systemd[1]: Started Daily apt download activities.
      2024-03-01T11:00:00+00:00 web1 rsyslogd: \(rsyslogExit)
      2024-03-01T11:01:30+00:00 web1 rsyslogd: \(rsyslogStart)
      2024-03-01T12:00:00+00:00 web1 CRON[901]: (root) CMD (run-parts /etc/cron.hourly)
      2024-03-01T12:30:30+00:00 web1 rsyslogd: \(rsyslogStart)
      2024-03-01T12:40:00+00:00 web1 systemd[1]: Started Daily apt download activities.

      """
    let r = Self.analyzeFolder(syslog: syslog, wtmp: W.bytes(wtmp))
    let boots = r.hosts.first?.boots ?? []
    #expect(boots.map(\.ending) == [.reboot, .powerLoss, .running])
    #expect(boots.count == 3 && boots[1].lastSignOfLife == L(time: "03-01 12:00:00", tag: "", msg: "").micros)
  }

  @Test func explicitHostWinsOverTheFolder() {
    let r = Self.analyzeFolder(syslog: Self.syslog, wtmp: WtmpFixture.bytes(WtmpFixture.threeBoots), host: "db1")
    #expect(r.inputs.first { $0.kind == .wtmp }?.host == "db1")
  }

  @Test func bootsStampedBeforeTheClockWasSetAreMatchedByOrder() {
    // An RTC-less board: every BOOT record says 1970; runlevel, logins and shutdown have real times.
    var recs = WtmpFixture.threeBoots
    for i in recs.indices where recs[i].type == 2 { recs[i].sec = 2 + Int64(i) }
    let r = Self.analyzeFolder(syslog: Self.syslog, wtmp: WtmpFixture.bytes(recs))
    let boots = r.hosts[0].boots
    #expect(boots.count == 3)
    #expect(boots.map(\.ending) == [.reboot, .powerLoss, .running])
    #expect(boots.allSatisfy { ($0.start ?? 0) > BootSequencer.clockSetThreshold })
    let wtmp = Int32(r.inputs.firstIndex { $0.kind == .wtmp }!)
    #expect(boots[0].evidence.contains { $0.kind == .shutdownMarker && $0.location.input == wtmp })
    #expect(boots[1].evidence.contains { $0.kind == .nextBoot && $0.location == SourceLocation(input: wtmp, line: 9) })

    // Alone, such boots start at their first record with a real time, not in 1970.
    let alone = Self.analyzeFolder(syslog: nil, wtmp: WtmpFixture.bytes(recs)).hosts[0].boots
    #expect(alone.map(\.ending) == [.reboot, .powerLoss, .running])
    #expect(alone[0].start == WtmpFixture.t("03-01 10:00:20") * 1_000_000)
  }

  @Test func richerStreamWinsWhereWtmpDisagrees() {
    // wtmp lost the shutdown record of a clean reboot (systemd #13138): syslog's exit line decides.
    var recs = WtmpFixture.threeBoots
    recs.remove(at: 4)
    let r = Self.analyzeFolder(syslog: Self.syslog, wtmp: WtmpFixture.bytes(recs))
    let boots = r.hosts[0].boots
    #expect(boots.map(\.ending) == [.reboot, .powerLoss, .running])
    #expect(boots[0].evidence.contains { $0.message.contains("(wtmp: no shutdown record before this boot record)") })
  }

  @Test func folderHostsPicksTheMostSeenHostNearby() {
    let reg = InputRegistry()
    var a = reg.register(path: "/srv/logs/hostA/var/log/syslog", kind: .syslog, host: "alpha")
    reg.addRecords(a, 10)
    a = reg.register(path: "/srv/logs/hostA/var/log/remote.log", kind: .syslog, host: "gateway")
    reg.addRecords(a, 50)
    a = reg.register(path: "/srv/logs/hostA/var/log/journal/m/system.journal", kind: .journal, host: "alpha")
    reg.addRecords(a, 100)
    a = reg.register(path: "/srv/logs/hostB/syslog", kind: .syslog, host: "beta")
    reg.addRecords(a, 1000)
    #expect(FolderHosts.host(for: "/srv/logs/hostA/var/log/wtmp", registry: reg) == "gateway")
    #expect(FolderHosts.host(for: "/srv/logs/hostA/var/wtmp", registry: reg) == "alpha")
    #expect(FolderHosts.host(for: "/srv/logs/hostB/var/log/wtmp", registry: reg) == "beta")
    // Never a sibling folder's host: /srv/logs/hostC has no logs of its own and /srv/logs none directly.
    #expect(FolderHosts.host(for: "/srv/logs/hostC/wtmp", registry: reg) == nil)
    #expect(FolderHosts.host(for: "/elsewhere/wtmp", registry: reg) == nil)
    let top = reg.register(path: "/srv/logs/syslog", kind: .syslog, host: "loghost")
    reg.addRecords(top, 5)
    #expect(FolderHosts.host(for: "/srv/logs/hostC/wtmp", registry: reg) == "loghost")
    #expect(FolderHosts.host(for: "wtmp", registry: InputRegistry()) == nil)
  }

  @Test func discoveryReadsWtmpAndUtmpButSkipsBtmpAndLastlog() {
    let dir = SyslogTestFiles.tempDir()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let bytes = WtmpFixture.bytes(WtmpFixture.threeBoots)
    for name in ["wtmp", "wtmp.1", "utmp", "btmp", "lastlog", "logins.bin"] { SyslogTestFiles.write(dir + "/" + name, bytes) }
    SyslogTestFiles.write(dir + "/wtmp.2.gz", SyslogTestFiles.gzip(WtmpFixture.bytes(WtmpFixture.threeBoots, size: 400, bigEndian: true)))
    let reg = InputRegistry()
    let found = Discovery.discover(paths: [dir], registry: reg)
    // A rotation set is one timeline, oldest first.
    #expect(found == [["logins.bin"], ["utmp"], ["wtmp.2.gz", "wtmp.1", "wtmp"]].map { names in
      DiscoveredInput.wtmpSet(files: names.map { dir + "/" + $0 })
    })
    #expect(Set(reg.inputs.map { ($0.path as NSString).lastPathComponent }) == ["btmp", "lastlog"])
    #expect(reg.inputs.allSatisfy { $0.kind == .skipped })
    // The gzip member reads like the plain file.
    var sink = WtmpTestSink()
    WtmpSource(path: dir + "/wtmp.2.gz", registry: reg, host: "x").run(into: &sink)
    #expect(sink.records.count == 10 && sink.records[4].message == "shutdown system down 6.1.0-18-amd64")
  }
}

/// `flatline tail` follows wtmp as `analyze` reads it. It read the binary records as syslog lines ("333 lines
/// without a syslog header skipped") and no boot came of them.
@Suite struct WtmpFollowTests {
  @Test func followedWtmpGivesTheBootsAnalyzeGives() throws {
    let dir = SyslogTestFiles.tempDir()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let all = WtmpFixture.threeBoots
    // The older member holds the first boot; the live file gets the rest in two writes, the first ending inside
    // a record.
    let older = WtmpFixture.bytes(Array(all[0..<5]))
    let live = WtmpFixture.bytes(Array(all[5...]))
    try Data(older).write(to: URL(fileURLWithPath: dir + "/wtmp.1"))
    let path = dir + "/wtmp"
    let cut = 2 * 384 + 100
    try Data(live[..<cut]).write(to: URL(fileURLWithPath: path))
    let options = IngestOptions(year: 2024, timeZone: "UTC")
    try Data(live).write(to: URL(fileURLWithPath: path))
    let analyzed = FollowerTesting.boots(Analyzer.run(AnalysisOptions(paths: [dir], ingest: options, host: "web1")))

    try Data(live[..<cut]).write(to: URL(fileURLWithPath: path))
    let registry = InputRegistry()
    let box = SinkBox(AnalysisSink(registry: registry, rules: []))
    let follower = FileFollower(path: path, registry: registry, options: options, host: "web1")
    #expect(follower.start(into: box, now: 0).isEmpty)
    #expect(follower.format == .loginRecords(WtmpLayout.detect([UInt8](live).withBytes { $0 }, totalSize: nil)!))
    #expect(follower.offset == 2 * 384)  // whole records only
    let handle = try #require(FileHandle(forWritingAtPath: path))
    handle.seekToEndOfFile()
    handle.write(Data(live[cut...]))
    try handle.close()
    #expect(follower.poll(into: box, now: 0).isEmpty)
    box.sink.engine.finish()
    let followed = FollowerTesting.boots(of: box, registry)
    #expect(followed.count == 3)
    #expect(followed == analyzed)
    #expect(registry.inputs.allSatisfy { $0.kind == .wtmp && $0.warnings.isEmpty && $0.host == "web1" })
  }

  /// logrotate moves wtmp to wtmp.1 each month: a boot that began in the old file and whose next boot is in the new
  /// one ended with no shutdown record. Read as two timelines, the old file's last boot was `unknown`.
  @Test func aBootEndingAcrossWtmpRotationIsSeen() throws {
    let dir = SyslogTestFiles.tempDir()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let t = WtmpFixture.t
    SyslogTestFiles.write(dir + "/wtmp.1", WtmpFixture.bytes([
      WtmpFixture.boot(t("03-01 10:00:05")), WtmpFixture.runlevel(t("03-01 10:00:20")),
      WtmpFixture.login(t("03-01 10:10:00")),
    ]))
    SyslogTestFiles.write(dir + "/wtmp", WtmpFixture.bytes([
      WtmpFixture.boot(t("03-01 11:01:05")), WtmpFixture.runlevel(t("03-01 11:01:20")),
    ]))
    let result = Analyzer.run(AnalysisOptions(paths: [dir], host: "web1"))
    let boots = result.hosts.flatMap(\.boots)
    #expect(boots.map(\.ending) == [.powerLoss, .running])
    let evidence = boots.first?.evidence.map { "\($0.kind.rawValue) \((result.inputs[Int($0.location.input)].path as NSString).lastPathComponent):\($0.location.line)" }
    #expect(evidence == ["last-sign-of-life wtmp.1:3", "next-boot wtmp:1"])
  }

  /// A journal dump written as it goes (`journalctl -f -o json >> file`, or `-o export`) is followed a whole entry at
  /// a time, as analyze reads the file: it was refused ("not followed"). The writes end inside entries, and inside a
  /// binary field whose data holds an empty line.
  @Test(arguments: [false, true]) func followedJournalDumpGivesTheBootsAnalyzeGives(json: Bool) throws {
    let dir = SyslogTestFiles.tempDir()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let sample = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent("SampleLogs/clean-reboot/journal.export")
    let text = try String(contentsOf: sample, encoding: .utf8)
    var entries = text.components(separatedBy: "\n\n").filter { !$0.isEmpty }
    #expect(entries.count > 100)
    var whole: [UInt8] = []
    if json {
      for e in entries {
        var object: [String: String] = [:]
        for line in e.split(separator: "\n") {
          if let eq = line.firstIndex(of: "=") { object[String(line[..<eq])] = String(line[line.index(after: eq)...]) }
        }
        whole += try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) + [10]
      }
    } else {
      // One entry's MESSAGE as a binary field, with an empty line inside its data.
      let k = entries.count / 2
      entries[k] = entries[k].split(separator: "\n").filter { !$0.hasPrefix("MESSAGE=") }.joined(separator: "\n")
      for (i, e) in entries.enumerated() {
        whole += Array(e.utf8) + [10]
        if i == k {
          let data = Array("two\n\nlines".utf8)
          whole += Array("MESSAGE\n".utf8)
          for b in 0..<8 { whole.append(UInt8(truncatingIfNeeded: UInt64(data.count) >> (8 * UInt64(b)))) }
          whole += data + [10]
        }
        whole.append(10)
      }
    }
    let path = dir + (json ? "/journal.json" : "/journal.export")
    try Data(whole).write(to: URL(fileURLWithPath: path))
    let options = IngestOptions(year: 2024, timeZone: "UTC")
    let batch = Analyzer.run(AnalysisOptions(paths: [path], ingest: options))
    let analyzed = FollowerTesting.boots(batch)
    // Written in pieces: cut points inside entries, and in the export inside the binary field, between its data's
    // two newlines and right after them.
    var cuts = [whole.count / 3 + 7, whole.count / 2 + 5, whole.count * 4 / 5 + 3]
    if !json {
      let data = Array("two\n\nlines".utf8)
      let at = try #require((0..<(whole.count - data.count)).first { Array(whole[$0..<($0 + data.count)]) == data })
      cuts = [cuts[0], at + 4, at + 5, cuts[2]]
    }
    try Data(whole[..<cuts[0]]).write(to: URL(fileURLWithPath: path))
    let registry = InputRegistry()
    let box = SinkBox(AnalysisSink(registry: registry, rules: []))
    let follower = FileFollower(path: path, registry: registry, options: options)
    #expect(follower.start(into: box, now: 0).isEmpty)
    #expect(follower.format == .journalStream(json: json))
    try FollowerTesting.append(whole, from: cuts, to: path, polling: follower, into: box)
    let followed = FollowerTesting.boots(of: box, registry)
    #expect(followed.count == 2)
    #expect(followed == analyzed)
    #expect(registry.inputs.allSatisfy { $0.warnings.isEmpty }, "\(registry.inputs.map(\.warnings))")
    #expect(registry.inputs.reduce(0) { $0 + $1.records } == batch.inputs.reduce(0) { $0 + $1.records })
  }

  /// What a follower does not read is said, not read as syslog.
  @Test func formatsAFollowerDoesNotReadAreNamed() {
    #expect(FileFollower.format("/x/system.journal", sniffed: .journal) == .unfollowed(
      "a binary journal file: not followed alone (give its directory to follow it)"))
    #expect(FileFollower.format("/x/audit.log", sniffed: .audit) == .audit)
    #expect(FileFollower.format("/x/odd", sniffed: .skip("text not recognised")) == .syslog)
  }
}
