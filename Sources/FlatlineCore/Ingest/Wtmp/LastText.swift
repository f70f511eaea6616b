/// The text `last -x` prints (util-linux), newest first — how wtmp often reaches an incident ticket:
///
///     reboot   system boot  6.1.0-10-amd64   Wed Aug 23 13:18   still running
///     shutdown system down  6.1.0-10-amd64   Wed Aug 23 09:24 - 09:25  (00:00)
///     runlevel (to lvl 5)   6.1.0-10-amd64   Wed Aug 23 09:25 - 13:18  (03:52)
///     axet     tty7         :0               Wed Aug 23 09:26 - 13:18  (03:52)
///
///     wtmp begins Wed Aug 23 09:25:13 2023
///
/// Each line's start time (`Www Mmm dd hh:mm`, with `-F` `Www Mmm dd hh:mm:ss yyyy`) becomes a record worded as
/// `WtmpSource` words binary records (`reboot system boot <kernel>`, `shutdown system down <kernel>`,
/// `runlevel (to lvl N) <kernel>`, `<user> <tty> <host>`), so it is judged like wtmp. The printed end of a line
/// (`- crash`, `still running`) is `last`'s own verdict and is not used. Times are local time in `--timezone`, minutes
/// only without `-F`. Without a year on the lines, the year comes from `--year`, else the `wtmp begins` trailer
/// (the oldest line's year), else the file's modification time (the newest line's); it advances where the month
/// goes back.
enum LastText {
  struct Line {
    enum Kind { case boot, shutdown, runlevel(Character), login }
    var kind: Kind
    /// The rest of the text before the time: kernel release, or `user tty host`.
    var text: String
    var month: Int
    var day: Int
    var hour: Int
    var minute: Int
    var second: Int
    /// Set with `-F`.
    var year: Int?
  }

  static let weekdays: [[UInt8]] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"].map { Array($0.utf8) }

  /// Parses one line of `last` output; nil for anything else (blank lines, the trailer).
  static func parse(_ b: Bytes) -> Line? {
    guard b.count >= 30, b[0] != 32 else { return nil }
    // Lines that start with a stamp are some log's (syslog `Mmm dd`, ISO), not `last`'s, whose first column is a user.
    if b[0] >= 48 && b[0] <= 57 { return nil }
    if SyslogParser.monthNumber(b, 0) != nil, b[3] == 32 { return nil }
    // The start time: a weekday, a month, a day, hh:mm — searched after the first column.
    var t = 8
    var found: (Int, Int, Int, Int, Int, Int, Int?)?  // (position, month, day, hour, minute, second, year)
    while t + 16 <= b.count, found == nil {
      if b[t] == 32, weekdays.contains(where: { b.slice(t + 1, t + 4).equals($0) }), b[t + 4] == 32,
        let mo = SyslogParser.monthNumber(b, t + 5), b[t + 8] == 32
      {
        var i = t + 9
        if b[i] == 32 { i += 1 }
        var day = 0
        while i < b.count, b[i] >= 48, b[i] <= 57, day < 100 {
          day = day * 10 + Int(b[i] - 48)
          i += 1
        }
        if day >= 1, day <= 31, i + 6 <= b.count, b[i] == 32, let h = two(b, i + 1), b[i + 3] == 58, let m = two(b, i + 4),
          h < 24, m < 60
        {
          var second = 0
          var year: Int?
          var e = i + 6
          if e + 3 <= b.count, b[e] == 58, let s = two(b, e + 1), s < 61 {
            second = min(s, 59)
            e += 3
            if e + 5 <= b.count, b[e] == 32, let y = four(b, e + 1) {
              year = y
              e += 5
            }
          }
          // What `last` prints after a start time: nothing, `- <end>`, `still …` or `gone - no logout`. A date
          // inside some other text (a syslog message naming a retry time) is not a start time.
          var r = e
          while r < b.count, b[r] == 32 { r += 1 }
          let after = b.dropFirst(r)
          if after.isEmpty || after.hasPrefix("- ") || after.hasPrefix("still ") || after.hasPrefix("gone") {
            found = (t, mo, day, h, m, second, year)
          }
        }
      }
      t += 1
    }
    guard let (at, month, day, hour, minute, second, year) = found else { return nil }
    let head = b.slice(0, at).string
    let words = head.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
    // `wtmp begins …` is the trailer (`trailerYear`), not a record.
    guard let user = words.first, !(words.count == 2 && words[1] == "begins") else { return nil }
    var kind = Line.Kind.login
    var rest = words.dropFirst().joined(separator: " ")
    if user == "reboot", rest.hasPrefix("system boot") {
      kind = .boot
      rest = String(rest.dropFirst("system boot".count))
    } else if user == "shutdown", rest.hasPrefix("system down") {
      kind = .shutdown
      rest = String(rest.dropFirst("system down".count))
    } else if user == "runlevel", rest.hasPrefix("(to lvl "), let close = rest.firstIndex(of: ")") {
      let level = rest.dropFirst("(to lvl ".count).first ?? "?"
      kind = .runlevel(level)
      rest = String(rest[rest.index(after: close)...])
    } else {
      rest = words.joined(separator: " ")
    }
    return Line(
      kind: kind, text: rest.trimmingCharacters(in: " "), month: month, day: day, hour: hour, minute: minute,
      second: second, year: year)
  }

  /// The year of `wtmp begins Www Mmm dd hh:mm:ss yyyy` (also `btmp begins`, `<file> begins`).
  static func trailerYear(_ b: Bytes) -> Int? {
    guard b.contains(" begins "), let y = four(b, b.count - 4), y >= 1970 else { return nil }
    return y
  }

  /// The record text for a line, as `WtmpSource.describe` words binary records.
  static func message(_ l: Line) -> String {
    switch l.kind {
    case .boot: return "reboot system boot " + l.text
    case .shutdown: return "shutdown system down " + l.text
    case .runlevel(let c): return "runlevel (to lvl \(c)) " + l.text
    case .login: return l.text
    }
  }

  private static func two(_ b: Bytes, _ i: Int) -> Int? { number(b, i, 2) }

  private static func four(_ b: Bytes, _ i: Int) -> Int? { number(b, i, 4) }

  private static func number(_ b: Bytes, _ i: Int, _ n: Int) -> Int? {
    let v = DatastoreLineParser.digits(b, i, n)
    return v >= 0 ? v : nil
  }
}

extension String {
  fileprivate func trimmingCharacters(in c: Character) -> String {
    var s = Substring(self)
    while s.first == c { s = s.dropFirst() }
    while s.last == c { s = s.dropLast() }
    return String(s)
  }
}
