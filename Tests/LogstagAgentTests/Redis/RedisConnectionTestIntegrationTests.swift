import Foundation
import LogstagCore
import Testing

@testable import LogstagAgent

/// RedisDriver.connectionTest() against the real servers: fields, ACL coverage with the exact
/// fix suggestion, dangerous-command warnings, engine mismatch, failures.
@Suite("Redis connection test against real servers")
struct RedisConnectionTestIntegrationTests {
    static let recommendedRules = [
        "client|list", "memory|stats", "slowlog|get", "slowlog|len", "latency|latest", "config|get", "acl|users", "acl|getuser",
    ]

    private func check(_ result: ConnectionTestResult, _ name: String) -> PrerequisiteCheck? {
        result.checks.first { $0.name == name }
    }

    @Test("The reference monitoring user passes every check", arguments: RedisTestServer.all)
    func fullUserPasses(server: RedisTestServer) throws {
        let admin = try server.admin()
        let user = try admin.createUser(rules: RedisTestServer.fullMonitoringRules)
        let driver = try server.driver(username: user.name, password: user.password, database: "2")
        defer { driver.close() }
        let result = driver.connectionTest()

        #expect(result.success)
        #expect(result.targetDatabase == "2")
        #expect(result.engine == server.engine)
        #expect(result.host == server.host)
        #expect(result.port == server.port)
        #expect(result.agentVersion == "0.0.0-test")
        #expect(result.serverVersion == (try admin.productVersion()))
        for check in result.checks {
            #expect(check.status == .pass, "\(check.name): \(check.status.rawValue) \(check.detail ?? "")")
        }
        let names = Set(result.checks.map(\.name))
        #expect(names.isSuperset(of: ["Reachable", "Authenticated", "Engine matches configuration", "Supported version", "No dangerous commands"]))
        #expect(names.isSuperset(of: Self.recommendedRules.map { "ACL +" + $0 }))
        #expect(result.fixSuggestions.isEmpty)
        #expect(result.configurationIssues.isEmpty)
    }

    @Test("The minimum user gets one warning per missing rule and one exact ACL SETUSER suggestion", arguments: RedisTestServer.all)
    func minimumUserGetsFix(server: RedisTestServer) throws {
        let admin = try server.admin()
        let user = try admin.createUser(rules: RedisTestServer.minimumMonitoringRules)
        let driver = try server.driver(username: user.name, password: user.password)
        defer { driver.close() }
        let result = driver.connectionTest()

        #expect(result.success)
        for rule in Self.recommendedRules {
            #expect(check(result, "ACL +" + rule)?.status == .warn, "\(rule)")
        }
        for rule in ["ping", "info", "dbsize", "role"] {
            #expect(check(result, "ACL +" + rule)?.status == .pass, "\(rule)")
        }
        let expected = "ACL SETUSER \(user.name) " + Self.recommendedRules.map { "+" + $0 }.joined(separator: " ")
        #expect(result.fixSuggestions == [expected])
        #expect(result.configurationIssues.contains { $0.contains("redis_client_list") && $0.contains("redis_acl") })
        // It may not read its own ACL, so whether it is dangerous cannot be told.
        #expect(check(result, "No dangerous commands")?.status == .unknown)
    }

    @Test("A user missing a required rule fails that check", arguments: RedisTestServer.all)
    func missingRequiredRuleFails(server: RedisTestServer) throws {
        let admin = try server.admin()
        let user = try admin.createUser(rules: ["+ping", "+select", "+info", "+role"] + Self.recommendedRules.map { "+" + $0 })
        let driver = try server.driver(username: user.name, password: user.password)
        defer { driver.close() }
        let result = driver.connectionTest()
        #expect(result.success)
        #expect(check(result, "ACL +dbsize")?.status == .fail)
        #expect(result.fixSuggestions == ["ACL SETUSER \(user.name) +dbsize"])
        #expect(check(result, "No dangerous commands")?.status == .pass)
    }

    @Test("Password-only auth as the default user warns that it may run dangerous commands", arguments: RedisTestServer.all)
    func defaultUserIsDangerous(server: RedisTestServer) throws {
        let driver = try server.driver(username: "", password: RedisTestServer.adminPassword)
        defer { driver.close() }
        let result = driver.connectionTest()
        #expect(result.success)
        let dangerous = try #require(check(result, "No dangerous commands"))
        #expect(dangerous.status == .warn)
        #expect(dangerous.detail?.contains("flushall") == true)
        #expect(result.fixSuggestions.contains { $0.hasPrefix("Use a dedicated monitoring user: ACL SETUSER") })
        #expect(!result.fixSuggestions.contains { $0.hasPrefix("ACL SETUSER default") })
    }

    @Test("A user that can only dry-run is checked with ACL DRYRUN", arguments: RedisTestServer.all)
    func dryRunFallback(server: RedisTestServer) throws {
        let admin = try server.admin()
        let user = try admin.createUser(rules: RedisTestServer.minimumMonitoringRules + ["+acl|dryrun", "+flushall"])
        let driver = try server.driver(username: user.name, password: user.password)
        defer { driver.close() }
        let result = driver.connectionTest()
        let dangerous = try #require(check(result, "No dangerous commands"))
        #expect(dangerous.status == .warn)
        #expect(dangerous.detail?.contains("flushall") == true)
    }

    @Test("A Valkey server configured as Redis (or the other way round) is a warning", arguments: RedisTestServer.all)
    func engineMismatchWarns(server: RedisTestServer) throws {
        let wrongEngine: Engine = server.engine == .redis ? .valkey : .redis
        let driver = try server.driver(username: "", password: RedisTestServer.adminPassword, engine: wrongEngine)
        defer { driver.close() }
        let result = driver.connectionTest()
        #expect(result.success)
        #expect(result.engine == wrongEngine)
        let engine = try #require(check(result, "Engine matches configuration"))
        #expect(engine.status == .warn)
        #expect(engine.detail?.contains("db_engine = \"\(server.engine.rawValue)\"") == true)
        // The version floor follows the product that answered, not the configured one.
        #expect(check(result, "Supported version")?.status == .pass)
    }

    @Test("A wrong password fails Authenticated; a refused port fails Reachable", arguments: RedisTestServer.all)
    func failuresAreReported(server: RedisTestServer) throws {
        let wrong = "wrong-\(RedisTestServer.uniqueSuffix())"
        let driver = try server.driver(username: "", password: wrong)
        let result = driver.connectionTest()
        #expect(!result.success)
        #expect(check(result, "Reachable")?.status == .pass)
        #expect(check(result, "Authenticated")?.status == .fail)
        #expect(!result.fixSuggestions.isEmpty)
        let json = String(decoding: try WireCoding.encoder().encode(result), as: UTF8.self)
        #expect(!json.contains(wrong))

        var target = server.target(username: "", password: RedisTestServer.adminPassword)
        target.port = 1
        let refused = RedisDriver(target: target, catalog: try RedisTestServer.catalog(), agentVersion: "0.0.0-test").connectionTest()
        #expect(!refused.success)
        #expect(check(refused, "Reachable")?.status == .fail)
        #expect(check(refused, "Authenticated")?.status == .unknown)
        #expect(refused.serverVersion == nil)
    }
}
