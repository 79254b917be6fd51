import Foundation
import Hummingbird
import LogstagCore
import LogstagStorage

/// Members and invitations, API keys, agents and the audit log.
struct AdminPagesController {
    let services: AppServices
    var accounts: AccountService { AccountService(services: services) }

    func register(on router: Router<AppRequestContext>) {
        router.get("members", use: members)
        router.post("members/invitations", use: invite)
        router.post("members/transfer", use: transfer)
        router.post("members/{userId}/role", use: changeRole)
        router.post("members/{userId}/remove", use: remove)
        router.get("settings/api-keys", use: apiKeys)
        router.post("settings/api-keys", use: createKey)
        router.post("settings/api-keys/{id}/revoke", use: revokeKey)
        router.get("agents", use: agents)
        router.post("agents/{id}/revoke", use: revokeAgent)
        router.get("audit", use: audit)
        router.post("audit/verify", use: verifyAudit)
    }

    func person(_ context: AppRequestContext, _ permission: Permission) throws -> Identity {
        guard let identity = context.identity, identity.user != nil else { throw AppError.unauthenticated }
        try identity.require(permission)
        return identity
    }

    // MARK: - Members

    func members(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await membersPage(request, context: context)
    }

    func membersPage(_ request: Request, context: AppRequestContext, inviteLink: String? = nil, error: AppError? = nil) async throws -> Response {
        guard context.identity?.user != nil else { return .redirect("/login") }
        let identity = try person(context, .manageMembers)
        let now = services.clock()
        var fields = try PageContext(services: services, identity: identity).base(
            title: "Members", active: "members", flash: request.uri.queryParameters.get("flash"))
        let members = try services.accounts.members(orgID: identity.orgID)
        let roleOptions = { (selected: Role?) in Role.assignable.map { ["value": $0.rawValue, "label": $0.displayName, "selected": $0 == selected] } }
        fields["members"] = members.map { member -> [String: Any] in
            var row: [String: Any] = [
                "userId": member.user.id, "name": member.user.name, "email": member.user.email, "roleName": member.role.displayName,
                "roleOptions": roleOptions(member.role), "statusLabel": member.user.lastLoginAt == nil ? "Invited" : "Active",
                "isOwner": member.role == .owner, "isSelf": member.user.id == identity.user?.id,
                "canEdit": member.role != .owner && member.user.id != identity.user?.id,
            ]
            row["lastLogin"] = Display.relative(member.user.lastLoginAt, now: now) ?? "Never"
            return row
        }
        fields["invitations"] = try services.accounts.pendingInvitations(orgID: identity.orgID, now: now).map {
            ["email": $0.email, "roleName": $0.role.displayName, "expiresAt": Display.time($0.expiresAt)!]
        }
        fields["roleOptions"] = roleOptions(.developer)
        fields["canManage"] = true
        fields["canTransfer"] = identity.has(.transferOwnership) && members.count > 1
        fields["transferOptions"] = members.filter { $0.role != .owner }.map { ["value": $0.user.id, "label": "\($0.user.name) <\($0.user.email)>"] }
        if let inviteLink { fields["inviteLink"] = inviteLink }
        if let error { fields["flash"] = ["kind": "error", "message": error.message] }
        return WebRenderer.shared.render("members", fields, status: error?.status ?? .ok)
    }

    func invite(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try person(context, .manageMembers)
        let form = try await RequestBody.form(request)
        do {
            let (invitation, link) = try accounts.invite(identity: identity, email: form["email"] ?? "", role: form["role"] ?? "")
            context.audit.entity = ("invitation", invitation.id)
            return try await membersPage(request, context: context, inviteLink: link)
        } catch let error as AppError {
            return try await membersPage(request, context: context, error: error)
        }
    }

    func changeRole(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try person(context, .manageMembers)
        let form = try await RequestBody.form(request)
        do {
            try accounts.changeRole(identity: identity, userID: try context.parameters.require("userId"), role: form["role"] ?? "")
            return .redirect("/members?flash=member_updated")
        } catch let error as AppError where error.status != .notFound {
            return try await membersPage(request, context: context, error: error)
        }
    }

    func remove(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try person(context, .manageMembers)
        do {
            try accounts.removeMember(identity: identity, userID: try context.parameters.require("userId"))
            return .redirect("/members?flash=member_removed")
        } catch let error as AppError where error.status != .notFound {
            return try await membersPage(request, context: context, error: error)
        }
    }

    func transfer(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try person(context, .transferOwnership)
        let form = try await RequestBody.form(request)
        let target = form["user_id"] ?? ""
        try accounts.transferOwnership(identity: identity, to: target)
        context.audit.entity = ("member", target)
        // Sessions of both people were ended by the transfer (role change); sign in again.
        return .redirect("/login?signed_out=1", cookies: [SessionCookie.clear(secure: services.config.tlsEnabled)])
    }

    // MARK: - API keys

    func apiKeys(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await apiKeysPage(request, context: context)
    }

    func apiKeysPage(_ request: Request, context: AppRequestContext, newKey: String? = nil, error: AppError? = nil) async throws -> Response {
        guard context.identity?.user != nil else { return .redirect("/login") }
        let identity = try person(context, .manageApiKeys)
        let now = services.clock()
        var fields = try PageContext(services: services, identity: identity).base(
            title: "API keys", active: "api-keys", flash: request.uri.queryParameters.get("flash"))
        var creators: [String: String] = [:]
        for member in try services.accounts.members(orgID: identity.orgID) { creators[member.user.id] = member.user.name }
        fields["keys"] = try services.apiKeys.list(orgID: identity.orgID).map { key -> [String: Any] in
            var row: [String: Any] = [
                "id": key.id, "name": key.name, "displayID": "lsk_\(key.id)…", "createdAt": Display.time(key.createdAt)!,
                "createdBy": key.createdBy.flatMap { creators[$0] } ?? "—", "revoked": key.revokedAt != nil,
                "lastUsed": Display.relative(key.lastUsedAt, now: now) ?? "Never",
            ]
            row["revokedAt"] = Display.time(key.revokedAt)
            return row
        }
        fields["canManage"] = true
        if let newKey { fields["newKey"] = newKey }
        if let error { fields["flash"] = ["kind": "error", "message": error.message] }
        return WebRenderer.shared.render("api_keys", fields, status: error?.status ?? .ok)
    }

    func createKey(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try person(context, .manageApiKeys)
        let form = try await RequestBody.form(request)
        do {
            let (key, raw) = try APIKeyService(services: services).create(identity: identity, name: form["name"] ?? "")
            context.audit.entity = ("api_key", key.id)
            return try await apiKeysPage(request, context: context, newKey: raw)
        } catch let error as AppError {
            return try await apiKeysPage(request, context: context, error: error)
        }
    }

    func revokeKey(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try person(context, .manageApiKeys)
        do { try services.apiKeys.revoke(orgID: identity.orgID, id: try context.parameters.require("id"), now: services.clock()) } catch let error as StorageError {
            throw AppError.from(error)
        }
        return .redirect("/settings/api-keys?flash=key_revoked")
    }

    // MARK: - Agents

    func agents(_ request: Request, context: AppRequestContext) async throws -> Response {
        guard context.identity?.user != nil else { return .redirect("/login") }
        let identity = try person(context, .manageAgents)
        let now = services.clock()
        var fields = try PageContext(services: services, identity: identity).base(
            title: "Agents", active: "agents", flash: request.uri.queryParameters.get("flash"))
        fields["agents"] = try services.agents.list(orgID: identity.orgID).map { item -> [String: Any] in
            let active = item.agent.revokedAt == nil && item.agent.lastSeenAt.map { now.timeIntervalSince($0) <= AssetStatusRule.staleAfter } == true
            return [
                "id": item.agent.id, "hostname": item.agent.hostname, "version": item.agent.version,
                "lastSeen": Display.relative(item.agent.lastSeenAt, now: now) ?? "Never",
                "assetNames": item.assetNames.isEmpty ? "—" : item.assetNames.joined(separator: ", "),
                "statusLabel": item.agent.revokedAt != nil ? "Revoked" : active ? "Active" : "Inactive",
                "revoked": item.agent.revokedAt != nil, "active": active,
            ]
        }
        fields["canManage"] = true
        return WebRenderer.shared.render("agents", fields)
    }

    func revokeAgent(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try person(context, .manageAgents)
        do { try services.agents.revoke(orgID: identity.orgID, id: try context.parameters.require("id"), now: services.clock()) } catch let error as StorageError {
            throw AppError.from(error)
        }
        return .redirect("/agents?flash=agent_revoked")
    }

    // MARK: - Audit

    func audit(_ request: Request, context: AppRequestContext) async throws -> Response {
        try await auditPage(request, context: context, verify: nil)
    }

    func auditPage(_ request: Request, context: AppRequestContext, verify: AuditVerification?) async throws -> Response {
        guard context.identity?.user != nil else { return .redirect("/login") }
        let identity = try person(context, .viewAuditLogs)
        let q = request.uri.queryParameters
        let query = try AuditQueryParser.parse(q, now: services.clock())
        let page = try services.audit.list(orgID: identity.orgID, query: query)
        var fields = try PageContext(services: services, identity: identity).base(title: "Audit Logs", active: "audit")
        fields["filters"] = [
            "from": q.get("from") ?? "", "to": q.get("to") ?? "", "user": q.get("user") ?? "", "method": q.get("method") ?? "",
            "route": q.get("route") ?? "", "entity": q.get("entity") ?? "", "status": q.get("status") ?? "",
        ]
        fields["methodOptions"] = ["POST", "PATCH", "PUT", "DELETE"].map { ["value": $0, "selected": $0 == q.get("method")?.uppercased()] }
        fields["entries"] = page.items.map { entry -> [String: Any] in
            var row: [String: Any] = [
                "time": Display.time(entry.at)!, "user": entry.userEmail ?? "—", "role": entry.role ?? "—", "method": entry.method,
                "route": entry.route, "action": entry.action, "status": entry.status,
                "statusClass": entry.status < 400 ? "ok" : entry.status < 500 ? "warn" : "error", "duration": Display.duration(entry.durationMs),
                "ip": entry.clientIP ?? "—", "entityType": entry.entityType ?? "—", "entityID": entry.entityID ?? "",
            ]
            row["body"] = entry.body
            return row
        }
        fields["pagination"] = AssetPagesController.pagination(page: page.page, pages: page.pages, total: page.total, path: "/audit", query: q)
        fields["windowNote"] = q.get("from") == nil && q.get("to") == nil
            ? "Showing the last 24 hours. Entries are kept for \(services.config.auditRetentionDays) days."
            : "Showing \(Display.time(query.from)!) to \(Display.time(query.to)!)."
        if let verify {
            fields["verify"] = [
                "ok": verify.ok,
                "message": verify.ok
                    ? "Integrity verified: all \(verify.checked) entries chain correctly."
                    : "Tampering detected: entry #\(verify.firstBrokenSeq!) was edited or deleted (\(verify.checked) entries before it verify).",
            ]
        }
        return WebRenderer.shared.render("audit", fields)
    }

    func verifyAudit(_ request: Request, context: AppRequestContext) async throws -> Response {
        let identity = try person(context, .viewAuditLogs)
        context.audit.skip = false
        return try await auditPage(request, context: context, verify: try services.audit.verify(orgID: identity.orgID))
    }
}
