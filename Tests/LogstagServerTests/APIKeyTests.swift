import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
import LogstagCore
import LogstagStorage
import NIOCore
import Testing

@testable import LogstagServer

@Suite("Organisation API keys")
struct APIKeyTests {
    struct Fixture {
        let server: TestServer
        let org: Organization
        let owner: User
        let browser: TestServer.Browser

        init() throws {
            server = try TestServer()
            (owner, org) = try server.makeOrganization("Acme", owner: "owner@acme.test")
            browser = try server.browser(for: owner, org: org)
        }

        func create(_ client: any TestClientProtocol, name: String = "ci") async throws -> (id: String, key: String) {
            let response = try await client.json(.post, "/api/v1/api-keys", browser.headers(json: true), ["name": name])
            #expect(response.status == .created)
            return (try #require(response.json["id"] as? String), try #require(response.json["key"] as? String))
        }

        static func bearer(_ key: String) -> HTTPFields { [.authorization: "Bearer \(key)", .contentType: "application/json"] }
    }

    @Test("The key is shown once, never listed, stored only as a keyed hash, and works as a Bearer token")
    func createListUse() async throws {
        let f = try Fixture()
        try await f.server.test { client async throws in
            // When
            let created = try await client.json(.post, "/api/v1/api-keys", f.browser.headers(json: true), ["name": "ci"])
            // Then
            #expect(created.status == .created)
            let key = try #require(created.json["key"] as? String)
            let id = try #require(created.json["id"] as? String)
            #expect(key.hasPrefix("lsk_"))
            #expect(try TokenFormat.parse(key, expecting: .apiKey).id == id)
            #expect(created.json["name"] as? String == "ci")

            let list = try await client.json(.get, "/api/v1/api-keys", f.browser.headers())
            #expect(list.status == .ok)
            #expect(list.jsonArray.count == 1)
            #expect(list.jsonArray.first?["id"] as? String == id)
            #expect(!(list.jsonArray.first?["key"] is String))
            let secret = String(key.dropFirst(4 + 12))
            #expect(!list.text.contains(key))
            #expect(!list.text.contains(secret))
            let page = try await client.execute(uri: "/settings/api-keys", method: .get, headers: [.cookie: f.browser.cookie], body: nil)
            #expect(page.status == .ok)
            #expect(!page.text.contains(secret))

            let stored = try f.server.authStrings("SELECT key_hash FROM api_keys")
            #expect(stored.count == 1)
            #expect(!stored[0].contains(key) && !stored[0].contains(secret))
            #expect(stored[0] == f.server.services.tokenHash(key))
            let rows = try f.server.services.database.writer.read { db in try Row.fetchAll(db, sql: "SELECT * FROM api_keys") }
            #expect(!rows.map(\.description).joined().contains(secret))

            let use = try await client.json(.get, "/api/v1/assets", Fixture.bearer(key))
            #expect(use.status == .ok)
            let me = try await client.authMe(Fixture.bearer(key))
            #expect(me.status == .ok)
            #expect(me.json["role"] as? String == "admin")
            #expect((me.json["organization"] as? [String: Any])?["id"] as? String == f.org.id)
        }
    }

    @Test("A revoked key gets 401 token_revoked; other keys keep working")
    func revoke() async throws {
        let f = try Fixture()
        try await f.server.test { client async throws in
            let (id, key) = try await f.create(client)
            let (_, other) = try await f.create(client, name: "deploy")
            #expect(try await client.json(.get, "/api/v1/assets", Fixture.bearer(key)).status == .ok)
            // When
            let revoked = try await client.json(.delete, "/api/v1/api-keys/\(id)", f.browser.headers())
            // Then
            #expect(revoked.status == .noContent)
            let refused = try await client.json(.get, "/api/v1/assets", Fixture.bearer(key))
            #expect(refused.status == .unauthorized)
            #expect(refused.authCode == "token_revoked")
            #expect(try await client.json(.get, "/api/v1/assets", Fixture.bearer(other)).status == .ok)
            let listed = try await client.json(.get, "/api/v1/api-keys", f.browser.headers()).jsonArray.first { $0["id"] as? String == id }
            #expect(listed?["revoked_at"] is String)
            // Unknown id
            #expect(try await client.json(.delete, "/api/v1/api-keys/AAAAAAAAAAAA", f.browser.headers()).status == .notFound)
        }
    }

    @Test("Tampered, malformed and unknown keys get 401 token_invalid")
    func invalidKeys() async throws {
        let f = try Fixture()
        try await f.server.test { client async throws in
            let (_, key) = try await f.create(client)
            // One character of the secret changed.
            var chars = Array(key)
            let index = 4 + 12 + 5
            chars[index] = chars[index] == "a" ? "b" : "a"
            let tampered = String(chars)
            #expect(tampered != key)
            for bad in [tampered, "garbage", "lsk_", String(key.dropLast()), key.replacingOccurrences(of: "lsk_", with: "lsx_")] {
                let response = try await client.json(.get, "/api/v1/assets", Fixture.bearer(bad))
                #expect(response.status == .unauthorized, "\(bad)")
                #expect(response.authCode == "token_invalid", "\(bad)")
            }
            // A well-formed key (valid checksum) the server never issued.
            let forged = TokenFormat.generate(.apiKey).raw
            let unknown = try await client.json(.get, "/api/v1/assets", Fixture.bearer(forged))
            #expect(unknown.status == .unauthorized)
            #expect(unknown.authCode == "token_invalid")
            // Same id, other secret: a key that reuses a real id with a forged secret.
            let realID = String(key.dropFirst(4).prefix(12))
            let sameID = "lsk_" + realID + String(forged.dropFirst(4 + 12))
            #expect(try await client.json(.get, "/api/v1/assets", Fixture.bearer(sameID)).status == .unauthorized)
            // The real key is unaffected.
            #expect(try await client.json(.get, "/api/v1/assets", Fixture.bearer(key)).status == .ok)
        }
    }

    @Test("A key of organisation A cannot reach organisation B's assets (404)")
    func tenantIsolation() async throws {
        let f = try Fixture()
        let (otherOwner, other) = try f.server.makeOrganization("Other", owner: "owner@other.test")
        let otherBrowser = try f.server.browser(for: otherOwner, org: other)
        try await f.server.test { client async throws in
            let (_, key) = try await f.create(client)
            let mine = try await client.json(.post, "/api/v1/assets", Fixture.bearer(key), ["engine": "postgresql", "name": "mine"])
            #expect(mine.status == .created)
            let theirs = try await client.json(.post, "/api/v1/assets", otherBrowser.headers(json: true), ["engine": "postgresql", "name": "theirs"])
            let theirID = try #require(theirs.json["id"] as? String)
            let mineID = try #require(mine.json["id"] as? String)

            #expect(try await client.json(.get, "/api/v1/assets/\(mineID)", Fixture.bearer(key)).status == .ok)
            #expect(try await client.json(.get, "/api/v1/assets/\(theirID)", Fixture.bearer(key)).status == .notFound)
            #expect(try await client.json(.patch, "/api/v1/assets/\(theirID)", Fixture.bearer(key), ["name": "pwned"]).status == .notFound)
            #expect(try await client.json(.delete, "/api/v1/assets/\(theirID)", Fixture.bearer(key)).status == .notFound)
            let list = try await client.json(.get, "/api/v1/assets", Fixture.bearer(key))
            #expect(!list.text.contains(theirID))
            #expect(try await client.json(.get, "/api/v1/assets/\(theirID)", otherBrowser.headers()).json["name"] as? String == "theirs")
        }
    }

    @Test("Key names: empty or blank → 422; over 100 characters → 422")
    func nameValidation() async throws {
        let f = try Fixture()
        try await f.server.test { client async throws in
            for name in ["", "   ", String(repeating: "k", count: 101)] {
                let response = try await client.json(.post, "/api/v1/api-keys", f.browser.headers(json: true), ["name": name])
                #expect(response.status == .unprocessableContent, "name \(name.count) chars")
                #expect(response.authCode == "invalid_name")
            }
            let missing = try await client.json(.post, "/api/v1/api-keys", f.browser.headers(json: true), [String: String]())
            #expect(missing.status == .unprocessableContent)
            #expect(try f.server.authStrings("SELECT id FROM api_keys").isEmpty)
        }
    }

    @Test("A revoked key cannot change anything")
    func revokedKeyCannotWrite() async throws {
        let f = try Fixture()
        try await f.server.test { client async throws in
            let (id, key) = try await f.create(client)
            #expect(try await client.json(.delete, "/api/v1/api-keys/\(id)", f.browser.headers()).status == .noContent)
            let response = try await client.json(.post, "/api/v1/assets", Fixture.bearer(key), ["engine": "mssql", "name": "sneaky"])
            #expect(response.status == .unauthorized)
            #expect(try f.server.authStrings("SELECT id FROM assets").isEmpty)
        }
    }
}
