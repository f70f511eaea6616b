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
    #expect(found.contains(.wtmpSet(files: [dir + "/wtmp"])))
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
    // xz and bzip2 are read; the same log compressed three ways is three sets, not one set read three times.
    for name in ["archive-syslog.gz", "archive-syslog.xz", "archive-syslog.bz2"] {
      #expect(sets.contains([dir + "/" + name]), "\(name)")
    }
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
    #expect(found.last == .pipe(path: "-"))
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
    // A rotation that is there but empty (left out of the set) lost nothing: no gap.
    SyslogTestFiles.write(dir + "/syslog.2", "")
    let (again, _) = SyslogTestFiles.stream([dir + "/syslog.3", dir + "/syslog.1", dir + "/syslog.0"])
    #expect(!again.notes.contains { if case .dataGap(_, let r) = $0 { r.contains("missing") } else { false } })
    #expect(again.notes.count == 1, "\(again.notes)")
  }

  /// One file a day named by its date (syslog-ng `$HOST/$YEAR-$MONTH-$DAY.log`) is one set, oldest first, per
  /// prefix and extension; names that only end in digits are not dates.
  @Test func filesNamedByDayAreOneSet() throws {
    let dir = SyslogTestFiles.tempDir()
    for (name, day) in [("2024-03-02.log", 2), ("2024-02-29.log", 29), ("2024-03-01.log.gz", 1)] {
      let line = "\(day == 29 ? "Feb" : "Mar") \(day < 10 ? " " : "")\(day) 00:00:00 h a: x\n"
      if name.hasSuffix(".gz") {
        SyslogTestFiles.write(dir + "/" + name, SyslogTestFiles.gzip(Array(line.utf8)))
      } else {
        SyslogTestFiles.write(dir + "/" + name, line)
      }
    }
    SyslogTestFiles.write(dir + "/web1-20240302.log", "Mar  2 00:00:00 h a: x\n")
    SyslogTestFiles.write(dir + "/web1-20240301.log", "Mar  1 00:00:00 h a: x\n")
    SyslogTestFiles.write(dir + "/build-12345678.log", "Mar  1 00:00:00 h a: x\n")
    let found = Discovery.discover(paths: [dir], registry: InputRegistry())
    #expect(found.contains(.syslogSet(files: ["2024-02-29.log", "2024-03-01.log.gz", "2024-03-02.log"].map {
      dir + "/" + $0
    })))
    #expect(found.contains(.syslogSet(files: ["web1-20240301.log", "web1-20240302.log"].map { dir + "/" + $0 })))
    #expect(found.contains(.syslogSet(files: [dir + "/build-12345678.log"])))
    #expect(RotationName("messages-20240301").kind == .dated)
    #expect(RotationName("2024-13-01.log").kind == .bare)
    #expect(RotationName("x2024-03-01.log").kind == .bare)
    #expect(RotationName("messages_2024-03-01").base == "messages_*")
    // Tail mode follows the newest file of each such set (the one being written).
    #expect(TailService.plan(for: dir).files == ["2024-03-02.log", "build-12345678.log", "web1-20240302.log"].map {
      dir + "/" + $0
    })
  }

  /// A copied `/var/log` holds files no Flatline reader takes and whose loss costs nothing: they are listed with
  /// their reason but not warned about, so the warnings left are the ones that may hide a boot. The installers' own
  /// logs (a live system's boot) are left out when met inside a tree, read when named.
  @Test func knownFilesOfVarLogAreListedWithoutWarnings() throws {
    let dir = SyslogTestFiles.tempDir()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    for sub in ["apt", "installer", "sysstat", "etc", "sys"] {
      try FileManager.default.createDirectory(atPath: dir + "/" + sub, withIntermediateDirectories: true)
    }
    SyslogTestFiles.write(dir + "/dmesg", "[    0.000000] Linux version 6.1.0-26-amd64 (debian-kernel@lists.debian.org)\n")
    SyslogTestFiles.write(dir + "/dmesg.1.gz", SyslogTestFiles.gzip(Array("[    0.000000] kernel: Linux version 6.1\n".utf8)))
    SyslogTestFiles.write(dir + "/boot.log", "[  OK  ] Started Journal Service.\n[  OK  ] Reached target Local File Systems.\n")
    SyslogTestFiles.write(dir + "/apt/history.log", "\nStart-Date: 2024-03-01  11:02:01\nCommandline: apt-get -y upgrade\n")
    SyslogTestFiles.write(dir + "/faillog", [UInt8](repeating: 0, count: 3200))
    SyslogTestFiles.write(dir + "/lastlog", [UInt8](repeating: 0, count: 2920))
    SyslogTestFiles.write(dir + "/sysstat/sa01", [0x96, 0xd5, 0x74, 0x21] + [UInt8](0..<200) + [UInt8](0..<200))
    SyslogTestFiles.write(dir + "/btmp", "")
    SyslogTestFiles.write(dir + "/installer/syslog", "Feb 10 09:00:00 kernel: [    0.000000] Linux version 6.1.0-9-amd64\n")
    SyslogTestFiles.write(dir + "/installer/partman", "Feb 10 09:01:00 partman: Exiting\n")
    SyslogTestFiles.write(dir + "/etc/fstab", "UUID=1c0e / ext4 errors=remount-ro 0 1\n")
    SyslogTestFiles.write(dir + "/etc/hostname", "web1\n")
    // A folder of collected logs that happens to be named `sys` is read: it holds no `/sys` entries.
    SyslogTestFiles.write(dir + "/sys/messages", "Mar  1 10:00:00 h1 app[1]: x\n")
    SyslogTestFiles.write(dir + "/notes.txt", "hello world\n")
    final class Lines: @unchecked Sendable {
      private let lock = NSLock()
      private var all: [String] = []
      func add(_ s: String) { lock.withLock { all.append(s) } }
      var lines: [String] { lock.withLock { all } }
    }
    let warnings = Lines()
    let reg = InputRegistry(warningHandler: { warnings.add($0) })
    #expect(Discovery.discover(paths: [dir], registry: reg) == [.syslogSet(files: [dir + "/sys/messages"])])
    let reasons = Dictionary(
      reg.inputs.map { (String($0.path.dropFirst(dir.count + 1)), $0.skipReason ?? "") }) { a, _ in a }
    #expect(reasons["dmesg"]?.hasPrefix("kernel ring buffer saved at boot (dmesg)") == true)
    #expect(reasons["dmesg.1.gz"] == reasons["dmesg"])
    #expect(reasons["boot.log"] == "console messages of a boot (boot.log): no times")
    #expect(reasons["apt/history.log"] == "package manager log (apt): installs and upgrades, nothing about boots")
    #expect(reasons["faillog"] == "per-user failed-login counters (faillog): nothing about boots")
    #expect(reasons["lastlog"] == "lastlog holds only each user's last login, nothing about boots")
    #expect(reasons["sysstat/sa01"] == "sysstat activity data: nothing about boots")
    #expect(reasons["btmp"] == "empty file")
    #expect(reasons["installer"]?.hasPrefix("installer logs") == true)
    #expect(reasons["installer/syslog"] == nil)
    #expect(reasons["etc"] == "system configuration (/etc), not logs")
    #expect(reasons["sys"] == nil)
    // Only the unknown text is warned about, on stderr and in the input's warnings.
    #expect(warnings.lines == [dir + "/notes.txt: skipped: text not recognised as syslog or a journal export"])
    #expect(reg.inputs.filter { !$0.warnings.isEmpty }.map(\.path) == [dir + "/notes.txt"])

    // Named on the command line, the installer's directory is read; a boot.log of syslog lines is syslog.
    SyslogTestFiles.write(dir + "/installer/boot.log", "Mar  1 10:00:00 h1 kernel: Linux version 6.1.0-26-amd64 x\n")
    let named = Discovery.discover(paths: [dir + "/installer"], registry: InputRegistry())
    #expect(named.count == 3)
    #expect(named.contains(.syslogSet(files: [dir + "/installer/boot.log"])))
  }

  /// A sosreport (`sos report`, the support bundle RHEL and Ubuntu collect): journalctl's output under
  /// `sos_commands/logs`, `last`'s under `sos_commands/login` and the copied `var/log` are read; the other command
  /// outputs (a thousand files in a real one), the root's links to them and sos's own report and logs are listed as
  /// skipped without a warning. A folder merely named `sos_commands` is not a sosreport.
  @Test func aSosreportIsReadWithoutAWarningPerCommandOutput() throws {
    let root = SyslogTestFiles.tempDir()
    defer { try? FileManager.default.removeItem(atPath: root) }
    let dir = root + "/sosreport-db1-2024-03-12-xkcdabc"
    for sub in ["sos_commands/logs", "sos_commands/login", "sos_commands/kernel", "sos_commands/process",
      "sos_commands/date", "sos_logs", "sos_reports", "var/log"]
    {
      try FileManager.default.createDirectory(atPath: dir + "/" + sub, withIntermediateDirectories: true)
    }
    SyslogTestFiles.write(dir + "/version.txt", "sosreport: 4.5.6\n")
    SyslogTestFiles.write(dir + "/sos_commands/logs/journalctl_--no-pager",
      "Mar 12 06:02:07 db1 kernel: Linux version 5.14.0-362.8.1.el9_3.x86_64\nMar 12 06:02:09 db1 systemd[1]: Started x.\n")
    SyslogTestFiles.write(dir + "/sos_commands/logs/journalctl_--list-boots",
      "IDX BOOT ID                          FIRST ENTRY                 LAST ENTRY\n")
    SyslogTestFiles.write(dir + "/sos_commands/logs/journalctl_--disk-usage",
      "Archived and active journals take up 1.2G in the file system.\n")
    SyslogTestFiles.write(dir + "/sos_commands/login/last",
      "reboot   system boot  5.14.0-362.8.1.e Tue Mar 12 06:02   still running\n"
        + "reboot   system boot  5.14.0-362.8.1.e Mon Mar 11 09:14 - 06:01  (20:47)\n\nwtmp begins Mon Mar 11 09:14:20 2024\n")
    SyslogTestFiles.write(dir + "/sos_commands/kernel/uname_-a", "Linux db1 5.14.0-362.8.1.el9_3.x86_64 #1 SMP x86_64\n")
    SyslogTestFiles.write(dir + "/sos_commands/process/ps_auxwww", "USER PID %CPU\nroot 1 0.0 /usr/lib/systemd/systemd\n")
    SyslogTestFiles.write(dir + "/sos_commands/date/date", "Tue Mar 12 15:20:00 UTC 2024\n")
    SyslogTestFiles.write(dir + "/sos_logs/sos.log", "2024-03-12 15:20:01,123 INFO: [sos_report:setup] executing\n")
    SyslogTestFiles.write(dir + "/sos_reports/sos.json", "{\"version\": \"4.5.6\"}\n")
    // A log over sos's size limit: its tail in sos_strings, linked from its path; another tail without the link.
    try FileManager.default.createDirectory(atPath: dir + "/sos_strings/logs", withIntermediateDirectories: true)
    try FileManager.default.createDirectory(atPath: dir + "/sos_strings/as7", withIntermediateDirectories: true)
    SyslogTestFiles.write(dir + "/sos_strings/logs/var.log.messages.tailed",
      "Mar 12 06:02:07 db1 kernel: Linux version 5.14.0-362.8.1.el9_3.x86_64\n")
    try FileManager.default.createSymbolicLink(
      atPath: dir + "/var/log/messages", withDestinationPath: "../../sos_strings/logs/var.log.messages.tailed")
    SyslogTestFiles.write(dir + "/sos_strings/logs/var.log.secure.tailed",
      "Mar 12 06:05:00 db1 sshd[812]: Accepted publickey for admin from 10.0.0.5 port 51000 ssh2\n")
    SyslogTestFiles.write(dir + "/sos_strings/as7/configuration.json", "{\"x\": 1}\n")
    try FileManager.default.createSymbolicLink(atPath: dir + "/date", withDestinationPath: "sos_commands/date/date")
    try FileManager.default.createSymbolicLink(atPath: dir + "/ps", withDestinationPath: "sos_commands/process/ps_auxwww")
    let warnings = SyslogTestFiles.Warnings()
    let reg = InputRegistry(warningHandler: { warnings.add($0) })
    let found = Discovery.discover(paths: [dir], registry: reg)
    #expect(found.count == 4)
    #expect(found.contains(.syslogSet(files: [dir + "/sos_commands/logs/journalctl_--no-pager"])))
    #expect(found.contains(.wtmpSet(files: [dir + "/sos_commands/login/last"])))
    #expect(found.contains(.syslogSet(files: [dir + "/var/log/messages"])))
    #expect(found.contains(.syslogSet(files: [dir + "/sos_strings/logs/var.log.secure.tailed"])))
    #expect(warnings.lines.isEmpty)
    let reasons = Dictionary(
      reg.inputs.map { (String($0.path.dropFirst(dir.count + 1)), $0.skipReason ?? "") }) { a, _ in a }
    #expect(reasons["sos_commands/kernel"] == "command output of a sosreport (sos_commands/kernel): not logs")
    #expect(reasons["sos_logs"]?.hasPrefix("sos's own report and logs") == true)
    #expect(reasons["date"]?.hasPrefix("command output in a sosreport, not a log") == true)
    #expect(reasons["sos_commands/logs/journalctl_--list-boots"]?.hasPrefix("command output in a sosreport") == true)
    #expect(reasons["version.txt"]?.hasPrefix("command output in a sosreport") == true)
    #expect(reasons["sos_strings/logs/var.log.messages.tailed"] == "the same file as \(dir)/var/log/messages, read there")
    #expect(reasons["sos_strings/as7/configuration.json"]?.hasPrefix("command output in a sosreport") == true)

    // Without sos's own files beside it, a folder named sos_commands is an ordinary folder: unknown text is warned.
    try FileManager.default.removeItem(atPath: dir + "/sos_logs")
    try FileManager.default.removeItem(atPath: dir + "/sos_reports")
    try FileManager.default.removeItem(atPath: dir + "/version.txt")
    try FileManager.default.removeItem(atPath: dir + "/sos_strings")
    let plain = SyslogTestFiles.Warnings()
    _ = Discovery.discover(paths: [dir], registry: InputRegistry(warningHandler: { plain.add($0) }))
    #expect(plain.lines.contains { $0.hasSuffix("sos_commands/kernel/uname_-a: skipped: text not recognised as syslog or a journal export") })
  }

  /// A file reached twice — through a symbolic link (Kubernetes' `/var/log/containers/*.log` point into
  /// `/var/log/pods/`) or named again on the command line — is read once; the second path is listed as the same file.
  @Test func theSameFileIsReadOnce() throws {
    let dir = SyslogTestFiles.tempDir()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    try FileManager.default.createDirectory(atPath: dir + "/pods/c", withIntermediateDirectories: true)
    try FileManager.default.createDirectory(atPath: dir + "/containers", withIntermediateDirectories: true)
    SyslogTestFiles.write(dir + "/pods/c/0.log", "2024-03-10T00:17:06.1Z stderr F 2024-03-10 00:17:06.100 UTC [1] LOG:  database system is ready to accept connections\n")
    try FileManager.default.createSymbolicLink(atPath: dir + "/containers/c.log", withDestinationPath: dir + "/pods/c/0.log")
    SyslogTestFiles.write(dir + "/syslog", "Mar  1 10:00:00 h1 app[1]: x\n")
    let reg = InputRegistry()
    let found = Discovery.discover(paths: [dir, dir + "/syslog"], registry: reg)
    #expect(found == [
      .datastoreLog(path: dir + "/containers/c.log", component: "postgresql", envelope: .cri),
      .syslogSet(files: [dir + "/syslog"]),
    ])
    #expect(reg.inputs.map(\.skipReason) == [
      "the same file as \(dir)/containers/c.log, read there", "the same file as \(dir)/syslog, read there",
    ])
    #expect(reg.inputs.allSatisfy { $0.warnings.isEmpty })
  }

  /// Other tools' logs whose words the lenient syslog parse would take for hosts are not read (nor followed in tail
  /// mode): lines stamped `YYYY-MM-DD hh:mm:ss` (a space, no `T`) are syslog only with a tag closed by `:` (dpkg's
  /// log is not, whatever its name), package managers' logs by name, Kubernetes container logs by shape.
  @Test func otherToolsLogsAreNotSyslog() throws {
    let dir = SyslogTestFiles.tempDir()
    SyslogTestFiles.write(dir + "/installs", """
      2025-06-24 14:36:25 startup archives unpack
      2025-06-24 14:36:25 upgrade libsystemd0:amd64 252.36-1~deb12u1 252.38-1~deb12u1
      2025-06-24 14:36:25 status triggers-pending libc-bin:amd64 2.36-9+deb12u10
      2025-06-24 14:36:25 status half-configured libsystemd0:amd64 252.36-1~deb12u1
      2025-06-24 14:36:25 configure libsystemd0:amd64 252.38-1~deb12u1 <none>
      2025-06-24 14:36:26 status installed libsystemd0:amd64 252.38-1~deb12u1

      """)
    SyslogTestFiles.write(dir + "/syslog", """
      2024-06-02 10:15:01 web-01 kernel: [    0.000000] Linux version 6.1.0-21-amd64 (gcc)
      2024-06-02 10:15:02 web-01 systemd[1]: Started ssh.service - OpenBSD Secure Shell server.
      2024-06-02 10:15:03 web-01 CRON[912]:
      2024-06-02 10:15:04 web-01 sshd[1201]: Accepted publickey for deploy from 10.0.0.5 port 50122 ssh2

      """)
    let skipped = Discovery.Sniffed.skip("text not recognised as syslog or a journal export")
    #expect(Discovery.sniff(path: dir + "/installs", size: 400) == skipped)
    #expect(Discovery.sniff(path: dir + "/syslog", size: 300) == .syslog)
    try FileManager.default.copyItem(atPath: dir + "/installs", toPath: dir + "/dpkg.log")
    #expect(Discovery.sniff(path: dir + "/dpkg.log", size: 400)
      == .ignore("package manager log (dpkg): installs and upgrades, nothing about boots"))
    // Kubernetes container logs (CRI) put the stream where a host would be.
    SyslogTestFiles.write(dir + "/web-7d9c8c6b6f-qwz9t_default_web-0123.log", """
      2024-03-10T00:17:06.123456789Z stdout F Starting server on :8080
      2024-03-10T00:17:07.000000001Z stderr P error: connection refu
      2024-03-10T00:17:07.000000001Z stderr F sed
      2024-03-10T00:17:08.5Z stdout F

      """)
    let cri = Discovery.sniff(path: dir + "/web-7d9c8c6b6f-qwz9t_default_web-0123.log", size: 250)
    #expect(cri == .skip(
      "Kubernetes container log (CRI format: stamp, stdout/stderr, P/F): an application's output, not read"))
    // Docker's json-file driver: said so, not "text not recognised".
    SyslogTestFiles.write(dir + "/4f2a-json.log", #"""
      {"log":"GET /healthz 200 0.3ms\n","stream":"stdout","time":"2024-03-01T10:00:00.123456789Z"}
      {"log":"listening on port 8080\n","stream":"stdout","time":"2024-03-01T10:00:01Z"}

      """#)
    #expect(Discovery.sniff(path: dir + "/4f2a-json.log", size: 250) == .skip(
      #"Docker container log (json-file: {"log": …, "stream": …, "time": …}): an application's output, not read"#))
    // A datastore in a container: its lines are read inside the envelope (`ContainerEnvelopeTests`).
    SyslogTestFiles.write(dir + "/9c1e-json.log", #"""
      {"log":"2024-03-01 10:00:00.123 UTC [1] LOG:  database system was interrupted\n","stream":"stderr","time":"2024-03-01T10:00:00.123456789Z"}
      {"log":"2024-03-01 10:00:00.200 UTC [1] LOG:  database system is ready to accept connections\n","stream":"stderr","time":"2024-03-01T10:00:00.2Z"}

      """#)
    #expect(Discovery.sniff(path: dir + "/9c1e-json.log", size: 300) == .datastore("postgresql", .docker))
    // Package managers' logs, by name (dnf's lines close tags after their level words often enough).
    SyslogTestFiles.write(dir + "/dnf.log", """
      2024-03-10T00:17:06+0000 INFO --- logging initialized ---
      2024-03-10T00:17:06+0000 DDEBUG timer: config: 3 ms
      2024-03-10T00:17:06+0000 DEBUG Loaded plugins: builddep, changelog, config-manager
      2024-03-10T00:17:06+0000 DDEBUG Command: dnf makecache --timer
      2024-03-10T00:17:06+0000 DDEBUG Installroot: /
      2024-03-10T00:17:06+0000 DEBUG cachedir: /var/cache/dnf

      """)
    SyslogTestFiles.write(dir + "/yum.log.1", "Mar 10 00:17:06 Installed: kernel-3.10.0-1160.el7.x86_64\n")
    #expect(Discovery.sniff(path: dir + "/dnf.log", size: 400)
      == .ignore("package manager log (dnf): installs and upgrades, nothing about boots"))
    #expect(Discovery.sniff(path: dir + "/yum.log.1", size: 60)
      == .ignore("package manager log (yum): installs and upgrades, nothing about boots"))
    // Application logs with a level where the host would be: no host, no syslog. ChromeOS's syslog has a level
    // there too, then a tag closed the syslog way.
    SyslogTestFiles.write(dir + "/app.log", """
      2024-03-10T00:17:06.123Z INFO  [main] Application started
      2024-03-10T00:17:07.456Z WARN  [pool-1-thread-2] Slow query: 1200 ms

      """)
    SyslogTestFiles.write(dir + "/tuned.log", """
      2024-03-10 00:17:06,123 INFO     tuned.daemon.application: dynamic tuning is globally disabled
      2024-03-10 00:17:06,124 INFO     tuned.daemon.daemon: using sleep interval of 1 second(s)

      """)
    SyslogTestFiles.write(dir + "/chromeos", """
      2016-10-25T12:37:23.297265-07:00 INFO periodic_scheduler[13707]: cleanup_logs: job completed
      2016-10-25T12:37:24.987014-07:00 DEBUG kernel: [  316.559919] wlan0: deauthenticating

      """)
    #expect(Discovery.sniff(path: dir + "/app.log", size: 120) == skipped)
    #expect(Discovery.sniff(path: dir + "/tuned.log", size: 180) == skipped)
    #expect(Discovery.sniff(path: dir + "/chromeos", size: 180) == .syslog)
    // Tail follows the syslog files and the datastore's log in Docker's envelope, as analyze reads them.
    #expect(TailService.plan(for: dir).files == [dir + "/9c1e-json.log", dir + "/chromeos", dir + "/syslog"])
    // journalctl text dumps with full stamps are syslog; Squid's epoch-stamped access log is not.
    SyslogTestFiles.write(dir + "/short-unix.txt", """
      1709636040.962997 db-03 CRON[43263]: (root) CMD (run-parts /etc/cron.hourly)
      1709636041.000001 db-03 systemd[1]: Started session-42.scope - Session 42 of User root.

      """)
    SyslogTestFiles.write(dir + "/short-full.txt", """
      Tue 2024-03-05 10:54:00 CST db-03 CRON[43263]: (root) CMD (run-parts /etc/cron.hourly)
      Tue 2024-03-05 10:54:01 CST db-03 systemd[1]: Started session-42.scope - Session 42 of User root.

      """)
    SyslogTestFiles.write(dir + "/access.log", """
      1709636040.962    123 10.0.0.1 TCP_MISS/200 1234 GET http://example.com/ - HIER_DIRECT/93.184.216.34 text/html
      1709636041.100     12 10.0.0.2 TCP_HIT/200 512 GET http://example.com/a.css - HIER_NONE/- text/css

      """)
    #expect(Discovery.sniff(path: dir + "/short-unix.txt", size: 160) == .syslog)
    #expect(Discovery.sniff(path: dir + "/short-full.txt", size: 180) == .syslog)
    #expect(Discovery.sniff(path: dir + "/access.log", size: 200) == skipped)
    // An ambiguous zone name is read in --timezone, with one warning.
    let (read, registry) = SyslogTestFiles.stream([dir + "/short-full.txt"])
    #expect(read.records.count == 2)
    #expect(registry.inputs[0].warnings == [
      "line 1: time zone 'CST' is unknown or ambiguous; its stamps are read as local time in UTC (set --timezone if "
        + "they are not)",
    ])
    let line = Array("2024-06-02 10:15:01 web-01 tag:glued text".utf8).withBytes { b in
      var h = SyslogHeader()
      return SyslogParser.parse(b, into: &h) && Discovery.hasClosedTag(b, h)
    }
    #expect(!line, "a colon glued to the next word closes no tag")
  }
}
