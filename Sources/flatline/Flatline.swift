import ArgumentParser
import FlatlineCore
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

@main
struct Flatline: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "flatline",
    abstract: "Find out how every boot of a Linux host ended, from its logs.",
    discussion: """
      Reads syslog files (plain, rotated, gzip) and systemd journals (binary, export, JSON) and decides for \
      every boot whether it ended with a clean shutdown or reboot, a power loss, a kernel panic, a watchdog \
      reset, or in a way the data cannot show. Exit status: 0 analysis done; 1 with --fail-on unclean when an \
      unclean ending was found; 2 usage error or no readable input.
      """,
    version: FlatlineVersion.string,
    subcommands: [Analyze.self, Boots.self, Rules.self, Tail.self],
    defaultSubcommand: Analyze.self
  )

  /// Like ParsableCommand.main(), but usage errors exit with 2 (documented), not sysexits' 64.
  static func main() {
    do {
      var command = try parseAsRoot()
      try command.run()
    } catch {
      let code = exitCode(for: error)
      if code == .validationFailure {
        printError(fullMessage(for: error) + "\n")
        Foundation.exit(2)
      }
      exit(withError: error)
    }
  }
}

enum OutputFormat: String, ExpressibleByArgument, CaseIterable {
  case text
  case json
}

/// How logs are read, shared by `analyze`, `boots` and `tail`.
struct ReadingOptions: ParsableArguments {
  @Option(
    help: ArgumentHelp(
      "Time zone of syslog stamps without an offset (IANA name). Default: this machine's; analyze and boots "
        + "take the offset at which a syslog set's last lines match the same machine's journal in its folder."))
  var timezone: String?

  @Option(help: "Year of the first dateless (RFC 3164) line of each log set; later lines roll over.")
  var year: Int?

  @Option(name: .customLong("rules"), help: "Detection rules to add: a YAML file or a directory of them (repeatable).")
  var rules: [String] = []

  @Option(
    help: ArgumentHelp(
      "Cloud-provider or operator notices: a file or a folder (repeatable). See docs/notices.md.",
      valueName: "path"))
  var notices: [String] = []

  func validate() throws {
    if let timezone, !CivilTime.isValidTimeZone(timezone) {
      throw ValidationError("--timezone: unknown time zone '\(timezone)'")
    }
    if let year, !(1970...2200).contains(year) { throw ValidationError("--year: \(year) is not a plausible year") }
    for path in notices where !FileManager.default.fileExists(atPath: path) {
      throw ValidationError("--notices: \(path): no such file or directory")
    }
    if !rules.isEmpty {
      let errors = RuleLoader.load(paths: rules).errors
      if !errors.isEmpty {
        throw ValidationError("--rules: \(errors.count) error(s)\n" + errors.map(\.description).joined(separator: "\n"))
      }
    }
  }

  var ingest: IngestOptions { IngestOptions(year: year, timeZone: timezone) }
}

struct InputOptions: ParsableArguments {
  @Argument(help: "Log files or directories (default: /var/log). Use - to read stdin: syslog text (plain or compressed), or a journal export or JSON stream.")
  var paths: [String] = []

  @Option(help: "Only boots that overlap this time and later (RFC 3339, YYYY-MM-DD, 'YYYY-MM-DD HH:MM:SS', @unix).")
  var since: String?

  @Option(help: "Only boots that started before this time.")
  var until: String?

  @Option(help: "Only this host (name, alias or machine ID).")
  var host: String?

  @OptionGroup var reading: ReadingOptions

  @Option(name: [.customShort("o"), .long], help: "Output format: text or json.")
  var format: OutputFormat = .text

  @Option(help: hostMapHelp)
  var hostMap: String?

  @Option(help: "Read this many syslog rotation sets (or chunks of a big syslog file, or boots of a binary journal folder) at once (default: the number of CPUs); the result is the same.")
  var jobs: Int?

  func analysisOptions() throws -> AnalysisOptions {
    func time(_ s: String?, _ flag: String) throws -> Int64? {
      guard let s else { return nil }
      guard let t = CivilTime.parse(s, timeZone: reading.timezone) else {
        throw ValidationError("\(flag): cannot read '\(s)' as a time (use RFC 3339, YYYY-MM-DD or @unix)")
      }
      return t
    }
    try checkHostMap(hostMap)
    if let jobs, !(1...256).contains(jobs) { throw ValidationError("--jobs: \(jobs) is not between 1 and 256") }
    var options = AnalysisOptions(
      paths: paths.isEmpty ? ["/var/log"] : paths,
      ingest: reading.ingest,
      since: try time(since, "--since"), until: try time(until, "--until"), host: host,
      noticePaths: reading.notices, hostMapPath: hostMap, rulePaths: reading.rules)
    options.jobs = jobs ?? ProcessInfo.processInfo.activeProcessorCount
    return options
  }
}

/// Runs the analysis, printing warnings to stderr; exits 2 when nothing could be read.
func runAnalysis(_ options: AnalysisOptions) throws -> AnalysisResult {
  let result = Analyzer.run(options) { message in
    printError("flatline: warning: \(message)\n")
  }
  if !result.inputs.contains(where: { $0.kind != .skipped }) {
    printError("flatline: no readable input in \(options.paths.joined(separator: ", "))\n")
    throw ExitCode(2)
  }
  return result
}

func useColor() -> Bool {
  if let v = getenv("NO_COLOR"), v.pointee != 0 { return false }
  return isatty(STDOUT_FILENO) != 0
}

func write(_ s: String) {
  FileHandle.standardOutput.write(Data(s.utf8))
}

func printError(_ s: String) {
  FileHandle.standardError.write(Data(s.utf8))
}

enum FailOn: String, ExpressibleByArgument {
  case unclean
}

struct Analyze: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "analyze",
    abstract: "Analyse logs and report how every boot ended, unclean endings first.")

  @OptionGroup var input: InputOptions

  @Option(help: "Exit with status 1 when this is found: unclean.")
  var failOn: FailOn?

  func run() throws {
    let result = try runAnalysis(try input.analysisOptions())
    switch input.format {
    case .json: JSONReporter.render(result, to: write)
    case .text: write(TextReporter(color: useColor()).analyze(result))
    }
    if failOn == .unclean && result.uncleanCount > 0 { throw ExitCode(1) }
  }
}

struct Boots: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "boots",
    abstract: "List every boot, one row each, like `last -x` or `journalctl --list-boots`.")

  @OptionGroup var input: InputOptions

  @Option(
    help: ArgumentHelp(
      "Binary journals: entries read at each end of a boot, whose bounds are found by seeking (0: read every entry).",
      valueName: "n"))
  var journalWindow = Boots.defaultJournalWindow

  /// Entries read at each end of a journal boot (see docs/architecture.md, "Boot windows").
  static let defaultJournalWindow = IngestOptions.defaultJournalBootWindow

  func validate() throws {
    guard journalWindow >= 0 else { throw ValidationError("--journal-window: must be 0 or more") }
  }

  func run() throws {
    var options = try input.analysisOptions()
    if journalWindow > 0 { options.ingest.journalBootWindow = journalWindow }
    let result = try runAnalysis(options)
    switch input.format {
    case .json: JSONReporter.render(result, to: write)
    case .text: write(TextReporter(color: useColor()).boots(result))
    }
  }
}

struct Rules: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "rules",
    abstract: "List, check and try detection rules (built-in and YAML user rules; see docs/rules.md).",
    subcommands: [List.self, Check.self, Test.self])

  struct List: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "list", abstract: "List every rule: built-in, plus those of --rules.")

    @Option(name: .customLong("rules"), help: "User rules to add: a YAML file or a directory (repeatable).")
    var rules: [String] = []

    @Option(name: [.customShort("o"), .long], help: "Output format: text or json.")
    var format: OutputFormat = .text

    func run() throws {
      let loaded = RuleTool.loadAll(paths: rules)
      for e in loaded.errors { printError("\(e)\n") }
      write(RuleTool.list(loaded.rules, json: format == .json))
      if !loaded.errors.isEmpty { throw ExitCode(1) }
    }
  }

  struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "check",
      abstract: "Validate rule files; print each problem as file:line: message (exit 1 when there is any).")

    @Argument(help: "YAML rule files or directories.")
    var files: [String]

    func run() throws {
      let r = RuleTool.check(paths: files)
      write(r.output)
      if !r.ok { throw ExitCode(1) }
    }
  }

  struct Test: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "test",
      abstract: "Show which lines of a log file fire which rule of a rule file.",
      discussion: """
        Each firing line is printed as LOG-FILE:line: rule-id (component/category): message. Lines with a syslog \
        header are matched with their program name and message; other lines whole, as a native log of kind --log \
        or with the program name --identifier.
        """)

    @Argument(help: "YAML rule file or directory ('builtin' for the built-in rules).")
    var ruleFile: String

    @Argument(help: "Log file (plain or gzip).")
    var logFile: String

    @Flag(help: "Also match the built-in rules.")
    var builtin = false

    @Option(help: "Treat every line as a native log of this kind (postgresql, mysql, mongodb, redis…).")
    var log: String?

    @Option(help: "Program name for lines without a syslog header.")
    var identifier: String?

    func run() throws {
      var rules: [Rule] = []
      if ruleFile == "builtin" {
        rules = BuiltinRules.all
      } else {
        let loaded = RuleLoader.load(path: ruleFile, existingIDs: builtin ? nil : [])
        for e in loaded.errors { printError("\(e)\n") }
        if !loaded.errors.isEmpty { throw ExitCode(1) }
        rules = (builtin ? BuiltinRules.all : []) + loaded.rules
      }
      let r = RuleTool.test(rules: rules, logFile: logFile, logKind: log, identifier: identifier)
      if let error = r.error {
        printError("flatline: \(error)\n")
        throw ExitCode(2)
      }
      write(RuleTool.format(r.hits, logFile: logFile))
    }
  }
}

enum TailFormat: String, ExpressibleByArgument, CaseIterable {
  case ndjson
  case text
}

/// `flatline tail`: the streaming daemon (docs/tail.md). All logic is in FlatlineCore's `TailService`.
struct Tail: ParsableCommand {
  static let configuration = CommandConfiguration(
    commandName: "tail",
    abstract: "Follow journals and log files and emit events as boots end (the streaming daemon).",
    discussion: """
      With no PATH, follows the local system journal and what analyze reads in /var/log (syslog, wtmp, the audit \
      log, datastore logs…). Analyses the history first, then follows. Events are NDJSON (docs/schema/event.schema.json). SIGTERM/SIGINT: flush and \
      exit 0; SIGHUP: reopen the output file and reload rules. See docs/tail.md.
      """
  )

  @Argument(help: "Log files (followed by name across rotation), directories, journal directories, and - for syslog text or a journal dump (journalctl -o json or export) on stdin.")
  var paths: [String] = []

  @Flag(help: "Also follow the local system journal (implied when no PATH is given).")
  var journal = false

  @Option(help: ArgumentHelp("Checkpoint, heartbeat and clean-stop flag.", valueName: "dir"))
  var stateDir = "/var/lib/flatline"

  @Option(help: "Event format: ndjson or text.")
  var format: TailFormat = .ndjson

  @Option(help: ArgumentHelp("Append events to this file (default: standard output).", valueName: "file"))
  var output: String?

  @Option(help: ArgumentHelp("Prometheus textfile-collector metrics, rewritten atomically.", valueName: "file"))
  var metricsFile: String?

  @Option(help: ArgumentHelp("Seconds between heartbeats.", valueName: "seconds"))
  var heartbeat = 60

  @Option(help: "Host the heartbeat speaks for (default: this machine's host name).")
  var host: String?

  @OptionGroup var reading: ReadingOptions

  @Option(help: hostMapHelp)
  var hostMap: String?

  func validate() throws {
    guard heartbeat >= 1 else { throw ValidationError("--heartbeat must be at least 1 second") }
    try checkHostMap(hostMap)
  }

  func run() throws {
    let options = TailOptions(
      paths: paths, journal: journal, stateDirectory: stateDir,
      format: format == .ndjson ? .ndjson : .text, outputPath: output, metricsPath: metricsFile,
      heartbeatSeconds: heartbeat, rulePaths: reading.rules, noticePaths: reading.notices,
      ingest: reading.ingest, host: host, hostMapPath: hostMap)
    let service = TailService(options: options) { message in
      printError("flatline: warning: \(message)\n")
    }
    let status = service.run()
    if status != 0 { throw ExitCode(status) }
  }
}

/// `--host-map` of `analyze` and `tail`.
let hostMapHelp = ArgumentHelp(
  "Instance-to-host map: YAML/JSON 'instance: host' pairs or text lines 'instance host'.", valueName: "file")

/// `--host-map` is read before anything starts: a file with errors stops the command with the file's line.
func checkHostMap(_ path: String?) throws {
  guard let path else { return }
  do {
    _ = try HostMap.load(path: path)
  } catch {
    throw ValidationError("--host-map: \(error)")
  }
}
