import Foundation

/// Operator notice files: what a person knows about an outage (a support reply pasted in, a status page, a note).
///
/// YAML or JSON; one notice, or a list under `notices:`. Fields:
/// - `start` (required): RFC 3339, or `YYYY-MM-DD HH:MM[:SS]` (UTC unless an offset follows), or a date.
/// - `end` (optional): same formats; not before `start`.
/// - `host` and/or `instance` (at least one): the host name as in the logs; the instance id(s) or name(s).
///   `instance` may be a list.
/// - `provider` (optional): `aws`, `gcp`, `azure` or `operator` (default).
/// - `effect` (optional): a `NoticeEffect` raw value (`host-failure` default, `maintenance`, `preemption`,
///   `user-initiated`, `guest-crash`, `informational`).
/// - `type` (optional): a short name for the event (default `operator-notice`).
/// - `text` (optional): free text.
enum OperatorNotices {
  static let keys: Set<String> = ["start", "end", "host", "instance", "provider", "effect", "type", "text"]

  struct Problem {
    var line: Int?
    var message: String
  }

  struct Problems: Error {
    var list: [Problem]
  }

  /// A single operator notice object (as opposed to a provider event).
  static func looksLikeOne(_ n: NoticeNode) -> Bool {
    guard let members = n.members, !members.isEmpty else { return false }
    let names = Set(members.map { $0.0.lowercased() })
    return names.isSubset(of: keys) && (names.contains("host") || names.contains("instance"))
  }

  /// Validates and converts one operator notice; problems carry the line of the offending field.
  static func notice(_ n: NoticeNode, path: String) -> Result<CloudNotice, Problems> {
    var problems: [Problem] = []
    guard let members = n.members else {
      return .failure(Problems(list: [Problem(line: n.line, message: "a notice must be a mapping with start, host/instance, text")]))
    }
    for (key, value) in members where !keys.contains(key.lowercased()) {
      problems.append(Problem(line: value.line, message: "unknown field '\(key)' (known: \(keys.sorted().joined(separator: ", ")))"))
    }
    func time(_ key: String, required: Bool) -> Int64? {
      guard let node = n[key], !node.isNull else {
        if required { problems.append(Problem(line: n.line, message: "missing '\(key)' (when the outage began)")) }
        return nil
      }
      guard let s = node.text, let t = NoticeTime.parse(s) else {
        problems.append(Problem(
          line: node.line,
          message: "\(key): cannot read '\(node.string ?? "")' as a time "
            + "(use RFC 3339 or 'YYYY-MM-DD HH:MM[:SS]', UTC unless an offset is given)"))
        return nil
      }
      return t
    }
    let start = time("start", required: true)
    let end = time("end", required: false)
    if let s = start, let e = end, e < s {
      problems.append(Problem(line: n["end"]?.line, message: "end is before start"))
    }
    let host = n["host"]?.text
    if let h = n["host"], host == nil || h.array != nil {
      problems.append(Problem(line: h.line, message: "host: expected a host name"))
    }
    var instances: [String] = []
    if let i = n["instance"] {
      instances = i.strings
      if instances.isEmpty { problems.append(Problem(line: i.line, message: "instance: expected an instance id or name (or a list)")) }
    }
    if n["host"] == nil && n["instance"] == nil {
      problems.append(Problem(line: n.line, message: "a notice needs 'host' or 'instance' (which machine it is about)"))
    }
    var provider = CloudProvider.operator
    if let pn = n["provider"] {
      if let v = pn.text.flatMap({ CloudProvider(rawValue: $0.lowercased()) }) {
        provider = v
      } else {
        problems.append(Problem(
          line: pn.line,
          message: "provider: '\(pn.string ?? "")' is not one of \(CloudProvider.allCases.map(\.rawValue).joined(separator: ", "))"))
      }
    }
    var effect = NoticeEffect.hostFailure
    if let en = n["effect"] {
      if let v = en.text.flatMap({ NoticeEffect(rawValue: $0.lowercased()) }) {
        effect = v
      } else {
        problems.append(Problem(
          line: en.line,
          message: "effect: '\(en.string ?? "")' is not one of \(NoticeEffect.allCases.map(\.rawValue).joined(separator: ", "))"))
      }
    }
    if let t = n["text"], t.string == nil, t.array != nil || t.isObject {
      problems.append(Problem(line: t.line, message: "text: expected text (use a YAML block scalar `|` for several lines)"))
    }
    if !problems.isEmpty { return .failure(Problems(list: problems)) }
    var resources: [String] = []
    for i in instances { NoticeParser.addResource(i, to: &resources) }
    return .success(
      CloudNotice(
        provider: provider, eventType: n["type"]?.text ?? "operator-notice", effect: effect, start: start, end: end,
        resources: resources, host: host, text: (n["text"]?.string ?? "").trimmingCharacters(in: .whitespacesAndNewlines),
        source: path, line: n.line))
  }
}
