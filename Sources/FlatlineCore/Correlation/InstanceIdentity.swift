#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// Learns which cloud instance a host is from its own log lines.
///
/// Fed every record; a cheap byte prefilter lets through only records of cloud agents (identifier `cloud-init`,
/// `[CLOUDINIT]`, `google…`, `waagent`/`WALinuxAgent`, `ec2…`, `amazon-ssm-agent`) or messages containing `i-0`.
/// In those it looks for:
/// - cloud-init naming the instance: `init will now be targeting instance id: <id>. new=…`, paths under
///   `/var/lib/cloud/instances/<id>/`, and `instance-id: <id>` / `instance_id` / `instanceID=` / `Instance ID: <id>`
///   style fields (EC2 ids, Azure vmId UUIDs, GCE numeric ids);
/// - bare EC2 instance ids (`i-` + 8 or 17 hex digits), in cloud-agent records only;
/// - Azure agent `VM name: <name>` / `vmId: <uuid>` fields.
/// The host is the record's host name, or its input's host when the record has none.
public struct InstanceIdentity {
  struct Hit: Hashable {
    var host: String
    var input: Int32
    var instance: String
  }

  private var hits: [Hit] = []
  private var seen = Set<Hit>()

  public init() {}

  /// Looks at one record (valid only during the call; copies only what it keeps).
  public mutating func observe(_ r: Record) {
    let agent = InstanceIdentity.isAgent(r.identifier)
    let msg = r.message
    if !agent && !InstanceIdentity.containsI0(msg) { return }
    var found: [String] = []
    InstanceIdentity.scan(msg, agent: agent, into: &found)
    guard !found.isEmpty else { return }
    let host = r.host.string
    for instance in found {
      let hit = Hit(host: host, input: r.input, instance: instance)
      if seen.insert(hit).inserted { hits.append(hit) }
    }
  }

  /// Adds what `other` learned after what this one learned, as if its records had come next.
  mutating func absorb(_ other: InstanceIdentity) {
    for h in other.hits where seen.insert(h).inserted { hits.append(h) }
  }

  /// The `(host, instance)` pairs learned, in the order first seen. Records without a host name take their
  /// input's host from `registry`; pairs with no host at all are dropped.
  public func pairs(registry: InputRegistry?) -> [(host: String, instance: String)] {
    var out: [(host: String, instance: String)] = []
    var done = Set<String>()
    for h in hits {
      var host = h.host
      if host.isEmpty, let registry, Int(h.input) < registry.count { host = registry[h.input].host ?? "" }
      guard !host.isEmpty, done.insert(host + "\u{0}" + h.instance).inserted else { continue }
      out.append((host, h.instance))
    }
    return out
  }

  /// Adds the learned pairs to `map`.
  public func apply(to map: inout HostMap, registry: InputRegistry?) {
    for p in pairs(registry: registry) { map.learn(instance: p.instance, host: p.host) }
  }

  // MARK: - Scanning

  /// Cloud agents' identifiers (dispatch on the first byte: most records are from other programs).
  @inline(__always)
  static func isAgent(_ id: Bytes) -> Bool {
    guard id.count >= 3, let p = id.base else { return false }
    switch p[0] {
    case UInt8(ascii: "c"): return id.hasPrefix("cloud-init")
    case UInt8(ascii: "["): return id.hasPrefix("[CLOUDINIT]")
    case UInt8(ascii: "g"): return id.hasPrefix("google")
    case UInt8(ascii: "w"): return id.hasPrefix("waagent")
    case UInt8(ascii: "W"): return id.hasPrefix("WALinuxAgent")
    case UInt8(ascii: "e"): return id.hasPrefix("ec2")
    case UInt8(ascii: "a"): return id.hasPrefix("amazon-ssm-agent")
    default: return false
    }
  }

  /// `msg.contains("i-0")`, 16 positions per step: three overlapping 16-byte loads compared at once (SSE2 on x86-64,
  /// NEON on arm64). A memchr for the `-` cost a call per hyphen, and log text has several per line.
  @inline(__always)
  static func containsI0(_ msg: Bytes) -> Bool {
    guard let base = msg.base, msg.count >= 3 else { return false }
    let n = msg.count
    guard n >= 18 else {
      for k in 0...(n - 3) where base[k] == 105 && base[k + 1] == 45 && base[k + 2] == 48 { return true }
      return false
    }
    let p = UnsafeRawPointer(base)
    // Built here, not as static constants: those cost a `swift_once` check each per call.
    let vi = SIMD16<UInt8>(repeating: 105)
    let vd = SIMD16<UInt8>(repeating: 45)
    let vz = SIMD16<UInt8>(repeating: 48)
    // Where `i-0` starts at `at..<at + 16`, as a mask (reads `at..<at + 18`).
    @inline(__always) func starts(_ at: Int) -> SIMDMask<SIMD16<Int8>> {
      (p.loadUnaligned(fromByteOffset: at, as: SIMD16<UInt8>.self) .== vi)
        .& (p.loadUnaligned(fromByteOffset: at &+ 1, as: SIMD16<UInt8>.self) .== vd)
        .& (p.loadUnaligned(fromByteOffset: at &+ 2, as: SIMD16<UInt8>.self) .== vz)
    }
    @inline(__always) func none(_ m: SIMDMask<SIMD16<Int8>>) -> Bool {
      let (lo, hi) = m.words
      return lo | hi == 0
    }
    // Two steps per test while they fit, then single steps; the last step ends at the last byte, overlapping
    // the one before rather than leaving a tail for a byte loop.
    let last = n &- 18
    var i = 0
    while i &+ 16 <= last {
      if !none(starts(i) .| starts(i &+ 16)) { return true }
      i &+= 32
    }
    while i < last {
      if !none(starts(i)) { return true }
      i &+= 16
    }
    return !none(starts(last))
  }

  /// Field markers after which an instance identifier follows.
  static let markers: [StaticString] = [
    "targeting instance id: ", "/var/lib/cloud/instances/", "instance-id: ", "instance_id: ", "instance-id=",
    "instance_id=", "instanceID=", "instanceId=", "Instance ID: ", "instance id: ", "InstanceId: ", "vmId: ",
    "vmId=", "VM name: ", "VMName: ",
  ]

  static func scan(_ msg: Bytes, agent: Bool, into found: inout [String]) {
    for marker in markers {
      var from = 0
      while from < msg.count, let at = msg.slice(from, msg.count).find(marker) {
        let start = from + at + marker.utf8CodeUnitCount
        var end = start
        while end < msg.count, isIDByte(msg[end]) { end += 1 }
        // Trailing sentence punctuation (`…instance id: i-0abc. new=True`).
        while end > start, msg[end - 1] == 46 || msg[end - 1] == 45 { end -= 1 }
        if end > start, let id = accept(msg.slice(start, end)), !found.contains(id) { found.append(id) }
        from = max(end, start)
      }
    }
    // Bare EC2 instance ids, only in cloud-agent records (elsewhere an id may well be another machine's).
    guard agent else { return }
    var i = 0
    while i + 10 <= msg.count {
      guard let at = msg.slice(i, msg.count).find("i-") else { break }
      let s = i + at
      i = s + 2
      if s > 0, isIDByte(msg[s - 1]) { continue }
      var e = s + 2
      while e < msg.count, isHex(msg[e]) { e += 1 }
      let digits = e - s - 2
      if e < msg.count, isIDByte(msg[e]) && msg[e] != 46 { continue }
      guard digits == 17 || digits == 8 else { continue }
      let id = msg.slice(s, e).string
      if !found.contains(id) { found.append(id) }
    }
  }

  static func isHex(_ c: UInt8) -> Bool { (c >= 48 && c <= 57) || (c >= 97 && c <= 102) }

  /// Letters, digits, `-`, `_`, `.`.
  static func isIDByte(_ c: UInt8) -> Bool {
    (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c == 45 || c == 95 || c == 46
  }

  /// Rejects placeholders cloud-init uses when there is no real instance id.
  static func accept(_ b: Bytes) -> String? {
    guard b.count >= 3, b.count <= 80 else { return nil }
    let s = b.string
    let lower = s.lowercased()
    if lower.hasPrefix("iid-datasource") || lower == "no_previous_instance_id" || lower == "nocloud"
      || lower == "none" || lower == "null" || lower == "unknown"
    {
      return nil
    }
    return s
  }
}
