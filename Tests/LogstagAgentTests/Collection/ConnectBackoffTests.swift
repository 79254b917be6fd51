import Foundation
import LogstagCore
import Testing

@testable import LogstagAgent

@Suite("Reconnect backoff")
struct ConnectBackoffTests {
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    @Test("An unreachable database is retried after 5 s, doubling up to 5 minutes")
    func doubling() {
        var backoff = ConnectBackoff()
        var delays: [TimeInterval] = []
        for _ in 0..<9 {
            backoff.failed(.unreachable, at: start)
            delays.append(backoff.nextAttempt.timeIntervalSince(start))
        }
        #expect(delays == [5, 10, 20, 40, 80, 160, 300, 300, 300])
        #expect(!backoff.mayAttempt(at: start.addingTimeInterval(299)))
        #expect(backoff.mayAttempt(at: start.addingTimeInterval(300)))
    }

    @Test("A rejected login always waits 5 minutes, and an open port does not shorten that")
    func authWaitsFiveMinutes() {
        var backoff = ConnectBackoff()
        backoff.failed(.auth, at: start)
        #expect(backoff.nextAttempt == start.addingTimeInterval(300))
        backoff.portReopened(at: start.addingTimeInterval(10))
        #expect(!backoff.mayAttempt(at: start.addingTimeInterval(10)))
    }

    @Test("A port that opens again allows an immediate retry of an unreachable target; success resets")
    func portReopened() {
        var backoff = ConnectBackoff()
        for _ in 0..<6 { backoff.failed(.unreachable, at: start) }
        #expect(!backoff.mayAttempt(at: start.addingTimeInterval(12)))
        backoff.portReopened(at: start.addingTimeInterval(12))
        #expect(backoff.mayAttempt(at: start.addingTimeInterval(12)))
        backoff.succeeded()
        backoff.failed(.unreachable, at: start)
        #expect(backoff.nextAttempt == start.addingTimeInterval(5))
    }
}

@Suite("Tier schedule")
struct TierScheduleTests {
    @Test("0 disables a tier; delays jitter within ±10% of the interval")
    func jitter() {
        #expect(TierSchedule(tier: .high, intervalSeconds: 0) == nil)
        let schedule = TierSchedule(tier: .medium, intervalSeconds: 60)!
        var generator = SystemRandomNumberGenerator()
        let delays = (0..<500).map { _ in schedule.nextDelay(using: &generator) }
        #expect(delays.allSatisfy { (54...66).contains($0) })
        #expect(Set(delays.map { Int($0) }).count > 5)
        let first = (0..<200).map { _ in schedule.firstDelay(warmup: 30, using: &generator) }
        #expect(first.allSatisfy { (30...36).contains($0) })
    }
}
