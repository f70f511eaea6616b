#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The time of a journal input's last entry, found without reading the input through: the binary journal is
/// seeked to its tail; an export or JSON dump is read from its last 256 KiB, an audit log from its last 64 KiB; a
/// wtmp (or wtmpdb) is read through (its latest record). Used to anchor the year of dateless syslog files that sit in
/// the same folder (the journal's stamps carry their year; copied files' mtimes do not).
enum JournalTail {
  /// Seconds since the epoch of the last entry, or nil when unknown (stdin, unreadable, empty).
  static func lastRealtime(_ input: DiscoveredInput) -> Int64? {
    switch input {
    case .journalFiles(let files):
      guard case .success(let h) = JournalHandle.open(files: files) else { return nil }
      h.seekTail()
      guard h.previous() > 0, let usec = h.realtime() else { return nil }
      return Int64(usec / 1_000_000)
    case .journalExport(let path):
      return lastStamp(path: path, key: Array("__REALTIME_TIMESTAMP=".utf8))
    case .journalJSON(let path):
      return lastStamp(path: path, key: Array("\"__REALTIME_TIMESTAMP\":\"".utf8))
    case .auditSet(let files):
      // The newest file's last event (`msg=audit(<seconds>.<ms>:<serial>)`).
      guard let buf = LineReader.tail(path: files[files.count - 1], limit: 64 * 1024)?.bytes else { return nil }
      var best: Int64?
      buf.withBytes { b in
        var s = 0
        while s < b.count {
          var e = s
          while e < b.count, b[e] != 10 { e += 1 }
          if let l = AuditSource.parse(b.slice(s, e)) { best = max(best ?? l.time, l.time) }
          s = e + 1
        }
      }
      return best.map { $0 / 1_000_000 }
    case .wtmpSet(let files):
      // The newest file's latest record (a small file: read through).
      let path = files[files.count - 1]
      var sink = LatestRecord()
      let options = IngestOptions(timeZone: "UTC")
      WtmpSource(path: path, registry: InputRegistry(), options: options, host: "").run(into: &sink)
      return copied(path, latest: sink.latest)
    case .wtmpDB(let path):
      var sink = LatestRecord()
      let options = IngestOptions(timeZone: "UTC")
      WtmpDBSource(path: path, registry: InputRegistry(), options: options, host: "").run(into: &sink)
      return copied(path, latest: sink.latest)
    default:
      return nil
    }
  }

  /// `latest`, a login-records file's latest record, when the file's own modification time is more than 30 days
  /// from it: the file was copied (with the logs beside it) and its time is the copy's. Else nil: a wtmp is written
  /// only at logins and boots, and on a server nobody logged in to for months its last record is that old while the
  /// logs beside it, and their file times, go on to today (as an anchor it would have put them in an earlier year).
  private static func copied(_ path: String, latest: Int64?) -> Int64? {
    var st = stat()
    guard let latest, stat(path, &st) == 0, abs(Int64(st.st_mtim.tv_sec) - latest) > 30 * 86_400 else { return nil }
    return latest
  }

  /// The latest record time (seconds) a login-records source gives; times before 2000 (a clock not set yet, as
  /// on boards without a real-time clock) say nothing of the year.
  private struct LatestRecord: RecordSink {
    var latest: Int64?
    mutating func consume(_ r: Record) {
      guard r.time != Record.noTime, r.time >= 946_684_800_000_000 else { return }
      latest = max(latest ?? 0, r.time / 1_000_000)
    }
    mutating func note(_ note: SourceNote) {}
  }

  /// The digits after the last occurrence of `key` in the file's tail, as microseconds → seconds.
  static func lastStamp(path: String, key: [UInt8]) -> Int64? {
    guard let buf = LineReader.tail(path: path, limit: 256 * 1024)?.bytes else { return nil }
    var best: Int64?
    buf.withUnsafeBufferPointer { b in
      var i = 0
      let n = b.count
      while i + key.count < n {
        var match = true
        for k in 0..<key.count where b[i + k] != key[k] {
          match = false
          break
        }
        if match {
          var j = i + key.count
          var v: Int64 = 0
          var digits = 0
          while j < n, b[j] >= 48, b[j] <= 57, digits < 19 {
            v = v * 10 + Int64(b[j] - 48)
            j += 1
            digits += 1
          }
          if digits >= 10 { best = max(best ?? 0, v / 1_000_000) }
          i = j
        } else {
          i += 1
        }
      }
    }
    return best
  }
}
