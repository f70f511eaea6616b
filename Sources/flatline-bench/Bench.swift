import FlatlineBenchKit
import FlatlineCore
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// One timed run of a process: wall time and peak RSS (from `wait4`'s rusage of that child alone).
struct Sample {
  var seconds: Double
  var rssKiB: Int
  var stdout: String
  var status: Int32
}

/// A row of the result table (medians over the runs).
struct Row {
  var corpus: String
  var tool: String
  var seconds: Double
  var bytes: Int
  var records: Int
  var rssKiB: Int
  /// Flatline's throughput divided by this row's (set on reference rows).
  var ratioNote: String = ""
}

final class Bench {
  let dir: String
  let runs: Int
  let scale: Double
  var rows: [Row] = []
  var failures: [String] = []
  var notes: [String] = []
  let selfPath: String
  let pattern = "Linux version|exiting on signal|database system was interrupted|EXT4-fs error"

  var syslogBig = ""
  var syslogSmall = ""
  var multiDir = ""
  var journalDir = ""
  var truthBig = PlantedTruth()
  var truthSmall = PlantedTruth()
  var truthMulti = PlantedTruth()
  var truthJournal = PlantedTruth()
  var rulesDir = ""

  init(dir: String, runs: Int, scale: Double) {
    self.dir = dir
    self.runs = max(1, runs)
    self.scale = scale
    var buf = [CChar](repeating: 0, count: 4096)
    let n = readlink("/proc/self/exe", &buf, buf.count - 1)
    selfPath =
      n > 0 ? String(decoding: buf[0..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self) : CommandLine.arguments[0]
  }

  // MARK: - Corpora

  func prepare(syslog: Bool, multi: Bool, journal: Bool) throws {
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    let gib = Int(Double(1 << 30) * scale)
    if syslog {
      syslogBig = "\(dir)/syslog-1g/syslog"
      truthBig = try corpus(syslogBig, seed: 1) { try SyslogCorpus(targetBytes: gib, seed: 1).write(to: $0) }
      syslogSmall = "\(dir)/syslog-100m/syslog"
      truthSmall = try corpus(syslogSmall, seed: 2) { try SyslogCorpus(targetBytes: gib / 10, seed: 2).write(to: $0) }
      rulesDir = "\(dir)/rules-10x"
      try SyntheticRules.write(dir: rulesDir, count: BuiltinRules.all.count * 9)
    }
    if multi {
      // A log server's tree: one folder per host, each a rotation set (syslog.1, syslog) of ~128 MiB files.
      multiDir = "\(dir)/multi"
      var total = PlantedTruth()
      for (k, plan) in HostPlan.fleet.prefix(4).enumerated() {
        let host = plan.name
        // One host per folder: its reboots spread over the two files of the set.
        var older = HostPlan(name: host, role: plan.role, reboots: [(0.5, k % 2 == 0)])
        older.reboots = [(0.5, k % 2 == 0)]
        let newer = HostPlan(name: host, role: plan.role, reboots: [(0.4, true)])
        var g1 = SyslogCorpus(plans: [older], targetBytes: gib / 8, seed: UInt64(100 + k))
        var g2 = SyslogCorpus(plans: [newer], targetBytes: gib / 8, seed: UInt64(200 + k))
        g1.start = 1_709_251_200
        g2.start = g1.start + g1.spanSeconds + 3600
        // The newer file continues the last boot of the older one: no boot banner at its start.
        g2.continuing = true
        var t1 = try corpus("\(multiDir)/\(host)/syslog.1", seed: UInt64(100 + k)) { try g1.write(to: $0) }
        let t2 = try corpus("\(multiDir)/\(host)/syslog", seed: UInt64(200 + k)) { try g2.write(to: $0) }
        t1.boots -= 1  // the running boot of syslog.1 is the first boot of syslog
        total = total + t1 + t2
      }
      truthMulti = total
    }
    if journal {
      journalDir = "\(dir)/journal"
      let path = "\(journalDir)/system.journal"
      let entries = Int(750_000 * scale)
      truthJournal = try corpus(path, seed: 3) { file in
        // systemd-journal-remote rotates into `system@….journal` siblings: remove an older generation's too, or
        // the folder would hold every entry twice.
        let old = ((try? FileManager.default.contentsOfDirectory(atPath: journalDir)) ?? [])
          .filter { $0 == "system.journal" || ($0.hasPrefix("system@") && $0.hasSuffix(".journal")) }
        for name in old { try? FileManager.default.removeItem(atPath: "\(journalDir)/\(name)") }
        return try makeJournal(file, entries: entries)
      }
    }
  }

  /// Reuses `path` when its truth file says it was generated with this seed and size; else generates it.
  func corpus(_ path: String, seed: UInt64, _ make: (String) throws -> PlantedTruth) throws -> PlantedTruth {
    // Kept outside the corpus folders (Flatline would list them as skipped inputs).
    let truthPath = "\(dir)/truth-" + path.dropFirst(dir.count + 1).replacingOccurrences(of: "/", with: "_")
    let stamp = "seed \(seed) scale \(scale) v3"
    if let old = Optional(path + ".truth"), FileManager.default.fileExists(atPath: old) { try? FileManager.default.removeItem(atPath: old) }
    let folder = (path as NSString).deletingLastPathComponent
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    if let text = try? String(contentsOfFile: truthPath, encoding: .utf8), text.hasPrefix(stamp + "\n"),
      FileManager.default.fileExists(atPath: path),
      let t = PlantedTruth(text: String(text.dropFirst(stamp.count + 1)))
    {
      return t
    }
    let t0 = now()
    print("generating \(path)…")
    let t = try make(path)
    try (stamp + "\n" + t.text).write(toFile: truthPath, atomically: true, encoding: .utf8)
    print(String(format: "  %.1f MB, %d records in %.1f s", Double(t.bytes) / 1e6, t.records, now() - t0))
    return t
  }

  /// Export text → `systemd-journal-remote` → one journal file.
  func makeJournal(_ file: String, entries: Int) throws -> PlantedTruth {
    let remote = ["/usr/lib/systemd/systemd-journal-remote", "/lib/systemd/systemd-journal-remote"]
      .first { FileManager.default.isExecutableFile(atPath: $0) }
    guard let remote else { throw GeneratorError("systemd-journal-remote not found (apt install systemd-journal-remote)") }
    let export = file + ".export"
    let fd = open(export, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    guard fd >= 0 else { throw GeneratorError("cannot write \(export)") }
    let t = try JournalCorpus(entries: entries, seed: 3).write(fd: fd)
    close(fd)
    let s = try spawn([remote, "--split-mode=none", "-o", file, export], stdoutToNull: true)
    unlink(export)
    guard s.status == 0 else { throw GeneratorError("systemd-journal-remote failed (\(s.status))") }
    return t
  }

  // MARK: - Cases

  func syslogCases() throws {
    for (name, path, truth) in [("syslog 1 GiB", syslogBig, truthBig), ("syslog 100 MiB", syslogSmall, truthSmall)] {
      var tools: [(String, [String])] = [
        ("flatline --jobs 1", [selfPath, "child", "--jobs", "1", path]),
        ("cat > /dev/null", ["/bin/cat", path]),
        ("grep -cE (4 markers)", ["/usr/bin/grep", "-cE", pattern, path]),
      ]
      if let rg = which("rg") { tools.append(("rg -c (4 markers)", [rg, "-c", pattern, path])) }
      if path == syslogBig { tools.insert((Self.splitTool, [selfPath, "child", "--jobs", "2", path]), at: 1) }
      try compare(corpus: name, bytes: truth.bytes, records: truth.records, truth: truth, tools: tools)
    }
    let one = rows.firstIndex { $0.corpus == "syslog 1 GiB" && $0.tool == "flatline --jobs 1" }
    let two = rows.firstIndex { $0.corpus == "syslog 1 GiB" && $0.tool == Self.splitTool }
    if let one, let two {
      let ratio = rows[one].seconds / rows[two].seconds
      rows[two].ratioNote = String(format: "%.2f× the --jobs 1 throughput", ratio)
      notes.append(String(format: "--jobs 2 ÷ --jobs 1 throughput on the one 1 GiB file (split into chunks): %.2f× (bar ≥ 1.7×)", ratio))
    }
    // The time ratio comes from runs of the two files alternating with each other, so that a change in the
    // machine's speed between the two parts above does not land on one file only.
    var big: [Sample] = []
    var small: [Sample] = []
    for _ in 0..<runs {
      big.append(try spawn([selfPath, "child", "--jobs", "1", syslogBig], stdoutToNull: false))
      small.append(try spawn([selfPath, "child", "--jobs", "1", syslogSmall], stdoutToNull: false))
    }
    check(corpus: "syslog 1 GiB", tool: "flatline --jobs 1 (time ratio)", big, truth: truthBig)
    check(corpus: "syslog 100 MiB", tool: "flatline --jobs 1 (time ratio)", small, truth: truthSmall)
    let (b, s) = (median(big.map(\.seconds)), median(small.map(\.seconds)))
    notes.append(
      String(format: "time ratio 1 GiB ÷ 100 MiB, runs alternating: %.3f s ÷ %.3f s = %.2f (bar ≤ 11)", b, s, b / s))
  }

  static let splitTool = "flatline --jobs 2 (one file split)"

  func rulesCase() throws {
    let n = BuiltinRules.all.count
    // Both runs alternate here, so that the ratio does not depend on how fast the machine was during the syslog part.
    try compare(
      corpus: "syslog 1 GiB", bytes: truthBig.bytes, records: truthBig.records, truth: truthBig,
      tools: [
        ("flatline --jobs 1, \(n) built-in rules", [selfPath, "child", "--jobs", "1", syslogBig]),
        ("flatline --jobs 1, \(n * 10) rules", [selfPath, "child", "--jobs", "1", "--rules", rulesDir, syslogBig]),
      ])
    if rows.count >= 2 {
      let base = rows[rows.count - 2]
      let ratio = base.seconds / rows[rows.count - 1].seconds
      rows[rows.count - 1].ratioNote = String(format: "%.2f× the built-in-rules run", ratio)
    }
  }

  func multiCase() throws {
    let truth = truthMulti
    try compare(
      corpus: "4 hosts × rotation set", bytes: truth.bytes, records: truth.records, truth: truth,
      tools: [
        ("flatline --jobs 1", [selfPath, "child", "--jobs", "1", multiDir]),
        ("flatline --jobs 2", [selfPath, "child", "--jobs", "2", multiDir]),
        ("cat > /dev/null", ["/bin/sh", "-c", "cat \(multiDir)/*/* > /dev/null"]),
      ])
    let r = rows.suffix(3)
    if let one = r.first(where: { $0.tool == "flatline --jobs 1" }), let two = r.first(where: { $0.tool == "flatline --jobs 2" }) {
      notes.append(String(format: "--jobs 2 ÷ --jobs 1 throughput on the rotation sets: %.2f× (bar ≥ 1.7×)", one.seconds / two.seconds))
    }
  }

  func journalCases() throws {
    // systemd-journal-remote rotates (header limits): the corpus is every file of the folder.
    let files = ((try? FileManager.default.contentsOfDirectory(atPath: journalDir)) ?? [])
      .filter { $0.hasSuffix(".journal") }.map { "\(journalDir)/\($0)" }
    let size = files.reduce(0) { $0 + ((try? FileManager.default.attributesOfItem(atPath: $1)[.size] as? Int) ?? 0) }
    try compare(
      corpus: "journal \(truthJournal.records / 1000)k entries", bytes: size, records: truthJournal.records,
      truth: truthJournal,
      tools: [
        ("flatline --jobs 1", [selfPath, "child", "--jobs", "1", journalDir]),
        ("flatline --jobs 2", [selfPath, "child", "--jobs", "2", journalDir]),
        ("journalctl -o cat", ["/usr/bin/journalctl", "--directory", journalDir, "-o", "cat"]),
        ("flatline boots", [selfPath, "child", "--boots", journalDir]),
        ("journalctl --list-boots", ["/usr/bin/journalctl", "--directory", journalDir, "--list-boots", "--no-pager"]),
      ])
    let scan = rows.suffix(5)
    if let two = scan.first(where: { $0.tool == "flatline --jobs 2" }),
      let cat = scan.first(where: { $0.tool == "journalctl -o cat" })
    {
      notes.append(
        String(format: "flatline --jobs 2 on the journal: %.2f M entries/s, %.2f× journalctl -o cat (bar ≥ 0.5 M entries/s, ≥ 1.6×)",
          Double(truthJournal.records) / two.seconds / 1e6, cat.seconds / two.seconds))
    }
    let r = rows.suffix(2)
    if let boots = r.first, let list = r.last, boots.tool == "flatline boots" {
      rows[rows.count - 1].ratioNote = String(format: "flatline boots %.2f× this", list.seconds / boots.seconds)
      notes.append(
        String(format: "flatline boots on the journal: %.0f ms (bar ≤ 50 ms; journalctl --list-boots %.0f ms)",
          boots.seconds * 1000, list.seconds * 1000))
    }
  }

  // MARK: - Running

  /// Runs every tool `runs` times, alternating, and records medians; checks Flatline's summary line.
  func compare(corpus: String, bytes: Int, records: Int, truth: PlantedTruth, tools: [(String, [String])]) throws {
    var samples = [[Sample]](repeating: [], count: tools.count)
    // One untimed read of the corpus first: a machine may have dropped its pages from the page cache since they
    // were written (this VM pages out file pages idle for about a minute), and the first timed round would read
    // the disk.
    if let warm = tools.first(where: { $0.0.hasPrefix("cat") || $0.0 == "journalctl -o cat" }) {
      _ = try spawn(warm.1, stdoutToNull: true)
    }
    for _ in 0..<runs {
      for (k, t) in tools.enumerated() {
        // GNU grep stops at the first match when its output is /dev/null: give it a file.
        let toFile = t.0.hasPrefix("flatline") || t.0.hasPrefix("grep") || t.0.hasPrefix("rg")
        let s = try spawn(t.1, stdoutToNull: !toFile)
        if s.status != 0 && !t.0.hasPrefix("grep") && !t.0.hasPrefix("rg") {
          failures.append("\(corpus) / \(t.0): exit status \(s.status)")
        }
        samples[k].append(s)
      }
    }
    var flatlineSeconds: Double?
    var twoJobsSeconds: Double?
    for (k, t) in tools.enumerated() {
      let secs = median(samples[k].map(\.seconds))
      let rss = samples[k].map(\.rssKiB).max() ?? 0
      var row = Row(corpus: corpus, tool: t.0, seconds: secs, bytes: bytes, records: records, rssKiB: rss)
      if t.0 == "flatline --jobs 1" { flatlineSeconds = secs }
      if t.0 == "flatline --jobs 2" { twoJobsSeconds = secs }
      if !t.0.hasPrefix("flatline"), !t.0.contains("list-boots"), let f = flatlineSeconds {
        row.ratioNote = String(format: "Flatline %.2f× this", secs / f)
        if let f2 = twoJobsSeconds { row.ratioNote += String(format: " (--jobs 2: %.2f×)", secs / f2) }
      }
      rows.append(row)
      if t.0.hasPrefix("flatline") {
        check(corpus: corpus, tool: t.0, samples[k], truth: truth, hits: t.0 != "flatline boots")
      }
    }
  }

  /// `hits: false` (flatline boots, which matches no rules on journals): boots and unclean endings only.
  func check(corpus: String, tool: String, _ samples: [Sample], truth: PlantedTruth, hits checkHits: Bool = true) {
    for s in samples {
      let line = s.stdout.split(separator: "\n").last.map(String.init) ?? ""
      let f = line.split(separator: " ")
      guard f.count >= 6, f[0] == "boots", f[2] == "unclean", let b = Int(f[1]), let u = Int(f[3]) else {
        failures.append("\(corpus) / \(tool): no summary (\(line))")
        return
      }
      var hits: [String: Int] = [:]
      if f.count >= 8 {
        for kv in f[7].split(separator: ",") {
          let p = kv.split(separator: "=")
          if p.count == 2 { hits[String(p[0])] = Int(p[1]) }
        }
      }
      let diffs = truth.differences(boots: b, unclean: u, hits: checkHits ? hits : truth.hits)
      if !diffs.isEmpty {
        failures.append("\(corpus) / \(tool): answer differs from the planted truth: " + diffs.joined(separator: "; "))
        return
      }
    }
  }

  func spawn(_ argv0: [String], stdoutToNull: Bool) throws -> Sample {
    let outPath = "\(dir)/.stdout-\(getpid())"
    let rssPath = "\(dir)/.rss-\(getpid())"
    // Peak RSS through GNU time: a posix_spawn child's own maxrss includes this process's pages (vfork).
    let timed = FileManager.default.isExecutableFile(atPath: "/usr/bin/time")
    let argv = timed ? ["/usr/bin/time", "-f", "%M", "-o", rssPath] + argv0 : argv0
    var fa = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&fa)
    defer { posix_spawn_file_actions_destroy(&fa) }
    posix_spawn_file_actions_addopen(&fa, 1, stdoutToNull ? "/dev/null" : outPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    var cargs = argv.map { strdup($0) } + [nil]
    defer { for p in cargs { free(p) } }
    var pid: pid_t = 0
    let t0 = now()
    let rc = posix_spawn(&pid, argv[0], &fa, nil, &cargs, environ)
    guard rc == 0 else { throw GeneratorError("cannot run \(argv[0]): \(String(cString: strerror(rc)))") }
    var status: Int32 = 0
    var ru = rusage()
    while wait4(pid, &status, 0, &ru) < 0 && errno == EINTR {}
    let secs = now() - t0
    let out = stdoutToNull ? "" : ((try? String(contentsOfFile: outPath, encoding: .utf8)) ?? "")
    if !stdoutToNull { unlink(outPath) }
    let code = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    var rss = Int(ru.ru_maxrss)
    if timed, let t = try? String(contentsOfFile: rssPath, encoding: .utf8),
      let v = Int(t.split(separator: "\n").last.map(String.init) ?? "")
    {
      rss = v
    }
    if timed { unlink(rssPath) }
    return Sample(seconds: secs, rssKiB: rss, stdout: out, status: code)
  }

  /// The tool's path: the first directory of `PATH` that has it (rg often lives in `~/.cargo/bin` or a Python
  /// environment), else the system directories.
  func which(_ name: String) -> String? {
    let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
    let dirs = path.split(separator: ":").map(String.init).filter { !$0.isEmpty } + ["/usr/bin", "/usr/local/bin", "/bin"]
    for d in dirs where FileManager.default.isExecutableFile(atPath: "\(d)/\(name)") {
      return "\(d)/\(name)"
    }
    return nil
  }

  // MARK: - Output

  func printTable() {
    print("")
    print("| Corpus | Tool | Wall (median) | MB/s | M records/s | Peak RSS | Ratio |")
    print("|---|---|---:|---:|---:|---:|---|")
    for r in rows {
      let mbs = Double(r.bytes) / 1e6 / r.seconds
      let rps = Double(r.records) / 1e6 / r.seconds
      print(String(format: "| %@ | %@ | %.3f s | %.0f | %.2f | %.1f MiB | %@ |", r.corpus, r.tool, r.seconds, mbs, rps,
        Double(r.rssKiB) / 1024, r.ratioNote))
    }
    for n in notes { print("- " + n) }
    print("")
    if failures.isEmpty {
      print("check: every Flatline run found exactly the planted boots, unclean endings and rule hits")
    } else {
      for f in failures { print("FAILED: " + f) }
    }
  }
}

func now() -> Double {
  var ts = timespec()
  clock_gettime(CLOCK_MONOTONIC, &ts)
  return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
}

func median(_ xs: [Double]) -> Double {
  let s = xs.sorted()
  guard !s.isEmpty else { return 0 }
  return s.count % 2 == 1 ? s[s.count / 2] : (s[s.count / 2 - 1] + s[s.count / 2]) / 2
}
