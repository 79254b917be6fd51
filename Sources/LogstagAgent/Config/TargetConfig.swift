import LogstagCore

/// One `[targets.<name>]` table of the agent configuration, validated and with secrets
/// decrypted.
///
/// Contract: `engine` and `platform` are valid values; `port` is 1...65535; for Redis and
/// Valkey `databaseName` is "0"..."15"; `assetID` is set once the target was enrolled;
/// `line` is the line of the table header, for messages. TLS fields are nil when not set;
/// `cloud` is set exactly for managed platforms.
public struct TargetConfig: Sendable, Equatable {
    public var name: String
    public var platform: String
    public var engine: Engine
    public var host: String
    public var port: Int
    public var username: String
    public var password: SecretValue
    public var databaseName: String
    public var assetID: String?
    /// libpq `sslmode` (disable, allow, prefer, require, verify-ca, verify-full); PostgreSQL only.
    public var sslMode: String?
    /// CA bundle used to verify the database server's certificate.
    public var sslRootCert: String?
    /// Provider credentials of a managed target (`aws-rds`, `huawei-rds`); nil when self-hosted.
    public var cloud: CloudCredentials?
    public var line: Int

    public init(
        name: String, platform: String = "self-hosted", engine: Engine, host: String, port: Int, username: String,
        password: SecretValue, databaseName: String, assetID: String? = nil, sslMode: String? = nil, sslRootCert: String? = nil,
        line: Int = 0, cloud: CloudCredentials? = nil
    ) {
        self.name = name
        self.platform = platform
        self.engine = engine
        self.host = host
        self.port = port
        self.username = username
        self.password = password
        self.databaseName = databaseName
        self.assetID = assetID
        self.sslMode = sslMode
        self.sslRootCert = sslRootCert
        self.line = line
        self.cloud = cloud
    }
}

extension TargetConfig {
    /// True when the database runs on this machine (loopback address, `localhost` or a Unix
    /// socket path), so facts about this host (memory) are facts about the database's host.
    public var isLoopback: Bool {
        let name = host.lowercased()
        return name == "localhost" || name == "::1" || name.hasPrefix("127.") || name.hasPrefix("/")
    }
}
