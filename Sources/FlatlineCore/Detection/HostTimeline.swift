/// One stream's view of one host: its boots in order, and whether the stream can show shutdowns at all.
public final class StreamTimeline {
  public var name: String
  public var aliases: [String] = []
  public var machineID: String?
  public let isJournal: Bool
  public var canShowShutdowns: Bool
  public var boots: [BootState]
  public private(set) var verdicts: [BootVerdict] = []

  init(_ s: BootSequencer) {
    name = s.hostName
    machineID = s.machineID
    isJournal = s.isJournal
    canShowShutdowns = s.isJournal || s.sawUserspace
    boots = s.boots
  }

  /// Appends the timeline of the same machine under its next name (a host rename).
  func appendRenamed(_ other: StreamTimeline) {
    if other.name != name, !aliases.contains(name) { aliases.append(name) }
    for a in other.aliases where !aliases.contains(a) { aliases.append(a) }
    name = other.name
    canShowShutdowns = canShowShutdowns || other.canShowShutdowns
    var rest = other.boots[...]
    if let first = rest.first, !first.startKnown, let last = boots.last {
      last.absorb(first)
      rest = rest.dropFirst()
    }
    boots += rest
  }

  func judge() {
    verdicts = boots.indices.map { i in
      BootJudge.judge(boots[i], next: i + 1 < boots.count ? boots[i + 1] : nil, streamCanShowShutdowns: canShowShutdowns)
    }
  }
}

/// A boot of a host as seen by one or more streams (the same boot in the journal and in syslog is one boot).
public struct MergedBoot {
  public var members: [(timeline: Int, boot: Int)]
}

/// Merges the streams of each host into one timeline of boots.
public enum HostMerger {
  /// Two boots from different streams are the same boot when their starts are this close.
  static let startTolerance: Int64 = 120 * 1_000_000

  public static func hosts(from sequencers: [BootSequencer]) -> [(timelines: [StreamTimeline], boots: [MergedBoot])] {
    var timelines = renameChains(sequencers.filter { !$0.boots.isEmpty })
    timelines.sort { ($0.isJournal ? 0 : 1, $0.name) < ($1.isJournal ? 0 : 1, $1.name) }
    for t in timelines { t.judge() }
    // Group by machine: journals by machine ID, text logs by host name; text names join a journal of that name.
    var groups: [[StreamTimeline]] = []
    var byKey: [String: Int] = [:]
    for t in timelines {
      let nameKey = "name:" + shortName(t.name)
      let machineKey = t.machineID.map { "machine:" + $0 }
      if let mk = machineKey, let g = byKey[mk] {
        groups[g].append(t)
      } else if let g = byKey[nameKey] {
        groups[g].append(t)
        if let mk = machineKey { byKey[mk] = g }
      } else {
        groups.append([t])
        byKey[nameKey] = groups.count - 1
        if let mk = machineKey { byKey[mk] = groups.count - 1 }
      }
      for a in t.aliases where byKey["name:" + shortName(a)] == nil { byKey["name:" + shortName(a)] = byKey[nameKey] }
    }
    return groups.map { group in
      // The stream with the most boots leads; journals first on ties (they carry boot IDs).
      let ordered = group.enumerated().sorted { a, b in
        if a.element.boots.count != b.element.boots.count { return a.element.boots.count > b.element.boots.count }
        return a.offset < b.offset
      }.map(\.element)
      var merged = ordered[0].boots.indices.map { MergedBoot(members: [(0, $0)]) }
      for ti in 1..<max(1, ordered.count) {
        merged = align(merged, ordered, ti)
      }
      return (ordered, merged)
    }
  }

  static func shortName(_ n: String) -> String {
    String(n.lowercased().split(separator: ".", maxSplits: 1).first ?? "")
  }

  /// Host names of one stream that never alternate (one stops, the next starts) are one renamed machine.
  static func renameChains(_ seqs: [BootSequencer]) -> [StreamTimeline] {
    var out: [StreamTimeline] = []
    let byStream = Dictionary(grouping: seqs, by: \.stream)
    for stream in byStream.keys.sorted() {
      let group = byStream[stream]!.sorted { $0.firstStreamOrdinal < $1.firstStreamOrdinal }
      let text = group.filter { !$0.isJournal }
      out += group.filter(\.isJournal).map(StreamTimeline.init)
      guard !text.isEmpty else { continue }
      let chained = zip(text, text.dropFirst()).allSatisfy { $0.lastStreamOrdinal < $1.firstStreamOrdinal }
      if chained && text.count > 1 {
        let t = StreamTimeline(text[0])
        for s in text.dropFirst() { t.appendRenamed(StreamTimeline(s)) }
        out.append(t)
      } else {
        out += text.map(StreamTimeline.init)
      }
    }
    return out
  }

  static func same(_ a: BootState, _ b: BootState, firstA: Bool, firstB: Bool) -> Bool {
    if let x = a.bootID, let y = b.bootID { return x == y }
    if !a.startKnown || !b.startKnown { return !a.startKnown && !b.startKnown && firstA && firstB }
    guard a.firstTime != Record.noTime, b.firstTime != Record.noTime else { return false }
    return abs(a.firstTime - b.firstTime) <= startTolerance
  }

  /// True when `a` is known to start after `b` (used to order boots only one stream saw).
  static func startsAfter(_ a: BootState, _ b: BootState) -> Bool {
    guard a.startKnown, b.startKnown else { return b.startKnown && !a.startKnown ? false : !a.startKnown ? false : true }
    return a.firstTime > b.firstTime
  }

  /// Aligns timeline `ti`'s boots with the merged list (longest common subsequence; order kept on both sides).
  static func align(_ merged: [MergedBoot], _ tl: [StreamTimeline], _ ti: Int) -> [MergedBoot] {
    let other = tl[ti].boots
    let n = merged.count
    let m = other.count
    guard m > 0 else { return merged }
    func rep(_ i: Int) -> BootState { let x = merged[i].members[0]; return tl[x.timeline].boots[x.boot] }
    var dp = Array(repeating: Array(repeating: 0, count: m + 1), count: n + 1)
    for i in stride(from: n - 1, through: 0, by: -1) {
      for j in stride(from: m - 1, through: 0, by: -1) {
        if same(rep(i), other[j], firstA: i == 0, firstB: j == 0) {
          dp[i][j] = dp[i + 1][j + 1] + 1
        } else {
          dp[i][j] = max(dp[i + 1][j], dp[i][j + 1])
        }
      }
    }
    var out: [MergedBoot] = []
    var i = 0
    var j = 0
    while i < n || j < m {
      if i < n, j < m, same(rep(i), other[j], firstA: i == 0, firstB: j == 0), dp[i][j] == dp[i + 1][j + 1] + 1 {
        var mb = merged[i]
        mb.members.append((ti, j))
        out.append(mb)
        i += 1
        j += 1
      } else if i < n && (j >= m || dp[i + 1][j] > dp[i][j + 1]
        || (dp[i + 1][j] == dp[i][j + 1] && !startsAfter(rep(i), other[j])))
      {
        out.append(merged[i])
        i += 1
      } else {
        out.append(MergedBoot(members: [(ti, j)]))
        j += 1
      }
    }
    return out
  }
}
