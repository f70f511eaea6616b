import FlatlineCore
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// The timed process: `flatline analyze -o json` on the given paths (same `Analyzer.run` and JSON rendering; the
/// report goes nowhere), then a summary line the parent checks against the planted truth:
/// `boots N unclean N hits id=count,id=count`. With `--boots`: `flatline boots` instead (journal boot windows,
/// the text table; no rule hits).
enum Child {
  static func run(_ args: [String]) -> Int32 {
    var jobs = 1
    var rules: [String] = []
    var paths: [String] = []
    var boots = false
    var i = 0
    while i < args.count {
      switch args[i] {
      case "--jobs":
        i += 1
        jobs = Int(args[i]) ?? 1
      case "--boots":
        boots = true
      case "--rules":
        i += 1
        rules.append(args[i])
      default: paths.append(args[i])
      }
      i += 1
    }
    var options = AnalysisOptions(
      paths: paths,
      ingest: IngestOptions(
        year: 2024, timeZone: "UTC", journalBootWindow: boots ? IngestOptions.defaultJournalBootWindow : nil),
      rulePaths: rules)
    options.jobs = jobs
    let result = Analyzer.run(options) { message in
      FileHandle.standardError.write(Data("flatline: warning: \(message)\n".utf8))
    }
    let json = boots ? TextReporter(color: false).boots(result) : JSONReporter.render(result)
    var hits: [String: Int] = [:]
    for f in result.findings { hits[f.hit.ruleID, default: 0] += 1 }
    for inc in result.incidents {
      for e in inc.datastoreEvents { hits[e.hit.ruleID, default: 0] += 1 }
    }
    let list = hits.keys.sorted().map { "\($0)=\(hits[$0]!)" }.joined(separator: ",")
    print("boots \(result.bootCount) unclean \(result.uncleanCount) json \(json.utf8.count) hits \(list)")
    return 0
  }
}
