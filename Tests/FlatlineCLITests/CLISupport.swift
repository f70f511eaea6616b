import Foundation

/// Runs the built `flatline` binary (it sits next to the test bundle in the build products folder).
enum CLI {
  static let packageRoot: URL = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
    .deletingLastPathComponent().deletingLastPathComponent()

  static var shared: URL { packageRoot.deletingLastPathComponent().appendingPathComponent("shared") }
  static var corpus: URL { shared.appendingPathComponent("corpus") }
  static var hasCorpus: Bool { FileManager.default.fileExists(atPath: corpus.path) }

  static var binary: URL {
    let exe = URL(fileURLWithPath: "/proc/self/exe").resolvingSymlinksInPath()
    var dir = exe.deletingLastPathComponent()
    for _ in 0..<4 {
      let candidate = dir.appendingPathComponent("flatline")
      if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
      dir = dir.deletingLastPathComponent()
    }
    return packageRoot.appendingPathComponent(".build/debug/flatline")
  }

  struct Result {
    var status: Int32
    var stdout: String
    var stderr: String
  }

  /// Runs flatline with `args` from the package root (so SampleLogs paths stay relative), TZ=UTC, no colour.
  static func run(_ args: [String], stdin: Data? = nil) throws -> Result {
    let p = Process()
    p.executableURL = binary
    p.arguments = args
    p.currentDirectoryURL = packageRoot
    var env = ProcessInfo.processInfo.environment
    env["TZ"] = "UTC"
    env["NO_COLOR"] = "1"
    p.environment = env
    // Output goes to files: pipes would need a reader thread to avoid filling up.
    let dir = try tempDir()
    defer { try? FileManager.default.removeItem(at: dir) }
    let outURL = dir.appendingPathComponent("stdout")
    let errURL = dir.appendingPathComponent("stderr")
    _ = FileManager.default.createFile(atPath: outURL.path, contents: nil)
    _ = FileManager.default.createFile(atPath: errURL.path, contents: nil)
    let out = try FileHandle(forWritingTo: outURL)
    let err = try FileHandle(forWritingTo: errURL)
    p.standardOutput = out
    p.standardError = err
    let input = Pipe()
    p.standardInput = input
    try p.run()
    if let stdin { input.fileHandleForWriting.write(stdin) }
    try? input.fileHandleForWriting.close()
    p.waitUntilExit()
    try? out.close()
    try? err.close()
    let outData = (try? Data(contentsOf: outURL)) ?? Data()
    let errData = (try? Data(contentsOf: errURL)) ?? Data()
    return Result(
      status: p.terminationStatus, stdout: String(decoding: outData, as: UTF8.self),
      stderr: String(decoding: errData, as: UTF8.self))
  }

  /// Parses the JSON report.
  static func json(_ text: String) throws -> [String: Any] {
    try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] ?? [:]
  }

  static func boots(_ report: [String: Any]) -> [[String: Any]] {
    (report["hosts"] as? [[String: Any]] ?? []).flatMap { $0["boots"] as? [[String: Any]] ?? [] }
  }

  /// A temporary directory, removed by the caller.
  static func tempDir() throws -> URL {
    let d = FileManager.default.temporaryDirectory.appendingPathComponent("flatline-test-\(UUID().uuidString)")
    try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
    return d
  }

  static var hasJSONSchemaValidator: Bool {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = ["python3", "-c", "import jsonschema"]
    p.standardError = FileHandle.nullDevice
    p.standardOutput = FileHandle.nullDevice
    guard (try? p.run()) != nil else { return false }
    p.waitUntilExit()
    return p.terminationStatus == 0
  }

  /// Validates `json` against docs/schema/report.schema.json with python3-jsonschema; returns the error text.
  static func schemaErrors(_ json: String) throws -> String? {
    let dir = try tempDir()
    defer { try? FileManager.default.removeItem(at: dir) }
    let doc = dir.appendingPathComponent("report.json")
    try json.write(to: doc, atomically: true, encoding: .utf8)
    let schema = packageRoot.appendingPathComponent("docs/schema/report.schema.json").path
    let script = """
      import json, sys, jsonschema
      schema = json.load(open(sys.argv[1])); doc = json.load(open(sys.argv[2]))
      errs = sorted(jsonschema.Draft202012Validator(schema).iter_errors(doc), key=lambda e: list(e.path))
      print("\\n".join(f"{list(e.path)}: {e.message}" for e in errs[:10])); sys.exit(1 if errs else 0)
      """
    return try python(script, [schema, doc.path])
  }

  /// Runs a python3 script with arguments; nil when it exits 0, else what it printed.
  static func python(_ script: String, _ args: [String]) throws -> String? {
    let p = Process()
    p.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    p.arguments = ["python3", "-c", script] + args
    let out = Pipe()
    p.standardOutput = out
    try p.run()
    let data = out.fileHandleForReading.readDataToEndOfFile()
    p.waitUntilExit()
    return p.terminationStatus == 0 ? nil : String(decoding: data, as: UTF8.self)
  }
}
