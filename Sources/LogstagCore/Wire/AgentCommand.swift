import Foundation

/// One command queued by the server for an agent, delivered by the long-poll
/// `GET /api/v1/agent/commands`.
///
/// Contract: the agent runs each command at most once and posts a `CommandResult` with the
/// same id; the server expires commands nobody answered.
public struct AgentCommand: Codable, Sendable, Equatable {
    public var id: String
    public var kind: CommandKind
    public var assetID: String
    public var issuedAt: Date

    public init(id: String, kind: CommandKind, assetID: String, issuedAt: Date) {
        self.id = id
        self.kind = kind
        self.assetID = assetID
        self.issuedAt = issuedAt
    }

    enum CodingKeys: String, CodingKey {
        case id, kind
        case assetID = "asset_id"
        case issuedAt = "issued_at"
    }
}
