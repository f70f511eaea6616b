extension BuiltinRules {
  /// MongoDB (legacy text and 4.4+ JSON), Redis, Elasticsearch/OpenSearch, etcd/bbolt.
  static let document: [Rule] = mongodb + redis + elasticsearch + etcd

  /// Legacy (≤4.2) text lines only: 4.4+ lines are JSON objects (`{"t":…`), matched by message id instead.
  private static let notJSON = #"^[^{]"#

  static let mongodb: [Rule] = [
    rule(
      "mongodb.fatal-signal", "mongod died on a fatal signal",
      .crash, .critical, .mongodb,
      anchors: ["Got signal: "],
      regex: "Got signal: (4|6|7|8|11) ",
      note: "mongod's crash handler (`Got signal: 11 (Segmentation fault).`); SIGTERM/SIGINT are clean stops and do not match.",
      match: [
        #"{"t":{"$date":"2021-03-01T10:00:00.000+00:00"},"s":"F","c":"CONTROL","id":4757800,"ctx":"conn1","msg":"Writing fatal message","attr":{"message":"Got signal: 6 (Aborted).\n"}}"#,
        "2019-05-02T10:00:00.000+0000 F -        [conn12] Got signal: 11 (Segmentation fault).",
      ],
      noMatch: [
        "2019-05-02T10:00:00.000+0000 I CONTROL  [signalProcessingThread] got signal 15 (Terminated), will terminate after current cmd ends",
      ]),
    rule(
      "mongodb.unclean-shutdown", "MongoDB detected an unclean shutdown (id 22271)",
      .uncleanStart, .warning, .mongodb,
      anchors: [#""id":22271,"#],
      note: "Also written after a SIGKILL or crash of mongod without a host reboot.",
      match: [
        #"{"t":{"$date":"2020-10-02T12:54:15.095+00:00"},"s":"W","c":"STORAGE","id":22271,"ctx":"initandlisten","msg":"Detected unclean shutdown - Lock file is not empty","attr":{"lockFile":"/data/db/mongod.lock"}}"#
      ],
      noMatch: [
        #"{"t":{"$date":"2020-10-02T12:54:15.095+00:00"},"s":"W","c":"STORAGE","id":22302,"ctx":"initandlisten","msg":"Recovering data from the last clean checkpoint."}"#
      ]),
    rule(
      "mongodb.unclean-shutdown-legacy", "MongoDB (≤4.2) detected an unclean shutdown",
      .uncleanStart, .warning, .mongodb,
      anchors: ["Detected unclean shutdown - ", "mongod.lock is not empty"],
      match: [
        "2017-02-17T15:02:06.558+0000 W -        [initandlisten] Detected unclean shutdown - /data/db/mongod.lock is not empty."
      ],
      noMatch: [
        #"{"t":{"$date":"2020-10-02T12:54:15.095+00:00"},"s":"W","c":"STORAGE","id":22271,"ctx":"initandlisten","msg":"Detected unclean shutdown - Lock file is not empty","attr":{"lockFile":"/data/db/mongod.lock"}}"#
      ]),
    rule(
      "mongodb.recovering-from-checkpoint", "MongoDB recovering from the last clean checkpoint (id 22302)",
      .crashRecovery, .warning, .mongodb,
      anchors: [#""id":22302,"#],
      match: [
        #"{"t":{"$date":"2020-10-02T12:54:15.095+00:00"},"s":"W","c":"STORAGE","id":22302,"ctx":"initandlisten","msg":"Recovering data from the last clean checkpoint."}"#
      ]),
    rule(
      "mongodb.recovering-from-checkpoint-legacy", "MongoDB (≤4.2) recovering from the last clean checkpoint",
      .crashRecovery, .warning, .mongodb,
      anchors: ["Recovering data from the last clean checkpoint."],
      regex: notJSON,
      match: [
        "2018-01-17T10:29:52.410+0000 W STORAGE  [initandlisten] Recovering data from the last clean checkpoint."
      ],
      noMatch: [
        "2022-02-24T20:10:28.665+0000 I  STORAGE  [initandlisten] WiredTiger message [1645733428:665086][3590:0x7f07301d30c0], txn-recover: Recovering log 1 through 2",
        "2022-02-24T20:10:28.936+0000 I  REPL     [initandlisten] Recovering from stable timestamp: Timestamp(1645733424, 4) (top of oplog: { ts: Timestamp(1645733424, 4), t: 1 }, appliedThrough: { ts: Timestamp(0, 0), t: -1 }, TruncateAfter: Timestamp(0, 0))",
        "2014-04-09T23:16:20.439-0400 [initandlisten] recover : no journal files present, no recovery needed",
      ]),
    rule(
      "mongodb.rollback-id-unclean", "MongoDB replica member incremented its rollback id after an unclean shutdown",
      .uncleanStart, .info, .mongodb,
      anchors: [#""id":501401,"#],
      match: [
        #"{"t":{"$date":"2023-09-12T07:41:03.112+00:00"},"s":"I","c":"REPL","id":501401,"ctx":"initandlisten","msg":"Incrementing the rollback ID after unclean shutdown"}"#
      ]),
    rule(
      "mongodb.wt-checksum-error", "WiredTiger read checksum error (potential hardware corruption)",
      .corruption, .critical, .mongodb,
      anchors: ["read checksum error"],
      match: [
        #"{"t":{"$date":"2022-03-01T10:00:00.000+00:00"},"s":"E","c":"STORAGE","id":22435,"ctx":"conn12","msg":"WiredTiger error","attr":{"error":-31802,"message":"[1646128800:1][1:0x7f], file:collection-7--123.wt, WT_CURSOR.next: __wt_block_read_off, 283: collection-7--123.wt: potential hardware corruption, read checksum error for 4096B block at offset 8192: block header checksum of 0x12a4b6c8 doesn't match expected checksum of 0x8c6b4a21"}}"#,
        "2015-05-12T11:24:35.469+0000 E STORAGE  [conn3] WiredTiger (0) [1431429875:469521][10501:0x7f1a672e3c20], file:WiredTiger.wt, cursor.next: WiredTiger.wt: read checksum error [4096B @ 8192, 2915580112 != 3528117329]",
      ]),
    rule(
      "mongodb.wt-panic", "WiredTiger library panic",
      .corruption, .critical, .mongodb,
      anchors: ["WT_PANIC"],
      match: [
        "2020-07-10T13:32:06.251+0000 E STORAGE  [thread1] WiredTiger error (-31804) [1594387926:251413][1:0x7f], file:sizeStorer.wt, WT_SESSION.checkpoint: __wt_panic, 520: the process must exit and restart: WT_PANIC: WiredTiger library panic"
      ]),
    rule(
      "mongodb.wt-fatal-assertion", "MongoDB aborted on a WiredTiger panic (fassert 50853 / 28558)",
      .refusedStart, .critical, .mongodb,
      anchors: ["Fatal ", "ssertion"],
      regex: #""msgid":50853|Fatal Assertion 28558"#,
      match: [
        #"{"s":"F","c":"ASSERT","id":23089,"ctx":"JournalFlusher","msg":"Fatal assertion","attr":{"msgid":50853,"location":"src/mongo/db/storage/wiredtiger/wiredtiger_util.cpp:644:9"}}"#,
        "2020-07-10T13:32:06.251+0000 F -        [thread1] Fatal Assertion 28558 at src/mongo/db/storage/wiredtiger/wiredtiger_util.cpp 366",
      ],
      noMatch: [
        #"{"s":"F","c":"ASSERT","id":23089,"ctx":"conn1","msg":"Fatal assertion","attr":{"msgid":40507,"location":"src/mongo/db/repl/replication_coordinator_impl.cpp:1300"}}"#
      ]),
    rule(
      "mongodb.metadata-corruption", "WiredTiger metadata corruption detected",
      .corruption, .critical, .mongodb,
      anchors: ["WiredTiger metadata corruption detected"],
      match: [
        #"{"t":{"$date":"2021-06-01T08:00:00.000+00:00"},"s":"W","c":"STORAGE","id":22348,"ctx":"initandlisten","msg":"WiredTiger metadata corruption detected"}"#
      ]),
    rule(
      "mongodb.salvage-metadata", "MongoDB salvaging WiredTiger metadata (--repair)",
      .repair, .warning, .mongodb,
      anchors: ["Attempting to salvage WiredTiger metadata"],
      match: [
        #"{"t":{"$date":"2021-06-01T08:00:00.000+00:00"},"s":"W","c":"STORAGE","id":22349,"ctx":"initandlisten","msg":"Attempting to salvage WiredTiger metadata"}"#
      ]),
    rule(
      "mongodb.cursor-corruption", "MongoDB failed to open a WiredTiger cursor (data corruption)",
      .corruption, .critical, .mongodb,
      anchors: ["Failed to open WiredTiger cursor. This may be due to data corruption"],
      match: [
        #"{"t":{"$date":"2021-06-01T08:00:00.000+00:00"},"s":"F","c":"STORAGE","id":50882,"ctx":"initandlisten","msg":"Failed to open WiredTiger cursor. This may be due to data corruption","attr":{"uri":"table:_mdb_catalog"}}"#
      ]),
  ]

  static let redis: [Rule] = [
    rule(
      "redis.crashed", "Redis crashed (bug report)",
      .crash, .critical, .redis,
      anchors: ["REDIS BUG REPORT START"],
      note: "Printed by Redis' crash handler (fatal signal or failed assertion) before the stack trace.",
      match: ["1234:M 01 May 2024 12:00:00.123 # === REDIS BUG REPORT START: Cut & paste starting from here ==="],
      noMatch: ["1234:M 01 May 2024 12:00:00.123 # User requested shutdown..."]),
    rule(
      "redis.aof-short-read", "Redis AOF is truncated (short read)",
      .corruption, .error, .redis,
      anchors: ["!!! Warning: short read while loading the AOF file"],
      match: ["1:M 12 Mar 2024 14:48:01.512 # !!! Warning: short read while loading the AOF file appendonly.aof.1.incr.aof!!!"]),
    rule(
      "redis.aof-truncating", "Redis truncated its AOF to load it",
      .repair, .warning, .redis,
      anchors: ["!!! Truncating the AOF ", " at offset "],
      match: ["1:M 12 Mar 2024 14:48:01.512 # !!! Truncating the AOF appendonly.aof.1.incr.aof at offset 18479826 !!!"]),
    rule(
      "redis.aof-loaded-anyway", "Redis loaded a truncated AOF (aof-load-truncated)",
      .repair, .warning, .redis,
      anchors: ["loaded anyway because aof-load-truncated is enabled"],
      match: ["1:M 12 Mar 2024 14:48:01.512 # AOF appendonly.aof.1.incr.aof loaded anyway because aof-load-truncated is enabled"]),
    rule(
      "redis.aof-bad-format", "Redis AOF has a bad format (corrupt)",
      .corruption, .critical, .redis,
      anchors: ["Bad file format reading the append only file"],
      match: [
        "11833:M 23 Jul 07:50:59.099 # Bad file format reading the append only file: make a backup of your AOF file, then use ./redis-check-aof --fix <filename>"
      ],
      noMatch: ["11833:M 23 Jul 07:50:58.426 * Reading the remaining AOF tail..."]),
    rule(
      "redis.aof-unexpected-eof", "Redis refused to start: unexpected end of the AOF",
      .refusedStart, .critical, .redis,
      anchors: ["Unexpected end of file reading the append only file"],
      match: [
        "1:M 12 Mar 2024 14:48:01.512 # Unexpected end of file reading the append only file appendonly.aof.1.incr.aof. You can: 1) Make a backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>. 2) Alternatively you can set the 'aof-load-truncated' configuration option to yes and restart the server."
      ]),
    rule(
      "redis.aof-revert-multi", "Redis reverted an incomplete MULTI/EXEC in the AOF",
      .repair, .warning, .redis,
      anchors: ["Revert incomplete MULTI/EXEC transaction in AOF file"],
      match: ["1:M 12 Mar 2024 14:48:01.512 # Revert incomplete MULTI/EXEC transaction in AOF file appendonly.aof.1.incr.aof"]),
    rule(
      "redis.rdb-checksum", "Redis RDB checksum mismatch",
      .corruption, .critical, .redis,
      anchors: ["Wrong RDB checksum"],
      match: ["1:M 12 Mar 2024 14:48:01.512 # Wrong RDB checksum expected: (3f1a0c2b9d8e7f60) but got (0). Aborting now."]),
    rule(
      "redis.rdb-short-read", "Redis RDB is truncated (short read)",
      .corruption, .critical, .redis,
      anchors: ["Short read or OOM loading DB"],
      match: ["1:M 12 Mar 2024 14:48:01.512 # Short read or OOM loading DB. Unrecoverable error, aborting now."]),
    rule(
      "redis.fatal-loading-db", "Redis refused to start: fatal error loading the DB",
      .refusedStart, .critical, .redis,
      anchors: ["Fatal error loading the DB"],
      match: ["1:M 12 Mar 2024 14:48:01.512 # Fatal error loading the DB, check server logs. Exiting."]),
    rule(
      "redis.check-aof-invalid", "redis-check-aof: the AOF is not valid",
      .corruption, .error, .redis,
      anchors: ["is not valid. Use the --fix option"],
      match: [
        "AOF is not valid. Use the --fix option to try fixing it.",
        "AOF appendonly.aof.1.incr.aof is not valid. Use the --fix option to try fixing it.",
      ]),
    rule(
      "redis.check-aof-analyzed", "redis-check-aof: bytes after the last valid command",
      .corruption, .error, .redis,
      anchors: ["AOF analyzed: ", "diff="],
      regex: #"ok_up_to=(?<okUpTo>\d+).*diff=(?<diff>[1-9]\d*)"#,
      match: ["AOF analyzed: size=18480421, ok_up_to=18479826, diff=595"],
      noMatch: ["AOF analyzed: filename=appendonly.aof, size=18480421, ok_up_to=18480421, ok_up_to_line=901, diff=0"]),
    rule(
      "redis.check-aof-bad-prefix", "redis-check-aof: unexpected bytes in the AOF",
      .corruption, .error, .redis,
      anchors: [": Expected prefix '", "', got: '"],
      match: ["0x         119fad2: Expected prefix '*', got: '"]),
  ]

  static let elasticsearch: [Rule] = [
    rule(
      "elasticsearch.lucene-checksum", "Lucene index checksum failed (Elasticsearch/OpenSearch)",
      .corruption, .critical, .elasticsearch,
      anchors: ["CorruptIndexException", "checksum failed"],
      match: [
        #"[2024-05-01T10:00:00,123][WARN ][o.e.i.e.Engine           ] [node-1] [logs][0] failed engine [merge failed] org.apache.lucene.index.CorruptIndexException: checksum failed (hardware problem?) : expected=1j5b0ij actual=7xd3hj (resource=BufferedChecksumIndexInput(MMapIndexInput(path="/var/lib/elasticsearch/nodes/0/indices/x/0/index/_a.cfs")))"#
      ]),
    rule(
      "elasticsearch.file-truncated", "Lucene/Elasticsearch file truncated (codec footer)",
      .corruption, .critical, .elasticsearch,
      anchors: ["(file truncated?)"],
      match: [
        #"org.apache.lucene.index.CorruptIndexException: codec footer mismatch (file truncated?): actual footer=0 vs expected footer=-1071082520 (resource=BufferedChecksumIndexInput(SimpleFSIndexInput(path="/var/lib/elasticsearch/nodes/0/_state/state-12.st")))"#,
        #"org.apache.lucene.index.CorruptIndexException: misplaced codec footer (file truncated?): length=0 but footerLength==16 (resource=BufferedChecksumIndexInput(NIOFSIndexInput(path="/var/lib/elasticsearch/nodes/0/_state/global-3.st")))"#,
      ]),
    rule(
      "elasticsearch.preexisting-corrupted", "Elasticsearch shard marked corrupted earlier",
      .corruption, .error, .elasticsearch,
      anchors: ["Preexisting corrupted index"],
      match: [
        "[2024-05-01T10:00:00,123][WARN ][o.e.i.c.IndicesClusterStateService] [node-1] [logs][0] marking and sending shard failed due to [shard failure, reason [recovery]] org.apache.lucene.index.CorruptIndexException: [logs][0] Preexisting corrupted index [corrupted_9RFeMbPfRDiBkkOzuBnvTA] caused by: CorruptIndexException[checksum failed (hardware problem?)]"
      ]),
    rule(
      "elasticsearch.translog-corrupted", "Elasticsearch translog is corrupted",
      .corruption, .critical, .elasticsearch,
      anchors: ["TranslogCorruptedException"],
      match: [
        "org.elasticsearch.index.translog.TranslogCorruptedException: translog from source [/var/lib/elasticsearch/nodes/0/indices/x/0/translog/translog-7.tlog] is corrupted, translog truncated",
        "[2015-04-14 10:23:51,111][WARN ][indices.cluster] [node-1] [logs][2] failed to start shard org.elasticsearch.index.gateway.IndexShardGatewayRecoveryException: [logs][2] failed to recover shard; nested: TranslogCorruptedException[translog corruption while reading from stream];",
      ]),
    rule(
      "elasticsearch.translog-recovery-failed", "Elasticsearch shard failed to recover from its translog",
      .refusedStart, .error, .elasticsearch,
      anchors: ["failed to recover from translog"],
      match: [
        "[2024-05-01T10:00:00,123][WARN ][o.e.i.c.IndicesClusterStateService] [node-1] [logs][0] marking and sending shard failed due to [failed recovery] org.elasticsearch.indices.recovery.RecoveryFailedException: [logs][0]: Recovery failed on {node-1}; nested: IndexShardRecoveryException[failed to recovery from gateway]; nested: EngineCreationFailureException[failed to recover from translog];"
      ]),
  ]

  static let etcd: [Rule] = [
    rule(
      "etcd.wal-crc-mismatch", "etcd WAL CRC mismatch",
      .corruption, .critical, .etcd,
      anchors: ["crc mismatch"],
      regex: "(?:walpb|wal): crc mismatch",
      match: [
        "2019-10-09 09:02:16.166029 C | etcdserver: read wal error (walpb: crc mismatch) and cannot be repaired",
        #"{"level":"fatal","ts":"2022-06-09T13:38:01.213-0400","caller":"etcdserver/storage.go:95","msg":"failed to read WAL, cannot be repaired","error":"walpb: crc mismatch"}"#,
      ]),
    rule(
      "etcd.wal-cannot-be-repaired", "etcd refused to start: WAL cannot be repaired",
      .refusedStart, .critical, .etcd,
      anchors: ["cannot be repaired"],
      regex: "read wal error .* and cannot be repaired|failed to read WAL, cannot be repaired",
      match: [
        "2019-10-09 09:02:16.166029 C | etcdserver: read wal error (walpb: crc mismatch) and cannot be repaired",
        #"{"level":"fatal","ts":"2022-06-09T13:38:01.213-0400","caller":"etcdserver/storage.go:95","msg":"failed to read WAL, cannot be repaired","error":"walpb: crc mismatch"}"#,
      ]),
    rule(
      "etcd.wal-repaired", "etcd repaired a torn WAL tail",
      .repair, .warning, .etcd,
      anchors: ["repaired"],
      regex: #"repaired WAL|"msg":"repaired""#,
      match: [
        "2015-05-05 10:10:10.101010 I | etcdserver: repaired WAL error (unexpected EOF)",
        #"{"level":"info","ts":"2022-06-09T13:38:01.213-0400","caller":"wal/repair.go:96","msg":"repaired","path":"/var/lib/etcd/member/wal/0000000000000001-0000000000012345.wal","error":"unexpected EOF"}"#,
      ],
      noMatch: [
        #"{"level":"info","ts":"2022-06-09T13:38:01.100-0400","caller":"wal/repair.go:40","msg":"repairing","path":"/var/lib/etcd/member/wal/0000000000000001-0000000000012345.wal"}"#
      ]),
    rule(
      "etcd.bbolt-freepages", "bbolt panic: free pages unreachable (corrupt db)",
      .corruption, .critical, .etcd,
      anchors: ["freepages: failed to get all reachable pages"],
      match: ["panic: freepages: failed to get all reachable pages (page 3: out of bounds: 3)"]),
    rule(
      "etcd.bbolt-page-mismatch", "bbolt panic: page identifies as another page (corrupt db)",
      .corruption, .critical, .etcd,
      anchors: ["Page expected to be: ", "but self identifies as"],
      match: ["panic: assertion failed: Page expected to be: 9663, but self identifies as 0"]),
    rule(
      "etcd.bbolt-invalid-meta", "bbolt: invalid meta pages (corrupt db)",
      .corruption, .critical, .etcd,
      anchors: ["invalid meta pages"],
      match: ["bolt.DB.meta(): invalid meta pages"]),
    rule(
      "etcd.bbolt-high-water-mark", "bbolt panic: page id above the high water mark (corrupt db)",
      .corruption, .critical, .etcd,
      anchors: ["above high water mark"],
      match: ["panic: pgid (18446744073709551615) above high water mark (1025)"],
      noMatch: ["2019-10-09 09:02:16.166029 W | etcdserver: invalid auth token"]),
    rule(
      "etcd.failed-open-database", "etcd refused to start: failed to open its database",
      .refusedStart, .critical, .etcd,
      anchors: [#""msg":"failed to open database""#],
      match: [
        #"{"level":"panic","ts":"2023-03-01T00:00:00.000Z","caller":"backend/backend.go:189","msg":"failed to open database","path":"/var/lib/etcd/member/snap/db","error":"invalid database"}"#
      ]),
  ]
}
