import Dispatch
import Foundation

/// `--jobs N`: reads syslog rotation sets on N threads with a result identical to the one-thread run.
///
/// How the result stays identical:
/// - Inputs are taken in discovery order. A run of consecutive syslog sets forms a batch; anything else (journals,
///   datastore logs) is read on the calling thread between batches, exactly where the one-thread run reads it.
/// - Each set of a batch gets a *fork* of the registry taken at the point where the one-thread run would register
///   it, and the main registry reserves the same indices and stream number. So every record, evidence location
///   and warning of the set carries the numbers it would have had.
/// - Each job has its own `AnalysisSink` (boot engine, rule matcher — not thread-safe — and instance scanner).
///   After the batch the sinks are merged in input order: sequencers and rule hits appended, stream ordinals
///   shifted, the forks' input entries (counts, hosts, warnings) copied back.
/// The boot state machine runs per stream (one rotation set), so sets are independent.
/// A binary journal group (`.journalFiles`) is read on the calling thread in its place, its boots in ranges on
/// all N threads (`JournalSource.run(jobs:rules:into:)`, joined so that the result is again identical).
/// A set with a plain file larger than `IngestOptions.splitThreshold` is not part of a batch: it is read on its own
/// by `SplitIngest`, as chunks of its big files on all N threads, joined so that the result is again identical
/// (year tracking, held-back records, banner phases and continuation lines across a cut: see there).
enum ParallelIngest {
  static func run(
    _ inputs: [DiscoveredInput], jobs: Int, registry: InputRegistry, rules: [Rule], options: IngestOptions,
    yearHints: Analyzer.YearHints, into tap: inout AnalysisSink
  ) {
    var k = 0
    while k < inputs.count {
      if jobs > 1, case .journalFiles(let files) = inputs[k], options.journalBootWindow == nil {
        // The group's boots in ranges on all threads, joined (see `JournalSource.run(jobs:rules:into:)`).
        JournalSource(files: files, registry: registry, options: options).run(jobs: jobs, rules: rules, into: &tap)
        k += 1
        continue
      }
      guard case .syslogSet = inputs[k], jobs > 1 else {
        Analyzer.ingest(inputs[k], registry: registry, options: options, yearHints: yearHints, into: &tap)
        k += 1
        continue
      }
      if case .syslogSet(let files) = inputs[k], SplitIngest.wants(files, jobs: jobs, options: options) {
        SplitIngest.run(
          files: files, jobs: jobs, registry: registry, rules: rules, options: options, yearHints: yearHints,
          into: &tap)
        k += 1
        continue
      }
      var batch: [[String]] = []
      while k < inputs.count, case .syslogSet(let files) = inputs[k], !SplitIngest.wants(files, jobs: jobs, options: options) {
        batch.append(files)
        k += 1
      }
      if batch.count == 1 {
        Analyzer.ingest(.syslogSet(files: batch[0]), registry: registry, options: options, yearHints: yearHints,
          into: &tap)
        continue
      }
      runBatch(batch, jobs: jobs, registry: registry, rules: rules, options: options, yearHints: yearHints,
        into: &tap)
    }
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

  final class Queue: @unchecked Sendable {
    private var next = 0
    private let lock = NSLock()
    func take() -> Int {
      lock.lock()
      defer { lock.unlock() }
      next += 1
      return next - 1
    }
  }

  static func runBatch(
    _ batch: [[String]], jobs: Int, registry: InputRegistry, rules: [Rule], options: IngestOptions,
    yearHints: Analyzer.YearHints, into tap: inout AnalysisSink
  ) {
    // Reserve, in order, what the one-thread run would register (see SyslogSource.run).
    var work: [Job] = []
    for files in batch {
      let fork = registry.fork()
      let first = registry.inputs.count
      let stream = registry.newStream()
      for f in files { registry.register(path: f, kind: .syslog, stream: stream) }
      work.append(Job(files: files, fork: fork, indices: first..<registry.inputs.count))
    }
    let queue = Queue()
    let all = work
    DispatchQueue.concurrentPerform(iterations: min(jobs, all.count)) { _ in
      while true {
        let i = queue.take()
        guard i < all.count else { return }
        let job = all[i]
        var sink = AnalysisSink(registry: job.fork, rules: rules)
        Analyzer.ingest(.syslogSet(files: job.files), registry: job.fork, options: options, yearHints: yearHints,
          into: &sink)
        job.sink = sink
      }
    }
    for job in work {
      for i in job.indices where i < job.fork.inputs.count { registry[Int32(i)] = job.fork.inputs[i] }
      if let sink = job.sink { tap.absorb(sink) }
    }
  }
}
