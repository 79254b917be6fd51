import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LogstagCore
import LogstagStorage
import Testing

@testable import LogstagServer

/// The Database Explorer and the Overview dashboard over real SQLite: PostgreSQL and Redis
/// payloads ingested through the agent API at known times, read back through the HTTP routes.
@Suite("Database Explorer and Overview")
struct DatabaseExplorerTests {
    /// PostgreSQL signals shaped like the collector's (Resources/collectors/postgresql/manifest.toml).
    static func pgStats(commits: Double, rollbacks: Double = 0, deadlocks: Double = 0, backends: Double = 4) -> SignalPayload {
        SignalPayload(name: "pg_database_stats", status: .ok, durationMs: 1, rows: [
            ["tag_database": .string("app"), "numbackends": .number(backends), "xact_commit": .number(commits),
             "xact_rollback": .number(rollbacks), "blks_read": .number(commits), "blks_hit": .number(commits * 10), "deadlocks": .number(deadlocks)],
            ["tag_database": .string("template0"), "numbackends": .number(0), "xact_commit": .number(0), "xact_rollback": .number(0)],
        ])
    }

    static func pgSizes(app: Double) -> SignalPayload {
        SignalPayload(name: "pg_database_sizes", status: .ok, durationMs: 1, rows: [["tag_database": .string("app"), "size_bytes": .number(app)]])
    }

    static let inventory: [SignalPayload] = [
        SignalPayload(name: "pg_tables", status: .ok, durationMs: 1, rows: ["orders", "users"].map {
            ["tag_database": .string("app"), "tag_schema": .string("public"), "tag_table": .string($0), "total_bytes": .number(8192)]
        }),
        SignalPayload(name: "pg_indexes", status: .ok, durationMs: 1, rows: [
            ["tag_database": .string("app"), "tag_schema": .string("public"), "tag_table": .string("orders"), "tag_index": .string("orders_pkey"),
             "size_bytes": .number(8192)],
        ]),
    ]

    static func redisSignals(keys: Double, commands: Double, hits: Double, misses: Double) -> [SignalPayload] {
        [
            SignalPayload(name: "redis_memory", status: .ok, durationMs: 1, rows: [["used_memory": .number(1_048_576)]]),
            SignalPayload(name: "redis_dbsize", status: .ok, durationMs: 1, rows: [["tag_db": .string("0"), "keys": .number(keys)]]),
            SignalPayload(name: "redis_clients", status: .ok, durationMs: 1, rows: [["connected_clients": .number(3)]]),
            SignalPayload(name: "redis_stats", status: .ok, durationMs: 1, rows: [[
                "total_commands_processed": .number(commands), "keyspace_hits": .number(hits), "keyspace_misses": .number(misses),
            ]]),
        ]
    }

    /// One organisation with a PostgreSQL asset (env) and a Redis asset, both enrolled.
    struct Fixture {
        let pg: HealthEnv
        let redis: HealthEnv
        var headers: HTTPFields { pg.headers }
        var now: Date { pg.server.clock.now }

        static func make(_ server: TestServer, _ client: any TestClientProtocol) async throws -> Fixture {
            let pg = try await HealthEnv.make(server, client, engine: .postgresql)
            let created = try await client.json(.post, "/api/v1/assets", pg.headers, ["engine": "redis", "name": "cache"])
            let redisID = try #require(created.json["id"] as? String)
            let token = try #require(try await client.json(.post, "/api/v1/assets/\(redisID)/registration-token", pg.headers).json["token"] as? String)
            var agent = AgentSimulator(client: client)
            #expect(try await agent.enroll(token: token, engine: .redis, target: "cache").status == .created)
            let redis = HealthEnv(server: server, org: pg.org, owner: pg.owner, headers: pg.headers, agent: agent, assetID: redisID)
            return Fixture(pg: pg, redis: redis)
        }

        /// PG: 5 tx/s in the previous hour, 10 tx/s in this one with a statistics reset in
        /// between; Redis: 42 keys, 20 ops/s, 3 hits per miss.
        func ingestHistory() async throws {
            var commits = 0.0
            for minute in stride(from: 110, through: 65, by: -5) {
                commits += 5 * 300
                try await pg.ingest(at: now.addingTimeInterval(-Double(minute) * 60), [.medium: [Self.stats(commits)]])
            }
            // Reset: the counter restarts near zero; the next rates must never be negative.
            commits = 600
            for minute in stride(from: 54, through: 4, by: -5) {
                try await pg.ingest(at: now.addingTimeInterval(-Double(minute) * 60), [.medium: [Self.stats(commits)]])
                commits += 10 * 300
            }
            try await pg.ingest(at: now.addingTimeInterval(-60), [.low: [DatabaseExplorerTests.pgSizes(app: 9_000_000)], .schema: DatabaseExplorerTests.inventory])
            var commands = 0.0
            for minute in stride(from: 49, through: 4, by: -5) {
                commands += 20 * 300
                let signals = DatabaseExplorerTests.redisSignals(keys: 42, commands: commands, hits: commands * 0.75, misses: commands * 0.25)
                try await redis.ingest(at: now.addingTimeInterval(-Double(minute) * 60), [.medium: signals])
            }
        }

        static func stats(_ commits: Double) -> SignalPayload { DatabaseExplorerTests.pgStats(commits: commits) }

        func verify() throws {
            try pg.server.services.database.writer.write { db in try db.execute(sql: "UPDATE assets SET verified = 1") }
        }
    }

    static func item(_ items: [[String: Any]], _ database: String) -> [String: Any]? {
        items.first { $0["database"] as? String == database }
    }

    @Test("A day's tile compares with the day before, both read from hourly rollups")
    func dayTileTrend() async throws {
        let server = try TestServer()
        try await server.test { client in
            let fixture = try await Fixture.make(server, client)
            // The day before: 2 tx/s for five minutes, 25 hours ago.
            try await fixture.pg.ingest(at: fixture.now.addingTimeInterval(-25 * 3600), [.medium: [Fixture.stats(0)]])
            try await fixture.pg.ingest(at: fixture.now.addingTimeInterval(-25 * 3600 + 300), [.medium: [Fixture.stats(600)]])
            try await fixture.ingestHistory()
            let response = try await client.json(.get, "/api/v1/databases/\(fixture.pg.assetID)/app?window=24h", fixture.headers)
            #expect(response.status == .ok, "\(response.text)")
            let tiles = try #require(response.json["tiles"] as? [[String: Any]])
            let trend = try #require(tiles.first { $0["id"] as? String == "throughput" }?["trend"] as? [String: Any])
            #expect(abs((trend["previous"] as? Double ?? 0) - 2) < 0.001, "\(trend)")
            // This day: mostly 5 and 10 tx/s (plus the one slow interval across the 23-hour gap).
            let current = trend["current"] as? Double ?? 0
            #expect(current > 5 && current < 10, "\(trend)")
            #expect(trend["verdict"] as? String == "better")
        }
    }

    @Test("The list has one row per PostgreSQL database (templates hidden) and one per Redis instance, with the latest figures")
    func listRows() async throws {
        let server = try TestServer()
        try await server.test { client in
            let fixture = try await Fixture.make(server, client)
            let empty = try await client.json(.get, "/api/v1/databases", fixture.headers)
            #expect(empty.status == .ok)
            #expect((empty.json["items"] as? [Any])?.isEmpty == true)
            try await fixture.ingestHistory()

            let list = try await client.json(.get, "/api/v1/databases", fixture.headers)
            #expect(list.status == .ok, "\(list.text)")
            let items = try #require(list.json["items"] as? [[String: Any]])
            #expect(items.compactMap { $0["database"] as? String }.sorted() == ["app", "db0"])
            #expect(list.json["total"] as? Int == 2)
            let app = try #require(Self.item(items, "app"))
            #expect(app["engine"] as? String == "postgresql")
            #expect(app["instance"] as? String == "cache-postgresql")
            #expect(app["size_bytes"] as? Double == 9_000_000)
            #expect(app["objects"] as? Int == 3)
            #expect(app["connections"] as? Double == 4)
            #expect(abs((app["throughput"] as? Double ?? 0) - 10) < 0.001)
            #expect(app["status"] as? String == "offline", "the instance is not verified yet")
            let cache = try #require(Self.item(items, "db0"))
            #expect(cache["engine"] as? String == "redis")
            #expect(cache["objects"] as? Int == 42)
            #expect(cache["size_bytes"] as? Double == 1_048_576)
            #expect(abs((cache["throughput"] as? Double ?? 0) - 20) < 0.001)
            #expect((cache["problems"] as? [String: Any])?["critical"] is NSNull, "never checked")

            try fixture.verify()
            let verified = try await client.json(.get, "/api/v1/databases?sort=objects&order=desc", fixture.headers)
            let sorted = try #require(verified.json["items"] as? [[String: Any]])
            #expect(sorted.map { $0["status"] as? String } == ["online", "online"])
            #expect(sorted.map { $0["database"] as? String } == ["db0", "app"])

            let search = try await client.json(.get, "/api/v1/databases?search=CACHE-post", fixture.headers)
            #expect((search.json["items"] as? [[String: Any]])?.map { $0["database"] as? String } == ["app"])
            let engine = try await client.json(.get, "/api/v1/databases?engine=redis", fixture.headers)
            #expect((engine.json["items"] as? [[String: Any]])?.map { $0["database"] as? String } == ["db0"])
            let paged = try await client.json(.get, "/api/v1/databases?limit=1&offset=1&sort=database", fixture.headers)
            #expect((paged.json["items"] as? [[String: Any]])?.map { $0["database"] as? String } == ["db0"])
            #expect(paged.json["total"] as? Int == 2)
            let filtered = try await client.json(.get, "/api/v1/databases?instance=\(fixture.redis.assetID)", fixture.headers)
            #expect((filtered.json["items"] as? [[String: Any]])?.count == 1)
        }
    }

    @Test("PostgreSQL detail: tiles with the latest values and trends versus the previous hour; counter rates stay non-negative across a reset")
    func postgresDetail() async throws {
        let server = try TestServer()
        try await server.test { client in
            let fixture = try await Fixture.make(server, client)
            try await fixture.ingestHistory()
            let response = try await client.json(.get, "/api/v1/databases/\(fixture.pg.assetID)/app?window=1h", fixture.headers)
            #expect(response.status == .ok, "\(response.text)")
            let detail = response.json
            #expect(detail["database"] as? String == "app")
            #expect(detail["engine"] as? String == "postgresql")
            let tiles = try #require(detail["tiles"] as? [[String: Any]])
            #expect(tiles.map { $0["id"] as? String } == ["size", "objects", "connections", "throughput"])
            let throughput = try #require(tiles.first { $0["id"] as? String == "throughput" })
            #expect(abs((throughput["value"] as? Double ?? 0) - 10) < 0.001)
            let trend = try #require(throughput["trend"] as? [String: Any])
            // The hour before the window ran at 5 tx/s, this one at 10 (the reset interval counts its new value only).
            #expect(abs((trend["previous"] as? Double ?? 0) - 5) < 0.001)
            #expect((trend["current"] as? Double ?? 0) > 9)
            #expect(trend["verdict"] as? String == "better")
            #expect(tiles.first { $0["id"] as? String == "objects" }?["value"] as? Int == 3)
            #expect(tiles.first { $0["id"] as? String == "objects" }?["trend"] is NSNull)

            let charts = try #require(detail["charts"] as? [[String: Any]])
            #expect(charts.map { $0["id"] as? String } == ["size", "connections", "transactions", "latency", "disk_io", "deadlocks", "scans"])
            let transactions = try #require(charts.first { $0["id"] as? String == "transactions" })
            let commits = try #require((transactions["series"] as? [[String: Any]])?.first?["points"] as? [[String: Any]])
            #expect(commits.count >= 10)
            #expect(commits.allSatisfy { ($0["value"] as? Double ?? -1) >= 0 })
            let connections = try #require(charts.first { $0["id"] as? String == "connections" })
            #expect(((connections["series"] as? [[String: Any]])?.first?["points"] as? [Any])?.isEmpty == false)

            let health = try #require(detail["health"] as? [String: Any])
            #expect(health["status"] as? String == "pending")
            #expect((health["dimensions"] as? [[String: Any]])?.map { $0["name"] as? String } == ["Performance", "Security", "Configuration", "Schema", "Maintenance"])
            _ = try HealthEnv.completedRun(server.services, orgID: fixture.pg.org.id, assetID: fixture.pg.assetID, at: fixture.now)
            let scored = try await client.json(.get, "/api/v1/databases/\(fixture.pg.assetID)/app", fixture.headers)
            #expect((scored.json["health"] as? [String: Any])?["status"] as? String == "scored")
            #expect((scored.json["health"] as? [String: Any])?["band"] as? String == "healthy")

            let page = try await client.execute(uri: "/databases/\(fixture.pg.assetID)/app", method: .get, headers: fixture.headers)
            #expect(page.status == .ok)
            #expect(page.text.contains("class=\"health-ring health-ring--healthy\""))
            #expect(page.text.contains("href=\"/databases/\(fixture.pg.assetID)/app?tab=schema&"))
            // The Schema tab renders the database's inventory (API twin: …/schema).
            let schemaTab = try await client.execute(uri: "/databases/\(fixture.pg.assetID)/app?tab=schema", method: .get, headers: fixture.headers)
            #expect(schemaTab.status == .ok)
            #expect(schemaTab.text.contains("aria-current=\"page\">Schema</a>") || schemaTab.text.contains("data-tab=\"schema\" aria-current=\"page\""))
            #expect(!schemaTab.text.contains("data-chart=\"transactions\""))
            let inventory = try await client.json(.get, "/api/v1/databases/\(fixture.pg.assetID)/app/schema", fixture.headers)
            #expect(inventory.status == .ok)
            #expect(inventory.json["counts"] != nil)
            #expect(page.text.contains("data-chart=\"transactions\""))
            #expect(!page.text.contains("SVG markup"), "the template's comment must not leak into the page")
            let listPage = try await client.execute(uri: "/databases", method: .get, headers: fixture.headers)
            #expect(listPage.status == .ok)
            #expect(listPage.text.contains("href=\"/databases/\(fixture.pg.assetID)/app?"))
            #expect(!listPage.text.contains("fields:"))
        }
    }

    @Test("Redis detail: memory, total keys, connections, operations/s and keyspace hit rate; no Schema tab")
    func redisDetail() async throws {
        let server = try TestServer()
        try await server.test { client in
            let fixture = try await Fixture.make(server, client)
            try await fixture.ingestHistory()
            let response = try await client.json(.get, "/api/v1/databases/\(fixture.redis.assetID)/db0", fixture.headers)
            #expect(response.status == .ok, "\(response.text)")
            let tiles = try #require(response.json["tiles"] as? [[String: Any]])
            func value(_ id: String) -> Double? { tiles.first { $0["id"] as? String == id }?["value"] as? Double }
            #expect(tiles.map { $0["id"] as? String } == ["memory", "keys", "connections", "throughput", "hit_rate"])
            #expect(value("memory") == 1_048_576)
            #expect(value("keys") == 42)
            #expect(value("connections") == 3)
            #expect(abs((value("throughput") ?? 0) - 20) < 0.001)
            #expect(abs((value("hit_rate") ?? 0) - 75) < 0.001)
            let charts = try #require(response.json["charts"] as? [[String: Any]])
            #expect(charts.map { $0["id"] as? String } == ["memory", "keys", "connections", "operations", "hit_rate"])

            let page = try await client.execute(uri: "/databases/\(fixture.redis.assetID)/db0", method: .get, headers: fixture.headers)
            #expect(page.status == .ok)
            #expect(!page.text.contains("/schemas?instance="))
            #expect(page.text.contains("health-ring--pending"))
        }
    }

    @Test("Bad input is 400 with a code; unknown instances and databases are 404; anonymous pages go to /login")
    func errors() async throws {
        let server = try TestServer()
        try await server.test { client in
            let fixture = try await Fixture.make(server, client)
            try await fixture.ingestHistory()
            for (uri, code) in [
                ("/api/v1/databases?window=2h", "invalid_window"), ("/api/v1/databases?instance=nope", "invalid_instance"),
                ("/api/v1/databases?engine=db2", "invalid_engine"), ("/api/v1/databases?sort=cpu", "invalid_sort"),
                ("/api/v1/databases?limit=0", "invalid_limit"), ("/api/v1/overview?window=xx", "invalid_window"),
            ] {
                let response = try await client.json(.get, uri, fixture.headers)
                #expect(response.status == .badRequest, "\(uri)")
                #expect(response.json["code"] as? String == code, "\(uri): \(response.text)")
            }
            let unknownAsset = try await client.json(.get, "/api/v1/databases/nope/app", fixture.headers)
            #expect(unknownAsset.status == .notFound)
            #expect(unknownAsset.json["code"] as? String == "not_found")
            #expect(try await client.json(.get, "/api/v1/databases/\(fixture.pg.assetID)/missing", fixture.headers).status == .notFound)
            #expect(try await client.json(.get, "/api/v1/databases/\(fixture.pg.assetID)/template0", fixture.headers).status == .notFound)
            #expect(try await client.json(.get, "/api/v1/databases/\(fixture.redis.assetID)/app", fixture.headers).status == .notFound)
            for path in ["/databases", "/overview", "/databases/\(fixture.pg.assetID)/app"] {
                let anonymous = try await client.execute(uri: path, method: .get, headers: [:])
                #expect(anonymous.status == .seeOther || anonymous.status == .found, "\(path)")
                #expect(anonymous.headers[.location] == "/login", "\(path)")
            }
            #expect(try await client.json(.get, "/api/v1/databases", [:]).status == .unauthorized)
        }
    }

    @Test("Another organisation sees none of the databases and cannot open them")
    func orgScoping() async throws {
        let server = try TestServer()
        try await server.test { client in
            let fixture = try await Fixture.make(server, client)
            try await fixture.ingestHistory()
            let (owner, org) = try server.makeOrganization("Other", owner: "owner@other.test")
            let other = try server.browser(for: owner, org: org).headers(json: true)
            let list = try await client.json(.get, "/api/v1/databases", other)
            #expect(list.status == .ok)
            #expect((list.json["items"] as? [Any])?.isEmpty == true)
            #expect(try await client.json(.get, "/api/v1/databases/\(fixture.pg.assetID)/app", other).status == .notFound)
            let overview = try await client.json(.get, "/api/v1/overview", other)
            #expect((overview.json["instances"] as? [String: Any])?["count"] as? Int == 0)
            #expect((overview.json["databases"] as? [String: Any])?["count"] as? Int == 0)
        }
    }

    @Test("Overview: instances with the change versus last week, databases, connections now, open findings, charts over the window")
    func overview() async throws {
        let server = try TestServer()
        try await server.test { client in
            let fixture = try await Fixture.make(server, client)
            try await fixture.ingestHistory()
            // Sessions now (pg_activity, per pid) and over time (pg_sessions_by_state).
            let activity = SignalPayload(name: "pg_activity", status: .ok, durationMs: 1, rows: [
                ["tag_pid": .string("1"), "tag_database": .string("app"), "state": .string("active"), "backend_type": .string("client backend")],
                ["tag_pid": .string("2"), "tag_database": .string("app"), "state": .string("idle"), "backend_type": .string("client backend"),
                 "wait_event_type": .string("Client")],
                ["tag_pid": .string("3"), "tag_database": .string("app"), "state": .string("active"), "backend_type": .string("client backend"),
                 "wait_event_type": .string("Lock")],
                ["tag_pid": .string("4"), "state": .null, "backend_type": .string("checkpointer")],
            ])
            let states = SignalPayload(name: "pg_sessions_by_state", status: .ok, durationMs: 1, rows: [
                ["tag_database": .string("app"), "tag_state": .string("active"), "tag_wait_event_type": .string("IO"), "tag_wait_event": .string("DataFileRead"),
                 "sessions": .number(2)],
                ["tag_database": .string("app"), "tag_state": .string("idle"), "tag_wait_event_type": .string("Client"), "tag_wait_event": .string("ClientRead"),
                 "sessions": .number(5)],
            ])
            try await fixture.pg.ingest(at: fixture.now.addingTimeInterval(-20), [.high: [activity, states]])
            let runID = try HealthEnv.completedRun(server.services, orgID: fixture.pg.org.id, assetID: fixture.pg.assetID, at: fixture.now)
            try await server.services.database.writer.write { db in
                try db.execute(sql: "UPDATE health_runs SET critical_count = 2, attention_count = 3 WHERE id = ?", arguments: [runID])
                // The Redis instance was registered 8 days ago: it already existed last week.
                try db.execute(sql: "UPDATE assets SET created_at = ? WHERE id = ?",
                               arguments: [fixture.now.addingTimeInterval(-8 * 86_400).timeIntervalSince1970, fixture.redis.assetID])
            }

            let response = try await client.json(.get, "/api/v1/overview?window=1h", fixture.headers)
            #expect(response.status == .ok, "\(response.text)")
            let json = response.json
            let instances = try #require(json["instances"] as? [String: Any])
            #expect(instances["count"] as? Int == 2)
            #expect(instances["vs_last_week"] as? Int == 1)
            #expect((json["databases"] as? [String: Any])?["count"] as? Int == 2)
            let connections = try #require(json["connections"] as? [String: Any])
            #expect(connections["postgresql_sessions"] as? Int == 3, "background workers are not sessions")
            #expect(connections["active"] as? Int == 1)
            #expect(connections["idle"] as? Int == 1)
            #expect(connections["waiting"] as? Int == 1)
            #expect(connections["redis_valkey_clients"] as? Int == 3)
            #expect(connections["total"] as? Int == 6)
            let problems = try #require(json["problems"] as? [String: Any])
            #expect(problems["critical"] as? Int == 2)
            #expect(problems["attention"] as? Int == 3)
            let over = try #require(json["connections_over_time"] as? [[String: Any]])
            let pgPoints = try #require(over.first?["points"] as? [[String: Any]])
            #expect(pgPoints.last?["value"] as? Double == 7)
            let waits = try #require(json["waits_over_time"] as? [[String: Any]])
            #expect(waits.last?["IO"] as? Double == 2)
            #expect(waits.last?["Client"] as? Double == 0, "idle sessions waiting for their client are not waits")
            #expect((json["unavailable"] as? [Any])?.isEmpty == true)

            // Cached: 30 s fresh, then served at once for 5 more minutes while it is recomputed.
            let fewer = SignalPayload(name: "pg_activity", status: .ok, durationMs: 1, rows: [
                ["tag_pid": .string("1"), "tag_database": .string("app"), "state": .string("active"), "backend_type": .string("client backend")],
            ])
            server.clock.advance(60)
            try await fixture.pg.ingest(at: fixture.now.addingTimeInterval(-5), [.high: [fewer]])
            func sessionsNow() async throws -> Int? {
                let answer = try await client.json(.get, "/api/v1/overview?window=1h", fixture.headers).json
                return (answer["connections"] as? [String: Any])?["postgresql_sessions"] as? Int
            }
            #expect(try await sessionsNow() == 3, "a stale answer comes back at once")
            server.services.overviewCache.refreshes.wait()
            #expect(try await sessionsNow() == 1, "and was recomputed in the background")

            // Organisation-wide charts use coarser buckets than the explorers (OverviewDashboard.chartPoints):
            // the week is drawn hourly from the hourly rollups.
            for (window, bucket, resolution) in [("24h", 600.0, "minute"), ("7d", 3600, "hour"), ("30d", 21_600, "hour")] {
                let answer = try await client.json(.get, "/api/v1/overview?window=\(window)", fixture.headers).json
                #expect(answer["bucket_seconds"] as? Double == bucket, "\(window)")
                #expect(answer["resolution"] as? String == resolution, "\(window)")
            }

            // Only the selected instance counts.
            let scoped = try await client.json(.get, "/api/v1/overview?instance=\(fixture.redis.assetID)", fixture.headers)
            #expect((scoped.json["instances"] as? [String: Any])?["count"] as? Int == 1)
            #expect((scoped.json["databases"] as? [String: Any])?["count"] as? Int == 1)
            #expect((scoped.json["connections"] as? [String: Any])?["postgresql_sessions"] as? Int == 0)

            let page = try await client.execute(uri: "/overview", method: .get, headers: fixture.headers)
            #expect(page.status == .ok)
            #expect(page.text.contains("data-chart=\"connections\""))
            #expect(page.text.contains("data-chart=\"waits\""))
            #expect(page.text.contains("data-chart=\"latency\""))
            #expect(!page.text.contains("Could not read"), "nothing failed")
            #expect(!page.text.contains("SVG markup"), "the template's comment must not leak into the page")
        }
    }
}
