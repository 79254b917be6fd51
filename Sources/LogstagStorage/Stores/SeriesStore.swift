import Foundation
import GRDB
import LogstagCore

/// One bucket of one series: the samples' average, extremes and (counters) summed increase.
/// For counters, values are per-second rates.
public struct SeriesBucket: Sendable, Equatable {
    public let time: Date
    public let average: Double
    public let minimum: Double
    public let maximum: Double
    public let increase: Double?
    public let samples: Int

    public init(time: Date, average: Double, minimum: Double, maximum: Double, increase: Double?, samples: Int) {
        self.time = time
        self.average = average
        self.minimum = minimum
        self.maximum = maximum
        self.increase = increase
        self.samples = samples
    }
}

/// Reads series at a resolution chosen by `SeriesReadPlan`, always scoped to an organisation.
///
/// Contract: `buckets` returns, per asset and metric key, the buckets holding at least one
/// sample, oldest first (a bucket without samples is absent: charts draw it as a gap, never as
/// zero). `metric` selects the untagged series of that name and all its tagged variants. Assets
/// of another organisation are ignored as if they did not exist.
public struct SeriesStore: Sendable {
    let db: AppDatabase

    public init(_ db: AppDatabase) { self.db = db }

    public typealias Buckets = [String: [String: [SeriesBucket]]]   // asset id -> metric key -> buckets

    public func buckets(
        orgID: String, assetIDs: [String], metric: String, resolution: SeriesResolution, bucket: TimeInterval, from: Date, to: Date
    ) throws -> Buckets {
        guard !assetIDs.isEmpty, bucket > 0 else { return [:] }
        let select = switch resolution {
        case .raw: "AVG(p.value) AS average, MIN(p.value) AS minimum, MAX(p.value) AS maximum, SUM(p.increase) AS increase, COUNT(*) AS samples"
        case .minute, .hour:
            "SUM(p.sum) / SUM(p.n) AS average, MIN(p.min) AS minimum, MAX(p.max) AS maximum, SUM(p.increase) AS increase, SUM(p.n) AS samples"
        }
        let table = Self.table(resolution)
        let marks = SQLText.placeholders(assetIDs.count)
        // The metric and its tagged variants ("metric{...}") as ONE range on the (asset_id, metric)
        // key, then the exact-or-tagged filter: an OR of two ranges makes SQLite scan the whole index.
        let sql = """
            SELECT s.asset_id, s.metric, CAST(p.ts / ? AS INTEGER) * ? AS bucket, \(select)
            FROM series s JOIN \(table) p ON p.series_id = s.id
            WHERE s.asset_id IN (SELECT id FROM assets WHERE org_id = ? AND id IN (\(marks)))
              AND s.metric >= ? AND s.metric < ? AND (s.metric = ? OR s.metric >= ?) AND p.ts >= ? AND p.ts < ?
            GROUP BY s.id, bucket ORDER BY bucket
            """
        var arguments: [any DatabaseValueConvertible] = [bucket, bucket, orgID]
        arguments += assetIDs
        arguments += [metric, metric + "|", metric, metric + "{", from.timeIntervalSince1970, to.timeIntervalSince1970]
        return try db.writer.read { db in
            var result: Buckets = [:]
            // Columns by position: these loops see up to hundreds of thousands of rows per page.
            let rows = try Row.fetchCursor(db, sql: sql, arguments: StatementArguments(arguments))
            while let row = try rows.next() {
                let asset: String = row[0]
                let key: String = row[1]
                result[asset, default: [:]][key, default: []].append(SeriesBucket(
                    time: Date(timeIntervalSince1970: row[2]), average: row[3], minimum: row[4],
                    maximum: row[5], increase: row[6], samples: row[7]))
            }
            return result
        }
    }

    /// The latest raw sample of each series of `metric` (and variants) per asset, at or before `at`
    /// and not older than `maxAge`: what a tile shows as "now".
    public func latest(orgID: String, assetIDs: [String], metric: String, at: Date, maxAge: TimeInterval) throws -> [String: [String: (Date, Double)]] {
        guard !assetIDs.isEmpty else { return [:] }
        let marks = SQLText.placeholders(assetIDs.count)
        var arguments: [any DatabaseValueConvertible] = [at.timeIntervalSince1970, at.timeIntervalSince1970 - maxAge, orgID]
        arguments += assetIDs
        arguments += [metric, metric + "|", metric, metric + "{"]
        return try db.writer.read { db in
            var result: [String: [String: (Date, Double)]] = [:]
            // SQLite returns the row holding MAX(ts) for the bare column `value`.
            let rows = try Row.fetchAll(db, sql: """
                SELECT s.asset_id, s.metric, MAX(p.ts) AS ts, p.value FROM series s
                JOIN points_raw p ON p.series_id = s.id AND p.ts <= ? AND p.ts >= ?
                WHERE s.asset_id IN (SELECT id FROM assets WHERE org_id = ? AND id IN (\(marks)))
                  AND s.metric >= ? AND s.metric < ? AND (s.metric = ? OR s.metric >= ?)
                GROUP BY s.id
                """, arguments: StatementArguments(arguments))
            for row in rows {
                result[row["asset_id"], default: [:]][row["metric"]] = (Date(timeIntervalSince1970: row["ts"]), row["value"])
            }
            return result
        }
    }

    static func table(_ resolution: SeriesResolution) -> String {
        switch resolution {
        case .raw: "points_raw"
        case .minute: "points_minute"
        case .hour: "points_hour"
        }
    }
}
