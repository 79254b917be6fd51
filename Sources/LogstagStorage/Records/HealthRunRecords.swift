import Foundation
import GRDB
import LogstagCore

/// One health-check run of one asset: its lifecycle and, once Completed, its report.
///
/// Contract: `status` only moves forward (see `HealthRunStatus`); a final run never changes
/// again. `report` is nil in lists (they do not load it) and for runs that are not Completed.
public struct HealthRunRecord: Sendable, Equatable {
    /// Who asked for the run.
    public enum Trigger: String, Sendable, Codable, CaseIterable {
        case manual, schedule
    }

    public var id: String
    public var orgID: String
    public var assetID: String
    public var status: HealthRunStatus
    public var trigger: Trigger
    public var requestedBy: String?
    /// The `snapshot` command asked of the agent (set when collection starts).
    public var commandID: String?
    public var createdAt: Date
    /// When collection was requested; data collected before it is not fresh for this run.
    public var startedAt: Date?
    public var finishedAt: Date?
    /// A run still unfinished at this time becomes Timeout.
    public var deadlineAt: Date
    /// Why the run failed, timed out or was cancelled.
    public var message: String?
    /// The highest `snapshots.id` when the snapshot was requested: rows stored later are fresh,
    /// whatever the agent's clock says.
    public var snapshotWatermark: Int64?
    public var overallScore: Double?
    public var result: HealthResult?
    public var attentionCount: Int?
    public var criticalCount: Int?
    public var catalogueVersion: Int?
    public var report: HealthReport?

    public init(id: String, orgID: String, assetID: String, status: HealthRunStatus = .pending, trigger: Trigger, requestedBy: String?,
                createdAt: Date, deadlineAt: Date) {
        self.id = id
        self.orgID = orgID
        self.assetID = assetID
        self.status = status
        self.trigger = trigger
        self.requestedBy = requestedBy
        self.createdAt = createdAt
        self.deadlineAt = deadlineAt
    }

    /// Seconds from start to finish (or to `now` while running); nil before collection started.
    public func duration(now: Date) -> TimeInterval? {
        guard let startedAt else { return nil }
        return max(0, (finishedAt ?? now).timeIntervalSince(startedAt))
    }

    init(row: Row, report: HealthReport? = nil) {
        self.init(
            id: row["id"], orgID: row["org_id"], assetID: row["asset_id"],
            status: HealthRunStatus(rawValue: row["status"]) ?? .failure, trigger: Trigger(rawValue: row["trigger"]) ?? .manual,
            requestedBy: row["requested_by"], createdAt: row.date("created_at")!, deadlineAt: row.date("deadline_at")!)
        commandID = row["command_id"]
        startedAt = row.date("started_at")
        finishedAt = row.date("finished_at")
        message = row["message"]
        snapshotWatermark = row["snapshot_watermark"]
        overallScore = row["overall_score"]
        result = (row["result"] as String?).flatMap(HealthResult.init(rawValue:))
        attentionCount = row["attention_count"]
        criticalCount = row["critical_count"]
        catalogueVersion = row["catalogue_version"]
        self.report = report
    }
}

/// A stored snapshot of one signal, as the health-check input loader reads it.
public struct StoredSnapshot: Sendable, Equatable {
    public var signal: String
    public var tier: String
    public var collectedAt: Date
    public var status: SignalStatus
    public var reason: UnavailableReason?
    public var message: String?
    /// The rows as stored (`rows_json`); nil when the signal was unavailable.
    public var rowsJSON: String?

    init(row: Row) {
        signal = row["signal"]
        tier = row["tier"]
        collectedAt = row.date("collected_at")!
        status = SignalStatus(rawValue: row["status"]) ?? .unavailable
        reason = (row["reason"] as String?).flatMap(UnavailableReason.init(rawValue:))
        message = row["message"]
        rowsJSON = row["rows_json"]
    }
}
