import Foundation
import LogstagCore

/// A range of collected data the spool had to drop (full spool, or older than its age limit),
/// per asset and tier, so the server can show a gap instead of assuming nothing happened.
///
/// Contract: `from`/`to` are the first and last `collected_at` of the dropped payloads;
/// `attachedTo` is the spool entry whose batch carries this gap to the server (the gap is
/// forgotten only when that batch is acknowledged), nil while the gap waits for a batch of
/// its asset. Persisted in `<spool>/gaps.json`.
public struct SpoolGap: Codable, Sendable, Equatable {
    public var assetID: String
    public var targetName: String
    public var tier: Tier
    public var from: Date
    public var to: Date
    public var droppedBatches: Int
    public var droppedPayloads: Int
    public var attachedTo: String?

    public init(
        assetID: String, targetName: String, tier: Tier, from: Date, to: Date, droppedBatches: Int, droppedPayloads: Int,
        attachedTo: String? = nil
    ) {
        self.assetID = assetID
        self.targetName = targetName
        self.tier = tier
        self.from = from
        self.to = to
        self.droppedBatches = droppedBatches
        self.droppedPayloads = droppedPayloads
        self.attachedTo = attachedTo
    }

    enum CodingKeys: String, CodingKey {
        case assetID = "asset_id"
        case targetName = "target_name"
        case tier, from, to
        case droppedBatches = "dropped_batches"
        case droppedPayloads = "dropped_payloads"
        case attachedTo = "attached_to"
    }

    /// The name of the extra signal that carries gaps to the server.
    public static let signalName = "agent_spool_gaps"

    /// The signal row for this gap. `tag_tier` labels the numeric columns per tier.
    var row: [String: JSONValue] {
        [
            "tag_tier": .string(tier.rawValue),
            "from": .string(WireDate.format(from)),
            "to": .string(WireDate.format(to)),
            "dropped_batches": .number(Double(droppedBatches)),
            "dropped_payloads": .number(Double(droppedPayloads)),
        ]
    }
}
