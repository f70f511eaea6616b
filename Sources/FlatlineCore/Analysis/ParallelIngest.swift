import Dispatch
import Foundation

/// `--jobs N`: reads syslog rotation sets on N threads with a result identical to the one-thread run.
///
/// How the result stays identical:
/// - Inputs are taken in discovery order. A run of consecutive syslog sets forms a batch; anything else (journals,
///   datastore logs) is read on the calling thread between batches, exactly where the one-thread run reads it.
/// - Each set of a batch gets a *window* of the registry (`InputRegistry.window()`: numbering on from the point
///   where the one-thread run would register the set, holding only the set's own inputs), and the main registry
///   reserves the same indices and stream number. So every record, evidence location
///   and warning of the set carries the numbers it would have had.
/// - Each job has its own `AnalysisSink` (boot engine, rule matcher — not thread-safe — and instance scanner).
///   After the batch the sinks are merged in input order: sequencers and rule hits appended, stream ordinals
///   shifted, the forks' input entries (counts, hosts, warnings) copied back, and the forks' warnings printed then,
///   in input order: stderr is the one-thread run's, not the order in which the threads happened to warn.
/// The boot state machine runs per stream (one rotation set), so sets are independent.
/// A binary journal group (`.journalFiles`) is read on the calling thread in its place, its boots in ranges on
/// all N threads (`JournalSource.run(jobs:rules:into:)`, joined so that the result is again identical).
/// Consecutive syslog sets whose sizes let every thread be busy with whole sets (`wholeSetsBalance`) form one
/// batch, largest first. Otherwise a set with a plain file larger than `IngestOptions.splitThreshold` is not part
/// of a batch: it is read on its own by `SplitIngest`, as chunks of its big files on all N threads, joined so that
/// the result is again identical (year tracking, held-back records, banner phases and continuation lines across a
/// cut: see there).
enum ParallelIngest {
  static func run(
    _ inputs: [DiscoveredInput], jobs: Int, registry: InputRegistry, rules: [Rule], options: IngestOptions,
    yearHints: Analyzer.YearHints, into tap: inout AnalysisSink
  ) {
    var k = 0
    while k < inputs.count {
      if case .journalFiles(let files) = inputs[k], options.journalBootWindow == nil {
        // The group's boots in ranges on all threads, joined (see `JournalSource.run(jobs:rules:into:)`); with one
        // job too, for walk mode (`JournalGroupReader.readByWalkingFiles`).
        JournalSource(files: files, registry: registry, options: options).run(jobs: jobs, rules: rules, into: &tap)
        k += 1
        continue
      }
      guard case .syslogSet = inputs[k], jobs > 1 else {
        Analyzer.ingest(inputs[k], registry: registry, options: options, yearHints: yearHints, into: &tap)
        k += 1
        continue
      }
      // The run of consecutive syslog sets from here. Enough sets to keep every thread busy with whole sets: read
      // them whole, largest first. Otherwise the sets with a big file are cut into chunks (`SplitIngest`), one set
      // at a time, and the sets between them are batched. The result is the same either way.
      var end = k
      var run: [[String]] = []
      while end < inputs.count, case .syslogSet(let files) = inputs[end] {
        run.append(files)
        end += 1
      }
      k = end
      let sizes = run.map { $0.reduce(0) { $0 + workSize($1) } }
      if options.balanceWholeSets, wholeSetsBalance(sizes, jobs: jobs) {
        runBatch(run, sizes: sizes, jobs: jobs, registry: registry, rules: rules, options: options,
          yearHints: yearHints, into: &tap)
        continue
      }
      var batch: [[String]] = []
      var batchSizes: [Int] = []
      func readBatch() {
        if batch.count == 1 {
          Analyzer.ingest(.syslogSet(files: batch[0]), registry: registry, options: options, yearHints: yearHints,
            into: &tap)
        } else if batch.count > 1 {
          runBatch(batch, sizes: batchSizes, jobs: jobs, registry: registry, rules: rules, options: options,
            yearHints: yearHints, into: &tap)
        }
        batch = []
        batchSizes = []
      }
      for (files, size) in zip(run, sizes) {
        guard SplitIngest.wants(files, jobs: jobs, options: options) else {
          batch.append(files)
          batchSizes.append(size)
          continue
        }
        readBatch()
        SplitIngest.run(
          files: files, jobs: jobs, registry: registry, rules: rules, options: options, yearHints: yearHints,
          into: &tap)
      }
      readBatch()
    }
  }

  /// True when whole sets of these sizes keep `jobs` threads busy: more than one set, and none bigger than an even
  /// share of the total by more than a quarter (taken largest first, no thread then waits long on another's last
  /// set; the slack lets sets of nearly equal size — two rotation sets differ by a few bytes — stay whole, where
  /// cutting them into chunks costs more than the wait).
  static func wholeSetsBalance(_ sizes: [Int], jobs: Int) -> Bool {
    guard jobs > 1, sizes.count > 1, let biggest = sizes.max() else { return false }
    return biggest * jobs * 4 <= sizes.reduce(0, +) * 5
  }

  /// Bytes of text a file holds, for balancing threads: its size, or for gzip the uncompressed size its trailer
  /// states. 0 when unreadable.
  static func workSize(_ path: String) -> Int {
    guard let shape = SplitIngest.FileShape(path: path) else { return 0 }
    return max(shape.size, shape.gzipSize ?? 0)
  }

  final class Job: @unchecked Sendable {
    let files: [String]
    let fork: InputRegistry
    let indices: Range<Int>
    var sink: AnalysisSink?
    init(files: [String], fork: InputRegistry, indices: Range<Int>) {
      self.files = files
      self.fork = fork
      self.indices = indices
    }
  }

  /// Hands out 0, 1, 2, … to the threads that share it, each number once, in order. After `giveUp()` it hands out
  /// `Int.max` only: the work left is moot (`JournalGroupReader.pull`).
  final class Queue: @unchecked Sendable {
    private var next = 0
    private let lock = NSLock()
    func take() -> Int {
      lock.lock()
      defer { lock.unlock() }
      guard next < .max else { return .max }
      next += 1
      return next - 1
    }

    /// The next number below `count`, nil when there is none (or after `giveUp()`).
    func take(below count: Int) -> Int? {
      let n = take()
      return n < count ? n : nil
    }

    func giveUp() {
      lock.lock()
      next = .max
      lock.unlock()
    }
  }

  /// Reads whole sets on `jobs` threads, the largest (`sizes`) first; they are still joined in input order.
  static func runBatch(
    _ batch: [[String]], sizes: [Int], jobs: Int, registry: InputRegistry, rules: [Rule], options: IngestOptions,
    yearHints: Analyzer.YearHints, into tap: inout AnalysisSink
  ) {
    // Reserve, in order, what the one-thread run would register (see SyslogSource.run).
    var work: [Job] = []
    for files in batch {
      let fork = registry.window()
      // The forks hold their warnings; they are printed at the join, in input order (as one thread prints them).
      fork.warningHandler = nil
      let first = registry.count
      let stream = registry.newStream()
      for f in files { registry.register(path: f, kind: .syslog, stream: stream) }
      work.append(Job(files: files, fork: fork, indices: first..<registry.count))
    }
    let queue = Queue()
    let all = work
    let order = all.indices.sorted { sizes[$0] > sizes[$1] || sizes[$0] == sizes[$1] && $0 < $1 }
    DispatchQueue.concurrentPerform(iterations: min(jobs, all.count)) { _ in
      // One matcher per thread for the sets it reads (a matcher is not thread-safe; built per set, its groups'
      // prefilters were built again for every small file of a fleet's folders).
      let matcher = RuleMatcher(rules: rules)
      while true {
        let n = queue.take()
        guard n < order.count else { return }
        let job = all[order[n]]
        var sink = AnalysisSink(registry: job.fork, matcher: matcher, learnsInstances: options.learnsInstances)
        Analyzer.ingest(.syslogSet(files: job.files), registry: job.fork, options: options, yearHints: yearHints,
          into: &sink)
        sink.finishReading()
        job.sink = sink
      }
    }
    for job in work {
      for i in job.indices where i < job.fork.count { registry.takeBack(job.fork[Int32(i)], at: Int32(i)) }
      if let sink = job.sink { tap.absorb(sink) }
    }
  }
}
