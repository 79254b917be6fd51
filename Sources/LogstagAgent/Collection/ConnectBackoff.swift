import Foundation
import LogstagCore

/// When the runner may next try to log in to a target that failed.
///
/// Contract: after the first failure the next login waits 5 s, doubling per consecutive
/// failure up to 5 min; an authentication failure always waits the full 5 min, so a wrong
/// password costs at most one login attempt per 5 minutes and never locks the monitoring
/// account. `succeeded()` resets the sequence. `portReopened()` lets an unreachable target be
/// retried at once when a plain TCP probe finds its port open again (so a restarted database
/// is reconnected within one tick) but never shortens an authentication wait.
public struct ConnectBackoff: Sendable, Equatable {
    public static let initialDelay: TimeInterval = 5
    public static let maximumDelay: TimeInterval = 300

    public private(set) var consecutiveFailures = 0
    public private(set) var lastReason: FailureReason?
    public private(set) var nextAttempt: Date = .distantPast

    public init() {}

    /// Whether a login may be attempted at `now`.
    public func mayAttempt(at now: Date) -> Bool { now >= nextAttempt }

    /// Records a failed connection attempt made at `now`.
    public mutating func failed(_ reason: FailureReason, at now: Date) {
        consecutiveFailures += 1
        lastReason = reason
        let delay: TimeInterval
        if reason == .auth {
            delay = Self.maximumDelay
        } else {
            let exponent = Double(min(consecutiveFailures - 1, 16))
            delay = min(Self.maximumDelay, Self.initialDelay * pow(2, exponent))
        }
        nextAttempt = now.addingTimeInterval(delay)
    }

    /// Records a successful connection.
    public mutating func succeeded() {
        consecutiveFailures = 0
        lastReason = nil
        nextAttempt = .distantPast
    }

    /// The target's port accepts TCP connections again: an unreachable target may be retried now.
    public mutating func portReopened(at now: Date) {
        guard lastReason == .unreachable || lastReason == .timeout else { return }
        nextAttempt = min(nextAttempt, now)
    }
}
