/// The incremental boot state machine for one host in one stream (a rotation set, a journal directory).
///
/// Fed one record at a time, it opens a boot at each kernel banner (text logs) or boot ID (journals) and
/// collects what each boot shows about its end. Text logs need one subtlety: rsyslog writes a boot's first
/// userspace lines (its own `start`, `systemd-fsck`, `Flush Journal…`) *before* the kernel ring buffer with
/// the same timestamp. Records are therefore held briefly while their timestamp's second does not change; when
/// a banner arrives, the held records from the boot's opener on (the syslog daemon's start line, or the first
/// record after a NUL run) move to the new boot instead of being the previous boot's last words.
public final class BootSequencer {
  public let stream: Int
  public let hostKey: String
  public let isJournal: Bool
  /// True for a wtmp/utmp stream: boots open at `BOOT_TIME` records, records are applied as they come (no
  /// holding back by timestamp, no kernel banner phase), and the stream can show shutdowns (`last -x`).
  public let isLoginRecords: Bool
  /// Display host name (latest seen) and journal machine ID.
  public var hostName: String
  public var machineID: String?
  public private(set) var boots: [BootState] = [] {
    didSet { lastBoot = boots.last.map { Unmanaged.passUnretained($0) } }
  }
  /// `boots.last`, unretained (kept alive by `boots`): flushing held records reaches it without a retain/release.
  private var lastBoot: Unmanaged<BootState>?
  /// True once the stream showed it carries the messages a shutdown writes (syslog daemon start/exit lines,
  /// PID 1 or journald messages, a shutdown marker). kern.log and other kernel-only files never do: their
  /// silence before a boot says nothing about how the previous boot ended.
  public private(set) var sawUserspace = false
  /// True once the stream had a kernel line: a boot's banner would show in it (`HostMerger.unjudgedStartLines`).
  public private(set) var sawKernel = false
  /// First and last stream-wide record ordinals of this host (to tell host renames from interleaving).
  public var firstStreamOrdinal = Int.max
  public var lastStreamOrdinal = -1
  /// Set when the host's boots interleave in the text (`SourceNote.bootsInterleaved`, `rebootLinesOutnumberBoots`)
  /// or the text runs backwards in time (`runsBackwards`): none of its endings is judged from this stream.
  public private(set) var interleaved: EvidenceRecord?
  /// journalFileOnline notes waiting for their boot.
  var onlineByBoot: [String: EvidenceRecord] = [:]
  var journalIndex: [String: Int] = [:]

  public init(stream: Int, hostKey: String, hostName: String, isJournal: Bool, isLoginRecords: Bool = false) {
    self.stream = stream
    self.hostKey = hostKey
    self.hostName = hostName
    self.isJournal = isJournal
    self.isLoginRecords = isLoginRecords
  }

  /// The stream's times are whole minutes (`InputInfo.timesInMinutes`: `last` output without `-F`).
  public var timesInMinutes = false

  /// Times before this (1990-01-01) are a clock that was not set yet (RTC-less boards write 1970 stamps).
  public static let clockSetThreshold: Int64 = 631_152_000 * 1_000_000

  // MARK: Pending records (same second, not yet assigned)

  /// Records held while the second of their timestamp does not change, oldest at `head` (see `PendingRing`).
  /// A `let`: reading a `var` class property in the per-record path costs a retain/release pair.
  private let ring = PendingRing(limit: 512)
  private var head: Int { ring.head }
  private var count: Int { ring.count }
  /// Slots the ring of held records has now (tests: it grows only as far as the records held at once need).
  var heldSlots: Int { ring.capacity }
  /// The last record's time, and its second (`second(of:)`), which the held records share.
  private var pendingTime: Int64 = .min
  private var pendingSecond: Int64 = .min

  /// The whole second of `t`. Held records share a second, not a timestamp: rsyslog stamps a boot's first lines as
  /// it reads them, within the same second, and with RFC 3339 high-precision stamps (`RSYSLOG_FileFormat`) no two
  /// of them have the same microseconds. Keyed by the timestamp, those lines became the previous boot's last words
  /// — on a file that begins with a boot, a boot "before the data" that ended in a power loss, 0 s before the real
  /// one began. (Division truncates: the second before 1970-01-01 00:00:00 UTC joins the one after it, and
  /// `Record.noTime` has a key of its own, far below any time.)
  @inline(__always)
  static func second(of t: Int64) -> Int64 { t / 1_000_000 }

  // Kernel banner phase: banners seen while a boot's kernel is still printing its early lines belong to it.
  private var inBannerPhase = false
  private var bannerPhaseStart: Int64 = 0
  /// When the banner phase's `Linux version …` line came (nil: not yet). A kernel prints it once: another one more
  /// than 10 s later is the next boot's, however soon it comes (a boot that died within three minutes, in text
  /// whose kernel lines carry no printk time). The same line again within 10 s is the one line logged twice.
  private var bannerPhaseVersionTime: Int64?
  private var bannerPhaseKernelRecords = 0

  private var current: BootState {
    if let b = boots.last { return b }
    let b = BootState(startKnown: false)
    b.collectsCandidates = readsChunk
    b.marksDaemonStarts = !isJournal && !isLoginRecords
    boots.append(b)
    return b
  }

  // MARK: Chunks of one file read at once (`SplitIngest`)

  /// True when this sequencer reads a chunk of a stream: the boot running when its records begin may have begun
  /// in an earlier chunk (its start-of-boot evidence is kept as candidates, see `BootState.continueWith`).
  var readsChunk = false
  /// Second of the first record, and whether a boot opened before the second first changed (the records held
  /// with that second might have joined records the previous chunk held).
  private var firstRecordSecond: Int64?
  private var timeChanged = false
  private var openedBeforeTimeChanged = false
  /// A boot opened with records held and no boot before it: the previous chunk's boot would have changed how
  /// the held records were split.
  private var openedWithoutPredecessor = false

  // MARK: Start hold

  /// The second of a syslog daemon's start line whose records are still held (nil: none). A daemon that reads the
  /// journal writes its own `start` line first and then the journal's entries since its last read, stamped when
  /// they happened: on RHEL/CentOS 7 (rsyslog's imjournal, volatile journal) every boot's text begins with the start
  /// line and then the boot's kernel lines, banner among them, stamped seconds earlier. Read in file order, the
  /// start line was the previous boot's last record and cancelled its clean exit: every reboot a power loss, and a
  /// boot "before the data" where a file began that way. Held until the stream's time passes its second by more
  /// than 2 s (imklog stamps a banner when it reads it, which can be the second after the start line), the start
  /// line goes to the boot whose banner comes in that time (`openBoot`).
  private var startHold: Int64?
  private var startHoldRecords = 0
  /// The held start line's time.
  private var startHoldTime: Int64 = 0
  /// Records held for a start line at most (below the ring's capacity); past that the hold ends.
  static let startHoldLimit = 256
  /// Records of a start hold stamped after the banner that opened their boot (the daemon's own lines): applied to
  /// the current boot once the stream's time reaches `parkedFrom`, so that the boot's records keep to time order.
  private var parked: [HeldRecord] = []
  private var parkedFrom: Int64 = .max

  /// A held record copied out of the ring.
  private struct HeldRecord {
    var signal: Signal
    var time: Int64
    var input: Int32
    var line: Int
    var nulBefore: Int
    var message: [UInt8]
  }

  // MARK: A journal read again (rsyslog's imjournal)

  /// rsyslog's imjournal read the journal again from its head after ignoring an invalid state file (a state file
  /// left empty or torn by a power loss): with a persistent journal, the whole journal is written again, each line
  /// stamped when it first happened. Read as new lines, every earlier boot came back a second time after
  /// the restart, and a power loss gave two incidents. When the notice comes first (rsyslog writes its own lines
  /// itself), lines stamped before this host's latest line before the restart (`floor`), and the log's last line
  /// again, are left out, counted and warned about; later ones (entries the log had not received yet, such as a dead
  /// boot's last minutes) are read as usual. The reread ends at the first line stamped within 2 s of the notice (the
  /// journal's present). A notice that comes after the reread: see `dropBootsReadTwice`.
  struct Reread {
    var notice: SourceLocation
    var floor: Int64
    /// The log's last line before the restart, stamped at `floor`: its repeat is left out too.
    var floorMessage: [UInt8]?
    var until: Int64
    /// Lines left out, per input, and the first and last of them.
    var dropped: [Int32: Int] = [:]
    var first: SourceLocation?
    var last: SourceLocation?
  }
  private(set) var rereads: [Reread] = []
  /// True while the last of `rereads` is being read.
  private var rereading = false
  /// The latest time of this host's lines so far, and what it was when the start hold began.
  private var latestTime: Int64 = .min
  private var startHoldLatest: Int64 = .min

  /// Boots left out at a reread notice because the journal, read again before it, repeated them (`dropBootsReadTwice`):
  /// where the notice is, and how many lines per input.
  struct RepeatedBoots {
    var notice: SourceLocation
    var boots = 0
    var records: [Int32: Int] = [:]
  }
  private(set) var repeatedBoots: [RepeatedBoots] = []
  /// Set at a reread notice (nil otherwise), for the engine to take after the record: this host's rule hits so far
  /// may repeat and are to be made unique, and those at these line ranges (the first readings of boots read twice)
  /// are taken back.
  var rereadNews: [(input: Int32, lines: ClosedRange<Int>)]?
  /// A reread notice came (a chunk that saw one is not joined: its boots may repeat an earlier chunk's, its floor may
  /// lie in an earlier chunk).
  private var sawRereadNotice = false
  /// Reread notices of this host; those past `rereadNoticeLimit` are not acted on (and warned about).
  private var rereadNotices = 0
  static let rereadNoticeLimit = 16

  /// Where rsyslog's own lines go through the journal (rsyslog 8.2102 on RHEL 8 and 9), its notice comes after the
  /// reread, in time order: the journal's boots have been read a second time already, each beginning at the same
  /// time as its first reading (its first line: the banner, or the kernel's first line the journal still held).
  /// The later reading is the journal's whole boot (with what the log had missed: a dead boot's last minutes, a
  /// reboot's last lines), so the earlier one is left out, its lines counted as skipped and their rule hits taken
  /// back. A boot the journal no longer held has no second reading and stays; the boot that was running when the log
  /// begins goes when a later one spans it. (Two real boots beginning at the same time happen on boards without a
  /// clock, which restore one saved time at each boot; only a notice says that a journal was read again.)
  private func dropBootsReadTwice(notice: SourceLocation) -> [(input: Int32, lines: ClosedRange<Int>)] {
    var lastStartingAt: [Int64: Int] = [:]
    for (i, b) in boots.enumerated() where b.startKnown && b.firstTime != Record.noTime { lastStartingAt[b.firstTime] = i }
    var drop: [Int] = []
    for (i, b) in boots.enumerated() where b.startKnown && b.firstTime != Record.noTime {
      if let later = lastStartingAt[b.firstTime], later > i { drop.append(i) }
    }
    // The boot already running when the log begins (its start rotated away) was read whole from the journal: a later
    // boot that spans all of it is its second reading.
    if let first = boots.first, !first.startKnown, first.firstTime != Record.noTime, first.lastTime != Record.noTime,
      boots.dropFirst().contains(where: {
        $0.startKnown && $0.firstTime != Record.noTime && $0.firstTime <= first.firstTime
          && first.lastTime <= $0.lastTime
      })
    {
      drop.insert(0, at: 0)
    }
    guard !drop.isEmpty else { return [] }
    var x = RepeatedBoots(notice: notice)
    var ranges: [(input: Int32, lines: ClosedRange<Int>)] = []
    for i in drop {
      let b = boots[i]
      x.boots += 1
      let input = b.opener?.location.input ?? b.lastLocation?.input ?? notice.input
      x.records[input, default: 0] += b.records
      if let o = b.opener?.location, let l = b.lastLocation, o.input == l.input, o.line > 0, l.line >= o.line {
        ranges.append((o.input, o.line...l.line))
      }
    }
    repeatedBoots.append(x)
    for i in drop.reversed() { boots.remove(at: i) }
    return ranges
  }

  /// The start of every reread warning.
  static let rereadNoticeText =
    "rsyslog's imjournal started without a valid state file and wrote the journal again from its first entry"

  /// What to warn about boots left out as read twice (`dropBootsReadTwice`).
  func repeatedBootWarnings() -> [(location: SourceLocation, skipped: [Int32: Int], message: String)] {
    repeatedBoots.map { x in
      let n = x.records.values.reduce(0, +)
      return (
        x.notice, x.records,
        Self.rereadNoticeText + " before this line: \(x.boots) boot\(x.boots == 1 ? " was" : "s were") read twice; the first reading "
          + "(\(n) lines) is left out"
      )
    }
  }

  /// A reread notice (`Signal.syslogJournalReread`): boots the journal already repeated go, and a reread that
  /// follows is left out up to the floor. `latestBefore`: the latest time of this host's lines before `r`.
  private func noteReread(_ r: Record, latestBefore: Int64) {
    rereadNotices += 1
    // Each notice looks at all boots and rule hits so far: a log full of them would take quadratic time.
    guard rereadNotices <= Self.rereadNoticeLimit else { return }
    sawRereadNotice = true
    rereadNews = dropBootsReadTwice(notice: SourceLocation(input: r.input, line: r.line))
    guard r.time != Record.noTime else { return }
    let floor = startHold != nil ? startHoldLatest : latestBefore
    // (No floor: nothing of this host came before. A floor at or after the notice is a clock that ran ahead before
    // the restart: nothing can be told apart.)
    if floor != .min && floor < r.time {
      let last = boots.last.flatMap { $0.lastTime == floor ? $0.lastMessage : nil }
      rereads.append(
        Reread(
          notice: SourceLocation(input: r.input, line: r.line), floor: floor, floorMessage: last,
          until: r.time - 2_000_000))
      rereading = true
    }
  }

  /// Leaves out `r`, a line of the journal read again (see `Reread`).
  private func dropReread(_ r: Record) {
    let k = rereads.count - 1
    let loc = SourceLocation(input: r.input, line: r.line)
    rereads[k].dropped[r.input, default: 0] += 1
    if rereads[k].first == nil { rereads[k].first = loc }
    rereads[k].last = loc
  }

  /// What to warn about each reread that left lines out.
  func rereadWarnings() -> [(location: SourceLocation, skipped: [Int32: Int], message: String)] {
    var out: [(location: SourceLocation, skipped: [Int32: Int], message: String)] = []
    if rereadNotices > Self.rereadNoticeLimit, let first = rereads.first?.notice ?? repeatedBoots.first?.notice {
      out.append(
        (first, [:],
         "\(rereadNotices) notices of rsyslog's imjournal reading the journal again for "
          + "\(hostName.isEmpty ? "this host" : hostName); only the first \(Self.rereadNoticeLimit) are acted on"))
    }
    return out + rereads.compactMap { x in
      guard let first = x.first, let last = x.last else { return nil }
      let n = x.dropped.values.reduce(0, +)
      let span = first.input == last.input ? "lines \(first.line)–\(last.line)" : "from line \(first.line) of this file on"
      return (
        x.notice, x.dropped,
        Self.rereadNoticeText + ": \(n) lines after this one (\(span)) are stamped before this host's latest line before the restart; "
          + "left out as repeats"
      )
    }
  }

  // MARK: Feeding

  /// Feeds one record of this host. False when the record was left out (a line of a journal read again, see
  /// `Reread`): nothing else should count it either.
  @discardableResult
  public func consume(_ r: Record, signal: Signal, streamOrdinal: Int) -> Bool {
    if streamOrdinal < firstStreamOrdinal { firstStreamOrdinal = streamOrdinal }
    lastStreamOrdinal = streamOrdinal
    if r.isKernel { sawKernel = true }
    if !sawUserspace && !r.isKernel {
      switch signal {
      case .syslogDaemonStart, .syslogDaemonExit, .syslogServiceStopping, .shutdown, .journalStarted, .journalStopped:
        sawUserspace = true
      default:
        if r.pid == 1 || r.identifier.equals("systemd-journald") || r.identifier.equals("rsyslogd") { sawUserspace = true }
      }
    }
    if isJournal {
      consumeJournal(r, signal: signal)
      return true
    }
    if isLoginRecords {
      consumeLoginRecord(r, signal: signal)
      return true
    }
    if rereading, r.time != Record.noTime {
      let x = rereads[rereads.count - 1]
      // Before the floor, and the log's last line again: another line in the floor's own second may be new (with
      // whole-second stamps several lines share it, and where rsyslog's own lines go through the journal the
      // notice comes after the reread, in time order).
      if r.time < x.floor || r.time == x.floor && x.floorMessage.map({ r.message.equals($0) }) == true {
        dropReread(r)
        return false
      }
      if r.time >= x.until { rereading = false }
    }
    if !r.bootLineID.isEmpty && !r.isKernel && !sawKernel { noteBootLine(r) }
    let latestBefore = latestTime
    if case .syslogJournalReread = signal { noteReread(r, latestBefore: latestBefore) }
    if r.time != pendingTime {
      // (`Record.noTime` is below any time.)
      if r.time > latestTime { latestTime = r.time }
      let second = Self.second(of: r.time)
      if second != pendingSecond {
        // A start hold keeps holding while the time stays before the start line's second or within 2 s after it.
        if startHold == nil || second > startHold! + 2 { flushPending() }
        if firstRecordSecond == nil { firstRecordSecond = second } else { timeChanged = true }
        pendingSecond = second
      }
      if r.time != Record.noTime && pendingTime != Record.noTime { countStep(back: r.time < pendingTime, r) }
      pendingTime = r.time
    }
    // (`parkedFrom` is a time or `.max`: a record without a time never reaches it.)
    if r.time >= parkedFrom { unpark() }
    if startHold != nil {
      startHoldRecords += 1
      if startHoldRecords > Self.startHoldLimit { flushPending() }
    }
    updateBannerPhase(r, signal: signal)
    var signal = signal
    if let w = replayWatch, r.time != Record.noTime, r.time > w.until { replayWatch = nil }
    let priorUptime = lastKernelUptime
    if r.isKernel && r.kernelUptime >= 0 {
      if let w = replayWatch, r.kernelUptime >= w.uptime {
        replayWatch = nil
        if r.kernelUptime == w.uptime && signal != .bootBanner { revertReplayedBoot(w) }
      }
      if lastKernelUptime < 0 {
        firstKernel = (r.kernelUptime, r.time, signal == .bootBanner)
      } else if r.kernelUptime < Self.restartedUptime && signal != .bootBanner && !inBannerPhase
        && Self.kernelRestarted(from: (lastKernelUptime, lastKernelTime), to: (r.kernelUptime, r.time))
      {
        signal = .bootBanner
      }
      lastKernelUptime = r.kernelUptime
      lastKernelTime = r.time
    }
    if signal == .bootBanner { bannerRecords += 1 }
    if signal == .bootBanner && !inBannerPhase {
      bannerPhaseVersionTime = r.message.hasPrefix("Linux version ") ? r.time : nil
      if !timeChanged { openedBeforeTimeChanged = true }
      openBoot(banner: r)
      inBannerPhase = true
      bannerPhaseStart = r.time
      bannerPhaseKernelRecords = 0
      replayWatch = nil
      if r.isKernel, priorUptime >= Self.replayMinUptime, r.time != Record.noTime {
        replayWatch = ReplayWatch(
          uptime: priorUptime, until: r.time + Self.replayWindow, banners: bannerRecords - 1,
          banner: SourceLocation(input: r.input, line: r.line))
      }
      return true
    }
    if signal == .syslogDaemonStart && startHold == nil && r.time != Record.noTime {
      startHold = Self.second(of: r.time)
      startHoldRecords = 0
      startHoldTime = r.time
      startHoldLatest = latestBefore
    }
    push(r, signal: signal)
    return true
  }

  /// journalctl text: `r` is the first record of a boot of the journal (`Record.bootLineID`). In text without
  /// kernel lines (a dump filtered by unit, identifier or priority: `journalctl -u postgresql`) nothing else shows
  /// that boot began: the records held so far are the boot before's, and the place is marked for
  /// `HostMerger.splitAtBootLines`. (Text with kernel lines has the boots' banners, which open them.)
  @inline(never)
  private func noteBootLine(_ r: Record) {
    flushPending()
    let id = r.bootLineID.count == 1 && r.bootLineID[0] == Record.noBootLineID ? nil : r.bootLineID.string
    current.markBootLine(time: r.time, location: SourceLocation(input: r.input, line: r.line), message: r.message, id: id)
  }

  /// A kernel banner that came after this host's kernel had printed at `uptime` (at least `replayMinUptime`), until
  /// `until`, with the banner records counted before it: see `revertReplayedBoot`.
  private var replayWatch: ReplayWatch?
  private struct ReplayWatch {
    var uptime: Int64
    var until: Int64
    var banners: Int
    var banner: SourceLocation
  }
  /// Replays found (`revertReplayedBoot`): how many, and where the first one's banner is (for a warning).
  private(set) var replayCount = 0
  private(set) var firstReplay: SourceLocation?
  static let replayMinUptime: Int64 = 600_000_000
  static let replayWindow: Int64 = 60_000_000

  /// The boot just opened by a kernel banner was the kernel's ring buffer read again, not a new kernel: a syslog
  /// daemon that reads `/dev/kmsg` (rsyslog `imkmsg`, syslog-ng's `system()` source) reads the whole buffer when it
  /// restarts, banner first, and writes it with the time of reading. The sign is the replay reaching the line this
  /// host's kernel printed last before the banner: the same printk time, to the microsecond, within a minute of
  /// the banner, and at least 10 minutes of uptime — more than a kernel that started at the banner can have had
  /// then. (Below that a new kernel may print at the old last line's time: boots of one machine print their first
  /// lines at nearly the same times, and logs written by hand or by a generator repeat them exactly. A kernel
  /// whose last line came early in its boot is therefore not checked.) The boot's records go back to the boot
  /// before it, as if the banner had not opened one; what the replay showed of a start (the banner, filesystem
  /// recovery, a crash line the buffer still held) is dropped with it.
  private func revertReplayedBoot(_ w: ReplayWatch) {
    guard let replayed = boots.last else { return }
    inBannerPhase = false
    bannerRecords = w.banners
    replayCount += 1
    if firstReplay == nil { firstReplay = w.banner }
    // What the replay showed of a start is not this boot's.
    replayed.opener = nil
    replayed.startEvidence = []
    replayed.crash = nil
    replayed.crashOrdinal = -1
    replayed.banner = nil
    guard boots.count >= 2 else {
      // The data began just before the banner: the records are the boot that was running when the data begins.
      replayed.startKnown = false
      replayed.collectsCandidates = readsChunk
      return
    }
    boots.removeLast()
    boots.last!.absorb(replayed)
  }

  /// Until when the boot opened last may still turn out to be a replay (`revertReplayedBoot`); nil when it cannot.
  var replayWatchEnd: Int64? { replayWatch?.until }

  /// What to warn about the replays found, once per host: nil when there were none.
  func replayWarning() -> (location: SourceLocation, message: String)? {
    guard let first = firstReplay else { return nil }
    let more = replayCount > 1 ? " (\(replayCount) such replays of \(hostName.isEmpty ? "this host" : hostName))" : ""
    return (
      first,
      "kernel lines from this banner on repeat the kernel's ring buffer up to the last kernel line before it (a "
        + "syslog daemon that reads /dev/kmsg restarted): not a boot\(more)"
    )
  }

  /// Uptimes under this can show a restarted kernel (`kernelRestarted`).
  static let restartedUptime: Int64 = 600_000_000
  /// The uptime (printk time) and time of this host's last kernel record with an uptime; −1 before any.
  private var lastKernelUptime: Int64 = -1
  private var lastKernelTime: Int64 = Record.noTime
  /// The uptime and time of the first kernel record with an uptime, and whether it was a banner (`canContinue`).
  private var firstKernel: (uptime: Int64, time: Int64, banner: Bool)?

  /// True when a kernel record (uptime and time `to`) shows the kernel started again since the record `from`: its
  /// uptime is under 10 minutes and below `from`'s, by more than a minute, or at all (10 ms, past any jitter between
  /// CPUs) when the kernel it implies (time − uptime) started more than a minute after `from`'s. printk times only
  /// grow within a boot, and a clock stepped forward (NTP on a board without RTC) moves the implied start but not
  /// the uptime. Then the record opens a boot as a banner would. The banner and the first seconds of kernel lines
  /// are missing when the kernel's ring buffer overflowed before the syslog daemon read it (a big machine's boot, a
  /// daemon held back by fsck): without this, a power loss there was no boot at all. (A quiet server whose last
  /// kernel line came earlier in its boot than the new boot's first surviving one shows nothing: its uptime did not
  /// go back.)
  static func kernelRestarted(from: (uptime: Int64, time: Int64), to: (uptime: Int64, time: Int64)) -> Bool {
    guard from.uptime >= 0, to.uptime < restartedUptime else { return false }
    let drop = from.uptime - to.uptime
    if drop > 60_000_000 { return true }
    guard drop > 10_000, from.time != Record.noTime, to.time != Record.noTime else { return false }
    return (to.time - to.uptime) - (from.time - from.uptime) > 60_000_000
  }

  private func updateBannerPhase(_ r: Record, signal: Signal) {
    guard inBannerPhase else { return }
    // A boot that is shutting down is past its first kernel lines: a banner after this is the next boot's, however
    // soon (a boot rebooted within three minutes, in text whose kernel lines carry no printk time).
    switch signal {
    case .shutdown, .syslogDaemonExit, .syslogServiceStopping:
      inBannerPhase = false
      return
    default:
      break
    }
    if r.isKernel {
      if r.kernelUptime > 2_000_000 { inBannerPhase = false }
      bannerPhaseKernelRecords += 1
      if r.kernelUptime < 0 && bannerPhaseKernelRecords > 400 { inBannerPhase = false }
    }
    // Three minutes on, kernel lines too: a kern.log whose kernel printed nothing after its first two seconds
    // held the phase open until the next boot's banner, which then was taken for this boot's.
    if r.time != Record.noTime && bannerPhaseStart != Record.noTime && r.time - bannerPhaseStart > 180_000_000 {
      inBannerPhase = false
    }
    // A second `Linux version` line more than 10 s after the phase's is the next boot's (`bannerPhaseVersionTime`).
    if inBannerPhase && signal == .bootBanner && r.message.hasPrefix("Linux version ") {
      if let v = bannerPhaseVersionTime, v != Record.noTime, r.time != Record.noTime, r.time - v > 10_000_000 {
        inBannerPhase = false
      } else if bannerPhaseVersionTime == nil {
        bannerPhaseVersionTime = r.time
      }
    }
  }

  private func push(_ r: Record, signal: Signal) {
    if signal.isStartLine { heldStartLine = true }
    if ring.isFull { applyOldestPending() }
    ring.push(r, signal: signal)
  }

  private func applyOldestPending(to boot: BootState? = nil) {
    let target = boot ?? current
    let k = ring.head
    apply(k, to: target)
    ring.dropOldest()
  }

  /// Applies held record at slot `k` to `boot`.
  private func apply(_ k: Int, to boot: BootState) {
    let msg = ring.message(k)
    let time = ring.times[k]
    let signal = ring.signals[k]
    // A boot that keeps daemon marks (`BootState.DaemonMark`) takes a copy of a start line's text: the mark keeps
    // the text of the record before it. (And a NUL run before a record counts as a start signal there: `apply`.)
    let marks = boot.marksDaemonStarts
    let held = !marks || !signal.isStartLine
    if held {
      // The slot's text buffer becomes the boot's last message (a swap, not a copy); `msg` still points into it.
      ring.giveMessage(k, to: boot)
      if signal == .none, ring.nulBefore[k] == 0 || !marks,
        boot.applyPlainText(time: time, input: ring.inputs[k], line: ring.lines[k])
      {
        return
      }
    }
    let loc = SourceLocation(input: ring.inputs[k], line: ring.lines[k])
    boot.apply(
      signal: signal, time: time, location: loc, message: msg, nulBytesBefore: ring.nulBefore[k], messageHeld: held
    ) { kind in
      EvidenceRecord(kind: kind, time: time, location: loc, message: msg.string)
    }
  }

  /// Assigns every held record to the current boot (a start hold ends with it).
  public func flushPending() {
    startHold = nil
    guard count > 0 else { return }
    if lastBoot == nil { _ = current }
    lastBoot!._withUnsafeGuaranteedRef { target in
      if heldStartLine && target.marksDaemonStarts {
        markStartRuns(into: target)
      } else {
        while count > 0 { applyOldestPending(to: target) }
      }
    }
    heldStartLine = false
  }

  /// True when a start line (`Signal.isStartLine`) was held since the last flush.
  private var heldStartLine = false

  /// Applies the held records to `target`, marking each start line's boot at the first of the lines written in its
  /// second before it, as a banner opens a boot there (`openBoot`): rsyslog writes a boot's first userspace lines
  /// before its own start line, and they are the new boot's, not the last signs of life of the one before. Walks
  /// back over no kernel line, shutdown line or other start line, and stops after a NUL run.
  private func markStartRuns(into target: BootState) {
    var markAt = Set<Int>()
    for j in 0..<count where ring.signals[ring.slot(j)].isStartLine && ring.nulBefore[ring.slot(j)] == 0 {
      let second = Self.second(of: ring.times[ring.slot(j)])
      var split = j
      while split > 0 {
        let k = ring.slot(split - 1)
        let sig = ring.signals[k]
        if ring.isKernel[k] || isShutdownish(sig) || sig.isStartLine || ring.times[k] == Record.noTime
          || Self.second(of: ring.times[k]) != second
        {
          break
        }
        split -= 1
        if ring.nulBefore[k] > 0 { break }
      }
      if split < j { markAt.insert(split) }
    }
    var i = 0
    while count > 0 {
      if markAt.contains(i) {
        let k = ring.head
        target.markStart(
          time: ring.times[k], location: SourceLocation(input: ring.inputs[k], line: ring.lines[k]),
          message: ring.message(k))
      }
      applyOldestPending(to: target)
      i += 1
    }
  }

  /// Copies the held records out, oldest first, and empties the ring.
  private func takeHeld() -> [HeldRecord] {
    var out: [HeldRecord] = []
    out.reserveCapacity(count)
    for i in 0..<count {
      let k = ring.slot(i)
      let text = ring.message(k)
      out.append(
        HeldRecord(
          signal: ring.signals[k], time: ring.times[k], input: ring.inputs[k], line: ring.lines[k],
          nulBefore: ring.nulBefore[k], message: Array(UnsafeBufferPointer(start: text.base, count: text.count))))
    }
    while count > 0 { ring.dropOldest() }
    return out
  }

  private func apply(_ h: HeldRecord, to boot: BootState) {
    let loc = SourceLocation(input: h.input, line: h.line)
    h.message.withBytes { m in
      boot.apply(signal: h.signal, time: h.time, location: loc, message: m, nulBytesBefore: h.nulBefore) { kind in
        EvidenceRecord(kind: kind, time: h.time, location: loc, message: m.string)
      }
    }
  }

  /// Applies the parked records to the current boot, after the records held before them (`flush`; a banner
  /// opening the next boot leaves the held records to its split).
  private func unpark(flush: Bool = true) {
    guard !parked.isEmpty else { return }
    if flush { flushPending() }
    let target = current
    for h in parked { apply(h, to: target) }
    parked = []
    parkedFrom = .max
  }

  private func openBoot(banner r: Record) {
    // The stream shows its boots' starts itself: its first boot is no longer split where other streams show them.
    if let first = boots.first, first.marksDaemonStarts { first.dropDaemonMarks() }
    // Parked records belong to the boot opened before this one.
    unpark(flush: false)
    let holding = startHold != nil
    startHold = nil
    // Find where the new boot begins among the held records (all share the banner's second; after a held start
    // line, see below).
    var split = count
    let nothingBefore = boots.isEmpty || (boots.last!.isEmpty && !boots.last!.startKnown)
    if nothingBefore {
      // The data begins with this boot: everything held is its first lines.
      split = 0
      if count > 0 { openedWithoutPredecessor = true }
    } else if holding && r.nulBytesBefore == 0 {
      // A held start line (`startHold`): the held records go by time. What is stamped before the banner's second,
      // and more than 2 s before the start line, is the old boot's (entries a journal reader had not written before
      // the reboot, its shutdown lines among them); the rest is the new boot's. (A banner that imklog stamps when
      // it reads it can fall in the second after the start line and the lines queued with it.)
      let bannerSecond = Self.second(of: r.time)
      let old = current
      var rest: [HeldRecord] = []
      for h in takeHeld() {
        if h.time != Record.noTime && Self.second(of: h.time) < bannerSecond && h.time < startHoldTime - 2_000_000 {
          apply(h, to: old)
        } else {
          rest.append(h)
        }
      }
      split = 0
      openBoot(banner: r, after: rest)
      return
    } else if r.nulBytesBefore == 0 {
      var i = count - 1
      var fallback = 0
      var opener: Int?
      while i >= 0 {
        let k = ring.slot(i)
        if ring.signals[k] == .syslogDaemonStart || ring.nulBefore[k] > 0 {
          opener = i
          break
        }
        if ring.isKernel[k] || isShutdownish(ring.signals[k]) {
          fallback = i + 1
          break
        }
        i -= 1
      }
      split = opener ?? fallback
      // rsyslog writes a boot's first userspace lines before its own start line, in the same second:
      // they open the new boot too. A NUL run is a hard boundary (lost writes end the old boot there).
      if let o = opener, ring.nulBefore[ring.slot(o)] == 0 {
        while split > 0 {
          let k = ring.slot(split - 1)
          let sig = ring.signals[k]
          // imklog's own start notice (kernel facility) comes with the daemon's start line.
          if ring.isKernel[k] && sig == .syslogDaemonStart {
            split -= 1
            continue
          }
          if ring.isKernel[k] || isShutdownish(sig) || sig == .syslogDaemonStart { break }
          split -= 1
          if ring.nulBefore[k] > 0 { break }
        }
      }
    }
    for _ in 0..<split { applyOldestPending() }
    if holding {
      openBoot(banner: r, after: takeHeld())
      return
    }
    // Drop a before-the-data boot that turned out to hold nothing.
    if let last = boots.last, last.isEmpty, !last.startKnown { boots.removeLast() }
    let boot = BootState(startKnown: true)
    // A boot after it may show no banner (`kern.none` from some day on, a kernel line lost): its start lines and PID
    // 1's `Startup finished` lines are kept (`HostMerger.splitAtOwnStarts`).
    boot.marksDaemonStarts = true
    boots.append(boot)
    let held = count > 0
    let openerTime = held ? ring.times[head] : r.time
    let openerLoc = SourceLocation(input: held ? ring.inputs[head] : r.input, line: held ? ring.lines[head] : r.line)
    let openerMsg = held ? ring.message(head).string : r.message.string
    boot.opener = EvidenceRecord(kind: .bootStart, time: openerTime, location: openerLoc, message: openerMsg)
    while count > 0 { applyOldestPending(to: boot) }
    applyBanner(r, to: boot)
  }

  /// Opens a boot at banner `r` with `held`, the new boot's records from a start hold: those stamped after the
  /// banner (the daemon's own start line and what it wrote with it) are parked until the stream reaches their time;
  /// the others (the journal's entries before the banner) open the boot.
  private func openBoot(banner r: Record, after held: [HeldRecord]) {
    if let last = boots.last, last.isEmpty, !last.startKnown { boots.removeLast() }
    let boot = BootState(startKnown: true)
    boot.marksDaemonStarts = true
    boots.append(boot)
    var first: HeldRecord?
    for h in held {
      if h.time != Record.noTime && h.time > r.time {
        parked.append(h)
        parkedFrom = min(parkedFrom, h.time)
      } else {
        if first == nil { first = h }
        apply(h, to: boot)
      }
    }
    let loc = SourceLocation(input: first?.input ?? r.input, line: first?.line ?? r.line)
    let text = first.map { String(decoding: $0.message, as: UTF8.self) } ?? r.message.string
    boot.opener = EvidenceRecord(kind: .bootStart, time: first?.time ?? r.time, location: loc, message: text)
    applyBanner(r, to: boot)
  }

  private func applyBanner(_ r: Record, to boot: BootState) {
    boot.apply(
      signal: .bootBanner, time: r.time, location: SourceLocation(input: r.input, line: r.line), message: r.message,
      nulBytesBefore: r.nulBytesBefore
    ) { kind in
      EvidenceRecord(kind: kind, time: r.time, location: SourceLocation(input: r.input, line: r.line), message: r.message.string)
    }
  }

  private func isShutdownish(_ s: Signal) -> Bool {
    switch s {
    case .shutdown, .syslogDaemonExit, .journalStopped, .syslogServiceStopping: return true
    default: return false
    }
  }

  /// Whether `continueWith(next)` is exact: false when the chunk's start depended on state it could not know
  /// (a kernel banner phase open across the cut, records held with the same second on both sides and a banner
  /// among them, a boot opened over held records as if nothing came before, more start candidates than kept).
  func canContinue(with next: BootSequencer) -> Bool {
    guard !isJournal, !isLoginRecords, !next.isJournal, !next.isLoginRecords else { return false }
    if inBannerPhase || next.openedWithoutPredecessor { return false }
    // A start line held at the cut would have gone to a boot whose banner the next chunk reads.
    if startHold != nil || !parked.isEmpty { return false }
    // A journal read again across the cut, or a notice in the chunk (see `sawRereadNotice`).
    if rereading || next.sawRereadNotice { return false }
    if count > 0 && pendingSecond == next.firstRecordSecond && next.openedBeforeTimeChanged { return false }
    // A replay watch open at the cut would have looked at the chunk's first records; a chunk whose first kernel
    // record opened a boot could not watch for a replay of this chunk's last kernel line.
    if let w = replayWatch, let s = next.firstRecordSecond, s * 1_000_000 <= w.until { return false }
    if let f = next.firstKernel, f.banner, lastKernelUptime >= Self.replayMinUptime { return false }
    // The chunk's first kernel record would have shown a restarted kernel after this chunk's last one.
    if let f = next.firstKernel, !f.banner,
      Self.kernelRestarted(from: (lastKernelUptime, lastKernelTime), to: (f.uptime, f.time))
    {
      return false
    }
    // A step back of the clock in the chunk's first boot, begun before the cut, might have been within the boot's
    // first minutes (`BootState.earlyStepBack`), which only the whole boot shows.
    if let first = next.boots.first, !first.startKnown, first.sawStepBack { return false }
    // So might a step between this chunk's last record and the next one's first.
    if let s = next.firstRecordSecond, pendingSecond != .min, pendingSecond - s >= 59 { return false }
    return !next.boots.contains { $0.candidatesOverflow }
  }

  /// Appends `next`, the same host as read by the next chunk of this stream, as if its records had come here
  /// one by one (check `canContinue` first). `offset`: stream ordinals before the chunk.
  func continueWith(_ next: BootSequencer, ordinalOffset offset: Int) {
    flushPending()
    var rest = next.boots[...]
    if let first = rest.first, !first.startKnown {
      current.continueWith(first)
      rest = rest.dropFirst()
    }
    if !rest.isEmpty, let f = boots.first, f.marksDaemonStarts { f.dropDaemonMarks() }
    boots += rest
    if next.sawUserspace { sawUserspace = true }
    if next.sawKernel { sawKernel = true }
    if interleaved == nil { interleaved = next.interleaved }
    rebootLineCount += next.rebootLineCount
    let bannersBefore = bannerRecords
    bannerRecords += next.bannerRecords
    backwardSteps += next.backwardSteps
    forwardSteps += next.forwardSteps
    if firstBackward == nil { firstBackward = next.firstBackward }
    if firstRebootLine == nil { firstRebootLine = next.firstRebootLine }
    if next.lastStreamOrdinal >= 0 {
      firstStreamOrdinal = min(firstStreamOrdinal, next.firstStreamOrdinal + offset)
      lastStreamOrdinal = next.lastStreamOrdinal + offset
    }
    // The live state is the next chunk's.
    ring.swapContents(with: next.ring)
    pendingTime = next.pendingTime
    pendingSecond = next.pendingSecond
    if next.lastKernelUptime >= 0 {
      lastKernelUptime = next.lastKernelUptime
      lastKernelTime = next.lastKernelTime
    }
    inBannerPhase = next.inBannerPhase
    replayWatch = next.replayWatch.map {
      var w = $0
      w.banners += bannersBefore
      return w
    }
    replayCount += next.replayCount
    if firstReplay == nil { firstReplay = next.firstReplay }
    // (A chunk that saw a reread notice is not joined: nothing of a reread to take over.)
    bannerPhaseStart = next.bannerPhaseStart
    bannerPhaseKernelRecords = next.bannerPhaseKernelRecords
    startHold = next.startHold
    startHoldRecords = next.startHoldRecords
    startHoldTime = next.startHoldTime
    // The chunk's hold began after this chunk's records: the latest time before it is the later of the two.
    startHoldLatest = max(latestTime, next.startHoldLatest)
    latestTime = max(latestTime, next.latestTime)
    parked = next.parked
    parkedFrom = next.parkedFrom
  }

  /// Whether `settleAsFirst` is exact.
  var canSettleAsFirst: Bool { !boots.contains { $0.candidatesOverflow } }

  /// This sequencer's host first appears in its chunk: settle what waited for a predecessor.
  func settleAsFirst(ordinalOffset offset: Int) {
    for b in boots where b.collectsCandidates { b.settleCandidates() }
    if lastStreamOrdinal >= 0 {
      firstStreamOrdinal += offset
      lastStreamOrdinal += offset
    }
    readsChunk = false
  }

  /// Adds `delta` to the line numbers of `input` in everything kept (see `BootState.shiftLines`).
  func shiftLines(input: Int32, by delta: Int) {
    for b in boots { b.shiftLines(input: input, by: delta) }
    interleaved?.location.shiftLine(input: input, by: delta)
    firstRebootLine?.shiftLine(input: input, by: delta)
    firstBackward?.shiftLine(input: input, by: delta)
    firstReplay?.shiftLine(input: input, by: delta)
    for k in repeatedBoots.indices { repeatedBoots[k].notice.shiftLine(input: input, by: delta) }
    for k in rereads.indices {
      rereads[k].notice.shiftLine(input: input, by: delta)
      rereads[k].first?.shiftLine(input: input, by: delta)
      rereads[k].last?.shiftLine(input: input, by: delta)
    }
    replayWatch?.banner.shiftLine(input: input, by: delta)
    for i in 0..<count {
      let k = ring.slot(i)
      if ring.inputs[k] == input && ring.lines[k] > 0 { ring.lines[k] += delta }
    }
  }

  // MARK: Journals

  private func consumeJournal(_ r: Record, signal: Signal) {
    let boot: BootState
    if r.bootID.isEmpty {
      boot = current
    } else if let b = boots.last, let id = b.bootID, r.bootID.equals(id) {
      boot = b
    } else {
      let id = r.bootID.string
      if let i = journalIndex[id] {
        boot = boots[i]
      } else {
        // A journal boot whose first entry is minutes after the kernel started began before the data: by the
        // kernel's own time for a kernel entry, and by the entry's monotonic time (since the boot) for any other
        // (journal files vacuumed away, or an export cut, leave a boot whose first entry is a cron line hours in).
        // A boot's journal begins with the kernel's lines, or journald's and the initrd's own within seconds: a
        // first entry of userspace a minute in is already a cut (one 4 min in was taken as the boot's start, 4 min
        // after the syslog's, too far apart to be one boot).
        let early: Int64 = 300_000_000
        let userspaceEarly: Int64 = 60_000_000
        let known = (r.kernelUptime < 0 || r.kernelUptime < early)
          && (r.monotonic < 0 || r.monotonic < (r.isKernel ? early : userspaceEarly))
        let b = BootState(startKnown: known, bootID: id)
        if let e = onlineByBoot[id] { b.onlineJournal = e }
        journalIndex[id] = boots.count
        boots.append(b)
        boot = b
      }
    }
    // The cursor (a formatted, malloc'd string) is asked for only for records kept as evidence; the location
    // every record leaves as the boot's last one gets a cheap position, resolved for the boot's final record.
    let deferred = r.cursorSource?.deferredPosition()
    var cursor: String?
    var cursorKnown = deferred == nil
    if cursorKnown { cursor = r.cursorSource?.currentCursor() }
    // A local function, not a closure constant: its captured variables then stay on the stack (a closure
    // constant boxed both on the heap for every entry).
    func make(_ kind: EvidenceKind) -> EvidenceRecord {
      if !cursorKnown {
        cursor = r.cursorSource?.currentCursor()
        cursorKnown = true
      }
      let loc = SourceLocation(input: r.input, line: r.line, cursor: cursor)
      return EvidenceRecord(kind: kind, time: r.time, location: loc, message: r.message.string)
    }
    if boot.records == 0, boot.startKnown { boot.opener = make(.bootStart) }
    let loc = SourceLocation(input: r.input, line: r.line, cursor: cursor)
    boot.apply(signal: signal, time: r.time, location: loc, message: r.message, nulBytesBefore: r.nulBytesBefore, makeEvidence: make)
    if !cursorKnown, let deferred, let source = r.cursorSource {
      boot.deferLastCursor(source, deferred)
    } else if cursorKnown && deferred != nil {
      boot.lastLocation?.cursor = cursor
    }
  }

  /// True once a journal record of this machine named a host (`hostName` then comes from records, the latest).
  var journalHostSeen = false

  /// Whether `appendJournalBoots(next)` is exact: `next` (the same machine, read by a later range of the same
  /// journal group) holds only boots with an ID, none of which this sequencer holds.
  func canAppendJournalBoots(_ next: BootSequencer) -> Bool {
    guard isJournal, next.isJournal else { return false }
    return next.boots.allSatisfy { b in b.bootID.map { journalIndex[$0] == nil } ?? false }
  }

  /// Appends the boots `next` read from a later range of boots of the same journal group, as if its records had
  /// come here one by one (check `canAppendJournalBoots` first). `offset`: stream ordinals before the range.
  func appendJournalBoots(_ next: BootSequencer, ordinalOffset offset: Int) {
    for b in next.boots {
      if let id = b.bootID { journalIndex[id] = boots.count }
      boots.append(b)
    }
    if next.sawUserspace { sawUserspace = true }
    if next.journalHostSeen {
      hostName = next.hostName
      journalHostSeen = true
    }
    if next.lastStreamOrdinal >= 0 {
      firstStreamOrdinal = min(firstStreamOrdinal, next.firstStreamOrdinal + offset)
      lastStreamOrdinal = next.lastStreamOrdinal + offset
    }
  }

  /// Removes a journal boot from this sequencer (it moves to another machine ID); nil if it is not here.
  func takeJournalBoot(_ id: String) -> BootState? {
    guard let i = journalIndex[id] else { return nil }
    let b = boots.remove(at: i)
    journalIndex = [:]
    for (k, x) in boots.enumerated() { if let bid = x.bootID { journalIndex[bid] = k } }
    return b
  }

  /// Takes over a journal boot first seen under another machine ID.
  func adoptJournalBoot(_ b: BootState) {
    guard let id = b.bootID, journalIndex[id] == nil else { return }
    if b.onlineJournal == nil, let e = onlineByBoot[id] { b.onlineJournal = e }
    journalIndex[id] = boots.count
    boots.append(b)
  }

  // MARK: Login records (wtmp/utmp)

  /// A `BOOT_TIME` record opens a boot; everything else belongs to the current one. Times before the clock was
  /// set (`clockSetThreshold`) do not count as the boot's first or last time: such a boot's times come from its
  /// later records (runlevel, logins, shutdown), and `clockUnsetAtStart` tells the host merge to place it by order.
  private func consumeLoginRecord(_ r: Record, signal: Signal) {
    let loc = SourceLocation(input: r.input, line: r.line)
    let make: (EvidenceKind) -> EvidenceRecord = { kind in
      EvidenceRecord(kind: kind, time: r.time, location: loc, message: r.message.string)
    }
    let clockSet = r.time != Record.noTime && r.time >= Self.clockSetThreshold
    let boot: BootState
    if signal == .bootBanner {
      if let last = boots.last, last.isEmpty, !last.startKnown { boots.removeLast() }
      boot = BootState(startKnown: true)
      boot.loginRecords = true
      boot.clockUnsetAtStart = !clockSet
      boot.opener = make(.bootStart)
      boots.append(boot)
    } else {
      boot = current
      boot.loginRecords = true
    }
    boot.apply(
      signal: signal, time: clockSet ? r.time : Record.noTime, location: loc, message: r.message,
      nulBytesBefore: r.nulBytesBefore, makeEvidence: make)
  }

  // MARK: Notes

  public func dataGap(input: Int32, reason: String) {
    flushPending()
    unpark()
    let b = current
    b.gap = EvidenceRecord(
      kind: .dataGap, time: b.lastTime, location: SourceLocation(input: input, line: 0), message: reason)
    b.gapOrdinal = b.records
  }

  /// The host's boots cannot be told apart in this stream's text from `location` on, for `reason`: sets `interleaved`
  /// (the first reason is kept) and returns its evidence, nil when one was set before.
  @discardableResult
  public func bootsInterleaved(at location: SourceLocation, reason: String) -> EvidenceRecord? {
    guard interleaved == nil else { return nil }
    let e = EvidenceRecord(kind: .dataGap, time: Record.noTime, location: location, message: reason)
    interleaved = e
    return e
  }

  /// Changes of time between consecutive records of this host, backwards and forwards, and the first record that
  /// went back (see `runsBackwards`).
  private(set) var backwardSteps = 0
  private(set) var forwardSteps = 0
  private var firstBackward: SourceLocation?

  @inline(__always)
  private func countStep(back: Bool, _ r: Record) {
    if back {
      backwardSteps += 1
      if firstBackward == nil { firstBackward = SourceLocation(input: r.input, line: r.line) }
    } else {
      forwardSteps += 1
    }
  }

  /// Text written newest first (`journalctl -r`, a log reversed with `tac`) shows each boot's start after its end:
  /// read in file order, every boot would end without a shutdown sequence. Clocks set back go back now and then; a
  /// text that goes back at 20 or more changes of time and over four times as often as it goes forward runs
  /// backwards. Then `interleaved` is set and the evidence returned once, for a warning.
  func runsBackwards() -> EvidenceRecord? {
    guard !isJournal, !isLoginRecords, backwardSteps >= 20, backwardSteps > 4 * forwardSteps, let first = firstBackward
    else { return nil }
    return bootsInterleaved(
      at: first,
      reason: "the records of \(hostName.isEmpty ? "this host" : hostName) run backwards in time (\(backwardSteps) "
        + "steps back, \(forwardSteps) forward): the text was written newest first (`journalctl -r`?), so where each "
        + "boot ended cannot be read from it; give Flatline the log in time order")
  }

  /// `-- Reboot --` lines of older journalctl text before this host's records, and where the first is; kernel
  /// banner records seen (text streams).
  private(set) var rebootLineCount = 0
  private(set) var bannerRecords = 0
  private var firstRebootLine: SourceLocation?

  func addRebootLines(_ count: Int, first: SourceLocation) {
    rebootLineCount += count
    if firstRebootLine == nil { firstRebootLine = first }
  }

  /// Older journalctl marks every boot change with `-- Reboot --` and names no boot, so boots that interleave by
  /// wall clock cannot be told as with `-- Boot <id> --` lines. They show in the count: a dump in order has one
  /// such line per boot after the first; interleaved boots give one per switch, far more than the kernel banners.
  /// With more than twice as many such lines as banner records, plus two, the host's boots are taken as interleaved
  /// (`interleaved` is set; the evidence is returned once, for a warning). Without a banner (a dump filtered to one
  /// unit has separators but no kernel lines) nothing is concluded.
  func rebootLinesOutnumberBoots() -> EvidenceRecord? {
    guard !isJournal, bannerRecords > 0, rebootLineCount > 2 * bannerRecords + 2, let first = firstRebootLine
    else { return nil }
    return bootsInterleaved(
      at: first,
      reason: "journalctl output changes boot \(rebootLineCount) times (`-- Reboot --`) against \(bannerRecords) "
        + "kernel banner line(s) of \(hostName.isEmpty ? "this host" : hostName): its boots interleave in this text (as "
        + "on a machine without a real-time clock), so where each ended cannot be read from it; read the binary "
        + "journal instead")
  }

  public func journalFileOnline(input: Int32, file: String, bootID: String) {
    let e = EvidenceRecord(
      kind: .journalFileOnline, time: Record.noTime, location: SourceLocation(input: input, line: 0),
      message: "journal file \(file) was left ONLINE (never closed); its last entry belongs to this boot")
    if let i = journalIndex[bootID] {
      boots[i].onlineJournal = e
    } else {
      onlineByBoot[bootID] = e
    }
  }

  /// Applies the held and parked records when the stream has gone quiet: its latest record is stamped before `t`.
  /// Tail mode (`DetectionEngine.settleQuiet`): a stream whose last lines are a boot's first second (kern.log after
  /// a boot, until its next kernel line hours later) held them, with the boot's filesystem recovery among them, and
  /// the boot before was reported ended without that evidence. Batch analysis applies them at `finish`.
  func settleQuiet(before t: Int64) {
    guard !isJournal, !isLoginRecords, count > 0 || !parked.isEmpty || startHold != nil, latestTime != .min,
      latestTime < t
    else { return }
    flushPending()
    unpark()
  }

  /// The stream's latest record time while what it holds may still be a boot's first lines: a held start line of
  /// the syslog daemon (`startHold`), or records held in the second the stream's last boot began or the two after.
  /// Nil otherwise. Tail mode waits for `settleQuiet` then, before it reports the boot before as ended: the held
  /// lines can be that boot's evidence (ext4's recovery in kern.log), or its start in a syslog without kernel lines.
  var heldBootStartLatest: Int64? {
    guard !isJournal, !isLoginRecords, latestTime != .min else { return nil }
    if startHold != nil { return latestTime }
    guard count > 0 || !parked.isEmpty, let b = boots.last, b.startKnown, b.firstTime != Record.noTime,
      pendingSecond <= Self.second(of: b.firstTime) + 2
    else { return nil }
    return latestTime
  }

  /// Ends the stream: holds nothing back, orders journal boots by their last entry.
  public func finish() {
    flushPending()
    unpark()
    // Deferred cursors are resolved while their source is still open, and the sources let go.
    for b in boots { b.resolveLastCursor() }
    if isJournal {
      // Boots of RTC-less machines start at a restored, wrong time; their ends are in order (journalctl's
      // own --list-boots fix does the same). Ties fall back to the first entry.
      boots.sort { a, b in
        if a.lastTime != b.lastTime { return a.lastTime < b.lastTime }
        return a.firstTime < b.firstTime
      }
    }
    boots.removeAll { $0.isEmpty }
  }
}

/// The held records of a `BootSequencer`: a ring kept as parallel raw arrays, each slot with its own message
/// buffer that is reused (grown when needed), so holding a record is a few stores and one memcpy — no Array
/// copy-on-write checks, no allocation once the slots have their buffers.
///
/// The ring starts small and doubles when a record arrives while it is full, up to `limit` records (then the
/// caller applies the oldest first, `isFull`). Most hosts hold a few records at a time: a ring made at its limit
/// (40 KiB) for every host and every chunk of a split file cost 290 MB on a central server's log of 1,000 hosts.
final class PendingRing {
  /// Slots allocated now.
  private(set) var capacity: Int
  /// The most records held (`isFull`).
  let limit: Int
  private(set) var head = 0
  private(set) var count = 0
  private(set) var signals: UnsafeMutablePointer<Signal>
  private(set) var times: UnsafeMutablePointer<Int64>
  private(set) var inputs: UnsafeMutablePointer<Int32>
  private(set) var lines: UnsafeMutablePointer<Int>
  private(set) var nulBefore: UnsafeMutablePointer<Int>
  private(set) var isKernel: UnsafeMutablePointer<Bool>
  private var messages: UnsafeMutablePointer<UnsafeMutablePointer<UInt8>?>
  private var messageCounts: UnsafeMutablePointer<Int>
  private var messageCapacities: UnsafeMutablePointer<Int>
  /// Longest text kept per record.
  static let messageLimit = 4096
  /// Slots a ring starts with.
  static let initialCapacity = 8

  init(limit: Int, initialCapacity: Int = PendingRing.initialCapacity) {
    precondition(limit >= 1)
    self.limit = limit
    let capacity = max(1, min(initialCapacity, limit))
    self.capacity = capacity
    signals = .allocate(capacity: capacity)
    signals.initialize(repeating: .none, count: capacity)
    times = .allocate(capacity: capacity)
    times.initialize(repeating: 0, count: capacity)
    inputs = .allocate(capacity: capacity)
    inputs.initialize(repeating: 0, count: capacity)
    lines = .allocate(capacity: capacity)
    lines.initialize(repeating: 0, count: capacity)
    nulBefore = .allocate(capacity: capacity)
    nulBefore.initialize(repeating: 0, count: capacity)
    isKernel = .allocate(capacity: capacity)
    isKernel.initialize(repeating: false, count: capacity)
    messages = .allocate(capacity: capacity)
    messages.initialize(repeating: nil, count: capacity)
    messageCounts = .allocate(capacity: capacity)
    messageCounts.initialize(repeating: 0, count: capacity)
    messageCapacities = .allocate(capacity: capacity)
    messageCapacities.initialize(repeating: 0, count: capacity)
  }

  deinit {
    for k in 0..<capacity { messages[k]?.deallocate() }
    signals.deinitialize(count: capacity)
    signals.deallocate()
    times.deallocate()
    inputs.deallocate()
    lines.deallocate()
    nulBefore.deallocate()
    isKernel.deallocate()
    messages.deallocate()
    messageCounts.deallocate()
    messageCapacities.deallocate()
  }

  /// True when the ring holds `limit` records: the caller lets go of the oldest before holding another.
  @inline(__always) var isFull: Bool { count >= limit }

  /// Exchanges what the two rings hold (same limit): a sequencer taking over another's live state keeps its own
  /// ring object.
  func swapContents(with other: PendingRing) {
    precondition(limit == other.limit)
    swap(&capacity, &other.capacity)
    swap(&head, &other.head)
    swap(&count, &other.count)
    swap(&signals, &other.signals)
    swap(&times, &other.times)
    swap(&inputs, &other.inputs)
    swap(&lines, &other.lines)
    swap(&nulBefore, &other.nulBefore)
    swap(&isKernel, &other.isKernel)
    swap(&messages, &other.messages)
    swap(&messageCounts, &other.messageCounts)
    swap(&messageCapacities, &other.messageCapacities)
  }

  /// Doubles the slots (up to `limit`), the held records oldest first from slot 0; each slot keeps its buffer.
  @inline(never)
  private func grow() {
    let old = capacity
    let new = min(max(old * 2, 1), limit)
    guard new > old else { return }
    func moved<T>(_ p: inout UnsafeMutablePointer<T>, fill: T) {
      let q = UnsafeMutablePointer<T>.allocate(capacity: new)
      for i in 0..<old { (q + i).initialize(to: (p + slot(i)).move()) }
      (q + old).initialize(repeating: fill, count: new - old)
      p.deallocate()
      p = q
    }
    moved(&signals, fill: .none)
    moved(&times, fill: 0)
    moved(&inputs, fill: 0)
    moved(&lines, fill: 0)
    moved(&nulBefore, fill: 0)
    moved(&isKernel, fill: false)
    moved(&messages, fill: nil)
    moved(&messageCounts, fill: 0)
    moved(&messageCapacities, fill: 0)
    head = 0
    capacity = new
  }

  /// Slot of the `i`-th held record (0 = oldest).
  @inline(__always) func slot(_ i: Int) -> Int {
    let k = head + i
    return k >= capacity ? k - capacity : k
  }

  /// Holds `r` (the caller makes room first when the ring is full, `isFull`).
  @inline(__always)
  func push(_ r: Record, signal: Signal) {
    if count == capacity { grow() }
    let k = slot(count)
    signals[k] = signal
    times[k] = r.time
    inputs[k] = r.input
    lines[k] = r.line
    nulBefore[k] = r.nulBytesBefore
    isKernel[k] = r.isKernel
    let n = min(r.message.count, Self.messageLimit)
    if n > messageCapacities[k] {
      messages[k]?.deallocate()
      let cap = max(n, 256)
      messages[k] = .allocate(capacity: cap)
      messageCapacities[k] = cap
    }
    if n > 0, let src = r.message.base, let dst = messages[k] { dst.update(from: src, count: n) }
    messageCounts[k] = n
    count += 1
  }

  /// The text held in slot `k` (valid until the slot is reused).
  @inline(__always) func message(_ k: Int) -> Bytes {
    Bytes(base: UnsafePointer(messages[k]), count: messageCounts[k])
  }

  /// Hands slot `k`'s text buffer to `boot` as its last message and takes the boot's old buffer for the slot
  /// (`BootState.exchangeLastMessage`). Views from `message(k)` stay valid: they now point into the boot's buffer.
  @inline(__always) func giveMessage(_ k: Int, to boot: BootState) {
    boot.exchangeLastMessage(&messages[k], capacity: &messageCapacities[k], count: messageCounts[k])
  }

  /// Lets go of the oldest record. An emptied ring starts again at slot 0: records are mostly held a few at a time,
  /// so the same few slots (and their message buffers) stay in cache instead of the ring's writes walking through
  /// all of its buffers (128 KiB per host; with several hosts that missed L2 on every record).
  @inline(__always) func dropOldest() {
    count -= 1
    head = count == 0 ? 0 : (head + 1 == capacity ? 0 : head + 1)
  }
}
