import Foundation

/// What a handler tells the audit middleware about its request. A reference box, so a handler's
/// writes are visible to the middleware that called it (contexts are passed by value).
public final class AuditInfo: @unchecked Sendable {
    private let lock = NSLock()
    private var _entity: (type: String, id: String)?
    private var _body: String?
    private var _skip = false

    public init() {}

    /// The entity the request touched (e.g. "asset", id).
    public var entity: (type: String, id: String)? {
        get { lock.withLock { _entity } }
        set { lock.withLock { _entity = newValue } }
    }

    /// The sanitised request body (never passwords or tokens: see `Redaction`).
    public var body: String? {
        get { lock.withLock { _body } }
        set { lock.withLock { _body = newValue } }
    }

    /// Handlers that write their own audit entry (login, bootstrap) set this.
    public var skip: Bool {
        get { lock.withLock { _skip } }
        set { lock.withLock { _skip = newValue } }
    }
}
