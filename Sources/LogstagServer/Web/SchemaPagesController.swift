import Foundation
import Hummingbird
import LogstagCore
import LogstagStorage

/// Schema Explorer pages: the list (`/schemas`) and a schema's detail
/// (`/schemas/{assetId}/{database}/{schema}?tab=overview|changes|permissions`), rendered from the
/// same dictionaries as their API twins in `SchemaAPIController`.
///
/// Contract: anonymous visitors go to /login; a non-PostgreSQL or foreign asset, or an unknown
/// database or schema, is a 404 page; an unknown tab is a 400.
struct SchemaPagesController {
    let services: AppServices

    enum Tab: String, CaseIterable {
        case overview, changes, permissions

        var label: String { rawValue.prefix(1).uppercased() + rawValue.dropFirst() }
    }

    func register(on router: Router<AppRequestContext>) {
        router.get("schemas", use: list)
        router.get("schemas/{assetId}/{database}/{schema}", use: detail)
    }

    func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard case (let identity, var fields)? = try PageContext.signedIn(context, services: services, title: "Schemas", active: "schemas") else { return .redirect("/login") }
        let scope = try ExplorerScope.parse(request, identity: identity, services: services, defaultPreset: .day)
        let options = try SchemaExplorer.options(ExplorerAPIController.parameters(request))
        let explorer = SchemaExplorer(services: services, scope: scope)
        var list = try explorer.list(options)
        let items = (list["items"] as? [[String: Any]] ?? []).map { item -> [String: Any] in
            var row = item
            let counts = item["counts"] as? [String: Int] ?? [:]
            row["sizeText"] = UnitFormat.bytes(item["size_bytes"] as? Double ?? 0)
            row["countsText"] = "\(counts["tables"] ?? 0) tables · \(counts["indexes"] ?? 0) indexes · \(counts["views"] ?? 0) views · \(counts["functions"] ?? 0) functions · \(counts["sequences"] ?? 0) sequences"
            row["href"] = Self.schemaPath(item["asset_id"] as? String ?? "", item["database"] as? String ?? "", item["schema"] as? String ?? "")
                + "?" + scope.window.queryString
            return row
        }
        list["items"] = items
        fields["list"] = list
        fields["filters"] = scope.filterContext(path: "/schemas")
        fields["search"] = options.search
        fields["databases"] = (list["databases"] as? [String] ?? []).map { ["name": $0, "selected": $0 == options.database] }
        fields["sorts"] = SchemaExplorer.Sort.allCases.map { ["value": $0.rawValue, "selected": $0 == options.sort] }
        fields["isEmpty"] = items.isEmpty
        let pending = list["pending"] as? [String] ?? []
        fields["pendingText"] = pending.isEmpty ? NSNull() as Any : pending.joined(separator: ", ")
        fields["hasPostgres"] = !explorer.postgres.isEmpty
        fields["isFiltered"] = !options.search.isEmpty || !options.database.isEmpty
        let total = list["total"] as? Int ?? 0
        fields["pageInfo"] = total == 0 ? "" : "\(options.offset + 1)–\(options.offset + items.count) of \(total)"
        if options.offset + options.limit < total {
            fields["nextURL"] = "/schemas?" + (scope.filterContext(path: "")["query"] as? String ?? "")
                + "&search=\(Self.encode(options.search))&database=\(Self.encode(options.database))&sort=\(options.sort.rawValue)"
                + "&order=\(options.descending ? "desc" : "asc")&offset=\(options.offset + options.limit)"
        }
        return WebRenderer.shared.render("explorer_schemas", fields)
    }

    func detail(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard case (let identity, var fields)? = try PageContext.signedIn(context, services: services, title: "Schema", active: "schemas") else { return .redirect("/login") }
        let scope = try ExplorerScope.parse(request, identity: identity, services: services, defaultPreset: .day)
        let query = ExplorerAPIController.parameters(request)
        let tab: Tab
        if let raw = query["tab"], !raw.isEmpty {
            guard let value = Tab(rawValue: raw) else {
                throw AppError.badRequest("invalid_tab", "tab must be one of \(Tab.allCases.map(\.rawValue).joined(separator: ", ")).")
            }
            tab = value
        } else {
            tab = .overview
        }
        let target: (asset: Asset, database: String, schema: String)
        do {
            target = try SchemaAPIController.target(context, scope: scope)
        } catch let error as AppError where error.status == .unprocessableContent {
            throw AppError.notFound("PostgreSQL instance")
        }
        let (asset, database, schema) = target
        let explorer = SchemaExplorer(services: services, scope: scope)
        let path = Self.schemaPath(asset.id, database, schema)
        let detail: [String: Any]
        switch tab {
        case .overview:
            detail = try explorer.overview(asset: asset, database: database, schema: schema)
            fields["inventory"] = SchemaInventoryView.fields(detail["overview"] as? [String: Any] ?? [:])
        case .changes:
            let filters = try SchemaExplorer.changeFilters(query)
            detail = try explorer.changes(asset: asset, database: database, schema: schema, filters: filters)
            fields["changes"] = Self.changesFields(detail, filters: filters)
        case .permissions:
            detail = try explorer.permissions(
                asset: asset, database: database, schema: schema, principal: query["principal"], action: query["action"], changedBy: query["changed_by"])
            fields["permissions"] = Self.permissionsFields(detail, action: query["action"] ?? "", path: path, windowQuery: scope.window.queryString)
        }
        fields["title"] = "\(schema) · \(database)"
        fields["s"] = detail
        fields["filters"] = scope.filterContext(path: path, keep: ["tab": tab.rawValue])
        fields["tabs"] = Tab.allCases.map { candidate -> [String: Any] in
            ["label": candidate.label, "href": path + "?tab=\(candidate.rawValue)&" + scope.window.queryString, "current": candidate == tab]
        }
        fields["tab"] = tab.rawValue
        fields["switcher"] = (detail["schemas"] as? [String] ?? []).map { name -> [String: Any] in
            ["name": name, "href": Self.schemaPath(asset.id, database, name) + "?tab=\(tab.rawValue)&" + scope.window.queryString, "current": name == schema]
        }
        fields["databaseHref"] = "/schemas?instance=\(asset.id)&database=\(Self.encode(database))&" + scope.window.queryString
        return WebRenderer.shared.render("explorer_schema", fields)
    }

    static func changesFields(_ detail: [String: Any], filters: SchemaExplorer.ChangeFilters) -> [String: Any] {
        let items = (detail["items"] as? [[String: Any]] ?? []).map { item -> [String: Any] in
            var row = item
            row["changeClass"] = ["Added": "success", "Modified": "issues", "Removed": "danger"][item["change"] as? String ?? ""] ?? "neutral"
            row["userText"] = item["user"] as? String ?? "—"
            row["timestamp"] = Display.wireTime(item["timestamp"]) ?? item["timestamp"] ?? "—"
            let properties = item["properties"] as? [[String: Any]] ?? []
            row["properties"] = properties.map { property -> [String: Any] in
                ["property": property["property"] as? String ?? "", "old": property["old"] as? String ?? "—", "new": property["new"] as? String ?? "—"]
            }
            row["hasProperties"] = !properties.isEmpty
            return row
        }
        let tiles = detail["tiles"] as? [String: Int] ?? [:]
        let chosenType = filters.type?.rawValue ?? ""
        let chosenChange = filters.change?.rawValue ?? ""
        return [
            "tiles": [("Total", "total"), ("Added", "added"), ("Modified", "modified"), ("Removed", "removed")].map { label, key in
                ["label": label, "value": tiles[key] ?? 0] as [String: Any]
            },
            "items": items, "isEmpty": items.isEmpty, "windowEmpty": (tiles["total"] ?? 0) == 0,
            "capped": detail["capped"] as? Bool ?? false, "cap": UnitFormat.grouped(Double(SchemaDiff.maxRecordsPerWindow)),
            "types": (detail["types"] as? [String] ?? []).map { ["value": $0, "selected": $0 == chosenType] as [String: Any] },
            "changeKinds": ["Added", "Modified", "Removed"].map { ["value": $0, "selected": $0 == chosenChange] as [String: Any] },
            "search": filters.search,
        ]
    }

    static func permissionsFields(_ detail: [String: Any], action: String, path: String, windowQuery: String) -> [String: Any] {
        let tiles = detail["tiles"] as? [String: Int] ?? [:]
        let matrix = (detail["matrix"] as? [[String: Any]] ?? []).map { row -> [String: Any] in
            var entry = row
            entry["href"] = path + "?tab=permissions&principal=\(encode(row["principal"] as? String ?? ""))&" + windowQuery
            return entry
        }
        let history = (detail["history"] as? [[String: Any]] ?? []).map { row -> [String: Any] in
            var entry = row
            entry["changedByText"] = row["changed_by"] as? String ?? "—"
            entry["timestamp"] = Display.wireTime(row["timestamp"]) ?? row["timestamp"] ?? "—"
            entry["principalText"] = row["principal"] as? String ?? "—"
            entry["actionClass"] = ["Grant": "success", "Add member": "success", "Revoke": "danger", "Remove member": "danger"][row["action"] as? String ?? ""] ?? "neutral"
            return entry
        }
        var fields: [String: Any] = [
            "tiles": [("Users", "users"), ("Roles", "roles"), ("Full access", "full_access"), ("Read-only", "read_only")].map { label, key in
                ["label": label, "value": tiles[key] ?? 0] as [String: Any]
            },
            "matrix": matrix, "matrixEmpty": matrix.isEmpty, "history": history, "historyEmpty": history.isEmpty,
            "historyCapped": detail["history_capped"] as? Bool ?? false,
            "actions": SchemaExplorer.historyActions.map { ["value": $0, "selected": $0 == action] },
            "noDataReason": SchemaInventoryView.orNull(detail["no_data_reason"] as? String),
            "closeHref": path + "?tab=permissions&" + windowQuery,
        ]
        if let principal = detail["principal"] as? [String: Any] {
            var entry = principal
            let grants = (principal["grants"] as? [[String: Any]] ?? []).map { grant -> [String: Any] in
                var row = grant
                row["grantorText"] = grant["grantor"] as? String ?? "—"
                return row
            }
            entry["grants"] = grants
            entry["grantsEmpty"] = grants.isEmpty
            entry["membershipsText"] = SchemaInventoryView.orNull((principal["memberships"] as? [String] ?? []).joined(separator: ", "))
            fields["principal"] = entry
        } else {
            fields["principal"] = NSNull()
        }
        return fields
    }

    /// `/schemas/{assetId}/{database}/{schema}` with the names escaped as path segments.
    static func schemaPath(_ assetID: String, _ database: String, _ schema: String) -> String {
        "/schemas/\(segment(assetID))/\(segment(database))/\(segment(schema))"
    }

    static func segment(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
    }

    static func encode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
    }
}
