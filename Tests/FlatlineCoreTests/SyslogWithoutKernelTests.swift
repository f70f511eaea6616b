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
  }
}
