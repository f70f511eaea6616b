/// Why a host went down, as far as the evidence shows. Raw values are the JSON `incidents[].cause` strings.
public enum IncidentCause: String, Codable, Sendable, CaseIterable {
  /// No shutdown sequence and no crash message before the next boot; no provider notice explains it.
  case powerLoss = "power-loss"
  /// A power loss the cloud provider confirms: a host failure or unplanned host reboot notice overlaps the outage.
  case hostFailure = "host-failure"
  /// A planned maintenance, retirement or migration notice overlaps the outage.
  case hostMaintenance = "host-maintenance"
  /// Spot / preemptible capacity was reclaimed.
  case preemption
  case kernelPanic = "kernel-panic"
  case watchdog
}

/// One reason the incident's confidence went up or down.
public struct ConfidenceFactor: Sendable {
  /// Short stable key (`no-shutdown-sequence`, `journald-unclean-file`, `datastore-unclean-start`,
  /// `provider-host-failure`, `provider-user-initiated`…).
  public var factor: String
  /// How much it moved the confidence (positive raises, negative lowers).
  public var delta: Double
  /// A sentence for the person reading the report.
  public var detail: String
}

/// A rule hit that belongs to an incident, with what it says about the outage.
public struct DatastoreEvent: Sendable {
  public var hit: RuleHit
  /// When the datastore says it was last up (PostgreSQL `last known up at …`), microseconds UTC.
  public var lastKnownUp: Int64?
}

/// One line of an incident's timeline.
public struct TimelineItem: Sendable {
  /// `last-sign-of-life`, `boot`, `boot-evidence`, `datastore`, `storage`, `notice`, `datastore-last-up`.
  public var kind: String
  public var time: Int64?
  /// File path the item comes from, with its line or journal cursor when known.
  public var source: String?
  public var line: Int?
  public var cursor: String?
  public var text: String
  /// Rule id, evidence kind or notice event type.
  public var ref: String?
}

/// A cloud notice as attached to an incident: the notice, and whether it speaks against a power loss.
public struct AttachedNotice: Sendable {
  public var notice: CloudNotice
  public var counterEvidence: Bool { notice.effect.isCounterEvidence }
}

/// An unclean ending of a boot, with everything around it: the chain "host lost power → datastore came back
/// damaged → the provider had a host failure".
public struct Incident: Sendable {
  public var id: String
  public var host: String
  /// The boot that ended uncleanly, and the boot that came after it (nil when the data ends first).
  public var bootID: String
  public var nextBootID: String?
  public var lastSignOfLife: Int64?
  public var bootAt: Int64?
  public var downtime: Int64?
  public var cause: IncidentCause
  public var confidence: Double
  public var factors: [ConfidenceFactor]
  public var datastoreEvents: [DatastoreEvent]
  public var cloudNotices: [AttachedNotice]
  public var timeline: [TimelineItem]
}

/// What a finding is. Raw values are the JSON `findings[].type` strings.
public enum FindingType: String, Codable, Sendable, CaseIterable {
  /// A datastore noticed it had crashed or recovered from a crash while the host did not go down: the process
  /// died (signal, OOM kill, assertion), not the machine. Never folded into a power loss.
  case datastoreCrash = "datastore-crash"
  /// Corruption seen outside any incident.
  case corruption
  /// Storage-layer errors outside any incident.
  case storageError = "storage-error"
  /// Any other rule hit.
  case event
}

/// A rule hit that belongs to no incident.
public struct Finding: Sendable {
  public var type: FindingType
  public var hit: RuleHit
  /// The host the hit was attributed to (the record's host, its journal machine, or its folder's host).
  public var host: String
}
