import Foundation
import GRDB
import LogstagCore

/// Health-check runs, the per-organisation schedule setting, and the stored data a report is
/// built from (snapshots and series of the asset).
///
/// Contract: every read made for a person takes the caller's `orgID`; only the runner loop's
/// `openRuns` and the scheduler's `dueAssets` look across organisations. State changes are
/// compare-and-set in SQL: a run leaves only the states it is expected to be in, and a final
/// run (Completed, Failure, Cancelled, Timeout) never changes again, whoever writes last.
public struct HealthRunStore: Sendable {
    let db: AppDatabase

    public init(_ db: AppDatabase) { self.db = db }

    public static let openStatuses = HealthRunStatus.allCases.filter { !$0.isFinal }
    static let openList = openStatuses.map { "'\($0.rawValue)'" }.joined(separator: ", ")

    // MARK: - Runs

    /// Inserts a Pending run. Fails with `.conflict("health_run_active")` when the asset already
    /// has an unfinished run (checked in the same transaction), `.notFound` when the asset is
    /// not in the organisation.
    public func create(_ run: HealthRunRecord) throws {
        try db.writer.write { db in
            guard try Bool.fetchOne(
                db, sql: "SELECT EXISTS(SELECT 1 FROM assets WHERE id = ? AND org_id = ?)", arguments: [run.assetID, run.orgID]) == true
            else { throw StorageError.notFound }
            let busy = try Bool.fetchOne(
                db, sql: "SELECT EXISTS(SELECT 1 FROM health_runs WHERE asset_id = ? AND status IN (\(Self.openList)))",
                arguments: [run.assetID]) ?? false
            guard !busy else { throw StorageError.conflict("health_run_active") }
            try db.execute(
                sql: """
                    INSERT INTO health_runs (id, org_id, asset_id, status, trigger, requested_by, created_at, deadline_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [run.id, run.orgID, run.assetID, run.status.rawValue, run.trigger.rawValue, run.requestedBy,
                            run.createdAt.unixTime, run.deadlineAt.unixTime])
        }
    }

    /// Moves a run to `status` if it is currently in one of `from` (final states are never
    /// left, whatever `from` says). Final targets set `finished_at`. Returns false when the run
    /// was not in an allowed state (e.g. it was cancelled meanwhile): the caller lost the race.
    @discardableResult
    public func transition(
        orgID: String, id: String, from: [HealthRunStatus], to status: HealthRunStatus, now: Date, message: String? = nil,
        commandID: String? = nil, startedAt: Date? = nil, snapshotWatermark: Int64? = nil
    ) throws -> Bool {
        let allowed = from.filter { !$0.isFinal }
        guard !allowed.isEmpty else { return false }
        var arguments: StatementArguments = [
            status.rawValue, message, commandID, startedAt?.unixTime, snapshotWatermark, status.isFinal, now.unixTime, orgID, id,
        ]
        arguments += StatementArguments(allowed.map(\.rawValue))
        return try db.writer.write { db in
            try db.execute(
                sql: """
                    UPDATE health_runs SET status = ?, message = COALESCE(?, message), command_id = COALESCE(?, command_id),
                    started_at = COALESCE(?, started_at), snapshot_watermark = COALESCE(?, snapshot_watermark),
                    finished_at = CASE WHEN ? THEN ? ELSE finished_at END
                    WHERE org_id = ? AND id = ? AND status IN (\(allowed.map { _ in "?" }.joined(separator: ", ")))
                    """,
                arguments: arguments)
            return db.changesCount == 1
        }
    }

    /// Stores the report and marks the run Completed, only from Generating Report (a run
    /// cancelled or timed out meanwhile stays as it is); the asset's `health_score` becomes the
    /// report's overall score (rounded). Returns whether it was stored.
    @discardableResult
    public func complete(orgID: String, id: String, report: HealthReport, now: Date) throws -> Bool {
        let json = String(decoding: try HealthCoding.encoder().encode(report), as: UTF8.self)
        return try db.writer.write { db in
            try db.execute(
                sql: """
                    UPDATE health_runs SET status = ?, finished_at = ?, overall_score = ?, result = ?, attention_count = ?,
                    critical_count = ?, catalogue_version = ?, report_json = ?
                    WHERE org_id = ? AND id = ? AND status = ?
                    """,
                arguments: [HealthRunStatus.completed.rawValue, now.unixTime, report.score.overall, report.score.result.rawValue,
                            report.header.attentionCount, report.header.criticalCount, report.header.catalogueVersion, json, orgID, id,
                            HealthRunStatus.generatingReport.rawValue])
            guard db.changesCount == 1 else { return false }
            try db.execute(
                sql: "UPDATE assets SET health_score = ? WHERE org_id = ? AND id = (SELECT asset_id FROM health_runs WHERE id = ?)",
                arguments: [report.score.overall.map { Int($0.rounded()) }, orgID, id])
            return true
        }
    }

    /// Runs of an asset, newest first, without reports.
    public func runs(orgID: String, assetID: String, limit: Int) throws -> [HealthRunRecord] {
        try db.writer.read { db in
            try Row.fetchAll(
                db, sql: "SELECT \(Self.summaryColumns) FROM health_runs WHERE org_id = ? AND asset_id = ? ORDER BY created_at DESC, rowid DESC LIMIT ?",
                arguments: [orgID, assetID, max(1, limit)]
            ).map { HealthRunRecord(row: $0) }
        }
    }

    /// One run with its report (when Completed).
    public func run(orgID: String, id: String) throws -> HealthRunRecord? {
        let row = try db.writer.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM health_runs WHERE org_id = ? AND id = ?", arguments: [orgID, id])
        }
        return try row.map(Self.withReport)
    }

    /// The newest Completed run of each of the assets (without reports); assets never checked are absent.
    public func latestCompleted(orgID: String, assetIDs: [String]) throws -> [String: HealthRunRecord] {
        guard !assetIDs.isEmpty else { return [:] }
        return try db.writer.read { db in
            var latest: [String: HealthRunRecord] = [:]
            // Chunks keep the statement under SQLite's variable limit for long asset lists.
            for chunk in stride(from: 0, to: assetIDs.count, by: 500).map({ Array(assetIDs[$0..<min($0 + 500, assetIDs.count)]) }) {
                let rows = try Row.fetchAll(
                    db,
                    sql: """
                        SELECT \(Self.summaryColumns) FROM health_runs r
                        WHERE r.org_id = ? AND r.status = 'Completed' AND r.asset_id IN (\(chunk.map { _ in "?" }.joined(separator: ", ")))
                        AND r.rowid = (SELECT r2.rowid FROM health_runs r2 WHERE r2.asset_id = r.asset_id AND r2.status = 'Completed'
                                       ORDER BY r2.created_at DESC, r2.rowid DESC LIMIT 1)
                        """,
                    arguments: StatementArguments([orgID] + chunk))
                for row in rows {
                    let run = HealthRunRecord(row: row)
                    latest[run.assetID] = run
                }
            }
            return latest
        }
    }

    /// The Completed run of the same asset created before `run`, with its report: the
    /// comparison basis for deltas (and the end of the report window).
    public func previousCompleted(before run: HealthRunRecord) throws -> HealthRunRecord? {
        let row = try db.writer.read { db in
            try Row.fetchOne(
                db,
                sql: """
                    SELECT * FROM health_runs WHERE org_id = ? AND asset_id = ? AND status = 'Completed' AND id != ?
                    AND created_at <= ? ORDER BY created_at DESC, rowid DESC LIMIT 1
                    """,
                arguments: [run.orgID, run.assetID, run.id, run.createdAt.unixTime])
        }
        return try row.map(Self.withReport)
    }

    /// Every unfinished run of every organisation, oldest first (the runner loop's work list).
    public func openRuns() throws -> [HealthRunRecord] {
        try db.writer.read { db in
            try Row.fetchAll(
                db, sql: "SELECT \(Self.summaryColumns) FROM health_runs WHERE status IN (\(Self.openList)) ORDER BY created_at, rowid"
            ).map { HealthRunRecord(row: $0) }
        }
    }

    /// Assets that should get a scheduled run now: their organisation's interval is above 0,
    /// their engine is one of `engines`, no run of theirs was created within the interval (nor
    /// is one unfinished), and their agent (not revoked) was seen within `agentFreshness`.
    public func dueAssets(now: Date, engines: [Engine], agentFreshness: TimeInterval = AssetStatusRule.staleAfter) throws
        -> [(orgID: String, assetID: String)]
    {
        guard !engines.isEmpty else { return [] }
        return try db.writer.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT a.org_id, a.id FROM assets a
                    JOIN organizations o ON o.id = a.org_id
                    JOIN agents g ON g.id = a.agent_id
                    WHERE o.health_check_interval_hours > 0
                      AND a.engine IN (\(engines.map { _ in "?" }.joined(separator: ", ")))
                      AND g.revoked_at IS NULL AND g.last_seen_at >= ?
                      AND NOT EXISTS (SELECT 1 FROM health_runs r WHERE r.asset_id = a.id
                                      AND (r.created_at > ? - o.health_check_interval_hours * 3600.0 OR r.status IN (\(Self.openList))))
                    ORDER BY a.created_at
                    """,
                arguments: StatementArguments(engines.map(\.rawValue)) + [now.unixTime - agentFreshness, now.unixTime]
            ).map { (orgID: $0["org_id"], assetID: $0["id"]) }
        }
    }

    /// Whether the asset is bound to an agent (not revoked) seen since `since`.
    public func agentConnected(orgID: String, assetID: String, since: Date) throws -> Bool {
        try db.writer.read { db in
            try Bool.fetchOne(
                db,
                sql: """
                    SELECT EXISTS(SELECT 1 FROM assets a JOIN agents g ON g.id = a.agent_id
                    WHERE a.org_id = ? AND a.id = ? AND g.revoked_at IS NULL AND g.last_seen_at >= ?)
                    """,
                arguments: [orgID, assetID, since.unixTime]) ?? false
        }
    }

    // MARK: - Schedule setting

    /// Hours between scheduled checks of each asset of the organisation (0 = none).
    public func interval(orgID: String) throws -> Int {
        try db.writer.read { db in
            guard let hours = try Int.fetchOne(db, sql: "SELECT health_check_interval_hours FROM organizations WHERE id = ?", arguments: [orgID])
            else { throw StorageError.notFound }
            return hours
        }
    }

    public func setInterval(orgID: String, hours: Int) throws {
        try db.writer.write { db in
            try db.execute(sql: "UPDATE organizations SET health_check_interval_hours = ? WHERE id = ?", arguments: [hours, orgID])
            guard db.changesCount == 1 else { throw StorageError.notFound }
        }
    }

    // MARK: - Report inputs

    /// Tiers with a snapshot of the asset stored after `watermark` (a `snapshots.id`) and
    /// collected at or after `collectedSince`.
    public func tiersStored(orgID: String, assetID: String, after watermark: Int64, collectedSince: Date) throws -> Set<Tier> {
        try db.writer.read { db in
            Set(try String.fetchAll(
                db, sql: "SELECT DISTINCT tier FROM snapshots WHERE org_id = ? AND asset_id = ? AND id > ? AND collected_at >= ?",
                arguments: [orgID, assetID, watermark, collectedSince.unixTime]
            ).compactMap(Tier.init(rawValue:)))
        }
    }

    /// The highest snapshot id stored so far (0 when none): the freshness watermark of a run.
    public func snapshotWatermark() throws -> Int64 {
        try db.writer.read { db in try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(id), 0) FROM snapshots") ?? 0 }
    }

    /// The latest snapshot of every signal of the asset.
    public func latestSnapshots(orgID: String, assetID: String) throws -> [StoredSnapshot] {
        try db.writer.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM snapshots WHERE org_id = ? AND id IN (\(SnapshotSQL.latestIDPerSignal)) ORDER BY signal
                    """,
                arguments: [orgID, assetID, assetID, assetID]
            ).map(StoredSnapshot.init)
        }
    }

    /// The oldest ok snapshot of every signal of the asset collected at or after `since`, when
    /// that is an earlier snapshot than the signal's latest (a baseline to measure growth from;
    /// the latest itself is not read twice).
    /// `signals` limits the result to those signals (nil: every signal).
    public func baselineSnapshots(orgID: String, assetID: String, since: Date, signals: Set<String>? = nil) throws -> [StoredSnapshot] {
        if let signals, signals.isEmpty { return [] }
        let only = signals.map { " AND signal IN (" + SQLText.placeholders($0.count) + ")" } ?? ""
        var arguments: [(any DatabaseValueConvertible)?] = [orgID, assetID, since.unixTime]
        arguments += (signals?.sorted() ?? []).map { $0 }
        arguments += [assetID, assetID, assetID]
        return try db.writer.read { db in
            // SQLite returns the row holding MIN() for the bare column `id`.
            try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM snapshots WHERE id IN
                    (SELECT id FROM (SELECT id, MIN(collected_at) FROM snapshots
                     WHERE org_id = ? AND asset_id = ? AND collected_at >= ? AND status = 'ok'\(only) GROUP BY signal))
                    AND id NOT IN (\(SnapshotSQL.latestIDPerSignal))
                    """,
                arguments: StatementArguments(arguments)
            ).map(StoredSnapshot.init)
        }
    }

    /// Raw points of `metric` and all its tagged variants (`metric{...}`) in a time range,
    /// oldest first, as (variant key, time, value); counters' values are per-second rates.
    public func seriesVariants(orgID: String, assetID: String, metric: String, from: Date, to: Date) throws
        -> [(metric: String, time: Date, value: Double)]
    {
        try db.writer.read { db in
            guard try Bool.fetchOne(db, sql: "SELECT EXISTS(SELECT 1 FROM assets WHERE id = ? AND org_id = ?)", arguments: [assetID, orgID]) == true
            else { return [] }
            // "metric{" ..< "metric|" covers exactly the tagged variants ('|' follows '{' in ASCII),
            // and uses the primary key; LIKE would treat the '_' in metric names as a wildcard.
            return try Row.fetchAll(
                db,
                sql: """
                    SELECT s.metric, p.ts, p.value FROM series s JOIN points_raw p ON p.series_id = s.id
                    WHERE s.asset_id = ? AND s.metric >= ? AND s.metric < ? AND (s.metric = ? OR s.metric >= ?) AND p.ts BETWEEN ? AND ?
                    ORDER BY p.ts
                    """,
                arguments: [assetID, metric, metric + "|", metric, metric + "{", from.unixTime, to.unixTime]
            ).map { (metric: $0["metric"], time: Date(timeIntervalSince1970: $0["ts"]), value: $0["value"]) }
        }
    }

    // MARK: - Helpers

    /// Every column except the report (lists and the runner loop do not need it).
    static let summaryColumns = """
        id, org_id, asset_id, status, trigger, requested_by, command_id, created_at, started_at, snapshot_watermark, finished_at,
        deadline_at, message, overall_score, result, attention_count, critical_count, catalogue_version
        """

    static func withReport(_ row: Row) throws -> HealthRunRecord {
        let report = try (row["report_json"] as String?).map { try HealthCoding.decoder().decode(HealthReport.self, from: Data($0.utf8)) }
        return HealthRunRecord(row: row, report: report)
    }
}
