import Foundation
import Testing
import LogstagCore

struct PostgresStateMappingTests {
    @Test(arguments: [
        ("active", nil, SessionStateCategory.active),
        ("active", "LWLock", .active),
        ("active", "IO", .active),
        ("active", "Lock", .waitingForLock),
        ("active", "BufferPin", .active),
        ("idle", nil, .idle),
        ("idle", "Client", .idle),
        ("idle in transaction", nil, .idleInTransaction),
        ("idle in transaction (aborted)", "Client", .idleInTransaction),
        ("idle in transaction", "Lock", .idleInTransaction),
        ("fastpath function call", nil, .other),
        ("disabled", nil, .other),
        ("", nil, .other),
        ("  Active ", "lock", .waitingForLock),
    ] as [(String?, String?, SessionStateCategory)])
    func sessionStates(state: String?, wait: String?, expected: SessionStateCategory) {
        #expect(PostgresStateMapping.category(state: state, waitEventType: wait) == expected)
    }

    @Test func nilStateIsOther() {
        #expect(PostgresStateMapping.category(state: nil, waitEventType: nil) == .other)
        #expect(PostgresStateMapping.category(state: nil, waitEventType: "Lock") == .other)
    }

    @Test(arguments: [
        ("Lock", WaitCategory.locks), ("BufferPin", .locks), ("LWLock", .lwLocks), ("IO", .io),
        ("Client", .client), ("IPC", .client), ("Timeout", .other), ("Activity", .other), ("Extension", .other),
        ("InjectionPoint", .other), ("lwlock", .lwLocks),
    ] as [(String, WaitCategory)])
    func waitTypes(type: String, expected: WaitCategory) {
        #expect(PostgresStateMapping.waitCategory(type) == expected)
    }

    @Test func notWaiting() {
        #expect(PostgresStateMapping.waitCategory(nil) == nil)
        #expect(PostgresStateMapping.waitCategory("") == nil)
        #expect(PostgresStateMapping.waitCategory("  ") == nil)
    }

    @Test func labelsMatchTheReference() {
        #expect(SessionStateCategory.allCases.map(\.rawValue) == ["Active", "Idle", "Idle in Transaction", "Waiting for Lock", "Other"])
        #expect(WaitCategory.allCases.map(\.rawValue) == ["Locks", "LW Locks", "IO", "Client", "Other"])
    }
}
