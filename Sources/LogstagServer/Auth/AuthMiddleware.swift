import Foundation
import HTTPTypes
import Hummingbird
import LogstagCore
import LogstagStorage

/// Resolves who is calling, once per request, and enforces CSRF for cookie sessions.
///
/// - `Authorization: Bearer lsk_…` → an organisation API key (acts with the Admin role).
/// - `Authorization: Bearer lsa_…` → an enrolled agent (only agent routes accept it).
/// - the session cookie → a signed-in person in their current organisation.
/// Malformed tokens are rejected by prefix and checksum before any database lookup.
/// Unsafe methods with a cookie session need the session's CSRF token (form field `_csrf` or
/// header `X-CSRF-Token`) and, when the browser sends one, a same-origin `Origin`.
struct AuthMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let services: AppServices

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        var context = context
        var request = request
        if let bearer = Self.bearerToken(request) {
            context.identity = try resolveBearer(bearer)
        } else if let session = try resolveSession(request) {
            context.identity = session
            if !Self.isSafe(request.method) {
                try await checkCSRF(&request, expected: session.session!.csrfToken)
            }
        }
        return try await next(request, context)
    }

    static func isSafe(_ method: HTTPRequest.Method) -> Bool { method == .get || method == .head || method == .options }

    static func bearerToken(_ request: Request) -> String? {
        guard let header = request.headers[.authorization] else { return nil }
        let parts = header.split(separator: " ", maxSplits: 1)
        guard parts.count == 2, parts[0].lowercased() == "bearer" else { return nil }
        return String(parts[1]).trimmingCharacters(in: .whitespaces)
    }

    func resolveBearer(_ raw: String) throws -> Identity {
        let now = services.clock()
        if raw.hasPrefix(TokenKind.apiKey.rawValue) {
            guard let token = try? TokenFormat.parse(raw, expecting: .apiKey) else {
                throw AppError(.unauthorized, "token_invalid", "The API key is malformed.")
            }
            guard let key = try services.apiKeys.key(id: token.id), services.tokenMatches(raw, hash: key.keyHash) else {
                throw AppError(.unauthorized, "token_invalid", "The API key is not valid.")
            }
            guard key.revokedAt == nil else { throw AppError(.unauthorized, "token_revoked", "The API key was revoked.") }
            try services.apiKeys.touch(id: key.id, now: now)
            return Identity(orgID: key.orgID, role: .admin, user: nil, via: .apiKey(key))
        }
        if raw.hasPrefix(TokenKind.agentKey.rawValue) {
            guard let token = try? TokenFormat.parse(raw, expecting: .agentKey) else {
                throw AppError(.unauthorized, "token_invalid", "The agent key is malformed.")
            }
            guard let agent = try services.agents.agent(id: token.id), services.tokenMatches(raw, hash: agent.keyHash) else {
                throw AppError(.unauthorized, "token_invalid", "The agent key is not valid.")
            }
            guard agent.revokedAt == nil else { throw AppError(.unauthorized, "token_revoked", "The agent key was revoked.") }
            return Identity(orgID: agent.orgID, role: .developer, user: nil, via: .agent(agent))
        }
        throw AppError(.unauthorized, "token_invalid", "Unknown credential type; use an API key (lsk_) or an agent key (lsa_).")
    }

    func resolveSession(_ request: Request) throws -> Identity? {
        guard let raw = SessionCookie.value(in: request, secure: services.config.tlsEnabled),
              let token = try? TokenFormat.parse(raw, expecting: .session),
              let session = try services.accounts.session(id: token.id),
              services.tokenMatches(raw, hash: session.tokenHash)
        else { return nil }
        let now = services.clock()
        guard session.expiresAt > now, now.timeIntervalSince(session.lastSeenAt) < SessionCookie.idleTimeout else {
            try services.accounts.deleteSession(id: session.id)
            return nil
        }
        guard let user = try services.accounts.user(id: session.userID),
              let role = try services.accounts.role(orgID: session.orgID, userID: session.userID)
        else { return nil }
        if now.timeIntervalSince(session.lastSeenAt) > 60 { try services.accounts.touchSession(id: session.id, now: now) }
        return Identity(orgID: session.orgID, role: role, user: user, via: .session(session))
    }

    func checkCSRF(_ request: inout Request, expected: String) async throws {
        try Self.checkOrigin(request)
        if let header = request.headers[.csrfToken], Crypto.constantTimeEquals(header, expected) { return }
        if request.headers[.contentType]?.hasPrefix("application/x-www-form-urlencoded") == true {
            let body = try await request.collectBody(upTo: 1 << 20)
            let form = FormBody(String(buffer: body))
            if let field = form["_csrf"], Crypto.constantTimeEquals(field, expected) { return }
        }
        throw AppError(.forbidden, "csrf_failed", "The form expired or came from another site. Reload the page and try again.")
    }

    /// A browser's `Origin` (when present) must name this server.
    static func checkOrigin(_ request: Request) throws {
        guard let origin = request.headers[.origin], origin != "null" else { return }
        let host = request.head.authority ?? ""
        guard let url = URL(string: origin), let originHost = url.host else {
            throw AppError(.forbidden, "csrf_failed", "Cross-site request refused.")
        }
        // Same origin means same host AND port (a default port may be implied on either side).
        let defaultPort = url.scheme == "https" ? 443 : 80
        let claimed = (originHost.trimmingCharacters(in: CharacterSet(charactersIn: "[]")).lowercased(), url.port ?? defaultPort)
        let target = splitAuthority(host, defaultPort: defaultPort)
        guard claimed.0 == target.host, claimed.1 == target.port else {
            throw AppError(.forbidden, "csrf_failed", "Cross-site request refused.")
        }
    }

    /// "host:port", "[v6]:port" or a bare host → (lowercased host without brackets, port).
    static func splitAuthority(_ authority: String, defaultPort: Int) -> (host: String, port: Int) {
        let value = authority.lowercased()
        if value.hasPrefix("["), let close = value.firstIndex(of: "]") {
            let host = String(value[value.index(after: value.startIndex)..<close])
            let rest = value[value.index(after: close)...]
            return (host, rest.hasPrefix(":") ? Int(rest.dropFirst()) ?? defaultPort : defaultPort)
        }
        let parts = value.split(separator: ":")
        if parts.count == 2, let port = Int(parts[1]) { return (String(parts[0]), port) }
        return (value, defaultPort)
    }
}

extension HTTPField.Name {
    static let csrfToken = HTTPField.Name("X-CSRF-Token")!
    static let idempotencyKey = HTTPField.Name("Idempotency-Key")!
}
