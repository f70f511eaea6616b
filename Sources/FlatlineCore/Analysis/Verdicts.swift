/// Turns merged boots into report rows: one verdict per boot from what all streams of the host saw.
enum VerdictCombiner {
  static func results(
    host timelines: [StreamTimeline], boots merged: [MergedBoot]
  ) -> [BootResult] {
    let name = timelines[0].name
    var rows: [BootResult] = []
    for (j, mb) in merged.enumerated() {
      let isLast = j == merged.count - 1
      let verdicts = mb.members.map { timelines[$0.timeline].verdicts[$0.boot] }
      let states = mb.members.map { timelines[$0.timeline].boots[$0.boot] }
      let chosen = choose(verdicts, isLast: isLast)
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
      if verdict.ending == .powerLoss {
        let kinds = Set(evidence.map(\.kind)).intersection([.journalUncleanNotice, .journalFileOnline, .filesystemRecovery, .nulRun])
        verdict.confidence = min(0.95, 0.7 + 0.08 * Double(kinds.count))
      }
      // The last sign of life is the latest any stream saw (journald may have lost minutes syslog kept).
      let start = states.filter(\.startKnown).compactMap { $0.firstTime == Record.noTime ? nil : $0.firstTime }.min()
      let latest = states.filter { $0.lastTime != Record.noTime }.max { $0.lastTime < $1.lastTime }
      let last = latest?.lastTime ?? Record.noTime
      if let l = latest?.lastSignOfLife, let i = evidence.firstIndex(where: { $0.kind == .lastSignOfLife }) {
        evidence[i] = l
        if verdict.ending.clean == false { verdict.end = l.time }
      }
      let id = states.compactMap(\.bootID).first ?? "\(name)-\(j + 1)"
      // Evidence in time order (records without a time, such as file-state notes, last).
      let ordered = evidence.enumerated().sorted { a, b in
        let ta = a.element.time == Record.noTime ? Int64.max : a.element.time
        let tb = b.element.time == Record.noTime ? Int64.max : b.element.time
        return ta != tb ? ta < tb : a.offset < b.offset
      }.map(\.element)
      evidence = ordered
      rows.append(BootResult(
        id: id, start: start, lastSignOfLife: last == Record.noTime ? nil : last,
        end: verdict.end == Record.noTime ? nil : verdict.end, ending: verdict.ending,
        confidence: verdict.confidence, downtime: nil, clockJump: false, evidence: evidence))
    }
    // A boot ends where the next one starts (docs/json-contract.md); downtime and clock jumps need it too.
    for j in rows.indices { rows[j].end = j + 1 < rows.count ? rows[j + 1].start : nil }
    for j in rows.indices where j + 1 < rows.count {
      guard let last = rows[j].lastSignOfLife, let next = rows[j + 1].start else { continue }
      if next >= last {
        if rows[j].ending != .unknown { rows[j].downtime = next - last }
      } else {
        rows[j].clockJump = true
      }
    }
    return rows
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
