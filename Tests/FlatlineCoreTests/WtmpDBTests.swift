import Foundation
import Testing

@testable import FlatlineCore

/// Builds wtmpdb databases with the real `sqlite3` shell, in wtmpdb's own schema.
enum WtmpDBFixture {
  static let sqlite3 = ["/usr/bin/sqlite3", "/bin/sqlite3"].first { FileManager.default.isExecutableFile(atPath: $0) }
  static var isAvailable: Bool { sqlite3 != nil }

  static let schema = """
    CREATE TABLE wtmp(ID INTEGER PRIMARY KEY, Type INTEGER, User TEXT NOT NULL, Login INTEGER, Logout INTEGER, \
    TTY TEXT, RemoteHost TEXT, Service TEXT) STRICT;
    """

  /// µs of a 2024 time `MM-DD hh:mm:ss` in UTC.
  static func us(_ t: String) -> Int64 { WtmpFixture.t(t) * 1_000_000 }

  /// A boot row (`wtmpdb boot`), its Logout set by `wtmpdb shutdown` when given.
  static func boot(_ id: Int, _ login: String, _ logout: String?, user: String = "reboot") -> String {
    "INSERT INTO wtmp VALUES(\(id),2,'\(user)',\(us(login)),\(logout.map { String(us($0)) } ?? "NULL"),'~','6.12.48-amd64',NULL);"
  }

  /// A login row written by pam_wtmpdb.
  static func login(_ id: Int, _ user: String, _ login: String, _ logout: String?) -> String {
    "INSERT INTO wtmp VALUES(\(id),7,'\(user)',\(us(login)),\(logout.map { String(us($0)) } ?? "NULL"),'pts/0','10.0.0.5','sshd');"
  }

  /// Three boots: a clean reboot, a boot that ends with no Logout (wtmpdb's `crash`), then a running boot that
  /// had a soft reboot (its first userspace's Logout, then a `soft-reboot` row).
  static let threeBoots = [
    boot(1, "03-01 10:00:00", "03-01 11:00:00"),
    login(2, "alice", "03-01 10:05:00", "03-01 10:13:20"),
    boot(3, "03-01 11:01:00", nil),
    login(4, "alice", "03-01 11:03:20", nil),
    boot(5, "03-01 13:33:20", "03-01 14:23:20"),
    boot(6, "03-01 14:23:25", nil, user: "soft-reboot"),
  ]

  static func make(_ path: String, _ rows: [String]) {
    run([path], input: schema + "\n" + rows.joined(separator: "\n") + "\n")
  }

  @discardableResult
  static func run(_ args: [String], input: String) -> Int32 {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: sqlite3!)
    p.arguments = args
    let pipe = Pipe()
    p.standardInput = pipe
    try! p.run()
    pipe.fileHandleForWriting.write(Data(input.utf8))
    try? pipe.fileHandleForWriting.close()
    p.waitUntilExit()
    return p.terminationStatus
  }
}

@Suite struct WtmpDBTests {
  static func analyze(_ paths: [String]) -> AnalysisResult {
    Analyzer.run(AnalysisOptions(paths: paths, ingest: IngestOptions(year: 2024, timeZone: "UTC")))
  }

  /// wtmpdb alone gives `wtmpdb last -x`'s verdicts: a boot row's Logout is its clean shutdown, a boot row left
  /// without one before the next boot ended unclean; a soft reboot is neither a shutdown nor a boot. Evidence
  /// points at the rows by ID.
  @Test(.enabled(if: WtmpDBFixture.isAvailable, "needs sqlite3"))
  func wtmpdbAloneGivesLastXVerdicts() throws {
    let dir = SyslogTestFiles.tempDir()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    WtmpDBFixture.make(dir + "/wtmp.db", WtmpDBFixture.threeBoots)
    #expect(Discovery.discover(paths: [dir], registry: InputRegistry()) == [.wtmpDB(path: dir + "/wtmp.db")])
    let r = Self.analyze([dir])
    #expect(r.hosts.count == 1 && r.hosts[0].name.hasPrefix("unknown (/"))
    let boots = r.hosts[0].boots
    #expect(boots.map(\.ending) == [.reboot, .powerLoss, .running])
    #expect(boots.map(\.start) == ["03-01 10:00:00", "03-01 11:01:00", "03-01 13:33:20"].map(WtmpDBFixture.us))
    // The clean one rests on row 1's Logout; the unclean one on row 4 (alive) and row 5 (the next boot).
    let clean = boots[0].evidence.first { $0.kind == .shutdownMarker }
    #expect(clean?.location.line == 1 && clean?.message == "shutdown system down 6.12.48-amd64")
    #expect(clean?.time == WtmpDBFixture.us("03-01 11:00:00"))
    #expect(boots[1].lastSignOfLife == WtmpDBFixture.us("03-01 11:03:20"))
    #expect(boots[1].evidence.first { $0.kind == .nextBoot }?.location.line == 5)
    // The soft reboot leaves the third boot running, alive until the new userspace's row.
    #expect(boots[2].lastSignOfLife == WtmpDBFixture.us("03-01 14:23:25"))
    let info = r.inputs.first { $0.path.hasSuffix("wtmp.db") }
    #expect(info?.kind == .wtmp && info?.records == 9 && info?.warnings == [])
  }

  /// In a copied tree, `var/lib/wtmpdb/wtmp.db` belongs to the host whose logs are in `var/log`, and its boots
  /// merge with theirs.
  @Test(.enabled(if: WtmpDBFixture.isAvailable, "needs sqlite3"))
  func wtmpdbTakesTheHostOfVarLog() throws {
    let dir = SyslogTestFiles.tempDir()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try FileManager.default.createDirectory(atPath: dir + "/var/lib/wtmpdb", withIntermediateDirectories: true)
    try FileManager.default.createDirectory(atPath: dir + "/var/log", withIntermediateDirectories: true)
    WtmpDBFixture.make(dir + "/var/lib/wtmpdb/wtmp.db", WtmpDBFixture.threeBoots)
    let banner = "kernel: [    0.000000] Linux version 6.12.48-amd64 (debian-kernel@lists.debian.org) #1 SMP"
    SyslogTestFiles.write(dir + "/var/log/syslog", """
      Mar  1 10:00:00 web7 \(banner)
      Mar  1 10:30:00 web7 CRON[311]: (root) CMD (true)
      Mar  1 11:01:00 web7 \(banner)
      Mar  1 11:02:00 web7 CRON[312]: (root) CMD (true)
      Mar  1 13:33:20 web7 \(banner)
      Mar  1 13:40:00 web7 CRON[313]: (root) CMD (true)

      """)
    let r = Self.analyze([dir])
    #expect(r.hosts.map(\.name) == ["web7"])
    #expect(r.hosts.first?.boots.map(\.ending) == [.reboot, .powerLoss, .running])
  }

  /// Not wtmpdb, or not readable as it stands: a database of another program is listed without a warning; a
  /// cut-off write (a hot journal, as a copy of a machine that lost power holds) is rolled back on a private copy,
  /// the evidence untouched; a damaged file and impossible times are warned about and never crash.
  @Test(.enabled(if: WtmpDBFixture.isAvailable, "needs sqlite3"))
  func otherDamagedAndHotDatabases() throws {
    let dir = SyslogTestFiles.tempDir()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    WtmpDBFixture.run([dir + "/packages.db"], input: "CREATE TABLE pkg(name TEXT); INSERT INTO pkg VALUES('x');\n")
    let reg = InputRegistry()
    #expect(Discovery.discover(paths: [dir], registry: reg).isEmpty)
    #expect(reg.inputs.first?.skipReason == "SQLite database without a wtmp table: not a log")
    #expect(reg.inputs.first?.warnings == [])

    // Impossible times: counted, warned, the rest read.
    let odd = dir + "/odd"
    try FileManager.default.createDirectory(atPath: odd, withIntermediateDirectories: true)
    WtmpDBFixture.make(
      odd + "/wtmp.db",
      WtmpDBFixture.threeBoots + ["INSERT INTO wtmp VALUES(7,7,'eve',-5,NULL,'pts/1','x',NULL);"])
    let o = Self.analyze([odd]).inputs[0]
    #expect(o.records == 9 && o.skipped == 1)
    #expect(o.warnings == ["1 row with an impossible login or logout time skipped, the first is ID 7"])

    // A hot journal: the database copied while a transaction was open, as an image of a machine that lost power.
    let hot = dir + "/hot"
    try FileManager.default.createDirectory(atPath: hot, withIntermediateDirectories: true)
    let live = dir + "/live.db"
    WtmpDBFixture.make(live, WtmpDBFixture.threeBoots)
    let p = Process()
    p.executableURL = URL(fileURLWithPath: WtmpDBFixture.sqlite3!)
    p.arguments = [live]
    let pipe = Pipe()
    p.standardInput = pipe
    try p.run()
    let spill = """
      PRAGMA cache_size=1;
      WITH RECURSIVE c(x) AS (SELECT 100 UNION ALL SELECT x+1 FROM c WHERE x<2000)
      INSERT INTO wtmp SELECT x,7,'bob',\(WtmpDBFixture.us("03-01 14:00:00"))+x,NULL,'pts/1','h',NULL FROM c;
      BEGIN;
      UPDATE wtmp SET User=User||'\(String(repeating: "x", count: 200))' WHERE ID>=100;

      """
    pipe.fileHandleForWriting.write(Data(spill.utf8))
    var waited = 0
    while !FileManager.default.fileExists(atPath: live + "-journal") && waited < 200 {
      usleep(20_000)
      waited += 1
    }
    usleep(200_000)
    try FileManager.default.copyItem(atPath: live, toPath: hot + "/wtmp.db")
    try FileManager.default.copyItem(atPath: live + "-journal", toPath: hot + "/wtmp.db-journal")
    try? pipe.fileHandleForWriting.close()
    p.waitUntilExit()
    let before = try Data(contentsOf: URL(fileURLWithPath: hot + "/wtmp.db"))
    let h = Self.analyze([hot])
    let info = h.inputs.first { $0.path.hasSuffix("wtmp.db") }
    // All 1,901 committed logins and the 9 records of the boots, not the torn state of the main file.
    #expect(info?.records == 1_910)
    #expect(info?.warnings.count == 1)
    #expect(info?.warnings.first?.contains("holds a write that was cut off; read as it was before that write") == true)
    #expect(h.inputs.first { $0.path.hasSuffix("-journal") }?.kind == .skipped)
    #expect(try Data(contentsOf: URL(fileURLWithPath: hot + "/wtmp.db")) == before)
    #expect(FileManager.default.fileExists(atPath: hot + "/wtmp.db-journal"))
    #expect(h.hosts.first?.boots.map(\.ending) == [.reboot, .powerLoss, .running])

    // Cut in half: SQLite's message, no crash.
    let cut = dir + "/cut"
    try FileManager.default.createDirectory(atPath: cut, withIntermediateDirectories: true)
    let whole = [UInt8](try Data(contentsOf: URL(fileURLWithPath: live)))
    SyslogTestFiles.write(cut + "/wtmp.db", Array(whole.prefix(whole.count / 2)))
    let c = Self.analyze([cut])
    #expect(c.inputs.count == 1 && c.inputs[0].kind == .skipped)
    #expect(c.inputs[0].warnings == ["skipped: SQLite database that cannot be opened: database disk image is malformed"])
  }
}
