import Foundation
import LogstagCore
import Testing

@testable import LogstagAgent

/// The Redis manifest as an artefact: it parses, every signal is well-formed, the tiers follow
/// the reference, and nothing outside the read-only allow-list can be declared.
@Suite("Redis collector manifest")
struct RedisCatalogTests {
    /// The checked-in list of signals: a rename or removal must be deliberate (it is part of
    /// the wire format).
    static let expectedSignals: [Tier: [String]] = [
        .high: ["redis_clients", "redis_replication", "redis_role", "redis_client_list"],
        .medium: [
            "redis_stats", "redis_memory", "redis_memory_stats", "redis_persistence", "redis_commandstats", "redis_errorstats",
            "redis_keyspace", "redis_dbsize", "redis_cpu", "redis_slowlog", "redis_latency",
        ],
        .low: ["redis_server", "redis_config", "redis_acl"],
        .schema: [],
    ]

    /// Literal lists from the brief, independent of the code's enums.
    static let knownParsers: Set<String> = [
        "info", "info_keyspace", "info_commandstats", "info_errorstats", "dbsize", "role", "client_list", "slowlog",
        "latency_latest", "memory_stats", "config_get", "acl",
    ]
    static let knownKinds: Set<String> = ["gauge", "counter", "label", "text", "flag"]

    static func manifestText() throws -> String {
        try #require(RedisTestResources.read(RedisCatalog.manifestPath), "Resources/collectors/redis/manifest.toml is missing")
    }

    @Test("The manifest loads and lists exactly the expected signals per tier")
    func manifestLoads() throws {
        let catalog = try RedisTestServer.catalog()
        for tier in Tier.allCases {
            #expect(catalog.signals(tier: tier).map(\.name) == Self.expectedSignals[tier], "tier \(tier.rawValue)")
        }
        #expect(Set(catalog.signalNames).count == catalog.signalNames.count, "signal names are unique")
    }

    @Test("Every signal table has a known parser, a valid tier and only valid field kinds (read from the raw TOML)")
    func rawManifestIsWellFormed() throws {
        let document = try TOMLDocument.parse(try Self.manifestText())
        let signalTables = document.tables.filter { $0.path.count == 2 && $0.path[0] == "signals" }
        #expect(signalTables.count == Self.expectedSignals.values.map(\.count).reduce(0, +))
        for table in signalTables {
            let name = table.path[1]
            guard case .string(let parser)? = table.entry("parser")?.value else {
                Issue.record("\(name) has no parser")
                continue
            }
            #expect(Self.knownParsers.contains(parser), "\(name): unknown parser \(parser)")
            guard case .string(let tier)? = table.entry("tier")?.value else {
                Issue.record("\(name) has no tier")
                continue
            }
            #expect(["high", "medium", "low"].contains(tier), "\(name): tier \(tier)")
            guard case .integer(let timeout)? = table.entry("timeout_ms")?.value else {
                Issue.record("\(name) has no timeout_ms")
                continue
            }
            #expect(timeout > 0 && timeout <= 5000, "\(name): timeout_ms \(timeout)")
            let fields = try #require(document.table(path: ["signals", name, "fields"]), "\(name) has no fields table")
            #expect(!fields.entries.isEmpty)
            for entry in fields.entries {
                guard case .string(let kind) = entry.value else {
                    Issue.record("\(name).\(entry.key) is not a string")
                    continue
                }
                #expect(Self.knownKinds.contains(kind), "\(name).\(entry.key): kind \(kind)")
                #expect(entry.key.allSatisfy { $0.isLowercase || $0.isNumber || $0 == "_" }, "\(name).\(entry.key) is not snake_case")
            }
        }
    }

    @Test("Every declared command is read-only: no KEYS, SCAN, GET, DUMP, DEBUG, SLOWLOG RESET, CONFIG SET/RESETSTAT")
    func commandsAreReadOnly() throws {
        let catalog = try RedisTestServer.catalog()
        let forbidden: Set<String> = ["keys", "scan", "get", "dump", "debug", "monitor", "flushall", "flushdb", "del", "set", "eval"]
        var commands = catalog.signals.map(\.command) + catalog.signals.filter { !$0.perUserCommand.isEmpty }.map(\.perUserCommand)
        commands += (catalog.requiredProbes + catalog.recommendedProbes).map(\.command)
        for command in commands {
            let words = command.map { $0.lowercased() }
            #expect(!forbidden.contains(words[0]), "\(command)")
            #expect(!(words.count > 1 && words[0] == "slowlog" && words[1] == "reset"), "\(command)")
            #expect(!(words.count > 1 && words[0] == "config" && ["set", "resetstat", "rewrite"].contains(words[1])), "\(command)")
        }
        let slowlog = try #require(catalog.signal(named: "redis_slowlog"))
        #expect(slowlog.command.map { $0.uppercased() } == ["SLOWLOG", "GET", "128"])
    }

    @Test("The connection-test probes cover the reference's fuller-coverage ACL list")
    func probesCoverReference() throws {
        let catalog = try RedisTestServer.catalog()
        #expect(
            catalog.recommendedProbes.map(\.rule) == [
                "client|list", "memory|stats", "slowlog|get", "slowlog|len", "latency|latest", "config|get", "acl|users", "acl|getuser",
            ])
        #expect(catalog.requiredProbes.map(\.rule) == ["ping", "info", "dbsize", "role"])
    }

    @Test(
        "A manifest that breaks a rule is rejected with its line",
        arguments: [
            ("parser = \"info\"", "parser = \"keys\"", "parser"),
            ("connected_clients = \"gauge\"", "connected_clients = \"number\"", "connected_clients"),
            ("command = [\"INFO\", \"clients\"]", "command = [\"KEYS\", \"*\"]", "allow-list"),
            ("command = [\"SLOWLOG\", \"GET\", \"128\"]", "command = [\"SLOWLOG\", \"RESET\"]", "allow-list"),
            ("command = [\"DBSIZE\"]", "command = [\"CONFIG\", \"SET\", \"maxmemory\", \"1\"]", "allow-list"),
            ("tier = \"high\"", "tier = \"schema\"", "tier"),
            ("timeout_ms = 2000", "timeout_ms = 2000\nretries = 3", "retries"),
            ("requirepass_set = \"flag\"", "requirepass = \"text\"", "requirepass_set"),
        ])
    func rejectsBrokenManifest(original: String, replacement: String, mentioned: String) throws {
        let text = try Self.manifestText()
        let range = try #require(text.range(of: original), "fixture text \(original) not found in the manifest")
        let broken = text.replacingCharacters(in: range, with: replacement)
        do {
            _ = try RedisCatalog.parse(broken)
            Issue.record("the manifest with \(replacement) was accepted")
        } catch {
            #expect(error.line > 0)
            #expect(error.description.contains(mentioned), "\(error.description)")
        }
    }
}
