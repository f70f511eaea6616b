/// The logic of `flatline rules list|check|test` (the CLI only parses arguments and prints).
public enum RuleTool {
  /// Built-in rules plus the user rules under `paths`; errors of the user files are returned, not thrown.
  public static func loadAll(paths: [String]) -> (rules: [Rule], errors: [RuleError]) {
    guard !paths.isEmpty else { return (BuiltinRules.all, []) }
    let user = RuleLoader.load(paths: paths)
    return (BuiltinRules.all + user.rules, user.errors)
  }

  /// `rules list`: one line per rule (text), or a JSON array.
  public static func list(_ rules: [Rule], json: Bool) -> String {
    if json {
      var w = JSONWriter()
      w.open(array: true)
      for r in rules {
        w.open()
        w.field("id", .string(r.id))
        w.field("title", .string(r.title))
        w.field("component", .string(r.component))
        w.field("category", .string(r.category.rawValue))
        w.field("severity", .string(r.severity.rawValue))
        for (key, list) in [("identifiers", r.filter.identifiers), ("units", r.filter.units), ("logs", r.filter.logs)] {
          w.open(key, array: true)
          for v in list { w.field(nil, .string(v)) }
          w.close(array: true)
        }
        w.field("kernel", .bool(r.filter.kernel))
        w.open("anchors", array: true)
        for a in r.anchors { w.field(nil, .string(a)) }
        w.close(array: true)
        w.field("regex", .string(r.regex))
        w.field("builtin", .bool(r.origin == nil))
        w.field("origin", .string(r.origin))
        w.close()
      }
      w.close(array: true)
      return w.text + "\n"
    }
    let idWidth = min(48, rules.map(\.id.count).max() ?? 0)
    let compWidth = rules.map(\.component.count).max() ?? 0
    let catWidth = RuleCategory.allCases.map(\.rawValue.count).max() ?? 0
    var o = ""
    for r in rules {
      o += pad(r.id, idWidth) + "  " + pad(r.component, compWidth) + "  " + pad(r.category.rawValue, catWidth) + "  "
        + pad(r.severity.rawValue, 8) + "  " + r.title + (r.origin.map { "  (\($0))" } ?? "") + "\n"
    }
    return o
  }

  /// `rules check FILE…`: the errors of the files, each `file:line: message`, plus a summary line.
  public static func check(paths: [String]) -> (output: String, ok: Bool) {
    let r = RuleLoader.load(paths: paths)
    var o = r.errors.map { "\($0)\n" }.joined()
    o += "\(r.rules.count) rule\(r.rules.count == 1 ? "" : "s") OK, \(r.errors.count) error\(r.errors.count == 1 ? "" : "s")\n"
    return (o, r.errors.isEmpty)
  }

  /// One line of `rules test` output.
  public struct TestHit: Sendable, Equatable {
    public var line: Int
    public var ruleID: String
    public var component: String
    public var category: RuleCategory
    public var message: String
    public var captures: [String: String]
  }

  /// `rules test`: every line of `logFile` that fires one of `rules`. Lines with a syslog header are matched
  /// with its identifier and message; other lines are matched whole, as a native log of kind `logKind` (when
  /// given) or with `identifier`. With `logKind` set, no syslog parsing is tried (native logs can look like
  /// syslog). Reads plain and gzip files.
  public static func test(rules: [Rule], logFile: String, logKind: String? = nil, identifier: String? = nil)
    -> (hits: [TestHit], error: String?)
  {
    guard let reader = LineReader(path: logFile) else { return ([], "cannot open \(logFile)") }
    let matcher = RuleMatcher(rules: rules)
    var hits: [TestHit] = []
    let fallbackID = Array((identifier ?? "").utf8)
    fallbackID.withBytes { fid in
      var h = SyslogHeader()
      reader.forEachLine { line, lineNo, _ in
        var record = Record(line: lineNo, message: line)
        if logKind == nil, SyslogParser.parse(line, into: &h), !h.identifier.isEmpty || h.isKernel {
          record.identifier = h.isKernel && h.identifier.isEmpty ? .empty : h.identifier
          record.message = h.message
          record.isKernel = h.isKernel
        } else {
          record.identifier = fid
        }
        matcher.forEachMatch(
          identifier: record.identifier, unit: .empty, isKernel: record.isKernel, logKind: logKind,
          message: record.message
        ) { index, captures in
          let r = matcher.rules[index]
          hits.append(
            TestHit(
              line: lineNo, ruleID: r.id, component: r.component, category: r.category, message: record.message.string,
              captures: captures))
        }
      }
    }
    return (hits, nil)
  }

  /// Formats `rules test` hits: `LOG-FILE:line: rule-id (component/category): message [name=value …]`.
  public static func format(_ hits: [TestHit], logFile: String) -> String {
    hits.map { h in
      let caps = h.captures.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
      return "\(logFile):\(h.line): \(h.ruleID) (\(h.component)/\(h.category.rawValue)): \(h.message)"
        + (caps.isEmpty ? "" : "  [\(caps.joined(separator: " "))]") + "\n"
    }.joined()
  }

  private static func pad(_ s: String, _ n: Int) -> String {
    s.count >= n ? s : s + String(repeating: " ", count: n - s.count)
  }
}
