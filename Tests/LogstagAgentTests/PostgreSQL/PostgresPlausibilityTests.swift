import Foundation
import LogstagCore
import Testing

@testable import LogstagAgent

@Suite("PostgreSQL signals show real activity")
struct PostgresPlausibilityTests {
    @Test("a lock wait names its blocker, an idle transaction is listed, sessions are counted by state")
    func activity() throws {
        let database = PostgresTestServer.uniqueName("lt_act")
        try PostgresTestServer.createDatabase(database)
        defer { PostgresTestServer.drop(databases: [database]) }
        let holder = try PostgresTestServer.admin(database: database)
        defer { holder.close() }
        try holder.execute("CREATE TABLE accounts (id int PRIMARY KEY, balance int)")
        try holder.execute("INSERT INTO accounts VALUES (1, 100)")
        try holder.execute("BEGIN")
        try holder.execute("UPDATE accounts SET balance = balance + 1 WHERE id = 1")

        let waiter = PostgresBackgroundSession(
            database: database, statements: ["SET lock_timeout = '20s'", "UPDATE accounts SET balance = balance - 1 WHERE id = 1"])
        let waiterPID = try waiter.pid()
        let idle = try PostgresTestServer.admin(database: database)
        defer { idle.close() }
        try idle.execute("BEGIN")
        try idle.execute("SELECT 1")

        let observer = try PostgresTestServer.admin()
        defer { observer.close() }
        #expect(try PostgresTestServer.eventually {
            try observer.scalar("SELECT wait_event_type FROM pg_stat_activity WHERE pid = $1::int", [String(waiterPID)]) == "Lock"
        })
        Thread.sleep(forTimeInterval: 1.3)  // past the 1 s idle-in-transaction threshold

        let driver = try PostgresTestServer.driver(PostgresTestServer.target())
        defer { driver.close() }
        let high = try driver.collect(tier: .high)
        try holder.execute("ROLLBACK")
        #expect(waiter.waitUntilFinished())
        #expect(waiter.failure == nil, "\(waiter.failure ?? "")")
        try idle.execute("ROLLBACK")

        let blocked = try #require(try high.pgSignal("pg_blocking").pgRows(where: "tag_pid", is: String(waiterPID)).first, "the waiter is not listed as blocked")
        let blockers = blocked["blocking_pids"]?.stringValue?.split(separator: ",").map(String.init) ?? []
        #expect(blockers.contains(String(holder.backendPID)))
        #expect(blocked["blocking_count"] == .number(Double(blockers.count)))
        #expect(blocked["tag_database"] == .string(database))
        #expect(blocked["query"]?.stringValue == "UPDATE accounts SET balance = balance - ? WHERE id = ?")
        #expect((blocked["waiting_duration_s"]?.doubleValue ?? -1) > 0)

        let idleRow = try #require(try high.pgSignal("pg_long_running").pgRows(where: "tag_pid", is: String(idle.backendPID)).first, "the idle transaction is not listed")
        #expect(idleRow["kind"] == .string("idle_in_transaction"))
        #expect((idleRow["state_duration_s"]?.doubleValue ?? 0) >= 1)
        #expect(idleRow["xact_start"]?.stringValue.flatMap(WireDate.parse) != nil)

        let activity = try high.pgSignal("pg_activity")
        #expect(activity.pgRows(where: "tag_pid", is: String(idle.backendPID)).first?["state"] == .string("idle in transaction"))
        #expect(activity.pgRows(where: "tag_pid", is: String(waiterPID)).first?["wait_event_type"] == .string("Lock"))
        #expect(activity.pgRows(where: "tag_pid", is: String(driver._backendPIDForTesting ?? -1)).isEmpty, "the agent lists itself")

        let sessions = try high.pgSignal("pg_sessions_by_state").pgRows(where: "tag_database", is: database)
        #expect(sessions.contains { $0["tag_state"] == .string("idle in transaction") && ($0["sessions"]?.doubleValue ?? 0) >= 1 })
        #expect(sessions.contains { $0["tag_wait_event_type"] == .string("Lock") && ($0["sessions"]?.doubleValue ?? 0) >= 1 })

        let recovery = try #require(try high.pgSignal("pg_recovery").rows.first)
        #expect(recovery["in_recovery"] == .bool(false))
    }

    @Test("the schema, low and medium tiers describe a prepared database accurately")
    func schemaAndCounters() throws {
        let database = PostgresTestServer.uniqueName("lt_sch")
        let reader = PostgresTestServer.uniqueName("lt_reader")
        let bodyMarker = "body_marker_\(UUID().uuidString.prefix(8).lowercased())"
        try PostgresTestServer.createDatabase(database)
        defer { PostgresTestServer.drop(databases: [database], roles: [reader]) }
        let admin = try PostgresTestServer.admin(database: database)
        defer { admin.close() }
        for statement in [
            "CREATE ROLE \(reader)",
            "CREATE TABLE parent (id serial PRIMARY KEY, name text)",
            "CREATE TABLE child (id bigserial PRIMARY KEY, parent_id int REFERENCES parent(id))",
            "CREATE TABLE child_indexed (id int PRIMARY KEY, parent_id int REFERENCES parent(id))",
            "CREATE INDEX ON child_indexed (parent_id)",
            "CREATE INDEX dup_a ON parent (name)", "CREATE INDEX dup_b ON parent (name)",
            "CREATE INDEX partial_name ON parent (name) WHERE id > 5",
            "INSERT INTO parent (name) SELECT 'n' || g FROM generate_series(1, 1000) g",
            "ANALYZE parent",
            "CREATE VIEW parent_names AS SELECT name FROM parent",
            "CREATE FUNCTION definer() RETURNS text LANGUAGE sql SECURITY DEFINER SET search_path = public AS $$ SELECT '\(bodyMarker)' $$",
            "CREATE SEQUENCE nearly_full MAXVALUE 100",
            "SELECT nextval('nearly_full') FROM generate_series(1, 90)",
            "GRANT SELECT ON parent TO \(reader)",
        ] {
            try admin.execute(statement)
        }

        let driver = try PostgresTestServer.driver(PostgresTestServer.target())
        defer { driver.close() }
        let schema = try driver.collect(tier: .schema)
        let low = try driver.collect(tier: .low)
        let medium = try driver.collect(tier: .medium)
        func rows(_ collection: TierCollection, _ name: String) throws -> [[String: JSONValue]] {
            try collection.pgSignal(name).pgRows(where: "tag_database", is: database)
        }

        let tables = try rows(schema, "pg_tables")
        let parent = try #require(tables.first { $0["tag_table"] == .string("parent") })
        #expect(parent["rows_estimate"] == .number(1000))
        #expect(parent["has_primary_key"] == .bool(true))
        #expect(parent["tag_schema"] == .string("public"))
        #expect((parent["table_bytes"]?.doubleValue ?? 0) > 0)
        #expect((parent["total_bytes"]?.doubleValue ?? 0) > (parent["table_bytes"]?.doubleValue ?? 0))
        #expect(parent["last_analyze"]?.stringValue.flatMap(WireDate.parse) != nil)
        #expect(parent["n_dead_tup"]?.doubleValue != nil)
        #expect(!tables.contains { $0["tag_schema"] == .string("pg_catalog") || $0["tag_schema"] == .string("information_schema") })

        let indexes = try rows(schema, "pg_indexes")
        #expect(indexes.first { $0["tag_index"] == .string("dup_a") }?["duplicate_of"] == .string("dup_b"))
        #expect(indexes.first { $0["tag_index"] == .string("dup_b") }?["duplicate_of"] == .string("dup_a"))
        #expect(indexes.first { $0["tag_index"] == .string("partial_name") }?["duplicate_of"] == .null)
        let primary = try #require(indexes.first { $0["tag_index"] == .string("parent_pkey") })
        #expect(primary["is_primary"] == .bool(true) && primary["valid"] == .bool(true))
        #expect(primary["definition"]?.stringValue?.contains("USING btree (id)") == true)

        let unindexed = try rows(schema, "pg_unindexed_foreign_keys").compactMap { $0["tag_table"]?.stringValue }
        #expect(unindexed == ["child"])

        let function = try #require(try rows(schema, "pg_functions").first { $0["tag_function"] == .string("definer") })
        #expect(function["security_definer"] == .bool(true))
        #expect(function["sets_search_path"] == .bool(true))
        #expect(function["language"] == .string("sql"))
        #expect(function["volatility"] == .string("volatile"))
        let schemaJSON = String(decoding: try WireCoding.encoder().encode(schema.signals), as: UTF8.self)
        #expect(!schemaJSON.contains(bodyMarker), "a function body reached the payload")

        #expect(try rows(schema, "pg_views").contains { $0["tag_view"] == .string("parent_names") && $0["materialized"] == .bool(false) })
        #expect(try rows(schema, "pg_sequences").contains { $0["tag_sequence"] == .string("parent_id_seq") && $0["owned_by"] == .string("public.parent.id") })
        #expect(try rows(schema, "pg_constraints").contains {
            $0["tag_constraint"] == .string("child_parent_id_fkey") && $0["constraint_type"] == .string("foreign key")
        })
        #expect(try rows(schema, "pg_privileges").contains {
            $0["tag_object"] == .string("parent") && $0["grantee"] == .string(reader) && $0["privilege_type"] == .string("SELECT")
        })
        let publicSchema = try #require(try rows(schema, "pg_schemas").first { $0["tag_schema"] == .string("public") })
        #expect(publicSchema["tables"] == .number(3))

        let sequence = try #require(try rows(low, "pg_sequence_exhaustion").first { $0["tag_sequence"] == .string("nearly_full") })
        #expect(sequence["readable"] == .bool(true))
        #expect(sequence["last_value"] == .number(90))
        #expect(sequence["percent_used"] == .number(89.9))
        #expect(try rows(low, "pg_extensions").contains { $0["tag_extension"] == .string("plpgsql") })
        let ages = try #require(try rows(low, "pg_vacuum_ages").first)
        #expect((ages["frozenxid_age"]?.doubleValue ?? -1) >= 0)
        #expect((ages["wraparound_pct"]?.doubleValue ?? -1) >= 0)
        let version = try #require(try low.pgSignal("pg_version").rows.first)
        #expect((version["server_version_num"]?.doubleValue ?? 0) >= 150000)
        #expect(version["in_recovery"] == .bool(false))
        #expect(try low.pgSignal("pg_roles").rows.contains { $0["tag_role"] == .string(reader) && $0["rolcanlogin"] == .bool(false) })
        let security = try #require(try low.pgSignal("pg_security").rows.first)
        #expect((security["superusers"]?.doubleValue ?? 0) >= 1)
        #expect(security["password_encryption"] == .string("scram-sha-256"))
        #expect(try low.pgSignal("pg_settings").rows.contains { $0["name"] == .string("shared_preload_libraries") && $0["setting"] == .string("pg_stat_statements") })
        let hba = try low.pgSignal("pg_hba_rules").rows
        #expect(hba.contains { $0["auth_method"] == .string("scram-sha-256") })

        let stats = try #require(try rows(medium, "pg_database_stats").first)
        #expect((stats["deadlocks"]?.doubleValue ?? -1) >= 0)
        #expect((stats["xact_commit"]?.doubleValue ?? 0) > 0)
        let size = try #require(try rows(low, "pg_database_sizes").first)
        #expect((size["size_bytes"]?.doubleValue ?? 0) > 1_000_000)
        #expect(stats["stats_reset"] != nil)
        let wal = try #require(try medium.pgSignal("pg_wal").rows.first)
        #expect((wal["wal_position_bytes"]?.doubleValue ?? 0) > 0)
        #expect(wal["current_lsn"]?.stringValue?.contains("/") == true)
        #expect((try medium.pgSignal("pg_bgwriter").rows.first?["buffers_alloc"]?.doubleValue ?? -1) >= 0)
        #expect(try medium.pgSignal("pg_database_conflicts").rows.contains { $0["tag_database"] == .string(database) })
    }

    @Test("sequences a pg_monitor user may not read are listed as unreadable, not left out")
    func unreadableSequences() throws {
        let user = PostgresTestServer.uniqueName("lt_seq")
        let password = "pw-\(user)"
        let database = PostgresTestServer.uniqueName("lt_seq_db")
        try PostgresTestServer.createLoginRole(user, password: password, memberOf: ["pg_monitor"])
        try PostgresTestServer.createDatabase(database, connectableBy: [user])
        defer { PostgresTestServer.drop(databases: [database], roles: [user]) }
        let admin = try PostgresTestServer.admin(database: database)
        try admin.execute("CREATE SEQUENCE secretive MAXVALUE 100")
        try admin.execute("SELECT nextval('secretive')")
        admin.close()

        let driver = try PostgresTestServer.driver(PostgresTestServer.target(user: user, password: password))
        defer { driver.close() }
        let low = try driver.collect(tier: .low)
        let row = try #require(try low.pgSignal("pg_sequence_exhaustion").pgRows(where: "tag_database", is: database).first)
        #expect(row["tag_sequence"] == .string("secretive"))
        #expect(row["readable"] == .bool(false))
        #expect(row["percent_used"] == .null)
    }
}
