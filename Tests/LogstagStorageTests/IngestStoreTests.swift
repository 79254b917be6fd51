import Foundation
import GRDB
import LogstagCore
import Testing

@testable import LogstagStorage

@Suite("Ingest store")
struct IngestStoreTests {
    @Test("A group commit stores good batches and leaves no trace of a rejected one")
    func savepointsIsolateBatches() throws {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let database = try makeDatabase(assets: ["a1"], named: { _ in "orders" }, at: now)
        func work(_ key: String, asset: String, at: Date = now) -> IngestStore.Work {
            let signal = SignalPayload(name: "sessions", status: .ok, durationMs: 1, rows: [["tag_state": .string("active"), "count": .number(2)]])
            let payload = TargetPayload(assetID: asset, targetName: "t", tier: .high, collectedAt: at, targetStatus: TargetStatus(ok: true), signals: [signal])
            return IngestStore.Work(agentID: "ag", orgID: "org", idempotencyKey: key, bodySHA256: key,
                                    batch: IngestBatch(batchID: key, agentVersion: "1", hostname: "h", sentAt: now, payloads: [payload]))
        }
        let outcomes = try IngestStore(database).ingest(
            [work("k1", asset: "a1"), work("k2", asset: "elsewhere"), work("k3", asset: "a1", at: now + 10), work("k4", asset: "a1", at: now + 10)], now: now)
        // k4 repeats k3's sample time under another key: its snapshot is kept, its point is not stored twice.
        #expect(outcomes == [.stored(points: 1), .unknownAsset("elsewhere"), .stored(points: 1), .stored(points: 0)])
        let keys = try database.writer.read { db in try String.fetchAll(db, sql: "SELECT key FROM ingest_keys ORDER BY key") }
        #expect(keys == ["k1", "k3", "k4"])
        #expect(try database.writer.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM snapshots") } == 3)
        #expect(try database.writer.read { db in try Int.fetchOne(db, sql: "SELECT SUM(n) FROM points_minute") } == 2)
    }

    @Test("A late batch stored last does not become the latest state; the newest collection does")
    func latestIsByCollectionTime() throws {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let database = try makeDatabase(assets: ["a1"], named: { _ in "orders" }, at: now)
        func work(_ key: String, at: Date, status: SignalStatus) -> IngestStore.Work {
            let signal = SignalPayload(name: "pg_settings", status: status, reason: status == .ok ? nil : .error, durationMs: 1, rows: [])
            let payload = TargetPayload(assetID: "a1", targetName: "t", tier: .low, collectedAt: at, targetStatus: TargetStatus(ok: true), signals: [signal])
            return IngestStore.Work(agentID: "ag", orgID: "org", idempotencyKey: key, bodySHA256: key,
                                    batch: IngestBatch(batchID: key, agentVersion: "1", hostname: "h", sentAt: at, payloads: [payload]))
        }
        _ = try IngestStore(database).ingest([work("new", at: now, status: .ok)], now: now)
        _ = try IngestStore(database).ingest([work("late", at: now - 600, status: .unavailable)], now: now)
        let latest = try IngestStore(database).latestSignals(orgID: "org", assetID: "a1")
        #expect(latest.map(\.collectedAt) == [now])
        #expect(latest.map(\.status) == ["ok"])
        #expect(try IngestStore(database).latestSignals(orgID: "other", assetID: "a1").isEmpty)
    }
}
