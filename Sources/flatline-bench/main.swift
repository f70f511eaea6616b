import FlatlineBenchKit
import FlatlineCore
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

// flatline-bench: generates deterministic corpora, times Flatline's full analysis against reference tools
// (cat, grep -cE, rg -c, journalctl) and checks Flatline's answer against what the generator planted.
// Not a test: run with `swift run -c release flatline-bench [--dir D] [--runs N] [--scale F]`.

var args = Array(CommandLine.arguments.dropFirst())

if args.first == "child" {
  exit(Child.run(Array(args.dropFirst())))
}

var dir = "/tmp/flatline-bench"
var runs = 3
var scale = 1.0
var only: Set<String> = []
var i = 0
func usage() -> Never {
  print("""
    usage: flatline-bench [--dir DIR] [--runs N] [--scale F] [--only syslog,multi,rules,journal]
      --dir    where the corpora are written and kept (default /tmp/flatline-bench; reused when present)
      --runs   timed runs per tool, alternating (default 3; medians are shown)
      --scale  corpus size factor (1 = 1 GiB / 100 MiB syslog, 750k journal entries)
    """)
  exit(2)
}
while i < args.count {
  let a = args[i]
  func value() -> String {
    i += 1
    guard i < args.count else { usage() }
    return args[i]
  }
  switch a {
  case "--dir": dir = value()
  case "--runs": runs = Int(value()) ?? 3
  case "--scale": scale = Double(value()) ?? 1
  case "--only": only = Set(value().split(separator: ",").map(String.init))
  case "-h", "--help": usage()
  default: usage()
  }
  i += 1
}
let selected = only
let wanted: (String) -> Bool = { selected.isEmpty || selected.contains($0) }

let bench = Bench(dir: dir, runs: runs, scale: scale)
do {
  try bench.prepare(syslog: wanted("syslog") || wanted("rules"), multi: wanted("multi"), journal: wanted("journal"))
  if wanted("syslog") { try bench.syslogCases() }
  if wanted("rules") { try bench.rulesCase() }
  if wanted("multi") { try bench.multiCase() }
  if wanted("journal") { try bench.journalCases() }
  bench.printTable()
  exit(bench.failures.isEmpty ? 0 : 1)
} catch {
  print("flatline-bench: \(error)")
  exit(2)
}
