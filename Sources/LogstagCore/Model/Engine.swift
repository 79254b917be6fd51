/// A database engine Logstag can monitor.
///
/// Contract: the raw value is the stable identifier used in the wire format, the database and
/// configuration files (`db_engine`); `displayName` is for people; `defaultPort` is the port
/// the engine listens on when nothing else is configured.
public enum Engine: String, CaseIterable, Codable, Sendable {
    case postgresql, mssql, mongodb, redis, valkey, oracle

    /// The engine's name as shown in the UI.
    public var displayName: String {
        switch self {
        case .postgresql: "PostgreSQL"
        case .mssql: "Microsoft SQL Server"
        case .mongodb: "MongoDB"
        case .redis: "Redis"
        case .valkey: "Valkey"
        case .oracle: "Oracle"
        }
    }

    /// The engine's conventional TCP port.
    public var defaultPort: Int {
        switch self {
        case .postgresql: 5432
        case .mssql: 1433
        case .mongodb: 27017
        case .redis, .valkey: 6379
        case .oracle: 1521
        }
    }
}
