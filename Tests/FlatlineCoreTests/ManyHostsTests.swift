import Foundation
import Testing

@testable import FlatlineCore

/// A central server's log holds the lines of hundreds or thousands of hosts: per-host state must stay small, and
/// nothing may cost more per host as hosts are added.
@Suite struct ManyHostsTests {
  /// `count` hosts interleaved in one syslog file, each with a clean reboot and then a power loss (kernel banner
  /// with no shutdown before it), and a CRON line per host every few minutes. Lines are in time order.
  static func centralLog(hosts count: Int) -> String {
    var lines: [(Int, String)] = []
    func stamp(_ t: Int) -> String {
      let day = 1 + t / 86_400
      let s = t % 86_400
      return String(format: "Mar %2d %02d:%02d:%02d", day, s / 3600, s / 60 % 60, s % 60)
    }
    func boot(_ t: Int, _ h: String) {
      lines.append((t, "\(stamp(t)) \(h) kernel: [    0.000000] Linux version 6.1.0-18-amd64 (debian-kernel@lists.debian.org) (gcc-12) #1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1"))
      lines.append((t, "\(stamp(t)) \(h) kernel: [    0.000000] Command line: BOOT_IMAGE=/boot/vmlinuz root=UUID=1 ro quiet"))
      lines.append((t + 2, "\(stamp(t + 2)) \(h) rsyslogd: [origin software=\"rsyslogd\" swVersion=\"8.2302.0\" x-pid=\"400\" x-info=\"https://www.rsyslog.com\"] start"))
    }
    for k in 0..<count {
      let h = String(format: "node-%04d", k)
      boot(k % 600, h)
      let clean = 20_000 + (k * 37) % 20_000
      lines.append((clean - 3, "\(stamp(clean - 3)) \(h) systemd[1]: Stopping rsyslog.service - System Logging Service..."))
      lines.append((clean - 2, "\(stamp(clean - 2)) \(h) rsyslogd: [origin software=\"rsyslogd\" swVersion=\"8.2302.0\" x-pid=\"400\" x-info=\"https://www.rsyslog.com\"] exiting on signal 15."))
      boot(clean + 40, h)
      let lost = 60_000 + (k * 53) % 20_000
      boot(lost + 60, h)
      for t in stride(from: 700 + k % 300, to: 100_000, by: 900) where t < clean - 3 || t > clean + 45 {
        lines.append((t, "\(stamp(t)) \(h) CRON[\(1000 + t % 9000)]: pam_unix(cron:session): session opened for user root(uid=0) by (uid=0)"))
      }
    }
    return lines.enumerated().sorted { ($0.element.0, $0.offset) < ($1.element.0, $1.offset) }.map { $0.element.1 + "\n" }
      .joined()
  }

  static func options(_ path: String, jobs: Int) -> AnalysisOptions {
    var ingest = IngestOptions(year: 2024, timeZone: "UTC")
    if jobs > 1 {
      ingest.splitThreshold = 0
      ingest.splitChunkBytes = 256 << 10
      ingest.balanceWholeSets = false
    }
    var o = AnalysisOptions(paths: [path], ingest: ingest)
    o.jobs = jobs
    return o
  }

  /// 600 hosts (more than the engine's first host memo holds, so it grows while the file is read): every host gets
  /// its own three boots, read alone or in chunks on two threads.
  @Test(arguments: [1, 2]) func everyHostOfACentralLogGetsItsOwnBoots(jobs: Int) throws {
    let dir = SyslogTestFiles.tempDir()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let path = dir + "/messages"
    SyslogTestFiles.write(path, Self.centralLog(hosts: 600))
    let r = Analyzer.run(Self.options(path, jobs: jobs))
    #expect(r.hosts.count == 600)
    for h in r.hosts {
      #expect(h.boots.map(\.ending.rawValue) == ["reboot", "power-loss", "running"], "\(h.name)")
    }
    #expect(r.incidents.count == 600)
    #expect(Set(r.incidents.map(\.host)).count == 600)
  }

  /// The ring of records a host holds while their second lasts starts small and grows only as far as needed: made
  /// at its limit (512 records, ~40 KiB) for every host and every chunk, it cost 290 MB on 1,000 hosts.
  @Test func aHostHoldingFewRecordsKeepsASmallRing() {
    var lines: [L] = []
    for s in 0..<200 {
      lines.append(L(time: String(format: "03-01 10:%02d:%02d", s / 60, s % 60), tag: "CRON[9]", msg: "line \(s)"))
    }
    // One second with 40 lines: the ring grows to hold them.
    for k in 0..<40 { lines.append(L(time: "03-01 11:00:00", host: "busy", tag: "app[7]", msg: "burst \(k)")) }
    let (engine, _) = feed(lines)
    let web1 = engine.sequencers.first { $0.hostKey == "web1" }
    let busy = engine.sequencers.first { $0.hostKey == "busy" }
    #expect(web1 != nil && web1!.heldSlots <= 16)
    #expect((busy?.heldSlots ?? 0) >= 40)
  }

  /// Growing keeps the held records in order (also when they wrapped around the old slots) and stops at the limit.
  @Test func theRingGrowsInOrderUpToItsLimit() {
    let ring = PendingRing(limit: 5, initialCapacity: 2)
    func push(_ k: Int) {
      let text = Array("record \(k)".utf8)
      text.withUnsafeBufferPointer { b in
        let r = Record(
          time: Int64(k), input: 0, line: k, host: .empty, identifier: .empty, pid: 0, message: Bytes(b),
          messageID: .empty, unit: .empty, bootID: .empty, machineID: .empty, kernelUptime: -1, isKernel: false,
          nulBytesBefore: 0)
        ring.push(r, signal: .none)
      }
    }
    func held() -> [String] { (0..<ring.count).map { ring.message(ring.slot($0)).string } }
    push(1)
    push(2)
    ring.dropOldest()
    push(3)  // wraps to slot 0
    push(4)  // full at 2 slots: grows to 4
    #expect(ring.capacity == 4)
    #expect(held() == ["record 2", "record 3", "record 4"])
    #expect((0..<ring.count).map { ring.lines[ring.slot($0)] } == [2, 3, 4])
    push(5)
    push(6)  // grows to the limit, 5
    #expect(ring.capacity == 5)
    #expect(ring.isFull)
    #expect(held() == ["record 2", "record 3", "record 4", "record 5", "record 6"])
  }

  /// The CLI writes the JSON report in pieces as it is made; together they are the report.
  @Test func theJSONReportComesInBoundedPieces() throws {
    let dir = SyslogTestFiles.tempDir()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let path = dir + "/messages"
    SyslogTestFiles.write(path, Self.centralLog(hosts: 200))
    let r = Analyzer.run(Self.options(path, jobs: 1))
    var pieces: [String] = []
    JSONReporter.render(r, generatedAt: 0) { pieces.append($0) }
    #expect(pieces.joined() == JSONReporter.render(r, generatedAt: 0))
    #expect(pieces.count > 10)
    #expect(pieces.allSatisfy { $0.utf8.count < 2 * JSONWriter.sinkPiece })
    #expect(pieces.last?.hasSuffix("\n") == true)
  }
}

/// A fleet's folders (one `var/log` per host) read on two threads: each set is registered in a window of the
/// registry (its own inputs only), and the report is the one-thread run's.
@Suite struct FleetFoldersTests {
  static func fleet(hosts count: Int, in root: String) {
    let rs = { (w: String) in
      "[origin software=\"rsyslogd\" swVersion=\"8.2302.0\" x-pid=\"400\" x-info=\"https://www.rsyslog.com\"] \(w)"
    }
    for k in 0..<count {
      let h = String(format: "host-%03d", k)
      let dir = "\(root)/\(h)/var/log"
      try? FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
      var syslog = "", kern = "", auth = ""
      func boot(_ hh: Int) {
        for m in ["[    0.000000] Linux version 6.1.0-18-amd64 (debian-kernel@lists.debian.org) (gcc-12) #1 SMP",
          "[    0.000000] Command line: BOOT_IMAGE=/boot/vmlinuz root=UUID=1 ro quiet"]
        {
          syslog += "Mar  1 \(String(format: "%02d", hh)):00:00 \(h) kernel: \(m)\n"
          kern += "Mar  1 \(String(format: "%02d", hh)):00:00 \(h) kernel: \(m)\n"
        }
        syslog += "Mar  1 \(String(format: "%02d", hh)):00:02 \(h) rsyslogd: \(rs("start"))\n"
      }
      boot(1)
      auth += "Mar  1 02:00:00 \(h) sshd[700]: Accepted publickey for admin from 10.0.0.1 port 5000 ssh2\n"
      if k % 2 == 0 { syslog += "Mar  1 05:00:00 \(h) rsyslogd: \(rs("exiting on signal 15."))\n" }
      boot(6)
      syslog += "Mar  1 07:00:00 \(h) CRON[800]: (root) CMD (true)\n"
      SyslogTestFiles.write(dir + "/syslog", syslog)
      SyslogTestFiles.write(dir + "/kern.log", kern)
      // One host's auth.log has a line of binary garbage: its warning must come back from the thread.
      if k == 7 {
        SyslogTestFiles.write(dir + "/auth.log", Array(auth.utf8) + [1, 2, 0xff, 0xfe, 0x80, 10] + Array(auth.utf8))
      } else {
        SyslogTestFiles.write(dir + "/auth.log", auth)
      }
    }
  }

  @Test func aFleetReadOnTwoThreadsGivesTheOneThreadReport() throws {
    let root = SyslogTestFiles.tempDir()
    defer { try? FileManager.default.removeItem(atPath: root) }
    Self.fleet(hosts: 120, in: root)
    func report(jobs: Int) -> (AnalysisResult, String) {
      var o = AnalysisOptions(paths: [root], ingest: IngestOptions(year: 2024, timeZone: "UTC"))
      o.jobs = jobs
      let r = Analyzer.run(o)
      return (r, JSONReporter.render(r, generatedAt: 0))
    }
    let (one, oneJSON) = report(jobs: 1)
    let (two, twoJSON) = report(jobs: 2)
    #expect(one.hosts.count == 120)
    #expect(one.hosts.allSatisfy { $0.boots.count == 2 })
    #expect(one.inputs.contains { $0.path.hasSuffix("host-007/var/log/auth.log") && !$0.warnings.isEmpty })
    #expect(two.inputs.map(\.records) == one.inputs.map(\.records))
    #expect(twoJSON == oneJSON)
  }

  /// The engine reads an input's kind at the input's first record, not when another input's first record came (it
  /// mapped the whole list then: time in the square of the inputs, and a kind set after registration — a followed
  /// pipe found to carry a journal — was missed).
  @Test func theEngineReadsAnInputsKindAtItsFirstRecord() {
    let registry = InputRegistry()
    let a = registry.register(path: "/var/log/syslog", kind: .syslog)
    let b = registry.register(path: "/var/log/app.log", kind: .syslog)
    var engine = DetectionEngine(registry: registry)
    func feed(_ input: Int32, host: String) {
      let bytes = [host, "app", "a line"].map { Array($0.utf8) }
      bytes[0].withBytes { h in
        bytes[1].withBytes { t in
          bytes[2].withBytes { m in
            engine.consume(
              Record(
                time: 1_700_000_000_000_000, input: input, line: 1, host: h, identifier: t, pid: 0, message: m,
                messageID: .empty, unit: .empty, bootID: .empty, machineID: .empty, kernelUptime: -1,
                isKernel: false, nulBytesBefore: 0))
          }
        }
      }
    }
    feed(a, host: "web1")
    registry[b].kind = .datastoreLog  // host-less: its records place no boots
    feed(b, host: "db1")
    #expect(engine.sequencers.map(\.hostKey) == ["web1"])
  }

  /// A window numbers its inputs on from its registry's and holds only its own.
  @Test func aWindowHoldsOnlyItsOwnInputs() {
    let registry = InputRegistry()
    for k in 0..<50 { registry.register(path: "/var/log/x\(k)", kind: .syslog) }
    let w = registry.window()
    #expect(w.inputs.isEmpty)
    #expect(w.count == 50)
    let i = w.register(path: "/var/log/y", kind: .syslog)
    #expect(i == 50)
    #expect(w.inputs.count == 1)
    w.addRecords(i, 5)
    w.warn(i, "a warning")
    #expect(w[i].records == 5 && w[i].warnings == ["a warning"])
    // Inputs below the window read as an empty entry and take no counts.
    w.addRecords(3, 1)
    #expect(w[3].path.isEmpty && w[3].records == 0)
    registry.register(path: "/var/log/y", kind: .syslog)
    registry.takeBack(w[i], at: i)
    #expect(registry[i].records == 5)
  }
}

/// Tail mode derives every host's verdicts again after new records: on a central log of 2,000 hosts that took
/// ~70 ms, and a log written to ten times a second kept 72 % of a core busy. A derive now waits until nine times its
/// own cost has passed since the last one.
@Suite struct TailDeriveRateTests {
  @Test func aDeriveWaitsNineTimesTheLastOnesCost() {
    // The last derive ended at 1.0 s and took 50 ms: the next may run from 1.45 s on.
    #expect(TailService.deriveDue(now: 1_100_000, lastEnd: 1_000_000, lastCost: 50_000) == 1_450_000)
    #expect(TailService.deriveDue(now: 1_450_000, lastEnd: 1_000_000, lastCost: 50_000) == nil)
    // A cheap derive (one machine's logs) is never put off for long; the first one runs at once.
    #expect(TailService.deriveDue(now: 1_000_100, lastEnd: 1_000_000, lastCost: 20) == 1_000_180)
    #expect(TailService.deriveDue(now: 5, lastEnd: 0, lastCost: 0) == nil)
  }
}

