/// Which host a file without host names belongs to (wtmp, datastore logs): the host most seen in the folder it
/// sits in, as the inputs already read there show.
public enum FolderHosts {
  /// The host name with the most records among the inputs registered so far (excluding `.wtmp` and skipped
  /// inputs), looking first at inputs in the same directory as `path`, then anywhere below that directory, then
  /// below each parent directory in turn. Ties go to the name that sorts first. Nil when no input has a host.
  public static func host(for path: String, registry: InputRegistry) -> String? {
    var dir = directory(of: path)
    let candidates = registry.inputs.filter { $0.kind != .wtmp && $0.kind != .skipped && !($0.host ?? "").isEmpty }
    guard !candidates.isEmpty else { return nil }
    if let h = mostSeen(candidates.filter { directory(of: $0.path) == dir }) { return h }
    while true {
      let prefix = dir == "/" ? "/" : dir == "." ? "" : dir + "/"
      if let h = mostSeen(candidates.filter { $0.path.hasPrefix(prefix) }) { return h }
      guard let parent = parentDirectory(dir) else { return nil }
      dir = parent
    }
  }

  static func mostSeen(_ inputs: [InputInfo]) -> String? {
    var weight: [String: Int] = [:]
    for i in inputs {
      guard let h = i.host, !h.isEmpty else { continue }
      weight[h, default: 0] += max(1, i.records)
    }
    return weight.max { a, b in a.value != b.value ? a.value < b.value : a.key > b.key }?.key
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
