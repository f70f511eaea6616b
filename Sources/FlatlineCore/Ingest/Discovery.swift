#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// An input found by `Discovery`, ready for its source.
public enum DiscoveredInput: Sendable, Equatable {
  /// One syslog rotation set, oldest → newest.
  case syslogSet(files: [String])
  /// Binary journal files of one directory (sorted by name).
  case journalFiles(files: [String])
  /// `journalctl -o export` text.
  case journalExport(path: String)
  /// `journalctl -o json` lines.
  case journalJSON(path: String)
  /// One rotation set of login records (`wtmp.2.gz`, `wtmp.1`, `wtmp`; utmp; their text dumps), oldest → newest:
  /// one timeline, so that a boot whose end is in the next file is read as `last -x` reads the files together.
  case wtmpSet(files: [String])
  /// wtmpdb's SQLite login database (`WtmpDBSource`).
  case wtmpDB(path: String)
  /// One audit log rotation set (`audit.log.2`, `audit.log.1`, `audit.log`), oldest → newest (`AuditSource`).
  case auditSet(files: [String])
  /// A datastore's native log (`component`: `postgresql`, `mysql`, `mongodb`, `redis`), possibly wrapped line by
  /// line by a container runtime (`envelope`).
  case datastoreLog(path: String, component: String, envelope: ContainerEnvelope? = nil)
  /// Cloud-provider or operator notices (JSON or YAML).
  case cloudNotices(path: String)
  /// A crashed kernel's log saved by kdump or pstore (`KernelDump`): read after the boots are known.
  case kernelDump(path: String)
  /// Standard input (`-`), or a pipe named on the command line (`<(zcat syslog.2.gz)`): read once, as a stream, as
  /// its first bytes show (`PipeSource`).
  case pipe(path: String)
}

/// Finds the inputs under the given paths by name and by sniffing their first bytes. Files that are not read are
/// registered with `InputRegistry.skip(path:reason:)`.
public enum Discovery {
  /// Walks `paths` (files or directories, recursively; symlink loops skipped; entries sorted) and groups what it
  /// finds. An empty directory gives nothing; the caller decides what that means.
  public static func discover(paths: [String], registry: InputRegistry) -> [DiscoveredInput] {
    var w = Walker(registry: registry)
    for path in paths {
      if path == "-" {
        w.out.append(.input(.pipe(path: "-")))
        continue
      }
      w.visit(path, topLevel: true)
    }
    return w.finish()
  }

  /// What one file looks like.
  enum Sniffed: Equatable {
    case syslog, journal, journalExport, journalJSON, wtmp, wtmpDB, audit, cloudNotices, kernelDump
    /// A datastore's native log (`DatastoreSniffer`), bare or in a container runtime's envelope.
    case datastore(String, ContainerEnvelope? = nil)
    case skip(String)
    /// A file Flatline knows and has no use for (an empty file, a package manager's log, a per-user table): listed
    /// with the reason, not warned about — `flatline analyze /var/log` should warn only where something may be
    /// missed.
    case ignore(String)
  }

  /// Classifies one regular file by its head and name.
  static func sniff(path: String, size: Int) -> Sniffed {
    if size == 0 { return .ignore("empty file") }
    let head: LineReader.Head
    switch LineReader.head(path: path) {
    case .failure(let e): return .skip(e.reason)
    case .success(let h): head = h
    }
    let name = path.split(separator: "/").last.map(String.init) ?? path
    let raw = head.raw
    func starts(_ bytes: [UInt8], _ magic: [UInt8]) -> Bool {
      bytes.count >= magic.count && Array(bytes[0..<magic.count]) == magic
    }
    if starts(raw, Array("LPKSHHRH".utf8)) { return .journal }
    if name.hasSuffix(".journal") || name.hasSuffix(".journal~") {
      return .skip("named like a journal file but has no journal header (LPKSHHRH)")
    }
    if let db = sqliteSideFile(path) {
      return .ignore("SQLite's journal, WAL or shared-memory file of \(db): read with the database, if at all")
    }
    if starts(raw, WtmpDBSource.magic) {
      switch WtmpDB.content(path) {
      case .wtmpdb: return .wtmpDB
      case .otherDatabase: return .ignore("SQLite database without a wtmp table: not a log")
      case .unreadable(let m): return .skip("SQLite database that cannot be opened: \(m)")
      }
    }
    if starts(raw, [0x28, 0xB5, 0x2F, 0xFD]) { return .skip("zstd-compressed files are not read; decompress first") }
    if starts(raw, [0x50, 0x4B, 0x03, 0x04]) { return .skip("zip archives are not read; extract first") }
    if starts(raw, [0x37, 0x7A, 0xBC, 0xAF]) { return .skip("7z archives are not read; extract first") }
    let data = head.data
    if data.isEmpty {
      switch head.codec {
      case .plain: return .ignore("empty file")
      case .gzip: return .skip("gzip file holds no data or is corrupt")
      case .xz: return .skip("xz file holds no data or is corrupt")
      case .bzip2: return .skip("bzip2 file holds no data or is corrupt")
      }
    }
    if data.count > 262, Array(data[257..<262]) == Array("ustar".utf8) {
      return .skip("tar archives are not read; extract first")
    }
    if head.isGzip, head.data.count >= 3, data[0] == 0x42, data[1] == 0x5A, data[2] == 0x68 {
      return .skip("bzip2-compressed files are not read; decompress first")
    }
    if starts(data, Array("LPKSHHRH".utf8)) { return .skip("compressed journal files are not read; decompress first") }

    // Text formats.
    var firstNonSpace = 0
    while firstNonSpace < data.count, [9, 10, 13, 32].contains(data[firstNonSpace]) { firstNonSpace += 1 }
    // `{` (`journalctl -o json`, `json-pretty`), RS (`json-seq`) or `data: {` (`json-sse`).
    if firstNonSpace < data.count,
      data[firstNonSpace] == 123 || data[firstNonSpace] == 0x1E
        || data.withBytes({ $0.dropFirst(firstNonSpace).hasPrefix("data: {") })
    {
      if data.withBytes({ $0.contains("\"__REALTIME_TIMESTAMP\"") || $0.contains("\"MESSAGE\"") }) {
        return .journalJSON
      }
    }
    if NoticeSniffer.looksLikeNotice(head: data, name: name) { return .cloudNotices }
    let lines = headLines(data, complete: head.complete)
    // Before syslog: `flatline tail --format text` writes `<time> <host> <event> …`, which reads as syslog lines
    // of that host (its heartbeats became the host's last sign of life).
    if let own = flatlineTailFile(lines, data, name: name) { return .ignore(own) }
    if mostOfFirstLines(lines, data, { AuditSource.parse($0) != nil }) { return .audit }
    if mostOfFirstLines(lines, data, { UtmpDump.parse($0) != nil || LastText.parse($0) != nil }) { return .wtmp }
    if looksLikeExport(lines, data) { return .journalExport }
    // `journalctl -o verbose`: an entry header, then indented fields (read by the export stream's source).
    if data.withBytes({ b in JournalVerboseReader.startsWithHeader(lines.prefix(8).map { b.slice($0.0, $0.1) }) }) {
      return .journalExport
    }
    // Before syslog: PostgreSQL, MySQL 8 and MongoDB lines start with ISO stamps the lenient syslog check accepts.
    let component = data.withBytes { b in DatastoreSniffer.sniff(lines.map { b.slice($0.0, $0.1) }, name: name) }
    if let component { return .datastore(component) }
    if let manager = packageManagerLog(name) {
      return .ignore("package manager log (\(manager)): installs and upgrades, nothing about boots")
    }
    for envelope in [ContainerEnvelope.cri, .docker, .compose] {
      if let component = containerDatastore(lines, data, envelope: envelope, name: name) {
        return .datastore(component, envelope)
      }
    }
    if looksLikeContainerLog(lines, data) {
      return .skip("Kubernetes container log (CRI format: stamp, stdout/stderr, P/F): an application's output, not read")
    }
    if looksLikeDockerJSONLog(lines, data) {
      return .skip("Docker container log (json-file: {\"log\": …, \"stream\": …, \"time\": …}): "
        + "an application's output, not read")
    }
    if data.withBytes({ b in KernelDump.looksLikeDump(path: path, name: name, lines: lines.map { b.slice($0.0, $0.1) }) }) {
      return .kernelDump
    }
    // An EC2 instance's console output as `aws ec2 get-console-output` prints it (JSON around the console's text).
    if data.withBytes({ ConsoleOutput.looksLike($0) }), ConsoleOutput.read(path: path) != nil { return .kernelDump }
    if looksLikeSyslog(lines, data) { return .syslog }
    if isLoginRecords(name: name, data: data, complete: head.complete) {
      let lower = name.lowercased()
      if lower.hasPrefix("btmp") { return .ignore("failed-login records (btmp) say nothing about boots") }
      if lower.hasPrefix("lastlog") { return .ignore("lastlog holds only each user's last login, nothing about boots") }
      return .wtmp
    }
    if let known = knownUnread(path: path, name: name, head: data) { return .ignore(known) }
    if let dump = KernelDump.memoryImage(path: path, name: name) { return dump }
    if isBinary(data) { return .skip("binary data, not a log format Flatline reads") }
    return .skip("text not recognised as syslog or a journal export")
  }

  /// The database's name when `path` is SQLite's side file of a database beside it (`x.db-journal`, `-wal`,
  /// `-shm`): never a log, whatever its bytes, even when named like wtmp.
  static func sqliteSideFile(_ path: String) -> String? {
    for suffix in ["-journal", "-wal", "-shm"] where path.hasSuffix(suffix) {
      let db = String(path.dropLast(suffix.count))
      let fd = open(db, O_RDONLY)
      guard fd >= 0 else { return nil }
      defer { close(fd) }
      var magic = [UInt8](repeating: 0, count: WtmpDBSource.magic.count)
      let n = magic.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
      return n == magic.count && magic == WtmpDBSource.magic ? String(db.split(separator: "/").last ?? "") : nil
    }
    return nil
  }

  /// Why a directory met while walking is left out: the installers' logs (`/var/log/installer` of Debian's and
  /// Ubuntu's installers, `/var/log/anaconda` of Fedora's and RHEL's) are the live system the OS was installed from.
  /// Read with the host's logs, its boot — which ends in a reboot it never logs — could pass for one of the host's.
  /// `etc`, `proc` and `sys` (a copied root, a sosreport) hold configuration and kernel state: hundreds of files,
  /// none a log. Each is recognised by two or more of the names it holds, not by its name alone. Named on the
  /// command line, such a directory is read.
  static func installerDirectory(_ path: String) -> String? {
    let name = path.split(separator: "/").last.map(String.init) ?? path
    // Only a directory that holds what such a directory holds: a folder of collected logs named `sys` is read.
    let markers: Set<String>
    let reason: String
    switch name {
    case "installer", "anaconda":
      markers = [
        "partman", "hardware-summary", "lsb-release", "cdebconf", "status", "subiquity-server-debug.log",
        "curtin-install.log", "installer-journal.txt", "casper.log", "anaconda.log", "program.log", "storage.log",
        "packaging.log", "syslog", "journal.log", "media-info", "autoinstall-user-data", "subiquity-client-debug.log",
        "subiquity-server-info.log", "casper-md5check.json",
      ]
      reason = "installer logs: the live system the OS was installed from, not a boot of this host"
    case "etc":
      markers = ["passwd", "group", "fstab", "hostname", "hosts", "os-release", "shadow", "systemd", "rsyslog.conf"]
      reason = "system configuration (/etc), not logs"
    case "proc":
      markers = ["cpuinfo", "meminfo", "version", "cmdline", "mounts", "uptime", "interrupts"]
      reason = "kernel state (/proc), not logs"
    case "sys":
      markers = ["kernel", "devices", "class", "bus", "fs", "firmware", "module", "block"]
      reason = "kernel state (/sys), not logs"
    default:
      return nil
    }
    return entryNames(path).filter { markers.contains($0) }.count >= 2 ? reason : nil
  }

  /// True when `dir` is the root of a sosreport (`sos report`, RHEL's and Ubuntu's support bundle): it holds
  /// `sos_commands` and sos's own `sos_reports`, `sos_logs` or `version.txt`.
  static func isSosreportRoot(_ dir: String) -> Bool { isSosreportRoot(names: entryNames(dir)) }

  /// The same from the names the directory holds.
  static func isSosreportRoot(names: [String]) -> Bool {
    names.contains("sos_commands") && names.contains { ["sos_reports", "sos_logs", "sos_strings", "version.txt"].contains($0) }
  }

  /// Why a directory of a sosreport is left out, nil when it is read: sos's own report and logs, and the command
  /// outputs of `sos_commands` (a thousand files: `ps`, `lsblk`, `ip addr`…) but for `logs` (journalctl's output)
  /// and `login` (`last`'s).
  static func sosreportPart(_ path: String) -> String? {
    let parts = path.split(separator: "/")
    guard let name = parts.last.map(String.init) else { return nil }
    if name == "sos_reports" || name == "sos_logs", inSosreport(path, levels: 1) {
      return "sos's own report and logs (a sosreport): not the host's logs"
    }
    if parts.count >= 2, parts[parts.count - 2] == "sos_commands", !sosreportLogCommands.contains(name),
      inSosreport(path, levels: 2)
    {
      return "command output of a sosreport (sos_commands/\(name)): not logs"
    }
    return nil
  }

  /// The folders of a sosreport's `sos_commands` that hold logs.
  static let sosreportLogCommands: Set<String> = ["logs", "login"]

  /// True when unrecognised files directly in `dir`, below a sosreport's root, are its command output (the other
  /// outputs beside journalctl's and `last`'s in `sos_commands/logs` and `login`) or strings a plugin collected
  /// (`sos_strings/<plugin>/`, which also holds the tails of logs over sos's size limit, `var.log.messages.tailed`,
  /// linked from `var/log/messages`): left out without a warning, each still listed as skipped. (The root's own
  /// files are: `isSosreportRoot`.)
  static func isSosreportCommandFolder(_ dir: String) -> Bool {
    let parts = dir.split(separator: "/")
    guard let name = parts.last else { return false }
    if name == "sos_strings" { return inSosreport(dir, levels: 1) }
    guard parts.count >= 2 else { return false }
    let parent = parts[parts.count - 2]
    return (parent == "sos_strings" || parent == "sos_commands" && sosreportLogCommands.contains(String(name)))
      && inSosreport(dir, levels: 2)
  }

  /// True when the directory `levels` folders above `path` is a sosreport's root.
  static func inSosreport(_ path: String, levels: Int) -> Bool {
    var dir = Substring(path)
    for _ in 0..<levels {
      guard let slash = dir.lastIndex(of: "/") else { return false }
      dir = dir[..<slash]
    }
    return isSosreportRoot(String(dir))
  }

  /// The names in directory `dir` (without `.` and `..`; empty when it cannot be read).
  static func entryNames(_ dir: String) -> [String] { readEntryNames(dir) ?? [] }

  /// The names in directory `dir` (without `.` and `..`), or nil with `errno` set when it cannot be opened.
  static func readEntryNames(_ dir: String) -> [String]? {
    guard let d = opendir(dir) else { return nil }
    defer { closedir(d) }
    var names: [String] = []
    while let ent = readdir(d) {
      let name = withUnsafeBytes(of: ent.pointee.d_name) { raw in
        String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
      }
      if name != "." && name != ".." { names.append(name) }
    }
    return names
  }

  /// `flatline tail`'s own files: its events (NDJSON or `--format text`), checkpoint, heartbeat and clean-stop flag
  /// (docs/tail.md), when an output or state directory lies among the logs read. nil for anything else.
  static func flatlineTailFile(_ lines: [(Int, Int)], _ data: [UInt8], name: String) -> String? {
    let own = data.withBytes { b -> String? in
      if b.hasPrefix("flatline-tail-checkpoint ") { return "flatline tail's checkpoint" }
      if b.equals("clean stop\n") { return "flatline tail's clean-stop flag" }
      // `<µs since the epoch> <host>`
      if name == "heartbeat", lines.count == 1, let sp = b.find(" "), sp >= 10,
        b.slice(0, sp).buffer.allSatisfy({ $0 >= 48 && $0 <= 57 })
      {
        return "flatline tail's heartbeat"
      }
      if b.hasPrefix("{\"type\":\""), b.contains("\",\"key\":\"") { return "flatline tail's events" }
      return nil
    }
    if let own { return own }
    let kinds = Set(TailEvent.Kind.allCases.map { Array($0.rawValue.utf8) })
    func isEventLine(_ line: Bytes) -> Bool {
      // `<RFC 3339 time or -> <host or -> <type> …`
      let words = line.buffer.split(separator: 32, maxSplits: 3, omittingEmptySubsequences: false)
      guard words.count >= 3, kinds.contains(Array(words[2])) else { return false }
      let time = Array(words[0])
      return time == [45] || time.count >= 20 && time[4] == 45 && time[10] == 84 && time.last == 90
    }
    return mostOfFirstLines(lines, data, isEventLine) ? "flatline tail's events (text)" : nil
  }

  /// Why a file that is in neither a format Flatline reads is still no loss, for files every Linux `/var/log`
  /// holds. Asked only after the content was not recognised: RHEL's rsyslog also writes `local7` to `boot.log`,
  /// and such a file is read as syslog.
  static func knownUnread(path: String, name: String, head: [UInt8]) -> String? {
    let isReport = head.withBytes { b in
      b.hasPrefix("{") && b.contains("\"schemaVersion\"") && b.contains("\"generatedAt\"") && b.contains("\"inputs\"")
    }
    if isReport { return "a Flatline JSON report" }
    let base = RotationName(name).base
    if base.hasPrefix("README") || base.hasSuffix(".md") { return "not a log (documentation)" }
    let parent = path.split(separator: "/").dropLast().last.map(String.init) ?? ""
    switch base {
    case "dmesg":
      return "kernel ring buffer saved at boot (dmesg): uptime stamps only, no clock time; "
        + "its lines also reach kern.log or the journal"
    case "boot.log": return "console messages of a boot (boot.log): no times"
    case "kexec-dmesg.log": return "kdump's own log of saving a dump (the crashed kernel's log is vmcore-dmesg.txt)"
    case "lastlog": return "lastlog holds only each user's last login, nothing about boots"
    case "faillog", "tallylog": return "per-user failed-login counters (\(base)): nothing about boots"
    case "alternatives.log": return "package manager log (dpkg alternatives): nothing about boots"
    case "cloud-init-output.log": return "cloud-init's console output: no record times (cloud-init.log is read)"
    default: break
    }
    if parent == "apt", ["history.log", "term.log", "eipp.log"].contains(base) {
      return "package manager log (apt): installs and upgrades, nothing about boots"
    }
    if parent == "sa" || parent == "sysstat" { return "sysstat activity data: nothing about boots" }
    // Ubuntu's apport writes a program's crash to /var/crash/<program>.<uid>.crash (`ProblemType: Crash`).
    if name.hasSuffix(".crash"), head.withBytes({ $0.hasPrefix("ProblemType: ") }) {
      guard head.withBytes({ $0.hasPrefix("ProblemType: Kernel") }) else {
        return "apport crash report: a program's crash, not how a boot ended"
      }
      // Its report of a kdump capture (`linux-image-<version>-YYYYMMDDHHMM.crash`) repeats kdump-tools' folder.
      let stamp = name.dropLast(6).split(separator: "-").last.map(String.init) ?? ""
      if stamp.count == 12, stamp.allSatisfy(\.isNumber),
        Discovery.entryNames(String(path.dropLast(name.count)) + stamp).contains(where: { $0.hasPrefix("dmesg.") })
      {
        return "apport's report of a kernel crash: the kdump folder \(stamp) beside it is read"
      }
      return nil
    }
    if base == "kexec_cmd" { return "kdump-tools' saved kexec command line" }
    return nil
  }

  /// (start, end) of the complete lines of the head (the last partial line dropped unless complete), the first
  /// `limit`.
  static func headLines(_ data: [UInt8], complete: Bool, limit: Int = 64) -> [(Int, Int)] {
    var out: [(Int, Int)] = []
    var s = 0
    while s < data.count, out.count < limit {
      var e = s
      while e < data.count, data[e] != 10 { e += 1 }
      if e == data.count && !complete { break }
      out.append((s, e))
      s = e + 1
    }
    if out.isEmpty && !data.isEmpty { out.append((0, data.count)) }
    return out
  }

  static func looksLikeExport(_ lines: [(Int, Int)], _ data: [UInt8]) -> Bool {
    var checked = 0
    var keyed = 0
    var strong = false
    return data.withBytes { b in
      for (s, e) in lines where e > s {
        let line = b.slice(s, e)
        if line.hasPrefix("__CURSOR=") || line.hasPrefix("__REALTIME_TIMESTAMP=") { strong = true }
        checked += 1
        // KEY=value with KEY in [A-Z0-9_]; binary fields are `KEY\n<le64 size><data>`.
        var k = 0
        while k < line.count, (line[k] >= 65 && line[k] <= 90) || (line[k] >= 48 && line[k] <= 57) || line[k] == 95 {
          k += 1
        }
        if k > 0, k == line.count || line[k] == 61 { keyed += 1 }
        if checked >= 8 { break }
      }
      return strong && keyed * 2 >= checked
    }
  }

  static func looksLikeSyslog(_ lines: [(Int, Int)], _ data: [UInt8]) -> Bool {
    var h = SyslogHeader()
    var checked = 0
    var parsed = 0
    var firstParsed = false
    return data.withBytes { b in
      for (s, e) in lines {
        var line = b.slice(s, e)
        var k = 0
        while k < line.count, line[k] == 0 { k += 1 }
        line = line.dropFirst(k)
        if line.count > 0, line[line.count - 1] == 13 { line = line.slice(0, line.count - 1) }
        if line.isEmpty { continue }
        checked += 1
        if SyslogParser.parse(line, into: &h) && (h.month != 0 || h.time != Record.noTime) && isPlausible(line, h) {
          parsed += 1
          if checked == 1 { firstParsed = true }
        }
        if checked >= 10 { break }
      }
      return parsed > 0 && (firstParsed || parsed * 2 >= checked)
    }
  }

  /// Lines of Docker's json-file log driver (`/var/lib/docker/containers/<id>/<id>-json.log`): one JSON object a line,
  /// `{"log":"…\n","stream":"stderr","time":"2024-03-10T00:17:06.123456789Z"}`. True when most of the head's lines
  /// begin with `{"log":` and name a stream and a time.
  /// The datastore whose lines a container log's head holds, read inside `envelope` (nil: not that envelope, or
  /// not a datastore's output).
  static func containerDatastore(_ lines: [(Int, Int)], _ data: [UInt8], envelope: ContainerEnvelope, name: String)
    -> String?
  {
    // The inner lines one after another in one buffer, and where each is.
    var joined: [UInt8] = []
    var ranges: [(Int, Int)] = []
    data.withBytes { b in
      for (s, e) in lines where e > s {
        let start = joined.count
        var partial = false
        if envelope.unwrap(b.slice(s, e), into: &joined, partial: &partial) {
          if joined.count > start { ranges.append((start, joined.count)) }
        } else {
          joined.removeSubrange(start...)
        }
      }
    }
    guard ranges.count * 2 > lines.count else { return nil }
    return joined.withBytes { b in DatastoreSniffer.sniff(ranges.map { b.slice($0.0, $0.1) }, name: name) }
  }

  static func looksLikeDockerJSONLog(_ lines: [(Int, Int)], _ data: [UInt8]) -> Bool {
    mostOfFirstLines(lines, data) { line in
      line.hasPrefix("{\"log\":") && line.contains("\"stream\":") && line.contains("\"time\":")
    }
  }

  /// True when most of the first ten non-empty lines of the head satisfy `matches` (at least one does).
  static func mostOfFirstLines(_ lines: [(Int, Int)], _ data: [UInt8], _ matches: (Bytes) -> Bool) -> Bool {
    var checked = 0
    var matched = 0
    data.withBytes { b in
      for (s, e) in lines where e > s {
        checked += 1
        if matches(b.slice(s, e)) { matched += 1 }
        if checked >= 10 { break }
      }
    }
    return matched > 0 && matched * 2 > checked
  }

  /// Lines of a container log as the kubelet's CRI runtimes write them (`/var/log/containers`, `/var/log/pods`):
  /// `2024-03-10T00:17:06.123456789Z stdout F text` — an RFC 3339 stamp, the stream, `P` (partial) or `F` (full).
  /// The syslog parse would take the stream for a host. True when most of the head's lines have that shape.
  static func looksLikeContainerLog(_ lines: [(Int, Int)], _ data: [UInt8]) -> Bool {
    mostOfFirstLines(lines, data) { line in
      var k = 0
      while k < line.count, line[k] != 32 { k += 1 }
      // The stamp: digits first, a `T` in it; then ` stdout ` or ` stderr `, then `P` or `F` and a space or end.
      let stamp = line.slice(0, k)
      return k >= 20 && SyslogParser.isDigit(stamp[0]) && stamp[10] == 84
        && (line.dropFirst(k).hasPrefix(" stdout ") || line.dropFirst(k).hasPrefix(" stderr "))
        && k + 9 <= line.count && (line[k + 8] == 80 || line[k + 8] == 70) && (k + 9 == line.count || line[k + 9] == 32)
    }
  }

  /// The package manager whose own log `name` is (rotated or not): dnf's and yum's lines would parse as syslog with
  /// their level or verb for a host (`2024-03-10T00:17:06+0000 DDEBUG timer: config: 3 ms`), dpkg's as well.
  static func packageManagerLog(_ name: String) -> String? {
    let base = RotationName(name).base
    switch base {
    case "dnf.log", "dnf.rpm.log", "dnf.librepo.log", "dnf5.log", "hawkey.log": return "dnf"
    case "yum.log": return "yum"
    case "dpkg.log": return "dpkg"
    case "zypper.log": return "zypper"
    case "pacman.log": return "pacman"
    default: return nil
    }
  }

  /// Whether a line the lenient parse read as syslog (`h`) has the shape syslog daemons (or `journalctl`) write:
  /// - epoch seconds with six decimals (`journalctl -o short-unix`) need a closed tag;
  /// - an ISO stamp with a severity word where the host would be (ChromeOS) needs the `T` and a closed tag
  ///   (`2016-10-25T12:37:23.297265-07:00 INFO periodic_scheduler[13707]: …`); application logs such as
  ///   `2024-03-10T00:17:06.123Z INFO  [main] Application started` or Python's `… INFO     tuned.daemon: …` with a
  ///   spaced stamp have no host and are no syslog;
  /// - a spaced ISO stamp (`YYYY-MM-DD hh:mm:ss`) needs a closed tag (see `hasSpacedISOStamp`).
  static func isPlausible(_ line: Bytes, _ h: SyslogHeader) -> Bool {
    // `journalctl -o short-unix`: other tools start lines with epoch seconds too (Squid's access.log).
    if SyslogParser.parseUnixStamp(line, 0) != nil { return hasClosedTag(line, h) }
    let spaced = hasSpacedISOStamp(line)
    if let w = wordAfterISOStamp(line, spaced: spaced), SyslogParser.isSeverity(w) {
      return !spaced && hasClosedTag(line, h)
    }
    return !spaced || hasClosedTag(line, h)
  }

  /// The first word after a leading ISO stamp (no `<PRI>`; `spaced`: see `hasSpacedISOStamp`), or nil when the line
  /// does not begin with a digit.
  static func wordAfterISOStamp(_ line: Bytes, spaced: Bool) -> Bytes? {
    guard line.count > 0, SyslogParser.isDigit(line[0]) else { return nil }
    var i = 0
    // The stamp ends at the first space after its time (a spaced stamp has one space inside, after the date).
    if spaced { i = 11 }
    while i < line.count, line[i] != 32 { i += 1 }
    while i < line.count, line[i] == 32 { i += 1 }
    var e = i
    while e < line.count, line[e] != 32 && line[e] != 9 { e += 1 }
    return e > i ? line.slice(i, e) : nil
  }

  /// True when `line` begins `YYYY-MM-DD hh:` — an ISO date, a space, a time — with no `<PRI>` before it. Syslog
  /// daemons write ISO stamps with a `T`; this spaced form is common in other tools' logs (dpkg's
  /// `2025-06-24 14:36:25 status installed libc6:amd64 2.36-9`, Python's logging) that the lenient parse would read
  /// as `stamp host tag message`.
  static func hasSpacedISOStamp(_ line: Bytes) -> Bool {
    guard line.count > 14 else { return false }
    for k in [0, 1, 2, 3, 5, 6, 8, 9, 11, 12] where !SyslogParser.isDigit(line[k]) { return false }
    return line[4] == 45 && line[7] == 45 && line[10] == 32 && line[13] == 58
  }

  /// True when the tag parsed into `h` was closed the syslog way, `tag:` or `tag[pid]:` followed by a space or the
  /// end of the line (a kernel line's tag always counts). `libsystemd0:amd64` is no tag.
  static func hasClosedTag(_ line: Bytes, _ h: SyslogHeader) -> Bool {
    if h.isKernel { return true }
    guard !h.identifier.isEmpty, let lb = line.base else { return false }
    var end = line.count
    if !h.message.isEmpty, let mb = h.message.base {
      end = UnsafeRawPointer(mb) - UnsafeRawPointer(lb)
      guard end > 0, end <= line.count, line[end - 1] == 32 || line[end - 1] == 9 else { return false }
    }
    while end > 0, line[end - 1] == 32 || line[end - 1] == 9 { end -= 1 }
    return end > 0 && line[end - 1] == 58
  }

  /// Binary utmp-style records: by name (`wtmp`, `btmp`, `utmp`, `lastlog`, with rotation suffixes), or by shape
  /// (a glibc record layout reads well and, when the whole file is known, its size is a whole number of records).
  ///
  /// A file of one or two records (a wtmp rotated at the start of the month, with one boot since) has too few
  /// control bytes and short NUL runs to look binary: by name it is still read when a record layout reads well.
  static func isLoginRecords(name: String, data: [UInt8], complete: Bool) -> Bool {
    let lower = name.lowercased()
    let named = ["wtmp", "btmp", "utmp", "lastlog"].contains(where: { lower.hasPrefix($0) })
    let binary = isBinary(data)
    if binary && named { return true }
    guard binary || named && data.contains(0) else { return false }
    guard let layout = data.withBytes({ WtmpLayout.detect($0, totalSize: complete ? data.count : nil) }) else {
      return false
    }
    guard data.count >= layout.recordSize else { return false }
    let first = data.withBytes { layout.check($0.slice(0, layout.recordSize)) }
    return first == .valid && (!complete || data.count % layout.recordSize == 0)
  }

  /// Binary when control bytes other than TAB/LF/CR/ESC/FF and NUL runs are more than 1 % of the head, or when
  /// NULs are scattered (not in runs of 8+).
  static func isBinary(_ data: [UInt8]) -> Bool {
    var control = 0
    var shortNulRuns = 0
    var i = 0
    while i < data.count {
      let c = data[i]
      if c == 0 {
        var e = i
        while e < data.count, data[e] == 0 { e += 1 }
        if e - i < 8 { shortNulRuns += 1 }
        i = e
        continue
      }
      if c < 32 && c != 9 && c != 10 && c != 13 && c != 27 && c != 12 { control += 1 }
      i += 1
    }
    return shortNulRuns > 2 || control * 100 > data.count
  }

  // MARK: - Walking

  struct Walker {
    enum Out {
      case input(DiscoveredInput)
      case syslogGroup(key: String)
      case auditGroup(key: String)
      case wtmpGroup(key: String)
      case journalGroup(dir: String)
    }
    let registry: InputRegistry
    var out: [Out] = []
    var syslogGroups: [String: [(RotationName, String)]] = [:]
    var auditGroups: [String: [(RotationName, String)]] = [:]
    var wtmpGroups: [String: [(RotationName, String)]] = [:]
    var journalGroups: [String: [String]] = [:]
    var visitedDirs = Set<[UInt64]>()
    var visitedFiles: [[UInt64]: String] = [:]
    /// Folders whose files that are no log are left out without a warning (`Discovery.isSosreportCommandFolder`).
    var quietDirs = Set<String>()

    init(registry: InputRegistry) { self.registry = registry }

    mutating func visit(_ path: String, topLevel: Bool) {
      var st = stat()
      if stat(path, &st) != 0 {
        let err = errno
        var lst = stat()
        if err == ENOENT, lstat(path, &lst) == 0 {
          registry.skip(path: path, reason: "broken symbolic link")
        } else {
          registry.skip(path: path, reason: LineReader.errnoText(err))
        }
        return
      }
      switch st.st_mode & S_IFMT {
      case S_IFDIR:
        let key = [UInt64(st.st_dev), UInt64(st.st_ino)]
        if visitedDirs.contains(key) { return }  // symlink loop or repeated path
        visitedDirs.insert(key)
        if !topLevel, let reason = Discovery.installerDirectory(path) ?? Discovery.sosreportPart(path) {
          registry.skip(path: path, reason: reason, warn: false)
          return
        }
        guard let listed = Discovery.readEntryNames(path) else {
          registry.skip(path: path, reason: LineReader.errnoText(errno))
          return
        }
        let sosreportRoot = Discovery.isSosreportRoot(names: listed)
        if sosreportRoot || Discovery.isSosreportCommandFolder(path) {
          var dir = path
          while dir.count > 1 && dir.hasSuffix("/") { dir.removeLast() }
          quietDirs.insert(dir)
        }
        var names = listed.sorted()
        // A sosreport's `sos_strings` last: a log over sos's size limit is read through its link at `var/log/…`
        // (its own path), and its tail there is then the same file; a tail without a link is still read.
        if sosreportRoot, let k = names.firstIndex(of: "sos_strings") {
          names.append(names.remove(at: k))
        }
        let prefix = path.hasSuffix("/") ? path : path + "/"
        for name in names { visit(prefix + name, topLevel: false) }
      case S_IFREG:
        // The same file reached twice (a symbolic link such as Kubernetes' /var/log/containers/*.log, or a path
        // given twice) is read once.
        let key = [UInt64(st.st_dev), UInt64(st.st_ino)]
        if let first = visitedFiles[key] {
          registry.skip(path: path, reason: "the same file as \(first), read there", warn: false)
          return
        }
        visitedFiles[key] = path
        classify(path, size: Int(st.st_size))
      case S_IFIFO where topLevel:
        out.append(.input(.pipe(path: path)))
      default:
        registry.skip(path: path, reason: "not a regular file")
      }
    }

    mutating func classify(_ path: String, size: Int) {
      let dir: String
      let name: String
      if let slash = path.lastIndex(of: "/") {
        dir = String(path[..<slash])
        name = String(path[path.index(after: slash)...])
      } else {
        dir = "."
        name = path
      }
      switch Discovery.sniff(path: path, size: size) {
      case .syslog:
        let (key, rn, new) = Self.rotationSlot(dir: dir, name: name, in: syslogGroups)
        if new { out.append(.syslogGroup(key: key)) }
        syslogGroups[key, default: []].append((rn, path))
      case .journal:
        if journalGroups[dir] == nil {
          journalGroups[dir] = []
          out.append(.journalGroup(dir: dir))
        }
        journalGroups[dir]!.append(path)
      case .journalExport:
        out.append(.input(.journalExport(path: path)))
      case .journalJSON:
        out.append(.input(.journalJSON(path: path)))
      case .datastore(let component, let envelope):
        out.append(.input(.datastoreLog(path: path, component: component, envelope: envelope)))
      case .wtmp:
        let (key, rn, new) = Self.rotationSlot(dir: dir, name: name, in: wtmpGroups)
        if new { out.append(.wtmpGroup(key: key)) }
        wtmpGroups[key, default: []].append((rn, path))
      case .wtmpDB:
        out.append(.input(.wtmpDB(path: path)))
      case .audit:
        let (key, rn, new) = Self.rotationSlot(dir: dir, name: name, in: auditGroups)
        if new { out.append(.auditGroup(key: key)) }
        auditGroups[key, default: []].append((rn, path))
      case .cloudNotices:
        out.append(.input(.cloudNotices(path: path)))
      case .kernelDump:
        out.append(.input(.kernelDump(path: path)))
      case .skip(let reason):
        if quietDirs.contains(dir) {
          registry.skip(path: path, reason: "command output in a sosreport, not a log (\(reason))", warn: false)
        } else {
          registry.skip(path: path, reason: reason)
        }
      case .ignore(let reason):
        registry.skip(path: path, reason: reason, warn: false)
      }
    }

    /// The rotation set a file joins (its directory and base name), its place in it, and whether the set is new. A
    /// file whose place is taken already (`syslog.1` beside `syslog.1.xz`, the same log kept twice) starts a set of
    /// its own rather than reading the same lines twice in one stream.
    static func rotationSlot(dir: String, name: String, in groups: [String: [(RotationName, String)]])
      -> (key: String, rotation: RotationName, new: Bool)
    {
      let rn = RotationName(name)
      var key = dir + "/" + rn.base
      var copy = 1
      while let set = groups[key], set.contains(where: { $0.0 == rn }) {
        copy += 1
        key = dir + "/" + rn.base + "\u{1}\(copy)"
      }
      return (key, rn, groups[key] == nil)
    }

    /// The paths of one rotation set, oldest first.
    static func olderFirst(_ set: [(RotationName, String)]) -> [String] {
      set.sorted { a, b in
        if RotationName.olderFirst(a.0, b.0) { return true }
        if RotationName.olderFirst(b.0, a.0) { return false }
        return a.1 < b.1
      }.map(\.1)
    }

    func finish() -> [DiscoveredInput] {
      out.map { o in
        switch o {
        case .input(let i):
          return i
        case .syslogGroup(let key):
          return .syslogSet(files: Self.olderFirst(syslogGroups[key]!))
        case .auditGroup(let key):
          return .auditSet(files: Self.olderFirst(auditGroups[key]!))
        case .wtmpGroup(let key):
          return .wtmpSet(files: Self.olderFirst(wtmpGroups[key]!))
        case .journalGroup(let dir):
          return .journalFiles(files: journalGroups[dir]!.sorted())
        }
      }
    }
  }
}
