import Foundation
import LogstagCore
import LogstagStorage

/// The Database Explorer (reference 2.3): one row per database the agents report (PostgreSQL:
/// every database of every instance; Redis/Valkey: one row per instance, named after the logical
/// database it is configured on, e.g. `db0`), and a database's detail with trend tiles, trend
/// charts and the health ring.
///
/// Contract: the list is built from the latest snapshots of each signal (size, counters, schema
/// inventory) and the latest counter rates; a database is Online only when its instance is
/// Connected and the database is in the latest ok snapshot. Problem counts are the open findings
/// of the instance's latest completed health run (there is no alerts system yet), shared by the
/// instance's databases. Tiles compare the window with the preceding window of equal length
/// (`MetricTrend`); charts draw only buckets that hold samples (gaps stay gaps).
struct DatabaseExplorer {
    let services: AppServices
    let scope: ExplorerScope

    /// Rates older than this are not "now".
    static let rateMaxAge: TimeInterval = 5 * 60
    /// Placeholder database names PostgreSQL reports that are not databases people use.
    static let hiddenDatabases: Set<String> = ["template0", "template1", "none"]

    static func isKeyValue(_ engine: Engine) -> Bool { engine == .redis || engine == .valkey }

    // MARK: - Options

    enum Sort: String, CaseIterable {
        case database, instance, engine, status, size, objects, connections, throughput, problems
    }

    struct ListOptions {
        var search = ""
        var engine: Engine?
        var sort = Sort.database
        var descending = false
        var limit = 50
        var offset = 0
    }

    static func options(_ query: [String: String]) throws -> ListOptions {
        var options = ListOptions()
        options.search = String((query["search"] ?? "").trimmingCharacters(in: .whitespaces).prefix(200))
        if let engine = query["engine"], !engine.isEmpty {
            guard let value = Engine(rawValue: engine) else {
                throw AppError.badRequest("invalid_engine", "engine must be one of \(Engine.allCases.map(\.rawValue).joined(separator: ", ")).")
            }
            options.engine = value
        }
        if let sort = try ListParameters.sort(query, as: Sort.self) { options.sort = sort }
        if let descending = try ListParameters.descending(query) { options.descending = descending }
        if let limit = try ListParameters.limit(query) { options.limit = limit }
        if let offset = try ListParameters.offset(query) { options.offset = offset }
        return options
    }

    // MARK: - Rows

    /// One database as the list shows it.
    struct DatabaseRow {
        var asset: Asset
        var database: String
        var online: Bool
        var size: Double?
        var objects: Int?
        var connections: Double?
        var throughput: Double?
        var critical: Int?
        var attention: Int?
        var collectedAt: Date?

        var engine: Engine { asset.engine }
        var throughputUnit: String { DatabaseExplorer.isKeyValue(engine) ? "ops/s" : "tx/s" }
        var problems: Int { (critical ?? 0) + (attention ?? 0) }
    }

    /// Every database of the scoped instances, from the latest snapshots.
    func rows() throws -> [DatabaseRow] {
        let postgres = scope.scoped.filter { $0.engine == .postgresql }
        let keyValue = scope.scoped.filter { Self.isKeyValue($0.engine) }
        let runs = try services.healthRuns.latestCompleted(orgID: scope.orgID, assetIDs: scope.scopedIDs)
        var rows = try postgresRows(postgres) + keyValueRows(keyValue)
        for index in rows.indices {
            let run = runs[rows[index].asset.id]
            rows[index].critical = run.map { $0.criticalCount ?? 0 }
            rows[index].attention = run.map { $0.attentionCount ?? 0 }
        }
        return rows
    }

    /// The ok rows of the latest snapshot of `signal` per asset (nil when missing or unavailable).
    func okRows(_ latest: [String: LatestSignal], _ assetID: String) -> [[String: JSONValue]]? {
        guard let signal = latest[assetID], signal.status == .ok else { return nil }
        return signal.rows
    }

    func postgresRows(_ assets: [Asset]) throws -> [DatabaseRow] {
        guard !assets.isEmpty else { return [] }
        let ids = assets.map(\.id)
        let sizes = try services.explorer.latest(orgID: scope.orgID, assetIDs: ids, signal: "pg_database_sizes")
        let stats = try services.explorer.latest(orgID: scope.orgID, assetIDs: ids, signal: "pg_database_stats")
        let tables = try services.explorer.rowCounts(orgID: scope.orgID, assetIDs: ids, signal: "pg_tables", tag: "tag_database")
        let indexes = try services.explorer.rowCounts(orgID: scope.orgID, assetIDs: ids, signal: "pg_indexes", tag: "tag_database")
        let commits = try services.series.latest(orgID: scope.orgID, assetIDs: ids, metric: "pg_database_stats.xact_commit", at: scope.now, maxAge: Self.rateMaxAge)
        let rollbacks = try services.series.latest(orgID: scope.orgID, assetIDs: ids, metric: "pg_database_stats.xact_rollback", at: scope.now, maxAge: Self.rateMaxAge)
        var result: [DatabaseRow] = []
        for asset in assets {
            let sizeRows = okRows(sizes, asset.id) ?? []
            let statRows = okRows(stats, asset.id) ?? []
            func byDatabase(_ rows: [[String: JSONValue]]) -> [String: [String: JSONValue]] {
                Dictionary(rows.compactMap { row in row["tag_database"]?.stringValue.map { ($0, row) } }, uniquingKeysWith: { first, _ in first })
            }
            let sizeBy = byDatabase(sizeRows)
            let statBy = byDatabase(statRows)
            let names = Set(sizeBy.keys).union(statBy.keys).subtracting(Self.hiddenDatabases)
            let tableCounts = tables[asset.id] ?? [:]
            let indexCounts = indexes[asset.id] ?? [:]
            let connected = asset.status(now: scope.now) == .connected
            let collectedAt = [stats[asset.id]?.collectedAt, sizes[asset.id]?.collectedAt].compactMap { $0 }.max()
            for name in names.sorted() {
                var row = DatabaseRow(asset: asset, database: name, online: connected && statBy[name] != nil)
                row.size = sizeBy[name]?["size_bytes"]?.doubleValue
                row.connections = statBy[name]?["numbackends"]?.doubleValue
                let haveInventory = tables[asset.id] != nil || indexes[asset.id] != nil
                row.objects = haveInventory ? (tableCounts[name] ?? 0) + (indexCounts[name] ?? 0) : nil
                let rates = [commits[asset.id], rollbacks[asset.id]].compactMap { $0 }.flatMap { series in
                    series.filter { MetricKey(parsing: $0.key).tags["database"] == name }.map(\.value.1)
                }
                row.throughput = rates.isEmpty ? nil : rates.reduce(0, +)
                row.collectedAt = collectedAt
                result.append(row)
            }
        }
        return result
    }

    func keyValueRows(_ assets: [Asset]) throws -> [DatabaseRow] {
        guard !assets.isEmpty else { return [] }
        let ids = assets.map(\.id)
        let memory = try services.explorer.latest(orgID: scope.orgID, assetIDs: ids, signal: "redis_memory")
        let dbsize = try services.explorer.latest(orgID: scope.orgID, assetIDs: ids, signal: "redis_dbsize")
        let keyspace = try services.explorer.latest(orgID: scope.orgID, assetIDs: ids, signal: "redis_keyspace")
        let clients = try services.explorer.latest(orgID: scope.orgID, assetIDs: ids, signal: "redis_clients")
        let commands = try services.series.latest(orgID: scope.orgID, assetIDs: ids, metric: "redis_stats.total_commands_processed", at: scope.now, maxAge: Self.rateMaxAge)
        var result: [DatabaseRow] = []
        for asset in assets {
            let memoryRows = okRows(memory, asset.id)
            let dbsizeRows = okRows(dbsize, asset.id)
            // Nothing reported yet: the instance has no database to list.
            guard memoryRows != nil || dbsizeRows != nil || okRows(keyspace, asset.id) != nil else { continue }
            let name = Self.keyValueDatabaseName(asset: asset, dbsize: dbsizeRows)
            var row = DatabaseRow(asset: asset, database: name, online: asset.status(now: scope.now) == .connected && (dbsizeRows != nil || memoryRows != nil))
            row.size = memoryRows?.first?["used_memory"]?.doubleValue
            row.objects = Self.keyCount(dbsize: dbsizeRows, keyspace: okRows(keyspace, asset.id), database: name).map { Int($0) }
            row.connections = okRows(clients, asset.id)?.first?["connected_clients"]?.doubleValue
            row.throughput = commands[asset.id]?.values.first.map(\.1)
            row.collectedAt = [memory[asset.id]?.collectedAt, dbsize[asset.id]?.collectedAt].compactMap { $0 }.max()
            result.append(row)
        }
        return result
    }

    /// `db<N>` for the logical database the agent is configured on (DBSIZE reports it).
    static func keyValueDatabaseName(asset: Asset, dbsize: [[String: JSONValue]]?) -> String {
        let number = dbsize?.first?["tag_db"]?.stringValue ?? asset.databaseName ?? "0"
        return number.hasPrefix("db") ? number : "db" + number
    }

    /// Keys of the configured database: DBSIZE, else its INFO keyspace row (absent = no keys).
    static func keyCount(dbsize: [[String: JSONValue]]?, keyspace: [[String: JSONValue]]?, database: String) -> Double? {
        if let keys = dbsize?.first?["keys"]?.doubleValue { return keys }
        guard let keyspace else { return nil }
        return keyspace.first { $0["tag_db"]?.stringValue == database }?["keys"]?.doubleValue ?? 0
    }

    // MARK: - List

    func list(_ options: ListOptions) throws -> [String: Any] {
        var rows = try rows()
        if let engine = options.engine { rows = rows.filter { $0.engine == engine } }
        let needle = options.search.lowercased()
        if !needle.isEmpty {
            rows = rows.filter { $0.database.lowercased().contains(needle) || $0.asset.name.lowercased().contains(needle) }
        }
        rows.sort { Self.ordered($0, $1, by: options.sort, descending: options.descending) }
        let page = rows.dropFirst(options.offset).prefix(options.limit)
        return [
            "window": scope.windowJSON, "total": rows.count, "limit": options.limit, "offset": options.offset,
            "sort": options.sort.rawValue, "order": options.descending ? "desc" : "asc",
            "items": page.map(Self.rowJSON),
        ]
    }

    /// Missing values sort last in either direction; ties fall back to instance and database.
    static func ordered(_ a: DatabaseRow, _ b: DatabaseRow, by sort: Sort, descending: Bool) -> Bool {
        func text(_ row: DatabaseRow) -> String? {
            switch sort {
            case .database: row.database.lowercased()
            case .instance: row.asset.name.lowercased()
            case .engine: row.engine.rawValue
            case .status: row.online ? "online" : "offline"
            default: nil
            }
        }
        func number(_ row: DatabaseRow) -> Double? {
            switch sort {
            case .size: row.size
            case .objects: row.objects.map(Double.init)
            case .connections: row.connections
            case .throughput: row.throughput
            case .problems: row.critical == nil ? nil : Double(row.critical! * 1000 + (row.attention ?? 0))
            default: nil
            }
        }
        let tie = (a.asset.name.lowercased(), a.database.lowercased()) < (b.asset.name.lowercased(), b.database.lowercased())
        if let x = text(a), let y = text(b) {
            return x == y ? tie : (descending ? x > y : x < y)
        }
        switch (number(a), number(b)) {
        case let (x?, y?): return x == y ? tie : (descending ? x > y : x < y)
        case (nil, .some): return false
        case (.some, nil): return true
        default: return tie
        }
    }

    static func rowJSON(_ row: DatabaseRow) -> [String: Any] {
        var json: [String: Any] = ["asset_id": row.asset.id, "instance": row.asset.name, "database": row.database, "engine": row.engine.rawValue]
        json["engine_name"] = row.engine.displayName
        json["status"] = row.online ? "online" : "offline"
        json["size_bytes"] = row.size ?? NSNull()
        json["size_kind"] = isKeyValue(row.engine) ? "memory" : "database"
        json["objects"] = row.objects ?? NSNull()
        json["objects_kind"] = isKeyValue(row.engine) ? "keys" : "tables_and_indexes"
        json["connections"] = row.connections ?? NSNull()
        json["throughput"] = row.throughput ?? NSNull()
        json["throughput_unit"] = row.throughputUnit
        json["problems"] = ["critical": row.critical ?? NSNull(), "attention": row.attention ?? NSNull(), "source": "latest_health_check"] as [String: Any]
        json["collected_at"] = row.collectedAt.map(WireDate.format) ?? NSNull()
        return json
    }

    // MARK: - Detail

    /// nil when the instance reports no such database.
    func detail(asset: Asset, database: String) throws -> [String: Any]? {
        let scoped = ExplorerScope(orgID: scope.orgID, window: scope.window, assets: scope.assets, selectedIDs: [asset.id], retention: scope.retention, now: scope.now)
        let explorer = DatabaseExplorer(services: services, scope: scoped)
        guard let row = try explorer.rows().first(where: { $0.asset.id == asset.id && $0.database == database }) else { return nil }
        var json = Self.rowJSON(row)
        json["window"] = scope.windowJSON
        json["version"] = try version(asset) ?? NSNull()
        json["engine_name"] = asset.engine.displayName
        let plan = scope.plan()
        json["bucket_seconds"] = plan.bucket
        json["resolution"] = plan.resolution.rawValue
        let specs = Self.isKeyValue(asset.engine) ? DatabaseMetrics.keyValue : DatabaseMetrics.postgres(database: database)
        json["tiles"] = try specs.tiles.map { try tile($0, asset: asset, row: row) }
        var charts = try specs.charts.map { try chart($0, asset: asset, plan: plan) }
        if asset.engine == .postgresql {
            charts.insert(try latencyChart(assetIDs: [asset.id], database: database), at: 3)
        }
        json["charts"] = charts
        json["health"] = try health(asset)
        return json
    }

    /// The engine version: the latest version snapshot, else what the agent reported at enrolment.
    func version(_ asset: Asset) throws -> String? {
        let signal = asset.engine == .postgresql ? "pg_version" : "redis_server"
        let row = try services.explorer.latest(orgID: scope.orgID, assetIDs: [asset.id], signal: signal)[asset.id].flatMap { $0.status == .ok ? $0.rows.first : nil }
        let fromSnapshot = row?["server_version"]?.stringValue ?? row?["valkey_version"]?.stringValue ?? row?["redis_version"]?.stringValue
        return fromSnapshot ?? asset.version
    }

    // MARK: Tiles

    func tile(_ spec: DatabaseMetrics.Tile, asset: Asset, row: DatabaseRow) throws -> [String: Any] {
        var json: [String: Any] = ["id": spec.id, "label": spec.label, "unit": spec.unit]
        let current = try windowValue(spec.measure, asset: asset, window: scope.window)
        let now: Double? = switch spec.id {
        case "size", "memory": row.size
        case "objects", "keys": row.objects.map(Double.init)
        case "connections": row.connections
        case "throughput": row.throughput
        default: current
        }
        json["value"] = now ?? NSNull()
        let previous = try windowValue(spec.measure, asset: asset, window: scope.window.previous)
        if let trend = MetricTrend.compare(current: current, previous: previous, risingIsBad: spec.risingIsBad) {
            json["trend"] = ["current": trend.current, "previous": trend.previous, "change": trend.change ?? NSNull(), "label": trend.label,
                             "direction": trend.direction.rawValue, "verdict": trend.verdict.rawValue] as [String: Any]
        } else {
            json["trend"] = NSNull()
        }
        json["trend_basis"] = spec.measure == nil ? "none" : "window_average"
        return json
    }

    /// The window's sample-weighted mean of a measure (each counter's mean rate, summed over series).
    func windowValue(_ measure: DatabaseMetrics.Measure?, asset: Asset, window: TimeWindow) throws -> Double? {
        guard let measure else { return nil }
        // A mean needs no fine resolution: at most 24 buckets' worth picks hourly rollups from a
        // 24-hour window up (a 7-day tile then reads 168 rows per series instead of 10,080; the
        // hours counted are those starting inside the window). One bucket per series is enough
        // (sum / samples does not depend on how the points are grouped), and far fewer to fold.
        let plan = SeriesReadPlan.plan(
            windowStart: window.start, windowEnd: window.end, now: scope.now, retention: scope.retention, maxPoints: 24, rawStep: 10)
        let wholeWindow = window.end.timeIntervalSince1970.rounded(.up) + 1   // every point falls in bucket 0
        func mean(_ term: DatabaseMetrics.Term) throws -> Double? {
            let buckets = try services.series.buckets(
                orgID: scope.orgID, assetIDs: [asset.id], metric: term.metric, resolution: plan.resolution, bucket: wholeWindow,
                from: window.start, to: window.end)[asset.id] ?? [:]
            var total: Double?
            for (key, series) in buckets where term.matches(MetricKey(parsing: key)) {
                let samples = series.reduce(0) { $0 + $1.samples }
                guard samples > 0 else { continue }
                total = (total ?? 0) + series.reduce(0) { $0 + $1.average * Double($1.samples) } / Double(samples)
            }
            return total
        }
        switch measure {
        case .sum(let terms):
            let values = try terms.compactMap(mean)
            return values.isEmpty ? nil : values.reduce(0, +)
        case .ratio(let part, let other):
            guard let hits = try mean(part), let misses = try mean(other), hits + misses > 0 else { return nil }
            return hits / (hits + misses) * 100
        }
    }

    // MARK: Charts

    func chart(_ spec: DatabaseMetrics.Chart, asset: Asset, plan: SeriesReadPlan) throws -> [String: Any] {
        var series: [[String: Any]] = []
        for line in spec.lines {
            var values: [Date: Double] = [:]
            var others: [Date: Double] = [:]
            for (index, term) in line.terms.enumerated() {
                let buckets = try services.series.buckets(
                    orgID: scope.orgID, assetIDs: [asset.id], metric: term.metric, resolution: plan.resolution, bucket: plan.bucket,
                    from: scope.window.start, to: scope.window.end)[asset.id] ?? [:]
                for (key, list) in buckets where term.matches(MetricKey(parsing: key)) {
                    for bucket in list {
                        let value = spec.perBucket ? (bucket.increase ?? 0) : bucket.average
                        if line.ratio && index == 1 { others[bucket.time, default: 0] += value } else { values[bucket.time, default: 0] += value }
                    }
                }
            }
            if line.ratio {
                var ratios: [Date: Double] = [:]
                for (time, part) in values where part + (others[time] ?? 0) > 0 { ratios[time] = part / (part + (others[time] ?? 0)) * 100 }
                values = ratios
            }
            let points = values.keys.sorted().map { ["time": WireDate.format($0), "value": values[$0]!] as [String: Any] }
            series.append(["name": line.name, "points": points])
        }
        return ["id": spec.id, "title": spec.title, "unit": spec.unit, "kind": spec.stacked ? "stacked" : "lines",
                "description": spec.description ?? NSNull(), "series": series]
    }

    /// Query latency from pg_stat_statements: average = total time / calls (execution-weighted),
    /// max = the highest per-statement mean in the bucket (reference 2.1).
    func latencyChart(assetIDs: [String], database: String?) throws -> [String: Any] {
        let buckets = try LatencyBuckets(services: services, scope: scope).read(assetIDs: assetIDs, database: database)
        let average = buckets.map { ["time": WireDate.format($0.time), "value": $0.average] as [String: Any] }
        let maximum = buckets.map { ["time": WireDate.format($0.time), "value": $0.maximum] as [String: Any] }
        return ["id": "latency", "title": "Query latency", "unit": "ms", "kind": "lines",
                "description": "From pg_stat_statements: average = execution time ÷ calls; max = the slowest statement's mean in the bucket.",
                "series": [["name": "Average", "points": average], ["name": "Max (per-statement mean)", "points": maximum]]]
    }

    // MARK: Health ring

    /// The five dimensions of the latest completed health run; "pending" before any.
    func health(_ asset: Asset) throws -> [String: Any] {
        let latest = try services.healthRuns.latestCompleted(orgID: scope.orgID, assetIDs: [asset.id])[asset.id]
        let report = try latest.flatMap { try services.healthRuns.run(orgID: scope.orgID, id: $0.id)?.report }
        let tabs = Dictionary((report?.score.tabs ?? []).map { ($0.tab, $0) }, uniquingKeysWith: { first, _ in first })
        let order: [HealthTab] = [.performance, .security, .configuration, .schema, .maintenance]
        let dimensions = order.map { tab -> [String: Any] in
            let score = tabs[tab]
            return ["name": tab.rawValue, "weight": tab.weight, "score": score?.score ?? NSNull(),
                    "critical": score?.critical ?? 0, "attention": score?.attention ?? 0, "evaluated": score != nil]
        }
        guard let latest, let overall = latest.overallScore ?? report?.score.overall else {
            return ["status": "pending", "score": NSNull(), "band": "pending", "run_id": NSNull(), "checked_at": NSNull(), "dimensions": dimensions]
        }
        return ["status": "scored", "score": overall, "band": HealthBand(score: overall).rawValue, "run_id": latest.id,
                "checked_at": WireDate.format(latest.finishedAt ?? latest.createdAt), "dimensions": dimensions,
                "critical": latest.criticalCount ?? 0, "attention": latest.attentionCount ?? 0]
    }
}

/// The Database Explorer's health bands (reference 2.0): 80-100 Healthy, 60-79 Warning, 0-59 Critical.
///
/// Contract: scores are compared as given (79.9 is Warning); the ring and the API use the same bands.
enum HealthBand: String {
    case healthy, warning, critical

    init(score: Double) {
        self = score >= 80 ? .healthy : score >= 60 ? .warning : .critical
    }

    var label: String { rawValue.capitalized }
}

/// What the Database Explorer's tiles and charts read, per engine (manifest signal names).
///
/// Contract: a `Term` selects the series of one metric, restricted to one PostgreSQL database
/// (tag `database`) when given; Redis/Valkey series are instance-wide. Counter series are
/// per-second rates; a chart with `perBucket` draws each bucket's summed increase instead.
enum DatabaseMetrics {
    struct Term {
        var metric: String
        var database: String?
        func matches(_ key: MetricKey) -> Bool { database == nil || key.tags["database"] == database }
    }

    enum Measure {
        case sum([Term])
        /// part / (part + other) as a percentage (keyspace hit rate).
        case ratio(Term, Term)
    }

    struct Tile {
        var id: String
        var label: String
        var unit: String
        var risingIsBad: Bool
        var measure: Measure?
    }

    struct Line {
        var name: String
        var terms: [Term]
        var ratio = false
    }

    struct Chart {
        var id: String
        var title: String
        var unit: String
        var lines: [Line]
        var perBucket = false
        var stacked = false
        var description: String? = nil
    }

    struct Spec {
        var tiles: [Tile]
        var charts: [Chart]
    }

    static func postgres(database: String) -> Spec {
        func term(_ metric: String) -> Term { Term(metric: metric, database: database) }
        let tiles = [
            Tile(id: "size", label: "Database size", unit: "bytes", risingIsBad: false, measure: .sum([term("pg_database_sizes.size_bytes")])),
            Tile(id: "objects", label: "Objects (tables + indexes)", unit: "count", risingIsBad: false, measure: nil),
            Tile(id: "connections", label: "Connections", unit: "count", risingIsBad: false, measure: .sum([term("pg_database_stats.numbackends")])),
            Tile(id: "throughput", label: "Transactions/s", unit: "per_second", risingIsBad: false,
                 measure: .sum([term("pg_database_stats.xact_commit"), term("pg_database_stats.xact_rollback")])),
        ]
        var charts = [
            Chart(id: "size", title: "Database size", unit: "bytes", lines: [Line(name: "Size", terms: [term("pg_database_sizes.size_bytes")])]),
            Chart(id: "connections", title: "Connections", unit: "count", lines: [Line(name: "Backends", terms: [term("pg_database_stats.numbackends")])]),
            Chart(id: "transactions", title: "Transactions", unit: "per_second", lines: [
                Line(name: "Commits", terms: [term("pg_database_stats.xact_commit")]),
                Line(name: "Rollbacks", terms: [term("pg_database_stats.xact_rollback")]),
            ]),
        ]
        charts.append(Chart(id: "disk_io", title: "Disk I/O (blocks)", unit: "per_second", lines: [
            Line(name: "Read from disk", terms: [term("pg_database_stats.blks_read")]),
            Line(name: "Found in cache", terms: [term("pg_database_stats.blks_hit")]),
        ]))
        charts.append(Chart(id: "deadlocks", title: "Deadlocks", unit: "count", lines: [Line(name: "Deadlocks", terms: [term("pg_database_stats.deadlocks")])],
                            perBucket: true, description: "Deadlocks detected per bucket."))
        charts.append(Chart(id: "scans", title: "Table scans vs index scans", unit: "per_second", lines: [
            Line(name: "Sequential scans", terms: [term("pg_tables.seq_scan")]),
            Line(name: "Index scans", terms: [term("pg_tables.idx_scan")]),
        ], description: "Summed over the database's tables; sampled with the schema inventory (every 4 h by default)."))
        return Spec(tiles: tiles, charts: charts)
    }

    static let keyValue: Spec = {
        let hits = Term(metric: "redis_stats.keyspace_hits")
        let misses = Term(metric: "redis_stats.keyspace_misses")
        let tiles = [
            Tile(id: "memory", label: "Memory usage", unit: "bytes", risingIsBad: false, measure: .sum([Term(metric: "redis_memory.used_memory")])),
            Tile(id: "keys", label: "Total keys", unit: "count", risingIsBad: false, measure: .sum([Term(metric: "redis_dbsize.keys")])),
            Tile(id: "connections", label: "Connections", unit: "count", risingIsBad: false, measure: .sum([Term(metric: "redis_clients.connected_clients")])),
            Tile(id: "throughput", label: "Operations/s", unit: "per_second", risingIsBad: false, measure: .sum([Term(metric: "redis_stats.total_commands_processed")])),
            Tile(id: "hit_rate", label: "Keyspace hit rate", unit: "percent", risingIsBad: false, measure: .ratio(hits, misses)),
        ]
        let charts = [
            Chart(id: "memory", title: "Memory usage", unit: "bytes", lines: [Line(name: "Used memory", terms: [Term(metric: "redis_memory.used_memory")])]),
            Chart(id: "keys", title: "Total keys", unit: "count", lines: [Line(name: "Keys", terms: [Term(metric: "redis_dbsize.keys")])]),
            Chart(id: "connections", title: "Connections", unit: "count", lines: [Line(name: "Clients", terms: [Term(metric: "redis_clients.connected_clients")])]),
            Chart(id: "operations", title: "Operations", unit: "per_second", lines: [Line(name: "Commands", terms: [Term(metric: "redis_stats.total_commands_processed")])]),
            Chart(id: "hit_rate", title: "Keyspace hit rate", unit: "percent", lines: [Line(name: "Hit rate", terms: [hits, misses], ratio: true)]),
        ]
        return Spec(tiles: tiles, charts: charts)
    }()
}

/// Query latency per bucket (Overview and PostgreSQL detail charts) from pg_stat_statements.
///
/// Contract: average = total execution time / calls over every statement of the instances (and
/// database, when given) in the bucket; maximum = the highest per-statement mean in the bucket.
struct LatencyBuckets {
    let services: AppServices
    let scope: ExplorerScope
    var maxPoints = 1000

    func read(assetIDs: [String], database: String?) throws -> [LatencyBucket] {
        let plan = scope.plan(rawStep: 60, maxPoints: maxPoints)
        return try services.statements.latencyBuckets(
            orgID: scope.orgID, assetIDs: assetIDs, database: database, from: scope.window.start, to: scope.window.end,
            bucket: plan.bucket, rawRetainedSince: scope.rawRetainedSince)
    }
}
