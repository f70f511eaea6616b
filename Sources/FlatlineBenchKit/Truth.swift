/// `PlantedTruth` as a small text file next to a corpus (`key value` lines), so a kept corpus is not regenerated.
extension PlantedTruth {
  public var text: String {
    var s = "boots \(boots)\nunclean \(unclean)\nrecords \(records)\nbytes \(bytes)\n"
    for k in hits.keys.sorted() { s += "hit \(k) \(hits[k]!)\n" }
    return s
  }

  public init?(text: String) {
    self.init()
    for line in text.split(separator: "\n") {
      let f = line.split(separator: " ")
      guard f.count >= 2 else { return nil }
      switch f[0] {
      case "boots": boots = Int(f[1]) ?? -1
      case "unclean": unclean = Int(f[1]) ?? -1
      case "records": records = Int(f[1]) ?? -1
      case "bytes": bytes = Int(f[1]) ?? -1
      case "hit" where f.count == 3: hits[String(f[1])] = Int(f[2]) ?? -1
      default: return nil
      }
    }
  }

  /// Differences between what the analysis found and what was planted (empty when they agree).
  public func differences(boots b: Int, unclean u: Int, hits h: [String: Int]) -> [String] {
    var out: [String] = []
    if b != boots { out.append("boots: found \(b), planted \(boots)") }
    if u != unclean { out.append("unclean endings: found \(u), planted \(unclean)") }
    for k in Set(hits.keys).union(h.keys).sorted() where hits[k, default: 0] != h[k, default: 0] {
      out.append("rule \(k): found \(h[k, default: 0]), planted \(hits[k, default: 0])")
    }
    return out
  }
}
