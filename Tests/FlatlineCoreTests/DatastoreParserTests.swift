import Foundation
import Testing
@testable import FlatlineCore

@Suite struct DatastorePostgresTests {
  @Test func defaultPrefixAndContinuation() {
    let (r, info) = DS.read(.postgresql, [
      "2022-04-12 00:16:05.526 UTC [7755] LOG:  starting PostgreSQL 12.9",
      "2025-04-12 00:14:12.837 CEST [1329108] STATEMENT:  create table if not exists scrape_memory (",
      "\t    id smallserial primary key,",
      "        Connection matched pg_hba.conf line 96",
    ])
    #expect(r.count == 4)
    #expect(r[0] == DSRecord(time: DS.t(2022, 4, 12, 0, 16, 5, 526_000), line: 1, host: "", identifier: "postgres",
      pid: 7755, message: "LOG:  starting PostgreSQL 12.9"))
    #expect(r[1].time == DS.t(2025, 4, 11, 22, 14, 12, 837_000) && r[1].pid == 1_329_108)
    #expect(r[1].message == "STATEMENT:  create table if not exists scrape_memory (")
    #expect(r[2].time == r[1].time && r[2].pid == 1_329_108 && r[2].message == "\t    id smallserial primary key,")
    #expect(r[3].time == r[1].time && r[3].line == 4)
    #expect(info.records == 4 && info.skipped == 0 && info.warnings.isEmpty)
  }

  @Test func commonPrefixes() {
    let (r, info) = DS.read(.postgresql, [
      "2024-05-01 12:00:00 PDT [4242]: [3-1] user=app,db=shop,app=psql,client=10.0.0.1 FATAL:  the database system is in recovery mode",
      "2022-04-12 00:24:24.741 UTC [9158] postgres@postgres FATAL:  password authentication failed",
      "< 2024-05-01 12:00:00.123 +03 >LOG:  checkpoint starting: time",
      "2022-07-15 23:04:27 AEST [203851-1] user@databasename LOG:  could not receive data from client",
      "2024-01-10 08:00:00.5 -0330 [77] LOG:  x",
      "2024-01-10 08:00:00.000001 GMT [1] DEBUG2:  y",
    ])
    #expect(r.map(\.time) == [
      DS.t(2024, 5, 1, 19, 0, 0), DS.t(2022, 4, 12, 0, 24, 24, 741_000), DS.t(2024, 5, 1, 9, 0, 0, 123_000),
      DS.t(2022, 7, 15, 13, 4, 27), DS.t(2024, 1, 10, 11, 30, 0, 500_000), DS.t(2024, 1, 10, 8, 0, 0, 1),
    ])
    #expect(r.map(\.pid) == [4242, 9158, 0, 203_851, 77, 1])
    #expect(r.map(\.message) == [
      "FATAL:  the database system is in recovery mode", "FATAL:  password authentication failed",
      "LOG:  checkpoint starting: time", "LOG:  could not receive data from client", "LOG:  x", "DEBUG2:  y",
    ])
    #expect(info.warnings.isEmpty)
  }

  @Test func unknownAndAmbiguousZonesUseTimezoneAndWarnOnce() {
    let (r, info) = DS.read(.postgresql, [
      "2024-05-01 12:00:00.000 CST [1] LOG:  a",
      "2024-05-01 12:00:01.000 XYZT [1] LOG:  b",
    ], timeZone: "Europe/Berlin")
    #expect(r.map(\.time) == [DS.t(2024, 5, 1, 10, 0, 0), DS.t(2024, 5, 1, 10, 0, 1)])
    #expect(info.warnings.count == 1)
    #expect(info.warnings.first?.contains("'CST' unknown or ambiguous") == true)
    #expect(info.warnings.first?.contains("Europe/Berlin") == true)
  }

  @Test func untimedLinesKeepLastTimeAndBlankLinesAreSkipped() {
    let (r, info) = DS.read(.postgresql, [
      "PostgreSQL Database directory appears to contain a database; Skipping initialization",
      "2025-01-21 18:32:48.288 CET [77898] FATAL:  configuration file contains errors",
      "pg_ctl: could not start server",
      "   \t ",
      "",
      "2025-01-21 18:37:49.782 CET [78776] LOG:  starting PostgreSQL 17.2",
    ])
    #expect(r.count == 4)
    #expect(r[0].time == Record.noTime && r[0].pid == 0 && r[0].line == 1)
    #expect(r[1].time == DS.t(2025, 1, 21, 17, 32, 48, 288_000))
    #expect(r[2].time == r[1].time && r[2].pid == 0 && r[2].message == "pg_ctl: could not start server")
    #expect(r[3].line == 6)
    #expect(info.records == 4 && info.skipped == 1)
    #expect(info.warnings == ["1 lines of only spaces skipped (first at line 4)"])
  }

  @Test func csvlogWithQuotedNewlines() {
    let (r, _) = DS.read(.postgresql, [
      #"2024-05-01 12:00:00.123 UTC,"postgres","shop",1234,"[local]",663234.4d2,1,"idle",2024-05-01 11:59:00 UTC,3/0,0,LOG,00000,"database system was interrupted; last known up at 2024-05-01 11:58:00 UTC",,,,,,,,,"","startup",,0"#,
      #"2024-05-01 12:00:01.000 CEST,"u","d",99,"h:1",s,2,"SELECT",2024-05-01 11:59:00 UTC,3/1,0,ERROR,42601,"syntax error ""here""",,,,,,"select 1"#,
      #"2024-01-01 00:00:00 UTC [5] LOG:  inside the quoted query, not a record"#,
      #"from x",,,"psql","client backend",,0"#,
      #"2024-05-01 12:00:02.000 UTC,,,7,,s,3,,2024-05-01 11:59:00 UTC,,0,LOG,00000,"checkpoint",,,,,,,,,"","checkpointer",,0"#,
    ])
    #expect(r.count == 5)
    #expect(r[0].time == DS.t(2024, 5, 1, 12, 0, 0, 123_000) && r[0].pid == 1234)
    #expect(r[0].message.hasPrefix(#""postgres","shop",1234,"#))
    #expect(r[0].message.contains("database system was interrupted; last known up at"))
    #expect(r[1].time == DS.t(2024, 5, 1, 10, 0, 1) && r[1].pid == 99)
    #expect(r[2].time == r[1].time && r[2].pid == 99)
    #expect(r[3].time == r[1].time && r[3].pid == 99)
    #expect(r[4].time == DS.t(2024, 5, 1, 12, 0, 2) && r[4].pid == 7)
  }

  @Test func csvlogTornLineDoesNotSwallowTheNextRecords() {
    let (r, _) = DS.read(.postgresql, [
      #"2024-05-01 12:00:00.000 UTC,"u","d",99,"h:1",s,2,"SELECT",2024-05-01 11:59:00 UTC,3/1,0,LOG,00000,"statement: sel"#,
      #"2024-05-01 12:05:00.000 UTC,,,8,,s,1,,2024-05-01 12:05:00 UTC,,0,LOG,00000,"database system was interrupted; last known up at 2024-05-01 12:00:00 UTC",,,,,,,,,"","startup",,0"#,
    ])
    #expect(r.map(\.time) == [DS.t(2024, 5, 1, 12, 0, 0), DS.t(2024, 5, 1, 12, 5, 0)])
    #expect(r.map(\.pid) == [99, 8])
  }

  @Test func jsonlogKeepsWholeLine() {
    let line = #"{"timestamp":"2024-05-01 12:00:00.123 CEST","user":"postgres","dbname":"postgres","pid":4711,"remote_host":"[local]","session_id":"x","line_num":1,"ps":"startup","session_start":"2024-05-01 12:00:00 CEST","vxid":"","txid":0,"error_severity":"LOG","message":"database system was interrupted; last known up at 2024-05-01 11:58:00 CEST","backend_type":"startup","query_id":0}"#
    let (r, _) = DS.read(.postgresql, [line])
    #expect(r == [DSRecord(time: DS.t(2024, 5, 1, 10, 0, 0, 123_000), line: 1, host: "", identifier: "postgres",
      pid: 4711, message: line)])
  }
}

@Suite struct DatastoreMySQLTests {
  @Test func oldFormat() {
    let (r, info) = DS.read(.mysql, [
      "080821 19:14:12 [Note] /usr/sbin/mysqld: ready for connections.",
      "080721  3:04:00 [Warning] option 'log_slow_rate_limit': unsigned value 0 adjusted to 1",
      "091119 22:27:11InnoDB: Warning: cannot find a free slot for an undo log. Do you have too",
      "InnoDB: many active transactions running concurrently?",
      "090902 11:08:43 - mysqld got signal 6 ;",
      "080721 03:03:57  mysqld started",
      "key_buffer_size=67108864",
    ])
    #expect(r.map(\.time) == [
      DS.t(2008, 8, 21, 19, 14, 12), DS.t(2008, 7, 21, 3, 4, 0), DS.t(2009, 11, 19, 22, 27, 11),
      DS.t(2009, 11, 19, 22, 27, 11), DS.t(2009, 9, 2, 11, 8, 43), DS.t(2008, 7, 21, 3, 3, 57),
      DS.t(2008, 7, 21, 3, 3, 57),
    ])
    #expect(r.map(\.message) == [
      "[Note] /usr/sbin/mysqld: ready for connections.",
      "[Warning] option 'log_slow_rate_limit': unsigned value 0 adjusted to 1",
      "InnoDB: Warning: cannot find a free slot for an undo log. Do you have too",
      "InnoDB: many active transactions running concurrently?",
      "- mysqld got signal 6 ;", "mysqld started", "key_buffer_size=67108864",
    ])
    #expect(r.allSatisfy { $0.identifier == "mysqld" && $0.pid == 0 })
    #expect(info.warnings.isEmpty)
  }

  @Test func localTimeUsesTimezone() {
    let (r, _) = DS.read(.mysql, [
      "080721  3:04:00 [Warning] x",
      "2023-06-04  8:24:16 0 [Note] InnoDB: Starting crash recovery from checkpoint LSN=1234",
      "2016-11-02 14:07:01 11140 [Note] y",
    ], timeZone: "Europe/Berlin")
    #expect(r.map(\.time) == [DS.t(2008, 7, 21, 1, 4, 0), DS.t(2023, 6, 4, 6, 24, 16), DS.t(2016, 11, 2, 13, 7, 1)])
    #expect(r[1].message == "[Note] InnoDB: Starting crash recovery from checkpoint LSN=1234")
    #expect(r[2].message == "[Note] y")
  }

  @Test func mysql8AndMySQL57() {
    let (r, _) = DS.read(.mysql, [
      "2020-08-06T14:25:02.835618Z 0 [Note] [MY-012487] [InnoDB] DDL log recovery : begin",
      "2025-08-14T02:38:35Z UTC - mysqld got signal 11 ;",
      "Signal SIGSEGV (Address not mapped to object) at address 0xfffffffffffffffb",
      "2018-12-29T19:49:54.195199+01:00 0 [Note] InnoDB: Database was not shutdown normally!",
      "2024-05-01T12:00:00.123456Z 0 [System] [MY-010116] [Server] /usr/sbin/mysqld (mysqld 8.0.36) starting as process 1",
    ], timeZone: "Asia/Tokyo")
    #expect(r.map(\.time) == [
      DS.t(2020, 8, 6, 14, 25, 2, 835_618), DS.t(2025, 8, 14, 2, 38, 35), DS.t(2025, 8, 14, 2, 38, 35),
      DS.t(2018, 12, 29, 18, 49, 54, 195_199), DS.t(2024, 5, 1, 12, 0, 0, 123_456),
    ])
    #expect(r.map(\.message) == [
      "[Note] [MY-012487] [InnoDB] DDL log recovery : begin", "- mysqld got signal 11 ;",
      "Signal SIGSEGV (Address not mapped to object) at address 0xfffffffffffffffb",
      "[Note] InnoDB: Database was not shutdown normally!",
      "[System] [MY-010116] [Server] /usr/sbin/mysqld (mysqld 8.0.36) starting as process 1",
    ])
  }

  @Test func badStampsAreUntimedNotDropped() {
    let (r, info) = DS.read(.mysql, [
      "081321 19:14:12 [Note] month 13",
      "2024-05-01T25:00:00Z 0 [Note] hour 25",
    ])
    #expect(r.count == 2 && r.allSatisfy { $0.time == Record.noTime })
    #expect(info.records == 2)
    #expect(info.warnings == ["no line with a mysql time stamp; records have no time"])
  }
}

@Suite struct DatastoreMongoTests {
  @Test func legacyText() {
    let (r, _) = DS.read(.mongodb, [
      "2014-04-09T23:16:20.437-0400 [initandlisten] MongoDB starting : pid=4037 port=27019",
      "2022-02-24T20:10:27.972+0000 W  NETWORK  [main] Server certificate has no compatible Subject Alternative Name.",
      "2015-03-10T14:21:24.484+1100 I CONTROL  [initandlisten] db version v3.0.0",
      "2017-02-17T15:02:06.558Z W -        [initandlisten] Detected unclean shutdown - /data/db/mongod.lock is not empty.",
    ])
    #expect(r.map(\.time) == [
      DS.t(2014, 4, 10, 3, 16, 20, 437_000), DS.t(2022, 2, 24, 20, 10, 27, 972_000),
      DS.t(2015, 3, 10, 3, 21, 24, 484_000), DS.t(2017, 2, 17, 15, 2, 6, 558_000),
    ])
    #expect(r[0].message == "[initandlisten] MongoDB starting : pid=4037 port=27019")
    #expect(r[1].message == "W  NETWORK  [main] Server certificate has no compatible Subject Alternative Name.")
    #expect(r.allSatisfy { $0.identifier == "mongod" && $0.pid == 0 })
  }

  @Test func jsonWiredTigerAndCtime() {
    let json = #"{"t":{"$date":"2024-01-04T16:33:33.069+00:00"},"s":"W","c":"STORAGE","id":22271,"ctx":"initandlisten","msg":"Detected unclean shutdown - Lock file is not empty","attr":{"lockFile":"/data/db/mongod.lock"}}"#
    let long = #"{"t":{"$date":{"$numberLong":"1704386013069"}},"s":"I","c":"-","id":1,"ctx":"main","msg":"x"}"#
    let (r, _) = DS.read(.mongodb, [
      json, long,
      "[1431429875:469521][10501:0x7f1a672e3c20], file:WiredTiger.wt, connection: read checksum error",
      "Wed Apr  9 23:16:20.437 [initandlisten] db version v2.4.9",
      "Thu Apr 10 00:00:01 [conn1] end connection",
    ], year: 2014)
    #expect(r[0] == DSRecord(time: DS.t(2024, 1, 4, 16, 33, 33, 69_000), line: 1, host: "", identifier: "mongod",
      pid: 0, message: json))
    #expect(r[1].time == 1_704_386_013_069_000 && r[1].message == long)
    #expect(r[2].time == 1_431_429_875_469_521 && r[2].pid == 10501)
    #expect(r[2].message == "file:WiredTiger.wt, connection: read checksum error")
    #expect(r[3].time == DS.t(2014, 4, 9, 23, 16, 20, 437_000) && r[3].message.hasPrefix("[initandlisten] db"))
    #expect(r[4].time == DS.t(2014, 4, 10, 0, 0, 1))
  }
}

@Suite struct DatastoreRedisTests {
  @Test func currentFormatLocalTime() {
    let (r, info) = DS.read(.redis, [
      "1234:M 01 May 2024 12:00:00.123 * Ready to accept connections",
      "1235:C 01 May 2024 12:00:01.000 # Write error saving DB on disk: No space left on device",
      "                _._",
      "AOF analyzed: size=18480421, ok_up_to=18479826, diff=595",
    ], timeZone: "Europe/Berlin")
    #expect(r.map(\.time) == [
      DS.t(2024, 5, 1, 10, 0, 0, 123_000), DS.t(2024, 5, 1, 10, 0, 1), DS.t(2024, 5, 1, 10, 0, 1),
      DS.t(2024, 5, 1, 10, 0, 1),
    ])
    #expect(r.map(\.pid) == [1234, 1235, 1235, 0])
    #expect(r[0].message == "Ready to accept connections" && r[0].identifier == "redis-server")
    #expect(r[1].message == "Write error saving DB on disk: No space left on device")
    #expect(info.warnings.isEmpty)
  }

  @Test func yearlessFormsUseYearAndRollOver() {
    let (r, info) = DS.read(.redis, [
      "11833:M 31 Dec 07:50:58.426 # Bad file format reading the append only file",
      "[4023] 01 Jan 10:12:01.345 # Server started, Redis version 2.6.17",
      "[4023] 1 Jan 10:12:02 * The server is now ready to accept connections on port 6379",
    ], year: 2018)
    #expect(r.map(\.time) == [
      DS.t(2018, 12, 31, 7, 50, 58, 426_000), DS.t(2019, 1, 1, 10, 12, 1, 345_000), DS.t(2019, 1, 1, 10, 12, 2),
    ])
    #expect(r.map(\.pid) == [11833, 4023, 4023])
    #expect(r[0].message == "Bad file format reading the append only file")
    #expect(info.warnings == ["year-less timestamps: year 2018 from --year"])
  }

  @Test func yearFromFileTime() throws {
    let dir = SyslogTestFiles.tempDir()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let path = dir + "/redis-server.log"
    SyslogTestFiles.write(path, "11833:M 23 Nov 07:50:58.426 * a\n11833:M 02 Mar 07:50:59.000 * b\n")
    // mtime 2021-03-05: the last line (March) is in 2021, the first (November) in 2020.
    try FileManager.default.setAttributes(
      [.modificationDate: Date(timeIntervalSince1970: 1_614_945_600)], ofItemAtPath: path)
    let reg = InputRegistry()
    var sink = DSSink()
    DatastoreLogSource(path: path, component: "redis", registry: reg, options: IngestOptions(timeZone: "UTC"))
      .run(into: &sink)
    #expect(sink.records.map(\.time) == [DS.t(2020, 11, 23, 7, 50, 58, 426_000), DS.t(2021, 3, 2, 7, 50, 59)])
    #expect(reg.inputs[0].warnings.contains { $0.contains("year 2020 inferred from file modification time") })
  }
}

@Suite struct DatastoreSourceTests {
  @Test func registersInputAndReadsGzip() {
    let dir = SyslogTestFiles.tempDir()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let text = "2022-04-12 00:16:05.526 UTC [7755] LOG:  a\n\tcontinued\n2022-04-12 00:16:06.000 UTC [7756] LOG:  b\n"
    SyslogTestFiles.write(dir + "/postgresql-16-main.log.1.gz", SyslogTestFiles.gzip(Array(text.utf8)))
    let reg = InputRegistry()
    var sink = DSSink()
    DatastoreLogSource(path: dir + "/postgresql-16-main.log.1.gz", component: "postgresql", registry: reg,
      options: IngestOptions(timeZone: "UTC")).run(into: &sink)
    #expect(reg.inputs.count == 1)
    #expect(reg.inputs[0].kind == .datastoreLog && reg.inputs[0].component == "postgresql")
    #expect(reg.inputs[0].records == 3 && reg.inputs[0].host == nil)
    #expect(sink.records.map(\.line) == [1, 2, 3])
    #expect(sink.records.map(\.pid) == [7755, 7755, 7756])
    #expect(sink.records[1].time == DS.t(2022, 4, 12, 0, 16, 5, 526_000))
  }

  @Test func unknownComponentAndMissingFileWarn() {
    let reg = InputRegistry()
    var sink = DSSink()
    DatastoreLogSource(path: "/nonexistent/x.log", component: "cassandra", registry: reg, options: IngestOptions())
      .run(into: &sink)
    DatastoreLogSource(path: "/nonexistent/y.log", component: "mysql", registry: reg, options: IngestOptions())
      .run(into: &sink)
    #expect(sink.records.isEmpty)
    #expect(reg.inputs[0].warnings == ["unknown datastore 'cassandra'; file not read"])
    #expect(reg.inputs[1].warnings.first?.hasPrefix("cannot open") == true)
  }

  /// Datastore records never open boots or hosts in the detection engine.
  @Test func engineIgnoresDatastoreRecords() {
    let dir = SyslogTestFiles.tempDir()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    SyslogTestFiles.write(dir + "/mysqld.log", "2024-05-01T12:00:00.123456Z 0 [System] [MY-010116] [Server] start\n")
    let result = Analyzer.run(AnalysisOptions(paths: [dir], ingest: IngestOptions(timeZone: "UTC")))
    #expect(result.inputs.map(\.kind) == [.datastoreLog])
    #expect(result.inputs[0].component == "mysql" && result.inputs[0].records == 1)
    #expect(result.hosts.isEmpty)
  }
}

@Suite struct CloudInitLogTests {
  /// cloud-init.log: Python logging stamps in local time, `module.py[LEVEL]: ` after ` - `; the message keeps it.
  @Test func stampsAndMessages() {
    let (r, info) = DS.read(.cloudInit, [
      "2024-03-12 06:02:10,513 - stages.py[DEBUG]: previous iid found to be i-0a3c5e7f9b1d2e4f6",
      "2024-03-12 06:02:10,515 - stages.py[INFO]: init will now be targeting instance id: i-0a3c5e7f9b1d2e4f6. new=False",
      "  continued traceback line",
    ], timeZone: "Europe/Berlin")
    #expect(r.map(\.time) == [DS.t(2024, 3, 12, 5, 2, 10, 513_000), DS.t(2024, 3, 12, 5, 2, 10, 515_000),
      DS.t(2024, 3, 12, 5, 2, 10, 515_000)])
    #expect(r[1].message == "stages.py[INFO]: init will now be targeting instance id: i-0a3c5e7f9b1d2e4f6. new=False")
    #expect(r.allSatisfy { $0.identifier == "cloud-init" })
    #expect(info.warnings.isEmpty)
  }

  @Test func sniffedByContentNotAsSyslog() {
    #expect(DS.sniff(["2024-03-12 06:02:09,880 - util.py[DEBUG]: Cloud-init v. 23.4.4 running 'init-local'"],
      name: "cloud-init.log") == "cloud-init")
    #expect(DS.sniff(["2024-03-12 06:02:09 myhost sshd[12]: Accepted publickey"], name: "x.log") == nil)
  }
}

@Suite struct EtcdLogTests {
  /// etcd's zap JSON (ISO `ts` with an offset or `Z`, or epoch seconds; the whole line is the message) and the
  /// older capnslog text (local time; the message after `| `). A Go panic's lines are untimed records.
  @Test func zapJSONAndCapnslog() {
    let (r, info) = DS.read(.etcd, [
      #"{"level":"info","ts":"2022-06-09T13:38:01.213-0400","caller":"etcdmain/etcd.go:73","msg":"Running: ","args":["etcd"]}"#,
      #"{"level":"info","ts":"2024-03-01T10:00:00.123456Z","caller":"wal/repair.go:96","msg":"repaired","error":"unexpected EOF"}"#,
      #"{"level":"warn","ts":1709287200.5,"caller":"etcdserver/server.go:1","msg":"x"}"#,
      "2019-10-09 09:02:16.166029 C | etcdserver: read wal error (walpb: crc mismatch) and cannot be repaired",
      "panic: freepages: failed to get all reachable pages (page 3: out of bounds: 3)",
    ], timeZone: "Europe/Berlin")
    #expect(r.map(\.time) == [
      DS.t(2022, 6, 9, 17, 38, 1, 213_000), DS.t(2024, 3, 1, 10, 0, 0, 123_456), DS.t(2024, 3, 1, 10, 0, 0, 500_000),
      DS.t(2019, 10, 9, 7, 2, 16, 166_029), DS.t(2019, 10, 9, 7, 2, 16, 166_029),
    ])
    #expect(r[1].message.hasPrefix(#"{"level":"info","ts":"2024-03-01T10:00:00.123456Z""#))
    #expect(r[3].message == "etcdserver: read wal error (walpb: crc mismatch) and cannot be repaired")
    #expect(r.allSatisfy { $0.identifier == "etcd" })
    #expect(info.warnings.isEmpty)
  }

  /// etcd's lines are told from other Go programs' zap JSON by etcd's own packages.
  @Test func sniffed() {
    #expect(DS.sniff([
      #"{"level":"info","ts":"2024-03-01T10:00:00.1Z","caller":"etcdmain/etcd.go:73","msg":"Running: "}"#,
      #"{"level":"info","ts":"2024-03-01T10:00:00.2Z","caller":"embed/etcd.go:124","msg":"configuring peer listeners"}"#,
    ]) == "etcd")
    #expect(DS.sniff(["2019-10-09 09:02:16.166029 I | etcdmain: etcd Version: 3.3.13"]) == "etcd")
    #expect(DS.sniff([
      #"{"level":"info","ts":1709287200.5,"logger":"http.log","msg":"server running","name":"srv0"}"#,
      #"{"level":"info","ts":1709287200.6,"logger":"tls","msg":"cleaning storage unit"}"#,
    ], name: "caddy.log") == nil)
  }

  /// Kubernetes' etcd static pod after a power loss: its CRI log under /var/log/pods is read as etcd's log, and the
  /// WAL repair joins the incident of the node whose syslog is in /var/log.
  @Test func etcdPodLogJoinsTheIncident() throws {
    let dir = SyslogTestFiles.tempDir()
    defer { try? FileManager.default.removeItem(atPath: dir) }
    let pod = dir + "/var/log/pods/kube-system_etcd-cp1_0d1c/etcd"
    try FileManager.default.createDirectory(atPath: pod, withIntermediateDirectories: true)
    func cri(_ t: String, _ json: String) -> String { "2024-03-01T\(t)Z stderr F " + json }
    SyslogTestFiles.write(pod + "/0.log", [
      cri("10:00:03.000000000", #"{"level":"info","ts":"2024-03-01T10:00:03.000Z","caller":"etcdmain/etcd.go:73","msg":"Running: "}"#),
      cri("11:02:20.000000000", #"{"level":"info","ts":"2024-03-01T11:02:20.000Z","caller":"etcdmain/etcd.go:73","msg":"Running: "}"#),
      cri("11:02:20.100000000", #"{"level":"info","ts":"2024-03-01T11:02:20.100Z","caller":"wal/repair.go:96","msg":"repaired","path":"/var/lib/etcd/member/wal/0000000000000001-0000000000012345.wal","error":"unexpected EOF"}"#),
    ].joined(separator: "\n") + "\n")
    let banner = "kernel: [    0.000000] Linux version 6.1.0-26-amd64 (debian-kernel@lists.debian.org) #1 SMP"
    SyslogTestFiles.write(dir + "/var/log/syslog", """
      Feb 29 09:00:00 cp1 \(banner)
      Feb 29 09:00:05 cp1 systemd[1]: Startup finished in 2.9s (kernel) + 6.1s (userspace) = 9.0s.
      Mar  1 09:59:50 cp1 systemd-logind[412]: System is rebooting.
      Mar  1 10:00:00 cp1 \(banner)
      Mar  1 10:55:00 cp1 CRON[311]: (root) CMD (true)
      Mar  1 11:02:00 cp1 \(banner)

      """)
    let r = Analyzer.run(AnalysisOptions(paths: [dir], ingest: IngestOptions(year: 2024, timeZone: "UTC")))
    #expect(r.hosts.first?.boots.map(\.ending) == [.reboot, .powerLoss, .running])
    #expect(r.inputs.first { $0.path.hasSuffix("/0.log") }?.component == "etcd")
    #expect(r.incidents.first?.timeline.contains { $0.source?.hasSuffix("/0.log") == true && $0.line == 3 } == true)
  }
}
