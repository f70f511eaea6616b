
#if canImport(Glibc)
  import Glibc
#endif

/// Holds the one `AnalysisSink` of a tail run, so that followers feed it in place (no copy-on-write of the
/// engine's arrays).
public final class SinkBox: RecordSink {
  public var sink: AnalysisSink
  public init(_ sink: AnalysisSink) { self.sink = sink }
  public func consume(_ record: Record) { sink.consume(record) }
  public func note(_ note: SourceNote) { sink.note(note) }
}

/// Follows one log by name across rotation (rename-and-create, copytruncate, deletion and re-creation, a file that
/// does not exist yet), feeding complete lines (wtmp records, journal dump entries) to the sink.
///
/// - It is read as `analyze` reads the file: as syslog, as a datastore's or cloud agent's own log (PostgreSQL, MySQL,
///   MongoDB, Redis, cloud-init…, also in a container runtime's envelope; `DatastoreReadState`), as binary wtmp
///   (`WtmpRecordReader`) or as a journal dump (`JournalDumpChunks`), told by name and first bytes
///   (`Discovery.sniff`) once the set has a file with content.
///
/// - At `start`, the older members of its rotation set (`name.N`, `name.N.gz`, `name-YYYYMMDD`) are read first,
///   oldest first, then the live file from its beginning: the history that rebuilds the engine's state.
/// - Only complete lines are read: a line still being written is read when its newline arrives.
/// - Rename-and-create: the old inode stays open and is drained for `retireSeconds` after the new file
///   appears (writers keep writing to it until they reopen), then closed.
/// - copytruncate: when the file shrinks below the read offset, the unread rest is taken from the copy
///   (`name.1`) at the same offset, then the new content from 0.
/// - Every inode read is registered as an input of its own (same stream), so evidence names the lines as read.
/// - A file named by its day (`2025-03-01.log`, `web1-2025-03-01.log` on a central log server) is left for the next
///   day's file of its set when one appears (`moveToNextDay`): the old one is drained and kept for late writes, as
///   after a rename, and the new one read from its beginning, in the same stream.
///
/// Memory: the year tracker and last-record state of `StreamState`; the 1 MiB read buffer is the service's, shared by
/// its followers (`ReadBuffer`: they are read one at a time), so following a tree of many logs costs no buffer each.
final class FileFollower {
  /// The file followed: fixed, but for a file named by its day, which moves to the next day's (`moveToNextDay`).
  private(set) var path: String
  let registry: InputRegistry
  let options: IngestOptions
  let stream: Int
  private var state: StreamState?
  /// How lines become records, once known (`resolveFormat`).
  enum Format: Equatable {
    case syslog
    /// In a container runtime's envelope (`envelope`) or bare.
    case datastore(DatastoreComponent, ContainerEnvelope?)
    /// Binary login records (wtmp), read a whole record at a time.
    case loginRecords(WtmpLayout)
    /// The Linux audit log (`AuditReadState`).
    case audit
    /// A journal dump written as it goes (`journalctl -f -o json >> file`, or `-o export`), read a whole entry at a
    /// time.
    case journalStream(json: Bool)
    /// Something `analyze` reads but a follower does not (`utmpdump` text, a wtmpdb database…): why, said once as a
    /// source error, and nothing is read.
    case unfollowed(String)
  }
  private(set) var format: Format?
  /// The reading state of a datastore or agent log (its time, pid and year go on across inodes).
  private var datastore: DatastoreReadState?
  /// The reading state of a wtmp set (its layout and host, fixed at its first file).
  private var loginRecords: WtmpRecordReader?
  /// The reading state of an audit log set (its host fixed at its first file).
  private var audit: AuditReadState?
  /// `--host`: the host of records that name none (wtmp). nil: the host of the file's folder (`FolderHosts`).
  let host: String?
  private var fd: Int32 = -1
  private var device: UInt64 = 0
  private var inode: UInt64 = 0
  private(set) var offset: Int64 = 0
  private var lineNo = 0
  private var input: Int32 = -1
  /// Old inodes after rename-and-create: drained until their deadline (µs), then closed.
  private var retiring: [(fd: Int32, input: Int32, offset: Int64, lineNo: Int, until: Int64)] = []
  /// The current problem (reported once as a source-error until it clears).
  private var problem: String?
  static let retireSeconds: Int64 = 30
  static let chunk = 1 << 20
  private let readBuffer: ReadBuffer
  private var buffer: UnsafeMutableRawPointer { readBuffer.bytes }

  /// A read buffer of `FileFollower.chunk` bytes, for followers that are read one at a time (one tail service's).
  final class ReadBuffer {
    let bytes = UnsafeMutableRawPointer.allocate(byteCount: FileFollower.chunk, alignment: 16)
    init() {}
    deinit { bytes.deallocate() }
  }

  /// `buffer`: shared with the other followers read on the same thread (a buffer of its own by default).
  init(
    path: String, registry: InputRegistry, options: IngestOptions, host: String? = nil, buffer: ReadBuffer = ReadBuffer()
  ) {
    readBuffer = buffer
    self.path = path
    self.registry = registry
    self.options = options
    self.host = host
    stream = registry.newStream()
  }

  deinit {
    if fd >= 0 { close(fd) }
    for r in retiring { close(r.fd) }
  }

  var directory: String {
    guard let slash = path.lastIndex(of: "/") else { return "." }
    let d = String(path[..<slash])
    return d.isEmpty ? "/" : d
  }

  var baseName: String { path.split(separator: "/").last.map(String.init) ?? path }

  /// The rotation set the followed file belongs to: its directory and base name (`/var/log/syslog` for
  /// `/var/log/syslog.1`; a set named by day keeps one key from day to day).
  var setKey: String { Self.setKey(path) }

  static func setKey(_ path: String) -> String {
    let slash = path.lastIndex(of: "/")
    let dir = slash.map { String(path[..<$0]) } ?? "."
    let name = slash.map { String(path[path.index(after: $0)...]) } ?? path
    return dir + "/" + RotationName(name).base
  }

  /// The position to checkpoint (nil while the file does not exist).
  var position: TailCheckpoint.FilePosition? {
    fd >= 0 ? TailCheckpoint.FilePosition(path: path, device: device, inode: inode, offset: offset) : nil
  }

  private var nextDayCheckedAt: Int64 = .min / 2
  private var isDaily: Bool { RotationName(baseName).kind == .daily }

  /// The newest file of this file's set when this one is named by its day and a later day's file has appeared
  /// beside it; nil otherwise.
  func nextDay() -> String? {
    let current = RotationName(baseName)
    guard current.kind == .daily else { return nil }
    var best: (date: Int, name: String)?
    for name in Discovery.entryNames(directory) {
      let r = RotationName(name)
      guard r.kind == .daily, r.base == current.base, r.number > current.number, !name.hasSuffix(".gz"),
        !name.hasSuffix(".xz"), !name.hasSuffix(".bz2")
      else { continue }
      if best.map({ $0.date < r.number }) ?? true { best = (r.number, name) }
    }
    guard let b = best else { return nil }
    return (directory == "/" ? "/" : directory + "/") + b.name
  }

  /// Moves to the next day's file of the set when it has appeared (see the type's description), looking at the
  /// directory at most once a second (polls come with every write to a followed file). Returns problems to report,
  /// as `poll` does.
  func moveToNextDay(into box: SinkBox, now: Int64) -> [String] {
    guard isDaily, now - nextDayCheckedAt >= 1_000_000 else { return [] }
    nextDayCheckedAt = now
    guard let next = nextDay() else { return [] }
    path = next
    // `poll` sees a new inode at `path`: it drains the old one, keeps it for late writes, and reads the new one.
    return poll(into: box, now: now)
  }

  /// Older members of the rotation set, oldest first.
  func olderMembers() -> [String] {
    let base = RotationName(baseName).base
    var names = Discovery.entryNames(directory).filter { name in
      let r = RotationName(name)
      return name != baseName && r.base == base && r.kind != .bare
    }
    names.sort { RotationName.olderFirst(RotationName($0), RotationName($1)) }
    let prefix = directory == "/" ? "/" : directory + "/"
    return names.map { prefix + $0 }
  }

  /// Reads the rotation set's history, then the live file as far as it goes. Returns problems to report.
  func start(into box: SinkBox, now: Int64) -> [String] {
    let older = olderMembers()
    let all = older + [path]
    var converter = LocalTimeConverter(identifier: options.timeZone)
    if converter == nil { converter = LocalTimeConverter(zone: .gmt) }
    guard let zone = converter else { return ["no usable time zone"] }
    let baseYear: Int
    if let y = options.year {
      baseYear = y
    } else {
      let starts = all.map { YearInference.fileStart(path: $0) }
      baseYear = YearInference.baseYear(
        starts: starts, names: all, converter: zone, stated: YearInference.statedYear(files: all)
      ).year
    }
    let st = StreamState(tracker: YearTracker(baseYear: baseYear), zone: zone)
    state = st
    for file in [path] + older.reversed() where resolveFormat(file) { break }
    if case .unfollowed = format { return poll(into: box, now: now) }
    if case .journalStream = format {
      // (Rotated dumps are rare: each is read whole, as `analyze` reads it.)
      for file in older {
        var sink = box
        JournalStreamSource(path: file, registry: registry, options: options).run(into: &sink)
      }
      return poll(into: box, now: now)
    }
    for file in older {
      let index = register(file)
      guard let reader = LineReader(path: file, input: index, registry: registry, maxLineLength: options.maxLineLength)
      else {
        box.sink.note(.dataGap(input: index, reason: "\(file) could not be read"))
        continue
      }
      feed(reader, input: index, shift: 0, into: box)
    }
    return poll(into: box, now: now)
  }

  /// Decides the format from `file` when it has content (true then). A set whose files are all empty waits.
  private func resolveFormat(_ file: String) -> Bool {
    if format != nil { return true }
    var st = stat()
    guard stat(file, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG, st.st_size > 0 else { return false }
    format = Self.format(file, sniffed: Discovery.sniff(path: file, size: Int(st.st_size)))
    return true
  }

  /// How to read `file`, sniffed as `sniffed`. What sniffs as neither a log nor a known format is read as syslog
  /// (a text log may start with lines that are not, and its syslog lines count then).
  static func format(_ file: String, sniffed: Discovery.Sniffed) -> Format {
    let analyzeReads = "not followed (flatline analyze reads it)"
    switch sniffed {
    case .datastore(let name, let envelope):
      return DatastoreComponent(rawValue: name).map { .datastore($0, envelope) } ?? .syslog
    case .wtmp:
      guard let layout = WtmpRecordReader.layout(of: file) else {
        return .unfollowed("login records as text (utmpdump or last output): \(analyzeReads)")
      }
      return .loginRecords(layout)
    case .wtmpDB: return .unfollowed("a wtmpdb database: \(analyzeReads)")
    case .journal: return .unfollowed("a binary journal file: not followed alone (give its directory to follow it)")
    case .journalExport: return .journalStream(json: false)
    case .journalJSON: return .journalStream(json: true)
    case .audit: return .audit
    case .cloudNotices: return .unfollowed("cloud-provider notices: read at start when given with --notices")
    case .kernelDump: return .unfollowed("a kernel dump: read at start, not followed")
    case .syslog, .skip, .ignore: return .syslog
    }
  }

  /// Registers `file` (an inode of the followed set) as an input of the stream, of the kind its format reads.
  private func register(_ file: String) -> Int32 {
    if case .audit = format {
      // An event names its host only with `node=`: else the file's, as for wtmp, decided once.
      let h = audit?.hostName ?? FolderHosts.recordsHost(for: file, explicit: host, registry: registry)
      if audit == nil { audit = AuditReadState(host: h) }
      return registry.register(path: file, kind: .audit, host: h, stream: stream)
    }
    if case .journalStream(let json) = format {
      return registry.register(path: file, kind: json ? .journalJSON : .journalExport, stream: stream)
    }
    if case .loginRecords(let layout) = format {
      // Records of wtmp name no host: the file's, decided once (the followers of the folder's other logs have
      // read their history by then, as `analyze` reads login records last).
      let h = loginRecords?.hostName ?? FolderHosts.recordsHost(for: file, explicit: host, registry: registry)
      if loginRecords == nil { loginRecords = WtmpRecordReader(layout: layout, host: h) }
      return registry.register(path: file, kind: .wtmp, host: h, stream: stream)
    }
    guard case .datastore(let component, let envelope) = format else {
      return registry.register(path: file, kind: .syslog, stream: stream)
    }
    let index = registry.register(path: file, kind: component.inputKind, stream: stream)
    registry[index].component = component.rawValue
    if datastore == nil {
      let zone = LocalTimeConverter.forSource(options, registry: registry, input: index)
      datastore = DatastoreReadState(
        component: component, zone: zone, options: options, path: file, input: index, envelope: envelope)
    }
    return index
  }

  /// Reads `reader`'s lines into the sink, their numbers moved on by `shift`.
  private func feed(_ reader: LineReader, input: Int32, shift: Int, into box: SinkBox) {
    if audit != nil {
      var counts = AuditReadState.Counts()
      var sink = box
      if shift == 0 { audit!.startFile() }
      reader.forEachLine { line, lineNo, nulBefore in
        audit!.line(line, input: input, lineNo: lineNo + shift, nulBefore: nulBefore, counts: &counts, into: &sink)
      }
      counts.commit(input, registry: registry)
      return
    }
    if loginRecords != nil {
      loginRecords!.index = shift
      let size = loginRecords!.layout.recordSize
      let rest = reader.forEachBlock(size: size) { b in
        var sink = box
        loginRecords!.read(b, input: input, registry: registry, into: &sink)
      }
      loginRecords!.warnCorrupt(input: input, registry: registry)
      // (A follower reads whole records; only a rotated member can end in part of one.)
      if rest > 0 { registry.warn(input, "trailing partial record of \(rest) bytes ignored") }
      return
    }
    var s = LineShiftSink(inner: box, shift: shift)
    // (Only a datastore or agent log has one: `register`.)
    if datastore != nil {
      datastore!.move(to: input)
      reader.forEachLine { line, lineNo, nulBefore in
        datastore!.fileLine(line, lineNo: lineNo, nulBefore: nulBefore, gzipMTime: reader.gzipMTime, into: &s)
      }
      datastore!.commit(registry: registry)
      return
    }
    guard let st = state else { return }
    st.readFile(reader, input: input, registry: registry, into: &s).commit(input, registry: registry)
  }

  /// Reads whatever is new, following rotation. Returns new problems (each reported once until it clears).
  func poll(into box: SinkBox, now: Int64) -> [String] {
    defer {
      // Audit events held for a `SYSTEM_BOOT` that did not come in time are handed on, as at the end of a batch
      // read (history read at start is all such).
      if audit != nil {
        var sink = box
        audit!.releaseStale(now: now, into: &sink)
      }
    }
    var problems: [String] = []
    func report(_ p: String?) {
      if let p, p != problem { problems.append(p) }
      problem = p
    }
    // Old inodes of a rename-and-create rotation.
    var keep: [(fd: Int32, input: Int32, offset: Int64, lineNo: Int, until: Int64)] = []
    for var r in retiring {
      _ = readLines(fd: r.fd, input: r.input, offset: &r.offset, lineNo: &r.lineNo, into: box, final: now >= r.until)
      if now >= r.until {
        close(r.fd)
      } else {
        keep.append(r)
      }
    }
    retiring = keep
    if fd >= 0 {
      if let e = readLines(fd: fd, input: input, offset: &offset, lineNo: &lineNo, into: box, final: false) {
        report(e)
        return problems
      }
      var st = stat()
      if fstat(fd, &st) == 0, Int64(st.st_size) < offset {
        // copytruncate: the unread rest sits in the copy at the same offset.
        recoverFromCopy(into: box)
        offset = 0
        lineNo = 0
        input = register(path)
        _ = readLines(fd: fd, input: input, offset: &offset, lineNo: &lineNo, into: box, final: false)
      }
    }
    var st = stat()
    guard stat(path, &st) == 0 else {
      let e = errno
      // Renamed or deleted: keep draining the open inode until a new file appears.
      if fd < 0 && e != ENOENT { report("cannot stat: \(LineReader.errnoText(e))") }
      if fd < 0 && e == ENOENT { report(nil) }
      return problems
    }
    if fd >= 0 && UInt64(st.st_dev) == device && UInt64(st.st_ino) == inode {
      report(nil)
      return problems
    }
    if (st.st_mode & S_IFMT) == S_IFDIR {
      report("cannot read: is a directory")
      return problems
    }
    // A new set's file is read once it has content: its first bytes tell how.
    guard resolveFormat(path) else {
      report(nil)
      return problems
    }
    if case .unfollowed(let why) = format {
      if problem == nil { registry.skip(path: path, reason: why, warn: false) }
      report(why)
      return problems
    }
    let newFD = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK)
    guard newFD >= 0 else {
      report("cannot open: \(LineReader.errnoText(errno))")
      return problems
    }
    if fd >= 0 {
      // Rename-and-create or delete-and-recreate: drain the old inode, keep it for late writes.
      _ = readLines(fd: fd, input: input, offset: &offset, lineNo: &lineNo, into: box, final: false)
      retiring.append((fd, input, offset, lineNo, now + Self.retireSeconds * 1_000_000))
    }
    fd = newFD
    device = UInt64(st.st_dev)
    inode = UInt64(st.st_ino)
    offset = 0
    lineNo = 0
    input = register(path)
    report(readLines(fd: fd, input: input, offset: &offset, lineNo: &lineNo, into: box, final: false))
    return problems
  }

  /// After a copytruncate: the bytes from `offset` to the end of `name.1` (the copy), if it is plain text.
  private func recoverFromCopy(into box: SinkBox) {
    let copy = path + ".1"
    var st = stat()
    guard stat(copy, &st) == 0, Int64(st.st_size) >= offset else {
      if input >= 0 {
        box.sink.note(.dataGap(input: input, reason: "\(path) was truncated and no copy holds its unread lines"))
      }
      return
    }
    let cfd = open(copy, O_RDONLY | O_CLOEXEC)
    guard cfd >= 0 else { return }
    defer { close(cfd) }
    var magic = [UInt8](repeating: 0, count: 2)
    let n = magic.withUnsafeMutableBytes { pread(cfd, $0.baseAddress, 2, 0) }
    if n == 2 && magic == [0x1f, 0x8b] {
      box.sink.note(.dataGap(input: input, reason: "\(copy) was compressed before its last lines were read"))
      return
    }
    var off = offset
    var ln = lineNo
    _ = readLines(fd: cfd, input: input, offset: &off, lineNo: &ln, into: box, final: true)
  }

  /// Index of the last `\n` in the first `count` bytes.
  static func lastNewline(_ p: UnsafeMutableRawPointer, _ count: Int) -> Int? {
    JournalDumpChunks.lastNewline(p.assumingMemoryBound(to: UInt8.self), count)
  }

  /// Feeds the complete lines from `offset` on (all bytes when `final`). Returns an error text on failure.
  private func readLines(
    fd: Int32, input: Int32, offset: inout Int64, lineNo: inout Int, into box: SinkBox, final: Bool
  ) -> String? {
    guard state != nil else { return nil }
    while true {
      let n = pread(fd, buffer, Self.chunk, off_t(offset))
      if n < 0 {
        if errno == EINTR { continue }
        return "read error: \(LineReader.errnoText(errno))"
      }
      if n == 0 { return nil }
      if case .journalStream(let json) = format {
        // Whole entries only; an entry longer than a chunk is read as it is (its parser says what is wrong).
        let whole = UnsafeRawBufferPointer(start: buffer, count: n)
        var consumed = JournalDumpChunks.wholeEntriesEnd(whole, json: json)
        if final || consumed == 0 && n == Self.chunk { consumed = n }
        if consumed > 0 {
          var sink = LineShiftSink(inner: box, shift: lineNo)
          lineNo += JournalDumpChunks.read(
            UnsafeRawBufferPointer(rebasing: whole[0..<consumed]), json: json, input: input, registry: registry,
            options: options, into: &sink)
          offset += Int64(consumed)
        }
        if n < Self.chunk || consumed == 0 { return nil }
        continue
      }
      if let size = loginRecords?.layout.recordSize {
        // Whole records only: one still being written is read when it is complete.
        let consumed = final ? n : n - n % size
        if consumed >= size {
          let bytes = UnsafeRawBufferPointer(start: buffer, count: consumed)
          let reader = LineReader(bytes: bytes, path: path, input: input, registry: registry, maxLineLength: size)
          feed(reader, input: input, shift: lineNo, into: box)
          lineNo += consumed / size
          offset += Int64(consumed)
        }
        if n < Self.chunk || consumed < size { return nil }
        continue
      }
      var consumed = n
      if let nl = Self.lastNewline(buffer, n) {
        consumed = nl + 1
      } else if n < Self.chunk && !final {
        return nil  // a line still being written
      }
      if consumed < n && final && n < Self.chunk { consumed = n }
      let bytes = UnsafeRawBufferPointer(start: buffer, count: consumed)
      let reader = LineReader(
        bytes: bytes, path: path, input: input, registry: registry, maxLineLength: options.maxLineLength)
      feed(reader, input: input, shift: lineNo, into: box)
      var lines = 0
      var p = buffer
      var left = consumed
      while left > 0, let q = memchr(p, 10, left) {
        lines += 1
        let step = p.distance(to: q) + 1
        p = UnsafeMutableRawPointer(mutating: q) + 1
        left -= step
      }
      if left > 0 { lines += 1 }
      lineNo += lines
      offset += Int64(consumed)
      if n < Self.chunk { return nil }
    }
  }
}
