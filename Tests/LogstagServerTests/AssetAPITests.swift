import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
import LogstagCore
import LogstagStorage
import Testing

@testable import LogstagServer

@Suite("Assets API")
struct AssetAPITests {
    func assetCount(_ server: TestServer) throws -> Int {
        try server.services.database.writer.read { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM assets")! }
    }

    @Test("Create with defaults: Production environment, owner = creator, agent fields not yet reported")
    func createDefaults() async throws {
        let server = try TestServer()
        let (owner, org) = try server.makeOrganization("Acme", owner: "owner@acme.test")
        let browser = try server.browser(for: owner, org: org)
        try await server.test { client async throws in
            let response = try await client.json(.post, "/api/v1/assets", browser.headers(json: true), ["engine": "postgresql", "name": "orders-db"])
            #expect(response.status == .created)
            let body = response.json
            #expect(body["environment"] as? String == "Production")
            #expect((body["owner"] as? [String: Any])?["id"] as? String == owner.id)
            #expect(body["status"] as? String == "Disconnected")
            #expect(body["server"] is NSNull && body["port"] is NSNull && body["version"] is NSNull)
            #expect((body["id"] as? String)?.count == 32)
        }
    }

    @Test("Every engine and every environment label is accepted")
    func enginesAndEnvironments() async throws {
        let server = try TestServer()
        let (owner, org) = try server.makeOrganization("Acme", owner: "owner@acme.test")
        let headers = try server.browser(for: owner, org: org).headers(json: true)
        try await server.test { client async throws in
            for (i, engine) in Engine.allCases.enumerated() {
                let env = AssetEnvironment.allCases[i % AssetEnvironment.allCases.count]
                let response = try await client.json(.post, "/api/v1/assets", headers, ["engine": engine.rawValue, "name": "db-\(engine.rawValue)", "environment": env.rawValue])
                #expect(response.status == .created, "\(engine)")
                #expect(response.json["environment"] as? String == env.rawValue)
            }
        }
        #expect(Engine.allCases.count == 6)
        #expect(AssetEnvironment.allCases.map(\.rawValue) == ["Production", "Pre-Production", "UAT", "Staging", "Test", "Development"])
    }

    @Test("Bad input gets a 4xx with {code, message} and stores nothing", arguments: [
        (["engine": "postgresql", "name": "ab"], 422, "invalid_name"),
        (["engine": "postgresql", "name": String(repeating: "x", count: 101)], 422, "invalid_name"),
        (["engine": "mysql", "name": "orders"], 422, "invalid_engine"),
        (["engine": "postgresql", "name": "orders", "environment": "Prod"], 422, "invalid_environment"),
        (["engine": "postgresql", "name": 42], 400, "invalid_json"),
        (["engine": "postgresql", "name": "orders", "port": 5432], 400, "unknown_field"),
        (["name": "orders"], 422, "invalid_engine"),
    ] as [([String: any Sendable], Int, String)])
    func badInput(body: [String: any Sendable], status: Int, code: String) async throws {
        let server = try TestServer()
        let (owner, org) = try server.makeOrganization("Acme", owner: "owner@acme.test")
        let headers = try server.browser(for: owner, org: org).headers(json: true)
        try await server.test { client async throws in
            let response = try await client.json(.post, "/api/v1/assets", headers, body)
            #expect(Int(response.status.code) == status)
            #expect(response.json["code"] as? String == code)
            #expect((response.json["message"] as? String)?.isEmpty == false)
        }
        #expect(try assetCount(server) == 0)
    }

    @Test("Names of exactly 3 and 100 characters are accepted")
    func nameBounds() async throws {
        let server = try TestServer()
        let (owner, org) = try server.makeOrganization("Acme", owner: "owner@acme.test")
        let headers = try server.browser(for: owner, org: org).headers(json: true)
        try await server.test { client async throws in
            #expect(try await client.json(.post, "/api/v1/assets", headers, ["engine": "redis", "name": "abc"]).status == .created)
            #expect(try await client.json(.post, "/api/v1/assets", headers, ["engine": "redis", "name": String(repeating: "y", count: 100)]).status == .created)
        }
    }

    @Test("Names are unique in the organisation ignoring case, but may repeat across organisations")
    func uniqueIgnoringCase() async throws {
        let server = try TestServer()
        let (ownerA, orgA) = try server.makeOrganization("Acme", owner: "a@acme.test")
        let (ownerB, orgB) = try server.makeOrganization("Globex", owner: "b@globex.test")
        let a = try server.browser(for: ownerA, org: orgA).headers(json: true)
        let b = try server.browser(for: ownerB, org: orgB).headers(json: true)
        try await server.test { client async throws in
            #expect(try await client.json(.post, "/api/v1/assets", a, ["engine": "postgresql", "name": "Orders-DB"]).status == .created)
            for variant in ["orders-db", "ORDERS-DB", "oRdErS-dB", "  Orders-DB  "] {
                let response = try await client.json(.post, "/api/v1/assets", a, ["engine": "postgresql", "name": variant])
                #expect(response.status == .conflict, "\(variant)")
                #expect(response.json["code"] as? String == "duplicate_name")
            }
            #expect(try await client.json(.post, "/api/v1/assets", b, ["engine": "postgresql", "name": "orders-db"]).status == .created)
        }
        #expect(try assetCount(server) == 2)
    }

    @Test("Owner must be a member of the caller's organisation")
    func ownerFromAnotherOrg() async throws {
        let server = try TestServer()
        let (ownerA, orgA) = try server.makeOrganization("Acme", owner: "a@acme.test")
        let (ownerB, _) = try server.makeOrganization("Globex", owner: "b@globex.test")
        let dba = try server.addMember(org: orgA, email: "dba@acme.test", role: .dba)
        let headers = try server.browser(for: ownerA, org: orgA).headers(json: true)
        try await server.test { client async throws in
            let foreign = try await client.json(.post, "/api/v1/assets", headers, ["engine": "mongodb", "name": "events", "owner_id": ownerB.id])
            #expect(foreign.status == .unprocessableContent)
            #expect(foreign.json["code"] as? String == "invalid_owner")
            let member = try await client.json(.post, "/api/v1/assets", headers, ["engine": "mongodb", "name": "events", "owner_id": dba.id])
            #expect(member.status == .created)
            #expect((member.json["owner"] as? [String: Any])?["id"] as? String == dba.id)
        }
        #expect(try assetCount(server) == 1)
    }

    @Test("List: search by name, server and engine; filter by status and environment; paging")
    func listSearchFilterPage() async throws {
        let server = try TestServer()
        let (owner, org) = try server.makeOrganization("Acme", owner: "owner@acme.test")
        let headers = try server.browser(for: owner, org: org).headers(json: true)
        try await server.test { client async throws in
            for i in 0..<30 {
                let engine = i % 3 == 0 ? "redis" : "postgresql"
                let env = i % 2 == 0 ? "Production" : "Staging"
                _ = try await client.json(.post, "/api/v1/assets", headers, ["engine": engine, "name": String(format: "db-%02d", i), "environment": env])
            }
            let page1 = try await client.json(.get, "/api/v1/assets?per_page=25", headers)
            #expect(page1.json["total"] as? Int == 30)
            #expect((page1.json["items"] as? [Any])?.count == 25)
            #expect(page1.json["pages"] as? Int == 2)
            let page2 = try await client.json(.get, "/api/v1/assets?per_page=25&page=2", headers)
            #expect((page2.json["items"] as? [[String: Any]])?.first?["name"] as? String == "db-25")
            #expect(try await client.json(.get, "/api/v1/assets?q=redis", headers).json["total"] as? Int == 10)
            #expect(try await client.json(.get, "/api/v1/assets?q=PostgreSQL", headers).json["total"] as? Int == 20)
            #expect(try await client.json(.get, "/api/v1/assets?q=db-0", headers).json["total"] as? Int == 10)
            #expect(try await client.json(.get, "/api/v1/assets?environment=Staging", headers).json["total"] as? Int == 15)
            #expect(try await client.json(.get, "/api/v1/assets?status=Disconnected", headers).json["total"] as? Int == 30)
            #expect(try await client.json(.get, "/api/v1/assets?status=Connected", headers).json["total"] as? Int == 0)
            #expect(try await client.json(.get, "/api/v1/assets?status=Sleeping", headers).status == .badRequest)
        }
        // Server value search: an agent-reported host is searchable.
        try await server.services.database.writer.write { db in try db.execute(sql: "UPDATE assets SET host = 'pg-primary.internal' WHERE name = 'db-01'") }
        try await server.test { client async throws in
            #expect(try await client.json(.get, "/api/v1/assets?q=pg-primary", headers).json["total"] as? Int == 1)
        }
    }

    @Test("Edit name, environment and owner; engine, server, port, version and health are read-only")
    func editRules() async throws {
        let server = try TestServer()
        let (owner, org) = try server.makeOrganization("Acme", owner: "owner@acme.test")
        let dba = try server.addMember(org: org, email: "dba@acme.test", role: .dba)
        let headers = try server.browser(for: owner, org: org).headers(json: true)
        try await server.test { client async throws in
            let id = try await client.json(.post, "/api/v1/assets", headers, ["engine": "valkey", "name": "cache"]).json["id"] as! String
            _ = try await client.json(.post, "/api/v1/assets", headers, ["engine": "valkey", "name": "sessions"])
            let edited = try await client.json(.patch, "/api/v1/assets/\(id)", headers, ["name": "cache-eu", "environment": "UAT", "owner_id": dba.id])
            #expect(edited.status == .ok)
            #expect(edited.json["name"] as? String == "cache-eu")
            #expect(edited.json["environment"] as? String == "UAT")
            #expect((edited.json["owner"] as? [String: Any])?["id"] as? String == dba.id)
            for field in ["engine", "server", "port", "version", "health_score"] {
                let response = try await client.json(.patch, "/api/v1/assets/\(id)", headers, [field: "x"])
                #expect(response.status == .unprocessableContent, "\(field)")
                #expect(response.json["code"] as? String == "read_only_field")
            }
            let clash = try await client.json(.patch, "/api/v1/assets/\(id)", headers, ["name": "SESSIONS"])
            #expect(clash.status == .conflict)
            let after = try await client.json(.get, "/api/v1/assets/\(id)", headers)
            #expect(after.json["name"] as? String == "cache-eu")
            #expect(after.json["engine"] as? String == "valkey")
        }
    }

    @Test("Delete removes the asset, its tokens, commands and collected data")
    func deleteCascades() async throws {
        let server = try TestServer()
        let (owner, org) = try server.makeOrganization("Acme", owner: "owner@acme.test")
        let headers = try server.browser(for: owner, org: org).headers(json: true)
        try await server.test { client async throws in
            let id = try await client.json(.post, "/api/v1/assets", headers, ["engine": "postgresql", "name": "orders"]).json["id"] as! String
            let token = try await client.json(.post, "/api/v1/assets/\(id)/registration-token", headers).json["token"] as! String
            var agent = AgentSimulator(client: client)
            #expect(try await agent.enroll(token: token).status == .created)
            #expect(try await agent.ingest(AgentSimulator.batch(assetID: id, at: server.clock.now)).status == .ok)
            #expect(try await client.json(.delete, "/api/v1/assets/\(id)", headers).status == .noContent)
            #expect(try await client.json(.get, "/api/v1/assets/\(id)", headers).status == .notFound)
            #expect(try await client.json(.delete, "/api/v1/assets/\(id)", headers).status == .notFound)
        }
        let leftovers = try await server.services.database.writer.read { db in
            try ["registration_tokens", "commands", "snapshots", "points_raw"].map { try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM \($0)")! }
        }
        #expect(leftovers == [0, 0, 0, 0])
    }

    @Test("Install command per hosting and OS points at this server's /install.sh and never carries the token")
    func installCommands() async throws {
        let server = try TestServer()
        let (owner, org) = try server.makeOrganization("Acme", owner: "owner@acme.test")
        let headers = try server.browser(for: owner, org: org).headers(json: true)
        try await server.test { client async throws in
            let id = try await client.json(.post, "/api/v1/assets", headers, ["engine": "postgresql", "name": "orders"]).json["id"] as! String
            let linux = try await client.json(.get, "/api/v1/assets/\(id)/install-command?hosting=aws-rds&os=linux&connection=direct", headers)
            let command = linux.json["command"] as? String ?? ""
            #expect(command.contains("https://logstag.example.com/install.sh"))
            #expect(command.contains("sudo"))
            #expect(command.contains("aws-rds"))
            #expect(!command.contains("lsr_"))
            let windows = try await client.json(.get, "/api/v1/assets/\(id)/install-command?hosting=self-hosted&os=windows", headers)
            #expect((windows.json["command"] as? String)?.contains("Invoke-WebRequest") == true)
            for bad in ["hosting=azure", "hosting=gcp", "connection=bridged"] {
                #expect(try await client.json(.get, "/api/v1/assets/\(id)/install-command?\(bad)", headers).status == .unprocessableContent, "\(bad)")
            }
        }
    }
}

@Suite("Installers served by the server")
struct InstallerRouteTests {
    @Test("Linux and Windows installers are served; a missing Windows build answers 404 with a reason; a placed one is verified")
    func installers() async throws {
        let server = try TestServer()
        try await server.test { client async throws in
            let sh = try await client.execute(uri: "/install.sh", method: .get)
            #expect(sh.status == .ok && sh.text.hasPrefix("#!"))
            let ps1 = try await client.execute(uri: "/install.ps1", method: .get)
            #expect(ps1.status == .ok && ps1.text.contains("Get-FileHash"))
            let exe = try await client.execute(uri: "/download/logstag.exe", method: .get)
            #expect(exe.status == .notFound)
            #expect(exe.text.contains("Windows"))
        }
        try FileManager.default.createDirectory(atPath: server.dataDir + "/downloads", withIntermediateDirectories: true)
        try Data("MZ fake".utf8).write(to: URL(fileURLWithPath: server.dataDir + "/downloads/logstag.exe"))
        try await server.test { client async throws in
            let sum = try await client.execute(uri: "/download/logstag.exe.sha256", method: .get)
            #expect(sum.text == Crypto.sha256Hex("MZ fake") + "  logstag.exe\n")
        }
    }
}
