import Foundation
import GRDB
import LogstagCore

/// Writes the numeric columns of one ingested signal as series points: raw samples plus the
/// 1-minute and 1-hour rollups, in the caller's transaction.
///
/// Contract: one series per asset and metric key (`<signal>.<column>{tag=value,...}`, tags sorted).
/// Gauges are stored as sampled. Counters become increases: the first sample of a series only
/// sets its base (its history before monitoring is unknown); a counter that went backwards
/// restarted at zero (`CounterDelta`); a sample not newer
/// than the series' last one (a replayed or reordered batch) is ignored. A raw point that already
/// exists is left alone and not counted in the rollups again. Per-session rows are not series.
struct SeriesWriter {
    let kinds: SignalColumnKinds
    private let upsertSeries: Statement
    private let updateBase: Statement
    private let insertRaw: Statement
    private let upsertMinute: Statement
    private let upsertHour: Statement
    private let db: Database

    init(kinds: SignalColumnKinds, _ db: Database) throws {
        self.kinds = kinds
        self.db = db
        // The no-op DO UPDATE makes RETURNING answer for existing rows too.
        upsertSeries = try db.cachedStatement(sql: """
            INSERT INTO series (asset_id, metric, kind) VALUES (?, ?, ?)
            ON CONFLICT (asset_id, metric) DO UPDATE SET kind = kind
            RETURNING id, last_ts, last_raw
            """)
        updateBase = try db.cachedStatement(sql: "UPDATE series SET last_ts = ?, last_raw = ? WHERE id = ?")
        insertRaw = try db.cachedStatement(sql: "INSERT OR IGNORE INTO points_raw (series_id, ts, value, increase) VALUES (?, ?, ?, ?)")
        upsertMinute = try db.cachedStatement(sql: Self.rollupSQL("points_minute"))
        upsertHour = try db.cachedStatement(sql: Self.rollupSQL("points_hour"))
    }

    static func rollupSQL(_ table: String) -> String {
        """
        INSERT INTO \(table) (series_id, ts, n, sum, min, max, increase) VALUES (?, ?, 1, ?, ?, ?, ?)
        ON CONFLICT (series_id, ts) DO UPDATE SET n = n + 1, sum = sum + excluded.sum, min = MIN(min, excluded.min),
            max = MAX(max, excluded.max),
            increase = CASE WHEN excluded.increase IS NULL THEN increase ELSE COALESCE(increase, 0) + excluded.increase END
        """
    }

    /// The metric key of a row's column.
    static func metricKey(signal: String, column: String, row: [String: JSONValue]) -> String {
        let tags = row.keys.filter { $0.hasPrefix("tag_") }.sorted()
            .map { "\($0.dropFirst(4))=\(row[$0]?.stringValue ?? row[$0]?.doubleValue.map { String($0) } ?? "")" }
        return "\(signal).\(column)" + (tags.isEmpty ? "" : "{" + tags.joined(separator: ",") + "}")
    }

    /// Writes every finite numeric, non-tag column of `rows`; returns the points written.
    func write(assetID: String, signal: String, rows: [[String: JSONValue]], at ts: Double) throws -> Int {
        var points = 0
        for row in rows where !Self.isPerSession(row) {
            for (column, value) in row where !column.hasPrefix("tag_") {
                guard let number = value.doubleValue, number.isFinite else { continue }
                let counter = kinds.isCounter(signal: signal, column: column)
                let metric = Self.metricKey(signal: signal, column: column, row: row)
                guard let series = try Row.fetchOne(upsertSeries, arguments: [assetID, metric, counter ? "counter" : "gauge"]) else { continue }
                let seriesID: Int64 = series["id"]
                guard counter else {
                    if try record(seriesID, ts: ts, value: number, increase: nil) { points += 1 }
                    continue
                }
                let lastTs: Double? = series["last_ts"]
                let lastRaw: Double? = series["last_raw"]
                if let lastTs, ts <= lastTs { continue }
                try updateBase.execute(arguments: [ts, number, seriesID])
                guard let lastTs, let lastRaw, let increase = CounterDelta.increase(previous: lastRaw, current: number) else { continue }
                if try record(seriesID, ts: ts, value: increase / (ts - lastTs), increase: increase) { points += 1 }
            }
        }
        return points
    }

    /// Rows keyed by a session (a backend pid, a Redis client or slow-log id) would make a new
    /// series per connection forever: they stay in the snapshots the Activity Explorer reads.
    static func isPerSession(_ row: [String: JSONValue]) -> Bool {
        row["tag_pid"] != nil || row["tag_id"] != nil
    }

    /// Inserts a raw point and, when it is new, folds it into both rollups.
    private func record(_ seriesID: Int64, ts: Double, value: Double, increase: Double?) throws -> Bool {
        try insertRaw.execute(arguments: [seriesID, ts, value, increase])
        guard db.changesCount > 0 else { return false }
        try upsertMinute.execute(arguments: [seriesID, (ts / 60).rounded(.down) * 60, value, value, value, increase])
        try upsertHour.execute(arguments: [seriesID, (ts / 3600).rounded(.down) * 3600, value, value, value, increase])
        return true
    }
}
