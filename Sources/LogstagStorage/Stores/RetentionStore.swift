import Foundation
import GRDB
import LogstagCore

/// Deletes collected data past its retention: raw points, statement samples and snapshots after
/// the raw period (snapshots thinned to one an hour after a day, see `denseSnapshotPeriod`), 1-minute rollups after theirs, hourly rollups, statement days and schema
/// changes after the hourly period; then series and statements that have no data left.
///
/// Contract: the latest snapshot of every signal of every asset is always kept (pages and health
/// checks read "the current state" from it, however old). Deletes run per series through the
/// primary key, in transactions of `chunk` series, so ingest is never blocked for long.
public struct RetentionStore: Sendable {
    let db: AppDatabase

    public init(_ db: AppDatabase) { self.db = db }

    public struct Outcome: Sendable, Equatable {
        public var rawPoints = 0, minutePoints = 0, hourPoints = 0, statementPoints = 0, snapshots = 0, series = 0, schemaChanges = 0
    }

    public func purge(now: Date, retention: SeriesRetention, chunk: Int = 500) throws -> Outcome {
        var outcome = Outcome()
        let rawCutoff = now.timeIntervalSince1970 - retention.raw
        let minuteCutoff = now.timeIntervalSince1970 - retention.minute
        let hourCutoff = now.timeIntervalSince1970 - retention.hour
        // Points: one statement per chunk of series; the (series_id, ts) key serves each range.
        let seriesIDs = try db.writer.read { db in try Int64.fetchAll(db, sql: "SELECT id FROM series ORDER BY id") }
        for start in stride(from: 0, to: seriesIDs.count, by: chunk) {
            let ids = Array(seriesIDs[start..<min(start + chunk, seriesIDs.count)])
            let marks = SQLText.placeholders(ids.count)
            try db.writer.write { db in
                for (table, cutoff) in [("points_raw", rawCutoff), ("points_minute", minuteCutoff), ("points_hour", hourCutoff)] {
                    try db.execute(sql: "DELETE FROM \(table) WHERE series_id IN (\(marks)) AND ts < ?", arguments: StatementArguments(ids + [cutoff]))
                    switch table {
                    case "points_raw": outcome.rawPoints += db.changesCount
                    case "points_minute": outcome.minutePoints += db.changesCount
                    default: outcome.hourPoints += db.changesCount
                    }
                }
            }
        }
        try db.writer.write { db in
            // A series nobody reported for a whole hourly retention (a dropped table's) is gone.
            try db.execute(sql: """
                DELETE FROM series WHERE COALESCE(last_ts, 0) < ?
                  AND NOT EXISTS (SELECT 1 FROM points_hour WHERE series_id = series.id)
                  AND NOT EXISTS (SELECT 1 FROM points_minute WHERE series_id = series.id)
                  AND NOT EXISTS (SELECT 1 FROM points_raw WHERE series_id = series.id)
                """, arguments: [hourCutoff])
            outcome.series = db.changesCount
            try db.execute(sql: "DELETE FROM statement_points WHERE ts < ?", arguments: [rawCutoff])
            outcome.statementPoints = db.changesCount
            try db.execute(sql: "DELETE FROM statement_hours WHERE ts < ?", arguments: [hourCutoff])
            // A day goes once all of it is past the hourly period.
            try db.execute(sql: "DELETE FROM statement_days WHERE ts < ?", arguments: [hourCutoff - 86_400])
            try db.execute(sql: """
                DELETE FROM statements WHERE last_seen < ?
                  AND NOT EXISTS (SELECT 1 FROM statement_hours h WHERE h.statement_id = statements.id)
                  AND NOT EXISTS (SELECT 1 FROM statement_days d WHERE d.statement_id = statements.id)
                """, arguments: [hourCutoff])
            try db.execute(sql: "DELETE FROM schema_changes WHERE detected_at < ?", arguments: [hourCutoff])
            outcome.schemaChanges = db.changesCount
        }
        outcome.snapshots = try purgeSnapshots(before: rawCutoff, thinBefore: now.timeIntervalSince1970 - Self.denseSnapshotPeriod)
        return outcome
    }

    /// Snapshots younger than this are all kept: a health check compares the latest snapshot with
    /// the oldest one inside its window (24 hours at most), so that baseline stays exact. Older
    /// ones are thinned to the first of each hour (per tier and status): numbers live on in the
    /// series and statement tables at full resolution, and a 10-second signal stores 24 rows a day
    /// instead of 8,640 for the rest of the raw period.
    public static let denseSnapshotPeriod: TimeInterval = 25 * 3600

    /// Snapshots older than `cutoff`, except the latest of each asset and signal (the explorers'
    /// "current" state and the base of the next schema diff); between `cutoff` and `thinBefore`
    /// every snapshot but the first of its hour (per tier and status), the latest and the latest
    /// ok one. Works per asset and signal through the (asset_id, signal, collected_at) index, so an
    /// hourly purge never scans the whole table.
    func purgeSnapshots(before cutoff: Double, thinBefore: Double) throws -> Int {
        let assetIDs = try db.writer.read { db in try String.fetchAll(db, sql: "SELECT id FROM assets") }
        var deleted = 0
        for assetID in assetIDs {
            // A skip scan of the index: one seek per signal instead of reading every entry.
            let signals = try db.writer.read { db in
                try String.fetchAll(db, sql: SnapshotSQL.signals, arguments: [assetID, assetID])
            }
            guard !signals.isEmpty else { continue }
            deleted += try db.writer.write { db in
                var count = 0
                for signal in signals {
                    let latest = try Int64.fetchOne(db, sql: """
                        SELECT id FROM snapshots WHERE asset_id = ? AND signal = ? ORDER BY collected_at DESC, id DESC LIMIT 1
                        """, arguments: [assetID, signal]) ?? 0
                    let latestOK = try Int64.fetchOne(db, sql: """
                        SELECT id FROM snapshots WHERE asset_id = ? AND signal = ? AND status = 'ok' ORDER BY collected_at DESC, id DESC LIMIT 1
                        """, arguments: [assetID, signal]) ?? 0
                    try db.execute(sql: """
                        DELETE FROM snapshots WHERE asset_id = ? AND signal = ? AND collected_at < ? AND id <> ?
                        """, arguments: [assetID, signal, cutoff, latest])
                    count += db.changesCount
                    try db.execute(sql: """
                        DELETE FROM snapshots WHERE id IN (
                            SELECT id FROM (
                                SELECT id, ROW_NUMBER() OVER (
                                    PARTITION BY CAST(collected_at / 3600 AS INTEGER), tier, status ORDER BY collected_at, id) AS n
                                FROM snapshots WHERE asset_id = ? AND signal = ? AND collected_at >= ? AND collected_at < ?)
                            WHERE n > 1)
                          AND id NOT IN (?, ?)
                        """, arguments: [assetID, signal, cutoff, thinBefore, latest, latestOK])
                    count += db.changesCount
                }
                return count
            }
        }
        return deleted
    }
}
