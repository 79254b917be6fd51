import Foundation
import LogstagCore
import LogstagStorage

/// Builds the fields every signed-in page shares (layout, navigation, organisation switcher).
struct PageContext {
    let services: AppServices
    let identity: Identity

    /// The signed-in person and the layout fields of a page; nil for anyone else (the caller
    /// redirects to /login: pages are for people, API keys use the API).
    static func signedIn(_ context: AppRequestContext, services: AppServices, title: String, active: String) throws -> (Identity, [String: Any])? {
        guard let identity = context.identity, identity.user != nil else { return nil }
        return (identity, try PageContext(services: services, identity: identity).base(title: title, active: active))
    }

    func base(title: String, active: String, flash: String? = nil) throws -> [String: Any] {
        var page: [String: Any] = ["title": title]
        guard let user = identity.user, let session = identity.session else { return page }
        page["csrf"] = session.csrfToken
        page["user"] = ["name": user.name, "email": user.email, "roleName": identity.role.displayName, "initials": Self.initials(user.name)]
        let memberships = try services.accounts.memberships(userID: user.id)
        let current = memberships.first { $0.organization.id == identity.orgID }?.organization
        page["org"] = ["id": identity.orgID, "name": current?.name ?? ""]
        page["orgs"] = memberships.map { ["id": $0.organization.id, "name": $0.organization.name, "current": $0.organization.id == identity.orgID] }
        page["multipleOrgs"] = memberships.count > 1
        page["nav"] = [
            "active": active,
            "assets": identity.has(.manageDatabases), "members": identity.has(.manageMembers), "apiKeys": identity.has(.manageApiKeys),
            "agents": identity.has(.manageAgents), "audit": identity.has(.viewAuditLogs), "isHome": active == "home",
            "isAssets": active == "assets", "isMembers": active == "members", "isApiKeys": active == "api-keys",
            "isAgents": active == "agents", "isAudit": active == "audit", "isQueries": active == "queries", "isActivity": active == "activity",
            "isOverview": active == "overview", "isDatabases": active == "databases", "isSchemas": active == "schemas",
        ]
        if let flash, let message = Flash.messages[flash] {
            page["flash"] = ["kind": message.kind, "message": message.text]
        }
        return page
    }

    static func initials(_ name: String) -> String {
        String(name.split(separator: " ").prefix(2).compactMap(\.first)).uppercased()
    }
}

/// Flash messages travel as a fixed code in the redirect URL, never as free text.
enum Flash {
    static let messages: [String: (kind: String, text: String)] = [
        "asset_created": ("success", "Instance registered. Next: install the agent."),
        "asset_updated": ("success", "Changes saved."),
        "asset_deleted": ("success", "Instance deleted. Remove the agent from the host when you no longer need it."),
        "test_queued": ("success", "Connection test queued; the agent answers within a few seconds when it is running."),
        "member_updated": ("success", "Role changed."),
        "member_removed": ("success", "Member removed from the organisation."),
        "ownership_transferred": ("success", "Ownership transferred. You are now an Admin."),
        "key_revoked": ("success", "API key revoked. Requests with it now get 401."),
        "agent_revoked": ("success", "Agent key revoked. The agent's next request gets 401."),
        "org_switched": ("success", "Switched organisation."),
        "org_created": ("success", "Organisation created. You are its Account Owner."),
        "welcome": ("success", "Welcome to Logstag."),
        "health_running": ("error", "A health check is already running for this instance; wait for it to finish or cancel it."),
        "health_unsupported": ("error", "Health checks are available for PostgreSQL, Redis and Valkey; this engine has no rule catalogue yet."),
        "health_cancelled": ("success", "Health check cancelled."),
        "health_schedule_saved": ("success", "Schedule saved: it applies to every instance of the organisation."),
        "health_already_final": ("warn", "The health check had already finished; nothing was cancelled."),
    ]
}

/// Display formatting shared by pages.
enum Display {
    static func time(_ date: Date?) -> String? {
        guard let date else { return nil }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm 'UTC'"
        return formatter.string(from: date)
    }

    /// A wire timestamp (RFC 3339, as the API answers) for people: "2026-11-22 05:55:13 UTC".
    static func wireTime(_ text: Any?) -> String? {
        guard let text = text as? String, let date = WireDate.parse(text) else { return nil }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss 'UTC'"
        return formatter.string(from: date)
    }

    static func relative(_ date: Date?, now: Date) -> String? {
        guard let date else { return nil }
        let seconds = Int(now.timeIntervalSince(date))
        switch seconds {
        case ..<60: return "just now"
        case ..<3600: return "\(seconds / 60) min ago"
        case ..<86400: return "\(seconds / 3600) h ago"
        default: return time(date)
        }
    }

    static func healthBand(_ score: Int?) -> String {
        guard let score else { return "" }
        return score >= 80 ? "good" : score >= 60 ? "warn" : "bad"
    }

    static func statusClass(_ status: AssetStatus) -> String { status.rawValue.lowercased() }

    static func duration(_ ms: Double) -> String { ms < 1000 ? String(format: "%.0f ms", ms) : String(format: "%.2f s", ms / 1000) }
}
