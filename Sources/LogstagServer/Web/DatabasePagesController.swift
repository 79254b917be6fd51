import Foundation
import Hummingbird
import LogstagCore
import LogstagStorage

/// Pages of the Database Explorer (`/databases`, `/databases/{assetId}/{database}`) and the
/// Overview dashboard (`/overview`), rendered from the same dictionaries as their API twins.
///
/// Contract: anonymous visitors are redirected to /login; the detail of an instance or database
/// the organisation does not have is the 404 page; numbers are formatted with `UnitFormat`; a
/// missing value is "—", never 0.
struct DatabasePagesController {
    let services: AppServices

    func register(on router: Router<AppRequestContext>) {
        router.get("databases", use: list)
        router.get("databases/{assetId}/{database}", use: detail)
        router.get("overview", use: overview)
    }

    static func text(_ value: Any?, unit: String) -> String {
        guard let number = value as? Double ?? (value as? Int).map(Double.init) else { return "—" }
        return UnitFormat.format(number, unit: unit)
    }

    static func detailPath(assetID: String, database: String) -> String {
        "/databases/\(encode(assetID))/\(encode(database))"
    }

    // MARK: - List

    func list(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard case (let identity, var fields)? = try PageContext.signedIn(context, services: services, title: "Databases", active: "databases") else { return .redirect("/login") }
        let scope = try ExplorerScope.parse(request, identity: identity, services: services)
        let options = try DatabaseExplorer.options(ExplorerAPIController.parameters(request))
        var list = try DatabaseExplorer(services: services, scope: scope).list(options)
        let items = (list["items"] as? [[String: Any]] ?? []).map { item -> [String: Any] in
            var row = item
            let online = item["status"] as? String == "online"
            row["statusLabel"] = online ? "Online" : "Offline"
            row["statusClass"] = online ? "connected" : "disconnected"
            row["sizeText"] = Self.text(item["size_bytes"], unit: "bytes")
            row["objectsText"] = Self.text(item["objects"], unit: "count")
            row["connectionsText"] = Self.text(item["connections"], unit: "count")
            row["throughputText"] = (item["throughput"] as? Double).map { UnitFormat.format($0, unit: "count") + " " + (item["throughput_unit"] as? String ?? "") } ?? "—"
            let problems = item["problems"] as? [String: Any] ?? [:]
            row["checked"] = problems["critical"] is Int
            row["critical"] = problems["critical"] as? Int ?? 0
            row["attention"] = problems["attention"] as? Int ?? 0
            row["href"] = Self.detailPath(assetID: item["asset_id"] as? String ?? "", database: item["database"] as? String ?? "") + "?" + scope.window.queryString
            return row
        }
        list["items"] = items
        fields["list"] = list
        fields["filters"] = scope.filterContext(path: "/databases")
        fields["search"] = options.search
        fields["isEmpty"] = items.isEmpty
        fields["isFiltered"] = !options.search.isEmpty || options.engine != nil
        fields["engines"] = [Engine.postgresql, .redis, .valkey].map { ["value": $0.rawValue, "label": $0.displayName, "selected": $0 == options.engine] }
        fields["sorts"] = DatabaseExplorer.Sort.allCases.map { ["value": $0.rawValue, "selected": $0 == options.sort] }
        fields["descending"] = options.descending
        let total = list["total"] as? Int ?? 0
        fields["pageInfo"] = total == 0 ? "" : "\(options.offset + 1)–\(options.offset + items.count) of \(total)"
        let base = "/databases?" + (scope.filterContext(path: "")["query"] as? String ?? "") + "&search=\(Self.encode(options.search))"
            + "&engine=\(options.engine?.rawValue ?? "")&sort=\(options.sort.rawValue)&order=\(options.descending ? "desc" : "asc")&limit=\(options.limit)"
        if options.offset + options.limit < total { fields["nextURL"] = base + "&offset=\(options.offset + options.limit)" }
        if options.offset > 0 { fields["prevURL"] = base + "&offset=\(max(0, options.offset - options.limit))" }
        return WebRenderer.shared.render("explorer_databases", fields)
    }

    // MARK: - Detail

    func detail(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard case (let identity, var fields)? = try PageContext.signedIn(context, services: services, title: "Database", active: "databases") else { return .redirect("/login") }
        let scope = try ExplorerScope.parse(request, identity: identity, services: services)
        let id = try context.parameters.require("assetId")
        let database = try context.parameters.require("database")
        guard let asset = scope.assets.first(where: { $0.id == id }),
              let detail = try DatabaseExplorer(services: services, scope: scope).detail(asset: asset, database: database)
        else { throw AppError.notFound("database") }
        var d = detail
        let online = detail["status"] as? String == "online"
        d["statusLabel"] = online ? "Online" : "Offline"
        d["collected_at"] = Display.wireTime(detail["collected_at"]) ?? detail["collected_at"] ?? NSNull()
        d["statusClass"] = online ? "connected" : "disconnected"
        d["tiles"] = (detail["tiles"] as? [[String: Any]] ?? []).map { tile -> [String: Any] in
            var entry = tile
            entry["valueText"] = Self.text(tile["value"], unit: tile["unit"] as? String ?? "")
            if let trend = tile["trend"] as? [String: Any] {
                entry["trendLabel"] = trend["label"]
                entry["trendClass"] = trend["verdict"]
                entry["trendArrow"] = ["up": "▲", "down": "▼"][trend["direction"] as? String ?? ""] ?? ""
            }
            return entry
        }
        fields["d"] = d
        fields["title"] = "\(database) · \(asset.name)"
        fields["showSchemaTab"] = !DatabaseExplorer.isKeyValue(asset.engine)
        // The Schema tab (`?tab=schema`): the whole database's inventory, read only when shown.
        let detailPath = Self.detailPath(assetID: asset.id, database: database)
        fields["filters"] = scope.filterContext(path: detailPath, keep: ["tab": request.uri.queryParameters.get("tab")])
        fields["overviewURL"] = detailPath + "?" + scope.window.queryString
        fields["schemaURL"] = detailPath + "?tab=schema&" + scope.window.queryString
        let schemaTab = request.uri.queryParameters.get("tab") == "schema" && !DatabaseExplorer.isKeyValue(asset.engine)
        fields["schemaTab"] = schemaTab
        if schemaTab {
            let inventory = try SchemaInventory(services: services, scope: scope).overview(asset: asset, database: database, schema: nil)
            fields["inventory"] = SchemaInventoryView.fields(inventory)
            fields["schemasURL"] = "/schemas?instance=\(Self.encode(asset.id))&" + scope.window.queryString
        }
        let bucket = detail["bucket_seconds"] as? Double ?? 60
        fields["charts"] = (detail["charts"] as? [[String: Any]] ?? []).map { Self.chartSVG($0, scope: scope, bucket: bucket) }.joined()
        let health = detail["health"] as? [String: Any] ?? [:]
        let dimensions = (health["dimensions"] as? [[String: Any]] ?? []).map {
            HealthRingDimension(name: $0["name"] as? String ?? "", weight: $0["weight"] as? Double ?? 0, score: $0["score"] as? Double)
        }
        fields["ring"] = HealthRingSVG.render(id: "database", score: health["score"] as? Double, dimensions: dimensions)
        fields["healthPending"] = health["status"] as? String != "scored"
        if let runID = health["run_id"] as? String { fields["healthURL"] = "/assets/\(Self.encode(asset.id))/health/\(Self.encode(runID))" }
        return WebRenderer.shared.render("explorer_database", fields)
    }

    /// A chart of the explorer JSON (`{id, title, unit, kind, series [{name, points [{time, value}]}]}`) as SVG.
    static func chartSVG(_ chart: [String: Any], scope: ExplorerScope, bucket: Double) -> String {
        let series = (chart["series"] as? [[String: Any]] ?? []).map { line in
            ChartSeries(name: line["name"] as? String ?? "", points: ChartSample.column(line["points"] as? [[String: Any]] ?? [], key: "value"))
        }
        let model = TimeSeriesChart(
            id: chart["id"] as? String ?? "chart", title: chart["title"] as? String ?? "", unit: chart["unit"] as? String ?? "",
            series: series, windowStart: scope.window.start, windowEnd: scope.window.end, bucket: bucket)
        return chart["kind"] as? String == "stacked" ? StackedAreaChartSVG.render(model) : TimeSeriesChartSVG.render(model)
    }

    // MARK: - Overview

    func overview(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard case (let identity, var fields)? = try PageContext.signedIn(context, services: services, title: "Overview", active: "overview") else { return .redirect("/login") }
        let scope = try ExplorerScope.parse(request, identity: identity, services: services)
        let overview = try OverviewDashboard(services: services, scope: scope).cached()
        fields["o"] = overview
        fields["filters"] = scope.filterContext(path: "/overview")
        fields["refreshSeconds"] = 60
        let instances = overview["instances"] as? [String: Any] ?? [:]
        let change = instances["vs_last_week"] as? Int ?? 0
        fields["instancesChange"] = change == 0 ? "no change vs. last week" : (change > 0 ? "+\(change)" : "\u{2212}\(-change)") + " vs. last week"
        fields["noInstances"] = (instances["count"] as? Int ?? 0) == 0
        let bucket = overview["bucket_seconds"] as? Double ?? 60
        let connections: [String: Any] = ["id": "connections", "title": "Connections", "unit": "count", "kind": "lines",
                                          "series": overview["connections_over_time"] ?? []]
        let waitBuckets = overview["waits_over_time"] as? [[String: Any]] ?? []
        let waits: [String: Any] = ["id": "waits", "title": "Waiting sessions by wait category", "unit": "count", "kind": "stacked",
                                    "series": WaitCategory.allCases.map { category in
                                        ["name": category.rawValue, "points": waitBuckets.map { ["time": $0["time"] ?? "", "value": $0[category.rawValue] ?? 0] }]
                                    }]
        let latencyBuckets = overview["latency_over_time"] as? [[String: Any]] ?? []
        let latency: [String: Any] = ["id": "latency", "title": "Query latency", "unit": "ms", "kind": "lines", "series": [
            ["name": "Average (execution-weighted)", "points": latencyBuckets.map { ["time": $0["time"] ?? "", "value": $0["average_ms"] ?? NSNull()] }],
            ["name": "Max (per-statement mean)", "points": latencyBuckets.map { ["time": $0["time"] ?? "", "value": $0["max_ms"] ?? NSNull()] }],
        ]]
        fields["charts"] = [connections, waits, latency].map { Self.chartSVG($0, scope: scope, bucket: bucket) }.joined()
        // Only set when something failed: mustache treats an empty string as true.
        let unavailable = overview["unavailable"] as? [String] ?? []
        if !unavailable.isEmpty { fields["unavailable"] = unavailable.joined(separator: ", ") }
        return WebRenderer.shared.render("overview", fields)
    }

    static func encode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
    }
}
