import Testing

@testable import FlatlineCore

/// A `syslog` that gets no kernel lines (rsyslog's `kern.none` on it, the kernel's lines only in `kern.log`, as
/// admins set up to keep firewall logging out of it) shows no boot start of its own. It still has the syslog
/// daemon's start line at every boot, and the shutdown lines and last records before each. Read as one boot running
/// across kern.log's boots, every ending was `unknown`, a power loss among them.
@Suite struct SyslogWithoutKernelTests {
  static func start(_ t: String) -> L { L(time: t, tag: "rsyslogd", msg: rsyslogStart) }
  static func exit(_ t: String) -> L { L(time: t, tag: "rsyslogd", msg: rsyslogExit) }
  static func app(_ t: String) -> L {
    L(time: t, tag: "postgres", msg: "LOG:  checkpoint starting: time", pid: 900)
  }

  /// kern.log: three boots, at 08:00, 10:16 and 13:02.
  static let kern = kernelBoot("03-10 08:00:05") + kernelBoot("03-10 10:16:05") + kernelBoot("03-10 13:02:45")

  /// syslog: a clean reboot at 10:15, power lost after 12:41 (journald's notice at the next boot). `restart`: the
  /// daemon is restarted at 11:30 within the second boot (a package upgrade).
  static func syslog(restart: Bool = false, startLineOfSecondBoot: Bool = true) -> [L] {
    var out = [
      start("03-10 08:00:07"), work("03-10 08:00:08"), app("03-10 09:00:00"),
      L(time: "03-10 10:15:09", tag: "systemd", msg: "Stopping rsyslog.service - System Logging Service...", pid: 1),
      exit("03-10 10:15:10"),
    ]
    if startLineOfSecondBoot { out.append(start("03-10 10:16:07")) }
    out += [work("03-10 10:16:08"), app("03-10 11:00:00")]
    if restart { out += [exit("03-10 11:30:00"), start("03-10 11:30:01")] }
    out += [
      app("03-10 12:41:22"), start("03-10 13:02:47"),
      L(time: "03-10 13:02:47", tag: "systemd-journald",
        msg: "File /var/log/journal/abc/system.journal corrupted or uncleanly shut down, renaming and replacing.",
        pid: 250),
      work("03-10 13:02:48"),
    ]
    return out
  }

  @Test func bootsEndAsTheSyslogShowsAtItsDaemonStarts() {
    for restart in [false, true] {
      for order in [0, 1] {
        let r = order == 0 ? analyze(Self.kern, streams: [Self.syslog(restart: restart)])
          : analyze(Self.syslog(restart: restart), streams: [Self.kern])
        #expect(r.hosts.count == 1)
        let boots = r.hosts[0].boots
        #expect(boots.map(\.ending) == [.reboot, .powerLoss, .running], "restart \(restart), order \(order)")
        guard boots.count == 3 else { continue }
        #expect(boots[0].evidence.contains { $0.kind == .shutdownMarker && $0.message.contains("exiting on signal") })
        #expect(boots[1].lastSignOfLife == L(time: "03-10 12:41:22", tag: "", msg: "").micros)
        #expect(boots[1].evidence.contains { $0.kind == .lastSignOfLife && $0.message.contains("checkpoint") })
        #expect(boots[1].evidence.contains { $0.kind == .journalUncleanNotice })
      }
    }
  }

  /// A boot of kern.log whose start line the syslog lacks: the syslog's lines around it are not all there, so it is
  /// not split, and kern.log alone cannot tell how a boot ended.
  @Test func aBootWithoutStartLineLeavesTheSyslogWhole() {
    let r = analyze(Self.kern, streams: [Self.syslog(startLineOfSecondBoot: false)])
    #expect(r.hosts[0].boots.map(\.ending) == [.unknown, .unknown, .running])
  }

  /// Start lines no other stream confirms are daemon restarts: a syslog alone stays one boot.
  @Test func startLinesAloneAreNotBoots() {
    let r = analyze(Self.syslog(restart: true))
    #expect(r.hosts[0].boots.count == 1)
    #expect(r.hosts[0].boots[0].ending == .running)
    // Said, once: nothing in this host's logs can tell a boot from a restart.
    let blind = r.inputs[0].warnings.filter { $0.hasPrefix("no kernel line here and no boot start") }
    #expect(blind.count == 1, "\(r.inputs[0].warnings)")
    // Line 1 is a start line; the one at 11:30:01, a second after the daemon's exit, is a restart.
    #expect(blind.first?.contains("(the first at line 1)") == true)
    // A day inside one boot with only a restart of the daemon (its start a second after its exit): nothing to say.
    let restartOnly = analyze([
      work("03-10 11:00:00"), Self.exit("03-10 11:30:00"), Self.start("03-10 11:30:01"), Self.app("03-10 12:00:00"),
    ])
    #expect(restartOnly.inputs[0].warnings.allSatisfy { !$0.hasPrefix("no kernel line here") })
    // Where kern.log shows the boots, or PID 1's lines do, the start lines were judged: nothing to say.
    for judged in [analyze(Self.syslog(restart: true), streams: [Self.kern]), analyze(Self.syslogWithStartupLines())] {
      #expect(judged.inputs.allSatisfy { $0.warnings.allSatisfy { !$0.hasPrefix("no kernel line here") } })
    }
  }

  /// PID 1's line when a boot's start-up jobs are done, `elapsed` after the kernel started.
  static func finished(_ t: String, _ elapsed: String = "2.093s (kernel) + 4.431s (initrd) + 17.592s (userspace) = 24.116s.")
    -> L
  {
    L(time: t, tag: "systemd", msg: "Startup finished in \(elapsed)", pid: 1)
  }

  /// The syslog with PID 1's `Startup finished` line about 24 s into each boot (kernel starts at 08:00:05,
  /// 10:16:05, 13:02:45, as in `kern`).
  static func syslogWithStartupLines(restart: Bool = false) -> [L] {
    var out: [L] = []
    for l in syslog(restart: restart) {
      out.append(l)
      if l.msg == rsyslogStart, !(restart && l.time == "03-10 11:30:01") {
        let kernel = ["03-10 08:00:07": "03-10 08:00:29", "03-10 10:16:07": "03-10 10:16:29",
          "03-10 13:02:47": "03-10 13:03:09"][l.time]!
        out.append(finished(kernel))
      }
    }
    return out.sorted { $0.micros < $1.micros }
  }

  /// No kernel lines anywhere (`kern.none` on the only text log, as RHEL's `messages` without a `kern.log`): PID 1's
  /// `Startup finished in … (kernel) …` line says when each boot's kernel started, and the daemon's start line
  /// there begins the boot. The daemon restarted at 11:30 has no such line: it stays a restart.
  @Test func startupLinesPlaceBootsWithoutKernelLines() {
    for restart in [false, true] {
      let r = analyze(Self.syslogWithStartupLines(restart: restart))
      #expect(r.hosts.count == 1)
      let boots = r.hosts[0].boots
      #expect(boots.map(\.ending) == [.reboot, .powerLoss, .running], "restart \(restart)")
      guard boots.count == 3 else { continue }
      #expect(boots[0].evidence.contains { $0.kind == .shutdownMarker && $0.message.contains("exiting on signal") })
      #expect(boots[1].lastSignOfLife == L(time: "03-10 12:41:22", tag: "", msg: "").micros)
      #expect(boots[2].start == L(time: "03-10 13:02:47", tag: "", msg: "").micros)
    }
  }

  /// A start the line tells that no daemon start line is near (the start line lost), and lines without a kernel
  /// phase (a container's manager, a user manager), split nothing.
  @Test func startupLinesWithoutStartLineOrKernelPhaseSplitNothing() {
    let lost = Self.syslogWithStartupLines().filter { !($0.msg == rsyslogStart && $0.time == "03-10 10:16:07") }
    #expect(analyze(lost).hosts[0].boots.map(\.ending) == [.running])
    let container = Self.syslog().flatMap { l in
      l.msg == rsyslogStart ? [l, Self.finished(l.time, "1.204s.")] : [l]
    }
    #expect(analyze(container).hosts[0].boots.map(\.ending) == [.running])
  }

  @Test func startupSpanAddsTheKernelsPhases() {
    func span(_ s: String) -> Int64? {
      Array(s.utf8).withBytes { SignalClassifier.startupSpan($0) }
    }
    #expect(span("2.093s (kernel) + 4.431s (initrd) + 17.592s (userspace) = 24.116s.") == 24_116_000)
    #expect(span("5.069s (firmware) + 2.310s (loader) + 1.888s (kernel) + 1min 28.442s (userspace) = 1min 37.709s.")
      == 90_330_000)
    #expect(span("865ms (kernel) + 3.2s (userspace) = 4.065s.") == 4_065_000)
    #expect(span("1h 2min 3s (kernel) + 500us (userspace) = 1h 2min 3.0005s.") == 3_723_000_500)
    #expect(span("1.204s.") == nil)
    #expect(span("1.204s (userspace) = 1.204s.") == nil)
    #expect(span("soon (kernel)") == nil)
    // Nonsense that would overflow, or more than a week: no start-up.
    #expect(span("999999999999d (kernel) + 1s (userspace) = 2s.") == nil)
    #expect(span("4d (kernel) + 4d (userspace) = 8d.") == nil)
  }

  /// rsyslog reading the journal (RHEL's imjournal) writes a boot's first lines, PID 1's among them, before its own
  /// start line. They begin the boot: the boot before ends with its own last line, not with them.
  @Test func aBootBeginsAtPIDOnesFirstLineBeforeTheStartLine() {
    func early(_ t: String) -> [L] {
      [
        L(time: t, tag: "systemd", msg: "systemd 252-46.el9_5 running in system mode (+PAM +AUDIT +SELINUX -APPARMOR)", pid: 1),
        L(time: t, tag: "systemd", msg: "Detected virtualization kvm.", pid: 1),
        L(time: t, tag: "systemd-journald", msg: "Journal started", pid: 642),
      ]
    }
    let lines: [L] = [
      Self.start("03-10 08:00:07"), work("03-10 08:00:08"), Self.app("03-10 09:00:00"),
      L(time: "03-10 10:15:08", tag: "systemd-logind", msg: "System is rebooting.", pid: 702),
      Self.exit("03-10 10:15:10"),
    ] + early("03-10 10:16:06") + [
      Self.start("03-10 10:16:09"), Self.finished("03-10 10:16:28", "0.912s (kernel) + 2.104s (initrd) + 20.480s (userspace) = 23.496s."),
      Self.app("03-10 12:41:22"),
    ] + early("03-10 13:02:46") + [
      Self.start("03-10 13:02:49"), Self.finished("03-10 13:03:09"), work("03-10 13:03:10"),
    ]
    let boots = analyze(lines).hosts[0].boots
    #expect(boots.map(\.ending) == [.reboot, .powerLoss, .running])
    guard boots.count == 3 else { return }
    #expect(boots[0].lastSignOfLife == L(time: "03-10 10:15:10", tag: "", msg: "").micros)
    #expect(boots[1].start == L(time: "03-10 10:16:06", tag: "", msg: "").micros)
    #expect(boots[1].lastSignOfLife == L(time: "03-10 12:41:22", tag: "", msg: "").micros)
    #expect(boots[2].start == L(time: "03-10 13:02:46", tag: "", msg: "").micros)
  }

  /// A board without a clock (a Raspberry Pi's fake-hwclock) starts each boot at the time it saved last: the next
  /// boot's lines are stamped before the last lines of the one it follows. Each `Startup finished` line confirms a
  /// start line written after the one before it, not the first start line stamped in its window (the boot before
  /// has one at 11:50:26, PID 1's `Started System Logging Service.`).
  @Test func bootsOverlappingInTimeAreSplitInTheStreamsOrder() {
    let started = L(time: "05-27 11:50:26", tag: "systemd", msg: "Started System Logging Service.", pid: 1)
    let lines: [L] = [
      Self.start("05-27 11:50:26"), started, work("05-27 11:50:27"),
      Self.finished("05-27 11:52:10", "2.100s (kernel) + 1min 54.613s (userspace) = 1min 56.714s."),
      Self.app("05-27 12:06:50"),
      L(time: "05-27 11:50:21", tag: "rsyslogd", msg: rsyslogStart, nul: 149), work("05-27 11:50:22"),
      Self.finished("05-27 11:50:25", "2.112s (kernel) + 9.566s (userspace) = 11.678s."), work("05-27 11:50:30"),
    ]
    let boots = analyze(lines).hosts[0].boots
    #expect(boots.map(\.ending) == [.powerLoss, .running])
    guard boots.count == 2 else { return }
    #expect(boots[0].lastSignOfLife == L(time: "05-27 12:06:50", tag: "", msg: "").micros)
    #expect(boots[1].start == L(time: "05-27 11:50:21", tag: "", msg: "").micros)
  }

  /// The admin set `kern.none` during the first boot (and there is no kern.log): that boot began with a banner, the
  /// next two show none. Their `Startup finished` lines still place them; the daemon restart that came with the
  /// change is not a boot.
  @Test func bootsAfterKernelLinesStopArePlacedByTheirStartupLines() {
    let first = kernelBoot("03-10 08:00:05") + [
      Self.start("03-10 08:00:07"), Self.finished("03-10 08:00:29"), work("03-10 08:00:30"),
      // kern.none from here on: rsyslog restarted.
      Self.exit("03-10 09:30:00"), Self.start("03-10 09:30:01"),
    ]
    let rest = Self.syslogWithStartupLines(restart: true).filter { $0.micros > L(time: "03-10 09:30:01", tag: "", msg: "").micros }
    for restart in [false, true] {
      let lines = (first + rest).filter { restart || $0.time != "03-10 11:30:00" && $0.time != "03-10 11:30:01" }
      let boots = analyze(lines).hosts[0].boots
      #expect(boots.map(\.ending) == [.reboot, .powerLoss, .running], "restart \(restart)")
      guard boots.count == 3 else { continue }
      #expect(boots[0].start == L(time: "03-10 08:00:05", tag: "", msg: "").micros)
      #expect(boots[0].lastSignOfLife == L(time: "03-10 10:15:10", tag: "", msg: "").micros)
      #expect(boots[1].start == L(time: "03-10 10:16:07", tag: "", msg: "").micros)
      #expect(boots[1].lastSignOfLife == L(time: "03-10 12:41:22", tag: "", msg: "").micros)
      #expect(boots[2].start == L(time: "03-10 13:02:47", tag: "", msg: "").micros)
    }
    // The banner's own boot writes its line too: a stream whose every boot shows a banner is not split again.
    let banners = kernelBoot("03-10 08:00:05") + [Self.start("03-10 08:00:07"), Self.finished("03-10 08:00:29")]
      + kernelBoot("03-10 10:16:05") + [Self.start("03-10 10:16:07"), Self.finished("03-10 10:16:29")]
    #expect(analyze(banners).hosts[0].boots.count == 2)
  }

  /// rsyslog writes a boot's first userspace lines before its own start line, in the same second (a Raspberry Pi's
  /// `systemd-modules-load` lines): they begin the new boot, as they do where a banner opens it. Read as the old
  /// boot's, its last sign of life was the new boot's first line, and the downtime none.
  @Test func linesOfTheStartLinesSecondBeforeItBeginTheBoot() {
    let modules = [
      L(time: "03-10 10:16:07", tag: "systemd-modules-load", msg: "Inserted module 'fuse'", pid: 110),
      L(time: "03-10 10:16:07", tag: "systemd-modules-load", msg: "Inserted module 'i2c_dev'", pid: 110),
    ]
    var lines: [L] = []
    for l in Self.syslogWithStartupLines() {
      if l.msg == rsyslogStart && l.time == "03-10 10:16:07" { lines += modules }
      lines.append(l)
    }
    let boots = analyze(lines).hosts[0].boots
    #expect(boots.map(\.ending) == [.reboot, .powerLoss, .running])
    guard boots.count == 3 else { return }
    #expect(boots[0].lastSignOfLife == L(time: "03-10 10:15:10", tag: "", msg: "").micros)
    #expect(boots[1].start == L(time: "03-10 10:16:07", tag: "", msg: "").micros)
    let next = boots[0].evidence.first { $0.kind == .nextBoot }
    #expect(next?.message == "Inserted module 'fuse'", "\(boots[0].evidence)")
  }
}
