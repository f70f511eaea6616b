import Foundation
import Testing
@testable import FlatlineCore

/// The rule engine: Aho–Corasick, source dispatch, anchors + regex, captures, hit collection, scaling.
@Suite struct RuleMatcherTests {
  /// The automaton reports exactly the occurrences a naive search finds (random texts over a small alphabet,
  /// overlapping patterns, patterns that are suffixes or prefixes of others).
  @Test func ahoCorasickAgreesWithNaiveSearch() {
    var rng = SplitMix(seed: 42)
    let alphabet: [UInt8] = Array("abc d".utf8)
    for _ in 0..<200 {
      let patterns: [[UInt8]] = (0..<Int(rng.next() % 6 + 1)).map { _ in
        (0..<Int(rng.next() % 4 + 1)).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] }
      }
      let text: [UInt8] = (0..<Int(rng.next() % 60)).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] }
      let ac = AhoCorasick(patterns: patterns)
      var got: [Int: Int] = [:]
      text.withBytes { b in ac.scan(b) { got[Int($0), default: 0] += 1 } }
      for (i, p) in patterns.enumerated() {
        var n = 0
        if p.count <= text.count {
          for s in 0...(text.count - p.count) where Array(text[s..<(s + p.count)]) == p { n += 1 }
        }
        #expect((got[i] ?? 0) == n, "pattern \(p) in \(text)")
      }
    }
  }

  /// The Wu–Manber prefilter says "occurs" exactly when a naive search finds one of the literals (random texts
  /// over a small alphabet so that near-misses and overlaps are common; 2- and 3-byte blocks).
  @Test func literalPrefilterAgreesWithNaiveSearch() {
    var rng = SplitMix(seed: 7)
    let alphabet: [UInt8] = Array("abcd e".utf8)
    var checked = 0
    for _ in 0..<400 {
      let literals: [[UInt8]] = (0..<Int(rng.next() % 5 + 1)).map { _ in
        (0..<Int(rng.next() % 6 + 3)).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] }
      }
      guard let filter = LiteralPrefilter(literals: literals) else {
        Issue.record("no prefilter for literals of 3+ bytes")
        continue
      }
      let text: [UInt8] = (0..<Int(rng.next() % 80)).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] }
      var expected = false
      for p in literals where p.count <= text.count {
        for s in 0...(text.count - p.count) where Array(text[s..<(s + p.count)]) == p { expected = true }
      }
      let got = text.withBytes { filter.occursIn($0) }
      #expect(got == expected, "literals \(literals) in \(text)")
      checked += 1
    }
    #expect(checked == 400)
    #expect(LiteralPrefilter(literals: [Array("ab".utf8)]) == nil)
  }

  /// Texts long enough to be scanned as two halves or four quarters at once: a literal planted anywhere (across
  /// the middle or a quarter's end, at either end) is found, and texts without one are passed.
  @Test func literalPrefilterScansLongTextsInHalves() {
    var rng = SplitMix(seed: 11)
    let alphabet: [UInt8] = Array("abcdefghijk ".utf8)
    var found = 0
    var passed = 0
    for _ in 0..<1200 {
      // Shortest lengths 4, 6 and 10: 2-, 3- and 4-byte blocks; 24: windows longer than most anchors.
      let shortest = [4, 6, 10, 24][Int(rng.next() % 4)]
      let literals: [[UInt8]] = (0..<Int(rng.next() % 8 + 1)).map { _ in
        (0..<Int(rng.next() % 8) + shortest).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] }
      }
      guard let filter = LiteralPrefilter(literals: literals) else {
        Issue.record("no prefilter for literals of 4+ bytes")
        continue
      }
      var text: [UInt8] = (0..<Int(rng.next() % 400 + 40)).map { _ in
        alphabet[Int(rng.next() % UInt64(alphabet.count))]
      }
      if rng.next() % 2 == 0 {
        let lit = literals[Int(rng.next() % UInt64(literals.count))]
        let q = text.count / 4
        let places = [
          0, text.count / 2 - lit.count / 2, text.count / 2 - 1, text.count - lit.count, q - lit.count / 2, q,
          3 * q - 1, 3 * q,
        ].map { min(max(0, $0), text.count - lit.count) }
        let anywhere = Int(rng.next() % UInt64(text.count - lit.count + 1))
        let at = rng.next() % 3 == 0 ? anywhere : places[Int(rng.next() % UInt64(places.count))]
        text.replaceSubrange(at..<(at + lit.count), with: lit)
      }
      var expected = false
      for p in literals where p.count <= text.count {
        for s in 0...(text.count - p.count) where Array(text[s..<(s + p.count)]) == p { expected = true }
      }
      let got = text.withBytes { filter.occursIn($0) }
      #expect(got == expected, "literals \(literals) in \(text)")
      if expected { found += 1 } else { passed += 1 }
    }
    #expect(found > 400 && passed > 200)
  }

  /// Hundreds of literals (a big table, scanned through its bitmap of marked blocks) agree with a naive search.
  @Test func literalPrefilterWithManyLiterals() throws {
    var rng = SplitMix(seed: 23)
    let alphabet: [UInt8] = Array("abcdefghijklmnopqrstuvwxyz :-0123".utf8)
    func word(_ n: Int) -> [UInt8] { (0..<n).map { _ in alphabet[Int(rng.next() % UInt64(alphabet.count))] } }
    let literals = (0..<300).map { _ in word(12 + Int(rng.next() % 10)) }
    let filter = try #require(LiteralPrefilter(literals: literals))
    #expect(filter.isMarked)
    var found = 0
    for round in 0..<400 {
      var text = word(Int(rng.next() % 300 + 20))
      if round % 2 == 0 {
        let lit = literals[Int(rng.next() % UInt64(literals.count))]
        if lit.count <= text.count {
          let at = Int(rng.next() % UInt64(text.count - lit.count + 1))
          text.replaceSubrange(at..<(at + lit.count), with: lit)
        }
      }
      var expected = false
      for p in literals where p.count <= text.count {
        for s in 0...(text.count - p.count) where Array(text[s..<(s + p.count)]) == p { expected = true }
      }
      #expect(text.withBytes { filter.occursIn($0) } == expected)
      if expected { found += 1 }
    }
    #expect(found > 150 && found < 400)
  }

  @Test func anchorsMustAllOccurAndRegexMustMatch() {
    let r = Rule(
      id: "t.two", title: "t", component: "t", category: .corruption, severity: .error, anchors: ["alpha", "beta"],
      regex: #"code=(?<code>\d+)"#)
    let m = RuleMatcher(rules: [r])
    #expect(m.match(line: "alpha only code=1").isEmpty)
    #expect(m.match(line: "beta alpha but no code").isEmpty)
    let hit = m.match(line: "beta then alpha code=42")
    #expect(hit.count == 1)
    #expect(hit.first?.captures == ["code": "42"])
    #expect(m.match(line: "Alpha Beta code=1").isEmpty)  // case-sensitive
  }

  @Test func sourceFilterDispatch() {
    let kernel = Rule(
      id: "k.x", title: "k", component: "k", category: .storageError, severity: .error,
      filter: RuleFilter(kernel: true), anchors: ["I/O error"])
    let pg = Rule(
      id: "p.x", title: "p", component: "p", category: .uncleanStart, severity: .warning,
      filter: RuleFilter(identifiers: ["postgres*"], logs: ["postgresql"]), anchors: ["I/O error"])
    let any = Rule(id: "a.x", title: "a", component: "a", category: .corruption, severity: .info, anchors: ["I/O error"])
    let m = RuleMatcher(rules: [kernel, pg, any])
    func ids(_ r: [RuleMatch]) -> [String] { r.map(\.rule.id) }
    #expect(ids(m.match(line: "I/O error", isKernel: true)) == ["k.x", "a.x"])
    #expect(ids(m.match(line: "I/O error", identifier: "postgres")) == ["p.x", "a.x"])
    #expect(ids(m.match(line: "I/O error", identifier: "postgresql-16")) == ["p.x", "a.x"])
    #expect(ids(m.match(line: "I/O error", identifier: "postgre")) == ["a.x"])
    #expect(ids(m.match(line: "I/O error", logKind: "postgresql")) == ["p.x", "a.x"])
    #expect(ids(m.match(line: "I/O error", logKind: "mysql")) == ["a.x"])
    #expect(ids(m.match(line: "I/O error", identifier: "cron")) == ["a.x"])
    // The cached dispatch gives the same answer the second time.
    #expect(ids(m.match(line: "I/O error", identifier: "postgres")) == ["p.x", "a.x"])
    #expect(ids(m.match(line: "no error here", identifier: "postgres")).isEmpty)
  }

  /// Once a matcher has dispatched many records, short identifiers go through a direct-mapped memo keyed by their
  /// words (`Bytes.shortKey`): identifiers of every length up to 17 that differ in one byte only, in the first,
  /// a middle or the last position, with and without the kernel flag and a log kind, still reach their own rules.
  /// A fresh matcher for each question (which never uses the memo) gives the expected answer; a memo of one slot
  /// makes every source evict the one before it.
  @Test func recentSourceMemoKeepsSourcesApart() {
    let alphabet = Array("abcdefghijklmnopq".utf8)
    var names: [String] = []
    for n in 1...17 {
      let base = Array(alphabet[0..<n])
      names.append(String(decoding: base, as: UTF8.self))
      for k in Set([0, n / 2, n - 1]) {
        var v = base
        v[k] = UInt8(ascii: "Z")
        names.append(String(decoding: v, as: UTF8.self))
      }
    }
    // A rule per name for half of the names (every other one), so that neighbours differ in their rules.
    var rules: [Rule] = []
    for (i, name) in names.enumerated() where i % 2 == 0 {
      rules.append(
        Rule(
          id: "memo.r\(i)", title: "t", component: "c", category: .corruption, severity: .info,
          filter: RuleFilter(identifiers: [name]), anchors: ["marker"]))
    }
    rules.append(
      Rule(
        id: "memo.kernel", title: "k", component: "k", category: .storageError, severity: .error,
        filter: RuleFilter(kernel: true), anchors: ["marker"]))
    rules.append(
      Rule(
        id: "memo.log", title: "l", component: "l", category: .corruption, severity: .info,
        filter: RuleFilter(logs: ["pglog"]), anchors: ["marker"]))
    func ids(_ r: [RuleMatch]) -> [String] { r.map(\.rule.id) }
    // One slot: every source replaces the one before it, so only an exact key compare gives the right group.
    for slots in [1, 256] {
      let m = RuleMatcher(rules: rules, recentSlots: slots)
      var asked = 0
      for _ in 0..<4 {
        for name in names {
          for (kernel, log) in [(false, nil), (true, nil), (false, "pglog")] as [(Bool, String?)] {
            let got = ids(m.match(line: "a marker here", identifier: name, logKind: log, isKernel: kernel))
            let want = ids(RuleMatcher(rules: rules).match(
              line: "a marker here", identifier: name, logKind: log, isKernel: kernel))
            #expect(got == want, "\(name) kernel \(kernel) log \(log ?? "-") slots \(slots)")
            asked += 1
          }
        }
      }
      #expect(asked > 2 * 256)
    }
  }

  @Test func globPatterns() {
    func g(_ p: String, _ v: String) -> Bool { Array(v.utf8).withBytes { RuleFilter.glob(p, $0) } }
    #expect(g("mysqld", "mysqld"))
    #expect(!g("mysqld", "mysqld_safe"))
    #expect(g("mysql*", "mysqld_safe"))
    #expect(g("mysql*", "mysql"))
    #expect(!g("mysql*", "mysq"))
    #expect(g("*", ""))
    #expect(RuleFilter.isValidPattern("a*"))
    #expect(!RuleFilter.isValidPattern("*a"))
    #expect(!RuleFilter.isValidPattern(""))
  }

  @Test func postgresLastKnownUpIsCaptured() {
    let m = RuleMatcher(rules: BuiltinRules.all)
    let hits = m.match(
      line: "2020-12-14 19:57:35.373 UTC [25] LOG:  database system was interrupted; last known up at 2020-12-14 19:56:14 UTC",
      logKind: "postgresql")
    #expect(hits.map(\.rule.id) == ["postgresql.interrupted"])
    #expect(hits.first?.captures["lastKnownUp"] == "2020-12-14 19:56:14 UTC")
    let cest = m.match(
      line: "2025-01-21 18:37:49.793 CET [78779] LOG:  database system was interrupted; last known up at 2025-01-21 18:32:48.123 CEST",
      identifier: "postgres")
    #expect(cest.first?.captures["lastKnownUp"] == "2025-01-21 18:32:48.123 CEST")
  }

  /// Ten times the built-in rules (copies with new ids, half of them with altered anchors) give exactly the
  /// built-in hits plus the copies' hits, on every example line of the catalog.
  @Test func tenfoldRulesGiveTheSameHits() {
    let base = BuiltinRules.all
    var many = base
    for k in 1..<10 {
      for r in base {
        var c = r
        c.id = "copy\(k).\(r.id)"
        if k % 2 == 0 { c.anchors = r.anchors.map { $0 + "\u{1}\(k)" } }  // never present: must not fire
        many.append(c)
      }
    }
    let one = RuleMatcher(rules: base)
    let ten = RuleMatcher(rules: many)
    for r in base {
      for ex in r.matchExamples + r.noMatchExamples {
        let a = one.match(example: ex, filter: r.filter).map(\.rule.id)
        let b = ten.match(example: ex, filter: r.filter).map(\.rule.id)
        #expect(b.filter { !$0.hasPrefix("copy") } == a, "\(ex.line)")
        for k in 1..<10 {
          let copies = b.filter { $0.hasPrefix("copy\(k).") }.map { String($0.dropFirst("copy\(k).".count)) }
          #expect(copies == (k % 2 == 0 ? [] : a), "copy \(k): \(ex.line)")
        }
      }
    }
  }

  @Test func collectorCopiesHits() {
    let registry = InputRegistry()
    let input = registry.register(path: "/var/log/postgresql/postgresql-16-main.log", kind: .datastoreLog)
    registry[input].component = "postgresql"
    let syslog = registry.register(path: "/var/log/syslog", kind: .syslog)
    let collector = RuleHitCollector(rules: BuiltinRules.all)
    let line = Array("2020-12-14 19:57:38.701 UTC [1] LOG:  all server processes terminated; reinitializing".utf8)
    line.withBytes { msg in
      collector.consume(Record(time: 1_000, input: input, line: 7, message: msg), registry: registry)
      collector.consume(Record(time: 2_000, input: syslog, line: 8, message: msg), registry: registry)  // no source
    }
    let hits = collector.takeHits()
    #expect(hits.count == 1)
    #expect(hits.first?.ruleID == "postgresql.reinitializing")
    #expect(hits.first?.location == SourceLocation(input: input, line: 7))
    #expect(hits.first?.time == 1_000)
    #expect(hits.first?.category == .crashRecovery)
    #expect(hits.first?.message.hasSuffix("reinitializing") == true)
    #expect(collector.hits.isEmpty)
  }

  /// Cost does not grow linearly with the rule count: scanning with 10× the rules takes less than 3× the time
  /// (a generous bound for a shared, noisy machine; the benchmark measures the real ratio).
  @Test func scanningCostDoesNotGrowWithRuleCount() {
    let base = BuiltinRules.all
    var many = base
    for k in 1..<10 { many += base.map { var c = $0; c.id = "copy\(k).\($0.id)"; c.anchors = $0.anchors.map { $0 + "#\(k)" }; return c } }
    let lines: [[UInt8]] = (0..<2000).map { i in
      Array("[ \(i).000] EXT4-fs (sda1): mounted filesystem with ordered data mode. Opts: (null). Quota mode: none. pad \(i)".utf8)
    }
    func time(_ m: RuleMatcher) -> Double {
      var best = Double.infinity
      for _ in 0..<5 {
        let t0 = DispatchTime.now().uptimeNanoseconds
        for l in lines { l.withBytes { b in m.forEachMatch(identifier: .empty, unit: .empty, isKernel: true, logKind: nil, message: b) { _, _ in } } }
        best = min(best, Double(DispatchTime.now().uptimeNanoseconds - t0))
      }
      return best
    }
    let a = RuleMatcher(rules: base)
    let b = RuleMatcher(rules: many)
    _ = time(a)
    _ = time(b)
    let ratio = time(b) / time(a)
    #expect(ratio < 3, "10× rules took \(ratio)× the time")
  }
}

/// A small deterministic PRNG for tests.
struct SplitMix {
  var state: UInt64
  init(seed: UInt64) { state = seed }
  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }
}
