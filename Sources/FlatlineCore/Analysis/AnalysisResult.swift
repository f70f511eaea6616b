/// One boot in the report.
public struct BootResult: Sendable {
  public var id: String
  public var start: Int64?
  public var lastSignOfLife: Int64?
  public var end: Int64?
  public var ending: BootEnding
  public var confidence: Double
  /// Microseconds from the last sign of life to the next boot's start; nil when unknown or negative.
  public var downtime: Int64?
  public var clockJump: Bool
  public var evidence: [EvidenceRecord]
  public var clean: Bool? { ending.clean }
}

public struct HostResult: Sendable {
  public var name: String
  public var aliases: [String]
  public var machineID: String?
  public var boots: [BootResult]
}

/// The outcome of one analysis: inputs with their counts and warnings, and every host's boots.
public struct AnalysisResult: Sendable {
  public var generatedAt: Int64
  public var inputs: [InputInfo]
  public var hosts: [HostResult]
  /// Unclean endings with what surrounds them (datastore damage, provider notices).
  public var incidents: [Incident] = []
  /// Rule hits that belong to no incident.
  public var findings: [Finding] = []
  /// Every cloud or operator notice read, with the host it was attributed to (nil when none).
  public var notices: [(notice: CloudNotice, host: String?)] = []
  /// Instance → host knowledge: `--host-map`, instance ids learned from the logs.
  public var hostMap = HostMap()

  public var bootCount: Int { hosts.reduce(0) { $0 + $1.boots.count } }
  public var uncleanCount: Int { hosts.reduce(0) { $0 + $1.boots.filter { $0.clean == false }.count } }
}
