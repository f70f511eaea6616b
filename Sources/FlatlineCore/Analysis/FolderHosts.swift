/// Which host a file without host names belongs to (wtmp, datastore logs): the host most seen in the folder it
/// sits in, as the inputs already read there show.
public enum FolderHosts {
  /// The host of the folder `path` sits in, from the inputs registered so far that name a host (not `.wtmp` or `.audit`, not
  /// skipped), by record count:
  /// 1. inputs in the same directory;
  /// 2. else inputs anywhere below it; for a folder under `…/var/lib/` (wtmpdb, Docker), else inputs below
  ///    `…/var/log/`;
  /// 3. else inputs directly in each parent directory in turn (never a sibling folder: a folder of case folders,
  ///    one per machine, must not lend one machine's name to another's wtmp).
  /// Ties go to the name that sorts first. Nil when nothing tells.
  public static func host(for path: String, registry: InputRegistry) -> String? {
    var dir = directory(of: path)
    let candidates = registry.inputs.filter {
      $0.kind != .wtmp && $0.kind != .audit && $0.kind != .skipped && !($0.host ?? "").isEmpty
    }
    guard !candidates.isEmpty else { return nil }
    if let h = mostSeen(candidates.filter { home(of: $0) == dir }) { return h }
    let prefix = dir == "/" ? "/" : dir == "." ? "" : dir + "/"
    if let h = mostSeen(candidates.filter { $0.path.hasPrefix(prefix) }) { return h }
    // Under /var/lib (wtmpdb's database, Docker's container logs, pstore) or /var/crash (kdump's dumps) the same
    // machine's logs are in /var/log.
    if let logs = varLog(beside: dir), let h = mostSeen(candidates.filter { $0.path.hasPrefix(logs) }) { return h }
    while let parent = parentDirectory(dir) {
      dir = parent
      if let h = mostSeen(candidates.filter { home(of: $0) == dir }) { return h }
    }
    return nil
  }

  /// `…/var/log/` of the tree whose `…/var/lib/` or `…/var/crash/` holds `dir`.
  static func varLog(beside dir: String) -> String? {
    let parts = dir.split(separator: "/", omittingEmptySubsequences: false)
    guard let k = parts.indices.last(where: {
      $0 + 1 < parts.count && parts[$0] == "var" && (parts[$0 + 1] == "lib" || parts[$0 + 1] == "crash")
    })
    else { return nil }
    return (parts[..<k] + ["var", "log"]).joined(separator: "/") + "/"
  }

  /// The name a host-less input gets when its folder tells nothing: `unknown (<folder>)`, so that unrelated
  /// folders are not merged into one machine.
  public static func unknownHost(for path: String) -> String { "unknown (\(directory(of: path)))" }

  /// The host of records that name none (wtmp, wtmpdb, the audit log without `node=`): `explicit` (`--host`), else
  /// the host of the file's folder, else `unknown (<folder>)`. Asked once the other logs have shown their hosts.
  static func recordsHost(for path: String, explicit: String?, registry: InputRegistry) -> String {
    explicit ?? host(for: path, registry: registry) ?? unknownHost(for: path)
  }

  static func mostSeen(_ inputs: [InputInfo]) -> String? {
    var weight: [String: Int] = [:]
    for i in inputs {
      guard let h = i.host, !h.isEmpty else { continue }
      weight[h, default: 0] += max(1, i.records)
    }
    return weight.max { a, b in a.value != b.value ? a.value < b.value : a.key > b.key }?.key
  }

  /// The folder an input lives in: a journal read as a directory is that directory; a file, its directory.
  static func home(of input: InputInfo) -> String {
    if input.kind == .journal, !input.path.hasSuffix(".journal"), !input.path.hasSuffix(".journal~") {
      return input.path.hasSuffix("/") && input.path.count > 1 ? String(input.path.dropLast()) : input.path
    }
    return directory(of: input.path)
  }

  /// The directory part of a path (`.` for a bare name).
  static func directory(of path: String) -> String {
    guard let slash = path.lastIndex(of: "/") else { return "." }
    if slash == path.startIndex { return "/" }
    return String(path[..<slash])
  }

  /// The parent of a directory, or nil at the top (`/`, `.`, or a relative path's first component).
  static func parentDirectory(_ dir: String) -> String? {
    if dir == "/" || dir == "." { return nil }
    guard let slash = dir.lastIndex(of: "/") else { return "." }
    if slash == dir.startIndex { return "/" }
    return String(dir[..<slash])
  }
}
