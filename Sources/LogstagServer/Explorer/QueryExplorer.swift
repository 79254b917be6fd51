import Foundation
import LogstagCore
import LogstagStorage

/// The Query Explorer (PostgreSQL `pg_stat_statements`): one row per normalised statement with
/// its window totals and mean-time trend, and a statement's detail with trend charts and the
/// statistics table. Pages and the API read the same dictionaries.
///
/// Contract: every figure is a sum of counter increases inside the window (resets included,
/// never negative); mean time is execution-weighted (total time / calls); the trend compares
/// the mean with the preceding window of equal length, and rising is bad.
struct QueryExplorer {
    let services: AppServices
    let scope: ExplorerScope

    static let pageSizes = [25, 50, 100]

    struct ListOptions {
        var search = ""
        /// Column filters (exact): the statement's database and user.
        var database: String?
        var user: String?
        var sort = StatementStore.Sort.totalTime
        var descending = true
        var limit = 25
        var offset = 0
    }

    static func options(_ query: [String: String]) throws -> ListOptions {
        var options = ListOptions()
        options.search = String((query["search"] ?? "").trimmingCharacters(in: .whitespaces).prefix(200))
        for (key, path) in [("database", \ListOptions.database), ("user", \ListOptions.user)] {
            guard let value = query[key], !value.isEmpty else { continue }
            guard value.count <= 128 else { throw AppError.badRequest("invalid_\(key)", "\(key) is at most 128 characters.") }
            options[keyPath: path] = value
        }
        if let sort = try ListParameters.sort(query, as: StatementStore.Sort.self) { options.sort = sort }
        if let descending = try ListParameters.descending(query) { options.descending = descending }
        if let limit = try ListParameters.limit(query) { options.limit = limit }
        if let offset = try ListParameters.offset(query) { options.offset = offset }
        return options
    }

    /// PostgreSQL instances only: the other engines have no statements here.
    var postgresIDs: [String] { scope.scoped.filter { $0.engine == .postgresql }.map(\.id) }

    func list(_ options: ListOptions) throws -> [String: Any] {
        let page = try services.statements.list(
            orgID: scope.orgID, assetIDs: postgresIDs, from: scope.window.start, to: scope.window.end,
            rawRetainedSince: scope.rawRetainedSince, search: options.search,
            database: options.database, user: options.user, sort: options.sort, descending: options.descending,
            limit: options.limit, offset: options.offset)
        let previous = scope.window.previous
        let before = try services.statements.meanTimes(
            orgID: scope.orgID, ids: page.items.map(\.id), from: previous.start, to: previous.end,
            rawRetainedSince: scope.rawRetainedSince)
        let names = Dictionary(uniqueKeysWithValues: scope.assets.map { ($0.id, $0.name) })
        return [
            "window": scope.windowJSON, "total": page.total, "limit": options.limit, "offset": options.offset,
            "sort": options.sort.rawValue, "order": options.descending ? "desc" : "asc",
            "filters": ["search": options.search, "database": options.database as Any? ?? NSNull(), "user": options.user as Any? ?? NSNull()] as [String: Any],
            "items": page.items.map { item in
                var json = Self.summaryJSON(item, instance: names[item.assetID] ?? "")
                if let trend = MetricTrend.compare(current: item.totals.meanTime, previous: before[item.id], risingIsBad: true) {
                    json["trend"] = ["previous_mean_time_ms": trend.previous, "change": trend.change ?? NSNull(), "label": trend.label, "verdict": trend.verdict.rawValue]
                } else {
                    json["trend"] = NSNull()
                }
                return json
            },
        ]
    }

    /// nil when the statement is not one of the organisation's.
    func detail(id: Int64) throws -> [String: Any]? {
        let orgID = scope.orgID
        guard let statement = try services.statements.statement(
            orgID: orgID, id: id, from: scope.window.start, to: scope.window.end, rawRetainedSince: scope.rawRetainedSince)
        else { return nil }
        // Statements are sampled every minute: never draw buckets finer than that.
        let plan = scope.plan(rawStep: 60)
        let buckets = try services.statements.buckets(
            orgID: orgID, id: id, from: scope.window.start, to: scope.window.end, bucket: plan.bucket, rawRetainedSince: scope.rawRetainedSince)
        var json = Self.summaryJSON(statement, instance: scope.assets.first { $0.id == statement.assetID }?.name ?? "")
        let totals = statement.totals
        json["window"] = scope.windowJSON
        json["bucket_seconds"] = plan.bucket
        json["statistics"] = [
            "calls": totals.calls, "mean_time_ms": totals.meanTime ?? NSNull(), "total_time_ms": totals.totalTime,
            "min_time_ms": totals.minTime ?? NSNull(), "max_time_ms": totals.maxTime ?? NSNull(), "rows": totals.rows,
            "block_io_time_ms": totals.blockReadTime + totals.blockWriteTime,
            "block_read_time_ms": totals.blockReadTime, "block_write_time_ms": totals.blockWriteTime,
            "shared_blocks_hit": totals.sharedHit, "shared_blocks_read": totals.sharedRead, "shared_hit_ratio": totals.hitRatio ?? NSNull(),
            "shared_blocks_dirtied": totals.sharedDirtied, "shared_blocks_written": totals.sharedWritten,
            "temp_blocks_read": totals.tempRead, "temp_blocks_written": totals.tempWritten,
            "measured_at": totals.lastExecuted.map(WireDate.format) ?? NSNull(),
        ] as [String: Any]
        json["buckets"] = buckets.map { bucket -> [String: Any] in
            [
                "time": WireDate.format(bucket.time), "calls": bucket.totals.calls, "mean_time_ms": bucket.totals.meanTime ?? NSNull(),
                "rows": bucket.totals.rows, "cache_hit_ratio": bucket.totals.hitRatio ?? NSNull(),
            ]
        }
        return json
    }

    static func summaryJSON(_ item: StatementSummary, instance: String) -> [String: Any] {
        [
            "id": String(item.id), "asset_id": item.assetID, "instance": instance, "query_id": item.queryID, "database": item.database,
            "user": item.user, "toplevel": item.toplevel, "query": item.query, "calls": item.totals.calls,
            "mean_time_ms": item.totals.meanTime ?? NSNull(), "total_time_ms": item.totals.totalTime, "rows": item.totals.rows,
            "cache_hit_ratio": item.totals.hitRatio ?? NSNull(), "last_executed": item.totals.lastExecuted.map(WireDate.format) ?? NSNull(),
            "first_seen": WireDate.format(item.firstSeen),
        ]
    }
}
