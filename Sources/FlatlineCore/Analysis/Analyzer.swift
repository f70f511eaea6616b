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
  /// `--rules FILE|DIR`: user rule files added to the built-in rules (see `RuleLoader`).
  public var rulePaths: [String]

  public init(paths: [String], ingest: IngestOptions = IngestOptions(), since: Int64? = nil, until: Int64? = nil,
    host: String? = nil, rulePaths: [String] = [])
  {
    self.paths = paths
    self.ingest = ingest
    self.since = since
    self.until = until
    self.host = host
    self.rulePaths = rulePaths
  }
}

/// The façade: discover → ingest → detect → merge hosts → result. The CLI and the tests call this.
public enum Analyzer {
  public static func run(_ options: AnalysisOptions, warnings: (@Sendable (String) -> Void)? = nil) -> AnalysisResult {
    let registry = InputRegistry(warningHandler: warnings)
    var engine = DetectionEngine(registry: registry)
    let inputs = Discovery.discover(paths: options.paths, registry: registry)
    let shifts = siblingYearShifts(inputs, options.ingest)
    for input in inputs {
      ingest(input, registry: registry, options: options.ingest, yearShifts: shifts, into: &engine)
    }
    engine.finish()
    return result(engine: engine, registry: registry, options: options)
  }

  /// Reads one discovered input into any sink (the engine in batch mode).
  public static func ingest<S: RecordSink>(
    _ input: DiscoveredInput, registry: InputRegistry, options: IngestOptions, yearShifts: [String: Int] = [:],
    into sink: inout S
  ) {
    switch input {
    case .syslogSet(let files):
      SyslogSource(files: files, registry: registry, options: options, siblingYearShift: yearShifts[directory(files[0])])
        .run(into: &sink)
    case .journalFiles(let files):
      JournalSource(files: files, registry: registry, options: options).run(into: &sink)
    case .journalExport(let path), .journalJSON(let path):
      JournalStreamSource(path: path, registry: registry, options: options).run(into: &sink)
    case .wtmp, .datastoreLog, .cloudNotices:
      break  // read by their own sources (wtmp, datastore logs) or by the correlation stage (notices)
    }
  }

  static func directory(_ path: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return "." }
    return String(path[..<slash])
  }

  /// Per directory: by how many years the file times are off, as a syslog set with gzip members there shows.
  static func siblingYearShifts(_ inputs: [DiscoveredInput], _ options: IngestOptions) -> [String: Int] {
    guard options.year == nil, let zone = LocalTimeConverter(identifier: options.timeZone) else { return [:] }
    var out: [String: Int] = [:]
    for case .syslogSet(let files) in inputs {
      let dir = directory(files[0])
      guard out[dir] == nil else { continue }
      let starts = files.map { YearInference.fileStart(path: $0) }
      if let shift = YearInference.fileTimeShift(starts: starts, names: files, converter: zone) { out[dir] = shift }
    }
    return out
  }

  static func result(engine: DetectionEngine, registry: InputRegistry, options: AnalysisOptions) -> AnalysisResult {
    var hosts: [HostResult] = []
    for (timelines, merged) in HostMerger.hosts(from: engine.sequencers) {
      let lead = timelines[0]
      var aliases: [String] = []
      for t in timelines {
        for a in t.aliases + [t.name] where a != lead.name && !aliases.contains(a) && a != t.machineID { aliases.append(a) }
      }
      let machineID = timelines.compactMap(\.machineID).first
      var boots = VerdictCombiner.results(host: timelines, boots: merged)
      boots = boots.filter { overlaps($0, options.since, options.until) }
      let host = HostResult(name: lead.name, aliases: aliases, machineID: machineID, boots: boots)
      if let want = options.host {
        let w = want.lowercased()
        guard host.name.lowercased() == w || host.aliases.contains(where: { $0.lowercased() == w })
          || host.machineID == w
        else { continue }
      }
      hosts.append(host)
    }
    hosts.sort { $0.name < $1.name }
    var now = timespec()
    clock_gettime(CLOCK_REALTIME, &now)
    let generatedAt = Int64(now.tv_sec) * 1_000_000 + Int64(now.tv_nsec / 1000)
    return AnalysisResult(generatedAt: generatedAt, inputs: registry.inputs, hosts: hosts)
  }

  static func overlaps(_ b: BootResult, _ since: Int64?, _ until: Int64?) -> Bool {
    if let s = since, let endish = b.end ?? b.lastSignOfLife, endish < s, b.ending != .running { return false }
    if let u = until, let start = b.start, start > u { return false }
    return true
  }
}
