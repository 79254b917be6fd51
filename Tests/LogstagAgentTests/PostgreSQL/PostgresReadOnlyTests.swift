import Foundation
import LogstagCore
import Testing

@testable import LogstagAgent

@Suite("PostgreSQL driver is read-only and uses one session")
struct PostgresReadOnlyTests {
    @Test("the driver's own session refuses writes, even for a superuser, and carries the session limits")
    func refusesWrites() throws {
        let database = PostgresTestServer.uniqueName("lt_ro")
        try PostgresTestServer.createDatabase(database)
        defer { PostgresTestServer.drop(databases: [database]) }
        let admin = try PostgresTestServer.admin(database: database)
        try admin.execute("CREATE TABLE victim (id int)")
        admin.close()

        let driver = try PostgresTestServer.driver(PostgresTestServer.target(database: database))
        defer { driver.close() }
        for statement in [
            "INSERT INTO victim VALUES (1)", "CREATE TABLE intruder (id int)", "UPDATE victim SET id = 2", "DROP TABLE victim",
        ] {
            #expect(performing: { try driver._executeForTesting(statement) }, throws: { error in
                (error as? PostgresQueryError)?.sqlState == "25006"  // read_only_sql_transaction
            })
        }
        // A write inside an explicit transaction is refused too (SET SESSION CHARACTERISTICS).
        try driver._executeForTesting("BEGIN")
        #expect(throws: PostgresQueryError.self) { try driver._executeForTesting("INSERT INTO victim VALUES (3)") }
        try driver._executeForTesting("ROLLBACK")

        let settings = try driver._executeForTesting(
            """
            SELECT current_setting('transaction_read_only'), current_setting('default_transaction_read_only'),
                   current_setting('application_name'), current_setting('lock_timeout'),
                   current_setting('idle_in_transaction_session_timeout'), current_setting('TimeZone')
            """)
        #expect(settings.first == ["on", "on", "logstag-agent", "1s", "1min", "UTC"])

        let check = try PostgresTestServer.admin(database: database)
        defer { check.close() }
        #expect(try check.scalar("SELECT count(*) FROM victim") == "0")
        #expect(try check.scalar("SELECT count(*) FROM pg_class WHERE relname = 'intruder'") == "0")
    }

    @Test("collecting the schema and low tiers over 3 databases never opens a second session")
    func oneSessionAcrossDatabases() throws {
        let user = PostgresTestServer.uniqueName("lt_one")
        let password = "pw-\(user)"
        let databases = (1...3).map { PostgresTestServer.uniqueName("lt_one_db\($0)") }
        try PostgresTestServer.createLoginRole(user, password: password, memberOf: ["pg_monitor"])
        for database in databases { try PostgresTestServer.createDatabase(database, connectableBy: [user]) }
        defer { PostgresTestServer.drop(databases: databases, roles: [user]) }

        let poller = SessionPoller(user: user)
        let driver = try PostgresTestServer.driver(PostgresTestServer.target(user: user, password: password))
        defer { driver.close() }
        try driver.connect()
        try poller.start()
        let schema = try driver.collect(tier: .schema)
        let low = try driver.collect(tier: .low)
        let observed = poller.stop()

        #expect(observed.failure == nil, "\(observed.failure ?? "")")
        #expect(observed.samples > 20, "the poller barely ran (\(observed.samples) samples)")
        #expect(observed.maxSessions <= 1, "saw \(observed.maxSessions) logstag-agent sessions at once")
        #expect(observed.maxSessions == 1, "the poller never saw the agent's session")
        // The poller saw the session move between databases.
        #expect(observed.databases.count >= 2, "seen: \(observed.databases)")
        for payload in [try schema.pgSignal("pg_schemas"), try low.pgSignal("pg_extensions")] {
            let seen = Set(payload.rows.compactMap { $0["tag_database"]?.stringValue })
            #expect(seen.isSuperset(of: databases + ["postgres"]), "\(payload.name) covered \(seen)")
        }

        // Afterwards the driver is back on its configured database, still alone.
        let admin = try PostgresTestServer.admin()
        defer { admin.close() }
        let after = try admin.query(
            "SELECT datname FROM pg_stat_activity WHERE application_name = 'logstag-agent' AND usename = $1", [user])
        #expect(after.rows == [["postgres"]])
        driver.close()
        #expect(try PostgresTestServer.eventually {
            try admin.scalar("SELECT count(*) FROM pg_stat_activity WHERE application_name = 'logstag-agent' AND usename = $1", [user]) == "0"
        })
    }
}

/// Counts the agent's sessions for one user from an admin connection in a background thread.
private final class SessionPoller: @unchecked Sendable {
    struct Observation {
        var samples = 0
        var maxSessions = 0
        var databases: Set<String> = []
        var failure: String?
    }

    private let user: String
    private let lock = NSLock()
    private var observation = Observation()
    private var running = true
    private let finished = DispatchSemaphore(value: 0)
    private let started = DispatchSemaphore(value: 0)

    init(user: String) {
        self.user = user
    }

    func start() throws {
        let thread = Thread { [self] in
            defer { finished.signal() }
            do {
                let admin = try PostgresTestServer.admin()
                defer { admin.close() }
                started.signal()
                while lock.withLock({ running }) {
                    let rows = try admin.query(
                        "SELECT datname FROM pg_stat_activity WHERE application_name = 'logstag-agent' AND usename = $1", [user])
                    lock.withLock {
                        observation.samples += 1
                        observation.maxSessions = max(observation.maxSessions, rows.rows.count)
                        for row in rows.rows { if let name = row[0] { observation.databases.insert(name) } }
                    }
                }
            } catch {
                lock.withLock { observation.failure = "\(error)" }
                started.signal()
            }
        }
        thread.start()
        _ = started.wait(timeout: .now() + 10)
    }

    func stop() -> Observation {
        lock.withLock { running = false }
        _ = finished.wait(timeout: .now() + 10)
        return lock.withLock { observation }
    }
}
