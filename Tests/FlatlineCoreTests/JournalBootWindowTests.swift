import Foundation
import Testing
@testable import FlatlineCore

/// `flatline boots` on binary journals: boot bounds by seeking and a window of entries at each end of a boot
/// (`IngestOptions.journalBootWindow`) must give the same boots and endings as reading every entry.
@Suite struct JournalBootWindowTests {
  /// What must not change between the two ways of reading: per host, each boot's ID, start, last sign of life
  /// and ending.
  struct BootRow: Equatable, CustomStringConvertible {
    var host: String
    var id: String
    var start: Int64?
    var last: Int64?
    var ending: BootEnding
    var description: String { "\(host) \(id) \(start.map(String.init) ?? "-") \(last.map(String.init) ?? "-") \(ending)" }
  }

  static func rows(_ r: AnalysisResult) -> [BootRow] {
    r.hosts.flatMap { h in
      h.boots.map { BootRow(host: h.name, id: $0.id, start: $0.start, last: $0.lastSignOfLife, ending: $0.ending) }
    }
  }

  static func analyse(_ paths: [String], window: Int?) -> AnalysisResult {
    let options = AnalysisOptions(
      paths: paths, ingest: IngestOptions(year: 2024, timeZone: "UTC", journalBootWindow: window))
    return Analyzer.run(options)
  }

  /// Full read vs boot windows of several sizes; returns the windowed results.
  @discardableResult
  static func expectSameBoots(_ paths: [String], windows: [Int] = [2, 5, 20, 300], sourceLocation: Testing.SourceLocation = #_sourceLocation)
    -> [AnalysisResult]
  {
    let full = rows(analyse(paths, window: nil))
    #expect(!full.isEmpty, sourceLocation: sourceLocation)
    return windows.map { w in
      let r = analyse(paths, window: w)
      #expect(rows(r) == full, "window \(w)", sourceLocation: sourceLocation)
      return r
    }
  }

  /// Each SampleLogs scenario with journal export files, turned into binary journal files.
  static let scenarios: [(name: String, exports: [URL])] = {
    var url = URL(fileURLWithPath: #filePath)
    for _ in 0..<3 { url.deleteLastPathComponent() }
    let root = url.appendingPathComponent("SampleLogs")
    let names = ((try? FileManager.default.contentsOfDirectory(atPath: root.path)) ?? []).sorted()
    return names.compactMap { name in
      let dir = root.appendingPathComponent(name)
      let files = ((try? FileManager.default.contentsOfDirectory(atPath: dir.path)) ?? []).sorted()
        .filter { $0.hasSuffix(".export") }.map { dir.appendingPathComponent($0) }
      return files.isEmpty ? nil : (name, files)
    }
  }()

  @Test(.enabled(if: JournalFixture.isAvailable, "needs systemd-journal-remote"))
  func sampleLogsScenariosGiveTheSameBoots() throws {
    #expect(Self.scenarios.count >= 4)
    for (name, exports) in Self.scenarios {
      let dir = try JournalFixture.temporaryDirectory()
      defer { try? FileManager.default.removeItem(at: dir) }
      try JournalFixture.build(exports: exports, in: dir)
      let results = Self.expectSameBoots([dir.path])
      // The smallest window really leaves entries out of scenarios with long boots, and says so.
      let r = results[0]
      #expect(r.inputs.contains { $0.kind == .journal && $0.readMode?.contains("boot bounds by seeking") == true },
        "\(name)")
    }
  }

  @Test(.enabled(if: JournalFixture.corpus("fedora-rpi4-journal") != nil, "needs ../shared/corpus/fedora-rpi4-journal"))
  func fedoraCorpusGivesTheSameFourBoots() throws {
    let dir = try #require(JournalFixture.corpus("fedora-rpi4-journal"))
    let results = Self.expectSameBoots([dir.path], windows: [50, 300])
    let rows = Self.rows(results[1])
    #expect(rows.map { String($0.id.prefix(8)) } == ["5ea5fc4f", "bea6864f", "4c708e1f", "35e85011"])
    #expect(rows.map(\.ending) == [.reboot, .reboot, .powerLoss, .running])
    // Files left ONLINE there are corrupt: the group is read whole, and the input says so.
    #expect(results[1].inputs[0].readMode?.contains("every entry read") == true)
  }

  /// Two machines in one journal file, boots interleaved in time (as a `systemd-journal-remote` collector that
  /// merges them would hold), 150 entries per boot, 2 s apart.
  static func twoMachineExport() -> [UInt8] {
    typealias E = JournalTestEntry
    let s: Int64 = 1_000_000
    struct Boot {
      var id: String
      var machine: String
      var host: String
      var start: Int64
      var clean: Bool
    }
    let boots = [
      Boot(id: "a1" + String(repeating: "0", count: 30), machine: E.machineA, host: "alpha", start: 0, clean: true),
      Boot(id: "b1" + String(repeating: "0", count: 30), machine: E.machineB, host: "beta", start: 100, clean: false),
      Boot(id: "a2" + String(repeating: "0", count: 30), machine: E.machineA, host: "alpha", start: 400, clean: false),
      Boot(id: "b2" + String(repeating: "0", count: 30), machine: E.machineB, host: "beta", start: 500, clean: true),
      Boot(id: "a3" + String(repeating: "0", count: 30), machine: E.machineA, host: "alpha", start: 800, clean: false),
      Boot(id: "b3" + String(repeating: "0", count: 30), machine: E.machineB, host: "beta", start: 900, clean: false),
    ]
    var entries: [(Int64, JournalTestEntry)] = []
    for (k, b) in boots.enumerated() {
      let t0 = E.t0 + b.start * s
      var mono: Int64 = 1 * s
      func add(_ message: String, ident: String = "app", transport: String = "syslog", extra: [(String, String)] = []) {
        let t = t0 + mono
        entries.append(
          (t, E.entry(b.id, b.machine, host: b.host, time: t, mono: mono, message: message, ident: ident,
            comm: ident, transport: transport, extra: extra)))
        mono += 2 * s
      }
      add("Linux version 6.1.0 (gcc)", ident: "kernel", transport: "kernel", extra: [("_SOURCE_MONOTONIC_TIMESTAMP", "0")])
      if k >= 2 && !boots[k - 2].clean {
        add("EXT4-fs (sda1): recovery complete", ident: "kernel", transport: "kernel",
          extra: [("_SOURCE_MONOTONIC_TIMESTAMP", "3000000")])
      }
      add("Journal started", ident: "systemd-journald", transport: "driver")
      for i in 0..<150 { add("worker \(i) of boot \(k) did its job") }
      if b.clean {
        add("System is rebooting.", ident: "systemd-logind")
        add("Reached target shutdown.target - System Shutdown.", ident: "systemd")
        add("Journal stopped", ident: "systemd-journald", transport: "driver")
      }
    }
    entries.sort { $0.0 < $1.0 }
    return JournalTestEntry.export(entries.map(\.1))
  }

  @Test(.enabled(if: JournalFixture.isAvailable, "needs systemd-journal-remote"))
  func twoMachinesWithInterleavedBoots() throws {
    let dir = try JournalFixture.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    _ = try JournalFixture.build(exportBytes: Self.twoMachineExport(), in: dir, name: "remote.journal")
    let results = Self.expectSameBoots([dir.path], windows: [3, 10, 40, 300])
    let rows = Self.rows(results[1])
    #expect(rows.map(\.host) == ["alpha", "alpha", "alpha", "beta", "beta", "beta"])
    #expect(rows.map { String($0.id.prefix(2)) } == ["a1", "a2", "a3", "b1", "b2", "b3"])
    #expect(rows.map(\.ending) == [.reboot, .powerLoss, .running, .powerLoss, .reboot, .running])
  }

  /// It really seeks: with a window of 10, only about 2 × 10 entries of each boot are read (the head may grow to
  /// cover the boot's first 30 s: 16 entries here), not the 150+ of the middle.
  @Test(.enabled(if: JournalFixture.isAvailable, "needs systemd-journal-remote"))
  func readsOnlyTheWindows() throws {
    let dir = try JournalFixture.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    _ = try JournalFixture.build(exportBytes: Self.twoMachineExport(), in: dir, name: "remote.journal")
    let full = Self.analyse([dir.path], window: nil)
    let windowed = Self.analyse([dir.path], window: 10)
    let total = full.inputs[0].records
    let read = windowed.inputs[0].records
    #expect(total > 900)
    #expect(read <= 6 * (16 + 10))
    #expect(read >= 6 * 20)
    #expect(windowed.inputs[0].readMode?.contains("first and last 10 entries") == true)
    #expect(full.inputs[0].readMode == nil)
  }

  /// A boot whose tail window is one burst with only a weak marker is read whole: here a 600-entry shutdown
  /// sequence in the last 12 s ends a boot whose `System is powering down.` lies before the window (without it,
  /// `Journal stopped` and a next boot 2 s later would read as a reboot).
  @Test(.enabled(if: JournalFixture.isAvailable, "needs systemd-journal-remote"))
  func burstAtTheTailReadsTheBootWhole() throws {
    typealias E = JournalTestEntry
    let s: Int64 = 1_000_000
    var entries: [JournalTestEntry] = []
    let boot1 = "c1" + String(repeating: "0", count: 30)
    let boot2 = "c2" + String(repeating: "0", count: 30)
    var mono: Int64 = s
    func add(_ boot: String, _ message: String, ident: String = "app", step: Int64 = 2 * s) {
      entries.append(E.entry(boot, E.machineA, host: "gamma", time: E.t0 + mono, mono: mono, message: message,
        ident: ident, comm: ident))
      mono += step
    }
    for i in 0..<100 { add(boot1, "idle \(i)") }
    add(boot1, "System is powering down.", ident: "systemd-logind")
    for i in 0..<600 { add(boot1, "Stopped unit \(i).", ident: "systemd", step: 20_000) }
    add(boot1, "Journal stopped", ident: "systemd-journald")
    let restart = mono + 2 * s
    mono = s
    for i in 0..<100 {
      entries.append(E.entry(boot2, E.machineA, host: "gamma", time: E.t0 + restart + mono, mono: mono,
        message: "up \(i)"))
      mono += 2 * s
    }
    let dir = try JournalFixture.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    _ = try JournalFixture.build(exportBytes: JournalTestEntry.export(entries), in: dir, name: "gamma.journal")
    let results = Self.expectSameBoots([dir.path], windows: [20])
    #expect(results[0].inputs[0].readMode?.contains("1 boot(s) read whole") == true)
    #expect(Self.rows(results[0]).map(\.ending) == [.shutdown, .running])
  }
}
