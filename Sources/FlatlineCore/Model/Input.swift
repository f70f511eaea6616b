/// What kind of input a file (or stream) is. Decided by name *and* by sniffing the first bytes.
public enum InputKind: String, Codable, Sendable, CaseIterable {
  /// Native logs that name no host and take no part in boot detection: they belong to the host of their folder.
  public var isHostless: Bool { self == .datastoreLog || self == .agentLog }

  case syslog
  case journal
  case journalExport = "journal-export"
  case journalJSON = "journal-json"
  case wtmp
  /// The Linux audit log (`AuditSource`): judged like wtmp.
  case audit = "audit-log"
  case datastoreLog = "datastore-log"
  /// A cloud agent's own log (`/var/log/cloud-init.log`): no host name and no boots; read for rules and instance ids.
  case agentLog = "agent-log"
  case cloudNotice = "cloud-notice"
  /// A crashed kernel's log saved by kdump or pstore (`KernelDump`): uptime stamps only, matched to a boot afterwards.
  case kernelDump = "kernel-dump"
  case skipped
}

/// One input as listed in the report's `inputs[]`: its counts and every warning about it.
public struct InputInfo: Sendable {
  public var path: String
  public var kind: InputKind
  /// Inputs read as one continuous stream share a number: the files of one rotation set, one journal
  /// directory. The boot state machine runs per stream and host; streams of one host are merged afterwards.
  public var stream: Int = 0
  public var host: String?
  /// For datastore native logs: the datastore whose log this is (`postgresql`, `mysql`, `mongodb`, `redis`…).
  /// Rules whose source filter names `logs:` match records of inputs with this component.
  public var component: String?
  /// Records (lines or journal entries) read and handed to the engine.
  public var records: Int = 0
  /// Lines or entries that could not be used (unparsable, corrupt, oversized…), each counted.
  public var skipped: Int = 0
  public var warnings: [String] = []
  /// Why the input was not read at all (for kind `.skipped`).
  public var skipReason: String?
  /// How the input was read when not every record was (e.g. journal boot windows in `flatline boots`): not a
  /// warning, shown with the boots table and as `inputs[].readMode` in JSON.
  public var readMode: String?
  /// Its times are whole minutes (`last` output without `-F`): a boot start it gives yields to a precise one within
  /// the same minute (`VerdictCombiner`). Not in the report.
  public var timesInMinutes = false

  public init(path: String, kind: InputKind, host: String? = nil) {
    self.path = path
    self.kind = kind
    self.host = host
  }
}

/// The list of inputs of one analysis. Sources register their files here and report counts and warnings;
/// records refer to their input by index. Warnings are also written to stderr as they happen.
public final class InputRegistry: @unchecked Sendable {
  public private(set) var inputs: [InputInfo] = []
  /// Called for each warning as it is recorded (the CLI prints them to stderr).
  public var warningHandler: (@Sendable (String) -> Void)?

  public init(warningHandler: (@Sendable (String) -> Void)? = nil) {
    self.warningHandler = warningHandler
  }

  private var streamCount = 0

  /// Index of `inputs[0]`: 0, except in a window (`window()`), which holds only the inputs registered in it.
  public private(set) var base = 0
  /// Index the next input registered gets (in a window too).
  public var count: Int { base + inputs.count }

  /// A copy with the same inputs and stream numbering (for a job that reads one input on another thread and
  /// must give it the numbers the one-thread run would; see `SplitIngest`).
  func fork() -> InputRegistry {
    let r = InputRegistry(warningHandler: warningHandler)
    r.inputs = inputs
    r.base = base
    r.streamCount = streamCount
    return r
  }

  /// A registry that numbers inputs and streams on from this one's, holding none of its inputs: for a job that
  /// registers and reads inputs of its own on another thread (`ParallelIngest.runBatch`). A full copy per job
  /// cost memory and time in the square of the inputs (each copy kept the list as it was; 6,000 files of 2,000
  /// hosts took 2.7 GB). Inputs below `base` read as an empty entry there.
  func window() -> InputRegistry {
    let r = InputRegistry(warningHandler: warningHandler)
    r.base = count
    r.streamCount = streamCount
    return r
  }

  /// Position of input `index` in `inputs`, nil when this registry does not hold it.
  @inline(__always)
  private func slot(_ index: Int32) -> Int? {
    let k = Int(index) - base
    return k >= 0 && k < inputs.count ? k : nil
  }

  /// A new stream number for `register(path:kind:stream:)`.
  public func newStream() -> Int {
    streamCount += 1
    return streamCount
  }

  /// Registers an input that will be read; `stream` groups inputs read as one stream (default: a new one).
  @discardableResult
  public func register(path: String, kind: InputKind, host: String? = nil, stream: Int? = nil) -> Int32 {
    var info = InputInfo(path: path, kind: kind, host: host)
    info.stream = stream ?? newStream()
    inputs.append(info)
    return Int32(count - 1)
  }

  public func path(_ index: Int32) -> String { self[index].path }

  /// Input `index` (an empty entry when this registry does not hold it: a window's inputs below its base).
  public subscript(index: Int32) -> InputInfo {
    get {
      guard let k = slot(index) else { return InputInfo(path: "", kind: .skipped) }
      return inputs[k]
    }
    set {
      guard let k = slot(index) else { return }
      inputs[k] = newValue
    }
  }

  public func warn(_ index: Int32, _ message: String) {
    guard let k = slot(index) else { return }
    inputs[k].warnings.append(message)
    warningHandler?("\(inputs[k].path): \(message)")
  }

  /// `warn`, unless the input has this warning already (what is derived again from a state read again, as tail
  /// mode's verdict stage does at every batch).
  public func warnOnce(_ index: Int32, _ message: String) {
    guard let k = slot(index) else { return }
    if !inputs[k].warnings.contains(message) { warn(index, message) }
  }

  /// Takes input `index` as a fork or window read it (a set read on another thread) and prints the warnings it
  /// gained there, those beyond the ones this registry already holds, as `warn` would have.
  func takeBack(_ info: InputInfo, at index: Int32) {
    guard let k = slot(index) else { return }
    let before = inputs[k].warnings.count
    inputs[k] = info
    guard let warningHandler else { return }
    for w in info.warnings.dropFirst(before) { warningHandler("\(info.path): \(w)") }
  }

  public func addRecords(_ index: Int32, _ n: Int = 1) {
    if let k = slot(index) { inputs[k].records += n }
  }

  public func addSkipped(_ index: Int32, _ n: Int = 1) {
    if let k = slot(index) { inputs[k].skipped += n }
  }

  /// Says how the input was read when not every record was (`InputInfo.readMode`).
  public func setReadMode(_ index: Int32, _ mode: String) {
    if let k = slot(index) { inputs[k].readMode = mode }
  }

  public func setHost(_ index: Int32, _ host: String) {
    if let k = slot(index), inputs[k].host == nil { inputs[k].host = host }
  }

  /// Registers an input that is not read, with the reason (listed in the report's inputs). `warn: false` for files
  /// that are no loss (`Discovery.Sniffed.ignore`): no warning, on stderr or in the input's `warnings`.
  public func skip(path: String, reason: String, warn: Bool = true) {
    var info = InputInfo(path: path, kind: .skipped)
    info.skipReason = reason
    if warn { info.warnings.append("skipped: \(reason)") }
    inputs.append(info)
    if warn { warningHandler?("\(path): skipped: \(reason)") }
  }
}
