/// The lines `journalctl` writes between entries in its text output (`short`, `short-iso`, `short-precise`…):
/// they are not log lines, and not damaged ones either.
///
/// - `-- Boot 0123…cdef --` (newer systemd) or `-- Reboot --` (older): the entry after it belongs to another boot
///   than the entry before it. journalctl writes one wherever the boot ID changes between two entries *as it shows
///   them*, in wall-clock order. So a boot ID that comes back after other boots' entries means the boots interleave
///   in the text: a machine without a real-time clock restarts every boot at the same restored time, and its
///   boots' lines mix. Such a text cannot tell where each boot ended.
/// - `-- Logs begin at Thu 2021-04-29 17:44:42 BST, end at Thu 2021-05-06 09:05:01 BST. --` (older),
///   `-- Journal begins at …, ends at …. --` (newer), `-- No entries --`: the header, with the years the
///   short format's stamps leave out.
/// - `-- Subject: …`, `-- Defined-By: systemd`, `-- ` (older) or `░░ Subject: …` (newer): the explanation text
///   `journalctl -x` adds under entries that have a catalog entry.
enum JournalctlLine: Equatable {
  /// A boot separator; `id` is the boot ID's 32 hex digits (`-- Reboot --` has none).
  case boot(id: String?)
  /// The header; `span` is the local dates of the journal's first and last entries, when it states them.
  case header(span: JournalctlSpan?)
  /// A line of `journalctl -x` explanation text.
  case explanation

  /// The annotation `line` is, or nil for any other line (a line that starts with `-- ` and is no separator or
  /// header is explanation text). Cheap for other lines: it looks at the first bytes.
  static func parse(_ line: Bytes) -> JournalctlLine? {
    guard line.count >= 2 else { return nil }
    // `░░` (U+2591 twice).
    if line[0] == 0xE2 {
      guard line.count >= 6, line[1] == 0x96, line[2] == 0x91, line[3] == 0xE2, line[4] == 0x96, line[5] == 0x91
      else { return nil }
      return .explanation
    }
    guard line[0] == 45, line[1] == 45 else { return nil }
    var end = line.count
    while end > 0, line[end - 1] == 32 || line[end - 1] == 13 || line[end - 1] == 9 { end -= 1 }
    if end == 2 { return .explanation }
    guard line[2] == 32 else { return nil }
    guard end >= 12, line[end - 1] == 45, line[end - 2] == 45, line[end - 3] == 32 else { return .explanation }
    let inner = line.slice(3, end - 3)
    if inner.equals("Reboot") { return .boot(id: nil) }
    if inner.equals("No entries") { return .header(span: nil) }
    if inner.count == 37, inner.hasPrefix("Boot "), let id = bootID(inner.dropFirst(5)) { return .boot(id: id) }
    let headers: [(String, StaticString)] = [("Logs begin at ", ", end at "), ("Journal begins at ", ", ends at ")]
    for (prefix, middle) in headers where inner.starts(with: prefix) {
      let rest = inner.dropFirst(prefix.utf8.count)
      guard let begin = date(rest), let at = rest.find(middle),
        let end = date(rest.dropFirst(at + middle.utf8CodeUnitCount))
      else { return .header(span: nil) }
      return .header(span: JournalctlSpan(begin: begin, end: end))
    }
    return .explanation
  }

  /// 32 hex digits, lowercased (journalctl writes them lowercase).
  private static func bootID(_ b: Bytes) -> String? {
    guard b.count == 32 else { return nil }
    for i in 0..<32 {
      let c = b[i] | 0x20
      guard (c >= 48 && c <= 57) || (c >= 97 && c <= 102) else { return nil }
    }
    return b.string.lowercased()
  }

  /// The `YYYY-MM-DD` of `Www YYYY-MM-DD hh:mm:ss ZONE, …` (journalctl's timestamp style).
  private static func date(_ b: Bytes) -> JournalctlSpan.Day? {
    guard b.count >= 14, b[3] == 32, b[8] == 45, b[11] == 45 else { return nil }
    func number(_ from: Int, _ to: Int) -> Int? {
      var v = 0
      for i in from..<to {
        guard b[i] >= 48 && b[i] <= 57 else { return nil }
        v = v * 10 + Int(b[i] - 48)
      }
      return v
    }
    guard let year = number(4, 8), let month = number(9, 11), let day = number(12, 14), year >= 1970,
      (1...12).contains(month), (1...31).contains(day)
    else { return nil }
    return JournalctlSpan.Day(year: year, month: month, day: day)
  }
}

/// The local dates of a journal's first and last entries, as journalctl's header states them.
struct JournalctlSpan: Equatable, Sendable {
  struct Day: Equatable, Sendable {
    var year: Int
    var month: Int
    var day: Int
  }
  var begin: Day
  var end: Day

  /// The year of a line stamped `month`/`day` (no year) that is the first of the text.
  ///
  /// A dump of the whole journal starts at its first entry, on `begin`'s day: `begin`'s year. A dump cut with
  /// `--since` or `-b` starts later, anywhere up to `end`: the latest year that does not put the line after `end`
  /// (as a file's modification time anchors its last line), but not before the earliest one after `begin`.
  func yearOfFirstLine(month: Int, day: Int) -> Int {
    let atBegin = month == begin.month && day == begin.day
    let earliest = (month, day) >= (begin.month, begin.day) ? begin.year : begin.year + 1
    if atBegin { return earliest }
    let latest = (month, day) > (end.month, end.day) ? end.year - 1 : end.year
    return max(earliest, latest)
  }
}

extension Bytes {
  /// True when the bytes start with `prefix`'s UTF-8 (for callers outside hot paths).
  fileprivate func starts(with prefix: String) -> Bool {
    let p = Array(prefix.utf8)
    guard count >= p.count else { return false }
    for i in 0..<p.count where self[i] != p[i] { return false }
    return true
  }
}
