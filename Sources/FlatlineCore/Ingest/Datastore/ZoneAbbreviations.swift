/// UTC offsets of the time zone names PostgreSQL writes after its `%m`/`%t` stamps (the tzdata abbreviation of
/// `log_timezone`: `UTC`, `CEST`, `PDT`, or a numeric one such as `+03` or `-0330`).
///
/// Numeric names and `UTC`/`GMT`/`Z` are exact. Named abbreviations come from a small table of unambiguous ones;
/// ambiguous names (`CST` is US Central or China, `IST` India, Ireland or Israel, `AST` Atlantic or Arabia, `BST`
/// British Summer Time or Bangladesh) and unknown ones give nil: the caller reads such a stamp as local time in
/// `--timezone` and warns.
enum ZoneAbbreviations {
  /// Seconds east of UTC for `name`, or nil when unknown or ambiguous. No allocation.
  static func offset(_ name: Bytes) -> Int? {
    guard name.count > 0, name.count <= 8 else { return nil }
    let c0 = name[0]
    if c0 == 43 || c0 == 45 { return numeric(name) }  // + -
    var key: UInt64 = 0
    for i in 0..<name.count {
      var c = name[i]
      if c >= 97 && c <= 122 { c -= 32 }  // upper-case
      guard c >= 65 && c <= 90 else { return nil }
      key = key << 8 | UInt64(c)
    }
    return table[key]
  }

  /// `+hh`, `+hhmm`, `+hh:mm` (and `-`).
  static func numeric(_ b: Bytes) -> Int? {
    func d(_ i: Int) -> Int? { b[i] >= 48 && b[i] <= 57 ? Int(b[i] - 48) : nil }
    guard b.count >= 3, let h1 = d(1), let h2 = d(2) else { return nil }
    var minutes = 0
    switch b.count {
    case 3: break
    case 5:
      guard let m1 = d(3), let m2 = d(4) else { return nil }
      minutes = m1 * 10 + m2
    case 6:
      guard b[3] == 58, let m1 = d(4), let m2 = d(5) else { return nil }
      minutes = m1 * 10 + m2
    default: return nil
    }
    let hours = h1 * 10 + h2
    guard hours <= 15, minutes < 60 else { return nil }
    let s = hours * 3600 + minutes * 60
    return b[0] == 45 ? -s : s
  }

  private static func key(_ s: String) -> UInt64 {
    s.utf8.reduce(0) { $0 << 8 | UInt64($1) }
  }

  /// Unambiguous abbreviations in tzdata use (hours east of UTC, as minutes).
  private static let table: [UInt64: Int] = {
    let minutes: [(String, Int)] = [
      ("UTC", 0), ("GMT", 0), ("UT", 0), ("UCT", 0), ("Z", 0), ("ZULU", 0),
      ("WET", 0), ("WEST", 60), ("CET", 60), ("CEST", 120), ("MET", 60), ("MEST", 120),
      ("EET", 120), ("EEST", 180), ("MSK", 180), ("MSD", 240),
      ("EST", -300), ("EDT", -240), ("CDT", -300), ("MST", -420), ("MDT", -360),
      ("PST", -480), ("PDT", -420), ("AKST", -540), ("AKDT", -480), ("HST", -600), ("HDT", -540),
      ("ADT", -180), ("NST", -210), ("NDT", -150),
      ("JST", 540), ("KST", 540), ("HKT", 480), ("SGT", 480), ("PHT", 480), ("WIB", 420), ("WITA", 480),
      ("WIT", 540), ("PKT", 300), ("NPT", 345),
      ("AWST", 480), ("ACST", 570), ("ACDT", 630), ("AEST", 600), ("AEDT", 660),
      ("NZST", 720), ("NZDT", 780), ("SAST", 120), ("CAT", 120), ("EAT", 180), ("WAT", 60),
      ("IDT", 180), ("HKST", 540), ("CHST", 600),
    ]
    var out: [UInt64: Int] = [:]
    for (name, m) in minutes { out[key(name)] = m * 60 }
    return out
  }()
}
