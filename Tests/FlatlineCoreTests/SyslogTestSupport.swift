import Foundation
@testable import FlatlineCore

/// A copied record, for assertions.
struct SyslogTestRecord {
  var time: Int64
  var input: Int32
  var line: Int
  var host: String
  var identifier: String
  var pid: Int32 = 0
  var message: String
  var kernelUptime: Int64
  var isKernel: Bool
  var nulBytesBefore: Int
}

/// Copies every record and note it receives.
struct SyslogTestSink: RecordSink {
  var records: [SyslogTestRecord] = []
  var notes: [SourceNote] = []
  /// When false only counts are kept (big inputs).
  var keep = true
  var count = 0
  var bootBanners = 0

  mutating func consume(_ r: Record) {
    count += 1
    if r.message.contains("Booting Linux") { bootBanners += 1 }
    guard keep else { return }
    records.append(
      SyslogTestRecord(
        time: r.time, input: r.input, line: r.line, host: r.host.string, identifier: r.identifier.string,
        pid: r.pid, message: r.message.string, kernelUptime: r.kernelUptime, isKernel: r.isKernel,
        nulBytesBefore: r.nulBytesBefore))
  }

  mutating func note(_ note: SourceNote) { notes.append(note) }
}

enum SyslogTestFiles {
  /// Warnings collected from any thread (an `InputRegistry`'s handler).
  final class Warnings: @unchecked Sendable {
    private let lock = NSLock()
    private var all: [String] = []
    func add(_ s: String) { lock.withLock { all.append(s) } }
    var lines: [String] { lock.withLock { all } }
  }

  /// `../shared/corpus` next to the package root, or nil when absent (a fresh clone).
  static var corpus: String? {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent()
    let dir = root.deletingLastPathComponent().appendingPathComponent("shared/corpus").path
    return FileManager.default.fileExists(atPath: dir) ? dir : nil
  }

  /// A fresh temporary directory.
  static func tempDir() -> String {
    let dir = NSTemporaryDirectory() + "flatline-syslog-\(UUID().uuidString)"
    try! FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    return dir
  }

  static func write(_ path: String, _ bytes: [UInt8]) {
    _ = FileManager.default.createFile(atPath: path, contents: Data(bytes))
  }

  static func write(_ path: String, _ text: String) { write(path, Array(text.utf8)) }

  /// gzip-compresses `bytes` (one member) with zlib via /usr/bin/gzip, header MTIME = `mtime`.
  static func gzip(_ bytes: [UInt8], mtime: UInt32 = 0) -> [UInt8] {
    let dir = tempDir()
    let p = dir + "/x"
    write(p, bytes)
    let proc = Process()
    proc.executableURL = URL(fileURLWithPath: "/bin/sh")
    proc.arguments = ["-c", "gzip -c -n '\(p)' > '\(p).gz'"]
    try! proc.run()
    proc.waitUntilExit()
    var out = [UInt8](FileManager.default.contents(atPath: p + ".gz")!)
    out[4] = UInt8(mtime & 0xff)
    out[5] = UInt8(mtime >> 8 & 0xff)
    out[6] = UInt8(mtime >> 16 & 0xff)
    out[7] = UInt8(mtime >> 24 & 0xff)
    try? FileManager.default.removeItem(atPath: dir)
    return out
  }

  /// Runs a SyslogSource over `files` and returns the sink and registry.
  static func stream(_ files: [String], options: IngestOptions = IngestOptions(timeZone: "UTC"), keep: Bool = true)
    -> (SyslogTestSink, InputRegistry)
  {
    let reg = InputRegistry()
    var sink = SyslogTestSink()
    sink.keep = keep
    SyslogSource(files: files, registry: reg, options: options).run(into: &sink)
    return (sink, reg)
  }
}
