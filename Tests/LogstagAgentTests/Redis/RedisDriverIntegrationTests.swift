import Foundation
import LogstagCore
import Testing

@testable import LogstagAgent

/// RedisDriver against the real Redis 7.0, Valkey 8.1 and Valkey 9.1 servers of
/// scripts/test-databases.sh: logins, permissions, every signal, failures.
@Suite("Redis driver against real servers")
struct RedisDriverIntegrationTests {
    static let servers = RedisTestServer.all

    static let permissionGatedSignals: Set<String> = [
        "redis_client_list", "redis_slowlog", "redis_latency", "redis_memory_stats", "redis_config", "redis_acl",
    ]

    static func collectAll(_ driver: RedisDriver) throws -> [String: SignalPayload] {
        var payloads: [String: SignalPayload] = [:]
        for tier in Tier.allCases {
            let collection = try driver.collect(tier: tier)
            for payload in collection.signals { payloads[payload.name] = payload }
        }
        return payloads
    }

    @Test("A user with the reference ACL gets every signal, with real values", arguments: servers)
    func fullUserCollectsEverything(server: RedisTestServer) throws {
        let admin = try server.admin()
        let user = try admin.createUser(rules: RedisTestServer.fullMonitoringRules)
        let database = "\(Int.random(in: 1...15))"
        let key = "logstag:test:\(RedisTestServer.uniqueSuffix())"
        try admin.run(["SELECT", database])
        try admin.run(["SET", key, "x", "EX", "300"])
        defer { _ = try? admin.run(["DEL", key]) }

        let driver = try server.driver(username: user.name, password: user.password, database: database)
        defer { driver.close() }
        try driver.connect()
        #expect(driver.isConnected)

        let high = try driver.collect(tier: .high)
        let instance = try #require(high.instance)
        #expect(instance.version == (try admin.productVersion()))
        #expect(instance.version?.hasPrefix(server.major + ".") == true)
        #expect(instance.host == server.host)
        #expect(instance.port == server.port)
        #expect(instance.databaseName == database)

        let payloads = try Self.collectAll(driver)
        let catalog = try RedisTestServer.catalog()
        #expect(Set(payloads.keys) == Set(catalog.signalNames))
        for (name, payload) in payloads {
            #expect(payload.status == .ok, "\(name): \(payload.reason?.rawValue ?? "") \(payload.message ?? "")")
            #expect(payload.durationMs >= 0)
        }

        let clients = try #require(payloads["redis_clients"]?.rows.first)
        #expect((clients["connected_clients"]?.doubleValue ?? 0) >= 2)  // admin + driver
        #expect(clients["maxclients"]?.doubleValue == 10_000)
        #expect(clients["connected_clients_human"] == nil)

        let dbsize = try #require(payloads["redis_dbsize"]?.rows.first)
        #expect(dbsize["tag_db"] == .string(database))
        #expect((dbsize["keys"]?.doubleValue ?? 0) >= 1)

        let keyspace = try #require(payloads["redis_keyspace"]?.rows)
        #expect(keyspace.contains { $0["tag_db"] == .string(database) && ($0["keys"]?.doubleValue ?? 0) >= 1 })

        let commandstats = try #require(payloads["redis_commandstats"]?.rows)
        let infoRow = try #require(commandstats.first { $0["tag_command"] == .string("info") })
        #expect((infoRow["calls"]?.doubleValue ?? 0) >= 1)
        #expect(infoRow["usec_per_call"]?.doubleValue != nil)

        let role = try #require(payloads["redis_role"]?.rows.first)
        #expect(role["role"] == .string("master"))
        #expect(role["connected_replicas"]?.doubleValue != nil)  // the replication tests may attach one meanwhile

        let replication = try #require(payloads["redis_replication"]?.rows.first)
        #expect(replication["role"] == .string("master"))
        #expect(replication["master_repl_offset"]?.doubleValue != nil)

        let memory = try #require(payloads["redis_memory"]?.rows.first)
        #expect((memory["used_memory"]?.doubleValue ?? 0) > 0)
        #expect(memory["maxmemory_policy"] == .string("noeviction"))
        #expect(memory["used_memory_human"] == nil)

        let memoryStats = try #require(payloads["redis_memory_stats"]?.rows.first)
        #expect((memoryStats["peak_allocated"]?.doubleValue ?? 0) > 0)
        #expect(memoryStats["fragmentation"]?.doubleValue != nil)

        let serverRow = try #require(payloads["redis_server"]?.rows.first)
        #expect(serverRow["tcp_port"]?.doubleValue == Double(server.port))
        #expect(serverRow["uptime_in_seconds"]?.doubleValue != nil)

        let config = try #require(payloads["redis_config"]?.rows.first)
        #expect(config["requirepass_set"] == .bool(true))
        #expect(config["requirepass"] == nil)
        #expect(config["slowlog_log_slower_than"]?.doubleValue == 0)
        #expect(config["port"]?.doubleValue == Double(server.port))
        #expect(config["databases"]?.doubleValue == 16)
        #expect(config["appendonly"] == .bool(false))
        #expect(config["lazyfree_lazy_eviction"] != nil)

        let cpu = try #require(payloads["redis_cpu"]?.rows.first)
        #expect(cpu["used_cpu_sys"]?.doubleValue != nil)

        let latency = try #require(payloads["redis_latency"])
        #expect(latency.status == .ok)  // may hold no events; ok and empty is not unavailable

        let slowlog = try #require(payloads["redis_slowlog"]?.rows)
        #expect(!slowlog.isEmpty)  // slowlog-log-slower-than is 0 on the test servers
        for entry in slowlog {
            #expect(entry["tag_id"] != nil)
            #expect(entry["duration_us"]?.doubleValue != nil)
            #expect(entry["command"]?.stringValue?.isEmpty == false)
        }

        let acl = try #require(payloads["redis_acl"]?.rows)
        let me = try #require(acl.first { $0["tag_user"] == .string(user.name) })
        #expect(me["enabled"] == .bool(true))
        #expect(me["nopass"] == .bool(false))
        #expect(me["password_count"]?.doubleValue == 1)
        #expect(me["can_run_dangerous"] == .bool(false))
        #expect(me["commands"]?.stringValue?.contains("+client|list") == true)
        let defaultUser = try #require(acl.first { $0["tag_user"] == .string("default") })
        #expect(defaultUser["can_run_dangerous"] == .bool(true))
        #expect(defaultUser["dangerous_commands"]?.stringValue?.contains("flushall") == true)
        #expect(!acl.contains { $0.keys.contains("passwords") })
    }

    @Test("The minimum ACL user gets exactly the gated signals unavailable(permission), the rest ok", arguments: servers)
    func minimumUserPermissions(server: RedisTestServer) throws {
        let admin = try server.admin()
        let user = try admin.createUser(rules: RedisTestServer.minimumMonitoringRules)
        let driver = try server.driver(username: user.name, password: user.password)
        defer { driver.close() }

        let payloads = try Self.collectAll(driver)
        let unavailable = Set(payloads.values.filter { $0.status == .unavailable }.map(\.name))
        #expect(unavailable == Self.permissionGatedSignals)
        let catalog = try RedisTestServer.catalog()
        for name in Self.permissionGatedSignals {
            let payload = try #require(payloads[name])
            let signal = try #require(catalog.signal(named: name))
            #expect(payload.reason == .permission, "\(name)")
            #expect(payload.rows.isEmpty)
            #expect(payload.message?.contains("ACL SETUSER \(user.name) \(signal.aclRule)") == true, "\(payload.message ?? "")")
        }
        for payload in payloads.values where !Self.permissionGatedSignals.contains(payload.name) {
            #expect(payload.status == .ok, "\(payload.name): \(payload.message ?? "")")
        }
        #expect(driver.isConnected)

        // The minimum includes +client|setname, so the connection carries the agent's name.
        let mine = try admin.clients(ofUser: user.name)
        #expect(mine.contains { $0["name"] == "logstag-agent" })
    }

    @Test("Password-only auth (db_username empty) logs in as the default user", arguments: servers)
    func passwordOnlyAuth(server: RedisTestServer) throws {
        let driver = try server.driver(username: "", password: RedisTestServer.adminPassword)
        defer { driver.close() }
        let collection = try driver.collect(tier: .high)
        #expect(collection.signals.allSatisfy { $0.status == .ok })
        let clientList = try #require(collection.signals.first { $0.name == "redis_client_list" })
        let own = try #require(clientList.rows.first { $0["name"] == .string("logstag-agent") && $0["user"] == .string("default") })
        #expect(own["cmd"] == .string("client|list"))
        #expect(own["tag_id"] != nil)
        #expect(own["tot_mem"]?.doubleValue != nil)
        #expect(own.keys.allSatisfy { !$0.contains("-") })
    }

    @Test("A wrong password is DriverError(auth) after exactly one AUTH attempt", arguments: servers)
    func wrongPassword(server: RedisTestServer) throws {
        let admin = try server.admin()
        let user = try admin.createUser(rules: RedisTestServer.fullMonitoringRules)
        let wrong = "wrong-\(RedisTestServer.uniqueSuffix())"
        let driver = try server.driver(username: user.name, password: wrong)
        #expect {
            try driver.connect()
        } throws: { error in
            guard let error = error as? DriverError else { return false }
            return error.reason == .auth && !error.message.contains(wrong) && !error.message.contains(user.password)
                && error.message.contains(user.name)
        }
        #expect(!driver.isConnected)

        // ACL LOG counts failed logins per user name: one attempt, no retry loop.
        let log = try #require(admin.run(["ACL", "LOG", "50"]).elements)
        let entries = log.compactMap { entry -> [String: RedisReply]? in RedisReplyRows.aclProperties(entry) }
            .filter { $0["username"]?.text == user.name && $0["reason"]?.text == "auth" }
        #expect(entries.count == 1)
        #expect(entries.first?["count"]?.integer == 1)

        // Password-only auth with the wrong password, and no password at all, are auth too.
        for password in [wrong, ""] {
            let other = try server.driver(username: "", password: password)
            #expect {
                try other.connect()
            } throws: { error in
                (error as? DriverError)?.reason == .auth
            }
        }
    }

    @Test("A refused connection is DriverError(unreachable)", arguments: servers)
    func refusedConnection(server: RedisTestServer) throws {
        // Port 1 on loopback has no listener (and needs root to get one).
        var target = server.target(username: "", password: RedisTestServer.adminPassword)
        target.port = 1
        let driver = RedisDriver(target: target, catalog: try RedisTestServer.catalog(), agentVersion: "0.0.0-test")
        #expect {
            try driver.connect()
        } throws: { error in
            guard let error = error as? DriverError else { return false }
            return error.reason == .unreachable && error.message.contains("127.0.0.1:1")
        }
        #expect {
            _ = try driver.collect(tier: .high)
        } throws: { error in
            (error as? DriverError)?.reason == .unreachable
        }
    }

    @Test("A database the server does not have is a driver error naming db_name", arguments: servers)
    func missingDatabase(server: RedisTestServer) throws {
        let driver = try server.driver(username: "", password: RedisTestServer.adminPassword, database: "99")
        #expect {
            try driver.connect()
        } throws: { error in
            guard let error = error as? DriverError else { return false }
            return error.reason == .error && error.message.contains("db_name")
        }
        let result = driver.connectionTest()
        #expect(!result.success)
        #expect(result.checks.first { $0.name == "Authenticated" }?.status == .pass)
        #expect(result.checks.first { $0.name == "Database selected" }?.status == .fail)
    }

    @Test("Passwords with spaces, quotes, newlines and non-ASCII are sent as one argument", arguments: servers)
    func binarySafePassword(server: RedisTestServer) throws {
        let admin = try server.admin()
        let name = "logstag_test_\(RedisTestServer.uniqueSuffix())"
        let password = "a b \"c\" \\ d\r\ne ü \(RedisTestServer.uniqueSuffix())"
        try admin.run(["ACL", "SETUSER", name, "reset", "on", ">" + password] + RedisTestServer.minimumMonitoringRules)
        defer { _ = try? admin.run(["ACL", "DELUSER", name]) }
        let driver = try server.driver(username: name, password: password)
        defer { driver.close() }
        try driver.connect()
        #expect(driver.isConnected)
        #expect(try driver.collect(tier: .high).signals.first { $0.name == "redis_clients" }?.status == .ok)
    }

    @Test("A connection killed by the server makes collect throw and a later collect reconnects", arguments: servers)
    func connectionLost(server: RedisTestServer) throws {
        let admin = try server.admin()
        let user = try admin.createUser(rules: RedisTestServer.fullMonitoringRules)
        let driver = try server.driver(username: user.name, password: user.password)
        defer { driver.close() }
        try driver.connect()
        #expect(try admin.run(["CLIENT", "KILL", "USER", user.name]).integer == 1)
        #expect {
            _ = try driver.collect(tier: .medium)
        } throws: { error in
            guard let error = error as? DriverError else { return false }
            return error.reason == .unreachable && error.message.contains("lost")
        }
        #expect(!driver.isConnected)
        let again = try driver.collect(tier: .high)
        #expect(again.signals.allSatisfy { $0.status == .ok })
        #expect(driver.isConnected)
    }

    @Test("A signal that exceeds its timeout is unavailable(error); the next signal runs on a fresh connection", arguments: servers)
    func signalTimeout(server: RedisTestServer) throws {
        let admin = try server.admin()
        let user = try admin.createUser(rules: RedisTestServer.fullMonitoringRules)
        let real = try RedisTestServer.catalog()
        let clients = try #require(real.signal(named: "redis_clients"))
        let dbsize = try #require(real.signal(named: "redis_dbsize"))
        let slowClients = RedisSignal(
            name: clients.name, tier: .high, command: clients.command, parser: clients.parser, timeoutMs: 150, aclRule: clients.aclRule,
            fields: clients.fields)
        let catalog = RedisCatalog(signals: [slowClients, RedisSignal(
            name: dbsize.name, tier: .high, command: dbsize.command, parser: dbsize.parser, timeoutMs: 4000, aclRule: dbsize.aclRule,
            fields: dbsize.fields)])
        let driver = RedisDriver(
            target: server.target(username: user.name, password: user.password), catalog: catalog, agentVersion: "0.0.0-test")
        defer { driver.close() }
        try driver.connect()

        // Every client waits while the server is paused (kept short: other tests share it).
        try admin.run(["CLIENT", "PAUSE", "700", "ALL"])
        let collection = try driver.collect(tier: .high)
        let timedOut = try #require(collection.signals.first { $0.name == "redis_clients" })
        #expect(timedOut.status == .unavailable)
        #expect(timedOut.reason == .error)
        #expect(timedOut.message?.contains("150 ms") == true)
        let next = try #require(collection.signals.first { $0.name == "redis_dbsize" })
        #expect(next.status == .ok, "\(next.message ?? "")")
        #expect(driver.isConnected)
    }

    @Test("Unknown-command and other error replies of the real servers are classified", arguments: servers)
    func realErrorReplies(server: RedisTestServer) throws {
        let admin = try server.admin()
        let unknownCommand = try #require(admin.connection.command(["LOGSTAGNOSUCHCOMMAND", "x"]).errorMessage)
        #expect(RedisErrorReply(unknownCommand) == .unsupported)
        let unknownSubcommand = try #require(admin.connection.command(["LATENCY", "LOGSTAGNOSUCH"]).errorMessage)
        #expect(RedisErrorReply(unknownSubcommand) == .unsupported)
        let user = try admin.createUser(rules: ["+ping"])
        let limited = try RedisConnection(host: server.host, port: server.port, connectTimeout: .seconds(5))
        defer { limited.close() }
        #expect(try limited.command(["AUTH", user.name, user.password]).errorMessage == nil)
        let noperm = try #require(limited.command(["CONFIG", "GET", "maxmemory"]).errorMessage)
        #expect(RedisErrorReply(noperm) == .permission(command: "config|get"))
        let wrongpass = try #require(limited.command(["AUTH", user.name, "nope"]).errorMessage)
        #expect(RedisErrorReply(wrongpass) == .authentication)
    }
}
