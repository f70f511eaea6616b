extension BuiltinRules {
  /// Kafka, Cassandra, ZooKeeper (log4j/logback text logs).
  static let jvm: [Rule] = kafka + cassandra + zookeeper

  static let kafka: [Rule] = [
    rule(
      "kafka.no-clean-shutdown-file", "Kafka found no clean-shutdown file: recovering logs",
      .uncleanStart, .warning, .kafka,
      anchors: ["since no clean shutdown file was found"],
      match: [
        "[2024-01-01 12:00:00,123] INFO Recovering 42 logs from /var/lib/kafka/data since no clean shutdown file was found (kafka.log.LogManager)",
        "[2021-06-01 08:00:00,001] INFO Attempting recovery for all logs in /var/lib/kafka/data since no clean shutdown file was found (kafka.log.LogManager)",
      ],
      noMatch: [
        "[2024-01-01 12:00:00,123] INFO Skipping recovery of 42 logs from /var/lib/kafka/data since clean shutdown file was found (kafka.log.LogManager)"
      ]),
    rule(
      "kafka.recovering-unflushed-segment", "Kafka recovering an unflushed log segment",
      .crashRecovery, .info, .kafka,
      anchors: ["Recovering unflushed segment "],
      match: [
        "[2024-01-01 12:00:00,123] INFO [LogLoader partition=t-0, dir=/var/lib/kafka] Recovering unflushed segment 0. 0/1 recovered for t-0. (kafka.log.LogLoader)"
      ]),
    rule(
      "kafka.corrupted-index", "Kafka found a corrupted index file and rebuilds it",
      .corruption, .warning, .kafka,
      anchors: ["Found a corrupted index file corresponding to log file"],
      match: [
        "[2024-01-01 12:00:00,123] WARN [LogLoader partition=t-0, dir=/var/lib/kafka] Found a corrupted index file corresponding to log file /var/lib/kafka/t-0/00000000000000000000.log due to Corrupt time index found, time index file (/var/lib/kafka/t-0/00000000000000000000.timeindex) has non-zero size but the last timestamp is 0 which is less than the first timestamp 1704110400000}, recovering segment and rebuilding index files... (kafka.log.LogLoader)"
      ]),
    rule(
      "kafka.invalid-messages", "Kafka found invalid messages in a log segment",
      .corruption, .error, .kafka,
      anchors: ["Found invalid messages in log segment "],
      match: [
        "[2024-01-01 12:00:00,123] WARN Found invalid messages in log segment /var/lib/kafka/t-0/00000000000000000000.log at byte offset 1048576. (org.apache.kafka.storage.internals.log.LogSegment)"
      ]),
    rule(
      "kafka.corruption-truncating", "Kafka truncated a corrupt segment",
      .repair, .warning, .kafka,
      anchors: ["Corruption found in segment ", ", truncating to offset "],
      match: [
        "[2024-01-01 12:00:00,123] WARN [LogLoader partition=t-0, dir=/var/lib/kafka] Corruption found in segment 0, truncating to offset 1234 (kafka.log.LogLoader)"
      ]),
    rule(
      "kafka.corrupt-record", "Kafka record failed its CRC",
      .corruption, .error, .kafka,
      anchors: ["CorruptRecordException"],
      match: [
        "org.apache.kafka.common.errors.CorruptRecordException: Record is corrupt (stored crc = 1832016380, computed crc = 2431937532)"
      ]),
  ]

  static let cassandra: [Rule] = [
    rule(
      "cassandra.commitlog-replay", "Cassandra replaying commit log segments",
      .crashRecovery, .info, .cassandra,
      anchors: ["Replaying ", "CommitLog-"],
      note: "Segments left after a stop without `nodetool drain` are replayed; routine after a crash.",
      match: [
        "INFO  [main] 2021-11-11 00:55:40,724 CommitLog.java:173 - Replaying /var/lib/cassandra/commitlog/CommitLog-7-1636591940724.log, /var/lib/cassandra/commitlog/CommitLog-7-1636591940725.log"
      ],
      noMatch: ["INFO  [main] 2021-11-11 00:55:40,724 CommitLog.java:169 - No commitlog files found; skipping replay"]),
    rule(
      "cassandra.replay-complete", "Cassandra commit log replay complete",
      .recoveryDone, .info, .cassandra,
      anchors: ["Log replay complete, "],
      match: ["INFO  [main] 2021-11-11 00:55:41,002 CommitLog.java:198 - Log replay complete, 1234 replayed mutations"]),
    rule(
      "cassandra.replay-error-ignored", "Cassandra ignored a torn commit log tail",
      .corruption, .warning, .cassandra,
      anchors: ["Ignoring commit log replay error likely due to incomplete flush to disk"],
      match: [
        "ERROR [main] 2021-11-11 00:55:40,900 CommitLogReplayer.java:743 - Ignoring commit log replay error likely due to incomplete flush to disk"
      ]),
    rule(
      "cassandra.mutation-checksum", "Cassandra commit log mutation checksum failure",
      .corruption, .error, .cassandra,
      anchors: ["Mutation checksum failure at "],
      match: [
        "ERROR [main] 2021-11-11 00:55:40,900 CommitLogReplayer.java:501 - Mutation checksum failure at 102400 in /var/lib/cassandra/commitlog/CommitLog-7-1636591940724.log"
      ]),
    rule(
      "cassandra.replay-stopped", "Cassandra refused to start: commit log replay stopped",
      .refusedStart, .critical, .cassandra,
      anchors: ["Replay stopped. If you wish to override this error"],
      match: [
        "ERROR [main] 2021-11-11 00:55:40,901 JVMStabilityInspector.java:111 - Replay stopped. If you wish to override this error and continue starting the node ignoring commit log replay problems, specify -Dcassandra.commitlog.ignorereplayerrors=true on the command line"
      ]),
    rule(
      "cassandra.corrupt-sstable", "Cassandra SSTable is corrupted",
      .corruption, .critical, .cassandra,
      anchors: ["CorruptSSTableException"],
      match: [
        "org.apache.cassandra.io.sstable.CorruptSSTableException: Corrupted: /var/lib/cassandra/data/ks/t-1a2b3c/nb-12-big-Data.db"
      ]),
  ]

  static let zookeeper: [Rule] = [
    rule(
      "zookeeper.partial-transaction", "ZooKeeper transaction log ends with a torn transaction",
      .corruption, .warning, .zookeeper,
      anchors: ["Last transaction was partial."],
      match: [
        "2024-01-01 12:00:00,123 [myid:1] - ERROR [main:Util@237] - Last transaction was partial."
      ]),
    rule(
      "zookeeper.crc-failure", "ZooKeeper log or snapshot CRC failure",
      .corruption, .error, .zookeeper,
      anchors: ["CRC "],
      regex: "CRC (?:check failed|corruption)",
      match: [
        "java.io.IOException: CRC check failed",
        "java.io.IOException: CRC corruption in snapshot :  /var/lib/zookeeper/version-2/snapshot.1a2b",
      ]),
    rule(
      "zookeeper.delete-empty-tail-log", "ZooKeeper deleted an empty tail log after corruption",
      .repair, .warning, .zookeeper,
      anchors: ["Delete empty tail log file to recover from corruption file"],
      match: [
        "2024-01-01 12:00:00,123 [myid:1] - WARN  [main:FileTxnLog@702] - Delete empty tail log file to recover from corruption file: /var/lib/zookeeper/version-2/log.1a2c"
      ]),
    rule(
      "zookeeper.unable-to-load-database", "ZooKeeper refused to start: unable to load its database",
      .refusedStart, .critical, .zookeeper,
      anchors: ["Unable to load database on disk"],
      match: [
        "2024-01-01 12:00:00,123 [myid:1] - ERROR [main:QuorumPeer@1147] - Unable to load database on disk"
      ]),
  ]
}
