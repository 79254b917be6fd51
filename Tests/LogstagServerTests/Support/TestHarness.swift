import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Logging
import LogstagCore
import LogstagStorage
import NIOCore
import Testing

@testable import LogstagServer

/// A clock tests can move (token expiry, the 5-minute rule, throttling windows).
final class TestClock: @unchecked Sendable {
    private let lock = NSLock()
    private var current: Date

    init(_ start: Date = Date(timeIntervalSince1970: 1_790_000_000)) { current = start }

    var now: Date { lock.withLock { current } }
    func advance(_ seconds: TimeInterval) { lock.withLock { current = current.addingTimeInterval(seconds) } }
}

/// A server on a fresh temporary data directory, with helpers to act as people and agents.
/// Password hashing uses cheap argon2id parameters here for speed; the production parameters
/// are checked by `PasswordHasherTests`.
struct TestServer {
    let services: AppServices
    let clock: TestClock
    let dataDir: String

    static let password = "correct horse battery staple"

    init(config: ServerConfig = ServerConfig(), maxPendingBatches: Int = IngestQueue.defaultMaxPending) throws {
        let clock = TestClock()
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("logstag-test-\(UUID().uuidString)").path
        var config = config
        config.dataDir = dir
        config.publicURL = "https://logstag.example.com"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let database = try AppDatabase(path: dir + "/logstag.sqlite")
        var logger = Logger(label: "test")
        logger.logLevel = .critical
        services = AppServices(
            config: config, database: database, pepper: Array(repeating: 7, count: 32),
            hasher: PasswordHasher(memoryKiB: 256, iterations: 1, parallelism: 1), clock: { clock.now }, logger: logger,
            maxPendingBatches: maxPendingBatches)
        self.clock = clock
        self.dataDir = dir
    }

    var app: some ApplicationProtocol { Application(router: buildRouter(services: services)) }

    /// Runs `body` against the router with an in-process client.
    func test(_ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        try await app.test(.router, body)
    }

    /// Creates an organisation with an Owner account; returns both.
    @discardableResult
    func makeOrganization(_ name: String, owner email: String) throws -> (User, Organization) {
        try OwnerBootstrap.create(services: services, organization: name, name: "Owner of \(name)", email: email, password: Self.password)
    }

    /// Adds a member with a role directly (invitation flow is tested separately).
    @discardableResult
    func addMember(org: Organization, email: String, role: Role) throws -> User {
        let invitation = TokenFormat.generate(.invitation)
        try services.accounts.createInvitation(Invitation(
            id: invitation.id, orgID: org.id, email: email, role: role == .owner ? .admin : role, tokenHash: services.tokenHash(invitation.raw),
            createdAt: clock.now, expiresAt: clock.now.addingTimeInterval(3600)))
        let user = User(id: IDGenerator.make(), email: email, name: "Member \(email)", passwordHash: services.hasher.hash(Self.password), createdAt: clock.now)
        let id = try services.accounts.acceptInvitation(id: invitation.id, newUser: user, now: clock.now)
        return try services.accounts.user(id: id)!
    }

    /// A signed-in browser: cookie header and the session's CSRF token.
    struct Browser: Sendable {
        let cookie: String
        let csrf: String

        func headers(json: Bool = false, form: Bool = false) -> HTTPFields {
            var fields: HTTPFields = [.cookie: cookie, .csrfTokenHeader: csrf]
            if json { fields[.contentType] = "application/json" }
            if form { fields[.contentType] = "application/x-www-form-urlencoded" }
            return fields
        }
    }

    /// Signs a user in directly (the login form itself is tested in `AuthTests`).
    func browser(for user: User, org: Organization) throws -> Browser {
        let (cookie, session) = try AccountService(services: services).createSession(userID: user.id, orgID: org.id)
        return Browser(cookie: "\(SessionCookie.name(secure: false))=\(cookie)", csrf: session.csrfToken)
    }

    /// An organisation API key as an Authorization header value.
    func apiKey(org: Organization) throws -> HTTPFields {
        let identity = Identity(orgID: org.id, role: .admin, user: nil, via: .apiKey(APIKey(id: "x", orgID: org.id, name: "t", keyHash: "", createdBy: nil, createdAt: clock.now)))
        let (_, raw) = try APIKeyService(services: services).create(identity: identity, name: "tests")
        return [.authorization: "Bearer \(raw)", .contentType: "application/json"]
    }
}

extension HTTPField.Name {
    static let csrfTokenHeader = HTTPField.Name("X-CSRF-Token")!
}

extension TestResponse {
    /// The JSON body as a dictionary (empty when not an object).
    var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(buffer: body))) as? [String: Any] ?? [:]
    }

    var jsonArray: [[String: Any]] {
        (try? JSONSerialization.jsonObject(with: Data(buffer: body))) as? [[String: Any]] ?? []
    }

    var text: String { String(buffer: body) }
}

extension TestClientProtocol {
    @discardableResult
    func json(_ method: HTTPRequest.Method, _ uri: String, _ headers: HTTPFields, _ body: Any? = nil) async throws -> TestResponse {
        let buffer = try body.map { ByteBuffer(bytes: try JSONSerialization.data(withJSONObject: $0)) }
        return try await execute(uri: uri, method: method, headers: headers, body: buffer)
    }

    func form(_ uri: String, _ browser: TestServer.Browser, _ fields: [String: String], includeCSRF: Bool = true) async throws -> TestResponse {
        var all = fields
        if includeCSRF { all["_csrf"] = browser.csrf }
        let body = all.map { "\($0.key.formEncoded)=\($0.value.formEncoded)" }.joined(separator: "&")
        return try await execute(
            uri: uri, method: .post, headers: [.cookie: browser.cookie, .contentType: "application/x-www-form-urlencoded"],
            body: ByteBuffer(string: body))
    }
}

extension String {
    var formEncoded: String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return addingPercentEncoding(withAllowedCharacters: allowed) ?? self
    }
}
