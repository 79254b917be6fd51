import Foundation
import LogstagCore
import LogstagStorage

/// The object inventory of one PostgreSQL database, or of one schema in it (reference 2.3
/// "Schema tab" and 2.6 "Overview"): count tiles, total size, the size treemap and the objects
/// table, all from the latest schema-tier snapshots (`pg_tables`, `pg_indexes`, `pg_views`,
/// `pg_functions`, `pg_sequences`). Shared by the Schema Explorer and the Database Explorer.
///
/// Contract: sizes are the latest per-object sizes (a table counts its heap and TOAST, its
/// indexes are objects of their own, so nothing is counted twice); `total_bytes` is their sum
/// and may differ from `pg_database_size()`. The treemap groups objects by type, omits zero-size
/// objects and rolls objects under 0.25 % of their group into "Other" (`TreemapLayout`). Objects
/// are sorted largest first (objects without a size last, then by name). A table with rows whose
/// statistics were last analysed more than 90 days before the snapshot, or never, is marked stale.
/// At most `objectLimit` objects are listed (`objects_total` tells how many there are).
struct SchemaInventory {
    let services: AppServices
    let scope: ExplorerScope

    init(services: AppServices, scope: ExplorerScope) {
        self.services = services
        self.scope = scope
    }

    static let staleStatisticsAge: TimeInterval = 90 * 86_400
    static let objectLimit = 1000
    /// The treemap's layout canvas; the page draws it at this size and the API returns its coordinates.
    static let treemapWidth = 960.0
    static let treemapHeight = 360.0
    /// The signals the inventory reads, with the object type they list.
    static let signals = ["pg_tables", "pg_indexes", "pg_views", "pg_functions", "pg_sequences"]

    /// One listed object before it becomes JSON.
    struct Object {
        var name: String
        var type: String
        var group: String
        var schema: String
        var status: String
        var stale: Bool
        var rows: Double?
        var size: Double?
        var lastAnalyzed: Date?
    }

    func overview(asset: Asset, database: String, schema: String?) throws -> [String: Any] {
        var latest: [String: LatestSignal] = [:]
        for signal in Self.signals {
            if let snapshot = try services.explorer.latest(orgID: scope.orgID, assetIDs: [asset.id], signal: signal)[asset.id] {
                latest[signal] = snapshot
            }
        }
        func rows(_ signal: String) -> [[String: JSONValue]] {
            guard let snapshot = latest[signal], snapshot.status == .ok else { return [] }
            return snapshot.rows.filter { row in
                row["tag_database"]?.stringValue == database && (schema == nil || row["tag_schema"]?.stringValue == schema)
            }
        }
        let tables = latest["pg_tables"]
        let objects = Self.objects(
            tables: rows("pg_tables"), indexes: rows("pg_indexes"), views: rows("pg_views"), functions: rows("pg_functions"),
            sequences: rows("pg_sequences"), now: tables?.collectedAt ?? scope.now)
        let counts: [String: Int] = [
            "tables": objects.count { $0.group == "Tables" }, "indexes": objects.count { $0.group == "Indexes" },
            "views": objects.count { $0.group == "Views" }, "functions": objects.count { $0.group == "Functions" },
            "sequences": objects.count { $0.group == "Sequences" },
        ]
        let sized = objects.compactMap { object in object.size.map { (object, $0) } }
        let items = sized.map { object, size in
            TreemapItem(id: object.group + ":" + object.schema + "." + object.name, label: object.name, group: object.group, value: size)
        }
        let tiles = TreemapLayout.layout(items, width: Self.treemapWidth, height: Self.treemapHeight)
        var json: [String: Any] = [
            "asset_id": asset.id, "instance": asset.name, "database": database, "schema": schema ?? NSNull(),
            "collected_at": tables.map { WireDate.format($0.collectedAt) } ?? NSNull(),
            "counts": counts, "total_bytes": sized.reduce(0) { $0 + $1.1 },
            "objects_total": objects.count, "stale_statistics": objects.count(where: \.stale),
        ]
        json["treemap"] = [
            "width": Self.treemapWidth, "height": Self.treemapHeight,
            "tiles": tiles.map { tile -> [String: Any] in
                [
                    "id": tile.id, "label": tile.label, "group": tile.group, "value": tile.value, "is_other": tile.isOther,
                    "count": tile.count, "x": tile.x, "y": tile.y, "width": tile.width, "height": tile.height,
                ]
            },
        ] as [String: Any]
        json["objects"] = objects.prefix(Self.objectLimit).map(Self.objectJSON)
        json["no_data_reason"] = Self.noDataReason(tables) ?? NSNull()
        return json
    }

    /// Why there is no inventory (nil when the tables snapshot arrived fine).
    static func noDataReason(_ tables: LatestSignal?) -> String? {
        guard let tables else {
            return "The schema inventory is collected on the agent's schema tier (every 4 hours by default); the first snapshot has not arrived yet."
        }
        guard tables.status == .ok else {
            let reason = tables.reason.map { " (\($0.rawValue))" } ?? ""
            return "The agent could not collect the table inventory\(reason)" + (tables.message.map { ": \($0)" } ?? ".")
        }
        return nil
    }

    static func objects(
        tables: [[String: JSONValue]], indexes: [[String: JSONValue]], views: [[String: JSONValue]],
        functions: [[String: JSONValue]], sequences: [[String: JSONValue]], now: Date
    ) -> [Object] {
        var objects: [Object] = []
        for row in tables {
            guard let name = row["tag_table"]?.stringValue else { continue }
            let rowCount = row["rows_estimate"]?.doubleValue ?? row["n_live_tup"]?.doubleValue
            let analyzed = [row["last_analyze"], row["last_autoanalyze"]].compactMap { $0?.stringValue.flatMap(WireDate.parse) }.max()
            let hasRows = (rowCount ?? 0) > 0 || (row["n_live_tup"]?.doubleValue ?? 0) > 0
            let stale = hasRows && (analyzed.map { now.timeIntervalSince($0) > staleStatisticsAge } ?? true)
            objects.append(Object(
                name: name, type: row["table_type"]?.stringValue == "partitioned" ? "Partitioned table" : "Table", group: "Tables",
                schema: row["tag_schema"]?.stringValue ?? "", status: stale ? "Stale statistics" : "OK", stale: stale,
                rows: rowCount, size: tableSize(row), lastAnalyzed: analyzed))
        }
        for row in indexes {
            guard let name = row["tag_index"]?.stringValue else { continue }
            let invalid = row["valid"] == .bool(false)
            objects.append(Object(
                name: name, type: "Index", group: "Indexes", schema: row["tag_schema"]?.stringValue ?? "",
                status: invalid ? "Invalid" : "OK", stale: false, rows: nil, size: row["size_bytes"]?.doubleValue, lastAnalyzed: nil))
        }
        for row in views {
            guard let name = row["tag_view"]?.stringValue else { continue }
            let materialized = row["materialized"] == .bool(true)
            objects.append(Object(
                name: name, type: materialized ? "Materialized view" : "View", group: "Views", schema: row["tag_schema"]?.stringValue ?? "",
                status: materialized && row["populated"] == .bool(false) ? "Not populated" : "OK", stale: false, rows: nil, size: nil,
                lastAnalyzed: nil))
        }
        for row in functions {
            guard let name = row["tag_function"]?.stringValue else { continue }
            let kind = row["kind"]?.stringValue ?? "function"
            objects.append(Object(
                name: name + "(" + (row["arguments"]?.stringValue ?? "") + ")", type: kind.prefix(1).uppercased() + kind.dropFirst(),
                group: "Functions", schema: row["tag_schema"]?.stringValue ?? "", status: "OK", stale: false, rows: nil, size: nil,
                lastAnalyzed: nil))
        }
        for row in sequences {
            guard let name = row["tag_sequence"]?.stringValue else { continue }
            objects.append(Object(
                name: name, type: "Sequence", group: "Sequences", schema: row["tag_schema"]?.stringValue ?? "", status: "OK", stale: false,
                rows: nil, size: nil, lastAnalyzed: nil))
        }
        return objects.sorted { left, right in
            switch (left.size, right.size) {
            case (let l?, let r?) where l != r: return l > r
            case (.some, nil): return true
            case (nil, .some): return false
            default: return (left.schema, left.name, left.type) < (right.schema, right.name, right.type)
            }
        }
    }

    /// Heap plus TOAST: the total size without the indexes, which are listed on their own.
    static func tableSize(_ row: [String: JSONValue]) -> Double? {
        if let total = row["total_bytes"]?.doubleValue, let indexes = row["index_bytes"]?.doubleValue { return max(total - indexes, 0) }
        guard let table = row["table_bytes"]?.doubleValue else { return nil }
        return table + (row["toast_bytes"]?.doubleValue ?? 0)
    }

    static func objectJSON(_ object: Object) -> [String: Any] {
        [
            "name": object.name, "type": object.type, "group": object.group, "schema": object.schema, "status": object.status,
            "stale_statistics": object.stale, "rows": object.rows ?? NSNull(), "size_bytes": object.size ?? NSNull(),
            "last_analyzed": object.lastAnalyzed.map(WireDate.format) ?? NSNull(),
        ]
    }
}
