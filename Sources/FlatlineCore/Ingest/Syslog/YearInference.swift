import Foundation

/// Assigns years to dateless (RFC 3164) stamps of one stream read oldest → newest.
///
/// plaso's rule: when the month goes back by more than one (`month + 1 < lastMonth`) the year increments; small
/// backward steps (rsyslog repeated-message reduction, late kernel lines) do not. A Jan → Dec step right after a
/// rollover undoes it (a late December line written after New Year).
public struct YearTracker: Sendable, Equatable {
  public private(set) var year: Int
  private let baseYear: Int
  /// Month of the last dateless line (0: none yet).
  public private(set) var lastMonth = 0

  /// `baseYear` is the year of the first dateless line of the stream.
  public init(baseYear: Int) {
    self.year = baseYear
    self.baseYear = baseYear
  }

  /// A tracker in the middle of a stream: `year` and `lastMonth` as they were after some line (`SplitIngest`).
  init(baseYear: Int, year: Int, lastMonth: Int) {
    self.year = year
    self.baseYear = baseYear
    self.lastMonth = lastMonth
  }

  /// The year of a line stamped in `month` (1...12), updating the state.
  public mutating func year(forMonth month: Int) -> Int {
    if lastMonth != 0 {
      if month + 1 < lastMonth {
        year += 1
      } else if month == 12 && lastMonth == 1 && year > baseYear {
        year -= 1
      }
    }
    lastMonth = month
    return year
  }
}

/// Local civil time → UTC for one time zone, with the UTC offset cached per local hour so Foundation is not
/// called per line.
public final class LocalTimeConverter {
  public let zone: TimeZone
  /// The zone's name as given (`--timezone`), else the zone's identifier.
  public let name: String
  private var keys = [Int64](repeating: .min, count: 64)
  private var offsets = [Int64](repeating: 0, count: 64)
  /// The last date converted and its day number (consecutive lines share their date).
  private var lastYMD = -1
  private var lastDays: Int64 = 0

  /// `identifier`: IANA zone name; nil = the analysing machine's zone. Unknown names give nil.
  public init?(identifier: String?) {
    if let identifier {
      guard let z = TimeZone(identifier: identifier) else { return nil }
      zone = z
      name = identifier
    } else {
      zone = TimeZone.current
      name = zone.identifier
    }
  }

  public init(zone: TimeZone) {
    self.zone = zone
    name = zone.identifier
  }

  /// The converter of `--timezone` for a source's input; an unknown zone name is warned about there and read as UTC.
  static func forSource(_ options: IngestOptions, registry: InputRegistry, input: Int32) -> LocalTimeConverter {
    if let z = LocalTimeConverter(identifier: options.timeZone) { return z }
    registry.warn(input, "unknown time zone '\(options.timeZone ?? "")'; using UTC")
    return LocalTimeConverter(zone: .gmt)
  }

  /// UTC microseconds for a local civil time. Feb 29 of a non-leap year comes out as Mar 1 (see
  /// `SyslogSource`, which warns about it).
  @inline(__always)
  public func utc(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int, micro: Int) -> Int64 {
    let ymd = year << 9 | month << 5 | day
    if ymd != lastYMD {
      lastYMD = ymd
      lastDays = Int64(CivilTime.daysFromCivil(year, month, day))
    }
    let local = lastDays * 86400 + Int64(hour * 3600 + minute * 60 + second)
    let hourKey = local >= 0 ? local / 3600 : (local - 3599) / 3600
    let slot = Int(hourKey & 63)
    let offset: Int64
    if keys[slot] == hourKey {
      offset = offsets[slot]
    } else {
      offset = computeOffset(localHourStart: hourKey * 3600)
      keys[slot] = hourKey
      offsets[slot] = offset
    }
    return (local - offset) * 1_000_000 + Int64(micro)
  }

  private func computeOffset(localHourStart local: Int64) -> Int64 {
    let guess = Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(local))))
    let second = Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(local - guess))))
    return second
  }

  /// Local (year, month) of a UTC time given in seconds.
  public func localYearMonth(utcSeconds: Int64) -> (year: Int, month: Int) {
    let off = Int64(zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(utcSeconds))))
    let local = utcSeconds + off
    let days = Int(local >= 0 ? local / 86400 : (local - 86399) / 86400)
    let c = CivilTime.civilFromDays(days)
    return (c.year, c.month)
  }
}

/// Finds the year of the first dateless line of a rotation set without reading the files in full.
///
/// Anchor: the gzip header MTIME of the newest gzip member of the set (≈ the time of that file's last line), else
/// the file-system mtime of the newest file. Only the month of the first dateless line of each file is read (the
/// first 64 KiB, decompressed); the year is carried back from the anchor file to the first file by counting
/// rollovers between consecutive file starts. A rollover hidden inside one file whose neighbours start in the same
/// month (a file spanning more than eleven months) is not seen — rare enough for rotated logs.
public enum YearInference {
  /// What year inference needs from one file.
  public struct FileStart: Sendable {
    /// Month of the first dateless (RFC 3164) line, nil when the head has none.
    public var firstMonth: Int?
    /// Gzip header MTIME (0 = absent).
    public var gzipMTime: UInt32
    /// File-system modification time, seconds since the epoch.
    public var fileMTime: Int64?
    /// Day of the month of that first dateless line (0 when none).
    var firstDay = 0
    /// The journal's first and last days, as a `journalctl` header before the first dateless line states them
    /// (`-- Logs begin at Thu 2021-04-29 …, end at …`, see `JournalctlLine`).
    var journalctl: JournalctlSpan?
    /// Noon (UTC) of the date in the file's name (`messages-20240310`, `2024-03-10.log`), seconds since the epoch:
    /// the day its lines end (logrotate's `dateext`) or are from (one file a day). Names survive a copy; file times
    /// do not.
    var nameTime: Int64?

    /// `nameTime` for a file name, nil when the name carries no date.
    static func nameTime(_ file: String) -> Int64? {
      let r = RotationName(file.split(separator: "/").last.map(String.init) ?? file)
      guard r.kind == .dated || r.kind == .daily else { return nil }
      let ymd = r.number >= 1_000_000_000 ? r.number / 100 : r.number
      let (y, m, d) = (ymd / 10000, ymd / 100 % 100, ymd % 100)
      guard (1990...2099).contains(y), (1...12).contains(m), (1...31).contains(d) else { return nil }
      return CivilTime.micros(year: y, month: m, day: d, hour: 12, minute: 0, second: 0) / 1_000_000
    }

    public init(firstMonth: Int?, gzipMTime: UInt32, fileMTime: Int64?) {
      self.firstMonth = firstMonth
      self.gzipMTime = gzipMTime
      self.fileMTime = fileMTime
    }
  }

  /// Reads the head of `path` (decompressing the first chunk of gzip).
  public static func fileStart(path: String) -> FileStart {
    var st = stat()
    let mtime: Int64? = stat(path, &st) == 0 ? Int64(st.st_mtim.tv_sec) : nil
    guard case .success(let head) = LineReader.head(path: path) else {
      return FileStart(firstMonth: nil, gzipMTime: 0, fileMTime: mtime)
    }
    var start = fileStart(head: head, mtime: mtime)
    start.nameTime = FileStart.nameTime(path)
    return start
  }

  /// The same from a head already read (a file's, or standard input's with the time it is read as `mtime`).
  static func fileStart(head: LineReader.Head, mtime: Int64?) -> FileStart {
    var month: Int?
    var day = 0
    var span: JournalctlSpan?
    var h = SyslogHeader()
    head.data.withBytes { data in
      var s = 0
      while s < data.count, month == nil {
        var e = s
        while e < data.count, data[e] != 10 { e += 1 }
        if e == data.count && !head.complete { break }
        var line = data.slice(s, e)
        // Skip leading NUL runs.
        var k = 0
        while k < line.count, line[k] == 0 { k += 1 }
        line = line.dropFirst(k)
        if SyslogParser.parse(line, into: &h) {
          if h.isDateless { (month, day) = (h.month, h.day) }
        } else if case .header(let s?) = JournalctlLine.parse(line) {
          span = s
        }
        s = e + 1
      }
    }
    var start = FileStart(firstMonth: month, gzipMTime: head.gzipMTime, fileMTime: mtime)
    start.firstDay = day
    start.journalctl = span
    return start
  }

  /// The year some dateless lines of a set were written in, as times their own messages state show
  /// (`StatedTime`: PostgreSQL's `%m` prefix, cloud-init's `at <RFC 2822>`, a zoned ISO stamp at a message's start),
  /// each within 2 s of the line's stamp at a quarter-hour offset (`ZoneHint.offset`). Lines travel with the file;
  /// its modification time does not survive a copy (a support bundle, a mail attachment).
  public struct StatedYear: Sendable {
    /// Index (in the set, oldest first) of the file the lines are in.
    public var file: Int
    /// Month of the newest such line, in `year`.
    public var month: Int
    public var year: Int
    /// Lines that agree on it.
    public var lines: Int
  }

  /// `StatedYear` from the last lines of the newest plain files of `files` (oldest first; up to three, the last
  /// `ZoneHint.statedTimeBytes` of each): the newest file with two or more such lines, all but a quarter at most
  /// agreeing on the year. Nil otherwise.
  static func statedYear(files: [String]) -> StatedYear? {
    for k in files.indices.reversed().prefix(3) {
      let stated = ZoneHint.lastLines(path: files[k], limit: ZoneHint.statedTimeBytes, keep: 50) {
        StatedTime.utc(in: $0)
      }
      var votes: [Int: (lines: Int, month: Int)] = [:]
      var total = 0
      for (line, t) in stated where line.year == 0 && ZoneHint.offset(line, journalTime: t) != nil {
        let utc = t / 1_000_000
        let (y, m, _) = CivilTime.civilFromDays(Int(utc >= 0 ? utc / 86400 : (utc - 86399) / 86400))
        // The line's local date may be across New Year from the stated UTC one.
        let year = line.month == 12 && m == 1 ? y - 1 : line.month == 1 && m == 12 ? y + 1 : y
        total += 1
        // Newest first: the first line of a year gives its month.
        if let v = votes[year] { votes[year] = (v.lines + 1, v.month) } else { votes[year] = (1, line.month) }
      }
      guard let best = votes.max(by: { $0.value.lines < $1.value.lines }) else { continue }
      guard best.value.lines >= 2, best.value.lines * 4 >= total * 3 else { return nil }
      return StatedYear(file: k, month: best.value.month, year: best.key, lines: best.value.lines)
    }
    return nil
  }

  /// The base year (year of the first dateless line) for `starts` (oldest → newest, `names` for messages) and a
  /// warning to record when the file times disagree or are missing. `now` is the fallback's current time.
  /// Years by which the file modification times of a set are off, as its gzip headers or the times its lines
  /// state show (that year minus the file-time year); nil when the set has neither. Sets copied together are off by
  /// the same amount.
  public static func fileTimeShift(
    starts: [FileStart], names: [String], converter: LocalTimeConverter, stated: StatedYear? = nil
  ) -> Int? {
    guard starts.contains(where: { $0.gzipMTime != 0 }) || stated != nil else { return nil }
    let withGz = baseYear(starts: starts, names: names, converter: converter, stated: stated).year
    let fsOnly = starts.map { FileStart(firstMonth: $0.firstMonth, gzipMTime: 0, fileMTime: $0.fileMTime) }
    return withGz - baseYear(starts: fsOnly, names: names, converter: converter).year
  }

  public static func baseYear(
    starts: [FileStart], names: [String], converter: LocalTimeConverter, now: Int64 = Int64(time(nil)),
    siblingShift: Int? = nil, journalAnchor: Int64? = nil, anchorSource: String = "journal", stated: StatedYear? = nil
  ) -> (year: Int, warning: String?) {
    let known = starts.indices.filter { starts[$0].firstMonth != nil }
    guard let first = known.first else {
      return (converter.localYearMonth(utcSeconds: now).year, nil)
    }
    /// `year` of file `a`'s first dateless line, carried back to the first file's by counting rollovers.
    func carriedBack(from a: Int, year: Int) -> Int {
      var y = year
      var next = a
      for k in known.reversed() where k < a {
        if starts[next].firstMonth! + 1 < starts[k].firstMonth! { y -= 1 }
        next = k
      }
      _ = first
      return y
    }
    func yearFrom(anchor a: Int, utc: Int64) -> Int {
      let (ay, am) = converter.localYearMonth(utcSeconds: utc)
      return carriedBack(from: a, year: starts[a].firstMonth! > am ? ay - 1 : ay)
    }
    // A journalctl dump's header states when its journal begins and ends, and the lines shown lie in between
    // (`JournalctlSpan.yearOfFirstLine`). It outranks file times, which are the dump's, not the log's.
    if let a = known.first(where: { starts[$0].journalctl != nil }), let span = starts[a].journalctl {
      return (carriedBack(from: a, year: span.yearOfFirstLine(month: starts[a].firstMonth!, day: starts[a].firstDay)), nil)
    }
    // A date in a file's name (`messages-20240310`, `2024-03-10.log`) was written with the file and survives a copy.
    if let a = known.last(where: { starts[$0].nameTime != nil }) {
      return (yearFrom(anchor: a, utc: starts[a].nameTime!), nil)
    }
    let gzAnchor = known.last { starts[$0].gzipMTime != 0 }
    let fsAnchor = known.last { starts[$0].fileMTime != nil }
    let gzYear = gzAnchor.map { yearFrom(anchor: $0, utc: Int64(starts[$0].gzipMTime)) }
    var fsYear = fsAnchor.map { yearFrom(anchor: $0, utc: starts[$0].fileMTime!) }
    // A journal (or an audit log) in the same folder ends at an absolute time. When the newest file's mtime is far from it (more than
    // 30 days: a copy's time, not the log's), the journal's end anchors the year instead.
    if gzYear == nil, let j = journalAnchor, let a = fsAnchor, let fs = fsYear,
      abs(starts[a].fileMTime! - j) > 30 * 86400
    {
      let y = yearFrom(anchor: a, utc: j)
      if y != fs {
        return (y, "year \(y) inferred from the last entry of the \(anchorSource) in the same folder; file modification times "
          + "say \(fs) (files copied?)")
      }
    }
    // Times the lines themselves state: they were written with the lines (`StatedYear`).
    if let st = stated, st.file < starts.count, let firstMonth = starts[st.file].firstMonth {
      let y = carriedBack(from: st.file, year: firstMonth > st.month ? st.year - 1 : st.year)
      let other = gzYear ?? fsYear
      guard let other, other != y else { return (y, nil) }
      let what = gzYear != nil ? "gzip header times" : "file modification times"
      return (y, "year \(y) inferred from times stated in the text of \(st.lines) of its lines; \(what) say \(other) "
        + "(files copied?)")
    }
    if gzYear == nil, let fs = fsYear, let shift = siblingShift, shift != 0 {
      fsYear = fs + shift
      return (fs + shift, "year \(fs + shift) inferred from file times corrected by \(shift) years, as another log set in the "
        + "same directory shows (its gzip headers or the times its lines state; files copied?)")
    }
    if let gzYear, let gzAnchor {
      if let fsYear, fsYear != gzYear {
        let name = names[gzAnchor].split(separator: "/").last.map(String.init) ?? names[gzAnchor]
        return (
          gzYear,
          "year \(gzYear) inferred from gzip header time of \(name); file modification times say \(fsYear) "
            + "(files copied?)"
        )
      }
      return (gzYear, nil)
    }
    if let fsYear { return (fsYear, nil) }
    let y = converter.localYearMonth(utcSeconds: now).year
    return (y, "no file time available; dateless lines assumed to start in \(y) (use --year)")
  }
}
