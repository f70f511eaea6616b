internal import CLinux

#if canImport(Glibc)
  import Glibc
#endif

/// What woke the follow loop.
struct FollowWake {
  /// SIGTERM or SIGINT arrived: flush and stop.
  var stop = false
  /// SIGHUP arrived: reopen the output, reload rules.
  var reload = false
  /// The wait itself failed (message for the operator); the loop should end.
  var error: String?
}

/// The daemon's only wait: epoll over an inotify descriptor (the directories of followed files), a signalfd for
/// SIGTERM/SIGINT/SIGHUP and any extra descriptors (journals' inotify fds). No busy polling: the caller sleeps in
/// `wait(timeoutMicros:)` until something changes, a signal arrives or its own tick is due. The Linux C API stays
/// here, in Ingest.
final class FollowLoop {
  private let epollFD: Int32
  private let inotifyFD: Int32
  private let signalFD: Int32
  private var watched = Set<String>()
  private var events = [epoll_event](repeating: epoll_event(), count: 16)
  private var inotifyBuffer = [UInt8](repeating: 0, count: 64 * 1024)

  /// Blocks SIGTERM, SIGINT and SIGHUP (they are read from the signalfd) and sets up the descriptors; nil with the
  /// reason when the kernel refuses.
  static func make() -> Result<FollowLoop, FollowError> {
    var mask = sigset_t()
    sigemptyset(&mask)
    sigaddset(&mask, SIGTERM)
    sigaddset(&mask, SIGINT)
    sigaddset(&mask, SIGHUP)
    pthread_sigmask(SIG_BLOCK, &mask, nil)
    let s = signalfd(-1, &mask, Int32(SFD_CLOEXEC | SFD_NONBLOCK))
    let i = inotify_init1(Int32(IN_CLOEXEC | IN_NONBLOCK))
    let e = epoll_create1(Int32(EPOLL_CLOEXEC))
    guard s >= 0, i >= 0, e >= 0 else {
      let reason = LineReader.errnoText(errno)
      for fd in [s, i, e] where fd >= 0 { close(fd) }
      return .failure(FollowError("cannot set up the event loop: \(reason)"))
    }
    return .success(FollowLoop(epoll: e, inotify: i, signal: s))
  }

  private init(epoll: Int32, inotify: Int32, signal: Int32) {
    epollFD = epoll
    inotifyFD = inotify
    signalFD = signal
    add(fd: signal)
    add(fd: inotify)
  }

  deinit {
    close(epollFD)
    close(inotifyFD)
    close(signalFD)
  }

  /// Wakes the loop when `fd` becomes readable.
  func add(fd: Int32) {
    var ev = epoll_event()
    ev.events = EPOLLIN.rawValue
    ev.data.fd = fd
    epoll_ctl(epollFD, EPOLL_CTL_ADD, fd, &ev)
  }

  func remove(fd: Int32) { epoll_ctl(epollFD, EPOLL_CTL_DEL, fd, nil) }

  /// Watches a directory for files created, written, moved, deleted (once per directory; false when it cannot be
  /// watched yet, e.g. it does not exist: try again later).
  @discardableResult
  func watch(directory: String) -> Bool {
    if watched.contains(directory) { return true }
    let mask = UInt32(IN_CREATE | IN_MODIFY | IN_MOVED_FROM | IN_MOVED_TO | IN_DELETE | IN_ATTRIB | IN_CLOSE_WRITE)
    guard inotify_add_watch(inotifyFD, directory, mask) >= 0 else { return false }
    watched.insert(directory)
    return true
  }

  /// Sleeps until a descriptor is readable, a signal arrives or `timeoutMicros` passed.
  func wait(timeoutMicros: Int64) -> FollowWake {
    var wake = FollowWake()
    let timeout = Int32(clamping: max(0, timeoutMicros / 1000 + 1))
    let n = epoll_wait(epollFD, &events, Int32(events.count), timeout)
    if n < 0 {
      if errno != EINTR { wake.error = "epoll_wait: \(LineReader.errnoText(errno))" }
      return wake
    }
    for k in 0..<Int(n) {
      let fd = events[k].data.fd
      if fd == signalFD {
        var info = signalfd_siginfo()
        while read(signalFD, &info, MemoryLayout<signalfd_siginfo>.size) > 0 {
          if Int32(info.ssi_signo) == SIGHUP { wake.reload = true } else { wake.stop = true }
        }
      } else if fd == inotifyFD {
        while inotifyBuffer.withUnsafeMutableBytes({ read(inotifyFD, $0.baseAddress, $0.count) }) > 0 {}
      }
    }
    return wake
  }
}

/// A follower could not be set up or read (reported as a `source-error` event).
struct FollowError: Error {
  var message: String
  init(_ message: String) { self.message = message }
}
