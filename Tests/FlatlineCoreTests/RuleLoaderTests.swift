import Foundation
import Testing
@testable import FlatlineCore

/// YAML user rules: loading, validation with `file:line: message`, and the generated docs.
@Suite struct RuleLoaderTests {
  static func tempDir() -> String {
    let dir = NSTemporaryDirectory() + "flatline-rules-\(UUID().uuidString)"
    try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
  }

  static func parse(_ yaml: String, file: String = "r.yml") -> (rules: [Rule], errors: [RuleError]) {
    var seen: [String: String] = Dictionary(uniqueKeysWithValues: BuiltinRules.all.map { ($0.id, "a built-in rule") })
    return RuleLoader.parse(yaml: yaml, file: file, seenIDs: &seen)
  }

  @Test func docsExampleLoadsAndFires() throws {
    let r = Self.parse(RuleDocs.exampleYAML)
    #expect(r.errors.isEmpty, "\(r.errors)")
    let rule = try #require(r.rules.first)
    #expect(rule.id == "myapp.unclean-start")
    #expect(rule.category == .uncleanStart)
    #expect(rule.filter.identifiers == ["myapp", "myapp-*"])
    #expect(rule.filter.logs == ["myapp"])
    #expect(rule.matchExamples.count == 2)
    #expect(rule.matchExamples[1].identifier == "myapp")
    #expect(rule.origin == "r.yml:2")
    let hit = RuleMatcher(rules: [rule]).match(
      line: "stale lock file: previous run did not exit (pid 99)", identifier: "myapp-worker")
    #expect(hit.first?.captures == ["oldPid": "99"])
  }

  /// Loading the same files again gives the kept result; a changed file is read and parsed anew.
  @Test func loadingAgainSeesChangedFiles() throws {
    let dir = Self.tempDir()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let file = dir + "/r.yml"
    try RuleDocs.exampleYAML.write(toFile: file, atomically: true, encoding: .utf8)
    let first = RuleLoader.load(paths: [dir])
    #expect(first.errors.isEmpty && first.rules.map(\.id) == ["myapp.unclean-start"])
    let again = RuleLoader.load(paths: [dir])
    #expect(again.rules.map(\.id) == first.rules.map(\.id) && again.errors.isEmpty)
    try RuleDocs.exampleYAML.replacingOccurrences(of: "myapp.unclean-start", with: "myapp.other-id")
      .write(toFile: file, atomically: true, encoding: .utf8)
    #expect(RuleLoader.load(paths: [dir]).rules.map(\.id) == ["myapp.other-id"])
    try "rules: [".write(toFile: file, atomically: true, encoding: .utf8)
    let broken = RuleLoader.load(paths: [dir])
    #expect(broken.rules.isEmpty && !broken.errors.isEmpty)
    #expect(RuleLoader.load(paths: [dir]).errors == broken.errors)
  }

  @Test func bareListAndDefaults() throws {
    let r = Self.parse(
      """
      - id: app.corrupt
        title: app found a bad block
        component: app
        category: corruption
        anchors: bad block
      """)
    #expect(r.errors.isEmpty)
    let rule = try #require(r.rules.first)
    #expect(rule.severity == .warning)
    #expect(rule.filter.isEmpty)
    #expect(rule.anchors == ["bad block"])
  }

  /// Every problem is reported, each on the line where it is.
  @Test func everyErrorWithItsLine() {
    let yaml = """
      rules:
        - id: app.one
          title: one
          component: app
          category: power-cut
          severity: loud
          anchors: [x]
          colour: red
        - id: NoDots
          title: two
          component: app
          category: corruption
          anchors: [y]
        - title: three
          component: app
          category: repair
          anchors: [z]
        - id: app.four
          title: four
          component: app
          category: repair
          regex: '(unclosed'
        - id: postgresql.interrupted
          title: clash
          component: app
          category: repair
          anchors: [w]
        - id: app.six
          title: six
          component: app
          category: repair
          identifiers: ["*bad"]
          anchors: [v]
        - id: app.seven
          title: seven
          component: app
          category: repair
      """
    let r = Self.parse(yaml)
    let got = r.errors.map(\.description)
    #expect(r.rules.isEmpty)
    let expected: [(Int, String)] = [
      (5, "unknown category 'power-cut'"),
      (6, "unknown severity 'loud'"),
      (8, "unknown key 'colour'"),
      (9, "id 'NoDots' must be dotted"),
      (14, "missing 'id'"),
      (22, "regex does not compile"),
      (23, "duplicate rule id 'postgresql.interrupted' (already used by a built-in rule)"),
      (32, "pattern '*bad' may only end in '*'"),
      (34, "needs 'anchors'"),
    ]
    for (line, text) in expected {
      #expect(got.contains { $0.hasPrefix("r.yml:\(line): ") && $0.contains(text) }, "missing r.yml:\(line): \(text) in \(got)")
    }
    #expect(got.count == expected.count, "\(got)")
  }

  @Test func examplesThatMisbehaveAreErrors() {
    let yaml = """
      - id: app.lock
        title: lock
        component: app
        category: unclean-start
        identifiers: [app]
        anchors: [stale lock]
        examples:
          match:
            - "stale lock found"
            - "fresh lock found"
          noMatch:
            - line: "stale lock again"
              identifier: app
            - line: "stale lock from another program"
              identifier: other
      """
    let r = Self.parse(yaml)
    #expect(r.rules.isEmpty)
    #expect(r.errors.map(\.description) == [
      "r.yml:10: match example does not fire rule 'app.lock': fresh lock found",
      "r.yml:12: noMatch example fires rule 'app.lock': stale lock again",
    ])
  }

  /// Rule ids: dotted lowercase words.
  @Test func ruleIDsAreDottedLowercaseWords() {
    for id in ["myapp.unclean-start", "postgres.wal_redo", "a.b", "x1.2y.z-z", "9p.fs"] {
      #expect(RuleLoader.isValidID(id), "\(id)")
    }
    for id in [
      "", "myapp", ".myapp", "myapp.", "my..app", "MyApp.start", "myapp.-start", "myapp._x", "myapp.st art",
      "myapp.stärt", "myapp.start!", "myapp.e\u{301}", "myapp.\r\n",
    ] {
      #expect(!RuleLoader.isValidID(id), "\(id)")
    }
  }

  @Test func yamlSyntaxErrorHasALine() {
    let r = Self.parse("- id: a.b\n  title: [unclosed\n  component: x\n")
    #expect(r.errors.count == 1)
    #expect(r.errors.first?.line ?? 0 > 0)
    #expect(r.errors.first?.description.hasPrefix("r.yml:") == true)
  }

  @Test func directoryLoadsEveryYAMLFileAndFindsDuplicatesAcrossFiles() throws {
    let dir = Self.tempDir()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let rule = "- id: app.x\n  title: x\n  component: app\n  category: repair\n  anchors: [x]\n"
    try rule.write(toFile: dir + "/a.yml", atomically: true, encoding: .utf8)
    try FileManager.default.createDirectory(atPath: dir + "/sub", withIntermediateDirectories: true)
    try rule.write(toFile: dir + "/sub/b.yaml", atomically: true, encoding: .utf8)
    try "not rules".write(toFile: dir + "/notes.txt", atomically: true, encoding: .utf8)
    let r = RuleLoader.load(path: dir)
    #expect(r.rules.map(\.id) == ["app.x"])
    #expect(r.errors.map(\.description) == ["\(dir)/sub/b.yaml:1: duplicate rule id 'app.x' (already used by \(dir)/a.yml:1)"])
    let missing = RuleLoader.load(path: dir + "/nope.yml")
    #expect(missing.errors.map(\.description) == ["\(dir)/nope.yml: no such file or directory"])
  }
}

/// docs/rules.md is generated from the rules; this keeps the committed file in step.
@Suite struct RuleDocsTests {
  @Test func committedDocsMatchTheRules() throws {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent()
    let path = root.appendingPathComponent("docs/rules.md").path
    let rendered = RuleDocs.render(BuiltinRules.all)
    if ProcessInfo.processInfo.environment["RECORD_SNAPSHOTS"] == "1" {
      try rendered.write(toFile: path, atomically: true, encoding: .utf8)
      Issue.record("docs/rules.md rewritten; run again without RECORD_SNAPSHOTS")
      return
    }
    let committed = try String(contentsOfFile: path, encoding: .utf8)
    #expect(committed == rendered, "docs/rules.md is out of date: RECORD_SNAPSHOTS=1 swift test --filter RuleDocsTests")
    for r in BuiltinRules.all { #expect(committed.contains("#### \(r.id)\n")) }
  }
}
