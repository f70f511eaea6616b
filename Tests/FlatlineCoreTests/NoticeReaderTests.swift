import Foundation
import Testing

@testable import FlatlineCore

/// Notice fixtures (written for these tests from the catalog's examples) and helpers.
enum NoticeFixtures {
  static let dir: String = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .appendingPathComponent("Fixtures/notices").path

  static func path(_ name: String) -> String { dir + "/" + name }

  /// Reads one fixture; returns the notices and the registry (for warnings and counts).
  static func read(_ name: String) -> ([CloudNotice], InputRegistry) {
    let reg = InputRegistry()
    return (NoticeReader.read(path: path(name), registry: reg), reg)
  }

  static func utc(_ y: Int, _ mo: Int, _ d: Int, _ h: Int, _ mi: Int, _ s: Int, _ us: Int = 0) -> Int64 {
    CivilTime.micros(year: y, month: mo, day: d, hour: h, minute: mi, second: s, micro: us)
  }

  static var corpus: String? {
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().deletingLastPathComponent()
    let c = root.appendingPathComponent("shared/corpus").path
    return FileManager.default.fileExists(atPath: c) ? c : nil
  }

  /// Writes `text` to a fresh temporary file named `name`; returns its path.
  static func temp(_ name: String, _ text: String) throws -> String {
    let dir = FileManager.default.temporaryDirectory.appendingPathComponent("flatline-notices-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
    let p = dir.appendingPathComponent(name).path
    try text.write(toFile: p, atomically: true, encoding: .utf8)
    return p
  }
}

@Suite struct NoticeTimeTests {
  @Test func formats() {
    let u = NoticeFixtures.utc
    #expect(NoticeTime.parse("Thu, 27 Jan 2023 13:19:03 GMT") == u(2023, 1, 27, 13, 19, 3, 0))
    #expect(NoticeTime.parse("Thu, 1 Nov 2018 22:00:00 GMT") == u(2018, 11, 1, 22, 0, 0, 0))
    #expect(NoticeTime.parse("21 Jan 2019 09:00:43 GMT") == u(2019, 1, 21, 9, 0, 43, 0))
    #expect(NoticeTime.parse("2019-03-14T20:00:00.000Z") == u(2019, 3, 14, 20, 0, 0, 0))
    #expect(NoticeTime.parse("2022-06-30T14:07:23.102868Z") == u(2022, 6, 30, 14, 7, 23, 102868))
    #expect(NoticeTime.parse("2022-06-30T14:07:23.983450844Z") == u(2022, 6, 30, 14, 7, 23, 983450))
    #expect(NoticeTime.parse("2018-09-04T23:11:06.1607287+00:00") == u(2018, 9, 4, 23, 11, 6, 160728))
    #expect(NoticeTime.parse("2024-05-01 10:02") == u(2024, 5, 1, 10, 2, 0, 0))
    #expect(NoticeTime.parse("2024-05-07 23:40:00+02:00") == u(2024, 5, 7, 21, 40, 0, 0))
    #expect(NoticeTime.parse("1586473044.284") == 1_586_473_044_284_000)
    #expect(NoticeTime.parse("yesterday") == nil)
    #expect(NoticeTime.parse("") == nil)
    #expect(NoticeTime.parse("2024-05-01T10:00:00Z and more") == nil)
    #expect(NoticeTime.parse("Mon, 11 Apr 2022 22:26:58 +0200") == u(2022, 4, 11, 20, 26, 58, 0))
  }
}

@Suite struct NoticeReaderTests {
  let u = NoticeFixtures.utc

  @Test func awsHealthEventBridge() {
    let (notices, reg) = NoticeFixtures.read("aws-health-eventbridge.json")
    #expect(notices.count == 1)
    let n = notices[0]
    #expect(n.provider == .aws)
    #expect(n.eventType == "AWS_EC2_PERSISTENT_INSTANCE_RETIREMENT_SCHEDULED")
    #expect(n.effect == .maintenance)
    #expect(n.start == u(2018, 11, 1, 22, 0, 0, 0))
    #expect(n.end == u(2018, 11, 1, 22, 0, 0, 0))
    #expect(n.resources == ["i-0c608386538544571"])
    #expect(n.text.hasPrefix("EC2 has detected degradation of the underlying hardware"))
    #expect(n.line == 1)
    #expect(n.source.hasSuffix("aws-health-eventbridge.json"))
    #expect(reg.inputs.count == 1 && reg.inputs[0].kind == .cloudNotice && reg.inputs[0].records == 1)
    #expect(reg.inputs[0].warnings.isEmpty)
  }

  @Test func awsHealthArchiveLines() {
    let (notices, reg) = NoticeFixtures.read("aws-health-archive.jsonl")
    #expect(notices.count == 2)
    #expect(notices.map(\.eventType) == ["AWS_EC2_INSTANCE_STORE_DRIVE_PERFORMANCE_DEGRADED", "AWS_EC2_SIMPLIFIED_AUTO_RECOVERY_SUCCESS"])
    #expect(notices.map(\.effect) == [.informational, .hostFailure])
    #expect(notices.map(\.line) == [1, 3])
    #expect(notices[0].start == u(2023, 1, 27, 13, 19, 3, 0))
    #expect(notices[0].resources == ["arn:ec2-1-101002929", "arn:ec2-1-101002932"])
    #expect(notices[1].start == u(2024, 5, 1, 10, 2, 0, 0) && notices[1].end == u(2024, 5, 1, 10, 8, 41, 0))
    // The EC2 ARN yields the instance id too.
    #expect(notices[1].resources == ["i-0123456789abcdef0", "arn:aws:ec2:eu-west-1:123456789012:instance/i-0123456789abcdef0"])
    #expect(reg.inputs[0].skipped == 1)
    #expect(reg.inputs[0].warnings == ["1 line(s) are not valid JSON and were skipped (line 2)"])
  }

  @Test func awsHealthCLIWithEntitiesInAnotherFile() {
    let reg = InputRegistry()
    let notices = NoticeReader.read(
      paths: [NoticeFixtures.path("aws-health-events.json"), NoticeFixtures.path("aws-health-entities.json")],
      registry: reg)
    #expect(notices.count == 2)
    #expect(notices[0].eventType == "AWS_EC2_OPERATIONAL_ISSUE" && notices[0].effect == .informational)
    #expect(notices[0].start == 1_586_473_044_284_000 && notices[0].end == 1_586_479_706_091_000)
    #expect(notices[0].resources.isEmpty)
    #expect(notices[0].text == "EC2, issue, status closed")
    #expect(notices[0].line == 3)
    #expect(notices[1].eventType == "AWS_EC2_PERSISTENT_INSTANCE_RETIREMENT_SCHEDULED")
    #expect(notices[1].effect == .maintenance)
    #expect(notices[1].start == u(2018, 11, 1, 22, 0, 0, 0))
    #expect(notices[1].resources == ["i-00ddbf07ce6372082"])
    #expect(notices[1].line == 15)
    #expect(reg.inputs.map(\.kind) == [.cloudNotice, .cloudNotice])
  }

  @Test func awsEntitiesAlone() {
    let (notices, _) = NoticeFixtures.read("aws-health-entities.json")
    #expect(notices.count == 1)
    #expect(notices[0].eventType == "AWS_EC2_PERSISTENT_INSTANCE_RETIREMENT_SCHEDULED")
    #expect(notices[0].effect == .maintenance)
    #expect(notices[0].start == nil)
    #expect(notices[0].resources == ["i-00ddbf07ce6372082"])
    #expect(notices[0].line == 3)
  }

  @Test func ec2InstanceStatus() {
    let (notices, _) = NoticeFixtures.read("ec2-instance-status.json")
    #expect(notices.map(\.eventType) == ["system-reboot", "instance-stop", "SystemStatus:reachability", "InstanceStatus:reachability"])
    #expect(notices.map(\.effect) == [.maintenance, .informational, .hostFailure, .informational])
    #expect(notices[0].start == u(2019, 3, 14, 20, 0, 0, 0) && notices[0].end == u(2019, 3, 15, 22, 0, 0, 0))
    #expect(notices[0].resources == ["i-1234567890abcdef0"])
    #expect(notices[0].text == "The instance is scheduled for a reboot")
    #expect(notices[0].line == 8)
    #expect(notices[2].start == u(2024, 5, 1, 10, 2, 0, 0))
    #expect(notices[2].line == 23)
  }

  @Test func imdsMaintenance() {
    let (notices, _) = NoticeFixtures.read("imds-maintenance.json")
    #expect(notices.count == 2)
    #expect(notices[0].eventType == "system-reboot" && notices[0].effect == .maintenance)
    #expect(notices[0].start == u(2019, 1, 21, 9, 0, 43, 0) && notices[0].end == u(2019, 1, 21, 9, 17, 23, 0))
    #expect(notices[0].text == "[Completed] scheduled reboot (completed)")
    #expect(notices[0].resources.isEmpty)
    #expect(notices[1].effect == .informational)  // canceled
  }

  @Test func ec2StateReasonAndCloudTrail() {
    let (state, stateReg) = NoticeFixtures.read("ec2-instances.json")
    #expect(state.count == 1)
    #expect(state[0].eventType == "Client.UserInitiatedShutdown" && state[0].effect == .userInitiated)
    #expect(state[0].effect.isCounterEvidence)
    #expect(state[0].start == u(2024, 5, 2, 8, 15, 30, 0))
    #expect(state[0].resources == ["i-0abc1111222233334", "10.0.1.23", "ip-10-0-1-23.ec2.internal"])
    #expect(state[0].text == "Client.UserInitiatedShutdown: User initiated shutdown; state stopped")
    #expect(stateReg.inputs[0].warnings.isEmpty)

    let (trail, trailReg) = NoticeFixtures.read("cloudtrail-records.json")
    #expect(trail.count == 1)
    #expect(trail[0].eventType == "RebootInstances" && trail[0].effect == .userInitiated)
    #expect(trail[0].start == u(2024, 5, 3, 7, 0, 5, 0))
    #expect(trail[0].resources == ["i-0abc1111222233334"])
    #expect(trail[0].text == "RebootInstances called by arn:aws:iam::123456789012:user/alice")
    #expect(trail[0].line == 2)
    #expect(trailReg.inputs[0].warnings.isEmpty)
  }

  @Test func gcpSystemEvents() {
    let (notices, reg) = NoticeFixtures.read("gce-system-events.json")
    #expect(notices.map(\.eventType) == [
      "compute.instances.hostError", "compute.instances.automaticRestart", "compute.instances.guestTerminate",
      "compute.instances.preempted", "v1.compute.instances.reset",
    ])
    #expect(notices.map(\.effect) == [.hostFailure, .hostFailure, .guestCrash, .preemption, .userInitiated])
    let host = notices[0]
    #expect(host.provider == .gcp)
    #expect(host.start == u(2022, 6, 30, 14, 7, 23, 102868))
    #expect(host.resources == [
      "db-node-0-6", "projects/skilled-adapter-452/zones/us-east1-d/instances/db-node-0-6", "2074079198322937303",
    ])
    #expect(host.text == "Instance terminated by Compute Engine.")
    #expect(host.line == 2)
    #expect(notices[1].text == "compute.instances.automaticRestart")
    #expect(notices[4].text == "v1.compute.instances.reset by ops@example.com")
    #expect(notices[4].start == u(2022, 7, 3, 12, 0, 0, 0))  // the first entry of the pair
    #expect(reg.inputs[0].warnings.isEmpty)
  }

  @Test func gcpUpcomingMaintenance() {
    let (notices, _) = NoticeFixtures.read("gce-upcoming-maintenance.json")
    #expect(notices.count == 1)
    #expect(notices[0].eventType == "upcoming-maintenance" && notices[0].effect == .maintenance)
    #expect(notices[0].start == u(2024, 12, 1, 19, 0, 1, 0) && notices[0].end == u(2024, 12, 1, 21, 0, 1, 0))
    #expect(notices[0].text == "scheduled maintenance, status PENDING (PLANNED_UPDATE, PLANNED_NETWORK_UPDATE)")
  }

  @Test func azureActivityAlert() {
    let (notices, _) = NoticeFixtures.read("azure-activity-alert.json")
    #expect(notices.count == 1)
    let n = notices[0]
    #expect(n.provider == .azure)
    #expect(n.eventType == "Microsoft.Resourcehealth/healthevent/Activated/action")
    #expect(n.effect == .hostFailure)
    #expect(n.start == u(2018, 9, 4, 23, 9, 3, 343000))
    #expect(n.resources == [
      "pg-primary", "/subscriptions/0000-1111/resourceGroups/prod-rg/providers/Microsoft.Compute/virtualMachines/pg-primary",
    ])
    #expect(n.text == "Virtual Machine health status changed to unavailable: Virtual machine has experienced an unexpected event")
    #expect(n.line == 1)
  }

  @Test func azureActivityList() {
    let (notices, reg) = NoticeFixtures.read("azure-activity-list.json")
    #expect(notices.count == 2)
    #expect(notices[0].effect == .guestCrash)  // "Reboot initiated from inside the machine"
    #expect(notices[0].start == u(2024, 4, 10, 6, 31, 12, 441129))
    #expect(notices[0].line == 2)
    #expect(notices[1].eventType == "Microsoft.Compute/virtualMachines/restart/action")
    #expect(notices[1].effect == .userInitiated)
    #expect(notices[1].text == "restart requested by alice@example.com")
    #expect(notices[1].start == u(2024, 4, 11, 9, 0, 1, 0))  // the Started entry; Succeeded is the same operation
    #expect(notices.allSatisfy { $0.resources.first == "pg-replica" })
    #expect(reg.inputs[0].warnings.isEmpty)
  }

  @Test func azureScheduledEvents() {
    let (notices, _) = NoticeFixtures.read("azure-scheduled-events.json")
    #expect(notices.map(\.eventType) == ["Freeze", "Reboot", "Preempt"])
    #expect(notices.map(\.effect) == [.maintenance, .userInitiated, .preemption])
    #expect(notices[0].start == u(2022, 4, 11, 22, 26, 58, 0) && notices[0].end == u(2022, 4, 11, 22, 27, 3, 0))
    #expect(notices[0].resources == ["WestNO_0", "WestNO_1"])
    #expect(notices[0].text == "Virtual machine is being paused because of a memory-preserving Live Migration operation. (Scheduled)")
    #expect(notices[0].line == 4)
    #expect(notices[1].start == nil)
  }

  @Test func azureHealthResources() {
    let (notices, _) = NoticeFixtures.read("azure-health-resources.json")
    #expect(notices.map(\.eventType) == ["VirtualMachineHostCrashed", "availabilityState:Unavailable"])
    #expect(notices.map(\.effect) == [.hostFailure, .hostFailure])
    #expect(notices[0].start == u(2024, 3, 1, 2, 14, 9, 123000))
    #expect(notices[0].resources.first == "pg-primary")
    #expect(notices[1].resources == [
      "pg-replica", "/subscriptions/0000-1111/resourceGroups/prod-rg/providers/Microsoft.Compute/virtualMachines/pg-replica",
    ])
    #expect(notices[1].start == u(2017, 7, 30, 1, 13, 56, 0))
    #expect(notices.map(\.line) == [4, 19])
  }

  @Test func operatorYAML() {
    let (notices, reg) = NoticeFixtures.read("operator.yaml")
    #expect(reg.inputs[0].warnings.isEmpty)
    #expect(notices.count == 2)
    let a = notices[0]
    #expect(a.provider == .aws && a.eventType == "operator-notice" && a.effect == .hostFailure)
    #expect(a.start == u(2024, 5, 1, 10, 2, 0, 0) && a.end == u(2024, 5, 1, 10, 9, 30, 0))
    #expect(a.resources == ["i-0123456789abcdef0"] && a.host == nil)
    #expect(a.text.hasPrefix("The underlying host on which your EC2 instance was running experienced a\ntransient issue"))
    #expect(a.line == 3)
    let b = notices[1]
    #expect(b.provider == .operator && b.eventType == "datacenter-power-work" && b.effect == .maintenance)
    #expect(b.host == "db-2" && b.resources.isEmpty)
    #expect(b.start == u(2024, 5, 7, 21, 40, 0, 0) && b.end == nil)
    #expect(b.line == 10)
  }

  @Test func operatorJSONSingle() {
    let (notices, _) = NoticeFixtures.read("operator-single.json")
    #expect(notices.count == 1)
    #expect(notices[0].host == "app-3" && notices[0].effect == .hostFailure && notices[0].provider == .operator)
    #expect(notices[0].start == u(2024, 6, 1, 0, 0, 0, 0))
  }

  @Test func operatorErrorsWithFileAndLine() {
    let (notices, reg) = NoticeFixtures.read("operator-bad.yaml")
    #expect(notices.isEmpty)
    let p = NoticeFixtures.path("operator-bad.yaml")
    let w = reg.inputs[0].warnings
    #expect(w.contains("\(p):2: start: cannot read 'yesterday' as a time (use RFC 3339 or 'YYYY-MM-DD HH:MM[:SS]', UTC unless an offset is given)"))
    #expect(w.contains { $0.hasPrefix("\(p):6: unknown field 'instnace'") })
    #expect(w.contains("\(p):5: a notice needs 'host' or 'instance' (which machine it is about)"))
    #expect(w.contains("\(p):9: end is before start"))
    #expect(w.contains { $0.hasPrefix("\(p):11: effect: 'exploded' is not one of host-failure, maintenance") })
    #expect(reg.inputs[0].skipped == 3)
  }

  @Test func yamlSyntaxError() throws {
    let p = try NoticeFixtures.temp("ops.yaml", "notices:\n  - start: 2024-05-01\n    host: [db-1\n")
    let reg = InputRegistry()
    #expect(NoticeReader.read(path: p, registry: reg).isEmpty)
    #expect(reg.inputs[0].warnings.count == 1)
    #expect(reg.inputs[0].warnings[0].hasPrefix("\(p):4: YAML: "))
  }

  @Test func badInputNeverCrashes() throws {
    let cases: [(String, String, String)] = [
      ("broken.json", "{\"detail-type\": \"AWS Health Event\", \"detail\": {", "not valid JSON (nor JSON lines)"),
      ("other.json", "{\"hello\": \"world\"}", "no recognised cloud or operator notice: 1 object(s) of unknown shape (first at line 1)"),
      ("empty.yaml", "   \n", "empty notice file"),
      ("reply.txt", "Hello, the underlying host had an issue.", "not JSON or YAML notices (plain text)"),
      ("scalar.json", "[1, 2, \"x\"]", "no recognised cloud or operator notice: 3 object(s)"),
    ]
    for (name, text, warning) in cases {
      let p = try NoticeFixtures.temp(name, text)
      let reg = InputRegistry()
      #expect(NoticeReader.read(path: p, registry: reg).isEmpty)
      #expect(reg.inputs[0].warnings.count == 1, "\(name)")
      #expect(reg.inputs[0].warnings.first?.hasPrefix(warning) == true, "\(name): \(reg.inputs[0].warnings)")
    }
    let reg = InputRegistry()
    #expect(NoticeReader.read(path: "/nonexistent/notices.json", registry: reg).isEmpty)
    #expect(reg.inputs[0].kind == .skipped)
  }

  @Test func folderReadsEveryFile() {
    let reg = InputRegistry()
    let notices = NoticeReader.read(path: NoticeFixtures.dir, registry: reg)
    #expect(reg.inputs.count == 17)
    #expect(reg.inputs.allSatisfy { $0.kind == .cloudNotice })
    #expect(notices.count == 30)  // the entity list joins its event
    // Only the deliberately broken files warn.
    let warned = reg.inputs.filter { !$0.warnings.isEmpty }.map { ($0.path as NSString).lastPathComponent }
    #expect(warned == ["aws-health-archive.jsonl", "operator-bad.yaml"])
  }
}
