import Foundation
import Testing

@testable import FlatlineCore

@Suite struct NoticeSnifferTests {
  func sniff(_ text: String, _ name: String = "x.json") -> Bool {
    NoticeSniffer.looksLikeNotice(head: Array(text.utf8), name: name)
  }

  @Test func everyFixtureIsANotice() throws {
    let names = try FileManager.default.contentsOfDirectory(atPath: NoticeFixtures.dir).sorted()
    for name in names where name != "operator-bad.yaml" {
      let data = try #require(FileManager.default.contents(atPath: NoticeFixtures.path(name)))
      let sniffed = NoticeSniffer.looksLikeNotice(head: Array(data), name: name)
      #expect(sniffed, "\(name)")
    }
  }

  @Test func journalAndOtherJSONAreNot() {
    // journalctl -o json
    #expect(!sniff(#"{"__CURSOR":"s=1","__REALTIME_TIMESTAMP":"1","MESSAGE":"compute.instances.hostError"}"#))
    // Cloud SQL postgres log entry from Cloud Logging (a log, not a notice).
    #expect(!sniff(
      #"{"insertId":"s=a4;i=1dbcc","logName":"projects/p/logs/cloudsql.googleapis.com%2Fpostgres.log","resource":{"labels":{"database_id":"p:db"},"type":"cloudsql_database"},"severity":"INFO","textPayload":"LOG:  connection received","timestamp":"2020-05-02T13:00:20.382318Z"}"#
    ))
    // A GCE instance's own application log forwarded to Cloud Logging.
    #expect(!sniff(#"{"insertId":"1","resource":{"type":"gce_instance"},"textPayload":"hello","timestamp":"2020-05-02T13:00:20Z"}"#))
    #expect(!sniff(#"{"name": "package.json", "version": "1.0.0"}"#))
    #expect(!sniff("start: 2024-05-01\nhost: db-1\n", "notes.txt"))  // operator notices need a .yaml/.yml/.json name
    #expect(!sniff("May  1 10:00:00 db-1 kernel: Linux version 6.1", "syslog"))
  }

  @Test func markers() {
    #expect(sniff(#"{"protoPayload":{"methodName":"compute.instances.hostError"}}"#))
    #expect(sniff(#"[{"kind":"compute#operation","operationType":"hostError"}]"#))
    #expect(sniff(#"{"DocumentIncarnation":1,"Events":[]}"#))
    #expect(sniff(#"{"id":"/subscriptions/x/providers/Microsoft.ResourceHealth/availabilityStatuses/current"}"#))
    #expect(sniff("notices:\n  - start: 2024-05-01\n", "ops.yml"))
    #expect(sniff("# note\nstart: 2024-05-01 10:00\ninstance: i-0abc\n", "ops.yaml"))
  }

  @Test func discoveryClassifiesNoticesAndKeepsCloudSQLSkipped() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("flatline-sniff-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    for name in ["gce-system-events.json", "operator.yaml", "aws-health-archive.jsonl"] {
      try FileManager.default.copyItem(atPath: NoticeFixtures.path(name), toPath: dir.appendingPathComponent(name).path)
    }
    try #"{"__REALTIME_TIMESTAMP":"1700000000000000","MESSAGE":"hello","_HOSTNAME":"h"}"#
      .write(to: dir.appendingPathComponent("journal.json"), atomically: true, encoding: .utf8)
    try #"{"name":"x"}"#.write(to: dir.appendingPathComponent("other.json"), atomically: true, encoding: .utf8)
    let reg = InputRegistry()
    let found = Discovery.discover(paths: [dir.path], registry: reg)
    let notices = found.compactMap { d -> String? in
      if case .cloudNotices(let p) = d { return (p as NSString).lastPathComponent }
      return nil
    }
    #expect(notices == ["aws-health-archive.jsonl", "gce-system-events.json", "operator.yaml"])
    #expect(found.contains { if case .journalJSON = $0 { return true } else { return false } })
    #expect(reg.inputs.map { ($0.path as NSString).lastPathComponent } == ["other.json"])
  }

  @Test(.enabled(if: NoticeFixtures.corpus != nil, "needs ../shared/corpus"))
  func cloudSQLLogIsNotANotice() throws {
    let corpus = try #require(NoticeFixtures.corpus)
    let path = corpus + "/datastores/postgresql/cloudsql.log.gz"
    #expect(Discovery.sniff(path: path, size: 1) != .cloudNotices)
    // Even when given as --notices it yields no notice, only a warning.
    let reg = InputRegistry()
    #expect(NoticeReader.read(path: path, registry: reg).isEmpty)
    #expect(reg.inputs[0].warnings.count == 1)
    #expect(reg.inputs[0].warnings[0].hasPrefix("no notice about instance availability"))
  }
}

@Suite struct HostMapTests {
  func notice(_ resources: [String], host: String? = nil) -> CloudNotice {
    CloudNotice(
      provider: .aws, eventType: "x", effect: .hostFailure, start: nil, end: nil, resources: resources, host: host,
      text: "", source: "t")
  }

  @Test func fileFormats() throws {
    let yaml = try HostMap.parse("i-0aaa: db-1\n# comment\ni-0bbb: db-2\n", path: "m.yaml")
    #expect(yaml.explicit == ["i-0aaa": "db-1", "i-0bbb": "db-2"])
    let list = try HostMap.parse("- instance: i-0AAA\n  host: db-1\n- {instance: web-7, host: web7.example.com}\n", path: "m.yaml")
    #expect(list.explicit == ["i-0aaa": "db-1", "web-7": "web7.example.com"])
    let json = try HostMap.parse(#"[{"instance": "i-0aaa", "host": "db-1"}]"#, path: "m.json")
    #expect(json.explicit == ["i-0aaa": "db-1"])
    let jsonMap = try HostMap.parse(#"{"i-0aaa": "db-1"}"#, path: "m.json")
    #expect(jsonMap.explicit == ["i-0aaa": "db-1"])
    let text = try HostMap.parse("# instance host\ni-0aaa db-1\n\n2074079198322937303\tgce-node  # numeric GCE id\n", path: "m.txt")
    #expect(text.explicit == ["i-0aaa": "db-1", "2074079198322937303": "gce-node"])
  }

  @Test func fileErrors() {
    #expect(throws: HostMap.LoadError.self) { try HostMap.parse("i-0aaa db-1 extra\n", path: "m.txt") }
    do {
      _ = try HostMap.parse("i-0aaa db-1\ni-0bbb\n", path: "m.txt")
      Issue.record("no error")
    } catch {
      #expect("\(error)" == "m.txt:2: expected 'instance host' (two words), found 1")
    }
    do {
      _ = try HostMap.parse("- instance: i-0aaa\n- host: db-2\n", path: "m.yaml")
      Issue.record("no error")
    } catch {
      #expect("\(error)" == "m.yaml:1: expected {instance: …, host: …}")
    }
    #expect(throws: HostMap.LoadError.self) { try HostMap.load(path: "/nonexistent/map.yaml") }
  }

  @Test func resolution() throws {
    var map = try HostMap.parse("i-0aaa db-1\n", path: "m")
    map.learn(instance: "i-0bbb", host: "db-2")
    map.learn(instance: "i-0bbb", host: "other")  // first learned wins
    map.addHost("ip-10-0-1-23.ec2.internal")
    map.addHost("pg-primary")
    map.addHost("WEB-1.us-east1-b.c.proj.internal")
    #expect(map.host(for: notice(["arn:x", "i-0AAA"])) == "db-1")
    #expect(map.host(for: notice(["i-0bbb"])) == "db-2")
    #expect(map.host(for: notice(["i-0ccc", "10.0.1.23"])) == "ip-10-0-1-23.ec2.internal")
    #expect(map.host(for: notice(["pg-primary", "/subscriptions/s/resourceGroups/g/providers/Microsoft.Compute/virtualMachines/pg-primary"])) == "pg-primary")
    #expect(map.host(for: notice(["web-1", "2074079198322937303"])) == "WEB-1.us-east1-b.c.proj.internal")
    #expect(map.host(for: notice(["i-0ddd"])) == nil)
    #expect(map.host(for: notice([], host: "PG-PRIMARY")) == "pg-primary")
    #expect(map.host(for: notice([], host: "elsewhere")) == "elsewhere")
    #expect(HostMap.ec2PrivateIP(hostName: "ip-172-31-5-9") == "172.31.5.9")
    #expect(HostMap.ec2PrivateIP(hostName: "ip-172-31-5") == nil)
    #expect(HostMap.ec2PrivateIP(hostName: "ip-300-1-1-1") == nil)
  }

  func record(_ host: String, _ ident: String, _ msg: String, input: Int32 = 0, _ body: (Record) -> Void) {
    let h = Array(host.utf8)
    let i = Array(ident.utf8)
    let m = Array(msg.utf8)
    h.withBytes { hb in
      i.withBytes { ib in
        m.withBytes { mb in body(Record(input: input, host: hb, identifier: ib, message: mb)) }
      }
    }
  }

  /// The gate before the instance-id scan finds `i-0` wherever it is — in the 16-byte steps, across their seams,
  /// in the tail — and nothing else, on every length around the step size.
  @Test func instanceIDGateFindsEveryI0() {
    var r = SystemRandomNumberGenerator()
    for n in 0...70 {
      for _ in 0..<40 {
        // Mostly the pattern's own bytes, so that near misses (`i-1`, `x-0`, `i-`, `-0`) are everywhere.
        var bytes = (0..<n).map { _ in Array("i-0x- ".utf8).randomElement(using: &r)! }
        if Bool.random(using: &r), n >= 3 {
          let at = Int.random(in: 0...(n - 3), using: &r)
          bytes.replaceSubrange(at..<at + 3, with: Array("i-0".utf8))
        }
        let naive = n >= 3 && (0...(n - 3)).contains { bytes[$0] == 105 && bytes[$0 + 1] == 45 && bytes[$0 + 2] == 48 }
        #expect(bytes.withBytes { InstanceIdentity.containsI0($0) } == naive, "\(String(decoding: bytes, as: UTF8.self))")
      }
    }
  }

  @Test func learningFromCloudInitLines() {
    var id = InstanceIdentity()
    let lines: [(String, String, String)] = [
      // cloud-init.log via rsyslog's [CLOUDINIT] tag and the journal's cloud-init identifier
      ("ip-10-0-1-23", "[CLOUDINIT]", "cloud-init[DEBUG]: init will now be targeting instance id: i-0123456789abcdef0. new=True"),
      ("db-2", "cloud-init", "util.py[DEBUG]: Creating symbolic link from '/var/lib/cloud/instance' => '/var/lib/cloud/instances/i-0fedcba9876543210'"),
      ("db-3", "cloud-init", "stages.py[DEBUG]: previous iid found to be NO_PREVIOUS_INSTANCE_ID"),
      ("db-3", "cloud-init", "main.py[DEBUG]: [local] init will now be targeting instance id: iid-datasource-none. new=True"),
      ("az-vm", "cloud-init", "main.py[DEBUG]: [net] init will now be targeting instance id: 5b1d7c2e-1111-4222-8333-944455556666. new=False"),
      ("db-4", "amazon-ssm-agent", "Agent will take identity from EC2 i-0aaaabbbbccccdddd"),
      // not an agent, but names its instance in a field
      ("app-1", "myscript", "Instance ID: i-0bbbbccccddddeeee starting"),
      // not an agent, bare id: someone else's instance, not learned
      ("app-1", "sshd", "ssh session to i-0cccc1111dddd2222 closed"),
      // not an agent, nothing cloud-like: skipped by the prefilter
      ("app-1", "kernel", "Linux version 6.1.0"),
    ]
    for (h, ident, msg) in lines { record(h, ident, msg) { id.observe($0) } }
    let pairs = id.pairs(registry: nil).map { "\($0.host)=\($0.instance)" }
    #expect(pairs == [
      "ip-10-0-1-23=i-0123456789abcdef0", "db-2=i-0fedcba9876543210", "az-vm=5b1d7c2e-1111-4222-8333-944455556666",
      "db-4=i-0aaaabbbbccccdddd", "app-1=i-0bbbbccccddddeeee",
    ])
    var map = HostMap()
    id.apply(to: &map, registry: nil)
    let aws = NoticeReader.read(path: NoticeFixtures.path("aws-health-archive.jsonl"), registry: InputRegistry())
    #expect(map.host(for: aws[1]) == "ip-10-0-1-23")  // the auto-recovery notice names i-0123456789abcdef0
  }

  @Test func hostlessRecordsTakeTheirInputsHost() {
    let reg = InputRegistry()
    let idx = reg.register(path: "/x/cloud-init.log", kind: .syslog)
    reg.setHost(idx, "db-9")
    var id = InstanceIdentity()
    record("", "cloud-init", "init will now be targeting instance id: i-0999aaaabbbbcccc1. new=True", input: idx) {
      id.observe($0)
    }
    #expect(id.pairs(registry: reg).map(\.host) == ["db-9"])
    #expect(id.pairs(registry: nil).isEmpty)
  }
}

@Suite struct AnalyzerNoticeTests {
  @Test func noticesFromDiscoveryAndOptionWithLearnedHost() throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("flatline-an-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    // cloud-init's DEBUG log as rsyslog writes it (tag [CLOUDINIT]), naming the instance.
    let log = """
      May  1 09:00:00 ip-10-0-1-23 kernel: [    0.000000] Linux version 6.1.0-1012-aws (buildd@lcy02) #12-Ubuntu SMP
      May  1 09:00:06 ip-10-0-1-23 [CLOUDINIT] cloud-init[DEBUG]: init will now be targeting instance id: i-0123456789abcdef0. new=False
      May  1 09:00:07 ip-10-0-1-23 systemd[1]: Started Daily apt download activities.

      """
    try log.write(to: dir.appendingPathComponent("syslog"), atomically: true, encoding: .utf8)
    try FileManager.default.copyItem(
      atPath: NoticeFixtures.path("aws-health-archive.jsonl"), toPath: dir.appendingPathComponent("health.jsonl").path)
    let map = try NoticeFixtures.temp("map.txt", "i-0c608386538544571 old-db\n")
    let options = AnalysisOptions(
      paths: [dir.path], ingest: IngestOptions(year: 2024, timeZone: "UTC"),
      noticePaths: [NoticeFixtures.path("aws-health-eventbridge.json")], hostMapPath: map)
    let result = Analyzer.run(options)
    #expect(result.notices.map(\.notice.eventType) == [
      "AWS_EC2_INSTANCE_STORE_DRIVE_PERFORMANCE_DEGRADED", "AWS_EC2_SIMPLIFIED_AUTO_RECOVERY_SUCCESS",
      "AWS_EC2_PERSISTENT_INSTANCE_RETIREMENT_SCHEDULED",
    ])
    #expect(result.inputs.filter { $0.kind == .cloudNotice }.count == 2)
    #expect(result.hostMap.host(for: result.notices[1].notice) == "ip-10-0-1-23")  // learned from cloud-init
    #expect(result.hostMap.host(for: result.notices[2].notice) == "old-db")  // --host-map
    #expect(result.hostMap.host(for: result.notices[0].notice) == nil)
    // In the report a notice lands on a host of this analysis, or on none.
    #expect(result.notices.map(\.host) == [nil, "ip-10-0-1-23", nil])
  }

  /// The scan for instance IDs runs only when notices or kernel dumps will be placed by what it learns (it looks at
  /// every message), on one thread and on several.
  @Test(arguments: [1, 2]) func instanceIDsAreLearnedOnlyWhenSomethingIsPlacedByThem(jobs: Int) throws {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("flatline-an-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(at: dir) }
    let log = """
      May  1 09:00:00 ip-10-0-1-23 kernel: [    0.000000] Linux version 6.1.0-1012-aws (buildd@lcy02) #12-Ubuntu SMP
      May  1 09:00:06 ip-10-0-1-23 cloud-init[612]: init will now be targeting instance id: i-0123456789abcdef0. new=False

      """
    // Two folders: two syslog sets, read on two threads with `jobs: 2`.
    for sub in ["a", "b"] {
      try FileManager.default.createDirectory(at: dir.appendingPathComponent(sub), withIntermediateDirectories: true)
      try log.write(to: dir.appendingPathComponent("\(sub)/syslog"), atomically: true, encoding: .utf8)
    }
    var options = AnalysisOptions(paths: [dir.path], ingest: IngestOptions(year: 2024, timeZone: "UTC"))
    options.jobs = jobs
    #expect(Analyzer.run(options).hostMap.host(forInstance: "i-0123456789abcdef0") == nil)
    options.noticePaths = [NoticeFixtures.path("aws-health-eventbridge.json")]
    #expect(Analyzer.run(options).hostMap.host(forInstance: "i-0123456789abcdef0") == "ip-10-0-1-23")
  }

  @Test func unreadableHostMapIsListedNotFatal() {
    let result = Analyzer.run(
      AnalysisOptions(paths: [NoticeFixtures.path("operator.yaml")], hostMapPath: "/nonexistent/map.yaml"))
    #expect(result.notices.count == 2)
    #expect(result.inputs.contains { $0.kind == .skipped && $0.path == "/nonexistent/map.yaml" })
  }
}

@Suite struct NoticeSnifferReportTests {
  @Test func flatlineReportsAndLookalikesAreNotOperatorNotices() {
    func sniff(_ text: String, _ name: String) -> Bool {
      NoticeSniffer.looksLikeNotice(head: Array(text.utf8), name: name)
    }
    // Flatline's own report has "host" and "start" keys (and may list notices).
    #expect(!sniff(#"{"generatedAt":"x","inputs":[{"host":null}],"hosts":[{"boots":[{"start":"2024"}]}],"notices":[]}"#, "expected.json"))
    #expect(!sniff(#"{"config":{"start":"now","host":"db-1","port":5432}}"#, "app.json"))
    #expect(!sniff("server:\n  host: db-1\n  start: now\n", "app.yaml"))
    #expect(sniff(#"[{"start":"2024-05-01","host":"db-1"}]"#, "ops.json"))
  }
}
