/// The on-disk layout of glibc utmp/wtmp records: 384 bytes with 32-bit `ut_session`/`ut_tv` (x86_64, i386,
/// 32-bit ARM) or 400 bytes with 64-bit ones (AArch64, s390x, ppc64…), little- or big-endian.
///
/// Field offsets (both sizes): `ut_type` 0 (int16 + 2 pad), `ut_pid` 4, `ut_line` 8 (32), `ut_id` 40 (4),
/// `ut_user` 44 (32), `ut_host` 76 (256), `ut_exit` 332; then 384: `ut_session` 336 (int32), `tv_sec` 340 and
/// `tv_usec` 344 (int32); 400: `ut_session` 336 (int64), `tv_sec` 344 and `tv_usec` 352 (int64).
/// (/work/shared/reference/boot-and-shutdown-markers.md §1.1.)
public struct WtmpLayout: Equatable, Sendable, CustomStringConvertible {
  public var recordSize: Int
  public var bigEndian: Bool

  public init(recordSize: Int, bigEndian: Bool) {
    self.recordSize = recordSize
    self.bigEndian = bigEndian
  }

  public static let candidates: [WtmpLayout] = [
    WtmpLayout(recordSize: 384, bigEndian: false), WtmpLayout(recordSize: 400, bigEndian: false),
    WtmpLayout(recordSize: 384, bigEndian: true), WtmpLayout(recordSize: 400, bigEndian: true),
  ]

  public var description: String { "\(recordSize)-byte \(bigEndian ? "big" : "little")-endian records" }

  // MARK: Fields

  func u16(_ b: Bytes, _ o: Int) -> UInt16 {
    let x = UInt16(b[o]), y = UInt16(b[o + 1])
    return bigEndian ? x << 8 | y : y << 8 | x
  }

  func u32(_ b: Bytes, _ o: Int) -> UInt32 {
    var v: UInt32 = 0
    for k in 0..<4 { v |= UInt32(b[o + k]) << (bigEndian ? UInt32(24 - 8 * k) : UInt32(8 * k)) }
    return v
  }

  func i64(_ b: Bytes, _ o: Int) -> Int64 {
    var v: UInt64 = 0
    for k in 0..<8 { v |= UInt64(b[o + k]) << (bigEndian ? UInt64(56 - 8 * k) : UInt64(8 * k)) }
    return Int64(bitPattern: v)
  }

  /// `ut_type` (signed short).
  public func type(_ b: Bytes) -> Int { Int(Int16(bitPattern: u16(b, 0))) }
  /// `ut_pid`.
  public func pid(_ b: Bytes) -> Int32 { Int32(bitPattern: u32(b, 4)) }
  /// `ut_tv.tv_sec`. The 32-bit field is read unsigned (glibc's int32 would wrap in 2038; unsigned lasts to 2106).
  public func seconds(_ b: Bytes) -> Int64 { recordSize == 384 ? Int64(u32(b, 340)) : i64(b, 344) }
  /// `ut_tv.tv_usec`.
  public func microseconds(_ b: Bytes) -> Int64 {
    recordSize == 384 ? Int64(Int32(bitPattern: u32(b, 344))) : i64(b, 352)
  }

  /// A NUL-terminated fixed-size string field as a view (up to the first NUL).
  public static func field(_ b: Bytes, _ offset: Int, _ size: Int) -> Bytes {
    var n = 0
    while n < size, b[offset + n] != 0 { n += 1 }
    return b.slice(offset, offset + n)
  }

  public static func line(_ b: Bytes) -> Bytes { field(b, 8, 32) }
  public static func user(_ b: Bytes) -> Bytes { field(b, 44, 32) }
  public static func host(_ b: Bytes) -> Bytes { field(b, 76, 256) }

  /// What a record looks like under this layout.
  public enum Check: Equatable {
    case valid, empty, corrupt
    /// A valid type with a time of exactly 0: read (synthetic test files have them), but no support for the
    /// layout (every real writer stamps its records; even a board without a clock writes seconds since boot).
    case unstamped
  }

  /// `.empty` for `EMPTY` (type 0, carries nothing); `.valid` for types 1…9 with a plausible pid and time;
  /// `.unstamped` for those with time 0; `.corrupt` otherwise (type out of range such as 99, negative pid,
  /// microseconds ≥ 10⁶, a negative time or one beyond 2242).
  public func check(_ b: Bytes) -> Check {
    guard b.count >= recordSize else { return .corrupt }
    let t = type(b)
    if t == 0 { return .empty }
    guard (1...9).contains(t), pid(b) >= 0 else { return .corrupt }
    let us = microseconds(b)
    let s = seconds(b)
    guard us >= 0, us < 1_000_000, s >= 0, s < 1 << 33 else { return .corrupt }
    return s == 0 && us == 0 ? .unstamped : .valid
  }

  /// Picks the layout under which the head of a file reads best: most valid records, fewest corrupt ones; a
  /// layout whose record size divides the whole file breaks ties, then the order of `candidates`.
  /// `totalSize` is the whole (decoded) size when known. Nil when no layout yields a valid record.
  public static func detect(_ head: Bytes, totalSize: Int?) -> WtmpLayout? {
    var best: (score: Int, layout: WtmpLayout)?
    for layout in candidates {
      let n = min(head.count / layout.recordSize, 512)
      guard n > 0 else { continue }
      var valid = 0
      var corrupt = 0
      for i in 0..<n {
        switch layout.check(head.slice(i * layout.recordSize, (i + 1) * layout.recordSize)) {
        case .valid: valid += 1
        case .corrupt, .unstamped: corrupt += 1
        case .empty: break
        }
      }
      guard valid > 0 else { continue }
      var score = 4 * (valid - corrupt)
      if let total = totalSize, total % layout.recordSize == 0 { score += 1 }
      if best == nil || score > best!.score { best = (score, layout) }
    }
    return best?.layout
  }
}

/// Record types of glibc `<utmp.h>`.
public enum UtmpType {
  public static let empty = 0
  public static let runLevel = 1
  public static let bootTime = 2
  public static let newTime = 3
  public static let oldTime = 4
  public static let initProcess = 5
  public static let loginProcess = 6
  public static let userProcess = 7
  public static let deadProcess = 8
  public static let accounting = 9
}
