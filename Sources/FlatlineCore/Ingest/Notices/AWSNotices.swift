import Foundation

/// AWS shapes: Health events (EventBridge and `aws health` CLI), EC2 instance status events, instance-metadata
/// maintenance events, EC2 state changes and state reasons, CloudTrail instance stop/reboot calls.
enum AWSNotices {
  // MARK: - Effects

  /// What an AWS Health event type says about the host under the instance.
  static func healthEffect(code: String, category: String?, text: String) -> NoticeEffect {
    let c = code.uppercased()
    // Automatic recovery moves or restarts the instance after a host problem: memory lost, uptime reset.
    if c.contains("AUTO_RECOVERY") { return .hostFailure }
    if c.contains("HARDWARE"), c.contains("DEGRADED") || c.contains("FAILURE") || c.contains("FAILED") {
      return .hostFailure
    }
    if c.contains("SPOT") && (c.contains("INTERRUPT") || c.contains("TERMINAT")) { return .preemption }
    if category == "scheduledChange" || c.contains("MAINTENANCE") || c.contains("RETIREMENT")
      || c.contains("PLANNED_LIFECYCLE") || c.hasSuffix("_SCHEDULED")
    {
      return .maintenance
    }
    if category == "issue", NoticeParser.mentionsHostFailure(text) { return .hostFailure }
    // Degraded but running (instance store, network, EBS performance), account notices, public issues.
    return .informational
  }

  /// The event type code inside a Health event ARN
  /// (`arn:aws:health:us-east-1::event/EC2/AWS_EC2_…_SCHEDULED/AWS_EC2_…_SCHEDULED3d77…`).
  static func eventTypeCode(fromArn arn: String) -> String? {
    guard let r = arn.range(of: ":event/") else { return nil }
    let parts = arn[r.upperBound...].split(separator: "/")
    if parts.count >= 3 { return String(parts[1]) }
    if let last = parts.last {
      // Older form `event/AWS_EC2_…_90353408594353980`: drop a trailing `_<digits>`.
      var s = String(last)
      if let u = s.lastIndex(of: "_"), s[s.index(after: u)...].allSatisfy(\.isNumber) { s = String(s[..<u]) }
      return s
    }
    return nil
  }

  // MARK: - Shapes

  /// EventBridge envelope (`detail-type`, `source`, `detail`).
  static func eventBridge(_ n: NoticeNode, detail: NoticeNode, into p: inout NoticeParser) -> Bool {
    let source = n["source"]?.text ?? ""
    let detailType = n["detail-type"]?.text ?? ""
    if source == "aws.health" || detail["eventTypeCode"] != nil {
      health(detail, envelope: n, into: &p)
      return true
    }
    if detailType == "EC2 Instance State-change Notification" {
      let state = detail["state"]?.text ?? "?"
      var resources = n["resources"]?.strings ?? []
      if let id = detail["instance-id"]?.text { resources.insert(id, at: 0) }
      p.add(
        .aws, detailType, .informational, start: NoticeTime.parse(n["time"]), end: nil, resources: resources,
        text: "instance \(detail["instance-id"]?.text ?? "?") is \(state)", at: n)
      return true
    }
    if detail["eventName"] != nil {  // "AWS API Call via CloudTrail"
      return cloudTrail(detail, at: n, into: &p)
    }
    return false
  }

  /// One AWS Health event: EventBridge `detail` (RFC 1123 times) or a CLI `events[]` item (epoch times).
  static func health(_ e: NoticeNode, envelope: NoticeNode?, description: String? = nil, into p: inout NoticeParser) {
    let arn = e["eventArn"]?.text ?? e["arn"]?.text
    let code = e["eventTypeCode"]?.text ?? arn.flatMap(eventTypeCode(fromArn:)) ?? "AWS Health event"
    let category = e["eventTypeCategory"]?.text
    var texts: [String] = []
    if let d = description { texts.append(d) }
    for d in e["eventDescription"]?.array ?? [] {
      if let t = d["latestDescription"]?.text { texts.append(t) }
    }
    if let t = e["eventDescription"]?["latestDescription"]?.text { texts.append(t) }
    var text = texts.first ?? ""
    if text.isEmpty {
      text = [e["service"]?.text, category, e["statusCode"]?.text.map { "status \($0)" }]
        .compactMap { $0 }.joined(separator: ", ")
    }
    var resources: [String] = []
    for entity in e["affectedEntities"]?.array ?? [] {
      if let v = entity["entityValue"]?.text { resources.append(v) }
    }
    resources += envelope?["resources"]?.strings ?? []
    let start = NoticeTime.parse(e["startTime"]) ?? NoticeTime.parse(envelope?["time"])
    p.add(
      .aws, code, healthEffect(code: code, category: category, text: text), start: start,
      end: NoticeTime.parse(e["endTime"]), resources: resources, text: text, at: envelope ?? e, arn: arn)
  }

  static func recognise(_ n: NoticeNode, into p: inout NoticeParser) -> Bool {
    // `aws health describe-events` item.
    if n["eventTypeCode"] != nil, n["arn"] != nil || n["eventArn"] != nil || n["startTime"] != nil {
      health(n, envelope: nil, into: &p)
      return true
    }
    // `describe-event-details` item.
    if let event = n["event"], event["eventTypeCode"] != nil {
      health(event, envelope: nil, description: n["eventDescription"]?["latestDescription"]?.text, into: &p)
      return true
    }
    // `describe-affected-entities` item.
    if let value = n["entityValue"]?.text, let arn = n["eventArn"]?.text {
      p.entities.append(NoticeReader.Entity(eventArn: arn, value: value, line: n.line, source: p.path))
      return true
    }
    // `describe-instance-status` item.
    if let id = n["InstanceId"]?.text, n["Events"] != nil || n["SystemStatus"] != nil || n["InstanceStatus"] != nil {
      instanceStatus(n, id: id, into: &p)
      return true
    }
    // `describe-instances` instance (full output or the catalog's --query form) with a state reason.
    if let id = n["InstanceId"]?.text ?? n["id"]?.text, id.hasPrefix("i-"),
      let reason = n["StateReason"] ?? n["reason"], reason.isObject
    {
      stateReason(n, id: id, reason: reason, into: &p)
      return true
    }
    if n["InstanceId"] != nil, n["State"] != nil {  // instance without a state reason: nothing to say
      p.ignored += 1
      return true
    }
    // Instance-metadata maintenance event (`…/events/maintenance/scheduled|history`).
    if let code = n["Code"]?.text, n["NotBefore"] != nil, n["EventId"] != nil || n["State"] != nil {
      imds(n, code: code, into: &p)
      return true
    }
    // CloudTrail record (`Records[]`) or `lookup-events` item.
    if n["eventName"] != nil || n["EventName"] != nil {
      return cloudTrail(n, at: n, into: &p)
    }
    return false
  }

  static func scheduledEffect(_ description: String) -> NoticeEffect {
    description.hasPrefix("[Canceled]") || description.hasPrefix("[Cancelled]") ? .informational : .maintenance
  }

  static func instanceStatus(_ n: NoticeNode, id: String, into p: inout NoticeParser) {
    for e in n["Events"]?.array ?? [] {
      let code = e["Code"]?.text ?? "instance-event"
      let description = e["Description"]?.text ?? ""
      p.add(
        .aws, code, scheduledEffect(description), start: NoticeTime.parse(e["NotBefore"]),
        end: NoticeTime.parse(e["NotAfter"]), resources: [id], text: description, at: e)
    }
    // Failed status checks: the system check watches the host under the instance, the instance check the guest.
    for (key, effect) in [("SystemStatus", NoticeEffect.hostFailure), ("InstanceStatus", .informational)] {
      guard let status = n[key], status["Status"]?.text == "impaired" else { continue }
      for d in status["Details"]?.array ?? [] where d["Status"]?.text == "failed" {
        let check = d["Name"]?.text ?? "reachability"
        let what = key == "SystemStatus" ? "system status check" : "instance status check"
        p.add(
          .aws, "\(key):\(check)", effect, start: NoticeTime.parse(d["ImpairedSince"]), end: nil, resources: [id],
          text: "\(what) \(check) failed (impaired)", at: d)
      }
    }
  }

  static func stateReason(_ n: NoticeNode, id: String, reason: NoticeNode, into p: inout NoticeParser) {
    let code = reason["Code"]?.text ?? ""
    let message = reason["Message"]?.text ?? ""
    let effect: NoticeEffect
    if code == "Client.InstanceInitiatedShutdown" {
      effect = .guestCrash  // shut down from inside the guest OS
    } else if code.hasPrefix("Client.") {
      effect = .userInitiated
    } else if code == "Server.ScheduledStop" {
      effect = .maintenance
    } else if code.hasPrefix("Server.Spot") {
      effect = .preemption
    } else {
      effect = .informational
    }
    // `StateTransitionReason`: "User initiated (2019-03-14 20:00:00 GMT)".
    var time: Int64?
    if let str = n["StateTransitionReason"]?.text, let open = str.lastIndex(of: "("), let close = str.lastIndex(of: ")"),
      open < close
    {
      var inner = String(str[str.index(after: open)..<close])
      for zone in [" GMT", " UTC"] where inner.hasSuffix(zone) { inner = String(inner.dropLast(zone.count)) }
      time = NoticeTime.parse(inner)
    }
    var resources = [id]
    if let ip = n["PrivateIpAddress"]?.text { resources.append(ip) }
    if let dns = n["PrivateDnsName"]?.text { resources.append(dns) }
    let state = n["State"]?["Name"]?.text ?? n["state"]?["Name"]?.text
    let text = [message, state.map { "state \($0)" }].compactMap { $0 }.filter { !$0.isEmpty }
      .joined(separator: "; ")
    p.add(.aws, code.isEmpty ? "StateReason" : code, effect, start: time, end: nil, resources: resources,
      text: text, at: n)
  }

  static func imds(_ n: NoticeNode, code: String, into p: inout NoticeParser) {
    let description = n["Description"]?.text ?? ""
    var effect = scheduledEffect(description)
    if n["State"]?.text == "canceled" { effect = .informational }
    var text = description
    if let state = n["State"]?.text { text += " (\(state))" }
    p.add(
      .aws, code, effect, start: NoticeTime.parse(n["NotBefore"]), end: NoticeTime.parse(n["NotAfter"]),
      resources: [], text: text, at: n)
  }

  /// CloudTrail `StopInstances` / `RebootInstances` / `TerminateInstances`: someone asked for it.
  static func cloudTrail(_ n: NoticeNode, at anchor: NoticeNode, into p: inout NoticeParser) -> Bool {
    let name = n["eventName"]?.text ?? n["EventName"]?.text ?? ""
    guard ["StopInstances", "RebootInstances", "TerminateInstances"].contains(name) else {
      p.ignored += 1
      return true
    }
    var resources: [String] = []
    for item in n.at("requestParameters.instancesSet.items")?.array ?? [] {
      if let id = item["instanceId"]?.text { resources.append(id) }
    }
    for r in n["Resources"]?.array ?? [] {
      if let v = r["ResourceName"]?.text, v.hasPrefix("i-") { resources.append(v) }
    }
    var who = n.at("userIdentity.arn")?.text ?? n["Username"]?.text
    // lookup-events keeps the whole record as a JSON string.
    if let embedded = n["CloudTrailEvent"]?.text, let inner = NoticeJSON.parse(Array(embedded.utf8)) {
      for item in inner.at("requestParameters.instancesSet.items")?.array ?? [] {
        if let id = item["instanceId"]?.text { resources.append(id) }
      }
      who = who ?? inner.at("userIdentity.arn")?.text
    }
    let force = n.at("requestParameters.force")?.string == "true" ? " (force)" : ""
    let text = "\(name)\(force) called" + (who.map { " by \($0)" } ?? "")
    p.add(
      .aws, name, .userInitiated, start: NoticeTime.parse(n["eventTime"]) ?? NoticeTime.parse(n["EventTime"]),
      end: nil, resources: resources, text: text, at: anchor)
    return true
  }
}
