import Foundation
import Hummingbird
import LogstagCore
import LogstagStorage
import NIOCore

/// Who is making the request, resolved once by `AuthMiddleware`.
public struct Identity: Sendable {
    public enum Via: Sendable { case session(Session), apiKey(APIKey), agent(Agent) }

    public let orgID: String
    public let role: Role
    public let user: User?
    public let via: Via

    public func has(_ permission: Permission) -> Bool { role.has(permission) }

    /// Throws 403 unless the role holds the permission.
    public func require(_ permission: Permission) throws {
        guard has(permission) else { throw AppError.forbidden(permission) }
    }

    public var session: Session? { if case .session(let s) = via { s } else { nil } }
    public var agent: Agent? { if case .agent(let a) = via { a } else { nil } }
}

/// Per-request state: the identity, the client address, and what the audit middleware needs.
public struct AppRequestContext: RequestContext, RemoteAddressRequestContext {
    public var coreContext: CoreRequestContextStorage
    public var identity: Identity?
    public let remoteAddress: SocketAddress?
    /// Filled by handlers, read by `AuditMiddleware` after the handler returns.
    public let audit = AuditInfo()

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        remoteAddress = source.channel.remoteAddress
    }

    public var clientIP: String { remoteAddress?.ipAddress ?? "unknown" }

    /// The identity, or 401.
    public func requireIdentity() throws -> Identity {
        guard let identity else { throw AppError.unauthenticated }
        return identity
    }

    /// A person or an API key, or 401; agent keys are 403 (they only speak the agent API).
    public func requirePerson() throws -> Identity {
        let identity = try requireIdentity()
        guard identity.agent == nil else { throw AppError(.forbidden, "forbidden", "Agent keys can only use the agent API.") }
        return identity
    }
}
