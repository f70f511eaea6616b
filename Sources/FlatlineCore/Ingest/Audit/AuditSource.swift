/// Reads a Linux audit log (`/var/log/audit/audit.log` and its rotations `audit.log.1`, … — plain or gzip) as one
/// stream of login-record-like events for the boot state machine.
///
/// - A line is `[node=<host> ]type=<TYPE> msg=audit(<seconds>.<ms>:<serial>): <fields>`. The time is exact (epoch,
///   no zone, no year to infer). The record's message is the line from `type=` on, the group separator of the
///   `enriched` format shown as a space; the host is `node=` when auditd writes it, else the caller's (the folder's,
///   like wtmp: `FolderHosts`).
/// - Inputs are of kind `.audit` and judged like wtmp (`SignalClassifier.classifyLoginRecord`): `SYSTEM_BOOT`
///   (systemd-update-utmp or wtmpdb at userspace start) opens a boot, `SYSTEM_SHUTDOWN` is a clean shutdown marker,
///   `SYSTEM_RUNLEVEL … new-level=0|6` too; a boot without one before the next `SYSTEM_BOOT` ended unclean. auditd's
///   own `DAEMON_START`/`DAEMON_END` are no markers: auditd restarts on a configuration reload.
/// - Every other event (logins, sudo, cron, service starts) is a sign of life — except those between auditd's start
///   and the boot's `SYSTEM_BOOT`: they belong to the new boot, yet come before the record that opens it (the
///   kernel's own events from before auditd ran are written then too). Handed on, they would keep the previous boot
///   alive up to the new one. They are counted as read but held back when a `SYSTEM_BOOT` follows within 10 minutes
///   of event time; otherwise (an auditd restart) they are handed on as they were.
/// - Lines that are not audit events are counted as skipped and warned about once per file.
public struct AuditSource {
  public let files: [String]
  public let registry: InputRegistry
  public let options: IngestOptions
  public let host: String

  public init(files: [String], registry: InputRegistry, options: IngestOptions = IngestOptions(), host: String) {
    self.files = files
    self.registry = registry
    self.options = options
    self.host = host
  }

  /// `Record.identifier` of every record this source emits.
  public static let identifier: StaticString = "audit"
  /// How long after auditd's start the boot's `SYSTEM_BOOT` may come (µs of event time).
  static let bootWindow: Int64 = 600_000_000
  /// Events held at most while waiting for `SYSTEM_BOOT`, to bound memory.
  static let maxHeld = 20_000

  /// One parsed line: views into the reader's buffer.
  struct Line {
    var time: Int64
    var node: Bytes
    var message: Bytes
  }

  /// Parses one line; nil when it is not an audit event.
  static func parse(_ b: Bytes) -> Line? {
    var i = 0
    var node = Bytes.empty
    if b.hasPrefix("node=") {
      i = 5
      while i < b.count, b[i] != 32 { i += 1 }
      node = b.slice(5, i)
      i += 1
    }
    let rest = b.dropFirst(i)
    guard rest.hasPrefix("type="), let m = rest.find(" msg=audit("), m < 64 else { return nil }
    var j = m + 11
    var seconds: Int64 = 0
    var digits = 0
    while j < rest.count, rest[j] >= 48, rest[j] <= 57, digits < 12 {
      seconds = seconds * 10 + Int64(rest[j] - 48)
      j += 1
      digits += 1
    }
    guard digits > 0, j < rest.count, rest[j] == 46 else { return nil }
    j += 1
    var fraction: Int64 = 0
    var scale: Int64 = 1_000_000
    digits = 0
    while j < rest.count, rest[j] >= 48, rest[j] <= 57, digits < 6 {
      scale /= 10
      fraction += Int64(rest[j] - 48) * scale
      j += 1
      digits += 1
    }
    guard digits > 0, j < rest.count, rest[j] == 58 else { return nil }
    return Line(time: seconds * 1_000_000 + fraction, node: node, message: rest)
  }

  /// An event held back while the boot's `SYSTEM_BOOT` may still come.
  struct Held {
    var time: Int64
    var input: Int32
    var line: Int
    var nul: Int
    var node: [UInt8]
    var message: [UInt8]
  }

  public func run<S: RecordSink>(into sink: inout S) {
    let stream = registry.newStream()
    var state = AuditReadState(host: host)
    for path in files {
      let input = registry.register(path: path, kind: .audit, host: host, stream: stream)
      guard let reader = LineReader(path: path, input: input, registry: registry, maxLineLength: options.maxLineLength)
      else { continue }
      var counts = AuditReadState.Counts()
      state.startFile()
      reader.forEachLine { b, lineNo, nulBefore in
        state.line(b, input: input, lineNo: lineNo, nulBefore: nulBefore, counts: &counts, into: &sink)
      }
      counts.commit(input, registry: registry)
    }
    state.release(into: &sink)
  }
}

/// The reading state of one audit log set, line by line: `AuditSource` reads whole files with it, `flatline tail`
/// (`FileFollower`) the lines a followed audit log gains. Events after auditd's start are held until the boot's
/// `SYSTEM_BOOT` shows whose they are (see `AuditSource`).
struct AuditReadState {
  /// The host of events without `node=`.
  let hostName: String
  private let hostBytes: [UInt8]
  private var held: [AuditSource.Held] = []
  private var heldSince = Record.noTime
  private var scratch: [UInt8] = []
  /// NUL bytes a lost write left (a power loss) go with the next event, as evidence.
  private var nul = 0

  init(host: String) {
    hostName = host
    hostBytes = Array(host.utf8)
  }

  /// A new file of the set (or inode of a followed log): NUL bytes at the end of the one before are not carried.
  mutating func startFile() { nul = 0 }

  /// What reading one file (or a piece of it) counted.
  struct Counts {
    var records = 0
    var skipped = 0
    var firstSkipped = 0

    func commit(_ input: Int32, registry: InputRegistry) {
      registry.addRecords(input, records)
      if skipped > 0 {
        registry.addSkipped(input, skipped)
        registry.warn(
          input,
          "\(skipped) line\(skipped == 1 ? " is" : "s are") not audit events and were skipped "
            + "(first at line \(firstSkipped))")
      }
    }
  }

  mutating func line<S: RecordSink>(
    _ b: Bytes, input: Int32, lineNo: Int, nulBefore: Int, counts: inout Counts, into sink: inout S
  ) {
    nul += nulBefore
    guard let l = AuditSource.parse(b) else {
      counts.skipped += 1
      if counts.firstSkipped == 0 { counts.firstSkipped = lineNo }
      return
    }
    counts.records += 1
    if heldSince != Record.noTime, l.time - heldSince > AuditSource.bootWindow || held.count >= AuditSource.maxHeld {
      release(into: &sink)
    }
    if l.message.hasPrefix("type=DAEMON_START ") {
      release(into: &sink)
      heldSince = l.time
    } else if l.message.hasPrefix("type=SYSTEM_BOOT ") {
      // The held events of this host are the new boot's; NUL bytes before them are kept with the boot. Another
      // host's (a log of several `node=`s) are handed on.
      for h in held where l.node.equals(h.node) { nul += h.nul }
      held.removeAll { l.node.equals($0.node) }
      release(into: &sink)
    }
    if heldSince != Record.noTime {
      held.append(
        AuditSource.Held(
          time: l.time, input: input, line: lineNo, nul: nul, node: l.node.array, message: l.message.array))
    } else {
      emit(l.time, input, lineNo, nul, l.node, l.message, into: &sink)
    }
    nul = 0
  }

  /// Hands on the events held when no `SYSTEM_BOOT` can come for them any more: `now` (a followed log's wall clock,
  /// µs) is past the window after auditd's start.
  mutating func releaseStale<S: RecordSink>(now: Int64, into sink: inout S) {
    guard heldSince != Record.noTime, now - heldSince > AuditSource.bootWindow else { return }
    release(into: &sink)
  }

  /// Hands on the events held (at the end of the set, or when no `SYSTEM_BOOT` came in time).
  mutating func release<S: RecordSink>(into sink: inout S) {
    let events = held
    held.removeAll(keepingCapacity: true)
    heldSince = Record.noTime
    for h in events {
      h.node.withBytes { n in h.message.withBytes { emit(h.time, h.input, h.line, h.nul, n, $0, into: &sink) } }
    }
  }

  private mutating func emit<S: RecordSink>(
    _ time: Int64, _ input: Int32, _ line: Int, _ nul: Int, _ node: Bytes, _ message: Bytes, into sink: inout S
  ) {
    // The enriched format separates the translated fields with 0x1D: shown as a space.
    scratch.removeAll(keepingCapacity: true)
    scratch.append(contentsOf: message.buffer)
    for k in scratch.indices where scratch[k] == 0x1D { scratch[k] = 32 }
    let ident = AuditSource.identifier
    scratch.withBytes { msg in
      hostBytes.withBytes { h in
        sink.consume(
          Record(
            time: time, input: input, line: line, host: node.isEmpty ? h : node,
            identifier: Bytes(base: ident.utf8Start, count: ident.utf8CodeUnitCount), pid: 0,
            message: msg, nulBytesBefore: nul))
      }
    }
  }
}
