import Foundation
import Testing

@testable import FlatlineCore

/// A line for the engine: time as "MM-DD hh:mm:ss" in 2024 (UTC), host, program, message.
struct L {
  var time: String
  var host = "web1"
  var tag: String
  var msg: String
  var uptime: Double? = nil
  var nul = 0
  var boot = ""
  var machine = ""
  var messageID = ""
  var unit = ""
  var pid: Int32 = 0

  var micros: Int64 {
    let p = time.split(whereSeparator: { $0 == "-" || $0 == " " || $0 == ":" }).map { Int($0)! }
    return CivilTime.micros(year: 2024, month: p[0], day: p[1], hour: p[2], minute: p[3], second: p[4])
  }
}

/// Feeds lines to a fresh engine as one stream and returns the analysis result.
func analyze(_ lines: [L], streams: [[L]] = [], gapBefore: Set<Int> = []) -> AnalysisResult {
  let (engine, registry) = feed(lines, streams: streams, gapBefore: gapBefore)
  return Analyzer.result(engine: engine, registry: registry, options: AnalysisOptions(paths: []))
}

/// Feeds lines to a fresh engine as one stream (and more streams) and finishes it.
func feed(_ lines: [L], streams: [[L]] = [], gapBefore: Set<Int> = []) -> (DetectionEngine, InputRegistry) {
  let registry = InputRegistry()
  var engine = DetectionEngine(registry: registry)
  for (si, stream) in ([lines] + streams).enumerated() where !stream.isEmpty {
    let input = registry.register(path: "/var/log/test\(si)", kind: .syslog)
    for (i, l) in stream.enumerated() {
      if gapBefore.contains(i) && si == 0 { engine.note(.dataGap(input: input, reason: "test gap")) }
      let bytes = [l.host, l.tag, l.msg, l.boot, l.machine, l.messageID, l.unit].map { Array($0.utf8) }
      bytes[0].withBytes { h in
        bytes[1].withBytes { t in
          bytes[2].withBytes { m in
            bytes[3].withBytes { b in
              bytes[4].withBytes { mach in
                bytes[5].withBytes { mid in
                  bytes[6].withBytes { u in
                    let r = Record(
                      time: l.micros, input: input, line: i + 1, host: h, identifier: t, pid: l.pid, message: m, messageID: mid,
                      unit: u, bootID: b, machineID: mach, kernelUptime: l.uptime.map { Int64($0 * 1e6) } ?? -1,
                      isKernel: l.tag == "kernel", nulBytesBefore: l.nul)
                    engine.consume(r)
                  }
                }
              }
            }
          }
        }
      }
    }
  }
  engine.finish()
  return (engine, registry)
}

func kernelBoot(_ time: String, host: String = "web1", nul: Int = 0) -> [L] {
  [
    L(time: time, host: host, tag: "kernel", msg: "Booting Linux on physical CPU 0x0", uptime: 0, nul: nul),
    L(time: time, host: host, tag: "kernel", msg: "Linux version 6.1.0-18-amd64 (debian-kernel@lists.debian.org)", uptime: 0),
    L(time: time, host: host, tag: "kernel", msg: "Command line: BOOT_IMAGE=/vmlinuz root=/dev/sda1 ro", uptime: 0),
    L(time: time, host: host, tag: "kernel", msg: "random: crng init done", uptime: 3.2),
  ]
}

let rsyslogStart = "[origin software=\"rsyslogd\" swVersion=\"8.2302.0\" x-pid=\"512\" x-info=\"https://www.rsyslog.com\"] start"
let rsyslogExit = "[origin software=\"rsyslogd\" swVersion=\"8.2302.0\" x-pid=\"512\" x-info=\"https://www.rsyslog.com\"] exiting on signal 15."
let rsyslogHUP = "[origin software=\"rsyslogd\" swVersion=\"8.2302.0\" x-pid=\"512\" x-info=\"https://www.rsyslog.com\"] rsyslogd was HUPed"

/// Ordinary activity from PID 1 (which also shows the stream carries the messages a shutdown writes).
func work(_ time: String, host: String = "web1") -> L {
  L(time: time, host: host, tag: "systemd", msg: "Started Daily apt download activities.", pid: 1)
}

@Suite struct BootSequencerTests {
  /// A line without host goes to the host of the previous record of its own stream, also when records of
  /// another stream came in between (tail mode interleaves followed files; the engine writes a stream's last host
  /// down only when the stream changes).
  @Test func hostlessLineFollowsItsStreamsLastHost() {
    let registry = InputRegistry()
    var engine = DetectionEngine(registry: registry)
    let a = registry.register(path: "/var/log/a", kind: .syslog)
    let b = registry.register(path: "/var/log/b", kind: .syslog)
    #expect(registry.inputs[Int(a)].stream != registry.inputs[Int(b)].stream)
    let lines: [(Int32, String, Int)] = [
      (a, "alpha", 1), (b, "beta", 1), (a, "", 2), (b, "", 2), (a, "gamma", 3), (b, "", 3), (a, "", 4), (a, "", 4),
    ]
    for (k, (input, host, second)) in lines.enumerated() {
      let h = Array(host.utf8)
      let m = Array("line \(k)".utf8)
      let t = Array("app".utf8)
      h.withBytes { hb in
        m.withBytes { mb in
          t.withBytes { tb in
            engine.consume(
              Record(
                time: CivilTime.micros(year: 2024, month: 3, day: 1, hour: 0, minute: 0, second: second), input: input,
                line: k + 1, host: hb, identifier: tb, message: mb))
          }
        }
      }
    }
    engine.finish()
    var records: [String: Int] = [:]
    for s in engine.sequencers { records[s.hostKey, default: 0] += s.boots.reduce(0) { $0 + $1.records } }
    #expect(records == ["alpha": 2, "beta": 3, "gamma": 3])
  }

  @Test func cleanRebootThenRunning() {
    let r = analyze(
      kernelBoot("03-01 10:00:00") + [
        work("03-01 10:05:00"),
        L(time: "03-01 11:00:00", tag: "systemd", msg: "Stopping System Logging Service..."),
        L(time: "03-01 11:00:00", tag: "rsyslogd", msg: rsyslogExit),
        L(time: "03-01 11:00:40", tag: "rsyslogd", msg: rsyslogStart),
      ] + kernelBoot("03-01 11:00:40") + [work("03-01 11:10:00")])
    let boots = r.hosts[0].boots
    #expect(boots.map(\.ending) == [.reboot, .running])
    #expect(boots[0].clean == true)
    #expect(boots[0].downtime == 40_000_000)
    #expect(boots[0].evidence.contains { $0.kind == .shutdownMarker && $0.message.contains("exiting on signal 15") })
    // The rsyslog start line written before the kernel banner opens the new boot, it is not the old one's end.
    #expect(boots[1].evidence.isEmpty || true)
    #expect(boots[0].lastSignOfLife == L(time: "03-01 11:00:00", tag: "", msg: "").micros)
  }

  @Test func noShutdownIsPowerLossWithNULEvidence() {
    let r = analyze(
      kernelBoot("03-01 10:00:00") + [work("03-01 12:00:00")]
        + [L(time: "03-01 12:09:00", tag: "systemd-fsck", msg: "/dev/sda1: recovering journal", nul: 300)]
        + kernelBoot("03-01 12:09:00")
        + [L(time: "03-01 12:09:00", tag: "kernel", msg: "EXT4-fs (sda1): recovery complete", uptime: 4.1)])
    let b = r.hosts[0].boots
    #expect(b.count == 2)
    #expect(b[0].ending == .powerLoss)
    #expect(b[0].clean == false)
    #expect(b[0].lastSignOfLife == L(time: "03-01 12:00:00", tag: "", msg: "").micros)
    #expect(b[0].downtime == Int64(9 * 60) * 1_000_000)
    let kinds = Set(b[0].evidence.map(\.kind))
    #expect(kinds.isSuperset(of: [.lastSignOfLife, .nextBoot, .nulRun, .filesystemRecovery]))
    #expect(b[0].confidence > 0.8)
    #expect(b[1].ending == .running)
    #expect(r.uncleanCount == 1)
  }

  @Test func lateUserspaceLinesOpenTheNewBoot() {
    // rsyslog flushes the new boot's first userspace lines before the kernel ring buffer, same timestamp.
    let r = analyze(
      kernelBoot("03-01 10:00:00") + [work("03-01 11:59:59")] + [
        L(time: "03-01 12:30:00", tag: "rsyslogd", msg: rsyslogStart),
        L(time: "03-01 12:30:00", tag: "systemd", msg: "Started Flush Journal to Persistent Storage."),
        L(time: "03-01 12:30:00", tag: "fake-hwclock", msg: "Fri 01 Mar 12:29:00 UTC 2024"),
      ] + kernelBoot("03-01 12:30:00"))
    let b = r.hosts[0].boots
    #expect(b.count == 2)
    #expect(b[0].ending == .powerLoss)
    #expect(b[0].lastSignOfLife == L(time: "03-01 11:59:59", tag: "", msg: "").micros)
    let next = b[0].evidence.first { $0.kind == .nextBoot }
    #expect(next?.message.contains("start") == true)
  }

  /// A boot of RHEL/CentOS 7 as rsyslog's imjournal writes it (volatile journal): rsyslog's own start line first,
  /// then the boot's journal entries, stamped seconds earlier — `journal: Runtime journal…`, the 3.10 kernel's
  /// cgroup lines before its banner, the banner. `tag` is rsyslog's identifier (`liblogging-stdlog` on 7.4+).
  func rhel7Boot(_ day: String, start: String, kernel: String, tag: String = "rsyslogd") -> [L] {
    [
      L(time: "\(day) \(start)", tag: tag, msg: rsyslogStart),
      L(time: "\(day) \(kernel)", tag: "journal", msg: "Runtime journal is using 8.0M (max allowed 99.2M)."),
      L(time: "\(day) \(kernel)", tag: "kernel", msg: "Initializing cgroup subsys cpuset"),
      L(time: "\(day) \(kernel)", tag: "kernel", msg: "Initializing cgroup subsys cpu"),
      L(time: "\(day) \(kernel)", tag: "kernel", msg: "Linux version 3.10.0-1160.el7.x86_64 (mockbuild@kbuilder)"),
      L(time: "\(day) \(kernel)", tag: "kernel", msg: "Command line: BOOT_IMAGE=/vmlinuz-3.10.0-1160.el7.x86_64 ro"),
      L(time: "\(day) \(start)", tag: "systemd", msg: "Started System Logging Service."),
    ]
  }

  /// The start line written before the earlier-stamped boot belongs to that boot: the reboot is clean, the file
  /// does not begin with a boot "before the data", and each boot starts at its kernel's first line.
  @Test(arguments: ["rsyslogd", "liblogging-stdlog"])
  func journalReaderStartLineBeforeTheBootIsTheNewBoots(tag: String) {
    let r = analyze(
      rhel7Boot("03-01", start: "10:00:12", kernel: "10:00:01", tag: tag) + [
        work("03-01 10:20:00"),
        L(time: "03-01 11:00:00", tag: "systemd", msg: "Stopping System Logging Service..."),
        L(time: "03-01 11:00:00", tag: tag, msg: rsyslogExit),
      ] + rhel7Boot("03-01", start: "11:01:25", kernel: "11:01:04", tag: tag) + [work("03-01 11:10:00")])
    let b = r.hosts[0].boots
    #expect(b.map(\.ending) == [.reboot, .running])
    #expect(b[0].clean == true)
    #expect(b[0].start == L(time: "03-01 10:00:01", tag: "", msg: "").micros)
    #expect(b[0].lastSignOfLife == L(time: "03-01 11:00:00", tag: "", msg: "").micros)
    #expect(b[0].downtime == 64_000_000)
    #expect(b[1].start == L(time: "03-01 11:01:04", tag: "", msg: "").micros)
    #expect(b[1].clockJump == false)
  }

  /// The same layout after a power loss: still a power loss, ended at the old boot's last line (not at the new
  /// boot's start line).
  @Test func journalReaderStartLineAfterAPowerLoss() {
    let r = analyze(
      rhel7Boot("03-01", start: "10:00:12", kernel: "10:00:01") + [work("03-01 10:20:00")]
        + rhel7Boot("03-01", start: "11:01:25", kernel: "11:01:04") + [work("03-01 11:10:00")])
    let b = r.hosts[0].boots
    #expect(b.map(\.ending) == [.powerLoss, .running])
    #expect(b[0].lastSignOfLife == L(time: "03-01 10:20:00", tag: "", msg: "").micros)
  }

  /// rsyslog restarted inside a boot: its start line, then what imjournal had not read yet (stamped a little
  /// earlier), then on. No banner comes: the restart cancels the exit as before, and the boot goes on.
  @Test func journalReaderRestartInsideABootIsNoBoot() {
    let r = analyze(
      rhel7Boot("03-01", start: "10:00:12", kernel: "10:00:01") + [
        L(time: "03-01 10:30:00", tag: "systemd", msg: "Stopping System Logging Service..."),
        L(time: "03-01 10:30:00", tag: "rsyslogd", msg: rsyslogExit),
        L(time: "03-01 10:30:02", tag: "rsyslogd", msg: rsyslogStart),
        L(time: "03-01 10:30:00", tag: "systemd", msg: "Stopped System Logging Service."),
        L(time: "03-01 10:30:01", tag: "systemd", msg: "Starting System Logging Service..."),
        work("03-01 10:40:00"),
      ] + kernelBoot("03-01 11:00:00"))
    let b = r.hosts[0].boots
    #expect(b.map(\.ending) == [.powerLoss, .running])
    #expect(b[0].lastSignOfLife == L(time: "03-01 10:40:00", tag: "", msg: "").micros)
  }

  /// A journal reader with a persistent journal (syslog-ng's `system()` source, imjournal with a saved cursor)
  /// writes, after its start line, the entries of the old boot it had not written yet, then the new boot's. By
  /// time: the old boot's entries stay the old boot's (its last sign of life, or its shutdown lines), the rest opens
  /// the new boot.
  @Test func journalReaderWritesTheOldBootsTailAfterItsStartLine() {
    let lost = analyze(
      kernelBoot("03-01 10:00:00") + [
        work("03-01 10:20:00"),
        L(time: "03-01 11:01:25", tag: "syslog-ng", msg: "syslog-ng starting up; version='3.35.1'"),
        L(time: "03-01 10:25:00", tag: "CRON", msg: "(root) CMD (command -v debian-sa1 > /dev/null && debian-sa1 1 1)"),
        L(time: "03-01 10:26:10", tag: "systemd", msg: "Started Daily apt upgrade and clean activities.", pid: 1),
      ] + kernelBoot("03-01 11:01:04") + [work("03-01 11:10:00")])
    var b = lost.hosts[0].boots
    #expect(b.map(\.ending) == [.powerLoss, .running])
    #expect(b[0].lastSignOfLife == L(time: "03-01 10:26:10", tag: "", msg: "").micros)
    #expect(b[1].start == L(time: "03-01 11:01:04", tag: "", msg: "").micros)
    let clean = analyze(
      kernelBoot("03-01 10:00:00") + [
        work("03-01 10:20:00"),
        L(time: "03-01 11:00:00", tag: "syslog-ng", msg: "syslog-ng shutting down; version='3.35.1'"),
        L(time: "03-01 11:01:25", tag: "syslog-ng", msg: "syslog-ng starting up; version='3.35.1'"),
        L(time: "03-01 11:00:01", tag: "systemd", msg: "Reached target System Reboot.", pid: 1),
        L(time: "03-01 11:00:02", tag: "systemd-shutdown", msg: "Syncing filesystems and block devices.", pid: 1),
      ] + kernelBoot("03-01 11:01:04") + [work("03-01 11:10:00")])
    b = clean.hosts[0].boots
    #expect(b.map(\.ending) == [.reboot, .running])
    #expect(b[0].lastSignOfLife == L(time: "03-01 11:00:02", tag: "", msg: "").micros)
    #expect(b[0].downtime == 62_000_000)
  }

  /// systemd 219 (RHEL/CentOS 7) logs journald's lines as `journal:`: its notice that the journal file was left
  /// open is evidence of the unclean end before the boot it opens.
  @Test func rhel7JournaldNoticeIsEvidence() {
    let r = analyze(
      rhel7Boot("03-01", start: "10:00:12", kernel: "10:00:01") + [work("03-01 10:20:00")]
        + rhel7Boot("03-01", start: "11:01:25", kernel: "11:01:04") + [
          L(time: "03-01 11:01:06", tag: "journal", msg: "File /var/log/journal/3f9c1e0b2a7d4e5f8c6b9a0d1e2f3a4b/system.journal corrupted or uncleanly shut down, renaming and replacing."),
          work("03-01 11:10:00"),
        ])
    let b = r.hosts[0].boots
    #expect(b.map(\.ending) == [.powerLoss, .running])
    #expect(b[0].evidence.contains { $0.kind == .journalUncleanNotice })
  }

  /// A boot rebooted cleanly within three minutes of its banner, in text whose kernel lines have no printk time:
  /// the next banner opens the next boot. The banner phase held it for the same boot, and the reboot vanished.
  @Test func quickCleanRebootInsideTheBannerPhaseIsTwoBoots() {
    let rhelKernel = { (t: String) -> [L] in
      [
        L(time: t, tag: "kernel", msg: "Linux version 5.14.0-427.13.1.el9_4.x86_64 (mockbuild@x86-64-03)"),
        L(time: t, tag: "kernel", msg: "Command line: ro quiet"),
      ]
    }
    let r = analyze(
      rhelKernel("03-04 13:39:28") + [
        L(time: "03-04 13:39:34", tag: "rsyslogd", msg: rsyslogStart),
        L(time: "03-04 13:39:38", tag: "systemd", msg: "Stopping System Logging Service...", pid: 1),
        L(time: "03-04 13:39:39", tag: "rsyslogd", msg: rsyslogExit),
      ] + rhelKernel("03-04 13:40:28") + [
        L(time: "03-04 13:40:34", tag: "rsyslogd", msg: rsyslogStart),
        work("03-04 13:50:00"),
      ])
    let b = r.hosts[0].boots
    #expect(b.map(\.ending) == [.reboot, .running])
    #expect(b[0].lastSignOfLife == L(time: "03-04 13:39:39", tag: "", msg: "").micros)
  }

  /// A boot that died within three minutes of its banner, in text without printk times (SLES 11): the next boot's
  /// `Linux version` line opens the next boot instead of joining the first one's banner phase. The same line
  /// logged twice (two inputs of one daemon) stays one boot.
  @Test func crashLoopInsideTheBannerPhaseIsTwoBoots() {
    let sles = { (t: String) -> [L] in
      [
        L(time: t, tag: "kernel", msg: "Initializing cgroup subsys cpuset"),
        L(time: t, tag: "kernel", msg: "Linux version 3.0.101-63-default (geeko@buildhost)"),
      ]
    }
    let r = analyze(
      sles("03-02 11:16:59") + [
        L(time: "03-02 11:17:01", tag: "syslog-ng", msg: "syslog-ng starting up; version='2.0.9'"),
        work("03-02 11:17:31"),
      ] + sles("03-02 11:19:10") + [work("03-02 11:30:00")])
    #expect(r.hosts[0].boots.map(\.ending) == [.powerLoss, .running])
    var doubled = sles("03-02 11:00:00")
    doubled.insert(doubled[1], at: 2)
    doubled[2].time = "03-02 11:00:02"
    let twice = analyze(doubled + [work("03-02 11:30:00")])
    #expect(twice.hosts[0].boots.map(\.ending) == [.running])
  }

  /// rsyslog (imklog) stamps the kernel's lines when it reads them: its start line and the userspace lines queued
  /// before it can carry one second and the banner the next. Flushed at the change of second, the start line was
  /// the old boot's last record and withdrew its exit: a clean reboot read as a power loss.
  @Test func startLineInTheSecondBeforeTheBannerIsTheNewBoots() {
    let r = analyze(
      kernelBoot("03-01 10:00:00") + [
        work("03-01 10:20:00"),
        L(time: "03-01 10:30:00", tag: "rsyslogd", msg: rsyslogExit),
        L(time: "03-01 10:31:05", tag: "rsyslogd", msg: rsyslogStart),
        L(time: "03-01 10:31:05", tag: "systemd-modules-load", msg: "Inserted module 'fuse'", pid: 110),
        L(time: "03-01 10:31:05", tag: "systemd", msg: "Mounted FUSE Control File System.", pid: 1),
      ] + kernelBoot("03-01 10:31:06") + [work("03-01 10:40:00")])
    let b = r.hosts[0].boots
    #expect(b.map(\.ending) == [.reboot, .running])
    #expect(b[0].lastSignOfLife == L(time: "03-01 10:30:00", tag: "", msg: "").micros)
    #expect(b[1].start == L(time: "03-01 10:31:05", tag: "", msg: "").micros)
  }

  /// rsyslog's kernel input announces itself with the kernel's facility just before rsyslog's start line (Ubuntu
  /// 16.04/18.04, RHEL 6): `kernel: imklog 8.16.0, log source = /proc/kmsg started.`; sysklogd's klogd (SLES 11) and
  /// BusyBox's likewise. It opens the new boot with the start line; kept as the old boot's last line it ended a power
  /// loss "0 s" before the next boot.
  @Test(arguments: [
    "imklog 8.16.0, log source = /proc/kmsg started.", "klogd 1.4.1, log source = /proc/kmsg started.",
    "klogd started: BusyBox v1.36.1 (2023-11-07 18:53:09 UTC)",
  ])
  func kernelReaderStartNoticeGoesWithTheStartLine(notice: String) {
    // SLES 11's order: the kernel reader's notice, the kernel's lines, then the daemon's own start line. (When the
    // daemon's start line comes first, as rsyslog's does on Ubuntu, the start hold already takes the notice along.)
    let r = analyze(
      kernelBoot("03-27 06:00:00") + [
        work("03-27 07:23:30"),
        L(time: "03-27 07:59:48", tag: "kernel", msg: notice),
      ] + kernelBoot("03-27 07:59:48") + [
        L(time: "03-27 07:59:50", tag: "syslog-ng", msg: "syslog-ng starting up; version='2.0.9'"),
        work("03-27 08:10:00"),
      ])
    let b = r.hosts[0].boots
    #expect(b.map(\.ending) == [.powerLoss, .running])
    #expect(b[0].lastSignOfLife == L(time: "03-27 07:23:30", tag: "", msg: "").micros)
    #expect(b[0].downtime == Int64(36 * 60 + 18) * 1_000_000)
  }

  /// Without a start line before them, the 3.10 kernel's cgroup lines before its banner still open the new boot:
  /// the old one ends at its exit line, not in the new boot's first second.
  @Test func cgroupLinesBeforeTheBannerAreTheNewBoots() {
    let r = analyze(
      kernelBoot("03-01 10:00:00") + [
        L(time: "03-01 11:00:00", tag: "rsyslogd", msg: rsyslogExit),
        L(time: "03-01 11:01:04", tag: "kernel", msg: "Initializing cgroup subsys cpuset"),
        L(time: "03-01 11:01:04", tag: "kernel", msg: "Initializing cgroup subsys cpu"),
        L(time: "03-01 11:01:04", tag: "kernel", msg: "Linux version 3.10.0-1160.el7.x86_64 (mockbuild@kbuilder)"),
        work("03-01 11:10:00"),
      ])
    let b = r.hosts[0].boots
    #expect(b.map(\.ending) == [.reboot, .running])
    #expect(b[0].lastSignOfLife == L(time: "03-01 11:00:00", tag: "", msg: "").micros)
    #expect(b[0].downtime == 64_000_000)
  }

  @Test func syslogRestartAndHUPAreNotBootsOrShutdowns() {
    let r = analyze(
      kernelBoot("03-01 10:00:00") + [
        L(time: "03-02 06:25:00", tag: "rsyslogd", msg: rsyslogHUP),
        L(time: "03-02 09:00:00", tag: "systemd", msg: "Stopping System Logging Service..."),
        L(time: "03-02 09:00:00", tag: "rsyslogd", msg: rsyslogExit),
        L(time: "03-02 09:00:01", tag: "rsyslogd", msg: rsyslogStart),
        L(time: "03-02 09:00:01", tag: "systemd", msg: "Started System Logging Service."),
        L(time: "03-02 09:10:00", host: "web1", tag: "syslogd", msg: "restart."),
        L(time: "03-02 09:30:00", tag: "systemd", msg: "Stopping Regular background program processing daemon..."),
        work("03-02 10:00:00"),
      ])
    #expect(r.hosts.count == 1)
    #expect(r.hosts[0].boots.map(\.ending) == [.running])
  }

  @Test func restartThenSilenceIsNotClean() {
    // A syslog restart cancels its own exit line: a later silence followed by a boot is still unclean.
    let r = analyze(
      kernelBoot("03-01 10:00:00") + [
        L(time: "03-02 09:00:00", tag: "rsyslogd", msg: rsyslogExit),
        L(time: "03-02 09:00:01", tag: "rsyslogd", msg: rsyslogStart),
        work("03-02 10:00:00"),
      ] + kernelBoot("03-02 11:00:00"))
    #expect(r.hosts[0].boots.map(\.ending) == [.powerLoss, .running])
  }

  @Test func kernelPanicBeforeSilence() {
    let r = analyze(
      kernelBoot("03-01 10:00:00") + [
        work("03-01 11:00:00"),
        L(time: "03-01 11:00:05", tag: "kernel", msg: "BUG: unable to handle page fault for address: ffffffffc0a1b2c3", uptime: 3605),
        L(time: "03-01 11:00:05", tag: "kernel", msg: "Oops: 0000 [#1] PREEMPT SMP NOPTI", uptime: 3605),
        L(time: "03-01 11:00:05", tag: "kernel", msg: "Kernel panic - not syncing: Fatal exception", uptime: 3605),
      ] + kernelBoot("03-01 11:04:00"))
    #expect(r.hosts[0].boots.map(\.ending) == [.kernelPanic, .running])
    #expect(r.hosts[0].boots[0].evidence.first?.kind == .kernelPanic)
  }

  @Test func oldOopsFollowedByHoursOfWorkIsNotTheCause() {
    let r = analyze(
      kernelBoot("03-01 10:00:00") + [
        L(time: "03-01 10:30:00", tag: "kernel", msg: "Oops: 0000 [#1] SMP", uptime: 1800),
      ] + (0..<500).map { _ in work("03-01 14:00:00") } + kernelBoot("03-01 15:00:00"))
    #expect(r.hosts[0].boots[0].ending == .powerLoss)
  }

  @Test func kernelOnlySourceCannotShowShutdowns() {
    let r = analyze(
      kernelBoot("03-01 10:00:00") + [L(time: "03-01 11:00:00", tag: "kernel", msg: "usb 1-1: new device", uptime: 3600)]
        + kernelBoot("03-01 12:00:00"))
    #expect(r.hosts[0].boots.map(\.ending) == [.unknown, .running])
    #expect(r.uncleanCount == 0)
  }

  @Test func twoBootsWithTheSameRestoredTimestamp() {
    // RTC-less boards restore the same saved time on every boot.
    let r = analyze(
      [L(time: "09-23 15:17:05", tag: "rsyslogd", msg: rsyslogStart)] + kernelBoot("09-23 15:17:05")
        + [work("09-23 15:17:05")]
        + [L(time: "09-23 15:17:05", tag: "rsyslogd", msg: rsyslogStart)] + kernelBoot("09-23 15:17:05")
        + [work("09-23 15:20:00")])
    #expect(r.hosts[0].boots.count == 2)
    #expect(r.hosts[0].boots.map(\.ending) == [.powerLoss, .running])
    #expect(r.hosts[0].boots[0].start != nil)
  }

  @Test func clockGoingBackIsReportedNotReordered() {
    let r = analyze(kernelBoot("05-27 12:10:00") + [work("05-27 12:20:00")] + kernelBoot("05-27 12:01:18"))
    let b = r.hosts[0].boots
    #expect(b.count == 2)
    #expect(b[0].ending == .powerLoss)
    #expect(b[0].clockJump)
    #expect(b[0].downtime == nil)
  }

  @Test func recordsBeforeTheFirstBannerAreABootStartedBeforeTheData() {
    let r = analyze([work("03-01 09:00:00"), work("03-01 09:30:00")] + kernelBoot("03-01 10:00:00"))
    let b = r.hosts[0].boots
    #expect(b.count == 2)
    #expect(b[0].start == nil)
    #expect(b[0].ending == .powerLoss)
    // A host whose data begins with a boot marker has no such boot.
    let r2 = analyze(kernelBoot("03-01 10:00:00"))
    #expect(r2.hosts[0].boots.count == 1)
    #expect(r2.hosts[0].boots[0].start != nil)
  }

  @Test func aGapWhereTheEndShouldBeIsUnknown() {
    let lines = kernelBoot("03-01 10:00:00") + [work("03-01 11:00:00"), work("03-05 11:00:00")] + kernelBoot("03-05 12:00:00")
    let r = analyze(lines, gapBefore: [5])
    #expect(r.hosts[0].boots.map(\.ending) == [.unknown, .running])
  }

  @Test func journalBootsAreKeyedByBootID() {
    let a = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
    let b = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
    let c = "cccccccccccccccccccccccccccccccc"
    let m = "0123456789abcdef0123456789abcdef"
    let r = analyze([
      L(time: "03-01 10:00:00", tag: "kernel", msg: "Linux version 6.1", uptime: 0, boot: a, machine: m),
      L(time: "03-01 11:00:00", tag: "systemd-logind", msg: "System is rebooting.", boot: a, machine: m,
        messageID: "98268866d1d54a499c4e98921d93bc40"),
      L(time: "03-01 11:00:02", tag: "systemd-journald", msg: "Journal stopped", boot: a, machine: m,
        messageID: "d93fb3c9c24d451a97cea615ce59c00b"),
      L(time: "03-01 11:01:00", tag: "kernel", msg: "Linux version 6.1", uptime: 0, boot: b, machine: m),
      L(time: "03-01 13:00:00", tag: "CRON", msg: "(root) CMD (true)", boot: b, machine: m),
      L(time: "03-01 13:20:00", tag: "kernel", msg: "Linux version 6.1", uptime: 0, boot: c, machine: m),
      L(time: "03-01 13:20:03", tag: "systemd-journald", msg:
        "File /var/log/journal/\(m)/system.journal corrupted or uncleanly shut down, renaming and replacing.",
        boot: c, machine: m),
    ])
    #expect(r.hosts.count == 1)
    #expect(r.hosts[0].machineID == m)
    let boots = r.hosts[0].boots
    #expect(boots.map(\.id) == [a, b, c])
    #expect(boots.map(\.ending) == [.reboot, .powerLoss, .running])
    #expect(boots[1].evidence.contains { $0.kind == .journalUncleanNotice })
  }

  /// After a power loss fsck can hold the syslog daemon back for minutes: its banner comes long after the journal's
  /// first entry of the same boot, which must still be one boot (it once became a second row, and the journal's
  /// boot `unknown`).
  @Test func slowBootInSyslogIsTheJournalsBoot() {
    let a = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
    let b = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
    let m = "0123456789abcdef0123456789abcdef"
    let journal = [
      L(time: "03-01 10:00:00", tag: "kernel", msg: "Linux version 6.1", uptime: 0, boot: a, machine: m),
      L(time: "03-01 11:00:00", tag: "CRON", msg: "(root) CMD (true)", boot: a, machine: m),
      L(time: "03-01 11:10:00", tag: "kernel", msg: "Linux version 6.1", uptime: 0, boot: b, machine: m),
      L(time: "03-01 11:10:04", tag: "systemd-fsck", msg: "/dev/sda1: recovering journal", boot: b, machine: m),
      L(time: "03-01 12:00:00", tag: "CRON", msg: "(root) CMD (true)", boot: b, machine: m),
    ].map { l -> L in
      var l = l
      l.host = "db1"
      return l
    }
    let syslog = kernelBoot("03-01 10:00:10", host: "db1") + [work("03-01 11:00:00", host: "db1")]
      + [L(time: "03-01 11:16:30", host: "db1", tag: "rsyslogd", msg: rsyslogStart)]
      + kernelBoot("03-01 11:16:30", host: "db1") + [work("03-01 12:00:00", host: "db1")]
    let r = analyze(journal, streams: [syslog])
    #expect(r.hosts.count == 1)
    #expect(r.hosts[0].boots.map(\.id) == [a, b])
    #expect(r.hosts[0].boots.map(\.ending) == [.powerLoss, .running])
    // A boot the syslog lost: its next banner comes after the journal's boot ended, and is not that boot.
    let lost = Array(journal.prefix(2)) + [
      L(time: "03-01 11:20:00", host: "db1", tag: "kernel", msg: "Linux version 6.1", uptime: 0, boot: b, machine: m),
      L(time: "03-01 12:00:00", host: "db1", tag: "CRON", msg: "(root) CMD (true)", boot: b, machine: m),
    ]
    let syslogLost = kernelBoot("03-01 10:00:10", host: "db1") + [work("03-01 11:00:00", host: "db1")]
      + kernelBoot("03-01 11:05:00", host: "db1") + [work("03-01 11:06:00", host: "db1")]
      + kernelBoot("03-01 11:20:10", host: "db1") + [work("03-01 12:00:00", host: "db1")]
    let l = analyze(lost, streams: [syslogLost])
    #expect(l.hosts[0].boots.count == 3)
  }

  /// When the kernel's ring buffer overflowed before the syslog daemon read it, the banner is lost: the kernel's
  /// uptime going back opens the boot (a power loss there was no boot at all).
  @Test func kernelUptimeGoingBackOpensABoot() {
    let boot2 = [
      L(time: "03-01 12:00:00", tag: "rsyslogd", msg: rsyslogStart),
      L(time: "03-01 12:00:00", tag: "kernel", msg: "EXT4-fs (sda1): mounted filesystem", uptime: 2.5),
      L(time: "03-01 12:00:00", tag: "kernel", msg: "virtio_net virtio1 enp1s0: renamed from eth0", uptime: 3.0),
      work("03-01 12:10:00"),
    ]
    // A kernel line late in the boot, then a restart: the uptime drops by minutes.
    let busy = analyze(
      kernelBoot("03-01 10:00:00") + [L(time: "03-01 10:05:00", tag: "kernel", msg: "usb 1-1: new device", uptime: 300)]
        + [work("03-01 11:00:00")] + boot2)
    #expect(busy.hosts[0].boots.map(\.ending) == [.powerLoss, .running])
    #expect(busy.hosts[0].boots[1].start == L(time: "03-01 12:00:00", tag: "", msg: "").micros)
    // A quiet server's last kernel line came seconds into its boot: the uptime drops by less than a minute, but the
    // kernel it implies started hours later.
    let quiet = analyze(kernelBoot("03-01 10:00:00") + [work("03-01 11:00:00")] + boot2)
    #expect(quiet.hosts[0].boots.map(\.ending) == [.powerLoss, .running])
    // Not a restart: the clock stepped forward (NTP) while the uptime grew, or the uptime went back by a jitter.
    let stepped = analyze(
      kernelBoot("03-01 10:00:00") + [
        L(time: "03-01 10:00:05", tag: "kernel", msg: "usb 1-1: new device", uptime: 5),
        L(time: "03-01 13:00:00", tag: "kernel", msg: "usb 1-2: new device", uptime: 6),
        L(time: "03-01 13:00:01", tag: "kernel", msg: "usb 1-3: new device", uptime: 5.995),
        work("03-01 13:10:00"),
      ])
    #expect(stepped.hosts[0].boots.map(\.ending) == [.running])
  }

  /// rsyslog (`imkmsg`) and syslog-ng read `/dev/kmsg` from its start when they restart: the kernel's buffer is
  /// written again with the time of reading, banner first, up to the last line the kernel printed. That banner
  /// opened a boot: a power loss 0 s long, in the middle of a running boot. The replay ends with a line of the same
  /// printk time as the kernel's last line before it (10 minutes or more into its boot), which a kernel that started
  /// at the banner cannot have reached.
  @Test func kernelRingBufferReplayIsNotABoot() {
    func restartAndReplay(_ time: String, lastUptime: Double) -> [L] {
      [
        L(time: time, tag: "systemd", msg: "Stopping System Logging Service...", pid: 1),
        L(time: time, tag: "rsyslogd", msg: rsyslogExit),
        L(time: time, tag: "rsyslogd", msg: rsyslogStart),
        L(time: time, tag: "systemd", msg: "Started System Logging Service.", pid: 1),
      ] + kernelBoot(time) + [
        L(time: time, tag: "kernel", msg: "usb 1-1: new high-speed USB device number 2", uptime: lastUptime)
      ]
    }
    let usb = L(time: "03-01 10:50:00", tag: "kernel", msg: "usb 1-1: new high-speed USB device number 2", uptime: 3000.000123)
    let (engine, reg) = feed(
      kernelBoot("03-01 10:00:00") + [usb, work("03-01 11:00:00")]
        + restartAndReplay("03-01 12:00:00", lastUptime: 3000.000123) + [work("03-01 12:10:00")])
    let r = Analyzer.result(engine: engine, registry: reg, options: AnalysisOptions(paths: []))
    #expect(r.hosts[0].boots.map(\.ending) == [.running])
    #expect(r.hosts[0].boots[0].start == L(time: "03-01 10:00:00", tag: "", msg: "").micros)
    #expect(reg.inputs[0].warnings.contains { $0.contains("line 11: kernel lines from this banner on repeat") })
    // Twice, and the second boot after a real reboot: each replay joins its boot, the reboot stays.
    let twice = analyze(
      kernelBoot("03-01 10:00:00") + [usb] + restartAndReplay("03-01 11:00:00", lastUptime: 3000.000123)
        + [
          L(time: "03-01 11:30:00", tag: "systemd", msg: "Reached target System Reboot.", pid: 1),
          L(time: "03-01 11:30:00", tag: "rsyslogd", msg: rsyslogExit),
        ] + kernelBoot("03-01 11:31:00")
        + [L(time: "03-01 12:31:00", tag: "kernel", msg: "usb 1-1: new full-speed USB device", uptime: 3600.25)]
        + restartAndReplay("03-01 13:00:00", lastUptime: 3600.25) + [work("03-01 13:10:00")])
    #expect(twice.hosts[0].boots.map(\.ending) == [.reboot, .running])
    // A real reboot whose kernel prints at the old kernel's last printk time, early in its boot (boot blocks copied
    // by a log generator), is still a boot; so is a replay that no longer holds the old last line (the buffer wrapped
    // while the daemon was down).
    for (replayed, last, at) in [(9.25, 9.25, "03-01 10:00:09"), (3001.5, 3000.000123, "03-01 10:50:00")] {
      let r = analyze(
        kernelBoot("03-01 10:00:00")
          + [L(time: at, tag: "kernel", msg: "usb 1-1: new device", uptime: last), work("03-01 11:00:00")]
          + restartAndReplay("03-01 12:00:00", lastUptime: replayed) + [work("03-01 12:10:00")])
      #expect(r.hosts[0].boots.count == 2, "\(replayed)")
    }
  }

  /// A clock that starts ahead at boot (an RTC kept in local time, two hours east of UTC) and is set right by chrony
  /// in the boot's first minutes: the boot's start is stamped two hours late. The downtime before it is not shown as
  /// two hours but as a clock jump, with the step as evidence; the endings stay as they are.
  @Test func clockSetBackEarlyInABootIsAClockJumpNotADowntime() {
    let stepped = [
      L(time: "06-01 14:00:51", tag: "chronyd", msg: "System clock wrong by -7199.5 seconds"),
      L(time: "06-01 12:00:52", tag: "chronyd", msg: "System clock was stepped by -7199.5 seconds"),
      work("06-01 12:30:00"),
    ]
    let r = analyze(
      kernelBoot("06-01 08:00:00") + [work("06-01 11:59:00")] + [
        L(time: "06-01 12:00:00", tag: "systemd-logind", msg: "System is rebooting."),
        L(time: "06-01 12:00:00", tag: "rsyslogd", msg: rsyslogExit),
      ] + kernelBoot("06-01 14:00:30") + stepped)
    let boots = r.hosts[0].boots
    #expect(boots.map(\.ending) == [.reboot, .running])
    #expect(boots[0].clockJump && boots[0].downtime == nil)
    #expect(boots[0].evidence.contains { $0.kind == .clockJump && $0.message.contains("set back 1h 59m") })
    // Without the step the same stamps are a two-hour downtime.
    let plain = analyze(
      kernelBoot("06-01 08:00:00") + [work("06-01 11:59:00")] + [
        L(time: "06-01 12:00:00", tag: "systemd-logind", msg: "System is rebooting."),
        L(time: "06-01 12:00:00", tag: "rsyslogd", msg: rsyslogExit),
      ] + kernelBoot("06-01 14:00:30") + [work("06-01 14:30:00")])
    #expect(!plain.hosts[0].boots[0].clockJump && plain.hosts[0].boots[0].downtime == 7_230_000_000)
  }

  /// A kern.log whose kernel printed nothing after its first two seconds: each banner, hours apart, opens a boot
  /// (the banner phase, which keeps a boot's repeated early banners together, once stayed open until the next).
  @Test func kernelOnlyLinesOfEarlyBootsAreSeparateBoots() {
    let kern = kernelBoot("03-01 10:00:00").prefix(3) + kernelBoot("03-01 14:00:00").prefix(3)
      + kernelBoot("03-01 19:00:00").prefix(3)
    let r = analyze(Array(kern))
    #expect(r.hosts[0].boots.count == 3)
    #expect(r.hosts[0].boots.map(\.ending) == [.unknown, .unknown, .running])
  }

  /// `daemon.log` sees systemd restart rsyslog but not rsyslog's own start line (syslog facility): systemd's
  /// `Started System Logging Service.` withdraws the stop, which otherwise stood as a shutdown for the whole boot.
  @Test func syslogRestartSeenOnlyBySystemdIsNoShutdown() {
    let daemonLog = kernelBoot("03-01 10:00:00") + [
      L(time: "03-01 11:00:00", tag: "systemd", msg: "Stopping System Logging Service...", pid: 1),
      L(time: "03-01 11:00:00", tag: "systemd", msg: "Stopped System Logging Service.", pid: 1),
      L(time: "03-01 11:00:00", tag: "systemd", msg: "Started System Logging Service.", pid: 1),
      work("03-01 12:00:00"),
    ]
    #expect(analyze(daemonLog).hosts[0].boots.map(\.ending) == [.running])
    // Stopped and not started again, then a new boot: the stop still counts.
    let stopped = kernelBoot("03-01 10:00:00") + [
      L(time: "03-01 11:00:00", tag: "systemd", msg: "Stopping System Logging Service...", pid: 1),
    ] + kernelBoot("03-01 11:01:00")
    #expect(analyze(stopped).hosts[0].boots.first?.ending.clean == true)
  }

  /// rsyslog stopped for maintenance hours before the machine lost power: syslog's `exiting on signal 15.` was the
  /// boot's clean end, and a clean marker beats everything — but the journal shows the boot going on for hours.
  @Test func cleanMarkerThatAnotherStreamOutlivedIsNotTheEnd() {
    let a = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
    let b = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
    let m = "0123456789abcdef0123456789abcdef"
    let journal = [
      L(time: "03-01 10:00:00", host: "db1", tag: "kernel", msg: "Linux version 6.1", uptime: 0, boot: a, machine: m),
      L(time: "03-01 13:00:00", host: "db1", tag: "CRON", msg: "(root) CMD (true)", boot: a, machine: m),
      L(time: "03-01 13:20:00", host: "db1", tag: "kernel", msg: "Linux version 6.1", uptime: 0, boot: b, machine: m),
      L(time: "03-01 14:00:00", host: "db1", tag: "CRON", msg: "(root) CMD (true)", boot: b, machine: m),
    ]
    let syslog = kernelBoot("03-01 10:00:10", host: "db1")
      + [L(time: "03-01 10:30:00", host: "db1", tag: "rsyslogd", msg: rsyslogExit)]
      + [L(time: "03-01 13:20:20", host: "db1", tag: "rsyslogd", msg: rsyslogStart)]
      + kernelBoot("03-01 13:20:20", host: "db1") + [work("03-01 14:00:00", host: "db1")]
    let r = analyze(journal, streams: [syslog])
    #expect(r.hosts[0].boots.map(\.ending) == [.powerLoss, .running])
    // The same syslog stop right before the journal's last entry is the boot's clean end.
    var ended = journal
    ended[1].time = "03-01 10:30:05"
    #expect(analyze(ended, streams: [syslog]).hosts[0].boots.first?.ending.clean == true)
  }

  @Test func hostRenameIsOneHostWithAnAlias() {
    let r = analyze(
      kernelBoot("03-01 10:00:00", host: "raspberrypi") + [work("03-01 11:00:00", host: "raspberrypi")]
        + kernelBoot("03-01 11:05:00", host: "sensor7") + [work("03-01 12:00:00", host: "sensor7")])
    #expect(r.hosts.count == 1)
    #expect(r.hosts[0].name == "sensor7")
    #expect(r.hosts[0].aliases == ["raspberrypi"])
    #expect(r.hosts[0].boots.map(\.ending) == [.powerLoss, .running])
  }

  /// A central log server's file that held one machine, then hours later its replacement under another name: two
  /// machines. Taken as one renamed machine, the first one's last boot ended in a power loss when the second booted.
  @Test func replacementMachineHoursLaterIsNotARename() {
    let r = analyze(
      kernelBoot("03-01 10:00:00", host: "ip-10-0-1-23") + [work("03-01 11:00:00", host: "ip-10-0-1-23")]
        + kernelBoot("03-01 14:00:00", host: "ip-10-0-1-87") + [work("03-01 15:00:00", host: "ip-10-0-1-87")])
    #expect(r.hosts.map(\.name).sorted() == ["ip-10-0-1-23", "ip-10-0-1-87"])
    #expect(r.hosts.allSatisfy { $0.boots.map(\.ending) == [.running] && $0.aliases.isEmpty })
  }

  /// A rename inside a running boot (hostnamectl): one boot under two names. Merging the same engine state again
  /// (as tail mode does after every batch) must give the same report.
  @Test func renameInsideABootMergesTheSameEveryTime() {
    let lines = kernelBoot("03-01 10:00:00", host: "raspberrypi") + [work("03-01 11:00:00", host: "raspberrypi")]
      + [work("03-01 11:30:00", host: "sensor7"), L(time: "03-01 11:40:00", host: "sensor7", tag: "rsyslogd", msg: rsyslogExit)]
      + kernelBoot("03-01 11:45:00", host: "sensor7") + [work("03-01 12:00:00", host: "sensor7")]
    let (engine, registry) = feed(lines)
    let recordsBefore = engine.sequencers.map { $0.boots.map(\.records) }
    let once = Analyzer.result(engine: engine, registry: registry, options: AnalysisOptions(paths: []))
    #expect(engine.sequencers.map { $0.boots.map(\.records) } == recordsBefore, "the merge must not change the engine")
    let again = Analyzer.result(engine: engine, registry: registry, options: AnalysisOptions(paths: []))
    #expect(once.hosts.count == 1 && once.hosts[0].aliases == ["raspberrypi"])
    #expect(once.hosts[0].boots.map(\.ending) == [.reboot, .running])
    #expect(JSONReporter.render(once, generatedAt: 0) == JSONReporter.render(again, generatedAt: 0))
  }

  @Test func centralSyslogServerSplitsInterleavedHosts() {
    var lines: [L] = kernelBoot("03-01 10:00:00", host: "a") + kernelBoot("03-01 10:00:01", host: "b")
    for i in 0..<5 {
      lines.append(work("03-01 10:1\(i):00", host: "a"))
      lines.append(work("03-01 10:1\(i):30", host: "b"))
    }
    let r = analyze(lines)
    #expect(r.hosts.map(\.name) == ["a", "b"])
    #expect(r.hosts.allSatisfy { $0.boots.map(\.ending) == [.running] && $0.aliases.isEmpty })
  }

  @Test func streamWithoutBootStartsAddsNoBoot() {
    // auth.log of the same host: no kernel or daemon start lines, spans all three boots.
    let syslog = kernelBoot("03-01 10:00:00") + [L(time: "03-01 11:00:00", tag: "rsyslogd", msg: rsyslogExit)]
      + kernelBoot("03-01 11:01:00") + [work("03-01 12:00:00")] + kernelBoot("03-01 12:30:00") + [work("03-01 13:00:00")]
    let auth = ["03-01 10:20:00", "03-01 11:20:00", "03-01 12:40:00", "03-01 13:30:00"].map {
      L(time: $0, tag: "sshd", msg: "Accepted publickey for alice from 10.0.0.5 port 50000 ssh2", pid: 900)
    }
    let r = analyze(syslog, streams: [auth])
    #expect(r.hosts.count == 1)
    #expect(r.hosts[0].boots.map(\.ending) == [.reboot, .powerLoss, .running])
    // It still tells the running boot's last sign of life.
    #expect(r.hosts[0].boots.last?.lastSignOfLife == L(time: "03-01 13:30:00", tag: "", msg: "").micros)
    // A stream that starts inside a boot (its first boot began before its data) joins that boot.
    let late = analyze(syslog, streams: [Array(auth.suffix(2))])
    #expect(late.hosts[0].boots.map(\.ending) == [.reboot, .powerLoss, .running])
    // Also beside a syslog that itself begins inside a boot: the auth.log of the last boot is not that first boot's.
    let midSyslog = [work("03-01 09:00:00")] + syslog
    let lastOnly = analyze(midSyslog, streams: [Array(auth.suffix(1))])
    #expect(lastOnly.hosts[0].boots.count == 4)
    #expect(lastOnly.hosts[0].boots[0].lastSignOfLife == L(time: "03-01 09:00:00", tag: "", msg: "").micros)
    #expect(lastOnly.hosts[0].boots[3].lastSignOfLife == L(time: "03-01 13:30:00", tag: "", msg: "").micros)
  }

  /// Debian's rsyslog also writes `auth.log` and `daemon.log`: no kernel lines, so each holds one boot that runs
  /// across the host's reboots, and the shutdown lines in it (logind's, systemd's) are an earlier boot's. They once
  /// turned a later power loss into a reboot, and the running boot into a reboot.
  @Test func shutdownLinesOfAFileWithoutBootStartsStayWithTheirBoot() {
    let logindReboot = L(time: "03-01 11:00:00", tag: "systemd-logind", msg: "System is rebooting.", pid: 581)
    let stopping = L(time: "03-01 11:00:00", tag: "systemd", msg: "Stopped target Multi-User System.", pid: 1)
    let syslog = kernelBoot("03-01 10:00:00") + [work("03-01 10:30:00"), logindReboot, stopping]
      + [L(time: "03-01 11:00:01", tag: "rsyslogd", msg: rsyslogExit)]
      + kernelBoot("03-01 11:01:00") + [work("03-01 12:00:00")]
      + kernelBoot("03-01 12:30:00") + [work("03-01 13:00:00")]
    let cron = { (t: String) in
      L(time: t, tag: "CRON", msg: "pam_unix(cron:session): session opened for user root", pid: 1400)
    }
    // auth.log ends in the boot that lost power; daemon.log in the running one.
    let auth = [cron("03-01 10:17:01"), logindReboot, cron("03-01 11:17:01"), cron("03-01 11:59:01")]
    let daemon = [work("03-01 10:30:00"), stopping, work("03-01 11:02:00"), work("03-01 13:00:00")]
    for streams in [[auth], [daemon], [auth, daemon], [daemon, auth]] {
      let r = analyze(syslog, streams: streams)
      #expect(r.hosts.count == 1)
      #expect(r.hosts[0].boots.map(\.ending) == [.reboot, .powerLoss, .running])
      #expect(r.hosts[0].boots[0].evidence.allSatisfy { $0.location.input == 0 })
    }
    // Lines logged after the last boot start that another file saw are that boot's: a clean end seen only in
    // daemon.log still counts where the other file (kern.log) cannot show shutdowns.
    let kern = kernelBoot("03-01 10:00:00") + kernelBoot("03-01 11:01:00")
    let finalStop = [work("03-01 10:30:00"), stopping, work("03-01 11:02:00"),
      L(time: "03-01 12:00:00", tag: "systemd-logind", msg: "System is powering down.", pid: 581),
      L(time: "03-01 12:00:01", tag: "systemd", msg: "Stopped target Multi-User System.", pid: 1)]
    let k = analyze(kern, streams: [finalStop])
    #expect(k.hosts[0].boots.map(\.ending) == [.unknown, .shutdown])
    // Beside kern.log alone, whose boots end with their first kernel lines, auth.log joins the boot with the latest
    // start before its last line, rather than becoming a boot of its own.
    // The boot its data ends in, also where an earlier boot is the last of another stream (open-ended there).
    let syslogAB = kernelBoot("03-01 10:00:00") + [L(time: "03-01 10:30:00", tag: "rsyslogd", msg: rsyslogExit)]
      + kernelBoot("03-01 11:01:00") + [work("03-01 12:00:00")]
    let kernA = Array(kernelBoot("03-01 10:00:00"))
    let ab = analyze(syslogAB, streams: [kernA, [cron("03-01 10:17:01"), cron("03-01 11:30:01")]])
    #expect(ab.hosts[0].boots.map(\.ending) == [.shutdown, .running])
    #expect(ab.hosts[0].boots[0].lastSignOfLife == L(time: "03-01 10:30:00", tag: "", msg: "").micros)
    let kern3 = kern + kernelBoot("03-01 12:30:00")
    let a = analyze(kern3, streams: [auth])
    #expect(a.hosts[0].boots.map(\.ending) == [.unknown, .unknown, .running])
    #expect(a.hosts[0].boots[1].lastSignOfLife == L(time: "03-01 11:59:01", tag: "", msg: "").micros)
  }

  /// A syslog that begins inside a boot which rebooted less than the start tolerance before kern.log's first boot
  /// (kern.log, with few lines between rotations, began with that boot): the syslog's first boot ended before kern.log's
  /// began, so it is the boot before it. It was once taken as kern.log's first boot, and the syslog's own view of that
  /// boot became an extra one, `unknown` with a clock jump.
  @Test func bootBegunBeforeTheDataThatEndedBeforeAnotherStreamsFirstBoot() {
    let syslog = [work("03-01 10:00:00"),
      L(time: "03-01 10:59:20", tag: "systemd-logind", msg: "System is rebooting.", pid: 581),
      L(time: "03-01 10:59:21", tag: "rsyslogd", msg: rsyslogExit)]
      + kernelBoot("03-01 11:00:00") + [work("03-01 12:00:00")]
    for streams in [[kernelBoot("03-01 11:00:00")], [kernelBoot("03-01 11:00:00") + kernelBoot("03-01 13:00:00")]] {
      let r = analyze(syslog, streams: streams)
      let endings = r.hosts[0].boots.map(\.ending)
      #expect(endings == (streams[0].count > 4 ? [.reboot, .unknown, .running] : [.reboot, .running]))
      #expect(r.hosts[0].boots[0].lastSignOfLife == L(time: "03-01 10:59:21", tag: "", msg: "").micros)
    }
  }

  /// One file a day (syslog-ng `file("/var/log/hosts/$HOST/$YEAR-$MONTH-$DAY.log")`): each file is its own stream.
  /// The third day's file holds only the rest of the boot that began the evening before. The first day's boot is its
  /// file's last, open-ended, and took that rest although two boots began in between: its reboot became `unknown`
  /// with a clock jump, and the running boot lost its last day.
  @Test func dailyFileJoinsTheBootRunningWhenItBegins() {
    let day1 = kernelBoot("11-01 08:00:00") + [work("11-01 12:00:00"), work("11-01 23:59:00")]
    let day2 =
      [work("11-02 00:01:00"), work("11-02 10:00:00")]
      + [
        L(time: "11-02 10:01:00", tag: "systemd-logind", msg: "System is rebooting."),
        L(time: "11-02 10:01:00", tag: "rsyslogd", msg: rsyslogExit),
      ] + kernelBoot("11-02 10:01:50") + [work("11-02 18:04:50")] + kernelBoot("11-02 18:14:50")
      + [work("11-02 23:57:50")]
    let day3 = [work("11-03 00:04:50"), work("11-03 02:17:50")]
    let r = analyze(day1, streams: [day2, day3])
    #expect(r.hosts.count == 1)
    let boots = r.hosts[0].boots
    #expect(boots.map(\.ending) == [.reboot, .powerLoss, .running])
    #expect(boots.last?.lastSignOfLife == L(time: "11-03 02:17:50", tag: "", msg: "").micros)
  }

  @Test func sameBootInTwoStreamsIsOneBoot() {
    // syslog (can show shutdowns) and kern.log (kernel only) of one host.
    let syslog = kernelBoot("03-01 10:00:00") + [L(time: "03-01 11:00:00", tag: "rsyslogd", msg: rsyslogExit)]
      + kernelBoot("03-01 11:01:00") + [work("03-01 12:00:00")] + kernelBoot("03-01 12:30:00")
    let kern = kernelBoot("03-01 10:00:00") + kernelBoot("03-01 11:01:00") + kernelBoot("03-01 12:30:00")
    let r = analyze(syslog, streams: [kern])
    #expect(r.hosts.count == 1)
    #expect(r.hosts[0].boots.map(\.ending) == [.reboot, .powerLoss, .running])
  }

  /// Lines that only another file kept — a dying kernel's oops and panic, caught by a remote log or a crash dump
  /// — come after the syslog's last line of that boot but before the host's next boot: they are that boot's, and
  /// its ending is the panic, not a power loss and an extra boot of their own.
  @Test func linesAfterABootsLastButBeforeTheNextAreItsOwn() {
    let syslog = kernelBoot("03-01 10:00:00") + [L(time: "03-01 11:00:00", tag: "rsyslogd", msg: rsyslogExit)]
      + kernelBoot("03-01 11:01:00") + [work("03-01 11:55:00")] + kernelBoot("03-01 12:30:00")
    let panic = [
      L(time: "03-01 11:58:30", tag: "kernel", msg: "Oops: 0000 [#1] PREEMPT SMP NOPTI", uptime: 3450.1),
      L(time: "03-01 11:58:30", tag: "kernel", msg: "Kernel panic - not syncing: Fatal exception", uptime: 3450.2),
    ]
    let r = analyze(syslog, streams: [panic])
    #expect(r.hosts.count == 1)
    #expect(r.hosts[0].boots.map(\.ending) == [.reboot, .kernelPanic, .running])
    #expect(r.hosts[0].boots[1].lastSignOfLife == L(time: "03-01 11:58:30", tag: "", msg: "").micros)
    // After the next boot began, they are not the earlier boot's.
    let late = [L(time: "03-01 12:40:00", tag: "kernel", msg: "Kernel panic - not syncing: x", uptime: 600)]
    #expect(analyze(syslog, streams: [late]).hosts[0].boots.map(\.ending) == [.reboot, .powerLoss, .kernelPanic])
  }

  /// Alpine's BusyBox syslogd writes `facility.level` after the host: its kernel banner opens boots, and its
  /// `syslogd exiting` tells a clean reboot from a power loss.
  @Test func busyBoxSyslogBootsAndEndings() throws {
    let dir = SyslogTestFiles.tempDir()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    func boot(_ t: String) -> String {
      """
      Mar 10 \(t) alpine syslog.info syslogd started: BusyBox v1.36.1
      Mar 10 \(t) alpine kern.notice kernel: Linux version 6.6.14-0-virt (buildozer@build-3-19-x86_64) (gcc 13.2.1)
      Mar 10 \(t) alpine kern.info kernel: Command line: BOOT_IMAGE=vmlinuz-virt root=UUID=1 modules=sd-mod quiet

      """
    }
    let text = boot("00:00:01") + """
      Mar 10 06:00:00 alpine authpriv.info sshd[99]: Accepted publickey for ops from 10.0.0.5 port 50122 ssh2
      Mar 10 06:00:01 alpine syslog.info syslogd exiting

      """ + boot("06:01:01") + """
      Mar 10 09:30:00 alpine daemon.info crond[2301]: USER root pid 4242 cmd run-parts /etc/periodic/15min

      """ + boot("09:45:12")
    SyslogTestFiles.write(dir + "/messages", text)
    let result = Analyzer.run(AnalysisOptions(paths: [dir], ingest: IngestOptions(year: 2024, timeZone: "UTC")))
    #expect(result.hosts.map(\.name) == ["alpine"])
    #expect(result.hosts.first?.boots.map(\.ending) == [.reboot, .powerLoss, .running])
  }

  /// BusyBox syslogd `-S` names no host: two routers' files in two folders stay two machines, each named after its
  /// folder, and the daemon's start and exit lines still open and close boots.
  @Test func hostlessBusyBoxFilesOfTwoRouters() throws {
    let dir = SyslogTestFiles.tempDir()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    func boot(_ t: String) -> String {
      """
      Mar 10 \(t) syslogd started: BusyBox v1.36.1
      Mar 10 \(t) kernel: [    0.000000] Booting Linux on physical CPU 0x0
      Mar 10 \(t) kernel: [    0.000000] Linux version 6.1.0 (builder@host) (gcc 12.2.0) #1 SMP

      """
    }
    // Router a: a clean restart of the daemon before its reboot, then a silent end, then the running boot.
    let a = boot("00:00:01") + "Mar 10 06:00:00 dropbear[99]: Child connection from 10.0.0.5:50122\n"
      + "Mar 10 06:00:01 syslogd exiting\n" + boot("06:01:01")
      + "Mar 10 09:30:00 dropbear[120]: Child connection from 10.0.0.5:50200\n" + boot("09:45:12")
    // Router b: one boot, running, whose lines interleave in time with router a's.
    let b = boot("05:00:00") + "Mar 10 08:00:00 dropbear[77]: Child connection from 10.0.0.6:40000\n"
    try FileManager.default.createDirectory(atPath: dir + "/a", withIntermediateDirectories: true)
    try FileManager.default.createDirectory(atPath: dir + "/b", withIntermediateDirectories: true)
    SyslogTestFiles.write(dir + "/a/messages", a)
    SyslogTestFiles.write(dir + "/b/messages", b)
    let result = Analyzer.run(AnalysisOptions(paths: [dir], ingest: IngestOptions(year: 2024, timeZone: "UTC")))
    #expect(result.hosts.map(\.name) == ["unknown (\(dir)/a)", "unknown (\(dir)/b)"])
    #expect(result.hosts.first?.boots.map(\.ending) == [.reboot, .powerLoss, .running])
    #expect(result.hosts.last?.boots.map(\.ending) == [.running])

    // Beside a file that names a host, the host-less file keeps its own name: the folder may hold another
    // machine's logs, and joining them would move that machine's last sign of life.
    SyslogTestFiles.write(dir + "/b/auth.log", "Mar 10 08:30:00 gw-b dropbear[77]: Child connection from 10.0.0.6:40000\n")
    let named = Analyzer.run(AnalysisOptions(paths: [dir], ingest: IngestOptions(year: 2024, timeZone: "UTC")))
    #expect(named.hosts.map(\.name) == ["gw-b", "unknown (\(dir)/a)", "unknown (\(dir)/b)"])
    #expect(named.hosts.last?.boots.map(\.ending) == [.running])
  }

  /// A silence right after the file system stopped taking writes is no confident power loss: the shutdown lines
  /// may have had nowhere to go. The incident says so and its confidence drops.
  @Test func silenceAfterAFullFileSystemLowersConfidence() throws {
    func report(full: Bool) -> AnalysisResult {
      let dir = SyslogTestFiles.tempDir()
      defer { try? FileManager.default.removeItem(atPath: dir) }
      func boot(_ t: String) -> String {
        """
        Mar 10 \(t) db-1 kernel: [    0.000000] Linux version 6.1.0-21-amd64 (debian-kernel@lists.debian.org) (gcc-12)
        Mar 10 \(t) db-1 rsyslogd: [origin software="rsyslogd" swVersion="8.2302.0" x-pid="512" x-info="https://www.rsyslog.com"] start

        """
      }
      let enospc = full ? """
        Mar 10 05:00:00 db-1 postgres[800]: PANIC:  could not write to file "pg_wal/xlogtemp.800": No space left on device
        Mar 10 05:00:05 db-1 rsyslogd: file '/var/log/syslog': write error - see https://www.rsyslog.com/solving-rsyslog-write-errors/ for help OS error: No space left on device

        """ : ""
      let text = boot("00:00:01") + """
        Mar 10 04:59:00 db-1 CRON[4242]: (root) CMD (command -v debian-sa1 > /dev/null && debian-sa1 1 1)

        """ + enospc + boot("05:30:00")
      SyslogTestFiles.write(dir + "/syslog", text)
      return Analyzer.run(AnalysisOptions(paths: [dir], ingest: IngestOptions(year: 2024, timeZone: "UTC")))
    }
    let full = report(full: true)
    #expect(full.hosts.first?.boots.map(\.ending) == [.powerLoss, .running])
    let incident = try #require(full.incidents.first)
    #expect(incident.factors.contains { $0.factor == "log-writes-failing" && $0.delta == -0.3 })
    #expect(incident.confidence == 0.4)
    let plain = report(full: false)
    #expect(plain.incidents.first?.factors.contains { $0.factor == "log-writes-failing" } == false)
    #expect(plain.incidents.first?.confidence == 0.7)
  }
}
