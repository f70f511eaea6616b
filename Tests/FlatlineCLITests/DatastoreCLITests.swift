import Foundation
import Testing

@Suite struct DatastoreCLITests {
  /// Non-empty lines of a plain file: what the reader turns into records (or counts as skipped).
  static func nonEmptyLines(_ path: String) -> Int {
    guard let data = FileManager.default.contents(atPath: path) else { return -1 }
    return data.split(separator: 10, omittingEmptySubsequences: true)
      .filter { $0.contains { $0 != 13 && $0 != 0 } }.count
  }

  @Test(.enabled(if: CLI.hasCorpus, "../shared/corpus is not present"))
  func analyzeDatastoreCorpus() throws {
    let dir = CLI.corpus.appendingPathComponent("datastores").path
    let r = try CLI.run(["analyze", dir, "-o", "json"])
    #expect(r.status == 0, "stderr: \(r.stderr)")
    let report = try CLI.json(r.stdout)
    // Datastore logs open no hosts; the one host is that of PostgreSQL's syslog file (bzip2) in postgresql/.
    #expect((report["hosts"] as? [[String: Any]])?.map { $0["name"] as? String } == ["test-pc"])
    let inputs = report["inputs"] as? [[String: Any]] ?? []
    let ds = inputs.filter { $0["kind"] as? String == "datastore-log" }
    #expect(ds.count == 18)
    for i in ds {
      let path = i["path"] as? String ?? ""
      let records = i["records"] as? Int ?? -1
      let skipped = i["skipped"] as? Int ?? -1
      #expect(records + skipped == Self.nonEmptyLines(path), "\(path)")
      #expect(records > 0 && skipped == 0 && (i["warnings"] as? [Any])?.isEmpty == true, "\(path)")
      // The folder's host where its syslog names one.
      #expect(path.contains("/postgresql/") ? i["host"] as? String == "test-pc" : i["host"] is NSNull, "\(path)")
    }
    // Cloud Logging JSON is skipped with a reason; the bzip2 syslog file is read.
    let rest = inputs.filter { $0["kind"] as? String != "datastore-log" }.map {
      "\((($0["path"] as? String ?? "") as NSString).lastPathComponent) \($0["kind"] as? String ?? "")"
    }
    #expect(rest.sorted() == ["cloudsql.log.gz skipped", "pg-syslog.1.bz2 syslog"])
  }

  /// A folder with only datastore logs is readable input: exit 0, no hosts, not "no readable input".
  @Test func onlyDatastoreLogsExitZero() throws {
    let dir = try CLI.tempDir()
    defer { try? FileManager.default.removeItem(at: dir) }
    try "1234:M 01 May 2024 12:00:00.123 * Ready to accept connections\n"
      .write(to: dir.appendingPathComponent("redis-server.log"), atomically: true, encoding: .utf8)
    try "2024-05-01 12:00:00.000 UTC [1] LOG:  database system is ready to accept connections\n"
      .write(to: dir.appendingPathComponent("postgresql-16-main.log"), atomically: true, encoding: .utf8)
    let r = try CLI.run(["analyze", dir.path, "-o", "json"])
    #expect(r.status == 0, "stderr: \(r.stderr)")
    let report = try CLI.json(r.stdout)
    #expect((report["hosts"] as? [Any])?.isEmpty == true)
    let kinds = (report["inputs"] as? [[String: Any]] ?? []).compactMap { $0["kind"] as? String }
    #expect(kinds == ["datastore-log", "datastore-log"])
    let text = try CLI.run(["analyze", dir.path])
    #expect(text.status == 0, "stderr: \(text.stderr)")
  }
}
