#if canImport(Glibc)
  import Glibc
#endif

/// What `flatline tail` keeps between runs, in the state directory (docs/tail.md):
///
/// - `checkpoint`: source positions, the output file's identity and size after the last fsync'd write, the keys
///   of the events emitted so far, and the deaths seen (unclean stops with their last heartbeat).
/// - `heartbeat`: the time of the last heartbeat (rewritten every `--heartbeat` seconds).
/// - `clean-stop`: present only between a clean stop (SIGTERM/SIGINT) and the next start.
///
/// Every file is written to a temporary name, fsync'd, renamed over the old one, and the directory fsync'd:
/// a crash leaves the old or the new version, never a mix.
public struct TailCheckpoint: Sendable, Equatable {
  /// A followed file's position: the inode being read and the byte offset of the first unread line.
  public struct FilePosition: Sendable, Equatable {
    public var path: String
    public var device: UInt64
    public var inode: UInt64
    public var offset: Int64
  }

  /// A stop without the clean-stop flag: the host the daemon watched and its last heartbeat.
  public struct Death: Sendable, Equatable {
    public var host: String
    public var lastHeartbeat: Int64
  }

  public var files: [FilePosition] = []
  /// Journal cursor of the last entry read, per followed journal (path or `system`).
  public var journals: [String: String] = [:]
  /// The output file (path, inode) and its size after the last fsync'd event batch.
  public var outputPath: String?
  public var outputInode: UInt64 = 0
  public var outputOffset: Int64 = 0
  /// Keys of emitted events, oldest first (bounded by `TailCheckpoint.maxKeys`), with each event's time (µs, or
  /// `Int64.min` when unknown).
  public var keys: [String] = []
  public var keyTimes: [Int64] = []
  /// Events at or before this time (µs) were all emitted and their keys dropped to bound the checkpoint: such events
  /// are not written again when the history is rebuilt.
  public var horizon: Int64 = .min
  public var deaths: [Death] = []

  /// At most this many event keys are kept (about 100 bytes each); the oldest are dropped first, and the horizon
  /// moves up to the latest time among them.
  public static let maxKeys = 100_000

  /// Adds an emitted event's key.
  public mutating func add(key: String, time: Int64?) {
    keys.append(key)
    keyTimes.append(time ?? .min)
  }

  /// Drops the oldest keys beyond `limit`, moving the horizon.
  public mutating func prune(limit: Int = TailCheckpoint.maxKeys) {
    guard keys.count > limit else { return }
    let n = keys.count - limit
    for t in keyTimes.prefix(n) where t != .min { horizon = max(horizon, t) }
    keys.removeFirst(n)
    keyTimes.removeFirst(n)
  }

  public init() {}

  /// Line format, one fact per line (paths and keys last, so they may hold spaces).
  func serialized() -> String {
    var out = "flatline-tail-checkpoint 1\n"
    if let p = outputPath { out += "output \(outputInode) \(outputOffset) \(p)\n" }
    for f in files { out += "file \(f.device) \(f.inode) \(f.offset) \(f.path)\n" }
    for (path, cursor) in journals.sorted(by: { $0.key < $1.key }) { out += "journal \(cursor) \(path)\n" }
    for d in deaths { out += "death \(d.lastHeartbeat) \(d.host)\n" }
    if horizon != .min { out += "horizon \(horizon)\n" }
    for (k, t) in zip(keys, keyTimes) { out += "key \(t == .min ? "-" : String(t)) \(k)\n" }
    return out
  }

  init?(parsing text: String) {
    var lines = text.split(separator: "\n", omittingEmptySubsequences: true)[...]
    guard lines.first == "flatline-tail-checkpoint 1" else { return nil }
    lines = lines.dropFirst()
    for line in lines {
      let parts = line.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: false)
      guard parts.count == 2 else { continue }
      let rest = parts[1]
      func fields(_ n: Int) -> [Substring] {
        rest.split(separator: " ", maxSplits: n - 1, omittingEmptySubsequences: false)
      }
      switch parts[0] {
      case "output":
        let f = fields(3)
        guard f.count == 3, let ino = UInt64(f[0]), let off = Int64(f[1]) else { continue }
        outputInode = ino
        outputOffset = off
        outputPath = String(f[2])
      case "file":
        let f = fields(4)
        guard f.count == 4, let dev = UInt64(f[0]), let ino = UInt64(f[1]), let off = Int64(f[2]) else { continue }
        files.append(FilePosition(path: String(f[3]), device: dev, inode: ino, offset: off))
      case "journal":
        let f = fields(2)
        guard f.count == 2 else { continue }
        journals[String(f[1])] = String(f[0])
      case "death":
        let f = fields(2)
        guard f.count == 2, let t = Int64(f[0]) else { continue }
        deaths.append(Death(host: String(f[1]), lastHeartbeat: t))
      case "horizon":
        if let t = Int64(rest) { horizon = t }
      case "key":
        let f = fields(2)
        guard f.count == 2 else { continue }
        keys.append(String(f[1]))
        keyTimes.append(Int64(f[0]) ?? .min)
      default:
        continue
      }
    }
  }
}

/// Reads and writes the state directory's files atomically.
public struct CheckpointStore: Sendable {
  public let directory: String

  public init(directory: String) {
    self.directory = directory
  }

  var checkpointPath: String { directory + "/checkpoint" }
  var heartbeatPath: String { directory + "/heartbeat" }
  var cleanStopPath: String { directory + "/clean-stop" }

  /// Creates the directory (and parents) when missing. Returns an error text on failure.
  public func prepare() -> String? {
    var path = directory.hasPrefix("/") ? "" : "."
    for part in directory.split(separator: "/") {
      path += "/" + part
      if mkdir(path, 0o750) != 0 && errno != EEXIST { return "cannot create \(path): \(LineReader.errnoText(errno))" }
    }
    guard access(directory, W_OK) == 0 else { return "\(directory) is not writable: \(LineReader.errnoText(errno))" }
    return nil
  }

  public func loadCheckpoint() -> TailCheckpoint? {
    guard let text = Self.read(checkpointPath) else { return nil }
    return TailCheckpoint(parsing: text)
  }

  @discardableResult
  public func save(_ c: TailCheckpoint) -> Bool { Self.writeAtomically(checkpointPath, c.serialized()) }

  /// The last heartbeat (µs since the epoch), if any.
  public func lastHeartbeat() -> (time: Int64, host: String)? {
    guard let text = Self.read(heartbeatPath) else { return nil }
    let line = text.split(separator: "\n").first ?? ""
    let parts = line.split(separator: " ", maxSplits: 1)
    guard let t = parts.first.flatMap({ Int64($0) }) else { return nil }
    return (t, parts.count > 1 ? String(parts[1]) : "")
  }

  @discardableResult
  public func writeHeartbeat(_ time: Int64, host: String) -> Bool {
    Self.writeAtomically(heartbeatPath, "\(time) \(host)\n")
  }

  public var hasCleanStopFlag: Bool { access(cleanStopPath, F_OK) == 0 }

  public func setCleanStopFlag() { Self.writeAtomically(cleanStopPath, "clean stop\n") }

  public func clearCleanStopFlag() {
    unlink(cleanStopPath)
    Self.syncDirectory(directory)
  }

  // MARK: - File helpers

  static func read(_ path: String) -> String? {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var out: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65536)
    while true {
      let n = chunk.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
      if n < 0 && errno == EINTR { continue }
      if n <= 0 { break }
      out.append(contentsOf: chunk[0..<n])
    }
    return String(decoding: out, as: UTF8.self)
  }

  /// write temp + fsync + rename + fsync(dir).
  @discardableResult
  static func writeAtomically(_ path: String, _ text: String) -> Bool {
    let tmp = path + ".tmp"
    let fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o640)
    guard fd >= 0 else { return false }
    var ok = writeAll(fd, Array(text.utf8))
    if fsync(fd) != 0 { ok = false }
    close(fd)
    guard ok, rename(tmp, path) == 0 else {
      unlink(tmp)
      return false
    }
    let dir = path.lastIndex(of: "/").map { String(path[..<$0]) } ?? "."
    syncDirectory(dir.isEmpty ? "/" : dir)
    return true
  }

  static func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
    var done = 0
    while done < bytes.count {
      let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + done, bytes.count - done) }
      if n < 0 && errno == EINTR { continue }
      if n <= 0 { return false }
      done += n
    }
    return true
  }

  static func syncDirectory(_ dir: String) {
    let fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    guard fd >= 0 else { return }
    fsync(fd)
    close(fd)
  }
}
