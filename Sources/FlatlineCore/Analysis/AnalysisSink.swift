/// Everything that consumes records, fed one record at a time in source order: the boot state machine, the rule
/// matcher and the instance-identity scanner. Batch analysis feeds it from files; tail mode feeds the same sink
/// from followed sources.
public struct AnalysisSink: RecordSink {
  public private(set) var engine: DetectionEngine
  /// Rule hits so far (datastore and storage events for correlation).
  public private(set) var rules: RuleHitCollector
  /// Instance ids named by cloud-init and agent lines (host ↔ instance mapping for notices).
  public private(set) var identity = InstanceIdentity()
  /// False: `identity` stays empty (`IngestOptions.learnsInstances`).
  let learnsInstances: Bool
  let registry: InputRegistry
  /// `flatline boots` (journal boot windows): records of binary journals skip the rule matcher (only a window of
  /// each boot is read, so its hits would be a partial list; the boots table does not show them).
  var journalRulesOff = false
  /// Per input index: true for binary journals (filled while `journalRulesOff`).
  private var isBinaryJournal: [Bool] = []

  public init(registry: InputRegistry, rules: [Rule], learnsInstances: Bool = true) {
    self.init(registry: registry, matcher: RuleMatcher(rules: rules), learnsInstances: learnsInstances)
  }

  /// With a matcher already built (one per thread, shared by the sets it reads one after another:
  /// `ParallelIngest.runBatch`).
  init(registry: InputRegistry, matcher: RuleMatcher, learnsInstances: Bool = true) {
    self.registry = registry
    self.learnsInstances = learnsInstances
    engine = DetectionEngine(registry: registry)
    self.rules = RuleHitCollector(matcher: matcher)
  }

  public mutating func consume(_ record: Record) {
    if learnsInstances { identity.observe(record) }
    if journalRulesOff {
      let i = Int(record.input) - registry.base
      if i >= isBinaryJournal.count {
        // Only the inputs registered since the last look (the whole list at every new input cost time in the
        // square of the inputs).
        for k in isBinaryJournal.count..<(registry.count - registry.base) {
          isBinaryJournal.append(registry[Int32(registry.base + k)].kind == .journal)
        }
      }
      if i >= 0, i < isBinaryJournal.count, isBinaryJournal[i] {
        engine.consume(record)
        return
      }
    }
    engine.consume(record)
    // A line the engine left out as a repeat (a journal read again) would repeat its rule hits too.
    if engine.lastRecordKept { rules.consume(record, registry: registry) }
    // A journal read again: the host's hits are made unique, and boots read twice take their first reading's back.
    if engine.rereadNews != nil {
      for x in engine.takeRereadNews() { rules.dropRepeats(host: x.host, firstReadings: x.firstReadings) }
    }
  }

  public mutating func note(_ note: SourceNote) { engine.note(note) }

  /// Appends what `other` saw after what this sink saw, as if its records had come next (`ParallelIngest`).
  mutating func absorb(_ other: AnalysisSink) {
    engine.absorb(other.engine)
    rules.absorb(other.rules)
    identity.absorb(other.identity)
  }

  /// Lets go of the compiled rules, keeping the hits (a chunk's sink waiting to be joined, `SplitIngest`).
  mutating func keepHitsOnly() {
    let c = RuleHitCollector(rules: [])
    c.absorb(rules)
    rules = c
  }

  /// Lets go of what only reading more records needs (the rules, the engine's record memos), keeping what is
  /// joined: a set's sink waiting for the others of its batch (`ParallelIngest.runBatch`; thousands of small sets
  /// each kept a matcher and memos until the join).
  mutating func finishReading() {
    keepHitsOnly()
    engine.releaseRecordMemos()
  }

  /// Makes this sink read a chunk of a syslog stream (`SplitIngest`); call before the first record.
  mutating func readChunk() { engine.readsChunk = true }

  /// Appends what `other` read from the next chunk of the same stream (see `DetectionEngine.appendChunk`).
  /// `first`: `other` read the stream's first chunk. False, changing nothing, when the chunk cannot be joined
  /// exactly.
  mutating func appendChunk(_ other: AnalysisSink, first: Bool) -> Bool {
    guard engine.canAppendChunk(other.engine, first: first) else { return false }
    engine.appendChunk(other.engine)
    rules.absorb(other.rules)
    identity.absorb(other.identity)
    return true
  }

  /// Appends what `other` read from the next range of boots of the same journal group (see
  /// `DetectionEngine.appendJournalBoots`). False, changing nothing, when the range cannot be joined exactly.
  func canAppendJournalBoots(_ other: AnalysisSink) -> Bool { engine.canAppendJournalBoots(other.engine) }

  mutating func appendJournalBoots(_ other: AnalysisSink) -> Bool {
    guard engine.canAppendJournalBoots(other.engine) else { return false }
    engine.appendJournalBoots(other.engine)
    rules.absorb(other.rules)
    identity.absorb(other.identity)
    return true
  }

  /// Adds `delta` to the line numbers of `input` in everything kept.
  func shiftLines(input: Int32, by delta: Int) {
    guard delta != 0 else { return }
    engine.shiftLines(input: input, by: delta)
    rules.shiftLines(input: input, by: delta)
  }
}
