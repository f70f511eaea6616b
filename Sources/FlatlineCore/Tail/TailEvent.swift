/// One event of `flatline tail` (docs/tail.md, docs/schema/event.schema.json).
///
/// `key` identifies the fact the event reports, independent of input order and process lifetime (host and
/// times, never ordinal ids): the same history analysed twice yields the same keys. Exactly-once delivery
/// rests on it (see `TailService`).
public struct TailEvent: Sendable {
  /// Event types. Raw values are the JSON `type` strings (stable).
  public enum Kind: String, Sendable, CaseIterable {
    case bootStarted = "boot-started"
    case bootEnded = "boot-ended"
    case incident
    case finding
    case notice
    case sourceError = "source-error"
    case heartbeat
  }

  public enum Payload: Sendable {
    case boot(BootResult)
    /// `opened` false: an update of an incident emitted before (more recovery events arrived).
    case incident(Incident, opened: Bool)
    case finding(Finding)
    case notice(CloudNotice)
    case sourceError(source: String, message: String)
    case heartbeat(startedAt: Int64, eventsEmitted: Int)
  }

  public var kind: Kind
  public var key: String
  /// Microseconds since the epoch (what the event is about: a boot's start or end, a hit's time, now).
  public var time: Int64?
  public var host: String?
  public var payload: Payload

  public init(kind: Kind, key: String, time: Int64?, host: String?, payload: Payload) {
    self.kind = kind
    self.key = key
    self.time = time
    self.host = host
    self.payload = payload
  }

  /// Sort rank among events of the same time: a boot ends before the next one starts.
  var rank: Int {
    switch kind {
    case .bootEnded: return 0
    case .incident: return 1
    case .bootStarted: return 2
    case .finding: return 3
    case .notice: return 4
    case .sourceError: return 5
    case .heartbeat: return 6
    }
  }

  /// One NDJSON line (without the newline). `inputs` resolves the sources of evidence and hits.
  public func json(inputs: [InputInfo]) -> String {
    var w = JSONWriter()
    w.compact = true
    w.open()
    w.field("type", .string(kind.rawValue))
    w.field("key", .string(key))
    w.field("time", JSONReporter.time(time))
    w.field("host", .string(host))
    switch payload {
    case .boot(let b):
      w.field("bootId", .string(b.id))
      w.field("ending", .string(kind == .bootEnded ? b.ending.rawValue : nil))
      w.prefixKey("boot")
      JSONReporter.boot(&w, b, inputs)
    case .incident(let i, let opened):
      w.field("status", .string(opened ? "opened" : "updated"))
      w.prefixKey("incident")
      JSONReporter.incident(&w, i, inputs)
    case .finding(let f):
      w.open("finding")
      w.field("type", .string(f.type.rawValue))
      w.field("host", .string(f.host))
      JSONReporter.hit(&w, f.hit, inputs)
      w.close()
    case .notice(let n):
      w.open("notice")
      JSONReporter.notice(&w, n)
      w.close()
    case .sourceError(let source, let message):
      w.field("source", .string(source))
      w.field("message", .string(message))
    case .heartbeat(let startedAt, let emitted):
      w.field("startedAt", JSONReporter.time(startedAt))
      w.field("eventsEmitted", .int(Int64(emitted)))
    }
    w.close()
    return w.text
  }

  /// One line for a person.
  public func text(inputs: [InputInfo]) -> String {
    let t = time.map { CivilTime.rfc3339($0) } ?? "-"
    let h = host ?? "-"
    var line = "\(t) \(h) \(kind.rawValue)"
    switch payload {
    case .boot(let b):
      if kind == .bootEnded {
        line += " \(b.id): \(b.ending.rawValue) (confidence \(Int((b.confidence * 100).rounded()))%)"
        if let l = b.lastSignOfLife { line += ", last sign of life \(CivilTime.rfc3339(l))" }
        if let d = b.downtime { line += ", down \(d / 1_000_000)s" }
        let kinds = b.evidence.map(\.kind.rawValue)
        var seen = Set<String>()
        let unique = kinds.filter { seen.insert($0).inserted }
        if !unique.isEmpty { line += "; evidence: " + unique.joined(separator: ", ") }
      } else {
        line += " \(b.id)"
      }
    case .incident(let i, let opened):
      line += " \(opened ? "opened" : "updated"): \(i.cause.rawValue) (confidence \(Int((i.confidence * 100).rounded()))%)"
      if !i.datastoreEvents.isEmpty { line += ", \(i.datastoreEvents.count) datastore event(s)" }
      if !i.cloudNotices.isEmpty { line += ", \(i.cloudNotices.count) notice(s)" }
    case .finding(let f):
      line += " \(f.type.rawValue) \(f.hit.ruleID): \(f.hit.message)"
    case .notice(let n):
      line += " \(n.provider.rawValue) \(n.eventType) (\(n.effect.rawValue)): \(n.text)"
    case .sourceError(let source, let message):
      line += " \(source): \(message)"
    case .heartbeat(_, let emitted):
      line += " (\(emitted) events emitted)"
    }
    return line
  }
}

extension JSONWriter {
  /// Writes `"key":` so that the next `open()` without a key becomes that key's value (reusing the report's
  /// object writers, which open their own object).
  mutating func prefixKey(_ key: String) {
    pendingKey = key
  }
}
