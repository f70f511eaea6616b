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
  private var j: OpaquePointer?
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

  deinit { if let j { sd_journal_close(j) } }

  /// Opens the journal; returns the descriptor to wait on, or an error text.
  func open() -> Result<Int32, FollowError> {
    var handle: OpaquePointer?
    let r: Int32
    if let directory {
      r = sd_journal_open_directory(&handle, directory, 0)
    } else {
      r = sd_journal_open(&handle, Int32(SD_JOURNAL_LOCAL_ONLY))
    }
    guard r >= 0, let handle else { return .failure(FollowError("cannot open journal: \(errnoName(-r))")) }
    j = handle
    sd_journal_set_data_threshold(handle, Swift.max(1 << 16, options.maxLineLength + 64))
    input = registry.register(path: directory ?? "journal", kind: .journal)
    let fd = sd_journal_get_fd(handle)
    guard fd >= 0 else { return .failure(FollowError("cannot watch journal: \(errnoName(-fd))")) }
    sd_journal_seek_head(handle)
    return .success(fd)
  }

  /// Feeds every entry not read yet. Returns an error text when entries could not be read.
  func poll(into box: SinkBox) -> String? {
    guard let j else { return nil }
    _ = sd_journal_process(j)
    var record = Record(input: input, line: 0, cursorSource: self)
    var delivered = 0
    var errors = 0
    var lastError: Int32 = 0
    while errors < 1000 {
      let r = sd_journal_next(j)
      if r == 0 { break }
      if r < 0 {
        errors += 1
        lastError = -r
        continue
      }
      if let e = read(into: &record) {
        errors += 1
        lastError = e
        continue
      }
      delivered += 1
      box.sink.consume(record)
    }
    if delivered > 0 {
      registry.addRecords(input, delivered)
      cursor = currentCursor() ?? cursor
    }
    if errors > 0 {
      registry.addSkipped(input, errors)
      unreadable += errors
      return "\(errors) journal entr\(errors == 1 ? "y" : "ies") unreadable: \(errnoName(lastError))"
    }
    return nil
  }

  private func read(into record: inout Record) -> Int32? {
    guard let j else { return EBADMSG }
    var realtime: UInt64 = 0
    guard sd_journal_get_realtime_usec(j, &realtime) >= 0 else { return EBADMSG }
    var mono: UInt64 = 0
    var boot = sd_id128_t()
    guard sd_journal_get_monotonic_usec(j, &mono, &boot) >= 0 else { return EBADMSG }
    fields.reset()
    sd_journal_restart_data(j)
    var data: UnsafeRawPointer?
    var length = 0
    var n = 0
    while n < 100_000 {
      n += 1
      let r = sd_journal_enumerate_available_data(j, &data, &length)
      if r == 0 { break }
      if r < 0 { return -r }
      guard let data, length > 0 else { continue }
      let bytes = data.assumingMemoryBound(to: UInt8.self)
      guard let eq = memchr(data, 61, Swift.min(length, 64)) else { continue }
      let nameLength = UnsafeRawPointer(eq) - data
      guard let field = JournalField.named(bytes, nameLength) else { continue }
      switch field {
      case .bootID, .cursor, .realtime, .monotonic: continue
      default: fields.set(field, data + nameLength + 1, length - nameLength - 1)
      }
    }
    withUnsafeBytes(of: &boot) { fields.setHex(.bootID, id: $0) }
    fields.fill(&record)
    record.time = journalTime(realtime)
    record.bootID = fields.bytes(.bootID)
    record.monotonic = mono <= UInt64(Int64.max) ? Int64(mono) : -1
    return nil
  }

  func currentCursor() -> String? {
    guard let j else { return nil }
    var p: UnsafeMutablePointer<CChar>?
    guard sd_journal_get_cursor(j, &p) >= 0, let p else { return nil }
    defer { free(p) }
    return String(cString: p)
  }
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
