/// What a detection rule says about a line. Raw values are the JSON and YAML strings (stable).
public enum RuleCategory: String, Codable, Sendable, CaseIterable {
  /// The program noticed that its previous run did not stop cleanly.
  case uncleanStart = "unclean-start"
  /// Crash recovery (redo/replay) started or is running.
  case crashRecovery = "crash-recovery"
  /// Checksum failure, torn or truncated page/file, invalid data.
  case corruption
  /// Data was truncated, salvaged, rebuilt or zeroed to get going again.
  case repair
  /// The program refused to start.
  case refusedStart = "refused-start"
  /// The storage below failed (I/O errors, device timeouts).
  case storageError = "storage-error"
  /// Recovery finished.
  case recoveryDone = "recovery-done"
  /// The program itself crashed (fatal signal, failed assertion, panic). Without a host reboot around it, this is
  /// a datastore crash, not a power loss.
  case crash
}

public enum RuleSeverity: String, Codable, Sendable, CaseIterable, Comparable {
  case info
  case warning
  case error
  case critical

  private var rank: Int {
    switch self {
    case .info: return 0
    case .warning: return 1
    case .error: return 2
    case .critical: return 3
    }
  }

  public static func < (a: RuleSeverity, b: RuleSeverity) -> Bool { a.rank < b.rank }
}

/// One line that a rule fired on, copied out of the source buffer.
public struct RuleHit: Sendable {
  public var ruleID: String
  public var title: String
  public var component: String
  public var category: RuleCategory
  public var severity: RuleSeverity
  /// Microseconds since the epoch (UTC), or `Record.noTime`.
  public var time: Int64
  /// Host name written in the record; empty for native datastore logs (the host of their folder is used).
  public var host: String
  /// journald machine ID of the record, when it came from a journal.
  public var machineID: String?
  /// journald boot ID of the record, when it came from a journal (places the hit in its boot exactly).
  public var bootID: String?
  /// Microseconds since its boot (journal entries), -1 when unknown: how early in the boot, whatever the clock did.
  public var monotonic: Int64 = -1
  public var location: SourceLocation
  public var message: String
  /// Named captures of the rule's regular expression (e.g. PostgreSQL's `lastKnownUp`).
  public var captures: [String: String]

  public init(
    ruleID: String, title: String, component: String, category: RuleCategory, severity: RuleSeverity, time: Int64,
    host: String, machineID: String? = nil, bootID: String? = nil, location: SourceLocation, message: String,
    captures: [String: String] = [:], monotonic: Int64 = -1
  ) {
    self.monotonic = monotonic
    self.ruleID = ruleID
    self.title = title
    self.component = component
    self.category = category
    self.severity = severity
    self.time = time
    self.host = host
    self.machineID = machineID
    self.bootID = bootID
    self.location = location
    self.message = message
    self.captures = captures
  }
}

public enum CloudProvider: String, Codable, Sendable, CaseIterable {
  case aws
  case gcp
  case azure
  /// A notice file written by an operator (a support reply pasted in, a status page).
  case `operator`
}

/// What a provider notice says happened to the machine under the VM. Raw values are JSON strings (stable).
public enum NoticeEffect: String, Codable, Sendable, CaseIterable {
  /// The provider reports an unplanned failure or reboot of the host (hardware or software): confirms power loss.
  case hostFailure = "host-failure"
  /// Planned maintenance, retirement, migration or redeploy (may or may not have rebooted the VM).
  case maintenance
  /// Spot / preemptible capacity reclaimed.
  case preemption
  /// Started by the customer (stop, reboot, redeploy from the console or API): counter-evidence for power loss.
  case userInitiated = "user-initiated"
  /// The provider saw the guest OS crash or stop itself: counter-evidence for a host failure.
  case guestCrash = "guest-crash"
  /// Anything else (degraded but running, resolved status updates…).
  case informational

  /// True for notices that speak against "the host under the VM lost power".
  public var isCounterEvidence: Bool { self == .userInitiated || self == .guestCrash }
}

/// One cloud-provider (or operator) notice, normalised.
public struct CloudNotice: Sendable {
  public var provider: CloudProvider
  /// The provider's own event name: `AWS_EC2_INSTANCE_STORE_DRIVE_PERFORMANCE_DEGRADED`,
  /// `compute.instances.hostError`, `VirtualMachineHostCrashed`, `Reboot`…
  public var eventType: String
  public var effect: NoticeEffect
  /// The window the notice speaks of, microseconds UTC (start only for instantaneous events).
  public var start: Int64?
  public var end: Int64?
  /// Instance ids, instance names, resource ids the notice names (`i-0abc…`, `db-1`, `/subscriptions/…/vm1`).
  public var resources: [String]
  /// Host name, when the notice names one directly (operator notices).
  public var host: String?
  /// Human-readable text: title, description, status message.
  public var text: String
  /// File the notice came from and the 1-based line where its object starts (nil when unknown).
  public var source: String
  public var line: Int?

  public init(
    provider: CloudProvider, eventType: String, effect: NoticeEffect, start: Int64?, end: Int64?,
    resources: [String], host: String? = nil, text: String, source: String, line: Int? = nil
  ) {
    self.provider = provider
    self.eventType = eventType
    self.effect = effect
    self.start = start
    self.end = end
    self.resources = resources
    self.host = host
    self.text = text
    self.source = source
    self.line = line
  }
}
