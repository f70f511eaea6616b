/// The rules compiled into the binary (no files needed at run time). Split by component family:
/// BuiltinRulesSQL (PostgreSQL, MySQL, MariaDB), BuiltinRulesDocument (MongoDB, Redis, Elasticsearch, etcd),
/// BuiltinRulesJVM (Kafka, Cassandra, ZooKeeper), BuiltinRulesEmbedded (ClickHouse, SQLite, RocksDB,
/// Prometheus, InfluxDB), BuiltinRulesStorage (kernel file systems, block, NVMe, md, fsck, journald).
///
/// Every rule's examples are real lines from the reference catalog or the corpus (values in format strings
/// filled in where only the format string is known); `BuiltinRulesTests` runs them.
public enum BuiltinRules {
  /// All built-in rules, in documentation order.
  public static let all: [Rule] = sql + document + jvm + embedded + storage

  /// Builds a rule; the component is the id's first dotted part.
  static func rule(
    _ id: String, _ title: String, _ category: RuleCategory, _ severity: RuleSeverity, _ filter: RuleFilter,
    anchors: [String], regex: String? = nil, note: String? = nil, match: [String], noMatch: [String] = []
  ) -> Rule {
    let component = id.split(separator: ".", maxSplits: 1).first.map(String.init) ?? id
    return Rule(
      id: id, title: title, component: component, category: category, severity: severity, filter: filter,
      anchors: anchors, regex: regex, note: note, match: match.map { RuleExample($0) },
      noMatch: noMatch.map { RuleExample($0) })
  }
}

/// Source filters of the built-in rules. Datastore filters name the native log kind, the program names it logs
/// under in syslog/journald, and its systemd units.
extension RuleFilter {
  static let postgresql = RuleFilter(
    identifiers: ["postgres", "postgresql*", "postmaster"], units: ["postgresql*"], logs: ["postgresql"])
  /// MySQL and MariaDB share the InnoDB and server messages (MariaDB ≤10.4 also logs as `mysqld`).
  static let mysql = RuleFilter(
    identifiers: ["mysqld", "mysqld_safe", "mariadbd", "mariadb*", "mysql*"], units: ["mysql*", "mariadb*"],
    logs: ["mysql", "mariadb"])
  static let mongodb = RuleFilter(identifiers: ["mongod", "mongodb*"], units: ["mongod*"], logs: ["mongodb"])
  static let redis = RuleFilter(identifiers: ["redis-server", "redis*"], units: ["redis*"], logs: ["redis"])
  static let elasticsearch = RuleFilter(
    identifiers: ["elasticsearch*", "opensearch*", "java"], units: ["elasticsearch*", "opensearch*"],
    logs: ["elasticsearch", "opensearch"])
  static let etcd = RuleFilter(identifiers: ["etcd*"], units: ["etcd*"], logs: ["etcd"])
  static let kafka = RuleFilter(identifiers: ["kafka*", "java"], units: ["kafka*"], logs: ["kafka"])
  static let cassandra = RuleFilter(identifiers: ["cassandra*", "java"], units: ["cassandra*"], logs: ["cassandra"])
  static let zookeeper = RuleFilter(
    identifiers: ["zookeeper*", "zkServer*", "java"], units: ["zookeeper*"], logs: ["zookeeper"])
  static let clickhouse = RuleFilter(identifiers: ["clickhouse*"], units: ["clickhouse*"], logs: ["clickhouse"])
  static let prometheus = RuleFilter(identifiers: ["prometheus*"], units: ["prometheus*"], logs: ["prometheus"])
  static let influxdb = RuleFilter(identifiers: ["influxd*"], units: ["influxd*"], logs: ["influxdb"])
  /// Embedded libraries (SQLite, RocksDB) log through whatever program embeds them: any record.
  static let anyProgram = RuleFilter()
  static let kernelOnly = RuleFilter(kernel: true)
  static let fsck = RuleFilter(identifiers: ["systemd-fsck", "fsck*", "e2fsck"])
  /// journald writes its notice to the journal and, early in boot, to kmsg (then it is a kernel record).
  static let journald = RuleFilter(identifiers: ["systemd-journald"], kernel: true)
}
