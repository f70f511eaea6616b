
#if canImport(Glibc)
  import Glibc
#endif

/// What `flatline tail` follows and where it writes.
public struct TailOptions: Sendable {
  public enum Format: String, Sendable { case ndjson, text }

  /// Log files to follow (by name) and journal directories. Empty: the local journal and `/var/log` syslog.
  public var paths: [String]
  /// Also follow the local system journal.
  public var journal: Bool
  public var stateDirectory: String
  public var format: Format
  /// Events go here (appended); nil: standard output.
  public var outputPath: String?
  public var metricsPath: String?
  /// Seconds between heartbeats (>= 1).
  public var heartbeatSeconds: Int
  public var rulePaths: [String]
  public var noticePaths: [String]
  /// Instance-to-host map (`--host-map`), as `analyze` reads it.
  public var hostMapPath: String?
  public var ingest: IngestOptions
  /// The host the daemon's heartbeat speaks for (default: this machine's host name).
  public var host: String?
  /// The folder followed when no paths are given (`defaultLogDirectory`; tests point it elsewhere).
  public var logDirectory = TailOptions.defaultLogDirectory

  public init(
    paths: [String] = [], journal: Bool = false, stateDirectory: String = "/var/lib/flatline",
    format: Format = .ndjson, outputPath: String? = nil, metricsPath: String? = nil, heartbeatSeconds: Int = 60,
    rulePaths: [String] = [], noticePaths: [String] = [], ingest: IngestOptions = IngestOptions(), host: String? = nil,
    hostMapPath: String? = nil
  ) {
    self.paths = paths
    self.journal = journal
    self.stateDirectory = stateDirectory
    self.format = format
    self.outputPath = outputPath
    self.metricsPath = metricsPath
    self.heartbeatSeconds = heartbeatSeconds
    self.rulePaths = rulePaths
    self.noticePaths = noticePaths
    self.hostMapPath = hostMapPath
    self.ingest = ingest
    self.host = host
  }

  /// Syslog files of `logDirectory` followed when no path is given (those that exist or appear later).
  public static let defaultSyslogNames = ["syslog", "messages"]
  /// Followed, when no paths are given, as a directory given as a path is (`TailService.plan(for:)`), less its
  /// journal folders: the local journal covers them.
  public static let defaultLogDirectory = "/var/log"
  /// Where kdump and systemd-pstore leave a crashed kernel's log (read when no paths are given).
  public static let defaultDumpDirectories = ["/var/crash", "/var/lib/systemd/pstore"]
}

/// The streaming daemon behind `flatline tail` (docs/tail.md).
///
/// **Design.** The engine is the batch engine, unchanged: followers feed one `AnalysisSink`; after each batch
/// of records the merge/verdict/correlation stage (`Analyzer.result`) runs over the engine's current state and
/// every fact it shows (a boot started, a boot ended, an incident and its updates, a finding, a notice) becomes
/// an event with a stable key. Only keys not emitted before are written.
///
/// **Exactly-once.** At start (and on SIGHUP) the state is rebuilt by reading every source from its beginning
/// (rotation sets oldest first, journals from the head): the verdicts of old boots need their history. Events
/// whose keys were emitted before are suppressed. The order on each batch is: write the new events, fsync the
/// output, then save the checkpoint (positions and keys) atomically. A crash between the two leaves events in
/// the output that the checkpoint does not list: at start the output file is read from the checkpointed size
/// on and the keys found there are added. So no event is lost (it is derived again from the logs) and none is
/// repeated (its key is known), whatever moment `kill -9` hits.
public final class TailService {
  public let options: TailOptions
  let store: CheckpointStore
  var checkpoint = TailCheckpoint()
  var emitted = Set<String>()
  var openedIncidents = Set<String>()
  var registry = InputRegistry()
  var box: SinkBox
  var files: [FileFollower] = []
  /// The followers' one read buffer (they are read one at a time, on this service's thread).
  let readBuffer = FileFollower.ReadBuffer()
  /// The directories given as paths (not journal ones), with their modification time when last looked at: a log
  /// that appears in one later is followed from then on (`followNewFiles`).
  var directories: [(path: String, mtime: timespec?)] = []
  var journals: [(follower: JournalFollower, fd: Int32)] = []
  /// Standard input (`-`) and pipes given as paths.
  var pipes: [PipeFollower] = []
  var notices: [CloudNotice] = []
  /// The notice files of the followed folders read so far (`followNewFiles` reads those that appear later).
  private var noticeFiles: Set<String> = []
  /// How long a notice file that appeared in a followed folder must stay unchanged before it is read.
  static let noticeSettle: Int64 = 2_000_000
  /// `--host-map`'s pairs (read at start and on SIGHUP); the instances the logs name are added at each derive.
  var fileHostMap = HostMap()
  /// Kernel dumps (kdump, pstore) found at start: a boot that ended in a panic is reported as one.
  var kernelDumps: [KernelDump] = []
  var output: EventOutput
  var counters = TailMetrics.Counters()
  var stateInput: Int32 = 0
  let hostName: String
  let warnings: (@Sendable (String) -> Void)?
  private var followLoop: FollowLoop?
  private var stopRequested = false
  private var lastResult: AnalysisResult?

  public init(options: TailOptions, warnings: (@Sendable (String) -> Void)? = nil) {
    self.options = options
    self.warnings = warnings
    store = CheckpointStore(directory: options.stateDirectory)
    output = EventOutput(path: options.outputPath)
    box = SinkBox(AnalysisSink(registry: registry, rules: []))
    hostName = options.host ?? TailService.localHostName()
  }

  static func localHostName() -> String {
    var buf = [CChar](repeating: 0, count: 256)
    guard gethostname(&buf, buf.count - 1) == 0 else { return "localhost" }
    return String(decoding: buf.prefix(while: { $0 != 0 }).map { UInt8(bitPattern: $0) }, as: UTF8.self)
  }

  static func now() -> Int64 {
    var t = timespec()
    clock_gettime(CLOCK_REALTIME, &t)
    return micros(t)
  }

  /// µs since the epoch of `t`.
  static func micros(_ t: timespec) -> Int64 { Int64(t.tv_sec) * 1_000_000 + Int64(t.tv_nsec / 1000) }

  /// Runs until SIGTERM/SIGINT. Returns the exit status (0 after a clean stop, 2 when it cannot start).
  public func run() -> Int32 {
    Self.raiseOpenFileLimit()
    if let e = store.prepare() {
      warnings?("state directory: \(e)")
      return 2
    }
    if let e = output.open() {
      warnings?("output: \(e)")
      return 2
    }
    checkpoint = store.loadCheckpoint() ?? TailCheckpoint()
    recordDeathIfAny()
    store.clearCleanStopFlag()
    for k in checkpoint.keys { remember(k) }
    recoverKeysFromOutput()
    guard setUpLoop() else { return 2 }
    counters.startedAt = Self.now()
    rebuild()
    ServiceManager.notify("READY=1")
    loop()
    ServiceManager.notify("STOPPING=1")
    pollSources()
    deriveAndEmit()
    saveCheckpoint()
    store.setCleanStopFlag()
    output.close()
    return 0
  }

  // MARK: - Start

  /// A start without the clean-stop flag after a previous run: the daemon died; its last heartbeat is kept.
  func recordDeathIfAny() {
    guard !store.hasCleanStopFlag, let hb = store.lastHeartbeat() else { return }
    guard !checkpoint.deaths.contains(where: { $0.lastHeartbeat == hb.time }) else { return }
    checkpoint.deaths.append(.init(host: hb.host.isEmpty ? hostName : hb.host, lastHeartbeat: hb.time))
    if checkpoint.deaths.count > 100 { checkpoint.deaths.removeFirst(checkpoint.deaths.count - 100) }
    store.save(checkpoint)
  }

  func remember(_ key: String) {
    if emitted.insert(key).inserted {
      if key.hasPrefix("incident|"), let cut = key.lastIndex(of: "|") { openedIncidents.insert(String(key[..<cut])) }
    }
  }

  /// Keys of events written after the last checkpoint (a crash between the output's fsync and the checkpoint).
  func recoverKeysFromOutput() {
    guard options.format == .ndjson, let path = options.outputPath, let id = output.identity() else { return }
    let from: Int64 = (checkpoint.outputPath == path && checkpoint.outputInode == id.inode) ? checkpoint.outputOffset : 0
    guard id.size > from, let text = EventOutput.read(path: path, from: from) else { return }
    var found = 0
    for line in text.split(separator: "\n") {
      guard let key = Self.key(inLine: line), !Self.isTransient(key) else { continue }
      if !emitted.contains(key) {
        checkpoint.add(key: key, time: Self.time(inLine: line))
        remember(key)
        found += 1
      }
    }
    if found > 0 { warnings?("\(found) event(s) written after the last checkpoint recovered from \(path)") }
  }

  /// The event's time (µs) from an NDJSON line, nil when null or absent.
  static func time(inLine line: Substring) -> Int64? {
    guard let r = line.range(of: "\"time\":\"") else { return nil }
    let rest = line[r.upperBound...]
    guard let end = rest.firstIndex(of: "\"") else { return nil }
    return CivilTime.parse(String(rest[..<end]))
  }

  static func key(inLine line: Substring) -> String? {
    guard let r = line.range(of: "\"key\":\"") else { return nil }
    let rest = line[r.upperBound...]
    guard let end = rest.firstIndex(of: "\"") else { return nil }
    return String(rest[..<end])
  }

  /// Heartbeats and source errors are not facts of the logs: never derived again, never de-duplicated.
  static func isTransient(_ key: String) -> Bool { key.hasPrefix("heartbeat|") || key.hasPrefix("source-error|") }

  /// Builds the engine from scratch and reads every source's history (start and SIGHUP).
  func rebuild() {
    for (_, fd) in journals { followLoop?.remove(fd: fd) }
    journals = []
    files = []
    directories = []
    let oldPipes = pipes
    pipes = []
    registry = InputRegistry(warningHandler: warnings)
    let loaded = RuleTool.loadAll(paths: options.rulePaths)
    for e in loaded.errors { warnings?("rules: \(e.description)") }
    box = SinkBox(AnalysisSink(registry: registry, rules: loaded.rules))
    var info = InputInfo(path: options.stateDirectory + "/heartbeat", kind: .skipped)
    info.skipReason = "flatline tail state"
    stateInput = registry.register(path: info.path, kind: .skipped)
    notices = options.noticePaths.isEmpty ? [] : NoticeReader.read(paths: options.noticePaths, registry: registry)
    noticeFiles = []
    fileHostMap = Analyzer.loadHostMap(path: options.hostMapPath, registry: registry)

    var filePaths: [String] = []
    var loginFiles: [String] = []
    var journalDirs: [String?] = []
    var dumpPaths: [String] = []
    var databases: [String] = []
    /// Takes what following directory `dir` takes (`plan(for:)`); its journal folders too when `journals`.
    func take(_ dir: String, journals: Bool) {
      directories.append((dir, Self.modificationTime(dir)))
      let plan = Self.plan(for: dir)
      filePaths += plan.files
      loginFiles += plan.loginFiles
      if journals { for d in plan.journalDirs where !journalDirs.contains(d) { journalDirs.append(d) } }
      dumpPaths += plan.dumps
      databases += plan.databases
      if !plan.notices.isEmpty { notices += NoticeReader.read(paths: plan.notices, registry: registry) }
      noticeFiles.formUnion(plan.notices)
    }
    if options.paths.isEmpty {
      // What `analyze` reads without a path, live: the local journal (which covers the journal folders of /var/log)
      // and what /var/log holds (syslog, wtmp, audit, datastore logs…), and the usual syslog files when they appear.
      journalDirs.append(nil)
      let dir = options.logDirectory
      take(dir, journals: false)
      let sets = Set(filePaths.map(FileFollower.setKey))
      let usual = TailOptions.defaultSyslogNames.map { dir + "/" + $0 }
      filePaths += usual.filter { !sets.contains(FileFollower.setKey($0)) }
      for d in TailOptions.defaultDumpDirectories { dumpPaths += Self.dumps(in: d).filter { !dumpPaths.contains($0) } }
    } else {
      if options.journal { journalDirs.append(nil) }
      for p in options.paths {
        if p == "-" || Self.isPipe(p) {
          let old = oldPipes.first { $0.path == p }
          let s = PipeFollower(path: p, registry: registry, options: options.ingest, carry: old)
          if old == nil && !s.ended { followLoop?.add(fd: s.fd) }
          pipes.append(s)
        } else if Self.isJournalDirectory(p) {
          journalDirs.append(p)
        } else if Self.isDirectory(p) {
          take(p, journals: true)
        } else {
          switch Self.sniff(p) {
          // A dump or notices given by name are read as in a followed folder, or as with --notices.
          case .kernelDump: dumpPaths.append(p)
          case .cloudNotices: notices += NoticeReader.read(paths: [p], registry: registry)
          case .wtmp, .audit: loginFiles.append(p)
          case .wtmpDB: databases.append(p)
          default: filePaths.append(p)
          }
        }
      }
    }
    let now = Self.now()
    var errors: [(String, String)] = []
    // Login records name no host: they are read last, when the other logs of their folder have shown theirs (as
    // `analyze` reads them).
    for p in filePaths { for e in startFollowing(p, now: now) { errors.append((p, e)) } }
    pollPipes { errors.append(($0, $1)) }
    for d in journalDirs {
      let j = JournalFollower(directory: d, registry: registry, options: options.ingest)
      switch j.open() {
      case .failure(let e): errors.append((j.label, e.message))
      case .success(let fd):
        journals.append((j, fd))
        followLoop?.add(fd: fd)
        if let e = j.poll(into: box) { errors.append((j.label, e)) }
      }
    }
    for p in loginFiles { for e in startFollowing(p, now: now) { errors.append((p, e)) } }
    // wtmpdb's database is read as it is at start (and at SIGHUP): a database is not followed.
    for path in databases {
      let h = FolderHosts.recordsHost(for: path, explicit: options.host, registry: registry)
      var sink = box
      WtmpDBSource(path: path, registry: registry, options: options.ingest, host: h).run(into: &sink)
    }
    // A dump is written by the capture kernel before the machine comes back: those there at start are all there is.
    // Read once the logs' history is, it takes its host as `analyze` gives it (the host of the instance ID in its
    // name, the host its name names, its folder's).
    kernelDumps = Analyzer.readKernelDumps(
      dumpPaths, registry: registry, options: options.ingest, host: options.host, hostMap: hostMap())
    let taken = filePaths + loginFiles + dumpPaths + databases + journalDirs.compactMap { $0 }
    // (Without paths the local journal is followed whatever /var/log holds.)
    for d in directories where !options.paths.isEmpty && !taken.contains(where: { Self.isInside($0, d.path) }) {
      warnings?("\(d.path): no log to follow in it or its subfolders yet (nothing analyze would read there); one that "
        + "appears is followed from then on")
    }
    watchDirectories()
    for (s, m) in errors { emitSourceError(source: s, message: m) }
    deriveAndEmit()
    saveCheckpoint()
  }

  /// Follows `path` from now on, its history read first. Returns problems to report.
  private func startFollowing(_ path: String, now: Int64) -> [String] {
    let f = FileFollower(
      path: path, registry: registry, options: options.ingest, host: options.host, buffer: readBuffer)
    files.append(f)
    return f.start(into: box, now: now)
  }

  /// Reads what the pipes have; `report(source, problem)` for each problem.
  private func pollPipes(_ report: (String, String) -> Void) {
    for s in pipes where !s.ended {
      if let e = s.poll(into: box) { report(s.path, e) }
      // At its end a pipe stays readable (EOF): it would wake the loop at once, again and again.
      if s.ended { followLoop?.remove(fd: s.fd) }
    }
  }

  /// `--host-map`'s pairs and the instance IDs the logs read so far name.
  private func hostMap() -> HostMap {
    var map = fileHostMap
    box.sink.identity.apply(to: &map, registry: registry)
    return map
  }

  /// Raises the soft limit on open files to the hard one: every followed log keeps its file open (a folder tree of a
  /// central log server can hold more than the usual soft limit of 1024), and a process may do this unprivileged.
  static func raiseOpenFileLimit() {
    var limit = rlimit()
    guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0, limit.rlim_cur < limit.rlim_max else { return }
    limit.rlim_cur = limit.rlim_max
    _ = setrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit)
  }

  /// What `analyze` would take the regular file at `p` for (nil when it is not one or is empty).
  static func sniff(_ p: String) -> Discovery.Sniffed? {
    var st = stat()
    guard stat(p, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG, st.st_size > 0 else { return nil }
    return Discovery.sniff(path: p, size: Int(st.st_size))
  }

  static func isPipe(_ p: String) -> Bool {
    var st = stat()
    return stat(p, &st) == 0 && (st.st_mode & S_IFMT) == S_IFIFO
  }

  static func isDirectory(_ p: String) -> Bool {
    var st = stat()
    return stat(p, &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
  }

  /// A directory holding journal files (directly or in a machine-ID subfolder).
  static func isJournalDirectory(_ p: String) -> Bool {
    guard isDirectory(p) else { return false }
    for name in Discovery.entryNames(p) {
      if name.hasSuffix(".journal") || name.hasSuffix(".journal~") { return true }
      if name.utf8.count == 32, isDirectory(p + "/" + name),
        Discovery.entryNames(p + "/" + name).contains(where: { $0.hasSuffix(".journal") || $0.hasSuffix(".journal~") })
      {
        return true
      }
    }
    return false
  }

  /// What following a directory takes from it, found as `analyze` finds its inputs there (`Discovery`, through every
  /// subfolder): one log per rotation set of syslog, datastore or agent logs, journal exports and JSON (`files`) and
  /// of wtmp and audit logs (`loginFiles`, read after the others: they name no host) — its live file, the newest of a
  /// set named by day or the set's bare name (the follower reads the older members as history, and waits for a live
  /// file that does not exist yet) —, the folders of journal files, and what is read once, at start: kernel dumps,
  /// notices and wtmpdb databases.
  struct DirectoryPlan: Equatable {
    var files: [String] = []
    var loginFiles: [String] = []
    var journalDirs: [String] = []
    var dumps: [String] = []
    var notices: [String] = []
    var databases: [String] = []
  }

  static func plan(for dir: String) -> DirectoryPlan {
    var plan = DirectoryPlan()
    var sets = Set<String>()
    /// The file a set's follower follows.
    func live(_ files: [String]) -> String? {
      guard let newest = files.last else { return nil }
      let folder = Analyzer.directory(newest)
      let r = RotationName(String(newest.dropFirst(folder.count + 1)))
      let path = r.kind == .daily || r.kind == .bare ? newest : folder + "/" + r.base
      return sets.insert(FileFollower.setKey(path)).inserted ? path : nil
    }
    // (Files not read are listed in a registry of its own: the followers register what they read.)
    for input in Discovery.discover(paths: [dir], registry: InputRegistry()) {
      switch input {
      case .syslogSet(let files):
        if let p = live(files) { plan.files.append(p) }
      case .datastoreLog(let path, _, _), .journalExport(let path), .journalJSON(let path):
        if let p = live([path]) { plan.files.append(p) }
      case .wtmpSet(let files), .auditSet(let files):
        if let p = live(files) { plan.loginFiles.append(p) }
      case .journalFiles(let files):
        let folder = Analyzer.directory(files[0])
        if !plan.journalDirs.contains(folder) { plan.journalDirs.append(folder) }
      case .kernelDump(let path): plan.dumps.append(path)
      case .cloudNotices(let path): plan.notices.append(path)
      case .wtmpDB(let path): plan.databases.append(path)
      case .pipe: break
      }
    }
    // An empty file of a usual syslog name is followed: its first lines are read as soon as they are written.
    for name in usualSyslogNames where !sets.contains(dir + "/" + name) {
      var st = stat()
      if stat(dir + "/" + name, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG, st.st_size == 0 {
        plan.files.append(dir + "/" + name)
      }
    }
    plan.files.sort()
    plan.loginFiles.sort()
    return plan
  }

  /// The kernel dumps in `dir` and its subfolders, two levels down (`/var/crash/<ip>-<time>/vmcore-dmesg.txt`,
  /// `/var/lib/systemd/pstore/<id>/dmesg-efi-…`), recognised as `analyze` does.
  static func dumps(in dir: String, depth: Int = 2) -> [String] {
    var out: [String] = []
    for name in Discovery.entryNames(dir) where !name.hasPrefix(".") {
      let path = dir + "/" + name
      var st = stat()
      guard lstat(path, &st) == 0 else { continue }
      if (st.st_mode & S_IFMT) == S_IFDIR {
        if depth > 0 { out += dumps(in: path, depth: depth - 1) }
      } else if (st.st_mode & S_IFMT) == S_IFREG, KernelDump.isDumpName(path: path, name: name),
        Discovery.sniff(path: path, size: Int(st.st_size)) == .kernelDump
      {
        out.append(path)
      }
    }
    return out.sorted()
  }

  static let usualSyslogNames: Set<String> = [
    "syslog", "messages", "kern.log", "daemon.log", "auth.log", "user.log", "secure", "cron", "maillog", "mail.log",
  ]

  // MARK: - Loop

  private func setUpLoop() -> Bool {
    switch FollowLoop.make() {
    case .failure(let e):
      warnings?(e.message)
      return false
    case .success(let l):
      followLoop = l
      for (_, fd) in journals { l.add(fd: fd) }
      return true
    }
  }

  /// Watches the directories of the followed files (those that exist; the others are retried at each tick) and
  /// the directories given as paths.
  private func watchDirectories() {
    for f in files { followLoop?.watch(directory: f.directory) }
    for d in directories { followLoop?.watch(directory: d.path) }
  }

  /// Starts following the logs that have appeared in the directories given as paths, read from their beginning:
  /// at every tick, and at a wake when a directory's modification time has changed (a file was created or renamed
  /// in it; writes to its files do not change it). A file of a rotation set already followed is not a new log
  /// (`syslog.1` after a rotation, the next day's file of a set named by day).
  func followNewFiles(now: Int64, everyDirectory: Bool) {
    guard !directories.isEmpty else { return }
    var added = false
    for k in directories.indices {
      let mtime = Self.modificationTime(directories[k].path)
      let changed = mtime?.tv_sec != directories[k].mtime?.tv_sec || mtime?.tv_nsec != directories[k].mtime?.tv_nsec
      guard everyDirectory || changed else { continue }
      directories[k].mtime = mtime
      let followed = Set(files.map(\.setKey))
      let plan = Self.plan(for: directories[k].path)
      for p in plan.files + plan.loginFiles where !followed.contains(FileFollower.setKey(p)) {
        for e in startFollowing(p, now: now) { emitSourceError(source: p, message: e) }
        added = true
      }
      // A provider's notice exported into the folder after the incident (AWS Health, a GCE or Azure event): read
      // once it has stood still for `noticeSettle` (a file still being written would read as half a notice), so
      // that the incident it explains is updated with it.
      for n in plan.notices where !noticeFiles.contains(n) {
        guard let m = Self.modificationTime(n), Self.micros(m) <= now - Self.noticeSettle else { continue }
        noticeFiles.insert(n)
        notices += NoticeReader.read(paths: [n], registry: registry)
      }
    }
    if added { watchDirectories() }
  }

  static func modificationTime(_ p: String) -> timespec? {
    var st = stat()
    return stat(p, &st) == 0 ? st.st_mtim : nil
  }

  /// True when `path` is `dir` or lies under it.
  static func isInside(_ path: String, _ dir: String) -> Bool {
    let d = dir.hasSuffix("/") ? dir : dir + "/"
    return path == dir || path.hasPrefix(d)
  }

  private func loop() {
    guard let followLoop else { return }
    let heartbeat = Int64(max(1, options.heartbeatSeconds)) * 1_000_000
    var tick = heartbeat
    if let w = ServiceManager.watchdogInterval() { tick = min(tick, max(w / 2, 100_000)) }
    var nextTick = Self.now()
    var nextHeartbeat = Self.now()
    while !stopRequested {
      let now = Self.now()
      if now >= nextTick {
        ServiceManager.notify("WATCHDOG=1")
        watchDirectories()
        if now >= nextHeartbeat {
          heartbeatNow(now)
          nextHeartbeat = now + heartbeat
        }
        nextTick = now + tick
        pollSources()
        followNewFiles(now: now, everyDirectory: true)
        deriveNow()
      }
      if let d = deferredUntil { nextTick = min(nextTick, d + 100_000) }
      let wakeBy = deriveDue.map { min(nextTick, $0) } ?? nextTick
      let wake = followLoop.wait(timeoutMicros: wakeBy - Self.now())
      if let e = wake.error {
        warnings?(e)
        return
      }
      if wake.stop { stopRequested = true }
      if stopRequested { return }
      if wake.reload {
        output.reopen()
        rebuild()
        continue
      }
      pollSources()
      followNewFiles(now: Self.now(), everyDirectory: false)
      deriveWhenDue()
    }
  }

  /// When the last derive in the loop ended, and how long it took (µs).
  private var lastDeriveEnd: Int64 = 0
  private var lastDeriveCost: Int64 = 0
  /// A derive put off by `deriveWhenDue`, to run by then.
  private(set) var deriveDue: Int64?
  /// A derive runs again only after `deriveRest` times as long as the last one took: at most a tenth of the time.
  /// It goes over every host's state, so on a central server's log of thousands of hosts it costs tens to hundreds
  /// of milliseconds; run at every write (a busy log wakes the loop all the time), it kept a core busy. Events wait
  /// at most that long (a few ms on one machine's logs).
  static let deriveRest: Int64 = 9

  /// Runs `deriveAndEmit` now, or sets `deriveDue` when the last one was too recent.
  func deriveWhenDue() {
    if let due = Self.deriveDue(now: Self.now(), lastEnd: lastDeriveEnd, lastCost: lastDeriveCost) {
      deriveDue = due
    } else {
      deriveNow()
    }
  }

  /// nil when a derive may run at `now` after one that ended at `lastEnd` and took `lastCost` (µs), else when it may.
  static func deriveDue(now: Int64, lastEnd: Int64, lastCost: Int64) -> Int64? {
    let ready = lastEnd + lastCost * deriveRest
    return now >= ready ? nil : ready
  }

  /// Runs `deriveAndEmit` and notes how long it took.
  func deriveNow() {
    let start = Self.now()
    deriveDue = nil
    deriveAndEmit()
    lastDeriveEnd = Self.now()
    lastDeriveCost = lastDeriveEnd - start
  }

  func pollSources() {
    let now = Self.now()
    for f in files {
      for e in f.moveToNextDay(into: box, now: now) { emitSourceError(source: f.path, message: e) }
      for e in f.poll(into: box, now: now) { emitSourceError(source: f.path, message: e) }
    }
    for (j, _) in journals {
      if let e = j.poll(into: box) { emitSourceError(source: j.label, message: e) }
    }
    pollPipes { emitSourceError(source: $0, message: $1) }
  }

  // MARK: - Events

  func heartbeatNow(_ now: Int64) {
    counters.lastHeartbeat = now
    store.writeHeartbeat(now, host: hostName)
    let e = TailEvent(
      kind: .heartbeat, key: "heartbeat|\(now)", time: now, host: hostName,
      payload: .heartbeat(startedAt: counters.startedAt, eventsEmitted: counters.eventsEmitted))
    write([e])
    if let r = lastResult { writeMetrics(r) }
  }

  func emitSourceError(source: String, message: String) {
    counters.sourceErrors += 1
    let now = Self.now()
    warnings?("\(source): \(message)")
    write([
      TailEvent(
        kind: .sourceError, key: Self.sanitize("source-error|\(source)|\(now)"), time: now, host: hostName,
        payload: .sourceError(source: source, message: message))
    ])
  }

  /// How long a text stream's latest record must be in the past before what it holds is applied (`settleQuiet`).
  static let quietMargin: Int64 = 10_000_000

  /// Set while events wait for a banner that may be a ring-buffer replay (see `deriveAndEmit`).
  private(set) var deferredUntil: Int64?

  /// Runs the merge/verdict/correlation stage over the engine's state and writes the events not emitted yet.
  /// While a boot just opened by a kernel banner may still turn out to be the syslog daemon re-reading the kernel's
  /// buffer (up to a minute of its records; the replay arrives in several writes, and a batch may end inside it),
  /// nothing is written: the boot before it would be reported as ended, and an event cannot be taken back.
  func deriveAndEmit() {
    let now = Self.now()
    if let until = box.sink.engine.replayWatchEnd, now <= until {
      deferredUntil = until
      return
    }
    deferredUntil = nil
    // A stream quiet for `quietMargin` has written all of its last second: what it holds of it is applied, as batch
    // analysis does at the end (history read at start is all quiet).
    box.sink.engine.settleQuiet(before: now - Self.quietMargin)
    // A stream that still holds a new boot's first lines gives them up once quiet: until then the boot before is
    // not reported as ended (unless its stamps run ahead of this clock, as a misread zone makes them).
    if let held = box.sink.engine.heldBootStartLatest, held + Self.quietMargin >= now,
      held + Self.quietMargin - now <= 2 * Self.quietMargin
    {
      deferredUntil = held + Self.quietMargin
      return
    }
    // Host-less inputs (datastore logs) and notices are placed as `analyze` places them.
    Analyzer.attachFolderHosts(registry, explicit: options.host)
    let placed = Analyzer.placement(registry: registry, hostMap: hostMap())
    var result = Analyzer.result(
      engine: box.sink.engine, registry: registry, options: AnalysisOptions(paths: [], ingest: options.ingest),
      hits: box.sink.rules.hits, notices: notices, folderHost: placed.folderHost, noticeHost: placed.noticeHost,
      kernelDumps: kernelDumps)
    applyDeaths(&result)
    lastResult = result
    var fresh: [TailEvent] = []
    var newOpened = Set<String>()
    for e in TailEventDeriver.events(result) where !emitted.contains(e.key) && (e.time ?? .max) > checkpoint.horizon {
      var e = e
      if case .incident(let i, _) = e.payload, let cut = e.key.lastIndex(of: "|") {
        let base = String(e.key[..<cut])
        let opened = !openedIncidents.contains(base) && !newOpened.contains(base)
        newOpened.insert(base)
        e.payload = .incident(i, opened: opened)
      }
      fresh.append(e)
    }
    guard !fresh.isEmpty else {
      writeMetrics(result)
      return
    }
    fresh.sort { a, b in
      let ta = a.time ?? .min
      let tb = b.time ?? .min
      return ta != tb ? ta < tb : a.rank < b.rank
    }
    write(fresh)
    for e in fresh {
      checkpoint.add(key: e.key, time: e.time)
      remember(e.key)
    }
    checkpoint.prune()
    saveCheckpoint()
    writeMetrics(result)
  }

  /// Writes events and fsyncs the output (the checkpoint is saved only after this).
  func write(_ events: [TailEvent]) {
    guard !events.isEmpty else { return }
    var text = ""
    for e in events {
      text += options.format == .ndjson ? e.json(inputs: registry.inputs) : e.text(inputs: registry.inputs)
      text += "\n"
    }
    if let e = output.write(text) { warnings?("output: \(e)") }
    counters.eventsEmitted += events.count
  }

  func saveCheckpoint() {
    checkpoint.files = files.compactMap(\.position)
    var cursors: [String: String] = [:]
    for (j, _) in journals { if let c = j.cursor { cursors[j.label] = c } }
    checkpoint.journals = cursors
    if let path = options.outputPath, let id = output.identity() {
      checkpoint.outputPath = path
      checkpoint.outputInode = id.inode
      checkpoint.outputOffset = id.size
    }
    if !store.save(checkpoint) { warnings?("cannot save the checkpoint in \(store.directory)") }
  }

  func writeMetrics(_ result: AnalysisResult) {
    guard let path = options.metricsPath else { return }
    CheckpointStore.writeAtomically(path, TailMetrics.render(result, counters))
  }

  /// Adds the daemon's last heartbeat before each unclean stop to the boot it falls in: as evidence, and as the
  /// boot's last sign of life when the logs end earlier.
  func applyDeaths(_ result: inout AnalysisResult) {
    for d in checkpoint.deaths {
      let hostIndex = result.hosts.firstIndex { $0.name == d.host || $0.aliases.contains(d.host) }
        ?? (result.hosts.count == 1 ? 0 : nil)
      guard let h = hostIndex else { continue }
      let boots = result.hosts[h].boots
      guard let b = boots.lastIndex(where: { ($0.start ?? .min) <= d.lastHeartbeat }) else { continue }
      if let end = boots[b].end, end <= d.lastHeartbeat { continue }
      var boot = boots[b]
      boot.evidence.append(
        EvidenceRecord(
          kind: .daemonHeartbeat, time: d.lastHeartbeat, location: SourceLocation(input: stateInput, line: 0),
          message: "last heartbeat of flatline tail, which then stopped without its clean-stop flag "
            + "(the daemon, and likely the host, died after this time)"))
      if boot.lastSignOfLife.map({ $0 < d.lastHeartbeat }) ?? true {
        boot.lastSignOfLife = d.lastHeartbeat
        if let end = boot.end, boot.ending != .unknown { boot.downtime = max(0, end - d.lastHeartbeat) }
        for i in result.incidents.indices where result.incidents[i].host == result.hosts[h].name
          && result.incidents[i].bootID == boot.id
        {
          result.incidents[i].lastSignOfLife = d.lastHeartbeat
          if let at = result.incidents[i].bootAt { result.incidents[i].downtime = max(0, at - d.lastHeartbeat) }
        }
      }
      result.hosts[h].boots[b] = boot
    }
  }

  static func sanitize(_ key: String) -> String {
    String(key.map { c -> Character in c == "\"" || c == "\\" || c == "\n" || c == "\r" ? "_" : c })
  }
}

/// Turns an analysis into keyed events (every fact it shows; the caller drops those already emitted).
enum TailEventDeriver {
  static func events(_ r: AnalysisResult) -> [TailEvent] {
    var out: [TailEvent] = []
    func key(_ s: String) -> String { TailService.sanitize(s) }
    for h in r.hosts {
      for (j, b) in h.boots.enumerated() {
        if let s = b.start {
          out.append(
            TailEvent(kind: .bootStarted, key: key("boot-started|\(h.name)|\(s)"), time: s, host: h.name, payload: .boot(b)))
        }
        // A boot has ended when the next one has begun (a shutdown marker alone can still be withdrawn by later
        // activity). Keyed by its start, or by its end when it began before the data.
        if j + 1 < h.boots.count, b.ending != .running {
          let t = b.end ?? b.lastSignOfLife
          let k = b.start.map { "\($0)" } ?? t.map { "end:\($0)" } ?? "id:\(b.id)"
          out.append(
            TailEvent(kind: .bootEnded, key: key("boot-ended|\(h.name)|\(k)"), time: t, host: h.name, payload: .boot(b)))
        }
      }
    }
    for i in r.incidents {
      let at = i.bootAt ?? i.lastSignOfLife ?? 0
      let fingerprint = "\(i.cause.rawValue),\(i.datastoreEvents.count),\(i.cloudNotices.count),"
        + "\(Int((i.confidence * 100).rounded()))"
      out.append(
        TailEvent(
          kind: .incident, key: key("incident|\(i.host)|\(at)|\(fingerprint)"), time: i.bootAt ?? i.lastSignOfLife,
          host: i.host, payload: .incident(i, opened: true)))
    }
    for f in r.findings {
      let k = "finding|\(f.host)|\(f.hit.ruleID)|\(f.hit.time)|\(fnv(f.hit.message))"
      out.append(TailEvent(kind: .finding, key: key(k), time: f.hit.time, host: f.host, payload: .finding(f)))
    }
    for (n, host) in r.notices {
      let k = "notice|\(n.provider.rawValue)|\(n.eventType)|\(n.start ?? 0)|\(fnv(n.resources.joined(separator: ",") + n.text))"
      out.append(TailEvent(kind: .notice, key: key(k), time: n.start, host: host, payload: .notice(n)))
    }
    return out
  }

  /// FNV-1a of a string, in hex (short stable key part for free text).
  static func fnv(_ s: String) -> String {
    var h: UInt64 = 0xcbf2_9ce4_8422_2325
    for b in s.utf8 {
      h ^= UInt64(b)
      h = h &* 0x100_0000_01b3
    }
    return String(h, radix: 16)
  }
}

/// The event output: a file opened for appending (fsync'd after each batch; reopened on SIGHUP for log
/// rotation), or standard output.
final class EventOutput {
  let path: String?
  private var fd: Int32 = -1

  init(path: String?) { self.path = path }

  func open() -> String? {
    guard let path else {
      fd = STDOUT_FILENO
      return nil
    }
    fd = Glibc.open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o640)
    return fd < 0 ? "cannot open \(path): \(LineReader.errnoText(errno))" : nil
  }

  func reopen() {
    guard path != nil else { return }
    close()
    _ = open()
  }

  func close() {
    if fd >= 0 && fd != STDOUT_FILENO { Glibc.close(fd) }
    fd = -1
  }

  /// Appends `text` and fsyncs (files only). Returns an error text on failure.
  func write(_ text: String) -> String? {
    guard fd >= 0 else { return "not open" }
    guard CheckpointStore.writeAll(fd, Array(text.utf8)) else { return "write failed: \(LineReader.errnoText(errno))" }
    if path != nil && fsync(fd) != 0 { return "fsync failed: \(LineReader.errnoText(errno))" }
    return nil
  }

  /// Inode and size of the open output file.
  func identity() -> (inode: UInt64, size: Int64)? {
    guard path != nil, fd >= 0 else { return nil }
    var st = stat()
    guard fstat(fd, &st) == 0 else { return nil }
    return (UInt64(st.st_ino), Int64(st.st_size))
  }

  static func read(path: String, from offset: Int64) -> String? {
    let fd = Glibc.open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return nil }
    defer { Glibc.close(fd) }
    var out: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 1 << 16)
    var off = off_t(offset)
    while true {
      let n = chunk.withUnsafeMutableBytes { pread(fd, $0.baseAddress, $0.count, off) }
      if n < 0 && errno == EINTR { continue }
      if n <= 0 { break }
      out.append(contentsOf: chunk[0..<n])
      off += off_t(n)
    }
    return String(decoding: out, as: UTF8.self)
  }
}
