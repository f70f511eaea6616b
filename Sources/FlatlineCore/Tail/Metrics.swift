/// Prometheus text-format metrics for node_exporter's textfile collector (`--metrics-file`), rewritten
/// atomically (write, fsync, rename) so the collector never reads half a file.
enum TailMetrics {
  struct Counters {
    var eventsEmitted = 0
    var sourceErrors = 0
    var lastHeartbeat: Int64?
    var startedAt: Int64 = 0
  }

  static func render(_ result: AnalysisResult, _ c: Counters) -> String {
    var out = ""
    func family(_ name: String, _ help: String, _ type: String = "gauge") {
      out += "# HELP \(name) \(help)\n# TYPE \(name) \(type)\n"
    }
    func labels(_ pairs: [(String, String)]) -> String {
      "{" + pairs.map { "\($0.0)=\"\(escape($0.1))\"" }.joined(separator: ",") + "}"
    }
    family("flatline_boots", "Boots seen per host and ending (running: the current boot).")
    for h in result.hosts {
      var byEnding: [String: Int] = [:]
      for b in h.boots { byEnding[b.ending.rawValue, default: 0] += 1 }
      for (e, n) in byEnding.sorted(by: { $0.key < $1.key }) {
        out += "flatline_boots\(labels([("host", h.name), ("ending", e)])) \(n)\n"
      }
    }
    family("flatline_unclean_endings", "Boots that ended uncleanly, per host and ending.")
    for h in result.hosts {
      var byEnding: [String: Int] = [:]
      for b in h.boots where b.clean == false { byEnding[b.ending.rawValue, default: 0] += 1 }
      for (e, n) in byEnding.sorted(by: { $0.key < $1.key }) {
        out += "flatline_unclean_endings\(labels([("host", h.name), ("ending", e)])) \(n)\n"
      }
    }
    family("flatline_incidents", "Incidents (unclean endings with their surroundings) per host and cause.")
    var incidents: [String: (String, String, Int)] = [:]
    for i in result.incidents {
      let k = i.host + "\u{1}" + i.cause.rawValue
      incidents[k, default: (i.host, i.cause.rawValue, 0)].2 += 1
    }
    for (_, v) in incidents.sorted(by: { $0.key < $1.key }) {
      out += "flatline_incidents\(labels([("host", v.0), ("cause", v.1)])) \(v.2)\n"
    }
    family("flatline_findings", "Rule hits outside incidents per host, component and category.")
    var findings: [String: ([(String, String)], Int)] = [:]
    for f in result.findings {
      let l = [("host", f.host), ("component", f.hit.component), ("category", f.hit.category.rawValue)]
      let k = l.map(\.1).joined(separator: "\u{1}")
      findings[k, default: (l, 0)].1 += 1
    }
    for (_, v) in findings.sorted(by: { $0.key < $1.key }) { out += "flatline_findings\(labels(v.0)) \(v.1)\n" }
    family("flatline_tail_last_heartbeat_timestamp_seconds", "Time of the daemon's last heartbeat.")
    out += "flatline_tail_last_heartbeat_timestamp_seconds \(seconds(c.lastHeartbeat ?? c.startedAt))\n"
    family("flatline_tail_start_timestamp_seconds", "When the daemon started.")
    out += "flatline_tail_start_timestamp_seconds \(seconds(c.startedAt))\n"
    family("flatline_tail_events_emitted_total", "Events written since the daemon started.", "counter")
    out += "flatline_tail_events_emitted_total \(c.eventsEmitted)\n"
    family("flatline_tail_source_errors_total", "Source errors since the daemon started.", "counter")
    out += "flatline_tail_source_errors_total \(c.sourceErrors)\n"
    return out
  }

  static func seconds(_ micros: Int64) -> String {
    let s = micros / 1_000_000
    let ms = (micros % 1_000_000) / 1000
    let frac = String(ms)
    return "\(s).\(String(repeating: "0", count: 3 - frac.count))\(frac)"
  }

  static func escape(_ s: String) -> String {
    var out = ""
    for c in s {
      switch c {
      case "\\": out += "\\\\"
      case "\"": out += "\\\""
      case "\n": out += "\\n"
      default: out.append(c)
      }
    }
    return out
  }
}
