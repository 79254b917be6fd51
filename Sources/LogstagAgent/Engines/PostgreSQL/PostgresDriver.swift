import LogstagCore

/// The PostgreSQL engine driver: one read-only libpq session per target, signals from the
/// manifest catalogue.
///
/// Contract (beyond `EngineDriver`): never more than one session to the target at a time.
/// Instance-scoped signals run on the session to the configured database; when a tier has
/// database-scoped signals, the driver lists the databases the user may connect to, closes
/// its session, connects to each database in turn (running every database-scoped signal of
/// the tier there), then reconnects to the configured database. Every `TierCollection`
/// carries `InstanceInfo` (host, port, version such as `15.20`, platform, database). The
/// `pg_stat_statements` counters of the previous run stay in memory for the driver's
/// lifetime, across reconnects. Not thread-safe: one caller at a time.
public final class PostgresDriver: EngineDriver {
    public let target: TargetConfig
    public let catalog: PostgresCatalog
    public let agentVersion: String

    private let parameters: PostgresConnectionParameters
    private var session: PostgresSession?
    private var statementTracker = PostgresStatementTracker()
    private var membershipCache: (session: PostgresSession, memberships: [String: Bool], readAt: ContinuousClock.Instant)?
    private var lastServerVersionNumber = 0

    public init(target: TargetConfig, catalog: PostgresCatalog, agentVersion: String) {
        self.target = target
        self.catalog = catalog
        self.agentVersion = agentVersion
        self.parameters = PostgresConnectionParameters(target: target)
    }

    deinit { session?.close() }

    public var isConnected: Bool { session != nil }

    public func connect() throws(DriverError) {
        guard session == nil else { return }
        let opened = try PostgresSession.open(parameters)
        lastServerVersionNumber = opened.serverVersionNumber
        session = opened
    }

    public func close() {
        session?.close()
        session = nil
    }

    public func collect(tier: Tier) throws(DriverError) -> TierCollection {
        try connect()
        guard let main = session else { throw lost("The session closed unexpectedly.") }
        let signals = catalog.signals(tier: tier)
        let facts = try userFacts(on: main)
        var payloads: [String: SignalPayload] = [:]

        for signal in signals where signal.scope == .instance {
            let clock = ContinuousClock.now
            let outcome: PostgresSignalOutcome
            do {
                switch signal.handler {
                case .query:
                    outcome = try PostgresSignalRunner.run(signal, on: main, facts: facts)
                case .statements:
                    outcome = try PostgresStatementsCollector.run(signal, on: main, facts: facts, tracker: &statementTracker)
                }
            } catch {
                close()
                throw lost(error.message)
            }
            payloads[signal.name] = outcome.payload(name: signal.name, durationMs: Self.milliseconds(since: clock))
        }

        let perDatabase = signals.filter { $0.scope == .database }
        if !perDatabase.isEmpty {
            for payload in try collectPerDatabase(perDatabase, facts: facts, main: main) {
                payloads[payload.name] = payload
            }
        }
        return TierCollection(instance: instanceInfo, signals: signals.compactMap { payloads[$0.name] })
    }

    public func connectionTest() -> ConnectionTestResult {
        var result = ConnectionTestResult(
            success: false, targetDatabase: target.databaseName, engine: .postgresql, host: target.host, port: target.port,
            agentVersion: agentVersion)
        // A session left over from earlier collections may have died since: test a fresh one then.
        if let existing = session, (try? existing.query("SELECT 1")) == nil {
            close()
        }
        do {
            try connect()
        } catch {
            result.checks = [PrerequisiteCheck(name: "Login works", status: .fail, detail: error.message)]
            result.configurationIssues = [error.message]
            result.fixSuggestions = [Self.fix(for: error, target: target)]
            return result
        }
        guard let session else { return result }
        result.success = true
        result.serverVersion = PostgresVersion.display(session.serverVersionNumber)
        let outcomes: [PostgresPrerequisites.Outcome]
        do {
            outcomes = try PostgresPrerequisites.gather(on: session, user: target.username).evaluate()
        } catch {
            close()
            result.checks = [
                PrerequisiteCheck(name: "Login works", status: .pass),
                PrerequisiteCheck(name: "Prerequisite checks", status: .unknown, detail: error.message),
            ]
            result.configurationIssues = [error.message]
            return result
        }
        result.checks = outcomes.map(\.check)
        for outcome in outcomes where outcome.check.status == .fail || outcome.check.status == .warn {
            result.configurationIssues.append(outcome.check.name + ": " + (outcome.check.detail ?? outcome.check.status.rawValue))
            if let fix = outcome.fix { result.fixSuggestions.append(fix) }
        }
        return result
    }

    // MARK: - Database-scoped signals

    /// Runs `signals` in every database the user may connect to, one session at a time.
    private func collectPerDatabase(_ signals: [PostgresSignal], facts: PostgresUserFacts, main: PostgresSession) throws(DriverError)
        -> [SignalPayload]
    {
        let clock = ContinuousClock.now
        var databases: [String]
        do {
            databases = try main.query(
                """
                SELECT datname FROM pg_database
                WHERE datallowconn AND NOT datistemplate AND has_database_privilege(oid, 'CONNECT')
                ORDER BY datname
                """
            ).rows.compactMap { $0[0] }
        } catch {
            if error.connectionLost {
                close()
                throw lost(error.description)
            }
            let reason = PostgresFailureClassifier.unavailableReason(error)
            return signals.map {
                PostgresSignalOutcome.unavailable(reason, "The databases to visit could not be listed: \(error.description).")
                    .payload(name: $0.name, durationMs: Self.milliseconds(since: clock))
            }
        }
        // The configured database first: it is the one the operator cares about most.
        if let index = databases.firstIndex(of: target.databaseName) {
            databases.insert(databases.remove(at: index), at: 0)
        }

        var outcomes: [String: [(database: String, outcome: PostgresSignalOutcome)]] = [:]
        var durations: [String: Double] = [:]
        close()
        for database in databases {
            let session: PostgresSession
            do {
                session = try PostgresSession.open(parameters.with(database: database))
            } catch {
                let reason: UnavailableReason = error.reason == .auth || error.reason == .permission ? .permission : .error
                for signal in signals {
                    outcomes[signal.name, default: []].append((database, .unavailable(reason, error.message)))
                }
                continue
            }
            var databaseFacts = facts
            databaseFacts.serverVersionNumber = session.serverVersionNumber
            var lostMessage: String?
            for signal in signals {
                let started = ContinuousClock.now
                let outcome: PostgresSignalOutcome
                if let lostMessage {
                    outcome = .unavailable(.error, lostMessage)
                } else {
                    do {
                        outcome = try PostgresSignalRunner.run(signal, on: session, facts: databaseFacts)
                    } catch {
                        // This database's session broke; the others still get their turn.
                        lostMessage = error.message
                        outcome = .unavailable(.error, error.message)
                    }
                }
                outcomes[signal.name, default: []].append((database, outcome))
                durations[signal.name, default: 0] += Self.milliseconds(since: started)
            }
            session.close()
        }
        try connect()
        return signals.map { signal in
            PostgresSignalOutcome.merge(name: signal.name, outcomes: outcomes[signal.name] ?? [], durationMs: durations[signal.name] ?? 0)
        }
    }

    // MARK: - Helpers

    /// How long role memberships are reused: a GRANT or REVOKE shows within this time, and
    /// the check costs one query per 5 minutes instead of one per tier run.
    static let membershipCacheSeconds: Duration = .seconds(300)

    /// The user's required-role memberships, read at most every 5 minutes per session.
    private func userFacts(on session: PostgresSession) throws(DriverError) -> PostgresUserFacts {
        var facts = PostgresUserFacts(user: target.username, serverVersionNumber: session.serverVersionNumber, roleMemberships: nil)
        let roles = Array(Set(catalog.signals.compactMap(\.requiresRole))).sorted()
        guard !roles.isEmpty else {
            facts.roleMemberships = [:]
            return facts
        }
        if let cached = membershipCache, cached.session === session, ContinuousClock.now - cached.readAt < Self.membershipCacheSeconds {
            facts.roleMemberships = cached.memberships
            return facts
        }
        defer {
            if let memberships = facts.roleMemberships {
                membershipCache = (session, memberships, ContinuousClock.now)
            }
        }
        do {
            let rows = try session.query(
                """
                SELECT wanted.name, coalesce(pg_has_role(current_user, r.oid, 'USAGE'), false)
                FROM unnest($1::text[]) AS wanted(name)
                LEFT JOIN pg_roles r ON r.rolname = wanted.name
                """, parameters: [PostgresIdentifier.arrayLiteral(roles)])
            var memberships: [String: Bool] = [:]
            for row in rows.rows {
                if let name = row[0] { memberships[name] = row[1] == "t" }
            }
            facts.roleMemberships = memberships
        } catch {
            if error.connectionLost {
                close()
                throw lost(error.description)
            }
        }
        return facts
    }

    private var instanceInfo: InstanceInfo {
        InstanceInfo(
            host: target.host, port: target.port,
            version: lastServerVersionNumber > 0 ? PostgresVersion.display(lastServerVersionNumber) : nil, platform: target.platform,
            databaseName: target.databaseName)
    }

    private func lost(_ detail: String) -> DriverError {
        DriverError(
            reason: .unreachable,
            message: "The connection to PostgreSQL at \(target.host):\(target.port) was lost: \(detail) The agent reconnects on the next collection.")
    }

    private static func fix(for error: DriverError, target: TargetConfig) -> String {
        switch error.reason {
        case .auth:
            "Check db_username and db_password of target \(target.name) in the agent configuration, and that pg_hba.conf has a host line allowing user \(target.username) to database \(target.databaseName) from the agent's address (scram-sha-256 or md5); reload PostgreSQL after editing pg_hba.conf."
        case .unreachable, .timeout:
            "Check db_host and db_port of target \(target.name), that PostgreSQL is running and listens on that address (listen_addresses, port), and that firewalls allow the agent host."
        case .permission:
            "Grant the monitoring user CONNECT on database \(target.databaseName): GRANT CONNECT ON DATABASE \(PostgresIdentifier.quoted(target.databaseName)) TO \(PostgresIdentifier.quoted(target.username));"
        case .error:
            "Check the target's settings (database name, sslmode, sslrootcert) in the agent configuration and the PostgreSQL server log for the reason."
        }
    }

    private static func milliseconds(since start: ContinuousClock.Instant) -> Double {
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) * 1000 + Double(elapsed.components.attoseconds) / 1e15
    }

    // MARK: - Test hooks

    /// Runs `sql` on the driver's own session (tests prove the session is read-only with it).
    @discardableResult
    func _executeForTesting(_ sql: String) throws -> [[String?]] {
        try connect()
        guard let session else { throw lost("no session") }
        return try session.query(sql).rows
    }

    /// The backend pid of the driver's session, nil when closed.
    var _backendPIDForTesting: Int? { session?.backendPID }

    /// The pg_stat_statements tracker, for tests of the delta logic against a real server.
    var _statementTrackerForTesting: PostgresStatementTracker { statementTracker }
}
