import Foundation
import Logging
import LogstagCore
import LogstagStorage

/// Everything handlers need, built once at start and shared (all members are Sendable).
public struct AppServices: Sendable {
    public let config: ServerConfig
    public let database: AppDatabase
    public let accounts: AccountStore
    public let assets: AssetStore
    public let agents: AgentStore
    public let apiKeys: APIKeyStore
    public let ingest: IngestStore
    public let audit: AuditStore
    public let healthRuns: HealthRunStore
    public let series: SeriesStore
    public let statements: StatementStore
    public let retention: RetentionStore
    public let explorer: ExplorerStore
    public let hasher: PasswordHasher
    public let throttle: LoginThrottle
    /// Failed registration-token redemptions: 10 per client IP per minute.
    public let enrollThrottle: LoginThrottle
    public let ingestQueue: IngestQueue
    public let commandSignal: CommandSignal
    let heartbeats = HeartbeatThrottle()
    /// The Overview's organisation-wide answer: fresh for 30 s, then served for 5 more minutes
    /// while it is recomputed in the background (`ResponseCache`).
    let overviewCache = ResponseCache(ttl: 30, staleFor: 300)
    /// Keys the HMAC under which every token is stored (32 random bytes in data_dir/secret.key).
    let pepper: [UInt8]
    /// Injected so tests can move time (token expiry, the 5-minute rule, throttling windows).
    public let clock: @Sendable () -> Date
    public let logger: Logger

    public init(config: ServerConfig, database: AppDatabase, pepper: [UInt8], hasher: PasswordHasher = .owasp,
                clock: @escaping @Sendable () -> Date = { Date() }, logger: Logger = Logger(label: "logstag.server"),
                maxPendingBatches: Int = IngestQueue.defaultMaxPending) {
        self.config = config
        self.database = database
        self.accounts = AccountStore(database)
        self.assets = AssetStore(database)
        self.agents = AgentStore(database)
        self.apiKeys = APIKeyStore(database)
        self.ingest = IngestStore(database)
        self.audit = AuditStore(database, hash: { Crypto.sha256Hex($0) })
        self.healthRuns = HealthRunStore(database)
        self.series = SeriesStore(database)
        self.statements = StatementStore(database)
        self.retention = RetentionStore(database)
        self.explorer = ExplorerStore(database)
        self.hasher = hasher
        self.throttle = LoginThrottle(clock: clock)
        self.enrollThrottle = LoginThrottle(clock: clock, window: 60, perAccount: .max, perIP: 10)
        self.ingestQueue = IngestQueue(store: IngestStore(database), clock: clock, maxPending: maxPendingBatches)
        self.commandSignal = CommandSignal()
        self.pepper = pepper
        self.clock = clock
        self.logger = logger
    }

    /// Records agent traffic (every agent request is a heartbeat), at most every 10 s per agent.
    func heartbeat(agentID: String) throws {
        let now = clock()
        guard heartbeats.shouldWrite(agentID: agentID, now: now) else { return }
        try agents.heartbeat(agentID: agentID, now: now)
    }

    /// The stored form of a token: HMAC-SHA256 under the server pepper.
    public func tokenHash(_ raw: String) -> String { Crypto.hmacSHA256Hex(key: pepper, message: raw) }

    /// Checks a presented token against its stored hash in constant time.
    public func tokenMatches(_ raw: String, hash: String) -> Bool { Crypto.constantTimeEquals(tokenHash(raw), hash) }
}
