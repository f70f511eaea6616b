import Foundation
@testable import FlatlineCore

/// A copied datastore record, for assertions.
struct DSRecord: Equatable {
  var time: Int64
  var line: Int
  var host: String
  var identifier: String
  var pid: Int32
  var message: String
}

struct DSSink: RecordSink {
  var records: [DSRecord] = []
  var notes = 0

  mutating func consume(_ r: Record) {
    records.append(
      DSRecord(
        time: r.time, line: r.line, host: r.host.string, identifier: r.identifier.string, pid: r.pid,
        message: r.message.string))
  }

  mutating func note(_ note: SourceNote) { notes += 1 }
}

enum DS {
  /// UTC microseconds.
  static func t(_ y: Int, _ mo: Int, _ d: Int, _ h: Int, _ mi: Int, _ s: Int, _ us: Int = 0) -> Int64 {
    CivilTime.micros(year: y, month: mo, day: d, hour: h, minute: mi, second: s, micro: us)
  }

  /// Feeds `lines` (line numbers from 1) through the datastore reader without a file.
  static func read(
    _ component: DatastoreComponent, _ lines: [String], timeZone: String = "UTC", year: Int? = nil
  ) -> (records: [DSRecord], info: InputInfo) {
    let reg = InputRegistry()
    let input = reg.register(path: "/nonexistent/\(component.rawValue).log", kind: .datastoreLog)
    var state = DatastoreReadState(
      component: component, zone: LocalTimeConverter(identifier: timeZone)!,
      options: IngestOptions(year: year, timeZone: timeZone), path: "/nonexistent/x.log", input: input)
    var sink = DSSink()
    for (k, l) in lines.enumerated() {
      let bytes = Array(l.utf8)
      if bytes.isEmpty { continue }  // the LineReader hands out no empty lines
      bytes.withBytes { state.line($0, lineNo: k + 1, nulBefore: 0, gzipMTime: 0, into: &sink) }
    }
    state.finish(registry: reg)
    return (sink.records, reg[input])
  }

  /// Sniffs inline lines.
  static func sniff(_ lines: [String], name: String = "x.log") -> String? {
    let arrays = lines.map { Array($0.utf8) }
    var out: String?
    withBytesList(arrays, []) { out = DatastoreSniffer.sniff($0, name: name) }
    return out
  }

  private static func withBytesList(_ rest: ArraySlice<[UInt8]>, _ acc: [Bytes], _ body: ([Bytes]) -> Void) {
    guard let first = rest.first else { return body(acc) }
    first.withBytes { b in withBytesList(rest.dropFirst(), acc + [b], body) }
  }

  private static func withBytesList(_ all: [[UInt8]], _ acc: [Bytes], _ body: ([Bytes]) -> Void) {
    withBytesList(all[...], acc, body)
  }

  /// `../shared/corpus` next to the package root, or nil.
  static var corpus: String? { SyslogTestFiles.corpus }
  static var hasCorpus: Bool { corpus != nil }

  /// Non-empty lines of a plain file (what the reader hands out).
  static func nonEmptyLines(_ path: String) -> Int {
    guard let data = FileManager.default.contents(atPath: path) else { return -1 }
    var n = 0
    for line in data.split(separator: 10, omittingEmptySubsequences: true) {
      if line.contains(where: { $0 != 13 && $0 != 0 }) { n += 1 }
    }
    return n
  }
}
