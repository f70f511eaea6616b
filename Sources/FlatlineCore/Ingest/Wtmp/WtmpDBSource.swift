import CSQLite
import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Reads a wtmpdb database (`/var/lib/wtmpdb/wtmp.db`, and `wtmp_YYYYMMDD.db` after `wtmpdb rotate`): the SQLite
/// table that replaces wtmp on Debian 13, openSUSE and others,
/// `wtmp(ID, Type, User, Login, Logout, TTY, RemoteHost, Service)` with times in microseconds.
///
/// - A boot is a row of `Type` 2 (`BOOT_TIME`), `TTY` `~`, `User` `reboot`, `RemoteHost` the kernel release;
///   `wtmpdb shutdown` sets that row's `Logout` at a clean shutdown. So a boot row becomes two records, the way
///   `last -x` shows them: `reboot system boot <kernel>` at `Login` and, when `Logout` is set,
///   `shutdown system down <kernel>` at `Logout`. A boot row whose `Logout` is empty while a later boot follows is
///   what `wtmpdb last` calls `crash`: here, no shutdown record, which the boot state machine judges.
/// - `User` `soft-reboot` marks a userspace restart (`systemctl soft-reboot`) on the same kernel: not a boot. The
///   row before it then has its `Logout` set by the stopping userspace; that is not a shutdown either, and becomes
///   `soft-reboot: userspace stopped <kernel>`. (wtmpdb before systemd 256 also writes `soft-reboot` for a boot
///   whose boot row it writes more than 5 minutes after the kernel started; the journal or syslog still show such
///   a boot.)
/// - A login row (`Type` 7) becomes `<user> <tty> <remote host>` at `Login` and `logout <tty> <user>` at `Logout`.
/// - Records are handed on in time order with identifier `wtmp` (`SignalClassifier.classifyLoginRecord` judges
///   them like wtmp's) and the input is of kind `.wtmp`; `Record.line` is the row's `ID`.
/// - The file is opened read-only and never written. A database SQLite cannot read read-only as it stands — a hot
///   journal left by a write that a power loss cut off, a WAL file without its shared-memory index on read-only
///   media — is copied with its side files to a private directory and recovered there, with a warning
///   (`WtmpDB.open`). Rows with an impossible time are counted as skipped; damage met mid-table is warned about,
///   and the rows before it are kept.
public struct WtmpDBSource {
  public let path: String
  public let registry: InputRegistry
  public let options: IngestOptions
  public let host: String

  public init(path: String, registry: InputRegistry, options: IngestOptions = IngestOptions(), host: String) {
    self.path = path
    self.registry = registry
    self.options = options
    self.host = host
  }

  /// One record to hand on, before sorting by time.
  struct Event {
    var time: Int64
    var row: Int64
    var text: String
  }

  /// The first bytes of every SQLite 3 database file.
  static let magic: [UInt8] = Array("SQLite format 3".utf8) + [0]

  /// Microseconds since the epoch that can be a login time: after 1980, before 2200.
  static let plausible: ClosedRange<Int64> = 315_532_800_000_000...7_258_118_400_000_000

  public func run<S: RecordSink>(into sink: inout S) {
    let input = registry.register(path: path, kind: .wtmp, host: host)
    let db: WtmpDB
    switch WtmpDB.open(path) {
    case .failure(let e):
      registry.warn(input, "cannot read the wtmpdb database: \(e.text)")
      return
    case .success(let opened):
      db = opened
    }
    defer { db.close() }
    if let note = db.note { registry.warn(input, note) }
    var events: [Event] = []
    var skipped = 0
    var firstSkipped: Int64 = -1
    // The latest boot row (`~`) read so far whose Logout is held back until the next one shows whether it was a
    // soft reboot.
    var pendingLogout: (time: Int64, row: Int64, kernel: String)?
    let result = db.rows { row in
      guard let login = row.login, Self.plausible.contains(login) else {
        skipped += 1
        if firstSkipped < 0 { firstSkipped = row.id }
        return
      }
      let logout = row.logout.flatMap { Self.plausible.contains($0) && $0 >= login ? $0 : nil }
      if row.logout != nil && logout == nil {
        skipped += 1
        if firstSkipped < 0 { firstSkipped = row.id }
      }
      if row.tty == "~" && Int(row.type) == UtmpType.bootTime {
        let soft = row.user == "soft-reboot"
        if let p = pendingLogout {
          let text = soft ? "soft-reboot: userspace stopped" : "shutdown system down"
          events.append(Event(time: p.time, row: p.row, text: Self.joined(text, p.kernel)))
        }
        pendingLogout = nil
        events.append(
          Event(time: login, row: row.id, text: Self.joined(soft ? "soft-reboot system boot" : "reboot system boot", row.host)))
        if let logout { pendingLogout = (logout, row.id, row.host) }
        return
      }
      if Int(row.type) == UtmpType.userProcess {
        let who = row.user.isEmpty ? row.tty : row.user
        events.append(Event(time: login, row: row.id, text: Self.joined(who, row.user.isEmpty ? "" : row.tty, row.host)))
        if let logout { events.append(Event(time: logout, row: row.id, text: Self.joined("logout", row.tty, row.user))) }
      }
    }
    if let p = pendingLogout {
      events.append(Event(time: p.time, row: p.row, text: Self.joined("shutdown system down", p.kernel)))
    }
    if case .failure(let e) = result {
      registry.warn(input, "the database is damaged (\(e.text)); the \(db.rowsRead) rows before the damage are read")
    }
    if skipped > 0 {
      registry.addSkipped(input, skipped)
      registry.warn(
        input, "\(skipped) row\(skipped == 1 ? "" : "s") with an impossible login or logout time skipped, the first is ID \(firstSkipped)")
    }
    // Stable sort: a row's own records keep their order at equal times.
    let ordered = events.enumerated().sorted { a, b in
      a.element.time != b.element.time ? a.element.time < b.element.time : a.offset < b.offset
    }
    let hostBytes = Array(host.utf8)
    for (_, e) in ordered {
      WtmpSource.hand(
        Array(e.text.utf8), time: e.time, line: Int(clamping: e.row), pid: 0, input: input, host: hostBytes, into: &sink)
      registry.addRecords(input)
    }
  }

  static func joined(_ parts: String...) -> String { parts.filter { !$0.isEmpty }.joined(separator: " ") }
}

/// A read-only connection to a wtmpdb database (the C boundary for SQLite).
final class WtmpDB {
  struct Row {
    var id: Int64
    var type: Int32
    var user: String
    var login: Int64?
    var logout: Int64?
    var tty: String
    var host: String
  }

  private let handle: OpaquePointer
  /// Set when the database could not be read as it stands, read-only: how it was read instead.
  fileprivate(set) var note: String?
  private(set) var rowsRead = 0
  /// The private copy's directory, removed at `close`.
  fileprivate var scratch: String?

  private init(handle: OpaquePointer, note: String?) {
    self.handle = handle
    self.note = note
  }

  func close() {
    sqlite3_close_v2(handle)
    if let scratch { try? FileManager.default.removeItem(atPath: scratch) }
  }

  /// What a file holds, for discovery: a wtmpdb table, another SQLite database, or nothing SQLite can read.
  enum Content: Equatable { case wtmpdb, otherDatabase, unreadable(String) }

  static func content(_ path: String) -> Content {
    switch open(path) {
    case .failure(.notWtmpdb): return .otherDatabase
    case .failure(let e): return .unreadable(e.text)
    case .success(let db):
      db.close()
      return .wtmpdb
    }
  }

  enum OpenError: Error {
    /// An SQLite database without the `wtmp` table.
    case notWtmpdb
    /// SQLite's message.
    case sqlite(String)

    var text: String {
      switch self {
      case .notWtmpdb: return "no wtmp table: an SQLite database, but not wtmpdb's"
      case .sqlite(let m): return m
      }
    }
  }

  /// Opens `path` read-only, and checks that it has the `wtmp` table.
  ///
  /// The evidence is never written. When read-only mode cannot read the database as it stands — a hot journal left
  /// by a write that a power loss cut off must be rolled back first, a WAL needs its shared-memory index — the
  /// database and its side files are copied to a private temporary directory and opened there, where SQLite
  /// recovers them as it would on the machine. Only if that fails too is the main file read alone
  /// (`immutable=1`), which can show a torn state.
  static func open(_ path: String) -> Result<WtmpDB, OpenError> {
    var first = ""
    switch attempt("file:" + uriPath(path) + "?mode=ro", readOnly: true) {
    case .success(let db): return .success(db)
    case .failure(.notWtmpdb): return .failure(.notWtmpdb)
    case .failure(let e): first = e.text
    }
    let sides = ["-journal", "-wal"].filter { access(path + $0, F_OK) == 0 }
    if !sides.isEmpty, let copy = privateCopy(path, sides: sides + ["-shm"]) {
      if case .success(let db) = attempt("file:" + uriPath(copy.file), readOnly: false) {
        db.scratch = copy.dir
        db.note =
          "SQLite could not read the database read-only as it stands (\(first)): its "
          + sides.map { "`" + (path.split(separator: "/").last.map(String.init) ?? path) + $0 + "`" }.joined(separator: " and ")
          + (sides.contains("-journal")
            ? " holds a write that was cut off; read as it was before that write, rolled back on a private copy"
            : " was applied on a private copy")
          + " (the files themselves are not touched)"
        return .success(db)
      }
      try? FileManager.default.removeItem(atPath: copy.dir)
    }
    switch attempt("file:" + uriPath(path) + "?immutable=1", readOnly: true) {
    case .success(let db):
      db.note =
        "read as the main database file alone: SQLite could not open it read-only as it stands (\(first)); "
        + "a hot journal (a write cut off) or a WAL file is not applied, so rows may be missing or torn"
      return .success(db)
    case .failure(.notWtmpdb): return .failure(.notWtmpdb)
    case .failure: return .failure(.sqlite(first))
    }
  }

  private static func attempt(_ uri: String, readOnly: Bool) -> Result<WtmpDB, OpenError> {
    var db: OpaquePointer?
    let flags = (readOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE) | SQLITE_OPEN_URI
    let rc = sqlite3_open_v2(uri, &db, flags, nil)
    guard rc == SQLITE_OK, let db else {
      let m = message(db, rc)
      sqlite3_close_v2(db)
      return .failure(.sqlite(m))
    }
    switch tableCheck(db) {
    case .success(true): return .success(WtmpDB(handle: db, note: nil))
    case .success(false):
      sqlite3_close_v2(db)
      return .failure(.notWtmpdb)
    case .failure(let e):
      sqlite3_close_v2(db)
      return .failure(e)
    }
  }

  /// Copies `path` and those of its side files that exist into a new private directory.
  private static func privateCopy(_ path: String, sides: [String]) -> (dir: String, file: String)? {
    let fm = FileManager.default
    let dir = fm.temporaryDirectory.appendingPathComponent("flatline-wtmpdb-\(UUID().uuidString)").path
    do {
      try fm.createDirectory(atPath: dir, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
      let file = dir + "/wtmp.db"
      try fm.copyItem(atPath: path, toPath: file)
      for side in sides where fm.fileExists(atPath: path + side) { try fm.copyItem(atPath: path + side, toPath: file + side) }
      return (dir, file)
    } catch {
      try? fm.removeItem(atPath: dir)
      return nil
    }
  }

  /// Whether the schema has the `wtmp` table; a failure is SQLite's message (not a database, locked, damaged).
  private static func tableCheck(_ db: OpaquePointer) -> Result<Bool, OpenError> {
    var found = false
    let r = query(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'wtmp'") { _ in found = true }
    if case .failure(let e) = r { return .failure(e) }
    return .success(found)
  }

  /// Calls `body` for each row of `wtmp` by login time. On damage met mid-table, the rows before it have been
  /// handed on and the failure says what SQLite found.
  func rows(_ body: (Row) -> Void) -> Result<Void, OpenError> {
    let sql = "SELECT ID, Type, User, Login, Logout, TTY, RemoteHost FROM wtmp ORDER BY Login, ID"
    return Self.query(handle, sql) { stmt in
      rowsRead += 1
      body(
        Row(
          id: sqlite3_column_int64(stmt, 0), type: sqlite3_column_int(stmt, 1), user: Self.text(stmt, 2),
          login: Self.int(stmt, 3), logout: Self.int(stmt, 4), tty: Self.text(stmt, 5), host: Self.text(stmt, 6)))
    }
  }

  private static func query(
    _ db: OpaquePointer, _ sql: String, _ body: (OpaquePointer) -> Void
  ) -> Result<Void, OpenError> {
    var stmt: OpaquePointer?
    let rc = sqlite3_prepare_v2(db, sql, -1, &stmt, nil)
    guard rc == SQLITE_OK, let stmt else { return .failure(.sqlite(message(db, rc))) }
    defer { sqlite3_finalize(stmt) }
    while true {
      let step = sqlite3_step(stmt)
      if step == SQLITE_DONE { return .success(()) }
      guard step == SQLITE_ROW else { return .failure(.sqlite(message(db, step))) }
      body(stmt)
    }
  }

  private static func int(_ stmt: OpaquePointer, _ column: Int32) -> Int64? {
    sqlite3_column_type(stmt, column) == SQLITE_INTEGER ? sqlite3_column_int64(stmt, column) : nil
  }

  private static func text(_ stmt: OpaquePointer, _ column: Int32) -> String {
    guard let p = sqlite3_column_text(stmt, column) else { return "" }
    let n = Int(sqlite3_column_bytes(stmt, column))
    return String(decoding: UnsafeBufferPointer(start: p, count: n), as: UTF8.self)
  }

  private static func message(_ db: OpaquePointer?, _ rc: Int32) -> String {
    if let db, let m = sqlite3_errmsg(db) { return String(cString: m) }
    return String(cString: sqlite3_errstr(rc))
  }

  /// A path as the path part of an SQLite `file:` URI: `%`, `?` and `#` (and bytes outside printable ASCII)
  /// percent-encoded.
  static func uriPath(_ path: String) -> String {
    var out = ""
    for b in path.utf8 {
      if b > 32 && b < 127 && b != 37 && b != 63 && b != 35 {
        out.unicodeScalars.append(Unicode.Scalar(b))
      } else {
        out += "%" + String(b, radix: 16, uppercase: true).leftPadded(2)
      }
    }
    return out
  }
}

extension String {
  fileprivate func leftPadded(_ n: Int) -> String { count >= n ? self : String(repeating: "0", count: n - count) + self }
}
