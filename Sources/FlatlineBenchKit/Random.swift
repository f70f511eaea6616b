#if canImport(Glibc)
  import Glibc
#endif
/// SplitMix64: a small, fast, seedable generator so that every corpus is byte-for-byte reproducible.
public struct SeededRandom {
  private var state: UInt64

  public init(seed: UInt64) { state = seed }

  @inline(__always) public mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// Uniform in `0..<n` (n > 0).
  @inline(__always) public mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }

  /// Uniform in `range`.
  @inline(__always) public mutating func int(_ range: ClosedRange<Int>) -> Int {
    range.lowerBound + below(range.upperBound - range.lowerBound + 1)
  }
}

/// An append-only byte buffer with the few formatting helpers the generators need (no `String` per line).
/// Writes all of `bytes` to `fd`, retrying after EINTR and short writes.
func writeAll(_ fd: Int32, _ bytes: [UInt8], path: String) throws {
  var off = 0
  try bytes.withUnsafeBytes { p in
    while off < p.count {
      let n = Glibc.write(fd, p.baseAddress! + off, p.count - off)
      if n < 0 {
        if errno == EINTR { continue }
        throw GeneratorError("write \(path): \(String(cString: strerror(errno)))")
      }
      off += n
    }
  }
}

public struct ByteWriter {
  public var bytes: [UInt8] = []

  public init(capacity: Int) { bytes.reserveCapacity(capacity) }

  @inline(__always) public mutating func put(_ s: StaticString) {
    s.withUTF8Buffer { bytes.append(contentsOf: $0) }
  }

  @inline(__always) public mutating func put(_ s: String) { bytes.append(contentsOf: s.utf8) }

  @inline(__always) public mutating func put(_ b: [UInt8]) { bytes.append(contentsOf: b) }

  @inline(__always) public mutating func byte(_ c: UInt8) { bytes.append(c) }

  /// Decimal, at least `width` digits (zero-padded) or space-padded when `pad` is a space.
  public mutating func num(_ v0: Int, width: Int = 0, pad: UInt8 = 48) {
    var v = v0
    if v < 0 {
      bytes.append(45)
      v = -v
    }
    var tmp: (UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8, UInt8,
      UInt8, UInt8, UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0)
    var n = 0
    withUnsafeMutableBytes(of: &tmp) { t in
      repeat {
        t[n] = UInt8(48 + v % 10)
        v /= 10
        n += 1
      } while v > 0
      if n < width { for _ in 0..<(width - n) { bytes.append(pad) } }
      var i = n - 1
      while i >= 0 {
        bytes.append(t[i])
        i -= 1
      }
    }
  }

  /// `n` lowercase hex digits from `r`.
  public mutating func hex(_ n: Int, _ r: inout SeededRandom) {
    var v = r.next()
    for i in 0..<n {
      if i % 16 == 15 { v = r.next() }
      let d = UInt8(v & 15)
      v >>= 4
      bytes.append(d < 10 ? 48 + d : 87 + d)
    }
  }

  /// `n` characters of base64 alphabet.
  public mutating func base64(_ n: Int, _ r: inout SeededRandom) {
    let alphabet: StaticString = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    var v = r.next()
    for i in 0..<n {
      if i % 10 == 9 { v = r.next() }
      bytes.append(alphabet.utf8Start[Int(v & 63)])
      v >>= 6
    }
  }

  public mutating func ipv4(_ r: inout SeededRandom, prefix: StaticString = "10.") {
    put(prefix)
    num(r.below(256))
    byte(46)
    num(r.below(256))
    byte(46)
    num(1 + r.below(254))
  }

  public var count: Int { bytes.count }
  public mutating func clear() { bytes.removeAll(keepingCapacity: true) }
}
