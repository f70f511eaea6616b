import Foundation
import Testing

/// Issue ground truth for the datastore logs of ../shared/corpus, through the built binary: what `analyze` reports
/// as findings when no host boot surrounds them. Skipped when ../shared is absent.
@Suite(.enabled(if: CLI.hasCorpus, "../shared/corpus is not present"))
struct CorrelationCorpusTests {
  static func findings(_ path: String, _ extra: [String] = []) throws -> [[String: Any]] {
    let r = try CLI.run(["analyze", path, "-o", "json", "--timezone", "UTC"] + extra)
    #expect(r.status == 0, "stderr: \(r.stderr)")
    let report = try CLI.json(r.stdout)
    #expect((report["incidents"] as? [Any])?.isEmpty == true, "no host reboot in datastore logs alone")
    return report["findings"] as? [[String: Any]] ?? []
  }

  static func file(_ f: [String: Any]) -> String { ((f["source"] as? String ?? "") as NSString).lastPathComponent }

  /// errlog001: the 080821 19:14:12 start found InnoDB not shut down normally and ran crash recovery.
  @Test func mysqlErrlog001CrashRecovery() throws {
    let path = CLI.corpus.appendingPathComponent("datastores/mysql/errlog001.txt").path
    let f = try Self.findings(path)
    let at1914 = f.filter { ($0["time"] as? String ?? "").hasPrefix("2008-08-21T19:14:1") }
    #expect(at1914.contains { $0["rule"] as? String == "mysql.not-shutdown-normally" && $0["category"] as? String == "unclean-start" })
    #expect(at1914.contains { $0["category"] as? String == "crash-recovery" })
    #expect(at1914.allSatisfy { $0["type"] as? String == "datastore-crash" && $0["component"] as? String == "mysql" })
    #expect(f.contains { $0["rule"] as? String == "mysql.crash-recovery-finished" && ($0["time"] as? String ?? "").hasPrefix("2008-08-21T19:14:23") })
  }

  /// errlog004 and errlog008: mysqld crashed (assertion, fatal signal) while the host stayed up: datastore crashes.
  @Test(arguments: ["errlog004.txt", "errlog008.txt"])
  func mysqlCrashWithoutReboot(_ name: String) throws {
    let path = CLI.corpus.appendingPathComponent("datastores/mysql/\(name)").path
    let f = try Self.findings(path)
    let crash = f.filter { $0["category"] as? String == "crash" }
    #expect(crash.contains { $0["rule"] as? String == "mysql.fatal-signal" })
    #expect(!f.isEmpty && f.allSatisfy { $0["type"] as? String == "datastore-crash" })
  }

  /// The MongoDB and PostgreSQL folders hold clean starts and stops only (WiredTiger's txn-recover on every start
  /// is not crash recovery).
  @Test(arguments: ["mongodb", "postgresql"])
  func cleanDatastoreFoldersRaiseNothing(_ folder: String) throws {
    let f = try Self.findings(CLI.corpus.appendingPathComponent("datastores/\(folder)").path)
    let alarming = f.filter {
      ["unclean-start", "crash-recovery", "corruption", "repair", "refused-start", "crash"].contains($0["category"] as? String ?? "")
    }
    #expect(alarming.isEmpty, "\(alarming.map { "\(Self.file($0)):\($0["line"] ?? "") \($0["rule"] ?? "")" })")
  }

  /// Fedora on a Raspberry Pi (no RTC): the one incident gathers only what the next boot (35e85011) logged early —
  /// placed by the entries' boot IDs and monotonic time, although that boot's wall clock jumps four hours.
  @Test func fedoraIncidentEventsBelongToTheNextBoot() throws {
    let r = try CLI.run(["analyze", CLI.corpus.appendingPathComponent("fedora-rpi4-journal").path, "-o", "json"])
    #expect(r.status == 0)
    let incidents = try CLI.json(r.stdout)["incidents"] as? [[String: Any]] ?? []
    try #require(incidents.count == 1)
    #expect(incidents[0]["bootId"] as? String == "4c708e1fd0744336be16f3931aa861fb")
    let events = incidents[0]["datastoreEvents"] as? [[String: Any]] ?? []
    #expect(events.count >= 3)
    for e in events {
      #expect((e["cursor"] as? String)?.contains("b=35e8501129134edd9df5267c49f744a4") == true, "\(e)")
    }
  }
}
