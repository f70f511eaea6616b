import FlatlineBenchKit
import Foundation

/// User rules for the "10× the built-in rules" run: realistic shapes (a program filter on a service that is in
/// the corpus or not, two or three literal anchors made of ordinary log words, a regex with a capture on some),
/// none of which fires on the corpus, so the answer stays the planted one.
enum SyntheticRules {
  static let identifiers = [
    "sshd", "CRON", "systemd", "dockerd", "containerd", "kubelet", "postgres", "mysqld", "NetworkManager", "snapd",
    "systemd-resolved", "nginx", "haproxy", "redis-server", "myapp", "payments-api", "kernel",
  ]
  static let words = [
    "connection", "timeout", "session", "failed", "worker", "queue", "request", "upstream", "volume", "lease",
    "checkpoint", "replica", "snapshot", "token", "handshake", "cluster", "shard", "buffer", "socket", "daemon",
    "process", "signal", "restart", "backend", "storage", "mount", "device", "memory", "cache", "index",
  ]

  static func write(dir: String, count: Int) throws {
    try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
    let path = "\(dir)/synthetic.yml"
    if FileManager.default.fileExists(atPath: path) { return }
    var r = SeededRandom(seed: 0x5EED)
    var y = "rules:\n"
    for k in 0..<count {
      let ident = identifiers[r.below(identifiers.count)]
      let a = words[r.below(words.count)]
      let b = words[r.below(words.count)]
      let c = words[r.below(words.count)]
      y += "  - id: synthetic.rule-\(k)\n"
      y += "    title: synthetic user rule \(k)\n"
      y += "    component: synthetic\n"
      y += "    category: \(["crash", "corruption", "storage-error", "crash-recovery"][k % 4])\n"
      if ident == "kernel" {
        y += "    kernel: true\n"
      } else if k % 5 != 0 {
        y += "    identifiers: [\(ident)]\n"
      }
      y += "    anchors: [\"\(a) \(b) error \(k)\", \"\(c) state\"]\n"
      if k % 3 == 0 { y += "    regex: '\(a) \(b) error \(k): (?<detail>\\S+)'\n" }
    }
    try y.write(toFile: path, atomically: true, encoding: .utf8)
  }
}
