/// `POST /api/v1/agent/enroll` body: an agent redeems a registration token for one target.
///
/// Contract: sent without authentication on first enrollment, or with the agent's `lsa_` key
/// to bind one more asset to an already enrolled agent. `registration_token` is a secret and
/// must never be logged unredacted. `host`, `port` and `platform` describe the target as
/// configured and are optional.
public struct EnrollmentRequest: Codable, Sendable, Equatable {
    public var wireVersion: Int
    public var registrationToken: String
    public var hostname: String
    public var agentVersion: String
    public var targetName: String
    public var engine: Engine
    public var host: String?
    public var port: Int?
    public var platform: String?

    public init(
        wireVersion: Int = WireVersion.current, registrationToken: String, hostname: String, agentVersion: String,
        targetName: String, engine: Engine, host: String? = nil, port: Int? = nil, platform: String? = nil
    ) {
        self.wireVersion = wireVersion
        self.registrationToken = registrationToken
        self.hostname = hostname
        self.agentVersion = agentVersion
        self.targetName = targetName
        self.engine = engine
        self.host = host
        self.port = port
        self.platform = platform
    }

    enum CodingKeys: String, CodingKey {
        case wireVersion = "wire_version"
        case registrationToken = "registration_token"
        case hostname
        case agentVersion = "agent_version"
        case targetName = "target_name"
        case engine, host, port, platform
    }
}
