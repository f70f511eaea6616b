/// The moment a syslog message states in its own text, with its zone: the stamp its program wrote before the
/// syslog daemon added a zoneless one. `ZoneHint.findFromStatedTimes` compares the two.
///
/// Only stamps that are the time of the message itself:
/// - at the start of the message (after PostgreSQL's `[3-1] ` syslog sequence, or logrus' `time="`): an ISO 8601
///   time with `Z`, a numeric offset, or a zone name as PostgreSQL's `%m`/`%t` write it (`2024-03-12 14:31:05.000
///   UTC`, `… EDT`, `… +03`; `ZoneAbbreviations`);
/// - cloud-init's `Cloud-init v. 23.4 running 'init' at Tue, 12 Mar 2024 14:47:04 +0000. Up 7.12 seconds.` and
///   `… finished at Tue, 12 Mar 2024 14:47:10 +0000. …` (RFC 2822, always UTC).
///
/// A stamp without a zone says nothing and gives nil, as does anything else.
enum StatedTime {
  /// µs since the epoch, or nil.
  static func utc(in message: String) -> Int64? {
    var m = Substring(message).utf8[...]
    guard let first = m.first else { return nil }
    if first == UInt8(ascii: "C") {
      return cloudInit(message)
    }
    if first == UInt8(ascii: "[") {
      // PostgreSQL's `[<line>-<part>] ` when it writes to syslog.
      guard let close = m.firstIndex(of: UInt8(ascii: "]")), m.distance(from: m.startIndex, to: close) <= 24 else {
        return nil
      }
      m = m[m.index(after: close)...]
      guard m.first == UInt8(ascii: " ") else { return nil }
      m = m.dropFirst()
    } else if m.starts(with: "time=\"".utf8) {
      m = m.dropFirst(6)
    }
    // (Most messages start with a letter: turned away before any copy.)
    guard let d = m.first, d >= 48, d <= 57 else { return nil }
    return iso(Array(m.prefix(48)))
  }

  /// `YYYY-MM-DD[T ]HH:MM:SS[.frac]` followed by `Z`, `±HH[:MM]`, or a space and a zone name.
  static func iso(_ b: [UInt8]) -> Int64? {
    func digits(_ i: Int, _ n: Int) -> Int? {
      guard i + n <= b.count else { return nil }
      var v = 0
      for k in i..<(i + n) {
        guard b[k] >= 48, b[k] <= 57 else { return nil }
        v = v * 10 + Int(b[k] - 48)
      }
      return v
    }
    guard b.count >= 20, let y = digits(0, 4), b[4] == 45, let mo = digits(5, 2), b[7] == 45, let d = digits(8, 2),
      b[10] == UInt8(ascii: "T") || b[10] == 32, let h = digits(11, 2), b[13] == 58, let mi = digits(14, 2),
      b[16] == 58, let s = digits(17, 2), (1...12).contains(mo), (1...31).contains(d), h < 24, mi < 60, s < 61
    else { return nil }
    var i = 19
    var micros = 0
    if i < b.count, b[i] == 46 {
      i += 1
      var scale = 100_000
      while i < b.count, b[i] >= 48, b[i] <= 57 {
        micros += Int(b[i] - 48) * scale
        scale /= 10
        i += 1
      }
    }
    guard i < b.count else { return nil }
    let offset: Int
    if b[i] == UInt8(ascii: "Z") {
      offset = 0
      i += 1
    } else if b[i] == 43 || b[i] == 45 {
      var j = i + 1
      while j < b.count, b[j] >= 48 && b[j] <= 57 || b[j] == 58 { j += 1 }
      guard let o = Array(b[i..<j]).withBytes(ZoneAbbreviations.numeric) else { return nil }
      offset = o
      i = j
    } else if b[i] == 32 {
      var j = i + 1
      while j < b.count, b[j] != 32, b[j] != 34, b[j] != 93 { j += 1 }
      guard j > i + 1, let o = Array(b[(i + 1)..<j]).withBytes(ZoneAbbreviations.offset) else { return nil }
      offset = o
      i = j
    } else {
      return nil
    }
    // The stamp ends there (a space, a closing quote or bracket, or the end).
    guard i == b.count || b[i] == 32 || b[i] == 34 || b[i] == 93 || b[i] == 44 else { return nil }
    let days = CivilTime.daysFromCivil(y, mo, d)
    let seconds = days * 86400 + h * 3600 + mi * 60 + s - offset
    return Int64(seconds) * 1_000_000 + Int64(micros)
  }

  static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

  /// cloud-init's `… at Www, DD Mmm YYYY HH:MM:SS +0000…`.
  static func cloudInit(_ message: String) -> Int64? {
    guard message.hasPrefix("Cloud-init v. "), let at = message.range(of: " at ") else { return nil }
    let words = message[at.upperBound...].split(separator: " ", maxSplits: 6)
    guard words.count >= 6, words[0].hasSuffix(","), let day = Int(words[1]),
      let month = months.firstIndex(of: String(words[2])), let year = Int(words[3])
    else { return nil }
    let clock = words[4].split(separator: ":")
    var zone = words[5]
    while let last = zone.last, last == "." || last == "," { zone = zone.dropLast() }
    guard clock.count == 3, let h = Int(clock[0]), let mi = Int(clock[1]), let s = Int(clock[2]),
      let offset = Array(zone.utf8).withBytes(ZoneAbbreviations.numeric), (1...31).contains(day),
      (1900...9999).contains(year), (0..<24).contains(h), (0..<60).contains(mi), (0..<61).contains(s)
    else { return nil }
    let seconds = CivilTime.daysFromCivil(year, month + 1, day) * 86400 + h * 3600 + mi * 60 + s - offset
    return Int64(seconds) * 1_000_000
  }
}
