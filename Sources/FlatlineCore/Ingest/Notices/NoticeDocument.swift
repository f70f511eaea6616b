import Foundation
import Yams

/// A parsed JSON or YAML value with the 1-based line where it starts (nil when unknown). Notice files are small
/// and read once, so this is a plain tree, not a byte view.
final class NoticeNode {
  enum Value {
    case object([(String, NoticeNode)])
    case array([NoticeNode])
    case string(String)
    case number(Double)
    case bool(Bool)
    case null
  }

  let value: Value
  let line: Int?

  init(_ value: Value, line: Int?) {
    self.value = value
    self.line = line
  }

  /// Member `key` of an object (exact name first, then ignoring case); nil for other values.
  subscript(key: String) -> NoticeNode? {
    guard case .object(let members) = value else { return nil }
    if let hit = members.first(where: { $0.0 == key }) { return hit.1 }
    let lower = key.lowercased()
    return members.first(where: { $0.0.lowercased() == lower })?.1
  }

  /// Follows a dotted path of member names (`detail.eventTypeCode`).
  func at(_ path: String) -> NoticeNode? {
    var node: NoticeNode? = self
    for part in path.split(separator: ".") { node = node?[String(part)] }
    return node
  }

  /// The text of a string value; numbers and booleans as written; nil for null, objects and arrays.
  var string: String? {
    switch value {
    case .string(let s): return s
    case .number(let d):
      if d == d.rounded(), abs(d) < 1e15 { return String(Int64(d)) }
      return String(d)
    case .bool(let b): return b ? "true" : "false"
    default: return nil
    }
  }

  /// Non-empty string value (surrounding white space removed).
  var text: String? {
    guard let s = string?.trimmingCharacters(in: .whitespacesAndNewlines), !s.isEmpty else { return nil }
    return s
  }

  var number: Double? {
    switch value {
    case .number(let d): return d
    case .string(let s): return Double(s)
    default: return nil
    }
  }

  var array: [NoticeNode]? {
    if case .array(let items) = value { return items }
    return nil
  }

  var members: [(String, NoticeNode)]? {
    if case .object(let m) = value { return m }
    return nil
  }

  var isObject: Bool { members != nil }

  var isNull: Bool {
    if case .null = value { return true }
    return false
  }

  /// Strings of an array of strings (or a single string), skipping other values.
  var strings: [String] {
    if let items = array { return items.compactMap(\.text) }
    return text.map { [$0] } ?? []
  }
}

// MARK: - JSON

/// Parses JSON with Foundation and finds the line of every value by a separate byte scan (Foundation does not
/// report positions).
enum NoticeJSON {
  /// Parses one JSON document in `bytes[from..<to]` whose first byte is on line `firstLine`.
  static func parse(_ bytes: [UInt8], from: Int = 0, to: Int? = nil, firstLine: Int = 1) -> NoticeNode? {
    let end = to ?? bytes.count
    guard from < end else { return nil }
    let data = Data(bytes[from..<end])
    guard let any = try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed]) else { return nil }
    let lines = LineScan.scan(bytes, from: from, to: end, firstLine: firstLine)
    return build(any, line: lines?.line ?? firstLine, lines: lines)
  }

  private static func build(_ any: Any, line: Int?, lines: LineScan.Node?) -> NoticeNode {
    if let dict = any as? [String: Any] {
      // Members in file order when the scan knows it, else by name (stable either way).
      let keys = dict.keys.sorted { a, b in
        let la = lines?.keys[a]?.line ?? Int.max
        let lb = lines?.keys[b]?.line ?? Int.max
        return la != lb ? la < lb : a < b
      }
      let members = keys.map { k -> (String, NoticeNode) in
        let child = lines?.keys[k]
        return (k, build(dict[k] as Any, line: child?.line ?? line, lines: child?.node))
      }
      return NoticeNode(.object(members), line: line)
    }
    if let list = any as? [Any] {
      var items: [NoticeNode] = []
      items.reserveCapacity(list.count)
      for (i, v) in list.enumerated() {
        let child = lines.flatMap { i < $0.items.count ? $0.items[i] : nil }
        items.append(build(v, line: child?.line ?? line, lines: child?.node))
      }
      return NoticeNode(.array(items), line: line)
    }
    if let s = any as? String { return NoticeNode(.string(s), line: line) }
    if any is NSNull { return NoticeNode(.null, line: line) }
    if let n = any as? NSNumber {
      // Foundation boxes JSON true/false as NSNumber too; tell them apart by their Objective-C type code.
      let type = String(cString: n.objCType)
      if type == "c" || type == "B" { return NoticeNode(.bool(n.boolValue), line: line) }
      return NoticeNode(.number(n.doubleValue), line: line)
    }
    if let b = any as? Bool { return NoticeNode(.bool(b), line: line) }
    return NoticeNode(.null, line: line)
  }

  /// Line numbers of the values of a JSON text: a structural scan that skips strings and scalars.
  enum LineScan {
    final class Node {
      var line: Int
      var keys: [String: (line: Int, node: Node?)] = [:]
      var items: [(line: Int, node: Node?)] = []
      init(line: Int) { self.line = line }
    }

    static func scan(_ b: [UInt8], from: Int, to: Int, firstLine: Int) -> Node? {
      struct Frame {
        var node: Node
        var isObject: Bool
        var key: String?
        var expectKey: Bool
      }
      var line = firstLine
      var stack: [Frame] = []
      var root: Node?
      var i = from
      func valueStarts(_ node: Node?, _ line: Int) {
        guard var top = stack.last else { return }
        if top.isObject {
          if let k = top.key { top.node.keys[k] = (line, node) }
          top.key = nil
          stack[stack.count - 1] = top
        } else {
          top.node.items.append((line, node))
        }
      }
      while i < to {
        let c = b[i]
        switch c {
        case 10:
          line += 1
          i += 1
        case 9, 13, 32, 44, 58:  // white space , :
          i += 1
        case 123, 91:  // { [
          let node = Node(line: line)
          if stack.isEmpty {
            if root == nil { root = node }
          } else {
            valueStarts(node, line)
          }
          stack.append(Frame(node: node, isObject: c == 123, key: nil, expectKey: c == 123))
          i += 1
        case 125, 93:  // } ]
          if !stack.isEmpty { stack.removeLast() }
          if let top = stack.last, top.isObject { stack[stack.count - 1].expectKey = true }
          i += 1
        case 34:  // string
          var j = i + 1
          var raw: [UInt8] = []
          let wantText = stack.last.map { $0.isObject && $0.expectKey } ?? false
          while j < to, b[j] != 34 {
            if b[j] == 92, j + 1 < to {
              if wantText { raw.append(b[j]); raw.append(b[j + 1]) }
              j += 2
              continue
            }
            if b[j] == 10 { line += 1 }
            if wantText { raw.append(b[j]) }
            j += 1
          }
          if wantText {
            stack[stack.count - 1].key = unescape(raw)
            stack[stack.count - 1].expectKey = false
          } else {
            valueStarts(nil, line)
            if let top = stack.last, top.isObject { stack[stack.count - 1].expectKey = true }
          }
          i = j + 1
        default:  // number, true, false, null
          var j = i
          while j < to, ![9, 10, 13, 32, 44, 58, 93, 125].contains(b[j]) { j += 1 }
          valueStarts(nil, line)
          if let top = stack.last, top.isObject { stack[stack.count - 1].expectKey = true }
          i = max(j, i + 1)
        }
      }
      return root
    }

    /// Decodes the escapes of a JSON string body (member names are nearly always plain ASCII).
    static func unescape(_ raw: [UInt8]) -> String {
      guard raw.contains(92) else { return String(decoding: raw, as: UTF8.self) }
      var quoted = [UInt8(34)]
      quoted.append(contentsOf: raw)
      quoted.append(34)
      if let s = try? JSONSerialization.jsonObject(with: Data(quoted), options: [.fragmentsAllowed]) as? String {
        return s
      }
      return String(decoding: raw, as: UTF8.self)
    }
  }
}

// MARK: - YAML

enum NoticeYAML {
  struct Failure: Error {
    var line: Int?
    var message: String
  }

  /// Parses a YAML document into a tree of strings (scalars keep their text; `~`/`null`/empty plain scalars are null).
  static func parse(_ text: String) -> Result<NoticeNode?, Failure> {
    do {
      guard let node = try Yams.compose(yaml: text) else { return .success(nil) }
      return .success(build(node))
    } catch let error as YamlError {
      switch error {
      case .scanner(_, let problem, let mark, _), .parser(_, let problem, let mark, _),
        .composer(_, let problem, let mark, _):
        return .failure(Failure(line: mark.line, message: "YAML: \(problem)"))
      default:
        return .failure(Failure(line: nil, message: "YAML: \(error)"))
      }
    } catch {
      return .failure(Failure(line: nil, message: "YAML: \(error)"))
    }
  }

  private static func build(_ node: Node) -> NoticeNode {
    let line = node.mark?.line
    switch node {
    case .scalar(let s):
      if s.style == .plain, ["", "~", "null", "Null", "NULL"].contains(s.string) { return NoticeNode(.null, line: line) }
      return NoticeNode(.string(s.string), line: line)
    case .mapping(let m):
      var members: [(String, NoticeNode)] = []
      for (k, v) in m {
        members.append((k.string ?? "", build(v)))
      }
      return NoticeNode(.object(members), line: line)
    case .sequence(let seq):
      return NoticeNode(.array(seq.map(build)), line: line)
    }
  }
}
