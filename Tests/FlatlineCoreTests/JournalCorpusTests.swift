import Foundation
import Testing
@testable import FlatlineCore

/// Real data from the shared corpus (each test is skipped when `../shared` is absent).
@Suite struct JournalCorpusTests {
  static let fedora = JournalFixture.corpus("fedora-rpi4-journal")
  static let syslogFormats = JournalFixture.corpus("syslog-formats")
  static let machine = "2dc07f7a727e4b46a1927eab9d6cd4b7"

  static func fedoraFiles() throws -> [String] {
    let dir = try #require(fedora)
    return try FileManager.default.contentsOfDirectory(atPath: dir.path).sorted().map {
      dir.appendingPathComponent($0).path
    }
  }

  static func runFedora() throws -> (InputRegistry, JournalCollectingSink) {
    let registry = InputRegistry()
    var sink = JournalCollectingSink()
    JournalSource(files: try fedoraFiles(), registry: registry, options: IngestOptions()).run(into: &sink)
    return (registry, sink)
  }

  @Test(.enabled(if: fedora != nil, "needs ../shared/corpus/fedora-rpi4-journal"))
  func fedoraYieldsFourBootsInBootOrder() throws {
    let (registry, sink) = try Self.runFedora()
    #expect(registry.inputs.count == 1)
    let info = registry.inputs[0]
    #expect(info.kind == .journal)
    #expect(info.path == Self.fedora?.path)
    #expect(info.host == "fedora")
    #expect(info.records == sink.entries.count)
    #expect(sink.entries.count > 10_000)
    let order = sink.bootOrder
    // Each boot's entries come as one block, boots ordered by their last entry.
    #expect(order.map { String($0.prefix(8)) } == ["5ea5fc4f", "bea6864f", "4c708e1f", "35e85011"])
    #expect(sink.entries.allSatisfy { $0.machineID == Self.machine })
    #expect(sink.entries.allSatisfy { $0.line == 0 && $0.time != Record.noTime })
    // 4c708e1f ends at the entry systemd's fixed --list-boots reports as its last.
    let last4c = sink.entries.last { $0.bootID.hasPrefix("4c708e1f") }
    #expect(last4c?.time == 1_666_584_354_649_355)
    let last5e = sink.entries.last { $0.bootID.hasPrefix("5ea5fc4f") }
    #expect(last5e.map { String(decoding: $0.message, as: UTF8.self) } == "Journal stopped")
  }

  @Test(.enabled(if: fedora != nil, "needs ../shared/corpus/fedora-rpi4-journal"))
  func fedoraReportsOnlineAndCorruptFiles() throws {
    let (registry, sink) = try Self.runFedora()
    var online: [String: String] = [:]
    for note in sink.notes {
      if case .journalFileOnline(let input, let file, let machine, let tail) = note {
        #expect(input == 0)
        #expect(machine == Self.machine)
        online[URL(fileURLWithPath: file).lastPathComponent] = tail
      }
    }
    // The header state byte is 1 (ONLINE) in four of the seven files.
    #expect(online.count == 4)
    #expect(online["system@0005ebbfd4385848-2e5dff5354ab9bcf.journal~"]?.hasPrefix("4c708e1f") == true)
    #expect(online["system.journal"]?.hasPrefix("35e85011") == true)
    // ONLINE notes come before any entry: the sink saw them first (notes are collected only before consume here).
    let warnings = registry.inputs[0].warnings
    #expect(warnings.filter { $0.contains("never closed (state ONLINE)") }.count == 4)
    // The three files that fail `journalctl --verify` lose entries behind their corruption.
    let corrupt = warnings.filter { $0.contains("corrupt file") }
    #expect(corrupt.count == 3)
    #expect(corrupt.contains { $0.hasPrefix("system@0005ebbfd4385848-2e5dff5354ab9bcf.journal~") })
    #expect(corrupt.contains { $0.hasPrefix("user-1000.journal:") })
  }

  @Test(.enabled(if: syslogFormats != nil, "needs ../shared/corpus/syslog-formats"))
  func journaldJSONSampleHasTwoEntries() throws {
    let path = try #require(Self.syslogFormats).appendingPathComponent("logfile_journald.json").path
    let registry = InputRegistry()
    var sink = JournalCollectingSink()
    JournalStreamSource(path: path, registry: registry, options: IngestOptions()).run(into: &sink)
    #expect(registry.inputs.count == 1)
    #expect(registry.inputs[0].kind == .journalJSON)
    #expect(registry.inputs[0].records == 2)
    #expect(registry.inputs[0].warnings.isEmpty)
    #expect(sink.entries.count == 2)
    let first = try #require(sink.entries.first)
    #expect(first.time == 1_534_860_261_221_373)
    #expect(first.bootID == "0dc874d3fbd44bdbb6fbcfaa27481492")
    #expect(first.machineID == "1234567890abcdef1234567890abcdef")
    #expect(first.host == "imx6ul-medusa")
    #expect(first.identifier == "python")
    #expect(String(decoding: first.message, as: UTF8.self) == "GPS Reference longitude: 7.358143333")
    #expect(first.line == 1)
    #expect(sink.entries[1].line == 2)
  }
}
