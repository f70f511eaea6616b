/// How a boot ended.
public enum BootEnding: String, Codable, Sendable, CaseIterable {
  case shutdown
  case reboot
  case powerLoss = "power-loss"
  case kernelPanic = "kernel-panic"
  case watchdog
  /// How the boot ended cannot be seen (a gap in the data, or only sources that cannot show shutdowns).
  case unknown
  /// The last boot of the host, still up at the end of the data.
  case running

  /// true for clean endings, false for unclean ones, nil for unknown/running.
  public var clean: Bool? {
    switch self {
    case .shutdown, .reboot: return true
    case .powerLoss, .kernelPanic, .watchdog: return false
    case .unknown, .running: return nil
    }
  }
}

/// Where a record lives: a file and line, or a journal file and cursor.
public struct SourceLocation: Sendable, Hashable {
  public var input: Int32
  public var line: Int
  public var cursor: String?

  public init(input: Int32, line: Int, cursor: String? = nil) {
    self.input = input
    self.line = line
    self.cursor = cursor
  }

  /// Adds `delta` to the line number when this is a line (not a cursor) of `input`: evidence found in a chunk read
  /// with line numbers from 1, placed in its file.
  mutating func shiftLine(input: Int32, by delta: Int) {
    if self.input == input && line > 0 { line += delta }
  }
}

/// A record kept as evidence: copied out of the source buffer.
public struct EvidenceRecord: Sendable {
  public var kind: EvidenceKind
  public var time: Int64
  public var location: SourceLocation
  public var message: String

  public init(kind: EvidenceKind, time: Int64, location: SourceLocation, message: String) {
    self.kind = kind
    self.time = time
    self.location = location
    self.message = message
  }
  /// `records` in time order, those without a time (file-state notes) last; equal times keep their order.
  static func timeOrdered(_ records: [EvidenceRecord]) -> [EvidenceRecord] {
    records.enumerated().sorted { a, b in
      let ta = a.element.time == Record.noTime ? Int64.max : a.element.time
      let tb = b.element.time == Record.noTime ? Int64.max : b.element.time
      return ta != tb ? ta < tb : a.offset < b.offset
    }.map(\.element)
  }
}

/// What a piece of evidence says. Raw values are the JSON `evidence[].kind` strings (stable).
public enum EvidenceKind: String, Codable, Sendable, CaseIterable {
  /// The first record of a boot (kernel banner, syslog daemon start, first journal entry).
  case bootStart = "boot-start"
  /// The last record before a boot ended.
  case lastSignOfLife = "last-sign-of-life"
  /// A clean shutdown marker (systemd, logind, sysvinit, syslog daemon exit…).
  case shutdownMarker = "shutdown-marker"
  case kernelPanic = "kernel-panic"
  case watchdog = "watchdog"
  /// journald's `corrupted or uncleanly shut down` notice at the next boot.
  case journalUncleanNotice = "journald-unclean-file"
  /// A journal file still in state ONLINE whose last entry belongs to this boot.
  case journalFileOnline = "journal-file-online"
  /// ext3/ext4/XFS/btrfs/e2fsck/FAT recovery at the next boot.
  case filesystemRecovery = "filesystem-recovery"
  /// A run of NUL bytes in a text log right before the next boot (lost writes).
  case nulRun = "nul-run"
  /// The clock went backwards across this boot boundary.
  case clockJump = "clock-jump"
  /// The data has a hole where the end of this boot should be.
  case dataGap = "data-gap"
  /// The next boot's first record.
  case nextBoot = "next-boot"
  /// `flatline tail` stopped without its clean-stop flag (it, and likely the host, died); its last heartbeat
  /// bounds the time of death even when the logs lost their last minutes.
  case daemonHeartbeat = "daemon-heartbeat"
}
