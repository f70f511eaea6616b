internal import CSystemd

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Reads the binary journal files of one directory group (active `*.journal` and archived `*.journal~`) through
/// sd-journal and feeds every entry to a sink, machine by machine and boot by boot.
///
/// One pass of `sd_journal_next` over several files interleaves boots by wall clock, which is wrong for machines
/// without an RTC. So the boots are listed first (`_BOOT_ID` unique values), each boot's first and last entry are
/// located with a `_BOOT_ID=` match, boots are ordered per machine by the realtime of their *last* entry (ties:
/// first entry), and then each boot's entries are fed in the journal's own order.
///
/// A boot's machine is the `_MACHINE_ID` of its last readable entries, and every record of the boot carries that
/// machine ID: early entries of a boot (initrd, flushed runtime journal) can name a transient machine ID.
/// `Record.bootID` comes from the entry header, `Record.line` is 0 and `Record.cursorSource` gives the entry's
/// cursor. For kernel entries (`_TRANSPORT=kernel`), `kernelUptime` is `_SOURCE_MONOTONIC_TIMESTAMP`.
///
/// Before any entry, every file left in state ONLINE (never closed) is reported with
/// `SourceNote.journalFileOnline`. Unreadable files and corrupt entries are skipped with warnings (files whose
/// header lists more entries than can be read are named as corrupt); the source never stops the analysis.
public struct JournalSource {
  /// The journal files of the group.
  public let files: [String]
  /// Where the group is registered and its counts and warnings go.
  public let registry: InputRegistry
  /// Options (only `maxLineLength` applies: longer field values are cut).
  public let options: IngestOptions

  /// - Parameters:
  ///   - files: binary journal files of one directory group.
  ///   - registry: where the group is registered as one input of kind `.journal`.
  ///   - options: `maxLineLength` limits the length of field values.
  public init(files: [String], registry: InputRegistry, options: IngestOptions) {
    self.files = files
    self.registry = registry
    self.options = options
  }

  /// Registers the group, then feeds its entries to `sink` (ONLINE-file notes first).
  public func run<S: RecordSink>(into sink: inout S) {
    guard !files.isEmpty else { return }
    let groupPath = Self.groupPath(files)
    let input = registry.register(path: groupPath, kind: .journal)
    var reader = JournalGroupReader(input: input, registry: registry, options: options, groupPath: groupPath)
    reader.run(files: files, into: &sink)
  }

  /// The common directory of the files, or the single file.
  static func groupPath(_ files: [String]) -> String {
    if files.count == 1 { return files[0] }
    let dirs = files.map { path -> [Substring] in
      var parts = path.split(separator: "/", omittingEmptySubsequences: false)
      parts.removeLast()
      return parts
    }
    var common = dirs[0]
    for d in dirs.dropFirst() {
      var n = 0
      while n < common.count, n < d.count, common[n] == d[n] { n += 1 }
      common.removeLast(common.count - n)
    }
    let joined = common.joined(separator: "/")
    if joined.isEmpty { return files[0].hasPrefix("/") ? "/" : "." }
    return joined
  }
}

/// One boot of the group, located by a `_BOOT_ID=` match.
struct JournalBoot {
  var id: String
  var machineID: String
  var hostName: String?
  var firstRealtime: UInt64?
  var lastRealtime: UInt64?

  /// Sort key within a machine: last entry realtime, then first entry realtime; unreadable bounds last.
  var sortKey: (UInt64, UInt64) { (lastRealtime ?? firstRealtime ?? .max, firstRealtime ?? .max) }
}

/// The work of `JournalSource.run`, with its counters.
struct JournalGroupReader {
  let input: Int32
  let registry: InputRegistry
  let options: IngestOptions
  let groupPath: String
  private var errors = JournalErrorTally()
  /// Entries whose header was readable but none of whose fields were (delivered with time and boot only).
  private var emptyEntries = 0
  private var fields: JournalFields

  /// Stop a boot after this many consecutive read errors (a corrupt file must never make us spin).
  static let maxConsecutiveErrors = 1000
  /// How many entries back from a boot's end to look for a readable `_MACHINE_ID`.
  static let machineSearchDepth = 2000

  init(input: Int32, registry: InputRegistry, options: IngestOptions, groupPath: String) {
    self.input = input
    self.registry = registry
    self.options = options
    self.groupPath = groupPath
    fields = JournalFields(limit: options.maxLineLength)
  }

  /// A file's name as shown in warnings of the group input.
  private func shortName(_ file: String) -> String {
    if file == groupPath { return (file.split(separator: "/").last).map(String.init) ?? file }
    let prefix = groupPath.hasSuffix("/") ? groupPath : groupPath + "/"
    return file.hasPrefix(prefix) ? String(file.dropFirst(prefix.count)) : file
  }

  private func warn(_ message: String) { registry.warn(input, message) }

  mutating func run<S: RecordSink>(files: [String], into sink: inout S) {
    // 1. Check each file on its own: header, state, and that sd-journal can open it.
    var usable: [String] = []
    var onlineNotes: [SourceNote] = []
    var headerEntries: UInt64 = 0
    for file in files {
      let header: JournalFileHeader
      switch JournalFileHeader.load(path: file) {
      case .failure(let e):
        warn("\(shortName(file)): \(e.description); skipped")
        continue
      case .success(let h): header = h
      }
      let single: JournalHandle
      switch JournalHandle.open(files: [file]) {
      case .failure(let e):
        warn("\(shortName(file)): cannot open journal file: \(e.description); skipped")
        continue
      case .success(let h): single = h
      }
      usable.append(file)
      checkEntryCount(file: file, header: header, handle: single)
      headerEntries &+= Swift.min(header.entryCount, 1 << 40)
      if header.state == .online {
        let tail = tailBootID(file: file, header: header, handle: single)
        warn("\(shortName(file)): journal file was never closed (state ONLINE): its writer stopped without closing it")
        onlineNotes.append(
          .journalFileOnline(input: input, file: file, machineID: header.machineID, tailBootID: tail))
      } else if header.state == nil {
        warn("\(shortName(file)): unknown journal file state \(header.rawState)")
      }
    }
    guard !usable.isEmpty else {
      warn("no readable journal file in the group")
      return
    }
    let handle: JournalHandle
    switch JournalHandle.open(files: usable) {
    case .failure(let e):
      warn("cannot open the journal files together: \(e.description)")
      return
    case .success(let h): handle = h
    }
    handle.setDataThreshold(Swift.max(1 << 16, options.maxLineLength + 64))
    for note in onlineNotes { sink.note(note) }

    // 2. List the boots, locate their bounds, order them per machine.
    let entryCap = Int(clamping: headerEntries) + 10_000
    let (ids, uniqueError) = handle.uniqueValues("_BOOT_ID")
    if let uniqueError { warn("listing boot IDs failed part-way: \(errnoName(uniqueError))") }
    if ids.isEmpty {
      warn("no _BOOT_ID values found; reading entries in journal order")
      handle.flushMatches()
      handle.seekHead()
      feed(handle, cap: entryCap, label: "journal", machineID: "", into: &sink)
      finish()
      return
    }
    var boots: [JournalBoot] = []
    for id in ids { boots.append(locate(boot: id, in: handle)) }
    let machines = Dictionary(grouping: boots, by: \.machineID)
    let machineOrder = machines.keys.sorted()
    if machineOrder.count == 1, let host = machines[machineOrder[0]]!.compactMap(\.hostName).last {
      registry.setHost(input, host)
    }

    // 3. Feed each boot's entries, machine by machine, boots in order.
    for machine in machineOrder {
      let ordered = machines[machine]!.sorted { $0.sortKey < $1.sortKey }
      for boot in ordered {
        handle.flushMatches()
        handle.addMatch("_BOOT_ID=\(boot.id)")
        handle.seekHead()
        feed(handle, cap: entryCap, label: "boot \(boot.id)", machineID: boot.machineID, into: &sink)
      }
    }
    handle.flushMatches()
    finish()
  }

  /// The boot ID of the last entry of an ONLINE file: the header field when trustworthy, else the file's last
  /// entry, else the header's boot ID (the last writer's boot on systemd < 254).
  private func tailBootID(file: String, header: JournalFileHeader, handle: JournalHandle) -> String {
    if header.tailBootIDTrusted { return header.headerBootID }
    handle.seekTail()
    var steps = 0
    while steps < 16 {
      steps += 1
      let r = handle.previous()
      if r == 0 { break }
      if r < 0 { continue }
      if let m = handle.monotonic() { return hexID(m.bootID) }
    }
    warn("\(shortName(file)): last entry unreadable; taking its boot from the file header (\(header.headerBootID))")
    return header.headerBootID
  }

  /// Walks the entries of one file (headers only, no data) and warns when fewer can be reached than its header
  /// lists: the rest sits behind corruption.
  private func checkEntryCount(file: String, header: JournalFileHeader, handle: JournalHandle) {
    let listed = Int(clamping: header.entryCount)
    let cap = listed + 10_000
    var reached = 0
    var failed = 0
    var steps = 0
    handle.seekHead()
    while steps < cap {
      steps += 1
      let r = handle.next()
      if r == 0 { break }
      if r < 0 {
        failed += 1
        if failed >= Self.maxConsecutiveErrors { break }
        continue
      }
      reached += 1
    }
    if reached < listed {
      warn("\(shortName(file)): only \(reached) of the \(listed) entries its header lists can be read (corrupt file)")
    }
  }

  /// Finds the first and last entry of a boot (realtime, machine, host) with a `_BOOT_ID=` match.
  ///
  /// The machine is the `_MACHINE_ID` of the boot's *last* entry: early entries (initrd, runtime journal flushed
  /// before the machine ID is committed) can carry a transient machine ID.
  private func locate(boot id: String, in handle: JournalHandle) -> JournalBoot {
    var boot = JournalBoot(id: id, machineID: "")
    handle.flushMatches()
    handle.addMatch("_BOOT_ID=\(id)")
    handle.seekTail()
    // The last entry gives the end time; its fields may be unreadable (corrupt data objects), so walk back a
    // little for the machine ID and host name.
    var steps = 0
    while steps < Self.machineSearchDepth, boot.machineID.isEmpty || boot.hostName == nil {
      steps += 1
      let r = handle.previous()
      if r == 0 { break }
      if r < 0 { continue }
      if boot.lastRealtime == nil { boot.lastRealtime = handle.realtime() }
      if boot.machineID.isEmpty { boot.machineID = handle.fieldString("_MACHINE_ID") ?? "" }
      if boot.hostName == nil { boot.hostName = handle.fieldString("_HOSTNAME") }
    }
    handle.seekHead()
    if handle.next() > 0 {
      boot.firstRealtime = handle.realtime()
      if boot.machineID.isEmpty { boot.machineID = handle.fieldString("_MACHINE_ID") ?? "" }
      if boot.hostName == nil { boot.hostName = handle.fieldString("_HOSTNAME") }
    }
    handle.flushMatches()
    if boot.firstRealtime == nil || boot.lastRealtime == nil {
      let which = boot.firstRealtime == nil ? (boot.lastRealtime == nil ? "first and last" : "first") : "last"
      warn("boot \(id): cannot read its \(which) entry (the journal seems corrupted); reading what is readable")
    }
    return boot
  }

  /// Feeds entries from the current position until the end (or `cap` steps), counting what cannot be read.
  /// A non-empty `machineID` (the boot's machine) replaces the entries' own `_MACHINE_ID`, so that all entries
  /// of a boot name the same machine.
  private mutating func feed<S: RecordSink>(
    _ handle: JournalHandle, cap: Int, label: String, machineID: String, into sink: inout S
  ) {
    let machine = Array(machineID.utf8)
    machine.withBytes { feed(handle, cap: cap, label: label, machine: $0, into: &sink) }
  }

  private mutating func feed<S: RecordSink>(
    _ handle: JournalHandle, cap: Int, label: String, machine: Bytes, into sink: inout S
  ) {
    var record = Record(input: input, line: 0, cursorSource: handle)
    var steps = 0
    var delivered = 0
    var skipped = 0
    var consecutiveErrors = 0
    var inGap = false
    while true {
      if steps >= cap {
        warn("\(label): stopped after \(steps) steps, more than the files hold (corrupt entry chain?)")
        break
      }
      steps += 1
      let r = handle.next()
      if r == 0 { break }
      if r < 0 {
        errors.add(-r)
        skipped += 1
        consecutiveErrors += 1
        if !inGap {
          inGap = true
          sink.note(.dataGap(input: input, reason: "unreadable journal entries: \(errnoName(-r))"))
        }
        if consecutiveErrors >= Self.maxConsecutiveErrors {
          warn("\(label): gave up after \(consecutiveErrors) consecutive read errors")
          break
        }
        continue
      }
      consecutiveErrors = 0
      if let e = read(handle, into: &record) {
        errors.add(e)
        skipped += 1
        if !inGap {
          inGap = true
          sink.note(.dataGap(input: input, reason: "unreadable journal entry: \(errnoName(e))"))
        }
        continue
      }
      inGap = false
      delivered += 1
      if !machine.isEmpty { record.machineID = machine }
      sink.consume(record)
    }
    if delivered > 0 { registry.addRecords(input, delivered) }
    if skipped > 0 { registry.addSkipped(input, skipped) }
  }

  /// Reads the current entry into `record` (fields copied into `fields`). Returns an errno on failure.
  @inline(__always)
  private mutating func read(_ handle: JournalHandle, into record: inout Record) -> Int32? {
    guard let realtime = handle.realtime() else { return EBADMSG }
    guard var mono = handle.monotonic() else { return EBADMSG }
    fields.reset()
    handle.restartData()
    var data: UnsafeRawPointer?
    var length = 0
    var n = 0
    while n < 100_000 {
      n += 1
      let r = handle.enumerateData(&data, &length)
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
    if n == 1 { emptyEntries += 1 }
    withUnsafeBytes(of: &mono.bootID) { fields.setHex(.bootID, id: $0) }
    fields.fill(&record)
    record.time = journalTime(realtime)
    record.bootID = fields.bytes(.bootID)
    return nil
  }

  /// Writes the summary warnings.
  private func finish() {
    for (name, count) in errors.summary {
      warn("\(count) journal entr\(count == 1 ? "y" : "ies") unreadable: \(name)")
    }
    if emptyEntries > 0 {
      warn("\(emptyEntries) journal entr\(emptyEntries == 1 ? "y has" : "ies have") no readable fields (corrupt data); "
        + "used with time and boot only")
    }
    if fields.truncated > 0 {
      warn("\(fields.truncated) field value(s) longer than \(fields.limit) bytes were cut")
    }
  }
}
