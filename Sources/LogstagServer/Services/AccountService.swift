import Foundation
import LogstagCore
import LogstagStorage

/// The rules for organisations, people, sign-in and membership, shared by the JSON API and the
/// web pages so both behave the same.
struct AccountService: Sendable {
    let services: AppServices

    static let invitationLifetime: TimeInterval = 7 * 24 * 3600

    // MARK: - Bootstrap

    /// On a server with no users, issues a fresh one-time bootstrap link (the previous one stops
    /// working) and returns it; nil once someone exists.
    func prepareBootstrapLink() throws -> String? {
        guard try !services.accounts.hasUsers() else { return nil }
        let token = TokenFormat.generate(.bootstrap)
        try services.accounts.replaceBootstrapToken(id: token.id, hash: services.tokenHash(token.raw), now: services.clock())
        return "\(services.config.baseURL)/bootstrap/\(token.raw)"
    }

    /// True when the raw bootstrap token is valid and unused.
    func bootstrapTokenIsValid(_ raw: String) throws -> TokenString? {
        guard let token = try? TokenFormat.parse(raw, expecting: .bootstrap),
              let hash = try services.accounts.bootstrapTokenHash(id: token.id),
              services.tokenMatches(raw, hash: hash)
        else { return nil }
        return token
    }

    struct NewOwner {
        var organizationName: String
        var name: String
        var email: String
        var password: String
    }

    /// Creates the first organisation and its Account Owner, consuming the bootstrap token.
    func bootstrap(rawToken: String, owner: NewOwner) throws -> (User, Organization) {
        guard let token = try bootstrapTokenIsValid(rawToken) else {
            throw AppError(.notFound, "bootstrap_used", "This bootstrap link is not valid any more. Sign in instead.")
        }
        return try createOrganization(owner: owner, bootstrapTokenID: token.id)
    }

    /// Creates an organisation with a new Owner account (also the non-interactive `--create-owner`).
    func createOrganization(owner: NewOwner, bootstrapTokenID: String?) throws -> (User, Organization) {
        let orgName = try Self.validateOrganizationName(owner.organizationName)
        let name = try Self.validatePersonName(owner.name)
        let email = try validated { try EmailAddress.validate(owner.email) }
        try validated { try PasswordPolicy.validate(owner.password) }
        let now = services.clock()
        let user = User(id: IDGenerator.make(), email: email, name: name, passwordHash: services.hasher.hash(owner.password), createdAt: now)
        let org = Organization(id: IDGenerator.make(), name: orgName, createdAt: now)
        do {
            try services.accounts.createOrganization(org, owner: user, consumingBootstrap: bootstrapTokenID, now: now)
        } catch let error as StorageError {
            throw AppError.from(error)
        }
        return (user, org)
    }

    static func validateOrganizationName(_ raw: String) throws -> String {
        let name = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (2...100).contains(name.count) else {
            throw AppError(.unprocessableContent, "invalid_organization", "Organisation name must be 2 to 100 characters.")
        }
        return name
    }

    static func validatePersonName(_ raw: String) throws -> String {
        let name = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard (1...100).contains(name.count), !name.contains(where: { $0.isNewline }) else {
            throw AppError(.unprocessableContent, "invalid_name", "Name must be 1 to 100 characters.")
        }
        return name
    }

    // MARK: - Sign-in

    struct SignedIn {
        let user: User
        let session: Session
        let cookieValue: String
    }

    /// Checks credentials with throttling. Unknown and known accounts get the same answer and cost
    /// the same time (a decoy hash is verified for unknown accounts).
    func login(email rawEmail: String, password: String, ip: String) async throws -> SignedIn {
        let email = rawEmail.trimmingCharacters(in: .whitespaces).lowercased()
        if let wait = await services.throttle.blockedFor(account: email, ip: ip) {
            var error = AppError(.tooManyRequests, "too_many_attempts", "Too many failed sign-in attempts. Try again in a few minutes.")
            error.headers[.retryAfter] = String(Int(wait.rounded(.up)))
            throw error
        }
        let user = try services.accounts.user(email: email)
        let ok = services.hasher.verify(String(password.prefix(PasswordPolicy.maxBytes)), hash: user?.passwordHash ?? PasswordHasher.decoy)
        guard let user, ok else {
            await services.throttle.recordFailure(account: email, ip: ip)
            throw AppError(.unauthorized, "invalid_credentials", "The e-mail address or password is not correct.")
        }
        guard let first = try services.accounts.memberships(userID: user.id).first else {
            await services.throttle.recordFailure(account: email, ip: ip)
            throw AppError(.unauthorized, "invalid_credentials", "The e-mail address or password is not correct.")
        }
        await services.throttle.recordSuccess(account: email)
        if services.hasher.needsRehash(user.passwordHash) {
            try services.accounts.updatePasswordHash(userID: user.id, hash: services.hasher.hash(password))
        }
        try services.accounts.recordLogin(userID: user.id, now: services.clock())
        let (cookie, session) = try createSession(userID: user.id, orgID: first.organization.id)
        return SignedIn(user: user, session: session, cookieValue: cookie)
    }

    /// A new server-side session; the cookie value is shown to the browser only.
    func createSession(userID: String, orgID: String) throws -> (String, Session) {
        let token = TokenFormat.generate(.session)
        let now = services.clock()
        let session = Session(
            id: token.id, tokenHash: services.tokenHash(token.raw), userID: userID, orgID: orgID, csrfToken: Crypto.randomHex(24),
            createdAt: now, lastSeenAt: now, expiresAt: now.addingTimeInterval(SessionCookie.absoluteLifetime))
        try services.accounts.createSession(session)
        return (token.raw, session)
    }

    /// Switches the session to another organisation the user belongs to (404 otherwise).
    func switchOrganization(identity: Identity, to orgID: String) throws {
        guard let session = identity.session, let user = identity.user else { throw AppError.unauthenticated }
        guard try services.accounts.role(orgID: orgID, userID: user.id) != nil else { throw AppError.notFound("organisation") }
        try services.accounts.switchSession(id: session.id, toOrg: orgID)
    }

    // MARK: - Members and invitations

    /// Creates an invitation and returns its one-time link (valid 7 days).
    func invite(identity: Identity, email rawEmail: String, role rawRole: String) throws -> (Invitation, String) {
        try identity.require(.manageMembers)
        let email = try validated { try EmailAddress.validate(rawEmail) }
        guard let role = Role(rawValue: rawRole.lowercased()), Role.assignable.contains(role) else {
            throw AppError(.unprocessableContent, "invalid_role", "Role must be one of admin, dba, developer.")
        }
        let token = TokenFormat.generate(.invitation)
        let now = services.clock()
        let invitation = Invitation(
            id: token.id, orgID: identity.orgID, email: email, role: role, tokenHash: services.tokenHash(token.raw), createdAt: now,
            expiresAt: now.addingTimeInterval(Self.invitationLifetime))
        do { try services.accounts.createInvitation(invitation) } catch let error as StorageError { throw AppError.from(error) }
        return (invitation, "\(services.config.baseURL)/invite/\(token.raw)")
    }

    /// The pending invitation behind a link, or a 404 that says why it cannot be used.
    func openInvitation(_ raw: String) throws -> (Invitation, Organization) {
        guard let token = try? TokenFormat.parse(raw, expecting: .invitation),
              let invitation = try services.accounts.invitation(id: token.id),
              services.tokenMatches(raw, hash: invitation.tokenHash)
        else { throw AppError(.notFound, "invitation_invalid", "This invitation link is not valid.") }
        guard invitation.acceptedAt == nil, invitation.revokedAt == nil else {
            throw AppError(.notFound, "invitation_used", "This invitation was already used or replaced.")
        }
        guard invitation.expiresAt > services.clock() else {
            throw AppError(.notFound, "invitation_expired", "This invitation has expired. Ask for a new one.")
        }
        guard let org = try services.accounts.organization(id: invitation.orgID) else { throw AppError.notFound("organisation") }
        return (invitation, org)
    }

    /// Accepts an invitation: new people choose a name and password; existing accounts must give
    /// their current password.
    func acceptInvitation(_ raw: String, name: String, password: String) throws -> (User, Organization) {
        let (invitation, org) = try openInvitation(raw)
        let now = services.clock()
        if let existing = try services.accounts.user(email: invitation.email) {
            guard services.hasher.verify(password, hash: existing.passwordHash) else {
                throw AppError(.unauthorized, "invalid_credentials", "This e-mail address already has an account: enter its current password.")
            }
        } else {
            try validated { try PasswordPolicy.validate(password) }
        }
        let newUser = User(
            id: IDGenerator.make(), email: invitation.email, name: try Self.validatePersonName(name),
            passwordHash: services.hasher.hash(password), createdAt: now)
        let userID: String
        do { userID = try services.accounts.acceptInvitation(id: invitation.id, newUser: newUser, now: now) } catch let error as StorageError {
            throw AppError.from(error)
        }
        guard let user = try services.accounts.user(id: userID) else { throw AppError.notFound("user") }
        return (user, org)
    }

    func changeRole(identity: Identity, userID: String, role rawRole: String) throws {
        try identity.require(.manageMembers)
        guard let role = Role(rawValue: rawRole.lowercased()) else {
            throw AppError(.unprocessableContent, "invalid_role", "Role must be one of admin, dba, developer.")
        }
        guard role != .owner else {
            throw AppError(.unprocessableContent, "invalid_role", "The Account Owner role changes hands only by ownership transfer.")
        }
        do {
            guard try services.accounts.role(orgID: identity.orgID, userID: userID) != nil else { throw AppError.notFound("member") }
            try services.accounts.setRole(orgID: identity.orgID, userID: userID, role: role)
        } catch let error as StorageError {
            throw error == .notFound ? AppError.notFound("member") : AppError(.conflict, "last_owner", error.description)
        }
    }

    func removeMember(identity: Identity, userID: String) throws {
        try identity.require(.manageMembers)
        do {
            try services.accounts.removeMember(orgID: identity.orgID, userID: userID)
        } catch let error as StorageError {
            throw error == .notFound ? AppError.notFound("member") : AppError(.conflict, "last_owner", error.description)
        }
    }

    func transferOwnership(identity: Identity, to userID: String) throws {
        try identity.require(.transferOwnership)
        guard let user = identity.user else { throw AppError.forbidden(.transferOwnership) }
        do {
            try services.accounts.transferOwnership(orgID: identity.orgID, from: user.id, to: userID)
        } catch let error as StorageError {
            throw error == .notFound ? AppError.notFound("member") : AppError(.conflict, "conflict", error.description)
        }
    }
}

/// Runs a Core validation and turns its typed error into a 422 answer.
func validated<T>(_ body: () throws -> T) throws -> T {
    do { return try body() } catch let error as ValidationError { throw AppError.validation(error) }
}

/// The non-interactive `--create-owner` path, for automation.
public enum OwnerBootstrap {
    public static func create(services: AppServices, organization: String, name: String, email: String, password: String) throws -> (User, Organization) {
        try AccountService(services: services).createOrganization(
            owner: .init(organizationName: organization, name: name, email: email, password: password), bootstrapTokenID: nil)
    }
}
