import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
import LogstagCore
import LogstagStorage
import Testing

@testable import LogstagServer

@Suite("Audit log")
struct AuditTests {
    @Test("Changes are recorded with user, role, route, entity, status, duration and a sanitised body")
    func records() async throws {
        let server = try TestServer()
        let (owner, org) = try server.makeOrganization("Acme", owner: "owner@acme.test")
        let headers = try server.browser(for: owner, org: org).headers(json: true)
        try await server.test { client async throws in
            let id = try await client.json(.post, "/api/v1/assets", headers, ["engine": "postgresql", "name": "orders"]).json["id"] as! String
            _ = try await client.json(.post, "/api/v1/assets", headers, ["engine": "postgresql", "name": "x"])
            let token = try await client.json(.post, "/api/v1/assets/\(id)/registration-token", headers).json["token"] as! String
            _ = try await client.json(.post, "/api/v1/api-keys", headers, ["name": "ci"])
            _ = try await client.json(.post, "/api/v1/invitations", headers, ["email": "new@acme.test", "role": "dba", "password": "hunter2hunter2"])
            let page = try await client.json(.get, "/api/v1/audit", headers)
            #expect(page.status == .ok)
            let items = try #require(page.json["items"] as? [[String: Any]])
            let create = try #require(items.first { $0["route"] as? String == "/api/v1/assets" && $0["status"] as? Int == 201 })
            #expect(create["user"] as? String == "owner@acme.test")
            #expect(create["role"] as? String == "Account Owner")
            #expect(create["method"] as? String == "POST")
            #expect(create["entity_type"] as? String == "asset")
            #expect(create["entity_id"] as? String == id)
            #expect((create["duration_ms"] as? Double ?? -1) >= 0)
            #expect((create["body"] as? String)?.contains("orders") == true)
            #expect(items.contains { $0["status"] as? Int == 422 })
            #expect(items.contains { ($0["route"] as? String)?.hasSuffix("registration-token") == true && $0["entity_id"] as? String == id })
            // No secrets in any entry: not the token returned, not a password sent.
            let everything = page.text
            #expect(!everything.contains(token))
            #expect(!everything.contains("hunter2hunter2"))
            #expect(everything.contains("********"))
        }
        // The database holds no secret either.
        let bodies = try await server.services.database.writer.read { db in try String.fetchAll(db, sql: "SELECT COALESCE(body, '') FROM audit_log") }
        #expect(!bodies.joined().contains("hunter2hunter2"))
    }

    @Test("Logins and failed logins are recorded, failed ones without the password")
    func logins() async throws {
        let server = try TestServer()
        let (_, org) = try server.makeOrganization("Acme", owner: "owner@acme.test")
        try await server.test { client async throws in
            let page = try await client.execute(uri: "/login", method: .get)
            let cookie = try #require(page.headers[values: .setCookie].first { $0.hasPrefix("logstag_csrf=") })
            let csrf = String(cookie.split(separator: ";")[0].dropFirst("logstag_csrf=".count))
            for password in ["wrong-password-1", TestServer.password] {
                let body = "email=owner%40acme.test&password=\(password.formEncoded)&_csrf=\(csrf)"
                _ = try await client.execute(
                    uri: "/login", method: .post, headers: [.cookie: "logstag_csrf=\(csrf)", .contentType: "application/x-www-form-urlencoded"],
                    body: ByteBuffer(string: body))
            }
        }
        let entries = try server.services.audit.list(orgID: org.id, query: AuditQuery(from: .distantPast, to: .distantFuture)).items
        #expect(entries.map(\.action).sorted() == ["login", "login failed"])
        #expect(entries.first { $0.action == "login failed" }?.status == 401)
        #expect(!entries.contains { $0.body?.contains("wrong-password-1") == true })
    }

    @Test("Only the Account Owner sees the audit log")
    func ownerOnly() async throws {
        let server = try TestServer()
        let (owner, org) = try server.makeOrganization("Acme", owner: "owner@acme.test")
        let admin = try server.addMember(org: org, email: "admin@acme.test", role: .admin)
        try await server.test { client async throws in
            #expect(try await client.json(.get, "/api/v1/audit", try server.browser(for: owner, org: org).headers()).status == .ok)
            #expect(try await client.json(.get, "/api/v1/audit", try server.browser(for: admin, org: org).headers()).status == .forbidden)
            #expect(try await client.json(.get, "/api/v1/audit", try server.apiKey(org: org)).status == .forbidden)
        }
    }

    @Test("Default window is the last 24 hours; filters narrow it")
    func windowAndFilters() async throws {
        let server = try TestServer()
        let (owner, org) = try server.makeOrganization("Acme", owner: "owner@acme.test")
        let early = try server.browser(for: owner, org: org).headers(json: true)
        try await server.test { client async throws in
            _ = try await client.json(.post, "/api/v1/assets", early, ["engine": "postgresql", "name": "old-one"])
            server.clock.advance(25 * 3600)
            // Sessions last 12 hours: sign in again.
            let headers = try server.browser(for: owner, org: org).headers(json: true)
            _ = try await client.json(.post, "/api/v1/assets", headers, ["engine": "redis", "name": "new-one"])
            _ = try await client.json(.post, "/api/v1/api-keys", headers, ["name": "ci"])
            let recent = try await client.json(.get, "/api/v1/audit", headers).json
            #expect(recent["total"] as? Int == 2)
            let all = try await client.json(.get, "/api/v1/audit?from=2000-01-01T00:00:00Z", headers).json
            #expect(all["total"] as? Int == 3)
            #expect(try await client.json(.get, "/api/v1/audit?route=api-keys", headers).json["total"] as? Int == 1)
            #expect(try await client.json(.get, "/api/v1/audit?status=201&method=POST", headers).json["total"] as? Int == 2)
            #expect(try await client.json(.get, "/api/v1/audit?from=yesterday", headers).status == .badRequest)
        }
    }

    /// Writes a few entries through the API and returns the server.
    func serverWithEntries() async throws -> (TestServer, Organization, User) {
        let server = try TestServer()
        let (owner, org) = try server.makeOrganization("Acme", owner: "owner@acme.test")
        let headers = try server.browser(for: owner, org: org).headers(json: true)
        try await server.test { client async throws in
            for i in 0..<5 { _ = try await client.json(.post, "/api/v1/assets", headers, ["engine": "redis", "name": "cache-\(i)"]) }
        }
        return (server, org, owner)
    }

    @Test("An untouched chain verifies")
    func verifiesClean() async throws {
        let (server, org, owner) = try await serverWithEntries()
        let headers = try server.browser(for: owner, org: org).headers()
        let clean = try server.services.audit.verify(orgID: org.id)
        #expect(clean.ok && clean.checked == 5)
        try await server.test { client async throws in
            let body = try await client.json(.get, "/api/v1/audit/verify", headers).json
            #expect(body["ok"] as? Bool == true)
            #expect(body["checked"] as? Int == 5)
        }
    }

    @Test("Editing any field of an entry is detected at that entry", arguments: ["route", "status", "user_email", "body", "at", "client_ip"])
    func detectsEdit(column: String) async throws {
        let (server, org, owner) = try await serverWithEntries()
        let headers = try server.browser(for: owner, org: org).headers()
        let value = column == "status" || column == "at" ? "999" : "'forged'"
        try await server.services.database.writer.write { db in try db.execute(sql: "UPDATE audit_log SET \(column) = \(value) WHERE seq = 3") }
        #expect(try server.services.audit.verify(orgID: org.id).firstBrokenSeq == 3)
        try await server.test { client async throws in
            let body = try await client.json(.get, "/api/v1/audit/verify", headers).json
            #expect(body["ok"] as? Bool == false)
            #expect(body["first_broken_seq"] as? Int == 3)
        }
    }

    @Test("Deleting an entry in the middle or at the end is detected")
    func detectsDeletion() async throws {
        let (server, org, _) = try await serverWithEntries()
        try await server.services.database.writer.write { db in try db.execute(sql: "DELETE FROM audit_log WHERE seq = 2") }
        #expect(try server.services.audit.verify(orgID: org.id).firstBrokenSeq == 2)
        let (server2, org2, _) = try await serverWithEntries()
        try await server2.services.database.writer.write { db in try db.execute(sql: "DELETE FROM audit_log WHERE seq = 5") }
        #expect(try server2.services.audit.verify(orgID: org2.id).firstBrokenSeq == 5)
    }

    @Test("Re-hashing an edited entry does not help: the next entry's link breaks")
    func detectsRehash() async throws {
        let (server, org, _) = try await serverWithEntries()
        try await server.services.database.writer.write { db in
            try db.execute(sql: "UPDATE audit_log SET route = '/forged', hash = 'deadbeef' WHERE seq = 2")
        }
        let result = try server.services.audit.verify(orgID: org.id)
        #expect(result.firstBrokenSeq == 2)
    }

    @Test("Retention deletes entries older than the window and the rest still verifies")
    func retention() async throws {
        let (server, org, owner) = try await serverWithEntries()
        server.clock.advance(31 * 86400)
        let headers = try server.browser(for: owner, org: org).headers(json: true)
        try await server.test { client in _ = try await client.json(.post, "/api/v1/assets", headers, ["engine": "redis", "name": "late"]) }
        MaintenanceService(services: server.services).runOnce()
        let remaining = try server.services.audit.list(orgID: org.id, query: AuditQuery(from: .distantPast, to: .distantFuture))
        #expect(remaining.total == 1)
        #expect(try server.services.audit.verify(orgID: org.id).ok)
    }
}
