import Foundation

/// What the server knows about a health-check run when it builds the report.
///
/// Contract: `trigger` is "manual" or "schedule"; `finishedAt` is nil while the run is still
/// generating its report (the duration then runs to `generatedAt`).
public struct HealthReportContext: Sendable, Equatable {
    public var runID: String
    public var assetID: String
    public var instanceName: String
    public var engine: Engine
    public var version: String?
    public var platform: String?
    public var trigger: String
    public var startedAt: Date
    public var finishedAt: Date?
    public var generatedAt: Date

    public init(
        runID: String, assetID: String, instanceName: String, engine: Engine, version: String? = nil, platform: String? = nil,
        trigger: String = "manual", startedAt: Date, finishedAt: Date? = nil, generatedAt: Date
    ) {
        self.runID = runID
        self.assetID = assetID
        self.instanceName = instanceName
        self.engine = engine
        self.version = version
        self.platform = platform
        self.trigger = trigger
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.generatedAt = generatedAt
    }
}
