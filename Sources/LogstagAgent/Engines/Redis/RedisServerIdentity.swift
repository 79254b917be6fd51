import LogstagCore

/// Which product and version answered, read from `INFO server`.
///
/// Contract: Valkey is recognised by `server_name:valkey` or a `valkey_version` field, and its
/// version is `valkey_version` (Valkey 8 also reports `redis_version:7.2.x` for client
/// compatibility, which is not the product version); anything else is Redis with
/// `redis_version`. `isSupported` compares against the floors of the reference: Redis 7.0,
/// Valkey 8.0.
public struct RedisServerIdentity: Sendable, Equatable {
    public let engine: Engine
    public let version: String

    public init(engine: Engine, version: String) {
        self.engine = engine
        self.version = version
    }

    /// Reads the identity from INFO server fields; nil when no version is present.
    public init?(infoServer fields: [String: String]) {
        if fields["server_name"]?.lowercased() == "valkey" || fields["valkey_version"] != nil {
            guard let version = fields["valkey_version"] ?? fields["redis_version"] else { return nil }
            self.init(engine: .valkey, version: version)
        } else {
            guard let version = fields["redis_version"] else { return nil }
            self.init(engine: .redis, version: version)
        }
    }

    /// The lowest supported version of this product, as (major, minor).
    public var minimumVersion: (major: Int, minor: Int) {
        engine == .valkey ? (8, 0) : (7, 0)
    }

    /// Whether the version is at or above the supported floor; nil when it cannot be read.
    public var isSupported: Bool? {
        let parts = version.split(separator: ".").map { Int($0.prefix { $0.isNumber }) }
        guard parts.count >= 2, let major = parts[0], let minor = parts[1] else { return nil }
        return (major, minor) >= minimumVersion
    }
}
