/// Which records a rule looks at. The lists are alternatives: a record passes when it matches ANY of them
/// (an identifier, a unit, a native log kind, or `kernel`). An empty filter passes every record.
///
/// Patterns in `identifiers` and `units` are exact names or a prefix followed by a trailing `*`
/// (`postgresql*`); a lone `*` matches anything, including an empty field.
public struct RuleFilter: Sendable, Hashable {
  /// Syslog tag without the pid, journal `SYSLOG_IDENTIFIER` (or `_COMM`): `Record.identifier`.
  public var identifiers: [String]
  /// journald unit: `Record.unit` (today the `UNIT` field of PID 1's job messages).
  public var units: [String]
  /// Native log kinds (`InputInfo.component` of a `.datastoreLog` input): `postgresql`, `mysql`, `mongodb`, `redis`…
  public var logs: [String]
  /// True: kernel records (`Record.isKernel`) pass.
  public var kernel: Bool

  public init(identifiers: [String] = [], units: [String] = [], logs: [String] = [], kernel: Bool = false) {
    self.identifiers = identifiers
    self.units = units
    self.logs = logs
    self.kernel = kernel
  }

  /// True when the filter names no source at all (every record passes).
  public var isEmpty: Bool { identifiers.isEmpty && units.isEmpty && logs.isEmpty && !kernel }

  /// Whether a record with these source fields passes. Allocation-free.
  public func passes(identifier: Bytes, unit: Bytes, isKernel: Bool, logKind: String?) -> Bool {
    if isEmpty { return true }
    if kernel && isKernel { return true }
    if let logKind, logs.contains(logKind) { return true }
    for p in identifiers where RuleFilter.glob(p, identifier) { return true }
    for p in units where RuleFilter.glob(p, unit) { return true }
    return false
  }

  /// Exact match, or prefix match when `pattern` ends in `*`.
  public static func glob(_ pattern: String, _ value: Bytes) -> Bool {
    var p = pattern
    return p.withUTF8 { pb in
      if let last = pb.last, last == 42 {  // '*'
        let n = pb.count - 1
        guard value.count >= n else { return false }
        if n == 0 { return true }
        return memcmp(value.base!, pb.baseAddress!, n) == 0
      }
      return value.equals(Bytes(pb))
    }
  }

  /// Whether `pattern` is a valid filter pattern (a `*` only at the end).
  static func isValidPattern(_ pattern: String) -> Bool {
    guard !pattern.isEmpty else { return false }
    return !pattern.dropLast().contains("*")
  }
}

/// One example line of a rule. The line is the record's message as-is (for native logs and journal entries)
/// or a whole raw log line: anchors are substrings, so the prefix does not matter.
///
/// Where the example comes from defaults to the rule's filter: the first `logs` kind if any, else the first
/// identifier (without its `*`), else the first unit, else a kernel record when the filter says `kernel`.
/// `log`, `identifier`, `unit` and `kernel` override that.
public struct RuleExample: Sendable, Hashable, ExpressibleByStringLiteral {
  public var line: String
  public var identifier: String?
  public var unit: String?
  public var log: String?
  public var kernel: Bool?

  public init(_ line: String, identifier: String? = nil, unit: String? = nil, log: String? = nil, kernel: Bool? = nil) {
    self.line = line
    self.identifier = identifier
    self.unit = unit
    self.log = log
    self.kernel = kernel
  }

  public init(stringLiteral value: String) { self.init(value) }

  /// True when the example names its own source.
  public var hasSource: Bool { identifier != nil || unit != nil || log != nil || kernel != nil }

  /// The source fields the example is matched with, under `filter`.
  public func source(under filter: RuleFilter) -> (identifier: String, unit: String, log: String?, kernel: Bool) {
    if hasSource { return (identifier ?? "", unit ?? "", log, kernel ?? false) }
    if let l = filter.logs.first { return ("", "", l, false) }
    if let i = filter.identifiers.first { return (i.hasSuffix("*") ? String(i.dropLast()) : i, "", nil, false) }
    if let u = filter.units.first { return ("", u.hasSuffix("*") ? String(u.dropLast()) : u, nil, false) }
    return ("", "", nil, filter.kernel)
  }
}

/// A detection rule: which records (`filter`), which lines (`anchors`, `regex`), what it means (`category`,
/// `severity`), and real example lines that must and must not fire (run as tests, rendered into docs/rules.md).
public struct Rule: Sendable {
  /// Dotted id, `<component>.<what>`: `postgresql.interrupted`. Unique among all loaded rules.
  public var id: String
  public var title: String
  /// What wrote the line: `postgresql`, `mysql`, `ext4`, `journald`…
  public var component: String
  public var category: RuleCategory
  public var severity: RuleSeverity
  public var filter: RuleFilter
  /// Case-sensitive literals that must ALL occur in the message. The matcher finds them in one pass.
  public var anchors: [String]
  /// Optional regular expression (ICU syntax) that must also match; named groups `(?<name>…)` become captures.
  public var regex: String?
  /// Longer explanation (optional), shown in the docs.
  public var note: String?
  public var matchExamples: [RuleExample]
  public var noMatchExamples: [RuleExample]
  /// Where a user rule was defined (`file:line`); nil for built-in rules.
  public var origin: String?

  public init(
    id: String, title: String, component: String, category: RuleCategory, severity: RuleSeverity,
    filter: RuleFilter = RuleFilter(), anchors: [String], regex: String? = nil, note: String? = nil,
    match: [RuleExample] = [], noMatch: [RuleExample] = [], origin: String? = nil
  ) {
    self.id = id
    self.title = title
    self.component = component
    self.category = category
    self.severity = severity
    self.filter = filter
    self.anchors = anchors
    self.regex = regex
    self.note = note
    self.matchExamples = match
    self.noMatchExamples = noMatch
    self.origin = origin
  }

  /// Names of the regex's named groups, in order (`(?<name>` but not `(?<=` / `(?<!`).
  public var captureNames: [String] {
    guard let regex else { return [] }
    var names: [String] = []
    let s = Array(regex.utf8)
    var i = 0
    while i + 3 < s.count {
      if s[i] == 92 {  // backslash: skip the escaped char
        i += 2
        continue
      }
      if s[i] == 40, s[i + 1] == 63, s[i + 2] == 60, s[i + 3] != 61, s[i + 3] != 33 {  // "(?<" not "=" "!"
        var j = i + 3
        while j < s.count, s[j] != 62 { j += 1 }
        if j < s.count { names.append(String(decoding: s[(i + 3)..<j], as: UTF8.self)) }
        i = j
        continue
      }
      i += 1
    }
    return names
  }
}

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
