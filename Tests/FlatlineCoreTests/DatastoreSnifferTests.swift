import Foundation
import Testing
@testable import FlatlineCore

@Suite struct DatastoreSnifferTests {
  @Test func inlineFormats() {
    #expect(DS.sniff(["2022-04-12 00:16:05.526 UTC [7755] LOG:  starting PostgreSQL 12.9"]) == "postgresql")
    #expect(DS.sniff([
      #"2024-05-01 12:00:00.123 UTC,"postgres","shop",1234,"[local]",6632.4d2,1,"idle",2024-05-01 11:59:00 UTC,3/0,0,LOG,00000,"x",,,,,,,,,"","startup",,0"#,
    ]) == "postgresql")
    #expect(DS.sniff([#"{"timestamp":"2024-05-01 12:00:00.123 UTC","pid":1,"error_severity":"LOG","message":"x"}"#])
      == "postgresql")
    #expect(DS.sniff(["080821 19:14:12 [Note] /usr/sbin/mysqld: ready for connections."]) == "mysql")
    #expect(DS.sniff(["2020-08-06T14:25:02.835618Z 0 [Note] [MY-012487] [InnoDB] DDL log recovery : begin"]) == "mysql")
    #expect(DS.sniff(["2023-06-04  8:24:16 0 [Note] InnoDB: x"]) == "mysql")
    #expect(DS.sniff([#"{"t":{"$date":"2024-01-04T16:33:33.069+00:00"},"s":"W","c":"STORAGE","id":22271}"#]) == "mongodb")
    #expect(DS.sniff(["2022-02-24T20:10:27.972+0000 I  CONTROL  [main] x"]) == "mongodb")
    #expect(DS.sniff(["2014-04-09T23:16:20.437-0400 [initandlisten] x"]) == "mongodb")
    #expect(DS.sniff(["1234:M 01 May 2024 12:00:00.123 * Ready to accept connections"]) == "redis")
    #expect(DS.sniff(["[4023] 15 Nov 10:12:01.345 # Server started"]) == "redis")
  }

  @Test func syslogAndOtherTextIsNotADatastoreLog() {
    #expect(DS.sniff(["May  1 12:00:00 db1 postgres[123]: [5-1] LOG:  database system is ready"]) == nil)
    #expect(DS.sniff(["2024-05-01T12:00:00.123456+02:00 db1 mysqld[42]: 2024-05-01 12:00:00 0 [Note] x"]) == nil)
    #expect(DS.sniff(["<13>1 2024-05-01T12:00:00Z db1 mongod 77 - - x"]) == nil)
    #expect(DS.sniff(["2024-05-01T12:00:00.123456Z INFO kernel: [    0.000000] Linux version 6.1"]) == nil)
    #expect(DS.sniff(["2024-05-01 12:00:00,123 INFO something happened [thread-1]"]) == nil)
    // RabbitMQ: a spaced ISO stamp and a `[level]` (mongod's ISO stamps have a `T`).
    #expect(DS.sniff([
      "2024-03-10 00:17:06.123 [info] <0.123.0> Starting RabbitMQ 3.12.0 on Erlang 26",
      "2024-03-10 00:17:07.123 [warning] <0.456.0> Disk free limit set to 50MB",
    ], name: "rabbit@db-1.log") == nil)
    #expect(DS.sniff(["hello world", "just text"]) == nil)
    #expect(DS.sniff([#"{"__REALTIME_TIMESTAMP":"1","MESSAGE":"x"}"#]) == nil)
  }

  @Test func oneStrongLineNeedsFirstPlaceOrName() {
    let lines = ["some banner", "more text", "080821 19:14:12 [Note] /usr/sbin/mysqld: ready for connections."]
    #expect(DS.sniff(lines, name: "notes.txt") == nil)
    #expect(DS.sniff(lines, name: "mysqld.log") == "mysql")
    #expect(DS.sniff(lines, name: "error.log.2.gz") == "mysql")
    #expect(DS.sniff(lines + [lines[2]], name: "notes.txt") == "mysql")
    #expect(DatastoreSniffer.nameHint("postgresql-16-main.log.1.gz") == .postgresql)
    #expect(DatastoreSniffer.nameHint("postgresql-Mon.csv") == .postgresql)
    #expect(DatastoreSniffer.nameHint("mongod.log.2024-05-01T00-00-00") == .mongodb)
    #expect(DatastoreSniffer.nameHint("redis-server.log") == .redis)
    #expect(DatastoreSniffer.nameHint("db1.err") == .mysql)
    #expect(DatastoreSniffer.nameHint("syslog.1") == nil)
  }

  @Test func discoveryGivesDatastoreInputsForGzipAndCsv() {
    let dir = SyslogTestFiles.tempDir()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let pg = "2022-04-12 00:16:05.526 UTC [7755] LOG:  a\n2022-04-12 00:16:06.000 UTC [7756] LOG:  b\n"
    SyslogTestFiles.write(dir + "/postgresql.log.1.gz", SyslogTestFiles.gzip(Array(pg.utf8)))
    SyslogTestFiles.write(dir + "/postgresql-Mon.csv",
      "2024-05-01 12:00:00.123 UTC,,,7,,s,3,,2024-05-01 11:59:00 UTC,,0,LOG,00000,\"checkpoint\",,,,,,,,,\"\",\"checkpointer\",,0\n")
    SyslogTestFiles.write(dir + "/syslog", "May  1 12:00:00 db1 postgres[123]: [5-1] LOG:  database system is ready\n")
    let reg = InputRegistry()
    let found = Discovery.discover(paths: [dir], registry: reg)
    #expect(found == [
      .datastoreLog(path: dir + "/postgresql-Mon.csv", component: "postgresql"),
      .datastoreLog(path: dir + "/postgresql.log.1.gz", component: "postgresql"),
      .syslogSet(files: [dir + "/syslog"]),
    ])
  }

  static let expected: [String: String] = [
    "mongodb/mongod_26.log": "mongodb", "mongodb/mongod_4.2.18_x509.log": "mongodb",
    "mongodb/wiredtiger.log": "mongodb",
    "mysql/errlog001.txt": "mysql", "mysql/errlog002.txt": "mysql", "mysql/errlog003.txt": "mysql",
    "mysql/errlog004.txt": "mysql", "mysql/errlog005.txt": "mysql", "mysql/errlog006.txt": "mysql",
    "mysql/errlog007.txt": "mysql", "mysql/errlog008.txt": "mysql", "mysql/errlog009.txt": "mysql",
    "mysql/errlog010.txt": "mysql", "mysql/logfile_mysql_error.0": "mysql",
    "postgresql/logfile_postgres.1": "postgresql", "postgresql/logfile_postgres.2": "postgresql",
    "postgresql/pg_rawcsv.log": "postgresql", "postgresql/postgresql.log": "postgresql",
  ]

  @Test(.enabled(if: DS.hasCorpus)) func corpusDatastoreFiles() throws {
    let dir = DS.corpus! + "/datastores/"
    for (file, component) in Self.expected {
      let size = (try FileManager.default.attributesOfItem(atPath: dir + file)[.size] as? Int) ?? 0
      #expect(Discovery.sniff(path: dir + file, size: size) == .datastore(component), "\(file)")
    }
    // Cloud Logging JSON stays skipped; PostgreSQL through syslog, bzip2-compressed, is syslog.
    let cloud = (try FileManager.default.attributesOfItem(atPath: dir + "postgresql/cloudsql.log.gz")[.size] as? Int) ?? 0
    if case .skip = Discovery.sniff(path: dir + "postgresql/cloudsql.log.gz", size: cloud) {} else {
      Issue.record("cloudsql.log.gz not skipped")
    }
    let bz = (try FileManager.default.attributesOfItem(atPath: dir + "postgresql/pg-syslog.1.bz2")[.size] as? Int) ?? 0
    #expect(Discovery.sniff(path: dir + "postgresql/pg-syslog.1.bz2", size: bz) == .syslog)
  }

  @Test(.enabled(if: DS.hasCorpus)) func corpusIssueExcerpts() throws {
    let dir = DS.corpus! + "/issue-excerpts/"
    let want: [String: String] = [
      "mariadb_iiab-145_power_loss.txt": "mysql", "mongodb_dokku-mongo-79_unclean_shutdown.txt": "mongodb",
      "mysql8_shannonbase-475_crash_recovery.txt": "mysql", "postgresql_ansible-awx-8893.txt": "postgresql",
      "postgresql_bitnami-docker-postgresql-318.txt": "postgresql", "redis_redis-5177_aof_power_loss.txt": "redis",
    ]
    for (file, component) in want {
      let size = (try FileManager.default.attributesOfItem(atPath: dir + file)[.size] as? Int) ?? 0
      #expect(Discovery.sniff(path: dir + file, size: size) == .datastore(component), "\(file)")
    }
  }

  /// Syslog corpus files and the syslog/journal fixtures keep their kinds.
  @Test(.enabled(if: DS.hasCorpus)) func syslogCorpusStaysSyslog() throws {
    var files: [String] = []
    for sub in ["syslog-formats", "raspberrypi-rotated/var/log", "fedora-rpi4-journal"] {
      let dir = DS.corpus! + "/" + sub
      for f in try FileManager.default.contentsOfDirectory(atPath: dir) { files.append(dir + "/" + f) }
    }
    let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .deletingLastPathComponent().appendingPathComponent("SampleLogs").path
    for sample in try FileManager.default.contentsOfDirectory(atPath: root) {
      for f in try FileManager.default.contentsOfDirectory(atPath: root + "/" + sample) where !f.hasSuffix(".json")
        && !f.hasSuffix(".md")
      {
        files.append(root + "/" + sample + "/" + f)
      }
    }
    #expect(files.count > 20)
    for f in files {
      var isDir: ObjCBool = false
      guard FileManager.default.fileExists(atPath: f, isDirectory: &isDir), !isDir.boolValue else { continue }
      let size = (try FileManager.default.attributesOfItem(atPath: f)[.size] as? Int) ?? 0
      let sniffed = Discovery.sniff(path: f, size: size)
      if f.hasSuffix("/cloud-init.log") {
        // cloud-init's own log is read like a native log (agent-log), never as syslog.
        #expect(sniffed == .datastore("cloud-init"), "\(f)")
      } else if case .datastore(let c, _) = sniffed {
        Issue.record("\(f) sniffed as \(c)")
      }
    }
  }
}

@Suite struct DatastoreCorpusReadTests {
  /// Every non-empty line is a record or counted as skipped; times are in the files' years; no warnings.
  @Test(.enabled(if: DS.hasCorpus)) func corpusFilesReadCompletely() throws {
    let dir = DS.corpus! + "/datastores/"
    for (file, component) in DatastoreSnifferTests.expected {
      let reg = InputRegistry()
      var sink = DSSink()
      DatastoreLogSource(path: dir + file, component: component, registry: reg,
        options: IngestOptions(timeZone: "UTC")).run(into: &sink)
      let info = reg.inputs[0]
      #expect(info.records + info.skipped == DS.nonEmptyLines(dir + file), "\(file)")
      #expect(info.records == sink.records.count)
      #expect(info.warnings.isEmpty, "\(file): \(info.warnings)")
      let timed = sink.records.filter { $0.time != Record.noTime }
      #expect(timed.count == sink.records.count, "\(file): untimed before the first stamp")
      #expect(timed.allSatisfy { $0.time > DS.t(2008, 1, 1, 0, 0, 0) && $0.time < DS.t(2026, 1, 1, 0, 0, 0) })
      #expect(sink.records.allSatisfy { $0.host.isEmpty && $0.identifier == DatastoreComponent(rawValue: component)!.identifier })
      #expect(zip(sink.records, sink.records.dropFirst()).allSatisfy { $0.line < $1.line })
    }
  }

  @Test(.enabled(if: DS.hasCorpus)) func corpusSpotChecks() throws {
    func read(_ file: String, _ c: String) -> [DSRecord] {
      var sink = DSSink()
      DatastoreLogSource(path: DS.corpus! + "/datastores/" + file, component: c, registry: InputRegistry(),
        options: IngestOptions(timeZone: "UTC")).run(into: &sink)
      return sink.records
    }
    let pg = read("postgresql/postgresql.log", "postgresql")
    #expect(pg.last?.time == DS.t(2022, 7, 15, 13, 4, 27) && pg.last?.pid == 203_851)
    #expect(pg.last?.message == "LOG:  could not receive data from client: Connection reset by peer")
    let my = read("mysql/errlog001.txt", "mysql")
    let unclean = my.first { $0.message.contains("Database was not shut down normally!") }
    #expect(unclean?.time == DS.t(2008, 8, 21, 19, 14, 12))
    let mongo = read("mongodb/mongod_4.2.18_x509.log", "mongodb")
    #expect(mongo.first?.time == DS.t(2022, 2, 24, 20, 10, 27, 972_000))
  }
}
