import Foundation
import Testing
@testable import FlatlineCore

/// `JournalStreamSource`: Journal Export Format and `journalctl -o json` dumps.
@Suite struct JournalStreamTests {
  typealias T = JournalTestEntry

  /// Writes `bytes` to a temporary file and reads it.
  static func read(
    _ bytes: [UInt8], options: IngestOptions = IngestOptions()
  ) throws -> (InputInfo, JournalCollectingSink) {
    let dir = try JournalFixture.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let file = dir.appendingPathComponent("dump")
    try Data(bytes).write(to: file)
    let registry = InputRegistry()
    var sink = JournalCollectingSink()
    sink.wantCursor = true
    JournalStreamSource(path: file.path, registry: registry, options: options).run(into: &sink)
    #expect(registry.inputs.count == 1)
    return (registry.inputs[0], sink)
  }

  static func withoutLineAndCursor(_ entries: [JournalCollectingSink.Entry]) -> [JournalCollectingSink.Entry] {
    entries.map {
      var e = $0
      e.line = 0
      e.cursor = nil
      return e
    }
  }

  @Test func exportAndJSONYieldTheSameRecords() throws {
    let (exportInfo, exported) = try Self.read(T.export(T.twoMachines))
    let (jsonInfo, json) = try Self.read(T.json(T.twoMachines))
    #expect(exportInfo.kind == .journalExport)
    #expect(jsonInfo.kind == .journalJSON)
    #expect(exportInfo.warnings.isEmpty, "\(exportInfo.warnings)")
    #expect(jsonInfo.warnings.isEmpty, "\(jsonInfo.warnings)")
    #expect(exportInfo.records == 9)
    #expect(jsonInfo.records == 9)
    try #require(exported.entries.count == 9)
    #expect(Self.withoutLineAndCursor(exported.entries) == Self.withoutLineAndCursor(json.entries))
    // Stream order, not boot order (the engine groups by boot).
    let streamBoots = T.twoMachines.map { String(decoding: $0.value("_BOOT_ID")!, as: UTF8.self) }
    #expect(exported.entries.map(\.bootID) == streamBoots)
    let binary = exported.entries[2]
    #expect(binary.message == T.binaryMessage)
    #expect(binary.identifier == "weird")
    #expect(exported.entries[0].isKernel && exported.entries[0].kernelUptime == 0)
    #expect(exported.entries[3].messageID == T.stopped)
    #expect(exported.entries[3].unit == "multi-user.target")
    #expect(exported.entries[5].time == T.t0 - 3_600_000_000)
    #expect(String(decoding: json.entries[8].message, as: UTF8.self) == "still running ✓")
    // Lines: JSON one per entry; export where each entry starts (the binary value holds one newline).
    #expect(json.entries.map(\.line) == Array(1...9))
    let starts = (0..<9).map { k in 1 + T.export(Array(T.twoMachines.prefix(k))).filter { $0 == 10 }.count }
    #expect(exported.entries.map(\.line) == starts)
    #expect(exported.entries[1].line == 13)
  }

  /// `journalctl -o verbose`: the header's bracket gives the cursor, realtime (`t=`, hex), monotonic (`m=`) and boot
  /// ID (`b=`); indented fields follow; a value's deeper-indented lines join it with newlines; blob fields and
  /// journalctl's `-- Boot … --` lines are passed over; a field line before any header makes a malformed entry.
  @Test func verboseOutputIsRead() throws {
    let boot = "35e8501129134edd9df5267c49f744a4"
    let text = """
      -- Logs begin at Mon 2022-10-24 00:00:01 UTC, end at Mon 2022-10-24 00:00:02 UTC. --
      Mon 2022-10-24 00:00:01.009823 UTC [s=903d;i=1;b=\(boot);m=599c22;t=5ebbc790fc89f;x=557f]
          _TRANSPORT=kernel
          SYSLOG_IDENTIFIER=kernel
          _SOURCE_MONOTONIC_TIMESTAMP=0
          MESSAGE=Linux version 6.0.7-301.fc37.aarch64
          _HOSTNAME=fedora
      -- Boot \(boot) --
          STRAY=1
      Mon 2022-10-24 00:00:02.000000 UTC [s=903d;i=2;b=\(boot);m=5a0000;t=5ebbc790fc8a0;x=1]
          SYSLOG_IDENTIFIER=app
          _PID=42
          MESSAGE=first line
                  second line
          DATA=[1.2K blob data]
          _HOSTNAME=fedora
      Mon 2022-10-24 00:00:03.000000 UTC [s=903d;i=3;b=\(boot);m=5b0000;t=5ebbc790fc8a1;x=2]
          MESSAGE=
                  \u{20}
          _HOSTNAME=fedora

      """
    let (info, sink) = try Self.read(Array(text.utf8))
    // (An empty value, and a further line of only spaces, were a crash once.)
    #expect(info.kind == .journalExport && info.records == 3 && info.skipped == 1)
    #expect(info.warnings == ["1 malformed verbose entry skipped (first at line 9: field lines without an entry header)"])
    #expect(sink.entries.map(\.time) == [0x5ebbc790fc89f, 0x5ebbc790fc8a0, 0x5ebbc790fc8a1])
    #expect(sink.entries.map(\.bootID) == [boot, boot, boot])
    #expect(String(decoding: sink.entries[2].message, as: UTF8.self) == "\n")
    #expect(sink.entries.prefix(2).map(\.cursor) == ["s=903d;i=1;b=\(boot);m=599c22;t=5ebbc790fc89f;x=557f", "s=903d;i=2;b=\(boot);m=5a0000;t=5ebbc790fc8a0;x=1"])
    #expect(sink.entries.map(\.line) == [2, 10, 17])
    #expect(sink.entries[0].isKernel && sink.entries[0].kernelUptime == 0)
    #expect(String(decoding: sink.entries[1].message, as: UTF8.self) == "first line\nsecond line")
    #expect(sink.entries[1].identifier == "app" && sink.entries[1].pid == 42)
    // Discovery sends such a file to this reader.
    let dir = SyslogTestFiles.tempDir()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    SyslogTestFiles.write(dir + "/journal-verbose.txt", text)
    #expect(Discovery.discover(paths: [dir], registry: InputRegistry()) == [.journalExport(path: dir + "/journal-verbose.txt")])
  }

  @Test func cursorComesFromTheEntry() throws {
    let text = "__CURSOR=s=1;i=2\n__REALTIME_TIMESTAMP=5\nMESSAGE=a\n\nMESSAGE=b\n__REALTIME_TIMESTAMP=6\n"
    let (info, sink) = try Self.read(Array(text.utf8))
    #expect(info.records == 2)
    #expect(sink.entries.map(\.cursor) == ["s=1;i=2", nil])
    #expect(sink.entries.map(\.time) == [5, 6])
    #expect(sink.entries.map(\.line) == [1, 5])
    #expect(sink.entries[1].bootID == "")
  }

  @Test func jsonRepeatedFieldsNullAndEscapes() throws {
    let line = #"{ "__REALTIME_TIMESTAMP" : "7", "SYSLOG_IDENTIFIER" : ["first", "second"], "#
      + #""MESSAGE" : "tab\there \"q\" \\ \u00e9 \ud83d\ude00 \/", "UNIT" : null, "_PID" : 12, "#
      + #""MESSAGE_ID" : [[1, 2], [3]], "_BOOT_ID" : "0123456789abcdef0123456789abcdef", "X" : true }"#
    let (info, sink) = try Self.read(Array((line + "\n\n   \n").utf8))
    #expect(info.warnings.isEmpty, "\(info.warnings)")
    try #require(sink.entries.count == 1)
    let e = sink.entries[0]
    #expect(e.time == 7)
    #expect(e.identifier == "first")
    #expect(String(decoding: e.message, as: UTF8.self) == "tab\there \"q\" \\ é 😀 /")
    #expect(e.unit == "")
    #expect(e.messageID == "\u{1}\u{2}")
    #expect(e.bootID == "0123456789abcdef0123456789abcdef")
  }

  /// `journalctl -o json-pretty`, `json-seq` and `json-sse` give the same records as `-o json`.
  @Test func otherJournalctlJSONOutputsRead() throws {
    let lines = String(decoding: T.json(T.twoMachines), as: UTF8.self).split(separator: "\n").map(String.init)
    let (_, plain) = try Self.read(T.json(T.twoMachines))
    var pretty = ""
    var starts: [Int] = []
    for line in lines {
      let object = try JSONSerialization.jsonObject(with: Data(line.utf8))
      let text = String(
        decoding: try JSONSerialization.data(withJSONObject: object, options: [.prettyPrinted, .sortedKeys]),
        as: UTF8.self)
      starts.append(1 + pretty.filter { $0 == "\n" }.count)
      pretty += text + "\n"
    }
    let seq = lines.map { "\u{1E}" + $0 + "\n" }.joined()
    let sse = lines.map { "data: " + $0 + "\n\n" }.joined()
    for (name, text) in [("json-pretty", pretty), ("json-seq", seq), ("json-sse", sse)] {
      let (info, sink) = try Self.read(Array(text.utf8))
      #expect(info.kind == .journalJSON, "\(name)")
      #expect(info.warnings.isEmpty, "\(name): \(info.warnings)")
      #expect(info.records == 9, "\(name)")
      #expect(Self.withoutLineAndCursor(sink.entries) == Self.withoutLineAndCursor(plain.entries), "\(name)")
      if name == "json-pretty" { #expect(sink.entries.map(\.line) == starts) }
      // Found as such in a folder too.
      let dir = try JournalFixture.temporaryDirectory()
      defer { try? FileManager.default.removeItem(at: dir) }
      let file = dir.appendingPathComponent("\(name).txt")
      try Data(text.utf8).write(to: file)
      #expect(Discovery.sniff(path: file.path, size: text.utf8.count) == .journalJSON, "\(name)")
    }
    // An object that never closes is counted, and the next one still read.
    let unclosed = "{\n  \"MESSAGE\" : \"half\",\n" + pretty
    let (open, next) = try Self.read(Array(unclosed.utf8))
    #expect(next.entries.count == 9)
    #expect(open.skipped == 1)
    #expect(open.warnings.first?.contains("(first at line 1: object not closed before the next one)") == true,
      "\(open.warnings)")
    // An object the input ends inside is counted, not dropped silently.
    let (cut, sink) = try Self.read(Array((pretty + "{\n  \"MESSAGE\" : \"half\",\n").utf8))
    #expect(sink.entries.count == 9)
    #expect(cut.skipped == 1)
    #expect(cut.warnings.first?.contains("input ends inside the object") == true, "\(cut.warnings)")
  }

  @Test func malformedJSONLinesAreSkippedWithOneWarning() throws {
    let good = #"{"MESSAGE":"ok","__REALTIME_TIMESTAMP":"1"}"#
    let lines = [good, #"{"MESSAGE":"unterminated}"#, "{ not json", #"{"A":1} trailing"#, #"{"A":[1,999]}"#, good]
    let (info, sink) = try Self.read(Array(lines.joined(separator: "\n").utf8))
    #expect(sink.entries.count == 2)
    #expect(sink.entries.map(\.line) == [1, 6])
    #expect(info.records == 2)
    #expect(info.skipped == 4)
    #expect(info.warnings.count == 1)
    #expect(info.warnings.first?.hasPrefix("4 malformed JSON lines skipped (first at line 2") == true)
  }

  @Test func garbageExportGivesWarningsNoCrash() throws {
    var bytes = Array("MESSAGE=fine\n__REALTIME_TIMESTAMP=1\n\nthis is not a field\nMESSAGE=x\n\n".utf8)
    bytes += Array("bad name=1\n\n".utf8)
    bytes += Array("MESSAGE\n".utf8) + [0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0x7F] + Array("zzz\n\n".utf8)
    bytes += Array("MESSAGE=after garbage\n\n".utf8)
    let (info, sink) = try Self.read(bytes)
    #expect(sink.entries.map { String(decoding: $0.message, as: UTF8.self) } == ["fine", "after garbage"])
    #expect(info.skipped == 3)
    #expect(info.warnings.count == 1)
    #expect(info.warnings.first?.hasPrefix("3 malformed export entries skipped (first at line 4") == true)
  }

  @Test func truncatedBinaryFieldAtEndWarns() throws {
    var bytes = Array("MESSAGE=one\n\nMESSAGE\n".utf8)
    withUnsafeBytes(of: UInt64(100).littleEndian) { bytes += $0 }
    bytes += Array("only a few bytes".utf8)
    let (info, sink) = try Self.read(bytes)
    #expect(sink.entries.count == 1)
    #expect(info.skipped == 1)
    #expect(info.warnings.contains { $0.contains("truncated") })

    // Cut inside the 8-byte length, and a final entry without its blank line (valid).
    let (info2, sink2) = try Self.read(Array("MESSAGE=a\n\nMESSAGE\n\u{3}\0".utf8))
    #expect(sink2.entries.count == 1)
    #expect(info2.warnings.contains { $0.contains("truncated") })
    let (info3, sink3) = try Self.read(Array("MESSAGE=a\n\nMESSAGE=b".utf8))
    #expect(sink3.entries.count == 2)
    #expect(info3.skipped == 0)
  }

  @Test func longLinesAreCut() throws {
    let long = String(repeating: "x", count: 5000)
    let options = IngestOptions(maxLineLength: 1000)
    let text = "MESSAGE=\(long)\n__REALTIME_TIMESTAMP=3\n\nMESSAGE=short\n"
    let (info, sink) = try Self.read(Array(text.utf8), options: options)
    try #require(sink.entries.count == 2)
    #expect(sink.entries[0].message.count == 1000 - "MESSAGE=".count)
    #expect(sink.entries[0].time == 3)
    #expect(sink.entries[1].line == 4)
    #expect(info.warnings.contains { $0.contains("cut") })
    // A JSON line cannot be cut and still parse: it is skipped.
    let json = #"{"MESSAGE":"\#(long)"}"# + "\n" + #"{"MESSAGE":"ok"}"#
    let (jsonInfo, jsonSink) = try Self.read(Array(json.utf8), options: options)
    #expect(jsonSink.entries.count == 1)
    #expect(jsonSink.entries.first?.line == 2)
    #expect(jsonInfo.skipped == 1)
  }

  @Test func emptyAndMissingInput() throws {
    let (info, sink) = try Self.read([])
    #expect(sink.entries.isEmpty)
    #expect(info.warnings == ["empty input: no journal entries"])
    let registry = InputRegistry()
    var sink2 = JournalCollectingSink()
    JournalStreamSource(path: "/nonexistent/dump.export", registry: registry, options: IngestOptions())
      .run(into: &sink2)
    #expect(registry.inputs.count == 1)
    #expect(registry.inputs[0].kind == .skipped)
  }

  /// The initrd logs under a transient machine ID of its own; its journald says `Journal stopped` at switch-root
  /// and the boot goes on under the real machine ID. In a wall-clock stream that is one boot of one machine, and
  /// the initrd's `Journal stopped` is not a clean end: boot 2 below dies without a shutdown (power loss).
  static var initrdSwitch: [JournalTestEntry] {
    let s: Int64 = 1_000_000
    let initrd1 = "11111111111111111111111111111111"
    let initrd2 = "22222222222222222222222222222222"
    func boot(_ id: String, _ initrd: String, _ t: Int64, clean: Bool) -> [JournalTestEntry] {
      var out = [
        T.entry(id, initrd, host: "localhost", time: t, mono: 1 * s, message: "Linux version 6.0.7 (gcc)",
          ident: "kernel", comm: "kernel", transport: "kernel", extra: [("_SOURCE_MONOTONIC_TIMESTAMP", "0")]),
        T.entry(id, initrd, host: "localhost", time: t + 2 * s, mono: 2 * s, message: "Journal started",
          ident: "systemd-journald", messageID: "f77379a8490b408bbe5f6940505a777b"),
        T.entry(id, initrd, host: "localhost", time: t + 9 * s, mono: 9 * s, message: "Journal stopped",
          ident: "systemd-journald", messageID: T.stopped),
        T.entry(id, T.machineA, host: "pi", time: t + 10 * s, mono: 10 * s, message: "Journal started",
          ident: "systemd-journald", messageID: "f77379a8490b408bbe5f6940505a777b"),
        T.entry(id, T.machineA, host: "pi", time: t + 60 * s, mono: 60 * s, message: "Started cron."),
      ]
      if clean {
        out.append(T.entry(id, T.machineA, host: "pi", time: t + 100 * s, mono: 100 * s, message: "System is rebooting.",
          ident: "systemd-logind"))
        out.append(T.entry(id, T.machineA, host: "pi", time: t + 101 * s, mono: 101 * s, message: "Journal stopped",
          ident: "systemd-journald", messageID: T.stopped))
      }
      return out
    }
    return boot(T.bootA1, initrd1, T.t0, clean: true) + boot(T.bootA2, initrd2, T.t0 + 200 * s, clean: false)
      // Third boot: its initrd shows the first boot's transient ID again (random IDs; a repeat must not confuse).
      + boot(T.bootB1, initrd1, T.t0 + 400 * s, clean: false)
  }

  @Test(arguments: ["export", "json"])
  func initrdMachineIDDoesNotSplitOrCleanABoot(format: String) throws {
    let dir = try JournalFixture.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let file = dir.appendingPathComponent("dump.\(format)")
    let entries = Self.initrdSwitch
    try Data(format == "export" ? T.export(entries) : T.json(entries)).write(to: file)
    let result = Analyzer.run(AnalysisOptions(paths: [file.path]))
    #expect(result.hosts.count == 1)
    let host = try #require(result.hosts.first)
    #expect(host.name == "pi")
    #expect(host.machineID == T.machineA)
    #expect(host.boots.map(\.id) == [T.bootA1, T.bootA2, T.bootB1])
    #expect(host.boots.map(\.ending) == [.reboot, .powerLoss, .running])
  }
}

/// A rule's `units` filter matches the unit whose process logged a journal entry (`_SYSTEMD_UNIT`), not only the
/// unit a PID 1 message is about (`UNIT`).
@Suite struct JournalUnitRuleTests {
  typealias T = JournalTestEntry

  @Test func unitsFilterMatchesTheLoggingUnit() throws {
    let dir = try JournalFixture.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let s: Int64 = 1_000_000
    let entries = [
      T.entry(T.bootA1, T.machineA, host: "q1", time: T.t0, mono: s, message: "Linux version 6.1.0 (gcc)",
        ident: "kernel", comm: "kernel", transport: "kernel", extra: [("_SOURCE_MONOTONIC_TIMESTAMP", "0")]),
      T.entry(T.bootA1, T.machineA, host: "q1", time: T.t0 + 60 * s, mono: 60 * s,
        message: "replaying journal from offset 4096 after an unclean stop", ident: "queue-worker",
        extra: [("_SYSTEMD_UNIT", "acmeq.service")]),
      T.entry(T.bootA1, T.machineA, host: "q1", time: T.t0 + 70 * s, mono: 70 * s,
        message: "replaying journal from offset 1 after an unclean stop", ident: "other-worker",
        extra: [("_SYSTEMD_UNIT", "other.service")]),
    ]
    let export = dir.appendingPathComponent("dump.export")
    try Data(T.export(entries)).write(to: export)
    let rules = dir.appendingPathComponent("acme.yml")
    try """
      - id: acmeq.replay
        title: acmeq replayed its journal
        component: acmeq
        category: crash-recovery
        units: [acmeq.service]
        anchors: [replaying journal from offset]
        examples:
          match: [{line: "replaying journal from offset 9", unit: acmeq.service}]
      """.write(to: rules, atomically: true, encoding: .utf8)
    let result = Analyzer.run(AnalysisOptions(paths: [export.path], rulePaths: [rules.path]))
    let hits = result.findings.filter { $0.hit.ruleID == "acmeq.replay" }
    #expect(hits.count == 1)
    #expect(hits.first?.hit.message.hasPrefix("replaying journal from offset 4096") == true)
  }
}

/// A journal whose oldest files were vacuumed away (or an export cut by `--since`) begins inside a boot: its first
/// entry there is a cron line five hours after the kernel started. That boot began before the data. Taken as begun at
/// that entry, it was not the boot a syslog beside it shows begin hours earlier, and the host got an extra boot
/// whose ending was wrong.
@Suite struct JournalBeginningInsideABootTests {
  typealias T = JournalTestEntry
  static let s: Int64 = 1_000_000

  /// Boot A from `firstMono` in (a cron line; five hours, or four minutes: a boot's journal begins with the kernel's
  /// lines, and userspace's a minute in is already a cut), a clean reboot; boot B from its kernel's start, running.
  static func entries(firstMono: Int64 = 5 * 3600 * s) -> [JournalTestEntry] {
    [
      T.entry(T.bootA1, T.machineA, host: "pi", time: T.t0, mono: firstMono, message: "(root) CMD (run-parts)",
        ident: "CRON"),
      T.entry(T.bootA1, T.machineA, host: "pi", time: T.t0 + 600 * s, mono: firstMono + 600 * s,
        message: "System is rebooting.", ident: "systemd-logind"),
      T.entry(T.bootA1, T.machineA, host: "pi", time: T.t0 + 601 * s, mono: firstMono + 601 * s,
        message: "Journal stopped", ident: "systemd-journald", messageID: T.stopped),
      T.entry(T.bootA2, T.machineA, host: "pi", time: T.t0 + 660 * s, mono: 1 * s, message: "Linux version 6.0.7 (gcc)",
        ident: "kernel", comm: "kernel", transport: "kernel", extra: [("_SOURCE_MONOTONIC_TIMESTAMP", "0")]),
      T.entry(T.bootA2, T.machineA, host: "pi", time: T.t0 + 700 * s, mono: 41 * s, message: "Started cron."),
    ]
  }

  func check(_ result: AnalysisResult) {
    let boots = result.hosts.first?.boots ?? []
    #expect(boots.map(\.ending) == [.reboot, .running])
    #expect(boots.map(\.start) == [nil, T.t0 + 660 * Self.s])
  }

  @Test(arguments: [5 * 3600 * s, 4 * 60 * s]) func exportText(firstMono: Int64) throws {
    let dir = try JournalFixture.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let file = dir.appendingPathComponent("dump.export")
    try Data(T.export(Self.entries(firstMono: firstMono))).write(to: file)
    check(Analyzer.run(AnalysisOptions(paths: [file.path])))
  }

  /// Beside kern.log, which shows both boots begin: the journal's first boot, begun before its data, ended with a
  /// clean reboot 76 s before the next boot began. Its last lines are not the next boot's (its own journal shows a
  /// boot after it), so it is kern.log's first boot, not a boot of its own between the two.
  @Test func withKernLogShowingTheStart() throws {
    let dir = try JournalFixture.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let start = T.t0 - 5 * 3600 * Self.s
    let reboot = T.t0 + 660 * Self.s
    let stamp = { (t: Int64) in CivilTime.rfc3339(t) }
    let kern = [start, reboot].map { "\(stamp($0)) pi kernel: [    0.000000] Linux version 6.0.7 (gcc)" }
    try (kern.joined(separator: "\n") + "\n").write(
      to: dir.appendingPathComponent("kern.log"), atomically: true, encoding: .utf8)
    var entries = Self.entries()
    entries[1] = T.entry(T.bootA1, T.machineA, host: "pi", time: T.t0 + 583 * Self.s, mono: 5 * 3600 * Self.s + 583 * Self.s,
      message: "System is rebooting.", ident: "systemd-logind")
    entries[2] = T.entry(T.bootA1, T.machineA, host: "pi", time: T.t0 + 584 * Self.s, mono: 5 * 3600 * Self.s + 584 * Self.s,
      message: "Journal stopped", ident: "systemd-journald", messageID: T.stopped)
    try Data(T.export(entries)).write(to: dir.appendingPathComponent("dump.export"))
    let r = Analyzer.run(AnalysisOptions(paths: [dir.path], ingest: IngestOptions(timeZone: "UTC")))
    let boots = r.hosts.first?.boots ?? []
    #expect(boots.map(\.ending) == [.reboot, .running])
    #expect(boots.first?.start == start)
  }

  @Test(.enabled(if: JournalFixture.isAvailable, "needs systemd-journal-remote"))
  func binaryJournal() throws {
    let dir = try JournalFixture.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let file = try JournalFixture.build(exportBytes: T.export(Self.entries()), in: dir, name: "system.journal")
    check(Analyzer.run(AnalysisOptions(paths: [file.path])))
  }
}

/// VMs cloned from one image whose `/etc/machine-id` was not reset share the machine ID. Their journals, read
/// together, were one machine: two hosts' boots interleaved as one host's, each boot ending where the other host's
/// next began. Boots of one ID that run at the same time under two names are two machines; a machine renamed
/// between boots (the names follow each other) is still one.
@Suite struct ClonedMachineIDTests {
  typealias T = JournalTestEntry
  static let s: Int64 = 1_000_000

  static func boot(_ id: String, host: String, at t: Int64, minutes: Int64, clean: Bool) -> [JournalTestEntry] {
    var out = [
      T.entry(id, T.machineA, host: host, time: t, mono: 1 * s, message: "Linux version 6.1.0 (gcc)", ident: "kernel",
        comm: "kernel", transport: "kernel", extra: [("_SOURCE_MONOTONIC_TIMESTAMP", "0")]),
      T.entry(id, T.machineA, host: host, time: t + minutes * 60 * s, mono: minutes * 60 * s, message: "Started cron."),
    ]
    if clean {
      out.append(T.entry(id, T.machineA, host: host, time: t + minutes * 60 * s + s, mono: minutes * 60 * s + s,
        message: "Journal stopped", ident: "systemd-journald", messageID: T.stopped))
    }
    return out
  }

  func run(_ a: [JournalTestEntry], _ b: [JournalTestEntry]) throws -> AnalysisResult {
    let dir = try JournalFixture.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    for (name, entries) in [("a", a), ("b", b)] {
      let sub = dir.appendingPathComponent(name)
      try FileManager.default.createDirectory(at: sub, withIntermediateDirectories: true)
      try Data(T.export(entries)).write(to: sub.appendingPathComponent("journal.export"))
    }
    return Analyzer.run(AnalysisOptions(paths: [dir.path]))
  }

  @Test func bootsAtTheSameTimeUnderTwoNamesAreTwoMachines() throws {
    let t0 = T.t0
    let a = Self.boot("a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1", host: "web-a", at: t0, minutes: 60, clean: true)
      + Self.boot("a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2", host: "web-a", at: t0 + 3700 * Self.s, minutes: 60, clean: false)
    let b = Self.boot("b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1", host: "web-b", at: t0 + 600 * Self.s, minutes: 200, clean: false)
      + Self.boot("b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2", host: "web-b", at: t0 + 13_000 * Self.s, minutes: 10, clean: false)
    let r = try run(a, b)
    #expect(r.hosts.map(\.name).sorted() == ["web-a", "web-b"])
    #expect(r.hosts.first { $0.name == "web-a" }?.boots.map(\.ending) == [.reboot, .running])
    #expect(r.hosts.first { $0.name == "web-b" }?.boots.map(\.ending) == [.powerLoss, .running])
  }

  @Test func aMachineRenamedBetweenBootsIsOne() throws {
    let t0 = T.t0
    let a = Self.boot("a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1", host: "old-name", at: t0, minutes: 60, clean: true)
    let b = Self.boot("a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2", host: "new-name", at: t0 + 3700 * Self.s, minutes: 60, clean: false)
    let r = try run(a, b)
    #expect(r.hosts.count == 1)
    #expect(r.hosts.first?.boots.count == 2 && r.hosts.first?.boots.first?.ending.clean == true)
  }
}
