import LogstagCore

/// Turns libpq and server failures into the reasons the rest of the agent understands.
///
/// Contract: connection failures become a `DriverError`: rejected logins (`28P01`
/// password, `28000` pg_hba/role, a missing password) are `auth`; refused, timed-out,
/// unresolvable or starting-up servers are `unreachable`; a login refused the database
/// (no CONNECT privilege) is `permission`; anything else (a missing database, TLS required,
/// too many connections) is `error`. libpq exposes no SQLSTATE for a failed
/// connection, so this matches the server's and libpq's English message texts; with
/// translated messages (a non-English `lc_messages` or agent locale) a failure that matches
/// nothing is classified `error`, never `auth` by mistake. Statement failures become an `UnavailableReason`:
/// `42501` is `permission`; `42P01`/`42883`/`42703`/`0A000`/`55000` (missing view, function,
/// column, feature, preloaded library) are `unsupported`; everything else is `error`.
/// Messages are full sentences with the fix and pass through `Redaction`.
enum PostgresFailureClassifier {
    static let authenticationPatterns = [
        "password authentication failed", "no pg_hba.conf entry", "pg_hba.conf rejects", "authentication failed for user",
        "no password supplied", "password is required", "is not permitted to log in", "SCRAM",
    ]

    static let unreachablePatterns = [
        "Connection refused", "timeout expired", "could not translate host name", "No route to host", "Network is unreachable",
        "Connection timed out", "the database system is starting up", "the database system is shutting down",
        "the database system is in recovery mode", "server closed the connection unexpectedly", "Connection reset by peer",
        "could not connect to server", "Name or service not known", "Temporary failure in name resolution",
    ]

    /// The `DriverError` for a failed login to `parameters`.
    static func driverError(connecting parameters: PostgresConnectionParameters, _ error: PostgresConnectError) -> DriverError {
        let address = "\(parameters.host):\(parameters.port)"
        let detail = error.message.replacingOccurrences(of: "\n", with: " ").replacingOccurrences(of: "\t", with: " ")
        if isAuthenticationFailure(error) {
            return DriverError(
                reason: .auth,
                message: "PostgreSQL at \(address) rejected the login of user \(parameters.user) (\(detail)). Check the password in the agent configuration and that pg_hba.conf allows this user from the agent's address with scram-sha-256 or md5.")
        }
        if unreachablePatterns.contains(where: { error.message.contains($0) }) {
            return DriverError(
                reason: .unreachable,
                message: "PostgreSQL at \(address) cannot be reached (\(detail)). Check the host and port, that the server is running and listens on that address (listen_addresses), and that no firewall blocks the agent.")
        }
        if error.message.contains("permission denied for database") {
            return DriverError(
                reason: .permission,
                message: "PostgreSQL at \(address) accepted user \(parameters.user) but refused it database \(parameters.database) (\(detail)). Run GRANT CONNECT ON DATABASE \(PostgresIdentifier.quoted(parameters.database)) TO \(PostgresIdentifier.quoted(parameters.user));")
        }
        if error.message.contains("database \"") && error.message.contains("does not exist") {
            return DriverError(
                reason: .error,
                message: "PostgreSQL at \(address) has no database \(parameters.database) (\(detail)). Set db_name in the agent configuration to an existing database.")
        }
        return DriverError(reason: .error, message: "Connecting to PostgreSQL at \(address) failed: \(detail)")
    }

    static func isAuthenticationFailure(_ error: PostgresConnectError) -> Bool {
        if error.neededPassword { return true }
        let message = error.message
        if message.contains("database \"") && message.contains("does not exist") { return false }
        if message.contains("role \"") && message.contains("does not exist") { return true }
        return authenticationPatterns.contains { message.contains($0) }
    }

    /// The reason a signal is unavailable after its statement failed.
    static func unavailableReason(_ error: PostgresQueryError) -> UnavailableReason {
        switch error.sqlState {
        case "42501": .permission
        case "42P01", "42883", "42703", "0A000", "55000": .unsupported
        default: .error
        }
    }

    /// A sentence for a failed signal statement, with the fix where there is one.
    static func signalMessage(_ error: PostgresQueryError, signal: PostgresSignal, user: String) -> String {
        let detail = error.description
        switch error.sqlState {
        case "42501":
            return "The monitoring user \(user) may not read what \(signal.name) needs: \(detail). Grant the privilege or accept this signal as unavailable; see collectors/postgresql/README.md."
        case "57014":
            return "\(signal.name) was cancelled after its \(signal.timeoutMs) ms statement timeout: \(detail)."
        case "42P01", "42883", "42703", "0A000", "55000":
            return "This server does not provide what \(signal.name) reads: \(detail)."
        default:
            return "\(signal.name) failed: \(detail)."
        }
    }
}
