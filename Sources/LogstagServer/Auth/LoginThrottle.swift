import Foundation

/// Failure throttling. For sign-in: at most 5 failures per account and 20 per client IP in any
/// 5 minutes; past either limit every attempt (right password or not) is refused for the rest
/// of the window, with the same answer for known and unknown accounts so it reveals nothing.
/// The same mechanism limits failed registration-token redemptions (10 per IP per minute).
///
/// Kept in memory: a restart forgets failures, which only helps an attacker by one window per
/// restart; a scaled-out deployment would move this table to the shared store.
public actor LoginThrottle {
    public static let window: TimeInterval = 300
    public static let perAccount = 5
    public static let perIP = 20

    private let window: TimeInterval
    private let perAccount: Int
    private let perIP: Int

    private var failuresByAccount: [String: [Date]] = [:]
    private var failuresByIP: [String: [Date]] = [:]
    private let clock: @Sendable () -> Date

    public init(clock: @escaping @Sendable () -> Date, window: TimeInterval = LoginThrottle.window,
                perAccount: Int = LoginThrottle.perAccount, perIP: Int = LoginThrottle.perIP) {
        self.clock = clock
        self.window = window
        self.perAccount = perAccount
        self.perIP = perIP
    }

    /// Seconds until attempts are allowed again, or nil when not blocked.
    public func blockedFor(account: String, ip: String) -> TimeInterval? {
        let now = clock()
        prune(now)
        var until: Date?
        if let list = failuresByAccount[account.lowercased()], list.count >= perAccount { until = list[list.count - perAccount] }
        if let list = failuresByIP[ip], list.count >= perIP {
            let ipUntil = list[list.count - perIP]
            until = max(until ?? ipUntil, ipUntil)
        }
        return until.map { max(1, $0.addingTimeInterval(window).timeIntervalSince(now)) }
    }

    public func recordFailure(account: String, ip: String) {
        let now = clock()
        failuresByAccount[account.lowercased(), default: []].append(now)
        failuresByIP[ip, default: []].append(now)
    }

    /// A successful sign-in clears the account's failures (not the IP's).
    public func recordSuccess(account: String) {
        failuresByAccount[account.lowercased()] = nil
    }

    private func prune(_ now: Date) {
        let cutoff = now.addingTimeInterval(-window)
        failuresByAccount = failuresByAccount.compactMapValues { list in
            let kept = list.filter { $0 > cutoff }
            return kept.isEmpty ? nil : kept
        }
        failuresByIP = failuresByIP.compactMapValues { list in
            let kept = list.filter { $0 > cutoff }
            return kept.isEmpty ? nil : kept
        }
    }
}
