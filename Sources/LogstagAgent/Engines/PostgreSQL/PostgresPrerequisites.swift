import Foundation
import LogstagCore

/// What a connection test reads from the server, and the checks it derives from that.
///
/// Contract: `gather(on:)` runs a few catalogue queries and never throws for a failed read:
/// what it cannot read stays nil (the matching check is `unknown`), except a broken
/// connection, which throws. `evaluate()` is pure and returns, in order: login works,
/// session is read-only, pg_monitor membership, pg_stat_statements in
/// shared_preload_libraries, pg_stat_statements installed in the database, track_io_timing,
/// CONNECT on every database, server version >= 10, each with the exact statement that fixes
/// a failure or warning.
struct PostgresPrerequisites: Sendable, Equatable {
    /// One check with its fix.
    struct Outcome: Sendable, Equatable {
        var check: PrerequisiteCheck
        var fix: String?
    }

    var user: String
    var database: String
    var serverVersionNumber: Int
    var transactionReadOnly: Bool?
    var isSuperuser: Bool?
    var hasMonitorRole: Bool?
    /// `shared_preload_libraries`, nil when the user may not read it (needs pg_read_all_settings).
    var preloadLibraries: String?
    var statementsInstalled: Bool?
    /// Whether `pg_stat_statements(false)` answered (nil when not tried or failed for another reason).
    var statementsAnswer: Bool?
    var trackIOTiming: Bool?
    var databasesWithoutConnect: [String]?

    static let minimumVersion = 100_000

    /// Reads the facts through `session`.
    static func gather(on session: PostgresSession, user: String) throws(PostgresConnectionLost) -> PostgresPrerequisites {
        var facts = PostgresPrerequisites(user: user, database: session.database, serverVersionNumber: session.serverVersionNumber)
        func read(_ sql: String) throws(PostgresConnectionLost) -> PostgresRows? {
            do {
                return try session.query(sql)
            } catch {
                if error.connectionLost {
                    throw PostgresConnectionLost(message: "The connection was lost during the connection test: \(error.description)")
                }
                return nil
            }
        }
        if let row = try read(
            """
            SELECT current_setting('transaction_read_only') = 'on' AS read_only,
                   (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) AS superuser,
                   pg_has_role(current_user, 'pg_monitor', 'USAGE') AS monitor,
                   current_setting('track_io_timing') = 'on' AS track_io_timing,
                   EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_stat_statements') AS statements_installed
            """)?.firstRow
        {
            facts.transactionReadOnly = row["read_only"].flatMap { $0 }.map { $0 == "t" }
            facts.isSuperuser = row["superuser"].flatMap { $0 }.map { $0 == "t" }
            facts.hasMonitorRole = row["monitor"].flatMap { $0 }.map { $0 == "t" }
            facts.trackIOTiming = row["track_io_timing"].flatMap { $0 }.map { $0 == "t" }
            facts.statementsInstalled = row["statements_installed"].flatMap { $0 }.map { $0 == "t" }
        }
        // pg_settings leaves out superuser-only settings for others instead of failing.
        if let rows = try read("SELECT setting FROM pg_settings WHERE name = 'shared_preload_libraries'"), let row = rows.rows.first {
            facts.preloadLibraries = row[0] ?? ""
        }
        if facts.statementsInstalled == true {
            do {
                try session.query("SELECT 1 FROM pg_stat_statements(false) LIMIT 1")
                facts.statementsAnswer = true
            } catch {
                if error.connectionLost {
                    throw PostgresConnectionLost(message: "The connection was lost during the connection test: \(error.description)")
                }
                // 55000: "pg_stat_statements must be loaded via shared_preload_libraries".
                facts.statementsAnswer = error.sqlState == "55000" ? false : nil
            }
        }
        if let rows = try read(
            """
            SELECT datname FROM pg_database
            WHERE datallowconn AND NOT datistemplate AND NOT has_database_privilege(oid, 'CONNECT')
            ORDER BY datname
            """)
        {
            facts.databasesWithoutConnect = rows.rows.compactMap { $0[0] }
        }
        return facts
    }

    /// The checks, in the order shown to people.
    func evaluate() -> [Outcome] {
        let quotedUser = PostgresIdentifier.quoted(user)
        var outcomes: [Outcome] = [
            Outcome(
                check: PrerequisiteCheck(
                    name: "Login works", status: .pass,
                    detail: "Connected to database \(database) as \(user) (PostgreSQL \(PostgresVersion.display(serverVersionNumber)))."),
                fix: nil)
        ]

        switch transactionReadOnly {
        case true?:
            outcomes.append(Outcome(check: PrerequisiteCheck(name: "Session is read-only", status: .pass), fix: nil))
        case false?:
            outcomes.append(
                Outcome(
                    check: PrerequisiteCheck(
                        name: "Session is read-only", status: .fail,
                        detail: "The agent's session is not read-only although it asks for it; a role or database setting overrides default_transaction_read_only."),
                    fix: "ALTER ROLE \(quotedUser) RESET default_transaction_read_only;"))
        case nil:
            outcomes.append(unknown("Session is read-only", "transaction_read_only could not be read."))
        }

        switch (hasMonitorRole, isSuperuser) {
        case (_, true?):
            outcomes.append(
                Outcome(
                    check: PrerequisiteCheck(
                        name: "pg_monitor membership", status: .pass,
                        detail: "\(user) is a superuser, which can read everything; a dedicated login role with pg_monitor is enough and safer."),
                    fix: nil))
        case (true?, _):
            outcomes.append(Outcome(check: PrerequisiteCheck(name: "pg_monitor membership", status: .pass), fix: nil))
        case (false?, _):
            outcomes.append(
                Outcome(
                    check: PrerequisiteCheck(
                        name: "pg_monitor membership", status: .fail,
                        detail: "\(user) is not a member of pg_monitor, so PostgreSQL hides other sessions' activity, statement statistics and some settings."),
                    fix: "GRANT pg_monitor TO \(quotedUser);"))
        case (nil, _):
            outcomes.append(unknown("pg_monitor membership", "Role membership could not be read."))
        }

        let preloadFix =
            "Add pg_stat_statements to shared_preload_libraries in postgresql.conf (shared_preload_libraries = 'pg_stat_statements'), restart PostgreSQL, then run CREATE EXTENSION pg_stat_statements; in database \(database)."
        if let libraries = preloadLibraries {
            let listed = libraries.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: ["\""]) }
                .contains("pg_stat_statements")
            outcomes.append(
                listed
                    ? Outcome(check: PrerequisiteCheck(name: "pg_stat_statements in shared_preload_libraries", status: .pass), fix: nil)
                    : Outcome(
                        check: PrerequisiteCheck(
                            name: "pg_stat_statements in shared_preload_libraries", status: .fail,
                            detail: "shared_preload_libraries does not list pg_stat_statements, so no statement statistics are recorded."),
                        fix: preloadFix))
        } else if let answered = statementsAnswer {
            outcomes.append(
                answered
                    ? Outcome(
                        check: PrerequisiteCheck(
                            name: "pg_stat_statements in shared_preload_libraries", status: .pass,
                            detail: "The setting is not readable by \(user), but pg_stat_statements answers, so it is loaded."),
                        fix: nil)
                    : Outcome(
                        check: PrerequisiteCheck(
                            name: "pg_stat_statements in shared_preload_libraries", status: .fail,
                            detail: "pg_stat_statements is installed but not loaded through shared_preload_libraries."),
                        fix: preloadFix))
        } else {
            outcomes.append(
                unknown(
                    "pg_stat_statements in shared_preload_libraries",
                    "shared_preload_libraries is readable only with pg_read_all_settings (part of pg_monitor)."))
        }

        switch statementsInstalled {
        case true?:
            outcomes.append(Outcome(check: PrerequisiteCheck(name: "pg_stat_statements installed in \(database)", status: .pass), fix: nil))
        case false?:
            outcomes.append(
                Outcome(
                    check: PrerequisiteCheck(
                        name: "pg_stat_statements installed in \(database)", status: .fail,
                        detail: "The pg_stat_statements extension is not installed in database \(database)."),
                    fix: "Run CREATE EXTENSION pg_stat_statements; in database \(database) (as a superuser)."))
        case nil:
            outcomes.append(unknown("pg_stat_statements installed in \(database)", "pg_extension could not be read."))
        }

        switch trackIOTiming {
        case true?:
            outcomes.append(Outcome(check: PrerequisiteCheck(name: "track_io_timing", status: .pass), fix: nil))
        case false?:
            outcomes.append(
                Outcome(
                    check: PrerequisiteCheck(
                        name: "track_io_timing", status: .warn,
                        detail: "track_io_timing is off, so block read and write times are reported as zero."),
                    fix: "ALTER SYSTEM SET track_io_timing = on; SELECT pg_reload_conf();"))
        case nil:
            outcomes.append(unknown("track_io_timing", "track_io_timing could not be read."))
        }

        switch databasesWithoutConnect {
        case let missing? where missing.isEmpty:
            outcomes.append(Outcome(check: PrerequisiteCheck(name: "CONNECT on every database", status: .pass), fix: nil))
        case let missing?:
            let shown = missing.prefix(10)
            let more = missing.count > shown.count ? " (and \(missing.count - shown.count) more)" : ""
            outcomes.append(
                Outcome(
                    check: PrerequisiteCheck(
                        name: "CONNECT on every database", status: .warn,
                        detail: "\(user) may not connect to \(shown.joined(separator: ", "))\(more), so schema and per-database signals skip them."),
                    fix: shown.map { "GRANT CONNECT ON DATABASE \(PostgresIdentifier.quoted($0)) TO \(quotedUser);" }.joined(separator: " ")))
        case nil:
            outcomes.append(unknown("CONNECT on every database", "pg_database could not be read."))
        }

        outcomes.append(
            serverVersionNumber >= Self.minimumVersion
                ? Outcome(
                    check: PrerequisiteCheck(
                        name: "PostgreSQL 10 or later", status: .pass, detail: "PostgreSQL \(PostgresVersion.display(serverVersionNumber))."),
                    fix: nil)
                : Outcome(
                    check: PrerequisiteCheck(
                        name: "PostgreSQL 10 or later", status: .fail,
                        detail: "PostgreSQL \(PostgresVersion.display(serverVersionNumber)) is older than 10, which Logstag does not support."),
                    fix: "Upgrade PostgreSQL to a supported version (10 or later; 13 or later recommended)."))
        return outcomes
    }

    private func unknown(_ name: String, _ detail: String) -> Outcome {
        Outcome(check: PrerequisiteCheck(name: name, status: .unknown, detail: detail), fix: nil)
    }
}
