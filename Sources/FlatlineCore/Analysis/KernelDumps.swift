/// Puts each kdump or pstore dump (`KernelDump`) on the boot whose kernel it is, and lets its panic decide how that
/// boot ended: without it, a boot whose kernel panicked reads as a power loss (its last lines never reached disk).
///
/// A boot matches when nothing contradicts it and a time fits:
/// - its banner (`Linux version …`, kernel and build) is the dump's, when both have one;
/// - the boot's banner time plus the panic's uptime falls between the boot's last record and the next boot's start
///   (2 minutes plus 0.1 % of the uptime either side, for clock drift and NTP steps), or the capture time in the
///   dump's folder name, read in the analysis time zone, falls there (1 minute before, 15 after: kdump saves, then
///   reboots). For the last boot, "the next boot's start" is an hour after its last record. A capture time more
///   than 15 hours (any time zone, plus the save) from the boot's banner time plus the panic's uptime, read in that
///   year or the one before or after (a dateless syslog's year is inferred), rules the boot out; between boots that
///   fit alike, one the capture time also fits wins.
///
/// Several boots matching is "unknown": the dump is then put on none, with a warning, and so is a dump that fits
/// none. A boot that ended with a clean shutdown sequence keeps its verdict (the dump is named in a warning).
enum KernelDumpMatcher {
  static let driftFloor: Int64 = 120_000_000
  static let captureBefore: Int64 = 60_000_000
  static let captureAfter: Int64 = 15 * 60_000_000
  static let lastBootSlack: Int64 = 3600 * 1_000_000
  /// Time zones are at most 14 hours from UTC (plus kdump's minutes to save the dump).
  static let zoneReach: Int64 = 15 * 3600 * 1_000_000

  /// Applies the dumps of host `name` (with `aliases`) to its `rows`; `banners[j]` is boot `j`'s kernel banner.
  static func apply(
    _ dumps: [KernelDump], host name: String, aliases: [String], rows: inout [BootResult],
    banners: [(text: String, time: Int64)?], zone: LocalTimeConverter?, registry: InputRegistry
  ) {
    for dump in dumps {
      guard let host = registry[dump.input].host, host == name || aliases.contains(host) else { continue }
      guard let crash = dump.decisive else { continue }
      let captured = dump.captured.flatMap { c in
        zone?.utc(year: c.year, month: c.month, day: c.day, hour: c.hour, minute: c.minute, second: c.second, micro: 0)
      }
      // Rank: a fit between the boot's last record and the next boot's start (8) over the last boot's open end;
      // by uptime (4); by capture time as well (2); the same banner (1).
      var candidates: [(index: Int, rank: Int)] = []
      for j in rows.indices {
        let banner = j < banners.count ? banners[j] : nil
        var bannerSame = false
        if let d = dump.banner, let b = banner {
          guard sameBanner(d, b.text) else { continue }
          bannerSame = true
        }
        let lower = rows[j].lastSignOfLife ?? rows[j].start ?? Int64.min / 2
        let next = j + 1 < rows.count ? rows[j + 1].start : nil
        // The last boot has no next start; its data ends at its last record, which a panic hours later would
        // have followed with more.
        let upper = next ?? lower + lastBootSlack
        var byUptime = false
        if let b = banner {
          let tolerance = driftFloor + crash.uptime / 1000
          let panic = b.time + crash.uptime
          byUptime = panic >= lower - tolerance && panic <= upper + tolerance
        }
        var byCapture = false
        if let c = captured {
          byCapture = c >= lower - captureBefore && c <= upper + captureAfter
          // A capture time further from the panic than any time zone puts it is another crash's. (Compared within
          // the panic's year and the years beside it: a dateless syslog's year is inferred, and may be off by one.)
          if let b = banner, let stamp = dump.captured, let zone,
            yearlessDistance(stamp, zone: zone, to: b.time + crash.uptime) > zoneReach
          {
            continue
          }
        }
        guard byUptime || byCapture else { continue }
        candidates.append((j, (next != nil ? 8 : 0) + (byUptime ? 4 : 0) + (byCapture ? 2 : 0) + (bannerSame ? 1 : 0)))
      }
      if let best = candidates.map(\.rank).max() { candidates = candidates.filter { $0.rank == best } }
      // A dump saved before this host's data begins is from a boot the logs no longer hold: nothing to say.
      if candidates.isEmpty, let c = captured, let first = rows.first?.start, c < first - captureAfter { continue }
      guard candidates.count == 1 else {
        let what = candidates.isEmpty
          ? "fits no boot of \(name)"
          : "fits \(candidates.count) boots of \(name) (\(candidates.map { rows[$0.index].id }.joined(separator: ", ")))"
        registry.warnOnce(dump.input, "kernel crash at uptime \(uptimeText(crash.uptime)) \(what): put on none")
        continue
      }
      let j = candidates[0].index
      if rows[j].ending.clean == true {
        registry.warnOnce(dump.input, "kernel crash at uptime \(uptimeText(crash.uptime)) matches boot \(rows[j].id), "
          + "which ended with a clean shutdown sequence: the boot keeps its verdict")
        continue
      }
      let banner = j < banners.count ? banners[j] : nil
      var added: [EvidenceRecord] = []
      for line in dump.crashes {
        // The time the line was printed: the boot's banner time plus its uptime; else the capture time.
        let time = banner.map { $0.time + line.uptime } ?? captured ?? rows[j].lastSignOfLife ?? Record.noTime
        added.append(EvidenceRecord(
          kind: line.kind, time: time, location: SourceLocation(input: dump.input, line: line.line),
          message: line.text))
      }
      let decided: BootEnding = crash.kind == .watchdog ? .watchdog : .kernelPanic
      let rank = candidates[0].rank
      let confidence = rank & 13 == 13 ? 0.95 : rank & 12 == 12 ? 0.9 : 0.85
      if rows[j].ending != .kernelPanic && rows[j].ending != .watchdog {
        rows[j].ending = decided
        rows[j].confidence = confidence
      } else {
        rows[j].confidence = max(rows[j].confidence, confidence)
      }
      rows[j].evidence = EvidenceRecord.timeOrdered(rows[j].evidence + added)
    }
  }

  /// How far the capture time `stamp` is from `time` when read in `time`'s year or the year before or after.
  static func yearlessDistance(_ stamp: KernelDump.CivilStamp, zone: LocalTimeConverter, to time: Int64) -> Int64 {
    let days = Int(time >= 0 ? time / 86_400_000_000 : (time + 1) / 86_400_000_000 - 1)
    let year = CivilTime.civilFromDays(days).year
    return (year - 1...year + 1).map { y in
      abs(zone.utc(
        year: y, month: stamp.month, day: stamp.day, hour: stamp.hour, minute: stamp.minute, second: stamp.second,
        micro: 0) - time)
    }.min()!
  }

  /// The same kernel build: equal banners, or one cut short (a long line truncated by a syslog daemon) and the
  /// rest equal up to there, over at least the version and build host.
  static func sameBanner(_ a: String, _ b: String) -> Bool {
    let x = a.trimmingSuffixSpaces, y = b.trimmingSuffixSpaces
    if x == y { return true }
    let (short, long) = x.utf8.count < y.utf8.count ? (x, y) : (y, x)
    return short.utf8.count >= 48 && long.hasPrefix(short)
  }

  static func uptimeText(_ micros: Int64) -> String {
    let s = micros / 1_000_000
    let frac = micros % 1_000_000
    let f = String(frac)
    return "\(s).\(String(repeating: "0", count: 6 - f.count))\(f) s"
  }
}

extension String {
  fileprivate var trimmingSuffixSpaces: String {
    var s = Substring(self)
    while let last = s.last, last == " " || last == "\r" || last == "\t" { s = s.dropLast() }
    return String(s)
  }
}
