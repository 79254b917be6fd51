import Foundation
import GRDB
import LogstagCore
import Testing

@testable import LogstagStorage

@Suite("Asset store")
struct AssetStoreTests {
    let database: AppDatabase
    let store: AssetStore
    let now = Date(timeIntervalSince1970: 1_800_000_000)

    init() throws {
        database = try makeDatabase()
        store = AssetStore(database)
        let accounts = AccountStore(database)
        for (org, user) in [("org-a", "user-a"), ("org-b", "user-b")] {
            try accounts.createOrganization(
                Organization(id: org, name: org, createdAt: now),
                owner: User(id: user, email: "\(user)@x.test", name: user, passwordHash: "h", createdAt: now), now: now)
        }
    }

    func asset(_ id: String, org: String = "org-a", name: String) -> Asset {
        Asset(id: id, orgID: org, name: name, engine: .postgresql, environment: .production, ownerID: nil, createdBy: nil, createdAt: now)
    }

    @Test("Names are unique per organisation regardless of case")
    func uniqueness() throws {
        try store.create(asset("a1", name: "Orders"))
        #expect(throws: StorageError.duplicateName) { try store.create(asset("a2", name: "ORDERS")) }
        try store.create(asset("b1", org: "org-b", name: "orders"))
        try store.create(asset("a3", name: "payments"))
        #expect(throws: StorageError.duplicateName) {
            try store.update(orgID: "org-a", id: "a3", name: "orders", environment: .production, ownerID: nil, now: now)
        }
    }

    @Test("Every read and write is scoped to the organisation")
    func scoping() throws {
        try store.create(asset("a1", name: "orders"))
        #expect(try store.asset(orgID: "org-b", id: "a1") == nil)
        #expect(try store.asset(orgID: "org-a", id: "a1")?.name == "orders")
        #expect(throws: StorageError.notFound) {
            try store.update(orgID: "org-b", id: "a1", name: "mine", environment: .test, ownerID: nil, now: now)
        }
        #expect(throws: StorageError.notFound) { try store.delete(orgID: "org-b", id: "a1") }
        #expect(try store.list(orgID: "org-b", query: AssetQuery(), now: now).total == 0)
        #expect(try store.asset(orgID: "org-a", id: "a1")?.name == "orders")
    }

    @Test("Status filters in SQL agree with AssetStatusRule for every combination")
    func statusFilterMatchesRule() throws {
        var id = 0
        for verified in [false, true] {
            for seen in [nil, 10.0, 300.0, 301.0] as [Double?] {
                for failure in [nil, "permission"] as [String?] {
                    id += 1
                    try store.create(asset("s\(id)", name: "asset-\(id)"))
                    try database.writer.write { db in
                        try db.execute(
                            sql: "UPDATE assets SET verified = ?, last_seen_at = ?, last_failure = ? WHERE id = ?",
                            arguments: [verified, seen.map { now.timeIntervalSince1970 - $0 }, failure, "s\(id)"])
                    }
                }
            }
        }
        let all = try store.list(orgID: "org-a", query: AssetQuery(perPage: 200), now: now).items
        for status in [AssetStatus.connected, .disconnected, .issues] {
            let filtered = Set(try store.list(orgID: "org-a", query: AssetQuery(status: status, perPage: 200), now: now).items.map(\.id))
            let expected = Set(all.filter { $0.status(now: now) == status }.map(\.id))
            #expect(filtered == expected, "\(status)")
            #expect(!expected.isEmpty, "\(status)")
        }
    }

    @Test("A new registration token revokes the previous unused one atomically")
    func tokenRegeneration() throws {
        try store.create(asset("a1", name: "orders"))
        let first = RegistrationToken(id: "t1", orgID: "org-a", assetID: "a1", tokenHash: "h1", createdAt: now, expiresAt: now + 86400)
        let second = RegistrationToken(id: "t2", orgID: "org-a", assetID: "a1", tokenHash: "h2", createdAt: now + 1, expiresAt: now + 86401)
        try store.issueToken(first, createdBy: nil)
        try store.issueToken(second, createdBy: nil)
        #expect(try store.token(id: "t1")?.revokedAt != nil)
        #expect(try store.token(id: "t2")?.revokedAt == nil)
        #expect(try store.activeToken(orgID: "org-a", assetID: "a1", now: now + 2)?.id == "t2")
        #expect(try store.activeToken(orgID: "org-a", assetID: "a1", now: now + 86402) == nil)
        #expect(try store.activeToken(orgID: "org-b", assetID: "a1", now: now + 2) == nil)
    }

    @Test("Search escapes LIKE wildcards")
    func searchEscapes() throws {
        try store.create(asset("a1", name: "orders_eu"))
        try store.create(asset("a2", name: "ordersXeu"))
        #expect(try store.list(orgID: "org-a", query: AssetQuery(search: "s_e"), now: now).items.map(\.id) == ["a1"])
        #expect(try store.list(orgID: "org-a", query: AssetQuery(search: "%"), now: now).total == 0)
    }
}
