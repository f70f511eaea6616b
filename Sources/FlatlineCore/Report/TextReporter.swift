/// Human-readable reports. Leads with unclean endings and their evidence; colour only when asked.
public struct TextReporter {
  public var color: Bool

  public init(color: Bool) {
    self.color = color
  }

  private func paint(_ s: String, _ code: String) -> String { color ? "\u{1B}[\(code)m\(s)\u{1B}[0m" : s }
  private func bold(_ s: String) -> String { paint(s, "1") }

  static func t(_ v: Int64?) -> String {
    guard let v else { return "-" }
    let s = CivilTime.rfc3339(v / 1_000_000 * 1_000_000)
    return String(s.dropLast().map { $0 == "T" ? " " : $0 })
  }

  static func pad(_ s: String, _ n: Int) -> String { s.count >= n ? s + " " : s + String(repeating: " ", count: n - s.count) }

  func endingLabel(_ e: BootEnding) -> String {
    switch e.clean {
    case true: return paint(e.rawValue, "32")
    case false: return paint(e.rawValue, "31;1")
    default: return paint(e.rawValue, "33")
    }
  }

  public func analyze(_ r: AnalysisResult) -> String {
    var out = ""
    let unclean = r.hosts.flatMap { h in h.boots.filter { $0.clean == false }.map { (h, $0) } }
    out += bold("Flatline: \(r.hosts.count) host\(r.hosts.count == 1 ? "" : "s"), \(r.bootCount) boot\(r.bootCount == 1 ? "" : "s"), \(unclean.count) unclean ending\(unclean.count == 1 ? "" : "s")") + "\n"
    if !unclean.isEmpty {
      out += "\n" + bold("Unclean endings") + "\n"
      for (h, b) in unclean {
        out += "\n  \(bold(h.name))  boot \(b.id)  \(endingLabel(b.ending))  confidence \(String(format2(b.confidence)))\n"
        out += "    alive until \(Self.t(b.lastSignOfLife))"
        if let d = b.downtime { out += ", down for \(BootJudge.formatDuration(d))" }
        if b.clockJump { out += " (clock went back at the next boot)" }
        out += "\n"
        for e in b.evidence { out += evidenceLine(e, r.inputs) }
      }
    }
    for h in r.hosts {
      out += "\n" + bold("Host \(h.name)")
      if !h.aliases.isEmpty { out += " (also \(h.aliases.joined(separator: ", ")))" }
      if let m = h.machineID { out += "  machine-id \(m)" }
      out += "\n"
      out += bootsTable(h.boots, host: nil)
    }
    let skipped = r.inputs.filter { $0.kind == .skipped }
    let warned = r.inputs.filter { !$0.warnings.isEmpty && $0.kind != .skipped }
    out += "\n" + bold("Inputs") + ": \(r.inputs.count - skipped.count) read, \(skipped.count) skipped\n"
    for i in r.inputs where i.kind != .skipped {
      out += "  \(Self.pad(i.kind.rawValue, 15))\(i.path)  \(i.records) records"
      if i.skipped > 0 { out += ", \(i.skipped) skipped" }
      out += "\n"
    }
    for i in skipped { out += "  skipped        \(i.path): \(i.skipReason ?? "")\n" }
    for i in warned {
      for w in i.warnings.prefix(5) { out += "  " + paint("warning", "33") + ": \(i.path): \(w)\n" }
      if i.warnings.count > 5 { out += "  … \(i.warnings.count - 5) more warnings for \(i.path)\n" }
    }
    return out
  }

  func format2(_ d: Double) -> String {
    let r = (d * 100).rounded() / 100
    return String(r)
  }

  func evidenceLine(_ e: EvidenceRecord, _ inputs: [InputInfo]) -> String {
    let path = inputs[Int(e.location.input)].path
    let loc: String
    if let c = e.location.cursor {
      loc = "\(path) cursor \(c.prefix(60))"
    } else if e.location.line > 0 {
      loc = "\(path):\(e.location.line)"
    } else {
      loc = path
    }
    var msg = e.message
    if msg.count > 140 { msg = String(msg.prefix(137)) + "..." }
    return "      \(Self.pad(e.kind.rawValue, 22))\(Self.t(e.time == Record.noTime ? nil : e.time))  \(loc)\n        \(msg)\n"
  }

  func bootsTable(_ boots: [BootResult], host: String?) -> String {
    var out = ""
    for b in boots {
      var line = "  "
      if let host { line += Self.pad(host, 16) }
      line += Self.pad(b.id.count > 34 ? String(b.id.prefix(32)) : b.id, 34)
      line += Self.pad(b.start == nil ? "(before the data)" : Self.t(b.start), 21)
      line += Self.pad(Self.t(b.lastSignOfLife), 21)
      line += endingLabel(b.ending) + String(repeating: " ", count: max(1, 14 - b.ending.rawValue.count))
      line += b.downtime.map { BootJudge.formatDuration($0) } ?? (b.clockJump ? "clock jump" : "-")
      out += line + "\n"
    }
    return out
  }

  /// `flatline boots`: one row per boot, like `last -x` / `journalctl --list-boots`.
  public func boots(_ r: AnalysisResult) -> String {
    var out = bold(
      "  " + Self.pad("HOST", 16) + Self.pad("BOOT", 34) + Self.pad("START", 21) + Self.pad("LAST SIGN OF LIFE", 21)
        + Self.pad("ENDING", 14) + "DOWNTIME") + "\n"
    for h in r.hosts { out += bootsTable(h.boots, host: h.name) }
    return out
  }
}
