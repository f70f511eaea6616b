internal import CSystemd

#if canImport(Glibc)
  import Glibc
#endif

/// Follows a systemd journal (the local system journal, or a directory of journal files) through sd-journal:
/// reads every entry from the head (the history that rebuilds the engine's state), then new entries as
/// `sd_journal_process` reports them on the journal's inotify descriptor. Vacuumed, rotated and new files are
/// handled by sd-journal itself; unreadable entries are counted and skipped.
///
/// The cursor of the last entry read is kept for the checkpoint (`cursor`).
final class JournalFollower: CursorSource {
  /// The directory followed, or nil for the local system journal.
  let directory: String?
  let registry: InputRegistry
  let options: IngestOptions
  private var handle: JournalHandle?
  private(set) var input: Int32 = -1
  private var fields: JournalFields
  private(set) var cursor: String?
  /// Entries that could not be read since the last report.
  private var unreadable = 0

  var label: String { directory ?? "system journal" }

  init(directory: String?, registry: InputRegistry, options: IngestOptions) {
    self.directory = directory
    self.registry = registry
    self.options = options
    fields = JournalFields(limit: options.maxLineLength)
  }

  /// Opens the journal; returns the descriptor to wait on, or an error text.
  func open() -> Result<Int32, FollowError> {
    let h: JournalHandle
    switch JournalHandle.open(directory: directory) {
    case .failure(let e): return .failure(FollowError("cannot open journal: \(e.description)"))
    case .success(let opened): h = opened
    }
    handle = h
    h.setDataThreshold(Swift.max(1 << 16, options.maxLineLength + 64))
    input = registry.register(path: directory ?? "journal", kind: .journal)
    let fd = h.waitDescriptor()
    guard fd >= 0 else { return .failure(FollowError("cannot watch journal: \(errnoName(-fd))")) }
    h.seekHead()
    return .success(fd)
  }

  /// Feeds every entry not read yet. Returns an error text when entries could not be read.
  func poll(into box: SinkBox) -> String? {
    guard let handle else { return nil }
    handle.process()
    var record = Record(input: input, line: 0, cursorSource: self)
    var delivered = 0
    var errors = 0
    var lastError: Int32 = 0
    var fieldErrors = 0
    var lastFieldError: Int32 = 0
    while errors < 1000 {
      let r = handle.next()
      if r == 0 { break }
      if r < 0 {
        errors += 1
        lastError = -r
        continue
      }
      switch handle.readEntry(into: fields) {
      case .failure(let e):
        errors += 1
        lastError = e.code
        continue
      case .success(let entry):
        if entry.fieldError != 0 {
          fieldErrors += 1
          lastFieldError = entry.fieldError
        }
        fields.fill(&record)
        record.time = journalTime(entry.realtime)
        record.monotonic = entry.mono.usec <= UInt64(Int64.max) ? Int64(entry.mono.usec) : -1
      }
      delivered += 1
      box.sink.consume(record)
    }
    if delivered > 0 {
      registry.addRecords(input, delivered)
      cursor = currentCursor() ?? cursor
    }
    var problems: [String] = []
    if errors > 0 {
      registry.addSkipped(input, errors)
      unreadable += errors
      problems.append(JournalEntryWarning.unreadable(errors, errnoName(lastError)))
    }
    if fieldErrors > 0 { problems.append(JournalEntryWarning.fieldSkipped(fieldErrors, errnoName(lastFieldError))) }
    return problems.isEmpty ? nil : problems.joined(separator: "; ")
  }

  func currentCursor() -> String? { handle?.currentCursor() }
}

/// systemd service notifications (`sd_notify`); no-ops when not run by systemd. The one libsystemd call that is not
/// about journals lives here too, so that libsystemd stays behind Ingest.
enum ServiceManager {
  static func notify(_ state: String) { _ = sd_notify(0, state) }

  /// The watchdog interval in µs when systemd expects WATCHDOG=1 pings (`WatchdogSec=`), else nil.
  static func watchdogInterval() -> Int64? {
    var usec: UInt64 = 0
    return sd_watchdog_enabled(0, &usec) > 0 && usec > 0 ? Int64(usec) : nil
  }
}
