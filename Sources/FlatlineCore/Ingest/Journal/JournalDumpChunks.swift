#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A journal dump read as it is written (`journalctl -f -o json >> file`, `… -o export | flatline tail -`): the
/// followers hand over whole entries only, and each batch is read by the parser `analyze` reads the whole dump with.
enum JournalDumpChunks {
  /// The end of the last whole entry in `bytes` (0 when none is whole yet).
  static func wholeEntriesEnd(_ bytes: UnsafeRawBufferPointer, json: Bool) -> Int {
    guard let p = bytes.baseAddress?.assumingMemoryBound(to: UInt8.self), bytes.count > 0 else { return 0 }
    return json ? jsonEntriesEnd(p, bytes.count) : exportEntriesEnd(p, bytes.count)
  }

  /// Reads the entries of `bytes` into `sink` (line numbers from 1: the caller shifts them). Returns the number of
  /// lines read, by which the next batch's line numbers shift.
  static func read<S: RecordSink>(
    _ bytes: UnsafeRawBufferPointer, json: Bool, input: Int32, registry: InputRegistry, options: IngestOptions,
    into sink: inout S
  ) -> Int {
    let reader = JournalByteReader.stream(fd: -1, head: Array(bytes), maxLineLength: options.maxLineLength)
    if json {
      var parser = JournalJSONReader(reader: reader, input: input, registry: registry, options: options)
      parser.run(into: &sink)
    } else {
      var parser = JournalExportReader(reader: reader, input: input, registry: registry, options: options)
      parser.run(into: &sink)
    }
    return reader.lineNumber - 1
  }

  /// The end of the last whole entry of journal JSON in the first `count` bytes: after the last line that closes an
  /// object (each line of `-o json`; the `}` line of `json-pretty`); 0 when there is none.
  static func jsonEntriesEnd(_ b: UnsafePointer<UInt8>, _ count: Int) -> Int {
    var end = count
    while end > 0, let nl = lastNewline(b, end) {
      var k = nl - 1
      while k >= 0, b[k] == 32 || b[k] == 9 || b[k] == 13 { k -= 1 }
      if k >= 0, b[k] == UInt8(ascii: "}") { return nl + 1 }
      end = nl
    }
    return 0
  }

  /// The end of the last whole entry of Journal Export Format in the first `count` bytes (after the empty line that
  /// closes it), walking its fields: `NAME=value` lines, and binary ones (`NAME`, a 64-bit little-endian length,
  /// the data, a newline), whose data may hold empty lines. 0 when no entry is whole.
  static func exportEntriesEnd(_ b: UnsafePointer<UInt8>, _ count: Int) -> Int {
    var i = 0
    var last = 0
    while i < count {
      guard let nl = memchr(b + i, 10, count - i) else { break }
      let e = UnsafeRawPointer(nl) - UnsafeRawPointer(b)
      if e == i {
        // An empty line: the entry before it is whole.
        last = e + 1
        i = e + 1
        continue
      }
      if memchr(b + i, Int32(UInt8(ascii: "=")), e - i) == nil {
        // A binary field: its length follows the name's newline.
        guard e + 9 <= count else { break }
        var length: UInt64 = 0
        for k in 0..<8 { length |= UInt64(b[e + 1 + k]) << (8 * UInt64(k)) }
        guard length < UInt64(count) else { break }
        let next = e + 9 + Int(length)
        guard next < count else { break }
        i = next + 1
        continue
      }
      i = e + 1
    }
    return last
  }

  /// Index of the last newline in the first `count` bytes.
  static func lastNewline(_ b: UnsafePointer<UInt8>, _ count: Int) -> Int? {
    var i = count - 1
    while i >= 0 {
      if b[i] == 10 { return i }
      i -= 1
    }
    return nil
  }
}
