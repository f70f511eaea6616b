#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Reads a file or stdin in chunks and hands out lines and raw byte runs, with bounded memory.
///
/// Views returned by `readLine` point into the internal buffer and are valid until the next call. Counts lines
/// (every `\n` consumed, also inside binary runs) so that callers can report where an entry starts.
final class JournalByteReader {
  private let fd: Int32
  private let ownsFD: Bool
  private var buffer: UnsafeMutablePointer<UInt8>
  private var capacity: Int
  private var start = 0
  private var end = 0
  private(set) var atEOF = false
  /// errno of a failed read, if any (reading stops there).
  private(set) var readError: Int32?
  /// 1-based number of the line the next `readLine` returns.
  private(set) var lineNumber = 1
  /// Lines are cut at this length; the rest up to the newline is skipped.
  let maxLineLength: Int
  /// Lines cut so far.
  private(set) var cutLines = 0

  static let chunk = 1 << 16

  /// Opens `path` ("-" = stdin). Returns an errno on failure.
  static func open(path: String, maxLineLength: Int) -> Result<JournalByteReader, JournalOpenError> {
    if path == "-" { return .success(JournalByteReader(fd: 0, owns: false, maxLineLength: maxLineLength)) }
    let fd = posixOpen(path)
    guard fd >= 0 else { return .failure(JournalOpenError(code: errno)) }
    var st = stat()
    if fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR {
      close(fd)
      return .failure(JournalOpenError(code: EISDIR))
    }
    return .success(JournalByteReader(fd: fd, owns: true, maxLineLength: maxLineLength))
  }

  private init(fd: Int32, owns: Bool, maxLineLength: Int, head: [UInt8] = []) {
    self.fd = fd
    ownsFD = owns
    self.maxLineLength = Swift.max(maxLineLength, 64)
    capacity = Swift.max(Self.chunk, head.count)
    buffer = .allocate(capacity: capacity)
    head.withUnsafeBufferPointer { if let b = $0.baseAddress { buffer.update(from: b, count: head.count) } }
    end = head.count
  }

  /// A stream open already (standard input, a pipe), of which `head` was read (`PipeSource`); not closed here.
  /// `fd` -1: `head` is all there is (`PipeFollower`'s complete lines).
  static func stream(fd: Int32, head: [UInt8], maxLineLength: Int) -> JournalByteReader {
    JournalByteReader(fd: fd, owns: false, maxLineLength: maxLineLength, head: head)
  }

  deinit {
    buffer.deallocate()
    if ownsFD { close(fd) }
  }

  private var available: Int { end - start }

  /// Reads more bytes (compacting, and growing up to what one line needs). Returns false at EOF or error.
  @discardableResult
  private func fill() -> Bool {
    guard !atEOF else { return false }
    if fd < 0 {
      // Only the bytes given (`stream(fd: -1, head:)`).
      atEOF = true
      return false
    }
    if start > 0 {
      if available > 0 { buffer.update(from: buffer + start, count: available) }
      end = available
      start = 0
    }
    if end == capacity {
      let newCapacity = capacity * 2
      let p = UnsafeMutablePointer<UInt8>.allocate(capacity: newCapacity)
      p.update(from: buffer, count: end)
      buffer.deallocate()
      buffer = p
      capacity = newCapacity
    }
    while true {
      let n = posixRead(fd, buffer + end, capacity - end)
      if n < 0 {
        if errno == EINTR { continue }
        readError = errno
        atEOF = true
        return false
      }
      if n == 0 {
        atEOF = true
        return false
      }
      end += n
      return true
    }
  }

  /// The first byte not yet consumed (reading more if needed), or nil at the end.
  func peekByte() -> UInt8? {
    if available == 0 { fill() }
    return available > 0 ? buffer[start] : nil
  }

  /// The next line without its `\n` (and `complete` false when the input ended without one), or nil at the end.
  /// Lines longer than `maxLineLength` are cut (`cut` true) and the rest of the line is skipped.
  func readLine() -> (line: Bytes, complete: Bool, cut: Bool)? {
    var scanned = 0
    while true {
      let limit = Swift.min(available, maxLineLength + 1)
      if scanned < limit, let nl = memchr(buffer + start + scanned, 10, limit - scanned) {
        let length = UnsafeMutableRawPointer(nl) - UnsafeMutableRawPointer(buffer + start)
        let line = Bytes(base: UnsafePointer(buffer + start), count: length)
        start += length + 1
        lineNumber += 1
        return (line, true, false)
      }
      scanned = limit
      if available > maxLineLength {
        // Cut: hand out the first maxLineLength bytes, skip to the newline.
        return cutLine()
      }
      if !fill() {
        guard available > 0 else { return nil }
        let line = Bytes(base: UnsafePointer(buffer + start), count: available)
        start = end
        return (line, false, false)
      }
    }
  }

  /// Returns the first `maxLineLength` bytes of an overlong line and discards the rest of it.
  private func cutLine() -> (line: Bytes, complete: Bool, cut: Bool) {
    cutLines += 1
    // Keep the head at the front of the buffer, then discard everything after it up to the newline.
    let keep = maxLineLength
    if start > 0 {
      buffer.update(from: buffer + start, count: available)
      end = available
      start = 0
    }
    var complete = false
    var scan = keep
    while true {
      if scan < end, let nl = memchr(buffer + scan, 10, end - scan) {
        let after = UnsafeMutableRawPointer(nl) - UnsafeMutableRawPointer(buffer) + 1
        // Move what follows the newline right after the kept head.
        let rest = end - after
        if rest > 0 { (buffer + keep).update(from: buffer + after, count: rest) }
        end = keep + rest
        complete = true
        break
      }
      end = keep
      scan = keep
      if !fill() { break }
    }
    let line = Bytes(base: UnsafePointer(buffer), count: keep)
    start = keep
    if complete { lineNumber += 1 }
    return (line, complete, true)
  }

  /// Reads exactly `count` bytes into `sink` (called with each piece; may be called several times). Returns the
  /// number of bytes read (less than `count` when the input ends). Counts newlines in the data.
  func read(_ count: UInt64, into sink: (UnsafeRawPointer, Int) -> Void) -> UInt64 {
    var remaining = count
    while remaining > 0 {
      if available == 0, !fill() { break }
      let n = Int(Swift.min(UInt64(available), remaining))
      let p = UnsafeRawPointer(buffer + start)
      lineNumber += countNewlines(p, n)
      sink(p, n)
      start += n
      remaining -= UInt64(n)
    }
    return count - remaining
  }

  private func countNewlines(_ p: UnsafeRawPointer, _ n: Int) -> Int {
    var c = 0
    var at = p
    var left = n
    while left > 0, let nl = memchr(at, 10, left) {
      c += 1
      let used = UnsafeRawPointer(nl) - at + 1
      at += used
      left -= used
    }
    return c
  }
}

/// POSIX `open` read-only (a free function: inside the types, `open`/`read` name their own methods).
func posixOpen(_ path: String) -> Int32 { open(path, O_RDONLY | O_CLOEXEC) }

/// POSIX `read`.
func posixRead(_ fd: Int32, _ buffer: UnsafeMutableRawPointer, _ count: Int) -> Int { read(fd, buffer, count) }
