import Foundation
import GRDB
import LogstagCore

/// An organisation (tenant). Every other org-owned row points at one.
public struct Organization: Sendable, Equatable {
    public let id: String
    public let name: String
    public let createdAt: Date

    public init(id: String, name: String, createdAt: Date) {
        self.id = id
        self.name = name
        self.createdAt = createdAt
    }

    init(row: Row) {
        self.init(id: row["id"], name: row["name"], createdAt: row.date("created_at")!)
    }
}

/// A person who can sign in. Membership in organisations is separate (`Member`).
public struct User: Sendable, Equatable {
    public let id: String
    public let email: String
    public let name: String
    public let passwordHash: String
    public let createdAt: Date
    public let lastLoginAt: Date?

    public init(id: String, email: String, name: String, passwordHash: String, createdAt: Date, lastLoginAt: Date? = nil) {
        self.id = id
        self.email = email
        self.name = name
        self.passwordHash = passwordHash
        self.createdAt = createdAt
        self.lastLoginAt = lastLoginAt
    }

    init(row: Row) {
        self.init(
            id: row["id"], email: row["email"], name: row["name"], passwordHash: row["password_hash"],
            createdAt: row.date("created_at")!, lastLoginAt: row.date("last_login_at"))
    }
}

/// A user's role in one organisation.
public struct Member: Sendable, Equatable {
    public let user: User
    public let role: Role
    public let joinedAt: Date
}

/// A pending invitation to join an organisation with a role.
public struct Invitation: Sendable, Equatable {
    public let id: String
    public let orgID: String
    public let email: String
    public let role: Role
    public let tokenHash: String
    public let createdAt: Date
    public let expiresAt: Date
    public let acceptedAt: Date?
    public let revokedAt: Date?

    public init(id: String, orgID: String, email: String, role: Role, tokenHash: String, createdAt: Date, expiresAt: Date,
                acceptedAt: Date? = nil, revokedAt: Date? = nil) {
        self.id = id
        self.orgID = orgID
        self.email = email
        self.role = role
        self.tokenHash = tokenHash
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.acceptedAt = acceptedAt
        self.revokedAt = revokedAt
    }

    init(row: Row) {
        self.init(
            id: row["id"], orgID: row["org_id"], email: row["email"], role: Role(rawValue: row["role"]) ?? .developer,
            tokenHash: row["token_hash"], createdAt: row.date("created_at")!, expiresAt: row.date("expires_at")!,
            acceptedAt: row.date("accepted_at"), revokedAt: row.date("revoked_at"))
    }
}

/// A signed-in browser session. The cookie carries the token; only its hash is stored.
public struct Session: Sendable, Equatable {
    public let id: String
    public let tokenHash: String
    public let userID: String
    public let orgID: String
    public let csrfToken: String
    public let createdAt: Date
    public let lastSeenAt: Date
    public let expiresAt: Date

    public init(id: String, tokenHash: String, userID: String, orgID: String, csrfToken: String, createdAt: Date,
                lastSeenAt: Date, expiresAt: Date) {
        self.id = id
        self.tokenHash = tokenHash
        self.userID = userID
        self.orgID = orgID
        self.csrfToken = csrfToken
        self.createdAt = createdAt
        self.lastSeenAt = lastSeenAt
        self.expiresAt = expiresAt
    }

    init(row: Row) {
        self.init(
            id: row["id"], tokenHash: row["token_hash"], userID: row["user_id"], orgID: row["org_id"],
            csrfToken: row["csrf_token"], createdAt: row.date("created_at")!, lastSeenAt: row.date("last_seen_at")!,
            expiresAt: row.date("expires_at")!)
    }
}

/// An organisation-scoped API key for automation (`lsk_`). Only the keyed hash is stored.
public struct APIKey: Sendable, Equatable {
    public let id: String
    public let orgID: String
    public let name: String
    public let keyHash: String
    public let createdBy: String?
    public let createdAt: Date
    public let lastUsedAt: Date?
    public let revokedAt: Date?

    public init(id: String, orgID: String, name: String, keyHash: String, createdBy: String?, createdAt: Date,
                lastUsedAt: Date? = nil, revokedAt: Date? = nil) {
        self.id = id
        self.orgID = orgID
        self.name = name
        self.keyHash = keyHash
        self.createdBy = createdBy
        self.createdAt = createdAt
        self.lastUsedAt = lastUsedAt
        self.revokedAt = revokedAt
    }

    init(row: Row) {
        self.init(
            id: row["id"], orgID: row["org_id"], name: row["name"], keyHash: row["key_hash"], createdBy: row["created_by"],
            createdAt: row.date("created_at")!, lastUsedAt: row.date("last_used_at"), revokedAt: row.date("revoked_at"))
    }
}
