import Foundation
import GRDB
import LogstagCore
import Testing

@testable import LogstagStorage

@Suite("Explorer store")
struct ExplorerStoreTests {
    @Test("Schema changes are capped per schema: another schema's churn hides nothing; memberships only when asked")
    func schemaChangesPerSchema() throws {
        let now = Date(timeIntervalSince1970: 1_800_000_000)
        let database = try makeDatabase(assets: ["a1"], named: { _ in "orders" }, at: now)
        try database.writer.write { db in
            let insert = try db.makeStatement(sql: """
                INSERT INTO schema_changes (org_id, asset_id, detected_at, database_name, schema_name, object_type, object, action, description, properties)
                VALUES ('org', 'a1', ?, ?, ?, ?, ?, 'Added', 'added', '[]')
                """)
            // 6,000 changes in the busy schema, newer than the quiet schema's 12 and one membership change.
            for n in 0..<6000 { try insert.execute(arguments: [now.timeIntervalSince1970 - Double(n), "shop", "busy", "table", "busy.t\(n)"]) }
            for n in 0..<12 { try insert.execute(arguments: [now.timeIntervalSince1970 - 10_000 - Double(n), "shop", "quiet", "table", "quiet.t\(n)"]) }
            try insert.execute(arguments: [now.timeIntervalSince1970 - 20_000, nil, nil, "membership", "app in reader"])
        }
        let store = ExplorerStore(database)
        let from = now - 86_400
        let quiet = try store.schemaChanges(orgID: "org", assetID: "a1", from: from, to: now, schema: ("shop", "quiet"), limit: 5001)
        #expect(quiet.count == 12)
        #expect(Set(quiet.map(\.schema)) == ["quiet"])
        let withMemberships = try store.schemaChanges(
            orgID: "org", assetID: "a1", from: from, to: now, schema: ("shop", "quiet"), includeMemberships: true, limit: 5001)
        #expect(withMemberships.count == 13)
        #expect(withMemberships.last?.objectType == .membership)
        let busy = try store.schemaChanges(orgID: "org", assetID: "a1", from: from, to: now, schema: ("shop", "busy"), limit: 5001)
        #expect(busy.count == 5001)
        #expect(busy.first?.object == "busy.t0", "newest first")
        #expect(try store.schemaChanges(orgID: "other", assetID: "a1", from: from, to: now).isEmpty)
    }
}
