import Foundation
import LogstagStorage

/// `GET /api/v1/assets/{id}/collection`: how collection itself is doing, per signal.
///
/// Contract: `signals` holds the latest outcome of each signal the agent ever sent for the
/// asset; `ok`/`unavailable` count them; unavailable signals carry their reason and the
/// agent's redacted message (never a secret).
struct CollectionView: Encodable {
    struct Signal: Encodable {
        let name, tier, status: String
        let reason, message: String?
        let durationMs: Double
        let rows: Int
        let collectedAt: Date

        enum CodingKeys: String, CodingKey {
            case name, tier, status, reason, message, rows
            case durationMs = "duration_ms"
            case collectedAt = "collected_at"
        }
    }

    let signals: [Signal]
    let ok: Int
    let unavailable: Int
    let lastCollectedAt: Date?

    enum CodingKeys: String, CodingKey {
        case signals, ok, unavailable
        case lastCollectedAt = "last_collected_at"
    }

    init(_ health: [SignalHealth]) {
        signals = health.map {
            Signal(
                name: $0.signal, tier: $0.tier, status: $0.status, reason: $0.reason, message: $0.message, durationMs: $0.durationMs,
                rows: $0.rowCount, collectedAt: $0.collectedAt)
        }
        ok = health.filter { $0.status == "ok" }.count
        unavailable = health.count - ok
        lastCollectedAt = health.map(\.collectedAt).max()
    }
}
