import Dispatch
import Foundation
import LogstagCore
import Logging

/// Runs one target's tiers on its single database connection.
///
/// Contract: every driver call happens on this runner's serial queue, so the driver keeps one
/// connection and never runs two signals at once. `collect(_:)` returns nil when the same
/// tier's previous run has not finished (the tick is skipped, never queued twice). While the
/// target is unreachable or refuses the login, `ConnectBackoff` decides when the next login
/// is tried; a tick in between reports the last failure without touching the database, except
/// that an open TCP port after an `unreachable` failure allows an immediate retry.
public actor TargetRunner {
    public let target: TargetConfig
    private let driver: DriverBox
    private let queue: DispatchQueue
    private let logger: Logger
    private let now: @Sendable () -> Date
    private var backoff = ConnectBackoff()
    private var busy: Set<Tier> = []
    private var lastFailure: DriverError?
    /// The login in progress, if any: a tick, a connection test or a snapshot that needs the
    /// connection while another is logging in waits for that login instead of starting its own
    /// (the actor is re-entered at every await, so without this a wrong password could be tried
    /// twice within one backoff period).
    private var loginInFlight: Task<DriverError?, Never>?
    public private(set) var stats = TargetRunnerStats()

    public init(target: TargetConfig, driver: any EngineDriver, logger: Logger, now: @escaping @Sendable () -> Date = Date.init) {
        self.target = target
        self.driver = DriverBox(driver)
        self.queue = DispatchQueue(label: "logstag.target.\(target.name)")
        var logger = logger
        logger[metadataKey: "target"] = "\(target.name)"
        self.logger = logger
        self.now = now
    }

    /// Collects one tier, or returns nil when that tier is still running from its last tick.
    public func collect(_ tier: Tier) async -> TargetPayload? {
        guard !busy.contains(tier) else {
            stats.skippedTicks += 1
            logger.warning("skipped a tick: the previous run of this tier is still going", metadata: ["tier": "\(tier.rawValue)", "phase": "collection"])
            return nil
        }
        busy.insert(tier)
        defer { busy.remove(tier) }
        let startedAt = now()
        let assetID = target.assetID ?? ""

        if let failure = await connectIfAllowed(at: startedAt) {
            return TargetPayload(
                assetID: assetID, targetName: target.name, tier: tier, collectedAt: startedAt,
                instance: InstanceInfo(host: target.host, port: target.port, databaseName: target.databaseName),
                targetStatus: TargetStatus(ok: false, reason: failure.reason, message: failure.message), signals: [])
        }
        let outcome: Result<TierCollection, DriverError> = await onQueue { driver in
            do throws(DriverError) {
                return .success(try driver.collect(tier: tier))
            } catch {
                return .failure(error)
            }
        }
        switch outcome {
        case .success(let collection):
            stats.collections += 1
            return TargetPayload(
                assetID: assetID, targetName: target.name, tier: tier, collectedAt: startedAt, instance: collection.instance,
                targetStatus: TargetStatus(ok: true), signals: collection.signals)
        case .failure(let error):
            // The connection was lost mid-run: report it; the next tick reconnects (with backoff).
            stats.connectionLosses += 1
            backoff.failed(error.reason, at: now())
            lastFailure = error
            logger.error("lost the database connection", metadata: ["phase": "collection", "reason": "\(error.reason.rawValue)", "error": "\(error.message)"])
            return TargetPayload(
                assetID: assetID, targetName: target.name, tier: tier, collectedAt: startedAt,
                instance: InstanceInfo(host: target.host, port: target.port, databaseName: target.databaseName),
                targetStatus: TargetStatus(ok: false, reason: error.reason, message: error.message), signals: [])
        }
    }

    /// Runs the engine's connection test (prerequisites included) on the runner's queue.
    ///
    /// The login goes through the same backoff as collection: a test that arrives while a
    /// rejected login is being waited out reports that failure instead of trying again, and a
    /// test whose login is rejected starts the 5-minute wait, so connection tests can never add
    /// login attempts against the monitoring account.
    public func connectionTest() async -> ConnectionTestResult {
        if let failure = await connectIfAllowed(at: now()) {
            return failedTest(failure)
        }
        let result = await onQueue { driver in driver.connectionTest() }
        if result.success {
            backoff.succeeded()
            lastFailure = nil
        }
        return result
    }

    private func failedTest(_ failure: DriverError) -> ConnectionTestResult {
        let waitUntil = backoff.nextAttempt
        let next = waitUntil > now() ? " The agent tries again after \(Int(waitUntil.timeIntervalSince(now()).rounded())) s." : ""
        let fix: String =
            switch failure.reason {
            case .auth: "Check db_username and db_password for this target (encrypt the new password with `logstag --mode agent --encrypt`), then restart the agent."
            case .unreachable, .timeout: "Check db_host and db_port, and that the database accepts connections from this host."
            case .permission: "Grant the monitoring user CONNECT on the database (see the engine's collector README)."
            case .error: "See the agent log for details."
            }
        return ConnectionTestResult(
            success: false, targetDatabase: target.databaseName, engine: target.engine, host: target.host, port: target.port,
            agentVersion: LogstagVersion.current,
            checks: [PrerequisiteCheck(name: "Connect and authenticate", status: .fail, detail: failure.message + next)],
            configurationIssues: [failure.message], fixSuggestions: [fix])
    }

    /// Whether the connection is currently open, and the last failure if it is not.
    public func connectionState() async -> (connected: Bool, failure: DriverError?, backoff: ConnectBackoff) {
        let connected = await onQueue { driver in driver.isConnected }
        return (connected, connected ? nil : lastFailure, backoff)
    }

    /// Closes the connection.
    public func close() async {
        await onQueue { driver in driver.close() }
    }

    /// Returns nil when connected (or connected now), else the failure to report this tick.
    private func connectIfAllowed(at time: Date) async -> DriverError? {
        if let loginInFlight { return await loginInFlight.value }
        let login = Task { await self.connectOnceIfAllowed(at: time) }
        loginInFlight = login
        return await login.value
    }

    /// One connection attempt, unless the backoff says to wait (see `connectIfAllowed`).
    private func connectOnceIfAllowed(at time: Date) async -> DriverError? {
        defer { loginInFlight = nil }
        if await onQueue({ driver in driver.isConnected }) { return nil }
        if !backoff.mayAttempt(at: time), lastFailure?.reason == .unreachable || lastFailure?.reason == .timeout {
            let host = target.host
            let port = target.port
            let open = await onQueue { _ in TCPProbe.isOpen(host: host, port: port) }
            if open { backoff.portReopened(at: time) }
        }
        guard backoff.mayAttempt(at: time) else {
            return lastFailure ?? DriverError(reason: .unreachable, message: "Waiting before the next connection attempt.")
        }
        let result: DriverError? = await onQueue { driver in
            do throws(DriverError) {
                try driver.connect()
                return nil
            } catch {
                return error
            }
        }
        if let result {
            backoff.failed(result.reason, at: time)
            lastFailure = result
            stats.failedConnects += 1
            let wait = Int(backoff.nextAttempt.timeIntervalSince(time).rounded())
            logger.error(
                "could not connect to the database; next attempt in \(wait) s",
                metadata: ["phase": result.reason == .auth ? "authentication" : "connectivity", "reason": "\(result.reason.rawValue)", "error": "\(result.message)"])
            return result
        }
        if stats.failedConnects > 0 || stats.connectionLosses > 0 {
            logger.info("connected to the database again", metadata: ["phase": "connectivity"])
        }
        stats.connects += 1
        backoff.succeeded()
        lastFailure = nil
        return nil
    }

    private func onQueue<T: Sendable>(_ work: @escaping @Sendable (any EngineDriver) -> T) async -> T {
        let box = driver
        return await withCheckedContinuation { continuation in
            queue.async { continuation.resume(returning: work(box.driver)) }
        }
    }
}

/// Counters a runner keeps for self-monitoring.
public struct TargetRunnerStats: Sendable, Equatable {
    public var collections = 0
    public var skippedTicks = 0
    public var connects = 0
    public var failedConnects = 0
    public var connectionLosses = 0
}

/// Carries the non-Sendable driver into the runner's queue; only that queue touches it.
final class DriverBox: @unchecked Sendable {
    let driver: any EngineDriver
    init(_ driver: any EngineDriver) { self.driver = driver }
}
