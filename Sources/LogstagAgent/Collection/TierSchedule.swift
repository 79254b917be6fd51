import Foundation
import LogstagCore

/// The delays between runs of one tier.
///
/// Contract: `firstDelay` spreads the first run of each target and tier uniformly over one
/// interval after the warm-up delay (so targets do not run in lock step); `nextDelay` is the
/// interval with up to ±10% jitter. An interval of 0 means the tier is disabled and the
/// schedule is nil.
public struct TierSchedule: Sendable, Equatable {
    public let tier: Tier
    public let interval: TimeInterval

    public init?(tier: Tier, intervalSeconds: Int) {
        guard intervalSeconds > 0 else { return nil }
        self.tier = tier
        self.interval = TimeInterval(intervalSeconds)
    }

    /// Delay before the first run.
    public func firstDelay(warmup: TimeInterval, using generator: inout some RandomNumberGenerator) -> TimeInterval {
        // The high tier starts almost at once so a freshly started agent shows up quickly;
        // slower tiers spread over a tenth of their interval (capped at a minute).
        let spread = min(interval / 10, 60)
        return warmup + Double.random(in: 0...spread, using: &generator)
    }

    /// Delay before the run after the one that just started.
    public func nextDelay(using generator: inout some RandomNumberGenerator) -> TimeInterval {
        interval * Double.random(in: 0.9...1.1, using: &generator)
    }
}
