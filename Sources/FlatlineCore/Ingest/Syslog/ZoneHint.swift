import Foundation

/// The UTC offset a syslog set was written at, as a journal of the same machine shows.
///
/// RFC 3164 stamps (and ISO stamps without an offset) carry no zone: they are read in the analysing machine's zone
/// unless `--timezone` is given. Logs copied from a server in another zone then sit hours away from that server's
/// journal, whose times are absolute: each boot appears twice, one copy ending `unknown`, with "clock jump"s in
/// between. rsyslog writes the journal's messages as they come, so the syslog's last lines are journal entries too.
/// When such lines are found among the journal's last entries — same host, identifier, PID and message, each of
/// them there once — at the same whole quarter-hour offset (to within 2 s), that offset is the zone the syslog was
/// written in at its end.
public struct ZoneHint: Sendable, Equatable {
  /// Seconds east of UTC.
  public var offset: Int
  /// Time (µs since the epoch) of the latest journal entry matched.
  public var at: Int64
  /// How many syslog lines agreed.
  public var lines: Int
  /// For a set whose own lines could not show it: the newest file of the set of the same machine, in the same
  /// folder, that did (`borrowed`).
  public var from: String?
  /// The newest file of the set the hint is for (what another log of the machine that borrows it names).
  public var set: String?
  /// What the lines were found in: the machine's journal, or its wtmp (`findFromLogins`).
  public var reference = "journal"
  /// When the set's first lines show another offset (`startOffset`, by the times they state) — a daylight-saving
  /// change inside the set — an IANA zone with both offsets at those times (`zone(start:end:)`); the set is read in
  /// it instead of at the fixed `offset`.
  public var zone: String?
  public var startOffset: Int?

  /// How many of the syslog's last lines are looked up, and how many journal entries back from the end.
  static let syslogLines = 200
  static let journalEntries = 5000
  /// Bytes read from the end of the newest syslog file.
  static let tailBytes = 256 << 10
  /// Largest journal export or JSON file read for this (it is read whole).
  static let maxStreamBytes: Int64 = 16 << 20
  /// Lines that must agree.
  static let minimumLines = 2

  /// One record: what must be equal on both sides.
  struct Key: Hashable {
    var host: String
    var identifier: String
    var pid: String
    var message: String
  }

  /// The key of a journal stream's record (export or JSON dump).
  static func key(of r: Record) -> Key {
    Key(host: shortHost(r.host.string), identifier: r.identifier.string, pid: r.pid > 0 ? String(r.pid) : "",
      message: r.message.string)
  }

  /// The offset of syslog set `files` (oldest first) against a journal's last entries (`entries`, asked for only
  /// when the set has lines to compare: `lastEntries`), or nil when fewer than `minimumLines` of the syslog's last
  /// lines are found in them at one offset, or when any found line says otherwise.
  static func find(syslog files: [String], entries journalEntries: () -> [(time: Int64, key: Key)]) -> ZoneHint? {
    // The newest file with lines: right after a rotation `syslog` is empty and `syslog.1` holds the last lines.
    var lines: [Line] = []
    for path in files.reversed() {
      lines = lastLines(path: path)
      if !lines.isEmpty { break }
    }
    guard lines.count >= minimumLines else { return nil }
    let entries = journalEntries()
    guard !entries.isEmpty else { return nil }
    var votes = Votes()
    for (line, t) in matched(lines, entries) {
      if let offset = offset(line, journalTime: t) { votes.add(offset, at: t) }
    }
    // One offset; or two, one after the other in time, nothing else: a daylight-saving change among the lines.
    return votes.only(reference: "journal") ?? (votes.offsets == 2 ? votes.acrossChange(reference: "journal") : nil)
  }

  /// The syslog lines found among journal entries — host, identifier, PID and message equal, the entry there once
  /// — with the entry's time.
  static func matched(_ lines: [Line], _ entries: [(time: Int64, key: Key)]) -> [(line: Line, time: Int64)] {
    var byKey: [Key: Int64?] = [:]
    for e in entries {
      // Also without the PID, for syslog lines whose tag has none. A key seen twice (a message repeated) is
      // ambiguous: nil.
      var bare = e.key
      bare.pid = ""
      for k in e.key.pid.isEmpty ? [bare] : [e.key, bare] {
        if byKey[k] != nil { byKey[k] = .some(nil) } else { byKey[k] = e.time }
      }
    }
    return lines.compactMap { line in
      guard case .some(.some(let t)) = byKey[line.key] else { return nil }
      return (line, t)
    }
  }

  /// The offset the first lines of set `files` show against the entries of the same machine's journal (`input`) of
  /// their time, with the earliest entry that showed it: for a set whose hint the journal gave from its last lines
  /// (`hint`), the other side of a daylight-saving change. The oldest plain file's first 100 zoneless, non-kernel
  /// lines are looked up among the journal's entries from 15 h before to 15 h after them (at the hint's offset: any
  /// offset a zone can have differs less); all those found must show one offset, as in `find`. Nil otherwise.
  static func startOffset(syslog files: [String], journal input: DiscoveredInput, hint: ZoneHint) -> (offset: Int, at: Int64)? {
    var lines: [Line] = []
    for path in files.prefix(3) where lines.isEmpty {
      lines = firstLines(path: path, keep: 100) { _ in () }.map(\.line)
    }
    guard lines.count >= minimumLines, let first = lines.first, let last = lines.last else { return nil }
    let (hintYear, hintMonth, _) = CivilTime.civilFromDays(Int(hint.at / 1_000_000 / 86_400))
    func approx(_ l: Line) -> Int64 {
      let year = l.year != 0 ? l.year : l.month > hintMonth ? hintYear - 1 : hintYear
      return CivilTime.micros(year: year, month: l.month, day: l.day, hour: l.seconds / 3600,
        minute: l.seconds % 3600 / 60, second: l.seconds % 60) - Int64(hint.offset) * 1_000_000
    }
    let margin: Int64 = 15 * 3600 * 1_000_000
    let entries = entriesBetween(input, from: approx(first) - margin, to: approx(last) + margin)
    var votes = Votes()
    for (line, t) in matched(lines, entries) {
      if let offset = offset(line, journalTime: t) { votes.add(offset, at: t) }
    }
    guard let hint = votes.only(reference: "journal"), let at = votes.first(of: hint.offset) else { return nil }
    return (hint.offset, at)
  }

  /// The entries of a journal input between two times (µs), at most `journalEntries` × 10: a binary journal is
  /// sought to the first; an export or JSON dump is read whole (up to `maxStreamBytes`).
  static func entriesBetween(_ input: DiscoveredInput, from: Int64, to: Int64) -> [(time: Int64, key: Key)] {
    let limit = journalEntries * 10
    switch input {
    case .journalFiles(let files):
      guard from > 0, case .success(let h) = JournalHandle.open(files: files), h.seek(realtime: UInt64(from)) >= 0
      else { return [] }
      var out: [(time: Int64, key: Key)] = []
      while out.count < limit, h.next() > 0 {
        guard let t = h.realtime() else { continue }
        if Int64(clamping: t) > to { break }
        if let e = entry(h) { out.append(e) }
      }
      return out
    case .journalExport(let path), .journalJSON(let path):
      var st = stat()
      guard stat(path, &st) == 0, Int64(st.st_size) <= maxStreamBytes else { return [] }
      var sink = WindowRecords(from: from, to: to, limit: limit)
      JournalStreamSource(path: path, registry: InputRegistry(), options: IngestOptions(timeZone: "UTC"))
        .run(into: &sink)
      return sink.entries
    default:
      return []
    }
  }

  /// Login records (time, user, remote host) of the wtmp at `path`, for `findFromLogins`.
  static func logins(wtmp path: String) -> [Login] {
    var sink = LoginRecords()
    WtmpSource(path: path, registry: InputRegistry(), options: IngestOptions(timeZone: "UTC"), host: "").run(into: &sink)
    return sink.logins
  }
  typealias Login = (time: Int64, user: String, from: String)

  /// The offset of syslog set `files` against the logins of a wtmp in its folder, for a machine without a journal
  /// (RHEL's is volatile by default): sshd's `Accepted … for <user> from <host> port …` lines among the set's last
  /// lines and wtmp's login records of the same user and remote host (written as the session opens, within a
  /// second or two). At least `minimumLines` lines must agree on one whole quarter-hour offset (to within 2 s), with
  /// at most a quarter as many showing others. Nil otherwise.
  static func findFromLogins(syslog files: [String], logins: [Login]) -> ZoneHint? {
    // Logins are few: the newest plain files are read back until some are found (a gzip member gives none).
    var accepted: [(line: Line, user: String, from: String)] = []
    for path in files.reversed().prefix(3) where accepted.count < minimumLines * 4 {
      accepted += lastLines(path: path).compactMap { line in
        guard line.key.identifier == "sshd", let (user, from) = acceptedLogin(line.key.message) else { return nil }
        return (line, user, from)
      }
    }
    guard accepted.count >= minimumLines, !logins.isEmpty else { return nil }
    var votes = Votes()
    for a in accepted {
      // One vote per line: the offsets its user's logins from that host allow (more than one: ambiguous).
      let same = logins.filter { $0.user == a.user && $0.from == a.from }
      let offsets = Set(same.compactMap { offset(a.line, journalTime: $0.time) })
      guard offsets.count == 1, let o = offsets.first else { continue }
      votes.add(o, at: same.map(\.time).max() ?? 0)
    }
    // A user's logins from one host are many: one may sit a whole quarter-hour from a line by chance.
    return votes.elected(reference: "wtmp (its logins)")
  }

  /// An audit event that names its process: time, PID, and the executable's file name, lowercased.
  typealias AuditEvent = (time: Int64, pid: String, program: String)

  /// Bytes read from the end of the newest audit file (auditd rotates at 8 MiB by default).
  static let auditBytes = 8 << 20
  /// `reference` of a hint from the audit log.
  static let auditLog = "audit log"

  /// The events among the last `auditBytes` of audit file `path` (plain) that name a process and its executable
  /// (`pid=…` and `exe="…"`: PAM's `USER_*`/`CRED_*` events of sshd, cron and sudo, systemd's `SERVICE_*`,
  /// `SYSCALL`), for `findFromAudit`.
  static func auditEvents(path: String) -> [AuditEvent] {
    guard let tail = LineReader.tail(path: path, limit: auditBytes), !tail.compressed else { return [] }
    var out: [AuditEvent] = []
    forEachLastLine(tail) { text in
      if let line = AuditSource.parse(text), let p = auditProcess(line.message) {
        out.append((line.time, p.pid, p.program))
      }
      return true
    }
    return out
  }

  /// PID and executable (file name, lowercased) of an audit event's text (from `type=` on); nil when it names none
  /// (`ppid=` is not the PID; an `exe=` in hex, for a path with spaces, is left out).
  static func auditProcess(_ m: Bytes) -> (pid: String, program: String)? {
    guard let body = m.find("): ") else { return nil }
    let fields = m.dropFirst(body + 2)
    guard let p = fields.find(" pid="), let e = fields.find(" exe=\"") else { return nil }
    var i = p + 5
    let pidStart = i
    while i < fields.count, fields[i] >= 48, fields[i] <= 57 { i += 1 }
    guard i > pidStart, i - pidStart <= 10 else { return nil }
    var j = e + 6
    let exeStart = j
    var name = exeStart
    while j < fields.count, fields[j] != 34 {
      if fields[j] == 47 { name = j + 1 }
      j += 1
    }
    guard j < fields.count, j > name else { return nil }
    return (fields.slice(pidStart, i).string, fields.slice(name, j).string.lowercased())
  }

  /// The offset of syslog set `files` against the audit log of the same machine, for a machine without a journal whose
  /// wtmp did not show one (auditd runs by default on RHEL, whose journal is volatile): a program that logs through
  /// syslog and is audited — sshd's login, cron's session, sudo's command, systemd's service starts — has its lines and
  /// its events written within a second or two, by the same process. A line among the set's last `syslogLines` (the
  /// newest three plain files) whose identifier is an event's executable (in any case) and whose PID is the event's
  /// votes for the offset its process's events allow (one: more are ambiguous); each process votes once for an offset
  /// (PID 1's many lines are one vote). At least `minimumLines` processes must agree on one whole quarter-hour offset
  /// (to within 2 s), with at most a quarter as many showing others. Nil otherwise.
  static func findFromAudit(syslog files: [String], events: [AuditEvent]) -> ZoneHint? {
    guard !events.isEmpty else { return nil }
    var byProcess: [String: [Int64]] = [:]
    for e in events { byProcess[e.program + " " + e.pid, default: []].append(e.time) }
    // The newest plain files are read back until `syslogLines` lines are found (a just-rotated file holds few).
    var lines: [Line] = []
    for path in files.reversed().prefix(3) where lines.count < syslogLines {
      lines += lastLines(path: path, keep: syslogLines - lines.count) { _ in () }.map(\.line)
    }
    var votes = Votes()
    var voted = Set<String>()
    for line in lines where !line.key.pid.isEmpty {
      let process = line.key.identifier.lowercased() + " " + line.key.pid
      guard let times = byProcess[process] else { continue }
      let offsets = Set(times.compactMap { offset(line, journalTime: $0) })
      guard offsets.count == 1, let o = offsets.first, voted.insert(process + " \(o)").inserted else { continue }
      votes.add(o, at: times.max() ?? 0)
    }
    return votes.elected(reference: auditLog)
  }

  /// Offsets voted for by lines, each with the latest time that voted for it.
  struct Votes {
    private var byOffset: [Int: (count: Int, at: Int64, first: Int64)] = [:]

    mutating func add(_ offset: Int, at t: Int64) {
      let v = byOffset[offset, default: (0, t, t)]
      byOffset[offset] = (v.count + 1, max(v.at, t), min(v.first, t))
    }

    /// How many offsets were voted for.
    var offsets: Int { byOffset.count }

    /// The earliest time that voted for `offset`.
    func first(of offset: Int) -> Int64? { byOffset[offset]?.first }

    /// The one offset voted for, when it has at least `minimumLines` (the journal's comparison, which takes no
    /// strays: its lines are the journal's own entries).
    func only(reference: String) -> ZoneHint? {
      guard byOffset.count == 1, let (offset, v) = byOffset.first, v.count >= minimumLines else { return nil }
      var hint = ZoneHint(offset: offset, at: v.at, lines: v.count)
      hint.reference = reference
      return hint
    }

    /// The offset with most votes, when it has at least `minimumLines` and four times as many as all others
    /// together (strays: a line that sits a whole quarter-hour from its reference by chance); else a change
    /// between two offsets (`acrossChange`).
    func elected(reference: String) -> ZoneHint? {
      guard let (offset, v) = byOffset.max(by: { $0.value.count < $1.value.count }), v.count >= minimumLines else {
        return nil
      }
      let others = byOffset.filter { $0.key != offset }.map(\.value.count).reduce(0, +)
      if others * 4 <= v.count {
        var hint = ZoneHint(offset: offset, at: v.at, lines: v.count)
        hint.reference = reference
        return hint
      }
      return acrossChange(reference: reference)
    }

    /// The two offsets with most votes, up to an hour apart, each with `minimumLines`, one before the other in time
    /// (every vote for one older than every vote for the other), with at most a quarter as many votes elsewhere: a
    /// daylight-saving change among the lines. The later offset, with a zone that has both (`zone(start:end:)`);
    /// nil without one.
    func acrossChange(reference: String) -> ZoneHint? {
      let ranked = byOffset.sorted { $0.value.count > $1.value.count }
      guard ranked.count >= 2 else { return nil }
      let (a, b) = (ranked[0], ranked[1])
      let strays = ranked.dropFirst(2).map(\.value.count).reduce(0, +)
      guard b.value.count >= minimumLines, abs(a.key - b.key) <= 3600, strays * 4 <= a.value.count + b.value.count
      else { return nil }
      let (before, after) = a.value.at < b.value.first ? (a, b) : (b, a)
      guard before.value.at < after.value.first,
        let zone = ZoneHint.zone(start: (before.key, before.value.at), end: (after.key, after.value.first))
      else { return nil }
      var hint = ZoneHint(offset: after.key, at: after.value.at, lines: a.value.count + b.value.count)
      hint.reference = reference
      hint.zone = zone
      hint.startOffset = before.key
      return hint
    }
  }

  /// The offset of syslog set `files` from the times its own lines state (`StatedTime`: PostgreSQL's stamps,
  /// cloud-init's `at …`, RFC 3339 stamps with a zone), for a machine whose folder has neither a journal nor a wtmp
  /// to compare with. The newest plain files are read back (their last `statedTimeBytes`) until `syslogLines` such
  /// lines are found. At least `minimumLines` must agree on one whole quarter-hour offset (to within 2 s), with at
  /// most a quarter as many showing others (a program that states some other moment first). Nil otherwise.
  static func findFromStatedTimes(syslog files: [String]) -> ZoneHint? {
    var stated: [(line: Line, time: Int64)] = []
    for path in files.reversed().prefix(3) where stated.count < syslogLines {
      stated += lastLines(path: path, limit: statedTimeBytes, keep: syslogLines - stated.count) {
        StatedTime.utc(in: $0)
      }.map { ($0.line, $0.value) }
    }
    var votes = Votes()
    for (line, t) in stated {
      if let o = offset(line, journalTime: t) { votes.add(o, at: t) }
    }
    return votes.elected(reference: statedTimes)
  }

  /// `reference` of a hint from the lines' own stated times.
  static let statedTimes = "stated times"
  /// Bytes read from the end of a file for `findFromStatedTimes`.
  static let statedTimeBytes = 1 << 20

  /// The offset the first lines of set `files` show by the times they state (`StatedTime`), with the earliest time
  /// that voted for it: the first `startLines` such lines of the oldest three files' first `statedTimeBytes`
  /// (decoded, a gzip member too), elected as `findFromStatedTimes` elects (the earlier offset, when they already
  /// show a change). Nil when they show none.
  static func startOffset(syslog files: [String]) -> (offset: Int, at: Int64)? {
    var stated: [(line: Line, time: Int64)] = []
    for path in files.prefix(3) where stated.count < startLines {
      stated += firstStatedLines(path: path, keep: startLines - stated.count)
    }
    var votes = Votes()
    for (line, t) in stated {
      if let o = offset(line, journalTime: t) { votes.add(o, at: t) }
    }
    guard let hint = votes.elected(reference: statedTimes) else { return nil }
    let first = hint.startOffset ?? hint.offset
    guard let at = votes.first(of: first) else { return nil }
    return (first, at)
  }

  /// How many stated lines at a set's start `startOffset` reads (few: a change soon after the start must not be
  /// outvoted by the lines after it).
  static let startLines = 20

  /// The first `keep` zoneless, non-kernel lines among the first `statedTimeBytes` of `path` whose message states
  /// its time (`StatedTime.utc(in:)`), with that time, oldest first.
  static func firstStatedLines(path: String, keep: Int) -> [(line: Line, time: Int64)] {
    firstLines(path: path, keep: keep) { StatedTime.utc(in: $0) }.map { ($0.line, $0.value) }
  }

  /// The first `keep` zoneless, non-kernel lines among the first `statedTimeBytes` of `path` (decoded, a gzip
  /// member too) for whose message `select` gives a value, with that value, oldest first.
  static func firstLines<T>(path: String, keep: Int, select: (String) -> T?) -> [(line: Line, value: T)] {
    guard keep > 0, case .success(let head) = LineReader.head(path: path, limit: statedTimeBytes) else { return [] }
    var out: [(line: Line, value: T)] = []
    head.data.withBytes { b in
      // (A line cut by the head's limit is left out.)
      for (start, end) in Discovery.headLines(head.data, complete: head.complete, limit: .max)
      where out.count < keep && (end < b.count || head.complete) {
        var n = end - start
        if n > 0 && b[start + n - 1] == 13 { n -= 1 }
        if n > 0, let found = line(b.slice(start, start + n), select) { out.append(found) }
      }
    }
    return out
  }

  /// An IANA zone whose UTC offset is `start.offset` at `start.at` and `end.offset` at `end.at` (µs), when every
  /// such zone changes its offset at the same instants in between: then any of them reads the set the same way
  /// (Chicago, Winnipeg and the North Dakota zones in March 2024), and one of them is named. Nil when the zones
  /// that fit disagree on when the change came, or none fits.
  static func zone(start: (offset: Int, at: Int64), end: (offset: Int, at: Int64)) -> String? {
    let from = Date(timeIntervalSince1970: Double(start.at) / 1e6)
    let to = Date(timeIntervalSince1970: Double(end.at) / 1e6)
    guard from < to else { return nil }
    var byChanges: [[Date]: [String]] = [:]
    for id in TimeZone.knownTimeZoneIdentifiers {
      guard let z = TimeZone(identifier: id), z.secondsFromGMT(for: from) == start.offset,
        z.secondsFromGMT(for: to) == end.offset
      else { continue }
      var changes: [Date] = []
      var d = from
      while changes.count < 8, let next = z.nextDaylightSavingTimeTransition(after: d), next <= to {
        changes.append(next)
        d = next
      }
      byChanges[changes, default: []].append(id)
    }
    guard byChanges.count == 1, let ids = byChanges.values.first else { return nil }
    // Any of them reads the set alike; the name is for the warning: the analysing machine's own zone, else a
    // well-known one (not `Africa/Ceuta` for a German server), else the first by name.
    if ids.contains(TimeZone.current.identifier) { return TimeZone.current.identifier }
    return wellKnownZones.first(where: ids.contains) ?? ids.sorted().first
  }

  static let wellKnownZones = [
    "America/New_York", "America/Chicago", "America/Denver", "America/Los_Angeles", "America/Anchorage",
    "America/Halifax", "America/St_Johns", "America/Sao_Paulo", "America/Santiago", "America/Mexico_City",
    "Europe/London", "Europe/Berlin", "Europe/Paris", "Europe/Helsinki", "Europe/Athens", "Europe/Moscow",
    "Australia/Sydney", "Australia/Adelaide", "Australia/Melbourne", "Pacific/Auckland", "Asia/Jerusalem",
    "Asia/Tehran", "Africa/Cairo",
  ]

  /// User and remote host of sshd's `Accepted <method> for <user> from <host> port <n> …`.
  static func acceptedLogin(_ message: String) -> (user: String, from: String)? {
    let words = message.split(separator: " ")
    guard words.count >= 6, words[0] == "Accepted", words[2] == "for" else { return nil }
    // `for invalid user x from …` is a failure message elsewhere; an accepted login names a real user.
    guard let fromIndex = words.firstIndex(of: "from"), fromIndex == 4, fromIndex + 1 < words.count else { return nil }
    return (String(words[3]), String(words[fromIndex + 1]))
  }

  /// The hint of another set of the same machine in the same folder, for a set whose own last lines cannot show
  /// one: `kern.log` has only kernel lines, which the comparison leaves out, and the lines of some files repeat
  /// (`daemon.log`'s timer lines). One rsyslog wrote them all in the one zone. `host`: the set's (`lastHost`);
  /// `hinted`: the sets that have a hint, by their files (oldest first), with their hosts. Nil unless the set's host
  /// is that of hinted sets that all show the same offset.
  static func borrowed(
    host: String, from hinted: [(files: [String], hint: ZoneHint, host: String?)]
  ) -> ZoneHint? {
    let same = hinted.filter { $0.host == host }
    guard let first = same.first, same.allSatisfy({ $0.hint.offset == first.hint.offset }) else { return nil }
    var hint = first.hint
    hint.from = first.files[first.files.count - 1]
    hint.lines = 0
    return hint
  }

  /// The host (short, lowercased) of the last zoneless line of the newest file of `files` that has lines, kernel
  /// lines included.
  static func lastHost(_ files: [String]) -> String? {
    for path in files.reversed() {
      guard let tail = LineReader.tail(path: path, limit: 64 << 10), !tail.compressed else { return nil }
      guard !tail.bytes.isEmpty else { continue }
      var host: String?
      forEachLastLine(tail) { text in
        var header = SyslogHeader()
        guard SyslogParser.parse(text, into: &header), header.month != 0, !header.host.isEmpty else { return true }
        host = shortHost(header.host.string)
        return false
      }
      return host
    }
    return nil
  }

  /// The lines of `tail` (a file's last bytes) from the last one back, a trailing CR dropped, until `body` returns
  /// false. The first piece of a tail read from the middle of a file may be the end of a line: it ends the walk.
  static func forEachLastLine(
    _ tail: (bytes: [UInt8], size: Int64, compressed: Bool), _ body: (Bytes) -> Bool
  ) {
    let buf = tail.bytes
    let fromMiddle = Int64(buf.count) < tail.size
    buf.withUnsafeBufferPointer { b in
      guard let base = b.baseAddress else { return }
      var end = buf.count
      while end > 0 {
        var start = end - 1
        while start > 0 && base[start - 1] != 10 { start -= 1 }
        if start == 0 && fromMiddle { return }
        var n = end - start
        if n > 0 && base[start + n - 1] == 13 { n -= 1 }
        end = start > 0 ? start - 1 : 0
        guard n > 0 else { continue }
        if !body(Bytes(base: base + start, count: n)) { return }
      }
    }
  }

  /// A dateless or zoneless syslog line: its civil stamp and key.
  struct Line {
    var month: Int
    var day: Int
    var year: Int
    var seconds: Int
    var key: Key
  }

  /// The offset at which `line`'s civil stamp is UTC time `t` (µs), a whole quarter-hour within −12…+14 h to
  /// within 2 s; nil otherwise.
  static func offset(_ line: Line, journalTime t: Int64) -> Int? {
    let utc = Int(t / 1_000_000)
    let days = utc >= 0 ? utc / 86400 : (utc - 86399) / 86400
    let (y, m, _) = CivilTime.civilFromDays(days)
    var year = line.year
    if year == 0 {
      // Dateless: the journal entry's year, or the one before or after across New Year.
      year = y
      if line.month == 12 && m == 1 { year -= 1 } else if line.month == 1 && m == 12 { year += 1 }
    }
    let naive = CivilTime.daysFromCivil(year, line.month, line.day) * 86400 + line.seconds
    let diff = naive - utc
    let quarter = 900
    let rounded = (diff >= 0 ? diff + quarter / 2 : diff - quarter / 2) / quarter * quarter
    guard abs(diff - rounded) <= 2, rounded >= -12 * 3600, rounded <= 14 * 3600 else { return nil }
    return rounded
  }

  /// The last `syslogLines` zoneless, non-kernel lines of a plain file (a gzip member gives none), newest first.
  static func lastLines(path: String) -> [Line] {
    lastLines(path: path) { _ in () }.map(\.line)
  }

  /// `text` as a zoneless, non-kernel syslog line with a tag and a message (no NUL in it), when `select` gives a
  /// value for its message, with that value.
  static func line<T>(_ text: Bytes, _ select: (String) -> T?) -> (line: Line, value: T)? {
    guard let base = text.base, memchr(base, 0, text.count) == nil else { return nil }
    var header = SyslogHeader()
    guard SyslogParser.parse(text, into: &header), header.time == Record.noTime, header.month != 0, !header.isKernel,
      !header.identifier.isEmpty, !header.message.isEmpty
    else { return nil }
    let message = header.message.string
    guard let value = select(message) else { return nil }
    let line = Line(
      month: header.month, day: header.day, year: header.year,
      seconds: header.hour * 3600 + header.minute * 60 + header.second,
      key: Key(
        host: shortHost(header.host.string), identifier: header.identifier.string, pid: header.pid.string,
        message: message))
    return (line, value)
  }

  /// The last `keep` zoneless, non-kernel lines of a plain file (a gzip member gives none) among its last `limit`
  /// bytes for whose message `select` gives a value, with that value, newest first.
  static func lastLines<T>(
    path: String, limit: Int = tailBytes, keep: Int = syslogLines, select: (String) -> T?
  ) -> [(line: Line, value: T)] {
    guard keep > 0, let tail = LineReader.tail(path: path, limit: limit), !tail.compressed,
      tail.bytes.count == min(tail.size, Int64(limit))
    else { return [] }
    var out: [(line: Line, value: T)] = []
    forEachLastLine(tail) { text in
      if let found = line(text, select) { out.append(found) }
      return out.count < keep
    }
    return out
  }

  /// (time, key) of the journal's last `journalEntries` entries.
  static func lastEntries(_ input: DiscoveredInput) -> [(time: Int64, key: Key)] {
    switch input {
    case .journalFiles(let files):
      guard case .success(let h) = JournalHandle.open(files: files) else { return [] }
      h.seekTail()
      var out: [(time: Int64, key: Key)] = []
      while out.count < journalEntries, h.previous() > 0 {
        if let e = entry(h) { out.append(e) }
      }
      return out
    case .journalExport(let path), .journalJSON(let path):
      var st = stat()
      guard stat(path, &st) == 0, Int64(st.st_size) <= maxStreamBytes else { return [] }
      // Read whole into a scratch registry (nothing registered for the analysis), keeping the last entries.
      var sink = LastRecords(limit: journalEntries)
      JournalStreamSource(path: path, registry: InputRegistry(), options: IngestOptions(timeZone: "UTC"))
        .run(into: &sink)
      return sink.ordered()
    default:
      return []
    }
  }

  /// Time and key of the entry `h` stands on; nil without a time, a message or an identifier.
  static func entry(_ h: JournalHandle) -> (time: Int64, key: Key)? {
    guard let t = h.realtime(), let message = h.fieldString("MESSAGE"), let identifier = h.fieldString("SYSLOG_IDENTIFIER")
    else { return nil }
    let pid = h.fieldString("SYSLOG_PID") ?? h.fieldString("_PID") ?? ""
    let host = shortHost(h.fieldString("_HOSTNAME") ?? "")
    return (Int64(clamping: t), Key(host: host, identifier: identifier, pid: pid, message: message))
  }

  /// A host name compared without its domain (`db-1.example.com` is `db-1`), lowercased.
  static func shortHost(_ name: String) -> String {
    String(name.lowercased().split(separator: ".", maxSplits: 1).first ?? "")
  }

  /// When `hint` differs from `local`'s offset at the hint's time: a converter at the hint's offset, and the warning
  /// that says so. The offset is fixed: the log's earlier lines may have been written before a daylight-saving
  /// change, which only the machine's zone (`--timezone`) knows.
  static func override(_ hint: ZoneHint, local: LocalTimeConverter) -> (LocalTimeConverter, String)? {
    if let id = hint.zone, let start = hint.startOffset, let named = LocalTimeConverter(identifier: id) {
      let at = Date(timeIntervalSince1970: Double(hint.at) / 1e6)
      guard local.zone.secondsFromGMT(for: at) != hint.offset
        || local.zone.nextDaylightSavingTimeTransition(after: at.addingTimeInterval(-366 * 86400))
          != named.zone.nextDaylightSavingTimeTransition(after: at.addingTimeInterval(-366 * 86400))
      else { return nil }
      let warning = "times read in \(id): its lines show \(describe(offset: start)) and, later, "
        + "\(describe(offset: hint.offset)) (\(hint.reference == statedTimes ? "the times they state" : hint.reference)), "
        + "a daylight-saving change between them, and \(id) changes then, as every zone with both offsets does (set "
        + "--timezone if the machine's zone is another)"
      return (named, warning)
    }
    let localOffset = local.zone.secondsFromGMT(for: Date(timeIntervalSince1970: Double(hint.at) / 1e6))
    guard localOffset != hint.offset, let fixed = TimeZone(secondsFromGMT: hint.offset) else { return nil }
    let apart = abs(hint.offset - localOffset)
    let distance = apart % 3600 == 0 ? "\(apart / 3600)h" : "\(apart / 3600)h \(apart % 3600 / 60)m"
    let shown: String
    switch hint.reference {
    case statedTimes: shown = "the times its lines state"
    case auditLog: shown = "its last lines meet the same processes' events in the machine's audit log"
    default: shown = "its last lines are entries of the machine's \(hint.reference)"
    }
    let why = hint.from.map { "the offset that \(URL(fileURLWithPath: $0).lastPathComponent), of the same machine, "
      + "shows (\(shown))" }
      ?? (hint.reference == statedTimes
        ? "at that offset \(hint.lines) of its last lines are stamped when their messages say they were written "
          + "(PostgreSQL's, cloud-init's or RFC 3339 times with a zone)"
        : hint.reference == auditLog
        ? "at that offset \(hint.lines) of its last lines' processes (sshd, cron, sudo, systemd …) have events of "
          + "the same moment in the same machine's audit log"
        : "at that offset its last \(hint.lines) lines are entries of the same machine's \(hint.reference) in this folder")
    let warning = "times read as \(describe(offset: hint.offset)): \(why), which the zone of this analysis "
      + "(\(local.name), \(describe(offset: localOffset))) would put \(distance) away; a fixed offset, so set "
      + "--timezone to the machine's zone if the log spans a daylight-saving change"
    return (LocalTimeConverter(zone: fixed), warning)
  }

  /// "UTC+05:30".
  public static func describe(offset: Int) -> String {
    let a = abs(offset)
    let hm = String(format: "%02d:%02d", a / 3600, a % 3600 / 60)
    return "UTC" + (offset < 0 ? "-" : "+") + hm
  }
}

/// The login records of a wtmp (`<user> <tty> <remote host>`, see `WtmpSource`): time, user and remote host.
private struct LoginRecords: RecordSink {
  var logins: [ZoneHint.Login] = []
  static let notLogins: Set<String> = ["reboot", "shutdown", "runlevel", "logout", "LOGIN", "init", "clock", "accounting"]

  mutating func consume(_ r: Record) {
    guard r.time != Record.noTime else { return }
    let words = r.message.string.split(separator: " ")
    guard words.count == 3, !Self.notLogins.contains(String(words[0])) else { return }
    logins.append((r.time, String(words[0]), String(words[2])))
  }

  mutating func note(_ note: SourceNote) {}
}

/// The entries of a journal stream between two times (µs), up to `limit`, for `ZoneHint.entriesBetween`.
private struct WindowRecords: RecordSink {
  let from: Int64
  let to: Int64
  let limit: Int
  private(set) var entries: [(time: Int64, key: ZoneHint.Key)] = []

  init(from: Int64, to: Int64, limit: Int) {
    self.from = from
    self.to = to
    self.limit = limit
  }

  mutating func consume(_ r: Record) {
    guard r.time >= from, r.time <= to, !r.identifier.isEmpty, entries.count < limit else { return }
    entries.append((r.time, ZoneHint.key(of: r)))
  }

  mutating func note(_ note: SourceNote) {}
}

/// Keeps the last `limit` records' (time, key), as `ZoneHint` compares them.
private struct LastRecords: RecordSink {
  let limit: Int
  private var ring: [(time: Int64, key: ZoneHint.Key)] = []
  private var next = 0

  init(limit: Int) { self.limit = limit }

  mutating func consume(_ r: Record) {
    guard r.time != Record.noTime, !r.identifier.isEmpty else { return }
    let e = (time: r.time, key: ZoneHint.key(of: r))
    if ring.count < limit {
      ring.append(e)
    } else {
      ring[next] = e
      next = (next + 1) % limit
    }
  }

  mutating func note(_ note: SourceNote) {}

  /// Newest first.
  func ordered() -> [(time: Int64, key: ZoneHint.Key)] {
    Array((ring[next...] + ring[..<next]).reversed())
  }
}
