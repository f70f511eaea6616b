extension BuiltinRules {
  /// PostgreSQL, MySQL (5.x, 8) and MariaDB (InnoDB).
  static let sql: [Rule] = postgresql + mysql + mariadb

  /// A PostgreSQL time as in `last known up at …`: `%Y-%m-%d %H:%M:%S %Z` (zone abbreviation or offset).
  private static let pgTime = #"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(?:\.\d+)?(?: [A-Za-z][A-Za-z0-9/_+-]*| [+-]\d\d(?::?\d\d)?)?"#

  static let postgresql: [Rule] = [
    rule(
      "postgresql.backend-killed", "A PostgreSQL server process died on a signal",
      .crash, .error, .postgresql,
      anchors: ["server process (PID ", "was terminated by signal"],
      note: """
        The postmaster reports a backend that died (OOM killer's SIGKILL, a segfault); it then terminates the other \
        backends and reinitializes. Without a host reboot around it this is a datastore crash, not a power loss.
        """,
      match: [
        "2024-05-02 11:42:10.512 UTC [9121] LOG:  server process (PID 22817) was terminated by signal 9: Killed",
        "2019-03-14 02:11:30.310 CET [1180] LOG:  server process (PID 7721) was terminated by signal 11: Segmentation fault",
      ],
      noMatch: [
        "2024-05-02 11:42:10.512 UTC [9121] LOG:  background worker \"logical replication launcher\" (PID 1411) exited with exit code 1",
      ]),
    rule(
      "postgresql.interrupted", "PostgreSQL was not shut down cleanly (interrupted; last known up at …)",
      .uncleanStart, .warning, .postgresql,
      anchors: ["database system was interrupted; last known up at "],
      regex: "last known up at (?<lastKnownUp>\(pgTime))",
      note: """
        The control file still said "in production": the previous postmaster did not stop cleanly. Also written \
        after a backend crash that made the postmaster reinitialise without any host reboot; the correlation \
        stage tells the two apart by the boot boundary. `lastKnownUp` (the last checkpoint) bounds the crash \
        time from below.
        """,
      match: [
        "2020-12-14 19:57:35.373 UTC [25] LOG:  database system was interrupted; last known up at 2020-12-14 19:56:14 UTC",
        "2022-01-19 13:37:56.030 GMT [202] LOG:  database system was interrupted; last known up at 2022-01-19 13:37:54 GMT",
        "pg_denormalized_1      | 2023-05-03 19:05:07.419 UTC [27] LOG:  database system was interrupted; last known up at 2023-05-03 10:40:17 UTC",
      ],
      noMatch: [
        "2022-04-12 00:16:05.554 UTC [7756] LOG:  database system was shut down at 2022-04-12 00:16:03 UTC",
        "2023-03-19 07:05:10.012 UTC [31] LOG:  database system was interrupted while in recovery at 2023-03-19 07:03:21 UTC",
      ]),
    rule(
      "postgresql.shutdown-interrupted", "PostgreSQL shutdown was interrupted (last known up at …)",
      .uncleanStart, .warning, .postgresql,
      anchors: ["database system shutdown was interrupted; last known up at "],
      regex: "last known up at (?<lastKnownUp>\(pgTime))",
      match: [
        "2024-03-01 10:00:02.117 UTC [20] LOG:  database system shutdown was interrupted; last known up at 2024-03-01 09:58:12 UTC"
      ],
      noMatch: ["2024-03-01 10:00:02.117 UTC [20] LOG:  database system is shut down"]),
    rule(
      "postgresql.interrupted-in-recovery", "PostgreSQL crashed again while it was recovering",
      .uncleanStart, .error, .postgresql,
      anchors: ["database system was interrupted while in recovery at "],
      note: "A crash during crash recovery (repeat crash); PostgreSQL adds a HINT that data may be corrupted.",
      match: [
        "2023-03-19 07:05:10.012 UTC [31] LOG:  database system was interrupted while in recovery at 2023-03-19 07:03:21 UTC",
        "2021-08-05 11:20:45.301 UTC [28] LOG:  database system was interrupted while in recovery at log time 2021-08-05 11:02:09 UTC",
      ],
      noMatch: [
        "2020-12-14 19:57:35.373 UTC [25] LOG:  database system was interrupted; last known up at 2020-12-14 19:56:14 UTC"
      ]),
    rule(
      "postgresql.automatic-recovery", "PostgreSQL crash recovery started (not properly shut down)",
      .crashRecovery, .warning, .postgresql,
      anchors: ["database system was not properly shut down; automatic recovery in progress"],
      note: """
        Follows `postgresql.interrupted`, also after a backend crash and reinitialisation (no host reboot): \
        power loss or not is decided by correlation with the boot timeline, not by this rule.
        """,
      match: [
        "2020-12-14 19:57:38.585 UTC [25] LOG:  database system was not properly shut down; automatic recovery in progress",
        "pg_denormalized_1      | 2023-05-03 19:05:07.468 UTC [27] LOG:  database system was not properly shut down; automatic recovery in progress",
      ],
      noMatch: [
        "2022-04-12 00:24:02.516 UTC [9131] LOG:  database system was shut down at 2022-04-12 00:24:02 UTC",
        "2022-04-12 00:24:02.524 UTC [9130] LOG:  database system is ready to accept connections",
      ]),
    rule(
      "postgresql.crash-recovery-timeline", "PostgreSQL crash recovery started on a timeline",
      .crashRecovery, .info, .postgresql,
      anchors: ["crash recovery starts in timeline "],
      match: ["2024-02-02 08:00:01.200 UTC [29] LOG:  crash recovery starts in timeline 1 and has target timeline 1"]),
    rule(
      "postgresql.redo-starts", "PostgreSQL WAL redo started",
      .crashRecovery, .info, .postgresql,
      anchors: ["redo starts at "],
      note: "Also written by standbys and archive recovery; a crash recovery only after `postgresql.automatic-recovery`.",
      match: [
        "pg_denormalized_1      | 2023-05-03 19:05:07.478 UTC [27] LOG:  redo starts at 1/2B388720",
        "2025-07-28 08:27:40.077 UTC [34] LOG:  redo starts at 0/194BFE0",
      ],
      noMatch: ["pg_denormalized_1      | 2023-05-03 19:05:07.478 UTC [27] LOG:  redo done at 1/2B3887D0"]),
    rule(
      "postgresql.redo-done", "PostgreSQL WAL redo finished",
      .recoveryDone, .info, .postgresql,
      anchors: ["redo done at "],
      match: [
        "pg_denormalized_1      | 2023-05-03 19:05:07.478 UTC [27] LOG:  redo done at 1/2B3887D0",
        "2025-07-28 08:27:40.077 UTC [34] LOG:  redo done at 0/194C0C8 system usage: CPU: user: 0.00 s, system: 0.00 s, elapsed: 0.00 s",
      ],
      noMatch: ["2025-07-28 08:27:40.077 UTC [34] LOG:  redo starts at 0/194BFE0"]),
    rule(
      "postgresql.redo-not-required", "PostgreSQL recovery found nothing to redo",
      .recoveryDone, .info, .postgresql,
      anchors: ["redo is not required"],
      match: ["2020-12-14 19:57:38.595 UTC [25] LOG:  redo is not required"]),
    rule(
      "postgresql.terminating-server-processes", "PostgreSQL backend crash: postmaster terminates all processes",
      .crashRecovery, .error, .postgresql,
      anchors: ["terminating any other active server processes"],
      note: """
        A child process died abnormally; the postmaster resets shared memory and runs crash recovery without any \
        host reboot (a datastore crash, not a power loss).
        """,
      match: [
        "2020-12-14 19:57:38.663 UTC [1] LOG:  terminating any other active server processes",
        "2022-01-19 13:37:55.364 GMT [149] LOG:  terminating any other active server processes",
      ],
      noMatch: [
        "2022-01-19 13:37:55.364 GMT [149] LOG:  autovacuum launcher process (PID 198) exited with exit code 1",
        "2022-04-12 00:24:02.307 UTC [7755] LOG:  aborting any active transactions",
      ]),
    rule(
      "postgresql.reinitializing", "PostgreSQL backend crash: all processes terminated, reinitializing",
      .crashRecovery, .error, .postgresql,
      anchors: ["all server processes terminated; reinitializing"],
      note: "The next `not properly shut down` start of the same postmaster is a crash recovery without a reboot.",
      match: [
        "2020-12-14 19:57:38.701 UTC [1] LOG:  all server processes terminated; reinitializing",
        "2022-01-19 13:37:55.579 GMT [149] LOG:  all server processes terminated; reinitializing",
      ]),
    rule(
      "postgresql.in-recovery-mode", "PostgreSQL refused a connection: in recovery mode",
      .crashRecovery, .info, .postgresql,
      anchors: ["the database system is in recovery mode"],
      match: ["2022-01-19 13:37:56.030 GMT [203] FATAL:  the database system is in recovery mode"],
      noMatch: ["2022-04-12 00:24:02.524 UTC [9130] LOG:  database system is ready to accept connections"]),
    rule(
      "postgresql.no-valid-checkpoint", "PostgreSQL could not find a valid checkpoint record",
      .corruption, .critical, .postgresql,
      anchors: ["could not locate a valid checkpoint record"],
      match: [
        "2023-11-02 09:14:03.772 UTC [22] PANIC:  could not locate a valid checkpoint record",
        "2025-01-10 12:00:01.001 UTC [25] FATAL:  could not locate a valid checkpoint record at 0/1A2B3C8",
      ]),
    rule(
      "postgresql.page-verification-failed", "PostgreSQL data page checksum failure",
      .corruption, .error, .postgresql,
      anchors: ["page verification failed, calculated checksum "],
      match: [
        "2024-05-06 10:11:12.131 UTC [4242] WARNING:  page verification failed, calculated checksum 20919 but expected 15254"
      ]),
    rule(
      "postgresql.invalid-page", "PostgreSQL invalid page in a relation",
      .corruption, .error, .postgresql,
      anchors: ["invalid page in block "],
      regex: #"invalid page in block (?<block>\d+) of relation (?<relation>[^;"]+)"#,
      match: [
        #"2024-05-06 10:11:12.131 UTC [4242] ERROR:  invalid page in block 4 of relation base/16384/16397"#,
        #"2024-05-06 10:11:12.131 UTC [4242] WARNING:  invalid page in block 4 of relation base/16384/16397; zeroing out page"#,
      ]),
    rule(
      "postgresql.zeroing-page", "PostgreSQL zeroed a damaged page (zero_damaged_pages)",
      .repair, .error, .postgresql,
      anchors: ["invalid page in block ", "; zeroing out page"],
      match: [
        #"2024-05-06 10:11:12.131 UTC [4242] WARNING:  invalid page in block 4 of relation base/16384/16397; zeroing out page"#
      ],
      noMatch: [#"2024-05-06 10:11:12.131 UTC [4242] ERROR:  invalid page in block 4 of relation base/16384/16397"#]),
    rule(
      "postgresql.short-read", "PostgreSQL read a truncated data file",
      .corruption, .error, .postgresql,
      anchors: ["could not read block ", ": read only "],
      match: [
        #"2024-05-06 10:11:12.131 UTC [4242] ERROR:  could not read block 0 in file "base/16384/16385": read only 0 of 8192 bytes"#
      ],
      noMatch: [
        #"2024-05-06 10:11:12.131 UTC [4242] ERROR:  could not read block 0 in file "base/16384/16385": Input/output error"#
      ]),
    rule(
      "postgresql.wal-invalid-pages", "PostgreSQL WAL references invalid pages",
      .corruption, .critical, .postgresql,
      anchors: ["WAL contains references to invalid pages"],
      match: ["2023-07-01 03:04:05.678 UTC [17] PANIC:  WAL contains references to invalid pages"]),
    rule(
      "postgresql.control-file-checksum", "PostgreSQL control file checksum is wrong",
      .corruption, .critical, .postgresql,
      anchors: ["incorrect checksum in control file"],
      match: ["2023-07-01 03:04:05.678 UTC [17] FATAL:  incorrect checksum in control file"]),
    rule(
      "postgresql.control-file-invalid-state", "PostgreSQL control file holds an invalid cluster state",
      .refusedStart, .critical, .postgresql,
      anchors: ["control file contains invalid database cluster state"],
      match: ["2023-07-01 03:04:05.678 UTC [17] PANIC:  control file contains invalid database cluster state"]),
    rule(
      "postgresql.startup-failed", "PostgreSQL aborted startup (startup process failed)",
      .refusedStart, .critical, .postgresql,
      anchors: ["aborting startup due to startup process failure"],
      match: ["2023-11-02 09:14:03.780 UTC [1] LOG:  aborting startup due to startup process failure"]),
  ]

  static let mysql: [Rule] = [
    rule(
      "mysql.fatal-signal", "mysqld died on a fatal signal",
      .crash, .critical, .mysql,
      anchors: ["mysqld got signal"],
      note: "The server's own crash report (`mysqld got signal 11 ;`), followed by a stack trace; mysqld_safe or systemd restarts it.",
      match: [
        "090902 11:08:43 - mysqld got signal 6 ;",
        "091205  4:49:04 - mysqld got signal 11;",
        "2024-05-01T12:00:00Z UTC - mysqld got signal 11 ;",
      ],
      noMatch: ["080821 19:14:23 [Note] /usr/sbin/mysqld: Normal shutdown"]),
    rule(
      "mysql.innodb-assertion", "InnoDB failed an assertion and aborted the server",
      .crash, .critical, .mysql,
      anchors: ["ssertion failure"],
      regex: "InnoDB: Assertion failure in thread|\\[MY-013183\\].*Assertion failure",
      match: [
        "090902 11:08:43  InnoDB: Assertion failure in thread 1312495936 in file fil/fil0fil.c line 752",
        "2023-01-10T08:00:01.000000Z 0 [ERROR] [MY-013183] [InnoDB] Assertion failure: buf0buf.cc:3716:ut_error thread 140",
      ],
      noMatch: ["InnoDB: Failing assertion: 0"]),
    rule(
      "mysql.restarted", "mysqld_safe restarted a mysqld that had died",
      .uncleanStart, .warning, .mysql,
      anchors: ["mysqld restarted"],
      match: ["091205 04:49:10  mysqld restarted"],
      noMatch: ["091205 04:49:10  mysqld started"]),
    rule(
      "mysql.not-shutdown-normally", "InnoDB: database was not shut down normally",
      .uncleanStart, .warning, .mysql,
      anchors: ["Database was not shut"],
      regex: "Database was not shut ?down normally",
      note: "MySQL 5.x/8 and MariaDB (InnoDB). Also written after a mysqld crash or kill without a host reboot.",
      match: [
        "2025-08-14T02:38:34.659991Z 1 [Note] [MY-012551] [InnoDB] Database was not shutdown normally!",
        "170718  5:40:07 [Note] InnoDB: Database was not shutdown normally!",
        "080821 19:14:12  InnoDB: Database was not shut down normally!",
      ],
      noMatch: [
        "2020-08-06T14:25:02.835618Z 0 [Note] [MY-012487] [InnoDB] DDL log recovery : begin",
        "080721  9:22:20  InnoDB: Shutdown completed; log sequence number 1 3703096531",
      ]),
    rule(
      "mysql.lsn-mismatch", "InnoDB: ibdata and redo log sequence numbers differ (unclean stop)",
      .uncleanStart, .warning, .mysql,
      anchors: ["in ibdata files do not match the log sequence number"],
      match: [
        "170718  5:40:07 [Note] InnoDB: The log sequence numbers 2175716 and 2175716 in ibdata files do not match the log sequence number 2802427 in the ib_logfiles!"
      ]),
    rule(
      "mysql.log-scan-past-checkpoint", "InnoDB: redo log scan went past the checkpoint (recovery needed)",
      .crashRecovery, .info, .mysql,
      anchors: ["Log scan progressed past the checkpoint"],
      match: [
        "2025-08-14T02:38:34.659982Z 1 [Note] [MY-012547] [InnoDB] Log scan progressed past the checkpoint LSN 44923442."
      ]),
    rule(
      "mysql.crash-recovery-start", "InnoDB / server crash recovery started",
      .crashRecovery, .warning, .mysql,
      anchors: ["Starting crash recovery"],
      regex: "Starting crash recovery(?! from checkpoint)",
      note: "InnoDB redo recovery (`Starting crash recovery.`) or the binlog/XA transaction-coordinator recovery (`Starting crash recovery...`).",
      match: [
        "2025-08-14T02:38:34.659999Z 1 [Note] [MY-012552] [InnoDB] Starting crash recovery.",
        "170718  5:40:07 [Note] InnoDB: Starting crash recovery.",
        "InnoDB: Starting crash recovery.",
        "080821 19:14:23 [Note] Starting crash recovery...",
      ],
      noMatch: [
        "2020-08-06T14:25:02.835618Z 0 [Note] [MY-012487] [InnoDB] DDL log recovery : begin",
        "2023-06-04  8:24:16 0 [Note] InnoDB: Starting crash recovery from checkpoint LSN=46283",
      ]),
    rule(
      "mysql.recovery-scan", "InnoDB crash recovery: scanning the redo log",
      .crashRecovery, .info, .mysql,
      anchors: ["Doing recovery: scanned up to log sequence number"],
      match: [
        "2025-08-14T02:38:34.767324Z 1 [Note] [MY-012550] [InnoDB] Doing recovery: scanned up to log sequence number 44972150",
        "InnoDB: Doing recovery: scanned up to log sequence number 1 3703467081",
      ]),
    rule(
      "mysql.redo-apply-batch", "InnoDB crash recovery: applying redo log records",
      .crashRecovery, .info, .mysql,
      anchors: ["Applying a batch of ", " redo log records"],
      match: [
        "2025-08-14T02:38:34.771327Z 1 [Note] [MY-012532] [InnoDB] Applying a batch of 48 redo log records ..."
      ],
      noMatch: [
        "2025-08-14T02:38:34.770264Z 1 [Note] [MY-013083] [InnoDB] Log background threads are being started..."
      ]),
    rule(
      "mysql.doublewrite-restore", "InnoDB crash recovery: restoring half-written pages from the doublewrite buffer",
      .crashRecovery, .info, .mysql,
      anchors: ["Restoring possible half-written data pages"],
      match: [
        "InnoDB: Restoring possible half-written data pages from the doublewrite",
        "170718  5:40:08 [Note] InnoDB: Restoring possible half-written data pages ",
      ]),
    rule(
      "mysql.binlog-crash-recovery", "MySQL recovering transactions from the binary log after a crash",
      .crashRecovery, .warning, .mysql,
      anchors: ["Recovering after a crash using "],
      match: ["080821 19:14:13 [Note] Recovering after a crash using srv-bin"]),
    rule(
      "mysql.crash-recovery-finished", "MySQL transaction-coordinator crash recovery finished",
      .recoveryDone, .info, .mysql,
      anchors: ["Crash recovery finished"],
      match: ["080821 19:14:23 [Note] Crash recovery finished."]),
    rule(
      "mysql.page-corruption", "InnoDB: database page corruption (or failed read)",
      .corruption, .error, .mysql,
      anchors: ["Database page corruption "],
      match: [
        "2025-08-14T02:38:34.884355Z 1 [Note] [MY-013557] [InnoDB] Database page corruption or a failed file read of page [page id: space=4294967294, page number=1086]. Trying to recover it from the doublewrite file.",
        "2021-03-04T10:00:00.000000Z 0 [ERROR] [MY-011906] [InnoDB] Database page corruption on disk or a failed file read of page [page id: space=0, page number=5]. You may have to recover from a backup.",
        "2023-06-04  8:24:16 0 [ERROR] InnoDB: Database page corruption on disk or a failed read of file './ibdata1' page [page id: space=0, page number=221]. You may have to recover from a backup.",
      ],
      noMatch: [
        "InnoDB: corruption in the InnoDB tablespace. Please refer to",
        "2025-08-14T02:38:34.884520Z 1 [Note] [MY-013550] [InnoDB] Recovered page [page id: space=4294967294, page number=1086] from the doublewrite buffer.",
      ]),
    rule(
      "mysql.page-recovered-doublewrite", "InnoDB restored a torn page from the doublewrite buffer",
      .repair, .warning, .mysql,
      anchors: ["Recovered page [page id: ", "from the doublewrite buffer"],
      match: [
        "2025-08-14T02:38:34.884520Z 1 [Note] [MY-013550] [InnoDB] Recovered page [page id: space=4294967294, page number=1086] from the doublewrite buffer."
      ]),
    rule(
      "mysql.corrupted-page-no-doublewrite", "InnoDB: corrupted page not in the doublewrite buffer",
      .corruption, .critical, .mysql,
      anchors: ["Corrupted page [page id: ", "could not be found in the doublewrite buffer"],
      match: [
        "2021-03-04T10:00:00.000000Z 0 [ERROR] [MY-012237] [InnoDB] Corrupted page [page id: space=0, page number=0] of datafile './ibdata1' could not be found in the doublewrite buffer."
      ]),
    rule(
      "mysql.lsn-in-future", "InnoDB: page LSN is in the future (lost redo)",
      .corruption, .error, .mysql,
      anchors: ["log sequence number ", "is in the future"],
      match: [
        "2021-03-04T10:00:00.000000Z 0 [ERROR] [MY-011971] [InnoDB] Tablespace 'innodb_system' Page [page id: space=0, page number=7] log sequence number 2814776 is in the future! Current system log sequence number 2802427.",
        "InnoDB: is in the future! Current system log sequence number 2802427.",
      ]),
    rule(
      "mysql.redo-block-checksum", "InnoDB: redo log block checksum mismatch",
      .corruption, .critical, .mysql,
      anchors: ["has valid header, but checksum field contains"],
      match: [
        "2021-03-04T10:00:00.000000Z 0 [ERROR] [MY-000000] [InnoDB] Log block 73568 at lsn 37665280 has valid header, but checksum field contains 1234567, should be 7654321"
      ]),
    rule(
      "mysql.plugin-init-aborted", "InnoDB initialisation aborted",
      .refusedStart, .critical, .mysql,
      anchors: ["Plugin initialization aborted with error"],
      match: [
        "2021-03-04T10:00:00.000000Z 1 [ERROR] [MY-012930] [InnoDB] Plugin initialization aborted with error Data structure corruption.",
        "2023-06-04  8:24:16 0 [ERROR] InnoDB: Plugin initialization aborted with error Generic error",
      ]),
    rule(
      "mysql.innodb-registration-failed", "InnoDB storage engine failed to register",
      .refusedStart, .critical, .mysql,
      anchors: ["Plugin 'InnoDB' registration as a STORAGE ENGINE failed"],
      match: ["2023-06-04  8:24:16 0 [ERROR] Plugin 'InnoDB' registration as a STORAGE ENGINE failed."]),
    rule(
      "mysql.force-recovery", "InnoDB started with innodb_force_recovery",
      .repair, .warning, .mysql,
      anchors: ["!!! innodb_force_recovery is set to "],
      match: ["2023-06-04  8:24:16 0 [Note] InnoDB: !!! innodb_force_recovery is set to 1 !!!"]),
  ]

  static let mariadb: [Rule] = [
    rule(
      "mariadb.crash-recovery-from-checkpoint", "MariaDB InnoDB crash recovery from a checkpoint (unclean stop)",
      .crashRecovery, .warning, .mysql,
      anchors: ["Starting crash recovery from checkpoint LSN="],
      note: "MariaDB ≥10.2 writes this instead of `Database was not shutdown normally!`: it means both.",
      match: [
        "2023-06-04  8:24:16 0 [Note] InnoDB: Starting crash recovery from checkpoint LSN=46283",
        "2019-11-20 10:01:02 0 [Note] InnoDB: Starting crash recovery from checkpoint LSN=1619543,1619543",
      ],
      noMatch: ["170718  5:40:07 [Note] InnoDB: Starting crash recovery."]),
    rule(
      "mariadb.final-batch", "MariaDB InnoDB crash recovery: final redo batch",
      .crashRecovery, .info, .mysql,
      anchors: ["Starting final batch to recover "],
      match: ["2023-06-04  8:24:16 0 [Note] InnoDB: Starting final batch to recover 245 pages from redo log."]),
    rule(
      "mariadb.malformed-log-record", "MariaDB InnoDB: malformed redo log record",
      .corruption, .critical, .mysql,
      anchors: ["Malformed log record;"],
      match: ["2023-06-04  8:24:16 0 [ERROR] InnoDB: Malformed log record; set innodb_force_recovery=1 to ignore."]),
  ]
}
