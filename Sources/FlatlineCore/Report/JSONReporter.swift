/// Renders an analysis as the stable JSON contract (docs/json-contract.md, docs/schema/report.schema.json).
public enum JSONReporter {
  public static let schemaVersion = 1

  public static func render(_ r: AnalysisResult, generatedAt: Int64? = nil) -> String {
    var w = JSONWriter()
    w.open()
    w.field("schemaVersion", .int(Int64(schemaVersion)))
    w.field("generatedAt", .string(CivilTime.rfc3339((generatedAt ?? r.generatedAt) / 1_000_000 * 1_000_000)))
    w.open("inputs", array: true)
    for i in r.inputs {
      w.open()
      w.field("path", .string(i.path))
      w.field("kind", .string(i.kind.rawValue))
      w.field("host", .string(i.host))
      w.field("records", .int(Int64(i.records)))
      w.field("skipped", .int(Int64(i.skipped)))
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
    w.open("summary")
    w.field("hosts", .int(Int64(r.hosts.count)))
    w.field("boots", .int(Int64(r.bootCount)))
    w.field("uncleanEndings", .int(Int64(r.uncleanCount)))
    w.close()
    w.close()
    return w.text + "\n"
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
      w.field("source", .string(inputs[Int(e.location.input)].path))
      if let c = e.location.cursor {
        w.field("cursor", .string(c))
      } else if e.location.line > 0 {
        w.field("line", .int(Int64(e.location.line)))
      }
      w.field("message", .string(e.message))
      w.close()
    }
    w.close(array: true)
    w.close()
  }
}
