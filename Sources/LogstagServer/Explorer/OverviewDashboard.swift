import Foundation
import LogstagCore
import LogstagStorage

/// The Overview dashboard (reference 2.1): KPIs for the organisation's selected instances and
/// organisation-wide charts over the window.
///
/// Contract: "now" KPIs ignore the time window: instances (and the change versus 7 days ago from
/// `created_at`), databases (the Database Explorer's rows), connections from the latest
/// PostgreSQL session snapshots (not older than 5 minutes) plus Redis/Valkey clients, and open
/// problems = the open findings of each instance's latest completed health run (there is no
/// alerts system yet). Charts follow the window. A failed read of one engine drops only that
/// engine's contribution and is listed in `unavailable`. Answers are cached 30 s per organisation,
/// instance filter and window (`cached()`), like the reference's dashboard widgets.
struct OverviewDashboard {
    let services: AppServices
    let scope: ExplorerScope

    static let week: TimeInterval = 7 * 86_400
    /// At most this many buckets per chart. The dashboard sums every instance's series, so its cost
    /// grows with the organisation; like the reference's dashboard (coarser buckets than the
    /// explorers) it draws 24 h in 10-minute, 7 d in 1-hour and 30 d in 6-hour buckets, which the
    /// 7- and 30-day windows read from hourly rollups instead of 10,080 1-minute rows per series.
    static let chartPoints = 200

    var postgres: [Asset] { scope.scoped.filter { $0.engine == .postgresql } }
    var keyValue: [Asset] { scope.scoped.filter { DatabaseExplorer.isKeyValue($0.engine) } }

    /// The answer for this scope, from the 30-second cache when a visitor asked the same moments ago.
    func cached() throws -> [String: Any] {
        let key = [scope.orgID, scope.scopedIDs.sorted().joined(separator: ","), scope.window.preset?.rawValue ?? scope.window.queryString]
            .joined(separator: "|")
        return try services.overviewCache.value(for: key, now: scope.now) { try build() }
    }

    func build() throws -> [String: Any] {
        var unavailable: [String] = []
        func guarded<T>(_ engine: String, _ fallback: T, _ body: () throws -> T) -> T {
            do { return try body() } catch {
                if !unavailable.contains(engine) { unavailable.append(engine) }
                return fallback
            }
        }
        var json: [String: Any] = ["window": scope.windowJSON]
        json["instances"] = instances()
        let explorer = DatabaseExplorer(services: services, scope: scope)
        let pgDatabases = guarded("PostgreSQL", 0) { try explorer.postgresRows(postgres).count }
        let kvDatabases = guarded("Redis/Valkey", 0) { try explorer.keyValueRows(keyValue).count }
        json["databases"] = ["count": pgDatabases + kvDatabases, "postgresql": pgDatabases, "redis_valkey": kvDatabases] as [String: Any]
        json["connections"] = connections(guarded: guarded)
        json["problems"] = guarded("health checks", ["critical": 0, "attention": 0, "instances_checked": 0, "source": "latest_health_check"] as [String: Any]) {
            try problems()
        }

        let plan = scope.plan(maxPoints: Self.chartPoints)
        json["bucket_seconds"] = plan.bucket
        json["resolution"] = plan.resolution.rawValue
        let pgSessions = guarded("PostgreSQL", [:]) { try sessionSums(plan) }
        let kvClients = guarded("Redis/Valkey", [:]) { try clientSums(plan) }
        json["connections_over_time"] = [
            ["name": "PostgreSQL sessions", "points": Self.points(pgSessions.mapValues { $0.total })],
            ["name": "Redis/Valkey clients", "points": Self.points(kvClients)],
        ]
        json["waits_over_time"] = ActivityExplorer.stacked(pgSessions.mapValues(\.waits), names: WaitCategory.allCases.map(\.rawValue))
        let latency = guarded("PostgreSQL", [LatencyBucket]()) {
            try LatencyBuckets(services: services, scope: scope, maxPoints: Self.chartPoints).read(assetIDs: postgres.map(\.id), database: nil)
        }
        json["latency_over_time"] = latency.map { ["time": WireDate.format($0.time), "average_ms": $0.average, "max_ms": $0.maximum] as [String: Any] }
        json["unavailable"] = unavailable
        return json
    }

    /// Count now and the change versus the instances that already existed 7 days ago.
    func instances() -> [String: Any] {
        let count = scope.scoped.count
        let weekAgo = scope.scoped.filter { $0.createdAt <= scope.now.addingTimeInterval(-Self.week) }.count
        let byEngine = Dictionary(grouping: scope.scoped, by: \.engine).map { ["engine": $0.key.rawValue, "count": $0.value.count] as [String: Any] }
        return ["count": count, "week_ago": weekAgo, "vs_last_week": count - weekAgo,
                "by_engine": byEngine.sorted { ($0["engine"] as! String) < ($1["engine"] as! String) }]
    }

    /// Client sessions now: PostgreSQL by state bucket, Redis/Valkey connected clients.
    func connections(guarded: (String, Int, () throws -> Int) -> Int) -> [String: Any] {
        var active = 0, idle = 0, waiting = 0
        let pgTotal = guarded("PostgreSQL", 0) {
            let latest = try services.explorer.latest(orgID: scope.orgID, assetIDs: postgres.map(\.id), signal: "pg_activity")
            let activity = ActivityExplorer(services: services, scope: scope)
            var total = 0
            for signal in latest.values where activity.noDataReason(signal) == nil {
                for row in activity.clientSessions(signal) {
                    total += 1
                    let waitType = row["wait_event_type"]?.stringValue
                    switch PostgresStateMapping.category(state: row["state"]?.stringValue, waitEventType: waitType) {
                    case .idle, .idleInTransaction: idle += 1
                    case .waitingForLock: waiting += 1
                    default: if PostgresStateMapping.waitCategory(waitType) != nil { waiting += 1 } else { active += 1 }
                    }
                }
            }
            return total
        }
        let clients = guarded("Redis/Valkey", 0) {
            let latest = try services.explorer.latest(orgID: scope.orgID, assetIDs: keyValue.map(\.id), signal: "redis_clients")
            return latest.values.filter { $0.status == .ok && scope.now.timeIntervalSince($0.collectedAt) <= ActivityExplorer.staleAfter }
                .compactMap { $0.rows.first?["connected_clients"]?.doubleValue }.reduce(0) { $0 + Int($1) }
        }
        return ["total": pgTotal + clients, "postgresql_sessions": pgTotal, "active": active, "idle": idle, "waiting": waiting,
                "redis_valkey_clients": clients]
    }

    func problems() throws -> [String: Any] {
        let runs = try services.healthRuns.latestCompleted(orgID: scope.orgID, assetIDs: scope.scopedIDs)
        let critical = runs.values.reduce(0) { $0 + ($1.criticalCount ?? 0) }
        let attention = runs.values.reduce(0) { $0 + ($1.attentionCount ?? 0) }
        return ["critical": critical, "attention": attention, "total": critical + attention, "instances_checked": runs.count,
                "source": "latest_health_check"]
    }

    struct SessionBucket {
        var total = 0.0
        var waits: [String: Double] = [:]
    }

    /// Sessions per bucket across the PostgreSQL instances, with the waiting ones per category.
    func sessionSums(_ plan: SeriesReadPlan) throws -> [Date: SessionBucket] {
        let buckets = try services.series.buckets(
            orgID: scope.orgID, assetIDs: postgres.map(\.id), metric: ActivityExplorer.statesMetric, resolution: plan.resolution,
            bucket: plan.bucket, from: scope.window.start, to: scope.window.end)
        var result: [Date: SessionBucket] = [:]
        for (_, series) in buckets {
            for (key, list) in series {
                let tags = MetricKey(parsing: key).tags
                let waitType = tags["wait_event_type"].flatMap { $0 == "none" ? nil : $0 }
                let state = PostgresStateMapping.category(state: tags["state"], waitEventType: waitType)
                for bucket in list {
                    result[bucket.time, default: SessionBucket()].total += bucket.average
                    if state != .idle, state != .idleInTransaction, let wait = PostgresStateMapping.waitCategory(waitType) {
                        result[bucket.time]!.waits[wait.rawValue, default: 0] += bucket.average
                    }
                }
            }
        }
        return result
    }

    func clientSums(_ plan: SeriesReadPlan) throws -> [Date: Double] {
        let buckets = try services.series.buckets(
            orgID: scope.orgID, assetIDs: keyValue.map(\.id), metric: "redis_clients.connected_clients", resolution: plan.resolution,
            bucket: plan.bucket, from: scope.window.start, to: scope.window.end)
        var result: [Date: Double] = [:]
        for series in buckets.values { for list in series.values { for bucket in list { result[bucket.time, default: 0] += bucket.average } } }
        return result
    }

    static func points(_ values: [Date: Double]) -> [[String: Any]] {
        values.keys.sorted().map { ["time": WireDate.format($0), "value": values[$0]!] }
    }
}
