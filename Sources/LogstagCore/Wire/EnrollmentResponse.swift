/// The answer to a successful enrollment.
///
/// Contract: `agent_key` (an `lsa_` token) is present only on the agent's first enrollment and
/// is never sent again; the agent must store it. The other fields identify the agent and the
/// asset the target is now bound to.
public struct EnrollmentResponse: Codable, Sendable, Equatable {
    public var wireVersion: Int
    public var agentID: String
    public var agentKey: String?
    public var organizationID: String
    public var assetID: String
    public var assetName: String

    public init(
        wireVersion: Int = WireVersion.current, agentID: String, agentKey: String? = nil, organizationID: String,
        assetID: String, assetName: String
    ) {
        self.wireVersion = wireVersion
        self.agentID = agentID
        self.agentKey = agentKey
        self.organizationID = organizationID
        self.assetID = assetID
        self.assetName = assetName
    }

    enum CodingKeys: String, CodingKey {
        case wireVersion = "wire_version"
        case agentID = "agent_id"
        case agentKey = "agent_key"
        case organizationID = "organization_id"
        case assetID = "asset_id"
        case assetName = "asset_name"
    }
}
