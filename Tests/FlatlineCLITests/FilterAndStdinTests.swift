import Foundation
import Testing

/// `--since`, `--until`, `--host` and reading a journal stream from stdin, through the built binary.
@Suite struct FilterAndStdinTests {
  static func report(_ args: [String], stdin: Data? = nil) throws -> [String: Any] {
    let r = try CLI.run(["analyze"] + args + ["-o", "json", "--timezone", "UTC"], stdin: stdin)
    #expect(r.status == 0, "stderr: \(r.stderr)")
    return try CLI.json(r.stdout)
  }

  static func hostNames(_ report: [String: Any]) -> [String] {
    (report["hosts"] as? [[String: Any]] ?? []).compactMap { $0["name"] as? String }
  }

  /// Two machines in one journal directory: `--host` keeps one, by name or machine ID, with its incidents only.
  @Test func hostFilterByNameAndMachineID() throws {
    let all = try Self.report(["SampleLogs/journal-two-machines"])
    #expect(Self.hostNames(all).count == 2)
    let names = Self.hostNames(all)
    let one = try Self.report(["SampleLogs/journal-two-machines", "--host", names[0]])
    #expect(Self.hostNames(one) == [names[0]])
    let incidents = one["incidents"] as? [[String: Any]] ?? []
    #expect(incidents.allSatisfy { $0["host"] as? String == names[0] })
    let machine = (all["hosts"] as? [[String: Any]])?[1]["machineId"] as? String
    let byID = try Self.report(["SampleLogs/journal-two-machines", "--host", try #require(machine)])
    #expect(Self.hostNames(byID) == [names[1]])
    let none = try Self.report(["SampleLogs/journal-two-machines", "--host", "no-such-host"])
    #expect(Self.hostNames(none).isEmpty)
  }

  /// `--since` drops boots that ended before it; `--until` drops boots that started after it.
  @Test func timeWindow() throws {
    let path = "SampleLogs/azure-host-reboot"
    let all = CLI.boots(try Self.report([path]))
    #expect(all.count == 3)
    let late = CLI.boots(try Self.report([path, "--since", "2024-10-09T11:00:00Z"]))
    #expect(late.map { $0["id"] as? String } == ["sql-we-01-2", "sql-we-01-3"])
    let early = CLI.boots(try Self.report([path, "--until", "2024-10-09 03:00:00"]))
    #expect(early.map { $0["id"] as? String } == ["sql-we-01-1"])
    let window = try Self.report([path, "--since", "2024-10-09", "--until", "2024-10-09T04:00:00Z"])
    #expect(CLI.boots(window).map { $0["id"] as? String } == ["sql-we-01-1", "sql-we-01-2"])
  }

  /// `-` reads a journal export stream from stdin, as `journalctl -o export | flatline analyze -` does.
  @Test func exportStreamFromStdin() throws {
    let export = try Data(contentsOf: CLI.packageRoot.appendingPathComponent("SampleLogs/clean-reboot/journal.export"))
    let fromFile = try Self.report(["SampleLogs/clean-reboot/journal.export"])
    let fromStdin = try Self.report(["-"], stdin: export)
    #expect(CLI.boots(fromStdin).count == CLI.boots(fromFile).count && !CLI.boots(fromStdin).isEmpty)
    #expect(CLI.boots(fromStdin).map { $0["ending"] as? String } == CLI.boots(fromFile).map { $0["ending"] as? String })
    let inputs = fromStdin["inputs"] as? [[String: Any]] ?? []
    #expect(inputs.first?["path"] as? String == "-")
    #expect(inputs.first?["kind"] as? String == "journal-export")
  }

  /// `-` also reads syslog text, plain or compressed, as the file it came from is read (`ssh web1 cat
  /// /var/log/syslog | flatline analyze -`, `zcat syslog.2.gz | …` without the zcat). It was read as a journal
  /// export: "malformed export entry skipped", no boots.
  @Test(arguments: [false, true]) func syslogTextFromStdin(compressed: Bool) throws {
    let path = "SampleLogs/debian-var-log/syslog"
    let text = try Data(contentsOf: CLI.packageRoot.appendingPathComponent(path))
    var stdin = text
    if compressed {
      let gz = try CLI.tempDir().appendingPathComponent("syslog")
      try text.write(to: gz)
      let p = Process()
      p.executableURL = URL(fileURLWithPath: "/usr/bin/gzip")
      p.arguments = ["-n", gz.path]
      try p.run()
      p.waitUntilExit()
      stdin = try Data(contentsOf: URL(fileURLWithPath: gz.path + ".gz"))
    }
    let fromFile = try Self.report([path, "--year", "2024"])
    let fromStdin = try Self.report(["-", "--year", "2024"], stdin: stdin)
    func summary(_ r: [String: Any]) -> [String] {
      CLI.boots(r).map { b in
        let lines = (b["evidence"] as? [[String: Any]] ?? []).map { "\($0["kind"] ?? ""):\($0["line"] ?? "")" }
        return "\(b["ending"] ?? "") \(lines.joined(separator: ","))"
      }
    }
    #expect(CLI.boots(fromStdin).count >= 2)
    #expect(summary(fromStdin) == summary(fromFile))
    let inputs = fromStdin["inputs"] as? [[String: Any]] ?? []
    #expect(inputs.map { "\($0["path"] ?? "") \($0["kind"] ?? "")" } == ["- syslog"])
  }

  /// A pipe named on the command line (`flatline analyze <(zcat syslog.2.gz)`) is read as standard input is; it was
  /// skipped as "not a regular file". One met in a directory walk is still skipped (opening it could block).
  @Test func namedPipeIsReadAsAStream() throws {
    let dir = try CLI.tempDir()
    defer { try? FileManager.default.removeItem(at: dir) }
    let fifo = dir.appendingPathComponent("syslog.pipe").path
    #expect(mkfifo(fifo, 0o600) == 0)
    let text = try Data(contentsOf: CLI.packageRoot.appendingPathComponent("SampleLogs/debian-var-log/syslog"))
    let writer = Thread {
      if let h = FileHandle(forWritingAtPath: fifo) {
        h.write(text)
        try? h.close()
      }
    }
    writer.start()
    let piped = try Self.report([fifo, "--year", "2024"])
    let fromFile = try Self.report(["SampleLogs/debian-var-log/syslog", "--year", "2024"])
    #expect(CLI.boots(piped).count >= 2)
    #expect(CLI.boots(piped).map { $0["ending"] as? String } == CLI.boots(fromFile).map { $0["ending"] as? String })
    let inputs = piped["inputs"] as? [[String: Any]] ?? []
    #expect(inputs.map { "\($0["path"] ?? "") \($0["kind"] ?? "")" } == ["\(fifo) syslog"])
    // In a directory: skipped, without opening it.
    let walked = try CLI.run(["analyze", dir.path])
    #expect(walked.stderr.contains("syslog.pipe: skipped: not a regular file"), "\(walked.stderr)")
  }

  /// What is neither syslog text nor a journal stream is named for what it is, not parsed as a broken export.
  @Test func unrecognisedStdinIsSaidSo() throws {
    let r = try CLI.run(["analyze", "-"], stdin: Data("hello\nworld\n".utf8))
    #expect(r.stderr.contains("standard input holds neither syslog text nor a journal export or JSON stream"))
    #expect(!r.stderr.contains("malformed export entry"))
  }
}
