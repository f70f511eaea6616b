/// The datastores whose native log files Flatline reads. The raw value is the `component` of the input
/// (`InputInfo.component`, `DiscoveredInput.datastoreLog(path:component:)`).
public enum DatastoreComponent: String, Sendable, CaseIterable {
  case postgresql
  case mysql
  case mongodb
  case redis

  /// The program name as it appears in syslog or the journal; records of native logs carry it as their identifier
  /// so that rules written for syslog lines match native lines too.
  public var identifier: String {
    switch self {
    case .postgresql: return "postgres"
    case .mysql: return "mysqld"
    case .mongodb: return "mongod"
    case .redis: return "redis-server"
    }
  }

  /// `identifier` as bytes in static storage (valid forever; no allocation per record).
  var identifierBytes: Bytes {
    let s: StaticString
    switch self {
    case .postgresql: s = "postgres"
    case .mysql: s = "mysqld"
    case .mongodb: s = "mongod"
    case .redis: s = "redis-server"
    }
    return Bytes(base: s.utf8Start, count: s.utf8CodeUnitCount)
  }
}
