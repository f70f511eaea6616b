import Foundation
@testable import FlatlineCore

/// Synthetic journal entries written as Journal Export Format and as `journalctl -o json` lines.
struct JournalTestEntry {
  var fields: [(String, [UInt8])]

  init(_ fields: [(String, String)], binary: [(String, [UInt8])] = []) {
    self.fields = fields.map { ($0.0, Array($0.1.utf8)) } + binary
  }

  func value(_ name: String) -> [UInt8]? { fields.first { $0.0 == name }?.1 }

  static func isText(_ v: [UInt8]) -> Bool {
    !v.contains { $0 < 32 && $0 != 9 } && String(validating: v, as: UTF8.self) != nil
  }

  /// Journal Export Format text of the entries (binary values as NAME, length, bytes).
  static func export(_ entries: [JournalTestEntry]) -> [UInt8] {
    var out: [UInt8] = []
    for e in entries {
      for (name, value) in e.fields {
        out += Array(name.utf8)
        if isText(value) {
          out.append(UInt8(ascii: "="))
          out += value
        } else {
          out.append(10)
          withUnsafeBytes(of: UInt64(value.count).littleEndian) { out += $0 }
          out += value
        }
        out.append(10)
      }
      out.append(10)
    }
    return out
  }

  /// `journalctl -o json` lines of the entries (binary values as arrays of byte numbers).
  static func json(_ entries: [JournalTestEntry]) -> [UInt8] {
    var out = ""
    for e in entries {
      let items = e.fields.map { (name, value) -> String in
        if isText(value) {
          var s = ""
          for u in String(decoding: value, as: UTF8.self).unicodeScalars {
            switch u {
            case "\"": s += "\\\""
            case "\\": s += "\\\\"
            case "\t": s += "\\t"
            case _ where u.value > 0x7F: s += String(format: "\\u%04x", u.value)
            default: s.unicodeScalars.append(u)
            }
          }
          return "\"\(name)\" : \"\(s)\""
        }
        return "\"\(name)\" : [ " + value.map(String.init).joined(separator: ", ") + " ]"
      }
      out += "{ " + items.joined(separator: ", ") + " }\n"
    }
    return Array(out.utf8)
  }

  static let machineA = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa1"
  static let machineB = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb2"
  static let bootA1 = "a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1a1"
  static let bootA2 = "a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2a2"
  static let bootB1 = "b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1b1"
  static let bootB2 = "b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2b2"
  static let t0: Int64 = 1_700_000_000_000_000
  static let stopped = "d93fb3c9c24d451a97cea615ce59c00b"
  static let binaryMessage: [UInt8] = Array("line one\nline two\u{1}".utf8) + [0xFF, 0x00, 0x41]

  static func entry(
    _ boot: String, _ machine: String, host: String, time: Int64, mono: Int64, message: String,
    ident: String? = "app", comm: String = "appd", transport: String = "syslog", messageID: String? = nil,
    unit: String? = nil, extra: [(String, String)] = [], binary: [(String, [UInt8])] = []
  ) -> JournalTestEntry {
    var f: [(String, String)] = [
      ("__REALTIME_TIMESTAMP", String(time)), ("__MONOTONIC_TIMESTAMP", String(mono)), ("_BOOT_ID", boot),
      ("_MACHINE_ID", machine), ("_HOSTNAME", host), ("PRIORITY", "6"), ("_TRANSPORT", transport),
      ("_COMM", comm),
    ]
    if transport != "kernel" { f.append(("_PID", "4242")) }
    if let ident { f.append(("SYSLOG_IDENTIFIER", ident)) }
    if let messageID { f.append(("MESSAGE_ID", messageID)) }
    if let unit { f.append(("UNIT", unit)) }
    f += extra
    if !message.isEmpty { f.append(("MESSAGE", message)) }
    return JournalTestEntry(f, binary: binary)
  }

  /// Two machines × two boots. Machine A has no RTC: boot A2 starts with a clock *earlier* than A1's, so by
  /// first-entry wall clock A2 would come first; by last entry A1 comes first. Entries of the machines are
  /// interleaved in the stream.
  static var twoMachines: [JournalTestEntry] {
    let s: Int64 = 1_000_000
    return [
      entry(bootA1, machineA, host: "alpha", time: t0, mono: 1 * s, message: "Linux version 6.1.0 (gcc)",
            ident: "kernel", comm: "kernel", transport: "kernel", extra: [("_SOURCE_MONOTONIC_TIMESTAMP", "0")]),
      entry(bootB1, machineB, host: "beta", time: t0 + 5 * s, mono: 2 * s, message: "Journal started"),
      entry(bootA1, machineA, host: "alpha", time: t0 + 10 * s, mono: 11 * s, message: "",
            ident: nil, comm: "weird", binary: [("MESSAGE", binaryMessage)]),
      entry(bootA1, machineA, host: "alpha", time: t0 + 100 * s, mono: 101 * s, message: "Stopped target Multi-User.",
            ident: "systemd", messageID: stopped, unit: "multi-user.target"),
      entry(bootB1, machineB, host: "beta", time: t0 + 200 * s, mono: 200 * s, message: "Journal stopped",
            ident: "systemd-journald"),
      // A2: clock restored late: starts an hour *before* A1 started, ends after it.
      entry(bootA2, machineA, host: "alpha", time: t0 - 3600 * s, mono: 1 * s, message: "Linux version 6.1.0 (gcc)",
            ident: "kernel", comm: "kernel", transport: "kernel", extra: [("_SOURCE_MONOTONIC_TIMESTAMP", "0")]),
      entry(bootB2, machineB, host: "beta-renamed", time: t0 + 300 * s, mono: 1 * s, message: "Journal started"),
      entry(bootA2, machineA, host: "alpha", time: t0 + 400 * s, mono: 90 * s, message: "Time has been changed",
            ident: "systemd-timesyncd", extra: [("SYSLOG_FACILITY", "3")]),
      entry(bootB2, machineB, host: "beta-renamed", time: t0 + 500 * s, mono: 200 * s, message: "still running ✓"),
    ]
  }
}
