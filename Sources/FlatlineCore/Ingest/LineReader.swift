#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
internal import CZlib

/// Reads a plain or gzip-compressed text file (sniffed by the magic `1f 8b`, not by name) in large chunks and
/// yields its lines as byte views into one reused buffer.
///
/// - CR of CRLF is stripped.
/// - Lines longer than `maxLineLength` are cut; the rest is skipped, counted, and warned about once per file.
/// - NUL runs (lost writes after a power loss) are removed: text before a run on the same line is its own
///   segment, and the segment after the run(s) carries the number of NUL bytes seen since the previous segment.
/// - Multi-member gzip is read as one stream; a truncated or corrupt gzip gives a warning and keeps what was read.
///
/// Memory is bounded: one buffer of `max(4 MiB, maxLineLength + 64 KiB)` plus 256 KiB of compressed input.
final class LineReader {
  /// Segment handler: (bytes, 1-based line number, NUL bytes since the previous segment).
  typealias Handler = (Bytes, Int, Int) -> Void

  let path: String
  let isGzip: Bool
  /// Gzip header MTIME of the first member (0 when absent or not gzip).
  let gzipMTime: UInt32
  private let input: Int32?
  private let registry: InputRegistry?
  private let maxLine: Int
  private let fd: Int32
  private let cap: Int
  private let buf: UnsafeMutablePointer<UInt8>
  private var start = 0
  private var end = 0
  private var eof = false

  // gzip state
  private var strm = z_stream()
  private var inBuf: UnsafeMutablePointer<UInt8>?
  private let inCap = 256 << 10
  private var inEOF = false
  private var atMemberBoundary = false
  private var inflateReady = false
  private var compressedOffset = 0

  // Byte range of a plain file (`SplitIngest` chunks): next read offset and end (nil: read to EOF with `read`).
  private var readOffset = 0
  private var readEnd: Int?
  /// Lines handed out so far (the last line number `forEachLine` gave).
  private(set) var lineCount = 0

  /// Opens `path`. On failure returns nil; when `registry`/`input` are given a warning is recorded.
  init?(
    path: String, input: Int32? = nil, registry: InputRegistry? = nil, maxLineLength: Int = 1 << 20,
    chunkSize: Int = 4 << 20, range: Range<Int>? = nil
  ) {
    self.path = path
    if let range {
      readOffset = range.lowerBound
      readEnd = range.upperBound
    }
    self.input = input
    self.registry = registry
    self.maxLine = max(1, maxLineLength)
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    if fd < 0 {
      let reason = LineReader.errnoText(errno)
      if let registry, let input { registry.warn(input, "cannot open: \(reason)") }
      return nil
    }
    var st = stat()
    if fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFDIR {
      if let registry, let input { registry.warn(input, "cannot read: is a directory") }
      close(fd)
      return nil
    }
    self.fd = fd
    cap = max(chunkSize, maxLine + (64 << 10))
    buf = .allocate(capacity: cap)
    // Sniff gzip by magic.
    var head = [UInt8](repeating: 0, count: 10)
    let n = head.withUnsafeMutableBytes { pread(fd, $0.baseAddress, 10, 0) }
    if n >= 2, head[0] == 0x1f, head[1] == 0x8b {
      isGzip = true
      gzipMTime = n >= 8 ? UInt32(head[4]) | UInt32(head[5]) << 8 | UInt32(head[6]) << 16 | UInt32(head[7]) << 24 : 0
      inBuf = .allocate(capacity: inCap)
      if flatline_inflateInit2(&strm, 15 + 32) == Z_OK {
        inflateReady = true
      } else {
        warn("cannot initialise zlib")
        eof = true
      }
    } else {
      isGzip = false
      gzipMTime = 0
    }
    if readEnd != nil && isGzip {
      warn("cannot read part of a gzip file")
      eof = true
    }
  }

  /// Reads the lines of a copy of `bytes` (tail mode: the complete lines a followed file has gained).
  init(bytes: UnsafeRawBufferPointer, path: String, input: Int32?, registry: InputRegistry?, maxLineLength: Int) {
    self.path = path
    self.input = input
    self.registry = registry
    self.maxLine = max(1, maxLineLength)
    fd = -1
    isGzip = false
    gzipMTime = 0
    cap = max(bytes.count, 1)
    buf = .allocate(capacity: cap)
    if let base = bytes.baseAddress, bytes.count > 0 { memcpy(buf, base, bytes.count) }
    end = bytes.count
    eof = true
  }

  deinit {
    if inflateReady { inflateEnd(&strm) }
    inBuf?.deallocate()
    buf.deallocate()
    if fd >= 0 { close(fd) }
  }

  static func errnoText(_ code: Int32) -> String {
    guard let s = strerror(code) else { return "error \(code)" }
    return String(cString: s).lowercased()
  }

  private func warn(_ message: String) {
    if let registry, let input { registry.warn(input, message) }
  }

  // MARK: - Filling the buffer

  /// Appends bytes at `end`. Returns false when no byte could be added (end of data or error).
  private func fill() -> Bool {
    if eof || end >= cap { return false }
    return isGzip ? fillGzip() : fillPlain()
  }

  /// Bytes added per fill. Small enough that what `read` (or inflate) just wrote is still in the core's L2 cache
  /// when the lines are scanned; a 4 MiB read evicts its own beginning before the scan reaches it (the newline
  /// search then stalled on memory: 11 % of a syslog run). The buffer itself stays large for long lines.
  static let fillSize = 128 << 10

  private func fillPlain() -> Bool {
    while true {
      let n: Int
      if let readEnd {
        let want = min(cap - end, Self.fillSize, readEnd - readOffset)
        if want <= 0 {
          eof = true
          return false
        }
        n = pread(fd, buf + end, want, off_t(readOffset))
        if n > 0 { readOffset += n }
      } else {
        n = read(fd, buf + end, Swift.min(cap - end, Self.fillSize))
      }
      if n > 0 {
        end += n
        return true
      }
      if n < 0 && errno == EINTR { continue }
      if n < 0 { warn("read error: \(LineReader.errnoText(errno)); lines before it are kept") }
      eof = true
      return false
    }
  }

  private func fillGzip() -> Bool {
    guard let inBuf else { return false }
    while true {
      if strm.avail_in == 0 && !inEOF {
        var n = 0
        repeat { n = read(fd, inBuf, inCap) } while n < 0 && errno == EINTR
        if n < 0 {
          warn("read error: \(LineReader.errnoText(errno)); lines before it are kept")
          eof = true
          return false
        }
        if n == 0 {
          inEOF = true
        } else {
          strm.next_in = inBuf
          strm.avail_in = UInt32(n)
        }
      }
      if strm.avail_in == 0 && inEOF {
        if !atMemberBoundary {
          warn("gzip data truncated (unexpected end of file); lines read before the cut are kept")
        }
        eof = true
        return false
      }
      if atMemberBoundary {
        // Another member must start with the gzip magic; anything else is trailing data.
        if strm.next_in[0] != 0x1f {
          var nonZero = false
          for i in 0..<Int(strm.avail_in) where strm.next_in[i] != 0 { nonZero = true; break }
          if nonZero { warn("trailing data after the gzip stream ignored") }
          eof = true
          return false
        }
      }
      let before = Int(strm.avail_in)
      strm.next_out = buf + end
      let room = Swift.min(cap - end, Self.fillSize)
      strm.avail_out = UInt32(room)
      let ret = inflate(&strm, Z_NO_FLUSH)
      let produced = room - Int(strm.avail_out)
      compressedOffset += before - Int(strm.avail_in)
      end += produced
      if before != Int(strm.avail_in) { atMemberBoundary = false }
      switch ret {
      case Z_STREAM_END:
        atMemberBoundary = true
        inflateReset(&strm)
      case Z_OK, Z_BUF_ERROR:
        break
      default:
        let msg = strm.msg.map { String(cString: $0) } ?? "error \(ret)"
        warn("corrupt gzip data near compressed byte \(compressedOffset): \(msg); lines before it are kept")
        eof = true
        return produced > 0
      }
      if produced > 0 { return true }
      if end >= cap { return false }
    }
  }

  // MARK: - Lines

  private var nulPending = 0
  private var cutWarned = false
  /// `buf[start..<nulFreeEnd]` is known to hold no NUL byte (or `buf[nulFreeEnd]` is one): most lines are
  /// checked against it instead of being searched for NULs one by one. Kept in step when the buffer moves.
  private var nulFreeEnd = 0

  /// Calls `body` for every non-empty segment of every line (see the type's description).
  func forEachLine(_ body: Handler) {
    var lineNo = 0
    var scan = start
    while true {
      let avail = end - scan
      if avail > 0, let p = memchr(buf + scan, 10, avail) {
        let nl = p.assumingMemoryBound(to: UInt8.self) - buf
        lineNo += 1
        if nl - start > maxLine {
          emit(start, start + maxLine, lineNo, body)
          cutWarn(lineNo, nl - start)
        } else {
          emit(start, nl, lineNo, body)
        }
        start = nl + 1
        scan = start
        continue
      }
      lineCount = lineNo
      scan = end
      if end - start > maxLine {
        // Over-long line: use its first maxLine bytes, skip the rest up to the next newline.
        lineNo += 1
        emit(start, start + maxLine, lineNo, body)
        var length = end - start
        start = end
        var found = false
        while !found {
          if start == end {
            start = 0
            end = 0
            if !fill() { break }
          }
          if let p = memchr(buf + start, 10, end - start) {
            let nl = p.assumingMemoryBound(to: UInt8.self) - buf
            length += nl - start
            start = nl + 1
            found = true
          } else {
            length += end - start
            start = end
          }
        }
        cutWarn(lineNo, length)
        scan = start
        nulFreeEnd = start
        continue
      }
      if start > 0 {
        let keep = end - start
        if keep > 0 { memmove(buf, buf + start, keep) }
        nulFreeEnd = Swift.max(0, nulFreeEnd - start)
        end = keep
        start = 0
        scan = keep
      }
      if !fill() {
        if end > start {
          lineNo += 1
          emit(start, end, lineNo, body)
          start = end
        }
        lineCount = lineNo
        return
      }
    }
  }

  /// Calls `body` for every complete block of `size` bytes (binary records such as wtmp), in file order, and
  /// returns how many bytes were left over at the end (a trailing partial block, not passed to `body`).
  func forEachBlock(size: Int, _ body: (Bytes) -> Void) -> Int {
    precondition(size > 0 && size <= cap)
    while true {
      while end - start >= size {
        body(Bytes(base: UnsafePointer(buf + start), count: size))
        start += size
      }
      if start > 0 {
        let keep = end - start
        if keep > 0 { memmove(buf, buf + start, keep) }
        end = keep
        start = 0
      }
      if !fill() { return end - start }
    }
  }

  private func cutWarn(_ lineNo: Int, _ length: Int) {
    if let registry, let input { registry.addSkipped(input) }
    if !cutWarned {
      cutWarned = true
      warn("line \(lineNo): \(length)-byte line cut to \(maxLine) bytes")
    }
  }

  /// Strips CR and NUL runs from `buf[lo..<hi]` and hands out the segments.
  @inline(__always)
  private func emit(_ lo: Int, _ hi0: Int, _ lineNo: Int, _ body: Handler) {
    var hi = hi0
    if hi > lo && buf[hi - 1] == 13 { hi -= 1 }
    if hi > nulFreeEnd {
      // Look for the next NUL once for all the lines up to it.
      let from = Swift.max(lo, nulFreeEnd)
      if let z = memchr(buf + from, 0, end - from) {
        nulFreeEnd = z.assumingMemoryBound(to: UInt8.self) - buf
      } else {
        nulFreeEnd = end
      }
    }
    if hi <= nulFreeEnd {
      guard hi > lo else { return }
      body(Bytes(base: UnsafePointer(buf + lo), count: hi - lo), lineNo, nulPending)
      nulPending = 0
      return
    }
    var s = lo
    while s < hi {
      guard let z = memchr(buf + s, 0, hi - s) else {
        body(Bytes(base: UnsafePointer(buf + s), count: hi - s), lineNo, nulPending)
        nulPending = 0
        return
      }
      let zi = z.assumingMemoryBound(to: UInt8.self) - buf
      if zi > s {
        body(Bytes(base: UnsafePointer(buf + s), count: zi - s), lineNo, nulPending)
        nulPending = 0
      }
      var e = zi
      while e < hi && buf[e] == 0 { e += 1 }
      nulPending += e - zi
      s = e
    }
  }

  // MARK: - Sniffing

  /// The first bytes of a file: raw (up to 512) and decoded (gunzipped when gzip, up to `limit`).
  struct Head {
    var raw: [UInt8] = []
    var data: [UInt8] = []
    var isGzip = false
    var gzipMTime: UInt32 = 0
    /// True when `data` holds the whole (decoded) file.
    var complete = false
  }

  /// Reads the head of `path`, or gives why it cannot be read (errno text).
  static func head(path: String, limit: Int = 64 << 10) -> Result<Head, HeadError> {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    if fd < 0 { return .failure(HeadError(reason: errnoText(errno))) }
    close(fd)
    guard let r = LineReader(path: path, maxLineLength: limit, chunkSize: limit) else {
      return .failure(HeadError(reason: "cannot read"))
    }
    var h = Head()
    h.isGzip = r.isGzip
    h.gzipMTime = r.gzipMTime
    h.raw = [UInt8](repeating: 0, count: 512)
    let n = h.raw.withUnsafeMutableBytes { pread(r.fd, $0.baseAddress, 512, 0) }
    if n < 0 { return .failure(HeadError(reason: errnoText(errno))) }
    h.raw.removeSubrange(n...)
    while r.end < limit, r.fill() {}
    h.complete = r.eof
    h.data = Array(UnsafeBufferPointer(start: r.buf, count: min(r.end, limit)))
    return .success(h)
  }

  struct HeadError: Error {
    var reason: String
  }

  /// The raw last `limit` bytes of `path` (the whole file when smaller; fewer when the read came up short), the file's
  /// size, and whether the file is gzip (its tail is then compressed bytes); nil when it cannot be read or is empty.
  /// Nothing is decoded.
  static func tail(path: String, limit: Int = 256 << 10) -> (bytes: [UInt8], size: Int64, isGzip: Bool)? {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    let size = lseek(fd, 0, SEEK_END)
    guard size > 0 else { return nil }
    var magic: [UInt8] = [0, 0]
    let isGzip = magic.withUnsafeMutableBytes { pread(fd, $0.baseAddress, 2, 0) } == 2 && magic == [0x1f, 0x8b]
    let want = Int(min(Int64(size), Int64(limit)))
    var bytes = [UInt8](repeating: 0, count: want)
    let got = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress, want, off_t(size) - off_t(want)) }
    guard got > 0 else { return nil }
    if got < want { bytes.removeSubrange(got...) }
    return (bytes, Int64(size), isGzip)
  }
}
