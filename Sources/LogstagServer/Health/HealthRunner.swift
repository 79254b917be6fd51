import Foundation
import LogstagCore
import LogstagStorage

/// Moves health-check runs through their lifecycle, one step per tick:
/// Pending -> (snapshot command queued) Collecting -> (command answered ok and fresh data of
/// every tier the catalogue needs stored) Generating Report -> (report stored) Completed.
///
/// Contract: a run past its deadline becomes Timeout; a failed command, a missing agent or a
/// report that cannot be built makes it Failure with a sentence for people; nothing here
/// throws out of `tick` or crashes the server. Every state change is a compare-and-set in
/// the store, so a run cancelled meanwhile stays Cancelled.
struct HealthRunner: Sendable {
    let services: AppServices

    /// Data collected this long before the run started still counts as fresh: the agent's
    /// clock may lag the server's a little.
    static let clockSlack: TimeInterval = 30

    var store: HealthRunStore { services.healthRuns }

    /// Advances every unfinished run by at most one step (two when the data is complete:
    /// Collecting -> Generating Report -> Completed happen in the same tick).
    func tick() {
        let runs: [HealthRunRecord]
        do { runs = try store.openRuns() } catch {
            services.logger.error("Health runner could not list runs", metadata: ["error": "\(error)"])
            return
        }
        for run in runs {
            do {
                try advance(run)
            } catch {
                services.logger.error("Health run step failed", metadata: ["run": "\(run.id)", "error": "\(error)"])
                fail(run, "The health check stopped on an internal error: \(error).")
            }
        }
    }

    func advance(_ run: HealthRunRecord) throws {
        let now = services.clock()
        if now >= run.deadlineAt {
            try timeOut(run, now: now)
            return
        }
        switch run.status {
        case .pending: try startCollecting(run, now: now)
        case .collecting: try checkCollection(run, now: now)
        case .generatingReport: generate(run)
        case .completed, .failure, .cancelled, .timeout: return
        }
    }

    // MARK: - Steps

    func startCollecting(_ run: HealthRunRecord, now: Date) throws {
        guard let asset = try services.assets.asset(orgID: run.orgID, id: run.assetID) else {
            return fail(run, "The instance was deleted.")
        }
        guard case .available(let catalogue) = HealthCatalogues.catalogue(for: asset.engine) else {
            return fail(run, "Health checks are not available for \(asset.engine.displayName).")
        }
        let since = now.addingTimeInterval(-AssetStatusRule.staleAfter)
        guard try store.agentConnected(orgID: run.orgID, assetID: run.assetID, since: since) else {
            return fail(
                run,
                "No agent has reported for this asset in the last 5 minutes, so no fresh data can be collected. "
                    + "Check that the agent runs (systemctl status logstag-agent) and can reach this server, then start the check again.")
        }
        // Taken before the request, so every row the agent stores for it is above the mark.
        let watermark = try store.snapshotWatermark()
        let commandID = try services.agents.enqueue(
            orgID: run.orgID, assetID: run.assetID, kind: CommandKind.snapshot.rawValue, requestedBy: run.requestedBy,
            tiers: catalogue.tiers, now: now)
        services.commandSignal.bump()
        try store.transition(
            orgID: run.orgID, id: run.id, from: [.pending], to: .collecting, now: now, commandID: commandID, startedAt: now,
            snapshotWatermark: watermark)
    }

    func checkCollection(_ run: HealthRunRecord, now: Date) throws {
        guard let commandID = run.commandID else {
            return fail(run, "The health check lost track of its snapshot request; start it again.")
        }
        guard let command = try services.agents.command(orgID: run.orgID, assetID: run.assetID, id: commandID) else {
            return fail(run, "The snapshot request for the agent disappeared; start the check again.")
        }
        switch command.status {
        case .queued, .sent:
            return
        case .failed:
            return fail(run, "The agent could not collect a fresh snapshot: \(command.message ?? "it gave no reason").")
        case .passed, .timedOut:
            // A command expires after 100 s while a large schema snapshot may take longer: the
            // late answer is then dropped, but the data still arrives, so the data decides.
            guard try missingTiers(run).isEmpty else { return }
            guard try store.transition(orgID: run.orgID, id: run.id, from: [.collecting], to: .generatingReport, now: now) else { return }
            var next = run
            next.status = .generatingReport
            generate(next)
        }
    }

    /// Tiers the catalogue needs that have no snapshot stored since the run asked for one.
    func missingTiers(_ run: HealthRunRecord) throws -> [Tier] {
        guard let asset = try services.assets.asset(orgID: run.orgID, id: run.assetID),
              case .available(let catalogue) = HealthCatalogues.catalogue(for: asset.engine)
        else { return [] }
        // Fresh = stored after the request (snapshot ids only grow), not "collected after the
        // start": the agent's clock may differ, and a clock slack would accept the previous
        // run's data when two checks follow each other closely.
        // Fresh = stored after the request (snapshot ids only grow: the previous run's data of a
        // few seconds ago does not count) and collected after the start (an old spool backlog
        // delivered now does not count either).
        let started = (run.startedAt ?? run.createdAt).addingTimeInterval(-Self.clockSlack)
        let fresh = try store.tiersStored(orgID: run.orgID, assetID: run.assetID, after: run.snapshotWatermark ?? 0, collectedSince: started)
        return catalogue.tiers.filter { !fresh.contains($0) }
    }

    /// Builds and stores the report; any error ends the run as Failure with the reason.
    func generate(_ run: HealthRunRecord) {
        do {
            guard let asset = try services.assets.asset(orgID: run.orgID, id: run.assetID) else {
                return fail(run, "The instance was deleted.")
            }
            guard case .available(let catalogue) = HealthCatalogues.catalogue(for: asset.engine) else {
                return fail(run, "Health checks are not available for \(asset.engine.displayName).")
            }
            let report = try HealthReportGenerator(store: store).report(run: run, asset: asset, catalogue: catalogue, now: services.clock())
            if try store.complete(orgID: run.orgID, id: run.id, report: report, now: services.clock()) {
                services.logger.info(
                    "Health check completed",
                    metadata: ["run": "\(run.id)", "asset": "\(asset.id)", "score": "\(report.score.overall.map { String(Int($0.rounded())) } ?? "none")"])
            }
        } catch {
            services.logger.error("Health report failed", metadata: ["run": "\(run.id)", "error": "\(error)"])
            fail(run, "The report could not be generated: \(error).")
        }
    }

    func timeOut(_ run: HealthRunRecord, now: Date) throws {
        var message = "The health check did not finish within \(Int(HealthService.runDeadline / 60)) minutes."
        if run.status == .collecting, let commandID = run.commandID,
           let command = try services.agents.command(orgID: run.orgID, assetID: run.assetID, id: commandID)
        {
            if command.status == .passed {
                let missing = try missingTiers(run)
                message = "The agent collected a snapshot, but fresh data of the \(missing.map(\.rawValue).joined(separator: ", ")) tier(s) "
                    + "did not reach the server in time; check the agent's log for delivery errors."
            } else {
                message = "The agent did not answer the snapshot request in time; check that it is running and connected."
            }
        }
        try store.transition(orgID: run.orgID, id: run.id, from: HealthRunStore.openStatuses, to: .timeout, now: now, message: message)
    }

    /// Ends the run as Failure (from any unfinished state); errors here are only logged.
    func fail(_ run: HealthRunRecord, _ message: String) {
        do {
            try store.transition(
                orgID: run.orgID, id: run.id, from: HealthRunStore.openStatuses, to: .failure, now: services.clock(), message: message)
        } catch {
            services.logger.error("Health run could not be marked failed", metadata: ["run": "\(run.id)", "error": "\(error)"])
        }
    }
}
