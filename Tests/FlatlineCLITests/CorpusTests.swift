import Foundation
import Testing

/// Ground truth from ../shared/corpus/README.md. Skipped when ../shared is absent (a user's fresh clone).
@Suite(.enabled(if: CLI.hasCorpus, "../shared/corpus is not present"))
struct CorpusTests {
  static let piLog = "raspberrypi-rotated/var/log"
  static let piSyslogSet = ["syslog.5.gz", "syslog.4.gz", "syslog.3.gz", "syslog.2.gz", "syslog.1", "syslog"]

  /// The start times of boots that follow an unclean ending ("unclean boots" in the corpus README).
  static func uncleanBootStarts(_ boots: [[String: Any]]) -> [String] {
    var out: [String] = []
    for (i, b) in boots.enumerated() where (b["clean"] as? Bool) == false && i + 1 < boots.count {
      out.append(boots[i + 1]["start"] as? String ?? "nil")
    }
    return out
  }

  static let piUnclean = [
    "2016-05-27T11:50:21Z", "2016-05-27T12:01:18Z", "2016-09-21T21:17:04Z", "2016-09-23T00:18:12Z",
    "2016-09-23T15:17:05Z", "2016-09-23T15:17:05Z", "2016-09-24T21:17:04Z", "2016-09-24T21:17:04Z",
  ]

  @Test func raspberryPiRotatedSyslogSet() throws {
    let files = Self.piSyslogSet.map { CLI.corpus.appendingPathComponent("\(Self.piLog)/\($0)").path }
    let r = try CLI.run(["analyze"] + files + ["-o", "json", "--timezone", "UTC"])
    #expect(r.status == 0, "stderr: \(r.stderr)")
    let report = try CLI.json(r.stdout)
    let boots = CLI.boots(report)
    #expect((report["hosts"] as? [Any])?.count == 1)
    #expect(boots.count == 38)
    #expect(boots.first?["start"] is String, "the data begins with a boot: no boot before the data")
    #expect(Self.uncleanBootStarts(boots) == Self.piUnclean)
    #expect(boots.filter { ($0["clean"] as? Bool) == true }.count == 29)
    #expect(boots.last?["ending"] as? String == "running")
    // The year comes from the gzip headers (the files' own mtimes are copy times).
    #expect((boots.first?["start"] as? String)?.hasPrefix("2016-05-27") == true)
    // Every power loss here has NUL runs or not, but always a last sign of life and the next boot as evidence.
    for b in boots where (b["clean"] as? Bool) == false {
      let kinds = (b["evidence"] as? [[String: Any]] ?? []).compactMap { $0["kind"] as? String }
      #expect(kinds.contains("last-sign-of-life") && kinds.contains("next-boot"))
    }
  }

  @Test func raspberryPiKernLogAloneCannotTellCleanFromUnclean() throws {
    let files = ["kern.log.1", "kern.log"].map { CLI.corpus.appendingPathComponent("\(Self.piLog)/\($0)").path }
    let r = try CLI.run(["analyze"] + files + ["-o", "json", "--timezone", "UTC"])
    let boots = CLI.boots(try CLI.json(r.stdout))
    #expect(!boots.isEmpty)
    #expect(boots.allSatisfy { ($0["ending"] as? String) == "unknown" || ($0["ending"] as? String) == "running" })
  }

  @Test func fedoraJournalFourBootsInOrderOneUnclean() throws {
    let dir = CLI.corpus.appendingPathComponent("fedora-rpi4-journal").path
    let r = try CLI.run(["analyze", dir, "-o", "json"])
    #expect(r.status == 0, "stderr: \(r.stderr)")
    let report = try CLI.json(r.stdout)
    let hosts = report["hosts"] as? [[String: Any]] ?? []
    #expect(hosts.count == 1)
    #expect(hosts.first?["machineId"] as? String == "2dc07f7a727e4b46a1927eab9d6cd4b7")
    let boots = CLI.boots(report)
    let ids = boots.map { String(($0["id"] as? String ?? "").prefix(8)) }
    #expect(ids == ["5ea5fc4f", "bea6864f", "4c708e1f", "35e85011"])
    #expect(boots.map { $0["ending"] as? String } == ["reboot", "reboot", "power-loss", "running"])
    let kinds = (boots[safe: 2]?["evidence"] as? [[String: Any]] ?? []).compactMap { $0["kind"] as? String }
    #expect(kinds.contains("journal-file-online"))
    #expect((boots[safe: 2]?["evidence"] as? [[String: Any]] ?? []).contains { $0["cursor"] is String })
  }

  @Test func fedoraBootsCommandListsAllFour() throws {
    let dir = CLI.corpus.appendingPathComponent("fedora-rpi4-journal").path
    let r = try CLI.run(["boots", dir])
    #expect(r.status == 0)
    #expect(r.stdout.split(separator: "\n").count == 5)
  }

  @Test func syslogFormatsParseWithoutCrashOrFalseUncleanBoot() throws {
    let dir = CLI.corpus.appendingPathComponent("syslog-formats").path
    let r = try CLI.run(["analyze", dir, "-o", "json", "--timezone", "UTC"])
    #expect(r.status == 0, "stderr: \(r.stderr)")
    let report = try CLI.json(r.stdout)
    #expect((report["summary"] as? [String: Any])?["uncleanEndings"] as? Int == 0)
    let inputs = report["inputs"] as? [[String: Any]] ?? []
    #expect(inputs.filter { $0["kind"] as? String != "skipped" }.count >= 10)
  }
}

extension Array {
  subscript(safe i: Int) -> Element? { indices.contains(i) ? self[i] : nil }
}
