import LogstagCore
import LogstagResources

/// Builds the driver for a target's engine from the embedded collector catalogues.
///
/// Contract: PostgreSQL, Redis and Valkey have drivers in this build; any other engine throws
/// `DriverError(reason: .error)` saying so (configuration checking already rejects them, so
/// this is a second line of defence). Catalogues are parsed once and shared.
public enum EngineDrivers {
    /// Resources/ paths are read from the binary itself (see LogstagResources).
    static let read: @Sendable (String) -> String? = { BundledResources.text($0) }

    public static func make(for target: TargetConfig, agentVersion: String) throws(DriverError) -> any EngineDriver {
        do {
            switch target.engine {
            case .postgresql:
                return PostgresDriver(target: target, catalog: try Catalogs.postgres.get(), agentVersion: agentVersion)
            case .redis, .valkey:
                return RedisDriver(target: target, catalog: try Catalogs.redis.get(), agentVersion: agentVersion)
            case .mssql, .mongodb, .oracle:
                throw DriverError(reason: .error, message: "\(target.engine.displayName) collectors are not part of this agent build yet.")
            }
        } catch let error as DriverError {
            throw error
        } catch {
            throw DriverError(reason: .error, message: "The embedded collector catalogue is invalid: \(error)")
        }
    }

    /// The names of every signal a target's engine can produce (for tests and documentation).
    public static func signalNames(for engine: Engine) throws -> [String] {
        switch engine {
        case .postgresql: try Catalogs.postgres.get().signalNames
        case .redis, .valkey: try Catalogs.redis.get().signalNames
        default: []
        }
    }

    enum Catalogs {
        static let postgres = Result { try PostgresCatalog.load(read: read) }
        static let redis = Result { try RedisCatalog.load(read: read) }
    }
}
