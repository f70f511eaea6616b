import Foundation

/// The kernel log a crashed kernel left behind, saved by kdump (`/var/crash/<ip>-YYYY-MM-DD-HH:MM:SS/vmcore-dmesg.txt`
/// on RHEL and Fedora, `/var/crash/YYYYMMDDHHMM/dmesg.YYYYMMDDHHMM` from Debian's and Ubuntu's kdump-tools) or
/// through pstore (`dmesg-efi-…`, `dmesg-ramoops-N`, systemd-pstore's `dmesg.txt`), or printed on a serial console
/// (a cloud provider's console output, saved as text). One value per kernel in the file that died of a crash: a
/// console log holds one kernel after another, each starting at its banner.
///
/// A kernel that panics never gets its last lines to disk: the syslog or journal of that boot just stops, and the
/// boot reads as a power loss. The dump holds what the dying kernel printed, with uptime stamps only (`[ 5459.998901]
/// Kernel panic - not syncing: …`). `KernelDumpMatcher` finds the boot it belongs to by its banner and by the boot's
/// start plus the panic's uptime.
public struct KernelDump: Sendable {
  public var path: String
  /// Registry index of the dump's input (evidence points at its lines).
  public var input: Int32
  /// The crashed kernel's `Linux version …` line, when the ring buffer still held it.
  public var banner: String?
  /// Lines of the kernel's last crash (`Kernel panic - not syncing`, `Oops`, `BUG: …`, soft lockups): the first and,
  /// when another followed, the last. The last decides between `kernel-panic` and `watchdog`, as in a syslog boot.
  public var crashes: [Line] = []
  /// The last uptime in the dump (µs): the kernel was alive at least that long.
  public var lastUptime: Int64 = -1
  /// When the capture kernel saved the dump, as local civil time from the directory or file name, if it says.
  public var captured: CivilStamp?

  public struct Line: Sendable {
    public var line: Int
    public var uptime: Int64
    public var text: String
    public var kind: EvidenceKind
  }

  public struct CivilStamp: Sendable, Equatable {
    public var year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int
  }

  /// The crash that decides how the boot ended (the last one), nil when the dump shows none.
  public var decisive: Line? { crashes.last }

  // MARK: Reading

  /// Reads the kernel log at `path` (plain or compressed), registered as input `input`: the kernels in it that
  /// died of a crash (`diedOfCrash`), in file order. Lines that are not kernel log lines (pstore's `Panic#1 Part1`
  /// headers, a console's service status lines) are counted as skipped. The capture time in the folder or file name
  /// goes with the last kernel (the one whose crash kdump saved). `console`: the file read as EC2 console output
  /// (`ConsoleOutput`), whose text is read instead of the file's lines.
  public static func read(
    path: String, input: Int32, registry: InputRegistry, options: IngestOptions,
    console: ConsoleOutput.Document? = nil
  ) -> [KernelDump] {
    var crashed: [KernelDump] = []
    var current = KernelDump(path: path, input: input)
    let name = path.split(separator: "/").last.map(String.init) ?? path
    let dumpNamed = isDumpName(path: path, name: name)
    var records = 0
    var skipped = 0
    func take(_ line: Bytes, _ lineNo: Int) {
      guard let (uptime, text) = parseLine(line) else {
        if StreamState.notBlank(line) { skipped += 1 }
        return
      }
      records += 1
      let r = Record(input: input, identifier: .empty, message: text, isKernel: true)
      switch SignalClassifier.classify(r) {
      case .bootBanner where text.hasPrefix("Linux version "):
        // A banner starts another kernel's log.
        if current.diedOfCrash(followed: true, dumpNamed: dumpNamed) { crashed.append(current) }
        current = KernelDump(path: path, input: input)
        current.banner = text.string
      case .kernelPanic:
        current.note(Line(line: lineNo, uptime: uptime, text: text.string, kind: .kernelPanic))
      case .watchdog:
        current.note(Line(line: lineNo, uptime: uptime, text: text.string, kind: .watchdog))
      default:
        break
      }
      current.lastUptime = max(current.lastUptime, uptime)
    }
    if let console {
      // The console's lines are one JSON string: evidence points at the file's line that holds it.
      for piece in console.output.split(separator: 10, omittingEmptySubsequences: false) {
        var bytes = Array(piece)
        if bytes.last == 13 { bytes.removeLast() }
        bytes.withBytes { take($0, console.line) }
      }
    } else {
      guard let reader = LineReader(path: path, input: input, registry: registry, maxLineLength: options.maxLineLength)
      else { return [] }
      reader.forEachLine { line, lineNo, _ in take(line, lineNo) }
    }
    if current.diedOfCrash(followed: false, dumpNamed: dumpNamed) {
      current.captured = captureStamp(path: path)
      crashed.append(current)
    }
    registry.addRecords(input, records)
    if skipped > 0 { registry.addSkipped(input, skipped) }
    if crashed.isEmpty && dumpNamed {
      registry.warn(input, "no panic, oops or lockup in this kernel log: it says nothing about how a boot ended")
    }
    return crashed
  }

  /// Keeps the first and the last line of the latest crash: a crash line more than `crashSpan` of uptime after the
  /// one before starts a new crash (an oops the kernel lived through is not how it died).
  private mutating func note(_ l: Line) {
    if let last = crashes.last, l.uptime - last.uptime > Self.crashSpan { crashes = [] }
    if crashes.count < 2 { crashes.append(l) } else { crashes[1] = l }
  }

  static let crashSpan: Int64 = 60 * 1_000_000

  /// True when this kernel's log ends with its crash (within `crashSpan` of uptime), and something says the kernel
  /// did not live on: a `Kernel panic - not syncing` line, another kernel after it in the file (a console's next
  /// boot), or a file that kdump or pstore wrote (they write at the crash). An oops the kernel lived through, in a
  /// saved `dmesg` or a console log that goes on, is not how a boot ended.
  func diedOfCrash(followed: Bool, dumpNamed: Bool) -> Bool {
    guard let last = crashes.last, lastUptime - last.uptime <= Self.crashSpan else { return false }
    return followed || dumpNamed || crashes.contains { $0.text.hasPrefix("Kernel panic - not syncing") }
  }

  /// `[ 5459.998901] text`, optionally after a `<N>` priority (pstore, older vmcore-dmesg) and followed by a
  /// caller id (`[    T1]`, CONFIG_PRINTK_CALLER). Returns the uptime in µs and the text.
  static func parseLine(_ line: Bytes) -> (Int64, Bytes)? {
    let n = line.count
    var i = 0
    if i < n, line[i] == 60 {  // <N>
      var j = 1
      while j < n, j < 5, line[j] >= 48, line[j] <= 57 { j += 1 }
      guard j > 1, j < n, line[j] == 62 else { return nil }
      i = j + 1
    }
    // The stamp as kernel lines in a syslog carry it.
    var header = SyslogHeader()
    let after = SyslogParser.parseUptime(line, i, &header)
    guard after > i, header.kernelUptime >= 0 else { return nil }
    i = after
    // Caller id: `[    T1]` or `[  C2]`, glued or after a space.
    var k = i
    while k < n, line[k] == 32 { k += 1 }
    if k < n, line[k] == 91 {
      var j = k + 1
      while j < n, line[j] == 32 { j += 1 }
      if j < n, line[j] == 84 || line[j] == 67 {
        var e = j + 1
        while e < n, line[e] >= 48, line[e] <= 57 { e += 1 }
        if e > j + 1, e < n, line[e] == 93 { i = e + 1 }
      }
    }
    while i < n, line[i] == 32 { i += 1 }
    var end = n
    while end > i, line[end - 1] == 13 { end -= 1 }  // a console's CRLF
    return (header.kernelUptime, line.slice(i, end))
  }

  // MARK: Recognising

  /// True when most of the first lines are kernel log lines with a printk stamp (six decimals: Xorg's log has three),
  /// and the file is not the ring buffer saved at boot (`/var/log/dmesg` and its rotations). Named as kdump or pstore
  /// name their files, or anything else: a console log or a saved `dmesg` is read the same way.
  static func looksLikeDump(path: String, name: String, lines: [Bytes]) -> Bool {
    guard RotationName(name.lowercased()).base != "dmesg" else { return false }
    let content = lines.filter { StreamState.notBlank($0) && !isPstoreHeader($0) }.prefix(20)
    guard content.count >= 2 || isDumpName(path: path, name: name) && !content.isEmpty else { return false }
    // `journalctl -o short-monotonic` has the same stamps, then a host and a tag (`[    0.000000] web1 kernel: …`),
    // and its `-- Journal begins …` / `-- Boot …` lines: not a kernel's own log.
    if content.contains(where: { $0.hasPrefix("-- ") }) { return false }
    let stamped = content.compactMap { line in parseLine(line).map { (line: line, uptime: $0.0, text: $0.1) } }
    if stamped.contains(where: { secondWordIsKernelTag($0.text) }) { return false }
    let kernel = stamped.filter { hasPrintkStamp($0.line, uptime: $0.uptime) }.count
    return kernel * 2 > content.count
  }

  /// `host kernel: …`: the text after a stamp is a journalctl line, not a kernel message.
  static func secondWordIsKernelTag(_ text: Bytes) -> Bool {
    guard let space = text.find(" ") else { return false }
    return text.dropFirst(space + 1).hasPrefix("kernel: ")
  }

  /// `[ssss.uuuuuu]` (after an optional `<N>`), the stamp printk writes, for a line `parseLine` read as `uptime`: an
  /// uptime under 31 years (a Unix time in brackets is an application's stamp) with six decimals.
  static func hasPrintkStamp(_ line: Bytes, uptime: Int64) -> Bool {
    guard uptime < 1_000_000_000 * 1_000_000, let close = line.find("]"), close >= 8 else { return false }
    for k in (close - 6)..<close where !(line[k] >= 48 && line[k] <= 57) { return false }
    return line[close - 7] == 46
  }

  static func isDumpName(path: String, name: String) -> Bool {
    let lower = name.lowercased()
    let base = RotationName(lower).base
    if base == "vmcore-dmesg.txt" || base == "vmcore-dmesg-incomplete.txt" { return true }
    // Debian/Ubuntu kdump-tools: dmesg.202403121437.
    if base.hasPrefix("dmesg."), base.count >= 14, base.dropFirst(6).allSatisfy(\.isNumber) { return true }
    // pstore: dmesg-efi-1234, dmesg-ramoops-0, dmesg-erst-5, dmesg-efi_pstore-…
    if base.hasPrefix("dmesg-"), base.split(separator: "-").count >= 3 { return true }
    let folders = path.split(separator: "/").dropLast().map { $0.lowercased() }
    if base == "dmesg.txt" && (folders.contains("pstore") || folders.contains("crash")) { return true }
    return false
  }

  /// kdump's memory image (`vmcore`, Debian's `dump.YYYYMMDDHHMM`): not read. Its kernel log is read from the text
  /// kdump saved beside it; without one, the warning says how to get it.
  static func memoryImage(path: String, name: String) -> Discovery.Sniffed? {
    let lower = name.lowercased()
    let isImage = lower == "vmcore" || lower == "vmcore.flat" || lower == "vmcore-incomplete"
      || lower.hasPrefix("dump.") && lower.count >= 17 && lower.dropFirst(5).allSatisfy(\.isNumber)
    guard isImage else { return nil }
    let dir = path.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
    let sibling = Discovery.entryNames(dir.isEmpty ? "." : dir).contains { n in
      n != name && isDumpName(path: dir + "/" + n, name: n)
    }
    if sibling { return .ignore("kdump's memory image of the crashed kernel: its kernel log beside it is read") }
    return .skip("kdump's memory image of the crashed kernel, without its kernel log: run `makedumpfile "
      + "--dump-dmesg \(name) vmcore-dmesg.txt` beside it and analyse again")
  }

  static func isPstoreHeader(_ line: Bytes) -> Bool {
    line.hasPrefix("Panic#") || line.hasPrefix("Oops#") || line.hasPrefix("Emergency#") || line.hasPrefix("Shutdown#")
      || line.hasPrefix("Unknown#") || line.hasPrefix("Halt#") || line.hasPrefix("Restart#")
      || line.hasPrefix("Poweroff#")
  }

  // MARK: Whose log

  /// EC2 instance IDs (`i-` and 8 or 17 hex digits) in the file's name or its folder's.
  static func instanceIDs(in path: String) -> [String] {
    var out: [String] = []
    for part in path.split(separator: "/").suffix(2) {
      let c = Array(part.utf8)
      var i = 0
      while i + 10 <= c.count {
        guard c[i] == 105, c[i + 1] == 45, i == 0 || !isWordByte(c[i - 1]) else {
          i += 1
          continue
        }
        var e = i + 2
        while e < c.count, isHexByte(c[e]) { e += 1 }
        if (e - i - 2 == 17 || e - i - 2 == 8), e == c.count || !isWordByte(c[e]) {
          out.append(String(decoding: c[i..<e], as: UTF8.self))
        }
        i = e
      }
    }
    return out
  }

  /// True when the file's name or its folder's holds `host` as a whole word (`console-web1.txt`, `web1/serial.log`).
  static func pathNames(_ path: String, host: String) -> Bool {
    guard !host.isEmpty else { return false }
    let h = Array(host.lowercased().utf8)
    for part in path.split(separator: "/").suffix(2) {
      let c = Array(part.lowercased().utf8)
      guard c.count >= h.count else { continue }
      for start in 0...(c.count - h.count) where Array(c[start..<start + h.count]) == h {
        let before = start == 0 || !isWordByte(c[start - 1])
        let after = start + h.count == c.count || !isWordByte(c[start + h.count]) || c[start + h.count] == 46
        if before && after { return true }
      }
    }
    return false
  }

  private static func isHexByte(_ b: UInt8) -> Bool { (b >= 48 && b <= 57) || (b >= 97 && b <= 102) }
  /// Letters and digits (a host name's `-` and `.` separate words here only at its ends).
  private static func isWordByte(_ b: UInt8) -> Bool { (b >= 48 && b <= 57) || (b >= 97 && b <= 122) || (b >= 65 && b <= 90) }

  // MARK: Capture time

  /// The capture time kdump put in the dump's folder or file name: `…-YYYY-MM-DD-HH:MM:SS` (RHEL, Fedora),
  /// `YYYY-MM-DD-HH:MM` (SUSE), `YYYYMMDDHHMM` (Debian, Ubuntu). Local time of the machine that crashed.
  static func captureStamp(path: String) -> CivilStamp? {
    let parts = path.split(separator: "/").map(String.init)
    var names: [String] = []
    if parts.count >= 2 { names.append(parts[parts.count - 2]) }
    if let file = parts.last, let dot = file.firstIndex(of: ".") { names.append(String(file[file.index(after: dot)...])) }
    for n in names {
      if let s = dashedStamp(n) ?? compactStamp(n) { return s }
    }
    return nil
  }

  /// `YYYY-MM-DD-HH:MM:SS` or `YYYY-MM-DD-HH:MM` at the end of `name`.
  static func dashedStamp(_ name: String) -> CivilStamp? {
    Array(name.utf8).withBytes { c in
      for (len, hasSeconds) in [(19, true), (16, false)] {
        let s = c.count - len
        guard s >= 0, s == 0 || c[s - 1] == 45, c[s + 4] == 45, c[s + 7] == 45, c[s + 10] == 45, c[s + 13] == 58,
          !hasSeconds || c[s + 16] == 58
        else { continue }
        let n = DatastoreLineParser.digits
        if let stamp = valid(CivilStamp(
          year: n(c, s, 4), month: n(c, s + 5, 2), day: n(c, s + 8, 2), hour: n(c, s + 11, 2),
          minute: n(c, s + 14, 2), second: hasSeconds ? n(c, s + 17, 2) : 0))
        {
          return stamp
        }
      }
      return nil
    }
  }

  /// `YYYYMMDDHHMM` as the whole of `name`.
  static func compactStamp(_ name: String) -> CivilStamp? {
    Array(name.utf8).withBytes { c in
      guard c.count == 12 else { return nil }
      let n = DatastoreLineParser.digits
      return valid(CivilStamp(
        year: n(c, 0, 4), month: n(c, 4, 2), day: n(c, 6, 2), hour: n(c, 8, 2), minute: n(c, 10, 2), second: 0))
    }
  }

  /// The stamp when every field is in range (`DatastoreLineParser.digits` gives −1 for a field that is not digits).
  private static func valid(_ s: CivilStamp) -> CivilStamp? {
    guard s.year >= 1990, s.year < 2200, (1...12).contains(s.month), (1...31).contains(s.day),
      (0..<24).contains(s.hour), (0..<60).contains(s.minute), (0..<61).contains(s.second)
    else { return nil }
    return s
  }
}

/// `aws ec2 get-console-output` as the CLI prints it by default: `{"InstanceId": "i-…", "Timestamp": "…", "Output":
/// "<the console's text, JSON-escaped>"}` — the serial console of an EC2 instance, where a panic the disk never saw is
/// printed (the API keeps the last 64 KiB). Read as the console log it carries, for the instance it names.
public enum ConsoleOutput {
  public struct Document: Sendable {
    var instance: String?
    var output: [UInt8]
    /// The file's line (1-based) that holds `"Output"`.
    var line: Int
  }

  /// Files larger than this are not such a document (the output is 64 KiB at most, escaped).
  static let maxBytes = 4 << 20

  /// True when the start of a file looks like such a document (decided by `read`).
  static func looksLike(_ head: Bytes) -> Bool {
    var i = 0
    while i < head.count, head[i] == 32 || head[i] == 10 || head[i] == 13 || head[i] == 9 { i += 1 }
    guard i < head.count, head[i] == UInt8(ascii: "{") else { return false }
    return head.contains("\"Output\"") && head.contains("\"InstanceId\"")
  }

  /// The document at `path`, nil when the file is not one (not JSON, no `Output` string, or too large). Its first
  /// 64 KiB decide whether the rest is read.
  static func read(path: String) -> Document? {
    guard case .success(let start) = LineReader.head(path: path), start.codec == .plain,
      start.data.withBytes({ looksLike($0) })
    else { return nil }
    let head: LineReader.Head
    if start.complete {
      head = start
    } else {
      guard case .success(let whole) = LineReader.head(path: path, limit: maxBytes) else { return nil }
      head = whole
    }
    guard head.complete,
      let object = try? JSONSerialization.jsonObject(with: Data(head.data)) as? [String: Any],
      let output = object["Output"] as? String
    else { return nil }
    var line = 1
    if let range = head.data.withBytes({ $0.find("\"Output\"") }) {
      line += head.data[..<range].reduce(0) { $0 + ($1 == 10 ? 1 : 0) }
    }
    return Document(instance: object["InstanceId"] as? String, output: Array(output.utf8), line: line)
  }
}

