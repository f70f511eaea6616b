import FlatlineBenchKit
import Foundation
import Testing

@testable import FlatlineCore

/// The benchmark's generator (small sizes) and `--jobs`: a fast wrong answer must not pass, and parallel reading
/// must not change the answer.
@Suite struct BenchCorpusTests {
  static func tempDir(_ name: String) -> String {
    let d = NSTemporaryDirectory() + "flatline-bench-test-\(getpid())-\(name)"
    try? FileManager.default.createDirectory(atPath: d, withIntermediateDirectories: true)
    return d
  }

  static func summary(_ r: AnalysisResult) -> [String: Int] {
    var hits: [String: Int] = [:]
    for f in r.findings { hits[f.hit.ruleID, default: 0] += 1 }
    for i in r.incidents { for e in i.datastoreEvents { hits[e.hit.ruleID, default: 0] += 1 } }
    return hits
  }

  @Test func generatorIsDeterministic() throws {
    let d = Self.tempDir("det")
    defer { try? FileManager.default.removeItem(atPath: d) }
    let a = try SyslogCorpus(targetBytes: 300_000, seed: 7).write(to: d + "/a")
    let b = try SyslogCorpus(targetBytes: 300_000, seed: 7).write(to: d + "/b")
    #expect(a == b)
    #expect(FileManager.default.contentsEqual(atPath: d + "/a", andPath: d + "/b"))
    #expect(a.bytes >= 300_000 && a.bytes < 400_000)
  }

  @Test func analysisFindsWhatWasPlanted() throws {
    let d = Self.tempDir("truth")
    defer { try? FileManager.default.removeItem(atPath: d) }
    let truth = try SyslogCorpus(targetBytes: 2_000_000, seed: 11).write(to: d + "/syslog")
    let r = Analyzer.run(AnalysisOptions(paths: [d], ingest: IngestOptions(year: 2024, timeZone: "UTC")))
    #expect(truth.boots == 14 && truth.unclean == 4)
    #expect(truth.differences(boots: r.bootCount, unclean: r.uncleanCount, hits: Self.summary(r)) == [])
    #expect(r.inputs.first?.records == truth.records)
  }

  @Test func plantedLinesFireTheirRulesAndFillerFiresNone() {
    let m = RuleMatcher(rules: BuiltinRules.all)
    let planted: [(String, String, Bool, String)] = [
      ("Database page corruption on disk or a failed file read of page [page id: space=3, page number=7]. You may have to recover from a backup.", "mysqld", false, SyslogCorpus.Planted.mysqlPageCorruption),
      ("EXT4-fs error (device nvme1n1p1): ext4_lookup:1855: inode #1234: comm nginx: deleted inode referenced: 99", "kernel", true, SyslogCorpus.Planted.ext4Error),
      ("EXT4-fs (nvme0n1p1): recovery complete", "kernel", true, SyslogCorpus.Planted.ext4Recovery),
    ]
    for (line, ident, kernel, id) in planted {
      #expect(m.match(line: line, identifier: ident, isKernel: kernel).map(\.rule.id) == [id])
    }
  }

  @Test func jobsGiveTheSameReport() throws {
    let d = Self.tempDir("jobs")
    defer { try? FileManager.default.removeItem(atPath: d) }
    for (k, plan) in HostPlan.fleet.prefix(3).enumerated() {
      try FileManager.default.createDirectory(atPath: "\(d)/\(plan.name)", withIntermediateDirectories: true)
      let p = HostPlan(name: plan.name, role: plan.role, reboots: [(0.5, k == 1)])
      try SyslogCorpus(plans: [p], targetBytes: 200_000, seed: UInt64(k)).write(to: "\(d)/\(plan.name)/syslog")
    }
    let samples = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent("SampleLogs").path
    func report(_ jobs: Int) -> String {
      var o = AnalysisOptions(paths: [d, samples], ingest: IngestOptions(year: 2024, timeZone: "UTC"))
      o.jobs = jobs
      return JSONReporter.render(Analyzer.run(o), generatedAt: 0)
    }
    let one = report(1)
    #expect(one.contains("web-01"))
    #expect(report(2) == one)
    #expect(report(3) == one)
  }
}
