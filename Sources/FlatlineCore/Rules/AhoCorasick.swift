/// A byte-level Aho–Corasick automaton compiled into a full DFA over byte classes.
///
/// Bytes that occur in no pattern share class 0, so the transition table has `states × classes` entries
/// (a few dozen classes for log anchors instead of 256). Scanning costs one table load per byte whatever the
/// number of patterns; while in the root state, bytes that start no pattern are skipped with a table test.
struct AhoCorasick {
  /// Byte → class (0 = in no pattern).
  private let classOf: [UInt16]
  private let classCount: Int
  /// `delta[state * classCount + class]` = next state.
  private let delta: [Int32]
  /// Pattern ids reported in state `s`: `outputs[outStart[s]..<outStart[s + 1]]` (suffix outputs merged).
  private let outStart: [Int32]
  private let outputs: [Int32]
  /// True for bytes that leave the root state.
  private let starts: [Bool]
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
    classOf = cls
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
    delta = d
    var starts = [Int32]()
    starts.reserveCapacity(stateCount + 1)
    var flat: [Int32] = []
    for s in 0..<stateCount {
      starts.append(Int32(flat.count))
      flat.append(contentsOf: out[s])
    }
    starts.append(Int32(flat.count))
    outStart = starts
    outputs = flat
    var st = [Bool](repeating: false, count: 256)
    for b in 0..<256 where cls[b] != 0 && d[Int(cls[b])] != 0 { st[b] = true }
    self.starts = st
  }

  /// Calls `report(patternID)` for every pattern occurrence in `text` (one call per end position and pattern).
  @inline(__always)
  func scan(_ text: Bytes, _ report: (Int32) -> Void) {
    guard let base = text.base, text.count > 0 else { return }
    let n = text.count
    classOf.withUnsafeBufferPointer { cls in
      delta.withUnsafeBufferPointer { dl in
        starts.withUnsafeBufferPointer { st in
          outStart.withUnsafeBufferPointer { os in
            outputs.withUnsafeBufferPointer { op in
              let C = classCount
              var s = 0
              var i = 0
              while i < n {
                if s == 0 {
                  while i < n && !st[Int(base[i])] { i += 1 }
                  if i == n { break }
                }
                s = Int(dl[s * C + Int(cls[Int(base[i])])])
                i += 1
                let a = Int(os[s])
                let b = Int(os[s + 1])
                if a != b {
                  for k in a..<b { report(op[k]) }
                }
              }
            }
          }
        }
      }
    }
  }
}
