import Foundation
import LogstagCore
import LogstagStorage

/// Builds the report of a run from what the server stored about its asset: the snapshot the
/// rules read, the trend charts and the previous comparable report.
///
/// Contract: reads only (the caller stores the result); `package` so the on-demand benchmark
/// (`Sources/LogstagHealthBench`) times exactly the code a run uses.
package struct HealthReportGenerator: Sendable {
    let store: HealthRunStore

    package init(store: HealthRunStore) {
        self.store = store
    }

    package func report(run: HealthRunRecord, asset: Asset, catalogue: HealthCatalogue, now: Date) throws -> HealthReport {
        let previous = try store.previousCompleted(before: run)
        let windowStart = HealthInputLoader.windowStart(now: now, previousRunAt: previous.map { $0.startedAt ?? $0.createdAt })
        let loader = HealthInputLoader(store: store)
        let snapshot = try loader.snapshot(
            orgID: run.orgID, assetID: run.assetID, now: now, windowStart: windowStart, baselineSignals: catalogue.baselineSignals)
        let charts = try loader.charts(orgID: run.orgID, assetID: run.assetID, definitions: catalogue.charts, from: windowStart, to: now)
        let context = HealthReportContext(
            runID: run.id, assetID: asset.id, instanceName: asset.name, engine: asset.engine, version: asset.version,
            platform: asset.platform, trigger: run.trigger.rawValue, startedAt: run.startedAt ?? run.createdAt, finishedAt: now,
            generatedAt: now)
        return HealthReportBuilder.build(context: context, catalogue: catalogue, snapshot: snapshot, charts: charts, previous: previous?.report)
    }
}
