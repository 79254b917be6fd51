import Foundation
import GRDB
import LogstagCore

/// Enrolled agents, their asset bindings, heartbeats and the command queue.
public struct AgentStore: Sendable {
    let db: AppDatabase

    public init(_ db: AppDatabase) { self.db = db }

    /// What the agent said about the target when it enrolled.
    public struct Binding: Sendable {
        public var targetName: String
        public var host: String?
        public var port: Int?
        public var platform: String?

        public init(targetName: String, host: String?, port: Int?, platform: String?) {
            self.targetName = targetName
            self.host = host
            self.port = port
            self.platform = platform
        }
    }

    /// Redeems a registration token in one transaction: marks it used (failing if another
    /// request used it first), creates the agent when `newAgent` is given (otherwise binds to
    /// `existingAgentID`, which must belong to the token's organisation), and binds the asset.
    public func enroll(token: RegistrationToken, newAgent: Agent?, existingAgentID: String?, binding: Binding, now: Date) throws -> Asset {
        try db.writer.write { db in
            try db.execute(
                sql: "UPDATE registration_tokens SET used_at = ? WHERE id = ? AND used_at IS NULL AND revoked_at IS NULL AND expires_at > ?",
                arguments: [now.unixTime, token.id, now.unixTime])
            guard db.changesCount == 1 else { throw StorageError.conflict("token_used") }
            let agentID: String
            if let newAgent {
                try db.execute(
                    sql: "INSERT INTO agents (id, org_id, hostname, version, key_hash, created_at, last_seen_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
                    arguments: [newAgent.id, token.orgID, newAgent.hostname, newAgent.version, newAgent.keyHash, now.unixTime, now.unixTime])
                agentID = newAgent.id
            } else if let existingAgentID {
                let owner = try String.fetchOne(
                    db, sql: "SELECT org_id FROM agents WHERE id = ? AND revoked_at IS NULL", arguments: [existingAgentID])
                guard owner == token.orgID else { throw StorageError.notFound }
                agentID = existingAgentID
            } else {
                throw StorageError.notFound
            }
            try db.execute(
                sql: """
                    UPDATE assets SET agent_id = ?, target_name = ?, host = COALESCE(?, host), port = COALESCE(?, port),
                    platform = COALESCE(?, platform), last_seen_at = ?, verified = 0, updated_at = ?
                    WHERE id = ? AND org_id = ?
                    """,
                arguments: [agentID, binding.targetName, binding.host, binding.port, binding.platform, now.unixTime, now.unixTime,
                            token.assetID, token.orgID])
            guard db.changesCount == 1 else { throw StorageError.notFound }
            try Self.queueConnectionTestIfIdle(orgID: token.orgID, assetID: token.assetID, now: now, db)
            return Asset(row: try Row.fetchOne(db, sql: "SELECT * FROM assets WHERE id = ?", arguments: [token.assetID])!)
        }
    }

    public func agent(id: String) throws -> Agent? {
        try db.writer.read { db in try Row.fetchOne(db, sql: "SELECT * FROM agents WHERE id = ?", arguments: [id]).map(Agent.init) }
    }

    /// Agents of an organisation with the names of the assets they serve.
    public func list(orgID: String) throws -> [(agent: Agent, assetNames: [String])] {
        try db.writer.read { db in
            let agents = try Row.fetchAll(db, sql: "SELECT * FROM agents WHERE org_id = ? ORDER BY created_at DESC", arguments: [orgID])
                .map(Agent.init)
            return try agents.map { agent in
                let names = try String.fetchAll(
                    db, sql: "SELECT name FROM assets WHERE org_id = ? AND agent_id = ? ORDER BY name_key", arguments: [orgID, agent.id])
                return (agent, names)
            }
        }
    }

    public func revoke(orgID: String, id: String, now: Date) throws {
        try db.writer.write { db in
            try db.execute(
                sql: "UPDATE agents SET revoked_at = COALESCE(revoked_at, ?) WHERE org_id = ? AND id = ?",
                arguments: [now.unixTime, orgID, id])
            guard db.changesCount == 1 else { throw StorageError.notFound }
        }
    }

    /// Every agent request is a heartbeat for the agent and the assets bound to it. An asset
    /// whose traffic had stopped for longer than the stale window loses its verified state
    /// (it was Disconnected) and gets a connection test queued: only a passing test makes it
    /// Connected again, and the agent answers that test without anyone clicking.
    /// Writes at most once per 10 s per agent, so heartbeats do not become a write load.
    public func heartbeat(agentID: String, now: Date) throws {
        try db.writer.write { db in
            try db.execute(
                sql: "UPDATE agents SET last_seen_at = ? WHERE id = ? AND (last_seen_at IS NULL OR last_seen_at < ?)",
                arguments: [now.unixTime, agentID, now.unixTime - 10])
            guard db.changesCount == 1 else { return }
            try Self.refreshAssets(agentID: agentID, now: now, db)
        }
    }

    static func refreshAssets(agentID: String, now: Date, _ db: Database) throws {
        let stale = now.unixTime - AssetStatusRule.staleAfter
        let resumed = try Row.fetchAll(
            db, sql: "SELECT id, org_id FROM assets WHERE agent_id = ? AND verified = 1 AND (last_seen_at IS NULL OR last_seen_at < ?)",
            arguments: [agentID, stale])
        for row in resumed {
            try db.execute(sql: "UPDATE assets SET verified = 0 WHERE id = ?", arguments: [row["id"] as String])
            try queueConnectionTestIfIdle(orgID: row["org_id"], assetID: row["id"], now: now, db)
        }
        let unverified = try Row.fetchAll(
            db, sql: "SELECT id, org_id FROM assets WHERE agent_id = ? AND verified = 0", arguments: [agentID])
        for row in unverified {
            try queueConnectionTestIfIdle(orgID: row["org_id"], assetID: row["id"], now: now, db)
        }
        try db.execute(sql: "UPDATE assets SET last_seen_at = ? WHERE agent_id = ?", arguments: [now.unixTime, agentID])
    }

    /// Queues a connection test unless one is already waiting or was run in the last minute.
    static func queueConnectionTestIfIdle(orgID: String, assetID: String, now: Date, _ db: Database) throws {
        let busy = try Bool.fetchOne(
            db,
            sql: """
                SELECT EXISTS(SELECT 1 FROM commands WHERE asset_id = ? AND kind = 'connection_test'
                AND (status IN ('queued', 'sent') OR created_at > ?))
                """,
            arguments: [assetID, now.unixTime - 60]) ?? false
        guard !busy else { return }
        try db.execute(
            sql: "INSERT INTO commands (id, org_id, asset_id, kind, status, created_at) VALUES (?, ?, ?, 'connection_test', 'queued', ?)",
            arguments: [IDGenerator.make(), orgID, assetID, now.unixTime])
    }

    // MARK: - Commands

    /// Queues a command for the asset's agent (it may not be enrolled yet: it then waits).
    /// `tiers` limits a snapshot command to those tiers (nil: every tier).
    public func enqueue(orgID: String, assetID: String, kind: String, requestedBy: String?, tiers: [Tier]? = nil, now: Date) throws -> String {
        let id = IDGenerator.make()
        try db.writer.write { db in
            guard try Bool.fetchOne(db, sql: "SELECT EXISTS(SELECT 1 FROM assets WHERE id = ? AND org_id = ?)", arguments: [assetID, orgID]) == true
            else { throw StorageError.notFound }
            try db.execute(
                sql: "INSERT INTO commands (id, org_id, asset_id, kind, status, requested_by, created_at, tiers) VALUES (?, ?, ?, ?, 'queued', ?, ?, ?)",
                arguments: [id, orgID, assetID, kind, requestedBy, now.unixTime, tiers.map { $0.map(\.rawValue).joined(separator: ",") }])
        }
        return id
    }

    public func command(orgID: String, assetID: String, id: String) throws -> AgentCommandRecord? {
        try db.writer.read { db in
            try Row.fetchOne(
                db, sql: "SELECT * FROM commands WHERE org_id = ? AND asset_id = ? AND id = ?", arguments: [orgID, assetID, id]
            ).map(AgentCommandRecord.init)
        }
    }

    public func latestCommand(orgID: String, assetID: String, kind: String) throws -> AgentCommandRecord? {
        try db.writer.read { db in
            try Row.fetchOne(
                db, sql: "SELECT * FROM commands WHERE org_id = ? AND asset_id = ? AND kind = ? ORDER BY created_at DESC LIMIT 1",
                arguments: [orgID, assetID, kind]
            ).map(AgentCommandRecord.init)
        }
    }

    /// Hands queued commands for the agent's assets over (marking them sent). Commands that were
    /// sent but never answered within `resendAfter` are handed over again.
    public func takePending(agentID: String, now: Date, resendAfter: TimeInterval = 15) throws -> [AgentCommandRecord] {
        try db.writer.write { db in
            let rows = try Row.fetchAll(
                db,
                sql: """
                    SELECT c.* FROM commands c JOIN assets a ON a.id = c.asset_id
                    WHERE a.agent_id = ? AND (c.status = 'queued' OR (c.status = 'sent' AND c.sent_at < ?))
                    ORDER BY c.created_at LIMIT 20
                    """,
                arguments: [agentID, now.unixTime - resendAfter])
            for row in rows {
                try db.execute(sql: "UPDATE commands SET status = 'sent', sent_at = ? WHERE id = ?", arguments: [now.unixTime, row["id"] as String])
            }
            return rows.map(AgentCommandRecord.init)
        }
    }

    /// Records a command's result. A passing connection test marks the asset verified (Connected)
    /// and clears its failure; a failing one records the failure (Issues while traffic flows).
    /// `failedPrerequisites` names the checks that failed although the test connected; they
    /// keep the asset at Issues until a later test finds them fixed.
    public func complete(
        agentID: String, commandID: String, passed: Bool, failedPrerequisites: [String] = [], resultJSON: String?, message: String?,
        now: Date
    ) throws {
        try db.writer.write { db in
            guard let row = try Row.fetchOne(
                db,
                sql: "SELECT c.* FROM commands c JOIN assets a ON a.id = c.asset_id WHERE c.id = ? AND a.agent_id = ?",
                arguments: [commandID, agentID])
            else { throw StorageError.notFound }
            let command = AgentCommandRecord(row: row)
            guard command.status == .queued || command.status == .sent else { return }
            try db.execute(
                sql: "UPDATE commands SET status = ?, finished_at = ?, result_json = ?, message = ? WHERE id = ?",
                arguments: [passed ? "passed" : "failed", now.unixTime, resultJSON, message, commandID])
            if command.kind == CommandKind.connectionTest.rawValue {
                if passed {
                    let prerequisites = failedPrerequisites.isEmpty ? nil : failedPrerequisites.joined(separator: "; ")
                    try db.execute(
                        sql: "UPDATE assets SET verified = 1, last_failure = NULL, prerequisite_failure = ?, last_seen_at = ? WHERE id = ?",
                        arguments: [prerequisites, now.unixTime, command.assetID])
                } else {
                    try db.execute(
                        sql: "UPDATE assets SET last_failure = ?, last_seen_at = ? WHERE id = ?",
                        arguments: [message ?? "connection test failed", now.unixTime, command.assetID])
                }
            }
        }
    }

    /// Marks commands nobody answered within `timeout` as timed out.
    public func expireCommands(now: Date, timeout: TimeInterval = 100) throws {
        try db.writer.write { db in
            try db.execute(
                sql: "UPDATE commands SET status = 'timed_out', finished_at = ? WHERE status IN ('queued', 'sent') AND created_at < ?",
                arguments: [now.unixTime, now.unixTime - timeout])
        }
    }
}
