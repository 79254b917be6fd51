import Foundation
import GRDB
import LogstagCore

/// Deletes collected data past its retention: raw points, statement samples and snapshots after
/// the raw period, 1-minute rollups after theirs, hourly rollups and schema changes after the
/// hourly period; then series and statements that have no data left.
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
        let seriesIDs = try db.writer.read { db in try Int64.fetchAll(db, sql: "SELECT id FROM series ORDER BY id") }
        for start in stride(from: 0, to: seriesIDs.count, by: chunk) {
            let ids = seriesIDs[start..<min(start + chunk, seriesIDs.count)]
            try db.writer.write { db in
                for id in ids {
                    try db.execute(sql: "DELETE FROM points_raw WHERE series_id = ? AND ts < ?", arguments: [id, rawCutoff])
                    outcome.rawPoints += db.changesCount
                    try db.execute(sql: "DELETE FROM points_minute WHERE series_id = ? AND ts < ?", arguments: [id, minuteCutoff])
                    outcome.minutePoints += db.changesCount
                    try db.execute(sql: "DELETE FROM points_hour WHERE series_id = ? AND ts < ?", arguments: [id, hourCutoff])
                    outcome.hourPoints += db.changesCount
                    // A series nobody reported for a whole hourly retention (a dropped table's) is gone.
                    try db.execute(sql: """
                        DELETE FROM series WHERE id = ? AND COALESCE(last_ts, 0) < ?
                          AND NOT EXISTS (SELECT 1 FROM points_hour WHERE series_id = ?)
                          AND NOT EXISTS (SELECT 1 FROM points_minute WHERE series_id = ?)
                          AND NOT EXISTS (SELECT 1 FROM points_raw WHERE series_id = ?)
                        """, arguments: [id, hourCutoff, id, id, id])
                    outcome.series += db.changesCount
                }
            }
        }
        try db.writer.write { db in
            try db.execute(sql: "DELETE FROM statement_points WHERE ts < ?", arguments: [rawCutoff])
            outcome.statementPoints = db.changesCount
            try db.execute(sql: "DELETE FROM statement_hours WHERE ts < ?", arguments: [hourCutoff])
            try db.execute(sql: """
                DELETE FROM statements WHERE last_seen < ? AND NOT EXISTS (SELECT 1 FROM statement_hours h WHERE h.statement_id = statements.id)
                """, arguments: [hourCutoff])
            try db.execute(sql: "DELETE FROM schema_changes WHERE detected_at < ?", arguments: [hourCutoff])
            outcome.schemaChanges = db.changesCount
        }
        // Snapshots go oldest first in bounded batches; the latest per asset and signal stays.
        while true {
            let deleted = try db.writer.write { db in
                try db.execute(sql: """
                    DELETE FROM snapshots WHERE id IN (
                        SELECT id FROM snapshots WHERE collected_at < ?
                          AND id NOT IN (SELECT MAX(id) FROM snapshots GROUP BY asset_id, signal)
                        ORDER BY collected_at LIMIT ?)
                    """, arguments: [rawCutoff, chunk * 10])
                return db.changesCount
            }
            outcome.snapshots += deleted
            if deleted < chunk * 10 { break }
        }
        return outcome
    }
}
