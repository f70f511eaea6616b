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
    func n(_ k: Int, _ word: String) -> String { "\(k) \(word)\(k == 1 ? "" : "s")" }
    out += bold(
      "Flatline: \(n(r.hosts.count, "host")), \(n(r.bootCount, "boot")), \(n(unclean.count, "unclean ending")), "
        + "\(n(r.incidents.count, "incident")), \(n(r.findings.count, "finding"))") + "\n"
    let withIncident = Set(r.incidents.map { "\($0.host)\u{1}\($0.bootID)" })
    if !r.incidents.isEmpty {
      out += "\n" + bold("Incidents") + "\n"
      for i in r.incidents { out += incident(i) }
    }
    let rest = unclean.filter { !withIncident.contains("\($0.0.name)\u{1}\($0.1.id)") }
    if !rest.isEmpty {
      out += "\n" + bold("Unclean endings") + "\n"
      for (h, b) in rest {
        out += "\n  \(bold(h.name))  boot \(b.id)  \(endingLabel(b.ending))  confidence \(String(format2(b.confidence)))\n"
        out += "    alive until \(Self.t(b.lastSignOfLife))"
        if let d = b.downtime { out += ", down for \(BootJudge.formatDuration(d))" }
        if b.clockJump { out += " (clock went back at the next boot)" }
        out += "\n"
        for e in b.evidence { out += evidenceLine(e, r.inputs) }
      }
    }
    if !r.findings.isEmpty {
      out += "\n" + bold("Findings") + " (rule hits outside any incident)\n"
      for f in r.findings {
        let h = f.hit
        out += "  \(Self.t(h.time == Record.noTime ? nil : h.time))  \(Self.pad(f.host, 12))\(Self.pad(f.type.rawValue, 16))"
        out += "\(h.component)/\(h.category.rawValue)  \(h.ruleID)\n"
        out += "      \(location(h.location, r.inputs))\n        \(clip(h.message))\n"
      }
    }
    let unmatched = r.notices.filter { $0.host == nil }
    if !unmatched.isEmpty {
      out += "\n" + bold("Notices not matched to a host") + " (map instances with --host-map)\n"
      for (no, _) in unmatched {
        out += "  \(Self.t(no.start))  \(no.provider.rawValue) \(no.eventType) [\(no.resources.joined(separator: ", "))]\n"
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

  func location(_ l: SourceLocation, _ inputs: [InputInfo]) -> String {
    let path = inputs[Int(l.input)].path
    if let c = l.cursor { return "\(path) cursor \(c.prefix(60))" }
    return l.line > 0 ? "\(path):\(l.line)" : path
  }

  func clip(_ m: String) -> String { m.count > 140 ? String(m.prefix(137)) + "..." : m }

  func evidenceLine(_ e: EvidenceRecord, _ inputs: [InputInfo]) -> String {
    let t = Self.t(e.time == Record.noTime ? nil : e.time)
    return "      \(Self.pad(e.kind.rawValue, 22))\(t)  \(location(e.location, inputs))\n        \(clip(e.message))\n"
  }

  /// An incident as a postmortem timeline.
  func incident(_ i: Incident) -> String {
    var out = "\n  \(bold(i.host))  \(i.id)  \(paint(i.cause.rawValue, "31;1"))  confidence \(format2(i.confidence))\n"
    out += "    boot \(i.bootID) ended without a clean shutdown; alive until \(Self.t(i.lastSignOfLife))"
    if let b = i.bootAt { out += ", back at \(Self.t(b))" }
    if let d = i.downtime { out += " (down \(BootJudge.formatDuration(d)))" }
    out += "\n    why: " + i.factors.map { f in
      let sign = f.delta >= 0 ? "+" : ""
      return "\(f.factor) \(sign)\(format2(f.delta))"
    }.joined(separator: ", ") + "\n"
    for t in i.timeline {
      var loc = t.source ?? ""
      if let c = t.cursor { loc += " cursor \(c.prefix(60))" } else if let l = t.line { loc += ":\(l)" }
      // Evidence is named by its kind, datastore and storage events by their rule.
      let label = ["boot-evidence", "datastore", "storage"].contains(t.kind) ? (t.ref ?? t.kind) : t.kind
      out += "      \(Self.t(t.time))  \(Self.pad(label, 30))\(loc)\n        \(clip(t.text))\n"
    }
    return out
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
    for i in r.inputs { if let m = i.readMode { out += "  note: \(i.path): \(m)\n" } }
    return out
  }
}
