import Foundation

/// Self-monitoring counters of the delivery path, since the agent started.
///
/// Contract: counters only grow; `spoolBytes`/`spoolBatches`/`pendingGaps` are the spool's
/// state when the snapshot was taken; `lastError` is a full sentence without secrets.
public struct DeliveryStats: Sendable, Equatable {
    /// Batches the server stored.
    public var sentBatches = 0
    /// Batches the server had already stored (a resend after a lost answer or a crash).
    public var duplicateBatches = 0
    /// Temporary failures that were retried (overload, 5xx, network, TLS).
    public var retries = 0
    /// Batches the server rejected for good (moved to `poison/`).
    public var poisonedBatches = 0
    /// Batches split in two because they were too large.
    public var splitBatches = 0
    /// Batches the spool dropped because it was full or they were too old.
    public var droppedBatches = 0
    /// Batches dropped unsent in mock mode.
    public var discardedBatches = 0
    /// True while the server rejects the agent key (401/403).
    public var credentialsRejected = false
    public var lastError: String?
    public var lastErrorAt: Date?
    public var lastSuccessAt: Date?
    public var spoolBytes = 0
    public var spoolBatches = 0
    public var pendingGaps = 0

    public init() {}
}
