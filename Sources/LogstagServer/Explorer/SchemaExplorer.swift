import Foundation
import LogstagCore
import LogstagStorage

/// The Schema Explorer (PostgreSQL, reference 2.6): one row per schema per database per
/// instance, and a schema's detail with the tabs Overview (the `SchemaInventory`), Changes (the
/// records `SchemaDiff` stored at ingest) and Permissions (`PermissionMatrix` plus the grant and
/// membership history). Pages and the API read the same dictionaries.
///
/// Contract: the list and the inventory come from the latest schema-tier snapshots, whatever
/// the window; Changes and the permission history are the records detected inside the window,
/// newest first, at most `SchemaDiff.maxRecordsPerWindow` for the schema (`capped` says when
/// more exist). Change tiles count every record of the schema in the window; the type, change and
/// object filters narrow only the rows. A schema is known when the latest `pg_schemas` (or
/// `pg_tables`) snapshot lists it; otherwise `locate` throws 404.
struct SchemaExplorer {
    let services: AppServices
    let scope: ExplorerScope

    static let pageSizes = [25, 50, 100]

    enum Sort: String, CaseIterable {
        case size, schema, database, instance
    }

    struct ListOptions {
        var search = ""
        var database = ""
        var sort = Sort.size
        var descending = true
        var limit = 25
        var offset = 0
    }

    static func options(_ query: [String: String]) throws -> ListOptions {
        var options = ListOptions()
        options.search = String((query["search"] ?? "").trimmingCharacters(in: .whitespaces).prefix(200))
        options.database = String((query["database"] ?? "").prefix(200))
        if let value = try ListParameters.sort(query, as: Sort.self) {
            options.sort = value
            // Names read best A to Z, sizes largest first.
            options.descending = value == .size
        }
        if let descending = try ListParameters.descending(query) { options.descending = descending }
        if let limit = try ListParameters.limit(query) { options.limit = limit }
        if let offset = try ListParameters.offset(query) { options.offset = offset }
        return options
    }

    /// PostgreSQL instances only: the other engines have no schemas here.
    var postgres: [Asset] { scope.scoped.filter { $0.engine == .postgresql } }

    // MARK: - List

    struct SchemaRow {
        var assetID: String
        var instance: String
        var database: String
        var schema: String
        var owner: String?
        var size: Double
        var counts: [String: Int]
        var collectedAt: Date
    }

    func rows() throws -> [SchemaRow] {
        let ids = postgres.map(\.id)
        let schemas = try services.explorer.latest(orgID: scope.orgID, assetIDs: ids, signal: "pg_schemas")
        let tables = try services.explorer.latest(orgID: scope.orgID, assetIDs: ids, signal: "pg_tables")
        let indexes = try services.explorer.latest(orgID: scope.orgID, assetIDs: ids, signal: "pg_indexes")
        let sequences = try services.explorer.latest(orgID: scope.orgID, assetIDs: ids, signal: "pg_sequences")
        var result: [SchemaRow] = []
        for asset in postgres {
            guard let listed = schemas[asset.id], listed.status == .ok else { continue }
            var sizes: [String: Double] = [:]
            var sequenceCounts: [String: Int] = [:]
            func key(_ row: [String: JSONValue]) -> String {
                (row["tag_database"]?.stringValue ?? "") + "\u{0}" + (row["tag_schema"]?.stringValue ?? "")
            }
            for row in tables[asset.id].map(Self.okRows) ?? [] { sizes[key(row), default: 0] += SchemaInventory.tableSize(row) ?? 0 }
            for row in indexes[asset.id].map(Self.okRows) ?? [] { sizes[key(row), default: 0] += row["size_bytes"]?.doubleValue ?? 0 }
            for row in sequences[asset.id].map(Self.okRows) ?? [] { sequenceCounts[key(row), default: 0] += 1 }
            for row in listed.rows {
                guard let database = row["tag_database"]?.stringValue, let schema = row["tag_schema"]?.stringValue else { continue }
                let counts = ["tables", "views", "indexes", "functions"].reduce(into: ["sequences": sequenceCounts[key(row)] ?? 0]) {
                    $0[$1] = Int(row[$1]?.doubleValue ?? 0)
                }
                result.append(SchemaRow(
                    assetID: asset.id, instance: asset.name, database: database, schema: schema, owner: row["owner"]?.stringValue,
                    size: sizes[key(row)] ?? 0, counts: counts, collectedAt: listed.collectedAt))
            }
        }
        return result
    }

    static func okRows(_ snapshot: LatestSignal) -> [[String: JSONValue]] { snapshot.status == .ok ? snapshot.rows : [] }

    func list(_ options: ListOptions) throws -> [String: Any] {
        let all = try rows()
        let needle = options.search.lowercased()
        let matching = all.filter { row in
            (options.database.isEmpty || row.database == options.database)
                && (needle.isEmpty || [row.schema, row.database, row.instance].contains { $0.lowercased().contains(needle) })
        }
        let sorted = matching.sorted { left, right in
            let names = (left.instance, left.database, left.schema) < (right.instance, right.database, right.schema)
            let ordered: Bool
            switch options.sort {
            case .size: ordered = left.size != right.size ? left.size < right.size : names
            case .schema: ordered = left.schema != right.schema ? left.schema < right.schema : names
            case .database: ordered = left.database != right.database ? left.database < right.database : names
            case .instance: ordered = names
            }
            return options.descending ? !ordered : ordered
        }
        let page = sorted.dropFirst(options.offset).prefix(options.limit)
        return [
            "window": scope.windowJSON, "total": matching.count, "limit": options.limit, "offset": options.offset, "sort": options.sort.rawValue,
            "order": options.descending ? "desc" : "asc", "databases": Array(Set(all.map(\.database))).sorted(),
            "pending": postgres.filter { asset in !all.contains { $0.assetID == asset.id } }.map(\.name),
            "items": page.map { row -> [String: Any] in
                [
                    "asset_id": row.assetID, "instance": row.instance, "database": row.database, "schema": row.schema,
                    "owner": row.owner ?? NSNull(), "size_bytes": row.size, "counts": row.counts,
                    "collected_at": WireDate.format(row.collectedAt),
                ]
            },
        ]
    }

    // MARK: - Detail

    /// The asset's schemas in `database` (for the switcher), or 404 when the database or schema is unknown.
    func locate(asset: Asset, database: String, schema: String) throws -> [String] {
        var known: [String: Set<String>] = [:]
        for signal in ["pg_schemas", "pg_tables"] {
            guard let snapshot = try services.explorer.latest(orgID: scope.orgID, assetIDs: [asset.id], signal: signal)[asset.id] else { continue }
            for row in Self.okRows(snapshot) {
                if let db = row["tag_database"]?.stringValue, let name = row["tag_schema"]?.stringValue { known[db, default: []].insert(name) }
            }
        }
        guard let schemas = known[database] else { throw AppError.notFound("database \"\(database.prefix(64))\" on this instance") }
        guard schemas.contains(schema) else { throw AppError.notFound("schema \"\(schema.prefix(64))\" in database \"\(database.prefix(64))\"") }
        return schemas.sorted()
    }

    func header(asset: Asset, database: String, schema: String, schemas: [String]) -> [String: Any] {
        [
            "asset_id": asset.id, "instance": asset.name, "database": database, "schema": schema, "schemas": schemas,
            "window": scope.windowJSON,
        ]
    }

    /// The Overview tab: the schema's inventory.
    func overview(asset: Asset, database: String, schema: String) throws -> [String: Any] {
        let schemas = try locate(asset: asset, database: database, schema: schema)
        var json = header(asset: asset, database: database, schema: schema, schemas: schemas)
        json["overview"] = try SchemaInventory(services: services, scope: scope).overview(asset: asset, database: database, schema: schema)
        return json
    }

    struct ChangeFilters {
        var type: SchemaChange.ObjectType?
        var change: SchemaChange.Action?
        var search = ""
    }

    static func changeFilters(_ query: [String: String]) throws -> ChangeFilters {
        var filters = ChangeFilters()
        if let type = query["type"], !type.isEmpty {
            guard let value = SchemaChange.ObjectType(rawValue: type.lowercased()) else {
                throw AppError.badRequest(
                    "invalid_type", "type must be one of \(SchemaChange.ObjectType.allCases.map(\.rawValue).joined(separator: ", ")).")
            }
            filters.type = value
        }
        if let change = query["change"], !change.isEmpty {
            guard let value = SchemaChange.Action(rawValue: change.prefix(1).uppercased() + change.dropFirst().lowercased()) else {
                throw AppError.badRequest("invalid_change", "change must be one of Added, Modified, Removed.")
            }
            filters.change = value
        }
        filters.search = String((query["search"] ?? "").trimmingCharacters(in: .whitespaces).prefix(200))
        return filters
    }

    /// The schema's records in the window, newest first, capped; memberships (instance-wide) when asked.
    func records(asset: Asset, database: String, schema: String, includeMemberships: Bool) throws -> (records: [SchemaChange], capped: Bool) {
        let cap = SchemaDiff.maxRecordsPerWindow
        // One more than the cap tells whether it was reached; another schema's churn counts for nothing.
        let mine = try services.explorer.schemaChanges(
            orgID: scope.orgID, assetID: asset.id, from: scope.window.start, to: scope.window.end,
            schema: (database, schema), includeMemberships: includeMemberships, limit: cap + 1)
        return (Array(mine.prefix(cap)), mine.count > cap)
    }

    /// The Changes tab: window tiles, filtered rows with their property diffs.
    func changes(asset: Asset, database: String, schema: String, filters: ChangeFilters) throws -> [String: Any] {
        let schemas = try locate(asset: asset, database: database, schema: schema)
        let (records, capped) = try records(asset: asset, database: database, schema: schema, includeMemberships: false)
        let needle = filters.search.lowercased()
        let rows = records.filter { change in
            (filters.type == nil || change.objectType == filters.type) && (filters.change == nil || change.action == filters.change)
                && (needle.isEmpty || change.object.lowercased().contains(needle))
        }
        var json = header(asset: asset, database: database, schema: schema, schemas: schemas)
        json["tiles"] = [
            "total": records.count, "added": records.count { $0.action == .added },
            "modified": records.count { $0.action == .modified }, "removed": records.count { $0.action == .removed },
        ]
        json["capped"] = capped
        json["cap"] = SchemaDiff.maxRecordsPerWindow
        json["filters"] = [
            "type": filters.type?.rawValue ?? NSNull(), "change": filters.change?.rawValue ?? NSNull(), "search": filters.search,
        ] as [String: Any]
        json["types"] = SchemaChange.ObjectType.allCases.filter { $0 != .membership }.map(\.rawValue)
        json["items"] = rows.map(Self.changeJSON)
        return json
    }

    static func changeJSON(_ change: SchemaChange) -> [String: Any] {
        [
            "timestamp": WireDate.format(change.detectedAt), "object": change.object, "type": change.objectType.rawValue,
            "change": change.action.rawValue, "user": change.user ?? NSNull(), "description": change.description,
            "properties": change.properties.map { ["property": $0.property, "old": $0.old ?? NSNull(), "new": $0.new ?? NSNull()] as [String: Any] },
        ]
    }

    static let historyActions = ["Grant", "Revoke", "Add member", "Remove member"]

    /// The Permissions tab: tiles, matrix, optional principal detail and the permission history.
    func permissions(asset: Asset, database: String, schema: String, principal: String?, action: String?, changedBy: String?) throws -> [String: Any] {
        if let action, !action.isEmpty, !Self.historyActions.contains(action) {
            throw AppError.badRequest("invalid_action", "action must be one of \(Self.historyActions.joined(separator: ", ")).")
        }
        let schemas = try locate(asset: asset, database: database, schema: schema)
        let privileges = try services.explorer.latest(orgID: scope.orgID, assetIDs: [asset.id], signal: "pg_privileges")[asset.id]
        let roles = try services.explorer.latest(orgID: scope.orgID, assetIDs: [asset.id], signal: "pg_roles")[asset.id]
        let privilegeRows = privileges.map(Self.okRows) ?? []
        let roleRows = roles.map(Self.okRows) ?? []
        let matrix = PermissionMatrix.build(schema: schema, database: database, privileges: privilegeRows, roles: roleRows)
        var json = header(asset: asset, database: database, schema: schema, schemas: schemas)
        json["collected_at"] = privileges.map { WireDate.format($0.collectedAt) } ?? NSNull()
        json["no_data_reason"] = Self.permissionsNoData(privileges) ?? NSNull()
        json["tiles"] = ["users": matrix.users, "roles": matrix.roles, "full_access": matrix.fullAccess, "read_only": matrix.readOnly]
        json["matrix"] = matrix.rows.map { row -> [String: Any] in
            [
                "principal": row.principal, "type": row.type.rawValue, "select": row.select, "insert": row.insert, "update": row.update,
                "delete": row.delete, "truncate": row.truncate, "execute": row.execute, "objects": row.objects, "access": row.access.rawValue,
            ]
        }
        if let principal, !principal.isEmpty {
            let knownRole = roleRows.contains { $0["tag_role"]?.stringValue == principal }
            guard knownRole || matrix.rows.contains(where: { $0.principal == principal }) else { throw AppError.notFound("principal") }
            let grants = PermissionMatrix.grants(principal: principal, schema: schema, database: database, privileges: privilegeRows)
            json["principal"] = [
                "name": principal, "type": matrix.rows.first { $0.principal == principal }?.type.rawValue ?? (Self.canLogin(principal, roleRows) ? "User" : "Role"),
                "memberships": PermissionMatrix.memberships(principal: principal, roles: roleRows),
                "grants": grants.map { grant -> [String: Any] in
                    [
                        "object": grant.object, "object_type": grant.objectType, "privilege": grant.privilege,
                        "grantor": grant.grantor ?? NSNull(), "grantable": grant.grantable,
                    ]
                },
            ] as [String: Any]
        } else {
            json["principal"] = NSNull()
        }
        let (records, capped) = try records(asset: asset, database: database, schema: schema, includeMemberships: true)
        let history = records.filter { $0.permissionAction != nil }
        let rows = history.filter { change in
            (action.map { $0.isEmpty || change.permissionAction == $0 } ?? true)
                && (changedBy.map { $0.isEmpty || change.user == $0 } ?? true)
        }
        json["history_capped"] = capped
        json["history_total"] = history.count
        json["actions"] = Self.historyActions
        json["history"] = rows.map { change -> [String: Any] in
            [
                "timestamp": WireDate.format(change.detectedAt), "principal": change.principal ?? NSNull(),
                "action": change.permissionAction ?? "", "object": change.object, "description": change.description,
                "changed_by": change.user ?? NSNull(),
            ]
        }
        return json
    }

    static func canLogin(_ principal: String, _ roles: [[String: JSONValue]]) -> Bool {
        guard let row = roles.first(where: { $0["tag_role"]?.stringValue == principal }) else { return false }
        return row["rolcanlogin"] == .bool(true)
    }

    static func permissionsNoData(_ privileges: LatestSignal?) -> String? {
        guard let privileges else {
            return "Grants are collected on the agent's schema tier (every 4 hours by default); the first snapshot has not arrived yet."
        }
        guard privileges.status == .ok else {
            return "The agent could not collect grants" + (privileges.message.map { ": \($0)" } ?? ".")
        }
        return nil
    }
}
