#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
import Dispatch
import Foundation

/// `--jobs N`: reads a syslog rotation set with a big plain file as chunks on N threads, with a result identical
/// to the one-thread run.
///
/// The set is cut into *units*: a whole file, or a chunk of a plain file larger than `IngestOptions.splitThreshold`
/// that begins at a safe line. All units are read at once, each into its own `AnalysisSink` with line numbers
/// from 1 and a registry fork; then they are joined in order on the calling thread:
/// - **Where to cut.** At a line start whose line and the line before it both parse as syslog headers, carry no
///   NUL bytes, whose host is not empty, whose timestamps differ, and with no kernel banner within
///   `bannerMargin` bytes (less for small chunks); searched forward from the nominal cut for at most `maxScan` bytes, else no cut there.
/// - **Year and continuation lines.** A unit starts with the year tracker that samples of the months along the
///   stream give, and with no previous record. When joined, the state the previous unit really ended with is
///   compared with what the unit assumed (the tracker; the previous record, if a line before the unit's first
///   header needed it): on a difference the unit is read again on the calling thread with the right state.
/// - **Line numbers and counts.** Each unit's lines are shifted by the lines of the file's units before it;
///   record and skip counts add up; warnings given once per file (cut lines, Feb 29) are kept once; the skipped
///   lines warning is written once per file with the first skipped line of the whole file.
/// - **Boots.** Per host, a unit's sequencer continues the previous units' one (`BootSequencer.continueWith`):
///   held records are applied, the unit's first boot (begun before the cut) joins the last one, stream ordinals
///   shift, start-of-boot evidence is judged with the true record counts. Hosts first seen in a unit are new.
///   Where the join cannot be exact — a kernel banner phase open across the cut, records held with the same
///   second on both sides and a banner among them, more start candidates than kept — the whole set is read again
///   on one thread (`fallbacks`), so the result never depends on where the cuts fell.
/// - **Rule hits and instance ids** are appended in unit order.
enum SplitIngest {
  /// How far past a nominal cut a safe line is looked for.
  static let maxScan = 8 << 20
  /// No cut this close (bytes) to a kernel banner line: a sixteenth of the chunk size, at most this.
  static let bannerMargin = 512 << 10

  /// How a set was read.
  enum Outcome: Equatable {
    /// On one thread (nothing to split).
    case whole
    /// As `units` units, `rereads` of them read again on the calling thread with the state the previous unit
    /// ended with.
    case split(units: Int, rereads: Int)
    /// Split, but the units could not be joined exactly: read again on one thread.
    case fallback
  }

  /// True when `files` has a plain file big enough to split and there are jobs to share it.
  static func wants(_ files: [String], jobs: Int, options: IngestOptions) -> Bool {
    guard jobs > 1 else { return false }
    return files.contains { plainSize($0).map { $0 > options.splitThreshold } ?? false }
  }

  /// Size of a readable plain (not gzip) regular file, else nil.
  static func plainSize(_ path: String) -> Int? {
    guard let shape = FileShape(path: path), shape.gzipSize == nil else { return nil }
    return shape.size
  }

  /// A readable regular file's size and, when compressed, the uncompressed size: gzip's trailer states it (ISIZE: modulo 4 GiB,
  /// and the last member's only for a multi-member file — an estimate).
  struct FileShape {
    var size: Int
    var gzipSize: Int?

    init?(path: String) {
      let fd = open(path, O_RDONLY | O_CLOEXEC)
      guard fd >= 0 else { return nil }
      defer { close(fd) }
      var st = stat()
      guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { return nil }
      size = Int(st.st_size)
      var magic = [UInt8](repeating: 0, count: 6)
      let n = magic.withUnsafeMutableBytes { pread(fd, $0.baseAddress, 6, 0) }
      switch LineReader.codec(magic.prefix(max(0, n))) {
      case .plain: return
      case .gzip: break
      case .xz, .bzip2:
        // No stated size: about what gzip would give (rotated syslog compresses ~10:1).
        gzipSize = size * 10
        return
      }
      var trailer: [UInt8] = [0, 0, 0, 0]
      let t = size >= 18 ? trailer.withUnsafeMutableBytes { pread(fd, $0.baseAddress, 4, off_t(size - 4)) } : 0
      gzipSize = t == 4 ? trailer.reversed().reduce(0) { $0 << 8 | Int($1) } : 0
    }
  }

  /// One piece of the set read by one job.
  struct Unit {
    var file: Int
    var input: Int32
    var path: String
    /// Byte range of a chunk; nil: the whole file.
    var range: Range<Int>?
    var firstOfFile: Bool
    var lastOfFile: Bool
    /// Notes the one-thread run gives before the unit's first line (a rotation gap).
    var notes: [SourceNote]
    /// The year tracker the unit starts with (from samples; checked when joined).
    var tracker: YearTracker
  }

  /// What reading a unit gave.
  final class Result: @unchecked Sendable {
    var sink: AnalysisSink
    var fork: InputRegistry
    var counts = FileCounts()
    var lines = 0
    var state: StreamState
    var tracker: YearTracker
    var readable = true
    init(sink: AnalysisSink, fork: InputRegistry, state: StreamState, tracker: YearTracker) {
      self.sink = sink
      self.fork = fork
      self.state = state
      self.tracker = tracker
    }
  }

  /// Where a job puts a unit's result (one box per unit, made before the jobs start: no shared array is written).
  final class Slot: @unchecked Sendable {
    var result: Result?
  }

  /// Reads `files` (one rotation set) into `tap` as `Analyzer.ingest` would, splitting its big plain files.
  @discardableResult
  static func run(
    files: [String], jobs: Int, registry: InputRegistry, rules: [Rule], options: IngestOptions,
    yearHints: Analyzer.YearHints, into tap: inout AnalysisSink
  ) -> Outcome {
    let dir = Analyzer.directory(files[0])
    let source = SyslogSource(
      files: files, registry: registry, options: options, siblingYearShift: yearHints.fileTimeShift[dir],
      journalAnchor: yearHints.journalEnd(for: dir), journalAnchorSource: yearHints.journalEndSource(for: dir),
      fileStarts: yearHints.fileStarts[files[0]],
      zoneHint: yearHints.zoneHints[files[0]], statedYear: yearHints.statedYears[files[0]])
    guard let prepared = source.prepare() else { return .whole }
    guard let units = plan(files: files, prepared: prepared, jobs: jobs, options: options), units.count > 1 else {
      source.read(prepared, into: &tap)
      return .whole
    }
    let base = registry.fork()
    base.warningHandler = nil
    let zone = prepared.zone.zone

    let slots = units.map { _ in Slot() }
    let queue = ParallelIngest.Queue()
    DispatchQueue.concurrentPerform(iterations: min(jobs, units.count)) { _ in
      while true {
        let i = queue.take()
        guard i < units.count else { return }
        let r = read(units[i], base: base, zone: zone, tracker: units[i].tracker, carry: nil, rules: rules,
          options: options)
        slots[i].result = r
      }
    }
    var rereads = 0
    if let joined = join(
      units, slots.map(\.result), base: base, zone: zone, rules: rules, options: options, rereads: &rereads)
    {
      // Copy the set's inputs back, telling the warnings the main registry has not seen.
      for i in prepared.indices { registry.takeBack(joined.registry[i], at: i) }
      tap.absorb(joined.sink)
      return .split(units: units.count, rereads: rereads)
    }
    source.read(prepared, into: &tap)
    return .fallback
  }

  /// Reads one unit with the given starting state.
  static func read(
    _ u: Unit, base: InputRegistry, zone: TimeZone, tracker: YearTracker, carry: StreamState?, rules: [Rule],
    options: IngestOptions
  ) -> Result {
    let fork = base.fork()
    fork.warningHandler = nil
    var sink = AnalysisSink(registry: fork, rules: rules, learnsInstances: options.learnsInstances)
    sink.readChunk()
    let state = StreamState(tracker: tracker, zone: LocalTimeConverter(zone: zone))
    if let carry { state.carry(from: carry) }
    let result = Result(sink: sink, fork: fork, state: state, tracker: tracker)
    guard let reader = LineReader(
      path: u.path, input: u.input, registry: fork, maxLineLength: options.maxLineLength, range: u.range)
    else {
      result.readable = false
      return result
    }
    result.counts = state.readFile(reader, input: u.input, registry: fork, into: &sink)
    result.lines = reader.lineCount
    sink.keepHitsOnly()
    result.sink = sink
    return result
  }

  /// Joins the units' results in order into a new sink and registry (a fork of `base`); nil when a file could
  /// not be read (the caller reads the set on one thread, for the one-thread run's messages about it).
  ///
  /// A unit whose assumed start state was wrong, or whose sink cannot be joined exactly, is read again on the
  /// calling thread straight into the joined sink, with the state the previous unit ended with: exactly what the
  /// one-thread run does at that point (the joined sink holds the live state of the stream so far).
  static func join(
    _ units: [Unit], _ results: [Result?], base: InputRegistry, zone: TimeZone, rules: [Rule], options: IngestOptions,
    rereads: inout Int
  ) -> (sink: AnalysisSink, registry: InputRegistry)? {
    let merged = base.fork()
    merged.warningHandler = nil
    // Full rules: a unit read again is matched here.
    var sink = AnalysisSink(registry: merged, rules: rules, learnsInstances: options.learnsInstances)
    var previous: StreamState?
    var lineBase = 0
    var counts = FileCounts()
    var cutWarned = false
    var leapWarned = false
    for (j, u) in units.enumerated() {
      if u.firstOfFile {
        lineBase = 0
        counts = FileCounts()
        cutWarned = false
        leapWarned = false
        for n in u.notes { sink.note(n) }
      }
      var r: Result
      // journalctl boot lines (`JournalctlLine`) are checked against the ones before: a unit that read one, or
      // that starts right after one, is read again with the state the previous unit ended with.
      if let done = results[j], done.readable,
        previous.map({
          done.tracker == $0.tracker && !done.state.usedCarryIn && !done.state.sawBootLine
            && $0.pendingBootLine == nil
        }) ?? true
      {
        done.sink.shiftLines(input: u.input, by: lineBase)
        if sink.appendChunk(done.sink, first: j == 0) {
          if let previous { done.state.takeBootLines(from: previous) }
          r = done
        } else {
          done.sink.shiftLines(input: u.input, by: -lineBase)
          rereads += 1
          guard let again = readInto(&sink, u, lineBase: lineBase, after: previous, base: base, zone: zone,
            options: options) else { return nil }
          r = again
        }
      } else {
        rereads += 1
        guard let again = readInto(&sink, u, lineBase: lineBase, after: previous, base: base, zone: zone,
          options: options) else { return nil }
        r = again
      }
      let got = r.fork[u.input]
      let had = base[u.input]
      merged.addSkipped(u.input, got.skipped - had.skipped)
      if let h = got.host { merged.setHost(u.input, h) }
      for w in got.warnings.dropFirst(had.warnings.count) {
        if w.contains("-byte line cut to") {
          if cutWarned { continue }
          cutWarned = true
        }
        if w.contains("which is not a leap year") {
          if leapWarned { continue }
          leapWarned = true
        }
        merged.warn(u.input, shiftLineNumber(w, by: lineBase))
      }
      counts.add(r.counts, lineBase: lineBase)
      lineBase += r.lines
      if u.lastOfFile { counts.commit(u.input, registry: merged) }
      previous = r.state
    }
    return (sink, merged)
  }

  /// Reads unit `u` on this thread straight into `sink` (lines shifted by `lineBase`), continuing from the
  /// state `previous` ended with. Counts and warnings go to a fork of `base`, as for a unit read on a job.
  static func readInto(
    _ sink: inout AnalysisSink, _ u: Unit, lineBase: Int, after previous: StreamState?, base: InputRegistry,
    zone: TimeZone, options: IngestOptions
  ) -> Result? {
    let fork = base.fork()
    fork.warningHandler = nil
    let state = StreamState(tracker: previous?.tracker ?? u.tracker, zone: LocalTimeConverter(zone: zone))
    if let previous { state.carry(from: previous) }
    guard let reader = LineReader(
      path: u.path, input: u.input, registry: fork, maxLineLength: options.maxLineLength, range: u.range)
    else { return nil }
    var shifted = LineShiftSink(inner: sink, shift: lineBase)
    let result = Result(sink: sink, fork: fork, state: state, tracker: state.tracker)
    result.counts = state.readFile(reader, input: u.input, registry: fork, into: &shifted)
    result.lines = reader.lineCount
    sink = shifted.inner
    return result
  }


  /// `line N: …` → `line N+delta: …`.
  static func shiftLineNumber(_ w: String, by delta: Int) -> String {
    guard delta != 0, w.hasPrefix("line "), let colon = w.firstIndex(of: ":"),
      let n = Int(w[w.index(w.startIndex, offsetBy: 5)..<colon])
    else { return w }
    return "line \(n + delta)" + w[colon...]
  }

  // MARK: Planning

  /// The units of the set, each with the year tracker samples give for its start; nil when the set cannot be
  /// split (a file that cannot be opened: the one-thread run's messages for it are kept exactly).
  static func plan(files: [String], prepared: SyslogSource.Prepared, jobs: Int, options: IngestOptions) -> [Unit]? {
    var units: [Unit] = []
    var tracker = YearTracker(baseYear: prepared.baseYear)
    var previousRotation: Rotation?
    var h = SyslogHeader()
    for (k, path) in files.enumerated() {
      let fd = open(path, O_RDONLY | O_CLOEXEC)
      guard fd >= 0 else { return nil }
      defer { close(fd) }
      let rotation = Rotation(name: path)
      var notes: [SourceNote] = []
      if k > 0, let prev = previousRotation, let gap = rotation.gap(after: prev) {
        notes.append(.dataGap(input: prepared.indices[k], reason: gap))
      }
      previousRotation = rotation
      let input = prepared.indices[k]
      guard let size = plainSize(path) else {
        // gzip (or not a regular file): read whole; its head month feeds the tracker.
        units.append(Unit(file: k, input: input, path: path, range: nil, firstOfFile: true, lastOfFile: true,
          notes: notes, tracker: tracker))
        if let m = YearInference.fileStart(path: path).firstMonth { _ = tracker.year(forMonth: m) }
        continue
      }
      var cuts: [Cut] = []
      if size > options.splitThreshold {
        // A multiple of the jobs, several per job: the threads finish together even when one is slowed down.
        let chunk = options.splitChunkBytes > 0 ? options.splitChunkBytes : max(1, size / (4 * jobs))
        var pieces = min(max(2, (size + chunk - 1) / chunk), 4096)
        if options.splitChunkBytes == 0 { pieces = (pieces + jobs - 1) / jobs * jobs }
        var last = 0
        for p in 1..<pieces {
          let nominal = max(size / pieces * p, last + 1)
          let margin = min(bannerMargin, chunk / 16)
          guard nominal < size, let c = findCut(fd: fd, from: nominal, size: size, margin: margin, header: &h)
          else { continue }
          if c.offset > last && c.offset < size {
            cuts.append(c)
            last = c.offset
          }
        }
      }
      // Month samples along the file, and at each cut the month of the line before it.
      let stride = max(64 << 10, size / 128)
      var samples: [(offset: Int, month: Int?, cut: Bool)] = []
      var o = 0
      while o < size {
        samples.append((o, sampleMonth(fd: fd, at: o, header: &h), false))
        o += stride
      }
      for c in cuts { samples.append((c.offset, c.previousMonth, true)) }
      samples.sort { $0.offset != $1.offset ? $0.offset < $1.offset : !$0.cut && $1.cut }
      var starts: [(Int, YearTracker)] = [(0, tracker)]
      for s in samples {
        if let m = s.month { _ = tracker.year(forMonth: m) }
        if s.cut { starts.append((s.offset, tracker)) }
      }
      for (n, (from, t)) in starts.enumerated() {
        let to = n + 1 < starts.count ? starts[n + 1].0 : Int.max
        units.append(Unit(
          file: k, input: input, path: path, range: cuts.isEmpty ? nil : from..<to, firstOfFile: n == 0,
          lastOfFile: n == starts.count - 1, notes: n == 0 ? notes : [], tracker: t))
      }
    }
    return units
  }

  struct Cut {
    var offset: Int
    /// Month of the line before the cut when it is dateless.
    var previousMonth: Int?
  }

  /// The first safe line start at or after `from` (see the type's description), or nil within `maxScan`.
  static func findCut(fd: Int32, from: Int, size: Int, margin: Int, header h: inout SyslogHeader) -> Cut? {
    let window = 256 << 10
    let buf = UnsafeMutablePointer<UInt8>.allocate(capacity: window)
    defer { buf.deallocate() }
    var pos = from
    let limit = min(size, from + maxScan)
    scan: while pos < limit {
      let n = pread(fd, buf, min(window, size - pos), off_t(pos))
      guard n > 0 else { return nil }
      // Whole lines after the first line start in the window: pairs (previous, current).
      guard let nl0 = memchr(buf, 10, n) else { return nil }
      let first = nl0.assumingMemoryBound(to: UInt8.self) - buf + 1
      var s = first
      var prevOK = false
      var prevStamp: [Int64] = []
      var prevMonth: Int?
      while s < n, let e0 = memchr(buf + s, 10, n - s) {
        let e = e0.assumingMemoryBound(to: UInt8.self) - buf
        var line = Bytes(base: UnsafePointer(buf + s), count: e - s)
        if line.count > 0 && line[line.count - 1] == 13 { line = line.slice(0, line.count - 1) }
        let clean = line.count > 0 && memchr(buf + s, 0, e - s) == nil
        let ok = clean && SyslogParser.parse(line, into: &h)
        let stamp: [Int64] =
          ok
          ? [h.time, Int64(h.year), Int64(h.month), Int64(h.day), Int64(h.hour), Int64(h.minute), Int64(h.second),
            Int64(h.micro)] : []
        if ok && prevOK && !h.host.isEmpty && stamp != prevStamp {
          let offset = pos + s
          if !bannerNear(fd: fd, offset: offset, size: size, margin: margin) { return Cut(offset: offset, previousMonth: prevMonth) }
          // Go on past the banner's surroundings.
          pos = offset + margin
          continue scan
        }
        prevOK = ok
        prevStamp = stamp
        prevMonth = ok && h.isDateless && h.month != 0 ? h.month : nil
        s = e + 1
      }
      if pos + n >= size { return nil }  // end of file
      // Next window from the last line start reached (its first line is skipped as possibly partial).
      pos += s > first ? s - 1 : n
    }
    return nil
  }

  /// True when a kernel banner (`Linux version `) lies within `margin` bytes of `offset`.
  static func bannerNear(fd: Int32, offset: Int, size: Int, margin: Int) -> Bool {
    guard margin > 0 else { return false }
    let lo = max(0, offset - margin)
    let hi = min(size, offset + margin)
    let buf = UnsafeMutablePointer<UInt8>.allocate(capacity: hi - lo)
    defer { buf.deallocate() }
    let n = pread(fd, buf, hi - lo, off_t(lo))
    guard n > 0 else { return false }
    return Bytes(base: UnsafePointer(buf), count: n).find("Linux version ") != nil
  }

  /// Month of the first dateless syslog line that starts after `offset` (at it when 0), within 16 KiB.
  static func sampleMonth(fd: Int32, at offset: Int, header h: inout SyslogHeader) -> Int? {
    let window = 16 << 10
    let buf = UnsafeMutablePointer<UInt8>.allocate(capacity: window)
    defer { buf.deallocate() }
    let n = pread(fd, buf, window, off_t(offset))
    guard n > 0 else { return nil }
    var s = 0
    if offset > 0 {
      guard let nl = memchr(buf, 10, n) else { return nil }
      s = nl.assumingMemoryBound(to: UInt8.self) - buf + 1
    }
    while s < n {
      guard let e0 = memchr(buf + s, 10, n - s) else { return nil }
      let e = e0.assumingMemoryBound(to: UInt8.self) - buf
      let line = Bytes(base: UnsafePointer(buf + s), count: e - s)
      if SyslogParser.parse(line, into: &h), h.isDateless, h.month != 0 { return h.month }
      s = e + 1
    }
    return nil
  }
}
