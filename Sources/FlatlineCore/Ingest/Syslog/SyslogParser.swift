#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A parsed syslog header. Byte fields point into the parsed line.
public struct SyslogHeader {
  /// UTC microseconds when the stamp carried a zone (RFC 3339 / RFC 5424); `Record.noTime` otherwise.
  public var time: Int64 = Record.noTime
  /// Local civil time of a stamp without zone. `year` is 0 for RFC 3164 stamps (no year).
  public var year = 0
  public var month = 0
  public var day = 0
  public var hour = 0
  public var minute = 0
  public var second = 0
  public var micro = 0
  /// `<PRI>` value or -1.
  public var priority = -1
  public var host: Bytes = .empty
  public var identifier: Bytes = .empty
  public var pid: Bytes = .empty
  public var message: Bytes = .empty
  public var kernelUptime: Int64 = -1
  public var isKernel = false
  /// A `journalctl -o short-full` stamp whose zone name is unknown or ambiguous (`CST`): where that name is in the
  /// line and its length (0: none; see `unknownZone(in:)`). The civil fields hold the stamp's local time, read in
  /// `--timezone` (the reader warns). Two bytes beside `isKernel`: the header, copied for every line, stays as big.
  public var unknownZoneOffset: UInt8 = 0
  public var unknownZoneLength: UInt8 = 0
  /// Offset in the line where another `<PRI>` record starts (rsyslog ForwardFormat writes records without
  /// newlines), or 0. `message` stops there.
  public var nextRecord = 0

  public init() {}

  /// The unknown zone name of the stamp of `line` (the line this header was parsed from), or empty.
  public func unknownZone(in line: Bytes) -> Bytes {
    unknownZoneLength == 0 ? .empty : line.slice(Int(unknownZoneOffset), Int(unknownZoneOffset) + Int(unknownZoneLength))
  }

  /// True when the stamp needs a year from year inference.
  public var isDateless: Bool { time == Record.noTime && year == 0 }
}

/// Parses syslog lines on bytes: RFC 3164 (`Mmm dd hh:mm:ss[.frac] [host] tag[pid]: msg`), rsyslog RFC 3339
/// file format, RFC 5424 (`<PRI>1 …`), a `<PRI>` prefix before any of them, ISO 8601 with a severity word instead
/// of the host (ChromeOS), and kernel lines with or without `[ uptime]`. Never allocates.
public enum SyslogParser {
  /// The decimal value of a pid field (0 when empty or not a number).
  /// Runs for every line: raw pointer, wrapping arithmetic (nine digits fit an `Int32`).
  @inlinable @inline(__always) public static func pidValue(_ b: Bytes) -> Int32 {
    guard let p = b.base else { return 0 }
    let n = min(b.count, 9)
    var v: Int32 = 0
    var i = 0
    while i < n {
      let d = p[i] &- 48
      guard d <= 9 else { return 0 }
      v = v &* 10 &+ Int32(d)
      i &+= 1
    }
    return v
  }

  /// Fills `h` from `line`. Returns false when the line has no recognisable syslog header.
  public static func parse(_ line: Bytes, into h: inout SyslogHeader) -> Bool {
    h = SyslogHeader()
    let b = line
    let n = b.count
    var i = 0
    if n >= 3 && b[0] == 0xEF && b[1] == 0xBB && b[2] == 0xBF { i = 3 }
    if i < n && b[i] == 60 {  // '<'
      guard let (pri, len) = parsePRI(b, i) else { return false }
      h.priority = pri
      i += len
      // RFC 5424: version digit(s) then space.
      if i + 1 < n, isDigit(b[i]), b[i] != 48 {
        var j = i
        while j < n, isDigit(b[j]), j - i < 2 { j += 1 }
        if j < n, b[j] == 32 { return parse5424(b, j + 1, &h) }
      }
    }
    guard i < n else { return false }
    let c = b[i]
    if isDigit(c) {
      if let (t, e) = parseUnixStamp(b, i) {
        // `journalctl -o short-unix`: seconds since the epoch, six decimals.
        h.time = t
        return parseHostTag(b, skipSpaces(b, e), &h)
      }
      guard let iso = CivilTime.parseISO(b.dropFirst(i)), iso.length >= 19 else { return false }
      if iso.hasZone {
        h.time = iso.time
      } else {
        setCivil(&h, fromNaiveUTC: iso.time)
      }
      i += iso.length
      guard i < n, b[i] == 32 else { return i == n }
      i = skipSpaces(b, i)
      // ChromeOS: a severity word instead of the host.
      let tokEnd = tokenEnd(b, i)
      if isSeverity(b.slice(i, tokEnd)) { i = skipSpaces(b, tokEnd) }
      return parseHostTag(b, i, &h)
    }
    guard let month = monthNumber(b, i) else { return parseWeekdayStamp(b, i, &h) }
    h.month = month
    i += 3
    guard i < n, b[i] == 32 else { return false }
    i += 1
    if i < n, b[i] == 32 { i += 1 }
    var day = 0
    var digits = 0
    while i < n, isDigit(b[i]), digits < 2 {
      day = day * 10 + Int(b[i] - 48)
      i += 1
      digits += 1
    }
    guard digits > 0, day >= 1, day <= 31, i < n, b[i] == 32 else { return false }
    h.day = day
    i += 1
    guard let t = parseClock(b, i, &h) else { return false }
    i = t
    if i < n, b[i] == 58 {  // `Mmm dd hh:mm:ss: message` (no host, no tag)
      h.message = b.slice(skipSpaces(b, i + 1), n)
      return true
    }
    guard i < n, b[i] == 32 else { return i == n }
    return parseHostTag(b, skipSpaces(b, i), &h)
  }

  /// Fills the host, tag, pid and message of `h` from a line whose first 16 bytes are a plain RFC 3164 stamp
  /// (`Mmm dd hh:mm:ss `) that `h` already holds from the line before (see `SyslogStamp`): the same result as
  /// `parse`, which would find that stamp again.
  @inline(__always)
  public static func parseAfterStamp(_ line: Bytes, into h: inout SyslogHeader) {
    h.host = .empty
    h.identifier = .empty
    h.pid = .empty
    h.message = .empty
    h.kernelUptime = -1
    h.isKernel = false
    _ = parseHostTag(line, skipSpaces(line, 16), &h)
  }

  /// Offset of the next `<PRI>` record glued into `b` after `from` (rsyslog ForwardFormat writes no newline
  /// between records), or nil. Checks `<PRI>` followed by `1 `, a month name or `dddd-`.
  public static func nextGluedRecord(_ b: Bytes, from: Int) -> Int? {
    guard let base = b.base else { return nil }
    var i = from
    while i < b.count, let p = memchr(base + i, 60, b.count - i) {
      let k = UnsafeRawPointer(p) - UnsafeRawPointer(base)
      if let (_, len) = parsePRI(b, k) {
        let j = k + len
        if j + 2 < b.count, b[j] == 49, b[j + 1] == 32 { return k }
        if monthNumber(b, j) != nil, j + 3 < b.count, b[j + 3] == 32 { return k }
        if j + 5 < b.count, isDigit(b[j]), isDigit(b[j + 1]), isDigit(b[j + 2]), isDigit(b[j + 3]), b[j + 4] == 45 {
          return k
        }
      }
      i = k + 1
    }
    return nil
  }

  // MARK: - Pieces

  @inline(__always) static func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }

  @inline(__always) static func skipSpaces(_ b: Bytes, _ i0: Int) -> Int {
    var i = i0
    while i < b.count, b[i] == 32 || b[i] == 9 { i += 1 }
    return i
  }

  @inline(__always) static func tokenEnd(_ b: Bytes, _ i0: Int) -> Int {
    var i = i0
    while i < b.count, b[i] != 32, b[i] != 9 { i += 1 }
    return i
  }

  static func parsePRI(_ b: Bytes, _ i: Int) -> (Int, Int)? {
    var j = i + 1
    var v = 0
    while j < b.count, isDigit(b[j]), j - i <= 3 {
      v = v * 10 + Int(b[j] - 48)
      j += 1
    }
    guard j > i + 1, j < b.count, b[j] == 62, v <= 191 else { return nil }
    return (v, j + 1 - i)
  }

  /// Month number for a three-letter English month name at `i` (`Jan`…`Dec`), or nil.
  @inline(__always) static func monthNumber(_ b: Bytes, _ i: Int) -> Int? {
    guard i + 3 <= b.count else { return nil }
    let k = UInt32(b[i]) << 16 | UInt32(b[i + 1]) << 8 | UInt32(b[i + 2])
    switch k {
    case 0x4A616E: return 1  // Jan
    case 0x466562: return 2  // Feb
    case 0x4D6172: return 3  // Mar
    case 0x417072: return 4  // Apr
    case 0x4D6179: return 5  // May
    case 0x4A756E: return 6  // Jun
    case 0x4A756C: return 7  // Jul
    case 0x417567: return 8  // Aug
    case 0x536570: return 9  // Sep
    case 0x4F6374: return 10  // Oct
    case 0x4E6F76: return 11  // Nov
    case 0x446563: return 12  // Dec
    default: return nil
    }
  }

  /// Two decimal digits at `p[at]`, or -1.
  @inline(__always) static func d2(_ p: UnsafePointer<UInt8>, _ at: Int) -> Int {
    let x = p[at] &- 48
    let y = p[at + 1] &- 48
    guard x <= 9, y <= 9 else { return -1 }
    return Int(x) * 10 + Int(y)
  }

  /// `hh:mm:ss[.frac]` at `i`; returns the index after it.
  static func parseClock(_ b: Bytes, _ i: Int, _ h: inout SyslogHeader) -> Int? {
    guard i + 8 <= b.count, let p = b.base else { return nil }
    let hh = d2(p, i)
    let mm = d2(p, i + 3)
    let ss = d2(p, i + 6)
    guard hh >= 0, p[i + 2] == 58, mm >= 0, p[i + 5] == 58, ss >= 0, hh < 24, mm < 60, ss <= 60 else { return nil }
    h.hour = hh
    h.minute = mm
    h.second = min(ss, 59)
    var j = i + 8
    if let f = CivilTime.fraction(b, at: j) {
      h.micro = f.micro
      j = f.end
    }
    return j
  }

  static func setCivil(_ h: inout SyslogHeader, fromNaiveUTC t: Int64) {
    let secs = t >= 0 ? t / 1_000_000 : (t - 999_999) / 1_000_000
    let days = Int(secs >= 0 ? secs / 86400 : (secs - 86399) / 86400)
    let rem = Int(secs - Int64(days) * 86400)
    let (y, m, d) = CivilTime.civilFromDays(days)
    h.year = y
    h.month = m
    h.day = d
    h.hour = rem / 3600
    h.minute = rem / 60 % 60
    h.second = rem % 60
    h.micro = Int(t - secs * 1_000_000)
  }

  static func isSeverity(_ t: Bytes) -> Bool {
    switch t.count {
    case 3: return t.equals("ERR")
    case 4: return t.equals("INFO") || t.equals("CRIT") || t.equals("WARN")
    case 5: return t.equals("EMERG") || t.equals("ALERT") || t.equals("ERROR") || t.equals("DEBUG")
    case 6: return t.equals("NOTICE")
    case 7: return t.equals("WARNING")
    default: return false
    }
  }

  /// Index of the first byte of `p[from..<to]` equal to `a`, `b`, `c` or `d`, or `to`. Sixteen bytes per step while
  /// they last (vector compares; the mask read as two words, the first match from the lowest set byte), then
  /// eight (a word compare for zero bytes after XOR with each wanted byte), then byte by byte: the host and tag
  /// tokens this runs over are read for every line, and most end within the first step.
  @inline(__always)
  static func firstOf(
    _ p: UnsafePointer<UInt8>, _ from: Int, _ to: Int, _ a: UInt8, _ b: UInt8, _ c: UInt8, _ d: UInt8
  ) -> Int {
    let raw = UnsafeRawPointer(p)
    var i = from
    if i &+ 16 <= to {
      let va = SIMD16<UInt8>(repeating: a)
      let vb = SIMD16<UInt8>(repeating: b)
      let vc = SIMD16<UInt8>(repeating: c)
      let vd = SIMD16<UInt8>(repeating: d)
      repeat {
        let v = raw.loadUnaligned(fromByteOffset: i, as: SIMD16<UInt8>.self)
        let (lo, hi) = ((v .== va) .| (v .== vb) .| (v .== vc) .| (v .== vd)).words
        if lo != 0 { return i &+ (lo.trailingZeroBitCount &>> 3) }
        if hi != 0 { return i &+ 8 &+ (hi.trailingZeroBitCount &>> 3) }
        i &+= 16
      } while i &+ 16 <= to
    }
    let ones: UInt64 = 0x0101_0101_0101_0101
    let highs: UInt64 = 0x8080_8080_8080_8080
    let ma = ones &* UInt64(a)
    let mb = ones &* UInt64(b)
    let mc = ones &* UInt64(c)
    let md = ones &* UInt64(d)
    while i &+ 8 <= to {
      let w = UInt64(littleEndian: raw.loadUnaligned(fromByteOffset: i, as: UInt64.self))
      let xa = w ^ ma
      let xb = w ^ mb
      let xc = w ^ mc
      let xd = w ^ md
      // A byte's high bit is set where the byte is zero; the lowest one set is always a true match.
      let t = ((xa &- ones) & ~xa | (xb &- ones) & ~xb | (xc &- ones) & ~xc | (xd &- ones) & ~xd) & highs
      if t != 0 { return i &+ (t.trailingZeroBitCount >> 3) }
      i &+= 8
    }
    while i < to {
      let ch = p[i]
      if ch == a || ch == b || ch == c || ch == d { return i }
      i &+= 1
    }
    return to
  }

  /// `[host] tag[pid]: message` starting at `i`. Raw-pointer loops: this runs for every line.
  static func parseHostTag(_ b: Bytes, _ i0: Int, _ h: inout SyslogHeader) -> Bool {
    let n = b.count
    var i = i0
    guard i < n, let p = b.base else { return true }
    // First token, noting whether it holds a '['.
    var e = firstOf(p, i, n, 32, 9, 91, 91)
    let bracket = e < n && p[e] == 91
    if bracket { e = firstOf(p, e, n, 32, 9, 9, 9) }
    if !(e > i && p[e - 1] == 58 || bracket) {
      if isBusyBoxDaemonLine(p, i, e, n, &h) { return true }
      // A host, unless it is the last word: `Mmm dd hh:mm:ss host` alone has no tag.
      h.host = Bytes(base: p + i, count: e - i)
      i = e
      while i < n, p[i] == 32 || p[i] == 9 { i &+= 1 }
      if i >= n { return true }
    }
    // Tag: up to '[' or ':' or the end of its token (a space or tab), in one pass.
    var j = firstOf(p, i, n, 91, 58, 32, 9)
    if j < n, p[j] == 32, isFacilityLevel(p, i, j) {
      // BusyBox syslogd (without -S) writes `facility.level` between the host and the tag: `kern.notice kernel: …`.
      i = j
      while i < n, p[i] == 32 || p[i] == 9 { i &+= 1 }
      if i >= n { return true }
      j = firstOf(p, i, n, 91, 58, 32, 9)
    }
    h.identifier = j > i ? Bytes(base: p + i, count: j - i) : .empty
    if j < n, p[j] == 91 {
      // Pid: up to ']', or to the end of the token when no ']' closes it there.
      let p0 = j + 1
      let k = firstOf(p, p0, n, 93, 32, 9, 9)
      h.pid = k > p0 ? Bytes(base: p + p0, count: k - p0) : .empty
      j = k < n && p[k] == 93 ? k + 1 : k
    }
    if j < n, p[j] == 58 { j &+= 1 }
    // The tag token ends here; anything glued to it (`tag[pid]<Info>:`) stays in the message.
    var m = j
    while m < n, p[m] == 32 || p[m] == 9 { m &+= 1 }
    if h.identifier.count == 6 && isKernelTag(p + i) {
      h.isKernel = true
      m = parseUptime(b, m, &h)
    }
    h.message = m < n ? Bytes(base: p + m, count: n - m) : .empty
    return true
  }

  /// `journalctl -o short-unix` stamp at `i`: 9–11 digits, `.`, six digits, a space. Returns UTC microseconds and
  /// the offset of the space.
  static func parseUnixStamp(_ b: Bytes, _ i: Int) -> (Int64, Int)? {
    var j = i
    var secs: Int64 = 0
    while j < b.count, j - i < 12, isDigit(b[j]) {
      secs = secs * 10 + Int64(b[j] - 48)
      j += 1
    }
    guard j - i >= 9, j - i <= 11, j + 7 < b.count, b[j] == 46, b[j + 7] == 32 else { return nil }
    var micros: Int64 = 0
    for k in (j + 1)...(j + 6) {
      guard isDigit(b[k]) else { return nil }
      micros = micros * 10 + Int64(b[k] - 48)
    }
    return (secs * 1_000_000 + micros, j + 7)
  }

  /// `journalctl -o short-full` (and `with-unit`) at `i`: `Www YYYY-MM-DD hh:mm:ss[.ffffff] ZONE host tag[pid]: msg`.
  /// The zone is the dumping machine's abbreviation: numeric ones, `UTC`/`GMT` and unambiguous names give the
  /// time; any other leaves the local time in the civil fields and is named in `unknownZone`.
  static func parseWeekdayStamp(_ b: Bytes, _ i: Int, _ h: inout SyslogHeader) -> Bool {
    let n = b.count
    guard i + 25 < n, isWeekday(b, i), b[i + 3] == 32, isDigit(b[i + 4]),
      let iso = CivilTime.parseISO(b.slice(i + 4, n)), !iso.hasZone, iso.length >= 19
    else { return false }
    var j = i + 4 + iso.length
    guard j < n, b[j] == 32 else { return false }
    j += 1
    let zoneEnd = tokenEnd(b, j)
    guard zoneEnd > j, zoneEnd < n else { return false }
    let zone = b.slice(j, zoneEnd)
    if let offset = ZoneAbbreviations.offset(zone) {
      h.time = iso.time - Int64(offset) * 1_000_000
    } else {
      guard j <= 255, zoneEnd - j <= 255 else { return false }
      setCivil(&h, fromNaiveUTC: iso.time)
      h.unknownZoneOffset = UInt8(j)
      h.unknownZoneLength = UInt8(zoneEnd - j)
    }
    return parseHostTag(b, skipSpaces(b, zoneEnd), &h)
  }

  /// `Mon` … `Sun` at `i`.
  static func isWeekday(_ b: Bytes, _ i: Int) -> Bool {
    guard i + 3 <= b.count else { return false }
    let w = b.slice(i, i + 3)
    return w.equals("Mon") || w.equals("Tue") || w.equals("Wed") || w.equals("Thu") || w.equals("Fri")
      || w.equals("Sat") || w.equals("Sun")
  }

  /// BusyBox syslogd with `-S` (smaller output) writes no host and no `facility.level`, and its own lines have no
  /// `tag:` either: `Mmm dd hh:mm:ss syslogd started: BusyBox v1.36.1`, `… syslogd exiting`, `… klogd started:
  /// BusyBox v1.36.1 (…)`. Read as host + tag, the daemon's name became the host and its start and exit were lost.
  /// True (identifier and message set, no host) when the first token `p[i..<e]` and what follows are such a line.
  @inline(__always)
  static func isBusyBoxDaemonLine(
    _ p: UnsafePointer<UInt8>, _ i: Int, _ e: Int, _ n: Int, _ h: inout SyslogHeader
  ) -> Bool {
    // Asked for every line with a host: the length and first byte turn almost every host away.
    guard e - i == 7 && p[i] == 115 || e - i == 5 && p[i] == 107, e < n, p[e] == 32 else { return false }
    let token = Bytes(base: p + i, count: e - i)
    let syslogd = token.equals("syslogd")
    guard syslogd || token.equals("klogd") else { return false }
    let rest = Bytes(base: p + e + 1, count: n - e - 1)
    guard rest.hasPrefix("started: BusyBox v") || syslogd && rest.equals("exiting") else { return false }
    h.identifier = token
    h.message = rest
    return true
  }

  /// True when `p[from..<to]` is `facility.level` with syslog's names as BusyBox prints them (`kern.notice`,
  /// `daemon.err`, `local3.info`; a level may also be `warning` or `error`). Asked only for a tag token that ends
  /// at a space.
  static func isFacilityLevel(_ p: UnsafePointer<UInt8>, _ from: Int, _ to: Int) -> Bool {
    guard to - from >= 7, to - from <= 16 else { return false }
    var dot = from
    while dot < to, p[dot] != 46 { dot += 1 }
    guard dot < to else { return false }
    let facility = Bytes(base: p + from, count: dot - from)
    let level = Bytes(base: p + dot + 1, count: to - dot - 1)
    return facilityNames.contains { facility.equals($0) } && levelNames.contains { level.equals($0) }
  }

  static let facilityNames: [StaticString] = [
    "kern", "user", "mail", "daemon", "auth", "syslog", "lpr", "news", "uucp", "cron", "authpriv", "ftp", "local0",
    "local1", "local2", "local3", "local4", "local5", "local6", "local7",
  ]
  static let levelNames: [StaticString] = [
    "emerg", "alert", "crit", "err", "error", "warn", "warning", "notice", "info", "debug", "panic",
  ]

  /// True when the six bytes at `p` are `kernel` (two loads, no call: asked for every line).
  @inline(__always) static func isKernelTag(_ p: UnsafePointer<UInt8>) -> Bool {
    let raw = UnsafeRawPointer(p)
    // "kern" and "el", little-endian.
    return UInt32(littleEndian: raw.loadUnaligned(as: UInt32.self)) == 0x6E72_656B
      && UInt16(littleEndian: raw.loadUnaligned(fromByteOffset: 4, as: UInt16.self)) == 0x6C65
  }

  /// `[    1.234567] ` at `i`: sets the kernel uptime and returns the start of the text after it.
  static func parseUptime(_ b: Bytes, _ i: Int, _ h: inout SyslogHeader) -> Int {
    let n = b.count
    guard i < n, b[i] == 91 else { return i }
    var j = skipSpaces(b, i + 1)
    var secs: Int64 = 0
    var digits = 0
    while j < n, isDigit(b[j]), digits < 12 {
      secs = secs * 10 + Int64(b[j] - 48)
      j += 1
      digits += 1
    }
    guard digits > 0, j < n, b[j] == 46 else { return i }
    j += 1
    var frac: Int64 = 0
    var scale: Int64 = 100_000
    while j < n, isDigit(b[j]) {
      frac += Int64(b[j] - 48) * scale
      scale /= 10
      j += 1
    }
    guard j < n, b[j] == 93 else { return i }
    h.kernelUptime = secs * 1_000_000 + frac
    j += 1
    if j < n, b[j] == 32 { j += 1 }
    return j
  }

  /// RFC 5424 after `<PRI>VERSION `: `TIMESTAMP HOST APP PROCID MSGID SD [MSG]`.
  static func parse5424(_ b: Bytes, _ i0: Int, _ h: inout SyslogHeader) -> Bool {
    let n = b.count
    var i = i0
    var e = tokenEnd(b, i)
    if !(e - i == 1 && b[i] == 45) {
      guard let iso = CivilTime.parseISO(b.slice(i, e)), iso.length == e - i, iso.length >= 19 else { return false }
      if iso.hasZone { h.time = iso.time } else { setCivil(&h, fromNaiveUTC: iso.time) }
    }
    func field(_ dst: inout Bytes) -> Bool {
      guard e < n else { return false }
      i = e + 1
      e = tokenEnd(b, i)
      let t = b.slice(i, e)
      dst = (t.count == 1 && t[0] == 45) ? .empty : t
      return true
    }
    var msgid = Bytes.empty
    guard field(&h.host), field(&h.identifier) else { return true }
    guard field(&h.pid), field(&msgid) else { return true }
    // Structured data: `-` or one or more `[...]` (with `\]` escapes).
    guard e < n else { return true }
    i = e + 1
    if i < n, b[i] == 45 {
      i += 1
    } else {
      while i < n, b[i] == 91 {
        i += 1
        while i < n, b[i] != 93 {
          if b[i] == 92 { i += 1 }
          i += 1
        }
        i += 1
      }
    }
    i = min(i, n)
    if i < n, b[i] == 32 { i += 1 }
    if i + 3 <= n, b[i] == 0xEF, b[i + 1] == 0xBB, b[i + 2] == 0xBF { i += 3 }
    i = skipSpaces(b, i)
    if h.identifier.equals("kernel") {
      h.isKernel = true
      i = parseUptime(b, i, &h)
    }
    h.message = b.slice(i, n)
    return true
  }
}
