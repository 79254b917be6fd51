import Foundation

/// One command queued by the server for an agent, delivered by the long-poll
/// `GET /api/v1/agent/commands`.
///
/// Contract: the agent runs each command at most once and posts a `CommandResult` with the
/// same id; the server expires commands nobody answered. `tiers` limits a `snapshot` to those
/// tiers (nil: every tier); older agents ignore it and collect every tier.
public struct AgentCommand: Codable, Sendable, Equatable {
    public var id: String
    public var kind: CommandKind
    public var assetID: String
    public var issuedAt: Date
    public var tiers: [Tier]?

    public init(id: String, kind: CommandKind, assetID: String, issuedAt: Date, tiers: [Tier]? = nil) {
        self.id = id
        self.kind = kind
        self.assetID = assetID
        self.issuedAt = issuedAt
        self.tiers = tiers
    }

    enum CodingKeys: String, CodingKey {
        case id, kind
        case assetID = "asset_id"
        case issuedAt = "issued_at"
        case tiers
    }
}
