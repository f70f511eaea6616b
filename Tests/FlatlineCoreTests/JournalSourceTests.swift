import Foundation
import Testing
@testable import FlatlineCore

/// `JournalSource` on binary journals built with `systemd-journal-remote` from export text.
@Suite struct JournalSourceTests {
  typealias T = JournalTestEntry

  static func buildTwoMachineJournal() throws -> (dir: URL, file: URL) {
    let dir = try JournalFixture.temporaryDirectory()
    let file = try JournalFixture.build(exportBytes: T.export(T.twoMachines), in: dir, name: "remote.journal")
    return (dir, file)
  }

  @Test(.enabled(if: JournalFixture.isAvailable, "needs systemd-journal-remote"))
  func feedsPerMachineAndBootInBootOrder() throws {
    let (dir, file) = try Self.buildTwoMachineJournal()
    defer { try? FileManager.default.removeItem(at: dir) }
    let registry = InputRegistry()
    var sink = JournalCollectingSink()
    sink.wantCursor = true
    JournalSource(files: [file.path], registry: registry, options: IngestOptions()).run(into: &sink)

    #expect(registry.inputs.count == 1)
    let info = registry.inputs[0]
    #expect(info.path == file.path)
    #expect(info.kind == .journal)
    #expect(info.records == 9)
    #expect(info.skipped == 0)
    #expect(info.host == nil)  // two machines: no single host
    #expect(info.warnings.isEmpty, "\(info.warnings)")
    #expect(sink.notes.isEmpty)

    // Machines one after the other (sorted by machine ID), boots by last entry: A1 before A2 although A2's
    // first entry is an hour earlier.
    #expect(sink.bootOrder == [T.bootA1, T.bootA2, T.bootB1, T.bootB2])
    for e in sink.entries {
      #expect(e.machineID == (e.bootID.hasPrefix("a") ? T.machineA : T.machineB))
      #expect(e.line == 0)
      #expect(e.input == 0)
      #expect(e.cursor?.contains("b=\(e.bootID)") == true)
    }
    try #require(sink.entries.count == 9)
    let messages = sink.entries.map { String(decoding: $0.message, as: UTF8.self) }
    #expect(messages[0] == "Linux version 6.1.0 (gcc)")
    #expect(sink.entries[1].message == T.binaryMessage)
    #expect(sink.entries[1].identifier == "weird")  // no SYSLOG_IDENTIFIER: _COMM
    #expect(messages[2] == "Stopped target Multi-User.")
    #expect(messages.last == "still running ✓")

    let kernel = sink.entries[0]
    #expect(kernel.isKernel)
    #expect(kernel.identifier == "kernel")
    #expect(kernel.kernelUptime == 0)
    #expect(kernel.time == T.t0)
    #expect(kernel.host == "alpha")
    #expect(!sink.entries[2].isKernel)
    #expect(sink.entries[2].kernelUptime == -1)
    #expect(sink.entries[2].messageID == T.stopped)
    #expect(sink.entries[2].unit == "multi-user.target")
    #expect(sink.entries[2].pid == 4242)
    #expect(kernel.pid == 0)
    #expect(sink.entries[2].time == T.t0 + 100_000_000)
    #expect(sink.entries[3].time == T.t0 - 3_600_000_000)
    #expect(sink.entries.filter { $0.bootID == T.bootB2 }.map(\.host) == ["beta-renamed", "beta-renamed"])
  }

  @Test(.enabled(if: JournalFixture.isAvailable, "needs systemd-journal-remote"))
  func binaryJournalAgreesWithExportReader() throws {
    let (dir, file) = try Self.buildTwoMachineJournal()
    defer { try? FileManager.default.removeItem(at: dir) }
    var fromJournal = JournalCollectingSink()
    JournalSource(files: [file.path], registry: InputRegistry(), options: IngestOptions()).run(into: &fromJournal)
    let dump = dir.appendingPathComponent("dump.export")
    try Data(T.export(T.twoMachines)).write(to: dump)
    var fromExport = JournalCollectingSink()
    JournalStreamSource(path: dump.path, registry: InputRegistry(), options: IngestOptions()).run(into: &fromExport)
    // Same records; the binary reader groups by boot, the stream keeps stream order.
    let order = fromJournal.bootOrder
    let regrouped = order.flatMap { boot in fromExport.entries.filter { $0.bootID == boot } }
    func plain(_ e: [JournalCollectingSink.Entry]) -> [JournalCollectingSink.Entry] {
      e.map {
        var c = $0
        c.line = 0
        c.cursor = nil
        return c
      }
    }
    #expect(plain(fromJournal.entries) == plain(regrouped))
  }

  @Test(.enabled(if: JournalFixture.isAvailable, "needs systemd-journal-remote"))
  func oneMachineSetsHostAndGroupPathIsDirectory() throws {
    let dir = try JournalFixture.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let a = T.twoMachines.filter { $0.value("_MACHINE_ID") == Array(T.machineA.utf8) }
    let f1 = try JournalFixture.build(exportBytes: T.export(Array(a.prefix(3))), in: dir, name: "system@1.journal")
    let f2 = try JournalFixture.build(exportBytes: T.export(Array(a.dropFirst(3))), in: dir, name: "system.journal")
    let registry = InputRegistry()
    var sink = JournalCollectingSink()
    JournalSource(files: [f2.path, f1.path], registry: registry, options: IngestOptions()).run(into: &sink)
    #expect(registry.inputs.count == 1)
    #expect(registry.inputs[0].path == dir.path)
    #expect(registry.inputs[0].host == "alpha")
    #expect(registry.inputs[0].records == a.count)
    #expect(sink.bootOrder == [T.bootA1, T.bootA2])
  }

  @Test(.enabled(if: JournalFixture.isAvailable, "needs systemd-journal-remote"))
  func onlineFileIsReportedBeforeEntries() throws {
    let (dir, file) = try Self.buildTwoMachineJournal()
    defer { try? FileManager.default.removeItem(at: dir) }
    // Flip the state byte to ONLINE, as a writer that died would have left it.
    let handle = try FileHandle(forWritingTo: file)
    try handle.seek(toOffset: 16)
    try handle.write(contentsOf: Data([1]))
    try handle.close()

    struct OrderSink: RecordSink {
      var events: [String] = []
      mutating func consume(_ r: Record) { events.append("record") }
      mutating func note(_ note: SourceNote) {
        if case .journalFileOnline(_, _, _, let tail) = note { events.append("online \(tail)") }
      }
    }
    let registry = InputRegistry()
    var sink = OrderSink()
    JournalSource(files: [file.path], registry: registry, options: IngestOptions()).run(into: &sink)
    // The file's last entry is B2's (the last one written).
    #expect(sink.events.first == "online \(T.bootB2)")
    #expect(sink.events.dropFirst().allSatisfy { $0 == "record" })
    #expect(sink.events.count == 10)
    #expect(registry.inputs[0].warnings.contains { $0.contains("never closed (state ONLINE)") })
  }

  @Test(.enabled(if: JournalFixture.isAvailable, "needs systemd-journal-remote"))
  func damagedBootIndexFallsBackToScanning() throws {
    let dir = try JournalFixture.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let boot = "cccccccccccccccccccccccccccccccc"
    let entries = (0..<50).map { i in
      T.entry(boot, T.machineA, host: "alpha", time: T.t0 + Int64(i), mono: Int64(i + 1), message: "m\(i)")
    }
    let file = try JournalFixture.build(exportBytes: T.export(entries), in: dir, name: "system.journal")
    try JournalFixture.damageBootIndex(file, boot: boot)

    let registry = InputRegistry()
    var sink = JournalCollectingSink()
    JournalSource(files: [file.path], registry: registry, options: IngestOptions()).run(into: &sink)
    #expect(sink.entries.count == 50)
    #expect(sink.entries.map { String(decoding: $0.message, as: UTF8.self) } == (0..<50).map { "m\($0)" })
    #expect(registry.inputs[0].warnings.contains { $0.contains("index reaches 3 of its 50 entries") })
  }

  @Test func nonJournalFileGivesWarningNoCrash() throws {
    let dir = try JournalFixture.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let text = dir.appendingPathComponent("notes.journal")
    try Data("this is not a journal\n".utf8).write(to: text)
    let fake = dir.appendingPathComponent("fake.journal")
    var bytes = Array("LPKSHHRH".utf8) + [UInt8](repeating: 0xAB, count: 4000)
    bytes[16] = 1
    try Data(bytes).write(to: fake)
    let registry = InputRegistry()
    var sink = JournalCollectingSink()
    JournalSource(
      files: [text.path, fake.path, dir.appendingPathComponent("missing.journal").path], registry: registry,
      options: IngestOptions()
    ).run(into: &sink)
    #expect(sink.entries.isEmpty)
    #expect(sink.notes.isEmpty)
    let warnings = registry.inputs[0].warnings
    #expect(warnings.contains { $0.hasPrefix("notes.journal: not a journal file") })
    #expect(warnings.contains { $0.hasPrefix("fake.journal: cannot open journal file") })
    #expect(warnings.contains { $0.hasPrefix("missing.journal: cannot read journal file") })
    #expect(warnings.last == "no readable journal file in the group")
  }

  @Test(.enabled(if: JournalFixture.isAvailable, "needs systemd-journal-remote"))
  func badFileNextToGoodOneIsSkipped() throws {
    let (dir, file) = try Self.buildTwoMachineJournal()
    defer { try? FileManager.default.removeItem(at: dir) }
    let junk = dir.appendingPathComponent("junk.journal~")
    try Data(repeating: 0, count: 1000).write(to: junk)
    let registry = InputRegistry()
    var sink = JournalCollectingSink()
    JournalSource(files: [junk.path, file.path], registry: registry, options: IngestOptions()).run(into: &sink)
    #expect(sink.entries.count == 9)
    #expect(registry.inputs[0].warnings.count == 1)
    #expect(registry.inputs[0].path == dir.path)
  }

  /// Sets the compression flags of the file's first compressed data object to XZ|LZ4 together, which no
  /// libsystemd can decompress: reading that field fails with EPROTONOSUPPORT (as for a journal written with a
  /// compression this libsystemd lacks). Returns false when the file has no compressed data object.
  static func spoilCompressedField(_ file: URL) throws -> Bool {
    var bytes = [UInt8](try Data(contentsOf: file))
    func u64(_ at: Int) -> Int {
      var v: UInt64 = 0
      for k in 0..<8 { v |= UInt64(bytes[at + k]) << (8 * UInt64(k)) }
      return Int(clamping: v)
    }
    let headerSize = u64(88)
    let end = Swift.min(headerSize + u64(96), bytes.count)
    var at = headerSize
    while at + 16 <= end {
      let (type, flags, size) = (bytes[at], bytes[at + 1], u64(at + 8))
      guard size >= 16 else { return false }
      if type == 1 && flags != 0 {  // OBJECT_DATA, compressed
        bytes[at + 1] = 3
        try Data(bytes).write(to: file)
        return true
      }
      at += (size + 7) & ~7
    }
    return false
  }

  @Test(.enabled(if: JournalFixture.isAvailable, "needs systemd-journal-remote"))
  func entryWithAnUnreadableFieldIsReadWithoutItAndWarned() throws {
    let s: Int64 = 1_000_000
    let big = String(repeating: "0123456789abcdef", count: 256)
    let entries = [
      T.entry(T.bootA1, T.machineA, host: "alpha", time: T.t0, mono: 1 * s, message: "first"),
      T.entry(T.bootA1, T.machineA, host: "alpha", time: T.t0 + s, mono: 2 * s, message: "second",
              extra: [("BIG_FIELD", big)]),
      T.entry(T.bootA1, T.machineA, host: "alpha", time: T.t0 + 2 * s, mono: 3 * s, message: "third"),
    ]
    let dir = try JournalFixture.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let file = try JournalFixture.build(exportBytes: T.export(entries), in: dir, name: "remote.journal")
    try #require(try Self.spoilCompressedField(file), "journal-remote did not compress the 4 KiB field")
    let warning = "1 journal entry had a field that could not be read, kept without it: EPROTONOSUPPORT"

    let registry = InputRegistry()
    var sink = JournalCollectingSink()
    JournalSource(files: [file.path], registry: registry, options: IngestOptions()).run(into: &sink)
    #expect(sink.entries.map { String(decoding: $0.message, as: UTF8.self) } == ["first", "second", "third"])
    #expect(sink.entries.map(\.host) == ["alpha", "alpha", "alpha"])
    #expect(registry.inputs[0].warnings.contains { $0.hasPrefix(warning) }, "\(registry.inputs[0].warnings)")

    // Tail mode's follower reports it with the poll that met it.
    let followed = InputRegistry()
    let follower = JournalFollower(directory: dir.path, registry: followed, options: IngestOptions())
    guard case .success = follower.open() else {
      Issue.record("cannot follow \(dir.path)")
      return
    }
    let box = SinkBox(AnalysisSink(registry: followed, rules: []))
    let problem = follower.poll(into: box)
    #expect(problem?.hasPrefix(warning) == true, "\(problem ?? "nil")")
    #expect(followed.inputs.first?.records == 3)

    // Walk mode and the parallel join carry the count too.
    for (jobs, walk) in [(1, false), (2, false), (1, true), (2, true)] {
      let report = JournalParallelTests.report([file.path], jobs: jobs, walk: walk)
      #expect(report.contains(warning), "--jobs \(jobs), walk \(walk)")
      #expect(report.contains("\"records\": 3"), "--jobs \(jobs), walk \(walk)")
    }
  }

  /// Keeps each entry's eager cursor and its deferred position; resolves the positions after the run.
  final class PositionSink: RecordSink {
    var eager: [String?] = []
    var positions: [CursorPosition?] = []
    var source: (any CursorSource)?
    func consume(_ r: Record) {
      eager.append(r.cursorSource?.currentCursor())
      positions.append(r.cursorSource?.deferredPosition())
      source = r.cursorSource
    }
    func note(_ note: SourceNote) {}
  }

  @Test(.enabled(if: JournalFixture.isAvailable, "needs systemd-journal-remote"))
  func deferredPositionsResolveToTheSameCursors() throws {
    let s: Int64 = 1_000_000
    // Entries that share boot, monotonic and realtime: the position must tell them apart by order.
    var entries = T.twoMachines
    for k in 0..<3 {
      entries.append(T.entry(T.bootA2, T.machineA, host: "alpha", time: T.t0 + 450 * s, mono: 95 * s, message: "same \(k)"))
    }
    let dir = try JournalFixture.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let file = try JournalFixture.build(exportBytes: T.export(entries), in: dir, name: "remote.journal")
    var sink = PositionSink()
    JournalSource(files: [file.path], registry: InputRegistry(), options: IngestOptions()).run(into: &sink)
    try #require(sink.eager.count == 12)
    let positions = sink.positions.compactMap { $0 }
    #expect(positions.count == 12)
    #expect(positions.filter { $0.duplicate > 0 }.count == 2)
    let source = try #require(sink.source)
    for (k, p) in positions.enumerated() {
      let c = source.cursor(at: p)
      #expect(c != nil && c == sink.eager[k], "entry \(k)")
    }
  }

  @Test func groupPathIsCommonDirectory() {
    #expect(JournalSource.groupPath(["/var/log/journal/m/system.journal"]) == "/var/log/journal/m/system.journal")
    #expect(JournalSource.groupPath(["/j/m/a.journal", "/j/m/b.journal~"]) == "/j/m")
    #expect(JournalSource.groupPath(["/j/m1/a.journal", "/j/m2/b.journal"]) == "/j")
    #expect(JournalSource.groupPath(["a.journal", "b.journal"]) == ".")
  }

  /// `JournalField.match` (binary entries: dispatch on the first bytes, no search for the `=`) finds exactly the
  /// fields the name lookup finds — except those taken from the entry header — with the name's length.
  @Test func fieldMatchAgreesWithTheNameLookup() {
    let names = [
      "MESSAGE", "MESSAGE_ID", "MESSAGEX", "SYSLOG_IDENTIFIER", "SYSLOG_FACILITY", "SYSLOG_PID", "UNIT", "UNITS",
      "USER_UNIT", "_PID", "_PIDFD", "_COMM", "_CMDLINE", "_HOSTNAME", "_TRANSPORT", "_MACHINE_ID", "_SYSTEMD_UNIT",
      "_SYSTEMD_USER_UNIT", "_SYSTEMD_CGROUP", "_SOURCE_MONOTONIC_TIMESTAMP", "_SOURCE_REALTIME_TIMESTAMP",
      "_BOOT_ID", "__CURSOR", "__REALTIME_TIMESTAMP", "_UID", "PRIORITY", "CODE_FILE", "M", "_",
    ]
    var matched = 0
    for name in names {
      for value in ["", "x", "a longer value = with an equals sign"] {
        let datum = Array((name + "=" + value).utf8)
        let expected = Array(name.utf8).withUnsafeBufferPointer { JournalField.named($0.baseAddress!, $0.count) }
        let wanted: JournalField? = [.bootID, .cursor, .realtime, .monotonic].contains(expected) ? nil : expected
        let got = datum.withUnsafeBufferPointer { JournalField.match($0.baseAddress!, $0.count) }
        #expect(got?.field == wanted, "\(name)=\(value)")
        if let got {
          #expect(got.nameLength == name.utf8.count, "\(name)")
          matched += 1
        }
      }
    }
    #expect(matched == 11 * 3)
  }
}
