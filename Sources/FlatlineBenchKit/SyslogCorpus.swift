import FlatlineCore
#if canImport(Glibc)
  import Glibc
#endif

/// What a generator planted, to check the analysis against: a fast wrong answer must not pass.
public struct PlantedTruth: Sendable, Equatable {
  /// Boots in the data (every host's boots).
  public var boots = 0
  /// Boots that ended without a shutdown (power loss).
  public var unclean = 0
  /// Rule hits by rule id.
  public var hits: [String: Int] = [:]
  /// Lines (syslog) or entries (journal) written.
  public var records = 0
  /// Bytes written (syslog text or journal export text).
  public var bytes = 0

  public init() {}

  public static func + (a: PlantedTruth, b: PlantedTruth) -> PlantedTruth {
    var r = a
    r.boots += b.boots
    r.unclean += b.unclean
    r.records += b.records
    r.bytes += b.bytes
    for (k, v) in b.hits { r.hits[k, default: 0] += v }
    return r
  }
}

/// One host's life in a corpus: when (as a fraction of the data) each reboot happens and whether the boot before it
/// was shut down cleanly. The last boot is still running at the end of the data.
public struct HostPlan: Sendable {
  public var name: String
  public var role: Role
  /// (fraction of the data where the boot ends, clean shutdown?)
  public var reboots: [(at: Double, clean: Bool)]

  public enum Role: Sendable { case web, database, kubernetes }

  public init(name: String, role: Role, reboots: [(at: Double, clean: Bool)]) {
    self.name = name
    self.role = role
    self.reboots = reboots
  }

  /// The default fleet: five hosts, 14 boots, 4 of them ending in a power loss.
  public static let fleet: [HostPlan] = [
    HostPlan(name: "web-01", role: .web, reboots: [(0.30, true), (0.72, false)]),
    HostPlan(name: "web-02", role: .web, reboots: [(0.45, false)]),
    HostPlan(name: "db-01", role: .database, reboots: [(0.25, false), (0.60, true), (0.85, false)]),
    HostPlan(name: "db-02", role: .database, reboots: [(0.50, true)]),
    HostPlan(name: "k8s-node-01", role: .kubernetes, reboots: [(0.40, true), (0.80, true)]),
  ]
}

/// Writes a deterministic RFC 3164 syslog file as a central log server would store it (`Mmm dd hh:mm:ss host
/// tag[pid]: message`), lines of ~100–250 bytes from a mix of services (sshd, cron, systemd, kernel firewall,
/// dockerd/containerd, kubelet, PostgreSQL, MySQL, NetworkManager, snapd…), boots with and without shutdowns, and
/// scattered datastore crash-recovery and corruption lines whose rule ids are counted in `PlantedTruth`.
///
/// Times start at `start` (UTC, the year is given to the analysis with `--year`) and span about 20 days
/// whatever the size, so a small corpus has the same shape as a big one.
public struct SyslogCorpus {
  public var plans: [HostPlan]
  public var targetBytes: Int
  public var seed: UInt64
  /// Unix seconds of the first line (default 2024-03-01T00:00:00Z).
  public var start: Int64 = 1_709_251_200
  public var spanSeconds: Int64 = 20 * 86_400
  /// Scattered corruption lines (kernel ext4 errors and InnoDB page corruption), spread evenly-ish.
  public var corruptionLines = 24
  /// True when the data continues a boot from an older file of the set (no boot banner at the start).
  public var continuing = false

  public init(plans: [HostPlan] = HostPlan.fleet, targetBytes: Int, seed: UInt64 = 0xF1A7_11E) {
    self.plans = plans
    self.targetBytes = targetBytes
    self.seed = seed
  }

  /// The rule ids each planted message fires (checked by the test suite against the built-in rules).
  public enum Planted {
    public static let ext4Recovery = "ext4.recovery-complete"
    public static let ext4Error = "ext4.fs-error"
    public static let pgInterrupted = "postgresql.interrupted"
    public static let pgRecovery = "postgresql.automatic-recovery"
    public static let pgRedo = "postgresql.redo-starts"
    public static let mysqlNotShutdown = "mysql.not-shutdown-normally"
    public static let mysqlPageCorruption = "mysql.page-corruption"
  }

  public struct Host {
    public init(plan: HostPlan) { self.plan = plan }
    var plan: HostPlan
    var next = 0  // next reboot index
    var upAt: Int64 = 0  // clock (µs) when it is back
    var bootPending = true
    var uncleanBefore = false
    var uptimeBase: Int64 = 0  // clock at boot (µs)
    var rsyslogPid = 0
    var session = 100
  }

  /// Writes the corpus to `path` and returns what was planted.
  @discardableResult
  public func write(to path: String) throws -> PlantedTruth {
    let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    guard fd >= 0 else { throw GeneratorError("cannot create \(path): \(String(cString: strerror(errno)))") }
    defer { close(fd) }
    var truth = PlantedTruth()
    var out = ByteWriter(capacity: 5 << 20)
    var r = SeededRandom(seed: seed)
    var hosts = plans.map { Host(plan: $0) }
    if continuing {
      for h in hosts.indices {
        hosts[h].bootPending = false
        hosts[h].uptimeBase = start * 1_000_000 - 86_400_000_000
        hosts[h].rsyslogPid = 731
      }
    }
    let meanLine = 172.0
    let stepMicros = Double(spanSeconds) * 1e6 * meanLine / Double(max(targetBytes, 1))
    var clock = start * 1_000_000
    var written = 0
    // Corruption lines at fixed fractions (deterministic from the seed).
    var corruptAt: [Double] = (0..<corruptionLines).map { k in
      (Double(k) + 0.1 + 0.8 * Double(r.below(1000)) / 1000) / Double(max(corruptionLines, 1))
    }
    corruptAt.sort()
    var corruptNext = 0
    for h in hosts.indices {
      truth.boots += 1 + hosts[h].plan.reboots.count
      truth.unclean += hosts[h].plan.reboots.filter { !$0.clean }.count
    }

    func flush(_ force: Bool) throws {
      if out.count >= 4 << 20 || (force && out.count > 0) {
        try writeAll(fd, out.bytes, path: path)
        written += out.count
        out.clear()
      }
    }

    while written + out.count < targetBytes {
      let frac = Double(written + out.count) / Double(targetBytes)
      clock += Int64(Double(r.below(2000)) / 1000.0 * stepMicros) + 1
      // Scheduled events: boots coming up, reboots due.
      for h in hosts.indices {
        if hosts[h].bootPending && clock >= hosts[h].upAt {
          bootSequence(&out, &r, &hosts[h], clock: clock, truth: &truth)
          hosts[h].bootPending = false
          continue
        }
        if !hosts[h].bootPending, hosts[h].next < hosts[h].plan.reboots.count,
          frac >= hosts[h].plan.reboots[hosts[h].next].at
        {
          let clean = hosts[h].plan.reboots[hosts[h].next].clean
          if clean {
            shutdownSequence(&out, &r, hosts[h], clock: clock)
            truth.records += 6
          }
          hosts[h].next += 1
          hosts[h].bootPending = true
          hosts[h].uncleanBefore = !clean
          // Down for 1–2 minutes (reboot) or 5–40 minutes (power cut).
          hosts[h].upAt = clock + Int64(clean ? r.int(60...120) : r.int(300...2400)) * 1_000_000
        }
      }
      if corruptNext < corruptAt.count && frac >= corruptAt[corruptNext] {
        corruptNext += 1
        // Alternate: ext4 error on any host, InnoDB page corruption on a database host.
        let up = hosts.indices.filter { !hosts[$0].bootPending }
        if let h = up.isEmpty ? nil : up[r.below(up.count)] {
          if corruptNext % 2 == 0 {
            header(&out, clock, hosts[h].plan.name)
            kernelTag(&out, clock, hosts[h])
            out.put("EXT4-fs error (device nvme1n1p1): ext4_lookup:1855: inode #")
            out.num(r.int(10000...9_999_999))
            out.put(": comm ")
            out.put(hosts[h].plan.role == .database ? "postgres" : "nginx")
            out.put(": deleted inode referenced: ")
            out.num(r.int(10000...9_999_999))
            out.byte(10)
            truth.hits[Planted.ext4Error, default: 0] += 1
            truth.records += 1
          } else {
            header(&out, clock, hosts[h].plan.name)
            out.put("mysqld[")
            out.num(r.int(900...4000))
            out.put("]: ")
            isoStamp(&out, clock)
            out.put(" 0 [ERROR] [MY-011906] [InnoDB] Database page corruption on disk or a failed file read of page [page id: space=")
            out.num(r.int(1...60))
            out.put(", page number=")
            out.num(r.int(1...99999))
            out.put("]. You may have to recover from a backup.\n")
            truth.hits[Planted.mysqlPageCorruption, default: 0] += 1
            truth.records += 1
          }
        }
      }
      // One ordinary line from a host that is up (weighted: busier hosts log more).
      let h = pickHost(hosts, &r)
      guard let h else { continue }
      header(&out, clock, hosts[h].plan.name)
      filler(&out, &r, &hosts[h], clock: clock)
      truth.records += 1
      try flush(false)
    }
    try flush(true)
    truth.bytes = written
    return truth
  }

  private func pickHost(_ hosts: [Host], _ r: inout SeededRandom) -> Int? {
    for _ in 0..<8 {
      let h = r.below(hosts.count)
      if !hosts[h].bootPending { return h }
    }
    return hosts.indices.first { !hosts[$0].bootPending }
  }

  // MARK: - Pieces

  static let months: [StaticString] = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

  /// `Mmm dd hh:mm:ss host `
  func header(_ o: inout ByteWriter, _ clock: Int64, _ host: String) {
    let secs = clock / 1_000_000
    let days = Int(secs / 86400)
    let rem = Int(secs % 86400)
    let (_, m, d) = civil(days)
    o.put(Self.months[m - 1])
    o.byte(32)
    o.num(d, width: 2, pad: 32)
    o.byte(32)
    o.num(rem / 3600, width: 2)
    o.byte(58)
    o.num(rem / 60 % 60, width: 2)
    o.byte(58)
    o.num(rem % 60, width: 2)
    o.byte(32)
    o.put(host)
    o.byte(32)
  }

  func isoStamp(_ o: inout ByteWriter, _ clock: Int64, frac: Int = 6, zone: StaticString = "Z") {
    let secs = clock / 1_000_000
    let days = Int(secs / 86400)
    let rem = Int(secs % 86400)
    let (y, m, d) = civil(days)
    o.num(y, width: 4)
    o.byte(45)
    o.num(m, width: 2)
    o.byte(45)
    o.num(d, width: 2)
    o.byte(frac == 3 ? 32 : 84)
    o.num(rem / 3600, width: 2)
    o.byte(58)
    o.num(rem / 60 % 60, width: 2)
    o.byte(58)
    o.num(rem % 60, width: 2)
    o.byte(46)
    let us = Int(clock % 1_000_000)
    o.num(frac == 3 ? us / 1000 : us, width: frac)
    o.put(zone)
  }

  func civil(_ z0: Int) -> (Int, Int, Int) {
    let c = CivilTime.civilFromDays(z0)
    return (c.year, c.month, c.day)
  }

  /// `kernel: [ uptime] `
  func kernelTag(_ o: inout ByteWriter, _ clock: Int64, _ h: Host, uptime: Int64? = nil) {
    let up = uptime ?? max(0, clock - h.uptimeBase + 9_000_000)
    o.put("kernel: [")
    o.num(Int(up / 1_000_000), width: 5, pad: 32)
    o.byte(46)
    o.num(Int(up % 1_000_000), width: 6)
    o.put("] ")
  }

  func bootSequence(_ o: inout ByteWriter, _ r: inout SeededRandom, _ h: inout Host, clock: Int64, truth: inout PlantedTruth) {
    let name = h.plan.name
    h.uptimeBase = clock
    h.rsyslogPid = r.int(600...900)
    // rsyslog writes its start line and the first userspace lines before the kernel ring buffer, same second.
    header(&o, clock, name)
    o.put("rsyslogd: [origin software=\"rsyslogd\" swVersion=\"8.2112.0\" x-pid=\"")
    o.num(h.rsyslogPid)
    o.put("\" x-info=\"https://www.rsyslog.com\"] start\n")
    var kernel: [(Int64, String)] = [
      (0, "Linux version 5.15.0-97-generic (buildd@lcy02-amd64-033) (gcc (Ubuntu 11.4.0-1ubuntu1~22.04) 11.4.0, GNU ld (GNU Binutils for Ubuntu) 2.38) #107-Ubuntu SMP Wed Feb 7 13:26:48 UTC 2024 (Ubuntu 5.15.0-97.107-generic 5.15.136)"),
      (0, "Command line: BOOT_IMAGE=/boot/vmlinuz-5.15.0-97-generic root=PARTUUID=5d1b6b9e-01 ro console=tty1 console=ttyS0 nvme_core.io_timeout=4294967295 panic=-1"),
      (0, "KERNEL supported cpus:"),
      (0, "  Intel GenuineIntel"),
      (0, "  AMD AuthenticAMD"),
      (0, "BIOS-provided physical RAM map:"),
      (0, "BIOS-e820: [mem 0x0000000000000000-0x000000000009dfff] usable"),
      (0, "BIOS-e820: [mem 0x0000000000100000-0x00000000bffe9fff] usable"),
      (0, "DMI: Amazon EC2 m5.large/, BIOS 1.0 10/16/2017"),
      (412_345, "smpboot: CPU0: Intel(R) Xeon(R) Platinum 8259CL CPU @ 2.50GHz (family: 0x6, model: 0x55, stepping: 0x7)"),
      (1_234_567, "nvme nvme0: 2/0/0 default/read/poll queues"),
      (1_301_234, " nvme0n1: p1 p14 p15"),
    ]
    if h.uncleanBefore {
      kernel.append((2_301_877, "EXT4-fs (nvme0n1p1): recovery complete"))
      truth.hits[Planted.ext4Recovery, default: 0] += 1
    }
    kernel.append((2_345_678, "EXT4-fs (nvme0n1p1): mounted filesystem with ordered data mode. Opts: (null). Quota mode: none."))
    kernel.append((4_567_890, "EXT4-fs (nvme0n1p1): re-mounted. Opts: discard,errors=remount-ro. Quota mode: none."))
    for (up, text) in kernel {
      header(&o, clock, name)
      kernelTag(&o, clock, h, uptime: up)
      o.put(text)
      o.byte(10)
    }
    truth.records += 1 + kernel.count
    let t1 = clock + 1_000_000
    let userspace: [String] = [
      "systemd[1]: Started Journal Service.",
      "systemd[1]: Starting Flush Journal to Persistent Storage...",
      "systemd[1]: Finished Flush Journal to Persistent Storage.",
      "systemd[1]: Started Regular background program processing daemon.",
      "systemd[1]: Reached target Multi-User System.",
    ]
    for text in userspace {
      header(&o, t1, name)
      o.put(text)
      o.byte(10)
    }
    truth.records += userspace.count
    if h.plan.role == .database {
      let pid = r.int(700...1500)
      let t2 = clock + 3_000_000
      if h.uncleanBefore {
        pg(&o, t2, name, pid, seq: 1, "LOG:  database system was interrupted; last known up at ", &r)
        isoStamp(&o, t2 - 600_000_000, frac: 3, zone: " UTC")
        o.byte(10)
        pg(&o, t2, name, pid, seq: 2, "LOG:  database system was not properly shut down; automatic recovery in progress\n", &r)
        pg(&o, t2, name, pid, seq: 3, "LOG:  redo starts at 0/1A2B3C8\n", &r)
        truth.hits[Planted.pgInterrupted, default: 0] += 1
        truth.hits[Planted.pgRecovery, default: 0] += 1
        truth.hits[Planted.pgRedo, default: 0] += 1
        // MySQL (same host runs both: a reporting replica).
        header(&o, t2, name)
        o.put("mysqld[")
        o.num(pid + 17)
        o.put("]: ")
        isoStamp(&o, t2)
        o.put(" 1 [Note] [MY-012551] [InnoDB] Database was not shutdown normally!\n")
        truth.hits[Planted.mysqlNotShutdown, default: 0] += 1
        truth.records += 4
      } else {
        pg(&o, t2, name, pid, seq: 1, "LOG:  database system was shut down at ", &r)
        isoStamp(&o, t2 - 90_000_000, frac: 3, zone: " UTC")
        o.byte(10)
        truth.records += 1
      }
      pg(&o, t2, name, pid, seq: 4, "LOG:  database system is ready to accept connections\n", &r)
      truth.records += 1
    }
  }

  func pg(_ o: inout ByteWriter, _ t: Int64, _ host: String, _ pid: Int, seq: Int, _ text: StaticString, _ r: inout SeededRandom) {
    header(&o, t, host)
    o.put("postgres[")
    o.num(pid)
    o.put("]: [")
    o.num(seq)
    o.put("-1] ")
    isoStamp(&o, t, frac: 3, zone: " UTC")
    o.put(" [")
    o.num(pid)
    o.put("] ")
    o.put(text)
  }

  func shutdownSequence(_ o: inout ByteWriter, _ r: inout SeededRandom, _ h: Host, clock: Int64) {
    let name = h.plan.name
    let lines: [String] = [
      "systemd-logind[\(r.int(500...700))]: System is rebooting.",
      "systemd[1]: Stopping Session \(h.session) of User deploy...",
      "systemd[1]: Stopped target Multi-User System.",
      "systemd[1]: Stopping Regular background program processing daemon...",
      "systemd[1]: Stopping System Logging Service...",
      "rsyslogd: [origin software=\"rsyslogd\" swVersion=\"8.2112.0\" x-pid=\"\(h.rsyslogPid)\" x-info=\"https://www.rsyslog.com\"] exiting on signal 15.",
    ]
    for text in lines {
      header(&o, clock, name)
      o.put(text)
      o.byte(10)
    }
  }

  static let users: [StaticString] = ["deploy", "ubuntu", "ansible", "backup", "monitor"]
  static let cronJobs: [StaticString] = [
    "(root) CMD (   cd / && run-parts --report /etc/cron.hourly)",
    "(root) CMD (command -v debian-sa1 > /dev/null && debian-sa1 1 1)",
    "(backup) CMD (/usr/local/bin/pg-wal-archive --quiet --target s3://backups-eu-west-1/wal)",
    "(monitor) CMD (/usr/lib/nagios/plugins/check_disk -w 20% -c 10% -p / >/var/tmp/check_disk.out 2>&1)",
  ]
  static let units: [StaticString] = [
    "apt-daily.service", "logrotate.service", "man-db.service", "fstrim.service", "sysstat-collect.service",
    "motd-news.service", "update-notifier-download.service", "systemd-tmpfiles-clean.service",
  ]
  static let pods: [StaticString] = [
    "kube-system/kube-proxy-7xk2p", "kube-system/coredns-5d78c9869d-hx4lq", "payments/api-6c9f7d8b5-2mzkq",
    "monitoring/node-exporter-r8v5n", "ingress-nginx/ingress-nginx-controller-7d9c8c6b6f-qwz9t",
  ]

  /// One ordinary `tag[pid]: message` line (after the header).
  func filler(_ o: inout ByteWriter, _ r: inout SeededRandom, _ h: inout Host, clock: Int64) {
    let roll = r.below(100)
    switch (h.plan.role, roll) {
    case (_, 0..<14):
      o.put("sshd[")
      o.num(r.int(1000...99999))
      if r.below(3) == 0 {
        o.put("]: pam_unix(sshd:session): session opened for user ")
        o.put(Self.users[r.below(Self.users.count)])
        o.put("(uid=")
        o.num(r.int(1000...1010))
        o.put(") by (uid=0)\n")
      } else {
        o.put("]: Accepted publickey for ")
        o.put(Self.users[r.below(Self.users.count)])
        o.put(" from ")
        o.ipv4(&r)
        o.put(" port ")
        o.num(r.int(32768...60999))
        o.put(" ssh2: ED25519 SHA256:")
        o.base64(43, &r)
        o.byte(10)
      }
    case (_, 14..<22):
      o.put("CRON[")
      o.num(r.int(1000...99999))
      o.put("]: ")
      o.put(Self.cronJobs[r.below(Self.cronJobs.count)])
      o.byte(10)
    case (_, 22..<34):
      let unit = Self.units[r.below(Self.units.count)]
      o.put("systemd[1]: ")
      switch r.below(4) {
      case 0:
        o.put("Starting ")
        o.put(unit)
        o.put(" - Rotate, compress and mail system logs and clean up temporary files...\n")
      case 1:
        o.put(unit)
        o.put(": Deactivated successfully.\n")
      case 2:
        o.put("Finished ")
        o.put(unit)
        o.put(" - Periodic housekeeping of system logs and temporary files.\n")
      default:
        h.session += 1
        o.put("Started session-")
        o.num(h.session)
        o.put(".scope - Session ")
        o.num(h.session)
        o.put(" of User ")
        o.put(Self.users[r.below(Self.users.count)])
        o.put(".\n")
      }
    case (_, 34..<48):
      kernelTag(&o, clock, h)
      o.put("[UFW BLOCK] IN=ens5 OUT= MAC=0a:1b:2c:3d:4e:5f:0a:6b:7c:8d:9e:af:08:00 SRC=")
      o.ipv4(&r, prefix: "185.")
      o.put(" DST=")
      o.ipv4(&r)
      o.put(" LEN=")
      o.num(r.int(40...60))
      o.put(" TOS=0x00 PREC=0x00 TTL=")
      o.num(r.int(40...250))
      o.put(" ID=")
      o.num(r.int(1...65535))
      o.put(" PROTO=TCP SPT=")
      o.num(r.int(1024...65535))
      o.put(" DPT=")
      o.num([22, 23, 80, 443, 3389, 5432, 6379, 8080][r.below(8)])
      o.put(" WINDOW=1024 RES=0x00 SYN URGP=0\n")
    case (_, 48..<54):
      o.put("systemd-resolved[")
      o.num(r.int(400...700))
      o.put("]: Using degraded feature set UDP instead of UDP+EDNS0 for DNS server ")
      o.ipv4(&r)
      o.put(".\n")
    case (_, 54..<58):
      o.put("NetworkManager[")
      o.num(r.int(500...800))
      o.put("]: <info>  [")
      o.num(Int(clock / 1_000_000))
      o.byte(46)
      o.num(r.below(10000), width: 4)
      o.put("] dhcp4 (ens5): state changed new lease, address=")
      o.ipv4(&r)
      o.put(", acd pending\n")
    case (_, 58..<62):
      o.put("snapd[")
      o.num(r.int(600...900))
      o.put("]: storehelpers.go:769: cannot refresh: snap has no updates available: \"core20\", \"lxd\", \"snapd\"\n")
    case (.database, 62..<82):
      let pid = r.int(2000...60000)
      o.put("postgres[")
      o.num(pid)
      o.put("]: [")
      o.num(r.int(1...9))
      o.put("-1] ")
      isoStamp(&o, clock, frac: 3, zone: " UTC")
      o.put(" [")
      o.num(pid)
      if r.below(2) == 0 {
        o.put("] LOG:  checkpoint complete: wrote ")
        o.num(r.int(10...9000))
        o.put(" buffers (0.")
        o.num(r.below(10))
        o.put("%); 0 WAL file(s) added, 0 removed, ")
        o.num(r.below(4))
        o.put(" recycled; write=")
        o.num(r.below(300))
        o.put(".")
        o.num(r.below(1000), width: 3)
        o.put(" s, sync=0.012 s, total=")
        o.num(r.below(300))
        o.put(".")
        o.num(r.below(1000), width: 3)
        o.put(" s\n")
      } else {
        o.put("] app@payments LOG:  duration: ")
        o.num(r.int(1...9000))
        o.put(".")
        o.num(r.below(1000), width: 3)
        o.put(" ms  statement: SELECT id, amount, currency FROM ledger WHERE account_id = ")
        o.num(r.int(1...999999))
        o.put(" ORDER BY created_at DESC LIMIT 50\n")
      }
    case (.database, 82..<100):
      o.put("mysqld[")
      o.num(r.int(900...4000))
      o.put("]: ")
      isoStamp(&o, clock)
      o.put(" ")
      o.num(r.int(8...99999))
      o.put(" [Warning] [MY-010055] [Server] IP address '")
      o.ipv4(&r)
      o.put("' could not be resolved: Name or service not known\n")
    case (.kubernetes, 62..<84):
      o.put("kubelet[")
      o.num(r.int(800...1200))
      o.put("]: I0")
      o.num(r.int(301...320))
      o.byte(32)
      o.num(r.below(24), width: 2)
      o.put(":")
      o.num(r.below(60), width: 2)
      o.put(":")
      o.num(r.below(60), width: 2)
      o.put(".")
      o.num(r.below(1_000_000), width: 6)
      o.put("    1042 kubelet_getters.go:182] \"Pod status updated\" pod=\"")
      o.put(Self.pods[r.below(Self.pods.count)])
      o.put("\" status=\"Running\"\n")
    case (_, 62..<82):
      o.put("dockerd[")
      o.num(r.int(800...1200))
      o.put("]: time=\"")
      isoStamp(&o, clock)
      o.put("\" level=info msg=\"ignoring event\" container=")
      o.hex(64, &r)
      o.put(" module=libcontainerd namespace=moby topic=/tasks/delete type=\"*events.TaskDelete\"\n")
    default:
      o.put("containerd[")
      o.num(r.int(700...1100))
      o.put("]: time=\"")
      isoStamp(&o, clock)
      o.put("\" level=info msg=\"shim disconnected\" id=")
      o.hex(64, &r)
      o.put(" namespace=")
      o.put(h.plan.role == .kubernetes ? "k8s.io" : "moby")
      o.byte(10)
    }
  }
}

public struct GeneratorError: Error, CustomStringConvertible {
  public var description: String
  public init(_ d: String) { description = d }
}
