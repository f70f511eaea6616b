/// A byte-level Aho–Corasick automaton compiled into a full DFA over byte classes.
///
/// Bytes that occur in no pattern share class 0, so the transition table has `states × classes` entries
/// (a few dozen classes for log anchors instead of 256). Scanning costs one table load per byte whatever the
/// number of patterns; while in the root state, bytes that start no pattern are skipped with a table test.
final class AhoCorasick {
  /// Byte → class (0 = in no pattern).
  private let classOf: UnsafeMutablePointer<Int32>
  private let classCount: Int
  /// `delta[s + class]` for the premultiplied state `s` (= state × classCount) is the premultiplied next state,
  /// bitwise-complemented (negative) when that state reports patterns.
  private let delta: UnsafeMutablePointer<Int32>
  /// Pattern ids reported in state `s`: `outputs[outStart[s]..<outStart[s + 1]]` (suffix outputs merged).
  private let outStart: [Int32]
  private let outputs: [Int32]
  /// 1 for bytes that leave the root state.
  private let starts: UnsafeMutablePointer<UInt8>
  let patternCount: Int

  /// Patterns must be non-empty.
  init(patterns: [[UInt8]]) {
    patternCount = patterns.count
    // Byte classes: every distinct byte used by a pattern gets its own class (cheap and exact).
    var cls = [UInt16](repeating: 0, count: 256)
    var next = 1
    for p in patterns {
      for b in p where cls[Int(b)] == 0 {
        cls[Int(b)] = UInt16(next)
        next += 1
      }
    }
    classCount = next
    let C = classCount

    // Trie with goto transitions (-1 = none).
    var go: [Int32] = Array(repeating: -1, count: C)
    var own: [[Int32]] = [[]]
    for (pid, p) in patterns.enumerated() {
      var s = 0
      for b in p {
        let c = Int(cls[Int(b)])
        let t = go[s * C + c]
        if t >= 0 {
          s = Int(t)
        } else {
          let n = own.count
          own.append([])
          go.append(contentsOf: repeatElement(-1, count: C))
          go[s * C + c] = Int32(n)
          s = n
        }
      }
      own[s].append(Int32(pid))
    }
    let stateCount = own.count
    // BFS: failure links, full DFA, merged outputs.
    var fail = [Int32](repeating: 0, count: stateCount)
    var d = [Int32](repeating: 0, count: stateCount * C)
    var out = own
    var queue: [Int] = []
    queue.reserveCapacity(stateCount)
    for c in 0..<C {
      let t = go[c]
      if t >= 0 {
        d[c] = t
        fail[Int(t)] = 0
        queue.append(Int(t))
      } else {
        d[c] = 0
      }
    }
    var head = 0
    while head < queue.count {
      let s = queue[head]
      head += 1
      let f = Int(fail[s])
      if !out[f].isEmpty { out[s].append(contentsOf: out[f]) }
      for c in 0..<C {
        let t = go[s * C + c]
        if t >= 0 {
          fail[Int(t)] = d[f * C + c]
          d[s * C + c] = t
          queue.append(Int(t))
        } else {
          d[s * C + c] = d[f * C + c]
        }
      }
    }
    // Flat tables for the scan: premultiplied next states (`t * C`), bitwise-complemented when `t` reports.
    let table = UnsafeMutablePointer<Int32>.allocate(capacity: stateCount * C)
    for k in 0..<(stateCount * C) {
      let t = Int(d[k])
      table[k] = out[t].isEmpty ? Int32(t * C) : ~Int32(t * C)
    }
    delta = table
    let classes = UnsafeMutablePointer<Int32>.allocate(capacity: 256)
    let startBytes = UnsafeMutablePointer<UInt8>.allocate(capacity: 256)
    for b in 0..<256 {
      classes[b] = Int32(cls[b])
      startBytes[b] = cls[b] != 0 && d[Int(cls[b])] != 0 ? 1 : 0
    }
    classOf = classes
    starts = startBytes
    var firstOutput = [Int32]()
    firstOutput.reserveCapacity(stateCount + 1)
    var flat: [Int32] = []
    for s in 0..<stateCount {
      firstOutput.append(Int32(flat.count))
      flat.append(contentsOf: out[s])
    }
    firstOutput.append(Int32(flat.count))
    outStart = firstOutput
    outputs = flat
  }

  deinit {
    delta.deallocate()
    classOf.deallocate()
    starts.deallocate()
  }

  /// Calls `report(patternID)` for every pattern occurrence in `text` (one call per end position and pattern).
  /// The loop is one class load and one table load per byte (no bounds checks); in the root state, bytes that
  /// start no pattern are skipped with a byte-table test.
  @inline(__always)
  func scan(_ text: Bytes, _ report: (Int32) -> Void) {
    guard let p = text.base, text.count > 0 else { return }
    let end = p + text.count
    let cls = classOf
    let dl = delta
    let st = starts
    var q = p
    var s = 0
    while q < end {
      if s == 0 {
        while q < end && st[Int(q.pointee)] == 0 { q += 1 }
        if q == end { break }
      }
      let v = dl[s &+ Int(cls[Int(q.pointee)])]
      q += 1
      if v >= 0 {
        s = Int(v)
      } else {
        s = Int(~v)
        reportOutputs(s / classCount, report)
      }
    }
  }

  @inline(never)
  private func reportOutputs(_ state: Int, _ report: (Int32) -> Void) {
    let a = Int(outStart[state])
    let b = Int(outStart[state + 1])
    for k in a..<b { report(outputs[k]) }
  }
}
