/// Turns merged boots into report rows: one verdict per boot from what all streams of the host saw.
enum VerdictCombiner {
  static func results(
    host timelines: [StreamTimeline], boots merged: [MergedBoot]
  ) -> [BootResult] {
    let name = timelines[0].name
    var rows: [BootResult] = []
    // Boots whose clock was set back in their first minutes (`BootState.earlyStepBack`): their start is stamped late.
    let stepped = merged.map { mb in
      mb.members.contains { timelines[$0.timeline].boots[$0.boot].earlyStepBack != nil }
    }
    for (j, mb) in merged.enumerated() {
      let isLast = j == merged.count - 1
      let states = mb.members.map { timelines[$0.timeline].boots[$0.boot] }
      let login = mb.members.map { timelines[$0.timeline].isLoginRecords }
      let verdicts = withoutOutlivedMarkers(
        mb.members.map { timelines[$0.timeline].verdicts[$0.boot] }, states, loginRecords: login)
      let chosen = choosePreferringRicher(verdicts, loginRecords: login, isLast: isLast)
      var verdict = chosen.map { verdicts[$0] } ?? BootVerdict(ending: .unknown, confidence: 0, evidence: [], end: nil)
      if !isLast && verdict.ending == .running {
        verdict = BootVerdict(ending: .unknown, confidence: 0, evidence: verdict.evidence, end: nil)
        if let l = states.compactMap(\.lastSignOfLife).first {
          var e = l
          e.kind = .dataGap
          e.message = "the data of this boot ends here; the next boot is only in another source"
          verdict.evidence.append(e)
        }
      }
      // Evidence: the chosen stream's, plus corroboration the other streams add.
      var evidence = verdict.evidence
      for (k, v) in verdicts.enumerated() where k != chosen {
        for e in v.evidence where corroborates(e.kind) && !evidence.contains(where: { same($0, e) }) {
          evidence.append(e)
        }
      }
      // wtmp's view: its shutdown record corroborates a clean end; a boot record with no shutdown record before
      // it corroborates an unclean one. Kept with file and record number even where a richer stream disagrees.
      var loginDisagrees = false
      for (k, v) in verdicts.enumerated() where k != chosen && login[k] {
        for e in loginEvidence(v) where !evidence.contains(where: { same($0, e) }) { evidence.append(e) }
        if let c = verdict.ending.clean, let lc = v.ending.clean, c != lc { loginDisagrees = true }
      }
      if verdict.ending == .powerLoss {
        let kinds = Set(evidence.map(\.kind)).intersection([.journalUncleanNotice, .journalFileOnline, .filesystemRecovery, .nulRun])
        let base = chosen.map { login[$0] } == true ? 0.7 - StreamTimeline.loginRecordsPenalty : 0.7
        verdict.confidence = min(0.95, base + 0.08 * Double(kinds.count))
      }
      if loginDisagrees { verdict.confidence = max(0, verdict.confidence - Self.disagreementPenalty) }
      // The last sign of life is the latest any stream saw (journald may have lost minutes syslog kept).
      // A start stamped before the clock was set (wtmp at 1970) is only a stand-in when nothing better is known.
      // A start in whole minutes (`last` output without -F) yields to a precise one within its minute: the boot
      // began at some second of that minute, not at its first.
      let coarse = mb.members.map { timelines[$0.timeline].timesInMinutes }
      func starts(_ s: [(state: BootState, coarse: Bool)]) -> Int64? {
        func earliest(_ x: [(state: BootState, coarse: Bool)]) -> Int64? {
          x.filter(\.state.startKnown).compactMap { $0.state.firstTime == Record.noTime ? nil : $0.state.firstTime }.min()
        }
        let precise = earliest(s.filter { !$0.coarse })
        let rough = earliest(s.filter(\.coarse))
        if let p = precise, let r = rough, p >= r, p < r + 60_000_000 { return p }
        return [precise, rough].compactMap { $0 }.min()
      }
      let paired = Array(zip(states, coarse))
      let start = starts(paired.filter { !$0.0.clockUnsetAtStart }) ?? starts(paired)
      let latest = states.filter { $0.lastTime != Record.noTime }.max { $0.lastTime < $1.lastTime }
      let last = latest?.lastTime ?? Record.noTime
      if let l = latest?.lastSignOfLife, let i = evidence.firstIndex(where: { $0.kind == .lastSignOfLife }) {
        evidence[i] = l
        if verdict.ending.clean == false { verdict.end = l.time }
      }
      let id = states.compactMap(\.bootID).first ?? "\(name)-\(j + 1)"
      // Evidence in time order (records without a time, such as file-state notes, last).
      evidence = EvidenceRecord.timeOrdered(evidence)
      rows.append(BootResult(
        id: id, start: start, lastSignOfLife: last == Record.noTime ? nil : last,
        end: verdict.end == Record.noTime ? nil : verdict.end, ending: verdict.ending,
        confidence: verdict.confidence, downtime: nil, clockJump: false, evidence: evidence))
    }
    // A boot ends where the next one starts (docs/json-contract.md); downtime and clock jumps need it too.
    for j in rows.indices { rows[j].end = j + 1 < rows.count ? rows[j + 1].start : nil }
    for j in rows.indices where j + 1 < rows.count {
      guard let last = rows[j].lastSignOfLife, let next = rows[j + 1].start else { continue }
      if stepped[j + 1] {
        rows[j].clockJump = true
        rows[j + 1].clockJump = true
      } else if next >= last {
        if rows[j].ending != .unknown { rows[j].downtime = next - last }
      } else {
        rows[j].clockJump = true
      }
    }
    return rows
  }

  /// A clean marker that another stream of the same boot outlived by more than this was not the boot's end.
  static let outlivedMarker: Int64 = 10 * 60 * 1_000_000

  /// The verdicts with every clean one dropped (`unknown`, silent) whose shutdown marker another stream of the same
  /// boot outlived by more than `outlivedMarker`. A stream that sees part of the boot keeps a marker the others saw
  /// the boot go on from — rsyslog stopped for maintenance hours before the journal shows a power loss, a service's
  /// stop in `daemon.log` — and a clean marker beats everything in `choose`. Markers stamped before the clock was
  /// set are left alone, and so are login records' (wtmp's shutdown record is the other streams' check, shown
  /// even where they disagree; beside a syslog read in the wrong zone it sits hours away).
  static func withoutOutlivedMarkers(
    _ verdicts: [BootVerdict], _ states: [BootState], loginRecords: [Bool]
  ) -> [BootVerdict] {
    guard verdicts.count > 1,
      let latest = states.lazy.map(\.lastTime).filter({ $0 != Record.noTime }).max()
    else { return verdicts }
    return verdicts.indices.map { k in
      let v = verdicts[k]
      guard !loginRecords[k], v.ending.clean == true,
        let marker = v.evidence.first(where: { $0.kind == .shutdownMarker }),
        marker.time >= BootSequencer.clockSetThreshold, latest - marker.time > outlivedMarker
      else { return v }
      return BootVerdict(ending: .unknown, confidence: 0, evidence: [], end: nil, silent: true)
    }
  }

  /// How much an unclean/clean verdict loses when wtmp says the opposite.
  static let disagreementPenalty = 0.15

  /// The evidence a login-records (wtmp) verdict adds to another stream's: its shutdown records, or, when it
  /// calls the boot unclean, the next boot record (there was no shutdown record before it).
  static func loginEvidence(_ v: BootVerdict) -> [EvidenceRecord] {
    var out: [EvidenceRecord] = []
    for e in v.evidence {
      if e.kind == .shutdownMarker {
        out.append(e)
      } else if e.kind == .nextBoot, v.ending.clean == false {
        var c = e
        c.message += " (wtmp: no shutdown record before this boot record)"
        out.append(c)
      }
    }
    return out
  }

  /// Like `choose`, but a text or journal stream that decides (clean, crash or power loss) is preferred to
  /// login records, which see less; login records decide only where the richer streams cannot.
  static func choosePreferringRicher(_ v: [BootVerdict], loginRecords: [Bool], isLast: Bool) -> Int? {
    let richer = v.indices.filter { !loginRecords[$0] && v[$0].ending.clean != nil }
    guard !richer.isEmpty, richer.count < v.count else { return choose(v, isLast: isLast) }
    return choose(richer.map { v[$0] }, isLast: isLast).map { richer[$0] }
  }

  static func corroborates(_ k: EvidenceKind) -> Bool {
    [.journalUncleanNotice, .journalFileOnline, .filesystemRecovery, .nulRun, .clockJump].contains(k)
  }

  static func same(_ a: EvidenceRecord, _ b: EvidenceRecord) -> Bool {
    a.kind == b.kind && a.time == b.time && a.message == b.message
  }

  /// Picks the verdict that sees most: a clean shutdown marker beats everything (positive evidence), then a
  /// crash marker, then power loss from a stream that can show shutdowns, then unknown.
  static func choose(_ v: [BootVerdict], isLast: Bool) -> Int? {
    func rank(_ x: BootVerdict) -> Int {
      switch x.ending {
      case .shutdown, .reboot: return 6
      case .kernelPanic, .watchdog: return 5
      case .powerLoss: return 4
      case .running: return isLast ? 3 : 1
      case .unknown: return 2
      }
    }
    return v.indices.max { a, b in
      let ra = rank(v[a])
      let rb = rank(v[b])
      return ra != rb ? ra < rb : v[a].confidence < v[b].confidence
    }
  }
}
