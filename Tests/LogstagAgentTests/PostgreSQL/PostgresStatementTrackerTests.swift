import LogstagCore
import Testing

@testable import LogstagAgent

@Suite("pg_stat_statements delta selection")
struct PostgresStatementTrackerTests {
    static func row(_ id: Int, calls: Double, time: Double, user: String = "app", database: String = "db") -> [String: JSONValue] {
        [
            "tag_queryid": .string(String(id)), "tag_user": .string(user), "tag_database": .string(database),
            "tag_toplevel": .string("true"), "calls": .number(calls), "total_exec_time": .number(time), "query": .null,
        ]
    }

    @Test("the first run sends the top 100 by time and then the other entries, capped at 500")
    func firstRun() {
        var tracker = PostgresStatementTracker()
        let rows = (0..<10_000).map { Self.row($0, calls: Double($0 % 7 + 1), time: Double($0)) }
        let chosen = tracker.select(rows)
        #expect(chosen.count == 500)
        let top = chosen.prefix(100).compactMap { $0["tag_queryid"]?.stringValue }
        #expect(top == (9900..<10_000).reversed().map(String.init))
        #expect(tracker.previousCalls.count == 10_000)
    }

    @Test("later runs send the top 100 plus only the entries whose calls changed")
    func deltas() {
        var tracker = PostgresStatementTracker()
        var rows = (0..<1_000).map { Self.row($0, calls: 10, time: Double($0)) }
        _ = tracker.select(rows)
        // Nothing ran: only the top 100 by total time.
        #expect(tracker.select(rows).count == 100)
        // Three low-ranked statements ran, one of them for another user with the same query id.
        rows[5]["calls"] = .number(11)
        rows[7]["calls"] = .number(30)
        rows.append(Self.row(7, calls: 1, time: 0.5, user: "other"))
        let chosen = tracker.select(rows)
        #expect(chosen.count == 103)
        let extra = chosen.dropFirst(100).map { "\($0["tag_queryid"]!.stringValue!)/\($0["tag_user"]!.stringValue!)" }
        // Biggest change first; the new (other, 7) entry counts as changed.
        #expect(extra == ["7/app", "5/app", "7/other"])
        // Only the entry that appeared since the previous run is flagged new (its base is zero).
        #expect(chosen.filter { $0["new_entry"] == .bool(true) }.map { $0["tag_user"]!.stringValue! } == ["other"])
    }

    @Test("nothing is flagged new on the first run: the server has no history to start from zero")
    func firstRunFlagsNothing() {
        var tracker = PostgresStatementTracker()
        let chosen = tracker.select((0..<10).map { Self.row($0, calls: 5, time: 1) })
        #expect(chosen.count == 10)
        #expect(chosen.allSatisfy { $0["new_entry"] == nil })
    }

    @Test("each query text is requested once, and the cache is bounded")
    func textCache() {
        var tracker = PostgresStatementTracker(textCacheCapacity: 3)
        let rows = (1...5).map { Self.row($0, calls: 1, time: 1) }
        #expect(tracker.queryIDsNeedingText(rows) == ["1", "2", "3", "4", "5"])
        tracker.markTextsSent(["1", "2"])
        #expect(tracker.queryIDsNeedingText(rows) == ["3", "4", "5"])
        tracker.markTextsSent(["3", "4", "5"])
        #expect(tracker.sentTextCount == 3)
        // The oldest ids were evicted and would be fetched again.
        #expect(tracker.queryIDsNeedingText(rows) == ["1", "2"])
        #expect(!tracker.hasSentText("1"))
        #expect(tracker.hasSentText("5"))
    }
}
