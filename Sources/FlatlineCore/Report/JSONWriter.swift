/// A small, deterministic JSON writer: keys in the order written, two-space indentation, explicit nulls.
struct JSONWriter {
  private(set) var text = ""
  private var indent = 0
  private var needsComma: [Bool] = [false]
  /// One line, no indentation (NDJSON events of `flatline tail`).
  var compact = false
  /// Key for the next `open()` called without one (see `prefixKey`).
  var pendingKey: String?

  enum Value {
    case string(String?)
    case int(Int64?)
    case double(Double?)
    case bool(Bool?)
  }

  static func escape(_ s: String) -> String {
    var out = "\""
    out.reserveCapacity(s.utf8.count + 2)
    for u in s.unicodeScalars {
      switch u {
      case "\"": out += "\\\""
      case "\\": out += "\\\\"
      case "\n": out += "\\n"
      case "\r": out += "\\r"
      case "\t": out += "\\t"
      default:
        if u.value < 0x20 || u.value == 0x7f {
          let hex = String(u.value, radix: 16)
          out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
        } else {
          out.unicodeScalars.append(u)
        }
      }
    }
    return out + "\""
  }

  private mutating func prefix(key: String?) {
    if needsComma[needsComma.count - 1] { text += "," }
    needsComma[needsComma.count - 1] = true
    if !compact, needsComma.count > 1 || !text.isEmpty { text += "\n" + String(repeating: "  ", count: indent) }
    if let key { text += JSONWriter.escape(key) + (compact ? ":" : ": ") }
  }

  mutating func open(_ key: String? = nil, array: Bool = false) {
    prefix(key: key ?? pendingKey)
    pendingKey = nil
    text += array ? "[" : "{"
    indent += 1
    needsComma.append(false)
  }

  mutating func close(array: Bool = false) {
    let hadItems = needsComma.removeLast()
    indent -= 1
    if hadItems && !compact { text += "\n" + String(repeating: "  ", count: indent) }
    text += array ? "]" : "}"
  }

  mutating func field(_ key: String?, _ v: Value) {
    prefix(key: key)
    switch v {
    case .string(let s): text += s.map(JSONWriter.escape) ?? "null"
    case .int(let i): text += i.map { String($0) } ?? "null"
    case .double(let d):
      if let d {
        let r = (d * 100).rounded() / 100
        text += r == r.rounded() ? String(Int64(r)) : String(r)
      } else {
        text += "null"
      }
    case .bool(let b): text += b.map { $0 ? "true" : "false" } ?? "null"
    }
  }
}
