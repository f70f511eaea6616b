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
}
