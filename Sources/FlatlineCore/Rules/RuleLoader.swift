import Foundation
import Yams

/// A problem in a user rule file, printed as `file:line: message`.
public struct RuleError: Error, Sendable, CustomStringConvertible, Equatable {
  public var file: String
  /// 1-based line (0 when the problem is not on a line, e.g. an unreadable file).
  public var line: Int
  public var message: String

  public init(file: String, line: Int, message: String) {
    self.file = file
    self.line = line
    self.message = message
  }

  public var description: String { line > 0 ? "\(file):\(line): \(message)" : "\(file): \(message)" }
}

/// Loads user rules from YAML (same schema as the built-in rules; see docs/rules.md).
///
/// A file holds either a list of rules or a mapping `rules: [...]`. Every problem is reported, each with its
/// line; a rule with any error is left out, the valid rules of the same file are kept.
public enum RuleLoader {
  static let ruleKeys: [String] = [
    "id", "title", "component", "category", "severity", "identifiers", "units", "logs", "kernel", "anchors", "regex",
    "note", "examples",
  ]
  static let exampleKeys: [String] = ["line", "identifier", "unit", "log", "kernel"]

  /// Loads a file, or every `*.yml` / `*.yaml` file of a directory (recursively, in name order). Ids must be
  /// unique among themselves and against `existingIDs` (the built-in rules by default).
  public static func load(path: String, existingIDs: Set<String>? = nil) -> (rules: [Rule], errors: [RuleError]) {
    load(paths: [path], existingIDs: existingIDs)
  }

  /// Loads several files or directories as one set (ids unique across all of them).
  ///
  /// The last result is kept: loading the same files with the same bytes again (the CLI checks `--rules` before the
  /// analysis loads them) returns it instead of parsing the YAML and compiling every regex a second time.
  public static func load(paths: [String], existingIDs: Set<String>? = nil) -> (rules: [Rule], errors: [RuleError]) {
    var errors: [RuleError] = []
    var files: [(path: String, data: Data?)] = []
    for path in paths {
      for file in ruleFiles(path, errors: &errors) { files.append((file, FileManager.default.contents(atPath: file))) }
    }
    let key = LastLoad.Key(
      files: files.map(\.path), contents: files.map(\.data), existingIDs: existingIDs, listingErrors: errors)
    if let kept = lastLoad.result(for: key) { return kept }
    var seen: [String: String] = [:]
    for id in existingIDs ?? Set(BuiltinRules.all.map(\.id)) { seen[id] = "a built-in rule" }
    var rules: [Rule] = []
    for (file, data) in files {
      guard let data else {
        errors.append(RuleError(file: file, line: 0, message: "cannot read the file"))
        continue
      }
      let text = String(decoding: data, as: UTF8.self)
      let r = parse(yaml: text, file: file, seenIDs: &seen)
      rules += r.rules
      errors += r.errors
    }
    lastLoad.keep((rules, errors), for: key)
    return (rules, errors)
  }

  private static let lastLoad = LastLoad()

  /// The last `load(paths:existingIDs:)` result and what it was made from (file names and bytes).
  private final class LastLoad: @unchecked Sendable {
    struct Key: Equatable {
      var files: [String]
      var contents: [Data?]
      var existingIDs: Set<String>?
      var listingErrors: [RuleError]
    }
    private let lock = NSLock()
    private var key: Key?
    private var value: (rules: [Rule], errors: [RuleError])?

    func result(for k: Key) -> (rules: [Rule], errors: [RuleError])? {
      lock.lock()
      defer { lock.unlock() }
      return key == k ? value : nil
    }

    func keep(_ v: (rules: [Rule], errors: [RuleError]), for k: Key) {
      lock.lock()
      defer { lock.unlock() }
      key = k
      value = v
    }
  }

  /// The rule files under `path`.
  static func ruleFiles(_ path: String, errors: inout [RuleError]) -> [String] {
    var isDir: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
      errors.append(RuleError(file: path, line: 0, message: "no such file or directory"))
      return []
    }
    guard isDir.boolValue else { return [path] }
    guard let e = FileManager.default.enumerator(atPath: path) else {
      errors.append(RuleError(file: path, line: 0, message: "cannot read the directory"))
      return []
    }
    var files: [String] = []
    while let rel = e.nextObject() as? String {
      if rel.hasSuffix(".yml") || rel.hasSuffix(".yaml") { files.append((path as NSString).appendingPathComponent(rel)) }
    }
    return files.sorted()
  }

  /// Parses one YAML document. `seenIDs` maps ids already taken to where (`file:line` or "a built-in rule").
  public static func parse(yaml: String, file: String, seenIDs: inout [String: String]) -> (
    rules: [Rule], errors: [RuleError]
  ) {
    var errors: [RuleError] = []
    let root: Node?
    do {
      root = try Yams.compose(yaml: yaml)
    } catch let e as YamlError {
      return ([], [yamlError(e, file: file)])
    } catch {
      return ([], [RuleError(file: file, line: 0, message: "\(error)")])
    }
    guard let root else { return ([], []) }  // empty file: no rules
    let list: Node.Sequence
    switch root {
    case .sequence(let s):
      list = s
    case .mapping(let m):
      for (k, _) in m where k.string != "rules" {
        errors.append(err(file, k, "unknown top-level key '\(k.string ?? "?")' (expected 'rules')"))
      }
      guard let r = m["rules"] else {
        errors.append(err(file, root, "missing 'rules:' (a list of rules)"))
        return ([], errors)
      }
      guard case .sequence(let s) = r else {
        errors.append(err(file, r, "'rules' must be a list of rules"))
        return ([], errors)
      }
      list = s
    default:
      return ([], [err(file, root, "expected a list of rules or a mapping with 'rules:'")])
    }
    var rules: [Rule] = []
    for node in list {
      if let rule = parseRule(node, file: file, seenIDs: &seenIDs, errors: &errors) { rules.append(rule) }
    }
    return (rules, errors)
  }

  // MARK: - One rule

  /// A mapping's values by key text (first occurrence wins, as with `Node.Mapping`'s subscript). Yams' subscript
  /// compares keys as resolved nodes, running its tag-resolving regular expressions on every key of the mapping
  /// for every lookup: with ~15 lookups per rule that dominated loading a thousand rules.
  private static func fieldsByName(_ m: Node.Mapping) -> [String: Node] {
    var fields: [String: Node] = [:]
    for (k, v) in m { if let key = k.string, fields[key] == nil { fields[key] = v } }
    return fields
  }

  private static func parseRule(_ node: Node, file: String, seenIDs: inout [String: String], errors: inout [RuleError])
    -> Rule?
  {
    guard case .mapping(let mapping) = node else {
      errors.append(err(file, node, "a rule must be a mapping (id:, title:, component:, category:, …)"))
      return nil
    }
    let before = errors.count
    let m = fieldsByName(mapping)
    for (k, _) in mapping {
      guard let key = k.string, ruleKeys.contains(key) else {
        errors.append(
          err(file, k, "unknown key '\(k.string ?? "?")' (allowed: \(ruleKeys.joined(separator: ", ")))"))
        continue
      }
    }
    func required(_ key: String) -> String? {
      guard let v = m[key] else {
        errors.append(err(file, node, "missing '\(key)'"))
        return nil
      }
      guard let s = scalar(v), !s.isEmpty else {
        errors.append(err(file, v, "'\(key)' must be a non-empty string"))
        return nil
      }
      return s
    }
    let id = required("id")
    let title = required("title")
    let component = required("component")
    let categoryText = required("category")
    if let id, let idNode = m["id"] {
      if !isValidID(id) {
        errors.append(
          err(file, idNode, "id '\(id)' must be dotted lowercase words, like 'myapp.unclean-start'"))
      } else if let other = seenIDs[id] {
        errors.append(err(file, idNode, "duplicate rule id '\(id)' (already used by \(other))"))
      } else {
        seenIDs[id] = "\(file):\(line(idNode))"
      }
    }
    var category: RuleCategory?
    if let categoryText, let c = m["category"] {
      category = RuleCategory(rawValue: categoryText)
      if category == nil {
        errors.append(
          err(file, c, "unknown category '\(categoryText)' (one of: \(RuleCategory.allCases.map(\.rawValue).joined(separator: ", ")))"))
      }
    }
    var severity = RuleSeverity.warning
    if let s = m["severity"] {
      if let text = scalar(s), let v = RuleSeverity(rawValue: text) {
        severity = v
      } else {
        errors.append(
          err(file, s, "unknown severity '\(scalar(s) ?? "?")' (one of: \(RuleSeverity.allCases.map(\.rawValue).joined(separator: ", ")))"))
      }
    }
    var filter = RuleFilter()
    filter.identifiers = patterns(m["identifiers"], "identifiers", file: file, errors: &errors)
    filter.units = patterns(m["units"], "units", file: file, errors: &errors)
    filter.logs = strings(m["logs"], "logs", file: file, errors: &errors)
    if let k = m["kernel"] {
      if let b = k.bool { filter.kernel = b } else { errors.append(err(file, k, "'kernel' must be true or false")) }
    }
    let anchors = strings(m["anchors"], "anchors", file: file, errors: &errors)
    if let a = m["anchors"], anchors.contains(where: \.isEmpty) {
      errors.append(err(file, a, "anchors must not be empty strings"))
    }
    var regex: String?
    if let r = m["regex"] {
      if let p = scalar(r), !p.isEmpty {
        regex = p
        do {
          _ = try NSRegularExpression(pattern: p, options: [])
        } catch {
          errors.append(err(file, r, "regex does not compile: \(p)"))
        }
      } else {
        errors.append(err(file, r, "'regex' must be a non-empty string"))
      }
    }
    if anchors.isEmpty && regex == nil && m["regex"] == nil {
      errors.append(err(file, node, "a rule needs 'anchors' (literals that must all occur) or a 'regex'"))
    }
    var note: String?
    if let n = m["note"] {
      note = scalar(n)
      if note == nil { errors.append(err(file, n, "'note' must be a string")) }
    }
    var matchExamples: [(RuleExample, Node)] = []
    var noMatchExamples: [(RuleExample, Node)] = []
    if let ex = m["examples"] {
      if case .mapping(let em) = ex {
        for (k, v) in em {
          switch k.string {
          case "match": matchExamples = examples(v, file: file, errors: &errors)
          case "noMatch": noMatchExamples = examples(v, file: file, errors: &errors)
          default: errors.append(err(file, k, "unknown key '\(k.string ?? "?")' in examples (allowed: match, noMatch)"))
          }
        }
      } else {
        errors.append(err(file, ex, "'examples' must be a mapping with 'match:' and/or 'noMatch:'"))
      }
    }
    guard errors.count == before, let id, let title, let component, let category else { return nil }
    let rule = Rule(
      id: id, title: title, component: component, category: category, severity: severity, filter: filter,
      anchors: anchors, regex: regex, note: note, match: matchExamples.map(\.0), noMatch: noMatchExamples.map(\.0),
      origin: "\(file):\(line(node))")
    // Examples are tests: each must behave.
    let matcher = RuleMatcher(rules: [rule])
    for (ex, n) in matchExamples where matcher.match(example: ex, filter: filter).isEmpty {
      errors.append(err(file, n, "match example does not fire rule '\(id)': \(ex.line)"))
    }
    for (ex, n) in noMatchExamples where !matcher.match(example: ex, filter: filter).isEmpty {
      errors.append(err(file, n, "noMatch example fires rule '\(id)': \(ex.line)"))
    }
    return errors.count == before ? rule : nil
  }

  private static func examples(_ node: Node, file: String, errors: inout [RuleError]) -> [(RuleExample, Node)] {
    let items: [Node]
    if case .sequence(let s) = node { items = Array(s) } else { items = [node] }
    var out: [(RuleExample, Node)] = []
    for item in items {
      if let s = scalar(item) {
        out.append((RuleExample(s), item))
        continue
      }
      guard case .mapping(let mapping) = item else {
        errors.append(err(file, item, "an example is a line, or a mapping with 'line:' (and identifier/unit/log/kernel)"))
        continue
      }
      var ok = true
      let m = fieldsByName(mapping)
      for (k, _) in mapping where !exampleKeys.contains(k.string ?? "") {
        errors.append(err(file, k, "unknown key '\(k.string ?? "?")' in example (allowed: \(exampleKeys.joined(separator: ", ")))"))
        ok = false
      }
      guard let l = m["line"], let line = scalar(l) else {
        errors.append(err(file, item, "example is missing 'line:'"))
        continue
      }
      var ex = RuleExample(line)
      if let v = m["identifier"] { ex.identifier = scalar(v) }
      if let v = m["unit"] { ex.unit = scalar(v) }
      if let v = m["log"] { ex.log = scalar(v) }
      if let v = m["kernel"] {
        if let b = v.bool {
          ex.kernel = b
        } else {
          errors.append(err(file, v, "'kernel' must be true or false"))
          ok = false
        }
      }
      if ok { out.append((ex, item)) }
    }
    return out
  }

  // MARK: - Helpers

  /// A scalar's text (nil for sequences and mappings).
  private static func scalar(_ n: Node) -> String? {
    if case .scalar(let s) = n { return s.string }
    return nil
  }

  /// A string or a list of strings.
  private static func strings(_ node: Node?, _ key: String, file: String, errors: inout [RuleError]) -> [String] {
    guard let node else { return [] }
    if let s = scalar(node) { return [s] }
    guard case .sequence(let seq) = node else {
      errors.append(err(file, node, "'\(key)' must be a string or a list of strings"))
      return []
    }
    var out: [String] = []
    for item in seq {
      if let s = scalar(item) {
        out.append(s)
      } else {
        errors.append(err(file, item, "'\(key)' entries must be strings"))
      }
    }
    return out
  }

  private static func patterns(_ node: Node?, _ key: String, file: String, errors: inout [RuleError]) -> [String] {
    let list = strings(node, key, file: file, errors: &errors)
    if let node {
      for p in list where !RuleFilter.isValidPattern(p) {
        errors.append(err(file, node, "'\(key)' pattern '\(p)' may only end in '*' (exact name or prefix*)"))
      }
    }
    return list
  }

  /// Two or more dot-separated words of ASCII lowercase letters, digits, `-` and `_`, each starting with a letter or
  /// a digit. On UTF-8 bytes: Character properties cost ~35,000 instructions per id, which a file of a thousand
  /// user rules paid on every run.
  static func isValidID(_ id: String) -> Bool {
    var words = 0
    var atWordStart = true
    for c in id.utf8 {
      if c == UInt8(ascii: ".") {
        if atWordStart { return false }
        words += 1
        atWordStart = true
        continue
      }
      let letterOrDigit =
        (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z")) || (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9"))
      guard letterOrDigit || !atWordStart && (c == UInt8(ascii: "-") || c == UInt8(ascii: "_")) else { return false }
      atWordStart = false
    }
    return !atWordStart && words >= 1
  }

  private static func line(_ n: Node) -> Int { n.mark?.line ?? 0 }

  private static func err(_ file: String, _ n: Node, _ message: String) -> RuleError {
    RuleError(file: file, line: line(n), message: message)
  }

  private static func yamlError(_ e: YamlError, file: String) -> RuleError {
    switch e {
    case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
      .composer(_, let problem, let mark, _):
      return RuleError(file: file, line: mark.line, message: "YAML: \(problem)")
    case .reader(let problem, _, _, _):
      return RuleError(file: file, line: 0, message: "YAML: \(problem)")
    default:
      return RuleError(file: file, line: 0, message: "YAML: \(e)")
    }
  }
}
