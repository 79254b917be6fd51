import Foundation
import LogstagCore
import Testing

@testable import LogstagAgent

/// "Never KEYS, never values", checked from the server's side: MONITOR records what the
/// driver sends, INFO commandstats proves the admin-only commands MONITOR hides were not
/// called, and values written by the test never show up in what the driver collected.
@Suite("Redis driver never reads values")
struct RedisSafetyIntegrationTests {
    /// Every command the agent may send (ACL names), written out here independently of the code.
    static let allowed: Set<String> = [
        "auth", "select", "client|setname", "ping", "info", "dbsize", "role", "client|list", "memory|stats", "slowlog|get",
        "slowlog|len", "latency|latest", "config|get", "acl|users", "acl|getuser", "acl|whoami", "acl|dryrun",
    ]

    /// Commands no test of this target runs, so any attempt during the window came from the
    /// driver. MONITOR does not show admin commands (SLOWLOG RESET, CONFIG SET, ...), so
    /// attempts are also counted in INFO commandstats, refused ones included.
    static let forbidden = [
        "keys", "scan", "get", "mget", "getrange", "getex", "getdel", "hget", "hgetall", "hmget", "hscan", "lrange", "lindex",
        "smembers", "sscan", "zrange", "zscan", "xrange", "dump", "debug", "slowlog|reset", "config|set", "config|resetstat",
        "config|rewrite", "flushall", "flushdb", "latency|reset", "monitor", "object|encoding", "memory|usage",
    ]

    static let containers: Set<String> = ["client", "config", "memory", "slowlog", "latency", "acl", "object"]

    @Test("Every command the driver sends is on the allow-list, and no value reaches the payload", arguments: RedisTestServer.all)
    func neverKeysNeverValues(server: RedisTestServer) throws {
        let admin = try server.admin()
        // A user allowed everything: whatever the driver sent would run and be seen, not
        // refused before MONITOR could show it.
        let user = try admin.createUser(rules: ["~*", "&*", "+@all"])
        let database = "\(Int.random(in: 1...15))"
        let suffix = RedisTestServer.uniqueSuffix()
        let secrets = (1...4).map { "secret-value-\($0)-\(suffix)-\(RedisTestServer.uniqueSuffix())" }
        let stringKey = "logstag:safety:string:\(suffix)"
        let hashKey = "logstag:safety:hash:\(suffix)"
        let listKey = "logstag:safety:list:\(suffix)"
        try admin.run(["SELECT", database])
        try admin.run(["SET", stringKey, secrets[0], "EX", "300"])
        try admin.run(["HSET", hashKey, "field", secrets[1]])
        try admin.run(["LPUSH", listKey, secrets[2]])
        try admin.run(["ECHO", secrets[3]])
        defer { _ = try? admin.run(["DEL", stringKey, hashKey, listKey]) }

        // Given: a MONITOR session on its own connection.
        let monitor = try RedisTestAdmin(server: server)
        try monitor.run(["MONITOR"])
        let attemptsBefore = try admin.commandAttempts()

        // When: the driver collects every tier and runs its connection test.
        let driver = try server.driver(username: user.name, password: user.password, database: database)
        defer { driver.close() }
        var collections: [TierCollection] = []
        for tier in Tier.allCases { collections.append(try driver.collect(tier: tier)) }
        let test = driver.connectionTest()
        #expect(test.success)
        #expect(test.checks.first { $0.name == "No dangerous commands" }?.status == .warn)
        // The slow log holds the test's SET (the log is shared; retry if other tests pushed it out).
        var slowlogHasKey = slowlogMentions(stringKey, in: collections)
        for _ in 0..<5 where !slowlogHasKey {
            try admin.run(["SET", stringKey, secrets[0], "EX", "300"])
            let medium = try driver.collect(tier: .medium)
            collections.append(medium)
            slowlogHasKey = slowlogMentions(stringKey, in: [medium])
        }
        #expect(slowlogHasKey, "the slow log rows should name the key of the test's SET")

        let addresses = Set(try admin.clients(ofUser: user.name).compactMap { $0["addr"] })
        #expect(!addresses.isEmpty)
        let marker = "logstag-monitor-end-\(suffix)"
        try admin.run(["ECHO", marker])
        let sent = try commands(from: monitor, until: marker, addresses: addresses)
        let attemptsAfter = try admin.commandAttempts()

        // Then: only allowed commands, and the visible ones really were seen.
        let names = sent.map(Self.aclName)
        for (name, command) in zip(names, sent) {
            #expect(Self.allowed.contains(name), "the driver sent \(command)")
        }
        #expect(Set(names).isSuperset(of: ["auth", "select", "info", "dbsize", "role", "memory|stats"]), "\(Set(names).sorted())")
        for command in Self.forbidden {
            #expect((attemptsAfter[command] ?? 0) == (attemptsBefore[command] ?? 0), "\(command) was sent")
        }

        // And: no value, and no password, in anything the driver produced.
        let encoder = WireCoding.encoder()
        var json = ""
        for collection in collections {
            for signal in collection.signals {
                json += String(decoding: try encoder.encode(signal), as: UTF8.self)
            }
            json += String(decoding: try encoder.encode(collection.instance), as: UTF8.self)
        }
        json += String(decoding: try encoder.encode(test), as: UTF8.self)
        let namesTheKey = json.contains(stringKey)
        #expect(namesTheKey, "the key names of the test's commands should be in the slow log rows")
        for (index, secret) in (secrets + [user.password, RedisTestServer.adminPassword]).enumerated() {
            let leaked = json.contains(secret)
            #expect(!leaked, "secret #\(index) (a value or password) is in the collected payload")
        }
    }

    private func slowlogMentions(_ key: String, in collections: [TierCollection]) -> Bool {
        collections.flatMap(\.signals).filter { $0.name == "redis_slowlog" }.flatMap(\.rows).contains { row in
            row["command"]?.stringValue == "set \(key) +3 args"
        }
    }

    /// Reads MONITOR lines until `marker` and returns the arguments of those sent from `addresses`.
    private func commands(from monitor: RedisTestAdmin, until marker: String, addresses: Set<String>) throws -> [[String]] {
        var result: [[String]] = []
        let deadline = ContinuousClock.now + .seconds(20)
        while ContinuousClock.now < deadline {
            guard case .status(let line) = try monitor.connection.nextReply() else { continue }
            // 1795299120.207429 [0 127.0.0.1:34294] "INFO" "clients"
            guard let open = line.firstIndex(of: "["), let close = line.firstIndex(of: "]") else { continue }
            let address = line[line.index(after: open)..<close].split(separator: " ").last.map(String.init) ?? ""
            let arguments = Self.quotedArguments(String(line[line.index(after: close)...]))
            if arguments.first?.uppercased() == "ECHO", arguments.last == marker { return result }
            if addresses.contains(address) { result.append(arguments) }
        }
        throw RedisTestFailure(description: "MONITOR never showed the end marker")
    }

    /// `"INFO" "clients" "a\"b"` -> ["INFO", "clients", "a\"b"] (escapes kept simple: the
    /// test only needs command names and exact matches of plain markers).
    static func quotedArguments(_ text: String) -> [String] {
        var arguments: [String] = []
        var current = ""
        var inQuotes = false
        var escaped = false
        for character in text {
            if escaped {
                current.append(character)
                escaped = false
            } else if character == "\\" && inQuotes {
                escaped = true
            } else if character == "\"" {
                if inQuotes { arguments.append(current) }
                current = ""
                inQuotes.toggle()
            } else if inQuotes {
                current.append(character)
            }
        }
        return arguments
    }

    static func aclName(_ arguments: [String]) -> String {
        let name = arguments.first?.lowercased() ?? ""
        if containers.contains(name), arguments.count > 1 { return name + "|" + arguments[1].lowercased() }
        return name
    }
}
