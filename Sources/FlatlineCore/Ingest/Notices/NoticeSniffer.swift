/// Tells notice files from logs by their first bytes, for discovery.
///
/// JSON (or JSON lines) is a notice when it holds a marker only notice exports have: AWS Health (`aws.health`,
/// `eventTypeCode`, `entityValue` with `eventArn`), EC2 (`InstanceStatuses`, state reasons, state-change notifications,
/// maintenance `instance-event-` ids, CloudTrail instance stop/reboot calls), GCP audit entries of Compute
/// instances (`methodName` `…compute.instances.…`), Compute operations and upcoming-maintenance documents, Azure
/// Activity Log / Resource Health records and Scheduled Events. Generic Cloud Logging exports (Cloud SQL database
/// logs, application logs) and `journalctl -o json` output are not notices. YAML (and JSON) with a `notices:` list,
/// or a single operator notice (`start:` with `host:`/`instance:`) in a `.yaml`/`.yml`/`.json` file, is one.
public enum NoticeSniffer {
  /// True when `head` (the first bytes of a file, decompressed) looks like cloud or operator notices.
  public static func looksLikeNotice(head: [UInt8], name: String) -> Bool {
    head.withBytes { looksLikeNotice($0, name: name) }
  }

  static func looksLikeNotice(_ b: Bytes, name: String) -> Bool {
    var i = 0
    if b.hasPrefix("\u{FEFF}") { i = 3 }
    while i < b.count, b[i] == 32 || b[i] == 9 || b[i] == 10 || b[i] == 13 { i += 1 }
    guard i < b.count else { return false }
    let lower = name.lowercased()
    if b[i] == 123 || b[i] == 91 {  // { [
      if b.contains("\"__REALTIME_TIMESTAMP\"") || b.contains("\"__CURSOR\"") { return false }  // journal JSON
      // Flatline's own JSON report (it lists notices too).
      if b.contains("\"generatedAt\""), b.contains("\"inputs\""), b.contains("\"hosts\"") { return false }
      if jsonMarkers(b) { return true }
      return lower.hasSuffix(".json") && operatorMarkers(b) && operatorShape(b, json: true)
    }
    if lower.hasSuffix(".yaml") || lower.hasSuffix(".yml") { return operatorMarkers(b) && operatorShape(b, json: false) }
    return false
  }

  /// Parses the head (operator files are small; a cut head does not parse and is not taken) and checks for a
  /// `notices:` list of operator notices, a single operator notice, or a list of them.
  static func operatorShape(_ b: Bytes, json: Bool) -> Bool {
    let root: NoticeNode?
    if json {
      root = NoticeJSON.parse(b.array)
    } else if case .success(let r) = NoticeYAML.parse(b.string) {
      root = r
    } else {
      root = nil
    }
    guard let root else { return false }
    if let list = root["notices"]?.array {
      return !list.isEmpty && list.allSatisfy { $0.isObject && ($0["start"] != nil || $0["host"] != nil || $0["instance"] != nil) }
    }
    if let list = root.array { return !list.isEmpty && list.allSatisfy(OperatorNotices.looksLikeOne) }
    return OperatorNotices.looksLikeOne(root)
  }

  static func jsonMarkers(_ b: Bytes) -> Bool {
    // AWS
    if b.contains("\"aws.health\"") || b.contains("\"eventTypeCode\"") { return true }
    if b.contains("\"entityValue\""), b.contains("\"eventArn\"") { return true }
    if b.contains("\"InstanceStatuses\"") || b.contains("EC2 Instance State-change Notification") { return true }
    if b.contains("\"NotBefore\""), b.contains("\"Code\""), b.contains("instance-event-") { return true }
    if b.contains("\"InstanceId\""), b.contains("\"StateReason\"") || b.contains("\"StateTransitionReason\"") {
      return true
    }
    if b.contains("\"ec2.amazonaws.com\""),
      b.contains("\"StopInstances\"") || b.contains("\"RebootInstances\"") || b.contains("\"TerminateInstances\"")
    {
      return true
    }
    // GCP: audit entries of Compute instances (system events, admin stop/reset), operations, upcoming maintenance.
    if b.contains("\"methodName\""), b.contains("compute.instances.") { return true }
    if b.contains("\"compute#operation\""), b.contains("\"operationType\"") { return true }
    if b.contains("\"maintenance_status\"") || b.contains("\"window_start_time\"") { return true }
    // Azure
    if b.contains("\"DocumentIncarnation\"") { return true }
    if b.contains("\"EventType\""), b.contains("\"NotBefore\""), b.contains("\"EventId\"") { return true }
    if b.contains("Microsoft.Insights/activityLogs") { return true }
    let lowered = lowercasedPrefix(b, 64 << 10)
    return lowered.withBytes { l in
      l.contains("microsoft.resourcehealth") || l.contains("\"resourcehealth\"")
        || (l.contains("\"eventtimestamp\"") && l.contains("microsoft.compute/virtualmachines"))
    }
  }

  /// `notices:` list, or `start` with `host`/`instance` keys (YAML `key:` or JSON `"key"`).
  static func operatorMarkers(_ b: Bytes) -> Bool {
    if b.hasPrefix("notices:") || b.contains("\nnotices:") || b.contains("\"notices\"") { return true }
    let hasStart = b.hasPrefix("start:") || b.contains("\nstart:") || b.contains("\"start\"")
    let hasWho =
      b.hasPrefix("host:") || b.hasPrefix("instance:") || b.contains("\nhost:") || b.contains("\ninstance:")
      || b.contains("\"host\"") || b.contains("\"instance\"")
    return hasStart && hasWho
  }

  static func lowercasedPrefix(_ b: Bytes, _ n: Int) -> [UInt8] {
    var out = [UInt8](repeating: 0, count: min(n, b.count))
    for i in 0..<out.count {
      let c = b[i]
      out[i] = c >= 65 && c <= 90 ? c + 32 : c
    }
    return out
  }
}
