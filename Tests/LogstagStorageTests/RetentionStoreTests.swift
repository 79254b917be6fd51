import Foundation
import GRDB
import LogstagCore
import Testing

@testable import LogstagStorage

@Suite("Retention")
struct RetentionStoreTests {
    static let start = Date(timeIntervalSince1970: 1_800_000_000)
    static let day: TimeInterval = 86_400
    /// Short periods so a test spans them: raw 1 day, minute rollups 2 days, hour rollups 4 days.
    static let retention = SeriesRetention(raw: day, minute: 2 * day, hour: 4 * day)

    /// One asset bound to an agent, fed a `sessions` gauge and a `pg_blocking` snapshot every
    /// `step` seconds from `start` for `days` days.
    func filled(days: Double, step: TimeInterval = 3600) throws -> AppDatabase {
        let start = Self.start
        let database = try makeDatabase(assets: ["a1", "a2"], at: start)
        var works: [IngestStore.Work] = []
        for (index, time) in stride(from: 0, to: days * Self.day, by: step).map({ start + $0 }).enumerated() {
            let signals = [
                SignalPayload(name: "sessions", status: .ok, durationMs: 1, rows: [["tag_state": "active", "count": .number(Double(index))]]),
                SignalPayload(name: "pg_blocking", status: .ok, durationMs: 1, rows: []),
            ]
            // Asset a2 reports only on the first day: its latest snapshot is old but must stay.
            let assets = time < start + Self.day ? ["a1", "a2"] : ["a1"]
            let payloads = assets.map { TargetPayload(assetID: $0, targetName: $0, tier: .high, collectedAt: time, targetStatus: TargetStatus(ok: true), signals: signals) }
            works.append(IngestStore.Work(agentID: "ag", orgID: "org", idempotencyKey: "k\(index)", bodySHA256: "k\(index)",
                                          batch: IngestBatch(batchID: "b\(index)", agentVersion: "1", hostname: "h", sentAt: time, payloads: payloads)))
        }
        _ = try IngestStore(database).ingest(works, now: start)
        return database
    }

    func count(_ database: AppDatabase, _ sql: String) throws -> Int {
        try database.writer.read { db in try Int.fetchOne(db, sql: sql) ?? 0 }
    }

    @Test("Each resolution keeps exactly its period; the latest snapshot of every signal survives")
    func purgeKeepsEachPeriod() throws {
        let database = try filled(days: 6)
        let now = Self.start + 6 * Self.day
        let outcome = try RetentionStore(database).purge(now: now, retention: Self.retention, chunk: 1)
        let oldest = { (table: String) in try database.writer.read { db in try Double.fetchOne(db, sql: "SELECT MIN(ts) FROM \(table)") ?? 0 } }
        #expect(try oldest("points_raw") >= now.timeIntervalSince1970 - Self.day)
        #expect(try oldest("points_minute") >= now.timeIntervalSince1970 - 2 * Self.day)
        #expect(try oldest("points_hour") >= now.timeIntervalSince1970 - 4 * Self.day)
        // Nothing younger than a period was deleted: a1's hourly samples of the last day are all there.
        #expect(try count(database, "SELECT COUNT(*) FROM points_raw r JOIN series s ON s.id = r.series_id WHERE s.asset_id = 'a1'") == 24)
        #expect(outcome.rawPoints > 0 && outcome.minutePoints > 0 && outcome.hourPoints > 0)
        // Snapshots: a1 keeps its last day; a2 (silent for five days) keeps one per signal, its latest.
        #expect(try count(database, "SELECT COUNT(*) FROM snapshots WHERE asset_id = 'a1' AND signal = 'sessions'") == 24)
        #expect(try count(database, "SELECT COUNT(*) FROM snapshots WHERE asset_id = 'a2'") == 2)
        let a2Latest = try database.writer.read { db in try Double.fetchOne(db, sql: "SELECT MAX(collected_at) FROM snapshots WHERE asset_id = 'a2'") }
        #expect(a2Latest == (Self.start + Self.day - 3600).timeIntervalSince1970)
        // a2's series has nothing left after the hourly period (4 days) and is dropped; a1's stays.
        #expect(try count(database, "SELECT COUNT(*) FROM series WHERE asset_id = 'a2'") == 0)
        #expect(try count(database, "SELECT COUNT(*) FROM series WHERE asset_id = 'a1'") == 1)
        #expect(outcome.series == 1)
    }

    @Test("A second purge at the same time deletes nothing more")
    func purgeIsIdempotent() throws {
        let database = try filled(days: 3)
        let now = Self.start + 3 * Self.day
        _ = try RetentionStore(database).purge(now: now, retention: Self.retention)
        let again = try RetentionStore(database).purge(now: now, retention: Self.retention)
        #expect(again == RetentionStore.Outcome())
    }

    @Test("Snapshots stay dense for a day (health baselines), then one an hour until the raw period ends")
    func snapshotsThinToOneAnHour() throws {
        // Every 10 minutes for 3 days; raw retention 7 days, so only thinning deletes.
        let database = try filled(days: 3, step: 600)
        let now = Self.start + 3 * Self.day
        let retention = SeriesRetention(raw: 7 * Self.day, minute: 8 * Self.day, hour: 9 * Self.day)
        let outcome = try RetentionStore(database).purge(now: now, retention: retention)
        let thinBefore = now.timeIntervalSince1970 - RetentionStore.denseSnapshotPeriod
        let times = try database.writer.read { db in
            try Double.fetchAll(db, sql: "SELECT collected_at FROM snapshots WHERE asset_id = 'a1' AND signal = 'sessions' ORDER BY collected_at")
        }
        let old = times.filter { $0 < thinBefore }, recent = times.filter { $0 >= thinBefore }
        // Older than 25 hours: exactly the first sample of each hour (the hours start on the hour here).
        #expect(old == stride(from: Self.start.timeIntervalSince1970, to: thinBefore, by: 3600).map { $0 })
        // The last 25 hours: every sample.
        #expect(recent.count == Int((now.timeIntervalSince1970 - 600 - thinBefore) / 600) + 1)
        // Thinned: a1's 282 samples per signal of its first 47 hours keep 47; a2 (first day only)
        // keeps 24 of 144 plus its latest. Two signals each.
        #expect(outcome.snapshots == 2 * (282 - 47) + 2 * (144 - 25))
        // A second purge finds nothing more to thin.
        #expect(try RetentionStore(database).purge(now: now, retention: retention).snapshots == 0)
    }

    @Test("Thinning keeps the first snapshot per hour and status, the latest and the latest ok one")
    func thinningKeepsLatestAndLatestOK() throws {
        let database = try filled(days: 0)
        let hour = 3600.0, base = Self.start.timeIntervalSince1970
        // Three hours of one signal, every 10 minutes: ok, except unavailable ones in the second
        // hour and from 2:30 on, so the latest ok one (2:20) is neither first of its hour nor latest.
        let rows: [(Double, String)] = (0..<18).map { (step: Int) -> (Double, String) in
            let offset = Double(step) * 600
            let inSecondHourStart = offset >= hour && offset < hour + 1800
            let failed = inSecondHourStart || offset >= 2 * hour + 1800
            return (base + offset, failed ? "unavailable" : "ok")
        }
        try database.writer.write { db in
            for (at, status) in rows {
                try db.execute(sql: """
                    INSERT INTO snapshots (org_id, asset_id, signal, tier, collected_at, status, duration_ms, row_count, rows_json)
                    VALUES ('org', 'a1', 'pg_settings', 'low', ?, ?, 1, 0, '[]')
                    """, arguments: [at, status])
            }
        }
        let now = Date(timeIntervalSince1970: base + 3 * hour + RetentionStore.denseSnapshotPeriod)
        _ = try RetentionStore(database).purge(now: now, retention: SeriesRetention(raw: 7 * Self.day, minute: 8 * Self.day, hour: 9 * Self.day))
        let kept = try database.writer.read { db in
            try Row.fetchAll(db, sql: "SELECT collected_at, status FROM snapshots WHERE signal = 'pg_settings' ORDER BY collected_at")
                .map { (($0["collected_at"] as Double) - base, $0["status"] as String) }
        }
        #expect(kept.map(\.0) == [0, hour, hour + 1800, 2 * hour, 2 * hour + 1200, 2 * hour + 1800, 2 * hour + 3000])
        #expect(kept.map(\.1) == ["ok", "unavailable", "ok", "ok", "ok", "unavailable", "unavailable"])
    }
}
