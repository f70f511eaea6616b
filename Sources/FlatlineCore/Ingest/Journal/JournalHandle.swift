internal import CSystemd

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Owns one `sd_journal` (opened read-only on explicit files) and closes it on deinit.
///
/// Thin wrappers around the `sd_journal_*` calls keep the C API inside `Ingest/Journal`. The handle is also the
/// `CursorSource` of the records it produces: the cursor is computed only when the engine asks for it.
final class JournalHandle: CursorSource {
  let j: OpaquePointer
  /// The copy of libsystemd that opened `j`, and its calls: every call on `j` goes through them.
  let library: JournalLibrary
  private let api: flatline_journal_api

  /// Opens the given journal files together, through `library` (a reading worker's own copy of libsystemd; see
  /// `JournalLibrary`). Returns the negative errno on failure.
  static func open(files: [String], library: JournalLibrary = .linked) -> Result<JournalHandle, JournalOpenError> {
    let api = library.api.pointee
    var cStrings: [UnsafeMutablePointer<CChar>?] = files.map { strdup($0) }
    cStrings.append(nil)
    defer { for p in cStrings { free(p) } }
    var handle: OpaquePointer?
    let r = cStrings.withUnsafeMutableBufferPointer { buf -> Int32 in
      buf.baseAddress!.withMemoryRebound(to: UnsafePointer<CChar>?.self, capacity: buf.count) {
        api.open_files(&handle, $0, 0)
      }
    }
    guard r >= 0, let handle else { return .failure(JournalOpenError(code: -r)) }
    return .success(JournalHandle(handle, files: files, library: library))
  }

  /// Opens a journal directory, or the local system journal when `directory` is nil (tail mode).
  static func open(directory: String?) -> Result<JournalHandle, JournalOpenError> {
    let api = JournalLibrary.linked.api.pointee
    var handle: OpaquePointer?
    let r: Int32
    if let directory {
      r = api.open_directory(&handle, directory, 0)
    } else {
      r = api.open(&handle, Int32(SD_JOURNAL_LOCAL_ONLY))
    }
    guard r >= 0, let handle else { return .failure(JournalOpenError(code: -r)) }
    return .success(JournalHandle(handle, files: [], library: .linked))
  }

  /// The descriptor that becomes readable when the journal changes (`sd_journal_get_fd`), or a negative errno.
  func waitDescriptor() -> Int32 { api.get_fd(j) }

  /// Folds pending journal changes in (new entries, rotated or vacuumed files) after a wake-up.
  func process() { _ = api.process(j) }

  private init(_ j: OpaquePointer, files: [String], library: JournalLibrary) {
    self.j = j
    self.library = library
    api = library.api.pointee
    self.files = files
    resolverFiles = files
  }

  /// The files this handle reads.
  let files: [String]
  /// The files a resolver handle opens to find deferred positions again: by default `files`; the whole group for
  /// a handle that walks one file of it (cursors are then those of reading the group).
  var resolverFiles: [String]

  deinit { api.close(j) }

  // MARK: - Navigation

  @inline(__always) func next() -> Int32 {
    atFirstField = true
    return api.next(j)
  }
  @inline(__always) func previous() -> Int32 {
    atFirstField = true
    return api.previous(j)
  }

  /// True while the field position is at the current entry's first field: after a step to another entry
  /// (sd-journal's `set_location` resets the field position) or a restart, until a field is read. `restart_data` is
  /// then not needed: one library call less per entry.
  private var atFirstField = false
  @discardableResult func seekHead() -> Int32 { api.seek_head(j) }
  @discardableResult func seekTail() -> Int32 { api.seek_tail(j) }
  /// Before the first entry at or after `usec` (µs since the epoch); `next()` steps onto it.
  @discardableResult func seek(realtime usec: UInt64) -> Int32 { api.seek_realtime_usec(j, usec) }
  func flushMatches() { api.flush_matches(j) }

  /// Stands the handle on the first entry of boot `key` in its files (`sd_journal_seek_monotonic_usec(boot, 0)`,
  /// then one step) and gives that entry's monotonic time and boot; nil when the files do not hold the boot — the
  /// seek then lands on another entry, hence the check —, a failure on a read error.
  func seekFirstEntry(ofBoot key: BootKey) -> Result<(usec: UInt64, bootID: sd_id128_t)?, JournalOpenError> {
    let s = api.seek_monotonic_usec(j, key.id, 0)
    guard s >= 0 else { return .failure(JournalOpenError(code: -s)) }
    let r = next()
    guard r >= 0 else { return .failure(JournalOpenError(code: -r)) }
    guard r > 0, let m = monotonic(), BootKey(m.bootID) == key else { return .success(nil) }
    return .success(m)
  }

  /// Positions the handle at the entry of `cursor` (the next `next()` returns it, if it still exists).
  @discardableResult func seek(cursor: String) -> Int32 { api.seek_cursor(j, cursor) }

  /// Counts the entries from the current position to the end (at most `cap`), without reading their data.
  func count(cap: Int) -> Int {
    var total = 0
    var errors = 0
    while total < cap {
      let r = api.next_skip(j, UInt64(cap - total))
      if r > 0 {
        total += Int(r)
        continue
      }
      if r == 0 { break }
      // An unreadable entry: step over it one at a time.
      errors += 1
      if errors > 1000 { break }
      let one = api.next(j)
      if one == 0 { break }
      if one > 0 { total += 1 }
    }
    return total
  }

  /// Adds the match `FIELD=value` (given as one string).
  @discardableResult func addMatch(_ match: String) -> Int32 {
    var m = Array(match.utf8)
    return m.withUnsafeMutableBytes { api.add_match(j, $0.baseAddress, $0.count) }
  }

  /// Replaces any match by `_BOOT_ID=id`: the handle then walks only that boot's entries (seek head or tail next).
  func restrict(toBoot id: String) {
    flushMatches()
    addMatch("_BOOT_ID=\(id)")
  }

  /// Sets how many bytes of a (compressed) field value sd-journal hands out.
  func setDataThreshold(_ bytes: Int) { _ = api.set_data_threshold(j, bytes) }

  // MARK: - Entry header

  /// Realtime of the current entry (µs since the epoch), or nil.
  @inline(__always) func realtime() -> UInt64? {
    var usec: UInt64 = 0
    return api.get_realtime_usec(j, &usec) >= 0 ? usec : nil
  }

  /// Monotonic time and boot ID of the current entry (from the entry header), or nil.
  @inline(__always) func monotonic() -> (usec: UInt64, bootID: sd_id128_t)? {
    var usec: UInt64 = 0
    var boot = sd_id128_t()
    return api.get_monotonic_usec(j, &usec, &boot) >= 0 ? (usec, boot) : nil
  }

  // MARK: - Entry data

  /// Restarts field enumeration of the current entry (a no-op call saved when no field of it was read yet).
  @inline(__always) func restartData() {
    guard !atFirstField else { return }
    api.restart_data(j)
    atFirstField = true
  }

  /// Next `FIELD=value` datum of the current entry: > 0 with `data`/`length` set, 0 at the end, < 0 on error.
  /// The pointer is valid only until the next call. Fields sd-journal cannot hand out (unsupported compression,
  /// too large, …) are skipped.
  @inline(__always) func enumerateData(
    _ data: inout UnsafeRawPointer?, _ length: inout Int
  ) -> Int32 {
    atFirstField = false
    return api.enumerate_available_data(j, &data, &length)
  }

  /// As `enumerateData`, but an unavailable field is an error (it is not skipped): `sd_journal_enumerate_data`.
  /// Every public sd-journal call checks the process ID (in libsystemd 252 an atomic compare-and-swap on one
  /// global, which threads reading at once contend for); `enumerate_available_data` makes two such calls per
  /// field, this one.
  @inline(__always) func enumerateDataStrict(
    _ data: inout UnsafeRawPointer?, _ length: inout Int
  ) -> Int32 {
    atFirstField = false
    return api.enumerate_data(j, &data, &length)
  }

  /// The value of one field of the current entry (text), or nil.
  func fieldString(_ field: String) -> String? {
    var data: UnsafeRawPointer?
    var length = 0
    guard api.get_data(j, field, &data, &length) >= 0, let data else { return nil }
    let all = UnsafeRawBufferPointer(start: data, count: length)
    let prefix = field.utf8.count + 1
    guard length >= prefix else { return nil }
    return String(decoding: all[prefix...], as: UTF8.self)
  }

  /// All values of `field` across the open files (`sd_journal_query_unique`), without the `FIELD=` prefix.
  func uniqueValues(_ field: String, limit: Int = 1_000_000) -> (values: [String], error: Int32?) {
    let q = api.query_unique(j, field)
    guard q >= 0 else { return ([], -q) }
    api.restart_unique(j)
    var values: [String] = []
    var seen = Set<String>()
    var data: UnsafeRawPointer?
    var length = 0
    let prefix = field.utf8.count + 1
    var error: Int32?
    while values.count < limit {
      let r = api.enumerate_available_unique(j, &data, &length)
      if r < 0 {
        error = -r
        break
      }
      if r == 0 { break }
      guard let data, length > prefix else { continue }
      let v = String(decoding: UnsafeRawBufferPointer(start: data + prefix, count: length - prefix), as: UTF8.self)
      if seen.insert(v).inserted { values.append(v) }
    }
    return (values, error)
  }

  // MARK: - CursorSource

  func currentCursor() -> String? {
    var p: UnsafeMutablePointer<CChar>?
    guard api.get_cursor(j, &p) >= 0, let p else { return nil }
    defer { api.free(p) }
    return String(cString: p)
  }

  /// The position of the current entry as set by the reader (`position`), when `defersCursors` is on.
  func deferredPosition() -> CursorPosition? { defersCursors ? position : nil }

  /// Set by the reader for each delivered entry while `defersCursors` is on.
  var position = CursorPosition(bootHigh: 0, bootLow: 0, monotonic: 0, realtime: 0, duplicate: 0)
  /// True while the reader walks a `_BOOT_ID=` match (positions can be found again through the same match).
  var defersCursors = false
  /// A second handle on the same files, for finding positions again without moving this one.
  private var resolver: JournalHandle?
  private var resolverFailed = false

  /// Finds the entry of `position` again (its boot's match, seek to its monotonic time, skip the entries that
  /// share boot, monotonic and realtime with it and came before it) and gives its cursor.
  func cursor(at position: CursorPosition) -> String? {
    if resolver == nil && !resolverFailed {
      if case .success(let h) = JournalHandle.open(files: resolverFiles, library: library) { resolver = h } else { resolverFailed = true }
    }
    guard let r = resolver else { return nil }
    let id = BootKey(high: position.bootHigh, low: position.bootLow).id
    r.restrict(toBoot: hexID(id))
    defer { r.flushMatches() }
    guard r.api.seek_monotonic_usec(r.j, id, position.monotonic) >= 0 else { return nil }
    var equal = 0
    var errors = 0
    while errors < 1000 {
      let n = r.next()
      if n == 0 { break }
      if n < 0 {
        errors += 1
        continue
      }
      guard let m = r.monotonic(), let t = r.realtime() else { continue }
      if m.usec > position.monotonic { break }
      guard m.usec == position.monotonic, t == position.realtime, BootKey(m.bootID) == BootKey(id) else { continue }
      if equal == position.duplicate { return r.currentCursor() }
      equal += 1
    }
    return nil
  }
}

/// Why `sd_journal_open_files` failed (positive errno).
struct JournalOpenError: Error {
  var code: Int32
  var description: String { errnoName(code) }
}

/// Formats a 128-bit ID as 32 lowercase hex digits.
func hexID(_ id: sd_id128_t) -> String {
  withUnsafeBytes(of: id) { hexString($0) }
}

/// 32 lowercase hex digits of the first 16 bytes.
func hexString(_ bytes: UnsafeRawBufferPointer) -> String {
  var out = [UInt8]()
  out.reserveCapacity(32)
  for b in bytes.prefix(16) {
    out.append(hexDigit(b >> 4))
    out.append(hexDigit(b & 15))
  }
  return String(decoding: out, as: UTF8.self)
}

/// What `JournalHandle.readEntry` read of an entry besides its fields.
struct JournalEntryRead {
  var realtime: UInt64
  var mono: (usec: UInt64, bootID: sd_id128_t)
  /// Data fields read.
  var count: Int
  /// Errno of a field sd-journal could not hand out (the entry was read without it); 0 when none.
  var fieldError: Int32
}

extension JournalHandle {
  /// Copies the current entry into `fields` in one pass over its data (boot ID and times from the entry header, not
  /// from fields; `known`: the entry's monotonic time and boot, when the caller already asked). Returns the header
  /// times, how many data fields were read, and the errno of a field sd-journal could not hand out (0: none; the
  /// entry is then read without it), or an errno for the entry.
  @inline(__always)
  func readEntry(
    into fields: JournalFields, monotonic known: (usec: UInt64, bootID: sd_id128_t)? = nil
  ) -> Result<JournalEntryRead, JournalOpenError> {
    guard let realtime = realtime() else { return .failure(JournalOpenError(code: EBADMSG)) }
    guard var mono = known ?? monotonic() else { return .failure(JournalOpenError(code: EBADMSG)) }
    // Most entries have no field sd-journal cannot hand out: read them with one library call per field, and read
    // an entry again, skipping such fields (`enumerate_available_data`), only when a call fails.
    var n: Int
    var fieldError: Int32 = 0
    let truncatedBefore = fields.truncated
    switch readFields(into: fields, skippingUnavailable: false) {
    case .success(let count): n = count
    case .failure(let strict):
      fields.truncated = truncatedBefore
      switch readFields(into: fields, skippingUnavailable: true) {
      case .success(let count):
        n = count
        fieldError = strict.code
      case .failure(let e): return .failure(e)
      }
    }
    withUnsafeBytes(of: &mono.bootID) { fields.setHex(.bootID, id: $0) }
    return .success(JournalEntryRead(realtime: realtime, mono: mono, count: n, fieldError: fieldError))
  }

  /// Copies the current entry's data fields into `fields` from the first; returns how many there were.
  @inline(__always)
  private func readFields(into fields: JournalFields, skippingUnavailable: Bool) -> Result<Int, JournalOpenError> {
    fields.reset()
    restartData()
    var data: UnsafeRawPointer?
    var length = 0
    var n = 0
    while n < 100_000 {
      let r = skippingUnavailable ? enumerateData(&data, &length) : enumerateDataStrict(&data, &length)
      if r == 0 { break }
      if r < 0 { return .failure(JournalOpenError(code: -r)) }
      n += 1
      guard let data, let (field, nameLength) = JournalField.match(data.assumingMemoryBound(to: UInt8.self), length)
      else { continue }
      fields.set(field, data + nameLength + 1, length - nameLength - 1)
    }
    return .success(n)
  }
}
