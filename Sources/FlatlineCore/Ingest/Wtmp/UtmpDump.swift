/// The text `utmpdump` (util-linux) writes for a wtmp/utmp file, one record a line — how wtmp is often passed
/// around: `[type] [pid] [id] [user] [line] [host] [addr] [time]`, e.g.
/// `[7] [17058] [ts/1] [kerolasa] [pts/1       ] [:0.0                ] [0.0.0.0        ] [2013-01-16T23:44:09,000000+00:00]`.
///
/// Each line is turned back into the 384-byte record it was dumped from, so that it is described and judged
/// exactly like binary wtmp (`WtmpSource.describe`, `SignalClassifier.classifyLoginRecord`). Times are ISO 8601 with
/// an offset, as utmpdump has written them since util-linux 2.28.
enum UtmpDump {
  /// One dumped record's fields (views into the line).
  struct Fields {
    var type: Int
    var pid: Int32
    var id: Bytes
    var user: Bytes
    var line: Bytes
    var host: Bytes
    var time: Int64
  }

  /// Parses one line; nil when it is not a utmpdump record.
  static func parse(_ b: Bytes) -> Fields? {
    var groups: [Bytes] = []
    var i = 0
    while i < b.count, groups.count < 8 {
      guard b[i] == 91 else { return nil }  // [
      var e = i + 1
      // The last group holds the time; the others end at the first `] ` (a field may hold `]` only in theory).
      while e < b.count, !(b[e] == 93 && (e + 1 == b.count || b[e + 1] == 32)) { e += 1 }
      guard e < b.count else { return nil }
      groups.append(b.slice(i + 1, e))
      i = e + 1
      while i < b.count, b[i] == 32 { i += 1 }
    }
    guard groups.count == 8, i == b.count, let type = number(groups[0]), (0...9).contains(type),
      let pid = number(groups[1]), let t = CivilTime.parseISO(trimmed(groups[7])), t.hasZone
    else { return nil }
    return Fields(
      type: type, pid: Int32(clamping: pid), id: trimmed(groups[2]), user: trimmed(groups[3]),
      line: trimmed(groups[4]), host: trimmed(groups[5]), time: t.time)
  }

  /// The 384-byte little-endian record the fields were dumped from (`WtmpLayout` offsets).
  static func record(_ f: Fields, into r: inout [UInt8]) {
    r.removeAll(keepingCapacity: true)
    r.append(contentsOf: repeatElement(0, count: 384))
    func put(_ v: UInt64, _ at: Int, _ width: Int) {
      for k in 0..<width { r[at + k] = UInt8(truncatingIfNeeded: v >> UInt64(8 * k)) }
    }
    func put(_ s: Bytes, _ at: Int, _ max: Int) {
      for k in 0..<min(s.count, max) { r[at + k] = s[k] }
    }
    put(UInt64(UInt16(truncatingIfNeeded: f.type)), 0, 2)
    put(UInt64(UInt32(bitPattern: f.pid)), 4, 4)
    put(f.line, 8, 32)
    put(f.id, 40, 4)
    put(f.user, 44, 32)
    put(f.host, 76, 256)
    let seconds = f.time >= 0 ? f.time / 1_000_000 : 0
    put(UInt64(UInt32(truncatingIfNeeded: seconds)), 340, 4)
    put(UInt64(UInt32(truncatingIfNeeded: f.time >= 0 ? f.time % 1_000_000 : 0)), 344, 4)
  }

  static let layout = WtmpLayout(recordSize: 384, bigEndian: false)

  private static func trimmed(_ b: Bytes) -> Bytes {
    var s = 0
    var e = b.count
    while s < e, b[s] == 32 { s += 1 }
    while e > s, b[e - 1] == 32 { e -= 1 }
    return b.slice(s, e)
  }

  private static func number(_ b: Bytes) -> Int? {
    let t = trimmed(b)
    guard t.count <= 10, let v = parseDecimal(t) else { return nil }
    return Int(v)
  }
}
