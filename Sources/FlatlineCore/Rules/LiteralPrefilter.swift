#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Answers "does any of these literals occur in this text?" without looking at most bytes (Wu–Manber).
///
/// Windows of `m` bytes (`m` = the shortest literal, at most 64) are judged by their last 2-byte block (3-byte
/// block when `m ≥ 6`, 4-byte when `m ≥ 10`: on log text, common trigrams such as `ion` or ` fr` are in many
/// literals and kept the shifts short), hashed to 10–16 bits as the number of literals needs: a shift table says
/// how far the window can move so that no literal's first `m` bytes can end inside the skipped stretch. Only
/// blocks that end some literal's `m`-prefix (shift 0) are verified, by comparing the literals filed under that
/// block. On log text that contains none of the literals the scan moves several bytes per step, so it costs a
/// fraction of a per-byte automaton; the cost does not grow with the number of literals until their blocks fill
/// the table.
///
/// `RuleMatcher` builds one per rule group over each rule's longest anchor: when none of them occurs, no rule of
/// the group can have all its anchors, and the Aho–Corasick pass is skipped.
final class LiteralPrefilter {
  /// Window length: the shortest literal (capped).
  let windowLength: Int
  private let blockSize: Int
  /// Shift per block hash (`1 << tableBits` entries).
  private let shift: UnsafeMutablePointer<UInt8>
  /// For tables of `markedTableBits` or more: one bit per entry, set where the shift is below the maximum. The
  /// scan reads the shift table only for marked blocks. A big group's table (64 KiB with 10× the built-in rules)
  /// does not stay in L1, and a load from it at every step cost as much as the rest of the scan; the bitmap is
  /// an eighth of its size and most blocks of ordinary text are unmarked.
  private let marks: UnsafeMutablePointer<UInt64>?
  /// The largest shift (`m - b + 1`): what an unmarked block gives.
  private let maxShift: Int
  static let markedTableBits = 14
  /// True when the scan goes through the bitmap (tests).
  var isMarked: Bool { marks != nil }
  /// log2 of the table size: sized to the number of blocks the literals put in it, so that the table of a
  /// small group (the built-in rules' groups have tens of literals) stays in the L1 cache. With a fixed 64 KiB
  /// table the scan waited on an L2 load at every step (68 % of its samples on the instruction after the load).
  private let tableBits: Int
  /// Literals whose `m`-prefix ends with the block: `items[bucketStart[h]..<bucketStart[h + 1]]`.
  private let bucketStart: UnsafeMutablePointer<Int32>
  private let items: UnsafeMutablePointer<Int32>
  /// The literals' bytes back to back: literal `k` is `arena[literalStart[k]..<literalStart[k + 1]]`.
  private let arena: UnsafeMutablePointer<UInt8>
  private let literalStart: UnsafeMutablePointer<Int32>

  /// Table size bounds (log2): 1 KiB … 64 KiB (a bitmap in front from 16 KiB, see `marks`).
  static let minTableBits = 10
  static let maxTableBits = 16

  /// nil when a literal is shorter than 3 bytes (a window that short skips too little to pay off).
  init?(literals: [[UInt8]]) {
    guard let shortest = literals.map(\.count).min(), shortest >= 3 else { return nil }
    let m = min(shortest, 64)
    let b = m >= 10 ? 4 : m >= 6 ? 3 : 2
    windowLength = m
    blockSize = b
    // About 16 table entries per block the literals contribute keeps most shifts at their maximum.
    let blocks = literals.count * (m - b + 1)
    var bits = Self.minTableBits
    while bits < Self.maxTableBits && (1 << bits) < blocks * 16 { bits += 1 }
    tableBits = bits
    let size = 1 << bits
    let table = UnsafeMutablePointer<UInt8>.allocate(capacity: size)
    table.initialize(repeating: UInt8(m - b + 1), count: size)
    var lastBlock = [Int](repeating: 0, count: literals.count)
    for (k, lit) in literals.enumerated() {
      lit.withUnsafeBufferPointer { buf in
        let p = buf.baseAddress!
        for j in (b - 1)..<m {
          let h = Self.hash(p, j, b, bits)
          let s = UInt8(m - 1 - j)
          if s < table[h] { table[h] = s }
        }
        lastBlock[k] = Self.hash(p, m - 1, b, bits)
      }
    }
    shift = table
    maxShift = m - b + 1
    if bits >= Self.markedTableBits {
      let words = size / 64
      let bitmap = UnsafeMutablePointer<UInt64>.allocate(capacity: words)
      bitmap.initialize(repeating: 0, count: words)
      for h in 0..<size where Int(table[h]) < m - b + 1 { bitmap[h >> 6] |= 1 << UInt64(h & 63) }
      marks = bitmap
    } else {
      marks = nil
    }
    // Bucket literals by the block that ends their m-prefix (counting sort).
    let starts = UnsafeMutablePointer<Int32>.allocate(capacity: size + 1)
    starts.initialize(repeating: 0, count: size + 1)
    for h in lastBlock { starts[h + 1] += 1 }
    for h in 0..<size { starts[h + 1] += starts[h] }
    let flat = UnsafeMutablePointer<Int32>.allocate(capacity: max(1, literals.count))
    var used: [Int: Int32] = [:]
    for (k, h) in lastBlock.enumerated() {
      let before = used[h, default: 0]
      used[h] = before + 1
      flat[Int(starts[h] + before)] = Int32(k)
    }
    bucketStart = starts
    items = flat
    let total = literals.reduce(0) { $0 + $1.count }
    let bytes = UnsafeMutablePointer<UInt8>.allocate(capacity: max(1, total))
    let offsets = UnsafeMutablePointer<Int32>.allocate(capacity: literals.count + 1)
    var o = 0
    for (k, lit) in literals.enumerated() {
      offsets[k] = Int32(o)
      for x in lit {
        bytes[o] = x
        o += 1
      }
    }
    offsets[literals.count] = Int32(o)
    arena = bytes
    literalStart = offsets
  }

  deinit {
    shift.deallocate()
    marks?.deallocate()
    bucketStart.deallocate()
    items.deallocate()
    arena.deallocate()
    literalStart.deallocate()
  }

  /// Hash (`bits` wide) of the `b`-byte block ending at `p[i]` (the bytes read little-endian).
  @inline(__always)
  private static func hash(_ p: UnsafePointer<UInt8>, _ i: Int, _ b: Int, _ bits: Int) -> Int {
    var v = UInt32(p[i - 1]) | UInt32(p[i]) << 8
    if b >= 3 { v = UInt32(p[i - 2]) | v << 8 }
    if b == 4 { v = UInt32(p[i - 3]) | v << 8 }
    return Int((v &* 0x9E37_79B1) >> UInt32(32 - bits))
  }

  /// The same hash with one unaligned load; needs `i >= 3` (true in a scan: 3- and 4-byte blocks come with windows
  /// of at least 6 bytes, and a 2-byte block ending at `i` loads from `i - 1`). `shift` is `32 - bits`. Wrapping
  /// arithmetic only: this runs at every step of a scan.
  @inline(__always)
  private static func scanHash(_ p: UnsafePointer<UInt8>, _ i: Int, _ b: Int, _ shift: UInt32) -> Int {
    let v: UInt32
    if b == 4 {
      v = UInt32(littleEndian: UnsafeRawPointer(p + (i &- 3)).loadUnaligned(as: UInt32.self))
    } else if b == 3 {
      v = UInt32(littleEndian: UnsafeRawPointer(p + (i &- 3)).loadUnaligned(as: UInt32.self)) &>> 8
    } else {
      v = UInt32(UInt16(littleEndian: UnsafeRawPointer(p + (i &- 1)).loadUnaligned(as: UInt16.self)))
    }
    return Int((v &* 0x9E37_79B1) &>> shift)
  }

  /// True when at least one literal occurs in `text`.
  ///
  /// Each step of a skip scan waits on the table load of the step before it, so a text long enough is scanned as
  /// two or four stretches at once, in one loop: the chains of loads overlap in the CPU. Each cursor takes the
  /// windows that start in its stretch, so together they visit every window a single scan would. Tables read
  /// through their bitmap keep to two cursors: with four, the extra loads of a big table (10× the built-in
  /// rules) made the scan slower, not faster.
  func occursIn(_ text: Bytes) -> Bool {
    // One copy of the scan per block size and table kind, so that both are constants inside the loop.
    if marks != nil {
      switch blockSize {
      case 4: return occurs(in: text, block: 4, marked: true)
      case 3: return occurs(in: text, block: 3, marked: true)
      default: return occurs(in: text, block: 2, marked: true)
      }
    }
    switch blockSize {
    case 4: return occurs(in: text, block: 4, marked: false)
    case 3: return occurs(in: text, block: 3, marked: false)
    default: return occurs(in: text, block: 2, marked: false)
    }
  }

  /// What a scan step reads, copied out of the object once per text: as locals they stay in registers (read
  /// through `self`, the table pointer was loaded again and the hash width converted, with its overflow checks, at
  /// every step).
  private struct Scan {
    let shift: UnsafeMutablePointer<UInt8>
    let marks: UnsafeMutablePointer<UInt64>?
    let maxShift: Int
    let hashShift: UInt32
    let window: Int
  }

  /// The shift for block hash `h` (through the bitmap when `marked`).
  @inline(__always)
  private static func shift(_ t: Scan, at h: Int, marked: Bool) -> Int {
    if marked, let bits = t.marks, (bits[h &>> 6] &>> UInt64(h & 63)) & 1 == 0 { return t.maxShift }
    return Int(t.shift[h])
  }

  @inline(__always)
  private func occurs(in text: Bytes, block b: Int, marked: Bool) -> Bool {
    guard let p = text.base else { return false }
    let n = text.count
    let m = windowLength
    guard n >= m else { return false }
    let t = Scan(shift: shift, marks: marks, maxShift: maxShift, hashShift: UInt32(32 - tableBits), window: m)
    if !marked && n >= 4 * m + 64 {
      // Four cursors: each takes the windows that end in its quarter (shifted by the window length).
      let q = n / 4
      let e0 = q + m - 1
      let e1 = 2 * q + m - 1
      let e2 = 3 * q + m - 1
      var i0 = m - 1
      var i1 = e0
      var i2 = e1
      var i3 = e2
      while i0 < e0 && i1 < e1 && i2 < e2 && i3 < n {
        if step(t, p, n, &i0, block: b, marked: marked) { return true }
        if step(t, p, n, &i1, block: b, marked: marked) { return true }
        if step(t, p, n, &i2, block: b, marked: marked) { return true }
        if step(t, p, n, &i3, block: b, marked: marked) { return true }
      }
      return i0 < e0 && scan(t, p, n, from: i0, to: e0, block: b, marked: marked)
        || i1 < e1 && scan(t, p, n, from: i1, to: e1, block: b, marked: marked)
        || i2 < e2 && scan(t, p, n, from: i2, to: e2, block: b, marked: marked)
        || i3 < n && scan(t, p, n, from: i3, to: n, block: b, marked: marked)
    }
    if n >= 2 * m + 32 {
      let endA = n / 2 + m - 1
      var i = m - 1
      var j = endA
      while i < endA && j < n {
        if step(t, p, n, &i, block: b, marked: marked) { return true }
        if step(t, p, n, &j, block: b, marked: marked) { return true }
      }
      if i < endA { return scan(t, p, n, from: i, to: endA, block: b, marked: marked) }
      return j < n && scan(t, p, n, from: j, to: n, block: b, marked: marked)
    }
    return scan(t, p, n, from: m - 1, to: n, block: b, marked: marked)
  }

  /// One step of a cursor at window end `i`: true when a literal starts at the window; else moves `i` on.
  @inline(__always)
  private func step(
    _ t: Scan, _ p: UnsafePointer<UInt8>, _ n: Int, _ i: inout Int, block b: Int, marked: Bool
  ) -> Bool {
    let h = Self.scanHash(p, i, b, t.hashShift)
    let s = Self.shift(t, at: h, marked: marked)
    if s != 0 {
      i &+= s
      return false
    }
    if verify(p, n, i &- (t.window &- 1), h) { return true }
    i &+= 1
    return false
  }

  /// The single-cursor scan over windows ending at `from..<to` (`to <= n`).
  @inline(__always)
  private func scan(
    _ t: Scan, _ p: UnsafePointer<UInt8>, _ n: Int, from: Int, to: Int, block b: Int, marked: Bool
  ) -> Bool {
    var i = from
    while i < to {
      if step(t, p, n, &i, block: b, marked: marked) { return true }
    }
    return false
  }

  @inline(never)
  private func verify(_ p: UnsafePointer<UInt8>, _ n: Int, _ start: Int, _ h: Int) -> Bool {
    for k in Int(bucketStart[h])..<Int(bucketStart[h + 1]) {
      let lit = Int(items[k])
      let a = Int(literalStart[lit])
      let len = Int(literalStart[lit + 1]) - a
      if start + len <= n && memcmp(p + start, arena + a, len) == 0 { return true }
    }
    return false
  }
}
