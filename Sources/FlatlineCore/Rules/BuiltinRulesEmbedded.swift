extension BuiltinRules {
  /// ClickHouse, SQLite, RocksDB, Prometheus TSDB, InfluxDB.
  static let embedded: [Rule] = clickhouse + sqlite + rocksdb + prometheus + influxdb

  static let clickhouse: [Rule] = [
    rule(
      "clickhouse.checksum-mismatch", "ClickHouse checksum mismatch (corrupted data)",
      .corruption, .critical, .clickhouse,
      anchors: ["Checksum doesn't match: corrupted data"],
      match: [
        "2025.11.01 11:00:20.208590 [ 652 ] {} <Error> MergeTreeBackgroundExecutor: Code: 40. DB::Exception: Checksum doesn't match: corrupted data. Reference: 2d1b0c1f6cfb4bb0ef1d4e6b4e2e9a3c. Actual: 8f2e3b1a9c0d7e6f5a4b3c2d1e0f9a8b. Size of compressed block: 65536."
      ]),
    rule(
      "clickhouse.detaching-broken-part", "ClickHouse detached a broken part at startup",
      .repair, .warning, .clickhouse,
      anchors: ["Detaching broken part "],
      match: [
        "2025.11.01 11:00:20.208590 [ 652 ] {} <Error> default.events (MergeTreeData): Detaching broken part /var/lib/clickhouse/store/1a2/1a2b/202511_1_1_0 (size: 0.00 B). If it happened after update, it is likely because of backward incompatibility. You need to resolve this manually"
      ]),
    rule(
      "clickhouse.too-many-broken-parts", "ClickHouse refused to attach a table: too many broken parts",
      .refusedStart, .critical, .clickhouse,
      anchors: ["Suspiciously ", " broken parts to remove"],
      match: [
        "2025.11.01 11:00:20.208590 [ 652 ] {} <Error> Application: Code: 231. DB::Exception: Suspiciously many (12 parts, 0.00 B in total) broken parts to remove while maximum allowed broken parts count is 10. You can change the maximum value with merge tree setting 'max_suspicious_broken_parts' in <merge_tree> configuration section or in table settings in .sql file (don't forget to return setting back to default value): Cannot attach table `default`.`events` from metadata file",
        "2022.08.01 10:00:00.000000 [ 1 ] {} <Error> Application: DB::Exception: Suspiciously many (5) broken parts to remove.: Cannot attach table `signoz_logs`.`logs`",
      ]),
  ]

  static let sqlite: [Rule] = [
    rule(
      "sqlite.malformed", "SQLite database disk image is malformed",
      .corruption, .critical, .anyProgram,
      anchors: ["database disk image is malformed"],
      note: "SQLite is a library: its messages appear in the logs of the program that embeds it (any source).",
      match: [
        "Mar 12 14:48:01 host1 grafana[812]: logger=sqlstore t=2024-03-12T14:48:01Z level=error msg=\"query failed\" error=\"database disk image is malformed\""
      ]),
    rule(
      "sqlite.not-a-database", "SQLite: file is not a database",
      .corruption, .error, .anyProgram,
      anchors: ["file is not a database"],
      match: ["sqlite3.DatabaseError: file is not a database"]),
    rule(
      "sqlite.corruption-at-line", "SQLite reported corruption (sqlite3_log)",
      .corruption, .critical, .anyProgram,
      anchors: [" corruption at line "],
      regex: #"(?:database|index) corruption at line \d+ of \[[0-9a-f]{10}\]"#,
      match: ["(11) database corruption at line 72330 of [d4c6bc4b2b]"]),
    rule(
      "sqlite.wal-recovered", "SQLite recovered frames from its WAL after a crash",
      .crashRecovery, .info, .anyProgram,
      anchors: [" frames from WAL file "],
      regex: #"recovered \d+ frames from WAL file "#,
      match: ["(283) recovered 12 frames from WAL file /var/lib/app/app.db-wal"]),
    rule(
      "sqlite.hot-journal-rollback", "SQLite rolled back a hot journal after a crash",
      .crashRecovery, .info, .anyProgram,
      anchors: ["recovered ", " pages from "],
      regex: #"recovered \d+ pages from \S+"#,
      match: ["(539) recovered 4 pages from /var/lib/app/app.db-journal"]),
  ]

  static let rocksdb: [Rule] = [
    rule(
      "rocksdb.wal-dropping-bytes", "RocksDB dropped corrupt bytes from a WAL",
      .corruption, .warning, .anyProgram,
      anchors: [" bytes; Corruption: "],
      regex: #"dropping \d+ bytes; Corruption: "#,
      note: "RocksDB is embedded: its LOG file, or the error text of the program that embeds it.",
      match: [
        "2024/01/01-12:00:00.123456 7f12abcd [WARN] [db/db_impl/db_impl_open.cc:1017] (ignoring error) 000123.log: dropping 4096 bytes; Corruption: checksum mismatch"
      ],
      noMatch: ["2024/01/01-12:00:00.123456 7f12abcd [db/db_impl/db_impl_open.cc:1017] 000123.log: dropping 4096 bytes; possibly recycled"]),
    rule(
      "rocksdb.sst-corruption", "RocksDB SST file corruption",
      .corruption, .critical, .anyProgram,
      anchors: ["Corruption: "],
      regex: "Corruption: (?:block checksum mismatch|truncated block read|Sst file size mismatch)",
      match: [
        "Corruption: block checksum mismatch: stored = 2324967102, computed = 2953275269, type = 1  in /var/lib/app/db/000456.sst offset 1048576 size 4021",
        "Corruption: Sst file size mismatch: /var/lib/app/db/000457.sst. Size recorded in manifest 65536, actual size 0",
      ]),
    rule(
      "rocksdb.recovering-log", "RocksDB replaying a WAL on open",
      .crashRecovery, .info, .anyProgram,
      anchors: ["Recovering log #"],
      regex: #"\] Recovering log #\d+ mode \d"#,
      match: ["2024/01/01-12:00:00.123456 7f12abcd [db/db_impl/db_impl_open.cc:1402] Recovering log #12 mode 2"]),
  ]

  static let prometheus: [Rule] = [
    rule(
      "prometheus.unclean-shutdown", "Prometheus detected an unclean shutdown",
      .uncleanStart, .warning, .prometheus,
      anchors: ["unclean shutdown detected, performing WAL scan"],
      match: [
        #"time=2025-07-03T07:51:31.301Z level=INFO source=head.go:700 msg="Fast startup: unclean shutdown detected, performing WAL scan" component=tsdb"#
      ]),
    rule(
      "prometheus.wal-corruption", "Prometheus TSDB WAL/WBL read error (corruption), attempting repair",
      .corruption, .error, .prometheus,
      anchors: ["error, attempting repair"],
      regex: "[Ee]ncountered W[AB]L (?:read )?error, attempting repair",
      match: [
        #"time=2025-07-03T07:51:31.301Z level=WARN source=db.go:1018 msg="Encountered WAL read error, attempting repair" component=tsdb err="read records: corruption in segment /prometheus/wal/00000042 at 1048576: last record is torn""#,
        #"level=warn ts=2019-03-15T14:48:34.374Z caller=head.go:415 component=tsdb msg="encountered WAL error, attempting repair" err="read records: corruption in segment /prometheus/wal/00000012 at 65536: unexpected full record""#,
      ]),
    rule(
      "prometheus.corruption-repair", "Prometheus repairing a corrupt WAL segment",
      .repair, .warning, .prometheus,
      anchors: ["Starting corruption repair"],
      match: [
        #"time=2025-07-03T07:51:31.302Z level=WARN source=wlog.go:431 msg="Starting corruption repair" component=tsdb segment=42 offset=1048576"#
      ]),
    rule(
      "prometheus.wal-repaired", "Prometheus repaired its WAL (tail discarded)",
      .repair, .warning, .prometheus,
      anchors: ["Successfully repaired WAL"],
      match: [#"time=2025-07-03T07:51:31.400Z level=INFO source=db.go:1025 msg="Successfully repaired WAL" component=tsdb"#]),
    rule(
      "prometheus.torn-page-zeroed", "Prometheus zero-filled a torn WAL page",
      .repair, .warning, .prometheus,
      anchors: ["last page of the wal is torn, filling it with zeros"],
      match: [
        #"level=warn ts=2019-03-02T10:00:00.000Z caller=wal.go:116 component=tsdb msg="last page of the wal is torn, filling it with zeros" segment=/prometheus/wal/00000003"#
      ]),
    rule(
      "prometheus.chunks-load-failed", "Prometheus failed to load on-disk chunks (corrupt mmap chunks)",
      .corruption, .error, .prometheus,
      anchors: ["Loading on-disk chunks failed"],
      match: [
        #"level=error ts=2021-01-01T00:00:00.000Z caller=head.go:645 component=tsdb msg="Loading on-disk chunks failed" err="iterate on on-disk chunks: corruption in head chunk file /prometheus/chunks_head/000001: checksum mismatch expected:0, actual:d96d5e1b""#
      ]),
    rule(
      "prometheus.opening-storage-failed", "Prometheus refused to start: opening storage failed",
      .refusedStart, .critical, .prometheus,
      anchors: ["opening storage failed"],
      match: [
        #"level=error ts=2018-08-10T09:00:00.000Z caller=main.go:617 err="opening storage failed: read WAL: repair corrupted WAL: cannot handle error: open /prometheus/wal/00000012: no such file or directory""#
      ],
      noMatch: [#"time=2025-07-03T07:51:31.301Z level=INFO source=main.go:1300 msg="TSDB started""#]),
  ]

  static let influxdb: [Rule] = [
    rule(
      "influxdb.wal-file-corrupt", "InfluxDB WAL segment corrupt (truncated at the bad record)",
      .corruption, .warning, .influxdb,
      anchors: ["File corrupt"],
      match: [
        #"ts=2021-03-01T10:00:00.000000Z lvl=warn msg="File corrupt" log_id=0SaV0n3G000 engine=tsm1 service=cacheloader error="snappy: corrupt input" path=/var/lib/influxdb/wal/telegraf/autogen/3/_00042.wal pos=1048576"#
      ]),
    rule(
      "influxdb.corrupt-tsm-renamed", "InfluxDB renamed a corrupt TSM file",
      .repair, .error, .influxdb,
      anchors: ["Renaming a corrupt TSM file"],
      match: [
        #"ts=2021-03-01T10:00:00.000000Z lvl=info msg="Renaming a corrupt TSM file due to compaction error" log_id=0SaV0n3G000 engine=tsm1 file=/var/lib/influxdb/data/telegraf/autogen/3/000000012-000000002.tsm"#
      ]),
    rule(
      "influxdb.corrupt-tsm-read", "InfluxDB could not read a corrupt TSM file (renamed to .bad)",
      .repair, .error, .influxdb,
      anchors: ["Cannot read corrupt tsm file, renaming"],
      match: [
        #"ts=2021-03-01T10:00:00.000000Z lvl=error msg="Cannot read corrupt tsm file, renaming" log_id=0SaV0n3G000 engine=tsm1 path=/var/lib/influxdb/data/telegraf/autogen/3/000000012-000000002.tsm id=0 error="init: read tombstones: unexpected EOF""#
      ]),
    rule(
      "influxdb.failed-open-shard", "InfluxDB failed to open a shard",
      .refusedStart, .error, .influxdb,
      anchors: ["Failed to open shard"],
      match: [
        #"ts=2021-03-01T10:00:00.000000Z lvl=error msg="Failed to open shard" log_id=0SaV0n3G000 service=store trace_id=0SaV0oQG000 op_name=tsdb_open db_shard_id=3 error="[shard 3] snappy: corrupt input""#
      ]),
  ]
}
