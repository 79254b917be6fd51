import Foundation
import LogstagCore
import LogstagStorage

/// JSON shapes of the `/api/v1` resources (snake_case keys). Agent-reported fields are null
/// until the agent reports them; the UI shows "Not yet reported" for null.
struct AssetView: Encodable {
    let id, name, engine, engineName, environment: String
    let owner: PersonRef?
    let server: String?
    let port: Int?
    let version: String?
    let platform: String?
    let status: String
    let healthScore: Int?
    let lastCheckAt: Date?
    let lastSeenAt: Date?
    let agentID: String?
    let createdAt: Date
    let updatedAt: Date

    enum CodingKeys: String, CodingKey {
        case id, name, engine, engineName = "engine_name", environment, owner, server, port, version, platform, status
        case healthScore = "health_score", lastCheckAt = "last_check_at", lastSeenAt = "last_seen_at", agentID = "agent_id"
        case createdAt = "created_at", updatedAt = "updated_at"
    }

    /// Agent-reported fields are written as explicit nulls: "not yet reported" is information.
    func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(id, forKey: .id)
        try c.encode(name, forKey: .name)
        try c.encode(engine, forKey: .engine)
        try c.encode(engineName, forKey: .engineName)
        try c.encode(environment, forKey: .environment)
        try c.encode(owner, forKey: .owner)
        try c.encode(server, forKey: .server)
        try c.encode(port, forKey: .port)
        try c.encode(version, forKey: .version)
        try c.encode(platform, forKey: .platform)
        try c.encode(status, forKey: .status)
        try c.encode(healthScore, forKey: .healthScore)
        try c.encode(lastCheckAt, forKey: .lastCheckAt)
        try c.encode(lastSeenAt, forKey: .lastSeenAt)
        try c.encode(agentID, forKey: .agentID)
        try c.encode(createdAt, forKey: .createdAt)
        try c.encode(updatedAt, forKey: .updatedAt)
    }

    init(_ asset: Asset, owner: User?, now: Date) {
        id = asset.id
        name = asset.name
        engine = asset.engine.rawValue
        engineName = asset.engine.displayName
        environment = asset.environment.rawValue
        self.owner = owner.map { PersonRef(id: $0.id, name: $0.name, email: $0.email) }
        server = asset.host
        port = asset.port
        version = asset.version
        platform = asset.platform
        status = asset.status(now: now).rawValue
        healthScore = asset.healthScore
        lastCheckAt = asset.lastCheckAt
        lastSeenAt = asset.lastSeenAt
        agentID = asset.agentID
        createdAt = asset.createdAt
        updatedAt = asset.updatedAt
    }
}

struct PersonRef: Encodable {
    let id, name, email: String
}

struct PageView<Item: Encodable>: Encodable {
    let items: [Item]
    let total, page, perPage, pages: Int

    enum CodingKeys: String, CodingKey { case items, total, page, perPage = "per_page", pages }

    init<Source>(_ page: Page<Source>, map: (Source) -> Item) {
        items = page.items.map(map)
        total = page.total
        self.page = page.page
        perPage = page.perPage
        pages = page.pages
    }
}

struct ConnectionTestView: Encodable {
    let id, status: String
    let createdAt: Date
    let finishedAt: Date?
    let result: ConnectionTestResult?
    let message: String?

    enum CodingKeys: String, CodingKey { case id, status, createdAt = "created_at", finishedAt = "finished_at", result, message }

    init(_ record: AgentCommandRecord) {
        id = record.id
        status = record.status == .timedOut ? "timed_out" : record.status.rawValue
        createdAt = record.createdAt
        finishedAt = record.finishedAt
        result = record.resultJSON.flatMap { try? WireCoding.decoder().decode(ConnectionTestResult.self, from: Data($0.utf8)) }
        message = record.status == .timedOut
            ? "No answer from the agent within 100 seconds. Check that the agent is running and can reach this server." : record.message
    }
}

struct MemberView: Encodable {
    let userID, name, email, role, roleName: String
    let lastLoginAt: Date?
    let joinedAt: Date

    enum CodingKeys: String, CodingKey {
        case userID = "user_id", name, email, role, roleName = "role_name", lastLoginAt = "last_login_at", joinedAt = "joined_at"
    }

    init(_ member: Member) {
        userID = member.user.id
        name = member.user.name
        email = member.user.email
        role = member.role.rawValue
        roleName = member.role.displayName
        lastLoginAt = member.user.lastLoginAt
        joinedAt = member.joinedAt
    }
}

struct APIKeyView: Encodable {
    let id, name: String
    let createdAt: Date
    let lastUsedAt: Date?
    let revokedAt: Date?
    let key: String?

    enum CodingKeys: String, CodingKey { case id, name, createdAt = "created_at", lastUsedAt = "last_used_at", revokedAt = "revoked_at", key }

    init(_ key: APIKey, raw: String? = nil) {
        id = key.id
        name = key.name
        createdAt = key.createdAt
        lastUsedAt = key.lastUsedAt
        revokedAt = key.revokedAt
        self.key = raw
    }
}

struct AgentView: Encodable {
    let id, hostname, version: String
    let createdAt: Date
    let lastSeenAt: Date?
    let revokedAt: Date?
    let assets: [String]

    enum CodingKeys: String, CodingKey {
        case id, hostname, version, createdAt = "created_at", lastSeenAt = "last_seen_at", revokedAt = "revoked_at", assets
    }

    init(_ agent: Agent, assets: [String]) {
        id = agent.id
        hostname = agent.hostname
        version = agent.version
        createdAt = agent.createdAt
        lastSeenAt = agent.lastSeenAt
        revokedAt = agent.revokedAt
        self.assets = assets
    }
}

struct AuditEntryView: Encodable {
    let seq: Int
    let at: Date
    let user, role: String?
    let method, route, action: String
    let entityType, entityID: String?
    let status: Int
    let durationMs: Double
    let clientIP, body: String?

    enum CodingKeys: String, CodingKey {
        case seq, at, user, role, method, route, action, entityType = "entity_type", entityID = "entity_id", status
        case durationMs = "duration_ms", clientIP = "client_ip", body
    }

    init(_ entry: AuditEntry) {
        seq = entry.seq
        at = entry.at
        user = entry.userEmail
        role = entry.role
        method = entry.method
        route = entry.route
        action = entry.action
        entityType = entry.entityType
        entityID = entry.entityID
        status = entry.status
        durationMs = entry.durationMs
        clientIP = entry.clientIP
        body = entry.body
    }
}
