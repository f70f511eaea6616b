#if canImport(Glibc)
  import Glibc
#endif

/// What to analyse and how.
public struct AnalysisOptions: Sendable {
  public var paths: [String]
  public var ingest: IngestOptions
  public var since: Int64?
  public var until: Int64?
  public var host: String?
  /// Notice files or folders given with `--notices` (read in addition to notices found among `paths`).
  public var noticePaths: [String]
  /// `--host-map FILE`: instance → host pairs.
  public var hostMapPath: String?
  /// `--rules FILE|DIR`: user rule files added to the built-in rules (see `RuleLoader`).
  public var rulePaths: [String]
  /// `--jobs N`: how many syslog rotation sets — or chunks of one big plain syslog file — are read at once (1: one
  /// after the other). The result is the same for every N (see `ParallelIngest`, `SplitIngest`).
  public var jobs: Int = 1

  public init(paths: [String], ingest: IngestOptions = IngestOptions(), since: Int64? = nil, until: Int64? = nil,
    host: String? = nil, noticePaths: [String] = [], hostMapPath: String? = nil, rulePaths: [String] = [])
  {
    self.paths = paths
    self.ingest = ingest
    self.since = since
    self.until = until
    self.host = host
    self.noticePaths = noticePaths
    self.hostMapPath = hostMapPath
    self.rulePaths = rulePaths
  }
}

/// The façade: discover → ingest → detect → merge hosts → result. The CLI and the tests call this.
public enum Analyzer {
  public static func run(_ options: AnalysisOptions, warnings: (@Sendable (String) -> Void)? = nil) -> AnalysisResult {
    let registry = InputRegistry(warningHandler: warnings)
    let loaded = RuleTool.loadAll(paths: options.rulePaths)
    for e in loaded.errors { warnings?("rules: \(e.description)") }
    let inputs = Discovery.discover(paths: options.paths, registry: registry)
    // Instance IDs place notices and kernel dumps on hosts: without either, no record is scanned for them.
    var options = options
    options.ingest.learnsInstances = !options.noticePaths.isEmpty || inputs.contains {
      switch $0 {
      case .cloudNotices, .kernelDump: return true
      default: return false
      }
    }
    // Boot windows match no rules on binary journals: with nothing else to read, the matcher is not even built.
    let rulesUnused = options.ingest.journalBootWindow != nil
      && inputs.allSatisfy { if case .journalFiles = $0 { return true } else { return false } }
    var tap = AnalysisSink(
      registry: registry, rules: rulesUnused ? [] : loaded.rules, learnsInstances: options.ingest.learnsInstances)
    tap.journalRulesOff = options.ingest.journalBootWindow != nil
    let hints = YearHints(inputs, options.ingest)
    // Login records carry no host name: they are read last, when the folder's other inputs have shown theirs.
    func isLoginRecords(_ i: DiscoveredInput) -> Bool {
      switch i {
      case .wtmpSet, .wtmpDB, .auditSet: return true
      default: return false
      }
    }
    ParallelIngest.run(
      inputs.filter { !isLoginRecords($0) }, jobs: options.jobs, registry: registry, rules: loaded.rules,
      options: options.ingest, yearHints: hints, into: &tap)
    for input in inputs where isLoginRecords(input) {
      ingest(input, registry: registry, options: options.ingest, yearHints: hints, host: options.host, into: &tap)
    }
    let engine = tap.engine
    engine.finish()
    attachFolderHosts(registry, explicit: options.host)
    // Notices: those discovery found among the logs, then --notices.
    var noticePaths: [String] = []
    for case .cloudNotices(let path) in inputs { noticePaths.append(path) }
    noticePaths += options.noticePaths
    let notices = noticePaths.isEmpty ? [] : NoticeReader.read(paths: noticePaths, registry: registry)
    var hostMap = loadHostMap(path: options.hostMapPath, registry: registry)
    tap.identity.apply(to: &hostMap, registry: registry)
    var dumpPaths: [String] = []
    for case .kernelDump(let path) in inputs { dumpPaths.append(path) }
    let dumps = readKernelDumps(
      dumpPaths, registry: registry, options: options.ingest, host: options.host, hostMap: hostMap)
    let placed = placement(registry: registry, hostMap: hostMap)
    var out = result(
      engine: engine, registry: registry, options: options, hits: tap.rules.hits, notices: notices,
      folderHost: placed.folderHost, noticeHost: placed.noticeHost, kernelDumps: dumps)
    out.hostMap = hostMap
    return out
  }

  /// `--host-map`'s pairs; a file that cannot be read is listed as skipped with the reason, and the map is empty.
  static func loadHostMap(path: String?, registry: InputRegistry) -> HostMap {
    guard let path else { return HostMap() }
    do {
      return try HostMap.load(path: path)
    } catch {
      registry.skip(path: path, reason: "host map not read: \(error)")
      return HostMap()
    }
  }

  /// Where correlation puts what names no host of its own, the same in `analyze` and `tail`: a host-less input's
  /// hits go to its input's host (`attachFolderHosts`), a notice to the host its instance maps to.
  static func placement(registry: InputRegistry, hostMap: HostMap) -> (
    folderHost: (Int32) -> String?, noticeHost: (CloudNotice) -> String?
  ) {
    ({ registry[$0].host }, { hostMap.host(for: $0) })
  }

  /// Reads the kdump and pstore dumps discovery found (or tail's folders hold), once the boots are known, and gives
  /// each the host of its tree (`--host`, else the host of an instance ID in its name, else the one host its file
  /// or folder name names, else the host of its folder, `…/var/crash` taking that of `…/var/log`).
  static func readKernelDumps(
    _ paths: [String], registry: InputRegistry, options: IngestOptions, host explicit: String?,
    hostMap: HostMap = HostMap()
  ) -> [KernelDump] {
    var dumps: [KernelDump] = []
    let known = Set(registry.inputs.compactMap(\.host)).sorted()
    for path in paths {
      // The host of the instance its name holds (`i-0abc….console.txt`), or the host its name names
      // (`console-web1.txt`), before the one most seen in its folder.
      let console = ConsoleOutput.read(path: path)
      let ids = (console?.instance).map { [$0] } ?? []
      let instance = (ids + KernelDump.instanceIDs(in: path)).lazy.compactMap { hostMap.host(forInstance: $0) }.first
      let named = known.filter { KernelDump.pathNames(path, host: $0) }
      let host = explicit ?? instance ?? (named.count == 1 ? named[0] : nil)
        ?? FolderHosts.host(for: path, registry: registry)
      let index = registry.register(path: path, kind: .kernelDump, host: host)
      dumps += KernelDump.read(path: path, input: index, registry: registry, options: options, console: console)
    }
    return dumps
  }

  /// The name of a syslog stream whose lines name no host: `unknown (<folder>)`. Unlike wtmp it does not borrow
  /// the host most seen in its folder: a text log is a timeline of its own, and a folder of collected files may
  /// hold several machines' (a ChromeOS `messages` beside a server's `syslog`); merged into the wrong machine it
  /// would move that machine's last sign of life.
  static func hostlessName(_ registry: InputRegistry) -> (Int) -> String? {
    let inputs = registry.inputs
    return { stream in
      guard let input = inputs.first(where: { $0.stream == stream && $0.kind != .skipped }) else { return nil }
      return FolderHosts.unknownHost(for: input.path)
    }
  }

  /// Native datastore and agent logs name no host: they belong to `--host` when given, else to the host of their folder.
  static func attachFolderHosts(_ registry: InputRegistry, explicit: String?) {
    for i in registry.inputs.indices where registry.inputs[i].kind.isHostless && registry.inputs[i].host == nil {
      if let h = explicit ?? FolderHosts.host(for: registry.inputs[i].path, registry: registry) {
        registry.setHost(Int32(i), h)
      }
    }
  }

  /// Reads one discovered input into any sink (the engine in batch mode).
  ///
  /// `host`: the host of inputs whose records name none (wtmp); when nil, the host most seen in the input's
  /// folder among the inputs read so far (`FolderHosts`), else `unknown`. Read such inputs after the others.
  public static func ingest<S: RecordSink>(
    _ input: DiscoveredInput, registry: InputRegistry, options: IngestOptions, yearHints: YearHints = YearHints(),
    host: String? = nil, into sink: inout S
  ) {
    switch input {
    case .syslogSet(let files):
      let dir = directory(files[0])
      SyslogSource(
        files: files, registry: registry, options: options, siblingYearShift: yearHints.fileTimeShift[dir],
        journalAnchor: yearHints.journalEnd(for: dir), journalAnchorSource: yearHints.journalEndSource(for: dir),
        fileStarts: yearHints.fileStarts[files[0]],
        zoneHint: yearHints.zoneHints[files[0]], statedYear: yearHints.statedYears[files[0]]
      ).run(into: &sink)
    case .journalFiles(let files):
      JournalSource(files: files, registry: registry, options: options).run(into: &sink)
    case .pipe(let path):
      PipeSource(path: path, registry: registry, options: options).run(into: &sink)
    case .journalExport(let path), .journalJSON(let path):
      JournalStreamSource(path: path, registry: registry, options: options).run(into: &sink)
    case .datastoreLog(let path, let component, let envelope):
      var source = DatastoreLogSource(
        path: path, component: component, registry: registry, options: options, envelope: envelope)
      source.zoneHint = yearHints.zoneHint(forFileIn: directory(path))
      source.run(into: &sink)
    case .wtmpSet(let files):
      let newest = files[files.count - 1]
      let h = FolderHosts.recordsHost(for: newest, explicit: host, registry: registry)
      let stream = registry.newStream()
      for path in files {
        WtmpSource(path: path, registry: registry, options: options, host: h, stream: stream).run(into: &sink)
      }
    case .wtmpDB(let path):
      let h = FolderHosts.recordsHost(for: path, explicit: host, registry: registry)
      WtmpDBSource(path: path, registry: registry, options: options, host: h).run(into: &sink)
    case .auditSet(let files):
      let h = FolderHosts.recordsHost(for: files[0], explicit: host, registry: registry)
      AuditSource(files: files, registry: registry, options: options, host: h).run(into: &sink)
    case .cloudNotices, .kernelDump:
      break  // read once the boots are known
    }
  }

  static func directory(_ path: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return "." }
    return String(path[..<slash])
  }

  /// What the other inputs of a folder tell about the year of its dateless syslog files.
  public struct YearHints: Sendable {
    /// Per directory: by how many years the file times are off, as a syslog set with gzip members there shows, or
    /// one whose lines state their times (`YearInference.statedYear`).
    public var fileTimeShift: [String: Int] = [:]
    /// Per syslog set (keyed by its oldest file): the year its lines state, as found here (`.some(nil)`: none), so
    /// that the set's source does not look again.
    public var statedYears: [String: YearInference.StatedYear?] = [:]
    /// Per directory: the time (seconds) of the last entry of a journal there, or of an audit log (whose epoch
    /// stamps carry their year as well).
    public var journalEnd: [String: Int64] = [:]
    /// Per directory: what `journalEnd` is the last entry of (`journal`, `audit log`).
    public var journalEndKind: [String: String] = [:]

    /// The last entry of the journals in `dir` or below it (`/var/log/journal/<machine-id>/` under `/var/log`).
    public func journalEnd(for dir: String) -> Int64? {
      journalEnd.filter { Self.isInside($0.key, folder: dir) }.values.max()
    }

    /// What `journalEnd(for:)` is the last entry of.
    public func journalEndSource(for dir: String) -> String {
      let latest = journalEnd.filter { Self.isInside($0.key, folder: dir) }.max { $0.value < $1.value }
      return latest.flatMap { journalEndKind[$0.key] } ?? "journal"
    }

    /// True when directory `dir` is `folder` or lies below it.
    static func isInside(_ dir: String, folder: String) -> Bool { dir == folder || dir.hasPrefix(folder + "/") }
    /// Per syslog set (keyed by its oldest file): the heads read here, so the set's source does not read them again.
    public var fileStarts: [String: [YearInference.FileStart]] = [:]
    /// Per syslog set (keyed by its oldest file): the UTC offset it was written at, as a journal of the same machine
    /// in its folder or below shows (`ZoneHint`); only without `--timezone`.
    public var zoneHints: [String: ZoneHint] = [:]

    public init() {}

    /// For a log in `dir` whose stamps may carry no zone (a datastore's, cloud-init's): the offset the syslog sets of
    /// the nearest folder at or above `dir` that has hints show, when they all show the same one (one machine wrote
    /// them all in its zone). Its `from` names the newest file of the set it is taken from.
    func zoneHint(forFileIn dir: String) -> ZoneHint? {
      guard !zoneHints.isEmpty else { return nil }
      let hinted = zoneHints.map { (dir: Analyzer.directory($0.key), hint: $0.value) }
        .filter { Self.isInside(dir, folder: $0.dir) }
      guard let nearest = hinted.map(\.dir).max(by: { $0.count < $1.count }) else { return nil }
      let here = hinted.filter { $0.dir == nearest }.map(\.hint)
      guard let first = here.first, here.allSatisfy({ $0.offset == first.offset }) else { return nil }
      var hint = first
      if hint.from == nil { hint.from = first.set }
      return hint
    }

    init(_ inputs: [DiscoveredInput], _ options: IngestOptions) {
      if options.timeZone == nil { findZoneHints(inputs) }
      guard options.year == nil, let zone = LocalTimeConverter(identifier: options.timeZone) else { return }
      // Journal ends only anchor the year of dateless syslog sets: without one, no journal is opened for them.
      let hasSyslog = inputs.contains { if case .syslogSet = $0 { return true } else { return false } }
      for input in inputs {
        switch input {
        case .syslogSet(let files):
          let dir = directory(files[0])
          guard fileTimeShift[dir] == nil else { continue }
          let starts = files.map { YearInference.fileStart(path: $0) }
          fileStarts[files[0]] = starts
          let stated = YearInference.statedYear(files: files)
          statedYears[files[0]] = .some(stated)
          if let shift = YearInference.fileTimeShift(starts: starts, names: files, converter: zone, stated: stated) {
            fileTimeShift[dir] = shift
          }
        case .journalFiles(let files) where hasSyslog:
          noteJournalEnd(directory(files[0]), JournalTail.lastRealtime(input))
        case .journalExport(let path) where hasSyslog, .journalJSON(let path) where hasSyslog:
          noteJournalEnd(directory(path), JournalTail.lastRealtime(input))
        case .auditSet(let files) where hasSyslog:
          noteJournalEnd(directory(files[files.count - 1]), JournalTail.lastRealtime(input), kind: "audit log")
        case .wtmpSet(let files) where hasSyslog:
          noteJournalEnd(directory(files[files.count - 1]), JournalTail.lastRealtime(input), kind: "wtmp")
        case .wtmpDB(let path) where hasSyslog:
          noteJournalEnd(directory(path), JournalTail.lastRealtime(input), kind: "wtmpdb")
        default:
          break
        }
      }
    }

    private mutating func findZoneHints(_ inputs: [DiscoveredInput]) {
      let journals = inputs.compactMap { input -> (dir: String, input: DiscoveredInput)? in
        switch input {
        case .journalFiles(let files): return (directory(files[0]), input)
        case .journalExport(let path), .journalJSON(let path): return (directory(path), input)
        default: return nil
        }
      }
      // Without a journal (RHEL's is volatile by default), a wtmp's logins in the same folder.
      let wtmps = inputs.flatMap { input -> [(dir: String, path: String)] in
        if case .wtmpSet(let files) = input { return files.reversed().map { (directory($0), $0) } } else { return [] }
      }
      // Or its audit log's events (the newest file), in the folder or one below it (`audit/audit.log`).
      let audits = inputs.compactMap { input -> (dir: String, path: String)? in
        if case .auditSet(let files) = input, let newest = files.last { return (directory(newest), newest) }
        return nil
      }
      // Each journal's last entries, each wtmp's logins and each audit log's events are read once, for all the sets
      // they are compared with.
      var entryCache: [Int: [(time: Int64, key: ZoneHint.Key)]] = [:]
      var loginCache: [String: [ZoneHint.Login]] = [:]
      var auditCache: [String: [ZoneHint.AuditEvent]] = [:]
      // The journal each set's hint came from (its first lines are looked up there too, below).
      var hintJournal: [String: DiscoveredInput] = [:]
      for case .syslogSet(let files) in inputs {
        let dir = directory(files[0])
        for (k, j) in journals.enumerated() where Self.isInside(j.dir, folder: dir) {
          let entries = {
            if let e = entryCache[k] { return e }
            let e = ZoneHint.lastEntries(j.input)
            entryCache[k] = e
            return e
          }
          if let hint = ZoneHint.find(syslog: files, entries: entries) {
            store(hint, for: files)
            hintJournal[files[0]] = j.input
            break
          }
        }
        guard zoneHints[files[0]] == nil else { continue }
        for w in wtmps where w.dir == dir {
          if loginCache[w.path] == nil { loginCache[w.path] = ZoneHint.logins(wtmp: w.path) }
          if let hint = ZoneHint.findFromLogins(syslog: files, logins: loginCache[w.path]!) {
            store(hint, for: files)
            break
          }
        }
        for a in audits where zoneHints[files[0]] == nil && (a.dir == dir || directory(a.dir) == dir) {
          if auditCache[a.path] == nil { auditCache[a.path] = ZoneHint.auditEvents(path: a.path) }
          if let hint = ZoneHint.findFromAudit(syslog: files, events: auditCache[a.path]!) {
            store(hint, for: files)
          }
        }
        // Nothing of the machine to compare with: the times its programs state in their lines.
        if zoneHints[files[0]] == nil, let hint = ZoneHint.findFromStatedTimes(syslog: files) {
          store(hint, for: files)
        }
      }
      // Sets whose own lines cannot show the offset take that of their folder's sets of the same machine.
      let sets = inputs.compactMap { input -> [String]? in
        if case .syslogSet(let files) = input { return files } else { return nil }
      }
      // A set whose first lines state times at another offset spans a daylight-saving change: it is read in a zone
      // that has both (a fixed offset put the lines before the change an hour off, away from the provider's notices
      // and the journal's boots).
      for files in sets {
        guard var hint = zoneHints[files[0]], hint.zone == nil,
          let start = ZoneHint.startOffset(syslog: files)
            ?? hintJournal[files[0]].flatMap({ ZoneHint.startOffset(syslog: files, journal: $0, hint: hint) }),
          start.offset != hint.offset,
          let zone = ZoneHint.zone(start: start, end: (hint.offset, hint.at))
        else { continue }
        hint.zone = zone
        hint.startOffset = start.offset
        zoneHints[files[0]] = hint
      }
      let unhinted = sets.filter { zoneHints[$0[0]] == nil }
      guard !unhinted.isEmpty else { return }
      // (The host of each hinted set's last line is read once.)
      let hinted = sets.compactMap { files in
        zoneHints[files[0]].map { (files: files, hint: $0, host: ZoneHint.lastHost(files)) }
      }
      guard !hinted.isEmpty else { return }
      for files in unhinted {
        let dir = directory(files[0])
        let near = hinted.filter { directory($0.files[0]) == dir }
        guard !near.isEmpty, let host = ZoneHint.lastHost(files), let hint = ZoneHint.borrowed(host: host, from: near)
        else { continue }
        store(hint, for: files)
      }
    }

    private mutating func store(_ hint: ZoneHint, for files: [String]) {
      var hint = hint
      hint.set = files[files.count - 1]
      zoneHints[files[0]] = hint
    }

    private mutating func noteJournalEnd(_ dir: String, _ t: Int64?, kind: String = "journal") {
      guard let t, t > (journalEnd[dir] ?? Int64.min) else { return }
      journalEnd[dir] = t
      journalEndKind[dir] = kind
    }
  }

  static func result(
    engine: DetectionEngine, registry: InputRegistry, options: AnalysisOptions, hits: [RuleHit] = [],
    notices: [CloudNotice] = [], folderHost: @escaping (Int32) -> String? = { _ in nil },
    noticeHost: @escaping (CloudNotice) -> String? = { _ in nil }, kernelDumps: [KernelDump] = []
  ) -> AnalysisResult {
    let dumpZone = kernelDumps.isEmpty ? nil : LocalTimeConverter(identifier: options.ingest.timeZone)
    var built: [(host: HostResult, timelines: [StreamTimeline], merged: [MergedBoot])] = []
    let merging = HostMerger.hosts(from: engine.sequencers, hostlessName: hostlessName(registry))
    // A dump whose tree names no host (journals carry their host in their entries, not in the input list) belongs
    // to the only host there is; among several, to the one its path names, else `--host` has to say.
    for d in kernelDumps where registry[d.input].host == nil && d.decisive != nil {
      // Or to the one host whose name the file's name or folder names (`console-web1.txt`, `web1/serial.log`).
      let named = merging.map { $0.0[0].name }.filter { KernelDump.pathNames(d.path, host: $0) }
      if merging.count == 1 {
        registry.setHost(d.input, merging[0].0[0].name)
      } else if named.count == 1 {
        registry.setHost(d.input, named[0])
      } else {
        registry.warnOnce(d.input, "no host's logs in this folder tree: give --host to put this crash on a boot")
      }
    }
    for (timelines, _) in merging {
      for first in HostMerger.unjudgedStartLines(timelines) {
        registry.warnOnce(
          first.input,
          "no kernel line here and no boot start in this host's logs (journal, wtmp, `Startup finished … (kernel)`): "
            + "the start lines of the syslog daemon or PID 1 (the first at line \(first.line)) are read as "
            + "restarts, so a reboot or power loss among them is not seen")
      }
    }
    for (timelines, merged) in merging {
      let lead = timelines[0]
      var aliases: [String] = []
      for t in timelines {
        for a in t.aliases + [t.name] where a != lead.name && !aliases.contains(a) && a != t.machineID { aliases.append(a) }
      }
      let machineID = timelines.compactMap(\.machineID).first
      var boots = VerdictCombiner.results(host: timelines, boots: merged)
      if !kernelDumps.isEmpty {
        let banners = merged.map { mb in mb.members.compactMap { timelines[$0.timeline].boots[$0.boot].banner }.first }
        KernelDumpMatcher.apply(
          kernelDumps, host: lead.name, aliases: aliases, rows: &boots, banners: banners, zone: dumpZone,
          registry: registry)
      }
      built.append((HostResult(name: lead.name, aliases: aliases, machineID: machineID, boots: boots), timelines, merged))
    }
    built.sort { $0.host.name < $1.host.name }
    let hosts = built.map(\.host)
    var locator = BootLocator()
    for (i, b) in built.enumerated() {
      locator.add(host: i, timelines: b.timelines, merged: b.merged, ids: b.host.boots.map(\.id))
    }
    // Correlate over everything, then apply the filters to what is shown.
    let inputs = registry.inputs
    let correlator = Correlator(
      hosts: hosts, inputs: inputs, locator: locator, folderHost: folderHost, noticeHost: noticeHost)
    let (incidents, findings) = correlator.correlate(hits: hits, notices: notices)
    let wanted: (String) -> Bool = { name in
      guard let want = options.host?.lowercased() else { return true }
      guard let h = hosts.first(where: { $0.name == name }) else { return name.lowercased() == want }
      return h.name.lowercased() == want || h.aliases.contains { $0.lowercased() == want } || h.machineID == want
    }
    let shownHosts = hosts.filter { wanted($0.name) }.map { h -> HostResult in
      var h = h
      h.boots = h.boots.filter { overlaps($0, options.since, options.until) }
      return h
    }
    func inRange(_ t: Int64?) -> Bool {
      guard let t, t != Record.noTime else { return true }
      if let s = options.since, t < s { return false }
      if let u = options.until, t > u { return false }
      return true
    }
    var now = timespec()
    clock_gettime(CLOCK_REALTIME, &now)
    let generatedAt = Int64(now.tv_sec) * 1_000_000 + Int64(now.tv_nsec / 1000)
    var result = AnalysisResult(generatedAt: generatedAt, inputs: registry.inputs, hosts: shownHosts)
    result.incidents = incidents.filter { i in
      wanted(i.host) && shownHosts.contains { $0.name == i.host && $0.boots.contains { $0.id == i.bootID } }
    }
    result.findings = findings.filter { wanted($0.host) && inRange($0.hit.time) }
    result.notices = notices.map { n in (n, correlator.hostIndex(of: n).map { hosts[$0].name }) }
      .filter { $0.1.map(wanted) ?? (options.host == nil) }
    return result
  }

  static func overlaps(_ b: BootResult, _ since: Int64?, _ until: Int64?) -> Bool {
    if let s = since, let endish = b.end ?? b.lastSignOfLife, endish < s, b.ending != .running { return false }
    if let u = until, let start = b.start, start > u { return false }
    return true
  }
}
