import Foundation
import GRDB
import LogstagCore

/// Writes `pg_stat_statements` rows for the Query Explorer: one statement per (query id,
/// database, user, top level) with its normalised text, and per collection one row of counter
/// increases, folded into hourly sums.
///
/// Contract: the first sample of a statement only sets its base, unless the agent flagged the
/// row `new_entry` (it appeared since the agent's previous collection: its base is zero at that
/// collection). Each stored increase is also added to its hour's and its (UTC) day's sums.
/// When `calls` went backwards the entry was reset (`pg_stat_statements_reset()`,
/// restart, eviction): every counter restarted at zero, so the increases are the new values.
/// Intervals without a call are not stored. The agent sends a text once per query id; the first
/// non-empty text is kept.
struct StatementWriter {
    static let signal = "pg_stat_statements"
    /// Counter columns in the order of `statement_points`' value columns.
    static let counters = [
        "calls", "total_exec_time", "rows", "shared_blks_hit", "shared_blks_read", "shared_blks_dirtied", "shared_blks_written",
        "temp_blks_read", "temp_blks_written", "blk_read_time", "blk_write_time",
    ]
    static let pointColumns = "calls, total_time, rows, shared_hit, shared_read, shared_dirtied, shared_written, temp_read, temp_written, blk_read_time, blk_write_time"

    private let upsertStatement: Statement
    private let updateBase: Statement
    private let insertPoint: Statement
    private let upsertHour: Statement
    private let upsertDay: Statement
    private let db: Database

    init(_ db: Database) throws {
        self.db = db
        upsertStatement = try db.cachedStatement(sql: """
            INSERT INTO statements (asset_id, query_id, database_name, user_name, toplevel, query, first_seen, last_seen)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            ON CONFLICT (asset_id, query_id, database_name, user_name, toplevel) DO UPDATE SET
                last_seen = MAX(last_seen, excluded.last_seen),
                query = CASE WHEN query = '' THEN excluded.query ELSE query END
            RETURNING id, last_ts, last_counters
            """)
        updateBase = try db.cachedStatement(sql: "UPDATE statements SET last_ts = ?, last_counters = ? WHERE id = ?")
        let placeholders = SQLText.placeholders(Self.counters.count)
        insertPoint = try db.cachedStatement(sql: """
            INSERT OR IGNORE INTO statement_points (statement_id, ts, seconds, \(Self.pointColumns), min_time, max_time)
            VALUES (?, ?, ?, \(placeholders), ?, ?)
            """)
        upsertHour = try Self.makeRollupUpsert(db, table: "statement_hours")
        upsertDay = try Self.makeRollupUpsert(db, table: "statement_days")
    }

    /// Returns the number of statement samples stored.
    func write(assetID: String, rows: [[String: JSONValue]], at ts: Double, previousCollection: Double?) throws -> Int {
        var stored = 0
        for row in rows {
            guard let queryID = row["tag_queryid"]?.stringValue else { continue }
            let current = Self.counters.map { row[$0]?.doubleValue ?? 0 }
            guard current.allSatisfy(\.isFinite) else { continue }
            guard let statement = try Row.fetchOne(upsertStatement, arguments: [
                assetID, queryID, row["tag_database"]?.stringValue ?? "", row["tag_user"]?.stringValue ?? "",
                row["tag_toplevel"]?.stringValue ?? "", row["query"]?.stringValue ?? "", ts, ts,
            ]) else { continue }
            let id: Int64 = statement["id"]
            let lastTs: Double? = statement["last_ts"]
            if let lastTs, ts <= lastTs { continue }
            try updateBase.execute(arguments: [ts, Self.encode(current), id])

            var base: (ts: Double, counters: [Double])?
            if let lastTs, let saved = (statement["last_counters"] as String?).flatMap(Self.decode), saved.count == current.count {
                base = (lastTs, saved)
            } else if row["new_entry"] == .bool(true), let previousCollection, previousCollection < ts {
                base = (previousCollection, Array(repeating: 0, count: current.count))
            }
            guard let base else { continue }
            // A reset shows on calls first (it only ever grows); then every counter restarted.
            let reset = current[0] < base.counters[0]
            let increases = zip(base.counters, current).map { previous, now in
                reset ? now : (CounterDelta.increase(previous: previous, current: now) ?? 0)
            }
            guard increases[0] > 0 else { continue }
            let arguments: [(any DatabaseValueConvertible)?] = [id, ts, ts - base.ts] + increases.map { $0 }
                + [row["min_exec_time"]?.doubleValue, row["max_exec_time"]?.doubleValue]
            try insertPoint.execute(arguments: StatementArguments(arguments))
            guard db.changesCount > 0 else { continue }
            var rollup = arguments
            rollup[1] = (ts / 3600).rounded(.down) * 3600
            try upsertHour.execute(arguments: StatementArguments(rollup))
            rollup[1] = (ts / 86_400).rounded(.down) * 86_400
            try upsertDay.execute(arguments: StatementArguments(rollup))
            stored += 1
        }
        return stored
    }

    /// Adds a sample to the row of its period: sums, and the extremes of min/max_time.
    static func makeRollupUpsert(_ db: Database, table: String) throws -> Statement {
        let sums = pointColumns.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
            .map { "\($0) = \($0) + excluded.\($0)" }.joined(separator: ", ")
        return try db.cachedStatement(sql: """
            INSERT INTO \(table) (statement_id, ts, seconds, \(pointColumns), min_time, max_time)
            VALUES (?, ?, ?, \(SQLText.placeholders(counters.count)), ?, ?)
            ON CONFLICT (statement_id, ts) DO UPDATE SET seconds = seconds + excluded.seconds, \(sums),
                min_time = MIN(COALESCE(min_time, excluded.min_time), COALESCE(excluded.min_time, min_time)),
                max_time = MAX(COALESCE(max_time, excluded.max_time), COALESCE(excluded.max_time, max_time))
            """)
    }

    static func encode(_ counters: [Double]) -> String {
        "[" + counters.map { String($0) }.joined(separator: ",") + "]"
    }

    static func decode(_ text: String) -> [Double]? {
        try? JSONDecoder().decode([Double].self, from: Data(text.utf8))
    }
}
