/// The answers given as flags to `logstag --mode setup`.
///
/// Contract: every field is optional; an interactive run asks for what is missing, while
/// `printInstallCommand` (the non-interactive form) requires the flags it needs and names
/// the missing one. Secrets are never fields here: the API key comes from the prompt,
/// `LOGSTAG_API_KEY_FILE` or `LOGSTAG_API_KEY`, the database password from the prompt or
/// `LOGSTAG_DB_PASSWORD_FILE`. Raw strings are validated by setup mode with the same LogstagCore
/// rules the web wizard uses, so the flag name can be given in the message.
public struct SetupArguments: Sendable, Equatable {
    /// `--server`: the server's base URL (else `LOGSTAG_SERVER`, else the prompt).
    public var server: String?
    /// `--ca-file`: PEM bundle used to verify the server's HTTPS certificate.
    public var caFile: String?
    /// `--asset`: the id of an existing asset.
    public var assetID: String?
    /// `--create-asset`: create a new asset from `--engine`, `--asset-name`, `--environment`, `--owner`.
    public var createAsset: Bool
    /// `--engine`: postgresql, mssql, mongodb, redis, valkey or oracle.
    public var engine: String?
    /// `--asset-name`: the new asset's name.
    public var assetName: String?
    /// `--environment`: Production, Pre-Production, UAT, Staging, Test or Development.
    public var environment: String?
    /// `--owner`: e-mail address of the member who owns the new asset.
    public var owner: String?
    /// `--hosting`: self-hosted, aws-rds, huawei-rds (azure and gcp are planned).
    public var hosting: String?
    /// `--connection`: direct (bridged is planned).
    public var connection: String?
    /// `--os`: linux or windows.
    public var os: String?
    /// `--print-install-command`: run without prompts and print the install command.
    public var printInstallCommand: Bool
    /// `--show-token`: also generate a registration token and print it.
    public var showToken: Bool
    /// `--token-file`: also generate a registration token and write it to this file (0600).
    public var tokenFile: String?

    /// `--write-agent-config`: write a target into the agent configuration on this host.
    public var writeAgentConfig: Bool
    /// `--agent-config`: the agent configuration file (default /etc/logstag/agent.toml).
    public var agentConfig: String?
    /// `--state-dir`: the agent's state directory holding `host.key` (default /var/lib/logstag).
    public var stateDirectory: String?
    /// `--target`: the new target's name.
    public var target: String?
    /// `--db-host`, `--db-port`, `--db-username`, `--db-name`, `--sslmode`: the target's connection.
    public var databaseHost: String?
    public var databasePort: String?
    public var databaseUsername: String?
    public var databaseName: String?
    public var sslMode: String?
    /// `--yes`: answer the final "write it?" and "test it?" questions with yes.
    public var assumeYes: Bool

    public init(
        server: String? = nil, caFile: String? = nil, assetID: String? = nil, createAsset: Bool = false, engine: String? = nil,
        assetName: String? = nil, environment: String? = nil, owner: String? = nil, hosting: String? = nil,
        connection: String? = nil, os: String? = nil, printInstallCommand: Bool = false, showToken: Bool = false,
        tokenFile: String? = nil, writeAgentConfig: Bool = false, agentConfig: String? = nil, stateDirectory: String? = nil,
        target: String? = nil, databaseHost: String? = nil, databasePort: String? = nil, databaseUsername: String? = nil,
        databaseName: String? = nil, sslMode: String? = nil, assumeYes: Bool = false
    ) {
        self.server = server
        self.caFile = caFile
        self.assetID = assetID
        self.createAsset = createAsset
        self.engine = engine
        self.assetName = assetName
        self.environment = environment
        self.owner = owner
        self.hosting = hosting
        self.connection = connection
        self.os = os
        self.printInstallCommand = printInstallCommand
        self.showToken = showToken
        self.tokenFile = tokenFile
        self.writeAgentConfig = writeAgentConfig
        self.agentConfig = agentConfig
        self.stateDirectory = stateDirectory
        self.target = target
        self.databaseHost = databaseHost
        self.databasePort = databasePort
        self.databaseUsername = databaseUsername
        self.databaseName = databaseName
        self.sslMode = sslMode
        self.assumeYes = assumeYes
    }
}
