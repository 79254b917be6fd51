import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
import LogstagCore
import LogstagStorage
import Testing

@testable import LogstagServer

@Suite("Registration tokens and enrolment")
struct EnrollmentTests {
    struct Fixture {
        let server: TestServer
        let headers: HTTPFields
        let org: Organization

        init() throws {
            server = try TestServer()
            let (owner, org) = try server.makeOrganization("Acme", owner: "owner@acme.test")
            self.org = org
            headers = try server.browser(for: owner, org: org).headers(json: true)
        }

        func newAsset(_ client: any TestClientProtocol, _ name: String = "orders", engine: String = "postgresql") async throws -> String {
            try await client.json(.post, "/api/v1/assets", headers, ["engine": engine, "name": name]).json["id"] as! String
        }

        func token(_ client: any TestClientProtocol, _ assetID: String) async throws -> String {
            try await client.json(.post, "/api/v1/assets/\(assetID)/registration-token", headers).json["token"] as! String
        }
    }

    @Test("A token is shown once, stored only as a keyed hash, and redeemed once for an agent key")
    func redeemOnce() async throws {
        let f = try Fixture()
        try await f.server.test { client async throws in
            let id = try await f.newAsset(client)
            let issued = try await client.json(.post, "/api/v1/assets/\(id)/registration-token", f.headers)
            #expect(issued.status == .created)
            let token = issued.json["token"] as! String
            #expect(token.hasPrefix("lsr_"))
            let stored = try await f.server.services.database.writer.read { db in try String.fetchAll(db, sql: "SELECT token_hash FROM registration_tokens") }
            #expect(stored.count == 1 && !stored[0].contains(token) && stored[0].count == 64)
            var agent = AgentSimulator(client: client)
            let first = try await agent.enroll(token: token)
            #expect(first.status == .created)
            #expect((first.json["agent_key"] as? String)?.hasPrefix("lsa_") == true)
            #expect(first.json["asset_id"] as? String == id)
            var other = AgentSimulator(client: client)
            let second = try await other.enroll(token: token)
            #expect(second.status == .unauthorized)
            #expect(second.json["code"] as? String == "token_used")
            // The first agent stays valid.
            #expect(try await agent.pollCommands().status != .unauthorized)
            let asset = try await client.json(.get, "/api/v1/assets/\(id)", f.headers)
            #expect(asset.json["server"] as? String == "10.0.0.5")
            #expect(asset.json["agent_id"] as? String != nil)
        }
    }

    @Test("Expiry: accepted at 24 h - 1 s, rejected at 24 h + 1 s")
    func expiry() async throws {
        let f = try Fixture()
        try await f.server.test { client async throws in
            let a = try await f.newAsset(client, "early")
            let b = try await f.newAsset(client, "late")
            let early = try await f.token(client, a)
            let late = try await f.token(client, b)
            f.server.clock.advance(24 * 3600 - 1)
            var agentA = AgentSimulator(client: client)
            #expect(try await agentA.enroll(token: early).status == .created)
            f.server.clock.advance(2)
            var agentB = AgentSimulator(client: client)
            let expired = try await agentB.enroll(token: late)
            #expect(expired.status == .unauthorized)
            #expect(expired.json["code"] as? String == "token_expired")
        }
    }

    @Test("Regenerating revokes the previous token")
    func regenerationRevokes() async throws {
        let f = try Fixture()
        try await f.server.test { client async throws in
            let id = try await f.newAsset(client)
            let old = try await f.token(client, id)
            let new = try await f.token(client, id)
            var agent = AgentSimulator(client: client)
            let response = try await agent.enroll(token: old)
            #expect(response.status == .unauthorized)
            #expect(response.json["code"] as? String == "token_revoked")
            #expect(try await agent.enroll(token: new).status == .created)
        }
    }

    @Test("Malformed tokens are rejected before any lookup", arguments: [
        "", "lsr_", "lsk_aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "not-a-token", String(repeating: "z", count: 5000),
    ])
    func malformed(token: String) async throws {
        let f = try Fixture()
        try await f.server.test { client async throws in
            var agent = AgentSimulator(client: client)
            let response = try await agent.enroll(token: token)
            #expect(response.status == .unauthorized)
            #expect(response.json["code"] as? String == "token_invalid")
        }
    }

    @Test("A token with one changed character fails its checksum")
    func tamperedChecksum() async throws {
        let f = try Fixture()
        try await f.server.test { client async throws in
            let id = try await f.newAsset(client)
            var token = Array(try await f.token(client, id))
            token[10] = token[10] == "a" ? "b" : "a"
            var agent = AgentSimulator(client: client)
            let response = try await agent.enroll(token: String(token))
            #expect(response.json["code"] as? String == "token_invalid")
        }
    }

    @Test("The same agent binds a second asset with that asset's own token; its key stays the same")
    func secondAssetSameAgent() async throws {
        let f = try Fixture()
        try await f.server.test { client async throws in
            let a = try await f.newAsset(client, "orders")
            let b = try await f.newAsset(client, "cache", engine: "redis")
            var agent = AgentSimulator(client: client)
            #expect(try await agent.enroll(token: try await f.token(client, a)).status == .created)
            let key = agent.key
            let second = try await agent.enroll(token: try await f.token(client, b), engine: .redis, target: "cache", useKey: true)
            #expect(second.status == .created)
            #expect(second.json["agent_key"] == nil || second.json["agent_key"] is NSNull)
            #expect(agent.key == key)
            let agents = try await client.json(.get, "/api/v1/agents", f.headers).jsonArray
            #expect(agents.count == 1)
            #expect((agents.first?["assets"] as? [String])?.sorted() == ["cache", "orders"])
        }
    }

    @Test("A token for a PostgreSQL asset cannot enrol a Redis target")
    func engineMismatch() async throws {
        let f = try Fixture()
        try await f.server.test { client async throws in
            let id = try await f.newAsset(client)
            var agent = AgentSimulator(client: client)
            let response = try await agent.enroll(token: try await f.token(client, id), engine: .redis)
            #expect(response.status == .unprocessableContent)
            #expect(try await agent.enroll(token: try await f.token(client, id)).status == .created)
        }
    }

    @Test("A revoked agent key gets 401 on its next request")
    func revokedAgentKey() async throws {
        let f = try Fixture()
        try await f.server.test { client async throws in
            let id = try await f.newAsset(client)
            var agent = AgentSimulator(client: client)
            #expect(try await agent.enroll(token: try await f.token(client, id)).status == .created)
            let agentID = try await client.json(.get, "/api/v1/agents", f.headers).jsonArray.first?["id"] as! String
            #expect(try await client.json(.delete, "/api/v1/agents/\(agentID)", f.headers).status == .noContent)
            let response = try await agent.ingest(AgentSimulator.batch(assetID: id, at: f.server.clock.now))
            #expect(response.status == .unauthorized)
            #expect(response.json["code"] as? String == "token_revoked")
        }
    }

    @Test("An agent of one organisation cannot post data for another organisation's asset")
    func crossOrgIngest() async throws {
        let f = try Fixture()
        let (ownerB, orgB) = try f.server.makeOrganization("Globex", owner: "b@globex.test")
        let headersB = try f.server.browser(for: ownerB, org: orgB).headers(json: true)
        try await f.server.test { client async throws in
            let mine = try await f.newAsset(client)
            let theirs = try await client.json(.post, "/api/v1/assets", headersB, ["engine": "postgresql", "name": "theirs"]).json["id"] as! String
            var agent = AgentSimulator(client: client)
            #expect(try await agent.enroll(token: try await f.token(client, mine)).status == .created)
            let response = try await agent.ingest(AgentSimulator.batch(assetID: theirs, at: f.server.clock.now))
            #expect(response.status == .notFound)
        }
        let rows = try await f.server.services.database.writer.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM snapshots")! }
        #expect(rows == 0)
    }

    @Test("More than 10 failed redemptions per minute from one address get 429 with Retry-After, even for a good token")
    func redemptionThrottle() async throws {
        let f = try Fixture()
        try await f.server.test { client async throws in
            let id = try await f.newAsset(client)
            let good = try await f.token(client, id)
            var agent = AgentSimulator(client: client)
            for _ in 0..<10 {
                #expect(try await agent.enroll(token: "lsr_garbage").status == .unauthorized)
            }
            let blocked = try await agent.enroll(token: good)
            #expect(blocked.status == .tooManyRequests)
            #expect(blocked.json["code"] as? String == "too_many_attempts")
            #expect(Int(blocked.headers[.retryAfter] ?? "") != nil)
            f.server.clock.advance(61)
            #expect(try await agent.enroll(token: good).status == .created)
        }
        // Every attempt is audited, the refused ones included.
        let attempts = try f.server.services.audit.list(orgID: "", query: AuditQuery(from: .distantPast, to: .distantFuture)).total
        #expect(attempts == 11)
    }
}
