import Foundation
import GRDB
import LogstagCore
import Testing

@testable import LogstagStorage

@Suite("Ingest store")
struct IngestStoreTests {
    @Test("A group commit stores good batches and leaves no trace of a rejected one")
    func savepointsIsolateBatches() throws {
        let database = try makeDatabase()
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        try AccountStore(database).createOrganization(
            Organization(id: "org", name: "Acme", createdAt: now),
            owner: User(id: "u", email: "u@x.test", name: "U", passwordHash: "h", createdAt: now), now: now)
        try AssetStore(database).create(
            Asset(id: "a1", orgID: "org", name: "orders", engine: .postgresql, environment: .production, ownerID: nil, createdBy: nil, createdAt: now))
        try database.writer.write { db in
            try db.execute(sql: "INSERT INTO agents (id, org_id, hostname, version, key_hash, created_at) VALUES ('ag', 'org', 'h', '1', 'k', 0)")
            try db.execute(sql: "UPDATE assets SET agent_id = 'ag'")
        }
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
        let database = try makeDatabase()
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        try AccountStore(database).createOrganization(
            Organization(id: "org", name: "Acme", createdAt: now),
            owner: User(id: "u", email: "u@x.test", name: "U", passwordHash: "h", createdAt: now), now: now)
        try AssetStore(database).create(
            Asset(id: "a1", orgID: "org", name: "orders", engine: .postgresql, environment: .production, ownerID: nil, createdBy: nil, createdAt: now))
        try database.writer.write { db in
            try db.execute(sql: "INSERT INTO agents (id, org_id, hostname, version, key_hash, created_at) VALUES ('ag', 'org', 'h', '1', 'k', 0)")
            try db.execute(sql: "UPDATE assets SET agent_id = 'ag'")
        }
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
