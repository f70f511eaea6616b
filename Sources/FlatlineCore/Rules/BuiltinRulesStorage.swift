extension BuiltinRules {
  /// The storage layer: ext3/ext4, XFS, btrfs, FAT, fsck, block-layer I/O errors, NVMe, md RAID, journald, full
  /// file systems.
  /// (Detection/Signal.swift separately classifies some of these lines for boot verdicts; both may fire.)
  static let storage: [Rule] = ext4 + xfs + btrfs + fat + fsck + block + nvme + md + journald + full + hung

  /// Any program's write failing for want of space (the error text of `ENOSPC`).
  static let full: [Rule] = [
    rule(
      "fs.no-space-left", "a write failed: the file system is full",
      .storageError, .error, .anyProgram,
      anchors: ["No space left on device"],
      note: """
        Any program may log it. Just before a silence it matters for the verdict: logs written to a full file \
        system stop, so a clean shutdown after it may have left no lines (the incident's confidence drops).
        """,
      match: [
        "file '/var/log/syslog': write error - see https://www.rsyslog.com/solving-rsyslog-write-errors/ for help OS error: No space left on device",
        #"PANIC:  could not write to file "pg_wal/xlogtemp.1203": No space left on device"#,
        "Failed to write entry (22 items, 705 bytes), ignoring: No space left on device",
      ],
      noMatch: ["Filesystem /dev/sda1 has 12% space left", "No space left in the queue, dropping message"]),
  ]

  static let ext4: [Rule] = [
    rule(
      "ext4.recovery-complete", "ext4 replayed its journal at mount (unclean unmount)",
      .crashRecovery, .warning, .kernelOnly,
      anchors: ["EXT4-fs (", "): recovery complete"],
      regex: #"EXT4-fs \((?<device>[^)]+)\): recovery complete"#,
      note: """
        Printed only when the journal needed recovery, i.e. the file system was not unmounted cleanly. On a \
        read-write mount it is often the only line, so it counts as crash recovery, not just its end.
        """,
      match: ["EXT4-fs (sda1): recovery complete", "[    3.412876] EXT4-fs (nvme0n1p2): recovery complete"],
      noMatch: [
        "EXT4-fs (sda1): mounted filesystem with ordered data mode. Opts: (null). Quota mode: none.",
        "EXT4-fs (sda1): mounted filesystem 4f91c6db-3e09-4c1a-9a6b-2d7e8c1f0a55 ro with ordered data mode. Quota mode: none.",
      ]),
    rule(
      "ext4.recovery-required", "ext4 needs journal recovery on a read-only mount",
      .crashRecovery, .warning, .kernelOnly,
      anchors: ["EXT4-fs (", "recovery required on readonly filesystem"],
      match: ["EXT4-fs (mmcblk0p2): INFO: recovery required on readonly filesystem"]),
    rule(
      "ext4.orphans-deleted", "ext4 deleted orphan inodes at mount",
      .repair, .info, .kernelOnly,
      anchors: ["EXT4-fs (", " orphan inode"],
      regex: #"\d+ orphan inodes? deleted"#,
      note: "Also seen after a clean shutdown that could not unmount root with open-unlinked files: weak alone.",
      match: ["EXT4-fs (mmcblk0p2): 15 orphan inodes deleted", "EXT4-fs (sda1): 1 orphan inode deleted"],
      noMatch: ["EXT4-fs (mmcblk0p2): orphan cleanup on readonly fs"]),
    rule(
      "ext4.fs-error", "ext4 file system error (corruption)",
      .corruption, .critical, .kernelOnly,
      anchors: ["EXT4-fs error (device "],
      match: [
        "EXT4-fs error (device sda1): ext4_lookup:1855: inode #1317: comm systemd: deleted inode referenced: 1349",
        "EXT4-fs error (device nvme0n1p1): ext4_validate_block_bitmap:390: comm kworker/u8:2: bg 12: bad block bitmap checksum",
      ],
      noMatch: ["EXT4-fs (sda1): recovery complete"]),
    rule(
      "ext4.mounting-with-errors", "ext4 mounted with errors recorded (fsck recommended)",
      .corruption, .error, .kernelOnly,
      anchors: ["warning: mounting fs with errors, running e2fsck is recommended"],
      match: ["EXT4-fs (sda1): warning: mounting fs with errors, running e2fsck is recommended"]),
    rule(
      "ext4.remount-read-only", "ext4 remounted read-only after an error",
      .storageError, .critical, .kernelOnly,
      anchors: ["EXT4-fs (", "Remounting filesystem read-only"],
      match: ["EXT4-fs (sda1): Remounting filesystem read-only"]),
    rule(
      "ext3.recovery", "ext3 journal recovery (unclean unmount)",
      .crashRecovery, .warning, .kernelOnly,
      anchors: ["EXT3-fs", "recovery"],
      regex: #"EXT3-fs(?: \([^)]*\))?: (?:INFO: recovery required on readonly filesystem|recovery complete)"#,
      match: ["EXT3-fs: INFO: recovery required on readonly filesystem.", "EXT3-fs (sda1): recovery complete"],
      noMatch: ["EXT3-fs: mounted filesystem with ordered data mode."]),
  ]

  static let xfs: [Rule] = [
    rule(
      "xfs.starting-recovery", "XFS log recovery started (dirty log)",
      .crashRecovery, .warning, .kernelOnly,
      anchors: ["XFS (", "): Starting recovery (logdev: "],
      regex: #"XFS \((?<device>[^)]+)\): Starting recovery"#,
      match: ["XFS (dm-0): Starting recovery (logdev: internal)"],
      noMatch: ["XFS (dm-0): Ending clean mount", "XFS (dm-0): Mounting V5 Filesystem 9c3d7e0b-1f2a-4b5c-8d6e-7f8091a2b3c4"]),
    rule(
      "xfs.ending-recovery", "XFS log recovery finished",
      .recoveryDone, .info, .kernelOnly,
      anchors: ["XFS (", "): Ending recovery (logdev: "],
      match: ["XFS (dm-0): Ending recovery (logdev: internal)"],
      noMatch: ["XFS (dm-0): Ending clean mount"]),
    rule(
      "xfs.metadata-corruption", "XFS metadata corruption detected",
      .corruption, .critical, .kernelOnly,
      anchors: ["XFS (", "Metadata ", " detected at "],
      regex: "Metadata (?:corruption|CRC error) detected at",
      match: [
        "XFS (sdb1): Metadata corruption detected at xfs_inode_buf_verify+0x1a0/0x1f0 [xfs], xfs_inode block 0x3a3c0 xfs_inode_buf_verify",
        "XFS (sdb1): Metadata CRC error detected at xfs_agf_read_verify+0x8b/0x110 [xfs], xfs_agf block 0x1",
      ]),
    rule(
      "xfs.corruption-detected", "XFS corruption detected (run xfs_repair)",
      .corruption, .critical, .kernelOnly,
      anchors: ["XFS (", "Corruption detected. Unmount and run xfs_repair"],
      match: ["XFS (sdb1): Corruption detected. Unmount and run xfs_repair"]),
    rule(
      "xfs.torn-write", "XFS found a torn log write",
      .corruption, .warning, .kernelOnly,
      anchors: ["XFS (", "Torn write (CRC failure) detected at log block"],
      match: ["XFS (sdb1): Torn write (CRC failure) detected at log block 0x1a2b0. Truncating head block from 0x1a2c0."]),
    rule(
      "xfs.log-mount-failed", "XFS log mount or recovery failed",
      .refusedStart, .critical, .kernelOnly,
      anchors: ["XFS (", "log mount"],
      regex: "log mount(?:/recovery)? failed",
      match: ["XFS (sdb1): log mount/recovery failed: error -117", "XFS (sdb1): log mount failed"]),
    rule(
      "xfs.shutdown", "XFS shut the file system down",
      .storageError, .critical, .kernelOnly,
      anchors: ["XFS (", "Shutting down filesystem"],
      match: [
        "XFS (sdb1): Corruption of in-memory data (0x8) detected at xfs_trans_cancel+0x13a/0x150 [xfs] (fs/xfs/xfs_trans.c:1098).  Shutting down filesystem.",
        "XFS (sdb1): Log I/O Error (0x2) detected at xlog_ioend_work+0x71/0x80 [xfs] (fs/xfs/xfs_log.c:1386).  Shutting down filesystem.",
      ]),
  ]

  static let btrfs: [Rule] = [
    rule(
      "btrfs.csum-failed", "btrfs data checksum failure",
      .corruption, .critical, .kernelOnly,
      anchors: ["BTRFS ", "csum failed root "],
      match: [
        "BTRFS warning (device sda2): csum failed root 5 ino 257 off 4096 csum 0x98f94189 expected csum 0x12345678 mirror 1"
      ]),
    rule(
      "btrfs.transid-verify-failed", "btrfs parent transid verify failed (lost writes)",
      .corruption, .critical, .kernelOnly,
      anchors: ["parent transid verify failed on "],
      match: ["BTRFS error (device sda2): parent transid verify failed on 30621696 wanted 1224 found 1220"]),
    rule(
      "btrfs.checksum-verify-failed", "btrfs metadata checksum verify failed",
      .corruption, .critical, .kernelOnly,
      anchors: ["BTRFS ", "checksum verify failed on "],
      match: [
        "BTRFS warning (device sda2): checksum verify failed on 30621696 wanted 0x5e3a1b2c found 0x00000000 level 0"
      ]),
    rule(
      "btrfs.tree-log-replay", "btrfs replaying its tree log (unclean unmount)",
      .crashRecovery, .warning, .kernelOnly,
      anchors: ["BTRFS ", "start tree-log replay"],
      match: ["BTRFS info (device sda2): start tree-log replay"]),
    rule(
      "btrfs.device-errors", "btrfs device error counters",
      .storageError, .error, .kernelOnly,
      anchors: ["BTRFS ", "errs: wr "],
      match: ["BTRFS error (device sda2): bdev /dev/sda2 errs: wr 0, rd 0, flush 0, corrupt 3, gen 0"]),
    rule(
      "btrfs.open-ctree-failed", "btrfs mount failed (open_ctree)",
      .refusedStart, .critical, .kernelOnly,
      anchors: ["BTRFS ", "open_ctree failed"],
      match: ["BTRFS error (device sda2): open_ctree failed"]),
  ]

  static let fat: [Rule] = [
    rule(
      "fat.not-properly-unmounted", "FAT volume was not properly unmounted",
      .uncleanStart, .warning, .kernelOnly,
      anchors: ["FAT-fs (", "Volume was not properly unmounted"],
      match: ["FAT-fs (nvme0n1p1): Volume was not properly unmounted. Some data may be corrupt. Please run fsck."]),
    rule(
      "fat.dirty-bit", "fsck.fat: dirty bit set (not properly unmounted)",
      .uncleanStart, .warning, .fsck,
      anchors: ["Dirty bit is set. Fs was not properly unmounted"],
      match: [
        "Jun 13 13:51:31 localhost.localdomain systemd-fsck[683]: 0x41: Dirty bit is set. Fs was not properly unmounted and some data may be corrupt."
      ]),
  ]

  static let fsck: [Rule] = [
    rule(
      "fsck.recovering-journal", "e2fsck replayed the journal at boot",
      .crashRecovery, .warning, .fsck,
      anchors: [": recovering journal"],
      match: ["/dev/sda1: recovering journal"],
      noMatch: ["/dev/sda1: clean, 23891/262144 files, 412321/1048576 blocks"]),
    rule(
      "fsck.errors-check-forced", "fsck: file system has errors, check forced",
      .corruption, .error, .fsck,
      anchors: ["contains a file system with errors, check forced"],
      match: ["/dev/sda1 contains a file system with errors, check forced."]),
    rule(
      "fsck.unexpected-inconsistency", "fsck: unexpected inconsistency, manual fsck needed",
      .corruption, .critical, .fsck,
      anchors: ["UNEXPECTED INCONSISTENCY; RUN fsck MANUALLY"],
      match: ["/dev/sda1: UNEXPECTED INCONSISTENCY; RUN fsck MANUALLY."]),
  ]

  static let block: [Rule] = [
    rule(
      "block.io-error", "Block-layer I/O error",
      .storageError, .error, .kernelOnly,
      anchors: [" error, dev ", ", sector "],
      regex: #"error, dev (?<device>[^,\s]+), sector (?<sector>\d+)"#,
      match: [
        "I/O error, dev sda, sector 123 op 0x0:(READ) flags 0x0 phys_seg 1 prio class 0",
        "blk_update_request: I/O error, dev nvme0n1, sector 2048 op 0x1:(WRITE) flags 0x800 phys_seg 1 prio class 0",
        "print_req_error: I/O error, dev sdb, sector 1953525120",
        "critical medium error, dev sdc, sector 77594368 op 0x0:(READ) flags 0x80700 phys_seg 8 prio class 0",
      ]),
    rule(
      "block.buffer-io-error", "Buffer I/O error (lost page write/read)",
      .storageError, .error, .kernelOnly,
      anchors: ["Buffer I/O error on dev "],
      match: ["Buffer I/O error on dev sda1, logical block 1234, lost async page write"]),
  ]

  /// The kernel's hung-task watchdog (`kernel/hung_task.c`, `khungtaskd`).
  static let hung: [Rule] = [
    rule(
      "kernel.hung-task", "a task hung in uninterruptible sleep (I/O that does not complete)",
      .storageError, .warning, .kernelOnly,
      anchors: ["INFO: task ", " blocked for more than "],
      regex: #"INFO: task (?<task>.+):(?<pid>\d+) blocked for more than (?<seconds>\d+) seconds"#,
      note: """
        A task stuck in uninterruptible (D) sleep for longer than `hung_task_timeout_secs` (120 s by default), \
        reported every interval while it lasts: most often waiting on storage that stopped answering (a stalled or \
        detached volume, network storage), sometimes on memory pressure. Just before a silence it says the host \
        hung rather than lost its power at once; the boot's ending still rests on its shutdown lines.
        """,
      match: [
        "INFO: task jbd2/nvme0n1p1-8:245 blocked for more than 120 seconds.",
        "[ 1109.123456] INFO: task postgres:1287 blocked for more than 241 seconds.",
      ],
      noMatch: ["INFO: task postgres:1287 started", "hung_task: blocked tasks"]),
  ]

  static let nvme: [Rule] = [
    rule(
      "nvme.io-timeout", "NVMe I/O timeout",
      .storageError, .error, .kernelOnly,
      anchors: ["nvme nvme", " timeout, "],
      regex: #"nvme nvme\d+: I/O .*QID \d+ timeout, (?<action>aborting|reset controller)"#,
      match: [
        "nvme nvme0: I/O 123 QID 4 timeout, aborting",
        "nvme nvme0: I/O 123 QID 4 timeout, reset controller",
        "nvme nvme1: I/O tag 28 (401c) opcode 0x1 (I/O Cmd) QID 2 timeout, aborting req_op:WRITE(1) size:4096",
      ]),
    rule(
      "nvme.controller-down", "NVMe controller is down, resetting",
      .storageError, .critical, .kernelOnly,
      anchors: ["nvme nvme", "controller is down; will reset"],
      match: ["nvme nvme0: controller is down; will reset: CSTS=0xffffffff, PCI_STATUS=0xffff"]),
  ]

  static let md: [Rule] = [
    rule(
      "md.not-clean", "md RAID array not clean: background reconstruction",
      .uncleanStart, .warning, .kernelOnly,
      anchors: ["not clean -- starting background reconstruction"],
      match: [
        "md/raid1:md0: not clean -- starting background reconstruction",
        "md/raid:md127: not clean -- starting background reconstruction",
        "md: md0: raid array is not clean -- starting background reconstruction",
      ]),
    rule(
      "md.resync", "md RAID resync started",
      .crashRecovery, .info, .kernelOnly,
      anchors: ["md: resync of RAID array "],
      note: "Also after array creation or a requested check; after `md.not-clean` it is the crash resync.",
      match: ["md: resync of RAID array md0"]),
    rule(
      "md.resync-done", "md RAID resync done",
      .recoveryDone, .info, .kernelOnly,
      anchors: ["md: ", ": resync done."],
      match: ["md: md0: resync done."]),
    rule(
      "md.disk-failure", "md RAID disabled a failed disk",
      .storageError, .critical, .kernelOnly,
      anchors: [": Disk failure on ", "disabling device"],
      match: ["md/raid1:md0: Disk failure on sdb1, disabling device."]),
  ]

  static let journald: [Rule] = [
    rule(
      "journald.unclean-file", "journald found a journal file not closed cleanly (or corrupt)",
      .uncleanStart, .warning, .journald,
      anchors: [" corrupted or uncleanly shut down, renaming and replacing."],
      regex: #"File (?<file>\S+) corrupted or uncleanly shut down"#,
      note: "Same text for an unclean stop and for genuine corruption of the file: treat as \"unclean or corrupt\".",
      match: [
        "[    4.989946] systemd-journald[566]: File /var/log/journal/2d2b0efcba8442caaf742548b8b2e6ef/system.journal corrupted or uncleanly shut down, renaming and replacing.",
        "File /var/log/journal/4432fa611bbc770eea6004f7bc4d21a4/system.journal corrupted or uncleanly shut down, renaming and replacing.",
      ],
      noMatch: ["Journal started", "System Journal (/var/log/journal/4432fa611bbc770eea6004f7bc4d21a4) is 48.0M, max 4.0G, 3.9G free."]),
  ]
}
