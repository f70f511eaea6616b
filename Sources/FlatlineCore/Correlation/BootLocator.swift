/// Places a rule hit in the boot it was logged in, by position rather than by clock.
///
/// Clocks jump (RTC-less boards restore an old time at boot, timesyncd moves it hours later), so a time window can
/// give a recovery line to the wrong outage. Position does not lie: a journal entry carries its boot ID, and a text
/// line belongs to the boot whose first line precedes it in the same stream (files of a rotation set are read, and
/// registered, oldest first, so (input index, line) orders a stream). Hits from inputs without boots of their own
/// (native datastore logs) fall back to time: the boot whose start is the latest at or before the hit.
public struct BootLocator {
  /// Boot starts per (host index, stream): (input, line, boot row), in stream order.
  private var starts: [StreamKey: [(input: Int32, line: Int, row: Int)]] = [:]
  private struct StreamKey: Hashable {
    var host: Int
    var stream: Int
  }
  /// Journal boot ID → (host index, boot row).
  private var byBootID: [String: (host: Int, row: Int)] = [:]

  public init() {}

  /// Records where the boots of host `host` begin: `members[row]` lists the stream boots merged into report row
  /// `row`.
  mutating func add(host: Int, timelines: [StreamTimeline], merged: [MergedBoot], ids: [String]) {
    // Only this host's lists are sorted here: sorting every host's again at each host made a central server's log
    // of 10,000 hosts spend most of its time in this loop.
    var added = Set<StreamKey>()
    for (row, mb) in merged.enumerated() {
      byBootID[ids[row]] = (host, row)
      for m in mb.members {
        let t = timelines[m.timeline]
        let b = t.boots[m.boot]
        if let id = b.bootID { byBootID[id] = (host, row) }
        guard !t.isJournal, b.startKnown, let o = b.opener else { continue }
        let key = StreamKey(host: host, stream: t.stream)
        starts[key, default: []].append((o.location.input, o.location.line, row))
        added.insert(key)
      }
    }
    for k in added {
      starts[k]!.sort { ($0.input, $0.line) < ($1.input, $1.line) }
    }
  }

  /// The report row of the boot a hit was logged in on host `host`, or nil when position cannot tell.
  func row(of hit: RuleHit, host: Int, stream: Int) -> Int? {
    if let id = hit.bootID, let p = byBootID[id], p.host == host { return p.row }
    guard let list = starts[StreamKey(host: host, stream: stream)], !list.isEmpty else {
      // A stream of this host without boot starts (auth.log): its lines still follow the stream order, but the
      // boots are unknown here; fall back to time.
      return nil
    }
    let loc = (hit.location.input, hit.location.line)
    var best: Int?
    for s in list where (s.input, s.line) <= loc { best = s.row }
    // Before the stream's first boot start: the boot that was running when the data began (row 0 if it exists).
    return best ?? (list[0].row > 0 ? list[0].row - 1 : 0)
  }
}
