import Foundation
import GRDB
import LogstagCore

/// The latest snapshot of one signal of one asset, decoded.
public struct LatestSignal: Sendable {
    public let assetID: String
    public let collectedAt: Date
    public let status: SignalStatus
    public let reason: UnavailableReason?
    public let message: String?
    public let rows: [[String: JSONValue]]
}

/// Snapshot reads and schema changes for the explorers, always scoped to an organisation.
public struct ExplorerStore: Sendable {
    let db: AppDatabase

    public init(_ db: AppDatabase) { self.db = db }

    /// The id of each asset's latest snapshot of `signal` (latest collection, then latest stored):
    /// one index seek per asset, however many snapshots the raw retention holds.
    static func latestIDs(marks: String) -> String {
        """
        SELECT (SELECT x.id FROM snapshots x WHERE x.asset_id = a.id AND x.signal = ? ORDER BY x.collected_at DESC, x.id DESC LIMIT 1)
        FROM assets a WHERE a.org_id = ? AND a.id IN (\(marks))
        """
    }

    /// The latest snapshot of `signal` for each of `assetIDs` that has one.
    public func latest(orgID: String, assetIDs: [String], signal: String) throws -> [String: LatestSignal] {
        guard !assetIDs.isEmpty else { return [:] }
        let marks = SQLText.placeholders(assetIDs.count)
        let decoder = WireCoding.decoder()
        return try db.writer.read { db in
            var result: [String: LatestSignal] = [:]
            let rows = try Row.fetchAll(db, sql: """
                SELECT * FROM snapshots WHERE id IN (\(Self.latestIDs(marks: marks)))
                """, arguments: StatementArguments([signal, orgID] + assetIDs))
            for row in rows {
                let json: String? = row["rows_json"]
                let decoded = try json.map { try decoder.decode([[String: JSONValue]].self, from: Data($0.utf8)) } ?? []
                let asset: String = row["asset_id"]
                result[asset] = LatestSignal(
                    assetID: asset, collectedAt: Date(timeIntervalSince1970: row["collected_at"]),
                    status: SignalStatus(rawValue: row["status"]) ?? .unavailable, reason: (row["reason"] as String?).flatMap(UnavailableReason.init),
                    message: row["message"], rows: decoded)
            }
            return result
        }
    }

    /// Rows of each asset's latest `signal` snapshot counted per value of `tag` (e.g. tables per
    /// `tag_database`), counted by SQLite's JSON functions instead of decoding every row: an
    /// inventory snapshot can hold thousands. Assets whose latest snapshot is not ok are absent.
    public func rowCounts(orgID: String, assetIDs: [String], signal: String, tag: String) throws -> [String: [String: Int]] {
        guard !assetIDs.isEmpty else { return [:] }
        let marks = SQLText.placeholders(assetIDs.count)
        return try db.writer.read { db in
            var result: [String: [String: Int]] = [:]
            let snapshots = try Row.fetchAll(db, sql: """
                SELECT id, asset_id FROM snapshots WHERE id IN (\(Self.latestIDs(marks: marks))) AND status = 'ok'
                """, arguments: StatementArguments([signal, orgID] + assetIDs))
            for snapshot in snapshots {
                let assetID: String = snapshot["asset_id"]
                var counts: [String: Int] = [:]
                for row in try Row.fetchAll(db, sql: """
                    SELECT json_extract(j.value, '$.' || ?) AS value, COUNT(*) AS count
                    FROM snapshots s, json_each(s.rows_json) j WHERE s.id = ? GROUP BY 1
                    """, arguments: [tag, snapshot["id"] as Int64]) {
                    if let value = row["value"] as String? { counts[value] = row["count"] }
                }
                result[assetID] = counts
            }
            return result
        }
    }

    /// Schema changes of an asset in a window, newest first, at most `limit` (the window cap).
    /// `schema`: only that database's schema (plus role membership changes, which are instance-wide,
    /// when `includeMemberships`); nil: every change of the asset. Newest first, at most `limit`.
    public func schemaChanges(
        orgID: String, assetID: String, from: Date, to: Date, schema: (database: String, name: String)? = nil, includeMemberships: Bool = false,
        limit: Int = SchemaDiff.maxRecordsPerWindow
    ) throws -> [SchemaChange] {
        var filter = ""
        var arguments: [any DatabaseValueConvertible] = [orgID, assetID, from.timeIntervalSince1970, to.timeIntervalSince1970]
        if let schema {
            filter = " AND ((database_name = ? AND schema_name = ?) OR (? AND object_type = 'membership'))"
            arguments += [schema.database, schema.name, includeMemberships]
        }
        arguments.append(limit)
        return try db.writer.read { db in
            try Row.fetchAll(db, sql: """
                SELECT * FROM schema_changes WHERE org_id = ? AND asset_id = ? AND detected_at >= ? AND detected_at <= ?\(filter)
                ORDER BY detected_at DESC, id LIMIT ?
                """, arguments: StatementArguments(arguments)
            ).map { row in
                let properties = (try? JSONDecoder().decode([SchemaChange.PropertyChange].self, from: Data((row["properties"] as String).utf8))) ?? []
                return SchemaChange(
                    detectedAt: Date(timeIntervalSince1970: row["detected_at"]), database: row["database_name"], schema: row["schema_name"],
                    objectType: SchemaChange.ObjectType(rawValue: row["object_type"]) ?? .table, object: row["object"],
                    action: SchemaChange.Action(rawValue: row["action"]) ?? .modified, user: row["user_name"], description: row["description"],
                    properties: properties)
            }
        }
    }

    /// Diffs the schema signals of an incoming payload against the asset's latest stored ones and
    /// records the changes (called by ingest before the new snapshots are stored).
    static func recordSchemaChanges(orgID: String, payload: TargetPayload, _ db: Database) throws {
        let watched = Set(SchemaDiff.signals)
        var current: [String: [[String: JSONValue]]] = [:]
        for signal in payload.signals where watched.contains(signal.name) && signal.status == .ok { current[signal.name] = signal.rows }
        guard !current.isEmpty else { return }
        let decoder = WireCoding.decoder()
        var previous: [String: [[String: JSONValue]]] = [:]
        let marks = SQLText.placeholders(current.count)
        let rows = try Row.fetchAll(db, sql: """
            SELECT signal, rows_json FROM snapshots WHERE id IN (
                SELECT MAX(id) FROM snapshots WHERE asset_id = ? AND status = 'ok' AND signal IN (\(marks)) GROUP BY signal)
            """, arguments: StatementArguments([payload.assetID] + Array(current.keys)))
        for row in rows {
            guard let json = row["rows_json"] as String? else { continue }
            previous[row["signal"]] = try decoder.decode([[String: JSONValue]].self, from: Data(json.utf8))
        }
        guard !previous.isEmpty else { return }
        let changes = SchemaDiff.changes(previous: previous, current: current, detectedAt: payload.collectedAt)
        let insert = try db.makeStatement(sql: """
            INSERT INTO schema_changes (org_id, asset_id, detected_at, database_name, schema_name, object_type, object, action, user_name, description, properties)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        for change in changes.prefix(SchemaDiff.maxRecordsPerWindow) {
            try insert.execute(arguments: [
                orgID, payload.assetID, change.detectedAt.timeIntervalSince1970, change.database, change.schema, change.objectType.rawValue,
                change.object, change.action.rawValue, change.user, change.description,
                String(decoding: try encoder.encode(change.properties), as: UTF8.self),
            ])
        }
    }
}
