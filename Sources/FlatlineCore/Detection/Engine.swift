/// The sink every source feeds: routes each record to the boot state machine of its stream and host.
/// Batch analysis and tail mode both drive this one engine.
public struct DetectionEngine: RecordSink {
  public let registry: InputRegistry
  public private(set) var sequencers: [BootSequencer] = []
  /// The same sequencers, unretained (kept alive by `sequencers`): the per-record path reaches its sequencer
  /// without a retain/release pair. Append through `add(_:)` only.
  private var sequencerRefs: [Unmanaged<BootSequencer>] = []
  private var index: [String: Int] = [:]
  private var streamOrdinal = 0
  // Fast path: the previous record's stream and host.
  private var lastStream = -1
  /// The previous record's host key (a view into `keys`: assigning it costs no reference counting).
  private var lastHost: Bytes = .empty
  /// Where host keys are kept (`KeyEntry.key`, `lastHost`); engines absorbed from other threads hand theirs over.
  private var keys = ByteArena()
  private var absorbedKeys: [ByteArena] = []
  private var lastSequencer = -1
  /// The host of the previous record per stream, for lines that carry none.
  /// Indexed by stream number; -1 = none yet. The entry of the stream being read (`lastStream`) is written only
  /// when another stream's record comes (hosts of a central syslog change on most records; a line without host
  /// is looked up here only after its stream changed): see `lastHostsNow` and `saveLastHost`.
  private var lastHostOfStream: [Int] = []

  /// `lastHostOfStream` with the entry of the stream being read brought up to date.
  private var lastHostsNow: [Int] {
    var hosts = lastHostOfStream
    if lastStream >= 0 && lastSequencer >= 0 {
      if lastStream >= hosts.count { hosts.append(contentsOf: repeatElement(-1, count: lastStream + 1 - hosts.count)) }
      hosts[lastStream] = lastSequencer
    }
    return hosts
  }

  /// Writes the entry of the stream being read into `lastHostOfStream`.
  private mutating func saveLastHost() {
    if lastStream >= 0 && lastSequencer >= 0 { setLastHost(ofStream: lastStream, lastSequencer) }
  }
  /// Journal boots: which sequencer holds each boot ID (per stream), and whether it may still move.
  private var bootOwner: [String: (sequencer: Int, pinned: Bool)] = [:]
  private var lastBootID: [UInt8] = []
  /// Kind of every input seen so far, by index less the registry's `base` (filled as inputs appear). Datastore
  /// native logs have no boots and no host (they are left to the rule matcher); wtmp/utmp records are classified as
  /// login records.
  private var inputKinds: [InputKind] = []
  /// Stream number of every input seen so far, by index less `base` (read from the registry once, not per record).
  private var inputStreams: [Int] = []
  /// True where `inputKinds` and `inputStreams` hold the input's (read at its first record).
  private var inputKnown: [Bool] = []
  /// Sequencer by (stream, host key bytes) without building the `index` string key: hash of the key →
  /// entries to compare. Hosts of a central syslog interleave, so the host changes on most records.
  private var byKeyHash: [UInt64: [KeyEntry]] = [:]

  private struct KeyEntry {
    var stream: Int
    var key: Bytes
    var sequencer: Int
    var hash: UInt64
  }
  /// Direct-mapped memo in front of `byKeyHash` (no Dictionary hashing for the hosts in use). Starts at
  /// `recentSlots` entries and doubles while the hosts outnumber half of them, up to `recentSlotsMax`: a central
  /// server's log of 10,000 hosts missed a 256-entry memo at almost every line.
  private var recentKeys: [KeyEntry] = []
  /// `recentKeys.count - 1` (0 while it is empty).
  private var recentMask = 0
  private static let recentSlots = 256
  private static let recentSlotsMax = 1 << 16

  private mutating func setLastHost(ofStream stream: Int, _ seq: Int) {
    guard stream >= 0 else { return }
    if stream >= lastHostOfStream.count {
      lastHostOfStream.append(contentsOf: repeatElement(-1, count: stream + 1 - lastHostOfStream.count))
    }
    lastHostOfStream[stream] = seq
  }

  public init(registry: InputRegistry) {
    self.registry = registry
  }

  /// False when the last record given to `consume` was left out (`BootSequencer.Reread`).
  public private(set) var lastRecordKept = true
  /// Hosts that had a reread notice (`BootSequencer.rereadNews`), with the line ranges of their boots' first readings:
  /// their rule hits so far are made unique, those at the ranges taken back. Nil when none waits for the sink, which
  /// takes it (`takeRereadNews`) after each record.
  private(set) var rereadNews: [(host: String, firstReadings: [(input: Int32, lines: ClosedRange<Int>)])]?

  mutating func takeRereadNews() -> [(host: String, firstReadings: [(input: Int32, lines: ClosedRange<Int>)])] {
    defer { rereadNews = nil }
    return rereadNews ?? []
  }

  public mutating func consume(_ r: Record) {
    lastRecordKept = true
    let inputIndex = Int(r.input) - registry.base
    if inputIndex >= inputKinds.count || inputIndex >= 0 && !inputKnown[inputIndex] {
      // Read at the input's first record (mapping the whole list at every new input cost time in the square of
      // the inputs: 30,000 files of a fleet's folders spent a quarter of the run here).
      guard inputIndex >= 0, Int(r.input) < registry.count else { return }
      if inputIndex >= inputKinds.count {
        let more = inputIndex + 1 - inputKinds.count
        inputKinds.append(contentsOf: repeatElement(.skipped, count: more))
        inputStreams.append(contentsOf: repeatElement(-1, count: more))
        inputKnown.append(contentsOf: repeatElement(false, count: more))
      }
      let info = registry[r.input]
      inputKinds[inputIndex] = info.kind
      inputStreams[inputIndex] = info.stream
      inputKnown[inputIndex] = true
    }
    guard inputIndex >= 0 else { return }
    let kind = inputKinds[inputIndex]
    if kind.isHostless { return }
    let loginRecords = kind == .wtmp || kind == .audit
    let stream = inputStreams[inputIndex]
    let journal = !r.bootID.isEmpty || !r.machineID.isEmpty
    let key = journal && !r.machineID.isEmpty ? r.machineID : r.host
    let seq: Int
    if stream == lastStream && lastSequencer >= 0 && (key.isEmpty || key.equals(lastHost))
      && (r.bootID.isEmpty || r.bootID.equals(lastBootID))
    {
      seq = lastSequencer
    } else if key.isEmpty, r.bootID.isEmpty, stream >= 0, stream < lastHostOfStream.count,
      lastHostOfStream[stream] >= 0
    {
      let s = lastHostOfStream[stream]
      seq = s
    } else {
      let byKey = sequencer(stream: stream, key: key, journal: journal, loginRecords: loginRecords, record: r)
      seq = r.bootID.isEmpty ? byKey : journalOwner(stream: stream, bootID: r.bootID, keySequencer: byKey)
      if !(r.bootID.isEmpty && lastBootID.isEmpty) {
        lastBootID.removeAll(keepingCapacity: true)
        lastBootID.append(contentsOf: r.bootID.buffer)
      }
    }
    if stream != lastStream {
      saveLastHost()
      lastStream = stream
    }
    lastSequencer = seq
    streamOrdinal += 1
    let ordinal = streamOrdinal
    sequencerRefs[seq]._withUnsafeGuaranteedRef { s in
      if loginRecords && !s.timesInMinutes && registry[r.input].timesInMinutes { s.timesInMinutes = true }
      if journal, !r.host.isEmpty {
        if !r.host.equals(s.hostName) { s.hostName = r.host.string }
        s.journalHostSeen = true
      }
      let signal = loginRecords ? SignalClassifier.classifyLoginRecord(r) : SignalClassifier.classify(r)
      lastRecordKept = s.consume(r, signal: signal, streamOrdinal: ordinal)
      if let news = s.rereadNews {
        rereadNews = (rereadNews ?? []) + [(s.hostKey, news)]
        s.rereadNews = nil
      }
    }
  }

  /// The sequencer of a journal boot. A boot stays with the machine it was first seen on, except once: the
  /// initrd runs with a transient machine ID of its own, so when a boot's entries switch to another machine ID
  /// the boot moves to that machine (and stays there). Without this, the initrd's `Journal stopped` at
  /// switch-root would read as a clean end of a boot that continued under the real machine ID.
  private mutating func journalOwner(stream: Int, bootID: Bytes, keySequencer: Int) -> Int {
    let id = "\(stream)\u{1}\(bootID.string)"
    guard let owner = bootOwner[id] else {
      bootOwner[id] = (keySequencer, false)
      return keySequencer
    }
    if owner.sequencer == keySequencer || owner.pinned { return owner.sequencer }
    let boot = bootID.string
    if let state = sequencers[owner.sequencer].takeJournalBoot(boot) {
      sequencers[keySequencer].adoptJournalBoot(state)
    }
    bootOwner[id] = (keySequencer, true)
    return keySequencer
  }

  private mutating func sequencer(stream: Int, key: Bytes, journal: Bool, loginRecords: Bool, record r: Record) -> Int {
    let h = key.hash(seed: UInt64(truncatingIfNeeded: stream))
    let slot = Int(truncatingIfNeeded: h ^ (h >> 32)) & recentMask
    if slot < recentKeys.count {
      let e = recentKeys[slot]
      if e.hash == h && e.stream == stream && key.equals(e.key) {
        lastHost = e.key
        return e.sequencer
      }
    }
    let found: KeyEntry
    if let entries = byKeyHash[h], let e = entries.first(where: { $0.stream == stream && key.equals($0.key) }) {
      found = e
    } else {
      let i = sequencerSlow(stream: stream, key: key, journal: journal, loginRecords: loginRecords, record: r)
      found = KeyEntry(stream: stream, key: keys.keep(key), sequencer: i, hash: h)
      byKeyHash[h, default: []].append(found)
    }
    let want = recentKeys.isEmpty ? Self.recentSlots : recentKeys.count * 2
    if recentKeys.isEmpty || byKeyHash.count * 2 > recentKeys.count && want <= Self.recentSlotsMax {
      recentKeys = Array(repeating: KeyEntry(stream: -1, key: .empty, sequencer: -1, hash: 0), count: want)
      recentMask = want - 1
    }
    recentKeys[Int(truncatingIfNeeded: h ^ (h >> 32)) & recentMask] = found
    lastHost = found.key
    return found.sequencer
  }

  private mutating func sequencerSlow(
    stream: Int, key: Bytes, journal: Bool, loginRecords: Bool, record r: Record
  ) -> Int {
    let k = "\(stream)\u{1}\(key.string)"
    if let i = index[k] { return i }
    let name = journal ? (r.host.isEmpty ? key.string : r.host.string) : (key.isEmpty ? "unknown" : key.string)
    let s = BootSequencer(
      stream: stream, hostKey: key.string, hostName: name, isJournal: journal, isLoginRecords: loginRecords && !journal)
    s.readsChunk = readsChunk
    if journal && !r.machineID.isEmpty { s.machineID = r.machineID.string }
    add(s)
    index[k] = sequencers.count - 1
    return sequencers.count - 1
  }

  public mutating func note(_ note: SourceNote) {
    switch note {
    case .dataGap(let input, let reason):
      let stream = registry[input].stream
      for s in sequencers where s.stream == stream { s.dataGap(input: input, reason: reason) }
      registry.warn(input, "data gap: \(reason)")
    case .journalFileOnline(let input, let file, let machineID, let tailBootID):
      let stream = registry[input].stream
      let k = "\(stream)\u{1}\(machineID)"
      let i: Int
      if let found = index[k] {
        i = found
      } else {
        let s = BootSequencer(stream: stream, hostKey: machineID, hostName: machineID, isJournal: true)
        s.machineID = machineID
        add(s)
        i = sequencers.count - 1
        index[k] = i
      }
      sequencers[i].journalFileOnline(input: input, file: file, bootID: tailBootID)
    case .bootsInterleaved(let input, let line, let host, let reason):
      for s in textSequencers(of: input, host: host) {
        s.bootsInterleaved(at: SourceLocation(input: input, line: line), reason: reason)
      }
      registry.warn(input, "line \(line): \(reason)")
    case .rebootLines(let input, let line, let host, let count):
      for s in textSequencers(of: input, host: host) {
        s.addRebootLines(count, first: SourceLocation(input: input, line: line))
      }
    }
  }

  /// The text-log sequencers of `host` (as its records name it) in the stream of `input`.
  private func textSequencers(of input: Int32, host: String) -> [BootSequencer] {
    let stream = registry[input].stream
    return sequencers.filter { $0.stream == stream && !$0.isJournal && $0.hostKey == host }
  }

  /// Appends the sequencers of an engine that read later inputs (other streams) on another thread, as if its
  /// records had come after this engine's (`ParallelIngest`): stream ordinals shift, lookups are re-keyed.
  mutating func absorb(_ other: DetectionEngine) {
    saveLastHost()
    let offset = sequencers.count
    for s in other.sequencers {
      if s.lastStreamOrdinal >= 0 {
        s.firstStreamOrdinal += streamOrdinal
        s.lastStreamOrdinal += streamOrdinal
      }
      add(s)
    }
    for (k, v) in other.index { index[k] = v + offset }
    for (k, v) in other.lastHostsNow.enumerated() where v >= 0 { setLastHost(ofStream: k, v + offset) }
    for (k, v) in other.bootOwner { bootOwner[k] = (v.sequencer + offset, v.pinned) }
    forgetLookups(after: other)
  }

  /// Drops the memos in front of the sequencer lookup (rebuilt from `index` if records come again).
  mutating func releaseRecordMemos() {
    byKeyHash = [:]
    recentKeys = []
    recentMask = 0
  }

  /// After taking `other`'s sequencers: its record count continues ours, and every per-record memo starts over
  /// (they hold indices and keys that no longer apply). `other`'s key arena stays alive with ours.
  private mutating func forgetLookups(after other: DetectionEngine) {
    streamOrdinal += other.streamOrdinal
    lastStream = -1
    lastSequencer = -1
    lastHost = .empty
    absorbedKeys.append(other.keys)
    absorbedKeys += other.absorbedKeys
    lastBootID = []
    inputKinds = []
    inputStreams = []
    inputKnown = []
    releaseRecordMemos()
  }

  /// The (stream, boot ID) keys of the journal boots seen so far.
  var journalBootKeys: Dictionary<String, (sequencer: Int, pinned: Bool)>.Keys { bootOwner.keys }

  /// Whether `appendJournalBoots(other)` is exact: every sequencer of `other` is a journal machine whose boots
  /// (all with an ID) are new to its counterpart here, and no boot moved between machines in `other`.
  func canAppendJournalBoots(_ other: DetectionEngine) -> Bool {
    if other.bootOwner.values.contains(where: \.pinned) { return false }
    for s in other.sequencers {
      guard s.isJournal else { return false }
      if let i = index["\(s.stream)\u{1}\(s.hostKey)"] {
        if !sequencers[i].canAppendJournalBoots(s) { return false }
      } else if s.boots.contains(where: { $0.bootID == nil }) {
        return false
      }
    }
    for k in other.bootOwner.keys where bootOwner[k] != nil { return false }
    return true
  }

  /// Appends what an engine read from the next range of boots of the same journal group (`JournalSource` with
  /// jobs; check `canAppendJournalBoots` first): each machine's boots follow this engine's boots of the same
  /// stream and machine; machines new in the range are appended; stream ordinals shift, lookups are re-keyed.
  mutating func appendJournalBoots(_ other: DetectionEngine) {
    saveLastHost()
    let offset = streamOrdinal
    let mapped = continueSequencers(
      of: other, join: { mine, next in mine.appendJournalBoots(next, ordinalOffset: offset) },
      adopt: { next in
        if next.lastStreamOrdinal >= 0 {
          next.firstStreamOrdinal += offset
          next.lastStreamOrdinal += offset
        }
      })
    for (k, v) in other.bootOwner { bootOwner[k] = (mapped[v.sequencer], v.pinned) }
    forgetLookups(after: other)
  }

  /// Takes the sequencers of an engine that read what follows this one's records in the same streams: a
  /// sequencer of a stream and host held here goes to `join` with ours; any other goes to `adopt` and is
  /// appended. The stream's last host follows `other`. Returns, per sequencer of `other`, its index here.
  private mutating func continueSequencers(
    of other: DetectionEngine, join: (BootSequencer, BootSequencer) -> Void, adopt: (BootSequencer) -> Void
  ) -> [Int] {
    var mapped: [Int] = []
    for s in other.sequencers {
      let k = "\(s.stream)\u{1}\(s.hostKey)"
      if let i = index[k] {
        join(sequencers[i], s)
        mapped.append(i)
      } else {
        adopt(s)
        add(s)
        index[k] = sequencers.count - 1
        mapped.append(sequencers.count - 1)
      }
    }
    for (k, v) in other.lastHostsNow.enumerated() where v >= 0 { setLastHost(ofStream: k, mapped[v]) }
    return mapped
  }

  private mutating func add(_ s: BootSequencer) {
    sequencers.append(s)
    sequencerRefs.append(Unmanaged.passUnretained(s))
  }

  /// Whether `appendChunk(other)` is exact (see `BootSequencer.canContinue`). `first`: `other` read the
  /// stream's first chunk.
  func canAppendChunk(_ other: DetectionEngine, first: Bool) -> Bool {
    for s in other.sequencers {
      if let i = index["\(s.stream)\u{1}\(s.hostKey)"] {
        if !sequencers[i].canContinue(with: s) { return false }
      } else {
        // A line without host at a chunk's start would have gone to the previous record's host.
        if !first && s.hostKey.isEmpty { return false }
        if !s.canSettleAsFirst { return false }
      }
    }
    return true
  }

  /// Appends what an engine read from the next chunk of a syslog stream (`SplitIngest`; check
  /// `canAppendChunk` first): each host's sequencer continues this engine's sequencer of the same stream and
  /// host (its first boot, begun before the chunk, joins this one's last); hosts new in the chunk are appended.
  mutating func appendChunk(_ other: DetectionEngine) {
    saveLastHost()
    let offset = streamOrdinal
    _ = continueSequencers(
      of: other, join: { mine, next in mine.continueWith(next, ordinalOffset: offset) },
      adopt: { next in next.settleAsFirst(ordinalOffset: offset) })
    forgetLookups(after: other)
  }

  /// Makes the sequencers read chunks (see `BootSequencer.readsChunk`); set before the first record.
  var readsChunk = false

  /// Adds `delta` to the line numbers of `input` in everything kept.
  func shiftLines(input: Int32, by delta: Int) {
    for s in sequencers { s.shiftLines(input: input, by: delta) }
  }

  /// The latest time until which a boot just opened by a kernel banner may still be taken back as a ring-buffer
  /// replay (`BootSequencer.revertReplayedBoot`); nil when no boot is in that state. Tail mode waits for it before
  /// it reports the boot before such a one as ended.
  public var replayWatchEnd: Int64? { sequencers.compactMap(\.replayWatchEnd).max() }

  /// Tail mode: applies what the text streams whose latest record is stamped before `t` still hold
  /// (`BootSequencer.settleQuiet`).
  public func settleQuiet(before t: Int64) {
    for s in sequencers { s.settleQuiet(before: t) }
  }

  /// The latest record time of the text streams that may still hold a boot's first lines
  /// (`BootSequencer.heldBootStartLatest`); nil when none does.
  public var heldBootStartLatest: Int64? { sequencers.compactMap(\.heldBootStartLatest).max() }

  /// Ends all streams.
  public func finish() {
    for s in sequencers {
      s.finish()
      if let e = s.runsBackwards() ?? s.rebootLinesOutnumberBoots() {
        registry.warn(e.location.input, "line \(e.location.line): \(e.message)")
      }
      if let w = s.replayWarning() { registry.warn(w.location.input, "line \(w.location.line): \(w.message)") }
      for w in s.rereadWarnings() + s.repeatedBootWarnings() {
        for (input, n) in w.skipped { registry.addSkipped(input, n) }
        registry.warn(w.location.input, "line \(w.location.line): \(w.message)")
      }
    }
  }
}

