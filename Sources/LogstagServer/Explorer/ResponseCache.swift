import Dispatch
import Foundation

/// A short-lived cache of explorer answers that aggregate across the whole organisation (the
/// Overview), as the reference product does ("cached 30 s"): every visitor of the landing page
/// within the TTL gets the same answer instead of re-reading every instance's series.
///
/// Contract: `value(for:now:compute:)` returns the stored answer while it is younger than `ttl`.
/// Once older, but younger than `ttl + staleFor`, it still returns the stored answer at once and
/// recomputes it in the background (one refresh per key at a time), so a visitor never waits for
/// the organisation-wide read a second time while someone keeps the page open or comes back
/// within minutes (stale-while-revalidate). Older than that, or absent, the answer is computed
/// while the caller waits. Errors are not cached (a failed background refresh keeps the stored
/// answer). At most `capacity` entries are kept (expired ones go first, then the oldest). Keys
/// must include the organisation.
final class ResponseCache: @unchecked Sendable {
    let ttl: TimeInterval
    let staleFor: TimeInterval
    let capacity: Int
    private let lock = NSLock()
    private var entries: [String: (stored: Date, value: [String: Any])] = [:]
    private var refreshing: Set<String> = []
    /// Background refreshes in flight; tests wait on it.
    let refreshes = DispatchGroup()

    init(ttl: TimeInterval = 30, staleFor: TimeInterval = 0, capacity: Int = 256) {
        self.ttl = ttl
        self.staleFor = staleFor
        self.capacity = capacity
    }

    func value(for key: String, now: Date, compute: @escaping () throws -> [String: Any]) throws -> [String: Any] {
        if let hit = lock.withLock({ entries[key] }), now >= hit.stored {
            let age = now.timeIntervalSince(hit.stored)
            if age < ttl { return hit.value }
            if age < ttl + staleFor {
                refreshInBackground(key: key, now: now, compute: compute)
                return hit.value
            }
        }
        let value = try compute()
        store(value, for: key, now: now, onlyIfNewer: false)
        return value
    }

    var count: Int { lock.withLock { entries.count } }

    private func refreshInBackground(key: String, now: Date, compute: @escaping () throws -> [String: Any]) {
        guard lock.withLock({ refreshing.insert(key).inserted }) else { return }
        let job = BackgroundCompute(run: compute)
        refreshes.enter()
        DispatchQueue.global(qos: .utility).async { [self] in
            defer {
                lock.withLock { _ = refreshing.remove(key) }
                refreshes.leave()
            }
            if let value = try? job.run() { store(value, for: key, now: now, onlyIfNewer: true) }
        }
    }

    /// `onlyIfNewer`: a background refresh that finishes after a newer answer was stored keeps
    /// the newer one.
    private func store(_ value: [String: Any], for key: String, now: Date, onlyIfNewer: Bool) {
        lock.withLock {
            if onlyIfNewer, let existing = entries[key], existing.stored > now { return }
            entries[key] = (now, value)
            if entries.count > capacity {
                let horizon = ttl + staleFor
                entries = entries.filter { now.timeIntervalSince($0.value.stored) < horizon }
                while entries.count > capacity, let oldest = entries.min(by: { $0.value.stored < $1.value.stored })?.key {
                    entries[oldest] = nil
                }
            }
        }
    }
}

/// Carries a request's compute closure to the background queue. The closure only reads the
/// database through `AppServices` (which is thread-safe) and values it captured by copy.
private struct BackgroundCompute: @unchecked Sendable {
    let run: () throws -> [String: Any]
}
