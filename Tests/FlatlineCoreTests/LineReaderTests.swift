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

  @Test func unreadableFileWarns() {
    let reg = InputRegistry()
    let input = reg.register(path: "/nonexistent/x", kind: .syslog)
    #expect(LineReader(path: "/nonexistent/x", input: input, registry: reg) == nil)
    #expect(reg.inputs[0].warnings == ["cannot open: no such file or directory"])
  }
}
