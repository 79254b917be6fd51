import Foundation
import Hummingbird
import LogstagCore
import LogstagStorage

/// Explorer pages: the Query Explorer (`/queries`, `/queries/{id}`) and the Activity Explorer
/// (`/activity`, `/activity/{assetId}`), rendered from the same dictionaries as their API twins.
struct ExplorerPagesController {
    let services: AppServices

    func register(on router: Router<AppRequestContext>) {
        router.get("queries", use: queries)
        router.get("queries/{id}", use: query)
        router.get("activity", use: activityList)
        router.get("activity/{assetId}", use: activity)
    }

    func queries(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard case (let identity, var fields)? = try PageContext.signedIn(context, services: services, title: "Queries", active: "queries") else { return .redirect("/login") }
        let scope = try ExplorerScope.parse(request, identity: identity, services: services, defaultPreset: .day)
        let options = try QueryExplorer.options(ExplorerAPIController.parameters(request))
        var list = try QueryExplorer(services: services, scope: scope).list(options)
        let items = (list["items"] as? [[String: Any]] ?? []).map { item -> [String: Any] in
            var row = item
            row["meanText"] = (item["mean_time_ms"] as? Double).map { UnitFormat.format($0, unit: "ms") } ?? "—"
            row["callsText"] = UnitFormat.format(item["calls"] as? Double ?? 0, unit: "count")
            row["rowsText"] = UnitFormat.format(item["rows"] as? Double ?? 0, unit: "count")
            row["hitText"] = (item["cache_hit_ratio"] as? Double).map { String(format: "%.1f %%", $0 * 100) } ?? "—"
            row["lastText"] = Display.wireTime(item["last_executed"]) ?? "—"
            row["href"] = "/queries/\(item["id"] as? String ?? "")?" + scope.window.queryString
            if let trend = item["trend"] as? [String: Any] { row["trendLabel"] = trend["label"]; row["trendClass"] = trend["verdict"] }
            return row
        }
        list["items"] = items
        fields["list"] = list
        fields["filters"] = scope.filterContext(path: "/queries", keep: [
            "sort": options.sort.rawValue, "order": options.descending ? "desc" : "asc", "database": options.database, "user": options.user,
        ])
        fields["search"] = options.search
        fields["isEmpty"] = items.isEmpty
        fields["sorts"] = StatementStore.Sort.allCases.map { ["value": $0.rawValue, "selected": $0 == options.sort] }
        // Links keep every other choice: the window, instances, search, sort and column filters.
        let base = scope.filterContext(path: "")["query"] as? String ?? ""
        func url(_ change: (inout QueryExplorer.ListOptions) -> Void) -> String {
            var next = options
            change(&next)
            var parts = [base, "search=\(Self.encode(next.search))", "sort=\(next.sort.rawValue)", "order=\(next.descending ? "desc" : "asc")"]
            if let database = next.database { parts.append("database=\(Self.encode(database))") }
            if let user = next.user { parts.append("user=\(Self.encode(user))") }
            if next.offset > 0 { parts.append("offset=\(next.offset)") }
            return "/queries?" + parts.joined(separator: "&")
        }
        list["items"] = items.map { item -> [String: Any] in
            var row = item
            row["databaseURL"] = url { $0.database = item["database"] as? String; $0.offset = 0 }
            row["userURL"] = url { $0.user = item["user"] as? String; $0.offset = 0 }
            return row
        }
        fields["list"] = list
        var chips: [[String: String]] = []
        if let database = options.database { chips.append(["label": "Database: \(database)", "href": url { $0.database = nil; $0.offset = 0 }]) }
        if let user = options.user { chips.append(["label": "User: \(user)", "href": url { $0.user = nil; $0.offset = 0 }]) }
        fields["chips"] = chips
        fields["hasChips"] = !chips.isEmpty
        fields["database"] = options.database ?? ""
        fields["user"] = options.user ?? ""
        let total = list["total"] as? Int ?? 0
        fields["pageInfo"] = total == 0 ? "" : "\(options.offset + 1)–\(options.offset + items.count) of \(total)"
        if options.offset + options.limit < total {
            fields["nextURL"] = url { $0.offset = options.offset + options.limit }
        }
        if options.offset > 0 {
            fields["previousURL"] = url { $0.offset = max(0, options.offset - options.limit) }
        }
        return WebRenderer.shared.render("explorer_queries", fields)
    }

    func query(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard case (let identity, var fields)? = try PageContext.signedIn(context, services: services, title: "Query", active: "queries") else { return .redirect("/login") }
        let scope = try ExplorerScope.parse(request, identity: identity, services: services, defaultPreset: .day)
        guard let id = Int64(try context.parameters.require("id")),
              let detail = try QueryExplorer(services: services, scope: scope).detail(id: id)
        else { throw AppError.notFound("statement") }
        fields["q"] = detail
        fields["filters"] = scope.filterContext(path: "/queries/\(id)")
        let buckets = detail["buckets"] as? [[String: Any]] ?? []
        let bucket = detail["bucket_seconds"] as? Double ?? 60
        func chart(_ id: String, _ title: String, _ unit: String, _ key: String, scale: Double = 1) -> String {
            let samples = ChartSample.column(buckets, key: key, scale: scale)
            return TimeSeriesChartSVG.render(TimeSeriesChart(
                id: id, title: title, unit: unit, series: [ChartSeries(name: title, points: samples)],
                windowStart: scope.window.start, windowEnd: scope.window.end, bucket: bucket))
        }
        fields["charts"] = [
            chart("calls", "Calls", "count", "calls"), chart("mean", "Mean execution time", "ms", "mean_time_ms"),
            chart("rows", "Rows", "count", "rows"), chart("hit", "Cache hit", "percent", "cache_hit_ratio", scale: 100),
        ].joined()
        let stats = detail["statistics"] as? [String: Any] ?? [:]
        fields["stats"] = Self.statisticsRows(stats)
        return WebRenderer.shared.render("explorer_query", fields)
    }

    static func statisticsRows(_ stats: [String: Any]) -> [[String: String]] {
        let rows: [(String, String, String)] = [
            ("Calls in period", "calls", "count"), ("Mean time", "mean_time_ms", "ms"), ("Execution time in period", "total_time_ms", "ms"),
            ("Min time (lifetime)", "min_time_ms", "ms"), ("Max time (lifetime)", "max_time_ms", "ms"), ("Rows", "rows", "count"),
            ("Block I/O time (needs track_io_timing)", "block_io_time_ms", "ms"), ("Shared blocks hit", "shared_blocks_hit", "count"),
            ("Shared blocks read", "shared_blocks_read", "count"), ("Shared blocks dirtied", "shared_blocks_dirtied", "count"),
            ("Shared blocks written", "shared_blocks_written", "count"), ("Temp blocks read", "temp_blocks_read", "count"),
            ("Temp blocks written", "temp_blocks_written", "count"),
        ]
        var result = rows.map { label, key, unit in
            ["label": label, "value": (stats[key] as? Double).map { UnitFormat.format($0, unit: unit) } ?? "—"]
        }
        result.insert(["label": "Hit %", "value": (stats["shared_hit_ratio"] as? Double).map { String(format: "%.2f %%", $0 * 100) } ?? "—"], at: 9)
        result.append(["label": "Measured", "value": Display.wireTime(stats["measured_at"]) ?? "—"])
        return result
    }

    func activityList(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard case (let identity, var fields)? = try PageContext.signedIn(context, services: services, title: "Activity", active: "activity") else { return .redirect("/login") }
        let scope = try ExplorerScope.parse(request, identity: identity, services: services)
        let list = try ActivityExplorer(services: services, scope: scope).list()
        fields["items"] = (list["items"] as? [[String: Any]] ?? []).map { item -> [String: Any] in
            var row = item
            row["href"] = "/activity/\(item["asset_id"] as? String ?? "")?" + scope.window.queryString
            row["collectedText"] = Display.wireTime(item["collected_at"]) ?? "—"
            return row
        }
        fields["isEmpty"] = (list["items"] as? [Any])?.isEmpty ?? true
        fields["filters"] = scope.filterContext(path: "/activity")
        fields["refreshSeconds"] = 30
        return WebRenderer.shared.render("explorer_activity", fields)
    }

    func activity(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard case (let identity, var fields)? = try PageContext.signedIn(context, services: services, title: "Activity", active: "activity") else { return .redirect("/login") }
        let scope = try ExplorerScope.parse(request, identity: identity, services: services)
        let id = try context.parameters.require("assetId")
        guard let asset = scope.assets.first(where: { $0.id == id }), asset.engine == .postgresql else { throw AppError.notFound("PostgreSQL instance") }
        let detail = try ActivityExplorer(services: services, scope: scope).detail(asset: asset)
        fields["a"] = detail
        fields["sampledText"] = Display.wireTime(detail["collected_at"]) ?? NSNull()
        fields["filters"] = scope.filterContext(path: "/activity/\(id)")
        fields["refreshSeconds"] = 30
        let longestBlock = (detail["blocking"] as? [String: Any])?["longest_block_s"] as? Double
        fields["longestBlockText"] = longestBlock.map(UnitFormat.duration) ?? "none"
        let bucket = detail["bucket_seconds"] as? Double ?? 10
        func stacked(_ key: String, _ names: [String], id: String, title: String) -> String {
            let buckets = detail[key] as? [[String: Any]] ?? []
            let series = names.map { name in
                ChartSeries(name: name, points: ChartSample.column(buckets, key: name))
            }
            return StackedAreaChartSVG.render(TimeSeriesChart(
                id: id, title: title, unit: "count", series: series, windowStart: scope.window.start, windowEnd: scope.window.end, bucket: bucket))
        }
        fields["stateChart"] = stacked("states_over_time", SessionStateCategory.allCases.map(\.rawValue), id: "states", title: "Sessions by state")
        fields["waitChart"] = stacked("waits_over_time", WaitCategory.allCases.map(\.rawValue), id: "waits", title: "Waiting sessions by wait category")
        return WebRenderer.shared.render("explorer_activity_detail", fields)
    }

    static func encode(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
    }
}
