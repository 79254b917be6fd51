import Foundation
import Hummingbird
import HummingbirdTLS
import Logging
import LogstagCore
import LogstagStorage
import NIOSSL
import ServiceLifecycle

/// Assembles the HTTP application; tests call this with their own services.
public func buildRouter(services: AppServices) -> Router<AppRequestContext> {
    let router = Router(context: AppRequestContext.self)
    router.add(middleware: SecurityHeadersMiddleware(tls: services.config.tlsEnabled))
    router.add(middleware: AuthMiddleware(services: services))
    router.add(middleware: AuditMiddleware(services: services))
    StaticController(dataDir: services.config.dataDir).register(on: router)
    AuthPagesController(services: services).register(on: router)
    AssetPagesController(services: services).register(on: router)
    HealthPagesController(services: services).register(on: router)
    AdminPagesController(services: services).register(on: router)
    APIController(services: services).register(on: router)
    AgentAPIController(services: services).register(on: router)
    HealthAPIController(services: services).register(on: router)
    ExplorerAPIController(services: services).register(on: router)
    ExplorerPagesController(services: services).register(on: router)
    SchemaAPIController(services: services).register(on: router)
    SchemaPagesController(services: services).register(on: router)
    DatabaseAPIController(services: services).register(on: router)
    DatabasePagesController(services: services).register(on: router)
    OpenAPIDocumentController().register(on: router)
    // Anything else is a 404 in our error format (JSON under /api/, a page elsewhere).
    for method in [HTTPRequest.Method.get, .post, .put, .patch, .delete] {
        router.on("**", method: method) { _, _ -> Response in throw AppError(.notFound, "not_found", "No such page or endpoint.") }
    }
    return router
}

/// Runs the server until SIGTERM/SIGINT, then lets in-flight requests finish (bounded by
/// `shutdown_grace_seconds`) and closes the database.
public enum LogstagServerRunner {
    public static func run(config: ServerConfig, logger: Logger) async throws {
        let services = try openServices(config: config, logger: logger)
        if let link = try AccountService(services: services).prepareBootstrapLink() {
            // The one place a secret is printed: the operator needs this link once, on first run.
            print("""

                No accounts exist yet. Open this one-time link to create the organisation and its Account Owner:

                    \(link)

                (Or run: logstag --mode server --create-owner --org NAME --email ADDRESS, password on stdin.)

                """)
        }
        print("Logstag is running at \(config.baseURL)")
        fflush(nil)  // flush stdout so the link shows at once under systemd or a pipe
        let address = BindAddress.hostname(config.host, port: config.port)
        let router = buildRouter(services: services)
        let serverConfiguration = ApplicationConfiguration(address: address, serverName: "logstag")
        let maintenance = MaintenanceService(services: services)
        let health = HealthLifecycleService(services: services)
        var app: any ApplicationProtocol & Service
        if config.tlsEnabled {
            app = Application(
                router: router, server: try .tls(.http1(), tlsConfiguration: tlsConfiguration(config)),
                configuration: serverConfiguration, services: [maintenance, health], logger: logger)
        } else {
            app = Application(router: router, configuration: serverConfiguration, services: [maintenance, health], logger: logger)
        }
        _ = app
        logger.info("Logstag server listening", metadata: ["url": "\(config.baseURL)", "data_dir": "\(config.dataDir)"])
        var serviceGroupConfiguration = ServiceGroupConfiguration(
            services: [.init(service: app)], gracefulShutdownSignals: [.sigterm, .sigint], logger: logger)
        serviceGroupConfiguration.maximumGracefulShutdownDuration = .seconds(config.shutdownGraceSeconds)
        try await ServiceGroup(configuration: serviceGroupConfiguration).run()
        try services.database.close()
        logger.info("Logstag server stopped; database closed")
    }

    static func tlsConfiguration(_ config: ServerConfig) throws -> TLSConfiguration {
        let chain = try NIOSSLCertificate.fromPEMFile(config.tlsCertificate).map { NIOSSLCertificateSource.certificate($0) }
        var tls = TLSConfiguration.makeServerConfiguration(certificateChain: chain, privateKey: .file(config.tlsKey))
        tls.minimumTLSVersion = .tlsv12
        return tls
    }

    /// Opens the data directory (0700), the database and the server secret.
    public static func openServices(config: ServerConfig, logger: Logger, clock: @escaping @Sendable () -> Date = { Date() }) throws -> AppServices {
        // Everything the server writes (database, WAL, secret) is private to its user.
        umask(0o077)
        let fm = FileManager.default
        try fm.createDirectory(atPath: config.dataDir, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        let database = try AppDatabase(path: config.dataDir + "/logstag.sqlite")
        let pepper = try ServerSecret.load(path: config.dataDir + "/secret.key")
        return AppServices(config: config, database: database, pepper: pepper, clock: clock, logger: logger)
    }
}

/// The 32-byte server secret that keys every stored token hash; created 0600 on first start.
enum ServerSecret {
    static func load(path: String) throws -> [UInt8] {
        if let data = FileManager.default.contents(atPath: path) {
            guard data.count == 32 else { throw AppError(.internalServerError, "bad_secret", "\(path) is damaged: expected 32 bytes.") }
            return Array(data)
        }
        let bytes = Crypto.randomBytes(32)
        guard FileManager.default.createFile(atPath: path, contents: Data(bytes), attributes: [.posixPermissions: 0o600]) else {
            throw AppError(.internalServerError, "bad_secret", "Cannot create \(path).")
        }
        return bytes
    }
}

/// Periodic housekeeping: audit retention, expired sessions, idempotency keys, command timeouts,
/// and the retention of collected data.
struct MaintenanceService: Service {
    let services: AppServices

    /// Data retention runs hourly (it walks every series); the rest every minute.
    static let retentionEvery = 60

    func run() async throws {
        var minutes = 0
        while !Task.isCancelled {
            runOnce()
            if minutes % Self.retentionEvery == 1 { purgeCollectedData() }
            minutes += 1
            // Wakes at once on SIGTERM: a plain sleep held shutdown for the whole grace period.
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: .seconds(60)) }
            if Task.isShuttingDownGracefully { return }
        }
    }

    /// Deletes series points, statement samples, snapshots and schema changes past their retention.
    func purgeCollectedData() {
        do {
            let outcome = try services.retention.purge(now: services.clock(), retention: services.config.retention)
            services.logger.debug("Retention done", metadata: [
                "raw_points": "\(outcome.rawPoints)", "minute_points": "\(outcome.minutePoints)", "hour_points": "\(outcome.hourPoints)",
                "statement_points": "\(outcome.statementPoints)", "snapshots": "\(outcome.snapshots)", "series": "\(outcome.series)",
            ])
        } catch {
            services.logger.error("Retention failed", metadata: ["error": "\(error)"])
        }
    }

    func runOnce() {
        let now = services.clock()
        do {
            try services.audit.purge(olderThan: now.addingTimeInterval(-Double(services.config.auditRetentionDays) * 86400))
            try services.accounts.deleteExpiredSessions(now: now)
            try services.ingest.purgeIngestKeys(olderThan: now.addingTimeInterval(-8 * 86400))
            try services.agents.expireCommands(now: now)
        } catch {
            services.logger.error("Maintenance failed", metadata: ["error": "\(error)"])
        }
    }
}
