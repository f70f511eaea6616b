/// Everything one stream saw of one boot. Filled record by record; judged when the next boot is known.
public final class BootState {
  /// journald boot ID (32 hex) when the stream is a journal.
  public var bootID: String?
  /// false for the boot that was already running when the data begins (`start` null in the report).
  public var startKnown: Bool
  /// The record that opened the boot (kernel banner, syslog daemon start, first journal entry).
  public var opener: EvidenceRecord?
  public var firstTime: Int64 = Record.noTime
  /// Time, place and text of the last record of the boot so far (its last sign of life).
  public var lastTime: Int64 = Record.noTime
  /// Where the last record is. For journals its cursor may be resolved only when this is read (see
  /// `deferLastCursor`).
  public var lastLocation: SourceLocation? {
    get {
      resolveLastCursor()
      return hasLastLocation ? SourceLocation(input: lastInput, line: lastLine, cursor: lastCursor) : nil
    }
    set {
      setStoredLocation(newValue)
      lastCursorDeferred = nil
    }
  }
  /// `lastLocation` as stored, in parts: the per-record path moves the input and line of a text location without
  /// copying a `SourceLocation` (whose optional cursor costs reference counting to copy).
  private var hasLastLocation = false
  private var lastInput: Int32 = 0
  private var lastLine = 0
  private var lastCursor: String?

  /// True when the kept location is a text one (a line, no cursor): a text record moves it in place.
  private var keepsTextLocation: Bool { hasLastLocation && lastCursor == nil }

  /// Counts one more record at `time` (first and last time); returns its ordinal in the boot.
  @inline(__always) @discardableResult
  private func countRecord(at time: Int64) -> Int {
    let ordinal = records
    records += 1
    if time != Record.noTime {
      if firstTime == Record.noTime { firstTime = time }
      lastTime = time
    }
    return ordinal
  }

  private func setStoredLocation(_ location: SourceLocation?) {
    guard let location else {
      hasLastLocation = false
      lastCursor = nil
      return
    }
    hasLastLocation = true
    lastInput = location.input
    lastLine = location.line
    lastCursor = location.cursor
  }
  /// The source and position that give the last record's cursor when it is first needed.
  private var lastCursorDeferred: (source: any CursorSource, position: CursorPosition)?
  /// Text of the last record (at most 4096 bytes). Stored in a buffer that is overwritten for every record
  /// (no array copy-on-write checks in the per-record path).
  public var lastMessage: [UInt8] {
    get {
      guard let buf = lastMessageBuffer, lastMessageCount > 0 else { return [] }
      return Array(UnsafeBufferPointer(start: buf, count: lastMessageCount))
    }
    set { newValue.withBytes { setLastMessage($0) } }
  }
  private var lastMessageBuffer: UnsafeMutablePointer<UInt8>?
  private var lastMessageCapacity = 0
  private var lastMessageCount = 0
  public var records = 0
  /// True for a boot seen in wtmp/utmp login records.
  public var loginRecords = false
  /// True when the record that opened the boot was stamped before the clock was set (1970 on RTC-less boards):
  /// `firstTime` is then the first later record with a real time, not the boot's start.
  public var clockUnsetAtStart = false

  /// The boot's start, when it is known and was stamped after the clock was set (what the host merge compares).
  var knownStart: Int64? { startKnown && !clockUnsetAtStart && firstTime != Record.noTime ? firstTime : nil }

  // Shutdown evidence, each with the record ordinal it was seen at (later cancelling events compare ordinals).
  public var strongShutdown: EvidenceRecord?
  public var strongDirection: ShutdownDirection = .unspecified
  public var strongOrdinal = -1
  public var journalStopped: EvidenceRecord?
  public var journalStoppedOrdinal = -1
  public var daemonExit: EvidenceRecord?
  public var daemonExitOrdinal = -1
  public var serviceStopping: EvidenceRecord?
  public var serviceStoppingOrdinal = -1
  public var lastDaemonStartOrdinal = -1
  public var lastJournalStartOrdinal = -1

  /// The last crash marker (kernel panic/oops or watchdog/lockup) and when it was seen.
  public var crash: EvidenceRecord?
  public var crashOrdinal = -1

  /// Evidence found at this boot's start that the *previous* boot ended uncleanly.
  public var startEvidence: [EvidenceRecord] = []
  /// A hole in the data inside this boot, with the record ordinal after which it happened.
  public var gap: EvidenceRecord?
  public var gapOrdinal = -1
  /// A journal file left ONLINE whose last entry belongs to this boot.
  public var onlineJournal: EvidenceRecord?

  /// A chunk's first boot when the chunk began inside it (`SplitIngest`): start-of-boot evidence cannot be judged
  /// "early" without the records before the chunk, so candidates are kept with what the judgement needs and
  /// judged when the chunk is joined to its predecessor (`continueWith`) or found to be first (`settleCandidates`).
  var collectsCandidates = false
  struct StartCandidate {
    var evidence: EvidenceRecord
    var ordinal: Int
    var time: Int64
    /// `firstTime` when the candidate was seen.
    var firstTime: Int64
  }
  var candidates: [StartCandidate] = []
  /// More candidates than kept: the chunk cannot be joined exactly.
  var candidatesOverflow = false
  static let candidateLimit = 64

  /// Set on a text stream's boot that was running when the data began, while the stream shows no boot start of
  /// its own, and on every boot a banner opens: the syslog daemon's start lines (and PID 1's, `Signal.isStartLine`)
  /// are kept as places where another stream, or the stream's own `Startup finished` lines, may show a boot began
  /// (`DaemonMark`, `HostMerger.splitAtDaemonStarts`, `HostMerger.splitAtOwnStarts`).
  var marksDaemonStarts = false
  /// A start line in such a boot (or the first line written in its second before it, `markStart`), with the boot's
  /// state just before it (everything up to there).
  struct DaemonMark {
    var opener: EvidenceRecord
    /// The marked line's ordinal in this boot (the records before it).
    var ordinal: Int
    var time: Int64
    var before: BootState
  }
  private(set) var daemonMarks: [DaemonMark] = []
  /// Start-of-boot evidence (filesystem recovery, journald's notice, a NUL run) anywhere in such a boot, with its
  /// ordinal: what a boot that another stream shows began at one of the marks would have counted.
  private(set) var startSignals: [(evidence: EvidenceRecord, ordinal: Int)] = []
  /// Where boots began, by the stream's own `Startup finished in … (kernel) …` lines (`Signal.startupFinished`), in
  /// such a boot: the kernel's start, the line's ordinal and time. A stream with no kernel lines at all is split at
  /// the start lines these confirm.
  struct OwnStart {
    var time: Int64
    var ordinal: Int
    var finished: Int64
  }
  private(set) var ownStarts: [OwnStart] = []
  /// More marks or start signals than kept: the boot is not split.
  private(set) var daemonMarksOverflow = false
  static let daemonMarkLimit = 128

  /// Stops keeping marks (the stream showed a boot start of its own).
  func dropDaemonMarks() {
    marksDaemonStarts = false
    daemonMarks = []
    startSignals = []
    ownStarts = []
  }

  /// Set by the sequencer when the next start line's mark was taken at an earlier record of its second
  /// (`markStart`): that start line marks nothing itself.
  var startLineMarked = false

  /// Marks the record about to be applied as where a boot would begin: the first of the lines a syslog daemon
  /// writes in the second of its start line, before it (`BootSequencer.flushPending`).
  func markStart(time: Int64, location: SourceLocation, message: Bytes) {
    markDaemonStart(time: time, location: location, message: message)
    startLineMarked = true
  }

  @inline(never)
  private func markDaemonStart(time: Int64, location: SourceLocation, message: Bytes) {
    guard daemonMarks.count < Self.daemonMarkLimit else {
      daemonMarksOverflow = true
      return
    }
    daemonMarks.append(DaemonMark(
      opener: EvidenceRecord(kind: .bootStart, time: time, location: location, message: message.string),
      ordinal: records, time: time, before: copy()))
  }

  /// journalctl text without kernel lines (a dump filtered by unit, identifier or priority): where its
  /// `-- Boot <id> --` lines show a boot of the journal began, with this boot's state before it
  /// (`BootSequencer.noteBootLine`, `HostMerger.splitAtBootLines`).
  private(set) var bootLineMarks: [(mark: DaemonMark, id: String?)] = []

  /// Marks the record about to be applied as the first of journal boot `id` (nil: `-- Reboot --` names none).
  @inline(never)
  func markBootLine(time: Int64, location: SourceLocation, message: Bytes, id: String?) {
    guard bootLineMarks.count < Self.daemonMarkLimit else {
      daemonMarksOverflow = true
      return
    }
    let opener = EvidenceRecord(kind: .bootStart, time: time, location: location, message: message.string)
    bootLineMarks.append((DaemonMark(opener: opener, ordinal: records, time: time, before: copy()), id))
  }

  @inline(never)
  private func keepStartSignal(_ e: EvidenceRecord, ordinal: Int) {
    guard startSignals.count < Self.daemonMarkLimit else {
      daemonMarksOverflow = true
      return
    }
    startSignals.append((e, ordinal))
  }

  /// `whole` cut at `marks` (in order): the part before the first mark when it holds records, then one boot from
  /// each mark to the next (`segment`).
  static func split(_ whole: BootState, at marks: [DaemonMark]) -> [BootState] {
    guard let first = marks.first else { return [whole] }
    var parts: [BootState] = first.ordinal > 0 ? [first.before.copy()] : []
    for (i, m) in marks.enumerated() {
      parts.append(segment(of: whole, from: m, to: i + 1 < marks.count ? marks[i + 1].before : whole))
    }
    return parts
  }

  /// The boot that began at mark `m` of `whole` and whose records end where `end` (`whole` itself, or the state
  /// before a later mark) ends: the markers of `end` from `m` on, its start evidence from `whole`'s start signals.
  static func segment(of whole: BootState, from m: DaemonMark, to end: BootState) -> BootState {
    let s = BootState(startKnown: true)
    let o = m.ordinal
    s.opener = m.opener
    s.records = end.records - o
    s.firstTime = m.time
    s.lastTime = end.lastTime
    s.lastLocation = end.lastLocation
    s.lastMessage = end.lastMessage
    func from(_ e: EvidenceRecord?, _ ordinal: Int) -> (EvidenceRecord?, Int) {
      e != nil && ordinal >= o ? (e, ordinal - o) : (nil, -1)
    }
    (s.strongShutdown, s.strongOrdinal) = from(end.strongShutdown, end.strongOrdinal)
    if s.strongShutdown != nil { s.strongDirection = end.strongDirection }
    (s.journalStopped, s.journalStoppedOrdinal) = from(end.journalStopped, end.journalStoppedOrdinal)
    (s.daemonExit, s.daemonExitOrdinal) = from(end.daemonExit, end.daemonExitOrdinal)
    (s.serviceStopping, s.serviceStoppingOrdinal) = from(end.serviceStopping, end.serviceStoppingOrdinal)
    (s.crash, s.crashOrdinal) = from(end.crash, end.crashOrdinal)
    (s.gap, s.gapOrdinal) = from(end.gap, end.gapOrdinal)
    s.lastDaemonStartOrdinal = end.lastDaemonStartOrdinal >= o ? end.lastDaemonStartOrdinal - o : -1
    s.lastJournalStartOrdinal = end.lastJournalStartOrdinal >= o ? end.lastJournalStartOrdinal - o : -1
    for (e, ordinal) in whole.startSignals where ordinal < o + s.records {
      // A NUL run counts just before the start line too: the dead boot's lost writes end where the new boot's
      // first lines begin, which can be a line or two before the daemon's own.
      let early = e.kind == .nulRun
        ? ordinal >= o - 3 && ordinal <= o + 3
        : ordinal >= o && (ordinal - o < startWindowRecords
          || (e.time != Record.noTime && m.time != Record.noTime && e.time - m.time <= startWindow))
      if early && s.startEvidence.count < 12 { s.startEvidence.append(e) }
    }
    return s
  }

  public init(startKnown: Bool, bootID: String? = nil) {
    self.startKnown = startKnown
    self.bootID = bootID
  }

  deinit { lastMessageBuffer?.deallocate() }

  /// Makes `buffer` (`count` bytes, at most 4096: the text of the record about to be applied with
  /// `messageHeld: true`) the last record's text, and hands this boot's previous buffer back in its place: the
  /// pending ring's records reach their boot by a pointer swap instead of a second copy.
  @inline(__always)
  func exchangeLastMessage(_ buffer: inout UnsafeMutablePointer<UInt8>?, capacity: inout Int, count: Int) {
    swap(&lastMessageBuffer, &buffer)
    swap(&lastMessageCapacity, &capacity)
    lastMessageCount = count
  }

  /// Keeps (a copy of) the first 4096 bytes of `m` as the last record's text.
  @inline(__always)
  func setLastMessage(_ m: Bytes) {
    let n = min(m.count, 4096)
    if n > lastMessageCapacity {
      lastMessageBuffer?.deallocate()
      let cap = max(n, 256)
      lastMessageBuffer = .allocate(capacity: cap)
      lastMessageCapacity = cap
    }
    if n > 0, let src = m.base, let dst = lastMessageBuffer { dst.update(from: src, count: n) }
    lastMessageCount = n
  }

  /// The largest step back of the clock between two records of this boot in its first 10 minutes, and where: a clock
  /// that started ahead and was set right (chrony or ntpd stepping an RTC kept in local time, a VM resumed from an
  /// old snapshot). The boot's start is then stamped late by about that much, and the downtime before it is not
  /// what its stamps say. A boot begun before its data only remembers that it saw a step (`SplitIngest` cannot
  /// join such a chunk exactly).
  public var earlyStepBack: (amount: Int64, time: Int64, location: SourceLocation)?
  /// The kernel's `Linux version …` line that opened this boot, and its time (matches a kdump's dump to its boot).
  public var banner: (text: String, time: Int64)?
  var sawStepBack = false
  static let earlyStepWindow: Int64 = 10 * 60 * 1_000_000
  static let earlyStepMinimum: Int64 = 60 * 1_000_000

  @inline(__always)
  private func checkStep(_ time: Int64, input: Int32, line: Int) {
    if time != Record.noTime && lastTime != Record.noTime && time < lastTime - Self.earlyStepMinimum {
      noteStepBack(time, input: input, line: line)
    }
  }

  @inline(never)
  private func noteStepBack(_ time: Int64, input: Int32, line: Int) {
    sawStepBack = true
    guard startKnown, !clockUnsetAtStart, firstTime != Record.noTime, lastTime - firstTime <= Self.earlyStepWindow
    else { return }
    let amount = lastTime - time
    if amount > (earlyStepBack?.amount ?? 0) {
      earlyStepBack = (amount, time, SourceLocation(input: input, line: line))
    }
  }

  /// Seconds from the first record in which start-of-boot evidence (fs recovery, journald notice) counts.
  static let startWindow: Int64 = 15 * 60 * 1_000_000
  static let startWindowRecords = 5000

  var isEmpty: Bool { records == 0 }

  /// Applies one record (already classified) to this boot.
  /// `messageHeld`: `message` is already the last record's text (`exchangeLastMessage`).
  func apply(
    signal: Signal, time: Int64, location: SourceLocation, message: Bytes, nulBytesBefore: Int,
    messageHeld: Bool = false, makeEvidence: (EvidenceKind) -> EvidenceRecord
  ) {
    if marksDaemonStarts {
      // (With `messageHeld` the text is already this record's: the sequencer never holds a start line's text here.)
      if signal.isStartLine {
        if startLineMarked {
          startLineMarked = false
        } else {
          markDaemonStart(time: time, location: location, message: message)
        }
      }
      if nulBytesBefore > 0 {
        var e = makeEvidence(.nulRun)
        e.message = "\(nulBytesBefore) NUL bytes before this record (writes lost at power loss)"
        keepStartSignal(e, ordinal: records)
      }
    }
    checkStep(time, input: location.input, line: location.line)
    let ordinal = countRecord(at: time)
    // Text records (no cursors) update the kept location in place: replacing it, or clearing the deferred
    // cursor when there is none, costs reference-counting calls on every record.
    if location.cursor == nil, keepsTextLocation {
      lastInput = location.input
      lastLine = location.line
    } else {
      setStoredLocation(location)
    }
    if lastCursorDeferred != nil { lastCursorDeferred = nil }
    if !messageHeld { setLastMessage(message) }
    if ordinal == 0, nulBytesBefore > 0, startKnown {
      var e = makeEvidence(.nulRun)
      e.message = "\(nulBytesBefore) NUL bytes before this boot's first record (writes lost at power loss)"
      startEvidence.append(e)
    }
    switch signal {
    case .none, .syslogJournalReread, .systemManagerStart:
      break
    case .bootBanner:
      if banner == nil, message.hasPrefix("Linux version ") { banner = (message.string, time) }
    case .syslogDaemonStart:
      lastDaemonStartOrdinal = ordinal
    case .syslogDaemonExit:
      daemonExit = makeEvidence(.shutdownMarker)
      daemonExitOrdinal = ordinal
    case .syslogServiceStopping:
      serviceStopping = makeEvidence(.shutdownMarker)
      serviceStoppingOrdinal = ordinal
    case .journalStarted:
      lastJournalStartOrdinal = ordinal
    case .journalStopped:
      journalStopped = makeEvidence(.shutdownMarker)
      journalStoppedOrdinal = ordinal
    case .shutdown(let direction):
      strongShutdown = makeEvidence(.shutdownMarker)
      strongOrdinal = ordinal
      if direction != .unspecified { strongDirection = direction }
    case .kernelPanic:
      crash = makeEvidence(.kernelPanic)
      crashOrdinal = ordinal
    case .watchdog:
      crash = makeEvidence(.watchdog)
      crashOrdinal = ordinal
    case .startupFinished(let sinceKernel):
      guard marksDaemonStarts, time != Record.noTime else { break }
      if ownStarts.count < Self.daemonMarkLimit {
        ownStarts.append(OwnStart(time: time - sinceKernel, ordinal: ordinal, finished: time))
      } else {
        daemonMarksOverflow = true
      }
    case .journalUncleanNotice, .filesystemRecovery:
      let e = makeEvidence(signal == .journalUncleanNotice ? .journalUncleanNotice : .filesystemRecovery)
      if marksDaemonStarts { keepStartSignal(e, ordinal: ordinal) }
      if collectsCandidates {
        if candidates.count == Self.candidateLimit {
          candidatesOverflow = true
        } else {
          candidates.append(StartCandidate(evidence: e, ordinal: ordinal, time: time, firstTime: firstTime))
        }
      } else {
        let early = ordinal < Self.startWindowRecords
          || (time != Record.noTime && firstTime != Record.noTime && time - firstTime <= Self.startWindow)
        if early && startEvidence.count < 12 { startEvidence.append(e) }
      }
    }
  }

  /// `apply` for most text records: no signal, not the boot's first record, and a kept location without cursor.
  /// Counts the record and moves the last-record time and line, without building a location or an evidence maker.
  /// The record's text must already be the last message (`exchangeLastMessage`). False, changing nothing, for any
  /// other record: the caller then uses `apply`.
  @inline(__always)
  func applyPlainText(time: Int64, input: Int32, line: Int) -> Bool {
    guard records > 0, keepsTextLocation, lastCursorDeferred == nil else { return false }
    checkStep(time, input: input, line: line)
    countRecord(at: time)
    lastInput = input
    lastLine = line
    return true
  }

  /// Makes the last record's cursor (its location came without one) come from `source` when first needed: a
  /// journal boot's location changes with every entry, and only the last one's cursor is ever shown.
  func deferLastCursor(_ source: any CursorSource, _ position: CursorPosition) {
    lastCursorDeferred = (source, position)
  }

  /// Resolves a deferred last-record cursor now (and lets go of the source).
  func resolveLastCursor() {
    guard let d = lastCursorDeferred else { return }
    lastCursorDeferred = nil
    if hasLastLocation { lastCursor = d.source.cursor(at: d.position) }
  }

  /// The clean-shutdown marker that still stands at the end of the boot, with its strength (0–1).
  var standingCleanMarker: (EvidenceRecord, Double, Int)? {
    if let s = strongShutdown, !outlived(s) { return (s, 0.95, strongOrdinal) }
    if let j = journalStopped, lastJournalStartOrdinal < journalStoppedOrdinal { return (j, 0.9, journalStoppedOrdinal) }
    if let d = daemonExit, lastDaemonStartOrdinal < daemonExitOrdinal { return (d, 0.85, daemonExitOrdinal) }
    if let s = serviceStopping, lastDaemonStartOrdinal < serviceStoppingOrdinal {
      return (s, 0.6, serviceStoppingOrdinal)
    }
    return nil
  }

  /// A shutdown sequence the same boot went on from: userspace started again after it (the syslog daemon or
  /// journald), and at least `outlivedRecords` records over more than `outlivedSpan` followed. `systemctl
  /// soft-reboot` stops all of userspace and starts it again under the same kernel (and the same boot ID), so the
  /// boot's real end can be hours after its shutdown lines; kept standing, the marker called a later power loss a
  /// clean reboot. A real shutdown logs its strong markers last: after them come a few records, seconds apart, or
  /// the next boot's syslog start written before its kernel banner.
  func outlived(_ marker: EvidenceRecord) -> Bool {
    guard max(lastDaemonStartOrdinal, lastJournalStartOrdinal) > strongOrdinal,
      records - 1 - strongOrdinal >= Self.outlivedRecords,
      marker.time != Record.noTime, lastTime != Record.noTime
    else { return false }
    return lastTime - marker.time > Self.outlivedSpan
  }
  static let outlivedRecords = 20
  static let outlivedSpan: Int64 = 10 * 60 * 1_000_000

  var lastSignOfLife: EvidenceRecord? {
    guard let loc = lastLocation else { return nil }
    let text = lastMessageBuffer.map {
      String(decoding: UnsafeBufferPointer(start: $0, count: lastMessageCount), as: UTF8.self)
    } ?? ""
    return EvidenceRecord(kind: .lastSignOfLife, time: lastTime, location: loc, message: text)
  }

  /// An independent copy (the host merge combines copies, so that the sequencers' own boots stay as they were and
  /// tail mode can merge the same live state again after every batch).
  func copy() -> BootState {
    let c = BootState(startKnown: startKnown, bootID: bootID)
    c.opener = opener
    c.firstTime = firstTime
    c.lastTime = lastTime
    c.lastLocation = lastLocation
    c.lastMessage = lastMessage
    c.records = records
    c.loginRecords = loginRecords
    c.clockUnsetAtStart = clockUnsetAtStart
    c.strongShutdown = strongShutdown
    c.strongDirection = strongDirection
    c.strongOrdinal = strongOrdinal
    c.journalStopped = journalStopped
    c.journalStoppedOrdinal = journalStoppedOrdinal
    c.daemonExit = daemonExit
    c.daemonExitOrdinal = daemonExitOrdinal
    c.serviceStopping = serviceStopping
    c.serviceStoppingOrdinal = serviceStoppingOrdinal
    c.lastDaemonStartOrdinal = lastDaemonStartOrdinal
    c.lastJournalStartOrdinal = lastJournalStartOrdinal
    c.crash = crash
    c.crashOrdinal = crashOrdinal
    c.startEvidence = startEvidence
    c.gap = gap
    c.gapOrdinal = gapOrdinal
    c.onlineJournal = onlineJournal
    c.earlyStepBack = earlyStepBack
    c.sawStepBack = sawStepBack
    c.banner = banner
    c.collectsCandidates = collectsCandidates
    c.candidates = candidates
    c.candidatesOverflow = candidatesOverflow
    return c
  }

  /// Judges the kept start-of-boot candidates as `apply` would have, had the records counted in `base` (with
  /// first time `priorFirst`) come before them.
  private func judgeCandidates(_ list: [StartCandidate], base: Int, priorFirst: Int64) {
    for c in list {
      let first = priorFirst != Record.noTime ? priorFirst : c.firstTime
      let early = base + c.ordinal < Self.startWindowRecords
        || (c.time != Record.noTime && first != Record.noTime && c.time - first <= Self.startWindow)
      if early && startEvidence.count < 12 { startEvidence.append(c.evidence) }
    }
  }

  /// The chunk that holds this boot's first records was the first to show the boot: judge its candidates alone.
  func settleCandidates() {
    let list = candidates
    candidates = []
    collectsCandidates = false
    judgeCandidates(list, base: 0, priorFirst: Record.noTime)
  }

  /// Appends `other`, the same boot as read by the next chunk of the stream, exactly as if its records had been
  /// applied to this boot one by one (`SplitIngest`).
  func continueWith(_ other: BootState) {
    let base = records
    let priorFirst = firstTime
    // The chunk's marks hold its state from its first record: each becomes this boot's state up to there.
    let prior = other.daemonMarks.isEmpty && other.bootLineMarks.isEmpty ? nil : copy()
    func carried(_ m: DaemonMark) -> DaemonMark {
      let before = prior!.copy()
      before.continueWith(m.before)
      return DaemonMark(opener: m.opener, ordinal: m.ordinal + base, time: m.time, before: before)
    }
    if marksDaemonStarts {
      for m in other.daemonMarks {
        guard daemonMarks.count < Self.daemonMarkLimit else {
          daemonMarksOverflow = true
          break
        }
        daemonMarks.append(carried(m))
      }
      for (e, ordinal) in other.startSignals { keepStartSignal(e, ordinal: ordinal + base) }
      ownStarts += other.ownStarts.map { OwnStart(time: $0.time, ordinal: $0.ordinal + base, finished: $0.finished) }
      if ownStarts.count > Self.daemonMarkLimit || other.daemonMarksOverflow { daemonMarksOverflow = true }
    }
    for (m, id) in other.bootLineMarks {
      guard bootLineMarks.count < Self.daemonMarkLimit else {
        daemonMarksOverflow = true
        break
      }
      bootLineMarks.append((carried(m), id))
    }
    records += other.records
    if firstTime == Record.noTime { firstTime = other.firstTime }
    if other.lastTime != Record.noTime { lastTime = other.lastTime }
    if other.hasLastLocation {
      lastLocation = SourceLocation(input: other.lastInput, line: other.lastLine, cursor: other.lastCursor)
      lastMessage = other.lastMessage
    }
    takeMarkers(of: other, base: base)
    if banner == nil { banner = other.banner }
    if other.strongDirection != .unspecified { strongDirection = other.strongDirection }
    // `other` continues a boot: it had no opener and no NUL-run start evidence of its own (startKnown false).
    startEvidence += other.startEvidence
    judgeCandidates(other.candidates, base: base, priorFirst: priorFirst)
  }

  /// Adds `delta` to the line numbers of `input`'s evidence (a chunk read with line numbers from 1).
  func shiftLines(input: Int32, by delta: Int) {
    func s(_ e: inout EvidenceRecord?) { e?.location.shiftLine(input: input, by: delta) }
    s(&opener)
    s(&strongShutdown)
    s(&journalStopped)
    s(&daemonExit)
    s(&serviceStopping)
    s(&crash)
    s(&gap)
    s(&onlineJournal)
    for i in startEvidence.indices { startEvidence[i].location.shiftLine(input: input, by: delta) }
    for i in candidates.indices { candidates[i].evidence.location.shiftLine(input: input, by: delta) }
    if hasLastLocation, lastInput == input, lastLine > 0 { lastLine += delta }
    for i in daemonMarks.indices {
      daemonMarks[i].opener.location.shiftLine(input: input, by: delta)
      daemonMarks[i].before.shiftLines(input: input, by: delta)
    }
    for i in startSignals.indices { startSignals[i].evidence.location.shiftLine(input: input, by: delta) }
  }

  /// Merges `other` (the continuation of this boot under another host name) into this one.
  func absorb(_ other: BootState) {
    let base = records
    records += other.records
    if firstTime == Record.noTime { firstTime = other.firstTime }
    if other.lastLocation != nil {
      lastTime = other.lastTime
      lastLocation = other.lastLocation
      lastMessage = other.lastMessage
    }
    takeMarkers(of: other, base: base)
    if banner == nil { banner = other.banner }
    if other.strongShutdown != nil { strongDirection = other.strongDirection }
  }

  /// Takes the end-of-boot markers `other` holds (records that came after this boot's; `base` = this boot's
  /// record count before them, so their ordinals shift by it). Shared by `absorb` and `continueWith`.
  private func takeMarkers(of other: BootState, base: Int) {
    func shift(_ o: Int) -> Int { o < 0 ? -1 : o + base }
    if other.strongShutdown != nil {
      strongShutdown = other.strongShutdown
      strongOrdinal = shift(other.strongOrdinal)
    }
    if other.journalStopped != nil {
      journalStopped = other.journalStopped
      journalStoppedOrdinal = shift(other.journalStoppedOrdinal)
    }
    if other.daemonExit != nil {
      daemonExit = other.daemonExit
      daemonExitOrdinal = shift(other.daemonExitOrdinal)
    }
    if other.serviceStopping != nil {
      serviceStopping = other.serviceStopping
      serviceStoppingOrdinal = shift(other.serviceStoppingOrdinal)
    }
    if other.lastDaemonStartOrdinal >= 0 { lastDaemonStartOrdinal = shift(other.lastDaemonStartOrdinal) }
    if other.lastJournalStartOrdinal >= 0 { lastJournalStartOrdinal = shift(other.lastJournalStartOrdinal) }
    if other.crash != nil {
      crash = other.crash
      crashOrdinal = shift(other.crashOrdinal)
    }
    if other.gap != nil {
      gap = other.gap
      gapOrdinal = shift(other.gapOrdinal)
    }
    if onlineJournal == nil { onlineJournal = other.onlineJournal }
  }
}
