#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Reads one rotation set of syslog text files (plain or gzip), oldest → newest, as one stream.
///
/// Every file is registered with kind `.syslog` and one shared stream number. Records carry the file's registry
/// index and line number; their byte fields point into the reader's buffer (valid during `consume` only).
public struct SyslogSource {
  public let files: [String]
  public let registry: InputRegistry
  public let options: IngestOptions
  /// Years by which file modification times in this directory are off, as another set's gzip headers show;
  /// used when this set has no gzip member of its own (see `YearInference.fileTimeShift`).
  public var siblingYearShift: Int?
  /// Seconds since the epoch of the last entry of a journal in the same folder or below it (year anchor for copied
  /// files).
  public var journalAnchor: Int64?
  /// What `journalAnchor` is the last entry of, for the warning (`journal`, `audit log`).
  public var journalAnchorSource = "journal"
  /// The files' heads as year inference reads them, when the caller has read them already (nil: read here).
  public var fileStarts: [YearInference.FileStart]?
  /// The UTC offset a journal of the same machine shows the set was written at (`ZoneHint`); used instead of the
  /// analysing machine's zone when they differ and no `--timezone` is given.
  public var zoneHint: ZoneHint?
  /// The year the set's lines state (`YearInference.statedYear`) when the caller looked already (`.some(nil)`: none);
  /// nil: looked for here.
  public var statedYear: YearInference.StatedYear??

  /// `files`: one rotation set, oldest first.
  public init(
    files: [String], registry: InputRegistry, options: IngestOptions, siblingYearShift: Int? = nil,
    journalAnchor: Int64? = nil, journalAnchorSource: String = "journal", fileStarts: [YearInference.FileStart]? = nil,
    zoneHint: ZoneHint? = nil, statedYear: YearInference.StatedYear?? = nil
  ) {
    self.statedYear = statedYear
    self.journalAnchorSource = journalAnchorSource
    self.zoneHint = zoneHint
    self.fileStarts = fileStarts
    self.journalAnchor = journalAnchor
    self.files = files
    self.registry = registry
    self.options = options
    self.siblingYearShift = siblingYearShift
  }

  /// What reading the set needs once its files are registered: stream, registry indices, zone, base year.
  struct Prepared {
    var stream: Int
    var indices: [Int32]
    var zone: LocalTimeConverter
    var baseYear: Int
  }

  /// Streams every record of the set into `sink`.
  public func run<S: RecordSink>(into sink: inout S) {
    guard let prepared = prepare() else { return }
    read(prepared, into: &sink)
  }

  /// Registers the files (one stream) and settles the time zone and base year, warning as the reading would.
  func prepare() -> Prepared? {
    guard !files.isEmpty else { return nil }
    let stream = registry.newStream()
    let indices = files.map { registry.register(path: $0, kind: .syslog, stream: stream) }

    var zone = LocalTimeConverter.forSource(options, registry: registry, input: indices[0])
    if options.timeZone == nil, let hint = zoneHint, let (fixed, warning) = ZoneHint.override(hint, local: zone) {
      zone = fixed
      registry.warn(indices[0], warning)
    }

    let baseYear: Int
    if let y = options.year {
      baseYear = y
    } else {
      let starts = fileStarts ?? files.map { YearInference.fileStart(path: $0) }
      let (y, warning) = YearInference.baseYear(
        starts: starts, names: files, converter: zone, siblingShift: siblingYearShift, journalAnchor: journalAnchor,
        anchorSource: journalAnchorSource, stated: statedYear ?? YearInference.statedYear(files: files))
      baseYear = y
      if let warning { registry.warn(indices[0], warning) }
    }
    return Prepared(stream: stream, indices: indices, zone: zone, baseYear: baseYear)
  }

  /// Reads the prepared set, file after file, as one stream.
  func read<S: RecordSink>(_ prepared: Prepared, into sink: inout S) {
    let indices = prepared.indices
    let state = StreamState(tracker: YearTracker(baseYear: prepared.baseYear), zone: prepared.zone)
    var previousRotation: Rotation? = nil
    for (k, path) in files.enumerated() {
      let input = indices[k]
      let rotation = Rotation(name: path)
      if k > 0, let prev = previousRotation, let gap = rotation.gap(after: prev) {
        sink.note(.dataGap(input: input, reason: gap))
      }
      previousRotation = rotation
      guard let reader = LineReader(
        path: path, input: input, registry: registry, maxLineLength: options.maxLineLength)
      else {
        sink.note(.dataGap(input: input, reason: "\(path) could not be read"))
        continue
      }
      let counts = state.readFile(reader, input: input, registry: registry, into: &sink)
      counts.commit(input, registry: registry)
    }
  }
}

/// What reading one file (or one chunk of it) counted.
struct FileCounts {
  var records = 0
  /// Lines without a syslog header, and the (1-based, within what was read) line number of the first.
  var skipped = 0
  var firstSkipped = 0
  /// Lines of journalctl's explanation text (`journalctl -x`), skipped too, and the line number of the first.
  var explained = 0
  var firstExplained = 0

  /// Records the counts, and the warnings about skipped lines, for the whole file.
  func commit(_ input: Int32, registry: InputRegistry) {
    registry.addRecords(input, records)
    if skipped > 0 {
      registry.addSkipped(input, skipped)
      registry.warn(input, "\(skipped) lines without a syslog header skipped (first at line \(firstSkipped))")
    }
    if explained > 0 {
      registry.addSkipped(input, explained)
      registry.warn(input, "\(explained) lines of journalctl's explanation text (`journalctl -x`: `-- Subject: …`, "
        + "`░░ …`) skipped (first at line \(firstExplained))")
    }
  }

  /// Adds the counts of the next piece of the same file, whose line numbers start after `lineBase` lines.
  mutating func add(_ next: FileCounts, lineBase: Int) {
    records += next.records
    if next.skipped > 0 {
      if skipped == 0 { firstSkipped = next.firstSkipped + lineBase }
      skipped += next.skipped
    }
    if next.explained > 0 {
      if explained == 0 { firstExplained = next.firstExplained + lineBase }
      explained += next.explained
    }
  }
}

/// Mutable per-stream state: year tracking and what a continuation line inherits.
final class StreamState {
  var tracker: YearTracker
  let zone: LocalTimeConverter
  var header = SyslogHeader()
  /// Previous record's time, host and identifier (copied: the reader's buffer moves).
  var lastTime: Int64 = Record.noTime
  var hasLast = false
  static let keep = 256
  let lastHost = UnsafeMutablePointer<UInt8>.allocate(capacity: keep)
  let lastIdent = UnsafeMutablePointer<UInt8>.allocate(capacity: keep)
  var lastHostCount = 0
  var lastIdentCount = 0
  /// True once a header line was read with this state; `usedCarryIn` when a line before it depended on what
  /// the state held before (continuation lines at the start of a chunk, see `SplitIngest`).
  private(set) var remembered = false
  private(set) var usedCarryIn = false
  /// `journalctl` text (see `JournalctlLine`): per host, the boot its `-- Boot … --` lines put it in and the boots
  /// it left; the hosts already reported as interleaving; the boot line waiting for the record after it (whose host
  /// it is about); whether this state read any boot line (a chunk that did depends on what came before).
  private(set) var bootLines: [String: HostBootLines] = [:]
  struct HostBootLines {
    var current: String?
    var left: Set<String> = []
  }
  private(set) var interleavedHosts: Set<String> = []
  private(set) var pendingBootLine: (id: String?, line: Int)?
  /// Per host, the `-- Reboot --` lines (no boot ID) read by this `readFile` call and the line of the first: given
  /// to the sink when the file has been read (`SourceNote.rebootLines`).
  private var rebootLines: [String: (count: Int, first: Int)] = [:]
  private(set) var sawBootLine = false
  /// `bootsInterleaved` notes for the sink, given when `readFile` returns.
  private var interleaveNotes: [SourceNote] = []

  init(tracker: YearTracker, zone: LocalTimeConverter) {
    self.tracker = tracker
    self.zone = zone
  }

  deinit {
    lastHost.deallocate()
    lastIdent.deallocate()
    bootLineID.deallocate()
  }

  /// The boot ID of the `-- Boot <id> --` line `checkBootLine` last found a new boot at (`Record.bootLineID`).
  private let bootLineID = UnsafeMutablePointer<UInt8>.allocate(capacity: 32)
  private var bootLineIDCount = 0

  /// Takes over the state another reader left (year tracking, what a continuation line inherits).
  func carry(from other: StreamState) {
    tracker = other.tracker
    hasLast = other.hasLast
    lastTime = other.lastTime
    lastHostCount = other.lastHostCount
    if lastHostCount > 0 { memcpy(lastHost, other.lastHost, lastHostCount) }
    lastIdentCount = other.lastIdentCount
    if lastIdentCount > 0 { memcpy(lastIdent, other.lastIdent, lastIdentCount) }
    takeBootLines(from: other)
  }

  /// Takes over the boot lines another reader of the same stream saw before this one's records (`SplitIngest`
  /// joins a chunk without boot lines after the chunk before it).
  func takeBootLines(from other: StreamState) {
    bootLines = other.bootLines
    interleavedHosts = other.interleavedHosts
    pendingBootLine = other.pendingBootLine
  }

  /// Reads the lines of `reader` into `sink`; the caller records the counts (`FileCounts.commit`).
  func readFile<S: RecordSink>(
    _ reader: LineReader, input: Int32, registry: InputRegistry, into sink: inout S
  ) -> FileCounts {
    var records = 0
    var skipped = 0
    var firstSkipped = 0
    var explained = 0
    var firstExplained = 0
    var hostSet = false
    var pendingNul = 0
    var leapWarned = false
    var zoneWarned = false
    // A continuation line keeps the previous record's pid.
    var pid: Int32 = 0
    // The last `Mmm dd hh:mm:ss ` stamp parsed (its 16 bytes) and its time: see `SyslogStamp`.
    var stamp = SyslogStamp()
    // Something to do after a header line besides the record: the file's host not set yet, or a journalctl boot
    // line waiting for its record (one check per line).
    var attention = true
    reader.forEachLine { line, lineNo, nulBefore in
      pendingNul += nulBefore
      var rest = line
      while !rest.isEmpty {
        // Built here rather than reused from outside the closure: passing a captured variable to the sink
        // copies the record (and its cursor-source existential) on every line.
        var record = Record(input: input, pid: pid)
        var piece = rest
        rest = .empty
        var parsed = false
        var t = Record.noTime
        if stamp.matches(piece) {
          // Same stamp as the last plain line: its time; only host, tag and message are new.
          SyslogParser.parseAfterStamp(piece, into: &header)
          t = stamp.time
          parsed = true
        } else if SyslogParser.parse(piece, into: &header) {
          if header.priority >= 0, let mb = header.message.base, let pb = piece.base,
            let next = SyslogParser.nextGluedRecord(piece, from: UnsafeRawPointer(mb) - UnsafeRawPointer(pb))
          {
            rest = piece.dropFirst(next)
            piece = piece.slice(0, next)
            _ = SyslogParser.parse(piece, into: &header)
          }
          t = header.time
          if header.unknownZoneLength != 0 && !zoneWarned {
            zoneWarned = true
            warnUnknownZone(header.unknownZone(in: piece), line: lineNo, input: input, registry: registry)
          }
          if t == Record.noTime && header.month != 0 {
            var y = header.year
            if y == 0 { y = tracker.year(forMonth: header.month) }
            if header.month == 2 && header.day == 29 && !CivilTime.isLeap(y) && !leapWarned {
              // Feb 29 in a year inferred as non-leap: the inferred year is probably wrong, but moving one line to
              // another year would fake a clock jump. The line keeps the inferred year and lands on Mar 1.
              leapWarned = true
              registry.warn(input, "line \(lineNo): Feb 29 in inferred year \(y), which is not a leap year; "
                + "kept in \(y) as Mar 1 (set --year if the year is wrong)")
            }
            t = zone.utc(
              year: y, month: header.month, day: header.day, hour: header.hour, minute: header.minute,
              second: header.second, micro: header.micro)
          }
          stamp.keep(piece, header, time: t)
          parsed = true
        }
        if parsed {
          record.time = t
          record.host = header.host
          record.identifier = header.identifier
          record.pid = SyslogParser.pidValue(header.pid)
          record.message = header.message
          record.kernelUptime = header.kernelUptime
          record.isKernel = header.isKernel
          remember(header, time: t)
          if attention {
            if !hostSet && !header.host.isEmpty {
              hostSet = true
              registry.setHost(input, header.host.string)
            }
            if pendingBootLine != nil, checkBootLine(host: header.host, input: input) {
              record.bootLineID = Bytes(base: bootLineID, count: bootLineIDCount)
            }
            attention = !hostSet
          }
        } else if !remembered && !usedCarryIn && StreamState.notBlank(piece) {
          // A line before this state's first header depends on what came before (see `carry(from:)`).
          usedCarryIn = true
          rest = piece
          continue
        } else if piece[0] == 60 || piece.count > 1 && piece[0] != 32 && piece[0] != 9,
          let next = SyslogParser.nextGluedRecord(piece, from: 1), hasLast
        {
          // ForwardFormat: the tail of a multi-line message, then the next `<PRI>` record on the same line.
          rest = piece.dropFirst(next)
          record.time = lastTime
          record.host = Bytes(base: lastHost, count: lastHostCount)
          record.identifier = Bytes(base: lastIdent, count: lastIdentCount)
          record.message = piece.slice(0, next)
          record.kernelUptime = -1
          record.isKernel = record.identifier.equals("kernel")
        } else if piece[0] == 32 || piece[0] == 9 {
          var allBlank = true
          for i in 0..<piece.count where piece[i] != 32 && piece[i] != 9 {
            allBlank = false
            break
          }
          if allBlank { continue }
          guard hasLast else {
            skipped += 1
            if firstSkipped == 0 { firstSkipped = lineNo }
            continue
          }
          // Continuation of the previous message.
          record.time = lastTime
          record.host = Bytes(base: lastHost, count: lastHostCount)
          record.identifier = Bytes(base: lastIdent, count: lastIdentCount)
          record.message = piece
          record.kernelUptime = -1
          record.isKernel = record.identifier.equals("kernel")
        } else if let annotation = readAnnotation(piece, line: lineNo) {
          // journalctl's own lines between entries: not records; its explanations (`-x`) are counted as skipped.
          if annotation {
            if pendingBootLine != nil { attention = true }
          } else {
            explained += 1
            if firstExplained == 0 { firstExplained = lineNo }
          }
          continue
        } else {
          skipped += 1
          if firstSkipped == 0 { firstSkipped = lineNo }
          continue
        }
        pid = record.pid
        record.line = lineNo
        record.nulBytesBefore = pendingNul
        pendingNul = 0
        records += 1
        sink.consume(record)
      }
    }
    for note in interleaveNotes { sink.note(note) }
    interleaveNotes = []
    for (host, r) in rebootLines.sorted(by: { $0.value.first < $1.value.first }) {
      sink.note(.rebootLines(input: input, line: r.first, host: host, count: r.count))
    }
    rebootLines = [:]
    return FileCounts(
      records: records, skipped: skipped, firstSkipped: firstSkipped, explained: explained,
      firstExplained: firstExplained)
  }

  /// For one of journalctl's own lines (`JournalctlLine`): true for a separator or header (a boot line waits for the
  /// next record), false for a line of explanation text; nil for any other line. Out of line, as it runs only for
  /// lines that are not syslog records.
  @inline(never)
  private func readAnnotation(_ piece: Bytes, line: Int) -> Bool? {
    guard let annotation = JournalctlLine.parse(piece) else { return nil }
    switch annotation {
    case .boot(let id):
      sawBootLine = true
      pendingBootLine = (id, line)
      return true
    case .header: return true
    case .explanation: return false
    }
  }

  /// A `-- Boot <id> --` line followed by a record of `host`. When it names a boot the host had left for another
  /// one, journalctl went back to it after the other boot's lines: the host's boots interleave in this text, and
  /// the sink is told once per host (`SourceNote.bootsInterleaved`), when the file has been read (the note marks all
  /// of the host's boots, so it need not come at this line). (Boot IDs that alternate between hosts, as in
  /// `journalctl -m` over several machines, are not that: each host stays in its boot.)
  ///
  /// True when the line names a boot the host was not in before (not one it goes back to), or is older systemd's
  /// `-- Reboot --`: the record begins that boot of the journal, and its ID is kept for `Record.bootLineID`.
  @inline(never)
  private func checkBootLine(host: Bytes, input: Int32) -> Bool {
    guard let pending = pendingBootLine else { return false }
    pendingBootLine = nil
    let name = host.string
    guard let id = pending.id else {
      // `-- Reboot --` names no boot: counted (see `SourceNote.rebootLines`), and the record begins a boot with no
      // ID (`Record.noBootLineID`).
      rebootLines[name, default: (0, pending.line)].count += 1
      bootLineID[0] = Record.noBootLineID
      bootLineIDCount = 1
      return true
    }
    let boot = (id: id, line: pending.line)
    var h = bootLines[name] ?? HostBootLines()
    guard h.current != boot.id else { return false }
    let back = h.left.contains(boot.id)
    if let c = h.current { h.left.insert(c) }
    h.current = boot.id
    bootLines[name] = h
    if !back {
      let bytes = Array(id.utf8.prefix(32))
      for (k, b) in bytes.enumerated() { bootLineID[k] = b }
      bootLineIDCount = bytes.count
      return true
    }
    guard interleavedHosts.insert(name).inserted else { return false }
    let who = name.isEmpty ? "this host" : name
    interleaveNotes.append(.bootsInterleaved(
      input: input, line: boot.line, host: name,
      reason: "journalctl output goes back to boot \(boot.id) here, after other boots' lines: \(who)'s boots "
        + "interleave in this text (as on a machine without a real-time clock), so where each ended cannot be "
        + "read from it; read the binary journal instead"))
    return false
  }

  /// Out of line: the per-line closure of `readFile` stays small.
  @inline(never)
  private func warnUnknownZone(_ name: Bytes, line: Int, input: Int32, registry: InputRegistry) {
    registry.warn(input, "line \(line): time zone '\(name.string)' is unknown or ambiguous; "
      + "its stamps are read as local time in \(zone.name) (set --timezone if they are not)")
  }

  static func notBlank(_ piece: Bytes) -> Bool {
    for i in 0..<piece.count where piece[i] != 32 && piece[i] != 9 { return true }
    return false
  }

  @inline(__always)
  private func remember(_ h: SyslogHeader, time: Int64) {
    remembered = true
    hasLast = true
    lastTime = time
    lastHostCount = min(h.host.count, StreamState.keep)
    if lastHostCount > 0 { Bytes.copy(lastHost, h.host.base!, lastHostCount) }
    lastIdentCount = min(h.identifier.count, StreamState.keep)
    if lastIdentCount > 0 { Bytes.copy(lastIdent, h.identifier.base!, lastIdentCount) }
  }
}

/// Position of a file in its rotation set, from its name: `base`, `base.N(.gz)`, `base-YYYYMMDD(.gz)`.
struct Rotation {
  /// Rotation number (bare name = 0), nil for dated or unknown names.
  var number: Int?
  var name: String
  /// The file's folder and its set's base name (`syslog` of `syslog.2.gz`).
  var directory: String
  var base: String

  init(name path: String) {
    let file = path.split(separator: "/").last.map(String.init) ?? path
    name = file
    directory = path.hasSuffix(file) ? String(path.dropLast(file.count)) : ""
    let parts = RotationName(file)
    base = parts.base
    number = parts.kind == .numbered ? parts.number : (parts.kind == .bare ? 0 : nil)
  }

  /// A gap reason when `self` does not directly follow `prev` (numbers not consecutive). A member between them
  /// that is there but empty (`base.N`, which discovery leaves out of the set) is no gap: nothing was lost there.
  func gap(after prev: Rotation) -> String? {
    guard let a = prev.number, let b = number, a > b + 1 else { return nil }
    let missing = ((b + 1)...(a - 1)).filter { k in
      var st = stat()
      return !(stat(directory + base + ".\(k)", &st) == 0 && st.st_size == 0)
    }
    guard let first = missing.first, let last = missing.last else { return nil }
    let list = first == last ? "rotation \(first) is" : "rotations \(first)–\(last) are"
    return "\(list) missing between \(prev.name) and \(name)"
  }
}

/// A log file name split into rotation-set base and position.
struct RotationName: Hashable {
  enum Kind: Int, Comparable {
    case numbered = 0, dated = 1, daily = 2, old = 3, bare = 4
    static func < (a: Kind, b: Kind) -> Bool { a.rawValue < b.rawValue }
  }
  var base: String
  var kind: Kind
  /// Rotation number or date (YYYYMMDD[HH]).
  var number: Int

  /// A file of one day named by its date (`2024-03-01.log`, `web1-2024-03-01.log`, `messages_20240301.log`,
  /// `2024-03-01`): syslog-ng `file("/var/log/hosts/$HOST/$YEAR-$MONTH-$DAY.log")` and similar. The files of one
  /// prefix and extension are one set (`base` is the name with `*` for the date), oldest first, like a rotation
  /// set: read as one stream, a boot that runs past midnight is one boot of one stream, and the day a file ends is
  /// not where its boot ended.
  private static func daily(_ n: Substring) -> (base: String, date: Int)? {
    var stem = n
    var ext = ""
    if stem.hasSuffix(".log") {
      stem = stem.dropLast(4)
      ext = ".log"
    }
    let bytes = Array(stem.utf8)
    func digits(_ r: Range<Int>) -> Int? {
      var v = 0
      for i in r {
        guard bytes[i] >= 48 && bytes[i] <= 57 else { return nil }
        v = v * 10 + Int(bytes[i] - 48)
      }
      return v
    }
    var date: (y: Int, m: Int, d: Int)?
    var start = 0
    let c = bytes.count
    if c >= 10, bytes[c - 3] == 45, bytes[c - 6] == 45, let y = digits(c - 10..<c - 6), let m = digits(c - 5..<c - 3),
      let d = digits(c - 2..<c)
    {
      date = (y, m, d)
      start = c - 10
    } else if c >= 8, let y = digits(c - 8..<c - 4), let m = digits(c - 4..<c - 2), let d = digits(c - 2..<c) {
      date = (y, m, d)
      start = c - 8
    }
    guard let dt = date, (1990...2099).contains(dt.y), (1...12).contains(dt.m), (1...31).contains(dt.d) else {
      return nil
    }
    // The date is the whole stem or follows a separator (not the tail of a longer number).
    if start > 0 {
      let sep = bytes[start - 1]
      guard sep == 45 || sep == 95 || sep == 46 else { return nil }
    }
    let prefix = String(decoding: bytes[0..<start], as: UTF8.self)
    return (prefix + "*" + ext, dt.y * 10000 + dt.m * 100 + dt.d)
  }

  init(_ file: String) {
    var n = Substring(file)
    for ext in [".gz", ".xz", ".bz2"] where n.hasSuffix(ext) { n = n.dropLast(ext.count) }
    if n.hasSuffix(".old"), n.count > 4 {
      base = String(n.dropLast(4))
      kind = .old
      number = 0
      return
    }
    if let dot = n.lastIndex(of: "."), dot != n.startIndex {
      let tail = n[n.index(after: dot)...]
      if !tail.isEmpty, tail.count <= 4, tail.allSatisfy({ $0.isASCII && $0.isNumber }), let v = Int(tail) {
        base = String(n[..<dot])
        kind = .numbered
        number = v
        return
      }
    }
    if let dash = n.lastIndex(of: "-"), dash != n.startIndex {
      let tail = n[n.index(after: dash)...]
      if tail.count == 8 || tail.count == 10, tail.allSatisfy({ $0.isASCII && $0.isNumber }), let v = Int(tail) {
        base = String(n[..<dash])
        kind = .dated
        number = v
        return
      }
    }
    if let d = Self.daily(n) {
      base = d.base
      kind = .daily
      number = d.date
      return
    }
    base = String(n)
    kind = .bare
    number = 0
  }

  /// Oldest first: higher numbers, then dates ascending, then `.old`, then the bare name.
  static func olderFirst(_ a: RotationName, _ b: RotationName) -> Bool {
    if a.kind != b.kind { return a.kind < b.kind }
    switch a.kind {
    case .numbered: return a.number > b.number
    case .dated, .daily: return a.number < b.number
    default: return false
    }
  }
}

/// The stamp of the last line that began with a plain RFC 3164 stamp, `Mmm dd hh:mm:ss ` (16 bytes: no `<PRI>`,
/// no fraction, a space after the seconds), and the UTC time it was given. Most lines of a busy log share their
/// second with the line before: such a line has the same time (the year tracker and the zone give the same
/// answer for the same month, day and time), and `SyslogParser.parse` would fill the same stamp fields, so only
/// the rest of it is parsed. Kept per file read, never across files.
struct SyslogStamp {
  private var lo: UInt64 = 0
  private var hi: UInt64 = 0
  private var valid = false
  private(set) var time: Int64 = Record.noTime

  /// True when `line` begins with the kept stamp (and has something after it).
  @inline(__always)
  func matches(_ line: Bytes) -> Bool {
    guard valid, line.count > 16, let p = line.base else { return false }
    let raw = UnsafeRawPointer(p)
    return raw.loadUnaligned(as: UInt64.self) == lo && raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self) == hi
  }

  /// Keeps the stamp of `line`, just parsed into `h` and given `time`, when it is a plain 16-byte one.
  @inline(__always)
  mutating func keep(_ line: Bytes, _ h: SyslogHeader, time: Int64) {
    guard line.count > 16, let p = line.base, h.priority < 0, h.year == 0, h.time == Record.noTime, h.micro == 0,
      h.month != 0, p[3] == 32, p[6] == 32, p[9] == 58, p[12] == 58, p[15] == 32,
      SyslogParser.monthNumber(line, 0) != nil
    else {
      valid = false
      return
    }
    let raw = UnsafeRawPointer(p)
    lo = raw.loadUnaligned(as: UInt64.self)
    hi = raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self)
    self.time = time
    valid = true
  }
}
