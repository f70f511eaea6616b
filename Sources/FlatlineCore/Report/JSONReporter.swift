/// Renders an analysis as the stable JSON contract (docs/json-contract.md, docs/schema/report.schema.json).
public enum JSONReporter {
  public static let schemaVersion = 1

  public static func render(_ r: AnalysisResult, generatedAt: Int64? = nil) -> String {
    var out = ""
    render(r, generatedAt: generatedAt) { out += $0 }
    return out
  }

  /// Renders `r` in pieces handed to `write` as they are made (the CLI writes them out; the report is never held
  /// whole), the last one ending with a line break.
  public static func render(_ r: AnalysisResult, generatedAt: Int64? = nil, to write: @escaping (String) -> Void) {
    var w = JSONWriter()
    w.sink = write
    w.open()
    w.field("schemaVersion", .int(Int64(schemaVersion)))
    w.field("generatedAt", .string(CivilTime.rfc3339((generatedAt ?? r.generatedAt) / 1_000_000 * 1_000_000)))
    w.open("inputs", array: true)
    for i in r.inputs {
      w.open()
      w.field("path", .string(i.path))
      w.field("kind", .string(i.kind.rawValue))
      if let c = i.component { w.field("component", .string(c)) }
      w.field("host", .string(i.host))
      w.field("records", .int(Int64(i.records)))
      w.field("skipped", .int(Int64(i.skipped)))
      if let m = i.readMode { w.field("readMode", .string(m)) }
      if let m = i.skipReason { w.field("skipReason", .string(m)) }
      w.open("warnings", array: true)
      for m in i.warnings { w.field(nil, .string(m)) }
      w.close(array: true)
      w.close()
    }
    w.close(array: true)
    w.open("hosts", array: true)
    for h in r.hosts {
      w.open()
      w.field("name", .string(h.name))
      w.open("aliases", array: true)
      for a in h.aliases { w.field(nil, .string(a)) }
      w.close(array: true)
      w.field("machineId", .string(h.machineID))
      w.open("boots", array: true)
      for b in h.boots { boot(&w, b, r.inputs) }
      w.close(array: true)
      w.close()
    }
    w.close(array: true)
    w.open("incidents", array: true)
    for i in r.incidents { incident(&w, i, r.inputs) }
    w.close(array: true)
    w.open("findings", array: true)
    for f in r.findings {
      w.open()
      w.field("type", .string(f.type.rawValue))
      w.field("host", .string(f.host))
      hit(&w, f.hit, r.inputs)
      w.close()
    }
    w.close(array: true)
    w.open("notices", array: true)
    for (n, host) in r.notices {
      w.open()
      w.field("host", .string(host))
      notice(&w, n)
      w.close()
    }
    w.close(array: true)
    w.open("summary")
    w.field("hosts", .int(Int64(r.hosts.count)))
    w.field("boots", .int(Int64(r.bootCount)))
    w.field("uncleanEndings", .int(Int64(r.uncleanCount)))
    w.field("incidents", .int(Int64(r.incidents.count)))
    w.field("findings", .int(Int64(r.findings.count)))
    w.close()
    w.close()
    w.flush()
    write("\n")
  }

  static func time(_ t: Int64?) -> JSONWriter.Value {
    guard let t, t != Record.noTime else { return .string(nil) }
    return .string(CivilTime.rfc3339(t))
  }

  static func boot(_ w: inout JSONWriter, _ b: BootResult, _ inputs: [InputInfo]) {
    w.open()
    w.field("id", .string(b.id))
    w.field("start", time(b.start))
    w.field("lastSignOfLife", time(b.lastSignOfLife))
    w.field("end", time(b.end))
    w.field("ending", .string(b.ending.rawValue))
    w.field("clean", .bool(b.clean))
    w.field("confidence", .double(b.confidence))
    w.field("downtimeSeconds", .int(b.downtime.map { $0 / 1_000_000 }))
    w.field("clockJump", .bool(b.clockJump))
    w.open("evidence", array: true)
    for e in b.evidence {
      w.open()
      w.field("kind", .string(e.kind.rawValue))
      w.field("time", time(e.time))
      location(&w, e.location, inputs)
      w.field("message", .string(e.message))
      w.close()
    }
    w.close(array: true)
    w.close()
  }

  static func location(_ w: inout JSONWriter, _ l: SourceLocation, _ inputs: [InputInfo]) {
    w.field("source", .string(inputs[Int(l.input)].path))
    if let c = l.cursor {
      w.field("cursor", .string(c))
    } else if l.line > 0 {
      w.field("line", .int(Int64(l.line)))
    }
  }

  /// The fields every rule hit carries (findings and incident datastore events).
  static func hit(_ w: inout JSONWriter, _ h: RuleHit, _ inputs: [InputInfo]) {
    w.field("rule", .string(h.ruleID))
    w.field("component", .string(h.component))
    w.field("category", .string(h.category.rawValue))
    w.field("severity", .string(h.severity.rawValue))
    w.field("time", time(h.time))
    location(&w, h.location, inputs)
    w.field("message", .string(h.message))
  }

  static func notice(_ w: inout JSONWriter, _ n: CloudNotice) {
    w.field("provider", .string(n.provider.rawValue))
    w.field("eventType", .string(n.eventType))
    w.field("effect", .string(n.effect.rawValue))
    w.field("counterEvidence", .bool(n.effect.isCounterEvidence))
    w.field("start", time(n.start))
    w.field("end", time(n.end))
    w.open("resources", array: true)
    for res in n.resources { w.field(nil, .string(res)) }
    w.close(array: true)
    w.field("text", .string(n.text))
    w.field("source", .string(n.source))
    w.field("line", .int(n.line.map(Int64.init)))
  }

  static func incident(_ w: inout JSONWriter, _ i: Incident, _ inputs: [InputInfo]) {
    w.open()
    w.field("id", .string(i.id))
    w.field("host", .string(i.host))
    w.field("bootId", .string(i.bootID))
    w.field("nextBootId", .string(i.nextBootID))
    w.field("lastSignOfLife", time(i.lastSignOfLife))
    w.field("bootAt", time(i.bootAt))
    w.field("downtimeSeconds", .int(i.downtime.map { $0 / 1_000_000 }))
    w.field("cause", .string(i.cause.rawValue))
    w.field("confidence", .double(i.confidence))
    w.open("confidenceFactors", array: true)
    for f in i.factors {
      w.open()
      w.field("factor", .string(f.factor))
      w.field("delta", .double(f.delta))
      w.field("detail", .string(f.detail))
      w.close()
    }
    w.close(array: true)
    w.open("datastoreEvents", array: true)
    for e in i.datastoreEvents {
      w.open()
      hit(&w, e.hit, inputs)
      w.field("lastKnownUp", time(e.lastKnownUp))
      w.close()
    }
    w.close(array: true)
    w.open("cloudNotices", array: true)
    for a in i.cloudNotices {
      w.open()
      notice(&w, a.notice)
      w.close()
    }
    w.close(array: true)
    w.open("timeline", array: true)
    for t in i.timeline {
      w.open()
      w.field("time", time(t.time))
      w.field("kind", .string(t.kind))
      w.field("source", .string(t.source))
      if let c = t.cursor {
        w.field("cursor", .string(c))
      } else if let l = t.line {
        w.field("line", .int(Int64(l)))
      }
      w.field("text", .string(t.text))
      w.field("ref", .string(t.ref))
      w.close()
    }
    w.close(array: true)
    w.close()
  }
}
