#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Reads a journal dump from a file or stdin (`-`): Journal Export Format (`journalctl -o export`) or JSON lines
/// (`journalctl -o json`), decided by the first byte (`{` = JSON); a file whose first line is an entry header of
/// `journalctl -o verbose` is read as that (`JournalVerboseReader`).
///
/// Streams with bounded memory and feeds entries in stream order (the engine groups them by boot ID). Each record
/// gets `time` from `__REALTIME_TIMESTAMP`, `bootID` from `_BOOT_ID`, `line` = the line where the entry starts,
/// and a `cursorSource` giving the entry's `__CURSOR` when present. Malformed entries are skipped, counted, and
/// summarised in one warning.
public struct JournalStreamSource {
  /// The dump file, or `-` for stdin.
  public let path: String
  /// Where the stream is registered and its counts and warnings go.
  public let registry: InputRegistry
  /// Options (only `maxLineLength` applies: longer lines and values are cut).
  public let options: IngestOptions
  /// A stream already open (standard input, a pipe: `PipeSource`) and its first bytes, already read from it; they
  /// come before the rest of it. nil: `path` is opened.
  let streamHead: (fd: Int32, bytes: [UInt8])?

  /// - Parameters:
  ///   - path: a file, or `-` for stdin.
  ///   - registry: where the stream is registered as one input (`.journalExport` or `.journalJSON`).
  ///   - options: `maxLineLength` limits line and field lengths.
  public init(path: String, registry: InputRegistry, options: IngestOptions) {
    self.init(path: path, registry: registry, options: options, streamHead: nil)
  }

  init(path: String, registry: InputRegistry, options: IngestOptions, streamHead: (fd: Int32, bytes: [UInt8])?) {
    self.path = path
    self.registry = registry
    self.options = options
    self.streamHead = streamHead
  }

  /// Registers the input, then feeds its entries to `sink`.
  public func run<S: RecordSink>(into sink: inout S) {
    let reader: JournalByteReader
    if let head = streamHead {
      reader = .stream(fd: head.fd, head: head.bytes, maxLineLength: options.maxLineLength)
    } else {
      switch JournalByteReader.open(path: path, maxLineLength: options.maxLineLength) {
      case .failure(let e):
        registry.skip(path: path, reason: "cannot open: \(e.description)")
        return
      case .success(let r): reader = r
      }
    }
    var first: UInt8?
    while let b = reader.peekByte() {
      if b == 32 || b == 9 || b == 13 || b == 10 {
        // Leading blank lines carry no data; consume them (keeping the line count right).
        if b == 10 {
          _ = reader.readLine()
        } else {
          _ = reader.read(1) { _, _ in }
        }
        continue
      }
      first = b
      break
    }
    // JSON: `{`, or RS (`json-seq`), or `d` of `data: ` (`json-sse`); export fields start with `_`, `A`–`Z`, `0`–`9`.
    let isJSON = first == UInt8(ascii: "{") || first == 0x1E || first == UInt8(ascii: "d")
    let input = registry.register(path: path, kind: isJSON ? .journalJSON : .journalExport)
    if first == nil {
      if let e = reader.readError {
        registry.warn(input, "read error: \(errnoName(e))")
      } else {
        registry.warn(input, "empty input: no journal entries")
      }
      return
    }
    if isJSON {
      var parser = JournalJSONReader(reader: reader, input: input, registry: registry, options: options)
      parser.run(into: &sink)
    } else if path != "-", Self.isVerbose(path: path) {
      var parser = JournalVerboseReader(reader: reader, input: input, registry: registry, options: options)
      parser.run(into: &sink)
    } else {
      var parser = JournalExportReader(reader: reader, input: input, registry: registry, options: options)
      parser.run(into: &sink)
    }
  }
}

extension JournalStreamSource {
  /// Whether the file's first line is a `journalctl -o verbose` entry header (`JournalVerboseReader`).
  static func isVerbose(path: String) -> Bool {
    guard case .success(let head) = LineReader.head(path: path) else { return false }
    let lines = Discovery.headLines(head.data, complete: head.complete).prefix(8)
    return head.data.withBytes { b in
      JournalVerboseReader.startsWithHeader(lines.map { l in
        b.slice(l.0, l.1 > l.0 && b[l.1 - 1] == 13 ? l.1 - 1 : l.1)
      })
    }
  }
}

/// Gives the `__CURSOR` of the entry being consumed from the reader's field buffers.
final class StoredCursor: CursorSource {
  let fields: JournalFields

  init(fields: JournalFields) { self.fields = fields }

  func currentCursor() -> String? {
    let c = fields.bytes(.cursor)
    return c.isEmpty ? nil : c.string
  }
}

/// Counts malformed entries for the one summary warning.
struct MalformedTally {
  var count = 0
  var firstLine = 0
  var firstReason = ""

  mutating func add(line: Int, reason: String) {
    if count == 0 {
      firstLine = line
      firstReason = reason
    }
    count += 1
  }

  func warning(_ singular: String, _ plural: String) -> String? {
    guard count > 0 else { return nil }
    return "\(count) malformed \(count == 1 ? singular : plural) skipped (first at line \(firstLine): \(firstReason))"
  }
}

/// What the line-based dump readers (export, verbose) share: handing each finished entry on as a record, counting
/// the malformed ones, and the warnings at the end.
struct DumpEntries {
  var record: Record
  var delivered = 0
  var malformed = MalformedTally()

  /// Hands the entry that began at `line` on, or counts it as malformed for `bad`.
  mutating func finish<S: RecordSink>(_ fields: JournalFields, line: Int, bad: String?, into sink: inout S) {
    if let bad {
      malformed.add(line: line, reason: bad)
      return
    }
    fields.fillStreamRecord(&record, line: line)
    delivered += 1
    sink.consume(record)
  }

  /// Counts and the malformed-entries warning for the input; `entry`/`entries` name them in it.
  func report(_ registry: InputRegistry, _ input: Int32, entry: String, entries: String) {
    registry.addRecords(input, delivered)
    if malformed.count > 0 { registry.addSkipped(input, malformed.count) }
    if let w = malformed.warning(entry, entries) { registry.warn(input, w) }
  }

  /// The reader's own troubles, after the entries' warnings.
  static func readerWarnings(_ registry: InputRegistry, _ input: Int32, _ reader: JournalByteReader) {
    if let e = reader.readError { registry.warn(input, "read error: \(errnoName(e))") }
    if reader.cutLines > 0 {
      registry.warn(input, "\(reader.cutLines) line(s) longer than \(reader.maxLineLength) bytes were cut")
    }
  }
}

/// Whether `b` is a plausible journal field name (letters, digits, `_`; journald itself allows only upper case).
@inline(__always) func isFieldName(_ b: Bytes) -> Bool {
  guard b.count > 0, b.count <= 256 else { return false }
  for i in 0..<b.count {
    let c = b[i]
    let ok = (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c == 95
    if !ok { return false }
  }
  return !(b[0] >= 48 && b[0] <= 57)
}

/// Parser of the Journal Export Format (systemd `JOURNAL_EXPORT_FORMATS.md`).
///
/// Entries are separated by an empty line; text fields are `NAME=value\n`; binary fields are `NAME\n`, a 64-bit
/// little-endian length, the bytes, and `\n`. Meta fields `__CURSOR`, `__REALTIME_TIMESTAMP` are used, other
/// `__*` fields are ignored.
struct JournalExportReader {
  let reader: JournalByteReader
  let input: Int32
  let registry: InputRegistry
  let fields: JournalFields

  /// A binary field longer than this is taken as garbage (the format has no limit; journald caps at 768 MiB).
  static let maxBinaryLength: UInt64 = 1 << 32

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
    var out = DumpEntries(record: Record(input: input, cursorSource: cursorSource))
    var inEntry = false
    var entryLine = 0
    var bad: String?
    var truncatedAtEnd = false

    while true {
      let lineNumber = reader.lineNumber
      guard let (line, complete, cut) = reader.readLine() else { break }
      if line.isEmpty && complete {
        if inEntry { out.finish(fields, line: entryLine, bad: bad, into: &sink) }
        inEntry = false
        continue
      }
      if !inEntry {
        inEntry = true
        entryLine = lineNumber
        bad = nil
        fields.reset()
      }
      if bad != nil { continue }
      if let eq = memchr(line.base!, 61, line.count) {
        let nameLength = UnsafeRawPointer(eq) - UnsafeRawPointer(line.base!)
        let name = line.slice(0, nameLength)
        guard isFieldName(name) else {
          bad = "invalid field name"
          continue
        }
        if cut { fields.truncated += 1 }
        if let field = JournalField.named(name.base!, name.count) {
          fields.set(field, line.base! + nameLength + 1, line.count - nameLength - 1)
        }
        continue
      }
      // A binary field: NAME, then a 64-bit LE length, the data and a newline.
      guard complete, !cut, isFieldName(line) else {
        bad = complete ? "line is neither NAME=value nor a binary field name" : "entry cut off at end of input"
        if !complete { truncatedAtEnd = true }
        continue
      }
      let field = JournalField.named(line.base!, line.count)
      var lengthBytes: UInt64 = 0
      var got = 0
      let n = reader.read(8) { p, count in
        withUnsafeMutableBytes(of: &lengthBytes) { dst in
          dst.baseAddress!.advanced(by: got).copyMemory(from: p, byteCount: count)
        }
        got += count
      }
      guard n == 8 else {
        bad = "binary field cut off at end of input"
        truncatedAtEnd = true
        break
      }
      let length = UInt64(littleEndian: lengthBytes)
      guard length <= Self.maxBinaryLength else {
        bad = "implausible binary field length \(length)"
        continue
      }
      if let field { fields.clear(field) }
      let fieldsRef = fields
      let read = reader.read(length) { p, count in
        if let field { fieldsRef.append(field, p, count) }
      }
      if field != nil, length > UInt64(fields.limit) { fields.truncated += 1 }
      guard read == length else {
        bad = "binary field cut off at end of input"
        truncatedAtEnd = true
        break
      }
      var newline: UInt8 = 0
      guard reader.read(1, into: { p, _ in newline = p.load(as: UInt8.self) }) == 1 else {
        // A missing final newline after binary data at the very end is tolerated.
        break
      }
      if newline != 10 {
        bad = "binary field not followed by a newline"
      }
    }
    if inEntry { out.finish(fields, line: entryLine, bad: bad, into: &sink) }
    out.report(registry, input, entry: "export entry", entries: "export entries")
    if truncatedAtEnd { registry.warn(input, "input ends inside an entry (truncated)") }
    DumpEntries.readerWarnings(registry, input, reader)
    if fields.truncated > reader.cutLines {
      registry.warn(input, "\(fields.truncated - reader.cutLines) binary field value(s) were cut")
    }
  }
}
