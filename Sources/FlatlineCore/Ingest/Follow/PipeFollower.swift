#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Follows standard input (`flatline tail -`) or a pipe named as a path (`flatline tail <(ssh web1 tail -F
/// /var/log/syslog)`): syslog text as it arrives, one stream named by the path (`journalctl -f | flatline tail -`).
/// Only complete lines are read; at the end of standard input the last line is read too, and the follower stops (a
/// named pipe does not end: see `init`).
///
/// A journal dump (`journalctl -f -o json` or `-o export`, which keep boot IDs) is read too, a whole entry at a time;
/// compressed data is said once and not read. A pipe cannot be read again: a SIGHUP rebuild goes on from where the
/// stream is (`carry`), without what it gave before; what is read next is sniffed again.
final class PipeFollower {
  let registry: InputRegistry
  let options: IngestOptions
  /// `-` for standard input, else the pipe's path.
  let path: String
  /// The stream (standard input's is not closed here); -1 when it could not be opened.
  let fd: Int32
  let input: Int32
  /// Bytes of a line still being written, and the lines read so far.
  private var partial: [UInt8] = []
  private var lineNo = 0
  /// The stream has ended (or failed, or is not read): nothing more comes from it.
  private(set) var ended = false
  /// Why the stream is not read, once decided.
  private(set) var refused: String?
  static let chunk = 1 << 20
  private let buffer = UnsafeMutableRawPointer.allocate(byteCount: PipeFollower.chunk, alignment: 16)

  /// Opens `path` (`-`: takes standard input). `carry`: the follower of the state rebuilt before, whose stream this
  /// one takes over (its descriptor, its unread partial line, whether it ended).
  init(path: String, registry: InputRegistry, options: IngestOptions, carry old: PipeFollower? = nil) {
    self.path = path
    self.registry = registry
    self.options = options
    input = registry.register(path: path, kind: .syslog, stream: registry.newStream())
    if let old {
      fd = old.fd
      old.keepsFD = true
    } else {
      // A named pipe is opened for writing too: read alone, it would end at once when no writer has opened it yet,
      // and at every writer's close (a daemon's pipe has writers that come and go).
      fd = path == "-" ? 0 : open(path, O_RDWR | O_NONBLOCK | O_CLOEXEC)
    }
    if fd < 0 {
      refused = "cannot open: \(LineReader.errnoText(errno))"
      ended = true
      registry.warn(input, refused!)
    } else if old == nil {
      let flags = fcntl(fd, F_GETFL)
      if flags >= 0 { _ = fcntl(fd, F_SETFL, flags | O_NONBLOCK) }
    }
    if let old { carry(from: old) }
  }

  /// Set when a rebuilt state's follower took the descriptor over.
  private var keepsFD = false

  deinit {
    buffer.deallocate()
    if fd > 0 && !keepsFD { close(fd) }
  }

  private func carry(from old: PipeFollower) {
    partial = old.partial
    ended = old.ended
    refused = old.refused
    if let r = refused { registry.warn(input, r) }
  }

  /// Reads what the stream has now. Returns a problem to report (once).
  func poll(into box: SinkBox) -> String? {
    guard !ended else { return nil }
    while true {
      let n = read(fd, buffer, Self.chunk)
      if n < 0 {
        if errno == EINTR { continue }
        if errno == EAGAIN || errno == EWOULDBLOCK { return nil }
        let e = "read error: \(LineReader.errnoText(errno))"
        finish(into: box)
        return e
      }
      if n == 0 {
        finish(into: box)
        return nil
      }
      partial.append(contentsOf: UnsafeRawBufferPointer(start: buffer, count: n))
      if let problem = decide() { return problem }
      let end: Int
      switch mode {
      case .journal(let json): end = partial.withUnsafeBytes { JournalDumpChunks.wholeEntriesEnd($0, json: json) }
      default: end = partial.lastIndex(of: 10).map { $0 + 1 } ?? 0
      }
      feed(count: end, into: box)
    }
  }

  /// The end of the stream: its last line, if it has no newline, is read as it is.
  private func finish(into box: SinkBox) {
    ended = true
    if refused == nil, !partial.isEmpty, decide() == nil { feed(count: partial.count, into: box) }
  }

  /// How the stream is read, once its first line has come.
  private enum Mode {
    case undecided
    case syslog(StreamState)
    /// A journal dump (`journalctl -o json`, `json-pretty`, `json-seq`, `json-sse`, or `-o export`), read a whole
    /// entry at a time.
    case journal(json: Bool)
  }
  private var mode = Mode.undecided

  /// Once the first line is complete (or 64 KiB came): syslog text (the year of its dateless lines as for a file
  /// written now), a journal dump, or refused (compressed data). A problem text when refused.
  private func decide() -> String? {
    if let r = refused { return ended ? nil : r }
    guard case .undecided = mode else { return nil }
    guard partial.contains(10) || partial.count >= PipeSource.headLimit || ended else { return nil }
    let head = LineReader.head(bytes: partial, ended: ended)
    if head.codec != .plain {
      let r = "compressed data: not followed (decompress it first)"
      refused = r
      registry.warn(input, r)
      ended = true
      return r
    }
    if case .journal(let json) = PipeSource.kind(head) {
      mode = .journal(json: json)
      registry[input].kind = json ? .journalJSON : .journalExport
      return nil
    }
    let zone = LocalTimeConverter(identifier: options.timeZone) ?? LocalTimeConverter(zone: .gmt)
    let baseYear = PipeSource.baseYear(head: head, path: path, zone: zone, options: options).year
    mode = .syslog(StreamState(tracker: YearTracker(baseYear: baseYear), zone: zone))
    return nil
  }

  /// Reads the first `count` bytes of `partial` (complete lines) into the sink and drops them.
  private func feed(count: Int, into box: SinkBox) {
    guard count > 0 else { return }
    if case .undecided = mode { return }
    var s = LineShiftSink(inner: box, shift: lineNo)
    partial.withUnsafeBytes { raw in
      let bytes = UnsafeRawBufferPointer(rebasing: raw[0..<count])
      switch mode {
      case .syslog(let state):
        let reader = LineReader(
          bytes: bytes, path: path, input: input, registry: registry, maxLineLength: options.maxLineLength)
        state.readFile(reader, input: input, registry: registry, into: &s).commit(input, registry: registry)
        lineNo += bytes.reduce(0) { $0 + ($1 == 10 ? 1 : 0) } + (bytes.last == 10 ? 0 : 1)
      case .journal(let json):
        lineNo += JournalDumpChunks.read(
          bytes, json: json, input: input, registry: registry, options: options, into: &s)
      case .undecided:
        return
      }
    }
    partial.removeFirst(count)
  }
}
