import LogstagCore
import Testing

@testable import LogstagAgent

@Suite("PostgreSQL prerequisite evaluation")
struct PostgresPrerequisitesTests {
    static let healthy = PostgresPrerequisites(
        user: "logstag", database: "app", serverVersionNumber: 150020, transactionReadOnly: true, isSuperuser: false,
        hasMonitorRole: true, preloadLibraries: "pg_stat_statements", statementsInstalled: true, statementsAnswer: true,
        trackIOTiming: true, databasesWithoutConnect: [])

    static func status(_ outcomes: [PostgresPrerequisites.Outcome], _ name: String) -> CheckStatus? {
        outcomes.first { $0.check.name == name }?.check.status
    }

    @Test("a well-prepared server passes every check, in the documented order")
    func healthy() {
        let outcomes = Self.healthy.evaluate()
        #expect(outcomes.map(\.check.name) == [
            "Login works", "Session is read-only", "pg_monitor membership", "pg_stat_statements in shared_preload_libraries",
            "pg_stat_statements installed in app", "track_io_timing", "CONNECT on every database", "PostgreSQL 10 or later",
        ])
        #expect(outcomes.allSatisfy { $0.check.status == .pass })
        #expect(outcomes.allSatisfy { $0.fix == nil })
    }

    @Test("each problem yields its status and the exact fix")
    func problems() {
        var facts = Self.healthy
        facts.user = "user"
        facts.hasMonitorRole = false
        facts.preloadLibraries = "auto_explain"
        facts.statementsInstalled = false
        facts.trackIOTiming = false
        facts.databasesWithoutConnect = ["sales"]
        facts.serverVersionNumber = 90624
        let outcomes = facts.evaluate()
        let byName = Dictionary(uniqueKeysWithValues: outcomes.map { ($0.check.name, $0) })
        #expect(byName["pg_monitor membership"]?.check.status == .fail)
        #expect(byName["pg_monitor membership"]?.fix == "GRANT pg_monitor TO \"user\";")
        #expect(byName["pg_stat_statements in shared_preload_libraries"]?.check.status == .fail)
        #expect(byName["pg_stat_statements in shared_preload_libraries"]?.fix?.contains("shared_preload_libraries = 'pg_stat_statements'") == true)
        #expect(byName["pg_stat_statements installed in app"]?.fix == "Run CREATE EXTENSION pg_stat_statements; in database app (as a superuser).")
        #expect(byName["track_io_timing"]?.check.status == .warn)
        #expect(byName["track_io_timing"]?.fix == "ALTER SYSTEM SET track_io_timing = on; SELECT pg_reload_conf();")
        #expect(byName["CONNECT on every database"]?.check.status == .warn)
        #expect(byName["CONNECT on every database"]?.fix == "GRANT CONNECT ON DATABASE \"sales\" TO \"user\";")
        #expect(byName["PostgreSQL 10 or later"]?.check.status == .fail)
        #expect(byName["PostgreSQL 10 or later"]?.check.detail?.contains("9.6.24") == true)
    }

    @Test("what cannot be read is unknown, or inferred from the extension answering")
    func unreadable() {
        var facts = Self.healthy
        facts.preloadLibraries = nil
        #expect(Self.status(facts.evaluate(), "pg_stat_statements in shared_preload_libraries") == .pass)
        facts.statementsAnswer = false
        #expect(Self.status(facts.evaluate(), "pg_stat_statements in shared_preload_libraries") == .fail)
        facts.statementsAnswer = nil
        #expect(Self.status(facts.evaluate(), "pg_stat_statements in shared_preload_libraries") == .unknown)
        facts.transactionReadOnly = nil
        facts.trackIOTiming = nil
        #expect(Self.status(facts.evaluate(), "Session is read-only") == .unknown)
        #expect(Self.status(facts.evaluate(), "track_io_timing") == .unknown)
    }
}
