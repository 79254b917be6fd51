import Foundation
import LogstagCore
import Testing

@testable import LogstagAgent

// Serialized: `capped` floods pg_stat_statements with changed entries, which would push the
// other tests' statements past the 500-row cap.
@Suite("pg_stat_statements collection against the real server", .serialized)
struct PostgresStatementsTests {
    @Test("a statement run N times shows calls >= N with its normalised text, and the text is sent only once")
    func callsAndTextOnce() throws {
        let table = PostgresTestServer.uniqueName("lt_stmt")
        let runs = 25
        let admin = try PostgresTestServer.admin()
        defer { admin.close() }
        try admin.execute("CREATE TABLE \(table) (id int)")
        defer { try? admin.execute("DROP TABLE \(table)") }
        let driver = try PostgresTestServer.driver(PostgresTestServer.target())
        defer { driver.close() }
        _ = try driver.collect(tier: .medium)  // baseline: the next run sends what changed

        for value in 0..<runs { try admin.query("SELECT count(*) FROM \(table) WHERE id > $1::int", [String(value)]) }
        let first = try driver.collect(tier: .medium).pgSignal("pg_stat_statements")
        #expect(first.status == .ok)
        #expect(first.rows.count <= PostgresStatementTracker.maxRows)
        let row = try #require(first.rows.first { $0["query"]?.stringValue?.contains(table) == true }, "the statement is not in the payload")
        #expect((row["calls"]?.doubleValue ?? 0) >= Double(runs))
        #expect(row["query"] == .string("SELECT count(*) FROM \(table) WHERE id > $1::int"))
        #expect(row["tag_database"] == .string("postgres"))
        #expect(row["tag_user"] == .string("postgres"))
        #expect((row["total_exec_time"]?.doubleValue ?? -1) >= 0)
        #expect((row["mean_exec_time"]?.doubleValue ?? -1) >= 0)
        let queryID = try #require(row["tag_queryid"]?.stringValue)
        #expect(Int64(queryID) != nil)
        #expect(driver._statementTrackerForTesting.hasSentText(queryID))

        for value in 0..<3 { try admin.query("SELECT count(*) FROM \(table) WHERE id > $1::int", [String(value)]) }
        let second = try driver.collect(tier: .medium).pgSignal("pg_stat_statements")
        let again = try #require(second.pgRows(where: "tag_queryid", is: queryID).first, "a statement that ran again must be sent again")
        #expect((again["calls"]?.doubleValue ?? 0) >= Double(runs + 3))
        #expect(again["query"] == .null, "the text was sent twice")
    }

    @Test("many changed statements are capped at 500 rows per collection")
    func capped() throws {
        let admin = try PostgresTestServer.admin()
        defer { admin.close() }
        let driver = try PostgresTestServer.driver(PostgresTestServer.target())
        defer { driver.close() }
        _ = try driver.collect(tier: .medium)
        // Utility statements are tracked by their text, so each of these is its own entry.
        let tag = PostgresTestServer.uniqueName("lt_cap")
        for index in 0..<600 { try admin.execute("SET application_name = '\(tag)_\(index)'") }
        let entries = try admin.scalar("SELECT count(*) FROM pg_stat_statements WHERE query LIKE $1", ["SET application_name = '\(tag)_%"])
        #expect(Int(entries ?? "0") ?? 0 >= 450, "the server did not track the statements (\(entries ?? "nil"))")
        let payload = try driver.collect(tier: .medium).pgSignal("pg_stat_statements")
        #expect(payload.rows.count == PostgresStatementTracker.maxRows)
    }

    @Test("a password literal never reaches a payload, neither from pg_stat_statements nor from pg_stat_activity")
    func passwordNeverLeaks() throws {
        let secret = "S3cr3t" + UUID().uuidString.replacingOccurrences(of: "-", with: "")
        let role = PostgresTestServer.uniqueName("lt_leak")
        defer { PostgresTestServer.drop(roles: [role]) }
        let admin = try PostgresTestServer.admin()
        defer { admin.close() }
        let driver = try PostgresTestServer.driver(PostgresTestServer.target())
        defer { driver.close() }
        _ = try driver.collect(tier: .medium)

        // Repeated so the statement ranks among the entries that changed most since the baseline.
        for _ in 0..<20 {
            try admin.execute("CREATE ROLE \(role) PASSWORD '\(secret)'")
            try admin.execute("DROP ROLE \(role)")
        }
        try admin.execute("CREATE ROLE \(role) PASSWORD '\(secret)'")
        // Precondition: PostgreSQL itself kept the literal, so the scrubber is what protects it.
        #expect(try admin.scalar("SELECT count(*) FROM pg_stat_statements WHERE query LIKE $1", ["%\(secret)%"]) == "1")
        let sleeper = PostgresBackgroundSession(statements: ["SELECT pg_sleep(3), '\(secret)' AS lt_leak"])
        let sleeperPID = try sleeper.pid()
        #expect(try PostgresTestServer.eventually {
            try admin.scalar("SELECT state FROM pg_stat_activity WHERE pid = $1::int", [String(sleeperPID)]) == "active"
        })

        var collections: [TierCollection] = []
        for tier in Tier.allCases { collections.append(try driver.collect(tier: tier)) }
        sleeper.waitUntilFinished()
        let json = String(decoding: try WireCoding.encoder().encode(collections.flatMap(\.signals)), as: UTF8.self)
        #expect(!json.contains(secret), "the password literal leaked into a payload")

        let statements = try #require(collections.first { $0.signals.contains { $0.name == "pg_stat_statements" } })
        let created = try statements.pgSignal("pg_stat_statements").rows.first { $0["query"]?.stringValue?.contains(role) == true }
        #expect(created?["query"] == .string("CREATE ROLE \(role) PASSWORD ?"), "the CREATE ROLE statement is missing or not scrubbed")
        let activity = try collections[0].pgSignal("pg_activity").pgRows(where: "tag_pid", is: String(sleeperPID)).first
        #expect(activity?["query"] == .string("SELECT pg_sleep(?), ? AS lt_leak"))
    }
}
