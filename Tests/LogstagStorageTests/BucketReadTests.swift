import Foundation
import GRDB
import LogstagCore
import Testing

@testable import LogstagStorage

/// `SeriesStore.buckets` and `StatementStore.latencyBuckets` fold points into buckets in Swift
/// (SQLite's GROUP BY sorter was the slow part); these tests hold them to the GROUP BY they replace.
@Suite("Bucketed reads equal their SQL GROUP BY definition")
struct BucketReadTests {
    static let start = Date(timeIntervalSince1970: 1_800_000_000)

    /// Two assets of "org" and one of another organisation, sampling a gauge and a counter per database
    /// (with a reset) every 20 s for 3 hours.
    func sampled() throws -> AppDatabase {
        let database = try makeDatabase(assets: ["a1", "a2"], at: Self.start)
        try AccountStore(database).createOrganization(
            Organization(id: "other", name: "Other", createdAt: Self.start),
            owner: User(id: "u2", email: "u2@x.test", name: "U2", passwordHash: "h", createdAt: Self.start), now: Self.start)
        try AssetStore(database).create(
            Asset(id: "b1", orgID: "other", name: "b1", engine: .postgresql, environment: .production, ownerID: nil, createdBy: nil, createdAt: Self.start))
        try database.writer.write { db in try db.execute(sql: "UPDATE assets SET agent_id = 'ag'") }
        var works: [IngestStore.Work] = []
        var counter = 0.0
        for index in 0..<540 {
            let time = Self.start + Double(index) * 20
            counter = index == 300 ? 5 : counter + Double(index % 7)
            for asset in ["a1", "a2", "b1"] {
                let rows: [[String: JSONValue]] = ["app", "shop"].enumerated().map { offset, database in
                    ["tag_database": .string(database), "numbackends": .number(Double((index * (offset + 2) + asset.count) % 11)),
                     "xact_commit": .number(counter * Double(offset + 1))]
                }
                let signal = SignalPayload(name: "pg_database_stats", status: .ok, durationMs: 1, rows: rows)
                let payload = TargetPayload(assetID: asset, targetName: asset, tier: .high, collectedAt: time, targetStatus: TargetStatus(ok: true), signals: [signal])
                let key = "\(asset)-\(index)"
                works.append(IngestStore.Work(agentID: "ag", orgID: asset == "b1" ? "other" : "org", idempotencyKey: key, bodySHA256: key,
                                              batch: IngestBatch(batchID: key, agentVersion: "1", hostname: "h", sentAt: time, payloads: [payload])))
            }
        }
        _ = try IngestStore(database).ingest(works, now: Self.start)
        return database
    }

    /// The former SQL: one GROUP BY over the points of the metric's series.
    func reference(_ database: AppDatabase, metric: String, table: String, bucket: Double, from: Date, to: Date) throws -> SeriesStore.Buckets {
        let select = table == "points_raw"
            ? "AVG(p.value), MIN(p.value), MAX(p.value), SUM(p.increase), COUNT(*)"
            : "SUM(p.sum) / SUM(p.n), MIN(p.min), MAX(p.max), SUM(p.increase), SUM(p.n)"
        return try database.writer.read { db in
            var result: SeriesStore.Buckets = [:]
            for row in try Row.fetchAll(db, sql: """
                SELECT s.asset_id, s.metric, CAST(p.ts / ? AS INTEGER) * ? AS bucket, \(select)
                FROM series s JOIN \(table) p ON p.series_id = s.id JOIN assets a ON a.id = s.asset_id AND a.org_id = 'org'
                WHERE (s.metric = ? OR s.metric LIKE ?) AND p.ts >= ? AND p.ts < ?
                GROUP BY s.id, bucket ORDER BY bucket
                """, arguments: [bucket, bucket, metric, metric + "{%", from.timeIntervalSince1970, to.timeIntervalSince1970]) {
                result[row[0], default: [:]][row[1], default: []].append(SeriesBucket(
                    time: Date(timeIntervalSince1970: row[2]), average: row[3], minimum: row[4], maximum: row[5], increase: row[6], samples: row[7]))
            }
            return result
        }
    }

    @Test("Series buckets at each resolution, gauges and counters, scoped to the organisation", arguments: [
        (SeriesResolution.raw, "points_raw", 120.0), (.minute, "points_minute", 600), (.hour, "points_hour", 3600),
    ])
    func seriesBuckets(resolution: SeriesResolution, table: String, bucket: Double) throws {
        let database = try sampled()
        let from = Self.start + 130, to = Self.start + 3 * 3600 - 50
        for metric in ["pg_database_stats.numbackends", "pg_database_stats.xact_commit"] {
            let read = try SeriesStore(database).buckets(
                orgID: "org", assetIDs: ["a1", "a2", "b1"], metric: metric, resolution: resolution, bucket: bucket, from: from, to: to)
            let expected = try reference(database, metric: metric, table: table, bucket: bucket, from: from, to: to)
            #expect(!expected.isEmpty && expected["b1"] == nil)
            let increases = expected.values.flatMap(\.values).joined().compactMap(\.increase)
            #expect(metric.hasSuffix("xact_commit") ? !increases.isEmpty : increases.isEmpty, "counters carry increases, gauges do not")
            #expect(Set(read.keys) == Set(expected.keys), "\(metric)")
            for (asset, series) in expected {
                #expect(Set(read[asset]?.keys ?? [:].keys) == Set(series.keys), "\(metric) \(asset)")
                for (key, buckets) in series {
                    let got = read[asset]?[key] ?? []
                    #expect(got.map(\.time) == buckets.map(\.time), "\(key)")
                    for (mine, theirs) in zip(got, buckets) {
                        #expect(abs(mine.average - theirs.average) < 1e-9 && mine.minimum == theirs.minimum && mine.maximum == theirs.maximum
                                && mine.samples == theirs.samples, "\(key) \(mine) \(theirs)")
                        #expect((mine.increase == nil) == (theirs.increase == nil) && abs((mine.increase ?? 0) - (theirs.increase ?? 0)) < 1e-9,
                                "\(key) increase \(String(describing: mine.increase)) \(String(describing: theirs.increase))")
                    }
                }
            }
        }
        #expect(try SeriesStore(database).buckets(
            orgID: "org", assetIDs: ["b1"], metric: "pg_database_stats.numbackends", resolution: resolution, bucket: bucket, from: from, to: to).isEmpty)
    }

    @Test("Query latency per bucket: execution-weighted average and highest statement mean, over called statements only")
    func latencyBuckets() throws {
        let database = try StatementStoreTests().filled()
        let from = StatementStoreTests.start + 3_000, to = StatementStoreTests.start + 2 * 86_400 + 1_234
        for (bucket, rawSince) in [(1_800.0, StatementStoreTests.start), (3_600, StatementStoreTests.start), (600, to)] {
            let read = try StatementStore(database).latencyBuckets(
                orgID: "org", assetIDs: ["a1"], database: nil, from: from, to: to, bucket: bucket, rawRetainedSince: rawSince)
            let table = from < rawSince || bucket >= 3600 ? "statement_hours" : "statement_points"
            let expected = try database.writer.read { db in
                try Row.fetchAll(db, sql: """
                    SELECT bucket, SUM(total_time) / SUM(calls), MAX(total_time / calls) FROM (
                        SELECT CAST(ts / ? AS INTEGER) * ? AS bucket, statement_id, SUM(total_time) AS total_time, SUM(calls) AS calls
                        FROM \(table) WHERE ts >= ? AND ts < ? GROUP BY bucket, statement_id HAVING SUM(calls) > 0)
                    GROUP BY bucket ORDER BY bucket
                    """, arguments: [bucket, bucket, from.timeIntervalSince1970, to.timeIntervalSince1970]
                ).map { LatencyBucket(time: Date(timeIntervalSince1970: $0[0]), average: $0[1], maximum: $0[2]) }
            }
            #expect(expected.count > 10)
            #expect(read.map(\.time) == expected.map(\.time), "bucket \(bucket)")
            for (mine, theirs) in zip(read, expected) {
                #expect(abs(mine.average - theirs.average) < 1e-9 && abs(mine.maximum - theirs.maximum) < 1e-9, "\(mine) \(theirs)")
            }
            let otherOrg = try StatementStore(database).latencyBuckets(
                orgID: "other", assetIDs: ["a1"], database: nil, from: from, to: to, bucket: bucket, rawRetainedSince: rawSince)
            #expect(otherOrg.isEmpty)
            let otherDatabase = try StatementStore(database).latencyBuckets(
                orgID: "org", assetIDs: ["a1"], database: "elsewhere", from: from, to: to, bucket: bucket, rawRetainedSince: rawSince)
            #expect(otherDatabase.isEmpty)
        }
    }
}
