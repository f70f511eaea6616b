#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Standard input (`-`) or a pipe named on the command line (`<(zcat syslog.2.gz)`), read once as a stream, as its
/// first bytes show, as a file's are: syslog text — plain, gzip, xz or bzip2 (`ssh web1 cat /var/log/syslog |
/// flatline analyze -`, `journalctl -o short-iso | …`) — as one stream named by `path`; otherwise a journal export
/// or JSON stream (`JournalStreamSource`).
///
/// The first 64 KiB are read to decide (less when the stream ends sooner); the reader then takes them before the
/// rest of the stream. Memory stays bounded as for a file.
struct PipeSource {
  /// `-` for standard input, else the pipe's path.
  let path: String
  let registry: InputRegistry
  let options: IngestOptions
  /// Bytes read before deciding.
  static let headLimit = 64 << 10

  func run<S: RecordSink>(into sink: inout S) {
    let fd = path == "-" ? 0 : open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else {
      registry.skip(path: path, reason: "cannot open: \(LineReader.errnoText(errno))")
      return
    }
    defer { if fd != 0 { close(fd) } }
    let first = Self.readHead(fd: fd, limit: Self.headLimit)
    let head = LineReader.head(bytes: first.bytes, ended: first.ended)
    let what = path == "-" ? "standard input" : "the pipe"
    switch Self.kind(head) {
    case .syslog:
      readSyslog(fd, first.bytes, head: head, more: !first.ended, readError: first.error, into: &sink)
    case .journal where head.codec == .plain, .empty:
      JournalStreamSource(path: path, registry: registry, options: options, streamHead: (fd, first.bytes))
        .run(into: &sink)
    case .journal:
      registry.skip(
        path: path, reason: "a compressed journal export or JSON stream in \(what): decompress it first (zcat …)")
    case .unknown:
      registry.skip(path: path, reason: "\(what) holds neither syslog text nor a journal export or JSON stream")
    }
  }

  /// Up to `limit` bytes of `fd`: fewer when it ends (`ended`) or fails (`error`, an errno).
  static func readHead(fd: Int32, limit: Int) -> (bytes: [UInt8], ended: Bool, error: Int32?) {
    var bytes = [UInt8](repeating: 0, count: limit)
    var n = 0
    var ended = false
    var error: Int32?
    bytes.withUnsafeMutableBytes { b in
      while n < limit {
        let r = read(fd, b.baseAddress! + n, limit - n)
        if r < 0 && errno == EINTR { continue }
        if r < 0 { error = errno }
        if r <= 0 {
          ended = true
          break
        }
        n += r
      }
    }
    bytes.removeSubrange(n...)
    return (bytes, ended, error)
  }

  enum Kind: Equatable {
    case syslog
    /// `json`: JSON (`{`, RS, `data:`), else the export format.
    case journal(json: Bool)
    case empty, unknown
  }

  /// What the decoded head is: a journal export (its first line a field, `NAME=value`, or a binary field's name
  /// alone) or JSON stream (`{`, RS of `json-seq`, `data:` of `json-sse`); syslog text (most of its first lines
  /// have a syslog header, `Discovery`'s test); nothing but blank lines; or none of these.
  static func kind(_ head: LineReader.Head) -> Kind {
    let lines = Discovery.headLines(head.data, complete: head.complete)
    let blank: Set<UInt8> = [32, 9, 13]
    guard let first = lines.first(where: { l in head.data[l.0..<l.1].contains { !blank.contains($0) } }) else {
      return head.data.contains { !blank.contains($0) && $0 != 10 } ? .unknown : .empty
    }
    let line = head.data[first.0..<first.1].drop { blank.contains($0) }
    if line.first == UInt8(ascii: "{") || line.first == 0x1E || line.starts(with: Array("data:".utf8)) {
      return .journal(json: true)
    }
    let name = line.prefix { $0 != UInt8(ascii: "=") }
    if !name.isEmpty && name.allSatisfy({ $0 == 95 || (65...90).contains($0) || (48...57).contains($0) }) {
      return .journal(json: false)
    }
    return Discovery.looksLikeSyslog(lines, head.data) ? .syslog : .unknown
  }

  /// The year of a stream's first dateless line: `--year`, else inferred as for a file written now; with a warning
  /// to record when the inference has one.
  static func baseYear(
    head: LineReader.Head, path: String, zone: LocalTimeConverter, options: IngestOptions
  ) -> (year: Int, warning: String?) {
    if let y = options.year { return (y, nil) }
    let start = YearInference.fileStart(head: head, mtime: Int64(time(nil)))
    return YearInference.baseYear(starts: [start], names: [path], converter: zone)
  }

  /// Reads the stream as one syslog set of one file named `path`. Without `--year`, the year of its dateless lines
  /// is inferred as for a file written now.
  private func readSyslog<S: RecordSink>(
    _ fd: Int32, _ bytes: [UInt8], head: LineReader.Head, more: Bool, readError: Int32?, into sink: inout S
  ) {
    let input = registry.register(path: path, kind: .syslog, stream: registry.newStream())
    let zone = LocalTimeConverter.forSource(options, registry: registry, input: input)
    let (baseYear, warning) = Self.baseYear(head: head, path: path, zone: zone, options: options)
    if let warning { registry.warn(input, warning) }
    let state = StreamState(tracker: YearTracker(baseYear: baseYear), zone: zone)
    let reader = LineReader(
      stream: more ? fd : -1, head: bytes, path: path, input: input, registry: registry,
      maxLineLength: options.maxLineLength)
    state.readFile(reader, input: input, registry: registry, into: &sink).commit(input, registry: registry)
    if let readError {
      registry.warn(input, "read error: \(LineReader.errnoText(readError)); lines before it are kept")
    }
  }
}
