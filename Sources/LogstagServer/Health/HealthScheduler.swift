import Foundation
import LogstagCore
import LogstagStorage

/// Starts scheduled health checks: each asset whose organisation has an interval above 0, whose
/// agent is connected and that had no run within the interval gets one.
///
/// Contract: an asset that is busy or checked recently is skipped; a failed or timed-out
/// scheduled run counts as a run (no retry storm before the next interval).
struct HealthScheduler: Sendable {
    let services: AppServices

    /// The runs it started.
    @discardableResult
    func tick() -> [HealthRunRecord] {
        let service = HealthService(services: services)
        let due: [(orgID: String, assetID: String)]
        do {
            due = try services.healthRuns.dueAssets(now: services.clock(), engines: HealthCatalogues.supportedEngines)
        } catch {
            services.logger.error("Health scheduler could not list due assets", metadata: ["error": "\(error)"])
            return []
        }
        var started: [HealthRunRecord] = []
        for asset in due {
            do {
                started.append(try service.startScheduled(orgID: asset.orgID, assetID: asset.assetID))
            } catch {
                services.logger.warning("Scheduled health check not started", metadata: ["asset": "\(asset.assetID)", "error": "\(error)"])
            }
        }
        return started
    }
}
