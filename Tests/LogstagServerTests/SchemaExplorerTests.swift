import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import LogstagCore
import LogstagStorage
import Testing

@testable import LogstagServer

/// Two schema snapshots of database "shop" that differ in known ways, ingested through the real
/// agent API into real SQLite; the Schema Explorer's API and pages must show exactly those changes.
@Suite("Schema Explorer: list, overview, changes and permissions")
struct SchemaExplorerTests {
    typealias Row = [String: JSONValue]

    static let day: TimeInterval = 86_400

    // MARK: - Snapshot rows

    static func schemaRow(_ schema: String, tables: Int) -> Row {
        ["tag_database": "shop", "tag_schema": .string(schema), "owner": "owner", "tables": .number(Double(tables)), "views": 0, "indexes": 0, "functions": 0]
    }

    static func table(_ schema: String, _ name: String, total: Double, indexes: Double, rows: Double, analyzed: Date?) -> Row {
        [
            "tag_database": "shop", "tag_schema": .string(schema), "tag_table": .string(name), "table_type": "table", "owner": "owner",
            "table_bytes": .number(total - indexes), "total_bytes": .number(total), "toast_bytes": 0, "index_bytes": .number(indexes),
            "rows_estimate": .number(rows), "n_live_tup": .number(rows), "has_primary_key": true, "unlogged": false, "is_partition": false,
            "last_analyze": analyzed.map { .string(WireDate.format($0)) } ?? .null, "last_autoanalyze": .null,
        ]
    }

    static func index(_ name: String, table: String, size: Double) -> Row {
        [
            "tag_database": "shop", "tag_schema": "public", "tag_table": .string(table), "tag_index": .string(name), "method": "btree",
            "size_bytes": .number(size), "valid": true, "is_unique": false, "is_primary": false, "definition": .string("CREATE INDEX \(name)"),
        ]
    }

    static func column(_ schema: String, _ table: String, _ name: String, _ type: String) -> Row {
        [
            "tag_database": "shop", "tag_schema": .string(schema), "tag_table": .string(table), "tag_column": .string(name),
            "data_type": .string(type), "not_null": false, "default_value": .null, "position": 1,
        ]
    }

    static func grant(_ object: String, _ grantee: String, _ privilege: String) -> Row {
        [
            "tag_database": "shop", "tag_schema": "public", "tag_object": .string(object), "object_type": "table", "grantee": .string(grantee),
            "grantor": "owner", "privilege_type": .string(privilege), "is_grantable": false,
        ]
    }

    static func role(_ name: String, login: Bool, memberOf: String = "") -> Row {
        ["tag_role": .string(name), "rolcanlogin": .bool(login), "member_of": .string(memberOf)]
    }

    /// Before: orders (stale statistics), items, audit.log; index orders_note_idx; reader may SELECT orders.
    static func first(_ now: Date) -> [String: [Row]] {
        [
            "pg_schemas": [schemaRow("audit", tables: 1), schemaRow("public", tables: 2)],
            "pg_tables": [
                table("public", "orders", total: 10_000_000, indexes: 3_000_000, rows: 1000, analyzed: now.addingTimeInterval(-100 * day)),
                table("public", "items", total: 1_000_000, indexes: 0, rows: 50, analyzed: now.addingTimeInterval(-day)),
                table("audit", "log", total: 500_000, indexes: 0, rows: 10, analyzed: now),
            ],
            "pg_indexes": [index("orders_pkey", table: "orders", size: 2_000_000), index("orders_note_idx", table: "orders", size: 1_000_000)],
            "pg_columns": [column("public", "orders", "id", "bigint"), column("public", "orders", "amount", "integer"), column("audit", "log", "id", "bigint")],
            "pg_views": [], "pg_functions": [],
            "pg_sequences": [["tag_database": "shop", "tag_schema": "public", "tag_sequence": "orders_id_seq", "data_type": "bigint"]],
            "pg_privileges": [grant("orders", "reader", "SELECT"), grant("items", "reporting", "SELECT")],
            "pg_roles": [role("owner", login: true), role("reader", login: false), role("reporting", login: false), role("app", login: true)],
        ]
    }

    /// After: table payments added, orders.amount integer -> numeric, orders_note_idx dropped,
    /// INSERT on orders granted to app, SELECT on orders revoked from reader, app joined reader;
    /// in schema audit a table was added (must not show in public).
    static func second(_ now: Date) -> [String: [Row]] {
        var rows = first(now)
        rows["pg_schemas"] = [schemaRow("audit", tables: 2), schemaRow("public", tables: 3)]
        rows["pg_tables"]! += [
            table("public", "payments", total: 200_000, indexes: 0, rows: 0, analyzed: nil),
            table("audit", "log2", total: 8192, indexes: 0, rows: 0, analyzed: nil),
        ]
        rows["pg_indexes"] = [index("orders_pkey", table: "orders", size: 2_000_000)]
        rows["pg_columns"] = [
            column("public", "orders", "id", "bigint"), column("public", "orders", "amount", "numeric"),
            column("public", "payments", "id", "bigint"), column("audit", "log", "id", "bigint"),
        ]
        rows["pg_privileges"] = [grant("orders", "app", "INSERT"), grant("items", "reporting", "SELECT")]
        rows["pg_roles"] = [role("owner", login: true), role("reader", login: false), role("reporting", login: false), role("app", login: true, memberOf: "reader")]
        return rows
    }

    static func batch(assetID: String, at: Date, _ signals: [String: [Row]]) -> IngestBatch {
        let payload = TargetPayload(
            assetID: assetID, targetName: "orders", tier: .schema, collectedAt: at,
            instance: InstanceInfo(host: "10.0.0.5", port: 5432, version: "15.18", platform: "self-hosted", databaseName: "shop"),
            targetStatus: TargetStatus(ok: true),
            signals: signals.keys.sorted().map { SignalPayload(name: $0, status: .ok, durationMs: 1, rows: signals[$0]!) })
        return IngestBatch(batchID: "batch-\(UUID().uuidString)", agentVersion: "0.1.0", hostname: "db-host-1", sentAt: at, payloads: [payload])
    }

    /// An enrolled PostgreSQL asset that received both snapshots ten minutes apart.
    static func ingested(_ server: TestServer, _ client: any TestClientProtocol) async throws -> (String, HTTPFields) {
        let (agent, id, headers) = try await IngestTests.enrolled(server, client)
        let start = server.clock.now
        #expect(try await agent.ingest(batch(assetID: id, at: start, first(start))).status == .ok)
        server.clock.advance(600)
        #expect(try await agent.ingest(batch(assetID: id, at: server.clock.now, second(start))).status == .ok)
        server.clock.advance(60)
        return (id, headers)
    }

    // MARK: - Tests

    @Test("Changes: the tiles count exactly the window's records of the schema; filters narrow only the rows")
    func changes() async throws {
        let server = try TestServer()
        try await server.test { client async throws in
            let (id, headers) = try await Self.ingested(server, client)
            let body = try await client.json(.get, "/api/v1/schemas/\(id)/shop/public/changes", headers).json
            #expect(body["tiles"] as? [String: Int] == ["total": 6, "added": 3, "modified": 1, "removed": 2])
            #expect(body["capped"] as? Bool == false)
            let items = try #require(body["items"] as? [[String: Any]])
            let seen = Set(items.map { "\($0["type"] as? String ?? "") \($0["object"] as? String ?? "") \($0["change"] as? String ?? "")" })
            #expect(seen == [
                "table public.payments Added", "column public.payments.id Added", "column public.orders.amount Modified",
                "index public.orders_note_idx Removed", "permission public.orders Added", "permission public.orders Removed",
            ])
            let amount = try #require(items.first { $0["object"] as? String == "public.orders.amount" })
            let properties = try #require(amount["properties"] as? [[String: Any]])
            #expect(properties.count == 1)
            #expect(properties.first?["property"] as? String == "data_type")
            #expect(properties.first?["old"] as? String == "integer")
            #expect(properties.first?["new"] as? String == "numeric")

            let columns = try await client.json(.get, "/api/v1/schemas/\(id)/shop/public/changes?type=column", headers).json
            #expect((columns["items"] as? [[String: Any]])?.compactMap { $0["object"] as? String }.sorted() == ["public.orders.amount", "public.payments.id"])
            #expect(columns["tiles"] as? [String: Int] == ["total": 6, "added": 3, "modified": 1, "removed": 2])
            let removed = try await client.json(.get, "/api/v1/schemas/\(id)/shop/public/changes?change=removed&search=orders", headers).json
            #expect((removed["items"] as? [[String: Any]])?.compactMap { $0["type"] as? String }.sorted() == ["index", "permission"])

            // The other schema only has its own table.
            let audit = try await client.json(.get, "/api/v1/schemas/\(id)/shop/audit/changes", headers).json
            #expect((audit["items"] as? [[String: Any]])?.compactMap { $0["object"] as? String } == ["audit.log2"])
            // A window before the second snapshot holds nothing.
            let from = WireDate.format(server.clock.now.addingTimeInterval(-3 * 3600))
            let to = WireDate.format(server.clock.now.addingTimeInterval(-2 * 3600))
            let earlier = try await client.json(.get, "/api/v1/schemas/\(id)/shop/public/changes?from=\(from)&to=\(to)", headers).json
            #expect((earlier["tiles"] as? [String: Int])?["total"] == 0)
        }
    }

    @Test("Permissions: matrix and tiles from the latest grants, principal detail, grant/revoke/membership history")
    func permissions() async throws {
        let server = try TestServer()
        try await server.test { client async throws in
            let (id, headers) = try await Self.ingested(server, client)
            let body = try await client.json(.get, "/api/v1/schemas/\(id)/shop/public/permissions", headers).json
            #expect(body["tiles"] as? [String: Int] == ["users": 1, "roles": 1, "full_access": 0, "read_only": 1])
            let matrix = try #require(body["matrix"] as? [[String: Any]])
            #expect(matrix.compactMap { $0["principal"] as? String } == ["app", "reporting"])
            #expect(matrix[0]["type"] as? String == "User")
            #expect(matrix[0]["insert"] as? Int == 1 && matrix[0]["select"] as? Int == 0)
            #expect(matrix[1]["access"] as? String == "Read-only")
            let history = try #require(body["history"] as? [[String: Any]])
            let lines = Set(history.map { "\($0["action"] as? String ?? "") \($0["principal"] as? String ?? "")" })
            #expect(lines == ["Grant app", "Revoke reader", "Add member app"])
            #expect(history.first { $0["action"] as? String == "Grant" }?["changed_by"] as? String == "owner")

            let revokes = try await client.json(.get, "/api/v1/schemas/\(id)/shop/public/permissions?action=Revoke", headers).json
            #expect((revokes["history"] as? [[String: Any]])?.compactMap { $0["principal"] as? String } == ["reader"])

            let app = try await client.json(.get, "/api/v1/schemas/\(id)/shop/public/permissions?principal=app", headers).json
            let principal = try #require(app["principal"] as? [String: Any])
            #expect(principal["memberships"] as? [String] == ["reader"])
            let grants = try #require(principal["grants"] as? [[String: Any]])
            #expect(grants.map { "\($0["object"] as? String ?? "") \($0["privilege"] as? String ?? "")" } == ["orders INSERT"])
            #expect(try await client.json(.get, "/api/v1/schemas/\(id)/shop/public/permissions?principal=nobody", headers).status == .notFound)
        }
    }

    @Test("Overview and list: counts, sizes without double counting, stale statistics, treemap, search and sort")
    func overviewAndList() async throws {
        let server = try TestServer()
        try await server.test { client async throws in
            let (id, headers) = try await Self.ingested(server, client)
            let body = try await client.json(.get, "/api/v1/schemas/\(id)/shop/public", headers).json
            #expect(body["schemas"] as? [String] == ["audit", "public"])
            let overview = try #require(body["overview"] as? [String: Any])
            #expect(overview["counts"] as? [String: Int] == ["tables": 3, "indexes": 1, "views": 0, "functions": 0, "sequences": 1])
            // orders 7 MB heap + items 1 MB + payments 0.2 MB + orders_pkey 2 MB.
            #expect(overview["total_bytes"] as? Double == 10_200_000)
            let objects = try #require(overview["objects"] as? [[String: Any]])
            #expect(objects.prefix(3).compactMap { $0["name"] as? String } == ["orders", "orders_pkey", "items"])
            #expect(objects[0]["status"] as? String == "Stale statistics")
            #expect(objects[2]["status"] as? String == "OK")
            // payments has no rows: never analysed is not stale.
            #expect(objects.first { $0["name"] as? String == "payments" }?["stale_statistics"] as? Bool == false)
            let tiles = try #require((overview["treemap"] as? [String: Any])?["tiles"] as? [[String: Any]])
            #expect(Set(tiles.compactMap { $0["group"] as? String }) == ["Tables", "Indexes"])
            #expect(tiles.compactMap { $0["value"] as? Double }.reduce(0, +) == 10_200_000)

            let list = try await client.json(.get, "/api/v1/schemas?sort=schema", headers).json
            let items = try #require(list["items"] as? [[String: Any]])
            #expect(items.compactMap { $0["schema"] as? String } == ["audit", "public"])
            #expect(items[0]["size_bytes"] as? Double == 508_192)
            #expect((items[1]["counts"] as? [String: Int])?["sequences"] == 1)
            let search = try await client.json(.get, "/api/v1/schemas?search=AUD", headers).json
            #expect((search["items"] as? [[String: Any]])?.compactMap { $0["schema"] as? String } == ["audit"])
            let paged = try await client.json(.get, "/api/v1/schemas?limit=1&offset=1", headers).json
            #expect(paged["total"] as? Int == 2)
            #expect((paged["items"] as? [[String: Any]])?.compactMap { $0["schema"] as? String } == ["audit"])
        }
    }

    @Test("Bad input: 404 for unknown asset, database, schema; 422 for Redis; 400 for bad filters and windows")
    func errors() async throws {
        let server = try TestServer()
        try await server.test { client async throws in
            let (id, headers) = try await Self.ingested(server, client)
            let redis = try #require(try await client.json(.post, "/api/v1/assets", headers, ["engine": "redis", "name": "cache"]).json["id"] as? String)
            let cases: [(String, HTTPResponse.Status, String)] = [
                ("/api/v1/schemas/\(id)/nodb/public", .notFound, "not_found"),
                ("/api/v1/schemas/\(id)/shop/nope/changes", .notFound, "not_found"),
                ("/api/v1/schemas/no-such-asset/shop/public", .notFound, "not_found"),
                ("/api/v1/schemas/\(redis)/0/public/permissions", .unprocessableContent, "unsupported_engine"),
                ("/api/v1/schemas/\(id)/shop/public/changes?type=trigger", .badRequest, "invalid_type"),
                ("/api/v1/schemas/\(id)/shop/public/changes?change=renamed", .badRequest, "invalid_change"),
                ("/api/v1/schemas/\(id)/shop/public/permissions?action=Steal", .badRequest, "invalid_action"),
                ("/api/v1/schemas?window=2h", .badRequest, "invalid_window"),
                ("/api/v1/schemas?sort=rows", .badRequest, "invalid_sort"),
                ("/api/v1/schemas?limit=0", .badRequest, "invalid_limit"),
            ]
            for (uri, status, code) in cases {
                let response = try await client.json(.get, uri, headers)
                #expect(response.status == status, "\(uri)")
                #expect(response.json["code"] as? String == code, "\(uri)")
                #expect(response.json["message"] is String, "\(uri)")
            }
            let page = try await client.execute(uri: "/schemas/\(id)/shop/public?tab=alerts", method: .get, headers: headers)
            #expect(page.status == .badRequest)
        }
    }

    @Test("Another organisation sees none of it: 400 for the foreign instance filter, 404 for its schema, an empty list")
    func organisationScoping() async throws {
        let server = try TestServer()
        try await server.test { client async throws in
            let (id, _) = try await Self.ingested(server, client)
            let (stranger, other) = try server.makeOrganization("Other", owner: "owner@other.test")
            let headers = try server.browser(for: stranger, org: other).headers(json: true)
            let filtered = try await client.json(.get, "/api/v1/schemas?instance=\(id)", headers)
            #expect(filtered.status == .badRequest && filtered.json["code"] as? String == "invalid_instance")
            for path in ["", "/changes", "/permissions"] {
                #expect(try await client.json(.get, "/api/v1/schemas/\(id)/shop/public\(path)", headers).status == .notFound)
            }
            let list = try await client.json(.get, "/api/v1/schemas", headers).json
            #expect((list["items"] as? [Any])?.isEmpty == true)
            #expect(try await client.execute(uri: "/schemas/\(id)/shop/public", method: .get, headers: headers).status == .notFound)
        }
    }

    @Test("Pages: the list, the three tabs with the switcher, empty states, and anonymous visitors sent to /login")
    func pages() async throws {
        let server = try TestServer()
        try await server.test { client async throws in
            let (owner, org) = try server.makeOrganization("Empty", owner: "owner@empty.test")
            let emptyHeaders = try server.browser(for: owner, org: org).headers()
            let empty = try await client.execute(uri: "/schemas", method: .get, headers: emptyHeaders)
            #expect(empty.text.contains("No PostgreSQL instance in this view"))

            let (id, headers) = try await Self.ingested(server, client)
            let list = try await client.execute(uri: "/schemas", method: .get, headers: headers).text
            #expect(list.contains("/schemas/\(id)/shop/public?"))
            #expect(list.contains(UnitFormat.bytes(10_200_000)), "size of public")
            let overview = try await client.execute(uri: "/schemas/\(id)/shop/public", method: .get, headers: headers).text
            #expect(overview.contains("xchart__svg--treemap"), "the treemap is drawn, not its empty state")
            #expect(overview.contains("Stale statistics"))
            #expect(overview.contains("/schemas/\(id)/shop/audit?tab=overview"))
            let changes = try await client.execute(uri: "/schemas/\(id)/shop/public?tab=changes", method: .get, headers: headers).text
            #expect(changes.contains("public.orders_note_idx"))
            #expect(changes.contains("numeric"))
            // Applying another window or instance stays on the tab.
            #expect(changes.contains(#"<input type="hidden" name="tab" value="changes">"#))
            let permissions = try await client.execute(uri: "/schemas/\(id)/shop/public?tab=permissions&principal=app", method: .get, headers: headers).text
            #expect(permissions.contains("Permission history"))
            #expect(permissions.contains("Member of: reader"))
            #expect(permissions.contains("REVOKE SELECT ON public.orders FROM reader"))

            let anonymous = try await client.execute(uri: "/schemas", method: .get, headers: [:])
            #expect(anonymous.status == .seeOther || anonymous.status == .found)
            #expect(anonymous.headers[.location] == "/login")
        }
    }
}
