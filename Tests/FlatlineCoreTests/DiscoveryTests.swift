import Foundation
import Testing
@testable import FlatlineCore

@Suite struct SyslogDiscoveryTests {
  @Test func raspberrypiCorpusSets() throws {
    guard let corpus = SyslogTestFiles.corpus else {
      print("skipped: ../shared/corpus not present")
      return
    }
    let dir = corpus + "/raspberrypi-rotated/var/log"
    let reg = InputRegistry()
    let found = Discovery.discover(paths: [dir], registry: reg)
    let sets = found.compactMap { d -> [String]? in
      if case .syslogSet(let f) = d { return f.map { ($0 as NSString).lastPathComponent } }
      return nil
    }
    #expect(sets.contains(["syslog.5.gz", "syslog.4.gz", "syslog.3.gz", "syslog.2.gz", "syslog.1", "syslog"]))
    #expect(sets.contains(["messages.1", "messages"]))
    #expect(sets.contains(["kern.log.1", "kern.log"]))
    #expect(sets.contains(["auth.log"]))
    #expect(found.contains(.wtmp(path: dir + "/wtmp")))
    #expect(!reg.inputs.contains { $0.path.hasSuffix("/wtmp") }, "wtmp is registered by its source, not skipped")
  }

  @Test func raspberrypiSyslogSetStreams() throws {
    guard let corpus = SyslogTestFiles.corpus else {
      print("skipped: ../shared/corpus not present")
      return
    }
    let dir = corpus + "/raspberrypi-rotated/var/log/"
    let files = ["syslog.5.gz", "syslog.4.gz", "syslog.3.gz", "syslog.2.gz", "syslog.1", "syslog"].map { dir + $0 }
    let (sink, reg) = SyslogTestFiles.stream(files, keep: true)
    #expect(sink.bootBanners == 38)
    #expect(reg.inputs.count == 6 && Set(reg.inputs.map(\.stream)).count == 1)
    #expect(reg.inputs.allSatisfy { $0.host == "raspberrypi" && $0.records > 0 })
    #expect(reg.inputs.reduce(0) { $0 + $1.records } == sink.count)
    // Year from the gzip header (2016), not the copied files' mtimes.
    let first = sink.records.first { $0.time != Record.noTime }!
    #expect(CivilTime.rfc3339(first.time).hasPrefix("2016-05-27"))
    #expect(reg.inputs[0].warnings.contains { $0.hasPrefix("year 2016 inferred from gzip header time of syslog.2.gz") })
    // NUL runs before boots.
    let nul = sink.records.filter { $0.nulBytesBefore > 0 }
    #expect(nul.map(\.nulBytesBefore) == [149, 195, 107])
    #expect(nul.allSatisfy { $0.identifier == "rsyslogd" && $0.message.hasSuffix("start") })
    #expect(sink.notes.isEmpty)
  }

  @Test func syslogFormatsCorpusParsedOrSkipped() throws {
    guard let corpus = SyslogTestFiles.corpus else {
      print("skipped: ../shared/corpus not present")
      return
    }
    let dir = corpus + "/syslog-formats"
    let reg = InputRegistry()
    let found = Discovery.discover(paths: [dir], registry: reg)
    var sets: [[String]] = []
    for d in found {
      switch d {
      case .syslogSet(let files): sets.append(files)
      case .journalJSON(let p): #expect(p.hasSuffix("logfile_journald.json"))
      default: Issue.record("unexpected \(d)")
      }
    }
    for files in sets {
      let (sink, r) = SyslogTestFiles.stream(files)
      #expect(sink.count > 0, "\(files)")
      _ = r
    }
    let skipped = Dictionary(uniqueKeysWithValues: reg.inputs.map { (($0.path as NSString).lastPathComponent, $0) })
    #expect(skipped["archive-syslog.xz"]?.skipReason == "xz-compressed files are not read; decompress first")
    #expect(skipped["archive-syslog.bz2"]?.skipReason?.hasPrefix("bzip2") == true)
    #expect(skipped["archive-syslog.zip"]?.skipReason?.hasPrefix("zip") == true)
    #expect(skipped["archive-syslog.tar"]?.skipReason?.hasPrefix("tar") == true)
    #expect(skipped["archive-syslog.tgz"]?.skipReason?.hasPrefix("tar") == true)
    let all = Set(try FileManager.default.contentsOfDirectory(atPath: dir))
    let seen = Set(sets.flatMap { $0 }.map { ($0 as NSString).lastPathComponent }).union(skipped.keys)
      .union(["logfile_journald.json"])
    #expect(seen == all)
  }

  @Test func formatsCorpusRecords() throws {
    guard let corpus = SyslogTestFiles.corpus else { return }
    let dir = corpus + "/syslog-formats/"
    let (s, r) = SyslogTestFiles.stream([dir + "syslog"], options: IngestOptions(year: 2012, timeZone: "UTC"))
    // MMM line skipped; the tab-indented line continues the previous message.
    #expect(r.inputs[0].skipped == 1)
    #expect(r.inputs[0].warnings.contains("1 lines without a syslog header skipped (first at line 8)"))
    let cont = s.records.first { $0.message == "\tmany syslog parsers." }
    #expect(cont?.identifier == "aprocess" && cont?.host == "myhostname.myhost.com")
    let (f, _) = SyslogTestFiles.stream([dir + "syslog_rsyslog_ForwardFormat"])
    #expect(f.records.count > 8 && f.records.allSatisfy { $0.host == "hostname" })
  }

  @Test func tempDirRulesAndGaps() throws {
    let dir = SyslogTestFiles.tempDir()
    SyslogTestFiles.write(dir + "/empty.log", "")
    SyslogTestFiles.write(dir + "/messages-20240102", "Jan  2 00:00:00 h a: x\n")
    SyslogTestFiles.write(dir + "/messages-20240101.gz", SyslogTestFiles.gzip(Array("Jan  1 00:00:00 h a: y\n".utf8)))
    SyslogTestFiles.write(dir + "/messages", "Jan  3 00:00:00 h a: z\n")
    SyslogTestFiles.write(dir + "/notes.txt", "hello world\n")
    SyslogTestFiles.write(dir + "/blob.bin", [UInt8](0..<255) + [UInt8](0..<255))
    SyslogTestFiles.write(dir + "/export", "__CURSOR=s=1\n__REALTIME_TIMESTAMP=1\nMESSAGE=hi\n\n")
    try FileManager.default.createDirectory(atPath: dir + "/sub", withIntermediateDirectories: true)
    try FileManager.default.createSymbolicLink(atPath: dir + "/sub/loop", withDestinationPath: dir)
    let reg = InputRegistry()
    let found = Discovery.discover(paths: [dir, dir + "/missing", "-"], registry: reg)
    #expect(found.contains(.syslogSet(files: ["messages-20240101.gz", "messages-20240102", "messages"].map {
      dir + "/" + $0
    })))
    #expect(found.contains(.journalExport(path: dir + "/export")))
    #expect(found.last == .journalExport(path: "-"))
    let reasons = Dictionary(
      reg.inputs.map { (($0.path as NSString).lastPathComponent, $0.skipReason ?? "") }) { a, _ in a }
    #expect(reasons["empty.log"] == "empty file")
    #expect(reasons["notes.txt"]?.hasPrefix("text not recognised") == true)
    #expect(reasons["blob.bin"] == "binary data, not a log format Flatline reads")
    #expect(reasons["missing"] == "no such file or directory")
    #expect(Discovery.discover(paths: [SyslogTestFiles.tempDir()], registry: InputRegistry()).isEmpty)

    // A missing rotation gives a data-gap note before the later file.
    SyslogTestFiles.write(dir + "/syslog.3", "Jan  1 00:00:00 h a: x\n")
    SyslogTestFiles.write(dir + "/syslog.1", "Jan  2 00:00:00 h a: y\n")
    let (sink, _) = SyslogTestFiles.stream([dir + "/syslog.3", dir + "/syslog.1", dir + "/syslog.0"])
    #expect(sink.notes.count == 2)
    if case .dataGap(let input, let reason) = sink.notes[0] {
      #expect(input == 1 && reason == "rotation 2 is missing between syslog.3 and syslog.1")
    }
  }
}
