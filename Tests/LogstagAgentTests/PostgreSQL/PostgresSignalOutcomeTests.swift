import LogstagCore
import Testing

@testable import LogstagAgent

@Suite("Merging per-database outcomes")
struct PostgresSignalOutcomeTests {
    @Test("rows of every answering database are kept and failures are named, not hidden")
    func partial() {
        let payload = PostgresSignalOutcome.merge(
            name: "pg_tables",
            outcomes: [
                ("a", .rows([["tag_database": "a"]])), ("b", .unavailable(.permission, "no CONNECT")),
                ("c", .rows([["tag_database": "c"], ["tag_database": "c"]])),
            ], durationMs: 3)
        #expect(payload.status == .ok)
        #expect(payload.rows.count == 3)
        #expect(payload.message?.contains("b (permission: no CONNECT)") == true)
    }

    @Test("when no database answered, the signal is unavailable with the common reason")
    func allFailed() {
        let same = PostgresSignalOutcome.merge(
            name: "pg_tables", outcomes: [("a", .unavailable(.permission, "x")), ("b", .unavailable(.permission, "y"))], durationMs: 1)
        #expect(same.status == .unavailable)
        #expect(same.reason == .permission)
        #expect(same.rows.isEmpty)
        let mixed = PostgresSignalOutcome.merge(
            name: "pg_tables", outcomes: [("a", .unavailable(.permission, "x")), ("b", .unavailable(.unsupported, "y"))], durationMs: 1)
        #expect(mixed.reason == .error)
        let none = PostgresSignalOutcome.merge(name: "pg_tables", outcomes: [], durationMs: 0)
        #expect(none.status == .unavailable)
    }

    @Test("more rows than the wire allows are cut and the message says so")
    func cut() {
        let rows = Array(repeating: ["x": JSONValue.number(1)], count: WireLimits.maxRowsPerSignal + 5)
        let payload = PostgresSignalOutcome.rows(rows).payload(name: "pg_x", durationMs: 0)
        #expect(payload.rows.count == WireLimits.maxRowsPerSignal)
        #expect(payload.message?.contains("Only the first") == true)
    }
}
