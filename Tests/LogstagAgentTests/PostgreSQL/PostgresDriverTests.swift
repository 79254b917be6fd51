import Foundation
import LogstagCore
import Testing

@testable import LogstagAgent

@Suite("PostgreSQL driver against the real server")
struct PostgresDriverTests {
    @Test("a superuser collects every tier: every signal in manifest order, all ok, with instance info")
    func collectsEveryTier() throws {
        try PostgresTestServer.requireServer()
        let driver = try PostgresTestServer.driver(PostgresTestServer.target())
        defer { driver.close() }
        try driver.connect()
        #expect(driver.isConnected)
        var payloads: [TargetPayload] = []
        let now = Date(timeIntervalSince1970: 1_780_000_000)
        for tier in Tier.allCases {
            let collection = try driver.collect(tier: tier)
            #expect(collection.signals.map(\.name) == driver.catalog.signals(tier: tier).map(\.name))
            for signal in collection.signals {
                #expect(signal.status == .ok, "\(signal.name): \(signal.reason?.rawValue ?? "") \(signal.message ?? "")")
                #expect(signal.durationMs >= 0)
            }
            let instance = try #require(collection.instance)
            #expect(instance.host == PostgresTestServer.host)
            #expect(instance.port == PostgresTestServer.port)
            #expect(instance.databaseName == "postgres")
            let version = try #require(instance.version)
            #expect(version.hasPrefix("15."), "version \(version)")
            #expect(version.split(separator: ".").count == 2)
            payloads.append(
                TargetPayload(
                    assetID: "asset-1", targetName: "pg-test", tier: tier, collectedAt: now, instance: instance,
                    targetStatus: TargetStatus(ok: true), signals: collection.signals))
        }
        // What the driver produced is a valid wire batch.
        let batch = IngestBatch(batchID: "pg-test-batch-1", agentVersion: "0.0.0-test", hostname: "h", sentAt: now, payloads: payloads)
        try batch.validate()
        let encoded = try WireCoding.encoder().encode(batch)
        #expect(try WireCoding.decoder().decode(IngestBatch.self, from: encoded) == batch)
    }

    @Test("a wrong password is an auth failure whose message names the fix and never the password")
    func wrongPassword() throws {
        let role = PostgresTestServer.uniqueName("lt_auth")
        try PostgresTestServer.createLoginRole(role, password: "right-\(role)")
        defer { PostgresTestServer.drop(roles: [role]) }
        let wrong = "Wr0ng-\(UUID().uuidString)"
        let driver = try PostgresTestServer.driver(PostgresTestServer.target(user: role, password: wrong))
        do {
            try driver.connect()
            Issue.record("connect succeeded with a wrong password")
        } catch {
            #expect(error.reason == .auth)
            #expect(error.message.contains("pg_hba.conf"))
            #expect(!error.message.contains(wrong))
            #expect(!error.description.contains(wrong))
        }
        #expect(!driver.isConnected)
        // collect reports the same failure instead of pretending the tier is empty.
        #expect(throws: DriverError.self) { try driver.collect(tier: .high) }
    }

    @Test("an unknown role is an auth failure too")
    func unknownRole() throws {
        try PostgresTestServer.requireServer()
        let driver = try PostgresTestServer.driver(PostgresTestServer.target(user: PostgresTestServer.uniqueName("lt_nobody")))
        #expect { try driver.connect() } throws: { ($0 as? DriverError)?.reason == .auth }
    }

    @Test("a closed port is unreachable")
    func closedPort() throws {
        let driver = try PostgresTestServer.driver(PostgresTestServer.target(port: 1))
        #expect { try driver.connect() } throws: { error in
            guard let error = error as? DriverError else { return false }
            return error.reason == .unreachable && error.message.contains("cannot be reached")
        }
    }

    @Test("an unresolvable host name is unreachable")
    func unresolvableHost() throws {
        var target = PostgresTestServer.target()
        target.host = "lt-no-such-host.invalid"
        let driver = try PostgresTestServer.driver(target)
        #expect { try driver.connect() } throws: { ($0 as? DriverError)?.reason == .unreachable }
    }

    @Test("a database the user may not connect to is a permission failure with the GRANT")
    func noConnectPrivilege() throws {
        let user = PostgresTestServer.uniqueName("lt_noconn")
        let database = PostgresTestServer.uniqueName("lt_noconn_db")
        try PostgresTestServer.createLoginRole(user, password: "pw-\(user)")
        try PostgresTestServer.createDatabase(database)
        defer { PostgresTestServer.drop(databases: [database], roles: [user]) }
        let driver = try PostgresTestServer.driver(PostgresTestServer.target(user: user, password: "pw-\(user)", database: database))
        #expect { try driver.connect() } throws: { error in
            guard let error = error as? DriverError else { return false }
            return error.reason == .permission && error.message.contains("GRANT CONNECT ON DATABASE \"\(database)\" TO \"\(user)\";")
        }
    }

    @Test("a missing database is a configuration error naming db_name")
    func missingDatabase() throws {
        try PostgresTestServer.requireServer()
        let driver = try PostgresTestServer.driver(PostgresTestServer.target(database: PostgresTestServer.uniqueName("lt_nodb")))
        #expect { try driver.connect() } throws: { error in
            guard let error = error as? DriverError else { return false }
            return error.reason == .error && error.message.contains("db_name")
        }
    }

    @Test("a session killed on the server makes collect throw and isConnected false; the next collect reconnects")
    func lostConnection() throws {
        let admin = try PostgresTestServer.admin()
        defer { admin.close() }
        let driver = try PostgresTestServer.driver(PostgresTestServer.target())
        defer { driver.close() }
        try driver.connect()
        let pid = try #require(driver._backendPIDForTesting)
        #expect(try admin.scalar("SELECT pg_terminate_backend($1::int)", [String(pid)]) == "t")
        #expect(try PostgresTestServer.eventually { try admin.scalar("SELECT count(*) FROM pg_stat_activity WHERE pid = $1::int", [String(pid)]) == "0" })
        do {
            _ = try driver.collect(tier: .high)
            Issue.record("collect succeeded on a terminated session")
        } catch {
            #expect(error.reason == .unreachable)
            #expect(error.message.contains("was lost"))
        }
        #expect(!driver.isConnected)
        let again = try driver.collect(tier: .high)
        #expect(driver.isConnected)
        #expect(again.signals.allSatisfy { $0.status == .ok })
        #expect(driver._backendPIDForTesting != pid)
    }

    @Test("connection parameters carry the password only in libpq's password parameter")
    func parameters() throws {
        let secret = "Pw-\(UUID().uuidString)"
        let parameters = PostgresConnectionParameters(target: PostgresTestServer.target(user: "u", password: secret, database: "d"))
        #expect(!parameters.description.contains(secret))
        let pairs = Dictionary(uniqueKeysWithValues: parameters.keywordValuePairs.map { ($0.keyword, $0.value) })
        #expect(pairs["password"] == secret)
        #expect(pairs.filter { $0.key != "password" }.values.allSatisfy { !$0.contains(secret) })
        #expect(pairs["application_name"] == "logstag-agent")
        #expect(pairs["connect_timeout"] == "10")
        #expect(pairs["options"]?.contains("-c default_transaction_read_only=on") == true)
        #expect(pairs["options"]?.contains("-c lock_timeout=1000") == true)
        #expect(pairs["options"]?.contains("-c idle_in_transaction_session_timeout=60000") == true)
        #expect(pairs["options"]?.contains("-c statement_timeout=") == true)
        let defaults = PostgresConnectionParameters(
            target: TargetConfig(name: "t", engine: .postgresql, host: "h", port: 5432, username: "u", password: SecretValue("p"), databaseName: "d"))
        #expect(Dictionary(uniqueKeysWithValues: defaults.keywordValuePairs.map { ($0.keyword, $0.value) })["sslmode"] == "prefer")
    }
}
