#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Civil-time arithmetic done by hand (no Foundation on the hot path). Times are Int64 microseconds since
/// the Unix epoch, UTC.
public enum CivilTime {
  /// Days since 1970-01-01 for a proleptic Gregorian date (Howard Hinnant's algorithm).
  @inlinable public static func daysFromCivil(_ y0: Int, _ m: Int, _ d: Int) -> Int {
    let y = m <= 2 ? y0 - 1 : y0
    let era = (y >= 0 ? y : y - 399) / 400
    let yoe = y - era * 400
    let mp = (m + 9) % 12
    let doy = (153 * mp + 2) / 5 + d - 1
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
    return era * 146097 + doe - 719468
  }

  /// (year, month, day) for days since the epoch.
  @inlinable public static func civilFromDays(_ z0: Int) -> (year: Int, month: Int, day: Int) {
    let z = z0 + 719468
    let era = (z >= 0 ? z : z - 146096) / 146097
    let doe = z - era * 146097
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
    let y = yoe + era * 400
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
    let mp = (5 * doy + 2) / 153
    let d = doy - (153 * mp + 2) / 5 + 1
    let m = mp < 10 ? mp + 3 : mp - 9
    return (m <= 2 ? y + 1 : y, m, d)
  }

  @inlinable public static func isLeap(_ y: Int) -> Bool { (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 }

  /// Microseconds since the epoch for a UTC civil time.
  @inlinable public static func micros(
    year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int, micro: Int = 0
  ) -> Int64 {
    let days = Int64(daysFromCivil(year, month, day))
    return ((days * 86400) + Int64(hour * 3600 + minute * 60 + second)) * 1_000_000 + Int64(micro)
  }

  /// RFC 3339 UTC text with seconds (and microseconds when non-zero): `2024-05-01T12:00:00Z`.
  public static func rfc3339(_ t: Int64) -> String {
    let secs = t >= 0 ? t / 1_000_000 : (t - 999_999) / 1_000_000
    let us = Int(t - secs * 1_000_000)
    let days = Int(secs >= 0 ? secs / 86400 : (secs - 86399) / 86400)
    let rem = Int(secs - Int64(days) * 86400)
    let (y, m, d) = civilFromDays(days)
    func p2(_ v: Int) -> String { v < 10 ? "0\(v)" : "\(v)" }
    var s = "\(y)-\(p2(m))-\(p2(d))T\(p2(rem / 3600)):\(p2(rem / 60 % 60)):\(p2(rem % 60))"
    if us != 0 {
      var frac = String(us)
      while frac.count < 6 { frac = "0" + frac }
      s += "." + frac
    }
    return s + "Z"
  }

  /// Parses RFC 3339 / ISO 8601 (`2024-05-01T12:00:00[.frac](Z|±hh:mm)`, a space allowed for `T`), a
  /// plain date `2024-05-01` (midnight UTC), or `@<unix seconds>`. Returns nil otherwise.
  public static func parse(_ text: String) -> Int64? {
    if text.hasPrefix("@"), let v = Double(text.dropFirst()) { return Int64(v * 1_000_000) }
    let b = Array(text.utf8)
    return b.withBytes { parseISO($0)?.time }
  }

  /// Fractional seconds after a `.` or `,` at `b[i]`: the digits as microseconds (digits past the sixth are read
  /// and dropped) and the index after them; nil when `b[i]` is not a separator.
  @inline(__always)
  public static func fraction(_ b: Bytes, at i: Int) -> (micro: Int, end: Int)? {
    guard i < b.count, b[i] == 46 || b[i] == 44 else { return nil }
    var j = i + 1
    var scale = 100_000
    var micro = 0
    while j < b.count, b[j] >= 48, b[j] <= 57 {
      micro += Int(b[j] - 48) * scale
      scale /= 10
      j += 1
    }
    return (micro, j)
  }

  /// Parses an ISO 8601 timestamp at the start of `b`. Returns the UTC time and the number of bytes used.
  /// A timestamp without zone is taken as UTC (`hasZone` false tells the caller).
  public static func parseISO(_ b: Bytes) -> (time: Int64, length: Int, hasZone: Bool)? {
    func digits(_ at: Int, _ n: Int) -> Int? {
      guard at + n <= b.count else { return nil }
      var v = 0
      for i in at..<(at + n) {
        let c = b[i]
        guard c >= 48 && c <= 57 else { return nil }
        v = v * 10 + Int(c - 48)
      }
      return v
    }
    guard let y = digits(0, 4), b.count >= 10, b[4] == 45, let mo = digits(5, 2), b[7] == 45,
      let d = digits(8, 2), (1...12).contains(mo), (1...31).contains(d)
    else { return nil }
    if b.count == 10 || !(b[10] == 84 || b[10] == 32) || b.count < 19 {
      return (micros(year: y, month: mo, day: d, hour: 0, minute: 0, second: 0), 10, false)
    }
    guard let h = digits(11, 2), b[13] == 58, let mi = digits(14, 2), b[16] == 58, let s = digits(17, 2),
      h < 24, mi < 60, s <= 60
    else { return nil }
    var i = 19
    var micro = 0
    if let f = fraction(b, at: i) {
      micro = f.micro
      i = f.end
    }
    var t = micros(year: y, month: mo, day: d, hour: h, minute: mi, second: Swift.min(s, 59), micro: micro)
    var hasZone = false
    if i < b.count {
      if b[i] == 90 || b[i] == 122 {
        i += 1
        hasZone = true
      } else if b[i] == 43 || b[i] == 45, let oh = digits(i + 1, 2) {
        var om = 0
        var len = 3
        if i + 3 < b.count, b[i + 3] == 58, let m2 = digits(i + 4, 2) {
          om = m2
          len = 6
        } else if let m2 = digits(i + 3, 2) {
          om = m2
          len = 5
        }
        let off = Int64(oh * 3600 + om * 60) * 1_000_000
        t += b[i] == 43 ? -off : off
        i += len
        hasZone = true
      }
    }
    return (t, i, hasZone)
  }
}

import struct Foundation.Date
import class Foundation.NSTimeZone
import struct Foundation.TimeZone

extension CivilTime {
  /// True when `name` is a time zone this system knows.
  public static func isValidTimeZone(_ name: String) -> Bool { TimeZone(identifier: name) != nil }

  /// Like `parse(_:)`, but a time without an offset is local time in `timeZone` (default: this machine's).
  public static func parse(_ text: String, timeZone: String?) -> Int64? {
    let b = Array(text.utf8)
    if text.hasPrefix("@") { return parse(text) }
    guard let (t, _, hasZone) = b.withBytes({ parseISO($0) }) else { return nil }
    if hasZone { return t }
    let tz = timeZone.flatMap { TimeZone(identifier: $0) } ?? TimeZone.current
    let offset = tz.secondsFromGMT(for: Date(timeIntervalSince1970: Double(t / 1_000_000)))
    return t - Int64(offset) * 1_000_000
  }
}
