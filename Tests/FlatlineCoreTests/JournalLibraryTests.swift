import Foundation
import Testing
@testable import FlatlineCore

/// `JournalLibrary`: a reading worker's own copy of libsystemd, and reading entries through either copy.
@Suite struct JournalLibraryTests {
  typealias T = JournalTestEntry

  /// Each entry as read through `library`: realtime, boot, fields, cursor; read twice in a row.
  static func readAll(_ file: URL, library: JournalLibrary) throws -> [String] {
    guard case .success(let h) = JournalHandle.open(files: [file.path], library: library) else {
      throw CocoaError(.fileReadUnknown)
    }
    #expect(h.library === library)
    let fields = JournalFields(limit: 1 << 16)
    var out: [String] = []
    func entryText() throws -> String {
      guard case .success(let e) = h.readEntry(into: fields) else { throw CocoaError(.fileReadCorruptFile) }
      let text = [JournalField.message, .host, .identifier, .pid, .machineID, .bootID].map {
        String(decoding: fields.bytes($0).array, as: UTF8.self)
      }
      return "\(e.realtime) \(e.count) \(text.joined(separator: "|")) \(h.currentCursor() ?? "no cursor")"
    }
    while h.next() > 0 {
      let first = try entryText()
      // Reading the same entry again starts from its first field again.
      let again = try entryText()
      #expect(again == first)
      out.append(first)
    }
    return out
  }

  @Test(.enabled(if: JournalFixture.isAvailable, "needs systemd-journal-remote"))
  func aWorkersOwnCopyReadsWhatTheLinkedLibraryReads() throws {
    let dir = try JournalFixture.temporaryDirectory()
    defer { try? FileManager.default.removeItem(at: dir) }
    let file = try JournalFixture.build(exportBytes: T.export(T.twoMachines), in: dir, name: "remote.journal")

    #expect(JournalLibrary.forWorker(0) === JournalLibrary.linked)
    let copy = JournalLibrary.forWorker(1)
    // On glibc the copy loads; if it stopped loading, --jobs would silently contend again.
    #expect(copy.isolated, "no second copy of libsystemd could be loaded")
    #expect(JournalLibrary.forWorker(1) === copy, "a copy is loaded once")
    #expect(!JournalLibrary.linked.isolated)

    let linked = try Self.readAll(file, library: .linked)
    let own = try Self.readAll(file, library: copy)
    #expect(linked.count == T.twoMachines.count)
    #expect(own == linked)
    #expect(linked.allSatisfy { $0.hasSuffix("no cursor") == false && $0.contains(";i=") })
    let messages = Set(T.twoMachines.map { String(decoding: $0.value("MESSAGE") ?? [], as: UTF8.self) })
    #expect(Set(linked.map { $0.split(separator: " ", maxSplits: 2)[2].split(separator: "|")[0] }.map(String.init))
      == messages)
  }
}
