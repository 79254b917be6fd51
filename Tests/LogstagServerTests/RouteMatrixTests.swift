import Foundation
import GRDB
import Hummingbird
import HummingbirdTesting
import LogstagCore
import LogstagStorage
import NIOCore
import Testing

@testable import LogstagServer

/// Who calls a route in the matrix.
enum MatrixCaller: String, CaseIterable, Sendable {
    case owner, admin, dba, developer, anonymous
    /// The Owner of organisation B, using organisation A's ids.
    case otherOrgOwner
    /// An `lsk_` API key of organisation A (acts with the Admin role).
    case apiKey

    var role: Role? {
        switch self {
        case .owner: .owner
        case .admin: .admin
        case .dba: .dba
        case .developer: .developer
        case .anonymous: nil
        case .otherOrgOwner: .owner
        case .apiKey: .admin
        }
    }
}

/// One row of the permission table: a route, a valid request for it, and the permission it needs.
///
/// Paths and bodies may hold placeholders, resolved per request against organisation A:
/// `{asset}` a shared asset, `{test}` a connection test of it, `{statement}` a statement of it,
/// `{explored}` a PostgreSQL asset with collected data in database `{db}`, schema `{schema}`, `{run}` and `{run2}` two Completed
/// health checks of it, and throwaway targets created fresh for each request (so destructive
/// routes do not depend on order): `{fresh_asset}`, `{fresh_member}`, `{fresh_key}`,
/// `{fresh_agent}`, `{fresh_run}` (a Pending health check). `{unique}` is a fresh name, not an id.
struct MatrixRoute: Sendable, CustomTestStringConvertible {
    let method: HTTPRequest.Method
    let path: String
    let body: [String: String]?
    /// nil: any signed-in caller.
    let permission: Permission?
    /// The answer when the caller may use the route.
    let success: HTTPResponse.Status
    /// Pages only: the answer to a caller who is not a signed-in person.
    let anonymousPage: HTTPResponse.Status?

    init(_ method: HTTPRequest.Method, _ path: String, _ body: [String: String]? = nil, needs permission: Permission?,
         _ success: HTTPResponse.Status, anonymousPage: HTTPResponse.Status? = nil)
    {
        self.method = method
        self.path = path
        self.body = body
        self.permission = permission
        self.success = success
        self.anonymousPage = anonymousPage
    }

    var isAPI: Bool { path.hasPrefix("/api/") }

    /// True when the request names something of organisation A (path or body).
    var usesOrgAIDs: Bool {
        let text = path + (body?.values.joined() ?? "")
        return text.replacingOccurrences(of: "{unique}", with: "").contains("{")
    }

    var testDescription: String { "\(method) \(path)" }

    /// The status a caller must get, derived from `Role.permissions` (ARCHITECTURE.md section 3).
    func expected(for caller: MatrixCaller) -> HTTPResponse.Status {
        // Pages are for people: API keys and anonymous callers get the sign-in answer.
        if !isAPI, caller == .anonymous || caller == .apiKey { return anonymousPage! }
        guard let role = caller.role else { return .unauthorized }
        if let permission, !role.has(permission) { return .forbidden }
        if caller == .otherOrgOwner && usesOrgAIDs { return .notFound }
        return success
    }
}

@Suite("Route × role permission matrix")
struct RouteMatrixTests {
    static let routes: [MatrixRoute] = [
        // JSON API
        .init(.get, "/api/v1/me", needs: nil, .ok),
        .init(.get, "/api/v1/assets", needs: .manageDatabases, .ok),
        .init(.post, "/api/v1/assets", ["engine": "postgresql", "name": "{unique}"], needs: .manageDatabases, .created),
        .init(.get, "/api/v1/assets/{asset}", needs: .manageDatabases, .ok),
        .init(.patch, "/api/v1/assets/{fresh_asset}", ["environment": "Staging"], needs: .manageDatabases, .ok),
        .init(.delete, "/api/v1/assets/{fresh_asset}", needs: .manageDatabases, .noContent),
        .init(.get, "/api/v1/assets/{asset}/install-command?hosting=self-hosted&os=linux&connection=direct", needs: .manageDatabases, .ok),
        .init(.post, "/api/v1/assets/{asset}/registration-token", needs: .manageDatabases, .created),
        .init(.post, "/api/v1/assets/{asset}/connection-tests", needs: .manageDatabases, .accepted),
        .init(.get, "/api/v1/assets/{asset}/connection-tests/{test}", needs: .manageDatabases, .ok),
        .init(.get, "/api/v1/assets/{asset}/collection", needs: .manageDatabases, .ok),
        .init(.get, "/api/v1/members", needs: .manageMembers, .ok),
        .init(.patch, "/api/v1/members/{fresh_member}", ["role": "dba"], needs: .manageMembers, .noContent),
        .init(.delete, "/api/v1/members/{fresh_member}", needs: .manageMembers, .noContent),
        .init(.post, "/api/v1/invitations", ["email": "{unique}@invited.test", "role": "developer"], needs: .manageMembers, .created),
        .init(.post, "/api/v1/ownership-transfer", ["user_id": "{fresh_member}"], needs: .transferOwnership, .noContent),
        .init(.get, "/api/v1/api-keys", needs: .manageApiKeys, .ok),
        .init(.post, "/api/v1/api-keys", ["name": "matrix"], needs: .manageApiKeys, .created),
        .init(.delete, "/api/v1/api-keys/{fresh_key}", needs: .manageApiKeys, .noContent),
        .init(.get, "/api/v1/agents", needs: .manageAgents, .ok),
        .init(.delete, "/api/v1/agents/{fresh_agent}", needs: .manageAgents, .noContent),
        .init(.get, "/api/v1/audit", needs: .viewAuditLogs, .ok),
        .init(.get, "/api/v1/audit/verify", needs: .viewAuditLogs, .ok),
        .init(.post, "/api/v1/assets/{fresh_asset}/health-checks", needs: .manageDatabases, .accepted),
        .init(.get, "/api/v1/assets/{asset}/health-checks", needs: .viewDatabases, .ok),
        .init(.get, "/api/v1/health-checks/{run}", needs: .viewDatabases, .ok),
        .init(.post, "/api/v1/health-checks/{fresh_run}/cancel", needs: .manageDatabases, .ok),
        .init(.get, "/api/v1/health-checks/compare?base={run}&target={run2}", needs: .viewDatabases, .ok),
        .init(.get, "/api/v1/organization/health-settings", needs: .viewDatabases, .ok),
        .init(.get, "/api/v1/queries?window=7d", needs: .viewDatabases, .ok),
        .init(.get, "/api/v1/queries/{statement}", needs: .viewDatabases, .ok),
        .init(.get, "/api/v1/activity?window=24h", needs: .viewDatabases, .ok),
        .init(.get, "/api/v1/activity/{asset}", needs: .viewDatabases, .ok),
        .init(.get, "/api/v1/overview", needs: .viewDatabases, .ok),
        .init(.get, "/api/v1/databases", needs: .viewDatabases, .ok),
        .init(.get, "/api/v1/databases/{explored}/{db}", needs: .viewDatabases, .ok),
        .init(.get, "/api/v1/databases/{explored}/{db}/schema", needs: .viewDatabases, .ok),
        .init(.get, "/api/v1/schemas", needs: .viewDatabases, .ok),
        .init(.get, "/api/v1/schemas/{explored}/{db}/{schema}", needs: .viewDatabases, .ok),
        .init(.get, "/api/v1/schemas/{explored}/{db}/{schema}/changes", needs: .viewDatabases, .ok),
        .init(.get, "/api/v1/schemas/{explored}/{db}/{schema}/permissions", needs: .viewDatabases, .ok),
        .init(.put, "/api/v1/organization/health-settings", ["interval_hours": "24"], needs: .manageDatabases, .ok),
        // Pages. Anonymous callers (and API keys, which are not people) are sent to /login.
        .init(.get, "/assets", needs: .manageDatabases, .ok, anonymousPage: .seeOther),
        .init(.get, "/assets/new", needs: .manageDatabases, .ok, anonymousPage: .seeOther),
        .init(.get, "/assets/{asset}", needs: .manageDatabases, .ok, anonymousPage: .seeOther),
        .init(.get, "/assets/{asset}/health/{run}", needs: .viewDatabases, .ok, anonymousPage: .seeOther),
        .init(.get, "/assets/{asset}/health/{run}/export.html", needs: .viewDatabases, .ok, anonymousPage: .seeOther),
        .init(.get, "/assets/{asset}/health/compare?base={run}&target={run2}", needs: .viewDatabases, .ok, anonymousPage: .seeOther),
        .init(.get, "/members", needs: .manageMembers, .ok, anonymousPage: .seeOther),
        .init(.get, "/settings/api-keys", needs: .manageApiKeys, .ok, anonymousPage: .seeOther),
        .init(.get, "/agents", needs: .manageAgents, .ok, anonymousPage: .seeOther),
        .init(.get, "/audit", needs: .viewAuditLogs, .ok, anonymousPage: .seeOther),
        .init(.get, "/queries", needs: .viewDatabases, .ok, anonymousPage: .seeOther),
        .init(.get, "/queries/{statement}", needs: .viewDatabases, .ok, anonymousPage: .seeOther),
        .init(.get, "/activity", needs: .viewDatabases, .ok, anonymousPage: .seeOther),
        .init(.get, "/activity/{asset}", needs: .viewDatabases, .ok, anonymousPage: .seeOther),
        .init(.get, "/overview", needs: .viewDatabases, .ok, anonymousPage: .seeOther),
        .init(.get, "/databases", needs: .viewDatabases, .ok, anonymousPage: .seeOther),
        .init(.get, "/databases/{explored}/{db}", needs: .viewDatabases, .ok, anonymousPage: .seeOther),
        .init(.get, "/databases/{explored}/{db}?tab=schema", needs: .viewDatabases, .ok, anonymousPage: .seeOther),
        .init(.get, "/schemas", needs: .viewDatabases, .ok, anonymousPage: .seeOther),
        .init(.get, "/schemas/{explored}/{db}/{schema}?tab=changes", needs: .viewDatabases, .ok, anonymousPage: .seeOther),
        .init(.get, "/schemas/{explored}/{db}/{schema}?tab=permissions", needs: .viewDatabases, .ok, anonymousPage: .seeOther),
    ]

    /// Organisation A (Owner, Admin, DBA, Developer, one asset, one connection test, an API key)
    /// and organisation B (Owner, one asset).
    struct Fixture {
        let server: TestServer
        let orgA, orgB: Organization
        let users: [MatrixCaller: User]
        let assetA, assetB, testA: String
        let runA, runA2: String
        let statementA: Int64
        /// A PostgreSQL asset of A with collected data (database `app`, schema `public`).
        let exploredA: String
        let keyA: String

        init() throws {
            server = try TestServer()
            let (ownerA, orgA) = try server.makeOrganization("Org A", owner: "owner@a.test")
            let (ownerB, orgB) = try server.makeOrganization("Org B", owner: "owner@b.test")
            self.orgA = orgA
            self.orgB = orgB
            users = [
                .owner: ownerA, .admin: try server.addMember(org: orgA, email: "admin@a.test", role: .admin),
                .dba: try server.addMember(org: orgA, email: "dba@a.test", role: .dba),
                .developer: try server.addMember(org: orgA, email: "dev@a.test", role: .developer), .otherOrgOwner: ownerB,
            ]
            let assets = AssetService(services: server.services)
            assetA = try assets.create(identity: Self.identity(orgA, ownerA), draft: .init(engine: "postgresql", name: "orders-a")).id
            assetB = try assets.create(identity: Self.identity(orgB, ownerB), draft: .init(engine: "mssql", name: "orders-b")).id
            testA = try assets.requestConnectionTest(identity: Self.identity(orgA, ownerA), assetID: assetA)
            runA = try HealthEnv.completedRun(server.services, orgID: orgA.id, assetID: assetA, at: server.clock.now)
            runA2 = try HealthEnv.completedRun(server.services, orgID: orgA.id, assetID: assetA, at: server.clock.now.addingTimeInterval(60))
            keyA = try #require(try server.apiKey(org: orgA)[.authorization]).replacingOccurrences(of: "Bearer ", with: "")
            statementA = try Self.statement(server.services, assetID: assetA, at: server.clock.now)
            exploredA = try Self.explored(server.services, orgID: orgA.id, owner: Self.identity(orgA, ownerA), at: server.clock.now)
        }

        /// A PostgreSQL asset bound to an agent, with one collection of database and schema signals.
        static func explored(_ services: AppServices, orgID: String, owner: Identity, at time: Date) throws -> String {
            let asset = try AssetService(services: services).create(identity: owner, draft: .init(engine: "postgresql", name: "explored-a")).id
            try services.database.writer.write { db in
                try db.execute(sql: "INSERT INTO agents (id, org_id, hostname, version, key_hash, created_at) VALUES ('matrix-agent', ?, 'h', '1', '-', 0)",
                               arguments: [orgID])
                try db.execute(sql: "UPDATE assets SET agent_id = 'matrix-agent' WHERE id = ?", arguments: [asset])
            }
            let table: [String: JSONValue] = ["tag_database": "app", "tag_schema": "public", "tag_table": "orders", "total_bytes": 8192, "n_live_tup": 3]
            let signals = [
                SignalPayload(name: "pg_database_sizes", status: .ok, durationMs: 1, rows: [["tag_database": "app", "size_bytes": 8192]]),
                SignalPayload(name: "pg_database_stats", status: .ok, durationMs: 1, rows: [["tag_database": "app", "numbackends": 1, "xact_commit": 5]]),
                SignalPayload(name: "pg_schemas", status: .ok, durationMs: 1, rows: [["tag_database": "app", "tag_schema": "public", "owner": "app", "tables": 1]]),
                SignalPayload(name: "pg_tables", status: .ok, durationMs: 1, rows: [table]),
            ]
            let payload = TargetPayload(assetID: asset, targetName: "explored", tier: .schema, collectedAt: time, targetStatus: TargetStatus(ok: true), signals: signals)
            let outcome = try IngestStore(services.database).ingest([IngestStore.Work(
                agentID: "matrix-agent", orgID: orgID, idempotencyKey: "matrix-explored", bodySHA256: "-",
                batch: IngestBatch(batchID: "matrix", agentVersion: "1", hostname: "h", sentAt: time, payloads: [payload]))], now: time)
            try #require(outcome == [.stored(points: outcome.first.map { if case .stored(let n) = $0 { n } else { -1 } } ?? -1)])
            return asset
        }

        /// A pg_stat_statements entry of asset A, so the statement routes have something to show.
        static func statement(_ services: AppServices, assetID: String, at time: Date) throws -> Int64 {
            try services.database.writer.write { db in
                try db.execute(sql: """
                    INSERT INTO statements (asset_id, query_id, database_name, user_name, toplevel, query, first_seen, last_seen)
                    VALUES (?, '42', 'orders', 'app', 'true', 'SELECT $1', ?, ?)
                    """, arguments: [assetID, time.timeIntervalSince1970, time.timeIntervalSince1970])
                return db.lastInsertedRowID
            }
        }

        static func identity(_ org: Organization, _ user: User) -> Identity {
            Identity(orgID: org.id, role: .owner, user: user, via: .apiKey(APIKey(
                id: "fixture", orgID: org.id, name: "fixture", keyHash: "", createdBy: user.id, createdAt: Date())))
        }

        var ownerA: User { users[.owner]! }

        /// Fresh credentials for a caller (sessions end on role changes, so each request gets its own).
        func headers(_ caller: MatrixCaller, json: Bool) throws -> HTTPFields {
            var fields: HTTPFields
            switch caller {
            case .anonymous: fields = [:]
            case .apiKey: fields = [.authorization: "Bearer \(keyA)"]
            case .otherOrgOwner: fields = try server.browser(for: users[caller]!, org: orgB).headers()
            default: fields = try server.browser(for: users[caller]!, org: orgA).headers()
            }
            if json { fields[.contentType] = "application/json" }
            return fields
        }

        /// Replaces the placeholders of `text`, creating throwaway targets in organisation A.
        func resolve(_ text: String, client: any TestClientProtocol) async throws -> String {
            var out = text
            let assets = AssetService(services: server.services)
            let owner = Self.identity(orgA, ownerA)
            let unique = "m\(UUID().uuidString.prefix(8).lowercased())"
            out = out.replacingOccurrences(of: "{unique}", with: unique)
            out = out.replacingOccurrences(of: "{asset}", with: assetA)
            out = out.replacingOccurrences(of: "{test}", with: testA)
            out = out.replacingOccurrences(of: "{run}", with: runA)
            out = out.replacingOccurrences(of: "{run2}", with: runA2)
            out = out.replacingOccurrences(of: "{statement}", with: String(statementA))
            out = out.replacingOccurrences(of: "{explored}", with: exploredA)
            out = out.replacingOccurrences(of: "{db}", with: "app")
            out = out.replacingOccurrences(of: "{schema}", with: "public")
            if out.contains("{fresh_run}") {
                let asset = try assets.create(identity: owner, draft: .init(engine: "postgresql", name: "run-\(unique)"))
                let now = server.clock.now
                let run = HealthRunRecord(
                    id: IDGenerator.make(), orgID: orgA.id, assetID: asset.id, trigger: .manual, requestedBy: nil, createdAt: now,
                    deadlineAt: now.addingTimeInterval(600))
                try server.services.healthRuns.create(run)
                out = out.replacingOccurrences(of: "{fresh_run}", with: run.id)
            }
            if out.contains("{fresh_asset}") {
                let asset = try assets.create(identity: owner, draft: .init(engine: "postgresql", name: "tmp-\(unique)"))
                out = out.replacingOccurrences(of: "{fresh_asset}", with: asset.id)
            }
            if out.contains("{fresh_member}") {
                let member = try server.addMember(org: orgA, email: "tmp-\(unique)@a.test", role: .developer)
                out = out.replacingOccurrences(of: "{fresh_member}", with: member.id)
            }
            if out.contains("{fresh_key}") {
                let (key, _) = try APIKeyService(services: server.services).create(identity: owner, name: "tmp-\(unique)")
                out = out.replacingOccurrences(of: "{fresh_key}", with: key.id)
            }
            if out.contains("{fresh_agent}") {
                let asset = try assets.create(identity: owner, draft: .init(engine: "postgresql", name: "agent-\(unique)"))
                let (token, _) = try assets.issueToken(identity: owner, assetID: asset.id)
                var agent = AgentSimulator(client: client)
                let enrolled = try await agent.enroll(token: token, target: "agent-\(unique)")
                try #require(enrolled.status == .created, "enrolment for the throwaway agent failed: \(enrolled.text)")
                out = out.replacingOccurrences(of: "{fresh_agent}", with: try #require(enrolled.json["agent_id"] as? String))
            }
            return out
        }

        /// Undoes an ownership transfer a previous request made, so every request sees the same roles.
        func restoreOwnership() throws {
            guard try server.services.accounts.role(orgID: orgA.id, userID: ownerA.id) != .owner else { return }
            let current = try #require(try server.services.accounts.members(orgID: orgA.id).first { $0.role == .owner })
            try server.services.accounts.transferOwnership(orgID: orgA.id, from: current.user.id, to: ownerA.id)
        }
    }

    @Test("Each caller gets exactly the status its role allows", arguments: Self.routes)
    func matrix(route: MatrixRoute) async throws {
        // Given organisations A and B
        let f = try Fixture()
        try await f.server.test { client async throws in
            for caller in MatrixCaller.allCases {
                // When this caller makes a valid request
                let path = try await f.resolve(route.path, client: client)
                var body: [String: String]?
                if let template = route.body {
                    var resolved: [String: String] = [:]
                    for (key, value) in template { resolved[key] = try await f.resolve(value, client: client) }
                    body = resolved
                }
                let headers = try f.headers(caller, json: body != nil)
                let response = try await client.json(route.method, path, headers, body)

                // Then the status follows the permission table
                let expected = route.expected(for: caller)
                #expect(response.status == expected, "\(route.method) \(path) as \(caller.rawValue): \(response.text.prefix(300))")
                if route.isAPI {
                    switch expected {
                    case .unauthorized: #expect(response.authCode == "unauthenticated", "\(route.testDescription) as \(caller.rawValue)")
                    case .forbidden: #expect(response.authCode == "forbidden", "\(route.testDescription) as \(caller.rawValue)")
                    case .notFound: #expect(response.authCode == "not_found", "\(route.testDescription) as \(caller.rawValue)")
                    default: break
                    }
                } else if expected == .seeOther {
                    #expect(response.headers[.location] == "/login", "\(route.testDescription) as \(caller.rawValue)")
                } else {
                    #expect(response.headers[.contentType]?.hasPrefix("text/html") == true, "\(route.testDescription) as \(caller.rawValue)")
                }
                try f.restoreOwnership()
            }
        }
    }

    @Test("Denied and foreign requests change nothing in organisation A")
    func deniedRequestsHaveNoEffect() async throws {
        // Given
        let f = try Fixture()
        try await f.server.test { client async throws in
            let victim = try f.server.addMember(org: f.orgA, email: "victim@a.test", role: .developer)
            let key = try APIKeyService(services: f.server.services).create(identity: Fixture.identity(f.orgA, f.ownerA), name: "victim").0
            // When the Developer and org B's Owner try to delete an asset
            for caller in [MatrixCaller.developer, .otherOrgOwner] {
                let response = try await client.json(.delete, "/api/v1/assets/\(f.assetA)", try f.headers(caller, json: false))
                #expect(response.status == (caller == .developer ? .forbidden : .notFound))
            }
            // and the Developer, the DBA and org B's Owner try to change members, keys and ownership
            for caller in [MatrixCaller.developer, .dba, .otherOrgOwner] {
                _ = try await client.json(.delete, "/api/v1/members/\(victim.id)", try f.headers(caller, json: false))
                _ = try await client.json(.patch, "/api/v1/members/\(victim.id)", try f.headers(caller, json: true), ["role": "admin"])
                _ = try await client.json(.delete, "/api/v1/api-keys/\(key.id)", try f.headers(caller, json: false))
                _ = try await client.json(.post, "/api/v1/ownership-transfer", try f.headers(caller, json: true), ["user_id": victim.id])
            }
            // Then everything is still there
            #expect(try f.server.services.assets.asset(orgID: f.orgA.id, id: f.assetA) != nil)
            #expect(try f.server.services.accounts.role(orgID: f.orgA.id, userID: victim.id) == .developer)
            #expect(try f.server.services.apiKeys.key(id: key.id)?.revokedAt == nil)
            #expect(try f.server.services.accounts.role(orgID: f.orgA.id, userID: f.ownerA.id) == .owner)
            #expect(try f.server.services.assets.asset(orgID: f.orgB.id, id: f.assetB) != nil)
        }
    }

    @Test("Role.permissions is exactly the table of ARCHITECTURE.md section 3")
    func permissionTable() {
        let table: [Permission: Set<Role>] = [
            .viewDatabases: [.owner, .admin, .dba, .developer],
            .manageDatabases: [.owner, .admin, .dba],
            .manageMembers: [.owner, .admin],
            .manageApiKeys: [.owner, .admin],
            .manageAgents: [.owner, .admin],
            .viewAuditLogs: [.owner],
            .transferOwnership: [.owner],
        ]
        #expect(Set(table.keys) == Set(Permission.allCases))
        for permission in Permission.allCases {
            #expect(Set(Role.allCases.filter { $0.has(permission) }) == table[permission], "\(permission.rawValue)")
        }
        #expect(Role.assignable == [.admin, .dba, .developer])
    }

    @Test("The matrix covers every route APIController registers")
    func matrixCoversAPI() throws {
        // Read the registrations from the source, so a new route without a matrix row fails here.
        let api = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Sources/LogstagServer/API")
        // Every controller of the people-facing API; the agent API authenticates agents, not roles.
        let controllers = try FileManager.default.contentsOfDirectory(atPath: api.path)
            .filter { $0.hasSuffix("APIController.swift") && $0 != "AgentAPIController.swift" }
        #expect(controllers.contains("ExplorerAPIController.swift"))
        let text = try controllers
            .map { try String(contentsOf: api.appendingPathComponent($0), encoding: .utf8) }.joined(separator: "\n")
        let pattern = try NSRegularExpression(pattern: #"api\.(get|post|patch|put|delete)\("([^"]+)""#)
        let registered = pattern.matches(in: text, range: NSRange(text.startIndex..., in: text)).map { match -> String in
            let method = String(text[Range(match.range(at: 1), in: text)!]).uppercased()
            let path = String(text[Range(match.range(at: 2), in: text)!])
            return "\(method) /api/v1/\(path.replacingOccurrences(of: #"\{[^}]+\}"#, with: "{}", options: .regularExpression))"
        }
        #expect(registered.count >= 35)
        let covered = Set(Self.routes.filter(\.isAPI).map { route -> String in
            let path = route.path.split(separator: "?").first.map(String.init) ?? route.path
            return "\(route.method.rawValue) \(path.replacingOccurrences(of: #"\{[^}]+\}"#, with: "{}", options: .regularExpression))"
        })
        for route in registered { #expect(covered.contains(route), "no matrix row for \(route)") }
    }
}
