#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Parser of `journalctl -o json` output: one flat JSON object per line. The other JSON outputs of `journalctl`
/// read too: `json-pretty` (an object over several lines, from a line `{` to a line `}`), `json-seq` (each line
/// starts with RS, 0x1E) and `json-sse` (each object after `data: `, blank lines between).
///
/// A small hand-written scanner, bytes in and bytes out. Values: strings (all escapes, `\uXXXX` with surrogate
/// pairs → UTF-8), arrays of byte numbers (non-UTF-8 values) → those bytes, arrays of values (a field repeated in
/// one entry) → the **first** value, `null` (oversized value) → absent, numbers and `true`/`false` → their text.
/// `__REALTIME_TIMESTAMP` is a decimal string. Malformed lines are skipped and counted (one summary warning).
struct JournalJSONReader {
  let reader: JournalByteReader
  let input: Int32
  let registry: InputRegistry
  let fields: JournalFields
  private var malformed = MalformedTally()

  init(reader: JournalByteReader, input: Int32, registry: InputRegistry, options: IngestOptions) {
    self.reader = reader
    self.input = input
    self.registry = registry
    fields = JournalFields(limit: options.maxLineLength)
  }

  mutating func run<S: RecordSink>(into sink: inout S) {
    // Records do not retain their cursor source: this keeps it alive for the whole run.
    let cursorSource = StoredCursor(fields: fields)
    defer { withExtendedLifetime(cursorSource) {} }
    var record = Record(input: input, cursorSource: cursorSource)
    var delivered = 0
    // A `json-pretty` object being gathered (its lines, from its `{` line on), and where it began.
    var gathered: [UInt8] = []
    var gatheredLine = 0
    var gathering = false
    func deliver(_ scanner: inout JSONScanner, line: Int, complete: Bool) {
      fields.reset()
      if let error = parseObject(&scanner) {
        malformed.add(line: line, reason: complete ? error : "\(error) (input ends inside the line)")
        return
      }
      fields.fillStreamRecord(&record, line: line)
      delivered += 1
      sink.consume(record)
    }
    while true {
      let lineNumber = reader.lineNumber
      guard let (line, complete, cut) = reader.readLine() else { break }
      var scanner = JSONScanner(line)
      scanner.skipSpace()
      scanner.skipRecordPrefix()
      if scanner.atEnd { continue }
      if gathering && scanner.isLone(UInt8(ascii: "{")) {
        // The object before never closed: count it, and gather this one.
        malformed.add(line: gatheredLine, reason: "object not closed before the next one")
        gathering = false
      }
      if gathering {
        if cut || gathered.count + line.count > reader.maxLineLength {
          malformed.add(line: gatheredLine, reason: "object longer than \(reader.maxLineLength) bytes")
          gathering = false
          continue
        }
        gathered.append(10)
        gathered.append(contentsOf: line.buffer)
        if scanner.isLone(UInt8(ascii: "}")) {
          gathering = false
          gathered.withBytes { all in
            var whole = JSONScanner(all)
            whole.skipSpace()
            deliver(&whole, line: gatheredLine, complete: true)
          }
        }
        continue
      }
      if cut {
        malformed.add(line: lineNumber, reason: "line longer than \(reader.maxLineLength) bytes")
        continue
      }
      if scanner.isLone(UInt8(ascii: "{")) {
        gathering = true
        gatheredLine = lineNumber
        gathered.removeAll(keepingCapacity: true)
        gathered.append(UInt8(ascii: "{"))
        continue
      }
      deliver(&scanner, line: lineNumber, complete: complete)
    }
    if gathering { malformed.add(line: gatheredLine, reason: "input ends inside the object") }
    registry.addRecords(input, delivered)
    if malformed.count > 0 { registry.addSkipped(input, malformed.count) }
    if let w = malformed.warning("JSON line", "JSON lines") { registry.warn(input, w) }
    if let e = reader.readError { registry.warn(input, "read error: \(errnoName(e))") }
    if fields.truncated > 0 {
      registry.warn(input, "\(fields.truncated) field value(s) longer than \(fields.limit) bytes were cut")
    }
  }

  /// Parses `{ "KEY": value, … }` filling the slots. Returns an error description, or nil.
  private mutating func parseObject(_ s: inout JSONScanner) -> String? {
    guard s.take(UInt8(ascii: "{")) else { return "not a JSON object" }
    s.skipSpace()
    if s.take(UInt8(ascii: "}")) { return trailing(&s) }
    while true {
      s.skipSpace()
      guard s.peek == UInt8(ascii: "\"") else { return "expected a field name" }
      // Journal field names are plain ASCII: a name with escapes is no field Flatline uses.
      let keyStart = s.position + 1
      guard s.string(nil, nil) else { return "bad string" }
      let keyLength = s.position - 1 - keyStart
      let field = s.isPlain(keyStart, keyLength) ? JournalField.named(s.base! + keyStart, keyLength) : nil
      s.skipSpace()
      guard s.take(UInt8(ascii: ":")) else { return "expected ':'" }
      s.skipSpace()
      if let error = value(&s, field) { return error }
      s.skipSpace()
      if s.take(UInt8(ascii: ",")) { continue }
      if s.take(UInt8(ascii: "}")) { return trailing(&s) }
      return "expected ',' or '}'"
    }
  }

  private func trailing(_ s: inout JSONScanner) -> String? {
    s.skipSpace()
    return s.atEnd ? nil : "text after the object"
  }

  /// Parses one value of a top-level field into `field` (nil: skip).
  private func value(_ s: inout JSONScanner, _ field: JournalField?) -> String? {
    let fields = self.fields
    if let field { fields.clear(field) }
    switch s.peek {
    case UInt8(ascii: "\""):
      return s.string(fields, field) ? nil : "bad string"
    case UInt8(ascii: "["):
      return array(&s, field, nested: false)
    case UInt8(ascii: "n"):
      return s.literal("null") ? nil : "bad literal"
    case UInt8(ascii: "t"), UInt8(ascii: "f"):
      let start = s.position
      guard s.literal("true") || s.literal("false") else { return "bad literal" }
      if let field { s.copy(from: start) { fields.append(field, $0, $1) } }
      return nil
    default:
      let start = s.position
      guard s.number() != nil else { return "bad value" }
      if let field { s.copy(from: start) { fields.append(field, $0, $1) } }
      return nil
    }
  }

  /// An array: of byte numbers (the value's bytes), or of values of a repeated field (the first one is kept).
  private func array(_ s: inout JSONScanner, _ field: JournalField?, nested: Bool) -> String? {
    let fields = self.fields
    _ = s.take(UInt8(ascii: "["))
    var taken = false
    var index = 0
    while true {
      s.skipSpace()
      if index == 0, s.take(UInt8(ascii: "]")) { return nil }
      let keep = field != nil && !taken
      switch s.peek {
      case UInt8(ascii: "\""):
        guard !nested else { return "string inside a byte array" }
        guard s.string(fields, keep ? field : nil) else { return "bad string" }
        if keep { taken = true }
      case UInt8(ascii: "["):
        guard !nested else { return "nested array too deep" }
        if let error = array(&s, keep ? field : nil, nested: true) { return error }
        if keep { taken = true }
      case UInt8(ascii: "n"):
        guard s.literal("null") else { return "bad literal" }
      default:
        guard let v = s.number(), v >= 0, v <= 255 else { return "bad byte value" }
        // A byte array: every element belongs to the one value.
        if let field, nested || !taken { fields.append(field, byte: UInt8(v)) }
      }
      index += 1
      s.skipSpace()
      if s.take(UInt8(ascii: ",")) { continue }
      if s.take(UInt8(ascii: "]")) { return nil }
      return "expected ',' or ']'"
    }
  }
}

/// A cursor over one line of JSON text.
struct JSONScanner {
  let base: UnsafePointer<UInt8>?
  let count: Int
  private(set) var position = 0

  init(_ bytes: Bytes) {
    base = bytes.base
    count = bytes.count
  }

  var atEnd: Bool { position >= count }
  var peek: UInt8? { position < count ? base![position] : nil }

  /// Skips what `journalctl -o json-seq` (RS, 0x1E) or `-o json-sse` (`data: `) puts before an object.
  mutating func skipRecordPrefix() {
    if position < count, base![position] == 0x1E {
      position += 1
    } else if count - position >= 6, base![position] == UInt8(ascii: "d"),
      Bytes(base: base! + position, count: 6).equals("data: ")
    {
      position += 6
    }
  }

  /// True when what is left of the line is `c` alone (spaces around it aside).
  func isLone(_ c: UInt8) -> Bool {
    var i = position
    while i < count, base![i] == 32 || base![i] == 9 || base![i] == 13 { i += 1 }
    guard i < count, base![i] == c else { return false }
    i += 1
    while i < count, base![i] == 32 || base![i] == 9 || base![i] == 13 { i += 1 }
    return i == count
  }

  mutating func skipSpace() {
    while position < count {
      let c = base![position]
      guard c == 32 || c == 9 || c == 13 || c == 10 else { return }
      position += 1
    }
  }

  mutating func take(_ c: UInt8) -> Bool {
    guard position < count, base![position] == c else { return false }
    position += 1
    return true
  }

  mutating func literal(_ word: StaticString) -> Bool {
    let n = word.utf8CodeUnitCount
    guard position + n <= count, memcmp(base! + position, word.utf8Start, n) == 0 else { return false }
    position += n
    return true
  }

  /// Hands the bytes `start..<position` to `body`.
  func copy(from start: Int, _ body: (UnsafeRawPointer, Int) -> Void) {
    guard let base, position > start else { return }
    body(base + start, position - start)
  }

  /// Parses a JSON number; returns its integer part (or nil when malformed).
  mutating func number() -> Int64? {
    var negative = false
    if take(UInt8(ascii: "-")) { negative = true }
    var v: Int64 = 0
    var digits = 0
    while position < count, base![position] >= 48, base![position] <= 57 {
      let (m, o1) = v.multipliedReportingOverflow(by: 10)
      let (a, o2) = m.addingReportingOverflow(Int64(base![position] - 48))
      v = (o1 || o2) ? .max : a
      digits += 1
      position += 1
    }
    guard digits > 0 else { return nil }
    if take(UInt8(ascii: ".")) {
      var frac = 0
      while position < count, base![position] >= 48, base![position] <= 57 {
        position += 1
        frac += 1
      }
      guard frac > 0 else { return nil }
    }
    if let c = peek, c == UInt8(ascii: "e") || c == UInt8(ascii: "E") {
      position += 1
      if !take(UInt8(ascii: "+")) { _ = take(UInt8(ascii: "-")) }
      var exp = 0
      while position < count, base![position] >= 48, base![position] <= 57 {
        position += 1
        exp += 1
      }
      guard exp > 0 else { return nil }
    }
    return negative ? -v : v
  }

  private mutating func hex4() -> UInt32? {
    guard position + 4 <= count, let v = Bytes(base: base! + position, count: 4).hexNumber else { return nil }
    position += 4
    return UInt32(v)
  }

  /// Whether `length` bytes at `start` hold no backslash.
  func isPlain(_ start: Int, _ length: Int) -> Bool {
    guard let base, length > 0 else { return false }
    return memchr(base + start, 92, length) == nil
  }

  /// Parses a string (at `"`), appending the decoded bytes to `field` of `fields` (nil: only checks it).
  /// Unescaped runs are copied in one piece. Returns false when malformed.
  mutating func string(_ fields: JournalFields?, _ field: JournalField?) -> Bool {
    let out: JournalFields? = field == nil ? nil : fields
    return decodeString(
      { p, n in if let out, let field { _ = out.append(field, p, n) } },
      { b in if let out, let field { out.append(field, byte: b) } })
  }

  /// Parses a string (at `"`), appending the decoded bytes to `out` (a container log's `"log"` value). Returns false
  /// when malformed.
  mutating func string(appendingTo out: inout [UInt8]) -> Bool {
    decodeString({ p, n in out.append(contentsOf: UnsafeBufferPointer(start: p, count: n)) }, { out.append($0) })
  }

  /// The decoding both `string` forms share: unescaped runs go to `run` in one piece, decoded escapes to `byte`.
  @inline(__always)
  private mutating func decodeString(_ runOut: (UnsafePointer<UInt8>, Int) -> Void, _ byte: (UInt8) -> Void) -> Bool {
    guard take(UInt8(ascii: "\"")), let base else { return false }
    var run = position
    @inline(__always) func flush(_ upTo: Int) {
      if upTo > run { runOut(base + run, upTo - run) }
    }
    @inline(__always) func emit(_ b: UInt8) { byte(b) }
    while position < count {
      let c = base[position]
      if c == UInt8(ascii: "\"") {
        flush(position)
        position += 1
        return true
      }
      if c != UInt8(ascii: "\\") {
        position += 1
        continue
      }
      flush(position)
      position += 1
      guard position < count else { return false }
      let e = base[position]
      position += 1
      switch e {
      case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"): emit(e)
      case UInt8(ascii: "b"): emit(8)
      case UInt8(ascii: "f"): emit(12)
      case UInt8(ascii: "n"): emit(10)
      case UInt8(ascii: "r"): emit(13)
      case UInt8(ascii: "t"): emit(9)
      case UInt8(ascii: "u"):
        guard var scalar = hex4() else { return false }
        if scalar >= 0xD800 && scalar < 0xDC00 {
          // A high surrogate: combine with the following low surrogate, if any.
          let save = position
          if take(UInt8(ascii: "\\")), take(UInt8(ascii: "u")), let low = hex4(), low >= 0xDC00, low < 0xE000 {
            scalar = 0x10000 + ((scalar - 0xD800) << 10) + (low - 0xDC00)
          } else {
            position = save
            scalar = 0xFFFD
          }
        } else if scalar >= 0xDC00 && scalar < 0xE000 {
          scalar = 0xFFFD
        }
        Self.utf8(scalar) { emit($0) }
      default: return false
      }
      run = position
    }
    return false
  }

  static func utf8(_ v: UInt32, _ out: (UInt8) -> Void) {
    switch v {
    case 0..<0x80: out(UInt8(v))
    case 0x80..<0x800:
      out(UInt8(0xC0 | (v >> 6)))
      out(UInt8(0x80 | (v & 0x3F)))
    case 0x800..<0x10000:
      out(UInt8(0xE0 | (v >> 12)))
      out(UInt8(0x80 | ((v >> 6) & 0x3F)))
      out(UInt8(0x80 | (v & 0x3F)))
    default:
      out(UInt8(0xF0 | (v >> 18)))
      out(UInt8(0x80 | ((v >> 12) & 0x3F)))
      out(UInt8(0x80 | ((v >> 6) & 0x3F)))
      out(UInt8(0x80 | (v & 0x3F)))
    }
  }
}
