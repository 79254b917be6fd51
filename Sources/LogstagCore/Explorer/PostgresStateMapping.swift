import Foundation

/// The explorers' shared session-state model (reference 2.4, Connections), common to every engine.
///
/// Contract: the raw value is the label shown in charts and tables; `allCases` is the legend and
/// stacking order.
public enum SessionStateCategory: String, Sendable, CaseIterable {
    case active = "Active"
    case idle = "Idle"
    case idleInTransaction = "Idle in Transaction"
    case waitingForLock = "Waiting for Lock"
    case other = "Other"
}

/// The explorers' shared wait-event categories (reference 2.4, Wait Events), common to every engine.
///
/// Contract: the raw value is the label shown in charts and tables; `allCases` is the legend and
/// stacking order.
public enum WaitCategory: String, Sendable, CaseIterable {
    case locks = "Locks"
    case lwLocks = "LW Locks"
    case io = "IO"
    case client = "Client"
    case other = "Other"
}

/// PostgreSQL session states and wait events (`pg_stat_activity`) mapped to the explorers' shared
/// categories (reference 2.4 mapping tables).
///
/// Contract: `category` maps `state` plus `wait_event_type`: an active session waiting on a
/// heavyweight `Lock` is Waiting for Lock, otherwise active is Active; `idle` is Idle; both
/// idle-in-transaction states are Idle in Transaction; anything else (`fastpath function call`,
/// `disabled`, NULL for background processes) is Other. `waitCategory` maps `wait_event_type`
/// and is nil when the session is not waiting. Matching ignores case and surrounding spaces.
public enum PostgresStateMapping {
    /// state 'active' with wait_event_type 'Lock' -> waitingForLock; 'active' -> active; 'idle' -> idle;
    /// 'idle in transaction' and 'idle in transaction (aborted)' -> idleInTransaction; anything else / nil -> other.
    public static func category(state: String?, waitEventType: String?) -> SessionStateCategory {
        switch normalised(state) {
        case "active": normalised(waitEventType) == "lock" ? .waitingForLock : .active
        case "idle": .idle
        case "idle in transaction", "idle in transaction (aborted)": .idleInTransaction
        default: .other
        }
    }

    /// Lock, BufferPin -> locks; LWLock -> lwLocks; IO -> io; Client, IPC -> client; other non-empty -> other;
    /// nil/empty -> nil (not waiting).
    ///
    /// An idle client backend waits on `Client` (ClientRead) too: callers charting waits usually
    /// count only sessions whose state is not idle.
    public static func waitCategory(_ waitEventType: String?) -> WaitCategory? {
        guard let type = normalised(waitEventType), !type.isEmpty else { return nil }
        switch type {
        case "lock", "bufferpin": return .locks
        case "lwlock": return .lwLocks
        case "io": return .io
        case "client", "ipc": return .client
        default: return .other
        }
    }

    private static func normalised(_ text: String?) -> String? {
        text?.trimmingCharacters(in: .whitespaces).lowercased()
    }
}
