import Foundation

/// Everything collected from one target on one tier run.
///
/// Contract: `asset_id` is the asset the target was bound to at enrollment and is never empty;
/// `collected_at` is the agent's clock when collection started; `target_status` says whether
/// the target was reachable; `signals` holds at most `WireLimits.maxSignalsPerPayload` entries.
public struct TargetPayload: Codable, Sendable, Equatable {
    public var assetID: String
    public var targetName: String
    public var tier: Tier
    public var collectedAt: Date
    public var instance: InstanceInfo?
    public var targetStatus: TargetStatus
    public var signals: [SignalPayload]

    public init(
        assetID: String, targetName: String, tier: Tier, collectedAt: Date, instance: InstanceInfo? = nil,
        targetStatus: TargetStatus, signals: [SignalPayload]
    ) {
        self.assetID = assetID
        self.targetName = targetName
        self.tier = tier
        self.collectedAt = collectedAt
        self.instance = instance
        self.targetStatus = targetStatus
        self.signals = signals
    }

    enum CodingKeys: String, CodingKey {
        case assetID = "asset_id"
        case targetName = "target_name"
        case tier
        case collectedAt = "collected_at"
        case instance
        case targetStatus = "target_status"
        case signals
    }
}
