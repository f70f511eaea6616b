#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// glibc's memmem (a GNU extension the Glibc module does not export without _GNU_SOURCE).
@_silgen_name("memmem")
@usableFromInline internal func c_memmem(
  _ haystack: UnsafeRawPointer, _ haystackLength: Int, _ needle: UnsafeRawPointer, _ needleLength: Int
) -> UnsafeMutableRawPointer?

/// A borrowed view of bytes. Cheap to copy; never owns memory.
public struct Bytes: @unchecked Sendable {
  public var base: UnsafePointer<UInt8>?
  public var count: Int

  @inlinable public init(base: UnsafePointer<UInt8>?, count: Int) {
    self.base = base
    self.count = base == nil ? 0 : count
  }

  @inlinable public init(_ buffer: UnsafeBufferPointer<UInt8>) {
    self.init(base: buffer.baseAddress, count: buffer.count)
  }

  public static let empty = Bytes(base: nil, count: 0)

  @inlinable public var isEmpty: Bool { count == 0 }

  @inlinable public subscript(i: Int) -> UInt8 { base![i] }

  @inlinable public var buffer: UnsafeBufferPointer<UInt8> { UnsafeBufferPointer(start: base, count: count) }

  /// Bytes `from..<to` of this view.
  @inlinable public func slice(_ from: Int, _ to: Int) -> Bytes {
    guard let base, from < to else { return .empty }
    return Bytes(base: base + from, count: to - from)
  }

  @inlinable public func dropFirst(_ n: Int) -> Bytes { slice(Swift.min(n, count), count) }

  /// Decodes as UTF-8, replacing invalid sequences (never fails, never crashes).
  public var string: String {
    guard let base, count > 0 else { return "" }
    return String(decoding: UnsafeBufferPointer(start: base, count: count), as: UTF8.self)
  }

  /// A copy of the bytes.
  public var array: [UInt8] { Array(buffer) }

  /// The bytes read as a hexadecimal number (1–16 digits, either case), or nil.
  public var hexNumber: UInt64? {
    guard count > 0, count <= 16 else { return nil }
    var v: UInt64 = 0
    for i in 0..<count {
      guard let d = Bytes.hexDigitValue(self[i]) else { return nil }
      v = v << 4 | UInt64(d)
    }
    return v
  }

  /// The value of one hexadecimal digit, or nil.
  @inline(__always) public static func hexDigitValue(_ c: UInt8) -> UInt8? {
    switch c {
    case 48...57: return c - 48
    case 97...102: return c - 87
    case 65...70: return c - 55
    default: return nil
    }
  }

  /// Offset of the first occurrence of `needle`, or nil. memmem-based.
  @inlinable public func find(_ needle: StaticString) -> Int? {
    guard let base, count >= needle.utf8CodeUnitCount else { return nil }
    guard let p = c_memmem(base, count, needle.utf8Start, needle.utf8CodeUnitCount) else { return nil }
    return UnsafeRawPointer(p) - UnsafeRawPointer(base)
  }

  @inlinable public func contains(_ needle: StaticString) -> Bool { find(needle) != nil }

  @inlinable public func find(_ needle: Bytes) -> Int? {
    guard let base, let nb = needle.base, count >= needle.count, needle.count > 0 else { return nil }
    guard let p = c_memmem(base, count, nb, needle.count) else { return nil }
    return UnsafeRawPointer(p) - UnsafeRawPointer(base)
  }

  @inlinable public func hasPrefix(_ prefix: StaticString) -> Bool {
    let n = prefix.utf8CodeUnitCount
    guard let base, count >= n else { return n == 0 }
    return Bytes.same(base, prefix.utf8Start, n)
  }

  @inlinable public func hasSuffix(_ suffix: StaticString) -> Bool {
    let n = suffix.utf8CodeUnitCount
    guard let base, count >= n else { return n == 0 }
    return Bytes.same(base + count - n, suffix.utf8Start, n)
  }

  /// `memcmp(a, b, n) == 0`, inline for the short keys compared on every record (identifiers, host names): two
  /// overlapping word loads instead of a library call. Never reads outside `a[0..<n]` and `b[0..<n]`.
  @inlinable @inline(__always)
  static func same(_ a: UnsafePointer<UInt8>, _ b: UnsafePointer<UInt8>, _ n: Int) -> Bool {
    let x = UnsafeRawPointer(a)
    let y = UnsafeRawPointer(b)
    if n >= 8 {
      if n > 16 { return memcmp(a, b, n) == 0 }
      return x.loadUnaligned(as: UInt64.self) == y.loadUnaligned(as: UInt64.self)
        && x.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
          == y.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
    }
    if n >= 4 {
      return x.loadUnaligned(as: UInt32.self) == y.loadUnaligned(as: UInt32.self)
        && x.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self)
          == y.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self)
    }
    var i = 0
    while i < n {
      if a[i] != b[i] { return false }
      i &+= 1
    }
    return true
  }

  /// The bytes of a view of at most 16 bytes as two words, read without a loop and never outside the view (nil for
  /// a longer view). Together with `count` the words determine the bytes: 8–16 bytes are the first and the last
  /// eight (overlapping), 4–7 the first and the last four in one word, fewer one byte at a time. A key for
  /// direct-mapped memos of short tokens (tags, host names).
  @inline(__always) var shortKey: (UInt64, UInt64)? {
    let n = count
    guard n <= 16 else { return nil }
    guard n > 0, let base else { return (0, 0) }
    let raw = UnsafeRawPointer(base)
    if n >= 8 {
      return (raw.loadUnaligned(as: UInt64.self), raw.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self))
    }
    if n >= 4 {
      let head = UInt64(raw.loadUnaligned(as: UInt32.self))
      let tail = UInt64(raw.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self))
      return (head | tail << 32, 0)
    }
    var w: UInt64 = 0
    for j in 0..<n { w |= UInt64(base[j]) << UInt64(8 * j) }
    return (w, 0)
  }

  /// Copies `n` bytes; short runs (host names, tags, most journal fields) with two overlapping word moves instead
  /// of a `memmove` call.
  @inline(__always) static func copy(_ to: UnsafeMutablePointer<UInt8>, _ from: UnsafeRawPointer, _ n: Int) {
    let d = UnsafeMutableRawPointer(to)
    if n >= 8 && n <= 16 {
      let head = from.loadUnaligned(as: UInt64.self)
      let tail = from.loadUnaligned(fromByteOffset: n - 8, as: UInt64.self)
      d.storeBytes(of: head, as: UInt64.self)
      d.storeBytes(of: tail, toByteOffset: n - 8, as: UInt64.self)
    } else if n >= 4 && n < 8 {
      let head = from.loadUnaligned(as: UInt32.self)
      let tail = from.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self)
      d.storeBytes(of: head, as: UInt32.self)
      d.storeBytes(of: tail, toByteOffset: n - 4, as: UInt32.self)
    } else if n > 0 {
      d.copyMemory(from: from, byteCount: n)
    }
  }

  /// Mixes the bytes into `seed`, eight at a time: a hash for in-memory lookup tables only (its values are not
  /// stable across versions and never stored). Never reads outside the view.
  @inlinable @inline(__always)
  public func hash(seed: UInt64) -> UInt64 {
    let k: UInt64 = 0x9E37_79B9_7F4A_7C15
    var h = (seed ^ UInt64(truncatingIfNeeded: count)) &* k
    // Final mix (MurmurHash3's): every bit of the result depends on every input bit, so any bit range can index a
    // table (callers take the low bits).
    @inline(__always) func finish(_ x: UInt64) -> UInt64 {
      var v = (x ^ (x >> 33)) &* 0xFF51_AFD7_ED55_8CCD
      v ^= v >> 33
      return v
    }
    guard let base else { return finish(h) }
    let p = UnsafeRawPointer(base)
    let n = count
    @inline(__always) func mix(_ w: UInt64) {
      h = (h ^ w) &* k
      h ^= h >> 29
    }
    var i = 0
    while i + 8 <= n {
      mix(p.loadUnaligned(fromByteOffset: i, as: UInt64.self))
      i &+= 8
    }
    let rest = n - i
    if rest >= 4 {
      let lo = UInt64(p.loadUnaligned(fromByteOffset: i, as: UInt32.self))
      let hi = UInt64(p.loadUnaligned(fromByteOffset: n - 4, as: UInt32.self))
      mix(lo | hi << 32)
    } else if rest > 0 {
      var w: UInt64 = 0
      for j in 0..<rest { w |= UInt64(base[i + j]) << UInt64(8 * j) }
      mix(w)
    }
    return finish(h)
  }

  @inlinable public func equals(_ literal: StaticString) -> Bool {
    count == literal.utf8CodeUnitCount && hasPrefix(literal)
  }

  @inlinable @inline(__always) public func equals(_ other: Bytes) -> Bool {
    guard count == other.count else { return false }
    if count == 0 { return true }
    return Bytes.same(base!, other.base!, count)
  }

  /// Disfavoured so that a string literal picks the `StaticString` overload (a plain memcmp, no `String`).
  @_disfavoredOverload
  public func equals(_ other: String) -> Bool {
    // Native strings are contiguous UTF-8: compared in place (`withUTF8` on a copy cost ~130 instructions).
    guard count == other.utf8.count else { return false }
    if let same = other.utf8.withContiguousStorageIfAvailable({ equals(Bytes($0)) }) { return same }
    var s = other
    return s.withUTF8 { equals(Bytes($0)) }
  }

  @inlinable public func equals(_ other: [UInt8]) -> Bool {
    guard count == other.count else { return false }
    if count == 0 { return true }
    return other.withUnsafeBufferPointer { memcmp(base!, $0.baseAddress!, count) == 0 }
  }
}

extension Array where Element == UInt8 {
  /// Calls `body` with a `Bytes` view of the array.
  @inlinable public func withBytes<R>(_ body: (Bytes) throws -> R) rethrows -> R {
    try withUnsafeBufferPointer { try body(Bytes($0)) }
  }
}

/// Bytes kept for the life of their owner, handed out as `Bytes` views (no reference counting when copied).
///
/// For small sets of keys looked at on every record (host names): an array of bytes would be retained and
/// released each time it is assigned or compared through a copy. Nothing is ever freed before the arena.
final class ByteArena: @unchecked Sendable {
  private var chunks: [UnsafeMutablePointer<UInt8>] = []
  private var free = 0
  private var cursor: UnsafeMutablePointer<UInt8>?
  static let chunkSize = 4096

  /// A lasting copy of `bytes`.
  func keep(_ bytes: Bytes) -> Bytes {
    let n = bytes.count
    guard n > 0, let src = bytes.base else { return .empty }
    if n > free || cursor == nil {
      let size = Swift.max(n, Self.chunkSize)
      let p = UnsafeMutablePointer<UInt8>.allocate(capacity: size)
      chunks.append(p)
      cursor = p
      free = size
    }
    let dst = cursor!
    dst.update(from: src, count: n)
    cursor = dst + n
    free -= n
    return Bytes(base: UnsafePointer(dst), count: n)
  }

  deinit {
    for p in chunks { p.deallocate() }
  }
}

extension SIMDMask where Storage == SIMD16<Int8> {
  /// The 16 lanes as two words, lane 0 in the low byte of the first (0xFF where a lane is set). One OR tells whether
  /// any lane is set — `any(_:)` reduces lane by lane through a generic call, once per 16 bytes of a scan — and a
  /// word's trailing zero bits over 8 is its first set lane.
  @inline(__always) var words: (UInt64, UInt64) {
    let w = unsafeBitCast(self, to: SIMD2<UInt64>.self)
    return (UInt64(littleEndian: w[0]), UInt64(littleEndian: w[1]))
  }
}
