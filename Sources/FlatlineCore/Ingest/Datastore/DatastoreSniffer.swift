/// Recognises datastore native logs by their first lines, helped by the file name.
///
/// Each head line is tried with the line parser of every datastore; a line counts for a datastore only when it
/// carries that format's distinctive marks, not just a time stamp (a PostgreSQL severity word or csvlog pid, a
/// MySQL `[Note]`/`[ERROR]` or `YYMMDD hh:mm:ss` stamp, a MongoDB `[context]` or `{"t":{"$date":`, a Redis
/// `pid:role dd Mon …` prefix). Syslog lines never count: they start with a syslog header, not with the datastore's
/// stamp. The datastore with most such lines wins when it has at least two, or one that is the first line with
/// text, or one and a file name typical of that datastore (`postgresql-*.log`, `*.csv`, `mysqld.log`, `error.log`,
/// `*.err`, `mongod.log`, `redis-server.log`…).
public enum DatastoreSniffer {
  /// The component (`postgresql`, `mysql`, `mongodb`, `redis`) of a log whose first lines are `lines` and whose
  /// file name is `name`, or nil when it does not look like a datastore log. Looks at up to 40 non-blank lines.
  public static func sniff(_ lines: [Bytes], name: String) -> String? {
    var counts = [Int](repeating: 0, count: DatastoreComponent.allCases.count)
    var firstStrong: DatastoreComponent?
    var seen = 0
    var parsers = DatastoreComponent.allCases.map { DatastoreLineParser(component: $0) }
    var out = DatastoreLine()
    for line in lines {
      var l = line
      var k = 0
      while k < l.count, l[k] == 0 { k += 1 }
      l = l.dropFirst(k)
      if l.count > 0, l[l.count - 1] == 13 { l = l.slice(0, l.count - 1) }
      guard !l.isEmpty else { continue }
      seen += 1
      for (ci, c) in DatastoreComponent.allCases.enumerated() {
        if parsers[ci].parse(l, into: &out) == .record && out.strong {
          counts[ci] += 1
          if seen == 1 { firstStrong = c }
        }
      }
      if seen >= 40 { break }
    }
    guard let best = counts.indices.max(by: { counts[$0] < counts[$1] }), counts[best] > 0 else { return nil }
    let c = DatastoreComponent.allCases[best]
    if counts[best] >= 2 || firstStrong == c || nameHint(name) == c { return c.rawValue }
    return nil
  }

  /// The datastore a file name suggests (rotation suffixes and `.gz` ignored), or nil.
  public static func nameHint(_ name: String) -> DatastoreComponent? {
    var n = Substring(name.lowercased())
    if n.hasSuffix(".gz") { n = n.dropLast(3) }
    while let dot = n.lastIndex(of: "."), dot != n.startIndex,
      n[n.index(after: dot)...].allSatisfy({ $0.isASCII && $0.isNumber }), n.index(after: dot) != n.endIndex
    {
      n = n[..<dot]
    }
    if n.hasPrefix("postgres") || n.hasPrefix("pg_") || n.hasSuffix(".csv") { return .postgresql }
    if n.hasPrefix("mysql") || n.hasPrefix("mariadb") || n == "error.log" || n.hasSuffix(".err") {
      return .mysql
    }
    if n.hasPrefix("mongo") { return .mongodb }
    if n.hasPrefix("redis") { return .redis }
    if n.hasPrefix("etcd") { return .etcd }
    if n.hasPrefix("cloud-init") { return .cloudInit }
    return nil
  }
}
