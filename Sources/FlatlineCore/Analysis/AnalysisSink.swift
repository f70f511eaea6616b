/// Everything that consumes records, fed one record at a time in source order: the boot state machine, the rule
/// matcher and the instance-identity scanner. Batch analysis feeds it from files; tail mode feeds the same sink
/// from followed sources.
public struct AnalysisSink: RecordSink {
  public private(set) var engine: DetectionEngine
  /// Rule hits so far (datastore and storage events for correlation).
  public let rules: RuleHitCollector
  /// Instance ids named by cloud-init and agent lines (host ↔ instance mapping for notices).
  public private(set) var identity = InstanceIdentity()
  let registry: InputRegistry
  /// `flatline boots` (journal boot windows): records of binary journals skip the rule matcher (only a window of
  /// each boot is read, so its hits would be a partial list; the boots table does not show them).
  var journalRulesOff = false
  /// Per input index: true for binary journals (filled while `journalRulesOff`).
  private var isBinaryJournal: [Bool] = []

  public init(registry: InputRegistry, rules: [Rule]) {
    self.registry = registry
    engine = DetectionEngine(registry: registry)
    self.rules = RuleHitCollector(rules: rules)
  }

  public mutating func consume(_ record: Record) {
    identity.observe(record)
    if journalRulesOff {
      let i = Int(record.input)
      if i >= isBinaryJournal.count { isBinaryJournal = registry.inputs.map { $0.kind == .journal } }
      if i >= 0, i < isBinaryJournal.count, isBinaryJournal[i] {
        engine.consume(record)
        return
      }
    }
    rules.consume(record, registry: registry)
    engine.consume(record)
  }

  public mutating func note(_ note: SourceNote) { engine.note(note) }

  /// Appends what `other` saw after what this sink saw, as if its records had come next (`ParallelIngest`).
  mutating func absorb(_ other: AnalysisSink) {
    engine.absorb(other.engine)
    rules.absorb(other.rules)
    identity.absorb(other.identity)
  }
}
