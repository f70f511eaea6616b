import Foundation
import Testing

@testable import FlatlineCore

/// One big syslog file read as chunks on several threads (`SplitIngest`) gives the report of the one-thread run.
@Suite struct SplitIngestTests {
  static let packageRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent()
  static let samples = packageRoot.appendingPathComponent("SampleLogs").path
  static let corpus = packageRoot.deletingLastPathComponent().appendingPathComponent("shared/corpus").path
  static var hasCorpus: Bool { FileManager.default.fileExists(atPath: corpus) }

  static func tempDir(_ name: String) -> String {
    let d = NSTemporaryDirectory() + "flatline-split-test-\(getpid())-\(name)"
    try? FileManager.default.removeItem(atPath: d)
    try? FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
    return d
  }

  /// The JSON report of `paths` with `jobs` threads; `chunk` > 0 splits every plain syslog file into chunks of
  /// about that many bytes.
  static func report(_ paths: [String], jobs: Int, chunk: Int = 0, year: Int? = nil) -> String {
    var ingest = IngestOptions(year: year, timeZone: "UTC")
    if chunk > 0 {
      ingest.splitThreshold = 0
      ingest.splitChunkBytes = chunk
      ingest.balanceWholeSets = false
    }
    var o = AnalysisOptions(paths: paths, ingest: ingest)
    o.jobs = jobs
    return JSONReporter.render(Analyzer.run(o), generatedAt: 0)
  }

  /// How `SplitIngest` reads one rotation set with the given chunk size.
  static func outcome(_ files: [String], chunk: Int, year: Int? = nil) -> SplitIngest.Outcome {
    let registry = InputRegistry()
    var ingest = IngestOptions(year: year, timeZone: "UTC")
    ingest.splitThreshold = 0
    ingest.splitChunkBytes = chunk
    var tap = AnalysisSink(registry: registry, rules: BuiltinRules.all)
    return SplitIngest.run(
      files: files, jobs: 2, registry: registry, rules: BuiltinRules.all, options: ingest,
      yearHints: Analyzer.YearHints(), into: &tap)
  }

  static func firstDifference(_ a: String, _ b: String) -> String {
    let x = a.split(separator: "\n", omittingEmptySubsequences: false)
    let y = b.split(separator: "\n", omittingEmptySubsequences: false)
    for i in 0..<min(x.count, y.count) where x[i] != y[i] { return "line \(i + 1):\n  \(x[i])\n  \(y[i])" }
    return x.count == y.count ? "" : "lengths \(x.count) vs \(y.count)"
  }

  @Test(arguments: [
    "azure-host-reboot", "clean-poweroff", "clean-reboot", "gce-host-error", "incident-ec2-power-loss",
    "journal-two-machines", "kernel-panic", "rotated-year-boundary", "rotation-and-restart-traps",
    "centos7-imjournal-reboots", "rhel9-imjournal-reread", "debian-kern-none", "central-log-no-kernel",
    "sosreport-vmware-ha-restart",
  ])
  func sampleScenario(_ name: String) {
    let dir = Self.samples + "/" + name
    let one = Self.report([dir], jobs: 1)
    #expect(one.contains("\"hosts\""))
    #expect(Self.report([dir], jobs: 2) == one)
    for chunk in [300, 1000, 4096] {
      let split = Self.report([dir], jobs: 2, chunk: chunk)
      #expect(split == one, "chunk \(chunk): \(Self.firstDifference(one, split))")
    }
  }

  /// Warnings of rotation sets read on several threads reach the warning handler in the one-thread run's order,
  /// every time, not in the order the threads happened to warn in.
  @Test func parallelSetsWarnInInputOrder() {
    let dir = Self.tempDir("warn-order")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    for k in 0..<8 {
      // Each set: lines without a syslog header (one warning per file), more of them in later sets.
      var text = "Mar  1 10:00:0\(k) host\(k) app[1]: start\n"
      for j in 0..<(k * 40 + 1) { text += "garbage line \(j) without a header\n" }
      text += "Mar  1 10:00:0\(k) host\(k) app[1]: done\n"
      _ = FileManager.default.createFile(atPath: "\(dir)/set\(k).log", contents: Data(text.utf8))
    }
    final class Lines: @unchecked Sendable {
      private let lock = NSLock()
      private var lines: [String] = []
      func add(_ s: String) { lock.withLock { lines.append(s) } }
      var all: [String] { lock.withLock { lines } }
    }
    func warnings(jobs: Int) -> [String] {
      let got = Lines()
      var o = AnalysisOptions(paths: [dir], ingest: IngestOptions(year: 2024, timeZone: "UTC"))
      o.jobs = jobs
      _ = Analyzer.run(o) { got.add($0) }
      return got.all
    }
    let one = warnings(jobs: 1)
    #expect(one.count == 8)
    for _ in 0..<6 { #expect(warnings(jobs: 2) == one) }
  }

  /// Whole sets go to the threads when none is bigger than an even share; otherwise big files are split.
  @Test func wholeSetsWhenTheyKeepEveryThreadBusy() throws {
    #expect(ParallelIngest.wholeSetsBalance([268, 268, 268, 268], jobs: 2))
    #expect(ParallelIngest.wholeSetsBalance([500, 300, 200], jobs: 2))
    #expect(ParallelIngest.wholeSetsBalance([268_435_714, 268_435_779], jobs: 2))
    #expect(ParallelIngest.wholeSetsBalance([500, 300, 100], jobs: 2))
    #expect(!ParallelIngest.wholeSetsBalance([600, 200, 100], jobs: 2))
    #expect(!ParallelIngest.wholeSetsBalance([300, 100], jobs: 2))
    #expect(!ParallelIngest.wholeSetsBalance([1024, 10, 10], jobs: 2))
    #expect(!ParallelIngest.wholeSetsBalance([1024], jobs: 2))
    #expect(!ParallelIngest.wholeSetsBalance([10, 10], jobs: 1))
    // A gzip member counts with the size it holds, not its compressed size.
    let dir = Self.samples + "/rotated-year-boundary"
    let gz = try #require(try FileManager.default.contentsOfDirectory(atPath: dir).first { $0.hasSuffix(".gz") })
    let onDisk = try #require(SplitIngest.FileShape(path: dir + "/" + gz))
    #expect(onDisk.gzipSize != nil)
    #expect(ParallelIngest.workSize(dir + "/" + gz) > onDisk.size)
    #expect(ParallelIngest.workSize(dir + "/missing") == 0)
  }

  @Test func sampleFilesReallySplit() throws {
    let dir = Self.samples + "/kernel-panic"
    let files = try FileManager.default.contentsOfDirectory(atPath: dir).filter { $0.hasPrefix("syslog") }
      .map { dir + "/" + $0 }
    #expect(!files.isEmpty)
    var split = 0
    for f in files {
      if case .split(let units, _) = Self.outcome([f], chunk: 300), units > 1 { split += 1 }
    }
    #expect(split > 0)
    // A syslog without kernel lines is joined with its daemon marks (`BootState.continueWith`), not read whole.
    let outcome = Self.outcome([Self.samples + "/debian-kern-none/var/log/syslog"], chunk: 300)
    if case .split(let units, let rereads) = outcome {
      #expect(units > 10 && rereads < units / 2, "\(units) units, \(rereads) read again")
    } else {
      Issue.record("not split: \(outcome)")
    }
  }

  /// A generated file: five hosts interleaved, dateless stamps across New Year, continuation lines, kernel
  /// banners, clean and unclean ends, filesystem recovery at boot, a NUL run, a header-less line, an over-long line.
  /// `precise`: the same lines with RFC 3339 high-precision stamps (`RSYSLOG_FileFormat`): every line of a second
  /// gets its own microseconds.
  static func generated(to path: String, precise: Bool = false) throws {
    var out = ""
    var month = 12
    var day = 31
    var hour = 23
    var minute = 0
    var second = 0
    let months = ["", "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    var micro = 0
    func stamp() -> String {
      if precise {
        micro = min(micro + 137, 999_999)
        return String(
          format: "%04d-%02d-%02dT%02d:%02d:%02d.%06d+00:00", month == 12 ? 2023 : 2024, month, day, hour, minute,
          second, micro)
      }
      let d = day < 10 ? " \(day)" : "\(day)"
      return String(format: "%@ %@ %02d:%02d:%02d", months[month], d, hour, minute, second)
    }
    func tick(_ s: Int) {
      micro = 0
      second += s
      while second >= 60 {
        second -= 60
        minute += 1
      }
      while minute >= 60 {
        minute -= 60
        hour += 1
      }
      if hour >= 24 {
        hour -= 24
        day += 1
        if month == 12 && day > 31 {
          month = 1
          day = 1
        }
      }
    }
    var seed: UInt64 = 42
    func next(_ n: Int) -> Int {
      seed = seed &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Int((seed >> 33) % UInt64(n))
    }
    let hosts = ["alpha", "bravo", "charlie", "delta", "echo"]
    var uptime = [Double](repeating: 1000, count: hosts.count)
    // The printk time of each host's last kernel line (a replay of the ring buffer ends with it).
    var lastKernel = [Double?](repeating: nil, count: hosts.count)
    // The file begins with a boot of alpha: rsyslog's first lines, then the kernel's.
    out += "\(stamp()) alpha rsyslogd: [origin software=\"rsyslogd\" swVersion=\"8.2\" x-pid=\"3\"] start\n"
    out += "\(stamp()) alpha systemd[1]: Finished Flush Journal to Persistent Storage.\n"
    out += "\(stamp()) alpha kernel: [    0.000000] Linux version 6.1.0 (gcc) #1 SMP\n"
    uptime[0] = 3
    for step in 0..<6000 {
      if next(3) == 0 { tick(2) }
      let h = next(hosts.count)
      let host = hosts[h]
      uptime[h] += 2
      switch next(200) {
      case 0 where step % 7 == 0:
        // Clean shutdown then a new boot of this host, several lines with the same stamp.
        out += "\(stamp()) \(host) systemd[1]: Reached target System Power Off.\n"
        out += "\(stamp()) \(host) rsyslogd: [origin software=\"rsyslogd\" swVersion=\"8.2\" x-pid=\"1\"] exiting on signal 15.\n"
        tick(30)
        out += "\(stamp()) \(host) rsyslogd: [origin software=\"rsyslogd\" swVersion=\"8.2\" x-pid=\"2\"] start\n"
        out += "\(stamp()) \(host) systemd-fsck[120]: /dev/sda1: clean, 1/2 files\n"
        out += "\(stamp()) \(host) kernel: [    0.000000] Linux version 6.1.0 (gcc) #1 SMP\n"
        out += "\(stamp()) \(host) kernel: [    0.000000] Command line: root=/dev/sda1\n"
        out += "\(stamp()) \(host) kernel: [    1.200000] EXT4-fs (sda1): recovering journal\n"
        uptime[h] = 3
        lastKernel[h] = 1.2
      case 1 where step % 5 == 0:
        // Power loss: NUL run, then a boot.
        out += String(repeating: "\u{0}", count: 40)
        tick(20)
        out += "\(stamp()) \(host) kernel: [    0.000000] Linux version 6.1.0 (gcc) #1 SMP\n"
        out += "\(stamp()) \(host) kernel: [    2.500000] EXT4-fs (sda1): recovering journal\n"
        out += "\(stamp()) \(host) systemd-fsck[99]: /dev/sda1: recovering journal\n"
        uptime[h] = 3
        lastKernel[h] = 2.5
      case 6 where step % 11 == 0:
        // Power loss, and the kernel's first lines lost (ring buffer overflow): only its uptime says it restarted.
        tick(40)
        out += "\(stamp()) \(host) rsyslogd: [origin software=\"rsyslogd\" swVersion=\"8.2\" x-pid=\"4\"] start\n"
        out += "\(stamp()) \(host) kernel: [    4.250000] EXT4-fs (sda1): mounted filesystem\n"
        uptime[h] = 5
        lastKernel[h] = 4.25
      case 2:
        out += "\(stamp()) \(host) app[77]: multi-line message follows\n\tcontinued here\n    and here\n"
      case 3:
        out += "garbage without a header \(step)\n"
      case 4 where step == 3001:
        out += "\(stamp()) \(host) app[5]: " + String(repeating: "x", count: 3000) + "\n"
      case 5:
        out += "\(stamp()) \(host) kernel: [\(String(format: "%12.6f", uptime[h]))] usb 1-1: new device\n"
        lastKernel[h] = uptime[h]
      case 7 where step % 3 == 0:
        // rsyslog restarted and read /dev/kmsg again: the kernel's buffer, banner first, up to its last line.
        guard let last = lastKernel[h], last >= 3 else { break }  // reverted from 600 s of uptime on
        out += "\(stamp()) \(host) rsyslogd: [origin software=\"rsyslogd\" swVersion=\"8.2\" x-pid=\"1\"] exiting on signal 15.\n"
        out += "\(stamp()) \(host) rsyslogd: [origin software=\"rsyslogd\" swVersion=\"8.2\" x-pid=\"5\"] start\n"
        out += "\(stamp()) \(host) kernel: [    0.000000] Linux version 6.1.0 (gcc) #1 SMP\n"
        out += "\(stamp()) \(host) kernel: [    0.000000] Command line: root=/dev/sda1\n"
        out += "\(stamp()) \(host) kernel: [\(String(format: "%12.6f", last))] usb 1-1: new device\n"
      default:
        out += "\(stamp()) \(host) CRON[\(1000 + step)]: (root) CMD (run-parts /etc/cron.hourly) \(step)\n"
      }
    }
    try out.write(toFile: path, atomically: true, encoding: .utf8)
  }

  /// A run of sets where one is far bigger than the others: it is split, the small ones around it are read whole
  /// on the threads; the report is the one-thread report.
  @Test func bigSetAmongSmallOnes() throws {
    let d = Self.tempDir("mixed")
    defer { try? FileManager.default.removeItem(atPath: d) }
    for name in ["a-small", "b-big", "c-small", "d-small"] {
      try FileManager.default.createDirectory(atPath: d + "/" + name, withIntermediateDirectories: true)
    }
    try Self.generated(to: d + "/b-big/syslog")
    for name in ["a-small", "c-small", "d-small"] {
      let src = Self.samples + "/clean-reboot/syslog"
      try FileManager.default.copyItem(atPath: src, toPath: d + "/" + name + "/syslog")
    }
    let sizes = ["a-small", "b-big", "c-small", "d-small"].map { ParallelIngest.workSize(d + "/" + $0 + "/syslog") }
    #expect(!ParallelIngest.wholeSetsBalance(sizes, jobs: 2))
    var ingest = IngestOptions(year: 2023, timeZone: "UTC")
    ingest.splitThreshold = sizes[1] - 1
    ingest.splitChunkBytes = 20_000
    #expect(SplitIngest.wants([d + "/b-big/syslog"], jobs: 2, options: ingest))
    #expect(!SplitIngest.wants([d + "/a-small/syslog"], jobs: 2, options: ingest))
    func report(_ jobs: Int) -> String {
      var o = AnalysisOptions(paths: [d], ingest: ingest)
      o.jobs = jobs
      return JSONReporter.render(Analyzer.run(o), generatedAt: 0)
    }
    let one = report(1)
    #expect(one.contains("2024-01-01"))
    for jobs in [2, 3] {
      let many = report(jobs)
      #expect(many == one, "jobs \(jobs): \(Self.firstDifference(one, many))")
    }
  }

  /// A syslog whose kernel lines stop after its first boot (`kern.none`), its later boots placed by PID 1's
  /// `Startup finished` lines (`HostMerger.splitAtOwnStarts`): the chunks' start lines and those lines join as one
  /// read has them.
  @Test func bootsPlacedByStartupLinesJoinAcrossChunks() throws {
    let d = Self.tempDir("startup")
    defer { try? FileManager.default.removeItem(atPath: d) }
    let rs = "[origin software=\"rsyslogd\" swVersion=\"8.2310.0\" x-pid=\"811\" x-info=\"https://www.rsyslog.com\"]"
    var text = ""
    func line(_ t: String, _ tag: String, _ msg: String) { text += "Mar \(t) db-3 \(tag): \(msg)\n" }
    func filler(_ day: Int, _ from: Int, _ to: Int) {
      for h in from..<to {
        for m in stride(from: 0, to: 60, by: 7) {
          line(String(format: "%2d %02d:%02d:11", day, h, m), "CROND[\(4000 + h * 60 + m)]", "(root) CMD (run-parts /etc/cron.hourly)")
        }
      }
    }
    line(" 3 08:00:05", "kernel", "[    0.000000] Linux version 6.1.0-18-amd64 (debian-kernel@lists.debian.org)")
    line(" 3 08:00:07", "rsyslogd", "\(rs) start")
    line(" 3 08:00:29", "systemd[1]", "Startup finished in 1.1s (kernel) + 2.2s (initrd) + 20.7s (userspace) = 24.0s.")
    filler(3, 9, 12)
    line(" 3 12:00:00", "rsyslogd", "\(rs) exiting on signal 15.")
    line(" 3 12:00:01", "rsyslogd", "\(rs) start")
    filler(3, 13, 20)
    line(" 3 20:00:00", "systemd-logind[702]", "System is rebooting.")
    line(" 3 20:00:01", "rsyslogd", "\(rs) exiting on signal 15.")
    line(" 3 20:01:07", "rsyslogd", "\(rs) start")
    line(" 3 20:01:29", "systemd[1]", "Startup finished in 1.1s (kernel) + 2.2s (initrd) + 20.7s (userspace) = 24.0s.")
    filler(3, 21, 24)
    filler(4, 0, 6)
    line(" 4 06:40:07", "rsyslogd", "\(rs) start")
    line(" 4 06:40:29", "systemd[1]", "Startup finished in 1.1s (kernel) + 2.2s (initrd) + 20.7s (userspace) = 24.0s.")
    filler(4, 7, 9)
    try text.write(toFile: d + "/messages", atomically: true, encoding: .utf8)
    let one = Self.report([d], jobs: 1, year: 2024)
    let boots = Analyzer.run(AnalysisOptions(paths: [d], ingest: IngestOptions(year: 2024, timeZone: "UTC")))
      .hosts.first?.boots.map(\.ending)
    #expect(boots == [.reboot, .powerLoss, .running])
    for chunk in [1_000, 3_000, 9_000] {
      let split = Self.report([d], jobs: 2, chunk: chunk, year: 2024)
      #expect(split == one, "chunk \(chunk): \(Self.firstDifference(one, split))")
    }
  }

  @Test func generatedFileAcrossNewYear() throws {
    let d = Self.tempDir("gen")
    defer { try? FileManager.default.removeItem(atPath: d) }
    let path = d + "/syslog"
    try Self.generated(to: path)
    let one = Self.report([d], jobs: 1, year: 2023)
    #expect(one.contains("2024-01-01"))
    #expect(one.contains("recovering journal"))
    // Some ring-buffer replays were taken back, as they must be in every chunked run too.
    #expect(one.contains("repeat the kernel's ring buffer"))
    var joined = 0
    for chunk in [2_000, 7_919, 20_000, 50_000, 120_000] {
      let split = Self.report([d], jobs: 2, chunk: chunk, year: 2023)
      #expect(split == one, "chunk \(chunk): \(Self.firstDifference(one, split))")
      let o = Self.outcome([path], chunk: chunk, year: 2023)
      if case .split = o { joined += 1 }
    }
    #expect(joined > 0)
    // Inferred year (no --year): the tracker samples decide each chunk's start year.
    let inferred = Self.report([d], jobs: 1)
    let split = Self.report([d], jobs: 2, chunk: 20_000)
    #expect(split == inferred, "\(Self.firstDifference(inferred, split))")
  }

  /// With RFC 3339 high-precision stamps no two lines share a timestamp, but a boot's first lines still share a
  /// second: every boot ends as in the same file with whole-second stamps, also when read in chunks.
  @Test func highPrecisionStampsEndBootsAsWholeSeconds() throws {
    let d = Self.tempDir("precise")
    defer { try? FileManager.default.removeItem(atPath: d) }
    try FileManager.default.createDirectory(atPath: d + "/whole", withIntermediateDirectories: true)
    try FileManager.default.createDirectory(atPath: d + "/precise", withIntermediateDirectories: true)
    try Self.generated(to: d + "/whole/syslog")
    try Self.generated(to: d + "/precise/syslog", precise: true)
    func endings(_ dir: String, jobs: Int = 1, chunk: Int = 0) -> [String] {
      var ingest = IngestOptions(year: 2023, timeZone: "UTC")
      if chunk > 0 {
        ingest.splitThreshold = 0
        ingest.splitChunkBytes = chunk
        ingest.balanceWholeSets = false
      }
      var o = AnalysisOptions(paths: [dir], ingest: ingest)
      o.jobs = jobs
      // Endings, and downtimes to the nearest second (the precise stamps move them by milliseconds).
      return Analyzer.run(o).hosts.map { h in
        h.name + ": "
          + h.boots.map { "\($0.ending) \($0.downtime.map { ($0 + 500_000) / 1_000_000 } ?? -1)" }
          .joined(separator: ", ")
      }
    }
    let whole = endings(d + "/whole")
    #expect(whole.count == 5)
    #expect(whole.joined().contains("shutdown") && whole.joined().contains("powerLoss"), "\(whole)")
    #expect(endings(d + "/precise") == whole)
    let one = Self.report([d + "/precise"], jobs: 1, year: 2023)
    for chunk in [7_919, 50_000] {
      let split = Self.report([d + "/precise"], jobs: 2, chunk: chunk, year: 2023)
      #expect(split == one, "chunk \(chunk): \(Self.firstDifference(one, split))")
    }
  }

  @Test func rotationSetWithBigFiles() throws {
    let d = Self.tempDir("set")
    defer { try? FileManager.default.removeItem(atPath: d) }
    try Self.generated(to: d + "/syslog.1")
    try Self.generated(to: d + "/syslog")
    let one = Self.report([d], jobs: 1, year: 2022)
    for chunk in [10_000, 60_000] {
      let split = Self.report([d], jobs: 2, chunk: chunk, year: 2022)
      #expect(split == one, "chunk \(chunk): \(Self.firstDifference(one, split))")
    }
  }

  @Test func lineNumberShift() {
    #expect(SplitIngest.shiftLineNumber("line 12: Feb 29 in inferred year", by: 100) == "line 112: Feb 29 in inferred year")
    #expect(SplitIngest.shiftLineNumber("read error", by: 100) == "read error")
  }

  @Test(.enabled(if: SplitIngestTests.hasCorpus)) func corpusSyslogFiles() throws {
    let dirs = ["raspberrypi-rotated/var/log", "syslog-formats"].map { Self.corpus + "/" + $0 }
    for dir in dirs {
      let one = Self.report([dir], jobs: 1)
      for chunk in [5_000, 100_000] {
        let split = Self.report([dir], jobs: 2, chunk: chunk)
        #expect(split == one, "\(dir) chunk \(chunk): \(Self.firstDifference(one, split))")
      }
    }
  }
}
