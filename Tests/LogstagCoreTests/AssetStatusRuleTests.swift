import Foundation
import Testing
import LogstagCore

struct AssetStatusRuleTests {
    let now = Date(timeIntervalSince1970: 1_750_000_000)

    @Test func connectedWithinFiveMinutesInclusive() {
        #expect(AssetStatusRule.status(verified: true, lastSeen: now, lastFailure: false, now: now) == .connected)
        #expect(AssetStatusRule.status(verified: true, lastSeen: now - 300, lastFailure: false, now: now) == .connected)
        #expect(AssetStatusRule.status(verified: true, lastSeen: now - 301, lastFailure: false, now: now) == .disconnected)
    }

    @Test func unverifiedIsNeverConnected() {
        #expect(AssetStatusRule.status(verified: false, lastSeen: now, lastFailure: false, now: now) == .disconnected)
    }

    @Test func liveAgentWithAFailureIsIssuesEvenBeforeATestPassed() {
        #expect(AssetStatusRule.status(verified: false, lastSeen: now, lastFailure: true, now: now) == .issues)
    }

    @Test func neverSeenIsDisconnected() {
        #expect(AssetStatusRule.status(verified: true, lastSeen: nil, lastFailure: false, now: now) == .disconnected)
    }

    @Test func failureMakesIssuesOnlyWhileTrafficIsFresh() {
        #expect(AssetStatusRule.status(verified: true, lastSeen: now - 10, lastFailure: true, now: now) == .issues)
        #expect(AssetStatusRule.status(verified: true, lastSeen: now - 301, lastFailure: true, now: now) == .disconnected)
    }

    @Test func staleAfterIsFiveMinutes() {
        #expect(AssetStatusRule.staleAfter == 300)
        #expect(AssetStatus.allCases.map(\.rawValue) == ["Connected", "Disconnected", "Issues"])
    }
}
