import Foundation

/// Which host a cloud instance is: from a `--host-map` file, from the logs themselves (`InstanceIdentity`), and
/// from host names that are instance names (GCE and Azure default host names).
///
/// `host(for:)` resolves a notice in this order: the host the notice names (operator notices), an explicit map
/// entry for one of its resources, an instance id learned from the logs, a private IP that an EC2 default host
/// name (`ip-10-0-1-23`) encodes, and finally a host whose short name equals an instance name the notice gives
/// (case-insensitive).
public struct HostMap: Sendable {
  /// Explicit `instance → host` pairs (keys lowercased).
  public private(set) var explicit: [String: String] = [:]
  /// `instance → host` learned from the logs (keys lowercased).
  public private(set) var learned: [String: String] = [:]
  /// Host names known from the analysis (`addHost`).
  public private(set) var hosts: [String] = []
  /// `private IPv4 → host` from EC2 default host names. AWS notices do not name IPs, so this only helps when a
  /// notice (e.g. `describe-instances` output) carries the private IP.
  public private(set) var privateIPs: [String: String] = [:]

  public init() {}

  /// An error in a host map file, as `file:line: message`.
  public struct LoadError: Error, CustomStringConvertible, Sendable {
    public var description: String
  }

  /// Reads a host map: YAML or JSON mapping `instance: host`, a YAML/JSON list of `{instance: …, host: …}`, or
  /// plain text lines `instance host` (`#` starts a comment).
  public static func load(path: String) throws -> HostMap {
    guard let data = FileManager.default.contents(atPath: path) else {
      var isDir: ObjCBool = false
      let exists = FileManager.default.fileExists(atPath: path, isDirectory: &isDir)
      let why = !exists ? "no such file" : isDir.boolValue ? "is a directory" : "cannot read"
      throw LoadError(description: "\(path): \(why)")
    }
    return try parse(String(decoding: data, as: UTF8.self), path: path)
  }

  /// Parses host map text (see `load(path:)`); `path` names the file in errors.
  public static func parse(_ text: String, path: String) throws -> HostMap {
    var map = HostMap()
    func fail(_ line: Int?, _ message: String) -> LoadError {
      LoadError(description: "\(path):\(line.map(String.init) ?? "1"): \(message)")
    }
    var node: NoticeNode?
    let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
    if trimmed.hasPrefix("{") || trimmed.hasPrefix("[") {
      node = NoticeJSON.parse(Array(text.utf8))
      if node == nil { throw fail(nil, "not valid JSON") }
    } else if case .success(let yaml) = NoticeYAML.parse(text), let yaml, yaml.string == nil {
      node = yaml
    }
    guard let node else {
      // Plain text: `instance host` per line.
      for (i, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
        var line = Substring(raw)
        if let hash = line.firstIndex(of: "#") { line = line[..<hash] }
        let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\r" || $0 == "," })
        if fields.isEmpty { continue }
        guard fields.count == 2 else {
          throw fail(i + 1, "expected 'instance host' (two words), found \(fields.count)")
        }
        map.add(instance: String(fields[0]), host: String(fields[1]))
      }
      return map
    }
    if let members = node.members {
      for (key, value) in members {
        guard let host = value.text else { throw fail(value.line, "'\(key)': expected a host name") }
        map.add(instance: key, host: host)
      }
    } else if let items = node.array {
      for item in items {
        guard let instance = item["instance"]?.text, let host = item["host"]?.text else {
          throw fail(item.line, "expected {instance: …, host: …}")
        }
        map.add(instance: instance, host: host)
      }
    }
    return map
  }

  /// Adds an explicit pair (a later pair for the same instance replaces the earlier one).
  public mutating func add(instance: String, host: String) {
    explicit[instance.lowercased()] = host
  }

  /// Adds a pair learned from the logs. The first host seen for an instance keeps it.
  public mutating func learn(instance: String, host: String) {
    let key = instance.lowercased()
    if learned[key] == nil { learned[key] = host }
  }

  /// Adds a host name known from the analysis (names and aliases), used to match instance names and EC2
  /// default host names.
  public mutating func addHost(_ name: String) {
    guard !name.isEmpty, !hosts.contains(name) else { return }
    hosts.append(name)
    if let ip = HostMap.ec2PrivateIP(hostName: name), privateIPs[ip] == nil { privateIPs[ip] = name }
  }

  /// The private IPv4 an EC2 default host name encodes: `ip-10-0-1-23` (also with `.ec2.internal` or
  /// `.<region>.compute.internal`) → `10.0.1.23`.
  public static func ec2PrivateIP(hostName: String) -> String? {
    let short = hostName.split(separator: ".").first.map(String.init) ?? hostName
    guard short.hasPrefix("ip-") else { return nil }
    let parts = short.dropFirst(3).split(separator: "-", omittingEmptySubsequences: false)
    guard parts.count == 4, parts.allSatisfy({ p in p.count <= 3 && !p.isEmpty && p.allSatisfy(\.isASCII) && Int(p).map { $0 <= 255 } ?? false })
    else { return nil }
    return parts.joined(separator: ".")
  }

  /// The host of an instance id or name by the explicit map or learned ids.
  public func host(forInstance instance: String) -> String? {
    let key = instance.lowercased()
    return explicit[key] ?? learned[key]
  }

  /// The host a notice is about, or nil when it cannot be told.
  public func host(for notice: CloudNotice) -> String? {
    if let h = notice.host, !h.isEmpty {
      return hosts.first { $0.lowercased() == h.lowercased() } ?? explicit[h.lowercased()] ?? h
    }
    let keys = notice.resources.map { $0.lowercased() }
    for k in keys { if let h = explicit[k] { return h } }
    for k in keys { if let h = learned[k] { return h } }
    for k in keys { if let h = privateIPs[k] { return h } }
    for k in keys where !HostMap.isIPv4(k) && !k.contains("/") && !k.allSatisfy(\.isNumber) {
      let shortK = k.split(separator: ".").first.map(String.init) ?? k
      if let h = hosts.first(where: { host in
        let l = host.lowercased()
        return l == k || (l.split(separator: ".").first.map(String.init) ?? l) == shortK
      }) {
        return h
      }
    }
    return nil
  }

  static func isIPv4(_ s: String) -> Bool {
    let p = s.split(separator: ".", omittingEmptySubsequences: false)
    return p.count == 4 && p.allSatisfy { !$0.isEmpty && $0.count <= 3 && $0.allSatisfy(\.isNumber) }
  }
}
