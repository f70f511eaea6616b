/// The datastores whose native log files Flatline reads. The raw value is the `component` of the input
/// (`InputInfo.component`, `DiscoveredInput.datastoreLog(path:component:)`).
public enum DatastoreComponent: String, Sendable, CaseIterable {
  case postgresql
  case mysql
  case mongodb
  case redis
  case etcd
  /// Not a datastore: cloud-init's own log (`/var/log/cloud-init.log`), read the same way (instance ids, agent
  /// errors), registered as an `agent-log` input.
  case cloudInit = "cloud-init"

  /// The input kind of a native log of this component.
  public var inputKind: InputKind { self == .cloudInit ? .agentLog : .datastoreLog }

  /// The program name as it appears in syslog or the journal; records of native logs carry it as their identifier
  /// so that rules written for syslog lines match native lines too.
  public var identifier: String {
    switch self {
    case .postgresql: return "postgres"
    case .mysql: return "mysqld"
    case .mongodb: return "mongod"
    case .redis: return "redis-server"
    case .etcd: return "etcd"
    case .cloudInit: return "cloud-init"
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
    case .etcd: s = "etcd"
    case .cloudInit: s = "cloud-init"
    }
    return Bytes(base: s.utf8Start, count: s.utf8CodeUnitCount)
  }
}
