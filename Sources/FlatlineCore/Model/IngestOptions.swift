/// Options every source honours.
public struct IngestOptions: Sendable {
  /// `--year`: the year of the *first* dateless (RFC 3164) line of each stream; later lines roll over.
  public var year: Int?
  /// `--timezone`: IANA zone name for local-time stamps without an offset. nil = the analysing machine's zone.
  public var timeZone: String?
  /// Lines longer than this are cut: the first `maxLineLength` bytes are used, the rest skipped and counted.
  public var maxLineLength: Int
  /// With `--jobs N > 1`: a plain syslog file larger than this many bytes is read as several chunks at once
  /// (see `SplitIngest`). Tests lower it so that small files split too.
  public var splitThreshold: Int = 64 << 20
  /// Target chunk size in bytes when a file is split; 0 = about a quarter of the file per job.
  public var splitChunkBytes: Int = 0
  /// With `--jobs N > 1`: read consecutive syslog sets whole on the N threads, without splitting any, when their
  /// sizes let every thread be busy (see `ParallelIngest.wholeSetsBalance`). Tests turn it off so that every set
  /// with a file above `splitThreshold` is split.
  public var balanceWholeSets = true
  /// Binary journals, analysis: read a group by walking its files, each boot from its first entry on, when every
  /// boot lies in one sequence-number space (see `JournalGroupReader.readByWalkingFiles`); otherwise, and when this
  /// is off, each boot is read through a `_BOOT_ID=` match. The result is the same. Tests turn it off to compare.
  public var journalFileWalk = true
  /// Binary journals only (`flatline boots`): when set, each boot's bounds are found by seeking (no walk over every
  /// entry) and only its first and last `journalBootWindow` entries are read (see `JournalGroupReader`, "Boot
  /// windows"). nil = read every entry (analysis).
  public var journalBootWindow: Int?
  /// The window `flatline boots` uses (entries at each end of a journal boot).
  public static let defaultJournalBootWindow = 150
  /// Scan every record for cloud instance IDs (`InstanceIdentity`, the host ↔ instance pairs that place notices and
  /// kernel dumps). `Analyzer.run` turns it off when it has neither to place: the scan looks at every message, and
  /// its pairs would go unused.
  public var learnsInstances = true

  public init(year: Int? = nil, timeZone: String? = nil, maxLineLength: Int = 1 << 20, journalBootWindow: Int? = nil) {
    self.year = year
    self.timeZone = timeZone
    self.maxLineLength = maxLineLength
    self.journalBootWindow = journalBootWindow
  }
}
