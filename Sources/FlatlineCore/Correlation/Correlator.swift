import Foundation

/// Builds incidents and findings from the boots of every host, the rule hits and the cloud notices.
///
/// For each boot that ended uncleanly, the incident gathers the hits of that host logged in the dying boot's last
/// ten minutes and in the next boot's first hour — each hit placed in its boot by position (`BootLocator`: journal
/// boot ID, stream order), since clocks jump across reboots: the damage the outage left; provider notices whose window overlaps the outage explain (or contradict) it. Hits
/// outside every incident are findings — a datastore that recovered from a crash while its host stayed up is a
/// `datastore-crash` finding, never a power loss.
public struct Correlator {
  /// Hits this long before the last sign of life still belong to the death (I/O errors, a panicking datastore).
  public static let beforeDeath: Int64 = 10 * 60 * 1_000_000
  /// How far into the next boot recovery events are gathered.
  public static let recoveryWindow: Int64 = 60 * 60 * 1_000_000
  /// Notices are matched with this slack on both sides (providers report late, windows are approximate).
  public static let noticeSlack: Int64 = 2 * 60 * 60 * 1_000_000

  /// Storage-layer components: their hits are storage events, not datastore ones.
  public static let storageComponents: Set<String> = [
    "ext3", "ext4", "xfs", "btrfs", "fat", "block", "nvme", "md", "journald", "fsck", "scsi", "ata", "dm", "lvm",
    "kernel", "fs",
  ]

  /// Rules saying the file system stopped taking writes (full, remounted read-only, shut down). Before a silence
  /// they explain it as well as a power loss does: the logs, not the machine, may have stopped.
  public static let logWriteFailures: Set<String> = ["fs.no-space-left", "ext4.remount-read-only", "xfs.shutdown"]

  public var hosts: [HostResult]
  public var inputs: [InputInfo]
  /// Places hits in their boot by position (journal boot ID, stream order) where it can.
  public var locator: BootLocator
  /// The host of a hit whose record named none (native datastore logs): the host of its folder.
  public var folderHost: (Int32) -> String?
  /// The host a notice belongs to (host map, learned instance ids); nil when unknown.
  public var noticeHost: (CloudNotice) -> String?

  public init(
    hosts: [HostResult], inputs: [InputInfo], locator: BootLocator = BootLocator(),
    folderHost: @escaping (Int32) -> String? = { _ in nil }, noticeHost: @escaping (CloudNotice) -> String? = { _ in nil }
  ) {
    self.hosts = hosts
    self.inputs = inputs
    self.locator = locator
    self.folderHost = folderHost
    self.noticeHost = noticeHost
  }

  // MARK: Host attribution

  static func short(_ n: String) -> String {
    String(n.lowercased().split(separator: ".", maxSplits: 1).first ?? "")
  }

  /// Index of the host a name, alias or machine ID refers to.
  func hostIndex(name: String?, machineID: String?) -> Int? {
    if let m = machineID, !m.isEmpty, let i = hosts.firstIndex(where: { $0.machineID == m }) { return i }
    guard let n = name, !n.isEmpty else { return nil }
    let s = Self.short(n)
    return hosts.firstIndex { h in Self.short(h.name) == s || h.aliases.contains { Self.short($0) == s } }
  }

  /// The host a hit is attributed to: its index among `hosts` when it is one of them, and its name.
  func attribution(of hit: RuleHit) -> (index: Int?, name: String) {
    if let i = hostIndex(name: hit.host, machineID: hit.machineID) { return (i, hosts[i].name) }
    if hit.host.isEmpty, let f = folderHost(hit.location.input) {
      if let i = hostIndex(name: f, machineID: nil) { return (i, hosts[i].name) }
      return (nil, f)
    }
    return (nil, hit.host.isEmpty ? "unknown" : hit.host)
  }

  /// The host name a hit is attributed to.
  public func host(of hit: RuleHit) -> String { attribution(of: hit).name }

  func hostIndex(of notice: CloudNotice) -> Int? {
    if let h = noticeHost(notice), let i = hostIndex(name: h, machineID: nil) { return i }
    if let h = notice.host, let i = hostIndex(name: h, machineID: nil) { return i }
    for r in notice.resources {
      // A resource id's last path component is the VM name (Azure); an instance name may be the host name (GCE).
      let name = r.split(separator: "/").last.map(String.init) ?? r
      if let i = hostIndex(name: name, machineID: nil) { return i }
    }
    return nil
  }

  // MARK: Correlation

  /// The report row of the boot a hit of host `hi` was logged in: by position when the locator can tell, else the
  /// boot with the latest start at or before the hit's time.
  func bootRow(of hit: RuleHit, host hi: Int) -> Int? {
    let boots = hosts[hi].boots
    guard !boots.isEmpty else { return nil }
    let input = Int(hit.location.input)
    if input >= 0, input < inputs.count, let row = locator.row(of: hit, host: hi, stream: inputs[input].stream) {
      return row
    }
    guard hit.time != Record.noTime else { return nil }
    var row = 0
    for (j, b) in boots.enumerated() {
      if let s = b.start, s <= hit.time { row = j }
    }
    return row
  }

  public func correlate(hits: [RuleHit], notices: [CloudNotice]) -> (incidents: [Incident], findings: [Finding]) {
    let attributed = hits.map { attribution(of: $0) }
    let hitHost = attributed.map(\.name)
    let hostIndexOfHit = attributed.map(\.index)
    let rows = hits.indices.map { k in hostIndexOfHit[k].flatMap { bootRow(of: hits[k], host: $0) } }
    var used = Array(repeating: false, count: hits.count)
    let noticeHosts = notices.map { hostIndex(of: $0) }
    var incidents: [Incident] = []
    for (hi, h) in hosts.enumerated() {
      let mine = hits.indices.filter { hostIndexOfHit[$0] == hi }
      for (bi, b) in h.boots.enumerated() where b.clean == false {
        let next = bi + 1 < h.boots.count ? h.boots[bi + 1] : nil
        let death = b.lastSignOfLife ?? b.start
        let bootAt = next?.start
        let anchors = [death, bootAt].compactMap { $0 }
        guard let lowAnchor = anchors.min(), let highAnchor = anchors.max() else { continue }
        var events: [DatastoreEvent] = []
        for k in mine where !used[k] {
          let hit = hits[k]
          let inWindow: Bool
          switch rows[k] {
          case bi?:
            // The dying boot: what it logged in its last minutes — but not its own start-up recovery, which is
            // about the boot before it (a short boot's start lies within ten minutes of its death).
            let late = hit.time == Record.noTime || death.map { hit.time >= $0 - Self.beforeDeath } ?? true
            inWindow = late && !(Self.startupCategories.contains(hit.category) && Self.early(hit, in: b))
          case (bi + 1)?:
            // The next boot: its first hour (recovery, repair, refusals on the first start) — by the journal's
            // monotonic clock when the hit has one (the wall clock of an RTC-less board jumps hours mid-boot).
            inWindow = next.map { Self.early(hit, in: $0) } ?? false
          default:
            inWindow = false
          }
          guard inWindow else { continue }
          used[k] = true
          events.append(DatastoreEvent(hit: hit, lastKnownUp: Self.lastKnownUp(hit)))
        }
        events.sort { $0.hit.time < $1.hit.time }
        var attached: [AttachedNotice] = []
        for (ni, n) in notices.enumerated() where noticeHosts[ni] == hi {
          guard let s = n.start ?? n.end else { continue }
          let e = n.end ?? s
          if e >= lowAnchor - Self.noticeSlack && s <= highAnchor + Self.noticeSlack {
            attached.append(AttachedNotice(notice: n))
          }
        }
        attached.sort { ($0.notice.start ?? 0) < ($1.notice.start ?? 0) }
        incidents.append(incident(host: h, boot: b, next: next, events: events, notices: attached, ordinal: incidents.count))
      }
    }
    var findings: [Finding] = []
    for k in hits.indices where !used[k] {
      findings.append(Finding(type: Self.findingType(hits[k]), hit: hits[k], host: hitHost[k]))
    }
    findings.sort { ($0.hit.time, $0.host) < ($1.hit.time, $1.host) }
    return (incidents, findings)
  }

  /// What a datastore or file system logs when it starts after an unclean stop.
  static let startupCategories: Set<RuleCategory> = [.uncleanStart, .crashRecovery, .recoveryDone, .repair, .refusedStart]

  /// True when a hit lies in the first hour of boot `b` (journal monotonic time when known, else wall clock).
  static func early(_ hit: RuleHit, in b: BootResult) -> Bool {
    if hit.monotonic >= 0 { return hit.monotonic <= recoveryWindow }
    guard hit.time != Record.noTime, let s = b.start else { return false }
    return hit.time - s <= recoveryWindow
  }

  static func findingType(_ h: RuleHit) -> FindingType {
    switch h.category {
    case .corruption: return .corruption
    case .storageError: return .storageError
    case .uncleanStart, .crashRecovery, .recoveryDone, .refusedStart, .repair, .crash:
      return storageComponents.contains(h.component) ? .event : .datastoreCrash
    }
  }

  /// PostgreSQL's `last known up at 2024-05-01 11:58:02 UTC` (capture `lastKnownUp`), as UTC microseconds.
  static func lastKnownUp(_ h: RuleHit) -> Int64? {
    guard var s = h.captures["lastKnownUp"], !s.isEmpty else { return nil }
    s = s.trimmingCharacters(in: .whitespaces)
    if s.hasSuffix(" UTC") || s.hasSuffix(" GMT") { s = String(s.dropLast(4)) + "Z" }
    return CivilTime.parse(s)
  }

  func incident(
    host h: HostResult, boot b: BootResult, next: BootResult?, events: [DatastoreEvent], notices: [AttachedNotice],
    ordinal: Int
  ) -> Incident {
    var factors: [ConfidenceFactor] = []
    var confidence: Double
    var cause: IncidentCause
    switch b.ending {
    case .kernelPanic:
      cause = .kernelPanic
      confidence = b.confidence
      factors.append(.init(factor: "kernel-panic-message", delta: b.confidence,
        detail: "the kernel reported a panic, oops or BUG just before the silence"))
    case .watchdog:
      cause = .watchdog
      confidence = b.confidence
      factors.append(.init(factor: "watchdog-message", delta: b.confidence,
        detail: "a watchdog reported it was about to reset the machine"))
    default:
      cause = .powerLoss
      confidence = b.confidence
      let corroborating = Set(b.evidence.map(\.kind)).intersection(
        [.journalUncleanNotice, .journalFileOnline, .filesystemRecovery, .nulRun])
      let base = max(0, b.confidence - 0.08 * Double(corroborating.count))
      factors.append(.init(factor: "no-shutdown-sequence", delta: base,
        detail: "the boot ended without a shutdown sequence or crash message before the next boot"))
      for k in EvidenceKind.allCases where corroborating.contains(k) {
        factors.append(.init(factor: k.rawValue, delta: 0.08, detail: Self.evidenceDetail(k)))
      }
    }
    let dsUnclean = events.contains { e in
      !Self.storageComponents.contains(e.hit.component)
        && [.uncleanStart, .crashRecovery].contains(e.hit.category)
        && (next?.start).map { e.hit.time >= $0 } ?? false
    }
    if dsUnclean && cause == .powerLoss {
      confidence += 0.05
      factors.append(.init(factor: "datastore-unclean-start", delta: 0.05,
        detail: "a datastore found, on its first start of the next boot, that it had not been shut down"))
    }
    if cause == .powerLoss, let death = b.lastSignOfLife,
      events.contains(where: { Self.logWriteFailures.contains($0.hit.ruleID) && $0.hit.time <= death })
    {
      confidence -= 0.3
      factors.append(.init(factor: "log-writes-failing", delta: -0.3,
        detail: "before the silence the file system stopped taking writes (full, or read-only after an error): "
          + "a shutdown sequence may have been lost rather than skipped"))
    }
    let effects = Set(notices.map(\.notice.effect))
    if cause == .powerLoss {
      if effects.contains(.hostFailure) {
        cause = .hostFailure
        confidence += 0.15
        factors.append(.init(factor: "provider-host-failure", delta: 0.15,
          detail: "the cloud provider reports a failure of the host under this machine during the outage"))
      } else if effects.contains(.maintenance) {
        cause = .hostMaintenance
        factors.append(.init(factor: "provider-maintenance", delta: 0,
          detail: "the cloud provider reports maintenance on this machine's host during the outage"))
      } else if effects.contains(.preemption) {
        cause = .preemption
        factors.append(.init(factor: "provider-preemption", delta: 0,
          detail: "the cloud provider reclaimed this spot/preemptible machine during the outage"))
      }
    }
    if effects.contains(.userInitiated) {
      confidence -= 0.3
      factors.append(.init(factor: "provider-user-initiated", delta: -0.3,
        detail: "the provider records a stop or reboot requested by the customer during the outage"))
    }
    if effects.contains(.guestCrash) {
      confidence -= 0.3
      factors.append(.init(factor: "provider-guest-crash", delta: -0.3,
        detail: "the provider saw the guest operating system crash or stop itself"))
    }
    confidence = min(0.99, max(0.05, confidence))
    confidence = (confidence * 100).rounded() / 100

    var timeline: [TimelineItem] = []
    func path(_ i: Int32) -> String { inputs[Int(i)].path }
    for e in b.evidence where e.kind != .nextBoot {
      timeline.append(TimelineItem(
        kind: e.kind == .lastSignOfLife ? "last-sign-of-life" : "boot-evidence",
        time: e.time == Record.noTime ? nil : e.time, source: path(e.location.input),
        line: e.location.line > 0 ? e.location.line : nil, cursor: e.location.cursor, text: e.message,
        ref: e.kind.rawValue))
    }
    if let n = next {
      if let s = n.evidence.first(where: { $0.kind == .bootStart }) ?? b.evidence.first(where: { $0.kind == .nextBoot }) {
        timeline.append(TimelineItem(
          kind: "boot", time: n.start, source: path(s.location.input),
          line: s.location.line > 0 ? s.location.line : nil, cursor: s.location.cursor, text: s.message,
          ref: n.id))
      } else {
        timeline.append(TimelineItem(kind: "boot", time: n.start, text: "next boot \(n.id)", ref: n.id))
      }
    }
    // A rule hit on a line that is already boot evidence, or the same line seen through another source (syslog
    // and journal), is listed once in the timeline (datastoreEvents keeps every hit).
    var shown = Set(b.evidence.map { "\($0.location.input):\($0.location.line):\($0.location.cursor ?? "")" })
    var shownText: [String: Int64] = [:]
    for e in b.evidence { shownText[e.message] = e.time }
    for e in events {
      let loc = e.hit.location
      let key = "\(loc.input):\(loc.line):\(loc.cursor ?? "")"
      if shown.contains(key) { continue }
      if let t = shownText[e.hit.message], abs(t - e.hit.time) <= 2_000_000 { continue }
      shown.insert(key)
      shownText[e.hit.message] = e.hit.time
      timeline.append(TimelineItem(
        kind: Self.storageComponents.contains(e.hit.component) ? "storage" : "datastore",
        time: e.hit.time, source: path(loc.input), line: loc.line > 0 ? loc.line : nil, cursor: loc.cursor,
        text: e.hit.message, ref: e.hit.ruleID))
      if let up = e.lastKnownUp {
        timeline.append(TimelineItem(
          kind: "datastore-last-up", time: up, source: path(loc.input), line: loc.line > 0 ? loc.line : nil,
          cursor: loc.cursor, text: "\(e.hit.component) says it was last up at \(CivilTime.rfc3339(up))",
          ref: e.hit.ruleID))
      }
    }
    for a in notices {
      let n = a.notice
      let prefix = a.counterEvidence ? "counter-evidence: " : ""
      timeline.append(TimelineItem(
        kind: "notice", time: n.start ?? n.end, source: n.source, line: n.line,
        text: prefix + "\(n.provider.rawValue) \(n.eventType): \(n.text)", ref: n.eventType))
    }
    let ordered = timeline.enumerated().sorted { x, y in
      let a = x.element.time ?? .max
      let c = y.element.time ?? .max
      return a != c ? a < c : x.offset < y.offset
    }.map(\.element)
    return Incident(
      id: "incident-\(ordinal + 1)", host: h.name, bootID: b.id, nextBootID: next?.id, lastSignOfLife: b.lastSignOfLife,
      bootAt: next?.start, downtime: b.downtime, cause: cause, confidence: confidence, factors: factors,
      datastoreEvents: events, cloudNotices: notices, timeline: ordered)
  }

  static func evidenceDetail(_ k: EvidenceKind) -> String {
    switch k {
    case .journalUncleanNotice: return "journald found a journal file corrupted or uncleanly shut down at the next boot"
    case .journalFileOnline: return "the boot's journal file was never closed (still ONLINE)"
    case .filesystemRecovery: return "a file system replayed its journal or recovered at the next boot"
    case .nulRun: return "NUL bytes in a text log show writes lost before the next boot"
    default: return k.rawValue
    }
  }
}
