import Foundation

/// A short-lived cache of explorer answers that aggregate across the whole organisation (the
/// Overview), as the reference product does ("cached 30 s"): every visitor of the landing page
/// within the TTL gets the same answer instead of re-reading every instance's series.
///
/// Contract: `value(for:now:compute:)` returns the stored answer while it is younger than `ttl`,
/// otherwise computes, stores and returns a new one; errors are not cached. At most `capacity`
/// entries are kept (expired ones go first, then the oldest). Keys must include the organisation.
final class ResponseCache: @unchecked Sendable {
    let ttl: TimeInterval
    let capacity: Int
    private let lock = NSLock()
    private var entries: [String: (stored: Date, value: [String: Any])] = [:]

    init(ttl: TimeInterval = 30, capacity: Int = 256) {
        self.ttl = ttl
        self.capacity = capacity
    }

    func value(for key: String, now: Date, compute: () throws -> [String: Any]) rethrows -> [String: Any] {
        if let hit = lock.withLock({ entries[key] }), now.timeIntervalSince(hit.stored) < ttl, now >= hit.stored {
            return hit.value
        }
        let value = try compute()
        lock.withLock {
            entries[key] = (now, value)
            if entries.count > capacity {
                entries = entries.filter { now.timeIntervalSince($0.value.stored) < ttl }
                while entries.count > capacity, let oldest = entries.min(by: { $0.value.stored < $1.value.stored })?.key {
                    entries[oldest] = nil
                }
            }
        }
        return value
    }

    var count: Int { lock.withLock { entries.count } }
}
