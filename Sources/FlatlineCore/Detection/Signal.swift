/// What one record means for the boot state machine. Most records mean nothing (`.none`).
public enum Signal: Equatable, Sendable {
  case none
  /// A kernel boot banner: `Linux version …`, `Booting Linux …`, `Command line: …`, `Kernel command line: …`.
  case bootBanner
  /// A syslog daemon (re)starting: rsyslog `… start`, syslog-ng `starting up`, BusyBox `syslogd started`,
  /// sysklogd `restart.`. A boot only when a kernel banner follows; alone it is a service restart.
  case syslogDaemonStart
  /// A syslog daemon exiting (rsyslog `exiting on signal N.`, syslog-ng `shutting down`, BusyBox
  /// `syslogd exiting`): the last words of a clean shutdown, unless the daemon starts again in the same boot.
  case syslogDaemonExit
  /// rsyslog's imjournal found its state file invalid or missing and reads the journal again from its first entry
  /// (`imjournal: ignoring invalid state file …`, `imjournal: No statefile exists, …`): with a persistent journal,
  /// lines that repeat what the log already holds, stamped when they first happened (`BootSequencer.Reread`).
  case syslogJournalReread
  /// `Stopping System Logging Service...`: part of a shutdown, or of a syslog restart (weak).
  case syslogServiceStopping
  /// journald `Journal started` (cancels an earlier `Journal stopped` of the same boot: a journald restart).
  case journalStarted
  /// journald `Journal stopped`.
  case journalStopped
  /// A shutdown-sequence marker that only a system shutdown writes.
  case shutdown(ShutdownDirection)
  case kernelPanic
  case watchdog
  /// journald's `corrupted or uncleanly shut down` notice.
  case journalUncleanNotice
  /// Filesystem journal recovery (ext3/4, XFS, btrfs, e2fsck, FAT dirty bit).
  case filesystemRecovery
  /// PID 1's `Startup finished in 1.9s (kernel) + 4.2s (initrd) + 28.4s (userspace) = 34.5s.`, written once per boot
  /// when its start-up jobs are done: the kernel started `sinceKernel` µs before this line. Only a boot's own
  /// manager names a kernel phase (a container's or a user manager's line has none), and `daemon-reexec` does not
  /// write it again. Text without kernel lines (`kern.none`) still shows where each boot began
  /// (`HostMerger.splitAtDaemonStarts`).
  case startupFinished(sinceKernel: Int64)
  /// PID 1's `systemd 252 running in system mode (…)`: the system manager starting (in the initrd, and again after
  /// it hands over to the root file system), or executing itself again (`daemon-reexec`, at upgrades). Not a boot
  /// alone. In text without kernel lines it is where a boot's lines begin: rsyslog reading the journal writes the
  /// boot's first lines before its own start line (`BootState.DaemonMark`).
  case systemManagerStart

  /// A line where a boot may begin in text without kernel lines (`BootState.DaemonMark`).
  var isStartLine: Bool {
    switch self {
    case .syslogDaemonStart, .systemManagerStart: return true
    default: return false
    }
  }
}

public enum ShutdownDirection: Sendable, Equatable {
  case reboot
  case poweroff
  case unspecified
}

/// Classifies records. Cheap first checks on the identifier, memmem only where a marker can be.
public enum SignalClassifier {
  public static func classify(_ r: Record) -> Signal {
    let id = r.identifier
    let m = r.message
    if r.isKernel || id.equals("kernel") { return classifyKernel(m) }
    if !r.messageID.isEmpty, let s = classifyMessageID(r) { return s }
    guard id.count > 0 else { return classifyUntagged(m) }
    switch id[0] {
    case UInt8(ascii: "r"):
      if id.hasPrefix("rsyslogd") { return classifyRsyslogd(m) }
    case UInt8(ascii: "j"):
      // journald's own identifier in systemd 219 (RHEL/CentOS 7): `journal: Runtime journal is using …`,
      // `journal: File /var/log/journal/…/system.journal corrupted or uncleanly shut down, renaming and replacing.`
      if id.equals("journal") { return classifyJournald(m) }
    case UInt8(ascii: "l"):
      // RHEL/CentOS 7's rsyslog 8.24 writes its own lines under liblogging-stdlog's identifier:
      // `liblogging-stdlog:  [origin software="rsyslogd" …] exiting on signal 15.`
      if id.equals("liblogging-stdlog") { return classifyRsyslogd(m) }
    case UInt8(ascii: "s"):
      // Only PID 1 speaks for the system; a user manager (`systemd[1234]`) also reaches its `Shutdown` target.
      if id.equals("systemd") { return r.pid <= 1 ? classifySystemd(m) : .none }
      if id.equals("systemd-logind") || id.equals("elogind") { return classifyLogind(m) }
      if id.equals("systemd-journald") || id.equals("systemd-journal") { return classifyJournald(m) }
      if id.equals("systemd-shutdown") {
        if m.hasPrefix("Rebooting") { return .shutdown(.reboot) }
        if m.hasPrefix("Powering off") || m.hasPrefix("Halting") { return .shutdown(.poweroff) }
        return .shutdown(.unspecified)
      }
      if id.equals("systemd-fsck") { return fsckSignal(m) }
      if id.equals("syslog-ng") {
        if m.hasPrefix("syslog-ng starting up") { return .syslogDaemonStart }
        if m.hasPrefix("syslog-ng shutting down") { return .syslogDaemonExit }
        return .none
      }
      if id.equals("syslogd") || id.hasPrefix("syslogd ") { return classifySyslogd(m) }
      if id.equals("shutdown") { return classifySysvShutdown(m) }
    case UInt8(ascii: "i"):
      if id.equals("init") {
        if m.hasPrefix("Switching to runlevel: 0") { return .shutdown(.poweroff) }
        if m.hasPrefix("Switching to runlevel: 6") { return .shutdown(.reboot) }
        return .none
      }
    case UInt8(ascii: "f"):
      if id.hasPrefix("fsck") { return fsckSignal(m) }
    case UInt8(ascii: "e"):
      if id.hasPrefix("e2fsck") { return m.contains("recovering journal") ? .filesystemRecovery : .none }
    default:
      break
    }
    return .none
  }

  /// Classifies a record of a wtmp/utmp input (as `WtmpSource` describes it), with `last -x` semantics: a
  /// `reboot system boot` record opens a boot; a `shutdown system down` record, or a runlevel record to level 0
  /// or 6, is a clean shutdown marker; the audit log's `SYSTEM_BOOT`, `SYSTEM_SHUTDOWN` and runlevel 0/6 events
  /// (`AuditSource`) likewise. Call it only for records of `.wtmp` and `.audit` inputs (the engine checks the input
  /// kind), so that a syslog line tagged `wtmp` can never fake a boot.
  public static func classifyLoginRecord(_ r: Record) -> Signal {
    let m = r.message
    guard m.count >= 18 else { return .none }
    if m.hasPrefix("reboot system boot") { return .bootBanner }
    if m.hasPrefix("shutdown system down") { return .shutdown(.unspecified) }
    if m.hasPrefix("runlevel (to lvl 0)") { return .shutdown(.poweroff) }
    if m.hasPrefix("runlevel (to lvl 6)") { return .shutdown(.reboot) }
    if m.hasPrefix("type=SYSTEM_") { return classifyAudit(m.dropFirst(12)) }
    return .none
  }

  /// The audit log's boot and shutdown events (`AuditSource`), after `type=SYSTEM_`.
  static func classifyAudit(_ m: Bytes) -> Signal {
    if m.hasPrefix("BOOT ") { return .bootBanner }
    if m.hasPrefix("SHUTDOWN ") { return .shutdown(.unspecified) }
    if m.hasPrefix("RUNLEVEL ") {
      if m.contains("new-level=0 ") { return .shutdown(.poweroff) }
      if m.contains("new-level=6 ") { return .shutdown(.reboot) }
    }
    return .none
  }

  /// e2fsck replaying a journal, fsck.fat finding the dirty bit: the filesystem was not unmounted.
  static func fsckSignal(_ m: Bytes) -> Signal {
    if m.contains(": recovering journal") || m.contains("Dirty bit is set") { return .filesystemRecovery }
    return .none
  }

  /// Lines whose program is not a separate token, e.g. sysklogd's `syslogd 1.4.1: restart.` parsed as message.
  static func classifySyslogd(_ m: Bytes) -> Signal {
    if m.hasPrefix("restart") || m.hasSuffix(": restart.") || m.hasPrefix("started: BusyBox")
      || m.hasPrefix("syslogd started") || m.hasSuffix("restart.")
    {
      return .syslogDaemonStart
    }
    if m.hasPrefix("exiting") || m.contains("exiting on signal") { return .syslogDaemonExit }
    return .none
  }

  /// rsyslog's own lines: `[origin software="rsyslogd" …] start` / `… exiting on signal 15.` (`… rsyslogd was
  /// HUPed` is a rotation, no signal), and imjournal's notice that it reads the journal again.
  static func classifyRsyslogd(_ m: Bytes) -> Signal {
    // The state file is written now and then; one left empty or torn by a power loss is ignored (rsyslog 8.24 and
    // later, `IgnoreNonValidStatefile` on by default), and one that is missing is created: either way imjournal
    // starts again at the journal's head.
    if m.hasPrefix("imjournal: ignoring invalid state file") || m.hasPrefix("imjournal: No statefile exists") {
      return .syslogJournalReread
    }
    guard m.contains("origin software=\"rsyslogd\"") else { return .none }
    if m.hasSuffix("] start") { return .syslogDaemonStart }
    if m.contains("] exiting on signal") { return .syslogDaemonExit }
    return .none
  }

  static func classifyUntagged(_ m: Bytes) -> Signal {
    if m.hasPrefix("syslogd ") { return classifySyslogd(m.dropFirst(8)) }
    return .none
  }

  static func classifySysvShutdown(_ m: Bytes) -> Signal {
    if m.hasPrefix("shutting down for system reboot") { return .shutdown(.reboot) }
    if m.hasPrefix("shutting down for system halt") || m.hasPrefix("shutting down for system power") {
      return .shutdown(.poweroff)
    }
    return .none
  }

  static func classifySystemd(_ m: Bytes) -> Signal {
    guard m.count >= 9 else { return .none }
    switch m[0] {
    case UInt8(ascii: "R"):
      // `Reached target Shutdown.` (old) / `Reached target shutdown.target - System Shutdown.` (new)
      guard m.hasPrefix("Reached target ") else { return .none }
      let t = m.dropFirst(15)
      if t.hasPrefix("Reboot") || t.hasPrefix("reboot.target") || t.hasPrefix("System Reboot")
        || t.hasPrefix("kexec") || t.hasPrefix("Reboot via kexec")
      {
        return .shutdown(.reboot)
      }
      if t.hasPrefix("Power-Off") || t.hasPrefix("poweroff.target") || t.hasPrefix("System Power Off")
        || t.hasPrefix("Halt") || t.hasPrefix("halt.target") || t.hasPrefix("System Halt")
      {
        return .shutdown(.poweroff)
      }
      if t.hasPrefix("Shutdown") || t.hasPrefix("shutdown.target") || t.hasPrefix("System Shutdown")
        || t.hasPrefix("Final Step") || t.hasPrefix("final.target") || t.hasPrefix("Late Shutdown Services")
      {
        return .shutdown(.unspecified)
      }
      return .none
    case UInt8(ascii: "S"):
      if m.equals("Shutting down.") { return .shutdown(.unspecified) }
      if m.hasPrefix("Startup finished in ") {
        return startupSpan(m.dropFirst(20)).map { .startupFinished(sinceKernel: $0) } ?? .none
      }
      if m.hasPrefix("Stopping System Logging Service") || m.hasPrefix("Stopping rsyslog.service")
        || m.hasPrefix("Stopping syslog-ng.service") || m.hasPrefix("Stopping System Logger Daemon")
      {
        return .syslogServiceStopping
      }
      // The syslog daemon back up (a restart): in `daemon.log` the daemon's own start line is missing (it logs to
      // the syslog facility), and the stop above stood as a shutdown marker for the rest of the boot.
      if m.hasPrefix("Started System Logging Service") || m.hasPrefix("Started rsyslog.service")
        || m.hasPrefix("Started syslog-ng.service") || m.hasPrefix("Started System Logger Daemon")
      {
        return .syslogDaemonStart
      }
      return .none
    case UInt8(ascii: "s"):
      return m.hasPrefix("systemd ") && m.contains(" running in system mode") ? .systemManagerStart : .none
    case UInt8(ascii: "F"):
      if m.hasPrefix("Finished systemd-reboot.service") { return .shutdown(.reboot) }
      if m.hasPrefix("Finished systemd-poweroff.service") || m.hasPrefix("Finished systemd-halt.service") {
        return .shutdown(.poweroff)
      }
      return .none
    default:
      return .none
    }
  }

  /// The time from the kernel's start to a `Startup finished in …` line, from the text after `in `: the sum of the
  /// `(kernel)`, `(initrd)` and `(userspace)` phases (firmware and loader run before the kernel). Nil without a
  /// kernel phase, or for text that is not a list of `<timespan> (<phase>)` joined by ` + `.
  static func startupSpan(_ m: Bytes) -> Int64? {
    // `… (userspace) = 34.523s.`: the total after `=` is not needed.
    let end = m.find(" = ") ?? m.count
    var sum: Int64 = 0
    var sawKernel = false
    var i = 0
    while i < end {
      var j = i
      while j < end, m[j] != UInt8(ascii: "(") { j += 1 }
      guard j < end, j > i + 1, m[j - 1] == UInt8(ascii: " "), let span = timespan(m.slice(i, j - 1)) else { return nil }
      var k = j + 1
      while k < end, m[k] != UInt8(ascii: ")") { k += 1 }
      guard k < end else { return nil }
      let phase = m.slice(j + 1, k)
      if phase.equals("kernel") {
        sawKernel = true
        sum += span
      } else if phase.equals("initrd") || phase.equals("userspace") {
        sum += span
      }
      i = k + 1
      if i < end {
        guard m.slice(i, end).hasPrefix(" + ") else { return nil }
        i += 3
      }
    }
    return sawKernel && sum <= longestSpan ? sum : nil
  }

  /// A systemd time span (`format_timespan`): `345ms`, `2.093s`, `1min 2.345s`, `1h 2min 3s`, in µs.
  static func timespan(_ t: Bytes) -> Int64? {
    var total: Int64 = 0
    var i = 0
    var parts = 0
    while i < t.count {
      if t[i] == UInt8(ascii: " ") {
        i += 1
        continue
      }
      var whole: Int64 = 0
      var fraction: Int64 = 0
      var scale: Int64 = 1
      var digits = 0
      while i < t.count, t[i] >= 0x30, t[i] <= 0x39, digits < 12 {
        whole = whole * 10 + Int64(t[i] - 0x30)
        i += 1
        digits += 1
      }
      guard digits > 0 else { return nil }
      if i < t.count, t[i] == UInt8(ascii: ".") {
        i += 1
        while i < t.count, t[i] >= 0x30, t[i] <= 0x39 {
          if scale < 1_000_000 {
            fraction = fraction * 10 + Int64(t[i] - 0x30)
            scale *= 10
          }
          i += 1
        }
      }
      let u = i
      while i < t.count, t[i] != UInt8(ascii: " "), !(t[i] >= 0x30 && t[i] <= 0x39) { i += 1 }
      let unit = t.slice(u, i)
      let per: Int64
      if unit.equals("us") || unit.equals("µs") || unit.equals("μs") {
        per = 1
      } else if unit.equals("ms") {
        per = 1_000
      } else if unit.equals("s") {
        per = 1_000_000
      } else if unit.equals("min") {
        per = 60_000_000
      } else if unit.equals("h") {
        per = 3_600_000_000
      } else if unit.equals("d") {
        per = 86_400_000_000
      } else {
        return nil
      }
      // (A span longer than a week is no start-up: refused before it can overflow.)
      guard whole <= Self.longestSpan / per else { return nil }
      total += whole * per + fraction * per / scale
      guard total <= Self.longestSpan else { return nil }
      parts += 1
    }
    return parts > 0 ? total : nil
  }

  /// The longest time span `timespan` reads (a week, in µs).
  static let longestSpan: Int64 = 7 * 86_400_000_000

  static func classifyLogind(_ m: Bytes) -> Signal {
    guard m.hasPrefix("System is ") else { return .none }
    let t = m.dropFirst(10)
    if t.hasPrefix("rebooting") { return .shutdown(.reboot) }
    if t.hasPrefix("powering down") || t.hasPrefix("halting") { return .shutdown(.poweroff) }
    if t.hasPrefix("shutting down") { return .shutdown(.unspecified) }
    return .none
  }

  static func classifyJournald(_ m: Bytes) -> Signal {
    if m.hasPrefix("Journal stopped") { return .journalStopped }
    if m.hasPrefix("Journal started") { return .journalStarted }
    if m.hasPrefix("Received SIGTERM from PID 1 (systemd-shutdow") { return .shutdown(.unspecified) }
    if m.contains("corrupted or uncleanly shut down") { return .journalUncleanNotice }
    return .none
  }

  /// journald MESSAGE_IDs (sd-messages.h) decide without looking at the text.
  static func classifyMessageID(_ r: Record) -> Signal? {
    let mid = r.messageID
    if mid.equals("98268866d1d54a499c4e98921d93bc40") {
      let s = classifyLogind(r.message)
      return s == .none ? .shutdown(.unspecified) : s
    }
    if mid.equals("d93fb3c9c24d451a97cea615ce59c00b") { return .journalStopped }
    if mid.equals("f77379a8490b408bbe5f6940505a777b") { return .journalStarted }
    if mid.equals("39f53479d3a045ac8e11786248231fbf") {
      let u = r.unit
      if u.equals("reboot.target") || u.equals("kexec.target") { return .shutdown(.reboot) }
      if u.equals("poweroff.target") || u.equals("halt.target") { return .shutdown(.poweroff) }
      if u.equals("shutdown.target") || u.equals("final.target") { return .shutdown(.unspecified) }
      return nil
    }
    if mid.equals("8739789eca064325af15a8ed0ecfc556") { return .watchdog }
    return nil
  }

  /// A kernel-log reader announcing itself with the kernel's facility, just before or after its syslog daemon's
  /// own start line: rsyslog's `imklog 8.16.0, log source = /proc/kmsg started.`, sysklogd's `klogd 1.4.1, log source
  /// = /proc/kmsg started.` (BusyBox: `klogd started: BusyBox v1.36.1 (…)`). The daemon starting, not the kernel: as
  /// a kernel line it stayed with the old boot and became its last sign of life, in the next boot's first second.
  static func isKernelReaderStart(_ m: Bytes) -> Bool {
    m.hasSuffix(" started.") && m.contains(", log source = ")
  }

  static func classifyKernel(_ m: Bytes) -> Signal {
    guard m.count >= 6 else { return .none }
    switch m[0] {
    case UInt8(ascii: "L"):
      if m.hasPrefix("Linux version ") { return .bootBanner }
    case UInt8(ascii: "B"):
      if m.hasPrefix("Booting Linux") { return .bootBanner }
      if m.hasPrefix("BUG: soft lockup") { return .watchdog }
      if m.hasPrefix("BUG: unable to handle") || m.hasPrefix("BUG: kernel NULL pointer")
        || m.hasPrefix("BUG: Bad page")
      {
        return .kernelPanic
      }
      if m.hasPrefix("BTRFS") && m.contains("start tree-log replay") { return .filesystemRecovery }
    case UInt8(ascii: "C"):
      if m.hasPrefix("Command line: ") { return .bootBanner }
    case UInt8(ascii: "K"):
      if m.hasPrefix("Kernel command line: ") { return .bootBanner }
      if m.hasPrefix("Kernel panic - not syncing") { return .kernelPanic }
    case UInt8(ascii: "E"):
      if m.hasPrefix("EXT4-fs (") || m.hasPrefix("EXT3-fs") {
        if m.contains("recovery complete") || m.contains("recovery required") || m.contains("orphan cleanup") {
          return .filesystemRecovery
        }
      }
    case UInt8(ascii: "X"):
      if m.hasPrefix("XFS (") && m.contains("Starting recovery") { return .filesystemRecovery }
    case UInt8(ascii: "F"):
      if m.hasPrefix("FAT-fs (") && m.contains("Volume was not properly unmounted") { return .filesystemRecovery }
    case UInt8(ascii: "O"):
      if m.hasPrefix("Oops: ") || m.hasPrefix("Oops ") { return .kernelPanic }
    case UInt8(ascii: "I"):
      if m.hasPrefix("Internal error: Oops") { return .kernelPanic }
      // Kernels before 4.x print their early cgroup subsystems before the banner (`cgroup_init_early`):
      // `Initializing cgroup subsys cpuset`, `… cpu`, `… cpuacct`, then `Linux version …`. Only the early ones:
      // a subsystem built as a module prints the same words when it loads, at any time.
      if m.hasPrefix("Initializing cgroup subsys cpu") { return .bootBanner }
    case UInt8(ascii: "k"):
      if m.hasPrefix("kernel BUG at ") { return .kernelPanic }
      if m.hasPrefix("klogd ") && isKernelReaderStart(m) || m.hasPrefix("klogd started: BusyBox") {
        return .syslogDaemonStart
      }
    case UInt8(ascii: "g"):
      if m.hasPrefix("general protection fault") { return .kernelPanic }
    case UInt8(ascii: "U"):
      if m.hasPrefix("Unable to handle kernel") { return .kernelPanic }
    case UInt8(ascii: "r"):
      if m.hasPrefix("reboot: Restarting system") { return .shutdown(.reboot) }
      if m.hasPrefix("reboot: Power down") || m.hasPrefix("reboot: System halted") { return .shutdown(.poweroff) }
    case UInt8(ascii: "w"):
      if m.hasPrefix("watchdog: BUG: soft lockup") { return .watchdog }
      if m.hasPrefix("watchdog: Watchdog detected hard LOCKUP") { return .watchdog }
    case UInt8(ascii: "N"):
      if m.hasPrefix("NMI watchdog: ") && (m.contains("LOCKUP") || m.contains("lockup")) { return .watchdog }
    case UInt8(ascii: "s"):
      if m.hasPrefix("systemd-shutdown") { return .shutdown(.unspecified) }
    case UInt8(ascii: "i"):
      if m.hasPrefix("imklog ") && isKernelReaderStart(m) { return .syslogDaemonStart }
    default:
      break
    }
    return .none
  }
}
