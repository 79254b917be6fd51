import Foundation
import GRDB
import LogstagCore
import Testing

@testable import LogstagStorage

@Suite("Health run store")
struct HealthRunStoreTests {
    let database: AppDatabase
    let store: HealthRunStore
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    /// Organisations A and B, each with one PostgreSQL asset bound to its own agent (seen `now`).
    init() throws {
        database = try makeDatabase()
        store = HealthRunStore(database)
        let accounts = AccountStore(database)
        let assets = AssetStore(database)
        for org in ["a", "b"] {
            try accounts.createOrganization(
                Organization(id: "org-\(org)", name: org, createdAt: now),
                owner: User(id: "user-\(org)", email: "\(org)@x.test", name: org, passwordHash: "h", createdAt: now), now: now)
            try assets.create(Asset(
                id: "asset-\(org)", orgID: "org-\(org)", name: "orders", engine: .postgresql, environment: .production, ownerID: nil,
                createdBy: nil, createdAt: now))
        }
        let seen = now.timeIntervalSince1970
        try database.writer.write { db in
            for org in ["a", "b"] {
                try db.execute(
                    sql: "INSERT INTO agents (id, org_id, hostname, version, key_hash, created_at, last_seen_at) VALUES (?, ?, 'h', '1', 'k', 0, ?)",
                    arguments: ["agent-\(org)", "org-\(org)", seen])
                try db.execute(sql: "UPDATE assets SET agent_id = ? WHERE id = ?", arguments: ["agent-\(org)", "asset-\(org)"])
            }
        }
    }

    func run(_ id: String, org: String = "a", at: Date? = nil, trigger: HealthRunRecord.Trigger = .manual) -> HealthRunRecord {
        let created = at ?? now
        return HealthRunRecord(
            id: id, orgID: "org-\(org)", assetID: "asset-\(org)", trigger: trigger, requestedBy: nil, createdAt: created,
            deadlineAt: created.addingTimeInterval(600))
    }

    /// A minimal report with the given overall score (the store only reads header and score).
    static func report(runID: String, score: Double?, critical: Int = 0) -> HealthReport {
        let at = Date(timeIntervalSince1970: 1_800_000_000)
        let result: HealthResult = (score ?? 0) >= 60 ? .healthy : .unhealthy
        return HealthReport(
            header: HealthReportHeader(
                runID: runID, assetID: "asset-a", instanceName: "orders", engine: .postgresql, version: "16.2", platform: nil,
                runStatus: .completed, trigger: "manual", startedAt: at, finishedAt: at, generatedAt: at, durationSeconds: 1,
                windowStart: at.addingTimeInterval(-3600), windowEnd: at, overallScore: score ?? 0, result: result, attentionCount: 0,
                criticalCount: critical, catalogueVersion: 3),
            score: HealthScore(overall: score, result: result, tabs: []), findings: [], limitations: [], recommendations: [], charts: [],
            scope: ReportScope())
    }

    /// Creates a run and drives it to Completed with a report of `score`.
    func completed(_ id: String, org: String = "a", at: Date, score: Double) throws {
        try store.create(run(id, org: org, at: at))
        try store.transition(orgID: "org-\(org)", id: id, from: [.pending], to: .collecting, now: at, commandID: "c-\(id)", startedAt: at)
        try store.transition(orgID: "org-\(org)", id: id, from: [.collecting], to: .generatingReport, now: at)
        #expect(try store.complete(orgID: "org-\(org)", id: id, report: Self.report(runID: id, score: score), now: at.addingTimeInterval(5)))
    }

    @Test("One unfinished run per asset; a run for another organisation's asset is refused")
    func createGuards() throws {
        try store.create(run("r1"))
        #expect(throws: StorageError.conflict("health_run_active")) { try store.create(run("r2")) }
        // Another organisation's asset, named with our organisation: not found.
        var foreign = run("r3")
        foreign.assetID = "asset-b"
        #expect(throws: StorageError.notFound) { try store.create(foreign) }
        // Once the first run ended, a new one may start.
        try store.transition(orgID: "org-a", id: "r1", from: HealthRunStore.openStatuses, to: .failure, now: now, message: "no agent")
        try store.create(run("r2", at: now.addingTimeInterval(1)))
        #expect(try store.run(orgID: "org-a", id: "r1")?.message == "no agent")
        #expect(try store.run(orgID: "org-a", id: "r1")?.finishedAt == now)
    }

    @Test("Transitions are compare-and-set: a cancelled run can never be completed or moved again")
    func finalStatesStick() throws {
        try store.create(run("r1"))
        // Not in Collecting yet: the step is refused.
        #expect(try !store.transition(orgID: "org-a", id: "r1", from: [.collecting], to: .generatingReport, now: now))
        #expect(try store.transition(orgID: "org-a", id: "r1", from: [.pending], to: .collecting, now: now, commandID: "c1", startedAt: now))
        #expect(try store.transition(orgID: "org-a", id: "r1", from: HealthRunStore.openStatuses, to: .cancelled, now: now, message: "by me"))
        // The runner's late steps lose.
        #expect(try !store.transition(orgID: "org-a", id: "r1", from: [.collecting], to: .generatingReport, now: now))
        #expect(try !store.transition(orgID: "org-a", id: "r1", from: HealthRunStatus.allCases, to: .completed, now: now))
        #expect(try !store.complete(orgID: "org-a", id: "r1", report: Self.report(runID: "r1", score: 90), now: now))
        let stored = try #require(try store.run(orgID: "org-a", id: "r1"))
        #expect(stored.status == .cancelled)
        #expect(stored.commandID == "c1")
        #expect(stored.report == nil)
        #expect(stored.overallScore == nil)
        // Another organisation cannot move our run.
        try store.create(run("r2", at: now.addingTimeInterval(1)))
        #expect(try !store.transition(orgID: "org-b", id: "r2", from: [.pending], to: .failure, now: now))
        #expect(try store.run(orgID: "org-a", id: "r2")?.status == .pending)
    }

    @Test("Completing stores the report, the score and counts, and the asset's health score")
    func completeStoresReport() throws {
        try completed("r1", at: now, score: 72.6)
        let stored = try #require(try store.run(orgID: "org-a", id: "r1"))
        #expect(stored.status == .completed)
        #expect(stored.overallScore == 72.6)
        #expect(stored.result == .healthy)
        #expect(stored.catalogueVersion == 3)
        #expect(stored.report == Self.report(runID: "r1", score: 72.6))
        let score = try database.writer.read { db in try Int.fetchOne(db, sql: "SELECT health_score FROM assets WHERE id = 'asset-a'") }
        #expect(score == 73)
        #expect(try store.run(orgID: "org-b", id: "r1") == nil)
    }

    @Test("History is newest first without reports; latest and previous completed runs per asset")
    func readsAndOrdering() throws {
        try completed("old", at: now, score: 40)
        try completed("mid", at: now.addingTimeInterval(100), score: 55)
        try store.create(run("open", at: now.addingTimeInterval(200)))
        try completed("b1", org: "b", at: now, score: 99)
        let history = try store.runs(orgID: "org-a", assetID: "asset-a", limit: 10)
        #expect(history.map(\.id) == ["open", "mid", "old"])
        #expect(history.allSatisfy { $0.report == nil })
        #expect(try store.runs(orgID: "org-a", assetID: "asset-a", limit: 2).count == 2)
        #expect(try store.runs(orgID: "org-b", assetID: "asset-a", limit: 10).isEmpty)

        let latest = try store.latestCompleted(orgID: "org-a", assetIDs: ["asset-a", "asset-b"])
        #expect(latest.keys.sorted() == ["asset-a"])
        #expect(latest["asset-a"]?.id == "mid")
        #expect(latest["asset-a"]?.report == nil)

        let open = try #require(try store.run(orgID: "org-a", id: "open"))
        #expect(try store.previousCompleted(before: open)?.id == "mid")
        #expect(try store.previousCompleted(before: open)?.report?.score.overall == 55)
        let old = try #require(try store.run(orgID: "org-a", id: "old"))
        #expect(try store.previousCompleted(before: old) == nil)
        #expect(try store.openRuns().map(\.id) == ["open"])
    }

    @Test("Due assets: interval above 0, a connected agent, and no run within the interval")
    func dueAssets() throws {
        let later = now.addingTimeInterval(60)
        #expect(try store.dueAssets(now: later, engines: [.postgresql]).map(\.assetID).sorted() == ["asset-a", "asset-b"])
        // An engine without a catalogue is never due.
        #expect(try store.dueAssets(now: later, engines: [.redis]).isEmpty)
        // A run 23 h ago keeps A off the list with the default 24 h; B has interval 0.
        try completed("r1", at: later.addingTimeInterval(-23 * 3600), score: 80)
        try store.setInterval(orgID: "org-b", hours: 0)
        #expect(try store.dueAssets(now: later, engines: [.postgresql]).isEmpty)
        // 25 h after that run, A is due again, unless its agent has been silent for over 5 minutes.
        let dayLater = later.addingTimeInterval(2 * 3600)
        try database.writer.write { db in try db.execute(sql: "UPDATE agents SET last_seen_at = ?", arguments: [dayLater.timeIntervalSince1970 - 10]) }
        #expect(try store.dueAssets(now: dayLater, engines: [.postgresql]).map(\.assetID) == ["asset-a"])
        #expect(try store.dueAssets(now: dayLater.addingTimeInterval(301), engines: [.postgresql]).isEmpty)
        // A shorter interval makes it due sooner; a revoked agent never is.
        try store.setInterval(orgID: "org-a", hours: 1)
        #expect(try store.interval(orgID: "org-a") == 1)
        try database.writer.write { db in try db.execute(sql: "UPDATE agents SET last_seen_at = ?", arguments: [dayLater.timeIntervalSince1970 + 7000]) }
        try store.create(run("r2", at: dayLater))
        #expect(try store.dueAssets(now: dayLater.addingTimeInterval(7200), engines: [.postgresql]).isEmpty, "an unfinished run blocks")
        try store.transition(orgID: "org-a", id: "r2", from: [.pending], to: .failure, now: dayLater)
        #expect(try store.dueAssets(now: dayLater.addingTimeInterval(7200), engines: [.postgresql]).map(\.assetID) == ["asset-a"])
        try database.writer.write { db in try db.execute(sql: "UPDATE agents SET revoked_at = 1") }
        #expect(try store.dueAssets(now: dayLater.addingTimeInterval(7200), engines: [.postgresql]).isEmpty)
        #expect(try !store.agentConnected(orgID: "org-a", assetID: "asset-a", since: dayLater))
    }

    @Test("The interval defaults to 24 hours per organisation")
    func intervalSetting() throws {
        #expect(try store.interval(orgID: "org-a") == 24)
        try store.setInterval(orgID: "org-a", hours: 168)
        #expect(try store.interval(orgID: "org-a") == 168)
        #expect(try store.interval(orgID: "org-b") == 24)
        #expect(throws: StorageError.notFound) { try store.setInterval(orgID: "nope", hours: 1) }
    }

    @Test("Report inputs: latest and oldest-in-window snapshots, fresh tiers, and series variants without LIKE wildcards")
    func reportInputs() throws {
        try database.writer.write { db in
            func snapshot(_ signal: String, _ tier: String, _ at: Double, _ rows: String?) throws {
                try db.execute(
                    sql: """
                        INSERT INTO snapshots (org_id, asset_id, signal, tier, collected_at, status, duration_ms, row_count, rows_json)
                        VALUES ('org-a', 'asset-a', ?, ?, ?, ?, 1, 0, ?)
                        """,
                    arguments: [signal, tier, at, rows == nil ? "unavailable" : "ok", rows])
            }
            let t = now.timeIntervalSince1970
            try snapshot("pg_stat", "medium", t - 7200, #"[{"n":1}]"#)
            try snapshot("pg_stat", "medium", t - 600, #"[{"n":2}]"#)
            try snapshot("pg_stat", "medium", t, #"[{"n":3}]"#)
            try snapshot("pg_tables", "schema", t - 60, #"[{"t":1}]"#)
            for (metric, ts, value) in [("pg_x.a_b", t - 20, 1.0), ("pg_x.a_b{db=x}", t - 10, 2.0), ("pg_x.aXb", t - 10, 9.0),
                                        ("pg_x.a_bc", t - 10, 9.0), ("pg_x.a_b{db=y}", t - 10, 3.0)]
            {
                try db.execute(sql: "INSERT OR IGNORE INTO series (asset_id, metric, kind) VALUES ('asset-a', ?, 'gauge')", arguments: [metric])
                try db.execute(
                    sql: "INSERT INTO points_raw (series_id, ts, value) VALUES ((SELECT id FROM series WHERE metric = ?), ?, ?)",
                    arguments: [metric, ts, value])
            }
        }
        let latest = try store.latestSnapshots(orgID: "org-a", assetID: "asset-a")
        #expect(latest.map(\.signal) == ["pg_stat", "pg_tables"])
        #expect(latest.first?.rowsJSON == #"[{"n":3}]"#)
        // The baseline is the oldest snapshot in the window; pg_tables has only its latest one: no baseline.
        let baselines = try store.baselineSnapshots(orgID: "org-a", assetID: "asset-a", since: now.addingTimeInterval(-3600))
        #expect(baselines.map(\.signal) == ["pg_stat"])
        #expect(baselines.first?.rowsJSON == #"[{"n":2}]"#)
        #expect(try store.baselineSnapshots(orgID: "org-a", assetID: "asset-a", since: now.addingTimeInterval(-9000)).first?.rowsJSON == #"[{"n":1}]"#)
        #expect(try store.baselineSnapshots(orgID: "org-b", assetID: "asset-a", since: .distantPast).isEmpty)
        // Freshness by storage order: everything is above watermark 0, only later rows above the current mark.
        let recent = now.addingTimeInterval(-100)
        #expect(try store.tiersStored(orgID: "org-a", assetID: "asset-a", after: 0, collectedSince: recent) == [.medium, .schema])
        #expect(try store.tiersStored(orgID: "org-a", assetID: "asset-a", after: 0, collectedSince: now.addingTimeInterval(-30)) == [.medium])
        let mark = try store.snapshotWatermark()
        #expect(try store.tiersStored(orgID: "org-a", assetID: "asset-a", after: mark, collectedSince: recent).isEmpty)
        #expect(try store.tiersStored(orgID: "org-b", assetID: "asset-a", after: 0, collectedSince: recent).isEmpty)
        // Only the signals asked for get a baseline (the rules that compare counters).
        #expect(try store.baselineSnapshots(orgID: "org-a", assetID: "asset-a", since: now.addingTimeInterval(-3600), signals: ["pg_tables"]).isEmpty)
        #expect(try store.baselineSnapshots(orgID: "org-a", assetID: "asset-a", since: now.addingTimeInterval(-3600), signals: ["pg_stat"]).count == 1)
        #expect(try store.latestSnapshots(orgID: "org-b", assetID: "asset-a").isEmpty)

        let series = try store.seriesVariants(orgID: "org-a", assetID: "asset-a", metric: "pg_x.a_b", from: now.addingTimeInterval(-60), to: now)
        #expect(series.map(\.metric).sorted() == ["pg_x.a_b", "pg_x.a_b{db=x}", "pg_x.a_b{db=y}"])
        #expect(try store.seriesVariants(orgID: "org-b", assetID: "asset-a", metric: "pg_x.a_b", from: .distantPast, to: now).isEmpty)
    }
}
