/// One stream's view of one host: its boots in order, and whether the stream can show shutdowns at all.
public final class StreamTimeline {
  /// The stream (rotation set, journal directory) this timeline was read from.
  public let stream: Int
  public var name: String
  public var aliases: [String] = []
  public var machineID: String?
  public let isJournal: Bool
  /// A wtmp/utmp stream: it shows boots and shutdown records but little else (a poorer source than text logs).
  public let isLoginRecords: Bool
  /// Its times are whole minutes (`BootSequencer.timesInMinutes`).
  public let timesInMinutes: Bool
  public var canShowShutdowns: Bool
  /// The stream had a kernel line (`BootSequencer.sawKernel`).
  public var sawKernel: Bool
  /// Why none of the endings can be judged from this stream: its text interleaves the host's boots, or runs
  /// backwards in time.
  public var interleaved: EvidenceRecord?
  public var boots: [BootState]
  public private(set) var verdicts: [BootVerdict] = []
  /// For a text stream that never saw a boot begin: the latest boot start another stream of the host saw inside
  /// its one boot. Such a file (`auth.log`, `daemon.log`: no kernel lines) runs across the host's reboots, and what
  /// it saw of an ending (logind's `System is rebooting.`, systemd's stop lines) may be an earlier boot's. See
  /// `HostMerger.markSpans`.
  public internal(set) var spannedStart: Int64?

  /// A text stream none of whose lines named a host (its name is a stand-in).
  public private(set) var hostless: Bool
  /// journalctl text without kernel lines split at its `-- Boot <id> --` lines (`HostMerger.splitAtBootLines`): a
  /// dump filtered by unit, identifier or priority, which cannot show how its boots ended.
  public internal(set) var filteredDump = false
  /// Why this stream's endings cannot be judged, when `canShowShutdowns` is false.
  var cannotShowShutdowns: String {
    filteredDump
      ? "this journalctl output has no kernel lines (filtered by unit, identifier or priority?): it shows where the "
        + "journal's boots began, not how they ended"
      : "this source cannot show shutdown sequences (kernel messages only)"
  }

  init(_ s: BootSequencer) {
    stream = s.stream
    name = s.hostName
    hostless = !s.isJournal && !s.isLoginRecords && s.hostKey.isEmpty
    machineID = s.machineID
    isJournal = s.isJournal
    isLoginRecords = s.isLoginRecords
    timesInMinutes = s.timesInMinutes
    // wtmp shows shutdowns by construction: `last -x` calls a boot without a shutdown record before the next
    // boot a crash.
    canShowShutdowns = s.isJournal || s.sawUserspace || s.isLoginRecords
    sawKernel = s.sawKernel
    interleaved = s.interleaved
    boots = s.boots
  }

  /// Appends the timeline of the same machine under its next name (a host rename).
  func appendRenamed(_ other: StreamTimeline) {
    // Lines before the first that names a host are that host's, under no other name.
    if other.name != name, !hostless, !aliases.contains(name) { aliases.append(name) }
    hostless = hostless && other.hostless
    for a in other.aliases where !aliases.contains(a) { aliases.append(a) }
    name = other.name
    canShowShutdowns = canShowShutdowns || other.canShowShutdowns
    sawKernel = sawKernel || other.sawKernel
    interleaved = interleaved ?? other.interleaved
    var rest = other.boots[...]
    if let first = rest.first, !first.startKnown, let last = boots.last {
      // Merge copies: the sequencers' boots must stay untouched (tail mode merges the live state again and again).
      let merged = last.copy()
      merged.absorb(first)
      boots[boots.count - 1] = merged
      rest = rest.dropFirst()
    }
    boots += rest
  }

  /// How much less sure a verdict from login records alone is: wtmp misses shutdown records now and then
  /// (systemd #13138) and carries no crash or recovery evidence of its own.
  static let loginRecordsPenalty = 0.1

  func judge() {
    if let e = interleaved {
      // The boots seen here mix several real ones: no ending, not even `running`, can be told.
      verdicts = boots.map { b in
        BootVerdict(ending: .unknown, confidence: 0, evidence: (b.lastSignOfLife.map { [$0] } ?? []) + [e], end: nil)
      }
      return
    }
    verdicts = boots.indices.map { i in
      var v = BootJudge.judge(
        boots[i], next: i + 1 < boots.count ? boots[i + 1] : nil, streamCanShowShutdowns: canShowShutdowns,
        cannotShowWhy: cannotShowShutdowns)
      if isLoginRecords, v.ending != .running, v.ending != .unknown {
        v.confidence = max(0, v.confidence - Self.loginRecordsPenalty)
      }
      return v
    }
    if let start = spannedStart, verdicts[0].evidence.contains(where: { $0.time != Record.noTime && $0.time < start })
    {
      // Some of what this verdict rests on was logged before a boot that began inside this stream's boot: it
      // belongs to an earlier boot, so the stream says nothing of how this one ended.
      verdicts[0] = BootVerdict(ending: .unknown, confidence: 0, evidence: [], end: nil, silent: true)
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

  /// `hostlessName`: the name of a text stream whose lines name no host (RFC 3164 allows that; BusyBox syslogd
  /// `-S` writes none), by stream; nil keeps `unknown`. Without it, such streams from two folders — two routers —
  /// would be one host `unknown`, and one's boot would end the other's.
  public static func hosts(
    from sequencers: [BootSequencer], hostlessName: ((Int) -> String?)? = nil
  ) -> [(timelines: [StreamTimeline], boots: [MergedBoot])] {
    var timelines = renameChains(sequencers.filter { !$0.boots.isEmpty })
    if let hostlessName {
      for t in timelines where t.hostless {
        if let n = hostlessName(t.stream) { t.name = n }
      }
    }
    // Journals first (they carry boot IDs), login records last (they carry least); the order breaks ties of the
    // lead below.
    func rank(_ t: StreamTimeline) -> Int { t.isJournal ? 0 : t.isLoginRecords ? 2 : 1 }
    timelines.sort { (rank($0), $0.name) < (rank($1), $1.name) }
    // Group by machine: journals by machine ID, text logs by host name; text names join a journal of that name.
    var groups: [[StreamTimeline]] = []
    var byKey: [String: Int] = [:]
    for t in timelines {
      let nameKey = "name:" + shortName(t.name)
      var machineKey = t.machineID.map { "machine:" + $0 }
      // Two machines cloned from one image without a new machine ID: one ID, two names, boots at the same time.
      if let mk = machineKey, let g = byKey[mk], groups[g].contains(where: { clones($0, t) }) { machineKey = nil }
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
      // (Boots cut by their own lines first: the starts they give place the other streams' boots too.)
      splitAtBootLines(group)
      splitAtOwnStarts(group)
      markSpans(group)
      splitAtDaemonStarts(group)
      for t in group { t.judge() }
      // The stream with the most boots leads; journals first on ties (they carry boot IDs). Streams with boots
      // that run across another stream's boot start come last: their boots are placed by those starts.
      let ordered = group.enumerated().sorted { a, b in
        let sa = a.element.spannedStart != nil
        let sb = b.element.spannedStart != nil
        if sa != sb { return !sa }
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

  /// Whether journals `a` and `b`, of one machine ID, are two machines: VMs cloned from an image whose
  /// `/etc/machine-id` was not reset share the ID. Their names differ, and one boot of each runs at the same time as
  /// one of the other (by more than the start tolerance), which a single machine cannot do; a renamed machine's
  /// names follow each other.
  static func clones(_ a: StreamTimeline, _ b: StreamTimeline) -> Bool {
    guard a.isJournal, b.isJournal, a.machineID == b.machineID, shortName(a.name) != shortName(b.name) else {
      return false
    }
    for x in a.boots where x.firstTime != Record.noTime && x.lastTime != Record.noTime {
      for y in b.boots where y.bootID != x.bootID && y.firstTime != Record.noTime && y.lastTime != Record.noTime {
        if min(x.lastTime, y.lastTime) - max(x.firstTime, y.firstTime) > startTolerance { return true }
      }
    }
    return false
  }

  /// Finds the text streams of `group` that never saw a boot begin and inside whose one boot another of its
  /// streams saw a boot begin (`StreamTimeline.spannedStart`): a start later than the boot's first record and not
  /// after its last. A login-records boot record comes up to `loginBootDelay` after the kernel banner, so such a
  /// start counts only that much after the first record. Starts stamped before the clock was set say nothing about
  /// where they fall.
  ///
  /// Only streams without any boot start: where a stream has boots of its own, a start of another stream inside
  /// one of them is more likely a clock that went back at boot (RTC-less boards restore an old time) than a boot
  /// the stream missed.
  static func markSpans(_ group: [StreamTimeline]) {
    let starts = knownStarts(group)
    for (ti, t) in group.enumerated() {
      t.spannedStart = nil
      guard !t.isJournal, !t.isLoginRecords, t.boots.count == 1, let b = t.boots.first, !b.startKnown,
        b.firstTime != Record.noTime, b.lastTime != Record.noTime
      else { continue }
      for s in starts where s.timeline != ti && s.time <= b.lastTime {
        guard s.time > b.firstTime + (s.login ? loginBootDelay : 0) else { continue }
        t.spannedStart = max(t.spannedStart ?? s.time, s.time)
      }
      // The stream's own `Startup finished` lines go by the stream's order: a start line they confirm after its
      // first record began a boot inside it, whatever its time.
      for k in ownStartLines(b) ?? [] where b.daemonMarks[k].ordinal > 0 && b.daemonMarks[k].time != Record.noTime {
        t.spannedStart = max(t.spannedStart ?? b.daemonMarks[k].time, b.daemonMarks[k].time)
      }
    }
  }

  /// The known boot starts of `group`'s timelines, with the timeline and whether it holds login records. `own`: a
  /// start a text stream that shows no boot start of its own tells by its `Startup finished` lines
  /// (`BootState.ownStarts`); it places that stream's boots as another stream's start would.
  static func knownStarts(_ group: [StreamTimeline]) -> [(timeline: Int, time: Int64, login: Bool, own: Bool)] {
    group.enumerated().flatMap { ti, t in
      let own = t.boots.count == 1 && !t.boots[0].startKnown ? t.boots[0].ownStarts.map(\.time) : []
      return t.boots.compactMap { b in b.knownStart.map { (ti, $0, t.isLoginRecords, false) } }
        + own.map { (ti, $0, false, true) }
    }
  }

  /// Splits the one boot of each stream `markSpans` found spanning other streams' boot starts at its syslog
  /// daemon's start lines (`BootState.DaemonMark`) that those starts confirm: a `syslog` or `messages` that gets no
  /// kernel lines (rsyslog's `kern.none`, `kern.*` to `kern.log` only) still logs the daemon's start at every boot,
  /// and its shutdown lines and last records before each. A start line within `startTolerance` of a boot start of
  /// another stream (the kernel banner in `kern.log`, a journal's first entry; a wtmp boot record up to
  /// `loginBootDelay` after it) begins a boot of this stream; a start
  /// line no other stream's boot start confirms is a restart of the daemon within a boot (a package upgrade, a
  /// configuration change), not a boot. The stream's own `Startup finished` lines (`BootState.ownStarts`) confirm a
  /// start line too: the first one written between the kernel's start and the line, after the boot before. The
  /// stream is left whole when a boot start has no start line here, or any boot of the split would still run
  /// across another stream's start: its lines around that boot are not all there.
  static func splitAtDaemonStarts(_ group: [StreamTimeline]) {
    for (ti, t) in group.enumerated() where t.spannedStart != nil {
      guard t.aliases.isEmpty, t.boots.count == 1 else { continue }
      let whole = t.boots[0]
      guard !whole.daemonMarksOverflow, !whole.daemonMarks.isEmpty, whole.firstTime != Record.noTime,
        whole.lastTime != Record.noTime
      else { continue }
      // (Read again for each stream: one split before it may have given starts.)
      let starts = knownStarts(group).filter { $0.timeline != ti }
      let marks = whole.daemonMarks
      guard var confirmed = ownStartLines(whole) else { continue }
      var complete = true
      for s in starts where s.time >= whole.firstTime - startTolerance && s.time <= whole.lastTime {
        // A wtmp boot record comes when userspace starts, up to `loginBootDelay` after the kernel: the daemon's
        // start line can come that much before it.
        let before = s.login ? loginBootDelay : startTolerance
        func distance(_ k: Int) -> Int64 { abs(marks[k].time - s.time) }
        let near = marks.indices.filter {
          marks[$0].time != Record.noTime && marks[$0].time >= s.time - before && marks[$0].time <= s.time + startTolerance
        }
        if let k = near.min(by: { distance($0) < distance($1) }) {
          confirmed.insert(k)
        } else if s.time > whole.firstTime + before {
          complete = false
          break
        }
      }
      guard complete, !confirmed.isEmpty else { continue }
      let split = BootState.split(whole, at: confirmed.sorted().map { marks[$0] })
      let spans = split.contains { b in
        starts.contains { s in
          b.firstTime != Record.noTime && s.time > b.firstTime + (s.login ? loginBootDelay : startTolerance)
            && s.time <= b.lastTime
        }
      }
      guard !spans else { continue }
      t.boots = split
      t.spannedStart = nil
    }
  }

  /// journalctl text without kernel lines — a dump filtered by unit, identifier or priority (`journalctl -u
  /// postgresql`) — shows where the journal's boots began only by its `-- Boot <id> --` lines
  /// (`BootState.bootLineMarks`); it has no banner and no shutdown sequence. Its one boot is split there, each part
  /// named by its boot ID (the first, begun before the data, has none; nor do older systemd's `-- Reboot --` lines name
  /// one), and it cannot show how any of them ended (`filteredDump`): they were one boot ending `running`. Where it is
  /// the host's only stream with boot starts, a part begins at its first record; beside streams that show the boots,
  /// each part is placed by where its records fall, as a boot begun before its data is (a unit may start long after its
  /// kernel), and lends its records and ID to that boot (whole, the dump went to the last boot only).
  static func splitAtBootLines(_ group: [StreamTimeline]) {
    for (ti, t) in group.enumerated() {
      guard !t.isJournal, !t.isLoginRecords, !t.sawKernel, t.interleaved == nil, t.aliases.isEmpty, t.boots.count == 1
      else { continue }
      let whole = t.boots[0]
      let marks = whole.bootLineMarks
      guard !marks.isEmpty, !whole.daemonMarksOverflow else { continue }
      // Beside streams that show the host's boots, a part's first record is no boot start (a unit may start long
      // after its kernel): each part is placed by where its records fall, as a boot begun before its data is.
      let placed = knownStarts(group).contains { $0.timeline != ti }
      let split = BootState.split(whole, at: marks.map(\.mark))
      // The parts from the marks on are the last ones (a part before the first mark comes first).
      for (b, m) in zip(split.suffix(marks.count), marks) {
        b.bootID = m.id
        if placed { b.startKnown = false }
      }
      t.boots = split
      t.filteredDump = true
      t.canShowShutdowns = false
    }
  }

  /// Text streams of `group` whose start lines (`BootState.DaemonMark`) nothing could judge: the stream has no
  /// kernel line (a boot's banner would have shown) and no stream of the host shows a boot begin (no journal, wtmp
  /// or `Startup finished` line), so each start line was read as a restart of the daemon, and a boot among them
  /// would not be seen. A start line within `restartGap` of the daemon's exit is a restart all the same (no machine
  /// reboots that fast). The first other start line of each such stream.
  static func unjudgedStartLines(_ group: [StreamTimeline]) -> [SourceLocation] {
    guard knownStarts(group).isEmpty else { return [] }
    return group.compactMap { t in
      guard !t.isJournal, !t.isLoginRecords, !t.sawKernel, t.boots.count == 1, let b = t.boots.first,
        b.marksDaemonStarts
      else { return nil }
      let open = b.daemonMarks.first { m in
        guard let exit = m.before.daemonExit, exit.time != Record.noTime, m.time != Record.noTime else { return true }
        return m.time - exit.time > restartGap
      }
      return open?.opener.location
    }
  }

  /// The longest pause between a syslog daemon's exit and its start that is read as a restart, not a reboot.
  static let restartGap: Int64 = 5_000_000

  /// The daemon marks of `whole` that its own `Startup finished` lines confirm, by the stream's order rather than
  /// by time alone (a board without a clock restores an old time at boot, so boots overlap in time): for each line,
  /// the first start line after the previous such line and before it, stamped from the kernel's start (less two
  /// seconds of whole-second stamps) to the line. Nil when a line has none: a boot began whose start line is not here. A
  /// line before any start line, for a kernel that started before the stream's first record, is the boot the data
  /// began in.
  static func ownStartLines(_ whole: BootState) -> Set<Int>? {
    let marks = whole.daemonMarks
    var confirmed = Set<Int>()
    var after = -1
    for o in whole.ownStarts {
      // A boot that began with a banner writes its own line too: its kernel started when the boot began.
      if whole.startKnown, whole.firstTime != Record.noTime, o.time <= whole.firstTime + startTolerance {
        after = o.ordinal
        continue
      }
      let k = marks.indices.first { k in
        let m = marks[k]
        return m.ordinal > after && m.ordinal < o.ordinal && m.time != Record.noTime
          && m.time >= o.time - ownStartSlack && m.time <= o.finished + ownStartSlack
      }
      if let k {
        confirmed.insert(k)
      } else if !(marks.allSatisfy({ $0.ordinal > o.ordinal }) && o.time <= whole.firstTime + ownStartSlack) {
        return nil
      }
      after = o.ordinal
    }
    return confirmed
  }

  /// Splits the boots of text streams that their own `Startup finished` lines show were two or more: a boot that
  /// began with a banner, after which the stream got no kernel line at a later boot (`kern.none` set from some day
  /// on, the banner lost), runs on across that boot. Each line whose kernel started after the boot's first minutes
  /// confirms the start line written between then and the line (`ownStartLines`); the boot is cut there, as
  /// `splitAtDaemonStarts` cuts a boot that began before the data. A line that confirms no start line leaves the
  /// boot whole. Boots `splitAtDaemonStarts` placed already, or could have, are left to it.
  static func splitAtOwnStarts(_ group: [StreamTimeline]) {
    for t in group where !t.isJournal && !t.isLoginRecords && t.aliases.isEmpty {
      guard t.boots.contains(where: { !$0.ownStarts.isEmpty }) else { continue }
      var out: [BootState] = []
      var changed = false
      for b in t.boots {
        guard b.startKnown || t.boots.count > 1, !b.ownStarts.isEmpty, !b.daemonMarksOverflow,
          let chosen = ownStartLines(b)?.sorted(), !chosen.isEmpty
        else {
          out.append(b)
          continue
        }
        out += BootState.split(b, at: chosen.map { b.daemonMarks[$0] })
        changed = true
      }
      if changed { t.boots = out }
    }
  }

  /// How far a start line's whole-second stamp may fall outside the span a `Startup finished` line gives.
  static let ownStartSlack: Int64 = 2_000_000

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
      let chained = zip(text, text.dropFirst()).allSatisfy {
        $0.lastStreamOrdinal < $1.firstStreamOrdinal && renameGapFits($0, $1)
      }
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

  /// Whether host name `b`, which comes after `a` in one stream, can be `a` renamed: within a boot (`b`'s first
  /// boot began before its records), or at a boot that came within `renameGap` of `a`'s last record. A central log
  /// server's file that held one machine and then its replacement (`ip-10-0-1-23`, later `ip-10-0-1-87`) would
  /// otherwise be one machine whose last boot ended, without a shutdown, when the other booted: a false power loss.
  static func renameGapFits(_ a: BootSequencer, _ b: BootSequencer) -> Bool {
    guard let first = b.boots.first, first.startKnown else { return true }
    guard let end = a.boots.last?.lastTime, end != Record.noTime, first.firstTime != Record.noTime else { return true }
    return first.firstTime - end <= renameGap
  }

  /// How long after one host name's last record a boot under another name may come and still be its rename.
  static let renameGap: Int64 = 30 * 60 * 1_000_000

  /// A wtmp `BOOT_TIME` record is written when userspace starts, up to this long after the kernel banner.
  static let loginBootDelay: Int64 = 600 * 1_000_000

  /// Whether `a` and `b` (boots of two streams) are the same boot. `first*`/`last*`: the boot is the first/last
  /// of its stream.
  static func same(
    _ a: BootState, _ b: BootState, firstA: Bool, firstB: Bool, lastA: Bool = false, lastB: Bool = false,
    starts: [Int64] = [], loginStarts: [Int64] = []
  ) -> Bool {
    if let x = a.bootID, let y = b.bootID { return x == y }
    if !a.startKnown || !b.startKnown {
      if !a.startKnown && !b.startKnown {
        guard firstA && firstB else { return false }
        // Both began before their streams' data: one boot, unless another began after the earlier one's records
        // ended and no later than the other's first record (the second day's file and the fourth's, with a boot
        // between them). A boot record of wtmp after the earlier one's last record counts too: one before the
        // other's first record shows that a boot began by then (a wtmp that begins with a boot's shutdown record,
        // beside a syslog that begins hours and a boot later, was once that boot).
        let (e, l) = a.firstTime <= b.firstTime ? (a, b) : (b, a)
        guard l.firstTime != Record.noTime, let next = nextStart(after: e, in: starts, loginStarts: loginStarts)
        else { return true }
        return next > l.firstTime
      }
      // A boot that began before its stream's data is the boot that was running when its last record was
      // written. This also places a stream that never sees a boot start (auth.log and other files without
      // kernel or daemon start lines): its one boot spans the boots of the other streams and belongs to the
      // one its data ends in, instead of becoming a boot of its own.
      let (u, k, lastK) = a.startKnown ? (b, a, lastA) : (a, b, lastB)
      // A boot begun before its data that is followed by another boot of its stream ended before that one began:
      // all its records before `k` began, it is the boot before `k` (the syslog that begins inside a boot which
      // rebooted within the tolerance before `kern.log`'s first boot was once that boot, and the syslog's next one
      // an extra boot with a clock jump).
      let lastU = a.startKnown ? lastB : lastA
      if !lastU, u.lastTime != Record.noTime, k.firstTime != Record.noTime, u.lastTime < k.firstTime { return false }
      // The last boot of a stream is open-ended only until the host's next boot began (`starts`: every known
      // start of the host's streams): a stream that begins after that is in a later boot. One file a day makes
      // every file a stream whose last boot ends at midnight with its file.
      if lastK, u.firstTime != Record.noTime, let next = nextStart(after: k, in: starts, loginStarts: loginStarts),
        u.firstTime >= next
      {
        return false
      }
      if within(u.lastTime, k, openEnded: lastK) { return true }
      // Records after `k`'s last one but before the host's next boot are still `k`'s: a dying kernel's last
      // lines (its panic) that only a crash dump or a remote log kept.
      guard u.firstTime != Record.noTime, u.lastTime != Record.noTime, k.firstTime != Record.noTime,
        u.firstTime >= k.firstTime - startTolerance,
        let next = nextStart(after: k, in: starts, loginStarts: loginStarts)
      else { return false }
      // Lines within the tolerance before that start may be the next boot's own, stamped before its banner — unless
      // `u`'s stream shows a boot after `u` (a journal whose first boot began before its data and rebooted cleanly a
      // minute before the next boot began was once a boot of its own).
      return u.lastTime < next - (lastU ? startTolerance : 0)
    }
    if a.clockUnsetAtStart || b.clockUnsetAtStart {
      return sameUnsetClock(a, b, lastA: lastA, lastB: lastB)
    }
    guard a.firstTime != Record.noTime, b.firstTime != Record.noTime else { return false }
    if a.loginRecords != b.loginRecords {
      // wtmp's boot record comes after the kernel banner and the syslog daemon's start, within the boot.
      let (w, k, lastK) = a.loginRecords ? (a, b, lastB) : (b, a, lastA)
      let delay = w.firstTime - k.firstTime
      return delay >= -startTolerance && delay <= loginBootDelay && within(w.firstTime, k, openEnded: lastK)
    }
    if abs(a.firstTime - b.firstTime) <= startTolerance { return true }
    // A journal boot begins with the kernel's first lines; a text boot with its banner as the syslog daemon read
    // it, when it started: after a power loss, fsck can hold that back for minutes. So a text boot also is the
    // journal boot it began in, up to `slowStart` after the journal's first entry, while that boot was still
    // logging (a boot the text lost, the journal's next one starting soon after, does not pass the last check).
    if (a.bootID == nil) != (b.bootID == nil) {
      let (j, t) = a.bootID != nil ? (a, b) : (b, a)
      let late = t.firstTime - j.firstTime
      return late > 0 && late <= slowStart && j.lastTime != Record.noTime && t.firstTime <= j.lastTime
    }
    return false
  }

  /// The first of `starts` (sorted) that came after boot `k` began and once its records had ended; nil when none.
  /// A start among `k`'s records is skipped: a clock restored to an earlier time at boot, which says nothing about
  /// order. So is a start within the tolerance after `k`'s first record, which may be `k`'s own start as another
  /// stream saw it — unless `k` began before its data (it has no start there to see) and the start came after all
  /// its records: a stream that begins with a boot's last lines, its shutdown, and the next boot's banner a
  /// minute later (that boot was once taken for the one a journal beginning hours later showed).
  static func nextStart(after k: BootState, in starts: [Int64]) -> Int64? {
    guard k.firstTime != Record.noTime else { return nil }
    let end = k.lastTime == Record.noTime ? k.firstTime : k.lastTime
    return starts.first {
      ($0 > k.firstTime + startTolerance || !k.startKnown && $0 > end + afterLastRecord) && $0 >= end - startTolerance
    }
  }

  /// How long after a boot's last record another stream's boot start must come to be a later boot's for certain
  /// (whole-second stamps beside a journal's microseconds; a line written while the next kernel was starting).
  static let afterLastRecord: Int64 = 10 * 1_000_000

  /// `nextStart(after:in:)`, or a wtmp boot record (`loginStarts`) that shows a boot began after `k`'s records,
  /// whichever is first. A boot record comes when userspace starts, up to `loginBootDelay` after its kernel's start:
  /// one counts only after `k`'s last record and, for a boot that another stream shows begin (its own record may
  /// come that much later), after that delay too; for a boot of login records, after the start tolerance (wtmp and
  /// the audit log record the same boot). (Left out of `starts`: it does not say when its boot began.)
  static func nextStart(after k: BootState, in starts: [Int64], loginStarts: [Int64]) -> Int64? {
    let text = nextStart(after: k, in: starts)
    guard k.lastTime != Record.noTime else { return text }
    var floor = k.lastTime
    if k.startKnown, k.firstTime != Record.noTime {
      // Another login stream's record of the same boot (wtmp's and the audit log's come within a second).
      floor = max(floor, k.firstTime + (k.loginRecords ? startTolerance : loginBootDelay))
    }
    guard let login = loginStarts.first(where: { $0 > floor }) else { return text }
    return min(text ?? login, login)
  }

  /// How long after a journal boot's first entry its syslog banner may come (`same`).
  static let slowStart: Int64 = 30 * 60 * 1_000_000

  /// True when time `t` lies inside boot `k`'s records (with the start tolerance; `openEnded`: no upper bound,
  /// for the last boot of a stream, whose data may end before the other stream's does).
  static func within(_ t: Int64, _ k: BootState, openEnded: Bool) -> Bool {
    guard t != Record.noTime, k.firstTime != Record.noTime else { return false }
    if t < k.firstTime - startTolerance { return false }
    return openEnded || k.lastTime == Record.noTime || t <= k.lastTime + startTolerance
  }

  /// Boots whose opening record was stamped before the clock was set (wtmp `BOOT_TIME` at 1970 on RTC-less
  /// boards) are matched by what has real times: every later record of such a boot (runlevel, logins, the
  /// shutdown record) must lie inside the other boot. A boot without any real time fits anywhere: the
  /// alignment then places it by order between its neighbours.
  static func sameUnsetClock(_ a: BootState, _ b: BootState, lastA: Bool, lastB: Bool) -> Bool {
    if a.clockUnsetAtStart && b.clockUnsetAtStart {
      guard a.firstTime != Record.noTime, b.firstTime != Record.noTime else { return false }
      return a.firstTime <= b.lastTime + startTolerance && b.firstTime <= a.lastTime + startTolerance
    }
    let (u, k, lastK) = a.clockUnsetAtStart ? (a, b, lastB) : (b, a, lastA)
    if u.firstTime == Record.noTime { return true }
    return within(u.firstTime, k, openEnded: lastK) && within(u.lastTime, k, openEnded: lastK)
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
    // Whether merged row `i` begins after boot `b`, which matched none (the order they go in). A row whose first
    // stream saw it begin before its data is ordered by another member that saw it begin; without one, it comes
    // after a boot whose records all ended before the row's first record (one file a day: the day's file that only
    // continues a boot is not ahead of the earlier days' boots).
    func rowStartsAfter(_ i: Int, _ b: BootState) -> Bool {
      let r = rep(i)
      // A boot begun before its stream's data that matched none was running when its first record was written:
      // after a row that had begun by then (`startsAfter` puts every such boot first, as the data's first boot).
      if r.startKnown, !b.startKnown, b.firstTime != Record.noTime, r.firstTime != Record.noTime,
        b.firstTime > r.firstTime + startTolerance
      {
        return false
      }
      if r.startKnown { return startsAfter(r, b) }
      let boots = merged[i].members.map { tl[$0.timeline].boots[$0.boot] }
      if let k = boots.first(where: \.startKnown) { return startsAfter(k, b) }
      guard b.lastTime != Record.noTime, let first = boots.map(\.firstTime).filter({ $0 != Record.noTime }).min(),
        b.lastTime < first - startTolerance
      else { return startsAfter(r, b) }
      return true
    }
    // The known starts of the merged boots (streams that run across others' starts do not count).
    var knownStarts: [(row: Int, time: Int64)] = []
    if !tl[ti].isJournal && !tl[ti].isLoginRecords {
      for (row, mb) in merged.enumerated() {
        for x in mb.members where tl[x.timeline].spannedStart == nil {
          if let s = tl[x.timeline].boots[x.boot].knownStart { knownStarts.append((row, s)) }
        }
      }
    }
    // A stream's boot that runs across other streams' boot starts belongs to the merged boot with the latest known
    // start before its last record: its data ends there. (Not "the boot whose records its last record falls in":
    // the streams that saw the starts may stop long before it, as kern.log does, and the last boot of a stream
    // is open-ended, so an earlier boot could take it.)
    var latestStart: Int?
    if tl[ti].spannedStart != nil, let last = other.first?.lastTime, last != Record.noTime {
      latestStart = knownStarts.filter { $0.time <= last }.max { $0.time < $1.time }?.row
    }
    // Whether this stream's first boot, begun before its data, has its first record after some boot's known start:
    // then it is not the boot that began before every stream's data (auth.log of the last days beside a syslog set
    // of weeks once lent its last line to the first boot).
    var begunAfterAStart = false
    if let first = other.first, !first.startKnown, first.firstTime != Record.noTime {
      begunAfterAStart = knownStarts.contains { $0.time < first.firstTime - startTolerance }
    }
    // Every known start of the host's text and journal streams (`same`: where a stream's open-ended last boot ends).
    let hostStarts = tl.filter { !$0.isLoginRecords && $0.spannedStart == nil }
      .flatMap { $0.boots.compactMap(\.knownStart) }.sorted()
    let loginStarts = tl.filter(\.isLoginRecords).flatMap { $0.boots.compactMap(\.knownStart) }.sorted()
    // A boot is the same as a merged boot when it is the same as any stream's view of it (one stream may see
    // only part of a boot: kern.log stops before the shutdown that syslog and wtmp show). Boot IDs, where both
    // sides have one, decide alone.
    func matches(_ i: Int, _ j: Int) -> Bool {
      let b = other[j]
      // A boot that runs across other streams' boot starts (`spannedStart`) is placed by where its data ends
      // (`latestStart`), and no other boot is placed against it.
      var kept = merged[i].members.filter { tl[$0.timeline].spannedStart == nil }
      if kept.isEmpty { kept = merged[i].members }
      let members = kept.map {
        (boot: tl[$0.timeline].boots[$0.boot], index: $0.boot, count: tl[$0.timeline].boots.count)
      }
      if tl[ti].spannedStart != nil { return i == latestStart }
      if b.bootID != nil, let withID = members.first(where: { $0.boot.bootID != nil }) {
        return withID.boot.bootID == b.bootID
      }
      return members.contains { x in
        // A stream that begins after a boot started is not in the boot that began before the data.
        if begunAfterAStart && !b.startKnown && !x.boot.startKnown && !x.boot.loginRecords && x.boot.bootID == nil {
          return false
        }
        return same(
          x.boot, b, firstA: x.index == 0, firstB: j == 0, lastA: x.index == x.count - 1, lastB: j == m - 1,
          starts: hostStarts, loginStarts: loginStarts)
      }
    }
    var match = Array(repeating: Array(repeating: false, count: m), count: n)
    for i in 0..<n {
      for j in 0..<m { match[i][j] = matches(i, j) }
    }
    var dp = Array(repeating: Array(repeating: 0, count: m + 1), count: n + 1)
    for i in stride(from: n - 1, through: 0, by: -1) {
      for j in stride(from: m - 1, through: 0, by: -1) {
        if match[i][j] {
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
      if i < n, j < m, match[i][j], dp[i][j] == dp[i + 1][j + 1] + 1 {
        var mb = merged[i]
        mb.members.append((ti, j))
        out.append(mb)
        i += 1
        j += 1
      } else if i < n && (j >= m || dp[i + 1][j] > dp[i][j + 1]
        || (dp[i + 1][j] == dp[i][j + 1] && !rowStartsAfter(i, other[j])))
      {
        out.append(merged[i])
        i += 1
      } else {
        // A boot that runs across others' starts and fits none of them is no boot of its own.
        if tl[ti].spannedStart == nil { out.append(MergedBoot(members: [(ti, j)])) }
        j += 1
      }
    }
    return out
  }
}
