import Foundation
import Testing
@testable import FlatlineCore

/// Tests for `LineReader` (suite named with "Syslog" so `--filter Syslog` runs it).
@Suite struct SyslogLineReaderTests {
  struct Seg: Equatable {
    var text: [UInt8]
    var line: Int
    var nul: Int
  }

  func segments(_ path: String, registry: InputRegistry? = nil, max: Int = 1 << 20) -> [Seg] {
    let input = registry?.register(path: path, kind: .syslog)
    guard let r = LineReader(path: path, input: input, registry: registry, maxLineLength: max) else { return [] }
    var out: [Seg] = []
    r.forEachLine { b, line, nul in out.append(Seg(text: b.array, line: line, nul: nul)) }
    return out
  }

  @Test func crlfAndLastLineWithoutNewline() {
    let dir = SyslogTestFiles.tempDir()
    SyslogTestFiles.write(dir + "/a", "one\r\ntwo\n\nthree")
    let s = segments(dir + "/a")
    #expect(s.map { String(decoding: $0.text, as: UTF8.self) } == ["one", "two", "three"])
    #expect(s.map(\.line) == [1, 2, 4])
  }

  @Test func nulRunsSplitAndCount() {
    let dir = SyslogTestFiles.tempDir()
    var bytes = Array("before\n".utf8) + [UInt8](repeating: 0, count: 5) + Array("\n".utf8)
    bytes += Array("tail".utf8) + [UInt8](repeating: 0, count: 7) + Array("after\n".utf8)
    bytes += [0, 0] + Array("x\n".utf8)
    SyslogTestFiles.write(dir + "/a", bytes)
    let s = segments(dir + "/a")
    #expect(s == [
      Seg(text: Array("before".utf8), line: 1, nul: 0),
      Seg(text: Array("tail".utf8), line: 3, nul: 5),
      Seg(text: Array("after".utf8), line: 3, nul: 7),
      Seg(text: Array("x".utf8), line: 4, nul: 2),
    ])
  }

  @Test func tenMegabyteLineIsCut() {
    let dir = SyslogTestFiles.tempDir()
    let big = [UInt8](repeating: 65, count: 10 << 20)
    SyslogTestFiles.write(dir + "/a", Array("first\n".utf8) + big + Array("\nlast\n".utf8))
    let reg = InputRegistry()
    let s = segments(dir + "/a", registry: reg)
    #expect(s.count == 3)
    #expect(s[1].text.count == 1 << 20 && s[1].line == 2)
    #expect(s[2].text == Array("last".utf8) && s[2].line == 3)
    #expect(reg.inputs[0].skipped == 1)
    #expect(reg.inputs[0].warnings == ["line 2: 10485760-byte line cut to 1048576 bytes"])
  }

  @Test func gzipMultiMemberAndTruncated() {
    let dir = SyslogTestFiles.tempDir()
    let a = SyslogTestFiles.gzip(Array("a1\na2\n".utf8), mtime: 1_000_000)
    let b = SyslogTestFiles.gzip(Array("b1\nb2\n".utf8))
    SyslogTestFiles.write(dir + "/m.gz", a + b)
    let reg = InputRegistry()
    #expect(segments(dir + "/m.gz", registry: reg).map(\.text) == ["a1", "a2", "b1", "b2"].map { Array($0.utf8) })
    #expect(reg.inputs[0].warnings.isEmpty)
    #expect(LineReader(path: dir + "/m.gz")?.gzipMTime == 1_000_000)

    var lines = ""
    for i in 0..<20000 { lines += "line \(i) some text to compress \(i * 7919 % 10007)\n" }
    let gz = SyslogTestFiles.gzip(Array(lines.utf8))
    SyslogTestFiles.write(dir + "/t.gz", Array(gz[0..<(gz.count / 2)]))
    let reg2 = InputRegistry()
    let s = segments(dir + "/t.gz", registry: reg2)
    #expect(s.count > 1000 && s.count < 20000)
    #expect(s.first?.text == Array("line 0 some text to compress 0".utf8))
    #expect(reg2.inputs[0].warnings.count == 1)
    #expect(reg2.inputs[0].warnings.first?.contains("truncated") == true)
  }

  /// Compresses `bytes` with the real `xz` or `bzip2` command.
  static func compress(_ tool: String, _ bytes: [UInt8]) -> [UInt8] {
    let dir = SyslogTestFiles.tempDir()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    SyslogTestFiles.write(dir + "/x", bytes)
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/bin/sh")
    p.arguments = ["-c", "\(tool) -c '\(dir)/x' > '\(dir)/x.out'"]
    try! p.run()
    p.waitUntilExit()
    return [UInt8](FileManager.default.contents(atPath: dir + "/x.out") ?? Data())
  }

  static var hasXZAndBzip2: Bool {
    ["/usr/bin/xz", "/usr/bin/bzip2"].allSatisfy { FileManager.default.isExecutableFile(atPath: $0) }
  }

  /// xz (SUSE's logrotate compresses with it) and bzip2 read like gzip: concatenated streams as one, a cut-off file
  /// up to the cut with a warning, corrupt data with a warning; the lines before are kept.
  @Test(.enabled(if: hasXZAndBzip2, "needs xz and bzip2")) func xzAndBzip2() {
    let dir = SyslogTestFiles.tempDir()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    // bzip2 decodes whole 900 kB blocks: half the file must hold some.
    var lines = ""
    for i in 0..<60000 { lines += "line \(i) some text to compress \(i * 7919 % 10007)\n" }
    for (tool, ext) in [("xz", "xz"), ("bzip2", "bz2")] {
      let a = Self.compress(tool, Array("a1\na2\n".utf8))
      let b = Self.compress(tool, Array("b1\nb2\n".utf8))
      SyslogTestFiles.write(dir + "/m.\(ext)", a + b)
      let reg = InputRegistry()
      #expect(segments(dir + "/m.\(ext)", registry: reg).map(\.text) == ["a1", "a2", "b1", "b2"].map { Array($0.utf8) })
      #expect(reg.inputs[0].warnings.isEmpty, "\(ext): \(reg.inputs[0].warnings)")

      let whole = Self.compress(tool, Array(lines.utf8))
      SyslogTestFiles.write(dir + "/w.\(ext)", whole)
      #expect(segments(dir + "/w.\(ext)").count == 60000)
      SyslogTestFiles.write(dir + "/t.\(ext)", Array(whole[0..<(whole.count / 2)]))
      let reg2 = InputRegistry()
      let s = segments(dir + "/t.\(ext)", registry: reg2)
      #expect(s.count > 1000 && s.count < 60000, "\(ext): \(s.count)")
      #expect(s.first?.text == Array("line 0 some text to compress 0".utf8))
      #expect(reg2.inputs[0].warnings == ["\(tool) data truncated (unexpected end of file); lines read before the cut are kept"])
      var corrupt = whole
      for k in (whole.count / 2)..<(whole.count / 2 + 64) { corrupt[k] ^= 0x5A }
      SyslogTestFiles.write(dir + "/c.\(ext)", corrupt)
      let reg3 = InputRegistry()
      let c = segments(dir + "/c.\(ext)", registry: reg3)
      #expect(c.count < 60000 && reg3.inputs[0].warnings.first?.hasPrefix("corrupt \(tool) data") == true,
        "\(ext): \(c.count) \(reg3.inputs[0].warnings)")
    }
    // A rotation set of mixed compressions is one stream, oldest first; a split run never cuts a compressed file.
    try? FileManager.default.createDirectory(atPath: dir + "/set", withIntermediateDirectories: true)
    SyslogTestFiles.write(dir + "/set/syslog.3.bz2", Self.compress("bzip2", Array("Mar  1 10:00:00 h1 app[1]: three\n".utf8)))
    SyslogTestFiles.write(dir + "/set/syslog.2.xz", Self.compress("xz", Array("Mar  1 11:00:00 h1 app[1]: two\n".utf8)))
    SyslogTestFiles.write(dir + "/set/syslog.1", "Mar  1 12:00:00 h1 app[1]: one\n")
    let found = Discovery.discover(paths: [dir + "/set"], registry: InputRegistry())
    #expect(found == [.syslogSet(files: ["syslog.3.bz2", "syslog.2.xz", "syslog.1"].map { dir + "/set/" + $0 })])
    #expect(SplitIngest.plainSize(dir + "/set/syslog.2.xz") == nil && SplitIngest.plainSize(dir + "/set/syslog.1") != nil)
  }

  @Test func unreadableFileWarns() {
    let reg = InputRegistry()
    let input = reg.register(path: "/nonexistent/x", kind: .syslog)
    #expect(LineReader(path: "/nonexistent/x", input: input, registry: reg) == nil)
    #expect(reg.inputs[0].warnings == ["cannot open: no such file or directory"])
  }
}
