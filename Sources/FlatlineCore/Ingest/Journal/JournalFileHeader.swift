#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The parts of a binary journal file header Flatline reads itself (systemd `JOURNAL_FILE_FORMAT.md`).
struct JournalFileHeader {
  /// `state`: 0 OFFLINE, 1 ONLINE, 2 ARCHIVED.
  enum State: UInt8 {
    case offline = 0, online = 1, archived = 2
  }

  static let size = 272
  /// `HEADER_COMPATIBLE_TAIL_ENTRY_BOOT_ID`: `tail_entry_boot_id` is the boot of the last entry.
  static let compatibleTailEntryBootID: UInt32 = 2

  var compatibleFlags: UInt32
  var incompatibleFlags: UInt32
  var rawState: UInt8
  /// 32 lowercase hex digits.
  var machineID: String
  /// Header bytes 56..<72: `tail_entry_boot_id` on systemd ≥ 254 (flag set); before that the boot ID of the
  /// last writer that opened the file.
  var headerBootID: String
  var headerSize: UInt64
  var entryCount: UInt64
  var tailEntryRealtime: UInt64
  /// `seqnum_id` (bytes 72..<88): the sequence-number space of the entries. Files written one after the other by
  /// one journald share it, their `head_entry_seqnum`...`tail_entry_seqnum` ranges following each other.
  var seqnumID: (UInt64, UInt64)
  var headSeqnum: UInt64
  var tailSeqnum: UInt64
  var headRealtime: UInt64

  var state: State? { State(rawValue: rawState) }
  var tailBootIDTrusted: Bool { compatibleFlags & Self.compatibleTailEntryBootID != 0 }

  /// Reads and checks the header of `path` (POSIX open/read). Returns a reason on failure.
  static func load(path: String) -> Result<JournalFileHeader, HeaderError> {
    let fd = posixOpen(path)
    guard fd >= 0 else { return .failure(.unreadable(errnoName(errno))) }
    defer { close(fd) }
    var buf = [UInt8](repeating: 0, count: size)
    var got = 0
    while got < size {
      let n = buf.withUnsafeMutableBytes { posixRead(fd, $0.baseAddress! + got, size - got) }
      if n < 0 {
        if errno == EINTR { continue }
        return .failure(.unreadable(errnoName(errno)))
      }
      if n == 0 { break }
      got += n
    }
    // Headers older than v187 are 208 bytes; anything shorter than that is not a journal file.
    guard got >= 208 else { return .failure(.notJournal("file too short for a journal header (\(got) bytes)")) }
    guard buf.starts(with: Array("LPKSHHRH".utf8)) else {
      return .failure(.notJournal("no journal signature (LPKSHHRH)"))
    }
    return buf.withUnsafeBytes { b in
      func le32(_ o: Int) -> UInt32 { UInt32(littleEndian: b.loadUnaligned(fromByteOffset: o, as: UInt32.self)) }
      func le64(_ o: Int) -> UInt64 { UInt64(littleEndian: b.loadUnaligned(fromByteOffset: o, as: UInt64.self)) }
      return .success(
        JournalFileHeader(
          compatibleFlags: le32(8), incompatibleFlags: le32(12), rawState: b[16],
          machineID: hexString(UnsafeRawBufferPointer(rebasing: b[40..<56])),
          headerBootID: hexString(UnsafeRawBufferPointer(rebasing: b[56..<72])),
          headerSize: le64(88), entryCount: le64(152), tailEntryRealtime: le64(192), seqnumID: (le64(72), le64(80)),
          headSeqnum: le64(168), tailSeqnum: le64(160), headRealtime: le64(184)))
    }
  }

  enum HeaderError: Error {
    case unreadable(String)
    case notJournal(String)

    var description: String {
      switch self {
      case .unreadable(let why): return "cannot read journal file: \(why)"
      case .notJournal(let why): return "not a journal file: \(why)"
      }
    }
  }
}
