import LogstagCore

/// What running one signal on one session produced, before it becomes a `SignalPayload`.
///
/// Contract: `rows` holds converted rows (possibly none: an empty result is data, e.g. no
/// blocked sessions); `unavailable` holds the reason and a full sentence. `merge` combines
/// the per-database outcomes of a database-scoped signal: rows of every database that
/// answered, with a message naming the databases that did not; unavailable only when no
/// database answered. Rows beyond `WireLimits.maxRowsPerSignal` are cut, and the message
/// says so, so a truncated signal never looks complete.
enum PostgresSignalOutcome: Equatable {
    case rows([[String: JSONValue]])
    case unavailable(UnavailableReason, String)

    /// The payload of `name` for this outcome.
    func payload(name: String, durationMs: Double, note: String? = nil) -> SignalPayload {
        switch self {
        case .rows(let rows):
            let limit = WireLimits.maxRowsPerSignal
            guard rows.count <= limit else {
                let cut = "Only the first \(limit) of \(rows.count) rows were sent (the wire limit per signal)."
                return SignalPayload(
                    name: name, status: .ok, message: [note, cut].compactMap { $0 }.joined(separator: " "), durationMs: durationMs,
                    rows: Array(rows.prefix(limit)))
            }
            return SignalPayload(name: name, status: .ok, message: note, durationMs: durationMs, rows: rows)
        case .unavailable(let reason, let message):
            return SignalPayload(name: name, status: .unavailable, reason: reason, message: message, durationMs: durationMs)
        }
    }

    /// Combines the outcomes of one signal in several databases (in database order).
    static func merge(name: String, outcomes: [(database: String, outcome: PostgresSignalOutcome)], durationMs: Double) -> SignalPayload {
        var rows: [[String: JSONValue]] = []
        var answered = 0
        var failures: [(database: String, reason: UnavailableReason, message: String)] = []
        for (database, outcome) in outcomes {
            switch outcome {
            case .rows(let more):
                answered += 1
                rows.append(contentsOf: more)
            case .unavailable(let reason, let message):
                failures.append((database, reason, message))
            }
        }
        guard !outcomes.isEmpty else {
            return PostgresSignalOutcome.unavailable(
                .permission, "The monitoring user may connect to no database, so \(name) has nothing to read. Grant CONNECT on the databases to monitor."
            ).payload(name: name, durationMs: durationMs)
        }
        guard answered > 0 else {
            let reasons = Set(failures.map(\.reason))
            let reason = reasons.count == 1 ? failures[0].reason : .error
            let message = failures.map { "\($0.database): \($0.message)" }.joined(separator: " ")
            return PostgresSignalOutcome.unavailable(reason, message).payload(name: name, durationMs: durationMs)
        }
        let note =
            failures.isEmpty
            ? nil
            : "No data from \(failures.count) of \(outcomes.count) databases: "
                + failures.map { "\($0.database) (\($0.reason.rawValue): \($0.message))" }.joined(separator: "; ")
        return PostgresSignalOutcome.rows(rows).payload(name: name, durationMs: durationMs, note: note)
    }
}
