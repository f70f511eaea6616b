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

  static let ubuntuWtmpUnclean = [
    "2021-07-15T08:55:24.062122Z", "2021-08-09T07:26:23.866883Z", "2021-08-26T09:35:46.200122Z",
    "2021-09-06T08:24:52.799823Z", "2021-09-19T19:06:56.599528Z", "2021-09-20T14:27:11.733887Z",
    "2021-09-27T07:17:11.146293Z", "2021-10-06T07:54:54.907247Z", "2021-11-12T10:12:34.924566Z",
  ]

  @Test func ubuntuDesktopWtmpNineUncleanBoots() throws {
    let path = CLI.corpus.appendingPathComponent("ubuntu-desktop-wtmp/wtmp").path
    let r = try CLI.run(["analyze", path, "-o", "json"])
    #expect(r.status == 0, "stderr: \(r.stderr)")
    let report = try CLI.json(r.stdout)
    let boots = CLI.boots(report)
    #expect(boots.count == 20)
    #expect(Self.uncleanBootStarts(boots) == Self.ubuntuWtmpUnclean)
    #expect(boots.filter { ($0["clean"] as? Bool) == true }.count == 10)
    #expect(boots.last?["ending"] as? String == "running")
    let input = (report["inputs"] as? [[String: Any]])?.first
    #expect(input?["kind"] as? String == "wtmp" && input?["records"] as? Int == 70)
  }

  @Test func ubuntuWtmpIPv6TwoBootsNoneUnclean() throws {
    let path = CLI.corpus.appendingPathComponent("ubuntu-desktop-wtmp/wtmp-ipv6").path
    let r = try CLI.run(["analyze", path, "-o", "json"])
    let boots = CLI.boots(try CLI.json(r.stdout))
    #expect(boots.count == 2)
    #expect(boots.map { $0["ending"] as? String } == ["reboot", "running"])
  }

  /// Boots stamped 1970 in the Pi's wtmp are matched to the syslog boots by order: no extra boot, same verdicts.
  @Test func raspberryPiWtmpAgreesWithSyslog() throws {
    let files = (Self.piSyslogSet + ["wtmp"]).map { CLI.corpus.appendingPathComponent("\(Self.piLog)/\($0)").path }
    let r = try CLI.run(["analyze"] + files + ["-o", "json", "--timezone", "UTC"])
    #expect(r.status == 0, "stderr: \(r.stderr)")
    let report = try CLI.json(r.stdout)
    #expect((report["hosts"] as? [[String: Any]])?.map { $0["name"] as? String } == ["raspberrypi"])
    let boots = CLI.boots(report)
    #expect(boots.count == 38)
    #expect(Self.uncleanBootStarts(boots) == Self.piUnclean)
    #expect(boots.allSatisfy { ($0["start"] as? String)?.hasPrefix("2016-") == true })
    func wtmpEvidence(_ b: [String: Any], _ kind: String) -> [[String: Any]] {
      (b["evidence"] as? [[String: Any]] ?? []).filter {
        ($0["source"] as? String)?.hasSuffix("/wtmp") == true && $0["kind"] as? String == kind
      }
    }
    // Every clean end has wtmp's shutdown record; every unclean one the boot record with none before it.
    #expect(boots.filter { ($0["clean"] as? Bool) == true }.allSatisfy { wtmpEvidence($0, "shutdown-marker").count == 1 })
    let lines = boots.filter { ($0["clean"] as? Bool) == false }.flatMap { wtmpEvidence($0, "next-boot") }
      .compactMap { $0["line"] as? Int }
    // Records 8, 32, 97, 125, 138, 144, 267, 273 counting from 0 (line N is record N-1).
    #expect(lines == [9, 33, 98, 126, 139, 145, 268, 274])
  }

  /// The whole folder: syslog set, messages, kern.log, auth.log (no boot starts at all) and wtmp.
  @Test func raspberryPiWholeFolderAgreesWithSyslog() throws {
    let dir = CLI.corpus.appendingPathComponent(Self.piLog).path
    let r = try CLI.run(["analyze", dir, "-o", "json", "--timezone", "UTC"])
    #expect(r.status == 0, "stderr: \(r.stderr)")
    let report = try CLI.json(r.stdout)
    let boots = CLI.boots(report)
    #expect(boots.count == 38)
    #expect(Self.uncleanBootStarts(boots) == Self.piUnclean)
    #expect(boots.filter { ($0["clean"] as? Bool) == true }.count == 29)
    let wtmp = (report["inputs"] as? [[String: Any]] ?? []).first { ($0["path"] as? String)?.hasSuffix("/wtmp") == true }
    #expect(wtmp?["kind"] as? String == "wtmp" && wtmp?["host"] as? String == "raspberrypi")
    #expect(wtmp?["records"] as? Int == 307)
  }

  @Test func utmpFormatsReadWithoutCrash() throws {
    let dir = CLI.corpus.appendingPathComponent("utmp-formats").path
    let r = try CLI.run(["analyze", dir, "-o", "json", "--timezone", "UTC"])
    #expect(r.status == 0, "stderr: \(r.stderr)")
    let inputs = (try CLI.json(r.stdout))["inputs"] as? [[String: Any]] ?? []
    func input(_ name: String) -> [String: Any]? { inputs.first { ($0["path"] as? String)?.hasSuffix("/" + name) == true } }
    let partial = input("wtmp.1")?["warnings"] as? [String] ?? []
    #expect(partial.contains { $0.hasPrefix("trailing partial record of 1 bytes") })
    #expect(input("utmp_corrupted")?["skipped"] as? Int == 2)
    for name in ["utmp", "utmp_aarch64", "utmp_s390", "utmp_x86_64", "wtmp-a.BE", "wtmp-a.LE", "wtmp-b.BE", "wtmp-b.LE"] {
      #expect(input(name)?["kind"] as? String == "wtmp", "\(name)")
      #expect((input(name)?["warnings"] as? [String])?.isEmpty == true, "\(name)")
    }
    #expect(input("utmp_aarch64")?["records"] as? Int == 5 && input("utmp_s390")?["records"] as? Int == 5)
    #expect(input("wtmp-a.BE")?["records"] as? Int == input("wtmp-a.LE")?["records"] as? Int)
    #expect(r.stderr.contains("trailing partial record"))
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
    let lines = r.stdout.split(separator: "\n")
    #expect(lines.filter { !$0.hasPrefix("  note:") }.count == 5)
    // Its ONLINE files are damaged: boot windows are not trusted there, every entry is read (and the table says so).
    #expect(lines.contains { $0.hasPrefix("  note:") && $0.contains("every entry read") })
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
