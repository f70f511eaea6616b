internal import CSystemd
import Dispatch

#if canImport(Glibc)
  import Glibc
#endif

/// Walk mode: reading a journal group by walking its files, each entry once.
///
/// The general way (`JournalGroupReader.run`) walks every file once for its entry headers, then reads each boot
/// through a `_BOOT_ID=` match on a handle over all the files. With libsystemd 252 that costs a data-object lookup
/// per step and a comparison with every other file's position, and each entry's header is read twice.
///
/// Files that journald wrote one after the other share a sequence-number space (`seqnum_id`) with disjoint
/// `head`…`tail` ranges: within a space, the match's order is the files' order, entry after entry. So a boot whose
/// entries lie in one space can be read by seeking a handle on one file to its first entry and walking on — into
/// the next file of the space when the file ends — until an entry of another boot. A boot spread over several
/// spaces (a user journal beside the system journal) is read with one such walk per space, merged the way
/// sd-journal merges files (`walkSpaces`). The boots are taken in the order the analysis feeds them, so their
/// order need not be the files'.
///
/// Whether that holds is checked, not assumed: every boot's first and last entries must be the ones its
/// `_BOOT_ID=` match finds, the walks together must feed exactly the number of entries the file headers list
/// (entries cut off by corruption, a file still being written, fail this), a merge must meet no tie between spaces,
/// and no read may fail. Each range of boots is read into its own sink; the sinks are joined only when every range
/// passed. Otherwise nothing was reported or fed, and the caller reads the group the general way.
extension JournalGroupReader {
  /// Reads the group by walking its files (see the extension's note), the ordered boots in contiguous ranges
  /// (`rangeCount`) that `jobs` threads take in turn (`pull`), and joins the ranges into `sink`. Returns the number
  /// of ranges, or nil — `sink`, the registry and this reader's counts untouched — when the group does not qualify.
  mutating func readByWalkingFiles(
    _ files: [String], jobs: Int, rules: [Rule], into sink: inout AnalysisSink
  ) -> Int? {
    held.messages = []
    defer { held.messages = nil }
    let (usable, headers, onlineNotes, headerEntries) = checkFiles(files, window: nil, survey: false)
    guard !Self.probablyBeingWritten(headers), let walk = Self.walkOrder(usable, headers), Self.tailsReachable(walk)
    else { return nil }
    guard case .success(let handle) = JournalHandle.open(files: usable) else { return nil }
    let (ids, uniqueError) = handle.uniqueValues("_BOOT_ID")
    guard uniqueError == nil, !ids.isEmpty else { return nil }
    let cap = Int(clamping: headerEntries) + 10_000
    var boots: [JournalBoot] = []
    for id in ids {
      let boot = locate(boot: id, in: handle, counter: nil, cap: cap)
      guard BootKey(hex: id) != nil, !boot.machineID.isEmpty, boot.firstRealtime != nil, boot.lastRealtime != nil
      else { return nil }
      boots.append(boot)
    }
    handle.flushMatches()
    let ordered = Self.ordered(boots)
    guard let firstFiles = Self.firstFiles(of: ordered.compactMap { BootKey(hex: $0.id) }, in: walk) else {
      return nil
    }
    let ranges = Self.partition(Self.walkWeights(ordered), into: Self.rangeCount(boots: ordered.count, jobs: jobs))
    let walkEntries = walk.reduce(0) { $0 + Int(clamping: Swift.min($1.header.entryCount, 1 << 40)) }
    let threshold = Swift.max(1 << 16, options.maxLineLength + 64)
    let (base, readers) = rangeReaders(ranges.count)
    let rulesOff = sink.journalRulesOff
    let work = zip(ranges, readers).map { r, x in
      WalkRange(boots: Array(ordered[r]), firstFiles: Array(firstFiles[r]), reader: x.reader, fork: x.fork)
    }
    let group = usable
    Self.pull(ranges: work.count, jobs: jobs) { _, library, ranges in
      while let k = ranges.take(below: work.count) {
        let w = work[k]
        w.reader.library = library
        var s = Self.rangeSink(
          registry: w.fork, rules: rules, rulesOff: rulesOff, notes: onlineNotes, options: w.reader.options)
        w.stepped = w.reader.walk(
          w.boots, firstFiles: w.firstFiles, files: walk, group: group, threshold: threshold, into: &s)
        s.keepHitsOnly()
        w.sink = s
        // A walk that differs from the index, or a read error: the group goes the general way, the rest is moot.
        if w.stepped == nil || w.reader.errors.total > 0 { ranges.giveUp() }
      }
    }
    var sinks: [AnalysisSink] = []
    var stepped = 0
    for w in work {
      guard let s = w.sink, let n = w.stepped, w.reader.errors.total == 0 else { return nil }
      sinks.append(s)
      stepped += n
    }
    // Every entry the headers list, each reached once (a file still being written falls back).
    guard stepped == walkEntries, Self.canJoin(sinks, into: sink) else { return nil }
    let messages = held.messages ?? []
    held.messages = nil
    for m in messages { warn(m) }
    // As the general way: the host name last seen among the boots as listed (not as fed).
    if Set(boots.map(\.machineID)).count == 1, let host = boots.compactMap(\.hostName).last {
      registry.setHost(input, host)
    }
    for note in onlineNotes { sink.note(note) }
    join(sinks, readers: work.map(\.reader), forks: work.map(\.fork), base: base, into: &sink)
    finish()
    return work.count
  }

  /// What each boot weighs when walk mode cuts the boots into ranges of about equal work (only the balance depends
  /// on it, not the result; the entry counts are unknown without a walk). Its entries' sequence-number span when
  /// every boot's first and last entries are in one space: journald numbers the entries it writes one after another,
  /// so that is the boot's entry count, plus whatever other machines' or users' entries it wrote in between.
  /// Otherwise each boot's span of time, which can be far off: a boot's first minutes log more than idle days.
  static func walkWeights(_ boots: [JournalBoot]) -> [Int] {
    let spans = boots.map { b -> UInt64? in
      guard let first = b.firstSeqnum, let last = b.lastSeqnum, first.space == last.space, last.number >= first.number
      else { return nil }
      return last.number - first.number
    }
    if !spans.contains(nil) { return spans.map { Int(clamping: Swift.min($0!, 1 << 40)) + 1 } }
    return boots.map { b in
      let span = (b.lastRealtime ?? 0) &- (b.firstRealtime ?? 0)
      return Int(clamping: Swift.min(span / 1000, 1 << 40)) + 1
    }
  }

  /// How recent the last entry of a file left ONLINE must be for the file to count as being written now.
  static let liveWindow: UInt64 = 600_000_000

  /// Whether a file looks like the active file of a running journald (ONLINE, last entry less than
  /// `liveWindow` before now): entries appended while the walk runs would fail its count check and the group would
  /// be read twice (`flatline analyze` on a live `/var/log` does this). A file left ONLINE by a crash is older.
  static func probablyBeingWritten(_ headers: [JournalFileHeader]) -> Bool {
    var now = timespec()
    clock_gettime(CLOCK_REALTIME, &now)
    let t = UInt64(Swift.max(Int64(now.tv_sec), 0)) * 1_000_000
    return headers.contains { $0.state == .online && $0.tailEntryRealtime &+ liveWindow > t }
  }

  /// The boots in the order the analysis feeds them: machine by machine (machine IDs sorted), each machine's boots
  /// by `sortKey`.
  static func ordered(_ boots: [JournalBoot]) -> [JournalBoot] {
    let machines = Dictionary(grouping: boots, by: \.machineID)
    return machines.keys.sorted().flatMap { machines[$0]!.sorted { $0.sortKey < $1.sortKey } }
  }

  /// The files holding entries, grouped by sequence-number space (`seqnum_id`) and in write order within each;
  /// nil when two files of one space overlap (their entries would interleave).
  static func walkOrder(_ files: [String], _ headers: [JournalFileHeader]) -> [WalkFile]? {
    var walk = zip(files, headers).filter { $0.1.entryCount > 0 }.map { WalkFile(path: $0.0, header: $0.1) }
    for w in walk {
      guard w.header.headSeqnum > 0, w.header.headSeqnum <= w.header.tailSeqnum else { return nil }
    }
    walk.sort {
      ($0.header.seqnumID.0, $0.header.seqnumID.1, $0.header.headSeqnum)
        < ($1.header.seqnumID.0, $1.header.seqnumID.1, $1.header.headSeqnum)
    }
    for k in walk.indices.dropLast() where walk[k].header.seqnumID == walk[k + 1].header.seqnumID {
      guard walk[k].header.tailSeqnum < walk[k + 1].header.headSeqnum else { return nil }
      walk[k].successor = k + 1
    }
    return walk
  }

  /// One range of walk mode: feeds the entries of `boots` (consecutive in the analysis order) to `sink`, boot after
  /// boot: from the boot's first entry (the first file of its space holding it: a seek, unless the walk already
  /// stands there) until an entry of another boot or the end of the boot's space. Handles read one file each,
  /// their cursors resolved against the whole `group`. Returns how many entries were fed, or nil as soon as the
  /// walk differs from the index (a first or last entry that is not the one the `_BOOT_ID=` match finds, a read
  /// error); the caller also checks that the ranges fed every entry.
  mutating func walk(
    _ boots: [JournalBoot], firstFiles: [[Int]], files: [WalkFile], group: [String], threshold: Int,
    into sink: inout AnalysisSink
  ) -> Int? {
    let keys = boots.compactMap { BootKey(hex: $0.id) }
    guard keys.count == boots.count, firstFiles.count == boots.count else { return nil }
    let arena = ByteArena()
    defer { withExtendedLifetime(arena) {} }
    let machines = boots.map { b in Array(b.machineID.utf8).withBytes { arena.keep($0) } }
    let library = library
    func open(_ k: Int) -> JournalHandle? {
      guard case .success(let h) = JournalHandle.open(files: [files[k].path], library: library) else { return nil }
      h.setDataThreshold(threshold)
      h.resolverFiles = group
      h.defersCursors = true
      return h
    }
    var handle: JournalHandle?
    var fileIndex = -1
    // True while the handle stands on an entry not fed yet (the first entry of another boot).
    var onEntry = false
    var fed = 0
    var record = Record(input: input, line: 0, cursorSource: nil)
    // The monotonic time and boot of the entry the handle stands on (asked once per entry).
    var mono: (usec: UInt64, bootID: sd_id128_t)?
    for (b, boot) in boots.enumerated() {
      let key = keys[b]
      if firstFiles[b].count > 1 {
        guard
          let (n, last) = walkSpaces(
            boot, key: key, machine: machines[b], starts: firstFiles[b], files: files, open: open, record: &record,
            into: &sink),
          last == boot.lastRealtime
        else { return nil }
        fed += n
        (handle, onEntry) = (nil, false)
        continue
      }
      if !onEntry || mono.map({ BootKey($0.bootID) }) != key {
        let k = firstFiles[b][0]
        guard let h = open(k), case .success(let first?) = h.seekFirstEntry(ofBoot: key) else { return nil }
        mono = first
        if let old = handle { h.position = old.position }
        (fileIndex, handle) = (k, h)
      }
      guard var h = handle, h.realtime() == boot.firstRealtime else { return nil }
      record.cursorSource = h
      let machine = machines[b]
      var lastRealtime: UInt64 = 0
      onEntry = false
      while true {
        if read(h, monotonic: mono, into: &record) != nil { return nil }
        lastRealtime = realtimeRead
        record.machineID = machine
        sink.consume(record)
        fed += 1
        // The boot may go on in the next file of its space.
        guard let (r, n, f) = Self.step(h, file: fileIndex, files: files, open: open), r >= 0 else { return nil }
        if n !== h {
          (fileIndex, h, handle) = (f, n, n)
          record.cursorSource = n
        }
        if r == 0 { break }
        guard let m = h.monotonic() else { return nil }
        mono = m
        if BootKey(m.bootID) != key {
          onEntry = true
          break
        }
      }
      guard lastRealtime == boot.lastRealtime else { return nil }
    }
    if fed > 0 { registry.addRecords(input, fed) }
    return fed
  }

  /// Steps `handle` (reading `files[file]`) to the next entry of its sequence-number space: at the file's end, onto
  /// the first entry of the space's next file, with a new handle that carries on the cursor position. Returns the
  /// step's result (`sd_journal_next`) and the handle and file it stands in; nil when the next file cannot be
  /// opened.
  private static func step(_ handle: JournalHandle, file: Int, files: [WalkFile], open: (Int) -> JournalHandle?)
    -> (Int32, JournalHandle, Int)?
  {
    let r = handle.next()
    guard r == 0, let next = files[file].successor else { return (r, handle, file) }
    guard let n = open(next) else { return nil }
    n.position = handle.position
    return (n.next(), n, next)
  }

  /// Whether each file's last entry, as a seek to its tail finds it, is the one its header names (by realtime). A
  /// file whose entries are cut off by corruption usually fails this — the three damaged files of the Fedora
  /// corpus do — and walk mode would only find out after reading everything (its count check), then read the
  /// group again the general way. One seek per file instead.
  static func tailsReachable(_ files: [WalkFile]) -> Bool {
    for file in files where file.header.tailEntryRealtime != 0 {
      guard case .success(let h) = JournalHandle.open(files: [file.path]) else { return false }
      h.seekTail()
      guard h.previous() > 0, h.realtime() == file.header.tailEntryRealtime else { return false }
    }
    return true
  }

  /// For each boot, in walk order, the first file of each sequence-number space that holds it: most often one
  /// (the system journal's), more with user journals beside it (`JournalHandle.seekFirstEntry` in each file). Nil
  /// when a boot lies in no file or a file cannot be read.
  static func firstFiles(of keys: [BootKey], in files: [WalkFile]) -> [[Int]]? {
    var first = [[Int]](repeating: [], count: keys.count)
    for (k, file) in files.enumerated() {
      guard case .success(let h) = JournalHandle.open(files: [file.path]) else { return nil }
      let space = file.header.seqnumID
      for (b, key) in keys.enumerated() {
        guard case .success(let entry) = h.seekFirstEntry(ofBoot: key) else { return nil }
        guard entry != nil else { continue }
        // Files are grouped by space: only a space's first file holding the boot counts.
        if let f = first[b].last, files[f].header.seqnumID == space { continue }
        first[b].append(k)
      }
    }
    return first.allSatisfy { !$0.isEmpty } ? first : nil
  }

  /// A boot held in several sequence-number spaces (`starts`: each space's first file holding it), read as the
  /// match reads it: one handle per space walking its files, merged. Across spaces sd-journal orders entries of a
  /// boot by monotonic time, then realtime (then a content hash, which the API does not give); within a space by
  /// sequence number, i.e. walk order. So the merge takes the smallest (monotonic, realtime) of the spaces' current
  /// entries, and gives up (nil) on a tie between spaces or when the merged sequence would go back — then the
  /// match's order is not a plain merge (sd-journal 252 even drops such entries). Returns the entries fed and the
  /// realtime of the last, or nil (a first entry that is not `boot`'s, a read error).
  private mutating func walkSpaces(
    _ boot: JournalBoot, key: BootKey, machine: Bytes, starts: [Int], files: [WalkFile],
    open: (Int) -> JournalHandle?, record: inout Record, into sink: inout AnalysisSink
  ) -> (fed: Int, lastRealtime: UInt64)? {
    struct Space {
      var handle: JournalHandle
      var file: Int
      var mono: (usec: UInt64, bootID: sd_id128_t)
      var realtime: UInt64
      var order: (UInt64, UInt64) { (mono.usec, realtime) }
    }
    var spaces: [Space] = []
    for k in starts {
      guard let h = open(k), case .success(let m?) = h.seekFirstEntry(ofBoot: key), let t = h.realtime()
      else { return nil }
      spaces.append(Space(handle: h, file: k, mono: m, realtime: t))
    }
    var fed = 0
    var last: (UInt64, UInt64)?
    var lastRealtime: UInt64 = 0
    var position: CursorPosition?
    while !spaces.isEmpty {
      var i = 0
      for k in spaces.indices.dropFirst() {
        if spaces[k].order == spaces[i].order { return nil }
        if spaces[k].order < spaces[i].order { i = k }
      }
      if let last, spaces[i].order < last { return nil }
      if fed == 0, spaces[i].realtime != boot.firstRealtime { return nil }
      var h = spaces[i].handle
      // Duplicates (same boot, monotonic and realtime) count along the merged order.
      if let position { h.position = position }
      record.cursorSource = h
      if read(h, monotonic: spaces[i].mono, into: &record) != nil { return nil }
      position = h.position
      last = spaces[i].order
      lastRealtime = realtimeRead
      record.machineID = machine
      sink.consume(record)
      fed += 1
      guard let (r, n, f) = Self.step(h, file: spaces[i].file, files: files, open: open), r >= 0 else { return nil }
      (spaces[i].handle, spaces[i].file, h) = (n, f, n)
      guard r > 0, let m = h.monotonic(), BootKey(m.bootID) == key else {
        spaces.remove(at: i)
        continue
      }
      guard let t = h.realtime() else { return nil }
      (spaces[i].mono, spaces[i].realtime) = (m, t)
    }
    return (fed, lastRealtime)
  }
}

/// A file of walk mode: its header, and the next file of its sequence-number space (walk order index).
struct WalkFile {
  let path: String
  let header: JournalFileHeader
  var successor: Int?

  init(path: String, header: JournalFileHeader) {
    self.path = path
    self.header = header
  }
}

/// Warnings held back while `messages` is not nil (see `JournalGroupReader.warn`).
final class HeldWarnings {
  var messages: [String]?
}

/// One range of boots read by walk mode, by whichever thread took it. Written by that thread only, read after every
/// thread has returned.
private final class WalkRange: @unchecked Sendable {
  let boots: [JournalBoot]
  let firstFiles: [[Int]]
  var reader: JournalGroupReader
  let fork: InputRegistry
  var sink: AnalysisSink?
  var stepped: Int?

  init(boots: [JournalBoot], firstFiles: [[Int]], reader: JournalGroupReader, fork: InputRegistry) {
    self.boots = boots
    self.firstFiles = firstFiles
    self.reader = reader
    self.fork = fork
  }
}
