import Foundation
import GRDB
import LogstagCore

/// A monitored database instance. Fields after `updatedAt` are reported by the agent and stay
/// nil until it does.
public struct Asset: Sendable, Equatable {
    public var id: String
    public var orgID: String
    public var name: String
    public var engine: Engine
    public var environment: AssetEnvironment
    public var ownerID: String?
    public var createdBy: String?
    public var createdAt: Date
    public var updatedAt: Date
    public var agentID: String? = nil
    public var targetName: String? = nil
    public var host: String? = nil
    public var port: Int? = nil
    public var version: String? = nil
    public var platform: String? = nil
    public var databaseName: String? = nil
    public var lastSeenAt: Date? = nil
    public var lastCheckAt: Date? = nil
    public var lastFailure: String? = nil
    /// The failed prerequisite checks of the latest connection test, if any.
    public var prerequisiteFailure: String? = nil
    public var verified: Bool = false
    public var healthScore: Int? = nil

    public init(id: String, orgID: String, name: String, engine: Engine, environment: AssetEnvironment, ownerID: String?,
                createdBy: String?, createdAt: Date) {
        self.id = id
        self.orgID = orgID
        self.name = name
        self.engine = engine
        self.environment = environment
        self.ownerID = ownerID
        self.createdBy = createdBy
        self.createdAt = createdAt
        self.updatedAt = createdAt
    }

    init(row: Row) {
        self.init(
            id: row["id"], orgID: row["org_id"], name: row["name"], engine: Engine(rawValue: row["engine"]) ?? .postgresql,
            environment: AssetEnvironment(rawValue: row["environment"]) ?? .production, ownerID: row["owner_id"],
            createdBy: row["created_by"], createdAt: row.date("created_at")!)
        updatedAt = row.date("updated_at")!
        agentID = row["agent_id"]
        targetName = row["target_name"]
        host = row["host"]
        port = row["port"]
        version = row["version"]
        platform = row["platform"]
        databaseName = row["database_name"]
        lastSeenAt = row.date("last_seen_at")
        lastCheckAt = row.date("last_check_at")
        lastFailure = row["last_failure"]
        prerequisiteFailure = row["prerequisite_failure"]
        verified = row["verified"]
        healthScore = row["health_score"]
    }

    /// Connected / Disconnected / Issues per the 5-minute rule (see `AssetStatusRule`).
    public func status(now: Date) -> AssetStatus {
        AssetStatusRule.status(verified: verified, lastSeen: lastSeenAt, lastFailure: lastFailure != nil || prerequisiteFailure != nil, now: now)
    }
}

/// Filters and paging for the asset list.
public struct AssetQuery: Sendable {
    public var search: String?
    public var status: AssetStatus?
    public var environment: AssetEnvironment?
    public var engine: Engine?
    public var page: Int
    public var perPage: Int

    public init(search: String? = nil, status: AssetStatus? = nil, environment: AssetEnvironment? = nil, engine: Engine? = nil,
                page: Int = 1, perPage: Int = 25) {
        self.search = search
        self.status = status
        self.environment = environment
        self.engine = engine
        self.page = max(1, page)
        self.perPage = min(max(1, perPage), 200)
    }
}

/// A page of results with the total count across pages.
public struct Page<Item: Sendable>: Sendable {
    public let items: [Item]
    public let total: Int
    public let page: Int
    public let perPage: Int

    public var pages: Int { max(1, (total + perPage - 1) / perPage) }
}

/// A per-asset registration token (`lsr_`): 24 h, single use, superseded by regeneration.
public struct RegistrationToken: Sendable, Equatable {
    public let id: String
    public let orgID: String
    public let assetID: String
    public let tokenHash: String
    public let createdAt: Date
    public let expiresAt: Date
    public let usedAt: Date?
    public let revokedAt: Date?

    public init(id: String, orgID: String, assetID: String, tokenHash: String, createdAt: Date, expiresAt: Date,
                usedAt: Date? = nil, revokedAt: Date? = nil) {
        self.id = id
        self.orgID = orgID
        self.assetID = assetID
        self.tokenHash = tokenHash
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.usedAt = usedAt
        self.revokedAt = revokedAt
    }

    init(row: Row) {
        self.init(
            id: row["id"], orgID: row["org_id"], assetID: row["asset_id"], tokenHash: row["token_hash"],
            createdAt: row.date("created_at")!, expiresAt: row.date("expires_at")!, usedAt: row.date("used_at"),
            revokedAt: row.date("revoked_at"))
    }
}

/// An enrolled agent host, authenticated by its `lsa_` key.
public struct Agent: Sendable, Equatable {
    public let id: String
    public let orgID: String
    public let hostname: String
    public let version: String
    public let keyHash: String
    public let createdAt: Date
    public let lastSeenAt: Date?
    public let revokedAt: Date?

    public init(id: String, orgID: String, hostname: String, version: String, keyHash: String, createdAt: Date,
                lastSeenAt: Date? = nil, revokedAt: Date? = nil) {
        self.id = id
        self.orgID = orgID
        self.hostname = hostname
        self.version = version
        self.keyHash = keyHash
        self.createdAt = createdAt
        self.lastSeenAt = lastSeenAt
        self.revokedAt = revokedAt
    }

    init(row: Row) {
        self.init(
            id: row["id"], orgID: row["org_id"], hostname: row["hostname"], version: row["version"], keyHash: row["key_hash"],
            createdAt: row.date("created_at")!, lastSeenAt: row.date("last_seen_at"), revokedAt: row.date("revoked_at"))
    }
}

/// A command queued for an agent (connection test, snapshot request) and its outcome.
public struct AgentCommandRecord: Sendable, Equatable {
    public enum Status: String, Sendable { case queued, sent, passed, failed, timedOut = "timed_out" }

    public let id: String
    public let orgID: String
    public let assetID: String
    public let kind: String
    public let status: Status
    public let createdAt: Date
    public let sentAt: Date?
    public let finishedAt: Date?
    public let resultJSON: String?
    public let message: String?
    /// The tiers a `snapshot` command asks for; nil: every tier.
    public let tiers: [Tier]?

    init(row: Row) {
        id = row["id"]
        orgID = row["org_id"]
        assetID = row["asset_id"]
        kind = row["kind"]
        status = Status(rawValue: row["status"]) ?? .queued
        createdAt = row.date("created_at")!
        sentAt = row.date("sent_at")
        finishedAt = row.date("finished_at")
        resultJSON = row["result_json"]
        message = row["message"]
        tiers = (row["tiers"] as String?).map { $0.split(separator: ",").compactMap { Tier(rawValue: String($0)) } }
    }
}
