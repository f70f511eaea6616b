import Foundation
import Testing

@testable import FlatlineCore

#if canImport(Glibc)
  import Glibc
#endif

/// `flatline tail` as a real process on real files and journals: rotation, kill -9 and restart, heartbeat
/// evidence, source errors, journal follow. Each test waits for events with timeouts (a few seconds at most).
@Suite(.serialized) struct TailTests {
  /// A running `flatline tail`.
  final class Daemon {
    let process = Process()
    let output: URL
    let stateDir: URL
    let stderr: URL

    init(
      _ paths: [String], dir: URL, extra: [String] = [], environment: [String: String] = [:], stdin: Pipe? = nil
    ) throws {
      output = dir.appendingPathComponent("events.ndjson")
      stateDir = dir.appendingPathComponent("state")
      stderr = dir.appendingPathComponent("stderr-\(UUID().uuidString)")
      _ = FileManager.default.createFile(atPath: stderr.path, contents: nil)
      process.executableURL = CLI.binary
      process.arguments =
        ["tail"] + paths + ["--state-dir", stateDir.path, "--output", output.path, "--heartbeat", "1"] + extra
      var env = ProcessInfo.processInfo.environment
      env["TZ"] = "UTC"
      env.removeValue(forKey: "NOTIFY_SOCKET")
      env.removeValue(forKey: "WATCHDOG_USEC")
      env.merge(environment) { _, new in new }
      process.environment = env
      process.standardOutput = FileHandle.nullDevice
      process.standardError = try FileHandle(forWritingTo: stderr)
      if let stdin { process.standardInput = stdin }
      try process.run()
    }

    func kill9() {
      kill(process.processIdentifier, SIGKILL)
      process.waitUntilExit()
    }

    /// SIGTERM; returns the exit status and how long the stop took.
    @discardableResult
    func terminate() -> (status: Int32, seconds: Double) {
      let start = Date()
      kill(process.processIdentifier, SIGTERM)
      process.waitUntilExit()
      return (process.terminationStatus, Date().timeIntervalSince(start))
    }

    deinit {
      if process.isRunning { kill9() }
    }
  }

  // MARK: - Helpers

  static func events(_ url: URL) -> [[String: Any]] {
    guard let data = try? Data(contentsOf: url) else { return [] }
    return String(decoding: data, as: UTF8.self).split(separator: "\n").compactMap {
      try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any]
    }
  }

  static func logEvents(_ url: URL) -> [[String: Any]] {
    events(url).filter { ($0["type"] as? String) != "heartbeat" }
  }

  /// Polls `body` until it is true (every 50 ms), at most `seconds`.
  @discardableResult
  static func wait(_ seconds: Double = 8, _ body: () -> Bool) -> Bool {
    let deadline = Date().addingTimeInterval(seconds)
    while Date() < deadline {
      if body() { return true }
      usleep(50_000)
    }
    return body()
  }

  static func count(_ url: URL, type: String) -> Int {
    events(url).filter { ($0["type"] as? String) == type }.count
  }

  static func append(_ url: URL, _ lines: [String]) throws {
    if !FileManager.default.fileExists(atPath: url.path) {
      _ = FileManager.default.createFile(atPath: url.path, contents: nil)
    }
    let h = try FileHandle(forWritingTo: url)
    h.seekToEndOfFile()
    h.write(Data((lines.joined(separator: "\n") + "\n").utf8))
    try h.close()
  }

  static func stamp(_ t: Int64) -> String { CivilTime.rfc3339(t * 1_000_000) }

  static let rsyslog = "[origin software=\"rsyslogd\" swVersion=\"8.2112.0\" x-pid=\"624\" x-info=\"https://www.rsyslog.com\"]"

  /// The first lines of a boot at `t` (seconds): rsyslog start, kernel banner, a service.
  static func bootLines(_ t: Int64, host: String = "tailhost") -> [String] {
    [
      "\(stamp(t)) \(host) rsyslogd: \(rsyslog) start",
      "\(stamp(t)) \(host) kernel: [    0.000000] Linux version 5.15.0-102-generic (buildd@lcy02-amd64-106) "
        + "(gcc (Ubuntu 11.4.0-1ubuntu1~22.04) 11.4.0, GNU ld (GNU Binutils for Ubuntu) 2.38) #112-Ubuntu SMP",
      "\(stamp(t + 1)) \(host) kernel: [    3.512000] EXT4-fs (sda1): mounted filesystem with ordered data mode.",
      "\(stamp(t + 2)) \(host) systemd[1]: Started ssh.service - OpenBSD Secure Shell server.",
    ]
  }

  /// A clean reboot sequence at `t`.
  static func rebootLines(_ t: Int64, host: String = "tailhost") -> [String] {
    [
      "\(stamp(t)) \(host) systemd-logind[581]: System is rebooting.",
      "\(stamp(t)) \(host) systemd[1]: Stopping rsyslog.service - System Logging Service...",
      "\(stamp(t + 1)) \(host) rsyslogd: \(rsyslog) exiting on signal 15.",
    ]
  }

  static func activity(_ t: Int64, _ text: String, host: String = "tailhost") -> String {
    "\(stamp(t)) \(host) cron[900]: (root) CMD (\(text))"
  }

  /// Keys of `type` events, in output order.
  static func keys(_ events: [[String: Any]], _ type: String) -> [String] {
    events.filter { ($0["type"] as? String) == type }.compactMap { $0["key"] as? String }
  }

  static func assertNoDuplicates(_ events: [[String: Any]], sourceLocation: Testing.SourceLocation = #_sourceLocation) {
    let all = events.filter { !["heartbeat", "source-error"].contains($0["type"] as? String ?? "") }
      .compactMap { $0["key"] as? String }
    #expect(Set(all).count == all.count, "duplicate events: \(all)", sourceLocation: sourceLocation)
  }

  static func schemaErrors(_ output: URL) throws -> String? {
    let script = """
      import json, sys
      from jsonschema import Draft202012Validator
      from referencing import Registry, Resource
      d = sys.argv[1]
      report = json.load(open(d + "/report.schema.json")); event = json.load(open(d + "/event.schema.json"))
      reg = Registry().with_resources([
        ("https://flatline.invalid/schema/report.schema.json", Resource.from_contents(report)),
        ("https://flatline.invalid/schema/event.schema.json", Resource.from_contents(event))])
      v = Draft202012Validator(event, registry=reg)
      bad = []
      for n, line in enumerate(open(sys.argv[2]), 1):
        if line.strip():
          bad += [f"line {n}: {list(e.path)}: {e.message[:200]}" for e in v.iter_errors(json.loads(line))]
      print("\\n".join(bad[:10])); sys.exit(1 if bad else 0)
      """
    return try CLI.python(script, [CLI.packageRoot.appendingPathComponent("docs/schema").path, output.path])
  }

  static func run(_ args: [String]) throws -> Int32 {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = args
    p.standardOutput = FileHandle.nullDevice
    p.standardError = FileHandle.nullDevice
    try p.run()
    p.waitUntilExit()
    return p.terminationStatus
  }

  // MARK: - Tests

  @Test func followsAppendsAndRotationsExactlyOnceInOrder() throws {
    let dir = try CLI.tempDir()
    defer { try? FileManager.default.removeItem(at: dir) }
    let log = dir.appendingPathComponent("syslog")
    let metrics = dir.appendingPathComponent("flatline.prom")
    let t0: Int64 = 1_717_000_000
    try Self.append(log, Self.bootLines(t0))
    let d = try Daemon([log.path], dir: dir, extra: ["--metrics-file", metrics.path])
    #expect(Self.wait { Self.count(d.output, type: "boot-started") == 1 })

    // A clean reboot, then boot 2.
    try Self.append(log, [Self.activity(t0 + 100, "a")] + Self.rebootLines(t0 + 200) + Self.bootLines(t0 + 230))
    #expect(Self.wait { Self.count(d.output, type: "boot-started") == 2 })

    // Rename-and-create: the writer still appends to the old file (before its HUP), then to the new one.
    try FileManager.default.moveItem(at: log, to: dir.appendingPathComponent("syslog.1"))
    try Self.append(dir.appendingPathComponent("syslog.1"), [
      "\(Self.stamp(t0 + 300)) tailhost kernel: [  70.000000] blk_update_request: I/O error, dev sda, sector 4242 op 0x1:(WRITE) flags 0x800 phys_seg 1 prio class 0"
    ])
    try Self.append(log, [Self.activity(t0 + 310, "b")] + Self.bootLines(t0 + 400))  // power loss: no shutdown
    #expect(Self.wait { Self.count(d.output, type: "boot-started") == 3 })

    // copytruncate, with the older file gzipped: lines written before the truncation are read once.
    try FileManager.default.moveItem(
      at: dir.appendingPathComponent("syslog.1"), to: dir.appendingPathComponent("syslog.2"))
    #expect(try Self.run(["gzip", dir.appendingPathComponent("syslog.2").path]) == 0)
    try Self.append(log, Self.rebootLines(t0 + 500))
    try FileManager.default.copyItem(at: log, to: dir.appendingPathComponent("syslog.1"))
    #expect(truncate(log.path, 0) == 0)
    try Self.append(log, Self.bootLines(t0 + 600))
    #expect(Self.wait { Self.count(d.output, type: "boot-started") == 4 })
    let (status, seconds) = d.terminate()
    #expect(status == 0)
    #expect(seconds < 1.5)

    let events = Self.logEvents(d.output)
    Self.assertNoDuplicates(events)
    let endings = events.filter { ($0["type"] as? String) == "boot-ended" }.compactMap { $0["ending"] as? String }
    #expect(endings == ["reboot", "power-loss", "reboot"])
    let starts = events.filter { ($0["type"] as? String) == "boot-started" }.compactMap { $0["time"] as? String }
    #expect(starts == [t0, t0 + 230, t0 + 400, t0 + 600].map(Self.stamp(_:)))
    // In order: each boot ends before the next starts.
    let order = events.compactMap { e -> String? in
      guard let t = e["type"] as? String, t.hasPrefix("boot-") else { return nil }
      return t
    }
    #expect(order == ["boot-started", "boot-ended", "boot-started", "boot-ended", "boot-started", "boot-ended", "boot-started"])
    // The line written to the renamed file before the writer reopened is read once. Depending on when the daemon
    // woke, it was first reported as a finding (before the next boot showed the power loss) and then as the
    // incident's storage event, or only as the latter — never twice as the same kind of event.
    let lines = ((try? String(contentsOf: d.output, encoding: .utf8)) ?? "").split(separator: "\n")
      .filter { $0.contains("sector 4242") }
    let asFinding = lines.filter { $0.contains("\"type\":\"finding\"") }.count
    let asIncident = lines.filter { $0.contains("\"status\":\"opened\"") }.count
    #expect(asFinding <= 1 && asIncident == 1, "finding \(asFinding), incident opened \(asIncident)")
    #expect(Self.count(d.output, type: "incident") >= 1)
    #expect(Self.count(d.output, type: "heartbeat") >= 1)
    let prom = (try? String(contentsOf: metrics, encoding: .utf8)) ?? ""
    #expect(prom.contains("flatline_boots{host=\"tailhost\",ending=\"power-loss\"} 1"))
    #expect(prom.contains("flatline_unclean_endings{host=\"tailhost\",ending=\"power-loss\"} 1"))
    #expect(prom.contains("flatline_incidents{host=\"tailhost\",cause=\"power-loss\"} 1"))
    #expect(prom.contains("flatline_tail_events_emitted_total"))
    if CLI.hasJSONSchemaValidator {
      let errors = try Self.schemaErrors(d.output)
      #expect(errors == nil, "\(errors ?? "")")
    }
  }

  /// rsyslog restarted and re-read /dev/kmsg: its replay of the kernel's buffer comes in several writes, and the
  /// daemon may wake between them, with the replayed banner read and the line that shows it is a replay not yet
  /// written. Until a minute after that banner nothing is reported: the running boot was reported as ended by a
  /// power loss, and events cannot be taken back. Afterwards the replay is taken back and no boot ended.
  @Test func ringBufferReplayInSeveralWritesEndsNoBoot() throws {
    let dir = try CLI.tempDir()
    defer { try? FileManager.default.removeItem(at: dir) }
    let log = dir.appendingPathComponent("syslog")
    let now = Int64(Date().timeIntervalSince1970)
    let usb = "kernel: [ 3600.250000] usb 1-1: new high-speed USB device number 3 using xhci_hcd"
    try Self.append(
      log, Self.bootLines(now - 7200) + ["\(Self.stamp(now - 3600)) tailhost \(usb)", Self.activity(now - 100, "a")])
    let d = try Daemon([log.path], dir: dir)
    #expect(Self.wait { Self.count(d.output, type: "boot-started") == 1 })
    // The replay's first write, stamped when read (the window ends 8 s from now).
    let t = now - 52
    try Self.append(log, [
      "\(Self.stamp(t)) tailhost rsyslogd: \(Self.rsyslog) exiting on signal 15.",
      "\(Self.stamp(t)) tailhost rsyslogd: \(Self.rsyslog) start",
    ] + Self.bootLines(t).dropFirst().prefix(2))
    usleep(1_500_000)
    #expect(Self.count(d.output, type: "boot-ended") == 0)
    try Self.append(log, ["\(Self.stamp(t)) tailhost \(usb)", Self.activity(t + 1, "b")])
    // Past the window the state is reported: still one boot.
    #expect(Self.wait(20) { Self.count(d.output, type: "heartbeat") > 0 && Int64(Date().timeIntervalSince1970) > t + 62 })
    usleep(1_500_000)
    #expect(d.terminate().status == 0)
    #expect(Self.count(d.output, type: "boot-started") == 1)
    #expect(Self.count(d.output, type: "boot-ended") == 0)
    #expect(Self.count(d.output, type: "incident") == 0)
  }

  /// A datagram socket standing in for systemd's notify socket (what `Type=notify` services talk to).
  final class NotifySocket {
    let fd: Int32
    let path: String

    init(path: String) throws {
      self.path = path
      fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
      guard fd >= 0 else { throw POSIXError(.EIO) }
      var addr = sockaddr_un()
      addr.sun_family = sa_family_t(AF_UNIX)
      withUnsafeMutableBytes(of: &addr.sun_path) { raw in
        for (i, b) in path.utf8.prefix(raw.count - 1).enumerated() { raw[i] = b }
      }
      let ok = withUnsafePointer(to: &addr) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
      }
      guard ok == 0 else { throw POSIXError(.EADDRINUSE) }
      _ = fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK)
    }

    /// Every datagram received so far.
    func messages() -> [String] {
      var out: [String] = []
      var buf = [UInt8](repeating: 0, count: 4096)
      while true {
        let n = buf.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if n <= 0 { break }
        out.append(String(decoding: buf[0..<n], as: UTF8.self))
      }
      return out
    }

    deinit {
      close(fd)
      unlink(path)
    }
  }

  /// Under systemd (`Type=notify`, `WatchdogSec=`): READY=1 once the history is read, WATCHDOG=1 pings at half the
  /// watchdog interval, STOPPING=1 on SIGTERM. Idle, the daemon sleeps: it uses almost no CPU.
  @Test func notifiesSystemdAndSleepsWhenIdle() throws {
    let dir = try CLI.tempDir()
    defer { try? FileManager.default.removeItem(at: dir) }
    let log = dir.appendingPathComponent("syslog")
    try Self.append(log, Self.bootLines(1_717_200_000))
    let sock = try NotifySocket(path: dir.appendingPathComponent("notify").path)
    let d = try Daemon([log.path], dir: dir, extra: ["--heartbeat", "60"],
      environment: ["NOTIFY_SOCKET": sock.path, "WATCHDOG_USEC": "400000"])
    var got: [String] = []
    #expect(Self.wait {
      got += sock.messages()
      return got.contains { $0.contains("READY=1") } && got.filter { $0.contains("WATCHDOG=1") }.count >= 2
    }, "notify messages: \(got)")
    #expect(Self.count(d.output, type: "boot-started") == 1)
    // Idle for two seconds (no writes): CPU time stays near zero (no busy polling).
    func cpuTicks() -> Int {
      guard let stat = try? String(contentsOfFile: "/proc/\(d.process.processIdentifier)/stat", encoding: .utf8),
        let close = stat.lastIndex(of: ")")
      else { return -1 }
      let fields = stat[stat.index(after: close)...].split(separator: " ")
      return (Int(fields[11]) ?? 0) + (Int(fields[12]) ?? 0)  // utime + stime, clock ticks
    }
    let before = cpuTicks()
    usleep(2_000_000)
    let used = cpuTicks() - before
    #expect(before >= 0 && used <= Int(sysconf(Int32(_SC_CLK_TCK))) / 5, "idle CPU ticks in 2 s: \(used)")
    #expect(d.terminate().status == 0)
    got += sock.messages()
    #expect(got.contains { $0.contains("STOPPING=1") }, "\(got)")
  }

  /// Following a directory follows its syslog files only, recognised as `analyze` recognises them: dpkg's log and
  /// cloud-init's own log make no hosts of their own.
  @Test func directoryFollowsOnlyItsSyslogFiles() throws {
    let dir = try CLI.tempDir()
    defer { try? FileManager.default.removeItem(at: dir) }
    let logs = dir.appendingPathComponent("log")
    try FileManager.default.createDirectory(at: logs, withIntermediateDirectories: true)
    try Self.append(logs.appendingPathComponent("syslog"), Self.bootLines(1_717_300_000))
    try Self.append(logs.appendingPathComponent("dpkg.log"), [
      "2024-06-02 10:15:01 startup archives unpack", "2024-06-02 10:15:02 status installed libc6:amd64 2.35-0ubuntu3.8",
    ])
    try Self.append(logs.appendingPathComponent("cloud-init.log"), [
      "2024-06-02 10:15:01,880 - util.py[DEBUG]: Cloud-init v. 23.4.4 running 'init-local' at Sun, 02 Jun 2024 10:15:01 +0000.",
    ])
    let d = try Daemon([logs.path], dir: dir)
    #expect(Self.wait { Self.count(d.output, type: "boot-started") == 1 })
    #expect(Self.wait { Self.count(d.output, type: "heartbeat") >= 1 })
    d.terminate()
    let hosts = Set(Self.logEvents(d.output).compactMap { $0["host"] as? String })
    #expect(hosts == ["tailhost"], "\(hosts)")
  }

  /// A log named by its day (a central log server's `hosts/web1/2024-06-02.log`, syslog-ng's `$YEAR-$MONTH-$DAY`): when the
  /// next day's file appears the daemon moves to it, reads it from its first line, and still reads what is written
  /// late to the old one — each line once, in the same stream (a clean reboot across midnight stays clean).
  @Test func movesToTheNextDaysFile() throws {
    let dir = try CLI.tempDir()
    defer { try? FileManager.default.removeItem(at: dir) }
    let logs = dir.appendingPathComponent("web1")
    try FileManager.default.createDirectory(at: logs, withIntermediateDirectories: true)
    let t0: Int64 = 1_717_286_000  // 2024-06-01 23:53:20 UTC
    let day1 = logs.appendingPathComponent("2024-06-01.log")
    try Self.append(day1, Self.bootLines(t0))
    let d = try Daemon([logs.path], dir: dir)
    #expect(Self.wait { Self.count(d.output, type: "boot-started") == 1 })
    try Self.append(day1, [Self.activity(t0 + 100, "late evening")] + Self.rebootLines(t0 + 390))
    let day2 = logs.appendingPathComponent("2024-06-02.log")
    try Self.append(day2, Self.bootLines(t0 + 420) + [Self.activity(t0 + 500, "after midnight")])
    #expect(Self.wait { Self.count(d.output, type: "boot-started") == 2 })
    // A writer that had not reopened yet.
    try Self.append(day1, [Self.activity(t0 + 395, "written late to yesterday's file")])
    try Self.append(day2, [Self.activity(t0 + 600, "later")])
    #expect(Self.wait { Self.count(d.output, type: "heartbeat") >= 2 })
    d.terminate()
    let events = Self.logEvents(d.output)
    Self.assertNoDuplicates(events)
    let endings = events.filter { ($0["type"] as? String) == "boot-ended" }.compactMap { $0["ending"] as? String }
    #expect(endings == ["reboot"])
    let starts = events.filter { ($0["type"] as? String) == "boot-started" }.compactMap { $0["time"] as? String }
    #expect(starts == [t0, t0 + 420].map(Self.stamp(_:)))
  }

  /// After a kdump reboot the daemon starts with the dump already saved: the boot that panicked is reported as a
  /// kernel panic, not as the power loss its syslog alone shows.
  @Test func kernelDumpFoundAtStartDecidesTheEnding() throws {
    let dir = try CLI.tempDir()
    defer { try? FileManager.default.removeItem(at: dir) }
    let logs = dir.appendingPathComponent("log")
    let crash = logs.appendingPathComponent("crash/127.0.0.1-2024-06-02-10:00:00")
    try FileManager.default.createDirectory(at: crash, withIntermediateDirectories: true)
    let t0: Int64 = 1_717_300_000
    try Self.append(logs.appendingPathComponent("syslog"),
      Self.bootLines(t0) + [Self.activity(t0 + 100, "a")] + Self.bootLines(t0 + 600))
    let banner = "Linux version 5.15.0-102-generic (buildd@lcy02-amd64-106) (gcc (Ubuntu 11.4.0-1ubuntu1~22.04) 11.4.0, "
      + "GNU ld (GNU Binutils for Ubuntu) 2.38) #112-Ubuntu SMP"
    try Self.append(crash.appendingPathComponent("vmcore-dmesg.txt"), [
      "[    0.000000] \(banner)", "[  499.900000] BUG: kernel NULL pointer dereference, address: 0000000000000008",
      "[  500.000000] Kernel panic - not syncing: Fatal exception",
    ])
    let d = try Daemon([logs.path], dir: dir)
    #expect(Self.wait { Self.count(d.output, type: "boot-started") == 2 })
    #expect(Self.wait { Self.count(d.output, type: "heartbeat") >= 1 })
    d.terminate()
    let endings = Self.logEvents(d.output).filter { ($0["type"] as? String) == "boot-ended" }
      .compactMap { $0["ending"] as? String }
    #expect(endings == ["kernel-panic"])
  }

  /// A file whose last lines are a boot's first second (kern.log until its next kernel line): what it held of that
  /// second, the boot's filesystem recovery among it, was never applied, and the boot before was reported ended
  /// without it — less sure than `analyze` on the same files. A stream quiet for 10 s now gives up what it holds.
  @Test func quietFilesLastSecondCountsAsInAnalyze() throws {
    let dir = try CLI.tempDir()
    defer { try? FileManager.default.removeItem(at: dir) }
    let t0: Int64 = 1_717_300_000
    let syslog = dir.appendingPathComponent("syslog")
    let kern = dir.appendingPathComponent("kern.log")
    try Self.append(syslog, [
      "\(Self.stamp(t0)) tailhost rsyslogd: \(Self.rsyslog) start", Self.activity(t0 + 100, "a"),
      Self.activity(t0 + 500, "b"), "\(Self.stamp(t0 + 600)) tailhost rsyslogd: \(Self.rsyslog) start",
      Self.activity(t0 + 700, "c"),
    ])
    let banner = "Linux version 5.15.0-102-generic (buildd@lcy02-amd64-106) (gcc) #112-Ubuntu SMP"
    try Self.append(kern, [
      "\(Self.stamp(t0)) tailhost kernel: [    0.000000] \(banner)",
      "\(Self.stamp(t0 + 600)) tailhost kernel: [    0.000000] \(banner)",
      "\(Self.stamp(t0 + 600)) tailhost kernel: [    1.200000] EXT4-fs (sda1): recovery complete",
    ])
    let analyzed = try CLI.run(["analyze", syslog.path, kern.path, "-o", "json", "--timezone", "UTC"])
    let batch = CLI.boots(try CLI.json(analyzed.stdout))
    #expect(batch.first?["ending"] as? String == "power-loss")
    let d = try Daemon([syslog.path, kern.path], dir: dir)
    #expect(Self.wait { Self.count(d.output, type: "boot-ended") == 1 })
    d.terminate()
    let ended = Self.logEvents(d.output).filter { ($0["type"] as? String) == "boot-ended" }
    let boot = ended.first?["boot"] as? [String: Any]
    #expect(boot?["confidence"] as? Double == batch.first?["confidence"] as? Double)
    let kinds = (boot?["evidence"] as? [[String: Any]] ?? []).compactMap { $0["kind"] as? String }
    #expect(kinds.contains("filesystem-recovery"), "\(kinds)")
  }

  /// An EC2 host lost to a host failure: its syslog, MongoDB's log (which names no host) and AWS's notice naming the
  /// instance, which cloud-init's log ties to the host (or `--host-map` does). `tail` put neither the notice nor
  /// MongoDB's lines on the host: its incident read `power-loss` without the provider's word or the datastore's
  /// recovery, where `analyze` on the same files says `host-failure`: it read MongoDB's and cloud-init's logs as
  /// syslog (every line skipped), and a followed folder left them out. Now both read and place them the same way.
  @Test(arguments: ["files", "mapped", "folder"]) func noticesAndHostlessLogsArePlacedAsInAnalyze(mode: String) throws {
    let mapped = mode == "mapped"
    let dir = try CLI.tempDir()
    defer { try? FileManager.default.removeItem(at: dir) }
    let sample = CLI.packageRoot.appendingPathComponent("SampleLogs/incident-ec2-power-loss")
    let logs = dir.appendingPathComponent("log")
    try FileManager.default.createDirectory(
      at: logs.appendingPathComponent("mongodb"), withIntermediateDirectories: true)
    var files = ["syslog", "mongodb/mongod.log"]
    if !mapped { files.append("cloud-init.log") }
    for f in files {
      try FileManager.default.copyItem(at: sample.appendingPathComponent(f), to: logs.appendingPathComponent(f))
    }
    let paths = mode == "folder" ? [logs.path] : files.map { logs.appendingPathComponent($0).path }
    var extra = ["--notices", sample.appendingPathComponent("aws-health-event.json").path, "--year", "2024",
      "--timezone", "UTC"]
    if mapped {
      let map = dir.appendingPathComponent("hosts.txt")
      try "i-0a3c5e7f9b1d2e4f6 ip-10-0-3-17\n".write(to: map, atomically: true, encoding: .utf8)
      extra += ["--host-map", map.path]
    }
    let analyzed = try CLI.run(["analyze"] + paths + extra + ["-o", "json"])
    let batch = try #require((try CLI.json(analyzed.stdout)["incidents"] as? [[String: Any]])?.first)
    #expect(batch["cause"] as? String == "host-failure")
    let d = try Daemon(paths, dir: dir, extra: extra)
    #expect(Self.wait { Self.count(d.output, type: "incident") >= 1 })
    #expect(Self.wait { Self.count(d.output, type: "heartbeat") >= 1 })
    d.terminate()
    let incidents = Self.logEvents(d.output).filter { ($0["type"] as? String) == "incident" }
    let live = try #require(incidents.last?["incident"] as? [String: Any])
    #expect(live["cause"] as? String == batch["cause"] as? String)
    #expect(live["confidence"] as? Double == batch["confidence"] as? Double)
    func sources(_ i: [String: Any], _ key: String) -> [String] {
      (i[key] as? [[String: Any]] ?? []).map { e in
        "\(((e["source"] as? String) ?? "").split(separator: "/").last ?? ""):\(e["line"] as? Int ?? 0)"
      }.sorted()
    }
    #expect(sources(live, "datastoreEvents") == sources(batch, "datastoreEvents"))
    #expect(sources(batch, "datastoreEvents").contains { $0.hasPrefix("mongod.log:") })
    #expect((live["cloudNotices"] as? [Any])?.count == 1)
  }

  /// The provider's notice comes days after the incident: exported into the followed folder then, it was never read
  /// (notices were read at start and at SIGHUP only), and the incident stayed `power-loss` where `analyze` on the
  /// folder says `host-failure`. Now it is read once it has stood still, and the incident is updated with it.
  @Test func aNoticeThatAppearsInAFollowedFolderUpdatesTheIncident() throws {
    let dir = try CLI.tempDir()
    defer { try? FileManager.default.removeItem(at: dir) }
    let sample = CLI.packageRoot.appendingPathComponent("SampleLogs/incident-ec2-power-loss")
    let logs = dir.appendingPathComponent("log")
    try FileManager.default.createDirectory(at: logs, withIntermediateDirectories: true)
    for f in ["syslog", "cloud-init.log"] {
      try FileManager.default.copyItem(at: sample.appendingPathComponent(f), to: logs.appendingPathComponent(f))
    }
    let extra = ["--year", "2024", "--timezone", "UTC"]
    let d = try Daemon([logs.path], dir: dir, extra: extra)
    #expect(Self.wait { Self.count(d.output, type: "incident") >= 1 })
    let before = Self.logEvents(d.output).filter { ($0["type"] as? String) == "incident" }
    #expect((before.last?["incident"] as? [String: Any])?["cause"] as? String == "power-loss")
    try FileManager.default.copyItem(
      at: sample.appendingPathComponent("aws-health-event.json"), to: logs.appendingPathComponent("aws-health-event.json"))
    #expect(Self.wait {
      Self.logEvents(d.output).contains {
        ($0["type"] as? String) == "incident" && ($0["incident"] as? [String: Any])?["cause"] as? String == "host-failure"
      }
    })
    d.terminate()
    let analyzed = try CLI.run(["analyze", logs.path, "-o", "json"] + extra)
    let batch = try #require((try CLI.json(analyzed.stdout)["incidents"] as? [[String: Any]])?.first)
    let live = Self.logEvents(d.output).filter { ($0["type"] as? String) == "incident" }.last?["incident"] as? [String: Any]
    #expect(live?["cause"] as? String == batch["cause"] as? String)
    #expect(live?["confidence"] as? Double == batch["confidence"] as? Double)
    #expect((live?["cloudNotices"] as? [Any])?.count == 1)
    #expect(Self.count(d.output, type: "notice") == 1)
  }

  /// A followed directory took its logs once, at start: a syslog file that appeared in it later was never read,
  /// and a directory with nothing in it yet was followed in silence. Now the daemon says so at start, follows a log
  /// that appears (from its beginning), and a rotation there does not start a second follower of the same set.
  @Test func aLogThatAppearsInAFollowedDirectoryIsFollowed() throws {
    let dir = try CLI.tempDir()
    defer { try? FileManager.default.removeItem(at: dir) }
    let logs = dir.appendingPathComponent("log")
    try FileManager.default.createDirectory(at: logs, withIntermediateDirectories: true)
    let d = try Daemon([logs.path], dir: dir)
    #expect(Self.wait { Self.count(d.output, type: "heartbeat") >= 1 })
    let t0 = TailService.now() / 1_000_000 - 7200
    let syslog = logs.appendingPathComponent("syslog")
    // A boot, its power loss (no shutdown), and the next boot.
    try Self.append(syslog, Self.bootLines(t0) + [Self.activity(t0 + 600, "a")] + Self.bootLines(t0 + 3600))
    #expect(Self.wait { Self.count(d.output, type: "boot-ended") == 1 })
    // Rotated by rename-and-create: the set is followed once, so nothing is read twice.
    try FileManager.default.moveItem(at: syslog, to: logs.appendingPathComponent("syslog.1"))
    try Self.append(syslog, [Self.activity(t0 + 3700, "b")] + Self.rebootLines(t0 + 3800) + Self.bootLines(t0 + 3900))
    #expect(Self.wait { Self.count(d.output, type: "boot-ended") == 2 })
    Thread.sleep(forTimeInterval: 1.5)
    d.terminate()
    let ended = Self.logEvents(d.output).filter { ($0["type"] as? String) == "boot-ended" }
    #expect(ended.map { $0["ending"] as? String } == ["power-loss", "reboot"])
    #expect(Self.count(d.output, type: "boot-started") == 3)
    let stderr = (try? String(contentsOf: d.stderr, encoding: .utf8)) ?? ""
    #expect(stderr.contains("\(logs.path): no log to follow in it or its subfolders yet"), "\(stderr)")
  }

  /// A followed folder gives tail what it gives analyze, on every scenario of SampleLogs: its logs in subfolders (a
  /// copied tree's `var/log/messages`), journal dumps, notices, dumps. Tail took the syslog files at the folder's top
  /// only (datastore logs one folder down), no journal export and no notices: on 12 of the 17 scenarios its boot
  /// endings or incidents differed (no boot at all, or a power loss where analyze names the provider's host failure).
  @Test(arguments: ScenarioTests.scenarios)
  func aFollowedFolderGivesWhatAnalyzeGives(_ scenario: String) throws {
    let dir = try CLI.tempDir()
    defer { try? FileManager.default.removeItem(at: dir) }
    let folder = CLI.packageRoot.appendingPathComponent("SampleLogs/\(scenario)").path
    let extra = ["--timezone", "UTC"] + ScenarioTests.args(scenario)
    let analyzed = try CLI.json(try CLI.run(["analyze", folder, "-o", "json"] + extra).stdout)
    func incident(_ i: [String: Any]) -> String {
      "\(i["host"] ?? "") \(i["cause"] ?? "") \(i["confidence"] ?? "") \((i["datastoreEvents"] as? [Any])?.count ?? 0) "
        + "\((i["cloudNotices"] as? [Any])?.count ?? 0)"
    }
    let batchEnded = (analyzed["hosts"] as? [[String: Any]] ?? []).flatMap { h in
      (h["boots"] as? [[String: Any]] ?? []).filter { ($0["ending"] as? String) != "running" }.map {
        "\(h["name"] ?? "") \($0["ending"] ?? "") \($0["confidence"] ?? "")"
      }
    }.sorted()
    let batchIncidents = (analyzed["incidents"] as? [[String: Any]] ?? []).map(incident).sorted()
    let d = try Daemon([folder], dir: dir, extra: extra)
    #expect(Self.wait { Self.count(d.output, type: "heartbeat") >= 1 })
    d.terminate()
    let events = Self.logEvents(d.output)
    let ended = events.filter { ($0["type"] as? String) == "boot-ended" }.map { e in
      "\(e["host"] ?? "") \(e["ending"] ?? "") \((e["boot"] as? [String: Any])?["confidence"] ?? "")"
    }.sorted()
    // An incident's last update is the one analyze reports.
    var incidents: [String: String] = [:]
    for e in events where (e["type"] as? String) == "incident" {
      if let i = e["incident"] as? [String: Any] { incidents["\(i["host"] ?? "") \(i["bootId"] ?? "")"] = incident(i) }
    }
    #expect(ended == batchEnded)
    #expect(incidents.values.sorted() == batchIncidents)
  }

  /// A serial console's log of a panic, named by the instance (`i-0….txt`), in a folder that holds two hosts' logs:
  /// `analyze` puts the panic on the host the instance maps to. Tail read its dumps before any log, so it knew no
  /// host for it ("no host's logs in this folder tree") and reported that boot's end as a power loss.
  @Test func aDumpIsPlacedAsAnalyzePlacesIt() throws {
    let dir = try CLI.tempDir()
    defer { try? FileManager.default.removeItem(at: dir) }
    let logs = dir.appendingPathComponent("logs")
    try FileManager.default.createDirectory(at: logs, withIntermediateDirectories: true)
    let sample = CLI.packageRoot.appendingPathComponent("SampleLogs/gce-serial-console-panic")
    try FileManager.default.copyItem(
      at: sample.appendingPathComponent("journal.export"), to: logs.appendingPathComponent("journal.export"))
    try FileManager.default.copyItem(
      at: sample.appendingPathComponent("serial-port-1.txt"),
      to: logs.appendingPathComponent("i-0123456789abcdef0-serial-port-1.txt"))
    let t0 = TailService.now() / 1_000_000 - 7200
    try Self.append(logs.appendingPathComponent("syslog"), Self.bootLines(t0, host: "other") + Self.bootLines(t0 + 60, host: "other"))
    let map = dir.appendingPathComponent("map.txt")
    try "i-0123456789abcdef0 api-7\n".write(to: map, atomically: true, encoding: .utf8)
    let extra = ["--timezone", "UTC", "--host-map", map.path]
    let analyzed = try CLI.json(try CLI.run(["analyze", logs.path, "-o", "json"] + extra).stdout)
    let batch = (analyzed["hosts"] as? [[String: Any]] ?? []).first { ($0["name"] as? String) == "api-7" }
    let batchEnded = (batch?["boots"] as? [[String: Any]] ?? []).compactMap { $0["ending"] as? String }
    #expect(batchEnded.contains("kernel-panic"))
    let d = try Daemon([logs.path], dir: dir, extra: extra)
    #expect(Self.wait { Self.count(d.output, type: "heartbeat") >= 1 })
    d.terminate()
    let ended = Self.logEvents(d.output).filter { ($0["type"] as? String) == "boot-ended" && ($0["host"] as? String) == "api-7" }
    #expect(ended.compactMap { $0["ending"] as? String } == batchEnded.filter { $0 != "running" })
  }

  /// `flatline tail --format text --output /var/log/flatline.log` puts its events among the logs: `analyze` (and a
  /// tail following that folder) read them as syslog lines of the host named there, and the daemon's heartbeats
  /// became the host's last sign of life. Its events, text or NDJSON, and its state files are now known and left out.
  @Test(arguments: ["text", "ndjson"]) func tailsOwnFilesAreNotLogs(format: String) throws {
    let dir = try CLI.tempDir()
    defer { try? FileManager.default.removeItem(at: dir) }
    let t0 = TailService.now() / 1_000_000 - 7200
    try Self.append(
      dir.appendingPathComponent("syslog"),
      Self.bootLines(t0) + [Self.activity(t0 + 600, "a")] + Self.bootLines(t0 + 3600))
    // The output and the state directory are in the followed folder (`Daemon` puts them in `dir`).
    let d = try Daemon([dir.path], dir: dir, extra: ["--format", format])
    #expect(Self.wait { (try? String(contentsOf: d.output, encoding: .utf8))?.components(separatedBy: "heartbeat").count ?? 0 > 3 })
    d.terminate()
    let text = try String(contentsOf: d.output, encoding: .utf8)
    #expect(!text.contains(" finding ") && !text.contains("\"type\":\"finding\""))
    let analyzed = try CLI.json(try CLI.run(["analyze", dir.path, "-o", "json", "--timezone", "UTC"]).stdout)
    let hosts = (analyzed["hosts"] as? [[String: Any]] ?? []).map {
      "\($0["name"] ?? "") aliases: \(($0["aliases"] as? [Any])?.count ?? 0)"
    }
    #expect(hosts == ["tailhost aliases: 0"], "\(hosts)")
    let last = CLI.boots(analyzed).last?["lastSignOfLife"] as? String
    #expect(last == CivilTime.rfc3339((t0 + 3602) * 1_000_000), "\(String(describing: last))")
    let skipped = (analyzed["inputs"] as? [[String: Any]] ?? []).compactMap { $0["skipReason"] as? String }
    #expect(skipped.contains { $0.hasPrefix("flatline tail's events") }, "\(skipped)")
  }

  /// Every followed log keeps its file open: a folder tree with more logs than the soft limit on open files (1024 by
  /// default; 64 here) gave "cannot open: too many open files" and no checkpoint. The daemon raises the soft limit
  /// to the hard one.
  @Test func moreLogsThanTheSoftOpenFileLimit() throws {
    let dir = try CLI.tempDir()
    defer { try? FileManager.default.removeItem(at: dir) }
    let logs = dir.appendingPathComponent("remote")
    let t0 = TailService.now() / 1_000_000 - 7200
    for k in 0..<100 {
      let host = "h\(k)"
      let folder = logs.appendingPathComponent(host)
      try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
      try Self.append(
        folder.appendingPathComponent("syslog"),
        Self.bootLines(t0, host: host) + [Self.activity(t0 + 600, "a", host: host)] + Self.bootLines(t0 + 3600, host: host))
    }
    let output = dir.appendingPathComponent("events.ndjson")
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/bin/sh")
    p.arguments = [
      "-c", "ulimit -Sn 64 && exec \"$0\" tail \"$1\" --state-dir \"$2\" --output \"$3\" --heartbeat 1",
      CLI.binary.path, logs.path, dir.appendingPathComponent("state").path, output.path,
    ]
    p.standardError = FileHandle.nullDevice
    try p.run()
    #expect(Self.wait(20) { Self.count(output, type: "heartbeat") >= 1 })
    kill(p.processIdentifier, SIGTERM)
    p.waitUntilExit()
    #expect(Self.count(output, type: "boot-ended") == 100)
    #expect(Self.count(output, type: "source-error") == 0)
  }

  /// A followed folder of kdump's dumps is not said to have nothing to follow: its dumps are read at start (the
  /// warning of a directory with no log in it yet took no account of them).
  @Test func aDumpFolderIsNotEmpty() throws {
    let dir = try CLI.tempDir()
    defer { try? FileManager.default.removeItem(at: dir) }
    let sample = CLI.packageRoot.appendingPathComponent("SampleLogs/rhel-kdump-panic/var")
    let d = try Daemon(
      [sample.appendingPathComponent("log").path, sample.appendingPathComponent("crash").path], dir: dir,
      extra: ["--year", "2025", "--timezone", "UTC"])
    #expect(Self.wait { Self.count(d.output, type: "boot-ended") >= 1 })
    d.terminate()
    let ended = Self.logEvents(d.output).filter { ($0["type"] as? String) == "boot-ended" }
    #expect(ended.map { $0["ending"] as? String } == ["kernel-panic"])
    let stderr = (try? String(contentsOf: d.stderr, encoding: .utf8)) ?? ""
    #expect(!stderr.contains("no log to follow"), "\(stderr)")
  }

  /// `tail -` follows standard input (`ssh web1 tail -F /var/log/syslog | flatline tail -`); it was taken for a file
  /// named `-` that never appeared, and nothing was read. At the end of the stream the daemon goes on, idle.
  @Test func standardInputIsFollowed() throws {
    let dir = try CLI.tempDir()
    defer { try? FileManager.default.removeItem(at: dir) }
    let pipe = Pipe()
    let d = try Daemon(["-"], dir: dir, stdin: pipe)
    let t0 = TailService.now() / 1_000_000 - 7200
    func send(_ lines: [String]) { pipe.fileHandleForWriting.write(Data((lines.joined(separator: "\n") + "\n").utf8)) }
    send(Self.bootLines(t0) + [Self.activity(t0 + 600, "a")])
    #expect(Self.wait { Self.count(d.output, type: "boot-started") == 1 })
    // The next boot's first line arrives in two writes.
    let next = Self.bootLines(t0 + 3600)
    pipe.fileHandleForWriting.write(Data(next[0].prefix(20).utf8))
    Thread.sleep(forTimeInterval: 0.3)
    pipe.fileHandleForWriting.write(Data((next[0].dropFirst(20) + "\n").utf8))
    send(Array(next.dropFirst()))
    #expect(Self.wait { Self.count(d.output, type: "boot-ended") == 1 })
    try pipe.fileHandleForWriting.close()
    Thread.sleep(forTimeInterval: 2)
    // Idle after the end of the stream: no loop on the pipe's end.
    let stat = (try? String(contentsOfFile: "/proc/\(d.process.processIdentifier)/stat", encoding: .utf8)) ?? ""
    let fields = stat.split(separator: ")").last?.split(separator: " ") ?? []
    let ticks = fields.count > 12 ? (Int(fields[11]) ?? 0) + (Int(fields[12]) ?? 0) : -1
    #expect(ticks >= 0 && ticks < 100, "CPU ticks after the end of input: \(ticks)")
    #expect(d.terminate().status == 0)
    let ended = Self.logEvents(d.output).filter { ($0["type"] as? String) == "boot-ended" }
    #expect(ended.first?["ending"] as? String == "power-loss")
    let evidence = (ended.first?["boot"] as? [String: Any])?["evidence"] as? [[String: Any]] ?? []
    #expect(evidence.map { "\($0["source"] ?? ""):\($0["line"] ?? "")" } == ["-:5", "-:6"], "\(evidence)")
  }

  /// `journalctl -f -o json | flatline tail -` (over ssh, say), or `-o export`: a journal dump keeps its boot IDs
  /// and is read as `analyze` reads it, a whole entry at a time.
  @Test(arguments: ["json", "export"]) func journalStreamOnStandardInput(format: String) throws {
    let dir = try CLI.tempDir()
    defer { try? FileManager.default.removeItem(at: dir) }
    let exportURL = CLI.packageRoot.appendingPathComponent("SampleLogs/clean-reboot/journal.export")
    let export = try String(contentsOf: exportURL, encoding: .utf8)
    var text = export
    if format == "json" {
      // The sample has text fields only: each entry's NAME=value lines become one JSON object.
      text = export.components(separatedBy: "\n\n").compactMap { entry -> String? in
        var object: [String: String] = [:]
        for line in entry.split(separator: "\n") {
          guard let eq = line.firstIndex(of: "=") else { continue }
          object[String(line[..<eq])] = String(line[line.index(after: eq)...])
        }
        guard !object.isEmpty, let data = try? JSONSerialization.data(withJSONObject: object) else { return nil }
        return String(decoding: data, as: UTF8.self)
      }.joined(separator: "\n") + "\n"
    }
    let pipe = Pipe()
    let d = try Daemon(["-"], dir: dir, stdin: pipe)
    pipe.fileHandleForWriting.write(Data(text.utf8))
    #expect(Self.wait { Self.count(d.output, type: "boot-ended") == 1 })
    d.terminate()
    let analyzed = try CLI.json(try CLI.run(["analyze", exportURL.path, "-o", "json"]).stdout)
    let ended = Self.logEvents(d.output).filter { ($0["type"] as? String) == "boot-ended" }
    #expect(ended.map { $0["bootId"] as? String } == [CLI.boots(analyzed).first?["id"] as? String])
    #expect(ended.map { $0["ending"] as? String } == ["reboot"])
    #expect(Self.count(d.output, type: "source-error") == 0)
  }

  /// A named pipe given as a path is followed as standard input is (`flatline tail <(ssh web1 tail -F …)`), also
  /// when its writer comes after the daemon started, and goes on when a writer closes it.
  @Test func namedPipeIsFollowed() throws {
    let dir = try CLI.tempDir()
    defer { try? FileManager.default.removeItem(at: dir) }
    let fifo = dir.appendingPathComponent("syslog.pipe").path
    #expect(mkfifo(fifo, 0o600) == 0)
    let d = try Daemon([fifo], dir: dir)
    #expect(Self.wait { Self.count(d.output, type: "heartbeat") >= 1 })
    let t0 = TailService.now() / 1_000_000 - 7200
    func send(_ lines: [String]) throws {
      let h = try #require(FileHandle(forWritingAtPath: fifo))
      h.write(Data((lines.joined(separator: "\n") + "\n").utf8))
      try h.close()
    }
    try send(Self.bootLines(t0) + [Self.activity(t0 + 600, "a")])
    #expect(Self.wait { Self.count(d.output, type: "boot-started") == 1 })
    try send(Self.bootLines(t0 + 3600))
    #expect(Self.wait { Self.count(d.output, type: "boot-ended") == 1 })
    d.terminate()
    let ended = Self.logEvents(d.output).filter { ($0["type"] as? String) == "boot-ended" }
    #expect(ended.first?["ending"] as? String == "power-loss")
  }

  /// Followed live: a new boot's kernel lines arrive in one second, ext4's recovery among them, and the syslog's
  /// start line (it has no kernel lines); then the files go quiet. The boot before was reported ended at once,
  /// before the held lines were applied: `unknown`, without the evidence. Now the report waits until the files have
  /// been quiet for 10 s.
  @Test(arguments: [true, false]) func liveBootEndWaitsForTheNewBootsFirstSecond(recovery: Bool) throws {
    let dir = try CLI.tempDir()
    defer { try? FileManager.default.removeItem(at: dir) }
    let now = TailService.now() / 1_000_000
    let t0 = now - 3600
    let syslog = dir.appendingPathComponent("syslog")
    let kern = dir.appendingPathComponent("kern.log")
    let banner = "Linux version 5.15.0-102-generic (buildd@lcy02-amd64-106) (gcc) #112-Ubuntu SMP"
    try Self.append(syslog, ["\(Self.stamp(t0)) tailhost rsyslogd: \(Self.rsyslog) start", Self.activity(t0 + 100, "a")])
    try Self.append(kern, ["\(Self.stamp(t0)) tailhost kernel: [    0.000000] \(banner)"])
    let d = try Daemon([syslog.path, kern.path], dir: dir)
    #expect(Self.wait { Self.count(d.output, type: "heartbeat") >= 1 })
    let t1 = TailService.now() / 1_000_000
    // Without the recovery line, what is held is the syslog's start line, which begins the boot there.
    try Self.append(kern, ["\(Self.stamp(t1)) tailhost kernel: [    0.000000] \(banner)"]
      + (recovery ? ["\(Self.stamp(t1)) tailhost kernel: [    1.200000] EXT4-fs (sda1): recovery complete"] : []))
    try Self.append(syslog, ["\(Self.stamp(t1)) tailhost rsyslogd: \(Self.rsyslog) start"])
    #expect(Self.wait(20) { Self.count(d.output, type: "boot-ended") == 1 })
    d.terminate()
    let ended = Self.logEvents(d.output).filter { ($0["type"] as? String) == "boot-ended" }
    let boot = ended.first?["boot"] as? [String: Any]
    #expect(boot?["ending"] as? String == "power-loss")
    let kinds = (boot?["evidence"] as? [[String: Any]] ?? []).compactMap { $0["kind"] as? String }
    #expect(kinds.contains("filesystem-recovery") == recovery, "\(kinds)")
  }

  @Test func fileThatAppearsLaterAndSighupReopensOutput() throws {
    let dir = try CLI.tempDir()
    defer { try? FileManager.default.removeItem(at: dir) }
    let log = dir.appendingPathComponent("messages")
    let t0: Int64 = 1_717_100_000
    let d = try Daemon([log.path], dir: dir)
    #expect(Self.wait { Self.count(d.output, type: "heartbeat") >= 1 })
    try Self.append(log, Self.bootLines(t0))
    #expect(Self.wait { Self.count(d.output, type: "boot-started") == 1 })
    // logrotate moves the event file away and sends SIGHUP: events go to a new file.
    let moved = dir.appendingPathComponent("events.ndjson.1")
    try FileManager.default.moveItem(at: d.output, to: moved)
    kill(d.process.processIdentifier, SIGHUP)
    #expect(Self.wait { FileManager.default.fileExists(atPath: d.output.path) })
    try Self.append(log, Self.rebootLines(t0 + 50) + Self.bootLines(t0 + 80))
    #expect(Self.wait { Self.count(d.output, type: "boot-started") == 1 && Self.count(d.output, type: "boot-ended") == 1 })
    d.terminate()
    #expect(Self.count(moved, type: "boot-started") == 1)
    #expect(Self.keys(Self.events(d.output), "boot-started") == ["boot-started|tailhost|\((t0 + 80) * 1_000_000)"])
  }

  @Test func exactlyOnceAcrossKill9AndALostCheckpoint() throws {
    let dir = try CLI.tempDir()
    defer { try? FileManager.default.removeItem(at: dir) }
    let log = dir.appendingPathComponent("syslog")
    let t0: Int64 = 1_717_200_000
    try Self.append(log, Self.bootLines(t0))
    var d = try Daemon([log.path], dir: dir)
    #expect(Self.wait { Self.count(d.output, type: "boot-started") == 1 })
    let checkpoint = d.stateDir.appendingPathComponent("checkpoint")
    #expect(Self.wait { ((try? String(contentsOf: checkpoint, encoding: .utf8)) ?? "").contains(" boot-started|") })
    let early = try Data(contentsOf: checkpoint)
    d.kill9()
    try Self.append(log, Self.rebootLines(t0 + 100) + Self.bootLines(t0 + 130))
    d = try Daemon([log.path], dir: dir)
    #expect(Self.wait { Self.count(d.output, type: "boot-started") == 2 })
    d.kill9()
    // The crash hit between the output's fsync and the checkpoint: the checkpoint is the older one.
    try early.write(to: checkpoint)
    try Self.append(log, [Self.activity(t0 + 140, "x")] + Self.bootLines(t0 + 300))
    d = try Daemon([log.path], dir: dir)
    #expect(Self.wait { Self.count(d.output, type: "boot-started") == 3 })
    d.kill9()
    let beats = Self.count(d.output, type: "heartbeat")
    d = try Daemon([log.path], dir: dir)
    // The restarted daemon is up (it wrote a heartbeat) and has had its chance to repeat something.
    #expect(Self.wait(10) { Self.count(d.output, type: "heartbeat") > beats })
    d.terminate()
    let events = Self.logEvents(d.output)
    Self.assertNoDuplicates(events)
    #expect(Self.keys(events, "boot-started").count == 3)
    #expect(Self.keys(events, "boot-ended").count == 2)
  }

  @Test func heartbeatBecomesEvidenceOnlyAfterAnUncleanStop() throws {
    let dir = try CLI.tempDir()
    defer { try? FileManager.default.removeItem(at: dir) }
    let log = dir.appendingPathComponent("syslog")
    let now = Int64(Date().timeIntervalSince1970)
    try Self.append(log, Self.bootLines(now - 60))
    // Clean stop: no evidence.
    var d = try Daemon([log.path], dir: dir)
    #expect(Self.wait { Self.count(d.output, type: "heartbeat") >= 1 })
    #expect(d.terminate().status == 0)
    try Self.append(log, Self.bootLines(now - 30))
    d = try Daemon([log.path], dir: dir)
    #expect(Self.wait { Self.count(d.output, type: "boot-ended") == 1 })
    // Now it dies (kill -9) after a heartbeat; the host "comes back" later.
    #expect(Self.wait { Self.count(d.output, type: "heartbeat") >= 3 })
    d.kill9()
    let hb = try String(contentsOf: d.stateDir.appendingPathComponent("heartbeat"), encoding: .utf8)
    let hbMicros = Int64(hb.split(separator: " ").first ?? "") ?? 0
    #expect(hbMicros > (now - 5) * 1_000_000)
    try Self.append(log, Self.bootLines(now + 200))
    d = try Daemon([log.path], dir: dir)
    #expect(Self.wait { Self.count(d.output, type: "boot-ended") == 2 })
    d.terminate()
    let ended = Self.events(d.output).filter { ($0["type"] as? String) == "boot-ended" }
    func heartbeatEvidence(_ e: [String: Any]) -> [[String: Any]] {
      let boot = e["boot"] as? [String: Any] ?? [:]
      return (boot["evidence"] as? [[String: Any]] ?? []).filter { ($0["kind"] as? String) == "daemon-heartbeat" }
    }
    #expect(heartbeatEvidence(ended[0]).isEmpty)
    let evidence = heartbeatEvidence(ended[1])
    #expect(evidence.count == 1)
    #expect(evidence.first?["time"] as? String == CivilTime.rfc3339(hbMicros))
    // The heartbeat bounds the time of death: it is the boot's last sign of life (the logs stop earlier).
    #expect((ended[1]["boot"] as? [String: Any])?["lastSignOfLife"] as? String == CivilTime.rfc3339(hbMicros))
  }

  @Test func unreadableSourceGivesSourceErrorAndOthersGoOn() throws {
    let dir = try CLI.tempDir()
    defer { try? FileManager.default.removeItem(at: dir) }
    let a = dir.appendingPathComponent("a.log")
    let b = dir.appendingPathComponent("b.log")
    let t0: Int64 = 1_717_300_000
    try Self.append(a, Self.bootLines(t0, host: "hosta"))
    try Self.append(b, Self.bootLines(t0, host: "hostb"))
    let d = try Daemon([a.path, b.path], dir: dir)
    #expect(Self.wait { Self.count(d.output, type: "boot-started") == 2 })
    // a.log is replaced by something that cannot be read as a log.
    try FileManager.default.removeItem(at: a)
    try FileManager.default.createDirectory(at: a, withIntermediateDirectories: false)
    try Self.append(b, Self.rebootLines(t0 + 50, host: "hostb") + Self.bootLines(t0 + 80, host: "hostb"))
    #expect(Self.wait { Self.count(d.output, type: "source-error") >= 1 && Self.count(d.output, type: "boot-started") == 3 })
    #expect(d.process.isRunning)
    d.terminate()
    let errors = Self.events(d.output).filter { ($0["type"] as? String) == "source-error" }
    #expect(errors.first?["source"] as? String == a.path)
    #expect(errors.count == 1)
  }

  @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/lib/systemd/systemd-journal-remote")))
  func followsAJournalWrittenWhileItRuns() throws {
    let dir = try CLI.tempDir()
    defer { try? FileManager.default.removeItem(at: dir) }
    let journalDir = dir.appendingPathComponent("journal")
    try FileManager.default.createDirectory(at: journalDir, withIntermediateDirectories: true)
    let file = journalDir.appendingPathComponent("system.journal")
    let bootA = "a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1"
    let bootB = "b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2"
    let t0: Int64 = 1_717_400_000_000_000
    func entry(_ t: Int64, _ boot: String, mono: Int64, _ ident: String, pid: Int, _ message: String, kernel: Bool = false)
      -> String
    {
      var s = "__REALTIME_TIMESTAMP=\(t)\n__MONOTONIC_TIMESTAMP=\(mono)\n_BOOT_ID=\(boot)\n"
      s += "_MACHINE_ID=c0ffeec0ffeec0ffeec0ffeec0ffee00\n_HOSTNAME=jhost\nSYSLOG_IDENTIFIER=\(ident)\n_PID=\(pid)\n"
      if kernel { s += "_TRANSPORT=kernel\n_SOURCE_MONOTONIC_TIMESTAMP=0\n" }
      return s + "MESSAGE=\(message)\n\n"
    }
    func write(_ export: String) throws {
      let src = dir.appendingPathComponent("in-\(UUID().uuidString).export")
      try export.write(to: src, atomically: true, encoding: .utf8)
      #expect(
        try Self.run([
          "/lib/systemd/systemd-journal-remote", "--output=\(file.path)", "--split-mode=none", src.path,
        ]) == 0)
    }
    try write(
      entry(t0, bootA, mono: 0, "kernel", pid: 0, "Linux version 6.1.0-18-amd64 (debian-kernel@lists.debian.org)", kernel: true)
        + entry(t0 + 1_000_000, bootA, mono: 1_000_000, "systemd-journald", pid: 200, "Journal started")
        + entry(t0 + 2_000_000, bootA, mono: 2_000_000, "systemd", pid: 1, "Started ssh.service - OpenBSD Secure Shell server."))
    let d = try Daemon([journalDir.path], dir: dir)
    #expect(Self.wait { Self.count(d.output, type: "boot-started") == 1 })
    try write(
      entry(t0 + 60_000_000, bootA, mono: 60_000_000, "systemd", pid: 1, "Started cron.service - Regular background program processing daemon.")
        + entry(t0 + 900_000_000, bootB, mono: 0, "kernel", pid: 0, "Linux version 6.1.0-18-amd64 (debian-kernel@lists.debian.org)", kernel: true)
        + entry(t0 + 901_000_000, bootB, mono: 1_000_000, "systemd-journald", pid: 200, "Journal started"))
    #expect(Self.wait { Self.count(d.output, type: "boot-started") == 2 && Self.count(d.output, type: "boot-ended") == 1 })
    d.terminate()
    let events = Self.logEvents(d.output)
    Self.assertNoDuplicates(events)
    let ended = events.first { ($0["type"] as? String) == "boot-ended" }
    #expect(ended?["bootId"] as? String == bootA)
    let boot = ended?["boot"] as? [String: Any]
    #expect(boot?["lastSignOfLife"] as? String == CivilTime.rfc3339(t0 + 60_000_000))
    let started = events.filter { ($0["type"] as? String) == "boot-started" }.compactMap { $0["bootId"] as? String }
    #expect(started == [bootA, bootB])
    #expect(events.first { ($0["type"] as? String) == "boot-started" }?["host"] as? String == "jhost")
  }

  @Test func checkpointRoundTrip() {
    var c = TailCheckpoint()
    c.outputPath = "/var/log/flatline/events with space.ndjson"
    c.outputInode = 42
    c.outputOffset = 1234
    c.files = [.init(path: "/var/log/sys log", device: 1, inode: 2, offset: 3)]
    c.journals = ["system journal": "s=abc;i=1"]
    c.deaths = [.init(host: "web 1", lastHeartbeat: 99)]
    c.add(key: "boot-ended|web 1|5", time: 5)
    c.add(key: "finding|x|y|1|ab", time: nil)
    #expect(TailCheckpoint(parsing: c.serialized()) == c)
    #expect(TailCheckpoint(parsing: "garbage") == nil)
  }

  /// Keys are bounded: the oldest are dropped and the horizon moves to their latest time, so a rebuild from the
  /// whole history does not write those events again.
  @Test func prunedKeysMoveTheHorizon() {
    var c = TailCheckpoint()
    for t in 1...5 { c.add(key: "finding|h|r|\(t)|x", time: Int64(t) * 10) }
    c.prune(limit: 3)
    #expect(c.keys == ["finding|h|r|3|x", "finding|h|r|4|x", "finding|h|r|5|x"])
    #expect(c.horizon == 20)
    #expect(TailCheckpoint(parsing: c.serialized()) == c)
  }
}
