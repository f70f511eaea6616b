import Foundation
import Testing

@testable import FlatlineCore

/// A RHEL host whose kernel panicked and kdump saved the dying kernel's log: the syslog just stops.
enum KernelDumpFixture {
  static let banner = "Linux version 5.14.0-362.8.1.el9_3.x86_64 (mockbuild@x86-vm-07.build.eng.bos.redhat.com) "
    + "(gcc (GCC) 11.4.1 20230605 (Red Hat 11.4.1-2), GNU ld version 2.35.2-42.el9) #1 SMP PREEMPT_DYNAMIC Tue Oct 10 14:29:28 EDT 2023"
  static let rs = #"[origin software="rsyslogd" swVersion="8.2102.0" x-pid="812" x-info="https://www.rsyslog.com"]"#

  static func stamp(_ seconds: Int) -> String {
    // 2025-03-01 00:00:00 UTC + seconds, as `Mar  1 hh:mm:ss`.
    let h = seconds / 3600, m = seconds / 60 % 60, s = seconds % 60
    return String(format: "Mar  1 %02d:%02d:%02d", h, m, s)
  }

  /// Boots at 06:00:00 (panics at uptime 5460 s, 07:31:00, after its last line at 07:30:10; or shuts down cleanly
  /// when `clean`) and 07:32:40.
  static func messages(clean: Bool = false, secondBanner: String = banner) -> String {
    var lines: [String] = []
    func boot(_ t: Int, _ b: String) {
      lines.append("\(stamp(t)) db1 kernel: \(b)")
      lines.append("\(stamp(t)) db1 kernel: Command line: BOOT_IMAGE=(hd0,gpt2)/vmlinuz root=/dev/mapper/rhel-root ro crashkernel=1G-4G:192M")
      lines.append("\(stamp(t + 6)) db1 rsyslogd: \(rs) start")
    }
    boot(6 * 3600, banner)
    var t = 6 * 3600 + 10
    for _ in 0..<90 {
      t += 60
      lines.append("\(stamp(t)) db1 crond[2211]: (root) CMD (run-parts /etc/cron.hourly)")
    }
    if clean {
      lines.append("\(stamp(t)) db1 systemd[1]: Stopping System Logging Service...")
      lines.append("\(stamp(t)) db1 rsyslogd: \(rs) exiting on signal 15.")
    }
    boot(7 * 3600 + 32 * 60 + 40, secondBanner)
    t = 7 * 3600 + 32 * 60 + 50
    for _ in 0..<5 {
      t += 60
      lines.append("\(stamp(t)) db1 crond[2210]: (root) CMD (run-parts /etc/cron.hourly)")
    }
    return lines.joined(separator: "\n") + "\n"
  }

  static func dump(banner: String? = banner, panicUptime: String = "5459.998901") -> String {
    var lines: [String] = []
    if let banner { lines.append("[    0.000000] \(banner)") }
    lines += [
      "[    0.000000] Command line: BOOT_IMAGE=(hd0,gpt2)/vmlinuz root=/dev/mapper/rhel-root ro crashkernel=1G-4G:192M",
      "[    1.234567] EXT4-fs (dm-0): mounted filesystem with ordered data mode. Opts: (null)",
      "[ \(panicUptime)] sysrq: Trigger a crash",
      "[ \(panicUptime)] Kernel panic - not syncing: sysrq triggered crash",
      "[ \(panicUptime)] CPU: 1 PID: 4242 Comm: bash Kdump: loaded Not tainted 5.14.0-362.8.1.el9_3.x86_64 #1",
      "[ \(panicUptime)] Call Trace:",
    ]
    return lines.joined(separator: "\n") + "\n"
  }

  /// A copied root: `var/log/messages`, and `var/crash/<dir>/vmcore-dmesg.txt` beside kdump's own log and image.
  static func tree(
    messages: String = messages(), dump: String = dump(), crashDir: String = "127.0.0.1-2025-03-01-07:31:02"
  ) -> (root: String, dump: String) {
    let root = SyslogTestFiles.tempDir()
    try? FileManager.default.createDirectory(atPath: root + "/var/log", withIntermediateDirectories: true)
    try? FileManager.default.createDirectory(atPath: root + "/var/crash/" + crashDir, withIntermediateDirectories: true)
    SyslogTestFiles.write(root + "/var/log/messages", messages)
    let path = root + "/var/crash/\(crashDir)/vmcore-dmesg.txt"
    SyslogTestFiles.write(path, dump)
    SyslogTestFiles.write(root + "/var/crash/\(crashDir)/kexec-dmesg.log", "kdump: saving vmcore-dmesg.txt complete\n")
    SyslogTestFiles.write(root + "/var/crash/\(crashDir)/vmcore", [0x7F, 0x45, 0x4C, 0x46, 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0])
    return (root, path)
  }
}

@Suite struct KernelDumpTests {
  static func analyze(_ paths: [String], zone: String = "UTC", host: String? = nil) -> AnalysisResult {
    Analyzer.run(AnalysisOptions(paths: paths, ingest: IngestOptions(year: 2025, timeZone: zone), host: host))
  }

  @Test func dmesgLinesParse() {
    func parse(_ s: String) -> (Int64, String)? {
      Array(s.utf8).withBytes { b in KernelDump.parseLine(b).map { ($0.0, $0.1.string) } }
    }
    #expect(parse("[ 5459.998901] Kernel panic - not syncing: x")! == (5_459_998_901, "Kernel panic - not syncing: x"))
    #expect(parse("<0>[    0.000000] Linux version 6.1")! == (0, "Linux version 6.1"))
    #expect(parse("[   12.5] short fraction")! == (12_500_000, "short fraction"))
    #expect(parse("[  301.123456][    T1] caller id")! == (301_123_456, "caller id"))
    #expect(parse("[  301.123456] [  C2] caller id after a space")! == (301_123_456, "caller id after a space"))
    #expect(parse("Panic#1 Part1") == nil)
    #expect(parse("Mar  1 07:30:10 db1 kernel: [ 5.1] x") == nil)
    #expect(parse("[abc] x") == nil)
    #expect(parse("[ 12] no fraction") == nil)
  }

  @Test func captureTimesFromKdumpNames() {
    typealias C = KernelDump.CivilStamp
    #expect(KernelDump.captureStamp(path: "/x/var/crash/127.0.0.1-2025-03-01-07:31:02/vmcore-dmesg.txt")
      == C(year: 2025, month: 3, day: 1, hour: 7, minute: 31, second: 2))
    #expect(KernelDump.captureStamp(path: "/x/var/crash/2025-03-01-07:31/vmcore-dmesg.txt")
      == C(year: 2025, month: 3, day: 1, hour: 7, minute: 31, second: 0))
    #expect(KernelDump.captureStamp(path: "/x/var/crash/202503010731/dmesg.202503010731")
      == C(year: 2025, month: 3, day: 1, hour: 7, minute: 31, second: 0))
    #expect(KernelDump.captureStamp(path: "/x/pstore/dmesg-efi-171234") == nil)
    #expect(KernelDump.captureStamp(path: "/x/var/crash/127.0.0.1-2025-13-01-07:31:02/vmcore-dmesg.txt") == nil)
  }

  @Test func dumpNamesAndTheBootTimeDmesg() {
    #expect(KernelDump.isDumpName(path: "/c/vmcore-dmesg.txt", name: "vmcore-dmesg.txt"))
    #expect(KernelDump.isDumpName(path: "/c/dmesg.202503010731", name: "dmesg.202503010731"))
    #expect(KernelDump.isDumpName(path: "/sys/fs/pstore/dmesg-ramoops-0", name: "dmesg-ramoops-0"))
    #expect(KernelDump.isDumpName(path: "/var/lib/systemd/pstore/1711/dmesg.txt", name: "dmesg.txt"))
    // The ring buffer saved at boot and its rotations are not dumps.
    for n in ["dmesg", "dmesg.0", "dmesg.1.gz", "dmesg.txt"] { #expect(!KernelDump.isDumpName(path: "/var/log/" + n, name: n)) }
  }

  /// Without the dump the boot reads as a power loss; with it, as the kernel panic it was, with the dump's line.
  @Test func kdumpTurnsAPowerLossIntoTheKernelPanic() throws {
    let (root, dumpPath) = KernelDumpFixture.tree()
    let r = Self.analyze([root])
    let boots = try #require(r.hosts.first?.boots)
    #expect(boots.map(\.ending) == [.kernelPanic, .running])
    #expect(boots[0].confidence == 0.95)
    let panic = try #require(boots[0].evidence.first { $0.kind == .kernelPanic })
    #expect(r.inputs[Int(panic.location.input)].path == dumpPath)
    #expect(panic.location.line == 5)
    #expect(panic.message == "Kernel panic - not syncing: sysrq triggered crash")
    // 06:00:00 + 5459.998901 s.
    #expect(panic.time == CivilTime.parseISO(Array("2025-03-01T07:30:59.998901Z".utf8).withBytes { $0 })!.time)
    #expect(r.incidents.first?.cause == .kernelPanic)
    let input = try #require(r.inputs.first { $0.path == dumpPath })
    #expect(input.kind == .kernelDump)
    #expect(input.host == "db1")
    #expect(input.warnings.isEmpty)
    // kdump's own log and its memory image are listed, not warned about.
    #expect(r.inputs.filter { $0.kind == .skipped }.allSatisfy { $0.warnings.isEmpty })
    #expect(r.inputs.filter { $0.kind == .skipped }.count == 2)

    // The same logs without the dump: a power loss.
    try FileManager.default.removeItem(atPath: dumpPath)
    #expect(Self.analyze([root]).hosts.first?.boots.map(\.ending) == [.powerLoss, .running])
  }

  /// The capture time decides when the banner is gone from the ring buffer; read in the analysis zone.
  @Test func withoutBannerTheCaptureTimeDecides() throws {
    let (root, _) = KernelDumpFixture.tree(dump: KernelDumpFixture.dump(banner: nil))
    #expect(Self.analyze([root]).hosts.first?.boots.map(\.ending) == [.kernelPanic, .running])
    // The folder says 07:31:02 local: in UTC+2 that is 05:31:02 UTC, before the boot's last record — and the
    // uptime still places the panic at 07:30:59, between the boots.
    let shifted = Self.analyze([root], zone: "Etc/GMT-2")
    #expect(shifted.hosts.first?.boots.first?.ending == .kernelPanic)
  }

  /// Another kernel's dump, or one whose time fits no boot, changes nothing and says so.
  @Test func aDumpThatFitsNoBootIsPutOnNone() throws {
    let other = KernelDumpFixture.banner.replacingOccurrences(of: "5.14.0-362.8.1", with: "5.14.0-284.11.1")
    let (root, dumpPath) = KernelDumpFixture.tree(dump: KernelDumpFixture.dump(banner: other))
    let r = Self.analyze([root])
    #expect(r.hosts.first?.boots.map(\.ending) == [.powerLoss, .running])
    let input = try #require(r.inputs.first { $0.path == dumpPath })
    #expect(input.warnings.contains { $0.contains("fits no boot of db1") })

    // Same kernel, but an uptime that puts the panic inside the second boot, and a capture time an hour on.
    let (root2, dump2) = KernelDumpFixture.tree(
      dump: KernelDumpFixture.dump(panicUptime: "9000.000000"), crashDir: "127.0.0.1-2025-03-01-09:00:00")
    let r2 = Self.analyze([root2])
    #expect(r2.hosts.first?.boots.map(\.ending) == [.powerLoss, .running])
    #expect(r2.inputs.first { $0.path == dump2 }?.warnings.contains { $0.contains("fits 2 boots") || $0.contains("fits no boot") } == true)
  }

  /// A dump from a crash before the logs begin (kept in /var/crash for months) changes nothing and is no warning:
  /// its capture date rules out the boot its uptime alone would fit.
  @Test func aDumpOlderThanTheLogsIsLeftAlone() throws {
    let (root, dumpPath) = KernelDumpFixture.tree(crashDir: "127.0.0.1-2025-01-15-07:31:02")
    let r = Self.analyze([root])
    #expect(r.hosts.first?.boots.map(\.ending) == [.powerLoss, .running])
    #expect(r.inputs.first { $0.path == dumpPath }?.warnings == [])
  }

  /// A dateless syslog whose year was inferred one off (copied files take the copy's time): the capture date, a
  /// year away, does not rule the boot out.
  @Test func aSyslogYearOneOffStillMatches() throws {
    let (root, _) = KernelDumpFixture.tree()
    let r = Analyzer.run(AnalysisOptions(paths: [root], ingest: IngestOptions(year: 2026, timeZone: "UTC")))
    #expect(r.hosts.first?.boots.map(\.ending) == [.kernelPanic, .running])
  }

  /// Two boots that ran equally long before a power loss both fit the panic's uptime: the capture time decides,
  /// and without one the dump is put on neither.
  @Test func theCaptureTimeBreaksATie() throws {
    var lines = KernelDumpFixture.messages().split(separator: "\n").map(String.init)
    // The second boot (07:32:40) also dies after 5,460 s, without a dump; a third starts at 09:05:20.
    for k in 1...88 { lines.append("\(KernelDumpFixture.stamp(7 * 3600 + 32 * 60 + 40 + 60 * k)) db1 crond[2210]: tick") }
    lines.append("\(KernelDumpFixture.stamp(9 * 3600 + 5 * 60 + 20)) db1 kernel: \(KernelDumpFixture.banner)")
    let messages = lines.joined(separator: "\n") + "\n"
    let (root, _) = KernelDumpFixture.tree(messages: messages)
    #expect(Self.analyze([root]).hosts.first?.boots.map(\.ending) == [.kernelPanic, .powerLoss, .running])
    let (root2, dump2) = KernelDumpFixture.tree(messages: messages, crashDir: "crash")
    let r2 = Self.analyze([root2])
    #expect(r2.hosts.first?.boots.map(\.ending) == [.powerLoss, .powerLoss, .running])
    #expect(r2.inputs.first { $0.path == dump2 }?.warnings.contains { $0.contains("fits 2 boots of db1") } == true)
  }

  /// A cloud console's output saved as text (`aws ec2 get-console-output`): one kernel after another, CRLF line ends,
  /// service status lines between the kernel's. The first kernel's panic decides the first boot; the second kernel,
  /// still running, changes nothing.
  @Test func consoleOutputWithTwoKernels() throws {
    let root = SyslogTestFiles.tempDir()
    SyslogTestFiles.write(root + "/messages", KernelDumpFixture.messages())
    let first = KernelDumpFixture.dump().split(separator: "\n").map(String.init)
    let console = first + [
      "[  OK  ] Reached target Shutdown.", "",
      "[    0.000000] \(KernelDumpFixture.banner)",
      "[    0.000000] Command line: BOOT_IMAGE=(hd0,gpt2)/vmlinuz root=/dev/mapper/rhel-root ro",
      "\u{1B}[0;32m  OK  \u{1B}[0m] Started sshd.service - OpenSSH server daemon.",
      "[   12.000000] cloud-init[812]: Cloud-init v. 23.4 finished",
    ]
    let path = root + "/console-output-i-0123456789abcdef0.txt"
    SyslogTestFiles.write(path, console.joined(separator: "\r\n") + "\r\n")
    let r = Self.analyze([root])
    let boots = try #require(r.hosts.first?.boots)
    #expect(boots.map(\.ending) == [.kernelPanic, .running])
    let panic = try #require(boots[0].evidence.first { $0.kind == .kernelPanic })
    #expect(panic.message == "Kernel panic - not syncing: sysrq triggered crash")
    let input = try #require(r.inputs.first { $0.path == path })
    #expect(input.kind == .kernelDump)
    #expect(input.skipped == 2)
    #expect(input.warnings.isEmpty)
  }

  /// db1's syslog (`KernelDumpFixture.messages`) and web2's, which has more lines, in one folder.
  static func twoHostFolder() -> String {
    let root = SyslogTestFiles.tempDir()
    let other = (0..<400).map { "\(KernelDumpFixture.stamp(6 * 3600 + $0 * 20)) web2 crond[77]: (root) CMD (x)" }
    SyslogTestFiles.write(root + "/messages", KernelDumpFixture.messages())
    SyslogTestFiles.write(root + "/web2.log", other.joined(separator: "\n") + "\n")
    return root
  }

  /// Beside two hosts' logs, a console log whose name names one of them is that host's, even when the other host
  /// is the one most seen in the folder.
  @Test func consoleNamedAfterItsHost() throws {
    let root = Self.twoHostFolder()
    let path = root + "/console-db1.txt"
    SyslogTestFiles.write(path, KernelDumpFixture.dump())
    let r = Self.analyze([root])
    #expect(r.hosts.first { $0.name == "db1" }?.boots.map(\.ending) == [.kernelPanic, .running])
    #expect(r.inputs.first { $0.path == path }?.host == "db1")
    // Named after neither: the folder's most seen host (web2) takes it, and it fits none of web2's boots.
    try FileManager.default.moveItem(atPath: path, toPath: root + "/console.txt")
    let r2 = Self.analyze([root])
    #expect(r2.hosts.first { $0.name == "db1" }?.boots.map(\.ending) == [.powerLoss, .running])
    #expect(r2.inputs.first { $0.path == root + "/console.txt" }?.host == "web2")
  }

  /// A console log saved under the instance's ID belongs to the host the host map names for it.
  @Test func consoleNamedAfterItsInstance() throws {
    let root = Self.twoHostFolder()
    let path = root + "/i-0123456789abcdef0.console.txt"
    SyslogTestFiles.write(path, KernelDumpFixture.dump())
    let map = SyslogTestFiles.tempDir() + "/hosts.yaml"
    SyslogTestFiles.write(map, "i-0123456789abcdef0: db1\n")
    let r = Analyzer.run(AnalysisOptions(
      paths: [root], ingest: IngestOptions(year: 2025, timeZone: "UTC"), hostMapPath: map))
    #expect(r.inputs.first { $0.path == path }?.host == "db1")
    #expect(r.hosts.first { $0.name == "db1" }?.boots.map(\.ending) == [.kernelPanic, .running])
  }

  /// `aws ec2 get-console-output > console.json`: the console's text inside JSON, the instance named in it, not in
  /// the file name. It was skipped as unknown text, and db1's panic read as a power loss.
  @Test func consoleOutputAsTheAWSCLIPrintsIt() throws {
    let root = Self.twoHostFolder()
    let text = KernelDumpFixture.dump().replacingOccurrences(of: "\n", with: "\r\n")
    let doc: [String: Any] = ["InstanceId": "i-0123456789abcdef0", "Timestamp": "2025-03-01T07:40:00.000Z", "Output": text]
    let json = try JSONSerialization.data(withJSONObject: doc, options: [.prettyPrinted, .sortedKeys])
    let path = root + "/console.json"
    SyslogTestFiles.write(path, [UInt8](json))
    let map = SyslogTestFiles.tempDir() + "/hosts.yaml"
    SyslogTestFiles.write(map, "i-0123456789abcdef0: db1\n")
    #expect(Discovery.discover(paths: [path], registry: InputRegistry()) == [.kernelDump(path: path)])
    let r = Analyzer.run(AnalysisOptions(
      paths: [root], ingest: IngestOptions(year: 2025, timeZone: "UTC"), hostMapPath: map))
    let input = try #require(r.inputs.first { $0.path == path })
    #expect(input.kind == .kernelDump && input.host == "db1" && input.warnings.isEmpty)
    let boots = try #require(r.hosts.first { $0.name == "db1" }?.boots)
    #expect(boots.map(\.ending) == [.kernelPanic, .running])
    // Evidence points at the file's line that holds the output (sorted keys: InstanceId, Output, Timestamp).
    let panic = try #require(boots[0].evidence.first { $0.kind == .kernelPanic })
    #expect(panic.location.line == 3 && panic.message.hasPrefix("Kernel panic - not syncing"))
    // Other JSON is not console output.
    SyslogTestFiles.write(path, #"{"InstanceId": "i-0123456789abcdef0", "State": "running"}"# + "\n")
    #expect(Discovery.discover(paths: [path], registry: InputRegistry()) != [.kernelDump(path: path)])
  }

  @Test func namesInPaths() {
    #expect(KernelDump.instanceIDs(in: "/x/i-0123456789abcdef0.console.txt") == ["i-0123456789abcdef0"])
    #expect(KernelDump.instanceIDs(in: "/x/i-0123abcd/serial.txt") == ["i-0123abcd"])
    #expect(KernelDump.instanceIDs(in: "/x/api-0123456789abcdef0.txt").isEmpty)
    #expect(KernelDump.pathNames("/x/console-db1.txt", host: "db1"))
    #expect(KernelDump.pathNames("/x/DB1/serial.log", host: "db1"))
    #expect(!KernelDump.pathNames("/x/console-db10.txt", host: "db1"))
    #expect(!KernelDump.pathNames("/db1/logs/console.txt", host: "db1"))
  }

  /// An oops the kernel lived through is not how its boot ended: in a saved `dmesg` that goes on after it, or at the
  /// end of one with no panic line and no next kernel. A lockup at the end of a console's kernel, followed by the
  /// next kernel's banner, is (a watchdog reset).
  @Test func onlyACrashTheKernelDiedOfCounts() throws {
    func kernels(_ lines: [String]) -> [KernelDump] {
      let path = SyslogTestFiles.tempDir() + "/console.txt"
      SyslogTestFiles.write(path, lines.joined(separator: "\n") + "\n")
      let registry = InputRegistry()
      return KernelDump.read(path: path, input: registry.register(path: path, kind: .kernelDump),
        registry: registry, options: IngestOptions())
    }
    let banner = "[    0.000000] \(KernelDumpFixture.banner)"
    let oops = "[  700.000000] BUG: kernel NULL pointer dereference, address: 0000000000000010"
    #expect(kernels([banner, oops, "[ 7300.000000] e1000e: eth0 NIC Link is Up"]).isEmpty)
    #expect(kernels([banner, oops]).isEmpty)
    let lockup = "[ 5000.000000] watchdog: BUG: soft lockup - CPU#1 stuck for 22s! [kworker/1:2:812]"
    let reset = kernels([banner, lockup, "[ 5026.000000] watchdog: BUG: soft lockup - CPU#1 stuck for 48s! [kworker/1:2:812]",
      banner, "[    1.000000] next kernel"])
    #expect(reset.count == 1)
    #expect(reset.first?.decisive?.kind == .watchdog)
    #expect(reset.first?.crashes.first?.uptime == 5_000_000_000)
    // A survived oops, then hours later the panic the kernel died of: only the panic is its crash.
    let died = kernels([banner, oops, "[ 9000.000000] Kernel panic - not syncing: Fatal exception"])
    #expect(died.first?.crashes.map(\.line) == [3])
  }

  /// Xorg's log has printk-like stamps with three decimals: not a kernel log.
  @Test func xorgLogIsNotAKernelLog() {
    let root = SyslogTestFiles.tempDir()
    SyslogTestFiles.write(root + "/Xorg.0.log", """
      [    25.514] (--) Log file renamed from "/var/log/Xorg.pid-1234.log" to "/var/log/Xorg.0.log"
      [    25.516] X.Org X Server 1.21.1.4
      [    25.516] X Protocol Version 11, Revision 0

      """)
    #expect(Discovery.sniff(path: root + "/Xorg.0.log", size: 200) != .kernelDump)
    // Nor is an application's log stamped with Unix times in brackets.
    SyslogTestFiles.write(root + "/app.log", "[1709287200.123456] worker 3 started\n[1709287201.000001] worker 3 idle\n")
    #expect(Discovery.sniff(path: root + "/app.log", size: 80) != .kernelDump)
    // Nor `journalctl -o short-monotonic` output: host and tag after the stamp.
    SyslogTestFiles.write(root + "/monotonic.txt", "[    0.000000] web1 kernel: Linux version 6.1.0-18-amd64 #1 SMP\n"
      + "[    5.123456] web1 systemd[1]: Started ssh.service.\n[   65.000000] web1 CRON[700]: (root) CMD (x)\n")
    #expect(Discovery.sniff(path: root + "/monotonic.txt", size: 150) != .kernelDump)
  }

  /// A boot that ended with a clean shutdown sequence keeps it; the dump is named in a warning.
  @Test func aCleanEndingIsNotOverruled() throws {
    let (root, dumpPath) = KernelDumpFixture.tree(messages: KernelDumpFixture.messages(clean: true))
    let r = Self.analyze([root])
    #expect(r.hosts.first?.boots.map(\.ending) == [.reboot, .running])
    #expect(r.inputs.first { $0.path == dumpPath }?.warnings.contains { $0.contains("keeps its verdict") } == true)
  }

  /// A pstore record (priority prefixes, a `Panic#1 Part1` header) is read the same way.
  @Test func pstoreRecord() throws {
    let root = SyslogTestFiles.tempDir()
    try FileManager.default.createDirectory(atPath: root + "/var/log", withIntermediateDirectories: true)
    try FileManager.default.createDirectory(atPath: root + "/var/lib/systemd/pstore/1740814262", withIntermediateDirectories: true)
    SyslogTestFiles.write(root + "/var/log/messages", KernelDumpFixture.messages())
    let body = KernelDumpFixture.dump().split(separator: "\n").map { "<0>" + $0 }.joined(separator: "\n")
    let path = root + "/var/lib/systemd/pstore/1740814262/dmesg-efi-174081426201001"
    SyslogTestFiles.write(path, "Panic#1 Part1\n" + body + "\n")
    let r = Self.analyze([root])
    #expect(r.hosts.first?.boots.map(\.ending) == [.kernelPanic, .running])
    #expect(r.inputs.first { $0.path == path }?.skipped == 1)
  }

  /// A journal-only host (no syslog: Fedora, Debian 12): the banner comes from the journal's kernel entries. As a
  /// binary journal and as an export stream, whose input names no host (its entries do): a dump in such a folder
  /// belongs to the only host there is.
  @Test(.enabled(if: JournalFixture.isAvailable, "needs systemd-journal-remote"), arguments: [true, false])
  func journalBootAndDump(binary: Bool) throws {
    let dir = try JournalFixture.temporaryDirectory()
    let s: Int64 = 1_000_000
    let t0 = JournalTestEntry.t0
    let banner = "Linux version 6.1.0-18-amd64 (debian-kernel@lists.debian.org) (gcc-12 (Debian 12.2.0-14) 12.2.0) #1 SMP"
    func kernel(_ boot: String, _ time: Int64, _ mono: Int64, _ m: String) -> JournalTestEntry {
      JournalTestEntry.entry(boot, JournalTestEntry.machineA, host: "gamma", time: time, mono: mono, message: m,
        ident: "kernel", comm: "kernel", transport: "kernel")
    }
    func app(_ boot: String, _ time: Int64, _ mono: Int64, _ m: String) -> JournalTestEntry {
      JournalTestEntry.entry(boot, JournalTestEntry.machineA, host: "gamma", time: time, mono: mono, message: m)
    }
    let b1 = JournalTestEntry.bootA1, b2 = JournalTestEntry.bootA2
    var entries = [kernel(b1, t0, 0, banner)]
    for k in 1...29 { entries.append(app(b1, t0 + Int64(k) * 60 * s, Int64(k) * 60 * s, "tick \(k)")) }
    entries.append(kernel(b2, t0 + 1900 * s, 0, banner))
    entries.append(app(b2, t0 + 1960 * s, 60 * s, "tick after"))
    if binary {
      _ = try JournalFixture.build(exportBytes: JournalTestEntry.export(entries), in: dir, name: "system.journal")
    } else {
      SyslogTestFiles.write(dir.path + "/journal.export", JournalTestEntry.export(entries))
    }
    // Panic at uptime 1800 s: after the last entry (1740 s), before the next boot (1900 s).
    let dump = KernelDumpFixture.dump(banner: banner, panicUptime: "1800.000000")
    let dumpPath = dir.path + "/vmcore-dmesg.txt"
    SyslogTestFiles.write(dumpPath, dump)
    let r = Self.analyze([dir.path])
    let boots = try #require(r.hosts.first?.boots)
    #expect(boots.map(\.ending) == [.kernelPanic, .running])
    #expect(boots[0].evidence.contains { $0.kind == .kernelPanic && $0.time == t0 + 1800 * s })
    #expect(r.inputs.first { $0.path == dumpPath }?.host == "gamma")
  }
}


/// What else sits in /var/crash: apport's reports of programs' crashes are listed without a warning.
@Suite struct CrashFolderTests {
  @Test func apportReportIsKnownAndAKernelOneIsNot() {
    let dir = SyslogTestFiles.tempDir()
    SyslogTestFiles.write(dir + "/_usr_sbin_mysqld.117.crash", """
      ProblemType: Crash
      Architecture: amd64
      Date: Tue Jun 18 02:14:37 2025
      ExecutablePath: /usr/sbin/mysqld

      """)
    #expect(Discovery.sniff(path: dir + "/_usr_sbin_mysqld.117.crash", size: 100)
      == .ignore("apport crash report: a program's crash, not how a boot ended"))
    SyslogTestFiles.write(dir + "/linux-image-6.8.0-31-generic-202506180214.crash", "ProblemType: KernelCrash\nDate: x\n")
    #expect(Discovery.sniff(path: dir + "/linux-image-6.8.0-31-generic-202506180214.crash", size: 40)
      == .skip("text not recognised as syslog or a journal export"))
    // Beside kdump-tools' folder of the same capture, apport's kernel report and the saved kexec command are known.
    try? FileManager.default.createDirectory(atPath: dir + "/202506180214", withIntermediateDirectories: true)
    SyslogTestFiles.write(dir + "/202506180214/dmesg.202506180214", KernelDumpFixture.dump())
    #expect(Discovery.sniff(path: dir + "/linux-image-6.8.0-31-generic-202506180214.crash", size: 40)
      == .ignore("apport's report of a kernel crash: the kdump folder 202506180214 beside it is read"))
    SyslogTestFiles.write(dir + "/kexec_cmd", "/sbin/kexec -p --command-line=\"ro reset_devices\" /var/lib/kdump/vmlinuz\n")
    #expect(Discovery.sniff(path: dir + "/kexec_cmd", size: 60) == .ignore("kdump-tools' saved kexec command line"))
  }
}
