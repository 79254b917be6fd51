import Foundation
import GRDB
import LogstagCore
import Testing

@testable import LogstagStorage

@Suite("Statement windows")
struct StatementStoreTests {
    /// 2027-01-15T08:00:00Z: not at a day boundary, so windows start and end inside days.
    static let start = Date(timeIntervalSince1970: 1_800_000_000)
    static let step: TimeInterval = 600
    static let days = 4.0

    /// One asset collecting three statements every 10 minutes for four days; the counters grow
    /// by varying amounts, and statement "q3" is reset (calls go backwards) once.
    func filled() throws -> AppDatabase {
        let database = try makeDatabase(assets: ["a1"], at: Self.start)
        var calls: [String: Double] = ["q1": 0, "q2": 0, "q3": 0]
        var works: [IngestStore.Work] = []
        for (index, time) in stride(from: 0, to: Self.days * 86_400, by: Self.step).map({ Self.start + $0 }).enumerated() {
            var rows: [[String: JSONValue]] = []
            for (n, query) in ["q1", "q2", "q3"].enumerated() {
                calls[query, default: 0] += Double((index * (n + 3)) % 7)
                if query == "q3" && index == 300 { calls[query] = 2 }
                let total = calls[query, default: 0]
                rows.append([
                    "tag_queryid": .string(query), "tag_database": "app", "tag_user": "web", "tag_toplevel": "true",
                    "query": .string("SELECT \(n)"), "calls": .number(total), "total_exec_time": .number(total * Double(n + 1) * 1.5),
                    "rows": .number(total * 2), "shared_blks_hit": .number(total * 10), "shared_blks_read": .number(total),
                ])
            }
            let signal = SignalPayload(name: "pg_stat_statements", status: .ok, durationMs: 1, rows: rows)
            let payload = TargetPayload(assetID: "a1", targetName: "a1", tier: .medium, collectedAt: time, targetStatus: TargetStatus(ok: true), signals: [signal])
            works.append(IngestStore.Work(agentID: "ag", orgID: "org", idempotencyKey: "k\(index)", bodySHA256: "k\(index)",
                                          batch: IngestBatch(batchID: "b\(index)", agentVersion: "1", hostname: "h", sentAt: time, payloads: [payload])))
        }
        _ = try IngestStore(database).ingest(works, now: Self.start)
        return database
    }

    /// Calls per statement summed straight from the raw samples with start <= ts <= end.
    func rawCalls(_ database: AppDatabase, from: Date, to: Date) throws -> [String: Double] {
        try database.writer.read { db in
            let rows = try Row.fetchAll(db, sql: """
                SELECT s.query_id, SUM(p.calls) AS calls, SUM(p.total_time) AS total_time FROM statement_points p
                JOIN statements s ON s.id = p.statement_id WHERE p.ts >= ? AND p.ts <= ? GROUP BY s.query_id HAVING SUM(p.calls) > 0
                """, arguments: [from.timeIntervalSince1970, to.timeIntervalSince1970])
            return Dictionary(uniqueKeysWithValues: rows.map { ($0["query_id"], $0["calls"]) })
        }
    }

    func listedCalls(_ database: AppDatabase, from: Date, to: Date, rawRetainedSince: Date) throws -> [String: Double] {
        let page = try StatementStore(database).list(orgID: "org", assetIDs: ["a1"], from: from, to: to, rawRetainedSince: rawRetainedSince)
        return Dictionary(uniqueKeysWithValues: page.items.map { ($0.queryID, $0.totals.calls) })
    }

    @Test("Daily rows hold exactly the sums of their hours")
    func daysSumTheirHours() throws {
        let database = try filled()
        let mismatches = try database.writer.read { db in
            try Int.fetchOne(db, sql: """
                SELECT COUNT(*) FROM statement_days d JOIN (
                    SELECT statement_id, CAST(ts / 86400 AS INTEGER) * 86400.0 AS day, SUM(calls) AS calls, SUM(total_time) AS total_time,
                           SUM(shared_hit) AS shared_hit, SUM(seconds) AS seconds, MAX(max_time) AS max_time
                    FROM statement_hours GROUP BY statement_id, day) h ON h.statement_id = d.statement_id AND h.day = d.ts
                WHERE abs(d.calls - h.calls) > 1e-9 OR abs(d.total_time - h.total_time) > 1e-9 OR abs(d.shared_hit - h.shared_hit) > 1e-9
                   OR abs(d.seconds - h.seconds) > 1e-9 OR d.max_time IS NOT h.max_time
                """) ?? -1
        }
        #expect(mismatches == 0)
        // Four days starting at 08:00 UTC touch five UTC days, for each of the three statements.
        #expect(try database.writer.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM statement_days") } == 15)
    }

    @Test("A window's totals equal the raw samples inside it, however its edges fall")
    func windowsMatchRawSamples() throws {
        let database = try filled()
        let first = Self.start.timeIntervalSince1970
        let last = first + Self.days * 86_400
        // Edges on and off hour and day boundaries; spans from minutes to the whole period.
        let day0 = (first / 86_400).rounded(.up) * 86_400
        let windows: [(Double, Double)] = [
            (first, last), (first + 1, last - 1), (day0, day0 + 2 * 86_400), (day0 - 1, day0 + 2 * 86_400 + 1),
            (day0 + 3599, day0 + 86_400 + 3601), (day0 + 1800, day0 + 5400), (day0 + 60, day0 + 900),
            (first + 7 * 3600 + 123, last - 5 * 3600 - 77), (day0 - 86_400 + 7200, day0 + 2 * 86_400 - 7200),
        ]
        var spannedDays = 0
        for (from, to) in windows {
            let from = Date(timeIntervalSince1970: from), to = Date(timeIntervalSince1970: to)
            let expected = try rawCalls(database, from: from, to: to)
            // All raw samples are still retained here.
            let listed = try listedCalls(database, from: from, to: to, rawRetainedSince: .distantPast)
            #expect(Set(listed.keys) == Set(expected.keys), "window \(from)–\(to)")
            for (query, calls) in expected {
                #expect(abs((listed[query] ?? -1) - calls) < 1e-6, "\(query) in \(from)–\(to)")
            }
            let (sql, _) = StatementStore.windowRows(from: from, to: to, rawRetainedSince: .distantPast)
            if sql.contains("statement_days") { spannedDays += 1 }
        }
        #expect(spannedDays >= 5, "most windows here contain whole UTC days and must read them from statement_days")
    }

    @Test("A long window reads whole days from the daily rows, not the hourly ones")
    func longWindowsReadDays() throws {
        let database = try filled()
        let from = Self.start + 3 * 3600, to = Self.start + Self.days * 86_400 - 3 * 3600
        let before = try listedCalls(database, from: from, to: to, rawRetainedSince: Self.start)
        // Hourly rows inside whole days are not needed: removing them changes nothing.
        let d0 = ((from.timeIntervalSince1970 + 3600) / 86_400).rounded(.up) * 86_400
        let d1 = (to.timeIntervalSince1970 / 86_400).rounded(.down) * 86_400
        #expect(d1 - d0 >= 2 * 86_400)
        try database.writer.write { db in
            try db.execute(sql: "DELETE FROM statement_hours WHERE ts >= ? AND ts < ?", arguments: [d0, d1])
        }
        #expect(try listedCalls(database, from: from, to: to, rawRetainedSince: Self.start) == before)
    }

    @Test("Past raw retention, whole edge hours and the days between them are summed")
    func windowsPastRawRetention() throws {
        let database = try filled()
        let from = Self.start + 2 * 3600 + 600, to = Self.start + 3 * 86_400 + 1800
        let hourStart = (from.timeIntervalSince1970 / 3600).rounded(.down) * 3600
        // Expected: every raw sample of the hours overlapping the window, the last one whole.
        let expected = try rawCalls(database, from: Date(timeIntervalSince1970: hourStart), to: Date(timeIntervalSince1970: (to.timeIntervalSince1970 / 3600).rounded(.up) * 3600 - 0.001))
        let listed = try listedCalls(database, from: from, to: to, rawRetainedSince: to)
        #expect(Set(listed.keys) == Set(expected.keys))
        for (query, calls) in expected { #expect(abs((listed[query] ?? -1) - calls) < 1e-6, "\(query)") }
    }

    @Test("Migration 0007 fills the daily rows from hourly rows collected before it")
    func migrationBackfillsDays() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("backfill-\(UUID().uuidString).sqlite").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let pool = try DatabasePool(path: path)
        try AppDatabase.migrator().migrate(pool, upTo: "0006_series")
        try pool.write { db in
            try db.execute(sql: """
                INSERT INTO organizations (id, name, created_at) VALUES ('org', 'Acme', 0);
                INSERT INTO assets (id, org_id, name, name_key, engine, environment, created_at, updated_at) VALUES ('a1', 'org', 'a1', 'a1', 'postgresql', 'production', 0, 0);
                INSERT INTO statements (id, asset_id, query_id, database_name, user_name, toplevel, first_seen, last_seen) VALUES (1, 'a1', 'q', 'app', 'web', 'true', 0, 0);
                """)
            // Two hours on day 0 and one on day 1.
            for (ts, calls, maxTime) in [(3600.0, 2.0, 5.0), (7200.0, 3.0, 9.0), (86_400.0 + 3600, 4.0, 1.0)] {
                try db.execute(sql: """
                    INSERT INTO statement_hours VALUES (1, ?, 3600, ?, ?, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0.5, ?)
                    """, arguments: [ts, calls, calls * 10, maxTime])
            }
        }
        try AppDatabase.migrator().migrate(pool)
        let days = try pool.read { db in try Row.fetchAll(db, sql: "SELECT ts, seconds, calls, total_time, max_time FROM statement_days ORDER BY ts") }
        #expect(days.map { $0["ts"] as Double } == [0, 86_400])
        #expect(days.map { $0["calls"] as Double } == [5, 4])
        #expect(days.map { $0["total_time"] as Double } == [50, 40])
        #expect(days.map { $0["seconds"] as Double } == [7200, 3600])
        #expect(days.map { $0["max_time"] as Double } == [9, 1])
    }

    @Test("A page carries the total number of statements, whatever its offset")
    func pagedTotals() throws {
        let database = try filled()
        let store = StatementStore(database)
        let from = Self.start + 3_600, to = Self.start + 86_400
        func page(_ limit: Int, _ offset: Int, search: String = "") throws -> (Int, [String]) {
            let page = try store.list(orgID: "org", assetIDs: ["a1"], from: from, to: to, rawRetainedSince: Self.start, search: search,
                                      sort: .calls, limit: limit, offset: offset)
            return (page.total, page.items.map(\.queryID))
        }
        let all = try page(50, 0)
        #expect(all.0 == 3 && all.1.count == 3)
        #expect(try page(2, 0) == (3, Array(all.1.prefix(2))))
        #expect(try page(2, 2) == (3, [all.1[2]]))
        #expect(try page(2, 5) == (3, []), "past the last page the total is still known")
        #expect(try page(2, 0, search: "select 1") == (1, ["q2"]))
        #expect(try page(2, 0, search: "nothing like this") == (0, []))
    }
}
