import Foundation

/// Remembers when each agent's heartbeat was last written, so busy agents (a batch every few
/// hundred milliseconds) cost one database write per 10 s instead of one per request.
final class HeartbeatThrottle: @unchecked Sendable {
    static let interval: TimeInterval = 10

    private let lock = NSLock()
    private var lastWritten: [String: Date] = [:]

    /// True when the heartbeat should be written now (and records that it was).
    func shouldWrite(agentID: String, now: Date) -> Bool {
        lock.withLock {
            if let last = lastWritten[agentID], now.timeIntervalSince(last) < Self.interval, now >= last { return false }
            lastWritten[agentID] = now
            return true
        }
    }
}
