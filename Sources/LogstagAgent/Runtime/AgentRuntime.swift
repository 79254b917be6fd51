import Dispatch
import Foundation
import Logging
import LogstagCore

/// The running agent: one `TargetRunner` per enrolled target, four tier loops each, the spool
/// and its sender, and the command long-poll.
///
/// Contract: every payload is written to the spool before anything is sent; a tier tick that
/// finds its previous run still going is skipped; targets without an `asset_id` are not
/// collected (a warning says how to enroll them); `mock_mode` collects and spools but never
/// contacts the server. `run()` returns when its task is cancelled, after closing every
/// database connection.
public final class AgentRuntime: Sendable {
    public let config: AgentConfig
    let logger: Logger
    let hostname: String
    let runners: [TargetRunner]
    let spool: Spool
    let delivery: Sender?
    let commands: CommandChannel?

    public init(config: AgentConfig, logger: Logger) throws(AgentActionError) {
        self.config = config
        self.logger = logger
        self.hostname = ProcessInfo.processInfo.hostName
        let settings = config.agent
        do {
            spool = try Spool(
                directory: settings.stateDirectory + "/spool", maxBytes: settings.spoolMaxBytes, hostname: ProcessInfo.processInfo.hostName,
                agentVersion: LogstagVersion.current, exportDirectory: settings.exportToFile ? settings.exportPath : nil,
                logger: logger)
        } catch {
            throw AgentActionError("Cannot open the spool in \(settings.stateDirectory)/spool: \(error)")
        }
        var runners: [TargetRunner] = []
        for target in config.targets {
            guard target.assetID != nil else {
                logger.warning(
                    "target is not enrolled, so it is not collected: run `logstag --mode agent --enroll --target \(target.name)` with its registration token",
                    metadata: ["target": "\(target.name)", "phase": "registration"])
                continue
            }
            do {
                let driver = try EngineDrivers.make(for: target, agentVersion: LogstagVersion.current)
                runners.append(TargetRunner(target: target, driver: driver, logger: logger))
            } catch {
                logger.error("target cannot be collected", metadata: ["target": "\(target.name)", "error": "\(error.message)"])
            }
        }
        self.runners = runners
        let transport = CurlTransport(caFile: settings.serverCAFile, userAgent: "logstag-agent/\(LogstagVersion.current)")
        if settings.mockMode {
            // Collect and spool as usual; the sender discards instead of sending.
            delivery = Sender(
                configuration: SenderConfiguration(baseURL: settings.apiBaseURL, agentKey: SecretValue(""), mockMode: true),
                spool: spool, transport: transport, logger: logger)
            commands = nil
        } else {
            guard let key = settings.apiKey else {
                throw AgentActionError("The agent has no api_key yet: enroll it first with `logstag --mode agent --enroll` and a registration token.")
            }
            delivery = Sender(
                configuration: SenderConfiguration(baseURL: settings.apiBaseURL, agentKey: key, compressRequests: settings.compressRequestPayload),
                spool: spool, transport: transport, logger: logger)
            commands = CommandChannel(baseURL: settings.apiBaseURL, agentKey: key, transport: transport, logger: logger)
        }
    }

    /// Runs until the surrounding task is cancelled.
    public func run() async {
        logger.info(
            "agent started",
            metadata: ["version": "\(LogstagVersion.current)", "targets": "\(runners.count)", "spool": "\(spool.directory)"])
        await withDiscardingTaskGroup { group in
            if let delivery { group.addTask { await delivery.run() } }
            if let commands { group.addTask { await commands.run { command in await self.handle(command) } } }
            for runner in runners {
                for tier in Tier.allCases {
                    guard let schedule = TierSchedule(tier: tier, intervalSeconds: config.agent.interval(for: tier)) else { continue }
                    group.addTask { await self.tierLoop(runner, schedule) }
                }
            }
            group.addTask { await self.memoryTrimLoop() }
        }
        for runner in runners { await runner.close() }
        logger.info("agent stopped")
    }

    /// Runs `run()` until SIGTERM or SIGINT.
    public func runUntilTerminated() async {
        signal(SIGTERM, SIG_IGN)
        signal(SIGINT, SIG_IGN)
        signal(SIGPIPE, SIG_IGN)
        let task = Task { await self.run() }
        let sources = [SIGTERM, SIGINT].map { number -> any DispatchSourceSignal in
            let source = DispatchSource.makeSignalSource(signal: number, queue: .global())
            source.setEventHandler { task.cancel() }
            source.resume()
            return source
        }
        await task.value
        sources.forEach { $0.cancel() }
    }

    /// Trims the resident set once every tier has had a chance to run, then every minute (see
    /// `ResidentMemoryTrim` for why a one-binary agent needs this). A trim costs well under a
    /// millisecond plus a few thousand minor faults for the pages that come back.
    func memoryTrimLoop() async {
        var delay = Double(config.agent.startupWarmupDelay) + 90
        while (try? await Task.sleep(for: .seconds(delay))) != nil {
            let advised = ResidentMemoryTrim.run()
            logger.debug("resident memory trimmed", metadata: ["advised_bytes": "\(advised)"])
            delay = 60
        }
    }

    // MARK: - Collection

    func tierLoop(_ runner: TargetRunner, _ schedule: TierSchedule) async {
        var random = SystemRandomNumberGenerator()
        let first = schedule.firstDelay(warmup: TimeInterval(config.agent.startupWarmupDelay), using: &random)
        guard (try? await Task.sleep(for: .seconds(first))) != nil else { return }
        await withDiscardingTaskGroup { ticks in
            while !Task.isCancelled {
                // Each run is its own child task, so a slow run never delays the schedule: the
                // runner skips the next tick while this one is still going.
                ticks.addTask { await self.collectAndSpool(runner, schedule.tier) }
                guard (try? await Task.sleep(for: .seconds(schedule.nextDelay(using: &random)))) != nil else { break }
            }
        }
    }

    func collectAndSpool(_ runner: TargetRunner, _ tier: Tier) async {
        guard var payload = await runner.collect(tier) else { return }
        if tier == selfMonitoringTier {
            payload.signals.append(await selfMonitoringSignal(runner))
        }
        do {
            try spool.append([payload], tier: tier)
        } catch {
            logger.error("could not write to the spool", metadata: ["target": "\(runner.target.name)", "phase": "submission", "error": "\(error)"])
        }
    }

    /// The fastest enabled tier carries the agent's own health.
    var selfMonitoringTier: Tier {
        Tier.allCases.first { config.agent.interval(for: $0) > 0 } ?? .high
    }

    func selfMonitoringSignal(_ runner: TargetRunner) async -> SignalPayload {
        let process = ProcessStats.current()
        let runnerStats = await runner.stats
        var row: [String: JSONValue] = [
            "spool_bytes": .number(Double(spool.byteCount)), "spool_batches": .number(Double(spool.count)),
            "collections": .number(Double(runnerStats.collections)), "skipped_ticks": .number(Double(runnerStats.skippedTicks)),
            "connects": .number(Double(runnerStats.connects)), "failed_connects": .number(Double(runnerStats.failedConnects)),
            "connection_losses": .number(Double(runnerStats.connectionLosses)),
        ]
        if let rss = process.residentBytes { row["rss_bytes"] = .number(Double(rss)) }
        // Host memory only describes the database's host when the database is on this machine;
        // health rules compare memory settings with it and see "no data" otherwise.
        if runner.target.isLoopback, let memory = ProcessStats.hostMemoryBytes() { row["host_memory_bytes"] = .number(Double(memory)) }
        if let cpu = process.cpuSeconds { row["cpu_seconds"] = .number(cpu) }
        if let stats = delivery?.stats {
            row["sent_batches"] = .number(Double(stats.sentBatches))
            row["retries"] = .number(Double(stats.retries))
            row["poisoned_batches"] = .number(Double(stats.poisonedBatches))
            row["dropped_batches"] = .number(Double(stats.droppedBatches))
            row["credentials_rejected"] = .bool(stats.credentialsRejected)
            if let error = stats.lastError { row["last_delivery_error"] = .string(Redaction.redactText(error)) }
        }
        return SignalPayload(name: "agent_self", status: .ok, durationMs: 0, rows: [row])
    }

    // MARK: - Commands

    func handle(_ command: AgentCommand) async -> CommandResult {
        guard let runner = runners.first(where: { $0.target.assetID == command.assetID }) else {
            return CommandResult(
                commandID: command.id, ok: false,
                message: "The running agent has no target for asset \(command.assetID): a target enrolled after it started is collected once the agent is restarted (systemctl restart logstag-agent).")
        }
        switch command.kind {
        case .connectionTest:
            let result = await runner.connectionTest()
            logger.info(
                "connection test answered", metadata: ["target": "\(runner.target.name)", "success": "\(result.success)", "phase": "connectivity"])
            return CommandResult(commandID: command.id, ok: true, result: result)
        case .snapshot:
            var collected: [Tier] = []
            let wanted = command.tiers ?? Tier.allCases
            for tier in Tier.allCases where wanted.contains(tier) {
                guard var payload = await runner.collect(tier) else { continue }
                if tier == selfMonitoringTier { payload.signals.append(await selfMonitoringSignal(runner)) }
                do {
                    try spool.append([payload], tier: tier)
                    collected.append(tier)
                } catch {
                    return CommandResult(commandID: command.id, ok: false, message: "Could not spool the snapshot: \(error)")
                }
            }
            return CommandResult(commandID: command.id, ok: true, message: "Collected tiers: \(collected.map(\.rawValue).joined(separator: ", ")).")
        }
    }
}
