/// The decided ending of one boot, with the evidence it rests on.
public struct BootVerdict: Sendable {
  public var ending: BootEnding
  public var confidence: Double
  public var evidence: [EvidenceRecord]
  /// Time the boot ended (last shutdown record for clean endings, last sign of life for unclean ones).
  public var end: Int64?
  /// True when this verdict says nothing (the stream's data ended before the boot did).
  public var silent: Bool = false
}

/// Decides how a boot ended from what one stream saw of it and of the next boot.
public enum BootJudge {
  /// A crash marker counts when it is this close to the last sign of life (or among the last records).
  static let crashWindow: Int64 = 10 * 60 * 1_000_000
  static let crashWindowRecords = 400
  /// With no direction in the markers, a clean ending followed by a boot this soon is a reboot.
  static let rebootGap: Int64 = 10 * 60 * 1_000_000

  public static func judge(
    _ b: BootState, next: BootState?, streamCanShowShutdowns: Bool,
    cannotShowWhy: String = "this source cannot show shutdown sequences (kernel messages only)"
  ) -> BootVerdict {
    var ev: [EvidenceRecord] = []
    let clean = b.standingCleanMarker
    var crash: EvidenceRecord?
    if let c = b.crash, clean == nil || b.crashOrdinal > clean!.2 {
      let nearByTime = c.time != Record.noTime && b.lastTime != Record.noTime && b.lastTime - c.time <= crashWindow
        && b.lastTime >= c.time
      let nearByCount = b.records - b.crashOrdinal <= crashWindowRecords
      if nearByTime || nearByCount { crash = c }
    }
    if let c = crash {
      ev.append(c)
      if let l = b.lastSignOfLife { ev.append(l) }
      if let n = next { ev += nextBootEvidence(b, n) }
      let kind: BootEnding = c.kind == .kernelPanic ? .kernelPanic : .watchdog
      return BootVerdict(ending: kind, confidence: kind == .kernelPanic ? 0.9 : 0.75, evidence: ev, end: b.lastTime)
    }
    if let (marker, strength, _) = clean {
      ev.append(marker)
      if let l = b.lastSignOfLife { ev.append(l) }
      var direction = b.strongDirection
      if direction == .unspecified {
        if let n = next, n.startKnown, n.firstTime != Record.noTime, b.lastTime != Record.noTime {
          direction = n.firstTime - b.lastTime <= rebootGap ? .reboot : .poweroff
        } else {
          direction = next == nil ? .poweroff : .reboot
        }
      }
      if let n = next, let o = n.opener { ev.append(relabel(o, .nextBoot)) }
      if let n = next, let e = earlyStep(n) { ev.append(e) }
      return BootVerdict(
        ending: direction == .reboot ? .reboot : .shutdown, confidence: strength, evidence: ev, end: b.lastTime)
    }
    guard let n = next else {
      return BootVerdict(ending: .running, confidence: 1.0, evidence: b.lastSignOfLife.map { [$0] } ?? [], end: nil,
        silent: true)
    }
    if let l = b.lastSignOfLife { ev.append(l) }
    let corroboration = nextBootEvidence(b, n)
    ev += corroboration
    if let g = b.gap {
      ev.append(g)
      return BootVerdict(ending: .unknown, confidence: 0, evidence: ev, end: nil)
    }
    if !streamCanShowShutdowns {
      var e = relabel(b.lastSignOfLife ?? n.opener!, .dataGap)
      e.message = cannotShowWhy
      ev.append(e)
      return BootVerdict(ending: .unknown, confidence: 0, evidence: ev, end: nil)
    }
    let kinds = Set(corroboration.map(\.kind)).subtracting([.nextBoot, .clockJump])
    let confidence = min(0.95, 0.7 + 0.08 * Double(kinds.count))
    return BootVerdict(ending: .powerLoss, confidence: confidence, evidence: ev, end: b.lastTime)
  }

  /// The next boot's start and what it shows about this boot's end.
  static func nextBootEvidence(_ b: BootState, _ n: BootState) -> [EvidenceRecord] {
    var ev: [EvidenceRecord] = []
    if let o = n.opener { ev.append(relabel(o, .nextBoot)) }
    ev += n.startEvidence
    if let o = b.onlineJournal { ev.append(o) }
    if let e = earlyStep(n) { ev.append(e) }
    // A wtmp boot record stamped before the clock was set says nothing about the clock (the other streams do).
    if n.startKnown, !n.clockUnsetAtStart, n.firstTime != Record.noTime, b.lastTime != Record.noTime,
      n.firstTime < b.lastTime, let o = n.opener
    {
      var e = relabel(o, .clockJump)
      e.message = "clock went back \(formatDuration(b.lastTime - n.firstTime)) across this boot boundary"
      ev.append(e)
    }
    return ev
  }

  /// Evidence that the next boot's clock was set back in its first minutes (`BootState.earlyStepBack`).
  static func earlyStep(_ n: BootState) -> EvidenceRecord? {
    guard let step = n.earlyStepBack else { return nil }
    return EvidenceRecord(
      kind: .clockJump, time: step.time, location: step.location,
      message: "the next boot's clock was set back \(formatDuration(step.amount)) in its first minutes: its start, and "
        + "the downtime before it, are stamped that much late")
  }

  static func relabel(_ e: EvidenceRecord, _ kind: EvidenceKind) -> EvidenceRecord {
    var c = e
    c.kind = kind
    return c
  }

  public static func formatDuration(_ us: Int64) -> String {
    var s = abs(us) / 1_000_000
    let d = s / 86400
    s %= 86400
    let h = s / 3600
    let m = s % 3600 / 60
    let sec = s % 60
    if d > 0 { return "\(d)d \(h)h \(m)m" }
    if h > 0 { return "\(h)h \(m)m" }
    if m > 0 { return "\(m)m \(sec)s" }
    return "\(sec)s"
  }
}
