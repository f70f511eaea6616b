/// The time stamp of a datastore log line, before time-zone conversion.
struct DatastoreStamp {
  enum Zone: Equatable {
    /// No time on the line.
    case none
    /// `utc` holds the absolute time (the stamp had `Z`, an offset, a known zone name, or epoch seconds).
    case absolute
    /// Civil time without zone: local time in `--timezone` (Redis, MariaDB, old MySQL, some MySQL 5.x).
    case local
    /// Civil time without zone and without year (`year` is 0): old Redis, MongoDB ≤2.4.
    case localNoYear
    /// Civil time followed by a zone name Flatline does not know or that is ambiguous (`zoneName`); read as local.
    case unknownName
  }
  var zone: Zone = .none
  var utc: Int64 = Record.noTime
  var year = 0
  var month = 0
  var day = 0
  var hour = 0
  var minute = 0
  var second = 0
  var micro = 0
  var zoneName: Bytes = .empty

  /// Sets `utc` from the civil fields and an offset in seconds east of UTC.
  mutating func setAbsolute(offset: Int) {
    utc = CivilTime.micros(
      year: year, month: month, day: day, hour: hour, minute: minute, second: second, micro: micro)
      - Int64(offset) * 1_000_000
    zone = .absolute
  }
}

/// One parsed line of a datastore log. Byte fields point into the parsed line.
struct DatastoreLine {
  var stamp = DatastoreStamp()
  /// Process ID from the prefix, 0 when the format has none.
  var pid: Int32 = 0
  /// The text after the time/prefix (the whole line for JSON formats and for lines without a time).
  var message: Bytes = .empty
  /// For lines without a time: the line belongs to the previous record (indented text, a csvlog quoted field
  /// that spans lines) and inherits its pid.
  var isContinuation = false
  /// The line carries the marks that identify its format beyond a plain time stamp (a PostgreSQL severity word, a
  /// MySQL `[Note]`, a MongoDB component…). Used by sniffing.
  var strong = false
}

/// Classification of one line by `DatastoreLineParser`.
enum DatastoreLineKind: Equatable {
  /// A line that starts with the datastore's own time stamp.
  case record
  /// A line without a time: continuation text, a stack trace, output of a helper tool. Kept with the previous
  /// record's time.
  case untimed
  /// Only spaces and tabs: nothing to keep.
  case blank
}

/// Parses lines of one datastore's native log on bytes, without allocating. Formats:
///
/// - PostgreSQL stderr with `log_line_prefix` `%m [%p] ` (default), `%t [%p]: [%l-1] user=…,db=… `,
///   `%m [%p] %q%u@%d `, `< %m > `, `%t [%p-%l] `…: time, zone name, optional `[pid]`; the message starts at the
///   severity word (`LOG:`, `FATAL:`…) when there is one. csvlog (first field the time, fourth the pid; the message
///   is the rest of the line after the time field; quoted fields spanning lines are continuations, up to a line
///   shaped like a new csvlog record). jsonlog
///   (`{"timestamp":"…",…,"pid":…}`; the message is the whole line).
/// - MySQL/MariaDB: `YYMMDD hh:mm:ss` (hour space-padded) local time, ISO `…Z`/offset (5.7, 8.0) or zone-less
///   local (`log_timestamps=SYSTEM` before 5.7.2, MariaDB `YYYY-MM-DD  h:mm:ss`); the thread id after the time is
///   skipped. No pid.
/// - MongoDB: legacy text `ISO±hhmm [ctx] …` / `ISO±hhmm S COMPONENT [ctx] …`, ctime `Www Mmm dd hh:mm:ss.mmm`
///   (≤2.4, no year), 4.4+ JSON `{"t":{"$date":"…"}` (whole line as message), WiredTiger
///   `[secs:usecs][pid:0xtid], …`.
/// - Redis: `pid:role dd Mon yyyy hh:mm:ss.mmm L msg` (≥6.0), `pid:role dd Mon hh:mm:ss.mmm L msg` (3.x–5.x, no
///   year), `[pid] dd Mon hh:mm:ss[.mmm] L msg` (≤2.x, no year). The message follows the level character.
/// - etcd: zap JSON (3.4 `--logger=zap`, 3.5+) `{"level":"info","ts":"2024-03-01T10:00:00.123Z","caller":…,"msg":…}`
///   with an ISO `ts` (offset or `Z`) or epoch seconds (the whole line is the message); capnslog (≤3.4)
///   `2019-10-09 09:02:16.166029 C | etcdserver: msg`, local time, the message after `| `.
struct DatastoreLineParser {
  let component: DatastoreComponent
  /// csvlog: a quoted field is open at the end of the previous line.
  private(set) var inQuotedField = false

  init(component: DatastoreComponent) {
    self.component = component
  }

  mutating func parse(_ b: Bytes, into out: inout DatastoreLine) -> DatastoreLineKind {
    out.stamp.zone = .none
    out.stamp.utc = Record.noTime
    out.pid = 0
    out.message = b
    out.isContinuation = false
    out.strong = false
    if inQuotedField {
      // A line shaped like a new csvlog record ends the open field: a record cut short (a power loss tears the
      // last line) must not swallow the rest of the file.
      if Self.startsCSVRecord(b) {
        inQuotedField = false
      } else {
        if Self.quoteCount(b) & 1 == 1 { inQuotedField = false }
        out.isContinuation = true
        return .untimed
      }
    }
    var blank = true
    for i in 0..<b.count where b[i] != 32 && b[i] != 9 {
      blank = false
      break
    }
    if blank { return .blank }
    let ok: Bool
    switch component {
    case .postgresql: ok = parsePostgres(b, &out)
    case .mysql: ok = Self.parseMySQL(b, &out)
    case .mongodb: ok = Self.parseMongo(b, &out)
    case .redis: ok = Self.parseRedis(b, &out)
    case .etcd: ok = Self.parseEtcd(b, &out)
    case .cloudInit: ok = Self.parseCloudInit(b, &out)
    }
    if ok { return .record }
    out.stamp.zone = .none
    out.pid = 0
    out.message = b
    out.strong = false
    out.isContinuation = b[0] == 32 || b[0] == 9
    return .untimed
  }

  // MARK: - Byte helpers

  @inline(__always) static func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }

  /// `n` decimal digits at `i`, or -1.
  @inline(__always) static func digits(_ b: Bytes, _ i: Int, _ n: Int) -> Int {
    guard i >= 0, i + n <= b.count else { return -1 }
    var v = 0
    for k in i..<(i + n) {
      let c = b[k]
      guard isDigit(c) else { return -1 }
      v = v * 10 + Int(c - 48)
    }
    return v
  }

  @inline(__always) static func skipSpaces(_ b: Bytes, _ i0: Int) -> Int {
    var i = i0
    while i < b.count, b[i] == 32 || b[i] == 9 { i += 1 }
    return i
  }

  /// Unsigned decimal at `i` (at most `maxDigits` digits): (value, end) or nil.
  static func number(_ b: Bytes, _ i0: Int, maxDigits: Int = 10) -> (Int, Int)? {
    var i = i0
    var v = 0
    while i < b.count, isDigit(b[i]), i - i0 < maxDigits {
      v = v * 10 + Int(b[i] - 48)
      i += 1
    }
    return i > i0 ? (v, i) : nil
  }

  static func quoteCount(_ b: Bytes) -> Int {
    var n = 0
    for i in 0..<b.count where b[i] == 34 { n += 1 }
    return n
  }

  /// `hh:mm:ss[.frac]` at `i` (hour may be one digit after a pad space when `paddedHour`); returns the end or -1.
  static func parseClock(_ b: Bytes, _ i0: Int, _ s: inout DatastoreStamp, paddedHour: Bool = false) -> Int {
    var i = i0
    var hh = digits(b, i, 2)
    if hh < 0, paddedHour, i < b.count, b[i] == 32 {
      hh = digits(b, i + 1, 1)
      i += 1
      guard hh >= 0 else { return -1 }
      i += 1
    } else {
      guard hh >= 0 else { return -1 }
      i += 2
    }
    guard i + 6 <= b.count, b[i] == 58, b[i + 3] == 58 else { return -1 }
    let mm = digits(b, i + 1, 2)
    let ss = digits(b, i + 4, 2)
    guard hh < 24, mm >= 0, mm < 60, ss >= 0, ss <= 60 else { return -1 }
    s.hour = hh
    s.minute = mm
    s.second = min(ss, 59)
    s.micro = 0
    i += 6
    if i + 1 < b.count, isDigit(b[i + 1]), let f = CivilTime.fraction(b, at: i) {
      s.micro = f.micro
      i = f.end
    }
    return i
  }

  /// `YYYY-MM-DD` + `T` or space + clock at `i`; returns the end or -1.
  static func parseDateTime(_ b: Bytes, _ i: Int, _ s: inout DatastoreStamp, paddedHour: Bool = false) -> Int {
    guard i + 19 <= b.count, b[i + 4] == 45, b[i + 7] == 45, b[i + 10] == 84 || b[i + 10] == 32 else { return -1 }
    let y = digits(b, i, 4)
    let mo = digits(b, i + 5, 2)
    let d = digits(b, i + 8, 2)
    guard y >= 1970, mo >= 1, mo <= 12, d >= 1, d <= 31 else { return -1 }
    s.year = y
    s.month = mo
    s.day = d
    return parseClock(b, i + 11, &s, paddedHour: paddedHour && b[i + 10] == 32)
  }

  /// `Z`, `±hh`, `±hhmm` or `±hh:mm` at `i`: (seconds east, end) or nil.
  static func parseOffset(_ b: Bytes, _ i: Int) -> (Int, Int)? {
    guard i < b.count else { return nil }
    if b[i] == 90 { return (0, i + 1) }
    guard b[i] == 43 || b[i] == 45 else { return nil }
    let hh = digits(b, i + 1, 2)
    guard hh >= 0, hh <= 15 else { return nil }
    var mm = 0
    var end = i + 3
    if end + 3 <= b.count, b[end] == 58, digits(b, end + 1, 2) >= 0 {
      mm = digits(b, end + 1, 2)
      end += 3
    } else if digits(b, end, 2) >= 0 {
      mm = digits(b, end, 2)
      end += 2
    }
    guard mm < 60 else { return nil }
    let secs = hh * 3600 + mm * 60
    return (b[i] == 45 ? -secs : secs, end)
  }

  // MARK: - PostgreSQL

  /// Severity words PostgreSQL writes after the prefix, each followed by `:`.
  static func isPGSeverity(_ w: Bytes) -> Bool {
    switch w.count {
    case 3: return w.equals("LOG")
    case 4: return w.equals("INFO") || w.equals("HINT")
    case 5: return w.equals("ERROR") || w.equals("FATAL") || w.equals("PANIC") || w.equals("DEBUG") || w.equals("QUERY")
    case 6: return w.equals("NOTICE") || w.equals("DETAIL") || w[0] == 68 && w.hasPrefix("DEBUG") && isDigit(w[5])
    case 7: return w.equals("WARNING") || w.equals("CONTEXT")
    case 8: return w.equals("LOCATION")
    case 9: return w.equals("STATEMENT")
    default: return false
    }
  }

  /// Offset of the severity word (`LOG:` followed by a space or the end) at or after `from`, within 256 bytes.
  static func findPGSeverity(_ b: Bytes, from: Int) -> Int? {
    var i = from
    let limit = min(b.count, from + 256)
    while i < limit {
      if i == from || b[i - 1] == 32 {
        var e = i
        while e < b.count, e - i < 10, (b[e] >= 65 && b[e] <= 90) || isDigit(b[e]) { e += 1 }
        if e > i + 2, e < b.count, b[e] == 58, e + 1 == b.count || b[e + 1] == 32, isPGSeverity(b.slice(i, e)) {
          return i
        }
        i = e > i ? e : i + 1
      } else {
        i += 1
      }
    }
    return nil
  }

  /// PostgreSQL `%m`/`%t` stamp at `i`: date, time, space, zone name. Returns the end of the zone name or -1.
  static func parsePGStamp(_ b: Bytes, _ i: Int, _ s: inout DatastoreStamp) -> Int {
    let e = parseDateTime(b, i, &s)
    guard e > 0, e < b.count, b[e] == 32 else { return -1 }
    let z = e + 1
    var k = z
    if k < b.count, b[k] == 43 || b[k] == 45 {
      k += 1
      while k < b.count, isDigit(b[k]) || b[k] == 58 { k += 1 }
    } else {
      while k < b.count, (b[k] >= 65 && b[k] <= 90) || (b[k] >= 97 && b[k] <= 122) { k += 1 }
    }
    guard k > z, k - z <= 6, k == b.count || b[k] == 32 || b[k] == 44 || b[k] == 34 || b[k] == 62 || b[k] == 91
    else { return -1 }
    let name = b.slice(z, k)
    if let off = ZoneAbbreviations.offset(name) {
      s.setAbsolute(offset: off)
    } else {
      s.zone = .unknownName
      s.zoneName = name
    }
    return k
  }

  private mutating func parsePostgres(_ b: Bytes, _ out: inout DatastoreLine) -> Bool {
    if b[0] == 123 { return Self.parsePGJSON(b, &out) }  // {
    var i = 0
    let angled = b[0] == 60  // <
    if angled { i = Self.skipSpaces(b, 1) }
    let z = Self.parsePGStamp(b, i, &out.stamp)
    guard z > 0 else { return false }
    if z < b.count, b[z] == 44 {  // , → csvlog
      return parseCSV(b, z, &out)
    }
    var j = Self.skipSpaces(b, z)
    if angled, j < b.count, b[j] == 62 { j = Self.skipSpaces(b, j + 1) }
    if j < b.count, b[j] == 91, let (pid, e) = Self.number(b, j + 1) {  // [pid] or [pid-line]
      var k = e
      if k < b.count, b[k] == 45, let (_, e2) = Self.number(b, k + 1) { k = e2 }
      if k < b.count, b[k] == 93 {
        out.pid = Int32(truncatingIfNeeded: pid)
        j = k + 1
        if j < b.count, b[j] == 58 { j += 1 }
        j = Self.skipSpaces(b, j)
      }
    }
    if let sev = Self.findPGSeverity(b, from: j) {
      out.message = b.dropFirst(sev)
      out.strong = true
    } else {
      out.message = b.dropFirst(j)
    }
    return true
  }

  /// csvlog: `time,"user","db",pid,"host:port",session,line,"tag",start,vxid,xid,SEVERITY,state,"message",…`.
  private mutating func parseCSV(_ b: Bytes, _ comma: Int, _ out: inout DatastoreLine) -> Bool {
    out.message = b.dropFirst(comma + 1)
    // Fields 2 and 3 (user, database), then the pid.
    var i = comma + 1
    for _ in 0..<2 {
      i = Self.skipCSVField(b, i)
      guard i < b.count, b[i] == 44 else { break }
      i += 1
    }
    if i < b.count, let (pid, e) = Self.number(b, i), e == b.count || b[e] == 44 {
      out.pid = Int32(truncatingIfNeeded: pid)
      out.strong = true
    }
    if Self.quoteCount(b) & 1 == 1 { inQuotedField = true }
    return true
  }

  /// True when `b` starts with a PostgreSQL stamp, a comma, and user, database and pid fields.
  static func startsCSVRecord(_ b: Bytes) -> Bool {
    var s = DatastoreStamp()
    let z = parsePGStamp(b, 0, &s)
    guard z > 0, z < b.count, b[z] == 44 else { return false }
    var i = z + 1
    for _ in 0..<2 {
      i = skipCSVField(b, i)
      guard i < b.count, b[i] == 44 else { return false }
      i += 1
    }
    guard let (_, e) = number(b, i) else { return false }
    return e == b.count || b[e] == 44
  }

  /// Index of the comma (or end) after the CSV field starting at `i`.
  static func skipCSVField(_ b: Bytes, _ i0: Int) -> Int {
    var i = i0
    if i < b.count, b[i] == 34 {
      i += 1
      while i < b.count {
        if b[i] == 34 {
          if i + 1 < b.count, b[i + 1] == 34 {
            i += 2
            continue
          }
          i += 1
          break
        }
        i += 1
      }
    }
    while i < b.count, b[i] != 44 { i += 1 }
    return i
  }

  /// jsonlog (PostgreSQL 15+): `{"timestamp":"2024-05-01 12:00:00.123 UTC",…,"pid":123,…}`.
  static func parsePGJSON(_ b: Bytes, _ out: inout DatastoreLine) -> Bool {
    guard let k = b.slice(0, min(b.count, 64)).find("\"timestamp\":\"") else { return false }
    guard parsePGStamp(b, k + 13, &out.stamp) > 0 else { return false }
    if let p = b.find("\"pid\":"), let (pid, _) = number(b, skipSpaces(b, p + 6)) {
      out.pid = Int32(truncatingIfNeeded: pid)
    }
    out.strong = b.contains("\"error_severity\":")
    out.message = b
    return true
  }

  // MARK: - MySQL / MariaDB

  static func parseMySQL(_ b: Bytes, _ out: inout DatastoreLine) -> Bool {
    var s = DatastoreStamp()
    var j: Int
    if b.count >= 15, b[6] == 32, digits(b, 0, 6) >= 0 {
      // YYMMDD hh:mm:ss (old mysqld, mysqld_safe, MariaDB < 10.1)
      let yy = digits(b, 0, 2)
      let mo = digits(b, 2, 2)
      let d = digits(b, 4, 2)
      guard mo >= 1, mo <= 12, d >= 1, d <= 31 else { return false }
      s.year = yy < 70 ? 2000 + yy : 1900 + yy
      s.month = mo
      s.day = d
      j = parseClock(b, 7, &s, paddedHour: true)
      guard j > 0 else { return false }
      s.zone = .local
      out.strong = true
    } else {
      j = parseDateTime(b, 0, &s, paddedHour: true)
      guard j > 0 else { return false }
      if let (off, e) = parseOffset(b, j) {
        s.setAbsolute(offset: off)
        j = e
      } else {
        s.zone = .local
      }
      guard j == b.count || b[j] == 32 else { return false }
    }
    out.stamp = s
    j = skipSpaces(b, j)
    if b.slice(j, b.count).hasPrefix("UTC - ") { j += 4 }  // `…Z UTC - mysqld got signal 11 ;`
    // Thread id, then `[Note]`/`[Warning]`/`[ERROR]`/`[System]`.
    if let (_, e) = number(b, j), e + 1 < b.count, b[e] == 32, b[e + 1] == 91 {
      let rest = b.dropFirst(e + 1)
      if rest.hasPrefix("[Note]") || rest.hasPrefix("[Warning]") || rest.hasPrefix("[ERROR]")
        || rest.hasPrefix("[System]") || rest.hasPrefix("[Error]")
      {
        out.strong = true
      }
      j = e + 1
    }
    out.message = b.dropFirst(j)
    return true
  }

  // MARK: - MongoDB

  static func parseMongo(_ b: Bytes, _ out: inout DatastoreLine) -> Bool {
    var s = DatastoreStamp()
    let c0 = b[0]
    if c0 == 123 {  // { JSON (4.4+)
      guard let k = b.slice(0, min(b.count, 48)).find("\"$date\":") else { return false }
      var i = skipSpaces(b, k + 8)
      if i < b.count, b[i] == 34 {
        i += 1
        let e = parseDateTime(b, i, &s)
        guard e > 0 else { return false }
        if let (off, _) = parseOffset(b, e) { s.setAbsolute(offset: off) } else { s.zone = .local }
      } else if let n = b.slice(i, min(b.count, i + 40)).find("\"$numberLong\":") {
        var p = skipSpaces(b, i + n + 14)
        if p < b.count, b[p] == 34 { p += 1 }
        var neg = false
        if p < b.count, b[p] == 45 {
          neg = true
          p += 1
        }
        guard let (ms, _) = number(b, p, maxDigits: 15) else { return false }
        s.utc = Int64(neg ? -ms : ms) * 1000
        s.zone = .absolute
      } else {
        return false
      }
      out.stamp = s
      out.strong = b.hasPrefix("{\"t\":{\"$date\":")
      out.message = b
      return true
    }
    if c0 == 91 {  // [secs:usecs][pid:0xtid], … (WiredTiger)
      guard let (secs, e1) = number(b, 1), e1 < b.count, b[e1] == 58, let (us, e2) = number(b, e1 + 1),
        e2 + 1 < b.count, b[e2] == 93, b[e2 + 1] == 91, let (pid, e3) = number(b, e2 + 2), e3 < b.count,
        b[e3] == 58
      else { return false }
      var k = e3
      while k < b.count, b[k] != 93 { k += 1 }
      guard k < b.count else { return false }
      s.utc = Int64(secs) * 1_000_000 + Int64(us % 1_000_000)
      s.zone = .absolute
      out.stamp = s
      out.pid = Int32(truncatingIfNeeded: pid)
      k += 1
      if k < b.count, b[k] == 44 { k += 1 }
      out.message = b.dropFirst(skipSpaces(b, k))
      out.strong = true
      return true
    }
    var j: Int
    if isDigit(c0) {
      // mongod's ISO stamps (`iso8601-local`, `iso8601-utc`) always have the `T`: `YYYY-MM-DD hh:mm:ss.mmm [x]` is
      // another program's (RabbitMQ's `… [info] <0.123.0> …`).
      guard b.count > 10, b[10] == 84 else { return false }
      j = parseDateTime(b, 0, &s)
      guard j > 0 else { return false }
      if let (off, e) = parseOffset(b, j) {
        s.setAbsolute(offset: off)
        j = e
      } else {
        s.zone = .local
      }
    } else {
      // ctime (≤2.4): `Wed Apr  9 23:16:20.437 `
      guard b.count > 20, b[3] == 32, let mo = SyslogParser.monthNumber(b, 4), b[7] == 32 else { return false }
      var i = 8
      if b[i] == 32 { i += 1 }
      guard let (d, e) = number(b, i), e - i <= 2, d >= 1, d <= 31, e < b.count, b[e] == 32 else { return false }
      s.month = mo
      s.day = d
      j = parseClock(b, e + 1, &s)
      guard j > 0 else { return false }
      s.zone = .localNoYear
    }
    guard j < b.count, b[j] == 32 else { return false }
    out.stamp = s
    j = skipSpaces(b, j)
    out.message = b.dropFirst(j)
    // `[ctx]` (2.x) or `S COMPONENT [ctx]` (3.0–4.2).
    if j < b.count, b[j] == 91 {
      out.strong = true
    } else if j + 2 < b.count, "IWEFD".utf8.contains(b[j]), b[j + 1] == 32 || isDigit(b[j + 1]) {
      var k = skipSpaces(b, j + 2)
      let c = k
      while k < b.count, (b[k] >= 65 && b[k] <= 90) || b[k] == 45 || b[k] == 95 { k += 1 }
      if k > c, skipSpaces(b, k) > k, skipSpaces(b, k) < b.count, b[skipSpaces(b, k)] == 91 { out.strong = true }
    }
    return true
  }

  // MARK: - Redis

  static func parseRedis(_ b: Bytes, _ out: inout DatastoreLine) -> Bool {
    var i: Int
    let pid: Int
    if b[0] == 91 {  // [pid] (≤2.x)
      guard let (p, e) = number(b, 1), e + 1 < b.count, b[e] == 93, b[e + 1] == 32 else { return false }
      pid = p
      i = e + 2
    } else {
      guard let (p, e) = number(b, 0), e + 2 < b.count, b[e] == 58, "MSCX".utf8.contains(b[e + 1]),
        b[e + 2] == 32
      else { return false }
      pid = p
      i = e + 3
    }
    var s = DatastoreStamp()
    guard let (d, e) = number(b, i), e - i <= 2, d >= 1, d <= 31, e + 5 < b.count, b[e] == 32,
      let mo = SyslogParser.monthNumber(b, e + 1), b[e + 4] == 32
    else { return false }
    s.month = mo
    s.day = d
    i = e + 5
    let y = digits(b, i, 4)
    if y >= 1970, i + 4 < b.count, b[i + 4] == 32 {
      s.year = y
      s.zone = .local
      i += 5
    } else {
      s.zone = .localNoYear
    }
    i = parseClock(b, i, &s)
    guard i > 0, i + 1 < b.count, b[i] == 32, ".-*#".utf8.contains(b[i + 1]), i + 2 == b.count || b[i + 2] == 32
    else { return false }
    out.stamp = s
    out.pid = Int32(truncatingIfNeeded: pid)
    out.message = b.dropFirst(min(b.count, i + 3))
    out.strong = true
    return true
  }

  // MARK: - etcd

  static func parseEtcd(_ b: Bytes, _ out: inout DatastoreLine) -> Bool {
    var s = DatastoreStamp()
    if b[0] == 123 {  // { zap JSON
      guard b.hasPrefix("{\"level\":"), let k = b.slice(0, min(b.count, 40)).find("\"ts\":") else { return false }
      var i = skipSpaces(b, k + 5)
      if i < b.count, b[i] == 34 {
        i += 1
        let e = parseDateTime(b, i, &s)
        guard e > 0 else { return false }
        if let (off, _) = parseOffset(b, e) { s.setAbsolute(offset: off) } else { s.zone = .local }
      } else {
        guard let (secs, e) = number(b, i, maxDigits: 12) else { return false }
        var micro = 0
        if e + 1 < b.count, b[e] == 46, let f = CivilTime.fraction(b, at: e) { micro = f.micro }
        s.utc = Int64(secs) * 1_000_000 + Int64(micro)
        s.zone = .absolute
      }
      out.stamp = s
      // zap's shape is shared by other Go programs: etcd's own packages or name make the line etcd's.
      out.strong = b.contains("\"caller\":\"etcd") || b.contains("\"caller\":\"wal/")
        || b.contains("\"caller\":\"embed/") || b.contains("\"caller\":\"backend/") || b.contains("etcd-version")
      out.message = b
      return true
    }
    // capnslog: `YYYY-MM-DD hh:mm:ss.uuuuuu L | pkg: msg`
    let e = parseDateTime(b, 0, &s)
    guard e > 0, e + 5 <= b.count, b[e] == 32, b[e + 2] == 32, b[e + 3] == 124, b[e + 4] == 32 else { return false }
    switch b[e + 1] {
    case 67, 69, 87, 78, 73, 68, 84: break  // C E W N I D T
    default: return false
    }
    s.zone = .local
    out.stamp = s
    out.message = b.dropFirst(e + 5)
    out.strong = true
    return true
  }

  /// cloud-init.log (Python logging, local time): `2024-03-12 06:02:10,513 - stages.py[DEBUG]: message`.
  static func parseCloudInit(_ b: Bytes, _ out: inout DatastoreLine) -> Bool {
    var s = DatastoreStamp()
    let e = parseDateTime(b, 0, &s)
    guard e > 0, e + 3 < b.count, b[e] == 32, b[e + 1] == 45, b[e + 2] == 32 else { return false }
    // `module.py[LEVEL]: ` marks the format.
    var i = e + 3
    while i < b.count, b[i] != 91, b[i] != 32 { i += 1 }
    guard i < b.count, b[i] == 91, i >= 3, b[i - 3] == 46, b[i - 2] == 112, b[i - 1] == 121 else { return false }
    s.zone = .local
    out.stamp = s
    out.message = b.dropFirst(e + 3)
    out.strong = true
    return true
  }
}
