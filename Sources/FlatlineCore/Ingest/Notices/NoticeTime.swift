import Foundation

/// The time formats of cloud notices, parsed by hand into microseconds UTC.
///
/// - RFC 3339 / ISO 8601 with any number of fraction digits and `Z` or an offset (EC2 API `2019-03-14T20:00:00.000Z`,
///   GCP `2022-06-30T14:07:23.102868Z`, Azure `2018-09-04T23:11:06.1607287+00:00`).
/// - RFC 1123 with or without the weekday (AWS EventBridge `Thu, 27 Jan 2023 13:19:03 GMT`, IMDS
///   `21 Jan 2019 09:00:43 GMT`, Azure Scheduled Events `Mon, 11 Apr 2022 22:26:58 GMT`).
/// - Epoch seconds as a JSON number or numeric string (`aws health` CLI `1586473044.284`).
/// - Operator notices: `YYYY-MM-DD HH:MM[:SS]` (UTC unless an offset follows) and a bare date.
enum NoticeTime {
  /// Parses any of the formats above; nil when the text is none of them.
  static func parse(_ text: String) -> Int64? {
    let t = text.trimmingCharacters(in: .whitespaces)
    guard !t.isEmpty else { return nil }
    let b = Array(t.utf8)
    if let first = b.first, first >= 48 && first <= 57 {
      if b.count >= 10, b[4] == 45 { return iso(b) }
      if let rfc = rfc1123(b) { return rfc }
      if b.allSatisfy({ ($0 >= 48 && $0 <= 57) || $0 == 46 }), let v = Double(t) { return epoch(v) }
      return nil
    }
    return rfc1123(b)
  }

  /// Epoch seconds (float) to microseconds; values past year 2200 are taken as milliseconds.
  static func epoch(_ v: Double) -> Int64? {
    guard v.isFinite, v > 0 else { return nil }
    if v > 7_258_118_400 { return Int64((v * 1000).rounded()) }  // milliseconds
    return Int64((v * 1_000_000).rounded())
  }

  /// A JSON value holding a time: a string in any supported format or an epoch number.
  static func parse(_ node: NoticeNode?) -> Int64? {
    guard let node else { return nil }
    if case .number(let d) = node.value { return epoch(d) }
    return node.text.flatMap(parse)
  }

  /// ISO 8601 / RFC 3339; `HH:MM` without seconds is accepted (operator notices).
  static func iso(_ b: [UInt8]) -> Int64? {
    var bytes = b
    // `YYYY-MM-DD HH:MM` (no seconds) → insert `:00`.
    if bytes.count >= 16, bytes[10] == 32 || bytes[10] == 84, bytes[13] == 58,
      bytes.count == 16 || bytes[16] != 58
    {
      bytes.insert(contentsOf: [58, 48, 48], at: 16)
    }
    return bytes.withBytes { v -> Int64? in
      guard let (time, length, _) = CivilTime.parseISO(v) else { return nil }
      // Anything after the time other than white space means it was not a timestamp.
      var i = length
      while i < v.count, v[i] == 32 { i += 1 }
      return i == v.count ? time : nil
    }
  }

  private static let months: [String] = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]

  /// `[Www, ]D Mon YYYY HH:MM:SS (GMT|UTC|Z|±hhmm)`.
  static func rfc1123(_ b: [UInt8]) -> Int64? {
    var i = 0
    func skipSpaces() { while i < b.count, b[i] == 32 { i += 1 } }
    func number(maxDigits: Int) -> Int? {
      var v = 0
      var n = 0
      while i < b.count, n < maxDigits, b[i] >= 48, b[i] <= 57 {
        v = v * 10 + Int(b[i] - 48)
        i += 1
        n += 1
      }
      return n > 0 ? v : nil
    }
    skipSpaces()
    // Optional weekday.
    if i < b.count, (b[i] | 0x20) >= 97, (b[i] | 0x20) <= 122 {
      while i < b.count, (b[i] | 0x20) >= 97, (b[i] | 0x20) <= 122 { i += 1 }
      guard i < b.count, b[i] == 44 else { return nil }
      i += 1
      skipSpaces()
    }
    guard let day = number(maxDigits: 2), (1...31).contains(day) else { return nil }
    skipSpaces()
    guard i + 3 <= b.count else { return nil }
    let mon = String(decoding: b[i..<(i + 3)], as: UTF8.self).lowercased()
    guard let mi = months.firstIndex(of: mon) else { return nil }
    i += 3
    while i < b.count, (b[i] | 0x20) >= 97, (b[i] | 0x20) <= 122 { i += 1 }  // full month names
    skipSpaces()
    guard let year = number(maxDigits: 4), year >= 1970 else { return nil }
    skipSpaces()
    guard let h = number(maxDigits: 2), i < b.count, b[i] == 58 else { return nil }
    i += 1
    guard let m = number(maxDigits: 2) else { return nil }
    var s = 0
    if i < b.count, b[i] == 58 {
      i += 1
      guard let sec = number(maxDigits: 2) else { return nil }
      s = sec
    }
    guard h < 24, m < 60, s <= 60 else { return nil }
    var t = CivilTime.micros(year: year, month: mi + 1, day: day, hour: h, minute: m, second: min(s, 59))
    skipSpaces()
    if i < b.count {
      let rest = String(decoding: b[i...], as: UTF8.self).trimmingCharacters(in: .whitespaces)
      switch rest.uppercased() {
      case "GMT", "UTC", "Z", "UT": break
      default:
        let r = Array(rest.utf8)
        guard r.count == 5, r[0] == 43 || r[0] == 45,
          r[1...].allSatisfy({ $0 >= 48 && $0 <= 57 })
        else { return nil }
        let oh = Int(r[1] - 48) * 10 + Int(r[2] - 48)
        let om = Int(r[3] - 48) * 10 + Int(r[4] - 48)
        let off = Int64(oh * 3600 + om * 60) * 1_000_000
        t += r[0] == 43 ? -off : off
      }
    }
    return t
  }
}
