#if canImport(Glibc)
  import Glibc
#endif

/// Writes a deterministic journal export stream (`journalctl -o export` text) of one machine with `boots` boots
/// and about `entries` entries, which `systemd-journal-remote` turns into a journal file. Entries carry the
/// fields journald writes (`_BOOT_ID`, `_MACHINE_ID`, `_HOSTNAME`, `_TRANSPORT`, `PRIORITY`, `SYSLOG_IDENTIFIER`,
/// `_PID`, `_UID`, `_COMM`, `_EXE`, `_SYSTEMD_UNIT`, `MESSAGE`…); messages come from the same service mix as
/// `SyslogCorpus`. Boots end cleanly (journald `Journal stopped` after the shutdown sequence) or not (power cut);
/// after an unclean ending the next boot shows ext4 journal recovery and, on this database host, PostgreSQL and
/// InnoDB crash recovery.
public struct JournalCorpus {
  public var entries: Int
  public var seed: UInt64
  /// Per boot except the last (which is still running): did it end cleanly?
  public var endings: [Bool] = [true, false, true, true, false, true, true, false, true]
  public var start: Int64 = 1_709_251_200
  public var hostName = "db-03"

  public init(entries: Int, seed: UInt64 = 0x10C4_A1) {
    self.entries = entries
    self.seed = seed
  }

  /// Writes the export text to `fd` and returns what was planted.
  public func write(fd: Int32) throws -> PlantedTruth {
    var truth = PlantedTruth()
    var r = SeededRandom(seed: seed)
    let syslog = SyslogCorpus(plans: [], targetBytes: 1)
    var host = SyslogCorpus.Host(plan: HostPlan(name: hostName, role: .database, reboots: []))
    var out = ByteWriter(capacity: 5 << 20)
    var scratch = ByteWriter(capacity: 1024)
    var machine = ByteWriter(capacity: 32)
    machine.hex(32, &r)
    let machineID = machine.bytes
    let boots = endings.count + 1
    let perBoot = max(entries / boots, 40)
    var clock = start * 1_000_000
    let step = Int64(20 * 86_400) * 1_000_000 / Int64(max(entries, 1))
    truth.boots = boots
    truth.unclean = endings.filter { !$0 }.count

    func flush(_ force: Bool) throws {
      guard out.count >= 4 << 20 || (force && out.count > 0) else { return }
      try writeAll(fd, out.bytes, path: "journal export")
      truth.bytes += out.count
      out.clear()
    }

    var bootID: [UInt8] = []
    var bootStart: Int64 = 0
    /// One entry. `ident` empty for kernel entries.
    func entry(_ ident: String, pid: Int, transport: StaticString, priority: Int, unit: String?, message: [UInt8],
      at t: Int64)
    {
      out.put("__REALTIME_TIMESTAMP=")
      out.num(Int(t))
      out.put("\n__MONOTONIC_TIMESTAMP=")
      out.num(Int(t - bootStart + 2_000_000))
      out.put("\n_BOOT_ID=")
      out.put(bootID)
      out.put("\n_MACHINE_ID=")
      out.put(machineID)
      out.put("\n_HOSTNAME=")
      out.put(hostName)
      out.put("\nPRIORITY=")
      out.num(priority)
      out.put("\n_TRANSPORT=")
      out.put(transport)
      if ident.isEmpty {
        out.put("\nSYSLOG_IDENTIFIER=kernel\nSYSLOG_FACILITY=0")
      } else {
        out.put("\nSYSLOG_FACILITY=3\nSYSLOG_IDENTIFIER=")
        out.put(ident)
        out.put("\n_PID=")
        out.num(pid)
        out.put("\n_UID=0\n_GID=0\n_COMM=")
        out.put(ident.count > 15 ? String(ident.prefix(15)) : ident)
        out.put("\n_EXE=/usr/sbin/")
        out.put(ident)
        out.put("\n_CAP_EFFECTIVE=1ffffffffff")
        if let unit {
          out.put("\n_SYSTEMD_UNIT=")
          out.put(unit)
          out.put("\n_SYSTEMD_CGROUP=/system.slice/")
          out.put(unit)
          out.put("\n_SYSTEMD_SLICE=system.slice")
        }
      }
      out.put("\nMESSAGE=")
      out.put(message)
      out.put("\n\n")
      truth.records += 1
    }
    func text(_ s: String) -> [UInt8] { Array(s.utf8) }

    for b in 0..<boots {
      var id = ByteWriter(capacity: 32)
      id.hex(32, &r)
      bootID = id.bytes
      bootStart = clock
      host.uptimeBase = clock
      let uncleanBefore = b > 0 && !endings[b - 1]
      var kernel = [
        "Linux version 6.5.0-1014-aws (buildd@lcy02-amd64-086) (x86_64-linux-gnu-gcc-12 (Ubuntu 12.3.0-1ubuntu1~22.04) 12.3.0, GNU ld (GNU Binutils for Ubuntu) 2.38) #14~22.04.1-Ubuntu SMP Thu Feb 15 15:27:06 UTC 2024 (Ubuntu 6.5.0-1014.14~22.04.1-aws 6.5.13)",
        "Command line: BOOT_IMAGE=/boot/vmlinuz-6.5.0-1014-aws root=PARTUUID=5d1b6b9e-01 ro console=tty1 console=ttyS0 nvme_core.io_timeout=4294967295 panic=-1",
        "KERNEL supported cpus:",
        "BIOS-provided physical RAM map:",
        "DMI: Amazon EC2 r6i.large/, BIOS 1.0 10/16/2017",
        "nvme nvme0: 2/0/0 default/read/poll queues",
      ]
      if uncleanBefore {
        kernel.append("EXT4-fs (nvme0n1p1): recovery complete")
        truth.hits[SyslogCorpus.Planted.ext4Recovery, default: 0] += 1
      }
      kernel.append("EXT4-fs (nvme0n1p1): mounted filesystem 4f91c6db-3e09-4c1a-9a6b-2d7e8c1f0a55 ro with ordered data mode. Quota mode: none.")
      for k in kernel { entry("", pid: 0, transport: "kernel", priority: 6, unit: nil, message: text(k), at: clock) }
      clock += 1_000_000
      let jpid = r.int(200...400)
      entry("systemd-journald", pid: jpid, transport: "driver", priority: 6, unit: "systemd-journald.service",
        message: text("Journal started"), at: clock)
      entry("systemd", pid: 1, transport: "journal", priority: 6, unit: nil,
        message: text("Reached target multi-user.target - Multi-User System."), at: clock)
      let pgPid = r.int(700...1500)
      clock += 2_000_000
      if uncleanBefore {
        entry("postgres", pid: pgPid, transport: "syslog", priority: 6, unit: "postgresql@14-main.service",
          message: text("[1-1] 2024-03-01 00:00:00.000 UTC [\(pgPid)] LOG:  database system was interrupted; last known up at 2024-03-01 00:00:00 UTC"), at: clock)
        entry("postgres", pid: pgPid, transport: "syslog", priority: 6, unit: "postgresql@14-main.service",
          message: text("[2-1] 2024-03-01 00:00:00.000 UTC [\(pgPid)] LOG:  database system was not properly shut down; automatic recovery in progress"), at: clock)
        truth.hits[SyslogCorpus.Planted.pgInterrupted, default: 0] += 1
        truth.hits[SyslogCorpus.Planted.pgRecovery, default: 0] += 1
      }
      for _ in 0..<perBoot {
        clock += Int64(r.below(2000)) * step / 1000 + 1
        scratch.clear()
        syslog.filler(&scratch, &r, &host, clock: clock)
        // Split `tag[pid]: message` / `kernel: [ up] message`.
        let line = scratch.bytes.dropLast()
        guard let colon = line.firstIndex(of: 58) else { continue }
        let tag = line[..<colon]
        var msg = Array(line[(colon + 2)...])
        if tag.elementsEqual("kernel".utf8) {
          if let close = msg.firstIndex(of: 93) { msg = Array(msg[(close + 2)...]) }
          entry("", pid: 0, transport: "kernel", priority: 4, unit: nil, message: msg, at: clock)
          continue
        }
        var ident = tag
        var pid = 0
        if let lb = tag.firstIndex(of: 91) {
          ident = tag[..<lb]
          for c in tag[(lb + 1)...] where c >= 48 && c <= 57 { pid = pid * 10 + Int(c - 48) }
        }
        let name = String(decoding: ident, as: UTF8.self)
        let unit: String? = name == "CRON" ? "cron.service" : name == "sshd" ? "ssh.service" : name + ".service"
        entry(name, pid: pid, transport: "syslog", priority: 6, unit: pid == 1 ? nil : unit, message: msg, at: clock)
        try flush(false)
      }
      if b < endings.count {
        if endings[b] {
          for (ident, pid, m) in [
            ("systemd-logind", 512, "System is rebooting."),
            ("systemd", 1, "Stopping postgresql@14-main.service - PostgreSQL Cluster 14-main..."),
            ("systemd", 1, "Reached target shutdown.target - System Shutdown."),
            ("systemd-shutdown", 1, "Syncing filesystems and block devices."),
            ("systemd-shutdown", 1, "Sending SIGTERM to remaining processes..."),
            ("systemd-journald", jpid, "Received SIGTERM from PID 1 (systemd-shutdown)."),
            ("systemd-journald", jpid, "Journal stopped"),
          ] {
            entry(ident, pid: pid, transport: "journal", priority: 6, unit: nil, message: text(m), at: clock)
          }
          clock += Int64(r.int(60...120)) * 1_000_000
        } else {
          clock += Int64(r.int(300...2400)) * 1_000_000
        }
      }
      try flush(false)
    }
    try flush(true)
    return truth
  }
}
