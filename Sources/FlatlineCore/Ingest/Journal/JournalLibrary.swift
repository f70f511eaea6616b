internal import CSystemd
import Foundation

/// One loaded copy of libsystemd's sd-journal calls: the library Flatline is linked with, or a copy of its own
/// loaded into a new link-map namespace (see `flatline_journal_api` in the CSystemd shim).
///
/// Every public sd-journal call runs an atomic compare-and-swap on one process-wide variable (libsystemd's fork
/// check), so threads that read journals through one copy contend for that cache line. Reading worker `k` therefore
/// uses a copy of its own. A handle keeps the copy that opened it for all its calls. A copy that cannot be loaded
/// (another C library, a namespace limit) leaves that worker on the linked library: slower, same result.
final class JournalLibrary: @unchecked Sendable {
  let api: UnsafePointer<flatline_journal_api>
  /// True for a copy loaded with `dlmopen`, false for the linked library.
  let isolated: Bool

  private init(api: UnsafePointer<flatline_journal_api>, isolated: Bool) {
    self.api = api
    self.isolated = isolated
  }

  /// The libsystemd Flatline is linked with.
  static let linked: JournalLibrary = {
    guard let api = flatline_journal_api_linked() else { fatalError("out of memory") }
    return JournalLibrary(api: api, isolated: false)
  }()

  /// How many copies besides the linked library are loaded at most: glibc reserves static TLS for four link-map
  /// namespaces by default (tunable `glibc.rtld.nns`), and each copy takes one. `FLATLINE_JOURNAL_COPIES` lowers it
  /// (0: every worker uses the linked library).
  static let maxCopies: Int = {
    if let v = ProcessInfo.processInfo.environment["FLATLINE_JOURNAL_COPIES"], let n = Int(v) {
      return Swift.min(Swift.max(n, 0), 3)
    }
    return 3
  }()

  private static let lock = NSLock()
  /// Copies loaded so far; nil for a copy that failed to load (not tried again).
  nonisolated(unsafe) private static var copies: [JournalLibrary?] = []

  /// The copy reading worker `k` (0-based) uses: worker 0 the linked library, the others one of at most
  /// `maxCopies` copies in turn, loaded on first use.
  static func forWorker(_ k: Int) -> JournalLibrary {
    guard k > 0, maxCopies > 0 else { return linked }
    let slot = (k - 1) % maxCopies
    lock.lock()
    defer { lock.unlock() }
    while copies.count <= slot {
      let api = flatline_journal_api_isolated("libsystemd.so.0")
      copies.append(api.map { JournalLibrary(api: $0, isolated: true) })
    }
    return copies[slot] ?? linked
  }
}
