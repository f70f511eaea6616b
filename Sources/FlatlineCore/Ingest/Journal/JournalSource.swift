internal import CSystemd
import Dispatch

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
  /// Options: `maxLineLength` (longer field values are cut) and `journalBootWindow` (boot windows, see `BootWindows`).
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
    _ = run(parallel: nil, into: &sink)
  }

  /// `--jobs N` (any N ≥ 1): as `run(into:)`, by walk mode when the group allows it
  /// (`JournalGroupReader.readByWalkingFiles`), else with the group's boots read through their matches on `jobs`
  /// threads (contiguous ranges of the ordered boot list, each with its own sink and registry fork) and
  /// joined in order, so that the result is the one-thread run's (see `JournalGroupReader.feedParallel`). Returns
  /// how the boots were read.
  @discardableResult
  func run(jobs: Int, rules: [Rule], into sink: inout AnalysisSink) -> JournalParallelOutcome {
    run(parallel: (Swift.max(jobs, 1), rules), into: &sink)
  }

  private func run<S: RecordSink>(parallel: (jobs: Int, rules: [Rule])?, into sink: inout S) -> JournalParallelOutcome {
    var seen = Set<String>()
    let unique = files.filter { seen.insert($0).inserted }
    guard !unique.isEmpty else { return .serial }
    let groupPath = Self.groupPath(unique)
    let input = registry.register(path: groupPath, kind: .journal)
    var reader = JournalGroupReader(input: input, registry: registry, options: options, groupPath: groupPath)
    reader.parallel = parallel
    reader.run(files: unique, into: &sink)
    return reader.outcome
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

/// How `JournalSource.run(jobs:rules:into:)` read a group's boots.
enum JournalParallelOutcome: Equatable {
  /// On the calling thread (one job, boot windows, a boot without machine, too few boots…).
  case serial
  /// In `ranges` contiguous ranges of boots, taken in turn by the threads, joined.
  case parallel(ranges: Int)
  /// By walking each file once, in `ranges` contiguous ranges of boots taken in turn by the threads (one range:
  /// the calling thread's work), joined (see `JournalGroupReader.readByWalkingFiles`).
  case fileWalk(ranges: Int)
  /// Read in ranges, but they could not be joined exactly (read errors, a boot that moved machine): read again
  /// on the calling thread.
  case fallback
}

/// One boot of the group, located by a `_BOOT_ID=` match.
struct JournalBoot {
  var id: String
  var machineID: String
  var hostName: String?
  var firstRealtime: UInt64?
  var lastRealtime: UInt64?
  /// Entries a `_BOOT_ID=` match reaches.
  var matchCount = 0
  /// Entries of this boot found by walking each file (nil when the walk did not see the boot).
  var surveyed: BootSurvey?
  /// Sequence-number space and number of the first and last entries (from their cursors), when readable.
  var firstSeqnum: JournalSeqnum?
  var lastSeqnum: JournalSeqnum?

  /// Sort key within a machine: last entry realtime, then first entry realtime; unreadable bounds last.
  var sortKey: (UInt64, UInt64) { (lastRealtime ?? firstRealtime ?? .max, firstRealtime ?? .max) }
}

/// Where an entry stands in its file's sequence-number space: the space's ID and the entry's number (the `s=` and
/// `i=` parts of its cursor). Entries journald wrote one after another are numbered one after another.
struct JournalSeqnum: Equatable {
  var space: Substring
  var number: UInt64

  /// The `s=` and `i=` parts of `cursor` (`s=…;i=…;b=…;m=…;t=…;x=…`); nil when either is missing or `i` is not
  /// hex.
  init?(cursor: String) {
    var space: Substring?
    var number: UInt64?
    for part in cursor.split(separator: ";") {
      if part.hasPrefix("s=") { space = part.dropFirst(2) }
      if part.hasPrefix("i=") { number = UInt64(part.dropFirst(2), radix: 16) }
    }
    guard let space, !space.isEmpty, let number else { return nil }
    self.space = space
    self.number = number
  }
}

/// A 128-bit boot ID as a cheap hashable key.
struct BootKey: Hashable {
  var high: UInt64
  var low: UInt64

  init(high: UInt64, low: UInt64) {
    self.high = high
    self.low = low
  }

  init(_ id: sd_id128_t) {
    var id = id
    (high, low) = withUnsafeBytes(of: &id) {
      ($0.loadUnaligned(fromByteOffset: 0, as: UInt64.self), $0.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
    }
  }
}

extension BootKey {
  /// The ID as sd-journal takes it.
  var id: sd_id128_t {
    var id = sd_id128_t()
    withUnsafeMutableBytes(of: &id) {
      $0.storeBytes(of: high, toByteOffset: 0, as: UInt64.self)
      $0.storeBytes(of: low, toByteOffset: 8, as: UInt64.self)
    }
    return id
  }

  /// Parses 32 hex digits.
  init?(hex: String) {
    let b = Array(hex.utf8)
    guard b.count == 32 else { return nil }
    var v: [UInt8] = []
    v.reserveCapacity(16)
    for i in stride(from: 0, to: 32, by: 2) {
      guard let h = hexValue(b[i]), let l = hexValue(b[i + 1]) else { return nil }
      v.append(h << 4 | l)
    }
    (high, low) = v.withUnsafeBytes {
      ($0.loadUnaligned(fromByteOffset: 0, as: UInt64.self), $0.loadUnaligned(fromByteOffset: 8, as: UInt64.self))
    }
  }
}

@inline(__always) func hexValue(_ c: UInt8) -> UInt8? {
  switch c {
  case 48...57: return c - 48
  case 97...102: return c - 87
  case 65...70: return c - 55
  default: return nil
  }
}

/// What walking the files entry by entry (headers only) saw of one boot.
struct BootSurvey {
  var id: sd_id128_t
  var count = 0
  var firstRealtime: UInt64 = .max
  var lastRealtime: UInt64 = 0
  /// The header machine ID of the first file the boot was seen in.
  var fileMachineID: String
}

/// The work of `JournalSource.run`, with its counters.
struct JournalGroupReader {
  let input: Int32
  let registry: InputRegistry
  let options: IngestOptions
  let groupPath: String
  var errors = JournalErrorTally()
  /// Per boot, what the file walks saw (in first-seen order), and where each boot is in that list.
  private var surveys: [BootSurvey] = []
  private var surveyIndex: [BootKey: Int] = [:]
  /// Entries whose header was readable but none of whose fields were (delivered with time and boot only).
  var emptyEntries = 0
  /// Entries read without a field sd-journal could not hand out, by that field's errno.
  var fieldErrors = JournalErrorTally()
  /// The header realtime of the entry `read` read last.
  var realtimeRead: UInt64 = 0
  /// True while every file walk reached all the entries its header lists without a read error.
  private var walksComplete = true
  var fields: JournalFields
  /// While its `messages` is not nil, warnings are held there instead of reported (walk mode, which reports
  /// nothing unless it succeeds).
  let held = HeldWarnings()
  /// `--jobs`: read the boots on this many threads, with sinks matching these rules (AnalysisSink only).
  var parallel: (jobs: Int, rules: [Rule])?
  /// How the boots were read (`JournalSource.run(jobs:rules:into:)`).
  var outcome = JournalParallelOutcome.serial
  /// The copy of libsystemd this reader's handles use: a range reader's own (see `JournalLibrary`).
  var library = JournalLibrary.linked

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
  func shortName(_ file: String) -> String {
    if file == groupPath { return (file.split(separator: "/").last).map(String.init) ?? file }
    let prefix = groupPath.hasSuffix("/") ? groupPath : groupPath + "/"
    return file.hasPrefix(prefix) ? String(file.dropFirst(prefix.count)) : file
  }

  func warn(_ message: String) {
    if held.messages != nil {
      held.messages?.append(message)
    } else {
      registry.warn(input, message)
    }
  }

  mutating func run<S: RecordSink>(files: [String], into sink: inout S) {
    var window = options.journalBootWindow.map { Swift.max($0, 1) }
    // Analysis: walk mode when the group allows it (it reports and feeds nothing otherwise).
    if window == nil, options.journalFileWalk, let par = parallel, let tap = sink as? AnalysisSink {
      var joined = tap
      if let ranges = readByWalkingFiles(files, jobs: par.jobs, rules: par.rules, into: &joined), let s = joined as? S {
        sink = s
        outcome = .fileWalk(ranges: ranges)
        return
      }
    }
    // 1. Check each file on its own: header, state, and that sd-journal can open it.
    let (usable, _, onlineNotes, headerEntries) = checkFiles(files, window: window, survey: true)
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
    if ids.isEmpty && surveys.isEmpty {
      warn("no boot IDs found; reading entries in journal order")
      handle.flushMatches()
      handle.seekHead()
      feed(handle, cap: entryCap, label: "journal", machineID: "", only: nil, into: &sink)
      finish()
      return
    }
    guard var (boots, probe) = locateBoots(ids, files: usable, cap: entryCap, counting: window == nil) else { return }
    if window != nil {
      let byID = Dictionary(boots.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
      let agree = surveys.allSatisfy { seen in
        guard seen.count > 0 else { return true }
        guard let b = byID[hexID(seen.id)], let first = b.firstRealtime, let last = b.lastRealtime else { return false }
        return first <= seen.firstRealtime && last >= seen.lastRealtime
      }
      if !agree || !walksComplete {
        // A damaged file (its walk stopped short of the entries its header lists) or index: seeking cannot be
        // trusted (with libsystemd 252 the order across such files also differs between walking forward and
        // seeking back). Read the group as `analyze` does.
        window = nil
        registry.setReadMode(input, "journal: a file never closed is damaged; every entry read")
        surveys = []
        surveyIndex = [:]
        walksComplete = true
        for file in usable {
          guard case .success(let header) = JournalFileHeader.load(path: file),
            case .success(let single) = JournalHandle.open(files: [file])
          else { continue }
          surveyFile(file: file, header: header, handle: single)
        }
        guard let full = locateBoots(ids, files: usable, cap: entryCap, counting: true) else { return }
        (boots, probe) = full
      }
    }
    let machines = Dictionary(grouping: boots, by: \.machineID)
    let machineOrder = machines.keys.sorted()
    if machineOrder.count == 1, let host = machines[machineOrder[0]]!.compactMap(\.hostName).last {
      registry.setHost(input, host)
    }

    // 3. Feed each boot's entries, machine by machine, boots in order.
    var windows: BootWindows?
    if let window { windows = BootWindows(size: window, probe: probe) }
    if windows == nil, let par = parallel, var tap = sink as? AnalysisSink {
      let ordered = Self.ordered(boots)
      outcome = feedParallel(
        ordered, files: usable, handle: handle, cap: entryCap, jobs: par.jobs, rules: par.rules,
        onlineNotes: onlineNotes, into: &tap)
      if case .parallel = outcome, let joined = tap as? S {
        sink = joined
        handle.flushMatches()
        finish()
        return
      }
    }
    for machine in machineOrder {
      let ordered = machines[machine]!.sorted { $0.sortKey < $1.sortKey }
      for boot in ordered {
        let label = "boot \(boot.id)"
        if let w = windows {
          feedWindows(handle, w, boot: boot, cap: entryCap, label: label, into: &sink)
        } else {
          feedBoot(boot, handle: handle, cap: entryCap, into: &sink)
        }
      }
    }
    handle.flushMatches()
    if let w = windows {
      let total = registry[input].records
      var mode = "journal: boot bounds by seeking; the first and last \(w.size) entries of each boot read "
        + "(\(total) of \(headerEntries) entries), not the middle; no rules matched on them"
      if w.fullyRead > 0 { mode += "; \(w.fullyRead) boot(s) read whole (short, or an ending that needs more)" }
      registry.setReadMode(input, mode)
    }
    finish()
  }

  /// Step 3 of `run` on several threads. The ordered boots are cut into contiguous ranges of about the same
  /// number of entries, several per thread (`rangeCount`), which `jobs` threads take in turn (`pull`); each range
  /// is read exactly as the one-thread loop reads it (a `_BOOT_ID=` match per boot, the boot's machine ID on every
  /// record, deferred cursors), with its thread's handle on the files (worker 0 uses `handle`), its own reader
  /// counters, its own `AnalysisSink` (which first
  /// gets the ONLINE-file notes, as the one-thread sink did) and its own registry fork. The ranges are then
  /// joined in order: boots appended to the sequencer of their machine (`AnalysisSink.appendJournalBoots`), rule
  /// hits appended, counts and warnings copied back in order.
  ///
  /// A boot whose index is damaged is scanned in its range as on one thread (`feedBoot`).
  ///
  /// Returns `.serial` without reading when the group does not qualify (one job or one boot, a boot whose machine
  /// is unknown), `.fallback` when the ranges were read but cannot be joined exactly
  /// (read errors — their data-gap notes reach every machine of the stream —, a boot that changed machine, a
  /// handle that cannot be opened): `sink` is then untouched and the caller reads the boots on its thread.
  private mutating func feedParallel(
    _ boots: [JournalBoot], files: [String], handle: JournalHandle, cap: Int, jobs: Int, rules: [Rule],
    onlineNotes: [SourceNote], into sink: inout AnalysisSink
  ) -> JournalParallelOutcome {
    guard jobs > 1, boots.count > 1 else { return .serial }
    for b in boots where b.machineID.isEmpty { return .serial }
    let weights = boots.map { Swift.max($0.surveyed?.count ?? $0.matchCount, 1) }
    let ranges = Self.partition(weights, into: Self.rangeCount(boots: boots.count, jobs: jobs))
    guard ranges.count > 1 else { return .serial }
    let (base, readers) = rangeReaders(ranges.count)
    let rulesOff = sink.journalRulesOff
    let work = zip(ranges, readers).map { r, x in RangeWork(boots: Array(boots[r]), reader: x.reader, fork: x.fork) }
    let threshold = Swift.max(1 << 16, options.maxLineLength + 64)
    // One handle per thread for all the ranges it takes (matches are flushed after each range). Worker 0 reads
    // with the caller's handle when that is on worker 0's library (the linked one).
    let handles = ThreadHandles(offered: handle)
    Self.pull(ranges: work.count, jobs: jobs) { worker, library, ranges in
      var own = handles.offered.library === library && worker == 0 ? handles.offered : nil
      while let k = ranges.take(below: work.count) {
        let w = work[k]
        w.reader.library = library
        if own == nil, case .success(let h) = JournalHandle.open(files: files, library: library) {
          h.setDataThreshold(threshold)
          own = h
        }
        // No handle, or read errors: the group is read again on one thread (`.fallback`).
        guard let h = own else {
          ranges.giveUp()
          continue
        }
        w.handle = h
        var s = Self.rangeSink(
          registry: w.fork, rules: rules, rulesOff: rulesOff, notes: onlineNotes, options: w.reader.options)
        for boot in w.boots { w.reader.feedBoot(boot, handle: h, cap: cap, into: &s) }
        h.flushMatches()
        s.keepHitsOnly()
        w.sink = s
        if w.reader.errors.total > 0 { ranges.giveUp() }
      }
    }
    var sinks: [AnalysisSink] = []
    for w in work {
      guard let s = w.sink, w.reader.errors.total == 0 else { return .fallback }
      sinks.append(s)
    }
    guard Self.canJoin(sinks, into: sink) else { return .fallback }
    join(sinks, readers: work.map(\.reader), forks: work.map(\.fork), base: base, into: &sink)
    return .parallel(ranges: work.count)
  }

  /// How many ranges the boots of a group are cut into for `jobs` threads: several per thread (at most one per
  /// boot). The threads take the ranges in turn (`pull`), so one that runs slower — on a shared machine the two
  /// threads of a `--jobs 2` run often do not go equally fast — takes fewer, instead of the others waiting for it:
  /// with one range per thread, the bench journal's `--jobs 2` run spent up to a quarter of its time on one thread.
  static func rangeCount(boots: Int, jobs: Int) -> Int { jobs > 1 ? Swift.min(boots, jobs * rangesPerJob) : 1 }
  static let rangesPerJob = 4

  /// Runs `body` on `min(jobs, ranges)` threads (the calling thread among them). Each gets its worker number, the
  /// libsystemd copy for it (`JournalLibrary.forWorker`: no two threads share one) and the queue of ranges, whose
  /// `take(below: ranges)` hands out the lowest range index not taken yet: ranges start in order, and a thread that
  /// is done with one takes the next. Once a range could not be read as it must be (the group is then read again
  /// another way), `giveUp()` stops the rest: reading them would be wasted.
  static func pull(
    ranges count: Int, jobs: Int,
    _ body: @Sendable (_ worker: Int, _ library: JournalLibrary, _ ranges: ParallelIngest.Queue) -> Void
  ) {
    let queue = ParallelIngest.Queue()
    DispatchQueue.concurrentPerform(iterations: Swift.max(1, Swift.min(jobs, count))) { worker in
      body(worker, JournalLibrary.forWorker(worker), queue)
    }
  }

  /// For reading `count` ranges of boots on their own threads: a fork of the registry (`base`, warnings off) and,
  /// per range, a fork of that and a reader writing to it (its library is set by the thread that reads it).
  func rangeReaders(_ count: Int)
    -> (base: InputRegistry, ranges: [(fork: InputRegistry, reader: JournalGroupReader)])
  {
    let base = registry.fork()
    base.warningHandler = nil
    let ranges = (0..<count).map { _ in
      let fork = base.fork()
      fork.warningHandler = nil
      return (fork, JournalGroupReader(input: input, registry: fork, options: options, groupPath: groupPath))
    }
    return (base, ranges)
  }

  /// A range's own sink: the caller's rules and rule switch, and the ONLINE-file notes first, as the one-thread
  /// sink got them (so a note lands on its boot in whichever range the boot is).
  static func rangeSink(
    registry: InputRegistry, rules: [Rule], rulesOff: Bool, notes: [SourceNote], options: IngestOptions
  ) -> AnalysisSink {
    var s = AnalysisSink(registry: registry, rules: rules, learnsInstances: options.learnsInstances)
    s.journalRulesOff = rulesOff
    for note in notes { s.note(note) }
    return s
  }

  /// Whether the sinks of consecutive ranges of boots can all be joined exactly into `sink`. Checked for every
  /// range before any is joined: the sequencers are shared with the caller's sink, which on any doubt must stay as
  /// it was.
  static func canJoin(_ sinks: [AnalysisSink], into sink: AnalysisSink) -> Bool {
    var bootKeys = Set<String>()
    for s in sinks {
      guard sink.canAppendJournalBoots(s) else { return false }
      for k in s.engine.journalBootKeys where !bootKeys.insert(k).inserted { return false }
    }
    return true
  }

  /// Joins the ranges' sinks in order (check `canJoin` first), then copies their readers' counts and their
  /// registry forks' records, skips and warnings (since `base`) back.
  mutating func join(
    _ sinks: [AnalysisSink], readers: [JournalGroupReader], forks: [InputRegistry], base: InputRegistry,
    into sink: inout AnalysisSink
  ) {
    for s in sinks { _ = sink.appendJournalBoots(s) }  // checked by `canJoin`: cannot refuse
    let had = base[input]
    for (reader, fork) in zip(readers, forks) {
      let got = fork[input]
      if got.records > had.records { registry.addRecords(input, got.records - had.records) }
      if got.skipped > had.skipped { registry.addSkipped(input, got.skipped - had.skipped) }
      for message in got.warnings.dropFirst(had.warnings.count) { warn(message) }
      emptyEntries += reader.emptyEntries
      fieldErrors.add(reader.fieldErrors)
      fields.truncated += reader.fields.truncated
    }
  }

  /// Cuts `weights` (in order) into at most `parts` contiguous non-empty ranges of about equal total weight.
  static func partition(_ weights: [Int], into parts: Int) -> [Range<Int>] {
    let n = Swift.min(parts, weights.count)
    guard n > 1 else { return weights.isEmpty ? [] : [0..<weights.count] }
    let total = weights.reduce(0, +)
    var ranges: [Range<Int>] = []
    var start = 0
    var sum = 0
    var i = 0
    for k in 1..<n {
      let target = Double(total) * Double(k) / Double(n)
      // Leave at least one boot for each range still to come.
      let limit = weights.count - (n - k)
      var end = Swift.max(i + 1, start + 1)
      while i < end { sum += weights[i]; i += 1 }
      while i < limit, abs(Double(sum + weights[i]) - target) <= abs(Double(sum) - target) {
        sum += weights[i]
        i += 1
      }
      end = i
      ranges.append(start..<end)
      start = end
    }
    ranges.append(start..<weights.count)
    return ranges
  }

  /// Step 1 of `run`: checks each file on its own (header, state, that sd-journal can open it), walks those that
  /// need it, and reports files left ONLINE. The per-file handles are closed on return (their mappings would
  /// otherwise double the journal's resident pages while it is read).
  /// Without `survey`, no file is walked.
  mutating func checkFiles(_ files: [String], window: Int?, survey: Bool)
    -> (usable: [String], headers: [JournalFileHeader], onlineNotes: [SourceNote], headerEntries: UInt64)
  {
    var usable: [String] = []
    var headers: [JournalFileHeader] = []
    var onlineNotes: [SourceNote] = []
    var headerEntries: UInt64 = 0
    let checks = files.map { file -> FileCheck in
      switch JournalFileHeader.load(path: file) {
      case .failure(let e): return .failed("\(shortName(file)): \(e.description); skipped")
      case .success(let header):
        switch JournalHandle.open(files: [file]) {
        case .failure(let e): return .failed("\(shortName(file)): cannot open journal file: \(e.description); skipped")
        case .success(let single): return .usable(header, single)
        }
      }
    }
    // The walks (headers only) run on all cores, one handle per file; their results are merged in file order, so
    // counts, order and warnings are those of walking the files one after the other. Boot windows skip the walk,
    // except over files never closed (the active file, or one whose writer died): their index may not reach every
    // entry, which the walk shows (checked after locating the boots).
    var toWalk: [(index: Int, handle: JournalHandle, header: JournalFileHeader)] = []
    for (k, c) in checks.enumerated() {
      if survey, case .usable(let header, let single) = c,
        window == nil || header.state != .offline && header.state != .archived
      {
        toWalk.append((k, single, header))
      }
    }
    var walks: [Int: FileWalk] = [:]
    for (w, t) in zip(FileWalk.run(toWalk.map { ($0.handle, $0.header) }), toWalk) { walks[t.index] = w }
    for (k, file) in files.enumerated() {
      let header: JournalFileHeader
      let single: JournalHandle
      switch checks[k] {
      case .failed(let message):
        warn(message)
        continue
      case .usable(let h, let s):
        header = h
        single = s
      }
      usable.append(file)
      headers.append(header)
      if let walk = walks[k] { merge(walk, file: file) }
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
    return (usable, headers, onlineNotes, headerEntries)
  }

  /// Locates every boot: those the index lists, then those only the file walks saw (a damaged data hash table).
  /// Locating and counting use handles of their own (closed on return), so that the feeding handle only ever
  /// walks forward.
  /// Returns the boots and the handle that located them (boot windows seek each boot's tail with it).
  private func locateBoots(_ ids: [String], files: [String], cap: Int, counting: Bool)
    -> (boots: [JournalBoot], probe: JournalHandle)?
  {
    guard case .success(let probe) = JournalHandle.open(files: files) else {
      warn("cannot open the journal files together a second time")
      return nil
    }
    var counter: JournalHandle?
    if counting {
      guard case .success(let c) = JournalHandle.open(files: files) else {
        warn("cannot open the journal files together a second time")
        return nil
      }
      counter = c
    }
    let listed = Set(ids)
    let unlisted = surveys.map { hexID($0.id) }.filter { !listed.contains($0) }
    var boots: [JournalBoot] = []
    for id in ids + unlisted {
      var boot = locate(boot: id, in: probe, counter: counter, cap: cap)
      complete(&boot)
      boots.append(boot)
    }
    return (boots, probe)
  }

  /// Fills in what the match could not give from the file walks: bounds, machine; warns about unreadable bounds.
  private func complete(_ boot: inout JournalBoot) {
    if let seen = boot.surveyed {
      if boot.firstRealtime == nil, seen.count > 0 { boot.firstRealtime = seen.firstRealtime }
      if boot.lastRealtime == nil, seen.count > 0 { boot.lastRealtime = seen.lastRealtime }
      if boot.machineID.isEmpty { boot.machineID = seen.fileMachineID }
    }
    if boot.matchCount == 0 || boot.firstRealtime == nil || boot.lastRealtime == nil {
      warn("boot \(boot.id): cannot read its first or last entry through the index (the journal seems "
        + "corrupted); reading what is readable")
    }
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

  /// Adds what the walk over one file saw (see `FileWalk`), and warns when it reached fewer entries than the
  /// header lists (the rest sits behind corruption).
  private mutating func merge(_ walk: FileWalk, file: String) {
    for seen in walk.boots {
      let key = BootKey(seen.id)
      if let i = surveyIndex[key] {
        surveys[i].count += seen.count
        surveys[i].firstRealtime = Swift.min(surveys[i].firstRealtime, seen.firstRealtime)
        surveys[i].lastRealtime = Swift.max(surveys[i].lastRealtime, seen.lastRealtime)
      } else {
        surveyIndex[key] = surveys.count
        surveys.append(seen)
      }
    }
    if walk.reached < walk.listed || walk.failed > 0 { walksComplete = false }
    if walk.reached < walk.listed {
      warn("\(shortName(file)): only \(walk.reached) of the \(walk.listed) entries its header lists can be read (corrupt file)")
    }
  }

  /// Walks the files again (the damaged-index fallback of boot windows), one after the other.
  private mutating func surveyFile(file: String, header: JournalFileHeader, handle: JournalHandle) {
    merge(FileWalk(handle: handle, header: header), file: file)
  }

  /// Finds the first and last entry of a boot (realtime, machine, host) with a `_BOOT_ID=` match.
  ///
  /// The machine is the `_MACHINE_ID` of the boot's *last* entry: early entries (initrd, runtime journal flushed
  /// before the machine ID is committed) can carry a transient machine ID.
  func locate(boot id: String, in handle: JournalHandle, counter: JournalHandle?, cap: Int) -> JournalBoot {
    var boot = JournalBoot(id: id, machineID: "")
    if let key = BootKey(hex: id), let i = surveyIndex[key] { boot.surveyed = surveys[i] }
    handle.restrict(toBoot: id)
    handle.seekTail()
    // The last entry gives the end time; its fields may be unreadable (corrupt data objects), so walk back a
    // little for the machine ID and host name.
    var steps = 0
    while steps < Self.machineSearchDepth, boot.machineID.isEmpty || boot.hostName == nil {
      steps += 1
      let r = handle.previous()
      if r == 0 { break }
      if r < 0 { continue }
      if boot.lastRealtime == nil {
        boot.lastRealtime = handle.realtime()
        boot.lastSeqnum = handle.currentCursor().flatMap(JournalSeqnum.init(cursor:))
      }
      if boot.machineID.isEmpty { boot.machineID = handle.fieldString("_MACHINE_ID") ?? "" }
      if boot.hostName == nil { boot.hostName = handle.fieldString("_HOSTNAME") }
    }
    handle.seekHead()
    if handle.next() > 0 {
      boot.firstRealtime = handle.realtime()
      boot.firstSeqnum = handle.currentCursor().flatMap(JournalSeqnum.init(cursor:))
      if boot.machineID.isEmpty { boot.machineID = handle.fieldString("_MACHINE_ID") ?? "" }
      if boot.hostName == nil { boot.hostName = handle.fieldString("_HOSTNAME") }
    }
    handle.flushMatches()
    // When every file walk was complete and the match reaches the very first and last entries the walks saw of
    // this boot, the boot's index is whole: take the walks' count instead of walking the match a second time.
    // (A damaged index — e.g. a `_BOOT_ID` data object whose entry count was cut — ends the match early.)
    if walksComplete, let seen = boot.surveyed, seen.count > 0, boot.firstRealtime == seen.firstRealtime,
      boot.lastRealtime == seen.lastRealtime
    {
      boot.matchCount = seen.count
      return boot
    }
    // Boot windows: no walk over the match; it reaches at least the first entry when that was readable.
    guard let counter else {
      boot.matchCount = boot.firstRealtime == nil ? 0 : 1
      return boot
    }
    // Count what the match reaches (headers only), to compare with the file walks. A separate handle: with
    // libsystemd 252, a full forward walk after seek_tail/previous on one handle leaves later iterations of that
    // handle skipping files.
    counter.restrict(toBoot: id)
    counter.seekHead()
    boot.matchCount = counter.count(cap: cap)
    counter.flushMatches()
    return boot
  }

  /// Feeds every entry of `boot` through its `_BOOT_ID=` match (the serial loop and each thread of
  /// `feedParallel`). Entries read through the match can be found again through it: their cursors can wait. A boot
  /// whose index is damaged (the file walks saw more of its entries than the match finds) is read by scanning every
  /// entry instead, passing over other boots' by their headers.
  mutating func feedBoot<S: RecordSink>(_ boot: JournalBoot, handle: JournalHandle, cap: Int, into sink: inout S) {
    if let seen = boot.surveyed, seen.count > boot.matchCount {
      // The boot's index is damaged: scan every entry and keep this boot's (slower, but complete).
      let label = "boot \(boot.id)"
      warn("\(label): the journal index reaches \(boot.matchCount) of its \(seen.count) entries; "
        + "reading it by scanning all entries")
      handle.flushMatches()
      handle.seekHead()
      feed(handle, cap: cap, label: label, machineID: boot.machineID, only: seen.id, into: &sink)
      return
    }
    handle.restrict(toBoot: boot.id)
    handle.seekHead()
    handle.defersCursors = true
    defer { handle.defersCursors = false }
    feed(handle, cap: cap, label: "boot \(boot.id)", machineID: boot.machineID, only: nil, into: &sink)
  }

  /// Feeds entries from the current position until the end (or `cap` steps), counting what cannot be read.
  /// A non-empty `machineID` (the boot's machine) replaces the entries' own `_MACHINE_ID`, so that all entries
  /// of a boot name the same machine.
  /// With `only`, entries of other boots are passed over (headers only): the scan for a boot whose index is
  /// damaged.
  private mutating func feed<S: RecordSink>(
    _ handle: JournalHandle, cap: Int, label: String, machineID: String, only: sd_id128_t?, into sink: inout S
  ) {
    let machine = Array(machineID.utf8)
    let onlyKey = only.map(BootKey.init)
    machine.withBytes { _ = feed(handle, cap: cap, label: label, machine: $0, only: onlyKey, into: &sink) }
  }

  /// The loop behind `feed`. With `watch`, each delivered record is shown to it and the loop stops (before the
  /// next entry) once the watch says so: the handle then stands on the last delivered entry. Returns true when
  /// the loop stopped for any other reason (end of the entries, cap, too many errors).
  mutating func feed<S: RecordSink>(
    _ handle: JournalHandle, cap: Int, label: String, machine: Bytes, only: BootKey?, watch: WindowWatch? = nil,
    into sink: inout S
  ) -> Bool {
    var ended = true
    var record = Record(input: input, line: 0, cursorSource: handle)
    var steps = 0
    var delivered = 0
    var skipped = 0
    var consecutiveErrors = 0
    var inGap = false
    while true {
      if let watch, watch.stop {
        ended = false
        break
      }
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
      if let only {
        guard let m = handle.monotonic(), BootKey(m.bootID) == only else { continue }
      }
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
      watch?.observe(record)
    }
    if delivered > 0 { registry.addRecords(input, delivered) }
    if skipped > 0 { registry.addSkipped(input, skipped) }
    return ended
  }

  /// Reads the current entry into `record` (fields copied into `fields`; `known` as for `readEntry`). Returns an
  /// errno on failure.
  @inline(__always)
  mutating func read(
    _ handle: JournalHandle, monotonic known: (usec: UInt64, bootID: sd_id128_t)? = nil, into record: inout Record
  ) -> Int32? {
    let entry: JournalEntryRead
    switch handle.readEntry(into: fields, monotonic: known) {
    case .failure(let e): return e.code
    case .success(let r): entry = r
    }
    if entry.fieldError != 0 { fieldErrors.add(entry.fieldError) }
    let realtime = entry.realtime
    realtimeRead = realtime
    let mono = entry.mono
    if entry.count == 0 { emptyEntries += 1 }
    fields.fill(&record)
    if handle.defersCursors {
      let key = BootKey(mono.bootID)
      let p = handle.position
      let same = p.bootHigh == key.high && p.bootLow == key.low && p.monotonic == mono.usec && p.realtime == realtime
      handle.position = CursorPosition(
        bootHigh: key.high, bootLow: key.low, monotonic: mono.usec, realtime: realtime,
        duplicate: same ? p.duplicate + 1 : 0)
    }
    record.time = journalTime(realtime)
    record.monotonic = mono.usec <= UInt64(Int64.max) ? Int64(mono.usec) : -1
    return nil
  }

  /// Writes the summary warnings.
  func finish() {
    for (name, count) in errors.summary { warn(JournalEntryWarning.unreadable(count, name)) }
    for (name, count) in fieldErrors.summary { warn(JournalEntryWarning.fieldSkipped(count, name)) }
    if emptyEntries > 0 {
      warn("\(emptyEntries) journal entr\(emptyEntries == 1 ? "y has" : "ies have") no readable fields (corrupt data); "
        + "used with time and boot only")
    }
    if fields.truncated > 0 {
      warn("\(fields.truncated) field value(s) longer than \(fields.limit) bytes were cut")
    }
  }
}

/// A journal file as checked before reading: usable (its header and a handle on it alone) or why not.
enum FileCheck {
  case usable(JournalFileHeader, JournalHandle)
  case failed(String)
}

/// What walking one file entry by entry (headers only, no data) saw: entries per boot in first-seen order, and how
/// many entries could be reached.
struct FileWalk {
  var boots: [BootSurvey] = []
  var listed = 0
  var reached = 0
  var failed = 0

  init(handle: JournalHandle, header: JournalFileHeader) {
    listed = Int(clamping: header.entryCount)
    let cap = listed + 10_000
    var index: [BootKey: Int] = [:]
    var steps = 0
    var lastKey: BootKey?
    var last = 0
    handle.seekHead()
    while steps < cap {
      steps += 1
      let r = handle.next()
      if r == 0 { break }
      if r < 0 {
        failed += 1
        if failed >= JournalGroupReader.maxConsecutiveErrors { break }
        continue
      }
      reached += 1
      guard let m = handle.monotonic() else { continue }
      let key = BootKey(m.bootID)
      if key != lastKey {
        if let i = index[key] {
          last = i
        } else {
          last = boots.count
          index[key] = last
          boots.append(BootSurvey(id: m.bootID, fileMachineID: header.machineID))
        }
        lastKey = key
      }
      boots[last].count += 1
      if let realtime = handle.realtime() {
        if realtime < boots[last].firstRealtime { boots[last].firstRealtime = realtime }
        if realtime > boots[last].lastRealtime { boots[last].lastRealtime = realtime }
      }
    }
  }

  /// Walks the files on all cores (each handle is used by one thread only). Results in the order of `files`.
  static func run(_ files: [(JournalHandle, JournalFileHeader)]) -> [FileWalk] {
    guard files.count > 1 else { return files.map { FileWalk(handle: $0.0, header: $0.1) } }
    let box = WalkBox(files)
    DispatchQueue.concurrentPerform(iterations: files.count) { i in box.walk(i) }
    return box.collect().map { $0 ?? FileWalk(empty: ()) }
  }

  private init(empty: Void) {}
}

/// Hands the per-file handles to the worker threads and collects their walks. Each slot is written by exactly one
/// `concurrentPerform` iteration and read after all of them returned (no lock needed); the handles are not shared
/// between threads.
private final class WalkBox: @unchecked Sendable {
  let files: [(JournalHandle, JournalFileHeader)]
  private let slots: UnsafeMutablePointer<FileWalk?>

  init(_ files: [(JournalHandle, JournalFileHeader)]) {
    self.files = files
    slots = .allocate(capacity: files.count)
    slots.initialize(repeating: nil, count: files.count)
  }

  deinit {
    slots.deinitialize(count: files.count)
    slots.deallocate()
  }

  func walk(_ i: Int) { slots[i] = FileWalk(handle: files[i].0, header: files[i].1) }

  /// The walks, once every iteration has returned.
  func collect() -> [FileWalk?] { Array(UnsafeBufferPointer(start: slots, count: files.count)) }
}

/// The caller's handle, offered to worker 0 of `feedParallel` (read by that thread only while the others run).
private final class ThreadHandles: @unchecked Sendable {
  let offered: JournalHandle
  init(offered: JournalHandle) { self.offered = offered }
}

/// One range of boots read by `JournalGroupReader.feedParallel`, by whichever thread took it. Written by that thread
/// only, read after every thread has returned.
private final class RangeWork: @unchecked Sendable {
  let boots: [JournalBoot]
  /// The handle the range was read with (its thread's, shared with the other ranges that thread took).
  var handle: JournalHandle?
  var reader: JournalGroupReader
  let fork: InputRegistry
  var sink: AnalysisSink?

  init(boots: [JournalBoot], reader: JournalGroupReader, fork: InputRegistry) {
    self.boots = boots
    self.reader = reader
    self.fork = fork
  }
}
