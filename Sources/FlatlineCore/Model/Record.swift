/// A log record as the engine sees it: one syslog line or one journal entry.
///
/// Every byte field is a view into the source's buffer and is valid only for the duration of the
/// `RecordSink.consume(_:)` call that receives it. A consumer that keeps anything copies it. This keeps the
/// hot path free of per-line allocations: parsers fill one `Record` and hand it over, again and again.
public struct Record {
  /// Microseconds since the Unix epoch, UTC. `Record.noTime` when the line carried no parsable time.
  public var time: Int64
  /// Index of the input in the `InputRegistry` this record came from.
  public var input: Int32
  /// 1-based line number in that input (0 for journal entries, which have a cursor instead).
  public var line: Int
  /// Host name as written in the record (syslog HOSTNAME, journal `_HOSTNAME`); may be empty.
  public var host: Bytes
  /// Program: syslog tag without the pid (`rsyslogd`, `systemd`, `kernel`), journal `SYSLOG_IDENTIFIER`
  /// (or `_COMM`); may be empty.
  public var identifier: Bytes
  /// Process ID from the syslog tag (`systemd[1]`) or journal `_PID`; 0 when unknown.
  public var pid: Int32
  /// The message text (without the syslog header).
  public var message: Bytes
  /// journald `MESSAGE_ID` (32 lowercase hex digits) or empty.
  public var messageID: Bytes
  /// journald `UNIT` (the unit a PID 1 job message is about) or empty.
  public var unit: Bytes
  /// journald `_SYSTEMD_UNIT` (the unit whose process logged the entry) or empty.
  public var systemdUnit: Bytes = .empty
  /// journald `_BOOT_ID` from the entry header (32 lowercase hex digits), or empty for text logs.
  public var bootID: Bytes
  /// journald `_MACHINE_ID` (32 lowercase hex digits), or empty for text logs.
  public var machineID: Bytes
  /// Kernel printk time (`[    1.234567]`) in microseconds, or -1 when the line has none.
  public var kernelUptime: Int64
  /// Journal entries: microseconds since their boot (`__MONOTONIC_TIMESTAMP`), immune to wall-clock jumps; -1 else.
  public var monotonic: Int64 = -1
  /// journalctl text: on the first record of its host after a `-- Boot <id> --` line that names a boot the host was
  /// not in, that ID (the journal's boot of this record and the ones after it), or `noBootLineID` after older
  /// systemd's `-- Reboot --`; empty on every other record.
  public var bootLineID: Bytes = .empty
  /// `bootLineID` of a record after `-- Reboot --` (a boot change that names no boot).
  public static let noBootLineID = UInt8(ascii: "-")
  /// True for kernel messages (syslog tag `kernel`, journal `_TRANSPORT=kernel`).
  public var isKernel: Bool
  /// Number of NUL bytes found in the text stream immediately before this record (lost writes).
  public var nulBytesBefore: Int
  /// For journal entries: gives the cursor of *this* entry while `consume` runs. Nil for text logs.
  ///
  /// Not retained (`unowned(unsafe)`): whoever makes records keeps the source alive while they are consumed, and a
  /// consumer that keeps the source past `consume` takes a strong reference of its own. This keeps `Record` a
  /// trivial value, so building, copying and dropping one per line costs no reference counting (it was ~15 % of a
  /// syslog run in `swift_release`).
  public unowned(unsafe) var cursorSource: (any CursorSource)?

  public static let noTime: Int64 = .min

  public init(
    time: Int64 = Record.noTime, input: Int32 = 0, line: Int = 0, host: Bytes = .empty,
    identifier: Bytes = .empty, pid: Int32 = 0, message: Bytes = .empty, messageID: Bytes = .empty, unit: Bytes = .empty,
    bootID: Bytes = .empty, machineID: Bytes = .empty, kernelUptime: Int64 = -1, isKernel: Bool = false,
    nulBytesBefore: Int = 0, cursorSource: (any CursorSource)? = nil
  ) {
    self.time = time
    self.input = input
    self.line = line
    self.host = host
    self.identifier = identifier
    self.pid = pid
    self.message = message
    self.messageID = messageID
    self.unit = unit
    self.bootID = bootID
    self.machineID = machineID
    self.kernelUptime = kernelUptime
    self.isKernel = isKernel
    self.nulBytesBefore = nulBytesBefore
    self.cursorSource = cursorSource
  }
}

/// Supplies the journal cursor of the entry currently being consumed (computed only when asked for).
///
/// A source whose cursors are costly may also hand out a cheap `CursorPosition` for the current entry and turn
/// it into the cursor later (`cursor(at:)`), so that a consumer that keeps a location for every record (the last
/// sign of life of a boot) pays for the cursor only of the record it finally keeps.
public protocol CursorSource: AnyObject {
  func currentCursor() -> String?
  /// A cheap stand-in for the current entry's cursor, or nil when the cursor must be asked for now.
  func deferredPosition() -> CursorPosition?
  /// The cursor of the entry `position` stood for (nil when it cannot be found any more).
  func cursor(at position: CursorPosition) -> String?
}

extension CursorSource {
  public func deferredPosition() -> CursorPosition? { nil }
  public func cursor(at position: CursorPosition) -> String? { nil }
}

/// Where a journal entry is, cheaply: boot ID, monotonic and realtime from the entry header, and how many entries
/// with the same three the source delivered just before it (entries can share all three).
public struct CursorPosition: Sendable, Hashable {
  public var bootHigh: UInt64
  public var bootLow: UInt64
  public var monotonic: UInt64
  public var realtime: UInt64
  public var duplicate: Int

  public init(bootHigh: UInt64, bootLow: UInt64, monotonic: UInt64, realtime: UInt64, duplicate: Int) {
    self.bootHigh = bootHigh
    self.bootLow = bootLow
    self.monotonic = monotonic
    self.realtime = realtime
    self.duplicate = duplicate
  }
}

/// Something a source knows about its data that is not a record.
public enum SourceNote: Sendable {
  /// What follows in this stream is not contiguous with what came before (a rotated file missing from a set,
  /// an unreadable member, a corrupt stretch of a journal): the stretch in between is unknown, not silence.
  case dataGap(input: Int32, reason: String)
  /// A journal file was left in state ONLINE (never closed) and its last entry belongs to `tailBootID`
  /// (32 lowercase hex digits) of machine `machineID`: the writer stopped without closing it.
  case journalFileOnline(input: Int32, file: String, machineID: String, tailBootID: String)
  /// `journalctl` text went back to an earlier boot of `host` (a name as the records give it; empty for records
  /// without one) at `line`: that host's boots interleave in the text, and where each ended cannot be read from
  /// it (see `JournalctlLine`).
  case bootsInterleaved(input: Int32, line: Int, host: String, reason: String)
  /// `journalctl` text of an older systemd marked `count` boot changes of `host` with `-- Reboot --` lines (no boot
  /// ID), the first at `line`. Far more of them than boots means the host's boots interleave (see
  /// `BootSequencer.rebootLinesOutnumberBoots`).
  case rebootLines(input: Int32, line: Int, host: String, count: Int)
}

/// Receives records one at a time, in source order. Batch and tail mode feed the same sinks.
public protocol RecordSink {
  mutating func consume(_ record: Record)
  mutating func note(_ note: SourceNote)
}

/// Hands records on to `inner` with `shift` added to their line numbers: for a file read in pieces whose
/// `LineReader` numbers lines from 1 (tail mode's reads of a growing file, `SplitIngest`'s chunks).
struct LineShiftSink<Inner: RecordSink>: RecordSink {
  var inner: Inner
  var shift: Int
  mutating func consume(_ record: Record) {
    var r = record
    r.line += shift
    inner.consume(r)
  }
  mutating func note(_ note: SourceNote) {
    switch note {
    case .bootsInterleaved(let input, let line, let host, let reason):
      inner.note(.bootsInterleaved(input: input, line: line + shift, host: host, reason: reason))
    case .rebootLines(let input, let line, let host, let count):
      inner.note(.rebootLines(input: input, line: line + shift, host: host, count: count))
    default:
      inner.note(note)
    }
  }
}
