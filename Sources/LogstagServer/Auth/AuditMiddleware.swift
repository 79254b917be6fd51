import Foundation
import Hummingbird
import LogstagCore
import LogstagStorage

/// Records every request that changes something (POST, PUT, PATCH, DELETE) made by a person or an
/// API key, with the outcome, into the organisation's hash-chained audit log. Agent data-plane
/// traffic (ingest, command polling and results) is not a change by a person and is not recorded;
/// enrolment is, by its handler. Sign-in, sign-out, bootstrap and invitation acceptance write their
/// own entries (they know the user only after the handler ran).
struct AuditMiddleware: RouterMiddleware {
    typealias Context = AppRequestContext
    let services: AppServices

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard !AuthMiddleware.isSafe(request.method), let identity = context.identity, identity.agent == nil else {
            return try await next(request, context)
        }
        let started = ContinuousClock.now
        var request = request
        // Keep a copy of the body for the sanitised record (forms and JSON are small; 64 KiB cap).
        let body = try? await request.collectBody(upTo: 1 << 20)
        let status: HTTPResponse.Status
        let response: Response?
        var thrown: (any Error)?
        do {
            response = try await next(request, context)
            status = response!.status
        } catch let error as any HTTPResponseError {
            status = error.status
            response = nil
            thrown = error
        } catch {
            status = .internalServerError
            response = nil
            thrown = error
        }
        if !context.audit.skip {
            let elapsed = ContinuousClock.now - started
            let entry = AuditRecorder.entry(
                services: services, request: request, context: context, identity: identity, status: status.code,
                duration: elapsed, body: context.audit.body ?? body.flatMap { Self.sanitise(request, String(buffer: $0)) })
            try? services.audit.append(entry)
        }
        if let thrown { throw thrown }
        return response!
    }

    static func sanitise(_ request: Request, _ body: String) -> String? {
        guard !body.isEmpty else { return nil }
        if request.headers[.contentType]?.hasPrefix("application/x-www-form-urlencoded") == true {
            return Redaction.redactForm(body)
        }
        return Redaction.redactJSON(Data(body.utf8))
    }
}

/// Builds audit entries, shared by the middleware and the handlers that record their own.
enum AuditRecorder {
    static func entry(services: AppServices, request: Request, context: AppRequestContext, identity: Identity?, status: Int,
                      duration: Duration, body: String?, orgID: String? = nil, user: User? = nil, email: String? = nil,
                      role: Role? = nil, action: String? = nil) -> AuditEntry
    {
        let route = context.endpointPath ?? request.uri.path
        let actor = user ?? identity?.user
        let actorEmail = email ?? actor?.email ?? identity.flatMap { id -> String? in
            if case .apiKey(let key) = id.via { return "api-key:\(key.name)" }
            return nil
        }
        let entity = context.audit.entity ?? inferEntity(route: route, context: context)
        return AuditEntry(
            orgID: orgID ?? identity?.orgID ?? "", at: services.clock(), userID: actor?.id, userEmail: actorEmail,
            role: identity?.agent != nil ? "Agent" : (role ?? identity?.role)?.displayName, method: request.method.rawValue, route: route,
            action: action ?? actionName(method: request.method, route: route), entityType: entity?.type, entityID: entity?.id,
            status: status, durationMs: Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15,
            clientIP: context.clientIP, userAgent: request.headers[.userAgent].map { String($0.prefix(200)) }, body: body)
    }

    /// "/api/v1/assets/{id}/registration-token" → entity ("asset", id).
    static func inferEntity(route: String, context: AppRequestContext) -> (type: String, id: String)? {
        let parts = route.split(separator: "/").map(String.init).filter { $0 != "api" && $0 != "v1" }
        for (index, part) in parts.enumerated() where part.hasPrefix("{") || part.hasPrefix(":") {
            let name = part.trimmingCharacters(in: CharacterSet(charactersIn: "{}:"))
            guard let value = context.parameters.get(name), index > 0 else { continue }
            var type = parts[index - 1]
            if type.hasSuffix("s") { type.removeLast() }
            return (type.replacingOccurrences(of: "-", with: "_"), value)
        }
        return nil
    }

    static func actionName(method: HTTPRequest.Method, route: String) -> String {
        let verb: String =
            switch method {
            case .post: "create"
            case .patch, .put: "update"
            case .delete: "delete"
            default: method.rawValue.lowercased()
            }
        let last = route.split(separator: "/").last(where: { !$0.hasPrefix("{") && !$0.hasPrefix(":") }) ?? "request"
        return "\(verb) \(last)"
    }
}
