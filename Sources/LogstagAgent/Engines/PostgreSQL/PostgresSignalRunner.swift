import LogstagCore

/// What the driver knows about the monitoring user before running a tier.
///
/// Contract: `roleMemberships` maps each role some signal requires to whether the user has
/// its privileges (`pg_has_role(..., 'USAGE')`, true for superusers); nil when it could not
/// be read, in which case role checks are skipped rather than guessed.
struct PostgresUserFacts: Sendable, Equatable {
    var user: String
    var serverVersionNumber: Int
    var roleMemberships: [String: Bool]?
}

/// The session broke while a signal ran; the driver closes it and reports the target lost.
struct PostgresConnectionLost: Error, Sendable, Equatable {
    var message: String
}

/// Runs one manifest signal on one session and converts its rows by the manifest's kinds.
///
/// Contract: checks, in order, the version bounds (`unsupported`), the required role
/// (`permission`, naming the role and the GRANT to run), the required extension
/// (`unsupported`, with the manifest's hint); then runs the SQL under the signal's timeout.
/// A statement error becomes `unavailable` by `PostgresFailureClassifier`; only a broken
/// connection throws. A result column the manifest does not declare makes the signal
/// unavailable (`error`) instead of sending unclassified data. Scrubbed columns go through
/// `SQLTextScrubber` with the server's `standard_conforming_strings`.
enum PostgresSignalRunner {
    static func run(_ signal: PostgresSignal, on session: PostgresSession, facts: PostgresUserFacts) throws(PostgresConnectionLost)
        -> PostgresSignalOutcome
    {
        if let unavailable = try preconditionFailure(signal, on: session, facts: facts) { return unavailable }
        let result: PostgresRows
        do {
            result = try session.query(signal.sql, timeoutMs: signal.timeoutMs)
        } catch {
            return try outcome(for: error, signal: signal, facts: facts)
        }
        return convert(result, signal: signal, standardConformingStrings: session.standardConformingStrings)
    }

    /// The reason `signal` cannot run here, or nil when it can.
    static func preconditionFailure(_ signal: PostgresSignal, on session: PostgresSession, facts: PostgresUserFacts)
        throws(PostgresConnectionLost) -> PostgresSignalOutcome?
    {
        let version = facts.serverVersionNumber
        if let minimum = signal.minVersion, version < minimum {
            return .unavailable(
                .unsupported,
                "\(signal.name) needs PostgreSQL \(PostgresVersion.display(minimum)) or later; this server runs \(PostgresVersion.display(version)).")
        }
        if let maximum = signal.maxVersion, version > maximum {
            return .unavailable(
                .unsupported,
                "\(signal.name) reads a view that changed after PostgreSQL \(PostgresVersion.display(maximum)); this server runs \(PostgresVersion.display(version)).")
        }
        if let role = signal.requiresRole, let memberships = facts.roleMemberships, memberships[role] != true {
            return .unavailable(
                .permission,
                "The monitoring user \(facts.user) does not have the privileges of \(role), so PostgreSQL would hide other sessions' data from \(signal.name). Run GRANT \(role) TO \(PostgresIdentifier.quoted(facts.user)); (or GRANT pg_monitor, which includes it).")
        }
        if let extensionName = signal.requiresExtension {
            do {
                let found = try session.query("SELECT 1 FROM pg_extension WHERE extname = $1", parameters: [extensionName])
                if found.rows.isEmpty {
                    let hint = signal.extensionHint.map { ": \($0)" } ?? ": run CREATE EXTENSION \(extensionName)"
                    return .unavailable(.unsupported, "\(extensionName) is not installed in database \(session.database)\(hint).")
                }
            } catch {
                return try outcome(for: error, signal: signal, facts: facts)
            }
        }
        return nil
    }

    /// Turns a statement error into an outcome, or throws when the connection is gone.
    static func outcome(for error: PostgresQueryError, signal: PostgresSignal, facts: PostgresUserFacts) throws(PostgresConnectionLost)
        -> PostgresSignalOutcome
    {
        if error.connectionLost {
            throw PostgresConnectionLost(message: "The connection was lost while collecting \(signal.name): \(error.description)")
        }
        return .unavailable(
            PostgresFailureClassifier.unavailableReason(error),
            PostgresFailureClassifier.signalMessage(error, signal: signal, user: facts.user))
    }

    /// Rows as JSON objects keyed by column name, converted by kind.
    static func convert(_ result: PostgresRows, signal: PostgresSignal, standardConformingStrings: Bool) -> PostgresSignalOutcome {
        var kinds: [PostgresColumnKind] = []
        for column in result.columns {
            guard let kind = signal.kind(of: column) else {
                return .unavailable(
                    .error, "\(signal.name) returned column \(column), which its manifest entry does not declare; the collector files are inconsistent.")
            }
            kinds.append(kind)
        }
        let scrubbed = result.columns.map { signal.scrubbedColumns.contains($0) }
        var rows: [[String: JSONValue]] = []
        rows.reserveCapacity(result.rows.count)
        for values in result.rows {
            var row: [String: JSONValue] = [:]
            for (index, text) in values.enumerated() {
                let value = scrubbed[index] ? text.map { SQLTextScrubber.scrub($0, standardConformingStrings: standardConformingStrings) } : text
                row[result.columns[index]] = kinds[index].value(fromText: value)
            }
            rows.append(row)
        }
        return .rows(rows)
    }
}
