import Foundation
import LogstagCore
import Testing

@testable import LogstagAgent

@Suite("PostgreSQL connection test against the real server")
struct PostgresConnectionTestTests {
    static func status(_ result: ConnectionTestResult, _ name: String) -> CheckStatus? {
        result.checks.first { $0.name == name }?.status
    }

    @Test("a prepared superuser target passes with every field filled in")
    func superuser() throws {
        try PostgresTestServer.requireServer()
        let driver = try PostgresTestServer.driver(PostgresTestServer.target())
        defer { driver.close() }
        let result = driver.connectionTest()
        #expect(result.success)
        #expect(result.engine == .postgresql)
        #expect(result.targetDatabase == "postgres")
        #expect(result.host == PostgresTestServer.host)
        #expect(result.port == PostgresTestServer.port)
        #expect(result.agentVersion == "0.0.0-test")
        #expect(result.serverVersion?.hasPrefix("15.") == true)
        for name in [
            "Login works", "Session is read-only", "pg_monitor membership", "pg_stat_statements in shared_preload_libraries",
            "pg_stat_statements installed in postgres", "track_io_timing", "PostgreSQL 10 or later",
        ] {
            #expect(Self.status(result, name) == .pass, "\(name): \(result.checks.first { $0.name == name }?.detail ?? "missing")")
        }
        #expect(Self.status(result, "CONNECT on every database") == .pass)
        #expect(driver.isConnected, "the test leaves the single session open for collection")
    }

    @Test("a pg_monitor user on a database without the extension: each gap is reported with its fix")
    func gapsAreReported() throws {
        let user = PostgresTestServer.uniqueName("lt_ct")
        let password = "pw-\(user)"
        let target = PostgresTestServer.uniqueName("lt_ct_target")
        let hidden = PostgresTestServer.uniqueName("lt_ct_hidden")
        try PostgresTestServer.createLoginRole(user, password: password, memberOf: ["pg_monitor"])
        try PostgresTestServer.createDatabase(target, connectableBy: [user])
        try PostgresTestServer.createDatabase(hidden)
        defer { PostgresTestServer.drop(databases: [target, hidden], roles: [user]) }
        let admin = try PostgresTestServer.admin()
        try admin.execute("ALTER ROLE \(user) SET track_io_timing = off")
        admin.close()

        let driver = try PostgresTestServer.driver(PostgresTestServer.target(user: user, password: password, database: target))
        defer { driver.close() }
        let result = driver.connectionTest()
        #expect(result.success)
        #expect(Self.status(result, "pg_monitor membership") == .pass)
        #expect(Self.status(result, "pg_stat_statements in shared_preload_libraries") == .pass)
        #expect(Self.status(result, "pg_stat_statements installed in \(target)") == .fail)
        #expect(Self.status(result, "track_io_timing") == .warn)
        #expect(Self.status(result, "CONNECT on every database") == .warn)
        let connect = try #require(result.checks.first { $0.name == "CONNECT on every database" })
        #expect(connect.detail?.contains(hidden) == true)
        #expect(result.fixSuggestions.contains("Run CREATE EXTENSION pg_stat_statements; in database \(target) (as a superuser)."))
        #expect(result.fixSuggestions.contains("ALTER SYSTEM SET track_io_timing = on; SELECT pg_reload_conf();"))
        #expect(result.fixSuggestions.contains { $0.contains("GRANT CONNECT ON DATABASE \"\(hidden)\" TO \"\(user)\";") })
        #expect(result.configurationIssues.contains { $0.hasPrefix("pg_stat_statements installed in \(target)") })
        #expect(result.configurationIssues.contains { $0.hasPrefix("track_io_timing") })

        // The missing extension makes the signal unsupported, with the fix, never empty data.
        let medium = try driver.collect(tier: .medium)
        let statements = try medium.pgSignal("pg_stat_statements")
        #expect(statements.status == .unavailable)
        #expect(statements.reason == .unsupported)
        #expect(statements.message?.hasPrefix("pg_stat_statements is not installed") == true)
        #expect(
            statements.message?.hasSuffix(
                "add it to shared_preload_libraries and run CREATE EXTENSION pg_stat_statements.") == true, "\(statements.message ?? "")")
    }

    @Test("a user without pg_monitor fails that check with the GRANT to run")
    func withoutMonitor() throws {
        let user = PostgresTestServer.uniqueName("lt_ctplain")
        let password = "pw-\(user)"
        try PostgresTestServer.createLoginRole(user, password: password)
        defer { PostgresTestServer.drop(roles: [user]) }
        let driver = try PostgresTestServer.driver(PostgresTestServer.target(user: user, password: password))
        defer { driver.close() }
        let result = driver.connectionTest()
        #expect(result.success)
        #expect(Self.status(result, "pg_monitor membership") == .fail)
        #expect(result.fixSuggestions.contains("GRANT pg_monitor TO \"\(user)\";"))
        // shared_preload_libraries is hidden from this user; the answer of the extension decides.
        let preload = try #require(result.checks.first { $0.name == "pg_stat_statements in shared_preload_libraries" })
        #expect(preload.status == .pass)
        #expect(preload.detail?.contains("not readable") == true)
    }

    @Test("a wrong password fails the test with the reason and the fix, never the password")
    func wrongPassword() throws {
        let user = PostgresTestServer.uniqueName("lt_ctbad")
        try PostgresTestServer.createLoginRole(user, password: "right-\(user)")
        defer { PostgresTestServer.drop(roles: [user]) }
        let wrong = "Wr0ng-\(UUID().uuidString)"
        let driver = try PostgresTestServer.driver(PostgresTestServer.target(user: user, password: wrong))
        let result = driver.connectionTest()
        #expect(!result.success)
        #expect(result.serverVersion == nil)
        #expect(result.checks.count == 1)
        #expect(result.checks.first?.name == "Login works")
        #expect(result.checks.first?.status == .fail)
        #expect(result.configurationIssues.first?.contains("password authentication failed") == true)
        #expect(result.fixSuggestions.first?.contains("db_password") == true)
        #expect(result.fixSuggestions.first?.contains("pg_hba.conf") == true)
        let encoded = String(decoding: try WireCoding.encoder().encode(result), as: UTF8.self)
        #expect(!encoded.contains(wrong))
        #expect(!driver.isConnected)
    }

    @Test("a connection test after the session died on the server tests a fresh session")
    func staleSession() throws {
        let admin = try PostgresTestServer.admin()
        defer { admin.close() }
        let driver = try PostgresTestServer.driver(PostgresTestServer.target())
        defer { driver.close() }
        try driver.connect()
        let pid = try #require(driver._backendPIDForTesting)
        try admin.query("SELECT pg_terminate_backend($1::int)", [String(pid)])
        #expect(try PostgresTestServer.eventually { try admin.scalar("SELECT count(*) FROM pg_stat_activity WHERE pid = $1::int", [String(pid)]) == "0" })
        let result = driver.connectionTest()
        #expect(result.success)
        #expect(result.checks.allSatisfy { $0.status != .unknown }, "\(result.checks)")
        #expect(driver._backendPIDForTesting != pid)
    }

    @Test("an unreachable server fails the test with a network fix")
    func unreachable() throws {
        let driver = try PostgresTestServer.driver(PostgresTestServer.target(port: 1))
        let result = driver.connectionTest()
        #expect(!result.success)
        #expect(result.checks.first?.status == .fail)
        #expect(result.fixSuggestions.first?.contains("db_host") == true)
    }
}
