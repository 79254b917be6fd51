import LogstagCore
import Testing

@testable import LogstagAgent

/// The pure pieces of the Redis collector: field maps, slow-log summaries, ACL rule reading,
/// error classification. The integration tests run the same code on real server replies.
@Suite("Redis reply parsing")
struct RedisReplyRowsTests {
    @Test("Field kinds convert values; unmapped fields are dropped; labels become tag_ columns")
    func rowBuilderAppliesTheFieldMap() {
        var builder = RedisRowBuilder(fields: [
            "used_memory": .gauge, "used_memory_peak_perc": .gauge, "role": .text, "command": .label, "appendonly": .flag,
            "mem_fragmentation_ratio": .gauge, "tot_mem": .gauge,
        ])
        builder.set("used_memory", "966840")
        builder.set("used_memory_peak_perc", "100.19%")
        builder.set("used_memory_human", "944.18K")  // not mapped
        builder.set("role", "master")
        builder.set("command", "config|get")
        builder.set("appendonly", "no")
        builder.set("mem_fragmentation_ratio", "inf")  // JSON has no infinity
        builder.set("tot-mem", "37658")
        #expect(builder.row["used_memory"] == .number(966_840))
        #expect(builder.row["used_memory_peak_perc"] == .number(100.19))
        #expect(builder.row["used_memory_human"] == nil)
        #expect(builder.row["role"] == .string("master"))
        #expect(builder.row["tag_command"] == .string("config|get"))
        #expect(builder.row["command"] == nil)
        #expect(builder.row["appendonly"] == .bool(false))
        #expect(builder.row["mem_fragmentation_ratio"] == .string("inf"))
        #expect(builder.row["tot_mem"] == .number(37_658))
        #expect(builder.row.count == 7)
    }

    @Test(
        "Slow-log commands keep the name and the first argument only; the rest is counted",
        arguments: [
            (["SET", "user:1", "secret-value"], "set user:1 +1 args"),
            (["GET", "user:1"], "get user:1"),
            (["PING"], "ping"),
            (["AUTH", "(redacted)"], "auth +1 args"),
            (["AUTH", "someone", "(redacted)"], "auth +2 args"),
            (["ECHO", "a value"], "echo +1 args"),
            (["HSET", "h", "f1", "v1", "f2", "v2"], "hset h +4 args"),
            (["MSET", "k1", "v1", "k2", "v2", "... (30 more arguments)"], "mset k1 +33 args"),
        ])
    func slowlogSummary(arguments: [String], expected: String) throws {
        let catalog = try RedisTestServer.catalog()
        let slowlog = try #require(catalog.signal(named: "redis_slowlog"))
        let summary = RedisReplyRows.slowlogCommand(arguments, hidden: slowlog.hideArgumentsOf)
        #expect(summary.text == expected)
        #expect(summary.name == arguments[0].lowercased())
    }

    @Test(
        "ACL rules: the last matching rule decides whether a dangerous command is allowed",
        arguments: [
            ("-@all +ping +select +info +dbsize +role +client|list +config|get +acl|users +acl|getuser", [String]()),
            ("+@all", nil),
            ("+@all -@dangerous -@write -@scripting", [String]()),
            ("-@all +info +flushall", ["flushall"]),
            ("-@all +@keyspace -keys -flushall -flushdb -swapdb -migrate -restore", [String]()),
            ("-@all +config", ["config|resetstat", "config|rewrite", "config|set"]),
            ("-@all +config|get", [String]()),
            ("-@all +@admin -@admin", [String]()),
        ] as [(String, [String]?)])
    func dangerousRules(rules: String, expected: [String]?) throws {
        let catalog = try RedisTestServer.catalog()
        let acl = try #require(catalog.signal(named: "redis_acl"))
        let dangerous = RedisACLRules.dangerousCommands(ruleSets: [rules], dangerous: acl.dangerousCommands)
        #expect(dangerous == (expected ?? acl.dangerousCommands.keys.sorted()))
    }

    @Test("A selector that grants a dangerous command counts")
    func selectorsCount() throws {
        let catalog = try RedisTestServer.catalog()
        let acl = try #require(catalog.signal(named: "redis_acl"))
        let dangerous = RedisACLRules.dangerousCommands(ruleSets: ["-@all +info", "-@all +flushdb"], dangerous: acl.dangerousCommands)
        #expect(dangerous == ["flushdb"])
    }

    @Test(
        "Error replies are classified by their prefix",
        arguments: [
            ("NOPERM this user has no permissions to run the 'client|list' command", RedisErrorReply.permission(command: "client|list")),
            ("NOPERM User mon has no permissions to run the 'slowlog|get' command", .permission(command: "slowlog|get")),
            ("WRONGPASS invalid username-password pair or user is disabled.", .authentication),
            ("NOAUTH Authentication required.", .authentication),
            ("ERR invalid password", .authentication),
            (
                "ERR AUTH <password> called without any password configured for the default user. Are you sure your configuration is correct?",
                .authentication
            ),
            ("ERR unknown command 'FOO', with args beginning with: 'x' ", .unsupported),
            ("ERR unknown subcommand 'FOO'. Try LATENCY HELP.", .unsupported),
            ("ERR DB index is out of range", .other),
        ])
    func errorClassification(message: String, expected: RedisErrorReply) {
        #expect(RedisErrorReply(message) == expected)
    }

    @Test("Error summaries drop the arguments Redis echoes back")
    func errorSummary() {
        #expect(RedisErrorReply.summary("ERR unknown command 'FOO', with args beginning with: 'secret' ") == "ERR unknown command 'FOO'")
        #expect(RedisErrorReply.summary("ERR unknown subcommand 'X'. Try CLIENT HELP.") == "ERR unknown subcommand 'X'")
    }

    @Test("Identity: Valkey is told from Redis by server_name / valkey_version, not by redis_version")
    func identity() {
        let valkey = RedisServerIdentity(infoServer: ["redis_version": "7.2.4", "server_name": "valkey", "valkey_version": "8.1.8"])
        #expect(valkey == RedisServerIdentity(engine: .valkey, version: "8.1.8"))
        #expect(valkey?.isSupported == true)
        let redis = RedisServerIdentity(infoServer: ["redis_version": "7.0.15"])
        #expect(redis == RedisServerIdentity(engine: .redis, version: "7.0.15"))
        #expect(redis?.isSupported == true)
        #expect(RedisServerIdentity(infoServer: ["redis_version": "6.2.14"])?.isSupported == false)
        #expect(RedisServerIdentity(infoServer: ["redis_version": "7.2.4", "server_name": "valkey", "valkey_version": "7.2.5"])?.isSupported == false)
        #expect(RedisServerIdentity(infoServer: [:]) == nil)
    }
}
