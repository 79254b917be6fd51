import LogstagCore

/// The Redis and Valkey driver (`db_engine = "redis"` or `"valkey"`): one hiredis connection
/// per target, signals declared in `collectors/redis/manifest.toml`.
///
/// Contract (beyond `EngineDriver`): `connect()` opens a TCP connection within 10 s, sets a 5 s
/// command timeout, logs in with `AUTH <password>` (empty `db_username`, password-only auth) or
/// `AUTH <user> <password>` (ACL user) exactly once, runs `SELECT <db_name>`, names itself with
/// `CLIENT SETNAME logstag-agent` (a refusal is ignored) and reads `INFO server` to tell Redis
/// from Valkey. A rejected login throws `auth` and is not retried here; a refused or timed-out
/// connection throws `unreachable`. Every command is checked against `RedisCommandPolicy`
/// (read-only; never KEYS, SCAN, GET, SLOWLOG RESET, CONFIG SET) and sent as separate
/// arguments, so the password is never part of a command string, a message or a log.
/// `collect(tier:)` runs each signal with its `timeout_ms`: `NOPERM` -> unavailable(permission)
/// naming the ACL rule to add, unknown command -> unavailable(unsupported), a signal that
/// times out -> unavailable(error) and a fresh connection for the next signal; a connection
/// that breaks otherwise makes `collect` throw `unreachable` with `isConnected` false.
public final class RedisDriver: EngineDriver {
    public let target: TargetConfig
    let catalog: RedisCatalog
    let agentVersion: String

    static let connectTimeout: Duration = .seconds(10)
    static let commandTimeout: Duration = .seconds(5)
    static let clientName = "logstag-agent"

    private var connection: RedisConnection?
    private var currentTimeout: Duration?
    /// The tier's INFO sections from one combined call (see `RedisInfoPrefetch`).
    private var prefetchedInfo: [String: RedisReply] = [:]
    /// Product and version, learned from INFO server at login (nil if INFO was refused).
    private(set) var identity: RedisServerIdentity?

    public init(target: TargetConfig, catalog: RedisCatalog, agentVersion: String) {
        self.target = target
        self.catalog = catalog
        self.agentVersion = agentVersion
    }

    deinit { close() }

    public var isConnected: Bool { connection?.isOpen ?? false }

    // MARK: - Connecting

    public func connect() throws(DriverError) {
        if isConnected { return }
        close()
        do {
            connection = try RedisConnection(host: target.host, port: target.port, connectTimeout: Self.connectTimeout)
        } catch {
            throw DriverError(
                reason: .unreachable,
                message: "Could not connect to \(productName) at \(address) for target \"\(target.name)\": \(error.message). "
                    + "Check db_host and db_port, that the server is running and listens on that address, and that no firewall blocks the agent.")
        }
        do {
            try logIn()
        } catch {
            close()
            throw error
        }
    }

    public func close() {
        connection?.close()
        connection = nil
        currentTimeout = nil
    }

    private func logIn() throws(DriverError) {
        if !target.username.isEmpty || !target.password.isEmpty {
            var auth = ["AUTH"]
            if !target.username.isEmpty { auth.append(target.username) }
            auth.append(target.password.reveal())
            if let error = try sessionCommand(auth, step: "logging in").errorMessage {
                throw loginRejected(error)
            }
        }
        if let error = try sessionCommand(["SELECT", target.databaseName], step: "selecting the database").errorMessage {
            switch RedisErrorReply(error) {
            case .authentication:
                throw loginRejected(error)
            case .permission where target.databaseName == "0":
                break  // a new connection already uses database 0
            case .permission:
                throw DriverError(
                    reason: .permission,
                    message: "\(userSubject) may not run SELECT, so database \(target.databaseName) cannot be used. Grant it with: ACL SETUSER \(aclUser) +select")
            default:
                throw DriverError(
                    reason: .error,
                    message: "\(productName) at \(address) refused database \(target.databaseName) (\(RedisErrorReply.summary(error))). "
                        + "Set db_name of target \"\(target.name)\" to a database number below the server's `databases` setting.")
            }
        }
        // A monitoring user may lack client|setname: naming the connection is a courtesy.
        if let error = try sessionCommand(["CLIENT", "SETNAME", Self.clientName], step: "naming the connection").errorMessage,
            RedisErrorReply(error) == .authentication
        {
            throw loginRejected(error)
        }
        let info = try sessionCommand(["INFO", "server"], step: "reading INFO server")
        if case .string(let text) = info {
            identity = RedisServerIdentity(infoServer: RedisInfoText.dictionary(text))
        } else if let error = info.errorMessage, RedisErrorReply(error) == .authentication {
            throw loginRejected(error)
        }
    }

    private func loginRejected(_ error: String) -> DriverError {
        let summary = RedisErrorReply.summary(error)
        if target.password.isEmpty {
            return DriverError(
                reason: .auth,
                message: "\(productName) at \(address) requires authentication (\(summary)), but target \"\(target.name)\" has no db_password. "
                    + "Set db_password (and db_username for an ACL user).")
        }
        return DriverError(
            reason: .auth,
            message: "\(productName) at \(address) rejected the login of \(userDescription) for target \"\(target.name)\" (\(summary)). "
                + "Check db_username and db_password; leave db_username empty for password-only auth.")
    }

    /// A command of the login sequence; transport failures become `DriverError`s.
    private func sessionCommand(_ arguments: [String], step: String) throws(DriverError) -> RedisReply {
        do {
            return try send(arguments, timeout: Self.commandTimeout)
        } catch {
            close()
            throw connectionFailure(error, step: step)
        }
    }

    // MARK: - Collecting

    public func collect(tier: Tier) throws(DriverError) -> TierCollection {
        try connect()
        let signals = catalog.signals(tier: tier)
        prefetchedInfo = try prefetchInfo(for: signals)
        defer { prefetchedInfo = [:] }
        var payloads: [SignalPayload] = []
        for signal in signals {
            // A signal that timed out closed the connection; the next one gets a fresh one.
            try connect()
            payloads.append(try collect(signal))
        }
        return TierCollection(instance: instanceInfo, signals: payloads)
    }

    /// One combined INFO for the tier's INFO signals; empty when there are fewer than two or
    /// the combined call fails (each signal then makes its own call).
    /// A lost connection is thrown like any signal's would be.
    private func prefetchInfo(for signals: [RedisSignal]) throws(DriverError) -> [String: RedisReply] {
        let sections = RedisInfoPrefetch.sections(of: signals)
        guard sections.count > 1, let timeout = signals.map(\.timeoutMs).max() else { return [:] }
        let reply: RedisReply
        do {
            reply = try send(["INFO"] + sections, timeout: .milliseconds(timeout))
        } catch {
            close()
            if case .io(_, timedOut: true) = error { return [:] }
            throw connectionFailure(error, step: "collecting INFO")
        }
        guard let text = reply.text else { return [:] }
        return RedisInfoPrefetch.split(text)
    }

    /// What this target is, as sent with every tier.
    var instanceInfo: InstanceInfo {
        InstanceInfo(host: target.host, port: target.port, version: identity?.version, platform: nil, databaseName: target.databaseName)
    }

    private enum SignalOutcome {
        case rows([[String: JSONValue]])
        case errorReply(String, command: [String])
        case badShape(String)
    }

    private func collect(_ signal: RedisSignal) throws(DriverError) -> SignalPayload {
        let clock = ContinuousClock()
        let start = clock.now
        func elapsed() -> Double {
            let duration = start.duration(to: clock.now)
            return Double(duration.components.seconds) * 1000 + Double(duration.components.attoseconds) / 1e15
        }

        let outcome: SignalOutcome
        do {
            outcome = try fetch(signal)
        } catch {
            close()
            if case .io(_, timedOut: true) = error {
                return SignalPayload(
                    name: signal.name, status: .unavailable, reason: .error,
                    message: "\(productName) did not answer \(RedisCommandPolicy.displayName(of: signal.command)) within \(signal.timeoutMs) ms; "
                        + "\(signal.name) was skipped this time and the agent reconnected.",
                    durationMs: elapsed())
            }
            throw connectionFailure(error, step: "collecting \(signal.name)")
        }

        switch outcome {
        case .rows(let rows):
            let limit = WireLimits.maxRowsPerSignal
            let message = rows.count > limit ? "Only the first \(limit) of \(rows.count) rows are sent." : nil
            return SignalPayload(name: signal.name, status: .ok, message: message, durationMs: elapsed(), rows: Array(rows.prefix(limit)))
        case .badShape(let problem):
            return SignalPayload(
                name: signal.name, status: .unavailable, reason: .error,
                message: "\(productName) answered \(RedisCommandPolicy.displayName(of: signal.command)) in an unexpected form (\(problem)).",
                durationMs: elapsed())
        case .errorReply(let error, let command):
            return try unavailable(signal, error: error, command: command, durationMs: elapsed())
        }
    }

    private func fetch(_ signal: RedisSignal) throws(RedisConnectionError) -> SignalOutcome {
        let timeout = Duration.milliseconds(signal.timeoutMs)
        let cached = RedisInfoPrefetch.section(of: signal.command).flatMap { prefetchedInfo[$0] }
        let reply: RedisReply
        if let cached {
            reply = cached
        } else {
            reply = try send(signal.command, timeout: timeout)
        }
        if let error = reply.errorMessage { return .errorReply(error, command: signal.command) }
        do {
            guard signal.parser == .acl else {
                return .rows(try RedisReplyRows.rows(signal: signal, reply: reply, context: .init(databaseName: target.databaseName)))
            }
            guard let names = reply.elements?.compactMap(\.text) else { return .badShape("ACL USERS did not answer with a list") }
            var users: [(name: String, reply: RedisReply)] = []
            for name in names.prefix(WireLimits.maxRowsPerSignal) {
                let command = signal.perUserCommand + [name]
                let userReply = try send(command, timeout: timeout)
                if let error = userReply.errorMessage { return .errorReply(error, command: command) }
                users.append((name, userReply))
            }
            return .rows(try RedisReplyRows.aclRows(signal: signal, users: users))
        } catch let error as RedisReplyShapeError {
            return .badShape(error.message)
        } catch let error as RedisConnectionError {
            throw error
        } catch {
            return .badShape("\(error)")
        }
    }

    private func unavailable(_ signal: RedisSignal, error: String, command: [String], durationMs: Double) throws(DriverError) -> SignalPayload {
        let display = RedisCommandPolicy.displayName(of: command)
        switch RedisErrorReply(error) {
        case .permission:
            return SignalPayload(
                name: signal.name, status: .unavailable, reason: .permission,
                message: "\(userSubject) may not run \(display), so \(signal.name) is not collected. "
                    + "Grant it with: ACL SETUSER \(aclUser) \(signal.aclRule)",
                durationMs: durationMs)
        case .unsupported:
            return SignalPayload(
                name: signal.name, status: .unavailable, reason: .unsupported,
                message: "This \(productName) server does not know \(display) (\(RedisErrorReply.summary(error))); it is older than "
                    + "\(productName) \(minimumVersionText) or the command was renamed, so \(signal.name) is not collected.",
                durationMs: durationMs)
        case .authentication:
            close()
            throw loginRejected(error)
        case .other:
            return SignalPayload(
                name: signal.name, status: .unavailable, reason: .error,
                message: "\(productName) answered \(display) with an error: \(RedisErrorReply.summary(error))",
                durationMs: durationMs)
        }
    }

    // MARK: - Sending

    /// Sends one command on the open connection, refusing anything off the allow-list.
    func send(_ arguments: [String], timeout: Duration) throws(RedisConnectionError) -> RedisReply {
        guard let connection, connection.isOpen else { throw .closed }
        guard RedisCommandPolicy.isAllowed(arguments) else {
            // Unreachable with a validated catalogue; a reply keeps a slip from becoming a crash.
            return .error("ERR \(RedisCommandPolicy.displayName(of: arguments)) is not on the agent's read-only allow-list")
        }
        if currentTimeout != timeout {
            connection.setCommandTimeout(timeout)
            currentTimeout = timeout
        }
        do {
            return try connection.command(arguments)
        } catch {
            close()
            throw error
        }
    }

    func connectionFailure(_ error: RedisConnectionError, step: String) -> DriverError {
        if case .io(_, timedOut: true) = error {
            return DriverError(
                reason: .timeout,
                message: "\(productName) at \(address) did not answer within \(Self.commandTimeout.components.seconds) s while \(step); "
                    + "the server may be overloaded or blocked. The agent reconnects on the next run.")
        }
        return DriverError(
            reason: .unreachable,
            message: "The connection to \(productName) at \(address) was lost while \(step) (\(error.message)). The agent reconnects on the next run.")
    }

    // MARK: - Wording

    var productName: String { (identity?.engine ?? target.engine).displayName }

    var address: String { "\(target.host):\(target.port)" }

    /// The ACL user the agent logs in as: `default` for password-only auth.
    var aclUser: String { target.username.isEmpty ? "default" : target.username }

    /// "the default user (password-only auth)" or "user "name"", for the middle of a sentence.
    var userDescription: String {
        target.username.isEmpty ? "the default user (password-only auth)" : "user \"\(target.username)\""
    }

    /// `userDescription` at the start of a sentence.
    var userSubject: String { userDescription.prefix(1).uppercased() + userDescription.dropFirst() }

    var minimumVersionText: String {
        let floor = identity?.minimumVersion ?? RedisServerIdentity(engine: target.engine, version: "").minimumVersion
        return "\(floor.major).\(floor.minor)"
    }
}
