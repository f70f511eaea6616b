/// The wrapping a container runtime puts around each line an application writes to stdout/stderr, for datastores
/// run in containers (`DatastoreLogSource` reads the line inside).
///
/// - `docker`: Docker's json-file driver, `/var/lib/docker/containers/<id>/<id>-json.log`, one JSON object a line:
///   `{"log":"<text>\n","stream":"stderr","time":"2024-03-01T10:00:00.123456789Z"}`. The text is a JSON string;
///   a line longer than 16 KiB is split into pieces whose text does not end in `\n`.
/// - `cri`: the Kubernetes CRI format (`/var/log/pods/…/<container>/0.log`):
///   `2024-03-01T10:00:00.123456789Z stderr F <text>`; `P` instead of `F` marks a piece of a longer line.
/// - `compose`: what `docker compose logs` (or `docker-compose up`) prints, each line prefixed with the service:
///   `db_1        | <text>` (Compose v1) or `db-1  | <text>` (v2).
public enum ContainerEnvelope: String, Sendable, Equatable {
  case docker
  case cri
  case compose

  /// The text inside one envelope line, appended to `out` (JSON escapes decoded, Docker's trailing newline
  /// dropped). Returns false when the line is not in this envelope; `partial` is set when the text continues in
  /// the next line.
  func unwrap(_ line: Bytes, into out: inout [UInt8], partial: inout Bool) -> Bool {
    switch self {
    case .cri: return Self.unwrapCRI(line, into: &out, partial: &partial)
    case .docker: return Self.unwrapDocker(line, into: &out, partial: &partial)
    case .compose: return Self.unwrapCompose(line, into: &out)
    }
  }

  /// `name  | text`: a service name of letters, digits, `_`, `-` and `.`, padding spaces, `|`, one space.
  static func unwrapCompose(_ line: Bytes, into out: inout [UInt8]) -> Bool {
    var k = 0
    while k < line.count, k < 80 {
      let c = line[k]
      let nameByte = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c == 95 || c == 45 || c == 46
      guard nameByte else { break }
      k += 1
    }
    guard k > 0, k < line.count, line[k] == 32 else { return false }
    while k < line.count, line[k] == 32 { k += 1 }
    guard k < line.count, line[k] == 124 else { return false }
    k += 1
    if k < line.count, line[k] == 32 { k += 1 }
    if k < line.count { out.append(contentsOf: line.dropFirst(k).buffer) }
    return true
  }

  static func unwrapCRI(_ line: Bytes, into out: inout [UInt8], partial: inout Bool) -> Bool {
    var k = 0
    while k < line.count, line[k] != 32 { k += 1 }
    let rest = line.dropFirst(k)
    guard k >= 20, rest.hasPrefix(" stdout ") || rest.hasPrefix(" stderr "), rest.count >= 9 else { return false }
    let flag = rest[8]
    guard flag == 80 || flag == 70, rest.count == 9 || rest[9] == 32 else { return false }
    partial = flag == 80
    if rest.count > 10 { out.append(contentsOf: rest.dropFirst(10).buffer) }
    return true
  }

  static func unwrapDocker(_ line: Bytes, into out: inout [UInt8], partial: inout Bool) -> Bool {
    guard let at = line.find("\"log\":\"") else { return false }
    let start = out.count
    var scanner = JSONScanner(line.dropFirst(at + 6))
    guard scanner.string(appendingTo: &out) else {
      out.removeSubrange(start...)
      return false
    }
    if out.count > start, out[out.count - 1] == 10 {
      out.removeLast()
      if out.count > start, out[out.count - 1] == 13 { out.removeLast() }
      partial = false
    } else {
      partial = true
    }
    return true
  }
}
