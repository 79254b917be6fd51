import Foundation
import LogstagCore
import LogstagStorage

/// The Activity Explorer (PostgreSQL): per instance the sessions now, states and wait
/// categories over the window, the current workloads and waits, and blocking chains.
///
/// Contract: "now" figures come from the latest `pg_activity` / `pg_blocking` snapshots (one
/// sample every 10 s); history comes from the `pg_sessions_by_state` series. A snapshot that
/// is unavailable says why (permission, unsupported...) instead of showing zero; an instance
/// whose latest snapshot is older than `staleAfter` is shown as not currently reporting.
struct ActivityExplorer {
    let services: AppServices
    let scope: ExplorerScope

    static let staleAfter: TimeInterval = 5 * 60
    static let statesMetric = "pg_sessions_by_state.sessions"

    var postgres: [Asset] { scope.scoped.filter { $0.engine == .postgresql } }

    // MARK: - List

    func list() throws -> [String: Any] {
        let ids = postgres.map(\.id)
        let activity = try services.explorer.latest(orgID: scope.orgID, assetIDs: ids, signal: "pg_activity")
        let blocking = try services.explorer.latest(orgID: scope.orgID, assetIDs: ids, signal: "pg_blocking")
        let items = postgres.map { asset -> [String: Any] in
            var item: [String: Any] = ["asset_id": asset.id, "instance": asset.name, "engine": asset.engine.rawValue,
                                       "status": asset.status(now: scope.now).rawValue]
            let sessions = activity[asset.id].map(clientSessions) ?? []
            if let reason = noDataReason(activity[asset.id]) {
                item["no_data_reason"] = reason
                item["sessions"] = NSNull(); item["active"] = NSNull(); item["blocked"] = NSNull()
            } else {
                item["no_data_reason"] = NSNull()
                item["sessions"] = sessions.count
                item["active"] = sessions.filter { $0["state"]?.stringValue == "active" }.count
                item["blocked"] = blocking[asset.id]?.status == .ok ? blocking[asset.id]!.rows.count : 0
            }
            item["collected_at"] = activity[asset.id].map { WireDate.format($0.collectedAt) } ?? NSNull()
            return item
        }
        return ["window": scope.windowJSON, "items": items]
    }

    /// Why an instance shows no activity, or nil when it has a current snapshot.
    func noDataReason(_ latest: LatestSignal?) -> String? {
        guard let latest else { return "No activity collected yet: the agent has not reported this instance." }
        if latest.status != .ok {
            return (latest.reason.map { "Unavailable (\($0.rawValue))" } ?? "Unavailable") + (latest.message.map { ": \($0)" } ?? "")
        }
        if scope.now.timeIntervalSince(latest.collectedAt) > Self.staleAfter {
            return "Not reporting: the last sample is from \(WireDate.format(latest.collectedAt))."
        }
        return nil
    }

    /// Query-bearing client backends (reference 2.4: background workers are not sessions).
    func clientSessions(_ latest: LatestSignal) -> [[String: JSONValue]] {
        latest.rows.filter { ($0["backend_type"]?.stringValue ?? "client backend") == "client backend" }
    }

    // MARK: - Detail

    func detail(asset: Asset) throws -> [String: Any] {
        let activity = try services.explorer.latest(orgID: scope.orgID, assetIDs: [asset.id], signal: "pg_activity")[asset.id]
        let blocking = try services.explorer.latest(orgID: scope.orgID, assetIDs: [asset.id], signal: "pg_blocking")[asset.id]
        let sessions = activity.map(clientSessions) ?? []
        var json: [String: Any] = ["window": scope.windowJSON, "asset_id": asset.id, "instance": asset.name,
                                   "no_data_reason": noDataReason(activity) ?? NSNull(),
                                   "collected_at": activity.map { WireDate.format($0.collectedAt) } ?? NSNull()]
        // Workloads: current sessions, longest running first; idle sessions have no duration.
        let workloads = sessions.map { row -> [String: Any] in
            let state = row["state"]?.stringValue
            let category = PostgresStateMapping.category(state: state, waitEventType: row["wait_event_type"]?.stringValue)
            let duration = category == .idle ? 0 : (row["query_duration_s"]?.doubleValue ?? 0)
            return [
                "pid": row["tag_pid"]?.stringValue ?? "", "user": row["user_name"]?.stringValue ?? NSNull(),
                "database": row["tag_database"]?.stringValue ?? NSNull(), "application": row["application_name"]?.stringValue ?? NSNull(),
                "client_addr": row["client_addr"]?.stringValue ?? NSNull(), "state": state ?? NSNull(), "category": category.rawValue,
                "wait_event_type": row["wait_event_type"]?.stringValue ?? NSNull(), "wait_event": row["wait_event"]?.stringValue ?? NSNull(),
                "duration_s": duration, "transaction_s": row["xact_duration_s"]?.doubleValue ?? NSNull(),
                "backend_start": row["backend_start"]?.stringValue ?? NSNull(), "query": row["query"]?.stringValue ?? NSNull(),
            ]
        }.sorted { ($0["duration_s"] as? Double ?? 0) > ($1["duration_s"] as? Double ?? 0) }
        json["workloads"] = workloads
        var counts: [String: Int] = [:]
        for workload in workloads { counts[workload["category"] as! String, default: 0] += 1 }
        json["states_now"] = SessionStateCategory.allCases.map { ["state": $0.rawValue, "sessions": counts[$0.rawValue] ?? 0] }

        // Current waits: sessions in a wait event, except idle ones waiting for their client.
        let waiting = sessions.filter { row in
            guard PostgresStateMapping.waitCategory(row["wait_event_type"]?.stringValue) != nil else { return false }
            return PostgresStateMapping.category(state: row["state"]?.stringValue, waitEventType: row["wait_event_type"]?.stringValue) != .idle
        }
        let sameEvent = Dictionary(grouping: waiting) { $0["wait_event"]?.stringValue ?? "" }
        json["waits_now"] = waiting.map { row -> [String: Any] in
            let event = row["wait_event"]?.stringValue ?? ""
            let peers = sameEvent[event] ?? []
            let average = peers.compactMap { $0["state_duration_s"]?.doubleValue }.reduce(0, +) / Double(max(peers.count, 1))
            return [
                "pid": row["tag_pid"]?.stringValue ?? "",
                "category": PostgresStateMapping.waitCategory(row["wait_event_type"]?.stringValue)?.rawValue ?? "Other",
                "event_type": row["wait_event_type"]?.stringValue ?? "", "event": event,
                "duration_s": row["state_duration_s"]?.doubleValue ?? NSNull(), "count": peers.count, "average_s": average,
                "query": row["query"]?.stringValue ?? NSNull(),
            ]
        }

        // Blocking chains from the latest pg_blocking sample; holders' details from pg_activity.
        let byPID = Dictionary(sessions.compactMap { row in row["tag_pid"]?.stringValue.map { ($0, row) } }, uniquingKeysWith: { first, _ in first })
        var blockingSessions: [BlockingSession] = []
        let blockedRows = blocking?.status == .ok ? blocking!.rows : []
        for row in blockedRows {
            blockingSessions.append(BlockingSession(
                pid: row["tag_pid"]?.stringValue ?? "", user: row["user_name"]?.stringValue, database: row["tag_database"]?.stringValue,
                state: row["state"]?.stringValue, waitEventType: row["wait_event_type"]?.stringValue, waitEvent: row["wait_event"]?.stringValue,
                query: row["query"]?.stringValue, waitingSeconds: row["waiting_duration_s"]?.doubleValue,
                transactionSeconds: row["xact_duration_s"]?.doubleValue, blockedBy: BlockingSession.pids(fromList: row["blocking_pids"]?.stringValue)))
        }
        let blockedPIDs = Set(blockingSessions.map(\.pid))
        for holder in Set(blockingSessions.flatMap(\.blockedBy)).subtracting(blockedPIDs).sorted() {
            let row = byPID[holder]
            blockingSessions.append(BlockingSession(
                pid: holder, user: row?["user_name"]?.stringValue, database: row?["tag_database"]?.stringValue, state: row?["state"]?.stringValue,
                waitEventType: row?["wait_event_type"]?.stringValue, waitEvent: row?["wait_event"]?.stringValue, query: row?["query"]?.stringValue,
                waitingSeconds: nil, transactionSeconds: row?["xact_duration_s"]?.doubleValue))
        }
        let chains = BlockingForest.build(blockingSessions)
        var blockingJSON: [String: Any] = ["active_chains": chains.count]
        let blockedPIDs2 = chains.flatMap { $0.flattened().filter { $0.mode != .holding }.map(\.session.pid) }
        blockingJSON["blocked_sessions"] = Set(blockedPIDs2).count
        blockingJSON["longest_block_s"] = chains.map(\.longestWaitSeconds).max() ?? NSNull()
        blockingJSON["max_depth"] = chains.map(\.depth).max() ?? 0
        blockingJSON["unavailable"] = blocking.flatMap { $0.status == .ok ? nil : noDataReason($0) } ?? NSNull()
        blockingJSON["chains"] = chains.map(Self.chainJSON)
        json["blocking"] = blockingJSON

        // History: sessions per state category and per wait category, from the series.
        let plan = scope.plan()
        let buckets = try services.series.buckets(
            orgID: scope.orgID, assetIDs: [asset.id], metric: Self.statesMetric, resolution: plan.resolution, bucket: plan.bucket,
            from: scope.window.start, to: scope.window.end)[asset.id] ?? [:]
        var states: [Date: [String: Double]] = [:]
        var waits: [Date: [String: Double]] = [:]
        for (key, series) in buckets {
            let tags = MetricKey(parsing: key).tags
            let waitType = tags["wait_event_type"].flatMap { $0 == "none" ? nil : $0 }
            let state = PostgresStateMapping.category(state: tags["state"], waitEventType: waitType)
            for bucket in series {
                states[bucket.time, default: [:]][state.rawValue, default: 0] += bucket.average
                if state != .idle, let wait = PostgresStateMapping.waitCategory(waitType) {
                    waits[bucket.time, default: [:]][wait.rawValue, default: 0] += bucket.average
                }
                // A bucket with sessions but no waits still is a sample (zero waits, not a gap).
                if waits[bucket.time] == nil { waits[bucket.time] = [:] }
            }
        }
        json["bucket_seconds"] = plan.bucket
        json["resolution"] = plan.resolution.rawValue
        json["states_over_time"] = Self.stacked(states, names: SessionStateCategory.allCases.map(\.rawValue))
        json["waits_over_time"] = Self.stacked(waits, names: WaitCategory.allCases.map(\.rawValue))
        return json
    }

    static func chainJSON(_ chain: BlockingChain) -> [String: Any] {
        var json: [String: Any] = ["root_pid": chain.root.session.pid, "depth": chain.depth, "blocked_sessions": chain.blockedSessions]
        json["longest_wait_s"] = chain.longestWaitSeconds
        json["is_cycle"] = chain.isCycle
        json["nodes"] = chain.flattened().map(nodeJSON)
        return json
    }

    static func nodeJSON(_ node: BlockingNode) -> [String: Any] {
        let session = node.session
        var json: [String: Any] = ["pid": session.pid, "depth": node.depth, "mode": node.mode.rawValue, "granted": node.granted]
        json["user"] = session.user ?? NSNull()
        json["database"] = session.database ?? NSNull()
        json["lock_type"] = session.waitEventType ?? NSNull()
        json["resource"] = session.waitEvent ?? NSNull()
        let duration: Double? = session.waitingSeconds ?? session.transactionSeconds
        json["duration_s"] = duration ?? NSNull()
        json["query"] = session.query ?? NSNull()
        return json
    }

    /// Buckets oldest first, each with every category (0 when absent in a sampled bucket).
    static func stacked(_ values: [Date: [String: Double]], names: [String]) -> [[String: Any]] {
        values.keys.sorted().map { time in
            var entry: [String: Any] = ["time": WireDate.format(time)]
            for name in names { entry[name] = values[time]?[name] ?? 0 }
            return entry
        }
    }
}
