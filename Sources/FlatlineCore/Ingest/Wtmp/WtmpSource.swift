#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Reads one wtmp/utmp file (plain or gzip) of glibc login records and hands each record to the sink; a file of
/// `utmpdump` text is read too (`runText`).
///
/// - The layout (384/400-byte records, little/big endian) is detected from the head of the file
///   (`WtmpLayout.detect`).
/// - Each file is its own input of kind `.wtmp`, in a stream of its own or the one its rotation set shares
///   (`stream`, read oldest first). Records carry no host name; the caller
///   passes the host the file belongs to (`FolderHosts`).
/// - Records are described the way `last -x` shows them, with identifier `wtmp`: `reboot system boot <kernel>`,
///   `shutdown system down <kernel>`, `runlevel (to lvl N) <kernel>`, `<user> <tty> <remote host>` for a login,
///   `logout <tty>`, `LOGIN <tty>`, `init <tty>`, `clock changed: old time|new time`, `accounting <user>`.
///   `SignalClassifier.classifyLoginRecord` turns the first three into boot and shutdown signals.
/// - `Record.line` is the record's 1-based position: line N is record N−1 counting from 0, at byte offset
///   (N−1) × record size.
/// - `EMPTY` records are passed over; records with an impossible type or time are counted as skipped and
///   warned about once; a trailing partial record is warned about and ignored.
public struct WtmpSource {
  /// `Record.identifier` of every record this source emits.
  public static let identifier = "wtmp"

  public let path: String
  public let registry: InputRegistry
  public let options: IngestOptions
  public let host: String
  /// The stream the file's records join (the files of one rotation set share one); nil: a stream of its own.
  public let stream: Int?

  /// `host`: the host the file belongs to (records of wtmp carry none).
  public init(
    path: String, registry: InputRegistry, options: IngestOptions = IngestOptions(), host: String, stream: Int? = nil
  ) {
    self.path = path
    self.registry = registry
    self.options = options
    self.host = host
    self.stream = stream
  }

  /// How many records the head used for layout detection holds at most.
  static let detectRecords = 512

  /// Registers the file and streams its records into `sink`.
  public func run<S: RecordSink>(into sink: inout S) {
    let input = registry.register(path: path, kind: .wtmp, host: host, stream: stream)
    let head: LineReader.Head
    switch LineReader.head(path: path, limit: Self.detectRecords * 400) {
    case .failure(let e):
      registry.warn(input, "cannot read: \(e.reason)")
      return
    case .success(let h):
      head = h
    }
    if Discovery.mostOfFirstLines(Discovery.headLines(head.data, complete: head.complete), head.data, {
      UtmpDump.parse($0) != nil
    }) {
      runText(input, into: &sink)
      return
    }
    if Discovery.mostOfFirstLines(Discovery.headLines(head.data, complete: head.complete), head.data, {
      LastText.parse($0) != nil
    }) {
      runLast(input, into: &sink)
      return
    }
    guard let layout = WtmpRecordReader.layout(head: head, path: path) else {
      registry.warn(input, "no utmp/wtmp record layout fits this file (no valid record in its first bytes)")
      if !head.data.isEmpty { registry.addSkipped(input) }
      return
    }
    guard let reader = LineReader(path: path, input: input, registry: registry) else { return }
    var records = WtmpRecordReader(layout: layout, host: host)
    let remainder = reader.forEachBlock(size: layout.recordSize) { b in
      records.read(b, input: input, registry: registry, into: &sink)
    }
    records.warnCorrupt(input: input, registry: registry)
    if remainder > 0 {
      registry.warn(
        input,
        "trailing partial record of \(remainder) bytes at byte offset \(records.index * layout.recordSize) ignored "
          + "(the file size is not a multiple of \(layout.recordSize))")
    }
  }

  /// Reads `utmpdump` text (`UtmpDump`): each line made back into its record, then read as binary wtmp is. Line N
  /// is `Record.line` N; lines that are not records are counted as skipped and warned about once.
  func runText<S: RecordSink>(_ input: Int32, into sink: inout S) {
    guard let reader = LineReader(path: path, input: input, registry: registry, maxLineLength: options.maxLineLength)
    else { return }
    var bad = 0
    var firstBad = 0
    var record: [UInt8] = []
    var message: [UInt8] = []
    let hostBytes = Array(host.utf8)
    reader.forEachLine { line, lineNo, _ in
      var l = line
      if l.count > 0, l[l.count - 1] == 13 { l = l.slice(0, l.count - 1) }
      guard let f = UtmpDump.parse(l) else {
        bad += 1
        if firstBad == 0 { firstBad = lineNo }
        return
      }
      if f.type == UtmpType.empty { return }
      UtmpDump.record(f, into: &record)
      record.withBytes { b in
        message.removeAll(keepingCapacity: true)
        let kind = Self.describe(b, layout: UtmpDump.layout, into: &message)
        let pid: Int32 = kind.isProcess ? f.pid : 0
        Self.hand(message, time: f.time, line: lineNo, pid: pid, input: input, host: hostBytes, into: &sink)
      }
      registry.addRecords(input)
    }
    if bad > 0 {
      registry.addSkipped(input, bad)
      registry.warn(
        input, "\(bad) line\(bad == 1 ? " is" : "s are") not utmpdump records and were skipped (first at line \(firstBad))")
    }
  }

  /// Reads `last -x` output (`LastText`): lines are newest first, so they are collected (the file is small), dated,
  /// and handed on oldest first. Line N is `Record.line` N.
  func runLast<S: RecordSink>(_ input: Int32, into sink: inout S) {
    guard let reader = LineReader(path: path, input: input, registry: registry, maxLineLength: options.maxLineLength)
    else { return }
    var lines: [(LastText.Line, Int)] = []
    var trailerYear: Int?
    var bad = 0
    var firstBad = 0
    reader.forEachLine { line, lineNo, _ in
      if let l = LastText.parse(line) {
        lines.append((l, lineNo))
      } else if let y = LastText.trailerYear(line) {
        trailerYear = y
      } else {
        bad += 1
        if firstBad == 0 { firstBad = lineNo }
      }
    }
    if bad > 0 {
      registry.addSkipped(input, bad)
      registry.warn(
        input, "\(bad) line\(bad == 1 ? " is" : "s are") not `last` output and were skipped (first at line \(firstBad))")
    }
    guard !lines.isEmpty else { return }
    let zone = LocalTimeConverter.forSource(options, registry: registry, input: input)
    // Years: `-F` lines carry theirs; otherwise counted from the oldest line (the trailer's year, or --year) or back
    // from the newest (the file's time).
    var years = [Int](repeating: 0, count: lines.count)
    if let y = options.year ?? trailerYear {
      var year = y
      var prev = 0
      for k in stride(from: lines.count - 1, through: 0, by: -1) {
        if let own = lines[k].0.year { year = own } else if lines[k].0.month < prev { year += 1 }
        years[k] = year
        prev = lines[k].0.month
      }
    } else {
      var st = stat()
      let mtime = stat(path, &st) == 0 ? Int64(st.st_mtim.tv_sec) : Int64(time(nil))
      var year = CivilTime.civilFromDays(Int(mtime / 86400)).year
      if lines.allSatisfy({ $0.0.year == nil }) {
        registry.warn(input, "year-less `last` output: year \(year) inferred from file modification time (set --year if wrong)")
      }
      var prev = 13
      for k in 0..<lines.count {
        if let own = lines[k].0.year { year = own } else if lines[k].0.month > prev { year -= 1 }
        years[k] = year
        prev = lines[k].0.month
      }
    }
    if lines.contains(where: { $0.0.year == nil }) { registry[input].timesInMinutes = true }
    let hostBytes = Array(host.utf8)
    for k in stride(from: lines.count - 1, through: 0, by: -1) {
      let (l, lineNo) = lines[k]
      let t = zone.utc(year: years[k], month: l.month, day: l.day, hour: l.hour, minute: l.minute, second: l.second, micro: 0)
      Self.hand(Array(LastText.message(l).utf8), time: t, line: lineNo, pid: 0, input: input, host: hostBytes, into: &sink)
      registry.addRecords(input)
    }
  }

  /// Hands one login record on: identifier `wtmp`, the host the file belongs to. Shared by the binary, utmpdump
  /// and `last` readers here and by `WtmpDBSource`.
  static func hand<S: RecordSink>(
    _ message: [UInt8], time: Int64, line: Int, pid: Int32, input: Int32, host: [UInt8], into sink: inout S
  ) {
    let ident: StaticString = "wtmp"
    message.withBytes { msg in
      host.withBytes { h in
        sink.consume(
          Record(
            time: time, input: input, line: line, host: h,
            identifier: Bytes(base: ident.utf8Start, count: ident.utf8CodeUnitCount), pid: pid, message: msg))
      }
    }
  }

  /// What a record is, after `last`'s normalisation.
  public enum Kind: Equatable, Sendable {
    case boot, shutdown, runLevel, login, logout, loginPrompt, initProcess, clockChange, accounting

    var isProcess: Bool {
      switch self {
      case .login, .logout, .loginPrompt, .initProcess, .accounting: return true
      default: return false
      }
    }
  }

  /// Classifies a valid record and appends its `last -x`-style text to `out`. Like util-linux `last`, a record
  /// whose `ut_line` starts with `~` is a boot, shutdown or runlevel record by its `ut_user` whatever its type;
  /// a `RUN_LVL` record of user `shutdown` is a shutdown (systemd writes shutdown as `RUN_LVL`).
  public static func describe(_ b: Bytes, layout: WtmpLayout, into out: inout [UInt8]) -> Kind {
    let line = WtmpLayout.line(b)
    let user = WtmpLayout.user(b)
    let host = WtmpLayout.host(b)
    var type = layout.type(b)
    if line.count > 0, line[0] == UInt8(ascii: "~") {
      if user.equals("shutdown") {
        type = -1
      } else if user.equals("reboot") {
        type = UtmpType.bootTime
      } else if user.equals("runlevel") {
        type = UtmpType.runLevel
      }
    }
    if type == UtmpType.runLevel && user.equals("shutdown") { type = -1 }
    func put(_ s: StaticString) { out.append(contentsOf: UnsafeBufferPointer(start: s.utf8Start, count: s.utf8CodeUnitCount)) }
    func put(_ x: Bytes) { if x.count > 0 { out.append(contentsOf: x.buffer) } }
    func space(_ x: Bytes) {
      if x.count > 0 {
        out.append(32)
        put(x)
      }
    }
    switch type {
    case -1:
      put("shutdown system down")
      space(host)
      return .shutdown
    case UtmpType.bootTime:
      put("reboot system boot")
      space(host)
      return .boot
    case UtmpType.runLevel:
      let level = Int(layout.pid(b) & 255)
      put("runlevel (to lvl ")
      if level >= 33 && level < 127 { out.append(UInt8(level)) } else { out.append(contentsOf: Array(String(level).utf8)) }
      put(")")
      space(host)
      return .runLevel
    case UtmpType.newTime:
      put("clock changed: new time")
      return .clockChange
    case UtmpType.oldTime:
      put("clock changed: old time")
      return .clockChange
    case UtmpType.initProcess:
      put("init")
      space(line)
      return .initProcess
    case UtmpType.loginProcess:
      put("LOGIN")
      space(line)
      return .loginPrompt
    case UtmpType.userProcess:
      put(user.count > 0 ? user : line)
      if user.count > 0 { space(line) }
      space(host)
      return .login
    case UtmpType.deadProcess:
      put("logout")
      space(line)
      space(user)
      return .logout
    default:
      put("accounting")
      space(user)
      return .accounting
    }
  }
}

/// Turns binary login records of one layout into records, one at a time: `WtmpSource` reads a whole file with it,
/// `flatline tail` the records a followed wtmp gains (`FileFollower`).
struct WtmpRecordReader {
  let layout: WtmpLayout
  /// The host the records belong to (they name none).
  let hostName: String
  private let host: [UInt8]
  /// The position of the next record in its input, counting from 0 (`Record.line` is this plus one); `EMPTY` and
  /// corrupt ones count too. A follower sets it when it moves to another input or reads on from an offset.
  var index = 0
  /// Corrupt records of the current input not yet warned about, and the first one's index.
  private var corrupt = 0
  private var firstCorrupt = -1
  private var message: [UInt8] = []

  init(layout: WtmpLayout, host: String) {
    self.layout = layout
    hostName = host
    self.host = Array(host.utf8)
    message.reserveCapacity(512)
  }

  /// The record layout of the binary wtmp at `path`, from its head as `WtmpSource.run` finds it; nil when it is
  /// text (`utmpdump`, `last`) or no layout fits.
  static func layout(of path: String) -> WtmpLayout? {
    guard case .success(let head) = LineReader.head(path: path, limit: WtmpSource.detectRecords * 400) else {
      return nil
    }
    let lines = Discovery.headLines(head.data, complete: head.complete)
    if Discovery.mostOfFirstLines(lines, head.data, { UtmpDump.parse($0) != nil || LastText.parse($0) != nil }) {
      return nil
    }
    return layout(head: head, path: path)
  }

  /// The layout under which the binary records of `head` (the head of the file at `path`) read best.
  static func layout(head: LineReader.Head, path: String) -> WtmpLayout? {
    var total: Int?
    if head.complete {
      total = head.data.count
    } else if !head.isGzip {
      var st = stat()
      if stat(path, &st) == 0 { total = Int(st.st_size) }
    }
    return head.data.withBytes { WtmpLayout.detect($0, totalSize: total) }
  }

  /// Reads record `b` (the next one of `input`). `EMPTY` records are passed over; corrupt ones (impossible type or
  /// time) are counted as skipped.
  mutating func read<S: RecordSink>(_ b: Bytes, input: Int32, registry: InputRegistry, into sink: inout S) {
    defer { index += 1 }
    switch layout.check(b) {
    case .empty:
      return
    case .corrupt:
      corrupt += 1
      if firstCorrupt < 0 { firstCorrupt = index }
      registry.addSkipped(input)
      return
    case .valid, .unstamped:
      break
    }
    message.removeAll(keepingCapacity: true)
    let kind = WtmpSource.describe(b, layout: layout, into: &message)
    let time = layout.seconds(b) * 1_000_000 + layout.microseconds(b)
    let pid: Int32 = kind.isProcess ? layout.pid(b) : 0
    WtmpSource.hand(message, time: time, line: index + 1, pid: pid, input: input, host: host, into: &sink)
    registry.addRecords(input)
  }

  /// Warns about the corrupt records counted since the last warning (once per file in batch reading).
  mutating func warnCorrupt(input: Int32, registry: InputRegistry) {
    guard corrupt > 0 else { return }
    registry.warn(
      input,
      "\(corrupt) corrupt record\(corrupt == 1 ? "" : "s") skipped (type out of range or impossible time), "
        + "the first is record \(firstCorrupt) counting from 0")
    corrupt = 0
    firstCorrupt = -1
  }
}
