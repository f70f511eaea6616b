#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif
internal import CBzip2
internal import CLzma
internal import CZlib

/// Reads a plain or compressed text file — gzip, xz or bzip2, sniffed by their magic bytes, not by name — in large
/// chunks and yields its lines as byte views into one reused buffer.
///
/// - CR of CRLF is stripped.
/// - Lines longer than `maxLineLength` are cut; the rest is skipped, counted, and warned about once per file.
/// - NUL runs (lost writes after a power loss) are removed: text before a run on the same line is its own
///   segment, and the segment after the run(s) carries the number of NUL bytes seen since the previous segment.
/// - Multi-member gzip (and concatenated xz or bzip2 streams) is read as one stream; a truncated or corrupt one gives
///   a warning and keeps what was read.
///
/// Memory is bounded: one buffer of `max(4 MiB, maxLineLength + 64 KiB)` plus 256 KiB of compressed input.
final class LineReader {
  /// Segment handler: (bytes, 1-based line number, NUL bytes since the previous segment).
  typealias Handler = (Bytes, Int, Int) -> Void

  let path: String
  /// How the file's bytes are stored.
  enum Codec: Equatable { case plain, gzip, xz, bzip2 }
  let codec: Codec
  var isGzip: Bool { codec == .gzip }
  /// Gzip header MTIME of the first member (0 when absent or not gzip).
  let gzipMTime: UInt32
  private let input: Int32?
  private let registry: InputRegistry?
  private let maxLine: Int
  private let fd: Int32
  /// False for a stream given by descriptor (standard input): it is not closed here.
  private let ownsFD: Bool
  /// Bytes of a stream read before this reader was made (`init(stream:head:…)`): they come first, then `fd`.
  private var pending: [UInt8] = []
  private var pendingUsed = 0
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

  // xz and bzip2 state (their input goes through `inBuf` as gzip's does)
  private var xz = lzma_stream()
  private var xzReady = false
  private var bz = bz_stream()
  private var bzReady = false

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
    ownsFD = true
    cap = max(chunkSize, maxLine + (64 << 10))
    buf = .allocate(capacity: cap)
    // Sniff gzip by magic.
    var head = [UInt8](repeating: 0, count: 10)
    let n = head.withUnsafeMutableBytes { pread(fd, $0.baseAddress, 10, 0) }
    codec = Self.codec(head.prefix(max(0, n)))
    gzipMTime = Self.gzipMTime(codec, head.prefix(max(0, n)))
    startDecoder()
  }

  /// Reads a stream that cannot be read again or seeked (standard input): `head`, the bytes already taken from it,
  /// then the rest of `fd` (not closed here; -1: `head` is all). The codec is sniffed from `head`, as a file's is
  /// from its first bytes.
  init(
    stream fd: Int32, head: [UInt8], path: String, input: Int32? = nil, registry: InputRegistry? = nil,
    maxLineLength: Int = 1 << 20
  ) {
    self.path = path
    self.input = input
    self.registry = registry
    maxLine = max(1, maxLineLength)
    self.fd = fd
    ownsFD = false
    cap = max(4 << 20, maxLine + (64 << 10))
    buf = .allocate(capacity: cap)
    codec = Self.codec(head.prefix(10))
    gzipMTime = Self.gzipMTime(codec, head.prefix(10))
    pending = head
    if fd < 0 && head.isEmpty { eof = true }
    startDecoder()
  }

  /// The MTIME of a gzip header at the start of `head`.
  private static func gzipMTime(_ codec: Codec, _ head: ArraySlice<UInt8>) -> UInt32 {
    let b = Array(head)
    guard codec == .gzip, b.count >= 8 else { return 0 }
    return UInt32(b[4]) | UInt32(b[5]) << 8 | UInt32(b[6]) << 16 | UInt32(b[7]) << 24
  }

  /// Sets up the decoder of a compressed file (a warning and no lines when it cannot be).
  private func startDecoder() {
    if codec != .plain { inBuf = .allocate(capacity: inCap) }
    switch codec {
    case .plain: break
    case .gzip:
      inflateReady = flatline_inflateInit2(&strm, 15 + 32) == Z_OK
      if !inflateReady { warn("cannot initialise zlib") }
    case .xz:
      xzReady = flatline_lzma_stream_decoder(&xz) == LZMA_OK
      if !xzReady { warn("cannot initialise the xz decoder") }
    case .bzip2:
      bzReady = BZ2_bzDecompressInit(&bz, 0, 0) == BZ_OK
      if !bzReady { warn("cannot initialise the bzip2 decoder") }
    }
    if codec != .plain && !(inflateReady || xzReady || bzReady) { eof = true }
    if readEnd != nil && codec != .plain {
      warn("cannot read part of a compressed file")
      eof = true
    }
  }

  /// Copies up to `room` bytes of `pending` to `to`: how many (0 when it is used up, and then let go).
  private func takePending(_ to: UnsafeMutablePointer<UInt8>, _ room: Int) -> Int {
    let n = Swift.min(room, pending.count - pendingUsed)
    guard n > 0 else {
      if !pending.isEmpty { pending = [] }
      return 0
    }
    pending.withUnsafeBufferPointer { to.update(from: $0.baseAddress! + pendingUsed, count: n) }
    pendingUsed += n
    return n
  }

  /// The codec the first bytes of a file show (gzip `1f 8b`, xz `fd 37 7a 58 5a 00`, bzip2 `BZh` and a block size
  /// digit).
  static func codec(_ head: ArraySlice<UInt8>) -> Codec {
    let b = Array(head)
    if b.count >= 2, b[0] == 0x1f, b[1] == 0x8b { return .gzip }
    if b.count >= 6, b[0..<6] == [0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00] { return .xz }
    if b.count >= 4, b[0] == 0x42, b[1] == 0x5A, b[2] == 0x68, b[3] >= 0x31, b[3] <= 0x39 { return .bzip2 }
    return .plain
  }

  /// Reads the lines of a copy of `bytes` (tail mode: the complete lines a followed file has gained).
  init(bytes: UnsafeRawBufferPointer, path: String, input: Int32?, registry: InputRegistry?, maxLineLength: Int) {
    self.path = path
    self.input = input
    self.registry = registry
    self.maxLine = max(1, maxLineLength)
    fd = -1
    ownsFD = false
    codec = .plain
    gzipMTime = 0
    cap = max(bytes.count, 1)
    buf = .allocate(capacity: cap)
    if let base = bytes.baseAddress, bytes.count > 0 { memcpy(buf, base, bytes.count) }
    end = bytes.count
    eof = true
  }

  deinit {
    if inflateReady { inflateEnd(&strm) }
    if xzReady { lzma_end(&xz) }
    if bzReady { BZ2_bzDecompressEnd(&bz) }
    inBuf?.deallocate()
    buf.deallocate()
    if fd >= 0 && ownsFD { close(fd) }
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
    switch codec {
    case .plain: return fillPlain()
    case .gzip: return fillGzip()
    case .xz: return fillXZ()
    case .bzip2: return fillBzip2()
    }
  }

  /// Reads the next chunk of compressed input into `inBuf`: its length, 0 at end of file, nil on a read error
  /// (warned; the lines before it are kept).
  private func readCompressed() -> Int? {
    guard let inBuf else { return nil }
    var n = takePending(inBuf, inCap)
    if n > 0 { return n }
    if fd < 0 {
      inEOF = true
      return 0
    }
    repeat { n = read(fd, inBuf, inCap) } while n < 0 && errno == EINTR
    if n < 0 {
      warn("read error: \(LineReader.errnoText(errno)); lines before it are kept")
      eof = true
      return nil
    }
    if n == 0 { inEOF = true }
    return n
  }

  private func fillXZ() -> Bool {
    guard let inBuf else { return false }
    while true {
      if xz.avail_in == 0 && !inEOF {
        guard let n = readCompressed() else { return false }
        xz.next_in = UnsafePointer(inBuf)
        xz.avail_in = n
      }
      let before = xz.avail_in
      let room = Swift.min(cap - end, Self.fillSize)
      xz.next_out = buf + end
      xz.avail_out = room
      let ret = lzma_code(&xz, inEOF ? LZMA_FINISH : LZMA_RUN)
      let produced = room - xz.avail_out
      compressedOffset += before - xz.avail_in
      end += produced
      switch ret {
      case LZMA_OK:
        break
      case LZMA_STREAM_END:
        eof = true
        return produced > 0
      case LZMA_BUF_ERROR where inEOF:
        warn("xz data truncated (unexpected end of file); lines read before the cut are kept")
        eof = true
        return produced > 0
      default:
        warn("corrupt xz data near compressed byte \(compressedOffset) (lzma error \(ret.rawValue)); lines before it are kept")
        eof = true
        return produced > 0
      }
      if produced > 0 { return true }
      if end >= cap { return false }
      if inEOF && xz.avail_in == 0 && before == 0 {
        warn("xz data truncated (unexpected end of file); lines read before the cut are kept")
        eof = true
        return false
      }
    }
  }

  private func fillBzip2() -> Bool {
    guard let inBuf else { return false }
    while true {
      if bz.avail_in == 0 && !inEOF {
        guard let n = readCompressed() else { return false }
        bz.next_in = UnsafeMutableRawPointer(inBuf).assumingMemoryBound(to: CChar.self)
        bz.avail_in = UInt32(n)
      }
      if bz.avail_in == 0 && inEOF {
        if !atMemberBoundary {
          warn("bzip2 data truncated (unexpected end of file); lines read before the cut are kept")
        }
        eof = true
        return false
      }
      let before = Int(bz.avail_in)
      let room = Swift.min(cap - end, Self.fillSize)
      bz.next_out = UnsafeMutableRawPointer(buf + end).assumingMemoryBound(to: CChar.self)
      bz.avail_out = UInt32(room)
      let ret = BZ2_bzDecompress(&bz)
      let produced = room - Int(bz.avail_out)
      compressedOffset += before - Int(bz.avail_in)
      end += produced
      if before != Int(bz.avail_in) { atMemberBoundary = false }
      switch ret {
      case BZ_OK:
        break
      case BZ_STREAM_END:
        // Another stream may follow (pbzip2 writes many); anything but its magic is trailing data.
        atMemberBoundary = true
        BZ2_bzDecompressEnd(&bz)
        let nextIn = bz.next_in
        let left = bz.avail_in
        bz = bz_stream()
        bzReady = BZ2_bzDecompressInit(&bz, 0, 0) == BZ_OK
        bz.next_in = nextIn
        bz.avail_in = left
        if left > 0, let p = nextIn, p[0] != 0x42 {
          warn("trailing data after the bzip2 stream ignored")
          eof = true
          return produced > 0
        }
      default:
        warn("corrupt bzip2 data near compressed byte \(compressedOffset) (bzip2 error \(ret)); lines before it are kept")
        eof = true
        return produced > 0
      }
      if produced > 0 { return true }
      if end >= cap { return false }
    }
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
        let room = Swift.min(cap - end, Self.fillSize)
        let taken = takePending(buf + end, room)
        n = taken > 0 ? taken : fd < 0 ? 0 : read(fd, buf + end, room)
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
        guard let n = readCompressed() else { return false }
        if n > 0 {
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

  /// The first bytes of a file: raw (up to 512) and decoded (decompressed when gzip, xz or bzip2; up to `limit`).
  struct Head {
    var raw: [UInt8] = []
    var data: [UInt8] = []
    var isGzip = false
    /// How the file is stored (`data` is decoded).
    var codec = Codec.plain
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
    var raw = [UInt8](repeating: 0, count: 512)
    let n = raw.withUnsafeMutableBytes { pread(r.fd, $0.baseAddress, 512, 0) }
    if n < 0 { return .failure(HeadError(reason: errnoText(errno))) }
    raw.removeSubrange(n...)
    return .success(r.decodeHead(raw: raw, limit: limit))
  }

  /// The head `head(path:)` and `head(bytes:ended:)` give: this reader's first `limit` decoded bytes, with `raw`.
  private func decodeHead(raw: [UInt8], limit: Int) -> Head {
    var h = Head()
    h.isGzip = isGzip
    h.codec = codec
    h.gzipMTime = gzipMTime
    h.raw = raw
    while end < limit, fill() {}
    h.complete = eof
    h.data = Array(UnsafeBufferPointer(start: buf, count: min(end, limit)))
    return h
  }

  /// The head of a stream of which `bytes` were read (standard input), decoded as `head(path:)` decodes a file's.
  /// `ended`: the stream ended within `bytes`.
  static func head(bytes: [UInt8], ended: Bool, limit: Int = 64 << 10) -> Head {
    var h = LineReader(stream: -1, head: bytes, path: "-", maxLineLength: limit)
      .decodeHead(raw: Array(bytes.prefix(512)), limit: limit)
    // Decoded to the end of `bytes`: the whole stream only when it ended there.
    h.complete = h.complete && ended
    return h
  }

  struct HeadError: Error {
    var reason: String
  }

  /// The raw last `limit` bytes of `path` (the whole file when smaller; fewer when the read came up short), the file's
  /// size, and whether the file is compressed (its tail is then compressed bytes); nil when it cannot be read or is
  /// empty.
  /// Nothing is decoded.
  static func tail(path: String, limit: Int = 256 << 10) -> (bytes: [UInt8], size: Int64, compressed: Bool)? {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    let size = lseek(fd, 0, SEEK_END)
    guard size > 0 else { return nil }
    var magic = [UInt8](repeating: 0, count: 6)
    let m = magic.withUnsafeMutableBytes { pread(fd, $0.baseAddress, 6, 0) }
    let compressed = codec(magic.prefix(max(0, m))) != .plain
    let want = Int(min(Int64(size), Int64(limit)))
    var bytes = [UInt8](repeating: 0, count: want)
    let got = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress, want, off_t(size) - off_t(want)) }
    guard got > 0 else { return nil }
    if got < want { bytes.removeSubrange(got...) }
    return (bytes, Int64(size), compressed)
  }
}
