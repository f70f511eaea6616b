import Foundation
import Testing

@testable import FlatlineCore

/// Helpers for tests that follow a file as it is written and compare with what `analyze` reads from the whole file.
enum FollowerTesting {
  /// Each boot as `host ending kind@line,…`: what a follower and a batch read must agree on.
  static func boots(_ r: AnalysisResult) -> [String] {
    r.hosts.flatMap { h in
      h.boots.map { b in
        "\(h.name) \(b.ending.rawValue) " + b.evidence.map { "\($0.kind.rawValue)@\($0.location.line)" }.joined(separator: ",")
      }
    }
  }

  /// The boots of a followed sink's engine (finished first).
  static func boots(of box: SinkBox, _ registry: InputRegistry) -> [String] {
    box.sink.engine.finish()
    return boots(Analyzer.result(engine: box.sink.engine, registry: registry, options: AnalysisOptions(paths: [])))
  }

  /// Appends `whole[cuts[i]..<cuts[i + 1]]` (the last piece to the end) to `path`, polling `follower` after each.
  static func append(
    _ whole: [UInt8], from cuts: [Int], to path: String, polling follower: FileFollower, into box: SinkBox,
    sourceLocation: Testing.SourceLocation = #_sourceLocation
  ) throws {
    for (i, c) in cuts.enumerated() {
      let handle = try #require(FileHandle(forWritingAtPath: path), sourceLocation: sourceLocation)
      handle.seekToEndOfFile()
      handle.write(Data(whole[c..<(i + 1 < cuts.count ? cuts[i + 1] : whole.count)]))
      try handle.close()
      #expect(follower.poll(into: box, now: 0).isEmpty, sourceLocation: sourceLocation)
    }
  }
}
