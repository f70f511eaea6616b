import Foundation
import Testing
@testable import FlatlineCore

/// `--jobs N` on binary journals: a group's boots read in ranges on several threads and joined must give the
/// report of `--jobs 1`, byte for byte (boots, verdicts, evidence cursors, rule hits and their order, incidents,
/// input counts and warnings). So must walk mode (`IngestOptions.journalFileWalk`), with any number of jobs, where
/// the reference is each boot read through its match on one thread.
@Suite struct JournalParallelTests {
  typealias T = JournalTestEntry

  static func options(walk: Bool) -> IngestOptions {
    var o = IngestOptions(year: 2024, timeZone: "UTC")
    o.journalFileWalk = walk
    return o
  }

  /// The JSON report of `paths` read with `jobs` threads.
  static func report(_ paths: [String], jobs: Int, walk: Bool = true) -> String {
    var o = AnalysisOptions(paths: paths, ingest: options(walk: walk))
    o.jobs = jobs
    return JSONReporter.render(Analyzer.run(o), generatedAt: 0)
  }

  /// How the boots of the journal group `files` are read with `jobs` threads.
  static func outcome(_ files: [String], jobs: Int, walk: Bool = false) -> JournalParallelOutcome {
    let registry = InputRegistry()
    var tap = AnalysisSink(registry: registry, rules: BuiltinRules.all)
    return JournalSource(files: files, registry: registry, options: options(walk: walk))
      .run(jobs: jobs, rules: BuiltinRules.all, into: &tap)
  }

  static func journalFiles(_ dir: URL) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []).sorted()
      .filter { $0.hasSuffix(".journal") || $0.hasSuffix(".journal~") }.map { dir.appendingPathComponent($0).path }
  }

  /// `--jobs 1` through the matches against 2 and 3, and walk mode with 1, 2 and 3, on `paths`; the one-thread
  /// report.
  @discardableResult
  static func expectIdentical(
    _ paths: [String], _ label: String, sourceLocation: Testing.SourceLocation = #_sourceLocation
  ) -> String {
    let one = report(paths, jobs: 1, walk: false)
    #expect(one.contains("\"boots\""), "\(label)", sourceLocation: sourceLocation)
    for (jobs, walk) in [(2, false), (3, false), (1, true), (2, true), (3, true)] {
      let many = report(paths, jobs: jobs, walk: walk)
      #expect(many == one, "\(label), --jobs \(jobs), walk \(walk): \(SplitIngestTests.firstDifference(one, many))",
        sourceLocation: sourceLocation)
    }
    return one
  }

  /// Walk mode reads the group `files` with each number of `jobs`, in the planned number of ranges.
  static func expectWalked(_ files: [String], jobs: [Int], sourceLocation: Testing.SourceLocation = #_sourceLocation) {
    for n in jobs {
      #expect(outcome(files, jobs: n, walk: true) == .fileWalk(ranges: ranges(files, jobs: n)),
        sourceLocation: sourceLocation)
    }
  }

  /// How many ranges `jobs` threads read the group's boots in: several per thread, at most one per boot.
  static func ranges(_ files: [String], jobs: Int) -> Int {
    guard case .success(let handle) = JournalHandle.open(files: files) else { return -1 }
    let boots = handle.uniqueValues("_BOOT_ID").0.count
    return JournalGroupReader.rangeCount(boots: boots, jobs: jobs)
  }

  @discardableResult
  static func expectIdentical(_ dir: URL, _ label: String, sourceLocation: Testing.SourceLocation = #_sourceLocation)
    -> String
  {
    expectIdentical([dir.path], label, sourceLocation: sourceLocation)
  }

  /// Several ranges per thread, at most one per boot; one range with one job.
  @Test func rangesPerThread() {
    #expect(JournalGroupReader.rangeCount(boots: 10, jobs: 2) == 8)
    #expect(JournalGroupReader.rangeCount(boots: 3, jobs: 2) == 3)
    #expect(JournalGroupReader.rangeCount(boots: 100, jobs: 3) == 12)
    #expect(JournalGroupReader.rangeCount(boots: 10, jobs: 1) == 1)
  }

  /// The threads take every range exactly once, each thread its ranges in increasing order, each on the
  /// libsystemd copy of its worker number.
  @Test func threadsTakeEveryRangeOnce() {
    final class Log: @unchecked Sendable {
      let lock = NSLock()
      var taken: [(worker: Int, range: Int, sameLibrary: Bool)] = []
    }
    let log = Log()
    JournalGroupReader.pull(ranges: 13, jobs: 3) { worker, library, ranges in
      while let k = ranges.take(below: 13) {
        log.lock.lock()
        log.taken.append((worker, k, library === JournalLibrary.forWorker(worker)))
        log.lock.unlock()
        usleep(1_000)
      }
    }
    #expect(log.taken.map(\.range).sorted() == Array(0..<13))
    #expect(log.taken.allSatisfy { $0.worker >= 0 && $0.worker < 3 && $0.sameLibrary })
    for w in 0..<3 {
      let mine = log.taken.filter { $0.worker == w }.map(\.range)
      #expect(mine == mine.sorted(), "worker \(w): \(mine)")
    }
    // Given up after range 4: nothing after it is handed out (ranges taken meanwhile by other threads are let be).
    let after = Log()
    JournalGroupReader.pull(ranges: 40, jobs: 2) { worker, _, ranges in
      while let k = ranges.take(below: 40) {
        after.lock.lock()
        after.taken.append((worker, k, true))
        after.lock.unlock()
        if k == 4 { ranges.giveUp() }
      }
    }
    let ranges = after.taken.map(\.range).sorted()
    #expect(ranges.contains(4) && ranges.count <= 6 && ranges == Array(0..<ranges.count), "\(ranges)")
  }

  @Test(.enabled(if: JournalFixture.isAvailable, "needs systemd-journal-remote"))
  func sampleLogsScenarios() throws {
    #expect(JournalBootWindowTests.scenarios.count >= 4)
    var parallel = 0
    var walked = 0
    for (name, exports) in JournalBootWindowTests.scenarios {
      let dir = try JournalFixture.temporaryDirectory()
      defer { try? FileManager.default.removeItem(at: dir) }
      try JournalFixture.build(exports: exports, in: dir)
      Self.expectIdentical(dir, name)
      if case .parallel = Self.outcome(Self.journalFiles(dir), jobs: 2) { parallel += 1 }
      if case .fileWalk(let ranges) = Self.outcome(Self.journalFiles(dir), jobs: 2, walk: true), ranges > 1 {
        walked += 1
      }
    }
    // Scenarios with more than one boot are really read in ranges, through matches and by walking the files.
    #expect(parallel >= 2)
    #expect(walked >= 2)
  }

  @Test(.enabled(if: JournalFixture.isAvailable, "needs systemd-journal-remote"))
  func twoMachinesInterleaved() throws {
    let dir = try JournalFixture.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    _ = try JournalFixture.build(exportBytes: T.export(T.twoMachines), in: dir, name: "remote.journal")
    let one = Self.expectIdentical(dir, "two machines")
    #expect(one.contains(T.bootB2) && one.contains(T.bootA1))
    let files = Self.journalFiles(dir)
    // Four boots: a range each, taken in turn by two threads or by four.
    #expect(Self.ranges(files, jobs: 2) == 4)
    #expect(Self.outcome(files, jobs: 2) == .parallel(ranges: 4))
    #expect(Self.outcome(files, jobs: 4) == .parallel(ranges: 4))
    #expect(Self.outcome(files, jobs: 1) == .serial)
    // The two machines' boots interleave in the file: walk mode gives up, unseen, and the matches read them.
    #expect(Self.outcome(files, jobs: 2, walk: true) == .parallel(ranges: 4))
    #expect(Self.outcome(files, jobs: 1, walk: true) == .serial)
  }

  /// The same entries one file per machine, as `systemd-journal-remote --split-mode=host` writes them (two
  /// sequence-number spaces in one folder): walk mode reads them, machine by machine, with the matches' result.
  /// Machine A's second boot starts an hour before its first in realtime (a clock set late) and machine B was
  /// renamed between its boots.
  @Test(.enabled(if: JournalFixture.isAvailable, "needs systemd-journal-remote"))
  func twoMachinesOneFileEach() throws {
    let dir = try JournalFixture.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    for (machine, name) in [(T.machineA, "remote-alpha.journal"), (T.machineB, "remote-beta.journal")] {
      let mine = T.twoMachines.filter { $0.value("_MACHINE_ID") == Array(machine.utf8) }
      _ = try JournalFixture.build(exportBytes: T.export(mine), in: dir, name: name)
    }
    let one = Self.expectIdentical(dir, "one file per machine")
    #expect(one.contains(T.bootB2) && one.contains(T.bootA1))
    let files = Self.journalFiles(dir)
    #expect(files.count == 2)
    Self.expectWalked(files, jobs: [1, 2])
  }

  /// A file left ONLINE: the note goes to every range's sink first, as to the one-thread sink.
  @Test(.enabled(if: JournalFixture.isAvailable, "needs systemd-journal-remote"))
  func onlineFileNoteLandsOnTheSameBoot() throws {
    let dir = try JournalFixture.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let file = try JournalFixture.build(exportBytes: T.export(T.twoMachines), in: dir, name: "remote.journal")
    let handle = try FileHandle(forWritingTo: file)
    try handle.seek(toOffset: 16)
    try handle.write(contentsOf: Data([1]))
    // The header's machine is the one of the tail boot (B2), as a machine's own journal would say.
    var machine: [UInt8] = []
    var hex = Array(T.machineB.utf8)[...]
    while hex.count >= 2, let byte = UInt8(String(decoding: hex.prefix(2), as: UTF8.self), radix: 16) {
      machine.append(byte)
      hex = hex.dropFirst(2)
    }
    try handle.seek(toOffset: 40)
    try handle.write(contentsOf: Data(machine))
    try handle.close()
    let one = Self.expectIdentical(dir, "online")
    // (The note's evidence is shown only for an unclean ending; its tail boot B2 is still running here. The
    // Fedora corpus test below fails when the ranges do not get the notes: its ONLINE files end unclean boots.)
    #expect(one.contains("never closed (state ONLINE)"))
    let files = Self.journalFiles(dir)
    #expect(Self.outcome(files, jobs: 2) == .parallel(ranges: Self.ranges(files, jobs: 2)))
  }

  /// Boots whose initrd logged under a transient machine ID: each boot keeps the machine of its last entries in
  /// every range, as in the one-thread run.
  @Test(.enabled(if: JournalFixture.isAvailable, "needs systemd-journal-remote"))
  func initrdMachineSwitch() throws {
    let dir = try JournalFixture.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    _ = try JournalFixture.build(exportBytes: T.export(JournalStreamTests.initrdSwitch), in: dir, name: "a.journal")
    Self.expectIdentical(dir, "initrd")
    let files = Self.journalFiles(dir)
    #expect(Self.outcome(files, jobs: 2) == .parallel(ranges: Self.ranges(files, jobs: 2)))
  }

  /// Two directory groups of different machines next to each other, and a folder with a syslog file too.
  @Test(.enabled(if: JournalFixture.isAvailable, "needs systemd-journal-remote"))
  func severalGroupsAndSyslog() throws {
    let root = try JournalFixture.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: root) }
    let a = root.appendingPathComponent("a")
    let b = root.appendingPathComponent("b")
    try FileManager.default.createDirectory(at: a, withIntermediateDirectories: true)
    try FileManager.default.createDirectory(at: b, withIntermediateDirectories: true)
    _ = try JournalFixture.build(exportBytes: T.export(T.twoMachines), in: a, name: "remote.journal")
    _ = try JournalFixture.build(exportBytes: T.export(JournalStreamTests.initrdSwitch), in: b, name: "x.journal")
    try "Nov 27 10:00:00 gamma kernel: Linux version 6.1.0 (gcc)\nNov 27 10:05:00 gamma systemd[1]: Stopping user@0\n"
      .write(to: root.appendingPathComponent("syslog"), atomically: true, encoding: .utf8)
    Self.expectIdentical(root, "groups")
  }

  @Test(.enabled(if: JournalFixture.corpus("fedora-rpi4-journal") != nil, "needs ../shared/corpus/fedora-rpi4-journal"))
  func fedoraCorpus() throws {
    let dir = try #require(JournalFixture.corpus("fedora-rpi4-journal"))
    Self.expectIdentical(dir, "fedora")
    let all = Self.journalFiles(dir)
    // Three of the seven files are damaged (their headers list more entries than can be read): walk mode cannot
    // feed every entry the headers list and leaves the group to the matches.
    #expect(Self.outcome(all, jobs: 2, walk: true) == .parallel(ranges: Self.ranges(all, jobs: 2)))
    // The four sound files: three of this Raspberry Pi's system journal (no RTC; a new sequence-number space after
    // each unclean end), and a user journal whose entries interleave with the system journal's within a boot. Walk
    // mode reads them — that boot by merging its two spaces — with the matches' result.
    let damaged = ["0005ebbfd4385848", "a5e890e7b00bedd1"]
    let sound = all.filter { f in !damaged.contains { f.contains($0) } && !f.hasSuffix("/user-1000.journal") }
    #expect(sound.count == 4)
    // The damaged files are told before any walk: a seek to their tail does not reach the entry their header names.
    for f in all {
      let header = try #require(try? JournalFileHeader.load(path: f).get())
      #expect(JournalGroupReader.tailsReachable([WalkFile(path: f, header: header)]) == sound.contains(f), "\(f)")
    }
    Self.expectIdentical(sound, "fedora sound files")
    Self.expectWalked(sound, jobs: [1, 2])
  }

  /// Export text of `count` entries of machine A, 50 ms apart from `realtime` (µs), in boots starting at the given
  /// entry indices: each boot opens with a kernel banner, later ones with ext4 recovery; the first ends with
  /// `Journal stopped`. Each entry carries `fill` fields of unique values.
  static func export(
    boots: [(id: String, first: Int)], count: Int, realtime start: UInt64, fill: Int
  ) -> [UInt8] {
    var export: [UInt8] = []
    export.reserveCapacity(count * (300 + 20 * fill))
    var realtime = start
    for i in 0..<count {
      let b = boots.lastIndex { $0.first <= i }!
      let k = i - boots[b].first
      realtime += 50_000
      var message = "request \(i) served"
      var ident = "app"
      if k == 0 { (message, ident) = ("Linux version 6.1.0-18-amd64 (debian-kernel@lists.debian.org)", "kernel") }
      if b > 0 && k == 1 { (message, ident) = ("EXT4-fs (vda1): recovery complete", "kernel") }
      if b == 0 && boots.count > 1 && i == boots[1].first - 1 { (message, ident) = ("Journal stopped", "systemd-journald") }
      var e = "__REALTIME_TIMESTAMP=\(realtime)\n__MONOTONIC_TIMESTAMP=\(1_000_000 + k * 50_000)\n"
      e += "_BOOT_ID=\(boots[b].id)\n_MACHINE_ID=\(T.machineA)\n_HOSTNAME=rotor\n_TRANSPORT="
      e += ident == "kernel" ? "kernel\n" : "syslog\n"
      e += "SYSLOG_IDENTIFIER=\(ident)\n_PID=\(100 + b)\nMESSAGE=\(message)\n"
      for f in 0..<fill { e += "X_FILL\(f)=\(i)-\(f)\n" }
      export += Array(e.utf8)
      export.append(10)
    }
    return export
  }

  static let threeBoots = [
    (id: "a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1", first: 0),
    (id: "b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2", first: 6_000),
    (id: "c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3c3", first: 26_000),
  ]

  /// A boot that goes on across a rotation (two files of one sequence-number space): walk mode follows it into the
  /// next file, and a range can start there, with the result of the matches. `systemd-journal-remote` rotates
  /// when the data hash table fills (~175k distinct field values at most), so each entry carries a few unique ones.
  @Test(.enabled(if: JournalFixture.isAvailable, "needs systemd-journal-remote"))
  func bootAcrossARotation() throws {
    let dir = try JournalFixture.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let boots = Self.threeBoots
    let export = Self.export(boots: boots, count: 30_000, realtime: 1_709_251_200_000_000, fill: 8)
    _ = try JournalFixture.build(exportBytes: export, in: dir, name: "system.journal")
    let files = Self.journalFiles(dir)
    try #require(files.count >= 2, "no rotation: \(files)")
    let one = Self.expectIdentical(dir, "rotation")
    #expect(one.contains(boots[1].id) && one.contains(boots[2].id))
    Self.expectWalked(files, jobs: [1, 2, 3])
  }

  /// A boot whose index is damaged (its `_BOOT_ID` data object claims 3 entries): its range reads it by scanning
  /// every entry, as one thread does, and the report is the one-thread run's.
  @Test(.enabled(if: JournalFixture.isAvailable, "needs systemd-journal-remote"))
  func damagedBootIndexInARange() throws {
    let dir = try JournalFixture.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let boots = [(id: Self.threeBoots[0].id, first: 0), (id: Self.threeBoots[1].id, first: 200),
      (id: Self.threeBoots[2].id, first: 400)]
    let file = try JournalFixture.build(
      exportBytes: Self.export(boots: boots, count: 600, realtime: 1_709_251_200_000_000, fill: 0), in: dir,
      name: "system.journal")
    try JournalFixture.damageBootIndex(file, boot: boots[1].id)
    let one = Self.expectIdentical(dir, "damaged index")
    #expect(one.contains("boot \(boots[1].id): the journal index reaches 3 of its 200 entries"))
    #expect(Self.outcome([file.path], jobs: 2) == .parallel(ranges: 3))
  }

  /// The active file of a running journald (ONLINE, last entry a minute ago) would grow while walked: walk mode
  /// leaves it to the matches rather than read the group twice. The same file closed, or left ONLINE long ago by a
  /// crash, is walked.
  @Test(.enabled(if: JournalFixture.isAvailable, "needs systemd-journal-remote"))
  func liveFileIsNotWalked() throws {
    let dir = try JournalFixture.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let count = 600
    let start = UInt64(Date().timeIntervalSince1970 * 1e6) - 60_000_000 - UInt64(count) * 50_000
    let boots = [(id: Self.threeBoots[0].id, first: 0), (id: Self.threeBoots[1].id, first: 200)]
    let file = try JournalFixture.build(
      exportBytes: Self.export(boots: boots, count: count, realtime: start, fill: 0), in: dir, name: "system.journal")
    Self.expectWalked([file.path], jobs: [2])
    try Self.leaveOnline(file)
    #expect(Self.outcome([file.path], jobs: 2, walk: true) == .parallel(ranges: 2))  // two boots
    Self.expectIdentical(dir, "live")
    // Left ONLINE by a writer that died an hour before: walked.
    let old = try JournalFixture.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: old) }
    let crashed = try JournalFixture.build(
      exportBytes: Self.export(boots: boots, count: count, realtime: start - 3_600_000_000, fill: 0), in: old,
      name: "system.journal")
    try Self.leaveOnline(crashed)
    Self.expectWalked([crashed.path], jobs: [2])
  }

  /// One boot in two sequence-number spaces (a system and a user journal, each converted on its own), entries
  /// alternating between them: walk mode merges the two files by monotonic time, with the matches' result. With an
  /// entry in both at the same monotonic time and realtime (sd-journal then orders by a content hash the API does
  /// not give) it leaves the group to the matches.
  @Test(.enabled(if: JournalFixture.isAvailable, "needs systemd-journal-remote"))
  func bootInTwoSpacesIsMerged() throws {
    let bootA = Self.threeBoots[0].id
    let bootB = Self.threeBoots[1].id
    func export(_ ks: [Int], ident: String) -> [UInt8] {
      var out = ""
      for k in ks {
        let boot = k < 400 ? bootA : bootB
        let local = k < 400 ? k : k - 400
        var message = "\(ident) tick \(k)"
        if local == 0 && ident == "kernel" { message = "Linux version 6.1.0-18-arm64 (debian-kernel@lists.debian.org)" }
        if k == 151 || k == 153 { message = "LOG:  database system was interrupted; last known up at 2024-03-01 00:00:00 UTC" }
        if k == 398 { message = "Stopping User Manager for UID 1000..." }
        out += "__REALTIME_TIMESTAMP=\(1_709_251_200_000_000 + UInt64(k) * 10_000)\n"
        out += "__MONOTONIC_TIMESTAMP=\(1_000_000 + local * 10_000)\n_BOOT_ID=\(boot)\n_MACHINE_ID=\(T.machineA)\n"
        out += "_HOSTNAME=pi\n_TRANSPORT=syslog\nSYSLOG_IDENTIFIER=\(ident)\n_PID=\(7 + k % 3)\nMESSAGE=\(message)\n\n"
      }
      return Array(out.utf8)
    }
    let system = Array(stride(from: 0, to: 400, by: 2)) + Array(400..<500)
    let user = Array(stride(from: 1, to: 400, by: 2))
    for tie in [false, true] {
      let dir = try JournalFixture.temporaryDirectory()
      defer { try? FileManager.default.removeItem(at: dir) }
      _ = try JournalFixture.build(exportBytes: export(system, ident: "kernel"), in: dir, name: "system.journal")
      _ = try JournalFixture.build(
        exportBytes: export(tie ? user + [100] : user, ident: "postgres"), in: dir, name: "user-1000.journal")
      let files = Self.journalFiles(dir)
      let one = Self.expectIdentical(dir, tie ? "tie" : "two spaces")
      // Rule hits from the user journal, in the merged order.
      #expect(one.components(separatedBy: "\"postgresql.interrupted\"").count == 3)
      let walked = Self.outcome(files, jobs: 2, walk: true)
      if tie {
        #expect(walked == .parallel(ranges: 2))  // two boots
      } else {
        Self.expectWalked(files, jobs: [1, 2])
      }
    }
  }

  /// Sets a journal file's header state to ONLINE, as a writer that has not closed it leaves it.
  static func leaveOnline(_ file: URL) throws {
    let handle = try FileHandle(forWritingTo: file)
    try handle.seek(toOffset: 16)
    try handle.write(contentsOf: Data([1]))
    try handle.close()
  }

  /// Walk order: files grouped by sequence-number space, in seqnum order within one, each pointing at the next of
  /// its space; overlapping ranges in one space (interleaved entries) refuse; empty files are left out.
  @Test func walkOrderChainsEachSpace() throws {
    func header(space: UInt64, head: UInt64, tail: UInt64) -> JournalFileHeader {
      JournalFileHeader(
        compatibleFlags: 0, incompatibleFlags: 0, rawState: 0, machineID: "", headerBootID: "", headerSize: 272,
        entryCount: tail >= head && head > 0 ? tail - head + 1 : 0, tailEntryRealtime: 0, seqnumID: (space, 7),
        headSeqnum: head, tailSeqnum: tail, headRealtime: 0)
    }
    let order = try #require(
      JournalGroupReader.walkOrder(
        ["a3", "b1", "a1", "empty", "a2"],
        [
          header(space: 1, head: 201, tail: 300), header(space: 2, head: 1, tail: 50),
          header(space: 1, head: 1, tail: 100), header(space: 1, head: 0, tail: 0),
          header(space: 1, head: 101, tail: 200),
        ]))
    #expect(order.map(\.path) == ["a1", "a2", "a3", "b1"])
    #expect(order.map(\.successor) == [1, 2, nil, nil])
    let overlapping = JournalGroupReader.walkOrder(
      ["x", "y"], [header(space: 1, head: 1, tail: 100), header(space: 1, head: 50, tail: 150)])
    #expect(overlapping == nil)
  }

  /// Walk mode weighs boots by their entries' sequence numbers, not their span of time: a busy short boot before
  /// three idle long ones gets a range of its own.
  @Test(.enabled(if: JournalFixture.isAvailable, "needs systemd-journal-remote"))
  func walkWeightsFollowEntriesNotTime() throws {
    let s: Int64 = 1_000_000
    let boots = [T.bootA1, T.bootA2, "a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3a3", "a4a4a4a4a4a4a4a4a4a4a4a4a4a4a4a4"]
    var entries: [JournalTestEntry] = []
    var t = T.t0
    for (k, boot) in boots.enumerated() {
      // Boot 0: 40 entries over 8 s; the others 3 entries over 10,000 s.
      let (count, step): (Int, Int64) = k == 0 ? (40, s / 5) : (3, 5_000 * s)
      for i in 0..<count {
        let mono = 1 * s + Int64(i) * step
        entries.append(T.entry(boot, T.machineA, host: "alpha", time: t, mono: mono, message: "m \(i)"))
        t += step
      }
      t += 60 * s
    }
    let dir = try JournalFixture.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let file = try JournalFixture.build(exportBytes: T.export(entries), in: dir, name: "remote.journal")
    guard case .success(let handle) = JournalHandle.open(files: [file.path]) else {
      Issue.record("cannot open \(file.path)")
      return
    }
    let reader = JournalGroupReader(input: 0, registry: InputRegistry(), options: IngestOptions(), groupPath: file.path)
    let located = boots.map { reader.locate(boot: $0, in: handle, counter: nil, cap: 1000) }
    #expect(located.map { b in b.lastSeqnum.map { $0.number - (b.firstSeqnum?.number ?? 0) } } == [39, 2, 2, 2])
    #expect(JournalGroupReader.walkWeights(located) == [40, 3, 3, 3])
    #expect(JournalGroupReader.partition(JournalGroupReader.walkWeights(located), into: 2) == [0..<1, 1..<4])
    // Without sequence numbers for every boot: time spans, which put the busy boot with an idle one.
    var partial = located
    partial[2].lastSeqnum = nil
    #expect(JournalGroupReader.partition(JournalGroupReader.walkWeights(partial), into: 2) == [0..<2, 2..<4])
    // The cursor parts.
    let c = JournalSeqnum(cursor: "s=0123abcd;i=1f;b=aa;m=5;t=6;x=7")
    #expect(c?.space == "0123abcd" && c?.number == 31)
    #expect(JournalSeqnum(cursor: "s=0123abcd;b=aa") == nil)
  }

  @Test func partitionBalancesEntries() {
    let p = JournalGroupReader.partition
    #expect(p([10, 10, 10, 10], 2) == [0..<2, 2..<4])
    #expect(p([100, 1, 1, 1], 2) == [0..<1, 1..<4])
    #expect(p([1, 1, 1, 100], 2) == [0..<3, 3..<4])
    #expect(p([5, 5], 3) == [0..<1, 1..<2])
    #expect(p([7], 2) == [0..<1])
    #expect(p([], 2) == [])
    let r = p([3, 9, 4, 4, 8, 2, 6, 6, 1, 5], 3)
    #expect(r.count == 3 && r.first?.lowerBound == 0 && r.last?.upperBound == 10)
    #expect(zip(r, r.dropFirst()).allSatisfy { $0.upperBound == $1.lowerBound && !$0.isEmpty && !$1.isEmpty })
  }
}
