#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Parser of `journalctl -o verbose` text: every field of every entry, as support bundles save it.
///
/// An entry is a header line at column 0, `Mon 2022-10-24 00:00:01.009823 UTC [s=…;i=…;b=<boot ID>;m=<monotonic,
/// hex>;t=<realtime, hex>;x=…]` — the bracket holds the entry's cursor — then one `    NAME=value` line a field,
/// indented by four spaces; a value's further lines are indented deeper and are joined with newlines. Fields
/// journalctl shows as `NAME=[N bytes blob data]` are left out. Each entry becomes a record as with the export
/// format: time from `t=`, boot ID from `b=` (or `_BOOT_ID`), `line` = the header's line, the cursor from the
/// bracket. journalctl's own `-- … --` lines are passed over. A header without `t=` and lines that are neither
/// headers nor fields make their entry malformed: skipped, counted, and summarised in one warning.
struct JournalVerboseReader {
  let reader: JournalByteReader
  let input: Int32
  let registry: InputRegistry
  let fields: JournalFields

  init(reader: JournalByteReader, input: Int32, registry: InputRegistry, options: IngestOptions) {
    self.reader = reader
    self.input = input
    self.registry = registry
    fields = JournalFields(limit: options.maxLineLength)
  }

  /// Whether the first line of `lines` that is not journalctl's own (`-- Logs begin at … --`) is an entry header.
  static func startsWithHeader(_ lines: [Bytes]) -> Bool {
    guard let first = lines.first(where: { !$0.isEmpty && !$0.hasPrefix("-- ") }) else { return false }
    return isHeader(first)
  }

  /// Whether `line` is a verbose entry header: a date, then ` [s=` … `;t=` … `]` at the end.
  static func isHeader(_ line: Bytes) -> Bool {
    guard line.count > 40, line[0] != 32, line[0] != 9, line[line.count - 1] == 93,
      let open = line.find(" [s="), open >= 10
    else { return false }
    let bracket = line.slice(open + 2, line.count - 1)
    return bracket.contains(";t=") && bracket.contains(";b=")
  }

  /// The value of `key` (`t=`, `b=`, `m=`) in the cursor text `c` (`s=…;i=…;b=…`).
  static func part(_ c: Bytes, _ key: UInt8) -> Bytes? {
    var i = 0
    while i + 1 < c.count {
      var e = i
      while e < c.count, c[e] != 59 { e += 1 }
      if c[i] == key, c[i + 1] == 61 { return c.slice(i + 2, e) }
      i = e + 1
    }
    return nil
  }

  mutating func run<S: RecordSink>(into sink: inout S) {
    let cursorSource = StoredCursor(fields: fields)
    defer { withExtendedLifetime(cursorSource) {} }
    var out = DumpEntries(record: Record(input: input, cursorSource: cursorSource))
    var inEntry = false
    var entryLine = 0
    var bad: String?
    var last: JournalField?
    var decimalText: [UInt8] = []

    func setNumber(_ field: JournalField, _ v: UInt64) {
      decimalText.removeAll(keepingCapacity: true)
      decimalText.append(contentsOf: String(v).utf8)
      decimalText.withUnsafeBytes { fields.set(field, $0.baseAddress!, $0.count) }
    }

    while true {
      let lineNumber = reader.lineNumber
      guard let (line, _, cut) = reader.readLine() else { break }
      if line.isEmpty { continue }
      // journalctl's own lines between entries (`-- Boot <id> --`, `-- No entries --`) end the entry before them.
      if line.hasPrefix("-- ") {
        if inEntry { out.finish(fields, line: entryLine, bad: bad, into: &sink) }
        inEntry = false
        continue
      }
      if line[0] != 32 && line[0] != 9 {
        if inEntry { out.finish(fields, line: entryLine, bad: bad, into: &sink) }
        inEntry = true
        entryLine = lineNumber
        bad = nil
        last = nil
        fields.reset()
        guard Self.isHeader(line), let open = line.find(" [s=") else {
          bad = "line is neither an entry header nor an indented field"
          continue
        }
        let cursor = line.slice(open + 2, line.count - 1)
        fields.set(.cursor, cursor.base!, cursor.count)
        guard let t = Self.part(cursor, 116)?.hexNumber else {
          bad = "entry header without a realtime stamp (t=)"
          continue
        }
        setNumber(.realtime, t)
        if let m = Self.part(cursor, 109)?.hexNumber { setNumber(.monotonic, m) }
        if let b = Self.part(cursor, 98), b.count == 32 { fields.set(.bootID, b.base!, b.count) }
        continue
      }
      if !inEntry {
        // Fields with no header before them: an entry whose header is lost.
        inEntry = true
        entryLine = lineNumber
        bad = "field lines without an entry header"
        fields.reset()
      }
      guard bad == nil else { continue }
      if cut { fields.truncated += 1 }
      // `    NAME=value`, or a further line of the previous value (indented deeper).
      if line.count > 4, line[0] == 32, line[1] == 32, line[2] == 32, line[3] == 32, line[4] != 32,
        let eq = line.dropFirst(4).find("=")
      {
        let name = line.slice(4, 4 + eq)
        if isFieldName(name) {
          let value = line.dropFirst(4 + eq + 1)
          last = JournalField.named(name.base!, name.count)
          if let f = last {
            if value.hasPrefix("[") && value.hasSuffix(" blob data]") {
              fields.clear(f)
              last = nil
            } else if value.count > 0 {
              fields.set(f, value.base!, value.count)
            } else {
              fields.clear(f)
            }
          }
          continue
        }
      }
      if let f = last {
        var k = 0
        while k < line.count, line[k] == 32 { k += 1 }
        fields.append(f, byte: 10)
        let rest = line.dropFirst(k)
        if rest.count > 0 { _ = fields.append(f, rest.base!, rest.count) }
        continue
      }
      if line[0] == 32 && line.count > 4 && line[4] == 32 { continue }  // a further line of a field not kept
      bad = "line is neither an entry header nor an indented field"
    }
    if inEntry { out.finish(fields, line: entryLine, bad: bad, into: &sink) }
    out.report(registry, input, entry: "verbose entry", entries: "verbose entries")
    DumpEntries.readerWarnings(registry, input, reader)
  }
}
