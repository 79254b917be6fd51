/// What a connection test found, as shown in step 3 of the asset wizard.
///
/// Contract: `success` is true only when the agent connected and authenticated to the target;
/// `checks` lists each prerequisite, `configuration_issues` what is wrong, and
/// `fix_suggestions` what to do about it. No field contains a credential.
public struct ConnectionTestResult: Codable, Sendable, Equatable {
    public var success: Bool
    public var targetDatabase: String?
    public var engine: Engine
    public var host: String?
    public var port: Int?
    public var agentVersion: String
    public var serverVersion: String?
    public var checks: [PrerequisiteCheck]
    public var configurationIssues: [String]
    public var fixSuggestions: [String]

    public init(
        success: Bool, targetDatabase: String? = nil, engine: Engine, host: String? = nil, port: Int? = nil, agentVersion: String,
        serverVersion: String? = nil, checks: [PrerequisiteCheck] = [], configurationIssues: [String] = [],
        fixSuggestions: [String] = []
    ) {
        self.success = success
        self.targetDatabase = targetDatabase
        self.engine = engine
        self.host = host
        self.port = port
        self.agentVersion = agentVersion
        self.serverVersion = serverVersion
        self.checks = checks
        self.configurationIssues = configurationIssues
        self.fixSuggestions = fixSuggestions
    }

    enum CodingKeys: String, CodingKey {
        case success
        case targetDatabase = "target_database"
        case engine, host, port
        case agentVersion = "agent_version"
        case serverVersion = "server_version"
        case checks
        case configurationIssues = "configuration_issues"
        case fixSuggestions = "fix_suggestions"
    }
}
