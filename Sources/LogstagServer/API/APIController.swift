import Foundation
import Hummingbird
import LogstagCore
import LogstagStorage

/// `/api/v1` for people and automation (session cookie or `lsk_` API key).
struct APIController {
    let services: AppServices
    var assets: AssetService { AssetService(services: services) }
    var accounts: AccountService { AccountService(services: services) }

    func register(on router: Router<AppRequestContext>) {
        let api = router.group("api/v1")
        api.get("me", use: me)
        api.get("assets", use: listAssets)
        api.post("assets", use: createAsset)
        api.get("assets/{id}", use: getAsset)
        api.patch("assets/{id}", use: updateAsset)
        api.delete("assets/{id}", use: deleteAsset)
        api.get("assets/{id}/install-command", use: installCommand)
        api.post("assets/{id}/registration-token", use: issueToken)
        api.post("assets/{id}/connection-tests", use: requestTest)
        api.get("assets/{id}/connection-tests/{testId}", use: getTest)
        api.get("assets/{id}/collection", use: collection)
        api.get("members", use: listMembers)
        api.patch("members/{userId}", use: changeRole)
        api.delete("members/{userId}", use: removeMember)
        api.post("invitations", use: invite)
        api.post("ownership-transfer", use: transfer)
        api.get("api-keys", use: listKeys)
        api.post("api-keys", use: createKey)
        api.delete("api-keys/{id}", use: revokeKey)
        api.get("agents", use: listAgents)
        api.delete("agents/{id}", use: revokeAgent)
        api.get("audit", use: listAudit)
        api.get("audit/verify", use: verifyAudit)
    }

    // MARK: - Identity

    struct MeView: Encodable {
        let user: PersonRef?
        let organization: OrgRef
        let role, roleName: String
        let permissions: [String]
        let organizations: [OrgRef]
        enum CodingKeys: String, CodingKey { case user, organization, role, roleName = "role_name", permissions, organizations }
    }

    struct OrgRef: Encodable { let id, name: String }

    func me(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try context.requireIdentity()
        guard identity.agent == nil, let org = try services.accounts.organization(id: identity.orgID) else { throw AppError.unauthenticated }
        let orgs = try identity.user.map { try services.accounts.memberships(userID: $0.id).map { OrgRef(id: $0.organization.id, name: $0.organization.name) } }
        return try JSONResponse.encode(MeView(
            user: identity.user.map { PersonRef(id: $0.id, name: $0.name, email: $0.email) }, organization: OrgRef(id: org.id, name: org.name),
            role: identity.role.rawValue, roleName: identity.role.displayName,
            permissions: Permission.allCases.filter(identity.has).map(\.rawValue), organizations: orgs ?? [OrgRef(id: org.id, name: org.name)]))
    }

    /// People-facing routes refuse agent keys outright.
    func person(_ context: AppRequestContext, _ permission: Permission) throws -> Identity {
        let identity = try context.requirePerson()
        try identity.require(permission)
        return identity
    }

    // MARK: - Assets

    func assetView(_ asset: Asset) throws -> AssetView {
        AssetView(asset, owner: try asset.ownerID.flatMap { try services.accounts.user(id: $0) }, now: services.clock())
    }

    func listAssets(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try person(context, .manageDatabases)
        let query = try AssetQueryParser.parse(request.uri.queryParameters)
        let page = try assets.list(identity: identity, query: query)
        return try JSONResponse.encode(PageView(page) { try! assetView($0) })
    }

    func createAsset(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try person(context, .manageDatabases)
        let body = try await RequestBody.object(from: request, context: context)
        try body.checkKeys(allowed: ["engine", "name", "environment", "owner_id"])
        let asset = try assets.create(identity: identity, draft: .init(
            engine: try body.string("engine"), name: try body.string("name"), environment: try body.string("environment"),
            ownerID: try body.string("owner_id")))
        context.audit.entity = ("asset", asset.id)
        return try JSONResponse.encode(try assetView(asset), status: .created)
    }

    func getAsset(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try person(context, .manageDatabases)
        return try JSONResponse.encode(try assetView(try assets.get(identity: identity, id: try context.parameters.require("id"))))
    }

    /// The latest outcome of every signal the agent collects for this asset (self-monitoring).
    func collection(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try person(context, .manageDatabases)
        let asset = try assets.get(identity: identity, id: try context.parameters.require("id"))
        let signals = try services.ingest.latestSignals(orgID: identity.orgID, assetID: asset.id)
        return try JSONResponse.encode(CollectionView(signals))
    }

    func updateAsset(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try person(context, .manageDatabases)
        let id = try context.parameters.require("id")
        _ = try assets.get(identity: identity, id: id)
        let body = try await RequestBody.object(from: request, context: context)
        try body.checkKeys(
            allowed: ["name", "environment", "owner_id"],
            readOnly: ["engine", "server", "host", "port", "version", "health_score", "status", "id", "platform", "last_check_at"])
        let asset = try assets.update(identity: identity, id: id, draft: .init(
            name: try body.string("name"), environment: try body.string("environment"), ownerID: try body.string("owner_id")))
        return try JSONResponse.encode(try assetView(asset))
    }

    func deleteAsset(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try person(context, .manageDatabases)
        try assets.delete(identity: identity, id: try context.parameters.require("id"))
        return Response(status: .noContent)
    }

    struct InstallCommandView: Encodable {
        let hosting, os, connection, command: String
    }

    func installCommand(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try person(context, .manageDatabases)
        let asset = try assets.get(identity: identity, id: try context.parameters.require("id"))
        let q = request.uri.queryParameters
        let choice = try assets.parseChoice(hosting: q.get("hosting"), os: q.get("os"), connection: q.get("connection"))
        return try JSONResponse.encode(InstallCommandView(
            hosting: choice.hosting.rawValue, os: choice.os.rawValue, connection: choice.connection.rawValue,
            command: try assets.installCommand(asset: asset, choice: choice)))
    }

    struct TokenView: Encodable {
        let token: String
        let tokenID: String
        let expiresAt: Date
        let installCommand: String
        enum CodingKeys: String, CodingKey { case token, tokenID = "token_id", expiresAt = "expires_at", installCommand = "install_command" }
    }

    func issueToken(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try person(context, .manageDatabases)
        let id = try context.parameters.require("id")
        let asset = try assets.get(identity: identity, id: id)
        let (raw, token) = try assets.issueToken(identity: identity, assetID: id)
        return try JSONResponse.encode(
            TokenView(token: raw, tokenID: token.id, expiresAt: token.expiresAt,
                      installCommand: try assets.installCommand(asset: asset, choice: .init())), status: .created)
    }

    func requestTest(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try person(context, .manageDatabases)
        let id = try context.parameters.require("id")
        let testID = try assets.requestConnectionTest(identity: identity, assetID: id)
        let record = try assets.connectionTest(identity: identity, assetID: id, testID: testID)
        return try JSONResponse.encode(ConnectionTestView(record), status: .accepted)
    }

    func getTest(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try person(context, .manageDatabases)
        let record = try assets.connectionTest(
            identity: identity, assetID: try context.parameters.require("id"), testID: try context.parameters.require("testId"))
        return try JSONResponse.encode(ConnectionTestView(record))
    }

    // MARK: - Members

    func listMembers(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try person(context, .manageMembers)
        return try JSONResponse.encode(try services.accounts.members(orgID: identity.orgID).map(MemberView.init))
    }

    struct InvitationView: Encodable {
        let id, email, role: String
        let expiresAt: Date
        let link: String
        enum CodingKeys: String, CodingKey { case id, email, role, expiresAt = "expires_at", link }
    }

    func invite(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try person(context, .manageMembers)
        let body = try await RequestBody.object(from: request, context: context)
        try body.checkKeys(allowed: ["email", "role"])
        let (invitation, link) = try accounts.invite(identity: identity, email: try body.string("email") ?? "", role: try body.string("role") ?? "")
        context.audit.entity = ("invitation", invitation.id)
        return try JSONResponse.encode(
            InvitationView(id: invitation.id, email: invitation.email, role: invitation.role.rawValue, expiresAt: invitation.expiresAt, link: link),
            status: .created)
    }

    func changeRole(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try person(context, .manageMembers)
        let userID = try context.parameters.require("userId")
        let body = try await RequestBody.object(from: request, context: context)
        try body.checkKeys(allowed: ["role"])
        try accounts.changeRole(identity: identity, userID: userID, role: try body.string("role") ?? "")
        context.audit.entity = ("member", userID)
        return Response(status: .noContent)
    }

    func removeMember(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try person(context, .manageMembers)
        try accounts.removeMember(identity: identity, userID: try context.parameters.require("userId"))
        return Response(status: .noContent)
    }

    func transfer(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try person(context, .transferOwnership)
        let body = try await RequestBody.object(from: request, context: context)
        try body.checkKeys(allowed: ["user_id"])
        let target = try body.string("user_id") ?? ""
        try accounts.transferOwnership(identity: identity, to: target)
        context.audit.entity = ("member", target)
        return Response(status: .noContent)
    }

    // MARK: - API keys

    func listKeys(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try person(context, .manageApiKeys)
        return try JSONResponse.encode(try services.apiKeys.list(orgID: identity.orgID).map { APIKeyView($0) })
    }

    func createKey(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try person(context, .manageApiKeys)
        let body = try await RequestBody.object(from: request, context: context)
        try body.checkKeys(allowed: ["name"])
        let (key, raw) = try APIKeyService(services: services).create(identity: identity, name: try body.string("name") ?? "")
        context.audit.entity = ("api_key", key.id)
        return try JSONResponse.encode(APIKeyView(key, raw: raw), status: .created)
    }

    func revokeKey(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try person(context, .manageApiKeys)
        do { try services.apiKeys.revoke(orgID: identity.orgID, id: try context.parameters.require("id"), now: services.clock()) } catch let error as StorageError {
            throw AppError.from(error)
        }
        return Response(status: .noContent)
    }

    // MARK: - Agents

    func listAgents(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try person(context, .manageAgents)
        return try JSONResponse.encode(try services.agents.list(orgID: identity.orgID).map { AgentView($0.agent, assets: $0.assetNames) })
    }

    func revokeAgent(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try person(context, .manageAgents)
        do { try services.agents.revoke(orgID: identity.orgID, id: try context.parameters.require("id"), now: services.clock()) } catch let error as StorageError {
            throw AppError.from(error)
        }
        return Response(status: .noContent)
    }

    // MARK: - Audit

    func listAudit(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try person(context, .viewAuditLogs)
        let query = try AuditQueryParser.parse(request.uri.queryParameters, now: services.clock())
        return try JSONResponse.encode(PageView(try services.audit.list(orgID: identity.orgID, query: query), map: AuditEntryView.init))
    }

    struct VerifyView: Encodable {
        let ok: Bool
        let checked: Int
        let firstBrokenSeq: Int?
        enum CodingKeys: String, CodingKey { case ok, checked, firstBrokenSeq = "first_broken_seq" }
    }

    func verifyAudit(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try person(context, .viewAuditLogs)
        let result = try services.audit.verify(orgID: identity.orgID)
        return try JSONResponse.encode(VerifyView(ok: result.ok, checked: result.checked, firstBrokenSeq: result.firstBrokenSeq))
    }
}

/// API keys: create with a name; the key is returned once.
struct APIKeyService {
    let services: AppServices

    func create(identity: Identity, name rawName: String) throws -> (APIKey, String) {
        try identity.require(.manageApiKeys)
        let name = rawName.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...100).contains(name.count) else {
            throw AppError(.unprocessableContent, "invalid_name", "Give the key a name of 1 to 100 characters (what uses it).")
        }
        let token = TokenFormat.generate(.apiKey)
        let key = APIKey(
            id: token.id, orgID: identity.orgID, name: name, keyHash: services.tokenHash(token.raw), createdBy: identity.user?.id,
            createdAt: services.clock())
        try services.apiKeys.create(key)
        return (key, token.raw)
    }
}

/// Query-string parsing for list endpoints, shared by the API and the pages.
enum AssetQueryParser {
    static func parse(_ q: Parameters) throws -> AssetQuery {
        var query = AssetQuery()
        query.search = q.get("q")
        if let status = q.get("status"), !status.isEmpty {
            guard let value = AssetStatus.allCasesForFilter.first(where: { $0.rawValue.lowercased() == status.lowercased() }) else {
                throw AppError(.badRequest, "invalid_status", "status must be Connected, Disconnected or Issues.")
            }
            query.status = value
        }
        if let environment = q.get("environment"), !environment.isEmpty {
            guard let value = AssetEnvironment.allCases.first(where: { $0.rawValue.lowercased() == environment.lowercased() }) else {
                throw AppError(.badRequest, "invalid_environment", "Unknown environment \"\(environment.prefix(40))\".")
            }
            query.environment = value
        }
        if let engine = q.get("engine"), !engine.isEmpty {
            guard let value = Engine(rawValue: engine.lowercased()) else { throw AppError(.badRequest, "invalid_engine", "Unknown engine.") }
            query.engine = value
        }
        query.page = max(1, Int(q.get("page") ?? "") ?? 1)
        if let perPage = q.get("per_page"), let n = Int(perPage) { query.perPage = min(max(1, n), 200) }
        return query
    }
}

extension AssetStatus {
    static let allCasesForFilter: [AssetStatus] = [.connected, .disconnected, .issues]
}

enum AuditQueryParser {
    static func parse(_ q: Parameters, now: Date) throws -> AuditQuery {
        func date(_ key: String) throws -> Date? {
            guard let text = q.get(key), !text.isEmpty else { return nil }
            if let value = ISO8601DateFormatter().date(from: text) { return value }
            let local = DateFormatter()
            local.locale = Locale(identifier: "en_US_POSIX")
            local.timeZone = TimeZone(identifier: "UTC")
            for format in ["yyyy-MM-dd'T'HH:mm", "yyyy-MM-dd"] {
                local.dateFormat = format
                if let value = local.date(from: text) { return value }
            }
            throw AppError(.badRequest, "invalid_date", "\(key) must be an ISO-8601 time such as 2026-11-21T10:00:00Z.")
        }
        let to = try date("to") ?? now
        let from = try date("from") ?? to.addingTimeInterval(-24 * 3600)
        var status: Int?
        if let text = q.get("status"), !text.isEmpty {
            guard let value = Int(text) else { throw AppError(.badRequest, "invalid_status", "status must be an HTTP status code.") }
            status = value
        }
        return AuditQuery(
            from: from, to: to, user: q.get("user"), method: q.get("method"), route: q.get("route"), entity: q.get("entity"),
            status: status, page: Int(q.get("page") ?? "") ?? 1)
    }
}
