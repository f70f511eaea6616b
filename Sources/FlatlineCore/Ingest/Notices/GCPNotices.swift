import Foundation

/// Google Cloud shapes: Cloud Logging audit entries of Compute Engine instances (system events and the
/// admin-activity stop/reset calls), Compute operations (`gcloud compute operations list`), and the metadata
/// server's `upcoming-maintenance` document.
enum GCPNotices {
  /// Effect of a `compute.instances.<method>` system event or of an instance operation type.
  static func effect(method: String) -> NoticeEffect? {
    switch method {
    case "hostError", "automaticRestart": return .hostFailure
    case "migrateOnHostMaintenance", "terminateOnHostMaintenance", "instanceManagerHaltForRestart": return .maintenance
    case "preempted", "baremetalCaretakerPreempted": return .preemption
    // The guest shut itself down (poweroff from inside): the VM stopped on its own, not the host.
    case "guestTerminate": return .guestCrash
    case "stop", "reset", "suspend", "delete", "simulateMaintenanceEvent": return .userInitiated
    default: return nil
    }
  }

  static func recognise(_ n: NoticeNode, into p: inout NoticeParser) -> Bool {
    if let proto = n["protoPayload"], proto.isObject {
      return auditEntry(n, proto: proto, into: &p)
    }
    if let kind = n["kind"]?.text, kind == "compute#operation" {
      return operation(n, into: &p)
    }
    if n["maintenance_status"] != nil || n["window_start_time"] != nil || n["latest_window_start_time"] != nil {
      upcoming(n, into: &p)
      return true
    }
    // Other Cloud Logging entries (application logs, Cloud SQL database logs…) are logs, not notices.
    if n["logName"] != nil, n["insertId"] != nil {
      p.ignored += 1
      return true
    }
    return false
  }

  /// Cloud Logging entry with an audit-log payload.
  static func auditEntry(_ n: NoticeNode, proto: NoticeNode, into p: inout NoticeParser) -> Bool {
    let methodName = proto["methodName"]?.text ?? ""
    guard let r = methodName.range(of: "compute.instances.") else {
      p.ignored += 1
      return true
    }
    let method = String(methodName[r.upperBound...])
    // System events are named `compute.instances.hostError`; admin calls carry an API version prefix
    // (`v1.compute.instances.stop`) and only the user-initiated stops/resets matter.
    let isSystemEvent = r.lowerBound == methodName.startIndex
    guard var effect = effect(method: method) ?? (isSystemEvent ? .informational : nil) else {
      p.ignored += 1
      return true
    }
    if !isSystemEvent, effect != .userInitiated { effect = .userInitiated }
    // Start/finish pairs of one operation: keep the first entry.
    if let op = n.at("operation.id")?.text {
      if p.seenOperations.contains(op) { return true }
      p.seenOperations.insert(op)
    }
    var resources: [String] = []
    if let name = proto["resourceName"]?.text { resources.append(name) }
    if let id = n.at("resource.labels.instance_id")?.text { resources.append(id) }
    var text = proto.at("status.message")?.text ?? ""
    if !isSystemEvent, let who = proto.at("authenticationInfo.principalEmail")?.text {
      text = (text.isEmpty ? methodName : text) + " by \(who)"
    }
    p.add(
      .gcp, methodName, effect, start: NoticeTime.parse(n["timestamp"]) ?? NoticeTime.parse(n["receiveTimestamp"]),
      end: nil, resources: resources, text: text.isEmpty ? methodName : text, at: n)
    return true
  }

  /// `gcloud compute operations list --format=json` item.
  static func operation(_ n: NoticeNode, into p: inout NoticeParser) -> Bool {
    let type = n["operationType"]?.text ?? ""
    guard let effect = effect(method: type) else {
      p.ignored += 1
      return true
    }
    var resources: [String] = []
    if let link = n["targetLink"]?.text { resources.append(link) }
    if let id = n["targetId"]?.text { resources.append(id) }
    var text = n["statusMessage"]?.text ?? ""
    if effect == .userInitiated, let user = n["user"]?.text { text = "\(type) by \(user)" }
    p.add(
      .gcp, "compute.instances.\(type)", effect,
      start: NoticeTime.parse(n["startTime"]) ?? NoticeTime.parse(n["insertTime"]), end: NoticeTime.parse(n["endTime"]),
      resources: resources, text: text.isEmpty ? "operation \(type)" : text, at: n)
    return true
  }

  /// Metadata server `instance/upcoming-maintenance?alt=json`.
  static func upcoming(_ n: NoticeNode, into p: inout NoticeParser) {
    let type = n["type"]?.text ?? "SCHEDULED"
    let reasons = n["maintenance_reasons"]?.strings ?? []
    var text = "\(type.lowercased()) maintenance, status \(n["maintenance_status"]?.text ?? "?")"
    if !reasons.isEmpty { text += " (\(reasons.joined(separator: ", ")))" }
    p.add(
      .gcp, "upcoming-maintenance", .maintenance,
      start: NoticeTime.parse(n["window_start_time"]) ?? NoticeTime.parse(n["latest_window_start_time"]),
      end: NoticeTime.parse(n["window_end_time"]), resources: [], text: text, at: n)
  }
}
