import Foundation
import LogstagCore
import Testing

@testable import LogstagAgent

@Suite("PostgreSQL signal failures become unavailable with a reason (real server)")
struct PostgresSignalFailureTests {
    static func signal(
        _ name: String, _ sql: String, columns: [(String, PostgresColumnKind)] = [("value", .gauge)], timeoutMs: Int = 2000,
        minVersion: Int? = nil, requiresRole: String? = nil, requiresExtension: String? = nil
    ) -> PostgresSignal {
        PostgresSignal(
            name: name, description: "test", tier: .high, file: "\(name).sql", sql: sql, timeoutMs: timeoutMs, scope: .instance,
            minVersion: minVersion, maxVersion: nil, requiresRole: requiresRole, requiresExtension: requiresExtension,
            extensionHint: nil, scrubbedColumns: [], handler: .query, textFile: nil, textSQL: nil,
            columns: columns.map { PostgresSignal.Column(name: $0.0, kind: $0.1) })
    }

    @Test("timeouts, missing objects, undeclared columns, version bounds and extensions each get their reason")
    func reasons() throws {
        try PostgresTestServer.requireServer()
        let catalog = PostgresCatalog(signals: [
            Self.signal("pg_t_slow", "SELECT 1 AS value FROM pg_sleep(2)", timeoutMs: 100),
            Self.signal("pg_t_fast", "SELECT 1 AS value FROM pg_sleep(0.3)", timeoutMs: 2000),
            Self.signal("pg_t_missing_view", "SELECT 1 AS value FROM pg_stat_nothing_here"),
            Self.signal("pg_t_missing_function", "SELECT pg_no_such_function() AS value"),
            Self.signal("pg_t_undeclared", "SELECT 1 AS value, 2 AS surprise"),
            Self.signal("pg_t_future", "SELECT 1 AS value", minVersion: 990000),
            Self.signal("pg_t_extension", "SELECT 1 AS value", requiresExtension: "lt_no_such_extension"),
            Self.signal("pg_t_division", "SELECT 1 / 0 AS value"),
            Self.signal("pg_t_empty", "SELECT 1 AS value WHERE false"),
        ])
        let driver = PostgresDriver(target: PostgresTestServer.target(), catalog: catalog, agentVersion: "0.0.0-test")
        defer { driver.close() }
        let collection = try driver.collect(tier: .high)
        func check(_ name: String, _ reason: UnavailableReason, _ fragment: String) throws {
            let payload = try collection.pgSignal(name)
            #expect(payload.status == .unavailable, "\(name) should be unavailable")
            #expect(payload.reason == reason, "\(name): \(payload.reason?.rawValue ?? "nil")")
            #expect(payload.message?.contains(fragment) == true, "\(name): \(payload.message ?? "nil")")
            #expect(payload.rows.isEmpty)
        }
        try check("pg_t_slow", .error, "100 ms statement timeout")
        try check("pg_t_missing_view", .unsupported, "42P01")
        try check("pg_t_missing_function", .unsupported, "42883")
        try check("pg_t_undeclared", .error, "surprise")
        try check("pg_t_future", .unsupported, "needs PostgreSQL 99.0 or later")
        try check("pg_t_extension", .unsupported, "lt_no_such_extension is not installed")
        try check("pg_t_division", .error, "22012")
        // The per-signal timeout is applied per signal, not left at the last value.
        #expect(try collection.pgSignal("pg_t_fast").status == .ok)
        let empty = try collection.pgSignal("pg_t_empty")
        #expect(empty.status == .ok && empty.rows.isEmpty)
        // Failed signals did not break the session.
        #expect(driver.isConnected)
        #expect(try driver._executeForTesting("SELECT 1") == [["1"]])
    }
}
