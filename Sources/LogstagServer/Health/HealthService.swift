import Foundation
import LogstagCore
import LogstagStorage

/// The rules for health checks as people use them: start, list, read, cancel and compare runs,
/// the latest score per asset, and the organisation's schedule. Used by the JSON API and the
/// pages; every call is scoped to the caller's organisation.
///
/// Contract: reading needs `view_databases`; starting, cancelling and changing the schedule
/// need `manage_databases`. The lifecycle itself (collection, report) is `HealthRunner`'s.
struct HealthService: Sendable {
    let services: AppServices

    /// A run not finished this long after it was created becomes Timeout.
    static let runDeadline: TimeInterval = 10 * 60
    static let intervalRange = 0...168

    var store: HealthRunStore { services.healthRuns }

    /// Starts a manual run (Pending; the runner takes it from there).
    func start(identity: Identity, assetID: String) async throws -> HealthRunRecord {
        try identity.require(.manageDatabases)
        guard let asset = try services.assets.asset(orgID: identity.orgID, id: assetID) else { throw AppError.notFound("asset") }
        return try create(asset: asset, trigger: .manual, requestedBy: identity.user?.id)
    }

    /// Starts a scheduled run for an asset the scheduler found due.
    func startScheduled(orgID: String, assetID: String) throws -> HealthRunRecord {
        guard let asset = try services.assets.asset(orgID: orgID, id: assetID) else { throw AppError.notFound("asset") }
        return try create(asset: asset, trigger: .schedule, requestedBy: nil)
    }

    func create(asset: Asset, trigger: HealthRunRecord.Trigger, requestedBy: String?) throws -> HealthRunRecord {
        switch HealthCatalogues.catalogue(for: asset.engine) {
        case .available: break
        case .unsupported:
            throw AppError(.unprocessableContent, "health_check_unsupported",
                           "Health checks are not available for \(asset.engine.displayName) yet; they cover PostgreSQL, Redis and Valkey.")
        case .broken(let why):
            services.logger.error("Health catalogue does not parse", metadata: ["error": "\(why)"])
            throw AppError(.unprocessableContent, "health_catalogue_invalid",
                           "The \(asset.engine.displayName) health rules bundled with this server are damaged; see the server log.")
        }
        let now = services.clock()
        let run = HealthRunRecord(
            id: IDGenerator.make(), orgID: asset.orgID, assetID: asset.id, trigger: trigger, requestedBy: requestedBy, createdAt: now,
            deadlineAt: now.addingTimeInterval(Self.runDeadline))
        do {
            try store.create(run)
        } catch StorageError.conflict {
            throw AppError(.conflict, "health_check_running", "A health check of \(asset.name) is already running; wait for it or cancel it.")
        } catch let error as StorageError {
            throw AppError.from(error)
        }
        services.logger.info("Health check requested", metadata: ["run": "\(run.id)", "asset": "\(asset.id)", "trigger": "\(trigger.rawValue)"])
        return run
    }

    /// Runs of an asset, newest first (without reports).
    func runs(identity: Identity, assetID: String, limit: Int) throws -> [HealthRunRecord] {
        try identity.require(.viewDatabases)
        guard try services.assets.asset(orgID: identity.orgID, id: assetID) != nil else { throw AppError.notFound("asset") }
        return try store.runs(orgID: identity.orgID, assetID: assetID, limit: min(max(1, limit), 500))
    }

    /// One run with its report when Completed.
    func run(identity: Identity, runID: String) throws -> HealthRunRecord {
        try identity.require(.viewDatabases)
        guard let run = try store.run(orgID: identity.orgID, id: runID) else { throw AppError.notFound("health check") }
        return run
    }

    /// Cancels an unfinished run; a late agent answer or report cannot complete it afterwards.
    func cancel(identity: Identity, runID: String) throws -> HealthRunRecord {
        try identity.require(.manageDatabases)
        let current = try run(identity: identity, runID: runID)
        guard !current.status.isFinal else { throw Self.finished(current) }
        let who = identity.user?.email ?? "an API key"
        let moved = try store.transition(
            orgID: identity.orgID, id: runID, from: HealthRunStore.openStatuses, to: .cancelled, now: services.clock(),
            message: "Cancelled by \(who).")
        let after = try run(identity: identity, runID: runID)
        // Lost the race against the runner: it finished (or failed) first.
        guard moved else { throw Self.finished(after) }
        services.logger.info("Health check cancelled", metadata: ["run": "\(runID)"])
        return after
    }

    static func finished(_ run: HealthRunRecord) -> AppError {
        AppError(.conflict, "health_check_finished", "This health check already ended (\(run.status.rawValue)); only running checks can be cancelled.")
    }

    /// Differences between two Completed runs of the same asset (older `base`, newer `target`).
    func compare(identity: Identity, baseRunID: String, targetRunID: String) throws -> HealthComparison {
        let base = try run(identity: identity, runID: baseRunID)
        let target = try run(identity: identity, runID: targetRunID)
        guard base.assetID == target.assetID else {
            throw AppError(.unprocessableContent, "not_comparable", "Only health checks of the same instance can be compared.")
        }
        guard let baseReport = base.report, let targetReport = target.report, base.status == .completed, target.status == .completed else {
            throw AppError(.unprocessableContent, "not_comparable", "Both health checks must be Completed to be compared.")
        }
        return HealthComparer.compare(base: baseReport, target: targetReport)
    }

    /// The newest Completed run per asset (no reports), for asset lists; org-scoped by the caller.
    func latest(orgID: String, assetIDs: [String]) throws -> [String: HealthRunRecord] {
        try store.latestCompleted(orgID: orgID, assetIDs: assetIDs)
    }

    /// Hours between scheduled checks of each asset (0 = no scheduled checks).
    func interval(orgID: String) throws -> Int {
        do { return try store.interval(orgID: orgID) } catch let error as StorageError { throw AppError.from(error) }
    }

    func setInterval(identity: Identity, hours: Int) throws {
        try identity.require(.manageDatabases)
        guard Self.intervalRange.contains(hours) else {
            throw AppError(.unprocessableContent, "invalid_interval",
                           "interval_hours must be a whole number from 0 (no scheduled checks) to 168 (weekly).")
        }
        do { try store.setInterval(orgID: identity.orgID, hours: hours) } catch let error as StorageError { throw AppError.from(error) }
        services.logger.info("Health check interval changed", metadata: ["org": "\(identity.orgID)", "hours": "\(hours)"])
    }
}
