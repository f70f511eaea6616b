#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Reads one datastore native log file (plain or gzip) into records.
///
/// The file is registered with kind `.datastoreLog` and `InputInfo.component` set. Each record carries the time
/// (µs UTC), the datastore's program name as `identifier` (`postgres`, `mysqld`, `mongod`, `redis-server`), the pid
/// when the line prefix has one, the message after the prefix (the whole line for JSON formats) and the line number;
/// `host` is empty (the caller attaches the host of the folder). Lines without a time of their own (continuations,
/// stack traces, helper-tool output) are records too, with the previous record's time (`Record.noTime` before the
/// first timed line). Lines of only spaces are counted as skipped; empty lines are not records.
///
/// Times: stamps with `Z`, an offset or a known zone name are exact. Zone-less stamps (Redis, MariaDB, old MySQL)
/// are local time in `IngestOptions.timeZone`, like syslog (and, without it, at the offset the machine's syslog was
/// found written at: `zoneHint`). Unknown or ambiguous PostgreSQL zone names are read
/// the same way, with a warning. Year-less stamps (Redis ≤5, MongoDB ≤2.4) take their year like syslog: `--year`,
/// else the gzip header time or the file's modification time dates the last line, and the year advances when the
/// month rolls over.
public struct DatastoreLogSource {
  public let path: String
  public let component: String
  public let registry: InputRegistry
  public let options: IngestOptions
  /// Set for a datastore run in a container: each line is the runtime's envelope around the datastore's line,
  /// which is read as if it stood alone (`ContainerEnvelope`); line numbers are the file's.
  public let envelope: ContainerEnvelope?
  /// Without `--timezone`: the offset a syslog set of the same machine was found written at (`ZoneHint`, see
  /// `Analyzer.YearHints.zoneHint(forFileIn:)`). Zone-less stamps are read at it when the analysing machine's zone
  /// differs, with a warning.
  public var zoneHint: ZoneHint?

  /// `component`: `postgresql`, `mysql`, `mongodb` or `redis` (see `DatastoreComponent`).
  public init(
    path: String, component: String, registry: InputRegistry, options: IngestOptions, envelope: ContainerEnvelope? = nil
  ) {
    self.path = path
    self.component = component
    self.registry = registry
    self.options = options
    self.envelope = envelope
  }

  /// Streams every record of the file into `sink`.
  public func run<S: RecordSink>(into sink: inout S) {
    let input = registry.register(path: path, kind: DatastoreComponent(rawValue: component)?.inputKind ?? .datastoreLog)
    registry[input].component = component
    guard let kind = DatastoreComponent(rawValue: component) else {
      registry.warn(input, "unknown datastore '\(component)'; file not read")
      return
    }
    var zone = LocalTimeConverter.forSource(options, registry: registry, input: input)
    var zoneNote: String?
    if options.timeZone == nil, let hint = zoneHint, let (fixed, warning) = ZoneHint.override(hint, local: zone) {
      zone = fixed
      zoneNote = warning
    }
    guard let reader = LineReader(path: path, input: input, registry: registry, maxLineLength: options.maxLineLength)
    else { return }
    var state = DatastoreReadState(
      component: kind, zone: zone, options: options, path: path, input: input, envelope: envelope)
    state.zoneNote = zoneNote
    reader.forEachLine { line, lineNo, nulBefore in
      state.fileLine(line, lineNo: lineNo, nulBefore: nulBefore, gzipMTime: reader.gzipMTime, into: &sink)
    }
    state.endOfFile(lineNo: reader.lineCount, gzipMTime: reader.gzipMTime, into: &sink)
    state.finish(registry: registry)
  }
}

/// Per-file state of `DatastoreLogSource` (and of a followed datastore log in `flatline tail`): the parser, the
/// previous record's time and pid, year tracking, and the datastore line being put together from a container
/// runtime's envelope pieces.
struct DatastoreReadState {
  let component: DatastoreComponent
  /// Set when each line of the file is a container runtime's envelope around a piece of the datastore's line.
  let envelope: ContainerEnvelope?
  private var inner: [UInt8] = []
  private var joining = false
  private var innerNul = 0
  private var unwrapped = 0
  private var firstUnwrapped = 0
  let zone: LocalTimeConverter
  let options: IngestOptions
  let path: String
  private(set) var input: Int32
  var parser: DatastoreLineParser
  var parsed = DatastoreLine()
  var record: Record
  var lastTime = Record.noTime
  var lastPid: Int32 = 0
  var pendingNul = 0
  var tracker: YearTracker?
  var records = 0
  var timed = 0
  var blank = 0
  var firstBlank = 0
  var warnings: [String] = []
  var zoneWarned = false

  init(
    component: DatastoreComponent, zone: LocalTimeConverter, options: IngestOptions, path: String, input: Int32,
    envelope: ContainerEnvelope? = nil
  ) {
    self.component = component
    self.envelope = envelope
    self.zone = zone
    self.options = options
    self.path = path
    self.input = input
    parser = DatastoreLineParser(component: component)
    record = Record(input: input, identifier: component.identifierBytes)
  }

  /// One line of the file: the datastore's own line, or a piece of one in the runtime's envelope (a line the
  /// envelope marks partial waits for the rest, up to the line length limit).
  mutating func fileLine<S: RecordSink>(
    _ line: Bytes, lineNo: Int, nulBefore: Int, gzipMTime: UInt32, into sink: inout S
  ) {
    guard let envelope else {
      self.line(line, lineNo: lineNo, nulBefore: nulBefore, gzipMTime: gzipMTime, into: &sink)
      return
    }
    if !joining {
      inner.removeAll(keepingCapacity: true)
      innerNul = 0
    }
    innerNul += nulBefore
    var partial = false
    guard envelope.unwrap(line, into: &inner, partial: &partial) else {
      unwrapped += 1
      if firstUnwrapped == 0 { firstUnwrapped = lineNo }
      joining = false
      return
    }
    joining = partial && inner.count < options.maxLineLength
    if joining || inner.isEmpty { return }
    emitInner(lineNo: lineNo, gzipMTime: gzipMTime, into: &sink)
  }

  /// The end of the file: a datastore line still waiting for pieces is taken as it is.
  mutating func endOfFile<S: RecordSink>(lineNo: Int, gzipMTime: UInt32, into sink: inout S) {
    guard joining, !inner.isEmpty else { return }
    joining = false
    emitInner(lineNo: lineNo, gzipMTime: gzipMTime, into: &sink)
  }

  private mutating func emitInner<S: RecordSink>(lineNo: Int, gzipMTime: UInt32, into sink: inout S) {
    // Swapped out for the call: `line` mutates the state the text lives in.
    var text: [UInt8] = []
    swap(&text, &inner)
    text.withBytes { line($0, lineNo: lineNo, nulBefore: innerNul, gzipMTime: gzipMTime, into: &sink) }
    swap(&text, &inner)
  }

  mutating func line<S: RecordSink>(_ line: Bytes, lineNo: Int, nulBefore: Int, gzipMTime: UInt32, into sink: inout S) {
    pendingNul += nulBefore
    switch parser.parse(line, into: &parsed) {
    case .blank:
      blank += 1
      if firstBlank == 0 { firstBlank = lineNo }
      return
    case .untimed:
      record.time = lastTime
      record.pid = parsed.isContinuation ? lastPid : 0
    case .record:
      let t = time(lineNo: lineNo, gzipMTime: gzipMTime)
      if t != Record.noTime {
        lastTime = t
        timed += 1
      }
      record.time = lastTime
      record.pid = parsed.pid
      lastPid = parsed.pid
    }
    record.message = parsed.message
    record.line = lineNo
    record.nulBytesBefore = pendingNul
    pendingNul = 0
    records += 1
    sink.consume(record)
  }

  /// Why `zone` is not the analysis zone (`DatastoreLogSource.zoneHint`): a warning given with the first stamp that
  /// is read in it (a file whose stamps all carry their zone does not need it).
  var zoneNote: String?

  /// UTC time of the parsed stamp.
  private mutating func time(lineNo: Int, gzipMTime: UInt32) -> Int64 {
    let s = parsed.stamp
    // The zone note goes with the first stamp read in the zone (not with one that carries its own).
    if let note = zoneNote, s.zone != .none, s.zone != .absolute {
      warnings.append(note)
      zoneNote = nil
    }
    switch s.zone {
    case .none:
      return Record.noTime
    case .absolute:
      return s.utc
    case .unknownName:
      if !zoneWarned {
        zoneWarned = true
        warnings.append(
          "line \(lineNo): time zone name '\(s.zoneName.string)' unknown or ambiguous; such stamps are read as "
            + "local time in \(zone.zone.identifier) (set --timezone)")
      }
      return zone.utc(
        year: s.year, month: s.month, day: s.day, hour: s.hour, minute: s.minute, second: s.second, micro: s.micro)
    case .local:
      return zone.utc(
        year: s.year, month: s.month, day: s.day, hour: s.hour, minute: s.minute, second: s.second, micro: s.micro)
    case .localNoYear:
      if tracker == nil { tracker = YearTracker(baseYear: baseYear(firstMonth: s.month, gzipMTime: gzipMTime)) }
      let y = tracker!.year(forMonth: s.month)
      return zone.utc(
        year: y, month: s.month, day: s.day, hour: s.hour, minute: s.minute, second: s.second, micro: s.micro)
    }
  }

  /// Year of the first year-less line: `--year`, else from the gzip header or file time (the anchor dates the last
  /// line of the file; a first month later than the anchor's month means the year before).
  private mutating func baseYear(firstMonth: Int, gzipMTime: UInt32) -> Int {
    if let y = options.year {
      warnings.append("year-less timestamps: year \(y) from --year")
      return y
    }
    var st = stat()
    let mtime: Int64? = stat(path, &st) == 0 ? Int64(st.st_mtim.tv_sec) : nil
    let start = YearInference.FileStart(firstMonth: firstMonth, gzipMTime: gzipMTime, fileMTime: mtime)
    let (y, warning) = YearInference.baseYear(starts: [start], names: [path], converter: zone)
    let rule = gzipMTime != 0 ? "gzip header time" : (mtime != nil ? "file modification time" : "current date")
    warnings.append(warning ?? "year-less timestamps: year \(y) inferred from \(rule) (set --year if wrong)")
    return y
  }

  /// Goes on in another input of the same stream (`flatline tail`: the file's next inode), keeping the previous
  /// record's time and pid and the year.
  mutating func move(to input: Int32) {
    self.input = input
    record.input = input
  }

  /// Adds what was read since the last commit to the input's counts and warnings (`flatline tail`, after each
  /// read; `finish` does it once at the end of a file).
  mutating func commit(registry: InputRegistry) {
    commitRead(registry: registry)
    commitUnwrapped(registry: registry)
  }

  mutating func finish(registry: InputRegistry) {
    let untimed = records > 0 && timed == 0
    commitRead(registry: registry)
    if untimed { registry.warn(input, "no line with a \(component.rawValue) time stamp; records have no time") }
    commitUnwrapped(registry: registry)
  }

  private mutating func commitRead(registry: InputRegistry) {
    registry.addRecords(input, records)
    for w in warnings { registry.warn(input, w) }
    if blank > 0 {
      registry.addSkipped(input, blank)
      registry.warn(input, "\(blank) lines of only spaces skipped (first at line \(firstBlank))")
    }
    records = 0
    warnings = []
    blank = 0
    firstBlank = 0
  }

  private mutating func commitUnwrapped(registry: InputRegistry) {
    guard let envelope, unwrapped > 0 else { return }
    registry.addSkipped(input, unwrapped)
    registry.warn(
      input,
      "\(unwrapped) line\(unwrapped == 1 ? " is" : "s are") not in the \(envelope.rawValue) container log format "
        + "and were skipped (first at line \(firstUnwrapped))")
    unwrapped = 0
    firstUnwrapped = 0
  }
}
