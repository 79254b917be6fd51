import Foundation
import GRDB
import LogstagCore

/// Stores agent batches: snapshots per asset and signal, numeric series, statements, asset
/// facts, and the batch's idempotency key, all in the transaction that makes the batch durable.
public struct IngestStore: Sendable {
    let db: AppDatabase

    public init(_ db: AppDatabase) { self.db = db }

    /// One decoded, validated batch from one agent.
    public struct Work: Sendable {
        public let agentID: String
        public let orgID: String
        public let idempotencyKey: String
        public let bodySHA256: String
        public let batch: IngestBatch

        public init(agentID: String, orgID: String, idempotencyKey: String, bodySHA256: String, batch: IngestBatch) {
            self.agentID = agentID
            self.orgID = orgID
            self.idempotencyKey = idempotencyKey
            self.bodySHA256 = bodySHA256
            self.batch = batch
        }
    }

    public enum Outcome: Sendable, Equatable {
        case stored(points: Int)
        case duplicate
        /// Same idempotency key with a different body.
        case keyReused
        /// A payload named an asset that is not this agent's (another org's, or unbound).
        case unknownAsset(String)
    }

    /// Stores several batches in ONE transaction (group commit: one fsync for all of them).
    /// Each batch runs in its own savepoint, so a rejected batch leaves no row behind and does
    /// not affect the others.
    public func ingest(_ works: [Work], now: Date) throws -> [Outcome] {
        try db.writer.write { db in
            var outcomes: [Outcome] = []
            for work in works {
                var outcome = Outcome.duplicate
                try db.inSavepoint {
                    outcome = try Self.store(work, now: now, db)
                    if case .stored = outcome { return .commit }
                    return .rollback
                }
                outcomes.append(outcome)
            }
            return outcomes
        }
    }

    static func store(_ work: Work, now: Date, _ db: Database) throws -> Outcome {
        if let existing = try String.fetchOne(
            db, sql: "SELECT body_sha256 FROM ingest_keys WHERE agent_id = ? AND key = ?", arguments: [work.agentID, work.idempotencyKey])
        {
            return existing == work.bodySHA256 ? .duplicate : .keyReused
        }
        try db.execute(
            sql: "INSERT INTO ingest_keys (agent_id, key, body_sha256, received_at) VALUES (?, ?, ?, ?)",
            arguments: [work.agentID, work.idempotencyKey, work.bodySHA256, now.unixTime])
        var points = 0
        for payload in work.batch.payloads {
            let bound = try Bool.fetchOne(
                db, sql: "SELECT EXISTS(SELECT 1 FROM assets WHERE id = ? AND org_id = ? AND agent_id = ?)",
                arguments: [payload.assetID, work.orgID, work.agentID]) ?? false
            guard bound else { return .unknownAsset(payload.assetID) }
            try updateAsset(payload, db)
            points += try storeSignals(payload, orgID: work.orgID, db)
        }
        return .stored(points: points)
    }

    static func updateAsset(_ payload: TargetPayload, _ db: Database) throws {
        let instance = payload.instance
        // Only a target-level failure (unreachable, login refused) is a collection failure. A
        // signal the monitoring user may not read is a coverage gap shown per signal; missing
        // grants that matter are reported by the connection test (prerequisite_failure).
        let failure: String? = payload.targetStatus.ok ? nil : (payload.targetStatus.reason?.rawValue ?? "error")
        try db.execute(
            sql: """
                UPDATE assets SET host = COALESCE(?, host), port = COALESCE(?, port), version = COALESCE(?, version),
                platform = COALESCE(?, platform), database_name = COALESCE(?, database_name),
                last_check_at = MAX(COALESCE(last_check_at, 0), ?), last_failure = ?
                WHERE id = ?
                """,
            arguments: [instance?.host, instance?.port, instance?.version, instance?.platform, instance?.databaseName,
                        payload.collectedAt.unixTime, failure, payload.assetID])
    }

    static func storeSignals(_ payload: TargetPayload, orgID: String, _ db: Database) throws -> Int {
        let snapshot = try db.cachedStatement(
            sql: """
                INSERT INTO snapshots (org_id, asset_id, signal, tier, collected_at, status, reason, message, duration_ms, row_count, rows_json)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """)
        let previousCollection = try db.cachedStatement(
            sql: "SELECT MAX(collected_at) FROM snapshots WHERE asset_id = ? AND signal = ? AND collected_at < ? AND status = 'ok'")
        let series = try SeriesWriter(kinds: .bundled, db)
        let statements = try StatementWriter(db)
        var points = 0
        let ts = payload.collectedAt.unixTime
        try ExplorerStore.recordSchemaChanges(orgID: orgID, payload: payload, db)
        for signal in payload.signals {
            let rowsJSON = signal.status == .ok ? JSONValue.jsonText(rows: signal.rows) : nil
            try snapshot.execute(arguments: [
                orgID, payload.assetID, signal.name, payload.tier.rawValue, ts, signal.status.rawValue, signal.reason?.rawValue,
                signal.message, signal.durationMs, signal.rows.count, rowsJSON,
            ])
            guard signal.status == .ok else { continue }
            if signal.name == StatementWriter.signal {
                // The base of statements that appeared since then (`new_entry`) is zero at that time.
                let previous = try Double.fetchOne(previousCollection, arguments: [payload.assetID, signal.name, ts])
                points += try statements.write(assetID: payload.assetID, rows: signal.rows, at: ts, previousCollection: previous)
            } else {
                points += try series.write(assetID: payload.assetID, signal: signal.name, rows: signal.rows, at: ts)
            }
        }
        return points
    }

    // MARK: - Reading

    /// The latest snapshot of each signal of an asset: the agent's own view of whether
    /// collection works (status, reason, duration, row count), ordered by tier then name.
    public func latestSignals(orgID: String, assetID: String) throws -> [SignalHealth] {
        try db.writer.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT s.signal, s.tier, s.collected_at, s.status, s.reason, s.message, s.duration_ms, s.row_count
                    FROM snapshots s JOIN assets a ON a.id = s.asset_id
                    WHERE a.org_id = ? AND s.asset_id = ?
                      AND s.id IN (\(SnapshotSQL.latestIDPerSignal))
                    ORDER BY CASE s.tier WHEN 'high' THEN 0 WHEN 'medium' THEN 1 WHEN 'low' THEN 2 ELSE 3 END, s.signal
                    """,
                arguments: [orgID, assetID, assetID, assetID, assetID]
            ).map { row in
                SignalHealth(
                    signal: row["signal"], tier: row["tier"], collectedAt: Date(timeIntervalSince1970: row["collected_at"]),
                    status: row["status"], reason: row["reason"], message: row["message"], durationMs: row["duration_ms"],
                    rowCount: row["row_count"])
            }
        }
    }

    /// Forgets idempotency keys older than the agents' maximum spool age plus a margin.
    public func purgeIngestKeys(olderThan cutoff: Date) throws {
        try db.writer.write { db in try db.execute(sql: "DELETE FROM ingest_keys WHERE received_at < ?", arguments: [cutoff.unixTime]) }
    }
}

/// The latest collection outcome of one signal of one asset.
public struct SignalHealth: Sendable, Equatable {
    public let signal: String
    public let tier: String
    public let collectedAt: Date
    public let status: String
    public let reason: String?
    public let message: String?
    public let durationMs: Double
    public let rowCount: Int
}
