import Foundation
@testable import FlatlineCore

/// Builds binary journal files for tests from Journal Export Format text with `systemd-journal-remote`.
enum JournalFixture {
  static let tool = "/lib/systemd/systemd-journal-remote"

  /// True when `systemd-journal-remote` is installed (tests that need it are skipped otherwise).
  static var isAvailable: Bool { FileManager.default.isExecutableFile(atPath: tool) }

  struct Failure: Error, CustomStringConvertible {
    var description: String
  }

  /// Writes `export` to a temporary file and converts it to `<dir>/<name>` (`name` ends in `.journal`).
  static func build(export: String, in dir: URL, name: String) throws -> URL {
    try build(exportBytes: Array(export.utf8), in: dir, name: name)
  }

  /// Like `build(export:in:name:)` for export data with binary fields (not valid UTF-8 text).
  static func build(exportBytes: [UInt8], in dir: URL, name: String) throws -> URL {
    guard name.hasSuffix(".journal") else { throw Failure(description: "journal name must end in .journal") }
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    let source = dir.appendingPathComponent(name + ".export")
    try Data(exportBytes).write(to: source)
    defer { try? FileManager.default.removeItem(at: source) }
    let output = dir.appendingPathComponent(name)
    let process = Process()
    process.executableURL = URL(fileURLWithPath: tool)
    process.arguments = ["--output=\(output.path)", "--split-mode=none", source.path]
    let err = Pipe()
    process.standardError = err
    process.standardOutput = FileHandle.nullDevice
    try process.run()
    let message = err.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0, FileManager.default.fileExists(atPath: output.path) else {
      let text = String(decoding: message, as: UTF8.self)
      throw Failure(description: "journal-remote failed (\(process.terminationStatus)): \(text)")
    }
    return output
  }

  /// Converts each export file to `<dir>/<file name without extension>.journal` (a scenario's journal folder).
  static func build(exports: [URL], in dir: URL) throws {
    for e in exports {
      let text = try String(contentsOf: e, encoding: .utf8)
      _ = try build(export: text, in: dir, name: e.deletingPathExtension().lastPathComponent + ".journal")
    }
  }

  /// A fresh temporary directory.
  static func temporaryDirectory() throws -> URL {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("flatline-journal-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    return dir
  }

  /// The shared corpus folder (`../shared/corpus/<name>` next to the package), or nil when absent.
  static func corpus(_ name: String) -> URL? {
    var url = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath()
    // …/main/Tests/FlatlineCoreTests/Support/JournalFixture.swift → …/main
    for _ in 0..<4 { url.deleteLastPathComponent() }
    let path = url.deletingLastPathComponent().appendingPathComponent("shared/corpus/\(name)")
    return FileManager.default.fileExists(atPath: path.path) ? path : nil
  }

  /// Damages `file`'s index for `boot`: its `_BOOT_ID=` data object then claims `entries` entries (`n_entries`, the
  /// le64 before the payload; compact files keep two more le32 fields between them), so a match on the boot ends
  /// early while walking the file still meets all of them.
  static func damageBootIndex(_ file: URL, boot: String, entries: UInt64 = 3) throws {
    var data = try Data(contentsOf: file)
    guard let payload = data.range(of: Data("_BOOT_ID=\(boot)".utf8))?.lowerBound else {
      throw CocoaError(.fileReadCorruptFile)
    }
    let compact = data[data.startIndex + 12] & 16 != 0
    let at = payload - (compact ? 16 : 8)
    data.replaceSubrange(at..<(at + 8), with: withUnsafeBytes(of: entries.littleEndian) { Data($0) })
    try data.write(to: file)
  }
}

/// A sink that copies what it receives, for assertions.
struct JournalCollectingSink: RecordSink {
  struct Entry: Equatable {
    var time: Int64
    var input: Int32
    var line: Int
    var host: String
    var identifier: String
    var pid: Int32
    var message: [UInt8]
    var messageID: String
    var unit: String
    var bootID: String
    var machineID: String
    var kernelUptime: Int64
    var isKernel: Bool
    var cursor: String?
  }

  var entries: [Entry] = []
  var notes: [SourceNote] = []
  var wantCursor = false

  mutating func consume(_ r: Record) {
    entries.append(
      Entry(
        time: r.time, input: r.input, line: r.line, host: r.host.string, identifier: r.identifier.string, pid: r.pid,
        message: r.message.array, messageID: r.messageID.string, unit: r.unit.string, bootID: r.bootID.string,
        machineID: r.machineID.string, kernelUptime: r.kernelUptime, isKernel: r.isKernel,
        cursor: wantCursor ? r.cursorSource?.currentCursor() : nil))
  }

  mutating func note(_ note: SourceNote) { notes.append(note) }

  /// Boot IDs in order of first appearance.
  var bootOrder: [String] {
    var seen: [String] = []
    for e in entries where seen.last != e.bootID { seen.append(e.bootID) }
    return seen
  }
}
