/// A small, deterministic JSON writer: keys in the order written, two-space indentation, explicit nulls.
struct JSONWriter {
  /// What was written and not yet handed to `sink`.
  private(set) var text = ""
  /// When set, receives the text in pieces of about `sinkPiece` bytes as it is written (`flush()` hands over the
  /// rest): a report need not be held whole in memory (10,000 hosts make 43 MB of JSON).
  var sink: ((String) -> Void)?
  static let sinkPiece = 1 << 16
  /// True once anything was written (the first value gets no line break before it).
  private var started = false
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

  /// Appends `s` as a JSON string. Most strings (keys, ids, times, paths, most log lines) need no escape: they are
  /// checked byte by byte and appended whole (a report of 10,000 hosts spent a third of its run escaping scalar by
  /// scalar).
  private mutating func appendString(_ s: String) {
    if s.utf8.contains(where: { $0 < 0x20 || $0 == 0x22 || $0 == 0x5c || $0 == 0x7f }) {
      text += JSONWriter.escape(s)
    } else {
      text += "\""
      text += s
      text += "\""
    }
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
    if !compact, needsComma.count > 1 || started { newline() }
    started = true
    if let key {
      appendString(key)
      text += compact ? ":" : ": "
    }
  }

  /// A line break and the indentation of the current depth.
  private mutating func newline() {
    text += "\n"
    for _ in 0..<indent { text += "  " }
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
    if hadItems && !compact { newline() }
    text += array ? "]" : "}"
    if sink != nil && text.utf8.count >= Self.sinkPiece { flush() }
  }

  /// Hands what was written so far to `sink` (nothing without one).
  mutating func flush() {
    guard let sink, !text.isEmpty else { return }
    sink(text)
    text.removeAll(keepingCapacity: true)
  }

  mutating func field(_ key: String?, _ v: Value) {
    prefix(key: key)
    switch v {
    case .string(let s):
      if let s { appendString(s) } else { text += "null" }
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
