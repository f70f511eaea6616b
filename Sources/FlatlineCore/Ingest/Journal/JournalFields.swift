#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The journal fields Flatline uses, as slots of `JournalFields`.
enum JournalField: Int, CaseIterable {
  case message, identifier, comm, pid, messageID, unit, systemdUnit, host, transport, machineID, bootID, cursor
  case realtime, monotonic, sourceMonotonic

  /// The slot for a field name (`MESSAGE`, `_HOSTNAME`…), or nil for fields Flatline does not use.
  @inline(__always)
  static func named(_ name: UnsafePointer<UInt8>, _ count: Int) -> JournalField? {
    @inline(__always) func eq(_ s: StaticString) -> Bool { memcmp(name, s.utf8Start, count) == 0 }
    switch count {
    case 4: return eq("UNIT") ? .unit : eq("_PID") ? .pid : nil
    case 5: return eq("_COMM") ? .comm : nil
    case 7: return eq("MESSAGE") ? .message : nil
    case 8: return eq("_BOOT_ID") ? .bootID : eq("__CURSOR") ? .cursor : nil
    case 9: return eq("_HOSTNAME") ? .host : nil
    case 10: return eq("MESSAGE_ID") ? .messageID : eq("_TRANSPORT") ? .transport : nil
    case 11: return eq("_MACHINE_ID") ? .machineID : nil
    case 13: return eq("_SYSTEMD_UNIT") ? .systemdUnit : nil
    case 17: return eq("SYSLOG_IDENTIFIER") ? .identifier : nil
    case 20: return eq("__REALTIME_TIMESTAMP") ? .realtime : nil
    case 21: return eq("__MONOTONIC_TIMESTAMP") ? .monotonic : nil
    case 27: return eq("_SOURCE_MONOTONIC_TIMESTAMP") ? .sourceMonotonic : nil
    default: return nil
    }
  }
}

extension JournalField {
  /// For a binary journal's `NAME=value` datum of `length` bytes at `p`: the slot of a field Flatline reads from
  /// the data, with the length of its name; nil for any other field (and for `_BOOT_ID`, taken from the entry
  /// header). Dispatches on the first bytes instead of searching for the `=`, so that the many fields Flatline
  /// does not use cost a compare or two.
  @inline(__always)
  static func match(_ p: UnsafePointer<UInt8>, _ length: Int) -> (field: JournalField, nameLength: Int)? {
    @inline(__always) func named(_ s: StaticString, _ f: JournalField) -> (field: JournalField, nameLength: Int)? {
      let n = s.utf8CodeUnitCount
      guard length > n, p[n] == 61, Bytes.same(p, s.utf8Start, n) else { return nil }
      return (f, n)
    }
    guard length > 4 else { return nil }
    switch p[0] {
    case 77: return named("MESSAGE", .message) ?? named("MESSAGE_ID", .messageID)  // M
    case 83: return named("SYSLOG_IDENTIFIER", .identifier)  // S
    case 85: return named("UNIT", .unit)  // U
    case 95:  // _
      switch p[1] {
      case 80: return named("_PID", .pid)  // P
      case 67: return named("_COMM", .comm)  // C
      case 72: return named("_HOSTNAME", .host)  // H
      case 84: return named("_TRANSPORT", .transport)  // T
      case 77: return named("_MACHINE_ID", .machineID)  // M
      case 83: return named("_SYSTEMD_UNIT", .systemdUnit) ?? named("_SOURCE_MONOTONIC_TIMESTAMP", .sourceMonotonic)
      default: return nil
      }
    default: return nil
    }
  }
}

/// Reusable per-field byte buffers for one journal entry at a time.
///
/// Each slot owns a growable heap buffer that is reused from entry to entry, so after warm-up reading an entry
/// allocates nothing. A `Record` built by `fill(_:)` points into these buffers and is valid until the next
/// `reset()` or write.
final class JournalFields {
  private struct Slot {
    var pointer: UnsafeMutablePointer<UInt8>
    var count: Int
    var capacity: Int
  }

  private static let slotCount = JournalField.allCases.count
  /// Fixed storage of the slots (a `let` pointer: no exclusivity checks on the hot path).
  private let slots: UnsafeMutablePointer<Slot>
  /// Values are cut to this many bytes (`IngestOptions.maxLineLength`).
  let limit: Int
  /// Number of values cut to `limit` so far.
  var truncated = 0

  init(limit: Int) {
    self.limit = Swift.max(limit, 64)
    slots = .allocate(capacity: Self.slotCount)
    for i in 0..<Self.slotCount {
      (slots + i).initialize(to: Slot(pointer: .allocate(capacity: 64), count: 0, capacity: 64))
    }
  }

  deinit {
    for i in 0..<Self.slotCount { slots[i].pointer.deallocate() }
    slots.deinitialize(count: Self.slotCount)
    slots.deallocate()
  }

  /// Empties every slot (keeps the memory).
  @inline(__always) func reset() {
    for i in 0..<Self.slotCount { slots[i].count = 0 }
  }

  @inline(__always) func count(_ field: JournalField) -> Int { slots[field.rawValue].count }

  @inline(__always) func bytes(_ field: JournalField) -> Bytes {
    let slot = slots[field.rawValue]
    return Bytes(base: UnsafePointer(slot.pointer), count: slot.count)
  }

  private func reserve(_ i: Int, _ needed: Int) {
    guard needed > slots[i].capacity else { return }
    var cap = slots[i].capacity
    while cap < needed { cap *= 2 }
    let p = UnsafeMutablePointer<UInt8>.allocate(capacity: cap)
    p.update(from: slots[i].pointer, count: slots[i].count)
    slots[i].pointer.deallocate()
    slots[i].pointer = p
    slots[i].capacity = cap
  }

  /// Replaces the slot's value with `count` bytes at `source` (cut to `limit`).
  @inline(__always) func set(_ field: JournalField, _ source: UnsafeRawPointer, _ count: Int) {
    let i = field.rawValue
    var n = count
    if n > limit {
      n = limit
      truncated += 1
    }
    if n > slots[i].capacity { reserve(i, n) }
    Bytes.copy(slots[i].pointer, source, n)
    slots[i].count = n
  }

  /// Empties one slot.
  @inline(__always) func clear(_ field: JournalField) { slots[field.rawValue].count = 0 }

  /// Appends bytes to the slot (cut to `limit`; returns false once the limit is reached).
  @discardableResult
  @inline(__always) func append(_ field: JournalField, _ source: UnsafeRawPointer, _ count: Int) -> Bool {
    let i = field.rawValue
    let room = limit - slots[i].count
    guard room > 0 else { return false }
    let n = Swift.min(room, count)
    reserve(i, slots[i].count + n)
    UnsafeMutableRawPointer(slots[i].pointer + slots[i].count).copyMemory(from: source, byteCount: n)
    slots[i].count += n
    return n == count
  }

  /// Appends one byte (dropped once the limit is reached).
  @inline(__always) func append(_ field: JournalField, byte: UInt8) {
    let i = field.rawValue
    let c = slots[i].count
    guard c < limit else { return }
    if c == slots[i].capacity { reserve(i, c + 1) }
    slots[i].pointer[c] = byte
    slots[i].count = c + 1
  }

  /// Writes a 128-bit ID as 32 lowercase hex digits into the slot.
  @inline(__always) func setHex(_ field: JournalField, id bytes: UnsafeRawBufferPointer) {
    let i = field.rawValue
    reserve(i, 32)
    let p = slots[i].pointer
    let n = Swift.min(bytes.count, 16)
    for k in 0..<n {
      let b = bytes[k]
      p[2 * k] = hexDigit(b >> 4)
      p[2 * k + 1] = hexDigit(b & 15)
    }
    slots[i].count = 2 * n
  }

  /// The slot parsed as an unsigned decimal number, or nil.
  func decimal(_ field: JournalField) -> UInt64? { parseDecimal(bytes(field)) }

  /// Fills `record` for an entry of a text stream (export or JSON dump): the fields, the time from
  /// `__REALTIME_TIMESTAMP`, the line the entry starts on.
  func fillStreamRecord(_ record: inout Record, line: Int) {
    fill(&record)
    record.time = journalTime(decimal(.realtime))
    record.line = line
  }

  /// Fills the shared fields of `record` from the slots: identifier (`SYSLOG_IDENTIFIER`, else `_COMM`), pid,
  /// message, message ID, units, host, machine and boot IDs, monotonic time, kernel flag and uptime. Time and input
  /// are left to the caller (binary readers take boot ID and monotonic time from the entry header into the slots or
  /// the record).
  @inline(__always) func fill(_ record: inout Record) {
    record.message = bytes(.message)
    let ident = bytes(.identifier)
    record.identifier = ident.isEmpty ? bytes(.comm) : ident
    if let pid = decimal(.pid), pid <= UInt64(Int32.max) {
      record.pid = Int32(pid)
    } else {
      record.pid = 0
    }
    record.messageID = bytes(.messageID)
    record.unit = bytes(.unit)
    record.systemdUnit = bytes(.systemdUnit)
    record.host = bytes(.host)
    record.machineID = bytes(.machineID)
    record.bootID = bytes(.bootID)
    record.isKernel = bytes(.transport).equals("kernel")
    if let m = decimal(.monotonic), m <= UInt64(Int64.max) { record.monotonic = Int64(m) } else { record.monotonic = -1 }
    if record.isKernel, let t = decimal(.sourceMonotonic), t <= UInt64(Int64.max) {
      record.kernelUptime = Int64(t)
    } else {
      record.kernelUptime = -1
    }
  }
}

@inline(__always) func hexDigit(_ v: UInt8) -> UInt8 { v < 10 ? 48 + v : 87 + v }

/// Parses an unsigned decimal number (no sign, no spaces); nil when empty, invalid or overflowing.
func parseDecimal(_ b: Bytes) -> UInt64? {
  guard b.count > 0, b.count <= 20 else { return nil }
  var v: UInt64 = 0
  for i in 0..<b.count {
    let c = b[i]
    guard c >= 48, c <= 57 else { return nil }
    let (m, o1) = v.multipliedReportingOverflow(by: 10)
    let (s, o2) = m.addingReportingOverflow(UInt64(c - 48))
    if o1 || o2 { return nil }
    v = s
  }
  return v
}

/// A clamped signed microsecond time from a journal timestamp.
@inline(__always) func journalTime(_ usec: UInt64?) -> Int64 {
  guard let usec, usec <= UInt64(Int64.max) else { return Record.noTime }
  return Int64(usec)
}

/// Counts errors by kind, for one summary warning per kind.
struct JournalErrorTally {
  private(set) var counts: [Int32: Int] = [:]
  private(set) var order: [Int32] = []

  mutating func add(_ errnoValue: Int32) {
    if counts[errnoValue] == nil { order.append(errnoValue) }
    counts[errnoValue, default: 0] += 1
  }

  /// Adds `other`'s counts (its kinds new here after this one's, in its order).
  mutating func add(_ other: JournalErrorTally) {
    for e in other.order {
      if counts[e] == nil { order.append(e) }
      counts[e, default: 0] += other.counts[e]!
    }
  }

  var total: Int { counts.values.reduce(0, +) }

  /// `(name, count)` per error kind, in first-seen order.
  var summary: [(name: String, count: Int)] { order.map { (errnoName($0), counts[$0]!) } }
}

/// The warnings about journal entries that batch reading (`JournalGroupReader.finish`) and tail mode
/// (`JournalFollower.poll`) both give, worded once. `name`: an `errnoName`.
enum JournalEntryWarning {
  static func unreadable(_ count: Int, _ name: String) -> String { "\(entries(count)) unreadable: \(name)" }

  static func fieldSkipped(_ count: Int, _ name: String) -> String {
    "\(entries(count)) had a field that could not be read, kept without it: \(name)"
  }

  private static func entries(_ n: Int) -> String { "\(n) journal entr\(n == 1 ? "y" : "ies")" }
}

/// `EBADMSG (Bad message)` style name of an errno value.
func errnoName(_ e: Int32) -> String {
  let names: [Int32: String] = [
    EBADMSG: "EBADMSG", ENODATA: "ENODATA", EIO: "EIO", EPROTONOSUPPORT: "EPROTONOSUPPORT",
    EADDRNOTAVAIL: "EADDRNOTAVAIL", E2BIG: "E2BIG", ENOBUFS: "ENOBUFS", ENOENT: "ENOENT", EACCES: "EACCES",
    ENOMEM: "ENOMEM", EINVAL: "EINVAL", EUCLEAN: "EUCLEAN", EPERM: "EPERM", EISDIR: "EISDIR",
  ]
  let text = strerror(e).map { String(cString: $0) } ?? "errno \(e)"
  return "\(names[e] ?? "errno \(e)") (\(text))"
}
