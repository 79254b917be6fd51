import Foundation
import LogstagCore
import Testing

@testable import LogstagAgent

@Suite("PostgreSQL signals under restricted users")
struct PostgresPermissionTests {
    /// Signals a login role with only CONNECT cannot read completely: PostgreSQL would hide
    /// other sessions' data (requires pg_read_all_stats), superuser-only settings (requires
    /// pg_read_all_settings), or refuse outright (pg_authid, pg_hba_file_rules).
    static let deniedWithoutMonitor: Set<String> = [
        "pg_sessions_by_state", "pg_activity", "pg_blocking", "pg_long_running", "pg_replication", "pg_recovery",
        "pg_stat_statements", "pg_replication_lag", "pg_settings", "pg_autovacuum", "pg_password_types", "pg_hba_rules",
    ]

    /// Superuser-only in PostgreSQL 15, even for pg_monitor.
    static let superuserOnly: Set<String> = ["pg_password_types", "pg_hba_rules"]

    /// Signals that must carry rows on the test server for a pg_monitor user (the rest can be
    /// legitimately empty: no replicas, no blocked sessions, ...).
    static let mustHaveRows: Set<String> = [
        "pg_sessions_by_state", "pg_activity", "pg_recovery", "pg_database_stats", "pg_database_sizes", "pg_stat_statements", "pg_bgwriter", "pg_wal",
        "pg_database_conflicts", "pg_settings", "pg_roles", "pg_extensions", "pg_version", "pg_security", "pg_vacuum_ages",
        "pg_autovacuum", "pg_schemas", "pg_views", "pg_functions", "pg_privileges",
    ]

    static func collectAll(user: String, password: String) throws -> [SignalPayload] {
        let driver = try PostgresTestServer.driver(PostgresTestServer.target(user: user, password: password))
        defer { driver.close() }
        var signals: [SignalPayload] = []
        for tier in Tier.allCases { signals += try driver.collect(tier: tier).signals }
        #expect(signals.count == driver.catalog.signals.count)
        return signals
    }

    @Test("a CONNECT-only user gets exactly the listed signals as unavailable(permission), the rest ok")
    func connectOnly() throws {
        let user = PostgresTestServer.uniqueName("lt_plain")
        let password = "pw-\(user)"
        try PostgresTestServer.createLoginRole(user, password: password)
        defer { PostgresTestServer.drop(roles: [user]) }

        let signals = try Self.collectAll(user: user, password: password)
        let denied = Set(signals.filter { $0.status == .unavailable && $0.reason == .permission }.map(\.name))
        #expect(denied == Self.deniedWithoutMonitor, "extra: \(denied.subtracting(Self.deniedWithoutMonitor)) missing: \(Self.deniedWithoutMonitor.subtracting(denied))")
        for signal in signals where !Self.deniedWithoutMonitor.contains(signal.name) {
            #expect(signal.status == .ok, "\(signal.name): \(signal.reason?.rawValue ?? "") \(signal.message ?? "")")
        }
        for signal in signals where signal.status == .unavailable {
            #expect(signal.rows.isEmpty)
            let message = try #require(signal.message)
            #expect(!message.isEmpty)
        }
        let activity = try #require(signals.first { $0.name == "pg_activity" })
        #expect(activity.message?.contains("pg_read_all_stats") == true)
        #expect(activity.message?.contains("GRANT pg_read_all_stats TO \"\(user)\";") == true)
        let settings = try #require(signals.first { $0.name == "pg_settings" })
        #expect(settings.message?.contains("GRANT pg_read_all_settings TO \"\(user)\";") == true)
        let hba = try #require(signals.first { $0.name == "pg_hba_rules" })
        #expect(hba.message?.contains("42501") == true)
    }

    @Test("a pg_monitor user gets every signal except the superuser-only ones, with data where data exists")
    func monitor() throws {
        let user = PostgresTestServer.uniqueName("lt_mon")
        let password = "pw-\(user)"
        try PostgresTestServer.createLoginRole(user, password: password, memberOf: ["pg_monitor"])
        defer { PostgresTestServer.drop(roles: [user]) }
        // Another session with a recognisable query, so activity has something to show.
        let other = PostgresBackgroundSession(statements: ["SELECT pg_sleep(4) AS lt_marker"])
        let otherPID = try other.pid()
        let admin = try PostgresTestServer.admin()
        defer { admin.close() }
        #expect(try PostgresTestServer.eventually {
            try admin.scalar("SELECT state FROM pg_stat_activity WHERE pid = $1::int", [String(otherPID)]) == "active"
        })

        let signals = try Self.collectAll(user: user, password: password)
        other.waitUntilFinished()
        for signal in signals {
            if Self.superuserOnly.contains(signal.name) {
                #expect(signal.status == .unavailable && signal.reason == .permission, "\(signal.name) should need a superuser")
            } else {
                #expect(signal.status == .ok, "\(signal.name): \(signal.reason?.rawValue ?? "") \(signal.message ?? "")")
            }
            if Self.mustHaveRows.contains(signal.name) {
                #expect(!signal.rows.isEmpty, "\(signal.name) is empty for a pg_monitor user")
            }
        }
        // pg_monitor sees other users' sessions in full, not "<insufficient privilege>".
        let activity = try #require(signals.first { $0.name == "pg_activity" })
        let row = try #require(activity.pgRows(where: "tag_pid", is: String(otherPID)).first, "the other session is not listed")
        #expect(row["state"] == .string("active"))
        #expect(row["query"]?.stringValue?.contains("pg_sleep(?) AS lt_marker") == true)
        #expect(row["user_name"] == .string("postgres"))
        let statements = try #require(signals.first { $0.name == "pg_stat_statements" })
        #expect(statements.rows.contains { $0["tag_user"] == .string("postgres") }, "other users' statements are hidden")
    }
}
