import Foundation
import Testing

@testable import FlatlineCore

/// A dateless syslog written in another zone than the analysis runs in is read at the offset that the same
/// machine's journal in its folder shows.
@Suite struct ZoneHintTests {
  static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

  /// `Mmm dd hh:mm:ss` of UTC time `t` (µs) moved by `offset` seconds.
  static func stamp(_ t: Int64, offset: Int) -> String {
    let s = Int(t / 1_000_000) + offset
    let (_, m, d) = CivilTime.civilFromDays(s / 86400)
    let r = s % 86400
    return String(format: "%@ %2d %02d:%02d:%02d", months[m - 1], d, r / 3600, r % 3600 / 60, r % 60)
  }

  /// Two boots of `db-7` as a journal export and as the syslog rsyslog wrote from it, its stamps at `offset`.
  /// `journalBelow`: the export lies in `journal/<machine-id>/`, as a binary journal does under `/var/log`.
  /// `tag` keeps the folders of tests running at once apart.
  static func folder(offset: Int, journalBelow: Bool = false, tag: String = #function) throws -> String {
    let t0 = JournalTestEntry.t0 / 1_000_000
    return try folder(
      starts: [t0, t0 + 3 * 3600], lines: 30, every: 60, offsetAt: { _ in offset }, journalBelow: journalBelow,
      key: "\(tag.filter { $0.isLetter })-\(offset)-\(journalBelow)")
  }

  /// Two boots of `db-7` beginning at `starts` (seconds), each a kernel banner and `lines` lines `every` seconds,
  /// the first ending in a reboot 100 s after its last line, as a journal export and as the syslog rsyslog wrote
  /// from it, each line's stamp at `offsetAt(its time)`. `key` names the folder.
  static func folder(
    starts: [Int64], lines: Int, every: Int64, offsetAt: (Int64) -> Int, journalBelow: Bool = false, key: String
  ) throws -> String {
    let dir = NSTemporaryDirectory() + "flatline-zone-\(getpid())-\(key)"
    try? FileManager.default.removeItem(atPath: dir)
    let journalDir = journalBelow ? dir + "/journal/" + JournalTestEntry.machineA : dir
    try FileManager.default.createDirectory(atPath: journalDir, withIntermediateDirectories: true)
    var entries: [JournalTestEntry] = []
    var syslog = ""
    for (b, boot) in [JournalTestEntry.bootA1, JournalTestEntry.bootA2].enumerated() {
      let start = starts[b]
      func add(_ dt: Int64, _ ident: String, _ message: String, kernel: Bool = false) {
        let t = (start + dt) * 1_000_000
        entries.append(JournalTestEntry.entry(
          boot, JournalTestEntry.machineA, host: "db-7", time: t, mono: dt * 1_000_000 + 1, message: message,
          ident: ident, transport: kernel ? "kernel" : "syslog"))
        let tag = kernel ? "kernel: [    0.000000]" : "\(ident)[4242]:"
        syslog += "\(stamp(t, offset: offsetAt(start + dt))) db-7 \(tag) \(message)\n"
      }
      add(0, "kernel", "Linux version 6.1.0-18-amd64 (debian-kernel@lists.debian.org)", kernel: true)
      for k in 1...lines { add(Int64(k) * every, "app", "request batch \(b)-\(k) done") }
      if b == 0 {
        add(Int64(lines) * every + 100, "systemd-logind", "System is rebooting.")
        add(Int64(lines) * every + 101, "systemd", "Reached target System Reboot.")
      }
    }
    try Data(JournalTestEntry.export(entries)).write(to: URL(fileURLWithPath: journalDir + "/journal.export"))
    try syslog.write(toFile: dir + "/syslog", atomically: true, encoding: .utf8)
    return dir
  }

  static func run(_ dir: String, zone: String? = nil, year: Int? = 2023) -> AnalysisResult {
    Analyzer.run(AnalysisOptions(paths: [dir], ingest: IngestOptions(year: year, timeZone: zone)))
  }

  /// The analysis zone's offset at the test data's time, and an offset 5 h 30 m from it (within −12…+14 h).
  static var offsets: (local: Int, other: Int) {
    let local = TimeZone.current.secondsFromGMT(for: Date(timeIntervalSince1970: Double(JournalTestEntry.t0) / 1e6))
    var other = local + 19_800
    if other > 14 * 3600 { other -= 24 * 3600 }
    return (local, other)
  }

  @Test func syslogFromAnotherZoneMeetsItsJournal() throws {
    let (local, other) = Self.offsets
    let dir = try Self.folder(offset: other)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let r = Self.run(dir)
    #expect(r.hosts.count == 1)
    #expect(r.hosts.first?.boots.map(\.ending) == [.reboot, .running])
    let warnings = r.inputs.first { $0.path.hasSuffix("/syslog") }?.warnings ?? []
    #expect(warnings.contains { $0.hasPrefix("times read as \(ZoneHint.describe(offset: other)):") }, "\(warnings)")
    // Read in chunks on two threads: the same report, the warning once.
    var ingest = IngestOptions(year: 2023)
    ingest.splitThreshold = 0
    ingest.splitChunkBytes = 1500
    ingest.balanceWholeSets = false
    var o = AnalysisOptions(paths: [dir], ingest: ingest)
    o.jobs = 2
    let split = Analyzer.run(o)
    #expect(JSONReporter.render(split, generatedAt: 0) == JSONReporter.render(r, generatedAt: 0))
    var units = 0
    if case .split(let n, _) = SplitIngestTests.outcome([dir + "/syslog"], chunk: 1500, year: 2023) { units = n }
    #expect(units > 1)
    // Read in the analysis zone, as before: every boot twice, hours apart.
    let forced = Self.run(dir, zone: TimeZone.current.identifier)
    #expect(forced.hosts.first?.boots.count == 4)
    // Written in the analysis zone: nothing to say.
    let same = try Self.folder(offset: local)
    defer { try? FileManager.default.removeItem(atPath: same) }
    let s = Self.run(same)
    #expect(s.hosts.first?.boots.map(\.ending) == [.reboot, .running])
    #expect(s.inputs.allSatisfy { $0.warnings.allSatisfy { !$0.hasPrefix("times read as") } })
  }

  /// The journal under `journal/<machine-id>/` gives the zone and, for a syslog whose file time is today (a plain
  /// copy), the year.
  @Test func journalBelowTheFolderZonesAndDatesTheSyslog() throws {
    let dir = try Self.folder(offset: Self.offsets.other, journalBelow: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let r = Self.run(dir, year: nil)
    #expect(r.hosts.first?.boots.map(\.ending) == [.reboot, .running])
    let starts = r.hosts.first?.boots.compactMap(\.start) ?? []
    #expect(starts.count == 2 && starts.allSatisfy { CivilTime.civilFromDays(Int($0 / 86_400_000_000)).year == 2023 })
  }

  /// `kern.log` has only kernel lines, which the comparison leaves out: it takes the offset its folder's syslog of
  /// the same machine shows. Read in the analysis zone, its boots were hours from the others', each boot twice.
  /// A file of another machine in the folder takes nothing.
  @Test func kernLogTakesTheOffsetOfItsMachinesSyslog() throws {
    let other = Self.offsets.other
    let dir = try Self.folder(offset: other)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let syslog = try String(contentsOfFile: dir + "/syslog", encoding: .utf8)
    let kernel = syslog.split(separator: "\n").filter { $0.contains(" kernel: ") }
    try (kernel.joined(separator: "\n") + "\n").write(toFile: dir + "/kern.log", atomically: true, encoding: .utf8)
    let foreign = kernel.map { $0.replacingOccurrences(of: " db-7 ", with: " db-8 ") }
    try (foreign.joined(separator: "\n") + "\n").write(toFile: dir + "/db-8.log", atomically: true, encoding: .utf8)
    let r = Self.run(dir)
    #expect(r.hosts.first { $0.name == "db-7" }?.boots.map(\.ending) == [.reboot, .running])
    let warnings = r.inputs.first { $0.path.hasSuffix("/kern.log") }?.warnings ?? []
    #expect(warnings.contains {
      $0.hasPrefix("times read as \(ZoneHint.describe(offset: other)): the offset that syslog, of the same machine")
    }, "\(warnings)")
    let foreignWarnings = r.inputs.first { $0.path.hasSuffix("/db-8.log") }?.warnings ?? []
    #expect(foreignWarnings.allSatisfy { !$0.hasPrefix("times read as") }, "\(foreignWarnings)")
  }

  /// No journal (RHEL's is volatile by default), but a wtmp: sshd's `Accepted … for <user> from <host>` lines of
  /// auth.log and wtmp's logins of the same user and host show the offset; the syslog of the same machine takes it
  /// too. Read in the analysis zone, each boot was there twice, once from wtmp and once from the text, hours apart.
  @Test func wtmpLoginsShowTheOffsetWithoutAJournal() throws {
    let other = Self.offsets.other
    let dir = NSTemporaryDirectory() + "flatline-zone-wtmp-\(getpid())"
    try? FileManager.default.removeItem(atPath: dir)
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let t0 = JournalTestEntry.t0 / 1_000_000
    let s: Int64 = 1_000_000
    func at(_ dt: Int64) -> String { Self.stamp((t0 + dt) * s, offset: other) }
    var wtmp: [WtmpFixture.Rec] = []
    var auth = ""
    var syslog = ""
    let starts: [Int64] = [0, 4 * 3600]
    for (b, start) in starts.enumerated() {
      syslog += "\(at(start)) db-7 rsyslogd: \(rsyslogStart)\n"
      syslog += "\(at(start)) db-7 kernel: [    0.000000] Linux version 6.1.0-18-amd64 (debian-kernel@lists.debian.org)\n"
      wtmp.append(WtmpFixture.boot(t0 + start + 5))
      for k in 1...3 {
        let t = start + Int64(k) * 600
        let ip = "10.0.\(b).\(k)"
        auth += "\(at(t)) db-7 sshd[\(4000 + k)]: Accepted publickey for ops from \(ip) port 50022 ssh2\n"
        wtmp.append(WtmpFixture.Rec(type: 7, pid: Int32(4000 + k), line: "pts/\(k)", user: "ops", host: ip, sec: t0 + t))
        syslog += "\(at(t + 30)) db-7 systemd[1]: Started Daily apt download activities.\n"
      }
      if b == 0 {
        syslog += "\(at(3 * 3600)) db-7 systemd-logind[581]: System is rebooting.\n"
        syslog += "\(at(3 * 3600 + 1)) db-7 rsyslogd: \(rsyslogExit)\n"
        wtmp.append(WtmpFixture.shutdown(t0 + 3 * 3600))
      }
    }
    try auth.write(toFile: dir + "/auth.log", atomically: true, encoding: .utf8)
    try syslog.write(toFile: dir + "/syslog", atomically: true, encoding: .utf8)
    try Data(WtmpFixture.bytes(wtmp)).write(to: URL(fileURLWithPath: dir + "/wtmp"))
    let r = Self.run(dir)
    #expect(r.hosts.map(\.name) == ["db-7"])
    #expect(r.hosts.first?.boots.map(\.ending) == [.reboot, .running])
    let warnings = r.inputs.first { $0.path.hasSuffix("/auth.log") }?.warnings ?? []
    #expect(warnings.contains {
      $0.hasPrefix("times read as \(ZoneHint.describe(offset: other)): at that offset its last 6 lines are entries "
        + "of the same machine's wtmp (its logins)")
    }, "\(warnings)")
    // Read in the analysis zone, as before: every boot twice, hours apart.
    #expect(Self.run(dir, zone: TimeZone.current.identifier).hosts.first?.boots.count ?? 0 > 2)
  }

  /// Neither a journal nor a wtmp, but programs that write the time into their lines: PostgreSQL's `%m` stamp (in
  /// UTC or its own zone) and cloud-init's `at …` show the offset the syslog daemon stamped them at. Read in the
  /// analysis zone, the boots were hours away from the provider's notices and the datastore's own logs.
  @Test func statedTimesShowTheOffsetWithNothingToCompare() throws {
    let other = Self.offsets.other
    let dir = NSTemporaryDirectory() + "flatline-zone-stated-\(getpid())"
    try? FileManager.default.removeItem(atPath: dir)
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let t0 = JournalTestEntry.t0 / 1_000_000
    func at(_ dt: Int64) -> String { Self.stamp((t0 + dt) * 1_000_000, offset: other) }
    func iso(_ dt: Int64, zone: String = "UTC", offset: Int = 0) -> String {
      let s = Int(t0 + dt) + offset
      let (y, m, d) = CivilTime.civilFromDays(s / 86400)
      let r = s % 86400
      return String(format: "%04d-%02d-%02d %02d:%02d:%02d.412 %@", y, m, d, r / 3600, r % 3600 / 60, r % 60, zone)
    }
    func rfc2822(_ dt: Int64) -> String {
      let s = Int(t0 + dt)
      let (y, m, d) = CivilTime.civilFromDays(s / 86400)
      let r = s % 86400
      return String(format: "Tue, %02d %@ %04d %02d:%02d:%02d +0000", d, Self.months[m - 1], y, r / 3600, r % 3600 / 60, r % 60)
    }
    var syslog = ""
    let starts: [Int64] = [0, 4 * 3600]
    let ownZone = String(ZoneHint.describe(offset: other).dropFirst(3)).replacingOccurrences(of: ":", with: "")
    for (b, start) in starts.enumerated() {
      syslog += "\(at(start)) db-9 kernel: [    0.000000] Linux version 6.1.0-18-amd64 (debian-kernel@lists.debian.org)\n"
      syslog += "\(at(start + 6)) db-9 cloud-init[598]: Cloud-init v. 23.4.4 running 'init' at \(rfc2822(start + 6)). Up 6.92 seconds.\n"
      for k in 1...3 {
        let t = start + Int64(k) * 600
        syslog += "\(at(t)) db-9 postgres[744]: [\(k)-1] \(iso(t)) [744] LOG:  checkpoint starting: time\n"
        // A database whose `log_timezone` is the machine's (`EDT`, `+0530`…): its own stamp says the same.
        syslog += "\(at(t + 1)) db-9 postgres[745]: [\(k)-2] \(iso(t + 1, zone: ownZone, offset: other)) [745] LOG:  checkpoint complete\n"
      }
      if b == 0 {
        syslog += "\(at(3 * 3600)) db-9 systemd-logind[581]: System is rebooting.\n"
        syslog += "\(at(3 * 3600 + 1)) db-9 rsyslogd: \(rsyslogExit)\n"
      }
    }
    try syslog.write(toFile: dir + "/syslog", atomically: true, encoding: .utf8)
    // The same machine's Redis stamps its lines in its zone, without saying which; MongoDB says (UTC).
    let redisAt = 4 * 3600 + 70
    let local = Int(t0) + redisAt + other
    let (_, m, d) = CivilTime.civilFromDays(local / 86400)
    let redis = String(
      format: "1:M %02d %@ 2023 %02d:%02d:%02d.512 # !!! Warning: short read while loading the AOF file appendonly.aof!!!\n",
      d, Self.months[m - 1], local % 86400 / 3600, local % 3600 / 60, local % 60)
    try FileManager.default.createDirectory(atPath: dir + "/redis", withIntermediateDirectories: true)
    try redis.write(toFile: dir + "/redis/redis-server.log", atomically: true, encoding: .utf8)
    try FileManager.default.createDirectory(atPath: dir + "/mongodb", withIntermediateDirectories: true)
    let mongo = #"{"t":{"$date":"2023-11-14T22:20:00.118+00:00"},"s":"I",  "c":"CONTROL",  "id":23285, "ctx":"-","msg":"Automatically disabling TLS 1.0"}"#
    try (mongo + "\n").write(toFile: dir + "/mongodb/mongod.log", atomically: true, encoding: .utf8)
    let r = Self.run(dir)
    #expect(r.hosts.first?.boots.map(\.ending) == [.reboot, .running])
    #expect(r.hosts.first?.boots.map(\.start) == [JournalTestEntry.t0, JournalTestEntry.t0 + 4 * 3600 * 1_000_000])
    let found: [RuleHit] = r.findings.map(\.hit)
    let inIncidents: [RuleHit] = r.incidents.flatMap { $0.datastoreEvents.map(\.hit) }
    let aof = (found + inIncidents).first { $0.ruleID == "redis.aof-short-read" }
    #expect(aof?.time == (t0 + Int64(redisAt)) * 1_000_000 + 512_000)
    let redisWarnings = r.inputs.first { $0.path.hasSuffix("/redis-server.log") }?.warnings ?? []
    #expect(redisWarnings.contains {
      $0.hasPrefix("times read as \(ZoneHint.describe(offset: other)): the offset that syslog, of the same machine, shows")
    }, "\(redisWarnings)")
    #expect(r.inputs.first { $0.path.hasSuffix("/mongod.log") }?.warnings.isEmpty == true)
    let warnings = r.inputs.first { $0.path.hasSuffix("/syslog") }?.warnings ?? []
    #expect(warnings.contains {
      $0.hasPrefix("times read as \(ZoneHint.describe(offset: other)): at that offset 14 of its last lines are "
        + "stamped when their messages say they were written")
    }, "\(warnings)")
    // With a zone given, no guessing.
    let given = Self.run(dir, zone: "UTC")
    #expect(given.inputs.allSatisfy { $0.warnings.allSatisfy { !$0.hasPrefix("times read as") } })
  }

  @Test func statedTimesAreTheMessagesOwnStamps() {
    let t = Int64(CivilTime.daysFromCivil(2024, 3, 12)) * 86400 + 14 * 3600 + 47 * 60 + 5
    #expect(StatedTime.utc(in: "[3-1] 2024-03-12 14:47:05.428 UTC [744] LOG:  redo starts at 3/A1B2C3D8")
      == t * 1_000_000 + 428_000)
    #expect(StatedTime.utc(in: "2024-03-12 10:47:05 EDT [744] LOG:  x") == t * 1_000_000)
    #expect(StatedTime.utc(in: "2024-03-12 20:17:05.000 +0530 [744] LOG:  x") == t * 1_000_000)
    #expect(StatedTime.utc(in: "time=\"2024-03-12T10:47:05.5-04:00\" level=info msg=\"loading plugin\"")
      == t * 1_000_000 + 500_000)
    #expect(StatedTime.utc(in: "2024-03-12T14:47:05Z INFO started") == t * 1_000_000)
    #expect(StatedTime.utc(in: "Cloud-init v. 23.4.4 running 'init' at Tue, 12 Mar 2024 14:47:05 +0000. Up 7.12 seconds.")
      == t * 1_000_000)
    #expect(StatedTime.utc(in: "Cloud-init v. 23.4.4 finished at Tue, 12 Mar 2024 14:47:05 +0000. Datasource DataSourceEc2Local.  Up 14.01 seconds")
      == t * 1_000_000)
    // No zone, an ambiguous zone name, or a stamp that is not at the start: nothing.
    #expect(StatedTime.utc(in: "2024-03-12 14:47:05 [744] LOG:  x") == nil)
    #expect(StatedTime.utc(in: "2024-03-12 14:47:05 CST [744] LOG:  x") == nil)
    #expect(StatedTime.utc(in: "LOG:  database system was interrupted; last known up at 2024-03-12 14:31:05 UTC") == nil)
    #expect(StatedTime.utc(in: "Cloud-init v. 23.4.4 running 'init'. Up 7.12 seconds.") == nil)
    // Numbers no clock writes: nothing (and no overflow).
    #expect(StatedTime.utc(in: "Cloud-init v. 1 running 'x' at Tue, 12 Mar 99999999999999 14:47:05 +0000. Up 1 seconds.") == nil)
    #expect(StatedTime.utc(in: "Cloud-init v. 1 running 'x' at Tue, 12 Mar 2024 99999999999999999:47:05 +0000. Up 1.") == nil)
  }

  /// Right after logrotate `syslog` is empty: the lines compared are `syslog.1`'s.
  @Test func justRotatedSetIsComparedByItsNewestLines() throws {
    let other = Self.offsets.other
    let dir = try Self.folder(offset: other)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try FileManager.default.moveItem(atPath: dir + "/syslog", toPath: dir + "/syslog.1")
    #expect(FileManager.default.createFile(atPath: dir + "/syslog", contents: Data()))
    let r = Self.run(dir)
    #expect(r.hosts.first?.boots.map(\.ending) == [.reboot, .running])
    let warnings = r.inputs.first { $0.path.hasSuffix("/syslog.1") }?.warnings ?? []
    #expect(warnings.contains { $0.hasPrefix("times read as \(ZoneHint.describe(offset: other)):") }, "\(warnings)")
  }

  @Test func offsetNeedsAgreeingUniqueLines() throws {
    let line = ZoneHint.Line(
      month: 11, day: 15, year: 0, seconds: 3 * 3600 + 43 * 60 + 22,
      key: ZoneHint.Key(host: "db-7", identifier: "app", pid: "1", message: "x"))
    // 2023-11-14 22:13:20 UTC is 2023-11-15 03:43:20 at +05:30 (dateless: the year comes from the journal).
    #expect(ZoneHint.offset(line, journalTime: JournalTestEntry.t0) == 19_800)
    #expect(ZoneHint.offset(line, journalTime: JournalTestEntry.t0 + 2_000_000) == 19_800)
    #expect(ZoneHint.offset(line, journalTime: JournalTestEntry.t0 + 5_000_000) == nil)
    #expect(ZoneHint.offset(line, journalTime: JournalTestEntry.t0 - 4 * 86_400 * 1_000_000) == nil)
    var december = line
    december.month = 12
    december.day = 31
    december.seconds = 23 * 3600 + 30 * 60
    // A dateless Dec 31 line against a journal entry of Jan 1: the year before.
    let newYear = Int64(CivilTime.daysFromCivil(2024, 1, 1) * 86400) * 1_000_000
    #expect(ZoneHint.offset(december, journalTime: newYear) == -1800)
    #expect(ZoneHint.describe(offset: -1800) == "UTC-00:30")
    #expect(ZoneHint.describe(offset: 19_800) == "UTC+05:30")
  }

  /// Neither a journal nor a wtmp, but the audit log (auditd runs by default on RHEL, whose journal is volatile):
  /// cron's session lines in `secure` and the audit events of the same cron processes, written at the same moment,
  /// show the offset. Read in the analysis zone, the audit log's boots sat hours away from the syslog's, each boot
  /// twice.
  @Test func auditEventsOfTheSameProcessesShowTheOffset() throws {
    let other = Self.offsets.other
    let dir = NSTemporaryDirectory() + "flatline-zone-audit-\(getpid())"
    try? FileManager.default.removeItem(atPath: dir)
    try FileManager.default.createDirectory(atPath: dir + "/audit", withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let t0 = JournalTestEntry.t0 / 1_000_000
    func at(_ dt: Int64) -> String { Self.stamp((t0 + dt) * 1_000_000, offset: other) }
    func audit(_ dt: Int64, _ type: String, _ fields: String) -> String {
      "type=\(type) msg=audit(\(t0 + dt).\(String(format: "%03d", Int(dt % 1000))):\(dt % 97_000 + 100)): \(fields)\n"
    }
    let utmp = #"comm="systemd-update-utmp" exe="/usr/lib/systemd/systemd-update-utmp" hostname=? addr=? terminal=?"#
    var secure = ""
    var messages = ""
    var events = ""
    let starts: [Int64] = [0, 4 * 3600]
    for (b, start) in starts.enumerated() {
      messages += "\(at(start)) db-7 kernel: [    0.000000] Linux version 5.14.0-362.8.1.el9_3.x86_64\n"
      messages += "\(at(start + 9)) db-7 rsyslogd[811]: \(rsyslogStart)\n"
      events += audit(start + 2, "DAEMON_START", "op=start ver=3.0.7 auid=4294967295 pid=790 uid=0 res=success")
      events += audit(start + 8, "SYSTEM_BOOT", "pid=812 uid=0 auid=4294967295 msg=' \(utmp) res=success'")
      for k in 1...3 {
        let t = start + Int64(k) * 3600 / 4
        let pid = 5000 + b * 10 + k
        secure += "\(at(t)) db-7 crond[\(pid)]: pam_unix(crond:session): session opened for user root by (uid=0)\n"
        events += audit(t, "USER_START", "pid=\(pid) uid=0 auid=0 ses=\(k + 2) msg='op=PAM:session_open "
          + "grantors=pam_loginuid,pam_keyinit,pam_limits acct=\"root\" exe=\"/usr/sbin/crond\" terminal=cron res=success'")
        secure += "\(at(t + 1)) db-7 crond[\(pid)]: pam_unix(crond:session): session closed for user root\n"
        messages += "\(at(t + 30)) db-7 systemd[1]: Started dnf makecache.\n"
      }
      if b == 0 {
        messages += "\(at(3 * 3600)) db-7 systemd-logind[702]: System is rebooting.\n"
        events += audit(3 * 3600 + 4, "SYSTEM_SHUTDOWN", "pid=2400 uid=0 auid=4294967295 msg=' \(utmp) res=success'")
        messages += "\(at(3 * 3600 + 5)) db-7 rsyslogd[811]: \(rsyslogExit)\n"
      }
    }
    try secure.write(toFile: dir + "/secure", atomically: true, encoding: .utf8)
    try messages.write(toFile: dir + "/messages", atomically: true, encoding: .utf8)
    try events.write(toFile: dir + "/audit/audit.log", atomically: true, encoding: .utf8)
    let r = Self.run(dir)
    #expect(r.hosts.map(\.name) == ["db-7"])
    #expect(r.hosts.first?.boots.map(\.ending) == [.reboot, .running])
    let warnings = r.inputs.first { $0.path.hasSuffix("/secure") }?.warnings ?? []
    #expect(warnings.contains {
      $0.hasPrefix("times read as \(ZoneHint.describe(offset: other)): at that offset 6 of its last lines' processes")
    }, "\(warnings)")
    // `messages` (no audited process among its lines but PID 1's, which has no events here) takes secure's offset.
    let borrowed = r.inputs.first { $0.path.hasSuffix("/messages") }?.warnings ?? []
    let shown = "times read as \(ZoneHint.describe(offset: other)): the offset that secure"
    #expect(borrowed.contains { $0.hasPrefix(shown) }, "\(borrowed)")
    // Read in the analysis zone, as before: every boot twice, hours apart.
    #expect(Self.run(dir, zone: TimeZone.current.identifier).hosts.first?.boots.count ?? 0 > 2)
  }

  @Test func auditEventsNameTheirProcess() {
    func process(_ s: String) -> (pid: String, program: String)? {
      Array(s.utf8).withBytes { ZoneHint.auditProcess($0) }
    }
    let start = process(
      "type=USER_START msg=audit(1700000000.123:456): pid=4711 uid=0 auid=1000 ses=5 msg='op=PAM:session_open "
        + "acct=\"ops\" exe=\"/usr/sbin/sshd\" hostname=10.0.0.5 addr=10.0.0.5 terminal=ssh res=success'")
    #expect(start?.pid == "4711" && start?.program == "sshd")
    // A SYSCALL record names its parent first (`ppid=`); the executable's name is lowercased for the comparison.
    let call = process(
      "type=SYSCALL msg=audit(1700000000.200:457): arch=c000003e syscall=59 success=yes exit=0 ppid=1 pid=812 "
        + "auid=4294967295 comm=\"CRON\" exe=\"/usr/sbin/CRON\" key=(null)")
    #expect(call?.pid == "812" && call?.program == "cron")
    // An executable written in hex (a path with a space) and an event without one name no process.
    #expect(process(#"type=SYSCALL msg=audit(1700000000.300:458): ppid=1 pid=9 comm="a b" exe=2F746D702F612062"#) == nil)
    #expect(process("type=LOGIN msg=audit(1700000000.400:459): pid=4711 uid=0 old-auid=4294967295 res=1") == nil)
  }

  /// A PostgreSQL server in Chicago logging through syslog over the change to daylight-saving time (10 March 2024,
  /// 02:00 local): its lines state their UTC time, at −06:00 before the change and −05:00 after. Neither offset won
  /// the election, so the set stayed in the analysis zone, six hours off, away from its provider's notices; a fixed
  /// offset would have put one side an hour off. The set is read in a zone with that change.
  @Test func aDaylightSavingChangeAmongTheStatedTimesGivesTheZone() throws {
    let change = Date(timeIntervalSince1970: 1_710_057_600)  // 2024-03-10 08:00 UTC
    guard TimeZone.current.secondsFromGMT(for: change) != -18_000 else { return }
    let dir = NSTemporaryDirectory() + "flatline-zone-dst-\(getpid())"
    try? FileManager.default.removeItem(atPath: dir)
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let chicago = TimeZone(identifier: "America/Chicago")!
    func local(_ t: Int64) -> String { Self.stamp(t * 1_000_000, offset: chicago.secondsFromGMT(for: Date(timeIntervalSince1970: Double(t)))) }
    func utc(_ t: Int64) -> String {
      let f = DateFormatter()
      f.locale = Locale(identifier: "en_US_POSIX")
      f.timeZone = TimeZone(identifier: "UTC")
      f.dateFormat = "yyyy-MM-dd HH:mm:ss.SSS"
      return f.string(from: Date(timeIntervalSince1970: Double(t)))
    }
    let boot1: Int64 = 1_709_985_600  // 2024-03-09 12:00 UTC (06:00 CST)
    let boot2: Int64 = 1_710_086_400  // 2024-03-10 16:00 UTC (11:00 CDT)
    var lines: [String] = []
    for (b, start) in [boot1, boot2].enumerated() {
      lines.append("\(local(start)) db-9 kernel: [    0.000000] Linux version 6.5.0-1014-aws (buildd@lcy02-amd64-048)")
      for k in 1...12 {
        let t = start + Int64(k) * 1_800
        lines.append("\(local(t)) db-9 postgres[900]: [\(k)-1] \(utc(t)) UTC [900] LOG:  checkpoint complete")
      }
      if b == 0 {
        let end = boot2 - 7_200
        lines.append("\(local(end)) db-9 postgres[900]: [13-1] \(utc(end)) UTC [900] LOG:  checkpoint complete")
      }
    }
    try (lines.joined(separator: "\n") + "\n").write(toFile: dir + "/syslog", atomically: true, encoding: .utf8)
    let r = Self.run(dir, year: 2024)
    let boots = r.hosts.first?.boots ?? []
    #expect(boots.map(\.start) == [nil, boot2 * 1_000_000] || boots.map(\.start) == [boot1 * 1_000_000, boot2 * 1_000_000],
      "\(boots.map(\.start))")
    #expect(boots.first?.lastSignOfLife == (boot2 - 7_200) * 1_000_000)
    let warnings = r.inputs.first { $0.path.hasSuffix("/syslog") }?.warnings ?? []
    #expect(warnings.contains { $0.hasPrefix("times read in America/Chicago: its lines show UTC-06:00 and, later, UTC-05:00") },
      "\(warnings)")

    // Longer after the change: the last 200 stated lines all show −05:00 and elect it; the set's first lines, which
    // state −06:00, show the change.
    for k in 13...240 {
      let t = boot2 + Int64(k) * 600
      lines.append("\(local(t)) db-9 postgres[900]: [\(k)-1] \(utc(t)) UTC [900] LOG:  checkpoint complete")
    }
    try (lines.joined(separator: "\n") + "\n").write(toFile: dir + "/syslog", atomically: true, encoding: .utf8)
    let long = Self.run(dir, year: 2024)
    #expect(long.hosts.first?.boots.first?.lastSignOfLife == (boot2 - 7_200) * 1_000_000)
    let longWarnings = long.inputs.first { $0.path.hasSuffix("/syslog") }?.warnings ?? []
    #expect(longWarnings.contains { $0.hasPrefix("times read in America/Chicago: its lines show UTC-06:00 and, later") },
      "\(longWarnings)")
  }

  @Test func aZoneIsChosenOnlyWhenEveryZoneWithBothOffsetsChangesAlike() {
    // Before and after 10 March 2024 in the US Central zones.
    let before: Int64 = 1_709_985_600 * 1_000_000
    let after: Int64 = 1_710_086_400 * 1_000_000
    #expect(ZoneHint.zone(start: (-21_600, before), end: (-18_000, after)) == "America/Chicago")
    let january: Int64 = 1_704_067_200 * 1_000_000  // 2024-01-01
    let june: Int64 = 1_717_200_000 * 1_000_000  // 2024-06-01
    // Every zone at +01:00 in January and +02:00 in June changes on 31 March: a well-known one is named.
    #expect(ZoneHint.zone(start: (3_600, january), end: (7_200, june)) == "Europe/Berlin"
      || TimeZone.current.secondsFromGMT(for: Date(timeIntervalSince1970: 1_704_067_200)) == 3_600)
    // UTC−03:00 in January, UTC−04:00 in June: Paraguay changed on 24 March, Chile on 7 April. They disagree, and
    // nothing is chosen.
    #expect(ZoneHint.zone(start: (-10_800, january), end: (-14_400, june)) == nil)
  }

  /// A New York server's syslog and journal across 10 March 2024 (02:00 local, 07:00 UTC): the syslog's last lines
  /// are journal entries at −05:00 before the change and −04:00 after. `find` wanted one offset and gave none, and
  /// every boot was there twice, five hours apart; a boot's syslog lines before the change would also have been an
  /// hour off at a fixed −04:00. Read in a zone with that change, each boot is there once.
  @Test func aDaylightSavingChangeAmongTheJournalsEntriesGivesTheZone() throws {
    let change = Date(timeIntervalSince1970: 1_710_054_000)  // 2024-03-10 07:00 UTC
    let newYork = TimeZone(identifier: "America/New_York")!
    guard TimeZone.current.secondsFromGMT(for: change) != newYork.secondsFromGMT(for: change) else { return }
    // 2024-03-09 16:00 and 2024-03-10 03:06 UTC.
    let dir = try Self.folder(
      starts: [1_710_000_000, 1_710_040_000], lines: 40, every: 900,
      offsetAt: { newYork.secondsFromGMT(for: Date(timeIntervalSince1970: Double($0))) }, key: "dst-journal")
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let r = Self.run(dir, year: 2024)
    #expect(r.hosts.first?.boots.map(\.ending) == [.reboot, .running])
    let warnings = r.inputs.first { $0.path.hasSuffix("/syslog") }?.warnings ?? []
    #expect(warnings.contains { $0.hasPrefix("times read in America/New_York: its lines show UTC-05:00 and, later, UTC-04:00 (journal)") },
      "\(warnings)")
  }
}
