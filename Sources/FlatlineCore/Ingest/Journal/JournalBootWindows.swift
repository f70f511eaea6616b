internal import CSystemd

/// Boot windows (`IngestOptions.journalBootWindow`, set by `flatline boots`): how a boot ended shows at its two
/// ends — the shutdown sequence (or the last activity before a crash or power cut) at its tail, and what the next
/// boot found (journald's unclean-file notice, file system recovery) at that boot's head. So instead of reading
/// every entry, each boot (located by seeking, see `JournalGroupReader.locate`) is read as:
///
/// 1. its head: the first `size` entries through the `_BOOT_ID=` match, extended to every entry of the boot's first
///    `headSpan` of monotonic time (journald and file system recovery notices come then), at most
///    `headCapFactor × size` entries;
/// 2. its tail: a second handle seeks to the match's tail and steps back `size` entries (headers only); the
///    feeding handle seeks there by cursor and reads the tail forward into a buffer, which then goes to the sink.
///
/// The boot is read whole instead (in order, as `analyze` would) when the windows could give another answer:
/// - the two windows meet (a short boot): the rest after the head is simply read;
/// - a shutdown-like or crash signal still stands at the end of the head (e.g. the initrd's `Journal stopped` at
///   switch-root, whose matching `Journal started` lies beyond the head);
/// - the tail window holds a weak shutdown marker (`Journal stopped`, the syslog daemon's exit) but no strong one
///   or crash, and is all one burst (its entries span less than `burstSpan` of monotonic time): a shutdown sequence
///   longer than the window, whose deciding marker (e.g. `System is powering down.`, which gives the direction)
///   lies before it.
///
/// The middle of a boot is not read: rule hits, record counts and evidence from there are missing, which the
/// input's `readMode` says. What windows cannot see: a strong shutdown marker or a crash followed by more than
/// `size` entries without any shutdown-like signal (full reading would count it; windows call such a boot a power
/// loss, or running).
final class BootWindows {
  /// Entries read at each end of a boot.
  let size: Int
  /// The handle that seeks to each boot's tail (never walks forward over a whole boot).
  let probe: JournalHandle
  /// Boots read whole.
  var fullyRead = 0

  static let headSpan: UInt64 = 30_000_000
  static let headCapFactor = 4
  static let burstSpan: UInt64 = 60_000_000

  init(size: Int, probe: JournalHandle) {
    self.size = size
    self.probe = probe
  }
}

/// Watches the records of a boot's head (or tail) go by: when to stop, their monotonic span, and the boot-ending
/// signals among them.
final class WindowWatch {
  let size: Int
  let limit: Int
  /// Records seen.
  private(set) var count = 0
  private(set) var firstMonotonic: UInt64?
  private(set) var lastMonotonic: UInt64 = 0
  /// A shutdown-like or crash signal not followed by a start of journald or the syslog daemon.
  private(set) var standing = false
  /// A strong shutdown marker or a crash was seen.
  private(set) var decisive = false
  /// A weak shutdown marker (journald stop, syslog daemon exit or stopping) was seen.
  private(set) var weak = false
  /// True once the head is complete (see `BootWindows`); never for a tail watch.
  private(set) var stop = false
  private let isHead: Bool

  init(size: Int, isHead: Bool) {
    self.size = size
    self.isHead = isHead
    limit = isHead ? size * BootWindows.headCapFactor : .max
  }

  /// Takes note of one record; returns its signal.
  @discardableResult
  func observe(_ r: Record) -> Signal {
    count += 1
    let mono = r.monotonic >= 0 ? UInt64(r.monotonic) : lastMonotonic
    if firstMonotonic == nil { firstMonotonic = mono }
    lastMonotonic = mono
    let signal = SignalClassifier.classify(r)
    switch signal {
    case .shutdown, .kernelPanic, .watchdog:
      standing = true
      decisive = true
    case .journalStopped, .syslogDaemonExit, .syslogServiceStopping:
      standing = true
      weak = true
    case .journalStarted, .syslogDaemonStart:
      if !decisive { standing = false }
    default:
      break
    }
    if isHead && count >= size && (mono >= BootWindows.headSpan || count >= limit) { stop = true }
    return signal
  }

  /// Monotonic time the watched records span.
  var span: UInt64 { lastMonotonic &- (firstMonotonic ?? lastMonotonic) }
}

/// Copies of a boot's tail entries, fed to the sink once the tail is known to suffice.
private struct TailBuffer {
  struct Entry {
    var time: Int64
    var monotonic: Int64
    var kernelUptime: Int64
    var pid: Int32
    var isKernel: Bool
    var position: CursorPosition
    /// (start, count) in `bytes` of message, identifier, message ID, unit, systemd unit, host, machine, boot.
    var spans: [(Int, Int)]
    /// A read error right before this entry (a data gap note goes first).
    var gapBefore: String?
  }
  var bytes: [UInt8] = []
  var entries: [Entry] = []

  mutating func append(_ r: Record, position: CursorPosition, gapBefore: String?) {
    var spans: [(Int, Int)] = []
    spans.reserveCapacity(8)
    for b in [r.message, r.identifier, r.messageID, r.unit, r.systemdUnit, r.host, r.machineID, r.bootID] {
      spans.append((bytes.count, b.count))
      if b.count > 0 { bytes.append(contentsOf: b.buffer) }
    }
    entries.append(
      Entry(
        time: r.time, monotonic: r.monotonic, kernelUptime: r.kernelUptime, pid: r.pid, isKernel: r.isKernel,
        position: position, spans: spans, gapBefore: gapBefore))
  }
}

/// The cursor of a buffered tail entry. Cursors of the entries the engine may keep as evidence (those with a
/// signal, and the boot's last entry) are taken while the tail is read; any other is found again from its position
/// through the feeding handle (`JournalHandle.cursor(at:)`, slow with a match on libsystemd 252).
private final class BufferedCursor: CursorSource {
  let handle: JournalHandle
  var position = CursorPosition(bootHigh: 0, bootLow: 0, monotonic: 0, realtime: 0, duplicate: 0)
  var known: [CursorPosition: String] = [:]

  init(handle: JournalHandle) { self.handle = handle }

  func currentCursor() -> String? { cursor(at: position) }
  func deferredPosition() -> CursorPosition? { position }
  func cursor(at position: CursorPosition) -> String? { known[position] ?? handle.cursor(at: position) }
}

extension JournalGroupReader {
  /// Feeds one boot by its windows (see `BootWindows`).
  mutating func feedWindows<S: RecordSink>(
    _ handle: JournalHandle, _ w: BootWindows, boot: JournalBoot, cap: Int, label: String, into sink: inout S
  ) {
    let machine = Array(boot.machineID.utf8)
    machine.withBytes { feedWindows(handle, w, boot: boot, cap: cap, label: label, machine: $0, into: &sink) }
  }

  private mutating func feedWindows<S: RecordSink>(
    _ handle: JournalHandle, _ w: BootWindows, boot: JournalBoot, cap: Int, label: String, machine: Bytes,
    into sink: inout S
  ) {
    handle.restrict(toBoot: boot.id)
    handle.seekHead()
    handle.defersCursors = true
    defer { handle.defersCursors = false }
    let head = WindowWatch(size: w.size, isHead: true)
    if feed(handle, cap: cap, label: label, machine: machine, only: nil, watch: head, into: &sink) { return }
    func readRest(_ sink: inout S) {
      w.fullyRead += 1
      _ = feed(handle, cap: cap, label: label, machine: machine, only: nil, into: &sink)
    }
    if head.standing { return readRest(&sink) }
    // Find where the tail window begins: step back from the match's tail, headers only.
    let probe = w.probe
    probe.restrict(toBoot: boot.id)
    defer { probe.flushMatches() }
    probe.seekTail()
    var back = 0
    var errors = 0
    var meets = false
    while back < w.size {
      let r = probe.previous()
      if r == 0 {
        meets = true
        break
      }
      if r < 0 {
        errors += 1
        if errors >= Self.maxConsecutiveErrors { break }
        continue
      }
      guard let m = probe.monotonic() else { continue }
      if m.usec <= head.lastMonotonic {
        meets = true
        break
      }
      back += 1
    }
    guard !meets, back > 0, let tailCursor = probe.currentCursor(), let headCursor = handle.currentCursor() else {
      return readRest(&sink)
    }
    // Read the tail window into a buffer.
    let headPosition = handle.position
    handle.seek(cursor: tailCursor)
    var buffer = TailBuffer()
    let tail = WindowWatch(size: w.size, isHead: false)
    var record = Record(input: input, line: 0, cursorSource: handle)
    var steps = 0
    var consecutive = 0
    var skipped = 0
    var gap: String?
    var known: [CursorPosition: String] = [:]
    while steps < cap {
      steps += 1
      let r = handle.next()
      if r == 0 { break }
      if r < 0 {
        self.errors.add(-r)
        skipped += 1
        consecutive += 1
        if gap == nil { gap = "unreadable journal entries: \(errnoName(-r))" }
        if consecutive >= Self.maxConsecutiveErrors { break }
        continue
      }
      consecutive = 0
      if let e = read(handle, into: &record) {
        self.errors.add(e)
        skipped += 1
        if gap == nil { gap = "unreadable journal entry: \(errnoName(e))" }
        continue
      }
      if !machine.isEmpty { record.machineID = machine }
      if case .none = tail.observe(record) {} else { known[handle.position] = handle.currentCursor() }
      buffer.append(record, position: handle.position, gapBefore: gap)
      gap = nil
    }
    if tail.weak && !tail.decisive && tail.span < BootWindows.burstSpan {
      // A shutdown sequence longer than the window: read the boot whole, from where the head stopped.
      handle.seek(cursor: headCursor)
      _ = handle.next()  // the head's last entry, already delivered
      handle.position = headPosition
      return readRest(&sink)
    }
    if skipped > 0 { registry.addSkipped(input, skipped) }
    registry.addRecords(input, buffer.entries.count)
    let source = BufferedCursor(handle: handle)
    source.known = known
    // The boot's last entry (its last sign of life): the probe stands near the tail already.
    if let last = buffer.entries.last {
      probe.seekTail()
      if probe.previous() > 0, let m = probe.monotonic(), m.usec == last.position.monotonic,
        probe.realtime() == last.position.realtime, let c = probe.currentCursor()
      {
        source.known[last.position] = c
      }
    }
    buffer.bytes.withUnsafeBufferPointer { all in
      let base = all.baseAddress
      func bytes(_ s: (Int, Int)) -> Bytes {
        guard let base, s.1 > 0 else { return .empty }
        return Bytes(base: base + s.0, count: s.1)
      }
      var r = Record(input: input, line: 0, cursorSource: source)
      for e in buffer.entries {
        if let g = e.gapBefore { sink.note(.dataGap(input: input, reason: g)) }
        r.time = e.time
        r.monotonic = e.monotonic
        r.kernelUptime = e.kernelUptime
        r.pid = e.pid
        r.isKernel = e.isKernel
        r.message = bytes(e.spans[0])
        r.identifier = bytes(e.spans[1])
        r.messageID = bytes(e.spans[2])
        r.unit = bytes(e.spans[3])
        r.systemdUnit = bytes(e.spans[4])
        r.host = bytes(e.spans[5])
        r.machineID = bytes(e.spans[6])
        r.bootID = bytes(e.spans[7])
        source.position = e.position
        sink.consume(r)
      }
    }
  }
}
