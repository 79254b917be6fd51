import LogstagCore

/// Decides which `pg_stat_statements` entries to send, so the payload stays small and flat
/// when the server tracks 10,000 statements.
///
/// Contract: pure state, no I/O. `select(_:)` takes every current entry (converted rows with
/// `tag_user`, `tag_database`, `tag_queryid`, `tag_toplevel`, `calls`, `total_exec_time`)
/// and returns the top `topCount` by `total_exec_time` followed by every other entry whose
/// `calls` changed since the previous `select` (new entries count as changed; biggest change
/// first), at most `maxRows` rows in all; it then remembers the current `calls` of every
/// entry, sent or not. Rows of entries that appeared since the previous `select` (not on the
/// first one) get `new_entry: true`: their whole counters happened since then. `queryIDsNeedingText(_:)` names the query ids among rows whose text
/// was never sent; `markTextsSent(_:)` records them in a first-in-first-out cache of
/// `textCacheCapacity` ids, so a text is fetched and shipped about once per statement.
struct PostgresStatementTracker {
    static let topCount = 100
    static let maxRows = 500
    static let textCacheCapacity = 20_000

    struct Key: Hashable {
        var user: String
        var database: String
        var queryID: String
        var toplevel: String
    }

    private(set) var previousCalls: [Key: Double] = [:]
    private var hasPrevious = false
    private var sentTextIDs: Set<String> = []
    private var sentTextOrder: [String] = []
    private var sentTextHead = 0
    let textCacheCapacity: Int

    init(textCacheCapacity: Int = Self.textCacheCapacity) {
        self.textCacheCapacity = textCacheCapacity
    }

    /// The rows to send this time (see the type's contract).
    mutating func select(_ rows: [[String: JSONValue]]) -> [[String: JSONValue]] {
        var current: [Key: Double] = [:]
        current.reserveCapacity(rows.count)
        var changed: [(index: Int, delta: Double)] = []
        for (index, row) in rows.enumerated() {
            guard let key = Self.key(row) else { continue }
            let calls = row["calls"]?.doubleValue ?? 0
            current[key] = calls
            if let before = previousCalls[key] {
                if calls != before { changed.append((index, calls - before)) }
            } else {
                changed.append((index, calls))
            }
        }
        // On the first collection every entry is "new" to the tracker but not to the server's
        // history: only later ones are flagged, so the server may take zero as their base.
        let newKeys = hasPrevious ? Set(current.keys).subtracting(previousCalls.keys) : []
        previousCalls = current
        hasPrevious = true

        let byTime = rows.indices.sorted {
            (rows[$0]["total_exec_time"]?.doubleValue ?? 0) > (rows[$1]["total_exec_time"]?.doubleValue ?? 0)
        }
        var chosen: [Int] = Array(byTime.prefix(Self.topCount))
        var taken = Set(chosen)
        for entry in changed.sorted(by: { $0.delta != $1.delta ? $0.delta > $1.delta : $0.index < $1.index }) where chosen.count < Self.maxRows {
            if taken.insert(entry.index).inserted { chosen.append(entry.index) }
        }
        return chosen.map { index in
            var row = rows[index]
            if let key = Self.key(row), newKeys.contains(key) { row["new_entry"] = .bool(true) }
            return row
        }
    }

    /// Query ids among `rows` whose text was never sent, each once, in row order.
    func queryIDsNeedingText(_ rows: [[String: JSONValue]]) -> [String] {
        var seen: Set<String> = []
        var ids: [String] = []
        for row in rows {
            guard let id = row["tag_queryid"]?.stringValue, !sentTextIDs.contains(id), seen.insert(id).inserted else { continue }
            ids.append(id)
        }
        return ids
    }

    /// Whether the text of `queryID` was already sent.
    func hasSentText(_ queryID: String) -> Bool { sentTextIDs.contains(queryID) }

    /// Records that the texts of `ids` were sent, evicting the oldest beyond the capacity.
    mutating func markTextsSent(_ ids: [String]) {
        for id in ids where sentTextIDs.insert(id).inserted {
            sentTextOrder.append(id)
        }
        while sentTextIDs.count > textCacheCapacity, sentTextHead < sentTextOrder.count {
            sentTextIDs.remove(sentTextOrder[sentTextHead])
            sentTextHead += 1
        }
        // Compact the queue now and then so it does not grow without bound.
        if sentTextHead > textCacheCapacity {
            sentTextOrder.removeFirst(sentTextHead)
            sentTextHead = 0
        }
    }

    /// Number of query ids in the sent-text cache.
    var sentTextCount: Int { sentTextIDs.count }

    static func key(_ row: [String: JSONValue]) -> Key? {
        guard let queryID = row["tag_queryid"]?.stringValue else { return nil }
        return Key(
            user: row["tag_user"]?.stringValue ?? "", database: row["tag_database"]?.stringValue ?? "", queryID: queryID,
            toplevel: row["tag_toplevel"]?.stringValue ?? "")
    }
}
