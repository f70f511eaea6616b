import Foundation

/// Reads cloud-provider and operator notice files into `CloudNotice`s.
///
/// A file may hold one JSON document (object or array), JSON lines (one event per line: EventBridge archives,
/// log exports) or YAML (operator notices). Every known event shape found anywhere in the document becomes one
/// notice: AWS Health (EventBridge and `aws health` CLI output), EC2 instance status events, EC2 instance-metadata
/// maintenance events, EC2 state reasons and CloudTrail stop/reboot calls, GCP Cloud Logging audit entries and
/// Compute operations, Azure Activity Log / Resource Health records and Scheduled Events, and operator notices.
/// See docs/notices.md.
///
/// Bad input never stops the reading: unreadable files, broken JSON, objects of no known shape and invalid
/// operator notices become warnings on the file's input (`file:line: message` for operator notices).
public enum NoticeReader {
  /// Largest notice file read (notice exports are small; a larger file is cut here with a warning).
  static let maxFileSize = 64 << 20

  /// Reads one notice file, or every file under a folder.
  public static func read(path: String, registry: InputRegistry) -> [CloudNotice] {
    read(paths: [path], registry: registry)
  }

  /// Reads notice files and folders. AWS `describe-affected-entities` output found in any of them is joined to
  /// the events it names (by event ARN), so the entity list and the events may come in separate files.
  public static func read(paths: [String], registry: InputRegistry) -> [CloudNotice] {
    var seen = Set<String>()
    var files: [String] = []
    for path in paths {
      for file in expand(path, registry: registry) where !seen.contains(file) {
        seen.insert(file)
        files.append(file)
      }
    }
    var all = FileResult()
    for file in files {
      let r = readFile(file, registry: registry)
      all.notices += r.notices
      all.arns += r.arns
      all.entities += r.entities
    }
    return joinEntities(all)
  }

  // MARK: - Files

  /// Regular files of `path` (itself, or every file below a folder, sorted). Missing paths are listed as skipped.
  static func expand(_ path: String, registry: InputRegistry) -> [String] {
    var isDir: ObjCBool = false
    guard FileManager.default.fileExists(atPath: path, isDirectory: &isDir) else {
      registry.skip(path: path, reason: "no such file or directory")
      return []
    }
    guard isDir.boolValue else { return [path] }
    guard let names = try? FileManager.default.subpathsOfDirectory(atPath: path) else {
      registry.skip(path: path, reason: "cannot list directory")
      return []
    }
    let prefix = path.hasSuffix("/") ? path : path + "/"
    return names.sorted().compactMap { name -> String? in
      let full = prefix + name
      var sub: ObjCBool = false
      guard FileManager.default.fileExists(atPath: full, isDirectory: &sub), !sub.boolValue else { return nil }
      if name.split(separator: "/").contains(where: { $0.hasPrefix(".") }) { return nil }
      return full
    }
  }

  struct Entity {
    var eventArn: String
    var value: String
    var line: Int?
    var source: String
  }

  struct FileResult {
    var notices: [CloudNotice] = []
    /// AWS Health event ARN of each notice (nil for others), to join affected entities.
    var arns: [String?] = []
    var entities: [Entity] = []
  }

  static func readFile(_ path: String, registry: InputRegistry) -> FileResult {
    let index = registry.register(path: path, kind: .cloudNotice)
    let head: LineReader.Head
    switch LineReader.head(path: path, limit: maxFileSize) {
    case .failure(let e):
      registry.warn(index, "cannot read: \(e.reason)")
      return FileResult()
    case .success(let h): head = h
    }
    if !head.complete {
      registry.warn(index, "larger than \(maxFileSize >> 20) MiB; only the start was read")
    }
    var parser = NoticeParser(path: path)
    parser.parse(head.data)
    for w in parser.warnings { registry.warn(index, w) }
    if parser.skipped > 0 { registry.addSkipped(index, parser.skipped) }
    registry.addRecords(index, parser.notices.count + parser.entities.count)
    return FileResult(notices: parser.notices, arns: parser.arns, entities: parser.entities)
  }

  /// Adds affected entities to the AWS Health notices of the same event ARN; entities of events not read become
  /// notices of their own (type from the ARN, time unknown).
  static func joinEntities(_ r: FileResult) -> [CloudNotice] {
    var notices = r.notices
    var byArn: [String: [Int]] = [:]
    for (i, arn) in r.arns.enumerated() {
      if let arn { byArn[arn, default: []].append(i) }
    }
    var orphans: [String: (first: Entity, values: [String])] = [:]
    var orphanOrder: [String] = []
    for e in r.entities {
      if let idx = byArn[e.eventArn] {
        for i in idx { NoticeParser.addResource(e.value, to: &notices[i].resources) }
      } else {
        if orphans[e.eventArn] == nil {
          orphans[e.eventArn] = (e, [])
          orphanOrder.append(e.eventArn)
        }
        orphans[e.eventArn]!.values.append(e.value)
      }
    }
    for arn in orphanOrder {
      guard let o = orphans[arn] else { continue }
      let code = AWSNotices.eventTypeCode(fromArn: arn) ?? "AWS Health event"
      var resources: [String] = []
      for v in o.values { NoticeParser.addResource(v, to: &resources) }
      let n = CloudNotice(
        provider: .aws, eventType: code, effect: AWSNotices.healthEffect(code: code, category: nil, text: ""),
        start: nil, end: nil, resources: resources,
        text: "affected entities of \(arn) (event details not given; time unknown)", source: o.first.source,
        line: o.first.line)
      notices.append(n)
    }
    return notices
  }
}

/// Walks one file's documents and turns every recognised event object into a notice.
struct NoticeParser {
  let path: String
  var notices: [CloudNotice] = []
  /// AWS Health event ARN per notice (parallel to `notices`).
  var arns: [String?] = []
  var entities: [NoticeReader.Entity] = []
  var warnings: [String] = []
  /// Objects or lines that could not be used.
  var skipped = 0
  /// Objects of a known export that are not about instance availability (other CloudTrail calls, other
  /// activity-log operations): read and dropped without a warning.
  var ignored = 0
  var unrecognised = 0
  var firstUnrecognisedLine: Int?
  /// Operation ids already turned into a notice (GCP `operation.id`, Azure `correlationId`), to drop the
  /// second entry of start/finish pairs.
  var seenOperations = Set<String>()

  init(path: String) { self.path = path }

  // MARK: - Documents

  mutating func parse(_ data: [UInt8]) {
    var start = 0
    if data.count >= 3, data[0] == 0xEF, data[1] == 0xBB, data[2] == 0xBF { start = 3 }  // UTF-8 BOM
    var i = start
    var line = 1
    while i < data.count, [9, 10, 13, 32].contains(data[i]) {
      if data[i] == 10 { line += 1 }
      i += 1
    }
    guard i < data.count else {
      warnings.append("empty notice file")
      return
    }
    let lower = path.lowercased()
    let yamlName = lower.hasSuffix(".yaml") || lower.hasSuffix(".yml")
    if data[i] == 123 || data[i] == 91 {  // { [
      if let root = NoticeJSON.parse(data, from: start) {
        collect(root)
        finish()
        return
      }
      if parseJSONLines(data, from: start) {
        finish()
        return
      }
      if !yamlName {
        warnings.append("not valid JSON (nor JSON lines): \(jsonError(data, from: start))")
        skipped += 1
        return
      }
    }
    let text = String(decoding: data[start...], as: UTF8.self)
    switch NoticeYAML.parse(text) {
    case .failure(let f):
      warnings.append(location(f.line) + f.message)
      skipped += 1
    case .success(let root):
      guard let root else {
        warnings.append("empty notice file")
        return
      }
      if root.string != nil {
        warnings.append("not JSON or YAML notices (plain text); for a pasted support reply use an operator notice "
          + "file (docs/notices.md)")
        skipped += 1
        return
      }
      collect(root)
      finish()
    }
  }

  /// JSON lines: every non-empty line one document. False when not a single line parses.
  mutating func parseJSONLines(_ data: [UInt8], from: Int) -> Bool {
    var lineNo = 0
    var s = from
    var parsed = 0
    var bad: [Int] = []
    while s < data.count {
      var e = s
      while e < data.count, data[e] != 10 { e += 1 }
      lineNo += 1
      var a = s
      var b = e
      while a < b, [9, 13, 32].contains(data[a]) { a += 1 }
      while b > a, [9, 13, 32].contains(data[b - 1]) { b -= 1 }
      if a < b {
        if let node = NoticeJSON.parse(data, from: a, to: b, firstLine: lineNo) {
          parsed += 1
          collect(node)
        } else {
          bad.append(lineNo)
        }
      }
      s = e + 1
    }
    guard parsed > 0 else { return false }
    if !bad.isEmpty {
      skipped += bad.count
      let shown = bad.prefix(5).map(String.init).joined(separator: ", ")
      warnings.append("\(bad.count) line(s) are not valid JSON and were skipped (line \(shown)\(bad.count > 5 ? ", …" : ""))")
    }
    return true
  }

  func jsonError(_ data: [UInt8], from: Int) -> String {
    do {
      _ = try JSONSerialization.jsonObject(with: Data(data[from...]), options: [.fragmentsAllowed])
      return "unknown error"
    } catch {
      let ns = error as NSError
      if let d = ns.userInfo[NSDebugDescriptionErrorKey] as? String { return d }
      return "\(error)"
    }
  }

  mutating func finish() {
    if unrecognised > 0 {
      skipped += unrecognised
      let at = firstUnrecognisedLine.map { " (first at line \($0))" } ?? ""
      if notices.isEmpty && entities.isEmpty {
        warnings.append("no recognised cloud or operator notice: \(unrecognised) object(s) of unknown shape\(at)")
      } else {
        warnings.append("\(unrecognised) object(s) not recognised as notices\(at)")
      }
    } else if notices.isEmpty && entities.isEmpty && warnings.isEmpty {
      if ignored > 0 {
        warnings.append("no notice about instance availability: \(ignored) other event(s) ignored")
      } else {
        warnings.append("no recognised cloud or operator notice in this file")
      }
    }
  }

  func location(_ line: Int?) -> String {
    if let line { return "\(path):\(line): " }
    return "\(path): "
  }

  // MARK: - Walking

  /// Finds the events in `node`: a recognised event becomes a notice; known wrappers are opened; anything else is
  /// counted as unrecognised.
  mutating func collect(_ node: NoticeNode) {
    if let items = node.array {
      for item in items { collect(item) }
      return
    }
    guard node.isObject else {
      noteUnrecognised(node)
      return
    }
    if recognise(node) { return }
    // Wrappers of lists of events (member names as written, so `events` and `Events` are not opened twice).
    var opened = false
    for (key, list) in node.members ?? [] where NoticeParser.wrappers.contains(key) && list.array != nil {
      opened = true
      if key == "notices" {
        for item in list.array ?? [] { operatorNotice(item) }
      } else {
        collect(list)
      }
    }
    if !opened { noteUnrecognised(node) }
  }

  static let wrappers: Set<String> = [
    "events", "Events", "entities", "successfulSet", "InstanceStatuses", "Reservations", "Instances", "Records",
    "value", "data", "items", "entries", "notices",
  ]

  mutating func noteUnrecognised(_ node: NoticeNode) {
    unrecognised += 1
    if firstUnrecognisedLine == nil { firstUnrecognisedLine = node.line }
  }

  /// Tries every known single-event shape; true when the object was handled (read or deliberately ignored).
  mutating func recognise(_ n: NoticeNode) -> Bool {
    // Operator notice (a single one, or a list under `notices:`).
    if n["notices"]?.array != nil { return false }
    if OperatorNotices.looksLikeOne(n) {
      operatorNotice(n)
      return true
    }
    // EventBridge envelope.
    if n["detail-type"] != nil, let detail = n["detail"], detail.isObject {
      return AWSNotices.eventBridge(n, detail: detail, into: &self)
    }
    // Azure activity-log alert payload.
    if let activity = n.at("data.context.activityLog"), activity.isObject {
      return AzureNotices.activityLog(activity, at: n, into: &self)
    }
    if AWSNotices.recognise(n, into: &self) { return true }
    if GCPNotices.recognise(n, into: &self) { return true }
    if AzureNotices.recognise(n, into: &self) { return true }
    return false
  }

  mutating func operatorNotice(_ n: NoticeNode) {
    switch OperatorNotices.notice(n, path: path) {
    case .success(let notice):
      notices.append(notice)
      arns.append(nil)
    case .failure(let errors):
      skipped += 1
      for e in errors.list { warnings.append(location(e.line) + e.message) }
    }
  }

  // MARK: - Helpers for the providers

  mutating func add(
    _ provider: CloudProvider, _ eventType: String, _ effect: NoticeEffect, start: Int64?, end: Int64?,
    resources: [String], text: String, at node: NoticeNode, arn: String? = nil
  ) {
    var res: [String] = []
    for r in resources { NoticeParser.addResource(r, to: &res) }
    notices.append(
      CloudNotice(
        provider: provider, eventType: eventType, effect: effect, start: start, end: end, resources: res,
        text: text.trimmingCharacters(in: .whitespacesAndNewlines), source: path, line: node.line))
    arns.append(arn)
  }

  /// Adds a resource and the forms a host map can match: the instance id inside an EC2 ARN
  /// (`arn:aws:ec2:…:instance/i-…`), the VM name at the end of an Azure resource id, the instance name at the end
  /// of a GCE resource name. Duplicates are dropped.
  static func addResource(_ raw: String, to list: inout [String]) {
    let r = raw.trimmingCharacters(in: .whitespacesAndNewlines)
    guard !r.isEmpty else { return }
    func add(_ s: String) { if !list.contains(s) { list.append(s) } }
    if r.hasPrefix("arn:"), let range = r.range(of: ":instance/") {
      add(String(r[range.upperBound...]))
    }
    let lower = r.lowercased()
    for marker in ["/virtualmachines/", "/instances/"] where lower.contains(marker) {
      if let range = lower.range(of: marker, options: .backwards) {
        let tail = r[range.upperBound...].split(separator: "/").first.map(String.init) ?? ""
        if !tail.isEmpty { add(tail) }
      }
    }
    add(r)
  }

  /// True when a text contains one of the phrases providers and support use for a failure of the machine under
  /// the VM (`underlying host`, `underlying hardware`, `hardware failure`…).
  static func mentionsHostFailure(_ text: String) -> Bool {
    let t = text.lowercased()
    return [
      "underlying host", "underlying hardware", "underlying physical", "hardware failure", "host failure",
      "host server", "host error", "hardware degradation", "degraded hardware", "physical host",
    ].contains { t.contains($0) }
  }
}
