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
        let columns = switch resolution {
        case .raw: "p.value, 1, p.value, p.value, p.increase"
        case .minute, .hour: "p.sum, p.n, p.min, p.max, p.increase"
        }
        let marks = SQLText.placeholders(assetIDs.count)
        // The metric and its tagged variants ("metric{...}") as ONE range on the (asset_id, metric)
        // key, then the exact-or-tagged filter: an OR of two ranges makes SQLite scan the whole index.
        let seriesFilter = """
            s.asset_id IN (SELECT id FROM assets WHERE org_id = ? AND id IN (\(marks)))
              AND s.metric >= ? AND s.metric < ? AND (s.metric = ? OR s.metric >= ?)
            """
        var seriesArguments: [any DatabaseValueConvertible] = [orgID]
        seriesArguments += assetIDs
        seriesArguments += [metric, metric + "|", metric, metric + "{"]
        // Points are folded into buckets here rather than with GROUP BY: SQLite sorts every point
        // through a temporary B-tree for that, which cost 4 times the read itself (the Overview's
        // 24 hours of 1-minute rollups over 100 instances: 0.5 s against 0.1 s).
        let pointsSQL = """
            SELECT p.series_id, p.ts, \(columns)
            FROM series s JOIN \(Self.table(resolution)) p ON p.series_id = s.id
            WHERE \(seriesFilter) AND p.ts >= ? AND p.ts < ?
            """
        return try db.writer.read { db in
            var names: [Int64: (asset: String, metric: String)] = [:]
            for row in try Row.fetchAll(db, sql: "SELECT s.id, s.asset_id, s.metric FROM series s WHERE \(seriesFilter)",
                                        arguments: StatementArguments(seriesArguments)) {
                names[row[0]] = (row[1], row[2])
            }
            guard !names.isEmpty else { return [:] }
            var folds: [Int64: [Double: BucketFold]] = [:]
            // Columns by position: these loops see up to hundreds of thousands of rows per page.
            let rows = try Row.fetchCursor(
                db, sql: pointsSQL, arguments: StatementArguments(seriesArguments + [from.timeIntervalSince1970, to.timeIntervalSince1970]))
            while let row = try rows.next() {
                let series: Int64 = row[0]
                let ts: Double = row[1]
                let start = (ts / bucket).rounded(.towardZero) * bucket
                folds[series, default: [:]][start, default: BucketFold()].add(
                    sum: row[2], n: row[3], minimum: row[4], maximum: row[5], increase: row[6])
            }
            var result: Buckets = [:]
            for (series, byStart) in folds {
                guard let name = names[series] else { continue }
                result[name.asset, default: [:]][name.metric] = byStart.keys.sorted().map { start in
                    byStart[start]!.bucket(at: Date(timeIntervalSince1970: start))
                }
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

/// One bucket of one series being summed up from its points (raw samples count as n = 1).
private struct BucketFold {
    var sum = 0.0
    var n = 0
    var minimum = Double.infinity
    var maximum = -Double.infinity
    var increase: Double?

    mutating func add(sum: Double, n: Int, minimum: Double, maximum: Double, increase: Double?) {
        self.sum += sum
        self.n += n
        self.minimum = Swift.min(self.minimum, minimum)
        self.maximum = Swift.max(self.maximum, maximum)
        if let increase { self.increase = (self.increase ?? 0) + increase }
    }

    func bucket(at time: Date) -> SeriesBucket {
        SeriesBucket(time: time, average: n > 0 ? sum / Double(n) : 0, minimum: minimum, maximum: maximum, increase: increase, samples: n)
    }
}
