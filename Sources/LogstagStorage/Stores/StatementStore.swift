import Foundation
import GRDB
import LogstagCore

/// One normalised statement's counters summed over a window (Query Explorer).
public struct StatementTotals: Sendable, Equatable {
    public var calls = 0.0, totalTime = 0.0, rows = 0.0
    public var sharedHit = 0.0, sharedRead = 0.0, sharedDirtied = 0.0, sharedWritten = 0.0
    public var tempRead = 0.0, tempWritten = 0.0, blockReadTime = 0.0, blockWriteTime = 0.0
    public var minTime: Double?, maxTime: Double?
    public var lastExecuted: Date?

    public init() {}

    /// Execution-weighted mean: total time over calls.
    public var meanTime: Double? { calls > 0 ? totalTime / calls : nil }
    /// Shared-buffer hits over all shared blocks touched; nil when none were.
    public var hitRatio: Double? { sharedHit + sharedRead > 0 ? sharedHit / (sharedHit + sharedRead) : nil }
}

/// A statement as listed: identity, text and window totals.
public struct StatementSummary: Sendable, Equatable {
    public let id: Int64
    public let assetID: String
    public let queryID: String
    public let database: String
    public let user: String
    public let toplevel: Bool
    public let query: String
    public let firstSeen: Date
    public var totals: StatementTotals
}

/// One chart bucket of a statement.
public struct StatementBucket: Sendable, Equatable {
    public let time: Date
    public let totals: StatementTotals
}

/// Query latency of one bucket across statements (see `StatementStore.latencyBuckets`).
public struct LatencyBucket: Sendable, Equatable {
    public let time: Date
    public let average: Double
    public let maximum: Double
}

/// Reads the Query Explorer's statements, scoped to an organisation.
///
/// Contract: window sums add daily rows for the whole UTC days inside the window, hourly rows
/// for the whole hours around them and raw samples for the partial hours at its edges; once raw
/// samples at the window's start are past retention, whole overlapping hours are used.
/// A statement is listed when it ran in the window.
public struct StatementStore: Sendable {
    let db: AppDatabase

    public init(_ db: AppDatabase) { self.db = db }

    public enum Sort: String, Sendable, CaseIterable {
        case meanTime = "mean_time", calls, totalTime = "total_time", rows, hitRatio = "hit_ratio", lastExecuted = "last_executed"
    }

    public struct Page: Sendable, Equatable {
        public let total: Int
        public let items: [StatementSummary]
    }

    static let sums = """
        SUM(calls) AS calls, SUM(total_time) AS total_time, SUM(rows) AS rows, SUM(shared_hit) AS shared_hit,
        SUM(shared_read) AS shared_read, SUM(shared_dirtied) AS shared_dirtied, SUM(shared_written) AS shared_written,
        SUM(temp_read) AS temp_read, SUM(temp_written) AS temp_written, SUM(blk_read_time) AS blk_read_time,
        SUM(blk_write_time) AS blk_write_time, MIN(min_time) AS min_time, MAX(max_time) AS max_time, MAX(ts) AS last_run
        """
    static let columns = "statement_id, ts, calls, total_time, rows, shared_hit, shared_read, shared_dirtied, shared_written, temp_read, temp_written, blk_read_time, blk_write_time, min_time, max_time"

    /// The samples of a window as a subquery over daily, hourly and raw rows (see the contract),
    /// with its arguments. Daily rows cover the whole UTC days inside the window, hourly rows the
    /// whole hours around them, raw samples the partial hours at the edges: a 30-day window reads
    /// about 30 + 46 rows per statement plus two edge hours of samples, not 720 hourly rows.
    static func windowRows(from: Date, to: Date, rawRetainedSince: Date) -> (String, [any DatabaseValueConvertible]) {
        let start = from.timeIntervalSince1970
        let end = to.timeIntervalSince1970
        let rawAtStart = from >= rawRetainedSince
        // [h0, h1): the part read from rollups. Without raw samples at the start, the hour
        // overlapping it counts whole, and so does the one overlapping the end.
        let h0 = rawAtStart ? (start / 3600).rounded(.up) * 3600 : (start / 3600).rounded(.down) * 3600
        let h1 = rawAtStart ? max(h0, (end / 3600).rounded(.down) * 3600) : end
        let d0 = (h0 / 86_400).rounded(.up) * 86_400
        let d1 = (h1 / 86_400).rounded(.down) * 86_400
        var parts: [String] = []
        var arguments: [any DatabaseValueConvertible] = []
        if d1 > d0 {
            parts.append("SELECT \(columns) FROM statement_days WHERE ts >= ? AND ts < ?")
            parts.append("SELECT \(columns) FROM statement_hours WHERE (ts >= ? AND ts < ?) OR (ts >= ? AND ts < ?)")
            arguments += [d0, d1, h0, d0, d1, h1]
        } else {
            parts.append("SELECT \(columns) FROM statement_hours WHERE ts >= ? AND ts < ?")
            arguments += [h0, h1]
        }
        if rawAtStart {
            // Hourly and daily rows carry their period's start as ts: "last executed" is exact only
            // from raw samples, which cover the window's recent edge whenever it ends inside an hour.
            // Two plain ranges, so the ts index reads only the edges (a NOT over one range read
            // every raw sample of the window).
            // A window inside one hour has h0 past its end: both ranges stop at the end.
            parts.append("SELECT \(columns) FROM statement_points WHERE ts >= ? AND ts < ? AND ts <= ?")
            parts.append("SELECT \(columns) FROM statement_points WHERE ts >= ? AND ts <= ?")
            arguments += [start, h0, end, h1, end]
        }
        return (parts.joined(separator: "\nUNION ALL\n"), arguments)
    }

    public func list(
        orgID: String, assetIDs: [String], from: Date, to: Date, rawRetainedSince: Date, search: String = "",
        database: String? = nil, user: String? = nil,
        sort: Sort = .totalTime, descending: Bool = true, limit: Int = 50, offset: Int = 0
    ) throws -> Page {
        guard !assetIDs.isEmpty else { return Page(total: 0, items: []) }
        let (window, windowArguments) = Self.windowRows(from: from, to: to, rawRetainedSince: rawRetainedSince)
        let marks = SQLText.placeholders(assetIDs.count)
        var filter = ""
        var filterArguments: [any DatabaseValueConvertible] = []
        if !search.isEmpty {
            filter = " AND (instr(lower(s.query), ?) > 0 OR instr(lower(s.database_name), ?) > 0 OR s.query_id = ?)"
            filterArguments = [search.lowercased(), search.lowercased(), search]
        }
        // Column filters match exactly: they come from the values the table shows.
        if let database {
            filter += " AND s.database_name = ?"
            filterArguments.append(database)
        }
        if let user {
            filter += " AND s.user_name = ?"
            filterArguments.append(user)
        }
        let order = switch sort {
        case .meanTime: "t.total_time / t.calls"
        case .calls: "t.calls"
        case .totalTime: "t.total_time"
        case .rows: "t.rows"
        case .hitRatio: "CASE WHEN t.shared_hit + t.shared_read > 0 THEN t.shared_hit / (t.shared_hit + t.shared_read) END"
        case .lastExecuted: "t.last_run"
        }
        let body = """
            FROM (SELECT statement_id, \(Self.sums) FROM (\(window)) GROUP BY statement_id HAVING SUM(calls) > 0) t
            JOIN statements s ON s.id = t.statement_id
            WHERE s.asset_id IN (SELECT id FROM assets WHERE org_id = ? AND id IN (\(marks)))\(filter)
            """
        var arguments = windowArguments
        arguments.append(orgID)
        arguments += assetIDs
        arguments += filterArguments
        return try db.writer.read { db in
            // The total rides along on every row (COUNT(*) OVER ()), so the window's samples are
            // summed once, not once for the count and again for the page.
            let rows = try Row.fetchAll(
                db, sql: "SELECT s.*, t.*, COUNT(*) OVER () AS total_rows \(body) ORDER BY \(order) \(descending ? "DESC" : "ASC") NULLS LAST, s.id LIMIT ? OFFSET ?",
                arguments: StatementArguments(arguments + [limit, offset]))
            let total: Int
            if let first = rows.first {
                total = first["total_rows"]
            } else {
                total = offset == 0 ? 0 : try Int.fetchOne(db, sql: "SELECT COUNT(*) \(body)", arguments: StatementArguments(arguments)) ?? 0
            }
            return Page(total: total, items: rows.map(Self.summary))
        }
    }

    /// One statement with its totals over the window; nil when it is not the organisation's.
    public func statement(orgID: String, id: Int64, from: Date, to: Date, rawRetainedSince: Date) throws -> StatementSummary? {
        let (window, windowArguments) = Self.windowRows(from: from, to: to, rawRetainedSince: rawRetainedSince)
        return try db.writer.read { db in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT s.*, t.* FROM statements s JOIN assets a ON a.id = s.asset_id AND a.org_id = ?
                LEFT JOIN (SELECT statement_id, \(Self.sums) FROM (\(window)) WHERE statement_id = ? GROUP BY statement_id) t ON t.statement_id = s.id
                WHERE s.id = ?
                """, arguments: StatementArguments([orgID] + windowArguments + [id, id]))
            else { return nil }
            return Self.summary(row)
        }
    }

    /// Per-bucket totals of one statement for charts (raw samples inside raw retention, hourly rows before).
    public func buckets(orgID: String, id: Int64, from: Date, to: Date, bucket: TimeInterval, rawRetainedSince: Date) throws -> [StatementBucket] {
        let table = from < rawRetainedSince || bucket >= 3600 ? "statement_hours" : "statement_points"
        return try db.writer.read { db in
            try Row.fetchAll(db, sql: """
                SELECT CAST(p.ts / ? AS INTEGER) * ? AS bucket, \(Self.sums.replacingOccurrences(of: "MAX(ts)", with: "MAX(p.ts)"))
                FROM \(table) p JOIN statements s ON s.id = p.statement_id JOIN assets a ON a.id = s.asset_id AND a.org_id = ?
                WHERE p.statement_id = ? AND p.ts >= ? AND p.ts < ?
                GROUP BY bucket ORDER BY bucket
                """, arguments: [bucket, bucket, orgID, id, from.timeIntervalSince1970, to.timeIntervalSince1970]
            ).map { StatementBucket(time: Date(timeIntervalSince1970: $0["bucket"]), totals: Self.totals($0)) }
        }
    }

    /// Query latency per bucket across the statements of some instances (optionally one database):
    /// `average` = total execution time / calls (execution-weighted), `maximum` = the highest
    /// per-statement mean within the bucket. One query however many statements there are.
    public func latencyBuckets(
        orgID: String, assetIDs: [String], database: String?, from: Date, to: Date, bucket: TimeInterval, rawRetainedSince: Date
    ) throws -> [LatencyBucket] {
        guard !assetIDs.isEmpty, bucket > 0 else { return [] }
        let table = from < rawRetainedSince || bucket >= 3600 ? "statement_hours" : "statement_points"
        let marks = SQLText.placeholders(assetIDs.count)
        var arguments: [any DatabaseValueConvertible] = [orgID]
        arguments += assetIDs
        var databaseFilter = ""
        if let database {
            databaseFilter = " AND s.database_name = ?"
            arguments.append(database)
        }
        arguments += [from.timeIntervalSince1970, to.timeIntervalSince1970]
        return try db.writer.read { db in
            // Summed here rather than with two GROUP BYs: SQLite sorts every sample through a
            // temporary B-tree for those, which costs several times the read (see SeriesStore.buckets).
            var byBucket: [Double: [Int64: (time: Double, calls: Double)]] = [:]
            let rows = try Row.fetchCursor(db, sql: """
                SELECT p.statement_id, p.ts, p.total_time, p.calls
                FROM \(table) p JOIN statements s ON s.id = p.statement_id
                WHERE s.asset_id IN (SELECT id FROM assets WHERE org_id = ? AND id IN (\(marks)))\(databaseFilter)
                  AND p.ts >= ? AND p.ts < ?
                """, arguments: StatementArguments(arguments))
            while let row = try rows.next() {
                let statement: Int64 = row[0]
                let ts: Double = row[1]
                let start = (ts / bucket).rounded(.towardZero) * bucket
                let totalTime: Double = row[2]
                let calls: Double = row[3]
                byBucket[start, default: [:]][statement, default: (0, 0)].time += totalTime
                byBucket[start]![statement]!.calls += calls
            }
            return byBucket.keys.sorted().compactMap { start -> LatencyBucket? in
                // A statement counts in a bucket only if it was called there.
                let called = byBucket[start]!.values.filter { $0.calls > 0 }
                guard !called.isEmpty else { return nil }
                let time = called.reduce(0) { $0 + $1.time }
                let calls = called.reduce(0) { $0 + $1.calls }
                let maximum = called.map { $0.time / $0.calls }.max()!
                return LatencyBucket(time: Date(timeIntervalSince1970: start), average: time / calls, maximum: maximum)
            }
        }
    }

    /// Mean execution time per statement over a window (the trend's previous window).
    public func meanTimes(orgID: String, ids: [Int64], from: Date, to: Date, rawRetainedSince: Date) throws -> [Int64: Double] {
        guard !ids.isEmpty else { return [:] }
        let (window, windowArguments) = Self.windowRows(from: from, to: to, rawRetainedSince: rawRetainedSince)
        let marks = SQLText.placeholders(ids.count)
        return try db.writer.read { db in
            var result: [Int64: Double] = [:]
            let rows = try Row.fetchAll(db, sql: """
                SELECT t.statement_id, t.total_time / t.calls AS mean FROM
                (SELECT statement_id, SUM(total_time) AS total_time, SUM(calls) AS calls FROM (\(window))
                 WHERE statement_id IN (\(marks)) GROUP BY statement_id HAVING SUM(calls) > 0) t
                JOIN statements s ON s.id = t.statement_id JOIN assets a ON a.id = s.asset_id AND a.org_id = ?
                """, arguments: StatementArguments(windowArguments + ids + [orgID]))
            for row in rows { result[row["statement_id"]] = row["mean"] }
            return result
        }
    }

    static func totals(_ row: Row) -> StatementTotals {
        var totals = StatementTotals()
        totals.calls = row["calls"] ?? 0
        totals.totalTime = row["total_time"] ?? 0
        totals.rows = row["rows"] ?? 0
        totals.sharedHit = row["shared_hit"] ?? 0
        totals.sharedRead = row["shared_read"] ?? 0
        totals.sharedDirtied = row["shared_dirtied"] ?? 0
        totals.sharedWritten = row["shared_written"] ?? 0
        totals.tempRead = row["temp_read"] ?? 0
        totals.tempWritten = row["temp_written"] ?? 0
        totals.blockReadTime = row["blk_read_time"] ?? 0
        totals.blockWriteTime = row["blk_write_time"] ?? 0
        totals.minTime = row["min_time"]
        totals.maxTime = row["max_time"]
        totals.lastExecuted = (row["last_run"] as Double?).map { Date(timeIntervalSince1970: $0) }
        return totals
    }

    static func summary(_ row: Row) -> StatementSummary {
        StatementSummary(
            id: row["id"], assetID: row["asset_id"], queryID: row["query_id"], database: row["database_name"], user: row["user_name"],
            toplevel: (row["toplevel"] as String) != "false", query: row["query"], firstSeen: Date(timeIntervalSince1970: row["first_seen"]),
            totals: totals(row))
    }
}
