import Foundation
import GRDB
import LogstagCore

/// Organisations, users, memberships, invitations, sessions and the bootstrap link.
///
/// Every method that touches org-owned data takes the organisation id and filters on it, so a
/// caller can never reach another tenant's rows by id alone.
public struct AccountStore: Sendable {
    let db: AppDatabase

    public init(_ db: AppDatabase) { self.db = db }

    // MARK: - Bootstrap

    /// True once any user exists; the bootstrap link is only offered before that.
    public func hasUsers() throws -> Bool {
        try db.writer.read { db in try Bool.fetchOne(db, sql: "SELECT EXISTS(SELECT 1 FROM users)") ?? false }
    }

    /// Replaces any unused bootstrap token with a new one (called at start while there are no users).
    public func replaceBootstrapToken(id: String, hash: String, now: Date) throws {
        try db.writer.write { db in
            try db.execute(sql: "DELETE FROM bootstrap_tokens WHERE used_at IS NULL")
            try db.execute(
                sql: "INSERT INTO bootstrap_tokens (id, token_hash, created_at) VALUES (?, ?, ?)",
                arguments: [id, hash, now.unixTime])
        }
    }

    /// The hash of an unused bootstrap token, when one exists and no user does.
    public func bootstrapTokenHash(id: String) throws -> String? {
        try db.writer.read { db in
            guard try Bool.fetchOne(db, sql: "SELECT EXISTS(SELECT 1 FROM users)") == false else { return nil }
            return try String.fetchOne(
                db, sql: "SELECT token_hash FROM bootstrap_tokens WHERE id = ? AND used_at IS NULL", arguments: [id])
        }
    }

    /// Creates an organisation with its Account Owner. With a bootstrap token id, the token is
    /// consumed in the same transaction and the call fails if it was already used.
    public func createOrganization(_ org: Organization, owner: User, consumingBootstrap tokenID: String? = nil, now: Date) throws {
        try db.writer.write { db in
            if let tokenID {
                try db.execute(
                    sql: "UPDATE bootstrap_tokens SET used_at = ? WHERE id = ? AND used_at IS NULL",
                    arguments: [now.unixTime, tokenID])
                guard db.changesCount == 1 else { throw StorageError.conflict("This bootstrap link was already used.") }
            }
            try Self.insertUserIfMissing(owner, db)
            try Self.insertOrganization(org, db)
            try db.execute(
                sql: "INSERT INTO memberships (org_id, user_id, role, created_at) VALUES (?, ?, 'owner', ?)",
                arguments: [org.id, owner.id, now.unixTime])
        }
    }

    static func insertOrganization(_ org: Organization, _ db: Database) throws {
        try db.execute(
            sql: "INSERT INTO organizations (id, name, created_at) VALUES (?, ?, ?)",
            arguments: [org.id, org.name, org.createdAt.unixTime])
    }

    static func insertUserIfMissing(_ user: User, _ db: Database) throws {
        if try Bool.fetchOne(db, sql: "SELECT EXISTS(SELECT 1 FROM users WHERE id = ?)", arguments: [user.id]) == true { return }
        if try Bool.fetchOne(db, sql: "SELECT EXISTS(SELECT 1 FROM users WHERE email = ?)", arguments: [user.email]) == true {
            throw StorageError.conflict("A user with this e-mail address already exists.")
        }
        try db.execute(
            sql: "INSERT INTO users (id, email, name, password_hash, created_at) VALUES (?, ?, ?, ?, ?)",
            arguments: [user.id, user.email, user.name, user.passwordHash, user.createdAt.unixTime])
    }

    // MARK: - Users and organisations

    public func user(email: String) throws -> User? {
        try db.writer.read { db in try Row.fetchOne(db, sql: "SELECT * FROM users WHERE email = ?", arguments: [email]).map(User.init) }
    }

    public func user(id: String) throws -> User? {
        try db.writer.read { db in try Row.fetchOne(db, sql: "SELECT * FROM users WHERE id = ?", arguments: [id]).map(User.init) }
    }

    public func recordLogin(userID: String, now: Date) throws {
        try db.writer.write { db in
            try db.execute(sql: "UPDATE users SET last_login_at = ? WHERE id = ?", arguments: [now.unixTime, userID])
        }
    }

    public func updatePasswordHash(userID: String, hash: String) throws {
        try db.writer.write { db in
            try db.execute(sql: "UPDATE users SET password_hash = ? WHERE id = ?", arguments: [hash, userID])
        }
    }

    /// The organisations a user belongs to, with the role in each, by name.
    public func memberships(userID: String) throws -> [(organization: Organization, role: Role)] {
        try db.writer.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT o.*, m.role FROM memberships m JOIN organizations o ON o.id = m.org_id
                    WHERE m.user_id = ? ORDER BY o.name COLLATE NOCASE
                    """,
                arguments: [userID]
            ).map { (Organization(row: $0), Role(rawValue: $0["role"]) ?? .developer) }
        }
    }

    public func role(orgID: String, userID: String) throws -> Role? {
        try db.writer.read { db in
            try String.fetchOne(
                db, sql: "SELECT role FROM memberships WHERE org_id = ? AND user_id = ?", arguments: [orgID, userID]
            ).flatMap(Role.init(rawValue:))
        }
    }

    public func organization(id: String) throws -> Organization? {
        try db.writer.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM organizations WHERE id = ?", arguments: [id]).map(Organization.init)
        }
    }

    public func organizations() throws -> [Organization] {
        try db.writer.read { db in try Row.fetchAll(db, sql: "SELECT * FROM organizations ORDER BY created_at").map(Organization.init) }
    }

    // MARK: - Members

    public func members(orgID: String) throws -> [Member] {
        try db.writer.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT u.*, m.role, m.created_at AS joined_at FROM memberships m JOIN users u ON u.id = m.user_id
                    WHERE m.org_id = ? ORDER BY m.role = 'owner' DESC, u.name COLLATE NOCASE
                    """,
                arguments: [orgID]
            ).map { Member(user: User(row: $0), role: Role(rawValue: $0["role"]) ?? .developer, joinedAt: $0.date("joined_at")!) }
        }
    }

    /// Changes a member's role. The Owner's role changes only through `transferOwnership`.
    public func setRole(orgID: String, userID: String, role: Role) throws {
        guard role != .owner else { throw StorageError.conflict("Ownership changes only by transfer.") }
        try db.writer.write { db in
            let current = try String.fetchOne(
                db, sql: "SELECT role FROM memberships WHERE org_id = ? AND user_id = ?", arguments: [orgID, userID])
            guard let current else { throw StorageError.notFound }
            guard current != Role.owner.rawValue else {
                throw StorageError.conflict("The Account Owner cannot be demoted; transfer ownership first.")
            }
            try db.execute(
                sql: "UPDATE memberships SET role = ? WHERE org_id = ? AND user_id = ?", arguments: [role.rawValue, orgID, userID])
            try db.execute(sql: "DELETE FROM sessions WHERE user_id = ? AND org_id = ?", arguments: [userID, orgID])
        }
    }

    /// Removes a member from the organisation (the user account stays for other organisations).
    public func removeMember(orgID: String, userID: String) throws {
        try db.writer.write { db in
            let current = try String.fetchOne(
                db, sql: "SELECT role FROM memberships WHERE org_id = ? AND user_id = ?", arguments: [orgID, userID])
            guard let current else { throw StorageError.notFound }
            guard current != Role.owner.rawValue else {
                throw StorageError.conflict("The Account Owner cannot be removed; transfer ownership first.")
            }
            try db.execute(sql: "DELETE FROM memberships WHERE org_id = ? AND user_id = ?", arguments: [orgID, userID])
            try db.execute(sql: "DELETE FROM sessions WHERE user_id = ? AND org_id = ?", arguments: [userID, orgID])
            try db.execute(sql: "UPDATE assets SET owner_id = NULL WHERE org_id = ? AND owner_id = ?", arguments: [orgID, userID])
        }
    }

    /// Makes another member the Account Owner; the previous Owner becomes Admin.
    public func transferOwnership(orgID: String, from currentOwner: String, to newOwner: String) throws {
        try db.writer.write { db in
            let target = try String.fetchOne(
                db, sql: "SELECT role FROM memberships WHERE org_id = ? AND user_id = ?", arguments: [orgID, newOwner])
            guard target != nil else { throw StorageError.notFound }
            guard newOwner != currentOwner else { throw StorageError.conflict("You already own this organisation.") }
            try db.execute(
                sql: "UPDATE memberships SET role = 'admin' WHERE org_id = ? AND user_id = ? AND role = 'owner'",
                arguments: [orgID, currentOwner])
            guard db.changesCount == 1 else { throw StorageError.conflict("Only the Account Owner can transfer ownership.") }
            try db.execute(
                sql: "UPDATE memberships SET role = 'owner' WHERE org_id = ? AND user_id = ?", arguments: [orgID, newOwner])
            try db.execute(
                sql: "DELETE FROM sessions WHERE org_id = ? AND user_id IN (?, ?)", arguments: [orgID, currentOwner, newOwner])
        }
    }

    // MARK: - Invitations

    public func createInvitation(_ invitation: Invitation) throws {
        try db.writer.write { db in
            let already = try Bool.fetchOne(
                db,
                sql: """
                    SELECT EXISTS(SELECT 1 FROM memberships m JOIN users u ON u.id = m.user_id
                    WHERE m.org_id = ? AND u.email = ?)
                    """,
                arguments: [invitation.orgID, invitation.email]) ?? false
            guard !already else { throw StorageError.conflict("This person is already a member of the organisation.") }
            // A new invitation for the same address replaces the pending one.
            try db.execute(
                sql: "UPDATE invitations SET revoked_at = ? WHERE org_id = ? AND email = ? AND accepted_at IS NULL AND revoked_at IS NULL",
                arguments: [invitation.createdAt.unixTime, invitation.orgID, invitation.email])
            try db.execute(
                sql: """
                    INSERT INTO invitations (id, org_id, email, role, token_hash, created_at, expires_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [invitation.id, invitation.orgID, invitation.email, invitation.role.rawValue, invitation.tokenHash,
                            invitation.createdAt.unixTime, invitation.expiresAt.unixTime])
        }
    }

    /// An invitation by id, whatever its state (callers check expiry and use).
    public func invitation(id: String) throws -> Invitation? {
        try db.writer.read { db in
            try Row.fetchOne(db, sql: "SELECT * FROM invitations WHERE id = ?", arguments: [id]).map(Invitation.init)
        }
    }

    public func pendingInvitations(orgID: String, now: Date) throws -> [Invitation] {
        try db.writer.read { db in
            try Row.fetchAll(
                db,
                sql: """
                    SELECT * FROM invitations WHERE org_id = ? AND accepted_at IS NULL AND revoked_at IS NULL
                    AND expires_at > ? ORDER BY created_at DESC
                    """,
                arguments: [orgID, now.unixTime]
            ).map(Invitation.init)
        }
    }

    /// Accepts an invitation: creates the user when new (`newUser`), adds the membership, and
    /// marks the invitation used, all in one transaction. Returns the user id.
    public func acceptInvitation(id: String, newUser: User, now: Date) throws -> String {
        try db.writer.write { db in
            guard let row = try Row.fetchOne(
                db, sql: "SELECT * FROM invitations WHERE id = ? AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > ?",
                arguments: [id, now.unixTime])
            else { throw StorageError.conflict("This invitation is no longer valid.") }
            let invitation = Invitation(row: row)
            let existing = try Row.fetchOne(db, sql: "SELECT * FROM users WHERE email = ?", arguments: [invitation.email]).map(User.init)
            let userID = existing?.id ?? newUser.id
            if existing == nil { try Self.insertUserIfMissing(newUser, db) }
            try db.execute(
                sql: "INSERT OR IGNORE INTO memberships (org_id, user_id, role, created_at) VALUES (?, ?, ?, ?)",
                arguments: [invitation.orgID, userID, invitation.role.rawValue, now.unixTime])
            try db.execute(sql: "UPDATE invitations SET accepted_at = ? WHERE id = ?", arguments: [now.unixTime, id])
            return userID
        }
    }

    // MARK: - Sessions

    public func createSession(_ session: Session) throws {
        try db.writer.write { db in
            try db.execute(
                sql: """
                    INSERT INTO sessions (id, token_hash, user_id, org_id, csrf_token, created_at, last_seen_at, expires_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """,
                arguments: [session.id, session.tokenHash, session.userID, session.orgID, session.csrfToken,
                            session.createdAt.unixTime, session.lastSeenAt.unixTime, session.expiresAt.unixTime])
        }
    }

    public func session(id: String) throws -> Session? {
        try db.writer.read { db in try Row.fetchOne(db, sql: "SELECT * FROM sessions WHERE id = ?", arguments: [id]).map(Session.init) }
    }

    public func touchSession(id: String, now: Date) throws {
        try db.writer.write { db in
            try db.execute(sql: "UPDATE sessions SET last_seen_at = ? WHERE id = ?", arguments: [now.unixTime, id])
        }
    }

    public func switchSession(id: String, toOrg orgID: String) throws {
        try db.writer.write { db in try db.execute(sql: "UPDATE sessions SET org_id = ? WHERE id = ?", arguments: [orgID, id]) }
    }

    public func deleteSession(id: String) throws {
        try db.writer.write { db in try db.execute(sql: "DELETE FROM sessions WHERE id = ?", arguments: [id]) }
    }

    public func deleteExpiredSessions(now: Date) throws {
        try db.writer.write { db in try db.execute(sql: "DELETE FROM sessions WHERE expires_at < ?", arguments: [now.unixTime]) }
    }
}
