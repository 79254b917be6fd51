import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
import LogstagCore
import LogstagStorage
import Testing

@testable import LogstagServer

@Suite("Ingest, idempotency, limits and asset status")
struct IngestTests {
    /// An enrolled agent with one PostgreSQL asset.
    static func enrolled(_ server: TestServer, _ client: any TestClientProtocol) async throws -> (AgentSimulator, String, HTTPFields) {
        let (owner, org) = try server.makeOrganization("Acme", owner: "owner@acme.test")
        let headers = try server.browser(for: owner, org: org).headers(json: true)
        let id = try await client.json(.post, "/api/v1/assets", headers, ["engine": "postgresql", "name": "orders"]).json["id"] as! String
        let token = try await client.json(.post, "/api/v1/assets/\(id)/registration-token", headers).json["token"] as! String
        var agent = AgentSimulator(client: client)
        #expect(try await agent.enroll(token: token).status == .created)
        return (agent, id, headers)
    }

    func count(_ server: TestServer, _ table: String) throws -> Int {
        try server.services.database.writer.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \(table)")! }
    }

    @Test("A gzip batch is stored: snapshots, numeric series with tags, and the asset's reported facts")
    func stores() async throws {
        let server = try TestServer()
        try await server.test { client async throws in
            let (agent, id, headers) = try await Self.enrolled(server, client)
            let unavailable = SignalPayload(name: "statements", status: .unavailable, reason: .unsupported, message: "pg_stat_statements is not installed", durationMs: 1)
            let response = try await agent.ingest(AgentSimulator.batch(assetID: id, at: server.clock.now, rows: 3, extra: [unavailable]))
            #expect(response.status == .ok)
            #expect(response.json["status"] as? String == "stored")
            #expect(response.json["points"] as? Int == 6)
            let asset = try await client.json(.get, "/api/v1/assets/\(id)", headers)
            #expect(asset.json["version"] as? String == "15.18")
            #expect(asset.json["port"] as? Int == 5432)
            #expect(asset.json["last_check_at"] as? String != nil)
        }
        let orgID = try server.services.accounts.organizations()[0].id
        let assetID = try await server.services.database.writer.read { db in try String.fetchOne(db, sql: "SELECT id FROM assets")! }
        let series = try server.services.series.buckets(
            orgID: orgID, assetIDs: [assetID], metric: "sessions.count", resolution: .raw, bucket: 10, from: .distantPast, to: .distantFuture)
        #expect(series[assetID]?["sessions.count{database=app2,state=active}"]?.map(\.average) == [3])
        // Another organisation sees nothing of it.
        #expect(try server.services.series.buckets(
            orgID: "other-org", assetIDs: [assetID], metric: "sessions.count", resolution: .raw, bucket: 10, from: .distantPast, to: .distantFuture).isEmpty)
        let statuses = try await server.services.database.writer.read { db in
            try Row.fetchAll(db, sql: "SELECT signal, status, reason FROM snapshots ORDER BY signal").map { "\($0["signal"] as String)=\($0["status"] as String):\($0["reason"] as String? ?? "")" }
        }
        #expect(statuses == ["sessions=ok:", "statements=unavailable:unsupported"])
    }

    @Test("The collection API and the asset page show the latest outcome of each signal, unavailable ones with their reason")
    func collectionHealth() async throws {
        let server = try TestServer()
        try await server.test { client async throws in
            let (agent, id, headers) = try await Self.enrolled(server, client)
            let empty = try await client.json(.get, "/api/v1/assets/\(id)/collection", headers)
            #expect((empty.json["signals"] as? [Any])?.isEmpty == true)
            let denied = SignalPayload(name: "statements", status: .unavailable, reason: .permission, message: "permission denied for view pg_hba_file_rules", durationMs: 2)
            #expect(try await agent.ingest(AgentSimulator.batch(assetID: id, at: server.clock.now, rows: 2, extra: [denied])).status == .ok)
            let view = try await client.json(.get, "/api/v1/assets/\(id)/collection", headers)
            #expect(view.json["ok"] as? Int == 1)
            #expect(view.json["unavailable"] as? Int == 1)
            let signals = try #require(view.json["signals"] as? [[String: Any]])
            #expect(signals.map { $0["name"] as? String } == ["sessions", "statements"])
            #expect(signals[0]["rows"] as? Int == 2)
            #expect(signals[1]["reason"] as? String == "permission")
            let page = try await client.execute(uri: "/assets/\(id)", method: .get, headers: headers)
            let html = String(buffer: page.body)
            #expect(html.contains("Unavailable (permission)"))
            #expect(html.contains("permission denied for view pg_hba_file_rules"))
        }
    }

    @Test("A command handed to an agent that died during its long-poll is handed over again after 15 s")
    func commandResentToARestartedAgent() async throws {
        let server = try TestServer()
        try await server.test { client async throws in
            let (agent, _, _) = try await Self.enrolled(server, client)
            let first = try await agent.pollCommands()
            let command = try #require(first.jsonArray.first)
            // The agent never answers (it was killed). A new poll right away gets nothing...
            #expect(try await agent.pollCommands().status == .noContent)
            server.clock.advance(16)
            // ...but once 15 s have passed the same command is handed over again.
            let again = try await agent.pollCommands()
            #expect(again.jsonArray.first?["id"] as? String == command["id"] as? String)
        }
    }

    @Test("A resent batch (same Idempotency-Key, same body) is stored once; a different body with that key is 422")
    func idempotency() async throws {
        let server = try TestServer()
        try await server.test { client async throws in
            let (agent, id, _) = try await Self.enrolled(server, client)
            let batch = AgentSimulator.batch(assetID: id, batchID: "batch-0001", at: server.clock.now)
            #expect(try await agent.ingest(batch).json["status"] as? String == "stored")
            let again = try await agent.ingest(batch)
            #expect(again.status == .ok)
            #expect(again.json["status"] as? String == "duplicate")
            let other = AgentSimulator.batch(assetID: id, batchID: "batch-0001", at: server.clock.now.addingTimeInterval(10))
            let reused = try await agent.ingest(other)
            #expect(reused.status == .unprocessableContent)
            #expect(reused.json["code"] as? String == "idempotency_key_reused")
        }
        #expect(try count(server, "snapshots") == 1)
        #expect(try count(server, "ingest_keys") == 1)
    }

    @Test("Concurrent identical batches are applied exactly once")
    func concurrentDuplicates() async throws {
        let server = try TestServer()
        try await server.test { client async throws in
            let (agent, id, _) = try await Self.enrolled(server, client)
            let batch = AgentSimulator.batch(assetID: id, batchID: "batch-concurrent", at: server.clock.now)
            let statuses = try await withThrowingTaskGroup(of: String.self) { group in
                for _ in 0..<8 { group.addTask { try await agent.ingest(batch).json["status"] as? String ?? "?" } }
                return try await group.reduce(into: [String]()) { $0.append($1) }
            }
            #expect(statuses.filter { $0 == "stored" }.count == 1)
            #expect(statuses.filter { $0 == "duplicate" }.count == 7)
        }
        #expect(try count(server, "snapshots") == 1)
    }

    @Test("Limits: gzip bomb and oversized bodies get 413, deep nesting and wrong types 400, and nothing is stored")
    func limits() async throws {
        let server = try TestServer()
        try await server.test { client async throws in
            let (agent, id, _) = try await Self.enrolled(server, client)
            // 20 MiB of zeros compresses to ~20 KiB: must stop at 8 MiB.
            let bomb = Gzip.compress([UInt8](repeating: 0x20, count: 20 << 20))
            #expect(bomb.count < WireLimits.maxCompressedBytes)
            let bombResponse = try await agent.ingest(body: bomb)
            #expect(bombResponse.status == .contentTooLarge)
            #expect(bombResponse.json["code"] as? String == "payload_too_large")
            // More than 1 MiB on the wire.
            var random = SystemRandomNumberGenerator()
            let noise = (0..<(1 << 20) + 10).map { _ in UInt8.random(in: 0...255, using: &random) }
            #expect(try await agent.ingest(body: noise, gzip: false).status == .contentTooLarge)
            // Nesting beyond 32 levels.
            let deep = String(repeating: "[", count: 40) + String(repeating: "]", count: 40)
            let deepResponse = try await agent.ingest(body: Gzip.compress(Array(deep.utf8)))
            #expect(deepResponse.status == .badRequest)
            #expect(deepResponse.json["code"] as? String == "too_deep")
            // Wrong type: port as a string.
            var json = String(decoding: try WireCoding.encoder().encode(AgentSimulator.batch(assetID: id, at: server.clock.now)), as: UTF8.self)
            json = json.replacingOccurrences(of: "\"port\":5432", with: "\"port\":\"5432\"")
            let typed = try await agent.ingest(body: Gzip.compress(Array(json.utf8)))
            #expect(typed.status == .badRequest)
            #expect(typed.json["code"] as? String == "invalid_json")
            #expect((typed.json["message"] as? String)?.contains("port") == true)
            // Not gzip at all, but labelled gzip.
            #expect(try await agent.ingest(body: Array("{}".utf8)).status == .badRequest)
            // Missing Idempotency-Key.
            let noKey = try await agent.ingest(body: Gzip.compress(Array(json.utf8)), key: nil)
            #expect(noKey.json["code"] as? String == "missing_idempotency_key")
            // Unsupported wire version.
            var future = AgentSimulator.batch(assetID: id, at: server.clock.now)
            future = IngestBatch(wireVersion: 99, batchID: future.batchID, agentVersion: "9", hostname: "h", sentAt: future.sentAt, payloads: future.payloads)
            #expect(try await agent.ingest(future).status == .badRequest)
        }
        #expect(try count(server, "snapshots") == 0)
        #expect(try count(server, "points_raw") == 0)
    }

    @Test("Status: Disconnected until a passing connection test; Connected; Issues on failures; Disconnected after 5 minutes of silence")
    func statusLifecycle() async throws {
        let server = try TestServer()
        try await server.test { client async throws in
            let (agent, id, headers) = try await Self.enrolled(server, client)
            func status() async throws -> String { try await client.json(.get, "/api/v1/assets/\(id)", headers).json["status"] as! String }
            // Traffic alone does not make it Connected.
            #expect(try await agent.ingest(AgentSimulator.batch(assetID: id, at: server.clock.now)).status == .ok)
            #expect(try await status() == "Disconnected")
            // Enrolment queued a connection test; the agent answers it and passes.
            let commands = try await agent.pollCommands()
            #expect(commands.status == .ok)
            let command = try #require(commands.jsonArray.first)
            #expect(command["kind"] as? String == "connection_test")
            #expect(try await agent.answer(command: command["id"] as! String, success: true).status == .noContent)
            #expect(try await status() == "Connected")
            // One signal the monitoring user may not read is a coverage gap, not a degraded asset.
            let denied = SignalPayload(name: "hba_rules", status: .unavailable, reason: .permission, message: "permission denied", durationMs: 1)
            #expect(try await agent.ingest(AgentSimulator.batch(assetID: id, at: server.clock.now, extra: [denied])).status == .ok)
            #expect(try await status() == "Connected")
            // A collection that cannot reach or log in to the database: Issues (agent alive, database not monitored).
            var unreachable = AgentSimulator.batch(assetID: id, at: server.clock.now)
            unreachable.payloads[0].targetStatus = TargetStatus(ok: false, reason: .auth, message: "password authentication failed")
            unreachable.payloads[0].signals = []
            #expect(try await agent.ingest(unreachable).status == .ok)
            #expect(try await status() == "Issues")
            #expect(try await client.json(.get, "/api/v1/assets?status=Issues", headers).json["total"] as? Int == 1)
            // Healthy again.
            #expect(try await agent.ingest(AgentSimulator.batch(assetID: id, at: server.clock.now)).status == .ok)
            #expect(try await status() == "Connected")
            // Exactly 5 minutes of silence is still connected; one second more is not.
            server.clock.advance(300)
            #expect(try await status() == "Connected")
            server.clock.advance(1)
            #expect(try await status() == "Disconnected")
            #expect(try await client.json(.get, "/api/v1/assets?status=Disconnected", headers).json["total"] as? Int == 1)
            // Traffic resumes: still Disconnected until the automatically queued test passes.
            #expect(try await agent.ingest(AgentSimulator.batch(assetID: id, at: server.clock.now)).status == .ok)
            #expect(try await status() == "Disconnected")
            let retest = try #require(try await agent.pollCommands().jsonArray.first)
            _ = try await agent.answer(command: retest["id"] as! String, success: true)
            #expect(try await status() == "Connected")
            // A test that logs in but finds a missing grant: Issues, and collections do not clear
            // it; only a later test with every prerequisite in place does.
            server.clock.advance(61)
            #expect(try await client.json(.post, "/api/v1/assets/\(id)/connection-tests", headers).status == .accepted)
            let partial = try #require(try await agent.pollCommands().jsonArray.first)
            _ = try await agent.answer(command: partial["id"] as! String, success: true, failedCheck: true)
            #expect(try await status() == "Issues")
            #expect(try await agent.ingest(AgentSimulator.batch(assetID: id, at: server.clock.now)).status == .ok)
            #expect(try await status() == "Issues")
            server.clock.advance(61)
            #expect(try await client.json(.post, "/api/v1/assets/\(id)/connection-tests", headers).status == .accepted)
            let fixed = try #require(try await agent.pollCommands().jsonArray.first)
            _ = try await agent.answer(command: fixed["id"] as! String, success: true)
            #expect(try await status() == "Connected")
        }
    }

    @Test("Connection test from the asset page: queued, answered by the agent, result visible; failures explain the fix")
    func connectionTestFlow() async throws {
        let server = try TestServer()
        try await server.test { client async throws in
            let (agent, id, headers) = try await Self.enrolled(server, client)
            // Clear the enrolment test first.
            if let first = try await agent.pollCommands().jsonArray.first { _ = try await agent.answer(command: first["id"] as! String, success: true) }
            server.clock.advance(61)
            let queued = try await client.json(.post, "/api/v1/assets/\(id)/connection-tests", headers)
            #expect(queued.status == .accepted)
            #expect(queued.json["status"] as? String == "queued")
            let testID = queued.json["id"] as! String
            let command = try #require(try await agent.pollCommands().jsonArray.first)
            #expect(command["id"] as? String == testID)
            #expect(try await client.json(.get, "/api/v1/assets/\(id)/connection-tests/\(testID)", headers).json["status"] as? String == "sent")
            _ = try await agent.answer(command: testID, success: false, message: "pg_monitor missing")
            let done = try await client.json(.get, "/api/v1/assets/\(id)/connection-tests/\(testID)", headers)
            #expect(done.json["status"] as? String == "failed")
            let result = try #require(done.json["result"] as? [String: Any])
            #expect(result["agent_version"] as? String == "0.1.0")
            #expect((result["fix_suggestions"] as? [String])?.first == "GRANT pg_monitor TO logstag_monitor;")
            #expect(try await client.json(.get, "/api/v1/assets/\(id)", headers).json["status"] as? String == "Issues")
        }
    }

    @Test("A connection test nobody answers times out after 100 seconds")
    func connectionTestTimeout() async throws {
        let server = try TestServer()
        let (owner, org) = try server.makeOrganization("Acme", owner: "owner@acme.test")
        let headers = try server.browser(for: owner, org: org).headers(json: true)
        try await server.test { client async throws in
            let id = try await client.json(.post, "/api/v1/assets", headers, ["engine": "postgresql", "name": "orders"]).json["id"] as! String
            let testID = try await client.json(.post, "/api/v1/assets/\(id)/connection-tests", headers).json["id"] as! String
            server.clock.advance(99)
            #expect(try await client.json(.get, "/api/v1/assets/\(id)/connection-tests/\(testID)", headers).json["status"] as? String == "queued")
            server.clock.advance(2)
            let timedOut = try await client.json(.get, "/api/v1/assets/\(id)/connection-tests/\(testID)", headers)
            #expect(timedOut.json["status"] as? String == "timed_out")
            #expect((timedOut.json["message"] as? String)?.contains("100 seconds") == true)
        }
    }

    @Test("Long-poll returns 204 when there is nothing to do")
    func longPollEmpty() async throws {
        let server = try TestServer()
        try await server.test { client async throws in
            let (agent, _, _) = try await Self.enrolled(server, client)
            _ = try await agent.pollCommands()
            let started = ContinuousClock.now
            let response = try await agent.pollCommands(wait: 1)
            #expect(response.status == .noContent)
            #expect(ContinuousClock.now - started >= .milliseconds(900))
        }
    }

    @Test("An overloaded server answers 503 with Retry-After and stores nothing")
    func overload() async throws {
        // A queue that admits nothing stands for one whose 2,000 slots are all taken.
        let server = try TestServer(maxPendingBatches: 0)
        try await server.test { client async throws in
            let (agent, id, _) = try await Self.enrolled(server, client)
            let response = try await agent.ingest(AgentSimulator.batch(assetID: id, at: server.clock.now))
            #expect(response.status == .serviceUnavailable)
            #expect(response.json["code"] as? String == "overloaded")
            let retryAfter = Int(response.headers[.retryAfter] ?? "") ?? 0
            #expect((5...30).contains(retryAfter))
        }
        #expect(try count(server, "snapshots") == 0)
    }
}
