import Foundation
import GRDB
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LogstagCore
import LogstagStorage
import NIOCore
import Testing

@testable import LogstagServer

/// One organisation with an enrolled agent for one asset, acting through the real HTTP routes.
struct HealthEnv {
    let server: TestServer
    let org: Organization
    let owner: User
    let headers: HTTPFields
    let agent: AgentSimulator
    let assetID: String

    static func make(_ server: TestServer, _ client: any TestClientProtocol, engine: Engine = .redis, org name: String = "Acme",
                     enroll: Bool = true) async throws -> HealthEnv
    {
        let (owner, org) = try server.makeOrganization(name, owner: "owner@\(name.lowercased()).test")
        let headers = try server.browser(for: owner, org: org).headers(json: true)
        let created = try await client.json(.post, "/api/v1/assets", headers, ["engine": engine.rawValue, "name": "cache-\(engine.rawValue)"])
        let id = try #require(created.json["id"] as? String, "asset not created: \(created.text)")
        var agent = AgentSimulator(client: client)
        if enroll {
            let token = try #require(try await client.json(.post, "/api/v1/assets/\(id)/registration-token", headers).json["token"] as? String)
            #expect(try await agent.enroll(token: token, engine: engine).status == .created)
        }
        return HealthEnv(server: server, org: org, owner: owner, headers: headers, agent: agent, assetID: id)
    }

    var runner: HealthRunner { HealthRunner(services: server.services) }

    /// A Completed run with a minimal report, written straight to the store (for routes that
    /// need one without the whole lifecycle).
    static func completedRun(_ services: AppServices, orgID: String, assetID: String, at: Date) throws -> String {
        let store = services.healthRuns
        let id = IDGenerator.make()
        try store.create(HealthRunRecord(
            id: id, orgID: orgID, assetID: assetID, trigger: .manual, requestedBy: nil, createdAt: at, deadlineAt: at.addingTimeInterval(600)))
        try store.transition(orgID: orgID, id: id, from: [.pending], to: .collecting, now: at, commandID: "c-\(id)", startedAt: at)
        try store.transition(orgID: orgID, id: id, from: [.collecting], to: .generatingReport, now: at)
        let report = HealthReport(
            header: HealthReportHeader(
                runID: id, assetID: assetID, instanceName: "orders", engine: .postgresql, version: nil, platform: nil, runStatus: .completed,
                trigger: "manual", startedAt: at, finishedAt: at, generatedAt: at, durationSeconds: 0, windowStart: at.addingTimeInterval(-3600),
                windowEnd: at, overallScore: 100, result: .healthy, attentionCount: 0, criticalCount: 0, catalogueVersion: 1),
            score: HealthScore(overall: 100, result: .healthy, tabs: []), findings: [], limitations: [], recommendations: [], charts: [],
            scope: ReportScope())
        try store.complete(orgID: orgID, id: id, report: report, now: at)
        return id
    }

    func run(_ id: String) throws -> HealthRunRecord {
        try #require(try server.services.healthRuns.run(orgID: org.id, id: id))
    }

    /// Starts a run through the API and returns its id.
    func start(_ client: any TestClientProtocol) async throws -> String {
        let response = try await client.json(.post, "/api/v1/assets/\(assetID)/health-checks", headers)
        #expect(response.status == .accepted, "start: \(response.text)")
        #expect(response.json["status"] as? String == "Pending")
        #expect(response.json["trigger"] as? String == "manual")
        return try #require(response.json["id"] as? String)
    }

    /// The snapshot command the agent receives on its long-poll (other commands are ignored).
    func pollSnapshot() async throws -> [String: Any] {
        let commands = try await agent.pollCommands().jsonArray
        return try #require(commands.first { $0["kind"] as? String == "snapshot" }, "no snapshot command in \(commands)")
    }

    /// The agent's answer to a snapshot command (no connection-test result).
    @discardableResult
    func answerSnapshot(_ id: String, ok: Bool, message: String? = nil) async throws -> TestResponse {
        try await agent.client.execute(
            uri: "/api/v1/agent/commands/\(id)/result", method: .post,
            headers: [.authorization: "Bearer \(agent.key ?? "")", .contentType: "application/json"],
            body: ByteBuffer(bytes: try WireCoding.encoder().encode(CommandResult(commandID: id, ok: ok, message: message))))
    }

    /// Posts one payload per tier (each with its signals) collected at `at`.
    func ingest(at: Date, _ tiers: [Tier: [SignalPayload]]) async throws {
        let payloads = tiers.sorted { $0.key.rawValue < $1.key.rawValue }.map { tier, signals in
            TargetPayload(
                assetID: assetID, targetName: "cache", tier: tier, collectedAt: at,
                instance: InstanceInfo(host: "10.0.0.7", port: 6379, version: "7.2.4", platform: "self-hosted", databaseName: nil),
                targetStatus: TargetStatus(ok: true), signals: signals)
        }
        let batch = IngestBatch(batchID: "b-\(UUID().uuidString)", agentVersion: "0.1.0", hostname: "db-host-1", sentAt: at, payloads: payloads)
        let response = try await agent.ingest(batch)
        #expect(response.status == .ok, "ingest: \(response.text)")
    }
}

/// Redis signals shaped like the collector's (Resources/collectors/redis/manifest.toml).
enum RedisSignals {
    static func config(maxmemory: Double, requirepass: Bool) -> SignalPayload {
        SignalPayload(name: "redis_config", status: .ok, durationMs: 1, rows: [[
            "maxmemory": .number(maxmemory), "maxmemory_policy": .string("noeviction"), "requirepass_set": .bool(requirepass),
            "protected_mode": .string("yes"), "bind": .string("127.0.0.1"),
        ]])
    }

    static func acl(nopass: Bool) -> SignalPayload {
        SignalPayload(name: "redis_acl", status: .ok, durationMs: 1, rows: [[
            "tag_user": .string("default"), "enabled": .bool(true), "nopass": .bool(nopass), "password_count": .number(nopass ? 0 : 1),
            "flags": .string(nopass ? "on nopass" : "on"),
        ]])
    }

    static func stats(hits: Double) -> SignalPayload {
        SignalPayload(name: "redis_stats", status: .ok, durationMs: 1, rows: [[
            "keyspace_hits": .number(hits), "keyspace_misses": .number(1), "instantaneous_ops_per_sec": .number(42),
        ]])
    }

    /// A fresh snapshot of every tier the Redis catalogue asks for.
    static func unhealthy(hits: Double = 100) -> [Tier: [SignalPayload]] {
        [.high: [stats(hits: hits)], .medium: [acl(nopass: true)], .low: [config(maxmemory: 0, requirepass: false)]]
    }

    static func fixed(hits: Double) -> [Tier: [SignalPayload]] {
        [.high: [stats(hits: hits)], .medium: [acl(nopass: false)], .low: [config(maxmemory: 1_073_741_824, requirepass: true)]]
    }
}

@Suite("Health-check runs: lifecycle, scheduler and API")
struct HealthRunTests {
    static func finding(_ report: [String: Any]?, _ ruleID: String) -> [String: Any]? {
        (report?["findings"] as? [[String: Any]])?.first { $0["rule_id"] as? String == ruleID }
    }

    @Test("A run asks the agent for the catalogue's tiers, waits for fresh data, and completes with findings from it")
    func lifecycleCompletes() async throws {
        let server = try TestServer()
        try await server.test { client async throws in
            let env = try await HealthEnv.make(server, client)
            let runID = try await env.start(client)

            // The runner queues a snapshot command limited to the catalogue's tiers.
            env.runner.tick()
            #expect(try env.run(runID).status == .collecting)
            let command = try await env.pollSnapshot()
            #expect(command["tiers"] as? [String] == ["high", "medium", "low"])
            #expect(command["asset_id"] as? String == env.assetID)

            // Data collected before the run does not count, nor does an answer without data.
            try await env.ingest(at: server.clock.now.addingTimeInterval(-600), RedisSignals.fixed(hits: 10))
            #expect(try await env.answerSnapshot(command["id"] as! String, ok: true, message: "Collected tiers: high, medium, low.").status == .noContent)
            env.runner.tick()
            #expect(try env.run(runID).status == .collecting)

            // Two tiers arrive: still waiting for the third.
            server.clock.advance(5)
            var partial = RedisSignals.unhealthy(hits: 100)
            partial[.low] = nil
            try await env.ingest(at: server.clock.now, partial)
            env.runner.tick()
            #expect(try env.run(runID).status == .collecting)

            server.clock.advance(10)
            try await env.ingest(at: server.clock.now, RedisSignals.unhealthy(hits: 160))
            env.runner.tick()
            let done = try env.run(runID)
            #expect(done.status == .completed, "message: \(done.message ?? "")")
            #expect(done.report?.header.runID == runID)
            #expect(done.finishedAt != nil)

            // The report through the API: snake_case, findings reflect the ingested rows.
            let shown = try await client.json(.get, "/api/v1/health-checks/\(runID)", env.headers)
            #expect(shown.status == .ok)
            let report = shown.json["report"] as? [String: Any]
            #expect(Self.finding(report, "no_authentication")?["status"] as? String == "Critical")
            #expect(Self.finding(report, "maxmemory_unset")?["status"] as? String == "Attention")
            #expect((report?["header"] as? [String: Any])?["instance_name"] as? String == "cache-redis")
            #expect(shown.json["critical_count"] as? Int == done.criticalCount)
            #expect((done.criticalCount ?? 0) >= 1)
            // The keyspace-hits chart is the counter's growth per second: (160 - 100) / 10 s.
            let charts = report?["charts"] as? [[String: Any]]
            let hits = charts?.first { $0["id"] as? String == "keyspace_hits" }?["points"] as? [[String: Any]]
            #expect(hits?.compactMap { $0["value"] as? Double }.contains(6) == true, "points: \(String(describing: hits))")
            // The asset shows the score; the history lists the run without the report.
            let asset = try await client.json(.get, "/api/v1/assets/\(env.assetID)", env.headers)
            #expect(asset.json["health_score"] as? Int == done.overallScore.map { Int($0.rounded()) })
            let history = try await client.json(.get, "/api/v1/assets/\(env.assetID)/health-checks", env.headers)
            #expect(history.jsonArray.map { $0["id"] as? String } == [runID])
            #expect(history.jsonArray.first?["report"] == nil)
        }
    }

    @Test("PostgreSQL: all four tiers are requested, fsync = off is a critical finding, charts follow the tag filter")
    func postgresFsyncOff() async throws {
        let server = try TestServer()
        try await server.test { client async throws in
            let env = try await HealthEnv.make(server, client, engine: .postgresql)
            let runID = try await env.start(client)
            env.runner.tick()
            let command = try await env.pollSnapshot()
            #expect(command["tiers"] as? [String] == ["high", "medium", "low", "schema"])
            func settings(fsync: String) -> SignalPayload {
                SignalPayload(name: "pg_settings", status: .ok, durationMs: 1, rows: [
                    ["name": "fsync", "setting": .string(fsync), "source": "configuration file", "sourcefile": "/etc/postgresql/16/main/postgresql.conf"],
                    ["name": "max_connections", "setting": "100", "source": "default"],
                ])
            }
            func sessions(active: Double) -> SignalPayload {
                SignalPayload(name: "pg_sessions_by_state", status: .ok, durationMs: 1, rows: [
                    ["tag_database": "shop", "tag_state": "active", "sessions": .number(active)],
                    ["tag_database": "shop", "tag_state": "idle", "sessions": 40],
                ])
            }
            let tables = SignalPayload(name: "pg_tables", status: .ok, durationMs: 1, rows: [
                ["tag_database": "shop", "tag_schema": "public", "tag_table": "orders", "n_live_tup": 10],
            ])
            server.clock.advance(1)
            try await env.ingest(at: server.clock.now, [.high: [sessions(active: 3)], .medium: [settings(fsync: "off")], .low: [settings(fsync: "off")]])
            server.clock.advance(10)
            try await env.ingest(at: server.clock.now, [.high: [sessions(active: 7)], .schema: [tables]])
            try await env.answerSnapshot(command["id"] as! String, ok: true)
            env.runner.tick()
            let run = try env.run(runID)
            #expect(run.status == .completed, "\(run.message ?? "")")
            let report = try #require(run.report)
            let fsync = try #require(report.findings.first { $0.ruleID == "fsync_off" })
            #expect(fsync.status == .critical)
            #expect(fsync.objects == ["fsync"])
            #expect(report.header.criticalCount >= 1)
            let active = try #require(report.charts.first { $0.id == "active_sessions" })
            #expect(active.points.map(\.value) == [3, 7])
            #expect(report.scope.objects.contains(ScopeObject(kind: "table", name: "shop.public.orders", fingerprint: report.scope.objects.first { $0.kind == "table" }?.fingerprint ?? "")))
            #expect(report.scope.settings.contains(ScopeSetting(name: "fsync", value: "off")))
        }
    }

    @Test("A second run compares against the first: deltas in the report and the compare endpoint")
    func secondRunAndCompare() async throws {
        let server = try TestServer()
        try await server.test { client async throws in
            let env = try await HealthEnv.make(server, client)
            var runs: [String] = []
            for signals in [RedisSignals.unhealthy(), RedisSignals.fixed(hits: 500)] {
                let id = try await env.start(client)
                env.runner.tick()
                let command = try await env.pollSnapshot()
                server.clock.advance(2)
                try await env.ingest(at: server.clock.now, signals)
                try await env.answerSnapshot(command["id"] as! String, ok: true)
                env.runner.tick()
                #expect(try env.run(id).status == .completed)
                runs.append(id)
                server.clock.advance(120)
            }
            let second = try #require(try env.run(runs[1]).report)
            let fixed = try #require(second.findings.first { $0.ruleID == "no_authentication" })
            #expect(fixed.status == .healthy)
            #expect(fixed.delta?.previousRunID == runs[0])
            #expect(fixed.delta?.previousStatus == .critical)
            #expect(fixed.delta?.change == .better)

            let compared = try await client.json(.get, "/api/v1/health-checks/compare?base=\(runs[0])&target=\(runs[1])", env.headers)
            #expect(compared.status == .ok, "\(compared.text)")
            #expect(compared.json["base_run_id"] as? String == runs[0])
            let removed = (compared.json["removed_findings"] as? [[String: Any]])?.compactMap { $0["rule_id"] as? String } ?? []
            #expect(removed.contains("no_authentication"))
            #expect(removed.contains("maxmemory_unset"))
        }
    }

    @Test("A run nobody answers times out after 10 minutes")
    func timeout() async throws {
        let server = try TestServer()
        try await server.test { client async throws in
            let env = try await HealthEnv.make(server, client)
            let runID = try await env.start(client)
            env.runner.tick()
            _ = try await env.pollSnapshot()
            server.clock.advance(9 * 60)
            env.runner.tick()
            #expect(try env.run(runID).status == .collecting)
            server.clock.advance(61)
            env.runner.tick()
            let run = try env.run(runID)
            #expect(run.status == .timeout)
            #expect(run.message?.contains("did not answer") == true, "\(run.message ?? "")")
            #expect(run.finishedAt == server.clock.now)
        }
    }

    @Test("A cancelled run stays cancelled: a late agent answer and late data cannot complete it")
    func cancel() async throws {
        let server = try TestServer()
        try await server.test { client async throws in
            let env = try await HealthEnv.make(server, client)
            let runID = try await env.start(client)
            env.runner.tick()
            let command = try await env.pollSnapshot()
            let cancelled = try await client.json(.post, "/api/v1/health-checks/\(runID)/cancel", env.headers)
            #expect(cancelled.status == .ok)
            #expect(cancelled.json["status"] as? String == "Cancelled")
            #expect((cancelled.json["message"] as? String)?.contains("owner@acme.test") == true)

            server.clock.advance(2)
            try await env.ingest(at: server.clock.now, RedisSignals.unhealthy())
            try await env.answerSnapshot(command["id"] as! String, ok: true)
            env.runner.tick()
            let run = try env.run(runID)
            #expect(run.status == .cancelled)
            #expect(run.report == nil)
            // Cancelling again is a conflict; a new run may start.
            let again = try await client.json(.post, "/api/v1/health-checks/\(runID)/cancel", env.headers)
            #expect(again.status == .conflict)
            #expect(again.json["code"] as? String == "health_check_finished")
            _ = try await env.start(client)
            // The cancellation was audited.
            let actions = try await server.services.database.writer.read { db in
                try String.fetchAll(db, sql: "SELECT entity_type || ':' || entity_id FROM audit_log WHERE route LIKE '%/cancel'")
            }
            #expect(actions.contains("health_check:\(runID)"))
        }
    }

    @Test("A failed snapshot command makes the run fail with the agent's reason")
    func commandFailure() async throws {
        let server = try TestServer()
        try await server.test { client async throws in
            let env = try await HealthEnv.make(server, client)
            let runID = try await env.start(client)
            env.runner.tick()
            let command = try await env.pollSnapshot()
            try await env.answerSnapshot(command["id"] as! String, ok: false, message: "Could not spool the snapshot: disk full")
            env.runner.tick()
            let run = try env.run(runID)
            #expect(run.status == .failure)
            #expect(run.message?.contains("disk full") == true, "\(run.message ?? "")")
        }
    }

    @Test("Without an agent that reported in the last 5 minutes the run fails at once, saying so")
    func noAgent() async throws {
        let server = try TestServer()
        try await server.test { client async throws in
            let never = try await HealthEnv.make(server, client, enroll: false)
            let first = try await never.start(client)
            never.runner.tick()
            #expect(try never.run(first).status == .failure)
            #expect(try never.run(first).message?.hasPrefix("No agent has reported for this asset in the last 5 minutes") == true)

            // An agent that went quiet for over 5 minutes counts as absent too.
            let quiet = try await HealthEnv.make(server, client, org: "Quiet")
            server.clock.advance(301)
            let second = try await quiet.start(client)
            quiet.runner.tick()
            #expect(try quiet.run(second).status == .failure)
            let commands = try await server.services.database.writer.read { db in
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM commands WHERE kind = 'snapshot'")!
            }
            #expect(commands == 0)
        }
    }

    @Test("Runs are scoped to the organisation: another organisation gets 404 for everything")
    func orgScoping() async throws {
        let server = try TestServer()
        try await server.test { client async throws in
            let env = try await HealthEnv.make(server, client)
            let runID = try await env.start(client)
            let (otherOwner, other) = try server.makeOrganization("Other", owner: "owner@other.test")
            let foreign = try server.browser(for: otherOwner, org: other).headers(json: true)
            for (method, path) in [
                (HTTPRequest.Method.get, "/api/v1/health-checks/\(runID)"), (.post, "/api/v1/health-checks/\(runID)/cancel"),
                (.get, "/api/v1/assets/\(env.assetID)/health-checks"), (.post, "/api/v1/assets/\(env.assetID)/health-checks"),
                (.get, "/api/v1/health-checks/compare?base=\(runID)&target=\(runID)"),
            ] {
                let response = try await client.json(method, path, foreign)
                #expect(response.status == .notFound, "\(method) \(path): \(response.text)")
                #expect(response.json["code"] as? String == "not_found")
            }
            #expect(try env.run(runID).status == .pending)
            #expect(try server.services.healthRuns.runs(orgID: env.org.id, assetID: env.assetID, limit: 10).count == 1)
            #expect(try HealthService(services: server.services).latest(orgID: other.id, assetIDs: [env.assetID]).isEmpty)
        }
    }

    @Test("A Developer can read health checks but not start, cancel or reschedule them")
    func permissions() async throws {
        let server = try TestServer()
        try await server.test { client async throws in
            let env = try await HealthEnv.make(server, client)
            let runID = try await env.start(client)
            let developer = try server.addMember(org: env.org, email: "dev@acme.test", role: .developer)
            let dev = try server.browser(for: developer, org: env.org).headers(json: true)
            let start = try await client.json(.post, "/api/v1/assets/\(env.assetID)/health-checks", dev)
            #expect(start.status == .forbidden)
            #expect(start.json["code"] as? String == "forbidden")
            #expect(try await client.json(.post, "/api/v1/health-checks/\(runID)/cancel", dev).status == .forbidden)
            #expect(try await client.json(.put, "/api/v1/organization/health-settings", dev, ["interval_hours": 1]).status == .forbidden)
            #expect(try await client.json(.get, "/api/v1/health-checks/\(runID)", dev).status == .ok)
            #expect(try await client.json(.get, "/api/v1/assets/\(env.assetID)/health-checks", dev).jsonArray.count == 1)
            #expect(try await client.json(.get, "/api/v1/organization/health-settings", dev).json["interval_hours"] as? Int == 24)
            #expect(try env.run(runID).status == .pending)
            #expect(try server.services.healthRuns.interval(orgID: env.org.id) == 24)
        }
    }

    @Test("The scheduler starts a run for a due asset and not for one checked recently or in an organisation with interval 0")
    func scheduler() async throws {
        let server = try TestServer()
        try await server.test { client async throws in
            let checked = try await HealthEnv.make(server, client, org: "Checked")
            let due = try await HealthEnv.make(server, client, org: "Due")
            let off = try await HealthEnv.make(server, client, org: "Off")
            let unsupported = try await HealthEnv.make(server, client, engine: .mongodb, org: "Mongo")
            #expect(try await client.json(.put, "/api/v1/organization/health-settings", off.headers, ["interval_hours": 0]).json["interval_hours"] as? Int == 0)
            // "Checked" had a run an hour ago (its outcome does not matter).
            let manual = try await checked.start(client)
            try server.services.healthRuns.transition(orgID: checked.org.id, id: manual, from: [.pending], to: .failure, now: server.clock.now)
            server.clock.advance(3600)
            for env in [checked, due, off, unsupported] { _ = try await env.agent.pollCommands() }  // agents stay connected

            let started = HealthScheduler(services: server.services).tick()
            #expect(started.map(\.assetID) == [due.assetID])
            #expect(started.first?.trigger == .schedule)
            #expect(started.first?.requestedBy == nil)
            // The next minute: nothing new (the due asset now has a run).
            #expect(HealthScheduler(services: server.services).tick().isEmpty)
            // A day after its run "Checked" is due again; "Due" was checked 23 hours ago, so it is not.
            server.clock.advance(23 * 3600 + 60)
            for env in [checked, due, off, unsupported] { _ = try await env.agent.pollCommands() }
            try server.services.healthRuns.transition(orgID: due.org.id, id: started[0].id, from: [.pending], to: .failure, now: server.clock.now)
            #expect(HealthScheduler(services: server.services).tick().map(\.assetID) == [checked.assetID])
        }
    }

    @Test("Bad input is answered 4xx with {code, message}")
    func badInput() async throws {
        let server = try TestServer()
        try await server.test { client async throws in
            let env = try await HealthEnv.make(server, client)
            let other = try await client.json(.post, "/api/v1/assets", env.headers, ["engine": "redis", "name": "second"]).json["id"] as! String
            let runID = try await env.start(client)
            let otherRun = try await client.json(.post, "/api/v1/assets/\(other)/health-checks", env.headers).json["id"] as! String
            let mssql = try await client.json(.post, "/api/v1/assets", env.headers, ["engine": "mssql", "name": "erp"]).json["id"] as! String
            let cases: [(HTTPRequest.Method, String, Any?, HTTPResponse.Status, String)] = [
                (.post, "/api/v1/assets/\(env.assetID)/health-checks", nil, .conflict, "health_check_running"),
                (.post, "/api/v1/assets/\(mssql)/health-checks", nil, .unprocessableContent, "health_check_unsupported"),
                (.post, "/api/v1/assets/nope/health-checks", nil, .notFound, "not_found"),
                (.get, "/api/v1/health-checks/nope", nil, .notFound, "not_found"),
                (.get, "/api/v1/health-checks/compare?base=\(runID)", nil, .badRequest, "missing_parameter"),
                (.get, "/api/v1/health-checks/compare?base=\(runID)&target=\(otherRun)", nil, .unprocessableContent, "not_comparable"),
                (.get, "/api/v1/assets/\(env.assetID)/health-checks?limit=0", nil, .badRequest, "invalid_limit"),
                (.put, "/api/v1/organization/health-settings", ["interval_hours": 169], .unprocessableContent, "invalid_interval"),
                (.put, "/api/v1/organization/health-settings", ["interval_hours": -1], .unprocessableContent, "invalid_interval"),
                (.put, "/api/v1/organization/health-settings", ["interval_hours": 1.5], .badRequest, "invalid_json"),
                (.put, "/api/v1/organization/health-settings", ["interval_hours": "soon"], .badRequest, "invalid_json"),
                (.put, "/api/v1/organization/health-settings", ["hours": 2], .badRequest, "unknown_field"),
                (.put, "/api/v1/organization/health-settings", [String: Any](), .badRequest, "missing_field"),
            ]
            for (method, path, body, status, code) in cases {
                let response = try await client.json(method, path, env.headers, body)
                #expect(response.status == status, "\(method) \(path): \(response.text)")
                #expect(response.json["code"] as? String == code, "\(method) \(path): \(response.text)")
                #expect((response.json["message"] as? String)?.isEmpty == false)
            }
            // Comparing unfinished runs of the same asset is refused too.
            let same = try await client.json(.get, "/api/v1/health-checks/compare?base=\(runID)&target=\(runID)", env.headers)
            #expect(same.status == .unprocessableContent)
            // A valid change is stored and audited.
            let changed = try await client.json(.put, "/api/v1/organization/health-settings", env.headers, ["interval_hours": 12])
            #expect(changed.status == .ok)
            #expect(changed.json["interval_hours"] as? Int == 12)
            #expect(try server.services.healthRuns.interval(orgID: env.org.id) == 12)
            let audited = try await server.services.database.writer.read { db in
                try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM audit_log WHERE route LIKE '%health-settings' AND status = 200")!
            }
            #expect(audited == 1)
        }
    }

    @Test("The background service drives runs without anyone calling the runner")
    func backgroundService() async throws {
        let server = try TestServer()
        try await server.test { client async throws in
            let env = try await HealthEnv.make(server, client, enroll: false)
            let runID = try await env.start(client)
            let service = HealthLifecycleService(services: server.services, tickInterval: .milliseconds(20), scheduleInterval: .seconds(3600))
            let task = Task { try await service.run() }
            defer { task.cancel() }
            var status = HealthRunStatus.pending
            for _ in 0..<200 where status == .pending {
                try await Task.sleep(for: .milliseconds(20))
                status = try env.run(runID).status
            }
            #expect(status == .failure)
        }
    }

    @Test("Report input: the latest snapshot per signal, its baseline in the window, unavailable signals with their reason")
    func inputLoader() async throws {
        let server = try TestServer()
        try await server.test { client async throws in
            let env = try await HealthEnv.make(server, client)
            let start = server.clock.now
            let denied = SignalPayload(name: "redis_acl", status: .unavailable, reason: .permission, message: "NOPERM: run ACL SETUSER logstag +acl|list", durationMs: 1)
            for hits in [100.0, 150, 180] {
                try await env.ingest(at: server.clock.now, [.high: [RedisSignals.stats(hits: hits)]])
                server.clock.advance(60)
            }
            try await env.ingest(at: server.clock.now, [.low: [RedisSignals.config(maxmemory: 0, requirepass: false), denied]])
            let loader = HealthInputLoader(store: server.services.healthRuns)
            let snapshot = try loader.snapshot(orgID: env.org.id, assetID: env.assetID, now: server.clock.now, windowStart: start.addingTimeInterval(30))
            let stats = try #require(snapshot.signals["redis_stats"])
            #expect(stats.rows.first?["keyspace_hits"] == .number(180))
            #expect(stats.baseline?.first?["keyspace_hits"] == .number(150), "the oldest inside the window, not the one before it")
            #expect(stats.baselineAt == start.addingTimeInterval(60))
            #expect(snapshot.signals["redis_config"]?.baseline == nil, "one snapshot has nothing to compare with")
            #expect(snapshot.signals["redis_acl"]?.status == .unavailable)
            #expect(snapshot.signals["redis_acl"]?.reason == .permission)
            #expect(snapshot.signals["redis_acl"]?.message?.contains("ACL SETUSER") == true)
            #expect(snapshot.windowStart == start.addingTimeInterval(30))
        }
    }

    @Test("Chart series: tag filters, sums per time, and downsampling to 120 points")
    func chartArithmetic() {
        let t0 = Date(timeIntervalSince1970: 1_000)
        #expect(HealthInputLoader.tags(HealthInputLoader.tagText(of: "pg_sessions.count{database=app,state=active}")) == ["database": "app", "state": "active"])
        #expect(HealthInputLoader.tagText(of: "pg_sessions.count").isEmpty)
        let sums = HealthInputLoader.sums([(t0, 2), (t0 + 10, 1), (t0, 3)])
        #expect(sums.map(\.value) == [5, 1])
        #expect(sums.map(\.time) == [t0, t0 + 10])
        let many = (0..<1000).map { ChartPoint(time: t0 + Double($0), value: Double($0)) }
        let reduced = HealthInputLoader.downsample(many)
        #expect(reduced.count == 120)
        #expect(reduced.first!.value < 10 && reduced.last!.value > 990)
        #expect(HealthInputLoader.downsample(Array(many.prefix(50))).count == 50)
        // The window: a day, or since the previous run when more recent, but at least an hour.
        let now = t0 + 100_000
        #expect(HealthInputLoader.windowStart(now: now, previousRunAt: nil) == now - 86400)
        #expect(HealthInputLoader.windowStart(now: now, previousRunAt: now - 7200) == now - 7200)
        #expect(HealthInputLoader.windowStart(now: now, previousRunAt: now - 600) == now - 3600)
        #expect(HealthInputLoader.windowStart(now: now, previousRunAt: now - 90000) == now - 86400)
    }
}
