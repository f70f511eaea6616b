import Foundation

/// Azure shapes: Activity Log records (alert payload, `az monitor activity-log list`, Log Analytics
/// `AzureActivity`), Resource Health annotations and availability statuses (REST and Resource Graph), and
/// Scheduled Events (IMDS).
enum AzureNotices {
  static func recognise(_ n: NoticeNode, into p: inout NoticeParser) -> Bool {
    // Scheduled Events document: {"DocumentIncarnation": …, "Events": [...]}.
    if n["DocumentIncarnation"] != nil {
      for e in n["Events"]?.array ?? [] { scheduledEvent(e, into: &p) }
      return true
    }
    if n["EventType"] != nil, n["EventId"] != nil {
      scheduledEvent(n, into: &p)
      return true
    }
    // Activity log record (CLI / REST form, or Log Analytics AzureActivity row).
    if n["eventTimestamp"] != nil, n["operationName"] != nil {
      return activityLog(n, at: n, into: &p)
    }
    if n["OperationNameValue"] != nil, n["TimeGenerated"] != nil {
      return activityLog(n, at: n, into: &p)
    }
    // Resource Health: annotations and availability statuses.
    let type = (n["type"]?.text ?? "").lowercased()
    let props = n["properties"]
    if type.contains("resourceannotations") || props?["annotationName"] != nil {
      annotation(n, props: props, into: &p)
      return true
    }
    if type.contains("availabilitystatuses") || props?["availabilityState"] != nil {
      availability(n, props: props, into: &p)
      return true
    }
    return false
  }

  // MARK: - Activity log

  static func valueText(_ node: NoticeNode?) -> String? {
    guard let node else { return nil }
    if node.isObject { return node["value"]?.text ?? node["localizedValue"]?.text }
    return node.text
  }

  static func activityLog(_ n: NoticeNode, at anchor: NoticeNode, into p: inout NoticeParser) -> Bool {
    let operation = valueText(n["operationName"]) ?? n["OperationNameValue"]?.text ?? ""
    var props = n["properties"]
    if props == nil || !(props?.isObject ?? false) {
      // Log Analytics keeps the properties as a JSON string.
      for key in ["Properties_d", "Properties"] {
        if let s = n[key]?.text, let parsed = NoticeJSON.parse(Array(s.utf8)), parsed.isObject {
          props = parsed
          break
        }
      }
    }
    let category = valueText(n["category"]) ?? n["CategoryValue"]?.text ?? n["eventSource"]?.text ?? ""
    let resourceID = n["resourceId"]?.text ?? n["_ResourceId"]?.text ?? n["ResourceId"]?.text
    let time = NoticeTime.parse(n["eventTimestamp"]) ?? NoticeTime.parse(n["TimeGenerated"])
    let op = operation.lowercased()
    var resources: [String] = []
    if let resourceID { resources.append(resourceID) }

    let title = props?["title"]?.text ?? ""
    let details = props?["details"]?.text ?? props?["summary"]?.text ?? ""
    let text = [title, details].filter { !$0.isEmpty }.joined(separator: ": ")

    if op.contains("healthevent") || category.lowercased() == "resourcehealth" || props?["currentHealthStatus"] != nil {
      let effect = healthEffect(
        text: text, cause: props?["cause"]?.text, current: props?["currentHealthStatus"]?.text,
        type: props?["type"]?.text, resolved: op.contains("/resolved/"))
      p.add(.azure, operation, effect, start: time, end: nil, resources: resources,
        text: text.isEmpty ? operation : text, at: anchor)
      return true
    }
    if category.lowercased() == "servicehealth" {
      let incident = (props?["incidentType"]?.text ?? "").lowercased()
      let effect: NoticeEffect = incident == "maintenance" ? .maintenance : .informational
      p.add(.azure, operation, effect, start: time, end: nil, resources: resources,
        text: text.isEmpty ? operation : text, at: anchor)
      return true
    }
    // Control-plane operations on a VM that stop or restart it: someone asked for it.
    for action in ["restart", "deallocate", "poweroff", "redeploy", "delete", "reimage"]
    where op.hasPrefix("microsoft.compute/virtualmachines/") && (op.hasSuffix("/\(action)/action") || op.hasSuffix("/\(action)")) {
      if let corr = n["correlationId"]?.text ?? n["CorrelationId"]?.text {
        if p.seenOperations.contains(corr) { return true }
        p.seenOperations.insert(corr)
      }
      let caller = n["caller"]?.text ?? n["Caller"]?.text
      p.add(.azure, operation, .userInitiated, start: time, end: nil, resources: resources,
        text: "\(action) requested" + (caller.map { " by \($0)" } ?? ""), at: anchor)
      return true
    }
    p.ignored += 1
    return true
  }

  /// Resource Health event effect from its cause, status and wording.
  static func healthEffect(text: String, cause: String?, current: String?, type: String?, resolved: Bool) -> NoticeEffect {
    let t = text.lowercased()
    if t.contains("preempt") { return .preemption }
    if t.contains("from inside the") || t.contains("machine crashed") || t.contains("operating system failure") {
      return .guestCrash
    }
    let c = (cause ?? "").lowercased()
    if c == "userinitiated" { return .userInitiated }
    if resolved || current?.lowercased() == "available" { return .informational }
    let down = current?.lowercased() == "unavailable" || type?.lowercased() == "downtime"
    if c == "platforminitiated", down {
      return t.contains("planned maintenance") || t.contains("live migration") ? .maintenance : .hostFailure
    }
    if down, NoticeParser.mentionsHostFailure(text) { return .hostFailure }
    return .informational
  }

  // MARK: - Resource Health

  /// The VM a Resource Health record is about: the resource id before `/providers/Microsoft.ResourceHealth`.
  static func targetResource(_ n: NoticeNode, props: NoticeNode?) -> String? {
    if let t = props?["targetResourceId"]?.text { return t }
    guard let id = n["id"]?.text else { return nil }
    if let r = id.range(of: "/providers/Microsoft.ResourceHealth", options: .caseInsensitive) {
      return String(id[..<r.lowerBound])
    }
    return id
  }

  static func annotationEffect(name: String, context: String?, category: String?) -> NoticeEffect {
    switch name {
    case "VirtualMachineHostCrashed", "VirtualMachineHostRebootedForRepair", "VirtualMachineMigrationInitiatedForRepair":
      return .hostFailure
    case "VirtualMachineCrashed": return .guestCrash
    case "VirtualMachineRestarted", "VirtualMachineRebootInitiatedByControlPlane",
      "VirtualMachineStopInitiatedByControlPlane", "VirtualMachineDeallocationInitiated":
      return .userInitiated
    case "VirtualMachinePreempted": return .preemption
    case "LiveMigrationSucceeded", "LiveMigrationFailure", "VirtualMachineRebootInitiatedForPlannedMaintenance",
      "VirtualMachineMigrationInitiatedForPlannedMaintenance", "VirtualMachinePlannedFreezeStarted",
      "VirtualMachinePlannedFreezeSucceeded", "VirtualMachinePlannedFreezeFailed",
      "VirtualMachineMigrationScheduledForDegradedHardware", "VirtualMachineScheduledForServiceHealing":
      return .maintenance
    default:
      let ctx = (context ?? "").lowercased()
      if ctx.contains("customer") { return .userInitiated }
      if ctx.contains("vm initiated") { return .guestCrash }
      if ctx.contains("platform"), (category ?? "").lowercased() == "unplanned" { return .hostFailure }
      if (category ?? "").lowercased() == "planned" { return .maintenance }
      return .informational
    }
  }

  static func annotation(_ n: NoticeNode, props: NoticeNode?, into p: inout NoticeParser) {
    let name = props?["annotationName"]?.text ?? n["name"]?.text ?? "ResourceAnnotation"
    let effect = annotationEffect(name: name, context: props?["context"]?.text, category: props?["category"]?.text)
    let text = [props?["summary"]?.text, props?["details"]?.text].compactMap { $0 }.joined(separator: ": ")
    let time = ["occurredTime", "occuredTime", "eventTime", "reportedTime"].lazy
      .compactMap { NoticeTime.parse(props?[$0]) }.first
    p.add(.azure, name, effect, start: time, end: nil, resources: targetResource(n, props: props).map { [$0] } ?? [],
      text: text, at: n)
  }

  static func availability(_ n: NoticeNode, props: NoticeNode?, into p: inout NoticeParser) {
    let state = props?["availabilityState"]?.text ?? "Unknown"
    let reason = (props?["reasonType"]?.text ?? "").lowercased()
    let summary = props?["summary"]?.text ?? ""
    let effect: NoticeEffect
    switch (state.lowercased(), reason) {
    case (_, "userinitiated"): effect = .userInitiated
    case ("unavailable", "unplanned"): effect = .hostFailure
    case ("unavailable", "planned"): effect = .maintenance
    default: effect = .informational
    }
    var text = summary
    if let d = props?["detailedStatus"]?.text, !d.isEmpty { text += text.isEmpty ? d : ": \(d)" }
    if text.isEmpty { text = "availability \(state)" }
    var start = NoticeTime.parse(props?["occuredTime"]) ?? NoticeTime.parse(props?["occurredTime"])
    var end: Int64?
    if let rr = props?["recentlyResolved"], rr.isObject {
      start = start ?? NoticeTime.parse(rr["unavailableOccuredTime"]) ?? NoticeTime.parse(rr["unavailableOccurredTime"])
      end = NoticeTime.parse(rr["resolvedTime"])
      if let s = rr["unavailableSummary"]?.text, !s.isEmpty { text += " (recently resolved: \(s))" }
    }
    p.add(.azure, "availabilityState:\(state)", effect, start: start, end: end,
      resources: targetResource(n, props: props).map { [$0] } ?? [], text: text, at: n)
  }

  // MARK: - Scheduled Events

  static func scheduledEvent(_ e: NoticeNode, into p: inout NoticeParser) {
    let type = e["EventType"]?.text ?? "ScheduledEvent"
    let effect: NoticeEffect
    if (e["EventSource"]?.text ?? "").lowercased() == "user" {
      effect = .userInitiated
    } else if type == "Preempt" {
      effect = .preemption
    } else if ["Freeze", "Reboot", "Redeploy", "Terminate"].contains(type) {
      effect = .maintenance
    } else {
      effect = .informational
    }
    let start = NoticeTime.parse(e["NotBefore"])
    var end: Int64?
    if let s = start, let d = e["DurationInSeconds"]?.number, d > 0 { end = s + Int64(d * 1_000_000) }
    var text = e["Description"]?.text ?? ""
    if let status = e["EventStatus"]?.text { text += text.isEmpty ? status : " (\(status))" }
    p.add(.azure, type, effect, start: start, end: end, resources: e["Resources"]?.strings ?? [], text: text, at: e)
  }
}
